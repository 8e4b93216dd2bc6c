//! `kpis(from to currency)` and `kpiTrend(metric from to currency)`, and the daily job that
//! snapshots them so monthly trends keep what the figures were.
//!
//! The formulas are the domain's (`domain::kpi`); this module computes their inputs in SQL: AR
//! as of the day before the period and its last day (`aging::OWED_AS_OF`, the aging's exact
//! as-of sums added up from indexes),
//! credit sales net of credit notes, monthly sales for the count-back, write-offs, collections,
//! promises that fell due, and days to pay.

use super::aging::{self, totals_as_of};
use super::cache::{ReportCache, Totals};
use crate::api::values::{Date, Money, parse_currency};
use crate::auth::Caller;
use crate::db::{self, TenantTx};
use crate::error::AppError;
use crate::jobs::{ClaimedJob, JobHandler, NewJob};
use async_graphql::{Enum, SimpleObject};
use chrono::{Datelike, Days, NaiveDate};
use domain::TenantId;
use domain::access::Permission;
use domain::kpi::{self, Inputs, Kpis, MonthSales};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement};

pub const SNAPSHOT_JOB: &str = "analytics.snapshot";
pub const RATINGS_JOB: &str = "analytics.ratings";
pub const RISK_JOB: &str = "analytics.risk";
pub const DIGEST_JOB: &str = "analytics.digest";
/// The longest period the API computes in one request.
pub const MAX_PERIOD_DAYS: i64 = 731;

#[derive(SimpleObject, Clone)]
pub struct KpiReport {
    pub from: Date,
    pub to: Date,
    pub currency: String,
    /// Days sales outstanding: ending AR / credit sales x days.
    pub dso: Option<String>,
    pub countback_dso: Option<String>,
    pub best_possible_dso: Option<String>,
    pub average_days_delinquent: Option<String>,
    /// Collection effectiveness index, in percent.
    pub cei: Option<String>,
    pub ar_turnover: Option<String>,
    pub average_collection_period: Option<String>,
    /// Write-offs / credit sales, as a fraction (0.0125 is 1.25 %).
    pub bad_debt_ratio: Option<String>,
    /// AR more than 90 days past due / total AR, as a fraction.
    pub over90_ratio: Option<String>,
    /// Promises paid in full by their date / promises that fell due, as a fraction.
    pub promise_kept_rate: Option<String>,
    pub collected: Money,
    pub average_days_to_pay: Option<String>,
    pub beginning_ar: Money,
    pub ending_ar: Money,
    pub credit_sales: Money,
}

fn text(value: Option<Decimal>) -> Option<String> {
    value.map(|v| v.normalize().to_string())
}

fn out(from: NaiveDate, to: NaiveDate, currency: &str, inputs: &Inputs, k: &Kpis) -> KpiReport {
    KpiReport {
        from: Date(from),
        to: Date(to),
        currency: currency.to_owned(),
        dso: text(k.dso),
        countback_dso: text(k.countback_dso),
        best_possible_dso: text(k.best_possible_dso),
        average_days_delinquent: text(k.average_days_delinquent),
        cei: text(k.cei),
        ar_turnover: text(k.ar_turnover),
        average_collection_period: text(k.average_collection_period),
        bad_debt_ratio: text(k.bad_debt_ratio),
        over90_ratio: text(k.over_90_ratio),
        promise_kept_rate: text(k.promise_kept_rate),
        collected: Money::new(k.collected, currency),
        average_days_to_pay: text(k.average_days_to_pay),
        beginning_ar: Money::new(inputs.beginning_ar, currency),
        ending_ar: Money::new(inputs.ending_ar, currency),
        credit_sales: Money::new(inputs.credit_sales, currency),
    }
}

#[derive(Debug, FromQueryResult)]
struct Flows {
    credit_sales: Decimal,
    write_offs: Decimal,
    collected: Decimal,
    promises_due: i64,
    promises_kept: i64,
    days_to_pay_total: i64,
    invoices_paid: i64,
}

