use crate::helpers::{fresh_database, spawn_app, spawn_app_with, test_config};

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/healthz")).send().await.unwrap();
    let id = response.headers()["x-request-id"].to_str().unwrap();
    assert_eq!(id.len(), 36, "a UUID: {id}");
}

#[tokio::test]
async fn a_request_id_sent_by_the_client_is_kept() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "support-ticket-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "support-ticket-42");
}

#[tokio::test]
async fn on_stop_readyz_turns_503_at_once_while_the_server_serves_out_the_delay() {
    let database_url = fresh_database().await;
    let mut app = spawn_app_with(test_config(
        &[("DUELY_SHUTDOWN_DELAY_SECS", "2")],
        &database_url,
    ))
    .await;
    assert_eq!(
        app.client
            .get(app.url("/readyz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let asked = std::time::Instant::now();
    app.signal_stop();
    // Within the delay: not ready, yet every request is still served.
    let mut saw_draining = false;
    for _ in 0..20 {
        let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
        if ready.status() == 503 {
            let body: serde_json::Value = ready.json().await.unwrap();
            assert_eq!(body["reason"], "draining");
            saw_draining = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(saw_draining, "/readyz turned 503");
    let served = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(served.status(), 200);
    assert!(asked.elapsed() < std::time::Duration::from_secs(2));
    // Then it drains and returns.
    let stopped = tokio::time::timeout(std::time::Duration::from_secs(10), app.stop()).await;
    assert!(matches!(stopped, Ok(Ok(()))), "{stopped:?}");
    assert!(asked.elapsed() >= std::time::Duration::from_secs(2));
}

#[tokio::test]
async fn shutdown_stops_accepting_and_the_server_returns() {
    let mut app = spawn_app().await;
    assert_eq!(
        app.client
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let stopped = tokio::time::timeout(std::time::Duration::from_secs(10), app.stop()).await;
    assert!(
        matches!(stopped, Ok(Ok(()))),
        "the server drains and returns: {stopped:?}"
    );
    let fresh_client = reqwest::Client::new();
    assert!(fresh_client.get(app.url("/healthz")).send().await.is_err());
}
