//! Messages to customers by SMS and WeChat Work (企业微信), as Chinese collection runs on them
//! as much as on email (the seed articles, `002` §1, §3 and §6). These are the rules every
//! channel keeps: which providers there are and what each needs, when a message may go (never
//! in the customer's night), what an SMS template is filled with, and how its values are cut to
//! what the providers accept.

use crate::reason::Reason;
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
    /// Not sent, and not needed: before it went the customer paid or refused messages, or its
    /// channel was removed (then the collector has a task).
    Cancelled => "CANCELLED",
});

impl MessageDeliveryStatus {
    /// A status no later answer changes.
    pub const fn is_final(self) -> bool {
        matches!(
            self,
            MessageDeliveryStatus::Delivered
                | MessageDeliveryStatus::Failed
                | MessageDeliveryStatus::Cancelled
        )
    }
}

/// The hours, in the customer's time zone, when no message goes: a step due then waits for
/// their end. `start` later than `end` spans midnight (21:00 to 08:00). Written `HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuietHours {
    #[serde(with = "hh_mm")]
    pub start: NaiveTime,
    #[serde(with = "hh_mm")]
    pub end: NaiveTime,
}

mod hh_mm {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(time: &NaiveTime, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&time.format("%H:%M").to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveTime, D::Error> {
        let text = String::deserialize(deserializer)?;
        super::parse_hh_mm(&text).ok_or_else(|| serde::de::Error::custom("not HH:MM"))
    }
}

/// `21:00` as a time of day.
pub fn parse_hh_mm(text: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").ok()
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

/// A channel's settings, what the provider's console shows (never a secret); each provider
/// needs its own of them (see [`validate_settings`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelSettings {
    /// SMS: the approved signature (签名) every message carries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_name: Option<String>,
    /// SMS: the provider's region (Aliyun `cn-hangzhou`, Tencent `ap-guangzhou`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Tencent: the SMS application's `SdkAppId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdk_app_id: Option<String>,
    /// WeChat Work: the corp's id (`ww…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corp_id: Option<String>,
    /// WeChat Work: which member each collector sends as.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub senders: Vec<WecomSender>,
    #[serde(default)]
    pub quiet_hours: QuietHours,
}

/// A Duely member and the WeChat Work member (`userid`) their messages go out as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WecomSender {
    pub member_id: uuid::Uuid,
    pub wecom_user_id: String,
}

impl ChannelSettings {
    /// The WeChat Work member a collector sends as.
    pub fn sender_for(&self, member: uuid::Uuid) -> Option<&str> {
        self.senders
            .iter()
            .find(|sender| sender.member_id == member)
            .map(|sender| sender.wecom_user_id.as_str())
    }
}

/// A field's problem: its path under the input (`settings.signName`) and why.
pub type FieldProblem = (String, Reason);

fn text_field(
    object: &serde_json::Map<String, serde_json::Value>,
    path: &str,
    name: &str,
    max: usize,
) -> Result<Option<String>, FieldProblem> {
    let field = format!("{path}.{name}");
    match object.get(name) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(text)) => {
            let text = text.trim();
            if text.is_empty() {
                Ok(None)
            } else if text.chars().count() > max || text.chars().any(char::is_control) {
                Err((
                    field,
                    Reason::TextLength {
                        min: Some(1),
                        max: Some(max as u32),
                    },
                ))
            } else {
                Ok(Some(text.to_owned()))
            }
        }
        Some(_) => Err((field, Reason::InvalidArgument {})),
    }
}

fn required(value: Option<String>, field: String) -> Result<String, FieldProblem> {
    value.ok_or((field, Reason::Required {}))
}

/// The fields a provider's settings may have.
pub const fn setting_fields(provider: MessageProvider) -> &'static [&'static str] {
    match provider {
        MessageProvider::AliyunSms => &["signName", "region", "quietHours"],
        MessageProvider::TencentSms => &["signName", "region", "sdkAppId", "quietHours"],
        MessageProvider::Wecom => &["corpId", "senders", "quietHours"],
    }
}

