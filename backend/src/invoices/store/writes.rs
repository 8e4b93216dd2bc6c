//! Writes: drafts and their lines, issuing, voiding, writing off, credit notes, plans.

use crate::db::TenantTx;
use crate::error::AppError;
use crate::invoices::errors::InvoiceError;
use chrono::NaiveDate;
use domain::Currency;
use domain::invoices::PricedLine;
use domain::messages::{Localized, Text};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};
use uuid::Uuid;

/// A unique violation on an invoice's number or external reference, as the conflict on that
/// field; any other error as it is.
fn unique_violation(error: DbErr) -> AppError {
    match crate::db::violated_constraint(&error).as_deref() {
        Some("invoices_number_key") => InvoiceError::NumberTaken.into(),
        Some("invoices_external_ref_key") => InvoiceError::ExternalRefTaken.into(),
        _ => AppError::from(error),
    }
}

/// A draft's fields (its amounts from its priced lines).
#[derive(Debug, Clone)]
pub struct DraftFields {
    pub number: Option<String>,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub currency: Currency,
    pub subtotal: Decimal,
    pub tax_total: Decimal,
    pub total: Decimal,
    pub external_ref: Option<String>,
    pub notes: Option<String>,
}

pub async fn insert_draft(
    tx: &TenantTx,
    id: Uuid,
    customer_id: Uuid,
    draft: DraftFields,
) -> Result<(), AppError> {
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO invoices (id, customer_id, number, status, issue_date, due_date, currency,
                               subtotal, tax_total, total, balance_due, external_ref, notes)
         VALUES ($1, $2, $3, 'DRAFT', $4, $5, $6, $7, $8, $9, $9, $10, $11)",
        [
            id.into(),
            customer_id.into(),
            draft.number.into(),
            draft.issue_date.into(),
            draft.due_date.into(),
            draft.currency.code().to_owned().into(),
            draft.subtotal.into(),
            draft.tax_total.into(),
            draft.total.into(),
            draft.external_ref.into(),
            draft.notes.into(),
        ],
    ))
    .await
    .map_err(unique_violation)?;
    Ok(())
}

pub async fn update_draft(tx: &TenantTx, id: Uuid, draft: DraftFields) -> Result<(), AppError> {
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE invoices SET number = $2, issue_date = $3, due_date = $4, currency = $5, subtotal = $6,
                tax_total = $7, total = $8, balance_due = $8, external_ref = $9, notes = $10, updated_at = now()
         WHERE id = $1",
        [
            id.into(),
            draft.number.into(),
            draft.issue_date.into(),
            draft.due_date.into(),
            draft.currency.code().to_owned().into(),
            draft.subtotal.into(),
            draft.tax_total.into(),
            draft.total.into(),
            draft.external_ref.into(),
            draft.notes.into(),
        ],
    ))
    .await
    .map_err(unique_violation)?;
    Ok(())
}

/// Replaces the invoice's lines.
pub async fn write_lines(
    tx: &TenantTx,
    invoice: Uuid,
    lines: &[PricedLine],
) -> Result<(), AppError> {
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "DELETE FROM invoice_lines WHERE invoice_id = $1",
        [invoice.into()],
    ))
    .await?;
    for (position, line) in lines.iter().enumerate() {
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO invoice_lines (id, invoice_id, position, description, quantity, unit_price, tax_rate, net, tax, total)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            [
                Uuid::now_v7().into(),
                invoice.into(),
                (position as i32).into(),
                line.description.clone().into(),
                line.quantity.into(),
                line.unit_price.into(),
                line.tax_rate.into(),
                line.net.into(),
                line.tax.into(),
                line.total.into(),
            ],
        ))
        .await?;
    }
    Ok(())
}

