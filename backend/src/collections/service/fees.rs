//! Late fees and interest as fee invoices linked to the original (`invoices.fee_for_invoice_id`),
//! one `late_fees` row per charge with its period; and waiving a fee, which cancels what is
//! still owed on it with a reason.
//!
//! The arithmetic is the domain's (`domain::fees`); this module reads the balance history the
//! interest needs and writes the charge. The table refuses two charges for overlapping periods
//! of one invoice, so a fee is never charged twice, even by two runs at once.

use super::plan::Candidate;
use crate::api::values::required_text;
use crate::approval_gate::{self, Asked, Asking, Gated, InTx, Passage};
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::collections::CollectionError;
use crate::collections::store::fees::{self as store, FeeRow, NewCreditNote, NewFee};
use crate::commands::Command;
use crate::db::TenantTx;
use crate::error::AppError;
use crate::invoices::service::{Numbered, next_free_number, next_free_numbers};
use crate::invoices::store as invoice_store;
use chrono::NaiveDate;
use domain::access::Permission;
use domain::approvals::{ApprovalAction, Compared};
use domain::fees::{self as rules, Charge, FeeRule};
use domain::invoices::InvoiceStatus;
use domain::{Currency, Locale};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// A fee invoice is payable this many days after it is charged. (Due the same day, the run
/// that charged it would find it due and remind the customer at once.)
pub const FEE_PAYABLE_DAYS: i32 = 7;

/// An invoice a fee may be charged on, as the run read it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FeeInvoice {
    pub invoice_id: Uuid,
    pub customer_id: Uuid,
    pub number: Option<String>,
    pub currency: Currency,
    pub total: Decimal,
    pub balance: Decimal,
    /// What of the balance is past due: what a percentage fee is charged on.
    pub overdue_part: Decimal,
    pub due_date: NaiveDate,
    /// The last day any fee has been charged for: interest starts after it.
    pub fees_through: Option<NaiveDate>,
    /// Fees charged on it so far, for the interest cap.
    pub fees_charged: Decimal,
    pub is_fee: bool,
    pub disputed: bool,
}

impl From<&Candidate> for FeeInvoice {
    fn from(row: &Candidate) -> Self {
        FeeInvoice {
            invoice_id: row.invoice_id,
            customer_id: row.customer_id,
            number: row.number.clone(),
            currency: row.currency,
            total: row.total,
            balance: row.balance,
            overdue_part: row.overdue_part,
            due_date: row.due_date,
            fees_through: row.fees_through,
            fees_charged: row.fees_charged,
            is_fee: row.is_fee,
            disputed: row.disputed,
        }
    }
}

/// Charges a ladder's fee rule on invoices of one customer as of `date`, for run `run_id`.
/// Fee invoices, disputed invoices and invoices owing nothing are skipped; so is an invoice
/// whose fee the rule has charged already.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChargeFee {
    pub run_id: Uuid,
    pub rule: FeeRule,
    pub invoices: Vec<FeeInvoice>,
    /// The language of the fee invoice's line.
    pub locale: Locale,
    /// The company's time zone, which dates reversals and write-offs for interest.
    pub time_zone: String,
    pub date: NaiveDate,
}

impl Command for ChargeFee {
    const KIND: &'static str = "collections.charge_fee";
    const VERSION: u32 = 1;
}

/// Waives a fee with a reason.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WaiveFee {
    pub fee_id: Uuid,
    pub reason: String,
}

impl Command for WaiveFee {
    const KIND: &'static str = "collections.waive_fee";
    const VERSION: u32 = 1;
}

