//! The payments API.

use super::idempotency::{self, key_input};
use crate::api::command;
use crate::api::context::{request, services};
use crate::api::objects::{Allocation, allocation};
use crate::api::values::CountedList;
use crate::api::values::CustomerRef;
use crate::api::values::{
    Date, Money, offset_connection, optional_text, page_size, parse_amount, parse_currency,
    parse_id, parse_offset_cursor, required_text,
};
use crate::audit::{self, Actor, AuditEntry};
use crate::auth::Caller;
use crate::auth::assigned_only;
use crate::customers::graphql::{Customer, customer_in_tx};
use crate::customers::{self, CustomerRow};
use crate::db::conditions::{Conditions, count};
use crate::db::{self, TenantTx};
use crate::error::{ApiResult, AppError, IntoApi};
use crate::invoices::store as invoice_store;
use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use domain::Currency;
use domain::access::{Access, Permission};
use domain::allocation::{AllocationError, Instruction, OpenItem, allocate};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum PaymentMethod {
    BankTransfer,
    Cash,
    Check,
    Card,
    Alipay,
    WechatPay,
    Stripe,
    Other,
}

impl PaymentMethod {
    pub const fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::BankTransfer => "BANK_TRANSFER",
            PaymentMethod::Cash => "CASH",
            PaymentMethod::Check => "CHECK",
            PaymentMethod::Card => "CARD",
            PaymentMethod::Alipay => "ALIPAY",
            PaymentMethod::WechatPay => "WECHAT_PAY",
            PaymentMethod::Stripe => "STRIPE",
            PaymentMethod::Other => "OTHER",
        }
    }

    fn parse(value: &str) -> Self {
        match value {
            "BANK_TRANSFER" => PaymentMethod::BankTransfer,
            "CASH" => PaymentMethod::Cash,
            "CHECK" => PaymentMethod::Check,
            "CARD" => PaymentMethod::Card,
            "ALIPAY" => PaymentMethod::Alipay,
            "WECHAT_PAY" => PaymentMethod::WechatPay,
            "STRIPE" => PaymentMethod::Stripe,
            _ => PaymentMethod::Other,
        }
    }
}

#[derive(Debug, Clone, FromQueryResult)]
struct PaymentRow {
    id: Uuid,
    customer_id: Uuid,
    customer_code: String,
    customer_name: String,
    amount: Decimal,
    currency: String,
    received_on: NaiveDate,
    method: String,
    reference: Option<String>,
    actor_label: String,
    created_at: DateTime<Utc>,
    allocated: Decimal,
    reversal_reason: Option<String>,
    reversed_at: Option<DateTime<Utc>>,
    reversed_by: Option<String>,
}

const PAYMENT_COLUMNS: &str = r#"
    p.id, p.customer_id, c.code AS customer_code, c.name AS customer_name, p.amount,
    p.currency::text AS currency, p.received_on, p.method, p.reference, p.actor_label, p.created_at,
    coalesce((SELECT sum(a.amount) FROM allocations a WHERE a.payment_id = p.id), 0) AS allocated,
    r.reason AS reversal_reason, r.reversed_at, r.actor_label AS reversed_by
"#;
const PAYMENTS_FROM: &str = "payments p JOIN customers c ON c.id = p.customer_id
    LEFT JOIN payment_reversals r ON r.payment_id = p.id";

#[derive(SimpleObject, Clone)]
pub struct PaymentReversal {
    pub reason: String,
    pub reversed_at: DateTime<Utc>,
    pub reversed_by: String,
}

#[derive(SimpleObject, Clone)]
pub struct Payment {
    pub id: ID,
    pub customer: CustomerRef,
    pub amount: Money,
    pub currency: String,
    pub received_on: Date,
    pub method: PaymentMethod,
    pub reference: Option<String>,
    /// What is allocated to invoices now (after any reversal, zero).
    pub allocated: Money,
    /// What is left for `allocatePayment` or `applyCredit`.
    pub unapplied: Money,
    pub reversed: bool,
    pub reversal: Option<PaymentReversal>,
    /// Every allocation and reversal of one, in order.
    pub allocations: Vec<Allocation>,
    pub recorded_by: String,
    pub created_at: DateTime<Utc>,
}

