//! What matching reads: learned payers, open invoices, customers, keyed payments, and the
//! labels a line's suggestions are shown with.

use chrono::NaiveDate;
use domain::Currency;
use domain::cash::matching::{Customer, KeyedPayment, LearnedPayer, OpenInvoice, SentStatement};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

#[derive(Debug, FromQueryResult)]
struct PayerRow {
    customer_id: Uuid,
    kind: String,
    value: String,
}

pub async fn learned_payers(conn: &impl ConnectionTrait) -> Result<Vec<LearnedPayer>, DbErr> {
    let rows = PayerRow::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        "SELECT customer_id, kind, value FROM bank_payers",
    ))
    .all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let (account, name) = if row.kind == "ACCOUNT" {
                (Some(row.value), None)
            } else {
                (None, Some(row.value))
            };
            LearnedPayer {
                customer_id: row.customer_id,
                account,
                name,
            }
        })
        .collect())
}

#[derive(Debug, FromQueryResult)]
struct OpenRow {
    id: Uuid,
    customer_id: Uuid,
    number: String,
    currency: Currency,
    balance_due: Decimal,
    due_date: NaiveDate,
}

/// Every open invoice of the company, for the matching book (served by the open items index).
pub async fn open_invoices(conn: &impl ConnectionTrait) -> Result<Vec<OpenInvoice>, DbErr> {
    let rows = OpenRow::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        concat!(
            "SELECT id, customer_id, number, currency::text AS currency, balance_due, due_date
             FROM invoices WHERE balance_due > 0 AND status IN ",
            domain::open_statuses!()
        ),
    ))
    .all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| OpenInvoice {
            id: row.id,
            customer_id: row.customer_id,
            number: row.number,
            currency: row.currency,
            balance: row.balance_due,
            due_on: row.due_date,
        })
        .collect())
}

#[derive(Debug, FromQueryResult)]
struct CustomerRow {
    id: Uuid,
    name: String,
}

pub async fn customers(conn: &impl ConnectionTrait) -> Result<Vec<Customer>, DbErr> {
    let rows = CustomerRow::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        "SELECT id, name FROM customers",
    ))
    .all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Customer {
            id: row.id,
            name: row.name,
        })
        .collect())
}

#[derive(Debug, FromQueryResult)]
struct KeyedRow {
    id: Uuid,
    customer_id: Uuid,
    amount: Decimal,
    currency: Currency,
    received_on: NaiveDate,
}

/// Payments keyed by hand, not reversed and tied to no bank line, received between `from`
/// and `to`.
pub async fn keyed_payments(
    conn: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<KeyedPayment>, DbErr> {
    let rows = KeyedRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT p.id, p.customer_id, p.amount, p.currency::text AS currency, p.received_on
         FROM payments p
         WHERE p.bank_transaction_id IS NULL AND p.received_on BETWEEN $1 AND $2
           AND NOT EXISTS (SELECT 1 FROM payment_reversals r WHERE r.payment_id = p.id)
           AND NOT EXISTS (SELECT 1 FROM bank_transactions l WHERE l.linked_payment_id = p.id)",
        [from.into(), to.into()],
    ))
    .all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| KeyedPayment {
            id: row.id,
            customer_id: row.customer_id,
            amount: row.amount,
            currency: row.currency,
            received_on: row.received_on,
        })
        .collect())
}

/// What a suggestion shows of a customer.
#[derive(Debug, Clone, FromQueryResult)]
pub struct CustomerLabel {
    pub id: Uuid,
    pub code: String,
    pub name: String,
}

/// What a suggestion shows of an invoice.
#[derive(Debug, Clone, FromQueryResult)]
pub struct InvoiceLabel {
    pub id: Uuid,
    pub number: String,
    pub due_date: NaiveDate,
    pub currency: Currency,
    pub balance_due: Decimal,
}

pub async fn customer_labels(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<Vec<CustomerLabel>, DbErr> {
    CustomerLabel::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id, code, name FROM customers WHERE id = ANY($1)",
        [ids.to_vec().into()],
    ))
    .all(conn)
    .await
}

pub async fn invoice_labels(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<Vec<InvoiceLabel>, DbErr> {
    InvoiceLabel::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id, number, due_date, currency::text AS currency, balance_due
         FROM invoices WHERE id = ANY($1)",
        [ids.to_vec().into()],
    ))
    .all(conn)
    .await
}

#[derive(Debug, FromQueryResult)]
struct SentRow {
    reference: String,
    customer_id: Uuid,
    currency: Currency,
    closing_balance: Decimal,
}

/// The statements sent since `since`, by the reference a customer quotes when paying one.
pub async fn sent_statements(
    conn: &impl ConnectionTrait,
    since: NaiveDate,
) -> Result<Vec<SentStatement>, DbErr> {
    let rows = SentRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT reference, customer_id, currency::text AS currency, closing_balance
         FROM statement_links WHERE period_to >= $1",
        [since.into()],
    ))
    .all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| SentStatement {
            reference: row.reference,
            customer_id: row.customer_id,
            currency: row.currency,
            closing_balance: row.closing_balance,
        })
        .collect())
}
