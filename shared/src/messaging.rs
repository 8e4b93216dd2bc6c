//! Messages to customers by SMS and WeChat Work (企业微信), as Chinese collection runs on them
//! as much as on email (the seed articles, `002` §1, §3 and §6). These are the rules every
//! channel keeps: which providers there are and what each needs, when a message may go (never
//! in the customer's night), what an SMS template is filled with, and how its values are cut to
//! what the providers accept.

use chrono::{Duration, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

string_enum!(MessageChannelKind {
    /// Text messages through a Chinese SMS provider, with its approved templates.
    Sms => "SMS",
    /// WeChat Work external-contact messages, sent on behalf of the customer's collector.
    Wecom => "WECOM",
});

string_enum!(MessageProvider {
    /// Alibaba Cloud SMS (阿里云短信服务), `SendSms` of API version 2017-05-25.
    AliyunSms => "ALIYUN_SMS",
    /// Tencent Cloud SMS (腾讯云短信), `SendSms` of API version 2021-01-11.
    TencentSms => "TENCENT_SMS",
    /// WeChat Work's external-contact mass message (`externalcontact/add_msg_template`).
    Wecom => "WECOM",
});

impl MessageProvider {
    /// The kind of channel the provider serves.
    pub const fn kind(self) -> MessageChannelKind {
        match self {
            MessageProvider::AliyunSms | MessageProvider::TencentSms => MessageChannelKind::Sms,
            MessageProvider::Wecom => MessageChannelKind::Wecom,
        }
    }

    /// The credentials' fields, each required: what the provider's console issues.
    pub const fn credential_fields(self) -> &'static [&'static str] {
        match self {
            MessageProvider::AliyunSms => &["accessKeyId", "accessKeySecret"],
            MessageProvider::TencentSms => &["secretId", "secretKey"],
            MessageProvider::Wecom => &["secret"],
        }
    }
}

string_enum!(MessageDeliveryStatus {
    /// Waiting for its time: the end of the customer's quiet hours, or a retry after the
    /// provider asked to slow down.
    Scheduled => "SCHEDULED",
    /// The provider accepted it (in WeChat Work: the collector has it to confirm).
    Sent => "SENT",
    /// The provider reports it reached the phone (in WeChat Work: the collector sent it).
    Delivered => "DELIVERED",
    /// It did not go, or did not arrive; the collector has a task with the reason.
    Failed => "FAILED",
});

impl MessageDeliveryStatus {
    /// A status no later answer changes.
    pub const fn is_final(self) -> bool {
        matches!(
            self,
            MessageDeliveryStatus::Delivered | MessageDeliveryStatus::Failed
        )
    }
}

/// The hours, in the customer's time zone, when no message goes: a step due then waits for
/// their end. `start` later than `end` spans midnight (21:00 to 08:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuietHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Default for QuietHours {
    /// From nine in the evening to eight in the morning, as Chinese carriers expect of
    /// messages that are not verification codes.
    fn default() -> Self {
        QuietHours {
            start: NaiveTime::from_hms_opt(21, 0, 0).unwrap_or_default(),
            end: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default(),
        }
    }
}

impl QuietHours {
    /// Whether a local time falls inside the quiet hours (their start included, their end
    /// not). Equal start and end mean no quiet hours.
    pub fn contains(self, time: NaiveTime) -> bool {
        if self.start == self.end {
            false
        } else if self.start < self.end {
            time >= self.start && time < self.end
        } else {
            time >= self.start || time < self.end
        }
    }

    /// The earliest local time at or after `now` outside the quiet hours.
    pub fn next_allowed(self, now: NaiveDateTime) -> NaiveDateTime {
        if !self.contains(now.time()) {
            return now;
        }
        let today_end = now.date().and_time(self.end);
        if today_end > now {
            today_end
        } else {
            today_end + Duration::days(1)
        }
    }
}

// What an SMS template's parameters are filled with: the step's facts, never free text (the
// providers send only approved templates).
string_enum!(SmsVariable {
    /// The customer's name.
    CustomerName => "CUSTOMER_NAME",
    /// The company's name.
    CompanyName => "COMPANY_NAME",
    /// What the step's invoices still owe, with the currency (`CNY 12,000.00`).
    AmountDue => "AMOUNT_DUE",
    /// How many invoices the step is about.
    InvoiceCount => "INVOICE_COUNT",
    /// The first invoice's number.
    InvoiceNumber => "INVOICE_NUMBER",
    /// The earliest due date of the step's invoices (`2026-12-01`).
    DueDate => "DUE_DATE",
    /// The most days any of them is overdue (0 before the due date).
    DaysOverdue => "DAYS_OVERDUE",
});

