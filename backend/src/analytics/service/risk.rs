//! The daily risk scan.
//!
//! Causes: a condition (over the limit, at 90 % of it, paying later: the last 90 days against
//! the 9 months before, worse by 10 days or more) is one alert per customer while it lasts; the
//! scan marks it cleared when the condition ends (resolving it if nobody had), so the next
//! episode raises a new one. A large invoice overdue and an invoice falling overdue while its
//! customer is on hold are once per invoice. Broken promises and rating downgrades are raised
//! where they happen (promises, ratings).

use crate::analytics::store::risk as store;
use crate::db::{self, TenantTx};
use crate::error::AppError;
use chrono::NaiveDate;
use domain::TenantId;
use sea_orm::DatabaseConnection;

/// Scans the company as of `today`; returns how many alerts were raised.
pub async fn detect(
    db: &DatabaseConnection,
    tenant: TenantId,
    today: NaiveDate,
) -> Result<u64, AppError> {
    let time_zone = db::tenant_calendar(db, tenant).await?.time_zone;
    let tx = TenantTx::begin(db, tenant).await?;
    let large = crate::settings::read(&*tx)
        .await?
        .reports
        .large_invoice_amount;
    let raised = store::scan(&*tx, today, time_zone, large).await?;
    tx.commit().await?;
    Ok(raised)
}
