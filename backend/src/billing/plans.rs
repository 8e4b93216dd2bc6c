//! A company's subscription as Duely keeps it, where it leaves the company (by the domain rule
//! `domain::billing::standing`), and the plan limits the other areas check.

use crate::db::TenantTx;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use domain::TenantId;
use domain::billing::{self, Limit, Plan, Standing, Subscription};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement};

#[derive(Debug, Clone, FromQueryResult)]
pub struct SubscriptionRow {
    pub plan: String,
    pub status: String,
    pub trial_ends_at: Option<DateTime<Utc>>,
    pub status_since: DateTime<Utc>,
    pub stripe_customer_id: Option<String>,
    pub stripe_subscription_id: Option<String>,
    pub current_period_end: Option<DateTime<Utc>>,
    pub cancel_at_period_end: bool,
    /// `created` of the latest Stripe event applied.
    pub stripe_state_at: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
}

impl SubscriptionRow {
    pub fn subscription(&self) -> Result<Subscription, AppError> {
        Subscription::from_stored(
            &self.plan,
            &self.status,
            self.trial_ends_at,
            self.status_since,
            self.stripe_subscription_id.is_some(),
        )
        .ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!(
                "unknown plan {} or subscription status {}",
                self.plan,
                self.status
            ))
        })
    }

    /// Where the subscription leaves the company now (the database's clock).
    pub fn standing(&self) -> Result<Standing, AppError> {
        Ok(billing::standing(&self.subscription()?, self.now))
    }
}

const SELECT_SUBSCRIPTION: &str = "SELECT plan, status, trial_ends_at, status_since, stripe_customer_id,
        stripe_subscription_id, current_period_end, cancel_at_period_end, stripe_state_at, now() AS now
 FROM public.subscriptions WHERE tenant_id = $1";

pub async fn load(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<SubscriptionRow, AppError> {
    SubscriptionRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        SELECT_SUBSCRIPTION,
        [tenant.0.into()],
    ))
    .one(conn)
    .await?
    .ok_or_else(|| AppError::not_found("No such company."))
}

/// The row locked for an update in the caller's control-plane transaction.
pub async fn load_for_update(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<SubscriptionRow, AppError> {
    SubscriptionRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("{SELECT_SUBSCRIPTION} FOR UPDATE"),
        [tenant.0.into()],
    ))
    .one(conn)
    .await?
    .ok_or_else(|| AppError::not_found("No such company."))
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

fn count(row: &Option<sea_orm::QueryResult>, column: &str) -> Result<u64, AppError> {
    let value: i64 = match row {
        Some(row) => row
            .try_get("", column)
            .map_err(|error| AppError::Internal(error.into()))?,
        None => 0,
    };
    Ok(u64::try_from(value).unwrap_or(0))
}

/// Members and pending invitations, and live API keys (control plane).
async fn control_plane_usage(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<(u64, u64), AppError> {
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT (SELECT count(*) FROM public.memberships WHERE tenant_id = $1)
                  + (SELECT count(*) FROM public.invitations
                     WHERE tenant_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL
                       AND expires_at > now()) AS users,
                    (SELECT count(*) FROM public.api_keys
                     WHERE tenant_id = $1 AND revoked_at IS NULL) AS api_keys",
            [tenant.0.into()],
        ))
        .await?;
    let users = count(&row, "users")?;
    let keys = count(&row, "api_keys")?;
    Ok((users, keys))
}

/// Customers not archived.
const CUSTOMERS: &str = "SELECT count(*) AS n FROM customers WHERE archived_at IS NULL";
/// Invoices created this calendar month of the company's time zone (`$1`).
const INVOICES_THIS_MONTH: &str = "SELECT count(*) AS n FROM invoices
     WHERE created_at >= (date_trunc('month', now() AT TIME ZONE $1) AT TIME ZONE $1)";

async fn tenant_count(tx: &TenantTx, limit: Limit, time_zone: &str) -> Result<u64, AppError> {
    let statement = match limit {
        Limit::InvoicesPerMonth => Statement::from_sql_and_values(
            DbBackend::Postgres,
            INVOICES_THIS_MONTH,
            [time_zone.into()],
        ),
        _ => Statement::from_string(DbBackend::Postgres, CUSTOMERS),
    };
    let row = tx.query_one_raw(statement).await?;
    count(&row, "n")
}

pub async fn usage(db: &DatabaseConnection, tenant: TenantId) -> Result<Usage, AppError> {
    let calendar = crate::db::tenant_calendar(db, tenant).await?;
    let (users, api_keys) = control_plane_usage(db, tenant).await?;
    let emails_today = crate::email::customer_emails_today(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let customers = tenant_count(&tx, Limit::Customers, &calendar.time_zone).await?;
    let invoices_this_month =
        tenant_count(&tx, Limit::InvoicesPerMonth, &calendar.time_zone).await?;
    tx.commit().await?;
    Ok(Usage {
        users,
        customers,
        invoices_this_month,
        api_keys,
        emails_today,
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
    let (users, api_keys) = control_plane_usage(conn, tenant).await?;
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
    // Concurrent additions in one company count one after the other: a lock on (this schema,
    // this limit), held until the transaction that adds commits.
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_advisory_xact_lock(hashtext('duely.plan_limit'), hashtext(current_schema() || ':' || $1))",
        [limit.as_str().into()],
    ))
    .await?;
    let current = tenant_count(tx, limit, time_zone).await?;
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
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.subscriptions
         SET plan = $2, status = 'ACTIVE', trial_ends_at = NULL, read_only_from = NULL,
             status_since = now(), updated_at = now()
         WHERE tenant_id = $1",
        [tenant.0.into(), plan.as_str().into()],
    ))
    .await?;
    Ok(())
}