/// What moved in the period `$1`..`$2` in currency `$3` (time zone `$4`).
const FLOWS: &str = r#"
SELECT
    coalesce((SELECT sum(i.total) FROM invoices i
              WHERE i.status NOT IN ('DRAFT', 'VOID') AND i.currency = $3::bpchar AND i.issue_date BETWEEN $1 AND $2), 0)
  - coalesce((SELECT sum(n.amount) FROM credit_notes n
              WHERE n.currency = $3::bpchar AND n.issued_on BETWEEN $1 AND $2), 0) AS credit_sales,
    coalesce((SELECT sum(i.amount_written_off) FROM invoices i
              WHERE i.currency = $3::bpchar AND (i.written_off_at AT TIME ZONE $4)::date BETWEEN $1 AND $2), 0) AS write_offs,
    coalesce((SELECT sum(p.amount) FROM payments p
              WHERE p.currency = $3::bpchar AND p.received_on BETWEEN $1 AND $2), 0)
  - coalesce((SELECT sum(p.amount) FROM payment_reversals r JOIN payments p ON p.id = r.payment_id
              WHERE p.currency = $3::bpchar AND (r.reversed_at AT TIME ZONE $4)::date BETWEEN $1 AND $2), 0) AS collected,
    (SELECT count(*) FROM promises x WHERE x.currency = $3::bpchar AND x.promised_date BETWEEN $1 AND $2
       AND x.status IN ('KEPT', 'PARTIALLY_KEPT', 'BROKEN')) AS promises_due,
    (SELECT count(*) FROM promises x WHERE x.currency = $3::bpchar AND x.promised_date BETWEEN $1 AND $2
       AND x.status = 'KEPT') AS promises_kept,
    coalesce(sum(s.last_paid_on - s.issue_date), 0)::bigint AS days_to_pay_total,
    count(s.*) AS invoices_paid
-- Settled in the period: paid, with the last payment allocated to it received in the period
-- (the invoice keeps that date, `invoices_paid_on_idx`).
FROM (
    SELECT i.issue_date, i.last_paid_on FROM invoices i
    WHERE i.status = 'PAID' AND i.currency = $3::bpchar AND i.last_paid_on BETWEEN $1 AND $2
) s
"#;

#[derive(Debug, FromQueryResult)]
struct Month {
    days: i32,
    sales: Decimal,
}

/// Credit sales per calendar month, net of credit notes, the month of `$2` first, twelve
/// months back. The month of `$2` counts its days up to `$2` only: its sales so far are set
/// against the days so far.
const MONTHLY: &str = r#"
SELECT CASE WHEN m = date_trunc('month', $2::date)
            THEN $2::date - date_trunc('month', m)::date + 1
            ELSE (date_trunc('month', m) + interval '1 month')::date - date_trunc('month', m)::date END AS days,
       coalesce((SELECT sum(i.total) FROM invoices i
                 WHERE i.status NOT IN ('DRAFT', 'VOID') AND i.currency = $1::bpchar
                   AND i.issue_date >= date_trunc('month', m)::date
                   AND i.issue_date < (date_trunc('month', m) + interval '1 month')::date
                   AND i.issue_date <= $2), 0)
     - coalesce((SELECT sum(n.amount) FROM credit_notes n
                 WHERE n.currency = $1::bpchar
                   AND n.issued_on >= date_trunc('month', m)::date
                   AND n.issued_on < (date_trunc('month', m) + interval '1 month')::date
                   AND n.issued_on <= $2), 0) AS sales
FROM generate_series(date_trunc('month', $2::date), date_trunc('month', $2::date) - interval '11 months', interval '-1 month') m
ORDER BY m DESC
"#;

/// The inputs and KPIs of a period, in one tenant transaction; with a request's `cache`, each
/// period and each as-of total is computed once however many fields of the request need it.
pub async fn compute(
    conn: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
    currency: &str,
    time_zone: &str,
    cache: Option<&ReportCache>,
) -> Result<(Inputs, Kpis), AppError> {
    match cache {
        Some(cache) => {
            cache
                .period(
                    from,
                    to,
                    currency,
                    compute_period(conn, from, to, currency, time_zone, Some(cache)),
                )
                .await
        }
        None => compute_period(conn, from, to, currency, time_zone, None).await,
    }
}

