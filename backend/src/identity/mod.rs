//! Identity: accounts, tenants' memberships and roles, sessions (access and refresh tokens),
//! sign-up and log-in, and who a request comes from.

pub mod accounts;
pub mod api_keys;
pub mod graphql;
pub mod limits;
pub mod passwords;
pub mod sessions;
pub mod team;
pub mod tokens;

use crate::auth::{ApiKeyCaller, Caller, Member};
use crate::config::Config;
use domain::TenantId;
use domain::access::ApiScope;
use limits::Limits;
use passwords::PasswordHasher;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use std::time::Duration;
use tokens::AccessTokens;
use uuid::Uuid;

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
        result.unwrap_or_else(|error| {
            tracing::error!(error = ?error, "authentication lookup failed");
            Caller::Rejected("Your credentials could not be checked; try again.")
        })
    }

    async fn authenticate_access_token(
        &self,
        db: &DatabaseConnection,
        token: &str,
    ) -> anyhow::Result<Caller> {
        let Some(claims) = self.tokens.verify(token) else {
            return Ok(Caller::Rejected(
                "Your session has expired or is not valid; refresh it or sign in again.",
            ));
        };
        // The role is read afresh: a removed member or a changed role counts at once.
        let tenant_id = TenantId::from_uuid(claims.tid);
        let Some((role, read_only)) =
            sessions::active_membership_in_epoch(db, tenant_id, claims.sub, Some(claims.sep))
                .await?
        else {
            return Ok(Caller::Rejected(
                "Your session has ended (you left the company, or the password was changed); sign in again.",
            ));
        };
        Ok(Caller::Member(Member {
            user_id: claims.sub,
            tenant_id,
            role,
            read_only,
        }))
    }
}

/// API keys read `duely_<12 hex id>_<64 hex secret>`.
pub const API_KEY_PREFIX: &str = "duely_";

async fn authenticate_api_key(db: &DatabaseConnection, key: &str) -> anyhow::Result<Caller> {
    let rejected = Caller::Rejected("This API key is not valid or has been revoked.");
    let Some((prefix, _)) = key
        .strip_prefix(API_KEY_PREFIX)
        .and_then(|rest| rest.split_once('_'))
    else {
        return Ok(rejected);
    };
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE public.api_keys k SET last_used_at = now()
             FROM public.tenants t LEFT JOIN public.subscriptions s ON s.tenant_id = t.id
             WHERE k.prefix = $1 AND k.secret_hash = $2 AND k.revoked_at IS NULL
               AND t.id = k.tenant_id AND t.status <> 'CLOSED'
             RETURNING k.id, k.tenant_id, k.scopes,
                       COALESCE(s.read_only_from <= now(), false) AS read_only",
            [prefix.into(), tokens::digest(key).into()],
        ))
        .await?;
    let Some(row) = row else {
        return Ok(rejected);
    };
    let scopes: Vec<String> = row.try_get("", "scopes")?;
    Ok(Caller::ApiKey(ApiKeyCaller {
        key_id: row.try_get::<Uuid>("", "id")?,
        tenant_id: TenantId::from_uuid(row.try_get::<Uuid>("", "tenant_id")?),
        scopes: scopes
            .iter()
            .filter_map(|scope| scope.parse::<ApiScope>().ok())
            .collect(),
        read_only: row.try_get::<bool>("", "read_only")?,
    }))
}
