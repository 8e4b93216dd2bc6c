//! The disputes API's types: a dispute, the queue's items and connection, the inputs of
//! `openDispute`, `updateDispute` and `resolveDispute`, and their payload. (The roots are in
//! the module above.)

use super::objects::{Invoice, invoice};
use crate::api::context::{request, services};
use crate::api::objects::customer::PersonRef;
use crate::api::pagination::Page;
use crate::api::values::{CountedList, CustomerRef, Date, Money, id_or_nil as uuid_of};
use crate::db::MemberName;
use crate::error::{ApiResult, IntoApi};
use crate::invoices::service::{
    self, InvoiceRecord, OpenDispute, QueueFilter, QueueItem, ResolveDispute, UpdateDispute,
};
use crate::invoices::store::DisputeRow;
use async_graphql::connection::{Connection, ConnectionNameType, Edge, EdgeNameType, EmptyFields};
use async_graphql::{
    ComplexObject, Context, ID, InputObject, MaybeUndefined, OutputType, SimpleObject,
};
use chrono::{DateTime, Utc};
use domain::invoices::{DisputeOutcome, DisputeReason, DisputeStatus};
use uuid::Uuid;

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Dispute {
    pub id: ID,
    pub invoice_id: ID,
    pub reason: String,
    /// What the customer disputes.
    pub reason_code: DisputeReason,
    pub amount: Money,
    pub status: DisputeStatus,
    pub resolution_note: Option<String>,
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// When its owner means to have it settled.
    pub due_on: Option<Date>,
    #[graphql(skip)]
    pub assignee_id: Option<Uuid>,
    /// The owner as read with the dispute (`Some(None)`: not a member any more); `None` when
    /// not read, so `assignee` reads it.
    #[graphql(skip)]
    pub assignee_read: Option<Option<MemberName>>,
}

#[ComplexObject]
impl Dispute {
    /// The member who owns the dispute; null when no one does, or they are no longer a member.
    async fn assignee(&self, ctx: &Context<'_>) -> ApiResult<Option<PersonRef>> {
        let Some(id) = self.assignee_id else {
            return Ok(None);
        };
        let found = match &self.assignee_read {
            Some(read) => read.clone(),
            None => {
                let (_, db) = services(ctx)?;
                service::member_name(db, &request(ctx)?.caller, id)
                    .await
                    .api()?
            }
        };
        Ok(found.map(|member| PersonRef {
            id: ID(member.id.to_string()),
            name: member.name,
            email: member.email,
        }))
    }
}

/// The API dispute of a row; `people` are the members its invoice's disputes are assigned to,
/// when they were read.
pub(super) fn dispute(row: DisputeRow, currency: &str, people: Option<&[MemberName]>) -> Dispute {
    let assignee_read = people.map(|people| {
        row.assignee_id
            .and_then(|id| people.iter().find(|person| person.id == id).cloned())
    });
    Dispute {
        id: ID(row.id.to_string()),
        invoice_id: ID(row.invoice_id.to_string()),
        reason: row.reason,
        reason_code: row.reason_code,
        amount: Money::new(row.amount, currency),
        status: row.status,
        resolution_note: row.resolution_note,
        opened_by: row.opened_by,
        opened_at: row.opened_at,
        resolved_at: row.resolved_at,
        due_on: row.due_on.map(Date),
        assignee_id: row.assignee_id,
        assignee_read,
    }
}

#[derive(SimpleObject)]
pub struct DisputePayload {
    pub dispute: Dispute,
    pub invoice: Invoice,
}

impl DisputePayload {
    pub(super) fn of((row, record): (DisputeRow, InvoiceRecord)) -> Self {
        let dispute = dispute(row, record.row.currency.code(), record.assignees.as_deref());
        DisputePayload {
            dispute,
            invoice: invoice(record),
        }
    }
}

/// The invoice a dispute in the queue is about.
#[derive(SimpleObject, Clone)]
pub struct DisputedInvoice {
    pub id: ID,
    pub number: Option<String>,
    pub due_date: Date,
    pub balance_due: Money,
}

/// A dispute as the queue shows it.
#[derive(SimpleObject, Clone)]
pub struct QueueDispute {
    pub dispute: Dispute,
    pub invoice: DisputedInvoice,
    pub customer: CustomerRef,
    /// Days since it was opened, in the company's days.
    pub age_days: i64,
    /// What the customer wrote when they disputed the invoice in answer to a statement; null
    /// when the dispute did not come from one, or they wrote nothing.
    pub customer_statement: Option<String>,
}

