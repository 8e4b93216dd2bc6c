//! Disputes: opening one on an invoice, working it from the queue (its reason code, owner and
//! due date), and resolving it with a note the customer can be sent.
//!
//! Finance manages disputes; collectors open and work those of their own customers. Who may
//! read the queue is who may read invoices, and collectors and salespeople see their customers'
//! disputes only.

use super::{
    Details, InvoiceRecord, OpenDispute, ResolveDispute, assemble, customer_visible, finish,
    lock_invoice, wrong_status,
};
use crate::api::pagination::{Page, PageRequest};
use crate::api::values::{parse_amount, required_text};
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::db::{self, MemberName, TenantTx};
use crate::error::AppError;
use crate::invoices::errors::InvoiceError;
use crate::invoices::store::{self, DisputeRow, NewDispute, QueueFilter, QueueRow};
use chrono::NaiveDate;
use domain::TenantId;
use domain::access::{Access, Permission};
use domain::invoices::{DisputeReason, DisputeStatus, InvoiceAction};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

/// Finance manages invoices; collectors record and work disputes raised on their customers'
/// calls.
fn may_work(caller: &Caller) -> Result<Access, AppError> {
    caller
        .authorize(Permission::ManageInvoices)
        .or_else(|_| caller.authorize(Permission::WorkCollections))
}

/// The member a dispute may be given to: one of this company whose role works collections
/// (finance and managers do too). Another company's user is not found.
async fn check_assignee(
    db: &DatabaseConnection,
    tenant: TenantId,
    user: Uuid,
) -> Result<(), AppError> {
    let member = db::members::member(db, tenant, user)
        .await?
        .ok_or(InvoiceError::DisputeAssigneeNotFound)?;
    if !member.role.may_collect() {
        return Err(InvoiceError::DisputeAssigneeMayNotCollect {
            role: member.role.as_str().to_owned(),
        }
        .into());
    }
    Ok(())
}

/// A due date from today to a year on.
fn check_due(today: NaiveDate, day: NaiveDate) -> Result<(), AppError> {
    domain::collections::within_a_year(today, day)
        .map_err(|_| InvoiceError::DisputeDueOutOfRange { today }.into())
}

/// Reads the names of the members the records' disputes are assigned to, in one control-plane
/// statement (none when no dispute has one). A member who left is not found: no one.
pub async fn name_assignees(
    db: &DatabaseConnection,
    tenant: TenantId,
    records: &mut [InvoiceRecord],
) -> Result<(), AppError> {
    let mut ids: Vec<Uuid> = records
        .iter()
        .flat_map(|record| record.disputes.iter().filter_map(|d| d.assignee_id))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let people = db::member_names(db, tenant, &ids).await?;
    for record in records.iter_mut() {
        record.assignees = Some(
            people
                .iter()
                .filter(|person| {
                    record
                        .disputes
                        .iter()
                        .any(|d| d.assignee_id == Some(person.id))
                })
                .cloned()
                .collect(),
        );
    }
    Ok(())
}

/// The member `id` of the caller's company, for a dispute read without its assignee's name;
/// `None` when they are no longer a member.
pub async fn member_name(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
) -> Result<Option<MemberName>, AppError> {
    let tenant = caller.require_tenant()?;
    Ok(db::member_names(db, tenant, &[id]).await?.pop())
}

/// The dispute `id` out of its invoice's record, with its assignee's name read.
async fn dispute_in(
    db: &DatabaseConnection,
    tenant: TenantId,
    id: Uuid,
    mut invoice: InvoiceRecord,
) -> Result<(DisputeRow, InvoiceRecord), AppError> {
    name_assignees(db, tenant, std::slice::from_mut(&mut invoice)).await?;
    let dispute = invoice
        .disputes
        .iter()
        .find(|d| d.id == id)
        .cloned()
        .ok_or_else(|| AppError::from(InvoiceError::DisputeNotFound))?;
    Ok((dispute, invoice))
}