/// Marks a draft issued under `number`, with the credit flag it went out with.
pub async fn mark_issued(
    tx: &TenantTx,
    invoice: Uuid,
    number: &str,
    credit_flag: Option<&Text>,
) -> Result<(), AppError> {
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        // In English too (`credit_flag`), for a server of the previous version during a rollout.
        "UPDATE invoices SET status = 'ISSUED', number = $2, issued_at = now(), credit_flag = $3,
                credit_flag_code = $4, credit_flag_params = $5, updated_at = now()
         WHERE id = $1",
        [
            invoice.into(),
            number.to_owned().into(),
            credit_flag.map(|flag| flag.text(domain::Locale::En)).into(),
            credit_flag.map(Text::code).into(),
            credit_flag
                .map(|flag| serde_json::Value::Object(flag.params()))
                .into(),
        ],
    ))
    .await
    .map_err(unique_violation)?;
    Ok(())
}

/// Live (not reversed) payments allocated to the invoice plus its credit notes.
pub async fn payments_and_credits(tx: &TenantTx, invoice: Uuid) -> Result<i64, DbErr> {
    Ok(tx
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT (SELECT count(*) FROM allocations a WHERE a.invoice_id = $1 AND a.amount > 0
                       AND NOT EXISTS (SELECT 1 FROM allocations r WHERE r.reverses_id = a.id))
                  + (SELECT count(*) FROM credit_notes WHERE invoice_id = $1) AS n",
            [invoice.into()],
        ))
        .await?
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0))
}

pub async fn mark_void(tx: &TenantTx, invoice: Uuid, reason: String) -> Result<(), DbErr> {
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE invoices SET status = 'VOID', balance_due = 0, voided_at = now(), void_reason = $2, updated_at = now()
         WHERE id = $1",
        [invoice.into(), reason.into()],
    ))
    .await?;
    Ok(())
}

pub async fn mark_written_off(tx: &TenantTx, invoice: Uuid, reason: String) -> Result<(), DbErr> {
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE invoices SET status = 'WRITTEN_OFF', amount_written_off = amount_written_off + balance_due,
                balance_due = 0, written_off_at = now(), write_off_reason = $2, updated_at = now()
         WHERE id = $1",
        [invoice.into(), reason.into()],
    ))
    .await?;
    Ok(())
}

/// A credit note's fields; its customer and currency are the invoice's.
#[derive(Debug, Clone)]
pub struct NewCreditNote {
    pub id: Uuid,
    pub number: String,
    pub customer_id: Uuid,
    pub invoice_id: Uuid,
    pub amount: Decimal,
    pub currency: Currency,
    pub reason: String,
    pub issued_on: NaiveDate,
    pub actor_label: String,
}

pub async fn insert_credit_note(tx: &TenantTx, note: NewCreditNote) -> Result<(), DbErr> {
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO credit_notes (id, number, customer_id, invoice_id, amount, currency, reason, issued_on, actor_label)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        [
            note.id.into(),
            note.number.into(),
            note.customer_id.into(),
            note.invoice_id.into(),
            note.amount.into(),
            note.currency.code().to_owned().into(),
            note.reason.into(),
            note.issued_on.into(),
            note.actor_label.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Replaces the invoice's installments (none: no plan).
pub async fn replace_installments(
    tx: &TenantTx,
    invoice: Uuid,
    parts: &[(NaiveDate, Decimal)],
) -> Result<(), DbErr> {
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "DELETE FROM installments WHERE invoice_id = $1",
        [invoice.into()],
    ))
    .await?;
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE invoices SET installment_plan = $2, updated_at = now() WHERE id = $1",
        [invoice.into(), (!parts.is_empty()).into()],
    ))
    .await?;
    for (seq, (due_date, amount)) in parts.iter().enumerate() {
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO installments (id, invoice_id, seq, due_date, amount) VALUES ($1, $2, $3, $4, $5)",
            [
                Uuid::now_v7().into(),
                invoice.into(),
                (seq as i32 + 1).into(),
                (*due_date).into(),
                (*amount).into(),
            ],
        ))
        .await?;
    }
    Ok(())
}
