//! Customers: the list (search, filters, order, paging), creating one, and the detail page
//! with balances, the aging bar, credit actions and the customer's invoices and payments.

use super::access::RequirePermission;
use crate::api::{
    self, CreateCustomer, CustomerDetail, Customers, PlaceCreditHold, ReleaseCreditHold,
    SetCreditLimit,
};
use crate::components::{
    Button, DataTable, Modal, Segment, SelectField, StackedBar, TextField, ToastKind, use_toasts,
};
use crate::i18n::{Msg, use_locale, use_text};
use crate::session::use_session;
use domain::access::Permission;
use domain::display;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use rust_decimal::Decimal;

/// `amount currency` as the locale writes money.
pub fn show(locale: domain::Locale, amount: &str, currency: &str) -> String {
    display::money(locale, amount, currency)
}

/// The export of the list as filtered on screen.
fn export_path(search: &str, only_overdue: bool, only_on_hold: bool) -> String {
    let mut path = format!(
        "/api/exports/customers.csv?search={}",
        String::from(js_sys::encode_uri_component(search.trim()))
    );
    if only_overdue {
        path.push_str("&hasOverdue=true");
    }
    if only_on_hold {
        path.push_str("&onHold=true");
    }
    path
}

#[component]
pub fn CustomersPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ViewCustomers>
            <CustomerList/>
        </RequirePermission>
    }
}

type Row = api::customers::CustomersCustomersEdgesNode;

