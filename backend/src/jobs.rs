//! The job queue (DESIGN.md §5): background work that must happen exactly once in effect.
//!
//! Jobs live in `public.jobs`. Work is enqueued inside the transaction of the change that causes
//! it (or by the scheduler), optionally with a `dedupe_key`, so "the dunning run of tenant T on
//! day D" exists at most once however often it is asked for. A worker claims due jobs with
//! `FOR UPDATE SKIP LOCKED` and takes a lease on them (`locked_until`); a replica that dies
//! mid-job lets its lease lapse and another replica takes the job again. Handlers are therefore
//! idempotent. A failed job is retried with exponential backoff until `max_attempts`, then stays
//! in the table, unfinished, with its last error, for a person to look at.
//!
//! A replica only claims the kinds it has handlers for, so during a rolling deploy old replicas
//! leave new kinds to new ones.

use chrono::{DateTime, NaiveTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, FromQueryResult, Statement};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

const POLL_EVERY: Duration = Duration::from_secs(1);
const SCHEDULE_EVERY: Duration = Duration::from_secs(60);
const BATCH: i64 = 10;
/// How long a claimed job is ours; a handler that runs longer is abandoned and retried.
pub const LEASE: Duration = Duration::from_secs(300);

/// A job to put on the queue.
pub struct NewJob {
    pub kind: &'static str,
    pub tenant_id: Option<Uuid>,
    pub payload: serde_json::Value,
    pub run_at: Option<DateTime<Utc>>,
    /// At most one job ever exists with this key (until housekeeping forgets finished ones).
    pub dedupe_key: Option<String>,
}

impl NewJob {
    pub fn new(kind: &'static str) -> Self {
        NewJob {
            kind,
            tenant_id: None,
            payload: serde_json::Value::Object(Default::default()),
            run_at: None,
            dedupe_key: None,
        }
    }
}

/// Puts `job` on the queue inside the caller's transaction. Returns `None` when a job with the
/// same dedupe key already exists.
pub async fn enqueue(conn: &impl ConnectionTrait, job: NewJob) -> Result<Option<Uuid>, DbErr> {
    let id = Uuid::now_v7();
    let inserted = conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO public.jobs (id, kind, tenant_id, payload, run_at, dedupe_key)
             VALUES ($1, $2, $3, $4, coalesce($5, now()), $6)
             ON CONFLICT ON CONSTRAINT jobs_dedupe_key DO NOTHING",
            [
                id.into(),
                job.kind.into(),
                job.tenant_id.into(),
                job.payload.into(),
                job.run_at.into(),
                job.dedupe_key.into(),
            ],
        ))
        .await?;
    Ok((inserted.rows_affected() == 1).then_some(id))
}

/// A job this worker holds the lease on.
#[derive(Debug, Clone, FromQueryResult)]
pub struct ClaimedJob {
    pub id: Uuid,
    pub kind: String,
    pub tenant_id: Option<Uuid>,
    pub payload: serde_json::Value,
    /// Including this one.
    pub attempts: i32,
    pub max_attempts: i32,
}

/// What runs a kind of job. It must be idempotent: a job can run again after a crash.
#[async_trait::async_trait]
pub trait JobHandler: Send + Sync + 'static {
    async fn run(&self, db: &DatabaseConnection, job: &ClaimedJob) -> anyhow::Result<()>;
}

/// A job that recurs daily at a fixed UTC time, enqueued by the scheduler with the day in its
/// dedupe key so each day's run exists once across every replica.
#[derive(Clone, Copy)]
pub struct Daily {
    pub kind: &'static str,
    pub at_utc: NaiveTime,
}

/// The handlers (and daily schedules) this replica runs.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<&'static str, Arc<dyn JobHandler>>,
    daily: Vec<Daily>,
}

