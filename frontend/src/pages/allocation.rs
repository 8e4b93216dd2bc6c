//! A receipt's allocation to the invoices the user picks, inside the record-payment form: the
//! customer's open invoices in the receipt's currency, due date first, each with the amount it
//! takes, prefilled by the oldest-first proposal (the domain crate's own rule, the one the server
//! applies when no allocation is sent). The proposal follows the amount and the customer until
//! the user types an amount of their own; "Propose oldest first" applies it again.

use super::customers::show;
use crate::api::{self, OpenInvoices};
use crate::i18n::{Msg, use_locale, use_text};
use domain::allocation::{Instruction, OpenItem, allocate};
use domain::display;
use leptos::prelude::*;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// An open invoice of the customer, as the editor lists it.
#[derive(Debug, Clone, PartialEq)]
struct OpenRow {
    id: String,
    number: String,
    due_date: String,
    balance: String,
    currency: String,
}

/// The editor's state, held by the payment form: the rows, what each invoice takes (by invoice
/// id, as typed), whether the user typed an amount since the last proposal, and the invoices of
/// the last send in order (a server error names an allocation by its index in that list).
#[derive(Clone, Copy)]
pub struct AllocationState {
    rows: RwSignal<Vec<OpenRow>>,
    amounts: RwSignal<HashMap<String, String>>,
    edited: RwSignal<bool>,
    sent: RwSignal<Vec<String>>,
}

impl Default for AllocationState {
    fn default() -> Self {
        Self::new()
    }
}

impl AllocationState {
    pub fn new() -> Self {
        Self {
            rows: RwSignal::new(Vec::new()),
            amounts: RwSignal::new(HashMap::new()),
            edited: RwSignal::new(false),
            sent: RwSignal::new(Vec::new()),
        }
    }

    /// What to send as `allocations` for a receipt of `amount`: the invoices given an amount
    /// other than zero, in the list's order; none (the server's oldest-first rule) when the list
    /// is not shown or the customer has no open invoice in the currency. An empty list (every
    /// amount cleared) leaves the whole receipt unapplied.
    pub fn input(&self, amount: &str) -> Option<Vec<api::record_payment::AllocationInput>> {
        let rows = self.rows.get_untracked();
        if positive(amount).is_none() || rows.is_empty() {
            self.sent.set(Vec::new());
            return None;
        }
        let amounts = self.amounts.get_untracked();
        let chosen: Vec<(String, String)> = rows
            .iter()
            .filter_map(|row| {
                let typed = amounts
                    .get(&row.id)
                    .map(|typed| clean(typed.as_str()))
                    .unwrap_or_default();
                let zero = typed.is_empty() || typed.parse::<Decimal>().is_ok_and(|v| v.is_zero());
                (!zero).then(|| (row.id.clone(), typed))
            })
            .collect();
        self.sent
            .set(chosen.iter().map(|(id, _)| id.clone()).collect());
        Some(
            chosen
                .into_iter()
                .map(
                    |(invoice_id, amount)| api::record_payment::AllocationInput {
                        invoice_id,
                        amount,
                    },
                )
                .collect(),
        )
    }

    /// Forgets the amounts typed, after a payment is recorded.
    pub fn reset(&self) {
        self.amounts.set(HashMap::new());
        self.edited.set(false);
        self.sent.set(Vec::new());
    }
}

/// An amount as typed, without spaces or thousands separators.
fn clean(typed: &str) -> String {
    typed.trim().replace([',', ' '], "")
}

/// The amount typed when it is a number above zero.
fn positive(typed: &str) -> Option<Decimal> {
    clean(typed)
        .parse::<Decimal>()
        .ok()
        .filter(|value| *value > Decimal::ZERO)
}

