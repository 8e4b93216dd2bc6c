//! Aging as of any date: the report (`agingReport(asOf groupBy currency basis)`) and its
//! drill-down.
//!
//! As-of is exact: an invoice counts if it was issued by the date, and its balance then is its
//! total less what payments received by the date allocated to it (an allocation made after the
//! payment was recorded, and a reversal, count from the day they were made), credit notes issued
//! by the date, and a write-off made by the date. An invoice on an installment plan counts each
//! installment's unpaid part at the installment's own date. A voided invoice never counts: void
//! (allowed only before any payment) cancels an invoice as if it had not been issued.
//! Days are counted from the due date (the default) or from the invoice date.

use super::parse_uuid;
use crate::analytics::AnalyticsError;
use crate::analytics::cache::ReportCache;
use crate::analytics::store::aging::{self as store, AsOf, BucketRow, Group, ItemRow};
use crate::analytics::store::kpis::KpiScope;
use crate::api::values::parse_currency;
use crate::auth::Caller;
use crate::db::{self, TenantTx};
use crate::error::AppError;
use chrono::NaiveDate;
use domain::access::{Access, Permission};
use domain::aging::{AgingBasis, AgingBucket, AgingEdges, AgingGroupBy};
use rust_decimal::Decimal;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

/// The most invoices one drill-down returns.
pub const MAX_DRILL_DOWN: i32 = 500;

/// The bucket sums of a group, or of the whole report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Buckets {
    pub current: Decimal,
    pub d1_to_30: Decimal,
    pub d31_to_60: Decimal,
    pub d61_to_90: Decimal,
    pub over_90: Decimal,
    pub total: Decimal,
}

impl From<&BucketRow> for Buckets {
    fn from(row: &BucketRow) -> Self {
        Buckets {
            current: row.current,
            d1_to_30: row.d1,
            d31_to_60: row.d2,
            d61_to_90: row.d3,
            over_90: row.d4,
            total: row.total,
        }
    }
}

#[derive(Debug, Clone)]
pub struct AgingReportRow {
    /// The customer's, collector's id or the segment; none for "no collector"/"no segment".
    pub key: Option<String>,
    pub label: String,
    pub buckets: Buckets,
}

/// The report as the API returns it and the files show it.
#[derive(Debug, Clone)]
pub struct AgingReport {
    pub as_of: NaiveDate,
    /// The currency's code.
    pub currency: String,
    pub basis: AgingBasis,
    pub group_by: AgingGroupBy,
    /// The company's bucket edges (30/60/90 by default).
    pub edges: AgingEdges,
    pub totals: Buckets,
    /// One row per group, largest total first (none when not grouped).
    pub rows: Vec<AgingReportRow>,
}

/// The report; with a request's `cache`, its company-wide totals by due date are shared with
/// the KPIs the same request asks for (the dashboard's, as of today).
pub async fn report(
    db: &DatabaseConnection,
    caller: &Caller,
    as_of: Option<NaiveDate>,
    group_by: AgingGroupBy,
    currency: Option<String>,
    basis: AgingBasis,
    cache: Option<&ReportCache>,
) -> Result<AgingReport, AppError> {
    let access = caller.authorize(Permission::ViewReports)?;
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let as_of = as_of.unwrap_or(calendar.today);
    let currency = parse_currency(
        "currency",
        currency.as_deref().unwrap_or(&calendar.base_currency),
    )?;
    let code = currency.code().to_owned();
    let tx = TenantTx::begin(db, tenant).await?;
    store::plan_for_the_day(&*tx).await?;
    let edges = store::edges(&*tx).await?;
    let company_totals =
        group_by == AgingGroupBy::None && basis == AgingBasis::DueDate && access == Access::All;
    let rows = if company_totals {
        vec![
            super::kpis::buckets(
                &*tx,
                as_of,
                &code,
                &calendar.time_zone,
                &edges,
                &KpiScope::default(),
                cache,
            )
            .await?,
        ]
    } else {
        // Collectors and salespeople see their own customers' aging only.
        store::owed_by_group(
            &*tx,
            caller,
            access,
            &AsOf {
                day: as_of,
                currency: &code,
                by_due_date: basis == AgingBasis::DueDate,
                time_zone: &calendar.time_zone,
                edges: &edges,
            },
            group_by,
        )
        .await?
    };
    tx.commit().await?;
    let mut totals = BucketRow {
        key: None,
        label: None,
        current: Decimal::ZERO,
        d1: Decimal::ZERO,
        d2: Decimal::ZERO,
        d3: Decimal::ZERO,
        d4: Decimal::ZERO,
        total: Decimal::ZERO,
    };
    for row in &rows {
        totals.current += row.current;
        totals.d1 += row.d1;
        totals.d2 += row.d2;
        totals.d3 += row.d3;
        totals.d4 += row.d4;
        totals.total += row.total;
    }
    let names = if group_by == AgingGroupBy::Collector {
        let ids: Vec<Uuid> = rows
            .iter()
            .filter_map(|row| row.key.as_deref()?.parse().ok())
            .collect();
        db::member_names(db, tenant, &ids).await?
    } else {
        Vec::new()
    };
    Ok(AgingReport {
        as_of,
        currency: code,
        basis,
        group_by,
        edges,
        totals: Buckets::from(&totals),
        rows: if group_by == AgingGroupBy::None {
            Vec::new()
        } else {
            rows.iter()
                .map(|row| AgingReportRow {
                    key: row.key.clone(),
                    label: match group_by {
                        AgingGroupBy::Collector => row
                            .key
                            .as_ref()
                            .and_then(|key| {
                                names
                                    .iter()
                                    .find(|n| n.id.to_string() == *key)
                                    .map(|n| n.name.clone())
                            })
                            .unwrap_or_else(|| "—".to_owned()),
                        _ => row.label.clone().unwrap_or_else(|| "—".to_owned()),
                    },
                    buckets: Buckets::from(row),
                })
                .collect()
        },
    })
}

