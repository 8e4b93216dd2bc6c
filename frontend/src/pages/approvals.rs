//! The approvals inbox (审批): what awaits me, everything, or what I asked for; each request
//! with the state it was asked against beside the change asked for, its levels and their
//! decisions; approve or reject with a comment, or withdraw one's own.

use super::access::RequirePermission;
use super::customers::show;
use crate::api::{self, ApprovalInbox};
use crate::approval::{action_msg, enum_text, levels_text, status_msg};
use crate::components::{ToastKind, use_toasts};
use crate::i18n::{Msg, invoice_status_text, use_locale, use_text};
use crate::session::use_session;
use domain::access::Permission;
use domain::approvals::{ApprovalAction, ApprovalStatus, Approver, may_decide};
use domain::display;
use domain::invoices::InvoiceStatus;
use domain::{Locale, Role};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use serde_json::Value;

#[component]
pub fn ApprovalsPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ViewInvoices>
            <Inbox/>
        </RequirePermission>
    }
}

type Row = api::approval_inbox::ApprovalInboxApprovalRequestsEdgesNode;

/// Which requests the inbox lists.
#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
    AwaitingMe,
    All,
    Mine,
}

#[component]
fn Inbox() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    let query = use_query_map();
    let decider = Signal::derive(move || {
        session
            .current
            .get()
            .is_some_and(|current| may_decide(current.role))
    });
    let view_of = RwSignal::new(match query.with_untracked(|q| q.get("view")).as_deref() {
        Some("mine") => View::Mine,
        Some("all") => View::All,
        _ => View::AwaitingMe,
    });
    // Someone who does not decide sees what they asked for.
    Effect::new(move |_| {
        if !decider.get() && session.current.get().is_some() {
            view_of.set(View::Mine);
        }
    });
    let me = LocalResource::new(|| async {
        api::run::<api::MyUserId>(api::my_user_id::Variables {})
            .await
            .ok()
            .and_then(|data| data.me.user.map(|user| user.id))
    });
    let rows = RwSignal::new(Vec::<Row>::new());
    let loading = RwSignal::new(true);
    let reload = RwSignal::new(0u32);
    let changed = crate::approval::use_inbox_changed();
    Effect::new(move |_| {
        reload.track();
        let which = view_of.get();
        let me = me.get().flatten();
        if which == View::Mine && me.is_none() {
            return;
        }
        let filter = api::approval_inbox::ApprovalRequestFilter {
            status: None,
            action: None,
            requested_by: (which == View::Mine).then(|| me.unwrap_or_default()),
            awaiting_me: Some(which == View::AwaitingMe),
            customer_id: None,
        };
        loading.set(true);
        leptos::task::spawn_local(async move {
            let result = api::run::<ApprovalInbox>(api::approval_inbox::Variables {
                after: None,
                filter: Some(filter),
            })
            .await;
            loading.set(false);
            match result {
                Ok(data) => {
                    rows.set(
                        data.approval_requests
                            .edges
                            .into_iter()
                            .map(|edge| edge.node)
                            .collect(),
                    );
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    });
    let tab = move |which: View, label: Msg, test_id: &'static str| {
        view! {
            <button type="button" class="tab" data-testid=test_id
                aria-pressed=move || if view_of.get() == which { "true" } else { "false" }
                on:click=move |_| view_of.set(which)>{move || text(label)}</button>
        }
    };
    view! {
        <section class="page">
            <header class="page-header">
                <h1>{move || text(Msg::ApprovalsTitle)}</h1>
                <p class="lead">{move || text(Msg::ApprovalsLead)}</p>
            </header>
            <div class="tabs" role="group">
                <Show when=move || decider.get()>
                    {tab(View::AwaitingMe, Msg::ApprovalsAwaitingMe, "approvals-awaiting")}
                    {tab(View::All, Msg::ApprovalsAll, "approvals-all")}
                </Show>
                {tab(View::Mine, Msg::ApprovalsMine, "approvals-mine")}
            </div>
            <Show when=move || !loading.get() && rows.with(Vec::is_empty)>
                <p data-testid="approvals-empty">{move || text(Msg::ApprovalsNone)}</p>
            </Show>
            <For each=move || rows.get() key=|row| (row.id.clone(), enum_text(&row.status), row.levels.iter().filter(|l| l.decision.is_some()).count()) let:row>
                <RequestCard row=row decider=decider me=me on_done=Callback::new(move |_| {
                    reload.update(|n| *n += 1);
                    changed.update(|n| *n += 1);
                })/>
            </For>
        </section>
    }
}

/// The asked-against facts a request shows, in this order, with their labels.
const FACTS: [(&str, Msg); 17] = [
    ("customer", Msg::FactCustomer),
    ("number", Msg::FactNumber),
    ("status", Msg::FactStatus),
    ("total", Msg::FactTotal),
    ("amount", Msg::FactAmount),
    ("balanceDue", Msg::FactBalanceDue),
    ("amountPaid", Msg::FactAmountPaid),
    ("amountCredited", Msg::FactAmountCredited),
    ("allocated", Msg::FactAllocated),
    ("dueDate", Msg::FactDueDate),
    ("receivedOn", Msg::FactReceivedOn),
    ("reference", Msg::FactReference),
    ("creditLimit", Msg::FactCreditLimit),
    ("balance", Msg::FactBalance),
    ("overdue", Msg::FactOverdue),
    ("creditHold", Msg::FactCreditHold),
    ("riskGrade", Msg::FactRiskGrade),
];

const AMOUNTS: [&str; 10] = [
    "total",
    "amount",
    "balanceDue",
    "amountPaid",
    "amountCredited",
    "allocated",
    "creditLimit",
    "balance",
    "overdue",
    "new",
];

/// One fact's value as read: money with its currency, dates and statuses in the reader's
/// language.
fn fact_value(locale: Locale, key: &str, value: &Value, currency: &str) -> String {
    let msg = |msg| crate::i18n::text(locale, msg).to_owned();
    match value {
        Value::Null if key == "creditLimit" => msg(Msg::FactNoLimit),
        Value::Null => String::new(),
        Value::Bool(true) => msg(Msg::FactYes),
        Value::Bool(false) => msg(Msg::FactNo),
        Value::String(text) if AMOUNTS.contains(&key) => show(locale, text, currency),
        Value::String(text) if key.ends_with("Date") || key.ends_with("On") => {
            display::date(locale, text)
        }
        Value::String(text) if key == "status" => InvoiceStatus::parse(text)
            .map(|status| invoice_status_text(locale, status).to_owned())
            .unwrap_or_else(|| text.clone()),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The change asked for, as a list of facts (label, value).
fn asked_for(locale: Locale, row: &Row, action: Option<ApprovalAction>) -> Vec<(String, String)> {
    let msg = |msg| crate::i18n::text(locale, msg).to_owned();
    let body = &row.command["body"];
    let amount = row
        .amount
        .as_ref()
        .map(|m| show(locale, &m.amount, &m.currency))
        .unwrap_or_else(|| msg(Msg::ApprovalAboveEvery));
    match action {
        Some(ApprovalAction::CreditLimitChange) => vec![(
            msg(Msg::AfterNewLimit),
            fact_value(locale, "creditLimit", &body["credit_limit"], &row.currency),
        )],
        Some(ApprovalAction::WriteOff) => vec![(msg(Msg::AfterWrittenOff), amount)],
        Some(ApprovalAction::VoidInvoice) => vec![(msg(Msg::AfterVoided), amount)],
        Some(ApprovalAction::CreditNote) => vec![(msg(Msg::AfterCreditNote), amount)],
        Some(ApprovalAction::FeeWaiver) => vec![(msg(Msg::AfterFeeWaived), amount)],
        Some(ApprovalAction::PaymentReversal) => vec![(msg(Msg::AfterPaymentReversed), amount)],
        Some(ApprovalAction::CreditBlockOverride) => {
            vec![(msg(Msg::AfterIssuedDespiteBlock), amount)]
        }
        Some(ApprovalAction::CreditHoldRelease) => vec![(msg(Msg::AfterHoldReleased), amount)],
        None => vec![(msg(Msg::ApprovalAmount), amount)],
    }
}

/// Days since `created_at` (an RFC 3339 instant), as "today" or "3 days ago".
fn age(locale: Locale, created_at: &str) -> String {
    let then = js_sys::Date::parse(created_at);
    let days = ((js_sys::Date::now() - then) / 86_400_000.0)
        .floor()
        .max(0.0) as i64;
    if days == 0 {
        crate::i18n::text(locale, Msg::ApprovalAgeToday).to_owned()
    } else {
        crate::i18n::text(locale, Msg::ApprovalAgeDays).replace("{n}", &days.to_string())
    }
}

#[component]
fn RequestCard(
    row: Row,
    decider: Signal<bool>,
    me: LocalResource<Option<String>>,
    on_done: Callback<()>,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let action = ApprovalAction::parse(&enum_text(&row.action));
    let status = ApprovalStatus::parse(&enum_text(&row.status)).unwrap_or(ApprovalStatus::Pending);
    let comment = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let requested_by_id = row.requested_by_id.clone();
    let mine = Signal::derive(move || {
        me.get()
            .flatten()
            .is_some_and(|me| requested_by_id.as_deref() == Some(me.as_str()))
    });
    let pending = status == ApprovalStatus::Pending;
    let id = StoredValue::new(row.id.clone());
    let comment_id = format!("comment-{}", row.id);
    let decide = move |approve: bool| {
        let comment_text = comment.get_untracked();
        if !approve && comment_text.trim().is_empty() {
            error.set(Some(text(Msg::ApprovalCommentRequired).to_owned()));
            return;
        }
        error.set(None);
        busy.set(true);
        let request_id = id.get_value();
        leptos::task::spawn_local(async move {
            let input =
                |request_id: String| api::approve_approval_request::DecideApprovalRequestInput {
                    request_id,
                    comment: Some(comment_text.clone()).filter(|c| !c.trim().is_empty()),
                };
            let outcome = if approve {
                api::run::<api::ApproveApprovalRequest>(api::approve_approval_request::Variables {
                    input: input(request_id),
                })
                .await
                .map(|data| {
                    let decided = data.approve_approval_request.approval_request;
                    match enum_text(&decided.status).as_str() {
                        "APPROVED" => text(Msg::ApprovalRanToast).to_owned(),
                        "FAILED" => format!(
                            "{} {}",
                            text(Msg::ApprovalFailedToast),
                            decided.failure_message.unwrap_or_default()
                        ),
                        _ => text(Msg::ApprovalLevelToast).to_owned(),
                    }
                })
            } else {
                api::run::<api::RejectApprovalRequest>(api::reject_approval_request::Variables {
                    input: api::reject_approval_request::DecideApprovalRequestInput {
                        request_id,
                        comment: Some(comment_text.clone()),
                    },
                })
                .await
                .map(|_| text(Msg::ApprovalRejectedToast).to_owned())
            };
            busy.set(false);
            match outcome {
                Ok(message) => {
                    toasts.push(ToastKind::Success, message);
                    on_done.run(());
                }
                Err(failure @ api::ApiError::Api { .. }) => {
                    error.set(Some(failure.text(locale.get_untracked())))
                }
                Err(other) => toasts.api_error(locale.get_untracked(), other),
            }
        });
    };
    let withdraw_id = row.id.clone();
    let withdraw = move |_| {
        let request_id = withdraw_id.clone();
        leptos::task::spawn_local(async move {
            match api::run::<api::CancelApprovalRequest>(api::cancel_approval_request::Variables {
                input: api::cancel_approval_request::CancelApprovalRequestInput { request_id },
            })
            .await
            {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(Msg::ApprovalWithdrawnToast));
                    on_done.run(());
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    let subject_href = match row.subject_type.as_str() {
        "invoice" => format!("/invoices/{}", row.subject_id),
        "customer" => format!("/customers/{}", row.subject_id),
        _ => format!("/customers/{}", row.customer_id),
    };
    let before: Vec<(Msg, String)> = FACTS
        .iter()
        .filter_map(|(key, label)| {
            let value = row.asked_against.get(*key)?;
            Some((
                *label,
                fact_value(locale.get_untracked(), key, value, &row.currency),
            ))
        })
        .filter(|(_, value)| !value.is_empty())
        .collect();
    let after = asked_for(locale.get_untracked(), &row, action);
    let levels: Vec<_> = row
        .levels
        .iter()
        .map(|level| {
            let named = match (&level.role, &level.user_id) {
                (Some(role), _) => enum_text(role)
                    .parse::<Role>()
                    .map(|role| levels_text(locale.get_untracked(), &[Approver::Role(role)]))
                    .unwrap_or_default(),
                _ => text(Msg::ApprovalNamedMember).to_owned(),
            };
            let decided = match &level.decision {
                Some(decision) => format!(
                    "{} · {}{}",
                    if decision == "APPROVED" {
                        text(Msg::StatusApproved)
                    } else {
                        text(Msg::StatusRejected)
                    },
                    level.decided_by.clone().unwrap_or_default(),
                    level
                        .comment
                        .as_ref()
                        .map(|c| format!(" · “{c}”"))
                        .unwrap_or_default()
                ),
                None => text(Msg::ApprovalLevelWaiting).to_owned(),
            };
            (level.level, named, decided)
        })
        .collect();
    let amount = row
        .amount
        .as_ref()
        .map(|m| show(locale.get_untracked(), &m.amount, &m.currency))
        .unwrap_or_else(|| text(Msg::ApprovalAboveEvery).to_owned());
    let created = age(locale.get_untracked(), &row.created_at);
    let expires = display::date(locale.get_untracked(), &row.expires_on);
    let failure = row.failure_message.clone();
    view! {
        <article class="panel approval-card" data-testid="approval-request">
            <header class="approval-head">
                <h2>
                    <span data-testid="approval-action">{move || action.map(|a| text(action_msg(a))).unwrap_or_default()}</span>
                    " · "<A href=subject_href>{row.subject_label.clone()}</A>
                </h2>
                <span class="badge" data-testid="approval-status">{move || text(status_msg(status))}</span>
            </header>
            <p class="muted">
                {move || text(Msg::ApprovalAmount)}": "<strong data-testid="approval-amount">{amount}</strong>
                " · "{move || text(Msg::ApprovalAskedBy)}": "{row.requested_by.clone()}
                " · "{move || text(Msg::ApprovalWaiting)}": "{created}
                " · "{move || text(Msg::ApprovalExpiresOn)}": "{expires}
            </p>
            <p>{move || text(Msg::ApprovalWhy)}": "<span data-testid="approval-reason">{row.reason.clone()}</span></p>
            <div class="approval-compare">
                <dl class="facts" data-testid="approval-before">
                    <h3>{move || text(Msg::ApprovalBefore)}</h3>
                    {before.into_iter().map(|(label, value)| view! { <dt>{move || text(label)}</dt><dd>{value}</dd> }).collect_view()}
                </dl>
                <dl class="facts" data-testid="approval-after">
                    <h3>{move || text(Msg::ApprovalAfter)}</h3>
                    {after.into_iter().map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> }).collect_view()}
                </dl>
            </div>
            <h3>{move || text(Msg::ApprovalLevels)}</h3>
            <ol class="plain-list" data-testid="approval-levels">
                {levels.into_iter().map(|(level, named, decided)| view! { <li>{level}". "{named}" — "{decided}</li> }).collect_view()}
            </ol>
            {failure.map(|failure| view! { <p class="form-error" data-testid="approval-failure">{move || text(Msg::ApprovalFailure)}": "{failure.clone()}</p> })}
            <Show when=move || pending && decider.get() && !mine.get()>
                <div class="field field-wide">
                    <label for=comment_id.clone()>{move || text(Msg::ApprovalComment)}</label>
                    <textarea id=comment_id.clone() data-testid="approval-comment" rows="2"
                        prop:value=move || comment.get()
                        on:input=move |event| comment.set(event_target_value(&event))></textarea>
                    <p class="field-hint">{move || text(Msg::ApprovalCommentHint)}</p>
                </div>
                {move || error.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                <div class="form-actions">
                    <button type="button" class="button button-primary" data-testid="approve-request"
                        disabled=move || busy.get() on:click=move |_| decide(true)>{move || text(Msg::Approve)}</button>
                    <button type="button" class="button button-danger" data-testid="reject-request"
                        disabled=move || busy.get() on:click=move |_| decide(false)>{move || text(Msg::RejectRequest)}</button>
                </div>
            </Show>
            <Show when=move || pending && mine.get()>
                <div class="form-actions">
                    <button type="button" class="button button-secondary" data-testid="withdraw-request"
                        on:click=withdraw.clone()>{move || text(Msg::WithdrawRequest)}</button>
                </div>
            </Show>
        </article>
    }
}
