//! The segments a dunning ladder is used for, and, for those who manage dunning, a form giving
//! it one more: every customer of that segment without a ladder of its own then follows it.

use crate::api::{self, AssignDunningPolicy};
use crate::components::{ToastKind, use_toasts};
use crate::i18n::{Msg, use_locale, use_text};
use leptos::prelude::*;

#[component]
pub fn LadderSegments(
    policy_id: String,
    segments: Vec<String>,
    manages: Signal<bool>,
    on_done: Callback<()>,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let segment = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let field_id = format!("ladder-segment-{policy_id}");
    let hint_id = StoredValue::new(format!("{field_id}-hint"));
    let error_id = StoredValue::new(format!("{field_id}-error"));
    let policy_id = StoredValue::new(policy_id);
    let assign = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let chosen = segment.get_untracked().trim().to_owned();
        if chosen.is_empty() {
            error.set(Some(text(Msg::LadderSegmentRequired).to_owned()));
            return;
        }
        error.set(None);
        let input = api::assign_dunning_policy::AssignDunningPolicyInput {
            policy_id: policy_id.get_value(),
            customer_id: None,
            segment: Some(chosen),
        };
        leptos::task::spawn_local(async move {
            match api::run::<AssignDunningPolicy>(api::assign_dunning_policy::Variables { input })
                .await
            {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(Msg::LadderSegmentAssigned));
                    segment.set(String::new());
                    on_done.run(());
                }
                Err(failure @ api::ApiError::Api { .. }) => {
                    error.set(Some(failure.text(locale.get_untracked())));
                }
                Err(other) => toasts.api_error(locale.get_untracked(), other),
            }
        });
    };
    let listed = if segments.is_empty() {
        view! { <span class="muted">{move || text(Msg::LadderNoSegments)}</span> }.into_any()
    } else {
        segments
            .into_iter()
            .map(|name| view! { <span class="badge" data-testid="ladder-segment">{name}</span>" " })
            .collect_view()
            .into_any()
    };
    view! {
        <div data-testid="ladder-segments">
            <p class="field-hint"><strong>{move || text(Msg::LadderSegments)}": "</strong>{listed}</p>
            <Show when=move || manages.get()>
                <form class="ladder-segments" on:submit=assign data-testid="assign-segment">
                    // Each ladder has this form: its field's ids carry the ladder's, so each
                    // label and message belongs to its own input.
                    <div class="field" class:field-invalid=move || error.get().is_some()>
                        <label for=field_id.clone()>{move || text(Msg::LadderSegmentField)}</label>
                        <input id=field_id.clone() name="ladder-segment" type="text"
                            aria-invalid=move || error.get().is_some().to_string()
                            aria-describedby=move || if error.get().is_some() { error_id.get_value() } else { hint_id.get_value() }
                            prop:value=move || segment.get()
                            on:input=move |event| segment.set(event_target_value(&event))/>
                        <p class="field-hint" id=hint_id.get_value()>{move || text(Msg::LadderSegmentHint)}</p>
                        <Show when=move || error.get().is_some()>
                            <p class="field-error" id=error_id.get_value() role="alert">{move || error.get().unwrap_or_default()}</p>
                        </Show>
                    </div>
                    <button type="submit" class="button button-secondary">{move || text(Msg::LadderAssignSegment)}</button>
                </form>
            </Show>
        </div>
    }
}
