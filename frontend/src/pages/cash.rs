//! Cash application (收款核销): the unapplied-cash queue. Each received line with its best
//! suggestions and why; apply one in a click, choose other invoices or split it across
//! customers, link it to a payment keyed by hand, set it aside with a reason, or undo; counts
//! and amounts by status. The bank account, its mapping and the import are in `cash_accounts`.

use super::access::RequirePermission;
use super::allocation::{AllocationEditor, AllocationState};
use super::cash_accounts::{AccountBar, use_accounts};
use super::customers::show;
use crate::api::{
    self, ApplyBankLine, BankLines, BankTotals, IgnoreBankLine, LinkBankLine, UndoBankLine,
};
use crate::components::{Button, Modal, TextField, ToastKind, use_toasts};
use crate::i18n::{CashMsg as C, Msg, use_locale, use_text};
use crate::session::use_session;
use domain::access::Permission;
use domain::display;
use leptos::prelude::*;
use std::collections::HashMap;

type Line = api::bank_lines::BankLinesBankTransactionsNodes;
type Status = api::bank_lines::BankTransactionStatus;

#[component]
pub fn CashPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ViewPayments>
            <Queue/>
        </RequirePermission>
    }
}

/// Which lines the queue lists.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Waiting,
    Applied,
    Ignored,
    All,
}

impl Tab {
    fn statuses(self) -> Option<Vec<Status>> {
        match self {
            Tab::Waiting => Some(vec![Status::UNMATCHED, Status::SUGGESTED]),
            Tab::Applied => Some(vec![Status::APPLIED]),
            Tab::Ignored => Some(vec![Status::IGNORED]),
            Tab::All => None,
        }
    }
}

fn status_msg(status: Option<&Status>) -> Msg {
    match status {
        Some(Status::UNMATCHED) => C::StatusUnmatched,
        Some(Status::SUGGESTED) => C::StatusSuggested,
        Some(Status::APPLIED) => C::StatusApplied,
        Some(Status::IGNORED) => C::StatusIgnored,
        _ => C::PaidOut,
    }
}

fn total_msg(status: Option<&api::bank_totals::BankTransactionStatus>) -> Msg {
    use api::bank_totals::BankTransactionStatus as S;
    match status {
        Some(S::UNMATCHED) => C::StatusUnmatched,
        Some(S::SUGGESTED) => C::StatusSuggested,
        Some(S::APPLIED) => C::StatusApplied,
        Some(S::IGNORED) => C::StatusIgnored,
        _ => C::PaidOut,
    }
}

/// What a line's action dialog is for.
#[derive(Clone, PartialEq)]
enum Acting {
    Apply(Line),
    Ignore(String),
    Undo(String),
}

