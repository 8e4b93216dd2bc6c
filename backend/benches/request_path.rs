//! The request path under load, beside its peers: a signed-in page of invoices served by the
//! `duely` server (run as its own process, so its CPU is its own), by PostGraphile 4.14 over
//! copies of the same invoices and customers in the same database, and the SQL Duely sends for
//! it run by pgbench. Prints requests a second, server and PostgreSQL CPU per request, the
//! round trips and statements of one request, and each figure beside issue 22's goal.
//!
//! `cargo bench -p duely-backend --bench request_path` (the optimised `bench` profile: the goals
//! are for release builds). Needs `wrk` (`apt install wrk`), `pgbench` (PostgreSQL's client
//! tools) and Node (PostGraphile is installed into `infra/bench` by `npm ci` on first use).
//! `DUELY_BENCH_SECONDS` (default 30) sets each run's length, `DUELY_BENCH_CONNECTIONS` (32)
//! wrk's connections; the company has 200 customers and 10,000 invoices.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;
use duely_backend::db;
use duely_backend::demo::ledger::{LedgerSize, generate};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::{ScratchDatabase, env_or};
use uuid::Uuid;

const DUELY_PAGE: &str = "{ invoices(first: 50) { totalCount edges { node { number status issueDate dueDate total { amount currency } balanceDue { amount } customer { name } } } } }";
const DUELY_PAGE_UNCOUNTED: &str = "{ invoices(first: 50) { edges { node { number status issueDate dueDate total { amount currency } balanceDue { amount } customer { name } } } } }";
const PEER_PAGE: &str = "{ allInvoices(first: 50, orderBy: [ISSUE_DATE_DESC, ID_DESC]) { totalCount nodes { number status issueDate dueDate total currency balanceDue customerByCustomerId { name } } } }";
const PEER_PAGE_UNCOUNTED: &str = "{ allInvoices(first: 50, orderBy: [ISSUE_DATE_DESC, ID_DESC]) { nodes { number status issueDate dueDate total currency balanceDue customerByCustomerId { name } } } }";
const TYPENAME: &str = "{ __typename }";

/// A child process killed when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn wait_for(port: u16, path: &str) {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if client
            .get(format!("http://127.0.0.1:{port}{path}"))
            .send()
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("nothing answered on port {port}");
}

/// `duely serve` from this build, on `url`; `log` receives its JSON log.
async fn start_duely(url: &str, rust_log: &str, log: Option<&Path>) -> Server {
    let port = free_port();
    let stdout = match log {
        Some(path) => Stdio::from(std::fs::File::create(path).unwrap()),
        None => Stdio::null(),
    };
    let child = Command::new(env!("CARGO_BIN_EXE_duely"))
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DUELY_ENV", "development")
        .env("DUELY_ENCRYPTION_KEY", "5a".repeat(32))
        // Every server this benchmark starts accepts the one member's token.
        .env("DUELY_JWT_SECRET", "the-request-path-benchmark-signing-key")
        .env("DUELY_PUBLIC_URL", "http://duely.bench.example")
        .env("DATABASE_URL", url)
        .env("HOST", "127.0.0.1")
        .env("PORT", port.to_string())
        .env("DUELY_METRICS_ADDR", "")
        .env(
            "DUELY_WEB_DIR",
            format!("{}/tests/fixtures/web", env!("CARGO_MANIFEST_DIR")),
        )
        .env("DUELY_LOG_FORMAT", "json")
        .env(
            "DUELY_MAIL_DIR",
            std::env::temp_dir()
                .join("duely-bench-mail")
                .display()
                .to_string(),
        )
        .env("RUST_LOG", rust_log)
        // The benchmark's one member sends thousands of requests a second on purpose.
        .env("DUELY_MEMBER_RATE_PER_MINUTE", "100000000")
        .env("DUELY_SIGNUP_RATE_PER_HOUR", "100000")
        .env("DUELY_DB_MAX_CONNECTIONS", "16")
        .stdout(stdout)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for(port, "/healthz").await;
    Server { child, port }
}

/// User and system CPU time of the processes named `name` (all PostgreSQL backends, say), or
/// of one process.
fn cpu_of(pid: Option<u32>, name: &str) -> Duration {
    let ticks_per_second = 100.0; // Linux's USER_HZ
    let mut ticks = 0u64;
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Duration::ZERO;
    };
    for entry in entries.filter_map(Result::ok) {
        let file = entry.file_name();
        let Some(this) = file.to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        if pid.is_some_and(|pid| pid != this) {
            continue;
        }
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ...: the fields after the command name, which may hold spaces.
        let Some((head, rest)) = stat.rsplit_once(") ") else {
            continue;
        };
        if pid.is_none() && !head.ends_with(&format!("({name}")) {
            continue;
        }
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let field = |n: usize| fields[n].parse::<u64>().unwrap_or(0);
        // utime and stime are the 14th and 15th fields, the 12th and 13th after the name; for
        // PostgreSQL also cutime and cstime, where backends that ended left their time.
        ticks += field(11) + field(12);
        if pid.is_none() {
            ticks += field(13) + field(14);
        }
    }
    Duration::from_secs_f64(ticks as f64 / ticks_per_second)
}