impl Registry {
    /// Every kind of job Duely has.
    pub fn standard(links: crate::startup::AppLinks) -> Self {
        let mut registry = Registry::default();
        registry.register(
            crate::collections::run::JOB_KIND,
            crate::collections::run::DunningRun {
                links: links.clone(),
            },
        );
        registry.register(
            crate::analytics::kpis::SNAPSHOT_JOB,
            crate::analytics::kpis::Snapshot { links },
        );
        // 22:00 UTC: 6:00 in China, after its day closed: yesterday's KPI snapshot, ratings and
        // the risk scan, before anyone starts work.
        registry.daily(
            crate::analytics::kpis::SNAPSHOT_JOB,
            NaiveTime::from_hms_opt(22, 0, 0).unwrap_or(NaiveTime::MIN),
        );
        registry.register(housekeeping::KIND, housekeeping::Housekeeping);
        registry.register(
            crate::collections::promises::JOB_KIND,
            crate::collections::promises::EvaluatePromises,
        );
        // 23:00 UTC: early morning in China, before collectors start their day.
        registry.daily(
            crate::collections::promises::JOB_KIND,
            NaiveTime::from_hms_opt(23, 0, 0).unwrap_or(NaiveTime::MIN),
        );
        // 03:00 UTC: night in China and in most of Europe.
        registry.daily(
            housekeeping::KIND,
            NaiveTime::from_hms_opt(3, 0, 0).unwrap_or(NaiveTime::MIN),
        );
        registry
    }

    pub fn register(&mut self, kind: &'static str, handler: impl JobHandler) -> &mut Self {
        self.handlers.insert(kind, Arc::new(handler));
        self
    }

    pub fn daily(&mut self, kind: &'static str, at_utc: NaiveTime) -> &mut Self {
        self.daily.push(Daily { kind, at_utc });
        self
    }

    pub fn handles(&self, kind: &str) -> bool {
        self.handlers.contains_key(kind)
    }

    fn kinds(&self) -> String {
        let mut kinds: Vec<&str> = self.handlers.keys().copied().collect();
        kinds.sort_unstable();
        kinds.join(",")
    }
}

/// Enqueues today's occurrence of every daily job (a no-op when it exists). Returns how many
/// were new.
pub async fn schedule_daily(
    db: &DatabaseConnection,
    registry: &Registry,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let mut created = 0;
    for daily in &registry.daily {
        let day = now.date_naive();
        let job = NewJob {
            run_at: Some(day.and_time(daily.at_utc).and_utc()),
            dedupe_key: Some(format!("{}:{day}", daily.kind)),
            ..NewJob::new(daily.kind)
        };
        if enqueue(db, job).await?.is_some() {
            created += 1;
        }
    }
    Ok(created)
}

/// Claims due jobs, runs them and records the outcome. Returns how many succeeded.
pub async fn run_due(db: &DatabaseConnection, registry: &Registry) -> Result<usize, DbErr> {
    let claimed = ClaimedJob::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.jobs SET locked_until = now() + make_interval(secs => $1), attempts = attempts + 1
         WHERE id IN (
             SELECT id FROM public.jobs
             WHERE finished_at IS NULL AND run_at <= now() AND attempts < max_attempts
               AND (locked_until IS NULL OR locked_until < now())
               AND kind = ANY (string_to_array($2, ','))
             ORDER BY run_at LIMIT $3
             FOR UPDATE SKIP LOCKED)
         RETURNING id, kind, tenant_id, payload, attempts, max_attempts",
        [
            LEASE.as_secs_f64().into(),
            registry.kinds().into(),
            BATCH.into(),
        ],
    ))
    .all(db)
    .await?;
    let mut succeeded = 0;
    for job in claimed {
        let Some(handler) = registry.handlers.get(job.kind.as_str()) else {
            continue;
        };
        let outcome = match tokio::time::timeout(LEASE, handler.run(db, &job)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(anyhow::anyhow!(
                "did not finish within its {} s lease",
                LEASE.as_secs()
            )),
        };
        match outcome {
            Ok(()) => {
                succeeded += 1;
                metrics::counter!("duely_jobs_total", "kind" => job.kind.clone(), "outcome" => "done").increment(1);
                db.execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "UPDATE public.jobs SET finished_at = now(), locked_until = NULL, last_error = NULL
                     WHERE id = $1",
                    [job.id.into()],
                ))
                .await?;
            }
            Err(error) => {
                let dead = job.attempts >= job.max_attempts;
                metrics::counter!("duely_jobs_total", "kind" => job.kind.clone(), "outcome" => if dead { "dead" } else { "retry" }).increment(1);
                if dead {
                    tracing::error!(job_id = %job.id, kind = %job.kind, attempts = job.attempts, error = %error, "job failed for the last time");
                } else {
                    tracing::warn!(job_id = %job.id, kind = %job.kind, attempts = job.attempts, error = %error, "job failed; will retry");
                }
                db.execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "UPDATE public.jobs SET locked_until = NULL, last_error = $2,
                         run_at = now() + make_interval(secs => $3)
                     WHERE id = $1",
                    [
                        job.id.into(),
                        format!("{error:#}").into(),
                        backoff(job.attempts).as_secs_f64().into(),
                    ],
                ))
                .await?;
            }
        }
    }
    Ok(succeeded)
}

