//! The messaging tables' SQL (tenant migration 34): channels, SMS templates, the people a
//! message can go to, and deliveries with their status.

use crate::api::pagination::{self, PageRequest};
use crate::db::TenantTx;
use crate::db::conditions::Conditions;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use domain::Locale;
use domain::messages::Text;
use domain::messaging::{
    ChannelSettings, MessageChannelKind, MessageDeliveryStatus, MessageProvider, TemplateParam,
};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

#[derive(Debug, Clone, FromQueryResult)]
pub struct ChannelRow {
    pub kind: MessageChannelKind,
    pub provider: MessageProvider,
    pub settings: serde_json::Value,
    pub credentials: Vec<u8>,
    pub credentials_hint: String,
    pub callback_token: String,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

impl ChannelRow {
    /// The settings as stored; a stored value that does not parse is an error.
    pub fn settings(&self) -> Result<ChannelSettings, DbErr> {
        serde_json::from_value(self.settings.clone()).map_err(|error| {
            DbErr::Type(format!(
                "message_channels.settings of {}: {error}",
                self.kind.as_str()
            ))
        })
    }
}

const CHANNEL_COLUMNS: &str = "kind, provider, settings, credentials, credentials_hint, callback_token, updated_by, updated_at";

/// The company's channels: at most one of each kind.
pub async fn channels(conn: &impl ConnectionTrait) -> Result<Vec<ChannelRow>, DbErr> {
    ChannelRow::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        format!("SELECT {CHANNEL_COLUMNS} FROM message_channels ORDER BY kind"),
    ))
    .all(conn)
    .await
}

pub async fn channel(
    conn: &impl ConnectionTrait,
    kind: MessageChannelKind,
) -> Result<Option<ChannelRow>, DbErr> {
    ChannelRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {CHANNEL_COLUMNS} FROM message_channels WHERE kind = $1"),
        [kind.as_str().into()],
    ))
    .one(conn)
    .await
}

pub struct NewChannel<'a> {
    pub kind: MessageChannelKind,
    pub provider: MessageProvider,
    pub settings: serde_json::Value,
    pub credentials: Vec<u8>,
    pub credentials_hint: &'a str,
    pub callback_token: &'a str,
    pub updated_by: &'a str,
}

/// Writes the kind's channel, replacing the one there was.
pub async fn save_channel(
    conn: &impl ConnectionTrait,
    channel: NewChannel<'_>,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO message_channels (kind, provider, settings, credentials, credentials_hint, callback_token, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (kind) DO UPDATE SET provider = EXCLUDED.provider, settings = EXCLUDED.settings,
             credentials = EXCLUDED.credentials, credentials_hint = EXCLUDED.credentials_hint,
             callback_token = EXCLUDED.callback_token, updated_by = EXCLUDED.updated_by,
             updated_at = now()",
        [
            channel.kind.as_str().into(),
            channel.provider.as_str().into(),
            channel.settings.into(),
            channel.credentials.into(),
            channel.credentials_hint.into(),
            channel.callback_token.into(),
            channel.updated_by.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Removes the kind's channel; whether there was one.
pub async fn delete_channel(
    conn: &impl ConnectionTrait,
    kind: MessageChannelKind,
) -> Result<bool, DbErr> {
    Ok(conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "DELETE FROM message_channels WHERE kind = $1",
            [kind.as_str().into()],
        ))
        .await?
        .rows_affected()
        == 1)
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct SmsTemplateRow {
    pub policy_id: Uuid,
    pub step_offset: i32,
    pub locale: Locale,
    pub provider: MessageProvider,
    pub template_code: String,
    pub params: serde_json::Value,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

impl SmsTemplateRow {
    pub fn params(&self) -> Result<Vec<TemplateParam>, DbErr> {
        serde_json::from_value(self.params.clone()).map_err(|error| {
            DbErr::Type(format!(
                "sms_templates.params of {} {}: {error}",
                self.policy_id, self.step_offset
            ))
        })
    }
}

const TEMPLATE_COLUMNS: &str =
    "policy_id, step_offset, locale, provider, template_code, params, updated_by, updated_at";

/// A ladder's templates (`policy` given), or every ladder's for `provider` (the run's).
pub async fn sms_templates(
    conn: &impl ConnectionTrait,
    policy: Option<Uuid>,
    provider: Option<MessageProvider>,
) -> Result<Vec<SmsTemplateRow>, DbErr> {
    SmsTemplateRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {TEMPLATE_COLUMNS} FROM sms_templates
             WHERE ($1::uuid IS NULL OR policy_id = $1) AND ($2::text IS NULL OR provider = $2)
             ORDER BY policy_id, step_offset, provider, locale"
        ),
        [policy.into(), provider.map(|p| p.as_str()).into()],
    ))
    .all(conn)
    .await
}

