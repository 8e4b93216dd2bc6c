//! Billing against the Stripe stand-in (`infra/stripe_standin.py`, started by the test
//! command): plans and their limits, the sign-up trial, Checkout and the portal, webhooks
//! signed exactly as Stripe signs them, the subscription's states to read-only and back, a
//! company's own Stripe account, payment links and the payments their events record.

use crate::helpers::{
    PLATFORM_WEBHOOK_SECRET, TestApp, TestSession, count, error_codes, spawn_app, stripe_api_base,
};
use crate::kit::{create_customer, invoice, issue_invoice, ok};
use hmac::{Hmac, Mac};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{Value, json};
use sha2::Sha256;

const SUBSCRIPTION: &str =
    "{ subscription { plan subscribedPlan status trialEndsAt banner bannerUntil readOnly
    hasBillingAccount billingConfigured usage { limit used allowed } } }";

fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

/// `Stripe-Signature` for `body` at `timestamp`, computed as Stripe documents it: the hex
/// HMAC-SHA256 of `"{t}.{body}"` keyed with the endpoint secret.
fn stripe_signature(body: &str, secret: &str, timestamp: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{body}").as_bytes());
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A Stripe event envelope around `object`.
fn event(id: &str, kind: &str, created: i64, object: Value) -> String {
    json!({
        "id": id, "object": "event", "api_version": "2025-03-31.basil", "created": created,
        "data": { "object": object }, "livemode": false, "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": null }, "type": kind,
    })
    .to_string()
}

async fn deliver(app: &TestApp, path: &str, body: &str, signature: Option<String>) -> (u16, Value) {
    let mut request = app
        .client
        .post(app.url(path))
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(signature) = signature {
        request = request.header("Stripe-Signature", signature);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Delivers `body` to `path` signed now with `secret`, as Stripe signs it.
async fn deliver_signed(app: &TestApp, path: &str, body: &str, secret: &str) -> (u16, Value) {
    deliver(app, path, body, Some(stripe_signature(body, secret, now()))).await
}

async fn deliver_platform(app: &TestApp, body: &str) -> (u16, Value) {
    deliver_signed(app, "/webhooks/stripe", body, PLATFORM_WEBHOOK_SECRET).await
}

/// What the stand-in received, newest last, narrowed to requests mentioning `marker`.
async fn standin_requests(marker: &str) -> Vec<Value> {
    let all: Vec<Value> = reqwest::get(format!("{}/_standin/requests", stripe_api_base()))
        .await
        .expect("the Stripe stand-in runs (use the README's test command)")
        .json()
        .await
        .unwrap();
    all.into_iter()
        .filter(|request| request.to_string().contains(marker))
        .collect()
}

/// The company's trial ended yesterday, unpaid: FREE's limits apply.
async fn end_trial(app: &TestApp, session: &TestSession) {
    app.db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE public.subscriptions SET trial_ends_at = now() - interval '1 day' WHERE tenant_id = $1",
            [session.tenant_id.0.into()],
        ))
        .await
        .unwrap();
}

async fn subscription(app: &TestApp, session: &TestSession) -> Value {
    ok(app, session, SUBSCRIPTION, json!({}), "subscription").await
}

