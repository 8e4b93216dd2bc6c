//! The collector's work queue: `worklist(first after collectorId)` and `completeTask`.
//!
//! One statement reads every customer of the collector that needs action today (something
//! overdue, or a task due) with the history the ranking needs; the domain's
//! `worklist::rank` orders them by expected recovery and says why.

use super::graphql::{
    CollectionActivity, LogCollectionActivityInput, PromiseInput, log_activity_in,
};
use crate::api::values::CustomerRef;
use crate::api::values::{
    CountedList, Date, Money, offset_connection, optional_text, page_size, parse_offset_cursor,
};
use crate::audit;
use crate::auth::Caller;
use crate::db::{self, TenantTx};
use crate::error::AppError;
use async_graphql::connection::Connection;
use async_graphql::{ID, InputObject, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::{Access, Permission};
use domain::collections::{CollectionChannel, CollectionOutcome};
use domain::worklist::{self, History, WorkReasonCode};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

#[derive(SimpleObject, Clone)]
pub struct CollectionTask {
    pub id: ID,
    /// CALL, VISIT, SMS, WECHAT, EMAIL, LETTER or REVIEW.
    pub kind: String,
    pub title: String,
    pub due_on: Date,
    /// OPEN, DONE or CANCELLED.
    pub status: String,
    /// DUNNING, PROMISE or MANUAL.
    pub source: String,
    pub customer: CustomerRef,
    pub invoice_ids: Vec<ID>,
    pub assignee_id: Option<ID>,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub completed_by: Option<String>,
}

#[derive(Debug, FromQueryResult)]
struct TaskRow {
    id: Uuid,
    kind: String,
    title: String,
    due_on: NaiveDate,
    status: String,
    source: String,
    customer_id: Uuid,
    code: String,
    name: String,
    invoice_ids: Vec<Uuid>,
    assignee_id: Option<Uuid>,
    created_at: DateTime<Utc>,
    completed_at: Option<DateTime<Utc>>,
    completed_by: Option<String>,
}

const TASK_COLUMNS: &str =
    "t.id, t.kind, t.title, t.due_on, t.status, t.source, t.customer_id, c.code, c.name,
    t.invoice_ids, t.assignee_id, t.created_at, t.completed_at, t.completed_by";

impl From<TaskRow> for CollectionTask {
    fn from(row: TaskRow) -> Self {
        CollectionTask {
            id: ID(row.id.to_string()),
            kind: row.kind,
            title: row.title,
            due_on: Date(row.due_on),
            status: row.status,
            source: row.source,
            customer: CustomerRef {
                id: ID(row.customer_id.to_string()),
                code: row.code,
                name: row.name,
            },
            invoice_ids: row
                .invoice_ids
                .iter()
                .map(|id| ID(id.to_string()))
                .collect(),
            assignee_id: row.assignee_id.map(|id| ID(id.to_string())),
            created_at: row.created_at,
            completed_at: row.completed_at,
            completed_by: row.completed_by,
        }
    }
}

#[derive(SimpleObject, Clone)]
pub struct WorkReason {
    pub code: WorkReasonCode,
    /// An amount (OVERDUE, in the customer's currency) or a percentage (LIKELY_TO_PAY).
    pub value: Option<String>,
    pub days: Option<i64>,
}

#[derive(SimpleObject, Clone)]
pub struct WorkItem {
    /// 1 is the first to work on.
    pub rank: i32,
    pub customer: CustomerRef,
    pub overdue: Money,
    pub max_days_overdue: i64,
    /// Overdue x likelihood to pay x urgency: what acting now is expected to bring in.
    pub expected_recovery: Money,
    /// 0 to 1, from the customer's history.
    pub likelihood_to_pay: String,
    pub urgency: String,
    pub reasons: Vec<WorkReason>,
    /// Open tasks due today or earlier.
    pub tasks: Vec<CollectionTask>,
    pub open_promise: bool,
}

pub type WorkItemConnection = Connection<String, WorkItem, CountedList>;

#[derive(Debug, FromQueryResult)]
struct Need {
    customer_id: Uuid,
    code: String,
    name: String,
    currency: String,
    overdue: Decimal,
    max_days: i32,
    task_first_due: Option<NaiveDate>,
    settled: i64,
    on_time: i64,
    judged: i64,
    kept: i64,
    broken_on: Option<NaiveDate>,
    open_promise: bool,
    follow_up_due: bool,
    last_contact: Option<NaiveDate>,
}

/// Customers needing action on `$2`, of collector `$1` (all when null): something overdue
/// without an open promise holding it, or a task due. With the last year's payment and
/// promise history for the ranking.
const NEEDS: &str = r#"
WITH scope AS (
    SELECT c.id, c.code, c.name, c.currency::text AS currency FROM customers c
    WHERE c.archived_at IS NULL AND ($1::uuid IS NULL OR c.collector_id = $1)
), overdue AS (
    SELECT r.customer_id, sum(r.amount) AS overdue, max($2::date - r.due_date) AS max_days
    FROM receivable_items r JOIN scope s ON s.id = r.customer_id
    WHERE r.amount > 0 AND r.due_date < $2::date AND r.currency = s.currency
    GROUP BY r.customer_id
), tasks AS (
    SELECT t.customer_id, min(t.due_on) AS first_due FROM collection_tasks t JOIN scope s ON s.id = t.customer_id
    WHERE t.status = 'OPEN' AND t.due_on <= $2::date AND ($1::uuid IS NULL OR t.assignee_id = $1 OR t.assignee_id IS NULL)
    GROUP BY t.customer_id
)
SELECT s.id AS customer_id, s.code, s.name, s.currency,
       coalesce(o.overdue, 0) AS overdue, coalesce(o.max_days, 0) AS max_days, t.first_due AS task_first_due,
       h.settled, h.on_time, p.judged, p.kept, p.broken_on,
       EXISTS (SELECT 1 FROM promises x WHERE x.customer_id = s.id AND x.status = 'OPEN') AS open_promise,
       EXISTS (SELECT 1 FROM collection_activities a WHERE a.customer_id = s.id AND a.next_action_on <= $2::date
               AND a.occurred_at = (SELECT max(b.occurred_at) FROM collection_activities b WHERE b.customer_id = s.id AND b.logged_by IS NOT NULL)
       ) AS follow_up_due,
       (SELECT max(a.occurred_at)::date FROM collection_activities a WHERE a.customer_id = s.id AND a.logged_by IS NOT NULL) AS last_contact
FROM scope s
LEFT JOIN overdue o ON o.customer_id = s.id
LEFT JOIN tasks t ON t.customer_id = s.id
CROSS JOIN LATERAL (
    SELECT count(*) AS settled, count(*) FILTER (WHERE x.paid_on <= x.due_date) AS on_time
    FROM (SELECT i.due_date, (SELECT max(y.received_on) FROM allocations a JOIN payments y ON y.id = a.payment_id WHERE a.invoice_id = i.id) AS paid_on
          FROM invoices i WHERE i.customer_id = s.id AND i.status = 'PAID' AND i.due_date > $2::date - 365) x
) h
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE x.status IN ('KEPT', 'PARTIALLY_KEPT', 'BROKEN')) AS judged,
           count(*) FILTER (WHERE x.status = 'KEPT') AS kept,
           (max(x.settled_at) FILTER (WHERE x.status = 'BROKEN'))::date AS broken_on
    FROM promises x WHERE x.customer_id = s.id AND x.promised_date > $2::date - 365
) p
WHERE t.first_due IS NOT NULL
   OR (o.overdue > 0 AND NOT EXISTS (SELECT 1 FROM promises x WHERE x.customer_id = s.id AND x.status = 'OPEN'))
