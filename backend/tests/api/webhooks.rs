//! Outgoing webhooks end to end: a receiver on this machine (an axum server of the test's own)
//! hears events signed as documented, in order per resource, retried, and not at all for a
//! change rolled back; rotation, switching off a failing endpoint and the address checks.

use crate::helpers::{TestApp, count, fresh_database, spawn_app, spawn_app_with, test_config};
use crate::kit::{TestTenant, ok};
use chrono::Utc;
use duely_backend::jobs::{self, Registry};
use duely_backend::webhooks::delivery::{Deliver, JOB_KIND, Sender};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// HMAC-SHA256 written out from RFC 2104 over `sha2`, independent of the server's `hmac`.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let inner_pad: Vec<u8> = block.iter().map(|b| b ^ 0x36).collect();
    let outer_pad: Vec<u8> = block.iter().map(|b| b ^ 0x5c).collect();
    let inner = Sha256::new()
        .chain_update(&inner_pad)
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(&outer_pad)
        .chain_update(inner)
        .finalize()
        .into()
}

#[test]
fn the_tests_hmac_matches_rfc_4231() {
    // RFC 4231, test case 2.
    assert_eq!(
        hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

/// Whether `header` (`t=…,v1=…[,v1=…]`) signs `body` with `secret`, as a receiver checks it.
fn signed_with(header: &str, body: &str, secret: &str) -> bool {
    let mut timestamp = None;
    let mut digests = Vec::new();
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", value)) => timestamp = Some(value.to_owned()),
            Some(("v1", value)) => digests.push(value.to_owned()),
            _ => {}
        }
    }
    let Some(timestamp) = timestamp else {
        return false;
    };
    let expected = hex::encode(hmac_sha256(
        secret.as_bytes(),
        format!("{timestamp}.{body}").as_bytes(),
    ));
    digests.contains(&expected)
}

fn v1_count(header: &str) -> usize {
    header
        .split(',')
        .filter(|part| part.starts_with("v1="))
        .count()
}

#[derive(Debug, Clone)]
struct Heard {
    signature: String,
    event_id: String,
    body: String,
    json: Value,
}

/// A receiver: records every request and answers with the queued statuses, then 200.
#[derive(Clone, Default)]
struct Receiver {
    heard: Arc<Mutex<Vec<Heard>>>,
    answers: Arc<Mutex<VecDeque<u16>>>,
    always: Arc<Mutex<Option<u16>>>,
}