fn usage(subscription: &Value, limit: &str) -> (i64, Value) {
    let row = subscription["usage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["limit"] == limit)
        .unwrap();
    (row["used"].as_i64().unwrap(), row["allowed"].clone())
}

#[tokio::test]
async fn every_sign_up_starts_a_growth_trial_and_plans_show_their_limits() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let mine = subscription(&app, &owner).await;
    assert_eq!(mine["plan"], "GROWTH", "{mine}");
    assert_eq!(mine["status"], "TRIALING");
    assert_eq!(mine["banner"], "TRIAL");
    assert_eq!(mine["readOnly"], false);
    assert_eq!(mine["billingConfigured"], true);
    let ends = chrono::DateTime::parse_from_rfc3339(mine["trialEndsAt"].as_str().unwrap()).unwrap();
    let days = (ends.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_hours();
    assert!((13 * 24..=14 * 24).contains(&days), "{days} hours of trial");
    assert_eq!(usage(&mine, "USERS"), (1, json!(10)));
    assert_eq!(usage(&mine, "CUSTOMERS"), (0, json!(2000)));

    let plans = ok(
        &app,
        &owner,
        "{ plans { plan monthlyPriceUsd purchasable limits { limit allowed } } }",
        json!({}),
        "plans",
    )
    .await;
    let names: Vec<&str> = plans
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["plan"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["FREE", "GROWTH", "SCALE"]);
    assert_eq!(plans[0]["purchasable"], false);
    assert_eq!(plans[1]["purchasable"], true);
    assert_eq!(
        plans[2]["limits"][1],
        json!({ "limit": "CUSTOMERS", "allowed": null })
    );
}

#[tokio::test]
async fn a_plan_limit_names_the_limit_and_the_plan_that_lifts_it_and_changes_nothing() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    // The trial ended unpaid: FREE's limits apply.
    end_trial(&app, &owner).await;
    assert_eq!(subscription(&app, &owner).await["plan"], "FREE");

    let create_key =
        "mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }";
    let first = app
        .graphql_as(
            &owner.access_token,
            create_key,
            json!({ "input": { "name": "ERP", "scopes": ["customers:read"] } }),
        )
        .await;
    assert!(first.get("errors").is_none(), "{first}");
    let second = app
        .graphql_as(
            &owner.access_token,
            create_key,
            json!({ "input": { "name": "BI", "scopes": ["customers:read"] } }),
        )
        .await;
    assert_eq!(error_codes(&second), ["PLAN_LIMIT"], "{second}");
    let extensions = &second["errors"][0]["extensions"];
    assert_eq!(extensions["limit"], "API_KEYS");
    assert_eq!(extensions["upgradeTo"], "GROWTH");
    assert_eq!(extensions["reason"], "PLAN_LIMIT_REACHED");
    assert_eq!(
        extensions["params"],
        json!({ "limit": "API_KEYS", "plan": "FREE", "allowed": 1, "upgradeTo": "GROWTH" })
    );
    assert!(
        second["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("The Free plan allows 1 API key;"),
        "{second}"
    );
    let keys = count(
        &app.db,
        &format!(
            "SELECT count(*) FROM public.api_keys WHERE tenant_id = '{}'",
            owner.tenant_id.0
        ),
    )
    .await;
    assert_eq!(keys, 1);

    // FREE has two seats: the owner and one invitation.
    let invite = "mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { email } } }";
    let first = app
        .graphql_as(
            &owner.access_token,
            invite,
            json!({ "input": { "email": app.email("one"), "role": "COLLECTOR" } }),
        )
        .await;
    assert!(first.get("errors").is_none(), "{first}");
    let second = app
        .graphql_as(
            &owner.access_token,
            invite,
            json!({ "input": { "email": app.email("two"), "role": "COLLECTOR" } }),
        )
        .await;
    assert_eq!(error_codes(&second), ["PLAN_LIMIT"], "{second}");
    assert_eq!(second["errors"][0]["extensions"]["limit"], "USERS");
    assert_eq!(second["errors"][0]["extensions"]["upgradeTo"], "GROWTH");

    // 51 customers in one import: over FREE's 50, so none is imported.
    let mut csv = String::from("code,name\n");
    for n in 0..51 {
        csv.push_str(&format!("C-{n},Customer {n}\n"));
    }
    let import = app
        .graphql_as(
            &owner.access_token,
            "mutation($input: ImportInput!) { importCustomers(input: $input) { imported } }",
            json!({ "input": { "csv": csv } }),
        )
        .await;
    assert_eq!(error_codes(&import), ["PLAN_LIMIT"], "{import}");
    assert_eq!(import["errors"][0]["extensions"]["limit"], "CUSTOMERS");
    let mine = subscription(&app, &owner).await;
    assert_eq!(usage(&mine, "CUSTOMERS"), (0, json!(50)));
    // Within the limit, it works.
    create_customer(&app, &owner, "ONE", json!({})).await;
}

#[tokio::test]
async fn additions_at_once_never_pass_a_plan_limit() {
    let app = spawn_app().await;
    let owner = app.sign_up("Racing", &app.email("owner")).await;
    end_trial(&app, &owner).await;
    assert_eq!(subscription(&app, &owner).await["plan"], "FREE");
    // 49 of FREE's 50 customers, so each kind of addition has room for exactly one more.
    let mut csv = String::from("code,name\n");
    for n in 0..49 {
        csv.push_str(&format!("C-{n},Customer {n}\n"));
    }
    let import = app
        .graphql_as(
            &owner.access_token,
            "mutation($input: ImportInput!) { importCustomers(input: $input) { imported } }",
            json!({ "input": { "csv": csv } }),
        )
        .await;
    assert_eq!(
        import["data"]["importCustomers"]["imported"], 49,
        "{import}"
    );

    let at_once = |query: &'static str, inputs: Vec<Value>| {
        let app = &app;
        let token = owner.access_token.clone();
        async move {
            let answers = futures::future::join_all(inputs.into_iter().map(|input| {
                let token = token.clone();
                async move {
                    app.graphql_as(&token, query, json!({ "input": input }))
                        .await
                }
            }))
            .await;
            let succeeded = answers
                .iter()
                .filter(|answer| answer.get("errors").is_none())
                .count();
            let refused: Vec<Value> = answers
                .iter()
                .filter(|answer| answer.get("errors").is_some())
                .map(|answer| answer["errors"][0]["extensions"]["code"].clone())
                .collect();
            (succeeded, refused)
        }
    };
    let (keys, refused) = at_once(
        "mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }",
        (0..6)
            .map(|n| json!({ "name": format!("Key {n}"), "scopes": ["customers:read"] }))
            .collect(),
    )
    .await;
    assert_eq!(keys, 1, "{refused:?}");
    assert!(
        refused.iter().all(|code| code == "PLAN_LIMIT"),
        "{refused:?}"
    );
    let (invited, refused) = at_once(
        "mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { email } } }",
        (0..6)
            .map(|n| json!({ "email": app.email(&format!("seat{n}")), "role": "VIEWER" }))
            .collect(),
    )
    .await;
    assert_eq!(invited, 1, "{refused:?}");
    assert!(
        refused.iter().all(|code| code == "PLAN_LIMIT"),
        "{refused:?}"
    );
    let (created, refused) = at_once(
        "mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }",
        (0..6)
            .map(|n| json!({ "code": format!("RACE-{n}"), "name": format!("Racer {n}") }))
            .collect(),
    )
    .await;
    assert_eq!(created, 1, "{refused:?}");
    assert!(
        refused.iter().all(|code| code == "PLAN_LIMIT"),
        "{refused:?}"
    );
    let mine = subscription(&app, &owner).await;
    assert_eq!(usage(&mine, "CUSTOMERS"), (50, json!(50)));
    assert_eq!(usage(&mine, "API_KEYS"), (1, json!(1)));
    assert_eq!(usage(&mine, "USERS"), (2, json!(2)));
}

