//! Dunning ladders as stored: the ladders with their segments and customer counts, saving and
//! assigning them, and pausing a customer's dunning.

use super::{Steps, StoredFeeRule};
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

#[derive(Debug, FromQueryResult)]
pub struct PolicyRow {
    pub id: Uuid,
    pub name: String,
    pub is_default: bool,
    pub steps: Steps,
    pub segments: Vec<String>,
    pub customer_count: i64,
    pub fee_rule: Option<StoredFeeRule>,
}

const POLICIES: &str = "SELECT p.id, p.name, p.is_default, p.steps, p.fee_rule,
        coalesce((SELECT array_agg(s.segment ORDER BY s.segment) FROM dunning_segment_policies s WHERE s.policy_id = p.id), '{}') AS segments,
        (SELECT count(*) FROM customers c WHERE c.dunning_policy_id = p.id) AS customer_count
    FROM dunning_policies p";

/// Every ladder (or the one `id`), the default first.
pub async fn policies(
    conn: &impl ConnectionTrait,
    id: Option<Uuid>,
) -> Result<Vec<PolicyRow>, DbErr> {
    PolicyRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "{POLICIES} WHERE ($1::uuid IS NULL OR p.id = $1) ORDER BY p.is_default DESC, p.name"
        ),
        [id.into()],
    ))
    .all(conn)
    .await
}

/// Renames a ladder and replaces its steps; returns how many rows changed (0: no such ladder).
pub async fn update_policy(
    conn: &impl ConnectionTrait,
    id: Uuid,
    name: &str,
    steps: &serde_json::Value,
) -> Result<u64, DbErr> {
    Ok(conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE dunning_policies SET name = $2, steps = $3, updated_at = now() WHERE id = $1",
            [id.into(), name.to_owned().into(), steps.clone().into()],
        ))
        .await?
        .rows_affected())
}

pub async fn insert_policy(
    conn: &impl ConnectionTrait,
    id: Uuid,
    name: &str,
    steps: &serde_json::Value,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO dunning_policies (id, name, steps) VALUES ($1, $2, $3)",
        [id.into(), name.to_owned().into(), steps.clone().into()],
    ))
    .await?;
    Ok(())
}

/// Sets a ladder's fee rule (none: it charges nothing).
pub async fn set_fee_rule(
    conn: &impl ConnectionTrait,
    id: Uuid,
    rule: Option<serde_json::Value>,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE dunning_policies SET fee_rule = $2 WHERE id = $1",
        [id.into(), rule.into()],
    ))
    .await?;
    Ok(())
}

/// Makes a ladder the one for customers with no other.
pub async fn make_default(conn: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    conn.execute_unprepared("UPDATE dunning_policies SET is_default = false WHERE is_default")
        .await?;
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE dunning_policies SET is_default = true WHERE id = $1",
        [id.into()],
    ))
    .await?;
    Ok(())
}

/// Puts a customer on a ladder; returns how many rows changed (0: no such customer).
pub async fn assign_to_customer(
    conn: &impl ConnectionTrait,
    customer: Uuid,
    policy: Uuid,
) -> Result<u64, DbErr> {
    Ok(conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE customers SET dunning_policy_id = $2, updated_at = now() WHERE id = $1",
            [customer.into(), policy.into()],
        ))
        .await?
        .rows_affected())
}

pub async fn assign_to_segment(
    conn: &impl ConnectionTrait,
    segment: &str,
    policy: Uuid,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO dunning_segment_policies (segment, policy_id) VALUES ($1, $2)
         ON CONFLICT (segment) DO UPDATE SET policy_id = excluded.policy_id",
        [segment.to_owned().into(), policy.into()],
    ))
    .await?;
    Ok(())
}

/// Pauses a customer's dunning until a day (inclusive; none resumes it), with a reason.
pub async fn pause_customer(
    conn: &impl ConnectionTrait,
    customer: Uuid,
    until: Option<NaiveDate>,
    reason: &str,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE customers SET dunning_paused_until = $2, dunning_pause_reason = $3, updated_at = now() WHERE id = $1",
        [customer.into(), until.into(), reason.to_owned().into()],
    ))
    .await?;
    Ok(())
}
