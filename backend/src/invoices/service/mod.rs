//! The invoice use cases, each in one tenant transaction; listing and finding here.

mod adjustments;
mod changes;
mod commands;
mod disputes;
mod documents;
mod fapiaos;
mod issuing;

pub use super::store::{Direction, ListFilter, ListOrder, QueueFilter, SortField};
pub use adjustments::{
    CreditNoteRecord, create_credit_note, run_create_credit_note, set_installment_plan,
};
pub use changes::{
    create_invoice, issue_invoice, run_issue_invoice, run_void_invoice, run_write_off_invoice,
    update_invoice, void_invoice, write_off_invoice,
};
pub use commands::*;
pub use disputes::{
    QueueItem, UpdateDispute, list_disputes, member_name, name_assignees, open_dispute,
    resolve_dispute, update_dispute,
};
pub use documents::{InvoiceSent, MAX_CC, SendInvoice, invoice_pdf, send_invoice};
pub use fapiaos::{RecordFapiao, VoidFapiao, record_fapiao, void_fapiao};
pub(crate) use issuing::{Numbered, next_free_number, next_free_numbers};

use super::store::{self, AllocationRow, DisputeRow, InstallmentRow, InvoiceRow, LineRow};
use crate::api::pagination::{Page, PageRequest};
use crate::audit::{self, Actor, AuditEntry};
use crate::auth::{Caller, visible_to};
use crate::collections::store::fees::FeeRow;
use crate::customers;
use crate::db::{self, MemberName, TenantTx};
use crate::error::AppError;
use crate::invoices::errors::InvoiceError;
use chrono::NaiveDate;
use domain::access::{Access, Permission};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

/// Which nested lists to load.
#[derive(Clone, Copy, Default)]
pub struct Details {
    pub lines: bool,
    pub allocations: bool,
    pub disputes: bool,
    pub installments: bool,
    pub late_fees: bool,
    pub fapiaos: bool,
    pub credit_notes: bool,
}

impl Details {
    pub fn all() -> Self {
        Details {
            lines: true,
            allocations: true,
            disputes: true,
            installments: true,
            late_fees: true,
            fapiaos: true,
            credit_notes: true,
        }
    }
}

/// An invoice with the nested lists asked for (the others empty).
pub struct InvoiceRecord {
    /// The company's today, which days overdue and the aging bucket count from.
    pub today: NaiveDate,
    pub row: InvoiceRow,
    pub lines: Vec<LineRow>,
    pub allocations: Vec<AllocationRow>,
    pub disputes: Vec<DisputeRow>,
    pub installments: Vec<InstallmentRow>,
    /// Late fees and interest charged on this invoice, or, for a fee invoice, its own charge.
    pub late_fees: Vec<FeeRow>,
    /// The fapiao recorded for it, voided ones too, in the order they were issued.
    pub fapiaos: Vec<store::FapiaoRow>,
    /// Its issued credit notes, oldest first.
    pub credit_notes: Vec<store::InvoiceCreditNoteRow>,
    /// The members the disputes are assigned to, once read ([`name_assignees`]); `None` when
    /// not read (a dispute's `assignee` then reads its own).
    pub assignees: Option<Vec<MemberName>>,
}

