//! The `duely` command: `serve` (the default), `migrate`, `seed-demo`, `seed`, `run-daily`,
//! `schema`, parsed by clap (`duely --help`, `duely seed --help`).

use clap::{Parser, Subcommand};
use duely_backend::config::Config;
use duely_backend::identity::Identity;
use duely_backend::startup::{Application, shutdown_signal};
use duely_backend::{api, db, demo, telemetry};
use sea_orm::ConnectionTrait;
use std::process::ExitCode;

/// Duely: receivables and collections. Configuration comes from environment variables (see
/// README.md); `DUELY_ENV` unset means production.
#[derive(Debug, Parser)]
#[command(name = "duely", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API and the web app (the default).
    Serve,
    /// Create the database if missing, then bring the control plane and every tenant schema to
    /// the latest version.
    Migrate,
    /// Create the demo company (once), with about 200 customers and 5,000 invoices over 18
    /// months, and print its login.
    SeedDemo,
    /// Create a new company with a generated ledger of this size, for benchmarks.
    Seed {
        #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(i64).range(1..=1_000_000))]
        customers: i64,
        #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(i64).range(0..=10_000_000))]
        invoices: i64,
        #[arg(long, default_value_t = 18, value_parser = clap::value_parser!(i64).range(1..=120))]
        months: i64,
        /// The owner's sign-in email (default: a new bench+<time>@duely.example).
        #[arg(long)]
        email: Option<String>,
        /// Also write a camt.053 statement of this many lines paying the company's invoices, in
        /// the cash application benchmark's mix, and add the bank account it is of.
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=100_000))]
        statement_lines: u32,
        /// The statement's seed: the same seed gives the same statement for the same company.
        #[arg(long, default_value_t = 2026)]
        statement_seed: u64,
        /// Where to write the statement (default: statement-<tenant>.xml).
        #[arg(long)]
        statement_out: Option<std::path::PathBuf>,
    },
    /// Judge promises, run dunning, rate customers' credit, scan for risks and take the KPI
    /// snapshot now, as the daily jobs do, as of a date (by default each company's today); for
    /// operators and tests.
    RunDaily {
        /// The day to run as, YYYY-MM-DD.
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
        /// One company's id; all active companies by default.
        #[arg(long)]
        tenant: Option<uuid::Uuid>,
    },
    /// Show the development clock, set it to a day (every company's today, or one company's,
    /// while it is set), or reset it to the real date. Refused in production.
    Clock {
        /// The day today becomes, YYYY-MM-DD.
        #[arg(conflicts_with = "reset")]
        today: Option<chrono::NaiveDate>,
        /// Follow the real date again.
        #[arg(long)]
        reset: bool,
        /// One company's clock (its id); every company's by default.
        #[arg(long)]
        tenant: Option<uuid::Uuid>,
    },
    /// Re-seal every secret stored at rest that an older key sealed, with DUELY_ENCRYPTION_KEY
    /// (the older keys given in DUELY_ENCRYPTION_KEYS_PREVIOUS); safe to run again.
    RotateEncryptionKey,
    /// Print `docs/errors.md`, every error reason with its code and parameters; `duely
    /// errors-doc > docs/errors.md` updates it.
    ErrorsDoc,
    /// Print the GraphQL schema (SDL); `duely schema > backend/schema.graphql` updates the
    /// contract.
    Schema,
}

// glibc's allocator took a fifth of the server's CPU on a page of invoices, much of it waiting
// on its arena locks between worker threads; mimalloc keeps per-thread heaps.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // `--help` and `--version` print and exit 0; anything clap cannot parse prints usage and
    // exits 2, before any configuration is read or anything runs.
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Schema => {
            print!("{}", api::sdl());
            ExitCode::SUCCESS
        }
        Command::ErrorsDoc => {
            print!("{}", domain::reason::errors_markdown());
            ExitCode::SUCCESS
        }
        command => run_async(command),
    }
}

