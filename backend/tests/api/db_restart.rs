//! PostgreSQL restarted under load. A cluster of the test's own (Debian's `initdb`, on a free
//! port) serves one `duely serve` replica while a client keeps sending; the cluster stops for
//! a few seconds and starts again. While it is down every request fails fast with
//! `UNAVAILABLE` and a retry time, and `/readyz` answers 503 so a load balancer stops sending;
//! once it is back the same process serves again, with no restart.

use crate::helpers::{SIGN_UP, TEST_PASSWORD, error_codes};
use crate::kit::replica::Replica;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// A throwaway PostgreSQL cluster; stopped and removed when dropped.
struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
}

impl Cluster {
    fn start() -> Cluster {
        let bin = std::env::var("DUELY_TEST_PG_BIN")
            .map(PathBuf::from)
            .ok()
            .or_else(newest_postgres_bin)
            .expect(
                "PostgreSQL's server binaries (Debian's postgresql; infra/test.sh installs it)",
            );
        let dir = std::env::temp_dir().join(format!("duely-pg-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let cluster = Cluster { bin, dir, port };
        // initdb refuses to run as root: the cluster then belongs to the postgres user.
        if is_root() {
            assert!(
                Command::new("chown")
                    .arg("postgres")
                    .arg(&cluster.dir)
                    .status()
                    .unwrap()
                    .success()
            );
        }
        let data = cluster.data();
        cluster.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
        );
        cluster.pg_ctl("start");
        cluster
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// One of the cluster's programs, run as the postgres user when the test runs as root.
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if is_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(&path);
            command
        } else {
            Command::new(&path)
        }
    }

    fn run(&self, program: &str, args: &[&str]) {
        let output = self.command(program).args(args).output().unwrap();
        assert!(
            output.status.success(),
            "{program} {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn pg_ctl(&self, action: &str) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("server.log").display().to_string();
        let data = self.data();
        let mut args = vec!["-D", &data, "-l", &log, "-w", "-m", "fast"];
        if action == "start" {
            args.extend(["-o", &options]);
        }
        args.push(action);
        self.run("pg_ctl", &args);
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data();
        let _ = self
            .command("pg_ctl")
            .args(["-D", &data, "-m", "immediate", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| output.stdout.trim_ascii() == b"0")
}

fn newest_postgres_bin() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

fn migrate(database_url: &str) {
    let output = Command::new(env!("CARGO_BIN_EXE_duely"))
        .arg("migrate")
        .env("DATABASE_URL", database_url)
        .env("DUELY_ENV", "development")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// What the client saw for one request.
struct Answer {
    at: Instant,
    took: Duration,
    /// `OK`, an error code, or `NO ANSWER` (the connection failed, or no body).
    outcome: String,
}

const WORK: &str = "{ me { role } customers(first: 1) { totalCount } }";

async fn ask(client: &reqwest::Client, address: &str, token: &str) -> Answer {
    let at = Instant::now();
    let response = client
        .post(format!("{address}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": WORK }))
        .timeout(Duration::from_secs(30))
        .send()
        .await;
    let outcome = match response {
        Ok(response) => match response.json::<Value>().await {
            Ok(body) if body.get("errors").is_none() && body["data"]["me"]["role"] == "OWNER" => {
                "OK".to_owned()
            }
            Ok(body) => error_codes(&body).join(","),
            Err(_) => "NO ANSWER".to_owned(),
        },
        Err(_) => "NO ANSWER".to_owned(),
    };
    Answer {
        at,
        took: at.elapsed(),
        outcome,
    }
}

#[tokio::test]
async fn postgres_restarted_under_load_fails_requests_fast_with_a_code_and_the_server_recovers() {
    let cluster = tokio::task::spawn_blocking(Cluster::start).await.unwrap();
    let admin = sea_orm::Database::connect(cluster.url("postgres"))
        .await
        .unwrap();
    sea_orm::ConnectionTrait::execute_unprepared(&admin, "CREATE DATABASE duely")
        .await
        .unwrap();
    admin.close().await.unwrap();
    let database_url = cluster.url("duely");
    migrate(&database_url);
    let replica = Replica::start_with(
        &database_url,
        &std::env::temp_dir().join("duely-replica-mail"),
        &[("DUELY_DB_ACQUIRE_TIMEOUT_MS", "1000")],
    )
    .await;
    let email = format!("owner-{}@restart.example", uuid::Uuid::new_v4().simple());
    let (_, body) = replica
        .send(
            "",
            SIGN_UP,
            json!({ "input": { "companyName": "Restart", "name": "Li Wei", "email": email, "password": TEST_PASSWORD } }),
        )
        .await;
    let token = body["data"]["signUp"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let load = {
        let (address, stop) = (replica.address.clone(), stop.clone());
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut answers = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                answers.push(ask(&client, &address, &token).await);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            answers
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Down for three seconds.
    let cluster = tokio::task::spawn_blocking(move || {
        cluster.pg_ctl("stop");
        cluster
    })
    .await
    .unwrap();
    let down_at = Instant::now();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let ready_while_down = replica.ready().await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let cluster = tokio::task::spawn_blocking(move || {
        cluster.pg_ctl("start");
        cluster
    })
    .await
    .unwrap();
    let up_at = Instant::now();

    // Back: the same process turns ready and serves.
    let mut recovered = None;
    while up_at.elapsed() < Duration::from_secs(20) {
        if replica.ready().await {
            recovered = Some(up_at.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let answers = load.await.unwrap();
    drop(replica);
    drop(cluster);

    let down = answers
        .iter()
        .filter(|a| a.at >= down_at && a.at + a.took <= up_at);
    let failed: Vec<&Answer> = down.filter(|a| a.outcome != "OK").collect();
    let slowest = failed.iter().map(|a| a.took).max().unwrap_or_default();
    let codes: std::collections::BTreeSet<&str> =
        failed.iter().flat_map(|a| a.outcome.split(',')).collect();
    let after = answers
        .iter()
        .filter(|a| recovered.is_some_and(|r| a.at >= up_at + r))
        .collect::<Vec<_>>();
    println!(
        "PostgreSQL down 3 s: {} requests, {} failed while down (codes {codes:?}, slowest {slowest:?}); ready again {recovered:?} after the start; {} answered after",
        answers.len(),
        failed.len(),
        after.len()
    );
    assert!(
        !ready_while_down,
        "/readyz answered 200 with the database down"
    );
    assert!(!failed.is_empty(), "requests while the database was down");
    assert_eq!(
        codes.into_iter().collect::<Vec<_>>(),
        ["UNAVAILABLE"],
        "every failure carries the code"
    );
    assert!(
        slowest < Duration::from_secs(3),
        "failures come fast: {slowest:?}"
    );
    let recovered = recovered.expect("the replica turned ready again");
    assert!(recovered < Duration::from_secs(10), "{recovered:?}");
    assert!(
        !after.is_empty() && after.iter().all(|a| a.outcome == "OK"),
        "served again after recovery"
    );
}
