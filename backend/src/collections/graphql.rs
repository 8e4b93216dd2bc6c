//! `logCollectionActivity`, `collectionActivities`, `promisesToPay`, `cancelPromise`.

use crate::api::command;
use crate::api::context::{request, services};
use crate::api::values::CustomerRef;
use crate::api::values::{
    CountedList, Date, Money, offset_connection, optional_text, page_size, parse_amount,
    parse_currency, parse_id, parse_offset_cursor,
};
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::auth::{assigned_only, visible_to};
use crate::customers;
use crate::db::conditions::{Conditions, count};
use crate::db::{self, TenantTx};
use crate::error::{ApiResult, AppError, IntoApi};
use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::{Access, Permission};
use domain::collections::{CollectionChannel, CollectionOutcome, PromiseStatus};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

#[derive(SimpleObject, Clone)]
pub struct InvoiceRef {
    pub id: ID,
    pub number: Option<String>,
}

#[derive(SimpleObject, Clone)]
pub struct PromiseToPay {
    pub id: ID,
    pub customer: CustomerRef,
    pub amount: Money,
    pub promised_date: Date,
    pub status: PromiseStatus,
    /// What payments had covered when the promise was judged.
    pub paid_amount: Money,
    /// Who at the customer promised.
    pub promised_by: Option<String>,
    /// Who logged it.
    pub logged_by: String,
    pub invoices: Vec<InvoiceRef>,
    pub cancel_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub settled_at: Option<DateTime<Utc>>,
}

#[derive(SimpleObject, Clone)]
pub struct CollectionActivity {
    pub id: ID,
    pub customer: CustomerRef,
    pub invoices: Vec<InvoiceRef>,
    pub channel: CollectionChannel,
    pub outcome: CollectionOutcome,
    pub note: Option<String>,
    pub contact_name: Option<String>,
    pub location: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub next_action_on: Option<Date>,
    pub logged_by: String,
    pub promise: Option<PromiseToPay>,
}

#[derive(Debug, Clone, FromQueryResult)]
struct ActivityRow {
    id: Uuid,
    customer_id: Uuid,
    customer_code: String,
    customer_name: String,
    channel: String,
    outcome: String,
    note: Option<String>,
    contact_name: Option<String>,
    location: Option<String>,
    occurred_at: DateTime<Utc>,
    next_action_on: Option<NaiveDate>,
    logged_by_label: String,
}

#[derive(Debug, Clone, FromQueryResult)]
struct PromiseRow {
    id: Uuid,
    activity_id: Option<Uuid>,
    customer_id: Uuid,
    customer_code: String,
    customer_name: String,
    amount: Decimal,
    currency: String,
    promised_date: NaiveDate,
    status: String,
    paid_amount: Decimal,
    promised_by: Option<String>,
    logged_by_label: String,
    cancel_reason: Option<String>,
    created_at: DateTime<Utc>,
    settled_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, FromQueryResult)]
struct LinkedInvoice {
    owner_id: Uuid,
    invoice_id: Uuid,
    number: Option<String>,
}

const ACTIVITY_COLUMNS: &str = "a.id, a.customer_id, c.code AS customer_code, c.name AS customer_name,
    a.channel, a.outcome, a.note, a.contact_name, a.location, a.occurred_at, a.next_action_on, a.logged_by_label";
const PROMISE_COLUMNS: &str =
    "p.id, p.activity_id, p.customer_id, c.code AS customer_code, c.name AS customer_name,
    p.amount, p.currency::text AS currency, p.promised_date, p.status, p.paid_amount, p.promised_by,
    p.logged_by_label, p.cancel_reason, p.created_at, p.settled_at";

async fn linked(
    conn: &impl ConnectionTrait,
    table: &str,
    owner: &str,
    ids: &[Uuid],
) -> Result<Vec<LinkedInvoice>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(LinkedInvoice::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT l.{owner} AS owner_id, l.invoice_id, i.number FROM {table} l JOIN invoices i ON i.id = l.invoice_id
             WHERE l.{owner} = ANY($1::uuid[]) ORDER BY i.number"
        ),
        [ids.to_vec().into()],
    ))
    .all(conn)
    .await?)
}

