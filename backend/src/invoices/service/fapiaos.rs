//! Fapiao (发票) recorded against invoices and voided, under the rules of `domain::fapiao`:
//! the kind's number form, tax below the amount, never more than the invoice's total, and
//! red-letter fapiao within their credit note and within what they reverse. Finance records
//! them; the invoice's lock makes two recordings for one invoice take turns.

use super::{InvoiceRecord, finish, lock_invoice, lock_invoice_in};
use crate::api::values::{parse_amount, required_text};
use crate::audit;
use crate::auth::Caller;
use crate::db::{self, TenantTx};
use crate::error::AppError;
use crate::invoices::errors::{InvoiceError, fapiao_refused};
use crate::invoices::store::{self, FapiaoRow, NewFapiao};
use chrono::NaiveDate;
use domain::access::Permission;
use domain::fapiao::{self, FapiaoKind};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecordFapiao {
    pub invoice_id: Uuid,
    pub number: String,
    /// Paper VAT fapiao only.
    pub code: Option<String>,
    pub kind: FapiaoKind,
    pub issued_on: NaiveDate,
    /// Tax included (价税合计), in the invoice's currency.
    pub amount: String,
    pub tax_amount: String,
    /// For a red-letter fapiao: the credit note it answers.
    pub credit_note_id: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VoidFapiao {
    pub fapiao_id: Uuid,
    pub reason: String,
}

fn trimmed(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
}

pub async fn record_fapiao(
    db: &DatabaseConnection,
    caller: &Caller,
    command: RecordFapiao,
    request_id: &str,
) -> Result<(FapiaoRow, InvoiceRecord), AppError> {
    caller.authorize(Permission::ManageInvoices)?;
    let number = command.number.trim().to_owned();
    let code = trimmed(command.code.as_deref());
    fapiao::check_number(command.kind, &number, code.as_deref())
        .map_err(|rule| fapiao_refused(rule, command.kind, ""))?;
    let actor = audit::actor_of(db, caller).await?;
    let (tx, today, row) = lock_invoice(db, caller, command.invoice_id).await?;
    if !row.status.takes_fapiao() {
        return Err(InvoiceError::FapiaoInvoiceNotIssued { status: row.status }.into());
    }
    if command.issued_on > today {
        return Err(InvoiceError::FapiaoIssuedInFuture { today }.into());
    }
    let currency = row.currency;
    let amount = parse_amount("input.amount", &command.amount, currency, false)?;
    let tax = parse_amount("input.taxAmount", &command.tax_amount, currency, true)?;
    let credit_note = match command.credit_note_id {
        Some(id) => {
            let note = store::credit_note(&tx, id)
                .await?
                .ok_or(InvoiceError::CreditNoteNotFound)?;
            if note.invoice_id != row.id {
                return Err(InvoiceError::FapiaoCreditNoteOfAnotherInvoice.into());
            }
            Some(note.amount)
        }
        None => None,
    };
    let (standing, for_credit_note) = store::standing(&tx, row.id, command.credit_note_id).await?;
    fapiao::check_new(
        row.total,
        standing,
        amount,
        tax,
        credit_note.map(|note| (note, for_credit_note)),
    )
    .map_err(|rule| fapiao_refused(rule, command.kind, currency.code()))?;
    let id = Uuid::now_v7();
    let recorded = store::insert_fapiao(
        &tx,
        NewFapiao {
            id,
            invoice_id: row.id,
            credit_note_id: command.credit_note_id,
            kind: command.kind,
            number: number.clone(),
            code,
            issued_on: command.issued_on,
            amount,
            tax_amount: tax,
            recorded_by: actor.label().to_owned(),
        },
    )
    .await?;
    if !recorded {
        return Err(InvoiceError::FapiaoNumberTaken { number }.into());
    }
    let invoice = finish(
        tx,
        today,
        row.id,
        actor,
        "invoice.fapiao_recorded",
        None,
        request_id,
    )
    .await?;
    fapiao_in(id, invoice)
}

/// Voids a recorded fapiao with the reason (a wrong number, a fapiao the tax system voided);
/// the row stays, marked. A fapiao a red-letter one still reverses cannot be voided first.
pub async fn void_fapiao(
    db: &DatabaseConnection,
    caller: &Caller,
    command: VoidFapiao,
    request_id: &str,
) -> Result<(FapiaoRow, InvoiceRecord), AppError> {
    caller.authorize(Permission::ManageInvoices)?;
    let reason = required_text("input.reason", &command.reason, 500)?;
    let actor = audit::actor_of(db, caller).await?;
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let found = store::lock_fapiao(&tx, command.fapiao_id)
        .await?
        .ok_or(InvoiceError::FapiaoNotFound)?;
    // The invoice's lock, as recording takes it, then the fapiao's row again under it.
    let invoice = lock_invoice_in(&tx, calendar.today, found.invoice_id).await?;
    if found.voided_at.is_some() {
        return Err(InvoiceError::FapiaoVoided.into());
    }
    let (standing, _) = store::standing(&tx, invoice.id, None).await?;
    fapiao::check_void(standing, found.amount, found.credit_note_id.is_some())
        .map_err(|rule| fapiao_refused(rule, found.kind, invoice.currency.code()))?;
    store::void_fapiao(&tx, found.id, &reason, actor.label()).await?;
    let record = finish(
        tx,
        calendar.today,
        invoice.id,
        actor,
        "invoice.fapiao_voided",
        None,
        request_id,
    )
    .await?;
    fapiao_in(found.id, record)
}

fn fapiao_in(id: Uuid, invoice: InvoiceRecord) -> Result<(FapiaoRow, InvoiceRecord), AppError> {
    let fapiao = invoice
        .fapiaos
        .iter()
        .find(|f| f.id == id)
        .cloned()
        .ok_or(InvoiceError::FapiaoNotFound)?;
    Ok((fapiao, invoice))
}