#[tokio::test]
async fn checkout_and_the_portal_go_to_stripe_for_the_company_s_one_customer() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let tenant = owner.tenant_id.to_string();
    let start = "mutation($input: StartCheckoutInput!) { startCheckout(input: $input) { url } }";
    let url = ok(
        &app,
        &owner,
        start,
        json!({ "input": { "plan": "SCALE" } }),
        "startCheckout",
    )
    .await["url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        url.starts_with(&format!("{}/checkout/cs_test_", stripe_api_base())),
        "{url}"
    );
    ok(
        &app,
        &owner,
        start,
        json!({ "input": { "plan": "GROWTH" } }),
        "startCheckout",
    )
    .await;
    let sent = standin_requests(&tenant).await;
    let customers: Vec<&Value> = sent
        .iter()
        .filter(|r| r["path"] == "/v1/customers")
        .collect();
    assert_eq!(
        customers.len(),
        1,
        "one Stripe customer per company: {sent:?}"
    );
    assert_eq!(
        customers[0]["form"]["metadata"]["duely_tenant"],
        tenant.as_str()
    );
    assert_eq!(customers[0]["key"], crate::helpers::PLATFORM_STRIPE_KEY);
    // Idempotent per company, so racing requests get one customer from Stripe.
    assert_eq!(
        customers[0]["idempotencyKey"],
        format!("duely-customer-{tenant}").as_str()
    );
    let sessions: Vec<&Value> = sent
        .iter()
        .filter(|r| r["path"] == "/v1/checkout/sessions")
        .collect();
    assert_eq!(sessions.len(), 2);
    let form = &sessions[0]["form"];
    assert_eq!(form["mode"], "subscription");
    assert_eq!(form["client_reference_id"], tenant.as_str());
    assert_eq!(form["line_items"][0]["price"], "price_scale_test");
    assert_eq!(form["line_items"][0]["quantity"], "1");
    assert_eq!(form["subscription_data"]["metadata"]["duely_plan"], "SCALE");
    assert_eq!(
        sessions[1]["form"]["line_items"][0]["price"],
        "price_growth_test"
    );

    let portal = ok(
        &app,
        &owner,
        "mutation { billingPortal { url } }",
        json!({}),
        "billingPortal",
    )
    .await;
    assert!(
        portal["url"].as_str().unwrap().contains("/portal/bps_"),
        "{portal}"
    );
    assert_eq!(subscription(&app, &owner).await["hasBillingAccount"], true);

    let free = app
        .graphql_as(
            &owner.access_token,
            start,
            json!({ "input": { "plan": "FREE" } }),
        )
        .await;
    assert_eq!(error_codes(&free), ["VALIDATION"]);
    assert_eq!(free["errors"][0]["extensions"]["field"], "input.plan");
}

#[tokio::test]
async fn webhook_signatures_are_checked_as_stripe_signs_them() {
    let app = spawn_app().await;
    let body = event(
        "evt_sig_1",
        "product.created",
        now(),
        json!({ "id": "prod_1" }),
    );
    let events = "SELECT count(*) FROM public.stripe_events";

    let wrong_secret = stripe_signature(&body, "whsec_not_ours", now());
    assert_eq!(
        deliver(&app, "/webhooks/stripe", &body, Some(wrong_secret))
            .await
            .0,
        400
    );
    let expired = stripe_signature(&body, PLATFORM_WEBHOOK_SECRET, now() - 301);
    let (status, answer) = deliver(&app, "/webhooks/stripe", &body, Some(expired)).await;
    assert_eq!(status, 400);
    assert!(answer.to_string().contains("tolerance"), "{answer}");
    let signed = stripe_signature(&body, PLATFORM_WEBHOOK_SECRET, now());
    let tampered = body.replace("prod_1", "prod_2");
    assert_eq!(
        deliver(&app, "/webhooks/stripe", &tampered, Some(signed.clone()))
            .await
            .0,
        400
    );
    assert_eq!(deliver(&app, "/webhooks/stripe", &body, None).await.0, 400);
    assert_eq!(
        count(&app.db, events).await,
        0,
        "a refused event leaves nothing"
    );

    // Valid, with a second v1 from a rolled secret: accepted, and unknown types acknowledged.
    let rolled = format!("{signed},v1={}", "ab".repeat(32));
    let (status, answer) = deliver(&app, "/webhooks/stripe", &body, Some(rolled)).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["duplicate"], false);
    let (status, again) = deliver_platform(&app, &body).await;
    assert_eq!((status, again["duplicate"].clone()), (200, json!(true)));
    assert_eq!(count(&app.db, events).await, 1);
}

