//! The team: invitations by email, accepting them, roles, removal.
//!
//! Rules: managing the team needs `ManageTeam`; making, demoting or removing an owner needs
//! `TransferOwnership` (owners only); a company always keeps at least one owner, checked under a
//! lock on the owners' rows so two concurrent demotions cannot both pass. Every change is in the
//! tenant's audit log, in the same transaction.

use super::sessions::{Session, start_session_for};
use crate::audit::{self, Actor, AuditEntry};
use crate::auth::{Caller, Member};
use crate::customers::service::Release;
use crate::db::notices::AccessNotice;
use crate::email::{self, OutgoingEmail};
use crate::error::AppError;
use crate::identity::store::api_keys::{self, ApiKeyRow};
use crate::identity::store::team::{
    self as store, InvitationRow, NewInvitation, PendingInvitation, TeamMemberRow,
};
use crate::identity::store::{accounts, sessions};
use crate::identity::tokens;
use crate::identity::{Identity, IdentityError};
use crate::startup::AppLinks;
use chrono::{DateTime, Utc};
use domain::access::{Permission, Role};
use domain::credentials::{self, EmailAddress};
use domain::reason::Reason;
use domain::{Locale, TenantId};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, TransactionTrait};
use uuid::Uuid;

const INVITATION_DAYS: i64 = 7;
const INVITATION_PREFIX: &str = "duely_inv_";

/// What a member loses when they are removed, or their new role no longer allows it: the API
/// keys they created (without `ManageApiKeys`) and the pending invitations they sent (without
/// `ManageTeam`, or, for invitations to become an owner, without `TransferOwnership`).
#[derive(Debug, Default)]
pub struct Revocations {
    pub api_keys: Vec<ApiKeyRow>,
    pub invitations: Vec<InvitationRow>,
}

/// Whether someone with `role` may send an invitation to become `invited_as`.
fn may_invite(role: Role, invited_as: Role) -> bool {
    role.can(Permission::ManageTeam)
        && (invited_as != Role::Owner || role.can(Permission::TransferOwnership))
}

/// Revokes what `user_id` may no longer hold with `role` (`None`: removed), each revocation in
/// the audit log with its cause, inside the caller's transaction.
async fn revoke_what_they_may_not_hold(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    user_id: Uuid,
    role: Option<Role>,
    actor: &Actor,
    cause: &'static str,
    request_id: &str,
) -> Result<Revocations, AppError> {
    let mut revoked = Revocations::default();
    if !role.is_some_and(|role| role.can(Permission::ManageApiKeys)) {
        revoked.api_keys = api_keys::revoke_keys_made_by(txn, tenant, user_id).await?;
    }
    let withdrawable: Vec<&str> = Role::ALL
        .into_iter()
        .filter(|invited_as| !role.is_some_and(|role| may_invite(role, *invited_as)))
        .map(Role::as_str)
        .collect();
    if !withdrawable.is_empty() {
        revoked.invitations = store::withdraw_invitations_by(
            txn,
            tenant,
            user_id,
            withdrawable.iter().map(|role| role.to_string()).collect(),
        )
        .await?;
    }
    for key in &revoked.api_keys {
        audit::record(
            txn,
            tenant,
            AuditEntry {
                actor: actor.clone(),
                action: "api_key.revoked",
                entity_type: "api_key",
                entity_id: Some(key.id.to_string()),
                before: Some(serde_json::json!({ "name": key.name, "revoked": false })),
                after: Some(serde_json::json!({
                    "revoked": true, "cause": cause, "createdBy": user_id.to_string(),
                })),
                request_id: Some(request_id),
            },
        )
        .await?;
    }
    for invitation in &revoked.invitations {
        audit::record(
            txn,
            tenant,
            AuditEntry {
                actor: actor.clone(),
                action: "invitation.withdrawn",
                entity_type: "invitation",
                entity_id: Some(invitation.id.to_string()),
                before: Some(serde_json::json!({
                    "email": invitation.email, "role": invitation.role.as_str(),
                })),
                after: Some(serde_json::json!({
                    "withdrawn": true, "cause": cause, "invitedBy": user_id.to_string(),
                })),
                request_id: Some(request_id),
            },
        )
        .await?;
    }
    Ok(revoked)
}