#[component]
fn Queue() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    let manages = Signal::derive(move || {
        session
            .current
            .get()
            .is_some_and(|s| s.can(Permission::ManagePayments))
    });
    let reload_accounts = RwSignal::new(0u32);
    let accounts = use_accounts(reload_accounts);
    let account = RwSignal::new(String::new());
    let tab = RwSignal::new(Tab::Waiting);
    let rows = RwSignal::new(Vec::<Line>::new());
    let total = RwSignal::new(0i64);
    let cursor = RwSignal::new(None::<String>);
    let has_more = RwSignal::new(false);
    let reload = RwSignal::new(0u32);
    let totals = RwSignal::new(Vec::<api::bank_totals::BankTotalsBankTransactionTotals>::new());
    let acting = RwSignal::new(None::<Acting>);

    let load = move |append: bool| {
        let account_id = account.get_untracked();
        if account_id.is_empty() {
            rows.set(Vec::new());
            totals.set(Vec::new());
            return;
        }
        let after = if append { cursor.get_untracked() } else { None };
        let statuses = tab.get_untracked().statuses();
        leptos::task::spawn_local(async move {
            let filter = api::bank_lines::BankTransactionFilter {
                bank_account_id: Some(account_id.clone()),
                status: statuses,
                direction: Some(api::bank_lines::BankDirection::IN),
                booked_from: None,
                booked_to: None,
                search: None,
            };
            match api::run::<BankLines>(api::bank_lines::Variables {
                after,
                filter: Some(filter),
            })
            .await
            {
                Ok(data) => {
                    let page = data.bank_transactions;
                    total.set(page.total_count);
                    has_more.set(page.page_info.has_next_page);
                    cursor.set(page.page_info.end_cursor);
                    if append {
                        rows.update(|rows| rows.extend(page.nodes));
                    } else {
                        rows.set(page.nodes);
                    }
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
            let filter = api::bank_totals::BankTransactionFilter {
                bank_account_id: Some(account_id),
                status: None,
                direction: None,
                booked_from: None,
                booked_to: None,
                search: None,
            };
            if let Ok(data) = api::run::<BankTotals>(api::bank_totals::Variables {
                filter: Some(filter),
            })
            .await
            {
                totals.set(data.bank_transaction_totals);
            }
        });
    };
    // Reasons come in the reader's language: a language switch reads the lines again.
    Effect::new(move |_| {
        reload.track();
        account.track();
        tab.track();
        locale.track();
        load(false);
    });
    let changed = Callback::new(move |_: ()| reload.update(|n| *n += 1));
    let tab_button = move |which: Tab, label: Msg, test_id: &'static str| {
        view! {
            <button type="button" class="tab" data-testid=test_id
                aria-pressed=move || if tab.get() == which { "true" } else { "false" }
                on:click=move |_| tab.set(which)>{move || text(label)}</button>
        }
    };
    view! {
        <section class="page">
            <header class="page-header">
                <h1>{move || text(C::Title)}</h1>
                <p class="lead">{move || text(C::Lead)}</p>
            </header>
            <AccountBar accounts=accounts chosen=account reload_accounts=reload_accounts on_imported=changed manages=manages/>
            <div class="cash-totals" data-testid="cash-totals" aria-label=move || text(C::Totals)>
                {move || totals.get().into_iter().filter(|t| t.status.is_some()).map(|t| {
                    let msg = total_msg(t.status.as_ref());
                    let amount = t.amount.clone();
                    view! {
                        <span class="chip" data-testid="cash-total">
                            {move || format!("{} {} {} · {}", text(msg), t.count, text(lines_word(t.count as usize)), show(locale.get(), &amount.amount, &amount.currency))}
                        </span>
                    }
                }).collect_view()}
            </div>
            <div class="tabs" role="group">
                {tab_button(Tab::Waiting, C::TabWaiting, "cash-tab-waiting")}
                {tab_button(Tab::Applied, C::TabApplied, "cash-tab-applied")}
                {tab_button(Tab::Ignored, C::TabIgnored, "cash-tab-ignored")}
                {tab_button(Tab::All, C::TabAll, "cash-tab-all")}
            </div>
            <Show when=move || rows.with(Vec::is_empty)>
                <p data-testid="cash-empty">{move || text(C::NoLines)}</p>
            </Show>
            <p class="muted">{move || format!("{} {}", total.get(), text(lines_word(total.get() as usize)))}</p>
            <For each=move || rows.get() key=|row| (row.id.clone(), format!("{:?}", row.status), row.suggestions.len(), row.payments.len()) let:row>
                <LineCard row=row manages=manages acting=acting on_done=changed/>
            </For>
            <Show when=move || has_more.get()>
                <button type="button" class="button button-secondary" on:click=move |_| load(true)>{move || text(Msg::LoadMore)}</button>
            </Show>
            <ActionDialogs acting=acting on_done=changed/>
        </section>
    }
}

