//! Texts the server makes (risk alerts, rating reasons, ladder steps, task titles) travel as a
//! code and parameters and read in the caller's language: the request's `Accept-Language`,
//! else the member's own (`updateMyProfile`), else the company's (for API keys).

use crate::helpers::{TestApp, TestSession, spawn_app};
use crate::kit::{create_customer, issue_invoice, ok, record_payment_raw};
use chrono::Days;
use duely_backend::collections::run::{self, Trigger};
use duely_backend::startup::AppLinks;
use serde_json::{Value, json};

const ALERTS: &str = "{ riskAlerts { edges { node { kind message messageCode messageParams } } } }";

async fn alert_in(app: &TestApp, bearer: &str, language: Option<&str>) -> Value {
    let body = app.graphql_in(bearer, language, ALERTS, json!({})).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["riskAlerts"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"].clone())
        .find(|node| node["kind"] == "OVER_CREDIT_LIMIT")
        .unwrap_or_else(|| panic!("no over-limit alert: {body}"))
}

async fn over_the_limit(app: &TestApp, owner: &TestSession) {
    let customer = create_customer(app, owner, "R", json!({ "creditLimit": "1000" })).await;
    let today = duely_backend::db::tenant_calendar(&app.db, owner.tenant_id)
        .await
        .unwrap()
        .today;
    issue_invoice(
        app,
        owner,
        customer["id"].as_str().unwrap(),
        "1200",
        json!({ "issueDate": (today - Days::new(40)).to_string(),
                "dueDate": (today - Days::new(10)).to_string(), "overrideCreditBlock": true }),
    )
    .await;
    duely_backend::analytics::service::risk::detect(&app.db, owner.tenant_id, today)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_alert_reads_in_the_language_asked_for_else_the_person_s_else_the_company_s() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    over_the_limit(&app, &owner).await;

    let chinese = alert_in(&app, &owner.access_token, Some("zh-CN,zh;q=0.9")).await;
    assert_eq!(chinese["messageCode"], "ALERT_OVER_CREDIT_LIMIT");
    assert_eq!(chinese["messageParams"]["currency"], "CNY");
    assert_eq!(
        chinese["messageParams"],
        json!({ "balance": "1200", "currency": "CNY", "limit": "1000" })
    );
    let message = chinese["message"].as_str().unwrap();
    assert_eq!(message, "未结发票 1200 CNY，已超过信用额度 1000");
    assert!(!message.contains("invoices"), "{message}");
    let english = alert_in(&app, &owner.access_token, Some("en-US,en;q=0.9")).await;
    assert!(
        english["message"]
            .as_str()
            .unwrap()
            .starts_with("Open invoices of 1200"),
        "{english}"
    );
    assert_eq!(english["messageParams"], chinese["messageParams"]);

    // No header: the person's own language (a new account's is Chinese), then as they choose.
    let unasked = alert_in(&app, &owner.access_token, None).await;
    assert_eq!(unasked["message"], chinese["message"]);
    let profile = ok(
        &app,
        &owner,
        "mutation($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) { user { name locale } } }",
        json!({ "input": { "locale": "EN", "name": "Li Wei" } }),
        "updateMyProfile",
    )
    .await;
    assert_eq!(profile["user"], json!({ "name": "Li Wei", "locale": "EN" }));
    assert_eq!(
        alert_in(&app, &owner.access_token, None).await["message"],
        english["message"]
    );
    // The header still wins.
    assert_eq!(
        alert_in(&app, &owner.access_token, Some("zh-CN")).await["message"],
        chinese["message"]
    );

    // An API key reads in its company's language.
    let key = ok(
        &app,
        &owner,
        "mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }",
        json!({ "input": { "name": "BI", "scopes": ["customers:read"] } }),
        "createApiKey",
    )
    .await;
    let secret = key["secret"].as_str().unwrap();
    assert_eq!(
        alert_in(&app, secret, None).await["message"],
        chinese["message"]
    );
    ok(
        &app,
        &owner,
        "mutation($input: CompanySettingsInput!) { updateCompanySettings(input: $input) { settings { company { locale } } } }",
        json!({ "input": { "company": { "locale": "EN" } } }),
        "updateCompanySettings",
    )
    .await;
    assert_eq!(
        alert_in(&app, secret, None).await["message"],
        english["message"]
    );

    // A bad profile change names its field and changes nothing.
    let refused = app
        .graphql_as(
            &owner.access_token,
            "mutation($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) { user { name } } }",
            json!({ "input": { "name": "  " } }),
        )
        .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["reason"], "REQUIRED",
        "{refused}"
    );
    assert_eq!(refused["errors"][0]["extensions"]["field"], "input.name");
}

