//! Analytics: aging as of any date, KPIs and their monthly trends, credit ratings, risk alerts
//! and staff performance. Formulas are the domain's (`domain::kpi`, `domain::rating`); the
//! aggregates behind them are set-based SQL.

pub mod aging;
pub mod aging_export;
pub mod alerts;
pub mod api;
pub mod cache;
pub mod digest;
pub mod kpis;
pub mod performance;
pub mod ratings;
pub mod risk;
pub mod settings;
