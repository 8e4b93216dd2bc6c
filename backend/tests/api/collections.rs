//! Collections: the activity log and promises to pay, judged by a job whose clock is the
//! caller's.

use crate::helpers::{count, error_codes, spawn_app};
use crate::kit::{create_customer, issue_invoice, ok, record_payment_raw};
use chrono::{Days, NaiveDate};
use duely_backend::collections::promises;
use serde_json::{Value, json};

const LOG: &str = "mutation($input: LogCollectionActivityInput!) { logCollectionActivity(input: $input) {
    activity { id channel outcome note invoices { number } loggedBy promise { id status amount { amount } promisedDate } } } }";
const PROMISES: &str = "query($id: ID!) { promisesToPay(filter: { customerId: $id }) { totalCount edges { node { id status paidAmount { amount } } } } }";

fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_collector_logs_a_call_with_a_promise_and_the_job_judges_it() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let collector = crate::kit::join(&app, &owner, &app.email("collector"), "COLLECTOR").await;
    let mine = create_customer(
        &app,
        &owner,
        "MINE",
        json!({ "collectorId": collector.user_id }),
    )
    .await;
    let other = create_customer(&app, &owner, "OTHER", json!({})).await;
    let invoice = issue_invoice(&app, &owner, &id(&mine), "1000", json!({})).await;
    let today = duely_backend::db::tenant_calendar(&app.db, owner.tenant_id)
        .await
        .unwrap()
        .today;
    let promised = today + Days::new(7);

    let logged = ok(
        &app,
        &collector,
        LOG,
        json!({ "input": {
            "customerId": id(&mine), "invoiceIds": [id(&invoice)], "channel": "PHONE", "outcome": "PROMISE_TO_PAY",
            "note": "Finance head promised the transfer next week", "contactName": "Wang Fang",
            "promise": { "amount": "600", "promisedDate": promised.to_string() },
        } }),
        "logCollectionActivity",
    )
    .await;
    let activity = &logged["activity"];
    assert_eq!(activity["promise"]["status"], "OPEN", "{logged}");
    assert_eq!(activity["invoices"][0]["number"], "INV-000001");

    // Bad input is refused precisely and writes nothing; another's customer is not found.
    let cases = [
        (
            json!({ "customerId": id(&mine), "channel": "PHONE", "outcome": "PROMISE_TO_PAY" }),
            "VALIDATION",
            "input.promise",
        ),
        (
            json!({ "customerId": id(&mine), "channel": "PHONE", "outcome": "NO_ANSWER", "occurredAt": "2999-01-01T00:00:00Z" }),
            "VALIDATION",
            "input.occurredAt",
        ),
        (
            json!({ "customerId": id(&mine), "channel": "PHONE", "outcome": "PROMISE_TO_PAY", "promise": { "amount": "0", "promisedDate": promised.to_string() } }),
            "VALIDATION",
            "input.promise.amount",
        ),
        (
            // An open promise pauses the ladder: one dated 9999-12-31 would pause it forever.
            json!({ "customerId": id(&mine), "channel": "PHONE", "outcome": "PROMISE_TO_PAY", "promise": { "amount": "100", "promisedDate": "9999-12-31" } }),
            "VALIDATION",
            "input.promise.promisedDate",
        ),
        (
            json!({ "customerId": id(&mine), "channel": "VISIT", "outcome": "OTHER", "invoiceIds": ["00000000-0000-0000-0000-000000000000"] }),
            "VALIDATION",
            "input.invoiceIds[0]",
        ),
        (
            json!({ "customerId": id(&other), "channel": "PHONE", "outcome": "NO_ANSWER" }),
            "NOT_FOUND",
            "",
        ),
    ];
    for (input, code, field) in cases {
        let body = app
            .graphql_as(&collector.access_token, LOG, json!({ "input": input }))
            .await;
        assert_eq!(error_codes(&body), [code], "{input}: {body}");
        if !field.is_empty() {
            assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
        }
    }
    let schema = owner.tenant_id.schema_name();
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT count(*) FROM \"{schema}\".collection_activities")
        )
        .await,
        1
    );

    // Nothing paid: open until the date and grace pass, then broken.
    assert_eq!(
        promises::evaluate(&app.db, owner.tenant_id, promised)
            .await
            .unwrap(),
        0
    );
    let after_grace = promised + Days::new(4);
    assert_eq!(
        promises::evaluate(&app.db, owner.tenant_id, after_grace)
            .await
            .unwrap(),
        1
    );
    let listed = ok(
        &app,
        &collector,
        PROMISES,
        json!({ "id": id(&mine) }),
        "promisesToPay",
    )
    .await;
    assert_eq!(listed["edges"][0]["node"]["status"], "BROKEN", "{listed}");
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT count(*) FROM \"{schema}\".audit_log WHERE action = 'promise.broken'")
        )
        .await,
        1
    );

    // Two more promises share a payment of 300 in the order they fall due: the 200 due first
    // is kept at once; the 500 gets the 100 left and is partially kept after its date.
    for (amount, date) in [("500", promised), ("200", promised - Days::new(2))] {
        ok(&app, &collector, LOG, json!({ "input": {
            "customerId": id(&mine), "invoiceIds": [id(&invoice)], "channel": "WECHAT", "outcome": "PROMISE_TO_PAY",
            "promise": { "amount": amount, "promisedDate": date.to_string() },
        } }), "logCollectionActivity").await;
    }
    record_payment_raw(&app, &owner, json!({ "customerId": id(&mine), "amount": "300", "currency": "CNY", "method": "BANK_TRANSFER" })).await;
    assert_eq!(
        promises::evaluate(&app.db, owner.tenant_id, today)
            .await
            .unwrap(),
        1,
        "the 200 promise is covered"
    );
    assert_eq!(
        promises::evaluate(&app.db, owner.tenant_id, after_grace)
            .await
            .unwrap(),
        1,
        "the 500 promise is partly"
    );
    let listed = ok(
        &app,
        &collector,
        PROMISES,
        json!({ "id": id(&mine) }),
        "promisesToPay",
    )
    .await;
    let mut statuses: Vec<&str> = listed["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["status"].as_str().unwrap())
        .collect();
    statuses.sort();
    assert_eq!(statuses, ["BROKEN", "KEPT", "PARTIALLY_KEPT"], "{listed}");
    // Judging twice changes nothing.
    assert_eq!(
        promises::evaluate(&app.db, owner.tenant_id, after_grace)
            .await
            .unwrap(),
        0
    );

    // The activity log reads back, newest first; a collector sees only their customers'.
    let log = ok(&app, &collector, "query($id: ID!) { collectionActivities(filter: { customerId: $id }) { totalCount edges { node { channel outcome } } } }", json!({ "id": id(&mine) }), "collectionActivities").await;
    assert_eq!(log["totalCount"], 3);
    assert_eq!(log["edges"][0]["node"]["channel"], "WECHAT");
    let all = ok(
        &app,
        &collector,
        "{ collectionActivities { totalCount } }",
        json!({}),
        "collectionActivities",
    )
    .await;
    assert_eq!(all["totalCount"], 3);
}

