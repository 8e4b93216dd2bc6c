//! Tasks as a team's to-do list: listing them by whose they are, scheduling one by hand (a
//! visit, a call back), giving one to someone else, and cancelling one. Completing a task logs
//! the activity it was and lives with the worklist.
//!
//! Collectors work their own customers' tasks: they schedule for themselves and cancel their
//! own; giving work to someone else, or taking it from them, is a manager's.

use super::worklist::{Queue, may_read, may_work, queue};
use super::{Page, PageRequest};
use crate::api::values::optional_text;
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::collections::CollectionError;
use crate::collections::store::tasks::{self as store, Assignee, ScheduledTask, TaskQuery};
use crate::collections::store::worklist::{self as worklist_store, TaskRow};
use crate::db::{self, MemberName, TenantTx};
use crate::error::AppError;
use chrono::{Days, NaiveDate};
use domain::collections::{MAX_DAYS_AHEAD, TaskKind, TaskStatus, WorklistScope};
use domain::{Access, TenantId};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

/// A task with the member it is assigned to (none: unassigned, or no longer a member).
#[derive(Debug, Clone)]
pub struct Task {
    pub row: TaskRow,
    pub assignee: Option<MemberName>,
}

/// Tasks with their assignees' names, in one control-plane statement.
pub async fn with_assignees(
    db: &DatabaseConnection,
    tenant: TenantId,
    rows: Vec<TaskRow>,
) -> Result<Vec<Task>, AppError> {
    let mut people: Vec<Uuid> = rows.iter().filter_map(|row| row.assignee_id).collect();
    people.sort_unstable();
    people.dedup();
    let people = db::member_names(db, tenant, &people).await?;
    Ok(rows
        .into_iter()
        .map(|row| Task {
            assignee: row
                .assignee_id
                .and_then(|id| people.iter().find(|person| person.id == id).cloned()),
            row,
        })
        .collect())
}

/// What the task list was asked for.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub assignee_id: Option<Uuid>,
    pub scope: Option<WorklistScope>,
    /// Open tasks when empty.
    pub statuses: Vec<TaskStatus>,
    pub due_before: Option<NaiveDate>,
    pub customer_id: Option<Uuid>,
}

/// The page `request` asks for of the tasks the caller sees, soonest due first. Whose tasks
/// follows the worklist's rules (a collector's own by default; `assigneeId` or `scope`).
/// Counted in all only when `wants_total` (the page's `total` is 0 otherwise).
pub async fn list_tasks(
    db: &DatabaseConnection,
    caller: &Caller,
    request: &PageRequest,
    filter: TaskFilter,
    wants_total: bool,
) -> Result<Page<Task>, AppError> {
    let access = may_read(caller)?;
    let tenant = caller.require_tenant()?;
    let tx = TenantTx::begin(db, tenant).await?;
    // A customer's tasks are everyone's on it unless a person or scope is asked for.
    let assignee =
        if filter.customer_id.is_some() && filter.assignee_id.is_none() && filter.scope.is_none() {
            Assignee::Anyone
        } else {
            match queue(
                &tx,
                caller,
                access,
                filter.assignee_id,
                filter.scope,
                "filter.scope",
            )
            .await?
            {
                Queue::Of(person) => Assignee::Person(person),
                Queue::Everyone => Assignee::Anyone,
                Queue::Nobody => Assignee::Nobody,
            }
        };
    let statuses = if filter.statuses.is_empty() {
        vec![TaskStatus::Open]
    } else {
        filter.statuses
    };
    let query = TaskQuery {
        assignee,
        statuses,
        due_before: filter.due_before,
        customer_id: filter.customer_id,
    };
    let (rows, total) =
        store::list_tasks(&tx, caller, access, &query, request, wants_total).await?;
    tx.commit().await?;
    let mut page = request.page(rows, total, store::task_key);
    let rows = std::mem::take(&mut page.items);
    let tasks = with_assignees(db, tenant, rows).await?;
    Ok(page.with_items(tasks))
}

