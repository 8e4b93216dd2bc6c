//! Sending a message, a job each: the attempt is marked (and committed) before the provider is
//! called, so a send whose outcome is lost is failed to a task, never repeated; a provider that
//! asks to slow down gets the message again later, a few times; a refusal becomes a task for
//! the collector with the reason. A WeChat Work message waits for its collector to send it,
//! which [`Check`] asks about hourly for a few days. Everything lands in the customer's log.

use super::providers::{self, Outcome, aliyun, tencent, wecom};
use super::run_step::send_time;
use super::store::{self, ChannelRow, DeliveryRow};
use crate::collections::store::run::{self as run_store, NewTask, RunActivity};
use crate::db::TenantTx;
use crate::jobs::{ClaimedJob, JobHandler, NewJob};
use crate::secrets::{Sealer, company_context};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use domain::messages::{Localized, Text};
use domain::messaging::{
    self as rules, MessageChannelKind, MessageDeliveryStatus, MessageProvider, WECOM_CONFIRM_DAYS,
};
use domain::{Locale, TenantId};
use sea_orm::DatabaseConnection;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const SEND_JOB: &str = "messages.send";
pub const CHECK_JOB: &str = "messages.wecom_check";
/// Who the log's entries about messages are from.
const LABEL: &str = domain::messages::system::DUNNING_RUN;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Payload {
    delivery_id: Uuid,
}

/// The job that sends `delivery` at `at`; `turn` tells its jobs apart (one per try).
pub fn send_job(tenant: TenantId, delivery: Uuid, turn: i64, at: DateTime<Utc>) -> NewJob {
    NewJob {
        tenant_id: Some(tenant.0),
        payload: serde_json::json!({ "deliveryId": delivery }),
        run_at: Some(at),
        dedupe_key: Some(format!("{SEND_JOB}:{delivery}:{turn}")),
        ..NewJob::new(SEND_JOB)
    }
}

fn check_job(tenant: TenantId, delivery: Uuid, at: DateTime<Utc>) -> NewJob {
    NewJob {
        tenant_id: Some(tenant.0),
        payload: serde_json::json!({ "deliveryId": delivery }),
        run_at: Some(at),
        dedupe_key: Some(format!("{CHECK_JOB}:{delivery}:{}", at.timestamp())),
        ..NewJob::new(CHECK_JOB)
    }
}

/// What a channel's credentials are sealed with.
pub fn credentials_purpose(kind: MessageChannelKind) -> String {
    format!("message_channel:{}", kind.as_str())
}

/// The channel's credentials, opened.
fn credentials(
    sealer: &Sealer,
    tenant: TenantId,
    channel: &ChannelRow,
) -> anyhow::Result<serde_json::Map<String, serde_json::Value>> {
    let opened = sealer.open_for(
        &company_context(tenant, &credentials_purpose(channel.kind)),
        &channel.credentials,
    )?;
    Ok(serde_json::from_str(opened.expose_secret())?)
}

fn field<'a>(map: &'a serde_json::Map<String, serde_json::Value>, name: &str) -> &'a str {
    map.get(name)
        .and_then(|value| value.as_str())
        .unwrap_or_default()
}

/// The channel code a delivery's log entries and tasks carry.
fn activity_channel(kind: MessageChannelKind) -> &'static str {
    match kind {
        MessageChannelKind::Sms => "SMS",
        MessageChannelKind::Wecom => "WECHAT",
    }
}

/// What reaching the providers takes: the key that opens credentials, where each provider is,
/// and the HTTP client.
#[derive(Clone)]
pub struct Messenger {
    pub sealer: Sealer,
    pub endpoints: providers::Endpoints,
    pub client: reqwest::Client,
}

/// The `messages.send` job: one send of one delivery.
pub struct Send(pub Messenger);

#[async_trait::async_trait]
impl JobHandler for Send {
    async fn run(&self, db: &DatabaseConnection, job: &ClaimedJob) -> anyhow::Result<()> {
        let tenant = job.tenant()?;
        let payload: Payload = serde_json::from_value(job.payload.clone())?;
        send(&self.0, db, tenant, payload.delivery_id, job.queue_now).await
    }
}

