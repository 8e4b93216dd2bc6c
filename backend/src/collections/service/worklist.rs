//! The collector's work queue and completing its tasks.
//!
//! One statement reads every customer of the collector that needs action today (something
//! overdue, or a task due) with the history the ranking needs; the domain's
//! `worklist::rank` orders them by expected recovery and says why.

use super::activities::{NewActivity, NewPromise, log_activity_in};
use super::tasks::Task;
use super::{Page, PageRequest};
use crate::api::values::optional_text;
use crate::audit;
use crate::auth::Caller;
use crate::collections::CollectionError;
use crate::collections::store::worklist::{self as store, Need};
use crate::db::{self, TenantTx};
use crate::error::AppError;
use chrono::NaiveDate;
use domain::access::{Access, Permission};
use domain::collections::{CollectionChannel, CollectionOutcome, TaskStatus, WorklistScope};
use domain::messages::Localized;
use domain::worklist::{self, History};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

/// A customer on the worklist: its place, what the ranking saw and concluded, and its open
/// tasks due today or earlier.
pub struct WorkItem {
    /// 1 is the first to work on.
    pub rank: i32,
    pub need: Need,
    pub ranked: worklist::Ranked,
    pub tasks: Vec<Task>,
}

/// What happened on a task, as the collector reports it.
#[derive(Debug, Clone)]
pub struct TaskCompletion {
    pub task_id: Uuid,
    pub outcome: CollectionOutcome,
    /// The channel used; by default the task's own (a call task was a phone call).
    pub channel: Option<CollectionChannel>,
    pub note: Option<String>,
    pub contact_name: Option<String>,
    pub location: Option<String>,
    pub next_action_on: Option<NaiveDate>,
    pub promise: Option<NewPromise>,
    /// The language of the person completing it: the activity's note starts with the task's
    /// title as they read it.
    pub locale: domain::Locale,
}

/// Reading the worklist: those who see collections.
pub fn may_read(caller: &Caller) -> Result<Access, AppError> {
    caller.authorize(Permission::ViewCollections)
}

/// Completing tasks: those who work collections.
pub fn may_work(caller: &Caller) -> Result<Access, AppError> {
    caller.authorize(Permission::WorkCollections)
}

/// Whose work a list shows, resolved from what was asked and who asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// One person's: their customers (worklist) or their tasks.
    Of(Uuid),
    Everyone,
    /// Customers without a collector; tasks without an assignee.
    Nobody,
}

/// Whose work: a collector always gets their own; others pick a person or a scope (not
/// both), by default their own when they collect for any customer, else everyone's; an API
/// key, having no work of its own, gets everyone's. `field` names the scope in errors.
pub async fn queue(
    tx: &TenantTx,
    caller: &Caller,
    access: Access,
    person: Option<Uuid>,
    scope: Option<WorklistScope>,
    field: &'static str,
) -> Result<Queue, AppError> {
    if person.is_some() && scope.is_some() {
        return Err(CollectionError::ScopeAndPerson { field }.into());
    }
    match caller {
        Caller::Member(member) if access == Access::Assigned => match person {
            Some(other) if other != member.user_id => Err(CollectionError::OthersWorklist.into()),
            _ => Ok(Queue::Of(member.user_id)),
        },
        Caller::Member(member) => Ok(match (person, scope) {
            (Some(person), _) => Queue::Of(person),
            (None, Some(WorklistScope::Mine)) => Queue::Of(member.user_id),
            (None, Some(WorklistScope::All)) => Queue::Everyone,
            (None, Some(WorklistScope::Unassigned)) => Queue::Nobody,
            (None, None) => {
                if store::collects_for_any(&**tx, member.user_id).await? {
                    Queue::Of(member.user_id)
                } else {
                    Queue::Everyone
                }
            }
        }),
        _ => match (person, scope) {
            (Some(person), _) => Ok(Queue::Of(person)),
            (None, Some(WorklistScope::Mine)) => {
                Err(CollectionError::ScopeMineForKey { field }.into())
            }
            (None, Some(WorklistScope::Unassigned)) => Ok(Queue::Nobody),
            (None, _) => Ok(Queue::Everyone),
        },
    }
}