/// A task to schedule, its fields parsed.
#[derive(Debug, Clone)]
pub struct NewTask {
    pub customer_id: Uuid,
    /// `None`: the customer's collector, else the caller when they collect.
    pub assignee_id: Option<Uuid>,
    pub kind: TaskKind,
    pub due_on: NaiveDate,
    pub note: Option<String>,
    pub invoice_ids: Vec<Uuid>,
}

/// The member a task may be given to: one of this company whose role works collections and,
/// for a collector (who works only their own customers), the collector of `customer`.
async fn check_assignee(
    db: &DatabaseConnection,
    tenant: TenantId,
    user: Uuid,
    customer_collector: Option<Uuid>,
) -> Result<(), AppError> {
    let field = "input.assigneeId";
    let member = db::members::member(db, tenant, user)
        .await?
        .ok_or(CollectionError::AssigneeNotFound { field })?;
    if !member.role.may_collect() {
        return Err(CollectionError::AssigneeMayNotCollect {
            field,
            role: member.role.as_str().to_owned(),
        }
        .into());
    }
    if member.role.access(domain::Permission::WorkCollections) == Access::Assigned
        && customer_collector != Some(user)
    {
        return Err(CollectionError::AssigneeNotCustomersCollector.into());
    }
    Ok(())
}

/// Only managers (who work every customer) give tasks to others or move them.
fn for_self_unless_manager(
    caller: &Caller,
    access: Access,
    assignee: Option<Uuid>,
) -> Result<(), AppError> {
    match caller {
        Caller::Member(member) if access == Access::Assigned => match assignee {
            Some(other) if other == member.user_id => Ok(()),
            _ => Err(CollectionError::TaskOthersForManagers.into()),
        },
        _ => Ok(()),
    }
}

/// Schedules a task by hand (a visit, a call back) on a customer the caller works, due from
/// today to a year on, for the invoices named (the customer's).
pub async fn create_task(
    db: &DatabaseConnection,
    caller: &Caller,
    input: NewTask,
    request_id: &str,
) -> Result<Task, AppError> {
    let access = may_work(caller)?;
    let tenant = caller.require_tenant()?;
    let actor = audit::actor_of(db, caller).await?;
    let today = db::tenant_calendar(db, tenant).await?.today;
    let note = optional_text("input.note", input.note.as_deref(), 4000)?;
    let tx = TenantTx::begin(db, tenant).await?;
    store::hold_customer(&*tx, input.customer_id).await?;
    let customer =
        super::activities::workable_customer(db, &tx, caller, access, input.customer_id).await?;
    let assignee = match (input.assignee_id, caller) {
        (Some(person), _) => Some(person),
        (None, Caller::Member(member)) if access == Access::Assigned => Some(member.user_id),
        (None, Caller::Member(member)) => customer
            .collector_id
            .or(member.role.may_collect().then_some(member.user_id)),
        (None, _) => customer.collector_id,
    };
    for_self_unless_manager(caller, access, assignee)?;
    if let Some(person) = assignee {
        check_assignee(db, tenant, person, customer.collector_id).await?;
    }
    let found = store::invoices_of(&*tx, customer.id, &input.invoice_ids).await?;
    if let Some(index) = input
        .invoice_ids
        .iter()
        .position(|invoice| !found.contains(invoice))
    {
        return Err(CollectionError::InvoiceNotOfCustomer { index }.into());
    }
    // Each invoice once, in the order given.
    let mut invoice_ids = input.invoice_ids;
    let mut seen = std::collections::HashSet::new();
    invoice_ids.retain(|invoice| seen.insert(*invoice));
    let latest = today.checked_add_days(Days::new(MAX_DAYS_AHEAD.unsigned_abs()));
    if input.due_on < today || latest.is_some_and(|latest| input.due_on > latest) {
        return Err(CollectionError::TaskDueOutOfRange { today }.into());
    }
    let task = ScheduledTask {
        id: Uuid::now_v7(),
        customer_id: customer.id,
        kind: input.kind,
        due_on: input.due_on,
        assignee_id: assignee,
        note,
        invoice_ids,
        created_by: actor.label().to_owned(),
    };
    store::insert_scheduled(&*tx, &task).await?;
    let row = worklist_store::task(&*tx, task.id, false)
        .await?
        .ok_or(CollectionError::TaskNotFound)?;
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "task.created",
            entity_type: "collection_task",
            entity_id: Some(task.id.to_string()),
            before: None,
            after: Some(task_snapshot(&row)),
            request_id: Some(request_id),
        },
    )
    .await?;
    tx.commit().await?;
    one(db, tenant, row).await
}

