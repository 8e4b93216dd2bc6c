//! The gate a change to money or risk passes before it runs (审批): under the company's policy
//! for its action it runs at once, waits as a stored request, or is refused with
//! `APPROVAL_REQUIRED`. Each gated use case calls [`pass`] in its own transaction, after its
//! checks and before its writes, so a request is stored with exactly the state it was asked
//! against; the last approval runs the same use case again with [`Asked::Approved`], which
//! refuses it when the amount compared has changed since.
//!
//! Outside the areas (like `audit`): the areas' services call it, and `approvals` runs their
//! commands, so neither depends on the other through it.

use crate::audit::{self, Actor, AuditEntry};
use crate::auth::Caller;
use crate::commands::{Command, StoredCommand};
use crate::db::TenantTx;
use crate::error::AppError;
use chrono::{DateTime, NaiveDate, Utc};
use domain::Currency;
use domain::access::Permission;
use domain::approvals::{ApprovalAction, ApprovalPolicy, ApprovalStatus, Approver, Compared};
use domain::reason::Reason;
use rust_decimal::Decimal;
use sea_orm::DatabaseConnection;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

/// How a gated change came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    /// From a person or an API key: it waits when the policy says so, as a request when
    /// `request_approval` is set and refused otherwise.
    Directly { request_approval: bool },
    /// By the last approval of `request`, which was compared by `compared` (`None`: above
    /// every threshold): it runs only if the same amount is compared now. What the change
    /// creates may take the request's id (a credit note keeps the id it was shown with).
    Approved {
        compared: Option<Decimal>,
        request: Uuid,
    },
}

/// The record a change is about.
#[derive(Debug, Clone)]
pub struct Subject {
    /// `invoice`, `customer`, …
    pub kind: &'static str,
    pub id: Uuid,
    pub customer_id: Uuid,
    /// What people call it: the invoice number, the customer's name.
    pub label: String,
}

/// A change as its use case describes it to the gate.
#[derive(Debug, Clone)]
pub struct Change {
    pub action: ApprovalAction,
    pub currency: Currency,
    pub compared: Compared,
    pub subject: Subject,
    /// The state the change was asked against, kept with the request to show before and after.
    pub asked_against: serde_json::Value,
    /// The maker's reason.
    pub reason: String,
    pub idempotency_key: Option<String>,
}

/// What the gate decided.
#[derive(Debug)]
pub enum Passage {
    /// The change runs now.
    Run,
    /// The change waits for approval as this request (stored in the caller's transaction).
    Waiting(Box<RequestRow>),
}

/// A stored request, as every reader selects it.
#[derive(Debug, Clone, FromQueryResult)]
pub struct RequestRow {
    pub id: Uuid,
    pub action: ApprovalAction,
    pub status: ApprovalStatus,
    pub command: serde_json::Value,
    pub currency: Currency,
    pub amount: Option<Decimal>,
    pub levels: serde_json::Value,
    pub level_count: i16,
    /// How many levels have approved so far.
    pub approved_levels: i64,
    pub subject_type: String,
    pub subject_id: Uuid,
    pub customer_id: Uuid,
    pub subject_label: String,
    pub asked_against: serde_json::Value,
    pub reason: String,
    pub requested_by: Option<Uuid>,
    pub requested_by_key: Option<Uuid>,
    pub requested_label: String,
    pub created_at: DateTime<Utc>,
    pub expires_on: NaiveDate,
    pub decided_at: Option<DateTime<Utc>>,
    pub failure_code: Option<String>,
    pub failure_reason: Option<String>,
}

/// The columns of [`RequestRow`] from `approval_requests r`.
pub const REQUEST_COLUMNS: &str = "r.id, r.action, r.status, r.command, r.currency::text AS \
    currency, r.amount, r.levels, r.level_count, (SELECT count(*) FROM approval_decisions d \
    WHERE d.request_id = r.id AND d.decision = 'APPROVED') AS approved_levels, r.subject_type, \
    r.subject_id, r.customer_id, r.subject_label, r.asked_against, r.reason, r.requested_by, \
    r.requested_by_key, r.requested_label, r.created_at, r.expires_on, r.decided_at, \
    r.failure_code, r.failure_reason";

impl RequestRow {
    /// The levels of the policy in force when it was asked, in order.
    pub fn levels(&self) -> Result<Vec<Approver>, AppError> {
        serde_json::from_value(self.levels.clone()).map_err(|error| {
            AppError::Internal(anyhow::anyhow!("request {}: levels: {error}", self.id))
        })
    }

