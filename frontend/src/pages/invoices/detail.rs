//! The invoice detail page: lines, the installment plan, allocations, disputes, the lifecycle
//! actions and late fees.

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
use std::collections::HashMap;

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
                    request_approval: Some(true),
                },
            })
            .await
            {
                Ok(data) if data.issue_invoice.approval_request.is_some() => {
                    toasts.push(ToastKind::Success, text(Msg::ApprovalSentToast))
                }
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
                            <super::documents::InvoiceDocuments invoice_id=inv.id.clone() number=inv.number.clone() may_send=status.is_sendable() && (can(Permission::ManageInvoices) || can(Permission::WorkCollections)) refresh=Callback::new(move |_| refresh())/>
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
                            <InstallmentPlan
                                invoice_id=inv.id.clone()
                                installments=inv.installments.clone()
                                total=inv.total.clone()
                                may_edit=(status.is_open() || status == InvoiceStatus::Draft) && can(Permission::ManageInvoices)
                                refresh=Callback::new(move |_| refresh())
                            />
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
                            <super::fapiao::FapiaoPanel invoice_id=inv.id.clone() fapiaos=inv.fapiaos.clone() credit_notes=inv.credit_notes.clone()
                                today=crate::calendar::company_today().to_string()
                                may_record=status.takes_fapiao() && can(Permission::ManageInvoices)
                                refresh=Callback::new(move |_| refresh())/>
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
                                                        <crate::components::AttachmentsToggle owner=domain::attachments::AttachmentOwner::Dispute owner_id=d.id.clone()/>
                                                    </li>
                                                }
                                            }).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                            </div>
                            <crate::components::Attachments owner=domain::attachments::AttachmentOwner::Invoice owner_id=inv.id.clone()/>
                            <crate::pages::collections::InvoiceTimeline invoice_id=inv.id.clone()/>
                            <InvoiceActionDialog open=dialog_open action=action invoice_id=inv.id.clone()
                                balance=inv.balance_due.amount.clone() currency=inv.balance_due.currency.clone()
                                draft=status == InvoiceStatus::Draft on_done=refresh/>
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
    /// The balance due, which a void or a write-off removes.
    balance: String,
    currency: String,
    draft: bool,
    on_done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let policies = crate::approval::use_policies();
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
    // What the change is compared by under an approval policy: the balance it removes, or the
    // credit note's amount as typed.
    let gated_action = Signal::derive(move || match action.get() {
        InvoiceAction::Void => Some(domain::approvals::ApprovalAction::VoidInvoice),
        InvoiceAction::WriteOff => Some(domain::approvals::ApprovalAction::WriteOff),
        InvoiceAction::CreditNote => Some(domain::approvals::ApprovalAction::CreditNote),
        InvoiceAction::Dispute => None,
    });
    let compared = Signal::derive(move || {
        let balance = balance.trim().parse().unwrap_or_default();
        match action.get() {
            InvoiceAction::CreditNote => crate::approval::compared_amount(&amount.get()),
            InvoiceAction::Void => domain::approvals::Compared::void(draft, balance),
            _ => domain::approvals::Compared::amount(balance),
        }
    });
    let currency = Signal::derive(move || currency.clone());
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
                            request_approval: Some(true),
                        },
                    })
                    .await
                    .map(|data| data.void_invoice.approval_request.is_some()),
                    Msg::InvoiceVoided,
                ),
                InvoiceAction::WriteOff => (
                    api::run::<api::WriteOffInvoice>(api::write_off_invoice::Variables {
                        input: api::write_off_invoice::WriteOffInvoiceInput {
                            invoice_id,
                            reason: reason_text,
                            request_approval: Some(true),
                        },
                    })
                    .await
                    .map(|data| data.write_off_invoice.approval_request.is_some()),
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
                            request_approval: Some(true),
                        },
                    })
                    .await
                    .map(|data| data.create_credit_note.approval_request.is_some()),
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
                    .map(|_| false),
                    Msg::DisputeOpened,
                ),
            };
            busy.set(false);
            match result {
                Ok(waiting) => {
                    crate::approval::after_change(toasts, locale.get_untracked(), waiting, done);
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
                <crate::approval::ApprovalNotice policies=policies action=gated_action currency=currency compared=compared/>
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
    let policies = crate::approval::use_policies();
    // The prompt says first when the waiver will go for approval (compared by the fee).
    let waive = move |fee_id: String, amount: String, currency: String| {
        let waits = policies.get_untracked().and_then(|policies| {
            crate::approval::waits_for(
                &policies,
                domain::approvals::ApprovalAction::FeeWaiver,
                &currency,
                crate::approval::compared_amount(&amount),
            )
        });
        let prompt = match waits {
            Some(levels) => format!(
                "{}\n{}",
                crate::approval::joined(
                    text(Msg::ApprovalWillWait),
                    &crate::approval::levels_text(locale.get_untracked(), &levels)
                ),
                text(Msg::WaiveReason)
            ),
            None => text(Msg::WaiveReason).to_owned(),
        };
        let Some(reason) = web_sys::window()
            .and_then(|w| w.prompt_with_message(&prompt).ok().flatten())
            .filter(|reason| !reason.trim().is_empty())
        else {
            return;
        };
        leptos::task::spawn_local(async move {
            let input = api::waive_fee::WaiveFeeInput {
                fee_id,
                reason,
                request_approval: Some(true),
            };
            match api::run::<api::WaiveFee>(api::waive_fee::Variables { input }).await {
                Ok(data) => {
                    let waiting = data.waive_fee.approval_request.is_some();
                    crate::approval::after_change(
                        toasts,
                        locale.get_untracked(),
                        waiting,
                        Msg::FeeWaived,
                    );
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
                    let fee_amount = fee.amount.amount.clone();
                    let fee_currency = fee.amount.currency.clone();
                    view! {
                        <li data-testid="late-fee">
                            <a href=format!("/invoices/{}", fee.fee_invoice_id)>{fee.fee_invoice_number.clone().unwrap_or_default()}</a>" · "
                            {show(l, &fee.amount.amount, &fee.amount.currency)}" · "
                            {display::date(l, &fee.period_from)}" – "{display::date(l, &fee.period_to)}
                            {waived.then(|| view! { <span class="badge">{move || text(Msg::Waived)}</span>" "{fee.waive_reason.clone().unwrap_or_default()} })}
                            {(!waived && may_waive).then(|| view! {
                                <button type="button" class="button button-secondary" on:click=move |_| waive(id.clone(), fee_amount.clone(), fee_currency.clone()) data-testid="waive-fee">{move || text(Msg::Waive)}</button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
    .into_any()
}

/// One installment being edited.
#[derive(Clone, Copy)]
struct InstallmentDraft {
    key: u32,
    due_date: RwSignal<String>,
    amount: RwSignal<String>,
}

/// Whether a server error's field is an installment's due date or amount, shown at its input
/// (`installments[1].amount`); the others (the plan as a whole, an installment as a whole, no
/// field) are shown above the rows.
fn is_row_field(field: &str) -> bool {
    field.starts_with("installments[")
        && (field.ends_with("].dueDate") || field.ends_with("].amount"))
}

/// The invoice's installment plan (due date and amount of each part) and, for someone who may
/// change it on an open or draft invoice, a dialog that replaces or removes it. The server checks
/// the plan: 2 or more parts adding up to the total, due dates on or after the issue date and
/// increasing.
#[component]
fn InstallmentPlan(
    invoice_id: String,
    installments: Vec<api::invoice_detail::InvoiceDetailInvoiceInstallments>,
    total: api::invoice_detail::MoneyFields,
    may_edit: bool,
    refresh: Callback<()>,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    if installments.is_empty() && !may_edit {
        return ().into_any();
    }
    let invoice_id = StoredValue::new(invoice_id);
    let currency = StoredValue::new(total.currency.clone());
    let total_amount = total.amount.parse::<Decimal>().ok();
    let has_plan = !installments.is_empty();
    let existing: Vec<(String, String)> = installments
        .iter()
        .map(|part| (part.due_date.clone(), part.amount.amount.clone()))
        .collect();
    let existing = StoredValue::new(existing);
    let open = RwSignal::new(false);
    let next_key = StoredValue::new(0u32);
    let rows = RwSignal::new(Vec::<InstallmentDraft>::new());
    let errors = RwSignal::new(HashMap::<String, String>::new());
    let busy = RwSignal::new(false);
    let new_row = move |due_date: String, amount: String| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        InstallmentDraft {
            key,
            due_date: RwSignal::new(due_date),
            amount: RwSignal::new(amount),
        }
    };
    // The dialog starts from the plan as saved, or two empty installments (the fewest a plan has).
    let edit = move |_| {
        let mut drafts: Vec<InstallmentDraft> = existing.with_value(|parts| {
            parts
                .iter()
                .map(|(due_date, amount)| new_row(due_date.clone(), amount.clone()))
                .collect()
        });
        while drafts.len() < 2 {
            drafts.push(new_row(String::new(), String::new()));
        }
        rows.set(drafts);
        errors.set(HashMap::new());
        open.set(true);
    };
    let add = move |_| rows.update(|rows| rows.push(new_row(String::new(), String::new())));
    // The total in as many equal parts as there are rows, the remainder on the last.
    let split = move |_| {
        let Some(total) = total_amount else {
            return;
        };
        let drafts = rows.get_untracked();
        let code = currency.get_value();
        let parts =
            domain::invoices::split_evenly(total, drafts.len(), display::minor_units(&code));
        for (draft, part) in drafts.iter().zip(parts) {
            draft.amount.set(display::amount_string(part, &code));
        }
    };
    let send = move |parts: Vec<api::set_installment_plan::InstallmentInput>, done: Msg| {
        errors.set(HashMap::new());
        busy.set(true);
        let input = api::set_installment_plan::SetInstallmentPlanInput {
            invoice_id: invoice_id.get_value(),
            installments: parts,
        };
        leptos::task::spawn_local(async move {
            let result =
                api::run::<api::SetInstallmentPlan>(api::set_installment_plan::Variables { input })
                    .await;
            // Before a saved plan reloads the page (and with it this section).
            busy.set(false);
            match result {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(done));
                    open.set(false);
                    refresh.run(());
                }
                Err(failure @ api::ApiError::Api { .. }) => {
                    let key = failure.field_name().to_owned();
                    let message = failure.text(locale.get_untracked());
                    errors.update(|errors| {
                        errors.insert(key, message);
                    });
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let drafts = rows.get_untracked();
        // A date input is empty until a whole date is chosen; the API's Date takes no empty one.
        let missing: Vec<usize> = drafts
            .iter()
            .enumerate()
            .filter(|(_, draft)| draft.due_date.get_untracked().trim().is_empty())
            .map(|(index, _)| index)
            .collect();
        if !missing.is_empty() {
            errors.set(
                missing
                    .into_iter()
                    .map(|index| {
                        (
                            format!("installments[{index}].dueDate"),
                            text(Msg::InstallmentDueDateRequired).to_owned(),
                        )
                    })
                    .collect(),
            );
            return;
        }
        let parts = drafts
            .iter()
            .map(|draft| api::set_installment_plan::InstallmentInput {
                due_date: draft.due_date.get_untracked().trim().to_owned(),
                amount: draft.amount.get_untracked().trim().to_owned(),
            })
            .collect();
        send(parts, Msg::InstallmentsSaved);
    };
    let remove_plan = move |_| send(Vec::new(), Msg::InstallmentsRemoved);
    let form_error = move || {
        errors.with(|errors| {
            errors
                .iter()
                .find(|(field, _)| !is_row_field(field))
                .map(|(_, message)| message.clone())
        })
    };
    let field_error = move |field: String| errors.with(|errors| errors.get(&field).cloned());
    let sum = move || {
        let sum: Decimal = rows
            .get()
            .iter()
            .filter_map(|draft| {
                draft
                    .amount
                    .get()
                    .trim()
                    .replace(',', "")
                    .parse::<Decimal>()
                    .ok()
            })
            .sum();
        let code = currency.get_value();
        show(locale.get(), &display::amount_string(sum, &code), &code)
    };
    let total = StoredValue::new(total);
    let total_shown = move || total.with_value(|t| show(locale.get(), &t.amount, &t.currency));
    let numbered = move || rows.get().into_iter().enumerate().collect::<Vec<_>>();
    view! {
        <div class="panel" data-testid="installments">
            <h2>{move || text(Msg::Installments)}</h2>
            {if installments.is_empty() {
                view! { <p>{move || text(Msg::NoInstallmentPlan)}</p> }.into_any()
            } else {
                view! {
                    <table class="data-table">
                        <thead><tr>
                            <th scope="col">{move || text(Msg::InstallmentNumber)}</th>
                            <th scope="col">{move || text(Msg::DueDate)}</th>
                            <th scope="col">{move || text(Msg::Amount)}</th>
                        </tr></thead>
                        <tbody>
                            {installments.iter().enumerate().map(|(index, part)| view! {
                                <tr data-testid="installment-plan-row">
                                    <td class="num">{index + 1}</td>
                                    <td>{display::date(locale.get_untracked(), &part.due_date)}</td>
                                    <td class="num">{show(locale.get_untracked(), &part.amount.amount, &part.amount.currency)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {may_edit.then(|| view! {
                <div class="actions">
                    <button type="button" class="button button-secondary" data-testid="edit-installments" on:click=edit>{move || text(Msg::EditInstallments)}</button>
                </div>
            })}
            <Modal open=open title=Signal::derive(move || text(Msg::EditInstallments).to_owned())>
                <form class="form-grid" novalidate on:submit=save data-testid="installments-form">
                    <p class="field-hint field-wide">{move || text(Msg::InstallmentsHint)}</p>
                    <Show when=move || form_error().is_some()>
                        <p class="form-error" role="alert" data-testid="installments-error">{move || form_error().unwrap_or_default()}</p>
                    </Show>
                    <table class="data-table line-editor installment-editor">
                        <thead><tr>
                            <th scope="col">{move || text(Msg::InstallmentNumber)}</th>
                            <th scope="col">{move || text(Msg::DueDate)}</th>
                            <th scope="col">{move || text(Msg::Amount)}</th>
                            <th scope="col"><span class="visually-hidden">{move || text(Msg::Actions)}</span></th>
                        </tr></thead>
                        <tbody>
                            <For each=numbered key=|(index, draft)| (*index, draft.key) let:item>
                                {
                                    let (index, draft) = item;
                                    let label = move |msg: Msg| format!("{} {}", text(msg), index + 1);
                                    let due_error = move || field_error(format!("installments[{index}].dueDate"));
                                    let amount_error = move || field_error(format!("installments[{index}].amount"));
                                    view! {
                                        <tr data-testid="installment-row">
                                            <td class="num">{index + 1}</td>
                                            <td>
                                                <input type="date" aria-label=move || label(Msg::DueDate) aria-invalid=move || due_error().is_some().to_string() prop:value=move || draft.due_date.get() on:input=move |e| draft.due_date.set(event_target_value(&e))/>
                                                {move || due_error().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
                                            </td>
                                            <td>
                                                <input inputmode="decimal" class="num" aria-label=move || label(Msg::Amount) aria-invalid=move || amount_error().is_some().to_string() prop:value=move || draft.amount.get() on:input=move |e| draft.amount.set(event_target_value(&e))/>
                                                {move || amount_error().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
                                            </td>
                                            <td>
                                                <button type="button" class="button button-secondary" on:click=move |_| rows.update(|rows| { if rows.len() > 1 { rows.retain(|r| r.key != draft.key); } })>
                                                    {move || text(Msg::Remove)}
                                                </button>
                                            </td>
                                        </tr>
                                    }
                                }
                            </For>
                        </tbody>
                    </table>
                    <div class="actions field-wide">
                        <button type="button" class="button button-secondary" data-testid="add-installment" on:click=add>{move || text(Msg::AddInstallment)}</button>
                        <button type="button" class="button button-secondary" data-testid="split-installments" on:click=split>{move || text(Msg::SplitEvenly)}</button>
                    </div>
                    <p class="field-wide" data-testid="installments-sum">
                        {move || text(Msg::InstallmentsAddUpTo)}" "{sum}" · "{move || text(Msg::Total)}" "{total_shown}
                    </p>
                    <div class="form-actions">
                        {has_plan.then(|| view! {
                            <button type="button" class="button button-danger" data-testid="remove-installments" disabled=move || busy.get() on:click=remove_plan>{move || text(Msg::RemoveInstallments)}</button>
                        })}
                        <Button r#type="submit" busy=busy test_id="save-installments">{move || text(Msg::Save)}</Button>
                    </div>
                </form>
            </Modal>
        </div>
    }
    .into_any()
}