pub async fn open_dispute(
    db: &DatabaseConnection,
    caller: &Caller,
    command: OpenDispute,
    request_id: &str,
) -> Result<(DisputeRow, InvoiceRecord), AppError> {
    let access = may_work(caller)?;
    let tenant = caller.require_tenant()?;
    let reason = required_text("input.reason", &command.reason, 1000)?;
    let actor = audit::actor_of(db, caller).await?;
    // The owner is checked before the invoice's lock is taken (a control-plane read).
    if let Some(assignee) = command.assignee_id {
        check_assignee(db, tenant, assignee).await?;
    }
    let (tx, today, row) = lock_invoice(db, caller, command.invoice_id).await?;
    if !customer_visible(&tx, caller, access, today, row.customer_id).await? {
        return Err(InvoiceError::InvoiceNotFound.into());
    }
    if !row.status.allows(InvoiceAction::Dispute) {
        return Err(wrong_status(&row, InvoiceAction::Dispute));
    }
    let amount = match &command.amount {
        Some(amount) => parse_amount("input.amount", amount, row.currency, false)?,
        None => row.balance_due,
    };
    if amount > row.balance_due {
        return Err(InvoiceError::OverBalance {
            balance_due: row.balance_due,
            currency: row.currency,
        }
        .into());
    }
    if let Some(day) = command.due_on {
        check_due(today, day)?;
    }
    let id = Uuid::now_v7();
    store::insert_dispute(
        &tx,
        NewDispute {
            id,
            invoice_id: row.id,
            reason,
            reason_code: command.reason_code.unwrap_or_default(),
            amount,
            assignee_id: command.assignee_id,
            due_on: command.due_on,
            opened_by: actor.label().to_owned(),
        },
    )
    .await?;
    let invoice = finish(
        tx,
        today,
        row.id,
        actor,
        "invoice.dispute_opened",
        None,
        request_id,
    )
    .await?;
    dispute_in(db, tenant, id, invoice).await
}

/// Closes an open dispute as resolved or rejected; the note says what was decided, in words
/// the customer can be sent.
pub async fn resolve_dispute(
    db: &DatabaseConnection,
    caller: &Caller,
    command: ResolveDispute,
    request_id: &str,
) -> Result<(DisputeRow, InvoiceRecord), AppError> {
    caller.authorize(Permission::ManageInvoices)?;
    let note = required_text("input.note", &command.note, 1000)?;
    let actor = audit::actor_of(db, caller).await?;
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let not_found = || AppError::from(InvoiceError::DisputeNotFound);
    let dispute_id = command.dispute_id;
    let tx = TenantTx::begin(db, tenant).await?;
    let dispute = store::load_dispute(&*tx, dispute_id, true)
        .await?
        .ok_or_else(not_found)?;
    if dispute.status != DisputeStatus::Open {
        return Err(InvoiceError::DisputeClosed {
            status: dispute.status,
        }
        .into());
    }
    store::close_dispute(
        &tx,
        dispute_id,
        command.outcome.status(),
        note,
        actor.label(),
    )
    .await?;
    let invoice = finish(
        tx,
        calendar.today,
        dispute.invoice_id,
        actor,
        "invoice.dispute_resolved",
        None,
        request_id,
    )
    .await?;
    dispute_in(db, tenant, dispute_id, invoice).await
}

/// Changes to an open dispute: a field left `None` stays as it is; `Some(None)` clears the
/// owner or the due date.
#[derive(Debug, Clone)]
pub struct UpdateDispute {
    pub dispute_id: Uuid,
    pub reason_code: Option<DisputeReason>,
    /// A member whose role works collections.
    pub assignee_id: Option<Option<Uuid>>,
    /// From today to a year on.
    pub due_on: Option<Option<NaiveDate>>,
}

/// What the queue works on a dispute, for the audit log.
fn work_of(
    reason_code: DisputeReason,
    assignee_id: Option<Uuid>,
    due_on: Option<NaiveDate>,
) -> serde_json::Value {
    serde_json::json!({
        "reasonCode": reason_code.as_str(),
        "assigneeId": assignee_id.map(|id| id.to_string()),
        "dueOn": due_on.map(|day| day.to_string()),
    })
}

