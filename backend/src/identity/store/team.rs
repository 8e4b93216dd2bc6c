//! The team's tables: memberships with their roles, and invitations (only the token's SHA-256
//! stored).

use crate::error::AppError;
use crate::identity::IdentityError;
use chrono::{DateTime, Utc};
use domain::TenantId;
use domain::access::Role;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

const SELECT_MEMBERS: &str =
    "SELECT u.id AS user_id, u.email, u.name, u.email_verified_at IS NOT NULL AS email_verified,
            m.role, m.created_at AS joined_at
     FROM public.memberships m JOIN public.users u ON u.id = m.user_id";

#[derive(Debug, Clone, FromQueryResult)]
pub struct InvitationRow {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The member who sent it (gone when their account was deleted).
    pub invited_by: Option<Uuid>,
    pub invited_by_email: Option<String>,
    pub invited_by_name: Option<String>,
    pub invited_by_verified: Option<bool>,
}

/// Invitations with their senders; `i` is the invitation (or a CTE of the same columns).
const SELECT_INVITATIONS: &str =
    "SELECT i.id, i.email, i.role, i.created_at, i.expires_at, i.invited_by,
            u.email AS invited_by_email, u.name AS invited_by_name,
            u.email_verified_at IS NOT NULL AS invited_by_verified
     FROM public.invitations i LEFT JOIN public.users u ON u.id = i.invited_by";

#[derive(Debug, Clone, FromQueryResult)]
pub struct TeamMemberRow {
    pub user_id: Uuid,
    pub email: String,
    pub name: String,
    pub email_verified: bool,
    pub role: Role,
    pub joined_at: DateTime<Utc>,
}

/// An invitation found by its token, whatever its state.
#[derive(Debug, FromQueryResult)]
pub struct PendingInvitation {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub email: String,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub invited_by: Option<Uuid>,
}

#[derive(Debug, FromQueryResult)]
struct UserIdRow {
    user_id: Uuid,
}

/// An invitation to store.
pub struct NewInvitation<'a> {
    pub tenant: TenantId,
    pub email: &'a str,
    pub role: Role,
    pub token_hash: Vec<u8>,
    pub invited_by: Uuid,
    pub days: i32,
}

/// Withdraws the pending invitations `user_id` sent in `tenant` to become one of `roles`;
/// returns them, oldest first.
pub async fn withdraw_invitations_by(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user_id: Uuid,
    roles: Vec<String>,
) -> Result<Vec<InvitationRow>, DbErr> {
    InvitationRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "WITH i AS (
                     UPDATE public.invitations SET revoked_at = now()
                     WHERE tenant_id = $1 AND invited_by = $2 AND role = ANY($3)
                       AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()
                     RETURNING *)
                 {} ORDER BY i.created_at",
            SELECT_INVITATIONS.replace("FROM public.invitations i", "FROM i")
        ),
        [tenant.0.into(), user_id.into(), roles.into()],
    ))
    .all(conn)
    .await
}

/// Whether the account of `email` is a member of `tenant`.
pub async fn is_member(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    email: &str,
) -> Result<bool, DbErr> {
    Ok(conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS found FROM public.memberships m JOIN public.users u ON u.id = m.user_id
             WHERE m.tenant_id = $1 AND u.email = $2",
            [tenant.0.into(), email.into()],
        ))
        .await?
        .is_some())
}

/// Whether `email` has a live invitation to `tenant`.
pub async fn has_pending_invitation(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    email: &str,
) -> Result<bool, DbErr> {
    Ok(conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS found FROM public.invitations
             WHERE tenant_id = $1 AND email = $2 AND accepted_at IS NULL AND revoked_at IS NULL
               AND expires_at > now()",
            [tenant.0.into(), email.into()],
        ))
        .await?
        .is_some())
}

/// Withdraws every pending invitation of `email` to `tenant`.
pub async fn revoke_invitations_to(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    email: &str,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.invitations SET revoked_at = now()
         WHERE tenant_id = $1 AND email = $2 AND accepted_at IS NULL AND revoked_at IS NULL",
        [tenant.0.into(), email.into()],
    ))
    .await?;
    Ok(())
}

/// Stores an invitation live for `days`; returns it with its sender.
pub async fn insert_invitation(
    conn: &impl ConnectionTrait,
    invitation: NewInvitation<'_>,
) -> Result<InvitationRow, AppError> {
    InvitationRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "WITH i AS (
                 INSERT INTO public.invitations (id, tenant_id, email, role, token_hash, invited_by, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(days => $7))
                 RETURNING *)
             {}",
            SELECT_INVITATIONS.replace("FROM public.invitations i", "FROM i")
        ),
        [
            Uuid::now_v7().into(),
            invitation.tenant.0.into(),
            invitation.email.into(),
            invitation.role.as_str().into(),
            invitation.token_hash.into(),
            invitation.invited_by.into(),
            invitation.days.into(),
        ],
    ))
    .one(conn)
    .await?
    .ok_or_else(|| AppError::Internal(anyhow::anyhow!("invitation insert returned nothing")))
}

