//! The daily digest's SQL: the company's members, the alerts raised since the digest's mark,
//! and the mark itself (a setting, locked while a digest goes out).

use crate::error::AppError;
use chrono::{DateTime, Utc};
use domain::alerts::AlertSeverity;
use domain::{Locale, Role, TenantId};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

const MARK: &str = "alerts.digest_through";

/// A member of the company (control plane).
#[derive(Debug, FromQueryResult)]
pub struct Recipient {
    pub user_id: Uuid,
    pub email: String,
    pub locale: Locale,
    pub role: Role,
}

/// An alert raised since the mark and not resolved, with its customer.
#[derive(Debug, FromQueryResult)]
pub struct NewAlert {
    pub severity: AlertSeverity,
    pub message: domain::messages::Text,
    pub created_at: DateTime<Utc>,
    pub customer_id: Uuid,
    pub customer_code: String,
    pub customer_name: String,
    pub collector_id: Option<Uuid>,
}

/// The company's members, by email (on the control-plane connection).
pub async fn recipients(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<Vec<Recipient>, DbErr> {
    Recipient::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT u.id AS user_id, u.email, u.locale, m.role FROM public.memberships m
         JOIN public.users u ON u.id = m.user_id WHERE m.tenant_id = $1 ORDER BY u.email",
        [tenant.0.into()],
    ))
    .all(conn)
    .await
}

/// The mark, locked until the transaction ends: alerts created after it are new. The first
/// digest covers the last day.
pub async fn lock_mark(conn: &impl ConnectionTrait) -> Result<DateTime<Utc>, AppError> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO settings (key, value) VALUES ($1, to_jsonb((now() - interval '1 day')::text))
         ON CONFLICT (key) DO NOTHING",
        [MARK.into()],
    ))
    .await?;
    Ok(conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT (value #>> '{}')::timestamptz AS since FROM settings WHERE key = $1 FOR UPDATE",
            [MARK.into()],
        ))
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the digest mark is missing")))?
        .try_get("", "since")?)
}

/// The alerts created after `since` and not resolved, most severe first, then oldest first.
pub async fn new_alerts(
    conn: &impl ConnectionTrait,
    since: DateTime<Utc>,
) -> Result<Vec<NewAlert>, DbErr> {
    NewAlert::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT a.id, a.severity,
                jsonb_build_object('code', a.message_code, 'params', a.message_params) AS message, a.created_at, c.id AS customer_id, c.code AS customer_code,
                c.name AS customer_name, c.collector_id
         FROM risk_alerts a JOIN customers c ON c.id = a.customer_id
         WHERE a.created_at > $1 AND a.status <> 'RESOLVED'
         ORDER BY CASE a.severity WHEN 'HIGH' THEN 0 WHEN 'MEDIUM' THEN 1 ELSE 2 END, a.created_at",
        [since.into()],
    ))
    .all(conn)
    .await
}

/// Moves the mark to `through`.
pub async fn move_mark(conn: &impl ConnectionTrait, through: DateTime<Utc>) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE settings SET value = to_jsonb($2::timestamptz::text), updated_at = now() WHERE key = $1",
        [MARK.into(), through.into()],
    ))
    .await?;
    Ok(())
}
