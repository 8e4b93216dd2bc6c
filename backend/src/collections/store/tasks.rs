//! Collection tasks as a team's to-do list: the list with its filters, and the statements that
//! make, move and cancel a task (completing one is with the worklist's).

use super::worklist::{TASK_COLUMNS, TaskRow};
use crate::api::pagination::{PageRequest, keyset_page};
use crate::auth::{Caller, assigned_only};
use crate::db::TenantTx;
use crate::db::conditions::Conditions;
use crate::error::AppError;
use chrono::NaiveDate;
use domain::Access;
use domain::collections::{TaskKind, TaskStatus};
use domain::messages::{Localized, Text};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};
use uuid::Uuid;

/// Whose tasks a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignee {
    Anyone,
    Person(Uuid),
    Nobody,
}

/// The task list's filter, resolved (scopes turned into people).
#[derive(Debug, Clone)]
pub struct TaskQuery {
    pub assignee: Assignee,
    /// Any of these; never empty.
    pub statuses: Vec<TaskStatus>,
    /// Due on or before.
    pub due_before: Option<NaiveDate>,
    pub customer_id: Option<Uuid>,
}

/// A task's key in the list's order (due day, then id: ids are time-ordered).
pub fn task_key(row: &TaskRow) -> Vec<String> {
    vec![row.due_on.to_string(), row.id.to_string()]
}

/// The page `request` asks for of the tasks the caller sees (collectors: those of their
/// customers), soonest due first, and how many match in all (only when `wants_total`, else 0).
pub async fn list_tasks(
    tx: &TenantTx,
    caller: &Caller,
    access: Access,
    query: &TaskQuery,
    request: &PageRequest,
    wants_total: bool,
) -> Result<(Vec<TaskRow>, i64), AppError> {
    let mut conditions = Conditions::new(Vec::new());
    assigned_only(caller, access, &mut conditions, "c.");
    match query.assignee {
        Assignee::Anyone => {}
        Assignee::Person(user) => conditions.push("t.assignee_id = ?", user),
        Assignee::Nobody => conditions.fixed("t.assignee_id IS NULL"),
    }
    let statuses: Vec<String> = query
        .statuses
        .iter()
        .map(|status| status.as_str().to_owned())
        .collect();
    conditions.push("t.status = ANY(?::text[])", statuses);
    if let Some(day) = query.due_before {
        conditions.push("t.due_on <= ?", day);
    }
    if let Some(customer) = query.customer_id {
        conditions.push("t.customer_id = ?", customer);
    }
    keyset_page(
        tx,
        request,
        wants_total,
        conditions,
        TASK_COLUMNS,
        "collection_tasks t JOIN customers c ON c.id = t.customer_id",
        &[("t.due_on", "?::date"), ("t.id", "?::uuid")],
        false,
    )
    .await
}

/// A task someone scheduled by hand.
pub struct ScheduledTask {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub kind: TaskKind,
    pub due_on: NaiveDate,
    pub assignee_id: Option<Uuid>,
    pub note: Option<String>,
    pub invoice_ids: Vec<Uuid>,
    /// Who scheduled it, as the audit log names them.
    pub created_by: String,
}

pub async fn insert_scheduled(
    conn: &impl ConnectionTrait,
    task: &ScheduledTask,
) -> Result<(), DbErr> {
    let title = Text::TaskScheduled { kind: task.kind };
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO collection_tasks (id, customer_id, kind, title_code, title_params, title, due_on,
                                       assignee_id, source, invoice_ids, note, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'MANUAL', $9::uuid[], $10, $11)",
        [
            task.id.into(),
            task.customer_id.into(),
            task.kind.as_str().into(),
            title.code().into(),
            serde_json::Value::Object(title.params()).into(),
            // In English too, for a server of the previous version during a rollout.
            title.text(domain::Locale::En).into(),
            task.due_on.into(),
            task.assignee_id.into(),
            task.invoice_ids.clone().into(),
            task.note.clone().into(),
            task.created_by.clone().into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Gives an open task to `assignee` (nobody: the unassigned queue).
pub async fn reassign(
    conn: &impl ConnectionTrait,
    id: Uuid,
    assignee: Option<Uuid>,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE collection_tasks SET assignee_id = $2 WHERE id = $1 AND status = 'OPEN'",
        [id.into(), assignee.into()],
    ))
    .await?;
    Ok(())
}

/// Cancels an open task, saying who and why.
pub async fn cancel(
    conn: &impl ConnectionTrait,
    id: Uuid,
    by: String,
    reason: Option<String>,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE collection_tasks SET status = 'CANCELLED', cancelled_at = now(), cancelled_by = $2,
                cancel_reason = $3
         WHERE id = $1 AND status = 'OPEN'",
        [id.into(), by.into(), reason.into()],
    ))
    .await?;
    Ok(())
}

/// A removed member's open tasks go to the unassigned queue. Returns how many moved.
pub async fn unassign_member(conn: &impl ConnectionTrait, user: Uuid) -> Result<u64, DbErr> {
    Ok(conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE collection_tasks SET assignee_id = NULL WHERE assignee_id = $1 AND status = 'OPEN'",
            [user.into()],
        ))
        .await?
        .rows_affected())
}

/// The invoices among `ids` that belong to `customer`.
pub async fn invoices_of(
    conn: &impl ConnectionTrait,
    customer: Uuid,
    ids: &[Uuid],
) -> Result<Vec<Uuid>, DbErr> {
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id FROM invoices WHERE customer_id = $1 AND id = ANY($2::uuid[])",
            [customer.into(), ids.to_vec().into()],
        ))
        .await?;
    rows.iter()
        .map(|row| row.try_get::<Uuid>("", "id"))
        .collect()
}

/// Holds `customer`'s row against a concurrent reassignment until the transaction ends, so a
/// task made meanwhile goes to the collector the customer keeps.
pub async fn hold_customer(conn: &impl ConnectionTrait, customer: Uuid) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT 1 FROM customers WHERE id = $1 FOR SHARE",
        [customer.into()],
    ))
    .await?;
    Ok(())
}
