//! The company's analytics settings, a view of its reports settings (`crate::settings`): aging
//! bucket edges, the days within which a contact earns a collector the payment that follows,
//! the size from which an overdue invoice raises an alert, and the daily digest. Changing them
//! needs the settings permission and is audited with before and after, as any settings change.

use crate::analytics::AnalyticsError;
use crate::auth::Caller;
use crate::error::AppError;
use domain::access::Permission;
use domain::settings::{ReportSettings, SettingsChange as Change};
use rust_decimal::Decimal;
use sea_orm::DatabaseConnection;

/// The settings as the API shows them.
#[derive(Clone, Debug, PartialEq)]
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

impl From<ReportSettings> for AnalyticsSettings {
    fn from(reports: ReportSettings) -> Self {
        AnalyticsSettings {
            aging_bucket_edges: reports
                .aging_bucket_edges
                .iter()
                .map(|edge| *edge as i32)
                .collect(),
            attribution_days: reports.attribution_days as i32,
            large_invoice_amount: reports.large_invoice_amount.normalize().to_string(),
            daily_digest: reports.daily_digest,
        }
    }
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

pub async fn settings(
    db: &DatabaseConnection,
    caller: &Caller,
) -> Result<AnalyticsSettings, AppError> {
    caller.authorize(Permission::ViewReports)?;
    Ok(crate::settings::company_settings(db, caller)
        .await?
        .reports
        .into())
}

pub async fn update_settings(
    db: &DatabaseConnection,
    caller: &Caller,
    input: SettingsChange,
    request_id: &str,
) -> Result<AnalyticsSettings, AppError> {
    let large_invoice_amount = match &input.large_invoice_amount {
        Some(text) => Some(text.trim().parse::<Decimal>().map_err(|_| {
            AnalyticsError::LargeInvoiceNotANumber {
                value: text.clone(),
            }
        })?),
        None => None,
    };
    let change = Change {
        aging_bucket_edges: input
            .aging_bucket_edges
            .map(|edges| edges.into_iter().map(i64::from).collect()),
        attribution_days: input.attribution_days.map(i64::from),
        large_invoice_amount,
        daily_digest: input.daily_digest,
        ..Change::default()
    };
    let settings = crate::settings::service::change_settings(
        db,
        caller,
        change,
        request_id,
        Permission::ManageSettings,
    )
    .await
    .map_err(crate::settings::service::ungrouped)?;
    Ok(settings.reports.into())
}
