//! API keys: shown once, acting with exactly their scopes in their tenant, revocable, rate
//! limited per key.

use crate::helpers::{count, error_codes, fresh_database, spawn_app, spawn_app_with, test_config};
use serde_json::{Value, json};

const CREATE: &str = "mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id name prefix scopes lastUsedAt revokedAt createdBy } } }";
const REVOKE: &str = "mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { id revokedAt } } }";

async fn create(app: &crate::helpers::TestApp, token: &str, scopes: Value) -> Value {
    app.graphql_as(
        token,
        CREATE,
        json!({ "input": { "name": "ERP sync", "scopes": scopes } }),
    )
    .await
}

#[tokio::test]
async fn a_key_acts_in_its_company_with_exactly_its_scopes() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", "owner@acme.example").await;
    let body = create(&app, &owner.access_token, json!(["team:read"])).await;
    let payload = &body["data"]["createApiKey"];
    let secret = payload["secret"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    let prefix = payload["apiKey"]["prefix"].as_str().unwrap();
    assert!(secret.starts_with(&format!("duely_{prefix}_")), "{secret}");
    assert_eq!(payload["apiKey"]["createdBy"], "owner@acme.example");

    let me = app
        .graphql_as(
            &secret,
            "{ me { user { id } role tenant { name } permissions { permission } } }",
            json!({}),
        )
        .await;
    assert_eq!(me["data"]["me"]["user"], Value::Null, "{me}");
    assert_eq!(me["data"]["me"]["tenant"]["name"], "Acme");
    assert_eq!(
        me["data"]["me"]["permissions"],
        json!([{ "permission": "VIEW_TEAM" }])
    );

    let members = app
        .graphql_as(&secret, "{ members { role } }", json!({}))
        .await;
    assert!(members.get("errors").is_none(), "{members}");
    let invitations = app
        .graphql_as(&secret, "{ invitations { id } }", json!({}))
        .await;
    assert_eq!(error_codes(&invitations), ["FORBIDDEN"]);
    assert!(
        invitations["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("API key")
    );

    // A key never makes keys, whatever its scopes.
    let nested = create(&app, &secret, json!(["team:read"])).await;
    assert_eq!(error_codes(&nested), ["FORBIDDEN"]);

    let listed = app
        .graphql_as(
            &owner.access_token,
            "{ apiKeys { prefix lastUsedAt } }",
            json!({}),
        )
        .await;
    assert!(
        listed["data"]["apiKeys"][0]["lastUsedAt"].is_string(),
        "last use is recorded: {listed}"
    );
    assert!(
        !listed.to_string().contains(&secret),
        "the secret is never shown again"
    );
    let stored = count(
        &app.db,
        &format!(
            "SELECT count(*) FROM public.api_keys WHERE secret_hash::text LIKE '%{}%'",
            &secret[20..40]
        ),
    )
    .await;
    assert_eq!(stored, 0, "only a digest is stored");
}

#[tokio::test]
async fn a_revoked_key_stops_working_at_once() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", "owner@acme.example").await;
    let body = create(&app, &owner.access_token, json!(["team:read"])).await;
    let secret = body["data"]["createApiKey"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = body["data"]["createApiKey"]["apiKey"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let revoked = app
        .graphql_as(
            &owner.access_token,
            REVOKE,
            json!({ "input": { "apiKeyId": id } }),
        )
        .await;
    assert!(
        revoked["data"]["revokeApiKey"]["apiKey"]["revokedAt"].is_string(),
        "{revoked}"
    );
    let after = app
        .graphql_as(&secret, "{ members { role } }", json!({}))
        .await;
    assert_eq!(error_codes(&after), ["UNAUTHENTICATED"]);
}

#[tokio::test]
async fn unknown_scopes_are_refused_with_the_allowed_ones() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", "owner@acme.example").await;
    let body = create(&app, &owner.access_token, json!(["invoices:delete"])).await;
    assert_eq!(error_codes(&body), ["VALIDATION"]);
    assert_eq!(body["errors"][0]["extensions"]["field"], "input.scopes");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("invoices:read")
    );
    assert_eq!(
        count(&app.db, "SELECT count(*) FROM public.api_keys").await,
        0
    );
}

