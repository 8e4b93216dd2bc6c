//! The activity log and promises to pay: their rows, the invoices each names, and the
//! statements that log, correct, cancel and list them.

use crate::api::pagination::{PageRequest, keyset_page};
use crate::auth::{Caller, assigned_only};
use crate::db::TenantTx;
use crate::db::conditions::Conditions;
use crate::error::AppError;
use chrono::{DateTime, NaiveDate, Utc};
use domain::Currency;
use domain::access::Access;
use domain::collections::{CollectionChannel, CollectionOutcome, PromiseStatus};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

#[derive(Debug, Clone, FromQueryResult)]
pub struct ActivityRow {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub customer_code: String,
    pub customer_name: String,
    pub channel: CollectionChannel,
    pub outcome: CollectionOutcome,
    pub note: Option<String>,
    pub contact_name: Option<String>,
    pub location: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub next_action_on: Option<NaiveDate>,
    pub logged_by_label: String,
    pub logged_at: DateTime<Utc>,
    /// A mailed letter's carrier tracking number (proof of delivery).
    pub tracking_number: Option<String>,
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct PromiseRow {
    pub id: Uuid,
    pub activity_id: Option<Uuid>,
    pub customer_id: Uuid,
    pub customer_code: String,
    pub customer_name: String,
    pub amount: Decimal,
    pub currency: Currency,
    pub promised_date: NaiveDate,
    pub status: PromiseStatus,
    pub paid_amount: Decimal,
    pub promised_by: Option<String>,
    pub logged_by_label: String,
    pub cancel_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub settled_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct LinkedInvoice {
    pub owner_id: Uuid,
    pub invoice_id: Uuid,
    pub number: Option<String>,
}

const ACTIVITY_COLUMNS: &str = "a.id, a.customer_id, c.code AS customer_code, c.name AS customer_name,
    a.channel, a.outcome, a.note, a.contact_name, a.location, a.occurred_at, a.next_action_on, a.logged_by_label,
    a.created_at AS logged_at, a.tracking_number";
const PROMISE_COLUMNS: &str =
    "p.id, p.activity_id, p.customer_id, c.code AS customer_code, c.name AS customer_name,
    p.amount, p.currency::text AS currency, p.promised_date, p.status, p.paid_amount, p.promised_by,
    p.logged_by_label, p.cancel_reason, p.created_at, p.settled_at";

/// The invoices each of `ids` names, through `table` (`promise_invoices` by `promise_id`,
/// `collection_activity_invoices` by `activity_id`), by number.
pub async fn linked(
    conn: &impl ConnectionTrait,
    table: &str,
    owner: &str,
    ids: &[Uuid],
) -> Result<Vec<LinkedInvoice>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    LinkedInvoice::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT l.{owner} AS owner_id, l.invoice_id, i.number FROM {table} l JOIN invoices i ON i.id = l.invoice_id
             WHERE l.{owner} = ANY($1::uuid[]) ORDER BY i.number"
        ),
        [ids.to_vec().into()],
    ))
    .all(conn)
    .await
}

/// The promises made with any of the activities `ids`.
pub async fn promises_of_activities(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<Vec<PromiseRow>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    PromiseRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {PROMISE_COLUMNS} FROM promises p JOIN customers c ON c.id = p.customer_id
             WHERE p.activity_id = ANY($1::uuid[])"
        ),
        [ids.to_vec().into()],
    ))
    .all(conn)
    .await
}

pub async fn activity(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<ActivityRow>, DbErr> {
    ActivityRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {ACTIVITY_COLUMNS} FROM collection_activities a JOIN customers c ON c.id = a.customer_id WHERE a.id = $1"),
        [id.into()],
    ))
    .one(conn)
    .await
}

/// Whether `invoice` is one of `customer`'s.
pub async fn invoice_of_customer(
    conn: &impl ConnectionTrait,
    invoice: Uuid,
    customer: Uuid,
) -> Result<bool, DbErr> {
    Ok(conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS found FROM invoices WHERE id = $1 AND customer_id = $2",
            [invoice.into(), customer.into()],
        ))
        .await?
        .is_some())
}

/// An activity as it is written.
pub struct NewActivityRow {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub channel: CollectionChannel,
    pub outcome: CollectionOutcome,
    pub note: Option<String>,
    pub contact_name: Option<String>,
    pub location: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub next_action_on: Option<NaiveDate>,
    pub logged_by: Option<Uuid>,
    pub logged_by_label: String,
}

