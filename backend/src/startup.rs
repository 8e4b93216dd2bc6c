//! Building and running the server, zero2prod style: [`Application::build`] binds the port
//! (0 picks a free one, as tests do) and [`Application::run_until_stopped`] serves until the
//! shutdown future resolves: `/readyz` turns 503 at once, the server keeps serving for the
//! shutdown delay, then drains in-flight requests until the grace period ends.

use crate::api;
use crate::config::Config;
use crate::db;
use crate::email::Mailer;
use crate::http::{self, AppState};
use crate::identity::Identity;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::net::TcpListener;

pub struct Application {
    listener: TcpListener,
    db: sea_orm::DatabaseConnection,
    mailer: Mailer,
    links: AppLinks,
    router: axum::Router,
    port: u16,
    /// `/metrics`, on its own address when one is configured.
    metrics_listener: Option<TcpListener>,
    shutdown_grace: Duration,
    /// How long the replica keeps serving, not ready, before it drains.
    shutdown_delay: Duration,
    /// Shared with `/readyz`.
    draining: Arc<AtomicBool>,
    /// Where the access-change listener connects (`db::notices`), beside the pool.
    database_url: secrecy::SecretString,
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        // Install the metrics recorder before the first request, or its counts are lost.
        crate::telemetry::prometheus();
        tracing::info!(
            environment = config.environment.name(),
            "configuration: {}",
            config.environment.name()
        );
        let db = db::connect(&config).await?;
        crate::clock::on_start(&db, &config).await;
        // Documents print in one font: said at start when it is missing, not at the first PDF.
        crate::pdf::fonts::configure(config.pdf_font.as_deref(), config.pdf_font_bold.as_deref());
        if let Err(error) = crate::pdf::fonts::check() {
            tracing::error!(error = %error, "PDF documents cannot be printed until the font is installed");
        }
        let identity = Identity::from_config(&config).await?;
        let mailer = Mailer::from_config(&config)?;
        let billing = crate::billing::Billing::from_config(&config)?;
        let schema = api::schema_builder()
            .data(db.clone())
            .data(identity.clone())
            .data(billing.clone())
            .data(AppLinks::from_config(&config)?)
            .finish();
        let links = AppLinks::from_config(&config)?;
        let listener = TcpListener::bind(config.bind_address()).await?;
        let port = listener.local_addr()?.port();
        let metrics_listener = match config.metrics_addr {
            Some(address) => {
                let listener = TcpListener::bind(address).await.map_err(|error| {
                    anyhow::anyhow!("cannot serve metrics on DUELY_METRICS_ADDR={address}: {error}")
                })?;
                tracing::info!(address = %listener.local_addr()?, "metrics at /metrics");
                Some(listener)
            }
            None => None,
        };
        let shutdown_grace = config.shutdown_grace;
        let shutdown_delay = config.shutdown_delay;
        let draining = Arc::new(AtomicBool::new(false));
        let database_url = config.database_url.clone();
        let files = config.file_store()?;
        crate::attachments::storage::sweep_spool(&config.data_dir.join("spool"));
        tracing::info!(store = %files.description, "attachments");
        let state = AppState {
            files,
            schema,
            db: db.clone(),
            identity,
            billing,
            config: Arc::new(config),
            large_imports: crate::imports::service::LargeImports::new(
                crate::imports::service::LARGE_IMPORTS_AT_ONCE,
            ),
            draining: draining.clone(),
        };
        Ok(Application {
            listener,
            db,
            mailer,
            links,
            router: http::router(state),
            port,
            metrics_listener,
            shutdown_grace,
            shutdown_delay,
            draining,
            database_url,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port `/metrics` is served on, when it is served.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics_listener
            .as_ref()
            .and_then(|listener| listener.local_addr().ok())
            .map(|address| address.port())
    }

    /// Serves until `shutdown` resolves; then stops accepting, lets in-flight requests finish,
    /// and gives up on them when the grace period ends.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let (stopping_tx, mut stopping_rx) = tokio::sync::watch::channel(false);
        let worker = tokio::spawn(crate::email::run_worker(
            self.db.clone(),
            self.mailer.clone(),
            stopping_rx.clone(),
        ));
        let jobs = tokio::spawn(crate::jobs::run_worker(
            self.db.clone(),
            crate::jobs::Registry::standard(self.links.clone()),
            stopping_rx.clone(),
        ));
        // What this replica keeps of members' standing and companies' calendars is forgotten
        // when another replica (or anyone) changes it.
        let database_url = secrecy::ExposeSecret::expose_secret(&self.database_url).to_owned();
        let notices = tokio::spawn(crate::db::notices::listen(database_url, |notice| {
            crate::identity::standing::heard(notice);
            crate::db::calendar::heard(notice);
        }));
        let metrics_db = self.db.clone();
        let metrics = self.metrics_listener.map(|listener| {
            let mut stopping = stopping_rx.clone();
            tokio::spawn(async move {
                let stopped = async move {
                    let _ = stopping.wait_for(|stopping| *stopping).await;
                };
                if let Err(error) = axum::serve(listener, http::metrics_router(metrics_db))
                    .with_graceful_shutdown(stopped)
                    .await
                {
                    tracing::error!(error = %error, "the metrics listener failed");
                }
            })
        });
        let service = self
            .router
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        let (draining, delay) = (self.draining.clone(), self.shutdown_delay);
        let server = axum::serve(self.listener, service).with_graceful_shutdown(async move {
            shutdown.await;
            // Not ready at once, still serving: the load balancer takes the replica out
            // before it stops accepting.
            draining.store(true, Ordering::Relaxed);
            tracing::info!(
                delay_secs = delay.as_secs(),
                "stopping: /readyz answers 503; serving on until the delay ends"
            );
            tokio::time::sleep(delay).await;
            tracing::info!("shutting down: draining in-flight requests");
            let _ = stopping_tx.send(true);
        });
        let grace = self.shutdown_grace;
        let deadline = async move {
            let _ = stopping_rx.wait_for(|stopping| *stopping).await;
            tokio::time::sleep(grace).await;
        };
        // The email and job workers saw the stop signal with the server; each finishes what it
        // has in hand (one message, one job) within the same grace period.
        let (worker_abort, jobs_abort) = (worker.abort_handle(), jobs.abort_handle());
        let drained = async move {
            let result = server.await;
            let _ = worker.await;
            let _ = jobs.await;
            result
        };
        let result = tokio::select! {
            result = drained => result,
            () = deadline => {
                tracing::warn!(grace_secs = grace.as_secs(), "drain deadline passed; closing remaining connections and work");
                Ok(())
            }
        };
        worker_abort.abort();
        jobs_abort.abort();
        notices.abort();
        if let Some(metrics) = metrics {
            metrics.abort();
        }
        result
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}

/// Where people reach Duely, for links in emails, and the sealer that keeps a link's secret
/// unreadable while its email waits in the outbox (and a webhook's secret at rest); the
/// environment, which decides what addresses webhooks may reach.
#[derive(Clone, Debug)]
pub struct AppLinks {
    pub public_url: String,
    pub sealer: crate::secrets::Sealer,
    pub environment: crate::config::Environment,
    /// Where SMS and WeChat Work messages are sent.
    pub messaging: crate::messaging::providers::Endpoints,
}

impl AppLinks {
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        Ok(AppLinks {
            public_url: config.public_url.clone(),
            sealer: crate::secrets::Sealer::from_config(config)?.ok_or_else(|| {
                anyhow::anyhow!(
                    "DUELY_ENCRYPTION_KEY is needed to seal the secrets of emailed links"
                )
            })?,
            environment: config.environment,
            messaging: crate::messaging::providers::Endpoints::from_base(
                config.messaging_api_base.as_deref(),
            ),
        })
    }

    /// `token` for an email's link: the email's texts carry [`crate::email::SECRET_MARK`]
    /// where it goes, and the outbox keeps it sealed until the message is sent.
    pub fn secret(&self, token: String) -> crate::email::LinkSecret {
        crate::email::LinkSecret {
            token,
            sealer: self.sealer.clone(),
        }
    }
}
