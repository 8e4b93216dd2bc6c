//! A company's settings: one typed model, grouped as the settings page and the API show them,
//! with each field's default, its allowed values and one line on what it does.
//!
//! A change is a [`SettingsChange`] (every field optional: left out means unchanged), applied
//! whole by [`CompanySettings::apply`]: every field is checked before any is taken, and each
//! refusal names its field (`credit.overLimitPolicy`) and its [`Reason`].

use crate::Currency;
use crate::Locale;
use crate::aging::AgingEdges;
use crate::credit::OverLimitPolicy;
use crate::reason::Reason;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Credit policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreditSettings {
    /// An invoice that takes a customer over its credit limit is refused (`BLOCK`) or issued
    /// with a warning flag (`WARN`).
    pub over_limit_policy: OverLimitPolicy,
    /// The daily run places a credit hold on a customer whose open invoices exceed its limit.
    pub hold_over_limit: bool,
    /// Holds placed by dunning or for going over the limit are released once the cause clears.
    pub auto_release_holds: bool,
}

/// Collections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CollectionsSettings {
    /// The hour of the company's day (0 to 23, in its time zone) at which dunning runs.
    pub dunning_run_hour: u32,
    /// Days after a promised date that a payment still keeps the promise (0 to 30).
    pub promise_grace_days: u32,
}

/// Reports and alerts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportSettings {
    /// The upper days of the first three aging buckets: increasing, above zero.
    pub aging_bucket_edges: [u32; 3],
    /// A payment counts for the collector whose activity or promise came at most this many
    /// days before it (1 to 90).
    pub attribution_days: u32,
    /// Overdue invoices with at least this balance (in their currency) raise an alert.
    #[serde(with = "rust_decimal::serde::str")]
    pub large_invoice_amount: Decimal,
    /// Each member who works collections gets a daily email digest of new risk alerts.
    pub daily_digest: bool,
}

/// How documents are numbered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NumberingSettings {
    /// Put before an issued invoice's sequence number (`INV-` gives `INV-000042`).
    pub invoice_prefix: String,
    /// Put before a credit note's sequence number.
    pub credit_note_prefix: String,
}

/// Approvals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApprovalSettings {
    /// Days a request waits for its decision before the daily run marks it expired (1 to 90).
    pub expiry_days: u32,
}

/// Cash application (收款核销).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CashApplicationSettings {
    /// A bank line whose best match is at least this confident (0.50 to 1.00) applies itself;
    /// `None`: a person applies every line.
    pub auto_apply_confidence: Option<Decimal>,
}

/// The company itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyProfile {
    /// The IANA time zone whose calendar dates the company's days (`Asia/Shanghai`).
    pub time_zone: String,
    /// The language of texts sent to people with no language of their own.
    pub locale: Locale,
    /// The currency of new customers and of reports, unless they say otherwise.
    pub base_currency: Currency,
}

/// Everything a company can set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanySettings {
    pub credit: CreditSettings,
    pub collections: CollectionsSettings,
    pub reports: ReportSettings,
    pub numbering: NumberingSettings,
    pub approvals: ApprovalSettings,
    pub cash_application: CashApplicationSettings,
    pub company: CompanyProfile,
}

/// Every field's default: what a new company starts with.
impl Default for CompanySettings {
    fn default() -> Self {
        CompanySettings {
            credit: CreditSettings {
                over_limit_policy: OverLimitPolicy::Block,
                hold_over_limit: false,
                auto_release_holds: true,
            },
            collections: CollectionsSettings {
                dunning_run_hour: 8,
                promise_grace_days: 3,
            },
            reports: ReportSettings {
                aging_bucket_edges: [30, 60, 90],
                attribution_days: 14,
                large_invoice_amount: Decimal::from(100_000),
                daily_digest: false,
            },
            numbering: NumberingSettings {
                invoice_prefix: "INV-".to_owned(),
                credit_note_prefix: "CN-".to_owned(),
            },
            approvals: ApprovalSettings { expiry_days: 7 },
            cash_application: CashApplicationSettings {
                auto_apply_confidence: None,
            },
            company: CompanyProfile {
                time_zone: "Asia/Shanghai".to_owned(),
                locale: Locale::ZhCn,
                base_currency: Currency::CNY,
            },
        }
    }
}

