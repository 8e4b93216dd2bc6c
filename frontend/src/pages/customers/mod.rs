//! Customers: the list (search, filters, order, paging, assigning many at once), creating and
//! editing one with its collector and salesperson, and the detail page with balances, the aging
//! bar, credit actions and the customer's invoices and payments.

use super::access::RequirePermission;
use crate::api::{self, Customers};
use crate::components::{Button, DataTable, SelectField, ToastKind, use_toasts};
use crate::i18n::{Msg, use_locale, use_text};
use crate::session::use_session;
use domain::access::Permission;
use domain::display;
use form::{Duty, NewCustomerForm, assignable_members, member_options};
use leptos::prelude::*;
use leptos_router::components::A;

mod contacts;
mod detail;
mod form;
mod ops;

pub use detail::CustomerPage;

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

/// The bulk pickers' value that leaves the field as it is (the field is left out).
const KEEP: &str = "";
/// The bulk pickers' value that takes the assignment away (the field is sent as `null`).
const NOBODY: &str = "none";

/// A bulk picker's value as the field to send: left out, `null`, or a member.
fn sparse_choice(value: &str) -> Option<Option<String>> {
    if value == KEEP {
        None
    } else if value == NOBODY {
        Some(None)
    } else {
        Some(Some(value.to_owned()))
    }
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
    let toasts = use_toasts();
    let session = use_session();
    let search = RwSignal::new(String::new());
    let only_overdue = RwSignal::new(false);
    let only_on_hold = RwSignal::new(false);
    let grade = RwSignal::new(String::new());
    let collector_filter = RwSignal::new(String::new());
    let order = RwSignal::new("NAME".to_owned());
    let rows = RwSignal::new(Vec::<Row>::new());
    let total = RwSignal::new(0i64);
    let cursor = RwSignal::new(None::<String>);
    let has_more = RwSignal::new(false);
    let creating = RwSignal::new(false);
    // The customers ticked for assigning, by id; a fresh list (not a further page) clears it.
    let selected = RwSignal::new(Vec::<String>::new());
    let bulk_collector = RwSignal::new(KEEP.to_owned());
    let bulk_salesperson = RwSignal::new(KEEP.to_owned());
    let assigning = RwSignal::new(false);

    let manages = move || {
        session
            .current
            .get()
            .is_some_and(|s| s.can(Permission::ManageCustomers))
    };
    let members = assignable_members(move || {
        session
            .current
            .get()
            .is_some_and(|s| s.can(Permission::ManageCustomers) || s.can(Permission::ViewTeam))
    });
    let member_list = Signal::derive(move || members.get().flatten());
    // Ticking and assigning: for those who manage customers, once the team is known.
    let may_assign = move || manages() && member_list.with(Option::is_some);

    let load = move |append: bool| {
        let filter = api::customers::CustomerFilter {
            search: Some(search.get_untracked()).filter(|s| !s.trim().is_empty()),
            has_overdue: only_overdue.get_untracked().then_some(true),
            on_hold: only_on_hold.get_untracked().then_some(true),
            collector_id: Some(collector_filter.get_untracked()).filter(|c| !c.is_empty()),
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
        if !append {
            selected.set(Vec::new());
        }
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
        collector_filter.track();
        order.track();
        load(false);
    });
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
    // `CustomerFilter.collectorId` takes one member; there is no "nobody" filter.
    let collector_filter_options = Signal::derive(move || {
        member_options(
            &member_list.get().unwrap_or_default(),
            Duty::Collect,
            vec![(String::new(), text(Msg::CustomerAnyCollector).to_owned())],
            None,
        )
    });
    let bulk_options = move |duty: Duty| {
        Signal::derive(move || {
            member_options(
                &member_list.get().unwrap_or_default(),
                duty,
                vec![
                    (KEEP.to_owned(), text(Msg::CustomerAssignKeep).to_owned()),
                    (NOBODY.to_owned(), text(Msg::CustomerAssignClear).to_owned()),
                ],
                None,
            )
        })
    };
    let bulk_collector_options = bulk_options(Duty::Collect);
    let bulk_salesperson_options = bulk_options(Duty::Sell);
    let all_selected = move || {
        selected.with(|selected| {
            rows.with(|rows| !rows.is_empty() && rows.iter().all(|row| selected.contains(&row.id)))
        })
    };
    let assign = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let collector_id = sparse_choice(&bulk_collector.get_untracked());
        let salesperson_id = sparse_choice(&bulk_salesperson.get_untracked());
        if collector_id.is_none() && salesperson_id.is_none() {
            toasts.push(ToastKind::Error, text(Msg::CustomerChooseAssignee));
            return;
        }
        let customer_ids = selected.get_untracked();
        assigning.set(true);
        leptos::task::spawn_local(async move {
            let result = api::run::<ops::AssignCustomersSparse>(ops::SparseVariables {
                input: ops::SparseAssignInput {
                    customer_ids,
                    collector_id,
                    salesperson_id,
                },
            })
            .await;
            assigning.set(false);
            match result {
                Ok(data) => {
                    let count = data.assign_customers.customers.len();
                    let message = if count == 1 {
                        text(Msg::CustomerAssignedOne).to_owned()
                    } else {
                        text(Msg::CustomersAssigned).replace("{n}", &count.to_string())
                    };
                    toasts.push(ToastKind::Success, message);
                    bulk_collector.set(KEEP.to_owned());
                    bulk_salesperson.set(KEEP.to_owned());
                    // A fresh list also clears the selection.
                    load(false);
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };

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
                <Show when=move || member_list.with(Option::is_some)>
                    <SelectField name="customer-collector-filter" label=Signal::derive(move || text(Msg::CustomerCollectedByFilter)) value=collector_filter options=collector_filter_options/>
                </Show>
                <SelectField name="customer-order" label=Signal::derive(move || text(Msg::SortBy)) value=order options=order_options/>
            </form>
            <Show when=move || may_assign() && !rows.with(Vec::is_empty)>
                <label class="check select-all">
                    <input
                        type="checkbox"
                        data-testid="select-all-customers"
                        prop:checked=all_selected
                        on:change=move |event| {
                            if event_target_checked(&event) {
                                selected.set(rows.with(|rows| rows.iter().map(|row| row.id.clone()).collect()));
                            } else {
                                selected.set(Vec::new());
                            }
                        }
                    />
                    {move || text(Msg::CustomerSelectAllOnPage)}
                </label>
            </Show>
            <Show when=move || may_assign() && !selected.with(Vec::is_empty)>
                <form class="bulk-bar" data-testid="bulk-assign" aria-label=move || text(Msg::CustomerBulkAssignTitle) on:submit=assign>
                    <strong class="bulk-count" data-testid="selected-count" aria-live="polite">
                        {move || text(Msg::CustomerSelectedCount).replace("{n}", &selected.with(Vec::len).to_string())}
                    </strong>
                    <SelectField name="bulk-collector" label=Signal::derive(move || text(Msg::CustomerCollectorLabel)) value=bulk_collector options=bulk_collector_options/>
                    <SelectField name="bulk-salesperson" label=Signal::derive(move || text(Msg::CustomerSalespersonLabel)) value=bulk_salesperson options=bulk_salesperson_options/>
                    <div class="actions">
                        <Button r#type="submit" busy=assigning test_id="assign-selected">{move || text(Msg::CustomerAssignAction)}</Button>
                        <button type="button" class="button button-secondary" data-testid="clear-selection" on:click=move |_| selected.set(Vec::new())>
                            {move || text(Msg::CustomerClearSelection)}
                        </button>
                    </div>
                </form>
            </Show>
            <DataTable
                caption=Signal::derive(move || format!("{} ({})", text(Msg::CustomersTitle), total.get()))
                headers=Signal::derive(move || {
                    let mut headers = Vec::new();
                    if may_assign() {
                        headers.push(text(Msg::SelectCustomer));
                    }
                    headers.extend([
                        text(Msg::Code), text(Msg::Name), text(Msg::Balance), text(Msg::Overdue),
                        text(Msg::AvailableCredit), text(Msg::DaysPastDue), text(Msg::RiskGradeLabel), text(Msg::CustomerCollectorLabel),
                    ]);
                    headers
                })
                row_count=Signal::derive(move || rows.get().len())
                empty=Signal::derive(move || text(Msg::NoCustomers))
            >
                // Keyed by the collector too: an assignment redraws the rows it changed.
                <For
                    each=move || rows.get()
                    key=|row| (row.id.clone(), row.collector.as_ref().map(|person| person.id.clone()))
                    let:row
                >
                    <tr data-testid="customer-row">
                        {
                            let id = row.id.clone();
                            let name = row.name.clone();
                            move || may_assign().then(|| {
                                let (checked_id, changed_id, name) = (id.clone(), id.clone(), name.clone());
                                view! {
                                    <td class="select-cell">
                                        <input
                                            type="checkbox"
                                            data-testid="select-customer"
                                            aria-label=move || format!("{} {}", text(Msg::SelectCustomer), name)
                                            prop:checked=move || selected.with(|selected| selected.contains(&checked_id))
                                            on:change=move |event| {
                                                let on = event_target_checked(&event);
                                                let id = changed_id.clone();
                                                selected.update(|selected| {
                                                    selected.retain(|other| *other != id);
                                                    if on {
                                                        selected.push(id);
                                                    }
                                                });
                                            }
                                        />
                                    </td>
                                }
                            })
                        }
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
                        <td data-testid="row-collector">{row.collector.as_ref().map(|c| c.name.clone()).unwrap_or_else(|| "—".to_owned())}</td>
                    </tr>
                </For>
            </DataTable>
            <Show when=move || has_more.get()>
                <button type="button" class="button button-secondary" on:click=move |_| load(true)>{move || text(Msg::LoadMore)}</button>
            </Show>
            <NewCustomerForm open=creating members=member_list/>
        </section>
    }
}
