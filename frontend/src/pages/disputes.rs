//! The disputes queue: open disputes, oldest first, by owner, reason and age, with the
//! customer's own words when the dispute came from their answer to a statement. Finance and
//! those who work collections give a dispute its owner, a date to settle it by and its reason;
//! finance resolves it (or rejects it) with a note the customer can be sent.

use super::access::RequirePermission;
use super::customers::show;
use crate::api::{self, DisputesQueue, ResolveDispute, UpdateDispute};
use crate::components::{
    DataTable, Modal, SelectField, TextField, ToastKind, enum_name, use_toasts,
};
use crate::i18n::{Msg, use_locale, use_text};
use crate::session::use_session;
use domain::access::Permission;
use domain::display;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn DisputesPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ViewInvoices>
            <DisputeQueue/>
        </RequirePermission>
    }
}

type Row = api::disputes_queue::DisputesQueueDisputesEdgesNode;

/// The reason codes, in the order the select offers them.
const REASONS: [(&str, Msg); 8] = [
    ("PRICE", Msg::DisputeReasonPrice),
    ("QUANTITY", Msg::DisputeReasonQuantity),
    ("QUALITY", Msg::DisputeReasonQuality),
    ("NOT_RECEIVED", Msg::DisputeReasonNotReceived),
    ("DUPLICATE", Msg::DisputeReasonDuplicate),
    ("ALREADY_PAID", Msg::DisputeReasonAlreadyPaid),
    ("TERMS", Msg::DisputeReasonTerms),
    ("OTHER", Msg::DisputeReasonOther),
];

/// A reason code (`QUALITY`, …) as its label.
fn reason_msg(code: &str) -> Msg {
    REASONS
        .iter()
        .find(|(name, _)| *name == code)
        .map(|(_, msg)| *msg)
        .unwrap_or(Msg::DisputeReasonOther)
}