fn payment(row: PaymentRow, allocations: Vec<Allocation>) -> Payment {
    let reversed = row.reversed_at.is_some();
    let unapplied = if reversed {
        Decimal::ZERO
    } else {
        row.amount - row.allocated
    };
    Payment {
        id: ID(row.id.to_string()),
        customer: CustomerRef {
            id: ID(row.customer_id.to_string()),
            code: row.customer_code,
            name: row.customer_name,
        },
        amount: Money::new(row.amount, &row.currency),
        allocated: Money::new(row.allocated, &row.currency),
        unapplied: Money::new(unapplied, &row.currency),
        received_on: Date(row.received_on),
        method: PaymentMethod::parse(&row.method),
        reference: row.reference,
        reversed,
        reversal: match (row.reversal_reason, row.reversed_at, row.reversed_by) {
            (Some(reason), Some(reversed_at), Some(reversed_by)) => Some(PaymentReversal {
                reason,
                reversed_at,
                reversed_by,
            }),
            _ => None,
        },
        allocations,
        recorded_by: row.actor_label,
        created_at: row.created_at,
        currency: row.currency,
    }
}

async fn assemble(
    conn: &impl ConnectionTrait,
    rows: Vec<PaymentRow>,
    with_allocations: bool,
) -> Result<Vec<Payment>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let allocations = if with_allocations {
        invoice_store::allocations_by(conn, "payment_id", &ids).await?
    } else {
        Vec::new()
    };
    Ok(rows
        .into_iter()
        .map(|row| {
            let mine = allocations
                .iter()
                .filter(|a| a.payment_id == row.id)
                .cloned()
                .map(allocation)
                .collect();
            payment(row, mine)
        })
        .collect())
}

async fn load_payment(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<PaymentRow>, AppError> {
    Ok(
        PaymentRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!("SELECT {PAYMENT_COLUMNS} FROM {PAYMENTS_FROM} WHERE p.id = $1"),
            [id.into()],
        ))
        .one(conn)
        .await?,
    )
}

async fn reload(tx: &TenantTx, id: Uuid) -> Result<Payment, AppError> {
    let row = load_payment(&**tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("No such payment."))?;
    assemble(&**tx, vec![row], true)
        .await?
        .pop()
        .ok_or_else(|| AppError::not_found("No such payment."))
}

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
    pub idempotency_key: Option<String>,
}

#[derive(SimpleObject)]
pub struct PaymentPayload {
    pub payment: Payment,
}

#[derive(SimpleObject)]
pub struct ApplyCreditPayload {
    /// The customer with its new balances; null for a caller that may not read customers
    /// (a key with `payments:write` alone).
    pub customer: Option<Customer>,
    /// The allocations this made.
    pub allocations: Vec<Allocation>,
}

#[derive(Debug, FromQueryResult)]
struct OpenRow {
    id: Uuid,
    due_date: NaiveDate,
    number: Option<String>,
    balance_due: Decimal,
}

/// Locks the customer's open invoices in `currency` (in id order, after the customer's lock)
/// and returns them as the allocation sees them.
async fn lock_open_items(
    tx: &TenantTx,
    customer: Uuid,
    currency: &str,
) -> Result<Vec<OpenItem>, AppError> {
    let rows = OpenRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id, due_date, number, balance_due FROM invoices
         WHERE customer_id = $1 AND currency = $2 AND status IN ('ISSUED', 'PARTIALLY_PAID')
         ORDER BY id FOR UPDATE",
        [customer.into(), currency.into()],
    ))
    .all(&**tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| OpenItem {
            invoice_id: row.id,
            due_date: row.due_date,
            number: row.number.unwrap_or_default(),
            balance: row.balance_due,
        })
        .collect())
}

fn instruction(
    allocations: Option<&[AllocationInput]>,
    currency: Currency,
) -> Result<Instruction, AppError> {
    let Some(allocations) = allocations else {
        return Ok(Instruction::OldestDueFirst);
    };
    let mut lines = Vec::with_capacity(allocations.len());
    for (index, line) in allocations.iter().enumerate() {
        let field = |name: &str| format!("input.allocations[{index}].{name}");
        // An id that is not a UUID cannot be an open invoice: same answer as any other.
        let invoice = line.invoice_id.parse::<Uuid>().unwrap_or(Uuid::nil());
        let amount = parse_amount(&field("amount"), &line.amount, currency, false)?;
        lines.push((invoice, amount));
    }
    Ok(Instruction::Explicit(lines))
}

