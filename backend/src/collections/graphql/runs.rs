//! Run history, collection settings and email templates over GraphQL: their types and inputs
//! (the roots are in `work`).

use crate::api::values::{CountedList, Date};
use crate::collections::CollectionError;
use crate::collections::service::runs::{self as service, SettingsChange, TemplateChange};
use crate::collections::store::runs::RunRow;
use crate::error::AppError;
use async_graphql::connection::Connection;
use async_graphql::{ID, InputObject, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use domain::templates;
use uuid::Uuid;

#[derive(SimpleObject, Clone)]
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

impl From<RunRow> for DunningRun {
    fn from(row: RunRow) -> Self {
        DunningRun {
            id: row.id,
            run_date: row.run_date,
            trigger: row.trigger,
            started_at: row.started_at,
            finished_at: row.finished_at,
            customers: row.customers,
            emails: row.emails,
            tasks: row.tasks,
            fees: row.fees,
            holds: row.holds,
            releases: row.releases,
            legal_cases: row.legal_cases,
            paused: row.paused,
            failures: row.failures,
            errors: row.errors,
        }
    }
}

pub type DunningRunConnection = Connection<String, DunningRun, CountedList>;

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

impl From<service::CollectionSettings> for CollectionSettings {
    fn from(settings: service::CollectionSettings) -> Self {
        CollectionSettings {
            dunning_run_hour: settings.dunning_run_hour,
            promise_grace_days: settings.promise_grace_days,
            auto_release_holds: settings.auto_release_holds,
            hold_over_limit: settings.hold_over_limit,
        }
    }
}

#[derive(InputObject)]
pub struct CollectionSettingsInput {
    pub dunning_run_hour: Option<i32>,
    pub promise_grace_days: Option<i32>,
    pub auto_release_holds: Option<bool>,
    pub hold_over_limit: Option<bool>,
}

impl From<CollectionSettingsInput> for SettingsChange {
    fn from(input: CollectionSettingsInput) -> Self {
        SettingsChange {
            dunning_run_hour: input.dunning_run_hour,
            promise_grace_days: input.promise_grace_days,
            auto_release_holds: input.auto_release_holds,
            hold_over_limit: input.hold_over_limit,
        }
    }
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

impl From<service::EmailTemplate> for EmailTemplate {
    fn from(template: service::EmailTemplate) -> Self {
        EmailTemplate {
            policy_id: ID(template.policy_id.to_string()),
            step_offset: template.step_offset,
            // The step's name in the template's own language.
            step_name: domain::messages::Localized::text(&template.step_name, template.locale),
            locale: template.locale.tag().to_owned(),
            subject: template.subject,
            body: template.body,
            is_default: template.is_default,
            updated_at: template.updated_at,
            updated_by: template.updated_by,
        }
    }
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

/// A ladder's id: one that does not parse is no such ladder.
pub(crate) fn ladder_id(id: &ID) -> Result<Uuid, AppError> {
    id.parse::<Uuid>()
        .map_err(|_| AppError::from(CollectionError::LadderNotFound))
}

impl SaveEmailTemplateInput {
    pub(crate) fn parse(self) -> Result<TemplateChange, AppError> {
        Ok(TemplateChange {
            policy_id: ladder_id(&self.policy_id)?,
            step_offset: self.step_offset,
            locale: self.locale,
            subject: self.subject,
            body: self.body,
            reset: self.reset.unwrap_or(false),
        })
    }
}
