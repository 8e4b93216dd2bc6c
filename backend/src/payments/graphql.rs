//! The payments API.

use super::commands::{
    AllocatePayment, AllocationLine, ApplyCredit, RecordPayment, ReversePayment,
};
use super::errors::PaymentError;
use super::idempotency::key_input;
use super::service;
use super::store::{self, ListFilter};
use crate::api::command;
use crate::api::context::{request, services};
use crate::api::objects::Allocation;
use crate::api::objects::allocation;
use crate::api::objects::customer::Customer;
pub use crate::api::objects::payment::{Payment, payment};
use crate::api::pagination::PageRequest;
use crate::api::values::CountedList;
use crate::api::values::{
    Date, optional_text, parse_amount, parse_currency, parse_id, required_text,
};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError, IntoApi};
use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use domain::access::Permission;
use domain::payments::PaymentMethod;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

#[derive(InputObject, Clone)]
pub struct AllocationInput {
    pub invoice_id: ID,
    /// A decimal string in the payment's currency.
    pub amount: String,
}

#[derive(InputObject)]
pub struct RecordPaymentInput {
    pub customer_id: ID,
    pub amount: String,
    pub currency: String,
    /// Today by default; never in the future.
    pub received_on: Option<Date>,
    pub method: PaymentMethod,
    /// The bank's or the payer's reference.
    pub reference: Option<String>,
    /// Where the money goes; by default the oldest due invoices first. What is left stays with
    /// the customer as unapplied credit.
    pub allocations: Option<Vec<AllocationInput>>,
    pub idempotency_key: Option<String>,
}

#[derive(InputObject)]
pub struct AllocatePaymentInput {
    pub payment_id: ID,
    /// By default the oldest due invoices first.
    pub allocations: Option<Vec<AllocationInput>>,
    pub idempotency_key: Option<String>,
}

#[derive(InputObject)]
pub struct ApplyCreditInput {
    pub customer_id: ID,
    /// The customer's currency by default.
    pub currency: Option<String>,
    /// By default the oldest due invoices first.
    pub allocations: Option<Vec<AllocationInput>>,
    pub idempotency_key: Option<String>,
}

#[derive(InputObject)]
pub struct ReversePaymentInput {
    pub payment_id: ID,
    pub reason: String,
    /// A retry with the same key returns the first outcome: the reversed payment, or the
    /// request the reversal waits as.
    pub idempotency_key: Option<String>,
    /// When the company's approval policy says the reversal waits (PAYMENT_REVERSAL, by the
    /// payment's amount): true asks for approval, false or left out refuses it with
    /// `APPROVAL_REQUIRED`.
    pub request_approval: Option<bool>,
}

#[derive(SimpleObject)]
pub struct PaymentPayload {
    pub payment: Payment,
    /// The request the reversal waits as, when it was sent with `requestApproval` and the
    /// company's policy says it waits (the payment is then as it stands).
    pub approval_request: Option<crate::api::objects::approval::ApprovalRequest>,
}

#[derive(SimpleObject)]
pub struct ApplyCreditPayload {
    /// The customer with its new balances; null for a caller that may not read customers
    /// (a key with `payments:write` alone).
    pub customer: Option<Customer>,
    /// The allocations this made.
    pub allocations: Vec<Allocation>,
}

/// The allocation lines as sent: the service checks them against the money's currency.
fn lines(allocations: Option<Vec<AllocationInput>>) -> Option<Vec<AllocationLine>> {
    allocations.map(|lines| {
        lines
            .into_iter()
            .map(|line| AllocationLine {
                invoice_id: line.invoice_id.0,
                amount: line.amount,
            })
            .collect()
    })
}

// Each mutation checks the permission before reading its input, as the service does first, so
// a caller without it hears FORBIDDEN rather than what is wrong with the input.

