//! The `duely` command line, run as the built binary: help does nothing, an unknown flag is a
//! usage error, and an unconfigured server refuses to start as production.

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