"#;

/// Whose queue: the caller's own, or (for those who see every customer) any collector's, or,
/// for an API key without a collector, everyone's.
fn queue_owner(
    caller: &Caller,
    access: Access,
    collector: Option<&ID>,
) -> Result<Option<Uuid>, AppError> {
    let asked = collector
        .map(|id| {
            id.parse::<Uuid>()
                .map_err(|_| AppError::validation("collectorId", "not a team member's id"))
        })
        .transpose()?;
    match (caller, access) {
        (Caller::Member(member), Access::Assigned) => match asked {
            Some(other) if other != member.user_id => Err(AppError::forbidden(
                "collectors see their own worklist; a manager can pick any collector",
            )),
            _ => Ok(Some(member.user_id)),
        },
        (Caller::Member(member), _) => Ok(Some(asked.unwrap_or(member.user_id))),
        _ => Ok(asked),
    }
}

pub async fn worklist(
    db: &DatabaseConnection,
    caller: &Caller,
    first: Option<i32>,
    after: Option<String>,
    collector: Option<ID>,
) -> Result<WorkItemConnection, AppError> {
    let access = caller.authorize(Permission::ViewCollections)?;
    let tenant = caller.require_tenant()?;
    let first = page_size(first)?;
    let offset = parse_offset_cursor("worklist", after.as_deref())?;
    let owner = queue_owner(caller, access, collector.as_ref())?;
    let today = db::tenant_calendar(db, tenant).await?.today;
    let tx = TenantTx::begin(db, tenant).await?;
    let needs = Need::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        NEEDS,
        [owner.into(), today.into()],
    ))
    .all(&*tx)
    .await?;
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
        .skip(offset)
        .take(first + 1)
        .collect();
    let has_next = page.len() > first;
    let page: Vec<_> = page.into_iter().take(first).collect();
    let ids: Vec<Uuid> = page.iter().map(|(_, (_, need))| need.customer_id).collect();
    let tasks = TaskRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {TASK_COLUMNS} FROM collection_tasks t JOIN customers c ON c.id = t.customer_id
             WHERE t.customer_id = ANY($1::uuid[]) AND t.status = 'OPEN' AND t.due_on <= $2
               AND ($3::uuid IS NULL OR t.assignee_id = $3 OR t.assignee_id IS NULL)
             ORDER BY t.due_on, t.created_at"
        ),
        [ids.to_vec().into(), today.into(), owner.into()],
    ))
    .all(&*tx)
    .await?;
    tx.commit().await?;
    let mut tasks: Vec<CollectionTask> = tasks.into_iter().map(CollectionTask::from).collect();
    let items = page
        .into_iter()
        .map(|(position, (rank, need))| {
            let customer_id = need.customer_id.to_string();
            let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut tasks)
                .into_iter()
                .partition(|task| task.customer.id.as_str() == customer_id);
            tasks = rest;
            WorkItem {
                rank: position as i32 + 1,
                customer: CustomerRef {
                    id: ID(customer_id),
                    code: need.code,
                    name: need.name,
                },
                overdue: Money::new(need.overdue, &need.currency),
                max_days_overdue: i64::from(need.max_days),
                expected_recovery: Money::new(rank.expected_recovery, &need.currency),
                likelihood_to_pay: rank.likelihood.round_dp(2).to_string(),
                urgency: rank.urgency.round_dp(2).to_string(),
                reasons: rank
                    .reasons
                    .into_iter()
                    .map(|reason| WorkReason {
                        code: reason.code,
                        value: reason.value.map(|value| value.normalize().to_string()),
                        days: reason.days,
                    })
                    .collect(),
                tasks: mine,
                open_promise: need.open_promise,
            }
        })
        .collect();
    Ok(offset_connection(
        "worklist", items, has_next, offset, total,
    ))
}

