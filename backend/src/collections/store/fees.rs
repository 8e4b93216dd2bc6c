//! Late fees as stored: an invoice's balance history for interest, the fee invoice with its
//! line and its `late_fees` row, the fees of invoices, and a waiver's void or credit note.

use chrono::{DateTime, NaiveDate, Utc};
use domain::Currency;
use domain::invoices::InvoiceStatus;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

/// What came off an invoice's balance, and when: payments by the day received (a reversal on
/// the day it was made, in the company's time zone `$2`), credit notes by their date, a
/// write-off by its day.
const BALANCE_CHANGES: &str = r#"
SELECT CASE WHEN a.reverses_id IS NULL THEN p.received_on ELSE (a.created_at AT TIME ZONE $2)::date END AS day,
       a.amount
FROM allocations a JOIN payments p ON p.id = a.payment_id WHERE a.invoice_id = $1
UNION ALL
SELECT issued_on, amount FROM credit_notes WHERE invoice_id = $1
UNION ALL
SELECT (written_off_at AT TIME ZONE $2)::date, amount_written_off FROM invoices WHERE id = $1 AND written_off_at IS NOT NULL
"#;

#[derive(Debug, FromQueryResult)]
pub struct Change {
    pub day: NaiveDate,
    pub amount: Decimal,
}

pub async fn balance_changes(
    conn: &impl ConnectionTrait,
    invoice: Uuid,
    time_zone: &str,
) -> Result<Vec<Change>, DbErr> {
    Change::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        BALANCE_CHANGES,
        [invoice.into(), time_zone.to_owned().into()],
    ))
    .all(conn)
    .await
}

/// Whether a one-time fee (FIXED or PERCENT) was charged on the invoice already.
pub async fn one_time_fee_charged(
    conn: &impl ConnectionTrait,
    invoice: Uuid,
) -> Result<bool, DbErr> {
    Ok(conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS found FROM late_fees WHERE invoice_id = $1 AND kind IN ('FIXED', 'PERCENT')",
            [invoice.into()],
        ))
        .await?
        .is_some())
}

/// A fee invoice as it is written: issued on `date`, payable `payable_days` later, for
/// `amount`, with one line, linked to the invoice it charges a fee on.
pub struct NewFeeInvoice<'a> {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub number: &'a str,
    pub date: NaiveDate,
    pub payable_days: i32,
    pub currency: Currency,
    pub amount: Decimal,
    pub description: &'a str,
    pub fee_for_invoice_id: Uuid,
}

pub async fn insert_fee_invoice(
    conn: &impl ConnectionTrait,
    invoice: NewFeeInvoice<'_>,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO invoices (id, customer_id, number, status, issue_date, due_date, currency, subtotal, tax_total,
                               total, balance_due, notes, issued_at, fee_for_invoice_id)
         VALUES ($1, $2, $3, 'ISSUED', $4, $4 + $9::int, $5, $6, 0, $6, $6, $7, now(), $8)",
        [
            invoice.id.into(),
            invoice.customer_id.into(),
            invoice.number.to_owned().into(),
            invoice.date.into(),
            invoice.currency.code().to_owned().into(),
            invoice.amount.into(),
            invoice.description.to_owned().into(),
            invoice.fee_for_invoice_id.into(),
            invoice.payable_days.into(),
        ],
    ))
    .await?;
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO invoice_lines (id, invoice_id, position, description, quantity, unit_price, tax_rate, net, tax, total)
         VALUES ($1, $2, 0, $3, 1, $4, 0, $4, 0, $4)",
        [
            Uuid::now_v7().into(),
            invoice.id.into(),
            invoice.description.to_owned().into(),
            invoice.amount.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// One charge in `late_fees`: its kind, period and amount, and what it was computed from. The
/// table refuses a period overlapping another charge of the same invoice.
pub struct NewLateFee {
    pub invoice_id: Uuid,
    pub fee_invoice_id: Uuid,
    pub customer_id: Uuid,
    pub kind: &'static str,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub amount: Decimal,
    pub currency: Currency,
    pub basis: serde_json::Value,
    pub run_id: Uuid,
}

pub async fn insert_late_fee(conn: &impl ConnectionTrait, fee: NewLateFee) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO late_fees (id, invoice_id, fee_invoice_id, customer_id, kind, period_from, period_to, amount, currency, basis, run_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        [
            Uuid::now_v7().into(),
            fee.invoice_id.into(),
            fee.fee_invoice_id.into(),
            fee.customer_id.into(),
            fee.kind.into(),
            fee.period_from.into(),
            fee.period_to.into(),
            fee.amount.into(),
            fee.currency.code().to_owned().into(),
            fee.basis.into(),
            fee.run_id.into(),
        ],
    ))
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct FeeRow {
    pub id: Uuid,
    /// FIXED, PERCENT or INTEREST.
    pub kind: String,
    pub invoice_id: Uuid,
    pub fee_invoice_id: Uuid,
    pub fee_invoice_number: Option<String>,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub amount: Decimal,
    pub currency: Currency,
    pub created_at: DateTime<Utc>,
    pub waived_at: Option<DateTime<Utc>>,
    pub waived_by: Option<String>,
    pub waive_reason: Option<String>,
}