impl From<QueueItem> for QueueDispute {
    fn from(item: QueueItem) -> Self {
        let QueueItem {
            row,
            assignee,
            age_days,
        } = item;
        let currency = row.currency.code().to_owned();
        let people: Vec<MemberName> = assignee.into_iter().collect();
        QueueDispute {
            dispute: dispute(row.dispute(), &currency, Some(people.as_slice())),
            invoice: DisputedInvoice {
                id: ID(row.invoice_id.to_string()),
                number: row.invoice_number,
                due_date: Date(row.invoice_due_date),
                balance_due: Money::new(row.invoice_balance_due, &currency),
            },
            customer: CustomerRef {
                id: ID(row.customer_id.to_string()),
                code: row.customer_code,
                name: row.customer_name,
            },
            age_days,
            customer_statement: row.customer_statement,
        }
    }
}

/// Names the queue's connection after disputes (`DisputeConnection`), not after its items.
pub struct DisputeConnectionName;

impl ConnectionNameType for DisputeConnectionName {
    fn type_name<T: OutputType>() -> String {
        "DisputeConnection".to_owned()
    }
}

/// Names the queue's edges `DisputeEdge`.
pub struct DisputeEdgeName;

impl EdgeNameType for DisputeEdgeName {
    fn type_name<T: OutputType>() -> String {
        "DisputeEdge".to_owned()
    }
}

pub type DisputeConnection = Connection<
    String,
    QueueDispute,
    CountedList,
    EmptyFields,
    DisputeConnectionName,
    DisputeEdgeName,
>;

/// A page of the queue as its connection.
pub(super) fn queue_connection(page: Page<QueueItem>) -> DisputeConnection {
    let plain = page.connection(QueueDispute::from);
    let mut named = DisputeConnection::with_additional_fields(
        plain.has_previous_page,
        plain.has_next_page,
        plain.additional_fields,
    );
    named.edges.extend(
        plain
            .edges
            .into_iter()
            .map(|edge| Edge::new(edge.cursor, edge.node)),
    );
    named
}

#[derive(InputObject, Default)]
pub struct DisputeFilter {
    /// Any of these statuses; OPEN by default.
    pub status: Option<Vec<DisputeStatus>>,
    pub customer_id: Option<ID>,
    /// The member who owns them.
    pub assignee_id: Option<ID>,
}

impl From<DisputeFilter> for QueueFilter {
    fn from(filter: DisputeFilter) -> Self {
        QueueFilter {
            statuses: filter.status.unwrap_or_default(),
            customer_id: filter.customer_id.as_ref().map(uuid_of),
            assignee_id: filter.assignee_id.as_ref().map(uuid_of),
        }
    }
}

#[derive(InputObject)]
pub struct OpenDisputeInput {
    pub invoice_id: ID,
    pub reason: String,
    /// The disputed part of the balance; the whole balance by default.
    pub amount: Option<String>,
    /// OTHER by default.
    pub reason_code: Option<DisputeReason>,
    /// The member who owns it: one whose role works collections.
    pub assignee_id: Option<ID>,
    /// When it should be settled: from today to a year on.
    pub due_on: Option<Date>,
}

impl From<OpenDisputeInput> for OpenDispute {
    fn from(input: OpenDisputeInput) -> Self {
        OpenDispute {
            invoice_id: uuid_of(&input.invoice_id),
            reason: input.reason,
            amount: input.amount,
            reason_code: input.reason_code,
            assignee_id: input.assignee_id.as_ref().map(uuid_of),
            due_on: input.due_on.map(|day| day.0),
        }
    }
}

#[derive(InputObject)]
pub struct UpdateDisputeInput {
    pub dispute_id: ID,
    /// Left out: unchanged.
    pub reason_code: Option<DisputeReason>,
    /// Left out: unchanged; null: no one. A member whose role works collections.
    pub assignee_id: MaybeUndefined<ID>,
    /// Left out: unchanged; null: none. From today to a year on.
    pub due_on: MaybeUndefined<Date>,
}

/// Left out: `None`; null: `Some(None)`; a value: `Some(Some(value))`.
fn change<T, U>(given: MaybeUndefined<T>, f: impl FnOnce(T) -> U) -> Option<Option<U>> {
    match given {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(value) => Some(Some(f(value))),
    }
}

impl From<UpdateDisputeInput> for UpdateDispute {
    fn from(input: UpdateDisputeInput) -> Self {
        UpdateDispute {
            dispute_id: uuid_of(&input.dispute_id),
            reason_code: input.reason_code,
            assignee_id: change(input.assignee_id, |id| uuid_of(&id)),
            due_on: change(input.due_on, |day| day.0),
        }
    }
}

#[derive(InputObject)]
pub struct ResolveDisputeInput {
    pub dispute_id: ID,
    pub outcome: DisputeOutcome,
    /// What was decided, in words the customer can be sent.
    pub note: String,
}

impl From<ResolveDisputeInput> for ResolveDispute {
    fn from(input: ResolveDisputeInput) -> Self {
        ResolveDispute {
            dispute_id: uuid_of(&input.dispute_id),
            outcome: input.outcome,
            note: input.note,
        }
    }
}
