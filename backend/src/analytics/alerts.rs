//! Risk alerts: `riskAlerts(first after filter)`, `acknowledgeAlert`, `resolveAlert`.
//!
//! An alert names its cause (`BROKEN_PROMISE:<promise id>`, ...); the cause is unique, so the
//! same cause never raises a second alert, however often the job that notices it runs.

use crate::api::values::CustomerRef;
use crate::api::values::{
    CountedList, offset_connection, optional_text, page_size, parse_id, parse_offset_cursor,
};
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::auth::assigned_only;
use crate::db::TenantTx;
use crate::db::conditions::Conditions;
use crate::error::AppError;
use async_graphql::connection::Connection;
use async_graphql::{Enum, ID, InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use domain::access::Permission;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum AlertStatus {
    Open,
    Acknowledged,
    Resolved,
}

impl AlertStatus {
    fn as_str(self) -> &'static str {
        match self {
            AlertStatus::Open => "OPEN",
            AlertStatus::Acknowledged => "ACKNOWLEDGED",
            AlertStatus::Resolved => "RESOLVED",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "ACKNOWLEDGED" => AlertStatus::Acknowledged,
            "RESOLVED" => AlertStatus::Resolved,
            _ => AlertStatus::Open,
        }
    }
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum AlertKind {
    OverCreditLimit,
    NearCreditLimit,
    BrokenPromise,
    RatingDowngrade,
    WorseningDaysToPay,
    LargeInvoiceOverdue,
    OverdueWhileOnHold,
    /// A dunning ladder's "notify the team" step: the account wants a look from the team.
    DunningReview,
}

impl AlertKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::OverCreditLimit => "OVER_CREDIT_LIMIT",
            AlertKind::NearCreditLimit => "NEAR_CREDIT_LIMIT",
            AlertKind::BrokenPromise => "BROKEN_PROMISE",
            AlertKind::RatingDowngrade => "RATING_DOWNGRADE",
            AlertKind::WorseningDaysToPay => "WORSENING_DAYS_TO_PAY",
            AlertKind::LargeInvoiceOverdue => "LARGE_INVOICE_OVERDUE",
            AlertKind::OverdueWhileOnHold => "OVERDUE_WHILE_ON_HOLD",
            AlertKind::DunningReview => "DUNNING_REVIEW",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [
            AlertKind::OverCreditLimit,
            AlertKind::NearCreditLimit,
            AlertKind::BrokenPromise,
            AlertKind::RatingDowngrade,
            AlertKind::WorseningDaysToPay,
            AlertKind::LargeInvoiceOverdue,
            AlertKind::OverdueWhileOnHold,
            AlertKind::DunningReview,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
    }
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum AlertSeverity {
    Low,
    Medium,
    High,
}

impl AlertSeverity {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertSeverity::Low => "LOW",
            AlertSeverity::Medium => "MEDIUM",
            AlertSeverity::High => "HIGH",
        }
    }
}

/// Raises an alert unless its cause raised one already. Returns whether it was new.
pub async fn raise(
    conn: &impl ConnectionTrait,
    customer: Uuid,
    kind: AlertKind,
    cause: &str,
    severity: AlertSeverity,
    message: &str,
) -> Result<bool, DbErr> {
    Ok(conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO risk_alerts (id, customer_id, kind, cause, severity, message)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (cause) WHERE cleared_at IS NULL DO NOTHING",
            [
                Uuid::now_v7().into(),
                customer.into(),
                kind.as_str().into(),
                cause.into(),
                severity.as_str().into(),
                message.into(),
            ],
        ))
        .await?
        .rows_affected()
        == 1)
}

#[derive(SimpleObject, Clone)]
pub struct RiskAlert {
    pub id: ID,
    pub kind: AlertKind,
    pub severity: AlertSeverity,
    pub status: AlertStatus,
    pub customer: CustomerRef,
    /// Why it was raised, in a sentence.
    pub message: String,
    pub created_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_by: Option<String>,
    pub resolution_note: Option<String>,
}

#[derive(Debug, FromQueryResult)]
struct AlertRow {
    id: Uuid,
    kind: String,
    severity: String,
    status: String,
    customer_id: Uuid,
    code: String,
    name: String,
    message: String,
    created_at: DateTime<Utc>,
    acknowledged_at: Option<DateTime<Utc>>,
    acknowledged_by: Option<String>,
    resolved_at: Option<DateTime<Utc>>,
    resolved_by: Option<String>,
    resolution_note: Option<String>,
}

const ALERT_COLUMNS: &str =
    "a.id, a.kind, a.severity, a.status, a.customer_id, c.code, c.name, a.message, a.created_at,
    a.acknowledged_at, a.acknowledged_by, a.resolved_at, a.resolved_by, a.resolution_note";

impl From<AlertRow> for RiskAlert {
    fn from(row: AlertRow) -> Self {
        RiskAlert {
            id: ID(row.id.to_string()),
            kind: AlertKind::parse(&row.kind).unwrap_or(AlertKind::BrokenPromise),
            severity: match row.severity.as_str() {
                "HIGH" => AlertSeverity::High,
                "MEDIUM" => AlertSeverity::Medium,
                _ => AlertSeverity::Low,
            },
            status: AlertStatus::parse(&row.status),
            customer: CustomerRef {
                id: ID(row.customer_id.to_string()),
                code: row.code,
                name: row.name,
            },
            message: row.message,
            created_at: row.created_at,
            acknowledged_at: row.acknowledged_at,
            acknowledged_by: row.acknowledged_by,
            resolved_at: row.resolved_at,
            resolved_by: row.resolved_by,
            resolution_note: row.resolution_note,
        }
    }
}

