//! `kpis(from to currency segment collectorId)` and `kpiTrend(metric …)`, and the daily
//! snapshot that keeps the company's monthly trends what the figures were. A segment's or a
//! collector's figures are computed live: snapshots are taken for the whole company only.
//!
//! The formulas are the domain's (`domain::kpi`); this module gathers their inputs: AR as of the
//! day before the period and its last day (`aging::OWED_AS_OF`, the aging's exact as-of sums
//! added up from indexes), credit sales net of credit notes, monthly sales for the count-back,
//! write-offs, collections, promises that fell due, and days to pay.

use crate::analytics::AnalyticsError;
use crate::analytics::cache::ReportCache;
use crate::analytics::store::aging::{self as aging, BucketRow, buckets_as_of};
use crate::analytics::store::kpis::{self as store, KpiScope};
use crate::api::values::parse_currency;
use crate::auth::Caller;
use crate::db::{self, TenantTx};
use crate::error::AppError;
use chrono::{Datelike, Days, NaiveDate};
use domain::TenantId;
use domain::access::Permission;
use domain::kpi::{self, Inputs, KpiMetric, Kpis, MAX_PERIOD_DAYS, MonthSales};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use uuid::Uuid;

/// The inputs and KPIs of a period, in one tenant transaction; with a request's `cache`, each
/// period and each as-of total is computed once however many fields of the request need it.
pub async fn compute(
    conn: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
    currency: &str,
    time_zone: &str,
    scope: &KpiScope,
    cache: Option<&ReportCache>,
) -> Result<(Inputs, Kpis), AppError> {
    match cache {
        Some(cache) => {
            cache
                .period(
                    from,
                    to,
                    currency,
                    scope,
                    compute_period(conn, from, to, currency, time_zone, scope, Some(cache)),
                )
                .await
        }
        None => compute_period(conn, from, to, currency, time_zone, scope, None).await,
    }
}

/// AR, AR not yet due and AR over the last edge as of `day`.
async fn totals(
    conn: &impl ConnectionTrait,
    day: NaiveDate,
    currency: &str,
    time_zone: &str,
    edges: &domain::aging::AgingEdges,
    scope: &KpiScope,
    cache: Option<&ReportCache>,
) -> Result<(Decimal, Decimal, Decimal), AppError> {
    let row = buckets(conn, day, currency, time_zone, edges, scope, cache).await?;
    Ok((row.total, row.current, row.d4))
}

/// What was owed as of `day` by due date, bucket by bucket; with a request's `cache`, once per
/// request for the KPIs and the aging report together.
pub async fn buckets(
    conn: &impl ConnectionTrait,
    day: NaiveDate,
    currency: &str,
    time_zone: &str,
    edges: &domain::aging::AgingEdges,
    scope: &KpiScope,
    cache: Option<&ReportCache>,
) -> Result<BucketRow, AppError> {
    match cache {
        Some(cache) => {
            cache
                .buckets(
                    day,
                    currency,
                    scope,
                    buckets_as_of(conn, day, currency, time_zone, edges, scope),
                )
                .await
        }
        None => buckets_as_of(conn, day, currency, time_zone, edges, scope).await,
    }
}

