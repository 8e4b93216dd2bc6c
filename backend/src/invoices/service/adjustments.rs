//! Credit notes and installment plans on an invoice.

use super::issuing::{Numbered, next_free_number};
use super::{
    CreateCreditNote, Details, InvoiceRecord, SetInstallmentPlan, assemble, before_of, finish,
    lock_invoice, wrong_status,
};
use crate::api::values::{parse_amount, required_text};
use crate::audit;
use crate::auth::Caller;
use crate::error::AppError;
use crate::invoices::errors::InvoiceError;
use crate::invoices::store::{self, CreditNoteRow, NewCreditNote};
use crate::payments::idempotency;
use domain::access::Permission;
use domain::invoices::{InstallmentPlan, InvoiceAction};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

pub async fn create_credit_note(
    db: &DatabaseConnection,
    caller: &Caller,
    command: CreateCreditNote,
    request_id: &str,
) -> Result<(CreditNoteRow, InvoiceRecord), AppError> {
    caller.authorize(Permission::ManageInvoices)?;
    let reason = required_text("input.reason", &command.reason, 500)?;
    let actor = audit::actor_of(db, caller).await?;
    let key = idempotency::key_input(command.idempotency_key.as_deref())?;
    let (tx, today, row) = lock_invoice(db, caller, command.invoice_id).await?;
    let digest = idempotency::digest(&[
        &row.id.to_string(),
        command.amount.trim(),
        &reason,
        &command.issued_on.map(|d| d.to_string()).unwrap_or_default(),
    ]);
    if let Some(key) = &key
        && let Some(first) = idempotency::replay(&*tx, key, "createCreditNote", &digest).await?
    {
        let note = store::load_credit_note(&*tx, first)
            .await?
            .ok_or_else(|| AppError::from(InvoiceError::CreditNoteNotFound))?;
        let invoice = assemble(&*tx, today, vec![row], Details::all())
            .await?
            .pop()
            .ok_or_else(|| AppError::from(InvoiceError::InvoiceNotFound))?;
        tx.commit().await?;
        return Ok((note, invoice));
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
    let number = next_free_number(&tx, Numbered::CreditNote).await?;
    let id = Uuid::now_v7();
    store::insert_credit_note(
        &tx,
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
        idempotency::remember(&*tx, key, "createCreditNote", &digest, id).await?;
    }
    store::add_credited(&*tx, row.id, amount).await?;
    let before = before_of(&row);
    let invoice = finish(
        tx,
        today,
        row.id,
        actor,
        "invoice.credited",
        Some(before),
        request_id,
    )
    .await?;
    Ok((
        CreditNoteRow {
            id,
            number,
            amount,
            currency: row.currency,
            reason,
            issued_on,
        },
        invoice,
    ))
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
