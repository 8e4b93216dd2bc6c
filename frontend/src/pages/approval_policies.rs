//! The approval policies on the settings page: per action, on or off, the amounts above which
//! a change waits (per currency) and the approvers of each level in order, a role or a named
//! member; and the suggested set turned on in one step. The server checks each policy whole
//! (`NO_ELIGIBLE_APPROVER` when the team cannot satisfy a level) and its refusal is shown on the
//! action's panel, in the reader's language.

use crate::api::{self, ApiError};
use crate::approval::{action_msg, enum_text, policies_of};
use crate::components::{ToastKind, use_toasts};
use crate::i18n::{Msg, role_text, use_locale, use_text};
use domain::Role;
use domain::approvals::{ApprovalAction, ApprovalPolicy, Approver, MAX_LEVELS, may_decide};
use leptos::prelude::*;

/// One amount of a policy being edited; levels are `ROLE:<role>` or `USER:<id>`.
#[derive(Clone, Copy)]
struct ThresholdDraft {
    key: u32,
    currency: RwSignal<String>,
    above: RwSignal<String>,
    levels: RwSignal<Vec<String>>,
}

fn level_value(level: &Approver) -> String {
    match level {
        Approver::Role(role) => format!("ROLE:{}", role.as_str()),
        Approver::Member(id) => format!("USER:{id}"),
    }
}

/// One action's policy being edited.
#[derive(Clone, Copy)]
struct PolicyDraft {
    action: ApprovalAction,
    enabled: RwSignal<bool>,
    thresholds: RwSignal<Vec<ThresholdDraft>>,
    next_key: StoredValue<u32>,
    error: RwSignal<Option<String>>,
}

impl PolicyDraft {
    fn new(action: ApprovalAction) -> Self {
        PolicyDraft {
            action,
            enabled: RwSignal::new(false),
            thresholds: RwSignal::new(Vec::new()),
            next_key: StoredValue::new(0),
            error: RwSignal::new(None),
        }
    }

    fn threshold(&self, currency: String, above: String, levels: Vec<String>) -> ThresholdDraft {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        ThresholdDraft {
            key,
            currency: RwSignal::new(currency),
            above: RwSignal::new(above),
            levels: RwSignal::new(levels),
        }
    }

    fn show(&self, policy: &ApprovalPolicy) {
        self.enabled.set(policy.enabled);
        let rows = policy
            .thresholds
            .iter()
            .map(|threshold| {
                self.threshold(
                    threshold.currency.code().to_owned(),
                    threshold.above.normalize().to_string(),
                    threshold.levels.iter().map(level_value).collect(),
                )
            })
            .collect();
        self.thresholds.set(rows);
    }

    fn input(&self) -> Option<api::save_approval_policy::SaveApprovalPolicyInput> {
        use api::save_approval_policy as save;
        let thresholds = self
            .thresholds
            .get_untracked()
            .into_iter()
            .map(|row| save::ApprovalThresholdInput {
                currency: row.currency.get_untracked().trim().to_uppercase(),
                above: row.above.get_untracked().trim().replace(',', ""),
                levels: row
                    .levels
                    .get_untracked()
                    .into_iter()
                    .map(|level| match level.split_once(':') {
                        Some(("ROLE", role)) => save::ApprovalLevelInput {
                            role: api::chosen::<save::Role>(role),
                            user_id: None,
                        },
                        Some((_, id)) => save::ApprovalLevelInput {
                            role: None,
                            user_id: Some(id.to_owned()),
                        },
                        None => save::ApprovalLevelInput {
                            role: None,
                            user_id: None,
                        },
                    })
                    .collect(),
            })
            .collect();
        Some(save::SaveApprovalPolicyInput {
            action: api::chosen::<save::ApprovalAction>(self.action.as_str())?,
            enabled: self.enabled.get_untracked(),
            thresholds,
        })
    }
}