#[component]
fn LineCard(
    row: Line,
    manages: Signal<bool>,
    acting: RwSignal<Option<Acting>>,
    on_done: Callback<()>,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let status = row.status.clone();
    let status_attr = status
        .as_ref()
        .map(|s| format!("{s:?}"))
        .unwrap_or_else(|| "OUT".to_owned());
    let waiting = matches!(status, Some(Status::UNMATCHED | Status::SUGGESTED));
    let settled = matches!(status, Some(Status::APPLIED | Status::IGNORED));
    let best = row.suggestions.first().cloned();
    let amount = row.amount.clone();
    let id = row.id.clone();
    let apply_best = {
        let id = id.clone();
        let best = best.clone();
        move |_| {
            let id = id.clone();
            let linked = best.as_ref().and_then(|b| b.payment_id.clone());
            leptos::task::spawn_local(async move {
                let outcome = match linked {
                    Some(payment_id) => api::run::<LinkBankLine>(api::link_bank_line::Variables {
                        input: api::link_bank_line::LinkBankTransactionInput {
                            transaction_id: id,
                            payment_id,
                        },
                    })
                    .await
                    .map(|_| C::LinkedToast),
                    None => api::run::<ApplyBankLine>(api::apply_bank_line::Variables {
                        input: api::apply_bank_line::ApplyBankTransactionInput {
                            transaction_id: id.clone(),
                            parts: None,
                            idempotency_key: Some(format!("web-apply-{id}")),
                        },
                    })
                    .await
                    .map(|_| C::AppliedToast),
                };
                match outcome {
                    Ok(done) => {
                        toasts.push(ToastKind::Success, text(done));
                        on_done.run(());
                    }
                    Err(error) => toasts.api_error(locale.get_untracked(), error),
                }
            });
        }
    };
    let row_for_apply = row.clone();
    let id_for_ignore = id.clone();
    let id_for_undo = id.clone();
    let booked = row.booked_on.clone();
    view! {
        <article class="panel cash-line" data-testid="cash-line" data-status=status_attr>
            <header class="cash-line-head">
                <strong class="num">{move || show(locale.get(), &amount.amount, &amount.currency)}</strong>
                <span>{move || display::date(locale.get(), &booked)}</span>
                <span class=format!("badge {}", if settled { "badge-muted" } else { "badge-info" })>{move || text(status_msg(status.as_ref()))}</span>
                {row.auto_applied.then(|| view! { <span class="badge badge-success">{move || text(C::Auto)}</span> })}
            </header>
            <dl class="facts">
                <dt>{move || text(C::Payer)}</dt>
                <dd>{format!("{} {}", row.payer_name.clone().unwrap_or_default(), row.payer_account.clone().unwrap_or_default())}</dd>
                <dt>{move || text(C::Remark)}</dt>
                <dd data-testid="cash-remark">{row.remark.clone().or(row.reference.clone()).unwrap_or_default()}</dd>
                {row.ignore_reason.clone().map(|reason| view! { <dt>{move || text(C::IgnoreReason)}</dt><dd>{reason}</dd> })}
            </dl>
            {(!row.payments.is_empty()).then(|| {
                let payments = row.payments.clone();
                view! {
                    <p class="muted" data-testid="cash-payments">{move || text(C::Payments)}": "
                        {payments.iter().map(|p| {
                            let amount = p.amount.clone();
                            let name = p.customer.name.clone();
                            let reversed = p.reversed;
                            view! { <span class="chip">{move || format!("{} {}{}", name, show(locale.get(), &amount.amount, &amount.currency), if reversed { format!(" ({})", text(Msg::Reversed)) } else { String::new() })}</span> }
                        }).collect_view()}
                    </p>
                }
            })}
            {waiting.then(|| match best.clone() {
                Some(best) => view! { <Suggestion suggestion=best/> }.into_any(),
                None => view! { <p class="muted" data-testid="cash-no-suggestion">{move || text(C::NoSuggestion)}</p> }.into_any(),
            })}
            <Show when=move || manages.get()>
                <div class="form-actions">
                    {waiting.then(|| {
                        let linked = best.as_ref().is_some_and(|b| b.payment_id.is_some());
                        let row = row_for_apply.clone();
                        let id_for_ignore = id_for_ignore.clone();
                        view! {
                            {best.is_some().then(|| view! {
                                <button type="button" class="button button-primary" data-testid="cash-apply" on:click=apply_best.clone()>
                                    {move || text(if linked { C::LinkKeyed } else { C::ApplyBest })}
                                </button>
                            })}
                            <button type="button" class="button button-secondary" data-testid="cash-apply-other"
                                on:click=move |_| acting.set(Some(Acting::Apply(row.clone())))>{move || text(C::ApplyOther)}</button>
                            <button type="button" class="button button-secondary" data-testid="cash-ignore"
                                on:click=move |_| acting.set(Some(Acting::Ignore(id_for_ignore.clone())))>{move || text(C::Ignore)}</button>
                        }
                    })}
                    {settled.then(|| {
                        let id = id_for_undo.clone();
                        view! {
                            <button type="button" class="button button-secondary" data-testid="cash-undo"
                                on:click=move |_| acting.set(Some(Acting::Undo(id.clone())))>{move || text(C::Undo)}</button>
                        }
                    })}
                </div>
            </Show>
        </article>
    }
}

