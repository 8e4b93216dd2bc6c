//! The log of every contact with a customer and promises to pay: logging one (with its
//! promise), correcting it within the edit window, cancelling a promise, and both lists.

use super::{Page, PageRequest};
use crate::api::values::{optional_text, parse_amount, parse_currency, required_text};
use crate::audit::{self, AuditEntry};
use crate::auth::{Caller, visible_to};
use crate::collections::CollectionError;
use crate::collections::store::activities::{
    self as store, ActivityRow, LinkedInvoice, NewActivityRow, NewPromiseRow, PromiseRow,
};
use crate::customers;
use crate::db::{self, TenantTx};
use crate::error::AppError;
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::{Access, Permission};
use domain::collections::{CollectionChannel, CollectionOutcome, PromiseStatus};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use uuid::Uuid;

pub use crate::collections::store::activities::{ActivityFilter, PromiseFilter};

/// A promise with the invoices it names.
#[derive(Debug, Clone)]
pub struct Promise {
    pub row: PromiseRow,
    pub invoices: Vec<LinkedInvoice>,
}

/// An activity with the invoices it was about and the promise made in it, if any.
#[derive(Debug, Clone)]
pub struct Activity {
    pub row: ActivityRow,
    pub invoices: Vec<LinkedInvoice>,
    pub promise: Option<Promise>,
}

/// The customer's promise, as the collector logs it. Amount and currency are checked against
/// the customer (its currency by default).
#[derive(Debug, Clone)]
pub struct NewPromise {
    pub amount: String,
    pub currency: Option<String>,
    pub promised_date: NaiveDate,
}

/// A contact with a customer, as the collector logs it.
#[derive(Debug, Clone)]
pub struct NewActivity {
    pub customer_id: Uuid,
    /// Invoices the contact was about (the customer's), in the order given.
    pub invoice_ids: Vec<Uuid>,
    pub channel: CollectionChannel,
    pub outcome: CollectionOutcome,
    pub note: Option<String>,
    pub contact_name: Option<String>,
    pub location: Option<String>,
    /// Now by default; never in the future.
    pub occurred_at: Option<DateTime<Utc>>,
    pub next_action_on: Option<NaiveDate>,
    pub promise: Option<NewPromise>,
}

/// A correction of an activity: what is given changes.
#[derive(Debug, Clone)]
pub struct ActivityCorrection {
    pub activity_id: Uuid,
    pub outcome: Option<CollectionOutcome>,
    pub note: Option<String>,
    pub next_action_on: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct PromiseCancellation {
    pub promise_id: Uuid,
    pub reason: String,
}

/// Logging, correcting and cancelling: those who work collections.
pub fn may_work(caller: &Caller) -> Result<Access, AppError> {
    caller.authorize(Permission::WorkCollections)
}

/// Reading the log and the promises: those who work collections or read customers.
pub fn may_read(caller: &Caller) -> Result<Access, AppError> {
    caller
        .authorize(Permission::ViewCollections)
        .or_else(|_| caller.authorize(Permission::ViewCustomers))
}

fn linked_to(links: &[LinkedInvoice], owner: Uuid) -> Vec<LinkedInvoice> {
    links
        .iter()
        .filter(|link| link.owner_id == owner)
        .cloned()
        .collect()
}

async fn promises_of(
    conn: &impl ConnectionTrait,
    rows: Vec<PromiseRow>,
) -> Result<Vec<Promise>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let links = store::linked(conn, "promise_invoices", "promise_id", &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| Promise {
            invoices: linked_to(&links, row.id),
            row,
        })
        .collect())
}

async fn activities_of(
    conn: &impl ConnectionTrait,
    rows: Vec<ActivityRow>,
) -> Result<Vec<Activity>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let links = store::linked(conn, "collection_activity_invoices", "activity_id", &ids).await?;
    let promise_rows = store::promises_of_activities(conn, &ids).await?;
    let promises = promises_of(conn, promise_rows).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let promise = promises
                .iter()
                .find(|p| p.row.activity_id == Some(row.id))
                .cloned();
            Activity {
                invoices: linked_to(&links, row.id),
                promise,
                row,
            }
        })
        .collect())
}

/// Collectors work their assigned customers; others with the permission, all.
pub(super) async fn workable_customer(
    db: &DatabaseConnection,
    tx: &TenantTx,
    caller: &Caller,
    access: Access,
    id: Uuid,
) -> Result<customers::CustomerRow, AppError> {
    let today = db::tenant_calendar(db, tx.tenant()).await?.today;
    let not_found = || AppError::from(CollectionError::CustomerNotFound);
    customers::load_customer(&**tx, today, id)
        .await?
        .filter(|row| visible_to(caller, access, row))
        .ok_or_else(not_found)
}

