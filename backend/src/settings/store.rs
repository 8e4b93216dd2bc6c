//! The settings' SQL: the tenant's `company_settings` row and the company's columns on
//! `public.tenants` (its time zone, language, base currency and dunning hour, which the
//! scheduler reads for every company at once).

use domain::credit::OverLimitPolicy;
use domain::settings::{
    ApprovalSettings, CashApplicationSettings, CollectionsSettings, CompanyProfile,
    CompanySettings, CreditSettings, NumberingSettings, ReportSettings,
};
use domain::{Currency, Locale, TenantId};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};

#[derive(Debug, FromQueryResult)]
struct SettingsRow {
    over_limit_policy: OverLimitPolicy,
    hold_over_limit: bool,
    auto_release_holds: bool,
    promise_grace_days: i32,
    aging_edges: Vec<i32>,
    attribution_days: i32,
    large_invoice_amount: Decimal,
    daily_digest: bool,
    invoice_prefix: String,
    credit_note_prefix: String,
    approval_expiry_days: i32,
    auto_apply_confidence: Option<Decimal>,
}

#[derive(Debug, FromQueryResult)]
struct ProfileRow {
    time_zone: String,
    locale: Locale,
    base_currency: Currency,
    dunning_hour: i16,
}

const SELECT_SETTINGS: &str = "SELECT over_limit_policy, hold_over_limit, auto_release_holds,
        promise_grace_days, aging_edges, attribution_days, large_invoice_amount, daily_digest,
        invoice_prefix, credit_note_prefix, approval_expiry_days, auto_apply_confidence
    FROM company_settings";

/// The settings kept in the tenant's schema: all but the company group and the dunning hour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantSettings {
    pub credit: CreditSettings,
    pub promise_grace_days: u32,
    pub reports: ReportSettings,
    pub numbering: NumberingSettings,
    pub approvals: ApprovalSettings,
    pub cash_application: CashApplicationSettings,
}

impl TenantSettings {
    /// The whole settings, with the company's own from the control plane.
    pub fn with_profile(self, profile: CompanyProfileRow) -> CompanySettings {
        CompanySettings {
            credit: self.credit,
            collections: CollectionsSettings {
                dunning_run_hour: profile.dunning_run_hour,
                promise_grace_days: self.promise_grace_days,
            },
            reports: self.reports,
            numbering: self.numbering,
            approvals: self.approvals,
            cash_application: self.cash_application,
            company: profile.company,
        }
    }

    pub fn aging_edges(&self) -> domain::aging::AgingEdges {
        domain::aging::AgingEdges(self.reports.aging_bucket_edges.map(i64::from))
    }
}

/// The company's settings kept in its schema, in its tenant transaction (`conn`).
pub async fn read(conn: &impl ConnectionTrait) -> Result<TenantSettings, DbErr> {
    let row = SettingsRow::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        SELECT_SETTINGS,
    ))
    .one(conn)
    .await?
    .ok_or_else(|| DbErr::RecordNotFound("company_settings".to_owned()))?;
    let count = |value: i32, column: &str| {
        u32::try_from(value)
            .map_err(|_| DbErr::Type(format!("company_settings.{column} is negative")))
    };
    let edges: [i32; 3] = row.aging_edges.as_slice().try_into().map_err(|_| {
        DbErr::Type(format!(
            "company_settings.aging_edges has {} edges, not 3",
            row.aging_edges.len()
        ))
    })?;
    Ok(TenantSettings {
        credit: CreditSettings {
            over_limit_policy: row.over_limit_policy,
            hold_over_limit: row.hold_over_limit,
            auto_release_holds: row.auto_release_holds,
        },
        promise_grace_days: count(row.promise_grace_days, "promise_grace_days")?,
        reports: ReportSettings {
            aging_bucket_edges: [
                count(edges[0], "aging_edges")?,
                count(edges[1], "aging_edges")?,
                count(edges[2], "aging_edges")?,
            ],
            attribution_days: count(row.attribution_days, "attribution_days")?,
            large_invoice_amount: row.large_invoice_amount.normalize(),
            daily_digest: row.daily_digest,
        },
        numbering: NumberingSettings {
            invoice_prefix: row.invoice_prefix,
            credit_note_prefix: row.credit_note_prefix,
        },
        approvals: ApprovalSettings {
            expiry_days: count(row.approval_expiry_days, "approval_expiry_days")?,
        },
        cash_application: CashApplicationSettings {
            auto_apply_confidence: row.auto_apply_confidence.map(|c| c.round_dp(2)),
        },
    })
}

