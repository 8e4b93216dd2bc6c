//! The approval use cases: reading and saving policies, listing requests, deciding them (the
//! last approval runs the stored command in the approver's transaction), cancelling them,
//! expiring them daily, and the figures.

use super::errors::ApprovalError;
use super::store::{self, DecisionRow, PolicyRow, Reader, RequestFilter, StatsRow};
use crate::api::pagination::{Page, PageRequest};
use crate::approval_gate::{self, Asked, InTx, RequestRow};
use crate::audit::{self, Actor, AuditEntry};
use crate::auth::Caller;
use crate::commands::{Command, StoredCommand};
use crate::db::{self, TenantTx};
use crate::error::AppError;
use crate::jobs::{ClaimedJob, JobHandler};
use chrono::{DateTime, NaiveDate, Utc};
use domain::TenantId;
use domain::access::{Permission, Role};
use domain::approvals::{
    ApprovalAction, ApprovalPolicy, ApprovalStatus, TeamMember, may_decide, suggested,
};
use domain::reason::Reason;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

/// The daily job that ends requests left undecided past their expiry day.
pub const EXPIRE_JOB: &str = "approvals.expire";

/// A policy with who saved it last (none for an action never saved: off).
#[derive(Debug, Clone)]
pub struct PolicyRecord {
    pub policy: ApprovalPolicy,
    pub updated_by: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A request with its decisions so far, level by level.
#[derive(Debug, Clone)]
pub struct RequestRecord {
    pub row: RequestRow,
    pub decisions: Vec<DecisionRow>,
}

fn policy_of(row: PolicyRow) -> Result<PolicyRecord, AppError> {
    let thresholds = serde_json::from_value(row.thresholds).map_err(|error| {
        AppError::Internal(anyhow::anyhow!(
            "approval policy {}: {error}",
            row.action.as_str()
        ))
    })?;
    Ok(PolicyRecord {
        policy: ApprovalPolicy {
            action: row.action,
            enabled: row.enabled,
            thresholds,
        },
        updated_by: Some(row.updated_by),
        updated_at: Some(row.updated_at),
    })
}

/// Every action's policy, in the order of `ApprovalAction::ALL`; anyone of the company may
/// read them (the web app tells a maker before they confirm that a change will wait).
pub async fn approval_policies(
    db: &DatabaseConnection,
    caller: &Caller,
) -> Result<Vec<PolicyRecord>, AppError> {
    let tenant = caller.require_tenant()?;
    let tx = TenantTx::begin(db, tenant).await?;
    let saved = store::policies(&*tx).await?;
    tx.commit().await?;
    let mut saved = saved
        .into_iter()
        .map(policy_of)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ApprovalAction::ALL
        .iter()
        .map(|&action| {
            saved
                .iter()
                .position(|record| record.policy.action == action)
                .map(|at| saved.swap_remove(at))
                .unwrap_or(PolicyRecord {
                    policy: ApprovalPolicy::off(action),
                    updated_by: None,
                    updated_at: None,
                })
        })
        .collect())
}

/// The team as approvers: each member's id and role.
async fn team(db: &DatabaseConnection, tenant: TenantId) -> Result<Vec<TeamMember>, AppError> {
    Ok(db::members::members(db, tenant, None)
        .await?
        .into_iter()
        .map(|member| TeamMember {
            id: member.id,
            role: member.role,
        })
        .collect())
}

/// Who may change the policies: those who manage the company's settings. Checked before the
/// input is read, so a caller who may not learns nothing from a validation error.
pub fn may_manage_policies(caller: &Caller) -> Result<(), AppError> {
    caller.authorize(Permission::ManageSettings).map(|_| ())
}

/// Saves one action's policy, checked whole: its shape, then that the team can satisfy every
/// threshold (`NO_ELIGIBLE_APPROVER` otherwise). Audited with before and after.
pub async fn save_approval_policy(
    db: &DatabaseConnection,
    caller: &Caller,
    policy: ApprovalPolicy,
    request_id: &str,
) -> Result<PolicyRecord, AppError> {
    caller.authorize(Permission::ManageSettings)?;
    let tenant = caller.require_tenant()?;
    policy.check_shape().map_err(ApprovalError::Policy)?;
    policy
        .check_team(&team(db, tenant).await?)
        .map_err(ApprovalError::Policy)?;
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    save_in(&tx, &policy, &actor, request_id).await?;
    tx.commit().await?;
    Ok(approval_policies(db, caller)
        .await?
        .into_iter()
        .find(|record| record.policy.action == policy.action)
        .unwrap_or(PolicyRecord {
            policy,
            updated_by: None,
            updated_at: None,
        }))
}

