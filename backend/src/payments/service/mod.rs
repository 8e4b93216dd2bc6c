//! The payments use cases: record, allocate, apply credit, reverse, provider payments, list, find.

use super::commands::{
    AllocatePayment, AllocationLine, ApplyCredit, ProviderPayment, RecordPayment, ReversePayment,
};
use super::errors::PaymentError;
use super::idempotency::{self, key_input};
use super::store::{self, ListFilter, NewPayment, PaymentRow};
use crate::api::pagination::{Page, PageRequest};
use crate::api::values::parse_amount;
use crate::approval_gate::{self, Asked, Asking, Gated, InTx, Passage};
use crate::audit::{self, Actor, AuditEntry};
use crate::auth::Caller;
use crate::customers::{self, CustomerRow};
use crate::db::{self, TenantTx};
use crate::error::AppError;
use crate::invoices::store::{self as invoice_store, AllocationRow};
use chrono::NaiveDate;
use domain::Currency;
use domain::access::{Access, Permission};
use domain::allocation::{Allocation, AllocationError, Instruction, OpenItem, allocate};
use domain::approvals::{ApprovalAction, Compared};
use domain::display::amount_string as amount_text;
use rust_decimal::Decimal;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

pub mod bank;

/// A payment with every allocation and reversal of one, in order (when asked for).
#[derive(Debug, Clone)]
pub struct PaymentDetail {
    pub row: PaymentRow,
    pub allocations: Vec<AllocationRow>,
}

/// What `apply_credit` did: the customer and the allocations it made.
#[derive(Debug, Clone)]
pub struct CreditApplied {
    pub customer_id: Uuid,
    pub allocations: Vec<AllocationRow>,
}

async fn assemble(
    conn: &impl sea_orm::ConnectionTrait,
    rows: Vec<PaymentRow>,
    with_allocations: bool,
) -> Result<Vec<PaymentDetail>, AppError> {
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
                .collect();
            PaymentDetail {
                row,
                allocations: mine,
            }
        })
        .collect())
}

async fn reload(tx: &TenantTx, id: Uuid) -> Result<PaymentDetail, AppError> {
    let row = store::load_payment(&**tx, id)
        .await?
        .ok_or_else(|| AppError::from(PaymentError::NotFound))?;
    assemble(&**tx, vec![row], true)
        .await?
        .pop()
        .ok_or_else(|| AppError::from(PaymentError::NotFound))
}

/// Where the caller asked the money to go, with amounts checked: oldest due first, or lines
/// whose invoice id is `None` when the text sent is not an id.
enum Requested {
    OldestDueFirst,
    Explicit(Vec<(Option<Uuid>, Decimal)>),
}

fn instruction(
    allocations: Option<&[AllocationLine]>,
    currency: Currency,
) -> Result<Requested, AppError> {
    let Some(allocations) = allocations else {
        return Ok(Requested::OldestDueFirst);
    };
    let mut lines = Vec::with_capacity(allocations.len());
    for (index, line) in allocations.iter().enumerate() {
        let field = |name: &str| format!("input.allocations[{index}].{name}");
        let invoice = line.invoice_id.parse::<Uuid>().ok();
        let amount = parse_amount(&field("amount"), &line.amount, currency, false)?;
        lines.push((invoice, amount));
    }
    Ok(Requested::Explicit(lines))
}

/// Splits `amount` over `open` as requested. An id that is not a UUID cannot be an open
/// invoice: its line gets the same answer as any other invoice that is not open, once the
/// lines before it are checked as `allocate` checks them.
fn split(
    amount: Decimal,
    open: &[OpenItem],
    requested: &Requested,
) -> Result<Allocation, AllocationError> {
    let lines = match requested {
        Requested::OldestDueFirst => return allocate(amount, open, &Instruction::OldestDueFirst),
        Requested::Explicit(lines) => lines,
    };
    let known: Vec<(Uuid, Decimal)> = lines
        .iter()
        .map_while(|(invoice, part)| invoice.map(|invoice| (invoice, *part)))
        .collect();
    if known.len() == lines.len() {
        return allocate(amount, open, &Instruction::Explicit(known));
    }
    let index = known.len();
    match allocate(amount, open, &Instruction::Explicit(known)) {
        // The sum of all lines is checked after every line, this one included.
        Ok(_) | Err(AllocationError::AboveAmount { .. }) => {}
        Err(error) => return Err(error),
    }
    if lines[index].1 <= Decimal::ZERO {
        return Err(AllocationError::LineNotPositive { index });
    }
    Err(AllocationError::NotOpen { index })
}

