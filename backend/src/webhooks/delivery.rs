//! Sending: one attempt of one delivery, as a job (`webhooks.deliver`) any replica may claim.
//!
//! The job names a delivery and the attempt it is for. The attempt takes the delivery's own
//! lease in the tenant's schema ([`store::claim`]), so a second job for the same attempt (a
//! retried job, a wake-up racing a retry) finds nothing to do and no delivery is sent twice at
//! once. The request goes out after that transaction ends; its outcome is recorded in another,
//! which also asks for the next attempt, wakes the delivery that waited behind this one, and
//! switches off an endpoint that has failed for a day. A worker that dies mid-send lets the
//! lease lapse and the job runs again: a receiver may see an event twice, never lose one, and
//! tells them apart by `Duely-Event-Id`.
//!
//! The address is resolved at every attempt and each of its addresses checked
//! ([`CheckedResolver`]); redirects are not followed; an attempt has 10 s in all.

use super::store::{self, Claimed, Outcome};
use crate::db::TenantTx;
use crate::email::{self, Audience, OutgoingEmail};
use crate::jobs::{ClaimedJob, JobHandler, NewJob};
use crate::secrets::Sealer;
use chrono::{DateTime, Utc};
use domain::webhooks::{self as rules, WebhookDeliveryStatus};
use domain::{Locale, TenantId};
use hmac::{Hmac, Mac};
use sea_orm::DatabaseConnection;
use secrecy::ExposeSecret;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

pub const JOB_KIND: &str = "webhooks.deliver";
/// How long an attempt holds its delivery: past the request's timeout.
const LEASE_SECS: f64 = 60.0;

/// The sealing context of an endpoint's secret: it opens only in its own row.
pub fn secret_purpose(endpoint: Uuid) -> String {
    format!("webhook_endpoint:{endpoint}")
}

/// `Duely-Signature`: `t=<unix seconds>` and one `v1=<hex HMAC-SHA256 of "<t>.<body>">` per
/// secret, the secret's text as the key.
pub fn signature_header(timestamp: i64, body: &[u8], secrets: &[&str]) -> String {
    let mut header = format!("t={timestamp}");
    for secret in secrets {
        // HMAC takes a key of any length.
        let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()) else {
            continue;
        };
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        header.push_str(",v1=");
        header.push_str(&hex::encode(mac.finalize().into_bytes()));
    }
    header
}

/// Resolves a webhook's host and keeps only the addresses a delivery may reach; with none
/// left, the attempt fails before connecting.
#[derive(Debug, Clone, Copy)]
struct CheckedResolver {
    allow_private: bool,
}

#[derive(Debug, thiserror::Error)]
#[error("the address resolves only to private, loopback or link-local addresses ({0})")]
struct NotPublic(String);

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|address| allow_private || rules::is_public_address(address.ip()))
                .collect();
            if allowed.is_empty() {
                let shown: Vec<String> = found.iter().map(|a| a.ip().to_string()).collect();
                return Err(Box::new(NotPublic(shown.join(", ")))
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Sends deliveries over HTTP(S).
#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
    allow_private: bool,
}

/// What came back from one request.
pub struct Answer {
    pub status_code: Option<u16>,
    pub latency_ms: i32,
    pub excerpt: Option<String>,
    pub error: Option<String>,
}

impl Answer {
    pub fn succeeded(&self) -> bool {
        self.status_code
            .is_some_and(|code| (200..300).contains(&code))
    }
}

impl Sender {
    /// `allow_private` only in development, where receivers run on the same machine.
    pub fn new(allow_private: bool) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(rules::ATTEMPT_TIMEOUT_SECS))
            .no_proxy()
            .user_agent("Duely-Webhooks/1")
            .dns_resolver(Arc::new(CheckedResolver { allow_private }))
            .build()?;
        Ok(Sender {
            client,
            allow_private,
        })
    }

    /// POSTs `body` to `url`, keeping the start of the answer. Never fails: what went wrong is
    /// the answer's `error`.
    pub async fn send(
        &self,
        url: &str,
        headers: Vec<(&'static str, String)>,
        body: String,
    ) -> Answer {
        let started = Instant::now();
        let elapsed =
            |started: Instant| i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        let failed = |error: String, started: Instant| Answer {
            status_code: None,
            latency_ms: elapsed(started),
            excerpt: None,
            error: Some(error),
        };
        let parsed = match reqwest::Url::parse(url) {
            Ok(parsed) => parsed,
            Err(error) => return failed(format!("the address does not parse: {error}"), started),
        };
        // A literal address is never resolved, so it is checked here.
        let literal = parsed
            .host_str()
            .map(|host| host.trim_start_matches('[').trim_end_matches(']'))
            .and_then(|host| host.parse::<std::net::IpAddr>().ok());
        if let Some(address) = literal
            && !self.allow_private
            && !rules::is_public_address(address)
        {
            return failed(NotPublic(address.to_string()).to_string(), started);
        }
        let mut request = self
            .client
            .post(parsed)
            .header(reqwest::header::CONTENT_TYPE, "application/json");
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let mut response = match request.body(body).send().await {
            Ok(response) => response,
            Err(error) => return failed(describe(&error), started),
        };
        let status = response.status().as_u16();
        let mut excerpt = Vec::new();
        while excerpt.len() < rules::RESPONSE_EXCERPT_BYTES {
            match response.chunk().await {
                Ok(Some(chunk)) => excerpt.extend_from_slice(&chunk),
                Ok(None) | Err(_) => break,
            }
        }
        excerpt.truncate(rules::RESPONSE_EXCERPT_BYTES);
        let excerpt = String::from_utf8_lossy(&excerpt).into_owned();
        Answer {
            status_code: Some(status),
            latency_ms: elapsed(started),
            excerpt: (!excerpt.is_empty()).then_some(excerpt),
            error: None,
        }
    }
}