fn run_async(command: Command) -> ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("duely: {error}");
            return ExitCode::from(2);
        }
    };
    telemetry::init_logging(config.log_format);
    // A request resolves through a deep chain of async frames, which unoptimised (debug) builds
    // make large: workers get 8 MiB of stack rather than 2.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(8 * 1024 * 1024)
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("duely: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let name = format!("{command:?}");
    let result = runtime.block_on(async {
        match command {
            Command::Migrate => migrate(config).await,
            Command::SeedDemo => seed_demo(config).await,
            Command::Seed {
                customers,
                invoices,
                months,
                email,
                statement_lines,
                statement_seed,
                statement_out,
            } => {
                let size = demo::ledger::LedgerSize {
                    customers,
                    invoices,
                    months,
                };
                let statement = (statement_lines > 0).then_some(StatementWanted {
                    lines: statement_lines as usize,
                    seed: statement_seed,
                    out: statement_out,
                });
                seed(config, size, email, statement).await
            }
            Command::RunDaily { date, tenant } => run_daily(config, date, tenant).await,
            Command::RotateEncryptionKey => rotate_encryption_key(config).await,
            Command::Clock {
                today,
                reset,
                tenant,
            } => clock(config, today, reset, tenant).await,
            Command::Serve | Command::Schema | Command::ErrorsDoc => serve(config).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = ?error, command = %name, "duely failed");
            eprintln!("duely failed: {error:#}");
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
    // The exporter's thread blocks while it sends.
    tokio::task::spawn_blocking(telemetry::flush_traces).await?;
    Ok(())
}

async fn rotate_encryption_key(config: Config) -> anyhow::Result<()> {
    let sealer = duely_backend::secrets::Sealer::from_config(&config)?
        .ok_or_else(|| anyhow::anyhow!("DUELY_ENCRYPTION_KEY is not set"))?;
    let pool = db::connect(&config).await?;
    let rotation = duely_backend::secrets::rotate::rotate(&pool, &sealer).await?;
    pool.close().await?;
    println!(
        "re-sealed {} secrets with key {}; {} already were",
        rotation.resealed,
        hex::encode(sealer.key_id()),
        rotation.current
    );
    for place in &rotation.unopened {
        eprintln!("not opened: {place}");
    }
    anyhow::ensure!(
        rotation.unopened.is_empty(),
        "{} secrets opened with none of the keys and are unchanged: give the key that sealed them in DUELY_ENCRYPTION_KEYS_PREVIOUS",
        rotation.unopened.len()
    );
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
    let identity = Identity::from_config(&config).await?;
    let created = demo::seed_demo(&identity, &pool)
        .await
        .map_err(|error| anyhow::anyhow!("seeding the demo company failed: {error:?}"))?;
    let links = duely_backend::startup::AppLinks::from_config(&config)?;
    demo::seed_demo_messaging(&pool, &links)
        .await
        .map_err(|error| anyhow::anyhow!("setting up the demo company's SMS failed: {error:?}"))?;
    let files = config.file_store()?;
    demo::seed_attachments(&pool, &files, &config.data_dir.join("spool"))
        .await
        .map_err(|error| anyhow::anyhow!("attaching the demo company's files failed: {error:?}"))?;
    println!(
        "\nDemo company {}. Sign in at {} with\n    email:    {}\n    password: {}\n",
        if created { "created" } else { "already there" },
        config.public_url,
        demo::DEMO_EMAIL,
        demo::DEMO_PASSWORD
    );
    println!(
        "Its team signs in with the same password ({}):",
        demo::DEMO_PASSWORD
    );
    for member in demo::DEMO_TEAM {
        let role = member.role.as_str().replace('_', " ").to_lowercase();
        println!("    {:<26} {role:<16} {}", member.email, member.name);
    }
    println!();
    pool.close().await?;
    Ok(())
}

/// The daily collection jobs, now, for one company or all, as of `--date`.
async fn clock(
    config: Config,
    today: Option<chrono::NaiveDate>,
    reset: bool,
    tenant: Option<uuid::Uuid>,
) -> anyhow::Result<()> {
    let pool = db::connect(&config).await?;
    let tenant = tenant.map(domain::TenantId::from_uuid);
    if today.is_some() || reset {
        duely_backend::clock::set(&pool, config.environment, tenant, today).await?;
    }
    match duely_backend::clock::read(&pool, tenant).await? {
        Some(day) => println!("{day} (the development clock)"),
        None => println!("the real date"),
    }
    Ok(())
}

async fn run_daily(
    config: Config,
    date: Option<chrono::NaiveDate>,
    only: Option<uuid::Uuid>,
) -> anyhow::Result<()> {
    let pool = db::connect(&config).await?;
    let links = duely_backend::startup::AppLinks::from_config(&config)?;
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
        let expired = duely_backend::approvals::service::expire(&pool, tenant, day)
            .await
            .map_err(|error| anyhow::anyhow!("expiring approvals failed for {id}: {error:?}"))?;
        let judged =
            duely_backend::collections::service::promises::evaluate(&pool, tenant, day).await?;
        let (run, counts) = duely_backend::collections::service::run::run_tenant(
            &pool,
            &links,
            tenant,
            day,
            duely_backend::collections::service::run::Trigger::Manual,
        )
        .await
        .map_err(|error| anyhow::anyhow!("dunning failed for {id}: {error:?}"))?;
        let rated = duely_backend::analytics::service::ratings::rate_all(&pool, tenant, day)
            .await
            .map_err(|error| anyhow::anyhow!("rating failed for {id}: {error:?}"))?;
        let raised = duely_backend::analytics::service::risk::detect(&pool, tenant, day)
            .await
            .map_err(|error| anyhow::anyhow!("the risk scan failed for {id}: {error:?}"))?;
        // The KPI snapshot of the day before (a complete day), as the scheduled job takes it;
        // the first one also fills in the last year's month-ends the trends read.
        let snapshotted = duely_backend::analytics::service::kpis::snapshot(
            &pool,
            tenant,
            day - chrono::Days::new(1),
        )
        .await
        .map_err(|error| anyhow::anyhow!("the KPI snapshot failed for {id}: {error:?}"))?;
        println!(
            "{id} {day}: {expired} approval requests expired; {judged} promises judged; dunning run {run}: {counts:?}; {rated} ratings changed; {raised} alerts raised; KPI snapshot in {snapshotted} currencies"
        );
    }
    pool.close().await?;
    Ok(())
}

/// The statement `duely seed` writes beside the company, when asked.
struct StatementWanted {
    lines: usize,
    seed: u64,
    out: Option<std::path::PathBuf>,
}

async fn seed(
    config: Config,
    size: demo::ledger::LedgerSize,
    email: Option<String>,
    statement: Option<StatementWanted>,
) -> anyhow::Result<()> {
    let email = email.unwrap_or_else(|| {
        format!(
            "bench+{}@duely.example",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|elapsed| elapsed.as_secs())
                .unwrap_or(0)
        )
    });
    let pool = db::connect(&config).await?;
    let identity = Identity::from_config(&config).await?;
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
    if let Some(wanted) = statement {
        let generated =
            demo::statement::seed_statement(&pool, tenant, &email, wanted.lines, wanted.seed)
                .await
                .map_err(|error| anyhow::anyhow!("the statement failed: {error:?}"))?;
        let out = wanted
            .out
            .unwrap_or_else(|| std::path::PathBuf::from(format!("statement-{tenant}.xml")));
        std::fs::write(&out, &generated.camt053)?;
        println!(
            "Wrote a camt.053 statement of {} lines (seed {}) to {}: import it into the bank account {} (收款核销, or POST /api/bank-statements).",
            generated.lines,
            wanted.seed,
            out.display(),
            demo::statement::STATEMENT_ACCOUNT
        );
    }
    pool.close().await?;
    Ok(())
}
