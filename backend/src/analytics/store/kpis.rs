//! The KPIs' SQL: what moved in a period, monthly sales for the count-back, and the daily
//! snapshots that keep what the figures were.

use crate::error::AppError;
use chrono::NaiveDate;
use domain::kpi::Kpis;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement, Value};
use uuid::Uuid;

/// Whose customers the KPIs cover: the whole company, a segment's, or those assigned to a
/// collector now (there is no history of assignments to go back to).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct KpiScope {
    pub segment: Option<String>,
    pub collector: Option<Uuid>,
}

impl KpiScope {
    pub fn is_company(&self) -> bool {
        self.segment.is_none() && self.collector.is_none()
    }

    /// The scope's two parameters, in the order [`in_scope`] numbers them.
    pub fn values(&self) -> [Value; 2] {
        [self.segment.clone().into(), self.collector.into()]
    }
}

/// A condition keeping rows whose `column` (a customer id) is in the scope bound at `$segment`
/// and `$segment + 1`. The transaction plans each statement for its values
/// (`plan_for_the_day`), so for the whole company the condition folds away.
pub fn in_scope(column: &str, segment: usize) -> String {
    let collector = segment + 1;
    format!(
        "(${segment}::text IS NULL AND ${collector}::uuid IS NULL OR {column} IN (
            SELECT sc.id FROM customers sc
            WHERE (${segment}::text IS NULL OR sc.segment = ${segment}::text)
              AND (${collector}::uuid IS NULL OR sc.collector_id = ${collector}::uuid)))"
    )
}

/// What moved in a period.
#[derive(Debug, FromQueryResult)]
pub struct Flows {
    pub credit_sales: Decimal,
    pub write_offs: Decimal,
    pub collected: Decimal,
    pub promises_due: i64,
    pub promises_kept: i64,
    pub days_to_pay_total: i64,
    pub invoices_paid: i64,
}

/// What moved in the period `$1`..`$2` in currency `$3` (time zone `$4`), for the customers
/// in scope (`$5`, `$6`); `{invoice}` and the like are replaced by [`in_scope`] conditions.
const FLOWS: &str = r#"
SELECT
    -- The whole company's from the days kept (`credit_sales_by_day`), a part's from the ledger.
    CASE WHEN $5::text IS NULL AND $6::uuid IS NULL THEN
        (SELECT coalesce(sum(d.amount), 0) FROM credit_sales_by_day d
         WHERE d.currency = $3::bpchar AND d.day BETWEEN $1 AND $2)
    ELSE
        coalesce((SELECT sum(i.total) FROM invoices i
                  WHERE i.status NOT IN ('DRAFT', 'VOID') AND i.currency = $3::bpchar AND i.issue_date BETWEEN $1 AND $2 AND {invoice}), 0)
      - coalesce((SELECT sum(n.amount) FROM credit_notes n
                  WHERE n.currency = $3::bpchar AND n.issued_on BETWEEN $1 AND $2 AND {credit_note}), 0)
    END AS credit_sales,
    -- Only a written-off invoice carries a write-off. A range of instants a day wider than the
    -- period lets the written-off invoices' index find them (not a pass over every invoice);
    -- the local date then decides (where clocks go back at midnight, a day starts twice).
    coalesce((SELECT sum(i.amount_written_off) FROM invoices i
              WHERE i.status = 'WRITTEN_OFF' AND i.currency = $3::bpchar
                AND i.written_off_at >= ($1 - 1)::timestamp AT TIME ZONE $4
                AND i.written_off_at < ($2 + 2)::timestamp AT TIME ZONE $4
                AND (i.written_off_at AT TIME ZONE $4)::date BETWEEN $1 AND $2 AND {invoice}), 0) AS write_offs,
    coalesce((SELECT sum(p.amount) FROM payments p
              WHERE p.currency = $3::bpchar AND p.received_on BETWEEN $1 AND $2 AND {payment}), 0)
  - coalesce((SELECT sum(p.amount) FROM payment_reversals r JOIN payments p ON p.id = r.payment_id
              WHERE p.currency = $3::bpchar AND r.reversed_at >= ($1 - 1)::timestamp AT TIME ZONE $4
                AND r.reversed_at < ($2 + 2)::timestamp AT TIME ZONE $4
                AND (r.reversed_at AT TIME ZONE $4)::date BETWEEN $1 AND $2 AND {payment}), 0) AS collected,
    (SELECT count(*) FROM promises x WHERE x.currency = $3::bpchar AND x.promised_date BETWEEN $1 AND $2
       AND x.status IN ('KEPT', 'PARTIALLY_KEPT', 'BROKEN') AND {promise}) AS promises_due,
    (SELECT count(*) FROM promises x WHERE x.currency = $3::bpchar AND x.promised_date BETWEEN $1 AND $2
       AND x.status = 'KEPT' AND {promise}) AS promises_kept,
    coalesce(sum(s.last_paid_on - s.issue_date), 0)::bigint AS days_to_pay_total,
    count(s.*) AS invoices_paid
