//! API keys (`public.api_keys`): only the secret's SHA-256 is stored.

use crate::error::AppError;
use crate::identity::IdentityError;
use chrono::{DateTime, Utc};
use domain::TenantId;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

#[derive(Debug, Clone, FromQueryResult)]
pub struct ApiKeyRow {
    pub id: Uuid,
    pub name: String,
    pub prefix: String,
    pub scopes: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_by_email: Option<String>,
}

/// A live key presented with a request, in a company that is not closed.
#[derive(Debug, Clone, FromQueryResult)]
pub struct KeyInUseRow {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub scopes: Vec<String>,
    /// Whether the company is read-only now (its subscription ended past the grace period).
    pub read_only: bool,
    /// The company's language, the key's.
    pub locale: domain::Locale,
}

const SELECT_KEYS: &str =
    "SELECT k.id, k.name, k.prefix, k.scopes, k.created_at, k.last_used_at, k.revoked_at,
        u.email AS created_by_email
     FROM public.api_keys k LEFT JOIN public.users u ON u.id = k.created_by";

/// The live key with `prefix` and the secret hashed `secret_hash`, marked used now.
pub async fn use_key(
    conn: &impl ConnectionTrait,
    prefix: &str,
    secret_hash: Vec<u8>,
) -> Result<Option<KeyInUseRow>, DbErr> {
    KeyInUseRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.api_keys k SET last_used_at = now()
             FROM public.tenants t LEFT JOIN public.subscriptions s ON s.tenant_id = t.id
             WHERE k.prefix = $1 AND k.secret_hash = $2 AND k.revoked_at IS NULL
               AND t.id = k.tenant_id AND t.status <> 'CLOSED'
             RETURNING k.id, k.tenant_id, k.scopes,
                       COALESCE(s.read_only_from <= now(), false) AS read_only, t.locale",
        [prefix.into(), secret_hash.into()],
    ))
    .one(conn)
    .await
}

/// A key to store.
pub struct NewKey<'a> {
    pub id: Uuid,
    pub tenant: TenantId,
    pub name: &'a str,
    /// The secret's public part.
    pub prefix: String,
    pub secret_hash: Vec<u8>,
    pub scopes: Vec<String>,
    pub created_by: Uuid,
}

pub async fn insert_key(conn: &impl ConnectionTrait, key: NewKey<'_>) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO public.api_keys (id, tenant_id, name, prefix, secret_hash, scopes, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [
            key.id.into(),
            key.tenant.0.into(),
            key.name.into(),
            key.prefix.into(),
            key.secret_hash.into(),
            key.scopes.into(),
            key.created_by.into(),
        ],
    ))
    .await?;
    Ok(())
}

pub async fn find_key(
    conn: &impl ConnectionTrait,
    tenant: Uuid,
    id: Uuid,
) -> Result<ApiKeyRow, AppError> {
    ApiKeyRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("{SELECT_KEYS} WHERE k.tenant_id = $1 AND k.id = $2"),
        [tenant.into(), id.into()],
    ))
    .one(conn)
    .await?
    .ok_or_else(|| AppError::from(IdentityError::ApiKeyNotFound))
}

/// Revokes every live key `creator` made in `tenant`, for a member who may no longer manage
/// keys. Returns the keys revoked, oldest first.
pub async fn revoke_keys_made_by(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    creator: Uuid,
) -> Result<Vec<ApiKeyRow>, AppError> {
    Ok(ApiKeyRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "WITH revoked AS (
             UPDATE public.api_keys SET revoked_at = now()
             WHERE tenant_id = $1 AND created_by = $2 AND revoked_at IS NULL
             RETURNING id, name, prefix, scopes, created_at, last_used_at, revoked_at, created_by)
         SELECT k.id, k.name, k.prefix, k.scopes, k.created_at, k.last_used_at, k.revoked_at,
                u.email AS created_by_email
         FROM revoked k LEFT JOIN public.users u ON u.id = k.created_by
         ORDER BY k.created_at",
        [tenant.0.into(), creator.into()],
    ))
    .all(conn)
    .await?)
}

/// Revokes the key (again: the first revocation's time stays).
pub async fn revoke_key(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE tenant_id = $1 AND id = $2",
        [tenant.0.into(), id.into()],
    ))
    .await?;
    Ok(())
}

/// The company's keys, newest first, revoked ones included.
pub async fn keys_of(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<Vec<ApiKeyRow>, AppError> {
    Ok(ApiKeyRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("{SELECT_KEYS} WHERE k.tenant_id = $1 ORDER BY k.created_at DESC"),
        [tenant.0.into()],
    ))
    .all(conn)
    .await?)
}