fn allocation_error(error: AllocationError) -> AppError {
    PaymentError::Allocation(error).into()
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
        .ok_or_else(|| AppError::from(PaymentError::CustomerNotFound))?;
    Ok(Locked {
        tx,
        today: calendar.today,
        customer,
    })
}

fn audit_entry<'a>(
    actor: Actor,
    action: &'a str,
    payment: &PaymentDetail,
    request_id: &'a str,
) -> AuditEntry<'a> {
    let row = &payment.row;
    payment_entry(
        actor,
        action,
        PaymentFacts {
            id: row.id,
            customer_id: row.customer_id,
            amount: row.amount,
            currency: row.currency,
            allocated: row.allocated,
            reversed: row.reversed(),
        },
        request_id,
    )
}

/// What the audit log keeps of a payment.
struct PaymentFacts {
    id: Uuid,
    customer_id: Uuid,
    amount: Decimal,
    currency: Currency,
    allocated: Decimal,
    reversed: bool,
}

fn payment_entry<'a>(
    actor: Actor,
    action: &'a str,
    payment: PaymentFacts,
    request_id: &'a str,
) -> AuditEntry<'a> {
    let currency = payment.currency.code();
    let unapplied = if payment.reversed {
        Decimal::ZERO
    } else {
        payment.amount - payment.allocated
    };
    AuditEntry {
        actor,
        action,
        entity_type: "payment",
        entity_id: Some(payment.id.to_string()),
        before: None,
        after: Some(serde_json::json!({
            "customerId": payment.customer_id.to_string(),
            "amount": amount_text(payment.amount, currency),
            "currency": currency,
            "allocated": amount_text(payment.allocated, currency),
            "unapplied": amount_text(unapplied, currency),
            "reversed": payment.reversed,
        })),
        request_id: Some(request_id),
    }
}

fn allocations_digest(allocations: Option<&[AllocationLine]>) -> String {
    allocations
        .map(|lines| {
            lines
                .iter()
                .map(|line| format!("{}={}", line.invoice_id, line.amount.trim()))
                .collect::<Vec<_>>()
                .join(";")
        })
        .unwrap_or_else(|| "oldest-due-first".to_owned())
}