#[component]
fn CustomerList() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let session = use_session();
    let search = RwSignal::new(String::new());
    let only_overdue = RwSignal::new(false);
    let only_on_hold = RwSignal::new(false);
    let grade = RwSignal::new(String::new());
    let order = RwSignal::new("NAME".to_owned());
    let rows = RwSignal::new(Vec::<Row>::new());
    let total = RwSignal::new(0i64);
    let cursor = RwSignal::new(None::<String>);
    let has_more = RwSignal::new(false);
    let creating = RwSignal::new(false);

    let load = move |append: bool| {
        let filter = api::customers::CustomerFilter {
            search: Some(search.get_untracked()).filter(|s| !s.trim().is_empty()),
            has_overdue: only_overdue.get_untracked().then_some(true),
            on_hold: only_on_hold.get_untracked().then_some(true),
            collector_id: None,
            segment: None,
            over_limit: None,
            include_archived: None,
            risk_grade: api::chosen::<api::customers::RiskGrade>(&grade.get_untracked())
                .map(|grade| vec![grade]),
        };
        let field = match order.get_untracked().as_str() {
            "BALANCE" => api::customers::CustomerOrderField::BALANCE,
            "OVERDUE_AMOUNT" => api::customers::CustomerOrderField::OVERDUE_AMOUNT,
            "DAYS_PAST_DUE" => api::customers::CustomerOrderField::DAYS_PAST_DUE,
            _ => api::customers::CustomerOrderField::NAME,
        };
        let after = if append { cursor.get_untracked() } else { None };
        leptos::task::spawn_local(async move {
            if let Ok(data) = api::run::<Customers>(api::customers::Variables {
                first: Some(50),
                after,
                filter: Some(filter),
                order_by: Some(api::customers::CustomerOrder {
                    field,
                    direction: None,
                }),
            })
            .await
            {
                let page = data.customers;
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
    // Reload when a filter or the order changes; typing waits for the form's submit.
    Effect::new(move |_| {
        only_overdue.track();
        only_on_hold.track();
        grade.track();
        order.track();
        load(false);
    });
    let manages = move || {
        session
            .current
            .get()
            .is_some_and(|s| s.can(Permission::ManageCustomers))
    };
    let order_options = Signal::derive(move || {
        vec![
            ("NAME".to_owned(), text(Msg::Name).to_owned()),
            ("BALANCE".to_owned(), text(Msg::Balance).to_owned()),
            ("OVERDUE_AMOUNT".to_owned(), text(Msg::Overdue).to_owned()),
            (
                "DAYS_PAST_DUE".to_owned(),
                text(Msg::DaysPastDue).to_owned(),
            ),
        ]
    });

    let grade_options = Signal::derive(move || {
        let mut options = vec![(String::new(), text(Msg::AnyGrade).to_owned())];
        options.extend(
            ["A", "B", "C", "D", "E"]
                .iter()
                .map(|g| ((*g).to_owned(), (*g).to_owned())),
        );
        options
    });

    view! {
        <section class="page">
            <header class="page-header page-header-actions">
                <div>
                    <h1>{move || text(Msg::CustomersTitle)}</h1>
                    <p class="lead">{move || text(Msg::CustomersLead)}</p>
                </div>
                <div class="actions">
                    <super::ExportButton
                        path=Signal::derive(move || export_path(&search.get(), only_overdue.get(), only_on_hold.get()))
                        file_name="customers.csv"
                    />
                    <Show when=manages>
                        <button type="button" class="button button-primary" data-testid="new-customer" on:click=move |_| creating.set(true)>
                            {move || text(Msg::NewCustomer)}
                        </button>
                    </Show>
                </div>
            </header>
            <form class="toolbar" role="search" on:submit=move |event| { event.prevent_default(); load(false); }>
                <div class="field">
                    <label for="customer-search">{move || text(Msg::Search)}</label>
                    <input
                        id="customer-search"
                        type="search"
                        placeholder=move || text(Msg::SearchCustomersPlaceholder)
                        prop:value=move || search.get()
                        on:input=move |event| search.set(event_target_value(&event))
                    />
                </div>
                <label class="check">
                    <input type="checkbox" prop:checked=move || only_overdue.get() on:change=move |event| only_overdue.set(event_target_checked(&event))/>
                    {move || text(Msg::OnlyOverdue)}
                </label>
                <label class="check">
                    <input type="checkbox" prop:checked=move || only_on_hold.get() on:change=move |event| only_on_hold.set(event_target_checked(&event))/>
                    {move || text(Msg::OnlyOnHold)}
                </label>
                <SelectField name="customer-grade" label=Signal::derive(move || text(Msg::RiskGradeLabel)) value=grade options=grade_options/>
                <SelectField name="customer-order" label=Signal::derive(move || text(Msg::SortBy)) value=order options=order_options/>
            </form>
            <DataTable
                caption=Signal::derive(move || format!("{} ({})", text(Msg::CustomersTitle), total.get()))
                headers=Signal::derive(move || vec![
                    text(Msg::Code), text(Msg::Name), text(Msg::Balance), text(Msg::Overdue),
                    text(Msg::AvailableCredit), text(Msg::DaysPastDue), text(Msg::RiskGradeLabel), text(Msg::Collector),
                ])
                row_count=Signal::derive(move || rows.get().len())
                empty=Signal::derive(move || text(Msg::NoCustomers))
            >
                <For each=move || rows.get() key=|row| row.id.clone() let:row>
                    <tr data-testid="customer-row">
                        <td>{row.code.clone()}</td>
                        <td>
                            <A href=format!("/customers/{}", row.id)>{row.name.clone()}</A>
                            {row.credit_hold.then(|| view! { <span class="badge badge-danger">{move || text(Msg::OnHold)}</span> })}
                        </td>
                        <td class="num">{ let m = row.balance.clone(); move || show(locale.get(), &m.amount, &m.currency) }</td>
                        <td class="num">{ let m = row.overdue_amount.clone(); move || show(locale.get(), &m.amount, &m.currency) }</td>
                        <td class="num">{ let m = row.available_credit.clone(); move || m.as_ref().map(|m| show(locale.get(), &m.amount, &m.currency)).unwrap_or_else(|| text(Msg::NoLimit).to_owned()) }</td>
                        <td class="num">{row.days_past_due}</td>
                        <td data-testid="customer-grade">{row.risk_grade.as_ref().map(|g| format!("{g:?}")).unwrap_or_else(|| "—".to_owned())}</td>
                        <td>{row.collector.as_ref().map(|c| c.name.clone()).unwrap_or_default()}</td>
                    </tr>
                </For>
            </DataTable>
            <Show when=move || has_more.get()>
                <button type="button" class="button button-secondary" on:click=move |_| load(true)>{move || text(Msg::LoadMore)}</button>
            </Show>
            <NewCustomerForm open=creating/>
        </section>
    }
}

#[component]
fn NewCustomerForm(open: RwSignal<bool>) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let navigate = leptos_router::hooks::use_navigate();
    let name = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let currency = RwSignal::new(String::new());
    let terms = RwSignal::new("30".to_owned());
    let limit = RwSignal::new(String::new());
    let tax_id = RwSignal::new(String::new());
    let contact = RwSignal::new(String::new());
    let contact_email = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let errors = RwSignal::new(std::collections::HashMap::<String, String>::new());
    let error = move |field: &'static str| Signal::derive(move || errors.get().get(field).cloned());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        busy.set(true);
        errors.set(Default::default());
        let navigate = navigate.clone();
        let optional = |value: String| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        let contacts = optional(contact.get_untracked()).map(|contact_name| {
            vec![api::create_customer::ContactInput {
                name: contact_name,
                email: optional(contact_email.get_untracked()),
                role: None,
                phone: None,
                preferred_channel: None,
            }]
        });
        let input = api::create_customer::CreateCustomerInput {
            name: name.get_untracked(),
            code: code.get_untracked(),
            currency: optional(currency.get_untracked().to_uppercase()),
            payment_terms_days: terms.get_untracked().trim().parse().ok(),
            credit_limit: optional(limit.get_untracked()),
            tax_id: optional(tax_id.get_untracked()),
            contacts,
            ..Default::default()
        };
        leptos::task::spawn_local(async move {
            match api::run::<CreateCustomer>(api::create_customer::Variables { input }).await {
                Ok(data) => {
                    toasts.push(ToastKind::Success, text(Msg::CustomerCreated));
                    open.set(false);
                    navigate(
                        &format!("/customers/{}", data.create_customer.customer.id),
                        Default::default(),
                    );
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
    view! {
        <Modal open=open title=Signal::derive(move || text(Msg::NewCustomer).to_owned())>
            <form class="form-grid" novalidate on:submit=submit.clone() data-testid="customer-form">
                <TextField name="name" label=Signal::derive(move || text(Msg::Name)) value=name error=error("name") required=true/>
                <TextField name="code" label=Signal::derive(move || text(Msg::Code)) value=code error=error("code") required=true/>
                <TextField name="taxId" label=Signal::derive(move || text(Msg::TaxId)) value=tax_id error=error("taxId")/>
                <TextField name="currency" label=Signal::derive(move || text(Msg::Currency)) value=currency error=error("currency") hint=Signal::derive(move || text(Msg::Optional))/>
                <TextField name="terms" label=Signal::derive(move || text(Msg::PaymentTermsDays)) value=terms error=error("paymentTermsDays") input_type="number"/>
                <TextField name="creditLimit" label=Signal::derive(move || text(Msg::CreditLimit)) value=limit error=error("creditLimit") hint=Signal::derive(move || text(Msg::Optional))/>
                <TextField name="contactName" label=Signal::derive(move || text(Msg::ContactName)) value=contact error=error("contacts[0].name")/>
                <TextField name="contactEmail" label=Signal::derive(move || text(Msg::ContactEmail)) value=contact_email error=error("contacts[0].email") input_type="email"/>
                <div class="form-actions">
                    <Button r#type="submit" busy=busy test_id="save-customer">{move || text(Msg::Save)}</Button>
                </div>
            </form>
        </Modal>
    }
}

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
                    None => view! { <super::NotFoundPage/> }.into_any(),
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
                        view! {
                            <header class="page-header page-header-actions">
                                <div>
                                    <p class="eyebrow"><A href="/customers">{move || text(Msg::CustomersTitle)}</A>" · "{c.code.clone()}</p>
                                    <h1 data-testid="customer-name">{c.name.clone()}</h1>
                                    {c.credit_hold.then(|| view! {
                                        <p class="badge badge-danger" data-testid="credit-hold">{move || text(Msg::OnHold)}": "{c.credit_hold_reason.clone().unwrap_or_default()}</p>
                                    })}
                                </div>
                                <div class="actions">
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
                            <super::analytics::CreditPanel customer_id=c.id.clone()/>
                            <super::collections::CustomerCollectionsPanel customer_id=c.id.clone()/>
                            <CustomerActivity customer_id=c.id.clone()/>
                            <div class="panel">
                                <h2>{move || text(Msg::Contacts)}</h2>
                                <ul class="plain-list">
                                    {c.contacts.iter().map(|contact| view! {
                                        <li>{contact.name.clone()}{contact.email.clone().map(|e| format!(" · {e}"))}{contact.phone.clone().map(|p| format!(" · {p}"))}</li>
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
                                                {event.kind.clone()}{limit.map(|l| format!(" {l}"))}" · "{event.reason.clone()}" · "{event.actor.clone()}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            </div>
                            <CreditDialog open=dialog_open action=action customer_id=c.id.clone() on_done=move || reload.update(|n| *n += 1)/>
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
    on_done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let limit = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let reason_error = RwSignal::new(None::<String>);
    let limit_error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
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
                        },
                    })
                    .await
                    .map(|_| ())
                }
                Some(CreditAction::Hold) => {
                    api::run::<PlaceCreditHold>(api::place_credit_hold::Variables {
                        input: api::place_credit_hold::PlaceCreditHoldInput {
                            customer_id,
                            reason: reason_text,
                        },
                    })
                    .await
                    .map(|_| ())
                }
                _ => api::run::<ReleaseCreditHold>(api::release_credit_hold::Variables {
                    input: api::release_credit_hold::ReleaseCreditHoldInput {
                        customer_id,
                        reason: reason_text,
                    },
                })
                .await
                .map(|_| ()),
            };
            busy.set(false);
            match result {
                Ok(()) => {
                    toasts.push(ToastKind::Success, text(Msg::Saved));
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
                    <td>{row.reference.clone().unwrap_or_default()}</td>
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
                                        {entry.reference.clone().map(|r| format!(" {r}"))}
                                        {entry.amount.as_ref().map(|m| format!(" · {}", show(l, &m.amount, &m.currency)))}
                                        {entry.actor.clone().map(|a| format!(" · {a}"))}
                                        {entry.detail.clone().map(|d| format!(" · {d}"))}
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