/// One parameter of an approved template: its name in the template (Aliyun's `${name}`;
/// Tencent's are numbered, so only their order counts) and what fills it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateParam {
    pub name: String,
    pub value: SmsVariable,
}

/// Parameters a template may have.
pub const MAX_TEMPLATE_PARAMS: usize = 10;
/// Characters of one parameter's value: Aliyun's limit for a variable that is not a code;
/// a longer value (a long customer name) is cut, ending in "…".
pub const MAX_PARAM_CHARS: usize = 35;
/// A template code's length (Aliyun `SMS_123456789`, Tencent a number).
pub const MAX_TEMPLATE_CODE: usize = 40;
/// A signature's length (签名, 2 to 12 characters at both providers, but kept loose).
pub const MAX_SIGN_NAME: usize = 40;
/// WeChat Work senders a channel maps.
pub const MAX_WECOM_SENDERS: usize = 500;
/// A message's text in WeChat Work (its API accepts 4000 bytes).
pub const MAX_WECOM_TEXT_BYTES: usize = 4000;
/// How long Duely keeps asking WeChat Work whether the collector sent a message.
pub const WECOM_CONFIRM_DAYS: i64 = 3;

/// A value cut to what a template parameter holds.
pub fn param_value(value: &str) -> String {
    if value.chars().count() <= MAX_PARAM_CHARS {
        return value.to_owned();
    }
    let mut cut: String = value.chars().take(MAX_PARAM_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// A mainland or international mobile number as the providers take it: `+` and digits
/// (`+8613800138000`); a bare 11-digit mainland number gains `+86`. `None` when it is not one.
pub fn e164(mobile: &str) -> Option<String> {
    let digits: String = mobile
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect();
    let (plus, rest) = match digits.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, digits.as_str()),
    };
    let rest = rest.strip_prefix("00").filter(|_| !plus).unwrap_or(rest);
    if rest.is_empty() || !rest.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let international = plus || digits.starts_with("00");
    if international {
        return (8..=15).contains(&rest.len()).then(|| format!("+{rest}"));
    }
    // A mainland mobile: 11 digits starting with 1.
    (rest.len() == 11 && rest.starts_with('1')).then(|| format!("+86{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 6)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    #[test]
    fn a_step_due_at_night_waits_for_the_morning() {
        let quiet = QuietHours::default();
        assert_eq!(quiet.next_allowed(at(10, 0)), at(10, 0));
        assert_eq!(quiet.next_allowed(at(20, 59)), at(20, 59));
        assert_eq!(quiet.next_allowed(at(21, 0)), at(8, 0) + Duration::days(1));
        assert_eq!(quiet.next_allowed(at(23, 30)), at(8, 0) + Duration::days(1));
        assert_eq!(quiet.next_allowed(at(2, 0)), at(8, 0));
        assert_eq!(quiet.next_allowed(at(8, 0)), at(8, 0));
    }

    #[test]
    fn quiet_hours_within_a_day_and_none_at_all() {
        let lunch = QuietHours {
            start: NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
            end: NaiveTime::from_hms_opt(13, 30, 0).unwrap(),
        };
        assert_eq!(lunch.next_allowed(at(12, 15)), at(13, 30));
        assert_eq!(lunch.next_allowed(at(11, 59)), at(11, 59));
        let none = QuietHours {
            start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            end: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        };
        assert_eq!(none.next_allowed(at(9, 0)), at(9, 0));
    }

    #[test]
    fn long_values_are_cut_to_what_a_parameter_holds() {
        assert_eq!(param_value("上海某某贸易有限公司"), "上海某某贸易有限公司");
        let long = "长".repeat(40);
        let cut = param_value(&long);
        assert_eq!(cut.chars().count(), MAX_PARAM_CHARS);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn mobiles_are_written_as_the_providers_take_them() {
        assert_eq!(e164("138 0013 8000").as_deref(), Some("+8613800138000"));
        assert_eq!(e164("+86 138-0013-8000").as_deref(), Some("+8613800138000"));
        assert_eq!(e164("0085291234567").as_deref(), Some("+85291234567"));
        assert_eq!(e164("+44 7700 900123").as_deref(), Some("+447700900123"));
        assert_eq!(e164("021-6234 5678"), None, "a landline");
        assert_eq!(e164("call me"), None);
        assert_eq!(e164(""), None);
    }

    #[test]
    fn each_provider_serves_one_kind() {
        assert_eq!(MessageProvider::AliyunSms.kind(), MessageChannelKind::Sms);
        assert_eq!(MessageProvider::TencentSms.kind(), MessageChannelKind::Sms);
        assert_eq!(MessageProvider::Wecom.kind(), MessageChannelKind::Wecom);
    }
}