#[tokio::test]
async fn a_hostile_signature_header_or_a_large_body_is_refused_before_any_hashing() {
    let app = spawn_app().await;
    let owner = app.sign_up("Hostile", &app.email("owner")).await;
    let company_path = format!("/webhooks/stripe/{}", owner.tenant_id);
    // 100,000 empty `v1` entries (about 400 KB, within what the HTTP server reads as headers)
    // over a 200 KiB body: an hour of HMACs before, a 400 naming the limit now.
    let entries = format!("t={}{}", now(), ",v1=".repeat(100_000));
    let body = format!(
        r#"{{"id":"evt_hostile","pad":"{}"}}"#,
        "x".repeat(200 * 1024)
    );
    for path in ["/webhooks/stripe", company_path.as_str()] {
        let started = std::time::Instant::now();
        let (status, answer) = deliver(&app, path, &body, Some(entries.clone())).await;
        assert_eq!(status, 400, "{path}: {answer}");
        assert!(
            answer.to_string().contains("at most 4096 are accepted"),
            "{path}: {answer}"
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
    // Nine entries: over the entry limit though short.
    let nine = format!(
        "t={}{}",
        now(),
        format!(",v1={}", "ab".repeat(32)).repeat(8)
    );
    let (status, answer) = deliver(&app, "/webhooks/stripe", &body, Some(nine)).await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer.to_string().contains("9 entries"), "{answer}");
    // A 2 MiB body never reaches the handler.
    let large = format!(r#"{{"pad":"{}"}}"#, "x".repeat(2 * 1024 * 1024));
    for path in ["/webhooks/stripe", company_path.as_str()] {
        let signed = stripe_signature(&large, PLATFORM_WEBHOOK_SECRET, now());
        assert_eq!(
            deliver(&app, path, &large, Some(signed)).await.0,
            413,
            "{path}"
        );
    }
    assert_eq!(
        count(&app.db, "SELECT count(*) FROM public.stripe_events").await,
        0
    );
}

async fn stripe_customer_of(app: &TestApp, session: &TestSession) -> String {
    ok(
        app,
        session,
        "mutation { billingPortal { url } }",
        json!({}),
        "billingPortal",
    )
    .await;
    let row = app
        .db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT stripe_customer_id FROM public.subscriptions WHERE tenant_id = $1",
            [session.tenant_id.0.into()],
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<String>("", "stripe_customer_id").unwrap()
}

fn stripe_subscription(customer: &str, status: &str, price: &str) -> Value {
    json!({
        "id": "sub_test_1", "object": "subscription", "customer": customer, "status": status,
        "cancel_at_period_end": false, "metadata": {},
        "items": { "object": "list", "has_more": false, "url": "/v1/subscription_items", "data": [{
            "id": "si_1", "object": "subscription_item", "quantity": 1,
            "current_period_start": now(), "current_period_end": now() + 30 * 86_400,
            "price": { "id": price, "object": "price", "currency": "usd", "unit_amount": 19_900 },
        }]},
    })
}

#[tokio::test]
async fn the_subscription_follows_stripe_past_due_and_canceled_to_read_only_and_back() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let tenant = owner.tenant_id.to_string();
    let customer = stripe_customer_of(&app, &owner).await;
    let start = now() - 100;

    let completed = event(
        "evt_sub_1",
        "checkout.session.completed",
        start,
        json!({
            "id": "cs_test_sub", "object": "checkout.session", "mode": "subscription", "status": "complete",
            "payment_status": "paid", "customer": customer, "client_reference_id": tenant,
            "subscription": "sub_test_1", "metadata": { "duely_tenant": tenant, "duely_plan": "SCALE" },
        }),
    );
    assert_eq!(deliver_platform(&app, &completed).await.0, 200);
    let mine = subscription(&app, &owner).await;
    assert_eq!(
        (
            mine["plan"].clone(),
            mine["status"].clone(),
            mine["banner"].clone()
        ),
        (json!("SCALE"), json!("ACTIVE"), Value::Null),
        "{mine}"
    );

    // A plan changed in the Billing Portal: the subscription's price says which.
    let downgraded = event(
        "evt_sub_1b",
        "customer.subscription.updated",
        start + 7,
        stripe_subscription(&customer, "active", "price_growth_test"),
    );
    assert_eq!(deliver_platform(&app, &downgraded).await.0, 200);
    assert_eq!(subscription(&app, &owner).await["plan"], "GROWTH");
    // A second subscription (another tab's checkout) ending does not end the company's.
    let mut stray = stripe_subscription(&customer, "canceled", "price_scale_test");
    stray["id"] = json!("sub_test_stray");
    let stray = event(
        "evt_sub_1c",
        "customer.subscription.deleted",
        start + 8,
        stray,
    );
    assert_eq!(deliver_platform(&app, &stray).await.0, 200);
    assert_eq!(subscription(&app, &owner).await["status"], "ACTIVE");

    let past_due = event(
        "evt_sub_2",
        "customer.subscription.updated",
        start + 10,
        stripe_subscription(&customer, "past_due", "price_scale_test"),
    );
    assert_eq!(deliver_platform(&app, &past_due).await.0, 200);
    // Delivered late, an older "active" does not undo the newer "past due".
    let stale = event(
        "evt_sub_0",
        "customer.subscription.updated",
        start + 5,
        stripe_subscription(&customer, "active", "price_scale_test"),
    );
    assert_eq!(deliver_platform(&app, &stale).await.0, 200);
    let mine = subscription(&app, &owner).await;
    assert_eq!(mine["status"], "PAST_DUE", "{mine}");
    assert_eq!(mine["banner"], "PAST_DUE");
    assert_eq!(mine["readOnly"], false);
    assert!(mine["bannerUntil"].is_string());

    // Canceled 15 days ago (the grace period is 14): read-only, with nothing deleted.
    let buyer = create_customer(&app, &owner, "KEEP", json!({})).await;
    let canceled = event(
        "evt_sub_3",
        "customer.subscription.deleted",
        now() - 15 * 86_400 + 60,
        stripe_subscription(&customer, "canceled", "price_scale_test"),
    );
    // Stripe's timestamp order: the deletion is "older" than the past-due state here, so make
    // the past-due state older still, as a retried old deletion would find it.
    app.db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE public.subscriptions SET stripe_state_at = now() - interval '20 days' WHERE tenant_id = $1",
            [owner.tenant_id.0.into()],
        ))
        .await
        .unwrap();
    assert_eq!(deliver_platform(&app, &canceled).await.0, 200);
    let mine = subscription(&app, &owner).await;
    assert_eq!(
        (
            mine["status"].clone(),
            mine["readOnly"].clone(),
            mine["banner"].clone()
        ),
        (json!("CANCELED"), json!(true), json!("READ_ONLY")),
        "{mine}"
    );

    let refused =
        crate::kit::create_invoice_raw(&app, &owner, &id(&buyer), "100", true, json!({})).await;
    assert_eq!(error_codes(&refused), ["READ_ONLY"], "{refused}");
    let key = app.graphql_as(&owner.access_token, "mutation { createApiKey(input: { name: \"x\", scopes: [\"customers:read\"] }) { secret } }", json!({})).await;
    assert_eq!(error_codes(&key), ["READ_ONLY"], "{key}");
    let me = ok(
        &app,
        &owner,
        "{ me { tenant { status } } }",
        json!({}),
        "me",
    )
    .await;
    assert_eq!(me["tenant"]["status"], "READ_ONLY");
    // Reading still works, and every record is there.
    let customers = ok(
        &app,
        &owner,
        "{ customers { totalCount } }",
        json!({}),
        "customers",
    )
    .await;
    assert_eq!(customers["totalCount"], 1);

    // Subscribing again restores everything.
    let renewed = event(
        "evt_sub_4",
        "checkout.session.completed",
        now(),
        json!({
            "id": "cs_test_again", "object": "checkout.session", "mode": "subscription", "status": "complete",
            "payment_status": "paid", "customer": customer, "client_reference_id": tenant,
            "subscription": "sub_test_2", "metadata": { "duely_tenant": tenant, "duely_plan": "GROWTH" },
        }),
    );
    assert_eq!(deliver_platform(&app, &renewed).await.0, 200);
    let mine = subscription(&app, &owner).await;
    assert_eq!(
        (
            mine["plan"].clone(),
            mine["status"].clone(),
            mine["readOnly"].clone()
        ),
        (json!("GROWTH"), json!("ACTIVE"), json!(false)),
        "{mine}"
    );
    issue_invoice(&app, &owner, &id(&buyer), "100", json!({})).await;
}

