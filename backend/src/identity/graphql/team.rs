//! The team: members, invitations, roles and removal.

use super::api_keys::ApiKey;
use super::session::{SessionPayload, User};
use crate::api::context::{links, request, services};
use crate::error::{ApiResult, IntoApi};
use crate::identity::service::team::{self, Acceptance, Revocations};
use crate::identity::store::team::{InvitationRow, TeamMemberRow};
use async_graphql::{Context, ID, InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use domain::Locale;
use domain::access::Role;

/// A member of the caller's company.
#[derive(SimpleObject)]
pub struct TeamMember {
    pub user: User,
    pub role: Role,
    pub joined_at: DateTime<Utc>,
}

impl From<TeamMemberRow> for TeamMember {
    fn from(row: TeamMemberRow) -> Self {
        TeamMember {
            user: User {
                id: ID(row.user_id.to_string()),
                email: row.email,
                name: row.name,
                locale: Locale::default(),
                email_verified: row.email_verified,
                approval_emails: None,
            },
            role: row.role,
            joined_at: row.joined_at,
        }
    }
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

impl From<InvitationRow> for Invitation {
    fn from(row: InvitationRow) -> Self {
        let invited_by = match (row.invited_by, row.invited_by_email, row.invited_by_name) {
            (Some(id), Some(email), Some(name)) => Some(User {
                id: ID(id.to_string()),
                email,
                name,
                locale: Locale::default(),
                email_verified: row.invited_by_verified.unwrap_or(false),
                approval_emails: None,
            }),
            _ => None,
        };
        Invitation {
            id: ID(row.id.to_string()),
            email: row.email,
            role: row.role,
            created_at: row.created_at,
            expires_at: row.expires_at,
            invited_by,
        }
    }
}

fn revocation_lists(revoked: Revocations) -> (Vec<ApiKey>, Vec<Invitation>) {
    (
        revoked.api_keys.into_iter().map(ApiKey::from).collect(),
        revoked
            .invitations
            .into_iter()
            .map(Invitation::from)
            .collect(),
    )
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

pub(super) async fn members(ctx: &Context<'_>) -> ApiResult<Vec<TeamMember>> {
    let (_, db) = services(ctx)?;
    Ok(team::members(db, &request(ctx)?.caller)
        .await
        .api()?
        .into_iter()
        .map(TeamMember::from)
        .collect())
}

pub(super) async fn invitations(ctx: &Context<'_>) -> ApiResult<Vec<Invitation>> {
    let (_, db) = services(ctx)?;
    Ok(team::pending_invitations(db, &request(ctx)?.caller)
        .await
        .api()?
        .into_iter()
        .map(Invitation::from)
        .collect())
}

pub(super) async fn invitation(ctx: &Context<'_>, token: String) -> ApiResult<InvitationPreview> {
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

pub(super) async fn invite_member(
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
        invitation: invitation.into(),
    })
}

pub(super) async fn accept_invitation(
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

pub(super) async fn change_member_role(
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
    let (revoked_api_keys, withdrawn_invitations) = revocation_lists(revoked);
    Ok(ChangeMemberRolePayload {
        member: member.into(),
        revoked_api_keys,
        withdrawn_invitations,
    })
}

pub(super) async fn remove_member(
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
    let (revoked_api_keys, withdrawn_invitations) = revocation_lists(revoked);
    Ok(RemoveMemberPayload {
        removed_user_id: ID(removed.to_string()),
        revoked_api_keys,
        withdrawn_invitations,
    })
}
