//! Invoices: the list, the editor (new and draft edit) with live totals priced by the domain
//! crate's own rule, and the detail page with its lifecycle actions and disputes.

use super::access::RequirePermission;
use super::customers::show;
use crate::api::{self, CreateInvoice, InvoiceDetail, Invoices, IssueInvoice, UpdateInvoice};
use crate::components::{Button, DataTable, Modal, SelectField, TextField, ToastKind, use_toasts};
use crate::i18n::{Msg, invoice_status_text, use_locale, use_text};
use crate::session::use_session;
use domain::access::Permission;
use domain::display;
use domain::invoices::{InvoiceStatus, LineInput, price_lines};
use domain::{Currency, ErrorCode};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use rust_decimal::Decimal;

fn status_of<T: serde::Serialize>(status: &T) -> InvoiceStatus {
    api::to_domain(status).unwrap_or(InvoiceStatus::Draft)
}

fn status_badge(locale: domain::Locale, status: InvoiceStatus) -> impl IntoView {
    let class = match status {
        InvoiceStatus::Paid => "badge badge-success",
        InvoiceStatus::Void | InvoiceStatus::WrittenOff => "badge badge-muted",
        InvoiceStatus::Draft => "badge",
        InvoiceStatus::Issued | InvoiceStatus::PartiallyPaid => "badge badge-info",
    };
    view! { <span class=class data-testid="invoice-status">{invoice_status_text(locale, status)}</span> }
}

#[component]
pub fn InvoicesPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ViewInvoices>
            <InvoiceList/>
        </RequirePermission>
    }
}

type Row = api::invoices::InvoicesInvoicesEdgesNode;

