//! A person's own account: changing and resetting the password, verifying the email address.
//!
//! Reset and verification links carry single-use tokens (256 random bits) of which only the
//! SHA-256 is stored, in `public.account_tokens`; the emails carry them sealed through the
//! outbox. A reset lasts an hour and ends every session; a password change ends every other
//! session. Asking for a reset answers the same, as fast, whether or not the address has an
//! account: the request only queues a job, which looks the address up and writes the email.
//! Every change is in the audit log of each company the person belongs to.

use super::sessions::{Session, start_session_for};
use crate::audit::{self, Actor, AuditEntry};
use crate::auth::Member;
use crate::db::notices::AccessNotice;
use crate::email::{self, Audience, OutgoingEmail};
use crate::error::AppError;
use crate::identity::store::accounts::{self as store, Purpose};
use crate::identity::store::sessions::{self, UserRow};
use crate::identity::tokens;
use crate::identity::{Identity, IdentityError};
use crate::jobs::{ClaimedJob, JobHandler, NewJob};
use crate::startup::AppLinks;
use domain::credentials::{self, EmailAddress};
use domain::reason::Reason;
use domain::{Locale, TenantId};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, TransactionTrait};
use uuid::Uuid;

const RESET_PREFIX: &str = "duely_pwr_";
const VERIFY_PREFIX: &str = "duely_ver_";
const RESET_MINUTES: i32 = 60;
const VERIFY_DAYS: i32 = 7;
/// The job that writes a password-reset email, if the address has an account.
pub const RESET_JOB: &str = "identity.password_reset";

/// Records `action` about `user_id` in the audit log of every company they belong to.
async fn audit_account(
    conn: &impl ConnectionTrait,
    user: &UserRow,
    action: &str,
    request_id: Option<&str>,
) -> Result<(), AppError> {
    for membership in sessions::memberships_of(conn, user.id).await? {
        audit::record(
            conn,
            TenantId::from_uuid(membership.tenant_id),
            AuditEntry {
                actor: Actor::User {
                    id: user.id,
                    label: user.email.clone(),
                },
                action,
                entity_type: "user",
                entity_id: Some(user.id.to_string()),
                before: None,
                after: None,
                request_id,
            },
        )
        .await?;
    }
    Ok(())
}

/// `changePassword`: needs the current password; ends every other session and returns a
/// fresh one in the company the member acts in.
/// What a person changes about themselves; `None` keeps it.
#[derive(Debug, Clone, Default)]
pub struct ProfileChange {
    pub name: Option<String>,
    pub locale: Option<Locale>,
    pub approval_emails: Option<domain::approvals::ApprovalEmails>,
}

/// Changes the signed-in person's name and language (the language of the server's texts and
/// emails for them when a request does not say), audited in each of their companies.
pub async fn update_profile(
    db: &DatabaseConnection,
    member: &Member,
    change: ProfileChange,
    request_id: &str,
) -> Result<UserRow, AppError> {
    let name = match &change.name {
        Some(name) => Some(
            credentials::person_name(name)
                .map_err(|error| AppError::input("input.name", Reason::from(&error)))?,
        ),
        None => None,
    };
    let txn = db.begin().await?;
    let before = sessions::find_user(&txn, member.user_id).await?;
    store::update_profile(
        &txn,
        member.user_id,
        name.as_deref(),
        change.locale,
        change.approval_emails,
    )
    .await?;
    let after = sessions::find_user(&txn, member.user_id).await?;
    let seen = |user: &UserRow| (user.name.clone(), user.locale, user.approval_emails);
    if seen(&before) != seen(&after) {
        for membership in sessions::memberships_of(&txn, after.id).await? {
            audit::record(
                &txn,
                TenantId::from_uuid(membership.tenant_id),
                AuditEntry {
                    actor: Actor::User {
                        id: after.id,
                        label: after.email.clone(),
                    },
                    action: "user.profile_updated",
                    entity_type: "user",
                    entity_id: Some(after.id.to_string()),
                    before: Some(serde_json::json!({ "name": before.name,
                        "locale": before.locale.tag(),
                        "approvalEmails": before.approval_emails.as_str() })),
                    after: Some(serde_json::json!({ "name": after.name,
                        "locale": after.locale.tag(),
                        "approvalEmails": after.approval_emails.as_str() })),
                    request_id: Some(request_id),
                },
            )
            .await?;
        }
    }
    txn.commit().await?;
    // The language is part of the standing each request reads (`identity::standing`).
    crate::identity::standing::heard(AccessNotice::User(member.user_id));
    Ok(after)
}

