//! Run history, a run started by hand, the company's collection settings, and the email
//! templates of a ladder's steps.

use super::run::{self, Trigger};
use super::{Page, PageRequest};
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::collections::CollectionError;
use crate::collections::errors::template_reason;
use crate::collections::store::runs::{self as store, RunRow};
use crate::db::{self, TenantTx};
use crate::error::AppError;
use crate::startup::AppLinks;
use chrono::{DateTime, Utc};
use domain::Locale;
use domain::access::Permission;
use domain::dunning::Step;
use domain::templates;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use uuid::Uuid;

/// Reading runs, settings and templates: those who work collections or manage dunning.
pub fn may_read(caller: &Caller) -> Result<(), AppError> {
    caller
        .authorize(Permission::ManageDunning)
        .or_else(|_| caller.authorize(Permission::ViewCollections))
        .map(|_| ())
}

/// Running dunning, changing settings and templates: those who manage dunning.
pub fn may_manage(caller: &Caller) -> Result<(), AppError> {
    caller.authorize(Permission::ManageDunning).map(|_| ())
}

/// Dunning runs, newest first (the page `request` asks for), with what each did.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    request: &PageRequest,
) -> Result<Page<RunRow>, AppError> {
    may_read(caller)?;
    let tenant = caller.require_tenant()?;
    let tx = TenantTx::begin(db, tenant).await?;
    let rows = store::runs(&*tx, request.limit(), request.offset()).await?;
    let total = store::count_runs(&*tx).await?;
    tx.commit().await?;
    let mut page = request.page(rows, total, |_| Vec::new());
    // What failed names customers; collectors see only their own customers, so the details
    // are for those who manage dunning.
    let manages = caller.authorize(Permission::ManageDunning).is_ok();
    for row in &mut page.items {
        row.errors = if manages {
            shown_failures(&row.errors)
        } else {
            serde_json::Value::Array(Vec::new())
        };
    }
    Ok(page)
}

/// Runs today's dunning now, as the scheduled run would (steps already taken are not taken
/// again). For admins who changed a ladder and do not want to wait for tomorrow.
pub async fn run_now(
    db: &DatabaseConnection,
    caller: &Caller,
    links: &AppLinks,
    request_id: &str,
) -> Result<RunRow, AppError> {
    may_manage(caller)?;
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
    let row = store::run(&*tx, id)
        .await?
        .ok_or_else(|| AppError::from(CollectionError::RunNotFound))?;
    tx.commit().await?;
    Ok(row)
}

/// The company's collection settings.
#[derive(Debug, Clone)]
pub struct CollectionSettings {
    /// The hour of the company's day (0 to 23, its own time zone) at which dunning runs.
    pub dunning_run_hour: i32,
    /// Days after a promised date that a payment still keeps the promise.
    pub promise_grace_days: i32,
    /// Release credit holds placed by dunning (or for going over the limit) once the cause
    /// clears.
    pub auto_release_holds: bool,
    /// Place a credit hold on a customer whose open invoices exceed its credit limit.
    pub hold_over_limit: bool,
}

/// Settings to change; none keeps a setting.
#[derive(Debug, Clone, Default)]
pub struct SettingsChange {
    pub dunning_run_hour: Option<i32>,
    pub promise_grace_days: Option<i32>,
    pub auto_release_holds: Option<bool>,
    pub hold_over_limit: Option<bool>,
}

impl From<domain::settings::CompanySettings> for CollectionSettings {
    fn from(settings: domain::settings::CompanySettings) -> Self {
        CollectionSettings {
            dunning_run_hour: settings.collections.dunning_run_hour as i32,
            promise_grace_days: settings.collections.promise_grace_days as i32,
            auto_release_holds: settings.credit.auto_release_holds,
            hold_over_limit: settings.credit.hold_over_limit,
        }
    }
}

/// The collection settings, a view of the company's settings (`crate::settings`).
pub async fn settings(
    db: &DatabaseConnection,
    caller: &Caller,
) -> Result<CollectionSettings, AppError> {
    may_read(caller)?;
    Ok(crate::settings::company_settings(db, caller).await?.into())
}

/// Changes the collection settings (permission MANAGE_DUNNING), as any settings change:
/// checked whole, in one transaction, audited with before and after.
pub async fn update_settings(
    db: &DatabaseConnection,
    caller: &Caller,
    input: SettingsChange,
    request_id: &str,
) -> Result<CollectionSettings, AppError> {
    let change = domain::settings::SettingsChange {
        dunning_run_hour: input.dunning_run_hour.map(i64::from),
        promise_grace_days: input.promise_grace_days.map(i64::from),
        auto_release_holds: input.auto_release_holds,
        hold_over_limit: input.hold_over_limit,
        ..domain::settings::SettingsChange::default()
    };
    let settings = crate::settings::service::change_settings(
        db,
        caller,
        change,
        request_id,
        Permission::ManageDunning,
    )
    .await
    .map_err(crate::settings::service::ungrouped)?;
    Ok(settings.into())
}

