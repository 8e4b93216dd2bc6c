//! What judging promises reads and writes: open promises with the money that counts towards
//! each, their new status, and the call task a broken one leaves.

use chrono::NaiveDate;
use domain::collections::PromiseStatus;
use domain::messages::{Localized, Text};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

#[derive(Debug, FromQueryResult)]
pub struct OpenPromise {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub amount: Decimal,
    pub currency: String,
    pub promised_date: NaiveDate,
    pub paid: Decimal,
    pub collector_id: Option<Uuid>,
}

/// What money counts towards each open promise: payments of the customer in the promise's
/// currency received from the day it was made until its date plus the grace days, not reversed;
/// for a promise that names invoices, only what those payments allocated to them.
const OPEN_WITH_PAID: &str = r#"
SELECT p.id, p.customer_id, p.amount, p.currency::text AS currency, p.promised_date,
       (SELECT c.collector_id FROM customers c WHERE c.id = p.customer_id) AS collector_id,
       CASE WHEN EXISTS (SELECT 1 FROM promise_invoices pi WHERE pi.promise_id = p.id)
       THEN coalesce((
           SELECT sum(a.amount) FROM allocations a JOIN payments y ON y.id = a.payment_id
           WHERE a.invoice_id IN (SELECT pi.invoice_id FROM promise_invoices pi WHERE pi.promise_id = p.id)
             AND y.customer_id = p.customer_id
             AND y.received_on BETWEEN (p.created_at AT TIME ZONE $2)::date AND p.promised_date + $1::int
             AND NOT EXISTS (SELECT 1 FROM payment_reversals r WHERE r.payment_id = y.id)), 0)
       ELSE coalesce((
           SELECT sum(y.amount) FROM payments y
           WHERE y.customer_id = p.customer_id AND y.currency = p.currency
             AND y.received_on BETWEEN (p.created_at AT TIME ZONE $2)::date AND p.promised_date + $1::int
             AND NOT EXISTS (SELECT 1 FROM payment_reversals r WHERE r.payment_id = y.id)), 0)
       END AS paid
FROM promises p
WHERE p.status = 'OPEN'
"#;

/// Every open promise, with what has been paid towards it within `grace` days after its date
/// (`time_zone` dates the day it was made).
pub async fn open_promises(
    conn: &impl ConnectionTrait,
    grace: u32,
    time_zone: &str,
) -> Result<Vec<OpenPromise>, DbErr> {
    OpenPromise::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        OPEN_WITH_PAID,
        [i64::from(grace).into(), time_zone.to_owned().into()],
    ))
    .all(conn)
    .await
}

/// Settles an open promise; returns how many rows changed (0 when another evaluation judged it
/// first).
pub async fn judge(
    conn: &impl ConnectionTrait,
    id: Uuid,
    status: PromiseStatus,
    paid: Decimal,
) -> Result<u64, DbErr> {
    Ok(conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE promises SET status = $2, paid_amount = $3, settled_at = now() WHERE id = $1 AND status = 'OPEN'",
            [id.into(), status.as_str().into(), paid.into()],
        ))
        .await?
        .rows_affected())
}

/// A call task from a promise, for `assignee` (none: anyone's).
pub async fn insert_call_task(
    conn: &impl ConnectionTrait,
    customer: Uuid,
    title: &Text,
    due_on: NaiveDate,
    assignee: Option<Uuid>,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO collection_tasks (id, customer_id, kind, title_code, title_params, title, due_on, assignee_id, source)
         VALUES ($1, $2, 'CALL', $3, $4, $5, $6, $7, 'PROMISE')",
        [
            Uuid::now_v7().into(),
            customer.into(),
            title.code().into(),
            serde_json::Value::Object(title.params()).into(),
            // In English too, for a server of the previous version during a rollout.
            title.text(domain::Locale::En).into(),
            due_on.into(),
            assignee.into(),
        ],
    ))
    .await?;
    Ok(())
}
