//! The HTTP surface: GraphQL, health and metrics, and the web app's files.

mod attachments;
mod bank_statements;
mod documents;
mod files;
mod graphql;
mod health;
mod observe;
mod security;
mod upload;
mod web_app;

use crate::api::DuelySchema;
use crate::config::Config;
use crate::identity::Identity;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, StatusCode};
use axum::routing::{any, get, post};
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;

/// What every handler may reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub schema: DuelySchema,
    pub db: DatabaseConnection,
    pub identity: Identity,
    pub billing: crate::billing::Billing,
    pub config: Arc<Config>,
    /// Slots for REST imports, per replica (see `imports::service::LargeImports`).
    pub large_imports: crate::imports::service::LargeImports,
    /// Set when the replica was told to stop: `/readyz` answers 503 while it still serves.
    pub draining: Arc<std::sync::atomic::AtomicBool>,
    /// Where attachments' bytes are kept.
    pub files: crate::attachments::storage::FileStore,
}

/// The largest GraphQL request body; larger ones get 413 before any parsing.
pub const MAX_GRAPHQL_BODY: usize = 1024 * 1024;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn router(state: AppState) -> Router {
    let web_app = web_app::service(&state.config.web_dir);
    let request_timeout = state.config.request_timeout;
    let https = state.config.public_url.starts_with("https://");
    let pool = state.db.get_postgres_connection_pool().clone();
    Router::new()
        .route(
            "/graphql",
            get(graphql::graphql_get)
                .post(graphql::graphql_post)
                .layer(DefaultBodyLimit::max(MAX_GRAPHQL_BODY)),
        )
        .route(
            "/api/customers/{id}/statement.csv",
            get(files::statement_csv),
        )
        .route(
            "/api/customers/{id}/statement.pdf",
            get(files::statement_pdf),
        )
        .route(
            "/api/statements/{token}/statement.pdf",
            get(files::public_statement_pdf),
        )
        .route("/api/invoices/{file}", get(documents::invoice_pdf))
        .route("/api/letters/{file}", get(documents::letter_pdf))
        .route(
            "/api/legal-cases/{id}/evidence.zip",
            get(files::evidence_pack),
        )
        .route("/api/exports/{file}", get(files::export_csv))
        .route("/api/reports/{file}", get(files::aging_report))
        // No body limit layer: the handler streams the body and counts it itself.
        .route("/api/imports/{kind}", post(files::import_csv))
        // The upload streams its body and counts it itself (at most 20 MiB).
        .route("/api/attachments", post(attachments::upload))
        .route("/api/attachments/{id}", get(attachments::download))
        .route(
            "/api/bank-statements",
            post(bank_statements::import_statement),
        )
        .route(
            "/webhooks/stripe",
            post(crate::billing::webhooks::platform).layer(DefaultBodyLimit::max(
                crate::billing::webhooks::MAX_WEBHOOK_BODY,
            )),
        )
        .route(
            "/webhooks/stripe/{tenant}",
            post(crate::billing::webhooks::company).layer(DefaultBodyLimit::max(
                crate::billing::webhooks::MAX_WEBHOOK_BODY,
            )),
        )
        .route(
            "/webhooks/messages/{tenant}/{token}",
            post(crate::messaging::receipts::receive).layer(DefaultBodyLimit::max(
                crate::messaging::receipts::MAX_RECEIPTS_BODY,
            )),
        )
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        // Metrics are served on their own address (`metrics_router`); here, and not the web
        // app's page, so a scraper pointed at the public port learns it is the wrong one.
        .route("/metrics", any(|| async { StatusCode::NOT_FOUND }))
        .fallback_service(web_app)
        .with_state(state)
        .layer(
            // Outermost first: every request gets an id before it is traced, and the id goes
            // back to the client so a support request can quote it.
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(axum::middleware::from_fn(
                    move |request: axum::extract::Request, next: axum::middleware::Next| {
                        security::headers(https, request, next)
                    },
                ))
                .layer(observe::trace_layer())
                .layer(axum::middleware::from_fn(observe::record_metrics))
                .layer(axum::middleware::from_fn(
                    move |request: axum::extract::Request, next: axum::middleware::Next| {
                        crate::db::unreachable::serving(pool.clone(), next.run(request))
                    },
                ))
                .layer(CatchPanicLayer::new())
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    request_timeout,
                ))
                .layer(CompressionLayer::new()),
        )
}

/// `/metrics` alone, for the metrics address (`DUELY_METRICS_ADDR`, loopback by default): the
/// route templates, counts and timings it shows are for the operators' scraper, not the public.
/// `/metrics` on its own listener; the gauges read the pool and the queues at each scrape.
pub fn metrics_router(db: DatabaseConnection) -> Router {
    Router::new()
        .route("/metrics", get(health::metrics))
        .with_state(db)
}