pub struct NewSmsTemplate<'a> {
    pub policy_id: Uuid,
    pub step_offset: i32,
    pub locale: Locale,
    pub provider: MessageProvider,
    pub template_code: &'a str,
    pub params: serde_json::Value,
    pub updated_by: &'a str,
}

pub async fn save_sms_template(
    conn: &impl ConnectionTrait,
    template: NewSmsTemplate<'_>,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO sms_templates (policy_id, step_offset, locale, provider, template_code, params, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (policy_id, step_offset, locale, provider) DO UPDATE SET
             template_code = EXCLUDED.template_code, params = EXCLUDED.params,
             updated_by = EXCLUDED.updated_by, updated_at = now()",
        [
            template.policy_id.into(),
            template.step_offset.into(),
            template.locale.tag().into(),
            template.provider.as_str().into(),
            template.template_code.into(),
            template.params.into(),
            template.updated_by.into(),
        ],
    ))
    .await?;
    Ok(())
}

pub async fn delete_sms_template(
    conn: &impl ConnectionTrait,
    policy: Uuid,
    step_offset: i32,
    locale: Locale,
    provider: MessageProvider,
) -> Result<bool, DbErr> {
    Ok(conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "DELETE FROM sms_templates
             WHERE policy_id = $1 AND step_offset = $2 AND locale = $3 AND provider = $4",
            [
                policy.into(),
                step_offset.into(),
                locale.tag().into(),
                provider.as_str().into(),
            ],
        ))
        .await?
        .rows_affected()
        == 1)
}

/// Whether the ladder exists and has a step at `offset` that sends an SMS.
pub async fn sms_step_exists(
    conn: &impl ConnectionTrait,
    policy: Uuid,
    offset: i32,
) -> Result<bool, DbErr> {
    Ok(conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS found FROM dunning_policies p, jsonb_array_elements(p.steps) AS s
             WHERE p.id = $1 AND (s ->> 'offsetDays')::int = $2 AND s ->> 'action' = 'SEND_SMS'",
            [policy.into(), offset.into()],
        ))
        .await?
        .is_some())
}

/// Who a customer's message can go to, and the customer's own rules.
#[derive(Debug, Clone, FromQueryResult)]
pub struct RecipientRow {
    pub customer_time_zone: Option<String>,
    pub opt_out: bool,
    pub contact_name: Option<String>,
    pub mobile: Option<String>,
    pub wecom_external_user_id: Option<String>,
    pub locale: Option<Locale>,
}

/// The customer's contacts that can take a message, billing contacts first (in their order),
/// then the others; a customer without contacts gives one row with only its own rules.
pub async fn recipients(
    conn: &impl ConnectionTrait,
    customer: Uuid,
) -> Result<Vec<RecipientRow>, DbErr> {
    RecipientRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT c.time_zone AS customer_time_zone, c.messaging_opt_out AS opt_out,
                k.name AS contact_name, k.mobile, k.wecom_external_user_id, k.locale
         FROM customers c
         LEFT JOIN customer_contacts k ON k.customer_id = c.id
              AND (k.mobile IS NOT NULL OR k.wecom_external_user_id IS NOT NULL)
         WHERE c.id = $1
         ORDER BY k.billing DESC, k.position, k.name",
        [customer.into()],
    ))
    .all(conn)
    .await
}

/// A message to make.
pub struct NewDelivery {
    pub customer_id: Uuid,
    pub contact_name: Option<String>,
    pub channel: MessageChannelKind,
    pub provider: MessageProvider,
    pub run_id: Uuid,
    pub time_zone: String,
    pub step_offset: i32,
    pub step_name: Text,
    pub invoice_ids: Vec<Uuid>,
    pub collector_id: Option<Uuid>,
    pub recipient: String,
    pub sender: Option<String>,
    pub template_code: Option<String>,
    pub params: serde_json::Value,
    pub content: String,
    pub send_after: DateTime<Utc>,
}

