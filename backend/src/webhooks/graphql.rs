//! Outgoing webhooks over GraphQL: `webhookEventTypes`, `webhookEndpoints`,
//! `webhookDeliveries`; `createWebhookEndpoint`, `updateWebhookEndpoint`,
//! `deleteWebhookEndpoint`, `rotateWebhookSecret`, `redeliverWebhook` and
//! `sendTestWebhookEvent` (permission MANAGE_WEBHOOKS, scope `webhooks:write`).

use super::service::{self, CreateEndpoint, DeliveriesFilter, Delivery, UpdateEndpoint};
use super::store::{AttemptRow, DeliveryRow, EndpointRow};
use crate::api::context::{links, request, services};
use crate::api::values::{CountedList, id_or_nil};
use crate::error::{ApiResult, AppError, IntoApi};
use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Json, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, Utc};
use domain::webhooks::{self as rules, WebhookDeliveryStatus, WebhookDisabledBecause};

/// Where Duely tells another system what happened, and which events it is told.
#[derive(SimpleObject)]
pub struct WebhookEndpoint {
    pub id: ID,
    pub url: String,
    pub description: Option<String>,
    /// The events it subscribes to, in the order of `webhookEventTypes`.
    pub events: Vec<String>,
    pub enabled: bool,
    /// Why it is off: a member switched it off, or its deliveries failed for a day.
    pub disabled_because: Option<WebhookDisabledBecause>,
    pub disabled_at: Option<DateTime<Utc>>,
    /// The end of the current secret (`whsec_…abcd`); the secret itself is shown only when
    /// made.
    pub secret_hint: String,
    /// Until when the secret before the last rotation still signs, beside the current one.
    pub previous_secret_valid_until: Option<DateTime<Utc>>,
    /// Since when its deliveries have failed without a success in between.
    pub failing_since: Option<DateTime<Utc>>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl WebhookEndpoint {
    fn from_row(row: EndpointRow) -> Result<Self, AppError> {
        Ok(WebhookEndpoint {
            id: ID(row.id.to_string()),
            disabled_because: row.disabled_because()?,
            url: row.url,
            description: row.description,
            events: row.events,
            enabled: row.enabled,
            disabled_at: row.disabled_at,
            secret_hint: row.secret_hint,
            previous_secret_valid_until: row
                .previous_secret_until
                .filter(|until| *until > Utc::now()),
            failing_since: row.failing_since,
            created_by: row.created_by,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// One request to an endpoint and what came back.
#[derive(SimpleObject)]
pub struct WebhookAttempt {
    pub attempted_at: DateTime<Utc>,
    /// The answer's HTTP status; none when there was no answer.
    pub status_code: Option<i32>,
    pub latency_ms: i32,
    /// The first kilobyte of the answer's body.
    pub response_excerpt: Option<String>,
    /// Why there was no answer (address refused, timeout, connection failed).
    pub error: Option<String>,
}

impl From<AttemptRow> for WebhookAttempt {
    fn from(row: AttemptRow) -> Self {
        WebhookAttempt {
            attempted_at: row.attempted_at,
            status_code: row.status_code,
            latency_ms: row.latency_ms,
            response_excerpt: row.response_excerpt,
            error: row.error,
        }
    }
}

/// One event on its way to one endpoint, with every attempt.
#[derive(SimpleObject)]
pub struct WebhookDelivery {
    pub id: ID,
    pub endpoint_id: ID,
    pub event_id: ID,
    pub event_type: String,
    /// The event's number: of two events about one resource, the later has the higher.
    pub sequence: i64,
    /// The body sent: `{id type createdAt sequence data}`.
    pub payload: Json<serde_json::Value>,
    pub status: WebhookDeliveryStatus,
    /// Set when this delivery sends another's event again by hand (or is a test event).
    pub redelivery_of: Option<ID>,
    pub attempt_count: i32,
    /// When a pending delivery is tried next.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Oldest first.
    pub attempts: Vec<WebhookAttempt>,
}

impl WebhookDelivery {
    fn from_parts(row: DeliveryRow, attempts: Vec<AttemptRow>) -> Result<Self, AppError> {
        let status = row.status()?;
        let body = rules::EventBody {
            id: row.event_id,
            event_type: row.event_type.clone(),
            created_at: row.event_created_at,
            sequence: row.sequence,
            data: row.data,
        };
        Ok(WebhookDelivery {
            id: ID(row.id.to_string()),
            endpoint_id: ID(row.endpoint_id.to_string()),
            event_id: ID(row.event_id.to_string()),
            event_type: row.event_type,
            sequence: row.sequence,
            payload: Json(serde_json::to_value(&body).map_err(|e| AppError::Internal(e.into()))?),
            status,
            redelivery_of: row
                .redelivery_of
                .filter(|original| *original != row.id)
                .map(|id| ID(id.to_string())),
            attempt_count: row.attempts,
            next_attempt_at: row
                .next_attempt_at
                .filter(|_| status == WebhookDeliveryStatus::Pending),
            last_status_code: row.last_status,
            last_error: row.last_error,
            created_at: row.created_at,
            finished_at: row.finished_at,
            attempts: attempts.into_iter().map(WebhookAttempt::from).collect(),
        })
    }
}

#[derive(InputObject, Default)]
pub struct WebhookDeliveriesFilter {
    pub endpoint_id: Option<ID>,
    pub status: Option<WebhookDeliveryStatus>,
}

pub type WebhookDeliveryConnection = Connection<String, WebhookDelivery, CountedList>;

#[derive(Default)]
pub struct WebhooksQuery;

#[Object]
impl WebhooksQuery {
    /// The events an endpoint can subscribe to.
    async fn webhook_event_types(&self) -> Vec<String> {
        rules::EVENT_TYPES
            .iter()
            .map(|name| (*name).to_owned())
            .collect()
    }

    /// The company's webhook endpoints, oldest first (permission MANAGE_WEBHOOKS).
    async fn webhook_endpoints(&self, ctx: &Context<'_>) -> ApiResult<Vec<WebhookEndpoint>> {
        let (_, db) = services(ctx)?;
        let rows = service::endpoints(db, &request(ctx)?.caller).await.api()?;
        rows.into_iter()
            .map(WebhookEndpoint::from_row)
            .collect::<Result<_, _>>()
            .api()
    }

    /// The delivery log, newest first, each delivery with its attempts. `first` is 1 to 200
    /// (default 50).
    #[graphql(complexity = "crate::api::values::page_complexity(first, child_complexity)")]
    async fn webhook_deliveries(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<WebhookDeliveriesFilter>,
    ) -> ApiResult<WebhookDeliveryConnection> {
        let (_, db) = services(ctx)?;
        let filter = filter.unwrap_or_default();
        let page = service::deliveries(
            db,
            &request(ctx)?.caller,
            first,
            after,
            DeliveriesFilter {
                // An id that names nothing finds nothing.
                endpoint_id: filter.endpoint_id.as_ref().map(id_or_nil),
                status: filter.status,
            },
            ctx.look_ahead().field("totalCount").exists(),
        )
        .await
        .api()?;
        let mut page = page;
        let items = std::mem::take(&mut page.items)
            .into_iter()
            .map(|Delivery { row, attempts }| WebhookDelivery::from_parts(row, attempts))
            .collect::<Result<Vec<_>, _>>()
            .api()?;
        Ok(page.with_items(items).connection(|delivery| delivery))
    }
}

#[derive(InputObject)]
pub struct CreateWebhookEndpointInput {
    /// An absolute `https://` address (`http://` in development), on the public internet.
    pub url: String,
    /// Event names from `webhookEventTypes`.
    pub events: Vec<String>,
    /// Up to 200 characters.
    pub description: Option<String>,
}

#[derive(SimpleObject)]
pub struct CreateWebhookEndpointPayload {
    pub endpoint: WebhookEndpoint,
    /// Verifies `Duely-Signature`. Shown this once; store it now.
    pub secret: String,
}

/// A change to an endpoint: a field left out stays as it is; `description: null` clears it.
#[derive(InputObject)]
pub struct UpdateWebhookEndpointInput {
    pub endpoint_id: ID,
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    pub description: MaybeUndefined<String>,
    /// Off gives up its pending deliveries; on forgets its failures.
    pub enabled: Option<bool>,
}

#[derive(SimpleObject)]
pub struct UpdateWebhookEndpointPayload {
    pub endpoint: WebhookEndpoint,
}

#[derive(InputObject)]
pub struct DeleteWebhookEndpointInput {
    pub endpoint_id: ID,
}

#[derive(SimpleObject)]
pub struct DeleteWebhookEndpointPayload {
    pub deleted_endpoint_id: ID,
}

#[derive(InputObject)]
pub struct RotateWebhookSecretInput {
    pub endpoint_id: ID,
}

#[derive(SimpleObject)]
pub struct RotateWebhookSecretPayload {
    pub endpoint: WebhookEndpoint,
    /// The new secret, shown this once. The old one signs beside it for 24 hours.
    pub secret: String,
}

#[derive(InputObject)]
pub struct RedeliverWebhookInput {
    pub delivery_id: ID,
}

#[derive(InputObject)]
pub struct SendTestWebhookEventInput {
    pub endpoint_id: ID,
}

#[derive(SimpleObject)]
pub struct WebhookDeliveryPayload {
    pub delivery: WebhookDelivery,
}

#[derive(Default)]
pub struct WebhooksMutation;

#[Object]
impl WebhooksMutation {
    /// Registers an endpoint; the payload carries its signing secret, shown once.
    async fn create_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        input: CreateWebhookEndpointInput,
    ) -> ApiResult<CreateWebhookEndpointPayload> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        let (row, secret) = service::create_endpoint(
            db,
            links(ctx)?,
            &request.caller,
            CreateEndpoint {
                url: input.url,
                events: input.events,
                description: input.description,
            },
            &request.request_id,
        )
        .await
        .api()?;
        Ok(CreateWebhookEndpointPayload {
            endpoint: WebhookEndpoint::from_row(row).api()?,
            secret,
        })
    }

    async fn update_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        input: UpdateWebhookEndpointInput,
    ) -> ApiResult<UpdateWebhookEndpointPayload> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        let row = service::update_endpoint(
            db,
            links(ctx)?,
            &request.caller,
            UpdateEndpoint {
                endpoint_id: id_or_nil(&input.endpoint_id),
                url: input.url,
                events: input.events,
                description: input.description.into(),
                enabled: input.enabled,
            },
            &request.request_id,
        )
        .await
        .api()?;
        Ok(UpdateWebhookEndpointPayload {
            endpoint: WebhookEndpoint::from_row(row).api()?,
        })
    }

    /// Deletes an endpoint; its pending deliveries are given up, its log kept.
    async fn delete_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        input: DeleteWebhookEndpointInput,
    ) -> ApiResult<DeleteWebhookEndpointPayload> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        let id = service::delete_endpoint(
            db,
            &request.caller,
            id_or_nil(&input.endpoint_id),
            &request.request_id,
        )
        .await
        .api()?;
        Ok(DeleteWebhookEndpointPayload {
            deleted_endpoint_id: ID(id.to_string()),
        })
    }

    /// A new signing secret, shown once; the one it replaces keeps signing beside it for 24
    /// hours (a second rotation within them drops the oldest at once, as after a leak).
    async fn rotate_webhook_secret(
        &self,
        ctx: &Context<'_>,
        input: RotateWebhookSecretInput,
    ) -> ApiResult<RotateWebhookSecretPayload> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        let (row, secret) = service::rotate_secret(
            db,
            links(ctx)?,
            &request.caller,
            id_or_nil(&input.endpoint_id),
            &request.request_id,
        )
        .await
        .api()?;
        Ok(RotateWebhookSecretPayload {
            endpoint: WebhookEndpoint::from_row(row).api()?,
            secret,
        })
    }

    /// Sends a delivery's event again, at once, as a new delivery.
    async fn redeliver_webhook(
        &self,
        ctx: &Context<'_>,
        input: RedeliverWebhookInput,
    ) -> ApiResult<WebhookDeliveryPayload> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        let row = service::redeliver(
            db,
            &request.caller,
            id_or_nil(&input.delivery_id),
            &request.request_id,
        )
        .await
        .api()?;
        Ok(WebhookDeliveryPayload {
            delivery: WebhookDelivery::from_parts(row, Vec::new()).api()?,
        })
    }

    /// Sends the endpoint a `webhook.test` event, whatever it subscribes to.
    async fn send_test_webhook_event(
        &self,
        ctx: &Context<'_>,
        input: SendTestWebhookEventInput,
    ) -> ApiResult<WebhookDeliveryPayload> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        let row = service::send_test_event(
            db,
            &request.caller,
            id_or_nil(&input.endpoint_id),
            &request.request_id,
        )
        .await
        .api()?;
        Ok(WebhookDeliveryPayload {
            delivery: WebhookDelivery::from_parts(row, Vec::new()).api()?,
        })
    }
}
