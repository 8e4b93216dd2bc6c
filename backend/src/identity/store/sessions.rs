//! Accounts, companies, memberships and refresh tokens: the control plane's tables (`public`)
//! that sign-up, log-in and sessions read and write.

use crate::error::AppError;
use crate::identity::IdentityError;
use chrono::{DateTime, Utc};
use domain::access::Role;
use domain::billing::{Plan, SubscriptionStatus};
use domain::stored::{StoredText, parse_stored};
use domain::{Locale, TenantId};
use sea_orm::{
    ColIdx, ConnectionTrait, DbBackend, DbErr, FromQueryResult, QueryResult, Statement,
    TryGetError, TryGetable,
};
use uuid::Uuid;

#[derive(Debug, Clone, FromQueryResult)]
pub struct UserRow {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub locale: Locale,
    pub email_verified: bool,
    /// Moves on when the password changes; access tokens carry it (see `tokens::AccessClaims`).
    pub session_epoch: i32,
    /// How the person hears of approval requests awaiting them.
    pub approval_emails: domain::approvals::ApprovalEmails,
}

/// A company's standing as stored (`public.tenants.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantState {
    /// In normal use.
    Active,
    /// Readable, not writable.
    ReadOnly,
    Closed,
}

impl TenantState {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "ACTIVE" => Some(TenantState::Active),
            "READ_ONLY" => Some(TenantState::ReadOnly),
            "CLOSED" => Some(TenantState::Closed),
            _ => None,
        }
    }
}

impl StoredText for TenantState {
    const WHAT: &'static str = "company status";
    fn from_stored(text: &str) -> Option<Self> {
        TenantState::parse(text)
    }
}

impl TryGetable for TenantState {
    fn try_get_by<I: ColIdx>(row: &QueryResult, index: I) -> Result<Self, TryGetError> {
        parse_stored(row, index)
    }
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct TenantRow {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    pub base_currency: String,
    pub locale: Locale,
    pub time_zone: String,
    pub status: TenantState,
    /// The subscription, for the plan in force and read-only standing.
    pub plan: Plan,
    pub subscription_status: SubscriptionStatus,
    pub trial_ends_at: Option<chrono::DateTime<chrono::Utc>>,
    pub status_since: chrono::DateTime<chrono::Utc>,
    pub paid: bool,
    pub now: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct MembershipRow {
    pub tenant_id: Uuid,
    pub role: Role,
}

/// An account's id and password hash, for checking a password.
#[derive(Debug, Clone, FromQueryResult)]
pub struct CredentialsRow {
    pub id: Uuid,
    pub password_hash: String,
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct RefreshTokenRow {
    pub id: Uuid,
    pub family_id: Uuid,
    pub user_id: Uuid,
    pub tenant_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Whose session a refresh token's successor is.
#[derive(Debug, Clone, FromQueryResult)]
pub struct SuccessorRow {
    pub user_id: Uuid,
    pub tenant_id: Uuid,
}

#[derive(Debug, FromQueryResult)]
struct StandingRow {
    role: Role,
    read_only_from: Option<DateTime<Utc>>,
    locale: Locale,
}

/// A new account; false when one with `email` exists already. Concurrent sign-ups with one
/// email: the unique index makes the second wait for the first and then insert nothing, so
/// exactly one account exists.
pub async fn insert_user(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    email: &str,
    name: String,
    password_hash: String,
    locale: Locale,
    verified: bool,
) -> Result<bool, DbErr> {
    let inserted = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO public.users (id, email, name, password_hash, locale, email_verified_at)
             VALUES ($1, $2, $3, $4, $5, CASE WHEN $6 THEN now() END)
             ON CONFLICT (email) DO NOTHING RETURNING id",
            [
                user_id.into(),
                email.into(),
                name.into(),
                password_hash.into(),
                locale.tag().into(),
                verified.into(),
            ],
        ))
        .await?;
    Ok(inserted.is_some())
}

/// A new company (its schema is provisioned separately).
pub async fn insert_tenant(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    name: String,
    slug: String,
    base_currency: &str,
    locale: Locale,
    time_zone: String,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO public.tenants (id, name, schema_name, slug, base_currency, locale, time_zone)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [
            tenant.0.into(),
            name.into(),
            tenant.schema_name().into(),
            slug.into(),
            base_currency.to_owned().into(),
            locale.tag().into(),
            time_zone.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// The company's first member, its owner.
pub async fn insert_owner(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user_id: Uuid,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO public.memberships (tenant_id, user_id, role, last_used_at) VALUES ($1, $2, 'OWNER', now())",
        [tenant.0.into(), user_id.into()],
    ))
    .await?;
    Ok(())
}

pub async fn is_known_time_zone(conn: &impl ConnectionTrait, name: &str) -> Result<bool, AppError> {
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1) AS known",
            [name.into()],
        ))
        .await?;
    Ok(row
        .map(|row| row.try_get::<bool>("", "known"))
        .transpose()?
        .unwrap_or(false))
}