/// Sends `delivery` if it is due and still waiting.
pub async fn send(
    sender: &Messenger,
    db: &DatabaseConnection,
    tenant: TenantId,
    id: Uuid,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let locale = run_store::tenant_locale(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let Some(delivery) = store::delivery(&*tx, id).await? else {
        return Ok(tx.commit().await?);
    };
    if delivery.status != MessageDeliveryStatus::Scheduled || delivery.send_after > now {
        // Ended already, or an earlier job of a message that was put off: its own job comes.
        return Ok(tx.commit().await?);
    }
    if delivery.attempted_at.is_some() {
        // An attempt began and its outcome was lost (the worker died mid-call): it may have
        // gone, so it is never sent again.
        let reason = Text::MessageWhyOutcomeUnknown {};
        fail(&tx, &delivery, reason, None, (now, locale)).await?;
        return Ok(tx.commit().await?);
    }
    let channel = store::channel(&*tx, delivery.channel)
        .await?
        .filter(|channel| channel.provider == delivery.provider);
    let Some(channel) = channel else {
        let ending = Ending::cancelled(Text::MessageWhyChannelRemoved {}, true);
        end(&tx, &delivery, ending, (now, locale)).await?;
        return Ok(tx.commit().await?);
    };
    // It may have waited the night: a customer who has paid since, or refused messages, gets
    // none, and the collector has nothing to do about it.
    let still = store::still_due(&*tx, &delivery).await?;
    if still.opt_out || !still.owed {
        let note = if still.opt_out {
            Text::RunMessageOptedOut {
                channel: delivery.channel.as_str().to_owned(),
            }
        } else {
            Text::MessageNotSentPaid {
                channel: delivery.channel.as_str().to_owned(),
            }
        };
        end(
            &tx,
            &delivery,
            Ending::cancelled(note, false),
            (now, locale),
        )
        .await?;
        return Ok(tx.commit().await?);
    }
    // A job that runs late may find the customer's night: it waits for the morning.
    let quiet = match (delivery.time_zone.parse::<Tz>(), channel.settings()) {
        (Ok(zone), Ok(settings)) => (zone, settings.quiet_hours),
        (zone, settings) => {
            let reason = Text::MessageWhyRefused {
                code: "SETTINGS".to_owned(),
                message: format!("{:?} {:?}", zone.err(), settings.err()),
            };
            fail(&tx, &delivery, reason, None, (now, locale)).await?;
            return Ok(tx.commit().await?);
        }
    };
    let at = send_time(now, quiet.0, quiet.1);
    if at > now {
        store::reschedule(&*tx, id, at, ("QUIET_HOURS", ""), false).await?;
        crate::jobs::enqueue_in_tenant(&tx, send_job(tenant, id, at.timestamp(), at)).await?;
        return Ok(tx.commit().await?);
    }
    if !store::begin_attempt(&*tx, id).await? {
        return Ok(tx.commit().await?);
    }
    tx.commit().await?;

    let outcome = match credentials(&sender.sealer, tenant, &channel) {
        Ok(keys) => call(sender, &channel, &keys, &delivery).await,
        Err(error) => Outcome::Refused {
            code: "CREDENTIALS".to_owned(),
            message: error.to_string(),
        },
    };
    record(db, tenant, &delivery, outcome, (now, locale)).await
}

/// Calls the delivery's provider.
async fn call(
    sender: &Messenger,
    channel: &ChannelRow,
    keys: &serde_json::Map<String, serde_json::Value>,
    delivery: &DeliveryRow,
) -> Outcome {
    let settings = match channel.settings() {
        Ok(settings) => settings,
        Err(error) => {
            return Outcome::Refused {
                code: "SETTINGS".to_owned(),
                message: error.to_string(),
            };
        }
    };
    let sign_name = settings.sign_name.as_deref().unwrap_or_default();
    let region = settings.region.as_deref().unwrap_or_default();
    let template = delivery.template_code.as_deref().unwrap_or_default();
    let filled: Vec<(String, String)> = delivery
        .params
        .as_array()
        .into_iter()
        .flatten()
        .map(|param| {
            let text = |name: &str| param[name].as_str().unwrap_or_default().to_owned();
            (text("name"), text("value"))
        })
        .collect();
    let id = delivery.id.to_string();
    match delivery.provider {
        MessageProvider::AliyunSms => {
            let params: serde_json::Map<String, serde_json::Value> = filled
                .into_iter()
                .map(|(name, value)| (name, serde_json::Value::String(value)))
                .collect();
            aliyun::send(
                &sender.client,
                &sender.endpoints.aliyun_sms,
                &aliyun::Credentials {
                    access_key_id: field(keys, "accessKeyId"),
                    access_key_secret: field(keys, "accessKeySecret"),
                },
                region,
                &aliyun::Message {
                    phone: &delivery.recipient,
                    sign_name,
                    template_code: template,
                    template_param: &params,
                    out_id: &id,
                },
            )
            .await
        }
        MessageProvider::TencentSms => {
            let values: Vec<String> = filled.into_iter().map(|(_, value)| value).collect();
            tencent::send(
                &sender.client,
                &sender.endpoints.tencent_sms,
                &tencent::Credentials {
                    secret_id: field(keys, "secretId"),
                    secret_key: field(keys, "secretKey"),
                },
                region,
                &tencent::Message {
                    phone: &delivery.recipient,
                    sdk_app_id: settings.sdk_app_id.as_deref().unwrap_or_default(),
                    sign_name,
                    template_id: template,
                    params: &values,
                    session_context: &id,
                },
            )
            .await
        }
        MessageProvider::Wecom => {
            wecom::send(
                &sender.client,
                &sender.endpoints.wecom,
                &wecom::Credentials {
                    corp_id: settings.corp_id.as_deref().unwrap_or_default(),
                    secret: field(keys, "secret"),
                },
                &delivery.recipient,
                delivery.sender.as_deref().unwrap_or_default(),
                &delivery.content,
            )
            .await
        }
    }
}

/// Records what the provider said, in one transaction with what follows from it.
async fn record(
    db: &DatabaseConnection,
    tenant: TenantId,
    delivery: &DeliveryRow,
    outcome: Outcome,
    (now, locale): (DateTime<Utc>, Locale),
) -> anyhow::Result<()> {
    let tx = TenantTx::begin(db, tenant).await?;
    match outcome {
        Outcome::Accepted { message_id } => {
            if !store::mark_sent(&*tx, delivery.id, &message_id).await? {
                // Ended meanwhile (it cannot be, once its attempt began): nothing to add.
                tx.commit().await?;
                return Ok(());
            }
            let note = match delivery.channel {
                MessageChannelKind::Sms => Text::MessageSent {
                    channel: delivery.channel.as_str().to_owned(),
                    contact: contact_of(delivery),
                },
                MessageChannelKind::Wecom => {
                    let check = now + Duration::minutes(rules::WECOM_CHECK_EVERY_MINUTES);
                    crate::jobs::enqueue_in_tenant(&tx, check_job(tenant, delivery.id, check))
                        .await?;
                    Text::MessageAwaitingConfirmation {
                        sender: delivery.sender.clone().unwrap_or_default(),
                    }
                }
            };
            log(&tx, delivery, note, locale).await?;
        }
        Outcome::RateLimited { code, message } => {
            // `attempts` as read before this attempt began: 0 on the first, whose retry waits
            // the first interval.
            let tried = usize::try_from(delivery.attempts).unwrap_or(0);
            match rules::RATE_LIMIT_RETRY_SECS.get(tried) {
                Some(wait) => {
                    let zone: Tz = delivery.time_zone.parse().unwrap_or(chrono_tz::UTC);
                    let quiet = store::channel(&*tx, delivery.channel)
                        .await?
                        .map(|channel| channel.settings())
                        .transpose()?
                        .map(|settings| settings.quiet_hours)
                        .unwrap_or_default();
                    let at = send_time(now + Duration::seconds(*wait), zone, quiet);
                    store::reschedule(&*tx, delivery.id, at, (&code, &message), true).await?;
                    let job = send_job(tenant, delivery.id, i64::from(delivery.attempts) + 1, at);
                    crate::jobs::enqueue_in_tenant(&tx, job).await?;
                }
                None => {
                    let error = Some((code.as_str(), message.as_str()));
                    fail(
                        &tx,
                        delivery,
                        Text::MessageWhyRateLimited {},
                        error,
                        (now, locale),
                    )
                    .await?;
                }
            }
        }
        Outcome::Refused { code, message } => {
            let reason = if code == "FAIL_LIST" {
                Text::MessageWhyNotWecomContact {}
            } else {
                Text::MessageWhyRefused {
                    code: code.clone(),
                    message: message.clone(),
                }
            };
            fail(
                &tx,
                delivery,
                reason,
                Some((&code, &message)),
                (now, locale),
            )
            .await?;
        }
        Outcome::Unknown { message } => {
            let error = Some(("UNKNOWN", message.as_str()));
            fail(
                &tx,
                delivery,
                Text::MessageWhyOutcomeUnknown {},
                error,
                (now, locale),
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

fn contact_of(delivery: &DeliveryRow) -> String {
    delivery
        .contact_name
        .clone()
        .unwrap_or_else(|| delivery.recipient.clone())
}

/// An entry in the customer's log about the delivery, in the company's language (`locale`).
async fn log(
    tx: &TenantTx,
    delivery: &DeliveryRow,
    note: Text,
    locale: Locale,
) -> anyhow::Result<()> {
    run_store::insert_activities(
        &**tx,
        delivery.customer_id,
        &[RunActivity {
            channel: activity_channel(delivery.channel),
            note: note.text(locale),
            invoices: delivery.invoice_ids.clone(),
        }],
        LABEL,
    )
    .await?;
    Ok(())
}

/// How a delivery ends without reaching the customer.
pub struct Ending {
    status: MessageDeliveryStatus,
    reason: Text,
    error: Option<(String, String)>,
    /// Only if no attempt is under way (a send that has begun is left to its job).
    unsent_only: bool,
    /// The collector sends it another way.
    task: bool,
}

impl Ending {
    /// Not sent and not needed (`task` false: paid, refused), or to send another way (a channel
    /// removed); only if its send has not begun.
    pub fn cancelled(reason: Text, task: bool) -> Self {
        Ending {
            status: MessageDeliveryStatus::Cancelled,
            reason,
            error: None,
            unsent_only: true,
            task,
        }
    }
}

/// Ends the delivery as failed, if it had not ended: the collector gets a task with the
/// reason, and the customer's log says so.
pub async fn fail(
    tx: &TenantTx,
    delivery: &DeliveryRow,
    reason: Text,
    error: Option<(&str, &str)>,
    at: (DateTime<Utc>, Locale),
) -> anyhow::Result<()> {
    let ending = Ending {
        status: MessageDeliveryStatus::Failed,
        reason,
        error: error.map(|(code, message)| (code.to_owned(), message.to_owned())),
        unsent_only: false,
        task: true,
    };
    end(tx, delivery, ending, at).await
}

/// Ends the delivery as `ending` says, if it had not ended: a task for the collector when it
/// asks for one, and a line in the customer's log.
pub async fn end(
    tx: &TenantTx,
    delivery: &DeliveryRow,
    ending: Ending,
    (now, locale): (DateTime<Utc>, Locale),
) -> anyhow::Result<()> {
    let error = ending
        .error
        .as_ref()
        .map(|(code, message)| (code.as_str(), message.as_str()));
    let ended = store::finish(&**tx, delivery.id, ending.status, error, ending.unsent_only);
    if !ended.await? {
        return Ok(());
    }
    let channel = delivery.channel.as_str().to_owned();
    if ending.task {
        let zone: Tz = delivery.time_zone.parse().unwrap_or(chrono_tz::UTC);
        run_store::insert_tasks(
            &**tx,
            &[NewTask {
                customer_id: delivery.customer_id,
                kind: activity_channel(delivery.channel),
                title: Text::TaskMessageFailed {
                    channel: channel.clone(),
                    step: Box::new(delivery.step_name.clone()),
                    reason: Box::new(ending.reason.clone()),
                },
                due_on: now.with_timezone(&zone).date_naive(),
                assignee_id: delivery.collector_id,
                run_id: delivery.run_id,
                step_offset: delivery.step_offset,
                invoice_ids: delivery.invoice_ids.clone(),
            }],
        )
        .await?;
    }
    let note = match ending.status {
        MessageDeliveryStatus::Failed => Text::MessageFailed {
            channel,
            reason: Box::new(ending.reason),
        },
        _ if ending.task => Text::MessageFailed {
            channel,
            reason: Box::new(ending.reason),
        },
        _ => ending.reason,
    };
    log(tx, delivery, note, locale).await
}

/// Ends the delivery as having reached the customer, and logs it.
pub async fn delivered(
    tx: &TenantTx,
    delivery: &DeliveryRow,
    locale: Locale,
) -> anyhow::Result<()> {
    if store::finish(
        &**tx,
        delivery.id,
        MessageDeliveryStatus::Delivered,
        None,
        false,
    )
    .await?
    {
        let note = Text::MessageDelivered {
            channel: delivery.channel.as_str().to_owned(),
            contact: contact_of(delivery),
        };
        log(tx, delivery, note, locale).await?;
    }
    Ok(())
}

/// Asks WeChat Work whether the collector sent a message, hourly, for a few days.
pub struct Check(pub Messenger);

#[async_trait::async_trait]
impl JobHandler for Check {
    async fn run(&self, db: &DatabaseConnection, job: &ClaimedJob) -> anyhow::Result<()> {
        let tenant = job.tenant()?;
        let payload: Payload = serde_json::from_value(job.payload.clone())?;
        check(&self.0, db, tenant, payload.delivery_id, job.queue_now).await
    }
}

pub async fn check(
    checker: &Messenger,
    db: &DatabaseConnection,
    tenant: TenantId,
    id: Uuid,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let locale = run_store::tenant_locale(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let Some(delivery) = store::delivery(&*tx, id).await? else {
        return Ok(tx.commit().await?);
    };
    let channel = store::channel(&*tx, MessageChannelKind::Wecom).await?;
    tx.commit().await?;
    if delivery.status != MessageDeliveryStatus::Sent {
        return Ok(());
    }
    let (Some(channel), Some(message_id), Some(sender)) = (
        channel,
        delivery.provider_message_id.as_deref(),
        delivery.sender.as_deref(),
    ) else {
        let tx = TenantTx::begin(db, tenant).await?;
        fail(
            &tx,
            &delivery,
            Text::MessageWhyChannelRemoved {},
            None,
            (now, locale),
        )
        .await?;
        return Ok(tx.commit().await?);
    };
    let (keys, settings) = match (
        credentials(&checker.sealer, tenant, &channel),
        channel.settings(),
    ) {
        (Ok(keys), Ok(settings)) => (keys, settings),
        (keys, settings) => {
            let reason = Text::MessageWhyRefused {
                code: "SETTINGS".to_owned(),
                message: format!("{:?} {:?}", keys.err(), settings.err()),
            };
            let tx = TenantTx::begin(db, tenant).await?;
            fail(&tx, &delivery, reason, None, (now, locale)).await?;
            return Ok(tx.commit().await?);
        }
    };
    let credentials = wecom::Credentials {
        corp_id: settings.corp_id.as_deref().unwrap_or_default(),
        secret: field(&keys, "secret"),
    };
    let (client, base) = (&checker.client, checker.endpoints.wecom.as_str());
    let answer = wecom::confirmation(
        client,
        base,
        &credentials,
        message_id,
        sender,
        &delivery.recipient,
    )
    .await;
    let tx = TenantTx::begin(db, tenant).await?;
    let sent_at = delivery.sent_at.unwrap_or(delivery.created_at);
    match answer {
        Ok(wecom::Confirmation::Sent) => delivered(&tx, &delivery, locale).await?,
        Ok(wecom::Confirmation::Failed(2)) => {
            fail(
                &tx,
                &delivery,
                Text::MessageWhyNotWecomContact {},
                None,
                (now, locale),
            )
            .await?
        }
        Ok(wecom::Confirmation::Failed(status)) => {
            let reason = Text::MessageWhyRefused {
                code: status.to_string(),
                message: String::new(),
            };
            fail(&tx, &delivery, reason, None, (now, locale)).await?
        }
        // Not yet sent, or WeChat Work could not say: asked again, until the days run out.
        Ok(wecom::Confirmation::Waiting) | Err(_) => {
            if now - sent_at >= Duration::days(WECOM_CONFIRM_DAYS) {
                // Withdrawn from the collector's WeChat Work, so the task is the only way it
                // goes and the customer never gets it twice.
                if let Err(outcome) = wecom::cancel(client, base, &credentials, message_id).await {
                    tracing::warn!(%tenant, delivery = %delivery.id, ?outcome, "a WeChat Work message could not be withdrawn");
                }
                let reason = Text::MessageWhyNotConfirmed {
                    days: WECOM_CONFIRM_DAYS,
                };
                fail(&tx, &delivery, reason, None, (now, locale)).await?;
            } else {
                let next = now + Duration::minutes(rules::WECOM_CHECK_EVERY_MINUTES);
                crate::jobs::enqueue_in_tenant(&tx, check_job(tenant, delivery.id, next)).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(())
}
