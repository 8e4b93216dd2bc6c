//! Three `duely serve` replicas on one database, as a deployment runs them: a session made on
//! one works on the others, rate limits count across all three (Redis), and each company's
//! daily work (its jobs, its dunning emails) runs once however many replicas race for it.

use crate::helpers::{
    SIGN_UP, TEST_PASSWORD, count, error_codes, fresh_database, spawn_app_with, test_config,
};
use crate::kit::replica::{JWT_SECRET, PUBLIC_URL, Replica};
use crate::kit::{create_customer, issue_invoice};
use chrono::{Days, Timelike, Utc};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const ME: &str = "{ me { role } }";
const LOG_IN: &str =
    "mutation($input: LogInInput!) { logIn(input: $input) { accessToken refreshToken } }";
const REFRESH: &str = "mutation($input: RefreshSessionInput!) { refreshSession(input: $input) { accessToken refreshToken } }";

async fn three(database_url: &str, overrides: &[(&str, &str)]) -> [Replica; 3] {
    let mail = std::env::temp_dir().join("duely-replica-mail");
    [
        Replica::start_with(database_url, &mail, overrides).await,
        Replica::start_with(database_url, &mail, overrides).await,
        Replica::start_with(database_url, &mail, overrides).await,
    ]
}

fn session(body: &Value, field: &str) -> (String, String) {
    let payload = &body["data"][field];
    let token = |name: &str| {
        payload[name]
            .as_str()
            .unwrap_or_else(|| panic!("{field}: {body}"))
            .to_owned()
    };
    (token("accessToken"), token("refreshToken"))
}

