//! `spawn_app()` and the fixtures the tests share.
//!
//! The first test to need a database builds the template once per run: it drops what earlier
//! runs left behind, creates `duely_test_template` and migrates it. Every test then gets
//! `CREATE DATABASE … TEMPLATE duely_test_template`: a file copy, much faster than migrating, and
//! isolated, so tests run in parallel. Two test runs against one server at the same time are not
//! supported (the second would drop the first's databases).

use domain::TenantId;
use duely_backend::config::{Config, Environment};
use duely_backend::db;
use duely_backend::db::url::with_database;
use duely_backend::startup::Application;
use sea_orm::{
    ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement, TransactionTrait,
};
use std::collections::HashMap;
use tokio::sync::{OnceCell, oneshot};
use tokio::task::JoinHandle;
use uuid::Uuid;

const TEMPLATE: &str = "duely_test_template";
const TEST_DATABASE_PREFIX: &str = "duely_test_";

static TEMPLATE_READY: OnceCell<()> = OnceCell::const_new();

/// The server to test against: `DATABASE_URL` (any database on it), else the local one.
fn server_url() -> String {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

async fn admin_connection() -> DatabaseConnection {
    Database::connect(with_database(&server_url(), "postgres"))
        .await
        .expect("connect to PostgreSQL: is it running, and is DATABASE_URL right?")
}

async fn ensure_template() {
    TEMPLATE_READY
        .get_or_init(|| async {
            let admin = admin_connection().await;
            let leftovers = admin
                .query_all_raw(Statement::from_string(
                    DbBackend::Postgres,
                    format!(
                        "SELECT datname FROM pg_database WHERE datname LIKE '{TEST_DATABASE_PREFIX}%'"
                    ),
                ))
                .await
                .unwrap();
            for row in leftovers {
                let name: String = row.try_get("", "datname").unwrap();
                admin
                    .execute_unprepared(&format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#))
                    .await
                    .unwrap();
            }
            // Tenant roles are cluster-wide and outlive the dropped databases. A role that
            // still owns something elsewhere (a developer's own database) refuses to drop.
            let roles = admin
                .query_all_raw(Statement::from_string(
                    DbBackend::Postgres,
                    "SELECT rolname FROM pg_roles WHERE rolname ~ '^t_[0-9a-f]{32}$'",
                ))
                .await
                .unwrap();
            for row in roles {
                let role: String = row.try_get("", "rolname").unwrap();
                let _ = admin.execute_unprepared(&format!(r#"DROP ROLE "{role}""#)).await;
            }
            admin
                .execute_unprepared(&format!("CREATE DATABASE {TEMPLATE}"))
                .await
                .unwrap();
            admin.close().await.unwrap();

            let template = Database::connect(with_database(&server_url(), TEMPLATE))
                .await
                .unwrap();
            db::migrate_all(&template).await.unwrap();
            template.close().await.unwrap();
        })
        .await;
}

/// A fresh database cloned from the migrated template; returns its URL.
pub async fn fresh_database() -> String {
    ensure_template().await;
    let name = format!("{TEST_DATABASE_PREFIX}{}", Uuid::new_v4().simple());
    let admin = admin_connection().await;
    // Cloning fails while anyone is connected to the template; the template's own pool may
    // take a moment to close.
    let mut attempts = 0;
    loop {
        match admin
            .execute_unprepared(&format!("CREATE DATABASE {name} TEMPLATE {TEMPLATE}"))
            .await
        {
            Ok(_) => break,
            Err(error) if attempts < 50 => {
                attempts += 1;
                let _ = error;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(error) => panic!("cannot clone the template database: {error}"),
        }
    }
    admin.close().await.unwrap();
    with_database(&server_url(), &name)
}

pub fn fixture_web_dir() -> String {
    format!("{}/tests/fixtures/web", env!("CARGO_MANIFEST_DIR"))
}

pub const PLATFORM_STRIPE_KEY: &str = "sk_test_duely_platform";
pub const PLATFORM_WEBHOOK_SECRET: &str = "whsec_duely_platform_test";

/// The message providers' stand-in's base URL (`DUELY_TEST_MESSAGING_BASE`, set by the test
/// command: `infra/messaging_standin.py`).
pub fn messaging_base() -> String {
    std::env::var("DUELY_TEST_MESSAGING_BASE")
        .ok()
        .filter(|base| !base.is_empty())
        .expect("DUELY_TEST_MESSAGING_BASE: run the tests with ./infra/test.sh")
}

/// Where test apps send messages: the stand-in when the test command started it.
pub fn messaging_endpoints() -> duely_backend::messaging::providers::Endpoints {
    duely_backend::messaging::providers::Endpoints::from_base(
        std::env::var("DUELY_TEST_MESSAGING_BASE")
            .ok()
            .filter(|base| !base.is_empty())
            .as_deref(),
    )
}

/// The Stripe stand-in's base URL (`DUELY_TEST_STRIPE_API_BASE`, set by the test command).
pub fn stripe_api_base() -> String {
    std::env::var("DUELY_TEST_STRIPE_API_BASE")
        .ok()
        .filter(|base| !base.is_empty())
        // Nothing listens here: tests that reach Stripe say to run the test command.
        .unwrap_or_else(|| "http://127.0.0.1:9".to_owned())
}

pub fn test_config(overrides: &[(&str, &str)], database_url: &str) -> Config {
    let mut vars: HashMap<String, String> = HashMap::from([
        ("HOST".to_owned(), "127.0.0.1".to_owned()),
        ("PORT".to_owned(), "0".to_owned()),
        ("DATABASE_URL".to_owned(), database_url.to_owned()),
        ("DUELY_WEB_DIR".to_owned(), fixture_web_dir()),
        ("DUELY_DB_MAX_CONNECTIONS".to_owned(), "4".to_owned()),
        ("DUELY_SHUTDOWN_GRACE_SECS".to_owned(), "5".to_owned()),
        // No load balancer to wait for; the delay's own test sets one.
        ("DUELY_SHUTDOWN_DELAY_SECS".to_owned(), "0".to_owned()),
        // Tests run as the scripts do; each app's metrics listen on a port of their own.
        ("DUELY_ENV".to_owned(), "development".to_owned()),
        ("DUELY_METRICS_ADDR".to_owned(), "127.0.0.1:0".to_owned()),
        // Secrets at rest are sealed with a test key; Stripe is the stand-in the test command
        // starts (infra/stripe_standin.py), with Duely's account and prices of its own.
        ("DUELY_ENCRYPTION_KEY".to_owned(), "5a".repeat(32)),
        (
            "DUELY_STRIPE_SECRET_KEY".to_owned(),
            PLATFORM_STRIPE_KEY.to_owned(),
        ),
        (
            "DUELY_STRIPE_WEBHOOK_SECRET".to_owned(),
            PLATFORM_WEBHOOK_SECRET.to_owned(),
        ),
        (
            "DUELY_STRIPE_PRICE_GROWTH".to_owned(),
            "price_growth_test".to_owned(),
        ),
        (
            "DUELY_STRIPE_PRICE_SCALE".to_owned(),
            "price_scale_test".to_owned(),
        ),
        ("DUELY_STRIPE_API_BASE".to_owned(), stripe_api_base()),
        // Messages go to the providers' stand-in the test command starts.
        (
            "DUELY_MESSAGING_API_BASE".to_owned(),
            std::env::var("DUELY_TEST_MESSAGING_BASE").unwrap_or_default(),
        ),
        // Every test signs up from 127.0.0.1.
        ("DUELY_SIGNUP_RATE_PER_HOUR".to_owned(), "100000".to_owned()),
        // Rate limits count in the real Redis the test command starts, each app under a
        // namespace of its own (its database's name), as replicas of one deployment would.
        (
            "REDIS_URL".to_owned(),
            std::env::var("DUELY_TEST_REDIS_URL")
                .unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned()),
        ),
        (
            "DUELY_LIMITS_NAMESPACE".to_owned(),
            database_url
                .rsplit('/')
                .next()
                .unwrap_or("duely")
                .to_owned(),
        ),
    ]);
    // Uploads being received and attached files: a folder of this app's own.
    vars.insert(
        "DUELY_DATA_DIR".to_owned(),
        std::env::temp_dir()
            .join(format!("duely-test-data-{}", Uuid::new_v4().simple()))
            .display()
            .to_string(),
    );
    // Mail goes to the real SMTP sink the test command starts, else to this app's own folder.
    match std::env::var("DUELY_TEST_SMTP_URL") {
        Ok(url) if !url.is_empty() => {
            vars.insert("DUELY_SMTP_URL".to_owned(), url);
        }
        _ => {
            let dir =
                std::env::temp_dir().join(format!("duely-test-mail-{}", Uuid::new_v4().simple()));
            vars.insert("DUELY_MAIL_DIR".to_owned(), dir.display().to_string());
        }
    }
    for (name, value) in overrides {
        vars.insert((*name).to_owned(), (*value).to_owned());
    }
    Config::from_lookup(|name| vars.get(name).cloned()).unwrap()
}

pub struct TestApp {
    pub address: String,
    /// `http://127.0.0.1:<port>` of this app's metrics listener, when it has one.
    pub metrics_address: Option<String>,
    /// Where this app's mail can be read: the SMTP sink's maildir, or its `.eml` folder.
    pub mail_dir: std::path::PathBuf,
    pub client: reqwest::Client,
    pub database_url: String,
    /// A pool on the test's database, for arranging and checking state.
    pub db: DatabaseConnection,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
}

pub async fn spawn_app() -> TestApp {
    let database_url = fresh_database().await;
    spawn_app_with(test_config(&[], &database_url)).await
}

pub async fn spawn_app_with(config: Config) -> TestApp {
    use secrecy::ExposeSecret;
    let database_url = config.database_url.expose_secret().to_owned();
    let mail_dir = match std::env::var("DUELY_TEST_MAILDIR") {
        Ok(dir) if config.smtp_url.is_some() => std::path::PathBuf::from(dir).join("new"),
        _ => config.mail_dir.clone(),
    };
    let app = Application::build(config).await.unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    let metrics_address = app
        .metrics_port()
        .map(|port| format!("http://127.0.0.1:{port}"));
    let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async move {
        let _ = shutdown_rx.await;
    }));
    let db = Database::connect(database_url.as_str()).await.unwrap();
    TestApp {
        address,
        metrics_address,
        mail_dir,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        database_url,
        db,
        shutdown: Some(shutdown_tx),
        server: Some(server),
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Posts a GraphQL operation as a standard client does and returns the JSON body.
    pub async fn graphql(&self, query: &str, variables: serde_json::Value) -> serde_json::Value {
        self.client
            .post(self.url("/graphql"))
            .header("accept", "application/graphql-response+json")
            .json(&serde_json::json!({ "query": query, "variables": variables }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Posts a GraphQL operation with `Authorization: Bearer <bearer>`.
    pub async fn graphql_as(
        &self,
        bearer: &str,
        query: &str,
        variables: serde_json::Value,
    ) -> serde_json::Value {
        self.client
            .post(self.url("/graphql"))
            .header("accept", "application/graphql-response+json")
            .bearer_auth(bearer)
            .json(&serde_json::json!({ "query": query, "variables": variables }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// As [`Self::graphql_as`], asking for texts in `language` (an `Accept-Language` value, or
    /// `None` for no header).
    pub async fn graphql_in(
        &self,
        bearer: &str,
        language: Option<&str>,
        query: &str,
        variables: serde_json::Value,
    ) -> serde_json::Value {
        let mut request = self
            .client
            .post(self.url("/graphql"))
            .header("accept", "application/graphql-response+json")
            .bearer_auth(bearer);
        if let Some(language) = language {
            request = request.header("accept-language", language);
        }
        request
            .json(&serde_json::json!({ "query": query, "variables": variables }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Signs up a company through the API and returns the owner's session.
    pub async fn sign_up(&self, company: &str, email: &str) -> TestSession {
        let body = self
            .graphql(
                SIGN_UP,
                serde_json::json!({ "input": {
                    "companyName": company,
                    "name": "Li Wei",
                    "email": email,
                    "password": TEST_PASSWORD,
                }}),
            )
            .await;
        let session = TestSession::from_payload(&body["data"]["signUp"])
            .unwrap_or_else(|| panic!("sign-up failed: {body}"));
        // The owner's address counts as verified, as after following the emailed link (the
        // verification itself has tests of its own): companies may email their customers.
        self.db
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE public.users SET email_verified_at = now() WHERE id = $1",
                [session.user_id.parse::<Uuid>().unwrap().into()],
            ))
            .await
            .unwrap();
        session
    }

    /// An email address unique to this app, so tests sharing the SMTP sink never read each
    /// other's mail.
    pub fn email(&self, local_part: &str) -> String {
        // The database's name, without the URL's options.
        let unique = self.database_url.rsplit('/').next().unwrap_or("app");
        let unique = unique.split('?').next().unwrap_or(unique);
        format!(
            "{local_part}@{}.example",
            unique.trim_start_matches("duely_test_")
        )
    }

    /// The decoded text of the newest email to `to`, waiting up to ten seconds for the worker;
    /// the verification email every sign-up sends is passed over (see [`Self::email_with`]).
    pub async fn email_to(&self, to: &str) -> String {
        self.email_where(to, |text| !text.contains("/verify-email/"))
            .await
    }

    /// The newest email to `to` that contains `needle`, waiting up to ten seconds.
    pub async fn email_with(&self, to: &str, needle: &str) -> String {
        self.email_where(to, |text| text.contains(needle)).await
    }

    async fn email_where(&self, to: &str, keep: impl Fn(&str) -> bool) -> String {
        for _ in 0..100 {
            if let Some(text) = crate::kit::newest_to_where(&self.mail_dir, to, &keep) {
                return text;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!(
            "no such email to {to} arrived in {}",
            self.mail_dir.display()
        );
    }

    /// Fills `tenant` with a generated ledger of `size` (customers, invoices with lines,
    /// payments, allocations, credit notes and write-offs up to the company's today), in bulk
    /// and in one transaction, as `duely seed` does.
    pub async fn generate_ledger(
        &self,
        tenant: TenantId,
        size: duely_backend::demo::ledger::LedgerSize,
    ) {
        let today = db::tenant_calendar(&self.db, tenant).await.unwrap().today;
        let tx = db::TenantTx::begin(&self.db, tenant).await.unwrap();
        duely_backend::demo::ledger::generate(&tx, size, today)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }

    /// Makes `day` every company's business day (the development clock, as `duely clock` and
    /// `DUELY_TODAY` set it): due dates, aging, dunning and reports count from it at once.
    pub async fn set_today(&self, day: chrono::NaiveDate) {
        duely_backend::clock::set(&self.db, Environment::Development, None, Some(day))
            .await
            .unwrap();
    }

    /// Every company's business day follows the real date again.
    pub async fn reset_clock(&self) {
        duely_backend::clock::set(&self.db, Environment::Development, None, None)
            .await
            .unwrap();
    }

    /// Signals shutdown (SIGTERM's effect) without waiting.
    pub fn signal_stop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }

    /// Signals shutdown and waits for the server to finish draining.
    pub async fn stop(&mut self) -> std::io::Result<()> {
        self.signal_stop();
        match self.server.take() {
            Some(server) => server.await.unwrap(),
            None => Ok(()),
        }
    }
}

/// Registers a tenant and provisions its schema, as sign-up will: one transaction.
pub async fn create_tenant(db: &DatabaseConnection, name: &str) -> TenantId {
    let tenant = TenantId::from_uuid(Uuid::now_v7());
    let txn = db.begin().await.unwrap();
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO public.tenants (id, name, schema_name, slug) VALUES ($1, $2, $3, $3)",
        [tenant.0.into(), name.into(), tenant.schema_name().into()],
    ))
    .await
    .unwrap();
    db::provision_tenant_schema(&txn, tenant).await.unwrap();
    // A verified owner, as a signed-up company has: its dunning may email customers.
    let owner = Uuid::now_v7();
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO public.users (id, email, name, password_hash, email_verified_at)
         VALUES ($1, $2, 'Owner', 'not a password', now());
         ",
        [
            owner.into(),
            format!("owner-{}@tenants.example", owner.simple()).into(),
        ],
    ))
    .await
    .unwrap();
    add_member_in(&txn, tenant, owner, "OWNER").await;
    txn.commit().await.unwrap();
    tenant
}

async fn add_member_in(conn: &impl ConnectionTrait, tenant: TenantId, user: Uuid, role: &str) {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO public.memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)",
        [tenant.0.into(), user.into(), role.into()],
    ))
    .await
    .unwrap();
}

/// The error codes of a GraphQL response, in order.
pub fn error_codes(body: &serde_json::Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|error| {
                    error["extensions"]["code"]
                        .as_str()
                        .unwrap_or("")
                        .to_owned()
                })
                .collect()
        })
        .unwrap_or_default()
}

pub const TEST_PASSWORD: &str = "receivables-on-time";

pub const SESSION_FIELDS: &str = "accessToken accessTokenExpiresAt refreshToken role user { id email name } tenant { id name slug baseCurrency locale timeZone plan status }";

pub const SIGN_UP: &str = "mutation($input: SignUpInput!) { signUp(input: $input) { accessToken accessTokenExpiresAt refreshToken role user { id email name } tenant { id name slug baseCurrency locale timeZone plan status } } }";

/// A session as the API returned it.
#[derive(Debug, Clone)]
pub struct TestSession {
    pub access_token: String,
    pub refresh_token: String,
    pub user_id: String,
    pub tenant_id: TenantId,
}

impl TestSession {
    pub fn from_payload(payload: &serde_json::Value) -> Option<Self> {
        Some(TestSession {
            access_token: payload["accessToken"].as_str()?.to_owned(),
            refresh_token: payload["refreshToken"].as_str()?.to_owned(),
            user_id: payload["user"]["id"].as_str()?.to_owned(),
            tenant_id: payload["tenant"]["id"].as_str()?.parse().ok()?,
        })
    }
}

/// Makes `user_id` a member of `tenant` with `role`, as an accepted invitation will.
pub async fn add_member(db: &DatabaseConnection, tenant: TenantId, user_id: &str, role: &str) {
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO public.memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)",
        [
            tenant.0.into(),
            user_id.parse::<Uuid>().unwrap().into(),
            role.into(),
        ],
    ))
    .await
    .unwrap();
}

