//! The invoice list: search, status and overdue filters, and the table, a page at a time.
//! A link may open it filtered by status (`/invoices?status=OPEN`); `DISPUTED`, the menu's
//! disputes, is the open invoices with an open dispute.

use super::{status_badge, status_of};
use crate::api::{self, Invoices};
use crate::components::{DataTable, SelectField};
use crate::i18n::{FapiaoMsg, Msg, invoice_status_text, use_locale, use_text};
use crate::pages::access::RequirePermission;
use crate::pages::customers::show;
use crate::session::use_session;
use domain::access::Permission;
use domain::display;
use domain::invoices::InvoiceStatus;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn InvoicesPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ViewInvoices>
            <InvoiceList/>
        </RequirePermission>
    }
}

type Row = api::invoices::InvoicesInvoicesEdgesNode;

/// The status filter's choice besides the statuses and "open": open invoices with an open
/// dispute (the API's `disputed` filter).
const DISPUTED: &str = "DISPUTED";

/// A status from the address, if the filter offers it.
fn status_choice(value: Option<String>) -> String {
    value
        .filter(|value| {
            let value = value.as_str();
            value == "OPEN"
                || value == DISPUTED
                || InvoiceStatus::ALL
                    .iter()
                    .any(|status| status.as_str() == value)
        })
        .unwrap_or_default()
}

