//! What a person (or the auto-apply) does with a received line: apply it as payments (one per
//! part, each a customer's), link it to a payment keyed by hand, ignore it, or undo that.
//!
//! Each is one transaction that locks the line first, then the customers in id order, then
//! their invoices (the payments service's order): two people applying one line at once give
//! one payment, the second is refused (or, with the first one's idempotency key, answered with
//! its result). Applying never over-allocates: an allocation above an invoice's balance is
//! refused, and what no invoice takes is the customer's unapplied credit.

use super::{LineDetail, line_detail, matching};
use crate::approval_gate::{Asked, InTx};
use crate::audit::{self, Actor, AuditEntry};
use crate::auth::Caller;
use crate::banking::errors::BankingError;
use crate::banking::store::{self, LineRow, Settled};
use crate::db::{self, TenantTx};
use crate::error::AppError;
use crate::payments::commands::ReversePayment;
use crate::payments::idempotency::key_input;
use crate::payments::service::bank::{self as bank_payments, BankPayment, PartRefused};
use chrono::NaiveDate;
use domain::access::Permission;
use domain::cash::{BankDirection, BankTransactionStatus, Suggestion};
use domain::display::amount_string;
use domain::reason::Reason;
use rust_decimal::Decimal;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

/// The most parts one line is split into.
pub const MAX_PARTS: usize = 20;

/// One customer's share of a line.
#[derive(Debug, Clone)]
pub struct Part {
    pub customer_id: Uuid,
    pub amount: Decimal,
    /// `None`: the oldest due invoices first.
    pub allocations: Option<Vec<(Uuid, Decimal)>>,
}

/// Where a line's money goes: the parts given, or (`None`) its best suggestion.
#[derive(Debug, Clone)]
pub struct ApplyLine {
    pub transaction_id: Uuid,
    pub parts: Option<Vec<Part>>,
    pub idempotency_key: Option<String>,
}

/// An incoming line still waiting to be applied, linked or ignored; else why not.
pub(super) fn waiting(row: &LineRow) -> Result<(), AppError> {
    if row.direction == BankDirection::Out {
        return Err(BankingError::LineOutgoing.into());
    }
    match row.status {
        Some(BankTransactionStatus::Unmatched | BankTransactionStatus::Suggested) => Ok(()),
        other => Err(BankingError::LineNotOpen {
            status: other.map(|s| s.as_str()).unwrap_or("OUT").to_owned(),
        }
        .into()),
    }
}

pub fn suggestions_of(row: &LineRow) -> Vec<Suggestion> {
    serde_json::from_value(row.suggestions.clone()).unwrap_or_default()
}

async fn begin(
    db: &DatabaseConnection,
    caller: &Caller,
) -> Result<(TenantTx, NaiveDate), AppError> {
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    Ok((TenantTx::begin(db, tenant).await?, calendar.today))
}

async fn locked_line(tx: &TenantTx, id: Uuid) -> Result<LineRow, AppError> {
    let row = store::line(&**tx, id, true)
        .await?
        .ok_or_else(|| AppError::from(BankingError::LineNotFound))?;
    let account = store::account(&**tx, row.bank_account_id, false)
        .await?
        .ok_or_else(|| AppError::from(BankingError::AccountNotFound))?;
    if account.archived_at.is_some() {
        return Err(BankingError::AccountArchived.into());
    }
    Ok(row)
}

fn audit_line<'a>(
    actor: Actor,
    action: &'a str,
    row: &LineRow,
    after: serde_json::Value,
    request_id: &'a str,
) -> AuditEntry<'a> {
    AuditEntry {
        actor,
        action,
        entity_type: "bank_transaction",
        entity_id: Some(row.id.to_string()),
        before: Some(serde_json::json!({
            "status": row.status.map(|s| s.as_str()),
            "amount": amount_string(row.amount, row.currency.code()),
            "currency": row.currency.code(),
            "bookedOn": row.booked_on.to_string(),
            "payerName": row.payer_name,
        })),
        after: Some(after),
        request_id: Some(request_id),
    }
}

/// After a line's money moved, the account's other waiting lines are matched again.
async fn rematch(tx: &TenantTx, account: Uuid) -> Result<(), AppError> {
    store::want_matching(&**tx, account).await?;
    crate::jobs::enqueue_in_tenant(tx, matching::account_job(tx.tenant(), account)).await?;
    Ok(())
}