/// Ends `user_id`'s membership of `tenant`, as removing a member will.
pub async fn remove_member(db: &DatabaseConnection, tenant: TenantId, user_id: &str) {
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "DELETE FROM public.memberships WHERE tenant_id = $1 AND user_id = $2",
        [tenant.0.into(), user_id.parse::<Uuid>().unwrap().into()],
    ))
    .await
    .unwrap();
}

/// Sends `query` as `token` until `done` holds for the response, for at most a second (what
/// a replica may take to hear of a change made elsewhere, such as by SQL here), and returns
/// the last response.
pub async fn within_a_second(
    app: &TestApp,
    token: &str,
    query: &str,
    variables: serde_json::Value,
    done: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    loop {
        let body = app.graphql_as(token, query, variables.clone()).await;
        if done(&body) || std::time::Instant::now() >= deadline {
            return body;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

/// A count from the control plane, for checking that nothing changed.
pub async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    db.query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap()
}

/// The statements a read-only request ran (from `Server-Timing`) and its body: the fewest of
/// three sends. The member's standing and the company's calendar are kept per process, and any
/// test's app may empty them at any moment (a `clock:` notice for every company, a listener
/// reconnecting), so one send may also count the lookup that refills them.
pub async fn measured(
    app: &TestApp,
    session: &TestSession,
    query: &str,
) -> (u32, serde_json::Value) {
    let mut fewest: Option<(u32, serde_json::Value)> = None;
    for _ in 0..3 {
        let sent = measured_once(app, session, query).await;
        if fewest.as_ref().is_none_or(|(least, _)| sent.0 < *least) {
            fewest = Some(sent);
        }
    }
    fewest.unwrap()
}

async fn measured_once(
    app: &TestApp,
    session: &TestSession,
    query: &str,
) -> (u32, serde_json::Value) {
    let response = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&session.access_token)
        .json(&serde_json::json!({ "query": query }))
        .send()
        .await
        .unwrap();
    let timing = response.headers()["server-timing"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: serde_json::Value = response.json().await.unwrap();
    let statements = timing
        .split("desc=\"")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no statement count in {timing}"));
    (statements, body)
}
