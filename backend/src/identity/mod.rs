//! Identity: accounts, tenants' memberships and roles, sessions (access and refresh tokens),
//! sign-up and log-in, and who a request comes from.
//!
//! Layers: `store` (the SQL), `service` (the use cases: sessions, team, accounts, API keys),
//! `graphql` (the API); `tokens`, `passwords` and `limits` are the machinery they share.

pub mod errors;
pub mod graphql;
pub mod limits;
pub mod passwords;
pub mod service;
pub mod standing;
pub mod store;
pub mod tokens;

use crate::auth::{ApiKeyCaller, Caller, Member, Rejection};
use crate::config::Config;
use domain::TenantId;
use domain::access::ApiScope;
use limits::Limits;
use passwords::PasswordHasher;
use sea_orm::DatabaseConnection;
use std::time::Duration;
use tokens::AccessTokens;

pub use errors::IdentityError;

/// The identity area's services, shared by every request.
#[derive(Clone)]
pub struct Identity {
    pub tokens: AccessTokens,
    pub passwords: PasswordHasher,
    /// Log-in, sign-up, account emails, and members' and keys' requests.
    pub limits: Limits,
    pub refresh_ttl: Duration,
}

impl Identity {
    pub async fn from_config(config: &Config) -> anyhow::Result<Self> {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(Identity {
            tokens: AccessTokens::from_config(config)?,
            passwords: PasswordHasher::new(cores)?,
            limits: Limits::from_config(config).await?,
            refresh_ttl: config.refresh_token_ttl,
        })
    }

    /// Who sends `bearer`. Never fails: bad credentials become [`Caller::Rejected`] with the
    /// reason, so public operations (log-in) still work for a client holding a stale token.
    pub async fn authenticate(&self, db: &DatabaseConnection, bearer: Option<&str>) -> Caller {
        let Some(bearer) = bearer else {
            return Caller::Anonymous;
        };
        let result = if bearer.starts_with(API_KEY_PREFIX) {
            authenticate_api_key(db, bearer).await
        } else {
            self.authenticate_access_token(db, bearer).await
        };
        let caller = result.unwrap_or_else(|error| {
            // A database that is down says nothing about the credentials: the client is told
            // to wait, not to sign in again.
            if error
                .downcast_ref::<sea_orm::DbErr>()
                .is_some_and(crate::db::unreachable::is_unreachable)
            {
                tracing::warn!(error = %error, "authentication lookup: the database is unreachable");
                return Caller::Rejected(Rejection::DatabaseUnavailable);
            }
            tracing::error!(error = ?error, "authentication lookup failed");
            Caller::Rejected(Rejection::Unchecked)
        });
        // Every later log line of the request names the company.
        if let Some(tenant) = caller.tenant_id() {
            tracing::Span::current().record("tenant", tracing::field::display(tenant.0));
        }
        caller
    }

    async fn authenticate_access_token(
        &self,
        db: &DatabaseConnection,
        token: &str,
    ) -> anyhow::Result<Caller> {
        let Some(claims) = self.tokens.verify(token) else {
            return Ok(Caller::Rejected(Rejection::SessionExpired));
        };
        // The standing is kept briefly and forgotten on every replica when it changes: a
        // removed member or a changed role counts within a second.
        let tenant_id = TenantId::from_uuid(claims.tid);
        let Some(standing) = standing::standing(db, tenant_id, claims.sub, claims.sep).await?
        else {
            return Ok(Caller::Rejected(Rejection::SessionRevoked));
        };
        Ok(Caller::Member(Member {
            user_id: claims.sub,
            tenant_id,
            role: standing.role,
            read_only: standing.read_only(),
            locale: standing.locale,
        }))
    }
}

/// API keys read `duely_<12 hex id>_<64 hex secret>`.
pub const API_KEY_PREFIX: &str = "duely_";

async fn authenticate_api_key(db: &DatabaseConnection, key: &str) -> anyhow::Result<Caller> {
    let rejected = Caller::Rejected(Rejection::ApiKeyInvalid);
    let Some((prefix, _)) = key
        .strip_prefix(API_KEY_PREFIX)
        .and_then(|rest| rest.split_once('_'))
    else {
        return Ok(rejected);
    };
    let Some(row) = store::api_keys::use_key(db, prefix, tokens::digest(key)).await? else {
        return Ok(rejected);
    };
    Ok(Caller::ApiKey(ApiKeyCaller {
        key_id: row.id,
        tenant_id: TenantId::from_uuid(row.tenant_id),
        // A scope this version does not know grants nothing.
        scopes: row
            .scopes
            .iter()
            .filter_map(|scope| scope.parse::<ApiScope>().ok())
            .collect(),
        read_only: row.read_only,
        locale: row.locale,
    }))
}