    /// The command as asked.
    pub fn stored_command(&self) -> Result<StoredCommand, serde_json::Error> {
        serde_json::from_value(self.command.clone())
    }
}

/// The amount a change is kept with: `None` above every threshold.
fn kept_amount(compared: Compared) -> Option<Decimal> {
    match compared {
        Compared::Amount(amount) => Some(amount),
        Compared::AboveEvery | Compared::Never => None,
    }
}

/// Lets `change` run, stores it as a request, or refuses it, as the policy and `asked` say.
pub async fn pass<C: Command>(
    tx: &TenantTx,
    today: NaiveDate,
    actor: &Actor,
    asked: Asked,
    command: &C,
    change: Change,
    request_id: &str,
) -> Result<Passage, AppError> {
    let request_approval = match asked {
        Asked::Approved { compared, .. } => {
            return if change.compared != Compared::Never && kept_amount(change.compared) == compared
            {
                Ok(Passage::Run)
            } else {
                Err(AppError::refused(Reason::ApprovalStateChanged {}))
            };
        }
        Asked::Directly { request_approval } => request_approval,
    };
    let Some(policy) = policy(&**tx, change.action).await? else {
        return Ok(Passage::Run);
    };
    let Some(levels) = policy.levels_for(change.currency, change.compared) else {
        return Ok(Passage::Run);
    };
    if !request_approval {
        return Err(AppError::refused(Reason::ApprovalRequired {
            action: change.action.as_str().to_owned(),
        }));
    }
    if let Some(key) = change.idempotency_key.as_deref()
        && let Some(existing) = request_by_key(&**tx, change.action, key).await?
    {
        return Ok(Passage::Waiting(Box::new(existing)));
    }
    let stored = StoredCommand::of(command)
        .map_err(|error| AppError::Internal(anyhow::anyhow!("storing {}: {error}", C::KIND)))?;
    let expiry_days = crate::settings::store::read(&**tx)
        .await?
        .approvals
        .expiry_days;
    let id = Uuid::now_v7();
    let (maker, maker_key) = match actor {
        Actor::User { id, .. } => (Some(*id), None),
        Actor::ApiKey { id, .. } => (None, Some(*id)),
        Actor::System => return Ok(Passage::Run),
    };
    let inserted = tx
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO approval_requests (id, action, command, currency, amount, levels,
                 level_count, subject_type, subject_id, customer_id, subject_label, asked_against,
                 reason, requested_by, requested_by_key, requested_label, idempotency_key,
                 expires_on)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                 $18::date + $19::int)",
            [
                id.into(),
                change.action.as_str().into(),
                serde_json::to_value(&stored).unwrap_or_default().into(),
                change.currency.code().to_owned().into(),
                kept_amount(change.compared).into(),
                serde_json::to_value(levels).unwrap_or_default().into(),
                (levels.len() as i16).into(),
                change.subject.kind.into(),
                change.subject.id.into(),
                change.subject.customer_id.into(),
                change.subject.label.clone().into(),
                change.asked_against.clone().into(),
                change.reason.clone().into(),
                maker.into(),
                maker_key.into(),
                actor.label().to_owned().into(),
                change.idempotency_key.clone().into(),
                today.into(),
                (expiry_days as i32).into(),
            ],
        ))
        .await;
    if let Err(error) = inserted {
        return Err(match crate::db::violated_constraint(&error).as_deref() {
            Some("approval_requests_one_pending_idx") => {
                AppError::refused(Reason::ApprovalAlreadyPending {})
            }
            _ => error.into(),
        });
    }
    audit::record(
        &**tx,
        tx.tenant(),
        AuditEntry {
            actor: actor.clone(),
            action: "approval.requested",
            entity_type: "approval_request",
            entity_id: Some(id.to_string()),
            before: Some(change.asked_against.clone()),
            after: Some(serde_json::json!({
                "action": change.action.as_str(), "command": stored,
                "subject": {"type": change.subject.kind, "id": change.subject.id},
                "amount": kept_amount(change.compared).map(|amount| amount.to_string()),
                "currency": change.currency.code(), "reason": change.reason,
            })),
            request_id: Some(request_id),
        },
    )
    .await?;
    notify(tx, id, 1).await?;
    let row = request(&**tx, id, false)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the request just stored is gone")))?;
    Ok(Passage::Waiting(Box::new(row)))
}

