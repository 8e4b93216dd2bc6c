//! The worklist's reads: every customer of a collector needing action today with the history
//! the ranking needs, and collection tasks (read, locked, completed).

use chrono::{DateTime, NaiveDate, Utc};
use domain::collections::{TaskKind, TaskStatus};
use domain::messages::Text;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

#[derive(Debug, Clone, FromQueryResult)]
pub struct TaskRow {
    pub id: Uuid,
    pub kind: TaskKind,
    /// What to do, as a code and parameters.
    pub title: Text,
    pub due_on: NaiveDate,
    pub status: TaskStatus,
    pub source: String,
    pub customer_id: Uuid,
    pub code: String,
    pub name: String,
    pub invoice_ids: Vec<Uuid>,
    /// The invoices' numbers, in the order of `invoice_ids` (empty for a draft's).
    pub invoice_numbers: Vec<String>,
    pub assignee_id: Option<Uuid>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<String>,
    pub completed_at: Option<DateTime<Utc>>,
    pub completed_by: Option<String>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancelled_by: Option<String>,
    pub cancel_reason: Option<String>,
    /// The ladder step that made it (none for a promise's or a manual task).
    pub step_offset: Option<i32>,
}

pub(super) const TASK_COLUMNS: &str =
    "t.id, t.kind, jsonb_build_object('code', t.title_code, 'params', t.title_params) AS title, t.due_on, t.status, t.source, t.customer_id, c.code, c.name,
    t.invoice_ids,
    ARRAY(SELECT coalesce(i.number, '') FROM unnest(t.invoice_ids) WITH ORDINALITY AS x(id, n) LEFT JOIN invoices i ON i.id = x.id ORDER BY x.n) AS invoice_numbers,
    t.assignee_id, t.note, t.created_at, t.created_by, t.completed_at, t.completed_by,
    t.cancelled_at, t.cancelled_by, t.cancel_reason, t.step_offset";

#[derive(Debug, FromQueryResult)]
pub struct Need {
    pub customer_id: Uuid,
    pub code: String,
    pub name: String,
    pub currency: String,
    pub overdue: Decimal,
    pub max_days: i32,
    pub task_first_due: Option<NaiveDate>,
    pub settled: i64,
    pub on_time: i64,
    pub judged: i64,
    pub kept: i64,
    pub broken_on: Option<NaiveDate>,
    pub open_promise: bool,
    pub follow_up_due: bool,
    pub last_contact: Option<NaiveDate>,
}

/// The customers `$1`'s worklist covers (every one when null; only those without a collector
/// when `$3`), as `c`: not archived.
macro_rules! worked_customer {
    () => {
        "c.archived_at IS NULL AND ($1::uuid IS NULL OR c.collector_id = $1)
      AND (NOT $3::boolean OR c.collector_id IS NULL)"
    };
}

/// An open task `t` due by `$2`, of collector `$1` or nobody (anyone's when null).
macro_rules! task_due {
    () => {
        "t.status = 'OPEN' AND t.due_on <= $2::date
      AND ($1::uuid IS NULL OR t.assignee_id = $1 OR t.assignee_id IS NULL)"
    };
}