/// The parts a suggestion stands for (the whole amount, to its customer).
pub fn parts_of(suggestion: &Suggestion, amount: Decimal) -> Vec<Part> {
    vec![Part {
        customer_id: suggestion.customer_id,
        amount,
        allocations: Some(
            suggestion
                .invoices
                .iter()
                .map(|i| (i.invoice_id, i.amount))
                .collect(),
        ),
    }]
}

/// Who applies a line, in which transaction and on which day.
#[derive(Clone, Copy)]
pub struct Acting<'a> {
    pub tx: &'a TenantTx,
    pub today: NaiveDate,
    pub actor: &'a Actor,
    pub request_id: &'a str,
}

/// Applies `parts` of the locked, waiting line `row`: one payment per part, the line APPLIED.
/// Returns the customers paid, for re-rating.
pub async fn apply_in_tx(
    at: Acting<'_>,
    row: &LineRow,
    parts: Vec<Part>,
    key: Option<&str>,
    auto: bool,
) -> Result<Vec<Uuid>, AppError> {
    let mut applied = apply_lines_in_tx(at, vec![(row, parts)], key, auto).await?;
    applied.pop().unwrap_or_else(|| Ok(Vec::new()))
}

/// A line's parts checked on their own: within the count, adding up to the line, not in the
/// future.
fn check_parts(row: &LineRow, parts: &[Part], today: NaiveDate) -> Result<(), AppError> {
    if parts.is_empty() || parts.len() > MAX_PARTS {
        return Err(BankingError::TooManyParts {
            max: MAX_PARTS as u32,
        }
        .into());
    }
    let total: Decimal = parts.iter().map(|p| p.amount).sum();
    if total != row.amount {
        let code = row.currency.code();
        return Err(BankingError::PartsDoNotAddUp {
            total: amount_string(total, code),
            amount: amount_string(row.amount, code),
        }
        .into());
    }
    if row.booked_on > today {
        return Err(crate::payments::errors::PaymentError::ReceivedInFuture { today }.into());
    }
    Ok(())
}

/// Applies each locked, waiting line with its parts, set-based (the payments service writes
/// every payment of every line in a few statements): a line is applied whole or refused with
/// its reason, and a refusal writes nothing of it. Returns, per line, the customers paid (for
/// re-rating) or the refusal.
pub async fn apply_lines_in_tx(
    at: Acting<'_>,
    lines: Vec<(&LineRow, Vec<Part>)>,
    key: Option<&str>,
    auto: bool,
) -> Result<Vec<Result<Vec<Uuid>, AppError>>, AppError> {
    let Acting {
        tx,
        today,
        actor,
        request_id,
    } = at;
    let mut results: Vec<Result<Vec<Uuid>, AppError>> = Vec::with_capacity(lines.len());
    let mut receipts: Vec<Vec<BankPayment>> = Vec::new();
    let mut asked: Vec<usize> = Vec::new();
    for (index, (row, parts)) in lines.iter().enumerate() {
        if let Err(error) = check_parts(row, parts, today) {
            results.push(Err(error));
            continue;
        }
        results.push(Ok(Vec::new()));
        asked.push(index);
        let reference = row
            .reference
            .clone()
            .or_else(|| row.bank_ref.clone())
            .or_else(|| row.remark.clone().map(|r| r.chars().take(200).collect()));
        receipts.push(
            parts
                .iter()
                .map(|part| BankPayment {
                    customer_id: part.customer_id,
                    amount: part.amount,
                    currency: row.currency,
                    received_on: row.booked_on,
                    reference: reference.clone(),
                    allocations: part.allocations.clone(),
                    bank_transaction_id: row.id,
                })
                .collect(),
        );
    }
    let recorded = bank_payments::record_bank_receipts(tx, actor, &receipts, request_id).await?;
    let mut settled = Vec::new();
    let mut entries = Vec::new();
    for (index, outcome) in asked.into_iter().zip(recorded) {
        let (row, parts) = &lines[index];
        let made = match outcome {
            Ok(made) => made,
            Err((part, PartRefused::CustomerNotFound)) => {
                results[index] = Err(BankingError::CustomerNotFound { part }.into());
                continue;
            }
            Err((part, PartRefused::Allocation(error))) => {
                results[index] = Err(BankingError::Allocation { part, error }.into());
                continue;
            }
        };
        settled.push(row.id);
        let after = serde_json::json!({
            "status": "APPLIED",
            "auto": auto,
            "payments": made.iter().map(Uuid::to_string).collect::<Vec<_>>(),
            "parts": parts.iter().map(|p| serde_json::json!({
                "customerId": p.customer_id.to_string(),
                "amount": amount_string(p.amount, row.currency.code()),
            })).collect::<Vec<_>>(),
        });
        entries.push(audit_line(
            actor.clone(),
            "bank_transaction.applied",
            row,
            after,
            request_id,
        ));
        if !auto && let [only] = parts.as_slice() {
            store::learn_payer(
                &**tx,
                only.customer_id,
                row.payer_account.as_deref(),
                row.payer_name.as_deref(),
            )
            .await?;
        }
        let mut customers: Vec<Uuid> = parts.iter().map(|p| p.customer_id).collect();
        customers.sort_unstable();
        customers.dedup();
        results[index] = Ok(customers);
    }
    store::settle_applied(&**tx, &settled, key, actor.label(), auto).await?;
    audit::record_all(&**tx, tx.tenant(), entries).await?;
    Ok(results)
}