/// The account of `email` (as stored: lower case) with its password hash, if there is one.
pub async fn credentials_by_email(
    conn: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<CredentialsRow>, DbErr> {
    CredentialsRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id, password_hash FROM public.users WHERE email = $1",
        [email.into()],
    ))
    .one(conn)
    .await
}

pub async fn touch_last_login(conn: &impl ConnectionTrait, user_id: Uuid) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.users SET last_login_at = now() WHERE id = $1",
        [user_id.into()],
    ))
    .await?;
    Ok(())
}

/// The user's role in `tenant`, if they are a member and the company is not closed. Every
/// session check (each request, each refresh) asks this, so a change counts at once.
pub async fn active_role(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user_id: Uuid,
) -> Result<Option<Role>, DbErr> {
    Ok(active_membership(conn, tenant, user_id)
        .await?
        .map(|(role, _, _)| role))
}

/// The member's role, whether the company is read-only now (its subscription ended past the
/// grace period: `public.subscriptions.read_only_from`, set by the domain rule), and the
/// person's language.
pub async fn active_membership(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user_id: Uuid,
) -> Result<Option<(Role, bool, Locale)>, DbErr> {
    active_membership_in_epoch(conn, tenant, user_id, None).await
}

/// As [`active_membership`], for an access token of session epoch `epoch`: `None` also when
/// the person's sessions were ended since (a password changed or reset), so such a token stops
/// working at once rather than when it expires.
pub async fn active_membership_in_epoch(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user_id: Uuid,
    epoch: Option<i32>,
) -> Result<Option<(Role, bool, Locale)>, DbErr> {
    Ok(standing(conn, tenant, user_id, epoch)
        .await?
        .map(|standing| (standing.role, standing.read_only(), standing.locale)))
}

/// The member's standing as stored: role, from when the company is read-only (its
/// subscription ended past the grace period), and language.
pub async fn standing(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user_id: Uuid,
    epoch: Option<i32>,
) -> Result<Option<crate::identity::standing::Standing>, DbErr> {
    let row = StandingRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT m.role, s.read_only_from, u.locale
             FROM public.memberships m JOIN public.tenants t ON t.id = m.tenant_id
             JOIN public.users u ON u.id = m.user_id
             LEFT JOIN public.subscriptions s ON s.tenant_id = m.tenant_id
             WHERE m.tenant_id = $1 AND m.user_id = $2 AND t.status <> 'CLOSED'
               AND ($3::int IS NULL OR u.session_epoch = $3)",
        [tenant.0.into(), user_id.into(), epoch.into()],
    ))
    .one(conn)
    .await?;
    Ok(row.map(|row| crate::identity::standing::Standing {
        role: row.role,
        read_only_from: row.read_only_from,
        locale: row.locale,
    }))
}

/// The user's memberships, most recently used first.
pub async fn memberships_of(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<Vec<MembershipRow>, AppError> {
    Ok(
        MembershipRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT m.tenant_id, m.role FROM public.memberships m
         JOIN public.tenants t ON t.id = m.tenant_id AND t.status <> 'CLOSED'
         WHERE m.user_id = $1
         ORDER BY m.last_used_at DESC NULLS LAST, m.created_at",
            [user_id.into()],
        ))
        .all(conn)
        .await?,
    )
}

/// The refresh token with `token_hash`, locked: two refreshes with one token take turns, the
/// second sees it used.
pub async fn refresh_token_for_update(
    conn: &impl ConnectionTrait,
    token_hash: Vec<u8>,
) -> Result<Option<RefreshTokenRow>, DbErr> {
    RefreshTokenRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id, family_id, user_id, tenant_id, expires_at, used_at, revoked_at
             FROM public.refresh_tokens WHERE token_hash = $1 FOR UPDATE",
        [token_hash.into()],
    ))
    .one(conn)
    .await
}

