//! The identity API: `signUp`, `logIn`, `refreshSession`, `logOut`, `switchTenant`, `me`, the
//! team, API keys and a person's own account. The roots keep the fields in the schema's order
//! and hand each to its topic's module (`session`, `team`, `api_keys`, `accounts`), whose
//! resolvers parse, call the services, and map rows to API types; nothing else.

pub mod accounts;
pub mod api_keys;
pub mod session;
pub mod team;

use crate::error::ApiResult;
use accounts::{
    ChangePasswordInput, RequestPasswordResetInput, RequestPasswordResetPayload,
    ResendVerificationEmailPayload, ResetPasswordInput, VerifyEmailInput, VerifyEmailPayload,
};
use api_keys::{
    ApiKey, CreateApiKeyInput, CreateApiKeyPayload, RevokeApiKeyInput, RevokeApiKeyPayload,
};
use async_graphql::{Context, Object};
use session::{
    LogInInput, LogOutInput, LogOutPayload, Me, RefreshSessionInput, SessionPayload, SignUpInput,
    SwitchTenantInput,
};
use team::{
    AcceptInvitationInput, ChangeMemberRoleInput, ChangeMemberRolePayload, Invitation,
    InvitationPreview, InviteMemberInput, InviteMemberPayload, RemoveMemberInput,
    RemoveMemberPayload, TeamMember,
};

#[derive(Default)]
pub struct IdentityQuery;

#[Object]
impl IdentityQuery {
    /// The company's team.
    async fn members(&self, ctx: &Context<'_>) -> ApiResult<Vec<TeamMember>> {
        team::members(ctx).await
    }

    /// The company's API keys, newest first (revoked ones included, marked).
    async fn api_keys(&self, ctx: &Context<'_>) -> ApiResult<Vec<ApiKey>> {
        api_keys::api_keys(ctx).await
    }

    /// Invitations sent and not yet accepted.
    async fn invitations(&self, ctx: &Context<'_>) -> ApiResult<Vec<Invitation>> {
        team::invitations(ctx).await
    }

    /// What the invitation with this token offers; `NOT_FOUND` once used, withdrawn or expired.
    async fn invitation(&self, ctx: &Context<'_>, token: String) -> ApiResult<InvitationPreview> {
        team::invitation(ctx, token).await
    }

    /// Who is calling, in which company, and what they may do.
    async fn me(&self, ctx: &Context<'_>) -> ApiResult<Me> {
        session::me(ctx).await
    }
}

#[derive(Default)]
pub struct IdentityMutation;

#[Object]
impl IdentityMutation {
    /// Changes the signed-in person's name and language (`locale`: the language of the
    /// server's texts and emails for them when a request's `Accept-Language` does not say).
    async fn update_my_profile(
        &self,
        ctx: &Context<'_>,
        input: accounts::UpdateMyProfileInput,
    ) -> ApiResult<accounts::UpdateMyProfilePayload> {
        accounts::update_my_profile(ctx, input).await
    }

    /// Creates a company and its owner's account, and signs the owner in.
    async fn sign_up(&self, ctx: &Context<'_>, input: SignUpInput) -> ApiResult<SessionPayload> {
        session::sign_up(ctx, input).await
    }

    /// Signs in with email and password. Wrong credentials and unknown emails get the same
    /// answer; repeated failures are throttled (`RATE_LIMITED` with `retryAfter`).
    async fn log_in(&self, ctx: &Context<'_>, input: LogInInput) -> ApiResult<SessionPayload> {
        session::log_in(ctx, input).await
    }

    /// Trades a refresh token for a new access token and the next refresh token.
    async fn refresh_session(
        &self,
        ctx: &Context<'_>,
        input: RefreshSessionInput,
    ) -> ApiResult<SessionPayload> {
        session::refresh_session(ctx, input).await
    }

    /// Ends a session (its refresh token stops working at once).
    async fn log_out(
        &self,
        ctx: &Context<'_>,
        input: Option<LogOutInput>,
    ) -> ApiResult<LogOutPayload> {
        session::log_out(ctx, input).await
    }

    /// Invites someone by email to the caller's company.
    async fn invite_member(
        &self,
        ctx: &Context<'_>,
        input: InviteMemberInput,
    ) -> ApiResult<InviteMemberPayload> {
        team::invite_member(ctx, input).await
    }

    /// Accepts an invitation: as a new account (with `name` and `password`), or as the
    /// existing account of the invited email (its `password`, or already signed in as it).
    async fn accept_invitation(
        &self,
        ctx: &Context<'_>,
        input: AcceptInvitationInput,
    ) -> ApiResult<SessionPayload> {
        team::accept_invitation(ctx, input).await
    }

    /// Changes a member's role. Only owners make or unmake owners; one owner always remains.
    async fn change_member_role(
        &self,
        ctx: &Context<'_>,
        input: ChangeMemberRoleInput,
    ) -> ApiResult<ChangeMemberRolePayload> {
        team::change_member_role(ctx, input).await
    }

    /// Removes a member from the company: ends their sessions in it, revokes the API keys they
    /// created and withdraws the invitations they sent.
    async fn remove_member(
        &self,
        ctx: &Context<'_>,
        input: RemoveMemberInput,
    ) -> ApiResult<RemoveMemberPayload> {
        team::remove_member(ctx, input).await
    }

    /// Creates an API key with the given scopes. The secret is in this payload only.
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        input: CreateApiKeyInput,
    ) -> ApiResult<CreateApiKeyPayload> {
        api_keys::create_api_key(ctx, input).await
    }

    /// Revokes an API key; requests with it fail from now on.
    async fn revoke_api_key(
        &self,
        ctx: &Context<'_>,
        input: RevokeApiKeyInput,
    ) -> ApiResult<RevokeApiKeyPayload> {
        api_keys::revoke_api_key(ctx, input).await
    }

    /// Changes your password. Every other session of yours ends; this returns a new one.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        input: ChangePasswordInput,
    ) -> ApiResult<SessionPayload> {
        accounts::change_password(ctx, input).await
    }

    /// Emails a link to choose a new password, valid for one hour, if the address has an
    /// account. The answer is the same either way; `RATE_LIMITED` when asked too often.
    async fn request_password_reset(
        &self,
        ctx: &Context<'_>,
        input: RequestPasswordResetInput,
    ) -> ApiResult<RequestPasswordResetPayload> {
        accounts::request_password_reset(ctx, input).await
    }

    /// Sets a new password with the emailed link's token and signs in. Every earlier session
    /// ends; the link works once.
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        input: ResetPasswordInput,
    ) -> ApiResult<SessionPayload> {
        accounts::reset_password(ctx, input).await
    }

    /// Confirms an email address with the emailed link's token.
    async fn verify_email(
        &self,
        ctx: &Context<'_>,
        input: VerifyEmailInput,
    ) -> ApiResult<VerifyEmailPayload> {
        accounts::verify_email(ctx, input).await
    }

    /// Sends the verification link for your address again.
    async fn resend_verification_email(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<ResendVerificationEmailPayload> {
        accounts::resend_verification_email(ctx).await
    }

    /// Starts a session in another company the user belongs to.
    async fn switch_tenant(
        &self,
        ctx: &Context<'_>,
        input: SwitchTenantInput,
    ) -> ApiResult<SessionPayload> {
        session::switch_tenant(ctx, input).await
    }
}
