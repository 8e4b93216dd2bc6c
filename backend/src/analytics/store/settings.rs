//! The analytics settings as stored (rows of the company's `settings`), each with its default
//! when the company has set none.

use crate::error::AppError;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

/// The setting that turns the daily email digest of risk alerts on.
pub const DAILY_DIGEST: &str = "alerts.daily_digest";

/// Attribution window when the company has set none.
pub const DEFAULT_ATTRIBUTION_DAYS: i64 = 14;

/// Invoices at least this large (in their currency) raise an alert when they fall overdue,
/// unless the company sets another (`updateAnalyticsSettings`).
pub const DEFAULT_LARGE_INVOICE: i64 = 100_000;

pub async fn attribution_days(conn: &impl ConnectionTrait) -> Result<i64, AppError> {
    Ok(
        crate::invoices::store::setting(conn, "performance.attribution_days")
            .await?
            .and_then(|value| value.as_i64())
            .unwrap_or(DEFAULT_ATTRIBUTION_DAYS),
    )
}

pub async fn large_invoice_amount(conn: &impl ConnectionTrait) -> Result<Decimal, AppError> {
    Ok(
        crate::invoices::store::setting(conn, "alerts.large_invoice_amount")
            .await?
            .and_then(|value| match value {
                serde_json::Value::String(text) => text.parse().ok(),
                serde_json::Value::Number(number) => number.to_string().parse().ok(),
                _ => None,
            })
            .unwrap_or(Decimal::from(DEFAULT_LARGE_INVOICE)),
    )
}

pub async fn daily_digest(conn: &impl ConnectionTrait) -> Result<bool, AppError> {
    Ok(crate::invoices::store::setting(conn, DAILY_DIGEST)
        .await?
        .and_then(|value| value.as_bool())
        .unwrap_or(false))
}

/// Sets `key` to `value`.
pub async fn write(
    conn: &impl ConnectionTrait,
    key: &str,
    value: serde_json::Value,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO settings (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()",
        [key.into(), value.into()],
    ))
    .await?;
    Ok(())
}
