//! The dashboard: every KPI of the chosen period against the one before it, by currency,
//! segment and collector; aging; DSO and CEI by month; top overdue customers; alerts.

use super::bucket_segments;
use super::kpi_filters::{KpiFilterBar, KpiFilters};
use crate::api::{self, Dashboard, WorklistCount};
use crate::components::{LineChart, Series, StackedBar, enum_name, use_toasts};
use crate::i18n::{Msg, use_locale, use_text};
use crate::pages::access::RequirePermission;
use crate::pages::customers::show;
use crate::session::use_session;
use domain::Locale;
use domain::access::Permission;
use leptos::prelude::*;
use rust_decimal::Decimal;

type Figures = api::dashboard::KpiFigures;

/// The cards in the order shown: the metric as the API names it (the ending AR, which is no
/// trend metric, named the same way) and its label.
const CARDS: [(&str, Msg); 13] = [
    ("DSO", Msg::KpiDso),
    ("COUNTBACK_DSO", Msg::KpiCountbackDso),
    ("BEST_POSSIBLE_DSO", Msg::KpiBestPossibleDso),
    ("CEI", Msg::KpiCei),
    ("AVERAGE_DAYS_DELINQUENT", Msg::KpiDaysDelinquent),
    ("AR_TURNOVER", Msg::KpiArTurnover),
    ("AVERAGE_COLLECTION_PERIOD", Msg::KpiCollectionPeriod),
    ("BAD_DEBT_RATIO", Msg::KpiBadDebtRatio),
    ("OVER_90_RATIO", Msg::KpiOver90),
    ("PROMISE_KEPT_RATE", Msg::KpiPromiseKept),
    ("AVERAGE_DAYS_TO_PAY", Msg::KpiDaysToPay),
    ("COLLECTED", Msg::KpiCollected),
    ("ENDING_AR", Msg::KpiEndingAr),
];

/// A decimal from the API times `scale`, to `places` decimals without trailing zeros; `None`
/// when there is no figure.
fn rounded(value: &Option<String>, scale: Decimal, places: u32) -> Option<String> {
    let number = value.as_deref()?.parse::<Decimal>().ok()?;
    Some((number * scale).round_dp(places).normalize().to_string())
}

/// A card's figure in the reader's language and units; `None` when it is not meaningful.
fn figure(
    figures: &Figures,
    metric: &str,
    locale: Locale,
    text: impl Fn(Msg) -> &'static str,
) -> Option<String> {
    let days = |value: &Option<String>| {
        rounded(value, Decimal::ONE, 1).map(|n| text(Msg::KpiDaysValue).replace("{n}", &n))
    };
    // Ratios come as fractions; the CEI is already in percent.
    let share = |value: &Option<String>, places: u32| {
        rounded(value, Decimal::ONE_HUNDRED, places).map(|n| format!("{n}%"))
    };
    let f = figures;
    match metric {
        "DSO" => days(&f.dso),
        "COUNTBACK_DSO" => days(&f.countback_dso),
        "BEST_POSSIBLE_DSO" => days(&f.best_possible_dso),
        "AVERAGE_DAYS_DELINQUENT" => days(&f.average_days_delinquent),
        "AVERAGE_COLLECTION_PERIOD" => days(&f.average_collection_period),
        "AVERAGE_DAYS_TO_PAY" => days(&f.average_days_to_pay),
        "CEI" => rounded(&f.cei, Decimal::ONE, 1).map(|n| format!("{n}%")),
        "AR_TURNOVER" => rounded(&f.ar_turnover, Decimal::ONE, 2)
            .map(|n| text(Msg::KpiTimesValue).replace("{n}", &n)),
        "BAD_DEBT_RATIO" => share(&f.bad_debt_ratio, 2),
        "OVER_90_RATIO" => share(&f.over90_ratio, 1),
        "PROMISE_KEPT_RATE" => share(&f.promise_kept_rate, 1),
        "COLLECTED" => Some(show(locale, &f.collected.amount, &f.collected.currency)),
        _ => Some(show(locale, &f.ending_ar.amount, &f.ending_ar.currency)),
    }
}

