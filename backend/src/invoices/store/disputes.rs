//! Disputes' SQL: an invoice's disputes, opening, changing and closing one, and the queue of
//! disputes the team works, oldest first.

use crate::api::pagination::{PageRequest, keyset_page};
use crate::auth::{Caller, assigned_only};
use crate::db::TenantTx;
use crate::db::conditions::Conditions;
use crate::error::AppError;
use chrono::{DateTime, NaiveDate, Utc};
use domain::Currency;
use domain::access::Access;
use domain::invoices::{DisputeReason, DisputeStatus};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

#[derive(Debug, Clone, FromQueryResult)]
pub struct DisputeRow {
    pub id: Uuid,
    pub invoice_id: Uuid,
    /// The team's note, free text.
    pub reason: String,
    pub reason_code: DisputeReason,
    pub amount: Decimal,
    pub status: DisputeStatus,
    pub resolution_note: Option<String>,
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// The member who owns it (who may since have left the company).
    pub assignee_id: Option<Uuid>,
    pub due_on: Option<NaiveDate>,
}

const DISPUTE_COLUMNS: &str = "d.id, d.invoice_id, d.reason, d.reason_code, d.amount, d.status,
    d.resolution_note, d.opened_by, d.opened_at, d.resolved_at, d.assignee_id, d.due_on";

/// The disputes of the given invoices, newest first.
pub async fn disputes_of(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<Vec<DisputeRow>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    DisputeRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {DISPUTE_COLUMNS} FROM disputes d WHERE d.invoice_id = ANY($1::uuid[])
             ORDER BY d.opened_at DESC, d.id DESC"
        ),
        [ids.to_vec().into()],
    ))
    .all(conn)
    .await
}

/// One dispute, its row locked when `lock`; `None` when there is none with this id.
pub async fn load_dispute(
    conn: &impl ConnectionTrait,
    id: Uuid,
    lock: bool,
) -> Result<Option<DisputeRow>, DbErr> {
    DisputeRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {DISPUTE_COLUMNS} FROM disputes d WHERE d.id = $1 {}",
            if lock { "FOR UPDATE" } else { "" }
        ),
        [id.into()],
    ))
    .one(conn)
    .await
}

/// A dispute to open.
#[derive(Debug, Clone)]
pub struct NewDispute {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub reason: String,
    pub reason_code: DisputeReason,
    pub amount: Decimal,
    pub assignee_id: Option<Uuid>,
    pub due_on: Option<NaiveDate>,
    /// Who opened it, as the audit log names them.
    pub opened_by: String,
}

pub async fn insert_dispute(tx: &TenantTx, dispute: NewDispute) -> Result<(), DbErr> {
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO disputes (id, invoice_id, reason, reason_code, amount, assignee_id, due_on, opened_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        [
            dispute.id.into(),
            dispute.invoice_id.into(),
            dispute.reason.into(),
            dispute.reason_code.as_str().into(),
            dispute.amount.into(),
            dispute.assignee_id.into(),
            dispute.due_on.into(),
            dispute.opened_by.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Sets an open dispute's reason code, owner and due date (each as it is to be).
pub async fn set_dispute_work(
    tx: &TenantTx,
    id: Uuid,
    reason_code: DisputeReason,
    assignee_id: Option<Uuid>,
    due_on: Option<NaiveDate>,
) -> Result<(), DbErr> {
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE disputes SET reason_code = $2, assignee_id = $3, due_on = $4 WHERE id = $1",
        [
            id.into(),
            reason_code.as_str().into(),
            assignee_id.into(),
            due_on.into(),
        ],
    ))
    .await?;
    Ok(())
}

pub async fn close_dispute(
    tx: &TenantTx,
    id: Uuid,
    status: DisputeStatus,
    note: String,
    resolved_by: &str,
) -> Result<(), DbErr> {
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE disputes SET status = $2, resolution_note = $3, resolved_by = $4, resolved_at = now() WHERE id = $1",
        [
            id.into(),
            status.as_str().into(),
            note.into(),
            resolved_by.to_owned().into(),
        ],
    ))
    .await?;
    Ok(())
}

