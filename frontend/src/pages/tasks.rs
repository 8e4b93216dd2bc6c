//! Every collection task (from the dunning ladder, broken promises, or scheduled by hand) with
//! its due date, customer, invoices and who has it. An open task can be done (logging what
//! happened), reassigned (by an owner or a manager) or cancelled. A collector sees their own
//! tasks; the others choose whose (by default as the server decides: their own when they
//! collect for anyone, else everyone's).

use super::access::RequirePermission;
use super::script_view::{ScriptPanel, ShownScript};
use super::worklist::CompleteTaskForm;
use crate::api::{self, CancelTask, ReassignTask, Tasks};
use crate::components::{
    DataTable, Modal, SelectField, TextField, ToastKind, enum_name, task_kind_msg, use_collectors,
    use_toasts, use_works_all,
};
use crate::i18n::{Msg, use_locale, use_text};
use domain::access::Permission;
use domain::display;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn TasksPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::WorkCollections>
            <TaskList/>
        </RequirePermission>
    }
}

type Row = api::tasks::TasksTasksEdgesNode;

fn source_msg(source: &str) -> Msg {
    match source {
        "DUNNING" => Msg::TaskSourceDunning,
        "PROMISE" => Msg::TaskSourcePromise,
        _ => Msg::TaskSourceManual,
    }
}

fn status_msg(status: &str) -> Msg {
    match status {
        "DONE" => Msg::TaskStatusDone,
        "CANCELLED" => Msg::TaskStatusCancelled,
        _ => Msg::TaskStatusOpen,
    }
}