/// The collector's list for today (the page `request` asks for, by position), ranked by
/// expected recovery: one collector's, everyone's, or the customers nobody collects for.
/// Without `items` only how many customers need action is read (the dashboard's count): no
/// history, no ranking.
pub async fn worklist(
    db: &DatabaseConnection,
    caller: &Caller,
    request: &PageRequest,
    collector: Option<Uuid>,
    scope: Option<WorklistScope>,
    items: bool,
) -> Result<Page<WorkItem>, AppError> {
    let access = may_read(caller)?;
    let tenant = caller.require_tenant()?;
    let today = db::tenant_calendar(db, tenant).await?.today;
    let tx = TenantTx::begin(db, tenant).await?;
    let queue = queue(&tx, caller, access, collector, scope, "scope").await?;
    let owner = match queue {
        Queue::Of(person) => Some(person),
        _ => None,
    };
    if !items {
        let total = store::count_needs(&*tx, owner, queue == Queue::Nobody, today).await?;
        tx.commit().await?;
        let mut page = request.page(Vec::new(), total, |_| Vec::new());
        page.has_next = total >= request.offset() + request.limit();
        return Ok(page);
    }
    let needs = store::needs(&*tx, owner, queue == Queue::Nobody, today).await?;
    let mut ranked: Vec<(worklist::Ranked, Need)> = needs
        .into_iter()
        .map(|need| {
            let history = History {
                overdue: need.overdue,
                max_days_overdue: i64::from(need.max_days),
                settled_invoices: need.settled,
                settled_on_time: need.on_time,
                promises_judged: need.judged,
                promises_kept: need.kept,
                days_since_broken_promise: need.broken_on.map(|day| (today - day).num_days()),
                task_days_late: need.task_first_due.map(|day| (today - day).num_days()),
                follow_up_due: need.follow_up_due,
                days_since_contact: need.last_contact.map(|day| (today - day).num_days()),
            };
            (worklist::rank(&history), need)
        })
        .collect();
    ranked.sort_by(|(a, x), (b, y)| {
        b.expected_recovery
            .cmp(&a.expected_recovery)
            .then_with(|| y.overdue.cmp(&x.overdue))
            .then_with(|| x.name.cmp(&y.name))
    });
    let total = ranked.len() as i64;
    let page: Vec<(usize, (worklist::Ranked, Need))> = ranked
        .into_iter()
        .enumerate()
        .skip(request.offset() as usize)
        .take(request.limit() as usize)
        .collect();
    let page = request.page(page, total, |_| Vec::new());
    let ids: Vec<Uuid> = page
        .items
        .iter()
        .map(|(_, (_, need))| need.customer_id)
        .collect();
    let tasks = store::open_tasks(&*tx, &ids, today, owner).await?;
    tx.commit().await?;
    let mut tasks = super::tasks::with_assignees(db, tenant, tasks).await?;
    Ok(page.map(|(position, (ranked, need))| {
        let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut tasks)
            .into_iter()
            .partition(|task| task.row.customer_id == need.customer_id);
        tasks = rest;
        WorkItem {
            rank: position as i32 + 1,
            need,
            ranked,
            tasks: mine,
        }
    }))
}

/// Completes an open task and logs what happened, in one transaction. Returns the task and the
/// id of the activity logged.
pub async fn complete_task(
    db: &DatabaseConnection,
    caller: &Caller,
    input: TaskCompletion,
    request_id: &str,
) -> Result<(Task, Uuid), AppError> {
    let access = may_work(caller)?;
    let tenant = caller.require_tenant()?;
    let actor = audit::actor_of(db, caller).await?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let not_found = || AppError::from(CollectionError::TaskNotFound);
    let id = input.task_id;
    let task = store::task(&*tx, id, true).await?.ok_or_else(not_found)?;
    // A collector completes tasks of their own customers; the activity log checks that too.
    if task.status != TaskStatus::Open {
        return Err(CollectionError::TaskNotOpen {
            status: task.status.as_str().to_owned(),
        }
        .into());
    }
    let label = actor.label().to_owned();
    let note = optional_text("input.note", input.note.as_deref(), 4000)?;
    let activity = log_activity_in(
        db,
        &tx,
        caller,
        access,
        actor,
        &calendar,
        NewActivity {
            customer_id: task.customer_id,
            invoice_ids: task.invoice_ids.clone(),
            channel: input.channel.unwrap_or_else(|| task.kind.channel()),
            outcome: input.outcome,
            note: Some(match note {
                Some(note) => format!("{}: {note}", task.title.text(input.locale)),
                None => task.title.text(input.locale),
            }),
            contact_name: input.contact_name,
            location: input.location,
            occurred_at: None,
            next_action_on: input.next_action_on,
            promise: input.promise,
        },
        request_id,
    )
    .await?;
    store::complete_task(&*tx, id, label, activity).await?;
    let task = store::task(&*tx, id, false).await?.ok_or_else(not_found)?;
    tx.commit().await?;
    let task = super::tasks::with_assignees(db, tenant, vec![task])
        .await?
        .pop()
        .ok_or_else(not_found)?;
    Ok((task, activity))
}
