//! `companySettings` and `updateCompanySettings`: the company's settings, grouped as the
//! settings page shows them.

use super::service;
use crate::api::command;
use crate::api::context::{request, services};
use crate::api::values::parse_currency;
use crate::error::{ApiResult, AppError, IntoApi};
use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject};
use domain::Locale;
use domain::credit::OverLimitPolicy;
use domain::reason::Reason;
use domain::settings::{self as model, SettingsChange};
use rust_decimal::Decimal;

/// Credit policy.
#[derive(SimpleObject)]
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
#[derive(SimpleObject)]
pub struct CollectionsSettings {
    /// The hour of the company's day (0 to 23, in its time zone) at which dunning runs.
    pub dunning_run_hour: i32,
    /// Days after a promised date that a payment still keeps the promise (0 to 30).
    pub promise_grace_days: i32,
}

/// Reports and alerts.
#[derive(SimpleObject)]
pub struct ReportSettings {
    /// The upper days of the first three aging buckets: increasing, above zero.
    pub aging_bucket_edges: Vec<i32>,
    /// A payment counts for the collector whose activity or promise came at most this many
    /// days before it (1 to 90).
    pub attribution_days: i32,
    /// Overdue invoices with at least this balance (in their currency) raise an alert: a
    /// decimal string.
    pub large_invoice_amount: String,
    /// Each member who works collections gets a daily email digest of new risk alerts.
    pub daily_digest: bool,
}

/// How documents are numbered.
#[derive(SimpleObject)]
pub struct NumberingSettings {
    /// Put before an issued invoice's sequence number (`INV-` gives `INV-000042`).
    pub invoice_prefix: String,
    /// Put before a credit note's sequence number.
    pub credit_note_prefix: String,
}

/// Approvals.
#[derive(SimpleObject)]
pub struct ApprovalSettings {
    /// Days a request waits for its decision before the daily run marks it EXPIRED (1 to 90).
    pub expiry_days: i32,
}

/// Cash application (收款核销).
#[derive(SimpleObject)]
pub struct CashApplicationSettings {
    /// A bank line whose best match is at least this confident (a decimal string, 0.50 to
    /// 1.00) applies itself; null: a person applies every line.
    pub auto_apply_confidence: Option<String>,
}

/// The company itself.
#[derive(SimpleObject)]
pub struct CompanyProfile {
    /// The IANA time zone whose calendar dates the company's days (`Asia/Shanghai`).
    pub time_zone: String,
    /// The language of texts for people who have not chosen one.
    pub locale: Locale,
    /// ISO 4217: the currency of new customers and of reports, unless they say otherwise.
    pub base_currency: String,
}

/// Everything a company can set.
#[derive(SimpleObject)]
pub struct CompanySettings {
    pub credit: CreditSettings,
    pub collections: CollectionsSettings,
    pub reports: ReportSettings,
    pub numbering: NumberingSettings,
    pub approvals: ApprovalSettings,
    pub cash_application: CashApplicationSettings,
    pub company: CompanyProfile,
}

impl From<model::CompanySettings> for CompanySettings {
    fn from(settings: model::CompanySettings) -> Self {
        CompanySettings {
            credit: CreditSettings {
                over_limit_policy: settings.credit.over_limit_policy,
                hold_over_limit: settings.credit.hold_over_limit,
                auto_release_holds: settings.credit.auto_release_holds,
            },
            collections: CollectionsSettings {
                dunning_run_hour: settings.collections.dunning_run_hour as i32,
                promise_grace_days: settings.collections.promise_grace_days as i32,
            },
            reports: ReportSettings {
                aging_bucket_edges: settings
                    .reports
                    .aging_bucket_edges
                    .iter()
                    .map(|edge| *edge as i32)
                    .collect(),
                attribution_days: settings.reports.attribution_days as i32,
                large_invoice_amount: settings
                    .reports
                    .large_invoice_amount
                    .normalize()
                    .to_string(),
                daily_digest: settings.reports.daily_digest,
            },
            numbering: NumberingSettings {
                invoice_prefix: settings.numbering.invoice_prefix,
                credit_note_prefix: settings.numbering.credit_note_prefix,
            },
            approvals: ApprovalSettings {
                expiry_days: settings.approvals.expiry_days as i32,
            },
            cash_application: CashApplicationSettings {
                auto_apply_confidence: settings
                    .cash_application
                    .auto_apply_confidence
                    .map(|value| format!("{value:.2}")),
            },
            company: CompanyProfile {
                time_zone: settings.company.time_zone,
                locale: settings.company.locale,
                base_currency: settings.company.base_currency.code().to_owned(),
            },
        }
    }
}

#[derive(InputObject, Default)]
pub struct CreditSettingsInput {
    pub over_limit_policy: Option<OverLimitPolicy>,
    pub hold_over_limit: Option<bool>,
    pub auto_release_holds: Option<bool>,
}

#[derive(InputObject, Default)]
pub struct CollectionsSettingsInput {
    /// 0 to 23.
    pub dunning_run_hour: Option<i32>,
    /// 0 to 30 days.
    pub promise_grace_days: Option<i32>,
}

