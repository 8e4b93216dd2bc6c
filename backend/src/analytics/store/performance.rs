//! Staff performance's SQL: attribution of payments to collectors, their portfolios as of a
//! day, their activities, targets and the company's incentive rules.

use chrono::NaiveDate;
use domain::incentive::IncentiveKind;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

/// A collector's period: what was attributed to them, what they did, and their target.
#[derive(Debug, FromQueryResult)]
pub struct PerformanceRow {
    pub user_id: Uuid,
    pub collected: Decimal,
    pub attributed_payments: i64,
    pub days_to_collect: Option<Decimal>,
    pub activities: i64,
    pub promises_obtained: i64,
    pub promises_judged: i64,
    pub promises_kept: i64,
    pub target: Option<Decimal>,
}

/// A collector's portfolio as of a day: receivables in all, not yet due, and overdue.
#[derive(Debug, FromQueryResult)]
pub struct PortfolioRow {
    pub user_id: Uuid,
    pub total: Decimal,
    pub current: Decimal,
    pub overdue: Decimal,
}

#[derive(Debug, FromQueryResult)]
pub struct SalesRow {
    pub user_id: Uuid,
    pub sales: Decimal,
}

/// Credit sales in `$1`..`$2` (currency `$3`) per collector's portfolio, net of credit notes.
const PORTFOLIO_SALES: &str = r#"
SELECT c.collector_id AS user_id,
       coalesce(sum(s.amount), 0) AS sales
FROM (
    SELECT i.customer_id, i.total AS amount FROM invoices i
    WHERE i.status NOT IN ('DRAFT', 'VOID') AND i.currency = $3::bpchar AND i.issue_date BETWEEN $1 AND $2
    UNION ALL
    SELECT n.customer_id, -n.amount FROM credit_notes n
    WHERE n.currency = $3::bpchar AND n.issued_on BETWEEN $1 AND $2
) s JOIN customers c ON c.id = s.customer_id
WHERE c.collector_id IS NOT NULL
GROUP BY c.collector_id
"#;

/// Per collector who had a portfolio or did something in `$1`..`$2`, currency `$3`, window `$4`
/// days; days are the company's (time zone `$5`).
const PERFORMANCE: &str = r#"
WITH collectors AS (
    SELECT DISTINCT collector_id AS user_id FROM customers WHERE collector_id IS NOT NULL
    UNION
    SELECT DISTINCT logged_by FROM collection_activities WHERE logged_by IS NOT NULL AND (occurred_at AT TIME ZONE $5)::date BETWEEN $1 AND $2
), attributed AS (
    SELECT p.id, p.amount, p.received_on, who.user_id,
           (SELECT avg(p.received_on - i.issue_date) FROM allocations a JOIN invoices i ON i.id = a.invoice_id
             WHERE a.payment_id = p.id AND a.reverses_id IS NULL) AS days_to_collect
    FROM payments p
    CROSS JOIN LATERAL (
        SELECT t.user_id FROM (
            SELECT a.logged_by AS user_id, a.occurred_at AS at FROM collection_activities a
            WHERE a.customer_id = p.customer_id AND a.logged_by IS NOT NULL
              AND (a.occurred_at AT TIME ZONE $5)::date BETWEEN p.received_on - $4::int AND p.received_on
            UNION ALL
            SELECT x.logged_by, x.created_at FROM promises x
            WHERE x.customer_id = p.customer_id AND x.logged_by IS NOT NULL
              AND (x.created_at AT TIME ZONE $5)::date BETWEEN p.received_on - $4::int AND p.received_on
        ) t ORDER BY t.at DESC LIMIT 1
    ) who
    WHERE p.currency = $3::bpchar AND p.received_on BETWEEN $1 AND $2
      AND NOT EXISTS (SELECT 1 FROM payment_reversals r WHERE r.payment_id = p.id)
)
SELECT c.user_id,
       coalesce((SELECT sum(t.amount) FROM attributed t WHERE t.user_id = c.user_id), 0) AS collected,
       (SELECT count(*) FROM attributed t WHERE t.user_id = c.user_id) AS attributed_payments,
       (SELECT avg(t.days_to_collect) FROM attributed t WHERE t.user_id = c.user_id)::numeric AS days_to_collect,
       (SELECT count(*) FROM collection_activities a WHERE a.logged_by = c.user_id AND (a.occurred_at AT TIME ZONE $5)::date BETWEEN $1 AND $2) AS activities,
       (SELECT count(*) FROM promises x WHERE x.logged_by = c.user_id AND (x.created_at AT TIME ZONE $5)::date BETWEEN $1 AND $2) AS promises_obtained,
       (SELECT count(*) FROM promises x WHERE x.logged_by = c.user_id AND x.promised_date BETWEEN $1 AND $2
          AND x.status IN ('KEPT', 'PARTIALLY_KEPT', 'BROKEN')) AS promises_judged,
       (SELECT count(*) FROM promises x WHERE x.logged_by = c.user_id AND x.promised_date BETWEEN $1 AND $2
          AND x.status = 'KEPT') AS promises_kept,
       (SELECT sum(g.amount) FROM collector_targets g WHERE g.user_id = c.user_id AND g.currency = $3::bpchar
          AND g.month BETWEEN date_trunc('month', $1::date) AND $2) AS target
FROM collectors c
"#;

/// A collector's activities in one channel.
#[derive(Debug, FromQueryResult)]
pub struct ChannelRow {
    pub user_id: Uuid,
    pub channel: String,
    pub count: i64,
}

