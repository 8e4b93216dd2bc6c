//! The approvals' SQL: policies, the request list, decisions, expiry and the figures.

use crate::api::pagination::{self, PageRequest};
use crate::approval_gate::{REQUEST_COLUMNS, RequestRow};
use crate::db::TenantTx;
use crate::db::conditions::Conditions;
use crate::error::AppError;
use chrono::{DateTime, NaiveDate, Utc};
use domain::Role;
use domain::approvals::{ApprovalAction, ApprovalStatus};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

/// A saved policy.
#[derive(Debug, Clone, FromQueryResult)]
pub struct PolicyRow {
    pub action: ApprovalAction,
    pub enabled: bool,
    pub thresholds: serde_json::Value,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

pub async fn policies(conn: &impl ConnectionTrait) -> Result<Vec<PolicyRow>, DbErr> {
    PolicyRow::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        "SELECT action, enabled, thresholds, updated_by, updated_at FROM approval_policies",
    ))
    .all(conn)
    .await
}

/// Writes one action's policy, replacing the one before.
pub async fn save_policy(
    conn: &impl ConnectionTrait,
    action: ApprovalAction,
    enabled: bool,
    thresholds: serde_json::Value,
    updated_by: &str,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO approval_policies (action, enabled, thresholds, updated_by)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (action) DO UPDATE SET enabled = EXCLUDED.enabled,
             thresholds = EXCLUDED.thresholds, updated_by = EXCLUDED.updated_by,
             updated_at = now()",
        [
            action.as_str().into(),
            enabled.into(),
            thresholds.into(),
            updated_by.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Who is reading the list: what `awaiting_me` and `requested_by` compare with.
#[derive(Debug, Clone, Copy)]
pub struct Reader {
    pub member: Option<(Uuid, Role)>,
    pub key: Option<Uuid>,
    /// Sees every request (an approver role); otherwise only their own.
    pub sees_all: bool,
}

/// The list's filter, checked.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    pub statuses: Vec<ApprovalStatus>,
    pub actions: Vec<ApprovalAction>,
    pub requested_by: Option<Uuid>,
    pub awaiting_me: bool,
    pub customer_id: Option<Uuid>,
}

/// A pending request someone other than the reader asked for.
const PENDING_NOT_MINE: &str = "r.status = 'PENDING' AND r.requested_by IS DISTINCT FROM ?::uuid";

/// A page of requests, newest first (ids are time-ordered).
pub async fn page(
    tx: &TenantTx,
    reader: Reader,
    filter: &RequestFilter,
    request: &PageRequest,
    wants_total: bool,
) -> Result<(Vec<RequestRow>, i64), AppError> {
    let mut conditions = Conditions::new(Vec::new());
    if !reader.sees_all {
        match (reader.member, reader.key) {
            (Some((me, _)), _) => conditions.push("r.requested_by = ?", me),
            (None, Some(key)) => conditions.push("r.requested_by_key = ?", key),
            (None, None) => conditions.fixed("false"),
        }
    }
    if !filter.statuses.is_empty() {
        let statuses: Vec<String> = filter
            .statuses
            .iter()
            .map(|status| status.as_str().to_owned())
            .collect();
        conditions.push("r.status = ANY(?)", statuses);
    }
    if !filter.actions.is_empty() {
        let actions: Vec<String> = filter
            .actions
            .iter()
            .map(|action| action.as_str().to_owned())
            .collect();
        conditions.push("r.action = ANY(?)", actions);
    }
    if let Some(maker) = filter.requested_by {
        conditions.push("r.requested_by = ?", maker);
    }
    if let Some(customer) = filter.customer_id {
        conditions.push("r.customer_id = ?", customer);
    }
    if filter.awaiting_me {
        match reader.member {
            Some((me, role)) if domain::approvals::may_decide(role) => {
                conditions.push(PENDING_NOT_MINE, me);
                let me_at = conditions.bind(me);
                conditions.push(
                    &format!(
                        "NOT EXISTS (SELECT 1 FROM approval_decisions d
                            WHERE d.request_id = r.id AND d.decided_by = ${me_at})
                         AND r.levels -> (SELECT count(*)::int FROM approval_decisions d
                            WHERE d.request_id = r.id AND d.decision = 'APPROVED')
                            IN (jsonb_build_object('ROLE', ?::text),
                                jsonb_build_object('MEMBER', ${me_at}::text))"
                    ),
                    role.as_str(),
                );
            }
            _ => conditions.fixed("false"),
        }
    }
    pagination::keyset_page(
        tx,
        request,
        wants_total,
        conditions,
        REQUEST_COLUMNS,
        "approval_requests r",
        &[("r.id", "?::uuid")],
        true,
    )
    .await
}

/// One level's decision.
#[derive(Debug, Clone, FromQueryResult)]
pub struct DecisionRow {
    pub request_id: Uuid,
    pub level: i16,
    pub decided_by: Uuid,
    pub decider: String,
    pub decision: String,
    pub comment: Option<String>,
    pub decided_at: DateTime<Utc>,
}