fn refs(links: &[LinkedInvoice], owner: Uuid) -> Vec<InvoiceRef> {
    links
        .iter()
        .filter(|link| link.owner_id == owner)
        .map(|link| InvoiceRef {
            id: ID(link.invoice_id.to_string()),
            number: link.number.clone(),
        })
        .collect()
}

async fn promises_out(
    conn: &impl ConnectionTrait,
    rows: Vec<PromiseRow>,
) -> Result<Vec<PromiseToPay>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let links = linked(conn, "promise_invoices", "promise_id", &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| PromiseToPay {
            id: ID(row.id.to_string()),
            customer: CustomerRef {
                id: ID(row.customer_id.to_string()),
                code: row.customer_code,
                name: row.customer_name,
            },
            amount: Money::new(row.amount, &row.currency),
            promised_date: Date(row.promised_date),
            status: PromiseStatus::parse(&row.status).unwrap_or(PromiseStatus::Open),
            paid_amount: Money::new(row.paid_amount, &row.currency),
            promised_by: row.promised_by,
            logged_by: row.logged_by_label,
            invoices: refs(&links, row.id),
            cancel_reason: row.cancel_reason,
            created_at: row.created_at,
            settled_at: row.settled_at,
        })
        .collect())
}

async fn activities_out(
    conn: &impl ConnectionTrait,
    rows: Vec<ActivityRow>,
) -> Result<Vec<CollectionActivity>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let links = linked(conn, "collection_activity_invoices", "activity_id", &ids).await?;
    let promise_rows = if ids.is_empty() {
        Vec::new()
    } else {
        PromiseRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "SELECT {PROMISE_COLUMNS} FROM promises p JOIN customers c ON c.id = p.customer_id
                 WHERE p.activity_id = ANY($1::uuid[])"
            ),
            [ids.to_vec().into()],
        ))
        .all(conn)
        .await?
    };
    let promises = promises_out(conn, promise_rows.clone()).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let promise = promise_rows
                .iter()
                .position(|p| p.activity_id == Some(row.id))
                .and_then(|index| promises.get(index).cloned());
            CollectionActivity {
                id: ID(row.id.to_string()),
                customer: CustomerRef {
                    id: ID(row.customer_id.to_string()),
                    code: row.customer_code,
                    name: row.customer_name,
                },
                invoices: refs(&links, row.id),
                channel: CollectionChannel::parse(&row.channel).unwrap_or(CollectionChannel::Other),
                outcome: CollectionOutcome::parse(&row.outcome).unwrap_or(CollectionOutcome::Other),
                note: row.note,
                contact_name: row.contact_name,
                location: row.location,
                occurred_at: row.occurred_at,
                next_action_on: row.next_action_on.map(Date),
                logged_by: row.logged_by_label,
                promise,
            }
        })
        .collect())
}

#[derive(InputObject)]
pub struct PromiseInput {
    pub amount: String,
    /// The customer's currency by default.
    pub currency: Option<String>,
    pub promised_date: Date,
}

#[derive(InputObject)]
pub struct LogCollectionActivityInput {
    pub customer_id: ID,
    /// Invoices the contact was about (the customer's).
    pub invoice_ids: Option<Vec<ID>>,
    pub channel: CollectionChannel,
    pub outcome: CollectionOutcome,
    pub note: Option<String>,
    /// Who was reached.
    pub contact_name: Option<String>,
    /// Where, for a visit.
    pub location: Option<String>,
    /// Now by default; never in the future.
    pub occurred_at: Option<DateTime<Utc>>,
    pub next_action_on: Option<Date>,
    /// The customer's promise to pay, when they made one.
    pub promise: Option<PromiseInput>,
}

#[derive(SimpleObject)]
pub struct LogCollectionActivityPayload {
    pub activity: CollectionActivity,
}