#[component]
fn Suggestion(
    suggestion: api::bank_lines::BankLinesBankTransactionsNodesSuggestions,
) -> impl IntoView {
    let text = use_text();
    let numbers = suggestion
        .invoices
        .iter()
        .map(|i| i.invoice.number.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let confidence = suggestion.confidence.clone();
    view! {
        <div class="cash-suggestion" data-testid="cash-suggestion">
            <p>
                <strong>{move || text(C::Suggestion)}": "</strong>
                <span data-testid="cash-suggested-customer">{suggestion.customer.name.clone()}</span>
                {(!numbers.is_empty()).then(|| view! { " · " <span data-testid="cash-suggested-invoices">{numbers.clone()}</span> })}
                " · "{move || format!("{} {}", text(C::Confidence), percent(&confidence))}
            </p>
            <ul class="cash-reasons">
                {suggestion.reasons.iter().map(|r| view! { <li data-testid="cash-reason">{r.message.clone()}</li> }).collect_view()}
            </ul>
        </div>
    }
}

/// A confidence of `0.95` as `95%`.
fn percent(confidence: &str) -> String {
    confidence
        .parse::<rust_decimal::Decimal>()
        .map(|value| format!("{}%", (value * rust_decimal::Decimal::ONE_HUNDRED).round()))
        .unwrap_or_else(|_| confidence.to_owned())
}

/// One part of a split, beyond the first: a customer and an amount, oldest invoices first.
#[derive(Clone, Copy)]
struct ExtraPart {
    customer: RwSignal<String>,
    amount: RwSignal<String>,
}

#[component]
fn ActionDialogs(acting: RwSignal<Option<Acting>>, on_done: Callback<()>) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let open = RwSignal::new(false);
    // The dialog follows the line acted on; closing it forgets the line. Each side is set only
    // when it differs, or the two would wake each other forever.
    Effect::new(move |_| {
        let wanted = acting.with(Option::is_some);
        if open.get_untracked() != wanted {
            open.set(wanted);
        }
    });
    Effect::new(move |_| {
        if !open.get() && acting.with_untracked(Option::is_some) {
            acting.set(None);
        }
    });
    let reason = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let errors = RwSignal::new(HashMap::<String, String>::new());
    let error = move |key: &'static str| Signal::derive(move || errors.get().get(key).cloned());
    // The apply dialog: the first part with its invoices, then further customers.
    let customer = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let currency = RwSignal::new(String::new());
    let allocation = AllocationState::new();
    let extras = RwSignal::new(Vec::<ExtraPart>::new());
    Effect::new(move |_| {
        if let Some(Acting::Apply(line)) = acting.get() {
            customer.set(
                line.suggestions
                    .first()
                    .map(|s| s.customer.id.clone())
                    .unwrap_or_default(),
            );
            amount.set(line.amount.amount.clone());
            currency.set(line.amount.currency.clone());
            extras.set(Vec::new());
        }
        reason.set(String::new());
        errors.set(HashMap::new());
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
    let finish = move |result: Result<Msg, api::ApiError>| match result {
        Ok(done) => {
            toasts.push(ToastKind::Success, text(done));
            open.set(false);
            on_done.run(());
        }
        Err(failure @ api::ApiError::Api { field: Some(_), .. }) => {
            let key = failure.field_name().replacen("parts[0].", "", 1);
            let message = failure.text(locale.get_untracked());
            errors.update(|errors| {
                errors.insert(key, message);
            });
        }
        Err(failure) => toasts.api_error(locale.get_untracked(), failure),
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(action) = acting.get_untracked() else {
            return;
        };
        errors.set(HashMap::new());
        busy.set(true);
        let why = reason.get_untracked();
        leptos::task::spawn_local(async move {
            let result = match action {
                Acting::Apply(line) => {
                    let first_amount = amount.get_untracked().trim().to_owned();
                    let mut parts = vec![api::apply_bank_line::ApplyPartInput {
                        customer_id: customer.get_untracked(),
                        amount: first_amount.clone(),
                        allocations: allocation.input(&first_amount).map(|lines| {
                            lines
                                .into_iter()
                                .map(|l| api::apply_bank_line::ApplyPartAllocationInput {
                                    invoice_id: l.invoice_id,
                                    amount: l.amount,
                                })
                                .collect()
                        }),
                    }];
                    parts.extend(extras.get_untracked().into_iter().map(|p| {
                        api::apply_bank_line::ApplyPartInput {
                            customer_id: p.customer.get_untracked(),
                            amount: p.amount.get_untracked().trim().to_owned(),
                            allocations: None,
                        }
                    }));
                    api::run::<ApplyBankLine>(api::apply_bank_line::Variables {
                        input: api::apply_bank_line::ApplyBankTransactionInput {
                            transaction_id: line.id,
                            parts: Some(parts),
                            idempotency_key: None,
                        },
                    })
                    .await
                    .map(|_| C::AppliedToast)
                }
                Acting::Ignore(id) => {
                    api::run::<IgnoreBankLine>(api::ignore_bank_line::Variables {
                        input: api::ignore_bank_line::BankTransactionReasonInput {
                            transaction_id: id,
                            reason: why,
                        },
                    })
                    .await
                    .map(|_| C::IgnoredToast)
                }
                Acting::Undo(id) => api::run::<UndoBankLine>(api::undo_bank_line::Variables {
                    input: api::undo_bank_line::BankTransactionReasonInput {
                        transaction_id: id,
                        reason: why,
                    },
                })
                .await
                .map(|_| C::UndoneToast),
            };
            busy.set(false);
            finish(result);
        });
    };
    let title = Signal::derive(move || {
        text(match acting.get() {
            Some(Acting::Apply(_)) => C::ApplyTitle,
            Some(Acting::Ignore(_)) => C::IgnoreTitle,
            _ => C::UndoTitle,
        })
        .to_owned()
    });
    let is_apply = move || matches!(acting.get(), Some(Acting::Apply(_)));
    let linking = Signal::derive(move || match acting.get() {
        Some(Acting::Apply(line)) => Some((line.id, line.amount.amount, line.amount.currency)),
        _ => None,
    });
    let customer_options = move |chosen: RwSignal<String>| {
        move || {
            customers.get().unwrap_or_default().into_iter().map(|c| {
            let selected = c.id == chosen.get_untracked();
            view! { <option value=c.id.clone() selected=selected>{format!("{} · {}", c.code, c.name)}</option> }
        }).collect_view()
        }
    };
    view! {
        <Modal open=open title=title>
            <form class="form-grid" novalidate on:submit=submit data-testid="cash-action-form">
                <Show when=is_apply fallback=move || view! {
                    <TextField name="cash-reason" label=Signal::derive(move || text(if matches!(acting.get(), Some(Acting::Undo(_))) { C::UndoReason } else { C::IgnoreReason }))
                        value=reason error=error("reason") required=true/>
                    <Show when=move || matches!(acting.get(), Some(Acting::Undo(_)))>
                        <p class="hint">{move || text(C::UndoHint)}</p>
                    </Show>
                }>
                    <div class="field">
                        <label for="cash-part-customer">{move || text(C::PartCustomer)}</label>
                        <select id="cash-part-customer" data-testid="cash-part-customer" prop:value=move || customer.get()
                            on:change=move |event| customer.set(event_target_value(&event))>
                            <option value="">{move || text(Msg::ChooseCustomer)}</option>
                            {customer_options(customer)}
                        </select>
                        {move || error("customerId").get().map(|e| view! { <p class="error">{e}</p> })}
                    </div>
                    <super::cash_link::LinkablePaymentsList line=linking customer=customer on_result=Callback::new(finish)/>
                    <TextField name="cash-part-amount" label=Signal::derive(move || text(C::PartAmount)) value=amount error=error("amount")/>
                    <AllocationEditor state=allocation customer=customer amount=amount currency=currency errors=errors/>
                    <For each=move || extras.get().into_iter().enumerate() key=|(index, _)| *index let:item>
                        <fieldset class="cash-extra-part" data-testid="cash-extra-part">
                            <select aria-label=move || text(C::PartCustomer) data-testid="cash-extra-customer"
                                on:change=move |event| item.1.customer.set(event_target_value(&event))>
                                <option value="">{move || text(Msg::ChooseCustomer)}</option>
                                {customer_options(item.1.customer)}
                            </select>
                            <input type="text" inputmode="decimal" data-testid="cash-extra-amount" aria-label=move || text(C::PartAmount)
                                prop:value=move || item.1.amount.get() on:input=move |event| item.1.amount.set(event_target_value(&event))/>
                            <span class="hint">{move || text(C::PartOldestFirst)}</span>
                            <button type="button" class="button button-secondary" on:click=move |_| extras.update(|list| { if item.0 < list.len() { list.remove(item.0); } })>
                                {move || text(C::RemovePart)}
                            </button>
                        </fieldset>
                    </For>
                    <button type="button" class="button button-secondary" data-testid="cash-add-part"
                        on:click=move |_| extras.update(|list| list.push(ExtraPart { customer: RwSignal::new(String::new()), amount: RwSignal::new(String::new()) }))>
                        {move || text(C::AddPart)}
                    </button>
                    {move || error("parts").get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                </Show>
                <div class="form-actions">
                    <Button r#type="submit" busy=busy test_id="cash-confirm">{move || text(match acting.get() {
                        Some(Acting::Apply(_)) => C::ApplySubmit,
                        Some(Acting::Ignore(_)) => C::Ignore,
                        _ => C::Undo,
                    })}</Button>
                </div>
            </form>
        </Modal>
    }
}

/// "line" or "lines" after a count (Chinese has one word for both).
fn lines_word(count: usize) -> Msg {
    if count == 1 { C::Line } else { C::Lines }
}
