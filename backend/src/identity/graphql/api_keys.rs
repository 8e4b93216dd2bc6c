//! API keys: listing, creating (the secret shown once) and revoking.

use crate::api::context::{request, services};
use crate::error::{ApiResult, IntoApi};
use crate::identity::service::api_keys;
use crate::identity::store::api_keys::ApiKeyRow;
use async_graphql::{Context, ID, InputObject, SimpleObject};
use chrono::{DateTime, Utc};

/// A third party's key. Its secret is shown only once, in `createApiKey`'s payload.
#[derive(SimpleObject)]
pub struct ApiKey {
    pub id: ID,
    pub name: String,
    /// The key's public part: secrets read `duely_<prefix>_…`.
    pub prefix: String,
    /// Such as `invoices:read` or `payments:write`; a write scope also reads its area.
    pub scopes: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The email of the member who created it.
    pub created_by: Option<String>,
}

impl From<ApiKeyRow> for ApiKey {
    fn from(row: ApiKeyRow) -> Self {
        ApiKey {
            id: ID(row.id.to_string()),
            name: row.name,
            prefix: row.prefix,
            scopes: row.scopes,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
            created_by: row.created_by_email,
        }
    }
}

#[derive(InputObject)]
pub struct CreateApiKeyInput {
    /// What the key is for, such as the system that uses it.
    pub name: String,
    /// Scopes written `area:access`: customers, invoices, payments, collections (read or write),
    /// dunning:write (ladders, templates, runs, collection settings), reports:read, audit:read,
    /// team:read, webhooks:write (endpoints and their deliveries, which carry every area's
    /// events).
    pub scopes: Vec<String>,
}

#[derive(SimpleObject)]
pub struct CreateApiKeyPayload {
    /// Send as `Authorization: Bearer <secret>`. Shown this once; store it now.
    pub secret: String,
    pub api_key: ApiKey,
}

#[derive(InputObject)]
pub struct RevokeApiKeyInput {
    pub api_key_id: ID,
}

#[derive(SimpleObject)]
pub struct RevokeApiKeyPayload {
    pub api_key: ApiKey,
}

pub(super) async fn api_keys(ctx: &Context<'_>) -> ApiResult<Vec<ApiKey>> {
    let (_, db) = services(ctx)?;
    Ok(api_keys::api_keys(db, &request(ctx)?.caller)
        .await
        .api()?
        .into_iter()
        .map(ApiKey::from)
        .collect())
}

pub(super) async fn create_api_key(
    ctx: &Context<'_>,
    input: CreateApiKeyInput,
) -> ApiResult<CreateApiKeyPayload> {
    let (_, db) = services(ctx)?;
    let request = request(ctx)?;
    let (row, secret) = api_keys::create_api_key(
        db,
        &request.caller,
        &input.name,
        &input.scopes,
        &request.request_id,
    )
    .await
    .api()?;
    Ok(CreateApiKeyPayload {
        secret,
        api_key: row.into(),
    })
}

pub(super) async fn revoke_api_key(
    ctx: &Context<'_>,
    input: RevokeApiKeyInput,
) -> ApiResult<RevokeApiKeyPayload> {
    let (_, db) = services(ctx)?;
    let request = request(ctx)?;
    let row = api_keys::revoke_api_key(
        db,
        &request.caller,
        input.api_key_id.as_str(),
        &request.request_id,
    )
    .await
    .api()?;
    Ok(RevokeApiKeyPayload {
        api_key: row.into(),
    })
}
