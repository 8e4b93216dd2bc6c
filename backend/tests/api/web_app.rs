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

/// The build's own compression of each asset (`.br`, `.gz` beside it) is served as it is, to the
/// clients that accept it; the others get the file itself.
#[tokio::test]
async fn assets_go_out_as_the_build_compressed_them() {
    let app = spawn_app().await;
    let assets = format!("{}/assets", crate::helpers::fixture_web_dir());
    for (accepts, encoding, file) in [
        ("br, gzip", Some("br"), "app-3f2a9c.js.br"),
        ("gzip", Some("gzip"), "app-3f2a9c.js.gz"),
        ("identity", None, "app-3f2a9c.js"),
    ] {
        let response = app
            .client
            .get(app.url("/assets/app-3f2a9c.js"))
            .header("accept-encoding", accepts)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{accepts}");
        assert_eq!(
            response
                .headers()
                .get("content-encoding")
                .map(|value| value.to_str().unwrap()),
            encoding,
            "{accepts}"
        );
        assert_eq!(
            response.headers()["content-type"],
            "text/javascript",
            "{accepts}"
        );
        assert_eq!(
            response.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        let body = response.bytes().await.unwrap();
        assert_eq!(
            body.as_ref(),
            std::fs::read(format!("{assets}/{file}")).unwrap(),
            "{accepts}: the file as the build wrote it"
        );
    }
}

const APP_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data: blob:; frame-src blob:; connect-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'";

#[tokio::test]
async fn pages_may_run_only_duely_s_own_files_and_are_never_framed() {
    let app = spawn_app().await;
    for path in ["/", "/customers/42", "/assets/app-3f2a9c.js", "/healthz"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        let headers = response.headers();
        assert_eq!(headers["content-security-policy"], APP_POLICY, "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        // The tests serve over http: no HSTS, which would pin a browser to https.
        assert!(headers.get("strict-transport-security").is_none(), "{path}");
    }
    // GraphiQL (development only) loads its own scripts from unpkg under its own policy.
    let graphiql = app
        .client
        .get(app.url("/graphql"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    let policy = graphiql.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("https://unpkg.com"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
}

#[tokio::test]
async fn an_https_deployment_sends_hsts() {
    let database_url = crate::helpers::fresh_database().await;
    let app = crate::helpers::spawn_app_with(crate::helpers::test_config(
        &[("DUELY_PUBLIC_URL", "https://duely.example")],
        &database_url,
    ))
    .await;
    let response = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
}

#[tokio::test]
async fn server_timing_is_for_signed_in_members_only() {
    let app = spawn_app().await;
    let query = serde_json::json!({ "query": "{ __typename }" });
    let anonymous = app
        .client
        .post(app.url("/graphql"))
        .json(&query)
        .send()
        .await
        .unwrap();
    assert!(anonymous.headers().get("server-timing").is_none());
    let session = app.sign_up("Timing", &app.email("owner")).await;
    let member = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&session.access_token)
        .json(&query)
        .send()
        .await
        .unwrap();
    assert!(
        member.headers()["server-timing"]
            .to_str()
            .unwrap()
            .starts_with("sql;")
    );
}
