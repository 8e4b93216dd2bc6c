use crate::helpers::{spawn_app, spawn_app_with, test_config};
use std::time::{Duration, Instant};

#[tokio::test]
async fn healthz_answers_while_the_process_is_up() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn readyz_is_ready_when_the_database_answers() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn readyz_fails_fast_when_the_database_is_unreachable() {
    // Nothing listens on port 1: the server still starts, and readiness says why it is not ready.
    let config = test_config(
        &[("DUELY_DB_ACQUIRE_TIMEOUT_MS", "500")],
        "postgres://postgres@127.0.0.1:1/duely",
    );
    let app = spawn_app_with_unreachable_database(config).await;
    let started = Instant::now();
    let response = app.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(response.status(), 503);
    assert!(started.elapsed() < Duration::from_secs(3));
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "unavailable");
    assert!(
        !body.to_string().contains("127.0.0.1:1"),
        "no connection details leak"
    );
}

/// `spawn_app_with` also opens a pool for the test itself, which cannot work here; this starts
/// only the server.
async fn spawn_app_with_unreachable_database(
    config: duely_backend::config::Config,
) -> UnreachableApp {
    let app = duely_backend::startup::Application::build(config)
        .await
        .unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    UnreachableApp {
        address,
        client: reqwest::Client::new(),
    }
}

struct UnreachableApp {
    address: String,
    client: reqwest::Client,
}

impl UnreachableApp {
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    fn get(&self, url: String) -> reqwest::RequestBuilder {
        self.client.get(url)
    }
}

#[tokio::test]
async fn metrics_count_requests_by_route_on_their_own_address_only() {
    let app = spawn_app().await;
    app.client.get(app.url("/healthz")).send().await.unwrap();
    // GraphQL requests by operation: the web app's by name, a third party's own as `other`.
    for name in ["ServerInfo", "MyOwnServerReport"] {
        let document = format!("query {name} {{ serverInfo {{ version }} }}");
        let response = app
            .client
            .post(app.url("/graphql"))
            .json(&serde_json::json!({ "query": document, "operationName": name }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    // The public port has no metrics, not even the web app's page.
    let public = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(public.status(), 404);
    let metrics = app.metrics_address.as_deref().unwrap();
    let response = app
        .client
        .get(format!("{metrics}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = response.text().await.unwrap();
    assert!(text.contains("http_requests_total"), "{text}");
    assert!(text.contains(r#"route="/healthz""#), "{text}");
    let graphql_series = |operation: &str| {
        text.lines().any(|line| {
            line.starts_with("http_request_duration_seconds_bucket{")
                && line.contains(r#"route="/graphql""#)
                && line.contains(&format!(r#"operation="{operation}""#))
        })
    };
    assert!(graphql_series("ServerInfo"), "{text}");
    assert!(graphql_series("other"), "{text}");
    assert!(!text.contains("MyOwnServerReport"), "{text}");
    // Histograms with buckets, which add up across replicas; gauges of the pool and queues.
    assert!(
        text.contains("http_request_duration_seconds_bucket{") && text.contains(r#"le="0.005""#),
        "{text}"
    );
    assert!(
        text.contains(r#"duely_db_pool_connections{state="open"}"#),
        "{text}"
    );
    assert!(text.contains("duely_jobs_waiting "), "{text}");
    assert!(text.contains("duely_email_outbox_waiting "), "{text}");
}

#[tokio::test]
async fn an_empty_metrics_address_serves_no_metrics() {
    let database_url = crate::helpers::fresh_database().await;
    let app = spawn_app_with(test_config(&[("DUELY_METRICS_ADDR", "")], &database_url)).await;
    assert!(app.metrics_address.is_none());
    let public = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(public.status(), 404);
}

// Keeps `spawn_app_with` exercised with a custom configuration.
#[tokio::test]
async fn the_port_variable_is_honoured_when_set() {
    let database_url = crate::helpers::fresh_database().await;
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let app = spawn_app_with(test_config(&[("PORT", &port.to_string())], &database_url)).await;
    assert_eq!(app.address, format!("http://127.0.0.1:{port}"));
}