#[component]
fn InvoiceList() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let session = use_session();
    let search = RwSignal::new(String::new());
    let query = use_query_map();
    let status = RwSignal::new(status_choice(
        query.with_untracked(|query| query.get("status")),
    ));
    // A menu link to another status while the list is shown.
    Effect::new(move |_| {
        let wanted = status_choice(query.with(|query| query.get("status")));
        if status.get_untracked() != wanted {
            status.set(wanted);
        }
    });
    let only_overdue = RwSignal::new(false);
    // "", "ISSUED" or "NONE": whether a fapiao stands for the invoice.
    let fapiao = RwSignal::new(String::new());
    let rows = RwSignal::new(Vec::<Row>::new());
    let total = RwSignal::new(0i64);
    let cursor = RwSignal::new(None::<String>);
    let has_more = RwSignal::new(false);
    let load = move |append: bool| {
        let disputed = status.get_untracked() == DISPUTED;
        let status = match status.get_untracked().as_str() {
            "" => None,
            "OPEN" | DISPUTED => Some(vec![
                api::invoices::InvoiceStatus::ISSUED,
                api::invoices::InvoiceStatus::PARTIALLY_PAID,
            ]),
            other => api::from_domain::<_, api::invoices::InvoiceStatus>(&other.to_owned())
                .map(|s| vec![s]),
        };
        let filter = api::invoices::InvoiceFilter {
            search: Some(search.get_untracked()).filter(|s| !s.trim().is_empty()),
            overdue: only_overdue.get_untracked().then_some(true),
            disputed: disputed.then_some(true),
            fapiao_issued: match fapiao.get_untracked().as_str() {
                "ISSUED" => Some(true),
                "NONE" => Some(false),
                _ => None,
            },
            status,
            ..api::invoices::InvoiceFilter::empty()
        };
        let after = if append { cursor.get_untracked() } else { None };
        leptos::task::spawn_local(async move {
            if let Ok(data) = api::run::<Invoices>(api::invoices::Variables {
                first: Some(50),
                after,
                filter: Some(filter),
                order_by: None,
            })
            .await
            {
                let page = data.invoices;
                has_more.set(page.page_info.has_next_page);
                cursor.set(page.page_info.end_cursor);
                let nodes = page.edges.into_iter().map(|edge| edge.node);
                if append {
                    rows.update(|rows| rows.extend(nodes));
                } else {
                    rows.set(nodes.collect());
                }
                total.set(page.total_count);
            }
        });
    };
    Effect::new(move |_| {
        status.track();
        only_overdue.track();
        fapiao.track();
        load(false);
    });
    let status_options = Signal::derive(move || {
        let locale = locale.get();
        let mut options = vec![
            (String::new(), text(Msg::AllStatuses).to_owned()),
            ("OPEN".to_owned(), text(Msg::OpenInvoices).to_owned()),
            (
                DISPUTED.to_owned(),
                text(Msg::InvoicesDisputedFilter).to_owned(),
            ),
        ];
        options.extend(InvoiceStatus::ALL.into_iter().map(|s| {
            (
                s.as_str().to_owned(),
                invoice_status_text(locale, s).to_owned(),
            )
        }));
        options
    });
    let fapiao_options = Signal::derive(move || {
        [
            ("", FapiaoMsg::FilterAll),
            ("ISSUED", FapiaoMsg::FilterIssued),
            ("NONE", FapiaoMsg::FilterNotIssued),
        ]
        .map(|(value, msg)| (value.to_owned(), text(msg).to_owned()))
        .to_vec()
    });
    view! {
        <section class="page">
            <header class="page-header page-header-actions">
                <div>
                    <h1>{move || text(Msg::InvoicesTitle)}</h1>
                    <p class="lead">{move || text(Msg::InvoicesLead)}</p>
                </div>
                <div class="actions">
                    <crate::pages::ExportButton
                        path=Signal::derive(move || {
                            let mut path = format!(
                                "/api/exports/invoices.csv?search={}&status={}",
                                String::from(js_sys::encode_uri_component(search.get().trim())),
                                match status.get().as_str() { "OPEN" | DISPUTED => "ISSUED,PARTIALLY_PAID".to_owned(), other => other.to_owned() }
                            );
                            if only_overdue.get() {
                                path.push_str("&overdue=true");
                            }
                            if status.get() == DISPUTED {
                                path.push_str("&disputed=true");
                            }
                            match fapiao.get().as_str() {
                                "ISSUED" => path.push_str("&fapiaoIssued=true"),
                                "NONE" => path.push_str("&fapiaoIssued=false"),
                                _ => {}
                            }
                            path
                        })
                        file_name="invoices.csv"
                    />
                    <Show when=move || session.current.get().is_some_and(|s| s.can(Permission::ManageInvoices))>
                        <A href="/invoices/new" attr:class="button button-primary" attr:data-testid="new-invoice">{move || text(Msg::NewInvoice)}</A>
                    </Show>
                </div>
            </header>
            <form class="toolbar" role="search" on:submit=move |event| { event.prevent_default(); load(false); }>
                <div class="field">
                    <label for="invoice-search">{move || text(Msg::Search)}</label>
                    <input id="invoice-search" type="search" prop:value=move || search.get() on:input=move |event| search.set(event_target_value(&event))/>
                </div>
                <SelectField name="invoice-status" label=Signal::derive(move || text(Msg::Status)) value=status options=status_options/>
                <SelectField name="invoice-fapiao" label=Signal::derive(move || text(FapiaoMsg::Title)) value=fapiao options=fapiao_options/>
                <label class="check">
                    <input type="checkbox" prop:checked=move || only_overdue.get() on:change=move |event| only_overdue.set(event_target_checked(&event))/>
                    {move || text(Msg::OnlyOverdue)}
                </label>
            </form>
            <DataTable
                caption=Signal::derive(move || format!("{} ({})", text(Msg::InvoicesTitle), total.get()))
                headers=Signal::derive(move || vec![
                    text(Msg::Number), text(Msg::Customer), text(Msg::IssueDate), text(Msg::DueDate),
                    text(Msg::Total), text(Msg::BalanceDue), text(Msg::Status), text(Msg::DaysPastDue),
                ])
                row_count=Signal::derive(move || rows.get().len())
                empty=Signal::derive(move || text(Msg::NoInvoices))
            >
                <For each=move || rows.get() key=|row| (row.id.clone(), format!("{:?}", row.status)) let:row>
                    <tr data-testid="invoice-row">
                        <td><A href=format!("/invoices/{}", row.id)>{row.number.clone().unwrap_or_else(|| "—".to_owned())}</A></td>
                        <td><A href=format!("/customers/{}", row.customer.id)>{row.customer.name.clone()}</A></td>
                        <td>{ let d = row.issue_date.clone(); move || display::date(locale.get(), &d) }</td>
                        <td>{ let d = row.due_date.clone(); move || display::date(locale.get(), &d) }</td>
                        <td class="num">{ let m = row.total.clone(); move || show(locale.get(), &m.amount, &m.currency) }</td>
                        <td class="num">{ let m = row.balance_due.clone(); move || show(locale.get(), &m.amount, &m.currency) }</td>
                        <td>{ let s = status_of(&row.status); move || status_badge(locale.get(), s) }</td>
                        <td class="num">{row.days_overdue}</td>
                    </tr>
                </For>
            </DataTable>
            <Show when=move || has_more.get()>
                <button type="button" class="button button-secondary" on:click=move |_| load(true)>{move || text(Msg::LoadMore)}</button>
            </Show>
        </section>
    }
}
