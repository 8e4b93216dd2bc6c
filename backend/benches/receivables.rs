//! How the receivables API performs on a big tenant.
//!
//! Run with `cargo bench -p duely-backend --bench receivables` (PostgreSQL from `DATABASE_URL`,
//! or the local server). `DUELY_BENCH_INVOICES` (default 1,000,000) and
//! `DUELY_BENCH_CUSTOMERS` (default 10,000) set the size. It works in a database of its own,
//! starts the real server, signs up a company through the API, fills it with the generated
//! ledger, then times GraphQL requests over HTTP as a client sees them, and prints for each:
//! p50, p95 and p99 latency and the SQL statements it ran (from `Server-Timing`); and the web
//! app's dashboard page, its operations sent together, before and after the first daily run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;
use duely_backend::config::Config;
use duely_backend::db;
use duely_backend::demo::ledger::{LedgerSize, generate};
use duely_backend::startup::Application;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use support::{ScratchDatabase, env_or};
use uuid::Uuid;

const ROUNDS: usize = 60;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let size = LedgerSize {
        customers: env_or("DUELY_BENCH_CUSTOMERS", 10_000),
        invoices: env_or("DUELY_BENCH_INVOICES", 1_000_000),
        months: 18,
    };
    let (scratch, pool) = ScratchDatabase::create().await;
    let (admin, url) = (&scratch.admin, scratch.url.clone());

    let mail_dir =
        std::env::temp_dir().join(format!("duely-bench-mail-{}", Uuid::new_v4().simple()));
    let vars: HashMap<&str, String> = HashMap::from([
        ("HOST", "127.0.0.1".to_owned()),
        ("PORT", "0".to_owned()),
        ("DATABASE_URL", url.clone()),
        (
            "DUELY_WEB_DIR",
            format!("{}/tests/fixtures/web", env!("CARGO_MANIFEST_DIR")),
        ),
        ("DUELY_MAIL_DIR", mail_dir.display().to_string()),
        ("DUELY_LOG_FORMAT", "json".to_owned()),
        ("DUELY_ENV", "development".to_owned()),
        ("DUELY_METRICS_ADDR", String::new()),
        // The benchmark's one member sends hundreds of requests a minute on purpose.
        ("DUELY_MEMBER_RATE_PER_MINUTE", "1000000".to_owned()),
    ]);
    let config = Config::from_lookup(|name| vars.get(name).cloned()).unwrap();
    let app = Application::build(config).await.unwrap();
    let base = format!("http://127.0.0.1:{}/graphql", app.port());
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server_task = tokio::spawn(app.run_until_stopped(async move {
        let _ = stop_rx.await;
    }));
    let client = reqwest::Client::new();

    let signed_up: Value = client
        .post(&base)
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
        .unwrap()
        .to_owned();
    let tenant: domain::TenantId = signed_up["data"]["signUp"]["tenant"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();

    // A million invoices and a 100,000-row import are SCALE's to hold.
    duely_backend::billing::plans::grant(&pool, tenant, domain::billing::Plan::Scale)
        .await
        .unwrap();
    let started = Instant::now();
    let calendar = db::tenant_calendar(&pool, tenant).await.unwrap();
    let tx = db::TenantTx::begin(&pool, tenant).await.unwrap();
    generate(&tx, size, calendar.today).await.unwrap();
    tx.commit().await.unwrap();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "generated {} customers and {} invoices (with lines, payments, allocations) in {seconds:.1} s: {:.0} invoices/s",
        size.customers,
        size.invoices,
        size.invoices as f64 / seconds
    );
    // Statistics for the new tables, as autovacuum would gather them in time: without them the
    // planner guesses, and a page of customers by name sums every customer's balance.
    let started = Instant::now();
    pool.execute_unprepared("ANALYZE").await.unwrap();
    println!("analysed in {:.1} s", started.elapsed().as_secs_f64());

    // Import throughput: 100,000 invoice rows over REST, checked and written all or nothing.
    let rows: i64 = env_or("DUELY_BENCH_IMPORT_ROWS", 100_000);
    let mut csv =
        String::from("number,customer_code,issue_date,description,quantity,unit_price,tax_rate\n");
    for n in 0..rows {
        csv.push_str(&format!(
            "IMP-{n:07},C-{:05},2026-06-01,Imported goods,{},{}.25,13%\n",
            n % size.customers + 1,
            1 + n % 9,
            100 + n % 50
        ));
    }
    let megabytes = csv.len() as f64 / 1_048_576.0;
    let started = Instant::now();
    let imported: Value = client
        .post(format!(
            "http://127.0.0.1:{}/api/imports/invoices",
            base_port(&base)
        ))
        .bearer_auth(&token)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(imported["imported"].as_i64(), Some(rows), "{imported}");
    println!(
        "import: {rows} invoice rows ({megabytes:.1} MiB of CSV) checked and written in {seconds:.1} s: {:.0} rows/s",
        rows as f64 / seconds
    );

    // Periods end today, as the web app asks for them.
    let today = duely_backend::db::tenant_calendar(&pool, tenant)
        .await
        .unwrap()
        .today;
    let day = |back: u64| (today - chrono::Days::new(back)).to_string();
    let year_ago = day(365);
    let from = day(89);
    let page = "node { number status issueDate dueDate total { amount currency } balanceDue { amount } daysOverdue agingBucket customer { code name } }";
    let cases = [
        ("invoices: first page of 50, newest first", format!("{{ invoices(first: 50) {{ totalCount edges {{ {page} }} }} }}")),
        ("invoices: page of 200", format!("{{ invoices(first: 200) {{ totalCount edges {{ {page} }} }} }}")),
        ("invoices: overdue, most overdue first", format!("{{ invoices(first: 50, filter: {{ overdue: true }}, orderBy: {{ field: DAYS_OVERDUE }}) {{ totalCount edges {{ {page} }} }} }}")),
        ("invoices: one customer's", format!("{{ invoices(first: 50, filter: {{ search: \"C-00042\" }}) {{ totalCount edges {{ {page} }} }} }}")),
        ("invoices: by number search", format!("{{ invoices(first: 50, filter: {{ search: \"INV-0004\" }}) {{ totalCount edges {{ {page} }} }} }}")),
        ("invoices: 50 with lines and payments", "{ invoices(first: 50) { edges { node { number lines { total { amount } } allocations { amount { amount } } } } } }".to_owned()),
        ("customers: first page of 50 by name", "{ customers(first: 50) { totalCount edges { node { code name balance { amount } overdueAmount { amount } } } } }".to_owned()),
        ("customers: 50 with most overdue", "{ customers(first: 50, orderBy: { field: OVERDUE_AMOUNT }) { totalCount edges { node { code name overdueAmount { amount } daysPastDue } } } }".to_owned()),
        ("customer: one with aging", "{ customers(first: 1, filter: { search: \"C-00042\" }) { edges { node { aging { current { amount } over90 { amount } } unappliedCredit { amount } } } } }".to_owned()),
        ("payments: first page of 50", "{ payments(first: 50) { totalCount edges { node { receivedOn amount { amount } customer { name } } } } }".to_owned()),
        ("aging report: as of today, by collector", "{ agingReport(groupBy: COLLECTOR) { totals { total { amount } over90 { amount } } rows { label } } }".to_owned()),
        ("aging report: as of a year ago, by customer", format!("{{ agingReport(asOf: \"{year_ago}\", groupBy: CUSTOMER) {{ totals {{ total {{ amount }} }} rows {{ label }} }} }}")),
        ("kpis: the last 90 days", format!("{{ kpis(from: \"{from}\", to: \"{today}\") {{ dso countbackDso bestPossibleDso cei arTurnover over90Ratio collected {{ amount }} averageDaysToPay }} }}")),
    ];
    // The web app's dashboard page as it loads, before the first daily snapshot: every trend
    // month computed.
    let dashboard = DashboardPage::for_today(today);
    dashboard
        .measure(
            &client,
            &base,
            &token,
            3,
            "before the first daily run",
            1_500.0,
        )
        .await;

    // The daily KPI snapshot, as the daily job takes it (of the day before, a complete day),
    // which also fills in the last year's month-ends the first time: what the dashboard's
    // trends then read. The running month stays computed.
    let started = Instant::now();
    duely_backend::analytics::service::kpis::snapshot(&pool, tenant, today - chrono::Days::new(1))
        .await
        .unwrap();
    println!(
        "KPI snapshot, first run (yesterday and 12 month-ends): {:.1} s",
        started.elapsed().as_secs_f64()
    );
    dashboard
        .measure(
            &client,
            &base,
            &token,
            10,
            "after the first daily run",
            300.0,
        )
        .await;
    let started = Instant::now();
    duely_backend::analytics::service::kpis::snapshot(&pool, tenant, today)
        .await
        .unwrap();
    println!(
        "KPI snapshot, a later day (that day only): {:.1} s",
        started.elapsed().as_secs_f64()
    );
    println!(
        "\n{:<44} {:>9} {:>9} {:>9} {:>11}",
        "request", "p50 ms", "p95 ms", "p99 ms", "statements"
    );
    for (label, query) in cases {
        // Reports over the whole ledger take seconds: fewer rounds (p95 and p99 are then the
        // slowest of few).
        let rounds = if ["aging", "kpis"]
            .iter()
            .any(|prefix| label.starts_with(prefix))
        {
            5
        } else {
            ROUNDS
        };
        let mut times = Vec::with_capacity(rounds);
        let mut statements = String::new();
        for round in 0..rounds + 3 {
            let sent = Instant::now();
            let response = client
                .post(&base)
                .bearer_auth(&token)
                .json(&json!({ "query": query }))
                .send()
                .await
                .unwrap();
            let timing = response
                .headers()
                .get("server-timing")
                .and_then(|value| value.to_str().ok())
                .unwrap_or("")
                .to_owned();
            if response.status() == reqwest::StatusCode::REQUEST_TIMEOUT {
                println!(
                    "{label:<44} timed out: the server's request timeout ended it after {:.1} s",
                    sent.elapsed().as_secs_f64()
                );
                break;
            }
            let body: Value = response.json().await.unwrap();
            assert!(body.get("errors").is_none(), "{label}: {body}");
            // The first rounds warm caches and are not counted.
            if round >= 3 {
                times.push(sent.elapsed());
            }
            statements = timing
                .split("desc=\"")
                .nth(1)
                .and_then(|rest| rest.split(' ').next())
                .unwrap_or("?")
                .to_owned();
        }
        if times.is_empty() {
            continue;
        }
        times.sort();
        let at = |share: f64| {
            ms(times[((times.len() as f64 * share).ceil() as usize).min(times.len()) - 1])
        };
        println!(
            "{label:<44} {:>9.1} {:>9.1} {:>9.1} {statements:>11}",
            at(0.50),
            at(0.95),
            at(0.99)
        );
    }

    // The plans behind the reports: which indexes they use, and whether anything spilled to
    // disk (a sort or hash that outgrew work_mem shows "Disk" or "external").
    let calendar = db::tenant_calendar(&pool, tenant).await.unwrap();
    let reports = [
        (
            "aging items as of today",
            format!(
                "{} SELECT count(*), sum(amount) FROM items",
                duely_backend::analytics::store::aging::ITEMS_AS_OF
            ),
            vec![
                calendar.today.into(),
                calendar.base_currency.clone().into(),
                true.into(),
                calendar.time_zone.clone().into(),
            ],
        ),
        (
            "aging by customer, largest first (added up)",
            format!(
                "{} SELECT t.customer_id, sum(t.amount) AS total FROM items t GROUP BY t.customer_id ORDER BY total DESC",
                duely_backend::analytics::store::aging::OWED_AS_OF
            ),
            vec![
                calendar.today.into(),
                calendar.base_currency.clone().into(),
                true.into(),
                calendar.time_zone.clone().into(),
            ],
        ),
        (
            "aging by customer a year ago (added up)",
            format!(
                "{} SELECT t.customer_id, sum(t.amount) AS total FROM items t GROUP BY t.customer_id ORDER BY total DESC",
                duely_backend::analytics::store::aging::OWED_AS_OF
            ),
            vec![
                (calendar.today - chrono::Days::new(365)).into(),
                calendar.base_currency.clone().into(),
                true.into(),
                calendar.time_zone.clone().into(),
            ],
        ),
    ];
    for (label, sql, values) in reports {
        let tx = db::TenantTx::begin(&pool, tenant).await.unwrap();
        // As the reports run: planned for the day, with a report's memory.
        duely_backend::analytics::store::aging::plan_for_the_day(&*tx)
            .await
            .unwrap();
        let plan: Vec<String> = tx
            .query_all_raw(sea_orm::Statement::from_sql_and_values(
                sea_orm::DbBackend::Postgres,
                format!("EXPLAIN (ANALYZE, BUFFERS) {sql}"),
                values,
            ))
            .await
            .unwrap()
            .iter()
            .map(|row| row.try_get::<String>("", "QUERY PLAN").unwrap())
            .collect();
        tx.commit().await.unwrap();
        let spilled: Vec<&String> = plan
            .iter()
            .filter(|line| line.contains("Disk") || line.contains("external"))
            .collect();
        let mut indexes: Vec<String> = plan
            .iter()
            .filter_map(|line| line.split(" using ").nth(1))
            .filter_map(|rest| rest.split_whitespace().next())
            .map(str::to_owned)
            .collect();
        indexes.sort();
        indexes.dedup();
        let time = plan
            .iter()
            .find(|line| line.starts_with("Execution Time"))
            .cloned()
            .unwrap_or_default();
        println!(
            "\nplan: {label}: {time}; indexes: {}; spilled to disk: {}",
            if indexes.is_empty() {
                "none".to_owned()
            } else {
                indexes.join(", ")
            },
            if spilled.is_empty() {
                "no".to_owned()
            } else {
                format!("{spilled:?}")
            }
        );
    }

    let _ = stop_tx.send(());
    let _ = server_task.await;
    pool.close().await.unwrap();
    scratch.drop_database().await;
    admin
        .execute_unprepared(&format!("DROP ROLE \"{}\"", tenant.schema_name()))
        .await
        .unwrap();
}