/// The invitation with the token hashed `token_hash`, locked for accepting when `lock`.
pub async fn invitation_by_token(
    conn: &impl ConnectionTrait,
    token_hash: Vec<u8>,
    lock: bool,
) -> Result<Option<PendingInvitation>, DbErr> {
    let sql = format!(
        "SELECT id, tenant_id, email, role, expires_at, accepted_at, revoked_at, invited_by
         FROM public.invitations WHERE token_hash = $1{}",
        if lock { " FOR UPDATE" } else { "" }
    );
    PendingInvitation::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        [token_hash.into()],
    ))
    .one(conn)
    .await
}

/// Whether `email` has an account.
pub async fn account_exists(conn: &impl ConnectionTrait, email: String) -> Result<bool, DbErr> {
    Ok(conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS found FROM public.users WHERE email = $1",
            [email.into()],
        ))
        .await?
        .is_some())
}

/// A new account for an invitee, in the company's language and verified (the invitation
/// reached the address); false when an account for `email` exists already.
pub async fn insert_invited_user(
    conn: &impl ConnectionTrait,
    id: Uuid,
    email: &str,
    name: String,
    password_hash: String,
    tenant: TenantId,
) -> Result<bool, DbErr> {
    Ok(conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            // The invitation reached this address: it is verified.
            "INSERT INTO public.users (id, email, name, password_hash, locale, email_verified_at)
                     SELECT $1, $2, $3, $4, t.locale, now() FROM public.tenants t WHERE t.id = $5
                     ON CONFLICT (email) DO NOTHING RETURNING id",
            [
                id.into(),
                email.into(),
                name.into(),
                password_hash.into(),
                tenant.0.into(),
            ],
        ))
        .await?
        .is_some())
}

/// Makes `user_id` a member of `tenant` with `role`, unless they are one already.
pub async fn insert_membership(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user_id: Uuid,
    role: Role,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO public.memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id, user_id) DO NOTHING",
        [tenant.0.into(), user_id.into(), role.as_str().into()],
    ))
    .await?;
    Ok(())
}

pub async fn mark_invitation_accepted(conn: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.invitations SET accepted_at = now() WHERE id = $1",
        [id.into()],
    ))
    .await?;
    Ok(())
}

/// The company's members, in the order they joined.
pub async fn members_of(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<Vec<TeamMemberRow>, AppError> {
    Ok(
        TeamMemberRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!("{SELECT_MEMBERS} WHERE m.tenant_id = $1 ORDER BY m.created_at, u.email"),
            [tenant.0.into()],
        ))
        .all(conn)
        .await?,
    )
}

/// The company's live invitations, newest first.
pub async fn pending_invitations_of(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<Vec<InvitationRow>, AppError> {
    Ok(
        InvitationRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "{SELECT_INVITATIONS}
                 WHERE i.tenant_id = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL
                   AND i.expires_at > now()
                 ORDER BY i.created_at DESC"
            ),
            [tenant.0.into()],
        ))
        .all(conn)
        .await?,
    )
}

/// The company's owners, their rows locked until the transaction ends.
pub async fn lock_owners(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<Vec<Uuid>, DbErr> {
    Ok(UserIdRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT user_id FROM public.memberships WHERE tenant_id = $1 AND role = 'OWNER' FOR UPDATE",
        [tenant.0.into()],
    ))
    .all(conn)
    .await?
    .into_iter()
    .map(|row| row.user_id)
    .collect())
}

pub async fn set_role(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user_id: Uuid,
    role: Role,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.memberships SET role = $3 WHERE tenant_id = $1 AND user_id = $2",
        [tenant.0.into(), user_id.into(), role.as_str().into()],
    ))
    .await?;
    Ok(())
}

/// Removes the member from the company and ends their sessions in it.
pub async fn delete_membership(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user_id: Uuid,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "DELETE FROM public.memberships WHERE tenant_id = $1 AND user_id = $2",
        [tenant.0.into(), user_id.into()],
    ))
    .await?;
    // Their sessions in this company end now, not when the tokens expire.
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.refresh_tokens SET revoked_at = now()
         WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL",
        [tenant.0.into(), user_id.into()],
    ))
    .await?;
    Ok(())
}

pub async fn team_member(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user_id: Uuid,
) -> Result<TeamMemberRow, AppError> {
    TeamMemberRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("{SELECT_MEMBERS} WHERE m.tenant_id = $1 AND m.user_id = $2"),
        [tenant.0.into(), user_id.into()],
    ))
    .one(conn)
    .await?
    .ok_or_else(|| AppError::from(IdentityError::MemberNotFound))
}
