//! A ladder's SEND_SMS or SEND_WECHAT step in the dunning run: the message is made in the run's
//! transaction, once per run, customer, step and channel, and its job asked for in the same
//! transaction; it goes when the customer's quiet hours allow. What cannot be sent (no channel,
//! no one to send to, no approved template, no WeChat Work sender) stays a task, as before.

use super::send;
use super::store::{self, NewDelivery, SmsTemplateRow};
use crate::db::TenantTx;
use crate::error::AppError;
use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use domain::Locale;
use domain::messages::{Localized, Text};
use domain::messaging::{
    ChannelSettings, MessageChannelKind, MessageProvider, QuietHours, StepFacts, e164,
};
use sea_orm::ConnectionTrait;
use std::collections::HashMap;
use uuid::Uuid;

/// What a run reads once: the channels it can send through and the SMS templates of the SMS
/// channel's provider, by (ladder, step, language).
#[derive(Default)]
pub struct RunChannels {
    sms: Option<(MessageProvider, ChannelSettings)>,
    wecom: Option<ChannelSettings>,
    templates: HashMap<(Uuid, i32, Locale), SmsTemplateRow>,
}

impl RunChannels {
    pub async fn load(conn: &impl ConnectionTrait) -> Result<Self, AppError> {
        let mut channels = RunChannels::default();
        for row in store::channels(conn).await? {
            let settings = row.settings()?;
            match row.kind {
                MessageChannelKind::Sms => channels.sms = Some((row.provider, settings)),
                MessageChannelKind::Wecom => channels.wecom = Some(settings),
            }
        }
        if let Some((provider, _)) = &channels.sms {
            channels.templates = store::sms_templates(conn, None, Some(*provider))
                .await?
                .into_iter()
                .map(|row| ((row.policy_id, row.step_offset, row.locale), row))
                .collect();
        }
        Ok(channels)
    }
}

/// One message step for one customer.
pub struct StepMessage<'a> {
    pub kind: MessageChannelKind,
    pub run_id: Uuid,
    pub policy_id: Uuid,
    pub step_offset: i32,
    pub step_name: &'a Text,
    pub customer_id: Uuid,
    pub collector_id: Option<Uuid>,
    /// The customer's language, else the company's.
    pub locale: Locale,
    pub company_time_zone: &'a str,
    pub facts: StepFacts,
    pub invoice_ids: Vec<Uuid>,
    pub now: DateTime<Utc>,
}

/// What became of the step: its note for the customer's log, and whether the collector gets
/// a task instead.
pub struct Planned {
    pub note: Text,
    pub task: bool,
}

impl Planned {
    fn task(note: Text) -> Self {
        Planned { note, task: true }
    }
}

/// The first moment at or after `now` outside the quiet hours of `zone`. A local time a clock
/// change skips is taken an hour later.
pub fn send_time(now: DateTime<Utc>, zone: Tz, quiet: QuietHours) -> DateTime<Utc> {
    let local = now.with_timezone(&zone).naive_local();
    let allowed = quiet.next_allowed(local);
    if allowed == local {
        return now;
    }
    zone.from_local_datetime(&allowed)
        .earliest()
        .or_else(|| {
            zone.from_local_datetime(&(allowed + chrono::Duration::hours(1)))
                .earliest()
        })
        .map(|at| at.with_timezone(&Utc).max(now))
        .unwrap_or(now + chrono::Duration::hours(1))
}

/// What the message says and who it goes through: (provider, sender, template, values,
/// content), or the note of the task it becomes instead.
type Made = (
    MessageProvider,
    Option<String>,
    Option<String>,
    serde_json::Value,
    String,
);

