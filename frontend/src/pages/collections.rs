//! The customer's collections panel: a quick log (keyboard-friendly: one form, Enter saves;
//! it can also schedule a follow-up call), the customer's open tasks with a button to schedule
//! a visit or a call back, the activity log and the promises to pay with their status. An open
//! promise can be cancelled, and an activity corrected by its author within a day.

use super::activity_edit::{ActivityCorrection, CancelPromiseButton, correctable};
use super::customers::show;
use super::script_view::QuickLogScript;
use crate::api::{
    self, AssignDunningPolicy, CustomerCollections, DunningPolicyNames, LogActivity, PauseDunning,
    Tasks,
};
use crate::components::{
    Button, ScheduleTask, SelectField, TextField, ToastKind, create_task, enum_name, task_kind_msg,
    use_toasts,
};
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

pub fn status_msg(status: &str) -> Msg {
    match status {
        "KEPT" => Msg::PromiseStatusKept,
        "PARTIALLY_KEPT" => Msg::PromiseStatusPartiallyKept,
        "BROKEN" => Msg::PromiseStatusBroken,
        "CANCELLED" => Msg::PromiseStatusCancelled,
        _ => Msg::PromiseStatusOpen,
    }
}

/// One collection activity as the timelines show it, whichever query it came from (the
/// operations' generated types differ; their JSON does not).
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ActivityLine {
    id: String,
    channel: String,
    outcome: String,
    occurred_at: String,
    note: Option<String>,
    contact_name: Option<String>,
    location: Option<String>,
    next_action_on: Option<String>,
    logged_by: String,
    logged_at: String,
    #[serde(default)]
    tracking_number: Option<String>,
    #[serde(default)]
    invoices: Vec<InvoiceNumber>,
}

#[derive(serde::Deserialize)]
struct InvoiceNumber {
    number: Option<String>,
}

/// `correct`: the signed-in user's email and what to do after a correction, where activities
/// may be corrected (their author's, within the window).
fn activity_item(
    text: impl Fn(Msg) -> &'static str + Copy + 'static,
    l: domain::Locale,
    a: ActivityLine,
    test_id: &'static str,
    correct: Option<(String, Callback<()>)>,
) -> impl IntoView {
    let correction = correct
        .filter(|(me, _)| correctable(&a.logged_by, &a.logged_at, me))
        .map(|(_, on_done)| {
            view! {
                " "
                <ActivityCorrection activity_id=a.id.clone() outcome=a.outcome.clone()
                    note=a.note.clone().unwrap_or_default()
                    next_action_on=a.next_action_on.clone().unwrap_or_default() on_done=on_done/>
            }
        });
    let numbers: Vec<String> = a.invoices.into_iter().filter_map(|i| i.number).collect();
    let files = view! {
        " "
        <crate::components::AttachmentsToggle owner=domain::attachments::AttachmentOwner::Activity
            owner_id=a.id.clone() photo=true/>
    };
    view! {
        <li data-testid=test_id>
            <time>{display::date(l, &a.occurred_at)}</time>
            <strong>{text(label_of(&CHANNELS, &a.channel))}" · "{text(label_of(&OUTCOMES, &a.outcome))}</strong>
            {a.contact_name.map(|n| format!(" · {n}"))}
            {a.location.map(|n| format!(" · {n}"))}
            {(!numbers.is_empty()).then(|| format!(" · {}", numbers.join(", ")))}
            {a.note.map(|n| format!(" · {n}"))}
            {a.tracking_number.map(|n| view! { " · " <span data-testid="tracking-number">{text(crate::i18n::DocumentsMsg::TrackingNumber)}" "{n}</span> })}
            {a.next_action_on.map(|d| format!(" · {} {}", text(Msg::NextActionOn), display::date(l, &d)))}
            {format!(" · {}", crate::i18n::stored_text(l, &a.logged_by))}
            {correction}
            {files}
        </li>
    }
}

