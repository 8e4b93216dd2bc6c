//! Who is calling. The GraphQL handler turns the `Authorization: Bearer …` header into a
//! [`Caller`] once per request; resolvers ask it for what they need (`require_member`,
//! `authorize`), so enforcement sits here and nowhere else.
//!
//! A bearer that starts with `duely_` is an API key; anything else is an access token (JWT). The
//! membership behind a token is re-read on every request, so a removed member or a changed role
//! takes effect at once, not when the token expires.

use crate::error::AppError;
use crate::identity::errors::IdentityError;
use domain::TenantId;
use domain::access::{Access, ApiScope, Permission, Role, scopes_allow};
use std::net::IpAddr;
use uuid::Uuid;

/// Per-request facts, attached to every GraphQL request by the HTTP handler.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub caller: Caller,
    pub request_id: String,
    pub client_ip: Option<IpAddr>,
    /// The language texts are written in for this request: the request's `Accept-Language`,
    /// else the member's own, else the company's (for API keys), else Chinese.
    pub locale: domain::Locale,
    /// Report figures shared by the resolvers of this one request.
    pub reports: crate::analytics::cache::ReportCache,
    /// DataLoaders that batch a page's nested lists, made for this request only.
    pub loaders: crate::api::loaders::Loaders,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// No credentials.
    Anonymous,
    /// Credentials were sent but are not valid now; says why, for the error.
    Rejected(Rejection),
    /// A signed-in team member acting in one tenant.
    Member(Member),
    /// A third party's API key, acting in its tenant with exactly its scopes.
    ApiKey(ApiKeyCaller),
}

/// Why credentials that were sent are not accepted: the request goes on as a caller without
/// credentials, and whatever needs them is refused `UNAUTHENTICATED` with this reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// The `Authorization` header is not `Bearer <credentials>`.
    NotBearer,
    /// The `Authorization` header is not valid text.
    HeaderNotText,
    /// The access token has expired, or is not one this server signed.
    SessionExpired,
    /// The access token's membership ended, or the password changed since it was issued.
    SessionRevoked,
    /// The API key is unknown or revoked.
    ApiKeyInvalid,
    /// The credentials could not be looked up (the database failed); a retry may pass.
    Unchecked,
    /// The credentials could not be looked up because the database is unreachable: the
    /// client waits and retries, and keeps its session.
    DatabaseUnavailable,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub user_id: Uuid,
    pub tenant_id: TenantId,
    pub role: Role,
    /// The company is read-only now (subscription ended past its grace period).
    pub read_only: bool,
    /// The person's own language, read with the membership.
    pub locale: domain::Locale,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyCaller {
    pub key_id: Uuid,
    pub tenant_id: TenantId,
    pub scopes: Vec<ApiScope>,
    /// The company is read-only now.
    pub read_only: bool,
    /// The company's language, read with the key.
    pub locale: domain::Locale,
}

impl Caller {
    pub fn tenant_id(&self) -> Option<TenantId> {
        match self {
            Caller::Member(member) => Some(member.tenant_id),
            Caller::ApiKey(key) => Some(key.tenant_id),
            Caller::Anonymous | Caller::Rejected(_) => None,
        }
    }

    /// The language of texts for this caller when the request does not ask for one: a member's
    /// own, a key's company's; `None` without credentials.
    pub fn locale(&self) -> Option<domain::Locale> {
        match self {
            Caller::Member(member) => Some(member.locale),
            Caller::ApiKey(key) => Some(key.locale),
            Caller::Anonymous | Caller::Rejected(_) => None,
        }
    }

    /// The company whose transactions must not write for this caller, if it is read-only.
    pub fn read_only_tenant(&self) -> Option<TenantId> {
        match self {
            Caller::Member(member) if member.read_only => Some(member.tenant_id),
            Caller::ApiKey(key) if key.read_only => Some(key.tenant_id),
            _ => None,
        }
    }

    /// The refusal of a caller without valid credentials: why its credentials were rejected,
    /// or that it sent none.
    pub fn unauthenticated(&self) -> AppError {
        match self {
            Caller::Rejected(rejection) => IdentityError::Rejected(*rejection).into(),
            _ => IdentityError::CredentialsMissing.into(),
        }
    }

    /// A signed-in person (API keys cannot manage sessions or see a person's profile).
    pub fn require_member(&self) -> Result<&Member, AppError> {
        match self {
            Caller::Member(member) => Ok(member),
            Caller::ApiKey(_) => Err(IdentityError::MemberOnly.into()),
            _ => Err(self.unauthenticated()),
        }
    }

    /// Anyone with credentials for a tenant.
    pub fn require_tenant(&self) -> Result<TenantId, AppError> {
        self.tenant_id().ok_or_else(|| self.unauthenticated())
    }

    /// Checks `permission` for a member's role or a key's scopes, and says how far it reaches.
    pub fn authorize(&self, permission: Permission) -> Result<Access, AppError> {
        match self {
            Caller::Member(member) => match member.role.access(permission) {
                Access::None => Err(IdentityError::RoleNotAllowed { role: member.role }.into()),
                access => Ok(access),
            },
            Caller::ApiKey(key) => {
                if scopes_allow(&key.scopes, permission) {
                    Ok(Access::All)
                } else {
                    Err(IdentityError::ScopeMissing {
                        scope: permission.api_scope(),
                    }
                    .into())
                }
            }
            _ => Err(self.unauthenticated()),
        }
    }
}

/// A customer, or anything that carries a customer's collector and salesperson: what `Assigned`
/// access is decided on.
pub trait Assigned {
    fn collector_id(&self) -> Option<Uuid>;
    fn salesperson_id(&self) -> Option<Uuid>;
}

/// Whether a member with `Assigned` access may see this customer.
pub fn visible_to(caller: &Caller, access: Access, row: &impl Assigned) -> bool {
    match (access, caller) {
        (Access::Assigned, Caller::Member(member)) => {
            row.collector_id() == Some(member.user_id)
                || row.salesperson_id() == Some(member.user_id)
        }
        (Access::None, _) => false,
        _ => true,
    }
}

/// The restriction for members who see only their assigned customers.
pub fn assigned_only(
    caller: &Caller,
    access: Access,
    conditions: &mut crate::db::conditions::Conditions,
    prefix: &str,
) {
    if let (Access::Assigned, Caller::Member(member)) = (access, caller) {
        let n = conditions.bind(member.user_id);
        conditions.fixed(&format!(
            "({prefix}collector_id = ${n} OR {prefix}salesperson_id = ${n})"
        ));
    }
}