/// The acting user as the audit log names them.
async fn actor(conn: &impl ConnectionTrait, member: &Member) -> Result<Actor, AppError> {
    let user = sessions::find_user(conn, member.user_id).await?;
    Ok(Actor::User {
        id: member.user_id,
        label: user.email,
    })
}

fn may_assign(member: &Member, role: Role) -> Result<(), AppError> {
    if role == Role::Owner && !member.role.can(Permission::TransferOwnership) {
        return Err(IdentityError::OwnerOnly.into());
    }
    Ok(())
}

/// Invites `email` to the caller's company with `role`; the invitation goes out by email.
/// Returns the invitation (the link's token exists only in the email).
pub async fn invite_member(
    db: &DatabaseConnection,
    caller: &Caller,
    links: &AppLinks,
    email: &str,
    role: Role,
    request_id: &str,
) -> Result<InvitationRow, AppError> {
    caller.authorize(Permission::ManageTeam)?;
    let member = caller.require_member()?;
    may_assign(member, role)?;
    let email = EmailAddress::parse(email)
        .map_err(|error| AppError::input("input.email", Reason::from(&error)))?;
    let tenant = member.tenant_id;

    let txn = db.begin().await?;
    if store::is_member(&txn, tenant, email.as_str()).await? {
        return Err(IdentityError::AlreadyMember.into());
    }
    // A replaced invitation for the same address frees its seat first.
    let replacing = store::has_pending_invitation(&txn, tenant, email.as_str()).await?;
    crate::billing::plans::admit_control_plane(
        &txn,
        tenant,
        domain::billing::Limit::Users,
        u64::from(!replacing),
    )
    .await?;
    // A new invitation replaces any pending one for the same address.
    store::revoke_invitations_to(&txn, tenant, email.as_str()).await?;
    let token = tokens::new_secret(INVITATION_PREFIX)?;
    let invitation = store::insert_invitation(
        &txn,
        NewInvitation {
            tenant,
            email: email.as_str(),
            role,
            token_hash: tokens::digest(&token),
            invited_by: member.user_id,
            days: INVITATION_DAYS as i32,
        },
    )
    .await?;

    let company = sessions::find_tenant(&txn, tenant).await?;
    let inviter = sessions::find_user(&txn, member.user_id).await?;
    let link = format!("{}/invite/{}", links.public_url, email::SECRET_MARK);
    let (subject, text) =
        invitation_email(company.locale, &inviter.name, &company.name, role, &link);
    email::enqueue(
        &txn,
        OutgoingEmail {
            tenant: Some(tenant),
            audience: email::Audience::Team,
            to: email.to_string(),
            subject,
            text,
            html: None,
            secret: Some(links.secret(token)),
        },
    )
    .await?;
    audit::record(
        &txn,
        tenant,
        AuditEntry {
            actor: Actor::User {
                id: member.user_id,
                label: inviter.email.clone(),
            },
            action: "member.invited",
            entity_type: "invitation",
            entity_id: Some(invitation.id.to_string()),
            before: None,
            after: Some(serde_json::json!({ "email": email.as_str(), "role": role.as_str() })),
            request_id: Some(request_id),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(invitation)
}

fn invitation_email(
    locale: Locale,
    inviter: &str,
    company: &str,
    role: Role,
    link: &str,
) -> (String, String) {
    match locale {
        Locale::ZhCn => (
            format!("{inviter} 邀请您加入 {company} 的 Duely"),
            format!(
                "您好，\n\n{inviter} 邀请您以「{role}」身份加入 {company} 的 Duely 应收账款与催收工作台。\n\n\
                 接受邀请：{link}\n\n该链接 {INVITATION_DAYS} 天内有效。如果您不认识对方，请忽略本邮件。\n\nDuely",
                role = role_label(locale, role)
            ),
        ),
        Locale::En => (
            format!("{inviter} invited you to {company} on Duely"),
            format!(
                "Hello,\n\n{inviter} invited you to join {company} on Duely, as {role}.\n\n\
                 Accept the invitation: {link}\n\nThe link works for {INVITATION_DAYS} days. If you do not know the sender, ignore this email.\n\nDuely",
                role = role_label(locale, role)
            ),
        ),
    }
}

fn role_label(locale: Locale, role: Role) -> &'static str {
    match (locale, role) {
        (Locale::ZhCn, Role::Owner) => "所有者",
        (Locale::ZhCn, Role::Admin) => "管理员",
        (Locale::ZhCn, Role::FinanceManager) => "财务经理",
        (Locale::ZhCn, Role::Collector) => "催收专员",
        (Locale::ZhCn, Role::Sales) => "销售",
        (Locale::ZhCn, Role::Viewer) => "只读成员",
        (Locale::En, Role::Owner) => "an owner",
        (Locale::En, Role::Admin) => "an admin",
        (Locale::En, Role::FinanceManager) => "a finance manager",
        (Locale::En, Role::Collector) => "a collector",
        (Locale::En, Role::Sales) => "sales",
        (Locale::En, Role::Viewer) => "a viewer",
    }
}

/// What an invitation link shows before it is accepted.
pub struct InvitationPreview {
    pub company_name: String,
    pub email: String,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
    /// True when the address already has an account: the invitee signs in instead of choosing a
    /// password. Only the holder of the emailed token learns it.
    pub account_exists: bool,
}

fn invalid_invitation() -> AppError {
    IdentityError::InvitationInvalid.into()
}

async fn pending_invitation(
    conn: &impl ConnectionTrait,
    token: &str,
    lock: bool,
) -> Result<PendingInvitation, AppError> {
    let invitation = store::invitation_by_token(conn, tokens::digest(token), lock)
        .await?
        .ok_or_else(invalid_invitation)?;
    if invitation.accepted_at.is_some()
        || invitation.revoked_at.is_some()
        || invitation.expires_at <= Utc::now()
    {
        return Err(invalid_invitation());
    }
    Ok(invitation)
}

/// The sender's standing is read when the invitation is used, not when it was sent: an
/// invitation from someone since removed, or no longer allowed to invite, opens no door.
async fn sender_may_still_invite(
    conn: &impl ConnectionTrait,
    invitation: &PendingInvitation,
    role: Role,
) -> Result<(), AppError> {
    let tenant = TenantId::from_uuid(invitation.tenant_id);
    let sender_role = match invitation.invited_by {
        Some(sender) => sessions::active_role(conn, tenant, sender).await?,
        None => None,
    };
    if sender_role.is_some_and(|sender| may_invite(sender, role)) {
        Ok(())
    } else {
        Err(IdentityError::InvitationSenderCannotInvite.into())
    }
}

pub async fn preview_invitation(
    db: &DatabaseConnection,
    token: &str,
) -> Result<InvitationPreview, AppError> {
    let invitation = pending_invitation(db, token, false).await?;
    let role = invitation.role;
    sender_may_still_invite(db, &invitation, role).await?;
    let company = sessions::find_tenant(db, TenantId::from_uuid(invitation.tenant_id)).await?;
    let account_exists = store::account_exists(db, invitation.email.clone()).await?;
    Ok(InvitationPreview {
        company_name: company.name,
        email: invitation.email,
        role,
        expires_at: invitation.expires_at,
        account_exists,
    })
}

pub struct Acceptance {
    pub token: String,
    /// For a new account.
    pub name: Option<String>,
    /// The new account's password, or the existing account's, unless already signed in as it.
    pub password: Option<String>,
}

pub async fn accept_invitation(
    identity: &Identity,
    db: &DatabaseConnection,
    caller: &Caller,
    acceptance: Acceptance,
    request_id: &str,
) -> Result<Session, AppError> {
    // Read first, outside the transaction, so no password hash runs under a row lock.
    let preview = pending_invitation(db, &acceptance.token, false).await?;
    let email = EmailAddress::parse(&preview.email).map_err(anyhow::Error::from)?;
    let existing = sessions::credentials_by_email(db, email.as_str()).await?;
    let new_account = match &existing {
        Some(row) => {
            let user_id = row.id;
            let signed_in_as_invitee =
                matches!(caller, Caller::Member(member) if member.user_id == user_id);
            if !signed_in_as_invitee {
                let password = acceptance
                    .password
                    .clone()
                    .ok_or(IdentityError::InvitationPasswordRequired)?;
                let phc = row.password_hash.clone();
                if !identity.passwords.verify(password, Some(phc)).await? {
                    return Err(IdentityError::InvitationPasswordWrong.into());
                }
            }
            None
        }
        None => {
            let name = credentials::person_name(acceptance.name.as_deref().unwrap_or_default())
                .map_err(|error| AppError::input("input.name", Reason::from(&error)))?;
            let password = acceptance.password.clone().unwrap_or_default();
            credentials::check_password(&password, &email)
                .map_err(|error| AppError::input("input.password", Reason::from(&error)))?;
            Some((name, identity.passwords.hash(password).await?))
        }
    };

    let txn = db.begin().await?;
    let invitation = pending_invitation(&txn, &acceptance.token, true).await?;
    let tenant = TenantId::from_uuid(invitation.tenant_id);
    let role = invitation.role;
    sender_may_still_invite(&txn, &invitation, role).await?;
    let user_id = match (new_account, &existing) {
        (Some((name, hash)), _) => {
            let id = Uuid::now_v7();
            // The invitation reached this address: it is verified.
            let inserted =
                store::insert_invited_user(&txn, id, email.as_str(), name, hash, tenant).await?;
            if !inserted {
                return Err(IdentityError::AccountJustCreated.into());
            }
            id
        }
        (None, Some(row)) => {
            let id = row.id;
            // Opening the invitation's link proves the address, as the verification link would.
            accounts::mark_verified(&txn, id, email.as_str()).await?;
            id
        }
        (None, None) => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "no account to accept with"
            )));
        }
    };
    store::insert_membership(&txn, tenant, user_id, role).await?;
    store::mark_invitation_accepted(&txn, invitation.id).await?;
    audit::record(
        &txn,
        tenant,
        AuditEntry {
            actor: Actor::User {
                id: user_id,
                label: email.to_string(),
            },
            action: "member.joined",
            entity_type: "member",
            entity_id: Some(user_id.to_string()),
            before: None,
            after: Some(serde_json::json!({ "email": email.as_str(), "role": role.as_str() })),
            request_id: Some(request_id),
        },
    )
    .await?;
    let actual_role = sessions::active_role(&txn, tenant, user_id)
        .await?
        .unwrap_or(role);
    let session = start_session_for(identity, &txn, user_id, tenant, actual_role).await?;
    txn.commit().await?;
    Ok(session)
}

