//! The aging report as of any date, grouped and bucketed, with drill-down and export.

use super::settings::AnalyticsSettingsPanel;
use super::today;
use crate::api::{self, AgingDrillDown, AgingReportQuery};
use crate::components::{SelectField, TextField, ToastKind, use_toasts};
use crate::i18n::{Msg, use_locale, use_text};
use crate::pages::access::RequirePermission;
use crate::pages::customers::show;
use crate::session::use_session;
use domain::access::Permission;
use domain::display;
use leptos::prelude::*;
use rust_decimal::Decimal;

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
