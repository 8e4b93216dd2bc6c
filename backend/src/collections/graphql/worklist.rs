//! The collector's work queue over GraphQL: its items and tasks, and `completeTask`'s input and
//! payload (the roots are in `work`).

use super::activities::{CollectionActivity, InvoiceRef, PromiseInput};
use crate::api::objects::customer::PersonRef;
use crate::api::values::{CountedList, CustomerRef, Date, Money, id_or_nil, parse_id};
use crate::api::values::{locale, text_params};
use crate::collections::CollectionError;
use crate::collections::service::tasks::{NewTask, Task, TaskFilter as ServiceTaskFilter};
use crate::collections::service::worklist::{TaskCompletion, WorkItem as Item};
use crate::error::{ApiResult, AppError, IntoApi};
use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, ID, InputObject, Json, SimpleObject};
use chrono::{DateTime, Utc};
use domain::collections::{
    CollectionChannel, CollectionOutcome, TaskKind, TaskStatus, WorklistScope,
};
use domain::messages::{Localized, Text};
use domain::worklist::WorkReasonCode;
use uuid::Uuid;

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct CollectionTask {
    pub id: ID,
    pub kind: TaskKind,
    #[graphql(skip)]
    pub text: Text,
    pub due_on: Date,
    pub status: TaskStatus,
    /// DUNNING, PROMISE or MANUAL.
    pub source: String,
    pub customer: CustomerRef,
    pub invoice_ids: Vec<ID>,
    /// The invoices the task is about, with their numbers.
    pub invoices: Vec<InvoiceRef>,
    /// Null: in the unassigned queue.
    pub assignee_id: Option<ID>,
    /// The member it is assigned to (null when unassigned, or no longer a member).
    pub assignee: Option<PersonRef>,
    /// What the person who scheduled it wrote.
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Who scheduled it by hand (null for the ladder's and broken promises' tasks).
    pub created_by: Option<String>,
    pub completed_at: Option<DateTime<Utc>>,
    pub completed_by: Option<String>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancelled_by: Option<String>,
    pub cancel_reason: Option<String>,
    #[graphql(skip)]
    pub step_offset: Option<i32>,
}

#[ComplexObject]
impl CollectionTask {
    /// What to say on this call, visit or WeChat message (话术): the script of the ladder step
    /// that made the task (else the step the customer is at), in the customer's language, with
    /// its figures filled in. Null for tasks of other kinds.
    async fn script(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Option<crate::api::objects::script::CollectionScript>> {
        let customer = crate::api::values::parse_id("customer", &self.customer.id).api()?;
        crate::api::objects::script::script_for(
            ctx,
            customer,
            self.step_offset,
            self.kind.channel(),
        )
        .await
    }

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

impl From<Task> for CollectionTask {
    fn from(Task { row, assignee }: Task) -> Self {
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
            invoices: row
                .invoice_ids
                .iter()
                .zip(
                    row.invoice_numbers
                        .iter()
                        .map(Some)
                        .chain(std::iter::repeat(None)),
                )
                .map(|(id, number)| InvoiceRef {
                    id: ID(id.to_string()),
                    number: number.filter(|number| !number.is_empty()).cloned(),
                })
                .collect(),
            assignee_id: row.assignee_id.map(|id| ID(id.to_string())),
            assignee: assignee.map(|person| PersonRef {
                id: ID(person.id.to_string()),
                name: person.name,
                email: person.email,
            }),
            note: row.note,
            created_at: row.created_at,
            created_by: row.created_by,
            completed_at: row.completed_at,
            completed_by: row.completed_by,
            cancelled_at: row.cancelled_at,
            cancelled_by: row.cancelled_by,
            cancel_reason: row.cancel_reason,
            step_offset: row.step_offset,
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

pub type CollectionTaskConnection = Connection<String, CollectionTask, CountedList>;

#[derive(InputObject, Default)]
pub struct TaskFilter {
    /// One member's tasks; not with `scope`.
    pub assignee_id: Option<ID>,
    /// MINE, ALL or UNASSIGNED; by default as the worklist's (a collector's own; a manager's
    /// own when they collect for any customer, else all). With `customerId` alone: everyone's.
    pub scope: Option<WorklistScope>,
    /// Any of these; open tasks by default.
    pub status: Option<Vec<TaskStatus>>,
    /// Due on or before this day.
    pub due_before: Option<Date>,
    pub customer_id: Option<ID>,
}

impl TaskFilter {
    pub(crate) fn parse(self) -> Result<ServiceTaskFilter, AppError> {
        Ok(ServiceTaskFilter {
            assignee_id: self
                .assignee_id
                .as_ref()
                .map(|id| parse_id("filter.assigneeId", id))
                .transpose()?,
            scope: self.scope,
            statuses: self.status.unwrap_or_default(),
            due_before: self.due_before.map(|day| day.0),
            // An id that does not parse names no customer: nothing matches it.
            customer_id: self.customer_id.as_ref().map(id_or_nil),
        })
    }
}

#[derive(InputObject)]
pub struct CreateTaskInput {
    pub customer_id: ID,
    /// A member who works collections. By default the customer's collector, else the caller
    /// when they collect. A collector schedules for themselves.
    pub assignee_id: Option<ID>,
    pub kind: TaskKind,
    /// From today (the company's) to a year on.
    pub due_on: Date,
    /// Up to 4,000 characters.
    pub note: Option<String>,
    /// Invoices of this customer the task is about.
    pub invoice_ids: Option<Vec<ID>>,
}

impl CreateTaskInput {
    pub(crate) fn parse(self) -> Result<NewTask, AppError> {
        let invoice_ids = self.invoice_ids.unwrap_or_default();
        if invoice_ids.len() > MAX_TASK_INVOICES {
            return Err(AppError::input(
                "input.invoiceIds",
                domain::reason::Reason::CountOutOfRange {
                    min: 0,
                    max: MAX_TASK_INVOICES as u32,
                },
            ));
        }
        Ok(NewTask {
            customer_id: id_or_nil(&self.customer_id),
            assignee_id: self
                .assignee_id
                .as_ref()
                .map(|id| parse_id("input.assigneeId", id))
                .transpose()?,
            kind: self.kind,
            due_on: self.due_on.0,
            note: self.note,
            invoice_ids: invoice_ids
                .iter()
                .enumerate()
                .map(|(index, id)| parse_id(&format!("input.invoiceIds[{index}]"), id))
                .collect::<Result<_, _>>()?,
        })
    }
}

/// The most invoices one task names.
const MAX_TASK_INVOICES: usize = 100;

#[derive(InputObject)]
pub struct ReassignTaskInput {
    pub task_id: ID,
    /// A member who works collections; null puts the task in the unassigned queue.
    pub assignee_id: Option<ID>,
}

impl ReassignTaskInput {
    pub(crate) fn parse(self) -> Result<(Uuid, Option<Uuid>), AppError> {
        Ok((
            id_or_nil(&self.task_id),
            self.assignee_id
                .as_ref()
                .map(|id| parse_id("input.assigneeId", id))
                .transpose()?,
        ))
    }
}

#[derive(InputObject)]
pub struct CancelTaskInput {
    pub task_id: ID,
    /// Why, up to 1,000 characters.
    pub reason: Option<String>,
}

#[derive(SimpleObject)]
pub struct CollectionTaskPayload {
    pub task: CollectionTask,
}
