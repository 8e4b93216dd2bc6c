//! Scheduling a collection task by hand (a call back, a visit, a message, a review) for one
//! customer, due on a day, for the customer's collector or, for a manager, someone chosen.
//! Also the helpers the task lists share: the kinds and their labels, the pickers' members.

use crate::api::{self, AssignableMembers, CreateTask};
use crate::components::{Button, Modal, SelectField, TextField, ToastKind, use_toasts};
use crate::i18n::{Msg, use_locale, use_text};
use crate::session::use_session;
use domain::access::{Access, Permission};
use leptos::prelude::*;

/// The kinds of task, in the order the select offers them.
pub const TASK_KINDS: [(&str, Msg); 7] = [
    ("CALL", Msg::TaskKindCall),
    ("VISIT", Msg::TaskKindVisit),
    ("SMS", Msg::ChannelSms),
    ("WECHAT", Msg::ChannelWechat),
    ("EMAIL", Msg::ChannelEmail),
    ("LETTER", Msg::ChannelLetter),
    ("REVIEW", Msg::TaskReview),
];

/// A task's kind (`CALL`, `VISIT`, …) as its label.
pub fn task_kind_msg(kind: &str) -> Msg {
    TASK_KINDS
        .iter()
        .find(|(name, _)| *name == kind)
        .map(|(_, msg)| *msg)
        .unwrap_or(Msg::ChannelOther)
}

/// A generated enum's GraphQL name (`CALL`, `OPEN`), whichever operation it came from.
pub fn enum_name<T: serde::Serialize>(value: &T) -> String {
    api::to_domain::<T, String>(value).unwrap_or_default()
}

/// Whether the signed-in member works every customer's collections (an owner or a manager),
/// not only the customers assigned to them (a collector).
pub fn use_works_all() -> Signal<bool> {
    let session = use_session();
    Signal::derive(move || {
        session
            .current
            .get()
            .is_some_and(|s| s.access(Permission::WorkCollections) == Access::All)
    })
}

/// The members who may own a collection task, as (id, "name (email)"), for the pickers of
/// those who work every customer (a collector may not list the team: nothing is asked).
pub fn use_collectors(works_all: Signal<bool>) -> LocalResource<Vec<(String, String)>> {
    LocalResource::new(move || {
        let enabled = works_all.get();
        async move {
            if !enabled {
                return Vec::new();
            }
            api::run::<AssignableMembers>(api::assignable_members::Variables {})
                .await
                .map(|data| {
                    data.assignable_members
                        .into_iter()
                        .filter(|m| m.may_collect)
                        .map(|m| (m.id, format!("{} ({})", m.name, m.email)))
                        .collect()
                })
                .unwrap_or_default()
        }
    })
}

/// Makes one task; no assignee means the customer's collector (the server's default).
pub async fn create_task(
    customer_id: String,
    kind: &str,
    due_on: String,
    note: Option<String>,
    assignee_id: Option<String>,
) -> Result<(), api::ApiError> {
    let input = api::create_task::CreateTaskInput {
        customer_id,
        assignee_id: assignee_id.filter(|id| !id.is_empty()),
        kind: api::chosen::<api::create_task::TaskKind>(kind)
            .unwrap_or(api::create_task::TaskKind::CALL),
        due_on,
        note: note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()),
        invoice_ids: None,
    };
    api::run::<CreateTask>(api::create_task::Variables { input })
        .await
        .map(|_| ())
}

/// A button that opens the dialog to schedule a task for the customer.
#[component]
pub fn ScheduleTask(
    customer_id: String,
    /// The kind the dialog starts with (`CALL` when not given).
    #[prop(optional)]
    kind: Option<&'static str>,
    /// Called once the task is made (to reload a list).
    on_done: Callback<()>,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let works_all = use_works_all();
    let collectors = use_collectors(works_all);
    let default_kind = kind.unwrap_or("CALL");
    let open = RwSignal::new(false);
    let task_kind = RwSignal::new(default_kind.to_owned());
    let due_on = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let assignee = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let customer_id = StoredValue::new(customer_id);
    let open_form = move |_| {
        task_kind.set(default_kind.to_owned());
        due_on.set(crate::calendar::company_date(1));
        note.set(String::new());
        assignee.set(String::new());
        error.set(None);
        open.set(true);
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        busy.set(true);
        let kind = task_kind.get_untracked();
        let due = due_on.get_untracked();
        let written = Some(note.get_untracked());
        let chosen = Some(assignee.get_untracked()).filter(|_| works_all.get_untracked());
        leptos::task::spawn_local(async move {
            match create_task(customer_id.get_value(), &kind, due, written, chosen).await {
                Ok(()) => {
                    toasts.push(ToastKind::Success, text(Msg::TaskScheduled));
                    open.set(false);
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
    let kind_options = Signal::derive(move || {
        TASK_KINDS
            .iter()
            .map(|(value, msg)| ((*value).to_owned(), text(*msg).to_owned()))
            .collect::<Vec<_>>()
    });
    let assignee_options = Signal::derive(move || {
        let mut options = vec![(String::new(), text(Msg::TaskCustomersCollector).to_owned())];
        options.extend(collectors.get().unwrap_or_default());
        options
    });
    view! {
        <button type="button" class="button button-secondary" data-testid="schedule-task" on:click=open_form>
            {move || text(Msg::TaskScheduleButton)}
        </button>
        <Modal open=open title=Signal::derive(move || text(Msg::TaskScheduleButton).to_owned())>
            <form class="form-grid" novalidate on:submit=submit data-testid="task-form">
                <Show when=move || error.get().is_some()>
                    <p class="form-error" role="alert">{move || error.get().unwrap_or_default()}</p>
                </Show>
                <SelectField name="schedule-kind" label=Signal::derive(move || text(Msg::TaskKindLabel)) value=task_kind options=kind_options/>
                <TextField name="schedule-due" label=Signal::derive(move || text(Msg::TaskDueOnLabel)) value=due_on input_type="date" required=true/>
                <TextField name="schedule-note" label=Signal::derive(move || text(Msg::Note)) value=note/>
                <Show when=move || works_all.get()>
                    <SelectField name="schedule-assignee" label=Signal::derive(move || text(Msg::TaskAssignee)) value=assignee options=assignee_options/>
                </Show>
                <div class="form-actions">
                    <Button r#type="submit" busy=busy test_id="save-task">{move || text(Msg::TaskSchedule)}</Button>
                </div>
            </form>
        </Modal>
    }
}
