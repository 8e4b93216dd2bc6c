//! GraphQL over HTTP as the specification describes it, so any standard client works.

use crate::helpers::{error_codes, spawn_app};
use serde_json::{Value, json};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

#[tokio::test]
async fn a_query_answers_with_data() {
    let app = spawn_app().await;
    let body = app.graphql("{ __typename }", json!({})).await;
    assert_eq!(body, json!({ "data": { "__typename": "Query" } }));
}

#[tokio::test]
async fn the_answer_keeps_the_fields_in_the_order_the_query_asked_for_them() {
    // The specification orders a response map as the query's selection; a client that
    // streams or displays the answer sees it so. (The server once sorted every key.)
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": "{ zebra: __typename serverInfo { version defaultLocale } alpha: __typename }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    let at = |key: &str| {
        text.find(&format!("\"{key}\""))
            .unwrap_or_else(|| panic!("{key} in {text}"))
    };
    assert!(at("zebra") < at("serverInfo"), "{text}");
    assert!(at("serverInfo") < at("alpha"), "{text}");
    assert!(at("version") < at("defaultLocale"), "{text}");
    assert!(text.starts_with("{\"data\":"), "{text}");
}

#[tokio::test]
async fn server_info_tells_the_version_and_languages() {
    let app = spawn_app().await;
    let body = app
        .graphql(
            "{ serverInfo { version defaultLocale supportedLocales } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["serverInfo"]["version"],
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(body["data"]["serverInfo"]["defaultLocale"], "ZH_CN");
    assert_eq!(
        body["data"]["serverInfo"]["supportedLocales"],
        json!(["ZH_CN", "EN"])
    );
}

#[tokio::test]
async fn the_answer_uses_the_graphql_response_media_type_when_accepted() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("accept", GRAPHQL_RESPONSE)
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with(GRAPHQL_RESPONSE)
    );
}

#[tokio::test]
async fn a_document_that_does_not_parse_is_a_bad_request_without_data() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("accept", GRAPHQL_RESPONSE)
        .json(&json!({ "query": "{ __typename" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert!(body.get("data").is_none(), "{body}");
    assert_eq!(error_codes(&body), ["BAD_REQUEST"]);
}

#[tokio::test]
async fn a_field_that_does_not_exist_is_a_bad_request_naming_it() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("accept", GRAPHQL_RESPONSE)
        .json(&json!({ "query": "{ invoicez { id } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("invoicez")
    );
}

#[tokio::test]
async fn legacy_json_clients_get_200_with_the_errors() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": "{ __typename" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_codes(&body), ["BAD_REQUEST"]);
}

#[tokio::test]
async fn a_body_that_is_not_json_is_400() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .header("accept", GRAPHQL_RESPONSE)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_codes(&body), ["BAD_REQUEST"]);
}

#[tokio::test]
async fn a_body_that_is_not_json_content_is_415() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "text/plain")
        .body("{ __typename }")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
}

#[tokio::test]
async fn an_unacceptable_media_type_is_406() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("accept", "application/xml")
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 406);
}

#[tokio::test]
async fn queries_run_over_get() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "{ __typename }")])
        .header("accept", GRAPHQL_RESPONSE)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["__typename"], "Query");
}

#[tokio::test]
async fn mutations_over_get_are_refused_with_405() {
    let app = spawn_app().await;
    let session = app.sign_up("Over GET", &app.email("owner")).await;
    // Anonymous, named (the document's only operation, no operationName), and selected by name.
    let cases: [(&str, Option<&str>); 4] = [
        ("mutation { __typename }", None),
        ("mutation M { logOut { __typename } }", None),
        (
            "query Q { __typename } mutation M { logOut { __typename } }",
            Some("M"),
        ),
        (
            "mutation M { logOut { __typename } } query Q { __typename }",
            Some("M"),
        ),
    ];
    for (query, operation) in cases {
        let mut params = vec![("query", query)];
        if let Some(name) = operation {
            params.push(("operationName", name));
        }
        let response = app
            .client
            .get(app.url("/graphql"))
            .query(&params)
            .bearer_auth(&session.access_token)
            .header("accept", GRAPHQL_RESPONSE)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 405, "{query}");
        assert_eq!(response.headers()["allow"], "POST");
    }
    // The session was never logged out by any of them.
    let me: Value = app
        .client
        .get(app.url("/graphql"))
        .query(&[
            (
                "query",
                "query Q { __typename } mutation M { logOut { __typename } }",
            ),
            ("operationName", "Q"),
        ])
        .bearer_auth(&session.access_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["data"]["__typename"], "Query", "{me}");
    let refreshed = app
        .graphql(
            "mutation($input: RefreshSessionInput!) { refreshSession(input: $input) { accessToken } }",
            json!({ "input": { "refreshToken": session.refresh_token } }),
        )
        .await;
    assert!(
        refreshed["data"]["refreshSession"]["accessToken"].is_string(),
        "the refresh token still works, so no logOut ran: {refreshed}"
    );
}

#[tokio::test]
async fn a_browser_gets_graphiql() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/graphql"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("graphiql"));
}

#[tokio::test]
async fn a_batch_runs_each_operation_and_is_capped() {
    let app = spawn_app().await;
    let two = vec![json!({ "query": "{ __typename }" }); 2];
    let body: Value = app
        .client
        .post(app.url("/graphql"))
        .json(&two)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body.as_array().unwrap().len(), 2);

    let too_many = vec![json!({ "query": "{ __typename }" }); duely_backend::api::MAX_BATCH + 1];
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&too_many)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn a_query_nested_past_the_depth_limit_is_refused() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", "owner@acme.example").await;
    let mut query = String::from(
        "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } } } } } } }",
    );
    query.shrink_to_fit();
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("accept", GRAPHQL_RESPONSE)
        .bearer_auth(&owner.access_token)
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("deep"),
        "{body}"
    );
}

