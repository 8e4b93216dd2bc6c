//! Run history (`dunningRuns`), a run started by hand (`runDunningNow`), the company's
//! collection settings, and the email templates of a ladder's steps.

use super::run::{self, Trigger};
use crate::api::values::{
    CountedList, Date, offset_connection, page_size, parse_id, parse_offset_cursor,
};
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::db::{self, TenantTx};
use crate::error::AppError;
use crate::startup::AppLinks;
use async_graphql::connection::Connection;
use async_graphql::{ID, InputObject, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use domain::Locale;
use domain::access::Permission;
use domain::dunning::{Step, StepAction};
use domain::templates;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

#[derive(SimpleObject, Clone, FromQueryResult)]
#[graphql(complex)]
pub struct DunningRun {
    #[graphql(skip)]
    pub id: Uuid,
    #[graphql(skip)]
    pub run_date: NaiveDate,
    /// SCHEDULE or MANUAL.
    pub trigger: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Customers acted on.
    pub customers: i32,
    pub emails: i32,
    pub tasks: i32,
    pub fees: i32,
    pub holds: i32,
    /// Credit holds released because their cause cleared.
    pub releases: i32,
    pub legal_cases: i32,
    /// Customers whose due steps waited because dunning is paused for them.
    pub paused: i32,
    pub failures: i32,
    /// What failed, per customer: `[{customerId, customer, code}]`, `code` one of the API's
    /// error codes (`INTERNAL` for a fault of ours, whose detail is only in the server log);
    /// for those who manage dunning, empty for others.
    pub errors: serde_json::Value,
}

#[async_graphql::ComplexObject]
impl DunningRun {
    async fn id(&self) -> ID {
        ID(self.id.to_string())
    }

    /// The day the run acted for, in the company's time zone.
    #[graphql(name = "runDate")]
    async fn run_day(&self) -> Date {
        Date(self.run_date)
    }
}

const RUN_COLUMNS: &str =
    "id, run_date, trigger, started_at, finished_at, customers, emails, tasks, fees, holds,
    releases, legal_cases, paused, failures, errors";

pub type DunningRunConnection = Connection<String, DunningRun, CountedList>;

fn may_read(caller: &Caller) -> Result<(), AppError> {
    caller
        .authorize(Permission::ManageDunning)
        .or_else(|_| caller.authorize(Permission::ViewCollections))
        .map(|_| ())
}

pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    first: Option<i32>,
    after: Option<String>,
) -> Result<DunningRunConnection, AppError> {
    may_read(caller)?;
    let tenant = caller.require_tenant()?;
    let first = page_size(first)?;
    let offset = parse_offset_cursor("dunningRuns", after.as_deref())?;
    let tx = TenantTx::begin(db, tenant).await?;
    let mut rows = DunningRun::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {RUN_COLUMNS} FROM dunning_runs ORDER BY started_at DESC, id DESC LIMIT $1 OFFSET $2"),
        [((first + 1) as i64).into(), (offset as i64).into()],
    ))
    .all(&*tx)
    .await?;
    let total: i64 = tx
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT count(*) AS n FROM dunning_runs",
        ))
        .await?
        .map(|row| row.try_get("", "n"))
        .transpose()?
        .unwrap_or(0);
    tx.commit().await?;
    let has_next = rows.len() > first;
    rows.truncate(first);
    // What failed names customers; collectors see only their own customers, so the details
    // are for those who manage dunning.
    let manages = caller.authorize(Permission::ManageDunning).is_ok();
    for row in &mut rows {
        row.errors = if manages {
            shown_failures(&row.errors)
        } else {
            serde_json::Value::Array(Vec::new())
        };
    }
    Ok(offset_connection(
        "dunningRuns",
        rows,
        has_next,
        offset,
        total,
    ))
}

/// Runs today's dunning now, as the scheduled run would (steps already taken are not taken
/// again). For admins who changed a ladder and do not want to wait for tomorrow.
pub async fn run_now(
    db: &DatabaseConnection,
    caller: &Caller,
    links: &AppLinks,
    request_id: &str,
) -> Result<DunningRun, AppError> {
    caller.authorize(Permission::ManageDunning)?;
    let tenant = caller.require_tenant()?;
    let actor = audit::actor_of(db, caller).await?;
    let today = db::tenant_calendar(db, tenant).await?.today;
    let (id, _) = run::run_tenant(db, links, tenant, today, Trigger::Manual).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "dunning.run_started",
            entity_type: "dunning_run",
            entity_id: Some(id.to_string()),
            before: None,
            after: None,
            request_id: Some(request_id),
        },
    )
    .await?;
    let row = DunningRun::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {RUN_COLUMNS} FROM dunning_runs WHERE id = $1"),
        [id.into()],
    ))
    .one(&*tx)
    .await?
    .ok_or_else(|| AppError::not_found("No such run."))?;
    tx.commit().await?;
    Ok(row)
}

