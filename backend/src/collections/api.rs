//! GraphQL for the collector's day and what dunning leaves behind: the worklist and tasks,
//! runs, settings, email templates, late fees, legal cases and risk alerts. Thin: each field
//! calls its module.

use super::fees::{self, WaiveFeeInput, WaiveFeePayload};
use super::graphql::activity_by_id;
use super::legal::{
    self, EscalateToLegalInput, LegalCaseConnection, LegalCaseFilter, LegalCasePayload,
    UpdateLegalCaseInput,
};
use super::runs::{
    self, CollectionSettings, CollectionSettingsInput, DunningRun, DunningRunConnection,
    EmailTemplate, SaveEmailTemplateInput, TemplateVariable,
};
use super::worklist::{self, CompleteTaskInput, CompleteTaskPayload, WorkItemConnection};
use crate::api::command;
use crate::api::context::{request, services};
use crate::api::objects::alerts::{
    self, AlertActionInput, AlertConnection, AlertFilter, AlertPayload,
};
use crate::db::TenantTx;
use crate::error::{ApiResult, AppError, IntoApi};
use crate::startup::AppLinks;
use async_graphql::{Context, ID, Object, SimpleObject};

#[derive(Default)]
pub struct WorkQuery;

#[Object]
impl WorkQuery {
    /// The collector's list for today, ranked by expected recovery (overdue x likelihood to pay
    /// x urgency), with the reasons for each rank and the open tasks. Collectors get their own;
    /// managers pick any collector (their own list by default).
    #[graphql(complexity = "crate::api::values::page_complexity(first, child_complexity)")]
    async fn worklist(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        collector_id: Option<ID>,
    ) -> ApiResult<WorkItemConnection> {
        let (_, db) = services(ctx)?;
        worklist::worklist(db, &request(ctx)?.caller, first, after, collector_id)
            .await
            .api()
    }

    /// Dunning runs, newest first, with what each did.
    #[graphql(complexity = "crate::api::values::page_complexity(first, child_complexity)")]
    async fn dunning_runs(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<DunningRunConnection> {
        let (_, db) = services(ctx)?;
        runs::list(db, &request(ctx)?.caller, first, after)
            .await
            .api()
    }

    /// The company's collection settings.
    async fn collection_settings(&self, ctx: &Context<'_>) -> ApiResult<CollectionSettings> {
        let (_, db) = services(ctx)?;
        runs::settings(db, &request(ctx)?.caller).await.api()
    }

    /// The email of every email step of a ladder, in Chinese and English.
    async fn email_templates(
        &self,
        ctx: &Context<'_>,
        policy_id: ID,
    ) -> ApiResult<Vec<EmailTemplate>> {
        let (_, db) = services(ctx)?;
        runs::list_templates(db, &request(ctx)?.caller, &policy_id)
            .await
            .api()
    }

    /// The `{{variables}}` a template may use.
    async fn email_template_variables(&self) -> Vec<TemplateVariable> {
        runs::variables()
    }

    /// Legal cases, newest first. Collectors see their customers'.
    #[graphql(complexity = "crate::api::values::page_complexity(first, child_complexity)")]
    async fn legal_cases(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<LegalCaseFilter>,
    ) -> ApiResult<LegalCaseConnection> {
        let (_, db) = services(ctx)?;
        legal::list(
            db,
            &request(ctx)?.caller,
            first,
            after,
            filter.unwrap_or_default(),
        )
        .await
        .api()
    }

    /// Risk alerts, newest first, with the reason each was raised.
    #[graphql(complexity = "crate::api::values::page_complexity(first, child_complexity)")]
    async fn risk_alerts(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<AlertFilter>,
    ) -> ApiResult<AlertConnection> {
        let (_, db) = services(ctx)?;
        alerts::list(
            db,
            &request(ctx)?.caller,
            first,
            after,
            filter.unwrap_or_default(),
        )
        .await
        .api()
    }
}

#[derive(SimpleObject)]
pub struct DunningRunPayload {
    pub run: DunningRun,
}

#[derive(SimpleObject)]
pub struct CollectionSettingsPayload {
    pub settings: CollectionSettings,
}

#[derive(SimpleObject)]
pub struct EmailTemplatePayload {
    pub template: EmailTemplate,
}

#[derive(Default)]
pub struct WorkMutation;

#[Object]
impl WorkMutation {
    /// Completes an open task and logs the activity it was (a call, a visit...), with its
    /// outcome and, when one was made, the promise.
    async fn complete_task(
        &self,
        ctx: &Context<'_>,
        input: CompleteTaskInput,
    ) -> ApiResult<CompleteTaskPayload> {
        let (task, activity) = command!(ctx, worklist::complete_task, input);
        let (_, db) = services(ctx)?;
        let tenant = request(ctx)?.caller.require_tenant().api()?;
        let tx = TenantTx::begin(db, tenant)
            .await
            .map_err(AppError::from)
            .api()?;
        let activity = activity_by_id(&*tx, activity).await.api()?;
        tx.commit().await.map_err(AppError::from).api()?;
        Ok(CompleteTaskPayload { task, activity })
    }