#[tokio::test]
async fn another_companys_key_is_not_found() {
    let app = spawn_app().await;
    let acme = app.sign_up("Acme", "owner@acme.example").await;
    let globex = app.sign_up("Globex", "owner@globex.example").await;
    let body = create(&app, &acme.access_token, json!(["team:read"])).await;
    let id = body["data"]["createApiKey"]["apiKey"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let attempt = app
        .graphql_as(
            &globex.access_token,
            REVOKE,
            json!({ "input": { "apiKeyId": id } }),
        )
        .await;
    assert_eq!(error_codes(&attempt), ["NOT_FOUND"]);
    assert_eq!(
        count(
            &app.db,
            "SELECT count(*) FROM public.api_keys WHERE revoked_at IS NOT NULL"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn a_key_over_its_rate_limit_is_told_when_to_retry() {
    let database_url = fresh_database().await;
    let app = spawn_app_with(test_config(
        &[("DUELY_API_KEY_RATE_PER_MINUTE", "3")],
        &database_url,
    ))
    .await;
    let owner = app.sign_up("Acme", "owner@acme.example").await;
    let body = create(&app, &owner.access_token, json!(["team:read"])).await;
    let secret = body["data"]["createApiKey"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let send = || {
        app.client
            .post(app.url("/graphql"))
            .bearer_auth(&secret)
            .json(&json!({ "query": "{ members { role } }" }))
            .send()
    };
    for remaining in ["2", "1", "0"] {
        let response = send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["ratelimit-limit"], "3");
        assert_eq!(response.headers()["ratelimit-remaining"], remaining);
    }
    let refused = send().await.unwrap();
    assert_eq!(refused.status(), 429);
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after));
    let body: Value = refused.json().await.unwrap();
    assert_eq!(error_codes(&body), ["RATE_LIMITED"]);
}

#[tokio::test]
async fn collection_scopes_read_work_and_run_the_ladder_separately() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", "owner@acme.example").await;
    let key = |scopes: Value| {
        let app = &app;
        let token = owner.access_token.clone();
        async move {
            let body = create(app, &token, scopes).await;
            body["data"]["createApiKey"]["secret"]
                .as_str()
                .unwrap_or_else(|| panic!("{body}"))
                .to_owned()
        }
    };
    let reader = key(json!(["collections:read"])).await;
    let worker = key(json!(["collections:write"])).await;
    let dunning = key(json!(["dunning:write"])).await;
    const READS: &str =
        "{ collectionActivities(first: 5) { totalCount } promisesToPay(first: 5) { totalCount } }";
    const LOG: &str = "mutation($input: LogCollectionActivityInput!) { logCollectionActivity(input: $input) { activity { id } } }";
    let log_input = json!({ "input": {
        "customerId": "00000000-0000-7000-8000-000000000000",
        "channel": "PHONE", "outcome": "NO_ANSWER", "note": "probe",
    }});
    const RUN: &str = "mutation { runDunningNow { run { id } } }";

    // collections:read reads activities and promises, and changes nothing.
    let read = app.graphql_as(&reader, READS, json!({})).await;
    assert!(read.get("errors").is_none(), "{read}");
    let logged = app.graphql_as(&reader, LOG, log_input.clone()).await;
    assert_eq!(error_codes(&logged), ["FORBIDDEN"], "{logged}");

    // collections:write works collections but does not run the ladder.
    let logged = app.graphql_as(&worker, LOG, log_input.clone()).await;
    assert_ne!(error_codes(&logged), ["FORBIDDEN"], "{logged}");
    let run = app.graphql_as(&worker, RUN, json!({})).await;
    assert_eq!(error_codes(&run), ["FORBIDDEN"], "{run}");

    // dunning:write runs it.
    let run = app.graphql_as(&dunning, RUN, json!({})).await;
    assert!(
        run["data"]["runDunningNow"]["run"]["id"].is_string(),
        "{run}"
    );
}
