//! Email through a transactional outbox.
//!
//! A change that causes an email (an invitation, a dunning letter) writes the message to
//! `public.email_outbox` in its own transaction, so the email exists if and only if the change
//! committed. A worker claims one due message at a time with `FOR UPDATE SKIP LOCKED` and a
//! lease ([`LEASE`], longer than the SMTP timeout) with an attempt token, sends it, and marks it
//! sent in its own short statement that names the token; failures retry with exponential
//! backoff. Nothing is held open while SMTP talks, and a message is resent only when the
//! process dies between the SMTP server's acceptance and that mark: once its lease lapses,
//! another worker sends it again, with the same `Message-ID` (derived from the outbox id), so
//! receivers recognise the duplicate. On shutdown the worker finishes the message in hand.
//!
//! With no `DUELY_SMTP_URL`, messages are written as `.eml` files to `DUELY_MAIL_DIR`.

use crate::config::Config;
use domain::TenantId;
use lettre::message::{Mailbox, MultiPart, SinglePart, header::ContentType};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, FromQueryResult, Statement};
use secrecy::ExposeSecret;
use std::time::Duration;
use uuid::Uuid;

/// Give up on a message after this many attempts (about a day of backoff).
const MAX_ATTEMPTS: i32 = 12;
/// Messages one round sends at most before the worker looks at the stop signal again.
const ROUND: usize = 20;
const POLL_EVERY: Duration = Duration::from_secs(1);
/// How long SMTP may take with one message.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);
/// A claimed message is this worker's for this long: past the SMTP timeout, so a live worker
/// never loses a message it is still sending.
pub const LEASE: Duration = Duration::from_secs(30);

pub struct OutgoingEmail {
    pub tenant: Option<TenantId>,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
}

/// Writes `email` to the outbox inside the caller's transaction.
pub async fn enqueue(conn: &impl ConnectionTrait, email: OutgoingEmail) -> Result<Uuid, DbErr> {
    let id = Uuid::now_v7();
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO public.email_outbox (id, tenant_id, to_address, subject, body_text, body_html)
         VALUES ($1, $2, $3, $4, $5, $6)",
        [
            id.into(),
            email.tenant.map(|tenant| tenant.0).into(),
            email.to.into(),
            email.subject.into(),
            email.text.into(),
            email.html.into(),
        ],
    ))
    .await?;
    Ok(id)
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
}

#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

impl Mailer {
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let from: Mailbox = config
            .mail_from
            .parse()
            .map_err(|error| anyhow::anyhow!("DUELY_MAIL_FROM is not a mailbox: {error}"))?;
        let transport = match &config.smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
                    .map_err(|error| anyhow::anyhow!("DUELY_SMTP_URL is not valid: {error}"))?
                    .timeout(Some(SMTP_TIMEOUT))
                    .build(),
            ),
            None => {
                std::fs::create_dir_all(&config.mail_dir)?;
                tracing::info!(dir = %config.mail_dir.display(), "no DUELY_SMTP_URL: email is written as .eml files here");
                Transport::Files(AsyncFileTransport::new(&config.mail_dir))
            }
        };
        Ok(Mailer { transport, from })
    }

    async fn send(&self, row: &OutboxRow) -> anyhow::Result<()> {
        let to: Mailbox = row.to_address.parse()?;
        let text = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .body(row.body_text.clone());
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(row.subject.clone())
            .message_id(Some(format!("<{}@outbox.duely>", row.id)));
        let message = match &row.body_html {
            Some(html) => builder.multipart(
                MultiPart::alternative().singlepart(text).singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(html.clone()),
                ),
            )?,
            None => builder.singlepart(text)?,
        };
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message).await?;
            }
            Transport::Files(files) => {
                files.send(message).await?;
            }
        }
        Ok(())
    }
}

#[derive(Debug, FromQueryResult)]
struct OutboxRow {
    id: Uuid,
    to_address: String,
    subject: String,
    body_text: String,
    body_html: Option<String>,
    /// Including this one.
    attempts: i32,
    lease_token: Uuid,
}

