//! Probes for orchestrators and scrapers. `/healthz`: the process is up. `/readyz`: it can
//! reach the database and is not draining, answered within a second either way. `/metrics`: Prometheus text.

use super::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::time::Duration;

const READINESS_DEADLINE: Duration = Duration::from_secs(1);

pub async fn healthz() -> Response {
    Json(json!({ "status": "ok" })).into_response()
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    if state.draining.load(std::sync::atomic::Ordering::Relaxed) {
        return not_ready("draining");
    }
    match tokio::time::timeout(READINESS_DEADLINE, state.db.ping()).await {
        Ok(Ok(())) => Json(json!({ "status": "ready" })).into_response(),
        Ok(Err(error)) => {
            tracing::warn!(error = %error, "readiness: database unreachable");
            not_ready("database unreachable")
        }
        Err(_) => {
            tracing::warn!("readiness: database did not answer in time");
            not_ready("database did not answer in time")
        }
    }
}

fn not_ready(reason: &str) -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({ "status": "unavailable", "reason": reason })),
    )
        .into_response()
}

pub async fn metrics(State(db): State<sea_orm::DatabaseConnection>) -> Response {
    crate::telemetry::record_gauges(&db).await;
    match crate::telemetry::prometheus() {
        Some(handle) => (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            handle.render(),
        )
            .into_response(),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            "metrics recorder unavailable in this process",
        )
            .into_response(),
    }
}
