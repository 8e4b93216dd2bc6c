//! Sign-up, log-in, refresh, log-out and switching tenant.
//!
//! Refresh tokens are opaque and rotate on every use: each use marks the token used and issues
//! its successor in the same family. Presenting a token that was already used means it was
//! copied, so the whole family is revoked and everyone holding it must sign in again, with one
//! exception: within [`REUSE_GRACE`] of the rotation (two tabs refreshing at once, a response
//! lost on a flaky network) the same successor pair is returned again and nothing is revoked.
//! The successor is derived from the used token under the server's key, so it is never stored.

use super::Identity;
use super::tokens::{self, IssuedAccessToken};
use crate::audit::{self, Actor, AuditEntry};
use crate::auth::Member;
use crate::db;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use domain::access::Role;
use domain::credentials::{self, EmailAddress};
use domain::{Currency, Locale, TenantId};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, FromQueryResult,
    Statement, TransactionTrait,
};
use std::net::IpAddr;
use uuid::Uuid;

const REFRESH_PREFIX: &str = "duely_rt_";
/// How long after a rotation the used token still gets its successor again.
pub const REUSE_GRACE: chrono::Duration = chrono::Duration::seconds(10);

#[derive(Debug, Clone, FromQueryResult)]
pub struct UserRow {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub locale: String,
    pub email_verified: bool,
    /// Moves on when the password changes; access tokens carry it (see `tokens::AccessClaims`).
    pub session_epoch: i32,
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct TenantRow {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    pub base_currency: String,
    pub locale: String,
    pub time_zone: String,
    pub status: String,
    /// The subscription, for the plan in force and read-only standing.
    pub plan: String,
    pub subscription_status: String,
    pub trial_ends_at: Option<chrono::DateTime<chrono::Utc>>,
    pub status_since: chrono::DateTime<chrono::Utc>,
    pub paid: bool,
    pub now: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct MembershipRow {
    pub tenant_id: Uuid,
    pub role: String,
}

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
        .map_err(|error| AppError::validation("input.companyName", error))?;
    let name = credentials::person_name(&input.name)
        .map_err(|error| AppError::validation("input.name", error))?;
    let email = EmailAddress::parse(&input.email)
        .map_err(|error| AppError::validation("input.email", error))?;
    credentials::check_password(&input.password, &email)
        .map_err(|error| AppError::validation("input.password", error))?;
    let currency: Currency = input
        .base_currency
        .as_deref()
        .unwrap_or("CNY")
        .trim()
        .parse()
        .map_err(|error| AppError::validation("input.baseCurrency", error))?;
    let locale = input.locale.unwrap_or_default();
    let time_zone = input
        .time_zone
        .unwrap_or_else(|| "Asia/Shanghai".to_owned());
    if !is_known_time_zone(db, &time_zone).await? {
        return Err(AppError::validation(
            "input.timeZone",
            format!(
                "`{time_zone}` is not an IANA time zone; use a name such as Asia/Shanghai or Europe/Berlin"
            ),
        ));
    }
    let password_hash = identity.passwords.hash(input.password).await?;

    let txn = db.begin().await?;
    let user_id = Uuid::now_v7();
    // Concurrent sign-ups with one email: the unique index makes the second wait for the first
    // and then insert nothing, so exactly one account exists.
    let inserted = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO public.users (id, email, name, password_hash, locale, email_verified_at)
             VALUES ($1, $2, $3, $4, $5, CASE WHEN $6 THEN now() END)
             ON CONFLICT (email) DO NOTHING RETURNING id",
            [
                user_id.into(),
                email.as_str().into(),
                name.clone().into(),
                password_hash.into(),
                locale.tag().into(),
                input.verified.into(),
            ],
        ))
        .await?;
    if inserted.is_none() {
        return Err(AppError::conflict(
            "input.email",
            "An account with this email already exists. Sign in instead, or ask your company's owner to invite you.",
        ));
    }

    let tenant = TenantId::from_uuid(Uuid::now_v7());
    let slug = format!(
        "{}-{}",
        credentials::slug_base(&company_name),
        hex::encode(tokens::random_bytes::<3>()?)
    );
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO public.tenants (id, name, schema_name, slug, base_currency, locale, time_zone)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [
            tenant.0.into(),
            company_name.clone().into(),
            tenant.schema_name().into(),
            slug.into(),
            currency.code().to_owned().into(),
            locale.tag().into(),
            time_zone.into(),
        ],
    ))
    .await?;
    db::provision_tenant_schema(&txn, tenant).await?;
    seed_tenant_defaults(&txn, tenant).await?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO public.memberships (tenant_id, user_id, role, last_used_at) VALUES ($1, $2, 'OWNER', now())",
        [tenant.0.into(), user_id.into()],
    ))
    .await?;
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