#[derive(InputObject)]
pub struct UpdateCollectionActivityInput {
    pub activity_id: ID,
    pub outcome: Option<CollectionOutcome>,
    pub note: Option<String>,
    pub next_action_on: Option<Date>,
}

#[derive(InputObject)]
pub struct CancelPromiseInput {
    pub promise_id: ID,
    pub reason: String,
}

#[derive(SimpleObject)]
pub struct CancelPromisePayload {
    pub promise: PromiseToPay,
}

/// Collectors work their assigned customers; others with the permission, all.
async fn workable_customer(
    db: &DatabaseConnection,
    tx: &TenantTx,
    caller: &Caller,
    access: Access,
    id: &ID,
) -> Result<customers::CustomerRow, AppError> {
    let today = db::tenant_calendar(db, tx.tenant()).await?.today;
    let not_found = || AppError::not_found("No such customer.");
    let id = id.parse::<Uuid>().map_err(|_| not_found())?;
    customers::load_customer(&**tx, today, id)
        .await?
        .filter(|row| visible_to(caller, access, row))
        .ok_or_else(not_found)
}

pub async fn log_activity(
    db: &DatabaseConnection,
    caller: &Caller,
    input: LogCollectionActivityInput,
    request_id: &str,
) -> Result<CollectionActivity, AppError> {
    let access = caller.authorize(Permission::WorkCollections)?;
    let tenant = caller.require_tenant()?;
    let actor = audit::actor_of(db, caller).await?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let id = log_activity_in(db, &tx, caller, access, actor, &calendar, input, request_id).await?;
    let activity = activity_by_id(&*tx, id).await?;
    tx.commit().await?;
    Ok(activity)
}

pub async fn activity_by_id(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> Result<CollectionActivity, AppError> {
    let row = ActivityRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {ACTIVITY_COLUMNS} FROM collection_activities a JOIN customers c ON c.id = a.customer_id WHERE a.id = $1"),
        [id.into()],
    ))
    .one(conn)
    .await?
    .ok_or_else(|| AppError::not_found("No such activity."))?;
    activities_out(conn, vec![row])
        .await?
        .pop()
        .ok_or_else(|| AppError::not_found("No such activity."))
}

