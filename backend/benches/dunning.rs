//! A dunning run over many companies, each with many overdue invoices.
//!
//! Run with `cargo bench -p duely-backend --bench dunning`: the optimised `bench` profile, where
//! issue 22's goal of 0.5 ms an overdue invoice applies (`--profile dev` builds faster). It uses
//! PostgreSQL from `DATABASE_URL`, or the local server. `DUELY_BENCH_TENANTS` (default 1000) and
//! `DUELY_BENCH_INVOICES` (overdue invoices per company, default 1000, ten to a customer) set
//! the size. It works in a database of its own and removes it, and the tenants' roles, when
//! done. Every customer has an email contact and invoices from 1 to 120 days overdue, so a run
//! sends emails (with statement links), makes call and visit tasks, charges late fees, places
//! holds and opens legal cases. It prints:
//! - the run per company, per block of companies, so growth with the number of companies shows;
//! - the total, and what the runs did;
//! - a second run of the same day over every company (which finds every step taken already);
//! - the scheduler's one statement that enqueues every company's run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;
use chrono::NaiveDate;
use domain::TenantId;
use duely_backend::collections::run::{self, Counts, Trigger};
use duely_backend::db;
use duely_backend::startup::AppLinks;
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use std::time::{Duration, Instant};
use support::{ScratchDatabase, env_or};
use uuid::Uuid;

const BLOCK: usize = 100;
/// Issue 22's goal for a run, release: the run's wall time per overdue invoice.
const GOAL_MS_PER_INVOICE: f64 = 0.5;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let tenants = env_or("DUELY_BENCH_TENANTS", 1000);
    let invoices = env_or("DUELY_BENCH_INVOICES", 1000);
    let customers = (invoices / 10).max(1);
    let run_date = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    let (scratch, db) = ScratchDatabase::create().await;
    let admin = &scratch.admin;

    println!(
        "arranging {tenants} companies, each with {customers} customers and {invoices} overdue invoices"
    );
    let started = Instant::now();
    let mut ids = Vec::with_capacity(tenants);
    for index in 0..tenants {
        let tenant = TenantId::from_uuid(Uuid::now_v7());
        let txn = db.begin().await.unwrap();
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO public.tenants (id, name, schema_name, slug) VALUES ($1, $2, $3, $3)",
            [
                tenant.0.into(),
                format!("Bench {index}").into(),
                tenant.schema_name().into(),
            ],
        ))
        .await
        .unwrap();
        db::provision_tenant_schema(&txn, tenant).await.unwrap();
        // A verified owner: a company without one emails no customers.
        let owner = Uuid::now_v7();
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "WITH u AS (INSERT INTO public.users (id, email, name, password_hash, email_verified_at)
                        VALUES ($1, $2, 'Owner', 'not a password', now()) RETURNING id)
             INSERT INTO public.memberships (tenant_id, user_id, role) SELECT $3, id, 'OWNER' FROM u",
            [
                owner.into(),
                format!("owner-{}@bench.example", owner.simple()).into(),
                tenant.0.into(),
            ],
        ))
        .await
        .unwrap();
        fill(&txn, tenant, customers, invoices, run_date).await;
        txn.commit().await.unwrap();
        ids.push(tenant);
    }
    db.execute_unprepared("ANALYZE").await.unwrap();
    println!("  arranged in {:.0} s", started.elapsed().as_secs_f64());

    let links = AppLinks {
        public_url: "https://app.duely.example".to_owned(),
        sealer: duely_backend::secrets::Sealer::from_hex(&"11".repeat(32).into()).unwrap(),
        environment: duely_backend::config::Environment::Production,
        messaging: Default::default(),
    };
    println!("dunning run, one company after another (ms per company, per block of {BLOCK})");
    let mut totals = Counts::default();
    let started = Instant::now();
    let mut block_started = Instant::now();
    for (index, tenant) in ids.iter().enumerate() {
        let (_, counts) = run::run_tenant(&db, &links, *tenant, run_date, Trigger::Schedule)
            .await
            .unwrap();
        assert_eq!(counts.failures, 0, "{counts:?}");
        add(&mut totals, &counts);
        let done = index + 1;
        if done % BLOCK == 0 || done == tenants {
            let in_block = (done - 1) % BLOCK + 1;
            println!(
                "  companies {:>5}-{:<5} {:>8.1} ms/company",
                done - in_block + 1,
                done,
                per(block_started.elapsed(), in_block)
            );
            block_started = Instant::now();
        }
    }
    let elapsed = started.elapsed();
    println!(
        "  all {tenants}: {:.1} s ({:.1} ms/company, {:.2} ms/overdue invoice; goal {GOAL_MS_PER_INVOICE:.2} ms)",
        elapsed.as_secs_f64(),
        per(elapsed, tenants),
        per(elapsed, tenants * invoices)
    );
    println!(
        "  did: {} customers, {} emails, {} tasks, {} fees, {} holds, {} legal cases",
        totals.customers,
        totals.emails,
        totals.tasks,
        totals.fees,
        totals.holds,
        totals.legal_cases
    );

    let started = Instant::now();
    let mut again = Counts::default();
    for tenant in &ids {
        let (_, counts) = run::run_tenant(&db, &links, *tenant, run_date, Trigger::Schedule)
            .await
            .unwrap();
        add(&mut again, &counts);
    }
    assert_eq!(
        (again.emails, again.tasks, again.fees),
        (0, 0, 0),
        "{again:?}"
    );
    let elapsed = started.elapsed();
    println!(
        "second run of the same day, every step taken already: {:.1} s ({:.1} ms/company)",
        elapsed.as_secs_f64(),
        per(elapsed, tenants)
    );

    let started = Instant::now();
    // 23:00 in the companies' time zone (Asia/Shanghai) of the run date: every company's
    // dunning hour has come, whatever time of day the benchmark runs.
    let evening = run_date.and_hms_opt(15, 0, 0).unwrap().and_utc();
    let enqueued = run::schedule(&db, evening).await.unwrap();
    println!(
        "scheduler: one statement enqueued {enqueued} runs in {:.1} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );

    db.close().await.unwrap();
    scratch.drop_database().await;
    for chunk in ids.chunks(500) {
        let roles: Vec<String> = chunk
            .iter()
            .map(|tenant| format!("\"{}\"", tenant.schema_name()))
            .collect();
        admin
            .execute_unprepared(&format!("DROP ROLE {}", roles.join(", ")))
            .await
            .unwrap();
    }
}

