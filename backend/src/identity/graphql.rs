//! The identity API: `signUp`, `logIn`, `refreshSession`, `logOut`, `switchTenant`, `me`.
//! Resolvers parse, call `sessions`, and map rows to API types; nothing else.

use super::accounts;
use super::api_keys::{self, ApiKeyRow};
use super::sessions::{self, Session, SignUp, TenantRow, UserRow};
use super::team::{self, Acceptance, InvitationRow, Revocations, TeamMemberRow};
use crate::api::context::{links, request, services};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError, IntoApi};
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use domain::access::{Access, Permission, Role};
use domain::billing::Plan;
use domain::{Locale, TenantId};

fn parse_tenant_id(field: &str, id: &ID) -> ApiResult<TenantId> {
    id.parse::<TenantId>()
        .map_err(|_| {
            AppError::validation(
                field,
                format!("`{}` is not a company id (a UUID)", id.as_str()),
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
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        User {
            id: ID(row.id.to_string()),
            email: row.email,
            name: row.name,
            locale: row.locale.parse().unwrap_or_default(),
            email_verified: row.email_verified,
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
        // The database's CHECKs allow only known names; an unknown one reads as FREE, writable.
        let standing = domain::billing::Subscription::from_stored(
            &row.plan,
            &row.subscription_status,
            row.trial_ends_at,
            row.status_since,
            row.paid,
        )
        .map(|subscription| domain::billing::standing(&subscription, row.now));
        let read_only = standing
            .as_ref()
            .is_some_and(|standing| standing.is_read_only(row.now));
        let plan = standing.map_or(Plan::Free, |standing| standing.plan);
        Tenant {
            id: ID(row.id.to_string()),
            name: row.name,
            slug: row.slug,
            base_currency: row.base_currency,
            locale: row.locale.parse().unwrap_or_default(),
            time_zone: row.time_zone,
            plan,
            status: match row.status.as_str() {
                "CLOSED" => TenantStatus::Closed,
                "READ_ONLY" => TenantStatus::ReadOnly,
                _ if read_only => TenantStatus::ReadOnly,
                _ => TenantStatus::Active,
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
pub struct ChangePasswordInput {
    pub current_password: String,
    /// At least 10 characters, not your email, not a common password.
    pub new_password: String,
}

#[derive(InputObject)]
pub struct RequestPasswordResetInput {
    pub email: String,
}

#[derive(SimpleObject)]
pub struct RequestPasswordResetPayload {
    /// Always true: the answer does not say whether the address has an account. If it has, a
    /// link valid for one hour is on its way.
    pub accepted: bool,
}

#[derive(InputObject)]
pub struct ResetPasswordInput {
    /// The token from the emailed link.
    pub token: String,
    pub new_password: String,
}

#[derive(InputObject)]
pub struct VerifyEmailInput {
    /// The token from the emailed link.
    pub token: String,
}

#[derive(SimpleObject)]
pub struct VerifyEmailPayload {
    pub user: User,
}

#[derive(SimpleObject)]
pub struct ResendVerificationEmailPayload {
    /// False when the address is verified already (nothing was sent).
    pub sent: bool,
}

#[derive(InputObject)]
pub struct SwitchTenantInput {
    pub tenant_id: ID,
}

/// A member of the caller's company.
#[derive(SimpleObject)]
pub struct TeamMember {
    pub user: User,
    pub role: Role,
    pub joined_at: DateTime<Utc>,
}

impl TryFrom<TeamMemberRow> for TeamMember {
    type Error = async_graphql::Error;

    fn try_from(row: TeamMemberRow) -> Result<Self, Self::Error> {
        Ok(TeamMember {
            user: User {
                id: ID(row.user_id.to_string()),
                email: row.email,
                name: row.name,
                locale: Locale::default(),
                email_verified: row.email_verified,
            },
            role: parse_role(&row.role)?,
            joined_at: row.joined_at,
        })
    }
}

fn parse_role(role: &str) -> ApiResult<Role> {
    role.parse::<Role>()
        .map_err(|error| AppError::Internal(anyhow::Error::from(error)))
        .api()
}

/// An invitation waiting to be accepted (or, in a removal's payload, just withdrawn).
#[derive(SimpleObject)]
pub struct Invitation {
    pub id: ID,
    pub email: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The member who sent it; null once their account is gone. Accepting checks that they
    /// may still invite.
    pub invited_by: Option<User>,
}

impl TryFrom<InvitationRow> for Invitation {
    type Error = async_graphql::Error;

    fn try_from(row: InvitationRow) -> Result<Self, Self::Error> {
        let invited_by = match (row.invited_by, row.invited_by_email, row.invited_by_name) {
            (Some(id), Some(email), Some(name)) => Some(User {
                id: ID(id.to_string()),
                email,
                name,
                locale: Locale::default(),
                email_verified: row.invited_by_verified.unwrap_or(false),
            }),
            _ => None,
        };
        Ok(Invitation {
            id: ID(row.id.to_string()),
            email: row.email,
            role: parse_role(&row.role)?,
            created_at: row.created_at,
            expires_at: row.expires_at,
            invited_by,
        })
    }
}

fn revocation_lists(revoked: Revocations) -> ApiResult<(Vec<ApiKey>, Vec<Invitation>)> {
    Ok((
        revoked.api_keys.into_iter().map(ApiKey::from).collect(),
        revoked
            .invitations
            .into_iter()
            .map(Invitation::try_from)
            .collect::<Result<_, _>>()?,
    ))
}

/// What an invitation link offers, shown before accepting.
#[derive(SimpleObject)]
pub struct InvitationPreview {
    pub company_name: String,
    pub email: String,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
    /// True when the email already has an account: accept with its password (or signed in).
    pub account_exists: bool,
}

#[derive(InputObject)]
pub struct InviteMemberInput {
    pub email: String,
    pub role: Role,
}

#[derive(SimpleObject)]
pub struct InviteMemberPayload {
    pub invitation: Invitation,
}

#[derive(InputObject)]
pub struct AcceptInvitationInput {
    /// The token from the invitation link.
    pub token: String,
    /// Your name, for a new account.
    pub name: Option<String>,
    /// A new account's password, or your existing account's (not needed when signed in as it).
    pub password: Option<String>,
}

#[derive(InputObject)]
pub struct ChangeMemberRoleInput {
    pub user_id: ID,
    pub role: Role,
}

#[derive(SimpleObject)]
pub struct ChangeMemberRolePayload {
    pub member: TeamMember,
    /// The keys the member created, revoked because the new role may not manage keys.
    pub revoked_api_keys: Vec<ApiKey>,
    /// The member's pending invitations, withdrawn because the new role may not send them.
    pub withdrawn_invitations: Vec<Invitation>,
}

#[derive(InputObject)]
pub struct RemoveMemberInput {
    pub user_id: ID,
}

#[derive(SimpleObject)]
pub struct RemoveMemberPayload {
    pub removed_user_id: ID,
    /// Every live key the member created: they stop working now.
    pub revoked_api_keys: Vec<ApiKey>,
    /// Every pending invitation the member sent.
    pub withdrawn_invitations: Vec<Invitation>,
}

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
    /// team:read.
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

#[derive(Default)]
pub struct IdentityQuery;

#[Object]
impl IdentityQuery {
    /// The company's team.
    async fn members(&self, ctx: &Context<'_>) -> ApiResult<Vec<TeamMember>> {
        let (_, db) = services(ctx)?;
        team::members(db, &request(ctx)?.caller)
            .await
            .api()?
            .into_iter()
            .map(TeamMember::try_from)
            .collect()
    }

    /// The company's API keys, newest first (revoked ones included, marked).
    async fn api_keys(&self, ctx: &Context<'_>) -> ApiResult<Vec<ApiKey>> {
        let (_, db) = services(ctx)?;
        Ok(api_keys::api_keys(db, &request(ctx)?.caller)
            .await
            .api()?
            .into_iter()
            .map(ApiKey::from)
            .collect())
    }

    /// Invitations sent and not yet accepted.
    async fn invitations(&self, ctx: &Context<'_>) -> ApiResult<Vec<Invitation>> {
        let (_, db) = services(ctx)?;
        team::pending_invitations(db, &request(ctx)?.caller)
            .await
            .api()?
            .into_iter()
            .map(Invitation::try_from)
            .collect()
    }

    /// What the invitation with this token offers; `NOT_FOUND` once used, withdrawn or expired.
    async fn invitation(&self, ctx: &Context<'_>, token: String) -> ApiResult<InvitationPreview> {
        let (_, db) = services(ctx)?;
        let preview = team::preview_invitation(db, &token).await.api()?;
        Ok(InvitationPreview {
            company_name: preview.company_name,
            email: preview.email,
            role: preview.role,
            expires_at: preview.expires_at,
            account_exists: preview.account_exists,
        })
    }

    /// Who is calling, in which company, and what they may do.
    async fn me(&self, ctx: &Context<'_>) -> ApiResult<Me> {
        let (_, db) = services(ctx)?;
        let caller = &request(ctx)?.caller;
        let tenant_id = caller.require_tenant().api()?;
        let tenant = sessions::find_tenant(db, tenant_id).await.api()?;
        match caller {
            Caller::Member(member) => {
                let user = sessions::find_user(db, member.user_id).await.api()?;
                let memberships = sessions::memberships_of(db, member.user_id).await.api()?;
                let ids: Vec<_> = memberships.iter().map(|m| m.tenant_id).collect();
                let tenants = sessions::tenants_by_ids(db, &ids).await.api()?;
                let memberships = tenants
                    .into_iter()
                    .filter_map(|tenant| {
                        let role = memberships
                            .iter()
                            .find(|m| m.tenant_id == tenant.id)
                            .and_then(|m| m.role.parse::<Role>().ok())?;
                        Some(Membership {
                            tenant: tenant.into(),
                            role,
                        })
                    })
                    .collect();
                Ok(Me {
                    user: Some(user.into()),
                    tenant: tenant.into(),
                    role: Some(member.role),
                    permissions: member
                        .role
                        .permissions()
                        .into_iter()
                        .map(|(permission, access)| PermissionGrant { permission, access })
                        .collect(),
                    memberships,
                })
            }
            Caller::ApiKey(key) => Ok(Me {
                user: None,
                tenant: tenant.into(),
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
            Caller::Anonymous | Caller::Rejected(_) => {
                Err(AppError::unauthenticated("Sign in first.")).api()
            }
        }
    }
}

#[derive(Default)]
pub struct IdentityMutation;

#[Object]
impl IdentityMutation {
    /// Creates a company and its owner's account, and signs the owner in.
    async fn sign_up(&self, ctx: &Context<'_>, input: SignUpInput) -> ApiResult<SessionPayload> {
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

    /// Signs in with email and password. Wrong credentials and unknown emails get the same
    /// answer; repeated failures are throttled (`RATE_LIMITED` with `retryAfter`).
    async fn log_in(&self, ctx: &Context<'_>, input: LogInInput) -> ApiResult<SessionPayload> {
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

    /// Trades a refresh token for a new access token and the next refresh token.
    async fn refresh_session(
        &self,
        ctx: &Context<'_>,
        input: RefreshSessionInput,
    ) -> ApiResult<SessionPayload> {
        let (identity, db) = services(ctx)?;
        let session = sessions::refresh_session(identity, db, &input.refresh_token)
            .await
            .api()?;
        Ok(session.into())
    }

    /// Ends a session (its refresh token stops working at once).
    async fn log_out(
        &self,
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

    /// Invites someone by email to the caller's company.
    async fn invite_member(
        &self,
        ctx: &Context<'_>,
        input: InviteMemberInput,
    ) -> ApiResult<InviteMemberPayload> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        let links = links(ctx)?;
        let invitation = team::invite_member(
            db,
            &request.caller,
            links,
            &input.email,
            input.role,
            &request.request_id,
        )
        .await
        .api()?;
        Ok(InviteMemberPayload {
            invitation: invitation.try_into()?,
        })
    }

    /// Accepts an invitation: as a new account (with `name` and `password`), or as the
    /// existing account of the invited email (its `password`, or already signed in as it).
    async fn accept_invitation(
        &self,
        ctx: &Context<'_>,
        input: AcceptInvitationInput,
    ) -> ApiResult<SessionPayload> {
        let (identity, db) = services(ctx)?;
        let request = request(ctx)?;
        let session = team::accept_invitation(
            identity,
            db,
            &request.caller,
            Acceptance {
                token: input.token,
                name: input.name,
                password: input.password,
            },
            &request.request_id,
        )
        .await
        .api()?;
        Ok(session.into())
    }

    /// Changes a member's role. Only owners make or unmake owners; one owner always remains.
    async fn change_member_role(
        &self,
        ctx: &Context<'_>,
        input: ChangeMemberRoleInput,
    ) -> ApiResult<ChangeMemberRolePayload> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        let (member, revoked) = team::change_member_role(
            db,
            &request.caller,
            input.user_id.as_str(),
            input.role,
            &request.request_id,
        )
        .await
        .api()?;
        let (revoked_api_keys, withdrawn_invitations) = revocation_lists(revoked)?;
        Ok(ChangeMemberRolePayload {
            member: member.try_into()?,
            revoked_api_keys,
            withdrawn_invitations,
        })
    }

    /// Removes a member from the company: ends their sessions in it, revokes the API keys they
    /// created and withdraws the invitations they sent.
    async fn remove_member(
        &self,
        ctx: &Context<'_>,
        input: RemoveMemberInput,
    ) -> ApiResult<RemoveMemberPayload> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        let (removed, revoked) = team::remove_member(
            db,
            &request.caller,
            input.user_id.as_str(),
            &request.request_id,
        )
        .await
        .api()?;
        let (revoked_api_keys, withdrawn_invitations) = revocation_lists(revoked)?;
        Ok(RemoveMemberPayload {
            removed_user_id: ID(removed.to_string()),
            revoked_api_keys,
            withdrawn_invitations,
        })
    }

    /// Creates an API key with the given scopes. The secret is in this payload only.
    async fn create_api_key(
        &self,
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

    /// Revokes an API key; requests with it fail from now on.
    async fn revoke_api_key(
        &self,
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

    /// Changes your password. Every other session of yours ends; this returns a new one.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        input: ChangePasswordInput,
    ) -> ApiResult<SessionPayload> {
        let (identity, db) = services(ctx)?;
        let request = request(ctx)?;
        let member = request.caller.require_member().api()?;
        let session = accounts::change_password(
            identity,
            db,
            member,
            input.current_password,
            input.new_password,
            &request.request_id,
        )
        .await
        .api()?;
        Ok(session.into())
    }

    /// Emails a link to choose a new password, valid for one hour, if the address has an
    /// account. The answer is the same either way; `RATE_LIMITED` when asked too often.
    async fn request_password_reset(
        &self,
        ctx: &Context<'_>,
        input: RequestPasswordResetInput,
    ) -> ApiResult<RequestPasswordResetPayload> {
        let (identity, db) = services(ctx)?;
        let request = request(ctx)?;
        if input.email.len() > super::limits::MAX_EMAIL_LEN {
            return Err(AppError::validation(
                "input.email",
                "an email address is at most 254 characters",
            ))
            .api();
        }
        identity
            .limits
            .password_reset(&input.email, request.client_ip)
            .await
            .map_err(AppError::rate_limited)
            .api()?;
        accounts::request_password_reset(db, &input.email)
            .await
            .api()?;
        Ok(RequestPasswordResetPayload { accepted: true })
    }

    /// Sets a new password with the emailed link's token and signs in. Every earlier session
    /// ends; the link works once.
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        input: ResetPasswordInput,
    ) -> ApiResult<SessionPayload> {
        let (identity, db) = services(ctx)?;
        let session = accounts::reset_password(identity, db, &input.token, input.new_password)
            .await
            .api()?;
        Ok(session.into())
    }

    /// Confirms an email address with the emailed link's token.
    async fn verify_email(
        &self,
        ctx: &Context<'_>,
        input: VerifyEmailInput,
    ) -> ApiResult<VerifyEmailPayload> {
        let (_, db) = services(ctx)?;
        let user = accounts::verify_email(db, &input.token).await.api()?;
        Ok(VerifyEmailPayload { user: user.into() })
    }

    /// Sends the verification link for your address again.
    async fn resend_verification_email(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<ResendVerificationEmailPayload> {
        let (identity, db) = services(ctx)?;
        let member = request(ctx)?.caller.require_member().api()?;
        let sent = accounts::resend_verification(identity, db, links(ctx)?, member)
            .await
            .api()?;
        Ok(ResendVerificationEmailPayload { sent })
    }

    /// Starts a session in another company the user belongs to.
    async fn switch_tenant(
        &self,
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
}
