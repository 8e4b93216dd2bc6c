//! Payments: the list, recording one allocated to the invoices the user picks (the domain
//! crate's oldest-first rule proposed, see `allocation`), and reversing one.

use super::access::RequirePermission;
use super::allocation::{AllocationEditor, AllocationState};
use super::customers::show;
use crate::api::{self, Payments, RecordPayment, ReversePayment};
use crate::components::{Button, DataTable, Modal, SelectField, TextField, ToastKind, use_toasts};
use crate::i18n::{Msg, PAYMENT_METHODS, payment_method_text, use_locale, use_text};
use crate::session::use_session;
use domain::access::Permission;
use domain::display;
use domain::payments::PaymentMethod;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PaymentsPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ViewPayments>
            <PaymentList/>
        </RequirePermission>
    }
}

type Row = api::payments::PaymentsPaymentsEdgesNode;

#[component]
fn PaymentList() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    let query = use_query_map();
    let rows = RwSignal::new(Vec::<Row>::new());
    let total = RwSignal::new(0i64);
    let cursor = RwSignal::new(None::<String>);
    let has_more = RwSignal::new(false);
    let recording = RwSignal::new(false);
    let preset_customer = RwSignal::new(String::new());
    let reversing = RwSignal::new(None::<String>);
    // The payment being reversed, as (amount, currency): what a reversal is compared by under
    // an approval policy.
    let reversing_amount = RwSignal::new((String::new(), String::new()));
    let policies = crate::approval::use_policies();
    let reverse_open = RwSignal::new(false);
    let reverse_reason = RwSignal::new(String::new());
    let reverse_error = RwSignal::new(None::<String>);
    let manages = move || {
        session
            .current
            .get()
            .is_some_and(|s| s.can(Permission::ManagePayments))
    };

    let load = move |append: bool| {
        let after = if append { cursor.get_untracked() } else { None };
        leptos::task::spawn_local(async move {
            if let Ok(data) = api::run::<Payments>(api::payments::Variables {
                first: Some(50),
                after,
                filter: None,
            })
            .await
            {
                let page = data.payments;
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
    load(false);
    // `/payments?record=<customer>` opens the form for that customer.
    Effect::new(move |_| {
        if let Some(customer) = query.with(|q| q.get("record")) {
            preset_customer.set(customer);
            recording.set(true);
        }
    });
    let confirm_reverse = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(payment_id) = reversing.get_untracked() else {
            return;
        };
        let reason = reverse_reason.get_untracked();
        if reason.trim().is_empty() {
            reverse_error.set(Some(text(Msg::ReasonRequired).to_owned()));
            return;
        }
        leptos::task::spawn_local(async move {
            match api::run::<ReversePayment>(api::reverse_payment::Variables {
                input: api::reverse_payment::ReversePaymentInput {
                    payment_id,
                    reason,
                    idempotency_key: None,
                    request_approval: Some(true),
                },
            })
            .await
            {
                Ok(data) => {
                    let waiting = data.reverse_payment.approval_request.is_some();
                    crate::approval::after_change(
                        toasts,
                        locale.get_untracked(),
                        waiting,
                        Msg::PaymentReversed,
                    );
                    reverse_open.set(false);
                    reverse_reason.set(String::new());
                    load(false);
                }
                Err(failure @ api::ApiError::Api { .. }) => {
                    reverse_error.set(Some(failure.text(locale.get_untracked())))
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };

    view! {
        <section class="page">
            <header class="page-header page-header-actions">
                <div>
                    <h1>{move || text(Msg::PaymentsTitle)}</h1>
                    <p class="lead">{move || text(Msg::PaymentsLead)}</p>
                </div>
                <super::ExportButton path=Signal::derive(|| "/api/exports/payments.csv".to_owned()) file_name="payments.csv"/>
                <Show when=manages>
                    <button type="button" class="button button-primary" data-testid="record-payment" on:click=move |_| { preset_customer.set(String::new()); recording.set(true); }>
                        {move || text(Msg::RecordPayment)}
                    </button>
                </Show>
            </header>
            <DataTable
                caption=Signal::derive(move || format!("{} ({})", text(Msg::PaymentsTitle), total.get()))
                headers=Signal::derive(move || {
                    let mut headers = vec![text(Msg::ReceivedOn), text(Msg::Customer), text(Msg::Method), text(Msg::Reference), text(Msg::Amount), text(Msg::Unapplied), text(Msg::Status)];
                    if manages() { headers.push(""); }
                    headers
                })
                row_count=Signal::derive(move || rows.get().len())
                empty=Signal::derive(move || text(Msg::NoPayments))
            >
                <For each=move || rows.get() key=|row| (row.id.clone(), row.reversed) let:row>
                    <tr data-testid="payment-row">
                        <td>{ let d = row.received_on.clone(); move || display::date(locale.get(), &d) }</td>
                        <td><A href=format!("/customers/{}", row.customer.id)>{row.customer.name.clone()}</A></td>
                        <td>{ let m = api::to_domain::<_, PaymentMethod>(&row.method).unwrap_or(PaymentMethod::Other); move || payment_method_text(locale.get(), m) }</td>
                        <td>{row.reference.clone().unwrap_or_default()}{row.bank_transaction.clone().map(|origin| view! {
                            <span class="badge badge-info" data-testid="payment-bank-origin">{move || format!("{} · {} {}", text(crate::i18n::CashMsg::FromBank), origin.bank_account_name, origin.booked_on)}</span>
                        })}</td>
                        <td class="num">{ let m = row.amount.clone(); move || show(locale.get(), &m.amount, &m.currency) }</td>
                        <td class="num">{ let m = row.unapplied.clone(); move || show(locale.get(), &m.amount, &m.currency) }</td>
                        <td>
                            {row.reversed.then(|| view! { <span class="badge badge-muted">{move || text(Msg::Reversed)}</span> })}
                            <crate::components::AttachmentsToggle owner=domain::attachments::AttachmentOwner::Payment owner_id=row.id.clone()/>
                        </td>
                        <Show when=manages>
                            <td>
                                {(!row.reversed).then(|| {
                                    let id = row.id.clone();
                                    let amount = (row.amount.amount.clone(), row.amount.currency.clone());
                                    view! {
                                        <button type="button" class="button button-secondary" data-testid="reverse-payment" on:click=move |_| {
                                            reversing.set(Some(id.clone()));
                                            reversing_amount.set(amount.clone());
                                            reverse_error.set(None);
                                            reverse_open.set(true);
                                        }>{move || text(Msg::Reverse)}</button>
                                    }
                                })}
                            </td>
                        </Show>
                    </tr>
                </For>
            </DataTable>
            <Show when=move || has_more.get()>
                <button type="button" class="button button-secondary" on:click=move |_| load(true)>{move || text(Msg::LoadMore)}</button>
            </Show>
            <RecordPaymentForm open=recording preset_customer=preset_customer on_recorded=move || load(false)/>
            <Modal open=reverse_open title=Signal::derive(move || text(Msg::Reverse).to_owned())>
                <form class="form-grid" novalidate on:submit=confirm_reverse data-testid="reverse-form">
                    <TextField name="reverse-reason" label=Signal::derive(move || text(Msg::Reason)) value=reverse_reason error=Signal::derive(move || reverse_error.get()) required=true/>
                    <crate::approval::ApprovalNotice policies=policies
                        action=Signal::derive(|| Some(domain::approvals::ApprovalAction::PaymentReversal))
                        currency=Signal::derive(move || reversing_amount.get().1)
                        compared=Signal::derive(move || crate::approval::compared_amount(&reversing_amount.get().0))/>
                    <div class="form-actions">
                        <button type="submit" class="button button-danger" data-testid="confirm-reverse">{move || text(Msg::Reverse)}</button>
                    </div>
                </form>
            </Modal>
        </section>
    }
}

#[component]
fn RecordPaymentForm(
    open: RwSignal<bool>,
    preset_customer: RwSignal<String>,
    on_recorded: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let customer = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let currency = RwSignal::new(String::new());
    let received_on = RwSignal::new(String::new());
    let method = RwSignal::new(PaymentMethod::BankTransfer.as_str().to_owned());
    let reference = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let errors = RwSignal::new(std::collections::HashMap::<String, String>::new());
    let error = move |field: &'static str| Signal::derive(move || errors.get().get(field).cloned());
    // One key per opening of the form: a double click or a retry records one payment.
    let idempotency_key = RwSignal::new(String::new());
    Effect::new(move |_| {
        if open.get() {
            customer.set(preset_customer.get_untracked());
            idempotency_key.set(format!(
                "web-{}-{}",
                js_sys::Date::now() as u64,
                (js_sys::Math::random() * 1e9) as u64
            ));
        }
    });

    let customers = LocalResource::new(move || async move {
        api::run::<api::CustomerOptions>(api::customer_options::Variables { search: None })
            .await
            .map(|data| {
                data.customers
                    .edges
                    .into_iter()
                    .map(|edge| edge.node)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    Effect::new(move |_| {
        let chosen = customer.get();
        if let Some(found) = customers
            .get()
            .and_then(|list| list.into_iter().find(|c| c.id == chosen))
        {
            currency.set(found.currency);
        }
    });
    let allocation = AllocationState::new();

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.set(Default::default());
        busy.set(true);
        let optional = |value: String| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        let method_value = PaymentMethod::parse(&method.get_untracked())
            .and_then(|m| api::from_domain::<_, api::record_payment::PaymentMethod>(&m))
            .unwrap_or(api::record_payment::PaymentMethod::OTHER);
        let input = api::record_payment::RecordPaymentInput {
            customer_id: customer.get_untracked(),
            amount: amount.get_untracked().trim().to_owned(),
            currency: currency.get_untracked().trim().to_uppercase(),
            received_on: optional(received_on.get_untracked()),
            method: method_value,
            reference: optional(reference.get_untracked()),
            allocations: allocation.input(&amount.get_untracked()),
            idempotency_key: Some(idempotency_key.get_untracked()),
        };
        leptos::task::spawn_local(async move {
            match api::run::<RecordPayment>(api::record_payment::Variables { input }).await {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(Msg::PaymentRecorded));
                    allocation.reset();
                    amount.set(String::new());
                    reference.set(String::new());
                    open.set(false);
                    on_recorded();
                }
                Err(failure @ api::ApiError::Api { field: Some(_), .. }) => {
                    let key = failure.field_name().to_owned();
                    let message = failure.text(locale.get_untracked());
                    errors.update(|errors| {
                        errors.insert(key, message);
                    });
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
            busy.set(false);
        });
    };
    let method_options = Signal::derive(move || {
        PAYMENT_METHODS
            .into_iter()
            .map(|m| {
                (
                    m.as_str().to_owned(),
                    payment_method_text(locale.get(), m).to_owned(),
                )
            })
            .collect::<Vec<_>>()
    });
    view! {
        <Modal open=open title=Signal::derive(move || text(Msg::NewPayment).to_owned())>
            <form class="form-grid" novalidate on:submit=submit data-testid="payment-form">
                <div class="field">
                    <label for="payment-customer">{move || text(Msg::Customer)}</label>
                    <select id="payment-customer" data-testid="payment-customer" prop:value=move || customer.get() on:change=move |event| customer.set(event_target_value(&event))>
                        <option value="">{move || text(Msg::ChooseCustomer)}</option>
                        {move || customers.get().unwrap_or_default().into_iter().map(|c| {
                            let selected = c.id == customer.get_untracked();
                            view! { <option value=c.id.clone() selected=selected>{format!("{} · {}", c.code, c.name)}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <TextField name="payment-amount" label=Signal::derive(move || text(Msg::Amount)) value=amount error=error("amount") required=true/>
                <TextField name="payment-currency" label=Signal::derive(move || text(Msg::Currency)) value=currency error=error("currency")/>
                <TextField name="payment-date" label=Signal::derive(move || text(Msg::ReceivedOn)) value=received_on error=error("receivedOn") input_type="date"/>
                <SelectField name="payment-method" label=Signal::derive(move || text(Msg::Method)) value=method options=method_options/>
                <TextField name="payment-reference" label=Signal::derive(move || text(Msg::Reference)) value=reference error=error("reference")/>
                <AllocationEditor state=allocation customer=customer amount=amount currency=currency errors=errors/>
                <div class="form-actions">
                    <Button r#type="submit" busy=busy test_id="save-payment">{move || text(Msg::RecordPayment)}</Button>
                </div>
            </form>
        </Modal>
    }
}
