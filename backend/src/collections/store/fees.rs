//! Late fees as stored: invoices' balance histories for interest, fee invoices with their
//! lines and `late_fees` rows, the fees of invoices, and a waiver's void or credit note.

use chrono::{DateTime, NaiveDate, Utc};
use domain::Currency;
use domain::invoices::InvoiceStatus;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use serde::Serialize;
use uuid::Uuid;

/// What came off each of invoices `$1`'s balances, and when: payments by the day received (a
/// reversal on the day it was made, in the company's time zone `$2`), credit notes by their
/// date, a write-off by its day.
const BALANCE_CHANGES: &str = r#"
SELECT a.invoice_id,
       CASE WHEN a.reverses_id IS NULL THEN p.received_on ELSE (a.created_at AT TIME ZONE $2)::date END AS day,
       a.amount
FROM allocations a JOIN payments p ON p.id = a.payment_id WHERE a.invoice_id = ANY($1::uuid[])
UNION ALL
SELECT invoice_id, issued_on, amount FROM credit_notes WHERE invoice_id = ANY($1::uuid[])
UNION ALL
SELECT id, (written_off_at AT TIME ZONE $2)::date, amount_written_off FROM invoices
WHERE id = ANY($1::uuid[]) AND written_off_at IS NOT NULL
"#;

#[derive(Debug, FromQueryResult)]
pub struct Change {
    pub invoice_id: Uuid,
    pub day: NaiveDate,
    pub amount: Decimal,
}

/// The balance changes of several invoices at once, in no order.
pub async fn balance_changes(
    conn: &impl ConnectionTrait,
    invoices: &[Uuid],
    time_zone: &str,
) -> Result<Vec<Change>, DbErr> {
    Change::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        BALANCE_CHANGES,
        [invoices.to_vec().into(), time_zone.to_owned().into()],
    ))
    .all(conn)
    .await
}

/// Those of `invoices` charged a one-time fee (FIXED or PERCENT) already.
pub async fn one_time_fee_charged(
    conn: &impl ConnectionTrait,
    invoices: &[Uuid],
) -> Result<Vec<Uuid>, DbErr> {
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT DISTINCT invoice_id FROM late_fees
             WHERE invoice_id = ANY($1::uuid[]) AND kind IN ('FIXED', 'PERCENT')",
            [invoices.to_vec().into()],
        ))
        .await?;
    rows.iter()
        .map(|row| row.try_get("", "invoice_id"))
        .collect()
}

/// One charge as it is written: a fee invoice with one line, linked to the invoice it charges
/// a fee on, and its `late_fees` row with the kind, period and what it was computed from.
#[derive(Debug, Serialize)]
pub struct NewFee {
    pub fee_invoice_id: Uuid,
    pub line_id: Uuid,
    pub late_fee_id: Uuid,
    pub invoice_id: Uuid,
    pub customer_id: Uuid,
    pub number: String,
    pub currency: Currency,
    pub amount: Decimal,
    pub description: String,
    pub kind: &'static str,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub basis: serde_json::Value,
}

/// Fee invoices (issued on `$2`, payable `$3` days later), their lines and their `late_fees`
/// rows (of run `$4`), for every charge in `$1`, in one statement. `late_fees` refuses a
/// period overlapping another charge of the same invoice, so the whole statement fails then.
const INSERT_FEES: &str = r#"
WITH f AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS f(
        fee_invoice_id uuid, line_id uuid, late_fee_id uuid, invoice_id uuid, customer_id uuid,
        number text, currency text, amount numeric, description text, kind text,
        period_from date, period_to date, basis jsonb)
), fee_invoice AS (
    INSERT INTO invoices (id, customer_id, number, status, issue_date, due_date, currency, subtotal, tax_total,
                          total, balance_due, notes, issued_at, fee_for_invoice_id)
    SELECT fee_invoice_id, customer_id, number, 'ISSUED', $2, $2 + $3::int, currency, amount, 0,
           amount, amount, description, now(), invoice_id
    FROM f
), line AS (
    INSERT INTO invoice_lines (id, invoice_id, position, description, quantity, unit_price, tax_rate, net, tax, total)
    SELECT line_id, fee_invoice_id, 0, description, 1, amount, 0, amount, 0, amount FROM f
)
INSERT INTO late_fees (id, invoice_id, fee_invoice_id, customer_id, kind, period_from, period_to, amount, currency, basis, run_id)
SELECT late_fee_id, invoice_id, fee_invoice_id, customer_id, kind, period_from, period_to, amount, currency, basis, $4
FROM f
"#;

pub async fn insert_fees(
    conn: &impl ConnectionTrait,
    fees: &[NewFee],
    date: NaiveDate,
    payable_days: i32,
    run_id: Uuid,
) -> Result<(), DbErr> {
    let json = serde_json::to_value(fees).map_err(|error| DbErr::Custom(error.to_string()))?;
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        INSERT_FEES,
        [json.into(), date.into(), payable_days.into(), run_id.into()],
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

/// A fee about to be waived, and its fee invoice, locked after its customer.
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
    /// The fee invoice's number.
    pub number: Option<String>,
}

pub async fn fee_to_waive(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<FeeToWaive>, DbErr> {
    FeeToWaive::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        // The customer first (an init plan), then the fee and its invoice: the order every
        // writer locks in, so a waiver and a dunning run never wait on each other.
        "WITH customer AS MATERIALIZED (
             SELECT c.id FROM customers c
             WHERE c.id = (SELECT customer_id FROM late_fees WHERE id = $1) FOR UPDATE)
         SELECT f.fee_invoice_id, f.customer_id, f.waived_at, i.status, i.amount_paid, i.amount_credited,
                i.balance_due, i.currency::text AS currency, i.number
         FROM late_fees f JOIN invoices i ON i.id = f.fee_invoice_id
         WHERE f.id = $1 AND f.customer_id = ANY(ARRAY(SELECT id FROM customer))
         FOR UPDATE OF f, i",
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