/// Logs an activity inside the caller's transaction (completing a task logs one with it).
/// Returns its id.
#[allow(clippy::too_many_arguments)]
pub async fn log_activity_in(
    db: &DatabaseConnection,
    tx: &TenantTx,
    caller: &Caller,
    access: Access,
    actor: audit::Actor,
    calendar: &db::TenantCalendar,
    input: LogCollectionActivityInput,
    request_id: &str,
) -> Result<Uuid, AppError> {
    let tenant = tx.tenant();
    let note = optional_text("input.note", input.note.as_deref(), 4000)?;
    let contact_name = optional_text("input.contactName", input.contact_name.as_deref(), 200)?;
    let location = optional_text("input.location", input.location.as_deref(), 300)?;
    let occurred_at = input.occurred_at.unwrap_or_else(Utc::now);
    if occurred_at > Utc::now() + chrono::Duration::minutes(5) {
        return Err(AppError::validation(
            "input.occurredAt",
            "an activity cannot happen in the future",
        ));
    }
    if input.outcome == CollectionOutcome::PromiseToPay && input.promise.is_none() {
        return Err(AppError::validation(
            "input.promise",
            "a PROMISE_TO_PAY outcome needs the promise: amount and date",
        ));
    }
    let user = match caller {
        Caller::Member(member) => Some(member.user_id),
        _ => None,
    };
    let customer = workable_customer(db, tx, caller, access, &input.customer_id).await?;
    if let Some(Date(next)) = input.next_action_on
        && next < calendar.today
    {
        return Err(AppError::validation(
            "input.nextActionOn",
            "the next action is today or later",
        ));
    }
    let mut invoices = Vec::new();
    for (index, id) in input.invoice_ids.unwrap_or_default().iter().enumerate() {
        let field = format!("input.invoiceIds[{index}]");
        let invoice = id.parse::<Uuid>().unwrap_or(Uuid::nil());
        let belongs = tx
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT 1 AS found FROM invoices WHERE id = $1 AND customer_id = $2",
                [invoice.into(), customer.id.into()],
            ))
            .await?
            .is_some();
        if !belongs {
            return Err(AppError::validation(
                field,
                "not an invoice of this customer",
            ));
        }
        if !invoices.contains(&invoice) {
            invoices.push(invoice);
        }
    }
    let id = Uuid::now_v7();
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO collection_activities (id, customer_id, channel, outcome, note, contact_name, location,
                                            occurred_at, next_action_on, logged_by, logged_by_label)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        [
            id.into(),
            customer.id.into(),
            input.channel.as_str().into(),
            input.outcome.as_str().into(),
            note.into(),
            contact_name.clone().into(),
            location.into(),
            occurred_at.into(),
            input.next_action_on.map(|d| d.0).into(),
            user.into(),
            actor.label().to_owned().into(),
        ],
    ))
    .await?;
    for invoice in &invoices {
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO collection_activity_invoices (activity_id, invoice_id) VALUES ($1, $2)",
            [id.into(), (*invoice).into()],
        ))
        .await?;
    }
    if let Some(promise) = &input.promise {
        let currency = parse_currency(
            "input.promise.currency",
            promise
                .currency
                .as_deref()
                .unwrap_or(customer.currency.code()),
        )?;
        let amount = parse_amount("input.promise.amount", &promise.amount, currency, false)?;
        if domain::collections::within_a_year(calendar.today, promise.promised_date.0).is_err() {
            // An open promise pauses dunning until its date: a far one would pause it forever.
            return Err(AppError::validation(
                "input.promise.promisedDate",
                "a promise is for today or a day within a year",
            ));
        }
        let promise_id = Uuid::now_v7();
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO promises (id, customer_id, activity_id, amount, currency, promised_date, promised_by, logged_by, logged_by_label)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            [
                promise_id.into(),
                customer.id.into(),
                id.into(),
                amount.into(),
                currency.code().to_owned().into(),
                promise.promised_date.0.into(),
                contact_name.into(),
                user.into(),
                actor.label().to_owned().into(),
            ],
        ))
        .await?;
        for invoice in &invoices {
            tx.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "INSERT INTO promise_invoices (promise_id, invoice_id) VALUES ($1, $2)",
                [promise_id.into(), (*invoice).into()],
            ))
            .await?;
        }
    }
    audit::record(
        &**tx,
        tenant,
        AuditEntry {
            actor,
            action: "collections.activity_logged",
            entity_type: "customer",
            entity_id: Some(customer.id.to_string()),
            before: None,
            after: Some(serde_json::json!({
                "activityId": id.to_string(), "channel": input.channel.as_str(), "outcome": input.outcome.as_str(),
                "promise": input.promise.as_ref().map(|p| serde_json::json!({ "amount": p.amount, "date": p.promised_date.0.to_string() })),
            })),
            request_id: Some(request_id),
        },
    )
    .await?;
    Ok(id)
}

