//! Sign-up, log-in, refresh, log-out and switching tenant.
//!
//! Refresh tokens are opaque and rotate on every use: each use marks the token used and issues
//! its successor in the same family. Presenting a token that was already used means it was
//! copied, so the whole family is revoked and everyone holding it must sign in again, with one
//! exception: within [`REUSE_GRACE`] of the rotation (two tabs refreshing at once, a response
//! lost on a flaky network) the same successor pair is returned again and nothing is revoked.
//! The successor is derived from the used token under the server's key, so it is never stored.

use crate::audit::{self, Actor, AuditEntry};
use crate::auth::{Caller, Member};
use crate::db;
use crate::error::AppError;
use crate::identity::store::sessions::{self as store, TenantRow, UserRow};
use crate::identity::tokens::{self, IssuedAccessToken};
use crate::identity::{Identity, IdentityError};
use chrono::{DateTime, Utc};
use domain::access::Role;
use domain::credentials::{self, EmailAddress};
use domain::reason::Reason;
use domain::{Currency, Locale, TenantId};
use sea_orm::{DatabaseConnection, DatabaseTransaction, TransactionTrait};
use std::net::IpAddr;
use uuid::Uuid;

const REFRESH_PREFIX: &str = "duely_rt_";
/// How long after a rotation the used token still gets its successor again.
pub const REUSE_GRACE: chrono::Duration = chrono::Duration::seconds(10);

/// A signed-in session: what sign-up, log-in, refresh and switching tenant return.
pub struct Session {
    pub access: IssuedAccessToken,
    pub refresh_token: String,
    pub user: UserRow,
    pub tenant: TenantRow,
    pub role: Role,
}

pub struct SignUp {
    pub company_name: String,
    pub name: String,
    pub email: String,
    pub password: String,
    pub base_currency: Option<String>,
    pub locale: Option<Locale>,
    pub time_zone: Option<String>,
    /// The address is known to be the person's (the demo company, `duely seed`): created
    /// verified, and no verification email is sent.
    pub verified: bool,
    /// Where the verification email's link leads (none for an account created verified).
    pub links: Option<crate::startup::AppLinks>,
}

pub async fn sign_up(
    identity: &Identity,
    db: &DatabaseConnection,
    input: SignUp,
    request_id: &str,
) -> Result<Session, AppError> {
    let company_name = credentials::company_name(&input.company_name)
        .map_err(|error| AppError::input("input.companyName", Reason::from(&error)))?;
    let name = credentials::person_name(&input.name)
        .map_err(|error| AppError::input("input.name", Reason::from(&error)))?;
    let email = EmailAddress::parse(&input.email)
        .map_err(|error| AppError::input("input.email", Reason::from(&error)))?;
    credentials::check_password(&input.password, &email)
        .map_err(|error| AppError::input("input.password", Reason::from(&error)))?;
    let currency_code = input.base_currency.as_deref().unwrap_or("CNY").trim();
    let currency: Currency = currency_code.parse().map_err(|_| {
        AppError::input(
            "input.baseCurrency",
            Reason::UnknownCurrency {
                value: currency_code.to_owned(),
            },
        )
    })?;
    let locale = input.locale.unwrap_or_default();
    let time_zone = input
        .time_zone
        .unwrap_or_else(|| "Asia/Shanghai".to_owned());
    if !store::is_known_time_zone(db, &time_zone).await? {
        return Err(AppError::input(
            "input.timeZone",
            Reason::UnknownTimeZone { value: time_zone },
        ));
    }
    let password_hash = identity.passwords.hash(input.password).await?;

    let txn = db.begin().await?;
    let user_id = Uuid::now_v7();
    let inserted = store::insert_user(
        &txn,
        user_id,
        email.as_str(),
        name.clone(),
        password_hash,
        locale,
        input.verified,
    )
    .await?;
    if !inserted {
        return Err(IdentityError::EmailTaken.into());
    }

    let tenant = TenantId::from_uuid(Uuid::now_v7());
    let slug = format!(
        "{}-{}",
        credentials::slug_base(&company_name),
        hex::encode(tokens::random_bytes::<3>()?)
    );
    store::insert_tenant(
        &txn,
        tenant,
        company_name.clone(),
        slug,
        currency.code(),
        locale,
        time_zone,
    )
    .await?;
    db::provision_tenant_schema(&txn, tenant).await?;
    store::insert_owner(&txn, tenant, user_id).await?;
    audit::record(
        &txn,
        tenant,
        AuditEntry {
            actor: Actor::User {
                id: user_id,
                label: email.to_string(),
            },
            action: "tenant.created",
            entity_type: "tenant",
            entity_id: Some(tenant.to_string()),
            before: None,
            after: Some(serde_json::json!({
                "name": company_name,
                "baseCurrency": currency.code(),
                "locale": locale.tag(),
                "owner": email.as_str(),
            })),
            request_id: Some(request_id),
        },
    )
    .await?;
    if let Some(links) = &input.links {
        super::accounts::send_verification(&txn, links, user_id).await?;
    }
    let session = start_session(identity, &txn, user_id, tenant, Role::Owner, None).await?;
    txn.commit().await?;
    Ok(session)
}