/// The email of one email step of a ladder in one language: the admin's text, or the default.
#[derive(Debug, Clone)]
pub struct EmailTemplate {
    pub policy_id: Uuid,
    pub step_offset: i32,
    pub step_name: domain::messages::Text,
    pub locale: Locale,
    pub subject: String,
    pub body: String,
    /// True while the step uses Duely's default text.
    pub is_default: bool,
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<String>,
}

/// The email of a ladder step in one language, as an admin saves it (or resets it).
#[derive(Debug, Clone)]
pub struct TemplateChange {
    pub policy_id: Uuid,
    pub step_offset: i32,
    /// `zh-CN` or `en`.
    pub locale: String,
    pub subject: String,
    pub body: String,
    /// Go back to Duely's default text (subject and body are then ignored).
    pub reset: bool,
}

/// A ladder's steps; no such ladder is `NOT_FOUND`.
pub(super) async fn ladder_steps(
    conn: &impl ConnectionTrait,
    policy: Uuid,
) -> Result<Vec<Step>, AppError> {
    Ok(store::ladder_steps(conn, policy)
        .await?
        .ok_or_else(|| AppError::from(CollectionError::LadderNotFound))?
        .0)
}

/// Every email and letter step of a ladder in both languages: the admin's text, or the default.
pub async fn list_templates(
    db: &DatabaseConnection,
    caller: &Caller,
    policy: Uuid,
) -> Result<Vec<EmailTemplate>, AppError> {
    may_read(caller)?;
    let tenant = caller.require_tenant()?;
    let tx = TenantTx::begin(db, tenant).await?;
    let steps = ladder_steps(&*tx, policy).await?;
    let saved = store::templates_of(&*tx, policy).await?;
    tx.commit().await?;
    let mut out = Vec::new();
    for step in steps.iter().filter(|step| step.action.has_template()) {
        for locale in Locale::ALL {
            let own = saved
                .iter()
                .find(|row| row.step_offset == step.offset_days && row.locale == locale);
            let (subject, body, updated_at, updated_by) = match own {
                Some(row) => (
                    row.subject.clone(),
                    row.body.clone(),
                    Some(row.updated_at),
                    Some(row.updated_by.clone()),
                ),
                None => {
                    let (subject, body) =
                        templates::default_template_for(step.action, step.offset_days, locale);
                    (subject.to_owned(), body.to_owned(), None, None)
                }
            };
            out.push(EmailTemplate {
                policy_id: policy,
                step_offset: step.offset_days,
                step_name: step.name.clone(),
                locale,
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

pub async fn save_template(
    db: &DatabaseConnection,
    caller: &Caller,
    input: TemplateChange,
    request_id: &str,
) -> Result<EmailTemplate, AppError> {
    may_manage(caller)?;
    let tenant = caller.require_tenant()?;
    let locale: Locale = input
        .locale
        .parse()
        .map_err(|_| AppError::from(CollectionError::TemplateLocaleUnknown))?;
    let reset = input.reset;
    if !reset {
        templates::validate(&input.subject, &input.body).map_err(|error| {
            let field = match error {
                templates::TemplateError::Subject => "input.subject",
                _ if templates::validate(&input.subject, "x").is_err() => "input.subject",
                _ => "input.body",
            };
            AppError::input(field, template_reason(&error))
        })?;
    }
    let actor = audit::actor_of(db, caller).await?;
    let policy = input.policy_id;
    let tx = TenantTx::begin(db, tenant).await?;
    let steps = ladder_steps(&*tx, policy).await?;
    if !steps
        .iter()
        .any(|step| step.offset_days == input.step_offset && step.action.has_template())
    {
        return Err(CollectionError::NoEmailStep.into());
    }
    if reset {
        store::delete_template(&*tx, policy, input.step_offset, locale).await?;
    } else {
        store::save_template(
            &*tx,
            policy,
            input.step_offset,
            locale,
            input.subject.trim().to_owned(),
            input.body.clone(),
            actor.label(),
        )
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
    list_templates(db, caller, policy)
        .await?
        .into_iter()
        .find(|template| template.step_offset == input.step_offset && template.locale == locale)
        .ok_or_else(|| AppError::from(CollectionError::TemplateNotFound))
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
