//! The daily risk scan's SQL: one set-based statement per kind of alert, each naming its cause
//! so that the same cause never raises a second alert (`risk_alerts.cause` is unique among live
//! alerts); first the conditions that ended are cleared, so a new episode raises its own.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

const OPEN_BALANCE: &str = concat!(
    "coalesce((SELECT sum(i.balance_due) FROM invoices i WHERE i.customer_id = c.id
    AND i.currency = c.currency AND i.status IN ",
    domain::open_statuses!(),
    "), 0)"
);

/// Clears the alerts whose condition ended, then raises the new ones as of `today` (invoices of
/// at least `large` overdue; holds dated in `time_zone`). Returns how many were raised.
pub async fn scan(
    conn: &impl ConnectionTrait,
    today: NaiveDate,
    time_zone: String,
    large: Decimal,
) -> Result<u64, DbErr> {
    let over_limit = format!(
        "SELECT c.id FROM customers c
         WHERE c.archived_at IS NULL AND c.credit_limit IS NOT NULL AND {OPEN_BALANCE} > c.credit_limit"
    );
    let near_limit = format!(
        "SELECT c.id FROM customers c
         WHERE c.archived_at IS NULL AND c.credit_limit > 0
           AND {OPEN_BALANCE} BETWEEN c.credit_limit * 0.9 AND c.credit_limit"
    );
    let worsening = "SELECT i.customer_id,
                avg(greatest(p.received_on - i.due_date, 0)) FILTER (WHERE p.received_on > $1::date - 90) AS recent,
                avg(greatest(p.received_on - i.due_date, 0)) FILTER (WHERE p.received_on <= $1::date - 90) AS earlier
         FROM allocations a JOIN payments p ON p.id = a.payment_id JOIN invoices i ON i.id = a.invoice_id
         WHERE a.reverses_id IS NULL AND p.received_on > $1::date - 365 AND p.received_on <= $1::date
         GROUP BY i.customer_id";
    // First the conditions that have ended, so a new episode can raise its own alert.
    let clear = |kind: &str, still: &str| {
        format!(
            "UPDATE risk_alerts SET cleared_at = now(),
                    status = 'RESOLVED', resolved_at = coalesce(resolved_at, now()),
                    resolved_by = coalesce(resolved_by, 'Duely'),
                    resolution_note = coalesce(resolution_note, 'The condition cleared')
             WHERE kind = '{kind}' AND cleared_at IS NULL AND customer_id NOT IN ({still})"
        )
    };
    let clears: Vec<(String, Vec<sea_orm::Value>)> = vec![
        (clear("OVER_CREDIT_LIMIT", &over_limit), Vec::new()),
        (clear("NEAR_CREDIT_LIMIT", &near_limit), Vec::new()),
        (
            clear(
                "WORSENING_DAYS_TO_PAY",
                &format!(
                    "SELECT w.customer_id FROM ({worsening}) w WHERE w.recent - w.earlier >= 10"
                ),
            ),
            vec![today.into()],
        ),
    ];
    // Each alert's text as a code and parameters (amounts without trailing zeros: 100000, not
    // 100000.0000), and in English as well for a server of the previous version during a
    // rollout (`message`, dropped once none is left).
    let raises: Vec<(String, Vec<sea_orm::Value>)> = vec![
        (
            format!(
            "INSERT INTO risk_alerts (id, customer_id, kind, cause, severity, message_code, message_params, message)
             SELECT gen_random_uuid(), c.id, 'OVER_CREDIT_LIMIT', 'OVER_CREDIT_LIMIT:' || c.id, 'HIGH',
                    'ALERT_OVER_CREDIT_LIMIT', jsonb_build_object('balance', trim_scale({OPEN_BALANCE})::text,
                        'currency', c.currency::text, 'limit', trim_scale(c.credit_limit)::text),
                    'Open invoices of ' || {OPEN_BALANCE} || ' ' || c.currency || ' are over the credit limit of ' || c.credit_limit
             FROM customers c WHERE c.id IN ({over_limit})
             ON CONFLICT (cause) WHERE cleared_at IS NULL DO NOTHING"
        ),
            Vec::new(),
        ),
        (
            format!(
            "INSERT INTO risk_alerts (id, customer_id, kind, cause, severity, message_code, message_params, message)
             SELECT gen_random_uuid(), c.id, 'NEAR_CREDIT_LIMIT', 'NEAR_CREDIT_LIMIT:' || c.id, 'MEDIUM',
                    'ALERT_NEAR_CREDIT_LIMIT', jsonb_build_object('percent', round({OPEN_BALANCE} / c.credit_limit * 100)::text),
                    'Open invoices have reached ' || round({OPEN_BALANCE} / c.credit_limit * 100) || '% of the credit limit'
             FROM customers c WHERE c.id IN ({near_limit})
             ON CONFLICT (cause) WHERE cleared_at IS NULL DO NOTHING"
        ),
            Vec::new(),
        ),
        (
            concat!("INSERT INTO risk_alerts (id, customer_id, kind, cause, severity, message_code, message_params, message)
         SELECT gen_random_uuid(), i.customer_id, 'LARGE_INVOICE_OVERDUE', 'LARGE_INVOICE_OVERDUE:' || i.id, 'HIGH',
                'ALERT_LARGE_INVOICE_OVERDUE', jsonb_build_object('number', i.number, 'balance', trim_scale(i.balance_due)::text,
                    'currency', i.currency::text, 'dueDate', i.due_date::text),
                'Invoice ' || i.number || ' of ' || i.balance_due || ' ' || i.currency || ' is overdue since ' || i.due_date
         FROM invoices i
         WHERE i.status IN ", domain::open_statuses!(), " AND i.due_date < $1 AND i.balance_due >= $2
         ON CONFLICT (cause) WHERE cleared_at IS NULL DO NOTHING")
            .to_owned(),
            vec![today.into(), large.into()],
        ),
        (
            // "Since" is the hold's day in the company's own time zone.
            "INSERT INTO risk_alerts (id, customer_id, kind, cause, severity, message_code, message_params, message)
         SELECT gen_random_uuid(), c.id, 'OVERDUE_WHILE_ON_HOLD', 'OVERDUE_WHILE_ON_HOLD:' || r.invoice_id, 'MEDIUM',
                'ALERT_OVERDUE_WHILE_ON_HOLD', jsonb_build_object('number', i.number, 'dueDate', r.due_date::text),
                'Invoice ' || i.number || ' fell overdue on ' || r.due_date || ' while the customer is on credit hold'
         FROM customers c
         JOIN receivable_items r ON r.customer_id = c.id AND r.amount > 0
         JOIN invoices i ON i.id = r.invoice_id
         WHERE c.credit_hold AND r.due_date < $1 AND r.due_date >= (c.credit_hold_since AT TIME ZONE $2)::date
         ON CONFLICT (cause) WHERE cleared_at IS NULL DO NOTHING"
            .to_owned(),
            vec![today.into(), time_zone.into()],
        ),
        (
            format!("INSERT INTO risk_alerts (id, customer_id, kind, cause, severity, message_code, message_params, message)
         SELECT gen_random_uuid(), w.customer_id, 'WORSENING_DAYS_TO_PAY', 'WORSENING_DAYS_TO_PAY:' || w.customer_id, 'MEDIUM',
                'ALERT_WORSENING_DAYS_TO_PAY', jsonb_build_object('changeDays', round(w.recent - w.earlier)::text,
                    'recentDays', round(w.recent)::text),
                'Pays ' || round(w.recent - w.earlier) || ' days later than before (' || round(w.recent) || ' days past due on average lately)'
         FROM ({worsening}) w
         WHERE w.recent - w.earlier >= 10
         ON CONFLICT (cause) WHERE cleared_at IS NULL DO NOTHING"),
            vec![today.into()],
        ),
    ];
    for (sql, values) in clears {
        conn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .await?;
    }
    let mut raised = 0;
    for (sql, values) in raises {
        raised += conn
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                sql,
                values,
            ))
            .await?
            .rows_affected();
    }
    Ok(raised)
}
