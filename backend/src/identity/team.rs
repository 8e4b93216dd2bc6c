//! The team: invitations by email, accepting them, roles, removal.
//!
//! Rules: managing the team needs `ManageTeam`; making, demoting or removing an owner needs
//! `TransferOwnership` (owners only); a company always keeps at least one owner, checked under a
//! lock on the owners' rows so two concurrent demotions cannot both pass. Every change is in the
//! tenant's audit log, in the same transaction.

use super::Identity;
use super::sessions::{self, Session, start_session_for};
use super::tokens;
use crate::audit::{self, Actor, AuditEntry};
use crate::auth::{Caller, Member};
use crate::email::{self, OutgoingEmail};
use crate::error::AppError;
use crate::startup::AppLinks;
use chrono::{DateTime, Utc};
use domain::access::{Permission, Role};
use domain::credentials::{self, EmailAddress};
use domain::{Locale, TenantId};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, FromQueryResult,
    Statement, TransactionTrait,
};
use uuid::Uuid;

const INVITATION_DAYS: i64 = 7;
const INVITATION_PREFIX: &str = "duely_inv_";

const SELECT_MEMBERS: &str =
    "SELECT u.id AS user_id, u.email, u.name, u.email_verified_at IS NOT NULL AS email_verified,
            m.role, m.created_at AS joined_at
     FROM public.memberships m JOIN public.users u ON u.id = m.user_id";

#[derive(Debug, Clone, FromQueryResult)]
pub struct InvitationRow {
    pub id: Uuid,
    pub email: String,
    pub role: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The member who sent it (gone when their account was deleted).
    pub invited_by: Option<Uuid>,
    pub invited_by_email: Option<String>,
    pub invited_by_name: Option<String>,
    pub invited_by_verified: Option<bool>,
}

/// Invitations with their senders; `i` is the invitation (or a CTE of the same columns).
const SELECT_INVITATIONS: &str =
    "SELECT i.id, i.email, i.role, i.created_at, i.expires_at, i.invited_by,
            u.email AS invited_by_email, u.name AS invited_by_name,
            u.email_verified_at IS NOT NULL AS invited_by_verified
     FROM public.invitations i LEFT JOIN public.users u ON u.id = i.invited_by";

/// What a member loses when they are removed, or their new role no longer allows it: the API
/// keys they created (without `ManageApiKeys`) and the pending invitations they sent (without
/// `ManageTeam`, or, for invitations to become an owner, without `TransferOwnership`).
#[derive(Debug, Default)]
pub struct Revocations {
    pub api_keys: Vec<super::api_keys::ApiKeyRow>,
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
        revoked.api_keys = super::api_keys::revoke_keys_made_by(txn, tenant, user_id).await?;
    }
    let withdrawable: Vec<&str> = Role::ALL
        .into_iter()
        .filter(|invited_as| !role.is_some_and(|role| may_invite(role, *invited_as)))
        .map(Role::as_str)
        .collect();
    if !withdrawable.is_empty() {
        revoked.invitations = InvitationRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "WITH i AS (
                     UPDATE public.invitations SET revoked_at = now()
                     WHERE tenant_id = $1 AND invited_by = $2 AND role = ANY($3)
                       AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()
                     RETURNING *)
                 {} ORDER BY i.created_at",
                SELECT_INVITATIONS.replace("FROM public.invitations i", "FROM i")
            ),
            [
                tenant.0.into(),
                user_id.into(),
                withdrawable
                    .iter()
                    .map(|role| role.to_string())
                    .collect::<Vec<_>>()
                    .into(),
            ],
        ))
        .all(txn)
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
                    "email": invitation.email, "role": invitation.role,
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

#[derive(Debug, Clone, FromQueryResult)]
pub struct TeamMemberRow {
    pub user_id: Uuid,
    pub email: String,
    pub name: String,
    pub email_verified: bool,
    pub role: String,
    pub joined_at: DateTime<Utc>,
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
        return Err(AppError::forbidden(
            "Only an owner can make someone an owner.",
        ));
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
    let email =
        EmailAddress::parse(email).map_err(|error| AppError::validation("input.email", error))?;
    let tenant = member.tenant_id;

