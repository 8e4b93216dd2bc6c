//! The dashboard: KPI cards against the previous period, aging, DSO and CEI by month, top overdue customers, alerts.

use super::{bucket_segments, percent, plain, today};
use crate::api::{self, Dashboard, WorklistCount};
use crate::components::{LineChart, Series, StackedBar, use_toasts};
use crate::i18n::{Msg, use_locale, use_text};
use crate::pages::access::RequirePermission;
use crate::pages::customers::show;
use crate::session::use_session;
use chrono::Datelike;
use domain::access::Permission;
use leptos::prelude::*;

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
    let to = today();
    let from = to - chrono::Days::new(89);
    let previous_to = from - chrono::Days::new(1);
    let previous_from = previous_to - chrono::Days::new(89);
    let trend_from = (to - chrono::Days::new(330)).with_day0(0).unwrap_or(to);
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
    let data = LocalResource::new(move || async move {
        api::run::<Dashboard>(api::dashboard::Variables {
            from: from.to_string(),
            to: to.to_string(),
            previous_from: previous_from.to_string(),
            previous_to: previous_to.to_string(),
            trend_from: trend_from.to_string(),
        })
        .await
    });
    view! {
        <section class="page">
            <header class="page-header">
                <h1>{move || text(Msg::DashboardTitle)}</h1>
                <p class="lead">{move || text(Msg::DashboardLead)}</p>
            </header>
            {move || match data.get() {
                None => view! { <p>{move || text(Msg::Loading)}</p> }.into_any(),
                Some(Err(error)) => { toasts.api_error(locale.get_untracked(), error); ().into_any() }
                Some(Ok(d)) => {
                    let l = locale.get_untracked();
                    let (c, p) = (d.current.clone(), d.previous.clone());
                    let cards: Vec<(Msg, String, String)> = vec![
                        (Msg::KpiDso, plain(&c.dso), plain(&p.dso)),
                        (Msg::KpiBestDso, plain(&c.best_possible_dso), plain(&p.best_possible_dso)),
                        (Msg::KpiCei, c.cei.clone().map(|v| format!("{v}%")).unwrap_or_else(|| "—".into()), p.cei.clone().map(|v| format!("{v}%")).unwrap_or_else(|| "—".into())),
                        (Msg::KpiCollected, show(l, &c.collected.amount, &c.collected.currency), show(l, &p.collected.amount, &p.collected.currency)),
                        (Msg::KpiAr, show(l, &c.ending_ar.amount, &c.ending_ar.currency), show(l, &p.ending_ar.amount, &p.ending_ar.currency)),
                        (Msg::KpiOver90, percent(&c.over90_ratio), percent(&p.over90_ratio)),
                        (Msg::KpiPromiseKept, percent(&c.promise_kept_rate), percent(&p.promise_kept_rate)),
                        (Msg::KpiDaysToPay, plain(&c.average_days_to_pay), plain(&p.average_days_to_pay)),
                    ];
                    let t = &d.aging.totals;
                    let segments = bucket_segments(text, l, [&t.current, &t.d1_to30, &t.d31_to60, &t.d61_to90, &t.over90]);
                    let months: Vec<String> = d.dso_trend.iter().map(|p| p.date[..7].to_owned()).collect();
                    let numbers = |points: &[Option<String>]| points.iter().map(|v| v.as_deref().and_then(|v| v.parse::<f64>().ok())).collect::<Vec<_>>();
                    let dso: Vec<Option<String>> = d.dso_trend.iter().map(|p| p.value.clone()).collect();
                    let cei: Vec<Option<String>> = d.cei_trend.iter().map(|p| p.value.clone()).collect();
                    let series = vec![
                        Series { label: "DSO".into(), class: "line-dso", values: numbers(&dso) },
                        Series { label: "CEI %".into(), class: "line-cei", values: numbers(&cei) },
                    ];
                    view! {
                        <div class="kpi-cards" data-testid="kpi-cards">
                            {cards.into_iter().map(|(msg, now, before)| view! {
                                <div class="kpi-card" data-testid="kpi-card">
                                    <span class="stat-label">{move || text(msg)}</span>
                                    <span class="stat-value">{now}</span>
                                    <span class="kpi-previous">{move || text(Msg::Previous)}": "{before.clone()}</span>
                                </div>
                            }).collect_view()}
                        </div>
                        <div class="dashboard-grid">
                            <div class="panel">
                                <StackedBar title=Signal::derive(move || text(Msg::AgingByBucket).to_owned()) segments=Signal::derive({ let s = segments.clone(); move || s.clone() })/>
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
                                        <thead><tr><th scope="col">{move || text(Msg::Month)}</th><th scope="col">"DSO"</th><th scope="col">"CEI %"</th></tr></thead>
                                        <tbody>
                                            {months.iter().enumerate().map(|(i, month)| view! {
                                                <tr><td>{month.clone()}</td><td class="num">{plain(&dso[i])}</td><td class="num">{cei.get(i).cloned().flatten().unwrap_or_else(|| "—".into())}</td></tr>
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
                                        view! { <li><a href=format!("/customers/{}", c.id)>{c.name.clone()}</a>" · "{show(l, &c.overdue_amount.amount, &c.overdue_amount.currency)}" · "{c.days_past_due}" d"{c.risk_grade.as_ref().map(|g| format!(" · {g:?}"))}</li> }
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
