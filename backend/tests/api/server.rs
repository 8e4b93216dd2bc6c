use crate::helpers::spawn_app;

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
