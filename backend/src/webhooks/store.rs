//! The webhook tables' SQL: endpoints, deliveries (with the event each carries) and attempts.
//! Events and the first delivery of each are written by the triggers of migration 33.

use crate::api::pagination::{self, PageRequest};
use crate::db::TenantTx;
use crate::db::conditions::Conditions;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use domain::webhooks::{WebhookDeliveryStatus, WebhookDisabledBecause};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

#[derive(Debug, Clone, FromQueryResult)]
pub struct EndpointRow {
    pub id: Uuid,
    pub url: String,
    pub description: Option<String>,
    pub events: Vec<String>,
    pub enabled: bool,
    pub disabled_because: Option<String>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub secret: Vec<u8>,
    pub secret_hint: String,
    pub previous_secret: Option<Vec<u8>>,
    pub previous_secret_until: Option<DateTime<Utc>>,
    pub failing_since: Option<DateTime<Utc>>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl EndpointRow {
    pub fn disabled_because(&self) -> Result<Option<WebhookDisabledBecause>, DbErr> {
        self.disabled_because
            .as_deref()
            .map(|text| {
                WebhookDisabledBecause::parse(text).ok_or_else(|| {
                    DbErr::Type(format!(
                        "webhook_endpoints.disabled_because: unknown {text:?}"
                    ))
                })
            })
            .transpose()
    }
}

const ENDPOINT_COLUMNS: &str =
    "id, url, description, events, enabled, disabled_because, disabled_at, secret,
     secret_hint, previous_secret, previous_secret_until, failing_since, created_by, created_at,
     updated_at";

/// The company's endpoints (not deleted), oldest first: at most `MAX_ENDPOINTS`.
pub async fn endpoints(conn: &impl ConnectionTrait) -> Result<Vec<EndpointRow>, DbErr> {
    EndpointRow::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        format!(
            "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE deleted_at IS NULL
             ORDER BY created_at, id"
        ),
    ))
    .all(conn)
    .await
}

/// One endpoint that is not deleted; `lock` holds it until the transaction ends.
pub async fn endpoint(
    conn: &impl ConnectionTrait,
    id: Uuid,
    lock: bool,
) -> Result<Option<EndpointRow>, DbErr> {
    EndpointRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1 AND deleted_at IS NULL {}",
            if lock { "FOR UPDATE" } else { "" }
        ),
        [id.into()],
    ))
    .one(conn)
    .await
}

pub async fn count_endpoints(conn: &impl ConnectionTrait) -> Result<i64, DbErr> {
    conn.query_one_raw(Statement::from_string(
        DbBackend::Postgres,
        "SELECT count(*) AS n FROM webhook_endpoints WHERE deleted_at IS NULL",
    ))
    .await?
    .map(|row| row.try_get::<i64>("", "n"))
    .transpose()
    .map(Option::unwrap_or_default)
}

pub struct NewEndpoint<'a> {
    pub id: Uuid,
    pub url: &'a str,
    pub description: Option<&'a str>,
    pub events: &'a [String],
    pub secret: Vec<u8>,
    pub secret_hint: &'a str,
    pub created_by: &'a str,
}

pub async fn insert_endpoint(
    conn: &impl ConnectionTrait,
    endpoint: NewEndpoint<'_>,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO webhook_endpoints (id, url, description, events, secret, secret_hint, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [
            endpoint.id.into(),
            endpoint.url.into(),
            endpoint.description.into(),
            endpoint.events.to_vec().into(),
            endpoint.secret.into(),
            endpoint.secret_hint.into(),
            endpoint.created_by.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Writes an endpoint's address, events, description and whether it is on. Switching it on
/// forgets its failures; switching it off gives up its pending deliveries.
pub async fn update_endpoint(conn: &impl ConnectionTrait, row: &EndpointRow) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE webhook_endpoints
         SET url = $2, description = $3, events = $4, enabled = $5, disabled_because = $6,
             disabled_at = CASE WHEN $5 THEN NULL ELSE coalesce(disabled_at, now()) END,
             failing_since = CASE WHEN $5 AND NOT enabled THEN NULL ELSE failing_since END,
             updated_at = now()
         WHERE id = $1",
        [
            row.id.into(),
            row.url.clone().into(),
            row.description.clone().into(),
            row.events.clone().into(),
            row.enabled.into(),
            row.disabled_because.clone().into(),
        ],
    ))
    .await?;
    if !row.enabled {
        give_up_pending(conn, row.id, "ENDPOINT_DISABLED").await?;
    }
    Ok(())
}