pub async fn record_payment(
    db: &DatabaseConnection,
    caller: &Caller,
    input: RecordPaymentInput,
    request_id: &str,
) -> Result<Payment, AppError> {
    caller.authorize(Permission::ManagePayments)?;
    let not_found = || AppError::from(PaymentError::CustomerNotFound);
    let customer_id = input.customer_id.parse::<Uuid>().map_err(|_| not_found())?;
    let currency = parse_currency("input.currency", &input.currency)?;
    let amount = parse_amount("input.amount", &input.amount, currency, false)?;
    let reference = optional_text("input.reference", input.reference.as_deref(), 200)?;
    let idempotency_key = key_input(input.idempotency_key.as_deref())?;
    let command = RecordPayment {
        customer_id,
        amount,
        currency,
        received_on: input.received_on.map(|d| d.0),
        method: input.method,
        reference,
        allocations: lines(input.allocations),
        idempotency_key,
    };
    service::record_payment(db, caller, command, request_id)
        .await
        .map(payment)
}

pub async fn allocate_payment(
    db: &DatabaseConnection,
    caller: &Caller,
    input: AllocatePaymentInput,
    request_id: &str,
) -> Result<Payment, AppError> {
    caller.authorize(Permission::ManagePayments)?;
    let not_found = || AppError::from(PaymentError::NotFound);
    let payment_id = input.payment_id.parse::<Uuid>().map_err(|_| not_found())?;
    let idempotency_key = key_input(input.idempotency_key.as_deref())?;
    let command = AllocatePayment {
        payment_id,
        allocations: lines(input.allocations),
        idempotency_key,
    };
    service::allocate_payment(db, caller, command, request_id)
        .await
        .map(payment)
}

pub async fn apply_credit(
    db: &DatabaseConnection,
    caller: &Caller,
    input: ApplyCreditInput,
    request_id: &str,
) -> Result<(Option<Customer>, Vec<Allocation>), AppError> {
    caller.authorize(Permission::ManagePayments)?;
    let not_found = || AppError::from(PaymentError::CustomerNotFound);
    let customer_id = input.customer_id.parse::<Uuid>().map_err(|_| not_found())?;
    let idempotency_key = key_input(input.idempotency_key.as_deref())?;
    let currency = input
        .currency
        .as_deref()
        .map(|code| parse_currency("input.currency", code))
        .transpose()?;
    let command = ApplyCredit {
        customer_id,
        currency,
        allocations: lines(input.allocations),
        idempotency_key,
    };
    let applied = service::apply_credit(db, caller, command, request_id).await?;
    // The customer with its new balances, for a caller that may read customers.
    let customer = match caller.authorize(Permission::ViewCustomers) {
        Ok(_) => Some(
            crate::customers::service::find_customer(db, caller, applied.customer_id)
                .await?
                .map(Customer::from_details)
                .ok_or_else(not_found)?,
        ),
        Err(_) => None,
    };
    let made = applied.allocations.into_iter().map(allocation).collect();
    Ok((customer, made))
}

pub async fn reverse_payment(
    db: &DatabaseConnection,
    caller: &Caller,
    input: ReversePaymentInput,
    request_id: &str,
) -> Result<PaymentPayload, AppError> {
    caller.authorize(Permission::ManagePayments)?;
    let reason = required_text("input.reason", &input.reason, 500)?;
    let idempotency_key = key_input(input.idempotency_key.as_deref())?;
    let not_found = || AppError::from(PaymentError::NotFound);
    let payment_id = input.payment_id.parse::<Uuid>().map_err(|_| not_found())?;
    let command = ReversePayment {
        payment_id,
        reason,
        idempotency_key,
    };
    let asking = crate::approval_gate::Asking {
        command,
        request_approval: input.request_approval.unwrap_or(false),
    };
    let gated = service::reverse_payment(db, caller, asking, request_id).await?;
    Ok(PaymentPayload {
        payment: payment(gated.record),
        approval_request: gated
            .approval_request
            .map(|request| crate::api::objects::approval::approval_request(request, Vec::new())),
    })
}

#[derive(InputObject, Default)]
pub struct PaymentFilter {
    pub customer_id: Option<ID>,
    pub method: Option<PaymentMethod>,
    pub currency: Option<String>,
    pub received_from: Option<Date>,
    pub received_to: Option<Date>,
    /// Reversed payments are listed unless this is false.
    pub include_reversed: Option<bool>,
    /// Only payments with money not yet allocated.
    pub has_unapplied: Option<bool>,
}

pub type PaymentConnection = Connection<String, Payment, CountedList>;