/// The error and its causes, as one line of at most 500 characters.
fn describe(error: &reqwest::Error) -> String {
    let mut text = if error.is_timeout() {
        format!("no answer within {} s", rules::ATTEMPT_TIMEOUT_SECS)
    } else {
        error.to_string()
    };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text.chars().take(500).collect()
}

/// The job payload: which delivery, and which attempt of it.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Payload {
    delivery_id: Uuid,
    attempt: i32,
}

/// The job for `delivery`'s attempt number `attempt`, at `run_at` (now when `None`).
pub fn job(
    tenant: TenantId,
    delivery: Uuid,
    attempt: i32,
    run_at: Option<DateTime<Utc>>,
) -> NewJob {
    NewJob {
        tenant_id: Some(tenant.0),
        payload: serde_json::json!({ "deliveryId": delivery, "attempt": attempt }),
        run_at,
        ..NewJob::new(JOB_KIND)
    }
}

/// Runs `webhooks.deliver` jobs.
pub struct Deliver {
    pub sealer: Sealer,
    pub sender: Sender,
    pub public_url: String,
}

#[async_trait::async_trait]
impl JobHandler for Deliver {
    async fn run(&self, db: &DatabaseConnection, job: &ClaimedJob) -> anyhow::Result<()> {
        let tenant = job.tenant()?;
        let payload: Payload = serde_json::from_value(job.payload.clone())?;
        attempt(
            self,
            db,
            tenant,
            payload.delivery_id,
            payload.attempt,
            job.queue_now,
        )
        .await
    }
}

/// Makes attempt number `attempt` of `delivery`, if it is still this attempt's to make.
pub async fn attempt(
    deliver: &Deliver,
    db: &DatabaseConnection,
    tenant: TenantId,
    delivery: Uuid,
    attempt: i32,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let tx = TenantTx::begin(db, tenant).await?;
    store::lock_stream(&*tx, delivery).await?;
    let claimed = store::claim(&*tx, delivery, attempt, LEASE_SECS).await?;
    let held = match claimed {
        Some(_) => false,
        None => {
            // Made while its endpoint was being switched off: given up like the rest.
            store::give_up_if_endpoint_off(&*tx, delivery).await?;
            store::held_elsewhere(&*tx, delivery, attempt).await?
        }
    };
    tx.commit().await?;
    // Another attempt holds it (a worker that may have died): the job is tried again later,
    // by when that lease has lapsed.
    anyhow::ensure!(!held, "delivery {delivery} is held by another attempt");
    let Some(claimed) = claimed else {
        return Ok(());
    };
    // A secret that does not open (a key missing after a rotation) is a failed attempt, logged
    // like any other, not a delivery stuck in flight.
    let answer = match request(&deliver.sealer, tenant, &claimed, now) {
        Ok((body, headers)) => deliver.sender.send(&claimed.url, headers, body).await,
        Err(error) => Answer {
            status_code: None,
            latency_ms: 0,
            excerpt: None,
            error: Some(format!("not signed: {error:#}")),
        },
    };
    let succeeded = answer.succeeded();
    let retry_at = (!succeeded)
        .then(|| rules::retry_after(u32::try_from(attempt).unwrap_or(u32::MAX)))
        .flatten()
        .map(|secs| now + chrono::Duration::seconds(i64::from(secs)));
    let status = match (succeeded, retry_at) {
        (true, _) => WebhookDeliveryStatus::Delivered,
        (false, Some(_)) => WebhookDeliveryStatus::Pending,
        (false, None) => WebhookDeliveryStatus::Failed,
    };
    // Read before the transaction, which then holds no wait for another connection.
    let told = if succeeded {
        None
    } else {
        Some((
            store::admins(db, tenant).await?,
            crate::db::tenant_calendar(db, tenant).await?.name,
        ))
    };
    let tx = TenantTx::begin(db, tenant).await?;
    store::lock_stream(&*tx, delivery).await?;
    let recorded = store::record_attempt(
        &*tx,
        delivery,
        attempt,
        &Outcome {
            attempted_at: now,
            status_code: answer.status_code.map(i32::from),
            latency_ms: answer.latency_ms,
            response_excerpt: answer.excerpt.as_deref(),
            error: answer.error.as_deref(),
            status,
            next_attempt_at: retry_at,
        },
    )
    .await?;
    if !recorded {
        // Given up meanwhile (its endpoint switched off or deleted): nothing more to do.
        tx.commit().await?;
        return Ok(());
    }
    let switched_off = store::note_health(&*tx, claimed.endpoint_id, succeeded, now).await?;
    match (status, retry_at) {
        (WebhookDeliveryStatus::Pending, Some(at)) if !switched_off => {
            crate::jobs::enqueue_in_tenant(&tx, job(tenant, delivery, attempt + 1, Some(at)))
                .await?;
        }
        _ => {
            if let Some((next, next_attempt)) = store::next_in_line(&*tx, delivery).await? {
                crate::jobs::enqueue_in_tenant(&tx, job(tenant, next, next_attempt, None)).await?;
            }
        }
    }
    if let (true, Some((admins, company))) = (switched_off, told) {
        for (address, locale) in admins {
            email::enqueue_in_tenant(
                &tx,
                switched_off_email(
                    tenant,
                    &company,
                    &claimed.url,
                    &deliver.public_url,
                    address,
                    locale,
                ),
            )
            .await?;
        }
    }
    tx.commit().await?;
    metrics::counter!(
        "duely_webhook_attempts_total",
        "outcome" => if succeeded { "delivered" } else { "failed" }
    )
    .increment(1);
    Ok(())
}

