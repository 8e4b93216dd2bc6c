//! Credit holds the dunning run places and releases: a ladder step's hold (a command), holds on
//! customers over their credit limit, and releasing holds whose cause has cleared. Each is
//! recorded in the customer's credit events and the audit log.

use super::run::RUN_LABEL;
use crate::audit::{self, Actor, AuditEntry};
use crate::collections::store::holds as store;
use crate::commands::Command;
use crate::customers as customer_store;
use crate::db::TenantTx;
use crate::error::AppError;
use chrono::NaiveDate;
use domain::TenantId;
use domain::messages::{Localized, Text};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A credit hold a ladder step places on a customer; the step's name says why.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlaceCreditHold {
    pub customer_id: Uuid,
    /// The ladder step's name, as the company reads it.
    pub step: String,
    /// The language of the hold's reason (the company's); commands stored before it was
    /// recorded read Chinese.
    #[serde(default)]
    pub locale: domain::Locale,
}

impl Command for PlaceCreditHold {
    const KIND: &'static str = "collections.place_credit_hold";
    const VERSION: u32 = 1;
}

/// Places a credit hold from a ladder step. Returns false when the customer is on hold already.
pub async fn place_hold(tx: &TenantTx, command: PlaceCreditHold) -> Result<bool, AppError> {
    // The reason is text people read on the customer, written in the company's language.
    let reason = Text::HoldByDunningStep {
        step: Box::new(Text::typed(command.step)),
    }
    .text(command.locale);
    let placed = store::place_hold(&**tx, command.customer_id, &reason).await?;
    if placed {
        customer_store::append_credit_event(
            &**tx,
            command.customer_id,
            "HOLD_PLACED",
            None,
            None,
            &reason,
            RUN_LABEL,
        )
        .await?;
        audit::record(
            &**tx,
            tx.tenant(),
            AuditEntry {
                actor: Actor::System,
                action: "customer.credit_hold_placed",
                entity_type: "customer",
                entity_id: Some(command.customer_id.to_string()),
                before: None,
                after: Some(serde_json::json!({ "reason": reason, "cause": "DUNNING" })),
                request_id: None,
            },
        )
        .await?;
    }
    Ok(placed)
}

/// Places a credit hold on every customer whose open invoices (in its currency) exceed its
/// credit limit, when the company chooses so; the hold is released once the balance is back
/// under the limit (if holds are released automatically).
pub async fn hold_over_limit_customers(
    db: &DatabaseConnection,
    tenant: TenantId,
) -> Result<i32, AppError> {
    let tx = TenantTx::begin(db, tenant).await?;
    let reason = "Over the credit limit";
    let held = store::hold_over_limit(&*tx, reason).await?;
    let mut count = 0;
    for id in held {
        customer_store::append_credit_event(&*tx, id, "HOLD_PLACED", None, None, reason, RUN_LABEL)
            .await?;
        audit::record(
            &*tx,
            tenant,
            AuditEntry {
                actor: Actor::System,
                action: "customer.credit_hold_placed",
                entity_type: "customer",
                entity_id: Some(id.to_string()),
                before: None,
                after: Some(serde_json::json!({ "reason": reason, "cause": "OVER_LIMIT" })),
                request_id: None,
            },
        )
        .await?;
        count += 1;
    }
    tx.commit().await?;
    Ok(count)
}

/// Releases holds the run placed once nothing is overdue any more on the run's `date`, or holds
/// placed for going over the limit once the balance is back under it. Audited like a release
/// by hand.
pub async fn release_holds(
    db: &DatabaseConnection,
    tenant: TenantId,
    date: NaiveDate,
) -> Result<i32, AppError> {
    let tx = TenantTx::begin(db, tenant).await?;
    let released = store::release_holds(&*tx, date).await?;
    let mut count = 0;
    for id in released {
        let reason = "Released automatically: the cause of the hold has cleared";
        customer_store::append_credit_event(
            &*tx,
            id,
            "HOLD_RELEASED",
            None,
            None,
            reason,
            RUN_LABEL,
        )
        .await?;
        audit::record(
            &*tx,
            tenant,
            AuditEntry {
                actor: Actor::System,
                action: "customer.credit_hold_released",
                entity_type: "customer",
                entity_id: Some(id.to_string()),
                before: None,
                after: Some(serde_json::json!({ "reason": reason })),
                request_id: None,
            },
        )
        .await?;
        count += 1;
    }
    tx.commit().await?;
    Ok(count)
}
