//! Signing up and in, sessions and `me`: the user, the company and the session payload.

use crate::api::context::{links, request, services};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError, IntoApi};
use crate::identity::service::sessions::{self, Session, SignUp};
use crate::identity::store::sessions::{TenantRow, TenantState, UserRow};
use async_graphql::{Context, Enum, ID, InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use domain::access::{Access, Permission, Role};
use domain::billing::Plan;
use domain::reason::Reason;
use domain::{Locale, TenantId};

fn parse_tenant_id(field: &str, id: &ID) -> ApiResult<TenantId> {
    id.parse::<TenantId>()
        .map_err(|_| {
            AppError::input(
                field,
                Reason::NotAnId {
                    value: id.as_str().to_owned(),
                },
            )
        })
        .api()
}

/// A person with an account.
#[derive(SimpleObject)]
pub struct User {
    pub id: ID,
    pub email: String,
    pub name: String,
    pub locale: Locale,
    /// Whether the person proved the address is theirs (the link in the verification email,
    /// a password reset, or accepting an invitation). A company sends no email to its
    /// customers until an owner's address is verified.
    pub email_verified: bool,
    /// Approval requests awaiting you: an email each at once (IMMEDIATE), one digest a day
    /// (DAILY), or none (NONE: the inbox and its badge). Only for yourself (null for others).
    pub approval_emails: Option<domain::approvals::ApprovalEmails>,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        User {
            id: ID(row.id.to_string()),
            email: row.email,
            name: row.name,
            locale: row.locale,
            email_verified: row.email_verified,
            approval_emails: Some(row.approval_emails),
        }
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum TenantStatus {
    /// In normal use.
    Active,
    /// Readable, not writable (for example after a subscription ended); nothing is deleted.
    ReadOnly,
    Closed,
}

/// A company using Duely.
#[derive(SimpleObject)]
pub struct Tenant {
    pub id: ID,
    pub name: String,
    /// A readable, unique handle.
    pub slug: String,
    /// ISO 4217 code of the currency reports default to.
    pub base_currency: String,
    pub locale: Locale,
    /// IANA time zone; dunning runs and daily jobs follow it.
    pub time_zone: String,
    /// The plan whose limits apply now (FREE after a sign-up trial ends unpaid).
    pub plan: Plan,
    pub status: TenantStatus,
}

impl From<TenantRow> for Tenant {
    fn from(row: TenantRow) -> Self {
        let standing = domain::billing::standing(
            &domain::billing::Subscription {
                plan: row.plan,
                status: row.subscription_status,
                trial_ends_at: row.trial_ends_at,
                status_since: row.status_since,
                paid: row.paid,
            },
            row.now,
        );
        let read_only = standing.is_read_only(row.now);
        Tenant {
            id: ID(row.id.to_string()),
            name: row.name,
            slug: row.slug,
            base_currency: row.base_currency,
            locale: row.locale,
            time_zone: row.time_zone,
            plan: standing.plan,
            status: match row.status {
                TenantState::Closed => TenantStatus::Closed,
                TenantState::ReadOnly => TenantStatus::ReadOnly,
                TenantState::Active if read_only => TenantStatus::ReadOnly,
                TenantState::Active => TenantStatus::Active,
            },
        }
    }
}

/// A signed-in session. Send `accessToken` as `Authorization: Bearer <token>`; before it
/// expires, trade `refreshToken` for a new pair with `refreshSession`.
#[derive(SimpleObject)]
pub struct SessionPayload {
    pub access_token: String,
    pub access_token_expires_at: DateTime<Utc>,
    /// Single use: each refresh returns the next one, and reusing an old one ends the session.
    pub refresh_token: String,
    pub user: User,
    pub tenant: Tenant,
    pub role: Role,
}

impl From<Session> for SessionPayload {
    fn from(session: Session) -> Self {
        SessionPayload {
            access_token: session.access.token,
            access_token_expires_at: session.access.expires_at,
            refresh_token: session.refresh_token,
            user: session.user.into(),
            tenant: session.tenant.into(),
            role: session.role,
        }
    }
}

#[derive(SimpleObject)]
pub struct PermissionGrant {
    pub permission: Permission,
    /// `ALL`, or `ASSIGNED` for only the customers assigned to the user.
    pub access: Access,
}

#[derive(SimpleObject)]
pub struct Membership {
    pub tenant: Tenant,
    pub role: Role,
}

/// The caller: a team member (with `user` and `role`) or an API key (without them).
#[derive(SimpleObject)]
pub struct Me {
    pub user: Option<User>,
    pub tenant: Tenant,
    pub role: Option<Role>,
    /// What the caller may do, for showing only what is allowed.
    pub permissions: Vec<PermissionGrant>,
    /// Every company the user belongs to, for switching.
    pub memberships: Vec<Membership>,
}

#[derive(SimpleObject)]
pub struct LogOutPayload {
    /// True when a session was ended.
    pub logged_out: bool,
}

#[derive(InputObject)]
pub struct SignUpInput {
    /// The company's name, 1 to 100 characters.
    pub company_name: String,
    /// Your name.
    pub name: String,
    pub email: String,
    /// At least 10 characters, not your email, not a common password.
    pub password: String,
    /// ISO 4217 code; CNY when omitted.
    pub base_currency: Option<String>,
    pub locale: Option<Locale>,
    /// IANA time zone; Asia/Shanghai when omitted.
    pub time_zone: Option<String>,
}

#[derive(InputObject)]
pub struct LogInInput {
    pub email: String,
    pub password: String,
    /// The company to sign in to; the most recently used one when omitted.
    pub tenant_id: Option<ID>,
}

#[derive(InputObject)]
pub struct RefreshSessionInput {
    pub refresh_token: String,
}

#[derive(InputObject, Default)]
pub struct LogOutInput {
    /// The session to end. Without it, a signed-in caller ends all their sessions in this company.
    pub refresh_token: Option<String>,
}

#[derive(InputObject)]
pub struct SwitchTenantInput {
    pub tenant_id: ID,
}

pub(super) async fn me(ctx: &Context<'_>) -> ApiResult<Me> {
    let (_, db) = services(ctx)?;
    let caller = &request(ctx)?.caller;
    let whoami = sessions::whoami(db, caller).await.api()?;
    let tenant = whoami.tenant.into();
    match (caller, whoami.member) {
        (Caller::Member(member), Some((user, memberships))) => Ok(Me {
            user: Some(user.into()),
            tenant,
            role: Some(member.role),
            permissions: member
                .role
                .permissions()
                .into_iter()
                .map(|(permission, access)| PermissionGrant { permission, access })
                .collect(),
            memberships: memberships
                .into_iter()
                .map(|(tenant, role)| Membership {
                    tenant: tenant.into(),
                    role,
                })
                .collect(),
        }),
        (Caller::ApiKey(key), _) => Ok(Me {
            user: None,
            tenant,
            role: None,
            permissions: Permission::ALL
                .into_iter()
                .filter(|permission| domain::access::scopes_allow(&key.scopes, *permission))
                .map(|permission| PermissionGrant {
                    permission,
                    access: Access::All,
                })
                .collect(),
            memberships: Vec::new(),
        }),
        _ => Err(caller.unauthenticated()).api(),
    }
}

pub(super) async fn sign_up(ctx: &Context<'_>, input: SignUpInput) -> ApiResult<SessionPayload> {
    let (identity, db) = services(ctx)?;
    let request = request(ctx)?;
    identity
        .limits
        .sign_up(request.client_ip)
        .await
        .map_err(AppError::rate_limited)
        .api()?;
    let session = sessions::sign_up(
        identity,
        db,
        SignUp {
            company_name: input.company_name,
            name: input.name,
            email: input.email,
            password: input.password,
            base_currency: input.base_currency,
            locale: input.locale,
            time_zone: input.time_zone,
            verified: false,
            links: Some(links(ctx)?.clone()),
        },
        &request.request_id,
    )
    .await
    .api()?;
    Ok(session.into())
}

pub(super) async fn log_in(ctx: &Context<'_>, input: LogInInput) -> ApiResult<SessionPayload> {
    let (identity, db) = services(ctx)?;
    let request = request(ctx)?;
    let tenant = input
        .tenant_id
        .as_ref()
        .map(|id| parse_tenant_id("input.tenantId", id))
        .transpose()?;
    let session = sessions::log_in(
        identity,
        db,
        &input.email,
        input.password,
        tenant,
        request.client_ip,
    )
    .await
    .api()?;
    Ok(session.into())
}

pub(super) async fn refresh_session(
    ctx: &Context<'_>,
    input: RefreshSessionInput,
) -> ApiResult<SessionPayload> {
    let (identity, db) = services(ctx)?;
    let session = sessions::refresh_session(identity, db, &input.refresh_token)
        .await
        .api()?;
    Ok(session.into())
}

pub(super) async fn log_out(
    ctx: &Context<'_>,
    input: Option<LogOutInput>,
) -> ApiResult<LogOutPayload> {
    let (_, db) = services(ctx)?;
    let request = request(ctx)?;
    let input = input.unwrap_or_default();
    let member = match &request.caller {
        Caller::Member(member) => Some(member.clone()),
        _ => None,
    };
    let logged_out = sessions::log_out(db, input.refresh_token.as_deref(), member.as_ref())
        .await
        .api()?;
    Ok(LogOutPayload { logged_out })
}

pub(super) async fn switch_tenant(
    ctx: &Context<'_>,
    input: SwitchTenantInput,
) -> ApiResult<SessionPayload> {
    let (identity, db) = services(ctx)?;
    let member = request(ctx)?.caller.require_member().api()?;
    let tenant = parse_tenant_id("input.tenantId", &input.tenant_id)?;
    let session = sessions::switch_tenant(identity, db, member, tenant)
        .await
        .api()?;
    Ok(session.into())
}