/// What the audit log keeps of a task.
fn task_snapshot(row: &TaskRow) -> serde_json::Value {
    serde_json::json!({
        "customerId": row.customer_id.to_string(),
        "kind": row.kind.as_str(),
        "dueOn": row.due_on.to_string(),
        "status": row.status.as_str(),
        "assigneeId": row.assignee_id.map(|id| id.to_string()),
        "note": row.note,
        "cancelReason": row.cancel_reason,
    })
}

async fn one(db: &DatabaseConnection, tenant: TenantId, row: TaskRow) -> Result<Task, AppError> {
    with_assignees(db, tenant, vec![row])
        .await?
        .pop()
        .ok_or_else(|| CollectionError::TaskNotFound.into())
}

/// The open task `id` of a customer the caller works, locked for the change.
async fn open_task(
    db: &DatabaseConnection,
    tx: &TenantTx,
    caller: &Caller,
    access: Access,
    id: Uuid,
) -> Result<TaskRow, AppError> {
    let task = worklist_store::task(&**tx, id, true)
        .await?
        .ok_or(CollectionError::TaskNotFound)?;
    // A task of a customer the caller does not work is not found, as the customer is not.
    super::activities::workable_customer(db, tx, caller, access, task.customer_id)
        .await
        .map_err(|_| AppError::from(CollectionError::TaskNotFound))?;
    if task.status != TaskStatus::Open {
        return Err(CollectionError::TaskNotOpen {
            status: task.status.as_str().to_owned(),
        }
        .into());
    }
    Ok(task)
}

/// Gives an open task to another member who collects, or to nobody (the unassigned queue).
pub async fn reassign_task(
    db: &DatabaseConnection,
    caller: &Caller,
    (task_id, assignee): (Uuid, Option<Uuid>),
    request_id: &str,
) -> Result<Task, AppError> {
    let access = may_work(caller)?;
    let tenant = caller.require_tenant()?;
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let before = open_task(db, &tx, caller, access, task_id).await?;
    if access == Access::Assigned {
        return Err(CollectionError::TaskOthersForManagers.into());
    }
    if let Some(person) = assignee {
        let collector = worklist_store::collector_of(&*tx, before.customer_id).await?;
        check_assignee(db, tenant, person, collector).await?;
    }
    store::reassign(&*tx, task_id, assignee).await?;
    finish(db, tx, actor, "task.reassigned", before, request_id).await
}

/// Cancels an open task, with why. A collector cancels their own.
pub async fn cancel_task(
    db: &DatabaseConnection,
    caller: &Caller,
    (task_id, reason): (Uuid, Option<String>),
    request_id: &str,
) -> Result<Task, AppError> {
    let access = may_work(caller)?;
    let tenant = caller.require_tenant()?;
    let reason = optional_text("input.reason", reason.as_deref(), 1000)?;
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let before = open_task(db, &tx, caller, access, task_id).await?;
    for_self_unless_manager(caller, access, before.assignee_id)?;
    store::cancel(&*tx, task_id, actor.label().to_owned(), reason).await?;
    finish(db, tx, actor, "task.cancelled", before, request_id).await
}

/// Audits a change to a task and returns it as it is now.
async fn finish(
    db: &DatabaseConnection,
    tx: TenantTx,
    actor: audit::Actor,
    action: &str,
    before: TaskRow,
    request_id: &str,
) -> Result<Task, AppError> {
    let tenant = tx.tenant();
    let after = worklist_store::task(&*tx, before.id, false)
        .await?
        .ok_or(CollectionError::TaskNotFound)?;
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action,
            entity_type: "collection_task",
            entity_id: Some(before.id.to_string()),
            before: Some(task_snapshot(&before)),
            after: Some(task_snapshot(&after)),
            request_id: Some(request_id),
        },
    )
    .await?;
    tx.commit().await?;
    one(db, tenant, after).await
}
