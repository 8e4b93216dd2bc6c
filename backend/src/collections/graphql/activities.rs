//! `logCollectionActivity`, `updateCollectionActivity`, `collectionActivities`,
//! `promisesToPay`, `cancelPromise`.

use super::gated;
use crate::api::pagination::PageRequest;
use crate::api::values::{CountedList, CustomerRef, Date, Money, parse_id};
use crate::collections::CollectionError;
use crate::collections::service::activities::{
    self as service, Activity, ActivityCorrection, NewActivity, NewPromise, Promise,
    PromiseCancellation,
};
use crate::collections::store::activities::LinkedInvoice;
use crate::error::{ApiResult, AppError, IntoApi};
use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use domain::collections::{CollectionChannel, CollectionOutcome, PromiseStatus};
use uuid::Uuid;

#[derive(SimpleObject, Clone)]
pub struct InvoiceRef {
    pub id: ID,
    pub number: Option<String>,
}

#[derive(SimpleObject, Clone)]
pub struct PromiseToPay {
    pub id: ID,
    pub customer: CustomerRef,
    pub amount: Money,
    pub promised_date: Date,
    pub status: PromiseStatus,
    /// What payments had covered when the promise was judged.
    pub paid_amount: Money,
    /// Who at the customer promised.
    pub promised_by: Option<String>,
    /// Who logged it.
    pub logged_by: String,
    pub invoices: Vec<InvoiceRef>,
    pub cancel_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub settled_at: Option<DateTime<Utc>>,
}

#[derive(SimpleObject, Clone)]
pub struct CollectionActivity {
    pub id: ID,
    pub customer: CustomerRef,
    pub invoices: Vec<InvoiceRef>,
    pub channel: CollectionChannel,
    pub outcome: CollectionOutcome,
    pub note: Option<String>,
    pub contact_name: Option<String>,
    pub location: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub next_action_on: Option<Date>,
    pub logged_by: String,
    /// When it was logged, which starts the window for correcting it.
    pub logged_at: DateTime<Utc>,
    pub promise: Option<PromiseToPay>,
    /// A mailed letter's carrier tracking number (proof of delivery).
    pub tracking_number: Option<String>,
}

fn refs(links: Vec<LinkedInvoice>) -> Vec<InvoiceRef> {
    links
        .into_iter()
        .map(|link| InvoiceRef {
            id: ID(link.invoice_id.to_string()),
            number: link.number,
        })
        .collect()
}

impl From<Promise> for PromiseToPay {
    fn from(Promise { row, invoices }: Promise) -> Self {
        PromiseToPay {
            id: ID(row.id.to_string()),
            customer: CustomerRef {
                id: ID(row.customer_id.to_string()),
                code: row.customer_code,
                name: row.customer_name,
            },
            amount: Money::new(row.amount, row.currency.code()),
            promised_date: Date(row.promised_date),
            status: row.status,
            paid_amount: Money::new(row.paid_amount, row.currency.code()),
            promised_by: row.promised_by,
            logged_by: row.logged_by_label,
            invoices: refs(invoices),
            cancel_reason: row.cancel_reason,
            created_at: row.created_at,
            settled_at: row.settled_at,
        }
    }
}

impl From<Activity> for CollectionActivity {
    fn from(
        Activity {
            row,
            invoices,
            promise,
        }: Activity,
    ) -> Self {
        CollectionActivity {
            id: ID(row.id.to_string()),
            customer: CustomerRef {
                id: ID(row.customer_id.to_string()),
                code: row.customer_code,
                name: row.customer_name,
            },
            invoices: refs(invoices),
            channel: row.channel,
            outcome: row.outcome,
            note: row.note,
            contact_name: row.contact_name,
            location: row.location,
            occurred_at: row.occurred_at,
            next_action_on: row.next_action_on.map(Date),
            logged_by: row.logged_by_label,
            logged_at: row.logged_at,
            promise: promise.map(PromiseToPay::from),
            tracking_number: row.tracking_number,
        }
    }
}

