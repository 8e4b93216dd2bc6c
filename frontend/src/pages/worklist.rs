//! The collector's worklist: customers ranked by expected recovery, with the reasons for each
//! rank and the tasks due; completing a task logs what happened. Beside it, the risk alerts.

use super::access::RequirePermission;
use super::collections::OUTCOMES;
use super::customers::show;
use crate::api::{self, AcknowledgeAlert, CompleteTask, Members, ResolveAlert, Worklist};
use crate::components::{Button, SelectField, TextField, ToastKind, use_toasts};
use crate::i18n::{Msg, use_locale, use_text};
use crate::session::use_session;
use domain::access::Permission;
use leptos::prelude::*;

#[component]
pub fn WorklistPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::WorkCollections>
            <WorklistView/>
        </RequirePermission>
    }
}

type Item = api::worklist::WorklistWorklistEdgesNode;

fn reason_text(
    text: impl Fn(Msg) -> &'static str,
    locale: domain::Locale,
    reason: &api::worklist::WorklistWorklistEdgesNodeReasons,
    currency: &str,
) -> String {
    use api::worklist::WorkReasonCode as Code;
    let value = reason.value.clone().unwrap_or_default();
    let days = reason.days.map(|d| d.to_string()).unwrap_or_default();
    match reason.code {
        Code::OVERDUE => format!(
            "{} {} · {} {days}",
            show(locale, &value, currency),
            text(Msg::ReasonOverdue),
            text(Msg::ReasonDaysUpTo)
        ),
        Code::LIKELY_TO_PAY => format!("{} {value}%", text(Msg::ReasonLikely)),
        Code::UNLIKELY_TO_PAY => format!("{} {value}%", text(Msg::ReasonUnlikely)),
        Code::NO_HISTORY => text(Msg::ReasonNoHistory).to_owned(),
        Code::BROKEN_PROMISE => format!("{} {days}", text(Msg::ReasonBrokenPromise)),
        Code::TASK_DUE => format!("{} {days}", text(Msg::ReasonTaskDue)),
        Code::FOLLOW_UP_DUE => text(Msg::ReasonFollowUp).to_owned(),
        _ => text(Msg::ReasonNotContacted).to_owned(),
    }
}