/// The decisions of `requests`, by request and level.
pub async fn decisions(
    conn: &impl ConnectionTrait,
    requests: &[Uuid],
) -> Result<Vec<DecisionRow>, DbErr> {
    DecisionRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT request_id, level, decided_by, decider, decision, comment, decided_at
         FROM approval_decisions WHERE request_id = ANY($1) ORDER BY request_id, level",
        [requests.to_vec().into()],
    ))
    .all(conn)
    .await
}

pub async fn insert_decision(
    conn: &impl ConnectionTrait,
    request: Uuid,
    level: i16,
    (decided_by, decider): (Uuid, &str),
    approved: bool,
    comment: Option<&str>,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO approval_decisions (request_id, level, decided_by, decider, decision, comment)
         VALUES ($1, $2, $3, $4, $5, $6)",
        [
            request.into(),
            level.into(),
            decided_by.into(),
            decider.into(),
            if approved { "APPROVED" } else { "REJECTED" }.into(),
            comment.map(str::to_owned).into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Ends a pending request as `status`, with the refusal's code and message when it FAILED.
pub async fn end(
    conn: &impl ConnectionTrait,
    request: Uuid,
    status: ApprovalStatus,
    failure: Option<(String, String)>,
) -> Result<(), DbErr> {
    let (code, message) = failure.unzip();
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE approval_requests SET status = $2, decided_at = now(), failure_code = $3,
             failure_reason = $4
         WHERE id = $1 AND status = 'PENDING'",
        [
            request.into(),
            status.as_str().into(),
            code.into(),
            message.into(),
        ],
    ))
    .await?;
    Ok(())
}

#[derive(Debug, FromQueryResult)]
pub struct Expired {
    pub id: Uuid,
    pub action: String,
}

/// Ends every request still pending on its expiry day or after `today`; returns them.
pub async fn expire(conn: &impl ConnectionTrait, today: NaiveDate) -> Result<Vec<Expired>, DbErr> {
    Expired::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE approval_requests SET status = 'EXPIRED', decided_at = now()
         WHERE status = 'PENDING' AND expires_on <= $1
         RETURNING id, action",
        [today.into()],
    ))
    .all(conn)
    .await
}

/// One action's (or one approver's) figures over a period.
#[derive(Debug, Clone, FromQueryResult)]
pub struct StatsRow {
    pub action: Option<String>,
    pub approver: Option<String>,
    pub requested: i64,
    pub approved: i64,
    pub rejected: i64,
    pub failed: i64,
    pub expired: i64,
    pub cancelled: i64,
    pub pending: i64,
    /// Average hours from asking to the decision, over decided requests.
    pub average_hours: Option<f64>,
}

/// Requests asked in `[from, to)` by action, and decisions taken in it by approver.
pub async fn stats(
    conn: &impl ConnectionTrait,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<StatsRow>, DbErr> {
    StatsRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT r.action, NULL::text AS approver, count(*) AS requested,
             count(*) FILTER (WHERE r.status = 'APPROVED') AS approved,
             count(*) FILTER (WHERE r.status = 'REJECTED') AS rejected,
             count(*) FILTER (WHERE r.status = 'FAILED') AS failed,
             count(*) FILTER (WHERE r.status = 'EXPIRED') AS expired,
             count(*) FILTER (WHERE r.status = 'CANCELLED') AS cancelled,
             count(*) FILTER (WHERE r.status = 'PENDING') AS pending,
             (avg(extract(epoch FROM r.decided_at - r.created_at))
                 FILTER (WHERE r.status IN ('APPROVED', 'REJECTED', 'FAILED')) / 3600)::float8
                 AS average_hours
         FROM approval_requests r WHERE r.created_at >= $1 AND r.created_at < $2
         GROUP BY r.action
         UNION ALL
         SELECT NULL, d.decider, count(*), count(*) FILTER (WHERE d.decision = 'APPROVED'),
             count(*) FILTER (WHERE d.decision = 'REJECTED'), 0, 0, 0, 0,
             (avg(extract(epoch FROM d.decided_at - r.created_at)) / 3600)::float8
         FROM approval_decisions d JOIN approval_requests r ON r.id = d.request_id
         WHERE d.decided_at >= $1 AND d.decided_at < $2
         GROUP BY d.decided_by, d.decider
         ORDER BY 1 NULLS LAST, 2",
        [from.into(), to.into()],
    ))
    .all(conn)
    .await
}

/// A member of the company as a recipient of approval emails (a control-plane read).
#[derive(Debug, Clone, FromQueryResult)]
pub struct Person {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub locale: domain::Locale,
    pub approval_emails: domain::approvals::ApprovalEmails,
}

/// The company's members with their language and their choice of approval emails.
pub async fn people(
    db: &sea_orm::DatabaseConnection,
    tenant: domain::TenantId,
) -> Result<Vec<Person>, DbErr> {
    Person::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT u.id, u.email::text AS email, u.name, m.role, u.locale, u.approval_emails
         FROM public.users u JOIN public.memberships m ON m.user_id = u.id AND m.tenant_id = $1
         ORDER BY u.id",
        [tenant.0.into()],
    ))
    .all(db)
    .await
}