    /// Runs today's dunning now (steps already taken today are not taken again).
    async fn run_dunning_now(&self, ctx: &Context<'_>) -> ApiResult<DunningRunPayload> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        let links = ctx
            .data::<AppLinks>()
            .map_err(|_| AppError::Internal(anyhow::anyhow!("links missing")))
            .api()?;
        let run = runs::run_now(db, &request.caller, links, &request.request_id)
            .await
            .api()?;
        Ok(DunningRunPayload { run })
    }

    /// Changes the dunning hour, the promise grace days or automatic hold release.
    async fn update_collection_settings(
        &self,
        ctx: &Context<'_>,
        input: CollectionSettingsInput,
    ) -> ApiResult<CollectionSettingsPayload> {
        let settings = command!(ctx, runs::update_settings, input);
        Ok(CollectionSettingsPayload { settings })
    }

    /// Saves the email of a ladder step in one language (or resets it to the default).
    async fn save_email_template(
        &self,
        ctx: &Context<'_>,
        input: SaveEmailTemplateInput,
    ) -> ApiResult<EmailTemplatePayload> {
        let template = command!(ctx, runs::save_template, input);
        Ok(EmailTemplatePayload { template })
    }

    /// Waives a late fee with a reason: what is still owed on it is cancelled.
    async fn waive_fee(
        &self,
        ctx: &Context<'_>,
        input: WaiveFeeInput,
    ) -> ApiResult<WaiveFeePayload> {
        let fee = command!(ctx, fees::waive, input);
        Ok(WaiveFeePayload { fee })
    }

    /// Opens a legal case for a customer's invoices (every overdue one by default).
    async fn escalate_to_legal(
        &self,
        ctx: &Context<'_>,
        input: EscalateToLegalInput,
    ) -> ApiResult<LegalCasePayload> {
        let legal_case = command!(ctx, legal::escalate, input);
        Ok(LegalCasePayload { legal_case })
    }

    /// Moves a legal case to a later stage, or records its agency, lawyer, costs and notes.
    async fn update_legal_case(
        &self,
        ctx: &Context<'_>,
        input: UpdateLegalCaseInput,
    ) -> ApiResult<LegalCasePayload> {
        let legal_case = command!(ctx, legal::update, input);
        Ok(LegalCasePayload { legal_case })
    }

    /// Acknowledges an alert: someone is on it.
    async fn acknowledge_alert(
        &self,
        ctx: &Context<'_>,
        input: AlertActionInput,
    ) -> ApiResult<AlertPayload> {
        let alert = command!(ctx, alerts::acknowledge, input);
        Ok(AlertPayload { alert })
    }

    /// Resolves an alert, with a note.
    async fn resolve_alert(
        &self,
        ctx: &Context<'_>,
        input: AlertActionInput,
    ) -> ApiResult<AlertPayload> {
        let alert = command!(ctx, alerts::resolve, input);
        Ok(AlertPayload { alert })
    }
}
