//! Collection scripts' SQL: the scripts a company wrote for a ladder's steps, and what showing
//! a script for a page of customers needs to know about each (their ladder, language and what
//! is overdue), one statement each for the whole page.

use super::Steps;
use chrono::{DateTime, NaiveDate, Utc};
use domain::collections::CollectionChannel;
use domain::{Currency, Locale};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

/// A script a company wrote for a step of a ladder, on a channel, in one language.
#[derive(Debug, Clone, FromQueryResult)]
pub struct SavedScript {
    pub policy_id: Uuid,
    pub step_offset: i32,
    pub channel: CollectionChannel,
    pub locale: Locale,
    pub body: String,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

/// The scripts written for any of `policies`.
pub async fn saved_for(
    conn: &impl ConnectionTrait,
    policies: &[Uuid],
) -> Result<Vec<SavedScript>, DbErr> {
    SavedScript::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT policy_id, step_offset, channel, locale, body, updated_at, updated_by
         FROM collection_scripts WHERE policy_id = ANY($1)",
        [policies.to_vec().into()],
    ))
    .all(conn)
    .await
}

pub async fn delete(
    conn: &impl ConnectionTrait,
    policy: Uuid,
    step_offset: i32,
    channel: CollectionChannel,
    locale: Locale,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "DELETE FROM collection_scripts
         WHERE policy_id = $1 AND step_offset = $2 AND channel = $3 AND locale = $4",
        [
            policy.into(),
            step_offset.into(),
            channel.as_str().into(),
            locale.tag().into(),
        ],
    ))
    .await?;
    Ok(())
}

pub async fn save(
    conn: &impl ConnectionTrait,
    policy: Uuid,
    step_offset: i32,
    channel: CollectionChannel,
    locale: Locale,
    body: &str,
    updated_by: &str,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO collection_scripts (policy_id, step_offset, channel, locale, body, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (policy_id, step_offset, channel, locale)
         DO UPDATE SET body = excluded.body, updated_by = excluded.updated_by, updated_at = now()",
        [
            policy.into(),
            step_offset.into(),
            channel.as_str().into(),
            locale.tag().into(),
            body.to_owned().into(),
            updated_by.to_owned().into(),
        ],
    ))
    .await?;
    Ok(())
}

/// What showing a customer its script needs: its ladder (its own, its segment's, else the
/// default), its language, and what of its own currency is overdue and for how long.
#[derive(Debug, Clone, FromQueryResult)]
pub struct ScriptCustomer {
    pub id: Uuid,
    pub name: String,
    pub locale: Option<Locale>,
    pub currency: Currency,
    pub policy_id: Option<Uuid>,
    pub overdue: Decimal,
    /// Days the oldest overdue invoice is past due; none when nothing is.
    pub days_overdue: Option<i32>,
}

pub async fn customers(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
    today: NaiveDate,
) -> Result<Vec<ScriptCustomer>, DbErr> {
    ScriptCustomer::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        // What is overdue reads the receivable items, as the worklist does: an installment
        // plan is late only for the installments past their own dates.
        "SELECT c.id, c.name, c.locale, c.currency::text AS currency,
                coalesce(c.dunning_policy_id, sp.policy_id,
                         (SELECT d.id FROM dunning_policies d WHERE d.is_default LIMIT 1)) AS policy_id,
                coalesce(o.overdue, 0) AS overdue, o.days_overdue
         FROM customers c
         LEFT JOIN dunning_segment_policies sp ON sp.segment = c.segment
         LEFT JOIN LATERAL (
             SELECT sum(r.amount) AS overdue, max($2::date - r.due_date) AS days_overdue
             FROM receivable_items r
             WHERE r.customer_id = c.id AND r.currency = c.currency AND r.amount > 0
               AND r.due_date < $2::date
         ) o ON true
         WHERE c.id = ANY($1)",
        [ids.to_vec().into(), today.into()],
    ))
    .all(conn)
    .await
}

/// A ladder's steps, by ladder.
#[derive(Debug, Clone, FromQueryResult)]
pub struct LadderSteps {
    pub id: Uuid,
    pub steps: Steps,
}

pub async fn ladders(conn: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<LadderSteps>, DbErr> {
    LadderSteps::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id, steps FROM dunning_policies WHERE id = ANY($1)",
        [ids.to_vec().into()],
    ))
    .all(conn)
    .await
}