#[derive(SimpleObject)]
pub struct CollectionSettings {
    /// The hour of the company's day (0 to 23, its own time zone) at which dunning runs.
    pub dunning_run_hour: i32,
    /// Days after a promised date that a payment still keeps the promise.
    pub promise_grace_days: i32,
    /// Release credit holds placed by dunning (or for going over the limit) once the cause
    /// clears.
    pub auto_release_holds: bool,
    /// Place a credit hold on a customer whose open invoices exceed its credit limit (checked by
    /// the daily run).
    pub hold_over_limit: bool,
}

async fn setting_i64(conn: &impl ConnectionTrait, key: &str) -> Result<Option<i64>, AppError> {
    Ok(crate::invoices::store::setting(conn, key)
        .await?
        .and_then(|value| value.as_i64()))
}

pub async fn settings(
    db: &DatabaseConnection,
    caller: &Caller,
) -> Result<CollectionSettings, AppError> {
    may_read(caller)?;
    let tenant = caller.require_tenant()?;
    let hour: i16 = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT dunning_hour FROM public.tenants WHERE id = $1",
            [tenant.0.into()],
        ))
        .await?
        .map(|row| row.try_get("", "dunning_hour"))
        .transpose()?
        .unwrap_or(8);
    let tx = TenantTx::begin(db, tenant).await?;
    let grace = setting_i64(&*tx, "promises.grace_days").await?.unwrap_or(3);
    let release = crate::invoices::store::setting(&*tx, "credit.auto_release_holds")
        .await?
        .and_then(|value| value.as_bool())
        .unwrap_or(true);
    let over_limit = crate::invoices::store::setting(&*tx, "credit.hold_over_limit")
        .await?
        .and_then(|value| value.as_bool())
        .unwrap_or(false);
    tx.commit().await?;
    Ok(CollectionSettings {
        dunning_run_hour: i32::from(hour),
        promise_grace_days: grace as i32,
        auto_release_holds: release,
        hold_over_limit: over_limit,
    })
}

#[derive(InputObject)]
pub struct CollectionSettingsInput {
    pub dunning_run_hour: Option<i32>,
    pub promise_grace_days: Option<i32>,
    pub auto_release_holds: Option<bool>,
    pub hold_over_limit: Option<bool>,
}

pub async fn update_settings(
    db: &DatabaseConnection,
    caller: &Caller,
    input: CollectionSettingsInput,
    request_id: &str,
) -> Result<CollectionSettings, AppError> {
    caller.authorize(Permission::ManageDunning)?;
    let tenant = caller.require_tenant()?;
    if input
        .dunning_run_hour
        .is_some_and(|hour| !(0..=23).contains(&hour))
    {
        return Err(AppError::validation(
            "input.dunningRunHour",
            "an hour from 0 to 23",
        ));
    }
    if input
        .promise_grace_days
        .is_some_and(|days| !(0..=30).contains(&days))
    {
        return Err(AppError::validation(
            "input.promiseGraceDays",
            "0 to 30 days",
        ));
    }
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let upsert = "INSERT INTO settings (key, value) VALUES ($1, $2)
                  ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()";
    if let Some(days) = input.promise_grace_days {
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            upsert,
            ["promises.grace_days".into(), serde_json::json!(days).into()],
        ))
        .await?;
    }
    if let Some(hold) = input.hold_over_limit {
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            upsert,
            [
                "credit.hold_over_limit".into(),
                serde_json::json!(hold).into(),
            ],
        ))
        .await?;
    }
    if let Some(release) = input.auto_release_holds {
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            upsert,
            [
                "credit.auto_release_holds".into(),
                serde_json::json!(release).into(),
            ],
        ))
        .await?;
    }
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "settings.collections_updated",
            entity_type: "tenant",
            entity_id: Some(tenant.0.to_string()),
            before: None,
            after: Some(serde_json::json!({
                "dunningRunHour": input.dunning_run_hour,
                "promiseGraceDays": input.promise_grace_days,
                "autoReleaseHolds": input.auto_release_holds,
                "holdOverLimit": input.hold_over_limit,
            })),
            request_id: Some(request_id),
        },
    )
    .await?;
    tx.commit().await?;
    if let Some(hour) = input.dunning_run_hour {
        // The hour lives beside the company in the control plane, where the scheduler reads
        // every company's in one statement.
        db.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE public.tenants SET dunning_hour = $2 WHERE id = $1",
            [tenant.0.into(), (hour as i16).into()],
        ))
        .await?;
    }
    settings(db, caller).await
}

