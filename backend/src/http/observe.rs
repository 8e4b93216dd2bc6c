//! Request tracing (a span per request carrying its id and, once known, the caller's company)
//! and Prometheus metrics.

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::{DefaultOnResponse, MakeSpan, TraceLayer};
use tracing::{Level, Span};

#[derive(Clone, Copy)]
pub struct RequestSpan;

impl<B> MakeSpan<B> for RequestSpan {
    fn make_span(&mut self, request: &axum::http::Request<B>) -> Span {
        let request_id = request
            .headers()
            .get(super::REQUEST_ID)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("-");
        // The path only: query strings can carry GraphQL variables, which may be personal data.
        // Paths that are capabilities (statement and invitation links, message receipts' address)
        // are cut at the token.
        let path = request.uri().path();
        let path = ["/s/", "/invite/", "/api/statements/", "/webhooks/messages/"]
            .iter()
            .find(|prefix| path.starts_with(**prefix))
            .map_or(path, |prefix| &prefix[..prefix.len() - 1]);
        // `tenant` is filled in once the caller is known (`identity::authenticate`).
        let span = tracing::info_span!(
            "request",
            request_id = %request_id,
            tenant = tracing::field::Empty,
            method = %request.method(),
            path = %path,
        );
        crate::telemetry::continue_trace(&span, request.headers());
        span
    }
}

pub fn trace_layer() -> TraceLayer<SharedClassifier<ServerErrorsAsFailures>, RequestSpan> {
    TraceLayer::new_for_http()
        .make_span_with(RequestSpan)
        .on_response(DefaultOnResponse::new().level(Level::INFO))
}

/// Counts requests and their durations by route template (never the raw path, which would
/// give every id its own series) and GraphQL operation (a bounded set: `api::operations`).
pub async fn record_metrics(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned())
        .unwrap_or_else(|| "web_app".to_owned());
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let operation = response
        .extensions()
        .get::<crate::api::operations::OperationLabel>()
        .map_or_else(
            || crate::api::operations::OTHER.to_owned(),
            |label| label.0.clone(),
        );
    let labels = [
        ("method", method),
        ("route", route),
        ("operation", operation),
        ("status", response.status().as_u16().to_string()),
    ];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    response
}