#[derive(InputObject, Default)]
pub struct AlertFilter {
    pub status: Option<Vec<AlertStatus>>,
    pub kind: Option<Vec<AlertKind>>,
    pub customer_id: Option<ID>,
}

pub type AlertConnection = Connection<String, RiskAlert, CountedList>;

/// Alerts newest first; collectors and salespeople see their customers' (an alert goes to the
/// assigned collector and to the managers, who see every customer).
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    first: Option<i32>,
    after: Option<String>,
    filter: AlertFilter,
) -> Result<AlertConnection, AppError> {
    let access = caller.authorize(Permission::ViewCustomers)?;
    let tenant = caller.require_tenant()?;
    let first = page_size(first)?;
    let offset = parse_offset_cursor("riskAlerts", after.as_deref())?;
    let mut conditions = Conditions::new(Vec::new());
    assigned_only(caller, access, &mut conditions, "c.");
    if let Some(statuses) = &filter.status
        && !statuses.is_empty()
    {
        let list: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
        conditions.push("a.status = ANY(string_to_array(?, ','))", list.join(","));
    }
    if let Some(kinds) = &filter.kind
        && !kinds.is_empty()
    {
        let list: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        conditions.push("a.kind = ANY(string_to_array(?, ','))", list.join(","));
    }
    if let Some(customer) = &filter.customer_id {
        conditions.push(
            "a.customer_id = ?",
            parse_id("filter.customerId", customer)?,
        );
    }
    let filtered = conditions.sql();
    let mut values = conditions.values;
    let count_values = values.clone();
    values.push(((first + 1) as i64).into());
    values.push((offset as i64).into());
    let from = "risk_alerts a JOIN customers c ON c.id = a.customer_id";
    let tx = TenantTx::begin(db, tenant).await?;
    let mut rows = AlertRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {ALERT_COLUMNS} FROM {from} WHERE {filtered} ORDER BY a.created_at DESC, a.id DESC LIMIT ${} OFFSET ${}",
            values.len() - 1,
            values.len()
        ),
        values,
    ))
    .all(&*tx)
    .await?;
    let total: i64 = tx
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!("SELECT count(*) AS n FROM {from} WHERE {filtered}"),
            count_values,
        ))
        .await?
        .map(|row| row.try_get("", "n"))
        .transpose()?
        .unwrap_or(0);
    tx.commit().await?;
    let has_next = rows.len() > first;
    rows.truncate(first);
    Ok(offset_connection(
        "riskAlerts",
        rows.into_iter().map(RiskAlert::from).collect(),
        has_next,
        offset,
        total,
    ))
}

#[derive(InputObject)]
pub struct AlertActionInput {
    pub alert_id: ID,
    pub note: Option<String>,
}

#[derive(SimpleObject)]
pub struct AlertPayload {
    pub alert: RiskAlert,
}

async fn change(
    db: &DatabaseConnection,
    caller: &Caller,
    input: AlertActionInput,
    request_id: &str,
    to: AlertStatus,
) -> Result<RiskAlert, AppError> {
    let access = caller.authorize(Permission::WorkCollections)?;
    let tenant = caller.require_tenant()?;
    let note = optional_text("input.note", input.note.as_deref(), 1000)?;
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let not_found = || AppError::not_found("No such alert.");
    let id = input.alert_id.parse::<Uuid>().map_err(|_| not_found())?;
    let mut conditions = Conditions::new(Vec::new());
    conditions.push("a.id = ?", id);
    assigned_only(caller, access, &mut conditions, "c.");
    let row = AlertRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {ALERT_COLUMNS} FROM risk_alerts a JOIN customers c ON c.id = a.customer_id WHERE {} FOR UPDATE OF a",
            conditions.sql()
        ),
        conditions.values,
    ))
    .one(&*tx)
    .await?
    .ok_or_else(not_found)?;
    let status = AlertStatus::parse(&row.status);
    if status == AlertStatus::Resolved || status == to {
        return Err(AppError::conflict(
            "input.alertId",
            format!("The alert is {} already.", row.status.to_lowercase()),
        ));
    }
    let sql = match to {
        AlertStatus::Acknowledged => "UPDATE risk_alerts SET status = 'ACKNOWLEDGED', acknowledged_at = now(), acknowledged_by = $2 WHERE id = $1",
        _ => "UPDATE risk_alerts SET status = 'RESOLVED', resolved_at = now(), resolved_by = $2, resolution_note = $3,
                  acknowledged_at = coalesce(acknowledged_at, now()), acknowledged_by = coalesce(acknowledged_by, $2) WHERE id = $1",
    };
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        [
            id.into(),
            actor.label().to_owned().into(),
            note.clone().into(),
        ],
    ))
    .await?;
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: if to == AlertStatus::Acknowledged {
                "alert.acknowledged"
            } else {
                "alert.resolved"
            },
            entity_type: "customer",
            entity_id: Some(row.customer_id.to_string()),
            before: None,
            after: Some(serde_json::json!({ "alertId": id.to_string(), "note": note })),
            request_id: Some(request_id),
        },
    )
    .await?;
    let row = AlertRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {ALERT_COLUMNS} FROM risk_alerts a JOIN customers c ON c.id = a.customer_id WHERE a.id = $1"),
        [id.into()],
    ))
    .one(&*tx)
    .await?
    .ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(row.into())
}

pub async fn acknowledge(
    db: &DatabaseConnection,
    caller: &Caller,
    input: AlertActionInput,
    request_id: &str,
) -> Result<RiskAlert, AppError> {
    change(db, caller, input, request_id, AlertStatus::Acknowledged).await
}

pub async fn resolve(
    db: &DatabaseConnection,
    caller: &Caller,
    input: AlertActionInput,
    request_id: &str,
) -> Result<RiskAlert, AppError> {
    change(db, caller, input, request_id, AlertStatus::Resolved).await
}
