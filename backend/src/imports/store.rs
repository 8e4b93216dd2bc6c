//! The imports' SQL: what a file's rows are checked against (codes, numbers and references
//! taken), and writing the rows, many per statement as one JSON parameter (`json_to_recordset`).
//! A payment import also locks what its payments will change, as every money change does:
//! the customers first, then their open invoices, in id order.

use chrono::NaiveDate;
use domain::Currency;
use domain::terms::TermsKind;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use serde_json::{Value, json};
use uuid::Uuid;

/// Rows per INSERT statement.
const CHUNK: usize = 20_000;

#[derive(Debug, FromQueryResult)]
pub struct CodeRow {
    pub code: String,
}

/// A customer as an invoice import needs it: found by its code (lower case), with the
/// currency and terms its invoices default to.
#[derive(Debug, FromQueryResult)]
pub struct CustomerTerms {
    pub id: Uuid,
    pub code: String,
    pub currency: Currency,
    pub terms_kind: TermsKind,
    pub terms_days: i32,
    pub archived: bool,
}

/// Every customer code of the company, in lower case.
pub async fn customer_codes(conn: &impl ConnectionTrait) -> Result<Vec<CodeRow>, DbErr> {
    CodeRow::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        "SELECT lower(code) AS code FROM customers",
    ))
    .all(conn)
    .await
}

/// Writes customers given as JSON objects (see the columns of the recordset), with their
/// collector and salesperson (`null` for nobody).
pub async fn insert_customers(conn: &impl ConnectionTrait, records: &[Value]) -> Result<(), DbErr> {
    for chunk in records.chunks(CHUNK) {
        conn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO customers (id, code, name, tax_id, billing_address, segment, currency, terms_kind, terms_days, credit_limit,
                                    collector_id, salesperson_id)
             SELECT id, code, name, tax_id, billing_address, segment, currency, terms_kind, terms_days, credit_limit::numeric,
                    collector_id, salesperson_id
             FROM json_to_recordset($1::json) AS r(id uuid, code text, name text, tax_id text, billing_address text,
                  segment text, currency text, terms_kind text, terms_days int, credit_limit text,
                  collector_id uuid, salesperson_id uuid)",
            [Value::Array(chunk.to_vec()).into()],
        ))
        .await?;
    }
    Ok(())
}

/// Writes customers' first contacts given as JSON objects.
pub async fn insert_contacts(conn: &impl ConnectionTrait, contacts: &[Value]) -> Result<(), DbErr> {
    for chunk in contacts.chunks(CHUNK) {
        conn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO customer_contacts (id, customer_id, position, name, email, phone)
             SELECT id, customer_id, 0, name, email, phone
             FROM json_to_recordset($1::json) AS r(id uuid, customer_id uuid, name text, email text, phone text)",
            [Value::Array(chunk.to_vec()).into()],
        ))
        .await?;
    }
    Ok(())
}

/// Records the credit limit of each imported customer that has one (`LIMIT_SET`, with
/// [`IMPORTED_LIMIT`](domain::messages::system::IMPORTED_LIMIT) as the reason).
pub async fn record_imported_limits(
    conn: &impl ConnectionTrait,
    records: &[Value],
    actor_label: &str,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO credit_events (id, customer_id, kind, credit_limit, reason, actor_label)
         SELECT gen_random_uuid(), id, 'LIMIT_SET', credit_limit::numeric, $3, $2
         FROM json_to_recordset($1::json) AS r(id uuid, credit_limit text) WHERE credit_limit IS NOT NULL",
        [
            Value::Array(records.to_vec()).into(),
            actor_label.to_owned().into(),
            domain::messages::system::IMPORTED_LIMIT.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Every customer with its terms, for an invoice import.
pub async fn customer_terms(conn: &impl ConnectionTrait) -> Result<Vec<CustomerTerms>, DbErr> {
    CustomerTerms::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        "SELECT id, lower(code) AS code, currency::text AS currency, terms_kind, terms_days, archived_at IS NOT NULL AS archived FROM customers",
    ))
    .all(conn)
    .await
}

/// Which of `numbers` invoices have already.
pub async fn taken_numbers(
    conn: &impl ConnectionTrait,
    numbers: &[String],
) -> Result<Vec<CodeRow>, DbErr> {
    CodeRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT number AS code FROM invoices WHERE number = ANY(SELECT json_array_elements_text($1::json))",
        [json!(numbers).into()],
    ))
    .all(conn)
    .await
}

/// Which of `references` invoices have already as their external reference.
pub async fn used_references(
    conn: &impl ConnectionTrait,
    references: &[&str],
) -> Result<Vec<CodeRow>, DbErr> {
    CodeRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT external_ref AS code FROM invoices WHERE external_ref = ANY(SELECT json_array_elements_text($1::json))",
        [json!(references).into()],
    ))
    .all(conn)
    .await
}