/// Claims the due message that has waited longest, with a fresh lease and attempt token. The
/// attempt counts at the claim, so a message that crashes its sender cannot loop forever.
async fn claim_one(db: &DatabaseConnection) -> Result<Option<OutboxRow>, DbErr> {
    OutboxRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.email_outbox
            SET locked_until = now() + make_interval(secs => $2), lease_token = gen_random_uuid(),
                attempts = attempts + 1
          WHERE id = (
              SELECT id FROM public.email_outbox
              WHERE sent_at IS NULL AND send_after <= now() AND attempts < $1
                AND (locked_until IS NULL OR locked_until < now())
              ORDER BY send_after LIMIT 1
              FOR UPDATE SKIP LOCKED)
          RETURNING id, to_address, subject, body_text, body_html, attempts, lease_token",
        [MAX_ATTEMPTS.into(), LEASE.as_secs_f64().into()],
    ))
    .one(db)
    .await
}

/// Sends the next due message: `None` when nothing is due, else whether it was sent.
async fn deliver_next(db: &DatabaseConnection, mailer: &Mailer) -> Result<Option<bool>, DbErr> {
    let Some(row) = claim_one(db).await? else {
        return Ok(None);
    };
    let sent = match mailer.send(&row).await {
        Ok(()) => {
            let marked = db
                .execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "UPDATE public.email_outbox SET sent_at = now(), locked_until = NULL, last_error = NULL
                     WHERE id = $1 AND lease_token = $2",
                    [row.id.into(), row.lease_token.into()],
                ))
                .await?
                .rows_affected();
            if marked == 0 {
                // Our lease lapsed mid-send (SMTP slower than the lease) and another worker took
                // the message: it goes out again under the same Message-ID.
                tracing::warn!(outbox_id = %row.id, "email sent after its lease lapsed");
            }
            true
        }
        Err(error) => {
            // 30 s, 1 min, 2 min, … capped at 2 hours.
            let backoff_secs = (30i64 << (row.attempts - 1).clamp(0, 8)).min(7_200);
            tracing::warn!(outbox_id = %row.id, attempts = row.attempts, error = %error, "email not sent; will retry");
            db.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE public.email_outbox SET locked_until = NULL, last_error = $3,
                    send_after = now() + make_interval(secs => $4)
                 WHERE id = $1 AND lease_token = $2",
                [
                    row.id.into(),
                    row.lease_token.into(),
                    error.to_string().into(),
                    (backoff_secs as f64).into(),
                ],
            ))
            .await?;
            false
        }
    };
    Ok(Some(sent))
}

/// Sends what is due, one message at a time, each marked as it goes. Returns how many were sent.
pub async fn deliver_due(db: &DatabaseConnection, mailer: &Mailer) -> Result<usize, DbErr> {
    let mut sent = 0;
    for _ in 0..ROUND {
        match deliver_next(db, mailer).await? {
            None => break,
            Some(true) => sent += 1,
            Some(false) => {}
        }
    }
    Ok(sent)
}

/// Polls the outbox until `stop` flips to true; a message in hand is always finished, so a
/// shutdown never leaves one sent but unmarked.
pub async fn run_worker(
    db: DatabaseConnection,
    mailer: Mailer,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        for _ in 0..ROUND {
            if *stop.borrow() {
                return;
            }
            match deliver_next(&db, &mailer).await {
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(error) => {
                    tracing::warn!(error = %error, "email outbox: delivery failed");
                    break;
                }
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL_EVERY) => {}
            _ = stop.wait_for(|stop| *stop) => return,
        }
    }
}

/// Writes `email` to the outbox from inside a tenant transaction, atomically with the tenant's
/// change. The outbox is in the control plane, which the tenant's role cannot write, so the
/// insert steps out of the role for that one statement and back in.
pub async fn enqueue_in_tenant(
    tx: &crate::db::TenantTx,
    email: OutgoingEmail,
) -> Result<Uuid, DbErr> {
    let schema = tx.tenant().schema_name();
    tx.execute_unprepared("SET LOCAL ROLE NONE").await?;
    let id = enqueue(&**tx, email).await?;
    tx.execute_unprepared(&format!(r#"SET LOCAL ROLE "{schema}""#))
        .await?;
    Ok(id)
}