async fn totals(
    conn: &impl ConnectionTrait,
    day: NaiveDate,
    currency: &str,
    time_zone: &str,
    edges: &domain::aging::AgingEdges,
    cache: Option<&ReportCache>,
) -> Result<Totals, AppError> {
    match cache {
        Some(cache) => {
            cache
                .totals(
                    day,
                    currency,
                    totals_as_of(conn, day, currency, time_zone, edges),
                )
                .await
        }
        None => totals_as_of(conn, day, currency, time_zone, edges).await,
    }
}

async fn compute_period(
    conn: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
    currency: &str,
    time_zone: &str,
    cache: Option<&ReportCache>,
) -> Result<(Inputs, Kpis), AppError> {
    aging::plan_for_the_day(conn).await?;
    let edges = aging::edges(conn).await?;
    let day_before = from - Days::new(1);
    let (beginning_ar, _, _) = totals(conn, day_before, currency, time_zone, &edges, cache).await?;
    let (ending_ar, ending_current_ar, ending_over_90) =
        totals(conn, to, currency, time_zone, &edges, cache).await?;
    let flows = Flows::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        FLOWS,
        [
            from.into(),
            to.into(),
            currency.to_owned().into(),
            time_zone.to_owned().into(),
        ],
    ))
    .one(conn)
    .await?
    .ok_or_else(|| AppError::Internal(anyhow::anyhow!("KPI flows returned nothing")))?;
    let monthly = Month::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        MONTHLY,
        [currency.to_owned().into(), to.into()],
    ))
    .all(conn)
    .await?;
    let inputs = Inputs {
        days: (to - from).num_days() + 1,
        months: kpi::months_in_period(from, to),
        beginning_ar,
        ending_ar,
        ending_current_ar,
        ending_over_90,
        credit_sales: flows.credit_sales,
        monthly_sales: monthly
            .into_iter()
            .map(|m| MonthSales {
                days: i64::from(m.days),
                sales: m.sales,
            })
            .collect(),
        write_offs: flows.write_offs,
        collected: flows.collected,
        promises_due: flows.promises_due,
        promises_kept: flows.promises_kept,
        days_to_pay_total: flows.days_to_pay_total,
        invoices_paid: flows.invoices_paid,
    };
    let kpis = kpi::compute(&inputs);
    Ok((inputs, kpis))
}

/// KPIs are the company's: for those who see every customer.
fn company_wide(caller: &Caller) -> Result<(), AppError> {
    match caller.authorize(Permission::ViewReports)? {
        domain::access::Access::All => Ok(()),
        _ => Err(AppError::forbidden(
            "company-wide figures are for those who see every customer",
        )),
    }
}

fn check_period(from: NaiveDate, to: NaiveDate) -> Result<(), AppError> {
    if to < from {
        return Err(AppError::validation(
            "to",
            "the period ends on or after it starts",
        ));
    }
    if (to - from).num_days() >= MAX_PERIOD_DAYS {
        return Err(AppError::validation(
            "from",
            "a period of at most two years",
        ));
    }
    Ok(())
}

