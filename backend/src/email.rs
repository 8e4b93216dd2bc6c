//! Email through a transactional outbox.
//!
//! A change that causes an email (an invitation, a dunning letter) writes the message to
//! `public.email_outbox` in its own transaction, so the email exists if and only if the change
//! committed. A worker claims due messages with `FOR UPDATE SKIP LOCKED` (replicas never take
//! the same one), sends them over SMTP, and marks them sent in the same transaction; failures
//! retry with exponential backoff. A crash between the SMTP answer and the commit can resend
//! once, which no SMTP client can rule out; each message's `Message-ID` is derived from its
//! outbox id, so receivers recognise the duplicate.
//!
//! With no `DUELY_SMTP_URL`, messages are written as `.eml` files to `DUELY_MAIL_DIR`.

use crate::config::Config;
use domain::TenantId;
use lettre::message::{Mailbox, MultiPart, SinglePart, header::ContentType};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, FromQueryResult, Statement,
    TransactionTrait,
};
use secrecy::ExposeSecret;
use std::time::Duration;
use uuid::Uuid;

/// Give up on a message after this many attempts (about a day of backoff).
const MAX_ATTEMPTS: i32 = 12;
const BATCH: i64 = 20;
const POLL_EVERY: Duration = Duration::from_secs(1);

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
                    .timeout(Some(Duration::from_secs(20)))
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
    attempts: i32,
}

/// Sends what is due, once. Returns how many were sent.
pub async fn deliver_due(db: &DatabaseConnection, mailer: &Mailer) -> Result<usize, DbErr> {
    let txn = db.begin().await?;
    let rows = OutboxRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id, to_address, subject, body_text, body_html, attempts FROM public.email_outbox
         WHERE sent_at IS NULL AND send_after <= now() AND attempts < $1
         ORDER BY send_after LIMIT $2 FOR UPDATE SKIP LOCKED",
        [MAX_ATTEMPTS.into(), BATCH.into()],
    ))
    .all(&txn)
    .await?;
    let mut sent = 0;
    for row in rows {
        match mailer.send(&row).await {
            Ok(()) => {
                sent += 1;
                txn.execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "UPDATE public.email_outbox SET sent_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1",
                    [row.id.into()],
                ))
                .await?;
            }
            Err(error) => {
                // 30 s, 1 min, 2 min, … capped at 2 hours.
                let backoff_secs = (30i64 << row.attempts.clamp(0, 8)).min(7_200);
                tracing::warn!(outbox_id = %row.id, attempts = row.attempts + 1, error = %error, "email not sent; will retry");
                txn.execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "UPDATE public.email_outbox SET attempts = attempts + 1, last_error = $2,
                        send_after = now() + make_interval(secs => $3) WHERE id = $1",
                    [
                        row.id.into(),
                        error.to_string().into(),
                        (backoff_secs as f64).into(),
                    ],
                ))
                .await?;
            }
        }
    }
    txn.commit().await?;
    Ok(sent)
}

/// Polls the outbox until `stop` flips to true.
pub async fn run_worker(
    db: DatabaseConnection,
    mailer: Mailer,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        if let Err(error) = deliver_due(&db, &mailer).await {
            tracing::warn!(error = %error, "email outbox: delivery round failed");
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