pub const FEE_COLUMNS: &str = "f.id, f.kind, f.invoice_id, f.fee_invoice_id, i.number AS fee_invoice_number, f.period_from,
    f.period_to, f.amount, f.currency::text AS currency, f.created_at, f.waived_at, f.waived_by, f.waive_reason";

/// Fees on any of `invoices` (as the original or as the fee invoice), oldest first.
pub async fn fees_of(conn: &impl ConnectionTrait, invoices: &[Uuid]) -> Result<Vec<FeeRow>, DbErr> {
    FeeRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {FEE_COLUMNS} FROM late_fees f JOIN invoices i ON i.id = f.fee_invoice_id
             WHERE f.invoice_id = ANY($1::uuid[])
                OR f.fee_invoice_id = ANY($1::uuid[])
             ORDER BY f.created_at, f.id"
        ),
        [invoices.to_vec().into()],
    ))
    .all(conn)
    .await
}

pub async fn fee(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<FeeRow>, DbErr> {
    FeeRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {FEE_COLUMNS} FROM late_fees f JOIN invoices i ON i.id = f.fee_invoice_id WHERE f.id = $1"),
        [id.into()],
    ))
    .one(conn)
    .await
}

/// A fee about to be waived, and its fee invoice, locked.
#[derive(Debug, FromQueryResult)]
pub struct FeeToWaive {
    pub fee_invoice_id: Uuid,
    pub customer_id: Uuid,
    pub waived_at: Option<DateTime<Utc>>,
    pub status: InvoiceStatus,
    pub amount_paid: Decimal,
    pub amount_credited: Decimal,
    pub balance_due: Decimal,
    pub currency: Currency,
}

pub async fn fee_to_waive(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<FeeToWaive>, DbErr> {
    FeeToWaive::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT f.fee_invoice_id, f.customer_id, f.waived_at, i.status, i.amount_paid, i.amount_credited,
                i.balance_due, i.currency::text AS currency
         FROM late_fees f JOIN invoices i ON i.id = f.fee_invoice_id WHERE f.id = $1 FOR UPDATE OF f, i",
        [id.into()],
    ))
    .one(conn)
    .await
}

/// Voids an unpaid fee invoice, with why.
pub async fn void_fee_invoice(
    conn: &impl ConnectionTrait,
    invoice: Uuid,
    reason: &str,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE invoices SET status = 'VOID', balance_due = 0, voided_at = now(), void_reason = $2, updated_at = now()
         WHERE id = $1",
        [invoice.into(), reason.to_owned().into()],
    ))
    .await?;
    Ok(())
}

/// A credit note as a waiver writes it.
pub struct NewCreditNote<'a> {
    pub number: String,
    pub customer_id: Uuid,
    pub invoice_id: Uuid,
    pub amount: Decimal,
    pub currency: Currency,
    pub reason: &'a str,
    pub issued_on: NaiveDate,
    pub actor_label: &'a str,
}

pub async fn insert_credit_note(
    conn: &impl ConnectionTrait,
    note: NewCreditNote<'_>,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO credit_notes (id, number, customer_id, invoice_id, amount, currency, reason, issued_on, actor_label)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        [
            Uuid::now_v7().into(),
            note.number.into(),
            note.customer_id.into(),
            note.invoice_id.into(),
            note.amount.into(),
            note.currency.code().to_owned().into(),
            note.reason.to_owned().into(),
            note.issued_on.into(),
            note.actor_label.to_owned().into(),
        ],
    ))
    .await?;
    Ok(())
}

pub async fn mark_waived(
    conn: &impl ConnectionTrait,
    id: Uuid,
    by: &str,
    reason: &str,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE late_fees SET waived_at = now(), waived_by = $2, waive_reason = $3 WHERE id = $1",
        [id.into(), by.to_owned().into(), reason.to_owned().into()],
    ))
    .await?;
    Ok(())
}