/// Corrects an activity: only its author, only within the edit window; audited with before and
/// after. Later, an activity is history and a new one is logged instead.
pub async fn update_activity(
    db: &DatabaseConnection,
    caller: &Caller,
    input: UpdateCollectionActivityInput,
    request_id: &str,
) -> Result<CollectionActivity, AppError> {
    let access = caller.authorize(Permission::WorkCollections)?;
    let tenant = caller.require_tenant()?;
    let note = optional_text("input.note", input.note.as_deref(), 4000)?;
    let actor = audit::actor_of(db, caller).await?;
    let not_found = || AppError::not_found("No such activity.");
    let id = input.activity_id.parse::<Uuid>().map_err(|_| not_found())?;
    let tx = TenantTx::begin(db, tenant).await?;
    let row = tx
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT customer_id, logged_by, outcome, note, next_action_on,
                    created_at > now() - make_interval(hours => $2) AS editable
             FROM collection_activities WHERE id = $1 FOR UPDATE",
            [
                id.into(),
                (domain::collections::EDIT_WINDOW_HOURS as i32).into(),
            ],
        ))
        .await?
        .ok_or_else(not_found)?;
    let customer_id: Uuid = row.try_get("", "customer_id")?;
    workable_customer(db, &tx, caller, access, &ID(customer_id.to_string()))
        .await
        .map_err(|_| not_found())?;
    let author: Option<Uuid> = row.try_get("", "logged_by")?;
    let is_author = matches!(caller, Caller::Member(member) if Some(member.user_id) == author);
    if !is_author {
        return Err(AppError::forbidden(
            "Only the person who logged an activity may correct it.",
        ));
    }
    if !row.try_get::<bool>("", "editable")? {
        return Err(AppError::conflict(
            "input.activityId",
            format!(
                "An activity can be corrected for {} hours; after that, log a new one.",
                domain::collections::EDIT_WINDOW_HOURS
            ),
        ));
    }
    let before = serde_json::json!({
        "outcome": row.try_get::<String>("", "outcome")?,
        "note": row.try_get::<Option<String>>("", "note")?,
        "nextActionOn": row.try_get::<Option<NaiveDate>>("", "next_action_on")?.map(|d| d.to_string()),
    });
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE collection_activities
         SET outcome = coalesce($2, outcome), note = CASE WHEN $3 THEN $4 ELSE note END,
             next_action_on = CASE WHEN $5 THEN $6 ELSE next_action_on END, edited_at = now()
         WHERE id = $1",
        [
            id.into(),
            input
                .outcome
                .map(|outcome| outcome.as_str().to_owned())
                .into(),
            input.note.is_some().into(),
            note.into(),
            input.next_action_on.is_some().into(),
            input.next_action_on.map(|d| d.0).into(),
        ],
    ))
    .await?;
    let updated = ActivityRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {ACTIVITY_COLUMNS} FROM collection_activities a JOIN customers c ON c.id = a.customer_id WHERE a.id = $1"),
        [id.into()],
    ))
    .one(&*tx)
    .await?
    .ok_or_else(not_found)?;
    let after = serde_json::json!({
        "outcome": updated.outcome, "note": updated.note,
        "nextActionOn": updated.next_action_on.map(|d| d.to_string()),
    });
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "collections.activity_corrected",
            entity_type: "customer",
            entity_id: Some(customer_id.to_string()),
            before: Some(before),
            after: Some(after),
            request_id: Some(request_id),
        },
    )
    .await?;
    let activity = activities_out(&*tx, vec![updated])
        .await?
        .pop()
        .ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(activity)
}

pub async fn cancel_promise(
    db: &DatabaseConnection,
    caller: &Caller,
    input: CancelPromiseInput,
    request_id: &str,
) -> Result<PromiseToPay, AppError> {
    let access = caller.authorize(Permission::WorkCollections)?;
    let tenant = caller.require_tenant()?;
    let reason = crate::api::values::required_text("input.reason", &input.reason, 500)?;
    let actor = audit::actor_of(db, caller).await?;
    let not_found = || AppError::not_found("No such promise.");
    let id = input.promise_id.parse::<Uuid>().map_err(|_| not_found())?;
    let tx = TenantTx::begin(db, tenant).await?;
    let row = PromiseRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {PROMISE_COLUMNS} FROM promises p JOIN customers c ON c.id = p.customer_id WHERE p.id = $1 FOR UPDATE OF p"),
        [id.into()],
    ))
    .one(&*tx)
    .await?
    .ok_or_else(not_found)?;
    workable_customer(db, &tx, caller, access, &ID(row.customer_id.to_string()))
        .await
        .map_err(|_| not_found())?;
    if row.status != "OPEN" {
        return Err(AppError::conflict(
            "input.promiseId",
            format!("The promise is {} already.", row.status),
        ));
    }
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE promises SET status = 'CANCELLED', cancel_reason = $2, settled_at = now() WHERE id = $1",
        [id.into(), reason.clone().into()],
    ))
    .await?;
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "promise.cancelled",
            entity_type: "customer",
            entity_id: Some(row.customer_id.to_string()),
            before: None,
            after: Some(serde_json::json!({ "promiseId": id.to_string(), "reason": reason })),
            request_id: Some(request_id),
        },
    )
    .await?;
    let updated = PromiseRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {PROMISE_COLUMNS} FROM promises p JOIN customers c ON c.id = p.customer_id WHERE p.id = $1"),
        [id.into()],
    ))
    .one(&*tx)
    .await?
    .ok_or_else(not_found)?;
    let promise = promises_out(&*tx, vec![updated])
        .await?
        .pop()
        .ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(promise)
}