#[component]
pub fn CustomerCollectionsPanel(customer_id: String) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    let reload = RwSignal::new(0u32);
    let reloaded = Callback::new(move |_| reload.update(|n| *n += 1));
    let customer_id_for_legal = customer_id.clone();
    let customer_id_for_dunning = customer_id.clone();
    let customer_id_for_schedule = customer_id.clone();
    let customer_id_for_script = customer_id.clone();
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
    // The customer's open tasks, soonest due first.
    let may_view_tasks = session
        .current
        .get_untracked()
        .is_some_and(|s| s.can(Permission::ViewCollections));
    let open_tasks = LocalResource::new({
        let customer_id = customer_id.clone();
        move || {
            reload.track();
            let customer_id = customer_id.clone();
            async move {
                if !may_view_tasks {
                    return Vec::new();
                }
                api::run::<Tasks>(api::tasks::Variables {
                    after: None,
                    filter: Some(api::tasks::TaskFilter {
                        assignee_id: None,
                        scope: None,
                        status: Some(vec![api::tasks::TaskStatus::OPEN]),
                        due_before: None,
                        customer_id: Some(customer_id),
                    }),
                })
                .await
                .map(|d| {
                    d.tasks
                        .edges
                        .into_iter()
                        .map(|e| e.node)
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
            }
        }
    });
    let channel = RwSignal::new("PHONE".to_owned());
    let outcome = RwSignal::new("NO_ANSWER".to_owned());
    let note = RwSignal::new(String::new());
    let next_action = RwSignal::new(String::new());
    let contact = RwSignal::new(String::new());
    let location = RwSignal::new(String::new());
    let occurred_at = RwSignal::new(String::new());
    // The open invoices the contact was about, by id.
    let about = RwSignal::new(Vec::<String>::new());
    let promise_amount = RwSignal::new(String::new());
    let promise_date = RwSignal::new(String::new());
    // Also make a follow-up task (a call, due on the next action's day, else tomorrow).
    let follow_up = RwSignal::new(false);
    Effect::new(move |_| {
        if outcome.get() == "CALLBACK_REQUESTED" {
            follow_up.set(true);
        }
    });
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
        let chosen = about.get_untracked();
        let input = api::log_activity::LogCollectionActivityInput {
            customer_id: customer_id.clone(),
            invoice_ids: (!chosen.is_empty()).then_some(chosen),
            channel: api::from_domain::<String, api::log_activity::CollectionChannel>(
                &channel.get_untracked(),
            )
            .unwrap_or(api::log_activity::CollectionChannel::OTHER),
            outcome: api::from_domain::<String, api::log_activity::CollectionOutcome>(
                &outcome.get_untracked(),
            )
            .unwrap_or(api::log_activity::CollectionOutcome::OTHER),
            note: optional(note.get_untracked()),
            contact_name: optional(contact.get_untracked()),
            location: optional(location.get_untracked())
                .filter(|_| channel.get_untracked() == "VISIT"),
            // The browser's local time, sent as an instant.
            occurred_at: optional(occurred_at.get_untracked()).map(|local| {
                String::from(
                    js_sys::Date::new(&wasm_bindgen::JsValue::from_str(&local)).to_iso_string(),
                )
            }),
            next_action_on: optional(next_action.get_untracked()),
            promise,
        };
        // The follow-up task, made once the activity is saved: (customer, due on).
        let follow_up_task = follow_up.get_untracked().then(|| {
            (
                customer_id.clone(),
                optional(next_action.get_untracked())
                    .unwrap_or_else(|| crate::calendar::company_date(1)),
            )
        });
        leptos::task::spawn_local(async move {
            match api::run::<LogActivity>(api::log_activity::Variables { input }).await {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(Msg::ActivityLogged));
                    if let Some((customer, due_on)) = follow_up_task {
                        match create_task(customer, "CALL", due_on, None, None).await {
                            Ok(()) => toasts.push(ToastKind::Success, text(Msg::TaskScheduled)),
                            Err(failure) => toasts.api_error(locale.get_untracked(), failure),
                        }
                        follow_up.set(false);
                    }
                    note.set(String::new());
                    contact.set(String::new());
                    location.set(String::new());
                    occurred_at.set(String::new());
                    about.set(Vec::new());
                    promise_amount.set(String::new());
                    promise_date.set(String::new());
                    next_action.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(failure @ api::ApiError::Api { .. }) => {
                    error.set(Some(failure.text(locale.get_untracked())));
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
    let open_invoices = move || {
        let l = locale.get_untracked();
        data.get()
            .flatten()
            .map(|d| {
                d.open_invoices
                    .edges
                    .into_iter()
                    .map(|e| {
                        let n = e.node;
                        (
                            n.id,
                            format!(
                                "{} · {} · {}",
                                n.number.unwrap_or_default(),
                                display::date(l, &n.due_date),
                                show(l, &n.balance_due.amount, &n.balance_due.currency)
                            ),
                        )
                    })
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
            <DunningControls customer_id=customer_id_for_dunning.clone() reload=reload
                paused_until=Signal::derive(move || data.get().flatten().and_then(|d| d.customer).and_then(|c| c.dunning_paused_until))
                pause_reason=Signal::derive(move || data.get().flatten().and_then(|d| d.customer).and_then(|c| c.dunning_pause_reason))
                policy_id=Signal::derive(move || data.get().flatten().and_then(|d| d.customer).and_then(|c| c.dunning_policy_id))/>
            <Show when=may_log>
                <form class="form-grid quick-log" on:submit=submit.clone() data-testid="quick-log">
                    <Show when=move || error.get().is_some()>
                        <p class="form-error" role="alert">{move || error.get().unwrap_or_default()}</p>
                    </Show>
                    <SelectField name="log-channel" label=Signal::derive(move || text(Msg::Channel)) value=channel options=channel_options/>
                    <QuickLogScript customer_id=customer_id_for_script.clone() channel=channel/>
                    <SelectField name="log-outcome" label=Signal::derive(move || text(Msg::Outcome)) value=outcome options=outcome_options/>
                    <TextField name="log-contact" label=Signal::derive(move || text(Msg::ContactName)) value=contact/>
                    <Show when=move || channel.get() == "VISIT">
                        <TextField name="log-location" label=Signal::derive(move || text(Msg::LocationLabel)) value=location/>
                    </Show>
                    <TextField name="log-occurred" label=Signal::derive(move || text(Msg::OccurredAtLabel)) value=occurred_at input_type="datetime-local"/>
                    <TextField name="log-note" label=Signal::derive(move || text(Msg::Note)) value=note/>
                    {move || {
                        let open = open_invoices();
                        (!open.is_empty()).then(|| view! {
                            <fieldset class="invoice-picks" data-testid="log-invoices">
                                <legend>{move || text(Msg::AboutInvoices)}</legend>
                                {open.into_iter().map(|(id, label)| {
                                    let (for_check, for_change) = (id.clone(), id);
                                    view! {
                                        <label class="check">
                                            <input type="checkbox"
                                                prop:checked=move || about.get().contains(&for_check)
                                                on:change=move |event| {
                                                    let on = event_target_checked(&event);
                                                    about.update(|ids| {
                                                        ids.retain(|x| *x != for_change);
                                                        if on { ids.push(for_change.clone()); }
                                                    });
                                                }/>
                                            {label}
                                        </label>
                                    }
                                }).collect_view()}
                            </fieldset>
                        })
                    }}
                    <TextField name="log-next" label=Signal::derive(move || text(Msg::NextActionOn)) value=next_action input_type="date"/>
                    <label class="check">
                        <input type="checkbox" id="log-follow-up" data-testid="log-follow-up"
                            prop:checked=move || follow_up.get()
                            on:change=move |event| follow_up.set(event_target_checked(&event))/>
                        {move || text(Msg::TaskScheduleFollowUp)}
                    </label>
                    <Show when=move || outcome.get() == "PROMISE_TO_PAY">
                        <TextField name="log-promise-amount" label=Signal::derive(move || text(Msg::PromiseAmount)) value=promise_amount/>
                        <TextField name="log-promise-date" label=Signal::derive(move || text(Msg::PromiseDate)) value=promise_date input_type="date"/>
                    </Show>
                    <div class="form-actions">
                        <Button r#type="submit" busy=busy test_id="save-activity">{move || text(Msg::LogActivity)}</Button>
                    </div>
                </form>
            </Show>
            <div class="customer-tasks-head">
                <h3>{move || text(Msg::OpenTasks)}</h3>
                <Show when=may_log>
                    <ScheduleTask customer_id=customer_id_for_schedule.clone()
                        on_done=Callback::new(move |_| reload.update(|n| *n += 1))/>
                </Show>
                <Show when=may_log>
                    <a href="/tasks">{move || text(Msg::AllTasksLink)}</a>
                </Show>
            </div>
            {move || {
                let list = open_tasks.get().unwrap_or_default();
                if list.is_empty() {
                    view! { <p>{text(Msg::NoTasks)}</p> }.into_any()
                } else {
                    let today = crate::calendar::company_date(0);
                    view! {
                        <ul class="plain-list" data-testid="customer-tasks">
                            {list.into_iter().map(|task| {
                                let l = locale.get_untracked();
                                let kind = task_kind_msg(&enum_name(&task.kind));
                                let overdue = task.due_on < today;
                                let who = task
                                    .assignee
                                    .map(|a| a.name)
                                    .unwrap_or_else(|| text(Msg::WorkScopeUnassigned).to_owned());
                                view! {
                                    <li data-testid="customer-task" class:task-overdue=overdue>
                                        <span class="badge badge-info">{text(kind)}</span>" "
                                        {task.title.clone()}" · "{text(Msg::DueDate)}" "{display::date(l, &task.due_on)}
                                        {overdue.then(|| view! { <span class="badge badge-danger">{text(Msg::Overdue)}</span> })}
                                        {format!(" · {who}")}
                                        {task.note.clone().map(|n| format!(" · {n}"))}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
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
                                let cancel = (status == "OPEN" && may_log()).then(|| view! {
                                    " "<CancelPromiseButton promise_id=p.id.clone() on_done=reloaded/>
                                });
                                view! {
                                    <li data-testid="promise-row">
                                        <span class=format!("badge promise-{}", status.to_lowercase())>{text(status_msg(&status))}</span>" "
                                        {show(l, &p.amount.amount, &p.amount.currency)}" · "{display::date(l, &p.promised_date)}
                                        {(p.paid_amount.amount.parse::<f64>().unwrap_or(0.0) > 0.0).then(|| format!(" · {}", show(l, &p.paid_amount.amount, &p.paid_amount.currency)))}
                                        {cancel}
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
                // Only those who work collections correct their own activities.
                let me = session.current.get_untracked()
                    .filter(|s| s.can(Permission::WorkCollections))
                    .map(|s| s.user_email);
                if list.is_empty() {
                    view! { <p>{text(Msg::NoActivities)}</p> }.into_any()
                } else {
                    view! {
                        <ol class="timeline" data-testid="activities">
                            {list.iter().filter_map(api::to_domain::<_, ActivityLine>).map(|a| activity_item(text, locale.get_untracked(), a, "activity-row", me.clone().map(|me| (me, reloaded)))).collect_view()}
                        </ol>
                    }.into_any()
                }
            }}
        </div>
    }
}

/// Dunning for this customer: pause it until a day (with a reason) or resume it, for those who
/// work collections; assign the customer its own ladder, for those who manage dunning.
#[component]
fn DunningControls(
    customer_id: String,
    reload: RwSignal<u32>,
    #[prop(into)] paused_until: Signal<Option<String>>,
    #[prop(into)] pause_reason: Signal<Option<String>>,
    #[prop(into)] policy_id: Signal<Option<String>>,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    let works = move || {
        session
            .current
            .get()
            .is_some_and(|s| s.can(Permission::WorkCollections))
    };
    let manages = session
        .current
        .get_untracked()
        .is_some_and(|s| s.can(Permission::ManageDunning));
    let until = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let ladder = RwSignal::new(String::new());
    let policies = LocalResource::new(move || async move {
        if !manages {
            return Vec::new();
        }
        api::run::<DunningPolicyNames>(api::dunning_policy_names::Variables {})
            .await
            .map(|d| {
                d.dunning_policies
                    .into_iter()
                    .map(|p| (p.id, p.name))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    // Stored, so the handlers below are `Copy` and can live inside `<Show>`.
    let customer_id = StoredValue::new(customer_id);
    let pause = move |resume: bool| {
        {
            let input = api::pause_dunning::PauseDunningInput {
                customer_id: customer_id.get_value(),
                until: if resume {
                    None
                } else {
                    Some(until.get_untracked()).filter(|d| !d.is_empty())
                },
                // Resuming needs no reason of its own: the action says it.
                reason: Some(reason.get_untracked())
                    .filter(|r| !(resume && r.trim().is_empty()))
                    .unwrap_or_else(|| text(Msg::ResumeDunningAction).to_owned()),
            };
            leptos::task::spawn_local(async move {
                match api::run::<PauseDunning>(api::pause_dunning::Variables { input }).await {
                    Ok(_) => {
                        toasts.push(ToastKind::Success, text(Msg::DunningPauseSaved));
                        reload.update(|n| *n += 1);
                    }
                    Err(error) => toasts.api_error(locale.get_untracked(), error),
                }
            });
        }
    };
    let assign = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let input = api::assign_dunning_policy::AssignDunningPolicyInput {
            policy_id: ladder.get_untracked(),
            customer_id: Some(customer_id.get_value()),
            segment: None,
        };
        leptos::task::spawn_local(async move {
            match api::run::<AssignDunningPolicy>(api::assign_dunning_policy::Variables { input })
                .await
            {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(Msg::LadderAssigned));
                    reload.update(|n| *n += 1);
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    let ladder_options = Signal::derive(move || policies.get().unwrap_or_default());
    // The select shows the customer's own ladder once both are known.
    Effect::new(move |_| {
        if let Some(id) = policy_id.get() {
            ladder.set(id);
        } else if let Some((first, _)) = ladder_options.get().first()
            && ladder.get_untracked().is_empty()
        {
            ladder.set(first.clone());
        }
    });
    view! {
        <Show when=works>
            <div class="dunning-controls" data-testid="dunning-controls">
                <h3>{move || text(Msg::DunningControls)}</h3>
                {move || paused_until.get().map(|day| view! {
                    <p data-testid="dunning-paused">
                        {move || text(Msg::DunningPausedUntil)}" "{display::date(locale.get(), &day)}
                        {pause_reason.get().map(|r| format!(" · {r}"))}
                    </p>
                })}
                <form class="form-grid" on:submit=move |event: leptos::ev::SubmitEvent| { event.prevent_default(); pause(false); }>
                    <TextField name="pause-until" label=Signal::derive(move || text(Msg::PauseUntil)) value=until input_type="date"/>
                    <TextField name="pause-reason" label=Signal::derive(move || text(Msg::PauseReason)) value=reason/>
                    <div class="form-actions">
                        <button type="submit" class="button button-secondary" data-testid="pause-dunning">{move || text(Msg::PauseDunningAction)}</button>
                        <Show when=move || paused_until.get().is_some()>
                            <button type="button" class="button button-secondary" data-testid="resume-dunning"
                                on:click=move |_| pause(true)>{move || text(Msg::ResumeDunningAction)}</button>
                        </Show>
                    </div>
                </form>
                {manages.then(|| view! {
                    <form class="form-grid" on:submit=assign data-testid="assign-ladder">
                        <SelectField name="customer-ladder" label=Signal::derive(move || text(Msg::LadderLabel)) value=ladder options=ladder_options/>
                        <p class="field-hint">{move || policy_id.get().is_none().then(|| text(Msg::LadderInherited))}</p>
                        <div class="form-actions"><button type="submit" class="button button-secondary">{move || text(Msg::AssignLadder)}</button></div>
                    </form>
                })}
            </div>
        </Show>
    }
}

/// The collection activities about one invoice, newest first: its own timeline.
#[component]
pub fn InvoiceTimeline(invoice_id: String) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let activities = LocalResource::new(move || {
        let invoice_id = invoice_id.clone();
        async move {
            api::run::<api::InvoiceTimeline>(api::invoice_timeline::Variables { invoice_id })
                .await
                .map(|d| {
                    d.collection_activities
                        .edges
                        .into_iter()
                        .map(|e| e.node)
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        }
    });
    view! {
        <div class="panel">
            <h2>{move || text(Msg::Timeline)}</h2>
            {move || {
                let list = activities.get().unwrap_or_default();
                if list.is_empty() {
                    view! { <p>{text(Msg::NoActivities)}</p> }.into_any()
                } else {
                    view! {
                        <ol class="timeline" data-testid="invoice-timeline">
                            {list.iter().filter_map(api::to_domain::<_, ActivityLine>).map(|a| activity_item(text, locale.get_untracked(), a, "invoice-activity", None)).collect_view()}
                        </ol>
                    }.into_any()
                }
            }}
        </div>
    }
}
