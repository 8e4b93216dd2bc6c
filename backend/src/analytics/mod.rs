//! Analytics: aging as of any date, KPIs and their monthly trends, credit ratings, risk alerts
//! and staff performance. Formulas are the domain's (`domain::kpi`, `domain::rating`); the
//! aggregates behind them are set-based SQL.
//!
//! - [`store`]: the SQL and its typed rows.
//! - [`service`]: the use cases, called by the GraphQL roots, the file downloads and the jobs.
//! - [`graphql`]: the API's types and the `AnalyticsQuery`/`AnalyticsMutation` roots (the risk
//!   alerts' types are in `api::objects::alerts`: the collector's work serves them).
//! - [`jobs`]: the daily snapshot, ratings, risk scan and digest.

pub mod aging_export;
pub mod cache;
mod errors;
pub mod graphql;
pub mod jobs;
pub mod service;
pub mod store;

pub use errors::AnalyticsError;

/// The paths the other areas call today (payments re-rate a customer after a payment), kept
/// while those areas are split in parallel (issue 17); new code names `service::ratings`.
pub use service::ratings;

/// The paths the other areas call today (promises and dunning raise alerts), kept while those
/// areas are split in parallel (issue 17); new code names `store::alerts::raise` and
/// `domain::alerts`.
pub mod alerts {
    pub use super::store::alerts::raise;
    pub use domain::alerts::{AlertKind, AlertSeverity};
}
