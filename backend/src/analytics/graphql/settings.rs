//! The analytics settings as the API shows them, and the input that changes them.

use crate::analytics::service::settings::{self as service, SettingsChange};
use async_graphql::{InputObject, SimpleObject};

#[derive(SimpleObject, Clone, Debug, PartialEq)]
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

impl From<service::AnalyticsSettings> for AnalyticsSettings {
    fn from(settings: service::AnalyticsSettings) -> Self {
        AnalyticsSettings {
            aging_bucket_edges: settings.aging_bucket_edges,
            attribution_days: settings.attribution_days,
            large_invoice_amount: settings.large_invoice_amount,
            daily_digest: settings.daily_digest,
        }
    }
}

#[derive(InputObject)]
pub struct AnalyticsSettingsInput {
    /// Three increasing whole days, such as `[30, 60, 90]`.
    pub aging_bucket_edges: Option<Vec<i32>>,
    /// 1 to 90 days.
    pub attribution_days: Option<i32>,
    /// A decimal amount above zero.
    pub large_invoice_amount: Option<String>,
    pub daily_digest: Option<bool>,
}

impl From<AnalyticsSettingsInput> for SettingsChange {
    fn from(input: AnalyticsSettingsInput) -> Self {
        SettingsChange {
            aging_bucket_edges: input.aging_bucket_edges,
            attribution_days: input.attribution_days,
            large_invoice_amount: input.large_invoice_amount,
            daily_digest: input.daily_digest,
        }
    }
}
