//! The KPIs of a period and a KPI's monthly trend as the API shows them.

use crate::analytics::service::kpis as service;
use crate::api::values::{Date, Money};
use async_graphql::SimpleObject;
use rust_decimal::Decimal;

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
    /// The figures left null, and why (a zero or negative denominator).
    pub notes: Vec<KpiNote>,
}

/// A KPI without a figure for the period, and why.
#[derive(SimpleObject, Clone)]
pub struct KpiNote {
    pub metric: domain::kpi::KpiMetric,
    pub reason: domain::kpi::KpiNoteReason,
}

fn text(value: Option<Decimal>) -> Option<String> {
    value.map(|v| v.normalize().to_string())
}

impl From<service::KpiPeriod> for KpiReport {
    fn from(period: service::KpiPeriod) -> Self {
        let (currency, inputs, k) = (period.currency.as_str(), &period.inputs, &period.kpis);
        KpiReport {
            from: Date(period.from),
            to: Date(period.to),
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
            notes: domain::kpi::notes(inputs)
                .into_iter()
                .map(|note| KpiNote {
                    metric: note.metric,
                    reason: note.reason,
                })
                .collect(),
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

impl From<service::KpiPoint> for KpiPoint {
    fn from(point: service::KpiPoint) -> Self {
        KpiPoint {
            date: Date(point.date),
            value: text(point.value),
            from_snapshot: point.from_snapshot,
        }
    }
}