/// Settings every new tenant starts with; the areas that read them document their meaning.
async fn seed_tenant_defaults(txn: &DatabaseTransaction, tenant: TenantId) -> Result<(), AppError> {
    txn.execute_unprepared(&format!(
        r#"INSERT INTO "{schema}".settings (key, value) VALUES
             ('credit.over_limit_policy', '"BLOCK"'),
             ('aging.bucket_edges', '[30, 60, 90]'),
             ('credit.auto_release_holds', 'true'),
             ('promises.grace_days', '3'),
             ('invoices.number_prefix', '"INV-"'),
             ('credit_notes.number_prefix', '"CN-"')"#,
        schema = tenant.schema_name()
    ))
    .await?;
    Ok(())
}

async fn is_known_time_zone(db: &DatabaseConnection, name: &str) -> Result<bool, AppError> {
    let row = db
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

const WRONG_CREDENTIALS: &str = "The email or password is not right.";

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
    let account = super::limits::account_key(email);
    // Longer than any address can be: refused before any work (no lookup, no hash, no key in
    // the limits' memory).
    if account.len() > super::limits::MAX_EMAIL_LEN {
        return Err(AppError::unauthenticated(WRONG_CREDENTIALS));
    }
    identity
        .limits
        .login_allowed(&account, client_ip)
        .await
        .map_err(AppError::rate_limited)?;
    let found = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id, password_hash FROM public.users WHERE email = $1",
            [account.clone().into()],
        ))
        .await?;
    let (user_id, phc) = match found {
        Some(row) => (
            Some(row.try_get::<Uuid>("", "id")?),
            Some(row.try_get::<String>("", "password_hash")?),
        ),
        None => (None, None),
    };
    let verified = identity.passwords.verify(password, phc).await?;
    let Some(user_id) = user_id.filter(|_| verified) else {
        identity.limits.login_failed(&account, client_ip).await;
        return Err(AppError::unauthenticated(WRONG_CREDENTIALS));
    };
    identity.limits.login_succeeded(&account, client_ip).await;

    let memberships = memberships_of(db, user_id).await?;
    let chosen = match tenant {
        Some(tenant) => memberships
            .iter()
            .find(|membership| membership.tenant_id == tenant.0)
            .ok_or_else(|| {
                AppError::not_found("You are not a member of a company with that id.")
            })?,
        // Most recently used first (see `memberships_of`).
        None => memberships.first().ok_or_else(|| {
            AppError::forbidden(
                "Your account belongs to no company now; ask an owner to invite you.",
            )
        })?,
    };
    let role: Role = chosen.role.parse().map_err(anyhow::Error::from)?;
    let tenant = TenantId::from_uuid(chosen.tenant_id);
    let txn = db.begin().await?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.users SET last_login_at = now() WHERE id = $1",
        [user_id.into()],
    ))
    .await?;
    let session = start_session(identity, &txn, user_id, tenant, role, None).await?;
    txn.commit().await?;
    Ok(session)
}

/// The user's role in `tenant`, if they are a member and the company is not closed. Every
/// session check (each request, each refresh) asks this, so a change counts at once.
pub async fn active_role(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user_id: Uuid,
) -> anyhow::Result<Option<Role>> {
    Ok(active_membership(conn, tenant, user_id)
        .await?
        .map(|(role, _)| role))
}

/// The member's role, and whether the company is read-only now (its subscription ended past
/// the grace period: `public.subscriptions.read_only_from`, set by the domain rule).
pub async fn active_membership(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user_id: Uuid,
) -> anyhow::Result<Option<(Role, bool)>> {
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
) -> anyhow::Result<Option<(Role, bool)>> {
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT m.role, COALESCE(s.read_only_from <= now(), false) AS read_only
             FROM public.memberships m JOIN public.tenants t ON t.id = m.tenant_id
             JOIN public.users u ON u.id = m.user_id
             LEFT JOIN public.subscriptions s ON s.tenant_id = m.tenant_id
             WHERE m.tenant_id = $1 AND m.user_id = $2 AND t.status <> 'CLOSED'
               AND ($3::int IS NULL OR u.session_epoch = $3)",
            [tenant.0.into(), user_id.into(), epoch.into()],
        ))
        .await?;
    match row {
        Some(row) => Ok(Some((
            row.try_get::<String>("", "role")?.parse()?,
            row.try_get::<bool>("", "read_only")?,
        ))),
        None => Ok(None),
    }
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

