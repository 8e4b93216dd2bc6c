//! The aging report and its drill-down as the API shows them.

use crate::analytics::service::aging as service;
use crate::api::values::{CustomerRef, Date, Money};
use async_graphql::{ID, SimpleObject};
use domain::aging::{AgingBasis, AgingBucket, AgingGroupBy};

#[derive(SimpleObject, Clone)]
pub struct AgingBuckets {
    pub current: Money,
    pub d1_to_30: Money,
    pub d31_to_60: Money,
    pub d61_to_90: Money,
    pub over_90: Money,
    pub total: Money,
}

#[derive(SimpleObject, Clone)]
pub struct AgingReportRow {
    /// The customer's, collector's id or the segment; none for "no collector"/"no segment".
    pub key: Option<String>,
    pub label: String,
    pub buckets: AgingBuckets,
}

#[derive(SimpleObject, Clone)]
pub struct AgingReport {
    pub as_of: Date,
    pub currency: String,
    pub basis: AgingBasis,
    pub group_by: AgingGroupBy,
    /// The upper days of the first three buckets (the company's setting, 30/60/90 by default).
    pub bucket_edges: Vec<i32>,
    pub totals: AgingBuckets,
    /// One row per group, largest total first (none when not grouped).
    pub rows: Vec<AgingReportRow>,
}

fn buckets(buckets: &service::Buckets, currency: &str) -> AgingBuckets {
    let money = |amount| Money::new(amount, currency);
    AgingBuckets {
        current: money(buckets.current),
        d1_to_30: money(buckets.d1_to_30),
        d31_to_60: money(buckets.d31_to_60),
        d61_to_90: money(buckets.d61_to_90),
        over_90: money(buckets.over_90),
        total: money(buckets.total),
    }
}

impl From<service::AgingReport> for AgingReport {
    fn from(report: service::AgingReport) -> Self {
        let code = report.currency;
        AgingReport {
            as_of: Date(report.as_of),
            currency: code.clone(),
            basis: report.basis,
            group_by: report.group_by,
            bucket_edges: report.edges.0.iter().map(|edge| *edge as i32).collect(),
            totals: buckets(&report.totals, &code),
            rows: report
                .rows
                .into_iter()
                .map(|row| AgingReportRow {
                    buckets: buckets(&row.buckets, &code),
                    key: row.key,
                    label: row.label,
                })
                .collect(),
        }
    }
}

#[derive(SimpleObject, Clone)]
pub struct AgingItem {
    pub invoice_id: ID,
    pub number: Option<String>,
    pub customer: CustomerRef,
    /// The due date (or, for an installment, its own date), or the invoice date by basis.
    pub date: Date,
    pub days: i64,
    pub bucket: AgingBucket,
    pub amount: Money,
}

impl From<service::AgingItem> for AgingItem {
    fn from(item: service::AgingItem) -> Self {
        let row = item.row;
        AgingItem {
            invoice_id: ID(row.invoice_id.to_string()),
            number: row.number,
            customer: CustomerRef {
                id: ID(row.customer_id.to_string()),
                code: row.code,
                name: row.name,
            },
            date: Date(row.ref_date),
            days: item.days,
            bucket: item.bucket,
            amount: Money::new(row.amount, &item.currency),
        }
    }
}
