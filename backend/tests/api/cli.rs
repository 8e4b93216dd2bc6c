//! The `duely` command line, run as the built binary: help does nothing, an unknown flag is a
//! usage error, an unconfigured server refuses to start as production, and the development
//! clock (`duely clock`) works only in development, and `duely run-daily` does what the daily
//! jobs do.

use std::process::{Command, Output};

/// Runs `duely args` with only `vars` in its environment; the database it would reach does not
/// exist, so anything that tried to work would fail, not pass.
fn duely(args: &[&str], vars: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_duely"))
        .args(args)
        .env_clear()
        .env("DATABASE_URL", "postgres://postgres@127.0.0.1:1/nowhere")
        .envs(vars.iter().copied())
        .output()
        .unwrap()
}

const DEVELOPMENT: (&str, &str) = ("DUELY_ENV", "development");

#[test]
fn help_prints_usage_and_does_nothing() {
    for args in [
        &["--help"][..],
        &["seed", "--help"],
        &["run-daily", "--help"],
    ] {
        let output = duely(args, &[DEVELOPMENT]);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stdout}");
        assert!(stdout.contains("Usage: duely"), "{args:?}: {stdout}");
    }
    let seed_help = duely(&["seed", "--help"], &[DEVELOPMENT]);
    let text = String::from_utf8_lossy(&seed_help.stdout);
    assert!(text.contains("--invoices"), "{text}");
    assert!(!text.contains("Seeded"), "{text}");
}

#[test]
fn an_unknown_flag_or_command_is_a_usage_error() {
    for args in [
        &["seed", "--invoice", "5"][..],
        &["serve", "--port"],
        &["sed"],
    ] {
        let output = duely(args, &[DEVELOPMENT]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("Usage: duely"), "{args:?}: {stderr}");
    }
    let output = duely(&["seed", "--customers", "0"], &[DEVELOPMENT]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn unset_environment_means_production_which_names_the_missing_keys() {
    let output = duely(&["serve"], &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("DUELY_JWT_SECRET and DUELY_ENCRYPTION_KEY"),
        "{stderr}"
    );
    // The schema needs no configuration at all.
    let schema = duely(&["schema"], &[]);
    assert_eq!(schema.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&schema.stdout).contains("type Query"));
}

/// A production environment that passes configuration: both keys set.
fn production(key: &str) -> Vec<(&'static str, &str)> {
    vec![
        ("DUELY_ENV", "production"),
        ("DUELY_JWT_SECRET", "0123456789abcdef0123456789abcdef"),
        ("DUELY_ENCRYPTION_KEY", key),
    ]
}

#[test]
fn the_clock_command_and_duely_today_are_refused_in_production() {
    let key = "ab".repeat(32);
    let output = duely(&["clock", "2027-01-01"], &production(&key));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(stderr.contains("development"), "{stderr}");
    let output = duely(&["clock", "--reset"], &production(&key));
    assert!(!output.status.success());

    let mut vars = production(&key);
    vars.push(("DUELY_TODAY", "2027-01-01"));
    let output = duely(&["clock"], &vars);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("DUELY_TODAY"), "{stderr}");
}

#[tokio::test]
async fn the_clock_command_sets_shows_and_resets_every_companys_day_in_development() {
    let database_url = crate::helpers::fresh_database().await;
    let vars = [DEVELOPMENT, ("DATABASE_URL", database_url.as_str())];
    let db = sea_orm::Database::connect(database_url.as_str())
        .await
        .unwrap();

    let set = duely(&["clock", "2027-01-01"], &vars);
    let stdout = String::from_utf8_lossy(&set.stdout);
    assert_eq!(
        set.status.code(),
        Some(0),
        "{stdout} {}",
        String::from_utf8_lossy(&set.stderr)
    );
    assert!(
        stdout.contains("2027-01-01 (the development clock)"),
        "{stdout}"
    );
    assert_eq!(
        duely_backend::clock::read(&db, None).await.unwrap(),
        chrono::NaiveDate::from_ymd_opt(2027, 1, 1)
    );
    let shown = duely(&["clock"], &vars);
    assert!(String::from_utf8_lossy(&shown.stdout).contains("2027-01-01 (the development clock)"));

    let reset = duely(&["clock", "--reset"], &vars);
    assert_eq!(reset.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&reset.stdout).contains("the real date"));
    assert_eq!(duely_backend::clock::read(&db, None).await.unwrap(), None);
    // A day and --reset at once is a usage error.
    let both = duely(&["clock", "2027-01-01", "--reset"], &vars);
    assert_eq!(both.status.code(), Some(2));
}

#[tokio::test]
async fn run_daily_takes_the_kpi_snapshot_of_the_day_before_as_the_scheduled_jobs_do() {
    use sea_orm::ConnectionTrait;
    let app = crate::helpers::spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let customer = crate::kit::create_customer(&app, &owner, "C-1", serde_json::json!({})).await;
    let id = customer["id"].as_str().unwrap();
    crate::kit::issue_invoice(&app, &owner, id, "1200.00", serde_json::json!({})).await;
    let mail = std::env::temp_dir().join(format!("duely-run-daily-{}", uuid::Uuid::new_v4()));
    let tenant = owner.tenant_id.0.to_string();
    let output = duely(
        &["run-daily", "--tenant", &tenant, "--date", "2027-01-10"],
        &[
            DEVELOPMENT,
            ("DATABASE_URL", app.database_url.as_str()),
            ("DUELY_MAIL_DIR", &mail.display().to_string()),
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout} {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("KPI snapshot in 1 currencies"), "{stdout}");
    let tx = duely_backend::db::TenantTx::begin(&app.db, owner.tenant_id)
        .await
        .unwrap();
    let days: Vec<chrono::NaiveDate> = tx
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT snapshot_date FROM kpi_snapshots ORDER BY snapshot_date DESC",
        ))
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get("", "snapshot_date").unwrap())
        .collect();
    // The day before, then the last year's month-ends filled in.
    assert_eq!(
        days.first(),
        chrono::NaiveDate::from_ymd_opt(2027, 1, 9).as_ref()
    );
    assert_eq!(
        days.get(1),
        chrono::NaiveDate::from_ymd_opt(2026, 12, 31).as_ref()
    );
}
