//! API keys for third parties. The secret (`duely_<12 hex id>_<64 hex>`) is shown once, at
//! creation; only its SHA-256 is kept. A key acts in its tenant with exactly its scopes, and
//! only signed-in members with `ManageApiKeys` create or revoke keys (a key never makes keys).

use super::sessions;
use super::tokens;
use crate::audit::{self, Actor, AuditEntry};
use crate::auth::Caller;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use domain::TenantId;
use domain::access::{ApiScope, Permission};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement, TransactionTrait,
};
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

const SELECT_KEYS: &str =
    "SELECT k.id, k.name, k.prefix, k.scopes, k.created_at, k.last_used_at, k.revoked_at,
        u.email AS created_by_email
     FROM public.api_keys k LEFT JOIN public.users u ON u.id = k.created_by";

fn parse_scopes(scopes: &[String]) -> Result<Vec<ApiScope>, AppError> {
    if scopes.is_empty() {
        return Err(AppError::validation(
            "input.scopes",
            "Give the key at least one scope, such as invoices:read.",
        ));
    }
    let mut parsed: Vec<ApiScope> = scopes
        .iter()
        .map(|scope| scope.trim().parse::<ApiScope>())
        .collect::<Result<_, _>>()
        .map_err(|error| {
            let allowed: Vec<&str> = ApiScope::ALL.iter().map(|scope| scope.as_str()).collect();
            AppError::validation(
                "input.scopes",
                format!("{error}. Allowed: {}", allowed.join(", ")),
            )
        })?;
    parsed.sort();
    parsed.dedup();
    Ok(parsed)
}

/// Creates a key; returns it with its secret, which is never retrievable again.
pub async fn create_api_key(
    db: &DatabaseConnection,
    caller: &Caller,
    name: &str,
    scopes: &[String],
    request_id: &str,
) -> Result<(ApiKeyRow, String), AppError> {
    caller.authorize(Permission::ManageApiKeys)?;
    let member = caller.require_member()?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::validation(
            "input.name",
            "Name the key (1 to 100 characters), for example after the system that uses it.",
        ));
    }
    let scopes = parse_scopes(scopes)?;
    let prefix = hex::encode(tokens::random_bytes::<6>()?);
    let secret = tokens::new_secret(&format!("{}{prefix}_", super::API_KEY_PREFIX))?;
    let id = Uuid::now_v7();
    let scope_names: Vec<String> = scopes
        .iter()
        .map(|scope| scope.as_str().to_owned())
        .collect();

    let txn = db.begin().await?;
    crate::billing::plans::admit_control_plane(
        &txn,
        member.tenant_id,
        domain::billing::Limit::ApiKeys,
        1,
    )
    .await?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO public.api_keys (id, tenant_id, name, prefix, secret_hash, scopes, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [
            id.into(),
            member.tenant_id.0.into(),
            name.into(),
            prefix.clone().into(),
            tokens::digest(&secret).into(),
            scope_names.clone().into(),
            member.user_id.into(),
        ],
    ))
    .await?;
    let user = sessions::find_user(&txn, member.user_id).await?;
    audit::record(
        &txn,
        member.tenant_id,
        AuditEntry {
            actor: Actor::User {
                id: member.user_id,
                label: user.email,
            },
            action: "api_key.created",
            entity_type: "api_key",
            entity_id: Some(id.to_string()),
            before: None,
            after: Some(
                serde_json::json!({ "name": name, "prefix": prefix, "scopes": scope_names }),
            ),
            request_id: Some(request_id),
        },
    )
    .await?;
    let row = find_key(&txn, member.tenant_id.0, id).await?;
    txn.commit().await?;
    Ok((row, secret))
}

async fn find_key(
    conn: &impl sea_orm::ConnectionTrait,
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
    .ok_or_else(|| AppError::not_found("No API key with that id in this company."))
}

/// Revokes every live key `creator` made in `tenant`, for a member who may no longer manage
/// keys. Returns the keys revoked, oldest first.
pub(super) async fn revoke_keys_made_by(
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

pub async fn revoke_api_key(
    db: &DatabaseConnection,
    caller: &Caller,
    key_id: &str,
    request_id: &str,
) -> Result<ApiKeyRow, AppError> {
    caller.authorize(Permission::ManageApiKeys)?;
    let member = caller.require_member()?;
    let key_id: Uuid = key_id.parse().map_err(|_| {
        AppError::validation(
            "input.apiKeyId",
            format!("`{key_id}` is not an API key id (a UUID)"),
        )
    })?;
    let txn = db.begin().await?;
    let before = find_key(&txn, member.tenant_id.0, key_id).await?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE tenant_id = $1 AND id = $2",
        [member.tenant_id.0.into(), key_id.into()],
    ))
    .await?;
    let user = sessions::find_user(&txn, member.user_id).await?;
    audit::record(
        &txn,
        member.tenant_id,
        AuditEntry {
            actor: Actor::User {
                id: member.user_id,
                label: user.email,
            },
            action: "api_key.revoked",
            entity_type: "api_key",
            entity_id: Some(key_id.to_string()),
            before: Some(
                serde_json::json!({ "name": before.name, "revoked": before.revoked_at.is_some() }),
            ),
            after: Some(serde_json::json!({ "revoked": true })),
            request_id: Some(request_id),
        },
    )
    .await?;
    let row = find_key(&txn, member.tenant_id.0, key_id).await?;
    txn.commit().await?;
    Ok(row)
}

pub async fn api_keys(
    db: &DatabaseConnection,
    caller: &Caller,
) -> Result<Vec<ApiKeyRow>, AppError> {
    caller.authorize(Permission::ManageApiKeys)?;
    let tenant = caller.require_tenant()?;
    Ok(ApiKeyRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("{SELECT_KEYS} WHERE k.tenant_id = $1 ORDER BY k.created_at DESC"),
        [tenant.0.into()],
    ))
    .all(db)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_checked_against_the_known_list() {
        assert!(
            parse_scopes(&["invoices:read".to_owned(), "invoices:read".to_owned()])
                .is_ok_and(|s| s.len() == 1)
        );
        assert!(parse_scopes(&["invoices:delete".to_owned()]).is_err());
        assert!(parse_scopes(&[]).is_err());
    }
}
