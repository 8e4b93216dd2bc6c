//! A company's subscription as Duely keeps it, where it leaves the company (by the domain rule
//! `domain::billing::standing`), and the plan limits the other areas check.

use crate::billing::store::{self, SubscriptionRow};
use crate::db::TenantTx;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use domain::TenantId;
use domain::billing::{self, Limit, Plan, Standing, Subscription};
use sea_orm::{ConnectionTrait, DatabaseConnection};

pub async fn load(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<SubscriptionRow, AppError> {
    store::load(conn, tenant).await
}

/// The row locked for an update in the caller's control-plane transaction.
pub async fn load_for_update(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<SubscriptionRow, AppError> {
    store::load_for_update(conn, tenant).await
}

/// Refuses a change to a read-only company's control-plane data (its team, its API keys):
/// tenant data is refused by PostgreSQL itself (`db::tenant::read_only`).
pub fn ensure_writable(standing: &Standing, now: DateTime<Utc>) -> Result<(), AppError> {
    if standing.is_read_only(now) {
        return Err(AppError::read_only());
    }
    Ok(())
}

/// How much of each limit a company uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub users: u64,
    pub customers: u64,
    pub invoices_this_month: u64,
    pub api_keys: u64,
    pub emails_today: u64,
}

impl Usage {
    pub fn of(&self, limit: Limit) -> u64 {
        match limit {
            Limit::Users => self.users,
            Limit::Customers => self.customers,
            Limit::InvoicesPerMonth => self.invoices_this_month,
            Limit::ApiKeys => self.api_keys,
            Limit::EmailsPerDay => self.emails_today,
        }
    }
}

pub async fn usage(db: &DatabaseConnection, tenant: TenantId) -> Result<Usage, AppError> {
    let calendar = crate::db::tenant_calendar(db, tenant).await?;
    let (users, api_keys) = store::control_plane_usage(db, tenant).await?;
    let emails_today = crate::email::customer_emails_today(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let customers = store::tenant_count(&tx, Limit::Customers, &calendar.time_zone).await?;
    let invoices_this_month =
        store::tenant_count(&tx, Limit::InvoicesPerMonth, &calendar.time_zone).await?;
    tx.commit().await?;
    Ok(Usage {
        users,
        customers,
        invoices_this_month,
        api_keys,
        emails_today,
    })
}

/// The company's subscription, where it leaves the company now, and its usage.
#[derive(Debug, Clone)]
pub struct Overview {
    pub row: SubscriptionRow,
    pub standing: Standing,
    pub subscription: Subscription,
    pub usage: Usage,
}

/// The subscription page: any caller of the company.
pub async fn overview(db: &DatabaseConnection, tenant: TenantId) -> Result<Overview, AppError> {
    let row = load(db, tenant).await?;
    let standing = row.standing()?;
    let subscription = row.subscription()?;
    let usage = usage(db, tenant).await?;
    Ok(Overview {
        row,
        standing,
        subscription,
        usage,
    })
}

/// The plan in force for `tenant` now; refuses when the company is read-only.
pub async fn plan_in_force(db: &DatabaseConnection, tenant: TenantId) -> Result<Plan, AppError> {
    let row = load(db, tenant).await?;
    let standing = row.standing()?;
    ensure_writable(&standing, row.now)?;
    Ok(standing.plan)
}

/// Whether `adding` more team members or API keys fit the plan (control plane; call inside the
/// transaction that adds them).
pub async fn admit_control_plane(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    limit: Limit,
    adding: u64,
) -> Result<(), AppError> {
    // The subscription row stays locked until the caller's transaction ends, so two requests
    // adding at once count one after the other instead of both seeing room for one more.
    let row = load_for_update(conn, tenant).await?;
    let standing = row.standing()?;
    ensure_writable(&standing, row.now)?;
    let (users, api_keys) = store::control_plane_usage(conn, tenant).await?;
    let current = if limit == Limit::ApiKeys {
        api_keys
    } else {
        users
    };
    billing::check_limit(standing.plan, limit, current, adding)
        .map_err(|reached| AppError::plan_limit(&reached))
}

/// Whether `adding` more customers or invoices fit `plan` (read with [`plan_in_force`] before
/// the transaction opened), counted inside the company's transaction that adds them.
pub async fn admit_tenant(
    tx: &TenantTx,
    plan: Plan,
    time_zone: &str,
    limit: Limit,
    adding: u64,
) -> Result<(), AppError> {
    if plan.limit(limit).is_none() {
        return Ok(());
    }
    // Concurrent additions in one company count one after the other.
    store::lock_limit(tx, limit).await?;
    let current = store::tenant_count(tx, limit, time_zone).await?;
    billing::check_limit(plan, limit, current, adding)
        .map_err(|reached| AppError::plan_limit(&reached))
}

/// Puts a company on `plan`, active, with no Stripe subscription: for the demo company and
/// benchmark companies, whose generated ledgers are larger than a trial allows.
pub async fn grant(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    plan: Plan,
) -> Result<(), AppError> {
    store::grant(conn, tenant, plan).await
}
