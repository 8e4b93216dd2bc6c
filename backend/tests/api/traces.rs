//! Traces over OTLP/HTTP: a `duely serve` process with `OTEL_EXPORTER_OTLP_ENDPOINT` set sends
//! its request spans, protobuf-encoded, to a minimal OTLP receiver run by the test; a request
//! that comes with a `traceparent` continues the caller's trace.

use crate::helpers::fresh_database;
use crate::kit::replica::Replica;
use axum::body::Bytes;
use axum::http::HeaderMap;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
use prost::Message;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// What the receiver got: the content type and the decoded export.
type Export = (String, ExportTraceServiceRequest);

/// Listens for `POST /v1/traces` as a collector does, answering with an empty (successful)
/// export response.
async fn receiver() -> (String, mpsc::UnboundedReceiver<Export>) {
    let (sender, received) = mpsc::unbounded_channel();
    let app = axum::Router::new().route(
        "/v1/traces",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let sender = sender.clone();
            async move {
                let content_type = headers
                    .get("content-type")
                    .and_then(|value| value.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let export = ExportTraceServiceRequest::decode(body).unwrap_or_default();
                let _ = sender.send((content_type, export));
                (
                    [("content-type", "application/x-protobuf")],
                    Vec::<u8>::new(),
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (address, received)
}

fn text(value: &Option<opentelemetry_proto::tonic::common::v1::AnyValue>) -> Option<&str> {
    match value.as_ref()?.value.as_ref()? {
        AnyValue::StringValue(text) => Some(text),
        _ => None,
    }
}

#[tokio::test]
async fn request_spans_reach_an_otlp_receiver_in_the_callers_trace() {
    let (endpoint, mut received) = receiver().await;
    let database_url = fresh_database().await;
    let replica = Replica::start_with(
        &database_url,
        &std::env::temp_dir().join("duely-replica-mail"),
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            // Export every 100 ms rather than every 5 s.
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
            ("RUST_LOG", "info"),
        ],
    )
    .await;

    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let caller_span = "00f067aa0ba902b7";
    let response = reqwest::Client::new()
        .post(format!("{}/graphql", replica.address))
        .header("traceparent", format!("00-{trace_id}-{caller_span}-01"))
        .json(&serde_json::json!({ "query": "{ serverInfo { version } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();

    let deadline = Instant::now() + Duration::from_secs(15);
    let found = loop {
        let remaining = deadline.saturating_duration_since(Instant::now());
        let Ok(Some((content_type, export))) =
            tokio::time::timeout(remaining, received.recv()).await
        else {
            panic!("no span of the request reached the receiver");
        };
        assert_eq!(content_type, "application/x-protobuf");
        let span = export.resource_spans.iter().find_map(|resource| {
            let service = resource
                .resource
                .as_ref()?
                .attributes
                .iter()
                .find(|a| a.key == "service.name")?;
            let span = resource
                .scope_spans
                .iter()
                .flat_map(|scope| &scope.spans)
                .find(|span| span.name == "request" && hex::encode(&span.trace_id) == trace_id)?;
            Some((text(&service.value)?.to_owned(), span.clone()))
        });
        if let Some(found) = span {
            break found;
        }
    };
    let (service, span) = found;
    assert_eq!(service, "duely");
    assert_eq!(
        hex::encode(&span.parent_span_id),
        caller_span,
        "the caller's span is the parent"
    );
    let attribute = |key: &str| {
        span.attributes
            .iter()
            .find(|a| a.key == key)
            .and_then(|a| text(&a.value))
            .map(str::to_owned)
    };
    assert_eq!(
        attribute("request_id").as_deref(),
        Some(request_id.as_str()),
        "{span:?}"
    );
    assert_eq!(attribute("path").as_deref(), Some("/graphql"), "{span:?}");
    drop(replica);
}
