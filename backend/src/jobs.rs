//! The job queue (DESIGN.md §5): background work that must happen exactly once in effect.
//!
//! Jobs live in `public.jobs`. Work is enqueued inside the transaction of the change that causes
//! it (or by the scheduler), optionally with a `dedupe_key`, so "the dunning run of company C on
//! day D" exists at most once however often it is asked for.
//!
//! A worker claims one job at a time with `FOR UPDATE SKIP LOCKED`, taking a lease
//! (`locked_until`) and a fresh attempt token (`lease_token`). While the handler runs, the lease
//! is renewed; a worker that dies lets it lapse and another replica takes the job again, with a
//! new token. Renewing, completing and failing all name the token, so a worker that lost its
//! lease (paused, partitioned) changes nothing when it finishes late: its renewal fails and its
//! handler is stopped, or its outcome is discarded. Handlers are therefore idempotent. A failed
//! job is retried with exponential backoff until `max_attempts`, then stays in the table,
//! unfinished, with its last error, for a person to look at.
//!
//! Daily work is one job per company per day for each task (`PerCompany`), so a failing
//! company fails alone and is retried alone, and no job's length grows with the number of
//! companies.
//!
//! A replica only claims the kinds it has handlers for, so during a rolling deploy old replicas
//! leave new kinds to new ones.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, FromQueryResult, Statement};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