pub async fn apply(
    db: &DatabaseConnection,
    caller: &Caller,
    command: ApplyLine,
    request_id: &str,
) -> Result<LineDetail, AppError> {
    caller.authorize(Permission::ManagePayments)?;
    let key = key_input(command.idempotency_key.as_deref())?;
    let actor = audit::actor_of(db, caller).await?;
    let (tx, today) = begin(db, caller).await?;
    let row = locked_line(&tx, command.transaction_id).await?;
    if key.is_some() && row.applied_key == key {
        let detail = line_detail(&tx, row.id).await?;
        tx.commit().await?;
        return Ok(detail);
    }
    waiting(&row)?;
    let parts = match command.parts {
        Some(parts) => parts,
        None => {
            let best = suggestions_of(&row)
                .into_iter()
                .next()
                .ok_or_else(|| AppError::input("input.parts", Reason::Required {}))?;
            if let Some(payment) = best.payment_id {
                link_in_tx(
                    &tx,
                    today,
                    &actor,
                    &row,
                    payment,
                    key.as_deref(),
                    request_id,
                )
                .await?;
                rematch(&tx, row.bank_account_id).await?;
                let detail = line_detail(&tx, row.id).await?;
                tx.commit().await?;
                return Ok(detail);
            }
            parts_of(&best, row.amount)
        }
    };
    let at = Acting {
        tx: &tx,
        today,
        actor: &actor,
        request_id,
    };
    let customers = apply_in_tx(at, &row, parts, key.as_deref(), false).await?;
    for customer in customers {
        crate::analytics::ratings::rate_customers(&*tx, today, Some(customer)).await?;
    }
    rematch(&tx, row.bank_account_id).await?;
    let detail = line_detail(&tx, row.id).await?;
    tx.commit().await?;
    Ok(detail)
}

/// Ties the locked, waiting line to a keyed payment of its amount and currency.
async fn link_in_tx(
    tx: &TenantTx,
    today: NaiveDate,
    actor: &Actor,
    row: &LineRow,
    payment_id: Uuid,
    key: Option<&str>,
    request_id: &str,
) -> Result<(), AppError> {
    let payment = bank_payments::payment_to_link(tx, today, payment_id)
        .await?
        .ok_or_else(|| AppError::from(BankingError::PaymentNotFound))?;
    if payment.bank_transaction_id.is_some() || payment.reversed() {
        return Err(BankingError::PaymentNotLinkable.into());
    }
    if payment.amount != row.amount || payment.currency != row.currency {
        return Err(BankingError::LinkAmountDiffers {
            payment: amount_string(payment.amount, payment.currency.code()),
            line: amount_string(row.amount, row.currency.code()),
        }
        .into());
    }
    if let Err(error) = store::link_payment(&**tx, row.id, Some(payment_id)).await {
        return Err(match crate::db::violated_constraint(&error).as_deref() {
            Some("bank_transactions_linked_payment_idx") => BankingError::PaymentNotLinkable.into(),
            _ => error.into(),
        });
    }
    store::settle(
        &**tx,
        Settled {
            id: row.id,
            status: BankTransactionStatus::Applied,
            how: Some("LINKED"),
            key,
            by: Some(actor.label()),
            auto: false,
            ignore_reason: None,
        },
    )
    .await?;
    store::learn_payer(
        &**tx,
        payment.customer_id,
        row.payer_account.as_deref(),
        row.payer_name.as_deref(),
    )
    .await?;
    let after = serde_json::json!({"status": "APPLIED", "linkedPayment": payment_id.to_string()});
    audit::record(
        &**tx,
        tx.tenant(),
        audit_line(
            actor.clone(),
            "bank_transaction.linked",
            row,
            after,
            request_id,
        ),
    )
    .await?;
    Ok(())
}