#[tokio::test]
async fn an_open_promise_can_be_cancelled_once_with_a_reason() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let buyer = create_customer(&app, &owner, "B-1", json!({})).await;
    let today = duely_backend::db::tenant_calendar(&app.db, owner.tenant_id)
        .await
        .unwrap()
        .today;
    let logged = ok(
        &app,
        &owner,
        LOG,
        json!({ "input": {
        "customerId": id(&buyer), "channel": "EMAIL", "outcome": "PROMISE_TO_PAY",
        "promise": { "amount": "50", "promisedDate": today.to_string() },
    } }),
        "logCollectionActivity",
    )
    .await;
    let promise_id = logged["activity"]["promise"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let cancel = "mutation($input: CancelPromiseInput!) { cancelPromise(input: $input) { promise { status cancelReason } } }";
    let done = ok(
        &app,
        &owner,
        cancel,
        json!({ "input": { "promiseId": promise_id, "reason": "Logged twice" } }),
        "cancelPromise",
    )
    .await;
    assert_eq!(done["promise"]["status"], "CANCELLED");
    let again = app
        .graphql_as(
            &owner.access_token,
            cancel,
            json!({ "input": { "promiseId": promise_id, "reason": "x" } }),
        )
        .await;
    assert_eq!(error_codes(&again), ["CONFLICT"]);
}

