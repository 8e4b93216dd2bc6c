//! Invoice rows and the statements that read them and move their amounts.

mod disputes;
mod fapiaos;
mod list;
mod sends;
mod writes;

pub use disputes::*;
pub use fapiaos::*;
pub use list::{Direction, ListFilter, ListOrder, SortField, fapiao_issued_sql, page};
pub use sends::*;
pub use writes::*;

use chrono::{DateTime, NaiveDate, Utc};
use domain::Currency;
use domain::invoices::InvoiceStatus;
use domain::messages::Text;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

/// An invoice with its customer's code and name (one join, so a page of invoices with
/// customer names is one statement).
#[derive(Debug, Clone, FromQueryResult)]
pub struct InvoiceRow {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub customer_code: String,
    pub customer_name: String,
    pub number: Option<String>,
    pub status: InvoiceStatus,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub currency: Currency,
    pub subtotal: Decimal,
    pub tax_total: Decimal,
    pub total: Decimal,
    pub amount_paid: Decimal,
    pub amount_credited: Decimal,
    pub amount_written_off: Decimal,
    pub balance_due: Decimal,
    pub external_ref: Option<String>,
    pub notes: Option<String>,
    /// Why it went out despite the credit policy, as a code and parameters.
    pub credit_flag: Option<Text>,
    pub issued_at: Option<DateTime<Utc>>,
    pub voided_at: Option<DateTime<Utc>>,
    pub void_reason: Option<String>,
    pub written_off_at: Option<DateTime<Utc>>,
    pub write_off_reason: Option<String>,
    pub open_disputes: bool,
    pub aging_edges: Option<serde_json::Value>,
    /// The earliest date something is still owed (an installment's, or the due date).
    pub next_due_date: Option<NaiveDate>,
    pub fee_for_invoice_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

pub const INVOICE_COLUMNS: &str = r#"
    i.id, i.customer_id, c.code AS customer_code, c.name AS customer_name, i.number, i.status,
    i.issue_date, i.due_date, i.currency::text AS currency, i.subtotal, i.tax_total, i.total,
    i.amount_paid, i.amount_credited, i.amount_written_off, i.balance_due, i.external_ref, i.notes,
    CASE WHEN i.credit_flag_code IS NOT NULL
         THEN jsonb_build_object('code', i.credit_flag_code, 'params', i.credit_flag_params) END AS credit_flag,
    i.issued_at, i.voided_at, i.void_reason, i.written_off_at, i.write_off_reason,
    EXISTS (SELECT 1 FROM disputes d WHERE d.invoice_id = i.id AND d.status = 'OPEN') AS open_disputes,
    (SELECT to_jsonb(s.aging_edges) FROM company_settings s) AS aging_edges,
    CASE WHEN i.installment_plan
         THEN (SELECT min(r.due_date) FROM receivable_items r WHERE r.invoice_id = i.id AND r.amount > 0)
         ELSE i.due_date END AS next_due_date,
    i.fee_for_invoice_id, i.created_at
"#;

pub const INVOICES_FROM: &str = "invoices i JOIN customers c ON c.id = i.customer_id";

pub async fn load_invoice(
    conn: &impl ConnectionTrait,
    id: Uuid,
    lock: bool,
) -> Result<Option<InvoiceRow>, DbErr> {
    InvoiceRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {INVOICE_COLUMNS} FROM {INVOICES_FROM} WHERE i.id = $1 {}",
            if lock { "FOR UPDATE OF i" } else { "" }
        ),
        [id.into()],
    ))
    .one(conn)
    .await
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct LineRow {
    pub invoice_id: Uuid,
    pub description: String,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub tax_rate: Decimal,
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
}

pub async fn lines_of(conn: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<LineRow>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    LineRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT invoice_id, description, quantity, unit_price, tax_rate, net, tax, total
         FROM invoice_lines WHERE invoice_id = ANY($1::uuid[])
         ORDER BY invoice_id, position",
        [ids.to_vec().into()],
    ))
    .all(conn)
    .await
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct AllocationRow {
    pub id: Uuid,
    pub payment_id: Uuid,
    pub invoice_id: Uuid,
    pub invoice_number: Option<String>,
    pub amount: Decimal,
    pub currency: Currency,
    pub received_on: NaiveDate,
    pub method: String,
    pub reference: Option<String>,
    pub reverses_id: Option<Uuid>,
    pub actor_label: String,
    pub created_at: DateTime<Utc>,
}

