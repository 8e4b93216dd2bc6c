//! Analytics' daily jobs, per company: the KPI snapshot, the ratings, then the risk scan, then
//! the digest of what it raised. Each calls its service.

use super::service::{digest, kpis, ratings, risk};
use crate::jobs::{ClaimedJob, JobHandler, NewJob};
use chrono::Days;
use sea_orm::DatabaseConnection;

pub const SNAPSHOT_JOB: &str = "analytics.snapshot";
pub const RATINGS_JOB: &str = "analytics.ratings";
pub const RISK_JOB: &str = "analytics.risk";
pub const DIGEST_JOB: &str = "analytics.digest";

/// The daily job of one company: its KPI snapshot of the day before the job's date (a
/// complete day in the company's time zone).
pub struct Snapshot;

#[async_trait::async_trait]
impl JobHandler for Snapshot {
    async fn run(&self, db: &DatabaseConnection, job: &ClaimedJob) -> anyhow::Result<()> {
        let (tenant, date) = (job.tenant()?, job.date()?);
        kpis::snapshot(db, tenant, date - Days::new(1))
            .await
            .map_err(|error| anyhow::anyhow!("{error:?}"))?;
        Ok(())
    }
}

/// The daily job of one company: every customer's rating as of the job's date; then it asks
/// for the day's risk scan, which reads the new ratings.
pub struct Ratings;

#[async_trait::async_trait]
impl JobHandler for Ratings {
    async fn run(&self, db: &DatabaseConnection, job: &ClaimedJob) -> anyhow::Result<()> {
        let (tenant, date) = (job.tenant()?, job.date()?);
        ratings::rate_all(db, tenant, date)
            .await
            .map_err(|error| anyhow::anyhow!("{error:?}"))?;
        crate::jobs::enqueue(db, NewJob::for_company_day(RISK_JOB, tenant.0, date)).await?;
        Ok(())
    }
}

/// The risk scan of one company's day; then it asks for the day's digest of what it raised.
pub struct RiskScan;

#[async_trait::async_trait]
impl JobHandler for RiskScan {
    async fn run(&self, db: &DatabaseConnection, job: &ClaimedJob) -> anyhow::Result<()> {
        let (tenant, date) = (job.tenant()?, job.date()?);
        risk::detect(db, tenant, date)
            .await
            .map_err(|error| anyhow::anyhow!("{error:?}"))?;
        crate::jobs::enqueue(db, NewJob::for_company_day(DIGEST_JOB, tenant.0, date)).await?;
        Ok(())
    }
}

/// The daily digest of one company's new alerts, if the company turned it on.
pub struct Digest {
    pub links: crate::startup::AppLinks,
}

#[async_trait::async_trait]
impl JobHandler for Digest {
    async fn run(&self, db: &DatabaseConnection, job: &ClaimedJob) -> anyhow::Result<()> {
        digest::send(db, job.tenant()?, &self.links.public_url)
            .await
            .map_err(|error| anyhow::anyhow!("{error:?}"))?;
        Ok(())
    }
}