async fn save_in(
    tx: &TenantTx,
    policy: &ApprovalPolicy,
    actor: &Actor,
    request_id: &str,
) -> Result<(), AppError> {
    let before = approval_gate::policy(&**tx, policy.action).await?;
    let thresholds = serde_json::to_value(&policy.thresholds)
        .map_err(|error| AppError::Internal(anyhow::anyhow!("policy thresholds: {error}")))?;
    store::save_policy(
        &**tx,
        policy.action,
        policy.enabled,
        thresholds,
        actor.label(),
    )
    .await?;
    audit::record(
        &**tx,
        tx.tenant(),
        AuditEntry {
            actor: actor.clone(),
            action: "approval_policy.saved",
            entity_type: "approval_policy",
            entity_id: Some(policy.action.as_str().to_owned()),
            before: before.and_then(|before| serde_json::to_value(before).ok()),
            after: serde_json::to_value(policy).ok(),
            request_id: Some(request_id),
        },
    )
    .await?;
    Ok(())
}

/// Turns on Duely's suggested policies for every action, in the company's base currency, in
/// one step (each checked against the team like any other).
pub async fn apply_suggested_policies(
    db: &DatabaseConnection,
    caller: &Caller,
    request_id: &str,
) -> Result<Vec<PolicyRecord>, AppError> {
    caller.authorize(Permission::ManageSettings)?;
    let tenant = caller.require_tenant()?;
    let base = crate::settings::store::profile(db, tenant, false)
        .await?
        .company
        .base_currency;
    let policies = suggested(base);
    let team = team(db, tenant).await?;
    for policy in &policies {
        policy.check_team(&team).map_err(ApprovalError::Policy)?;
    }
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    for policy in &policies {
        save_in(&tx, policy, &actor, request_id).await?;
    }
    tx.commit().await?;
    approval_policies(db, caller).await
}

/// Who reads the requests: approvers see every one, anyone else their own.
fn reader_of(caller: &Caller) -> Reader {
    match caller {
        Caller::Member(member) => Reader {
            member: Some((member.user_id, member.role)),
            key: None,
            sees_all: may_decide(member.role),
        },
        Caller::ApiKey(key) => Reader {
            member: None,
            key: Some(key.key_id),
            sees_all: false,
        },
        Caller::Anonymous | Caller::Rejected(_) => Reader {
            member: None,
            key: None,
            sees_all: false,
        },
    }
}

fn visible(reader: Reader, row: &RequestRow) -> bool {
    reader.sees_all
        || reader
            .member
            .is_some_and(|(me, _)| row.requested_by == Some(me))
        || reader
            .key
            .is_some_and(|key| row.requested_by_key == Some(key))
}

async fn with_decisions(
    conn: &TenantTx,
    rows: Vec<RequestRow>,
) -> Result<Vec<RequestRecord>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let mut decisions = store::decisions(&**conn, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let (mine, rest) = decisions
                .drain(..)
                .partition(|decision| decision.request_id == row.id);
            decisions = rest;
            RequestRecord {
                row,
                decisions: mine,
            }
        })
        .collect())
}

/// A page of the requests the caller may see, newest first.
pub async fn approval_requests(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: RequestFilter,
    first: Option<i32>,
    after: Option<String>,
    wants_total: bool,
) -> Result<Page<RequestRecord>, AppError> {
    let tenant = caller.require_tenant()?;
    let request = PageRequest::parse("approvalRequests", "NEWEST", true, first, after.as_deref())?;
    let tx = TenantTx::begin(db, tenant).await?;
    let (rows, total) = store::page(&tx, reader_of(caller), &filter, &request, wants_total).await?;
    let mut page = request.page(rows, total, |row| vec![row.id.to_string()]);
    let records = with_decisions(&tx, std::mem::take(&mut page.items)).await?;
    tx.commit().await?;
    Ok(page.with_items(records))
}