/// A page of payments as a connection; counted in all only when `wants_total` (its
/// `totalCount` is 0 otherwise).
pub async fn list_payments(
    db: &DatabaseConnection,
    caller: &Caller,
    first: Option<i32>,
    after: Option<String>,
    filter: PaymentFilter,
    with_allocations: bool,
    wants_total: bool,
) -> Result<PaymentConnection, AppError> {
    caller.authorize(Permission::ViewPayments)?;
    let request = PageRequest::parse("payments", store::LIST_ORDER, true, first, after.as_deref())?;
    let filter = ListFilter {
        customer_id: filter
            .customer_id
            .as_ref()
            .map(|customer| parse_id("filter.customerId", customer))
            .transpose()?,
        method: filter.method,
        currency: filter
            .currency
            .as_deref()
            .map(|currency| parse_currency("filter.currency", currency))
            .transpose()?,
        received_from: filter.received_from.map(|Date(from)| from),
        received_to: filter.received_to.map(|Date(to)| to),
        include_reversed: filter.include_reversed,
        has_unapplied: filter.has_unapplied,
    };
    let page =
        service::list_payments(db, caller, filter, &request, with_allocations, wants_total).await?;
    Ok(page.connection(payment))
}

pub async fn find_payment(
    db: &DatabaseConnection,
    caller: &Caller,
    id: &ID,
) -> Result<Option<Payment>, AppError> {
    caller.authorize(Permission::ViewPayments)?;
    let Ok(id) = id.parse::<Uuid>() else {
        return Ok(None);
    };
    Ok(service::find_payment(db, caller, id).await?.map(payment))
}

#[derive(Default)]
pub struct PaymentsQuery;

#[Object]
impl PaymentsQuery {
    /// Payments, most recently received first. `first` is 1 to 200 (default 50).
    #[graphql(complexity = "crate::api::values::page_complexity(first, child_complexity)")]
    async fn payments(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<PaymentFilter>,
    ) -> ApiResult<PaymentConnection> {
        let (_, db) = services(ctx)?;
        let with_allocations = ctx
            .look_ahead()
            .field("edges")
            .field("node")
            .field("allocations")
            .exists();
        list_payments(
            db,
            &request(ctx)?.caller,
            first,
            after,
            filter.unwrap_or_default(),
            with_allocations,
            ctx.look_ahead().field("totalCount").exists(),
        )
        .await
        .api()
    }

    /// One payment; `null` when there is none with this id in the company.
    async fn payment(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Payment>> {
        let (_, db) = services(ctx)?;
        find_payment(db, &request(ctx)?.caller, &id).await.api()
    }
}

#[derive(Default)]
pub struct PaymentsMutation;

#[Object]
impl PaymentsMutation {
    /// Records money received and allocates it: to the invoices given, or oldest due first.
    /// The rest stays with the customer as unapplied credit.
    async fn record_payment(
        &self,
        ctx: &Context<'_>,
        input: RecordPaymentInput,
    ) -> ApiResult<PaymentPayload> {
        let payment = command!(ctx, record_payment, input);
        Ok(PaymentPayload {
            payment,
            approval_request: None,
        })
    }

    /// Allocates what is left of one payment.
    async fn allocate_payment(
        &self,
        ctx: &Context<'_>,
        input: AllocatePaymentInput,
    ) -> ApiResult<PaymentPayload> {
        let payment = command!(ctx, allocate_payment, input);
        Ok(PaymentPayload {
            payment,
            approval_request: None,
        })
    }

    /// Applies the customer's unapplied credit (oldest payments first) to open invoices.
    async fn apply_credit(
        &self,
        ctx: &Context<'_>,
        input: ApplyCreditInput,
    ) -> ApiResult<ApplyCreditPayload> {
        let (customer, allocations) = command!(ctx, apply_credit, input);
        Ok(ApplyCreditPayload {
            customer,
            allocations,
        })
    }

    /// Reverses a payment and every allocation it made; nothing is edited or deleted.
    async fn reverse_payment(
        &self,
        ctx: &Context<'_>,
        input: ReversePaymentInput,
    ) -> ApiResult<PaymentPayload> {
        Ok(command!(ctx, reverse_payment, input))
    }
}
