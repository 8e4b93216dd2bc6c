//! The approvals' API: policies (`approvalPolicies`, `saveApprovalPolicy`,
//! `applySuggestedApprovalPolicies`), requests (`approvalRequests`, `approvalRequest`) and their
//! decisions (`approveApprovalRequest`, `rejectApprovalRequest`, `cancelApprovalRequest`), and
//! `approvalStats`.

use super::ApprovalError;
use super::service::{self, PolicyRecord, RequestRecord};
use super::store::{RequestFilter, StatsRow};
use crate::api::command;
use crate::api::context::{request, services};
use crate::api::objects::approval::{ApprovalRequest, approval_request};
use crate::api::values::{CountedList, id_or_nil, parse_amount, parse_currency, parse_id};
use crate::error::{ApiResult, AppError, IntoApi};
use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use domain::Role;
use domain::approvals::{
    ApprovalAction, ApprovalPolicy as Policy, ApprovalStatus, Approver, MAX_LEVELS, MAX_THRESHOLDS,
    Threshold,
};
use domain::reason::Reason;

/// One level of a threshold: a role, or one member.
#[derive(SimpleObject)]
pub struct ApprovalPolicyLevel {
    pub role: Option<Role>,
    pub user_id: Option<ID>,
}

/// Changes in `currency` above `above` (strictly) pass `levels`, in order.
#[derive(SimpleObject)]
pub struct ApprovalThreshold {
    pub currency: String,
    /// A decimal in `currency`.
    pub above: String,
    pub levels: Vec<ApprovalPolicyLevel>,
}

/// One action's policy. A new company's are all off.
#[derive(SimpleObject)]
pub struct ApprovalPolicy {
    pub action: ApprovalAction,
    pub enabled: bool,
    /// The highest threshold the amount is strictly above applies; a currency with no
    /// threshold of its own takes every level of the highest threshold.
    pub thresholds: Vec<ApprovalThreshold>,
    pub updated_by: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
}

fn policy(record: PolicyRecord) -> ApprovalPolicy {
    ApprovalPolicy {
        action: record.policy.action,
        enabled: record.policy.enabled,
        thresholds: record
            .policy
            .thresholds
            .into_iter()
            .map(|threshold| ApprovalThreshold {
                currency: threshold.currency.code().to_owned(),
                above: domain::display::amount_string(threshold.above, threshold.currency.code()),
                levels: threshold
                    .levels
                    .into_iter()
                    .map(|level| match level {
                        Approver::Role(role) => ApprovalPolicyLevel {
                            role: Some(role),
                            user_id: None,
                        },
                        Approver::Member(id) => ApprovalPolicyLevel {
                            role: None,
                            user_id: Some(ID(id.to_string())),
                        },
                    })
                    .collect(),
            })
            .collect(),
        updated_by: record.updated_by,
        updated_at: record.updated_at,
    }
}

#[derive(InputObject)]
pub struct ApprovalLevelInput {
    /// Anyone with this role (OWNER, ADMIN or FINANCE_MANAGER) …
    pub role: Option<Role>,
    /// … or this one member: exactly one of the two.
    pub user_id: Option<ID>,
}

#[derive(InputObject)]
pub struct ApprovalThresholdInput {
    /// ISO 4217, such as CNY.
    pub currency: String,
    /// A decimal in `currency`, zero or more; compared strictly greater.
    pub above: String,
    /// 1 to 5 levels, decided in order, each by a different person.
    pub levels: Vec<ApprovalLevelInput>,
}

#[derive(InputObject)]
pub struct SaveApprovalPolicyInput {
    pub action: ApprovalAction,
    pub enabled: bool,
    /// At most 20.
    pub thresholds: Vec<ApprovalThresholdInput>,
}