pub async fn update_dispute(
    db: &DatabaseConnection,
    caller: &Caller,
    command: UpdateDispute,
    request_id: &str,
) -> Result<(DisputeRow, InvoiceRecord), AppError> {
    let access = may_work(caller)?;
    let tenant = caller.require_tenant()?;
    let actor = audit::actor_of(db, caller).await?;
    if let Some(Some(assignee)) = command.assignee_id {
        check_assignee(db, tenant, assignee).await?;
    }
    let calendar = db::tenant_calendar(db, tenant).await?;
    let not_found = || AppError::from(InvoiceError::DisputeNotFound);
    let tx = TenantTx::begin(db, tenant).await?;
    let current = store::load_dispute(&*tx, command.dispute_id, true)
        .await?
        .ok_or_else(not_found)?;
    let invoice = store::load_invoice(&*tx, current.invoice_id, false)
        .await?
        .ok_or_else(not_found)?;
    if !customer_visible(&tx, caller, access, calendar.today, invoice.customer_id).await? {
        return Err(not_found());
    }
    if current.status != DisputeStatus::Open {
        return Err(InvoiceError::DisputeClosed {
            status: current.status,
        }
        .into());
    }
    if let Some(Some(day)) = command.due_on {
        check_due(calendar.today, day)?;
    }
    let reason_code = command.reason_code.unwrap_or(current.reason_code);
    let assignee_id = command.assignee_id.unwrap_or(current.assignee_id);
    let due_on = command.due_on.unwrap_or(current.due_on);
    store::set_dispute_work(&tx, current.id, reason_code, assignee_id, due_on).await?;
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "dispute.updated",
            entity_type: "dispute",
            entity_id: Some(current.id.to_string()),
            before: Some(work_of(
                current.reason_code,
                current.assignee_id,
                current.due_on,
            )),
            after: Some(work_of(reason_code, assignee_id, due_on)),
            request_id: Some(request_id),
        },
    )
    .await?;
    let record = assemble(&*tx, calendar.today, vec![invoice], Details::all())
        .await?
        .pop()
        .ok_or_else(|| AppError::from(InvoiceError::InvoiceNotFound))?;
    tx.commit().await?;
    dispute_in(db, tenant, current.id, record).await
}

/// A dispute in the queue, with its owner's name (none when unassigned or no longer a member)
/// and how many days it has been open.
#[derive(Debug, Clone)]
pub struct QueueItem {
    pub row: QueueRow,
    pub assignee: Option<MemberName>,
    pub age_days: i64,
}

/// A page of the disputes queue, oldest first: `first` 1 to 200 (50 by default) after the
/// cursor `after`; open disputes unless the filter names statuses. Counted in all only when
/// `wants_total` (the page's `total` is 0 otherwise).
pub async fn list_disputes(
    db: &DatabaseConnection,
    caller: &Caller,
    first: Option<i32>,
    after: Option<String>,
    filter: QueueFilter,
    wants_total: bool,
) -> Result<Page<QueueItem>, AppError> {
    let access = caller.authorize(Permission::ViewInvoices)?;
    let tenant = caller.require_tenant()?;
    let request = PageRequest::parse(
        "disputes",
        store::QUEUE_ORDER,
        true,
        first,
        after.as_deref(),
    )?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let (rows, total) = store::queue_page(
        &tx,
        caller,
        access,
        &calendar.time_zone,
        &filter,
        &request,
        wants_total,
    )
    .await?;
    tx.commit().await?;
    let page = request.page(rows, total, store::queue_key);
    let mut ids: Vec<Uuid> = page
        .items
        .iter()
        .filter_map(|row| row.assignee_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let people = db::member_names(db, tenant, &ids).await?;
    let today = calendar.today;
    Ok(page.map(|row| QueueItem {
        assignee: row
            .assignee_id
            .and_then(|id| people.iter().find(|person| person.id == id).cloned()),
        age_days: (today - row.opened_on).num_days().max(0),
        row,
    }))
}
