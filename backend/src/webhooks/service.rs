//! Webhook use cases: endpoints (their address, events, secret and whether they are on), the
//! delivery log, sending a delivery again and sending a test event. Every change is audited;
//! secrets are shown once, when made, and kept sealed.

use super::delivery::{self, secret_purpose};
use super::store::{self, AttemptRow, DeliveryFilter, DeliveryRow, EndpointRow, NewEndpoint};
use crate::api::pagination::{Page, PageRequest};
use crate::api::values::optional_text;
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::config::Environment;
use crate::db::TenantTx;
use crate::error::AppError;
use crate::startup::AppLinks;
use base64::Engine as _;
use domain::TenantId;
use domain::access::Permission;
use domain::reason::{Entity, Reason};
use domain::webhooks::{self as rules, WebhookDeliveryStatus, WebhookDisabledBecause};
use sea_orm::DatabaseConnection;
use std::collections::HashMap;
use uuid::Uuid;

fn not_found(entity: Entity, field: &str) -> AppError {
    AppError::input(field, Reason::RecordNotFound { entity })
}

/// The caller may manage webhooks in a company it may change.
fn writer(caller: &Caller) -> Result<TenantId, AppError> {
    caller.authorize(Permission::ManageWebhooks)?;
    let tenant = caller.require_tenant()?;
    if caller.read_only_tenant() == Some(tenant) {
        return Err(AppError::read_only());
    }
    Ok(tenant)
}

/// An endpoint's address: absolute, `https` (or `http` in development), no user name or
/// password, and outside private networks when written as an address. Host names are checked
/// again at every delivery, as they resolve then.
pub fn endpoint_url(field: &str, url: &str, environment: Environment) -> Result<String, AppError> {
    let url = url.trim();
    let invalid = || {
        AppError::input(
            field,
            Reason::WebhookUrlInvalid {
                max: rules::MAX_URL_LEN as u32,
            },
        )
    };
    if url.len() > rules::MAX_URL_LEN {
        return Err(invalid());
    }
    let parsed = reqwest::Url::parse(url).map_err(|_| invalid())?;
    let development = environment == Environment::Development;
    let scheme_allowed = parsed.scheme() == "https" || (development && parsed.scheme() == "http");
    let host = parsed.host_str().unwrap_or_default();
    if !scheme_allowed
        || host.is_empty()
        || !parsed.username().is_empty()
        || parsed.password().is_some()
    {
        return Err(invalid());
    }
    let literal = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<std::net::IpAddr>()
        .ok();
    let private_name = host.eq_ignore_ascii_case("localhost") || host.ends_with(".localhost");
    if !development
        && (private_name || literal.is_some_and(|address| !rules::is_public_address(address)))
    {
        return Err(AppError::input(field, Reason::WebhookAddressNotPublic {}));
    }
    Ok(parsed.to_string())
}

/// The events, each one Duely sends, without repeats, in the order of `webhookEventTypes`.
pub fn event_list(field: &str, events: &[String]) -> Result<Vec<String>, AppError> {
    if events.is_empty() {
        return Err(AppError::input(field, Reason::Required {}));
    }
    if let Some(unknown) = events.iter().find(|event| !rules::is_event_type(event)) {
        let shown: String = unknown.chars().take(100).collect();
        return Err(AppError::input(
            field,
            Reason::WebhookEventUnknown { event: shown },
        ));
    }
    Ok(rules::EVENT_TYPES
        .iter()
        .filter(|name| events.iter().any(|event| event == *name))
        .map(|name| (*name).to_owned())
        .collect())
}

/// A new secret: `whsec_` and 32 random bytes, base64url.
fn new_secret() -> Result<String, AppError> {
    let bytes = crate::identity::tokens::random_bytes::<32>().map_err(AppError::Internal)?;
    Ok(format!(
        "whsec_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    ))
}

fn hint(secret: &str) -> String {
    format!("whsec_…{}", domain::display::secret_tail(secret))
}

fn audited(row: &EndpointRow) -> serde_json::Value {
    serde_json::json!({
        "url": row.url, "description": row.description, "events": row.events,
        "enabled": row.enabled, "secretHint": row.secret_hint,
    })
}

fn audit_entry<'a>(
    actor: audit::Actor,
    action: &'a str,
    endpoint: Uuid,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    request_id: &'a str,
) -> AuditEntry<'a> {
    AuditEntry {
        actor,
        action,
        entity_type: "webhook_endpoint",
        entity_id: Some(endpoint.to_string()),
        before,
        after,
        request_id: Some(request_id),
    }
}