/// Allocations touching the given invoices (`by = "invoice_id"`), payments (`"payment_id"`)
/// or written by the given requests (`"batch_id"`),
/// in the order they happened.
pub async fn allocations_by(
    conn: &impl ConnectionTrait,
    by: &str,
    ids: &[Uuid],
) -> Result<Vec<AllocationRow>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let column = match by {
        "payment_id" => "a.payment_id",
        "batch_id" => "a.batch_id",
        _ => "a.invoice_id",
    };
    AllocationRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT a.id, a.payment_id, a.invoice_id, i.number AS invoice_number, a.amount,
                    p.currency::text AS currency, p.received_on, p.method, p.reference,
                    a.reverses_id, a.actor_label, a.created_at
             FROM allocations a JOIN payments p ON p.id = a.payment_id JOIN invoices i ON i.id = a.invoice_id
             WHERE {column} = ANY($1::uuid[])
             ORDER BY a.created_at, a.id"
        ),
        [ids.to_vec().into()],
    ))
    .all(conn)
    .await
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct InstallmentRow {
    pub invoice_id: Uuid,
    pub due_date: NaiveDate,
    pub amount: Decimal,
}

pub async fn installments_of(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<Vec<InstallmentRow>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    InstallmentRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT invoice_id, due_date, amount FROM installments
         WHERE invoice_id = ANY($1::uuid[]) ORDER BY invoice_id, seq",
        [ids.to_vec().into()],
    ))
    .all(conn)
    .await
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct CreditNoteRow {
    pub id: Uuid,
    pub number: String,
    pub amount: Decimal,
    pub currency: Currency,
    pub reason: String,
    pub issued_on: NaiveDate,
}

/// An issued credit note with the invoice it reduces.
#[derive(Debug, Clone, FromQueryResult)]
pub struct InvoiceCreditNoteRow {
    pub invoice_id: Uuid,
    pub id: Uuid,
    pub number: String,
    pub amount: Decimal,
    pub reason: String,
    pub issued_on: NaiveDate,
}

/// The credit notes of the given invoices, oldest first (served by credit_notes_invoice_idx).
pub async fn credit_notes_of(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<Vec<InvoiceCreditNoteRow>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    InvoiceCreditNoteRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT invoice_id, id, number, amount, reason, issued_on FROM credit_notes
         WHERE invoice_id = ANY($1::uuid[]) ORDER BY issued_on, created_at, id",
        [ids.to_vec().into()],
    ))
    .all(conn)
    .await
}

pub async fn load_credit_note(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<CreditNoteRow>, DbErr> {
    CreditNoteRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id, number, amount, currency::text AS currency, reason, issued_on FROM credit_notes WHERE id = $1",
        [id.into()],
    ))
    .one(conn)
    .await
}

/// Moves `delta` of money onto (positive) or off (negative) the invoice's paid amount and
/// recomputes its status; the caller holds the invoice's row lock. `received_on` is the date
/// of the payment the money came with: the invoice keeps the latest (`last_paid_on`, what
/// average days to pay reads).
pub async fn add_paid(
    conn: &impl ConnectionTrait,
    invoice: Uuid,
    delta: Decimal,
    received_on: NaiveDate,
) -> Result<(), DbErr> {
    settle(conn, invoice, "amount_paid", delta, Some(received_on)).await
}

pub async fn add_credited(
    conn: &impl ConnectionTrait,
    invoice: Uuid,
    delta: Decimal,
) -> Result<(), DbErr> {
    settle(conn, invoice, "amount_credited", delta, None).await
}