/// Customers needing action on `$2`, of collector `$1` (all when null; only those without a
/// collector when `$3`): something overdue without an open promise holding it, or a task due.
/// Each part is summed for all customers at once (no statement per customer), so a company of
/// ten thousand customers ranks in one pass over its open items.
const NEEDING: &str = concat!(
    r#"
WITH overdue AS (
    SELECT r.customer_id, r.currency, sum(r.amount) AS overdue, max($2::date - r.due_date) AS max_days
    FROM receivable_items r
    WHERE r.amount > 0 AND r.due_date < $2::date
    GROUP BY r.customer_id, r.currency
), tasks AS (
    SELECT t.customer_id, min(t.due_on) AS first_due FROM collection_tasks t
    WHERE "#,
    task_due!(),
    r#"
    GROUP BY t.customer_id
), needing AS (
    SELECT c.id, c.code, c.name, c.currency::text AS currency, coalesce(o.overdue, 0) AS overdue,
           coalesce(o.max_days, 0) AS max_days, t.first_due,
           EXISTS (SELECT 1 FROM promises x WHERE x.customer_id = c.id AND x.status = 'OPEN') AS open_promise
    FROM customers c
    LEFT JOIN overdue o ON o.customer_id = c.id AND o.currency = c.currency
    LEFT JOIN tasks t ON t.customer_id = c.id
    WHERE "#,
    worked_customer!(),
    r#"
), kept AS (
    -- The rule COUNT_NEEDING asks with EXISTS.
    SELECT * FROM needing n WHERE n.first_due IS NOT NULL OR (n.overdue > 0 AND NOT n.open_promise)
)"#
);

/// [`NEEDING`] with the last year's payment and promise history the ranking needs: invoices
/// paid (on time when their last payment came by the due date, `invoices_paid_history_idx`),
/// promises judged and kept, the last broken one, and the last contact.
const NEEDS: &str = r#"
, settled AS (
    SELECT i.customer_id, count(*) AS settled, count(*) FILTER (WHERE i.last_paid_on <= i.due_date) AS on_time
    FROM invoices i
    WHERE i.status = 'PAID' AND i.due_date > $2::date - 365 AND i.customer_id IN (SELECT id FROM kept)
    GROUP BY i.customer_id
), judged AS (
    SELECT x.customer_id,
           count(*) FILTER (WHERE x.status IN ('KEPT', 'PARTIALLY_KEPT', 'BROKEN')) AS judged,
           count(*) FILTER (WHERE x.status = 'KEPT') AS kept,
           (max(x.settled_at) FILTER (WHERE x.status = 'BROKEN'))::date AS broken_on
    FROM promises x WHERE x.promised_date > $2::date - 365 AND x.customer_id IN (SELECT id FROM kept)
    GROUP BY x.customer_id
), contacted AS (
    SELECT a.customer_id, max(a.occurred_at) AS at FROM collection_activities a
    WHERE a.logged_by IS NOT NULL AND a.customer_id IN (SELECT id FROM kept)
    GROUP BY a.customer_id
)
SELECT k.id AS customer_id, k.code, k.name, k.currency, k.overdue, k.max_days, k.first_due AS task_first_due,
       coalesce(h.settled, 0) AS settled, coalesce(h.on_time, 0) AS on_time,
       coalesce(p.judged, 0) AS judged, coalesce(p.kept, 0) AS kept, p.broken_on, k.open_promise,
       coalesce(EXISTS (SELECT 1 FROM collection_activities a WHERE a.customer_id = k.id
                        AND a.next_action_on <= $2::date AND a.occurred_at = l.at), false) AS follow_up_due,
       l.at::date AS last_contact
FROM kept k
LEFT JOIN settled h ON h.customer_id = k.id
LEFT JOIN judged p ON p.customer_id = k.id
LEFT JOIN contacted l ON l.customer_id = k.id
"#;

/// Customers of `collector` (every one when none; only those without a collector when
/// `unassigned`) needing action on `today`.
pub async fn needs(
    conn: &impl ConnectionTrait,
    collector: Option<Uuid>,
    unassigned: bool,
    today: NaiveDate,
) -> Result<Vec<Need>, DbErr> {
    crate::db::report_memory(conn).await?;
    Need::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("{NEEDING}{NEEDS}"),
        [collector.into(), today.into(), unassigned.into()],
    ))
    .all(conn)
    .await
}