/// The company's own settings and its dunning hour, from `public.tenants`.
#[derive(Debug, Clone)]
pub struct CompanyProfileRow {
    pub company: CompanyProfile,
    pub dunning_run_hour: u32,
}

/// Reads [`CompanyProfileRow`] on a connection that may read the control plane (the pool,
/// or a transaction before it binds to the tenant).
pub async fn profile(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    lock: bool,
) -> Result<CompanyProfileRow, DbErr> {
    let row = ProfileRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT time_zone, locale, base_currency::text AS base_currency, dunning_hour
             FROM public.tenants WHERE id = $1{}",
            if lock { " FOR UPDATE" } else { "" }
        ),
        [tenant.0.into()],
    ))
    .one(conn)
    .await?
    .ok_or_else(|| DbErr::RecordNotFound("tenant".to_owned()))?;
    Ok(CompanyProfileRow {
        company: CompanyProfile {
            time_zone: row.time_zone,
            locale: row.locale,
            base_currency: row.base_currency,
        },
        dunning_run_hour: u32::try_from(row.dunning_hour)
            .map_err(|_| DbErr::Type("tenants.dunning_hour is negative".to_owned()))?,
    })
}

#[derive(Debug, FromQueryResult)]
struct Known {
    known: bool,
}

/// Whether PostgreSQL knows `zone` (what `AT TIME ZONE` will be asked for).
pub async fn known_time_zone(conn: &impl ConnectionTrait, zone: &str) -> Result<bool, DbErr> {
    Ok(Known::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1) AS known",
        [zone.into()],
    ))
    .one(conn)
    .await?
    .is_some_and(|row| row.known))
}

/// Writes the company group and the dunning hour (control plane; before the transaction binds
/// to the tenant).
pub async fn write_profile(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    settings: &CompanySettings,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.tenants
         SET time_zone = $2, locale = $3, base_currency = $4, dunning_hour = $5
         WHERE id = $1",
        [
            tenant.0.into(),
            settings.company.time_zone.clone().into(),
            settings.company.locale.tag().into(),
            settings.company.base_currency.code().to_owned().into(),
            (settings.collections.dunning_run_hour as i16).into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Writes the tenant's settings row (in the tenant transaction).
pub async fn write(conn: &impl ConnectionTrait, settings: &CompanySettings) -> Result<(), DbErr> {
    let edges: Vec<i32> = settings
        .reports
        .aging_bucket_edges
        .iter()
        .map(|edge| *edge as i32)
        .collect();
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE company_settings
         SET over_limit_policy = $1, hold_over_limit = $2, auto_release_holds = $3,
             promise_grace_days = $4, aging_edges = $5, attribution_days = $6,
             large_invoice_amount = $7, daily_digest = $8, invoice_prefix = $9,
             credit_note_prefix = $10, approval_expiry_days = $11, auto_apply_confidence = $12,
             updated_at = now()",
        [
            settings.credit.over_limit_policy.as_str().into(),
            settings.credit.hold_over_limit.into(),
            settings.credit.auto_release_holds.into(),
            (settings.collections.promise_grace_days as i32).into(),
            edges.into(),
            (settings.reports.attribution_days as i32).into(),
            settings.reports.large_invoice_amount.into(),
            settings.reports.daily_digest.into(),
            settings.numbering.invoice_prefix.clone().into(),
            settings.numbering.credit_note_prefix.clone().into(),
            (settings.approvals.expiry_days as i32).into(),
            settings.cash_application.auto_apply_confidence.into(),
        ],
    ))
    .await?;
    Ok(())
}