#[derive(InputObject)]
pub struct PromiseInput {
    pub amount: String,
    /// The customer's currency by default.
    pub currency: Option<String>,
    pub promised_date: Date,
}

impl From<PromiseInput> for NewPromise {
    fn from(input: PromiseInput) -> Self {
        NewPromise {
            amount: input.amount,
            currency: input.currency,
            promised_date: input.promised_date.0,
        }
    }
}

#[derive(InputObject)]
pub struct LogCollectionActivityInput {
    pub customer_id: ID,
    /// Invoices the contact was about (the customer's).
    pub invoice_ids: Option<Vec<ID>>,
    pub channel: CollectionChannel,
    pub outcome: CollectionOutcome,
    pub note: Option<String>,
    /// Who was reached.
    pub contact_name: Option<String>,
    /// Where, for a visit.
    pub location: Option<String>,
    /// Now by default; never in the future.
    pub occurred_at: Option<DateTime<Utc>>,
    pub next_action_on: Option<Date>,
    /// The customer's promise to pay, when they made one.
    pub promise: Option<PromiseInput>,
}

/// The id of a customer the caller works: one that does not parse is no such customer.
pub(crate) fn customer_id(id: &ID) -> Result<Uuid, AppError> {
    id.parse::<Uuid>()
        .map_err(|_| AppError::from(CollectionError::CustomerNotFound))
}

/// Invoices named in an input: one that does not parse is not the customer's.
fn invoice_ids(ids: Option<Vec<ID>>) -> Result<Vec<Uuid>, AppError> {
    ids.unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(index, id)| {
            id.parse::<Uuid>()
                .map_err(|_| AppError::from(CollectionError::InvoiceNotOfCustomer { index }))
        })
        .collect()
}

impl LogCollectionActivityInput {
    fn parse(self) -> Result<NewActivity, AppError> {
        Ok(NewActivity {
            customer_id: customer_id(&self.customer_id)?,
            invoice_ids: invoice_ids(self.invoice_ids)?,
            channel: self.channel,
            outcome: self.outcome,
            note: self.note,
            contact_name: self.contact_name,
            location: self.location,
            occurred_at: self.occurred_at,
            next_action_on: self.next_action_on.map(|d| d.0),
            promise: self.promise.map(NewPromise::from),
        })
    }
}

#[derive(SimpleObject)]
pub struct LogCollectionActivityPayload {
    pub activity: CollectionActivity,
}

#[derive(InputObject)]
pub struct UpdateCollectionActivityInput {
    pub activity_id: ID,
    pub outcome: Option<CollectionOutcome>,
    pub note: Option<String>,
    pub next_action_on: Option<Date>,
}

#[derive(InputObject)]
pub struct CancelPromiseInput {
    pub promise_id: ID,
    pub reason: String,
}

#[derive(SimpleObject)]
pub struct CancelPromisePayload {
    pub promise: PromiseToPay,
}

#[derive(InputObject, Default)]
pub struct ActivityFilter {
    pub customer_id: Option<ID>,
    pub invoice_id: Option<ID>,
    pub channel: Option<CollectionChannel>,
    pub outcome: Option<CollectionOutcome>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

impl ActivityFilter {
    fn parse(self) -> Result<service::ActivityFilter, AppError> {
        Ok(service::ActivityFilter {
            customer_id: self
                .customer_id
                .map(|id| parse_id("filter.customerId", &id))
                .transpose()?,
            invoice_id: self
                .invoice_id
                .map(|id| parse_id("filter.invoiceId", &id))
                .transpose()?,
            channel: self.channel,
            outcome: self.outcome,
            from: self.from,
            to: self.to,
        })
    }
}

#[derive(InputObject, Default)]
pub struct PromiseFilter {
    pub customer_id: Option<ID>,
    pub status: Option<Vec<PromiseStatus>>,
}

impl PromiseFilter {
    fn parse(self) -> Result<service::PromiseFilter, AppError> {
        Ok(service::PromiseFilter {
            customer_id: self
                .customer_id
                .map(|id| parse_id("filter.customerId", &id))
                .transpose()?,
            status: self.status,
        })
    }
}

pub type ActivityConnection = Connection<String, CollectionActivity, CountedList>;
pub type PromiseConnection = Connection<String, PromiseToPay, CountedList>;

#[derive(Default)]
pub struct CollectionsQuery;

#[Object]
impl CollectionsQuery {
    /// Calls, emails, messages, visits, letters and legal steps, newest first. Collectors see
    /// their customers'.
    #[graphql(complexity = "crate::api::values::page_complexity(first, child_complexity)")]
    async fn collection_activities(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<ActivityFilter>,
    ) -> ApiResult<ActivityConnection> {
        let (db, request) = gated(ctx, service::may_read)?;
        let page = PageRequest::parse("activities", "OCCURRED_DESC", true, first, after.as_deref())
            .api()?;
        let filter = filter.unwrap_or_default().parse().api()?;
        let wants_total = ctx.look_ahead().field("totalCount").exists();
        let page = service::list_activities(db, &request.caller, &page, filter, wants_total)
            .await
            .api()?;
        Ok(page.connection(CollectionActivity::from))
    }