/// The body and headers of an attempt: the event as JSON, signed with the endpoint's secret
/// and, for a day after a rotation, its previous one.
fn request(
    sealer: &Sealer,
    tenant: TenantId,
    claimed: &Claimed,
    now: DateTime<Utc>,
) -> anyhow::Result<(String, Vec<(&'static str, String)>)> {
    let body = serde_json::to_string(&rules::EventBody {
        id: claimed.event_id,
        event_type: claimed.event_type.clone(),
        created_at: claimed.event_created_at,
        sequence: claimed.sequence,
        data: claimed.data.clone(),
    })?;
    let purpose = secret_purpose(claimed.endpoint_id);
    let current = sealer.open(tenant, &purpose, &claimed.secret)?;
    let previous = match (&claimed.previous_secret, claimed.previous_secret_until) {
        (Some(sealed), Some(until)) if until > now => Some(sealer.open(tenant, &purpose, sealed)?),
        _ => None,
    };
    let mut secrets = vec![current.expose_secret()];
    if let Some(previous) = &previous {
        secrets.push(previous.expose_secret());
    }
    let signature = signature_header(now.timestamp(), body.as_bytes(), &secrets);
    let headers = vec![
        ("Duely-Signature", signature),
        ("Duely-Event-Id", claimed.event_id.to_string()),
        ("Duely-Event-Type", claimed.event_type.clone()),
        ("Duely-Delivery-Id", claimed.id.to_string()),
    ];
    Ok((body, headers))
}

fn switched_off_email(
    tenant: TenantId,
    company: &str,
    url: &str,
    public_url: &str,
    to: String,
    locale: Locale,
) -> OutgoingEmail {
    let link = format!("{}/settings/webhooks", public_url.trim_end_matches('/'));
    let hours = rules::DISABLE_AFTER_FAILING_HOURS;
    let (subject, text) = match locale {
        Locale::ZhCn => (
            format!("{company}：Webhook 端点已停用"),
            format!(
                "发往 {url} 的 Webhook 已连续失败 {hours} 小时，Duely 已停用该端点，待发送的事件不再重试。\n\n请修复接收端后在 Duely 中重新启用，并按需重新发送失败的投递：{link}\n"
            ),
        ),
        Locale::En => (
            format!("{company}: a webhook endpoint was switched off"),
            format!(
                "Deliveries to {url} failed for {hours} hours, so Duely switched the endpoint off and stopped retrying its pending events.\n\nFix the receiver, switch the endpoint on again in Duely and send the failed deliveries again where needed: {link}\n"
            ),
        ),
    };
    let html = format!(
        "<p>{}</p>",
        domain::templates::escape_html(&text).replace('\n', "<br>")
    );
    OutgoingEmail {
        tenant: Some(tenant),
        audience: Audience::Team,
        to,
        subject,
        text,
        html: Some(html),
        secret: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_names_the_time_and_one_digest_per_secret() {
        let header = signature_header(1_700_000_000, b"{}", &["whsec_a", "whsec_b"]);
        let parts: Vec<&str> = header.split(',').collect();
        assert_eq!(parts[0], "t=1700000000");
        assert_eq!(parts.len(), 3);
        assert!(
            parts[1..]
                .iter()
                .all(|part| part.starts_with("v1=") && part.len() == 67)
        );
        assert_ne!(parts[1], parts[2]);
        // Another time signs differently.
        assert_ne!(
            signature_header(1_700_000_001, b"{}", &["whsec_a"]),
            format!("{},{}", parts[0], parts[1])
        );
    }
}
