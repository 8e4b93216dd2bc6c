//! The outbox survives a kill: the `duely serve` binary, run as a child process against the
//! SMTP sink (or its mail folder), is SIGKILLed while it sends a batch and started again.
//! Every message arrives; at most the one in hand at the kill arrives twice, with the same
//! Message-ID.

use crate::helpers::{count, fixture_web_dir, fresh_database};
use duely_backend::email::{self, OutgoingEmail};
use sea_orm::Database;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const MESSAGES: usize = 50;

/// Where the child's mail lands, and its environment for it.
fn mail_target() -> (PathBuf, Vec<(String, String)>) {
    match (
        std::env::var("DUELY_TEST_SMTP_URL"),
        std::env::var("DUELY_TEST_MAILDIR"),
    ) {
        (Ok(url), Ok(dir)) if !url.is_empty() => (
            PathBuf::from(dir).join("new"),
            vec![("DUELY_SMTP_URL".to_owned(), url)],
        ),
        _ => {
            let dir = std::env::temp_dir().join(format!("duely-outbox-{}", uuid::Uuid::new_v4()));
            std::fs::create_dir_all(&dir).unwrap();
            (
                dir.clone(),
                vec![("DUELY_MAIL_DIR".to_owned(), dir.display().to_string())],
            )
        }
    }
}

fn serve(database_url: &str, mail: &[(String, String)]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_duely"))
        .arg("serve")
        .env_clear()
        .env("DUELY_ENV", "development")
        .env("DUELY_ENCRYPTION_KEY", "5a".repeat(32))
        .env("DATABASE_URL", database_url)
        .env("HOST", "127.0.0.1")
        .env("PORT", "0")
        .env("DUELY_METRICS_ADDR", "")
        .env("DUELY_WEB_DIR", fixture_web_dir())
        .env("DUELY_LOG_FORMAT", "json")
        .env("RUST_LOG", "warn")
        .envs(
            mail.iter()
                .map(|(name, value)| (name.as_str(), value.as_str())),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Message-IDs of the messages with `marker` in their subject, one entry per delivery.
fn deliveries(dir: &Path, marker: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
        .filter(|raw| raw.contains(marker))
        .filter_map(|raw| {
            raw.lines()
                .take_while(|line| !line.is_empty())
                .find(|line| line.to_ascii_lowercase().starts_with("message-id:"))
                .map(|line| line["message-id:".len()..].trim().to_owned())
        })
        .collect()
}

#[tokio::test]
async fn a_kill_mid_batch_loses_no_email_and_resends_at_most_one() {
    let database_url = fresh_database().await;
    let db = Database::connect(database_url.as_str()).await.unwrap();
    let marker = format!("outbox-kill-{}", uuid::Uuid::new_v4().simple());
    for index in 0..MESSAGES {
        email::enqueue(
            &db,
            OutgoingEmail {
                tenant: None,
                audience: email::Audience::Team,
                to: format!("reader{index}@{marker}.example"),
                subject: format!("{marker} message {index}"),
                text: format!("Message {index} of {MESSAGES}."),
                html: None,
                secret: None,
            },
        )
        .await
        .unwrap();
    }
    let (dir, mail) = mail_target();

    // The first server starts sending; it is killed as soon as the first message is out.
    let mut first = serve(&database_url, &mail);
    let started = Instant::now();
    while deliveries(&dir, &marker).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "nothing was sent"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    first.kill().unwrap();
    first.wait().unwrap();
    let before_restart = deliveries(&dir, &marker).len();

    // The second server sends the rest: the message in hand at the kill once its lease lapses.
    let mut second = serve(&database_url, &mail);
    let all_sent = format!(
        "SELECT count(*) FROM public.email_outbox WHERE subject LIKE '{marker}%' AND sent_at IS NOT NULL"
    );
    let deadline = Instant::now() + email::LEASE + Duration::from_secs(60);
    while count(&db, &all_sent).await < MESSAGES as i64 {
        assert!(
            Instant::now() < deadline,
            "the outbox did not drain after the restart"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // SIGTERM: the server finishes what it holds and exits.
    Command::new("kill")
        .args(["-TERM", &second.id().to_string()])
        .status()
        .unwrap();
    second.wait().unwrap();

    let delivered = deliveries(&dir, &marker);
    let mut per_message: HashMap<&str, usize> = HashMap::new();
    for id in &delivered {
        *per_message.entry(id.as_str()).or_default() += 1;
    }
    let duplicates = delivered.len() - per_message.len();
    eprintln!(
        "outbox kill: {MESSAGES} messages, {before_restart} delivered before the kill, {} deliveries, {} distinct, {duplicates} duplicate(s)",
        delivered.len(),
        per_message.len()
    );
    assert_eq!(per_message.len(), MESSAGES, "a message was lost");
    assert!(duplicates <= 1, "{duplicates} messages were sent twice");
}