pub async fn change_password(
    identity: &Identity,
    db: &DatabaseConnection,
    member: &Member,
    current: String,
    new: String,
    request_id: &str,
) -> Result<Session, AppError> {
    let user = sessions::find_user(db, member.user_id).await?;
    let email = EmailAddress::parse(&user.email).map_err(anyhow::Error::from)?;
    credentials::check_password(&new, &email)
        .map_err(|error| AppError::input("input.newPassword", Reason::from(&error)))?;
    let phc = store::password_hash(db, member.user_id).await?;
    // Guessing the current password through this form counts like guessing it at log-in.
    let throttle_key = crate::identity::limits::account_key(&user.email);
    identity
        .limits
        .login_allowed(&throttle_key, None)
        .await
        .map_err(AppError::rate_limited)?;
    if !identity.passwords.verify(current, Some(phc)).await? {
        identity.limits.login_failed(&throttle_key, None).await;
        return Err(IdentityError::CurrentPasswordWrong.into());
    }
    let hash = identity.passwords.hash(new).await?;
    let txn = db.begin().await?;
    store::set_password(&txn, member.user_id, hash).await?;
    store::end_sessions(&txn, member.user_id).await?;
    audit_account(&txn, &user, "user.password_changed", Some(request_id)).await?;
    let session = start_session_for(
        identity,
        &txn,
        member.user_id,
        member.tenant_id,
        member.role,
    )
    .await?;
    txn.commit().await?;
    crate::identity::standing::heard(AccessNotice::User(member.user_id));
    Ok(session)
}

/// `requestPasswordReset`: queues the job that emails a link if the address has an account.
/// The answer and the work done here are the same either way.
pub async fn request_password_reset(db: &DatabaseConnection, email: &str) -> Result<(), AppError> {
    // Anything that is not an address could have no account: accepted, and nothing queued.
    let Ok(email) = EmailAddress::parse(email) else {
        return Ok(());
    };
    crate::jobs::enqueue(
        db,
        NewJob {
            payload: serde_json::json!({ "email": email.as_str() }),
            ..NewJob::new(RESET_JOB)
        },
    )
    .await?;
    Ok(())
}

/// Writes the password-reset email of a queued request. The token's id is the job's, so a job
/// run again after a crash sends nothing twice.
pub struct PasswordResetEmail {
    pub links: AppLinks,
}

#[async_trait::async_trait]
impl JobHandler for PasswordResetEmail {
    async fn run(&self, db: &DatabaseConnection, job: &ClaimedJob) -> anyhow::Result<()> {
        self.write(db, job)
            .await
            .map_err(|error| anyhow::anyhow!("{error:?}"))
    }
}

impl PasswordResetEmail {
    async fn write(&self, db: &DatabaseConnection, job: &ClaimedJob) -> Result<(), AppError> {
        let email = job
            .payload
            .get("email")
            .and_then(|email| email.as_str())
            .ok_or_else(|| anyhow::anyhow!("a password reset job needs an email"))?;
        let Some(user) = sessions::find_user_by_email(db, email).await? else {
            return Ok(());
        };
        let txn = db.begin().await?;
        let Some(token) = new_token(
            &txn,
            Some(job.id),
            &user,
            Purpose::PasswordReset,
            RESET_PREFIX,
            format!("make_interval(mins => {RESET_MINUTES})"),
        )
        .await?
        else {
            return Ok(());
        };
        let link = format!(
            "{}/reset-password/{}",
            self.links.public_url,
            email::SECRET_MARK
        );
        let (subject, text) = reset_email(user.locale, &user.name, &link);
        email::enqueue(
            &txn,
            OutgoingEmail {
                tenant: None,
                audience: Audience::Account,
                to: user.email.clone(),
                subject,
                text,
                html: None,
                secret: Some(self.links.secret(token)),
            },
        )
        .await?;
        audit_account(&txn, &user, "user.password_reset_requested", None).await?;
        txn.commit().await?;
        Ok(())
    }
}

