//! The delivery log is kept for `LOG_KEPT_DAYS`: each company's daily job (`webhooks.prune`, at
//! 03:00 in its time zone) forgets older finished deliveries, their attempts and the events no
//! delivery carries any more, in batches of one short transaction each, so a large backlog
//! never holds locks for long.

use super::store;
use crate::db::TenantTx;
use crate::jobs::{ClaimedJob, JobHandler};
use chrono::{DateTime, Utc};
use domain::TenantId;
use sea_orm::DatabaseConnection;

pub const JOB_KIND: &str = "webhooks.prune";
const BATCH: i64 = 5_000;

/// Forgets what finished before `now - LOG_KEPT_DAYS`; returns how many deliveries and events
/// went.
pub async fn prune(
    db: &DatabaseConnection,
    tenant: TenantId,
    now: DateTime<Utc>,
) -> anyhow::Result<(u64, u64)> {
    let before = now - chrono::Duration::days(domain::webhooks::LOG_KEPT_DAYS);
    let mut gone = (0, 0);
    loop {
        let tx = TenantTx::begin(db, tenant).await?;
        let deliveries = store::prune_deliveries(&*tx, before, BATCH).await?;
        tx.commit().await?;
        gone.0 += deliveries;
        if deliveries < BATCH as u64 {
            break;
        }
    }
    loop {
        let tx = TenantTx::begin(db, tenant).await?;
        let events = store::prune_events(&*tx, before, BATCH).await?;
        tx.commit().await?;
        gone.1 += events;
        if events < BATCH as u64 {
            break;
        }
    }
    Ok(gone)
}

/// Runs `webhooks.prune` jobs.
pub struct Prune;

#[async_trait::async_trait]
impl JobHandler for Prune {
    async fn run(&self, db: &DatabaseConnection, job: &ClaimedJob) -> anyhow::Result<()> {
        let (deliveries, events) = prune(db, job.tenant()?, job.queue_now).await?;
        if deliveries + events > 0 {
            tracing::info!(tenant = ?job.tenant_id, deliveries, events, "webhook log pruned");
        }
        Ok(())
    }
}