    /// Promises to pay, latest promised date first, with their status.
    #[graphql(complexity = "crate::api::values::page_complexity(first, child_complexity)")]
    async fn promises_to_pay(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<PromiseFilter>,
    ) -> ApiResult<PromiseConnection> {
        let (db, request) = gated(ctx, service::may_read)?;
        let page =
            PageRequest::parse("promises", "PROMISED_DESC", true, first, after.as_deref()).api()?;
        let filter = filter.unwrap_or_default().parse().api()?;
        let wants_total = ctx.look_ahead().field("totalCount").exists();
        let page = service::list_promises(db, &request.caller, &page, filter, wants_total)
            .await
            .api()?;
        Ok(page.connection(PromiseToPay::from))
    }
}

#[derive(Default)]
pub struct CollectionsMutation;

#[Object]
impl CollectionsMutation {
    /// Logs a contact with a customer, with its outcome and, when one was made, the promise.
    async fn log_collection_activity(
        &self,
        ctx: &Context<'_>,
        input: LogCollectionActivityInput,
    ) -> ApiResult<LogCollectionActivityPayload> {
        let (db, request) = gated(ctx, service::may_work)?;
        let input = input.parse().api()?;
        let activity = service::log_activity(db, &request.caller, input, &request.request_id)
            .await
            .api()?;
        Ok(LogCollectionActivityPayload {
            activity: activity.into(),
        })
    }

    /// Corrects an activity you logged, within 24 hours (audited).
    async fn update_collection_activity(
        &self,
        ctx: &Context<'_>,
        input: UpdateCollectionActivityInput,
    ) -> ApiResult<LogCollectionActivityPayload> {
        let (db, request) = gated(ctx, service::may_work)?;
        let correction = ActivityCorrection {
            activity_id: input
                .activity_id
                .parse::<Uuid>()
                .map_err(|_| AppError::from(CollectionError::ActivityNotFound))
                .api()?,
            outcome: input.outcome,
            note: input.note,
            next_action_on: input.next_action_on.map(|d| d.0),
        };
        let activity =
            service::update_activity(db, &request.caller, correction, &request.request_id)
                .await
                .api()?;
        Ok(LogCollectionActivityPayload {
            activity: activity.into(),
        })
    }

    /// Cancels an open promise (the customer withdrew it, or it was logged by mistake).
    async fn cancel_promise(
        &self,
        ctx: &Context<'_>,
        input: CancelPromiseInput,
    ) -> ApiResult<CancelPromisePayload> {
        let (db, request) = gated(ctx, service::may_work)?;
        let cancellation = PromiseCancellation {
            promise_id: input
                .promise_id
                .parse::<Uuid>()
                .map_err(|_| AppError::from(CollectionError::PromiseNotFound))
                .api()?,
            reason: input.reason,
        };
        let promise =
            service::cancel_promise(db, &request.caller, cancellation, &request.request_id)
                .await
                .api()?;
        Ok(CancelPromisePayload {
            promise: promise.into(),
        })
    }
}