-- Settled in the period: paid, with the last payment allocated to it received in the period
-- (the invoice keeps that date, `invoices_paid_on_idx`).
FROM (
    SELECT i.issue_date, i.last_paid_on FROM invoices i
    WHERE i.status = 'PAID' AND i.currency = $3::bpchar AND i.last_paid_on BETWEEN $1 AND $2 AND {invoice}
) s
"#;

/// Credit sales net of credit notes from `$2` to `$3` (the days of one calendar month, up to
/// the period's last day) in currency `$1`, for the customers in scope (`$4`, `$5`): one month of
/// the count-back. Each month is its own statement so that a request's periods and trend months
/// share the months they have in common (`ReportCache::month_sales`). The whole company's are
/// kept by day (`credit_sales_by_day`); a segment's or a collector's are summed from the
/// ledger. (The statement is planned for its values, `plan_for_the_day`: one branch remains.)
const MONTH_SALES: &str = r#"
SELECT CASE WHEN $4::text IS NULL AND $5::uuid IS NULL THEN
    (SELECT coalesce(sum(d.amount), 0) FROM credit_sales_by_day d
     WHERE d.currency = $1::bpchar AND d.day BETWEEN $2 AND $3)
ELSE
    coalesce((SELECT sum(i.total) FROM invoices i
              WHERE i.status NOT IN ('DRAFT', 'VOID') AND i.currency = $1::bpchar
                AND i.issue_date BETWEEN $2 AND $3 AND {invoice}), 0)
  - coalesce((SELECT sum(n.amount) FROM credit_notes n
              WHERE n.currency = $1::bpchar AND n.issued_on BETWEEN $2 AND $3 AND {credit_note}), 0)
END AS sales
"#;

/// `sql` with its `{invoice}`, `{credit_note}`, `{payment}` and `{promise}` conditions scoped
/// by the parameters from `$segment`.
fn scoped(sql: &str, segment: usize) -> String {
    sql.replace("{invoice}", &in_scope("i.customer_id", segment))
        .replace("{credit_note}", &in_scope("n.customer_id", segment))
        .replace("{payment}", &in_scope("p.customer_id", segment))
        .replace("{promise}", &in_scope("x.customer_id", segment))
}

pub async fn flows(
    conn: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
    currency: &str,
    time_zone: &str,
    scope: &KpiScope,
) -> Result<Flows, AppError> {
    let [segment, collector] = scope.values();
    Flows::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        scoped(FLOWS, 5),
        [
            from.into(),
            to.into(),
            currency.to_owned().into(),
            time_zone.to_owned().into(),
            segment,
            collector,
        ],
    ))
    .one(conn)
    .await?
    .ok_or_else(|| AppError::Internal(anyhow::anyhow!("KPI flows returned nothing")))
}