#[derive(SimpleObject, Clone)]
pub struct EmailTemplate {
    pub policy_id: ID,
    pub step_offset: i32,
    pub step_name: String,
    /// `zh-CN` or `en`.
    pub locale: String,
    pub subject: String,
    pub body: String,
    /// True while the step uses Duely's default text.
    pub is_default: bool,
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<String>,
}

#[derive(SimpleObject, Clone)]
pub struct TemplateVariable {
    /// Write it as `{{name}}`.
    pub name: String,
    pub description: String,
}

pub fn variables() -> Vec<TemplateVariable> {
    templates::VARIABLES
        .iter()
        .map(|(name, description)| TemplateVariable {
            name: (*name).to_owned(),
            description: (*description).to_owned(),
        })
        .collect()
}

async fn ladder_steps(conn: &impl ConnectionTrait, policy: Uuid) -> Result<Vec<Step>, AppError> {
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT steps FROM dunning_policies WHERE id = $1",
            [policy.into()],
        ))
        .await?
        .ok_or_else(|| AppError::not_found("No such ladder."))?;
    let steps: serde_json::Value = row.try_get("", "steps")?;
    Ok(serde_json::from_value(steps).unwrap_or_default())
}

/// Every email step of a ladder in both languages: the admin's text, or the default.
pub async fn list_templates(
    db: &DatabaseConnection,
    caller: &Caller,
    policy: &ID,
) -> Result<Vec<EmailTemplate>, AppError> {
    may_read(caller)?;
    let tenant = caller.require_tenant()?;
    let policy = policy
        .parse::<Uuid>()
        .map_err(|_| AppError::not_found("No such ladder."))?;
    let tx = TenantTx::begin(db, tenant).await?;
    let steps = ladder_steps(&*tx, policy).await?;
    let saved = tx
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT step_offset, locale, subject, body, updated_at, updated_by FROM email_templates WHERE policy_id = $1",
            [policy.into()],
        ))
        .await?;
    tx.commit().await?;
    let mut out = Vec::new();
    for step in steps
        .iter()
        .filter(|step| step.action == StepAction::SendEmail)
    {
        for locale in Locale::ALL {
            let own = saved.iter().find(|row| {
                row.try_get::<i32>("", "step_offset").ok() == Some(step.offset_days)
                    && row.try_get::<String>("", "locale").ok().as_deref() == Some(locale.tag())
            });
            let (subject, body, updated_at, updated_by) = match own {
                Some(row) => (
                    row.try_get::<String>("", "subject")?,
                    row.try_get::<String>("", "body")?,
                    row.try_get::<DateTime<Utc>>("", "updated_at").ok(),
                    row.try_get::<String>("", "updated_by").ok(),
                ),
                None => {
                    let (subject, body) = templates::default_template(step.offset_days, locale);
                    (subject.to_owned(), body.to_owned(), None, None)
                }
            };
            out.push(EmailTemplate {
                policy_id: ID(policy.to_string()),
                step_offset: step.offset_days,
                step_name: step.name.clone(),
                locale: locale.tag().to_owned(),
                subject,
                body,
                is_default: own.is_none(),
                updated_at,
                updated_by,
            });
        }
    }
    Ok(out)
}

#[derive(InputObject)]
pub struct SaveEmailTemplateInput {
    pub policy_id: ID,
    pub step_offset: i32,
    /// `zh-CN` or `en`.
    pub locale: String,
    pub subject: String,
    pub body: String,
    /// Go back to Duely's default text (subject and body are then ignored).
    pub reset: Option<bool>,
}