impl SaveApprovalPolicyInput {
    fn policy(self) -> Result<Policy, AppError> {
        if self.thresholds.len() > MAX_THRESHOLDS {
            return Err(AppError::input(
                "input.thresholds",
                Reason::CountOutOfRange {
                    min: 0,
                    max: MAX_THRESHOLDS as u32,
                },
            ));
        }
        let mut thresholds = Vec::with_capacity(self.thresholds.len());
        for (index, threshold) in self.thresholds.into_iter().enumerate() {
            let at = format!("input.thresholds[{index}]");
            let currency = parse_currency(&format!("{at}.currency"), &threshold.currency)?;
            let above = parse_amount(&format!("{at}.above"), &threshold.above, currency, true)?;
            if threshold.levels.len() > MAX_LEVELS {
                return Err(AppError::input(
                    format!("{at}.levels"),
                    Reason::CountOutOfRange {
                        min: 1,
                        max: MAX_LEVELS as u32,
                    },
                ));
            }
            let mut levels = Vec::with_capacity(threshold.levels.len());
            for (level, input) in threshold.levels.into_iter().enumerate() {
                let field = format!("{at}.levels[{level}]");
                levels.push(match (input.role, input.user_id) {
                    (Some(role), None) => Approver::Role(role),
                    (None, Some(id)) => {
                        Approver::Member(parse_id(&format!("{field}.userId"), &id)?)
                    }
                    (Some(_), Some(_)) => return Err(ApprovalError::LevelBoth { field }.into()),
                    (None, None) => return Err(ApprovalError::LevelNeither { field }.into()),
                });
            }
            thresholds.push(Threshold {
                currency,
                above,
                levels,
            });
        }
        Ok(Policy {
            action: self.action,
            enabled: self.enabled,
            thresholds,
        })
    }
}

#[derive(SimpleObject)]
pub struct ApprovalPolicyPayload {
    pub policy: ApprovalPolicy,
}

#[derive(SimpleObject)]
pub struct ApprovalPoliciesPayload {
    pub policies: Vec<ApprovalPolicy>,
}

#[derive(InputObject, Default)]
pub struct ApprovalRequestFilter {
    pub status: Option<Vec<ApprovalStatus>>,
    pub action: Option<Vec<ApprovalAction>>,
    /// The member who asked.
    pub requested_by: Option<ID>,
    /// Pending requests whose next level I may decide (not mine, no earlier level mine).
    pub awaiting_me: Option<bool>,
    pub customer_id: Option<ID>,
}

#[derive(InputObject)]
pub struct DecideApprovalRequestInput {
    pub request_id: ID,
    /// Required to reject; up to 2,000 characters.
    pub comment: Option<String>,
}

#[derive(InputObject)]
pub struct CancelApprovalRequestInput {
    pub request_id: ID,
}

#[derive(SimpleObject)]
pub struct ApprovalRequestPayload {
    pub approval_request: ApprovalRequest,
}

/// Counts and time to decide: by action (requests asked in the period) or by approver
/// (decisions taken in it).
#[derive(SimpleObject)]
pub struct ApprovalStatsRow {
    pub action: Option<ApprovalAction>,
    pub approver: Option<String>,
    pub requested: i64,
    pub approved: i64,
    pub rejected: i64,
    pub failed: i64,
    pub expired: i64,
    pub cancelled: i64,
    pub pending: i64,
    /// Average hours from asking to the decision.
    pub average_hours_to_decide: Option<f64>,
}

#[derive(SimpleObject)]
pub struct ApprovalStats {
    pub by_action: Vec<ApprovalStatsRow>,
    pub by_approver: Vec<ApprovalStatsRow>,
}

fn stats_row(row: StatsRow) -> ApprovalStatsRow {
    ApprovalStatsRow {
        action: row.action.as_deref().and_then(ApprovalAction::parse),
        approver: row.approver,
        requested: row.requested,
        approved: row.approved,
        rejected: row.rejected,
        failed: row.failed,
        expired: row.expired,
        cancelled: row.cancelled,
        pending: row.pending,
        average_hours_to_decide: row.average_hours,
    }
}

fn shown(record: RequestRecord) -> ApprovalRequest {
    approval_request(record.row, record.decisions)
}

pub type ApprovalRequestConnection = Connection<String, ApprovalRequest, CountedList>;

#[derive(Default)]
pub struct ApprovalsQuery;

#[Object]
impl ApprovalsQuery {
    /// Every action's approval policy (off until saved or turned on).
    async fn approval_policies(&self, ctx: &Context<'_>) -> ApiResult<Vec<ApprovalPolicy>> {
        let (_, db) = services(ctx)?;
        let records = service::approval_policies(db, &request(ctx)?.caller)
            .await
            .api()?;
        Ok(records.into_iter().map(policy).collect())
    }

