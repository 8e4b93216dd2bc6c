//! Dunning ladders: the company's ladders, an editor for a new one, and a preview of what a run
//! would do on any date, on real data.

use super::access::RequirePermission;
use super::customers::show;
use crate::api::{self, DunningPolicies, PreviewDunning, SaveDunningPolicy};
use crate::components::{Button, TextField, ToastKind, use_toasts};
use crate::i18n::{Msg, use_locale, use_text};
use crate::session::use_session;
use domain::access::Permission;
use leptos::prelude::*;

const ACTIONS: [(&str, Msg); 9] = [
    ("SEND_EMAIL", Msg::ActionSendEmail),
    ("SEND_SMS", Msg::ActionSendSms),
    ("SEND_WECHAT", Msg::ActionSendWechat),
    ("CALL_TASK", Msg::ActionCallTask),
    ("VISIT_TASK", Msg::ActionVisitTask),
    ("LATE_FEE", Msg::ActionLateFee),
    ("PLACE_CREDIT_HOLD", Msg::ActionPlaceCreditHold),
    ("ESCALATE_TO_LEGAL", Msg::ActionEscalateToLegal),
    ("NOTIFY_TEAM", Msg::ActionNotifyTeam),
];

fn action_msg(action: &str) -> Msg {
    ACTIONS
        .iter()
        .find(|(name, _)| *name == action)
        .map(|(_, msg)| *msg)
        .unwrap_or(Msg::ActionNotifyTeam)
}

#[component]
pub fn DunningPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::WorkCollections>
            <Dunning/>
        </RequirePermission>
    }
}

#[derive(Clone, Copy)]
struct StepDraft {
    key: u32,
    offset: RwSignal<String>,
    action: RwSignal<String>,
    name: RwSignal<String>,
}

