//! An approval request as the API shows it: in the approvals list and in the payload of every
//! gated mutation (`approvalRequest { id status }`).

use crate::api::values::{Date, Money};
use crate::approval_gate::RequestRow;
use crate::approvals::store::DecisionRow;
use async_graphql::{ID, Json, SimpleObject};
use chrono::{DateTime, Utc};
use domain::Role;
use domain::approvals::{ApprovalAction, ApprovalStatus, Approver};

/// One level of a request: who the policy names, and the decision when taken.
#[derive(SimpleObject)]
pub struct ApprovalLevel {
    /// From 1.
    pub level: i32,
    /// The role the policy names, or none when it names one member.
    pub role: Option<Role>,
    pub user_id: Option<ID>,
    /// APPROVED or REJECTED; none while undecided.
    pub decision: Option<String>,
    pub decided_by: Option<String>,
    pub decided_by_id: Option<ID>,
    pub comment: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// A change to money or risk waiting for (or decided by) approval: the command exactly as
/// asked, the state it was asked against, who asked and why, and each level's decision.
#[derive(SimpleObject)]
pub struct ApprovalRequest {
    pub id: ID,
    pub action: ApprovalAction,
    pub status: ApprovalStatus,
    /// The amount compared with the policy's thresholds; none when above every threshold
    /// (removing a credit limit).
    pub amount: Option<Money>,
    pub currency: String,
    /// `invoice` or `customer`.
    pub subject_type: String,
    pub subject_id: ID,
    /// The invoice number or the customer's name.
    pub subject_label: String,
    pub customer_id: ID,
    /// What the change was asked against (the balance, the current limit, the rating).
    pub asked_against: Json<serde_json::Value>,
    /// The change as asked: `kind`, `version` and its fields in `body`.
    pub command: Json<serde_json::Value>,
    pub reason: String,
    /// The member's name or the API key's name.
    pub requested_by: String,
    pub requested_by_id: Option<ID>,
    pub requested_by_api_key_id: Option<ID>,
    pub created_at: DateTime<Utc>,
    /// A request still pending at the end of this day expires.
    pub expires_on: Date,
    pub decided_at: Option<DateTime<Utc>>,
    pub levels: Vec<ApprovalLevel>,
    /// For FAILED: the reason the re-check refused the change (`APPROVAL_STATE_CHANGED`,
    /// `INVOICE_WRONG_STATUS`, …), and its message.
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
}

/// The request with its decisions, as the API shows it.
pub fn approval_request(row: RequestRow, decisions: Vec<DecisionRow>) -> ApprovalRequest {
    let named = row.levels().unwrap_or_default();
    let levels = named
        .iter()
        .enumerate()
        .map(|(index, approver)| {
            let decision = decisions
                .iter()
                .find(|decision| usize::try_from(decision.level) == Ok(index + 1));
            let (role, user_id) = match approver {
                Approver::Role(role) => (Some(*role), None),
                Approver::Member(id) => (None, Some(ID(id.to_string()))),
            };
            ApprovalLevel {
                level: index as i32 + 1,
                role,
                user_id,
                decision: decision.map(|d| d.decision.clone()),
                decided_by: decision.map(|d| d.decider.clone()),
                decided_by_id: decision.map(|d| ID(d.decided_by.to_string())),
                comment: decision.and_then(|d| d.comment.clone()),
                decided_at: decision.map(|d| d.decided_at),
            }
        })
        .collect();
    ApprovalRequest {
        id: ID(row.id.to_string()),
        action: row.action,
        status: row.status,
        amount: row
            .amount
            .map(|amount| Money::new(amount, row.currency.code())),
        currency: row.currency.code().to_owned(),
        subject_type: row.subject_type,
        subject_id: ID(row.subject_id.to_string()),
        subject_label: row.subject_label,
        customer_id: ID(row.customer_id.to_string()),
        asked_against: Json(row.asked_against),
        command: Json(row.command),
        reason: row.reason,
        requested_by: row.requested_label,
        requested_by_id: row.requested_by.map(|id| ID(id.to_string())),
        requested_by_api_key_id: row.requested_by_key.map(|id| ID(id.to_string())),
        created_at: row.created_at,
        expires_on: Date(row.expires_on),
        decided_at: row.decided_at,
        levels,
        failure_code: row.failure_code,
        failure_message: row.failure_reason,
    }
}