#[derive(InputObject, Default)]
pub struct ReportSettingsInput {
    /// Three increasing whole days above zero, such as `[30, 60, 90]`.
    pub aging_bucket_edges: Option<Vec<i32>>,
    /// 1 to 90 days.
    pub attribution_days: Option<i32>,
    /// A decimal amount above zero.
    pub large_invoice_amount: Option<String>,
    pub daily_digest: Option<bool>,
}

#[derive(InputObject, Default)]
pub struct NumberingSettingsInput {
    /// Up to 12 letters, digits, `-`, `/`, `_` or `.` (empty for none).
    pub invoice_prefix: Option<String>,
    pub credit_note_prefix: Option<String>,
}

#[derive(InputObject, Default)]
pub struct ApprovalSettingsInput {
    /// 1 to 90 days.
    pub expiry_days: Option<i32>,
}

#[derive(InputObject, Default)]
pub struct CashApplicationSettingsInput {
    /// 0.50 to 1.00; null turns auto-apply off; left out keeps it.
    pub auto_apply_confidence: MaybeUndefined<String>,
}

#[derive(InputObject, Default)]
pub struct CompanyProfileInput {
    /// An IANA time zone, such as `Asia/Shanghai`.
    pub time_zone: Option<String>,
    pub locale: Option<Locale>,
    /// ISO 4217, such as `CNY`.
    pub base_currency: Option<String>,
}

/// What to change: every field is optional, and one left out stays as it is.
#[derive(InputObject, Default)]
pub struct CompanySettingsInput {
    pub credit: Option<CreditSettingsInput>,
    pub collections: Option<CollectionsSettingsInput>,
    pub reports: Option<ReportSettingsInput>,
    pub numbering: Option<NumberingSettingsInput>,
    pub approvals: Option<ApprovalSettingsInput>,
    pub cash_application: Option<CashApplicationSettingsInput>,
    pub company: Option<CompanyProfileInput>,
}

impl CompanySettingsInput {
    /// The change the input asks for; a value that does not parse names its field.
    pub fn change(self) -> Result<SettingsChange, AppError> {
        let credit = self.credit.unwrap_or_default();
        let collections = self.collections.unwrap_or_default();
        let reports = self.reports.unwrap_or_default();
        let numbering = self.numbering.unwrap_or_default();
        let approvals = self.approvals.unwrap_or_default();
        let company = self.company.unwrap_or_default();
        let cash = self.cash_application.unwrap_or_default();
        let auto_apply_confidence = match cash.auto_apply_confidence {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(text) => {
                Some(Some(text.trim().parse::<Decimal>().map_err(|_| {
                    AppError::input(
                        "input.cashApplication.autoApplyConfidence",
                        Reason::NotANumber { value: text },
                    )
                })?))
            }
        };
        let large_invoice_amount = match reports.large_invoice_amount {
            Some(text) => Some(text.trim().parse::<Decimal>().map_err(|_| {
                AppError::input(
                    "input.reports.largeInvoiceAmount",
                    Reason::NotANumber { value: text },
                )
            })?),
            None => None,
        };
        let base_currency = match company.base_currency {
            Some(code) => Some(parse_currency("input.company.baseCurrency", &code)?),
            None => None,
        };
        Ok(SettingsChange {
            over_limit_policy: credit.over_limit_policy,
            hold_over_limit: credit.hold_over_limit,
            auto_release_holds: credit.auto_release_holds,
            dunning_run_hour: collections.dunning_run_hour.map(i64::from),
            promise_grace_days: collections.promise_grace_days.map(i64::from),
            aging_bucket_edges: reports
                .aging_bucket_edges
                .map(|edges| edges.into_iter().map(i64::from).collect()),
            attribution_days: reports.attribution_days.map(i64::from),
            large_invoice_amount,
            daily_digest: reports.daily_digest,
            invoice_prefix: numbering.invoice_prefix,
            credit_note_prefix: numbering.credit_note_prefix,
            approval_expiry_days: approvals.expiry_days.map(i64::from),
            auto_apply_confidence,
            time_zone: company.time_zone,
            locale: company.locale,
            base_currency,
        })
    }
}

#[derive(SimpleObject)]
pub struct CompanySettingsPayload {
    pub settings: CompanySettings,
}

#[derive(Default)]
pub struct SettingsQuery;

#[Object]
impl SettingsQuery {
    /// The company's settings, grouped: credit policy, collections, reports, numbering and
    /// the company itself.
    async fn company_settings(&self, ctx: &Context<'_>) -> ApiResult<CompanySettings> {
        let (_, db) = services(ctx)?;
        service::company_settings(db, &request(ctx)?.caller)
            .await
            .map(CompanySettings::from)
            .api()
    }
}

#[derive(Default)]
pub struct SettingsMutation;

#[Object]
impl SettingsMutation {
    /// Changes the company's settings (permission MANAGE_SETTINGS). Fields left out stay as
    /// they are; the change is checked whole before anything is written, applied in one
    /// transaction and audited with before and after.
    async fn update_company_settings(
        &self,
        ctx: &Context<'_>,
        input: CompanySettingsInput,
    ) -> ApiResult<CompanySettingsPayload> {
        let change = input.change().api()?;
        let settings = command!(ctx, service::update_company_settings, change);
        Ok(CompanySettingsPayload {
            settings: settings.into(),
        })
    }
}