pub async fn refresh_session(
    identity: &Identity,
    db: &DatabaseConnection,
    refresh_token: &str,
) -> Result<Session, AppError> {
    let ended = || AppError::unauthenticated("This session has ended; sign in again.");
    let txn = db.begin().await?;
    // The row lock makes two refreshes with one token take turns: the second sees it used.
    let Some(row) = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id, family_id, user_id, tenant_id, expires_at, used_at, revoked_at
             FROM public.refresh_tokens WHERE token_hash = $1 FOR UPDATE",
            [tokens::digest(refresh_token).into()],
        ))
        .await?
    else {
        return Err(ended());
    };
    let token_id: Uuid = row.try_get("", "id")?;
    let family: Uuid = row.try_get("", "family_id")?;
    let user_id: Uuid = row.try_get("", "user_id")?;
    let tenant = TenantId::from_uuid(row.try_get::<Uuid>("", "tenant_id")?);
    let expires_at: DateTime<Utc> = row.try_get("", "expires_at")?;
    let used_at: Option<DateTime<Utc>> = row.try_get("", "used_at")?;
    let revoked_at: Option<DateTime<Utc>> = row.try_get("", "revoked_at")?;

    if let Some(used_at) = used_at {
        if revoked_at.is_none()
            && Utc::now() - used_at <= REUSE_GRACE
            && let Some(session) =
                successor_again(identity, &txn, refresh_token, token_id, used_at).await?
        {
            txn.commit().await?;
            return Ok(session);
        }
        // A used token came back: it was copied. End every session of the family.
        revoke_family(&txn, family).await?;
        txn.commit().await?;
        tracing::warn!(%family, "refresh token reused; family revoked");
        return Err(ended());
    }
    if revoked_at.is_some() || expires_at <= Utc::now() {
        return Err(ended());
    }
    let Some(role) = active_role(&txn, tenant, user_id).await? else {
        revoke_family(&txn, family).await?;
        txn.commit().await?;
        return Err(ended());
    };
    let now = Utc::now();
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.refresh_tokens SET used_at = $2 WHERE id = $1",
        [token_id.into(), now.into()],
    ))
    .await?;
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
    let Some(row) = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT user_id, tenant_id FROM public.refresh_tokens
             WHERE rotated_from = $1 AND token_hash = $2 AND revoked_at IS NULL
               AND expires_at > now()",
            [used_id.into(), tokens::digest(&successor).into()],
        ))
        .await?
    else {
        return Ok(None);
    };
    let user_id: Uuid = row.try_get("", "user_id")?;
    let tenant = TenantId::from_uuid(row.try_get::<Uuid>("", "tenant_id")?);
    let Some(role) = active_role(txn, tenant, user_id).await? else {
        return Ok(None);
    };
    let user = find_user(txn, user_id).await?;
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
        tenant: find_tenant(txn, tenant).await?,
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
    let result = match (refresh_token, member) {
        (Some(token), _) => {
            db.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE public.refresh_tokens SET revoked_at = now()
                 WHERE revoked_at IS NULL AND family_id =
                   (SELECT family_id FROM public.refresh_tokens WHERE token_hash = $1)",
                [tokens::digest(token).into()],
            ))
            .await?
        }
        (None, Some(member)) => {
            db.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE public.refresh_tokens SET revoked_at = now()
                 WHERE revoked_at IS NULL AND user_id = $1 AND tenant_id = $2",
                [member.user_id.into(), member.tenant_id.0.into()],
            ))
            .await?
        }
        (None, None) => {
            return Err(AppError::validation(
                "input.refreshToken",
                "Send the refresh token to end, or sign in to end all your sessions.",
            ));
        }
    };
    Ok(result.rows_affected() > 0)
}

pub async fn switch_tenant(
    identity: &Identity,
    db: &DatabaseConnection,
    member: &Member,
    tenant: TenantId,
) -> Result<Session, AppError> {
    let memberships = memberships_of(db, member.user_id).await?;
    let target = memberships
        .iter()
        .find(|membership| membership.tenant_id == tenant.0)
        .ok_or_else(|| AppError::not_found("You are not a member of a company with that id."))?;
    let role: Role = target.role.parse().map_err(anyhow::Error::from)?;
    let txn = db.begin().await?;
    let session = start_session(identity, &txn, member.user_id, tenant, role, None).await?;
    txn.commit().await?;
    Ok(session)
}

/// A fresh session (a new refresh-token family) inside the caller's transaction.
pub(super) async fn start_session_for(
    identity: &Identity,
    txn: &DatabaseTransaction,
    user_id: Uuid,
    tenant: TenantId,
    role: Role,
) -> Result<Session, AppError> {
    start_session(identity, txn, user_id, tenant, role, None).await
}

async fn revoke_family(txn: &DatabaseTransaction, family: Uuid) -> Result<(), AppError> {
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL",
        [family.into()],
    ))
    .await?;
    Ok(())
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
    let user = find_user(txn, user_id).await?;
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
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO public.refresh_tokens (id, family_id, user_id, tenant_id, token_hash, rotated_from, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [
            Uuid::now_v7().into(),
            family.into(),
            user_id.into(),
            tenant.0.into(),
            tokens::digest(&refresh_token).into(),
            rotated_from.into(),
            expires_at.into(),
        ],
    ))
    .await?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.memberships SET last_used_at = now() WHERE tenant_id = $1 AND user_id = $2",
        [tenant.0.into(), user_id.into()],
    ))
    .await?;
    let tenant_row = find_tenant(txn, tenant).await?;
    Ok(Session {
        access,
        refresh_token,
        user,
        tenant: tenant_row,
        role,
    })
}

const SELECT_USER: &str =
    "SELECT id, email, name, locale, email_verified_at IS NOT NULL AS email_verified, session_epoch
     FROM public.users";

pub async fn find_user(conn: &impl ConnectionTrait, user_id: Uuid) -> Result<UserRow, AppError> {
    UserRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("{SELECT_USER} WHERE id = $1"),
        [user_id.into()],
    ))
    .one(conn)
    .await?
    .ok_or_else(|| AppError::not_found("No such user."))
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
        .ok_or_else(|| AppError::not_found("No such company."))
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