/// Invoice records from rows; each nested list asked for costs one statement for the whole
/// page.
pub async fn assemble(
    conn: &impl sea_orm::ConnectionTrait,
    today: NaiveDate,
    rows: Vec<InvoiceRow>,
    details: Details,
) -> Result<Vec<InvoiceRecord>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let lines = if details.lines {
        store::lines_of(conn, &ids).await?
    } else {
        Vec::new()
    };
    let allocations = if details.allocations {
        store::allocations_by(conn, "invoice_id", &ids).await?
    } else {
        Vec::new()
    };
    let disputes = if details.disputes {
        store::disputes_of(conn, &ids).await?
    } else {
        Vec::new()
    };
    let installments = if details.installments {
        store::installments_of(conn, &ids).await?
    } else {
        Vec::new()
    };
    let fapiaos = if details.fapiaos {
        store::fapiaos_of(conn, &ids).await?
    } else {
        Vec::new()
    };
    let credit_notes = if details.credit_notes {
        store::credit_notes_of(conn, &ids).await?
    } else {
        Vec::new()
    };
    let fees = if details.late_fees && !ids.is_empty() {
        crate::collections::service::fees::fees_of(conn, &ids).await?
    } else {
        Vec::new()
    };
    Ok(rows
        .into_iter()
        .map(|row| {
            let id = row.id;
            InvoiceRecord {
                today,
                lines: lines
                    .iter()
                    .filter(|l| l.invoice_id == id)
                    .cloned()
                    .collect(),
                allocations: allocations
                    .iter()
                    .filter(|a| a.invoice_id == id)
                    .cloned()
                    .collect(),
                disputes: disputes
                    .iter()
                    .filter(|d| d.invoice_id == id)
                    .cloned()
                    .collect(),
                installments: installments
                    .iter()
                    .filter(|i| i.invoice_id == id)
                    .cloned()
                    .collect(),
                late_fees: fees
                    .iter()
                    .filter(|(invoice, _)| *invoice == id)
                    .map(|(_, fee)| fee.clone())
                    .collect(),
                fapiaos: fapiaos
                    .iter()
                    .filter(|f| f.invoice_id == id)
                    .cloned()
                    .collect(),
                credit_notes: credit_notes
                    .iter()
                    .filter(|note| note.invoice_id == id)
                    .cloned()
                    .collect(),
                assignees: None,
                row,
            }
        })
        .collect())
}

/// A page of the invoices the caller may see: `first` 1 to 200 (50 by default) after the
/// cursor `after`; counted in all only when `wants_total` (the page's `total` is 0 otherwise).
#[allow(clippy::too_many_arguments)]
pub async fn list_invoices(
    db: &DatabaseConnection,
    caller: &Caller,
    first: Option<i32>,
    after: Option<String>,
    filter: ListFilter,
    order: ListOrder,
    details: Details,
    wants_total: bool,
) -> Result<Page<InvoiceRecord>, AppError> {
    let access = caller.authorize(Permission::ViewInvoices)?;
    let tenant = caller.require_tenant()?;
    let request = PageRequest::parse(
        "invoices",
        order.name(),
        order.keyset(),
        first,
        after.as_deref(),
    )?;
    let calendar = db::tenant_calendar(db, tenant).await?;

    let tx = TenantTx::begin(db, tenant).await?;
    let (rows, total) = store::page(
        &tx,
        caller,
        access,
        calendar.today,
        &filter,
        order,
        &request,
        wants_total,
    )
    .await?;
    let mut page = request.page(rows, total, |row| order.key(row));
    let rows = std::mem::take(&mut page.items);
    let mut invoices = assemble(&*tx, calendar.today, rows, details).await?;
    tx.commit().await?;
    if details.disputes {
        name_assignees(db, tenant, &mut invoices).await?;
    }
    Ok(page.with_items(invoices))
}

/// Whether the caller may see an invoice of this customer.
async fn customer_visible(
    tx: &TenantTx,
    caller: &Caller,
    access: Access,
    today: NaiveDate,
    customer_id: Uuid,
) -> Result<bool, AppError> {
    if access == Access::All {
        return Ok(true);
    }
    Ok(customers::load_customer(&**tx, today, customer_id)
        .await?
        .is_some_and(|row| visible_to(caller, access, &row)))
}

/// One invoice, when the caller may see it.
pub async fn find_invoice(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    details: Details,
) -> Result<Option<InvoiceRecord>, AppError> {
    let access = caller.authorize(Permission::ViewInvoices)?;
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let row = store::load_invoice(&*tx, id, false).await?;
    let mut found = match row {
        Some(row)
            if customer_visible(&tx, caller, access, calendar.today, row.customer_id).await? =>
        {
            assemble(&*tx, calendar.today, vec![row], details)
                .await?
                .pop()
        }
        _ => None,
    };
    tx.commit().await?;
    if details.disputes
        && let Some(record) = found.as_mut()
    {
        name_assignees(db, tenant, std::slice::from_mut(record)).await?;
    }
    Ok(found)
}

