//! Collection scripts (话术): a ladder ships with them in both languages, a company rewrites and
//! resets them, and a collector reads the one for the step a task comes from, or the step the
//! customer is at, in the customer's language with its figures filled in.

use crate::helpers::{TestApp, TestSession, count, error_codes, spawn_app};
use crate::kit::{create_customer, issue_invoice, join, ok};
use chrono::{Days, NaiveDate};
use duely_backend::collections::run::{self, Trigger};
use duely_backend::startup::AppLinks;
use serde_json::{Value, json};

const SCRIPTS: &str = "query($id: ID!) { collectionScripts(policyId: $id) {
    stepOffset stepName channel locale body text isDefault updatedBy } }";
const SAVE: &str =
    "mutation($input: SaveCollectionScriptInput!) { saveCollectionScript(input: $input) {
    script { stepOffset channel locale body isDefault updatedBy } } }";

async fn default_ladder(app: &TestApp, owner: &TestSession) -> (String, usize) {
    let ladders = ok(
        app,
        owner,
        "{ dunningPolicies { id isDefault steps { offsetDays } } }",
        json!({}),
        "dunningPolicies",
    )
    .await;
    let ladder = ladders
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["isDefault"] == true)
        .unwrap();
    (
        ladder["id"].as_str().unwrap().to_owned(),
        ladder["steps"].as_array().unwrap().len(),
    )
}

async fn today(app: &TestApp, session: &TestSession) -> NaiveDate {
    duely_backend::db::tenant_calendar(&app.db, session.tenant_id)
        .await
        .unwrap()
        .today
}

#[tokio::test]
async fn a_ladder_ships_with_scripts_that_a_company_rewrites_and_resets() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let collector = join(&app, &owner, &app.email("collector"), "COLLECTOR").await;
    let (ladder, steps) = default_ladder(&app, &owner).await;

    // Every step, on the phone, on a visit and on WeChat, in Chinese and English: Duely's.
    let listed = ok(
        &app,
        &collector,
        SCRIPTS,
        json!({ "id": ladder }),
        "collectionScripts",
    )
    .await;
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), steps * 3 * 2);
    assert!(
        listed
            .iter()
            .all(|s| s["isDefault"] == true && s["text"].is_null())
    );
    let call = |locale: &str| {
        listed
            .iter()
            .find(|s| s["stepOffset"] == 15 && s["channel"] == "PHONE" && s["locale"] == locale)
            .unwrap()
            .clone()
    };
    assert_ne!(call("zh-CN")["body"], call("en")["body"]);
    assert!(!call("zh-CN")["body"].as_str().unwrap().is_empty());

    // The company writes its own call script in English; the audit log keeps the change.
    let input = json!({ "policyId": ladder, "stepOffset": 15, "channel": "PHONE", "locale": "en",
        "body": "Call {{customer.name}}: {{total}} is {{days_overdue}} days late. Ask for a date." });
    let saved = ok(
        &app,
        &owner,
        SAVE,
        json!({ "input": input }),
        "saveCollectionScript",
    )
    .await;
    assert_eq!(saved["script"]["isDefault"], false);
    assert!(saved["script"]["updatedBy"].is_string());
    let schema = owner.tenant_id.schema_name();
    assert_eq!(
        count(
            &app.db,
            &format!(
                "SELECT count(*) FROM \"{schema}\".audit_log WHERE action = 'dunning.script_saved'"
            )
        )
        .await,
        1
    );

    // Refusals name their field and change nothing.
    let refused = |patch: Value, field: &'static str| {
        let mut input = input.clone();
        input
            .as_object_mut()
            .unwrap()
            .extend(patch.as_object().unwrap().clone());
        let app = &app;
        let owner = &owner;
        async move {
            let body = app
                .graphql_as(&owner.access_token, SAVE, json!({ "input": input }))
                .await;
            assert_eq!(error_codes(&body), ["VALIDATION"], "{body}");
            assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
        }
    };
    refused(json!({ "body": "Hello {{customer.nmae}}" }), "input.body").await;
    refused(json!({ "body": "   " }), "input.body").await;
    refused(json!({ "body": "x".repeat(4001) }), "input.body").await;
    refused(json!({ "channel": "EMAIL" }), "input.channel").await;
    refused(json!({ "stepOffset": 16 }), "input.stepOffset").await;
    refused(json!({ "locale": "fr" }), "input.locale").await;
    let forbidden = app
        .graphql_as(&collector.access_token, SAVE, json!({ "input": input }))
        .await;
    assert_eq!(error_codes(&forbidden), ["FORBIDDEN"], "{forbidden}");
    let unknown = app.graphql_as(&owner.access_token, SAVE,
        json!({ "input": { "policyId": uuid::Uuid::new_v4().to_string(), "stepOffset": 15, "channel": "PHONE", "locale": "en", "body": "x" } })).await;
    assert_eq!(error_codes(&unknown), ["NOT_FOUND"], "{unknown}");
    let after = ok(
        &app,
        &owner,
        SCRIPTS,
        json!({ "id": ladder }),
        "collectionScripts",
    )
    .await;
    let own = after
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["stepOffset"] == 15 && s["channel"] == "PHONE" && s["locale"] == "en")
        .unwrap()
        .clone();
    assert_eq!(own["body"], input["body"]);

    // Reset: Duely's script again.
    let reset = ok(
        &app,
        &owner,
        SAVE,
        json!({ "input": { "policyId": ladder, "stepOffset": 15, "channel": "PHONE",
        "locale": "en", "body": "", "reset": true } }),
        "saveCollectionScript",
    )
    .await;
    assert_eq!(reset["script"]["isDefault"], true);
    assert_eq!(reset["script"]["body"], call("en")["body"]);
}