fn only_fields(
    object: &serde_json::Map<String, serde_json::Value>,
    path: &str,
    allowed: &[&str],
) -> Result<(), FieldProblem> {
    match object.keys().find(|key| !allowed.contains(&key.as_str())) {
        Some(key) => Err((
            format!("{path}.{key}"),
            Reason::NotOneOf {
                allowed: allowed.iter().map(|name| (*name).to_owned()).collect(),
            },
        )),
        None => Ok(()),
    }
}

/// A provider's settings, checked field by field: the first problem names its field.
pub fn validate_settings(
    provider: MessageProvider,
    raw: &serde_json::Value,
) -> Result<ChannelSettings, FieldProblem> {
    const PATH: &str = "settings";
    let Some(object) = raw.as_object() else {
        return Err((PATH.to_owned(), Reason::InvalidArgument {}));
    };
    only_fields(object, PATH, setting_fields(provider))?;
    let field = |name: &str| format!("{PATH}.{name}");
    let mut settings = ChannelSettings {
        quiet_hours: quiet_hours(object.get("quietHours"))?,
        ..ChannelSettings::default()
    };
    match provider {
        MessageProvider::AliyunSms | MessageProvider::TencentSms => {
            settings.sign_name = Some(required(
                text_field(object, PATH, "signName", MAX_SIGN_NAME)?,
                field("signName"),
            )?);
            let default_region = if provider == MessageProvider::AliyunSms {
                "cn-hangzhou"
            } else {
                "ap-guangzhou"
            };
            let region = text_field(object, PATH, "region", 40)?;
            if let Some(region) = &region
                && !region
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                return Err((field("region"), Reason::InvalidArgument {}));
            }
            settings.region = Some(region.unwrap_or_else(|| default_region.to_owned()));
            if provider == MessageProvider::TencentSms {
                let app = required(text_field(object, PATH, "sdkAppId", 20)?, field("sdkAppId"))?;
                if !app.chars().all(|c| c.is_ascii_digit()) {
                    return Err((field("sdkAppId"), Reason::InvalidArgument {}));
                }
                settings.sdk_app_id = Some(app);
            }
        }
        MessageProvider::Wecom => {
            settings.corp_id = Some(required(
                text_field(object, PATH, "corpId", 64)?,
                field("corpId"),
            )?);
            settings.senders = senders(object.get("senders"))?;
        }
    }
    Ok(settings)
}

fn quiet_hours(raw: Option<&serde_json::Value>) -> Result<QuietHours, FieldProblem> {
    const PATH: &str = "settings.quietHours";
    let Some(raw) = raw.filter(|raw| !raw.is_null()) else {
        return Ok(QuietHours::default());
    };
    let Some(object) = raw.as_object() else {
        return Err((PATH.to_owned(), Reason::InvalidArgument {}));
    };
    only_fields(object, PATH, &["start", "end"])?;
    let time = |name: &str| {
        let field = format!("{PATH}.{name}");
        object
            .get(name)
            .and_then(|value| value.as_str())
            .ok_or_else(|| (field.clone(), Reason::Required {}))
            .and_then(|text| parse_hh_mm(text).ok_or((field, Reason::InvalidArgument {})))
    };
    Ok(QuietHours {
        start: time("start")?,
        end: time("end")?,
    })
}