impl Receiver {
    async fn start() -> (Receiver, String) {
        let receiver = Receiver::default();
        let state = receiver.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
                let state = state.clone();
                async move {
                    let header = |name: &str| {
                        headers
                            .get(name)
                            .and_then(|value| value.to_str().ok())
                            .unwrap_or_default()
                            .to_owned()
                    };
                    state.heard.lock().unwrap().push(Heard {
                        signature: header("duely-signature"),
                        event_id: header("duely-event-id"),
                        json: serde_json::from_str(&body).unwrap_or(Value::Null),
                        body,
                    });
                    let status = state
                        .answers
                        .lock()
                        .unwrap()
                        .pop_front()
                        .or(*state.always.lock().unwrap())
                        .unwrap_or(200);
                    (
                        axum::http::StatusCode::from_u16(status).unwrap(),
                        format!("answered {status}"),
                    )
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (receiver, url)
    }

    fn heard(&self) -> Vec<Heard> {
        self.heard.lock().unwrap().clone()
    }

    fn types(&self) -> Vec<String> {
        self.heard()
            .iter()
            .map(|heard| heard.json["type"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Waits up to 15 s for at least `n` requests.
    async fn wait_for(&self, n: usize) -> Vec<Heard> {
        for _ in 0..150 {
            let heard = self.heard();
            if heard.len() >= n {
                return heard;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the receiver heard {:?}, not {n} requests", self.types());
    }
}

/// The job registry a test runs deliveries with, at a time of its choosing.
fn webhook_jobs(app: &TestApp) -> Registry {
    let mut registry = Registry::default();
    registry.register(
        JOB_KIND,
        Deliver {
            sealer: duely_backend::secrets::Sealer::from_hex(&"5a".repeat(32).into()).unwrap(),
            sender: Sender::new(true).unwrap(),
            public_url: app.address.clone(),
        },
    );
    registry
}

const CREATE: &str = "mutation($input: CreateWebhookEndpointInput!) {
    createWebhookEndpoint(input: $input) { secret endpoint { id url events enabled secretHint } } }";

const DELIVERIES: &str = "query($filter: WebhookDeliveriesFilter) {
    webhookDeliveries(filter: $filter) { totalCount edges { node {
        id eventType sequence status attemptCount nextAttemptAt lastStatusCode redeliveryOf payload
        attempts { statusCode latencyMs responseExcerpt error } } } } }";

async fn endpoint(tenant: &TestTenant<'_>, url: &str, events: &[&str]) -> (String, String) {
    let created = ok(
        tenant.app,
        &tenant.owner,
        CREATE,
        json!({ "input": { "url": url, "events": events, "description": "ERP" } }),
        "createWebhookEndpoint",
    )
    .await;
    (
        created["endpoint"]["id"].as_str().unwrap().to_owned(),
        created["secret"].as_str().unwrap().to_owned(),
    )
}

async fn deliveries(tenant: &TestTenant<'_>) -> Vec<Value> {
    let page = ok(
        tenant.app,
        &tenant.owner,
        DELIVERIES,
        json!({}),
        "webhookDeliveries",
    )
    .await;
    page["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"].clone())
        .collect()
}

/// Waits until every delivery has recorded at least `attempts` attempts: the receiver hears a
/// request before the attempt (and its retry's job) is committed.
async fn attempts_recorded(tenant: &TestTenant<'_>, attempts: i64) {
    for _ in 0..150 {
        let logged = deliveries(tenant).await;
        if !logged.is_empty()
            && logged
                .iter()
                .all(|d| d["attemptCount"].as_i64() >= Some(attempts))
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the deliveries never recorded {attempts} attempts");
}

#[tokio::test]
async fn a_paid_invoice_reaches_the_endpoint_signed_in_order_and_logged() {
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let (receiver, url) = Receiver::start().await;
    let (_, secret) = endpoint(
        &acme,
        &url,
        &["invoice.issued", "invoice.paid", "payment.recorded"],
    )
    .await;
    assert!(secret.starts_with("whsec_"));

    let buyer = acme.customer("B-1").await;
    let invoice = acme.invoice(&buyer, "1000").await;
    acme.payment(&buyer, "1000").await;

    let heard = receiver.wait_for(3).await;
    for request in &heard {
        assert!(
            signed_with(&request.signature, &request.body, &secret),
            "{request:?}"
        );
        assert!(!signed_with(
            &request.signature,
            &request.body,
            "whsec_other"
        ));
        assert_eq!(v1_count(&request.signature), 1);
        assert_eq!(request.event_id, request.json["id"].as_str().unwrap());
        assert!(request.json["createdAt"].is_string());
    }
    let about_invoice: Vec<&Heard> = heard
        .iter()
        .filter(|request| request.json["data"]["id"] == invoice.id.as_str())
        .collect();
    let types: Vec<&str> = about_invoice
        .iter()
        .map(|request| request.json["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["invoice.issued", "invoice.paid"], "in order");
    assert!(
        about_invoice[0].json["sequence"].as_i64() < about_invoice[1].json["sequence"].as_i64()
    );
    let paid = &about_invoice[1].json["data"];
    assert_eq!(paid["status"], "PAID");
    assert_eq!(paid["total"], "1000.00");
    assert_eq!(paid["balanceDue"], "0.00");
    assert_eq!(paid["customerId"], buyer.id.as_str());
    assert!(receiver.types().contains(&"payment.recorded".to_owned()));

    // The log: each delivered at its first attempt, with the answer's status and start.
    let mut logged = Vec::new();
    for _ in 0..50 {
        logged = deliveries(&acme).await;
        if logged.iter().all(|d| d["status"] == "DELIVERED") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(logged.len(), 3);
    for delivery in &logged {
        assert_eq!(delivery["status"], "DELIVERED", "{delivery}");
        assert_eq!(delivery["attemptCount"], 1);
        assert_eq!(delivery["attempts"][0]["statusCode"], 200);
        assert_eq!(delivery["attempts"][0]["responseExcerpt"], "answered 200");
        assert!(delivery["attempts"][0]["latencyMs"].as_i64().unwrap() >= 0);
    }
}

#[tokio::test]
async fn a_change_rolled_back_sends_nothing_and_a_committed_one_does() {
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    endpoint(&acme, "http://127.0.0.1:9/hook", &["invoice.voided"]).await;
    let buyer = acme.customer("B-1").await;
    let invoice = acme.invoice(&buyer, "500").await;
    let schema = acme.id().schema_name();
    let void = format!(
        "UPDATE invoices SET status = 'VOID', voided_at = now(), void_reason = 'test', balance_due = 0
         WHERE id = '{}'",
        invoice.id
    );
    let events = format!("SELECT count(*) FROM \"{schema}\".webhook_events");
    // First attempts only: the app's worker may have made one and asked for the retry.
    let jobs = format!(
        "SELECT count(*) FROM public.jobs WHERE kind = '{JOB_KIND}' AND payload ->> 'attempt' = '1'"
    );
    let jobs_before = count(&app.db, &jobs).await;
    use sea_orm::ConnectionTrait;

    let tx = duely_backend::db::TenantTx::begin(&app.db, acme.id())
        .await
        .unwrap();
    (*tx).execute_unprepared(&void).await.unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(count(&app.db, &events).await, 0, "no event");
    assert_eq!(count(&app.db, &jobs).await, jobs_before, "no delivery job");

    let tx = duely_backend::db::TenantTx::begin(&app.db, acme.id())
        .await
        .unwrap();
    (*tx).execute_unprepared(&void).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(count(&app.db, &events).await, 1);
    assert_eq!(count(&app.db, &jobs).await, jobs_before + 1);
}

#[tokio::test]
async fn a_failed_delivery_is_retried_and_holds_back_later_events_of_its_resource() {
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let (receiver, url) = Receiver::start().await;
    receiver.answers.lock().unwrap().push_back(503);
    endpoint(&acme, &url, &["invoice.issued", "invoice.paid"]).await;
    let buyer = acme.customer("B-1").await;
    let invoice = acme.invoice(&buyer, "800").await;
    receiver.wait_for(1).await;
    // Paid while its "issued" waits for a retry: "paid" must wait behind it.
    acme.payment(&buyer, "800").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(receiver.types(), ["invoice.issued"], "paid waits");
    let waiting = deliveries(&acme).await;
    let issued = waiting
        .iter()
        .find(|d| d["eventType"] == "invoice.issued")
        .unwrap();
    assert_eq!(issued["status"], "PENDING");
    assert_eq!(issued["attempts"][0]["statusCode"], 503);
    assert!(issued["nextAttemptAt"].is_string());

    // A minute on, the retry goes through, and then the payment's event.
    let later = Utc::now() + chrono::Duration::minutes(2);
    let registry = webhook_jobs(&app);
    for _ in 0..5 {
        jobs::run_due_at(&app.db, &registry, later).await.unwrap();
    }
    receiver.wait_for(3).await;
    assert_eq!(
        receiver.types(),
        ["invoice.issued", "invoice.issued", "invoice.paid"]
    );
    let heard = receiver.heard();
    assert_eq!(heard[0].event_id, heard[1].event_id, "the same event again");
    assert_eq!(heard[2].json["data"]["id"], invoice.id.as_str());
    let logged = deliveries(&acme).await;
    let issued = logged
        .iter()
        .find(|d| d["eventType"] == "invoice.issued")
        .unwrap();
    assert_eq!(issued["status"], "DELIVERED");
    assert_eq!(issued["attemptCount"], 2);
}

#[tokio::test]
async fn an_endpoint_failing_for_a_day_is_switched_off_and_its_admins_told() {
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let (receiver, url) = Receiver::start().await;
    *receiver.always.lock().unwrap() = Some(500);
    let (endpoint_id, _) = endpoint(&acme, &url, &["invoice.issued"]).await;
    let buyer = acme.customer("B-1").await;
    acme.invoice(&buyer, "100").await;
    receiver.wait_for(1).await;
    attempts_recorded(&acme, 1).await;

    // Every retry fails, each when it falls due: the last, a day after the first attempt,
    // finds the endpoint failing for a day.
    let registry = webhook_jobs(&app);
    let mut clock = Utc::now();
    for wait in domain::webhooks::RETRY_AFTER_SECS {
        clock += chrono::Duration::seconds(i64::from(wait) + 1);
        jobs::run_due_at(&app.db, &registry, clock).await.unwrap();
    }
    assert_eq!(receiver.heard().len(), 8, "every attempt was made");
    let endpoints = ok(
        &app,
        &acme.owner,
        "{ webhookEndpoints { id enabled disabledBecause failingSince } }",
        json!({}),
        "webhookEndpoints",
    )
    .await;
    assert_eq!(endpoints[0]["id"], endpoint_id.as_str());
    assert_eq!(endpoints[0]["enabled"], false);
    assert_eq!(endpoints[0]["disabledBecause"], "FAILING");
    let logged = deliveries(&acme).await;
    assert_eq!(logged[0]["status"], "FAILED");
    let mail = app.email_with(&app.email("acme-owner"), &url).await;
    assert!(mail.contains("/settings/webhooks"), "{mail}");

    // Switched off, it hears nothing more, and cannot be sent a test.
    acme.invoice(&buyer, "200").await;
    assert_eq!(deliveries(&acme).await.len(), 1);
    let body = app
        .graphql_as(
            &acme.owner.access_token,
            "mutation($input: SendTestWebhookEventInput!) { sendTestWebhookEvent(input: $input) { delivery { id } } }",
            json!({ "input": { "endpointId": endpoint_id } }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["reason"], "WEBHOOK_ENDPOINT_DISABLED",
        "{body}"
    );
    // Switched on again, it forgets its failures and is sent a test.
    let on = ok(
        &app,
        &acme.owner,
        "mutation($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) { endpoint { enabled disabledBecause failingSince } } }",
        json!({ "input": { "endpointId": endpoint_id, "enabled": true } }),
        "updateWebhookEndpoint",
    )
    .await;
    assert_eq!(
        on["endpoint"],
        json!({ "enabled": true, "disabledBecause": null, "failingSince": null })
    );
}

#[tokio::test]
async fn a_rotated_secret_signs_beside_the_new_one_for_a_day() {
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let (receiver, url) = Receiver::start().await;
    receiver.answers.lock().unwrap().push_back(500);
    let (endpoint_id, old) = endpoint(&acme, &url, &["invoice.paid"]).await;
    let rotated = ok(
        &app,
        &acme.owner,
        "mutation($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) { secret endpoint { secretHint previousSecretValidUntil } } }",
        json!({ "input": { "endpointId": endpoint_id } }),
        "rotateWebhookSecret",
    )
    .await;
    let new = rotated["secret"].as_str().unwrap();
    assert_ne!(new, old);
    assert!(rotated["endpoint"]["previousSecretValidUntil"].is_string());
    assert!(new.ends_with(&rotated["endpoint"]["secretHint"].as_str().unwrap()[9..]));

    let sent = ok(
        &app,
        &acme.owner,
        "mutation($input: SendTestWebhookEventInput!) { sendTestWebhookEvent(input: $input) { delivery { id eventType status } } }",
        json!({ "input": { "endpointId": endpoint_id } }),
        "sendTestWebhookEvent",
    )
    .await;
    assert_eq!(sent["delivery"]["eventType"], "webhook.test");
    let first = receiver.wait_for(1).await.remove(0);
    attempts_recorded(&acme, 1).await;
    assert_eq!(v1_count(&first.signature), 2);
    assert!(signed_with(&first.signature, &first.body, &old));
    assert!(signed_with(&first.signature, &first.body, new));

    // Its retry, a day and more later, is signed with the new secret alone.
    jobs::run_due_at(
        &app.db,
        &webhook_jobs(&app),
        Utc::now() + chrono::Duration::hours(25),
    )
    .await
    .unwrap();
    let second = receiver.wait_for(2).await.remove(1);
    assert_eq!(v1_count(&second.signature), 1);
    assert!(signed_with(&second.signature, &second.body, new));
    assert!(!signed_with(&second.signature, &second.body, &old));

    // Sent again by hand: a new delivery of the same event.
    let again = ok(
        &app,
        &acme.owner,
        "mutation($input: RedeliverWebhookInput!) { redeliverWebhook(input: $input) { delivery { id redeliveryOf status } } }",
        json!({ "input": { "deliveryId": sent["delivery"]["id"] } }),
        "redeliverWebhook",
    )
    .await;
    assert_eq!(again["delivery"]["redeliveryOf"], sent["delivery"]["id"]);
    let third = receiver.wait_for(3).await.remove(2);
    assert_eq!(third.event_id, first.event_id);
}

#[tokio::test]
async fn bad_endpoints_are_refused_with_their_reason_and_field() {
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    for (input, reason, field) in [
        (
            json!({ "url": "ftp://erp.example.com", "events": ["invoice.paid"] }),
            "WEBHOOK_URL_INVALID",
            "input.url",
        ),
        (
            json!({ "url": "https://erp.example.com", "events": ["invoice.eaten"] }),
            "WEBHOOK_EVENT_UNKNOWN",
            "input.events",
        ),
        (
            json!({ "url": "https://erp.example.com", "events": [] }),
            "REQUIRED",
            "input.events",
        ),
    ] {
        let body = app
            .graphql_as(&acme.owner.access_token, CREATE, json!({ "input": input }))
            .await;
        let error = &body["errors"][0]["extensions"];
        assert_eq!(error["reason"], reason, "{body}");
        assert_eq!(error["field"], field, "{body}");
    }
    let listed = ok(
        &app,
        &acme.owner,
        "{ webhookEndpoints { id } }",
        json!({}),
        "webhookEndpoints",
    )
    .await;
    assert_eq!(listed, json!([]), "nothing was made");
    let types = ok(
        &app,
        &acme.owner,
        "{ webhookEventTypes }",
        json!({}),
        "webhookEventTypes",
    )
    .await;
    assert_eq!(types.as_array().unwrap().len(), 14);
}

/// The machine's own name, which resolves to one of its own (loopback or private) addresses.
fn own_host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap()
        .trim()
        .to_owned()
}

#[tokio::test]
async fn production_refuses_private_addresses_when_registered_and_when_resolved() {
    let database_url = fresh_database().await;
    let app = spawn_app_with(test_config(
        &[
            ("DUELY_ENV", "production"),
            (
                "DUELY_JWT_SECRET",
                "a production key of at least thirty-two bytes",
            ),
        ],
        &database_url,
    ))
    .await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    for url in [
        "https://127.0.0.1/hook",
        "https://[::1]/hook",
        "https://169.254.169.254/latest",
        "https://localhost/hook",
    ] {
        let body = app
            .graphql_as(
                &acme.owner.access_token,
                CREATE,
                json!({ "input": { "url": url, "events": ["invoice.paid"] } }),
            )
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["reason"], "WEBHOOK_ADDRESS_NOT_PUBLIC",
            "{url}: {body}"
        );
    }
    // A name is checked as it resolves, at the delivery: this machine's name is its own.
    let host = own_host_name();
    let resolved: Vec<std::net::SocketAddr> = tokio::net::lookup_host((host.as_str(), 443))
        .await
        .unwrap()
        .collect();
    assert!(
        resolved
            .iter()
            .all(|address| !domain::webhooks::is_public_address(address.ip())),
        "{host} resolves to {resolved:?}"
    );
    let (endpoint_id, _) =
        endpoint(&acme, &format!("https://{host}:1/hook"), &["invoice.paid"]).await;
    ok(
        &app,
        &acme.owner,
        "mutation($input: SendTestWebhookEventInput!) { sendTestWebhookEvent(input: $input) { delivery { id } } }",
        json!({ "input": { "endpointId": endpoint_id } }),
        "sendTestWebhookEvent",
    )
    .await;
    let mut logged = Vec::new();
    for _ in 0..100 {
        logged = deliveries(&acme).await;
        if logged[0]["attemptCount"].as_i64() >= Some(1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let error = logged[0]["attempts"][0]["error"]
        .as_str()
        .unwrap_or_default();
    assert!(
        error.contains("private, loopback or link-local"),
        "{}",
        logged[0]
    );
    assert_eq!(logged[0]["attempts"][0]["statusCode"], Value::Null);
}

#[tokio::test]
async fn event_amounts_are_rounded_as_the_api_rounds_them_in_every_currency() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let tx = duely_backend::db::TenantTx::begin(&app.db, acme.id())
        .await
        .unwrap();
    for currency in domain::Currency::all() {
        for amount in ["1234.5678", "-2.3450", "0.0050"] {
            let row = (*tx)
                .query_one_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT webhook_amount($1::numeric, $2) AS shown",
                    [amount.into(), currency.code().into()],
                ))
                .await
                .unwrap()
                .unwrap();
            let shown: String = row.try_get("", "shown").unwrap();
            assert_eq!(
                shown,
                domain::money::amount_text(amount.parse().unwrap(), currency.minor_units()),
                "{amount} {}",
                currency.code()
            );
        }
    }
    tx.rollback().await.unwrap();
}

#[tokio::test]
async fn each_kind_of_change_sends_its_event_with_the_record_as_it_became() {
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let (receiver, url) = Receiver::start().await;
    let all: Vec<&str> = domain::webhooks::EVENT_TYPES.to_vec();
    endpoint(&acme, &url, &all).await;
    let buyer = acme.customer("B-1").await;
    let call = |query: &'static str, input: Value, field: &'static str| {
        let (app, owner) = (&app, &acme.owner);
        async move { ok(app, owner, query, json!({ "input": input }), field).await }
    };
    call(
        "mutation($input: SetCreditLimitInput!) { setCreditLimit(input: $input) { customer { id } } }",
        json!({ "customerId": buyer.id, "creditLimit": "50000", "reason": "Two years of paying on time" }),
        "setCreditLimit",
    )
    .await;
    call(
        "mutation($input: PlaceCreditHoldInput!) { placeCreditHold(input: $input) { customer { id } } }",
        json!({ "customerId": buyer.id, "reason": "Cheque bounced" }),
        "placeCreditHold",
    )
    .await;
    call(
        "mutation($input: ReleaseCreditHoldInput!) { releaseCreditHold(input: $input) { customer { id } } }",
        json!({ "customerId": buyer.id, "reason": "Paid by transfer" }),
        "releaseCreditHold",
    )
    .await;
    let invoice = acme.invoice(&buyer, "1200").await;
    let dispute = call(
        "mutation($input: OpenDisputeInput!) { openDispute(input: $input) { dispute { id } } }",
        json!({ "invoiceId": invoice.id, "reason": "Two cartons damaged", "amount": "200" }),
        "openDispute",
    )
    .await;
    call(
        "mutation($input: ResolveDisputeInput!) { resolveDispute(input: $input) { dispute { id } } }",
        json!({ "disputeId": dispute["dispute"]["id"], "outcome": "REJECTED", "note": "Photos show no damage" }),
        "resolveDispute",
    )
    .await;
    call(
        "mutation($input: LogCollectionActivityInput!) { logCollectionActivity(input: $input) { activity { id } } }",
        json!({ "customerId": buyer.id, "channel": "PHONE", "outcome": "PROMISE_TO_PAY",
                "promise": { "amount": "1200", "promisedDate": invoice.due_date } }),
        "logCollectionActivity",
    )
    .await;
    let payment = acme.payment(&buyer, "300").await;
    call(
        "mutation($input: ReversePaymentInput!) { reversePayment(input: $input) { payment { id } } }",
        json!({ "paymentId": payment.id, "reason": "Bounced" }),
        "reversePayment",
    )
    .await;
    call(
        "mutation($input: VoidInvoiceInput!) { voidInvoice(input: $input) { invoice { id } } }",
        json!({ "invoiceId": invoice.id, "reason": "Issued twice" }),
        "voidInvoice",
    )
    .await;

    let expected = [
        "customer.credit_limit_changed",
        "customer.credit_hold_changed",
        "customer.credit_hold_changed",
        "invoice.issued",
        "dispute.opened",
        "dispute.resolved",
        "promise.created",
        "payment.recorded",
        "payment.reversed",
        "invoice.voided",
    ];
    let heard = receiver.wait_for(expected.len()).await;
    let mut types: Vec<String> = receiver.types();
    types.sort();
    let mut sorted = expected.to_vec();
    sorted.sort();
    assert_eq!(types, sorted);
    let find = |kind: &str| {
        heard
            .iter()
            .filter(|h| h.json["type"] == kind)
            .map(|h| h.json["data"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        find("customer.credit_limit_changed")[0]["creditLimit"],
        "50000.00"
    );
    assert_eq!(
        find("customer.credit_limit_changed")[0]["previousCreditLimit"],
        Value::Null
    );
    let holds = find("customer.credit_hold_changed");
    assert!(
        holds
            .iter()
            .any(|d| d["creditHold"] == true && d["creditHoldReason"] == "Cheque bounced")
    );
    assert!(holds.iter().any(|d| d["creditHold"] == false));
    assert_eq!(find("dispute.opened")[0]["amount"], "200.00");
    assert_eq!(find("dispute.resolved")[0]["status"], "REJECTED");
    assert_eq!(find("promise.created")[0]["amount"], "1200.00");
    assert_eq!(find("payment.reversed")[0]["reversalReason"], "Bounced");
    assert_eq!(find("invoice.voided")[0]["status"], "VOID");
    assert_eq!(find("invoice.voided")[0]["voidReason"], "Issued twice");

    // The promise's date and grace pass unpaid: broken.
    duely_backend::collections::promises::evaluate(
        &app.db,
        acme.id(),
        invoice.due_date + chrono::Days::new(30),
    )
    .await
    .unwrap();
    let heard = receiver.wait_for(expected.len() + 1).await;
    let broken = heard.last().unwrap();
    assert_eq!(broken.json["type"], "promise.broken");
    assert_eq!(broken.json["data"]["status"], "BROKEN");

    // A write-off that waits for the owner's approval: the decision is an event.
    call(
        "mutation($input: SaveApprovalPolicyInput!) { saveApprovalPolicy(input: $input) { policy { action } } }",
        json!({ "action": "WRITE_OFF", "enabled": true, "thresholds": [
            { "currency": "CNY", "above": "0", "levels": [{ "role": "OWNER" }] }] }),
        "saveApprovalPolicy",
    )
    .await;
    let finance = acme.member("finance_manager").await;
    let second = acme.invoice(&buyer, "80").await;
    let asked = ok(
        &app,
        &finance,
        "mutation($input: WriteOffInvoiceInput!) { writeOffInvoice(input: $input) { approvalRequest { id } } }",
        json!({ "input": { "invoiceId": second.id, "reason": "Gone", "requestApproval": true } }),
        "writeOffInvoice",
    )
    .await;
    call(
        "mutation($input: DecideApprovalRequestInput!) { approveApprovalRequest(input: $input) { approvalRequest { id status } } }",
        json!({ "requestId": asked["approvalRequest"]["id"], "comment": "ok" }),
        "approveApprovalRequest",
    )
    .await;
    let heard = receiver.wait_for(expected.len() + 4).await;
    let later: Vec<&str> = heard[expected.len() + 1..]
        .iter()
        .map(|h| h.json["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        later,
        ["invoice.issued", "invoice.written_off", "approval.decided"],
        "the write-off ran as it was approved"
    );
    assert_eq!(heard.last().unwrap().json["data"]["status"], "APPROVED");
}

#[tokio::test]
async fn the_delivery_log_is_kept_thirty_days() {
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let (receiver, url) = Receiver::start().await;
    let (endpoint_id, _) = endpoint(&acme, &url, &["invoice.issued"]).await;
    let buyer = acme.customer("B-1").await;
    acme.invoice(&buyer, "100").await;
    receiver.wait_for(1).await;
    // A test event whose first attempt fails: still pending when the old log goes.
    *receiver.always.lock().unwrap() = Some(500);
    ok(
        &app,
        &acme.owner,
        "mutation($input: SendTestWebhookEventInput!) { sendTestWebhookEvent(input: $input) { delivery { id } } }",
        json!({ "input": { "endpointId": endpoint_id } }),
        "sendTestWebhookEvent",
    )
    .await;
    receiver.wait_for(2).await;
    attempts_recorded(&acme, 1).await;
    let schema = acme.id().schema_name();
    let left = || {
        let (db, schema) = (app.db.clone(), schema.clone());
        async move {
            (
                count(
                    &db,
                    &format!("SELECT count(*) FROM \"{schema}\".webhook_deliveries"),
                )
                .await,
                count(
                    &db,
                    &format!("SELECT count(*) FROM \"{schema}\".webhook_events"),
                )
                .await,
                count(
                    &db,
                    &format!("SELECT count(*) FROM \"{schema}\".webhook_attempts"),
                )
                .await,
            )
        }
    };
    let mut before = left().await;
    for _ in 0..50 {
        if before.2 == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        before = left().await;
    }
    assert_eq!(before, (2, 2, 2));

    // 29 days on, nothing goes; 31 days on, the delivered one goes with its event and attempt.
    let pruned = |days: i64| {
        duely_backend::webhooks::retention::prune(
            &app.db,
            acme.id(),
            Utc::now() + chrono::Duration::days(days),
        )
    };
    assert_eq!(pruned(29).await.unwrap(), (0, 0));
    assert_eq!(pruned(31).await.unwrap(), (1, 1));
    assert_eq!(left().await, (1, 1, 1), "the pending delivery stays");
}
