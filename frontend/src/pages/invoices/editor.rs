//! The invoice editor, for a new invoice and a draft's edit, with live totals priced by the domain.

use crate::api::{self, CreateInvoice, InvoiceDetail, IssueInvoice, UpdateInvoice};
use crate::components::{Button, TextField, use_toasts};
use crate::i18n::{Msg, use_locale, use_text};
use crate::pages::access::RequirePermission;
use crate::pages::customers::show;
use crate::session::use_session;
use domain::access::Permission;
use domain::display;
use domain::invoices::{LineInput, price_lines};
use domain::{Currency, ErrorCode};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use rust_decimal::Decimal;

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
    let policies = crate::approval::use_policies();
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
                        request_approval: Some(true),
                        ..Default::default()
                    },
                })
                .await
                .map(|data| {
                    let waiting = data.create_invoice.approval_request.is_some();
                    (data.create_invoice.invoice.id, waiting)
                }),
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
                                request_approval: Some(true),
                            },
                        })
                        .await
                        .map(|data| (id, data.issue_invoice.approval_request.is_some())),
                        (other, _) => other.map(|id| (id, false)),
                    }
                }
            };
            busy.set(false);
            match result {
                Ok((id, waiting)) => {
                    crate::approval::after_change(
                        toasts,
                        locale.get_untracked(),
                        waiting,
                        if issue {
                            Msg::InvoiceIssued
                        } else {
                            Msg::InvoiceSaved
                        },
                    );
                    navigate(&format!("/invoices/{id}"), Default::default());
                }
                Err(failure @ api::ApiError::Api { .. }) => {
                    credit_blocked.set(matches!(
                        failure.code(),
                        ErrorCode::CreditLimitExceeded | ErrorCode::CreditHold
                    ));
                    form_error.set(Some(failure.text(locale.get_untracked())));
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
                    <Show when=move || override_block.get()>
                        <crate::approval::ApprovalNotice policies=policies
                            action=Signal::derive(|| Some(domain::approvals::ApprovalAction::CreditBlockOverride))
                            currency=Signal::derive(move || currency.get().trim().to_uppercase())
                            compared=Signal::derive(move || priced().map(|(_, totals)| domain::approvals::Compared::amount(totals.total.amount)).unwrap_or(domain::approvals::Compared::Never))/>
                    </Show>
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
