//! The collector's work queue over GraphQL: its items and tasks, and `completeTask`'s input and
//! payload (the roots are in `work`).

use super::activities::{CollectionActivity, PromiseInput};
use crate::api::values::{CountedList, CustomerRef, Date, Money};
use crate::api::values::{locale, text_params};
use crate::collections::CollectionError;
use crate::collections::service::worklist::{TaskCompletion, WorkItem as Item};
use crate::collections::store::worklist::TaskRow;
use crate::error::AppError;
use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, ID, InputObject, Json, SimpleObject};
use chrono::{DateTime, Utc};
use domain::collections::{CollectionChannel, CollectionOutcome};
use domain::messages::{Localized, Text};
use domain::worklist::WorkReasonCode;
use uuid::Uuid;

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct CollectionTask {
    pub id: ID,
    /// CALL, VISIT, SMS, WECHAT, EMAIL, LETTER or REVIEW.
    pub kind: String,
    #[graphql(skip)]
    pub text: Text,
    pub due_on: Date,
    /// OPEN, DONE or CANCELLED.
    pub status: String,
    /// DUNNING, PROMISE or MANUAL.
    pub source: String,
    pub customer: CustomerRef,
    pub invoice_ids: Vec<ID>,
    pub assignee_id: Option<ID>,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub completed_by: Option<String>,
}

#[ComplexObject]
impl CollectionTask {
    /// What to do, in the caller's language.
    async fn title(&self, ctx: &Context<'_>) -> String {
        self.text.text(locale(ctx))
    }

    /// The title as a code (`TASK_FOR_STEP`), for clients with texts of their own.
    async fn message_code(&self) -> String {
        self.text.code()
    }

    /// The title's parameters (`{"step": {"code": "STEP_CALL", "params": {}}, "invoices": […]}`).
    async fn message_params(&self) -> Json<serde_json::Value> {
        text_params(&self.text)
    }
}

impl From<TaskRow> for CollectionTask {
    fn from(row: TaskRow) -> Self {
        CollectionTask {
            id: ID(row.id.to_string()),
            kind: row.kind,
            text: row.title,
            due_on: Date(row.due_on),
            status: row.status,
            source: row.source,
            customer: CustomerRef {
                id: ID(row.customer_id.to_string()),
                code: row.code,
                name: row.name,
            },
            invoice_ids: row
                .invoice_ids
                .iter()
                .map(|id| ID(id.to_string()))
                .collect(),
            assignee_id: row.assignee_id.map(|id| ID(id.to_string())),
            created_at: row.created_at,
            completed_at: row.completed_at,
            completed_by: row.completed_by,
        }
    }
}

#[derive(SimpleObject, Clone)]
pub struct WorkReason {
    pub code: WorkReasonCode,
    /// An amount (OVERDUE, in the customer's currency) or a percentage (LIKELY_TO_PAY).
    pub value: Option<String>,
    pub days: Option<i64>,
}

#[derive(SimpleObject, Clone)]
pub struct WorkItem {
    /// 1 is the first to work on.
    pub rank: i32,
    pub customer: CustomerRef,
    pub overdue: Money,
    pub max_days_overdue: i64,
    /// Overdue x likelihood to pay x urgency: what acting now is expected to bring in.
    pub expected_recovery: Money,
    /// 0 to 1, from the customer's history.
    pub likelihood_to_pay: String,
    pub urgency: String,
    pub reasons: Vec<WorkReason>,
    /// Open tasks due today or earlier.
    pub tasks: Vec<CollectionTask>,
    pub open_promise: bool,
}

impl From<Item> for WorkItem {
    fn from(
        Item {
            rank,
            need,
            ranked,
            tasks,
        }: Item,
    ) -> Self {
        WorkItem {
            rank,
            customer: CustomerRef {
                id: ID(need.customer_id.to_string()),
                code: need.code,
                name: need.name,
            },
            overdue: Money::new(need.overdue, &need.currency),
            max_days_overdue: i64::from(need.max_days),
            expected_recovery: Money::new(ranked.expected_recovery, &need.currency),
            likelihood_to_pay: ranked.likelihood.round_dp(2).to_string(),
            urgency: ranked.urgency.round_dp(2).to_string(),
            reasons: ranked
                .reasons
                .into_iter()
                .map(|reason| WorkReason {
                    code: reason.code,
                    value: reason.value.map(|value| value.normalize().to_string()),
                    days: reason.days,
                })
                .collect(),
            tasks: tasks.into_iter().map(CollectionTask::from).collect(),
            open_promise: need.open_promise,
        }
    }
}

pub type WorkItemConnection = Connection<String, WorkItem, CountedList>;

#[derive(InputObject)]
pub struct CompleteTaskInput {
    pub task_id: ID,
    pub outcome: CollectionOutcome,
    /// The channel used; by default the task's own (a call task was a phone call).
    pub channel: Option<CollectionChannel>,
    pub note: Option<String>,
    pub contact_name: Option<String>,
    pub location: Option<String>,
    pub next_action_on: Option<Date>,
    pub promise: Option<PromiseInput>,
}

impl CompleteTaskInput {
    /// The completion, its note written in `locale`.
    pub(crate) fn parse(self, locale: domain::Locale) -> Result<TaskCompletion, AppError> {
        Ok(TaskCompletion {
            task_id: self
                .task_id
                .parse::<Uuid>()
                .map_err(|_| CollectionError::TaskNotFound)?,
            outcome: self.outcome,
            channel: self.channel,
            note: self.note,
            contact_name: self.contact_name,
            location: self.location,
            next_action_on: self.next_action_on.map(|d| d.0),
            promise: self.promise.map(Into::into),
            locale,
        })
    }
}

#[derive(SimpleObject)]
pub struct CompleteTaskPayload {
    pub task: CollectionTask,
    pub activity: CollectionActivity,
}

/// The collector asked for: one that does not parse is no team member.
pub(crate) fn collector_id(id: Option<&ID>) -> Result<Option<Uuid>, AppError> {
    id.map(|id| {
        id.parse::<Uuid>().map_err(|_| {
            AppError::from(CollectionError::CollectorNotAnId {
                value: id.0.clone(),
            })
        })
    })
    .transpose()
}