fn senders(raw: Option<&serde_json::Value>) -> Result<Vec<WecomSender>, FieldProblem> {
    const PATH: &str = "settings.senders";
    let Some(raw) = raw.filter(|raw| !raw.is_null()) else {
        return Ok(Vec::new());
    };
    let Some(list) = raw.as_array() else {
        return Err((PATH.to_owned(), Reason::InvalidArgument {}));
    };
    if list.len() > MAX_WECOM_SENDERS {
        return Err((
            PATH.to_owned(),
            Reason::CountOutOfRange {
                min: 0,
                max: MAX_WECOM_SENDERS as u32,
            },
        ));
    }
    let mut senders: Vec<WecomSender> = Vec::with_capacity(list.len());
    for (index, entry) in list.iter().enumerate() {
        let path = format!("{PATH}[{index}]");
        let Some(object) = entry.as_object() else {
            return Err((path, Reason::InvalidArgument {}));
        };
        only_fields(object, &path, &["memberId", "wecomUserId"])?;
        let raw_member = object
            .get("memberId")
            .and_then(|value| value.as_str())
            .unwrap_or_default();
        let member_id = uuid::Uuid::parse_str(raw_member).map_err(|_| {
            (
                format!("{path}.memberId"),
                Reason::NotAnId {
                    value: raw_member.chars().take(100).collect(),
                },
            )
        })?;
        let wecom_user_id = required(
            text_field(object, &path, "wecomUserId", 64)?,
            format!("{path}.wecomUserId"),
        )?;
        if senders.iter().any(|sender| sender.member_id == member_id) {
            return Err((format!("{path}.memberId"), Reason::Duplicate {}));
        }
        senders.push(WecomSender {
            member_id,
            wecom_user_id,
        });
    }
    Ok(senders)
}

/// A provider's credentials, each of its fields a non-empty text and nothing else.
pub fn validate_credentials(
    provider: MessageProvider,
    raw: &serde_json::Value,
) -> Result<serde_json::Map<String, serde_json::Value>, FieldProblem> {
    const PATH: &str = "credentials";
    let Some(object) = raw.as_object() else {
        return Err((PATH.to_owned(), Reason::InvalidArgument {}));
    };
    only_fields(object, PATH, provider.credential_fields())?;
    let mut checked = serde_json::Map::new();
    for name in provider.credential_fields() {
        let value = required(
            text_field(object, PATH, name, 200)?,
            format!("{PATH}.{name}"),
        )?;
        checked.insert((*name).to_owned(), serde_json::Value::String(value));
    }
    Ok(checked)
}