/// A dispute as the queue shows it: the dispute, its invoice and customer, the day it was
/// opened in the company's time zone, and the customer's own words when they disputed the
/// invoice in answer to a statement.
#[derive(Debug, Clone, FromQueryResult)]
pub struct QueueRow {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub reason: String,
    pub reason_code: DisputeReason,
    pub amount: Decimal,
    pub status: DisputeStatus,
    pub resolution_note: Option<String>,
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub assignee_id: Option<Uuid>,
    pub due_on: Option<NaiveDate>,
    pub invoice_number: Option<String>,
    pub currency: Currency,
    pub invoice_due_date: NaiveDate,
    pub invoice_balance_due: Decimal,
    pub customer_id: Uuid,
    pub customer_code: String,
    pub customer_name: String,
    pub opened_on: NaiveDate,
    pub customer_statement: Option<String>,
}

impl QueueRow {
    /// The dispute itself.
    pub fn dispute(&self) -> DisputeRow {
        DisputeRow {
            id: self.id,
            invoice_id: self.invoice_id,
            reason: self.reason.clone(),
            reason_code: self.reason_code,
            amount: self.amount,
            status: self.status,
            resolution_note: self.resolution_note.clone(),
            opened_by: self.opened_by.clone(),
            opened_at: self.opened_at,
            resolved_at: self.resolved_at,
            assignee_id: self.assignee_id,
            due_on: self.due_on,
        }
    }
}

/// `$1` is the company's time zone, which the day a dispute was opened is read in. A
/// statement answer's note is the customer's words on a dispute when the answer named the
/// invoice, on or before the dispute was opened (an answer opens its disputes in its own
/// transaction, at the same instant); the latest such answer.
const QUEUE_COLUMNS: &str = "d.id, d.invoice_id, d.reason, d.reason_code, d.amount, d.status,
    d.resolution_note, d.opened_by, d.opened_at, d.resolved_at, d.assignee_id, d.due_on,
    i.number AS invoice_number, i.currency::text AS currency, i.due_date AS invoice_due_date,
    i.balance_due AS invoice_balance_due, i.customer_id, c.code AS customer_code,
    c.name AS customer_name, (d.opened_at AT TIME ZONE $1)::date AS opened_on,
    (SELECT r.note FROM statement_responses r
      WHERE r.customer_id = i.customer_id AND r.response = 'DISPUTED' AND r.note IS NOT NULL
        AND i.number = ANY(r.disputed_numbers) AND r.responded_at <= d.opened_at
      ORDER BY r.responded_at DESC LIMIT 1) AS customer_statement";

const QUEUE_FROM: &str = "disputes d JOIN invoices i ON i.id = d.invoice_id
    JOIN customers c ON c.id = i.customer_id";

/// Which disputes the queue shows.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// Any of these statuses; open ones when empty.
    pub statuses: Vec<DisputeStatus>,
    pub customer_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
}

/// The queue's one order: the oldest first.
pub const QUEUE_ORDER: &str = "OPENED_ASC";

/// A dispute's key in the queue's order.
pub fn queue_key(row: &QueueRow) -> Vec<String> {
    vec![
        row.opened_at
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        row.id.to_string(),
    ]
}

/// The page `request` asks for of the disputes the caller sees (collectors and salespeople:
/// those of their customers), oldest first, and how many match in all (only when
/// `wants_total`, else 0). `time_zone` is the company's.
pub async fn queue_page(
    tx: &TenantTx,
    caller: &Caller,
    access: Access,
    time_zone: &str,
    filter: &QueueFilter,
    request: &PageRequest,
    wants_total: bool,
) -> Result<(Vec<QueueRow>, i64), AppError> {
    let mut conditions = Conditions::new(vec![time_zone.to_owned().into()]);
    // The columns read `$1`; the count names it too, so both statements bind what they use.
    conditions.fixed("$1::text IS NOT NULL");
    assigned_only(caller, access, &mut conditions, "c.");
    let statuses = if filter.statuses.is_empty() {
        vec![DisputeStatus::Open.as_str().to_owned()]
    } else {
        filter
            .statuses
            .iter()
            .map(|status| status.as_str().to_owned())
            .collect()
    };
    conditions.push("d.status = ANY(?::text[])", statuses);
    if let Some(customer) = filter.customer_id {
        conditions.push("i.customer_id = ?", customer);
    }
    if let Some(assignee) = filter.assignee_id {
        conditions.push("d.assignee_id = ?", assignee);
    }
    keyset_page(
        tx,
        request,
        wants_total,
        conditions,
        QUEUE_COLUMNS,
        QUEUE_FROM,
        &[("d.opened_at", "?::timestamptz"), ("d.id", "?::uuid")],
        false,
    )
    .await
}