/// An invoice (or installment) behind a cell of the report.
#[derive(Debug)]
pub struct AgingItem {
    pub row: ItemRow,
    /// Days since the reference date, never negative.
    pub days: i64,
    pub bucket: AgingBucket,
    /// The currency's code.
    pub currency: String,
}

/// The invoices behind one cell of the report: a group (a customer, collector or segment) and
/// a bucket, largest first, at most `first` (1 to 500).
#[allow(clippy::too_many_arguments)]
pub async fn drill_down(
    db: &DatabaseConnection,
    caller: &Caller,
    as_of: Option<NaiveDate>,
    currency: Option<String>,
    basis: AgingBasis,
    group_by: AgingGroupBy,
    key: Option<String>,
    bucket: Option<AgingBucket>,
    first: Option<i32>,
) -> Result<Vec<AgingItem>, AppError> {
    let access = caller.authorize(Permission::ViewReports)?;
    let tenant = caller.require_tenant()?;
    let first = first.unwrap_or(100);
    if !(1..=MAX_DRILL_DOWN).contains(&first) {
        return Err(AnalyticsError::DrillDownSize.into());
    }
    let calendar = db::tenant_calendar(db, tenant).await?;
    let as_of = as_of.unwrap_or(calendar.today);
    let currency = parse_currency(
        "currency",
        currency.as_deref().unwrap_or(&calendar.base_currency),
    )?;
    let code = currency.code().to_owned();
    let tx = TenantTx::begin(db, tenant).await?;
    store::plan_for_the_day(&*tx).await?;
    let edges = store::edges(&*tx).await?;
    let group = match (group_by, key) {
        (AgingGroupBy::None, _) => Group::All,
        (AgingGroupBy::Customer, Some(key)) => Group::Customer(parse_uuid("key", &key)?),
        (AgingGroupBy::Collector, Some(key)) => Group::Collector(Some(parse_uuid("key", &key)?)),
        (AgingGroupBy::Collector, None) => Group::Collector(None),
        (AgingGroupBy::Segment, key) => Group::Segment(key),
        (AgingGroupBy::Customer, None) => {
            return Err(AnalyticsError::DrillDownKeyMissing.into());
        }
    };
    let days = bucket.map(|bucket| {
        let [a, b, c] = edges.0;
        match bucket {
            AgingBucket::Current => (i64::from(i32::MIN), 0),
            AgingBucket::D1To30 => (1, a),
            AgingBucket::D31To60 => (a + 1, b),
            AgingBucket::D61To90 => (b + 1, c),
            AgingBucket::Over90 => (c + 1, i64::from(i32::MAX)),
        }
    });
    let rows = store::items(
        &*tx,
        caller,
        access,
        &AsOf {
            day: as_of,
            currency: &code,
            by_due_date: basis == AgingBasis::DueDate,
            time_zone: &calendar.time_zone,
            edges: &edges,
        },
        group,
        days,
        first,
    )
    .await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let days = (as_of - row.ref_date).num_days();
            AgingItem {
                bucket: edges.bucket(days),
                days: days.max(0),
                currency: code.clone(),
                row,
            }
        })
        .collect())
}
