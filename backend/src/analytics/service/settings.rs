//! The company's analytics settings: aging bucket edges, the days within which a contact earns
//! a collector the payment that follows, the size from which an overdue invoice raises an
//! alert, and the daily digest. Changing them needs the settings permission and is audited with
//! before and after.

use crate::analytics::store::{aging, settings as store};
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::db::TenantTx;
use crate::error::AppError;
use domain::access::Permission;
use domain::aging::AgingEdges;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DatabaseConnection};

/// The settings as the API shows them and the audit log records them.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalyticsSettings {
    /// The upper days of the first three aging buckets (30, 60, 90 by default).
    pub aging_bucket_edges: Vec<i32>,
    /// A payment counts for the collector whose activity or promise came at most this many
    /// days before it.
    pub attribution_days: i32,
    /// Invoices with at least this balance (in their currency) raise an alert when overdue.
    pub large_invoice_amount: String,
    /// Email each member who works collections a daily digest of new risk alerts.
    pub daily_digest: bool,
}

/// The settings to change, as sent; those left out stay.
#[derive(Debug, Clone, Default)]
pub struct SettingsChange {
    /// Three increasing whole days, such as `[30, 60, 90]`.
    pub aging_bucket_edges: Option<Vec<i32>>,
    /// 1 to 90 days.
    pub attribution_days: Option<i32>,
    /// A decimal amount above zero.
    pub large_invoice_amount: Option<String>,
    pub daily_digest: Option<bool>,
}

async fn read(conn: &impl ConnectionTrait) -> Result<AnalyticsSettings, AppError> {
    Ok(AnalyticsSettings {
        aging_bucket_edges: aging::edges(conn)
            .await?
            .0
            .iter()
            .map(|edge| *edge as i32)
            .collect(),
        attribution_days: store::attribution_days(conn).await? as i32,
        large_invoice_amount: store::large_invoice_amount(conn)
            .await?
            .normalize()
            .to_string(),
        daily_digest: store::daily_digest(conn).await?,
    })
}

pub async fn settings(
    db: &DatabaseConnection,
    caller: &Caller,
) -> Result<AnalyticsSettings, AppError> {
    caller.authorize(Permission::ViewReports)?;
    let tx = TenantTx::begin(db, caller.require_tenant()?).await?;
    let settings = read(&*tx).await?;
    tx.commit().await?;
    Ok(settings)
}

pub async fn update_settings(
    db: &DatabaseConnection,
    caller: &Caller,
    input: SettingsChange,
    request_id: &str,
) -> Result<AnalyticsSettings, AppError> {
    caller.authorize(Permission::ManageSettings)?;
    let tenant = caller.require_tenant()?;
    // Everything is checked before anything is written.
    let edges = match &input.aging_bucket_edges {
        Some(edges) => {
            let parsed = match edges.as_slice() {
                [a, b, c] => AgingEdges::new([i64::from(*a), i64::from(*b), i64::from(*c)]).ok(),
                _ => None,
            };
            Some(parsed.ok_or_else(|| {
                AppError::validation(
                    "input.agingBucketEdges",
                    "three increasing whole days above zero, such as [30, 60, 90]",
                )
            })?)
        }
        None => None,
    };
    if input
        .attribution_days
        .is_some_and(|days| !(1..=90).contains(&days))
    {
        return Err(AppError::validation(
            "input.attributionDays",
            "1 to 90 days",
        ));
    }
    let large = match &input.large_invoice_amount {
        Some(text) => {
            let amount = text
                .trim()
                .parse::<Decimal>()
                .ok()
                .filter(|amount| *amount > Decimal::ZERO)
                .ok_or_else(|| {
                    AppError::validation(
                        "input.largeInvoiceAmount",
                        "a decimal amount above zero, such as \"100000\"",
                    )
                })?;
            Some(amount)
        }
        None => None,
    };
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let before = read(&*tx).await?;
    let mut changes: Vec<(&str, serde_json::Value)> = Vec::new();
    if let Some(edges) = edges {
        changes.push(("aging.bucket_edges", serde_json::json!(edges.0)));
    }
    if let Some(days) = input.attribution_days {
        changes.push(("performance.attribution_days", serde_json::json!(days)));
    }
    if let Some(amount) = large {
        changes.push((
            "alerts.large_invoice_amount",
            serde_json::json!(amount.normalize().to_string()),
        ));
    }
    if let Some(digest) = input.daily_digest {
        changes.push((store::DAILY_DIGEST, serde_json::json!(digest)));
    }
    for (key, value) in changes {
        store::write(&*tx, key, value).await?;
    }
    let after = read(&*tx).await?;
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "settings.analytics_updated",
            entity_type: "tenant",
            entity_id: Some(tenant.0.to_string()),
            before: serde_json::to_value(&before).ok(),
            after: serde_json::to_value(&after).ok(),
            request_id: Some(request_id),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
