//! Dunning ladders: the company's ladders, an editor for a new one, and a preview of what a run
//! would do on any date, on real data.

use super::access::RequirePermission;
use super::customers::show;
use super::ladder_segments::LadderSegments;
use super::script_editor::ScriptEditor;
use super::sms_templates::{SmsStep, SmsTemplateEditor};
use crate::api::{
    self, DunningPolicies, DunningRuns, EmailTemplates, PreviewDunning, RunDunningNow,
    SaveDunningPolicy, SaveEmailTemplate,
};
use crate::components::{Button, SelectField, TextField, ToastKind, use_toasts};
use crate::i18n::{DocumentsMsg, Msg, use_locale, use_text};
use crate::session::use_session;
use domain::Locale;
use domain::access::Permission;
use domain::templates;
use leptos::prelude::*;

const ACTIONS: [(&str, Msg); 10] = [
    ("SEND_EMAIL", Msg::ActionSendEmail),
    ("SEND_LETTER", DocumentsMsg::ActionSendLetter),
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
    let today = crate::calendar::company_date(0);
    let date = RwSignal::new(today.clone());
    let preview_date = RwSignal::new(today);
    // The ladder being edited, unsaved, when the preview shows it instead of the saved ones.
    let preview_draft = RwSignal::new(None::<api::preview_dunning::SaveDunningPolicyInput>);
    let preview = LocalResource::new(move || {
        let date = preview_date.get();
        let draft = preview_draft.get();
        async move {
            api::run::<PreviewDunning>(api::preview_dunning::Variables { date, draft })
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
    // Editing an existing ladder (its id), or making a new one (none).
    let editing = RwSignal::new(None::<String>);
    let make_default = RwSignal::new(false);
    // The late fee: "" for none, or FIXED, PERCENT, INTEREST with their figures.
    let fee_kind = RwSignal::new(String::new());
    let fee_amount = RwSignal::new(String::new());
    let fee_percent = RwSignal::new(String::new());
    let fee_rate = RwSignal::new(String::new());
    let fee_grace = RwSignal::new(String::new());
    let fee_cap = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let reset_form = move || {
        editing.set(None);
        name.set(String::new());
        make_default.set(false);
        steps.set(vec![new_step(0, "7", "SEND_EMAIL", "")]);
        for field in [
            fee_kind,
            fee_amount,
            fee_percent,
            fee_rate,
            fee_grace,
            fee_cap,
        ] {
            field.set(String::new());
        }
    };
    let edit = move |ladder: &api::dunning_policies::DunningPoliciesDunningPolicies| {
        editing.set(Some(ladder.id.clone()));
        name.set(ladder.name.clone());
        make_default.set(ladder.is_default);
        let mut key = next_key.get_value();
        let drafts = ladder
            .steps
            .iter()
            .map(|step| {
                key += 1;
                let action = api::to_domain::<_, String>(&step.action).unwrap_or_default();
                new_step(key, &step.offset_days.to_string(), &action, &step.name)
            })
            .collect();
        next_key.set_value(key + 1);
        steps.set(drafts);
        let rule = ladder.fee_rule.as_ref();
        fee_kind.set(
            rule.and_then(|r| api::to_domain::<_, String>(&r.kind))
                .unwrap_or_default(),
        );
        fee_amount.set(rule.and_then(|r| r.amount.clone()).unwrap_or_default());
        fee_percent.set(rule.and_then(|r| r.percent.clone()).unwrap_or_default());
        fee_rate.set(
            rule.and_then(|r| r.annual_rate_percent.clone())
                .unwrap_or_default(),
        );
        fee_grace.set(
            rule.and_then(|r| r.grace_days)
                .map(|d| d.to_string())
                .unwrap_or_default(),
        );
        fee_cap.set(rule.and_then(|r| r.cap_percent.clone()).unwrap_or_default());
    };
    // What the editor holds, as `saveDunningPolicy` takes it.
    let editor_input = move || {
        let optional = |value: String| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        let kind = fee_kind.get_untracked();
        let fee_rule = api::chosen::<api::save_dunning_policy::FeeKind>(&kind).map(|kind| {
            api::save_dunning_policy::LateFeeRuleInput {
                kind,
                amount: optional(fee_amount.get_untracked()),
                currency: None,
                percent: optional(fee_percent.get_untracked()),
                annual_rate_percent: optional(fee_rate.get_untracked()),
                // A number the server checks; anything else is sent as none and named there.
                grace_days: fee_grace.get_untracked().trim().parse::<i64>().ok(),
                cap_percent: optional(fee_cap.get_untracked()),
            }
        });
        let editing_now = editing.get_untracked();
        api::save_dunning_policy::SaveDunningPolicyInput {
            remove_fee_rule: (fee_rule.is_none() && editing_now.is_some()).then_some(true),
            policy_id: editing_now,
            name: name.get_untracked(),
            make_default: Some(make_default.get_untracked()),
            fee_rule,
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
        }
    };
    let show_draft = move |_| {
        let draft = serde_json::to_value(editor_input())
            .ok()
            .and_then(|value| serde_json::from_value(value).ok());
        preview_draft.set(draft);
        preview_date.set(date.get_untracked());
    };
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        error.set(None);
        busy.set(true);
        let input = editor_input();
        leptos::task::spawn_local(async move {
            match api::run::<SaveDunningPolicy>(api::save_dunning_policy::Variables { input }).await
            {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(Msg::LadderSaved));
                    preview_draft.set(None);
                    reset_form();
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
    let numbered = move || steps.get().into_iter().enumerate().collect::<Vec<_>>();
    let template_ladder = RwSignal::new(String::new());

    view! {
        <section class="page">
            <header class="page-header">
                <h1>{move || text(Msg::DunningTitle)}</h1>
                <p class="lead">{move || text(Msg::DunningLead)}</p>
            </header>
            {move || ladders.get().unwrap_or_default().into_iter().map(|ladder| { let for_edit = ladder.clone(); view! {
                <div class="panel ladder" data-testid="ladder">
                    <h2>{ladder.name.clone()}{ladder.is_default.then(|| view! { <span class="badge">{move || text(Msg::DefaultLadder)}</span> })}</h2>
                    <LadderSegments policy_id=ladder.id.clone() segments=ladder.segments.clone() manages=Signal::derive(manages)
                        on_done=Callback::new(move |_| reload.update(|n| *n += 1))/>
                    <p class="field-hint" data-testid="fee-rule">{move || text(Msg::FeeRuleLabel)}": "{fee_rule_text(ladder.fee_rule.as_ref()).unwrap_or_else(|| text(Msg::NoFeeRule).to_owned())}</p>
                    <Show when=manages>
                        <button type="button" class="button button-secondary" data-testid="edit-ladder"
                            on:click={ let ladder = for_edit.clone(); move |_| edit(&ladder) }>{move || text(Msg::Edit)}</button>
                    </Show>
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
            }}).collect_view()}
            <Show when=manages>
                <form class="panel form-grid ladder-editor" on:submit=save data-testid="ladder-editor">
                    <h2>{move || if editing.get().is_some() { text(Msg::EditLadder) } else { text(Msg::NewLadder) }}</h2>
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
                    <label class="check">
                        <input type="checkbox" name="ladder-default" prop:checked=move || make_default.get() on:change=move |e| make_default.set(event_target_checked(&e))/>
                        {move || text(Msg::MakeDefaultLadder)}
                    </label>
                    <fieldset class="form-grid fee-rule-editor">
                        <legend>{move || text(Msg::FeeRuleLabel)}</legend>
                        <SelectField name="fee-kind" label=Signal::derive(move || text(Msg::FeeKindLabel)) value=fee_kind options=Signal::derive(move || vec![
                            (String::new(), text(Msg::NoFeeRule).to_owned()),
                            ("FIXED".to_owned(), text(Msg::FeeFixed).to_owned()),
                            ("PERCENT".to_owned(), text(Msg::FeePercent).to_owned()),
                            ("INTEREST".to_owned(), text(Msg::FeeInterest).to_owned()),
                        ])/>
                        <Show when=move || fee_kind.get() == "FIXED">
                            <TextField name="fee-amount" label=Signal::derive(move || text(Msg::FeeAmountLabel)) value=fee_amount/>
                        </Show>
                        <Show when=move || fee_kind.get() == "PERCENT">
                            <TextField name="fee-percent" label=Signal::derive(move || text(Msg::FeePercentLabel)) value=fee_percent/>
                        </Show>
                        <Show when=move || fee_kind.get() == "INTEREST">
                            <TextField name="fee-rate" label=Signal::derive(move || text(Msg::FeeRateLabel)) value=fee_rate/>
                            <TextField name="fee-grace" label=Signal::derive(move || text(Msg::FeeGraceLabel)) value=fee_grace input_type="number"/>
                            <TextField name="fee-cap" label=Signal::derive(move || text(Msg::FeeCapLabel)) value=fee_cap/>
                        </Show>
                    </fieldset>
                    <div class="form-actions">
                        <Button r#type="submit" busy=busy test_id="save-ladder">{move || text(Msg::SaveLadder)}</Button>
                        <button type="button" class="button button-secondary" data-testid="preview-draft" on:click=show_draft>
                            {move || text(Msg::PreviewDraft)}
                        </button>
                        <Show when=move || editing.get().is_some()>
                            <button type="button" class="button button-secondary" on:click=move |_| reset_form()>{move || text(Msg::Cancel)}</button>
                        </Show>
                    </div>
                </form>
            </Show>
            <RunHistory/>
            // The templates of whichever ladder is chosen (the first at the start).
            <Show when=move || ladders.get().is_some_and(|list| list.len() > 1)>
                <div class="toolbar">
                    <SelectField name="template-ladder" label=Signal::derive(move || text(Msg::LadderLabel)) value=template_ladder
                        options=Signal::derive(move || ladders.get().unwrap_or_default().into_iter().map(|l| (l.id, l.name)).collect::<Vec<_>>())/>
                </div>
            </Show>
            {move || {
                let chosen = template_ladder.get();
                let list = ladders.get().unwrap_or_default();
                list.iter()
                    .find(|ladder| ladder.id == chosen)
                    .or_else(|| list.first())
                    .map(|ladder| {
                        let (sms_policy, steps) = (ladder.id.clone(), sms_steps(ladder));
                        view! {
                            <TemplateEditor policy_id=ladder.id.clone() manages=Signal::derive(manages)/>
                            <ScriptEditor policy_id=ladder.id.clone() manages=Signal::derive(manages)/>
                            <Show when=manages>
                                <SmsTemplateEditor policy_id=sms_policy.clone() steps=steps.clone()/>
                            </Show>
                        }
                    })
            }}
            <div class="panel preview">
                <h2>{move || text(Msg::PreviewRun)}</h2>
                <Show when=move || preview_draft.with(Option::is_some)>
                    <p class="notice" data-testid="preview-of-draft">
                        {move || text(Msg::PreviewOfDraft)}" "
                        <button type="button" class="button button-secondary" on:click=move |_| preview_draft.set(None)>
                            {move || text(Msg::ShowSavedLadders)}
                        </button>
                    </p>
                </Show>
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

/// The ladder's SEND_SMS steps, whose templates the SMS editor maps.
fn sms_steps(ladder: &api::dunning_policies::DunningPoliciesDunningPolicies) -> Vec<SmsStep> {
    ladder
        .steps
        .iter()
        .filter(|step| format!("{:?}", step.action) == "SEND_SMS")
        .map(|step| SmsStep {
            offset: step.offset_days,
            name: step.name.clone(),
        })
        .collect()
}

/// A ladder's fee rule in a line: "1.5%", "¥50.00", or "12% a year after 5 days, at most 10%".
fn fee_rule_text(
    rule: Option<&api::dunning_policies::DunningPoliciesDunningPoliciesFeeRule>,
) -> Option<String> {
    use api::dunning_policies::FeeKind;
    let rule = rule?;
    Some(match rule.kind {
        FeeKind::FIXED => format!(
            "{} {}",
            rule.amount.clone().unwrap_or_default(),
            rule.currency.clone().unwrap_or_default()
        ),
        FeeKind::PERCENT => format!("{}%", rule.percent.clone().unwrap_or_default()),
        _ => format!(
            "{}% / 365 × {} +{} · ≤ {}%",
            rule.annual_rate_percent.clone().unwrap_or_default(),
            "d",
            rule.grace_days.unwrap_or(0),
            rule.cap_percent.clone().unwrap_or_else(|| "∞".to_owned())
        ),
    })
}

/// What the runs did, newest first, and a button to run today's dunning now.
#[component]
fn RunHistory() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    let reload = RwSignal::new(0u32);
    let runs = LocalResource::new(move || {
        reload.track();
        async move {
            api::run::<DunningRuns>(api::dunning_runs::Variables {})
                .await
                .map(|data| {
                    data.dunning_runs
                        .edges
                        .into_iter()
                        .map(|e| e.node)
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        }
    });
    let busy = RwSignal::new(false);
    let run_now = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::run::<RunDunningNow>(api::run_dunning_now::Variables {}).await {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(Msg::RunFinished));
                    reload.update(|n| *n += 1);
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
            busy.set(false);
        });
    };
    let manages = move || {
        session
            .current
            .get()
            .is_some_and(|s| s.can(Permission::ManageDunning))
    };
    let columns = [
        Msg::RunDate,
        Msg::Trigger,
        Msg::CustomersCount,
        Msg::Emails,
        Msg::Tasks,
        Msg::Fees,
        Msg::Holds,
        Msg::Releases,
        Msg::LegalCount,
        Msg::PausedCount,
        Msg::Failures,
    ];
    view! {
        <div class="panel runs">
            <h2>{move || text(Msg::RunHistory)}</h2>
            <Show when=manages>
                <button type="button" class="button button-secondary" disabled=move || busy.get() on:click=run_now data-testid="run-now">{move || text(Msg::RunNow)}</button>
            </Show>
            {move || {
                let list = runs.get().unwrap_or_default();
                if list.is_empty() {
                    return view! { <p>{move || text(Msg::NoRuns)}</p> }.into_any();
                }
                view! {
                    <table class="data-table" data-testid="runs">
                        <thead><tr>{columns.iter().map(|msg| { let msg = *msg; view! { <th scope="col">{move || text(msg)}</th> } }).collect_view()}</tr></thead>
                        <tbody>
                            {list.into_iter().map(|run| view! {
                                <tr>
                                    <td>{domain::display::date(locale.get_untracked(), &run.run_date)}</td>
                                    <td>{let manual = run.trigger == "MANUAL"; move || text(if manual { Msg::RunManual } else { Msg::RunScheduled })}</td>
                                    <td class="num">{run.customers}</td>
                                    <td class="num">{run.emails}</td>
                                    <td class="num">{run.tasks}</td>
                                    <td class="num">{run.fees}</td>
                                    <td class="num">{run.holds}</td>
                                    <td class="num">{run.releases}</td>
                                    <td class="num">{run.legal_cases}</td>
                                    <td class="num">{run.paused}</td>
                                    <td class="num">{run.failures}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </div>
    }
}

/// A sample the live preview fills a template with: the shape of a real run's message.
fn sample_context(locale: Locale) -> templates::Context {
    let (customer, company) = match locale {
        Locale::ZhCn => ("上海示例贸易有限公司", "我的公司"),
        Locale::En => ("Example Trading Ltd", "My company"),
    };
    templates::Context {
        customer_name: customer.to_owned(),
        customer_code: "C-001".to_owned(),
        company_name: company.to_owned(),
        invoices: vec![
            templates::InvoiceLine {
                number: "INV-000123".to_owned(),
                due_date: "2026-10-31".to_owned(),
                days_overdue: 23,
                balance: "12800.00".to_owned(),
                currency: "CNY".to_owned(),
            },
            templates::InvoiceLine {
                number: "INV-000131".to_owned(),
                due_date: "2026-11-10".to_owned(),
                days_overdue: 13,
                balance: "4350.50".to_owned(),
                currency: "CNY".to_owned(),
            },
        ],
        pay_link: "https://duely.example/s/…".to_owned(),
        today: "2026-11-23".to_owned(),
    }
}

/// Each email step's text in Chinese and English, with a live preview rendered by the same
/// code the run uses (the domain crate), so what admins see is what customers get.
#[component]
fn TemplateEditor(policy_id: String, manages: Signal<bool>) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let reload = RwSignal::new(0u32);
    let templates_data = LocalResource::new({
        let policy_id = policy_id.clone();
        move || {
            reload.track();
            let policy_id = policy_id.clone();
            async move {
                api::run::<EmailTemplates>(api::email_templates::Variables { policy_id })
                    .await
                    .ok()
            }
        }
    });
    let choice = RwSignal::new(String::new());
    let subject = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let options = Signal::derive(move || {
        templates_data
            .get()
            .flatten()
            .map(|data| {
                data.email_templates
                    .iter()
                    .map(|t| {
                        (
                            format!("{}|{}", t.step_offset, t.locale),
                            format!("{} ({:+}) · {}", t.step_name, t.step_offset, t.locale),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    // Load the chosen template into the fields (the first one at the start), once per choice:
    // a reload of the list (after a save) or a late answer never overwrites what the admin is
    // typing. The body stays read-only until its template is in.
    let loaded = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let Some(data) = templates_data.get().flatten() else {
            return;
        };
        let key = choice.get();
        let chosen = data
            .email_templates
            .iter()
            .find(|t| format!("{}|{}", t.step_offset, t.locale) == key)
            .or_else(|| data.email_templates.first());
        if let Some(t) = chosen {
            let chosen_key = format!("{}|{}", t.step_offset, t.locale);
            if loaded.get_untracked().as_deref() == Some(chosen_key.as_str()) {
                return;
            }
            subject.set(t.subject.clone());
            body.set(t.body.clone());
            loaded.set(Some(chosen_key.clone()));
            if key != chosen_key {
                choice.set(chosen_key);
            }
        }
    });
    let parts = move || {
        let key = choice.get();
        let (offset, tag) = key.split_once('|').unwrap_or(("0", "zh-CN"));
        (
            offset.parse::<i64>().unwrap_or(0),
            tag.parse::<Locale>().unwrap_or_default(),
        )
    };
    let preview = move || {
        let (_, email_locale) = parts();
        templates::render(
            &subject.get(),
            &body.get(),
            email_locale,
            &sample_context(email_locale),
        )
    };
    let save = {
        let policy_id = policy_id.clone();
        move |reset: bool| {
            let (offset, email_locale) = parts();
            let input = api::save_email_template::SaveEmailTemplateInput {
                policy_id: policy_id.clone(),
                step_offset: offset,
                locale: email_locale.tag().to_owned(),
                subject: subject.get_untracked(),
                body: body.get_untracked(),
                reset: Some(reset),
            };
            busy.set(true);
            error.set(None);
            leptos::task::spawn_local(async move {
                match api::run::<SaveEmailTemplate>(api::save_email_template::Variables { input })
                    .await
                {
                    Ok(_) => {
                        toasts.push(ToastKind::Success, text(Msg::TemplateSaved));
                        if reset {
                            // Back to Duely's text: the fields take it from the reloaded list.
                            loaded.set(None);
                        }
                        reload.update(|n| *n += 1);
                    }
                    Err(failure @ api::ApiError::Api { .. }) => {
                        error.set(Some(failure.text(locale.get_untracked())));
                    }
                    Err(other) => toasts.api_error(locale.get_untracked(), other),
                }
                busy.set(false);
            });
        }
    };
    let (save_now, reset_now) = (save.clone(), save);
    view! {
        <div class="panel templates" data-testid="template-editor">
            <h2>{move || text(Msg::Templates)}</h2>
            <div class="template-layout">
                <form class="form-grid" on:submit=move |event: leptos::ev::SubmitEvent| { event.prevent_default(); save_now(false); }>
                    <Show when=move || error.get().is_some()>
                        <p class="form-error" role="alert">{move || error.get().unwrap_or_default()}</p>
                    </Show>
                    <SelectField name="template-step" label=Signal::derive(move || text(Msg::Step)) value=choice options=options/>
                    <TextField name="template-subject" label=Signal::derive(move || text(Msg::Subject)) value=subject/>
                    <div class="field">
                        <label for="template-body">{move || text(Msg::Body)}</label>
                        <textarea id="template-body" name="template-body" rows="12" prop:disabled=move || loaded.get().is_none() prop:value=move || body.get() on:input=move |e| body.set(event_target_value(&e))></textarea>
                        <p class="field-hint">{move || text(Msg::Variables)}": "{templates::VARIABLES.iter().map(|(name, _)| format!("{{{{{name}}}}}")).collect::<Vec<_>>().join(" ")}</p>
                    </div>
                    <Show when=move || manages.get()>
                        <div class="form-actions">
                            <Button r#type="submit" busy=busy test_id="save-template">{move || text(Msg::SaveTemplate)}</Button>
                            <button type="button" class="button button-secondary" on:click={let reset_now = reset_now.clone(); move |_| reset_now(true)}>{move || text(Msg::ResetTemplate)}</button>
                        </div>
                    </Show>
                </form>
                <section class="template-preview" aria-live="polite" data-testid="template-preview">
                    <h3>{move || text(Msg::LivePreview)}</h3>
                    {move || match preview() {
                        Ok(rendered) => view! {
                            <p><strong>{rendered.subject}</strong></p>
                            // The renderer escapes everything the template and the data hold.
                            <div class="email-preview" inner_html=rendered.html></div>
                        }.into_any(),
                        Err(problem) => view! { <p class="form-error" role="alert">{problem.to_string()}</p> }.into_any(),
                    }}
                </section>
            </div>
        </div>
    }
}