/// An incentive rule as the company set it.
#[derive(Debug, Clone, FromQueryResult)]
pub struct RuleRow {
    pub id: Uuid,
    pub name: String,
    pub kind: IncentiveKind,
    pub rate: Option<Decimal>,
    pub amount: Option<Decimal>,
    pub currency: String,
    pub active: bool,
}

/// Per collector who had a portfolio or did something in the period, window `window` days.
pub async fn performance(
    conn: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
    currency: &str,
    window: i64,
    time_zone: &str,
) -> Result<Vec<PerformanceRow>, DbErr> {
    PerformanceRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        PERFORMANCE,
        [
            from.into(),
            to.into(),
            currency.to_owned().into(),
            window.into(),
            time_zone.to_owned().into(),
        ],
    ))
    .all(conn)
    .await
}

/// Each collector's portfolio (the customers assigned to them now) as of a day, by due date.
pub async fn portfolios(
    conn: &impl ConnectionTrait,
    as_of: NaiveDate,
    currency: &str,
    time_zone: &str,
) -> Result<Vec<PortfolioRow>, DbErr> {
    PortfolioRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "{} SELECT c.collector_id AS user_id, coalesce(sum(t.amount), 0) AS total,
                    coalesce(sum(t.amount) FILTER (WHERE t.ref_date >= $1::date), 0) AS current,
                    coalesce(sum(t.amount) FILTER (WHERE t.ref_date < $1::date), 0) AS overdue
             FROM items t JOIN customers c ON c.id = t.customer_id
             WHERE c.collector_id IS NOT NULL GROUP BY c.collector_id",
            super::aging::OWED_AS_OF
        ),
        [
            as_of.into(),
            currency.to_owned().into(),
            true.into(),
            time_zone.to_owned().into(),
        ],
    ))
    .all(conn)
    .await
}

pub async fn portfolio_sales(
    conn: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
    currency: &str,
) -> Result<Vec<SalesRow>, DbErr> {
    SalesRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        PORTFOLIO_SALES,
        [from.into(), to.into(), currency.to_owned().into()],
    ))
    .all(conn)
    .await
}

/// Activities per collector and channel in the period, by channel.
pub async fn channels(
    conn: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
    time_zone: &str,
) -> Result<Vec<ChannelRow>, DbErr> {
    ChannelRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT logged_by AS user_id, channel, count(*) AS count FROM collection_activities
         WHERE logged_by IS NOT NULL AND (occurred_at AT TIME ZONE $3)::date BETWEEN $1 AND $2 GROUP BY logged_by, channel ORDER BY channel",
        [from.into(), to.into(), time_zone.to_owned().into()],
    ))
    .all(conn)
    .await
}

/// The active rules in a currency.
pub async fn active_rules(
    conn: &impl ConnectionTrait,
    currency: &str,
) -> Result<Vec<RuleRow>, DbErr> {
    RuleRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id, name, kind, rate, amount, currency::text AS currency, active FROM incentive_rules
         WHERE active AND currency = $1::bpchar",
        [currency.to_owned().into()],
    ))
    .all(conn)
    .await
}

pub async fn rules(conn: &impl ConnectionTrait) -> Result<Vec<RuleRow>, DbErr> {
    RuleRow::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        "SELECT id, name, kind, rate, amount, currency::text AS currency, active FROM incentive_rules ORDER BY name",
    ))
    .all(conn)
    .await
}

pub async fn rule(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<RuleRow>, DbErr> {
    RuleRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id, name, kind, rate, amount, currency::text AS currency, active FROM incentive_rules WHERE id = $1",
        [id.into()],
    ))
    .one(conn)
    .await
}

/// A rule as saved: a new one, or the one `id` changed (`active` none keeps it, or makes a new
/// rule active).
pub struct RuleValues<'a> {
    pub id: Uuid,
    pub name: &'a str,
    pub kind: IncentiveKind,
    pub rate: Option<Decimal>,
    pub amount: Option<Decimal>,
    pub currency: &'a str,
    pub active: Option<bool>,
}

/// Inserts the rule, or updates it when `update`; how many rows were written.
pub async fn save_rule(
    conn: &impl ConnectionTrait,
    update: bool,
    rule: &RuleValues<'_>,
) -> Result<u64, DbErr> {
    Ok(conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            if update {
                "UPDATE incentive_rules SET name = $2, kind = $3, rate = $4, amount = $5, currency = $6,
                        active = coalesce($7, active), updated_at = now() WHERE id = $1"
            } else {
                "INSERT INTO incentive_rules (id, name, kind, rate, amount, currency, active)
                 VALUES ($1, $2, $3, $4, $5, $6, coalesce($7, true))"
            },
            [
                rule.id.into(),
                rule.name.to_owned().into(),
                rule.kind.as_str().into(),
                rule.rate.into(),
                rule.amount.into(),
                rule.currency.to_owned().into(),
                rule.active.into(),
            ],
        ))
        .await?
        .rows_affected())
}

/// Sets a collector's target for a month (the first day) in a currency.
pub async fn set_target(
    conn: &impl ConnectionTrait,
    user: Uuid,
    month: NaiveDate,
    currency: &str,
    amount: Decimal,
    set_by: &str,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO collector_targets (user_id, month, currency, amount, set_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_id, month, currency) DO UPDATE SET amount = excluded.amount, set_by = excluded.set_by, set_at = now()",
        [
            user.into(),
            month.into(),
            currency.to_owned().into(),
            amount.into(),
            set_by.to_owned().into(),
        ],
    ))
    .await?;
    Ok(())
}
