//! A company's calendar: its base currency, its time zone and "today" in it (due dates and
//! aging count in the company's days, not the server's), and its name.
//!
//! Every use case asks for it, so each replica keeps what is stored (currency, time zone,
//! name, and in development the clock's day) for up to 30 s, forgetting it at once when the
//! company's row or the clock changes ([`super::notices`]); "today" itself is computed on each
//! call from the time zone, so it turns at midnight, not up to 30 s later.

use super::expiring::Expiring;
use super::notices::AccessNotice;
use chrono::NaiveDate;
use domain::TenantId;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, FromQueryResult, Statement};
use std::sync::LazyLock;
use std::time::Duration;

/// What a tenant's requests need from the control plane.
#[derive(Debug, Clone)]
pub struct TenantCalendar {
    pub base_currency: String,
    pub today: NaiveDate,
    /// An IANA name, such as `Asia/Shanghai`.
    pub time_zone: String,
    /// The company's name, for documents that go to its customers.
    pub name: String,
}

/// What is stored, as kept.
#[derive(Debug, Clone, FromQueryResult)]
struct Stored {
    base_currency: String,
    time_zone: String,
    name: String,
    /// The development clock's day for the company, if it is set (never in production).
    clock_today: Option<NaiveDate>,
}

const KEPT_FOR: Duration = Duration::from_secs(30);

static KEPT: LazyLock<Expiring<TenantId, Stored>> =
    LazyLock::new(|| Expiring::new(10_000, KEPT_FOR));

pub async fn tenant_calendar(
    db: &DatabaseConnection,
    tenant: TenantId,
) -> Result<TenantCalendar, DbErr> {
    let stored = match KEPT.get(&tenant) {
        Some(stored) => stored,
        None => {
            let generation = KEPT.generation();
            let stored = read(db, tenant).await?;
            KEPT.insert(tenant, stored.clone(), generation);
            stored
        }
    };
    let today = match stored.clock_today {
        Some(day) => day,
        None => today_in(db, &stored.time_zone).await?,
    };
    Ok(TenantCalendar {
        base_currency: stored.base_currency,
        today,
        time_zone: stored.time_zone,
        name: stored.name,
    })
}

/// Today's date in `time_zone`; from PostgreSQL only for a zone chrono-tz does not know
/// (settings accept the zones PostgreSQL knows).
async fn today_in(db: &DatabaseConnection, time_zone: &str) -> Result<NaiveDate, DbErr> {
    if let Ok(zone) = time_zone.parse::<chrono_tz::Tz>() {
        return Ok(chrono::Utc::now().with_timezone(&zone).date_naive());
    }
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT (now() AT TIME ZONE $1)::date AS today",
            [time_zone.into()],
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("today".to_owned()))?;
    row.try_get("", "today")
}

async fn read(db: &DatabaseConnection, tenant: TenantId) -> Result<Stored, DbErr> {
    Stored::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT t.base_currency::text AS base_currency, t.time_zone, t.name,
                    {} AS clock_today
             FROM public.tenants t WHERE t.id = $1",
            crate::clock::today_sql("t.id")
        ),
        [tenant.0.into()],
    ))
    .one(db)
    .await?
    .ok_or_else(|| DbErr::RecordNotFound("tenant".to_owned()))
}

/// Forgets what a change made stale.
pub fn heard(notice: AccessNotice) {
    match notice {
        AccessNotice::Tenant(id) => KEPT.forget_where(|tenant| tenant.0 == id),
        AccessNotice::Clock | AccessNotice::Missed => KEPT.forget_all(),
        AccessNotice::User(_) => {}
    }
}
