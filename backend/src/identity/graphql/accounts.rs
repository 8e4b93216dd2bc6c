//! A person's own account: changing and resetting the password, verifying the address.

use super::session::{SessionPayload, User};
use crate::api::context::{links, request, services};
use crate::error::{ApiResult, AppError, IntoApi};
use crate::identity::service::accounts;
use async_graphql::{Context, InputObject, SimpleObject};
use domain::Locale;
use domain::credentials::EmailError;
use domain::reason::Reason;

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

/// What a person changes about themselves: every field optional, one left out stays.
#[derive(InputObject)]
pub struct UpdateMyProfileInput {
    /// 1 to 100 characters.
    pub name: Option<String>,
    /// The language of the server's texts and emails for you, when a request does not say.
    pub locale: Option<Locale>,
    /// How you hear of approval requests awaiting you.
    pub approval_emails: Option<domain::approvals::ApprovalEmails>,
}

#[derive(SimpleObject)]
pub struct UpdateMyProfilePayload {
    pub user: User,
}

pub(super) async fn update_my_profile(
    ctx: &Context<'_>,
    input: UpdateMyProfileInput,
) -> ApiResult<UpdateMyProfilePayload> {
    let (_, db) = services(ctx)?;
    let request = request(ctx)?;
    let member = request.caller.require_member().api()?;
    let user = accounts::update_profile(
        db,
        member,
        accounts::ProfileChange {
            name: input.name,
            locale: input.locale,
            approval_emails: input.approval_emails,
        },
        &request.request_id,
    )
    .await
    .api()?;
    Ok(UpdateMyProfilePayload { user: user.into() })
}

pub(super) async fn change_password(
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

pub(super) async fn request_password_reset(
    ctx: &Context<'_>,
    input: RequestPasswordResetInput,
) -> ApiResult<RequestPasswordResetPayload> {
    let (identity, db) = services(ctx)?;
    let request = request(ctx)?;
    if input.email.len() > crate::identity::limits::MAX_EMAIL_LEN {
        return Err(AppError::input(
            "input.email",
            Reason::from(&EmailError::TooLong),
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

pub(super) async fn reset_password(
    ctx: &Context<'_>,
    input: ResetPasswordInput,
) -> ApiResult<SessionPayload> {
    let (identity, db) = services(ctx)?;
    let session = accounts::reset_password(identity, db, &input.token, input.new_password)
        .await
        .api()?;
    Ok(session.into())
}

pub(super) async fn verify_email(
    ctx: &Context<'_>,
    input: VerifyEmailInput,
) -> ApiResult<VerifyEmailPayload> {
    let (_, db) = services(ctx)?;
    let user = accounts::verify_email(db, &input.token).await.api()?;
    Ok(VerifyEmailPayload { user: user.into() })
}

pub(super) async fn resend_verification_email(
    ctx: &Context<'_>,
) -> ApiResult<ResendVerificationEmailPayload> {
    let (identity, db) = services(ctx)?;
    let member = request(ctx)?.caller.require_member().api()?;
    let sent = accounts::resend_verification(identity, db, links(ctx)?, member)
        .await
        .api()?;
    Ok(ResendVerificationEmailPayload { sent })
}