/// The live successor (hashed `successor_hash`) that the rotation of token `used_id` issued.
pub async fn live_successor(
    conn: &impl ConnectionTrait,
    used_id: Uuid,
    successor_hash: Vec<u8>,
) -> Result<Option<SuccessorRow>, DbErr> {
    SuccessorRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT user_id, tenant_id FROM public.refresh_tokens
             WHERE rotated_from = $1 AND token_hash = $2 AND revoked_at IS NULL
               AND expires_at > now()",
        [used_id.into(), successor_hash.into()],
    ))
    .one(conn)
    .await
}

pub async fn mark_refresh_token_used(
    conn: &impl ConnectionTrait,
    token_id: Uuid,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.refresh_tokens SET used_at = $2 WHERE id = $1",
        [token_id.into(), at.into()],
    ))
    .await?;
    Ok(())
}

/// Ends the session family of the token hashed `token_hash`; true when something was ended.
pub async fn revoke_family_of_token(
    conn: &impl ConnectionTrait,
    token_hash: Vec<u8>,
) -> Result<bool, DbErr> {
    let result = conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE public.refresh_tokens SET revoked_at = now()
                 WHERE revoked_at IS NULL AND family_id =
                   (SELECT family_id FROM public.refresh_tokens WHERE token_hash = $1)",
            [token_hash.into()],
        ))
        .await?;
    Ok(result.rows_affected() > 0)
}

/// Ends every session the user has in `tenant`; true when something was ended.
pub async fn revoke_sessions_in(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    tenant: TenantId,
) -> Result<bool, DbErr> {
    let result = conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE public.refresh_tokens SET revoked_at = now()
                 WHERE revoked_at IS NULL AND user_id = $1 AND tenant_id = $2",
            [user_id.into(), tenant.0.into()],
        ))
        .await?;
    Ok(result.rows_affected() > 0)
}

pub async fn revoke_family(conn: &impl ConnectionTrait, family: Uuid) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL",
        [family.into()],
    ))
    .await?;
    Ok(())
}

/// A refresh token (only its hash): the first of a new family, or the successor of `rotated_from`.
pub async fn insert_refresh_token(
    conn: &impl ConnectionTrait,
    family: Uuid,
    user_id: Uuid,
    tenant: TenantId,
    token_hash: Vec<u8>,
    rotated_from: Option<Uuid>,
    expires_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO public.refresh_tokens (id, family_id, user_id, tenant_id, token_hash, rotated_from, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [
            Uuid::now_v7().into(),
            family.into(),
            user_id.into(),
            tenant.0.into(),
            token_hash.into(),
            rotated_from.into(),
            expires_at.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Marks the membership as the user's most recent.
pub async fn touch_membership(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user_id: Uuid,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.memberships SET last_used_at = now() WHERE tenant_id = $1 AND user_id = $2",
        [tenant.0.into(), user_id.into()],
    ))
    .await?;
    Ok(())
}

const SELECT_USER: &str =
    "SELECT id, email, name, locale, email_verified_at IS NOT NULL AS email_verified, session_epoch,
            approval_emails
     FROM public.users";

pub async fn find_user(conn: &impl ConnectionTrait, user_id: Uuid) -> Result<UserRow, AppError> {
    UserRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("{SELECT_USER} WHERE id = $1"),
        [user_id.into()],
    ))
    .one(conn)
    .await?
    .ok_or_else(|| AppError::from(IdentityError::UserNotFound))
}

/// The account of `email` (as stored: lower case), if there is one.
pub async fn find_user_by_email(
    conn: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<UserRow>, AppError> {
    Ok(UserRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("{SELECT_USER} WHERE email = $1"),
        [email.into()],
    ))
    .one(conn)
    .await?)
}

pub async fn find_tenant(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<TenantRow, AppError> {
    tenants_by_ids(conn, &[tenant.0])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::from(IdentityError::CompanyNotFound))
}

/// Tenants by id in one query (for lists of memberships).
pub async fn tenants_by_ids(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<Vec<TenantRow>, AppError> {
    Ok(TenantRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT t.id, t.name, t.slug, t.base_currency, t.locale, t.time_zone, t.status,
                s.plan, s.status AS subscription_status, s.trial_ends_at, s.status_since,
                s.stripe_subscription_id IS NOT NULL AS paid, now() AS now
         FROM public.tenants t JOIN public.subscriptions s ON s.tenant_id = t.id
         WHERE t.id = ANY($1) ORDER BY t.name",
        [ids.to_vec().into()],
    ))
    .all(conn)
    .await?)
}
