//! Two replicas of one deployment: this process's app (A) and `duely serve` run as a child
//! process (B), on one database. Each keeps members' standing for up to 30 s; a change made
//! through A, or by SQL past both, reaches B within a second (`db::notices`).

use crate::helpers::{error_codes, fresh_database, spawn_app_with};
use crate::kit::replica::{JWT_SECRET, PUBLIC_URL, Replica};
use crate::kit::{join, ok};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const ROLE: &str = "{ me { role } }";
const CREATE_CUSTOMER: &str =
    "mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }";

#[tokio::test]
async fn a_change_on_one_replica_counts_on_the_other_within_a_second() {
    let database_url = fresh_database().await;
    let a = spawn_app_with(crate::helpers::test_config(
        &[
            ("DUELY_JWT_SECRET", JWT_SECRET),
            ("DUELY_PUBLIC_URL", PUBLIC_URL),
        ],
        &database_url,
    ))
    .await;
    let b = Replica::start(&database_url, &a).await;
    let owner = a.sign_up("Acme", &a.email("owner")).await;
    let member = join(&a, &owner, &a.email("collector"), "COLLECTOR").await;

    // B reads the member's standing and keeps it.
    for _ in 0..3 {
        let body = b.graphql_as(&member.access_token, ROLE, json!({})).await;
        assert_eq!(body["data"]["me"]["role"], "COLLECTOR", "{body}");
    }

    // A role changed through A.
    ok(
        &a,
        &owner,
        "mutation($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { member { role } } }",
        json!({ "input": { "userId": member.user_id, "role": "VIEWER" } }),
        "changeMemberRole",
    )
    .await;
    let (body, took) = b
        .until(&member.access_token, ROLE, json!({}), |body| {
            body["data"]["me"]["role"] == "VIEWER"
        })
        .await;
    assert_eq!(body["data"]["me"]["role"], "VIEWER", "{body}");
    assert!(
        took < Duration::from_secs(1),
        "B saw the new role after {took:?}"
    );

    // The member removed through A: B refuses them.
    ok(
        &a,
        &owner,
        "mutation($input: RemoveMemberInput!) { removeMember(input: $input) { removedUserId } }",
        json!({ "input": { "userId": member.user_id } }),
        "removeMember",
    )
    .await;
    let (body, took) = b
        .until(&member.access_token, ROLE, json!({}), |body| {
            error_codes(body) == ["UNAUTHENTICATED"]
        })
        .await;
    assert_eq!(error_codes(&body), ["UNAUTHENTICATED"], "{body}");
    assert!(
        took < Duration::from_secs(1),
        "B refused the removed member after {took:?}"
    );

    // The subscription lapsing, by SQL past both replicas: B refuses the owner's writes.
    let body = b
        .graphql_as(
            &owner.access_token,
            CREATE_CUSTOMER,
            json!({ "input": { "code": "C-1", "name": "Before" } }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    a.db.execute_unprepared(&format!(
        "UPDATE public.subscriptions SET read_only_from = now() - interval '1 day' WHERE tenant_id = '{}'",
        owner.tenant_id.0
    ))
    .await
    .unwrap();
    let (body, took) = b
        .until(
            &owner.access_token,
            CREATE_CUSTOMER,
            json!({ "input": { "code": "C-2", "name": "After" } }),
            |body| error_codes(body) == ["READ_ONLY"],
        )
        .await;
    assert_eq!(error_codes(&body), ["READ_ONLY"], "{body}");
    assert!(
        took < Duration::from_secs(1),
        "B saw read-only after {took:?}"
    );
}

/// A rolling restart under load fails no request: two `duely serve` replicas share the load of a
/// client that sends only to replicas whose `/readyz` answered 200 at its last look (every
/// 500 ms, as a load balancer's view lags); each replica in turn gets SIGTERM and a successor starts.
/// A stopping replica turns not ready at once and serves on for its delay, so the client moves
/// away before it stops accepting.
#[tokio::test]
async fn a_rolling_restart_under_load_fails_no_request() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use tokio::sync::RwLock;

    let database_url = fresh_database().await;
    let a = spawn_app_with(crate::helpers::test_config(
        &[
            ("DUELY_JWT_SECRET", JWT_SECRET),
            ("DUELY_PUBLIC_URL", PUBLIC_URL),
        ],
        &database_url,
    ))
    .await;
    let owner = a.sign_up("Rolling", &a.email("owner")).await;
    let token = owner.access_token.clone();
    // The replicas' addresses and whether each looked ready at the last check.
    let pool: Arc<RwLock<Vec<(String, bool)>>> = Arc::new(RwLock::new(Vec::new()));
    let mut running = Vec::new();
    for _ in 0..2 {
        let replica = Replica::start(&database_url, &a).await;
        pool.write().await.push((replica.address.clone(), true));
        running.push(replica);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let (sent, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let checker = {
        let (pool, stop) = (pool.clone(), stop.clone());
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            while !stop.load(Ordering::Relaxed) {
                let addresses: Vec<String> =
                    pool.read().await.iter().map(|(a, _)| a.clone()).collect();
                for address in addresses {
                    let ready = client
                        .get(format!("{address}/readyz"))
                        .timeout(Duration::from_millis(500))
                        .send()
                        .await
                        .is_ok_and(|r| r.status().is_success());
                    if let Some(entry) = pool.write().await.iter_mut().find(|(a, _)| *a == address)
                    {
                        entry.1 = ready;
                    }
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        })
    };
    let workers: Vec<_> = (0..4)
        .map(|worker| {
            let (pool, stop, sent, failed) =
                (pool.clone(), stop.clone(), sent.clone(), failed.clone());
            let token = token.clone();
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                let mut turn = worker;
                while !stop.load(Ordering::Relaxed) {
                    let ready: Vec<String> = pool
                        .read()
                        .await
                        .iter()
                        .filter(|(_, ready)| *ready)
                        .map(|(a, _)| a.clone())
                        .collect();
                    if ready.is_empty() {
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                    turn += 1;
                    let address = &ready[turn % ready.len()];
                    let answer = client
                        .post(format!("{address}/graphql"))
                        .bearer_auth(&token)
                        .json(&json!({ "query": ROLE }))
                        .send()
                        .await;
                    sent.fetch_add(1, Ordering::Relaxed);
                    let good = match answer {
                        Ok(response) if response.status().is_success() => response
                            .json::<Value>()
                            .await
                            .is_ok_and(|body| body["data"]["me"]["role"] == "OWNER"),
                        _ => false,
                    };
                    if !good {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();

    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = Instant::now();
    let mut stops = Vec::new();
    for _ in 0..2 {
        // The successor first (maxUnavailable 0), then the oldest replica stops.
        let successor = Replica::start(&database_url, &a).await;
        pool.write().await.push((successor.address.clone(), true));
        running.push(successor);
        let oldest = running.remove(0);
        let address = oldest.address.clone();
        stops.push(oldest.terminate().await);
        pool.write().await.retain(|(a, _)| *a != address);
    }
    let restart = started.elapsed();
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.await.unwrap();
    }
    checker.await.unwrap();
    let (sent, failed) = (sent.load(Ordering::Relaxed), failed.load(Ordering::Relaxed));
    println!(
        "rolling restart of 2 replicas: {restart:?} (each stop {stops:?}); {sent} requests, {failed} failed"
    );
    assert!(sent > 100, "the client kept sending: {sent}");
    assert_eq!(
        failed, 0,
        "requests failed during the rolling restart, of {sent}"
    );
    // Each stop served out its delay, then drained.
    assert!(
        stops.iter().all(|d| *d >= Duration::from_secs(1)),
        "{stops:?}"
    );
}