#[tokio::test]
async fn a_collector_reads_the_script_of_the_task_in_the_customers_language() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let collector = join(&app, &owner, &app.email("collector"), "COLLECTOR").await;
    let (ladder, _) = default_ladder(&app, &owner).await;
    ok(
        &app,
        &owner,
        SAVE,
        json!({ "input": { "policyId": ladder, "stepOffset": 15, "channel": "PHONE", "locale": "en",
        "body": "Call {{customer.name}}: {{total}} is {{days_overdue}} days late." } }),
        "saveCollectionScript",
    )
    .await;
    let day = today(&app, &owner).await;
    let buyer = create_customer(
        &app,
        &owner,
        "B-1",
        json!({ "name": "Harbour Foods", "locale": "EN", "collectorId": collector.user_id }),
    )
    .await;
    let buyer_id = buyer["id"].as_str().unwrap().to_owned();
    issue_invoice(&app, &owner, &buyer_id, "1000", json!({
        "issueDate": (day - Days::new(45)).to_string(), "dueDate": (day - Days::new(15)).to_string() })).await;
    let quiet = create_customer(
        &app,
        &owner,
        "Q-1",
        json!({ "name": "青岛港贸易", "collectorId": collector.user_id }),
    )
    .await;

    // The run gives the collector the +15 call; the task carries the script, filled in.
    let links = AppLinks {
        public_url: app.address.clone(),
        sealer: duely_backend::secrets::Sealer::from_hex(&"5a".repeat(32).into()).unwrap(),
        environment: duely_backend::config::Environment::Development,
        messaging: crate::helpers::messaging_endpoints(),
    };
    run::run_tenant(&app.db, &links, owner.tenant_id, day, Trigger::Schedule)
        .await
        .unwrap();
    let tasks = ok(
        &app,
        &collector,
        "query($c: ID!) { tasks(filter: { customerId: $c }) { edges { node {
        kind script { stepOffset channel locale text isDefault } } } } }",
        json!({ "c": buyer_id }),
        "tasks",
    )
    .await;
    let call = tasks["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .find(|t| t["kind"] == "CALL")
        .unwrap()
        .clone();
    assert_eq!(call["script"]["stepOffset"], 15, "{tasks}");
    assert_eq!(call["script"]["locale"], "en");
    assert_eq!(call["script"]["isDefault"], false);
    assert_eq!(
        call["script"]["text"],
        "Call Harbour Foods: CN¥1,000.00 is 15 days late."
    );

    // The quick log asks the customer's script for the channel chosen: the step it is at.
    let scripts = "query($a: ID!, $b: ID!) {
        a: customer(id: $a) { phone: collectionScript(channel: PHONE) { stepOffset locale } email: collectionScript(channel: EMAIL) { stepOffset } }
        b: customer(id: $b) { visit: collectionScript(channel: VISIT) { stepOffset locale text } } }";
    let read = app
        .graphql_as(
            &collector.access_token,
            scripts,
            json!({ "a": buyer_id, "b": quiet["id"] }),
        )
        .await;
    assert!(read.get("errors").is_none(), "{read}");
    assert_eq!(read["data"]["a"]["phone"]["stepOffset"], 15);
    assert_eq!(read["data"]["a"]["phone"]["locale"], "en");
    assert_eq!(
        read["data"]["a"]["email"],
        Value::Null,
        "e-mail has templates, not scripts"
    );
    // An installment plan is late by its installments: only the first, 20 days past its date.
    let slow = create_customer(
        &app,
        &owner,
        "S-1",
        json!({ "name": "Slow Pay", "locale": "EN", "collectorId": collector.user_id }),
    )
    .await;
    let slow_id = slow["id"].as_str().unwrap().to_owned();
    let planned = issue_invoice(&app, &owner, &slow_id, "2000", json!({
        "issueDate": (day - Days::new(60)).to_string(), "dueDate": (day - Days::new(30)).to_string() })).await;
    ok(&app, &owner, "mutation($input: SetInstallmentPlanInput!) { setInstallmentPlan(input: $input) { invoice { id } } }",
        json!({ "input": { "invoiceId": planned["id"], "installments": [
            { "dueDate": (day - Days::new(20)).to_string(), "amount": "1000" },
            { "dueDate": (day + Days::new(10)).to_string(), "amount": "1000" } ] } }), "setInstallmentPlan").await;
    let slow_script = ok(&app, &collector, "query($id: ID!) { customer(id: $id) { collectionScript(channel: PHONE) { stepOffset text } } }",
        json!({ "id": slow_id }), "customer").await;
    assert_eq!(
        slow_script["collectionScript"]["stepOffset"], 15,
        "{slow_script}"
    );
    assert_eq!(
        slow_script["collectionScript"]["text"],
        "Call Slow Pay: CN¥1,000.00 is 20 days late."
    );

    // Nothing overdue: the ladder's first step, in the company's language (Chinese).
    assert_eq!(read["data"]["b"]["visit"]["stepOffset"], -3);
    assert_eq!(read["data"]["b"]["visit"]["locale"], "zh-CN");
    assert!(
        !read["data"]["b"]["visit"]["text"]
            .as_str()
            .unwrap()
            .contains("{{")
    );
}