#[derive(InputObject, Default)]
pub struct ActivityFilter {
    pub customer_id: Option<ID>,
    pub invoice_id: Option<ID>,
    pub channel: Option<CollectionChannel>,
    pub outcome: Option<CollectionOutcome>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

#[derive(InputObject, Default)]
pub struct PromiseFilter {
    pub customer_id: Option<ID>,
    pub status: Option<Vec<PromiseStatus>>,
}

pub type ActivityConnection = Connection<String, CollectionActivity, CountedList>;
pub type PromiseConnection = Connection<String, PromiseToPay, CountedList>;

pub async fn list_activities(
    db: &DatabaseConnection,
    caller: &Caller,
    first: Option<i32>,
    after: Option<String>,
    filter: ActivityFilter,
) -> Result<ActivityConnection, AppError> {
    let access = caller
        .authorize(Permission::ViewCollections)
        .or_else(|_| caller.authorize(Permission::ViewCustomers))?;
    let tenant = caller.require_tenant()?;
    let first = page_size(first)?;
    let offset = parse_offset_cursor("activities", after.as_deref())?;
    let mut conditions = Conditions::new(Vec::new());
    assigned_only(caller, access, &mut conditions, "c.");
    if let Some(customer) = &filter.customer_id {
        conditions.push(
            "a.customer_id = ?",
            parse_id("filter.customerId", customer)?,
        );
    }
    if let Some(invoice) = &filter.invoice_id {
        conditions.push(
            "EXISTS (SELECT 1 FROM collection_activity_invoices l WHERE l.activity_id = a.id AND l.invoice_id = ?)",
            parse_id("filter.invoiceId", invoice)?,
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
    let filtered = conditions.sql();
    let mut values = conditions.values;
    let count_values = values.clone();
    values.push(((first + 1) as i64).into());
    values.push((offset as i64).into());
    let from = "collection_activities a JOIN customers c ON c.id = a.customer_id";
    let page_sql = format!(
        "SELECT {ACTIVITY_COLUMNS} FROM {from} WHERE {filtered} ORDER BY a.occurred_at DESC, a.id DESC LIMIT ${} OFFSET ${}",
        values.len() - 1,
        values.len()
    );
    let count_sql = format!("SELECT count(*) AS n FROM {from} WHERE {filtered}");
    let tx = TenantTx::begin(db, tenant).await?;
    let mut rows = ActivityRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        page_sql,
        values,
    ))
    .all(&*tx)
    .await?;
    let total = count(&tx, count_sql, count_values).await?;
    let has_next = rows.len() > first;
    rows.truncate(first);
    let activities = activities_out(&*tx, rows).await?;
    tx.commit().await?;
    Ok(offset_connection(
        "activities",
        activities,
        has_next,
        offset,
        total,
    ))
}

pub async fn list_promises(
    db: &DatabaseConnection,
    caller: &Caller,
    first: Option<i32>,
    after: Option<String>,
    filter: PromiseFilter,
) -> Result<PromiseConnection, AppError> {
    let access = caller
        .authorize(Permission::ViewCollections)
        .or_else(|_| caller.authorize(Permission::ViewCustomers))?;
    let tenant = caller.require_tenant()?;
    let first = page_size(first)?;
    let offset = parse_offset_cursor("promises", after.as_deref())?;
    let mut conditions = Conditions::new(Vec::new());
    assigned_only(caller, access, &mut conditions, "c.");
    if let Some(customer) = &filter.customer_id {
        conditions.push(
            "p.customer_id = ?",
            parse_id("filter.customerId", customer)?,
        );
    }
    if let Some(statuses) = &filter.status
        && !statuses.is_empty()
    {
        let list: Vec<&str> = statuses.iter().map(|status| status.as_str()).collect();
        conditions.push("p.status = ANY(string_to_array(?, ','))", list.join(","));
    }
    let filtered = conditions.sql();
    let mut values = conditions.values;
    let count_values = values.clone();
    values.push(((first + 1) as i64).into());
    values.push((offset as i64).into());
    let from = "promises p JOIN customers c ON c.id = p.customer_id";
    let page_sql = format!(
        "SELECT {PROMISE_COLUMNS} FROM {from} WHERE {filtered} ORDER BY p.promised_date DESC, p.id DESC LIMIT ${} OFFSET ${}",
        values.len() - 1,
        values.len()
    );
    let count_sql = format!("SELECT count(*) AS n FROM {from} WHERE {filtered}");
    let tx = TenantTx::begin(db, tenant).await?;
    let mut rows = PromiseRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        page_sql,
        values,
    ))
    .all(&*tx)
    .await?;
    let total = count(&tx, count_sql, count_values).await?;
    let has_next = rows.len() > first;
    rows.truncate(first);
    let promises = promises_out(&*tx, rows).await?;
    tx.commit().await?;
    Ok(offset_connection(
        "promises", promises, has_next, offset, total,
    ))
}