const POLL_EVERY: Duration = Duration::from_secs(1);
const SCHEDULE_EVERY: Duration = Duration::from_secs(60);
/// Jobs one round runs at most before the worker looks at the clock and the stop signal again.
const ROUND: usize = 10;
/// How long a claim holds without renewal; a running handler renews it every third of it.
pub const LEASE: Duration = Duration::from_secs(60);
/// The longest one handler may run, renewals included, before it is stopped and retried.
pub const MAX_RUN: Duration = Duration::from_secs(30 * 60);

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

    /// The job of `kind` for one company's `date`: at most one exists.
    pub fn for_company_day(kind: &'static str, tenant: Uuid, date: NaiveDate) -> Self {
        NewJob {
            tenant_id: Some(tenant),
            payload: serde_json::json!({ "date": date.to_string() }),
            dedupe_key: Some(format!("{kind}:{tenant}:{date}")),
            ..NewJob::new(kind)
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

/// Puts `job` on the queue from inside a tenant transaction, atomically with the tenant's
/// change (the queue is in the control plane; see `email::enqueue_in_tenant`).
pub async fn enqueue_in_tenant(
    tx: &crate::db::TenantTx,
    job: NewJob,
) -> Result<Option<Uuid>, DbErr> {
    crate::email::step_out_of_tenant_role(tx).await?;
    let id = enqueue(&**tx, job).await?;
    crate::email::step_back_into_tenant_role(tx).await?;
    Ok(id)
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
    /// This attempt's token: only its holder may renew, complete or fail the job.
    pub lease_token: Uuid,
    /// The queue's clock when it was claimed ([`run_due_at`]'s `now`): what a handler counts
    /// retries and lapses from, so tests can move it.
    pub queue_now: DateTime<Utc>,
}

impl ClaimedJob {
    /// The company a per-company job is for.
    pub fn tenant(&self) -> anyhow::Result<domain::TenantId> {
        self.tenant_id
            .map(domain::TenantId::from_uuid)
            .ok_or_else(|| anyhow::anyhow!("a {} job needs a company", self.kind))
    }

    /// The company's day a per-company job is for (`payload.date`).
    pub fn date(&self) -> anyhow::Result<NaiveDate> {
        Ok(self
            .payload
            .get("date")
            .and_then(|date| date.as_str())
            .ok_or_else(|| anyhow::anyhow!("a {} job needs a date", self.kind))?
            .parse()?)
    }
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

/// When in a company's own day its daily job of a kind falls due.
#[derive(Clone, Copy, Debug)]
pub enum LocalHour {
    Fixed(u8),
    /// The hour the company chose for its dunning run (`tenants.dunning_hour`).
    DunningHour,
}

/// A job that recurs daily for every active company, at an hour of the company's own day, with
/// the company's date in its payload and dedupe key.
#[derive(Clone, Copy, Debug)]
pub struct PerCompany {
    pub kind: &'static str,
    pub at: LocalHour,
}

/// The handlers (and daily schedules) this replica runs.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<&'static str, Arc<dyn JobHandler>>,
    daily: Vec<Daily>,
    per_company: Vec<PerCompany>,
    /// The lease of a claim, [`LEASE`] unless set (tests shorten it).
    lease: Option<Duration>,
}

impl Registry {
    /// Every kind of job Duely has.
    pub fn standard(links: crate::startup::AppLinks) -> Self {
        use crate::analytics::jobs as analytics;
        use crate::collections::service::{promises, run};
        let mut registry = Registry::default();
        registry.register(
            run::JOB_KIND,
            run::DunningRun {
                links: links.clone(),
            },
        );
        registry.per_company(run::JOB_KIND, LocalHour::DunningHour);
        // 06:00 of the company's day, after its yesterday closed: the KPI snapshot, and the
        // ratings, whose job then asks for the risk scan, whose job asks for the digest.
        registry.register(analytics::SNAPSHOT_JOB, analytics::Snapshot);
        registry.per_company(analytics::SNAPSHOT_JOB, LocalHour::Fixed(6));
        registry.register(analytics::RATINGS_JOB, analytics::Ratings);
        registry.per_company(analytics::RATINGS_JOB, LocalHour::Fixed(6));
        registry.register(analytics::RISK_JOB, analytics::RiskScan);
        registry.register(
            analytics::DIGEST_JOB,
            analytics::Digest {
                links: links.clone(),
            },
        );
        registry.register(
            crate::identity::service::accounts::RESET_JOB,
            crate::identity::service::accounts::PasswordResetEmail {
                links: links.clone(),
            },
        );
        // 07:00: promises are judged before collectors start their day and before dunning.
        registry.register(promises::JOB_KIND, promises::EvaluatePromises);
        registry.per_company(promises::JOB_KIND, LocalHour::Fixed(7));
        // 01:00: requests left undecided past their expiry day end EXPIRED.
        registry.register(
            crate::approvals::service::EXPIRE_JOB,
            crate::approvals::service::ExpireRequests,
        );
        registry.per_company(crate::approvals::service::EXPIRE_JOB, LocalHour::Fixed(1));
        // Approval emails: at once when a request or a decision asks, and a digest at 09:00.
        registry.register(
            crate::approval_gate::NOTIFY_JOB,
            crate::approvals::notify::Notify {
                links: links.clone(),
            },
        );
        registry.register(
            crate::approvals::notify::DIGEST_JOB,
            crate::approvals::notify::Digest {
                links: links.clone(),
            },
        );
        registry.per_company(crate::approvals::notify::DIGEST_JOB, LocalHour::Fixed(9));
        // Cash application: an import's lines matched, or an account's again after an apply.
        registry.register(
            crate::banking::service::matching::JOB_KIND,
            crate::banking::service::matching::MatchBankLines,
        );
        // Webhooks: one attempt of one delivery per job.
        let allow_private = links.environment == crate::config::Environment::Development;
        match crate::webhooks::delivery::Sender::new(allow_private) {
            Ok(sender) => {
                registry.register(
                    crate::webhooks::delivery::JOB_KIND,
                    crate::webhooks::delivery::Deliver {
                        sealer: links.sealer.clone(),
                        sender,
                        public_url: links.public_url.clone(),
                    },
                );
            }
            // Another replica sends them meanwhile; this one says why it does not.
            Err(error) => {
                tracing::error!(error = %error, "webhooks: no HTTP client; this replica sends none")
            }
        }
        // SMS and WeChat Work: one send per job; WeChat Work messages checked until confirmed.
        match crate::messaging::providers::client() {
            Ok(client) => {
                use crate::messaging::send::{CHECK_JOB, Check, Messenger, SEND_JOB, Send};
                let messenger = Messenger {
                    sealer: links.sealer.clone(),
                    endpoints: links.messaging.clone(),
                    client,
                };
                registry.register(SEND_JOB, Send(messenger.clone()));
                registry.register(CHECK_JOB, Check(messenger));
            }
            Err(error) => {
                tracing::error!(error = %error, "messaging: no HTTP client; this replica sends none")
            }
        }
        // 03:00 of the company's day: the delivery log older than LOG_KEPT_DAYS goes.
        registry.register(
            crate::webhooks::retention::JOB_KIND,
            crate::webhooks::retention::Prune,
        );
        registry.per_company(crate::webhooks::retention::JOB_KIND, LocalHour::Fixed(3));
        registry.register(housekeeping::KIND, housekeeping::Housekeeping);
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

    pub fn per_company(&mut self, kind: &'static str, at: LocalHour) -> &mut Self {
        self.per_company.push(PerCompany { kind, at });
        self
    }

    /// Claims hold for `lease` and are renewed every third of it.
    pub fn with_lease(&mut self, lease: Duration) -> &mut Self {
        self.lease = Some(lease);
        self
    }

    fn lease(&self) -> Duration {
        self.lease.unwrap_or(LEASE)
    }

    pub fn handles(&self, kind: &str) -> bool {
        self.handlers.contains_key(kind)
    }

    fn kinds(&self) -> Vec<String> {
        let mut kinds: Vec<String> = self
            .handlers
            .keys()
            .map(|kind| (*kind).to_owned())
            .collect();
        kinds.sort_unstable();
        kinds
    }
}

/// Enqueues today's occurrence of every daily job (a no-op when it exists), and each company's
/// per-company jobs whose hour has come in its own day. Returns how many were new.
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
    for per_company in &registry.per_company {
        created += schedule_per_company(db, *per_company, now).await? as usize;
    }
    Ok(created)
}

/// One statement for all companies: each active, writable company whose hour has come in its
/// own time zone gets the day's job of `kind`, once (the dedupe key names company and day).
pub async fn schedule_per_company(
    db: &DatabaseConnection,
    per_company: PerCompany,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let hour = match per_company.at {
        LocalHour::Fixed(hour) => hour.min(23).to_string(),
        LocalHour::DunningHour => "t.dunning_hour".to_owned(),
    };
    Ok(db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            // The company's day is the development clock's while it is set (`crate::clock`).
            format!(
                "INSERT INTO public.jobs (id, kind, tenant_id, payload, run_at, dedupe_key)
                 SELECT gen_random_uuid(), $1, t.id, jsonb_build_object('date', d.day::text),
                        $2::timestamptz, $1 || ':' || t.id || ':' || d.day
                 FROM public.tenants t
                 CROSS JOIN LATERAL (SELECT coalesce({clock}, ($2::timestamptz AT TIME ZONE t.time_zone)::date) AS day) d
                 WHERE t.status = 'ACTIVE'
                   AND extract(hour FROM $2::timestamptz AT TIME ZONE t.time_zone) >= {hour}
                   -- A read-only company (subscription ended past its grace) has no daily work.
                   AND NOT EXISTS (SELECT 1 FROM public.subscriptions s
                                   WHERE s.tenant_id = t.id AND s.read_only_from <= $2::timestamptz)
                 ON CONFLICT ON CONSTRAINT jobs_dedupe_key DO NOTHING",
                clock = crate::clock::today_sql("t.id")
            ),
            [per_company.kind.into(), now.into()],
        ))
        .await?
        .rows_affected())
}

