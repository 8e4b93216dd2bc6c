//! Credit notes and installment plans on an invoice.

use super::issuing::{Numbered, next_free_number};
use super::{
    CreateCreditNote, InvoiceRecord, SetInstallmentPlan, before_of, finish, lock_invoice,
    lock_invoice_in, record_as_it_stands, record_change, wrong_status,
};
use crate::api::values::{parse_amount, required_text};
use crate::approval_gate::{self, Asked, Asking, Gated, InTx, Passage};
use crate::audit;
use crate::auth::Caller;
use crate::error::AppError;
use crate::invoices::errors::InvoiceError;
use crate::invoices::store::{self, CreditNoteRow, NewCreditNote};
use crate::payments::idempotency;
use domain::access::Permission;
use domain::approvals::{ApprovalAction, ApprovalStatus, Compared};
use domain::invoices::{CreditNoteStatus, InstallmentPlan, InvoiceAction};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

/// A credit note as the API shows it: issued, or waiting for approval (no number yet, counted
/// nowhere), or cancelled with its request.
#[derive(Debug, Clone)]
pub struct CreditNoteRecord {
    pub note: CreditNoteRow,
    pub status: CreditNoteStatus,
}

pub async fn create_credit_note(
    db: &DatabaseConnection,
    caller: &Caller,
    asking: Asking<CreateCreditNote>,
    request_id: &str,
) -> Result<Gated<(CreditNoteRecord, InvoiceRecord)>, AppError> {
    approval_gate::run_gated(
        db,
        caller,
        Permission::ManageInvoices,
        asking,
        request_id,
        run_create_credit_note,
    )
    .await
}

/// Issues the credit note in `tx`, unless it waits for approval under a CREDIT_NOTE policy
/// (by its amount): then it is shown PENDING_APPROVAL, with the request's id, which it keeps
/// when the approval issues it and gives it its number.
pub async fn run_create_credit_note(
    at: &InTx<'_>,
    command: &CreateCreditNote,
    asked: Asked,
) -> Result<Gated<(CreditNoteRecord, InvoiceRecord)>, AppError> {
    let InTx {
        db: _,
        tx,
        today,
        caller,
        actor,
        request_id,
    } = *at;
    caller.authorize(Permission::ManageInvoices)?;
    let reason = required_text("input.reason", &command.reason, 500)?;
    let actor = actor.clone();
    let key = idempotency::key_input(command.idempotency_key.as_deref())?;
    let row = lock_invoice_in(tx, today, command.invoice_id).await?;
    let digest = idempotency::digest(&[
        &row.id.to_string(),
        command.amount.trim(),
        &reason,
        &command.issued_on.map(|d| d.to_string()).unwrap_or_default(),
    ]);
    if let Some(key) = &key
        && let Some(first) = idempotency::replay(&**tx, key, "createCreditNote", &digest).await?
    {
        let note = store::load_credit_note(&**tx, first)
            .await?
            .ok_or_else(|| AppError::from(InvoiceError::CreditNoteNotFound))?;
        let invoice = record_as_it_stands(tx, today, row.id).await?;
        let note = CreditNoteRecord {
            note,
            status: CreditNoteStatus::Issued,
        };
        return Ok(Gated {
            record: (note, invoice),
            approval_request: None,
        });
    }
    if !row.status.allows(InvoiceAction::Credit) {
        return Err(wrong_status(&row, InvoiceAction::Credit));
    }
    let amount = parse_amount("input.amount", &command.amount, row.currency, false)?;
    if amount > row.balance_due {
        return Err(InvoiceError::OverBalance {
            balance_due: row.balance_due,
            currency: row.currency,
        }
        .into());
    }
    let issued_on = command.issued_on.unwrap_or(today);
    let shown = |amount| domain::display::amount_string(amount, row.currency.code());
    let change = approval_gate::Change {
        action: ApprovalAction::CreditNote,
        currency: row.currency,
        compared: Compared::amount(amount),
        subject: super::approval_subject(&row),
        asked_against: serde_json::json!({
            "number": row.number, "status": row.status.as_str(),
            "customer": row.customer_name, "currency": row.currency.code(),
            "total": shown(row.total), "balanceDue": shown(row.balance_due),
            "amountCredited": shown(row.amount_credited),
        }),
        reason: reason.clone(),
        idempotency_key: key.clone(),
    };
    if let Passage::Waiting(request) =
        approval_gate::pass(tx, today, &actor, asked, command, change, request_id).await?
    {
        let status = match request.status {
            ApprovalStatus::Pending => CreditNoteStatus::PendingApproval,
            ApprovalStatus::Approved => CreditNoteStatus::Issued,
            _ => CreditNoteStatus::Cancelled,
        };
        let note = CreditNoteRecord {
            note: CreditNoteRow {
                id: request.id,
                number: String::new(),
                amount,
                currency: row.currency,
                reason,
                issued_on,
            },
            status,
        };
        return Ok(Gated {
            record: (note, record_as_it_stands(tx, today, row.id).await?),
            approval_request: Some(*request),
        });
    }
    let id = match asked {
        Asked::Approved { request, .. } => request,
        Asked::Directly { .. } => Uuid::now_v7(),
    };
    let number = next_free_number(tx, Numbered::CreditNote).await?;
    store::insert_credit_note(
        tx,
        NewCreditNote {
            id,
            number: number.clone(),
            customer_id: row.customer_id,
            invoice_id: row.id,
            amount,
            currency: row.currency,
            reason: reason.clone(),
            issued_on,
            actor_label: actor.label().to_owned(),
        },
    )
    .await?;
    if let Some(key) = &key {
        idempotency::remember(&**tx, key, "createCreditNote", &digest, id).await?;
    }
    store::add_credited(&**tx, row.id, amount).await?;
    let before = before_of(&row);
    let invoice = record_change(
        tx,
        today,
        row.id,
        actor,
        "invoice.credited",
        Some(before),
        request_id,
    )
    .await?;
    let note = CreditNoteRecord {
        note: CreditNoteRow {
            id,
            number,
            amount,
            currency: row.currency,
            reason,
            issued_on,
        },
        status: CreditNoteStatus::Issued,
    };
    Ok(Gated {
        record: (note, invoice),
        approval_request: None,
    })
}

pub async fn set_installment_plan(
    db: &DatabaseConnection,
    caller: &Caller,
    command: SetInstallmentPlan,
    request_id: &str,
) -> Result<InvoiceRecord, AppError> {
    caller.authorize(Permission::ManageInvoices)?;
    let actor = audit::actor_of(db, caller).await?;
    let (tx, today, row) = lock_invoice(db, caller, command.invoice_id).await?;
    if !row.status.allows(InvoiceAction::PlanInstallments) {
        return Err(wrong_status(&row, InvoiceAction::PlanInstallments));
    }
    let mut plan = InstallmentPlan::new(row.issue_date);
    for (index, part) in command.installments.iter().enumerate() {
        let field = format!("input.installments[{index}]");
        let amount = parse_amount(
            &format!("{field}.amount"),
            &part.amount,
            row.currency,
            false,
        )?;
        plan.push(part.due_date, amount)
            .map_err(|error| InvoiceError::Installments {
                index: Some(index),
                error,
            })?;
    }
    let parts = plan
        .finish(row.total, row.currency)
        .map_err(|error| InvoiceError::Installments { index: None, error })?;
    store::replace_installments(&tx, row.id, &parts).await?;
    let before = before_of(&row);
    finish(
        tx,
        today,
        row.id,
        actor,
        "invoice.installment_plan_set",
        Some(before),
        request_id,
    )
    .await
}
