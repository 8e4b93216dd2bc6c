//! A person's own account: passwords, ending sessions, and the single-use tokens of reset and
//! verification links (`public.account_tokens`, only their SHA-256 stored).

use crate::error::AppError;
use crate::identity::IdentityError;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

/// What an account token is for (`account_tokens.purpose`).
#[derive(Clone, Copy)]
pub enum Purpose {
    PasswordReset,
    EmailVerification,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::PasswordReset => "PASSWORD_RESET",
            Purpose::EmailVerification => "EMAIL_VERIFICATION",
        }
    }
}

/// The user a live token was for, and the address it was sent to.
#[derive(Debug, FromQueryResult)]
pub struct TokenUseRow {
    pub user_id: Uuid,
    pub email: String,
}

#[derive(Debug, FromQueryResult)]
struct PasswordRow {
    password_hash: String,
}

#[derive(Debug, FromQueryResult)]
struct EmailRow {
    email: String,
}

/// Ends every session of the user, in every company: their refresh tokens, and (by moving the
/// session epoch on, checked on every request) their access tokens.
pub async fn end_sessions(conn: &impl ConnectionTrait, user_id: Uuid) -> Result<(), AppError> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.refresh_tokens SET revoked_at = now()
         WHERE user_id = $1 AND revoked_at IS NULL",
        [user_id.into()],
    ))
    .await?;
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.users SET session_epoch = session_epoch + 1 WHERE id = $1",
        [user_id.into()],
    ))
    .await?;
    Ok(())
}

/// Sets the person's name and language where given.
pub async fn update_profile(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    name: Option<&str>,
    locale: Option<domain::Locale>,
    approval_emails: Option<domain::approvals::ApprovalEmails>,
) -> Result<(), AppError> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.users SET name = coalesce($2, name), locale = coalesce($3, locale),
             approval_emails = coalesce($4, approval_emails)
         WHERE id = $1",
        [
            user_id.into(),
            name.map(str::to_owned).into(),
            locale.map(|locale| locale.tag().to_owned()).into(),
            approval_emails
                .map(|choice| choice.as_str().to_owned())
                .into(),
        ],
    ))
    .await?;
    Ok(())
}

pub async fn set_password(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    hash: String,
) -> Result<(), AppError> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.users SET password_hash = $2 WHERE id = $1",
        [user_id.into(), hash.into()],
    ))
    .await?;
    Ok(())
}

/// The user's password hash.
pub async fn password_hash(conn: &impl ConnectionTrait, user_id: Uuid) -> Result<String, AppError> {
    Ok(
        PasswordRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT password_hash FROM public.users WHERE id = $1",
            [user_id.into()],
        ))
        .one(conn)
        .await?
        .ok_or_else(|| AppError::from(IdentityError::UserNotFound))?
        .password_hash,
    )
}

/// Stores a token of `purpose` for `user_id` under `id`, sent to `email`, live for
/// `lifetime_sql` (an interval expression); false when a token with `id` exists already.
pub async fn insert_token(
    conn: &impl ConnectionTrait,
    id: Uuid,
    user_id: Uuid,
    purpose: Purpose,
    email: String,
    token_hash: Vec<u8>,
    lifetime_sql: String,
) -> Result<bool, DbErr> {
    let inserted = conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "INSERT INTO public.account_tokens (id, user_id, purpose, email, token_hash, expires_at)
                 VALUES ($1, $2, $3, $4, $5, now() + {lifetime_sql})
                 ON CONFLICT (id) DO NOTHING"
            ),
            [
                id.into(),
                user_id.into(),
                purpose.as_str().into(),
                email.into(),
                token_hash.into(),
            ],
        ))
        .await?
        .rows_affected();
    Ok(inserted > 0)
}

/// Withdraws the user's unused tokens of `purpose` other than `keep`.
pub async fn withdraw_other_tokens(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    purpose: Purpose,
    keep: Uuid,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.account_tokens SET used_at = now()
         WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL AND id <> $3",
        [user_id.into(), purpose.as_str().into(), keep.into()],
    ))
    .await?;
    Ok(())
}

/// Uses the live token hashed `token_hash`: its user and the address it was sent to.
pub async fn use_token(
    conn: &impl ConnectionTrait,
    token_hash: Vec<u8>,
    purpose: Purpose,
) -> Result<Option<TokenUseRow>, DbErr> {
    TokenUseRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.account_tokens SET used_at = now()
             WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
             RETURNING user_id, email",
        [token_hash.into(), purpose.as_str().into()],
    ))
    .one(conn)
    .await
}

/// The address a live password-reset token was sent to, without using the token.
pub async fn reset_token_email(
    conn: &impl ConnectionTrait,
    token_hash: Vec<u8>,
) -> Result<Option<String>, DbErr> {
    Ok(EmailRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT email FROM public.account_tokens
             WHERE token_hash = $1 AND purpose = 'PASSWORD_RESET' AND used_at IS NULL AND expires_at > now()",
        [token_hash.into()],
    ))
    .one(conn)
    .await?
    .map(|row| row.email))
}

/// Marks the address verified, if it is still the user's.
pub async fn mark_verified(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    address: &str,
) -> Result<bool, AppError> {
    Ok(conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE public.users SET email_verified_at = coalesce(email_verified_at, now())
             WHERE id = $1 AND email = $2",
            [user_id.into(), address.into()],
        ))
        .await?
        .rows_affected()
        > 0)
}

/// Whether the user's address is verified; `None` without such a user.
pub async fn is_verified(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<Option<bool>, AppError> {
    Ok(conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT email_verified_at IS NOT NULL AS verified FROM public.users WHERE id = $1",
            [user_id.into()],
        ))
        .await?
        .map(|row| row.try_get::<bool>("", "verified"))
        .transpose()?)
}