/// Why a metric's figure is not meaningful, from the server's note on it, in words that name
/// the metric's denominator.
fn reason(figures: &Figures, metric: &str) -> Option<Msg> {
    let noted = |metric: &str| {
        figures
            .notes
            .iter()
            .find(|note| enum_name(&note.metric) == metric)
    };
    let note = noted(metric)?;
    if enum_name(&note.reason) == "NEGATIVE_DENOMINATOR" {
        return Some(Msg::KpiNoteNegative);
    }
    Some(match metric {
        "CEI" => Msg::KpiNoteNothingDue,
        "AR_TURNOVER" => Msg::KpiNoteNoReceivables,
        // Days over the turnover: no turnover without receivables, else without credit sales.
        "AVERAGE_COLLECTION_PERIOD" if noted("AR_TURNOVER").is_some() => Msg::KpiNoteNoReceivables,
        "OVER_90_RATIO" => Msg::KpiNoteNothingOwed,
        "PROMISE_KEPT_RATE" => Msg::KpiNoteNoPromises,
        "AVERAGE_DAYS_TO_PAY" => Msg::KpiNoteNoSettled,
        _ => Msg::KpiNoteNoSales,
    })
}

/// A customer's days past due, as a phrase.
fn days_overdue(days: i64, text: impl Fn(Msg) -> &'static str) -> String {
    if days == 1 {
        text(Msg::KpiOneDayOverdue).to_owned()
    } else {
        text(Msg::KpiDaysOverdue).replace("{n}", &days.to_string())
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ViewReports>
            <DashboardView/>
        </RequirePermission>
    }
}