fn sms_message(
    channels: &RunChannels,
    message: &StepMessage<'_>,
    locale: Locale,
) -> Result<Result<Made, Text>, AppError> {
    let Some((provider, _)) = &channels.sms else {
        return Ok(Err(Text::RunMessageNoRecipient {
            channel: message.kind.as_str().to_owned(),
        }));
    };
    let Some(template) = channels
        .templates
        .get(&(message.policy_id, message.step_offset, locale))
    else {
        return Ok(Err(Text::RunSmsNoTemplate {
            locale: locale.tag().to_owned(),
        }));
    };
    let filled: Vec<(String, String)> = template
        .params()?
        .iter()
        .map(|param| (param.name.clone(), message.facts.value(param.value, locale)))
        .collect();
    // What the log shows of it: the template and its values.
    let content = format!(
        "{} {}",
        template.template_code,
        filled
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let params = serde_json::Value::Array(
        filled
            .into_iter()
            .map(|(name, value)| serde_json::json!({ "name": name, "value": value }))
            .collect(),
    );
    Ok(Ok((
        *provider,
        None,
        Some(template.template_code.clone()),
        params,
        content,
    )))
}

fn wecom_message(
    settings: &ChannelSettings,
    message: &StepMessage<'_>,
    locale: Locale,
) -> Result<Made, Text> {
    let Some(sender) = message
        .collector_id
        .and_then(|collector| settings.sender_for(collector))
    else {
        return Err(Text::RunWecomNoSender {});
    };
    let facts = &message.facts;
    let content = Text::WecomReminder {
        company: facts.company_name.clone(),
        customer: facts.customer_name.clone(),
        count: facts.invoices.len().to_string(),
        amount: facts.amount_due(locale),
        days: facts.days_overdue().to_string(),
    }
    .text(locale);
    Ok((
        MessageProvider::Wecom,
        Some(sender.to_owned()),
        None,
        serde_json::Value::Array(Vec::new()),
        content,
    ))
}

/// Makes the step's message, or says why the collector sends it instead.
pub async fn plan_step(
    tx: &TenantTx,
    channels: &RunChannels,
    message: StepMessage<'_>,
) -> Result<Planned, AppError> {
    let kind = message.kind;
    let channel_code = kind.as_str().to_owned();
    let settings = match kind {
        MessageChannelKind::Sms => channels.sms.as_ref().map(|(_, settings)| settings),
        MessageChannelKind::Wecom => channels.wecom.as_ref(),
    };
    let Some(settings) = settings else {
        // No provider is configured: the collector sends it and logs it.
        return Ok(Planned::task(Text::RunMessageTask {
            channel: if kind == MessageChannelKind::Sms {
                "SMS"
            } else {
                "WECHAT"
            }
            .to_owned(),
        }));
    };
    let recipients = store::recipients(&**tx, message.customer_id).await?;
    let Some(customer) = recipients.first() else {
        return Err(AppError::Internal(anyhow::anyhow!(
            "customer {} is gone",
            message.customer_id
        )));
    };
    if customer.opt_out {
        return Ok(Planned {
            note: Text::RunMessageOptedOut {
                channel: channel_code,
            },
            task: false,
        });
    }
    let zone_name = customer
        .customer_time_zone
        .clone()
        .unwrap_or_else(|| message.company_time_zone.to_owned());
    let zone: Tz = zone_name
        .parse()
        .map_err(|_| AppError::Internal(anyhow::anyhow!("unknown time zone {zone_name}")))?;
    // The first contact with a mobile (SMS) or a WeChat Work contact id, billing ones first.
    let recipient = recipients.iter().find_map(|row| {
        let address = match kind {
            MessageChannelKind::Sms => row.mobile.as_deref().and_then(e164),
            MessageChannelKind::Wecom => row.wecom_external_user_id.clone(),
        }?;
        Some((row, address))
    });
    let Some((contact, address)) = recipient else {
        return Ok(Planned::task(Text::RunMessageNoRecipient {
            channel: channel_code,
        }));
    };
    let locale = contact.locale.unwrap_or(message.locale);
    let made = match kind {
        MessageChannelKind::Sms => sms_message(channels, &message, locale)?,
        MessageChannelKind::Wecom => wecom_message(settings, &message, locale),
    };
    let (provider, sender, template_code, params, content) = match made {
        Ok(made) => made,
        Err(note) => return Ok(Planned::task(note)),
    };
    let send_after = send_time(message.now, zone, settings.quiet_hours);
    let contact_name = contact.contact_name.clone();
    let delivery = store::insert_delivery(
        &**tx,
        NewDelivery {
            customer_id: message.customer_id,
            contact_name: contact_name.clone(),
            channel: kind,
            provider,
            run_id: message.run_id,
            time_zone: zone_name,
            step_offset: message.step_offset,
            step_name: message.step_name.clone(),
            invoice_ids: message.invoice_ids,
            collector_id: message.collector_id,
            recipient: address.clone(),
            sender,
            template_code,
            params,
            content,
            send_after,
        },
    )
    .await?;
    if let Some(delivery) = delivery {
        crate::jobs::enqueue_in_tenant(tx, send::send_job(tx.tenant(), delivery, 0, send_after))
            .await?;
    }
    Ok(Planned {
        note: Text::RunMessageQueued {
            channel: channel_code,
            contact: contact_name.unwrap_or(address),
            at: send_after
                .with_timezone(&zone)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
        },
        task: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn night_in_the_customers_zone_waits_for_its_morning() {
        let quiet = QuietHours::default();
        let shanghai: Tz = "Asia/Shanghai".parse().unwrap();
        // 14:00 UTC is 22:00 in Shanghai: the message waits until 08:00 there (00:00 UTC).
        let night = Utc.with_ymd_and_hms(2026, 12, 6, 14, 0, 0).unwrap();
        assert_eq!(
            send_time(night, shanghai, quiet),
            Utc.with_ymd_and_hms(2026, 12, 7, 0, 0, 0).unwrap()
        );
        // 02:00 UTC is 10:00 there: it goes now.
        let day = Utc.with_ymd_and_hms(2026, 12, 6, 2, 0, 0).unwrap();
        assert_eq!(send_time(day, shanghai, quiet), day);
        // 06:00 UTC is 22:00 the evening before in Los Angeles: it waits until 08:00 there.
        let los_angeles: Tz = "America/Los_Angeles".parse().unwrap();
        let evening = Utc.with_ymd_and_hms(2026, 12, 6, 6, 0, 0).unwrap();
        assert_eq!(
            send_time(evening, los_angeles, quiet),
            Utc.with_ymd_and_hms(2026, 12, 6, 16, 0, 0).unwrap()
        );
    }
}