#[component]
fn Dunning() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    let reload = RwSignal::new(0u32);
    let ladders = LocalResource::new(move || {
        reload.track();
        async move {
            api::run::<DunningPolicies>(api::dunning_policies::Variables {})
                .await
                .map(|data| data.dunning_policies)
                .unwrap_or_default()
        }
    });
    let today = {
        let now = js_sys::Date::new_0();
        format!(
            "{:04}-{:02}-{:02}",
            now.get_full_year(),
            now.get_month() + 1,
            now.get_date()
        )
    };
    let date = RwSignal::new(today.clone());
    let preview_date = RwSignal::new(today);
    let preview = LocalResource::new(move || {
        let date = preview_date.get();
        async move {
            api::run::<PreviewDunning>(api::preview_dunning::Variables { date })
                .await
                .map(|data| data.preview_dunning_run.customers)
        }
    });
    let manages = move || {
        session
            .current
            .get()
            .is_some_and(|s| s.can(Permission::ManageDunning))
    };

    // The editor for a new ladder.
    let name = RwSignal::new(String::new());
    let next_key = StoredValue::new(1u32);
    let new_step = |key: u32, offset: &str, action: &str, name: &str| StepDraft {
        key,
        offset: RwSignal::new(offset.to_owned()),
        action: RwSignal::new(action.to_owned()),
        name: RwSignal::new(name.to_owned()),
    };
    let steps = RwSignal::new(vec![new_step(0, "7", "SEND_EMAIL", "")]);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        error.set(None);
        busy.set(true);
        let input = api::save_dunning_policy::SaveDunningPolicyInput {
            policy_id: None,
            name: name.get_untracked(),
            make_default: None,
            steps: steps
                .get_untracked()
                .iter()
                .map(|step| api::save_dunning_policy::DunningStepInput {
                    offset_days: step
                        .offset
                        .get_untracked()
                        .trim()
                        .parse()
                        .unwrap_or(i64::MAX),
                    action: api::from_domain::<String, api::save_dunning_policy::StepAction>(
                        &step.action.get_untracked(),
                    )
                    .unwrap_or(api::save_dunning_policy::StepAction::NOTIFY_TEAM),
                    name: step.name.get_untracked(),
                })
                .collect(),
        };
        leptos::task::spawn_local(async move {
            match api::run::<SaveDunningPolicy>(api::save_dunning_policy::Variables { input }).await
            {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(Msg::LadderSaved));
                    name.set(String::new());
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
    let numbered = move || steps.get().into_iter().enumerate().collect::<Vec<_>>();

    view! {
        <section class="page">
            <header class="page-header">
                <h1>{move || text(Msg::DunningTitle)}</h1>
                <p class="lead">{move || text(Msg::DunningLead)}</p>
            </header>
            {move || ladders.get().unwrap_or_default().into_iter().map(|ladder| view! {
                <div class="panel ladder" data-testid="ladder">
                    <h2>{ladder.name.clone()}{ladder.is_default.then(|| view! { <span class="badge">{move || text(Msg::DefaultLadder)}</span> })}</h2>
                    {(!ladder.segments.is_empty()).then(|| view! { <p class="field-hint">{ladder.segments.join(", ")}</p> })}
                    <ol class="ladder-steps">
                        {ladder.steps.iter().map(|step| {
                            let action = format!("{:?}", step.action);
                            view! {
                                <li>
                                    <span class="ladder-day">{if step.offset_days > 0 { format!("+{}", step.offset_days) } else { step.offset_days.to_string() }}</span>
                                    <strong>{move || text(action_msg(&action))}</strong>" · "{step.name.clone()}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                </div>
            }).collect_view()}
            <Show when=manages>
                <form class="panel form-grid ladder-editor" on:submit=save data-testid="ladder-editor">
                    <h2>{move || text(Msg::NewLadder)}</h2>
                    <Show when=move || error.get().is_some()>
                        <p class="form-error" role="alert">{move || error.get().unwrap_or_default()}</p>
                    </Show>
                    <TextField name="ladder-name" label=Signal::derive(move || text(Msg::LadderName)) value=name/>
                    <table class="data-table">
                        <thead><tr>
                            <th scope="col">{move || text(Msg::DaysFromDue)}</th>
                            <th scope="col">{move || text(Msg::Action)}</th>
                            <th scope="col">{move || text(Msg::StepName)}</th>
                        </tr></thead>
                        <tbody>
                            <For each=numbered key=|(_, step)| step.key let:item>
                                {
                                    let (index, step) = item;
                                    view! {
                                        <tr>
                                            <td><input aria-label=move || format!("{} {}", text(Msg::DaysFromDue), index + 1) class="num" inputmode="numeric" prop:value=move || step.offset.get() on:input=move |e| step.offset.set(event_target_value(&e))/></td>
                                            <td>
                                                <select aria-label=move || format!("{} {}", text(Msg::Action), index + 1) prop:value=move || step.action.get() on:change=move |e| step.action.set(event_target_value(&e))>
                                                    {ACTIONS.iter().map(|(value, msg)| {
                                                        let selected = *value == step.action.get_untracked();
                                                        view! { <option value=*value selected=selected>{move || text(*msg)}</option> }
                                                    }).collect_view()}
                                                </select>
                                            </td>
                                            <td><input aria-label=move || format!("{} {}", text(Msg::StepName), index + 1) prop:value=move || step.name.get() on:input=move |e| step.name.set(event_target_value(&e))/></td>
                                        </tr>
                                    }
                                }
                            </For>
                        </tbody>
                    </table>
                    <button type="button" class="button button-secondary" on:click=move |_| {
                        let key = next_key.get_value();
                        next_key.set_value(key + 1);
                        steps.update(|list| list.push(new_step(key, "", "SEND_EMAIL", "")));
                    }>{move || text(Msg::AddLine)}</button>
                    <div class="form-actions">
                        <Button r#type="submit" busy=busy test_id="save-ladder">{move || text(Msg::SaveLadder)}</Button>
                    </div>
                </form>
            </Show>
            <div class="panel preview">
                <h2>{move || text(Msg::PreviewRun)}</h2>
                <form class="toolbar" on:submit=move |event| { event.prevent_default(); preview_date.set(date.get_untracked()); }>
                    <TextField name="preview-date" label=Signal::derive(move || text(Msg::PreviewDate)) value=date input_type="date"/>
                    <button type="submit" class="button button-secondary" data-testid="run-preview">{move || text(Msg::Show)}</button>
                </form>
                {move || match preview.get() {
                    None => view! { <p>{move || text(Msg::Loading)}</p> }.into_any(),
                    Some(Err(error)) => { toasts.api_error(locale.get_untracked(), error); ().into_any() }
                    Some(Ok(customers)) if customers.is_empty() => view! { <p data-testid="preview-empty">{move || text(Msg::NothingDue)}</p> }.into_any(),
                    Some(Ok(customers)) => view! {
                        <ul class="plain-list" data-testid="preview">
                            {customers.into_iter().map(|row| {
                                let l = locale.get_untracked();
                                view! {
                                    <li data-testid="preview-row">
                                        <strong>{row.customer.name.clone()}</strong>" · "{row.policy_name.clone()}
                                        {row.paused.as_ref().map(|reason| format!(" · {} {reason:?}", text(Msg::PausedBecause)))}
                                        {row.steps.iter().map(|s| {
                                            let numbers: Vec<String> = s.invoices.iter().filter_map(|i| i.number.clone()).collect();
                                            let action = format!("{:?}", s.step.action);
                                            format!(" · {} {} ({}) {}", text(action_msg(&action)), s.step.name, numbers.join(", "), show(l, &s.total.amount, &s.total.currency))
                                        }).collect::<Vec<_>>().join("")}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }}
            </div>
        </section>
    }
}
