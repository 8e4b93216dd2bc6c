//! The job queue against a real PostgreSQL: deduplication, retries with backoff, dead jobs,
//! leases that lapse, two workers racing, and the daily scheduler.

use crate::helpers::{count, fresh_database, spawn_app};
use chrono::{TimeZone, Utc};
use duely_backend::jobs::{self, ClaimedJob, JobHandler, NewJob, Registry};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// Records every run; fails a job's first `fail_first` attempts.
#[derive(Clone, Default)]
struct Recorder {
    runs: Arc<Mutex<Vec<Uuid>>>,
    fail_first: i32,
}

#[async_trait::async_trait]
impl JobHandler for Recorder {
    async fn run(&self, _db: &DatabaseConnection, job: &ClaimedJob) -> anyhow::Result<()> {
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        self.runs.lock().unwrap().push(job.id);
        if job.attempts <= self.fail_first {
            anyhow::bail!("the far side is down (attempt {})", job.attempts);
        }
        Ok(())
    }
}

async fn database() -> DatabaseConnection {
    Database::connect(fresh_database().await).await.unwrap()
}

fn registry_with(handler: Recorder) -> Registry {
    let mut registry = Registry::default();
    registry.register("test.record", handler);
    registry
}

async fn enqueue(db: &DatabaseConnection, dedupe_key: Option<&str>) -> Option<Uuid> {
    jobs::enqueue(
        db,
        NewJob {
            dedupe_key: dedupe_key.map(str::to_owned),
            ..NewJob::new("test.record")
        },
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn a_dedupe_key_lets_a_job_exist_once() {
    let db = database().await;
    assert!(enqueue(&db, Some("dunning:t1:2026-11-23")).await.is_some());
    assert!(enqueue(&db, Some("dunning:t1:2026-11-23")).await.is_none());
    assert!(enqueue(&db, Some("dunning:t1:2026-11-24")).await.is_some());
    assert_eq!(count(&db, "SELECT count(*) FROM public.jobs").await, 2);
}

#[tokio::test]
async fn a_failing_job_is_retried_with_backoff_and_then_finishes() {
    let db = database().await;
    let recorder = Recorder {
        fail_first: 1,
        ..Recorder::default()
    };
    let registry = registry_with(recorder.clone());
    let id = enqueue(&db, None).await.unwrap();

    assert_eq!(jobs::run_due(&db, &registry).await.unwrap(), 0);
    let waiting = format!(
        "SELECT count(*) FROM public.jobs WHERE id = '{id}' AND finished_at IS NULL AND attempts = 1
           AND last_error LIKE '%far side is down%' AND locked_until IS NULL
           AND run_at BETWEEN now() + interval '25 seconds' AND now() + interval '35 seconds'"
    );
    assert_eq!(count(&db, &waiting).await, 1);
    // Not due yet: nothing runs.
    assert_eq!(jobs::run_due(&db, &registry).await.unwrap(), 0);
    assert_eq!(recorder.runs.lock().unwrap().len(), 1);

    db.execute_unprepared(&format!(
        "UPDATE public.jobs SET run_at = now() WHERE id = '{id}'"
    ))
    .await
    .unwrap();
    assert_eq!(jobs::run_due(&db, &registry).await.unwrap(), 1);
    let done = format!(
        "SELECT count(*) FROM public.jobs WHERE id = '{id}' AND finished_at IS NOT NULL
           AND attempts = 2 AND last_error IS NULL"
    );
    assert_eq!(count(&db, &done).await, 1);
}

#[tokio::test]
async fn a_job_out_of_attempts_stays_unfinished_with_its_error_and_is_not_claimed_again() {
    let db = database().await;
    let recorder = Recorder {
        fail_first: 99,
        ..Recorder::default()
    };
    let registry = registry_with(recorder.clone());
    let id = enqueue(&db, None).await.unwrap();
    db.execute_unprepared("UPDATE public.jobs SET max_attempts = 1")
        .await
        .unwrap();
    jobs::run_due(&db, &registry).await.unwrap();
    db.execute_unprepared("UPDATE public.jobs SET run_at = now()")
        .await
        .unwrap();
    jobs::run_due(&db, &registry).await.unwrap();
    assert_eq!(recorder.runs.lock().unwrap().len(), 1);
    let dead = format!(
        "SELECT count(*) FROM public.jobs WHERE id = '{id}' AND finished_at IS NULL
           AND attempts = 1 AND last_error LIKE '%attempt 1%'"
    );
    assert_eq!(count(&db, &dead).await, 1);
}

#[tokio::test]
async fn a_job_whose_worker_died_is_taken_over_when_its_lease_lapses() {
    let db = database().await;
    let recorder = Recorder::default();
    let registry = registry_with(recorder.clone());
    let id = enqueue(&db, None).await.unwrap();
    // Another worker claimed it and vanished: its lease is still running.
    db.execute_unprepared(&format!(
        "UPDATE public.jobs SET attempts = 1, locked_until = now() + interval '1 minute' WHERE id = '{id}'"
    ))
    .await
    .unwrap();
    assert_eq!(jobs::run_due(&db, &registry).await.unwrap(), 0);
    db.execute_unprepared(&format!(
        "UPDATE public.jobs SET locked_until = now() - interval '1 second' WHERE id = '{id}'"
    ))
    .await
    .unwrap();
    assert_eq!(jobs::run_due(&db, &registry).await.unwrap(), 1);
    assert_eq!(*recorder.runs.lock().unwrap(), vec![id]);
}

#[tokio::test]
async fn two_workers_racing_run_every_job_exactly_once() {
    let db = database().await;
    let recorder = Recorder::default();
    let registry = registry_with(recorder.clone());
    for _ in 0..40 {
        enqueue(&db, None).await.unwrap();
    }
    let worker = |db: DatabaseConnection, registry: Registry| async move {
        while jobs::run_due(&db, &registry).await.unwrap() > 0 {}
    };
    tokio::join!(
        worker(db.clone(), registry.clone()),
        worker(db.clone(), registry.clone())
    );
    let mut runs = recorder.runs.lock().unwrap().clone();
    assert_eq!(runs.len(), 40);
    runs.sort();
    runs.dedup();
    assert_eq!(runs.len(), 40, "a job ran twice");
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM public.jobs WHERE finished_at IS NULL"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn jobs_of_a_kind_this_replica_does_not_know_are_left_alone() {
    let db = database().await;
    jobs::enqueue(&db, NewJob::new("from.a.newer.release"))
        .await
        .unwrap();
    assert_eq!(
        jobs::run_due(&db, &registry_with(Recorder::default()))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM public.jobs WHERE attempts = 0 AND locked_until IS NULL"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn the_daily_scheduler_enqueues_each_day_once() {
    let db = database().await;
    let registry = Registry::standard(duely_backend::startup::AppLinks {
        public_url: "http://localhost".to_owned(),
        sealer: duely_backend::secrets::Sealer::from_hex(&"5a".repeat(32).into()).unwrap(),
        environment: duely_backend::config::Environment::Development,
        messaging: crate::helpers::messaging_endpoints(),
    });
    let morning = Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap();
    let evening = Utc.with_ymd_and_hms(2026, 11, 23, 22, 0, 0).unwrap();
    let next_day = Utc.with_ymd_and_hms(2026, 11, 24, 0, 5, 0).unwrap();
    // No company yet: housekeeping alone, once a day.
    assert_eq!(
        jobs::schedule_daily(&db, &registry, morning).await.unwrap(),
        1
    );
    assert_eq!(
        jobs::schedule_daily(&db, &registry, evening).await.unwrap(),
        0
    );
    assert_eq!(
        jobs::schedule_daily(&db, &registry, next_day)
            .await
            .unwrap(),
        1
    );
    // A company gets each daily task as a job of its own once its hour comes in its own day
    // (Asia/Shanghai): approval expiry at 01:00, the webhook log's pruning at 03:00, the
    // snapshot and ratings at 06:00, promises at 07:00, dunning at 08:00, the approval digest
    // at 09:00.
    let tenant = crate::helpers::create_tenant(&db, "Daily").await;
    let at_shanghai = |hour: u32| {
        chrono::FixedOffset::east_opt(8 * 3600)
            .unwrap()
            .with_ymd_and_hms(2026, 11, 24, hour, 30, 0)
            .unwrap()
            .with_timezone(&Utc)
    };
    assert_eq!(
        jobs::schedule_daily(&db, &registry, at_shanghai(6))
            .await
            .unwrap(),
        4
    );
    assert_eq!(
        jobs::schedule_daily(&db, &registry, at_shanghai(9))
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        jobs::schedule_daily(&db, &registry, at_shanghai(10))
            .await
            .unwrap(),
        0
    );
    let per_company = format!(
        "SELECT count(*) FROM public.jobs WHERE tenant_id = '{tenant}'
           AND payload->>'date' = '2026-11-24' AND dedupe_key LIKE kind || ':{tenant}:2026-11-24'"
    );
    assert_eq!(count(&db, &per_company).await, 7);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM public.jobs WHERE kind = 'housekeeping'
               AND run_at IN ('2026-11-23 03:00:00+00', '2026-11-24 03:00:00+00')"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn housekeeping_forgets_expired_sessions_and_keeps_live_ones() {
    let app = spawn_app().await;
    app.sign_up("Acme", &app.email("owner")).await;
    app.sign_up("Brightline", &app.email("other")).await;
    // One session ended long ago; the other is live.
    app.db
        .execute_unprepared(
            "UPDATE public.refresh_tokens SET expires_at = now() - interval '40 days'
             WHERE id = (SELECT id FROM public.refresh_tokens ORDER BY created_at LIMIT 1)",
        )
        .await
        .unwrap();
    let id = jobs::enqueue(&app.db, NewJob::new(jobs::housekeeping::KIND))
        .await
        .unwrap()
        .unwrap();
    jobs::run_due(
        &app.db,
        &Registry::standard(duely_backend::startup::AppLinks {
            public_url: "http://localhost".to_owned(),
            sealer: duely_backend::secrets::Sealer::from_hex(&"5a".repeat(32).into()).unwrap(),
            environment: duely_backend::config::Environment::Development,
            messaging: crate::helpers::messaging_endpoints(),
        }),
    )
    .await
    .unwrap();
    // The app's own worker may have claimed the job first; wait for whichever runs it.
    let finished =
        format!("SELECT count(*) FROM public.jobs WHERE id = '{id}' AND finished_at IS NOT NULL");
    for _ in 0..100 {
        if count(&app.db, &finished).await == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(count(&app.db, &finished).await, 1);
    assert_eq!(
        count(&app.db, "SELECT count(*) FROM public.refresh_tokens").await,
        1
    );
}

/// Holds its first attempt until released, then fails it; later attempts succeed at once.
#[derive(Clone, Default)]
struct Gate {
    attempts: Arc<Mutex<Vec<i32>>>,
    started: Arc<tokio::sync::Notify>,
    release: Arc<tokio::sync::Notify>,
}

#[async_trait::async_trait]
impl JobHandler for Gate {
    async fn run(&self, _db: &DatabaseConnection, job: &ClaimedJob) -> anyhow::Result<()> {
        self.attempts.lock().unwrap().push(job.attempts);
        if job.attempts == 1 {
            self.started.notify_one();
            self.release.notified().await;
            anyhow::bail!("the first attempt failed, late");
        }
        Ok(())
    }
}

#[tokio::test]
async fn a_late_finisher_whose_lease_was_taken_over_changes_nothing() {
    let db = database().await;
    let gate = Gate::default();
    let mut registry = Registry::default();
    registry.register("test.gate", gate.clone());
    let id = jobs::enqueue(&db, NewJob::new("test.gate"))
        .await
        .unwrap()
        .unwrap();
    let first = tokio::spawn({
        let (db, registry) = (db.clone(), registry.clone());
        async move { jobs::run_due(&db, &registry).await.unwrap() }
    });
    gate.started.notified().await;
    // The first worker stalls past its lease (a pause, a partition): the lease lapses and a
    // second worker takes the job and completes it.
    db.execute_unprepared(&format!(
        "UPDATE public.jobs SET locked_until = now() - interval '1 second' WHERE id = '{id}'"
    ))
    .await
    .unwrap();
    assert_eq!(jobs::run_due(&db, &registry).await.unwrap(), 1);
    // The first worker wakes up and fails: its outcome is not recorded.
    gate.release.notify_one();
    assert_eq!(first.await.unwrap(), 0);
    assert_eq!(*gate.attempts.lock().unwrap(), vec![1, 2]);
    let once = format!(
        "SELECT count(*) FROM public.jobs WHERE id = '{id}' AND finished_at IS NOT NULL
           AND last_error IS NULL AND attempts = 2 AND locked_until IS NULL"
    );
    assert_eq!(count(&db, &once).await, 1);
}

/// Takes longer than several leases.
#[derive(Clone, Default)]
struct Slow {
    runs: Arc<Mutex<usize>>,
}

#[async_trait::async_trait]
impl JobHandler for Slow {
    async fn run(&self, _db: &DatabaseConnection, _job: &ClaimedJob) -> anyhow::Result<()> {
        *self.runs.lock().unwrap() += 1;
        tokio::time::sleep(std::time::Duration::from_millis(4_500)).await;
        Ok(())
    }
}

#[tokio::test]
async fn a_job_that_outlives_its_lease_renews_it_and_runs_once() {
    let db = database().await;
    let slow = Slow::default();
    let mut registry = Registry::default();
    registry
        .register("test.slow", slow.clone())
        .with_lease(std::time::Duration::from_millis(1_800));
    jobs::enqueue(&db, NewJob::new("test.slow")).await.unwrap();
    let holder = tokio::spawn({
        let (db, registry) = (db.clone(), registry.clone());
        async move { jobs::run_due(&db, &registry).await.unwrap() }
    });
    // The first worker holds it (on a busy machine its task may start late)…
    for _ in 0..100 {
        let claimed = count(
            &db,
            "SELECT count(*) FROM public.jobs WHERE kind = 'test.slow' AND lease_token IS NOT NULL",
        )
        .await;
        if claimed == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // …and another worker keeps trying while the first runs for two and a half leases.
    let mut taken = 0;
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        taken += jobs::run_due(&db, &registry).await.unwrap();
    }
    assert_eq!(holder.await.unwrap(), 1);
    assert_eq!(taken, 0);
    assert_eq!(*slow.runs.lock().unwrap(), 1, "the job ran twice");
}

/// Runs every job due by `clock` until none is left, with two workers at once.
async fn drain(db: &DatabaseConnection, registry: &Registry, clock: chrono::DateTime<Utc>) {
    let due = format!(
        "SELECT count(*) FROM public.jobs WHERE finished_at IS NULL AND attempts < max_attempts
           AND run_at <= '{}'",
        clock.to_rfc3339()
    );
    let worker = |db: DatabaseConnection, registry: Registry| async move {
        jobs::run_due_at(&db, &registry, clock).await.unwrap()
    };
    while count(db, &due).await > 0 {
        tokio::join!(
            worker(db.clone(), registry.clone()),
            worker(db.clone(), registry.clone())
        );
    }
}

#[tokio::test]
async fn two_hundred_companies_get_their_own_daily_jobs_and_a_broken_one_fails_alone() {
    let db = database().await;
    let registry = Registry::standard(duely_backend::startup::AppLinks {
        public_url: "http://localhost".to_owned(),
        sealer: duely_backend::secrets::Sealer::from_hex(&"5a".repeat(32).into()).unwrap(),
        environment: duely_backend::config::Environment::Development,
        messaging: crate::helpers::messaging_endpoints(),
    });
    let mut tenants = Vec::new();
    for index in 0..200 {
        tenants.push(crate::helpers::create_tenant(&db, &format!("Company {index}")).await);
    }
    // One company's schema is gone (a failed restore, say): every statement of its jobs fails.
    let broken = tenants[57];
    db.execute_unprepared(&format!(
        r#"ALTER SCHEMA "{0}" RENAME TO "{0}_gone""#,
        broken.schema_name()
    ))
    .await
    .unwrap();
    // Yesterday, 11:00 in Shanghai: every daily hour has come.
    let yesterday = Utc::now().date_naive() - chrono::Days::new(1);
    let scheduled = yesterday.and_hms_opt(3, 0, 0).unwrap().and_utc();
    let created = jobs::schedule_daily(&db, &registry, scheduled)
        .await
        .unwrap();
    assert_eq!(
        created,
        1 + 200 * 7,
        "housekeeping, then seven jobs a company"
    );
    let started = std::time::Instant::now();
    // Day after day of retries: the broken company's jobs back off until they are dead.
    for round in 0..12 {
        let clock = Utc::now() + chrono::Duration::hours(7 * round);
        drain(&db, &registry, clock).await;
    }
    eprintln!(
        "1,601 daily jobs of 200 companies (one broken) drained in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let others_done = format!(
        "SELECT count(*) FROM public.jobs WHERE tenant_id <> '{broken}'
           AND finished_at IS NOT NULL AND attempts = 1 AND last_error IS NULL"
    );
    // Approval expiry, the webhook log's pruning, snapshot, ratings (which asked for the risk
    // scan, which asked for the digest), promises, dunning and the approval digest: nine jobs
    // each, every one done at its first attempt.
    assert_eq!(count(&db, &others_done).await, 199 * 9);
    assert_eq!(
        count(
            &db,
            &format!("SELECT count(*) FROM public.jobs WHERE tenant_id <> '{broken}' AND finished_at IS NULL")
        )
        .await,
        0
    );
    let broken_dead = format!(
        "SELECT count(*) FROM public.jobs WHERE tenant_id = '{broken}' AND finished_at IS NULL
           AND attempts = max_attempts AND last_error LIKE '%does not exist%'"
    );
    // Its approval digest reads no table when no one chose a daily digest: it alone is done.
    assert_eq!(count(&db, &broken_dead).await, 6);
    assert_eq!(
        count(
            &db,
            &format!("SELECT count(*) FROM public.jobs WHERE tenant_id = '{broken}'")
        )
        .await,
        7,
        "its failed ratings asked for no risk scan"
    );
}