/// One request the caller may see.
pub async fn approval_request(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
) -> Result<Option<RequestRecord>, AppError> {
    let tenant = caller.require_tenant()?;
    let tx = TenantTx::begin(db, tenant).await?;
    let row = approval_gate::request(&*tx, id, false)
        .await?
        .filter(|row| visible(reader_of(caller), row));
    let found = match row {
        Some(row) => with_decisions(&tx, vec![row]).await?.pop(),
        None => None,
    };
    tx.commit().await?;
    Ok(found)
}

/// Approves the request's next level; the last approval runs the stored command in this
/// transaction. A command the re-check refuses ends the request FAILED with the refusal's
/// reason, and nothing else changes.
pub async fn approve(
    db: &DatabaseConnection,
    caller: &Caller,
    (id, comment): (Uuid, Option<String>),
    request_id: &str,
) -> Result<RequestRecord, AppError> {
    decide(db, caller, id, comment, true, request_id).await
}

/// Rejects the request (a comment is required): nothing runs.
pub async fn reject(
    db: &DatabaseConnection,
    caller: &Caller,
    (id, comment): (Uuid, Option<String>),
    request_id: &str,
) -> Result<RequestRecord, AppError> {
    caller.require_member()?;
    if comment.as_deref().is_none_or(|text| text.trim().is_empty()) {
        return Err(ApprovalError::CommentRequired.into());
    }
    decide(db, caller, id, comment, false, request_id).await
}

fn comment_of(comment: Option<String>) -> Result<Option<String>, AppError> {
    crate::api::values::optional_text("input.comment", comment.as_deref(), 2000)
}

async fn decide(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    comment: Option<String>,
    approved: bool,
    request_id: &str,
) -> Result<RequestRecord, AppError> {
    let member = caller.require_member()?;
    let tenant = caller.require_tenant()?;
    let comment = comment_of(comment)?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let actor = audit::actor_of(db, caller).await?;
    let me = (member.user_id, member.role);
    let tx = TenantTx::begin(db, tenant).await?;
    let (row, level, last) = take_decision(
        &tx,
        me,
        &actor,
        id,
        approved,
        comment.as_deref(),
        request_id,
    )
    .await?;
    if !approved {
        end(
            &tx,
            &actor,
            &row,
            ApprovalStatus::Rejected,
            None,
            request_id,
        )
        .await?;
        approval_gate::notify(&tx, id, 0).await?;
    } else if !last {
        // The next level's approvers hear of it.
        approval_gate::notify(&tx, id, usize::try_from(level).unwrap_or(0) + 1).await?;
    } else {
        let at = InTx {
            db,
            tx: &tx,
            today: calendar.today,
            caller,
            actor: &actor,
            request_id,
        };
        match run_command(&at, &row).await {
            Ok(()) => {
                end(
                    &tx,
                    &actor,
                    &row,
                    ApprovalStatus::Approved,
                    None,
                    request_id,
                )
                .await?;
                approval_gate::notify(&tx, id, 0).await?;
            }
            Err(AppError::Client {
                reason, message, ..
            }) => {
                // The re-check refused it: undo whatever it began, then record the approval
                // and the failure alone.
                tx.rollback().await?;
                let tx = TenantTx::begin(db, tenant).await?;
                let (row, again, _) =
                    take_decision(&tx, me, &actor, id, true, comment.as_deref(), request_id)
                        .await?;
                if again != level {
                    return Err(ApprovalError::NotPending { status: "PENDING" }.into());
                }
                let failure = (reason.name(), message);
                end(
                    &tx,
                    &actor,
                    &row,
                    ApprovalStatus::Failed,
                    Some(failure),
                    request_id,
                )
                .await?;
                approval_gate::notify(&tx, id, 0).await?;
                return finish(tx, id).await;
            }
            Err(error) => return Err(error),
        }
    }
    finish(tx, id).await
}