/// Makes the message once per run, customer, step and channel: `None` when it was made
/// already (a run retried).
pub async fn insert_delivery(
    conn: &impl ConnectionTrait,
    delivery: NewDelivery,
) -> Result<Option<Uuid>, DbErr> {
    let id = Uuid::now_v7();
    let step_name = serde_json::to_value(&delivery.step_name)
        .map_err(|error| DbErr::Custom(error.to_string()))?;
    let inserted = conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO message_deliveries (id, customer_id, contact_name, channel, provider, run_id,
                 step_offset, step_name, invoice_ids, collector_id, recipient, sender, template_code,
                 params, content, send_after, time_zone)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
             ON CONFLICT (run_id, customer_id, step_offset, channel) DO NOTHING",
            [
                id.into(),
                delivery.customer_id.into(),
                delivery.contact_name.into(),
                delivery.channel.as_str().into(),
                delivery.provider.as_str().into(),
                delivery.run_id.into(),
                delivery.step_offset.into(),
                step_name.into(),
                delivery.invoice_ids.into(),
                delivery.collector_id.into(),
                delivery.recipient.into(),
                delivery.sender.into(),
                delivery.template_code.into(),
                delivery.params.into(),
                delivery.content.into(),
                delivery.send_after.into(),
                delivery.time_zone.into(),
            ],
        ))
        .await?;
    Ok((inserted.rows_affected() == 1).then_some(id))
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct DeliveryRow {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub customer_name: String,
    pub contact_name: Option<String>,
    pub channel: MessageChannelKind,
    pub provider: MessageProvider,
    pub run_id: Uuid,
    pub time_zone: String,
    pub step_offset: i32,
    pub step_name: Text,
    pub invoice_ids: Vec<Uuid>,
    pub collector_id: Option<Uuid>,
    pub recipient: String,
    pub sender: Option<String>,
    pub template_code: Option<String>,
    pub params: serde_json::Value,
    pub content: String,
    pub status: MessageDeliveryStatus,
    pub send_after: DateTime<Utc>,
    pub attempts: i32,
    pub attempted_at: Option<DateTime<Utc>>,
    pub provider_message_id: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

const DELIVERY_COLUMNS: &str = "d.id, d.customer_id, c.name AS customer_name, d.contact_name, d.channel,
     d.provider, d.run_id, d.time_zone, d.step_offset, d.step_name, d.invoice_ids, d.collector_id, d.recipient,
     d.sender, d.template_code, d.params, d.content, d.status, d.send_after, d.attempts,
     d.attempted_at, d.provider_message_id, d.error_code, d.error_message, d.created_at, d.sent_at,
     d.finished_at";
const DELIVERY_FROM: &str = "message_deliveries d JOIN customers c ON c.id = d.customer_id";

pub struct DeliveryFilter {
    pub customer_id: Option<Uuid>,
    pub channel: Option<MessageChannelKind>,
    pub status: Option<MessageDeliveryStatus>,
}

/// A page of deliveries, newest first; `conditions` carries the caller's restriction.
pub async fn deliveries(
    tx: &TenantTx,
    mut conditions: Conditions,
    filter: &DeliveryFilter,
    request: &PageRequest,
    wants_total: bool,
) -> Result<(Vec<DeliveryRow>, i64), AppError> {
    if let Some(customer) = filter.customer_id {
        conditions.push("d.customer_id = ?", customer);
    }
    if let Some(channel) = filter.channel {
        conditions.push("d.channel = ?", channel.as_str());
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
        DELIVERY_FROM,
        &[("d.created_at", "?::timestamptz"), ("d.id", "?::uuid")],
        true,
    )
    .await
}

pub async fn delivery(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<DeliveryRow>, DbErr> {
    DeliveryRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {DELIVERY_COLUMNS} FROM {DELIVERY_FROM} WHERE d.id = $1"),
        [id.into()],
    ))
    .one(conn)
    .await
}

/// Marks the delivery as being sent, if it is waiting, no attempt is under way or was lost, and
/// its channel is still there with its provider: committed before the provider is called, so a
/// send whose outcome is lost is never repeated, and a channel removed meanwhile sends nothing.
pub async fn begin_attempt(conn: &impl ConnectionTrait, id: Uuid) -> Result<bool, DbErr> {
    Ok(conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE message_deliveries d SET attempts = attempts + 1, attempted_at = now()
             WHERE d.id = $1 AND d.status = 'SCHEDULED' AND d.attempted_at IS NULL
               AND EXISTS (SELECT 1 FROM message_channels m
                           WHERE m.kind = d.channel AND m.provider = d.provider)",
            [id.into()],
        ))
        .await?
        .rows_affected()
        == 1)
}

/// Whether the customer still takes messages, and whether any of the delivery's invoices is
/// still owed: checked again when it goes (it may have waited the night).
#[derive(Debug, FromQueryResult)]
pub struct StillDue {
    pub opt_out: bool,
    pub owed: bool,
}

pub async fn still_due(
    conn: &impl ConnectionTrait,
    delivery: &DeliveryRow,
) -> Result<StillDue, DbErr> {
    StillDue::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT c.messaging_opt_out AS opt_out,
                    EXISTS (SELECT 1 FROM invoices i WHERE i.id = ANY($2::uuid[])
                            AND i.status IN {} AND i.balance_due > 0) AS owed
             FROM customers c WHERE c.id = $1",
            domain::open_statuses!()
        ),
        [
            delivery.customer_id.into(),
            delivery.invoice_ids.clone().into(),
        ],
    ))
    .one(conn)
    .await?
    .ok_or_else(|| DbErr::RecordNotFound(format!("customer {}", delivery.customer_id)))
}

