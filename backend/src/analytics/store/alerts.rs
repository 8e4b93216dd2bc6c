//! Risk alerts' SQL. An alert names its cause (`BROKEN_PROMISE:<promise id>`, ...); the cause is
//! unique among live alerts, so the same cause never raises a second alert.

use crate::auth::{Caller, assigned_only};
use crate::db::conditions::Conditions;
use chrono::{DateTime, Utc};
use domain::access::Access;
use domain::alerts::{AlertKind, AlertSeverity, AlertStatus};
use domain::messages::{Localized, Text};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

/// Raises an alert unless its cause raised one already. Returns whether it was new.
pub async fn raise(
    conn: &impl ConnectionTrait,
    customer: Uuid,
    kind: AlertKind,
    cause: &str,
    severity: AlertSeverity,
    message: &Text,
) -> Result<bool, DbErr> {
    Ok(conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO risk_alerts (id, customer_id, kind, cause, severity, message_code, message_params, message)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (cause) WHERE cleared_at IS NULL DO NOTHING",
            [
                Uuid::now_v7().into(),
                customer.into(),
                kind.as_str().into(),
                cause.into(),
                severity.as_str().into(),
                message.code().into(),
                serde_json::Value::Object(message.params()).into(),
                // In English too, for a server of the previous version during a rollout.
                message.text(domain::Locale::En).into(),
            ],
        ))
        .await?
        .rows_affected()
        == 1)
}

/// An alert with its customer's code and name.
#[derive(Debug, FromQueryResult)]
pub struct AlertRow {
    pub id: Uuid,
    pub kind: AlertKind,
    pub severity: AlertSeverity,
    pub status: AlertStatus,
    pub customer_id: Uuid,
    pub code: String,
    pub name: String,
    /// Why it was raised, as a code and parameters.
    pub message: Text,
    pub created_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_by: Option<String>,
    pub resolution_note: Option<String>,
}

const ALERT_COLUMNS: &str = "a.id, a.kind, a.severity, a.status, a.customer_id, c.code, c.name,
    jsonb_build_object('code', a.message_code, 'params', a.message_params) AS message, a.created_at,
    a.acknowledged_at, a.acknowledged_by, a.resolved_at, a.resolved_by, a.resolution_note";

/// Which alerts a list shows.
#[derive(Debug, Clone, Default)]
pub struct AlertScope {
    pub statuses: Vec<AlertStatus>,
    pub kinds: Vec<AlertKind>,
    pub customer: Option<Uuid>,
}

/// One page of alerts newest first (`limit` rows from `offset`), and how many match in all.
/// Collectors and salespeople see their customers' alerts only.
pub async fn list(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    access: Access,
    scope: &AlertScope,
    limit: i64,
    offset: i64,
) -> Result<(Vec<AlertRow>, i64), DbErr> {
    let mut conditions = Conditions::new(Vec::new());
    assigned_only(caller, access, &mut conditions, "c.");
    if !scope.statuses.is_empty() {
        let list: Vec<String> = scope
            .statuses
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect();
        conditions.push("a.status = ANY(?::text[])", list);
    }
    if !scope.kinds.is_empty() {
        let list: Vec<String> = scope.kinds.iter().map(|k| k.as_str().to_owned()).collect();
        conditions.push("a.kind = ANY(?::text[])", list);
    }
    if let Some(customer) = scope.customer {
        conditions.push("a.customer_id = ?", customer);
    }
    let filtered = conditions.sql();
    let mut values = conditions.values;
    let count_values = values.clone();
    values.push(limit.into());
    values.push(offset.into());
    let from = "risk_alerts a JOIN customers c ON c.id = a.customer_id";
    let rows = AlertRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {ALERT_COLUMNS} FROM {from} WHERE {filtered} ORDER BY a.created_at DESC, a.id DESC LIMIT ${} OFFSET ${}",
            values.len() - 1,
            values.len()
        ),
        values,
    ))
    .all(conn)
    .await?;
    let total: i64 = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!("SELECT count(*) AS n FROM {from} WHERE {filtered}"),
            count_values,
        ))
        .await?
        .map(|row| row.try_get("", "n"))
        .transpose()?
        .unwrap_or(0);
    Ok((rows, total))
}

/// The alert, locked for a change, if the caller may see it.
pub async fn alert_for_update(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    access: Access,
    id: Uuid,
) -> Result<Option<AlertRow>, DbErr> {
    let mut conditions = Conditions::new(Vec::new());
    conditions.push("a.id = ?", id);
    assigned_only(caller, access, &mut conditions, "c.");
    AlertRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {ALERT_COLUMNS} FROM risk_alerts a JOIN customers c ON c.id = a.customer_id WHERE {} FOR UPDATE OF a",
            conditions.sql()
        ),
        conditions.values,
    ))
    .one(conn)
    .await
}

pub async fn alert(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<AlertRow>, DbErr> {
    AlertRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {ALERT_COLUMNS} FROM risk_alerts a JOIN customers c ON c.id = a.customer_id WHERE a.id = $1"),
        [id.into()],
    ))
    .one(conn)
    .await
}

/// Acknowledges the alert, or resolves it (acknowledging it too if nobody had) with a note.
pub async fn set_status(
    conn: &impl ConnectionTrait,
    id: Uuid,
    to: AlertStatus,
    by: &str,
    note: Option<String>,
) -> Result<(), DbErr> {
    let sql = match to {
        AlertStatus::Acknowledged => "UPDATE risk_alerts SET status = 'ACKNOWLEDGED', acknowledged_at = now(), acknowledged_by = $2 WHERE id = $1",
        _ => "UPDATE risk_alerts SET status = 'RESOLVED', resolved_at = now(), resolved_by = $2, resolution_note = $3,
                  acknowledged_at = coalesce(acknowledged_at, now()), acknowledged_by = coalesce(acknowledged_by, $2) WHERE id = $1",
    };
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        [id.into(), by.to_owned().into(), note.into()],
    ))
    .await?;
    Ok(())
}