/// The company's endpoints, oldest first.
pub async fn endpoints(
    db: &DatabaseConnection,
    caller: &Caller,
) -> Result<Vec<EndpointRow>, AppError> {
    caller.authorize(Permission::ManageWebhooks)?;
    let tenant = caller.require_tenant()?;
    let tx = TenantTx::begin(db, tenant).await?;
    let rows = store::endpoints(&*tx).await?;
    tx.commit().await?;
    Ok(rows)
}

pub struct CreateEndpoint {
    pub url: String,
    pub events: Vec<String>,
    pub description: Option<String>,
}

/// Registers an endpoint; returns it with its secret, which is never shown again.
pub async fn create_endpoint(
    db: &DatabaseConnection,
    links: &AppLinks,
    caller: &Caller,
    input: CreateEndpoint,
    request_id: &str,
) -> Result<(EndpointRow, String), AppError> {
    let tenant = writer(caller)?;
    let url = endpoint_url("input.url", &input.url, links.environment)?;
    let events = event_list("input.events", &input.events)?;
    let description = optional_text(
        "input.description",
        input.description.as_deref(),
        rules::MAX_DESCRIPTION,
    )?;
    let actor = audit::actor_of(db, caller).await?;
    let id = Uuid::now_v7();
    let secret = new_secret()?;
    let sealed = links
        .sealer
        .seal(tenant, &secret_purpose(id), &secret)
        .map_err(AppError::Internal)?;
    let tx = TenantTx::begin(db, tenant).await?;
    // Taken in turn, so two registrations at once cannot pass the limit together.
    use sea_orm::ConnectionTrait as _;
    (*tx)
        .execute_unprepared("LOCK TABLE webhook_endpoints IN SHARE ROW EXCLUSIVE MODE")
        .await?;
    if store::count_endpoints(&*tx).await? >= rules::MAX_ENDPOINTS as i64 {
        return Err(AppError::refused(Reason::WebhookEndpointsTooMany {
            max: rules::MAX_ENDPOINTS as u32,
        }));
    }
    store::insert_endpoint(
        &*tx,
        NewEndpoint {
            id,
            url: &url,
            description: description.as_deref(),
            events: &events,
            secret: sealed,
            secret_hint: &hint(&secret),
            created_by: actor.label(),
        },
    )
    .await?;
    let row = store::endpoint(&*tx, id, false)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the new endpoint is gone")))?;
    audit::record(
        &*tx,
        tenant,
        audit_entry(
            actor,
            "webhook_endpoint.created",
            id,
            None,
            Some(audited(&row)),
            request_id,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok((row, secret))
}

/// A change to an endpoint; `None` leaves a field as it is (`Some(None)` clears the
/// description).
pub struct UpdateEndpoint {
    pub endpoint_id: Uuid,
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    pub description: Option<Option<String>>,
    pub enabled: Option<bool>,
}

async fn locked_endpoint(tx: &TenantTx, id: Uuid) -> Result<EndpointRow, AppError> {
    store::endpoint(&**tx, id, true)
        .await?
        .ok_or_else(|| not_found(Entity::WebhookEndpoint, "input.endpointId"))
}

/// Changes an endpoint. Switching it off gives up its pending deliveries; switching it on
/// forgets its failures.
pub async fn update_endpoint(
    db: &DatabaseConnection,
    links: &AppLinks,
    caller: &Caller,
    input: UpdateEndpoint,
    request_id: &str,
) -> Result<EndpointRow, AppError> {
    let tenant = writer(caller)?;
    let url = input
        .url
        .map(|url| endpoint_url("input.url", &url, links.environment))
        .transpose()?;
    let events = input
        .events
        .map(|events| event_list("input.events", &events))
        .transpose()?;
    let description = input
        .description
        .map(|text| optional_text("input.description", text.as_deref(), rules::MAX_DESCRIPTION))
        .transpose()?;
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let before = locked_endpoint(&tx, input.endpoint_id).await?;
    let mut after = before.clone();
    if let Some(url) = url {
        after.url = url;
    }
    if let Some(events) = events {
        after.events = events;
    }
    if let Some(description) = description {
        after.description = description;
    }
    if let Some(enabled) = input.enabled {
        after.enabled = enabled;
        after.disabled_because = match (enabled, before.enabled) {
            (true, _) => None,
            (false, true) => Some(WebhookDisabledBecause::Member.as_str().to_owned()),
            (false, false) => before.disabled_because.clone(),
        };
    }
    if audited(&after) != audited(&before) {
        store::update_endpoint(&*tx, &after).await?;
        audit::record(
            &*tx,
            tenant,
            audit_entry(
                actor,
                "webhook_endpoint.updated",
                after.id,
                Some(audited(&before)),
                Some(audited(&after)),
                request_id,
            ),
        )
        .await?;
    }
    let row = locked_endpoint(&tx, input.endpoint_id).await?;
    tx.commit().await?;
    Ok(row)
}

/// Deletes an endpoint: it gets nothing more, and its pending deliveries are given up. Its
/// delivery log is kept.
pub async fn delete_endpoint(
    db: &DatabaseConnection,
    caller: &Caller,
    endpoint_id: Uuid,
    request_id: &str,
) -> Result<Uuid, AppError> {
    let tenant = writer(caller)?;
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let row = locked_endpoint(&tx, endpoint_id).await?;
    store::delete_endpoint(&*tx, row.id).await?;
    audit::record(
        &*tx,
        tenant,
        audit_entry(
            actor,
            "webhook_endpoint.deleted",
            row.id,
            Some(audited(&row)),
            None,
            request_id,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(row.id)
}

/// A new secret for an endpoint, shown once; the old one keeps signing beside it for
/// `OLD_SECRET_VALID_HOURS`, so the receiver can switch without losing a delivery.
pub async fn rotate_secret(
    db: &DatabaseConnection,
    links: &AppLinks,
    caller: &Caller,
    endpoint_id: Uuid,
    request_id: &str,
) -> Result<(EndpointRow, String), AppError> {
    let tenant = writer(caller)?;
    let actor = audit::actor_of(db, caller).await?;
    let secret = new_secret()?;
    let sealed = links
        .sealer
        .seal(tenant, &secret_purpose(endpoint_id), &secret)
        .map_err(AppError::Internal)?;
    let tx = TenantTx::begin(db, tenant).await?;
    let before = locked_endpoint(&tx, endpoint_id).await?;
    let until = chrono::Utc::now() + chrono::Duration::hours(rules::OLD_SECRET_VALID_HOURS);
    store::rotate_secret(
        &*tx,
        endpoint_id,
        sealed,
        &hint(&secret),
        before.secret.clone(),
        until,
    )
    .await?;
    let after = locked_endpoint(&tx, endpoint_id).await?;
    audit::record(
        &*tx,
        tenant,
        audit_entry(
            actor,
            "webhook_endpoint.secret_rotated",
            endpoint_id,
            Some(audited(&before)),
            Some(audited(&after)),
            request_id,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok((after, secret))
}

/// A delivery with its attempts, oldest first.
pub struct Delivery {
    pub row: DeliveryRow,
    pub attempts: Vec<AttemptRow>,
}

pub struct DeliveriesFilter {
    pub endpoint_id: Option<Uuid>,
    pub status: Option<WebhookDeliveryStatus>,
}

/// The delivery log, newest first, each delivery with its attempts (one statement for the
/// page's attempts).
pub async fn deliveries(
    db: &DatabaseConnection,
    caller: &Caller,
    first: Option<i32>,
    after: Option<String>,
    filter: DeliveriesFilter,
    wants_total: bool,
) -> Result<Page<Delivery>, AppError> {
    caller.authorize(Permission::ManageWebhooks)?;
    let tenant = caller.require_tenant()?;
    let request = PageRequest::parse("webhookDeliveries", "NEWEST", true, first, after.as_deref())?;
    let tx = TenantTx::begin(db, tenant).await?;
    let (rows, total) = store::deliveries(
        &tx,
        &DeliveryFilter {
            endpoint_id: filter.endpoint_id,
            status: filter.status,
        },
        &request,
        wants_total,
    )
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let mut attempts: HashMap<Uuid, Vec<AttemptRow>> = HashMap::new();
    for attempt in store::attempts(&*tx, &ids).await? {
        attempts
            .entry(attempt.delivery_id)
            .or_default()
            .push(attempt);
    }
    tx.commit().await?;
    Ok(request
        .page(rows, total, |row| {
            vec![row.created_at.to_rfc3339(), row.id.to_string()]
        })
        .map(|row| Delivery {
            attempts: attempts.remove(&row.id).unwrap_or_default(),
            row,
        }))
}

async fn queue_delivery(
    tx: &TenantTx,
    tenant: TenantId,
    endpoint: &EndpointRow,
    event: Uuid,
    redelivery_of: Option<Uuid>,
) -> Result<DeliveryRow, AppError> {
    if !endpoint.enabled {
        return Err(AppError::refused(Reason::WebhookEndpointDisabled {}));
    }
    let id = store::insert_delivery(&**tx, endpoint.id, event, redelivery_of).await?;
    crate::jobs::enqueue_in_tenant(tx, delivery::job(tenant, id, 1, None)).await?;
    store::delivery(&**tx, id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the new delivery is gone")))
}

/// Sends a delivery's event to its endpoint again, at once and outside the order of its
/// resource; the first delivery keeps its own log.
pub async fn redeliver(
    db: &DatabaseConnection,
    caller: &Caller,
    delivery_id: Uuid,
    request_id: &str,
) -> Result<DeliveryRow, AppError> {
    let tenant = writer(caller)?;
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let original = store::delivery(&*tx, delivery_id)
        .await?
        .ok_or_else(|| not_found(Entity::WebhookDelivery, "input.deliveryId"))?;
    let endpoint = locked_endpoint(&tx, original.endpoint_id)
        .await
        .map_err(|error| error.at("input.deliveryId"))?;
    let row = queue_delivery(&tx, tenant, &endpoint, original.event_id, Some(original.id)).await?;
    audit::record(&*tx, tenant, audit_entry(actor,
        "webhook_delivery.resent",
        endpoint.id,
        None,
        Some(serde_json::json!({ "deliveryId": original.id, "eventId": original.event_id, "newDeliveryId": row.id })),
        request_id,
    ))
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// Sends an endpoint a `webhook.test` event, whatever it subscribes to.
pub async fn send_test_event(
    db: &DatabaseConnection,
    caller: &Caller,
    endpoint_id: Uuid,
    request_id: &str,
) -> Result<DeliveryRow, AppError> {
    let tenant = writer(caller)?;
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let endpoint = locked_endpoint(&tx, endpoint_id).await?;
    if !endpoint.enabled {
        return Err(AppError::refused(Reason::WebhookEndpointDisabled {}));
    }
    let event = store::insert_test_event(
        &*tx,
        endpoint.id,
        serde_json::json!({ "endpointId": endpoint.id, "sentBy": actor.label() }),
    )
    .await?;
    let row = queue_delivery(&tx, tenant, &endpoint, event, None).await?;
    audit::record(
        &*tx,
        tenant,
        audit_entry(
            actor,
            "webhook_endpoint.test_sent",
            endpoint.id,
            None,
            Some(serde_json::json!({ "deliveryId": row.id })),
            request_id,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(url: &str, environment: Environment) -> String {
        let (_, extensions) = endpoint_url("input.url", url, environment)
            .unwrap_err()
            .public();
        extensions["reason"].as_str().unwrap().to_owned()
    }

    #[test]
    fn an_endpoint_is_an_https_address_on_the_public_internet() {
        let production = Environment::Production;
        assert_eq!(
            endpoint_url(
                "input.url",
                " https://erp.example.com/hooks/duely ",
                production
            )
            .unwrap(),
            "https://erp.example.com/hooks/duely"
        );
        for url in [
            "http://erp.example.com/hook",
            "ftp://erp.example.com",
            "erp.example.com/hook",
            "https://user:pass@erp.example.com/",
            "",
        ] {
            assert_eq!(refused(url, production), "WEBHOOK_URL_INVALID", "{url}");
        }
        assert_eq!(
            refused(
                &format!("https://example.com/{}", "a".repeat(2100)),
                production
            ),
            "WEBHOOK_URL_INVALID"
        );
        for url in [
            "https://127.0.0.1/hook",
            "https://10.0.0.8/hook",
            "https://[::1]:8443/",
            "https://169.254.169.254/latest/meta-data",
            "https://localhost/hook",
        ] {
            assert_eq!(
                refused(url, production),
                "WEBHOOK_ADDRESS_NOT_PUBLIC",
                "{url}"
            );
        }
        // Development receivers run on the same machine.
        assert!(
            endpoint_url(
                "input.url",
                "http://127.0.0.1:9000/hook",
                Environment::Development
            )
            .is_ok()
        );
    }

    #[test]
    fn events_are_known_kept_once_and_in_their_order() {
        let events = event_list(
            "input.events",
            &[
                "invoice.paid".to_owned(),
                "invoice.issued".to_owned(),
                "invoice.paid".to_owned(),
            ],
        )
        .unwrap();
        assert_eq!(events, ["invoice.issued", "invoice.paid"]);
        let (_, extensions) = event_list("input.events", &["invoice.eaten".to_owned()])
            .unwrap_err()
            .public();
        assert_eq!(extensions["reason"], "WEBHOOK_EVENT_UNKNOWN");
        assert_eq!(extensions["params"]["event"], "invoice.eaten");
        assert_eq!(extensions["field"], "input.events");
        let (_, extensions) = event_list("input.events", &[]).unwrap_err().public();
        assert_eq!(extensions["reason"], "REQUIRED");
    }

    #[test]
    fn a_secret_is_long_random_and_hinted_by_its_end() {
        let secret = new_secret().unwrap();
        assert!(secret.starts_with("whsec_") && secret.len() == 6 + 43);
        assert_ne!(secret, new_secret().unwrap());
        assert!(hint(&secret).ends_with(&secret[secret.len() - 4..]));
    }
}