/// Customers with an email contact, and invoices of 1,000 spread from 1 to 120 days overdue, in
/// set-based statements.
async fn fill(
    txn: &impl ConnectionTrait,
    tenant: TenantId,
    customers: usize,
    invoices: usize,
    run_date: NaiveDate,
) {
    let s = format!("\"{}\"", tenant.schema_name());
    txn.execute_unprepared(&format!(
        "INSERT INTO {s}.customers (id, code, name, currency)
         SELECT gen_random_uuid(), 'C-' || lpad(g::text, 6, '0'), 'Customer ' || g, 'CNY'
         FROM generate_series(1, {customers}) g;
         INSERT INTO {s}.customer_contacts (id, customer_id, position, name, email, preferred_channel)
         SELECT gen_random_uuid(), id, 0, 'Accounts payable', 'ap+' || code || '@bench.example', 'EMAIL'
         FROM {s}.customers;
         WITH c AS (SELECT id, row_number() OVER (ORDER BY code) - 1 AS n FROM {s}.customers)
         INSERT INTO {s}.invoices (id, customer_id, number, status, issue_date, due_date, currency,
                                   subtotal, tax_total, total, balance_due, issued_at)
         SELECT gen_random_uuid(), c.id, 'B-' || g, 'ISSUED', d - 30, d, 'CNY', 1000, 0, 1000, 1000, now()
         FROM generate_series(0, {invoices} - 1) g
         JOIN c ON c.n = g % {customers}
         CROSS JOIN LATERAL (SELECT '{run_date}'::date - (1 + (g * 7) % 120) AS d) due;"
    ))
    .await
    .unwrap();
}

fn add(total: &mut Counts, counts: &Counts) {
    total.customers += counts.customers;
    total.emails += counts.emails;
    total.tasks += counts.tasks;
    total.fees += counts.fees;
    total.holds += counts.holds;
    total.legal_cases += counts.legal_cases;
}

fn per(elapsed: Duration, count: usize) -> f64 {
    elapsed.as_secs_f64() * 1000.0 / count.max(1) as f64
}