#[tokio::test]
async fn the_schema_is_described_only_to_authenticated_callers() {
    let app = spawn_app().await;
    let anonymous = app
        .graphql("{ __schema { queryType { name } } }", json!({}))
        .await;
    // async-graphql answers a withheld schema with null.
    assert_eq!(
        anonymous["data"]["__schema"],
        serde_json::Value::Null,
        "{anonymous}"
    );
    let owner = app.sign_up("Acme", "owner@acme.example").await;
    let signed_in = app
        .graphql_as(
            &owner.access_token,
            "{ __schema { queryType { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        signed_in["data"]["__schema"]["queryType"]["name"], "Query",
        "{signed_in}"
    );
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_refused_unread() {
    let app = spawn_app().await;
    let padding = "x".repeat(duely_backend::http::MAX_GRAPHQL_BODY);
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": "{ __typename }", "extensions": { "padding": padding } }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn graphiql_is_not_served_in_production() {
    let database_url = crate::helpers::fresh_database().await;
    let app = crate::helpers::spawn_app_with(crate::helpers::test_config(
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
    let response = app
        .client
        .get(app.url("/graphql"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_ne!(response.status(), 200);
    assert!(!response.text().await.unwrap().contains("graphiql"));
}

#[tokio::test]
async fn too_many_aliases_or_root_fields_are_refused_before_anything_runs() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let aliases: Vec<String> = (0..=duely_backend::api::limits::MAX_ALIASES)
        .map(|i| format!("k{i}: role"))
        .collect();
    let body = app
        .graphql_as(
            &owner.access_token,
            &format!("{{ me {{ {} }} }}", aliases.join(" ")),
            json!({}),
        )
        .await;
    assert_eq!(error_codes(&body), ["BAD_REQUEST"], "{body}");
    assert!(body.get("data").is_none_or(Value::is_null), "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("aliases"),
        "{body}"
    );

    let roots: Vec<String> = (0..=duely_backend::api::limits::MAX_ROOT_FIELDS)
        .map(|_| "serverInfo { version }".to_owned())
        .collect();
    let body = app
        .graphql(&format!("{{ {} }}", roots.join(" ")), json!({}))
        .await;
    assert_eq!(error_codes(&body), ["BAD_REQUEST"], "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("root fields"),
        "{body}"
    );
}

/// Automatic persisted queries (Apollo's protocol): a document sent once with its SHA-256 may
/// then be sent by the hash alone, over POST or GET; a persisted mutation still needs POST.
#[tokio::test]
async fn a_persisted_query_runs_by_its_hash_and_a_persisted_mutation_only_over_post() {
    use sha2::{Digest, Sha256};
    let app = spawn_app().await;
    let session = app.sign_up("Persisted", &app.email("owner")).await;
    let query = "query Mine($first: Int) { invoices(first: $first) { totalCount } }";
    let hash = hex::encode(Sha256::digest(query.as_bytes()));
    let post = |body: Value| {
        let app = &app;
        let token = session.access_token.clone();
        async move {
            let response = app
                .client
                .post(app.url("/graphql"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap())
        }
    };
    let by_hash = json!({
        "variables": { "first": 5 },
        "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } },
    });
    // Not known yet: the client is told to send the document.
    let (_, unknown) = post(by_hash.clone()).await;
    assert_eq!(
        unknown["errors"][0]["message"], "PersistedQueryNotFound",
        "{unknown}"
    );
    assert_eq!(
        unknown["errors"][0]["extensions"]["reason"],
        "PERSISTED_QUERY_NOT_FOUND"
    );
    // A document that does not have the hash it claims is refused.
    let (_, forged) = post(json!({
        "query": "{ __typename }",
        "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } },
    }))
    .await;
    assert_eq!(error_codes(&forged), ["BAD_REQUEST"], "{forged}");
    assert_eq!(
        forged["errors"][0]["extensions"]["reason"],
        "PERSISTED_QUERY_INVALID"
    );
    // Sent with its hash, it runs and is kept; then the hash alone runs it.
    let (status, first) = post(json!({
        "query": query,
        "variables": { "first": 5 },
        "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } },
    }))
    .await;
    assert_eq!(
        (status, &first["data"]["invoices"]["totalCount"]),
        (200, &json!(0)),
        "{first}"
    );
    let (_, again) = post(by_hash).await;
    assert_eq!(again["data"]["invoices"]["totalCount"], 0, "{again}");
    let over_get: Value = app
        .client
        .get(app.url("/graphql"))
        .query(&[(
            "extensions",
            json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } }).to_string(),
        )])
        .bearer_auth(&session.access_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(over_get["data"]["invoices"]["totalCount"], 0, "{over_get}");

    // A mutation persisted over POST is still refused over GET by its hash.
    let mutation = "mutation Out { logOut { __typename } }";
    let mutation_hash = hex::encode(Sha256::digest(mutation.as_bytes()));
    let (_, registered) = post(json!({
        "query": mutation,
        "extensions": { "persistedQuery": { "version": 1, "sha256Hash": mutation_hash } },
    }))
    .await;
    assert!(registered.get("errors").is_none(), "{registered}");
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[(
            "extensions",
            json!({ "persistedQuery": { "version": 1, "sha256Hash": mutation_hash } }).to_string(),
        )])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");
}