/// Charges the ladder's fee on each invoice; returns "INV-1: ¥9.00" for each charge made. What
/// the charges are computed from is read for all the invoices at once, and the fee invoices
/// are written in one statement: a step over many invoices costs a few round trips, not a
/// few an invoice.
pub async fn charge(tx: &TenantTx, command: ChargeFee) -> Result<Vec<String>, AppError> {
    let ChargeFee {
        run_id,
        rule,
        invoices,
        locale,
        time_zone,
        date,
    } = command;
    let rule = &rule;
    let eligible: Vec<&FeeInvoice> = invoices
        .iter()
        .filter(|row| !row.is_fee && !row.disputed && row.balance > Decimal::ZERO)
        .collect();
    if eligible.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = eligible.iter().map(|row| row.invoice_id).collect();
    let mut changes: HashMap<Uuid, Vec<(NaiveDate, Decimal)>> = HashMap::new();
    let mut charged_once: HashSet<Uuid> = HashSet::new();
    if let FeeRule::Interest { .. } = rule {
        for change in store::balance_changes(&**tx, &ids, &time_zone).await? {
            changes
                .entry(change.invoice_id)
                .or_default()
                .push((change.day, change.amount));
        }
    } else {
        charged_once.extend(store::one_time_fee_charged(&**tx, &ids).await?);
    }
    let mut charges: Vec<(&FeeInvoice, Charge, serde_json::Value)> = Vec::new();
    for row in eligible {
        let currency = row.currency;
        let (charge, basis) = match rule {
            FeeRule::Interest { .. } => {
                let changes = changes.remove(&row.invoice_id).unwrap_or_default();
                let history = rules::balance_history(row.total, row.due_date, &changes);
                let charge = rules::interest(
                    rule,
                    row.total,
                    currency,
                    row.due_date,
                    &history,
                    row.fees_through,
                    row.fees_charged,
                    date,
                );
                (
                    charge,
                    serde_json::json!({ "rule": rule, "history": history.iter().map(|h| serde_json::json!({"from": h.from.to_string(), "balance": h.balance.to_string()})).collect::<Vec<_>>() }),
                )
            }
            _ => {
                let charge = if charged_once.contains(&row.invoice_id) {
                    None
                } else {
                    // On what is past due: an installment not yet due owes no fee.
                    rules::one_time_fee(rule, row.overdue_part, currency, date).map(|charge| {
                        Charge {
                            // The fee answers for the lateness so far.
                            from: (row.due_date + chrono::Days::new(1)).min(date),
                            ..charge
                        }
                    })
                };
                (
                    charge,
                    serde_json::json!({ "rule": rule, "overdue": row.overdue_part.to_string() }),
                )
            }
        };
        if let Some(charge) = charge {
            charges.push((row, charge, basis));
        }
    }
    if charges.is_empty() {
        return Ok(Vec::new());
    }
    let numbers = next_free_numbers(tx, Numbered::Invoice, charges.len()).await?;
    let mut charged = Vec::with_capacity(charges.len());
    let mut fees = Vec::with_capacity(charges.len());
    for ((row, charge, basis), fee_number) in charges.into_iter().zip(numbers) {
        let number = row.number.clone().unwrap_or_default();
        charged.push(format!(
            "{number}: {} {} ({fee_number})",
            charge.amount.normalize(),
            row.currency
        ));
        fees.push(NewFee {
            fee_invoice_id: Uuid::now_v7(),
            line_id: Uuid::now_v7(),
            late_fee_id: Uuid::now_v7(),
            invoice_id: row.invoice_id,
            customer_id: row.customer_id,
            description: describe(rule, &number, &charge, locale),
            number: fee_number,
            currency: row.currency,
            amount: charge.amount,
            kind: rule.kind(),
            period_from: charge.from,
            period_to: charge.to,
            basis,
        });
    }
    store::insert_fees(&**tx, &fees, date, FEE_PAYABLE_DAYS, run_id).await?;
    Ok(charged)
}

fn describe(rule: &FeeRule, number: &str, charge: &Charge, locale: Locale) -> String {
    match (rule, locale) {
        (
            FeeRule::Interest {
                annual_rate_percent,
                ..
            },
            Locale::ZhCn,
        ) => format!(
            "发票 {number} 逾期利息：{} 至 {}，共 {} 天，年利率 {}%",
            charge.from,
            charge.to,
            charge.days,
            annual_rate_percent.normalize()
        ),
        (
            FeeRule::Interest {
                annual_rate_percent,
                ..
            },
            Locale::En,
        ) => format!(
            "Interest on invoice {number}: {} to {}, {} days at {}% a year",
            charge.from,
            charge.to,
            charge.days,
            annual_rate_percent.normalize()
        ),
        (FeeRule::Percent { percent }, Locale::ZhCn) => {
            format!(
                "发票 {number} 滞纳金（未付金额的 {}%）",
                percent.normalize()
            )
        }
        (FeeRule::Percent { percent }, Locale::En) => {
            format!(
                "Late fee on invoice {number} ({}% of the balance due)",
                percent.normalize()
            )
        }
        (FeeRule::Fixed { .. }, Locale::ZhCn) => format!("发票 {number} 滞纳金"),
        (FeeRule::Fixed { .. }, Locale::En) => format!("Late fee on invoice {number}"),
    }
}

/// Fees on any of `invoices` (as the original or as the fee invoice), oldest first: each fee
/// once under its original invoice and once under its fee invoice.
pub async fn fees_of(
    conn: &impl ConnectionTrait,
    invoices: &[Uuid],
) -> Result<Vec<(Uuid, FeeRow)>, AppError> {
    let rows = store::fees_of(conn, invoices).await?;
    Ok(rows
        .into_iter()
        .flat_map(|row| {
            let (original, fee) = (row.invoice_id, row.fee_invoice_id);
            [(original, row.clone()), (fee, row)]
        })
        .collect())
}