pub async fn kpis(
    db: &DatabaseConnection,
    caller: &Caller,
    from: Date,
    to: Date,
    currency: Option<String>,
    cache: &ReportCache,
) -> Result<KpiReport, AppError> {
    company_wide(caller)?;
    let tenant = caller.require_tenant()?;
    check_period(from.0, to.0)?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let currency = parse_currency(
        "currency",
        currency.as_deref().unwrap_or(&calendar.base_currency),
    )?;
    let tx = TenantTx::begin(db, tenant).await?;
    let (inputs, k) = compute(
        &*tx,
        from.0,
        to.0,
        currency.code(),
        &calendar.time_zone,
        Some(cache),
    )
    .await?;
    tx.commit().await?;
    Ok(out(from.0, to.0, currency.code(), &inputs, &k))
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum KpiMetric {
    Dso,
    CountbackDso,
    BestPossibleDso,
    AverageDaysDelinquent,
    Cei,
    ArTurnover,
    AverageCollectionPeriod,
    BadDebtRatio,
    Over90Ratio,
    PromiseKeptRate,
    Collected,
    AverageDaysToPay,
}

impl KpiMetric {
    fn of(self, k: &Kpis) -> Option<Decimal> {
        match self {
            KpiMetric::Dso => k.dso,
            KpiMetric::CountbackDso => k.countback_dso,
            KpiMetric::BestPossibleDso => k.best_possible_dso,
            KpiMetric::AverageDaysDelinquent => k.average_days_delinquent,
            KpiMetric::Cei => k.cei,
            KpiMetric::ArTurnover => k.ar_turnover,
            KpiMetric::AverageCollectionPeriod => k.average_collection_period,
            KpiMetric::BadDebtRatio => k.bad_debt_ratio,
            KpiMetric::Over90Ratio => k.over_90_ratio,
            KpiMetric::PromiseKeptRate => k.promise_kept_rate,
            KpiMetric::Collected => Some(k.collected),
            KpiMetric::AverageDaysToPay => k.average_days_to_pay,
        }
    }
}

#[derive(SimpleObject, Clone)]
pub struct KpiPoint {
    /// The month's last day (or the period's, for the running month).
    pub date: Date,
    pub value: Option<String>,
    /// True when taken from the daily snapshot (what the figure was then); false when computed
    /// now because no snapshot exists for that month (before snapshots began).
    pub from_snapshot: bool,
}

/// The month a snapshot covers: the calendar month ending on its date.
fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

fn month_end(day: NaiveDate) -> NaiveDate {
    let next = if day.month() == 12 {
        NaiveDate::from_ymd_opt(day.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(day.year(), day.month() + 1, 1)
    };
    next.map(|n| n - Days::new(1)).unwrap_or(day)
}

pub async fn trend(
    db: &DatabaseConnection,
    caller: &Caller,
    metric: KpiMetric,
    from: Date,
    to: Date,
    currency: Option<String>,
    cache: &ReportCache,
) -> Result<Vec<KpiPoint>, AppError> {
    company_wide(caller)?;
    let tenant = caller.require_tenant()?;
    check_period(from.0, to.0)?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let currency = parse_currency(
        "currency",
        currency.as_deref().unwrap_or(&calendar.base_currency),
    )?;
    let tx = TenantTx::begin(db, tenant).await?;
    let mut points = Vec::new();
    let mut month = month_start(from.0);
    while month <= to.0 {
        let end = month_end(month).min(to.0).min(calendar.today);
        if end < month {
            break;
        }
        let snapshot = tx
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT kpis FROM kpi_snapshots WHERE currency = $1::bpchar AND snapshot_date = $2",
                [currency.code().to_owned().into(), end.into()],
            ))
            .await?
            .and_then(|row| row.try_get::<serde_json::Value>("", "kpis").ok())
            .and_then(|kpis| serde_json::from_value::<Kpis>(kpis).ok());
        let (kpis, from_snapshot) = match snapshot {
            Some(kpis) => (kpis, true),
            None => (
                compute(
                    &*tx,
                    month,
                    end,
                    currency.code(),
                    &calendar.time_zone,
                    Some(cache),
                )
                .await?
                .1,
                false,
            ),
        };
        points.push(KpiPoint {
            date: Date(end),
            value: text(metric.of(&kpis)),
            from_snapshot,
        });
        month = month_end(month) + Days::new(1);
    }
    tx.commit().await?;
    Ok(points)
}

/// Months back that the first snapshot fills in, so the dashboard's year of trends reads
/// snapshots from the start instead of recomputing each month.
pub const BACKFILL_MONTHS: u32 = 12;

