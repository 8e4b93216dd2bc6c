//! Taking back collection work: cancelling an open promise to pay (the customer withdrew it,
//! or it was logged by mistake) and correcting an activity its author logged less than a day
//! ago. Each is a button with its dialog, used by the promises page and the customer's
//! collections panel; `on_done` reloads the list it sits in.

use super::collections::OUTCOMES;
use crate::api::{self, CancelPromise, CorrectActivity};
use crate::components::{Modal, SelectField, TextField, ToastKind, use_toasts};
use crate::i18n::{Msg, use_locale, use_text};
use leptos::prelude::*;

/// Whether the signed-in user may still correct an activity: they logged it, within the edit
/// window counted from when it was logged (a backdated call stays correctable for a day). The
/// server checks again; the browser clock only decides whether the button shows.
pub fn correctable(logged_by: &str, logged_at: &str, user_email: &str) -> bool {
    let logged = js_sys::Date::parse(logged_at);
    let window_ms = domain::collections::EDIT_WINDOW_HOURS as f64 * 3_600_000.0;
    logged_by.eq_ignore_ascii_case(user_email)
        && !logged.is_nan()
        && js_sys::Date::now() - logged < window_ms
}

/// "Cancel" on an open promise, with a dialog asking for an optional reason.
#[component]
pub fn CancelPromiseButton(promise_id: String, on_done: Callback<()>) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    // Stored, so the handlers are `Copy` and can live inside the dialog.
    let promise_id = StoredValue::new(promise_id);
    let open = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let confirm = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        busy.set(true);
        let given = reason.get_untracked().trim().to_owned();
        let input = api::cancel_promise::CancelPromiseInput {
            promise_id: promise_id.get_value(),
            // The server keeps a reason with every cancellation.
            reason: if given.is_empty() {
                text(Msg::CancelPromiseNoReason).to_owned()
            } else {
                given
            },
        };
        leptos::task::spawn_local(async move {
            let result = api::run::<CancelPromise>(api::cancel_promise::Variables { input }).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(Msg::PromiseCancelledToast));
                    open.set(false);
                    on_done.run(());
                }
                Err(failure @ api::ApiError::Api { .. }) => {
                    error.set(Some(failure.text(locale.get_untracked())));
                }
                Err(other) => toasts.api_error(locale.get_untracked(), other),
            }
        });
    };
    view! {
        <button type="button" class="button button-secondary button-inline" data-testid="cancel-promise"
            on:click=move |_| {
                reason.set(String::new());
                error.set(None);
                open.set(true);
            }>{move || text(Msg::CancelPromise)}</button>
        <Modal open=open title=Signal::derive(move || text(Msg::CancelPromiseTitle).to_owned())>
            <form class="form-grid" novalidate on:submit=confirm data-testid="cancel-promise-form">
                <p class="field-hint">{move || text(Msg::CancelPromiseLead)}</p>
                <TextField name="cancel-promise-reason" label=Signal::derive(move || text(Msg::CancelPromiseReason))
                    value=reason error=Signal::derive(move || error.get())/>
                <div class="form-actions">
                    <button type="submit" class="button button-danger" data-testid="confirm-cancel-promise"
                        disabled=move || busy.get()>{move || text(Msg::ConfirmCancelPromise)}</button>
                </div>
            </form>
        </Modal>
    }
}

/// "Correct" on an activity the user logged within the window: outcome, note and next action
/// date in a dialog. The server checks the author and the window again and its refusal is shown.
#[component]
pub fn ActivityCorrection(
    activity_id: String,
    /// The API's name of the outcome, as `OUTCOMES` lists it.
    outcome: String,
    note: String,
    /// A date, or empty.
    next_action_on: String,
    on_done: Callback<()>,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let activity_id = StoredValue::new(activity_id);
    let original = StoredValue::new((outcome.clone(), note.clone(), next_action_on.clone()));
    let outcome = RwSignal::new(outcome);
    let note = RwSignal::new(note);
    let next_action = RwSignal::new(next_action_on);
    let open = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let outcome_options = Signal::derive(move || {
        OUTCOMES
            .iter()
            .map(|(v, m)| ((*v).to_owned(), text(*m).to_owned()))
            .collect::<Vec<_>>()
    });
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        busy.set(true);
        let next = next_action.get_untracked().trim().to_owned();
        let input = api::correct_activity::UpdateCollectionActivityInput {
            activity_id: activity_id.get_value(),
            outcome: api::from_domain::<String, api::correct_activity::CollectionOutcome>(
                &outcome.get_untracked(),
            ),
            // An empty note clears it.
            note: Some(note.get_untracked().trim().to_owned()),
            // The API cannot clear the date: an empty field leaves it as it was.
            next_action_on: Some(next).filter(|d| !d.is_empty()),
        };
        leptos::task::spawn_local(async move {
            let result =
                api::run::<CorrectActivity>(api::correct_activity::Variables { input }).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(Msg::ActivityCorrected));
                    open.set(false);
                    on_done.run(());
                }
                Err(failure @ api::ApiError::Api { .. }) => {
                    error.set(Some(failure.text(locale.get_untracked())));
                }
                Err(other) => toasts.api_error(locale.get_untracked(), other),
            }
        });
    };
    view! {
        <button type="button" class="link-button activity-correct" data-testid="edit-activity"
            on:click=move |_| {
                let (o, n, d) = original.get_value();
                outcome.set(o);
                note.set(n);
                next_action.set(d);
                error.set(None);
                open.set(true);
            }>{move || text(Msg::CorrectActivity)}</button>
        <Modal open=open title=Signal::derive(move || text(Msg::CorrectActivityTitle).to_owned())>
            <form class="form-grid" novalidate on:submit=save data-testid="edit-activity-form">
                <p class="field-hint">{move || text(Msg::CorrectActivityHint)}</p>
                <Show when=move || error.get().is_some()>
                    <p class="form-error" role="alert">{move || error.get().unwrap_or_default()}</p>
                </Show>
                <SelectField name="edit-activity-outcome" label=Signal::derive(move || text(Msg::Outcome))
                    value=outcome options=outcome_options/>
                <TextField name="edit-activity-note" label=Signal::derive(move || text(Msg::Note)) value=note/>
                <TextField name="edit-activity-next" label=Signal::derive(move || text(Msg::NextActionOn))
                    value=next_action input_type="date"/>
                <div class="form-actions">
                    <button type="submit" class="button button-primary" data-testid="save-activity-edit"
                        disabled=move || busy.get()>{move || text(Msg::SaveActivityCorrection)}</button>
                </div>
            </form>
        </Modal>
    }
}