pub async fn members(
    db: &DatabaseConnection,
    caller: &Caller,
) -> Result<Vec<TeamMemberRow>, AppError> {
    caller.authorize(Permission::ViewTeam)?;
    let tenant = caller.require_tenant()?;
    store::members_of(db, tenant).await
}

pub async fn pending_invitations(
    db: &DatabaseConnection,
    caller: &Caller,
) -> Result<Vec<InvitationRow>, AppError> {
    caller.authorize(Permission::ManageTeam)?;
    let tenant = caller.require_tenant()?;
    store::pending_invitations_of(db, tenant).await
}

/// Locks the company's owners and fails when `leaving` is the last of them.
async fn keep_an_owner(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    leaving: Uuid,
) -> Result<(), AppError> {
    let owners = store::lock_owners(txn, tenant).await?;
    if owners == [leaving] {
        return Err(IdentityError::LastOwner.into());
    }
    Ok(())
}

fn parse_user(field: &str, user_id: &str) -> Result<Uuid, AppError> {
    user_id.parse().map_err(|_| {
        AppError::input(
            field,
            Reason::NotAnId {
                value: user_id.to_owned(),
            },
        )
    })
}

async fn target_role(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    user_id: Uuid,
) -> Result<Role, AppError> {
    sessions::active_role(txn, tenant, user_id)
        .await?
        .ok_or_else(|| AppError::from(IdentityError::MemberNotFound))
}