pub async fn insert_activity(
    conn: &impl ConnectionTrait,
    activity: NewActivityRow,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO collection_activities (id, customer_id, channel, outcome, note, contact_name, location,
                                            occurred_at, next_action_on, logged_by, logged_by_label)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        [
            activity.id.into(),
            activity.customer_id.into(),
            activity.channel.as_str().into(),
            activity.outcome.as_str().into(),
            activity.note.into(),
            activity.contact_name.into(),
            activity.location.into(),
            activity.occurred_at.into(),
            activity.next_action_on.into(),
            activity.logged_by.into(),
            activity.logged_by_label.into(),
        ],
    ))
    .await?;
    Ok(())
}

pub async fn link_activity_invoice(
    conn: &impl ConnectionTrait,
    activity: Uuid,
    invoice: Uuid,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO collection_activity_invoices (activity_id, invoice_id) VALUES ($1, $2)",
        [activity.into(), invoice.into()],
    ))
    .await?;
    Ok(())
}

/// A promise as it is written.
pub struct NewPromiseRow {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub activity_id: Uuid,
    pub amount: Decimal,
    pub currency: Currency,
    pub promised_date: NaiveDate,
    pub promised_by: Option<String>,
    pub logged_by: Option<Uuid>,
    pub logged_by_label: String,
}

pub async fn insert_promise(
    conn: &impl ConnectionTrait,
    promise: NewPromiseRow,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO promises (id, customer_id, activity_id, amount, currency, promised_date, promised_by, logged_by, logged_by_label)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        [
            promise.id.into(),
            promise.customer_id.into(),
            promise.activity_id.into(),
            promise.amount.into(),
            promise.currency.code().to_owned().into(),
            promise.promised_date.into(),
            promise.promised_by.into(),
            promise.logged_by.into(),
            promise.logged_by_label.into(),
        ],
    ))
    .await?;
    Ok(())
}

pub async fn link_promise_invoice(
    conn: &impl ConnectionTrait,
    promise: Uuid,
    invoice: Uuid,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO promise_invoices (promise_id, invoice_id) VALUES ($1, $2)",
        [promise.into(), invoice.into()],
    ))
    .await?;
    Ok(())
}

/// An activity about to be corrected, locked: whose customer, who logged it, what it says, and
/// whether its edit window is still open.
#[derive(Debug, FromQueryResult)]
pub struct ActivityToCorrect {
    pub customer_id: Uuid,
    pub logged_by: Option<Uuid>,
    pub outcome: CollectionOutcome,
    pub note: Option<String>,
    pub next_action_on: Option<NaiveDate>,
    pub editable: bool,
}

pub async fn activity_to_correct(
    conn: &impl ConnectionTrait,
    id: Uuid,
    window_hours: i32,
) -> Result<Option<ActivityToCorrect>, DbErr> {
    ActivityToCorrect::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT customer_id, logged_by, outcome, note, next_action_on,
                created_at > now() - make_interval(hours => $2) AS editable
         FROM collection_activities WHERE id = $1 FOR UPDATE",
        [id.into(), window_hours.into()],
    ))
    .one(conn)
    .await
}

/// Corrects an activity: the outcome when given, the note and the next action when given (to
/// a value or to none).
pub async fn correct_activity(
    conn: &impl ConnectionTrait,
    id: Uuid,
    outcome: Option<CollectionOutcome>,
    note: Option<Option<String>>,
    next_action_on: Option<Option<NaiveDate>>,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE collection_activities
         SET outcome = coalesce($2, outcome), note = CASE WHEN $3 THEN $4 ELSE note END,
             next_action_on = CASE WHEN $5 THEN $6 ELSE next_action_on END, edited_at = now()
         WHERE id = $1",
        [
            id.into(),
            outcome.map(|outcome| outcome.as_str().to_owned()).into(),
            note.is_some().into(),
            note.flatten().into(),
            next_action_on.is_some().into(),
            next_action_on.flatten().into(),
        ],
    ))
    .await?;
    Ok(())
}