/// Takes the day's snapshot of the month so far for every currency the company invoices in, so
/// that a month's figures, once its last day is snapshotted, stay what they were; and fills in
/// the month-ends of the last year that have none (once: they exist afterwards).
pub async fn snapshot(
    db: &DatabaseConnection,
    tenant: TenantId,
    day: NaiveDate,
) -> Result<usize, AppError> {
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let currencies: Vec<String> = tx
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT DISTINCT currency::text AS currency FROM invoices WHERE status NOT IN ('DRAFT', 'VOID')",
        ))
        .await?
        .into_iter()
        .filter_map(|row| row.try_get::<String>("", "currency").ok())
        .collect();
    let from = month_start(day);
    for currency in &currencies {
        let (_, kpis) = compute(&*tx, from, day, currency, &calendar.time_zone, None).await?;
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO kpi_snapshots (snapshot_date, currency, period_from, kpis) VALUES ($1, $2, $3, $4)
             ON CONFLICT (currency, snapshot_date) DO UPDATE SET kpis = excluded.kpis, created_at = now()",
            [
                day.into(),
                currency.clone().into(),
                from.into(),
                serde_json::to_value(&kpis).map_err(anyhow::Error::from)?.into(),
            ],
        ))
        .await?;
        let mut month_end = from - Days::new(1);
        for _ in 0..BACKFILL_MONTHS {
            let exists = tx
                .query_one_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT 1 AS found FROM kpi_snapshots WHERE currency = $1::bpchar AND snapshot_date = $2",
                    [currency.clone().into(), month_end.into()],
                ))
                .await?
                .is_some();
            if !exists {
                let start = month_start(month_end);
                let (_, kpis) =
                    compute(&*tx, start, month_end, currency, &calendar.time_zone, None).await?;
                tx.execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "INSERT INTO kpi_snapshots (snapshot_date, currency, period_from, kpis) VALUES ($1, $2, $3, $4)",
                    [
                        month_end.into(),
                        currency.clone().into(),
                        start.into(),
                        serde_json::to_value(&kpis).map_err(anyhow::Error::from)?.into(),
                    ],
                ))
                .await?;
            }
            month_end = start_of_previous(month_end);
        }
    }
    tx.commit().await?;
    Ok(currencies.len())
}

/// The last day of the month before `day`'s.
fn start_of_previous(day: NaiveDate) -> NaiveDate {
    month_start(day) - Days::new(1)
}

/// The daily job of one company: its KPI snapshot of the day before the job's date (a
/// complete day in the company's time zone).
pub struct Snapshot;

#[async_trait::async_trait]
impl JobHandler for Snapshot {
    async fn run(&self, db: &DatabaseConnection, job: &ClaimedJob) -> anyhow::Result<()> {
        let (tenant, date) = (job.tenant()?, job.date()?);
        snapshot(db, tenant, date - Days::new(1))
            .await
            .map_err(|error| anyhow::anyhow!("{error:?}"))?;
        Ok(())
    }
}

/// The daily job of one company: every customer's rating as of the job's date; then it asks
/// for the day's risk scan, which reads the new ratings.
pub struct Ratings;

#[async_trait::async_trait]
impl JobHandler for Ratings {
    async fn run(&self, db: &DatabaseConnection, job: &ClaimedJob) -> anyhow::Result<()> {
        let (tenant, date) = (job.tenant()?, job.date()?);
        super::ratings::rate_all(db, tenant, date)
            .await
            .map_err(|error| anyhow::anyhow!("{error:?}"))?;
        crate::jobs::enqueue(db, NewJob::for_company_day(RISK_JOB, tenant.0, date)).await?;
        Ok(())
    }
}

/// The risk scan of one company's day; then it asks for the day's digest of what it raised.
pub struct RiskScan;

#[async_trait::async_trait]
impl JobHandler for RiskScan {
    async fn run(&self, db: &DatabaseConnection, job: &ClaimedJob) -> anyhow::Result<()> {
        let (tenant, date) = (job.tenant()?, job.date()?);
        super::risk::detect(db, tenant, date)
            .await
            .map_err(|error| anyhow::anyhow!("{error:?}"))?;
        crate::jobs::enqueue(db, NewJob::for_company_day(DIGEST_JOB, tenant.0, date)).await?;
        Ok(())
    }
}

/// The daily digest of one company's new alerts, if the company turned it on.
pub struct Digest {
    pub links: crate::startup::AppLinks,
}

#[async_trait::async_trait]
impl JobHandler for Digest {
    async fn run(&self, db: &DatabaseConnection, job: &ClaimedJob) -> anyhow::Result<()> {
        super::digest::send(db, job.tenant()?, &self.links.public_url)
            .await
            .map_err(|error| anyhow::anyhow!("{error:?}"))?;
        Ok(())
    }
}