pub async fn change_member_role(
    db: &DatabaseConnection,
    caller: &Caller,
    user_id: &str,
    role: Role,
    request_id: &str,
) -> Result<(TeamMemberRow, Revocations), AppError> {
    caller.authorize(Permission::ManageTeam)?;
    let member = caller.require_member()?;
    let user_id = parse_user("input.userId", user_id)?;
    let tenant = member.tenant_id;
    let txn = db.begin().await?;
    let before = target_role(&txn, tenant, user_id).await?;
    if before == Role::Owner || role == Role::Owner {
        may_assign(member, Role::Owner)?;
    }
    if before == Role::Owner && role != Role::Owner {
        keep_an_owner(&txn, tenant, user_id).await?;
    }
    store::set_role(&txn, tenant, user_id, role).await?;
    let actor = actor(&txn, member).await?;
    audit::record(
        &txn,
        tenant,
        AuditEntry {
            actor: actor.clone(),
            action: "member.role_changed",
            entity_type: "member",
            entity_id: Some(user_id.to_string()),
            before: Some(serde_json::json!({ "role": before.as_str() })),
            after: Some(serde_json::json!({ "role": role.as_str() })),
            request_id: Some(request_id),
        },
    )
    .await?;
    let revoked = revoke_what_they_may_not_hold(
        &txn,
        tenant,
        user_id,
        Some(role),
        &actor,
        "member.role_changed",
        request_id,
    )
    .await?;
    let row = store::team_member(&txn, tenant, user_id).await?;
    // A role that may not collect (or sell) takes them off those customers and tasks, in the
    // same transaction.
    let tx = crate::db::TenantTx::bind_writable(txn, tenant).await?;
    crate::customers::service::release_member(
        &tx,
        user_id,
        Release::for_role(role),
        &actor,
        request_id,
    )
    .await?;
    tx.commit().await?;
    // This replica at once; the others hear of it (`db::notices`).
    crate::identity::standing::heard(AccessNotice::Tenant(member.tenant_id.0));
    Ok((row, revoked))
}

