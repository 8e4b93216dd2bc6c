//! Payments from bank lines (cash application), written in the caller's transaction so that a
//! line's parts, its status and its audit entries are one change. The caller re-rates the
//! customers it touched once, after all its payments.

use super::{PaymentDetail, reload};
use crate::audit::{self, Actor};
use crate::customers;
use crate::db::TenantTx;
use crate::error::AppError;
use crate::payments::errors::PaymentError;
use crate::payments::store::{self, NewPayment, PaymentRow};
use chrono::NaiveDate;
use domain::Currency;
use domain::allocation::{AllocationError, Instruction, allocate};
use domain::payments::PaymentMethod;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use uuid::Uuid;

/// One part of a bank line: a BANK_TRANSFER payment of one customer.
#[derive(Debug, Clone)]
pub struct BankPayment {
    pub customer_id: Uuid,
    pub amount: Decimal,
    pub currency: Currency,
    pub received_on: NaiveDate,
    pub reference: Option<String>,
    /// `None`: the oldest due invoices first.
    pub allocations: Option<Vec<(Uuid, Decimal)>>,
    pub bank_transaction_id: Uuid,
}

/// Records and allocates `payment` in `tx`, the customer and its open invoices locked (in
/// that order). An allocation above an invoice's balance, or to an invoice that is not open,
/// is the inner error; what is not allocated stays the customer's unapplied credit.
pub async fn record_bank_payment(
    tx: &TenantTx,
    today: NaiveDate,
    actor: &Actor,
    payment: BankPayment,
    request_id: &str,
) -> Result<Result<PaymentDetail, AllocationError>, AppError> {
    let customer = customers::customer_for_update(&**tx, today, payment.customer_id)
        .await?
        .ok_or_else(|| AppError::from(PaymentError::CustomerNotFound))?;
    let open = store::lock_open_items(&**tx, customer.id, payment.currency).await?;
    let how = match payment.allocations {
        Some(lines) => Instruction::Explicit(lines),
        None => Instruction::OldestDueFirst,
    };
    let split = match allocate(payment.amount, &open, &how) {
        Ok(split) => split,
        Err(error) => return Ok(Err(error)),
    };
    let id = Uuid::now_v7();
    store::insert_payment(
        &**tx,
        NewPayment {
            id,
            customer_id: customer.id,
            amount: payment.amount,
            currency: payment.currency,
            received_on: payment.received_on,
            method: PaymentMethod::BankTransfer,
            reference: payment.reference,
            actor,
            bank_transaction_id: Some(payment.bank_transaction_id),
        },
    )
    .await?;
    let lines: Vec<(Uuid, Uuid, Decimal)> = split
        .lines
        .iter()
        .map(|(invoice, part)| (id, *invoice, *part))
        .collect();
    store::write_allocations(tx, &lines, actor, Uuid::now_v7()).await?;
    let recorded = reload(tx, id).await?;
    audit::record(
        &**tx,
        tx.tenant(),
        super::audit_entry(actor.clone(), "payment.recorded", &recorded, request_id),
    )
    .await?;
    Ok(Ok(recorded))
}

/// The payment with its customer's row locked, for linking to a bank line: `None` when it is
/// not in this company.
pub async fn payment_to_link(
    tx: &TenantTx,
    today: NaiveDate,
    payment_id: Uuid,
) -> Result<Option<PaymentRow>, AppError> {
    let Some(row) = store::load_payment(&**tx, payment_id).await? else {
        return Ok(None);
    };
    customers::customer_for_update(&**tx, today, row.customer_id).await?;
    Ok(store::load_payment(&**tx, payment_id).await?)
}

/// The payments a bank line made, not reversed, in the order made.
pub async fn live_payments_of_line(
    conn: &impl ConnectionTrait,
    line: Uuid,
) -> Result<Vec<Uuid>, AppError> {
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT p.id FROM payments p
             WHERE p.bank_transaction_id = $1
               AND NOT EXISTS (SELECT 1 FROM payment_reversals r WHERE r.payment_id = p.id)
             ORDER BY p.id",
            [line.into()],
        ))
        .await?;
    Ok(rows
        .iter()
        .filter_map(|row| row.try_get::<Uuid>("", "id").ok())
        .collect())
}

/// Every payment of `lines` (reversed or not), with their allocations.
pub async fn payments_of_lines(
    conn: &impl ConnectionTrait,
    lines: &[Uuid],
) -> Result<Vec<PaymentDetail>, AppError> {
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    let rows = store::payments_of_lines(conn, lines).await?;
    super::assemble(conn, rows, true).await
}