#[component]
fn TaskList() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let manager = use_works_all();
    let collectors = use_collectors(manager);

    // Filters.
    // Empty: the server's default (a manager's own when they collect for anyone, else all).
    let scope = RwSignal::new(String::new());
    let assignee = RwSignal::new(String::new());
    let status = RwSignal::new("OPEN".to_owned());
    let due_before = RwSignal::new(String::new());

    // The list, page by page.
    let rows = RwSignal::new(Vec::<Row>::new());
    let total = RwSignal::new(0i64);
    let cursor = RwSignal::new(None::<String>);
    let has_more = RwSignal::new(false);
    let loading = RwSignal::new(true);
    // Only the latest request's answer is shown (filters may change while one is under way).
    let generation = StoredValue::new(0u64);

    let load = move |append: bool| {
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        let after = if append { cursor.get_untracked() } else { None };
        let managing = manager.get_untracked();
        // An assignee, or a scope: never both (the server refuses it).
        let assignee_id = Some(assignee.get_untracked()).filter(|id| managing && !id.is_empty());
        let scope = if managing && assignee_id.is_none() {
            api::chosen::<api::tasks::WorklistScope>(&scope.get_untracked())
        } else {
            None
        };
        let filter = api::tasks::TaskFilter {
            assignee_id,
            scope,
            status: api::chosen::<api::tasks::TaskStatus>(&status.get_untracked()).map(|s| vec![s]),
            due_before: Some(due_before.get_untracked()).filter(|d| !d.is_empty()),
            customer_id: None,
        };
        loading.set(true);
        leptos::task::spawn_local(async move {
            let result = api::run::<Tasks>(api::tasks::Variables {
                after,
                filter: Some(filter),
            })
            .await;
            if generation.get_value() != mine {
                return;
            }
            loading.set(false);
            match result {
                Ok(data) => {
                    let page = data.tasks;
                    total.set(page.total_count);
                    has_more.set(page.page_info.has_next_page);
                    cursor.set(page.page_info.end_cursor);
                    let nodes = page.edges.into_iter().map(|edge| edge.node);
                    if append {
                        rows.update(|rows| rows.extend(nodes));
                    } else {
                        rows.set(nodes.collect());
                    }
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    // The first page, and again whenever a filter changes.
    Effect::new(move |_| {
        scope.track();
        assignee.track();
        status.track();
        due_before.track();
        manager.track();
        load(false);
    });

    // Done: the dialog logs what happened.
    let done_task = RwSignal::new(None::<String>);
    let done_open = RwSignal::new(false);

    // Reassign.
    let reassign_task = RwSignal::new(None::<String>);
    let reassign_open = RwSignal::new(false);
    let reassign_to = RwSignal::new(String::new());
    let reassign_error = RwSignal::new(None::<String>);
    let reassign_busy = RwSignal::new(false);
    let confirm_reassign = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(task_id) = reassign_task.get_untracked() else {
            return;
        };
        if reassign_busy.get_untracked() {
            return;
        }
        reassign_error.set(None);
        reassign_busy.set(true);
        let input = api::reassign_task::ReassignTaskInput {
            task_id,
            assignee_id: Some(reassign_to.get_untracked()).filter(|id| !id.is_empty()),
        };
        leptos::task::spawn_local(async move {
            match api::run::<ReassignTask>(api::reassign_task::Variables { input }).await {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(Msg::TaskReassigned));
                    reassign_open.set(false);
                    load(false);
                }
                Err(failure @ api::ApiError::Api { .. }) => {
                    reassign_error.set(Some(failure.text(locale.get_untracked())));
                }
                Err(other) => toasts.api_error(locale.get_untracked(), other),
            }
            reassign_busy.set(false);
        });
    };

    // Cancel.
    let cancel_task = RwSignal::new(None::<String>);
    let cancel_open = RwSignal::new(false);
    let cancel_reason = RwSignal::new(String::new());
    let cancel_error = RwSignal::new(None::<String>);
    let cancel_busy = RwSignal::new(false);
    let confirm_cancel = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(task_id) = cancel_task.get_untracked() else {
            return;
        };
        if cancel_busy.get_untracked() {
            return;
        }
        cancel_error.set(None);
        cancel_busy.set(true);
        let input = api::cancel_task::CancelTaskInput {
            task_id,
            reason: Some(cancel_reason.get_untracked().trim().to_owned()).filter(|r| !r.is_empty()),
        };
        leptos::task::spawn_local(async move {
            match api::run::<CancelTask>(api::cancel_task::Variables { input }).await {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(Msg::TaskCancelled));
                    cancel_open.set(false);
                    load(false);
                }
                Err(failure @ api::ApiError::Api { .. }) => {
                    cancel_error.set(Some(failure.text(locale.get_untracked())));
                }
                Err(other) => toasts.api_error(locale.get_untracked(), other),
            }
            cancel_busy.set(false);
        });
    };

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
    let assignee_filter_options = move || {
        let mut options = vec![(String::new(), text(Msg::TaskAnyAssignee).to_owned())];
        options.extend(collectors.get().unwrap_or_default());
        options
            .into_iter()
            .map(|(value, label)| {
                let selected = value == assignee.get_untracked();
                view! { <option value=value selected=selected>{label}</option> }
            })
            .collect_view()
    };
    let status_options = Signal::derive(move || {
        [
            ("OPEN", Msg::TaskStatusOpen),
            ("DONE", Msg::TaskStatusDone),
            ("CANCELLED", Msg::TaskStatusCancelled),
        ]
        .into_iter()
        .map(|(value, msg)| (value.to_owned(), text(msg).to_owned()))
        .collect::<Vec<_>>()
    });
    let reassign_options = Signal::derive(move || {
        let mut options = vec![(String::new(), text(Msg::WorkScopeUnassigned).to_owned())];
        options.extend(collectors.get().unwrap_or_default());
        options
    });

    let line = move |row: Row| {
        let today = crate::calendar::company_date(0);
        let status = enum_name(&row.status);
        let open = status == "OPEN";
        let overdue = open && row.due_on.as_str() < today.as_str();
        let kind = task_kind_msg(&enum_name(&row.kind));
        let numbers = row
            .invoices
            .iter()
            .filter_map(|invoice| invoice.number.clone())
            .collect::<Vec<_>>()
            .join(", ");
        let assignee_name = row.assignee.as_ref().map(|person| person.name.clone());
        let source = source_msg(&row.source);
        let created_by = row.created_by.clone();
        // Who closed it, and why (for a cancelled one).
        let closed = match status.as_str() {
            "DONE" => row.completed_by.clone(),
            "CANCELLED" => match (row.cancelled_by.clone(), row.cancel_reason.clone()) {
                (Some(by), Some(reason)) => Some(format!("{by}: {reason}")),
                (by, reason) => by.or(reason),
            },
            _ => None,
        };
        let (done_id, reassign_id, cancel_id) = (row.id.clone(), row.id.clone(), row.id.clone());
        let current_assignee = row.assignee_id.clone().unwrap_or_default();
        let due_on = row.due_on.clone();
        let status_class = format!("badge task-status-{}", status.to_lowercase());
        let status_label = status_msg(&status);
        let script = row.script.as_ref().and_then(ShownScript::of);
        view! {
            <tr data-testid="task-row" class:task-overdue=overdue>
                <td>
                    {move || display::date(locale.get(), &due_on)}
                    {overdue.then(|| view! { <span class="badge badge-danger" data-testid="task-overdue">{move || text(Msg::Overdue)}</span> })}
                </td>
                <td><span class="badge badge-info">{move || text(kind)}</span></td>
                <td>
                    {row.title.clone()}
                    {row.note.clone().map(|note| view! { <p class="task-note">{note}</p> })}
                    {script.map(|script| view! { <ScriptPanel script=script test_id="task-script"/> })}
                </td>
                <td><A href=format!("/customers/{}", row.customer.id)>{row.customer.name.clone()}</A></td>
                <td>{numbers}</td>
                <td>{match assignee_name {
                    Some(name) => view! { <span>{name}</span> }.into_any(),
                    None => view! { <span class="muted">{move || text(Msg::WorkScopeUnassigned)}</span> }.into_any(),
                }}</td>
                <td>
                    {move || text(source)}
                    {created_by.map(|by| format!(" · {by}"))}
                </td>
                <td>
                    <span class=status_class>{move || text(status_label)}</span>
                    {closed.map(|detail| view! { <p class="task-note">{detail}</p> })}
                </td>
                <td>
                    {open.then(|| view! {
                        <div class="row-actions">
                            <button type="button" class="button button-secondary" data-testid="task-done"
                                on:click=move |_| {
                                    done_task.set(Some(done_id.clone()));
                                    done_open.set(true);
                                }>{move || text(Msg::TaskDone)}</button>
                            <Show when=move || manager.get()>
                                <button type="button" class="button button-secondary" data-testid="task-reassign"
                                    on:click={
                                        let (id, current) = (reassign_id.clone(), current_assignee.clone());
                                        move |_| {
                                            reassign_task.set(Some(id.clone()));
                                            reassign_to.set(current.clone());
                                            reassign_error.set(None);
                                            reassign_open.set(true);
                                        }
                                    }>{move || text(Msg::TaskReassign)}</button>
                            </Show>
                            <button type="button" class="button button-secondary" data-testid="task-cancel"
                                on:click=move |_| {
                                    cancel_task.set(Some(cancel_id.clone()));
                                    cancel_reason.set(String::new());
                                    cancel_error.set(None);
                                    cancel_open.set(true);
                                }>{move || text(Msg::Cancel)}</button>
                        </div>
                    })}
                </td>
            </tr>
        }
    };

    view! {
        <section class="page">
            <header class="page-header">
                <h1>{move || text(Msg::Tasks)}</h1>
                <p class="lead">{move || text(Msg::TasksLead)}</p>
            </header>
            <div class="toolbar" data-testid="task-filters">
                <Show when=move || manager.get()>
                    <div class="field">
                        <label for="tasks-scope">{move || text(Msg::WorkShow)}</label>
                        <select id="tasks-scope" name="tasks-scope" data-testid="tasks-scope"
                            disabled=move || !assignee.get().is_empty()
                            prop:value=move || scope.get()
                            on:change=move |event| scope.set(event_target_value(&event))>
                            {scope_options}
                        </select>
                    </div>
                    <div class="field">
                        <label for="tasks-assignee">{move || text(Msg::TaskAssignee)}</label>
                        <select id="tasks-assignee" name="tasks-assignee" data-testid="tasks-assignee"
                            prop:value=move || assignee.get()
                            on:change=move |event| assignee.set(event_target_value(&event))>
                            {assignee_filter_options}
                        </select>
                    </div>
                </Show>
                <SelectField name="tasks-status" label=Signal::derive(move || text(Msg::Status)) value=status options=status_options/>
                <TextField name="tasks-due-before" label=Signal::derive(move || text(Msg::TaskDueBy)) value=due_before input_type="date"/>
            </div>
            <DataTable
                caption=Signal::derive(move || format!("{} ({})", text(Msg::Tasks), total.get()))
                headers=Signal::derive(move || vec![
                    text(Msg::DueDate),
                    text(Msg::TaskKindLabel),
                    text(Msg::TaskColumnTask),
                    text(Msg::Customer),
                    text(Msg::InvoicesTitle),
                    text(Msg::TaskAssignee),
                    text(Msg::TaskSource),
                    text(Msg::Status),
                    text(Msg::Actions),
                ])
                row_count=Signal::derive(move || rows.get().len())
                empty=Signal::derive(move || if loading.get() { text(Msg::Loading) } else { text(Msg::NoTasks) })
            >
                {move || rows.get().into_iter().map(line).collect_view()}
            </DataTable>
            <Show when=move || has_more.get()>
                <button type="button" class="button button-secondary" data-testid="tasks-more" on:click=move |_| load(true)>
                    {move || text(Msg::LoadMore)}
                </button>
            </Show>

            <Modal open=done_open title=Signal::derive(move || text(Msg::TaskDoneTitle).to_owned())>
                {move || done_task.get().map(|task_id| {
                    let script = rows.with_untracked(|rows| {
                        rows.iter().find(|row| row.id == task_id).and_then(|row| row.script.as_ref().and_then(ShownScript::of))
                    });
                    view! {
                        <CompleteTaskForm task_id=task_id in_dialog=true script=script
                            on_done=Callback::new(move |_| {
                                done_open.set(false);
                                load(false);
                            })/>
                    }
                })}
            </Modal>

            <Modal open=reassign_open title=Signal::derive(move || text(Msg::TaskReassignTitle).to_owned())>
                <form class="form-grid" novalidate on:submit=confirm_reassign data-testid="reassign-form">
                    <Show when=move || reassign_error.get().is_some()>
                        <p class="form-error" role="alert">{move || reassign_error.get().unwrap_or_default()}</p>
                    </Show>
                    <SelectField name="reassign-assignee" label=Signal::derive(move || text(Msg::TaskAssignee)) value=reassign_to options=reassign_options/>
                    <div class="form-actions">
                        <button type="submit" class="button button-primary" data-testid="confirm-reassign"
                            disabled=move || reassign_busy.get()>{move || text(Msg::TaskReassign)}</button>
                    </div>
                </form>
            </Modal>

            <Modal open=cancel_open title=Signal::derive(move || text(Msg::TaskCancelTitle).to_owned())>
                <form class="form-grid" novalidate on:submit=confirm_cancel data-testid="cancel-task-form">
                    <TextField name="cancel-reason" label=Signal::derive(move || text(Msg::Reason)) value=cancel_reason
                        error=Signal::derive(move || cancel_error.get())/>
                    <div class="form-actions">
                        <button type="submit" class="button button-danger" data-testid="confirm-cancel"
                            disabled=move || cancel_busy.get()>{move || text(Msg::TaskCancelTitle)}</button>
                    </div>
                </form>
            </Modal>
        </section>
    }
}