pub async fn remove_member(
    db: &DatabaseConnection,
    caller: &Caller,
    user_id: &str,
    request_id: &str,
) -> Result<(Uuid, Revocations), AppError> {
    caller.authorize(Permission::ManageTeam)?;
    let member = caller.require_member()?;
    let user_id = parse_user("input.userId", user_id)?;
    let tenant = member.tenant_id;
    let txn = db.begin().await?;
    let before = store::team_member(&txn, tenant, user_id).await?;
    let role = before.role;
    if role == Role::Owner {
        may_assign(member, Role::Owner)?;
        keep_an_owner(&txn, tenant, user_id).await?;
    }
    // Their sessions in this company end now, not when the tokens expire.
    store::delete_membership(&txn, tenant, user_id).await?;
    let actor = actor(&txn, member).await?;
    audit::record(
        &txn,
        tenant,
        AuditEntry {
            actor: actor.clone(),
            action: "member.removed",
            entity_type: "member",
            entity_id: Some(user_id.to_string()),
            before: Some(
                serde_json::json!({ "email": before.email, "role": before.role.as_str() }),
            ),
            after: None,
            request_id: Some(request_id),
        },
    )
    .await?;
    let revoked = revoke_what_they_may_not_hold(
        &txn,
        tenant,
        user_id,
        None,
        &actor,
        "member.removed",
        request_id,
    )
    .await?;
    // Their customers and open tasks are left to the team in the same transaction, even in a
    // read-only company: removing someone's access is never refused.
    let tx = crate::db::TenantTx::bind_writable(txn, tenant).await?;
    crate::customers::service::release_member(&tx, user_id, Release::ALL, &actor, request_id)
        .await?;
    tx.commit().await?;
    crate::identity::standing::heard(AccessNotice::Tenant(member.tenant_id.0));
    Ok((user_id, revoked))
}