pub async fn save_template(
    db: &DatabaseConnection,
    caller: &Caller,
    input: SaveEmailTemplateInput,
    request_id: &str,
) -> Result<EmailTemplate, AppError> {
    caller.authorize(Permission::ManageDunning)?;
    let tenant = caller.require_tenant()?;
    let locale: Locale = input
        .locale
        .parse()
        .map_err(|_| AppError::validation("input.locale", "zh-CN or en"))?;
    let reset = input.reset.unwrap_or(false);
    if !reset {
        templates::validate(&input.subject, &input.body).map_err(|error| {
            let field = match error {
                templates::TemplateError::Subject => "input.subject",
                _ if templates::validate(&input.subject, "x").is_err() => "input.subject",
                _ => "input.body",
            };
            AppError::validation(field, error)
        })?;
    }
    let actor = audit::actor_of(db, caller).await?;
    let policy = parse_id("input.policyId", &input.policy_id)
        .map_err(|_| AppError::not_found("No such ladder."))?;
    let tx = TenantTx::begin(db, tenant).await?;
    let steps = ladder_steps(&*tx, policy).await?;
    if !steps
        .iter()
        .any(|step| step.offset_days == input.step_offset && step.action == StepAction::SendEmail)
    {
        return Err(AppError::validation(
            "input.stepOffset",
            "the ladder has no email step on that day",
        ));
    }
    if reset {
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "DELETE FROM email_templates WHERE policy_id = $1 AND step_offset = $2 AND locale = $3",
            [policy.into(), input.step_offset.into(), locale.tag().into()],
        ))
        .await?;
    } else {
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO email_templates (policy_id, step_offset, locale, subject, body, updated_by)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (policy_id, step_offset, locale)
             DO UPDATE SET subject = excluded.subject, body = excluded.body, updated_by = excluded.updated_by, updated_at = now()",
            [
                policy.into(),
                input.step_offset.into(),
                locale.tag().into(),
                input.subject.trim().to_owned().into(),
                input.body.clone().into(),
                actor.label().to_owned().into(),
            ],
        ))
        .await?;
    }
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "dunning.template_saved",
            entity_type: "dunning_policy",
            entity_id: Some(policy.to_string()),
            before: None,
            after: Some(serde_json::json!({
                "stepOffset": input.step_offset, "locale": locale.tag(), "reset": reset,
                "subject": (!reset).then_some(&input.subject),
            })),
            request_id: Some(request_id),
        },
    )
    .await?;
    tx.commit().await?;
    list_templates(db, caller, &input.policy_id)
        .await?
        .into_iter()
        .find(|template| {
            template.step_offset == input.step_offset && template.locale == locale.tag()
        })
        .ok_or_else(|| AppError::not_found("No such template."))
}

/// One customer's failure in a run, as it is stored and shown: who, and the error's code. The
/// error itself (SQL, chains) goes to the log where it happened, never into the answer.
pub(crate) fn failure_entry(
    customer_id: impl std::fmt::Display,
    customer: &str,
    error: &AppError,
) -> serde_json::Value {
    let code = match error {
        AppError::Client { code, .. } => *code,
        AppError::Internal(_) => domain::ErrorCode::Internal,
    };
    serde_json::json!({
        "customerId": customer_id.to_string(),
        "customer": customer,
        "code": code.as_str(),
    })
}

/// A customer whose email step the run held back and turned into a task, and why
/// (`EMAIL_NOT_VERIFIED`, or `PLAN_LIMIT` with `limit` EMAILS_PER_DAY).
pub(crate) fn held_entry(
    customer_id: impl std::fmt::Display,
    customer: &str,
    code: domain::ErrorCode,
) -> serde_json::Value {
    let mut entry = serde_json::json!({
        "customerId": customer_id.to_string(),
        "customer": customer,
        "code": code.as_str(),
    });
    if code == domain::ErrorCode::PlanLimit {
        entry["limit"] = serde_json::json!(domain::billing::Limit::EmailsPerDay.as_str());
    }
    entry
}

/// Stored failures with only the fields that may be shown: runs recorded before failures kept
/// only a code carried the error's text, which is dropped here.
fn shown_failures(stored: &serde_json::Value) -> serde_json::Value {
    let entries = stored.as_array().map(Vec::as_slice).unwrap_or_default();
    serde_json::Value::Array(
        entries
            .iter()
            .map(|entry| {
                let mut shown = serde_json::json!({
                    "customerId": entry.get("customerId").cloned().unwrap_or_default(),
                    "customer": entry.get("customer").cloned().unwrap_or_default(),
                    "code": entry
                        .get("code")
                        .cloned()
                        .unwrap_or_else(|| domain::ErrorCode::Internal.as_str().into()),
                });
                if let Some(limit) = entry.get("limit") {
                    shown["limit"] = limit.clone();
                }
                shown
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_shows_its_code_and_customer_never_the_sql() {
        let error = AppError::Internal(anyhow::anyhow!(
            "error returned from database: relation \"t_1\".\"dunning_actions\" violates check"
        ));
        let entry = failure_entry("c-1", "Acme", &error);
        assert_eq!(
            entry,
            serde_json::json!({ "customerId": "c-1", "customer": "Acme", "code": "INTERNAL" })
        );
        // A run stored before: its error text is not shown.
        let legacy = serde_json::json!([{ "customerId": "c-1", "customer": "Acme",
            "error": "Query(SqlxError(Database(PgDatabaseError { message: \"deadlock\" })))" }]);
        let shown = shown_failures(&legacy);
        assert!(!shown.to_string().contains("deadlock"), "{shown}");
        assert_eq!(shown[0]["code"], "INTERNAL");
    }
}