#[tokio::test]
async fn rating_reasons_ladder_steps_and_task_titles_are_codes_read_in_chinese() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let customer = create_customer(&app, &owner, "L", json!({ "creditLimit": "5000" })).await;
    let customer_id = customer["id"].as_str().unwrap().to_owned();
    let today = duely_backend::db::tenant_calendar(&app.db, owner.tenant_id)
        .await
        .unwrap()
        .today;
    let due = today - Days::new(60);
    issue_invoice(
        &app,
        &owner,
        &customer_id,
        "1000",
        json!({ "issueDate": (due - Days::new(30)).to_string(), "dueDate": due.to_string() }),
    )
    .await;
    let paid = record_payment_raw(
        &app,
        &owner,
        json!({ "customerId": customer_id, "amount": "1000", "currency": "CNY",
                "receivedOn": (due + Days::new(20)).to_string(), "method": "BANK_TRANSFER" }),
    )
    .await;
    assert!(paid.get("errors").is_none(), "{paid}");
    duely_backend::analytics::service::ratings::rate_all(&app.db, owner.tenant_id, today)
        .await
        .unwrap();
    let rating = app
        .graphql_in(
            &owner.access_token,
            Some("zh-CN"),
            "query($id: ID!) { creditRating(customerId: $id) { factors { factor reason messageCode messageParams } } }",
            json!({ "id": customer_id }),
        )
        .await;
    let factors = rating["data"]["creditRating"]["factors"]
        .as_array()
        .unwrap();
    let late = factors
        .iter()
        .find(|f| f["factor"] == "DAYS_BEYOND_TERMS")
        .unwrap();
    assert_eq!(late["messageCode"], "RATING_PAYS_LATE", "{rating}");
    assert_eq!(late["messageParams"]["days"], "20");
    assert_eq!(late["reason"], "平均在到期日后 20 天付款");

    // The default ladder's steps are codes: Chinese here, and saved back as shown they stay codes.
    let ladders = app
        .graphql_in(
            &owner.access_token,
            Some("zh-CN"),
            "{ dunningPolicies { id name steps { offsetDays action name messageCode } } }",
            json!({}),
        )
        .await;
    let ladder = &ladders["data"]["dunningPolicies"][0];
    let call = ladder["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|step| step["action"] == "CALL_TASK")
        .unwrap()
        .clone();
    assert_eq!(call["name"], "电话催收", "{ladders}");
    assert_eq!(call["messageCode"], "STEP_CALL");
    let steps: Vec<Value> = ladder["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|step| json!({ "offsetDays": step["offsetDays"], "action": step["action"], "name": step["name"] }))
        .collect();
    let saved = app
        .graphql_in(
            &owner.access_token,
            Some("en"),
            "mutation($input: SaveDunningPolicyInput!) { saveDunningPolicy(input: $input) { policy { steps { name messageCode } } } }",
            json!({ "input": { "policyId": ladder["id"], "name": ladder["name"], "steps": steps } }),
        )
        .await;
    let saved_steps = saved["data"]["saveDunningPolicy"]["policy"]["steps"]
        .as_array()
        .unwrap_or_else(|| panic!("{saved}"));
    assert!(
        saved_steps
            .iter()
            .any(|s| s["messageCode"] == "STEP_CALL" && s["name"] == "Call"),
        "{saved}"
    );

    // The run's call task (15 days after the due date) is titled in the reader's language.
    let collector = crate::kit::join(&app, &owner, &app.email("collector"), "COLLECTOR").await;
    let other = create_customer(
        &app,
        &owner,
        "T",
        json!({ "collectorId": collector.user_id }),
    )
    .await;
    let other_due = today - Days::new(15);
    let invoice = issue_invoice(
        &app,
        &owner,
        other["id"].as_str().unwrap(),
        "300",
        json!({ "issueDate": (other_due - Days::new(30)).to_string(), "dueDate": other_due.to_string() }),
    )
    .await;
    let links = AppLinks {
        public_url: app.address.clone(),
        sealer: duely_backend::secrets::Sealer::from_hex(&"5a".repeat(32).into()).unwrap(),
        environment: duely_backend::config::Environment::Development,
        messaging: crate::helpers::messaging_endpoints(),
    };
    run::run_tenant(&app.db, &links, owner.tenant_id, today, Trigger::Schedule)
        .await
        .unwrap();
    let worklist = app
        .graphql_in(
            &collector.access_token,
            Some("zh-CN"),
            "{ worklist { edges { node { tasks { title messageCode messageParams } } } } }",
            json!({}),
        )
        .await;
    let tasks: Vec<Value> = worklist["data"]["worklist"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{worklist}"))
        .iter()
        .flat_map(|edge| {
            edge["node"]["tasks"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    let number = invoice["number"].as_str().unwrap();
    let task = tasks
        .iter()
        .find(|task| task["messageCode"] == "TASK_FOR_STEP")
        .unwrap_or_else(|| panic!("no step task: {worklist}"));
    assert_eq!(task["title"], format!("电话催收 — {number}"));
    assert_eq!(task["messageParams"]["step"]["code"], "STEP_CALL");
    assert_eq!(task["messageParams"]["invoices"], json!([number]));
}

#[tokio::test]
async fn an_alert_written_in_english_by_the_previous_version_reads_as_its_code() {
    use sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let customer = create_customer(&app, &owner, "P", json!({})).await;
    // As a server of the previous version writes it during a rollout: English only.
    app.db
        .execute_unprepared(&format!(
            "INSERT INTO \"{}\".risk_alerts (id, customer_id, kind, cause, severity, message)
             VALUES (gen_random_uuid(), '{}', 'NEAR_CREDIT_LIMIT', 'NEAR_CREDIT_LIMIT:x', 'MEDIUM',
                     'Open invoices have reached 85% of the credit limit')",
            owner.tenant_id.schema_name(),
            customer["id"].as_str().unwrap()
        ))
        .await
        .unwrap();
    let body = app
        .graphql_in(&owner.access_token, Some("zh-CN"), ALERTS, json!({}))
        .await;
    let node = &body["data"]["riskAlerts"]["edges"][0]["node"];
    assert_eq!(node["messageCode"], "ALERT_NEAR_CREDIT_LIMIT", "{body}");
    assert_eq!(node["messageParams"], json!({ "percent": "85" }));
    assert_eq!(node["message"], "未结发票已达信用额度的 85%");
}