const CONNECT: &str =
    "mutation($input: ConnectStripeAccountInput!) { connectStripeAccount(input: $input) {
    paymentSettings { stripeConnected keyLast4 livemode webhookUrl } } }";

async fn connect(app: &TestApp, session: &TestSession, key: &str, secret: &str) -> Value {
    app.graphql_as(
        &session.access_token,
        CONNECT,
        json!({ "input": { "secretKey": key, "webhookSecret": secret } }),
    )
    .await
}

fn payment_event(id: &str, kind: &str, object: Value) -> String {
    event(id, kind, now(), object)
}

#[tokio::test]
async fn a_company_s_stripe_payment_is_recorded_and_allocated_once_however_often_it_is_reported() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let tenant = owner.tenant_id.to_string();
    let key = format!("sk_test_acme_{}", &tenant.replace('-', "")[..16]);
    let secret = "whsec_acme_endpoint";

    // A key Stripe refuses is not stored.
    let refused = connect(&app, &owner, "sk_test_invalid_key_000000", secret).await;
    assert_eq!(error_codes(&refused), ["PROVIDER_ERROR"], "{refused}");
    let malformed = connect(&app, &owner, "pk_test_123", secret).await;
    assert_eq!(
        malformed["errors"][0]["extensions"]["field"],
        "input.secretKey"
    );
    let connected = connect(&app, &owner, &key, secret).await;
    let settings = &connected["data"]["connectStripeAccount"]["paymentSettings"];
    assert_eq!(settings["stripeConnected"], true, "{connected}");
    assert_eq!(settings["keyLast4"], &key[key.len() - 4..]);
    let webhook_url = settings["webhookUrl"].as_str().unwrap();
    assert!(
        webhook_url.ends_with(&format!("/webhooks/stripe/{tenant}")),
        "{webhook_url}"
    );
    // Sealed at rest: the key's text is nowhere in the row.
    let stored = app
        .db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!(r#"SELECT encode(secret_key_sealed, 'escape') || encode(webhook_secret_sealed, 'escape') AS sealed FROM "{}".stripe_account"#, owner.tenant_id.schema_name()),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<String>("", "sealed")
        .unwrap();
    assert!(!stored.contains(&key) && !stored.contains(secret));

    let buyer = create_customer(
        &app,
        &owner,
        "BUY",
        json!({ "contacts": [{ "name": "Wang", "email": app.email("wang") }] }),
    )
    .await;
    let older = issue_invoice(&app, &owner, &id(&buyer), "1000", json!({})).await;
    let target = issue_invoice(&app, &owner, &id(&buyer), "500", json!({})).await;
    let link = ok(
        &app,
        &owner,
        "mutation($input: CreatePaymentLinkInput!) { createPaymentLink(input: $input) { url } }",
        json!({ "input": { "invoiceId": id(&target) } }),
        "createPaymentLink",
    )
    .await;
    assert!(
        link["url"].as_str().unwrap().contains("/checkout/cs_test_"),
        "{link}"
    );
    let sent = standin_requests(&tenant).await;
    let session_request = sent
        .iter()
        .rev()
        .find(|r| r["path"] == "/v1/checkout/sessions")
        .unwrap();
    assert_eq!(
        session_request["key"],
        key.as_str(),
        "the company's own key"
    );
    let form = &session_request["form"];
    assert_eq!(form["mode"], "payment");
    assert_eq!(form["line_items"][0]["price_data"]["currency"], "cny");
    assert_eq!(form["line_items"][0]["price_data"]["unit_amount"], "50000");
    assert_eq!(form["customer_email"], app.email("wang"));
    let link_id = form["payment_intent_data"]["metadata"]["duely_link"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(form["metadata"]["duely_link"], link_id.as_str());

    let path = format!("/webhooks/stripe/{tenant}");
    let completed = payment_event(
        "evt_pay_1",
        "checkout.session.completed",
        json!({
            "id": "cs_test_paid", "object": "checkout.session", "mode": "payment", "status": "complete",
            "payment_status": "paid", "amount_total": 50_000, "currency": "cny", "payment_intent": "pi_test_1",
            "metadata": { "duely_link": link_id },
        }),
    );
    // The same event five times at once, then the PaymentIntent's own event: one payment.
    let signature = stripe_signature(&completed, secret, now());
    let deliveries = (0..5).map(|_| deliver(&app, &path, &completed, Some(signature.clone())));
    let answers = futures::future::join_all(deliveries).await;
    assert!(
        answers.iter().all(|(status, _)| *status == 200),
        "{answers:?}"
    );
    assert_eq!(
        answers
            .iter()
            .filter(|(_, body)| body["duplicate"] == false)
            .count(),
        1
    );
    let succeeded = payment_event(
        "evt_pay_2",
        "payment_intent.succeeded",
        json!({
            "id": "pi_test_1", "object": "payment_intent", "status": "succeeded", "amount": 50_000,
            "amount_received": 50_000, "currency": "cny", "metadata": { "duely_link": link_id },
        }),
    );
    assert_eq!(deliver_signed(&app, &path, &succeeded, secret).await.0, 200);

    let payments = ok(&app, &owner, "{ payments { totalCount edges { node { method reference amount { amount } allocations { invoiceId amount { amount } } } } } }", json!({}), "payments").await;
    assert_eq!(payments["totalCount"], 1, "{payments}");
    let payment = &payments["edges"][0]["node"];
    assert_eq!(payment["method"], "STRIPE");
    assert_eq!(payment["reference"], "pi_test_1");
    assert_eq!(payment["amount"]["amount"], "500.00");
    assert_eq!(payment["allocations"][0]["invoiceId"], id(&target).as_str());
    assert_eq!(invoice(&app, &owner, &id(&target)).await["status"], "PAID");
    assert_eq!(
        invoice(&app, &owner, &id(&older)).await["balanceDue"]["amount"],
        "1000.00"
    );

    // A second payment through the same link, larger than what the invoice still owes: the
    // invoice is paid, so it goes to the oldest due invoice and the rest stays as credit.
    let more = payment_event(
        "evt_pay_5",
        "payment_intent.succeeded",
        json!({
            "id": "pi_test_more", "object": "payment_intent", "status": "succeeded", "amount": 150_000,
            "amount_received": 150_000, "currency": "cny", "metadata": { "duely_link": link_id },
        }),
    );
    assert_eq!(deliver_signed(&app, &path, &more, secret).await.0, 200);
    assert_eq!(invoice(&app, &owner, &id(&older)).await["status"], "PAID");
    let credit = crate::kit::customer(&app, &owner, &id(&buyer)).await;
    assert_eq!(credit["unappliedCredit"]["amount"], "500.00", "{credit}");

    // In flight, then failed: both in the customer's timeline; in flight pauses dunning.
    let today = duely_backend::db::tenant_calendar(&app.db, owner.tenant_id)
        .await
        .unwrap()
        .today;
    let late = issue_invoice(&app, &owner, &id(&buyer), "800", json!({
        "issueDate": (today - chrono::Days::new(60)).to_string(), "dueDate": (today - chrono::Days::new(30)).to_string(),
    })).await;
    let preview = "query($date: Date!) { previewDunningRun(date: $date) { customers { customer { id } paused } } }";
    let paused = |body: Value| {
        body["customers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|row| row["customer"]["id"] == id(&buyer).as_str())
            .map(|row| row["paused"].clone())
    };
    let before = ok(
        &app,
        &owner,
        preview,
        json!({ "date": today.to_string() }),
        "previewDunningRun",
    )
    .await;
    assert_eq!(
        paused(before),
        Some(Value::Null),
        "dunning is due for {}",
        id(&late)
    );
    // Stripe's `created` is whole seconds: a moment after the payment just recorded.
    let processing = event(
        "evt_pay_3",
        "payment_intent.processing",
        now() + 2,
        json!({
            "id": "pi_test_2", "object": "payment_intent", "status": "processing", "amount": 100_000,
            "amount_received": 0, "currency": "cny", "metadata": { "duely_link": link_id },
        }),
    );
    assert_eq!(
        deliver_signed(&app, &path, &processing, secret).await.0,
        200
    );
    let during = ok(
        &app,
        &owner,
        preview,
        json!({ "date": today.to_string() }),
        "previewDunningRun",
    )
    .await;
    assert_eq!(
        paused(during),
        Some(json!("PAYMENT_IN_FLIGHT")),
        "a payment in flight pauses dunning"
    );
    // The payment then fails (a moment later): the money is not in flight any more.
    let failed = event(
        "evt_pay_4",
        "payment_intent.payment_failed",
        now() + 4,
        json!({
            "id": "pi_test_3", "object": "payment_intent", "status": "requires_payment_method", "amount": 100_000,
            "amount_received": 0, "currency": "cny", "metadata": { "duely_link": link_id },
            "last_payment_error": { "type": "card_error", "code": "card_declined", "message": "Your card was declined." },
        }),
    );
    assert_eq!(deliver_signed(&app, &path, &failed, secret).await.0, 200);
    let after_failure = ok(
        &app,
        &owner,
        preview,
        json!({ "date": today.to_string() }),
        "previewDunningRun",
    )
    .await;
    assert_eq!(
        paused(after_failure),
        Some(Value::Null),
        "a failed payment ends the pause"
    );
    let log = ok(&app, &owner, "query($id: ID!) { collectionActivities(filter: { customerId: $id }) { edges { node { outcome note } } } }",
        json!({ "id": id(&buyer) }), "collectionActivities").await;
    let notes: Vec<(String, String)> = log["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| {
            (
                edge["node"]["outcome"].as_str().unwrap().to_owned(),
                edge["node"]["note"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert!(
        notes
            .iter()
            .any(|(outcome, note)| outcome == "PAYMENT_CONFIRMED"
                && note.contains("CNY 1000.00 is processing")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|(outcome, note)| outcome == "OTHER" && note.contains("Your card was declined.")),
        "{notes:?}"
    );

    // Another company's endpoint: A's signature does not open B's door, and B's data is untouched.
    let other = app.sign_up("Other", &app.email("other")).await;
    let other_path = format!("/webhooks/stripe/{}", other.tenant_id);
    assert_eq!(
        deliver(&app, &other_path, &completed, Some(signature.clone()))
            .await
            .0,
        404,
        "B has no account"
    );
    assert_eq!(
        connect(
            &app,
            &other,
            "sk_test_other_company_key_1",
            "whsec_other_endpoint"
        )
        .await
        .get("errors"),
        None
    );
    let replay = payment_event(
        "evt_pay_9",
        "checkout.session.completed",
        json!({
            "id": "cs_test_x", "object": "checkout.session", "mode": "payment", "payment_status": "paid",
            "amount_total": 50_000, "currency": "cny", "payment_intent": "pi_test_9", "metadata": { "duely_link": link_id },
        }),
    );
    assert_eq!(
        deliver_signed(&app, &other_path, &replay, secret).await.0,
        400
    );
    // Even validly signed for B, A's link id means nothing in B.
    assert_eq!(
        deliver_signed(&app, &other_path, &replay, "whsec_other_endpoint")
            .await
            .0,
        200
    );
    let theirs = ok(
        &app,
        &other,
        "{ payments { totalCount } }",
        json!({}),
        "payments",
    )
    .await;
    assert_eq!(theirs["totalCount"], 0);
    assert_eq!(
        ok(
            &app,
            &owner,
            "{ payments { totalCount } }",
            json!({}),
            "payments"
        )
        .await["totalCount"],
        2
    );
}

#[tokio::test]
async fn the_public_statement_pays_the_open_balance_and_links_need_a_connected_account() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let contact = app.email("buyer");
    let buyer = create_customer(
        &app,
        &owner,
        "BUY",
        json!({ "contacts": [{ "name": "Wang", "email": contact }] }),
    )
    .await;
    let first = issue_invoice(&app, &owner, &id(&buyer), "300", json!({})).await;
    issue_invoice(&app, &owner, &id(&buyer), "200.50", json!({})).await;
    let not_connected = app.graphql_as(&owner.access_token, "mutation($input: CreatePaymentLinkInput!) { createPaymentLink(input: $input) { url } }",
        json!({ "input": { "invoiceId": id(&first) } })).await;
    assert_eq!(
        error_codes(&not_connected),
        ["NOT_CONFIGURED"],
        "{not_connected}"
    );

    let tenant = owner.tenant_id.to_string();
    let key = format!("sk_test_stmt_{}", &tenant.replace('-', "")[..16]);
    assert_eq!(
        connect(&app, &owner, &key, "whsec_stmt")
            .await
            .get("errors"),
        None
    );
    let today = duely_backend::db::tenant_calendar(&app.db, owner.tenant_id)
        .await
        .unwrap()
        .today;
    ok(&app, &owner, "mutation($input: SendStatementInput!) { sendStatement(input: $input) { sentTo } }",
        json!({ "input": { "customerId": id(&buyer), "from": (today - chrono::Days::new(30)).to_string(), "to": today.to_string() } }),
        "sendStatement").await;
    let email = app.email_to(&contact).await;
    let start = email.find("duely_stm_").unwrap();
    let token: String = email[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let paid = app
        .graphql(
            "mutation($input: PayStatementInput!) { payStatement(input: $input) { url } }",
            json!({ "input": { "token": token } }),
        )
        .await;
    assert!(
        paid["data"]["payStatement"]["url"]
            .as_str()
            .unwrap_or("")
            .contains("/checkout/"),
        "{paid}"
    );
    let sent = standin_requests(&key).await;
    let amount = &sent.last().unwrap()["form"]["line_items"][0]["price_data"]["unit_amount"];
    assert_eq!(amount, "50050", "the open balance 300 + 200.50 in fen");
    let bad = app
        .graphql(
            "mutation { payStatement(input: { token: \"duely_stm_nonsense\" }) { url } }",
            json!({}),
        )
        .await;
    assert_eq!(error_codes(&bad), ["NOT_FOUND"]);
}

#[tokio::test]
async fn without_stripe_configured_duely_runs_and_billing_says_so() {
    let database_url = crate::helpers::fresh_database().await;
    let config = crate::helpers::test_config(
        &[
            ("DUELY_STRIPE_SECRET_KEY", ""),
            ("DUELY_STRIPE_WEBHOOK_SECRET", ""),
            ("DUELY_STRIPE_PRICE_GROWTH", ""),
            ("DUELY_STRIPE_PRICE_SCALE", ""),
        ],
        &database_url,
    );
    let app = crate::helpers::spawn_app_with(config).await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let mine = subscription(&app, &owner).await;
    assert_eq!(mine["billingConfigured"], false);
    assert_eq!(mine["plan"], "GROWTH");
    let plans = ok(
        &app,
        &owner,
        "{ plans { purchasable } }",
        json!({}),
        "plans",
    )
    .await;
    assert!(
        plans
            .as_array()
            .unwrap()
            .iter()
            .all(|plan| plan["purchasable"] == false)
    );
    let checkout = app
        .graphql_as(
            &owner.access_token,
            "mutation { startCheckout(input: { plan: GROWTH }) { url } }",
            json!({}),
        )
        .await;
    assert_eq!(
        error_codes(&checkout),
        ["VALIDATION"],
        "no price configured: {checkout}"
    );
    let portal = app
        .graphql_as(
            &owner.access_token,
            "mutation { billingPortal { url } }",
            json!({}),
        )
        .await;
    assert_eq!(error_codes(&portal), ["NOT_CONFIGURED"], "{portal}");
    let body = event("evt_none", "invoice.paid", now(), json!({}));
    let signature = stripe_signature(&body, PLATFORM_WEBHOOK_SECRET, now());
    assert_eq!(
        deliver(&app, "/webhooks/stripe", &body, Some(signature))
            .await
            .0,
        503
    );
    // Everything else works.
    create_customer(&app, &owner, "C-1", json!({})).await;
}