/// What one load run measured.
struct Run {
    rate: f64,
    requests: u64,
    server_cpu_ms: f64,
    postgres_cpu_ms: f64,
}

/// Runs wrk against `url` posting `query` (with `token`), measuring `server`'s CPU and
/// PostgreSQL's.
fn wrk(url: &str, query: &str, token: Option<&str>, server: u32, seconds: u64, dir: &Path) -> Run {
    let script = dir.join(format!("post-{}.lua", Uuid::new_v4().simple()));
    let body = serde_json::to_string(&json!({ "query": query })).unwrap();
    let auth = token
        .map(|token| format!("wrk.headers[\"Authorization\"] = \"Bearer {token}\"\n"))
        .unwrap_or_default();
    std::fs::write(
        &script,
        format!(
            "wrk.method = \"POST\"\nwrk.body = {}\nwrk.headers[\"Content-Type\"] = \"application/json\"\n{auth}",
            lua_string(&body)
        ),
    )
    .unwrap();
    let connections = env_or("DUELY_BENCH_CONNECTIONS", 32);
    let (server_before, postgres_before) = (cpu_of(Some(server), ""), cpu_of(None, "postgres"));
    let output = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "-s",
            script.to_str().unwrap(),
            url,
        ])
        .output()
        .expect("wrk runs (apt install wrk)");
    let (server_after, postgres_after) = (cpu_of(Some(server), ""), cpu_of(None, "postgres"));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(!text.contains("Non-2xx"), "some requests failed: {text}");
    let rate = text
        .lines()
        .find_map(|line| line.strip_prefix("Requests/sec:"))
        .and_then(|rate| rate.trim().parse().ok())
        .unwrap_or_else(|| panic!("wrk printed no rate: {text}"));
    let requests: u64 = text
        .lines()
        .find(|line| line.contains("requests in"))
        .and_then(|line| line.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let per = |cpu: Duration| cpu.as_secs_f64() * 1000.0 / requests.max(1) as f64;
    Run {
        rate,
        requests,
        server_cpu_ms: per(server_after.saturating_sub(server_before)),
        postgres_cpu_ms: per(postgres_after.saturating_sub(postgres_before)),
    }
}

fn lua_string(text: &str) -> String {
    format!("[==[{text}]==]")
}

/// pgbench running `script` (the SQL of one request) for `seconds`, bound to `schema` as
/// Duely's transactions are; its rate in transactions a second. pgbench cannot send `BEGIN`
/// and `SET LOCAL`s as one prepared command, so the binding is the session's (its connection
/// options) and each transaction is `BEGIN`, the page and `COMMIT`: Duely's three round trips.
fn pgbench(url: &str, schema: &str, script: &Path, seconds: u64) -> f64 {
    let connections = env_or("DUELY_BENCH_CONNECTIONS", 32);
    let output = Command::new("pgbench")
        .env(
            "PGOPTIONS",
            format!("-c search_path={schema} -c role={schema} -c jit=off"),
        )
        .args([
            "-n",
            "-M",
            "prepared",
            "-c",
            &connections.to_string(),
            "-j",
            "2",
            "-T",
            &seconds.to_string(),
            "-f",
            script.to_str().unwrap(),
            url,
        ])
        .output()
        .expect("pgbench runs (PostgreSQL's client tools)");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "pgbench failed: {text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    text.lines()
        .find_map(|line| line.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|tps| tps.parse().ok())
        .unwrap_or_else(|| panic!("pgbench printed no rate: {text}"))
}

