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
    });
    let morning = Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap();
    let evening = Utc.with_ymd_and_hms(2026, 11, 23, 22, 0, 0).unwrap();
    let next_day = Utc.with_ymd_and_hms(2026, 11, 24, 0, 5, 0).unwrap();
    assert_eq!(
        jobs::schedule_daily(&db, &registry, morning).await.unwrap(),
        3,
        "housekeeping, judging promises, and the KPI snapshot with ratings and the risk scan"
    );
    assert_eq!(
        jobs::schedule_daily(&db, &registry, evening).await.unwrap(),
        0
    );
    assert_eq!(
        jobs::schedule_daily(&db, &registry, next_day)
            .await
            .unwrap(),
        3
    );
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
