//! Payments from bank lines (cash application), written in the caller's transaction so that a
//! line's parts, its status and its audit entries are one change. The caller re-rates the
//! customers it touched once, after all its payments.

use super::PaymentDetail;
use crate::audit::{self, Actor};
use crate::customers;
use crate::db::TenantTx;
use crate::error::AppError;
use crate::invoices::store::{self as invoice_store, Paid};
use crate::payments::store::{self, NewAllocation, NewPayment, PaymentRow};
use chrono::NaiveDate;
use domain::Currency;
use domain::allocation::{Allocation, AllocationError, Instruction, OpenItem, allocate};
use domain::invoices::InvoiceStatus;
use domain::payments::PaymentMethod;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use std::collections::{HashMap, HashSet};
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

/// Why one part of a receipt could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartRefused {
    CustomerNotFound,
    Allocation(AllocationError),
}

/// Records and allocates each receipt (a bank line's parts) in `tx`, set-based: the customers
/// locked in id order, then their open invoices, then every payment, allocation, invoice
/// settlement and audit entry written in one statement each. A receipt is made whole or not at
/// all; a refused one names its part and why, and writes nothing. Receipts are allocated in
/// the order given, each seeing what the earlier ones took, so none over-allocates. Returns,
/// per receipt, the payments made (in part order) or the refusal.
pub async fn record_bank_receipts(
    tx: &TenantTx,
    actor: &Actor,
    receipts: &[Vec<BankPayment>],
    request_id: &str,
) -> Result<Vec<Result<Vec<Uuid>, (usize, PartRefused)>>, AppError> {
    let mut customer_ids: Vec<Uuid> = receipts.iter().flatten().map(|p| p.customer_id).collect();
    customer_ids.sort_unstable();
    customer_ids.dedup();
    let found: HashSet<Uuid> = customers::lock_assignments(&**tx, &customer_ids)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let customer_ids: Vec<Uuid> = customer_ids
        .into_iter()
        .filter(|c| found.contains(c))
        .collect();
    let locked = store::lock_open_items_of(&**tx, &customer_ids).await?;
    let mut totals: HashMap<Uuid, (Decimal, Decimal)> = HashMap::new();
    let mut open: HashMap<(Uuid, Currency), Vec<OpenItem>> = HashMap::new();
    for row in locked {
        totals.insert(row.id, (row.total, row.settled));
        open.entry((row.customer_id, row.currency))
            .or_default()
            .push(OpenItem {
                invoice_id: row.id,
                due_date: row.due_date,
                number: row.number,
                balance: row.balance_due,
            });
    }

    let mut results = Vec::with_capacity(receipts.len());
    let mut payments: Vec<NewPayment> = Vec::new();
    let mut allocations: Vec<NewAllocation> = Vec::new();
    let mut entries = Vec::new();
    for receipt in receipts {
        match allocate_receipt(receipt, &found, &open) {
            Err(refused) => results.push(Err(refused)),
            Ok(splits) => {
                let mut made = Vec::with_capacity(receipt.len());
                for (part, split) in receipt.iter().zip(splits) {
                    let id = Uuid::now_v7();
                    let batch = Uuid::now_v7();
                    let items = open
                        .get_mut(&(part.customer_id, part.currency))
                        .map(Vec::as_mut_slice)
                        .unwrap_or_default();
                    for (invoice, amount) in &split.lines {
                        if let Some(item) = items.iter_mut().find(|i| i.invoice_id == *invoice) {
                            item.balance -= *amount;
                        }
                        allocations.push(NewAllocation {
                            payment: id,
                            invoice: *invoice,
                            amount: *amount,
                            batch,
                        });
                    }
                    entries.push(super::payment_entry(
                        actor.clone(),
                        "payment.recorded",
                        super::PaymentFacts {
                            id,
                            customer_id: part.customer_id,
                            amount: part.amount,
                            currency: part.currency,
                            allocated: part.amount - split.unapplied,
                            reversed: false,
                        },
                        request_id,
                    ));
                    payments.push(NewPayment {
                        id,
                        customer_id: part.customer_id,
                        amount: part.amount,
                        currency: part.currency,
                        received_on: part.received_on,
                        method: PaymentMethod::BankTransfer,
                        reference: part.reference.clone(),
                        actor,
                        bank_transaction_id: Some(part.bank_transaction_id),
                    });
                    made.push(id);
                }
                results.push(Ok(made));
            }
        }
    }

    // Each invoice once: what all the receipts took of it, and the status that leaves.
    let received: HashMap<Uuid, NaiveDate> =
        payments.iter().map(|p| (p.id, p.received_on)).collect();
    let mut paid: HashMap<Uuid, Paid> = HashMap::new();
    for allocation in &allocations {
        let on = received[&allocation.payment];
        let entry = paid.entry(allocation.invoice).or_insert(Paid {
            invoice: allocation.invoice,
            amount: Decimal::ZERO,
            received_on: on,
            status: InvoiceStatus::Issued,
        });
        entry.amount += allocation.amount;
        entry.received_on = entry.received_on.max(on);
    }
    let mut paid: Vec<Paid> = paid.into_values().collect();
    for invoice in &mut paid {
        let (total, settled) = totals[&invoice.invoice];
        invoice.status = InvoiceStatus::from_settlement(total, settled + invoice.amount);
    }
    paid.sort_by_key(|p| p.invoice);

    store::insert_payments(&**tx, &payments).await?;
    store::insert_allocations(&**tx, &allocations, actor).await?;
    invoice_store::add_paid_many(&**tx, &paid).await?;
    audit::record_all(&**tx, tx.tenant(), entries).await?;
    Ok(results)
}

/// Each part's allocation against the open invoices as the earlier receipts left them, the
/// receipt's own earlier parts taken off too; the first part refused refuses the receipt.
fn allocate_receipt(
    receipt: &[BankPayment],
    found: &HashSet<Uuid>,
    open: &HashMap<(Uuid, Currency), Vec<OpenItem>>,
) -> Result<Vec<Allocation>, (usize, PartRefused)> {
    let mut taken: HashMap<Uuid, Decimal> = HashMap::new();
    let mut splits = Vec::with_capacity(receipt.len());
    for (index, part) in receipt.iter().enumerate() {
        if !found.contains(&part.customer_id) {
            return Err((index, PartRefused::CustomerNotFound));
        }
        let items: Vec<OpenItem> = open
            .get(&(part.customer_id, part.currency))
            .map(|items| {
                items
                    .iter()
                    .map(|item| OpenItem {
                        balance: item.balance
                            - taken.get(&item.invoice_id).copied().unwrap_or_default(),
                        ..item.clone()
                    })
                    .collect()
            })
            .unwrap_or_default();
        let how = match &part.allocations {
            Some(lines) => Instruction::Explicit(lines.clone()),
            None => Instruction::OldestDueFirst,
        };
        let split = allocate(part.amount, &items, &how)
            .map_err(|error| (index, PartRefused::Allocation(error)))?;
        for (invoice, amount) in &split.lines {
            *taken.entry(*invoice).or_default() += *amount;
        }
        splits.push(split);
    }
    Ok(splits)
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