/// Credit sales net of credit notes from `first` to `last`, both included.
pub async fn month_sales(
    conn: &impl ConnectionTrait,
    currency: &str,
    first: NaiveDate,
    last: NaiveDate,
    scope: &KpiScope,
) -> Result<Decimal, AppError> {
    let [segment, collector] = scope.values();
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            scoped(MONTH_SALES, 4),
            [
                currency.to_owned().into(),
                first.into(),
                last.into(),
                segment,
                collector,
            ],
        ))
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a month's sales returned nothing")))?;
    Ok(row.try_get::<Decimal>("", "sales")?)
}

/// Folds each day before `today` of `credit_sales_by_day` into one row per currency (its
/// triggers add a row per statement). Rows written meanwhile are not seen and stay for the
/// next time; the sums never change.
pub async fn compact_credit_sales(
    conn: &impl ConnectionTrait,
    today: NaiveDate,
) -> Result<(), AppError> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "WITH folded AS (
             DELETE FROM credit_sales_by_day WHERE day < $1 RETURNING currency, day, amount
         )
         INSERT INTO credit_sales_by_day (currency, day, amount)
         SELECT currency, day, sum(amount) FROM folded GROUP BY currency, day HAVING sum(amount) <> 0",
        [today.into()],
    ))
    .await?;
    Ok(())
}

/// The KPIs snapshotted on `day`, if any. A snapshot that no longer reads as today's `Kpis` is
/// taken as none, so the month is computed afresh.
pub async fn snapshot(
    conn: &impl ConnectionTrait,
    currency: &str,
    day: NaiveDate,
) -> Result<Option<Kpis>, AppError> {
    Ok(conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT kpis FROM kpi_snapshots WHERE currency = $1::bpchar AND snapshot_date = $2",
            [currency.to_owned().into(), day.into()],
        ))
        .await?
        .and_then(|row| row.try_get::<serde_json::Value>("", "kpis").ok())
        .and_then(|kpis| serde_json::from_value::<Kpis>(kpis).ok()))
}

/// The currencies the company has invoiced in.
pub async fn invoiced_currencies(conn: &impl ConnectionTrait) -> Result<Vec<String>, AppError> {
    Ok(conn
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT DISTINCT currency::text AS currency FROM invoices WHERE status NOT IN ('DRAFT', 'VOID')",
        ))
        .await?
        .into_iter()
        .filter_map(|row| row.try_get::<String>("", "currency").ok())
        .collect())
}

/// Stores the day's snapshot of the period from `from`, replacing one taken earlier that day.
pub async fn save_snapshot(
    conn: &impl ConnectionTrait,
    day: NaiveDate,
    currency: &str,
    from: NaiveDate,
    kpis: &Kpis,
) -> Result<(), AppError> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO kpi_snapshots (snapshot_date, currency, period_from, kpis) VALUES ($1, $2, $3, $4)
             ON CONFLICT (currency, snapshot_date) DO UPDATE SET kpis = excluded.kpis, created_at = now()",
        [
            day.into(),
            currency.to_owned().into(),
            from.into(),
            serde_json::to_value(kpis).map_err(anyhow::Error::from)?.into(),
        ],
    ))
    .await?;
    Ok(())
}

pub async fn snapshot_exists(
    conn: &impl ConnectionTrait,
    currency: &str,
    day: NaiveDate,
) -> Result<bool, AppError> {
    Ok(conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS found FROM kpi_snapshots WHERE currency = $1::bpchar AND snapshot_date = $2",
            [currency.to_owned().into(), day.into()],
        ))
        .await?
        .is_some())
}

/// Stores a month-end snapshot filled in afterwards (none existed for the day).
pub async fn backfill_snapshot(
    conn: &impl ConnectionTrait,
    month_end: NaiveDate,
    currency: &str,
    start: NaiveDate,
    kpis: &Kpis,
) -> Result<(), AppError> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO kpi_snapshots (snapshot_date, currency, period_from, kpis) VALUES ($1, $2, $3, $4)",
        [
            month_end.into(),
            currency.to_owned().into(),
            start.into(),
            serde_json::to_value(kpis).map_err(anyhow::Error::from)?.into(),
        ],
    ))
    .await?;
    Ok(())
}