/// How many customers [`NEEDING`] keeps, asking only whether each has something overdue
/// (one pass over the overdue items, hashed) instead of summing it.
const COUNT_NEEDING: &str = concat!(
    r#"
SELECT count(*) AS n FROM customers c
WHERE "#,
    worked_customer!(),
    r#"
  AND (EXISTS (SELECT 1 FROM collection_tasks t WHERE t.customer_id = c.id AND "#,
    task_due!(),
    r#")
       OR (EXISTS (SELECT 1 FROM receivable_items r
                   WHERE r.customer_id = c.id AND r.currency = c.currency
                     AND r.amount > 0 AND r.due_date < $2::date)
           AND NOT EXISTS (SELECT 1 FROM promises x WHERE x.customer_id = c.id AND x.status = 'OPEN')))"#
);

/// How many customers [`needs`] would return, without their history (a count needs no
/// ranking).
pub async fn count_needs(
    conn: &impl ConnectionTrait,
    collector: Option<Uuid>,
    unassigned: bool,
    today: NaiveDate,
) -> Result<i64, DbErr> {
    crate::db::report_memory(conn).await?;
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            COUNT_NEEDING,
            [collector.into(), today.into(), unassigned.into()],
        ))
        .await?;
    Ok(match row {
        Some(row) => row.try_get::<i64>("", "n")?,
        None => 0,
    })
}

/// Open tasks of `customers` due by `today`, of `owner` or nobody (anyone's when no owner).
pub async fn open_tasks(
    conn: &impl ConnectionTrait,
    customers: &[Uuid],
    today: NaiveDate,
    owner: Option<Uuid>,
) -> Result<Vec<TaskRow>, DbErr> {
    TaskRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {TASK_COLUMNS} FROM collection_tasks t JOIN customers c ON c.id = t.customer_id
             WHERE t.customer_id = ANY($1::uuid[]) AND t.status = 'OPEN' AND t.due_on <= $2
               AND ($3::uuid IS NULL OR t.assignee_id = $3 OR t.assignee_id IS NULL)
             ORDER BY t.due_on, t.created_at"
        ),
        [customers.to_vec().into(), today.into(), owner.into()],
    ))
    .all(conn)
    .await
}

/// A task, locked when `for_update`.
pub async fn task(
    conn: &impl ConnectionTrait,
    id: Uuid,
    for_update: bool,
) -> Result<Option<TaskRow>, DbErr> {
    let sql = if for_update {
        format!(
            "SELECT {TASK_COLUMNS} FROM collection_tasks t JOIN customers c ON c.id = t.customer_id
             WHERE t.id = $1 FOR UPDATE OF t"
        )
    } else {
        format!(
            "SELECT {TASK_COLUMNS} FROM collection_tasks t JOIN customers c ON c.id = t.customer_id WHERE t.id = $1"
        )
    };
    TaskRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        [id.into()],
    ))
    .one(conn)
    .await
}

/// Marks a task done by `label`, with the activity that completed it.
pub async fn complete_task(
    conn: &impl ConnectionTrait,
    id: Uuid,
    label: String,
    activity: Uuid,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE collection_tasks SET status = 'DONE', completed_at = now(), completed_by = $2, activity_id = $3
         WHERE id = $1",
        [id.into(), label.into(), activity.into()],
    ))
    .await?;
    Ok(())
}

/// Whether `user` is the collector of any customer that is not archived: their own worklist is
/// then where they start.
pub async fn collects_for_any(conn: &impl ConnectionTrait, user: Uuid) -> Result<bool, DbErr> {
    Ok(conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS one FROM customers WHERE collector_id = $1 AND archived_at IS NULL LIMIT 1",
            [user.into()],
        ))
        .await?
        .is_some())
}

/// The collector of `customer`, if it has one.
pub async fn collector_of(
    conn: &impl ConnectionTrait,
    customer: Uuid,
) -> Result<Option<Uuid>, DbErr> {
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT collector_id FROM customers WHERE id = $1",
            [customer.into()],
        ))
        .await?;
    Ok(match row {
        Some(row) => row.try_get::<Option<Uuid>>("", "collector_id")?,
        None => None,
    })
}