#[component]
fn DashboardView() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let filters = KpiFilters::for_today();
    let query = filters.query();
    let session = use_session();
    let works_collections = session
        .current
        .get_untracked()
        .is_some_and(|s| s.can(Permission::WorkCollections));
    let worklist = LocalResource::new(move || async move {
        if !works_collections {
            return None;
        }
        api::run::<WorklistCount>(api::worklist_count::Variables {})
            .await
            .ok()
            .map(|data| data.worklist.total_count)
    });
    // One request for the whole page, again whenever a filter changes; none while the typed
    // dates make no period.
    let data = LocalResource::new(move || {
        let chosen = query.get();
        async move {
            let chosen = chosen.ok()?;
            let p = chosen.periods;
            let variables = api::dashboard::Variables {
                from: p.from.to_string(),
                to: p.to.to_string(),
                previous_from: p.previous_from.to_string(),
                previous_to: p.previous_to.to_string(),
                trend_from: p.trend_from.to_string(),
                currency: chosen.currency,
                segment: chosen.segment,
                collector_id: chosen.collector_id,
            };
            Some(api::run::<Dashboard>(variables).await)
        }
    });
    view! {
        <section class="page">
            <header class="page-header">
                <h1>{move || text(Msg::DashboardTitle)}</h1>
                <p class="lead">{move || text(Msg::DashboardLead)}</p>
            </header>
            <KpiFilterBar filters=filters query=query/>
            {move || match data.get() {
                None => view! { <p>{move || text(Msg::Loading)}</p> }.into_any(),
                Some(None) => ().into_any(),
                Some(Some(Err(error))) => { toasts.api_error(locale.get_untracked(), error); ().into_any() }
                Some(Some(Ok(d))) => {
                    let l = locale.get();
                    let (c, p) = (&d.current, &d.previous);
                    let cards = CARDS.iter().map(|&(metric, label)| {
                        let now = figure(c, metric, l, text);
                        let why = reason(c, metric).filter(|_| now.is_none());
                        let now = now.unwrap_or_else(|| "—".to_owned());
                        let before = figure(p, metric, l, text).unwrap_or_else(|| "—".to_owned());
                        view! {
                            <div class="kpi-card" data-testid="kpi-card" data-metric=metric>
                                <span class="stat-label">{text(label)}</span>
                                <span class="stat-value">{now}</span>
                                {why.map(|why| view! { <span class="kpi-note" data-testid="kpi-note">{text(why)}</span> })}
                                <span class="kpi-previous">{text(Msg::Previous)}": "{before}</span>
                            </div>
                        }
                    }).collect_view();
                    let t = &d.aging.totals;
                    let segments = bucket_segments(text, l, [&t.current, &t.d1_to30, &t.d31_to60, &t.d61_to90, &t.over90]);
                    let months: Vec<String> = d.dso_trend.iter().map(|point| point.date.get(..7).unwrap_or(point.date.as_str()).to_owned()).collect();
                    let numbers = |points: &[Option<String>]| points.iter().map(|v| v.as_deref().and_then(|v| v.parse::<f64>().ok())).collect::<Vec<_>>();
                    let dso: Vec<Option<String>> = d.dso_trend.iter().map(|point| point.value.clone()).collect();
                    let cei: Vec<Option<String>> = d.cei_trend.iter().map(|point| point.value.clone()).collect();
                    let (dso_label, cei_label) = (text(Msg::KpiTrendDso), text(Msg::KpiTrendCei));
                    let series = vec![
                        Series { label: dso_label.to_owned(), class: "line-dso", values: numbers(&dso) },
                        Series { label: cei_label.to_owned(), class: "line-cei", values: numbers(&cei) },
                    ];
                    let shown = |value: Option<&Option<String>>| value.and_then(|v| rounded(v, Decimal::ONE, 1)).unwrap_or_else(|| "—".to_owned());
                    view! {
                        <div class="kpi-cards" data-testid="kpi-cards">{cards}</div>
                        <div class="dashboard-grid">
                            <div class="panel">
                                <StackedBar title=Signal::derive(move || text(Msg::AgingByBucket).to_owned()) segments=Signal::derive({ let s = segments.clone(); move || s.clone() })/>
                                <Show when=move || filters.narrowed()>
                                    <p class="muted dashboard-scope" data-testid="aging-scope">{move || text(Msg::KpiAgingAllCustomers)}</p>
                                </Show>
                                <details>
                                    <summary>{move || text(Msg::ShowTable)}</summary>
                                    <table class="data-table">
                                        <tbody>
                                            {segments.iter().map(|segment| view! {
                                                <tr><th scope="row">{segment.label}</th><td class="num">{segment.shown.clone()}</td></tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </details>
                            </div>
                            <div class="panel">
                                <LineChart title=Signal::derive(move || text(Msg::DsoCeiTrend).to_owned()) labels=Signal::derive({ let m = months.clone(); move || m.clone() }) series=Signal::derive(move || series.clone())/>
                                <details>
                                    <summary>{move || text(Msg::ShowTable)}</summary>
                                    <table class="data-table">
                                        <thead><tr><th scope="col">{move || text(Msg::Month)}</th><th scope="col">{dso_label}</th><th scope="col">{cei_label}</th></tr></thead>
                                        <tbody>
                                            {months.iter().enumerate().map(|(i, month)| view! {
                                                <tr><td>{month.clone()}</td><td class="num">{shown(dso.get(i))}</td><td class="num">{shown(cei.get(i))}</td></tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </details>
                            </div>
                            <div class="panel">
                                <h2>{move || text(Msg::TopOverdue)}</h2>
                                <ol class="plain-list" data-testid="top-overdue">
                                    {d.top_overdue.edges.iter().map(|e| {
                                        let c = &e.node;
                                        view! { <li><a href=format!("/customers/{}", c.id)>{c.name.clone()}</a>" · "{show(l, &c.overdue_amount.amount, &c.overdue_amount.currency)}" · "{days_overdue(c.days_past_due, text)}{c.risk_grade.as_ref().map(|g| format!(" · {g:?}"))}</li> }
                                    }).collect_view()}
                                </ol>
                            </div>
                            <div class="panel">
                                <h2>{move || text(Msg::OpenAlerts)}" ("{d.risk_alerts.total_count}")"</h2>
                                <ul class="plain-list" data-testid="dashboard-alerts">
                                    {d.risk_alerts.edges.iter().map(|e| view! {
                                        <li><a href=format!("/customers/{}", e.node.customer.id)>{e.node.customer.name.clone()}</a>": "{e.node.message.clone()}</li>
                                    }).collect_view()}
                                </ul>
                                {move || worklist.get().flatten().map(|count| view! {
                                    <p><a href="/worklist" data-testid="worklist-count">{move || text(Msg::MyWorklistCount)}": "{count}</a></p>
                                })}
                            </div>
                        </div>
                    }.into_any()
                }
            }}
        </section>
    }
}
