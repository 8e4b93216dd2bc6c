//! Run history, the collection settings beside it, and the email templates of ladder steps, as
//! stored.

use super::Steps;
use chrono::{DateTime, NaiveDate, Utc};
use domain::Locale;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

#[derive(Debug, Clone, FromQueryResult)]
pub struct RunRow {
    pub id: Uuid,
    pub run_date: NaiveDate,
    /// SCHEDULE or MANUAL.
    pub trigger: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub customers: i32,
    pub emails: i32,
    pub tasks: i32,
    pub fees: i32,
    pub holds: i32,
    pub releases: i32,
    pub legal_cases: i32,
    pub paused: i32,
    pub failures: i32,
    pub errors: serde_json::Value,
}

const RUN_COLUMNS: &str =
    "id, run_date, trigger, started_at, finished_at, customers, emails, tasks, fees, holds,
    releases, legal_cases, paused, failures, errors";

/// Up to `limit` runs after the first `offset`, newest first.
pub async fn runs(
    conn: &impl ConnectionTrait,
    limit: i64,
    offset: i64,
) -> Result<Vec<RunRow>, DbErr> {
    RunRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {RUN_COLUMNS} FROM dunning_runs ORDER BY started_at DESC, id DESC LIMIT $1 OFFSET $2"),
        [limit.into(), offset.into()],
    ))
    .all(conn)
    .await
}

pub async fn count_runs(conn: &impl ConnectionTrait) -> Result<i64, DbErr> {
    Ok(conn
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT count(*) AS n FROM dunning_runs",
        ))
        .await?
        .map(|row| row.try_get("", "n"))
        .transpose()?
        .unwrap_or(0))
}

pub async fn run(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<RunRow>, DbErr> {
    RunRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {RUN_COLUMNS} FROM dunning_runs WHERE id = $1"),
        [id.into()],
    ))
    .one(conn)
    .await
}

#[derive(Debug, FromQueryResult)]
struct LadderSteps {
    steps: Steps,
}

/// A ladder's steps, when the ladder exists.
pub async fn ladder_steps(
    conn: &impl ConnectionTrait,
    policy: Uuid,
) -> Result<Option<Steps>, DbErr> {
    Ok(
        LadderSteps::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT steps FROM dunning_policies WHERE id = $1",
            [policy.into()],
        ))
        .one(conn)
        .await?
        .map(|row| row.steps),
    )
}

/// A template an admin wrote for a step of a ladder, in one language.
#[derive(Debug, Clone, FromQueryResult)]
pub struct SavedTemplate {
    pub step_offset: i32,
    pub locale: Locale,
    pub subject: String,
    pub body: String,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

pub async fn templates_of(
    conn: &impl ConnectionTrait,
    policy: Uuid,
) -> Result<Vec<SavedTemplate>, DbErr> {
    SavedTemplate::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT step_offset, locale, subject, body, updated_at, updated_by FROM email_templates WHERE policy_id = $1",
        [policy.into()],
    ))
    .all(conn)
    .await
}

pub async fn delete_template(
    conn: &impl ConnectionTrait,
    policy: Uuid,
    step_offset: i32,
    locale: Locale,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "DELETE FROM email_templates WHERE policy_id = $1 AND step_offset = $2 AND locale = $3",
        [policy.into(), step_offset.into(), locale.tag().into()],
    ))
    .await?;
    Ok(())
}

pub async fn save_template(
    conn: &impl ConnectionTrait,
    policy: Uuid,
    step_offset: i32,
    locale: Locale,
    subject: String,
    body: String,
    updated_by: &str,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO email_templates (policy_id, step_offset, locale, subject, body, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (policy_id, step_offset, locale)
         DO UPDATE SET subject = excluded.subject, body = excluded.body, updated_by = excluded.updated_by, updated_at = now()",
        [
            policy.into(),
            step_offset.into(),
            locale.tag().into(),
            subject.into(),
            body.into(),
            updated_by.to_owned().into(),
        ],
    ))
    .await?;
    Ok(())
}
