//! `POST /webhooks/stripe` (Duely's own account: subscriptions) and
//! `POST /webhooks/stripe/{tenantId}` (a company's account: its customers' payments).
//!
//! Both routes take at most [`MAX_WEBHOOK_BODY`] (Stripe's events are a few KiB); the header is
//! bounded and its clock checked before the body is hashed once per secret (see
//! `duely_stripe::webhook`). The signature is checked over the raw body before anything is parsed. The event's id is
//! inserted, unique, in the same transaction as its effect: a retry or a duplicate finds the id
//! and changes nothing, and a failed effect rolls the id back so Stripe's retry applies it.
//! The 2xx answer is sent only after the commit. Unknown event types are acknowledged.

use super::service::checkout::apply_change;
use super::service::online::{self, CompanyEvent};
use super::store;
use crate::db::TenantTx;
use crate::error::AppError;
use crate::http::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use domain::TenantId;
use domain::billing::{Plan, SubscriptionChange, SubscriptionStatus};
use duely_stripe::webhook;
use sea_orm::{ConnectionTrait, TransactionTrait};
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use uuid::Uuid;

/// The largest webhook body accepted; larger ones get 413 before the handler runs.
pub const MAX_WEBHOOK_BODY: usize = 256 * 1024;

/// The parts of a Stripe event Duely reads.
struct Event {
    id: String,
    kind: String,
    created: DateTime<Utc>,
    livemode: bool,
    object: Value,
}

fn parse_event(body: &[u8]) -> Option<Event> {
    let value: Value = serde_json::from_slice(body).ok()?;
    Some(Event {
        id: value.get("id")?.as_str()?.to_owned(),
        kind: value.get("type")?.as_str()?.to_owned(),
        created: DateTime::from_timestamp(value.get("created")?.as_i64()?, 0)?,
        livemode: value
            .get("livemode")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        object: value.pointer("/data/object")?.clone(),
    })
}

