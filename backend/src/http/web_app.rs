//! The built web app, with SPA fallback: any path that is not a file gets `index.html`, so deep
//! links work. Files under `/assets/` carry a content hash in their names and are cached
//! forever; `index.html` is revalidated on every load, so a deploy shows at once. The build
//! compresses each asset once, at its best (`.br`, `.gz` beside it): a client that accepts one
//! gets it as it is, so no request spends the server's CPU compressing megabytes of wasm.

use axum::Router;
use axum::extract::{OriginalUri, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

pub fn service(web_dir: &Path) -> Router {
    if !web_dir.join("index.html").is_file() {
        tracing::warn!(dir = %web_dir.display(), "the web app is not built here; ./infra/run.sh builds it");
    }
    let assets = ServeDir::new(web_dir.join("assets"))
        .precompressed_br()
        .precompressed_gzip();
    let pages = ServeDir::new(web_dir).fallback(ServeFile::new(web_dir.join("index.html")));
    Router::new()
        .nest_service("/assets", assets)
        .fallback_service(pages)
        .layer(axum::middleware::from_fn(cache_policy))
}

async fn cache_policy(request: Request, next: Next) -> Response {
    // Inside the nested service the prefix is stripped: look at the original URI.
    let path = request.extensions().get::<OriginalUri>().map_or_else(
        || request.uri().path().to_owned(),
        |uri| uri.path().to_owned(),
    );
    let hashed_asset = path.starts_with("/assets/");
    let mut response = next.run(request).await;
    let policy = if hashed_asset && response.status() == StatusCode::OK {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    response
}