/// Locks the request, checks that `me` may decide its next level and records the decision;
/// returns the request, the level decided (from 1) and whether it was the last.
#[allow(clippy::too_many_arguments)]
async fn take_decision(
    tx: &TenantTx,
    (me, role): (Uuid, Role),
    actor: &Actor,
    id: Uuid,
    approved: bool,
    comment: Option<&str>,
    request_id: &str,
) -> Result<(RequestRow, i16, bool), AppError> {
    let row = approval_gate::request(&**tx, id, true)
        .await?
        .ok_or(ApprovalError::NotFound)?;
    if row.status != ApprovalStatus::Pending {
        return Err(ApprovalError::NotPending {
            status: row.status.as_str(),
        }
        .into());
    }
    if row.requested_by == Some(me) {
        return Err(ApprovalError::MakerCannotDecide.into());
    }
    let decisions = store::decisions(&**tx, &[id]).await?;
    if decisions.iter().any(|decision| decision.decided_by == me) {
        return Err(ApprovalError::DecidedEarlierLevel.into());
    }
    let levels = row.levels()?;
    let next = decisions.len();
    let level = next as i16 + 1;
    let admitted = levels
        .get(next)
        .is_some_and(|approver| approver.admits(TeamMember { id: me, role }));
    if !admitted {
        return Err(ApprovalError::NotAnApprover {
            level: level as u32,
        }
        .into());
    }
    store::insert_decision(&**tx, id, level, (me, actor.label()), approved, comment).await?;
    audit::record(
        &**tx,
        tx.tenant(),
        AuditEntry {
            actor: actor.clone(),
            action: if approved {
                "approval.approved"
            } else {
                "approval.rejected"
            },
            entity_type: "approval_request",
            entity_id: Some(id.to_string()),
            before: None,
            after: Some(serde_json::json!({"level": level, "comment": comment})),
            request_id: Some(request_id),
        },
    )
    .await?;
    Ok((row, level, usize::from(level as u16) == levels.len()))
}

/// Ends the request as `status` and audits it.
async fn end(
    tx: &TenantTx,
    actor: &Actor,
    row: &RequestRow,
    status: ApprovalStatus,
    failure: Option<(String, String)>,
    request_id: &str,
) -> Result<(), AppError> {
    store::end(&**tx, row.id, status, failure.clone()).await?;
    audit::record(
        &**tx,
        tx.tenant(),
        AuditEntry {
            actor: actor.clone(),
            action: match status {
                ApprovalStatus::Approved => "approval.ran",
                ApprovalStatus::Failed => "approval.failed",
                ApprovalStatus::Rejected => "approval.closed_rejected",
                ApprovalStatus::Cancelled => "approval.cancelled",
                ApprovalStatus::Expired => "approval.expired",
                ApprovalStatus::Pending => "approval.pending",
            },
            entity_type: "approval_request",
            entity_id: Some(row.id.to_string()),
            before: Some(serde_json::json!({"status": row.status.as_str()})),
            after: Some(serde_json::json!({
                "status": status.as_str(),
                "failureCode": failure.as_ref().map(|(code, _)| code),
            })),
            request_id: Some(request_id),
        },
    )
    .await?;
    Ok(())
}

async fn finish(tx: TenantTx, id: Uuid) -> Result<RequestRecord, AppError> {
    let row = approval_gate::request(&*tx, id, false)
        .await?
        .ok_or(ApprovalError::NotFound)?;
    let record = with_decisions(&tx, vec![row]).await?.pop();
    tx.commit().await?;
    record.ok_or_else(|| ApprovalError::NotFound.into())
}

/// Cancels a pending request: its maker (person or key), an owner or an admin.
pub async fn cancel(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    request_id: &str,
) -> Result<RequestRecord, AppError> {
    let tenant = caller.require_tenant()?;
    let reader = reader_of(caller);
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let row = approval_gate::request(&*tx, id, true)
        .await?
        .filter(|row| visible(reader, row))
        .ok_or(ApprovalError::NotFound)?;
    let maker = visible(
        Reader {
            sees_all: false,
            ..reader
        },
        &row,
    );
    let admin = matches!(reader.member, Some((_, Role::Owner | Role::Admin)));
    if !maker && !admin {
        return Err(ApprovalError::CancelMakerOrAdmin.into());
    }
    if row.status != ApprovalStatus::Pending {
        return Err(ApprovalError::NotPending {
            status: row.status.as_str(),
        }
        .into());
    }
    end(
        &tx,
        &actor,
        &row,
        ApprovalStatus::Cancelled,
        None,
        request_id,
    )
    .await?;
    finish(tx, id).await
}