async fn settle(
    conn: &impl ConnectionTrait,
    invoice: Uuid,
    column: &str,
    delta: Decimal,
    received_on: Option<NaiveDate>,
) -> Result<(), DbErr> {
    let column = if column == "amount_credited" {
        "amount_credited"
    } else {
        "amount_paid"
    };
    // Money taken back from a written-off invoice (a bounced payment) adds to the loss; the
    // invoice stays written off with nothing left to collect.
    let written_off = conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "UPDATE invoices SET {column} = {column} + $2, amount_written_off = amount_written_off - $2,
                        last_paid_on = greatest(last_paid_on, $3::date), updated_at = now()
                 WHERE id = $1 AND status = 'WRITTEN_OFF' AND $2 < 0"
            ),
            [invoice.into(), delta.into(), received_on.into()],
        ))
        .await?
        .rows_affected();
    if written_off == 1 {
        return Ok(());
    }
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "UPDATE invoices SET {column} = {column} + $2, balance_due = balance_due - $2,
                        last_paid_on = greatest(last_paid_on, $3::date), updated_at = now()
                 WHERE id = $1 RETURNING total, amount_paid + amount_credited AS settled"
            ),
            [invoice.into(), delta.into(), received_on.into()],
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("invoice".to_owned()))?;
    let total: Decimal = row.try_get("", "total")?;
    let settled: Decimal = row.try_get("", "settled")?;
    let status = InvoiceStatus::from_settlement(total, settled);
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE invoices SET status = $2 WHERE id = $1 AND status IN ('ISSUED', 'PARTIALLY_PAID', 'PAID')",
        [invoice.into(), status.as_str().into()],
    ))
    .await?;
    Ok(())
}

/// What a bulk payment does to one open invoice (locked by the caller): the amount it takes,
/// the latest day it was received and the status that leaves (`InvoiceStatus::from_settlement`).
pub struct Paid {
    pub invoice: Uuid,
    pub amount: Decimal,
    pub received_on: NaiveDate,
    pub status: InvoiceStatus,
}

/// Moves the paid amounts of open invoices in one statement (`add_paid` for many).
pub async fn add_paid_many(conn: &impl ConnectionTrait, paid: &[Paid]) -> Result<(), DbErr> {
    if paid.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = paid.iter().map(|p| p.invoice).collect();
    let amounts: Vec<String> = paid.iter().map(|p| p.amount.to_string()).collect();
    let dates: Vec<String> = paid.iter().map(|p| p.received_on.to_string()).collect();
    let statuses: Vec<String> = paid.iter().map(|p| p.status.as_str().to_owned()).collect();
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE invoices i
         SET amount_paid = i.amount_paid + x.amount::numeric,
             balance_due = i.balance_due - x.amount::numeric,
             last_paid_on = greatest(i.last_paid_on, x.received_on::date),
             status = CASE WHEN i.status IN ('ISSUED', 'PARTIALLY_PAID', 'PAID') THEN x.status
                           ELSE i.status END,
             updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])
              AS x(id, amount, received_on, status)
         WHERE i.id = x.id",
        [ids.into(), amounts.into(), dates.into(), statuses.into()],
    ))
    .await?;
    Ok(())
}

/// Takes the next `count` numbers of a gap-free sequence, inside the caller's transaction, in
/// one statement; returns the first of them.
pub async fn take_numbers(
    conn: &impl ConnectionTrait,
    sequence: &str,
    count: i64,
) -> Result<i64, DbErr> {
    conn.query_one_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE invoice_sequences SET next_value = next_value + $2 WHERE name = $1 RETURNING next_value - $2 AS value",
        [sequence.into(), count.into()],
    ))
    .await?
    .ok_or_else(|| DbErr::RecordNotFound(format!("sequence {sequence}")))?
    .try_get("", "value")
}

/// Which of `numbers` an invoice or a credit note already has.
pub async fn numbers_taken(
    conn: &impl ConnectionTrait,
    numbers: &[String],
) -> Result<Vec<String>, DbErr> {
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT number FROM invoices WHERE number = ANY($1::text[])
             UNION SELECT number FROM credit_notes WHERE number = ANY($1::text[])",
            [numbers.to_vec().into()],
        ))
        .await?;
    rows.iter().map(|row| row.try_get("", "number")).collect()
}