fn answer(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

fn refused(status: StatusCode, message: impl std::fmt::Display) -> Response {
    answer(
        status,
        json!({ "error": { "message": message.to_string() } }),
    )
}

fn signature(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("stripe-signature")
        .and_then(|value| value.to_str().ok())
}

fn failed(error: AppError) -> Response {
    let (message, _) = error.public();
    // Stripe retries a 5xx with backoff for three days: a passing failure heals itself.
    refused(StatusCode::INTERNAL_SERVER_ERROR, message)
}

pub async fn platform(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(secret) = state.billing.platform_webhook_secret() else {
        return refused(
            StatusCode::SERVICE_UNAVAILABLE,
            "Stripe webhooks are not configured on this server (DUELY_STRIPE_WEBHOOK_SECRET).",
        );
    };
    let signed = match webhook::SignatureHeader::parse(signature(&headers), Utc::now().timestamp())
    {
        Ok(signed) => signed,
        Err(error) => return refused(StatusCode::BAD_REQUEST, error),
    };
    if let Err(error) = signed.verify(&body, secret.expose_secret()) {
        return refused(StatusCode::BAD_REQUEST, error);
    }
    let Some(event) = parse_event(&body) else {
        return refused(StatusCode::BAD_REQUEST, "The body is not a Stripe event.");
    };
    match apply_platform_event(&state, &event).await {
        Ok(duplicate) => answer(
            StatusCode::OK,
            json!({ "received": true, "duplicate": duplicate }),
        ),
        Err(error) => failed(error),
    }
}

/// The company an event of Duely's account is about: the Checkout Session's
/// `client_reference_id`, else the Stripe customer's.
async fn tenant_of(
    txn: &impl ConnectionTrait,
    object: &Value,
) -> Result<Option<TenantId>, AppError> {
    if let Some(reference) = object
        .get("client_reference_id")
        .and_then(Value::as_str)
        .and_then(|text| text.parse::<Uuid>().ok())
    {
        return Ok(Some(TenantId::from_uuid(reference)));
    }
    let Some(customer) = object.get("customer").and_then(Value::as_str) else {
        return Ok(None);
    };
    store::tenant_of_customer(txn, customer).await
}

/// The plan an event is about. A subscription says it by its price (the Billing Portal changes
/// the price, never the metadata written at checkout); a Checkout Session by its metadata.
fn plan_of(state: &AppState, object: &Value) -> Option<Plan> {
    let by_price = object
        .pointer("/items/data/0/price/id")
        .and_then(Value::as_str)
        .and_then(|price| {
            [Plan::Growth, Plan::Scale]
                .into_iter()
                .find(|plan| state.billing.price(*plan) == Some(price))
        });
    by_price.or_else(|| {
        object
            .pointer("/metadata/duely_plan")
            .and_then(Value::as_str)
            .and_then(Plan::parse)
    })
}

fn subscription_change(state: &AppState, event: &Event) -> Option<SubscriptionChange> {
    let object = &event.object;
    let timestamp = |pointer: &str| {
        object
            .pointer(pointer)
            .and_then(Value::as_i64)
            .and_then(|seconds| DateTime::from_timestamp(seconds, 0))
    };
    match event.kind.as_str() {
        "checkout.session.completed"
            if object.get("mode").and_then(Value::as_str) == Some("subscription") =>
        {
            Some(SubscriptionChange {
                status: Some(SubscriptionStatus::Active),
                plan: plan_of(state, object),
                subscription_id: object
                    .get("subscription")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                // The subscription's own events say more; this only starts it.
                only_from: Some(&[SubscriptionStatus::Trialing, SubscriptionStatus::Canceled]),
                ..SubscriptionChange::default()
            })
        }
        "customer.subscription.created"
        | "customer.subscription.updated"
        | "customer.subscription.deleted" => {
            let status = if event.kind == "customer.subscription.deleted" {
                Some(SubscriptionStatus::Canceled)
            } else {
                object
                    .get("status")
                    .and_then(Value::as_str)
                    .and_then(SubscriptionStatus::from_stripe)
            };
            Some(SubscriptionChange {
                status,
                plan: plan_of(state, object),
                subscription_id: object.get("id").and_then(Value::as_str).map(str::to_owned),
                // Since API 2025-03-31 the period lives on the items.
                current_period_end: timestamp("/items/data/0/current_period_end")
                    .or_else(|| timestamp("/current_period_end")),
                cancel_at_period_end: object.get("cancel_at_period_end").and_then(Value::as_bool),
                only_from: None,
            })
        }
        "invoice.payment_failed" => Some(SubscriptionChange {
            status: Some(SubscriptionStatus::PastDue),
            only_from: Some(&[SubscriptionStatus::Active, SubscriptionStatus::Trialing]),
            ..SubscriptionChange::default()
        }),
        "invoice.paid" => Some(SubscriptionChange {
            status: Some(SubscriptionStatus::Active),
            only_from: Some(&[SubscriptionStatus::PastDue]),
            ..SubscriptionChange::default()
        }),
        _ => None,
    }
}

/// Stores the event's id in `table` (the control plane's, or the company's) in the caller's
/// transaction; `false` when it was there already (`store::claim_event`).
async fn claim(conn: &impl ConnectionTrait, table: &str, event: &Event) -> Result<bool, AppError> {
    store::claim_event(conn, table, &event.id, &event.kind, event.created).await
}

/// Stores the event id and applies it; `Ok(true)` when it had been applied before.
async fn apply_platform_event(state: &AppState, event: &Event) -> Result<bool, AppError> {
    let txn = state.db.begin().await?;
    let fresh = claim(&txn, "public.stripe_events", event).await?;
    if !fresh {
        txn.commit().await?;
        return Ok(true);
    }
    if let Some(change) = subscription_change(state, event) {
        match tenant_of(&txn, &event.object).await? {
            Some(tenant) => {
                apply_change(&txn, tenant, &change, event.created, &event.id).await?;
                txn.commit().await?;
                // Read-only may have begun or ended: this replica at once, the others by notice.
                crate::identity::standing::heard(crate::db::notices::AccessNotice::Tenant(
                    tenant.0,
                ));
                return Ok(false);
            }
            None => tracing::warn!(event = %event.id, "a Stripe event for no known company"),
        }
    }
    txn.commit().await?;
    Ok(false)
}

pub async fn company(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let not_found = || {
        refused(
            StatusCode::NOT_FOUND,
            "No company receives Stripe events here.",
        )
    };
    let Ok(tenant) = tenant.parse::<Uuid>().map(TenantId::from_uuid) else {
        return not_found();
    };
    // The header's size, entries and clock cost nothing to check: before any database work.
    let signed = match webhook::SignatureHeader::parse(signature(&headers), Utc::now().timestamp())
    {
        Ok(signed) => signed,
        Err(error) => return refused(StatusCode::BAD_REQUEST, error),
    };
    let exists = store::tenant_open(&state.db, tenant).await;
    match exists {
        Ok(true) => {}
        Ok(false) => return not_found(),
        Err(error) => return failed(error.into()),
    }
    // The secret is read in its own short transaction, which gives its connection back before
    // the body is hashed: a flood of forged events never holds the pool.
    let secret = match company_webhook_secret(&state, tenant).await {
        Ok(Some(secret)) => secret,
        Ok(None) => {
            return refused(
                StatusCode::NOT_FOUND,
                "This company has not connected a Stripe account.",
            );
        }
        Err(error) => return failed(error),
    };
    if let Err(error) = signed.verify(&body, secret.expose_secret()) {
        return refused(StatusCode::BAD_REQUEST, error);
    }
    let Some(event) = parse_event(&body) else {
        return refused(StatusCode::BAD_REQUEST, "The body is not a Stripe event.");
    };
    match apply_company_event(&state, tenant, &event).await {
        Ok(duplicate) => answer(
            StatusCode::OK,
            json!({ "received": true, "duplicate": duplicate }),
        ),
        Err(error) => failed(error),
    }
}

async fn company_webhook_secret(
    state: &AppState,
    tenant: TenantId,
) -> Result<Option<secrecy::SecretString>, AppError> {
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let secret = online::webhook_secret(&tx, &state.billing).await?;
    tx.commit().await?;
    Ok(secret)
}

/// Stores the event id and applies it, once the signature passed; `Ok(true)` when it had been
/// applied before.
async fn apply_company_event(
    state: &AppState,
    tenant: TenantId,
    event: &Event,
) -> Result<bool, AppError> {
    let today = crate::db::tenant_calendar(&state.db, tenant).await?.today;
    // Money a customer paid is recorded even when the company is read-only.
    let tx = TenantTx::begin_writable(&state.db, tenant).await?;
    let fresh = claim(&*tx, "stripe_events", event).await?;
    if fresh {
        online::apply_company_event(
            &tx,
            today,
            &CompanyEvent {
                id: &event.id,
                kind: &event.kind,
                created: event.created,
                livemode: event.livemode,
                object: &event.object,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(!fresh)
}