/// A change to the settings: `None` keeps a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsChange {
    pub over_limit_policy: Option<OverLimitPolicy>,
    pub hold_over_limit: Option<bool>,
    pub auto_release_holds: Option<bool>,
    pub dunning_run_hour: Option<i64>,
    pub promise_grace_days: Option<i64>,
    pub aging_bucket_edges: Option<Vec<i64>>,
    pub attribution_days: Option<i64>,
    pub large_invoice_amount: Option<Decimal>,
    pub daily_digest: Option<bool>,
    pub invoice_prefix: Option<String>,
    pub credit_note_prefix: Option<String>,
    pub approval_expiry_days: Option<i64>,
    /// `Some(None)` turns auto-apply off.
    pub auto_apply_confidence: Option<Option<Decimal>>,
    pub time_zone: Option<String>,
    pub locale: Option<Locale>,
    pub base_currency: Option<Currency>,
}

/// A refused field: its path in the settings (`reports.attributionDays`) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingRefused {
    pub field: &'static str,
    pub reason: Reason,
}

/// The most characters of a number prefix.
pub const MAX_PREFIX_CHARS: usize = 12;

fn whole(
    field: &'static str,
    value: Option<i64>,
    min: i64,
    max: i64,
) -> Result<Option<u32>, SettingRefused> {
    match value {
        None => Ok(None),
        Some(value) if (min..=max).contains(&value) => Ok(Some(value as u32)),
        Some(_) => Err(SettingRefused {
            field,
            reason: Reason::OutOfRange { min, max },
        }),
    }
}

fn prefix(field: &'static str, value: Option<String>) -> Result<Option<String>, SettingRefused> {
    let Some(value) = value else {
        return Ok(None);
    };
    let value = value.trim().to_owned();
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '_' | '.');
    if value.chars().count() > MAX_PREFIX_CHARS || !value.chars().all(allowed) {
        return Err(SettingRefused {
            field,
            reason: Reason::InvalidCharacters {
                symbols: "-, /, _ or .".to_owned(),
                max: Some(MAX_PREFIX_CHARS as u32),
            },
        });
    }
    Ok(Some(value))
}