pub async fn delete_endpoint(conn: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE webhook_endpoints SET deleted_at = now(), enabled = false,
                disabled_because = coalesce(disabled_because, 'MEMBER'),
                disabled_at = coalesce(disabled_at, now()), updated_at = now()
         WHERE id = $1",
        [id.into()],
    ))
    .await?;
    give_up_pending(conn, id, "ENDPOINT_DELETED").await
}

/// Marks an endpoint's pending deliveries failed with `why` (switched off, deleted).
async fn give_up_pending(
    conn: &impl ConnectionTrait,
    endpoint: Uuid,
    why: &str,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE webhook_deliveries SET status = 'FAILED', finished_at = now(), last_error = $2,
                leased_until = NULL
         WHERE endpoint_id = $1 AND status = 'PENDING'",
        [endpoint.into(), why.into()],
    ))
    .await?;
    Ok(())
}

/// A new secret; the one it replaces keeps signing until `previous_until`.
pub async fn rotate_secret(
    conn: &impl ConnectionTrait,
    id: Uuid,
    secret: Vec<u8>,
    hint: &str,
    previous: Vec<u8>,
    previous_until: DateTime<Utc>,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE webhook_endpoints SET secret = $2, secret_hint = $3, previous_secret = $4,
                previous_secret_until = $5, updated_at = now()
         WHERE id = $1",
        [
            id.into(),
            secret.into(),
            hint.into(),
            previous.into(),
            previous_until.into(),
        ],
    ))
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct DeliveryRow {
    pub id: Uuid,
    pub endpoint_id: Uuid,
    pub event_id: Uuid,
    pub event_type: String,
    pub sequence: i64,
    pub event_created_at: DateTime<Utc>,
    pub data: serde_json::Value,
    pub redelivery_of: Option<Uuid>,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl DeliveryRow {
    pub fn status(&self) -> Result<WebhookDeliveryStatus, DbErr> {
        WebhookDeliveryStatus::parse(&self.status).ok_or_else(|| {
            DbErr::Type(format!(
                "webhook_deliveries.status: unknown {:?}",
                self.status
            ))
        })
    }
}

const DELIVERY_COLUMNS: &str =
    "d.id, d.endpoint_id, d.event_id, ev.type AS event_type, ev.sequence,
     ev.created_at AS event_created_at, ev.data, d.redelivery_of, d.status, d.attempts,
     d.next_attempt_at, d.last_status, d.last_error, d.created_at, d.finished_at";

#[derive(Debug, Default)]
pub struct DeliveryFilter {
    pub endpoint_id: Option<Uuid>,
    pub status: Option<WebhookDeliveryStatus>,
}

/// A page of deliveries, newest first.
pub async fn deliveries(
    tx: &TenantTx,
    filter: &DeliveryFilter,
    request: &PageRequest,
    wants_total: bool,
) -> Result<(Vec<DeliveryRow>, i64), AppError> {
    let mut conditions = Conditions::new(Vec::new());
    if let Some(endpoint) = filter.endpoint_id {
        conditions.push("d.endpoint_id = ?", endpoint);
    }
    if let Some(status) = filter.status {
        conditions.push("d.status = ?", status.as_str());
    }
    pagination::keyset_page(
        tx,
        request,
        wants_total,
        conditions,
        DELIVERY_COLUMNS,
        "webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id",
        &[("d.created_at", "?::timestamptz"), ("d.id", "?::uuid")],
        true,
    )
    .await
}

pub async fn delivery(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<DeliveryRow>, DbErr> {
    DeliveryRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d
             JOIN webhook_events ev ON ev.id = d.event_id WHERE d.id = $1"
        ),
        [id.into()],
    ))
    .one(conn)
    .await
}

/// A delivery of `event` to `endpoint` outside the order of its resource (sent again by hand,
/// or a test event); returns its id.
pub async fn insert_delivery(
    conn: &impl ConnectionTrait,
    endpoint: Uuid,
    event: Uuid,
    redelivery_of: Option<Uuid>,
) -> Result<Uuid, DbErr> {
    let id = Uuid::now_v7();
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO webhook_deliveries (id, endpoint_id, event_id, resource_id, sequence, redelivery_of)
         SELECT $1, $2, ev.id, ev.resource_id, ev.sequence, coalesce($4, $1)
         FROM webhook_events ev WHERE ev.id = $3",
        [id.into(), endpoint.into(), event.into(), redelivery_of.into()],
    ))
    .await?;
    Ok(id)
}

