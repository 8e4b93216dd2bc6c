//! GraphQL for the collector's day and what dunning leaves behind: the worklist and tasks,
//! runs, settings, email templates, late fees, legal cases and risk alerts. Thin: each field
//! parses its input and calls its service.

use super::fees::{WaiveFeeInput, WaiveFeePayload};
use super::gated;
use super::legal::{
    EscalateToLegalInput, LegalCase, LegalCaseConnection, LegalCaseFilter, LegalCasePayload,
    UpdateLegalCaseInput,
};
use super::runs::{
    self, CollectionSettings, CollectionSettingsInput, DunningRun, DunningRunConnection,
    EmailTemplate, SaveEmailTemplateInput, TemplateVariable, ladder_id,
};
use super::worklist::{
    CancelTaskInput, CollectionTask, CollectionTaskConnection, CollectionTaskPayload,
    CompleteTaskInput, CompleteTaskPayload, CreateTaskInput, ReassignTaskInput, TaskFilter,
    WorkItem, WorkItemConnection, collector_id as parse_collector,
};
use crate::api::command;
use crate::api::context::{links, request, services};
use crate::api::objects::alerts::{
    self, AlertActionInput, AlertConnection, AlertFilter, AlertPayload,
};
use crate::api::pagination::PageRequest;
use crate::api::values::id_or_nil;
use crate::collections::service::{activities, fees, legal, runs as run_service, tasks, worklist};
use crate::error::{ApiResult, IntoApi};
use async_graphql::{Context, ID, Object, SimpleObject};
use domain::collections::WorklistScope;

#[derive(Default)]
pub struct WorkQuery;

#[Object]
impl WorkQuery {
    /// The list for today, ranked by expected recovery (overdue x likelihood to pay x
    /// urgency), with the reasons for each rank and the open tasks. Collectors get their own.
    /// Others pick a collector (`collectorId`) or a `scope` (not both): MINE, ALL, or
    /// UNASSIGNED (customers without a collector); by default their own when they collect for
    /// any customer, else ALL. An API key gets ALL by default.
    #[graphql(complexity = "crate::api::values::page_complexity(first, child_complexity)")]
    async fn worklist(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        collector_id: Option<ID>,
        scope: Option<WorklistScope>,
    ) -> ApiResult<WorkItemConnection> {
        let (db, request) = gated(ctx, worklist::may_read)?;
        let page = PageRequest::parse("worklist", "RANK", false, first, after.as_deref()).api()?;
        let collector = parse_collector(collector_id.as_ref()).api()?;
        // Only a count (`totalCount`, the dashboard's) needs no ranking.
        let look_ahead = ctx.look_ahead();
        let items = ["edges", "nodes", "pageInfo"]
            .iter()
            .any(|field| look_ahead.field(field).exists());
        let page = worklist::worklist(db, &request.caller, &page, collector, scope, items)
            .await
            .api()?;
        Ok(page.connection(WorkItem::from))
    }

    /// Collection tasks (from the ladder, broken promises, or scheduled by hand), soonest due
    /// first. Whose: as the worklist's (`filter.assigneeId` or `filter.scope`); collectors see
    /// those of their customers. Open tasks unless `filter.status` says otherwise.
    #[graphql(complexity = "crate::api::values::page_complexity(first, child_complexity)")]
    async fn tasks(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<TaskFilter>,
    ) -> ApiResult<CollectionTaskConnection> {
        let (db, request) = gated(ctx, worklist::may_read)?;
        let page = PageRequest::parse("tasks", "DUE", true, first, after.as_deref()).api()?;
        let filter = filter.unwrap_or_default().parse().api()?;
        let wants_total = ctx.look_ahead().field("totalCount").exists();
        let page = tasks::list_tasks(db, &request.caller, &page, filter, wants_total)
            .await
            .api()?;
        Ok(page.connection(CollectionTask::from))
    }