/// The oldest-first proposal for `amount`: each invoice's balance in due-date order until the
/// amount is used, as amounts to show by invoice id (the invoices it does not reach get none).
fn proposal(amount: Decimal, rows: &[OpenRow]) -> HashMap<String, String> {
    let items: Vec<OpenItem> = rows
        .iter()
        .filter_map(|row| {
            Some(OpenItem {
                invoice_id: row.id.parse().ok()?,
                due_date: row.due_date.parse().ok()?,
                number: row.number.clone(),
                balance: row.balance.parse().ok()?,
            })
        })
        .collect();
    let Ok(split) = allocate(amount, &items, &Instruction::OldestDueFirst) else {
        return HashMap::new();
    };
    split
        .lines
        .iter()
        .filter_map(|(id, part)| {
            let row = rows.iter().find(|row| row.id == id.to_string())?;
            Some((row.id.clone(), display::amount_string(*part, &row.currency)))
        })
        .collect()
}

/// The list of the customer's open invoices with the amount each takes, the sum allocated and
/// what stays unapplied; a server error about one allocation shows under its invoice.
#[component]
pub fn AllocationEditor(
    state: AllocationState,
    customer: RwSignal<String>,
    amount: RwSignal<String>,
    currency: RwSignal<String>,
    errors: RwSignal<HashMap<String, String>>,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let AllocationState {
        rows,
        amounts,
        edited,
        sent,
    } = state;

    let open_invoices = LocalResource::new(move || {
        let customer_id = customer.get();
        async move {
            if customer_id.is_empty() {
                return (customer_id, Vec::new());
            }
            let found = api::run::<OpenInvoices>(api::open_invoices::Variables {
                customer_id: customer_id.clone(),
            })
            .await
            .map(|data| {
                data.invoices
                    .edges
                    .into_iter()
                    .map(|edge| edge.node)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
            (customer_id, found)
        }
    });
    // The rows: the chosen customer's open invoices in the receipt's currency, due date first
    // (as the server lists them). New rows start from the proposal again.
    Effect::new(move |_| {
        let chosen = customer.get();
        let code = currency.get().trim().to_uppercase();
        let built: Vec<OpenRow> = match open_invoices.get() {
            Some((loaded_for, invoices)) if loaded_for == chosen => invoices
                .into_iter()
                .filter(|invoice| invoice.currency == code)
                .map(|invoice| OpenRow {
                    id: invoice.id,
                    number: invoice.number.unwrap_or_default(),
                    due_date: invoice.due_date,
                    balance: invoice.balance_due.amount,
                    currency: invoice.currency,
                })
                .collect(),
            _ => Vec::new(),
        };
        if rows.with_untracked(|current| *current != built) {
            edited.set(false);
            rows.set(built);
        }
    });
    // The proposal follows the amount and the rows until the user types an amount.
    let propose = move || {
        let proposed = positive(&amount.get_untracked())
            .map(|total| rows.with_untracked(|rows| proposal(total, rows)))
            .unwrap_or_default();
        amounts.set(proposed);
    };
    Effect::new(move |_| {
        amount.track();
        rows.track();
        if !edited.get_untracked() {
            propose();
        }
    });

    let code = move || currency.get().trim().to_uppercase();
    let shown = move || !customer.get().is_empty() && positive(&amount.get()).is_some();
    let allocated = move || {
        amounts.with(|typed| {
            rows.with(|rows| {
                rows.iter()
                    .filter_map(|row| clean(typed.get(&row.id)?).parse::<Decimal>().ok())
                    .sum::<Decimal>()
            })
        })
    };
    let total = move || positive(&amount.get()).unwrap_or_default();
    let money = move |value: Decimal| {
        let code = code();
        show(locale.get(), &display::amount_string(value, &code), &code)
    };
    // A server error about one allocation: `allocations[<index in the send>].amount`.
    let row_error = move |id: &str| -> Option<String> {
        let index = sent.with(|sent| sent.iter().position(|sent_id| sent_id == id))?;
        errors.with(|errors| {
            ["amount", "invoiceId"]
                .iter()
                .find_map(|field| errors.get(&format!("allocations[{index}].{field}")))
                .or_else(|| errors.get(&format!("allocations[{index}]")))
                .cloned()
        })
    };
    let list_error = move || errors.with(|errors| errors.get("allocations").cloned());

    view! {
        <div class="panel allocation-preview allocation-editor" data-testid="allocation-preview">
            <h3>{move || text(Msg::AllocationPreview)}{move || (!edited.get()).then(|| format!(" · {}", text(Msg::OldestFirst)))}</h3>
            <Show when=shown fallback=move || view! { <p class="field-hint">{move || text(Msg::AllocNeedsAmount)}</p> }>
                <Show when=move || !rows.with(Vec::is_empty) fallback=move || view! { <p>{move || text(Msg::NoOpenInvoices)}</p> }>
                    <p class="field-hint">{move || text(Msg::AllocHint)}</p>
                    <table class="data-table line-editor">
                        <thead><tr>
                            <th scope="col">{move || text(Msg::AllocInvoiceColumn)}</th>
                            <th scope="col">{move || text(Msg::DueDate)}</th>
                            <th scope="col" class="num">{move || text(Msg::BalanceDue)}</th>
                            <th scope="col">{move || text(Msg::AllocApplyColumn)}</th>
                        </tr></thead>
                        <tbody>
                            <For each=move || rows.get() key=|row| row.id.clone() let:row>
                                {
                                    let number = row.number.clone();
                                    let label = move || text(Msg::AllocApplyTo).replace("{number}", &number);
                                    let error = {
                                        let id = row.id.clone();
                                        move || row_error(&id)
                                    };
                                    let invalid = {
                                        let error = error.clone();
                                        move || error().is_some().to_string()
                                    };
                                    let value = {
                                        let id = row.id.clone();
                                        move || amounts.with(|typed| typed.get(&id).cloned().unwrap_or_default())
                                    };
                                    let on_input = {
                                        let id = row.id.clone();
                                        move |event: leptos::ev::Event| {
                                            let typed = event_target_value(&event);
                                            edited.set(true);
                                            amounts.update(|amounts| {
                                                amounts.insert(id.clone(), typed);
                                            });
                                        }
                                    };
                                    let due_date = row.due_date.clone();
                                    let (balance, balance_code) = (row.balance.clone(), row.currency.clone());
                                    view! {
                                        <tr data-testid="allocation-row">
                                            <td>{row.number.clone()}</td>
                                            <td>{move || display::date(locale.get(), &due_date)}</td>
                                            <td class="num">{move || show(locale.get(), &balance, &balance_code)}</td>
                                            <td>
                                                <input inputmode="decimal" class="num" data-testid="allocation-amount" aria-label=label aria-invalid=invalid prop:value=value on:input=on_input/>
                                                {move || error().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
                                            </td>
                                        </tr>
                                    }
                                }
                            </For>
                        </tbody>
                    </table>
                    <div class="allocation-summary">
                        <span>{move || text(Msg::AllocTotal)}": "<strong data-testid="allocation-total">{move || money(allocated())}</strong></span>
                        <span>{move || text(Msg::LeftAsCredit)}": "<strong data-testid="allocation-unapplied">{move || money((total() - allocated()).max(Decimal::ZERO))}</strong></span>
                        <button type="button" class="button button-secondary" data-testid="propose-allocation" on:click=move |_| { edited.set(false); propose(); }>
                            {move || text(Msg::AllocPropose)}
                        </button>
                    </div>
                    {move || (allocated() > total()).then(|| view! { <p class="field-error allocation-over" role="alert">{text(Msg::AllocOverAmount)}</p> })}
                </Show>
            </Show>
            {move || list_error().map(|message| view! { <p class="field-error" role="alert" data-testid="allocation-error">{message}</p> })}
        </div>
    }
}