pub async fn log_in(
    identity: &Identity,
    db: &DatabaseConnection,
    email: &str,
    password: String,
    tenant: Option<TenantId>,
    client_ip: Option<IpAddr>,
) -> Result<Session, AppError> {
    // A malformed email gets the same answer as a wrong password: log-in never tells whether
    // an account exists.
    let account = crate::identity::limits::account_key(email);
    // Longer than any address can be: refused before any work (no lookup, no hash, no key in
    // the limits' memory).
    if account.len() > crate::identity::limits::MAX_EMAIL_LEN {
        return Err(IdentityError::WrongCredentials.into());
    }
    identity
        .limits
        .login_allowed(&account, client_ip)
        .await
        .map_err(AppError::rate_limited)?;
    let found = store::credentials_by_email(db, &account).await?;
    let (user_id, phc) = match found {
        Some(row) => (Some(row.id), Some(row.password_hash)),
        None => (None, None),
    };
    let verified = identity.passwords.verify(password, phc).await?;
    let Some(user_id) = user_id.filter(|_| verified) else {
        identity.limits.login_failed(&account, client_ip).await;
        return Err(IdentityError::WrongCredentials.into());
    };
    identity.limits.login_succeeded(&account, client_ip).await;

    let memberships = store::memberships_of(db, user_id).await?;
    let chosen = match tenant {
        Some(tenant) => memberships
            .iter()
            .find(|membership| membership.tenant_id == tenant.0)
            .ok_or(IdentityError::NotMemberOfCompany)?,
        // Most recently used first (see `memberships_of`).
        None => memberships.first().ok_or(IdentityError::NoCompany)?,
    };
    let role = chosen.role;
    let tenant = TenantId::from_uuid(chosen.tenant_id);
    let txn = db.begin().await?;
    store::touch_last_login(&txn, user_id).await?;
    let session = start_session(identity, &txn, user_id, tenant, role, None).await?;
    txn.commit().await?;
    Ok(session)
}