/// Claims the due job that has waited longest, with a fresh lease and attempt token.
async fn claim_one(
    db: &DatabaseConnection,
    registry: &Registry,
    now: DateTime<Utc>,
) -> Result<Option<ClaimedJob>, DbErr> {
    ClaimedJob::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.jobs SET locked_until = now() + make_interval(secs => $1),
                attempts = attempts + 1, lease_token = gen_random_uuid()
         WHERE id = (
             SELECT id FROM public.jobs
             WHERE finished_at IS NULL AND run_at <= $3 AND attempts < max_attempts
               AND (locked_until IS NULL OR locked_until < now())
               AND kind = ANY ($2::text[])
             ORDER BY run_at LIMIT 1
             FOR UPDATE SKIP LOCKED)
         RETURNING id, kind, tenant_id, payload, attempts, max_attempts, lease_token,
                   $3::timestamptz AS queue_now",
        [
            registry.lease().as_secs_f64().into(),
            registry.kinds().into(),
            now.into(),
        ],
    ))
    .one(db)
    .await
}

/// Extends the lease while its token still holds it; `false` once another attempt took it.
async fn renew(db: &DatabaseConnection, job: &ClaimedJob, lease: Duration) -> Result<bool, DbErr> {
    Ok(db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE public.jobs SET locked_until = now() + make_interval(secs => $3)
             WHERE id = $1 AND lease_token = $2 AND finished_at IS NULL",
            [
                job.id.into(),
                job.lease_token.into(),
                lease.as_secs_f64().into(),
            ],
        ))
        .await?
        .rows_affected()
        == 1)
}