#[component]
fn WorklistView() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    let manager = move || {
        session
            .current
            .get()
            .is_some_and(|s| s.can(Permission::ManageDunning) && s.can(Permission::ViewTeam))
    };
    let collector = RwSignal::new(String::new());
    let members = LocalResource::new(move || async move {
        if !manager() {
            return Vec::new();
        }
        api::run::<Members>(api::members::Variables {})
            .await
            .map(|data| data.members)
            .unwrap_or_default()
    });
    let reload = RwSignal::new(0u32);
    let data = LocalResource::new(move || {
        reload.track();
        let chosen = collector.get();
        async move {
            api::run::<Worklist>(api::worklist::Variables {
                collector_id: Some(chosen).filter(|id| !id.is_empty()),
            })
            .await
        }
    });
    let collector_options = Signal::derive(move || {
        let mut options = vec![(String::new(), text(Msg::WorklistTitle).to_owned())];
        options.extend(members.get().unwrap_or_default().into_iter().map(|m| {
            (
                m.user.id.clone(),
                format!("{} ({})", m.user.name, m.user.email),
            )
        }));
        options
    });
    let alert_action = move |id: String, resolve: bool| {
        leptos::task::spawn_local(async move {
            let result = if resolve {
                api::run::<ResolveAlert>(api::resolve_alert::Variables {
                    input: api::resolve_alert::AlertActionInput {
                        alert_id: id,
                        note: None,
                    },
                })
                .await
                .map(|_| ())
            } else {
                api::run::<AcknowledgeAlert>(api::acknowledge_alert::Variables {
                    input: api::acknowledge_alert::AlertActionInput {
                        alert_id: id,
                        note: None,
                    },
                })
                .await
                .map(|_| ())
            };
            match result {
                Ok(()) => {
                    toasts.push(ToastKind::Success, text(Msg::AlertUpdated));
                    reload.update(|n| *n += 1);
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };

    view! {
        <section class="page">
            <header class="page-header">
                <h1>{move || text(Msg::WorklistTitle)}</h1>
                <p class="lead">{move || text(Msg::WorklistLead)}</p>
            </header>
            <Show when=manager>
                <div class="toolbar">
                    <SelectField name="worklist-collector" label=Signal::derive(move || text(Msg::CollectorLabel)) value=collector options=collector_options/>
                </div>
            </Show>
            <div class="worklist-layout">
                <div class="panel">
                    {move || match data.get() {
                        None => view! { <p>{move || text(Msg::Loading)}</p> }.into_any(),
                        Some(Err(error)) => { toasts.api_error(locale.get_untracked(), error); ().into_any() }
                        Some(Ok(data)) if data.worklist.edges.is_empty() => view! { <p data-testid="worklist-empty">{move || text(Msg::NothingToWork)}</p> }.into_any(),
                        Some(Ok(data)) => view! {
                            <ol class="worklist" data-testid="worklist">
                                {data.worklist.edges.into_iter().map(|edge| view! { <WorkRow item=edge.node reload=reload/> }).collect_view()}
                            </ol>
                        }.into_any(),
                    }}
                </div>
                <aside class="panel alerts" aria-labelledby="alerts-title">
                    <h2 id="alerts-title">{move || text(Msg::RiskAlerts)}</h2>
                    {move || {
                        let alerts = data.get().and_then(Result::ok).map(|d| d.risk_alerts.edges).unwrap_or_default();
                        if alerts.is_empty() {
                            view! { <p>{move || text(Msg::NoAlerts)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="plain-list" data-testid="alerts">
                                    {alerts.into_iter().map(|edge| {
                                        let alert = edge.node;
                                        let kind = format!("{:?}", alert.kind);
                                        let label = if kind == "BROKEN_PROMISE" { Msg::AlertBrokenPromise } else { Msg::AlertOther };
                                        let severity = format!("{:?}", alert.severity).to_lowercase();
                                        let acknowledged = format!("{:?}", alert.status) == "ACKNOWLEDGED";
                                        let (ack_id, resolve_id) = (alert.id.clone(), alert.id.clone());
                                        view! {
                                            <li data-testid="alert-row" class=format!("alert-row severity-{severity}")>
                                                <strong>{move || text(label)}</strong>" · "
                                                <a href=format!("/customers/{}", alert.customer.id)>{alert.customer.name.clone()}</a>
                                                <p>{alert.message.clone()}</p>
                                                <div class="row-actions">
                                                    <Show when=move || !acknowledged>
                                                        <button type="button" class="button button-secondary" on:click={let id = ack_id.clone(); move |_| alert_action(id.clone(), false)}>{move || text(Msg::Acknowledge)}</button>
                                                    </Show>
                                                    <button type="button" class="button button-secondary" on:click=move |_| alert_action(resolve_id.clone(), true)>{move || text(Msg::Resolve)}</button>
                                                </div>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }
                    }}
                </aside>
            </div>
        </section>
    }
}

#[component]
fn WorkRow(item: Item, reload: RwSignal<u32>) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let currency = item.overdue.currency.clone();
    let percent = item
        .likelihood_to_pay
        .parse::<f64>()
        .map(|p| format!("{:.0}%", p * 100.0))
        .unwrap_or_default();
    let reasons = item.reasons.clone();
    view! {
        <li class="work-item" data-testid="work-item">
            <div class="work-head">
                <span class="work-rank" aria-label=move || format!("#{}", item.rank)>{item.rank}</span>
                <a class="work-customer" href=format!("/customers/{}", item.customer.id)>{item.customer.name.clone()}</a>
                <span class="work-figure">{move || text(Msg::ExpectedRecovery)}": "<strong>{show(locale.get_untracked(), &item.expected_recovery.amount, &item.expected_recovery.currency)}</strong></span>
                <span class="work-figure">{move || text(Msg::LikelihoodToPay)}": "{percent.clone()}</span>
                {item.open_promise.then(|| view! { <span class="badge">{move || text(Msg::AwaitingPromise)}</span> })}
            </div>
            <ul class="reasons" data-testid="work-reasons">
                {reasons.iter().map(|reason| {
                    let line = reason_text(text, locale.get_untracked(), reason, &currency);
                    view! { <li>{line}</li> }
                }).collect_view()}
            </ul>
            {item.tasks.into_iter().map(|task| view! { <TaskRow task=task reload=reload/> }).collect_view()}
        </li>
    }
}

#[component]
fn TaskRow(
    task: api::worklist::WorklistWorklistEdgesNodeTasks,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let open = RwSignal::new(false);
    let outcome = RwSignal::new("NO_ANSWER".to_owned());
    let note = RwSignal::new(String::new());
    let promise_amount = RwSignal::new(String::new());
    let promise_date = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let task_id = task.id.clone();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        error.set(None);
        busy.set(true);
        let optional = |value: String| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        let input = api::complete_task::CompleteTaskInput {
            task_id: task_id.clone(),
            outcome: api::from_domain::<String, api::complete_task::CollectionOutcome>(
                &outcome.get_untracked(),
            )
            .unwrap_or(api::complete_task::CollectionOutcome::OTHER),
            channel: None,
            note: optional(note.get_untracked()),
            contact_name: None,
            location: None,
            next_action_on: None,
            promise: optional(promise_amount.get_untracked()).map(|amount| {
                api::complete_task::PromiseInput {
                    amount,
                    currency: None,
                    promised_date: promise_date.get_untracked(),
                }
            }),
        };
        leptos::task::spawn_local(async move {
            match api::run::<CompleteTask>(api::complete_task::Variables { input }).await {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(Msg::TaskCompleted));
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
    let outcome_options = Signal::derive(move || {
        OUTCOMES
            .iter()
            .map(|(v, m)| ((*v).to_owned(), text(*m).to_owned()))
            .collect::<Vec<_>>()
    });
    let kind = task.kind.clone();
    view! {
        <div class="task-row" data-testid="task-row">
            <span class="badge">{move || text(task_kind(&kind))}</span>" "{task.title.clone()}
            <button type="button" class="button button-secondary" aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o) data-testid="open-task">
                {move || text(Msg::CompleteTask)}
            </button>
            <Show when=move || open.get()>
                <form class="form-grid quick-log" on:submit=submit.clone() data-testid="complete-task">
                    <Show when=move || error.get().is_some()>
                        <p class="form-error" role="alert">{move || error.get().unwrap_or_default()}</p>
                    </Show>
                    <SelectField name="task-outcome" label=Signal::derive(move || text(Msg::Outcome)) value=outcome options=outcome_options/>
                    <TextField name="task-note" label=Signal::derive(move || text(Msg::Note)) value=note/>
                    <Show when=move || outcome.get() == "PROMISE_TO_PAY">
                        <TextField name="task-promise-amount" label=Signal::derive(move || text(Msg::PromiseAmount)) value=promise_amount/>
                        <TextField name="task-promise-date" label=Signal::derive(move || text(Msg::PromiseDate)) value=promise_date input_type="date"/>
                    </Show>
                    <div class="form-actions">
                        <Button r#type="submit" busy=busy test_id="save-task">{move || text(Msg::CompleteTask)}</Button>
                    </div>
                </form>
            </Show>
        </div>
    }
}

/// A task's kind (`CALL`, `VISIT`, …) as the channel it uses.
fn task_kind(kind: &str) -> Msg {
    match kind {
        "CALL" => Msg::ChannelPhone,
        "VISIT" => Msg::ChannelVisit,
        "SMS" => Msg::ChannelSms,
        "WECHAT" => Msg::ChannelWechat,
        "EMAIL" => Msg::ChannelEmail,
        "LETTER" => Msg::ChannelLetter,
        "REVIEW" => Msg::TaskReview,
        _ => Msg::ChannelOther,
    }
}
