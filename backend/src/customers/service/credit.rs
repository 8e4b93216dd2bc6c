//! A customer's credit limit and credit hold, set by hand: both pass the approval gate (raising
//! or removing a limit, releasing a hold), and both are kept in the credit history with the
//! reason.

use super::{CustomerDetails, customer_in_tx, record_change, snapshot_before, store};
use crate::api::values::parse_amount;
use crate::approval_gate::{self, Asked, Asking, Gated, InTx, Passage, Subject};
use crate::auth::Caller;
use crate::commands::Command;
use crate::customers::CustomerError;
use crate::customers::store::CustomerRow;
use crate::db::TenantTx;
use crate::error::AppError;
use chrono::NaiveDate;
use domain::access::Permission;
use domain::approvals::{ApprovalAction, Compared};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Sets or removes a customer's credit limit, with the reason kept in its credit history.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetCreditLimit {
    pub customer_id: Uuid,
    /// A decimal string in the customer's currency, checked against that currency's decimals
    /// when the command runs; none (or blank) removes the limit.
    pub credit_limit: Option<String>,
    pub reason: String,
}

impl Command for SetCreditLimit {
    const KIND: &'static str = "customers.set_credit_limit";
    const VERSION: u32 = 1;
}

pub async fn set_credit_limit(
    db: &DatabaseConnection,
    caller: &Caller,
    asking: Asking<SetCreditLimit>,
    request_id: &str,
) -> Result<Gated<CustomerDetails>, AppError> {
    approval_gate::run_gated(
        db,
        caller,
        Permission::ManageCreditPolicy,
        asking,
        request_id,
        run_set_credit_limit,
    )
    .await
}

/// Sets the limit in `tx`, unless the change waits for approval (then the customer as it
/// stands, and the request).
pub async fn run_set_credit_limit(
    at: &InTx<'_>,
    command: &SetCreditLimit,
    asked: Asked,
) -> Result<Gated<CustomerDetails>, AppError> {
    let InTx {
        db,
        tx,
        today,
        caller,
        actor,
        request_id,
    } = *at;
    caller.authorize(Permission::ManageCreditPolicy)?;
    let actor = actor.clone();
    let row = lock(tx, today, command.customer_id).await?;
    let limit = command
        .credit_limit
        .as_deref()
        .filter(|limit| !limit.trim().is_empty())
        .map(|limit| parse_amount("input.creditLimit", limit, row.currency, true))
        .transpose()?;
    let change = asked_change(
        &row,
        ApprovalAction::CreditLimitChange,
        Compared::credit_limit_change(row.credit_limit, limit),
        &command.reason,
    );
    if let Passage::Waiting(request) =
        approval_gate::pass(tx, today, &actor, asked, command, change, request_id).await?
    {
        return waiting(db, tx, today, row.id, *request).await;
    }
    let before = snapshot_before(&row);
    store::set_credit_limit(&**tx, row.id, limit).await?;
    store::append_credit_event(
        &**tx,
        row.id,
        "LIMIT_SET",
        limit,
        row.credit_limit,
        &command.reason,
        actor.label(),
    )
    .await?;
    let record = record_change(
        db,
        tx,
        today,
        row.id,
        actor,
        "customer.credit_limit_set",
        Some(before),
        request_id,
    )
    .await?;
    Ok(Gated {
        record,
        approval_request: None,
    })
}

/// Places a credit hold on a customer by hand (`hold`), or releases one, with the reason.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetCreditHold {
    pub customer_id: Uuid,
    pub hold: bool,
    pub reason: String,
}

impl Command for SetCreditHold {
    const KIND: &'static str = "customers.set_credit_hold";
    const VERSION: u32 = 1;
}

pub async fn set_credit_hold(
    db: &DatabaseConnection,
    caller: &Caller,
    asking: Asking<SetCreditHold>,
    request_id: &str,
) -> Result<Gated<CustomerDetails>, AppError> {
    approval_gate::run_gated(
        db,
        caller,
        Permission::ManageCreditPolicy,
        asking,
        request_id,
        run_set_credit_hold,
    )
    .await
}

/// Places or releases the hold in `tx`; a release waits for approval when the policy says so,
/// compared by the customer's overdue amount.
pub async fn run_set_credit_hold(
    at: &InTx<'_>,
    command: &SetCreditHold,
    asked: Asked,
) -> Result<Gated<CustomerDetails>, AppError> {
    let InTx {
        db,
        tx,
        today,
        caller,
        actor,
        request_id,
    } = *at;
    caller.authorize(Permission::ManageCreditPolicy)?;
    let actor = actor.clone();
    let row = lock(tx, today, command.customer_id).await?;
    if row.credit_hold == command.hold {
        let error = if command.hold {
            CustomerError::AlreadyOnHold
        } else {
            CustomerError::NotOnHold
        };
        return Err(error.into());
    }
    if !command.hold {
        let change = asked_change(
            &row,
            ApprovalAction::CreditHoldRelease,
            Compared::amount(row.overdue),
            &command.reason,
        );
        if let Passage::Waiting(request) =
            approval_gate::pass(tx, today, &actor, asked, command, change, request_id).await?
        {
            return waiting(db, tx, today, row.id, *request).await;
        }
    }
    let before = snapshot_before(&row);
    store::set_credit_hold(&**tx, row.id, command.hold, &command.reason).await?;
    let (kind, action) = if command.hold {
        ("HOLD_PLACED", "customer.credit_hold_placed")
    } else {
        ("HOLD_RELEASED", "customer.credit_hold_released")
    };
    store::append_credit_event(
        &**tx,
        row.id,
        kind,
        None,
        None,
        &command.reason,
        actor.label(),
    )
    .await?;
    let record = record_change(
        db,
        tx,
        today,
        row.id,
        actor,
        action,
        Some(before),
        request_id,
    )
    .await?;
    Ok(Gated {
        record,
        approval_request: None,
    })
}

async fn lock(tx: &TenantTx, today: NaiveDate, id: Uuid) -> Result<CustomerRow, AppError> {
    Ok(store::customer_for_update(&**tx, today, id)
        .await?
        .ok_or(CustomerError::NotFound)?)
}

/// The change a credit action asks for, with the customer's standing it was asked against:
/// its limit, hold, balance, overdue amount and rating.
fn asked_change(
    row: &CustomerRow,
    action: ApprovalAction,
    compared: Compared,
    reason: &str,
) -> approval_gate::Change {
    let shown = |amount| domain::display::amount_string(amount, row.currency.code());
    approval_gate::Change {
        action,
        currency: row.currency,
        compared,
        subject: Subject {
            kind: "customer",
            id: row.id,
            customer_id: row.id,
            label: row.name.clone(),
        },
        asked_against: serde_json::json!({
            "customer": row.name, "currency": row.currency.code(),
            "creditLimit": row.credit_limit.map(shown),
            "creditHold": row.credit_hold, "balance": shown(row.balance),
            "overdue": shown(row.overdue),
            "riskGrade": row.risk_grade.map(|grade| grade.as_str()),
        }),
        reason: reason.to_owned(),
        idempotency_key: None,
    }
}

async fn waiting(
    db: &DatabaseConnection,
    tx: &TenantTx,
    today: NaiveDate,
    id: Uuid,
    request: approval_gate::RequestRow,
) -> Result<Gated<CustomerDetails>, AppError> {
    Ok(Gated {
        record: customer_in_tx(db, tx, today, id).await?,
        approval_request: Some(request),
    })
}