/// Writes issued invoices given as JSON objects (their balance due is their total).
pub async fn insert_invoices(conn: &impl ConnectionTrait, invoices: &[Value]) -> Result<(), DbErr> {
    for chunk in invoices.chunks(CHUNK) {
        conn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO invoices (id, customer_id, number, status, issue_date, due_date, currency, subtotal, tax_total,
                                   total, balance_due, external_ref, issued_at)
             SELECT id, customer_id, number, 'ISSUED', issue_date, due_date, currency, subtotal::numeric, tax_total::numeric,
                    total::numeric, total::numeric, external_ref, now()
             FROM json_to_recordset($1::json) AS r(id uuid, customer_id uuid, number text, issue_date date, due_date date,
                  currency text, subtotal text, tax_total text, total text, external_ref text)",
            [Value::Array(chunk.to_vec()).into()],
        ))
        .await?;
    }
    Ok(())
}

/// Writes invoice lines given as JSON objects.
pub async fn insert_invoice_lines(
    conn: &impl ConnectionTrait,
    lines: &[Value],
) -> Result<(), DbErr> {
    for chunk in lines.chunks(CHUNK) {
        conn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO invoice_lines (id, invoice_id, position, description, quantity, unit_price, tax_rate, net, tax, total)
             SELECT id, invoice_id, position, description, quantity::numeric, unit_price::numeric, tax_rate::numeric,
                    net::numeric, tax::numeric, total::numeric
             FROM json_to_recordset($1::json) AS r(id uuid, invoice_id uuid, position int, description text, quantity text,
                  unit_price text, tax_rate text, net text, tax text, total text)",
            [Value::Array(chunk.to_vec()).into()],
        ))
        .await?;
    }
    Ok(())
}

/// Which of `external_ids` payments have already.
pub async fn recorded_payments(
    conn: &impl ConnectionTrait,
    external_ids: &[String],
) -> Result<Vec<CodeRow>, DbErr> {
    CodeRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT external_id AS code FROM payments WHERE external_id = ANY(SELECT json_array_elements_text($1::json))",
        [json!(external_ids).into()],
    ))
    .all(conn)
    .await
}

/// An open invoice a payment import may allocate to, as the allocation sees it.
#[derive(Debug, FromQueryResult)]
pub struct OpenInvoice {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub currency: Currency,
    pub due_date: NaiveDate,
    // Issued invoices always have a number (the invoices table's check).
    pub number: String,
    pub balance_due: Decimal,
}

/// Locks `customers` (in id order), then their open invoices (in id order), and returns
/// those invoices: the lock order of every money change (`payments::store::lock_open_items`
/// for one customer), so an import and a payment for the same customer take turns.
pub async fn lock_customers_and_open_invoices(
    conn: &impl ConnectionTrait,
    customers: &[Uuid],
) -> Result<Vec<OpenInvoice>, DbErr> {
    if customers.is_empty() {
        return Ok(Vec::new());
    }
    conn.query_all_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id FROM customers WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE",
        [customers.to_vec().into()],
    ))
    .await?;
    OpenInvoice::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        concat!(
            "SELECT id, customer_id, currency::text AS currency, due_date, number, balance_due
         FROM invoices
         WHERE customer_id = ANY($1::uuid[]) AND status IN ",
            domain::open_statuses!(),
            "
         ORDER BY id FOR UPDATE"
        ),
        [customers.to_vec().into()],
    ))
    .all(conn)
    .await
}

/// An invoice a payment file names, found by its number, whatever its status.
#[derive(Debug, FromQueryResult)]
pub struct NamedInvoice {
    pub id: Uuid,
    pub number: String,
    pub customer_id: Uuid,
}

/// The invoices numbered `numbers` (those that exist).
pub async fn invoices_by_number(
    conn: &impl ConnectionTrait,
    numbers: &[String],
) -> Result<Vec<NamedInvoice>, DbErr> {
    NamedInvoice::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id, number, customer_id FROM invoices WHERE number = ANY(SELECT json_array_elements_text($1::json))",
        [json!(numbers).into()],
    ))
    .all(conn)
    .await
}

/// Writes received payments given as JSON objects, each with its `external_id`, recorded by
/// `actor_label`. Their allocations are written after, one by one, by the payments store
/// (`payments::store::write_allocations`), which moves the invoices' paid amounts.
pub async fn insert_payments(
    conn: &impl ConnectionTrait,
    payments: &[Value],
    actor_label: &str,
) -> Result<(), DbErr> {
    for chunk in payments.chunks(CHUNK) {
        conn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO payments (id, customer_id, amount, currency, received_on, method, reference, actor_label, external_id)
             SELECT id, customer_id, amount::numeric, currency, received_on, method, reference, $2, external_id
             FROM json_to_recordset($1::json) AS r(id uuid, customer_id uuid, amount text, currency text, received_on date,
                  method text, reference text, external_id text)",
            [Value::Array(chunk.to_vec()).into(), actor_label.to_owned().into()],
        ))
        .await?;
    }
    Ok(())
}