fn allocation_error(error: AllocationError) -> AppError {
    let field = match &error {
        AllocationError::NotOpen { index } | AllocationError::Duplicate { index } => {
            format!("input.allocations[{index}].invoiceId")
        }
        AllocationError::LineNotPositive { index }
        | AllocationError::AboveBalance { index, .. } => {
            format!("input.allocations[{index}].amount")
        }
        AllocationError::AboveAmount { .. } => "input.allocations".to_owned(),
        AllocationError::NotPositive => "input.amount".to_owned(),
    };
    AppError::validation(field, error)
}

/// Writes allocation rows and moves the invoices' paid amounts; invoices are locked already.
async fn write_allocations(
    tx: &TenantTx,
    lines: &[(Uuid, Uuid, Decimal)],
    actor: &Actor,
    batch: Uuid,
) -> Result<Vec<Uuid>, AppError> {
    let mut ids = Vec::with_capacity(lines.len());
    for (payment, invoice, amount) in lines {
        ids.push(append_allocation(&**tx, *payment, *invoice, *amount, None, actor, batch).await?);
    }
    Ok(ids)
}

/// Appends one allocation (with `reverses`, the negative one undoing it) and moves the
/// invoice's paid amount; the invoice is locked already. The row trigger fills in the
/// payment's received date (migration `allocation_dates`), which the invoice keeps as its
/// last payment date.
async fn append_allocation(
    conn: &impl ConnectionTrait,
    payment: Uuid,
    invoice: Uuid,
    amount: Decimal,
    reverses: Option<Uuid>,
    actor: &Actor,
    batch: Uuid,
) -> Result<Uuid, AppError> {
    let id = Uuid::now_v7();
    let received_on: NaiveDate = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO allocations (id, payment_id, invoice_id, amount, reverses_id, actor_label, batch_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING received_on",
            [
                id.into(),
                payment.into(),
                invoice.into(),
                amount.into(),
                reverses.into(),
                actor.label().to_owned().into(),
                batch.into(),
            ],
        ))
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("an allocation returned nothing")))?
        .try_get("", "received_on")?;
    invoice_store::add_paid(conn, invoice, amount, received_on).await?;
    Ok(id)
}

struct Locked {
    tx: TenantTx,
    today: NaiveDate,
    customer: CustomerRow,
}

/// The tenant transaction with the customer's row locked; `NOT_FOUND` outside the tenant.
async fn lock_customer(
    db: &DatabaseConnection,
    caller: &Caller,
    customer_id: Uuid,
) -> Result<Locked, AppError> {
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let customer = customers::customer_for_update(&*tx, calendar.today, customer_id)
        .await?
        .ok_or_else(|| AppError::not_found("No such customer."))?;
    Ok(Locked {
        tx,
        today: calendar.today,
        customer,
    })
}

fn audit_entry<'a>(
    actor: Actor,
    action: &'a str,
    payment: &Payment,
    request_id: &'a str,
) -> AuditEntry<'a> {
    AuditEntry {
        actor,
        action,
        entity_type: "payment",
        entity_id: Some(payment.id.to_string()),
        before: None,
        after: Some(serde_json::json!({
            "customerId": payment.customer.id.to_string(),
            "amount": payment.amount.amount,
            "currency": payment.currency,
            "allocated": payment.allocated.amount,
            "unapplied": payment.unapplied.amount,
            "reversed": payment.reversed,
        })),
        request_id: Some(request_id),
    }
}

fn allocations_digest(allocations: Option<&[AllocationInput]>) -> String {
    allocations
        .map(|lines| {
            lines
                .iter()
                .map(|line| format!("{}={}", line.invoice_id.as_str(), line.amount.trim()))
                .collect::<Vec<_>>()
                .join(";")
        })
        .unwrap_or_else(|| "oldest-due-first".to_owned())
}