    /// Approval requests, newest first: an owner, admin or finance manager sees every one,
    /// anyone else (and an API key) the ones they asked for. `first` is 1 to 200 (default 50).
    #[graphql(complexity = "crate::api::values::page_complexity(first, child_complexity)")]
    async fn approval_requests(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<ApprovalRequestFilter>,
    ) -> ApiResult<ApprovalRequestConnection> {
        let (_, db) = services(ctx)?;
        let filter = filter.unwrap_or_default();
        let checked = RequestFilter {
            statuses: filter.status.unwrap_or_default(),
            actions: filter.action.unwrap_or_default(),
            requested_by: filter.requested_by.as_ref().map(id_or_nil),
            awaiting_me: filter.awaiting_me.unwrap_or(false),
            customer_id: filter.customer_id.as_ref().map(id_or_nil),
        };
        if checked.statuses.len() > ApprovalStatus::ALL.len()
            || checked.actions.len() > ApprovalAction::ALL.len()
        {
            return Err(AppError::input(
                "filter",
                Reason::CountOutOfRange {
                    min: 0,
                    max: ApprovalAction::ALL.len() as u32,
                },
            ))
            .api();
        }
        let page = service::approval_requests(
            db,
            &request(ctx)?.caller,
            checked,
            first,
            after,
            ctx.look_ahead().field("totalCount").exists(),
        )
        .await
        .api()?;
        Ok(page.connection(shown))
    }

    /// One request the caller may see.
    async fn approval_request(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> ApiResult<Option<ApprovalRequest>> {
        let (_, db) = services(ctx)?;
        let found = service::approval_request(db, &request(ctx)?.caller, id_or_nil(&id))
            .await
            .api()?;
        Ok(found.map(shown))
    }

    /// Counts and time to decide, by action and by approver, over `[from, to)` (at most 5
    /// years).
    async fn approval_stats(
        &self,
        ctx: &Context<'_>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> ApiResult<ApprovalStats> {
        let (_, db) = services(ctx)?;
        let rows = service::approval_stats(db, &request(ctx)?.caller, from, to)
            .await
            .api()?;
        let (by_action, by_approver) = rows
            .into_iter()
            .map(stats_row)
            .partition(|row| row.action.is_some());
        Ok(ApprovalStats {
            by_action,
            by_approver,
        })
    }
}

#[derive(Default)]
pub struct ApprovalsMutation;

#[Object]
impl ApprovalsMutation {
    /// Saves one action's policy (permission MANAGE_SETTINGS): checked whole, and refused with
    /// `NO_ELIGIBLE_APPROVER` when no one on the team could satisfy a level.
    async fn save_approval_policy(
        &self,
        ctx: &Context<'_>,
        input: SaveApprovalPolicyInput,
    ) -> ApiResult<ApprovalPolicyPayload> {
        service::may_manage_policies(&request(ctx)?.caller).api()?;
        let policy_in = input.policy().api()?;
        let saved = command!(ctx, service::save_approval_policy, policy_in);
        Ok(ApprovalPolicyPayload {
            policy: policy(saved),
        })
    }

    /// Turns on Duely's suggested policy for every action, in the company's base currency.
    async fn apply_suggested_approval_policies(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<ApprovalPoliciesPayload> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        let records = service::apply_suggested_policies(db, &request.caller, &request.request_id)
            .await
            .api()?;
        Ok(ApprovalPoliciesPayload {
            policies: records.into_iter().map(policy).collect(),
        })
    }

    /// Approves the request's next level; the last approval runs the change, re-checked
    /// (APPROVED when it ran, FAILED with `failureCode` when the re-check refused it).
    async fn approve_approval_request(
        &self,
        ctx: &Context<'_>,
        input: DecideApprovalRequestInput,
    ) -> ApiResult<ApprovalRequestPayload> {
        let decided = command!(
            ctx,
            service::approve,
            (id_or_nil(&input.request_id), input.comment)
        );
        Ok(ApprovalRequestPayload {
            approval_request: shown(decided),
        })
    }

    /// Rejects the request, with a comment: nothing changes.
    async fn reject_approval_request(
        &self,
        ctx: &Context<'_>,
        input: DecideApprovalRequestInput,
    ) -> ApiResult<ApprovalRequestPayload> {
        let decided = command!(
            ctx,
            service::reject,
            (id_or_nil(&input.request_id), input.comment)
        );
        Ok(ApprovalRequestPayload {
            approval_request: shown(decided),
        })
    }

    /// Cancels a pending request: whoever asked (a person or the key), an owner or an admin.
    async fn cancel_approval_request(
        &self,
        ctx: &Context<'_>,
        input: CancelApprovalRequestInput,
    ) -> ApiResult<ApprovalRequestPayload> {
        let cancelled = command!(ctx, service::cancel, id_or_nil(&input.request_id));
        Ok(ApprovalRequestPayload {
            approval_request: shown(cancelled),
        })
    }
}