/// Runs the request's stored command as `caller` (the last approver) in `tx`, re-checked
/// against the amount it was compared by when asked.
async fn run_command(at: &InTx<'_>, row: &RequestRow) -> Result<(), AppError> {
    use crate::collections::service::fees::WaiveFee;
    use crate::customers::service::{SetCreditHold, SetCreditLimit};
    use crate::invoices::service::{CreateCreditNote, IssueInvoice, VoidInvoice, WriteOffInvoice};
    use crate::payments::commands::ReversePayment;
    let unreadable = |kind: &str| {
        AppError::refused(Reason::ApprovalCommandUnreadable {
            kind: kind.to_owned(),
        })
    };
    let stored: StoredCommand = row
        .stored_command()
        .map_err(|_| unreadable("(unreadable)"))?;
    let asked = Asked::Approved {
        compared: row.amount,
        request: row.id,
    };
    macro_rules! run {
        ($command:ty, $run:path) => {{
            let command: $command = stored.read().ok_or_else(|| unreadable(&stored.kind))?;
            $run(at, &command, asked).await.map(|_| ())
        }};
    }
    match stored.kind.as_str() {
        WriteOffInvoice::KIND => run!(
            WriteOffInvoice,
            crate::invoices::service::run_write_off_invoice
        ),
        VoidInvoice::KIND => run!(VoidInvoice, crate::invoices::service::run_void_invoice),
        SetCreditLimit::KIND => run!(
            SetCreditLimit,
            crate::customers::service::run_set_credit_limit
        ),
        SetCreditHold::KIND => run!(
            SetCreditHold,
            crate::customers::service::run_set_credit_hold
        ),
        IssueInvoice::KIND => run!(IssueInvoice, crate::invoices::service::run_issue_invoice),
        CreateCreditNote::KIND => run!(
            CreateCreditNote,
            crate::invoices::service::run_create_credit_note
        ),
        WaiveFee::KIND => run!(WaiveFee, crate::collections::service::fees::run_waive_fee),
        ReversePayment::KIND => run!(
            ReversePayment,
            crate::payments::service::run_reverse_payment
        ),
        other => Err(unreadable(other)),
    }
}

/// Ends every request of `tenant` still pending on or after its expiry day, as of `today`.
pub async fn expire(
    db: &DatabaseConnection,
    tenant: TenantId,
    today: NaiveDate,
) -> Result<usize, AppError> {
    let tx = TenantTx::begin(db, tenant).await?;
    let expired = store::expire(&*tx, today).await?;
    let entries = expired
        .iter()
        .map(|request| AuditEntry {
            actor: Actor::System,
            action: "approval.expired",
            entity_type: "approval_request",
            entity_id: Some(request.id.to_string()),
            before: Some(serde_json::json!({"status": "PENDING", "action": request.action})),
            after: Some(serde_json::json!({"status": "EXPIRED"})),
            request_id: None,
        })
        .collect();
    audit::record_all(&*tx, tenant, entries).await?;
    tx.commit().await?;
    Ok(expired.len())
}

/// The daily job: each company's requests past their expiry day end EXPIRED.
pub struct ExpireRequests;

#[async_trait::async_trait]
impl JobHandler for ExpireRequests {
    async fn run(&self, db: &DatabaseConnection, job: &ClaimedJob) -> anyhow::Result<()> {
        let (tenant, date) = (job.tenant()?, job.date()?);
        let expired = expire(db, tenant, date)
            .await
            .map_err(|error| anyhow::anyhow!("expiring approval requests: {error:?}"))?;
        if expired > 0 {
            tracing::info!(%tenant, expired, "approval requests expired");
        }
        Ok(())
    }
}

/// Counts and time to decide by action (requests asked in the period) and by approver
/// (decisions taken in it).
pub async fn approval_stats(
    db: &DatabaseConnection,
    caller: &Caller,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<StatsRow>, AppError> {
    caller.authorize(Permission::ViewReports)?;
    let tenant = caller.require_tenant()?;
    if to <= from || to - from > chrono::Duration::days(366 * 5) {
        return Err(AppError::input("to", Reason::BadPeriod { years: Some(5) }));
    }
    let tx = TenantTx::begin(db, tenant).await?;
    let rows = store::stats(&*tx, from, to).await?;
    tx.commit().await?;
    Ok(rows)
}
