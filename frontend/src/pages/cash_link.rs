//! In the apply dialog: the chosen customer's payments keyed by hand for the line's amount and
//! currency that no bank line names yet, each linked in one click (`linkBankTransaction`), so
//! a receipt keyed before the statement came is never recorded twice.

use crate::api::{self, LinkBankLine, LinkablePayments};
use crate::i18n::{CashMsg as C, Msg, use_locale, use_text};
use domain::display;
use leptos::prelude::*;
use rust_decimal::Decimal;
use std::str::FromStr;

#[component]
pub fn LinkablePaymentsList(
    /// The line: its id, amount and currency.
    line: Signal<Option<(String, String, String)>>,
    /// The customer chosen in the dialog.
    customer: RwSignal<String>,
    /// What linking did (or why it could not).
    on_result: Callback<Result<Msg, api::ApiError>>,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let busy = RwSignal::new(false);
    let payments = LocalResource::new(move || {
        let chosen = customer.get();
        let line = line.get();
        async move {
            let (Some((_, amount, currency)), false) = (line, chosen.is_empty()) else {
                return Vec::new();
            };
            let filter = api::linkable_payments::PaymentFilter {
                customer_id: Some(chosen),
                currency: Some(currency.clone()),
                include_reversed: Some(false),
                method: None,
                received_from: None,
                received_to: None,
                has_unapplied: None,
            };
            let wanted = Decimal::from_str(&amount).ok();
            api::run::<LinkablePayments>(api::linkable_payments::Variables {
                filter: Some(filter),
            })
            .await
            .map(|data| {
                data.payments
                    .edges
                    .into_iter()
                    .map(|edge| edge.node)
                    .filter(|p| p.bank_transaction.is_none())
                    .filter(|p| Decimal::from_str(&p.amount.amount).ok() == wanted)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
        }
    });
    let link = move |payment_id: String| {
        let Some((transaction_id, _, _)) = line.get_untracked() else {
            return;
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = api::run::<LinkBankLine>(api::link_bank_line::Variables {
                input: api::link_bank_line::LinkBankTransactionInput {
                    transaction_id,
                    payment_id,
                },
            })
            .await
            .map(|_| C::LinkedToast);
            busy.set(false);
            on_result.run(result);
        });
    };
    view! {
        <div class="field" data-testid="cash-linkable">
            <p class="hint">{move || text(C::Linkable)}</p>
            {move || {
                let found = payments.get().unwrap_or_default();
                if found.is_empty() {
                    return view! { <p class="muted" data-testid="cash-no-linkable">{move || text(C::NoLinkable)}</p> }.into_any();
                }
                found.into_iter().map(|p| {
                    let id = p.id.clone();
                    let label = format!(
                        "{} · {} · {}",
                        p.received_on,
                        display::money(locale.get_untracked(), &p.amount.amount, &p.amount.currency),
                        p.reference.clone().unwrap_or_default()
                    );
                    view! {
                        <p class="cash-linkable-payment" data-testid="cash-linkable-payment">
                            <span>{label}</span>" "
                            <button type="button" class="button button-secondary" data-testid="cash-link-payment"
                                disabled=move || busy.get() on:click=move |_| link(id.clone())>
                                {move || text(C::LinkThis)}
                            </button>
                        </p>
                    }
                }).collect_view().into_any()
            }}
        </div>
    }
}