    /// Dunning runs, newest first, with what each did.
    #[graphql(complexity = "crate::api::values::page_complexity(first, child_complexity)")]
    async fn dunning_runs(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<DunningRunConnection> {
        let (db, request) = gated(ctx, run_service::may_read)?;
        let page = PageRequest::parse(
            "dunningRuns",
            "STARTED_DESC",
            false,
            first,
            after.as_deref(),
        )
        .api()?;
        let page = run_service::list(db, &request.caller, &page).await.api()?;
        Ok(page.connection(DunningRun::from))
    }

    /// The company's collection settings.
    async fn collection_settings(&self, ctx: &Context<'_>) -> ApiResult<CollectionSettings> {
        let (_, db) = services(ctx)?;
        let settings = run_service::settings(db, &request(ctx)?.caller)
            .await
            .api()?;
        Ok(settings.into())
    }

    /// The email of every email step of a ladder, in Chinese and English.
    async fn email_templates(
        &self,
        ctx: &Context<'_>,
        policy_id: ID,
    ) -> ApiResult<Vec<EmailTemplate>> {
        let (db, request) = gated(ctx, run_service::may_read)?;
        let policy = ladder_id(&policy_id).api()?;
        let templates = run_service::list_templates(db, &request.caller, policy)
            .await
            .api()?;
        Ok(templates.into_iter().map(EmailTemplate::from).collect())
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
        let (db, request) = gated(ctx, legal::may_read)?;
        let page = PageRequest::parse("legalCases", "OPENED_DESC", false, first, after.as_deref())
            .api()?;
        let filter = filter.unwrap_or_default().parse().api()?;
        let page = legal::list(db, &request.caller, &page, filter)
            .await
            .api()?;
        Ok(page.connection(LegalCase::from))
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
        let (db, request) = gated(ctx, worklist::may_work)?;
        let input = input.parse(request.locale).api()?;
        let (task, activity) =
            worklist::complete_task(db, &request.caller, input, &request.request_id)
                .await
                .api()?;
        let activity = activities::activity(db, &request.caller, activity)
            .await
            .api()?;
        Ok(CompleteTaskPayload {
            task: task.into(),
            activity: activity.into(),
        })
    }

    /// Schedules a task by hand: a visit, a call back, a message. For a member who works
    /// collections (the customer's collector by default); due from today to a year on.
    async fn create_task(
        &self,
        ctx: &Context<'_>,
        input: CreateTaskInput,
    ) -> ApiResult<CollectionTaskPayload> {
        let input = input.parse().api()?;
        let task = command!(ctx, tasks::create_task, input);
        Ok(CollectionTaskPayload { task: task.into() })
    }

    /// Gives an open task to another member who works collections, or (null) to the
    /// unassigned queue. For managers.
    async fn reassign_task(
        &self,
        ctx: &Context<'_>,
        input: ReassignTaskInput,
    ) -> ApiResult<CollectionTaskPayload> {
        let input = input.parse().api()?;
        let task = command!(ctx, tasks::reassign_task, input);
        Ok(CollectionTaskPayload { task: task.into() })
    }

    /// Cancels an open task, with why. Collectors cancel their own.
    async fn cancel_task(
        &self,
        ctx: &Context<'_>,
        input: CancelTaskInput,
    ) -> ApiResult<CollectionTaskPayload> {
        let task = command!(
            ctx,
            tasks::cancel_task,
            (id_or_nil(&input.task_id), input.reason)
        );
        Ok(CollectionTaskPayload { task: task.into() })
    }

    /// Runs today's dunning now (steps already taken today are not taken again).
    async fn run_dunning_now(&self, ctx: &Context<'_>) -> ApiResult<DunningRunPayload> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        let links = links(ctx)?;
        let run = run_service::run_now(db, &request.caller, links, &request.request_id)
            .await
            .api()?;
        Ok(DunningRunPayload { run: run.into() })
    }

    /// Changes the dunning hour, the promise grace days or automatic hold release.
    async fn update_collection_settings(
        &self,
        ctx: &Context<'_>,
        input: CollectionSettingsInput,
    ) -> ApiResult<CollectionSettingsPayload> {
        let settings = command!(ctx, run_service::update_settings, input.into());
        Ok(CollectionSettingsPayload {
            settings: settings.into(),
        })
    }

    /// Saves the email of a ladder step in one language (or resets it to the default).
    async fn save_email_template(
        &self,
        ctx: &Context<'_>,
        input: SaveEmailTemplateInput,
    ) -> ApiResult<EmailTemplatePayload> {
        let (db, request) = gated(ctx, run_service::may_manage)?;
        let input = input.parse().api()?;
        let template = run_service::save_template(db, &request.caller, input, &request.request_id)
            .await
            .api()?;
        Ok(EmailTemplatePayload {
            template: template.into(),
        })
    }

    /// Waives a late fee with a reason: what is still owed on it is cancelled.
    async fn waive_fee(
        &self,
        ctx: &Context<'_>,
        input: WaiveFeeInput,
    ) -> ApiResult<WaiveFeePayload> {
        let (db, request) = gated(ctx, fees::may_waive)?;
        let command = input.parse().api()?;
        let gated = fees::waive(db, &request.caller, command, &request.request_id)
            .await
            .api()?;
        Ok(WaiveFeePayload {
            fee: gated.record.into(),
            approval_request: gated.approval_request.map(|request| {
                crate::api::objects::approval::approval_request(request, Vec::new())
            }),
        })
    }

    /// Opens a legal case for a customer's invoices (every overdue one by default).
    async fn escalate_to_legal(
        &self,
        ctx: &Context<'_>,
        input: EscalateToLegalInput,
    ) -> ApiResult<LegalCasePayload> {
        let (db, request) = gated(ctx, legal::may_manage)?;
        let input = input.parse().api()?;
        let case = legal::escalate(db, &request.caller, input, &request.request_id)
            .await
            .api()?;
        Ok(LegalCasePayload {
            legal_case: case.into(),
        })
    }

    /// Moves a legal case to a later stage, or records its agency, lawyer, costs and notes.
    async fn update_legal_case(
        &self,
        ctx: &Context<'_>,
        input: UpdateLegalCaseInput,
    ) -> ApiResult<LegalCasePayload> {
        let (db, request) = gated(ctx, legal::may_manage)?;
        let input = input.parse().api()?;
        let case = legal::update(db, &request.caller, input, &request.request_id)
            .await
            .api()?;
        Ok(LegalCasePayload {
            legal_case: case.into(),
        })
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
