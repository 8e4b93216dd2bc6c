//! Reading a statement's entries and its aging at the end of the period.

use crate::customers::CustomerRow;
use chrono::NaiveDate;
use domain::aging::{AgingBucket, AgingEdges, days_past_due};
use domain::statement::{Entry, EntryKind, Statement, build};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement as Sql};
use uuid::Uuid;

#[derive(Debug, FromQueryResult)]
struct EntryRow {
    date: NaiveDate,
    kind: String,
    reference: String,
    amount: Decimal,
}

/// Every movement of the customer's money in `currency` up to `to`. Dates are the tenant's
/// calendar dates (`$4` is the tenant's time zone name).
const ENTRIES: &str = r#"
SELECT issue_date AS date, 'INVOICE' AS kind, coalesce(number, '') AS reference, total AS amount
FROM invoices WHERE customer_id = $1 AND currency = $2 AND status NOT IN ('DRAFT', 'VOID') AND issue_date <= $3
UNION ALL
SELECT received_on, 'PAYMENT', coalesce(reference, method), amount
FROM payments WHERE customer_id = $1 AND currency = $2 AND received_on <= $3
UNION ALL
SELECT (r.reversed_at AT TIME ZONE $4)::date, 'PAYMENT_REVERSAL', coalesce(p.reference, p.method), p.amount
FROM payment_reversals r JOIN payments p ON p.id = r.payment_id
WHERE p.customer_id = $1 AND p.currency = $2 AND (r.reversed_at AT TIME ZONE $4)::date <= $3
UNION ALL
SELECT issued_on, 'CREDIT_NOTE', number, amount
FROM credit_notes WHERE customer_id = $1 AND currency = $2 AND issued_on <= $3
UNION ALL
SELECT (written_off_at AT TIME ZONE $4)::date, 'WRITE_OFF', coalesce(number, ''), amount_written_off
FROM invoices
WHERE customer_id = $1 AND currency = $2 AND status = 'WRITTEN_OFF' AND (written_off_at AT TIME ZONE $4)::date <= $3
"#;

/// Each invoice's balance as it stood at the end of `$3`: its total less what had been
/// allocated, credited and written off by then.
const OPEN_AT: &str = r#"
SELECT i.id, i.number, i.issue_date, i.due_date, i.total,
       i.total
       -- Money applied counts from the day it was received (as the ledger dates the payment);
       -- a reversal from the day it was made.
       - coalesce((SELECT sum(a.amount) FROM allocations a JOIN payments p ON p.id = a.payment_id
                   WHERE a.invoice_id = i.id
                     AND CASE WHEN a.reverses_id IS NULL THEN p.received_on
                              ELSE (a.created_at AT TIME ZONE $4)::date END <= $3), 0)
       - coalesce((SELECT sum(n.amount) FROM credit_notes n WHERE n.invoice_id = i.id AND n.issued_on <= $3), 0)
       - CASE WHEN i.status = 'WRITTEN_OFF' AND (i.written_off_at AT TIME ZONE $4)::date <= $3 THEN i.amount_written_off ELSE 0 END
       AS balance
FROM invoices i
WHERE i.customer_id = $1 AND i.currency = $2 AND i.status NOT IN ('DRAFT', 'VOID') AND i.issue_date <= $3
ORDER BY i.due_date, i.number
"#;

#[derive(Debug, Clone, FromQueryResult)]
pub struct OpenAtEnd {
    pub id: Uuid,
    pub number: Option<String>,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub total: Decimal,
    pub balance: Decimal,
}

pub struct StatementData {
    pub customer: CustomerRow,
    pub currency: String,
    pub statement: Statement,
    /// Invoices with something owed at the end of the period.
    pub open_at_end: Vec<OpenAtEnd>,
    /// Aging of what was owed at the end, in bucket order.
    pub aging: [Decimal; 5],
}

/// The statement of `customer` for `from..=to` in `currency`, read in the caller's
/// transaction.
pub async fn load_statement(
    conn: &impl ConnectionTrait,
    customer: CustomerRow,
    currency: &str,
    from: NaiveDate,
    to: NaiveDate,
    time_zone: &str,
) -> Result<StatementData, DbErr> {
    let values = || {
        vec![
            customer.id.into(),
            currency.to_owned().into(),
            to.into(),
            time_zone.to_owned().into(),
        ]
    };
    let entries = EntryRow::find_by_statement(Sql::from_sql_and_values(
        DbBackend::Postgres,
        ENTRIES,
        values(),
    ))
    .all(conn)
    .await?
    .into_iter()
    .filter_map(|row| {
        Some(Entry {
            date: row.date,
            kind: EntryKind::parse(&row.kind)?,
            reference: row.reference,
            amount: row.amount,
        })
    })
    .collect();
    let open_at_end: Vec<OpenAtEnd> = OpenAtEnd::find_by_statement(Sql::from_sql_and_values(
        DbBackend::Postgres,
        OPEN_AT,
        values(),
    ))
    .all(conn)
    .await?
    .into_iter()
    .filter(|invoice| invoice.balance > Decimal::ZERO)
    .collect();
    let edges = conn
        .query_one_raw(Sql::from_string(
            DbBackend::Postgres,
            "SELECT value FROM settings WHERE key = 'aging.bucket_edges'",
        ))
        .await?
        .and_then(|row| row.try_get::<serde_json::Value>("", "value").ok())
        .and_then(|value| serde_json::from_value::<[i64; 3]>(value).ok())
        .and_then(|edges| AgingEdges::new(edges).ok())
        .unwrap_or_default();
    let mut aging = [Decimal::ZERO; 5];
    for invoice in &open_at_end {
        let bucket: AgingBucket = edges.bucket(days_past_due(invoice.due_date, to));
        aging[bucket.index()] += invoice.balance;
    }
    Ok(StatementData {
        currency: currency.to_owned(),
        statement: build(from, to, entries),
        open_at_end,
        aging,
        customer,
    })
}