/// 30 s after the first failure, doubling, capped at six hours.
pub fn backoff(attempts: i32) -> Duration {
    let exponent = attempts.saturating_sub(1).clamp(0, 16) as u32;
    Duration::from_secs((30u64 << exponent).min(6 * 3600))
}

/// Runs due jobs every second and the daily scheduler every minute, until `stop` flips.
pub async fn run_worker(
    db: DatabaseConnection,
    registry: Registry,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut last_scheduled: Option<tokio::time::Instant> = None;
    loop {
        if last_scheduled.is_none_or(|at| at.elapsed() >= SCHEDULE_EVERY) {
            last_scheduled = Some(tokio::time::Instant::now());
            if let Err(error) = schedule_daily(&db, &registry, Utc::now()).await {
                tracing::warn!(error = %error, "job scheduler: round failed");
            }
            // Dunning runs at an hour of each company's own day: scheduled per company.
            if registry.handles(crate::collections::run::JOB_KIND)
                && let Err(error) = crate::collections::run::schedule(&db, Utc::now()).await
            {
                tracing::warn!(error = %error, "dunning scheduler: round failed");
            }
        }
        if let Err(error) = run_due(&db, &registry).await {
            tracing::warn!(error = %error, "job queue: round failed");
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL_EVERY) => {}
            _ = stop.wait_for(|stop| *stop) => return,
        }
    }
}

/// Forgets what no one needs any more: expired sessions, old invitations, delivered email and
/// finished jobs. Business data is never touched.
pub mod housekeeping {
    use super::{ClaimedJob, JobHandler};
    use sea_orm::{ConnectionTrait, DatabaseConnection};

    pub const KIND: &str = "housekeeping";

    const STATEMENTS: [(&str, &str); 4] = [
        (
            "refresh tokens",
            "DELETE FROM public.refresh_tokens WHERE expires_at < now() - interval '30 days'",
        ),
        (
            "invitations",
            "DELETE FROM public.invitations
             WHERE coalesce(accepted_at, revoked_at, expires_at) < now() - interval '90 days'",
        ),
        (
            "sent email",
            "DELETE FROM public.email_outbox WHERE sent_at < now() - interval '90 days'",
        ),
        (
            "finished jobs",
            "DELETE FROM public.jobs WHERE finished_at < now() - interval '30 days'",
        ),
    ];

    pub struct Housekeeping;

    #[async_trait::async_trait]
    impl JobHandler for Housekeeping {
        async fn run(&self, db: &DatabaseConnection, _job: &ClaimedJob) -> anyhow::Result<()> {
            for (what, sql) in STATEMENTS {
                let deleted = db.execute_unprepared(sql).await?.rows_affected();
                if deleted > 0 {
                    tracing::info!(what, deleted, "housekeeping");
                }
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_thirty_seconds_and_stops_at_six_hours() {
        assert_eq!(backoff(1), Duration::from_secs(30));
        assert_eq!(backoff(2), Duration::from_secs(60));
        assert_eq!(backoff(5), Duration::from_secs(480));
        assert_eq!(backoff(30), Duration::from_secs(6 * 3600));
        assert_eq!(backoff(0), Duration::from_secs(30));
    }

    #[test]
    fn the_standard_registry_claims_only_its_own_kinds() {
        let registry = Registry::standard(crate::startup::AppLinks {
            public_url: "http://localhost".to_owned(),
        });
        assert_eq!(
            registry.kinds(),
            "analytics.snapshot,dunning.run,housekeeping,promises.evaluate"
        );
        assert_eq!(registry.daily.len(), 3);
    }
}