/// The job that emails the people a request awaits at a level (1, 2, …), or its maker its
/// outcome (level 0).
pub const NOTIFY_JOB: &str = "approvals.notify";

/// Asks, in the caller's transaction, for the emails about `request` at `level` (once: a
/// retried decision asks again for nothing).
pub async fn notify(tx: &TenantTx, request: Uuid, level: usize) -> Result<(), DbErr> {
    crate::jobs::enqueue_in_tenant(
        tx,
        crate::jobs::NewJob {
            tenant_id: Some(tx.tenant().0),
            payload: serde_json::json!({ "request": request, "level": level }),
            dedupe_key: Some(format!("{NOTIFY_JOB}:{request}:{level}")),
            ..crate::jobs::NewJob::new(NOTIFY_JOB)
        },
    )
    .await?;
    Ok(())
}

/// The action's policy, when the company has one turned on.
pub async fn policy(
    conn: &impl ConnectionTrait,
    action: ApprovalAction,
) -> Result<Option<ApprovalPolicy>, AppError> {
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT thresholds FROM approval_policies WHERE action = $1 AND enabled",
            [action.as_str().into()],
        ))
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let thresholds: serde_json::Value = row.try_get("", "thresholds")?;
    let thresholds = serde_json::from_value(thresholds).map_err(|error| {
        AppError::Internal(anyhow::anyhow!(
            "approval policy {}: {error}",
            action.as_str()
        ))
    })?;
    Ok(Some(ApprovalPolicy {
        action,
        enabled: true,
        thresholds,
    }))
}

/// One request by id, locked for a decision when `lock`.
pub async fn request(
    conn: &impl ConnectionTrait,
    id: Uuid,
    lock: bool,
) -> Result<Option<RequestRow>, DbErr> {
    RequestRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {REQUEST_COLUMNS} FROM approval_requests r WHERE r.id = $1{}",
            if lock { " FOR UPDATE OF r" } else { "" }
        ),
        [id.into()],
    ))
    .one(conn)
    .await
}

async fn request_by_key(
    conn: &impl ConnectionTrait,
    action: ApprovalAction,
    key: &str,
) -> Result<Option<RequestRow>, DbErr> {
    RequestRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {REQUEST_COLUMNS} FROM approval_requests r
             WHERE r.action = $1 AND r.idempotency_key = $2"
        ),
        [action.as_str().into(), key.into()],
    ))
    .one(conn)
    .await
}

/// A gated command as a person or key sends it: the command, and whether to ask for approval
/// when the policy says it waits.
#[derive(Debug, Clone)]
pub struct Asking<C> {
    pub command: C,
    pub request_approval: bool,
}

/// What a gated use case returns: the record (changed, or as it stands when the change waits)
/// and the request the change waits as.
#[derive(Debug)]
pub struct Gated<T> {
    pub record: T,
    pub approval_request: Option<RequestRow>,
}

/// Where a gated use case runs: the tenant transaction it writes in, the company's today, who
/// asked (or gave the last approval) and how the audit log names them. The actor is read before
/// the transaction opens, so a request never holds two connections at once.
#[derive(Clone, Copy)]
pub struct InTx<'a> {
    pub db: &'a DatabaseConnection,
    pub tx: &'a TenantTx,
    pub today: NaiveDate,
    pub caller: &'a Caller,
    pub actor: &'a Actor,
    pub request_id: &'a str,
}

/// A gated change from a person or key: authorized, then one transaction, committed whether
/// the change ran or waits as a request.
pub async fn run_gated<C, T, F>(
    db: &DatabaseConnection,
    caller: &Caller,
    permission: Permission,
    asking: Asking<C>,
    request_id: &str,
    run: F,
) -> Result<Gated<T>, AppError>
where
    F: AsyncFnOnce(&InTx<'_>, &C, Asked) -> Result<Gated<T>, AppError>,
{
    caller.authorize(permission)?;
    let tenant = caller.require_tenant()?;
    let calendar = crate::db::tenant_calendar(db, tenant).await?;
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let at = InTx {
        db,
        tx: &tx,
        today: calendar.today,
        caller,
        actor: &actor,
        request_id,
    };
    let asked = Asked::Directly {
        request_approval: asking.request_approval,
    };
    let gated = run(&at, &asking.command, asked).await?;
    tx.commit().await?;
    Ok(gated)
}