pub async fn record_payment(
    db: &DatabaseConnection,
    caller: &Caller,
    input: RecordPaymentInput,
    request_id: &str,
) -> Result<Payment, AppError> {
    caller.authorize(Permission::ManagePayments)?;
    let not_found = || AppError::not_found("No such customer.");
    let customer_id = input.customer_id.parse::<Uuid>().map_err(|_| not_found())?;
    let currency = parse_currency("input.currency", &input.currency)?;
    let amount = parse_amount("input.amount", &input.amount, currency, false)?;
    let reference = optional_text("input.reference", input.reference.as_deref(), 200)?;
    let key = key_input(input.idempotency_key.as_deref())?;
    let how = instruction(input.allocations.as_deref(), currency)?;
    let actor = audit::actor_of(db, caller).await?;

    let Locked {
        tx,
        today,
        customer,
    } = lock_customer(db, caller, customer_id).await?;
    let received_on = input.received_on.map(|d| d.0).unwrap_or(today);
    if received_on > today {
        return Err(AppError::validation(
            "input.receivedOn",
            "a payment cannot be received in the future",
        ));
    }
    let digest = idempotency::digest(&[
        &customer_id.to_string(),
        &amount.normalize().to_string(),
        currency.code(),
        // As sent: a retry after midnight without a date is the same request.
        &input
            .received_on
            .map(|d| d.0.to_string())
            .unwrap_or_else(|| "today".to_owned()),
        input.method.as_str(),
        reference.as_deref().unwrap_or(""),
        &allocations_digest(input.allocations.as_deref()),
    ]);
    if let Some(key) = &key
        && let Some(existing) = idempotency::replay(&*tx, key, "recordPayment", &digest).await?
    {
        let payment = reload(&tx, existing).await?;
        tx.commit().await?;
        return Ok(payment);
    }
    let open = lock_open_items(&tx, customer.id, currency.code()).await?;
    let split = allocate(amount, &open, &how).map_err(allocation_error)?;
    let id = Uuid::now_v7();
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO payments (id, customer_id, amount, currency, received_on, method, reference, actor_label)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        [
            id.into(),
            customer.id.into(),
            amount.into(),
            currency.code().to_owned().into(),
            received_on.into(),
            input.method.as_str().into(),
            reference.into(),
            actor.label().to_owned().into(),
        ],
    ))
    .await?;
    let lines: Vec<(Uuid, Uuid, Decimal)> = split
        .lines
        .iter()
        .map(|(invoice, part)| (id, *invoice, *part))
        .collect();
    write_allocations(&tx, &lines, &actor, Uuid::now_v7()).await?;
    if let Some(key) = &key {
        idempotency::remember(&*tx, key, "recordPayment", &digest, id).await?;
    }
    let payment = reload(&tx, id).await?;
    audit::record(
        &*tx,
        tx.tenant(),
        audit_entry(actor, "payment.recorded", &payment, request_id),
    )
    .await?;
    // A payment changes how the customer pays: its rating follows at once.
    crate::analytics::ratings::rate_customers(&*tx, today, Some(customer.id)).await?;
    tx.commit().await?;
    Ok(payment)
}