/// Records a test event about `endpoint`; returns its id.
pub async fn insert_test_event(
    conn: &impl ConnectionTrait,
    endpoint: Uuid,
    data: serde_json::Value,
) -> Result<Uuid, DbErr> {
    let id = Uuid::now_v7();
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO webhook_events (id, type, resource_type, resource_id, data)
         VALUES ($1, $2, 'webhook_endpoint', $3, $4)",
        [
            id.into(),
            domain::webhooks::TEST_EVENT.into(),
            endpoint.into(),
            data.into(),
        ],
    ))
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct AttemptRow {
    pub id: Uuid,
    pub delivery_id: Uuid,
    pub attempted_at: DateTime<Utc>,
    pub status_code: Option<i32>,
    pub latency_ms: i32,
    pub response_excerpt: Option<String>,
    pub error: Option<String>,
}

/// The attempts of `deliveries`, oldest first: one statement for a page.
pub async fn attempts(
    conn: &impl ConnectionTrait,
    deliveries: &[Uuid],
) -> Result<Vec<AttemptRow>, DbErr> {
    AttemptRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id, delivery_id, attempted_at, status_code, latency_ms, response_excerpt, error
         FROM webhook_attempts WHERE delivery_id = ANY ($1) ORDER BY delivery_id, attempted_at",
        [deliveries.to_vec().into()],
    ))
    .all(conn)
    .await
}

/// What one attempt needs: the delivery, its event and where and how to send it.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Claimed {
    pub id: Uuid,
    pub endpoint_id: Uuid,
    pub event_id: Uuid,
    pub event_type: String,
    pub sequence: i64,
    pub event_created_at: DateTime<Utc>,
    pub data: serde_json::Value,
    pub attempts: i32,
    pub url: String,
    pub secret: Vec<u8>,
    pub previous_secret: Option<Vec<u8>>,
    pub previous_secret_until: Option<DateTime<Utc>>,
}

/// Takes delivery `id` for its attempt number `attempt` for `lease_secs`: only while it is
/// pending, has had `attempt - 1` attempts, no other worker holds it, its endpoint is on, and
/// (unless sent by hand) no earlier delivery of the same resource to the same endpoint is
/// pending. `None` when any of that fails: then this attempt is not this job's to make.
pub async fn claim(
    conn: &impl ConnectionTrait,
    id: Uuid,
    attempt: i32,
    lease_secs: f64,
) -> Result<Option<Claimed>, DbErr> {
    Claimed::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "WITH taken AS (
             UPDATE webhook_deliveries d SET leased_until = now() + make_interval(secs => $3)
             FROM webhook_endpoints e
             WHERE d.id = $1 AND d.status = 'PENDING' AND d.attempts = $2 - 1
               AND (d.leased_until IS NULL OR d.leased_until < now())
               AND e.id = d.endpoint_id AND e.enabled AND e.deleted_at IS NULL
               AND (d.redelivery_of IS NOT NULL OR NOT EXISTS (
                   SELECT 1 FROM webhook_deliveries w
                   WHERE w.endpoint_id = d.endpoint_id AND w.resource_id = d.resource_id
                     AND w.status = 'PENDING' AND w.redelivery_of IS NULL
                     AND w.sequence < d.sequence))
             RETURNING d.id, d.endpoint_id, d.event_id, d.attempts, e.url, e.secret,
                       e.previous_secret, e.previous_secret_until
         )
         SELECT t.*, ev.type AS event_type, ev.sequence, ev.created_at AS event_created_at, ev.data
         FROM taken t JOIN webhook_events ev ON ev.id = t.event_id",
        [id.into(), attempt.into(), lease_secs.into()],
    ))
    .one(conn)
    .await
}

/// Whether attempt `attempt` of `delivery` is due but another worker holds its lease.
pub async fn held_elsewhere(
    conn: &impl ConnectionTrait,
    delivery: Uuid,
    attempt: i32,
) -> Result<bool, DbErr> {
    Ok(conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS held FROM webhook_deliveries
             WHERE id = $1 AND status = 'PENDING' AND attempts = $2 - 1 AND leased_until >= now()",
            [delivery.into(), attempt.into()],
        ))
        .await?
        .is_some())
}

