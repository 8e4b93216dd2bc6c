//! Analytics screens: the dashboard (KPI cards against the previous period, aging as a stacked
//! bar, DSO and CEI by month, top overdue customers, alerts, the worklist count), the aging
//! report with drill-down and export, the customer's credit panel, and collector performance.
//! Every chart has its figures in a table too.

use super::access::RequirePermission;
use super::customers::show;
use crate::api::{
    self, AgingDrillDown, AgingReportQuery, AnalyticsSettingsQuery, CreditRatingQuery, Dashboard,
    OverrideCreditRating, SaveIncentiveRule, SetCollectorTarget, StaffPerformanceQuery,
    UpdateAnalyticsSettings, WorklistCount,
};
use crate::components::{
    Button, LineChart, Segment, SelectField, Series, StackedBar, TextField, ToastKind, use_toasts,
};
use crate::i18n::{Msg, use_locale, use_text};
use crate::session::use_session;
use chrono::Datelike;
use domain::Locale;
use domain::access::Permission;
use domain::display;
use leptos::prelude::*;
use rust_decimal::Decimal;

fn today() -> chrono::NaiveDate {
    let now = js_sys::Date::new_0();
    chrono::NaiveDate::from_ymd_opt(
        now.get_full_year() as i32,
        now.get_month() + 1,
        now.get_date(),
    )
    .unwrap_or_default()
}

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

#[component]
pub fn AgingPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ViewReports>
            <AgingView/>
        </RequirePermission>
    }
}

type AgingRow = api::aging_report_query::AgingReportQueryAgingReportRows;

