//! The `duely` command: `serve` (the default), `migrate`, `seed-demo`, `seed`, `run-daily`, `schema`.

use duely_backend::config::Config;
use duely_backend::identity::Identity;
use duely_backend::startup::{Application, shutdown_signal};
use duely_backend::{api, db, demo, telemetry};
use sea_orm::ConnectionTrait;
use std::process::ExitCode;

const USAGE: &str = "\
usage: duely [COMMAND]

commands:
  serve     serve the API and the web app (the default)
  migrate   create the database if missing, then bring the control plane and every
            tenant schema to the latest version
  seed-demo create the demo company (once), with about 200 customers and 5,000 invoices
            over 18 months, and print its login
  seed [--customers N] [--invoices N] [--months N] [--email ADDRESS]
            create a new company with a generated ledger of that size, for benchmarks
            (defaults: 1000 customers, 100000 invoices, 18 months)
  run-daily [--date YYYY-MM-DD] [--tenant ID]
            judge promises and run dunning now, as the daily jobs do, as of a date (the
            jobs' clock: by default each company's today); for operators and tests
  schema    print the GraphQL schema (SDL); `duely schema > backend/schema.graphql` updates the contract
  help      show this

configuration comes from environment variables: see README.md";

fn main() -> ExitCode {
    let command = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "serve".to_owned());
    match command.as_str() {
        "schema" => {
            print!("{}", api::sdl());
            ExitCode::SUCCESS
        }
        "serve" | "migrate" | "seed-demo" | "seed" | "run-daily" => run_async(&command),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        other => {
            eprintln!("duely: unknown command `{other}`\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run_async(command: &str) -> ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("duely: {error}");
            return ExitCode::from(2);
        }
    };
    telemetry::init_logging(config.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("duely: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match command {
            "migrate" => migrate(config).await,
            "seed-demo" => seed_demo(config).await,
            "seed" => seed(config).await,
            "run-daily" => run_daily(config).await,
            _ => serve(config).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = ?error, "duely {command} failed");
            eprintln!("duely {command} failed: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let app = Application::build(config).await?;
    tracing::info!(
        port = app.port(),
        "Duely is serving on http://localhost:{}",
        app.port()
    );
    app.run_until_stopped(shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

async fn migrate(config: Config) -> anyhow::Result<()> {
    if db::create_database_if_missing(&config).await? {
        tracing::info!("created the database");
    }
    let pool = db::connect(&config).await?;
    let report = db::migrate_all(&pool).await?;
    tracing::info!(
        migrated = report.tenants_migrated,
        up_to_date = report.tenants_up_to_date,
        "migrations complete"
    );
    pool.close().await?;
    Ok(())
}

async fn seed_demo(config: Config) -> anyhow::Result<()> {
    let pool = db::connect(&config).await?;
    let identity = Identity::from_config(&config)?;
    let created = demo::seed_demo(&identity, &pool)
        .await
        .map_err(|error| anyhow::anyhow!("seeding the demo company failed: {error:?}"))?;
    println!(
        "\nDemo company {}. Sign in at {} with\n    email:    {}\n    password: {}\n",
        if created { "created" } else { "already there" },
        config.public_url,
        demo::DEMO_EMAIL,
        demo::DEMO_PASSWORD
    );
    pool.close().await?;
    Ok(())
}

/// `--name value` from the command line, parsed.
fn flag<T: std::str::FromStr>(name: &str) -> anyhow::Result<Option<T>> {
    let args: Vec<String> = std::env::args().collect();
    match args.iter().position(|arg| arg == name) {
        None => Ok(None),
        Some(index) => {
            let value = args
                .get(index + 1)
                .ok_or_else(|| anyhow::anyhow!("{name} needs a value"))?;
            value
                .parse()
                .map(Some)
                .map_err(|_| anyhow::anyhow!("{name}: `{value}` is not valid"))
        }
    }
}

/// The daily collection jobs, now, for one company or all, as of `--date`.
async fn run_daily(config: Config) -> anyhow::Result<()> {
    let date: Option<chrono::NaiveDate> = flag("--date")?;
    let only: Option<uuid::Uuid> = flag("--tenant")?;
    let pool = db::connect(&config).await?;
    let links = duely_backend::startup::AppLinks {
        public_url: config.public_url.clone(),
    };
    let tenants = pool
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT id FROM public.tenants WHERE status = 'ACTIVE' ORDER BY created_at",
        ))
        .await?;
    for row in tenants {
        let id: uuid::Uuid = row.try_get("", "id")?;
        if only.is_some_and(|only| only != id) {
            continue;
        }
        let tenant = domain::TenantId::from_uuid(id);
        let day = match date {
            Some(day) => day,
            None => db::tenant_calendar(&pool, tenant).await?.today,
        };
        let judged = duely_backend::collections::promises::evaluate(&pool, tenant, day).await?;
        let (run, counts) = duely_backend::collections::run::run_tenant(
            &pool,
            &links,
            tenant,
            day,
            duely_backend::collections::run::Trigger::Manual,
        )
        .await
        .map_err(|error| anyhow::anyhow!("dunning failed for {id}: {error:?}"))?;
        println!("{id} {day}: {judged} promises judged; dunning run {run}: {counts:?}");
    }
    pool.close().await?;
    Ok(())
}

async fn seed(config: Config) -> anyhow::Result<()> {
    let size = demo::ledger::LedgerSize {
        customers: flag("--customers")?.unwrap_or(1_000),
        invoices: flag("--invoices")?.unwrap_or(100_000),
        months: flag("--months")?.unwrap_or(18),
    };
    anyhow::ensure!(
        (1..=1_000_000).contains(&size.customers) && (0..=10_000_000).contains(&size.invoices),
        "give 1 to 1,000,000 customers and at most 10,000,000 invoices"
    );
    let email: String = flag("--email")?.unwrap_or_else(|| {
        format!(
            "bench+{}@duely.example",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|elapsed| elapsed.as_secs())
                .unwrap_or(0)
        )
    });
    let pool = db::connect(&config).await?;
    let identity = Identity::from_config(&config)?;
    let started = std::time::Instant::now();
    let tenant = demo::seed_company(&identity, &pool, &email, size)
        .await
        .map_err(|error| anyhow::anyhow!("seeding failed: {error:?}"))?;
    println!(
        "Seeded {} customers and {} invoices in {:.1} s (tenant {tenant}). Sign in at {} with\n    email:    {email}\n    password: {}",
        size.customers,
        size.invoices,
        started.elapsed().as_secs_f64(),
        config.public_url,
        demo::DEMO_PASSWORD
    );
    pool.close().await?;
    Ok(())
}