pub async fn promise(
    conn: &impl ConnectionTrait,
    id: Uuid,
    for_update: bool,
) -> Result<Option<PromiseRow>, DbErr> {
    let sql = if for_update {
        format!(
            "SELECT {PROMISE_COLUMNS} FROM promises p JOIN customers c ON c.id = p.customer_id WHERE p.id = $1 FOR UPDATE OF p"
        )
    } else {
        format!(
            "SELECT {PROMISE_COLUMNS} FROM promises p JOIN customers c ON c.id = p.customer_id WHERE p.id = $1"
        )
    };
    PromiseRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        [id.into()],
    ))
    .one(conn)
    .await
}

pub async fn cancel_promise(
    conn: &impl ConnectionTrait,
    id: Uuid,
    reason: &str,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE promises SET status = 'CANCELLED', cancel_reason = $2, settled_at = now() WHERE id = $1",
        [id.into(), reason.to_owned().into()],
    ))
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct ActivityFilter {
    pub customer_id: Option<Uuid>,
    pub invoice_id: Option<Uuid>,
    pub channel: Option<CollectionChannel>,
    pub outcome: Option<CollectionOutcome>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default)]
pub struct PromiseFilter {
    pub customer_id: Option<Uuid>,
    pub status: Option<Vec<PromiseStatus>>,
}

/// The page `request` asks for of the activities the caller sees, newest first, and how many
/// match in all (only when `wants_total`, else 0).
pub async fn list_activities(
    tx: &TenantTx,
    caller: &Caller,
    access: Access,
    filter: &ActivityFilter,
    request: &PageRequest,
    wants_total: bool,
) -> Result<(Vec<ActivityRow>, i64), AppError> {
    let mut conditions = Conditions::new(Vec::new());
    assigned_only(caller, access, &mut conditions, "c.");
    if let Some(customer) = filter.customer_id {
        conditions.push("a.customer_id = ?", customer);
    }
    if let Some(invoice) = filter.invoice_id {
        conditions.push(
            "EXISTS (SELECT 1 FROM collection_activity_invoices l WHERE l.activity_id = a.id AND l.invoice_id = ?)",
            invoice,
        );
    }
    if let Some(channel) = filter.channel {
        conditions.push("a.channel = ?", channel.as_str());
    }
    if let Some(outcome) = filter.outcome {
        conditions.push("a.outcome = ?", outcome.as_str());
    }
    if let Some(from) = filter.from {
        conditions.push("a.occurred_at >= ?", from);
    }
    if let Some(to) = filter.to {
        conditions.push("a.occurred_at < ?", to);
    }
    keyset_page(
        tx,
        request,
        wants_total,
        conditions,
        ACTIVITY_COLUMNS,
        "collection_activities a JOIN customers c ON c.id = a.customer_id",
        &[("a.occurred_at", "?::timestamptz"), ("a.id", "?::uuid")],
        true,
    )
    .await
}

/// A promise's key in the list's order.
pub fn promise_key(row: &PromiseRow) -> Vec<String> {
    vec![row.promised_date.to_string(), row.id.to_string()]
}

/// An activity's key in the list's order.
pub fn activity_key(row: &ActivityRow) -> Vec<String> {
    vec![
        row.occurred_at
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        row.id.to_string(),
    ]
}

/// The page `request` asks for of the promises the caller sees, latest promised date first,
/// and how many match in all (only when `wants_total`, else 0).
pub async fn list_promises(
    tx: &TenantTx,
    caller: &Caller,
    access: Access,
    filter: &PromiseFilter,
    request: &PageRequest,
    wants_total: bool,
) -> Result<(Vec<PromiseRow>, i64), AppError> {
    let mut conditions = Conditions::new(Vec::new());
    assigned_only(caller, access, &mut conditions, "c.");
    if let Some(customer) = filter.customer_id {
        conditions.push("p.customer_id = ?", customer);
    }
    if let Some(statuses) = &filter.status
        && !statuses.is_empty()
    {
        let list: Vec<String> = statuses.iter().map(|s| s.as_str().to_owned()).collect();
        conditions.push("p.status = ANY(?::text[])", list);
    }
    keyset_page(
        tx,
        request,
        wants_total,
        conditions,
        PROMISE_COLUMNS,
        "promises p JOIN customers c ON c.id = p.customer_id",
        &[("p.promised_date", "?::date"), ("p.id", "?::uuid")],
        true,
    )
    .await
}