/// Runs the handler while renewing the lease. Stops it when the lease is lost (another worker
/// has the job now) or after [`MAX_RUN`].
async fn run_holding_lease(
    db: &DatabaseConnection,
    handler: &dyn JobHandler,
    job: &ClaimedJob,
    lease: Duration,
) -> Result<anyhow::Result<()>, LeaseLost> {
    let renewing = async {
        loop {
            tokio::time::sleep(lease / 3).await;
            match renew(db, job, lease).await {
                Ok(true) => {}
                Ok(false) => return LeaseLost,
                // A passing database fault: the lease still has two thirds to run.
                Err(error) => {
                    tracing::warn!(job_id = %job.id, error = %error, "job lease not renewed")
                }
            }
        }
    };
    tokio::select! {
        outcome = tokio::time::timeout(MAX_RUN, handler.run(db, job)) => Ok(outcome.unwrap_or_else(|_| {
            Err(anyhow::anyhow!("did not finish within {} s", MAX_RUN.as_secs()))
        })),
        lost = renewing => Err(lost),
    }
}

/// Another attempt holds the job now.
#[derive(Debug)]
struct LeaseLost;

/// Claims due jobs one at a time, runs each and records its outcome. Returns how many succeeded.
pub async fn run_due(db: &DatabaseConnection, registry: &Registry) -> Result<usize, DbErr> {
    run_due_at(db, registry, Utc::now()).await
}

/// [`run_due`] with the queue's clock at `now`: what is due by then runs, and a failure's retry
/// is scheduled from then. Leases always use the database's own clock.
pub async fn run_due_at(
    db: &DatabaseConnection,
    registry: &Registry,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let mut succeeded = 0;
    for _ in 0..ROUND {
        match run_next(db, registry, now).await? {
            None => break,
            Some(true) => succeeded += 1,
            Some(false) => {}
        }
    }
    Ok(succeeded)
}

/// Claims and runs the next due job: `None` when nothing is due, else whether it completed.
async fn run_next(
    db: &DatabaseConnection,
    registry: &Registry,
    now: DateTime<Utc>,
) -> Result<Option<bool>, DbErr> {
    let Some(job) = claim_one(db, registry, now).await? else {
        return Ok(None);
    };
    let Some(handler) = registry.handlers.get(job.kind.as_str()) else {
        return Ok(Some(false));
    };
    let outcome = match run_holding_lease(db, handler.as_ref(), &job, registry.lease()).await {
        Ok(outcome) => outcome,
        Err(LeaseLost) => {
            tracing::warn!(job_id = %job.id, kind = %job.kind, "job lease taken over; stopped this attempt");
            return Ok(Some(false));
        }
    };
    record(db, &job, outcome, now).await.map(Some)
}

