//! Idempotency keys for mutations that move money.

use super::errors::PaymentError;
use crate::error::AppError;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub const MAX_KEY_CHARS: usize = 200;

/// A key as sent, checked.
pub fn key_input(key: Option<&str>) -> Result<Option<String>, AppError> {
    match key.map(str::trim) {
        None | Some("") => Ok(None),
        Some(key) if key.chars().count() <= MAX_KEY_CHARS => Ok(Some(key.to_owned())),
        Some(_) => Err(PaymentError::KeyTooLong.into()),
    }
}

/// A digest of the request's meaning, so a reused key with a different request is caught.
pub fn digest(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0x1f]);
    }
    hex::encode(hasher.finalize())
}

/// The first result of this request when the key was used before; `CONFLICT` when the key
/// was used for something else. Call it while holding the lock that serialises the work.
pub async fn replay(
    conn: &impl ConnectionTrait,
    key: &str,
    operation: &str,
    request_digest: &str,
) -> Result<Option<Uuid>, AppError> {
    let Some(row) = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT operation, request_digest, result_id FROM idempotency_keys WHERE key = $1",
            [key.into()],
        ))
        .await?
    else {
        return Ok(None);
    };
    let used_for: String = row.try_get("", "operation")?;
    let digest: String = row.try_get("", "request_digest")?;
    if used_for != operation || digest != request_digest {
        return Err(PaymentError::KeyReused.into());
    }
    Ok(Some(row.try_get("", "result_id")?))
}

pub async fn remember(
    conn: &impl ConnectionTrait,
    key: &str,
    operation: &str,
    request_digest: &str,
    result_id: Uuid,
) -> Result<(), AppError> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO idempotency_keys (key, operation, request_digest, result_id) VALUES ($1, $2, $3, $4)",
        [
            key.into(),
            operation.into(),
            request_digest.into(),
            result_id.into(),
        ],
    ))
    .await
    .map_err(|error| {
        if crate::db::violated_constraint(&error).as_deref() == Some("idempotency_keys_pkey") {
            AppError::from(PaymentError::KeyInUse)
        } else {
            AppError::from(error)
        }
    })?;
    Ok(())
}