#[tokio::test]
async fn a_session_made_on_one_replica_works_on_the_others_and_limits_count_across_all() {
    let database_url = fresh_database().await;
    let replicas = three(&database_url, &[("DUELY_MEMBER_RATE_PER_MINUTE", "12")]).await;
    let email = format!("owner-{}@three.example", uuid::Uuid::new_v4().simple());
    let (_, body) = replicas[0]
        .send(
            "",
            SIGN_UP,
            json!({ "input": { "companyName": "Three", "name": "Li Wei", "email": email, "password": TEST_PASSWORD } }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");

    // Signed in on the second replica, the session works on every one.
    let (_, body) = replicas[1]
        .send(
            "",
            LOG_IN,
            json!({ "input": { "email": email, "password": TEST_PASSWORD } }),
        )
        .await;
    let (access, refresh) = session(&body, "logIn");
    for replica in &replicas {
        let body = replica.graphql_as(&access, ME, json!({})).await;
        assert_eq!(body["data"]["me"]["role"], "OWNER", "{body}");
    }
    // Refreshed on the third; the new pair works on the first.
    let (_, body) = replicas[2]
        .send("", REFRESH, json!({ "input": { "refreshToken": refresh } }))
        .await;
    let (next_access, next_refresh) = session(&body, "refreshSession");
    let body = replicas[0].graphql_as(&next_access, ME, json!({})).await;
    assert_eq!(body["data"]["me"]["role"], "OWNER", "{body}");
    // A refresh retried within the grace period, on another replica, gets the same pair: the
    // replicas derive it from one shared record.
    let (_, body) = replicas[0]
        .send("", REFRESH, json!({ "input": { "refreshToken": refresh } }))
        .await;
    assert_eq!(
        session(&body, "refreshSession"),
        (next_access.clone(), next_refresh.clone()),
        "{body}"
    );
    // Logged out on the second replica, the session cannot be refreshed on the third.
    let body = replicas[1]
        .graphql_as(
            &next_access,
            "mutation($input: LogOutInput) { logOut(input: $input) { loggedOut } }",
            json!({ "input": { "refreshToken": next_refresh } }),
        )
        .await;
    assert_eq!(body["data"]["logOut"]["loggedOut"], true, "{body}");
    let (_, body) = replicas[2]
        .send(
            "",
            REFRESH,
            json!({ "input": { "refreshToken": next_refresh } }),
        )
        .await;
    assert_eq!(error_codes(&body), ["UNAUTHENTICATED"], "{body}");

    // Twelve requests a minute for the member in all, sent round the three replicas: the
    // thirteenth is refused wherever it lands (five were spent above, on whichever replica). Counted per
    // replica, all twelve would pass.
    let mut statuses = Vec::new();
    for turn in 0..12 {
        let (status, _) = replicas[turn % 3].send(&next_access, ME, json!({})).await;
        statuses.push(status);
    }
    let allowed = statuses.iter().filter(|status| **status == 200).count();
    assert!(
        statuses.contains(&429) && allowed <= 8,
        "one member's requests count across replicas: {statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|status| *status == 200 || *status == 429),
        "{statuses:?}"
    );
}

/// A time zone where it is now about noon, so every company job (the latest at 09:00 local)
/// is due whatever the hour the test runs.
fn zone_at_noon() -> String {
    let offset = 12 - Utc::now().hour() as i32;
    match offset {
        0 => "Etc/GMT".to_owned(),
        // The POSIX sign: Etc/GMT-8 is eight hours ahead of UTC.
        east if east > 0 => format!("Etc/GMT-{east}"),
        west => format!("Etc/GMT+{}", -west),
    }
}

#[tokio::test]
async fn three_replicas_run_each_companys_daily_work_and_its_emails_once() {
    let database_url = fresh_database().await;
    // The companies are set up through this process's app, which then stops: only the three
    // replicas below run jobs and send mail.
    let mut setup = spawn_app_with(test_config(
        &[
            ("DUELY_JWT_SECRET", JWT_SECRET),
            ("DUELY_PUBLIC_URL", PUBLIC_URL),
        ],
        &database_url,
    ))
    .await;
    let db = setup.db.clone();
    let zone = zone_at_noon();
    let mut companies = Vec::new();
    for n in 1..=3 {
        let owner = setup
            .sign_up(&format!("Share {n}"), &setup.email(&format!("owner{n}")))
            .await;
        db.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE public.tenants SET time_zone = $1, dunning_hour = 0 WHERE id = $2",
            [zone.clone().into(), owner.tenant_id.0.into()],
        ))
        .await
        .unwrap();
        let today = duely_backend::db::tenant_calendar(&db, owner.tenant_id)
            .await
            .unwrap()
            .today;
        let payer = setup.email(&format!("payer{n}"));
        let customer = create_customer(
            &setup,
            &owner,
            "A",
            json!({ "contacts": [{ "name": "Li Na", "email": payer }] }),
        )
        .await;
        // Due in three days: the ladder's polite reminder is today's step.
        let due = today + Days::new(3);
        issue_invoice(
            &setup,
            &owner,
            customer["id"].as_str().unwrap(),
            "1200",
            json!({ "issueDate": (due - Days::new(30)).to_string(), "dueDate": due.to_string() }),
        )
        .await;
        companies.push((owner.tenant_id, payer));
    }
    setup.stop().await.unwrap();
    let tenants: Vec<String> = companies
        .iter()
        .map(|(tenant, _)| format!("'{}'", tenant.0))
        .collect();
    let ours = format!("tenant_id IN ({})", tenants.join(", "));

    let replicas = three(&database_url, &[]).await;
    // Each replica schedules at start and every minute; all three race for every job.
    let started = Instant::now();
    loop {
        let kinds = count(
            &db,
            &format!("SELECT count(DISTINCT kind) FROM public.jobs WHERE {ours}"),
        )
        .await;
        let waiting = count(
            &db,
            &format!(
                "SELECT (SELECT count(*) FROM public.jobs WHERE {ours} AND finished_at IS NULL)
                      + (SELECT count(*) FROM public.email_outbox WHERE {ours} AND sent_at IS NULL)"
            ),
        )
        .await;
        if kinds >= 6 && waiting == 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "the replicas did not finish the day's work: {kinds} kinds, {waiting} waiting"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Every job ran once: claimed once, finished, never retried.
    let jobs = count(
        &db,
        &format!("SELECT count(*) FROM public.jobs WHERE {ours}"),
    )
    .await;
    assert!(
        jobs >= 18,
        "six kinds of daily job for each of three companies: {jobs}"
    );
    let claimed_again = count(
        &db,
        &format!("SELECT count(*) FROM public.jobs WHERE {ours} AND attempts <> 1"),
    )
    .await;
    assert_eq!(claimed_again, 0, "a job ran more than once");
    let sink = std::env::var("DUELY_TEST_MAILDIR")
        .ok()
        .map(|dir| std::path::PathBuf::from(dir).join("new"));
    for (tenant, payer) in &companies {
        let schema = tenant.schema_name();
        let runs = count(
            &db,
            &format!("SELECT count(*) FROM \"{schema}\".dunning_runs"),
        )
        .await;
        assert_eq!(runs, 1, "one dunning run for the company's day");
        let emails = count(
            &db,
            &format!("SELECT count(*) FROM public.email_outbox WHERE to_address = '{payer}'"),
        )
        .await;
        assert_eq!(emails, 1, "one reminder queued for {payer}");
        // And delivered once: the sink holds one message to the payer.
        if let Some(sink) = &sink {
            let delivered = crate::kit::mail::count_to(sink, payer);
            assert_eq!(delivered, 1, "the SMTP sink got one reminder for {payer}");
        }
        let snapshots = count(
            &db,
            &format!("SELECT count(*) FROM \"{schema}\".kpi_snapshots"),
        )
        .await;
        assert!(snapshots >= 1, "the KPI snapshot job did its work");
    }
    drop(replicas);
}
