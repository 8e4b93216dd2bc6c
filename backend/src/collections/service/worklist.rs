//! The collector's work queue and completing its tasks.
//!
//! One statement reads every customer of the collector that needs action today (something
//! overdue, or a task due) with the history the ranking needs; the domain's
//! `worklist::rank` orders them by expected recovery and says why.

use super::activities::{NewActivity, NewPromise, log_activity_in};
use super::{Page, PageRequest};
use crate::api::values::optional_text;
use crate::audit;
use crate::auth::Caller;
use crate::collections::CollectionError;
use crate::collections::store::worklist::{self as store, Need, TaskRow};
use crate::db::{self, TenantTx};
use crate::error::AppError;
use chrono::NaiveDate;
use domain::access::{Access, Permission};
use domain::collections::{CollectionChannel, CollectionOutcome};
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
    pub tasks: Vec<TaskRow>,
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

/// Whose queue: the caller's own, or (for those who see every customer) any collector's, or,
/// for an API key without a collector, everyone's.
fn queue_owner(
    caller: &Caller,
    access: Access,
    asked: Option<Uuid>,
) -> Result<Option<Uuid>, AppError> {
    match (caller, access) {
        (Caller::Member(member), Access::Assigned) => match asked {
            Some(other) if other != member.user_id => Err(CollectionError::OthersWorklist.into()),
            _ => Ok(Some(member.user_id)),
        },
        (Caller::Member(member), _) => Ok(Some(asked.unwrap_or(member.user_id))),
        _ => Ok(asked),
    }
}

/// The collector's list for today (the page `request` asks for, by position), ranked by
/// expected recovery.
pub async fn worklist(
    db: &DatabaseConnection,
    caller: &Caller,
    request: &PageRequest,
    collector: Option<Uuid>,
) -> Result<Page<WorkItem>, AppError> {
    let access = may_read(caller)?;
    let tenant = caller.require_tenant()?;
    let owner = queue_owner(caller, access, collector)?;
    let today = db::tenant_calendar(db, tenant).await?.today;
    let tx = TenantTx::begin(db, tenant).await?;
    let needs = store::needs(&*tx, owner, today).await?;
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
    let mut tasks = store::open_tasks(&*tx, &ids, today, owner).await?;
    tx.commit().await?;
    Ok(page.map(|(position, (ranked, need))| {
        let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut tasks)
            .into_iter()
            .partition(|task| task.customer_id == need.customer_id);
        tasks = rest;
        WorkItem {
            rank: position as i32 + 1,
            need,
            ranked,
            tasks: mine,
        }
    }))
}

fn channel_of(kind: &str) -> CollectionChannel {
    match kind {
        "CALL" => CollectionChannel::Phone,
        "VISIT" => CollectionChannel::Visit,
        "SMS" => CollectionChannel::Sms,
        "WECHAT" => CollectionChannel::Wechat,
        "EMAIL" => CollectionChannel::Email,
        "LETTER" => CollectionChannel::Letter,
        _ => CollectionChannel::Other,
    }
}

/// Completes an open task and logs what happened, in one transaction. Returns the task and the
/// id of the activity logged.
pub async fn complete_task(
    db: &DatabaseConnection,
    caller: &Caller,
    input: TaskCompletion,
    request_id: &str,
) -> Result<(TaskRow, Uuid), AppError> {
    let access = may_work(caller)?;
    let tenant = caller.require_tenant()?;
    let actor = audit::actor_of(db, caller).await?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let not_found = || AppError::from(CollectionError::TaskNotFound);
    let id = input.task_id;
    let task = store::task(&*tx, id, true).await?.ok_or_else(not_found)?;
    // A collector completes tasks of their own customers; the activity log checks that too.
    if task.status != "OPEN" {
        return Err(CollectionError::TaskNotOpen {
            status: task.status.clone(),
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
            channel: input.channel.unwrap_or_else(|| channel_of(&task.kind)),
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
    Ok((task, activity))
}