#[component]
pub fn ApprovalPoliciesPanel(base_currency: Signal<String>) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let drafts: Vec<PolicyDraft> = ApprovalAction::ALL
        .iter()
        .map(|&action| PolicyDraft::new(action))
        .collect();
    let drafts = StoredValue::new(drafts);
    let load = move || {
        leptos::task::spawn_local(async move {
            match api::run::<api::ApprovalPolicies>(api::approval_policies::Variables {}).await {
                Ok(data) => {
                    let policies = policies_of(data);
                    for draft in drafts.get_value() {
                        if let Some(policy) = policies.iter().find(|p| p.action == draft.action) {
                            draft.show(policy);
                        }
                    }
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    load();
    // Who may be named for a level: members whose role decides approvals.
    let members = LocalResource::new(|| async {
        api::run::<api::AssignableMembers>(api::assignable_members::Variables {})
            .await
            .ok()
            .map(|data| {
                data.assignable_members
                    .into_iter()
                    .filter(|m| enum_text(&m.role).parse::<Role>().is_ok_and(may_decide))
                    .map(|m| {
                        (
                            format!("USER:{}", m.id),
                            format!("{} ({})", m.name, m.email),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let level_options = Signal::derive(move || {
        let l = locale.get();
        let mut options: Vec<(String, String)> = [Role::Owner, Role::Admin, Role::FinanceManager]
            .iter()
            .map(|role| {
                (
                    format!("ROLE:{}", role.as_str()),
                    format!(
                        "{} · {}",
                        crate::i18n::text(l, Msg::LevelRole),
                        role_text(l, *role)
                    ),
                )
            })
            .collect();
        options.extend(members.get().unwrap_or_default());
        options
    });
    let apply_suggested = move |_| {
        leptos::task::spawn_local(async move {
            match api::run::<api::ApplySuggestedApprovalPolicies>(
                api::apply_suggested_approval_policies::Variables {},
            )
            .await
            {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(Msg::SuggestedApplied));
                    load();
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    let save = move |draft: PolicyDraft| {
        draft.error.set(None);
        let Some(input) = draft.input() else {
            return;
        };
        leptos::task::spawn_local(async move {
            match api::run::<api::SaveApprovalPolicy>(api::save_approval_policy::Variables {
                input,
            })
            .await
            {
                Ok(_) => toasts.push(ToastKind::Success, text(Msg::PolicySaved)),
                Err(failure @ ApiError::Api { .. }) => {
                    draft.error.set(Some(failure.text(locale.get_untracked())))
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    view! {
        <section class="panel approval-policies" data-testid="approval-policies">
            <h2>{move || text(Msg::ApprovalPoliciesTitle)}</h2>
            <p class="lead">{move || text(Msg::ApprovalPoliciesLead)}</p>
            <p>
                <button type="button" class="button button-secondary" data-testid="apply-suggested-policies"
                    on:click=apply_suggested>{move || text(Msg::ApplySuggestedPolicies)}</button>
            </p>
            <p class="field-hint">{move || text(Msg::ApplySuggestedHint)}</p>
            {drafts.get_value().into_iter().map(|draft| {
                let action = draft.action;
                let test_id = format!("policy-{}", action.as_str());
                view! {
                    <fieldset class="policy" data-testid=test_id>
                        <legend>{move || text(action_msg(action))}</legend>
                        <label class="check">
                            <input type="checkbox" data-testid="policy-enabled"
                                prop:checked=move || draft.enabled.get()
                                on:change=move |event| draft.enabled.set(event_target_checked(&event))/>
                            {move || text(Msg::PolicyOn)}
                        </label>
                        <table class="data-table policy-thresholds">
                            <thead><tr>
                                <th>{move || text(Msg::ThresholdCurrency)}</th>
                                <th>{move || text(Msg::ThresholdAbove)}</th>
                                <th>{move || text(Msg::ThresholdLevels)}</th>
                                <th></th>
                            </tr></thead>
                            <tbody>
                                <For each=move || draft.thresholds.get() key=|row| row.key let:row>
                                    <tr data-testid="policy-threshold">
                                        <td><input class="input-short" data-testid="threshold-currency" aria-label=move || text(Msg::ThresholdCurrency)
                                            prop:value=move || row.currency.get() on:input=move |e| row.currency.set(event_target_value(&e))/></td>
                                        <td><input data-testid="threshold-above" inputmode="decimal" aria-label=move || text(Msg::ThresholdAbove)
                                            prop:value=move || row.above.get() on:input=move |e| row.above.set(event_target_value(&e))/></td>
                                        <td>
                                            {move || row.levels.get().into_iter().enumerate().map(|(index, value)| {
                                                view! {
                                                    <select data-testid="threshold-level" aria-label=move || format!("{} {}", text(Msg::ThresholdLevels), index + 1)
                                                        on:change=move |e| {
                                                            let chosen = event_target_value(&e);
                                                            row.levels.update(|levels| if let Some(level) = levels.get_mut(index) { *level = chosen; });
                                                        }>
                                                        {level_options.get().into_iter().map(|(option, label)| {
                                                            let selected = option == value;
                                                            view! { <option value=option selected=selected>{label}</option> }
                                                        }).collect_view()}
                                                    </select>
                                                }
                                            }).collect_view()}
                                            <button type="button" class="button button-link" data-testid="add-level"
                                                disabled=move || row.levels.with(|l| l.len() >= MAX_LEVELS)
                                                on:click=move |_| row.levels.update(|l| l.push("ROLE:OWNER".to_owned()))>{move || text(Msg::AddLevel)}</button>
                                            <button type="button" class="button button-link"
                                                disabled=move || row.levels.with(|l| l.len() <= 1)
                                                on:click=move |_| row.levels.update(|l| { l.pop(); })>{move || text(Msg::RemoveLevel)}</button>
                                        </td>
                                        <td><button type="button" class="button button-link"
                                            on:click=move |_| draft.thresholds.update(|rows| rows.retain(|r| r.key != row.key))>{move || text(Msg::RemoveThreshold)}</button></td>
                                    </tr>
                                </For>
                            </tbody>
                        </table>
                        {move || draft.error.get().map(|message| view! { <p class="form-error" role="alert" data-testid="policy-error">{message}</p> })}
                        <div class="form-actions">
                            <button type="button" class="button button-secondary" data-testid="add-threshold"
                                on:click=move |_| {
                                    let row = draft.threshold(base_currency.get_untracked(), "0".to_owned(), vec!["ROLE:OWNER".to_owned()]);
                                    draft.thresholds.update(|rows| rows.push(row));
                                }>{move || text(Msg::AddThreshold)}</button>
                            <button type="button" class="button button-primary" data-testid="save-policy"
                                on:click=move |_| save(draft)>{move || text(Msg::SavePolicy)}</button>
                        </div>
                    </fieldset>
                }
            }).collect_view()}
        </section>
    }
}