/// Whether `zone` is a time zone the calendar knows: `Region/City` names (and `UTC`), checked
/// for shape here; the database checks that it exists.
pub fn plausible_time_zone(zone: &str) -> bool {
    zone == "UTC"
        || (zone.contains('/')
            && zone.len() <= 64
            && zone
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+')))
}

impl CompanySettings {
    /// The settings after `change`, every field checked first: the first refusal, or the
    /// whole new settings.
    pub fn apply(&self, change: SettingsChange) -> Result<CompanySettings, SettingRefused> {
        let mut next = self.clone();
        if let Some(policy) = change.over_limit_policy {
            next.credit.over_limit_policy = policy;
        }
        if let Some(hold) = change.hold_over_limit {
            next.credit.hold_over_limit = hold;
        }
        if let Some(release) = change.auto_release_holds {
            next.credit.auto_release_holds = release;
        }
        if let Some(hour) = whole("collections.dunningRunHour", change.dunning_run_hour, 0, 23)? {
            next.collections.dunning_run_hour = hour;
        }
        if let Some(days) = whole(
            "collections.promiseGraceDays",
            change.promise_grace_days,
            0,
            30,
        )? {
            next.collections.promise_grace_days = days;
        }
        if let Some(edges) = change.aging_bucket_edges {
            let refused = || SettingRefused {
                field: "reports.agingBucketEdges",
                reason: Reason::AgingEdgesNotIncreasing {},
            };
            let [a, b, c] = edges.as_slice() else {
                return Err(refused());
            };
            let checked = AgingEdges::new([*a, *b, *c]).map_err(|_| refused())?;
            if checked.0.iter().any(|edge| *edge > 3650) {
                return Err(refused());
            }
            next.reports.aging_bucket_edges = checked.0.map(|edge| edge as u32);
        }
        if let Some(days) = whole("reports.attributionDays", change.attribution_days, 1, 90)? {
            next.reports.attribution_days = days;
        }
        if let Some(amount) = change.large_invoice_amount {
            if amount <= Decimal::ZERO {
                return Err(SettingRefused {
                    field: "reports.largeInvoiceAmount",
                    reason: Reason::NotPositive {},
                });
            }
            if amount >= crate::money::max_amount() {
                return Err(SettingRefused {
                    field: "reports.largeInvoiceAmount",
                    reason: Reason::AmountTooLarge {},
                });
            }
            next.reports.large_invoice_amount = amount.normalize();
        }
        if let Some(digest) = change.daily_digest {
            next.reports.daily_digest = digest;
        }
        if let Some(text) = prefix("numbering.invoicePrefix", change.invoice_prefix)? {
            next.numbering.invoice_prefix = text;
        }
        if let Some(text) = prefix("numbering.creditNotePrefix", change.credit_note_prefix)? {
            next.numbering.credit_note_prefix = text;
        }
        if let Some(days) = whole("approvals.expiryDays", change.approval_expiry_days, 1, 90)? {
            next.approvals.expiry_days = days;
        }
        if let Some(confidence) = change.auto_apply_confidence {
            if let Some(value) = confidence {
                let (min, max) = crate::cash::auto_apply_bounds();
                if value < min || value > max || value.normalize().scale() > 2 {
                    return Err(SettingRefused {
                        field: "cashApplication.autoApplyConfidence",
                        reason: Reason::ConfidenceOutOfRange {
                            min: min.to_string(),
                            max: max.to_string(),
                        },
                    });
                }
            }
            next.cash_application.auto_apply_confidence = confidence.map(|v| v.round_dp(2));
        }
        if let Some(zone) = change.time_zone {
            let zone = zone.trim().to_owned();
            if !plausible_time_zone(&zone) {
                return Err(SettingRefused {
                    field: "company.timeZone",
                    reason: Reason::UnknownTimeZone { value: zone },
                });
            }
            next.company.time_zone = zone;
        }
        if let Some(locale) = change.locale {
            next.company.locale = locale;
        }
        if let Some(currency) = change.base_currency {
            next.company.base_currency = currency;
        }
        Ok(next)
    }

    pub fn aging_edges(&self) -> AgingEdges {
        AgingEdges(self.reports.aging_bucket_edges.map(i64::from))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_leaves_what_it_does_not_name() {
        let settings = CompanySettings::default();
        let next = settings
            .apply(SettingsChange {
                over_limit_policy: Some(OverLimitPolicy::Warn),
                attribution_days: Some(30),
                ..SettingsChange::default()
            })
            .unwrap();
        assert_eq!(next.credit.over_limit_policy, OverLimitPolicy::Warn);
        assert_eq!(next.reports.attribution_days, 30);
        assert_eq!(next.collections, settings.collections);
        assert_eq!(next.numbering, settings.numbering);
    }

    #[test]
    fn a_refusal_names_its_field_and_reason() {
        let settings = CompanySettings::default();
        let refused = |change| settings.apply(change).unwrap_err();
        let hour = refused(SettingsChange {
            dunning_run_hour: Some(24),
            ..SettingsChange::default()
        });
        assert_eq!(hour.field, "collections.dunningRunHour");
        assert_eq!(hour.reason, Reason::OutOfRange { min: 0, max: 23 });
        let edges = refused(SettingsChange {
            aging_bucket_edges: Some(vec![30, 20, 90]),
            ..SettingsChange::default()
        });
        assert_eq!(edges.field, "reports.agingBucketEdges");
        assert_eq!(
            refused(SettingsChange {
                aging_bucket_edges: Some(vec![30, 60]),
                ..SettingsChange::default()
            })
            .field,
            "reports.agingBucketEdges"
        );
        let prefix = refused(SettingsChange {
            invoice_prefix: Some("发票 ".repeat(10)),
            ..SettingsChange::default()
        });
        assert_eq!(prefix.field, "numbering.invoicePrefix");
        let zone = refused(SettingsChange {
            time_zone: Some("Mars".into()),
            ..SettingsChange::default()
        });
        assert_eq!(zone.field, "company.timeZone");
        let amount = refused(SettingsChange {
            large_invoice_amount: Some(Decimal::ZERO),
            ..SettingsChange::default()
        });
        assert_eq!(amount.reason, Reason::NotPositive {});
    }

    #[test]
    fn one_bad_field_refuses_the_whole_change() {
        let settings = CompanySettings::default();
        assert!(
            settings
                .apply(SettingsChange {
                    over_limit_policy: Some(OverLimitPolicy::Warn),
                    promise_grace_days: Some(31),
                    ..SettingsChange::default()
                })
                .is_err()
        );
    }

    #[test]
    fn the_settings_travel_as_camel_case_json() {
        let json = serde_json::to_value(CompanySettings::default()).unwrap();
        assert_eq!(json["credit"]["overLimitPolicy"], "BLOCK");
        assert_eq!(json["reports"]["agingBucketEdges"][2], 90);
        assert_eq!(json["reports"]["largeInvoiceAmount"], "100000");
        assert_eq!(json["company"]["locale"], "zh-CN");
    }
}