/// Holds, until the transaction ends, the order of `delivery`'s resource at its endpoint: a
/// claim and the recording of an earlier delivery's attempt take turns, so a delivery never
/// finds its predecessor pending and then misses the wake-up that predecessor sends.
pub async fn lock_stream(conn: &impl ConnectionTrait, delivery: Uuid) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_advisory_xact_lock(hashtextextended(endpoint_id::text || ':' || resource_id::text, 0))
         FROM webhook_deliveries WHERE id = $1",
        [delivery.into()],
    ))
    .await?;
    Ok(())
}

/// Gives up `delivery` when its endpoint was switched off or deleted while it was being made
/// (the switch gives up only the deliveries it can see). Returns whether it did.
pub async fn give_up_if_endpoint_off(
    conn: &impl ConnectionTrait,
    delivery: Uuid,
) -> Result<bool, DbErr> {
    Ok(conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE webhook_deliveries d SET status = 'FAILED', finished_at = now(),
                    last_error = 'ENDPOINT_DISABLED', leased_until = NULL
             FROM webhook_endpoints e
             WHERE d.id = $1 AND d.status = 'PENDING' AND e.id = d.endpoint_id
               AND (NOT e.enabled OR e.deleted_at IS NOT NULL)",
            [delivery.into()],
        ))
        .await?
        .rows_affected()
        == 1)
}

/// What an attempt came to.
pub struct Outcome<'a> {
    pub attempted_at: DateTime<Utc>,
    pub status_code: Option<i32>,
    pub latency_ms: i32,
    pub response_excerpt: Option<&'a str>,
    pub error: Option<&'a str>,
    /// The delivery's status after it, and when it is tried next if still pending.
    pub status: WebhookDeliveryStatus,
    pub next_attempt_at: Option<DateTime<Utc>>,
}

/// Logs attempt number `attempt` and moves its delivery on, releasing the lease; only while
/// the delivery still waits for that attempt (it was not given up meanwhile). Returns whether
/// it did.
pub async fn record_attempt(
    conn: &impl ConnectionTrait,
    delivery: Uuid,
    attempt: i32,
    outcome: &Outcome<'_>,
) -> Result<bool, DbErr> {
    Ok(conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "WITH moved AS (
                 UPDATE webhook_deliveries SET attempts = attempts + 1, status = $7,
                        leased_until = NULL, next_attempt_at = $9, last_status = $3, last_error = $6,
                        finished_at = CASE WHEN $7 = 'PENDING' THEN NULL ELSE $2 END
                 WHERE id = $1 AND status = 'PENDING' AND attempts = $10 - 1
                 RETURNING id
             )
             INSERT INTO webhook_attempts (id, delivery_id, attempted_at, status_code, latency_ms,
                                           response_excerpt, error)
             SELECT $8, id, $2, $3, $4, $5, $6 FROM moved",
            [
                delivery.into(),
                outcome.attempted_at.into(),
                outcome.status_code.into(),
                outcome.latency_ms.into(),
                outcome.response_excerpt.into(),
                outcome.error.into(),
                outcome.status.as_str().into(),
                Uuid::now_v7().into(),
                outcome.next_attempt_at.into(),
                attempt.into(),
            ],
        ))
        .await?
        .rows_affected()
        == 1)
}

/// The next pending delivery of the same resource to the same endpoint, once `delivery` is
/// done: the one that waited for it, with the attempt it is due.
pub async fn next_in_line(
    conn: &impl ConnectionTrait,
    delivery: Uuid,
) -> Result<Option<(Uuid, i32)>, DbErr> {
    conn.query_one_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT w.id, w.attempts + 1 AS attempt
         FROM webhook_deliveries d
         JOIN webhook_deliveries w
           ON w.endpoint_id = d.endpoint_id AND w.resource_id = d.resource_id
          AND w.status = 'PENDING' AND w.redelivery_of IS NULL AND w.sequence > d.sequence
         WHERE d.id = $1 AND d.redelivery_of IS NULL
         ORDER BY w.sequence LIMIT 1",
        [delivery.into()],
    ))
    .await?
    .map(|row| Ok((row.try_get("", "id")?, row.try_get("", "attempt")?)))
    .transpose()
}