/// A payment a provider reports (Stripe), recorded in the caller's transaction: locks the
/// customer, records it with `method`, and allocates it to `invoice` first when given (up to
/// its balance), then to the oldest due invoices; what is left stays as unapplied credit.
/// Returns the payment's id, or `None` when the customer is not in this company.
#[allow(clippy::too_many_arguments)]
pub async fn record_provider_payment(
    tx: &TenantTx,
    today: NaiveDate,
    customer_id: Uuid,
    amount: Decimal,
    currency: Currency,
    method: PaymentMethod,
    reference: &str,
    invoice: Option<Uuid>,
) -> Result<Option<Uuid>, AppError> {
    let Some(customer) = customers::customer_for_update(&**tx, today, customer_id).await? else {
        return Ok(None);
    };
    let open = lock_open_items(tx, customer.id, currency.code()).await?;
    let how = match invoice.and_then(|id| open.iter().find(|item| item.invoice_id == id)) {
        Some(item) => {
            let first = item.balance.min(amount);
            let mut lines = vec![(item.invoice_id, first)];
            let rest = amount - first;
            if rest > Decimal::ZERO {
                let others: Vec<OpenItem> = open
                    .iter()
                    .filter(|other| other.invoice_id != item.invoice_id)
                    .cloned()
                    .collect();
                let more = allocate(rest, &others, &Instruction::OldestDueFirst)
                    .map_err(allocation_error)?;
                lines.extend(more.lines);
            }
            Instruction::Explicit(lines)
        }
        None => Instruction::OldestDueFirst,
    };
    let split = allocate(amount, &open, &how).map_err(allocation_error)?;
    let id = Uuid::now_v7();
    let actor = Actor::System;
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO payments (id, customer_id, amount, currency, received_on, method, reference, actor_label)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        [
            id.into(),
            customer.id.into(),
            amount.into(),
            currency.code().to_owned().into(),
            today.into(),
            method.as_str().into(),
            reference.to_owned().into(),
            actor.label().to_owned().into(),
        ],
    ))
    .await?;
    let lines: Vec<(Uuid, Uuid, Decimal)> = split
        .lines
        .iter()
        .map(|(invoice, part)| (id, *invoice, *part))
        .collect();
    write_allocations(tx, &lines, &actor, Uuid::now_v7()).await?;
    let payment = reload(tx, id).await?;
    audit::record(
        &**tx,
        tx.tenant(),
        audit_entry(actor, "payment.recorded", &payment, ""),
    )
    .await?;
    crate::analytics::ratings::rate_customers(&**tx, today, Some(customer.id)).await?;
    Ok(Some(id))
}

pub async fn allocate_payment(
    db: &DatabaseConnection,
    caller: &Caller,
    input: AllocatePaymentInput,
    request_id: &str,
) -> Result<Payment, AppError> {
    caller.authorize(Permission::ManagePayments)?;
    let tenant = caller.require_tenant()?;
    let not_found = || AppError::not_found("No such payment.");
    let payment_id = input.payment_id.parse::<Uuid>().map_err(|_| not_found())?;
    let key = key_input(input.idempotency_key.as_deref())?;
    let actor = audit::actor_of(db, caller).await?;
    // Find the customer to lock first, outside the locking transaction.
    let customer_id = {
        let tx = TenantTx::begin(db, tenant).await?;
        let row = load_payment(&*tx, payment_id)
            .await?
            .ok_or_else(not_found)?;
        tx.commit().await?;
        row.customer_id
    };
    let Locked { tx, .. } = lock_customer(db, caller, customer_id).await?;
    let row = load_payment(&*tx, payment_id)
        .await?
        .ok_or_else(not_found)?;
    let digest = idempotency::digest(&[
        &payment_id.to_string(),
        &allocations_digest(input.allocations.as_deref()),
    ]);
    if let Some(key) = &key
        && let Some(existing) = idempotency::replay(&*tx, key, "allocatePayment", &digest).await?
    {
        let payment = reload(&tx, existing).await?;
        tx.commit().await?;
        return Ok(payment);
    }
    if row.reversed_at.is_some() {
        return Err(AppError::conflict(
            "input.paymentId",
            "The payment was reversed.",
        ));
    }
    let unapplied = row.amount - row.allocated;
    if unapplied <= Decimal::ZERO {
        return Err(AppError::conflict(
            "input.paymentId",
            "The payment is fully allocated already.",
        ));
    }
    let currency = parse_currency("input.paymentId", &row.currency)?;
    let how = instruction(input.allocations.as_deref(), currency)?;
    let open = lock_open_items(&tx, customer_id, &row.currency).await?;
    let split = allocate(unapplied, &open, &how).map_err(allocation_error)?;
    if split.lines.is_empty() {
        return Err(AppError::conflict(
            "input.paymentId",
            "The customer has no open invoices in this currency.",
        ));
    }
    let lines: Vec<(Uuid, Uuid, Decimal)> = split
        .lines
        .iter()
        .map(|(invoice, part)| (payment_id, *invoice, *part))
        .collect();
    write_allocations(&tx, &lines, &actor, Uuid::now_v7()).await?;
    if let Some(key) = &key {
        idempotency::remember(&*tx, key, "allocatePayment", &digest, payment_id).await?;
    }
    let payment = reload(&tx, payment_id).await?;
    audit::record(
        &*tx,
        tx.tenant(),
        audit_entry(actor, "payment.allocated", &payment, request_id),
    )
    .await?;
    tx.commit().await?;
    Ok(payment)
}