/// Opens the transaction for a change to one invoice and returns it locked; `NOT_FOUND` for an
/// id outside the tenant.
async fn lock_invoice(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
) -> Result<(TenantTx, NaiveDate, InvoiceRow), AppError> {
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let row = lock_invoice_in(&tx, calendar.today, id).await?;
    Ok((tx, calendar.today, row))
}

/// Locks one invoice for a change in `tx`; `NOT_FOUND` for an id outside the tenant.
async fn lock_invoice_in(
    tx: &TenantTx,
    today: NaiveDate,
    id: Uuid,
) -> Result<InvoiceRow, AppError> {
    let not_found = || AppError::from(InvoiceError::InvoiceNotFound);
    // Every change that moves an invoice's money locks its customer first, then the invoice:
    // one order everywhere, so payments, credit notes and write-offs never deadlock.
    let customer = store::load_invoice(&**tx, id, false)
        .await?
        .ok_or_else(not_found)?
        .customer_id;
    customers::customer_for_update(&**tx, today, customer).await?;
    store::load_invoice(&**tx, id, true)
        .await?
        .ok_or_else(not_found)
}

/// The invoice's status does not allow `action`.
fn wrong_status(row: &InvoiceRow, action: domain::invoices::InvoiceAction) -> AppError {
    InvoiceError::WrongStatus {
        status: row.status,
        action,
    }
    .into()
}

/// Reloads the invoice, records the audit entry, commits.
#[allow(clippy::too_many_arguments)]
async fn finish(
    tx: TenantTx,
    today: NaiveDate,
    id: Uuid,
    actor: Actor,
    action: &str,
    before: Option<serde_json::Value>,
    request_id: &str,
) -> Result<InvoiceRecord, AppError> {
    let invoice = record_change(&tx, today, id, actor, action, before, request_id).await?;
    tx.commit().await?;
    Ok(invoice)
}

/// Reloads the invoice after a change in `tx` and records the audit entry.
#[allow(clippy::too_many_arguments)]
async fn record_change(
    tx: &TenantTx,
    today: NaiveDate,
    id: Uuid,
    actor: Actor,
    action: &str,
    before: Option<serde_json::Value>,
    request_id: &str,
) -> Result<InvoiceRecord, AppError> {
    let invoice = record_as_it_stands(tx, today, id).await?;
    let row = &invoice.row;
    let after = serde_json::json!({
        "number": row.number, "status": row.status.as_str(), "total": row.total.to_string(),
        "balanceDue": row.balance_due.to_string(), "currency": row.currency.code(),
        "dueDate": row.due_date.to_string(), "customerId": row.customer_id.to_string(),
    });
    audit::record(
        &**tx,
        tx.tenant(),
        AuditEntry {
            actor,
            action,
            entity_type: "invoice",
            entity_id: Some(id.to_string()),
            before,
            after: Some(after),
            request_id: Some(request_id),
        },
    )
    .await?;
    Ok(invoice)
}

/// The invoice with every nested list, as it stands in `tx`.
async fn record_as_it_stands(
    tx: &TenantTx,
    today: NaiveDate,
    id: Uuid,
) -> Result<InvoiceRecord, AppError> {
    let row = store::load_invoice(&**tx, id, false)
        .await?
        .ok_or_else(|| AppError::from(InvoiceError::InvoiceNotFound))?;
    assemble(&**tx, today, vec![row], Details::all())
        .await?
        .pop()
        .ok_or_else(|| AppError::from(InvoiceError::InvoiceNotFound))
}

/// The invoice as the subject of an approval request.
fn approval_subject(row: &InvoiceRow) -> crate::approval_gate::Subject {
    crate::approval_gate::Subject {
        kind: "invoice",
        id: row.id,
        customer_id: row.customer_id,
        label: row
            .number
            .clone()
            .unwrap_or_else(|| row.customer_name.clone()),
    }
}

fn before_of(row: &InvoiceRow) -> serde_json::Value {
    serde_json::json!({
        "number": row.number, "status": row.status.as_str(), "total": row.total.to_string(),
        "balanceDue": row.balance_due.to_string(), "dueDate": row.due_date.to_string(),
    })
}