    let txn = db.begin().await?;
    let already = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS found FROM public.memberships m JOIN public.users u ON u.id = m.user_id
             WHERE m.tenant_id = $1 AND u.email = $2",
            [tenant.0.into(), email.as_str().into()],
        ))
        .await?;
    if already.is_some() {
        return Err(AppError::conflict(
            "input.email",
            "This person is already a member of the company.",
        ));
    }
    // A replaced invitation for the same address frees its seat first.
    let replacing = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS found FROM public.invitations
             WHERE tenant_id = $1 AND email = $2 AND accepted_at IS NULL AND revoked_at IS NULL
               AND expires_at > now()",
            [tenant.0.into(), email.as_str().into()],
        ))
        .await?
        .is_some();
    crate::billing::plans::admit_control_plane(
        &txn,
        tenant,
        domain::billing::Limit::Users,
        u64::from(!replacing),
    )
    .await?;
    // A new invitation replaces any pending one for the same address.
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.invitations SET revoked_at = now()
         WHERE tenant_id = $1 AND email = $2 AND accepted_at IS NULL AND revoked_at IS NULL",
        [tenant.0.into(), email.as_str().into()],
    ))
    .await?;
    let token = tokens::new_secret(INVITATION_PREFIX)?;
    let invitation = InvitationRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "WITH i AS (
                 INSERT INTO public.invitations (id, tenant_id, email, role, token_hash, invited_by, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(days => $7))
                 RETURNING *)
             {}",
            SELECT_INVITATIONS.replace("FROM public.invitations i", "FROM i")
        ),
        [
            Uuid::now_v7().into(),
            tenant.0.into(),
            email.as_str().into(),
            role.as_str().into(),
            tokens::digest(&token).into(),
            member.user_id.into(),
            (INVITATION_DAYS as i32).into(),
        ],
    ))
    .one(&txn)
    .await?
    .ok_or_else(|| AppError::Internal(anyhow::anyhow!("invitation insert returned nothing")))?;

    let company = sessions::find_tenant(&txn, tenant).await?;
    let inviter = sessions::find_user(&txn, member.user_id).await?;
    let locale: Locale = company.locale.parse().unwrap_or_default();
    let link = format!("{}/invite/{}", links.public_url, email::SECRET_MARK);
    let (subject, text) = invitation_email(locale, &inviter.name, &company.name, role, &link);
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
    AppError::not_found(
        "This invitation is not valid any more: it was used, withdrawn or has expired. Ask for a new one.",
    )
}

#[derive(Debug, FromQueryResult)]
struct PendingInvitation {
    id: Uuid,
    tenant_id: Uuid,
    email: String,
    role: String,
    expires_at: DateTime<Utc>,
    accepted_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
    invited_by: Option<Uuid>,
}

async fn pending_invitation(
    conn: &impl ConnectionTrait,
    token: &str,
    lock: bool,
) -> Result<PendingInvitation, AppError> {
    let sql = format!(
        "SELECT id, tenant_id, email, role, expires_at, accepted_at, revoked_at, invited_by
         FROM public.invitations WHERE token_hash = $1{}",
        if lock { " FOR UPDATE" } else { "" }
    );
    let invitation = PendingInvitation::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        [tokens::digest(token).into()],
    ))
    .one(conn)
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
        Err(AppError::not_found(
            "This invitation is not valid any more: the person who sent it can no longer invite members. Ask for a new one.",
        ))
    }
}

pub async fn preview_invitation(
    db: &DatabaseConnection,
    token: &str,
) -> Result<InvitationPreview, AppError> {
    let invitation = pending_invitation(db, token, false).await?;
    let role: Role = invitation.role.parse().map_err(anyhow::Error::from)?;
    sender_may_still_invite(db, &invitation, role).await?;
    let company = sessions::find_tenant(db, TenantId::from_uuid(invitation.tenant_id)).await?;
    let account_exists = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS found FROM public.users WHERE email = $1",
            [invitation.email.clone().into()],
        ))
        .await?
        .is_some();
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
    let existing = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id, password_hash FROM public.users WHERE email = $1",
            [email.as_str().into()],
        ))
        .await?;
    let new_account = match &existing {
        Some(row) => {
            let user_id: Uuid = row.try_get("", "id")?;
            let signed_in_as_invitee =
                matches!(caller, Caller::Member(member) if member.user_id == user_id);
            if !signed_in_as_invitee {
                let password = acceptance.password.clone().ok_or_else(|| {
                    AppError::validation(
                        "input.password",
                        "Enter the password of your existing account to accept.",
                    )
                })?;
                let phc: String = row.try_get("", "password_hash")?;
                if !identity.passwords.verify(password, Some(phc)).await? {
                    return Err(AppError::unauthenticated(
                        "The password is not right for this account.",
                    ));
                }
            }
            None
        }
        None => {
            let name = credentials::person_name(acceptance.name.as_deref().unwrap_or_default())
                .map_err(|error| AppError::validation("input.name", error))?;
            let password = acceptance.password.clone().unwrap_or_default();
            credentials::check_password(&password, &email)
                .map_err(|error| AppError::validation("input.password", error))?;
            Some((name, identity.passwords.hash(password).await?))
        }
    };

    let txn = db.begin().await?;
    let invitation = pending_invitation(&txn, &acceptance.token, true).await?;
    let tenant = TenantId::from_uuid(invitation.tenant_id);
    let role: Role = invitation.role.parse().map_err(anyhow::Error::from)?;
    sender_may_still_invite(&txn, &invitation, role).await?;
    let user_id = match (new_account, &existing) {
        (Some((name, hash)), _) => {
            let id = Uuid::now_v7();
            let inserted = txn
                .query_one_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    // The invitation reached this address: it is verified.
                    "INSERT INTO public.users (id, email, name, password_hash, locale, email_verified_at)
                     SELECT $1, $2, $3, $4, t.locale, now() FROM public.tenants t WHERE t.id = $5
                     ON CONFLICT (email) DO NOTHING RETURNING id",
                    [
                        id.into(),
                        email.as_str().into(),
                        name.into(),
                        hash.into(),
                        tenant.0.into(),
                    ],
                ))
                .await?;
            if inserted.is_none() {
                return Err(AppError::conflict(
                    "input.email",
                    "An account for this email was just created; sign in to accept.",
                ));
            }
            id
        }
        (None, Some(row)) => {
            let id = row.try_get::<Uuid>("", "id")?;
            // Opening the invitation's link proves the address, as the verification link would.
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE public.users SET email_verified_at = coalesce(email_verified_at, now())
                 WHERE id = $1 AND email = $2",
                [id.into(), email.as_str().into()],
            ))
            .await?;
            id
        }
        (None, None) => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "no account to accept with"
            )));
        }
    };
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO public.memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id, user_id) DO NOTHING",
        [tenant.0.into(), user_id.into(), role.as_str().into()],
    ))
    .await?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.invitations SET accepted_at = now() WHERE id = $1",
        [invitation.id.into()],
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
    Ok(
        TeamMemberRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!("{SELECT_MEMBERS} WHERE m.tenant_id = $1 ORDER BY m.created_at, u.email"),
            [tenant.0.into()],
        ))
        .all(db)
        .await?,
    )
}

