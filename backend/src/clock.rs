//! The business day. Each company's "today" is the date in its time zone, read once per use
//! case in [`crate::db::tenant_calendar`] (and by the daily scheduler); due dates, aging,
//! dunning and KPIs all count from it. A development server may set the clock so that tests
//! and browser journeys move time without touching data: for every company (`DUELY_TODAY`,
//! `duely clock DAY`) or for one (`duely clock DAY --tenant ID`, a test calling [`set`]), one
//! company's setting winning. A production process never reads the clock (its SQL is NULL
//! there), never sets it, and refuses `DUELY_TODAY`.

use crate::config::{Config, Environment};
use chrono::NaiveDate;
use domain::TenantId;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement};
use std::sync::atomic::{AtomicBool, Ordering};
use uuid::Uuid;

/// Whether this process reads the development clock: set once a development configuration
/// connects ([`crate::db::connect`]); a production process never does.
static FOLLOWED: AtomicBool = AtomicBool::new(false);

/// Called with the process's environment when it connects to the database.
pub fn follow(environment: Environment) {
    if environment == Environment::Development {
        FOLLOWED.store(true, Ordering::Relaxed);
    }
}

/// The clock's day for the company whose id is the SQL expression `tenant`, NULL when the
/// clock is not set or the process is production: callers write
/// `coalesce(<this>, <the real date>)`.
pub fn today_sql(tenant: &str) -> String {
    if !FOLLOWED.load(Ordering::Relaxed) {
        return "NULL::date".to_owned();
    }
    format!(
        "(SELECT c.today FROM public.clock c WHERE c.tenant_id = {tenant} OR c.tenant_id IS NULL
          ORDER BY c.tenant_id NULLS LAST LIMIT 1)"
    )
}

#[derive(Debug, thiserror::Error)]
pub enum ClockError {
    #[error(
        "the clock is for development: a production server reads the real date (DUELY_ENV=development moves it)"
    )]
    Production,
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// The day the clock gives `tenant` (or, with `None`, every company), if it is set.
pub async fn read(
    db: &impl ConnectionTrait,
    tenant: Option<TenantId>,
) -> Result<Option<NaiveDate>, DbErr> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!("SELECT {} AS today", today_sql("$1::uuid")),
            [tenant.map(|tenant| tenant.0).into()],
        ))
        .await?;
    Ok(row
        .map(|row| row.try_get::<Option<NaiveDate>>("", "today"))
        .transpose()?
        .flatten())
}

/// Sets the clock of `tenant` (with `None`, of every company) to `today`, or clears it with
/// `None`. Refused in production.
pub async fn set(
    db: &impl ConnectionTrait,
    environment: Environment,
    tenant: Option<TenantId>,
    today: Option<NaiveDate>,
) -> Result<(), ClockError> {
    if environment == Environment::Production {
        return Err(ClockError::Production);
    }
    let scope: Option<Uuid> = tenant.map(|tenant| tenant.0);
    let statement = match today {
        Some(day) => Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO public.clock (tenant_id, today) VALUES ($1, $2)
             ON CONFLICT ON CONSTRAINT clock_scope
             DO UPDATE SET today = EXCLUDED.today, set_at = now()",
            [scope.into(), day.into()],
        ),
        None => Statement::from_sql_and_values(
            DbBackend::Postgres,
            "DELETE FROM public.clock WHERE tenant_id IS NOT DISTINCT FROM $1",
            [scope.into()],
        ),
    };
    db.execute_raw(statement).await?;
    // This process's own requests see the new day at once; other processes hear of it.
    crate::db::calendar::heard(crate::db::notices::AccessNotice::Clock);
    match today {
        Some(day) => tracing::warn!(today = %day, tenant = ?scope, "the development clock is set"),
        None => tracing::info!(tenant = ?scope, "the development clock follows the real date"),
    }
    Ok(())
}

/// At start-up, in development: every company's clock becomes `DUELY_TODAY`, or follows the
/// real date when it is unset. A server whose database cannot be reached yet still starts (its
/// readiness says why); the clock is then left as it was. Production does nothing here.
pub async fn on_start(db: &DatabaseConnection, config: &Config) {
    if config.environment == Environment::Production {
        return;
    }
    if let Err(error) = set(db, config.environment, None, config.today).await {
        tracing::warn!(error = %error, "the development clock could not be set at start-up");
    }
}