/// Waiving fees: those who manage invoices.
pub fn may_waive(caller: &Caller) -> Result<(), AppError> {
    caller.authorize(Permission::ManageInvoices).map(|_| ())
}

/// Waives a fee: an unpaid fee invoice is voided; one partly paid gets a credit note for what is
/// still owed. The charge stays on record, marked waived, so its period is never charged again.
/// Under a FEE_WAIVER policy (by what the waiver cancels) it may wait for approval.
pub async fn waive(
    db: &DatabaseConnection,
    caller: &Caller,
    asking: Asking<WaiveFee>,
    request_id: &str,
) -> Result<Gated<FeeRow>, AppError> {
    approval_gate::run_gated(
        db,
        caller,
        Permission::ManageInvoices,
        asking,
        request_id,
        run_waive_fee,
    )
    .await
}

/// Waives the fee in `tx`, unless the waiver waits for approval (then the fee as it stands,
/// and the request).
pub async fn run_waive_fee(
    at: &InTx<'_>,
    command: &WaiveFee,
    asked: Asked,
) -> Result<Gated<FeeRow>, AppError> {
    let InTx {
        db: _,
        tx,
        today,
        caller,
        actor,
        request_id,
    } = *at;
    may_waive(caller)?;
    let tenant = tx.tenant();
    let reason = required_text("input.reason", &command.reason, 500)?;
    let actor = actor.clone();
    let not_found = || AppError::from(CollectionError::FeeNotFound);
    let id = command.fee_id;
    let fee = store::fee_to_waive(&**tx, id)
        .await?
        .ok_or_else(not_found)?;
    if fee.waived_at.is_some() {
        return Err(CollectionError::FeeAlreadyWaived.into());
    }
    let shown = |amount| domain::display::amount_string(amount, fee.currency.code());
    let change = approval_gate::Change {
        action: ApprovalAction::FeeWaiver,
        currency: fee.currency,
        compared: Compared::amount(fee.balance_due),
        subject: approval_gate::Subject {
            kind: "fee",
            id,
            customer_id: fee.customer_id,
            label: fee.number.clone().unwrap_or_default(),
        },
        asked_against: serde_json::json!({
            "number": fee.number, "status": fee.status.as_str(),
            "currency": fee.currency.code(), "balanceDue": shown(fee.balance_due),
            "amountPaid": shown(fee.amount_paid), "amountCredited": shown(fee.amount_credited),
        }),
        reason: reason.clone(),
        idempotency_key: None,
    };
    if let Passage::Waiting(request) =
        approval_gate::pass(tx, today, &actor, asked, command, change, request_id).await?
    {
        return Ok(Gated {
            record: store::fee(&**tx, id).await?.ok_or_else(not_found)?,
            approval_request: Some(*request),
        });
    }
    let label = format!("Fee waived: {reason}");
    if fee.amount_paid.is_zero()
        && fee.amount_credited.is_zero()
        && fee.status == InvoiceStatus::Issued
    {
        store::void_fee_invoice(&**tx, fee.fee_invoice_id, &label).await?;
    } else if fee.balance_due > Decimal::ZERO
        && matches!(
            fee.status,
            InvoiceStatus::Issued | InvoiceStatus::PartiallyPaid
        )
    {
        let number = next_free_number(tx, Numbered::CreditNote).await?;
        store::insert_credit_note(
            &**tx,
            NewCreditNote {
                number,
                customer_id: fee.customer_id,
                invoice_id: fee.fee_invoice_id,
                amount: fee.balance_due,
                currency: fee.currency,
                reason: &label,
                issued_on: today,
                actor_label: actor.label(),
            },
        )
        .await?;
        invoice_store::add_credited(&**tx, fee.fee_invoice_id, fee.balance_due).await?;
    }
    store::mark_waived(&**tx, id, actor.label(), &reason).await?;
    audit::record(
        &**tx,
        tenant,
        AuditEntry {
            actor,
            action: "fee.waived",
            entity_type: "invoice",
            entity_id: Some(fee.fee_invoice_id.to_string()),
            before: None,
            after: Some(serde_json::json!({ "feeId": id.to_string(), "reason": reason })),
            request_id: Some(request_id),
        },
    )
    .await?;
    Ok(Gated {
        record: store::fee(&**tx, id).await?.ok_or_else(not_found)?,
        approval_request: None,
    })
}