pub async fn record_payment(
    db: &DatabaseConnection,
    caller: &Caller,
    command: RecordPayment,
    request_id: &str,
) -> Result<PaymentDetail, AppError> {
    caller.authorize(Permission::ManagePayments)?;
    let RecordPayment {
        customer_id,
        amount,
        currency,
        received_on: received_on_sent,
        method,
        reference,
        allocations,
        idempotency_key,
    } = command;
    let key = key_input(idempotency_key.as_deref())?;
    let how = instruction(allocations.as_deref(), currency)?;
    let actor = audit::actor_of(db, caller).await?;

    let Locked {
        tx,
        today,
        customer,
    } = lock_customer(db, caller, customer_id).await?;
    let received_on = received_on_sent.unwrap_or(today);
    if received_on > today {
        return Err(PaymentError::ReceivedInFuture { today }.into());
    }
    let digest = idempotency::digest(&[
        &customer_id.to_string(),
        &amount.normalize().to_string(),
        currency.code(),
        // As sent: a retry after midnight without a date is the same request.
        &received_on_sent
            .map(|d| d.to_string())
            .unwrap_or_else(|| "today".to_owned()),
        method.as_str(),
        reference.as_deref().unwrap_or(""),
        &allocations_digest(allocations.as_deref()),
    ]);
    if let Some(key) = &key
        && let Some(existing) = idempotency::replay(&*tx, key, "recordPayment", &digest).await?
    {
        let payment = reload(&tx, existing).await?;
        tx.commit().await?;
        return Ok(payment);
    }
    let open = store::lock_open_items(&*tx, customer.id, currency).await?;
    let split = split(amount, &open, &how).map_err(allocation_error)?;
    let id = Uuid::now_v7();
    store::insert_payment(
        &*tx,
        NewPayment {
            id,
            customer_id: customer.id,
            amount,
            currency,
            received_on,
            method,
            reference,
            actor: &actor,
            bank_transaction_id: None,
        },
    )
    .await?;
    let lines: Vec<(Uuid, Uuid, Decimal)> = split
        .lines
        .iter()
        .map(|(invoice, part)| (id, *invoice, *part))
        .collect();
    store::write_allocations(&tx, &lines, &actor, Uuid::now_v7()).await?;
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
pub async fn record_provider_payment(
    tx: &TenantTx,
    today: NaiveDate,
    command: ProviderPayment,
) -> Result<Option<Uuid>, AppError> {
    let ProviderPayment {
        customer_id,
        amount,
        currency,
        method,
        reference,
        invoice,
    } = command;
    let Some(customer) = customers::customer_for_update(&**tx, today, customer_id).await? else {
        return Ok(None);
    };
    let open = store::lock_open_items(&**tx, customer.id, currency).await?;
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
    store::insert_payment(
        &**tx,
        NewPayment {
            id,
            customer_id: customer.id,
            amount,
            currency,
            received_on: today,
            method,
            reference: Some(reference),
            actor: &actor,
            bank_transaction_id: None,
        },
    )
    .await?;
    let lines: Vec<(Uuid, Uuid, Decimal)> = split
        .lines
        .iter()
        .map(|(invoice, part)| (id, *invoice, *part))
        .collect();
    store::write_allocations(tx, &lines, &actor, Uuid::now_v7()).await?;
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

/// The customer a payment is of, read before the locking transaction (customer first).
async fn customer_of_payment(
    db: &DatabaseConnection,
    caller: &Caller,
    payment_id: Uuid,
) -> Result<Uuid, AppError> {
    let tenant = caller.require_tenant()?;
    let tx = TenantTx::begin(db, tenant).await?;
    let row = store::load_payment(&*tx, payment_id)
        .await?
        .ok_or_else(|| AppError::from(PaymentError::NotFound))?;
    tx.commit().await?;
    Ok(row.customer_id)
}

pub async fn allocate_payment(
    db: &DatabaseConnection,
    caller: &Caller,
    command: AllocatePayment,
    request_id: &str,
) -> Result<PaymentDetail, AppError> {
    caller.authorize(Permission::ManagePayments)?;
    let not_found = || AppError::from(PaymentError::NotFound);
    let AllocatePayment {
        payment_id,
        allocations,
        idempotency_key,
    } = command;
    let key = key_input(idempotency_key.as_deref())?;
    let actor = audit::actor_of(db, caller).await?;
    // Find the customer to lock first, outside the locking transaction.
    let customer_id = customer_of_payment(db, caller, payment_id).await?;
    let Locked { tx, .. } = lock_customer(db, caller, customer_id).await?;
    let row = store::load_payment(&*tx, payment_id)
        .await?
        .ok_or_else(not_found)?;
    let digest = idempotency::digest(&[
        &payment_id.to_string(),
        &allocations_digest(allocations.as_deref()),
    ]);
    if let Some(key) = &key
        && let Some(existing) = idempotency::replay(&*tx, key, "allocatePayment", &digest).await?
    {
        let payment = reload(&tx, existing).await?;
        tx.commit().await?;
        return Ok(payment);
    }
    if row.reversed_at.is_some() {
        return Err(PaymentError::Reversed.into());
    }
    let unapplied = row.amount - row.allocated;
    if unapplied <= Decimal::ZERO {
        return Err(PaymentError::FullyAllocated.into());
    }
    let how = instruction(allocations.as_deref(), row.currency)?;
    let open = store::lock_open_items(&*tx, customer_id, row.currency).await?;
    let split = split(unapplied, &open, &how).map_err(allocation_error)?;
    if split.lines.is_empty() {
        return Err(PaymentError::NoOpenInvoicesToAllocate.into());
    }
    let lines: Vec<(Uuid, Uuid, Decimal)> = split
        .lines
        .iter()
        .map(|(invoice, part)| (payment_id, *invoice, *part))
        .collect();
    store::write_allocations(&tx, &lines, &actor, Uuid::now_v7()).await?;
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

pub async fn apply_credit(
    db: &DatabaseConnection,
    caller: &Caller,
    command: ApplyCredit,
    request_id: &str,
) -> Result<CreditApplied, AppError> {
    caller.authorize(Permission::ManagePayments)?;
    let ApplyCredit {
        customer_id,
        currency,
        allocations,
        idempotency_key,
    } = command;
    let key = key_input(idempotency_key.as_deref())?;
    let actor = audit::actor_of(db, caller).await?;
    let Locked { tx, customer, .. } = lock_customer(db, caller, customer_id).await?;
    let currency = match currency {
        Some(currency) => currency,
        None => customer.currency,
    };
    let digest = idempotency::digest(&[
        &customer_id.to_string(),
        currency.code(),
        &allocations_digest(allocations.as_deref()),
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
            let sources = store::unapplied_payments(&*tx, customer_id, currency)
                .await?
                .into_iter()
                .filter(|source| source.unapplied > Decimal::ZERO)
                .collect::<Vec<_>>();
            let available: Decimal = sources.iter().map(|source| source.unapplied).sum();
            if available <= Decimal::ZERO {
                return Err(PaymentError::NoUnappliedCredit { currency }.into());
            }
            let how = instruction(allocations.as_deref(), currency)?;
            let open = store::lock_open_items(&*tx, customer_id, currency).await?;
            let split = split(available, &open, &how).map_err(allocation_error)?;
            if split.lines.is_empty() {
                return Err(PaymentError::NoOpenInvoicesForCredit.into());
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
            store::write_allocations(&tx, &lines, &actor, batch).await?;
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
    let made = invoice_store::allocations_by(&*tx, "batch_id", &[batch]).await?;
    tx.commit().await?;
    Ok(CreditApplied {
        customer_id,
        allocations: made,
    })
}

pub async fn reverse_payment(
    db: &DatabaseConnection,
    caller: &Caller,
    asking: Asking<ReversePayment>,
    request_id: &str,
) -> Result<Gated<PaymentDetail>, AppError> {
    approval_gate::run_gated(
        db,
        caller,
        Permission::ManagePayments,
        asking,
        request_id,
        run_reverse_payment,
    )
    .await
}

/// Reverses the payment in `tx` (every live allocation undone), unless the reversal waits for
/// approval (then the payment as it stands, and the request).
pub async fn run_reverse_payment(
    at: &InTx<'_>,
    command: &ReversePayment,
    asked: Asked,
) -> Result<Gated<PaymentDetail>, AppError> {
    let InTx {
        db: _,
        tx,
        today,
        caller,
        actor,
        request_id,
    } = *at;
    caller.authorize(Permission::ManagePayments)?;
    let ReversePayment {
        payment_id,
        reason,
        idempotency_key,
    } = command.clone();
    let key = key_input(idempotency_key.as_deref())?;
    let not_found = || AppError::from(PaymentError::NotFound);
    let actor = actor.clone();
    let customer_id = store::load_payment(&**tx, payment_id)
        .await?
        .ok_or_else(not_found)?
        .customer_id;
    customers::customer_for_update(&**tx, today, customer_id)
        .await?
        .ok_or_else(|| AppError::from(PaymentError::CustomerNotFound))?;
    let digest = idempotency::digest(&[&payment_id.to_string(), &reason]);
    if let Some(key) = &key
        && let Some(existing) = idempotency::replay(&**tx, key, "reversePayment", &digest).await?
    {
        return Ok(Gated {
            record: reload(tx, existing).await?,
            approval_request: None,
        });
    }
    let row = store::load_payment(&**tx, payment_id)
        .await?
        .ok_or_else(not_found)?;
    if row.reversed_at.is_some() {
        return Err(PaymentError::Reversed.into());
    }
    let shown = |amount| domain::display::amount_string(amount, row.currency.code());
    let change = approval_gate::Change {
        action: ApprovalAction::PaymentReversal,
        currency: row.currency,
        compared: Compared::amount(row.amount),
        subject: approval_gate::Subject {
            kind: "payment",
            id: payment_id,
            customer_id,
            label: row
                .reference
                .clone()
                .unwrap_or_else(|| row.customer_name.clone()),
        },
        asked_against: serde_json::json!({
            "customer": row.customer_name, "currency": row.currency.code(),
            "amount": shown(row.amount), "allocated": shown(row.allocated),
            "receivedOn": row.received_on.to_string(), "method": row.method.as_str(),
            "reference": row.reference,
        }),
        reason: reason.clone(),
        idempotency_key: key.clone(),
    };
    if let Passage::Waiting(request) =
        approval_gate::pass(tx, today, &actor, asked, command, change, request_id).await?
    {
        return Ok(Gated {
            record: reload(tx, payment_id).await?,
            approval_request: Some(*request),
        });
    }
    // Allocations not yet undone, with their invoices locked (in id order).
    let live = store::lock_live_allocations(&**tx, payment_id).await?;
    // A written-off invoice takes its money back into the loss (see `invoice_store::add_paid`);
    // nothing can be allocated to a void one.
    let batch = Uuid::now_v7();
    for allocation in &live {
        store::append_allocation(
            &**tx,
            payment_id,
            allocation.invoice_id,
            -allocation.amount,
            Some(allocation.id),
            &actor,
            batch,
        )
        .await?;
    }
    store::insert_reversal(&**tx, payment_id, &reason, &actor).await?;
    if let Some(key) = &key {
        idempotency::remember(&**tx, key, "reversePayment", &digest, payment_id).await?;
    }
    let payment = reload(tx, payment_id).await?;
    audit::record(
        &**tx,
        tx.tenant(),
        audit_entry(actor, "payment.reversed", &payment, request_id),
    )
    .await?;
    crate::analytics::ratings::rate_customers(&**tx, today, Some(customer_id)).await?;
    Ok(Gated {
        record: payment,
        approval_request: None,
    })
}

/// The page `request` asks for of payments, most recently received first, with their
/// allocations when `with_allocations`; counted in all only when `wants_total` (the page's
/// `total` is 0 otherwise).
pub async fn list_payments(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: ListFilter,
    request: &PageRequest,
    with_allocations: bool,
    wants_total: bool,
) -> Result<Page<PaymentDetail>, AppError> {
    let access = caller.authorize(Permission::ViewPayments)?;
    let tenant = caller.require_tenant()?;
    let tx = TenantTx::begin(db, tenant).await?;
    let (rows, total) =
        store::list_payments(&tx, caller, access, &filter, request, wants_total).await?;
    let mut page = request.page(rows, total, store::list_key);
    let rows = std::mem::take(&mut page.items);
    let payments = assemble(&*tx, rows, with_allocations).await?;
    tx.commit().await?;
    Ok(page.with_items(payments))
}

/// One payment, if the caller may see it.
pub async fn find_payment(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
) -> Result<Option<PaymentDetail>, AppError> {
    let access = caller.authorize(Permission::ViewPayments)?;
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let row = store::load_payment(&*tx, id).await?;
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