fn base_port(base: &str) -> &str {
    base.trim_start_matches("http://127.0.0.1:")
        .trim_end_matches("/graphql")
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// The web app's own analytics operations (`frontend/src/graphql/analytics.graphql`): the
/// dashboard sends `Dashboard`, `WorklistCount` and `KpiFilterOptions` together on load.
const ANALYTICS_OPERATIONS: &str = include_str!("../../frontend/src/graphql/analytics.graphql");

/// The dashboard page's variables as the web app sets them on load: the quarter to date, with
/// the period before it and the trend's start by the domain's rule.
struct DashboardPage {
    variables: Value,
}

impl DashboardPage {
    fn for_today(today: chrono::NaiveDate) -> Self {
        use domain::kpi::{DashboardPeriods, quarter_start};
        let periods = DashboardPeriods::new(quarter_start(today), today);
        DashboardPage {
            variables: json!({
                "from": periods.from, "to": periods.to,
                "previousFrom": periods.previous_from, "previousTo": periods.previous_to,
                "trendFrom": periods.trend_from,
            }),
        }
    }

    /// Loads the page `rounds` times (its three operations at once, as the browser sends
    /// them) after one unmeasured load, and prints p50 and p95 beside the goal.
    async fn measure(
        &self,
        client: &reqwest::Client,
        base: &str,
        token: &str,
        rounds: usize,
        when: &str,
        goal_ms: f64,
    ) {
        let send = |operation: &'static str, variables: Value| {
            let request = client
                .post(base)
                .bearer_auth(token)
                .json(&json!({ "query": ANALYTICS_OPERATIONS, "operationName": operation, "variables": variables }));
            async move {
                let body: Value = request.send().await.unwrap().json().await.unwrap();
                assert!(body.get("errors").is_none(), "{operation}: {body}");
            }
        };
        let mut times = Vec::with_capacity(rounds);
        for round in 0..=rounds {
            let started = Instant::now();
            tokio::join!(
                send("Dashboard", self.variables.clone()),
                send("WorklistCount", json!({})),
                send("KpiFilterOptions", json!({})),
            );
            if round > 0 {
                times.push(started.elapsed());
            }
        }
        times.sort();
        let at = |share: f64| {
            ms(times[((times.len() as f64 * share).ceil() as usize).min(times.len()) - 1])
        };
        println!(
            "the dashboard page ({when}): p50 {:.0} ms, p95 {:.0} ms over {rounds} loads (goal: at most {goal_ms:.0} ms at p95)",
            at(0.50),
            at(0.95)
        );
    }
}