async fn compute_period(
    conn: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
    currency: &str,
    time_zone: &str,
    scope: &KpiScope,
    cache: Option<&ReportCache>,
) -> Result<(Inputs, Kpis), AppError> {
    aging::plan_for_the_day(conn).await?;
    let edges = aging::edges(conn).await?;
    let day_before = from - Days::new(1);
    let (beginning_ar, _, _) =
        totals(conn, day_before, currency, time_zone, &edges, scope, cache).await?;
    let (ending_ar, ending_current_ar, ending_over_90) =
        totals(conn, to, currency, time_zone, &edges, scope, cache).await?;
    let flows = store::flows(conn, from, to, currency, time_zone, scope).await?;
    let monthly = monthly_sales(conn, currency, to, scope, cache).await?;
    let inputs = Inputs {
        days: (to - from).num_days() + 1,
        months: kpi::months_in_period(from, to),
        beginning_ar,
        ending_ar,
        ending_current_ar,
        ending_over_90,
        credit_sales: flows.credit_sales,
        monthly_sales: monthly,
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

/// Credit sales of the twelve calendar months up to `to`, its month first, each with its days
/// (the month of `to` counts its days up to `to` only: its sales so far against its days so
/// far). With a request's `cache` each month is summed once for all the periods that need it.
async fn monthly_sales(
    conn: &impl ConnectionTrait,
    currency: &str,
    to: NaiveDate,
    scope: &KpiScope,
    cache: Option<&ReportCache>,
) -> Result<Vec<MonthSales>, AppError> {
    let mut months = Vec::with_capacity(12);
    let mut first = month_start(to);
    for _ in 0..12 {
        let last = month_end(first).min(to);
        let sales = match cache {
            Some(cache) => {
                cache
                    .month_sales(
                        first,
                        last,
                        currency,
                        scope,
                        store::month_sales(conn, currency, first, last, scope),
                    )
                    .await?
            }
            None => store::month_sales(conn, currency, first, last, scope).await?,
        };
        months.push(MonthSales {
            days: (last - first).num_days() + 1,
            sales,
        });
        first = month_start(first - Days::new(1));
    }
    Ok(months)
}

/// KPIs are the company's: for those who see every customer.
fn company_wide(caller: &Caller) -> Result<(), AppError> {
    match caller.authorize(Permission::ViewReports)? {
        domain::access::Access::All => Ok(()),
        _ => Err(AnalyticsError::CompanyWideOnly.into()),
    }
}

fn check_period(from: NaiveDate, to: NaiveDate) -> Result<(), AppError> {
    if to < from {
        return Err(AnalyticsError::BadPeriod.into());
    }
    if (to - from).num_days() >= MAX_PERIOD_DAYS {
        return Err(AnalyticsError::PeriodTooLong.into());
    }
    Ok(())
}

/// What a request cuts the figures by: a currency (none: the company's), a segment's customers,
/// or those assigned to a collector now.
#[derive(Debug, Clone, Default)]
pub struct Cut {
    pub currency: Option<String>,
    pub segment: Option<String>,
    /// As sent: an id that does not parse is no member.
    pub collector_id: Option<String>,
}

/// Whose customers `cut` asks for. A collector must be a member of the company (another
/// company's user is not found).
async fn scope_of(
    db: &DatabaseConnection,
    tenant: TenantId,
    cut: &Cut,
) -> Result<KpiScope, AppError> {
    let segment = crate::api::values::optional_text("segment", cut.segment.as_deref(), 60)?;
    let collector = match &cut.collector_id {
        None => None,
        Some(id) => {
            let id = id
                .parse::<Uuid>()
                .map_err(|_| AnalyticsError::MemberNotFound)?;
            if db::member_names(db, tenant, &[id]).await?.is_empty() {
                return Err(AnalyticsError::MemberNotFound.into());
            }
            Some(id)
        }
    };
    Ok(KpiScope { segment, collector })
}

/// A period's KPIs and their inputs, in one currency (its code).
#[derive(Debug, Clone)]
pub struct KpiPeriod {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub currency: String,
    pub inputs: Inputs,
    pub kpis: Kpis,
}

pub async fn kpis(
    db: &DatabaseConnection,
    caller: &Caller,
    from: NaiveDate,
    to: NaiveDate,
    cut: Cut,
    cache: &ReportCache,
) -> Result<KpiPeriod, AppError> {
    company_wide(caller)?;
    let tenant = caller.require_tenant()?;
    check_period(from, to)?;
    let scope = &scope_of(db, tenant, &cut).await?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let currency = parse_currency(
        "currency",
        cut.currency.as_deref().unwrap_or(&calendar.base_currency),
    )?;
    let tx = TenantTx::begin(db, tenant).await?;
    let (inputs, kpis) = compute(
        &*tx,
        from,
        to,
        currency.code(),
        &calendar.time_zone,
        scope,
        Some(cache),
    )
    .await?;
    tx.commit().await?;
    Ok(KpiPeriod {
        from,
        to,
        currency: currency.code().to_owned(),
        inputs,
        kpis,
    })
}

/// A month of a trend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiPoint {
    /// The month's last day (or the period's, for the running month).
    pub date: NaiveDate,
    pub value: Option<Decimal>,
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
    from: NaiveDate,
    to: NaiveDate,
    cut: Cut,
    cache: &ReportCache,
) -> Result<Vec<KpiPoint>, AppError> {
    company_wide(caller)?;
    let tenant = caller.require_tenant()?;
    check_period(from, to)?;
    let scope = &scope_of(db, tenant, &cut).await?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let currency = parse_currency(
        "currency",
        cut.currency.as_deref().unwrap_or(&calendar.base_currency),
    )?;
    let tx = TenantTx::begin(db, tenant).await?;
    let mut points = Vec::new();
    let mut month = month_start(from);
    while month <= to {
        let end = month_end(month).min(to).min(calendar.today);
        if end < month {
            break;
        }
        let snapshot = if scope.is_company() {
            store::snapshot(&*tx, currency.code(), end).await?
        } else {
            None
        };
        let (kpis, from_snapshot) = match snapshot {
            Some(kpis) => (kpis, true),
            None => (
                compute(
                    &*tx,
                    month,
                    end,
                    currency.code(),
                    &calendar.time_zone,
                    scope,
                    Some(cache),
                )
                .await?
                .1,
                false,
            ),
        };
        points.push(KpiPoint {
            date: end,
            value: metric.of(&kpis),
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
    store::compact_credit_sales(&*tx, day).await?;
    aging::compact_owed_by_day(&*tx, day).await?;
    let currencies = store::invoiced_currencies(&*tx).await?;
    let from = month_start(day);
    // One month-end's AR is the next month's opening AR, and the months of the count-back
    // overlap: the run shares them as a request does.
    let cache = ReportCache::default();
    for currency in &currencies {
        let company = KpiScope::default();
        let (_, kpis) = compute(
            &*tx,
            from,
            day,
            currency,
            &calendar.time_zone,
            &company,
            Some(&cache),
        )
        .await?;
        store::save_snapshot(&*tx, day, currency, from, &kpis).await?;
        let mut month_end = from - Days::new(1);
        for _ in 0..BACKFILL_MONTHS {
            let exists = store::snapshot_exists(&*tx, currency, month_end).await?;
            if !exists {
                let start = month_start(month_end);
                let (_, kpis) = compute(
                    &*tx,
                    start,
                    month_end,
                    currency,
                    &calendar.time_zone,
                    &company,
                    Some(&cache),
                )
                .await?;
                store::backfill_snapshot(&*tx, month_end, currency, start, &kpis).await?;
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