#[derive(Debug, FromQueryResult)]
struct Unapplied {
    id: Uuid,
    unapplied: Decimal,
}

pub async fn apply_credit(
    db: &DatabaseConnection,
    caller: &Caller,
    input: ApplyCreditInput,
    request_id: &str,
) -> Result<(Customer, Vec<Allocation>), AppError> {
    caller.authorize(Permission::ManagePayments)?;
    let not_found = || AppError::not_found("No such customer.");
    let customer_id = input.customer_id.parse::<Uuid>().map_err(|_| not_found())?;
    let key = key_input(input.idempotency_key.as_deref())?;
    let actor = audit::actor_of(db, caller).await?;
    let Locked {
        tx,
        customer,
        today,
    } = lock_customer(db, caller, customer_id).await?;
    let currency = parse_currency(
        "input.currency",
        input.currency.as_deref().unwrap_or(&customer.currency),
    )?;
    let digest = idempotency::digest(&[
        &customer_id.to_string(),
        currency.code(),
        &allocations_digest(input.allocations.as_deref()),
    ]);
    let replayed = match &key {
        Some(key) => idempotency::replay(&*tx, key, "applyCredit", &digest).await?,
        None => None,
    };
    // A retry with the key gets the first request's allocations: the batch it wrote.
    let batch = match replayed {
        Some(batch) => batch,
        None => {
            // The customer's unapplied money, oldest payment first.
            let sources = Unapplied::find_by_statement(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT p.id, p.amount - coalesce((SELECT sum(a.amount) FROM allocations a WHERE a.payment_id = p.id), 0) AS unapplied
                 FROM payments p
                 WHERE p.customer_id = $1 AND p.currency = $2
                   AND NOT EXISTS (SELECT 1 FROM payment_reversals r WHERE r.payment_id = p.id)
                 ORDER BY p.received_on, p.created_at, p.id",
                [customer_id.into(), currency.code().to_owned().into()],
            ))
            .all(&*tx)
            .await?
            .into_iter()
            .filter(|source| source.unapplied > Decimal::ZERO)
            .collect::<Vec<_>>();
            let available: Decimal = sources.iter().map(|source| source.unapplied).sum();
            if available <= Decimal::ZERO {
                return Err(AppError::conflict(
                    "input.customerId",
                    format!("The customer has no unapplied credit in {currency}."),
                ));
            }
            let how = instruction(input.allocations.as_deref(), currency)?;
            let open = lock_open_items(&tx, customer_id, currency.code()).await?;
            let split = allocate(available, &open, &how).map_err(allocation_error)?;
            if split.lines.is_empty() {
                return Err(AppError::conflict(
                    "input.customerId",
                    "The customer has no open invoices in this currency.",
                ));
            }
            // Each invoice's part is funded from the oldest payments first.
            let mut funds: Vec<(Uuid, Decimal)> = sources
                .iter()
                .map(|source| (source.id, source.unapplied))
                .collect();
            let mut lines = Vec::new();
            for (invoice, mut needed) in split.lines {
                for (payment, left) in funds.iter_mut() {
                    if needed.is_zero() {
                        break;
                    }
                    let part = needed.min(*left);
                    if part > Decimal::ZERO {
                        lines.push((*payment, invoice, part));
                        *left -= part;
                        needed -= part;
                    }
                }
            }
            let batch = Uuid::now_v7();
            write_allocations(&tx, &lines, &actor, batch).await?;
            if let Some(key) = &key {
                idempotency::remember(&*tx, key, "applyCredit", &digest, batch).await?;
            }
            audit::record(
                &*tx,
                tx.tenant(),
                AuditEntry {
                    actor,
                    action: "customer.credit_applied",
                    entity_type: "customer",
                    entity_id: Some(customer_id.to_string()),
                    before: None,
                    after: Some(serde_json::json!({
                        "currency": currency.code(),
                        "allocations": lines.iter().map(|(payment, invoice, amount)| serde_json::json!({
                            "paymentId": payment.to_string(), "invoiceId": invoice.to_string(), "amount": amount.to_string(),
                        })).collect::<Vec<_>>(),
                    })),
                    request_id: Some(request_id),
                },
            )
            .await?;
            batch
        }
    };
    let made = invoice_store::allocations_by(&*tx, "batch_id", &[batch])
        .await?
        .into_iter()
        .map(allocation)
        .collect();
    let customer = customer_in_tx(db, &tx, today, customer_id).await?;
    tx.commit().await?;
    Ok((customer, made))
}