pub async fn refresh_session(
    identity: &Identity,
    db: &DatabaseConnection,
    refresh_token: &str,
) -> Result<Session, AppError> {
    let ended = || AppError::from(IdentityError::SessionEnded);
    let txn = db.begin().await?;
    // The row lock makes two refreshes with one token take turns: the second sees it used.
    let Some(row) = store::refresh_token_for_update(&txn, tokens::digest(refresh_token)).await?
    else {
        return Err(ended());
    };
    let token_id = row.id;
    let family = row.family_id;
    let user_id = row.user_id;
    let tenant = TenantId::from_uuid(row.tenant_id);

    if let Some(used_at) = row.used_at {
        if row.revoked_at.is_none()
            && Utc::now() - used_at <= REUSE_GRACE
            && let Some(session) =
                successor_again(identity, &txn, refresh_token, token_id, used_at).await?
        {
            txn.commit().await?;
            return Ok(session);
        }
        // A used token came back: it was copied. End every session of the family.
        store::revoke_family(&txn, family).await?;
        txn.commit().await?;
        tracing::warn!(%family, "refresh token reused; family revoked");
        return Err(ended());
    }
    if row.revoked_at.is_some() || row.expires_at <= Utc::now() {
        return Err(ended());
    }
    let Some(role) = store::active_role(&txn, tenant, user_id).await? else {
        store::revoke_family(&txn, family).await?;
        txn.commit().await?;
        return Err(ended());
    };
    let now = Utc::now();
    store::mark_refresh_token_used(&txn, token_id, now).await?;
    let session = start_session(
        identity,
        &txn,
        user_id,
        tenant,
        role,
        Some(Rotation {
            family,
            from: token_id,
            used: refresh_token,
            at: now,
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(session)
}

/// The pair a rotation of `used` handed out, handed out again: when its successor is still
/// live and the member still belongs to the company. `None` otherwise (the caller revokes).
async fn successor_again(
    identity: &Identity,
    txn: &DatabaseTransaction,
    used: &str,
    used_id: Uuid,
    used_at: DateTime<Utc>,
) -> Result<Option<Session>, AppError> {
    let (successor, jti) = identity.tokens.successor(REFRESH_PREFIX, used)?;
    let Some(row) = store::live_successor(txn, used_id, tokens::digest(&successor)).await? else {
        return Ok(None);
    };
    let user_id = row.user_id;
    let tenant = TenantId::from_uuid(row.tenant_id);
    let Some(role) = store::active_role(txn, tenant, user_id).await? else {
        return Ok(None);
    };
    let user = store::find_user(txn, user_id).await?;
    Ok(Some(Session {
        access: identity.tokens.issue_at(
            user_id,
            tenant,
            role,
            user.session_epoch,
            used_at,
            jti,
        )?,
        refresh_token: successor,
        user,
        tenant: store::find_tenant(txn, tenant).await?,
        role,
    }))
}

/// Ends the session family of `refresh_token`, or, with no token, every session `member` has
/// in their tenant. True when something was ended.
pub async fn log_out(
    db: &DatabaseConnection,
    refresh_token: Option<&str>,
    member: Option<&Member>,
) -> Result<bool, AppError> {
    match (refresh_token, member) {
        (Some(token), _) => Ok(store::revoke_family_of_token(db, tokens::digest(token)).await?),
        (None, Some(member)) => {
            Ok(store::revoke_sessions_in(db, member.user_id, member.tenant_id).await?)
        }
        (None, None) => Err(IdentityError::LogOutNeedsToken.into()),
    }
}

pub async fn switch_tenant(
    identity: &Identity,
    db: &DatabaseConnection,
    member: &Member,
    tenant: TenantId,
) -> Result<Session, AppError> {
    let memberships = store::memberships_of(db, member.user_id).await?;
    let target = memberships
        .iter()
        .find(|membership| membership.tenant_id == tenant.0)
        .ok_or(IdentityError::NotMemberOfCompany)?;
    let role = target.role;
    let txn = db.begin().await?;
    let session = start_session(identity, &txn, member.user_id, tenant, role, None).await?;
    txn.commit().await?;
    Ok(session)
}

/// Who is calling: their company, and for a member their account and every company they
/// belong to (by name), with their role there.
pub struct Whoami {
    pub tenant: TenantRow,
    /// `None` for an API key.
    pub member: Option<(UserRow, Vec<(TenantRow, Role)>)>,
}

/// What `me` shows of the caller.
pub async fn whoami(db: &DatabaseConnection, caller: &Caller) -> Result<Whoami, AppError> {
    let tenant_id = caller.require_tenant()?;
    let tenant = store::find_tenant(db, tenant_id).await?;
    match caller {
        Caller::Member(member) => {
            let user = store::find_user(db, member.user_id).await?;
            let memberships = store::memberships_of(db, member.user_id).await?;
            let ids: Vec<_> = memberships.iter().map(|m| m.tenant_id).collect();
            let tenants = store::tenants_by_ids(db, &ids).await?;
            let memberships = tenants
                .into_iter()
                .filter_map(|tenant| {
                    let role = memberships
                        .iter()
                        .find(|m| m.tenant_id == tenant.id)
                        .map(|m| m.role)?;
                    Some((tenant, role))
                })
                .collect();
            Ok(Whoami {
                tenant,
                member: Some((user, memberships)),
            })
        }
        Caller::ApiKey(_) => Ok(Whoami {
            tenant,
            member: None,
        }),
        Caller::Anonymous | Caller::Rejected(_) => Err(caller.unauthenticated()),
    }
}

/// A fresh session (a new refresh-token family) inside the caller's transaction.
pub(crate) async fn start_session_for(
    identity: &Identity,
    txn: &DatabaseTransaction,
    user_id: Uuid,
    tenant: TenantId,
    role: Role,
) -> Result<Session, AppError> {
    start_session(identity, txn, user_id, tenant, role, None).await
}

struct Rotation<'a> {
    family: Uuid,
    from: Uuid,
    /// The token being used, whose successor this is.
    used: &'a str,
    at: DateTime<Utc>,
}

/// Issues an access token and a refresh token (a new family, or the next of a rotation) and
/// marks the membership as the user's most recent.
async fn start_session(
    identity: &Identity,
    txn: &DatabaseTransaction,
    user_id: Uuid,
    tenant: TenantId,
    role: Role,
    rotation: Option<Rotation<'_>>,
) -> Result<Session, AppError> {
    let user = store::find_user(txn, user_id).await?;
    let epoch = user.session_epoch;
    let (refresh_token, family, rotated_from, access) = match rotation {
        Some(rotation) => {
            let (successor, jti) = identity.tokens.successor(REFRESH_PREFIX, rotation.used)?;
            let access =
                identity
                    .tokens
                    .issue_at(user_id, tenant, role, epoch, rotation.at, jti)?;
            (successor, rotation.family, Some(rotation.from), access)
        }
        None => (
            tokens::new_secret(REFRESH_PREFIX)?,
            Uuid::new_v4(),
            None,
            identity.tokens.issue(user_id, tenant, role, epoch)?,
        ),
    };
    let expires_at = Utc::now()
        + chrono::Duration::from_std(identity.refresh_ttl).map_err(anyhow::Error::from)?;
    store::insert_refresh_token(
        txn,
        family,
        user_id,
        tenant,
        tokens::digest(&refresh_token),
        rotated_from,
        expires_at,
    )
    .await?;
    store::touch_membership(txn, tenant, user_id).await?;
    let tenant_row = store::find_tenant(txn, tenant).await?;
    Ok(Session {
        access,
        refresh_token,
        user,
        tenant: tenant_row,
        role,
    })
}