#[component]
fn DisputeQueue() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    // Finance and collectors work disputes (collectors their own customers'); only finance
    // resolves them (the server refuses the others).
    let can_work = Signal::derive(move || {
        session.current.get().is_some_and(|s| {
            s.can(Permission::ManageInvoices) || s.can(Permission::WorkCollections)
        })
    });
    let can_resolve = Signal::derive(move || {
        session
            .current
            .get()
            .is_some_and(|s| s.can(Permission::ManageInvoices))
    });

    // Who may own a dispute, as (id, "name (email)"); `None` when the list may not be read
    // (a collector or a viewer): the owner filter is hidden then.
    let members = LocalResource::new(move || async move {
        api::run::<api::AssignableMembers>(api::assignable_members::Variables {})
            .await
            .ok()
            .map(|data| {
                data.assignable_members
                    .into_iter()
                    .filter(|m| m.may_collect)
                    .map(|m| (m.id, format!("{} ({})", m.name, m.email)))
                    .collect::<Vec<_>>()
            })
    });
    let member_list = move || members.get().flatten();

    // Filters.
    let status = RwSignal::new("OPEN".to_owned());
    let owner = RwSignal::new(String::new());

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
        let filter = api::disputes_queue::DisputeFilter {
            status: api::chosen::<api::disputes_queue::DisputeStatus>(&status.get_untracked())
                .map(|s| vec![s]),
            customer_id: None,
            assignee_id: Some(owner.get_untracked()).filter(|id| !id.is_empty()),
        };
        loading.set(true);
        leptos::task::spawn_local(async move {
            let result = api::run::<DisputesQueue>(api::disputes_queue::Variables {
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
                    let page = data.disputes;
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
        status.track();
        owner.track();
        load(false);
    });

    // Assign: owner, due date and reason code, all three sent as the form holds them (it
    // starts from the dispute's current values; an empty owner or date takes it off).
    let assign_dispute = RwSignal::new(None::<String>);
    let assign_open = RwSignal::new(false);
    let assign_owner = RwSignal::new(String::new());
    // The dispute's owner when the dialog opened, offered even when the members cannot be read.
    let assign_current = RwSignal::new(None::<(String, String)>);
    let assign_due = RwSignal::new(String::new());
    let assign_reason = RwSignal::new("OTHER".to_owned());
    let assign_error = RwSignal::new(None::<String>);
    let assign_due_error = RwSignal::new(None::<String>);
    let assign_busy = RwSignal::new(false);
    let confirm_assign = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(dispute_id) = assign_dispute.get_untracked() else {
            return;
        };
        if assign_busy.get_untracked() {
            return;
        }
        assign_error.set(None);
        assign_due_error.set(None);
        assign_busy.set(true);
        let input = api::update_dispute::UpdateDisputeInput {
            dispute_id,
            reason_code: api::chosen::<api::update_dispute::DisputeReason>(
                &assign_reason.get_untracked(),
            ),
            assignee_id: Some(assign_owner.get_untracked()).filter(|id| !id.is_empty()),
            due_on: Some(assign_due.get_untracked()).filter(|day| !day.is_empty()),
        };
        leptos::task::spawn_local(async move {
            match api::run::<UpdateDispute>(api::update_dispute::Variables { input }).await {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(Msg::DisputeUpdated));
                    assign_open.set(false);
                    load(false);
                }
                Err(failure @ api::ApiError::Api { .. }) => {
                    let message = failure.text(locale.get_untracked());
                    if failure.field_name() == "dueOn" {
                        assign_due_error.set(Some(message));
                    } else {
                        assign_error.set(Some(message));
                    }
                }
                Err(other) => toasts.api_error(locale.get_untracked(), other),
            }
            assign_busy.set(false);
        });
    };

    // Resolve: the outcome and the note the customer can be sent.
    let resolve_dispute = RwSignal::new(None::<String>);
    let resolve_open = RwSignal::new(false);
    let resolve_outcome = RwSignal::new("RESOLVED".to_owned());
    let resolve_note = RwSignal::new(String::new());
    let resolve_note_error = RwSignal::new(None::<String>);
    let resolve_error = RwSignal::new(None::<String>);
    let resolve_busy = RwSignal::new(false);
    let confirm_resolve = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(dispute_id) = resolve_dispute.get_untracked() else {
            return;
        };
        if resolve_busy.get_untracked() {
            return;
        }
        resolve_error.set(None);
        resolve_note_error.set(None);
        let note = resolve_note.get_untracked().trim().to_owned();
        if note.is_empty() {
            resolve_note_error.set(Some(text(Msg::DisputeNoteRequired).to_owned()));
            return;
        }
        let rejected = resolve_outcome.get_untracked() == "REJECTED";
        let outcome = if rejected {
            api::resolve_dispute::DisputeOutcome::REJECTED
        } else {
            api::resolve_dispute::DisputeOutcome::RESOLVED
        };
        resolve_busy.set(true);
        let input = api::resolve_dispute::ResolveDisputeInput {
            dispute_id,
            outcome,
            note,
        };
        leptos::task::spawn_local(async move {
            match api::run::<ResolveDispute>(api::resolve_dispute::Variables { input }).await {
                Ok(_) => {
                    toasts.push(
                        ToastKind::Success,
                        text(if rejected {
                            Msg::DisputeRejectedToast
                        } else {
                            Msg::DisputeResolvedToast
                        }),
                    );
                    resolve_open.set(false);
                    load(false);
                }
                Err(failure @ api::ApiError::Api { .. }) => {
                    let message = failure.text(locale.get_untracked());
                    if failure.field_name() == "note" {
                        resolve_note_error.set(Some(message));
                    } else {
                        resolve_error.set(Some(message));
                    }
                }
                Err(other) => toasts.api_error(locale.get_untracked(), other),
            }
            resolve_busy.set(false);
        });
    };

    let status_options = Signal::derive(move || {
        [
            ("OPEN", Msg::DisputeStatusOpen),
            ("RESOLVED", Msg::DisputeStatusResolved),
            ("REJECTED", Msg::DisputeStatusRejected),
        ]
        .into_iter()
        .map(|(value, msg)| (value.to_owned(), text(msg).to_owned()))
        .collect::<Vec<_>>()
    });
    let owner_filter_options = Signal::derive(move || {
        let mut options = vec![(String::new(), text(Msg::DisputeAnyOwner).to_owned())];
        options.extend(member_list().unwrap_or_default());
        options
    });
    let owner_options = Signal::derive(move || {
        let mut options = vec![(String::new(), text(Msg::DisputeNoOwner).to_owned())];
        let mut people = member_list().unwrap_or_default();
        if let Some((id, label)) = assign_current.get()
            && !people.iter().any(|(known, _)| *known == id)
        {
            people.push((id, label));
        }
        options.extend(people);
        options
    });
    let reason_options = Signal::derive(move || {
        REASONS
            .into_iter()
            .map(|(value, msg)| (value.to_owned(), text(msg).to_owned()))
            .collect::<Vec<_>>()
    });
    let outcome_options = Signal::derive(move || {
        vec![
            (
                "RESOLVED".to_owned(),
                text(Msg::DisputeOutcomeResolved).to_owned(),
            ),
            (
                "REJECTED".to_owned(),
                text(Msg::DisputeOutcomeRejected).to_owned(),
            ),
        ]
    });

    let line = move |row: Row| {
        let today = crate::calendar::company_date(0);
        let dispute = row.dispute;
        let open = enum_name(&dispute.status) == "OPEN";
        let reason_code = enum_name(&dispute.reason_code);
        let reason_label = reason_msg(&reason_code);
        let overdue = open
            && dispute
                .due_on
                .as_deref()
                .is_some_and(|day| day < today.as_str());
        let amount = dispute.amount.clone();
        let owner_name = dispute.assignee.as_ref().map(|person| person.name.clone());
        let current_owner = dispute.assignee.as_ref().map(|person| {
            (
                person.id.clone(),
                format!("{} ({})", person.name, person.email),
            )
        });
        let due_on = dispute.due_on.clone();
        let current_due = dispute.due_on.clone().unwrap_or_default();
        let age = row.age_days;
        let words = row
            .customer_statement
            .clone()
            .filter(|words| !words.trim().is_empty());
        let resolution = dispute.resolution_note.clone().filter(|_| !open);
        let opened_by = dispute.opened_by.clone();
        let invoice_link = format!("/invoices/{}", row.invoice.id);
        let invoice_number = row.invoice.number.clone().unwrap_or_else(|| "—".to_owned());
        let (assign_id, resolve_id) = (dispute.id.clone(), dispute.id.clone());
        view! {
            <tr data-testid="dispute-row" class:dispute-overdue=overdue>
                <td>
                    <A href=format!("/customers/{}", row.customer.id)>{row.customer.name}</A>
                    <p class="dispute-meta">{row.customer.code}</p>
                </td>
                <td><A href=invoice_link>{invoice_number}</A></td>
                <td class="num">{move || show(locale.get(), &amount.amount, &amount.currency)}</td>
                <td data-testid="dispute-reason">
                    <span class="badge badge-info">{move || text(reason_label)}</span>
                </td>
                <td>
                    {dispute.reason}
                    <p class="dispute-meta">{move || text(Msg::DisputeOpenedByLabel)}": "{opened_by}</p>
                    {resolution.map(|note| view! {
                        <p class="dispute-meta" data-testid="dispute-resolution">
                            {move || text(Msg::DisputeResolution)}": "{note}
                        </p>
                    })}
                </td>
                <td>
                    {words.map(|words| view! {
                        <blockquote class="dispute-words" data-testid="dispute-customer-words">
                            "“"{words}"”"
                        </blockquote>
                    })}
                </td>
                <td data-testid="dispute-owner">{match owner_name {
                    Some(name) => view! { <span>{name}</span> }.into_any(),
                    None => view! { <span class="muted">{move || text(Msg::DisputeNoOwner)}</span> }.into_any(),
                }}</td>
                <td class="dispute-due" data-testid="dispute-due">
                    {due_on.map(|day| view! { <span>{move || display::date(locale.get(), &day)}</span> })}
                    {overdue.then(|| view! {
                        " "
                        <span class="badge badge-danger" data-testid="dispute-overdue">{move || text(Msg::Overdue)}</span>
                    })}
                </td>
                <td data-testid="dispute-age">{move || {
                    if age == 1 {
                        text(Msg::DisputeAgeOneDay).to_owned()
                    } else {
                        text(Msg::DisputeAgeDays).replace("{n}", &age.to_string())
                    }
                }}</td>
                <td>
                    {open.then(|| view! {
                        <div class="row-actions">
                            <Show when=move || can_work.get()>
                                <button type="button" class="button button-secondary" data-testid="dispute-assign"
                                    on:click={
                                        let id = assign_id.clone();
                                        let current = current_owner.clone();
                                        let due = current_due.clone();
                                        let reason = reason_code.clone();
                                        move |_| {
                                            assign_dispute.set(Some(id.clone()));
                                            assign_current.set(current.clone());
                                            assign_owner.set(current.as_ref().map(|(id, _)| id.clone()).unwrap_or_default());
                                            assign_due.set(due.clone());
                                            assign_reason.set(reason.clone());
                                            assign_error.set(None);
                                            assign_due_error.set(None);
                                            assign_open.set(true);
                                        }
                                    }>{move || text(Msg::DisputeAssign)}</button>
                            </Show>
                            <Show when=move || can_resolve.get()>
                                <button type="button" class="button button-secondary" data-testid="dispute-resolve"
                                    on:click={
                                        let id = resolve_id.clone();
                                        move |_| {
                                            resolve_dispute.set(Some(id.clone()));
                                            resolve_outcome.set("RESOLVED".to_owned());
                                            resolve_note.set(String::new());
                                            resolve_note_error.set(None);
                                            resolve_error.set(None);
                                            resolve_open.set(true);
                                        }
                                    }>{move || text(Msg::Resolve)}</button>
                            </Show>
                        </div>
                    })}
                    <crate::components::AttachmentsToggle owner=domain::attachments::AttachmentOwner::Dispute owner_id=dispute.id.clone()/>
                </td>
            </tr>
        }
    };

    view! {
        <section class="page">
            <header class="page-header">
                <h1>{move || text(Msg::Disputes)}</h1>
                <p class="lead">{move || text(Msg::DisputesLead)}</p>
            </header>
            <div class="toolbar" data-testid="dispute-filters">
                <SelectField name="disputes-status" label=Signal::derive(move || text(Msg::Status)) value=status options=status_options/>
                <Show when=move || member_list().is_some()>
                    <SelectField name="disputes-owner" label=Signal::derive(move || text(Msg::DisputeOwner)) value=owner options=owner_filter_options/>
                </Show>
            </div>
            <DataTable
                caption=Signal::derive(move || format!("{} ({})", text(Msg::Disputes), total.get()))
                headers=Signal::derive(move || vec![
                    text(Msg::Customer),
                    text(Msg::DisputeInvoiceColumn),
                    text(Msg::Amount),
                    text(Msg::DisputeReasonLabel),
                    text(Msg::DisputeNoteColumn),
                    text(Msg::DisputeCustomerWords),
                    text(Msg::DisputeOwner),
                    text(Msg::DisputeDueOn),
                    text(Msg::DisputeAge),
                    text(Msg::Actions),
                ])
                row_count=Signal::derive(move || rows.get().len())
                empty=Signal::derive(move || if loading.get() { text(Msg::Loading) } else { text(Msg::NoDisputes) })
            >
                {move || rows.get().into_iter().map(line).collect_view()}
            </DataTable>
            <Show when=move || has_more.get()>
                <button type="button" class="button button-secondary" data-testid="disputes-more" on:click=move |_| load(true)>
                    {move || text(Msg::LoadMore)}
                </button>
            </Show>

            <Modal open=assign_open title=Signal::derive(move || text(Msg::DisputeAssignTitle).to_owned())>
                <form class="form-grid" novalidate on:submit=confirm_assign data-testid="dispute-assign-form">
                    <Show when=move || assign_error.get().is_some()>
                        <p class="form-error" role="alert">{move || assign_error.get().unwrap_or_default()}</p>
                    </Show>
                    <SelectField name="dispute-owner" label=Signal::derive(move || text(Msg::DisputeOwner)) value=assign_owner options=owner_options/>
                    <TextField name="dispute-due-on" label=Signal::derive(move || text(Msg::DisputeDueOn)) value=assign_due input_type="date"
                        hint=Signal::derive(move || text(Msg::DisputeDueOnHint))
                        error=Signal::derive(move || assign_due_error.get())/>
                    <SelectField name="dispute-reason-code" label=Signal::derive(move || text(Msg::DisputeReasonLabel)) value=assign_reason options=reason_options/>
                    <div class="form-actions">
                        <button type="submit" class="button button-primary" data-testid="save-dispute"
                            disabled=move || assign_busy.get()>{move || text(Msg::Save)}</button>
                    </div>
                </form>
            </Modal>

            <Modal open=resolve_open title=Signal::derive(move || text(Msg::DisputeResolveTitle).to_owned())>
                <form class="form-grid" novalidate on:submit=confirm_resolve data-testid="dispute-resolve-form">
                    <Show when=move || resolve_error.get().is_some()>
                        <p class="form-error" role="alert">{move || resolve_error.get().unwrap_or_default()}</p>
                    </Show>
                    <SelectField name="dispute-outcome" label=Signal::derive(move || text(Msg::DisputeOutcome)) value=resolve_outcome options=outcome_options/>
                    <div class="field field-wide" class:field-invalid=move || resolve_note_error.get().is_some()>
                        <label for="dispute-resolution-note">{move || text(Msg::DisputeResolutionNote)}</label>
                        <textarea
                            id="dispute-resolution-note"
                            name="dispute-resolution-note"
                            rows="4"
                            aria-describedby="dispute-resolution-note-hint"
                            aria-invalid=move || resolve_note_error.get().is_some().to_string()
                            prop:value=move || resolve_note.get()
                            on:input=move |event| resolve_note.set(event_target_value(&event))
                        ></textarea>
                        <p class="field-hint" id="dispute-resolution-note-hint">{move || text(Msg::DisputeResolutionNoteHint)}</p>
                        <Show when=move || resolve_note_error.get().is_some()>
                            <p class="field-error" role="alert">{move || resolve_note_error.get().unwrap_or_default()}</p>
                        </Show>
                    </div>
                    <div class="form-actions">
                        <button type="submit" class="button button-primary" data-testid="confirm-resolve"
                            disabled=move || resolve_busy.get()>{move || text(Msg::Resolve)}</button>
                    </div>
                </form>
            </Modal>
        </section>
    }
}