/// The provider took it; whether it was still waiting. An empty id is kept as none.
pub async fn mark_sent(
    conn: &impl ConnectionTrait,
    id: Uuid,
    provider_message_id: &str,
) -> Result<bool, DbErr> {
    Ok(conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE message_deliveries SET status = 'SENT', sent_at = now(),
                    provider_message_id = NULLIF($2, '')
             WHERE id = $1 AND status = 'SCHEDULED'",
            [id.into(), provider_message_id.into()],
        ))
        .await?
        .rows_affected()
        == 1)
}

/// Nothing was sent: it waits until `at` and is tried again. `after_attempt` clears this job's
/// own attempt (a rate limit); otherwise only a delivery no attempt is under way for moves.
pub async fn reschedule(
    conn: &impl ConnectionTrait,
    id: Uuid,
    at: DateTime<Utc>,
    (code, message): (&str, &str),
    after_attempt: bool,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE message_deliveries SET send_after = $2, attempted_at = NULL, error_code = $3,
                error_message = $4
         WHERE id = $1 AND status = 'SCHEDULED' AND ($5 OR attempted_at IS NULL)",
        [
            id.into(),
            at.into(),
            code.into(),
            message.into(),
            after_attempt.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Ends the delivery as `status`, if it has not ended; whether it did. `unsent_only` ends it only
/// when no attempt is under way (a channel removed, a message no longer due): one whose send
/// has begun is left to its job.
pub async fn finish(
    conn: &impl ConnectionTrait,
    id: Uuid,
    status: MessageDeliveryStatus,
    error: Option<(&str, &str)>,
    unsent_only: bool,
) -> Result<bool, DbErr> {
    let (code, message) = error.unzip();
    // Kept short: a receipt's code is the provider's text.
    let (code, message) = (
        code.map(|code| code.chars().take(100).collect::<String>()),
        message.map(|message| message.chars().take(1000).collect::<String>()),
    );
    Ok(conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE message_deliveries SET status = $2, finished_at = now(),
                    error_code = coalesce($3, error_code), error_message = coalesce($4, error_message)
             WHERE id = $1 AND status IN ('SCHEDULED', 'SENT')
               AND NOT ($5 AND (status = 'SENT' OR attempted_at IS NOT NULL))",
            [
                id.into(),
                status.as_str().into(),
                code.into(),
                message.into(),
                unsent_only.into(),
            ],
        ))
        .await?
        .rows_affected()
        == 1)
}

/// Whether a send of `provider` is under way (begun, its answer not yet recorded): a receipt
/// that matches nothing may be for it, so the provider is asked to push it again.
pub async fn send_under_way(
    conn: &impl ConnectionTrait,
    provider: MessageProvider,
) -> Result<bool, DbErr> {
    Ok(conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS found FROM message_deliveries
             WHERE provider = $1 AND status = 'SCHEDULED' AND attempted_at IS NOT NULL
               AND attempted_at > now() - interval '5 minutes' LIMIT 1",
            [provider.as_str().into()],
        ))
        .await?
        .is_some())
}

/// The deliveries of `provider` a batch of receipts names, by our ids or by the provider's, in
/// one read (a push carries up to `MAX_RECEIPTS`).
pub async fn for_receipts(
    conn: &impl ConnectionTrait,
    provider: MessageProvider,
    ours: Vec<Uuid>,
    providers: Vec<String>,
) -> Result<Vec<DeliveryRow>, DbErr> {
    DeliveryRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {DELIVERY_COLUMNS} FROM {DELIVERY_FROM}
             WHERE d.provider = $1 AND (d.id = ANY($2) OR d.provider_message_id = ANY($3))"
        ),
        [provider.as_str().into(), ours.into(), providers.into()],
    ))
    .all(conn)
    .await
}

/// Deliveries of `kind` still waiting, when its channel is removed.
pub async fn waiting(
    conn: &impl ConnectionTrait,
    kind: MessageChannelKind,
) -> Result<Vec<DeliveryRow>, DbErr> {
    DeliveryRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {DELIVERY_COLUMNS} FROM {DELIVERY_FROM}
             WHERE d.channel = $1 AND d.status = 'SCHEDULED' AND d.attempted_at IS NULL ORDER BY d.id"
        ),
        [kind.as_str().into()],
    ))
    .all(conn)
    .await
}