pub async fn pending_invitations(
    db: &DatabaseConnection,
    caller: &Caller,
) -> Result<Vec<InvitationRow>, AppError> {
    caller.authorize(Permission::ManageTeam)?;
    let tenant = caller.require_tenant()?;
    Ok(
        InvitationRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "{SELECT_INVITATIONS}
                 WHERE i.tenant_id = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL
                   AND i.expires_at > now()
                 ORDER BY i.created_at DESC"
            ),
            [tenant.0.into()],
        ))
        .all(db)
        .await?,
    )
}

/// Locks the company's owners and fails when `leaving` is the last of them.
async fn keep_an_owner(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    leaving: Uuid,
) -> Result<(), AppError> {
    let owners: Vec<Uuid> = txn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT user_id FROM public.memberships WHERE tenant_id = $1 AND role = 'OWNER' FOR UPDATE",
            [tenant.0.into()],
        ))
        .await?
        .iter()
        .map(|row| row.try_get::<Uuid>("", "user_id"))
        .collect::<Result<_, _>>()?;
    if owners == [leaving] {
        return Err(AppError::conflict(
            "input.userId",
            "A company keeps at least one owner: make someone else an owner first.",
        ));
    }
    Ok(())
}

fn parse_user(field: &str, user_id: &str) -> Result<Uuid, AppError> {
    user_id
        .parse()
        .map_err(|_| AppError::validation(field, format!("`{user_id}` is not a user id (a UUID)")))
}

async fn target_role(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    user_id: Uuid,
) -> Result<Role, AppError> {
    sessions::active_role(txn, tenant, user_id)
        .await?
        .ok_or_else(|| AppError::not_found("No member with that id in this company."))
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
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.memberships SET role = $3 WHERE tenant_id = $1 AND user_id = $2",
        [tenant.0.into(), user_id.into(), role.as_str().into()],
    ))
    .await?;
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
    let row = team_member(&txn, tenant, user_id).await?;
    txn.commit().await?;
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
    let before = team_member(&txn, tenant, user_id).await?;
    let role: Role = before.role.parse().map_err(anyhow::Error::from)?;
    if role == Role::Owner {
        may_assign(member, Role::Owner)?;
        keep_an_owner(&txn, tenant, user_id).await?;
    }
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "DELETE FROM public.memberships WHERE tenant_id = $1 AND user_id = $2",
        [tenant.0.into(), user_id.into()],
    ))
    .await?;
    // Their sessions in this company end now, not when the tokens expire.
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.refresh_tokens SET revoked_at = now()
         WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL",
        [tenant.0.into(), user_id.into()],
    ))
    .await?;
    let actor = actor(&txn, member).await?;
    audit::record(
        &txn,
        tenant,
        AuditEntry {
            actor: actor.clone(),
            action: "member.removed",
            entity_type: "member",
            entity_id: Some(user_id.to_string()),
            before: Some(serde_json::json!({ "email": before.email, "role": before.role })),
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
    txn.commit().await?;
    Ok((user_id, revoked))
}

async fn team_member(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user_id: Uuid,
) -> Result<TeamMemberRow, AppError> {
    TeamMemberRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("{SELECT_MEMBERS} WHERE m.tenant_id = $1 AND m.user_id = $2"),
        [tenant.0.into(), user_id.into()],
    ))
    .one(conn)
    .await?
    .ok_or_else(|| AppError::not_found("No member with that id in this company."))
}