/// Records the outcome if this attempt still holds the job; `true` when it completed it.
async fn record(
    db: &DatabaseConnection,
    job: &ClaimedJob,
    outcome: anyhow::Result<()>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let (statement, label) = match &outcome {
        Ok(()) => (
            Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE public.jobs SET finished_at = now(), locked_until = NULL, last_error = NULL
                 WHERE id = $1 AND lease_token = $2 AND finished_at IS NULL",
                [job.id.into(), job.lease_token.into()],
            ),
            "done",
        ),
        Err(error) => {
            let dead = job.attempts >= job.max_attempts;
            let statement = Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE public.jobs SET locked_until = NULL, last_error = $3,
                     run_at = $4::timestamptz + make_interval(secs => $5)
                 WHERE id = $1 AND lease_token = $2 AND finished_at IS NULL",
                [
                    job.id.into(),
                    job.lease_token.into(),
                    format!("{error:#}").into(),
                    now.into(),
                    backoff(job.attempts).as_secs_f64().into(),
                ],
            );
            (statement, if dead { "dead" } else { "retry" })
        }
    };
    let held = db.execute_raw(statement).await?.rows_affected() == 1;
    if !held {
        tracing::warn!(job_id = %job.id, kind = %job.kind, "job finished after its lease was taken over; its outcome is discarded");
        return Ok(false);
    }
    metrics::counter!("duely_jobs_total", "kind" => job.kind.clone(), "outcome" => label)
        .increment(1);
    match outcome {
        Ok(()) => Ok(true),
        Err(error) => {
            if label == "dead" {
                tracing::error!(job_id = %job.id, kind = %job.kind, tenant = ?job.tenant_id, attempts = job.attempts, error = %error, "job failed for the last time");
            } else {
                tracing::warn!(job_id = %job.id, kind = %job.kind, tenant = ?job.tenant_id, attempts = job.attempts, error = %error, "job failed; will retry");
            }
            Ok(false)
        }
    }
}

/// 30 s after the first failure, doubling, capped at six hours.
pub fn backoff(attempts: i32) -> Duration {
    let exponent = attempts.saturating_sub(1).clamp(0, 16) as u32;
    Duration::from_secs((30u64 << exponent).min(6 * 3600))
}

/// Runs due jobs every second and the daily scheduler every minute, until `stop` flips. A job
/// in hand when it flips is finished (the caller bounds how long it waits for that).
pub async fn run_worker(
    db: DatabaseConnection,
    registry: Registry,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut last_scheduled: Option<tokio::time::Instant> = None;
    loop {
        if *stop.borrow() {
            return;
        }
        if last_scheduled.is_none_or(|at| at.elapsed() >= SCHEDULE_EVERY) {
            last_scheduled = Some(tokio::time::Instant::now());
            if let Err(error) = schedule_daily(&db, &registry, Utc::now()).await {
                tracing::warn!(error = %error, "job scheduler: round failed");
            }
        }
        // One job at a time, looking at the stop signal between jobs.
        for _ in 0..ROUND {
            if *stop.borrow() {
                return;
            }
            match run_next(&db, &registry, Utc::now()).await {
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(error) => {
                    tracing::warn!(error = %error, "job queue: round failed");
                    break;
                }
            }
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
            sealer: crate::secrets::Sealer::from_hex(&"11".repeat(32).into()).unwrap(),
            environment: crate::config::Environment::Development,
            messaging: Default::default(),
        });
        assert_eq!(
            registry.kinds().join(","),
            "analytics.digest,analytics.ratings,analytics.risk,analytics.snapshot,approvals.digest,approvals.expire,approvals.notify,bank.match,dunning.run,housekeeping,identity.password_reset,messages.send,messages.wecom_check,promises.evaluate,webhooks.deliver,webhooks.prune"
        );
        // Housekeeping is global; every company's daily task is a job of its own.
        assert_eq!(registry.daily.len(), 1);
        let per_company: Vec<&str> = registry.per_company.iter().map(|job| job.kind).collect();
        assert_eq!(
            per_company,
            [
                "dunning.run",
                "analytics.snapshot",
                "analytics.ratings",
                "promises.evaluate",
                "approvals.expire",
                "approvals.digest",
                "webhooks.prune"
            ]
        );
    }
}