pub async fn link(
    db: &DatabaseConnection,
    caller: &Caller,
    transaction_id: Uuid,
    payment_id: Uuid,
    request_id: &str,
) -> Result<LineDetail, AppError> {
    caller.authorize(Permission::ManagePayments)?;
    let actor = audit::actor_of(db, caller).await?;
    let (tx, today) = begin(db, caller).await?;
    let row = locked_line(&tx, transaction_id).await?;
    waiting(&row)?;
    link_in_tx(&tx, today, &actor, &row, payment_id, None, request_id).await?;
    rematch(&tx, row.bank_account_id).await?;
    let detail = line_detail(&tx, row.id).await?;
    tx.commit().await?;
    Ok(detail)
}

pub async fn ignore(
    db: &DatabaseConnection,
    caller: &Caller,
    transaction_id: Uuid,
    reason: String,
    request_id: &str,
) -> Result<LineDetail, AppError> {
    caller.authorize(Permission::ManagePayments)?;
    let actor = audit::actor_of(db, caller).await?;
    let (tx, _) = begin(db, caller).await?;
    let row = locked_line(&tx, transaction_id).await?;
    waiting(&row)?;
    store::settle(
        &*tx,
        Settled {
            id: row.id,
            status: BankTransactionStatus::Ignored,
            how: None,
            key: None,
            by: Some(actor.label()),
            auto: false,
            ignore_reason: Some(&reason),
        },
    )
    .await?;
    let after = serde_json::json!({"status": "IGNORED", "reason": reason});
    audit::record(
        &*tx,
        tx.tenant(),
        audit_line(actor, "bank_transaction.ignored", &row, after, request_id),
    )
    .await?;
    let detail = line_detail(&tx, row.id).await?;
    tx.commit().await?;
    Ok(detail)
}

/// Returns an applied, linked or ignored line to UNMATCHED: the payments it made are reversed
/// (under the company's payment reversal policy: a reversal that must wait for approval is
/// refused, and nothing changes), a linked payment is untied.
pub async fn undo(
    db: &DatabaseConnection,
    caller: &Caller,
    transaction_id: Uuid,
    reason: String,
    request_id: &str,
) -> Result<LineDetail, AppError> {
    caller.authorize(Permission::ManagePayments)?;
    let actor = audit::actor_of(db, caller).await?;
    let (tx, today) = begin(db, caller).await?;
    let row = locked_line(&tx, transaction_id).await?;
    match row.status {
        Some(BankTransactionStatus::Applied | BankTransactionStatus::Ignored) => {}
        other => {
            return Err(BankingError::LineNotApplied {
                status: other.map(|s| s.as_str()).unwrap_or("OUT").to_owned(),
            }
            .into());
        }
    }
    let mut reversed = Vec::new();
    if row.applied_how.as_deref() == Some("LINKED") {
        store::link_payment(&*tx, row.id, None).await?;
    } else {
        let live = bank_payments::live_payments_of_line(&*tx, row.id).await?;
        let at = InTx {
            db,
            tx: &tx,
            today,
            caller,
            actor: &actor,
            request_id,
        };
        for payment in &live {
            let command = ReversePayment {
                payment_id: *payment,
                reason: reason.clone(),
                idempotency_key: None,
            };
            let asked = Asked::Directly {
                request_approval: false,
            };
            crate::payments::service::run_reverse_payment(&at, &command, asked).await?;
            reversed.push(payment.to_string());
        }
    }
    store::settle(
        &*tx,
        Settled {
            id: row.id,
            status: BankTransactionStatus::Unmatched,
            how: None,
            key: None,
            by: None,
            auto: false,
            ignore_reason: None,
        },
    )
    .await?;
    let after =
        serde_json::json!({"status": "UNMATCHED", "reason": reason, "reversedPayments": reversed});
    audit::record(
        &*tx,
        tx.tenant(),
        audit_line(actor, "bank_transaction.undone", &row, after, request_id),
    )
    .await?;
    rematch(&tx, row.bank_account_id).await?;
    let detail = line_detail(&tx, row.id).await?;
    tx.commit().await?;
    Ok(detail)
}