/// Issues a token of `purpose` for `user` (withdrawing their earlier unused ones of the same
/// purpose). With `id` given, a token that already exists under it means this was done
/// before: `None`, and nothing more should happen.
async fn new_token(
    txn: &DatabaseTransaction,
    id: Option<Uuid>,
    user: &UserRow,
    purpose: Purpose,
    prefix: &str,
    lifetime_sql: String,
) -> Result<Option<String>, AppError> {
    let token = tokens::new_secret(prefix)?;
    let id = id.unwrap_or_else(Uuid::now_v7);
    let inserted = store::insert_token(
        txn,
        id,
        user.id,
        purpose,
        user.email.clone(),
        tokens::digest(&token),
        lifetime_sql,
    )
    .await?;
    if !inserted {
        return Ok(None);
    }
    store::withdraw_other_tokens(txn, user.id, purpose, id).await?;
    Ok(Some(token))
}

fn invalid_link() -> AppError {
    IdentityError::LinkInvalid.into()
}

/// The live token's user and the address it was sent to, locked for use.
async fn take_token(
    txn: &DatabaseTransaction,
    token: &str,
    purpose: Purpose,
) -> Result<(Uuid, String), AppError> {
    let invalid = invalid_link;
    if token.len() > 200 {
        return Err(invalid());
    }
    let row = store::use_token(txn, tokens::digest(token), purpose)
        .await?
        .ok_or_else(invalid)?;
    Ok((row.user_id, row.email))
}

/// `resetPassword`: sets the new password, ends every session, verifies the address (the
/// link proved it) and signs in to the most recently used company.
pub async fn reset_password(
    identity: &Identity,
    db: &DatabaseConnection,
    token: &str,
    new: String,
) -> Result<Session, AppError> {
    // The token is checked first without using it, so a weak password can be corrected.
    let peek = store::reset_token_email(db, tokens::digest(token)).await?;
    // No hash is computed for a token that is not live: a stranger cannot spend our CPU.
    let Some(email) = peek else {
        return Err(invalid_link());
    };
    let email = EmailAddress::parse(&email).map_err(anyhow::Error::from)?;
    credentials::check_password(&new, &email)
        .map_err(|error| AppError::input("input.newPassword", Reason::from(&error)))?;
    let hash = identity.passwords.hash(new).await?;
    let txn = db.begin().await?;
    let (user_id, sent_to) = take_token(&txn, token, Purpose::PasswordReset).await?;
    store::set_password(&txn, user_id, hash).await?;
    store::end_sessions(&txn, user_id).await?;
    store::mark_verified(&txn, user_id, &sent_to).await?;
    let user = sessions::find_user(&txn, user_id).await?;
    audit_account(&txn, &user, "user.password_reset", None).await?;
    let memberships = sessions::memberships_of(&txn, user_id).await?;
    let chosen = memberships
        .first()
        .ok_or(IdentityError::ResetWithoutCompany)?;
    let session = start_session_for(
        identity,
        &txn,
        user_id,
        TenantId::from_uuid(chosen.tenant_id),
        chosen.role,
    )
    .await?;
    txn.commit().await?;
    crate::identity::standing::heard(AccessNotice::User(user_id));
    identity
        .limits
        .login_succeeded(&crate::identity::limits::account_key(&user.email), None)
        .await;
    Ok(session)
}