#[component]
fn AgingView() -> impl IntoView {
    let session = use_session();
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let as_of = RwSignal::new(today().to_string());
    let group_by = RwSignal::new("CUSTOMER".to_owned());
    let basis = RwSignal::new("DUE_DATE".to_owned());
    // Empty: the company's own currency.
    let currency = RwSignal::new(String::new());
    let shown = RwSignal::new((
        today().to_string(),
        "CUSTOMER".to_owned(),
        "DUE_DATE".to_owned(),
        String::new(),
    ));
    let report = LocalResource::new(move || {
        let (date, group, basis, currency) = shown.get();
        async move {
            api::run::<AgingReportQuery>(api::aging_report_query::Variables {
                as_of: Some(date),
                group_by: api::from_domain::<String, _>(&group),
                basis: api::from_domain::<String, _>(&basis),
                currency: Some(currency).filter(|c| !c.is_empty()),
            })
            .await
        }
    });
    let cell = RwSignal::new(None::<(Option<String>, &'static str, String)>);
    let drill = LocalResource::new(move || {
        let chosen = cell.get();
        let (date, group, basis, currency) = shown.get_untracked();
        async move {
            let (key, bucket, _) = chosen?;
            api::run::<AgingDrillDown>(api::aging_drill_down::Variables {
                as_of: Some(date),
                group_by: api::from_domain::<String, _>(&group),
                basis: api::from_domain::<String, _>(&basis),
                currency: Some(currency).filter(|c| !c.is_empty()),
                key,
                bucket: api::from_domain::<String, _>(&bucket.to_owned()),
            })
            .await
            .ok()
        }
    });
    let group_options = Signal::derive(move || {
        vec![
            ("NONE".to_owned(), text(Msg::GroupNone).to_owned()),
            ("CUSTOMER".to_owned(), text(Msg::GroupCustomer).to_owned()),
            ("COLLECTOR".to_owned(), text(Msg::GroupCollector).to_owned()),
            ("SEGMENT".to_owned(), text(Msg::GroupSegment).to_owned()),
        ]
    });
    let basis_options = Signal::derive(move || {
        vec![
            ("DUE_DATE".to_owned(), text(Msg::BasisDue).to_owned()),
            (
                "INVOICE_DATE".to_owned(),
                text(Msg::BasisInvoice).to_owned(),
            ),
        ]
    });
    // The files come from the server (the same report as the screen), in the shown settings.
    let download = move |extension: &'static str| {
        let (date, group, basis, currency) = shown.get_untracked();
        leptos::task::spawn_local(async move {
            let mut path =
                format!("/api/reports/aging.{extension}?asOf={date}&groupBy={group}&basis={basis}");
            if !currency.is_empty() {
                path.push_str(&format!("&currency={currency}"));
            }
            if let Err(message) =
                crate::files::download(&path, &format!("aging-{date}.{extension}")).await
            {
                toasts.push(ToastKind::Error, message);
            }
        });
    };
    let amount_cell = move |row_key: Option<String>,
                            bucket: &'static str,
                            money: &api::aging_report_query::Amount,
                            label: String| {
        let l = locale.get_untracked();
        let shown_money = show(l, &money.amount, &money.currency);
        let zero = money
            .amount
            .parse::<Decimal>()
            .map(|a| a.is_zero())
            .unwrap_or(true);
        if zero {
            return view! { <td class="num muted">{shown_money}</td> }.into_any();
        }
        view! {
            <td class="num">
                <button type="button" class="link-button" on:click=move |_| cell.set(Some((row_key.clone(), bucket, label.clone())))>{shown_money}</button>
            </td>
        }
        .into_any()
    };
    view! {
        <section class="page">
            <header class="page-header page-header-actions">
                <div>
                    <h1>{move || text(Msg::AgingTitle)}</h1>
                    <p class="lead">{move || text(Msg::AgingLead)}</p>
                </div>
                <div class="actions no-print">
                    <button type="button" class="button button-secondary" on:click=move |_| download("csv") data-testid="aging-csv">{move || text(Msg::ExportCsv)}</button>
                    <button type="button" class="button button-secondary" on:click=move |_| download("pdf") data-testid="aging-pdf">{move || text(Msg::DownloadPdf)}</button>
                </div>
            </header>
            <form class="toolbar no-print" on:submit=move |event| { event.prevent_default(); cell.set(None); shown.set((as_of.get_untracked(), group_by.get_untracked(), basis.get_untracked(), currency.get_untracked().trim().to_uppercase())); }>
                <TextField name="aging-as-of" label=Signal::derive(move || text(Msg::AsOf)) value=as_of input_type="date"/>
                <SelectField name="aging-group" label=Signal::derive(move || text(Msg::GroupBy)) value=group_by options=group_options/>
                <SelectField name="aging-basis" label=Signal::derive(move || text(Msg::Basis)) value=basis options=basis_options/>
                <TextField name="aging-currency" label=Signal::derive(move || text(Msg::Currency)) value=currency/>
                <button type="submit" class="button button-secondary" data-testid="aging-show">{move || text(Msg::Show)}</button>
            </form>
            {move || match report.get() {
                None => view! { <p>{move || text(Msg::Loading)}</p> }.into_any(),
                Some(Err(error)) => { toasts.api_error(locale.get_untracked(), error); ().into_any() }
                Some(Ok(data)) => {
                    let r = data.aging_report;
                    let rows: Vec<AgingRow> = r.rows.clone();
                    let buckets = ["CURRENT", "D1_TO_30", "D31_TO_60", "D61_TO_90", "OVER_90"];
                    let cells = move |key: Option<String>, label: String, b: &api::aging_report_query::Buckets| {
                        let parts = [&b.current, &b.d1_to30, &b.d31_to60, &b.d61_to90, &b.over90];
                        parts.into_iter().zip(buckets).map(|(money, bucket)| amount_cell(key.clone(), bucket, money, label.clone())).collect_view()
                    };
                    view! {
                        <table class="data-table aging-table" data-testid="aging-table">
                            <caption>{move || text(Msg::AgingTitle)}" · "{r.as_of.clone()}" · "{r.currency.clone()}</caption>
                            <thead><tr>
                                <th scope="col">{move || text(Msg::GroupBy)}</th>
                                <th scope="col">{move || text(Msg::AgingCurrent)}</th>
                                <th scope="col">{move || text(Msg::Aging1To30)}</th>
                                <th scope="col">{move || text(Msg::Aging31To60)}</th>
                                <th scope="col">{move || text(Msg::Aging61To90)}</th>
                                <th scope="col">{move || text(Msg::AgingOver90)}</th>
                                <th scope="col">{move || text(Msg::TotalLabel)}</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|row| {
                                    let total = show(locale.get_untracked(), &row.buckets.total.amount, &row.buckets.total.currency);
                                    view! { <tr data-testid="aging-row"><th scope="row">{row.label.clone()}</th>{cells(row.key.clone(), row.label.clone(), &row.buckets)}<td class="num"><strong>{total}</strong></td></tr> }
                                }).collect_view()}
                            </tbody>
                            <tfoot>
                                <tr><th scope="row">{move || text(Msg::TotalLabel)}</th>
                                {[&r.totals.current, &r.totals.d1_to30, &r.totals.d31_to60, &r.totals.d61_to90, &r.totals.over90, &r.totals.total].into_iter().map(|m| view! { <td class="num"><strong>{show(locale.get_untracked(), &m.amount, &m.currency)}</strong></td> }).collect_view()}
                                </tr>
                            </tfoot>
                        </table>
                    }.into_any()
                }
            }}
            <Show when=move || session.current.get().is_some_and(|s| s.can(Permission::ManageSettings))>
                <AnalyticsSettingsPanel/>
            </Show>
            {move || cell.get().map(|(_, bucket, label)| view! {
                <div class="panel drill-down" data-testid="aging-drill-down">
                    <h2>{move || text(Msg::DrillDown)}": "{label.clone()}" · "{bucket}</h2>
                    {move || drill.get().flatten().map(|data| view! {
                        <table class="data-table">
                            <tbody>
                                {data.aging_drill_down.into_iter().map(|item| view! {
                                    <tr data-testid="drill-row">
                                        <td><a href=format!("/invoices/{}", item.invoice_id)>{item.number.clone().unwrap_or_default()}</a></td>
                                        <td>{item.customer.name.clone()}</td>
                                        <td>{display::date(locale.get_untracked(), &item.date)}</td>
                                        <td class="num">{item.days}</td>
                                        <td class="num">{show(locale.get_untracked(), &item.amount.amount, &item.amount.currency)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    })}
                </div>
            })}
        </section>
    }
}

/// The customer's credit rating with every factor's points and reason, the recommendation,
/// and (for those who set credit policy) an override with a reason.
#[component]
pub fn CreditPanel(customer_id: String) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    let reload = RwSignal::new(0u32);
    let rating = LocalResource::new({
        let customer_id = customer_id.clone();
        move || {
            reload.track();
            let customer_id = customer_id.clone();
            async move {
                api::run::<CreditRatingQuery>(api::credit_rating_query::Variables { customer_id })
                    .await
                    .ok()
                    .and_then(|d| d.credit_rating.map(|r| (r, d.credit_rating_history)))
            }
        }
    });
    let grade = RwSignal::new("B".to_owned());
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let may_override = move || {
        session
            .current
            .get()
            .is_some_and(|s| s.can(Permission::ManageCreditPolicy))
    };
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        busy.set(true);
        error.set(None);
        let input = api::override_credit_rating::OverrideCreditRatingInput {
            customer_id: customer_id.clone(),
            grade: api::from_domain::<String, _>(&grade.get_untracked())
                .unwrap_or(api::override_credit_rating::RiskGrade::C),
            reason: reason.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::run::<OverrideCreditRating>(api::override_credit_rating::Variables { input })
                .await
            {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(Msg::OverrideSaved));
                    reason.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(api::ApiError::Api { message, field, .. }) => {
                    let field = field
                        .map(|f| format!("{}: ", f.trim_start_matches("input.")))
                        .unwrap_or_default();
                    error.set(Some(format!("{field}{message}")));
                }
                Err(other) => toasts.api_error(locale.get_untracked(), other),
            }
            busy.set(false);
        });
    };
    let grade_options = Signal::derive(|| {
        ["A", "B", "C", "D", "E"]
            .iter()
            .map(|g| ((*g).to_owned(), (*g).to_owned()))
            .collect::<Vec<_>>()
    });
    view! {
        <div class="panel credit-panel" data-testid="credit-panel">
            <h2>{move || text(Msg::CreditRatingTitle)}</h2>
            {move || rating.get().flatten().map(|(r, history)| {
                let l = locale.get_untracked();
                let grade_text = format!("{:?}", r.grade);
                view! {
                    <div class="rating-head">
                        <span class=format!("grade grade-{}", grade_text.to_lowercase()) data-testid="credit-grade">{grade_text.clone()}</span>
                        <span>{move || text(Msg::Score)}": "<strong data-testid="credit-score">{r.score.clone()}</strong>" / 100"</span>
                        {r.override_reason.clone().map(|why| view! { <span class="badge">{move || text(Msg::Overridden)}": "{why.clone()}" ("{move || text(Msg::ComputedGrade)}" "{format!("{:?}", r.computed_grade)}")"</span> })}
                    </div>
                    <table class="data-table rating-factors">
                        <thead><tr><th scope="col">{move || text(Msg::Factor)}</th><th scope="col">{move || text(Msg::Points)}</th><th scope="col"></th></tr></thead>
                        <tbody>
                            {r.factors.iter().map(|f| {
                                let points: f64 = f.points.parse().unwrap_or(0.0);
                                let weight: f64 = f.weight.parse().unwrap_or(1.0);
                                view! {
                                    <tr data-testid="rating-factor">
                                        <td>{f.reason.clone()}</td>
                                        <td class="num">{format!("{} / {}", f.points, f.weight)}</td>
                                        <td class="factor-bar-cell" aria-hidden="true"><span class="factor-bar" style:width=format!("{:.0}%", 100.0 * points / weight.max(1.0))></span></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    <p>{move || text(Msg::RecommendedLimit)}": "{show(l, &r.recommended_credit_limit.amount, &r.recommended_credit_limit.currency)}" · "{move || text(Msg::RecommendedTerms)}": "{r.recommended_terms_days}</p>
                    <details data-testid="rating-history">
                        <summary>{move || text(Msg::RatingHistory)}" ("{history.len()}")"</summary>
                        <table class="data-table">
                            <thead><tr>
                                <th scope="col">{move || text(Msg::Date)}</th>
                                <th scope="col">{move || text(Msg::Grade)}</th>
                                <th scope="col">{move || text(Msg::ComputedGrade)}</th>
                                <th scope="col">{move || text(Msg::Score)}</th>
                                <th scope="col">{move || text(Msg::Overridden)}</th>
                            </tr></thead>
                            <tbody>
                                {history.iter().map(|h| view! {
                                    <tr data-testid="rating-history-row">
                                        <td>{display::date(l, &h.computed_on)}</td>
                                        <td>{format!("{:?}", h.grade)}</td>
                                        <td>{format!("{:?}", h.computed_grade)}</td>
                                        <td class="num">{h.score.clone()}</td>
                                        <td>{h.override_reason.clone().map(|why| format!("{why} ({})", h.overridden_by.clone().unwrap_or_default()))}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </details>
                }
            })}
            <Show when=may_override>
                <form class="form-grid" on:submit=save.clone() data-testid="override-rating">
                    <Show when=move || error.get().is_some()>
                        <p class="form-error" role="alert">{move || error.get().unwrap_or_default()}</p>
                    </Show>
                    <SelectField name="override-grade" label=Signal::derive(move || text(Msg::OverrideGrade)) value=grade options=grade_options/>
                    <TextField name="override-reason" label=Signal::derive(move || text(Msg::Reason)) value=reason/>
                    <div class="form-actions">
                        <Button r#type="submit" busy=busy test_id="save-override">{move || text(Msg::OverrideGrade)}</Button>
                    </div>
                </form>
            </Show>
        </div>
    }
}

#[component]
pub fn PerformancePage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::WorkCollections>
            <PerformanceView/>
        </RequirePermission>
    }
}

#[component]
fn PerformanceView() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    let now = today();
    let from = RwSignal::new(now.with_day0(0).unwrap_or(now).to_string());
    let to = RwSignal::new(now.to_string());
    let shown = RwSignal::new((from.get_untracked(), to.get_untracked()));
    let reload = RwSignal::new(0u32);
    let data = LocalResource::new(move || {
        reload.track();
        let (from, to) = shown.get();
        async move {
            api::run::<StaffPerformanceQuery>(api::staff_performance_query::Variables { from, to })
                .await
        }
    });
    let manages = move || {
        session
            .current
            .get()
            .is_some_and(|s| s.can(Permission::ManageDunning))
    };
    // The target form.
    let target_user = RwSignal::new(String::new());
    let target_amount = RwSignal::new(String::new());
    let save_target = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let currency = data
            .get_untracked()
            .and_then(Result::ok)
            .map(|d| d.staff_performance.currency)
            .unwrap_or_else(|| "CNY".into());
        let input = api::set_collector_target::SetCollectorTargetInput {
            user_id: target_user.get_untracked(),
            month: now.to_string(),
            amount: target_amount.get_untracked(),
            currency,
        };
        leptos::task::spawn_local(async move {
            match api::run::<SetCollectorTarget>(api::set_collector_target::Variables { input })
                .await
            {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(Msg::TargetSaved));
                    reload.update(|n| *n += 1);
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    // The incentive rule form.
    let rule_name = RwSignal::new(String::new());
    let rule_kind = RwSignal::new("PERCENT_ABOVE_TARGET".to_owned());
    let rule_rate = RwSignal::new(String::new());
    let save_rule = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let currency = data
            .get_untracked()
            .and_then(Result::ok)
            .map(|d| d.staff_performance.currency)
            .unwrap_or_else(|| "CNY".into());
        let kind = rule_kind.get_untracked();
        let per_promise = kind == "PER_KEPT_PROMISE";
        let input = api::save_incentive_rule::SaveIncentiveRuleInput {
            rule_id: None,
            name: rule_name.get_untracked(),
            kind: api::from_domain::<String, _>(&kind)
                .unwrap_or(api::save_incentive_rule::IncentiveKind::PERCENT_OF_COLLECTED),
            rate: (!per_promise).then(|| rule_rate.get_untracked()),
            amount: per_promise.then(|| rule_rate.get_untracked()),
            currency,
            active: None,
        };
        leptos::task::spawn_local(async move {
            match api::run::<SaveIncentiveRule>(api::save_incentive_rule::Variables { input }).await
            {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(Msg::RuleSaved));
                    rule_name.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    let collector_options = Signal::derive(move || {
        data.get()
            .and_then(Result::ok)
            .map(|d| {
                d.staff_performance
                    .collectors
                    .iter()
                    .map(|c| (c.user_id.clone(), c.name.clone()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let kind_options = Signal::derive(|| {
        vec![
            (
                "PERCENT_ABOVE_TARGET".to_owned(),
                "% above target".to_owned(),
            ),
            (
                "PERCENT_OF_COLLECTED".to_owned(),
                "% of collected".to_owned(),
            ),
            ("PER_KEPT_PROMISE".to_owned(), "per kept promise".to_owned()),
        ]
    });
    view! {
        <section class="page">
            <header class="page-header">
                <h1>{move || text(Msg::PerformanceTitle)}</h1>
                <p class="lead">{move || text(Msg::PerformanceLead)}</p>
            </header>
            <form class="toolbar" on:submit=move |event| { event.prevent_default(); shown.set((from.get_untracked(), to.get_untracked())); }>
                <TextField name="perf-from" label=Signal::derive(move || text(Msg::From)) value=from input_type="date"/>
                <TextField name="perf-to" label=Signal::derive(move || text(Msg::To)) value=to input_type="date"/>
                <button type="submit" class="button button-secondary">{move || text(Msg::Show)}</button>
            </form>
            {move || match data.get() {
                None => view! { <p>{move || text(Msg::Loading)}</p> }.into_any(),
                Some(Err(error)) => { toasts.api_error(locale.get_untracked(), error); ().into_any() }
                Some(Ok(d)) => {
                    let l = locale.get_untracked();
                    view! {
                        <table class="data-table" data-testid="leaderboard">
                            <thead><tr>
                                <th scope="col">{move || text(Msg::Rank)}</th>
                                <th scope="col">{move || text(Msg::CollectorLabel)}</th>
                                <th scope="col">{move || text(Msg::KpiCollected)}</th>
                                <th scope="col">{move || text(Msg::Target)}</th>
                                <th scope="col">{move || text(Msg::Attainment)}</th>
                                <th scope="col">{move || text(Msg::Activities)}</th>
                                <th scope="col">{move || text(Msg::PromisesObtained)}</th>
                                <th scope="col">{move || text(Msg::KpiPromiseKept)}</th>
                                <th scope="col">{move || text(Msg::DaysToCollect)}</th>
                                <th scope="col">{move || text(Msg::PortfolioCei)}</th>
                                <th scope="col">{move || text(Msg::PortfolioOverdue)}</th>
                                <th scope="col">{move || text(Msg::Incentive)}</th>
                            </tr></thead>
                            <tbody>
                                {d.staff_performance.collectors.into_iter().map(|c| {
                                    let channels = c.activities_by_channel.iter().map(|ch| format!("{} {}", ch.channel, ch.count)).collect::<Vec<_>>().join(", ");
                                    view! {
                                    <tr data-testid="leaderboard-row">
                                        <td class="num">{c.rank}</td>
                                        <td>{c.name.clone()}</td>
                                        <td class="num">{show(l, &c.collected.amount, &c.collected.currency)}</td>
                                        <td class="num">{c.target.as_ref().map(|t| show(l, &t.amount, &t.currency)).unwrap_or_else(|| "—".into())}</td>
                                        <td class="num">{percent(&c.attainment)}</td>
                                        <td class="num">{c.activities}<br/><span class="muted small" data-testid="activity-channels">{channels}</span></td>
                                        <td class="num">{c.promises_obtained}</td>
                                        <td class="num">{percent(&c.promise_kept_rate)}</td>
                                        <td class="num">{plain(&c.average_days_to_collect)}</td>
                                        <td class="num">{c.portfolio_cei.clone().map(|v| format!("{v}%")).unwrap_or_else(|| "—".into())}</td>
                                        <td class="num">{show(l, &c.portfolio_overdue_start.amount, &c.portfolio_overdue_start.currency)}" → "{show(l, &c.portfolio_overdue_end.amount, &c.portfolio_overdue_end.currency)}</td>
                                        <td class="num">{show(l, &c.incentive.amount, &c.incentive.currency)}</td>
                                    </tr>
                                }}).collect_view()}
                            </tbody>
                        </table>
                        <div class="panel">
                            <h2>{move || text(Msg::IncentiveRules)}</h2>
                            <ul class="plain-list">
                                {d.incentive_rules.into_iter().map(|r| view! {
                                    <li>{r.name.clone()}" · "{format!("{:?}", r.kind)}" · "{r.rate.clone().map(|rate| format!("{rate}%")).or_else(|| r.amount.as_ref().map(|a| show(l, &a.amount, &a.currency))).unwrap_or_default()}</li>
                                }).collect_view()}
                            </ul>
                        </div>
                    }.into_any()
                }
            }}
            <Show when=manages>
                <form class="panel form-grid" on:submit=save_target data-testid="target-form">
                    <h2>{move || text(Msg::SetTarget)}</h2>
                    <SelectField name="target-user" label=Signal::derive(move || text(Msg::CollectorLabel)) value=target_user options=collector_options/>
                    <TextField name="target-amount" label=Signal::derive(move || text(Msg::Target)) value=target_amount/>
                    <div class="form-actions"><button type="submit" class="button button-primary">{move || text(Msg::SetTarget)}</button></div>
                </form>
                <form class="panel form-grid" on:submit=save_rule data-testid="rule-form">
                    <h2>{move || text(Msg::IncentiveRules)}</h2>
                    <TextField name="rule-name" label=Signal::derive(move || text(Msg::Name)) value=rule_name/>
                    <SelectField name="rule-kind" label=Signal::derive(move || text(Msg::RuleKind)) value=rule_kind options=kind_options/>
                    <TextField name="rule-rate" label=Signal::derive(move || text(Msg::Rate)) value=rule_rate/>
                    <div class="form-actions"><button type="submit" class="button button-primary">{move || text(Msg::SaveRule)}</button></div>
                </form>
            </Show>
        </section>
    }
}

/// The company's analytics settings (bucket edges, attribution window, large-invoice alert),
/// for those who manage settings.
#[component]
fn AnalyticsSettingsPanel() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let edges = RwSignal::new(String::new());
    let days = RwSignal::new(String::new());
    let large = RwSignal::new(String::new());
    let digest = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        if let Ok(data) =
            api::run::<AnalyticsSettingsQuery>(api::analytics_settings_query::Variables {}).await
        {
            let s = data.analytics_settings;
            edges.set(
                s.aging_bucket_edges
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            days.set(s.attribution_days.to_string());
            large.set(s.large_invoice_amount);
            digest.set(s.daily_digest);
        }
    });
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        // Anything that is not a whole number goes to the server as-is, which names the field.
        let parsed: Vec<i64> = edges
            .get_untracked()
            .split([',', ' ', '，'])
            .filter(|part| !part.is_empty())
            .map(|part| part.trim().parse::<i64>().unwrap_or(-1))
            .collect();
        let input = api::update_analytics_settings::AnalyticsSettingsInput {
            aging_bucket_edges: Some(parsed),
            attribution_days: days.get_untracked().trim().parse::<i64>().ok(),
            large_invoice_amount: Some(large.get_untracked()),
            daily_digest: Some(digest.get_untracked()),
        };
        leptos::task::spawn_local(async move {
            match api::run::<UpdateAnalyticsSettings>(api::update_analytics_settings::Variables {
                input,
            })
            .await
            {
                Ok(_) => toasts.push(ToastKind::Success, text(Msg::SettingsSaved)),
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    view! {
        <form class="panel form-grid no-print" on:submit=save data-testid="analytics-settings">
            <h2>{move || text(Msg::AnalyticsSettingsTitle)}</h2>
            <TextField name="bucket-edges" label=Signal::derive(move || text(Msg::BucketEdgesLabel)) value=edges/>
            <TextField name="attribution-days" label=Signal::derive(move || text(Msg::AttributionDaysLabel)) value=days input_type="number"/>
            <TextField name="large-invoice" label=Signal::derive(move || text(Msg::LargeInvoiceLabel)) value=large/>
            <label class="check">
                <input type="checkbox" name="daily-digest" prop:checked=move || digest.get() on:change=move |event| digest.set(event_target_checked(&event))/>
                {move || text(Msg::DailyDigestLabel)}
            </label>
            <div class="form-actions"><button type="submit" class="button button-primary" data-testid="save-analytics-settings">{move || text(Msg::Save)}</button></div>
        </form>
    }
}
