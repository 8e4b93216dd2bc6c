//! The customer's collections panel: a quick log (keyboard-friendly: one form, Enter saves),
//! the activity log and the promises to pay with their status.

use super::customers::show;
use crate::api::{self, CustomerCollections, LogActivity};
use crate::components::{Button, SelectField, TextField, ToastKind, use_toasts};
use crate::i18n::{Msg, use_locale, use_text};
use crate::session::use_session;
use domain::access::Permission;
use domain::display;
use leptos::prelude::*;

pub const CHANNELS: [(&str, Msg); 8] = [
    ("PHONE", Msg::ChannelPhone),
    ("EMAIL", Msg::ChannelEmail),
    ("SMS", Msg::ChannelSms),
    ("WECHAT", Msg::ChannelWechat),
    ("VISIT", Msg::ChannelVisit),
    ("LETTER", Msg::ChannelLetter),
    ("LEGAL", Msg::ChannelLegal),
    ("OTHER", Msg::ChannelOther),
];

pub const OUTCOMES: [(&str, Msg); 9] = [
    ("NO_ANSWER", Msg::OutcomeNoAnswer),
    ("LEFT_MESSAGE", Msg::OutcomeLeftMessage),
    ("PROMISE_TO_PAY", Msg::OutcomePromiseToPay),
    ("DISPUTE_RAISED", Msg::OutcomeDisputeRaised),
    ("PAYMENT_CONFIRMED", Msg::OutcomePaymentConfirmed),
    ("REFUSED", Msg::OutcomeRefused),
    ("WRONG_CONTACT", Msg::OutcomeWrongContact),
    ("CALLBACK_REQUESTED", Msg::OutcomeCallbackRequested),
    ("OTHER", Msg::OutcomeOther),
];

fn label_of(list: &[(&str, Msg)], value: &str) -> Msg {
    list.iter()
        .find(|(name, _)| *name == value)
        .map(|(_, msg)| *msg)
        .unwrap_or(Msg::OutcomeOther)
}

fn status_msg(status: &str) -> Msg {
    match status {
        "KEPT" => Msg::PromiseStatusKept,
        "PARTIALLY_KEPT" => Msg::PromiseStatusPartiallyKept,
        "BROKEN" => Msg::PromiseStatusBroken,
        "CANCELLED" => Msg::PromiseStatusCancelled,
        _ => Msg::PromiseStatusOpen,
    }
}