/// `verifyEmail`: the link's address is the user's, verified.
pub async fn verify_email(db: &DatabaseConnection, token: &str) -> Result<UserRow, AppError> {
    let txn = db.begin().await?;
    let (user_id, address) = take_token(&txn, token, Purpose::EmailVerification).await?;
    if !store::mark_verified(&txn, user_id, &address).await? {
        return Err(IdentityError::LinkAddressChanged.into());
    }
    let user = sessions::find_user(&txn, user_id).await?;
    audit_account(&txn, &user, "user.email_verified", None).await?;
    txn.commit().await?;
    Ok(user)
}

/// Sends (again) the link that verifies the user's address, inside the caller's transaction.
/// False when the address is verified already.
pub async fn send_verification(
    txn: &DatabaseTransaction,
    links: &AppLinks,
    user_id: Uuid,
) -> Result<bool, AppError> {
    let verified = store::is_verified(txn, user_id).await?.unwrap_or(true);
    if verified {
        return Ok(false);
    }
    let user = sessions::find_user(txn, user_id).await?;
    let Some(token) = new_token(
        txn,
        None,
        &user,
        Purpose::EmailVerification,
        VERIFY_PREFIX,
        format!("make_interval(days => {VERIFY_DAYS})"),
    )
    .await?
    else {
        return Ok(false);
    };
    let link = format!("{}/verify-email/{}", links.public_url, email::SECRET_MARK);
    let (subject, text) = verification_email(user.locale, &user.name, &link);
    email::enqueue(
        txn,
        OutgoingEmail {
            tenant: None,
            audience: Audience::Account,
            to: user.email.clone(),
            subject,
            text,
            html: None,
            secret: Some(links.secret(token)),
        },
    )
    .await?;
    Ok(true)
}

/// `resendVerificationEmail`, for the signed-in member's own address.
pub async fn resend_verification(
    identity: &Identity,
    db: &DatabaseConnection,
    links: &AppLinks,
    member: &Member,
) -> Result<bool, AppError> {
    identity
        .limits
        .verification_email_allowed(member.user_id)
        .await
        .map_err(AppError::rate_limited)?;
    let txn = db.begin().await?;
    let sent = send_verification(&txn, links, member.user_id).await?;
    txn.commit().await?;
    Ok(sent)
}

fn reset_email(locale: Locale, name: &str, link: &str) -> (String, String) {
    match locale {
        Locale::ZhCn => (
            "重置您的 Duely 密码".to_owned(),
            format!(
                "{name}，您好：\n\n有人请求重置您的 Duely 密码。如果是您本人，请在 {RESET_MINUTES} 分钟内打开下面的链接设置新密码：\n\n{link}\n\n\
                 重置后，您在所有设备上的登录都会退出。如果不是您本人操作，请忽略本邮件，您的密码不会改变。\n\nDuely"
            ),
        ),
        Locale::En => (
            "Reset your Duely password".to_owned(),
            format!(
                "Hello {name},\n\nSomeone asked to reset your Duely password. If it was you, open this link within {RESET_MINUTES} minutes to choose a new one:\n\n{link}\n\n\
                 Resetting signs you out everywhere. If it was not you, ignore this email: your password stays as it is.\n\nDuely"
            ),
        ),
    }
}

fn verification_email(locale: Locale, name: &str, link: &str) -> (String, String) {
    match locale {
        Locale::ZhCn => (
            "请验证您的 Duely 邮箱".to_owned(),
            format!(
                "{name}，您好：\n\n请打开下面的链接，确认这是您的邮箱：\n\n{link}\n\n\
                 验证之前，您的公司不会向客户发送任何邮件（对账单、催收函）。链接 {VERIFY_DAYS} 天内有效。\n\nDuely"
            ),
        ),
        Locale::En => (
            "Verify your email address for Duely".to_owned(),
            format!(
                "Hello {name},\n\nOpen this link to confirm that this address is yours:\n\n{link}\n\n\
                 Until it is verified, your company sends no email to its customers (statements, dunning letters). The link works for {VERIFY_DAYS} days.\n\nDuely"
            ),
        ),
    }
}
