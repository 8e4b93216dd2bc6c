//! A customer's timeline: what happened on the account, from every table that records it.

use chrono::{DateTime, Utc};
use domain::Currency;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

/// One entry of a customer's timeline, with the customer and the limit it was read for.
#[derive(Debug, Clone, FromQueryResult)]
pub struct TimelineRow {
    pub customer_id: Uuid,
    pub first: i64,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub reference: Option<String>,
    pub amount: Option<Decimal>,
    pub currency: Option<Currency>,
    pub actor: Option<String>,
    pub detail: Option<String>,
}

/// The latest `lim` entries of each asked customer's timeline, newest first. A LATERAL
/// subquery per customer keeps each customer's own plan (an index scan per source, cut at its
/// limit) while the whole page is one statement.
const TIMELINES: &str = r#"
SELECT k.customer_id, k.lim::bigint AS first, e.*
FROM unnest($1::uuid[], $2::bigint[]) AS k(customer_id, lim)
CROSS JOIN LATERAL (
    SELECT t.* FROM (
        SELECT issued_at AS at, 'INVOICE_ISSUED' AS kind, number AS reference, total AS amount,
               currency::text AS currency, NULL::text AS actor, NULL::text AS detail
        FROM invoices WHERE customer_id = k.customer_id AND issued_at IS NOT NULL
        UNION ALL
        SELECT p.created_at, 'PAYMENT_RECEIVED',
               coalesce(p.reference || coalesce(' · ' || a.name || ' ' || b.booked_on, ''), p.method),
               p.amount, p.currency::text, p.actor_label, p.method
        FROM payments p
        -- The bank line it came from, or was linked to (cash application).
        LEFT JOIN bank_transactions b ON b.id = coalesce(p.bank_transaction_id,
            (SELECT l.id FROM bank_transactions l WHERE l.linked_payment_id = p.id))
        LEFT JOIN bank_accounts a ON a.id = b.bank_account_id
        WHERE p.customer_id = k.customer_id
        UNION ALL
        SELECT r.reversed_at, 'PAYMENT_REVERSED', coalesce(p.reference, p.method), p.amount, p.currency::text, r.actor_label, r.reason
        FROM payment_reversals r JOIN payments p ON p.id = r.payment_id WHERE p.customer_id = k.customer_id
        UNION ALL
        SELECT created_at, 'CREDIT_NOTE', number, amount, currency::text, actor_label, reason
        FROM credit_notes WHERE customer_id = k.customer_id
        UNION ALL
        SELECT written_off_at, 'WRITE_OFF', number, amount_written_off, currency::text, NULL, write_off_reason
        FROM invoices WHERE customer_id = k.customer_id AND written_off_at IS NOT NULL
        UNION ALL
        SELECT d.opened_at, 'DISPUTE_OPENED', i.number, d.amount, i.currency::text, d.opened_by, d.reason
        FROM disputes d JOIN invoices i ON i.id = d.invoice_id WHERE i.customer_id = k.customer_id
        UNION ALL
        SELECT d.resolved_at, 'DISPUTE_' || d.status, i.number, d.amount, i.currency::text, d.resolved_by, d.resolution_note
        FROM disputes d JOIN invoices i ON i.id = d.invoice_id WHERE i.customer_id = k.customer_id AND d.resolved_at IS NOT NULL
        UNION ALL
        SELECT occurred_at, kind, NULL, credit_limit, NULL, actor_label, reason
        FROM credit_events WHERE customer_id = k.customer_id
        UNION ALL
        SELECT created_at, 'STATEMENT_SENT', reference || ' · ' || period_from || ' – ' || period_to, NULL, NULL, created_by, sent_to
        FROM statement_links WHERE customer_id = k.customer_id
        UNION ALL
        SELECT responded_at, 'STATEMENT_' || response, NULL, NULL, NULL, responder_name, note
        FROM statement_responses WHERE customer_id = k.customer_id
        UNION ALL
        SELECT occurred_at, 'COLLECTION_ACTIVITY', channel, NULL, NULL, logged_by_label, note
        FROM collection_activities WHERE customer_id = k.customer_id
        UNION ALL
        SELECT created_at, 'LEGAL_CASE_OPENED', status, amount, currency::text, opened_by, notes
        FROM legal_cases WHERE customer_id = k.customer_id
    ) t
    ORDER BY t.at DESC LIMIT k.lim
) e
ORDER BY k.customer_id, k.lim, e.at DESC
"#;

/// The latest entries of several customers' timelines, each `(customer, how many)` cut at its
/// own limit: one statement for a whole page of customers.
pub async fn timelines(
    conn: &impl ConnectionTrait,
    keys: &[(Uuid, i64)],
) -> Result<Vec<TimelineRow>, DbErr> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = keys.iter().map(|(id, _)| *id).collect();
    let limits: Vec<i64> = keys.iter().map(|(_, first)| *first).collect();
    TimelineRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        TIMELINES,
        [ids.into(), limits.into()],
    ))
    .all(conn)
    .await
}
