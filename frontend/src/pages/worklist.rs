//! The collector's worklist: customers ranked by expected recovery, with the reasons for each
//! rank and the tasks due; completing a task logs what happened. Beside it, the risk alerts.
//! Owners and managers switch between their own, everyone's, the unassigned customers, or one
//! collector's; a collector always sees their own.

use super::access::RequirePermission;
use super::collections::OUTCOMES;
use super::customers::show;
use super::script_view::{ScriptPanel, ShownScript};
use crate::api::{self, AcknowledgeAlert, CompleteTask, ResolveAlert, Worklist};
use crate::components::{
    Button, SelectField, TextField, ToastKind, enum_name, task_kind_msg, use_collectors,
    use_toasts, use_works_all,
};
use crate::i18n::{Msg, use_locale, use_text};
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
    // Owners and managers choose whose list to see; a collector always gets their own.
    let manager = use_works_all();
    let members = use_collectors(manager);
    // "" is the server's default: mine when I have customers assigned, else everyone's.
    let scope = RwSignal::new(String::new());
    let collector = RwSignal::new(String::new());
    let reload = RwSignal::new(0u32);
    let data = LocalResource::new(move || {
        reload.track();
        let chosen = collector.get();
        let scope = scope.get();
        let manager = manager.get();
        async move {
            // A collector, or a scope: never both (the server refuses it).
            let collector_id = Some(chosen).filter(|id| manager && !id.is_empty());
            let scope = if manager && collector_id.is_none() {
                api::chosen::<api::worklist::WorklistScope>(&scope)
            } else {
                None
            };
            api::run::<Worklist>(api::worklist::Variables {
                collector_id,
                scope,
            })
            .await
        }
    });
    let scope_options = move || {
        [
            ("", Msg::WorkScopeDefault),
            ("MINE", Msg::WorkScopeMine),
            ("ALL", Msg::WorkScopeAll),
            ("UNASSIGNED", Msg::WorkScopeUnassigned),
        ]
        .into_iter()
        .map(|(value, msg)| {
            let selected = value == scope.get_untracked();
            view! { <option value=value selected=selected>{text(msg)}</option> }
        })
        .collect_view()
    };
    let collector_options = move || {
        let mut options = vec![(String::new(), text(Msg::WorkAnyCollector).to_owned())];
        options.extend(members.get().unwrap_or_default());
        options
            .into_iter()
            .map(|(value, label)| {
                let selected = value == collector.get_untracked();
                view! { <option value=value selected=selected>{label}</option> }
            })
            .collect_view()
    };
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
            <Show when=move || manager.get()>
                <div class="toolbar" data-testid="worklist-switch">
                    <div class="field">
                        <label for="worklist-scope">{move || text(Msg::WorkShow)}</label>
                        <select id="worklist-scope" name="worklist-scope" data-testid="worklist-scope"
                            disabled=move || !collector.get().is_empty()
                            prop:value=move || scope.get()
                            on:change=move |event| scope.set(event_target_value(&event))>
                            {scope_options}
                        </select>
                    </div>
                    <div class="field">
                        <label for="worklist-collector">{move || text(Msg::WorkCollector)}</label>
                        <select id="worklist-collector" name="worklist-collector" data-testid="worklist-collector"
                            prop:value=move || collector.get()
                            on:change=move |event| collector.set(event_target_value(&event))>
                            {collector_options}
                        </select>
                    </div>
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
    let open = RwSignal::new(false);
    let kind = task_kind_msg(&enum_name(&task.kind));
    let script = task.script.as_ref().and_then(ShownScript::of);
    let task_id = task.id;
    view! {
        <div class="task-row" data-testid="task-row">
            <span class="badge">{move || text(kind)}</span>" "{task.title}
            <button type="button" class="button button-secondary" aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o) data-testid="open-task">
                {move || text(Msg::CompleteTask)}
            </button>
            {script.map(|script| view! { <ScriptPanel script=script test_id="task-script"/> })}
            <Show when=move || open.get()>
                <CompleteTaskForm task_id=task_id.clone() in_dialog=false
                    on_done=Callback::new(move |_| reload.update(|n| *n += 1))/>
            </Show>
        </div>
    }
}

/// Completing a task: what happened (the outcome, a note, a promise to pay) is logged as the
/// customer's activity. Inline in the worklist, or in the task list's dialog (`in_dialog`: its
/// own field names and test ids, since both may be on one page's DOM at different times).
#[component]
pub fn CompleteTaskForm(
    task_id: String,
    in_dialog: bool,
    /// Called once the task is completed.
    on_done: Callback<()>,
    /// What to say (话术), unfolded above the form: the dialog is open while the collector calls.
    #[prop(optional_no_strip)]
    script: Option<ShownScript>,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let outcome = RwSignal::new("NO_ANSWER".to_owned());
    let note = RwSignal::new(String::new());
    let promise_amount = RwSignal::new(String::new());
    let promise_date = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let task_id = StoredValue::new(task_id);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        busy.set(true);
        let optional = |value: String| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        let input = api::complete_task::CompleteTaskInput {
            task_id: task_id.get_value(),
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
                    on_done.run(());
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
    let (names, form_id, save_id) = if in_dialog {
        (
            [
                "done-outcome",
                "done-note",
                "done-promise-amount",
                "done-promise-date",
            ],
            "task-done-form",
            "confirm-task-done",
        )
    } else {
        (
            [
                "task-outcome",
                "task-note",
                "task-promise-amount",
                "task-promise-date",
            ],
            "complete-task",
            "save-task",
        )
    };
    view! {
        <form class="form-grid quick-log" on:submit=submit data-testid=form_id>
            {script.map(|script| view! { <ScriptPanel script=script test_id="task-script" open=true/> })}
            <Show when=move || error.get().is_some()>
                <p class="form-error" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
            <SelectField name=names[0] label=Signal::derive(move || text(Msg::Outcome)) value=outcome options=outcome_options/>
            <TextField name=names[1] label=Signal::derive(move || text(Msg::Note)) value=note/>
            <Show when=move || outcome.get() == "PROMISE_TO_PAY">
                <TextField name=names[2] label=Signal::derive(move || text(Msg::PromiseAmount)) value=promise_amount/>
                <TextField name=names[3] label=Signal::derive(move || text(Msg::PromiseDate)) value=promise_date input_type="date"/>
            </Show>
            <div class="form-actions">
                <Button r#type="submit" busy=busy test_id=save_id>{move || text(Msg::CompleteTask)}</Button>
            </div>
        </form>
    }
}
