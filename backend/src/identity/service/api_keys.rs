//! API keys for third parties. The secret (`duely_<12 hex id>_<64 hex>`) is shown once, at
//! creation; only its SHA-256 is kept. A key acts in its tenant with exactly its scopes, and
//! only signed-in members with `ManageApiKeys` create or revoke keys (a key never makes keys).

use crate::audit::{self, Actor, AuditEntry};
use crate::auth::Caller;
use crate::error::AppError;
use crate::identity::IdentityError;
use crate::identity::store::api_keys::{self as store, ApiKeyRow, NewKey};
use crate::identity::store::sessions;
use crate::identity::tokens;
use domain::access::{ApiScope, Permission};
use domain::reason::Reason;
use sea_orm::{DatabaseConnection, TransactionTrait};
use uuid::Uuid;

/// The longest name a key may have, in characters.
const NAME_MAX_CHARS: usize = 100;

fn parse_scopes(scopes: &[String]) -> Result<Vec<ApiScope>, AppError> {
    if scopes.is_empty() {
        return Err(IdentityError::ApiKeyScopesEmpty.into());
    }
    let mut parsed: Vec<ApiScope> = scopes
        .iter()
        .map(|scope| scope.trim().parse::<ApiScope>())
        .collect::<Result<_, _>>()
        .map_err(|error| IdentityError::ApiKeyScopeUnknown { value: error.0 })?;
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
    if name.is_empty() || name.chars().count() > NAME_MAX_CHARS {
        return Err(IdentityError::ApiKeyNameLength {
            max: NAME_MAX_CHARS,
        }
        .into());
    }
    let scopes = parse_scopes(scopes)?;
    let prefix = hex::encode(tokens::random_bytes::<6>()?);
    let secret = tokens::new_secret(&format!("{}{prefix}_", crate::identity::API_KEY_PREFIX))?;
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
    store::insert_key(
        &txn,
        NewKey {
            id,
            tenant: member.tenant_id,
            name,
            prefix: prefix.clone(),
            secret_hash: tokens::digest(&secret),
            scopes: scope_names.clone(),
            created_by: member.user_id,
        },
    )
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
    let row = store::find_key(&txn, member.tenant_id.0, id).await?;
    txn.commit().await?;
    Ok((row, secret))
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
        AppError::input(
            "input.apiKeyId",
            Reason::NotAnId {
                value: key_id.to_owned(),
            },
        )
    })?;
    let txn = db.begin().await?;
    let before = store::find_key(&txn, member.tenant_id.0, key_id).await?;
    store::revoke_key(&txn, member.tenant_id, key_id).await?;
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
    let row = store::find_key(&txn, member.tenant_id.0, key_id).await?;
    txn.commit().await?;
    Ok(row)
}

pub async fn api_keys(
    db: &DatabaseConnection,
    caller: &Caller,
) -> Result<Vec<ApiKeyRow>, AppError> {
    caller.authorize(Permission::ManageApiKeys)?;
    let tenant = caller.require_tenant()?;
    store::keys_of(db, tenant).await
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