pub async fn log_activity(
    db: &DatabaseConnection,
    caller: &Caller,
    input: NewActivity,
    request_id: &str,
) -> Result<Activity, AppError> {
    let access = may_work(caller)?;
    let tenant = caller.require_tenant()?;
    let actor = audit::actor_of(db, caller).await?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let id = log_activity_in(db, &tx, caller, access, actor, &calendar, input, request_id).await?;
    let activity = activity_by_id(&*tx, id).await?;
    tx.commit().await?;
    Ok(activity)
}

pub async fn activity_by_id(conn: &impl ConnectionTrait, id: Uuid) -> Result<Activity, AppError> {
    let not_found = || AppError::from(CollectionError::ActivityNotFound);
    let row = store::activity(conn, id).await?.ok_or_else(not_found)?;
    activities_of(conn, vec![row])
        .await?
        .pop()
        .ok_or_else(not_found)
}

/// One activity, read on its own (after the transaction that logged it).
pub async fn activity(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
) -> Result<Activity, AppError> {
    let tenant = caller.require_tenant()?;
    let tx = TenantTx::begin(db, tenant).await?;
    let activity = activity_by_id(&*tx, id).await?;
    tx.commit().await?;
    Ok(activity)
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
    input: NewActivity,
    request_id: &str,
) -> Result<Uuid, AppError> {
    let tenant = tx.tenant();
    let note = optional_text("input.note", input.note.as_deref(), 4000)?;
    let contact_name = optional_text("input.contactName", input.contact_name.as_deref(), 200)?;
    let location = optional_text("input.location", input.location.as_deref(), 300)?;
    let occurred_at = input.occurred_at.unwrap_or_else(Utc::now);
    if occurred_at > Utc::now() + chrono::Duration::minutes(5) {
        return Err(CollectionError::ActivityInFuture.into());
    }
    if input.outcome == CollectionOutcome::PromiseToPay && input.promise.is_none() {
        return Err(CollectionError::PromiseRequired.into());
    }
    let user = match caller {
        Caller::Member(member) => Some(member.user_id),
        _ => None,
    };
    let customer = workable_customer(db, tx, caller, access, input.customer_id).await?;
    if let Some(next) = input.next_action_on
        && next < calendar.today
    {
        return Err(CollectionError::NextActionInPast {
            today: calendar.today,
        }
        .into());
    }
    let mut invoices = Vec::new();
    for (index, invoice) in input.invoice_ids.iter().enumerate() {
        let belongs = store::invoice_of_customer(&**tx, *invoice, customer.id).await?;
        if !belongs {
            return Err(CollectionError::InvoiceNotOfCustomer { index }.into());
        }
        if !invoices.contains(invoice) {
            invoices.push(*invoice);
        }
    }
    let id = Uuid::now_v7();
    store::insert_activity(
        &**tx,
        NewActivityRow {
            id,
            customer_id: customer.id,
            channel: input.channel,
            outcome: input.outcome,
            note,
            contact_name: contact_name.clone(),
            location,
            occurred_at,
            next_action_on: input.next_action_on,
            logged_by: user,
            logged_by_label: actor.label().to_owned(),
        },
    )
    .await?;
    for invoice in &invoices {
        store::link_activity_invoice(&**tx, id, *invoice).await?;
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
        if domain::collections::within_a_year(calendar.today, promise.promised_date).is_err() {
            // An open promise pauses dunning until its date: a far one would pause it forever.
            return Err(CollectionError::PromiseDateOutOfRange {
                today: calendar.today,
            }
            .into());
        }
        let promise_id = Uuid::now_v7();
        store::insert_promise(
            &**tx,
            NewPromiseRow {
                id: promise_id,
                customer_id: customer.id,
                activity_id: id,
                amount,
                currency,
                promised_date: promise.promised_date,
                promised_by: contact_name,
                logged_by: user,
                logged_by_label: actor.label().to_owned(),
            },
        )
        .await?;
        for invoice in &invoices {
            store::link_promise_invoice(&**tx, promise_id, *invoice).await?;
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
                "promise": input.promise.as_ref().map(|p| serde_json::json!({ "amount": p.amount, "date": p.promised_date.to_string() })),
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
    input: ActivityCorrection,
    request_id: &str,
) -> Result<Activity, AppError> {
    let access = may_work(caller)?;
    let tenant = caller.require_tenant()?;
    let note = optional_text("input.note", input.note.as_deref(), 4000)?;
    let actor = audit::actor_of(db, caller).await?;
    let not_found = || AppError::from(CollectionError::ActivityNotFound);
    let id = input.activity_id;
    let tx = TenantTx::begin(db, tenant).await?;
    let row = store::activity_to_correct(&*tx, id, domain::collections::EDIT_WINDOW_HOURS as i32)
        .await?
        .ok_or_else(not_found)?;
    let customer_id = row.customer_id;
    workable_customer(db, &tx, caller, access, customer_id)
        .await
        .map_err(|_| not_found())?;
    let author = row.logged_by;
    let is_author = matches!(caller, Caller::Member(member) if Some(member.user_id) == author);
    if !is_author {
        return Err(CollectionError::NotActivityAuthor.into());
    }
    if !row.editable {
        return Err(CollectionError::ActivityNotEditable.into());
    }
    let before = serde_json::json!({
        "outcome": row.outcome.as_str(),
        "note": row.note,
        "nextActionOn": row.next_action_on.map(|d| d.to_string()),
    });
    store::correct_activity(
        &*tx,
        id,
        input.outcome,
        input.note.as_ref().map(|_| note),
        input.next_action_on.map(Some),
    )
    .await?;
    let updated = store::activity(&*tx, id).await?.ok_or_else(not_found)?;
    let after = serde_json::json!({
        "outcome": updated.outcome.as_str(), "note": updated.note,
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
    let activity = activities_of(&*tx, vec![updated])
        .await?
        .pop()
        .ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(activity)
}

pub async fn cancel_promise(
    db: &DatabaseConnection,
    caller: &Caller,
    input: PromiseCancellation,
    request_id: &str,
) -> Result<Promise, AppError> {
    let access = may_work(caller)?;
    let tenant = caller.require_tenant()?;
    let reason = required_text("input.reason", &input.reason, 500)?;
    let actor = audit::actor_of(db, caller).await?;
    let not_found = || AppError::from(CollectionError::PromiseNotFound);
    let id = input.promise_id;
    let tx = TenantTx::begin(db, tenant).await?;
    let row = store::promise(&*tx, id, true)
        .await?
        .ok_or_else(not_found)?;
    workable_customer(db, &tx, caller, access, row.customer_id)
        .await
        .map_err(|_| not_found())?;
    if row.status != PromiseStatus::Open {
        return Err(CollectionError::PromiseNotOpen { status: row.status }.into());
    }
    store::cancel_promise(&*tx, id, &reason).await?;
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
    let updated = store::promise(&*tx, id, false)
        .await?
        .ok_or_else(not_found)?;
    let promise = promises_of(&*tx, vec![updated])
        .await?
        .pop()
        .ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(promise)
}

/// Calls, emails, messages, visits, letters and legal steps, newest first: the page `request`
/// asks for. Collectors see their customers'. Counted in all only when `wants_total` (the
/// page's `total` is 0 otherwise).
pub async fn list_activities(
    db: &DatabaseConnection,
    caller: &Caller,
    request: &PageRequest,
    filter: ActivityFilter,
    wants_total: bool,
) -> Result<Page<Activity>, AppError> {
    let access = may_read(caller)?;
    let tenant = caller.require_tenant()?;
    let tx = TenantTx::begin(db, tenant).await?;
    let (rows, total) =
        store::list_activities(&tx, caller, access, &filter, request, wants_total).await?;
    let mut page = request.page(rows, total, store::activity_key);
    let rows = std::mem::take(&mut page.items);
    let activities = activities_of(&*tx, rows).await?;
    tx.commit().await?;
    Ok(page.with_items(activities))
}

/// Promises to pay, latest promised date first: the page `request` asks for. Counted in all
/// only when `wants_total` (the page's `total` is 0 otherwise).
pub async fn list_promises(
    db: &DatabaseConnection,
    caller: &Caller,
    request: &PageRequest,
    filter: PromiseFilter,
    wants_total: bool,
) -> Result<Page<Promise>, AppError> {
    let access = may_read(caller)?;
    let tenant = caller.require_tenant()?;
    let tx = TenantTx::begin(db, tenant).await?;
    let (rows, total) =
        store::list_promises(&tx, caller, access, &filter, request, wants_total).await?;
    let mut page = request.page(rows, total, store::promise_key);
    let rows = std::mem::take(&mut page.items);
    let promises = promises_of(&*tx, rows).await?;
    tx.commit().await?;
    Ok(page.with_items(promises))
}