#[component]
pub fn CustomerCollectionsPanel(customer_id: String) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    let reload = RwSignal::new(0u32);
    let customer_id_for_legal = customer_id.clone();
    let data = LocalResource::new({
        let customer_id = customer_id.clone();
        move || {
            reload.track();
            let customer_id = customer_id.clone();
            async move {
                api::run::<CustomerCollections>(api::customer_collections::Variables {
                    customer_id,
                })
                .await
                .ok()
            }
        }
    });
    let may_log = move || {
        session
            .current
            .get()
            .is_some_and(|s| s.can(Permission::WorkCollections))
    };
    let channel = RwSignal::new("PHONE".to_owned());
    let outcome = RwSignal::new("NO_ANSWER".to_owned());
    let note = RwSignal::new(String::new());
    let next_action = RwSignal::new(String::new());
    let promise_amount = RwSignal::new(String::new());
    let promise_date = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        error.set(None);
        busy.set(true);
        let optional = |value: String| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        let promise = optional(promise_amount.get_untracked()).map(|amount| {
            api::log_activity::PromiseInput {
                amount,
                currency: None,
                promised_date: promise_date.get_untracked(),
            }
        });
        let input = api::log_activity::LogCollectionActivityInput {
            customer_id: customer_id.clone(),
            invoice_ids: None,
            channel: api::from_domain::<String, api::log_activity::CollectionChannel>(
                &channel.get_untracked(),
            )
            .unwrap_or(api::log_activity::CollectionChannel::OTHER),
            outcome: api::from_domain::<String, api::log_activity::CollectionOutcome>(
                &outcome.get_untracked(),
            )
            .unwrap_or(api::log_activity::CollectionOutcome::OTHER),
            note: optional(note.get_untracked()),
            contact_name: None,
            location: None,
            occurred_at: None,
            next_action_on: optional(next_action.get_untracked()),
            promise,
        };
        leptos::task::spawn_local(async move {
            match api::run::<LogActivity>(api::log_activity::Variables { input }).await {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(Msg::ActivityLogged));
                    note.set(String::new());
                    promise_amount.set(String::new());
                    promise_date.set(String::new());
                    next_action.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(api::ApiError::Api { message, field, .. }) => {
                    let field = field
                        .map(|f| format!("{}: ", f.trim_start_matches("input.")))
                        .unwrap_or_default();
                    error.set(Some(format!("{field}{message}")));
                }
                Err(other) => toasts.api_error(locale.get_untracked(), other),
            }
            busy.set(false);
        });
    };
    let channel_options = Signal::derive(move || {
        CHANNELS
            .iter()
            .map(|(v, m)| ((*v).to_owned(), text(*m).to_owned()))
            .collect::<Vec<_>>()
    });
    let outcome_options = Signal::derive(move || {
        OUTCOMES
            .iter()
            .map(|(v, m)| ((*v).to_owned(), text(*m).to_owned()))
            .collect::<Vec<_>>()
    });
    let activities = move || {
        data.get()
            .flatten()
            .map(|d| {
                d.collection_activities
                    .edges
                    .into_iter()
                    .map(|e| e.node)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let promises = move || {
        data.get()
            .flatten()
            .map(|d| {
                d.promises_to_pay
                    .edges
                    .into_iter()
                    .map(|e| e.node)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let escalate = {
        let customer_id = customer_id_for_legal.clone();
        move |_| {
            let input = api::escalate_to_legal::EscalateToLegalInput {
                customer_id: customer_id.clone(),
                invoice_ids: None,
                agency: None,
                lawyer: None,
                notes: None,
            };
            leptos::task::spawn_local(async move {
                match api::run::<api::EscalateToLegal>(api::escalate_to_legal::Variables { input })
                    .await
                {
                    Ok(_) => toasts.push(ToastKind::Success, text(Msg::Escalated)),
                    Err(error) => toasts.api_error(locale.get_untracked(), error),
                }
            });
        }
    };
    let manages_dunning = move || {
        session
            .current
            .get()
            .is_some_and(|s| s.can(Permission::ManageDunning))
    };
    view! {
        <div class="panel collections-panel">
            <h2>{move || text(Msg::Collections)}</h2>
            <Show when=manages_dunning>
                <button type="button" class="button button-secondary" on:click=escalate.clone() data-testid="escalate-legal">{move || text(Msg::EscalateToLegal)}</button>
            </Show>
            <Show when=may_log>
                <form class="form-grid quick-log" on:submit=submit.clone() data-testid="quick-log">
                    <Show when=move || error.get().is_some()>
                        <p class="form-error" role="alert">{move || error.get().unwrap_or_default()}</p>
                    </Show>
                    <SelectField name="log-channel" label=Signal::derive(move || text(Msg::Channel)) value=channel options=channel_options/>
                    <SelectField name="log-outcome" label=Signal::derive(move || text(Msg::Outcome)) value=outcome options=outcome_options/>
                    <TextField name="log-note" label=Signal::derive(move || text(Msg::Note)) value=note/>
                    <TextField name="log-next" label=Signal::derive(move || text(Msg::NextActionOn)) value=next_action input_type="date"/>
                    <Show when=move || outcome.get() == "PROMISE_TO_PAY">
                        <TextField name="log-promise-amount" label=Signal::derive(move || text(Msg::PromiseAmount)) value=promise_amount/>
                        <TextField name="log-promise-date" label=Signal::derive(move || text(Msg::PromiseDate)) value=promise_date input_type="date"/>
                    </Show>
                    <div class="form-actions">
                        <Button r#type="submit" busy=busy test_id="save-activity">{move || text(Msg::LogActivity)}</Button>
                    </div>
                </form>
            </Show>
            <h3>{move || text(Msg::Promises)}</h3>
            {move || {
                let list = promises();
                if list.is_empty() {
                    view! { <p>{text(Msg::NoPromises)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list" data-testid="promises">
                            {list.into_iter().map(|p| {
                                let l = locale.get_untracked();
                                let status = format!("{:?}", p.status);
                                view! {
                                    <li data-testid="promise-row">
                                        <span class=format!("badge promise-{}", status.to_lowercase())>{text(status_msg(&status))}</span>" "
                                        {show(l, &p.amount.amount, &p.amount.currency)}" · "{display::date(l, &p.promised_date)}
                                        {(p.paid_amount.amount.parse::<f64>().unwrap_or(0.0) > 0.0).then(|| format!(" · {}", show(l, &p.paid_amount.amount, &p.paid_amount.currency)))}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
            <h3>{move || text(Msg::Timeline)}</h3>
            {move || {
                let list = activities();
                if list.is_empty() {
                    view! { <p>{text(Msg::NoActivities)}</p> }.into_any()
                } else {
                    view! {
                        <ol class="timeline" data-testid="activities">
                            {list.into_iter().map(|a| {
                                let l = locale.get_untracked();
                                let channel = format!("{:?}", a.channel);
                                let outcome = format!("{:?}", a.outcome);
                                view! {
                                    <li data-testid="activity-row">
                                        <time>{display::date(l, &a.occurred_at)}</time>
                                        <strong>{text(label_of(&CHANNELS, &channel))}" · "{text(label_of(&OUTCOMES, &outcome))}</strong>
                                        {a.note.clone().map(|n| format!(" · {n}"))}
                                        {a.next_action_on.clone().map(|d| format!(" · {} {}", text(Msg::NextActionOn), display::date(l, &d)))}
                                        {format!(" · {}", a.logged_by)}
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