const PREVIEW: &str = "query($date: Date!) { previewDunningRun(date: $date) { customers { customer { code } policyName paused steps { step { offsetDays action name } invoices { number daysOverdue } total { amount } } } } }";

#[tokio::test]
async fn dunning_ladders_are_kept_and_a_preview_shows_what_a_run_would_do() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let policies = ok(
        &app,
        &owner,
        "{ dunningPolicies { name isDefault steps { offsetDays action } } }",
        json!({}),
        "dunningPolicies",
    )
    .await;
    assert_eq!(policies[0]["name"], "Standard");
    assert_eq!(policies[0]["isDefault"], true);
    assert_eq!(
        policies[0]["steps"].as_array().unwrap().len(),
        9,
        "the default ladder: -3, 0, 7, 15, 30, 31, 45, 60, 90"
    );

    let a = create_customer(&app, &owner, "A", json!({ "segment": "Export" })).await;
    let b = create_customer(&app, &owner, "B", json!({})).await;
    let due = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    for customer in [&a, &b] {
        issue_invoice(
            &app,
            &owner,
            &id(customer),
            "100",
            json!({ "issueDate": "2026-02-01", "dueDate": due.to_string() }),
        )
        .await;
        issue_invoice(
            &app,
            &owner,
            &id(customer),
            "50",
            json!({ "issueDate": "2026-02-01", "dueDate": due.to_string() }),
        )
        .await;
    }
    // Three days before: one polite reminder per customer covering both invoices.
    let before = ok(
        &app,
        &owner,
        PREVIEW,
        json!({ "date": (due - Days::new(3)).to_string() }),
        "previewDunningRun",
    )
    .await;
    let first = &before["customers"][0];
    assert_eq!(first["steps"][0]["step"]["offsetDays"], -3, "{before}");
    assert_eq!(first["steps"][0]["invoices"].as_array().unwrap().len(), 2);
    assert_eq!(first["steps"][0]["total"]["amount"], "150.00");

    // A short ladder for the Export segment; B stays on the default.
    let saved = ok(&app, &owner,
        "mutation($input: SaveDunningPolicyInput!) { saveDunningPolicy(input: $input) { policy { id name steps { offsetDays } } } }",
        json!({ "input": { "name": "Export firm", "steps": [
            { "offsetDays": 20, "action": "CALL_TASK", "name": "Call the importer" },
            { "offsetDays": 5, "action": "SEND_EMAIL", "name": "Reminder" },
        ] } }), "saveDunningPolicy").await;
    assert_eq!(
        saved["policy"]["steps"][0]["offsetDays"], 5,
        "steps are kept in day order"
    );
    let export_id = saved["policy"]["id"].as_str().unwrap().to_owned();
    ok(&app, &owner,
        "mutation($input: AssignDunningPolicyInput!) { assignDunningPolicy(input: $input) { policy { segments } } }",
        json!({ "input": { "policyId": export_id, "segment": "Export" } }), "assignDunningPolicy").await;
    let later = ok(
        &app,
        &owner,
        PREVIEW,
        json!({ "date": (due + Days::new(21)).to_string() }),
        "previewDunningRun",
    )
    .await;
    let by_code = |code: &str| {
        later["customers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["customer"]["code"] == code)
            .cloned()
            .unwrap()
    };
    assert_eq!(by_code("A")["policyName"], "Export firm");
    assert_eq!(by_code("A")["steps"][0]["step"]["action"], "CALL_TASK");
    assert_eq!(
        by_code("B")["steps"][0]["step"]["offsetDays"],
        15,
        "the default ladder's call"
    );

    // The editor's preview of an unsaved ladder: an edit of Export firm replaces its steps for
    // A; a new ladder is shown as if everyone were on it. Nothing is saved.
    const DRAFT: &str = "query($date: Date!, $draft: SaveDunningPolicyInput) { previewDunningRun(date: $date, draft: $draft) { customers { customer { code } policyName steps { step { offsetDays action name } } } } }";
    let day = (due + Days::new(21)).to_string();
    let edited = ok(
        &app,
        &owner,
        DRAFT,
        json!({ "date": day, "draft": { "policyId": export_id, "name": "Export firm", "steps": [
        { "offsetDays": 21, "action": "VISIT_TASK", "name": "Visit the importer" },
    ] } }),
        "previewDunningRun",
    )
    .await;
    let row = |body: &Value, code: &str| {
        body["customers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["customer"]["code"] == code)
            .cloned()
            .unwrap()
    };
    assert_eq!(
        row(&edited, "A")["steps"][0]["step"]["name"],
        "Visit the importer",
        "{edited}"
    );
    assert_eq!(
        row(&edited, "B")["steps"][0]["step"]["offsetDays"],
        15,
        "B keeps the default"
    );
    let new_ladder = ok(
        &app,
        &owner,
        DRAFT,
        json!({ "date": day, "draft": { "name": "Gentle", "steps": [
        { "offsetDays": 10, "action": "SEND_EMAIL", "name": "Gentle nudge" },
    ] } }),
        "previewDunningRun",
    )
    .await;
    for code in ["A", "B"] {
        assert_eq!(
            row(&new_ladder, code)["policyName"],
            "Gentle",
            "{new_ladder}"
        );
        assert_eq!(
            row(&new_ladder, code)["steps"][0]["step"]["name"],
            "Gentle nudge"
        );
    }
    let bad_draft = app
        .graphql_as(
            &owner.access_token,
            DRAFT,
            json!({ "date": day, "draft": { "name": "Bad", "steps": [] } }),
        )
        .await;
    assert_eq!(
        bad_draft["errors"][0]["extensions"]["field"], "draft.steps",
        "{bad_draft}"
    );
    let unchanged = ok(
        &app,
        &owner,
        PREVIEW,
        json!({ "date": day }),
        "previewDunningRun",
    )
    .await;
    assert_eq!(unchanged, later, "a draft preview saves nothing");

    // A pause by hand and an open promise hold a customer back, and say why.
    ok(&app, &owner, "mutation($input: PauseDunningInput!) { pauseDunning(input: $input) { pausedUntil } }",
        json!({ "input": { "customerId": id(&b), "until": (duely_backend::db::tenant_calendar(&app.db, owner.tenant_id).await.unwrap().today + Days::new(30)).to_string(), "reason": "Restructuring talks" } }),
        "pauseDunning").await;
    let paused = ok(
        &app,
        &owner,
        PREVIEW,
        json!({ "date": (due + Days::new(21)).to_string() }),
        "previewDunningRun",
    )
    .await;
    let b_row = paused["customers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["customer"]["code"] == "B")
        .cloned()
        .unwrap();
    assert_eq!(b_row["paused"], "PAUSED_BY_HAND", "{paused}");

    // Bad ladders are refused precisely.
    let bad = app.graphql_as(&owner.access_token,
        "mutation($input: SaveDunningPolicyInput!) { saveDunningPolicy(input: $input) { policy { id } } }",
        json!({ "input": { "name": "Bad", "steps": [
            { "offsetDays": 5, "action": "SEND_EMAIL", "name": "One" },
            { "offsetDays": 5, "action": "CALL_TASK", "name": "Two" },
        ] } })).await;
    assert_eq!(error_codes(&bad), ["VALIDATION"]);
    assert_eq!(
        bad["errors"][0]["extensions"]["field"],
        "input.steps[1].offsetDays"
    );
    let taken = app.graphql_as(&owner.access_token,
        "mutation($input: SaveDunningPolicyInput!) { saveDunningPolicy(input: $input) { policy { id } } }",
        json!({ "input": { "name": "Standard", "steps": [{ "offsetDays": 1, "action": "SEND_EMAIL", "name": "x" }] } })).await;
    assert_eq!(error_codes(&taken), ["CONFLICT"]);
}

#[tokio::test]
async fn only_the_author_corrects_an_activity_and_only_within_a_day() {
    use sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let collector = crate::kit::join(&app, &owner, &app.email("collector"), "COLLECTOR").await;
    let buyer = create_customer(
        &app,
        &owner,
        "B-1",
        json!({ "collectorId": collector.user_id }),
    )
    .await;
    // A call from three days ago logged now: the window runs from when it was logged.
    let three_days_ago = chrono::Utc::now() - chrono::Duration::days(3);
    let logged = ok(&app, &collector,
        "mutation($input: LogCollectionActivityInput!) { logCollectionActivity(input: $input) { activity { id occurredAt loggedAt } } }",
        json!({ "input": { "customerId": id(&buyer), "channel": "PHONE", "outcome": "NO_ANSWER",
            "occurredAt": three_days_ago.to_rfc3339() } }), "logCollectionActivity").await;
    let activity_id = logged["activity"]["id"].as_str().unwrap().to_owned();
    let at = |field: &str| {
        chrono::DateTime::parse_from_rfc3339(logged["activity"][field].as_str().unwrap()).unwrap()
    };
    assert!(
        at("loggedAt") - at("occurredAt") > chrono::Duration::days(2),
        "{logged}"
    );
    let update = "mutation($input: UpdateCollectionActivityInput!) { updateCollectionActivity(input: $input) { activity { outcome note } } }";
    let input = json!({ "input": { "activityId": activity_id, "outcome": "LEFT_MESSAGE", "note": "Voicemail" } });
    let fixed = ok(
        &app,
        &collector,
        update,
        input.clone(),
        "updateCollectionActivity",
    )
    .await;
    assert_eq!(fixed["activity"]["outcome"], "LEFT_MESSAGE");
    assert_eq!(fixed["activity"]["note"], "Voicemail");
    let by_owner = app
        .graphql_as(&owner.access_token, update, input.clone())
        .await;
    assert_eq!(error_codes(&by_owner), ["FORBIDDEN"], "{by_owner}");
    let schema = owner.tenant_id.schema_name();
    app.db
        .execute_unprepared(&format!(
            "UPDATE \"{schema}\".collection_activities SET created_at = now() - interval '25 hours'"
        ))
        .await
        .unwrap();
    let late = app.graphql_as(&collector.access_token, update, input).await;
    assert_eq!(error_codes(&late), ["CONFLICT"], "{late}");
    assert_eq!(
        count(&app.db, &format!("SELECT count(*) FROM \"{schema}\".audit_log WHERE action = 'collections.activity_corrected' AND before IS NOT NULL")).await,
        1
    );
}

#[tokio::test]
async fn one_payment_keeps_one_promise_not_two() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let buyer = create_customer(&app, &owner, "B-1", json!({})).await;
    issue_invoice(&app, &owner, &id(&buyer), "1000", json!({})).await;
    let today = duely_backend::db::tenant_calendar(&app.db, owner.tenant_id)
        .await
        .unwrap()
        .today;
    for days in [3u64, 10] {
        ok(
            &app,
            &owner,
            LOG,
            json!({ "input": {
            "customerId": id(&buyer), "channel": "PHONE", "outcome": "PROMISE_TO_PAY",
            "promise": { "amount": "500", "promisedDate": (today + Days::new(days)).to_string() },
        } }),
            "logCollectionActivity",
        )
        .await;
    }
    record_payment_raw(
        &app,
        &owner,
        json!({ "customerId": id(&buyer), "amount": "500", "currency": "CNY", "method": "CASH" }),
    )
    .await;
    assert_eq!(
        promises::evaluate(&app.db, owner.tenant_id, today)
            .await
            .unwrap(),
        1,
        "only the earlier promise is kept"
    );
    let listed = ok(
        &app,
        &owner,
        PROMISES,
        json!({ "id": id(&buyer) }),
        "promisesToPay",
    )
    .await;
    let mut statuses: Vec<&str> = listed["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["status"].as_str().unwrap())
        .collect();
    statuses.sort();
    assert_eq!(statuses, ["KEPT", "OPEN"], "{listed}");
}

#[tokio::test]
async fn a_customer_who_says_it_has_paid_is_not_dunned_while_the_money_travels() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let customer = create_customer(&app, &owner, "P", json!({})).await;
    let today = duely_backend::db::tenant_calendar(&app.db, owner.tenant_id)
        .await
        .unwrap()
        .today;
    issue_invoice(
        &app,
        &owner,
        customer["id"].as_str().unwrap(),
        "800",
        json!({ "issueDate": (today - Days::new(40)).to_string(), "dueDate": (today - Days::new(10)).to_string() }),
    )
    .await;
    let preview = |date: NaiveDate| {
        let (app, owner) = (&app, &owner);
        async move {
            ok(
                app,
                owner,
                PREVIEW,
                json!({ "date": date.to_string() }),
                "previewDunningRun",
            )
            .await["customers"][0]
                .clone()
        }
    };
    assert_eq!(preview(today).await["paused"], Value::Null);
    ok(&app, &owner,
        "mutation($input: LogCollectionActivityInput!) { logCollectionActivity(input: $input) { activity { id } } }",
        json!({ "input": { "customerId": customer["id"], "channel": "PHONE", "outcome": "PAYMENT_CONFIRMED",
            "note": "Transfer sent this morning" } }),
        "logCollectionActivity").await;
    assert_eq!(preview(today).await["paused"], "PAYMENT_IN_FLIGHT");
    assert_eq!(
        preview(today + Days::new(5)).await["paused"],
        "PAYMENT_IN_FLIGHT"
    );
    // The word holds for five days; after that the ladder goes on.
    assert_eq!(preview(today + Days::new(6)).await["paused"], Value::Null);
}

#[tokio::test]
async fn a_collector_makes_payment_links_only_for_their_own_customers() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", "owner@acme.example").await;
    let collector = crate::kit::join(&app, &owner, &app.email("collector"), "COLLECTOR").await;
    let theirs = create_customer(
        &app,
        &owner,
        "MINE",
        json!({ "collectorId": collector.user_id }),
    )
    .await;
    let others = create_customer(&app, &owner, "OTHER", json!({})).await;
    let invoice_of = |customer: &Value| customer["id"].as_str().unwrap().to_owned();
    let own_invoice = issue_invoice(&app, &owner, &invoice_of(&theirs), "100", json!({})).await;
    let other_invoice = issue_invoice(&app, &owner, &invoice_of(&others), "100", json!({})).await;
    let link = |invoice: &Value| {
        let app = &app;
        let token = collector.access_token.clone();
        let id = invoice["id"].as_str().unwrap().to_owned();
        async move {
            app.graphql_as(
                &token,
                "mutation($input: CreatePaymentLinkInput!) { createPaymentLink(input: $input) { url } }",
                json!({ "input": { "invoiceId": id } }),
            )
            .await
        }
    };
    // Someone else's customer's invoice reads as not found, as in the collector's lists; their
    // own gets as far as the company's Stripe account (not connected here).
    assert_eq!(error_codes(&link(&other_invoice).await), ["NOT_FOUND"]);
    assert_eq!(error_codes(&link(&own_invoice).await), ["NOT_CONFIGURED"]);
}