#[derive(Debug, FromQueryResult)]
struct Live {
    id: Uuid,
    invoice_id: Uuid,
    amount: Decimal,
}

pub async fn reverse_payment(
    db: &DatabaseConnection,
    caller: &Caller,
    input: ReversePaymentInput,
    request_id: &str,
) -> Result<Payment, AppError> {
    caller.authorize(Permission::ManagePayments)?;
    let tenant = caller.require_tenant()?;
    let reason = required_text("input.reason", &input.reason, 500)?;
    let key = key_input(input.idempotency_key.as_deref())?;
    let not_found = || AppError::not_found("No such payment.");
    let payment_id = input.payment_id.parse::<Uuid>().map_err(|_| not_found())?;
    let actor = audit::actor_of(db, caller).await?;
    let customer_id = {
        let tx = TenantTx::begin(db, tenant).await?;
        let row = load_payment(&*tx, payment_id)
            .await?
            .ok_or_else(not_found)?;
        tx.commit().await?;
        row.customer_id
    };
    let Locked { tx, today, .. } = lock_customer(db, caller, customer_id).await?;
    let digest = idempotency::digest(&[&payment_id.to_string(), &reason]);
    if let Some(key) = &key
        && let Some(existing) = idempotency::replay(&*tx, key, "reversePayment", &digest).await?
    {
        let payment = reload(&tx, existing).await?;
        tx.commit().await?;
        return Ok(payment);
    }
    let row = load_payment(&*tx, payment_id)
        .await?
        .ok_or_else(not_found)?;
    if row.reversed_at.is_some() {
        return Err(AppError::conflict(
            "input.paymentId",
            "The payment was reversed already.",
        ));
    }
    // Allocations not yet undone, with their invoices locked (in id order).
    let live = Live::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT a.id, a.invoice_id, a.amount FROM allocations a
         JOIN invoices i ON i.id = a.invoice_id
         WHERE a.payment_id = $1 AND a.amount > 0
           AND NOT EXISTS (SELECT 1 FROM allocations r WHERE r.reverses_id = a.id)
         ORDER BY i.id FOR UPDATE OF i",
        [payment_id.into()],
    ))
    .all(&*tx)
    .await?;
    // A written-off invoice takes its money back into the loss (see `invoice_store::add_paid`);
    // nothing can be allocated to a void one.
    let batch = Uuid::now_v7();
    for allocation in &live {
        append_allocation(
            &*tx,
            payment_id,
            allocation.invoice_id,
            -allocation.amount,
            Some(allocation.id),
            &actor,
            batch,
        )
        .await?;
    }
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO payment_reversals (payment_id, reason, actor_label) VALUES ($1, $2, $3)",
        [
            payment_id.into(),
            reason.into(),
            actor.label().to_owned().into(),
        ],
    ))
    .await?;
    if let Some(key) = &key {
        idempotency::remember(&*tx, key, "reversePayment", &digest, payment_id).await?;
    }
    let payment = reload(&tx, payment_id).await?;
    audit::record(
        &*tx,
        tx.tenant(),
        audit_entry(actor, "payment.reversed", &payment, request_id),
    )
    .await?;
    crate::analytics::ratings::rate_customers(&*tx, today, Some(customer_id)).await?;
    tx.commit().await?;
    Ok(payment)
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