#[component]
fn InvoiceList() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let session = use_session();
    let search = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let only_overdue = RwSignal::new(false);
    let rows = RwSignal::new(Vec::<Row>::new());
    let total = RwSignal::new(0i64);
    let cursor = RwSignal::new(None::<String>);
    let has_more = RwSignal::new(false);
    let load = move |append: bool| {
        let status = match status.get_untracked().as_str() {
            "" => None,
            "OPEN" => Some(vec![
                api::invoices::InvoiceStatus::ISSUED,
                api::invoices::InvoiceStatus::PARTIALLY_PAID,
            ]),
            other => api::from_domain::<_, api::invoices::InvoiceStatus>(&other.to_owned())
                .map(|s| vec![s]),
        };
        let filter = api::invoices::InvoiceFilter {
            search: Some(search.get_untracked()).filter(|s| !s.trim().is_empty()),
            overdue: only_overdue.get_untracked().then_some(true),
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
                total.set(page.total_count);
                has_more.set(page.page_info.has_next_page);
                cursor.set(page.page_info.end_cursor);
                let nodes = page.edges.into_iter().map(|edge| edge.node);
                if append {
                    rows.update(|rows| rows.extend(nodes));
                } else {
                    rows.set(nodes.collect());
                }
            }
        });
    };
    Effect::new(move |_| {
        status.track();
        only_overdue.track();
        load(false);
    });
    let status_options = Signal::derive(move || {
        let locale = locale.get();
        let mut options = vec![
            (String::new(), text(Msg::AllStatuses).to_owned()),
            ("OPEN".to_owned(), text(Msg::OpenInvoices).to_owned()),
        ];
        options.extend(InvoiceStatus::ALL.into_iter().map(|s| {
            (
                s.as_str().to_owned(),
                invoice_status_text(locale, s).to_owned(),
            )
        }));
        options
    });
    view! {
        <section class="page">
            <header class="page-header page-header-actions">
                <div>
                    <h1>{move || text(Msg::InvoicesTitle)}</h1>
                    <p class="lead">{move || text(Msg::InvoicesLead)}</p>
                </div>
                <div class="actions">
                    <super::ExportButton
                        path=Signal::derive(move || {
                            let mut path = format!(
                                "/api/exports/invoices.csv?search={}&status={}",
                                String::from(js_sys::encode_uri_component(search.get().trim())),
                                match status.get().as_str() { "OPEN" => "ISSUED,PARTIALLY_PAID".to_owned(), other => other.to_owned() }
                            );
                            if only_overdue.get() {
                                path.push_str("&overdue=true");
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

/// One editable line.
#[derive(Clone, Copy)]
struct LineDraft {
    key: u32,
    description: RwSignal<String>,
    quantity: RwSignal<String>,
    unit_price: RwSignal<String>,
    tax_percent: RwSignal<String>,
}

impl LineDraft {
    fn new(
        key: u32,
        description: &str,
        quantity: &str,
        unit_price: &str,
        tax_percent: &str,
    ) -> Self {
        LineDraft {
            key,
            description: RwSignal::new(description.to_owned()),
            quantity: RwSignal::new(quantity.to_owned()),
            unit_price: RwSignal::new(unit_price.to_owned()),
            tax_percent: RwSignal::new(tax_percent.to_owned()),
        }
    }

    /// The tax rate as the API takes it: a fraction ("13" % is "0.13").
    fn tax_fraction(&self) -> Option<String> {
        let percent = self.tax_percent.get_untracked();
        let percent = percent.trim();
        if percent.is_empty() {
            return None;
        }
        percent
            .parse::<Decimal>()
            .ok()
            .map(|p| (p / Decimal::ONE_HUNDRED).normalize().to_string())
            .or_else(|| Some(percent.to_owned()))
    }
}

#[component]
pub fn NewInvoicePage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ManageInvoices>
            <InvoiceEditor editing=None/>
        </RequirePermission>
    }
}

#[component]
pub fn EditInvoicePage() -> impl IntoView {
    let params = use_params_map();
    view! {
        <RequirePermission permission=Permission::ManageInvoices>
            {move || view! { <InvoiceEditor editing=params.with(|p| p.get("id"))/> }}
        </RequirePermission>
    }
}

#[component]
fn InvoiceEditor(editing: Option<String>) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    let navigate = use_navigate();
    let query = use_query_map();
    let customer = RwSignal::new(
        query
            .with_untracked(|q| q.get("customer"))
            .unwrap_or_default(),
    );
    let customer_search = RwSignal::new(String::new());
    let currency = RwSignal::new(String::new());
    let issue_date = RwSignal::new(String::new());
    let due_date = RwSignal::new(String::new());
    let number = RwSignal::new(String::new());
    let next_key = StoredValue::new(1u32);
    let lines = RwSignal::new(vec![LineDraft::new(0, "", "1", "", "")]);
    let form_error = RwSignal::new(None::<String>);
    let credit_blocked = RwSignal::new(false);
    let override_block = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let may_override = move || {
        session
            .current
            .get()
            .is_some_and(|s| s.can(Permission::OverrideCreditBlock))
    };

    // The customers to choose from, narrowed by the search box.
    let options = LocalResource::new(move || {
        let search = customer_search.get();
        async move {
            api::run::<api::CustomerOptions>(api::customer_options::Variables {
                search: Some(search).filter(|s| !s.trim().is_empty()),
            })
            .await
            .map(|data| {
                data.customers
                    .edges
                    .into_iter()
                    .map(|edge| edge.node)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
        }
    });
    // The customer's currency is the invoice's unless the person changes it.
    Effect::new(move |_| {
        let chosen = customer.get();
        if let Some(found) = options
            .get()
            .and_then(|list| list.into_iter().find(|c| c.id == chosen))
            && currency.get_untracked().is_empty()
        {
            currency.set(found.currency);
        }
    });
    // Editing a draft: fill the form from it.
    if let Some(id) = editing.clone() {
        leptos::task::spawn_local(async move {
            if let Ok(data) = api::run::<InvoiceDetail>(api::invoice_detail::Variables { id }).await
                && let Some(invoice) = data.invoice
            {
                customer.set(invoice.customer.id.clone());
                customer_search.set(invoice.customer.code.clone());
                currency.set(invoice.currency.clone());
                issue_date.set(invoice.issue_date.clone());
                due_date.set(invoice.due_date.clone());
                number.set(invoice.number.clone().unwrap_or_default());
                let drafts: Vec<LineDraft> = invoice
                    .lines
                    .iter()
                    .enumerate()
                    .map(|(index, line)| {
                        let percent = line
                            .tax_rate
                            .parse::<Decimal>()
                            .map(|r| (r * Decimal::ONE_HUNDRED).normalize().to_string())
                            .unwrap_or_default();
                        LineDraft::new(
                            index as u32 + 100,
                            &line.description,
                            &line.quantity,
                            &line.unit_price,
                            &percent,
                        )
                    })
                    .collect();
                lines.set(drafts);
            }
        });
    }

    // Live totals with the same rounding the server applies.
    let priced = move || {
        let currency = currency
            .get()
            .trim()
            .to_uppercase()
            .parse::<Currency>()
            .ok()?;
        let inputs: Option<Vec<LineInput>> = lines
            .get()
            .iter()
            .map(|line| {
                let tax = line.tax_percent.get();
                Some(LineInput {
                    description: line.description.get(),
                    quantity: line.quantity.get().trim().parse().ok()?,
                    unit_price: line.unit_price.get().trim().parse().ok()?,
                    tax_rate: if tax.trim().is_empty() {
                        Decimal::ZERO
                    } else {
                        tax.trim().parse::<Decimal>().ok()? / Decimal::ONE_HUNDRED
                    },
                })
            })
            .collect();
        price_lines(&inputs?, currency).ok()
    };
    let line_total = move |index: usize| {
        priced()
            .and_then(|(lines, totals)| {
                lines.get(index).map(|line| {
                    let code = totals.total.currency.code();
                    show(
                        locale.get(),
                        &display::amount_string(line.total, code),
                        code,
                    )
                })
            })
            .unwrap_or_else(|| "—".to_owned())
    };
    let add_line = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        lines.update(|lines| lines.push(LineDraft::new(key, "", "1", "", "")));
    };

    let save = move |issue: bool| {
        form_error.set(None);
        busy.set(true);
        let navigate = navigate.clone();
        let editing = editing.clone();
        let optional = |value: String| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        let line_inputs: Vec<(String, String, String, Option<String>)> = lines
            .get_untracked()
            .iter()
            .map(|line| {
                (
                    line.description.get_untracked(),
                    line.quantity.get_untracked(),
                    line.unit_price.get_untracked(),
                    line.tax_fraction(),
                )
            })
            .collect();
        let override_block = (override_block.get_untracked() && may_override()).then_some(true);
        let customer_id = customer.get_untracked();
        let currency_value = optional(currency.get_untracked().to_uppercase());
        let issue_value = optional(issue_date.get_untracked());
        let due_value = optional(due_date.get_untracked());
        let number_value = optional(number.get_untracked());
        leptos::task::spawn_local(async move {
            let result = match editing {
                None => api::run::<CreateInvoice>(api::create_invoice::Variables {
                    input: api::create_invoice::CreateInvoiceInput {
                        customer_id,
                        number: number_value,
                        issue_date: issue_value,
                        due_date: due_value,
                        currency: currency_value,
                        lines: line_inputs
                            .into_iter()
                            .map(|(description, quantity, unit_price, tax_rate)| {
                                api::create_invoice::InvoiceLineInput {
                                    description,
                                    quantity,
                                    unit_price,
                                    tax_rate,
                                }
                            })
                            .collect(),
                        issue: Some(issue),
                        override_credit_block: override_block,
                        ..Default::default()
                    },
                })
                .await
                .map(|data| data.create_invoice.invoice.id),
                Some(id) => {
                    let updated = api::run::<UpdateInvoice>(api::update_invoice::Variables {
                        input: api::update_invoice::UpdateInvoiceInput {
                            invoice_id: id.clone(),
                            number: number_value,
                            issue_date: issue_value,
                            due_date: due_value,
                            currency: currency_value,
                            lines: Some(
                                line_inputs
                                    .into_iter()
                                    .map(|(description, quantity, unit_price, tax_rate)| {
                                        api::update_invoice::InvoiceLineInput {
                                            description,
                                            quantity,
                                            unit_price,
                                            tax_rate,
                                        }
                                    })
                                    .collect(),
                            ),
                            ..Default::default()
                        },
                    })
                    .await
                    .map(|_| id.clone());
                    match (updated, issue) {
                        (Ok(id), true) => api::run::<IssueInvoice>(api::issue_invoice::Variables {
                            input: api::issue_invoice::IssueInvoiceInput {
                                invoice_id: id.clone(),
                                override_credit_block: override_block,
                            },
                        })
                        .await
                        .map(|_| id),
                        (other, _) => other,
                    }
                }
            };
            busy.set(false);
            match result {
                Ok(id) => {
                    toasts.push(
                        ToastKind::Success,
                        text(if issue {
                            Msg::InvoiceIssued
                        } else {
                            Msg::InvoiceSaved
                        }),
                    );
                    navigate(&format!("/invoices/{id}"), Default::default());
                }
                Err(api::ApiError::Api {
                    code,
                    message,
                    field,
                }) => {
                    credit_blocked.set(matches!(
                        code,
                        ErrorCode::CreditLimitExceeded | ErrorCode::CreditHold
                    ));
                    let field = field
                        .map(|f| format!("{}: ", f.trim_start_matches("input.")))
                        .unwrap_or_default();
                    form_error.set(Some(format!("{field}{message}")));
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    let save_draft = {
        let save = save.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            save(false);
        }
    };

    let numbered = move || lines.get().into_iter().enumerate().collect::<Vec<_>>();
    view! {
        <section class="page">
            <header class="page-header">
                <h1>{move || text(Msg::NewInvoice)}</h1>
            </header>
            <form class="panel form-grid invoice-editor" novalidate on:submit=save_draft data-testid="invoice-form">
                <Show when=move || form_error.get().is_some()>
                    <p class="form-error" role="alert" data-testid="invoice-form-error">{move || form_error.get().unwrap_or_default()}</p>
                </Show>
                <div class="field">
                    <label for="customer-filter">{move || text(Msg::Search)}</label>
                    <input id="customer-filter" type="search" prop:value=move || customer_search.get() on:input=move |event| customer_search.set(event_target_value(&event))/>
                </div>
                <div class="field">
                    <label for="invoice-customer">{move || text(Msg::Customer)}</label>
                    <select id="invoice-customer" data-testid="invoice-customer" prop:value=move || customer.get() on:change=move |event| { customer.set(event_target_value(&event)); currency.set(String::new()); }>
                        <option value="">{move || text(Msg::ChooseCustomer)}</option>
                        {move || options.get().unwrap_or_default().into_iter().map(|c| {
                            let selected = c.id == customer.get_untracked();
                            view! { <option value=c.id.clone() selected=selected>{format!("{} · {}", c.code, c.name)}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <TextField name="invoice-currency" label=Signal::derive(move || text(Msg::Currency)) value=currency/>
                <TextField name="invoice-number" label=Signal::derive(move || text(Msg::Number)) value=number hint=Signal::derive(move || text(Msg::Optional))/>
                <TextField name="invoice-issue-date" label=Signal::derive(move || text(Msg::IssueDate)) value=issue_date input_type="date"/>
                <TextField name="invoice-due-date" label=Signal::derive(move || text(Msg::DueDate)) value=due_date input_type="date" hint=Signal::derive(move || text(Msg::Optional))/>
                <table class="data-table line-editor">
                    <caption>{move || text(Msg::Lines)}</caption>
                    <thead><tr>
                        <th scope="col">{move || text(Msg::Description)}</th>
                        <th scope="col">{move || text(Msg::Quantity)}</th>
                        <th scope="col">{move || text(Msg::UnitPrice)}</th>
                        <th scope="col">{move || text(Msg::TaxPercent)}</th>
                        <th scope="col">{move || text(Msg::Total)}</th>
                        <th scope="col"><span class="visually-hidden">{move || text(Msg::Actions)}</span></th>
                    </tr></thead>
                    <tbody>
                        <For each=numbered key=|(_, line)| line.key let:item>
                            {
                                let (index, line) = item;
                                let label = move |msg: Msg| format!("{} {}", text(msg), index + 1);
                                view! {
                                    <tr data-testid="line-row">
                                        <td><input aria-label=move || label(Msg::Description) prop:value=move || line.description.get() on:input=move |e| line.description.set(event_target_value(&e))/></td>
                                        <td><input aria-label=move || label(Msg::Quantity) inputmode="decimal" class="num" prop:value=move || line.quantity.get() on:input=move |e| line.quantity.set(event_target_value(&e))/></td>
                                        <td><input aria-label=move || label(Msg::UnitPrice) inputmode="decimal" class="num" prop:value=move || line.unit_price.get() on:input=move |e| line.unit_price.set(event_target_value(&e))/></td>
                                        <td><input aria-label=move || label(Msg::TaxPercent) inputmode="decimal" class="num" prop:value=move || line.tax_percent.get() on:input=move |e| line.tax_percent.set(event_target_value(&e))/></td>
                                        <td class="num" data-testid="line-total">{move || line_total(index)}</td>
                                        <td>
                                            <button type="button" class="button button-secondary" on:click=move |_| lines.update(|lines| { if lines.len() > 1 { lines.retain(|l| l.key != line.key); } })>
                                                {move || text(Msg::Remove)}
                                            </button>
                                        </td>
                                    </tr>
                                }
                            }
                        </For>
                    </tbody>
                </table>
                <button type="button" class="button button-secondary" data-testid="add-line" on:click=add_line>{move || text(Msg::AddLine)}</button>
                <dl class="totals" data-testid="invoice-totals">
                    {move || match priced() {
                        Some((_, totals)) => {
                            let code = totals.total.currency.code().to_owned();
                            let l = locale.get();
                            view! {
                                <dt>{text(Msg::Subtotal)}</dt><dd>{show(l, &display::amount_string(totals.subtotal.amount, &code), &code)}</dd>
                                <dt>{text(Msg::Tax)}</dt><dd>{show(l, &display::amount_string(totals.tax.amount, &code), &code)}</dd>
                                <dt>{text(Msg::Total)}</dt><dd data-testid="invoice-total">{show(l, &display::amount_string(totals.total.amount, &code), &code)}</dd>
                            }.into_any()
                        }
                        None => view! { <dt>{text(Msg::Total)}</dt><dd data-testid="invoice-total">"—"</dd> }.into_any(),
                    }}
                </dl>
                <Show when=move || credit_blocked.get() && may_override()>
                    <label class="check">
                        <input type="checkbox" data-testid="override-credit" prop:checked=move || override_block.get() on:change=move |e| override_block.set(event_target_checked(&e))/>
                        {move || text(Msg::OverrideCreditBlock)}
                    </label>
                </Show>
                <div class="form-actions">
                    <Button r#type="submit" kind=crate::components::ButtonKind::Secondary busy=busy test_id="save-draft">{move || text(Msg::SaveDraft)}</Button>
                    <button type="button" class="button button-primary" data-testid="save-and-issue" disabled=move || busy.get() on:click=move |_| save(true)>
                        {move || text(Msg::SaveAndIssue)}
                    </button>
                </div>
            </form>
        </section>
    }
}

#[component]
pub fn InvoicePage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ViewInvoices>
            <InvoiceView/>
        </RequirePermission>
    }
}

/// Which action the dialog is for.
#[derive(Clone, Copy, PartialEq)]
enum InvoiceAction {
    Void,
    WriteOff,
    CreditNote,
    Dispute,
}

#[component]
fn InvoiceView() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let reload = RwSignal::new(0u32);
    let detail = LocalResource::new(move || {
        reload.track();
        let id = id();
        async move { api::run::<InvoiceDetail>(api::invoice_detail::Variables { id }).await }
    });
    let can =
        move |permission: Permission| session.current.get().is_some_and(|s| s.can(permission));
    // A Stripe Checkout link for the balance due, copied for sending to the customer.
    let payment_link = RwSignal::new(None::<String>);
    let make_link = move |_| {
        let invoice_id = id();
        leptos::task::spawn_local(async move {
            let result = api::run::<api::CreatePaymentLink>(api::create_payment_link::Variables {
                input: api::create_payment_link::CreatePaymentLinkInput { invoice_id },
            })
            .await;
            match result {
                Ok(data) => {
                    let url = data.create_payment_link.url;
                    if let Some(window) = web_sys::window() {
                        let _ = window.navigator().clipboard().write_text(&url);
                    }
                    payment_link.set(Some(url));
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    let dialog_open = RwSignal::new(false);
    let action = RwSignal::new(InvoiceAction::Void);
    let open = move |which: InvoiceAction| {
        action.set(which);
        dialog_open.set(true);
    };
    let refresh = move || reload.update(|n| *n += 1);
    let issue = move |_| {
        let invoice_id = id();
        leptos::task::spawn_local(async move {
            match api::run::<IssueInvoice>(api::issue_invoice::Variables {
                input: api::issue_invoice::IssueInvoiceInput {
                    invoice_id,
                    override_credit_block: None,
                },
            })
            .await
            {
                Ok(data) => toasts.push(
                    ToastKind::Success,
                    format!(
                        "{} {}",
                        text(Msg::InvoiceIssued),
                        data.issue_invoice.invoice.number.unwrap_or_default()
                    ),
                ),
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
            refresh();
        });
    };
    let resolve = move |dispute_id: String, resolved: bool| {
        leptos::task::spawn_local(async move {
            let outcome = if resolved {
                api::resolve_dispute::DisputeOutcome::RESOLVED
            } else {
                api::resolve_dispute::DisputeOutcome::REJECTED
            };
            match api::run::<api::ResolveDispute>(api::resolve_dispute::Variables {
                input: api::resolve_dispute::ResolveDisputeInput {
                    dispute_id,
                    outcome,
                    note: text(if resolved { Msg::Resolve } else { Msg::Reject }).to_owned(),
                },
            })
            .await
            {
                Ok(_) => toasts.push(ToastKind::Success, text(Msg::Saved)),
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
            refresh();
        });
    };

    view! {
        <section class="page">
            {move || match detail.get() {
                None => view! { <p>{move || text(Msg::Loading)}</p> }.into_any(),
                Some(Err(error)) => { toasts.api_error(locale.get_untracked(), error); ().into_any() }
                Some(Ok(data)) => match data.invoice {
                    None => view! { <super::NotFoundPage/> }.into_any(),
                    Some(invoice) => {
                        let status = status_of(&invoice.status);
                        let money = move |m: &api::invoice_detail::MoneyFields| show(locale.get(), &m.amount, &m.currency);
                        let inv = invoice.clone();
                        view! {
                            <header class="page-header page-header-actions">
                                <div>
                                    <p class="eyebrow"><A href="/invoices">{move || text(Msg::InvoicesTitle)}</A>" · "<A href=format!("/customers/{}", inv.customer.id)>{inv.customer.name.clone()}</A></p>
                                    <h1 data-testid="invoice-number">{inv.number.clone().unwrap_or_else(|| text(Msg::SaveDraft).to_owned())}</h1>
                                    {move || status_badge(locale.get(), status)}
                                    {inv.has_open_dispute.then(|| view! { <span class="badge badge-danger">{move || text(Msg::Disputes)}</span> })}
                                </div>
                                <div class="actions">
                                    {(status == InvoiceStatus::Draft && can(Permission::ManageInvoices)).then(|| view! {
                                        <A href=format!("/invoices/{}/edit", inv.id) attr:class="button button-secondary">{move || text(Msg::Edit)}</A>
                                        <button type="button" class="button button-primary" data-testid="issue-invoice" on:click=issue>{move || text(Msg::Issue)}</button>
                                    })}
                                    {(status.is_open() && can(Permission::ManagePayments)).then(|| view! {
                                        <A href=format!("/payments?record={}", inv.customer.id) attr:class="button button-primary" attr:data-testid="invoice-record-payment">{move || text(Msg::RecordPayment)}</A>
                                    })}
                                    {(status.is_open() && can(Permission::ManageInvoices)).then(|| view! {
                                        <button type="button" class="button button-secondary" data-testid="credit-note" on:click=move |_| open(InvoiceAction::CreditNote)>{move || text(Msg::CreditNote)}</button>
                                        <button type="button" class="button button-secondary" data-testid="write-off" on:click=move |_| open(InvoiceAction::WriteOff)>{move || text(Msg::WriteOff)}</button>
                                    })}
                                    {(status.is_open() && (can(Permission::ManageInvoices) || can(Permission::WorkCollections))).then(|| view! {
                                        <button type="button" class="button button-secondary" data-testid="open-dispute" on:click=move |_| open(InvoiceAction::Dispute)>{move || text(Msg::OpenDispute)}</button>
                                    })}
                                    {(status.is_open() && can(Permission::WorkCollections)).then(|| view! {
                                        <button type="button" class="button button-secondary" data-testid="create-payment-link" on:click=make_link>{move || text(Msg::CreatePaymentLink)}</button>
                                    })}
                                    {(matches!(status, InvoiceStatus::Draft | InvoiceStatus::Issued) && can(Permission::ManageInvoices)).then(|| view! {
                                        <button type="button" class="button button-danger" data-testid="void-invoice" on:click=move |_| open(InvoiceAction::Void)>{move || text(Msg::Void)}</button>
                                    })}
                                </div>
                            </header>
                            <Show when=move || payment_link.get().is_some()>
                                <p class="notice" role="status">
                                    {move || text(Msg::PaymentLinkReady)}" "
                                    <a data-testid="payment-link-url" href=move || payment_link.get().unwrap_or_default() target="_blank" rel="noopener">
                                        {move || payment_link.get().unwrap_or_default()}
                                    </a>
                                </p>
                            </Show>
                            <div class="stat-grid">
                                <div class="stat"><span class="stat-label">{move || text(Msg::Total)}</span><span class="stat-value">{ let m = inv.total.clone(); move || money(&m) }</span></div>
                                <div class="stat"><span class="stat-label">{move || text(Msg::AmountPaid)}</span><span class="stat-value" data-testid="invoice-paid">{ let m = inv.amount_paid.clone(); move || money(&m) }</span></div>
                                <div class="stat"><span class="stat-label">{move || text(Msg::AmountCredited)}</span><span class="stat-value">{ let m = inv.amount_credited.clone(); move || money(&m) }</span></div>
                                <div class="stat"><span class="stat-label">{move || text(Msg::BalanceDue)}</span><span class="stat-value" data-testid="invoice-balance">{ let m = inv.balance_due.clone(); move || money(&m) }</span></div>
                                <div class="stat"><span class="stat-label">{move || text(Msg::DueDate)}</span><span class="stat-value">{ let d = inv.due_date.clone(); move || display::date(locale.get(), &d) }</span></div>
                                <div class="stat"><span class="stat-label">{move || text(Msg::DaysPastDue)}</span><span class="stat-value">{inv.days_overdue}</span></div>
                            </div>
                            {inv.credit_flag.clone().map(|flag| view! { <p class="notice" data-testid="credit-flag">{move || text(Msg::CreditFlagged)}": "{flag.clone()}</p> })}
                            <DataTable
                                caption=Signal::derive(move || text(Msg::Lines).to_owned())
                                headers=Signal::derive(move || vec![text(Msg::Description), text(Msg::Quantity), text(Msg::UnitPrice), text(Msg::TaxPercent), text(Msg::Net), text(Msg::Tax), text(Msg::Total)])
                                row_count=Signal::derive({ let n = inv.lines.len(); move || n })
                                empty=Signal::derive(move || text(Msg::NoInvoices))
                            >
                                {inv.lines.iter().map(|line| {
                                    let percent = line.tax_rate.parse::<Decimal>().map(|r| (r * Decimal::ONE_HUNDRED).normalize().to_string()).unwrap_or_default();
                                    view! {
                                        <tr>
                                            <td>{line.description.clone()}</td>
                                            <td class="num">{line.quantity.clone()}</td>
                                            <td class="num">{line.unit_price.clone()}</td>
                                            <td class="num">{percent}"%"</td>
                                            <td class="num">{show(locale.get_untracked(), &line.net.amount, &line.net.currency)}</td>
                                            <td class="num">{show(locale.get_untracked(), &line.tax.amount, &line.tax.currency)}</td>
                                            <td class="num">{show(locale.get_untracked(), &line.total.amount, &line.total.currency)}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </DataTable>
                            <DataTable
                                caption=Signal::derive(move || text(Msg::PaymentsReceived).to_owned())
                                headers=Signal::derive(move || vec![text(Msg::ReceivedOn), text(Msg::Method), text(Msg::Reference), text(Msg::Amount)])
                                row_count=Signal::derive({ let n = inv.allocations.len(); move || n })
                                empty=Signal::derive(move || text(Msg::NoPayments))
                            >
                                {inv.allocations.iter().map(|a| view! {
                                    <tr data-testid="allocation-row" class:reversal=a.reverses_id.is_some()>
                                        <td>{display::date(locale.get_untracked(), &a.received_on)}</td>
                                        <td>{crate::i18n::payment_method_text(locale.get_untracked(), &a.method)}</td>
                                        <td>{a.reference.clone().unwrap_or_default()}</td>
                                        <td class="num">{show(locale.get_untracked(), &a.amount.amount, &a.amount.currency)}</td>
                                    </tr>
                                }).collect_view()}
                            </DataTable>
                            <LateFees fees=inv.late_fees.clone() may_waive=can(Permission::ManageInvoices) refresh=Callback::new(move |_| refresh())/>
                            <div class="panel">
                                <h2>{move || text(Msg::Disputes)}</h2>
                                {if inv.disputes.is_empty() {
                                    view! { <p>{move || text(Msg::NoDisputes)}</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="plain-list" data-testid="disputes">
                                            {inv.disputes.iter().map(|d| {
                                                let open_dispute = format!("{:?}", d.status) == "OPEN";
                                                let dispute_id = d.id.clone();
                                                let dispute_id2 = d.id.clone();
                                                view! {
                                                    <li>
                                                        {show(locale.get_untracked(), &d.amount.amount, &d.amount.currency)}" · "{d.reason.clone()}" · "{format!("{:?}", d.status)}" · "{d.opened_by.clone()}
                                                        {(open_dispute && can(Permission::ManageInvoices)).then(|| view! {
                                                            <button type="button" class="button button-secondary" on:click=move |_| resolve(dispute_id.clone(), true)>{move || text(Msg::Resolve)}</button>
                                                            <button type="button" class="button button-secondary" on:click=move |_| resolve(dispute_id2.clone(), false)>{move || text(Msg::Reject)}</button>
                                                        })}
                                                    </li>
                                                }
                                            }).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                            </div>
                            <super::collections::InvoiceTimeline invoice_id=inv.id.clone()/>
                            <InvoiceActionDialog open=dialog_open action=action invoice_id=inv.id.clone() on_done=refresh/>
                        }.into_any()
                    }
                },
            }}
        </section>
    }
}

#[component]
fn InvoiceActionDialog(
    open: RwSignal<bool>,
    action: RwSignal<InvoiceAction>,
    invoice_id: String,
    on_done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let amount = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // One key per opening of the dialog: a double submit issues one credit note.
    let attempt_key = RwSignal::new(String::new());
    Effect::new(move |_| {
        if open.get() {
            attempt_key.set(format!(
                "web-{}-{}",
                js_sys::Date::now() as u64,
                (js_sys::Math::random() * 1e9) as u64
            ));
        }
    });
    let title = Signal::derive(move || {
        text(match action.get() {
            InvoiceAction::Void => Msg::Void,
            InvoiceAction::WriteOff => Msg::WriteOff,
            InvoiceAction::CreditNote => Msg::CreditNote,
            InvoiceAction::Dispute => Msg::OpenDispute,
        })
        .to_owned()
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if reason.get_untracked().trim().is_empty() {
            error.set(Some(text(Msg::ReasonRequired).to_owned()));
            return;
        }
        error.set(None);
        busy.set(true);
        let invoice_id = invoice_id.clone();
        let reason_text = reason.get_untracked();
        let amount_text = Some(amount.get_untracked().trim().to_owned()).filter(|a| !a.is_empty());
        let which = action.get_untracked();
        let attempt = attempt_key.get_untracked();
        leptos::task::spawn_local(async move {
            let (result, done) = match which {
                InvoiceAction::Void => (
                    api::run::<api::VoidInvoice>(api::void_invoice::Variables {
                        input: api::void_invoice::VoidInvoiceInput {
                            invoice_id,
                            reason: reason_text,
                        },
                    })
                    .await
                    .map(|_| ()),
                    Msg::InvoiceVoided,
                ),
                InvoiceAction::WriteOff => (
                    api::run::<api::WriteOffInvoice>(api::write_off_invoice::Variables {
                        input: api::write_off_invoice::WriteOffInvoiceInput {
                            invoice_id,
                            reason: reason_text,
                        },
                    })
                    .await
                    .map(|_| ()),
                    Msg::InvoiceWrittenOff,
                ),
                InvoiceAction::CreditNote => (
                    api::run::<api::CreateCreditNote>(api::create_credit_note::Variables {
                        input: api::create_credit_note::CreateCreditNoteInput {
                            invoice_id,
                            amount: amount_text.unwrap_or_default(),
                            reason: reason_text,
                            issued_on: None,
                            idempotency_key: Some(attempt),
                        },
                    })
                    .await
                    .map(|_| ()),
                    Msg::CreditNoteCreated,
                ),
                InvoiceAction::Dispute => (
                    api::run::<api::OpenDispute>(api::open_dispute::Variables {
                        input: api::open_dispute::OpenDisputeInput {
                            invoice_id,
                            amount: amount_text,
                            reason: reason_text,
                        },
                    })
                    .await
                    .map(|_| ()),
                    Msg::DisputeOpened,
                ),
            };
            busy.set(false);
            match result {
                Ok(()) => {
                    toasts.push(ToastKind::Success, text(done));
                    reason.set(String::new());
                    amount.set(String::new());
                    open.set(false);
                    on_done();
                }
                Err(api::ApiError::Api { message, .. }) => error.set(Some(message)),
                Err(other) => toasts.api_error(locale.get_untracked(), other),
            }
        });
    };
    view! {
        <Modal open=open title=title>
            <form class="form-grid" novalidate on:submit=submit.clone() data-testid="invoice-action-form">
                <Show when=move || matches!(action.get(), InvoiceAction::CreditNote | InvoiceAction::Dispute)>
                    <TextField name="action-amount" label=Signal::derive(move || text(Msg::Amount)) value=amount/>
                </Show>
                <TextField name="action-reason" label=Signal::derive(move || text(Msg::Reason)) value=reason error=Signal::derive(move || error.get()) required=true/>
                <div class="form-actions">
                    <Button r#type="submit" busy=busy test_id="confirm-invoice-action">{move || text(Msg::Confirm)}</Button>
                </div>
            </form>
        </Modal>
    }
}

/// Fees charged on this invoice (or, on a fee invoice, its own charge), each waivable with a
/// reason while it is not waived.
#[component]
fn LateFees(
    fees: Vec<api::invoice_detail::InvoiceDetailInvoiceLateFees>,
    may_waive: bool,
    refresh: Callback<()>,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    if fees.is_empty() {
        return ().into_any();
    }
    let waive = move |fee_id: String| {
        let Some(reason) = web_sys::window()
            .and_then(|w| w.prompt_with_message(text(Msg::WaiveReason)).ok().flatten())
            .filter(|reason| !reason.trim().is_empty())
        else {
            return;
        };
        leptos::task::spawn_local(async move {
            let input = api::waive_fee::WaiveFeeInput { fee_id, reason };
            match api::run::<api::WaiveFee>(api::waive_fee::Variables { input }).await {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(Msg::FeeWaived));
                    refresh.run(());
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    view! {
        <div class="panel" data-testid="late-fees">
            <h2>{move || text(Msg::LateFees)}</h2>
            <ul class="plain-list">
                {fees.into_iter().map(|fee| {
                    let l = locale.get_untracked();
                    let waived = fee.waived_at.is_some();
                    let id = fee.id.clone();
                    view! {
                        <li data-testid="late-fee">
                            <a href=format!("/invoices/{}", fee.fee_invoice_id)>{fee.fee_invoice_number.clone().unwrap_or_default()}</a>" · "
                            {show(l, &fee.amount.amount, &fee.amount.currency)}" · "
                            {display::date(l, &fee.period_from)}" – "{display::date(l, &fee.period_to)}
                            {waived.then(|| view! { <span class="badge">{move || text(Msg::Waived)}</span>" "{fee.waive_reason.clone().unwrap_or_default()} })}
                            {(!waived && may_waive).then(|| view! {
                                <button type="button" class="button button-secondary" on:click=move |_| waive(id.clone()) data-testid="waive-fee">{move || text(Msg::Waive)}</button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
    .into_any()
}
