use crate::helpers::spawn_app;

#[tokio::test]
async fn the_root_serves_the_app_and_is_revalidated_on_every_load() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-cache");
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("fixture index page")
    );
}

#[tokio::test]
async fn deep_links_fall_back_to_the_app() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/customers/42/invoices"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("fixture index page")
    );
}

#[tokio::test]
async fn hashed_assets_are_cached_forever() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/assets/app-3f2a9c.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
}

#[tokio::test]
async fn a_missing_asset_is_404_and_not_cached() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/assets/gone-000000.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["cache-control"], "no-cache");
}

#[tokio::test]
async fn responses_are_compressed_for_clients_that_accept_it() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/assets/app-3f2a9c.js"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "gzip");
}