#[derive(InputObject)]
pub struct CompleteTaskInput {
    pub task_id: ID,
    pub outcome: CollectionOutcome,
    /// The channel used; by default the task's own (a call task was a phone call).
    pub channel: Option<CollectionChannel>,
    pub note: Option<String>,
    pub contact_name: Option<String>,
    pub location: Option<String>,
    pub next_action_on: Option<Date>,
    pub promise: Option<PromiseInput>,
}

#[derive(SimpleObject)]
pub struct CompleteTaskPayload {
    pub task: CollectionTask,
    pub activity: CollectionActivity,
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

/// Completes an open task and logs what happened, in one transaction.
pub async fn complete_task(
    db: &DatabaseConnection,
    caller: &Caller,
    input: CompleteTaskInput,
    request_id: &str,
) -> Result<(CollectionTask, Uuid), AppError> {
    let access = caller.authorize(Permission::WorkCollections)?;
    let tenant = caller.require_tenant()?;
    let actor = audit::actor_of(db, caller).await?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let not_found = || AppError::not_found("No such task.");
    let id = input.task_id.parse::<Uuid>().map_err(|_| not_found())?;
    let task = TaskRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {TASK_COLUMNS} FROM collection_tasks t JOIN customers c ON c.id = t.customer_id
             WHERE t.id = $1 FOR UPDATE OF t"
        ),
        [id.into()],
    ))
    .one(&*tx)
    .await?
    .ok_or_else(not_found)?;
    // A collector completes tasks of their own customers; the activity log checks that too.
    if task.status != "OPEN" {
        return Err(AppError::conflict(
            "input.taskId",
            format!("The task is {} already.", task.status.to_lowercase()),
        ));
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
        LogCollectionActivityInput {
            customer_id: ID(task.customer_id.to_string()),
            invoice_ids: Some(
                task.invoice_ids
                    .iter()
                    .map(|id| ID(id.to_string()))
                    .collect(),
            ),
            channel: input.channel.unwrap_or_else(|| channel_of(&task.kind)),
            outcome: input.outcome,
            note: Some(match note {
                Some(note) => format!("{}: {note}", task.title),
                None => task.title.clone(),
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
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE collection_tasks SET status = 'DONE', completed_at = now(), completed_by = $2, activity_id = $3
         WHERE id = $1",
        [id.into(), label.into(), activity.into()],
    ))
    .await?;
    let task = TaskRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {TASK_COLUMNS} FROM collection_tasks t JOIN customers c ON c.id = t.customer_id WHERE t.id = $1"
        ),
        [id.into()],
    ))
    .one(&*tx)
    .await?
    .ok_or_else(not_found)?;
    tx.commit().await?;
    Ok((task.into(), activity))
}