/// After an attempt: a success ends the endpoint's failing streak; a failure starts one (or
/// a new one, after a quiet gap of `FAILING_STREAK_GAP_HOURS`), or, once the streak has lasted
/// `DISABLE_AFTER_FAILING_HOURS`, switches the endpoint off and gives up its pending
/// deliveries. Returns whether this attempt switched it off.
pub async fn note_health(
    conn: &impl ConnectionTrait,
    endpoint: Uuid,
    succeeded: bool,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use domain::webhooks::{DISABLE_AFTER_FAILING_HOURS, FAILING_STREAK_GAP_HOURS};
    if succeeded {
        conn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE webhook_endpoints SET failing_since = NULL
             WHERE id = $1 AND failing_since IS NOT NULL",
            [endpoint.into()],
        ))
        .await?;
        return Ok(false);
    }
    // The streak this failure continues, if the last failure was recent enough.
    let continued = "CASE WHEN last_failed_at >= $2 - make_interval(hours => $4::int)
                          THEN failing_since END";
    let stop = format!("coalesce({continued} <= $2 - make_interval(hours => $3::int), false)");
    let switched_off = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "UPDATE webhook_endpoints
                 SET failing_since = coalesce({continued}, $2), last_failed_at = $2,
                     enabled = NOT {stop},
                     disabled_because = CASE WHEN {stop} THEN 'FAILING' END,
                     disabled_at = CASE WHEN {stop} THEN $2 END
                 WHERE id = $1 AND enabled
                 RETURNING NOT enabled AS switched_off"
            ),
            [
                endpoint.into(),
                at.into(),
                DISABLE_AFTER_FAILING_HOURS.into(),
                FAILING_STREAK_GAP_HOURS.into(),
            ],
        ))
        .await?
        .map(|row| row.try_get::<bool>("", "switched_off"))
        .transpose()?
        .unwrap_or(false);
    if switched_off {
        give_up_pending(conn, endpoint, "ENDPOINT_DISABLED").await?;
    }
    Ok(switched_off)
}

/// Forgets up to `batch` deliveries that finished before `before` (not one a later resend
/// still points at) with their attempts; returns how many went.
pub async fn prune_deliveries(
    conn: &impl ConnectionTrait,
    before: DateTime<Utc>,
    batch: i64,
) -> Result<u64, DbErr> {
    Ok(conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "WITH old AS (
                 SELECT d.id FROM webhook_deliveries d
                 WHERE d.finished_at < $1
                   AND NOT EXISTS (SELECT 1 FROM webhook_deliveries r
                                   WHERE r.redelivery_of = d.id AND r.id <> d.id)
                 LIMIT $2
             ), attempts AS (
                 DELETE FROM webhook_attempts a USING old WHERE a.delivery_id = old.id
             )
             DELETE FROM webhook_deliveries d USING old WHERE d.id = old.id",
            [before.into(), batch.into()],
        ))
        .await?
        .rows_affected())
}

/// Forgets up to `batch` events made before `before` that no delivery carries any more.
pub async fn prune_events(
    conn: &impl ConnectionTrait,
    before: DateTime<Utc>,
    batch: i64,
) -> Result<u64, DbErr> {
    Ok(conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "DELETE FROM webhook_events WHERE id IN (
                 SELECT e.id FROM webhook_events e
                 WHERE e.created_at < $1
                   AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)
                 LIMIT $2)",
            [before.into(), batch.into()],
        ))
        .await?
        .rows_affected())
}

/// The email addresses and languages of the company's owners and admins.
pub async fn admins(
    conn: &impl ConnectionTrait,
    tenant: domain::TenantId,
) -> Result<Vec<(String, domain::Locale)>, DbErr> {
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT u.email::text AS email, u.locale
             FROM public.memberships m JOIN public.users u ON u.id = m.user_id
             WHERE m.tenant_id = $1 AND m.role IN ('OWNER', 'ADMIN')
             ORDER BY u.id",
            [tenant.0.into()],
        ))
        .await?;
    rows.into_iter()
        .map(|row| {
            let locale: String = row.try_get("", "locale")?;
            let locale = locale
                .parse()
                .map_err(|_| DbErr::Type(format!("users.locale: unknown {locale:?}")))?;
            Ok((row.try_get("", "email")?, locale))
        })
        .collect()
}