pub async fn list_payments(
    db: &DatabaseConnection,
    caller: &Caller,
    first: Option<i32>,
    after: Option<String>,
    filter: PaymentFilter,
    with_allocations: bool,
) -> Result<PaymentConnection, AppError> {
    let access = caller.authorize(Permission::ViewPayments)?;
    let tenant = caller.require_tenant()?;
    let first = page_size(first)?;
    let offset = parse_offset_cursor("payments", after.as_deref())?;
    let mut conditions = Conditions::new(Vec::new());
    assigned_only(caller, access, &mut conditions, "c.");
    if let Some(customer) = &filter.customer_id {
        conditions.push(
            "p.customer_id = ?",
            parse_id("filter.customerId", customer)?,
        );
    }
    if let Some(method) = filter.method {
        conditions.push("p.method = ?", method.as_str());
    }
    if let Some(currency) = &filter.currency {
        conditions.push(
            "p.currency = ?",
            parse_currency("filter.currency", currency)?
                .code()
                .to_owned(),
        );
    }
    if let Some(Date(from)) = filter.received_from {
        conditions.push("p.received_on >= ?", from);
    }
    if let Some(Date(to)) = filter.received_to {
        conditions.push("p.received_on <= ?", to);
    }
    if filter.include_reversed == Some(false) {
        conditions.fixed("r.payment_id IS NULL");
    }
    if filter.has_unapplied == Some(true) {
        conditions.fixed(
            "r.payment_id IS NULL AND p.amount > coalesce((SELECT sum(a.amount) FROM allocations a WHERE a.payment_id = p.id), 0)",
        );
    }
    let filtered = conditions.sql();
    let mut values = conditions.values;
    let count_values = values.clone();
    values.push(((first + 1) as i64).into());
    values.push((offset as i64).into());
    let page_sql = format!(
        "SELECT {PAYMENT_COLUMNS} FROM {PAYMENTS_FROM} WHERE {filtered}
         ORDER BY p.received_on DESC, p.created_at DESC, p.id DESC LIMIT ${} OFFSET ${}",
        values.len() - 1,
        values.len()
    );
    let count_sql = format!("SELECT count(*) AS n FROM {PAYMENTS_FROM} WHERE {filtered}");
    let tx = TenantTx::begin(db, tenant).await?;
    let mut rows = PaymentRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        page_sql,
        values,
    ))
    .all(&*tx)
    .await?;
    let total = count(&tx, count_sql, count_values).await?;
    let has_next = rows.len() > first;
    rows.truncate(first);
    let payments = assemble(&*tx, rows, with_allocations).await?;
    tx.commit().await?;
    Ok(offset_connection(
        "payments", payments, has_next, offset, total,
    ))
}

pub async fn find_payment(
    db: &DatabaseConnection,
    caller: &Caller,
    id: &ID,
) -> Result<Option<Payment>, AppError> {
    let access = caller.authorize(Permission::ViewPayments)?;
    let tenant = caller.require_tenant()?;
    let Ok(id) = id.parse::<Uuid>() else {
        return Ok(None);
    };
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let row = load_payment(&*tx, id).await?;
    let visible = match &row {
        Some(row) if access != Access::All => {
            customers::load_customer(&*tx, calendar.today, row.customer_id)
                .await?
                .is_some_and(|customer| crate::auth::visible_to(caller, access, &customer))
        }
        Some(_) => true,
        None => false,
    };
    let found = match row {
        Some(row) if visible => assemble(&*tx, vec![row], true).await?.pop(),
        _ => None,
    };
    tx.commit().await?;
    Ok(found)
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
        Ok(PaymentPayload { payment })
    }

    /// Allocates what is left of one payment.
    async fn allocate_payment(
        &self,
        ctx: &Context<'_>,
        input: AllocatePaymentInput,
    ) -> ApiResult<PaymentPayload> {
        let payment = command!(ctx, allocate_payment, input);
        Ok(PaymentPayload { payment })
    }

    /// Applies the customer's unapplied credit (oldest payments first) to open invoices.
    async fn apply_credit(
        &self,
        ctx: &Context<'_>,
        input: ApplyCreditInput,
    ) -> ApiResult<ApplyCreditPayload> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        let (customer, allocations) = apply_credit(db, &request.caller, input, &request.request_id)
            .await
            .api()?;
        let may_read_customers = request.caller.authorize(Permission::ViewCustomers).is_ok();
        Ok(ApplyCreditPayload {
            customer: may_read_customers.then_some(customer),
            allocations,
        })
    }

    /// Reverses a payment and every allocation it made; nothing is edited or deleted.
    async fn reverse_payment(
        &self,
        ctx: &Context<'_>,
        input: ReversePaymentInput,
    ) -> ApiResult<PaymentPayload> {
        let payment = command!(ctx, reverse_payment, input);
        Ok(PaymentPayload { payment })
    }
}
