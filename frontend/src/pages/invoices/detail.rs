//! The invoice detail page: lines, allocations, disputes, the lifecycle actions and late fees.

use super::{status_badge, status_of};
use crate::api::{self, InvoiceDetail, IssueInvoice};
use crate::components::{Button, DataTable, Modal, TextField, ToastKind, use_toasts};
use crate::i18n::{Msg, use_locale, use_text};
use crate::pages::access::RequirePermission;
use crate::pages::customers::show;
use crate::session::use_session;
use domain::access::Permission;
use domain::display;
use domain::invoices::InvoiceStatus;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use rust_decimal::Decimal;

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
                    None => view! { <crate::pages::NotFoundPage/> }.into_any(),
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
                                        <td>{crate::i18n::payment_method_text(locale.get_untracked(), domain::payments::PaymentMethod::parse(&a.method).unwrap_or(domain::payments::PaymentMethod::Other))}</td>
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
                            <crate::pages::collections::InvoiceTimeline invoice_id=inv.id.clone()/>
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
                            reason_code: None,
                            assignee_id: None,
                            due_on: None,
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
                Err(failure @ api::ApiError::Api { .. }) => {
                    error.set(Some(failure.text(locale.get_untracked())))
                }
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
