//! Analytics screens: the dashboard (KPI cards against the previous period, aging as a stacked
//! bar, DSO and CEI by month, top overdue customers, alerts, the worklist count), the aging
//! report with drill-down and export, the customer's credit panel, and collector performance.
//! Every chart has its figures in a table too.

use crate::api;
use crate::components::Segment;
use crate::i18n::Msg;
use crate::pages::customers::show;
use domain::Locale;
use rust_decimal::Decimal;

mod aging;
mod credit;
mod dashboard;
mod kpi_filters;
mod performance;
mod settings;

pub use aging::AgingPage;
pub use credit::CreditPanel;
pub use dashboard::DashboardPage;
pub use performance::PerformancePage;

use crate::calendar::company_today as today;

fn percent(fraction: &Option<String>) -> String {
    fraction
        .as_deref()
        .and_then(|f| f.parse::<Decimal>().ok())
        .map(|f| format!("{}%", (f * Decimal::ONE_HUNDRED).round_dp(1).normalize()))
        .unwrap_or_else(|| "—".to_owned())
}

fn plain(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "—".to_owned())
}

fn bucket_segments(
    text: impl Fn(Msg) -> &'static str,
    locale: Locale,
    b: [&api::dashboard::Amount; 5],
) -> Vec<Segment> {
    let msgs = [
        Msg::AgingCurrent,
        Msg::Aging1To30,
        Msg::Aging31To60,
        Msg::Aging61To90,
        Msg::AgingOver90,
    ];
    let classes = ["aging-current", "aging-1", "aging-2", "aging-3", "aging-4"];
    b.iter()
        .zip(msgs)
        .zip(classes)
        .map(|((money, msg), class)| Segment {
            label: text(msg),
            shown: show(locale, &money.amount, &money.currency),
            amount: money.amount.parse().unwrap_or_default(),
            class,
        })
        .collect()
}