async fn graphql(port: u16, token: &str, query: &str) -> Value {
    reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The statements one list request sends, with their values written in, from a server that
/// logs them (`db::statements` at debug).
async fn statements_of_one_request(url: &str, token: &str, dir: &Path) -> Vec<String> {
    let log = dir.join("statements.log");
    let server = start_duely(
        url,
        "warn,duely_backend::http::observe=info,duely_backend::db::statements=debug",
        Some(&log),
    )
    .await;
    for _ in 0..3 {
        graphql(server.port, token, DUELY_PAGE).await;
    }
    let before = std::fs::read_to_string(&log)
        .unwrap_or_default()
        .lines()
        .count();
    let body = graphql(server.port, token, DUELY_PAGE).await;
    assert!(body.get("errors").is_none(), "{body}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    drop(server);
    std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .skip(before)
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        // The request's own, not the background workers'.
        .filter(|entry| entry["span"]["name"] == "request" && entry["span"]["path"] == "/graphql")
        .filter_map(|entry| entry["fields"]["sql"].as_str().map(str::to_owned))
        .collect()
}

/// Waits until the server's daily work for the new company (its dunning run, snapshots) is
/// done, so that it does not run beside the measurements; returns how long that took.
async fn settle(pool: &DatabaseConnection) -> Duration {
    let started = Instant::now();
    let mut quiet = 0;
    while quiet < 3 && started.elapsed() < Duration::from_secs(600) {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let pending = pool
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Postgres,
                "SELECT count(*) AS n FROM public.jobs WHERE finished_at IS NULL AND run_at <= now()",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap();
        quiet = if pending == 0 { quiet + 1 } else { 0 };
    }
    started.elapsed()
}

/// PostGraphile 4.14 from `infra/bench`, installed there on first use.
fn start_peer(url: &str) -> Server {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../infra/bench");
    let bin = dir.join("node_modules/.bin/postgraphile");
    if !bin.exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .expect("npm runs (Node 20)");
        assert!(status.success(), "npm ci in infra/bench failed");
    }
    let port = free_port();
    let child = Command::new(bin)
        .args([
            "-c",
            url,
            "-s",
            "peer",
            "-p",
            &port.to_string(),
            "-n",
            "127.0.0.1",
            "--disable-default-mutations",
            "--disable-query-log",
        ])
        .env("NODE_ENV", "production")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    Server { child, port }
}

fn cores_note() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cores} cores shared by wrk, the server and PostgreSQL")
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let seconds = env_or("DUELY_BENCH_SECONDS", 30);
    let (scratch, pool) = ScratchDatabase::create().await;
    let (admin, url) = (&scratch.admin, scratch.url.clone());
    let dir = std::env::temp_dir().join(format!("duely-bench-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();

    // A first server for the sign-up; the measured one starts once the company has its ledger,
    // so that its scheduler finds the day's work at once.
    let first = start_duely(&url, "warn", None).await;
    let signed_up: Value = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{}/graphql", first.port))
        .json(&json!({
            "query": "mutation($input: SignUpInput!) { signUp(input: $input) { accessToken tenant { id } } }",
            "variables": { "input": { "companyName": "Bench Trading", "name": "Bench", "email": "bench@duely.example", "password": "benchmark-password-2026" } },
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = signed_up["data"]["signUp"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("sign-up failed: {signed_up}"))
        .to_owned();
    let tenant: domain::TenantId = signed_up["data"]["signUp"]["tenant"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    duely_backend::billing::plans::grant(&pool, tenant, domain::billing::Plan::Scale)
        .await
        .unwrap();
    let calendar = db::tenant_calendar(&pool, tenant).await.unwrap();
    let tx = db::TenantTx::begin(&pool, tenant).await.unwrap();
    let size = LedgerSize {
        customers: 200,
        invoices: 10_000,
        months: 18,
    };
    generate(&tx, size, calendar.today).await.unwrap();
    tx.commit().await.unwrap();
    drop(first);
    pool.execute_unprepared("ANALYZE").await.unwrap();
    let duely = start_duely(&url, "warn", None).await;
    let settled = settle(&pool).await;

    // The peer's copies: the same rows, keys, the relation and an index for its order.
    let schema = tenant.schema_name();
    pool.execute_unprepared(&format!(
        r#"CREATE SCHEMA peer;
           CREATE TABLE peer.customers AS SELECT id, code, name FROM "{schema}".customers;
           ALTER TABLE peer.customers ADD PRIMARY KEY (id);
           CREATE TABLE peer.invoices AS
               SELECT id, number, status, issue_date, due_date, currency::text AS currency, total,
                      balance_due, customer_id FROM "{schema}".invoices;
           ALTER TABLE peer.invoices ADD PRIMARY KEY (id),
               ADD FOREIGN KEY (customer_id) REFERENCES peer.customers (id);
           CREATE INDEX ON peer.invoices (customer_id);
           CREATE INDEX ON peer.invoices (issue_date DESC, id DESC);
           ANALYZE;"#
    ))
    .await
    .unwrap();

    // One request's round trips and statements, as the round-trip test counts them.
    let sql = statements_of_one_request(&url, &token, &dir).await;
    let script = dir.join("duely-page.sql");
    std::fs::write(
        &script,
        format!(
            "BEGIN;\n{}\nCOMMIT;\n",
            sql.iter()
                .map(|statement| format!(
                    "{};",
                    statement.split_whitespace().collect::<Vec<_>>().join(" ")
                ))
                .collect::<Vec<_>>()
                .join("\n")
        ),
    )
    .unwrap();

    let peer = start_peer(&url);
    wait_for(peer.port, "/graphql").await;
    let duely_url = format!("http://127.0.0.1:{}/graphql", duely.port);
    let peer_url = format!("http://127.0.0.1:{}/graphql", peer.port);
    // Warm both: prepared statements, plans, caches.
    for _ in 0..20 {
        graphql(duely.port, &token, DUELY_PAGE).await;
        graphql(peer.port, &token, PEER_PAGE).await;
    }
    // The same rows on both sides (the dunning run added its fee invoices before the copy).
    let peer_check = graphql(peer.port, &token, PEER_PAGE).await;
    let duely_check = graphql(duely.port, &token, DUELY_PAGE).await;
    assert_eq!(
        peer_check["data"]["allInvoices"]["totalCount"],
        duely_check["data"]["invoices"]["totalCount"],
        "{peer_check}"
    );

    let duely_pid = duely.child.id();
    let peer_pid = peer.child.id();
    println!(
        "request path, release (bench profile), {} customers and {} invoices, wrk {} connections, {seconds} s a run, {}",
        size.customers,
        size.invoices,
        env_or("DUELY_BENCH_CONNECTIONS", 32),
        cores_note()
    );
    println!(
        "the company's daily work (its dunning run over the generated ledger) done first, in {:.1} s",
        settled.as_secs_f64()
    );
    println!(
        "one list request sends {} statement(s) besides BEGIN and COMMIT (round trips: tests/api/round_trips.rs holds 3)",
        sql.len()
    );
    let cases = [
        (
            "50 invoices with customer name and totalCount",
            DUELY_PAGE,
            PEER_PAGE,
        ),
        (
            "the same without totalCount",
            DUELY_PAGE_UNCOUNTED,
            PEER_PAGE_UNCOUNTED,
        ),
        ("{ __typename }, signed in", TYPENAME, TYPENAME),
    ];
    println!(
        "\n{:<48} {:>10} {:>10} {:>7} {:>12} {:>12}",
        "request", "Duely rps", "peer rps", "ratio", "server ms/r", "postgres ms/r"
    );
    let mut list_rate = 0.0;
    let mut list_cpu = 0.0;
    let mut peer_list_rate = 0.0;
    for (label, ours, theirs) in cases {
        let duely_run = wrk(&duely_url, ours, Some(&token), duely_pid, seconds, &dir);
        let peer_run = wrk(&peer_url, theirs, None, peer_pid, seconds, &dir);
        if list_rate == 0.0 {
            list_rate = duely_run.rate;
            list_cpu = duely_run.server_cpu_ms;
            peer_list_rate = peer_run.rate;
        }
        println!(
            "{label:<48} {:>10.0} {:>10.0} {:>6.2}x {:>12.2} {:>12.2}",
            duely_run.rate,
            peer_run.rate,
            duely_run.rate / peer_run.rate,
            duely_run.server_cpu_ms,
            duely_run.postgres_cpu_ms
        );
        println!(
            "{:<48} {:>10} {:>10} {:>7} {:>12.2} {:>12.2}   (PostGraphile's own CPU and PostgreSQL's; {} and {} requests)",
            "",
            "",
            "",
            "",
            peer_run.server_cpu_ms,
            peer_run.postgres_cpu_ms,
            duely_run.requests,
            peer_run.requests
        );
    }
    drop(peer);
    let tps = pgbench(&url, &schema, &script, seconds);
    println!(
        "\npgbench, the SQL of one list request (BEGIN with its binding, {} statement(s), COMMIT): {tps:.0} tps",
        sql.len()
    );
    println!("\ngoals (issue 22):");
    println!(
        "  server CPU per list request {list_cpu:.2} ms (goal at most 0.8 ms): {}",
        if list_cpu <= 0.8 { "met" } else { "not met" }
    );
    println!(
        "  list rate against PostGraphile {:.2}x (goal at least 1x, stretch 2x): {}",
        list_rate / peer_list_rate,
        if list_rate >= 2.0 * peer_list_rate {
            "met, stretch too"
        } else if list_rate >= peer_list_rate {
            "met"
        } else {
            "not met"
        }
    );
    println!(
        "  list rate against pgbench running its SQL {:.2}x (goal at least 0.85x): {}",
        list_rate / tps,
        if list_rate >= 0.85 * tps {
            "met"
        } else {
            "not met"
        }
    );

    drop(duely);
    pool.close().await.unwrap();
    scratch.drop_database().await;
    admin
        .execute_unprepared(&format!("DROP ROLE \"{schema}\""))
        .await
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
