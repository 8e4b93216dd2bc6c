//! Replicas of one deployment: `duely serve` run as child processes beside a test's own app,
//! on one database, signing tokens with one key and counting rate limits in one Redis
//! namespace, as a deployment's pods do.

use crate::helpers::{TestApp, fixture_web_dir};
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// One deployment's replicas sign and check access tokens with one key, as one issuer.
pub const JWT_SECRET: &str = "replicas-of-one-deployment-share-this-key";
pub const PUBLIC_URL: &str = "http://duely.replicas.example";

/// A `duely serve` child process; killed when dropped, so a failing test leaves no server behind.
pub struct Replica {
    child: Child,
    pub address: String,
    client: reqwest::Client,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Replica {
    /// Starts a replica beside `a`, sending mail where `a` sends it: any replica's worker may
    /// claim an email, and the test reads it from one place.
    pub async fn start(database_url: &str, a: &TestApp) -> Replica {
        Replica::start_with(database_url, &a.mail_dir, &[]).await
    }

    /// Starts a replica on `database_url` with `overrides` on top of the replicas' settings;
    /// mail goes to the test SMTP sink, else to files in `mail_dir`.
    pub async fn start_with(
        database_url: &str,
        mail_dir: &std::path::Path,
        overrides: &[(&str, &str)],
    ) -> Replica {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_duely"));
        command.env_clear();
        match std::env::var("DUELY_TEST_SMTP_URL") {
            Ok(url) if !url.is_empty() => command.env("DUELY_SMTP_URL", url),
            _ => command.env("DUELY_MAIL_DIR", mail_dir),
        };
        // Rate limits count where the test's own app counts them (see `helpers::test_config`).
        let redis = std::env::var("DUELY_TEST_REDIS_URL")
            .unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
        let namespace = database_url
            .rsplit('/')
            .next()
            .unwrap_or("duely")
            .to_owned();
        command
            .arg("serve")
            .env("DUELY_ENV", "development")
            .env("DUELY_ENCRYPTION_KEY", "5a".repeat(32))
            .env("DUELY_JWT_SECRET", JWT_SECRET)
            .env("DUELY_PUBLIC_URL", PUBLIC_URL)
            .env("DATABASE_URL", database_url)
            .env("REDIS_URL", redis)
            .env("DUELY_LIMITS_NAMESPACE", namespace)
            .env("HOST", "127.0.0.1")
            .env("PORT", port.to_string())
            .env("DUELY_METRICS_ADDR", "")
            .env("DUELY_WEB_DIR", fixture_web_dir())
            .env("DUELY_LOG_FORMAT", "json")
            .env("RUST_LOG", "warn")
            // Load tests send more than a person would.
            .env("DUELY_MEMBER_RATE_PER_MINUTE", "1000000")
            .env("DUELY_SIGNUP_RATE_PER_HOUR", "100000")
            // Long enough for a client that looks at /readyz every 500 ms to stop sending.
            .env("DUELY_SHUTDOWN_DELAY_SECS", "2");
        for (name, value) in overrides {
            command.env(name, value);
        }
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let replica = Replica {
            child,
            address: format!("http://127.0.0.1:{port}"),
            client: reqwest::Client::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if replica.ready().await {
                return replica;
            }
            assert!(Instant::now() < deadline, "the replica did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Whether `/readyz` answers 200 within a second.
    pub async fn ready(&self) -> bool {
        self.client
            .get(format!("{}/readyz", self.address))
            .timeout(Duration::from_secs(1))
            .send()
            .await
            .is_ok_and(|response| response.status().is_success())
    }

    /// SIGTERM, as an orchestrator stops a replica; waits until the process has exited.
    pub async fn terminate(mut self) -> Duration {
        let started = Instant::now();
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        loop {
            if self.child.try_wait().unwrap().is_some() {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the replica did not stop"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The GraphQL answer's status and body; `token` may be empty for an anonymous call.
    pub async fn send(&self, token: &str, query: &str, variables: Value) -> (u16, Value) {
        let mut request = self.client.post(format!("{}/graphql", self.address));
        if !token.is_empty() {
            request = request.bearer_auth(token);
        }
        let response = request
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    pub async fn graphql_as(&self, token: &str, query: &str, variables: Value) -> Value {
        self.send(token, query, variables).await.1
    }

    /// Asks until `done` holds; returns the last answer and how long it took.
    pub async fn until(
        &self,
        token: &str,
        query: &str,
        variables: Value,
        done: impl Fn(&Value) -> bool,
    ) -> (Value, Duration) {
        let started = Instant::now();
        loop {
            let body = self.graphql_as(token, query, variables.clone()).await;
            if done(&body) || started.elapsed() > Duration::from_secs(5) {
                return (body, started.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}
