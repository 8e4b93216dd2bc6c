//! Credit holds the dunning run places and releases: a ladder step's hold, holds on customers
//! over their credit limit, and releasing holds whose cause has cleared.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

#[derive(Debug, FromQueryResult)]
struct IdRow {
    id: Uuid,
}

/// Places a credit hold caused by dunning. Returns false when the customer is on hold already.
pub async fn place_hold(
    conn: &impl ConnectionTrait,
    customer: Uuid,
    reason: &str,
) -> Result<bool, DbErr> {
    Ok(conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE customers SET credit_hold = true, credit_hold_reason = $2, credit_hold_since = now(),
                    credit_hold_cause = 'DUNNING', updated_at = now()
             WHERE id = $1 AND NOT credit_hold",
            [customer.into(), reason.to_owned().into()],
        ))
        .await?
        .rows_affected()
        == 1)
}

/// Places a credit hold on every customer whose open invoices (in its currency) exceed its
/// credit limit; returns who was placed on hold.
pub async fn hold_over_limit(
    conn: &impl ConnectionTrait,
    reason: &str,
) -> Result<Vec<Uuid>, DbErr> {
    Ok(IdRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        concat!("UPDATE customers c SET credit_hold = true, credit_hold_reason = $1, credit_hold_since = now(),
                    credit_hold_cause = 'OVER_LIMIT', updated_at = now()
             WHERE NOT c.credit_hold AND c.archived_at IS NULL AND c.credit_limit IS NOT NULL
               AND coalesce((SELECT sum(i.balance_due) FROM invoices i
                             WHERE i.customer_id = c.id AND i.currency = c.currency
                               AND i.status IN ", domain::open_statuses!(), "), 0) > c.credit_limit
             RETURNING c.id"),
        [reason.into()],
    ))
    .all(conn)
    .await?
    .into_iter()
    .map(|row| row.id)
    .collect())
}

/// Releases holds placed by dunning once nothing is overdue on `date`, and holds placed for
/// going over the limit once the balance is back under it; returns who was released.
pub async fn release_holds(
    conn: &impl ConnectionTrait,
    date: NaiveDate,
) -> Result<Vec<Uuid>, DbErr> {
    Ok(IdRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        concat!(r#"UPDATE customers c SET credit_hold = false, credit_hold_reason = NULL, credit_hold_since = NULL,
                      credit_hold_cause = NULL, updated_at = now()
               WHERE c.credit_hold AND (
                   (c.credit_hold_cause = 'DUNNING' AND NOT EXISTS (
                        SELECT 1 FROM receivable_items r
                        WHERE r.customer_id = c.id AND r.amount > 0 AND r.due_date < $1))
                   OR (c.credit_hold_cause = 'OVER_LIMIT' AND c.credit_limit IS NOT NULL AND
                       coalesce((SELECT sum(i.balance_due) FROM invoices i
                                 WHERE i.customer_id = c.id AND i.currency = c.currency
                                   AND i.status IN "#, domain::open_statuses!(), r#"), 0) <= c.credit_limit))
               RETURNING c.id"#),
        [date.into()],
    ))
    .all(conn)
    .await?
    .into_iter()
    .map(|row| row.id)
    .collect())
}
