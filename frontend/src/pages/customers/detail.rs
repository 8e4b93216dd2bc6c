//! The customer detail page: balances, the aging bar, credit actions, the customer's open
//! invoices, payments and timeline.

use super::contacts::CONTACT_CHANNELS;
use super::form::{EditCustomerDialog, assignable_members};
use super::{ops, show};
use crate::api::{self, CustomerDetail, PlaceCreditHold, ReleaseCreditHold, SetCreditLimit};
use crate::components::{
    Button, DataTable, Modal, Segment, StackedBar, TextField, ToastKind, use_toasts,
};
use crate::i18n::{Msg, stored_text, use_locale, use_text};
use crate::pages::access::RequirePermission;
use crate::session::use_session;
use domain::Locale;
use domain::access::Permission;
use domain::display;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use rust_decimal::Decimal;

#[component]
pub fn CustomerPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ViewCustomers>
            <CustomerView/>
        </RequirePermission>
    }
}

/// Which credit action the dialog is for.
#[derive(Clone, Copy, PartialEq)]
enum CreditAction {
    Limit,
    Hold,
    Release,
}

#[component]
fn CustomerView() -> impl IntoView {
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
        async move { api::run::<CustomerDetail>(api::customer_detail::Variables { id }).await }
    });
    let can =
        move |permission: Permission| session.current.get().is_some_and(|s| s.can(permission));
    let action = RwSignal::new(None::<CreditAction>);
    let dialog_open = RwSignal::new(false);
    let editing = RwSignal::new(false);
    // Archiving asks first; a refusal (open invoices) is shown in the dialog.
    let archiving = RwSignal::new(false);
    let archive_error = RwSignal::new(None::<String>);
    let archive_busy = RwSignal::new(false);
    let set_archived = move |archived: bool| {
        archive_busy.set(true);
        archive_error.set(None);
        let customer_id = id();
        leptos::task::spawn_local(async move {
            let result = api::run::<ops::ArchiveCustomer>(ops::archive_customer::Variables {
                input: ops::archive_customer::ArchiveCustomerInput {
                    customer_id,
                    archived: Some(archived),
                },
            })
            .await;
            archive_busy.set(false);
            match result {
                Ok(_) => {
                    let done = if archived {
                        Msg::CustomerArchivedDone
                    } else {
                        Msg::CustomerRestored
                    };
                    toasts.push(ToastKind::Success, text(done));
                    archiving.set(false);
                    reload.update(|n| *n += 1);
                }
                Err(error) if archived => {
                    archive_error.set(Some(error.text(locale.get_untracked())))
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    let members = assignable_members(move || can(Permission::ManageCustomers));
    let member_list = Signal::derive(move || members.get().flatten());
    Effect::new(move |_| {
        if !dialog_open.get() {
            action.set(None);
        }
    });
    let open_action = move |which: CreditAction| {
        action.set(Some(which));
        dialog_open.set(true);
    };
    let apply_credit = move |_| {
        let customer_id = id();
        leptos::task::spawn_local(async move {
            match api::run::<api::ApplyCredit>(api::apply_credit::Variables {
                input: api::apply_credit::ApplyCreditInput {
                    customer_id,
                    ..Default::default()
                },
            })
            .await
            {
                Ok(_) => toasts.push(ToastKind::Success, text(Msg::CreditApplied)),
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
            reload.update(|n| *n += 1);
        });
    };

    view! {
        <section class="page">
            {move || match detail.get() {
                None => view! { <p>{move || text(Msg::Loading)}</p> }.into_any(),
                Some(Err(error)) => {
                    toasts.api_error(locale.get_untracked(), error);
                    ().into_any()
                }
                Some(Ok(data)) => match data.customer {
                    None => view! { <crate::pages::NotFoundPage/> }.into_any(),
                    Some(customer) => {
                        let c = customer.clone();
                        let money = move |m: &api::customer_detail::MoneyFields| show(locale.get(), &m.amount, &m.currency);
                        let aging = c.aging.clone();
                        let segments = Signal::derive(move || {
                            let part = |label: Msg, m: &api::customer_detail::MoneyFields, class: &'static str| Segment {
                                label: text(label),
                                shown: show(locale.get(), &m.amount, &m.currency),
                                amount: m.amount.parse::<Decimal>().unwrap_or_default(),
                                class,
                            };
                            vec![
                                part(Msg::AgingCurrent, &aging.current, "aging-current"),
                                part(Msg::Aging1To30, &aging.d1_to30, "aging-1"),
                                part(Msg::Aging31To60, &aging.d31_to60, "aging-2"),
                                part(Msg::Aging61To90, &aging.d61_to90, "aging-3"),
                                part(Msg::AgingOver90, &aging.over90, "aging-4"),
                            ]
                        });
                        let customer_id = c.id.clone();
                        let customer_id_for_payment = c.id.clone();
                        let customer_id_for_statement = c.id.clone();
                        let customer_for_messages = c.id.clone();
                        let opted_out = c.messaging_opt_out;
                        let collector = c.collector.as_ref().map(|person| person.name.clone());
                        let salesperson = c.salesperson.as_ref().map(|person| person.name.clone());
                        let archived = c.archived;
                        let customer_locale = match c.locale.as_ref().map(crate::components::enum_name).as_deref() {
                            Some("EN") => Some("English"),
                            Some("ZH_CN") => Some("中文"),
                            _ => None,
                        };
                        let tags = c.tags.join(", ");
                        let assignee = move |who: Option<String>| {
                            let unassigned = who.is_none();
                            view! {
                                <span class:muted=unassigned>
                                    {move || who.clone().unwrap_or_else(|| text(Msg::CustomerUnassigned).to_owned())}
                                </span>
                            }
                        };
                        view! {
                            <header class="page-header page-header-actions">
                                <div>
                                    <p class="eyebrow"><A href="/customers">{move || text(Msg::CustomersTitle)}</A>" · "{c.code.clone()}</p>
                                    <h1 data-testid="customer-name">{c.name.clone()}</h1>
                                    {archived.then(|| view! {
                                        <p class="badge badge-muted" data-testid="archived-badge">{move || text(Msg::CustomerArchivedBadge)}</p>
                                    })}
                                    {c.credit_hold.then(|| view! {
                                        <p class="badge badge-danger" data-testid="credit-hold">{move || text(Msg::OnHold)}": "{c.credit_hold_reason.clone().unwrap_or_default()}</p>
                                    })}
                                    <dl class="assignees">
                                        <div>
                                            <dt>{move || text(Msg::CustomerCollectorLabel)}</dt>
                                            <dd data-testid="customer-collector">{assignee(collector)}</dd>
                                        </div>
                                        <div>
                                            <dt>{move || text(Msg::CustomerSalespersonLabel)}</dt>
                                            <dd data-testid="customer-salesperson">{assignee(salesperson)}</dd>
                                        </div>
                                        <div>
                                            <dt>{move || text(Msg::CustomerLocaleLabel)}</dt>
                                            <dd data-testid="customer-locale">{move || customer_locale.unwrap_or_else(|| text(Msg::CustomerLocaleCompany))}</dd>
                                        </div>
                                        {c.segment.clone().filter(|s| !s.is_empty()).map(|segment| view! {
                                            <div>
                                                <dt>{move || text(Msg::CustomerSegmentLabel)}</dt>
                                                <dd data-testid="customer-segment">{segment}</dd>
                                            </div>
                                        })}
                                        {(!tags.is_empty()).then(|| view! {
                                            <div>
                                                <dt>{move || text(Msg::CustomerTagsLabel)}</dt>
                                                <dd data-testid="customer-tags">{tags}</dd>
                                            </div>
                                        })}
                                    </dl>
                                </div>
                                <div class="actions">
                                    <Show when=move || can(Permission::ManageCustomers)>
                                        <button type="button" class="button button-secondary" data-testid="edit-customer" on:click=move |_| editing.set(true)>{move || text(Msg::Edit)}</button>
                                        {if archived {
                                            view! { <button type="button" class="button button-secondary" data-testid="restore-customer" disabled=move || archive_busy.get() on:click=move |_| set_archived(false)>{move || text(Msg::RestoreCustomer)}</button> }.into_any()
                                        } else {
                                            view! { <button type="button" class="button button-secondary" data-testid="archive-customer" on:click=move |_| { archive_error.set(None); archiving.set(true); }>{move || text(Msg::ArchiveCustomer)}</button> }.into_any()
                                        }}
                                    </Show>
                                    <A href=format!("/customers/{}/statement", customer_id_for_statement) attr:class="button button-secondary" attr:data-testid="customer-statement">{move || text(Msg::Statement)}</A>
                                    <Show when=move || can(Permission::ManageInvoices)>
                                        <A href=format!("/invoices/new?customer={}", customer_id) attr:class="button button-primary" attr:data-testid="customer-new-invoice">{move || text(Msg::NewInvoice)}</A>
                                    </Show>
                                    <Show when=move || can(Permission::ManagePayments)>
                                        <A href=format!("/payments?record={}", customer_id_for_payment) attr:class="button button-secondary" attr:data-testid="customer-record-payment">{move || text(Msg::RecordPayment)}</A>
                                    </Show>
                                </div>
                            </header>
                            <div class="stat-grid">
                                <div class="stat" data-testid="stat-balance"><span class="stat-label">{move || text(Msg::Balance)}</span><span class="stat-value">{ let m = c.balance.clone(); move || money(&m) }</span></div>
                                <div class="stat" data-testid="stat-overdue"><span class="stat-label">{move || text(Msg::Overdue)}</span><span class="stat-value">{ let m = c.overdue_amount.clone(); move || money(&m) }</span></div>
                                <div class="stat"><span class="stat-label">{move || text(Msg::CreditLimit)}</span><span class="stat-value">{ let m = c.credit_limit.clone(); move || m.as_ref().map(money).unwrap_or_else(|| text(Msg::NoLimit).to_owned()) }</span></div>
                                <div class="stat"><span class="stat-label">{move || text(Msg::AvailableCredit)}</span><span class="stat-value">{ let m = c.available_credit.clone(); move || m.as_ref().map(money).unwrap_or_else(|| "—".to_owned()) }</span></div>
                                <div class="stat"><span class="stat-label">{move || text(Msg::Utilization)}</span><span class="stat-value">{c.utilization_percent.clone().map(|p| format!("{p}%")).unwrap_or_else(|| "—".to_owned())}</span></div>
                                <div class="stat" data-testid="stat-unapplied"><span class="stat-label">{move || text(Msg::UnappliedCredit)}</span><span class="stat-value">{ let m = c.unapplied_credit.clone(); move || money(&m) }</span></div>
                            </div>
                            <StackedBar title=Signal::derive(move || text(Msg::Aging).to_owned()) segments=segments/>
                            <div class="panel actions">
                                <span>{move || text(Msg::PaymentTerms)}": "{c.payment_terms_days}" "{move || text(Msg::Days)}</span>
                                <Show when=move || can(Permission::ManageCreditPolicy)>
                                    <button type="button" class="button button-secondary" data-testid="set-credit-limit" on:click=move |_| open_action(CreditAction::Limit)>{move || text(Msg::SetCreditLimit)}</button>
                                    {if c.credit_hold {
                                        view! { <button type="button" class="button button-secondary" data-testid="release-hold" on:click=move |_| open_action(CreditAction::Release)>{move || text(Msg::ReleaseHold)}</button> }.into_any()
                                    } else {
                                        view! { <button type="button" class="button button-danger" data-testid="place-hold" on:click=move |_| open_action(CreditAction::Hold)>{move || text(Msg::PlaceHold)}</button> }.into_any()
                                    }}
                                </Show>
                                {(can(Permission::ManagePayments) && c.unapplied_credit.amount.parse::<Decimal>().unwrap_or_default() > Decimal::ZERO).then(|| view! {
                                    <button type="button" class="button button-secondary" data-testid="apply-credit" on:click=apply_credit>{move || text(Msg::ApplyCredit)}</button>
                                })}
                            </div>
                            <CustomerInvoices customer_id=c.id.clone()/>
                            <crate::components::Attachments owner=domain::attachments::AttachmentOwner::Customer
                                owner_id=c.id.clone()/>
                            <crate::pages::analytics::CreditPanel customer_id=c.id.clone()/>
                            <crate::pages::collections::CustomerCollectionsPanel customer_id=c.id.clone()/>
                            <CustomerActivity customer_id=c.id.clone()/>
                            <Show when=move || can(Permission::ViewCollections)>
                                {opted_out.then(|| view! { <p class="notice" data-testid="messaging-opt-out">{move || text(crate::i18n::MessagingMsg::CustomerOptedOut)}</p> })}
                                <crate::pages::message_log::MessageLog customer_id=Some(customer_for_messages.clone())/>
                            </Show>
                            <div class="panel">
                                <h2>{move || text(Msg::Contacts)}</h2>
                                {c.contacts.is_empty().then(|| view! { <p class="muted">{move || text(Msg::NoContacts)}</p> })}
                                <ul class="plain-list contact-list">
                                    {c.contacts.iter().map(|contact| {
                                        let channel = contact.preferred_channel.as_deref().and_then(|value| {
                                            CONTACT_CHANNELS.iter().find(|(name, _)| *name == value).map(|(_, msg)| *msg)
                                        });
                                        let contact_locale = match contact.locale.as_ref().map(crate::components::enum_name).as_deref() {
                                            Some("EN") => Some("English"),
                                            Some("ZH_CN") => Some("中文"),
                                            _ => None,
                                        };
                                        let fact = |label: Msg, value: Option<String>| value.filter(|v| !v.is_empty()).map(|value| view! {
                                            <span class="contact-detail">{move || text(label)}": "{value}</span>
                                        });
                                        view! {
                                            <li data-testid="customer-contact">
                                                <strong>{contact.name.clone()}</strong>
                                                {contact.role.clone().filter(|r| !r.is_empty()).map(|role| view! { <span class="muted">" · "{role}</span> })}
                                                {contact.billing.then(|| view! { <span class="badge badge-info" data-testid="contact-billing">{move || text(Msg::ContactBillingBadge)}</span> })}
                                                <div class="contact-details">
                                                    {fact(Msg::Email, contact.email.clone())}
                                                    {fact(Msg::ContactPhone, contact.phone.clone())}
                                                    {fact(Msg::ContactMobile, contact.mobile.clone())}
                                                    {fact(Msg::ContactWechatId, contact.wechat_id.clone())}
                                                    {fact(Msg::ContactWecomId, contact.wecom_external_user_id.clone())}
                                                    {channel.map(|msg| view! {
                                                        <span class="contact-detail">{move || text(Msg::ContactPreferredChannel)}": "{move || text(msg)}</span>
                                                    })}
                                                    {contact_locale.map(|language| view! {
                                                        <span class="contact-detail">{move || text(Msg::ContactLocale)}": "{language}</span>
                                                    })}
                                                </div>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            </div>
                            <div class="panel">
                                <h2>{move || text(Msg::CreditHistory)}</h2>
                                <ul class="plain-list" data-testid="credit-history">
                                    {c.credit_history.iter().map(|event| {
                                        let limit = event.credit_limit.as_ref().map(|m| show(locale.get_untracked(), &m.amount, &m.currency));
                                        view! {
                                            <li>
                                                <time>{display::date(locale.get_untracked(), &event.occurred_at)}</time>" · "
                                                {text(timeline_kind(&event.kind))}{limit.map(|l| format!(" {l}"))}" · "
                                                {stored_text(locale.get_untracked(), &event.reason)}" · "{stored_text(locale.get_untracked(), &event.actor)}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            </div>
                            <CreditDialog open=dialog_open action=action customer_id=c.id.clone()
                                current_limit=c.credit_limit.as_ref().map(|m| m.amount.clone())
                                overdue=c.overdue_amount.amount.clone() currency=c.overdue_amount.currency.clone()
                                on_done=move || reload.update(|n| *n += 1)/>
                            <EditCustomerDialog open=editing customer=customer members=member_list on_done=move || reload.update(|n| *n += 1)/>
                            <Modal open=archiving title=Signal::derive(move || text(Msg::ArchiveCustomerTitle).to_owned())>
                                <p>{move || text(Msg::ArchiveCustomerConfirm)}</p>
                                <Show when=move || archive_error.get().is_some()>
                                    <p class="form-error" role="alert" data-testid="archive-error">{move || archive_error.get().unwrap_or_default()}</p>
                                </Show>
                                <div class="modal-actions">
                                    <button type="button" class="button button-secondary" on:click=move |_| archiving.set(false)>{move || text(Msg::Cancel)}</button>
                                    <button type="button" class="button button-danger" data-testid="confirm-archive" disabled=move || archive_busy.get() aria-busy=move || archive_busy.get().to_string() on:click=move |_| set_archived(true)>{move || text(Msg::ArchiveCustomer)}</button>
                                </div>
                            </Modal>
                        }
                        .into_any()
                    }
                },
            }}
        </section>
    }
}

#[component]
fn CustomerInvoices(customer_id: String) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let invoices = LocalResource::new(move || {
        let customer_id = customer_id.clone();
        async move {
            api::run::<api::Invoices>(api::invoices::Variables {
                first: Some(100),
                after: None,
                filter: Some(api::invoices::InvoiceFilter {
                    customer_id: Some(customer_id),
                    status: Some(vec![
                        api::invoices::InvoiceStatus::DRAFT,
                        api::invoices::InvoiceStatus::ISSUED,
                        api::invoices::InvoiceStatus::PARTIALLY_PAID,
                    ]),
                    ..api::invoices::InvoiceFilter::empty()
                }),
                order_by: Some(api::invoices::InvoiceOrder {
                    field: api::invoices::InvoiceOrderField::DUE_DATE,
                    direction: None,
                }),
            })
            .await
        }
    });
    let rows = move || {
        invoices
            .get()
            .and_then(Result::ok)
            .map(|data| {
                data.invoices
                    .edges
                    .into_iter()
                    .map(|edge| edge.node)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    view! {
        <DataTable
            caption=Signal::derive(move || text(Msg::OpenInvoices).to_owned())
            headers=Signal::derive(move || vec![text(Msg::Number), text(Msg::DueDate), text(Msg::Total), text(Msg::BalanceDue), text(Msg::DaysPastDue)])
            row_count=Signal::derive(move || rows().len())
            empty=Signal::derive(move || text(Msg::NoInvoices))
        >
            <For each=rows key=|row| row.id.clone() let:row>
                <tr data-testid="customer-invoice-row">
                    <td><A href=format!("/invoices/{}", row.id)>{row.number.clone().unwrap_or_else(|| "—".to_owned())}</A></td>
                    <td>{display::date(locale.get_untracked(), &row.due_date)}</td>
                    <td class="num">{show(locale.get_untracked(), &row.total.amount, &row.total.currency)}</td>
                    <td class="num">{show(locale.get_untracked(), &row.balance_due.amount, &row.balance_due.currency)}</td>
                    <td class="num">{row.days_overdue}</td>
                </tr>
            </For>
        </DataTable>
    }
}

#[component]
fn CreditDialog(
    open: RwSignal<bool>,
    action: RwSignal<Option<CreditAction>>,
    customer_id: String,
    /// The limit now (none: no limit), the amount overdue and their currency: what a limit
    /// change and a hold release are compared by under an approval policy.
    current_limit: Option<String>,
    overdue: String,
    currency: String,
    on_done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let policies = crate::approval::use_policies();
    let limit = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let reason_error = RwSignal::new(None::<String>);
    let limit_error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let gated_action = Signal::derive(move || match action.get() {
        Some(CreditAction::Limit) => Some(domain::approvals::ApprovalAction::CreditLimitChange),
        Some(CreditAction::Release) => Some(domain::approvals::ApprovalAction::CreditHoldRelease),
        _ => None,
    });
    let compared = Signal::derive(move || match action.get() {
        Some(CreditAction::Limit) => {
            let parse = |text: &str| {
                text.trim()
                    .replace(',', "")
                    .parse::<rust_decimal::Decimal>()
                    .ok()
            };
            let typed = limit.get();
            let asked = Some(typed.as_str())
                .filter(|t| !t.trim().is_empty())
                .and_then(parse);
            if asked.is_none() && !typed.trim().is_empty() {
                return domain::approvals::Compared::Never;
            }
            domain::approvals::Compared::credit_limit_change(
                current_limit.as_deref().and_then(parse),
                asked,
            )
        }
        _ => crate::approval::compared_amount(&overdue),
    });
    let currency = Signal::derive(move || currency.clone());
    let title = Signal::derive(move || {
        match action.get() {
            Some(CreditAction::Limit) => text(Msg::SetCreditLimit),
            Some(CreditAction::Hold) => text(Msg::PlaceHold),
            Some(CreditAction::Release) | None => text(Msg::ReleaseHold),
        }
        .to_owned()
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if reason.get_untracked().trim().is_empty() {
            reason_error.set(Some(text(Msg::ReasonRequired).to_owned()));
            return;
        }
        reason_error.set(None);
        limit_error.set(None);
        busy.set(true);
        let customer_id = customer_id.clone();
        let reason_text = reason.get_untracked();
        let which = action.get_untracked();
        let limit_text = limit.get_untracked();
        leptos::task::spawn_local(async move {
            let result = match which {
                Some(CreditAction::Limit) => {
                    api::run::<SetCreditLimit>(api::set_credit_limit::Variables {
                        input: api::set_credit_limit::SetCreditLimitInput {
                            customer_id,
                            credit_limit: Some(limit_text.trim().to_owned())
                                .filter(|l| !l.is_empty()),
                            reason: reason_text,
                            request_approval: Some(true),
                        },
                    })
                    .await
                    .map(|data| data.set_credit_limit.approval_request.is_some())
                }
                Some(CreditAction::Hold) => {
                    api::run::<PlaceCreditHold>(api::place_credit_hold::Variables {
                        input: api::place_credit_hold::PlaceCreditHoldInput {
                            customer_id,
                            reason: reason_text,
                        },
                    })
                    .await
                    .map(|_| false)
                }
                _ => api::run::<ReleaseCreditHold>(api::release_credit_hold::Variables {
                    input: api::release_credit_hold::ReleaseCreditHoldInput {
                        customer_id,
                        reason: reason_text,
                        request_approval: Some(true),
                    },
                })
                .await
                .map(|data| data.release_credit_hold.approval_request.is_some()),
            };
            busy.set(false);
            match result {
                Ok(waiting) => {
                    crate::approval::after_change(
                        toasts,
                        locale.get_untracked(),
                        waiting,
                        Msg::Saved,
                    );
                    reason.set(String::new());
                    open.set(false);
                    on_done();
                }
                Err(failure) if failure.field_name().ends_with("creditLimit") => {
                    limit_error.set(Some(failure.text(locale.get_untracked())));
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    view! {
        <Modal open=open title=title>
            <form class="form-grid" novalidate on:submit=submit.clone() data-testid="credit-form">
                <Show when=move || action.get() == Some(CreditAction::Limit)>
                    <TextField name="newLimit" label=Signal::derive(move || text(Msg::CreditLimit)) value=limit error=Signal::derive(move || limit_error.get()) hint=Signal::derive(move || text(Msg::Optional))/>
                </Show>
                <TextField name="reason" label=Signal::derive(move || text(Msg::Reason)) value=reason error=Signal::derive(move || reason_error.get()) required=true/>
                <crate::approval::ApprovalNotice policies=policies action=gated_action currency=currency compared=compared/>
                <div class="form-actions">
                    <Button r#type="submit" busy=busy test_id="confirm-credit">{move || text(Msg::Confirm)}</Button>
                </div>
            </form>
        </Modal>
    }
}

fn timeline_kind(kind: &str) -> Msg {
    match kind {
        "INVOICE_ISSUED" => Msg::KindInvoiceIssued,
        "PAYMENT_RECEIVED" => Msg::KindPaymentReceived,
        "PAYMENT_REVERSED" => Msg::KindPaymentReversed,
        "CREDIT_NOTE" => Msg::KindCreditNote,
        "WRITE_OFF" => Msg::KindWriteOff,
        "DISPUTE_OPENED" => Msg::KindDisputeOpened,
        "DISPUTE_RESOLVED" => Msg::KindDisputeResolved,
        "DISPUTE_REJECTED" => Msg::KindDisputeRejected,
        "LIMIT_SET" => Msg::KindLimitSet,
        "HOLD_PLACED" => Msg::KindHoldPlaced,
        "HOLD_RELEASED" => Msg::KindHoldReleased,
        "STATEMENT_SENT" => Msg::KindStatementSent,
        "STATEMENT_CONFIRMED" => Msg::KindStatementConfirmed,
        "COLLECTION_ACTIVITY" => Msg::KindActivity,
        "LEGAL_CASE_OPENED" => Msg::KindLegalCase,
        _ => Msg::KindStatementDisputed,
    }
}

/// A timeline entry's reference or detail in the user's language where it is a code (a
/// payment's method, an activity's channel, a legal case's stage) or the server's own note;
/// anything a person typed as typed.
fn code_text(locale: Locale, kind: &str, value: &str) -> String {
    let coded = match kind {
        "PAYMENT_RECEIVED" | "PAYMENT_REVERSED" => domain::payments::PaymentMethod::parse(value)
            .map(|method| crate::i18n::payment_method_text(locale, method)),
        "COLLECTION_ACTIVITY" => crate::pages::collections::CHANNELS
            .iter()
            .find(|(name, _)| *name == value)
            .map(|(_, msg)| crate::i18n::text(locale, *msg)),
        "LEGAL_CASE_OPENED" => domain::legal::LegalStatus::parse(value)
            .map(|status| crate::i18n::text(locale, crate::pages::legal::status_msg(status))),
        _ => None,
    };
    coded.map_or_else(|| stored_text(locale, value), str::to_owned)
}

/// The customer's payments and the timeline of everything on the account.
#[component]
fn CustomerActivity(customer_id: String) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let activity = LocalResource::new(move || {
        let id = customer_id.clone();
        async move {
            api::run::<api::CustomerActivity>(api::customer_activity::Variables { id })
                .await
                .ok()
        }
    });
    let payments = move || {
        activity
            .get()
            .flatten()
            .map(|data| {
                data.payments
                    .edges
                    .into_iter()
                    .map(|edge| edge.node)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let timeline = move || {
        activity
            .get()
            .flatten()
            .and_then(|data| data.customer)
            .map(|customer| customer.timeline)
            .unwrap_or_default()
    };
    view! {
        <DataTable
            caption=Signal::derive(move || text(Msg::PaymentsReceived).to_owned())
            headers=Signal::derive(move || vec![text(Msg::ReceivedOn), text(Msg::Method), text(Msg::Reference), text(Msg::Amount), text(Msg::Unapplied)])
            row_count=Signal::derive(move || payments().len())
            empty=Signal::derive(move || text(Msg::NoPayments))
        >
            <For each=payments key=|row| (row.id.clone(), row.reversed) let:row>
                <tr data-testid="customer-payment-row" class:reversal=row.reversed>
                    <td>{display::date(locale.get_untracked(), &row.received_on)}</td>
                    <td>{crate::i18n::payment_method_text(locale.get_untracked(), crate::api::to_domain(&row.method).unwrap_or(domain::payments::PaymentMethod::Other))}</td>
                    <td>{row.reference.clone().unwrap_or_default()}{row.bank_transaction.clone().map(|origin| view! {
                        <span class="badge badge-info" data-testid="payment-bank-origin">{move || format!("{} · {} {}", text(crate::i18n::CashMsg::FromBank), origin.bank_account_name, origin.booked_on)}</span>
                    })}</td>
                    <td class="num">{show(locale.get_untracked(), &row.amount.amount, &row.amount.currency)}</td>
                    <td class="num">{show(locale.get_untracked(), &row.unapplied.amount, &row.unapplied.currency)}</td>
                </tr>
            </For>
        </DataTable>
        <div class="panel">
            <h2>{move || text(Msg::Timeline)}</h2>
            {move || {
                let entries = timeline();
                if entries.is_empty() {
                    view! { <p>{text(Msg::NoActivity)}</p> }.into_any()
                } else {
                    view! {
                        <ol class="timeline" data-testid="customer-timeline">
                            {entries.into_iter().map(|entry| {
                                let l = locale.get_untracked();
                                view! {
                                    <li>
                                        <time>{display::date(l, &entry.at)}</time>
                                        <strong>{text(timeline_kind(&entry.kind))}</strong>
                                        {entry.reference.as_deref().map(|r| format!(" {}", code_text(l, &entry.kind, r)))}
                                        {entry.amount.as_ref().map(|m| format!(" · {}", show(l, &m.amount, &m.currency)))}
                                        {entry.actor.as_deref().map(|a| format!(" · {}", stored_text(l, a)))}
                                        {entry.detail.as_deref().map(|d| format!(" · {}", code_text(l, &entry.kind, d)))}
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }
            }}
        </div>
    }
}
