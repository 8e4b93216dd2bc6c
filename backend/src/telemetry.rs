//! Logs and metrics. Every log line of a request carries its `request_id` (the request span's
//! field); lines are JSON unless stdout is a terminal. Metrics are served as Prometheus text:
//! histograms with fixed buckets (they add up across replicas, which summaries do not), and
//! gauges of the pool and the queues read at each scrape. Traces go over OTLP/HTTP
//! (protobuf) when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, with the standard `OTEL_*` variables
//! (`OTEL_SERVICE_NAME`, `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_BSP_*`); a request's span continues
//! the caller's trace from its `traceparent` header.

use crate::config::LogFormat;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::io::IsTerminal;
use std::sync::OnceLock;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Installs the global log subscriber. `RUST_LOG` overrides the default filter.
pub fn init_logging(format: Option<LogFormat>) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,tower_http=info"));
    let format = format.unwrap_or(if std::io::stdout().is_terminal() {
        LogFormat::Pretty
    } else {
        LogFormat::Json
    });
    let registry = tracing_subscriber::registry()
        .with(filter)
        .with(otlp_layer());
    // A second initialisation (tests start many apps in one process) is harmless: keep the first.
    let _ = match format {
        LogFormat::Json => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_span_list(false),
            )
            .try_init(),
        LogFormat::Pretty => registry.with(tracing_subscriber::fmt::layer()).try_init(),
    };
}

static TRACER_PROVIDER: OnceLock<opentelemetry_sdk::trace::SdkTracerProvider> = OnceLock::new();

/// The layer exporting spans, when `OTEL_EXPORTER_OTLP_ENDPOINT` is set. An exporter that
/// cannot be built is said on stderr and leaves the server running without traces.
fn otlp_layer<S>()
-> Option<tracing_opentelemetry::OpenTelemetryLayer<S, opentelemetry_sdk::trace::SdkTracer>>
where
    S: tracing::Subscriber + for<'span> tracing_subscriber::registry::LookupSpan<'span>,
{
    use opentelemetry::trace::TracerProvider as _;
    use opentelemetry_otlp::{Protocol, WithExportConfig};
    std::env::var("OTEL_EXPORTER_OTLP_ENDPOINT")
        .ok()
        .filter(|endpoint| !endpoint.trim().is_empty())?;
    let exporter = match opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary)
        .build()
    {
        Ok(exporter) => exporter,
        Err(error) => {
            eprintln!("traces are off: the OTLP exporter could not be built: {error}");
            return None;
        }
    };
    let mut resource = opentelemetry_sdk::Resource::builder().with_attribute(
        opentelemetry::KeyValue::new("service.version", env!("CARGO_PKG_VERSION")),
    );
    if std::env::var_os("OTEL_SERVICE_NAME").is_none() {
        resource = resource.with_service_name("duely");
    }
    let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource.build())
        .build();
    let tracer = provider.tracer("duely");
    opentelemetry::global::set_text_map_propagator(
        opentelemetry_sdk::propagation::TraceContextPropagator::new(),
    );
    let _ = TRACER_PROVIDER.set(provider);
    Some(tracing_opentelemetry::layer().with_tracer(tracer))
}

/// Sends the spans still buffered; called once the server has stopped.
pub fn flush_traces() {
    if let Some(provider) = TRACER_PROVIDER.get()
        && let Err(error) = provider.shutdown()
    {
        tracing::warn!(error = %error, "traces: the last spans were not sent");
    }
}

/// Makes `span` continue the trace the caller's `traceparent` header names, if any.
pub fn continue_trace(span: &tracing::Span, headers: &axum::http::HeaderMap) {
    use tracing_opentelemetry::OpenTelemetrySpanExt;
    if TRACER_PROVIDER.get().is_none() {
        return;
    }
    let parent = opentelemetry::global::get_text_map_propagator(|propagator| {
        propagator.extract(&opentelemetry_http::HeaderExtractor(headers))
    });
    let _ = span.set_parent(parent);
}

static PROMETHEUS: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The process-wide metrics recorder, installed on first use. `None` only if another recorder
/// was installed first, in which case `/metrics` says so instead of lying with empty output.
pub fn prometheus() -> Option<&'static PrometheusHandle> {
    PROMETHEUS
        .get_or_init(|| {
            let builder = PrometheusBuilder::new();
            // Seconds, from a fast statement to a slow report.
            let builder = match builder.set_buckets(&SECONDS_BUCKETS) {
                Ok(with_buckets) => with_buckets,
                Err(_) => PrometheusBuilder::new(),
            };
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).ok().map(|()| handle)
        })
        .as_ref()
}

/// The bucket bounds of every histogram (they are all durations in seconds).
const SECONDS_BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Sets the gauges a scrape reads: this replica's pool (open and idle connections), and the
/// deployment's queues (jobs not finished, emails not sent), each counted over its partial
/// index. A database that does not answer within a second leaves the queue gauges as they were.
pub async fn record_gauges(db: &sea_orm::DatabaseConnection) {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let pool = db.get_postgres_connection_pool();
    metrics::gauge!("duely_db_pool_connections", "state" => "open").set(f64::from(pool.size()));
    metrics::gauge!("duely_db_pool_connections", "state" => "idle").set(pool.num_idle() as f64);
    let counted = tokio::time::timeout(
        std::time::Duration::from_secs(1),
        db.query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT (SELECT count(*) FROM public.jobs WHERE finished_at IS NULL) AS jobs,
                    (SELECT count(*) FROM public.email_outbox WHERE sent_at IS NULL) AS emails",
        )),
    )
    .await;
    if let Ok(Ok(Some(row))) = counted {
        let jobs: i64 = row.try_get("", "jobs").unwrap_or_default();
        let emails: i64 = row.try_get("", "emails").unwrap_or_default();
        metrics::gauge!("duely_jobs_waiting").set(jobs as f64);
        metrics::gauge!("duely_email_outbox_waiting").set(emails as f64);
    }
}