#[derive(Default)]
pub struct CollectionsQuery;

#[Object]
impl CollectionsQuery {
    /// Calls, emails, messages, visits, letters and legal steps, newest first. Collectors see
    /// their customers'.
    #[graphql(complexity = "crate::api::values::page_complexity(first, child_complexity)")]
    async fn collection_activities(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<ActivityFilter>,
    ) -> ApiResult<ActivityConnection> {
        let (_, db) = services(ctx)?;
        list_activities(
            db,
            &request(ctx)?.caller,
            first,
            after,
            filter.unwrap_or_default(),
        )
        .await
        .api()
    }

    /// Promises to pay, latest promised date first, with their status.
    #[graphql(complexity = "crate::api::values::page_complexity(first, child_complexity)")]
    async fn promises_to_pay(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<PromiseFilter>,
    ) -> ApiResult<PromiseConnection> {
        let (_, db) = services(ctx)?;
        list_promises(
            db,
            &request(ctx)?.caller,
            first,
            after,
            filter.unwrap_or_default(),
        )
        .await
        .api()
    }
}

#[derive(Default)]
pub struct CollectionsMutation;

#[Object]
impl CollectionsMutation {
    /// Logs a contact with a customer, with its outcome and, when one was made, the promise.
    async fn log_collection_activity(
        &self,
        ctx: &Context<'_>,
        input: LogCollectionActivityInput,
    ) -> ApiResult<LogCollectionActivityPayload> {
        let activity = command!(ctx, log_activity, input);
        Ok(LogCollectionActivityPayload { activity })
    }

    /// Corrects an activity you logged, within 24 hours (audited).
    async fn update_collection_activity(
        &self,
        ctx: &Context<'_>,
        input: UpdateCollectionActivityInput,
    ) -> ApiResult<LogCollectionActivityPayload> {
        let activity = command!(ctx, update_activity, input);
        Ok(LogCollectionActivityPayload { activity })
    }

    /// Cancels an open promise (the customer withdrew it, or it was logged by mistake).
    async fn cancel_promise(
        &self,
        ctx: &Context<'_>,
        input: CancelPromiseInput,
    ) -> ApiResult<CancelPromisePayload> {
        let promise = command!(ctx, cancel_promise, input);
        Ok(CancelPromisePayload { promise })
    }
}