// What an SMS template's parameters are filled with: the step's facts, never free text (the
// providers send only approved templates).
string_enum!(SmsVariable {
    /// The customer's name.
    CustomerName => "CUSTOMER_NAME",
    /// The company's name.
    CompanyName => "COMPANY_NAME",
    /// What the step's invoices still owe, as the reader's language writes money (`¥12,000.00`).
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
/// How long Duely keeps asking WeChat Work whether the collector sent a message.
pub const WECOM_CONFIRM_DAYS: i64 = 3;
/// How often it asks.
pub const WECOM_CHECK_EVERY_MINUTES: i64 = 60;
/// Seconds from a send the provider asked to slow down to the next try; after the last the
/// message is given up (and the collector gets a task).
pub const RATE_LIMIT_RETRY_SECS: [i64; 4] = [60, 300, 1_800, 7_200];
/// Delivery receipts one callback may carry.
pub const MAX_RECEIPTS: usize = 1_000;

/// What a ladder step's message is about: the facts its template's values come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepFacts {
    pub customer_name: String,
    pub company_name: String,
    pub invoices: Vec<InvoiceFact>,
    pub today: chrono::NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceFact {
    pub number: Option<String>,
    pub due_date: chrono::NaiveDate,
    pub balance: rust_decimal::Decimal,
    pub currency: String,
}

impl StepFacts {
    /// A variable's value in `locale`, cut to what a parameter holds.
    pub fn value(&self, variable: SmsVariable, locale: crate::Locale) -> String {
        let full = match variable {
            SmsVariable::CustomerName => self.customer_name.clone(),
            SmsVariable::CompanyName => self.company_name.clone(),
            SmsVariable::AmountDue => self.amount_due(locale),
            SmsVariable::InvoiceCount => self.invoices.len().to_string(),
            SmsVariable::InvoiceNumber => self
                .invoices
                .iter()
                .find_map(|invoice| invoice.number.clone())
                .unwrap_or_default(),
            SmsVariable::DueDate => self
                .invoices
                .iter()
                .map(|invoice| invoice.due_date)
                .min()
                .map(|date| date.to_string())
                .unwrap_or_default(),
            SmsVariable::DaysOverdue => self.days_overdue().to_string(),
        };
        param_value(&full)
    }

    /// The most days any invoice is past its due date (0 before it).
    pub fn days_overdue(&self) -> i64 {
        self.invoices
            .iter()
            .map(|invoice| (self.today - invoice.due_date).num_days().max(0))
            .max()
            .unwrap_or(0)
    }

    /// What the invoices owe, per currency in the order first met (`¥12,000.00`).
    pub fn amount_due(&self, locale: crate::Locale) -> String {
        let mut sums: Vec<(&str, rust_decimal::Decimal)> = Vec::new();
        for invoice in &self.invoices {
            match sums
                .iter_mut()
                .find(|(currency, _)| *currency == invoice.currency)
            {
                Some((_, sum)) => *sum += invoice.balance,
                None => sums.push((&invoice.currency, invoice.balance)),
            }
        }
        let separator = if locale == crate::Locale::ZhCn {
            "、"
        } else {
            ", "
        };
        sums.iter()
            .map(|(currency, sum)| {
                crate::display::money(
                    locale,
                    &crate::display::amount_string(*sum, currency),
                    currency,
                )
            })
            .collect::<Vec<_>>()
            .join(separator)
    }
}

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

/// A template's parameters: at most [`MAX_TEMPLATE_PARAMS`], each with a name Aliyun accepts
/// (letters, digits and `_`), none named twice. `path` is the list's field.
pub fn validate_template_params(path: &str, params: &[TemplateParam]) -> Result<(), FieldProblem> {
    if params.len() > MAX_TEMPLATE_PARAMS {
        return Err((
            path.to_owned(),
            Reason::CountOutOfRange {
                min: 0,
                max: MAX_TEMPLATE_PARAMS as u32,
            },
        ));
    }
    for (index, param) in params.iter().enumerate() {
        let field = format!("{path}[{index}].name");
        if param.name.is_empty()
            || param.name.len() > 40
            || !param
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err((
                field,
                Reason::InvalidCharacters {
                    symbols: "_".to_owned(),
                    max: Some(40),
                },
            ));
        }
        if params[..index].iter().any(|other| other.name == param.name) {
            return Err((field, Reason::Duplicate {}));
        }
    }
    Ok(())
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
    fn settings_are_checked_per_provider_and_name_their_field() {
        let aliyun = validate_settings(
            MessageProvider::AliyunSms,
            &serde_json::json!({ "signName": " 杜利科技 ", "quietHours": { "start": "22:00", "end": "07:30" } }),
        )
        .unwrap();
        assert_eq!(aliyun.sign_name.as_deref(), Some("杜利科技"));
        assert_eq!(aliyun.region.as_deref(), Some("cn-hangzhou"));
        assert_eq!(
            aliyun.quiet_hours.start,
            NaiveTime::from_hms_opt(22, 0, 0).unwrap()
        );
        let stored = serde_json::to_value(&aliyun).unwrap();
        assert_eq!(stored["quietHours"]["end"], "07:30");
        assert_eq!(
            serde_json::from_value::<ChannelSettings>(stored).unwrap(),
            aliyun
        );

        let missing = validate_settings(
            MessageProvider::TencentSms,
            &serde_json::json!({ "signName": "杜利科技" }),
        )
        .unwrap_err();
        assert_eq!(
            missing,
            ("settings.sdkAppId".to_owned(), Reason::Required {})
        );
        let foreign = validate_settings(
            MessageProvider::AliyunSms,
            &serde_json::json!({ "signName": "杜利科技", "corpId": "ww1" }),
        )
        .unwrap_err();
        assert_eq!(foreign.0, "settings.corpId");
        let bad_time = validate_settings(
            MessageProvider::Wecom,
            &serde_json::json!({ "corpId": "ww1", "quietHours": { "start": "25:00", "end": "08:00" } }),
        )
        .unwrap_err();
        assert_eq!(
            bad_time,
            (
                "settings.quietHours.start".to_owned(),
                Reason::InvalidArgument {}
            )
        );
        let member = uuid::Uuid::nil();
        let twice = validate_settings(
            MessageProvider::Wecom,
            &serde_json::json!({ "corpId": "ww1", "senders": [
                { "memberId": member, "wecomUserId": "zhangsan" },
                { "memberId": member, "wecomUserId": "lisi" } ] }),
        )
        .unwrap_err();
        assert_eq!(
            twice,
            (
                "settings.senders[1].memberId".to_owned(),
                Reason::Duplicate {}
            )
        );
    }

    #[test]
    fn credentials_need_each_of_their_fields_and_nothing_else() {
        let ok = validate_credentials(
            MessageProvider::AliyunSms,
            &serde_json::json!({ "accessKeyId": "LTAI", "accessKeySecret": "s" }),
        )
        .unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(
            validate_credentials(MessageProvider::Wecom, &serde_json::json!({})).unwrap_err(),
            ("credentials.secret".to_owned(), Reason::Required {})
        );
        assert_eq!(
            validate_credentials(
                MessageProvider::Wecom,
                &serde_json::json!({ "secret": "s", "token": "t" })
            )
            .unwrap_err()
            .0,
            "credentials.token"
        );
    }

    #[test]
    fn template_params_have_names_aliyun_accepts_once_each() {
        let param = |name: &str| TemplateParam {
            name: name.to_owned(),
            value: SmsVariable::CustomerName,
        };
        assert!(validate_template_params("p", &[param("name"), param("amount_1")]).is_ok());
        assert_eq!(
            validate_template_params("p", &[param("name"), param("name")]).unwrap_err(),
            ("p[1].name".to_owned(), Reason::Duplicate {})
        );
        assert_eq!(
            validate_template_params("p", &[param("客户")])
                .unwrap_err()
                .0,
            "p[0].name"
        );
    }

    #[test]
    fn a_steps_values_come_from_its_invoices() {
        use rust_decimal::Decimal;
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let facts = StepFacts {
            customer_name: "上海某某贸易有限公司".to_owned(),
            company_name: "杜利科技".to_owned(),
            invoices: vec![
                InvoiceFact {
                    number: Some("INV-000042".to_owned()),
                    due_date: day(1),
                    balance: Decimal::new(1_200_000, 2),
                    currency: "CNY".to_owned(),
                },
                InvoiceFact {
                    number: Some("INV-000043".to_owned()),
                    due_date: day(3),
                    balance: Decimal::new(50_000, 2),
                    currency: "CNY".to_owned(),
                },
            ],
            today: day(6),
        };
        let zh = crate::Locale::ZhCn;
        assert_eq!(facts.value(SmsVariable::AmountDue, zh), "¥12,500.00");
        assert_eq!(facts.value(SmsVariable::InvoiceCount, zh), "2");
        assert_eq!(facts.value(SmsVariable::InvoiceNumber, zh), "INV-000042");
        assert_eq!(facts.value(SmsVariable::DueDate, zh), "2026-12-01");
        assert_eq!(facts.value(SmsVariable::DaysOverdue, zh), "5");
        assert_eq!(facts.value(SmsVariable::CompanyName, zh), "杜利科技");
    }

    #[test]
    fn each_provider_serves_one_kind() {
        assert_eq!(MessageProvider::AliyunSms.kind(), MessageChannelKind::Sms);
        assert_eq!(MessageProvider::TencentSms.kind(), MessageChannelKind::Sms);
        assert_eq!(MessageProvider::Wecom.kind(), MessageChannelKind::Wecom);
    }
}
