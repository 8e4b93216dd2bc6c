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
    pub audience: Audience,
    pub to: String,
    pub subject: String,
    /// With [`SECRET_MARK`] where the link's secret goes, when there is one.
    pub text: String,
    pub html: Option<String>,
    pub secret: Option<LinkSecret>,
}

/// What an email may carry besides its text: addresses in copy and one file.
#[derive(Debug, Default)]
pub struct Enclosures {
    pub cc: Vec<String>,
    pub attachment: Option<Attachment>,
}

/// A file sent with an email (an invoice's PDF), stored with the message in the outbox.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// Who an email is for: customer-facing email counts against the company's daily sending
/// limit and waits for its owner's verified address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The company's own people (invitations, digests).
    Team,
    /// The company's customers (statements, dunning letters).
    Customer,
    /// A person about their own account (verification, password reset).
    Account,
}

impl Audience {
    fn as_str(self) -> &'static str {
        match self {
            Audience::Team => "TEAM",
            Audience::Customer => "CUSTOMER",
            Audience::Account => "ACCOUNT",
        }
    }
}

/// Stands in the texts of an email for its link's secret until the moment it is sent: the
/// outbox never holds a usable token in plain text.
pub const SECRET_MARK: &str = "~duely-link-secret~";

/// A link's secret on its way to the outbox (see [`crate::startup::AppLinks::secret`]).
pub struct LinkSecret {
    pub token: String,
    pub sealer: crate::secrets::Sealer,
}

/// The sealing context of an outbox row's secret: a sealed value opens only in its own row.
pub fn outbox_context(id: Uuid) -> String {
    format!("email_outbox:{id}")
}

/// Writes `email` to the outbox inside the caller's transaction.
pub async fn enqueue(conn: &impl ConnectionTrait, email: OutgoingEmail) -> Result<Uuid, DbErr> {
    enqueue_enclosing(conn, email, Enclosures::default()).await
}

/// [`enqueue`] with addresses in copy and an attachment.
pub async fn enqueue_enclosing(
    conn: &impl ConnectionTrait,
    email: OutgoingEmail,
    enclosures: Enclosures,
) -> Result<Uuid, DbErr> {
    let id = Uuid::now_v7();
    let sealed = email
        .secret
        .map(|secret| secret.sealer.seal_for(&outbox_context(id), &secret.token))
        .transpose()
        .map_err(|error| DbErr::Custom(format!("sealing a link's secret: {error}")))?;
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO public.email_outbox (id, tenant_id, to_address, subject, body_text, body_html, audience, secret_sealed,
                                         cc_addresses, attachment_name, attachment_type, attachment)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        [
            id.into(),
            email.tenant.map(|tenant| tenant.0).into(),
            email.to.into(),
            email.subject.into(),
            email.text.into(),
            email.html.into(),
            email.audience.as_str().into(),
            sealed.into(),
            enclosures.cc.into(),
            enclosures
                .attachment
                .as_ref()
                .map(|file| file.file_name.clone())
                .into(),
            enclosures
                .attachment
                .as_ref()
                .map(|file| file.content_type.to_owned())
                .into(),
            enclosures.attachment.map(|file| file.bytes).into(),
        ],
    ))
    .await?;
    Ok(id)
}

/// Whether a company may send one more email to its customers now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomerEmail {
    Allowed,
    /// No owner of the company has verified their email address yet.
    OwnerUnverified,
    /// Today's customer-facing emails (the company's day) reached the plan's limit.
    LimitReached(domain::billing::LimitReached),
}

impl CustomerEmail {
    /// The refusal as an API error, or `Ok` when allowed.
    pub fn admit(self) -> Result<(), crate::error::AppError> {
        match self {
            CustomerEmail::Allowed => Ok(()),
            CustomerEmail::OwnerUnverified => Err(crate::error::AppError::refused(
                domain::reason::Reason::EmailOwnerNotVerified {},
            )),
            CustomerEmail::LimitReached(reached) => {
                Err(crate::error::AppError::plan_limit(&reached))
            }
        }
    }

    /// The error code a dunning run names for a step held back.
    pub fn code(&self) -> Option<domain::ErrorCode> {
        match self {
            CustomerEmail::Allowed => None,
            CustomerEmail::OwnerUnverified => Some(domain::ErrorCode::EmailNotVerified),
            CustomerEmail::LimitReached(_) => Some(domain::ErrorCode::PlanLimit),
        }
    }
}

/// Customer-facing emails the company wrote to the outbox since the start of its day.
pub async fn customer_emails_today(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<u64, DbErr> {
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT count(*) AS n FROM public.email_outbox o, public.tenants t
             WHERE t.id = $1 AND o.tenant_id = $1 AND o.audience = 'CUSTOMER'
               AND o.created_at >= (date_trunc('day', now() AT TIME ZONE t.time_zone) AT TIME ZONE t.time_zone)",
            [tenant.0.into()],
        ))
        .await?;
    Ok(row
        .map(|row| row.try_get::<i64>("", "n"))
        .transpose()?
        .map_or(0, |n| u64::try_from(n).unwrap_or(0)))
}

/// May the company of `tx` send one more email to a customer? Call it inside the transaction
/// that enqueues the email: it takes a lock per company until that transaction ends, so
/// concurrent senders count one after the other and never pass the limit together.
pub async fn customer_email_allowed(
    tx: &crate::db::TenantTx,
    plan: domain::billing::Plan,
) -> Result<CustomerEmail, DbErr> {
    // The outbox and the owners' accounts are in the control plane: read them as ourselves.
    step_out_of_tenant_role(tx).await?;
    let answer = admission(tx, plan).await?;
    step_back_into_tenant_role(tx).await?;
    Ok(answer)
}

/// Enqueues `email` to a customer when the company may send one more now (as
/// `customer_email_allowed` decides), deciding and writing in one step out of the tenant's
/// role; when it may not, writes nothing and says why.
pub async fn enqueue_customer_email(
    tx: &crate::db::TenantTx,
    plan: domain::billing::Plan,
    email: OutgoingEmail,
) -> Result<CustomerEmail, DbErr> {
    enqueue_customer_email_enclosing(tx, plan, email, Enclosures::default()).await
}

/// [`enqueue_customer_email`] with addresses in copy and an attachment: one message, counted
/// once against the day's limit however many it is copied to (at most `invoices::MAX_CC`).
pub async fn enqueue_customer_email_enclosing(
    tx: &crate::db::TenantTx,
    plan: domain::billing::Plan,
    email: OutgoingEmail,
    enclosures: Enclosures,
) -> Result<CustomerEmail, DbErr> {
    step_out_of_tenant_role(tx).await?;
    let answer = admission(tx, plan).await?;
    if answer == CustomerEmail::Allowed {
        enqueue_enclosing(&**tx, email, enclosures).await?;
    }
    step_back_into_tenant_role(tx).await?;
    Ok(answer)
}

/// Whether one more email may go to a customer, out of the tenant's role: the owner's address
/// verified and, on a plan with a daily limit, the limit not reached (under the company's lock).
async fn admission(
    tx: &crate::db::TenantTx,
    plan: domain::billing::Plan,
) -> Result<CustomerEmail, DbErr> {
    let tenant = tx.tenant();
    let verified = tx
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT EXISTS (SELECT 1 FROM public.memberships m JOIN public.users u ON u.id = m.user_id
                            WHERE m.tenant_id = $1 AND m.role = 'OWNER'
                              AND u.email_verified_at IS NOT NULL) AS verified",
            [tenant.0.into()],
        ))
        .await?
        .map(|row| row.try_get::<bool>("", "verified"))
        .transpose()?
        .unwrap_or(false);
    Ok(if !verified {
        CustomerEmail::OwnerUnverified
    } else if plan.limit(domain::billing::Limit::EmailsPerDay).is_none() {
        CustomerEmail::Allowed
    } else {
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtext('duely.plan_limit'), hashtext($1 || ':EMAILS_PER_DAY'))",
            [tenant.schema_name().into()],
        ))
        .await?;
        let sent = customer_emails_today(&**tx, tenant).await?;
        match domain::billing::check_limit(plan, domain::billing::Limit::EmailsPerDay, sent, 1) {
            Ok(()) => CustomerEmail::Allowed,
            Err(reached) => CustomerEmail::LimitReached(reached),
        }
    })
}

/// The control plane is not the tenant role's: a tenant transaction steps out of the role for
/// its statements there, and back in.
pub(crate) async fn step_out_of_tenant_role(tx: &crate::db::TenantTx) -> Result<(), DbErr> {
    tx.execute_unprepared("SET LOCAL ROLE NONE").await?;
    Ok(())
}

pub(crate) async fn step_back_into_tenant_role(tx: &crate::db::TenantTx) -> Result<(), DbErr> {
    tx.execute_unprepared(&format!(
        r#"SET LOCAL ROLE "{}""#,
        tx.tenant().schema_name()
    ))
    .await?;
    Ok(())
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
    /// Opens the sealed secrets of links at the moment of sending.
    sealer: Option<crate::secrets::Sealer>,
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
        let sealer = crate::secrets::Sealer::from_config(config)?;
        Ok(Mailer {
            transport,
            from,
            sealer,
        })
    }

    async fn send(&self, row: &OutboxRow) -> anyhow::Result<()> {
        let to: Mailbox = row.to_address.parse()?;
        // The link's secret, opened only now and only in memory.
        let secret = match &row.secret_sealed {
            Some(sealed) => {
                let sealer = self.sealer.as_ref().ok_or_else(|| {
                    anyhow::anyhow!("no DUELY_ENCRYPTION_KEY to open a link's secret")
                })?;
                Some(sealer.open_for(&outbox_context(row.id), sealed)?)
            }
            None => None,
        };
        let fill = |body: &str| match &secret {
            Some(secret) => body.replace(SECRET_MARK, secret.expose_secret()),
            None => body.to_owned(),
        };
        let text = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .body(fill(&row.body_text));
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(row.subject.clone())
            .message_id(Some(format!("<{}@outbox.duely>", row.id)));
        for cc in &row.cc_addresses {
            builder = builder.cc(cc.parse()?);
        }
        let body = row.body_html.as_ref().map(|html| {
            MultiPart::alternative()
                .singlepart(text.clone())
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(fill(html)),
                )
        });
        let attachment = match (&row.attachment_name, &row.attachment_type, &row.attachment) {
            (Some(name), Some(content_type), Some(bytes)) => Some(
                lettre::message::Attachment::new(name.clone())
                    .body(bytes.clone(), ContentType::parse(content_type)?),
            ),
            _ => None,
        };
        let message = match (body, attachment) {
            (Some(body), Some(file)) => {
                builder.multipart(MultiPart::mixed().multipart(body).singlepart(file))?
            }
            (None, Some(file)) => {
                builder.multipart(MultiPart::mixed().singlepart(text).singlepart(file))?
            }
            (Some(body), None) => builder.multipart(body)?,
            (None, None) => builder.singlepart(text)?,
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
    secret_sealed: Option<Vec<u8>>,
    cc_addresses: Vec<String>,
    attachment_name: Option<String>,
    attachment_type: Option<String>,
    attachment: Option<Vec<u8>>,
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
          RETURNING id, to_address, subject, body_text, body_html, secret_sealed, cc_addresses,
                    attachment_name, attachment_type, attachment, attempts, lease_token",
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
                    // Sent: the link's secret has no business here any more.
                    "UPDATE public.email_outbox
                     SET sent_at = now(), locked_until = NULL, last_error = NULL, secret_sealed = NULL
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
                // A message given up on (its last attempt failed) loses its secret too.
                "UPDATE public.email_outbox SET locked_until = NULL, last_error = $3,
                    send_after = now() + make_interval(secs => $4),
                    secret_sealed = CASE WHEN attempts >= $5 THEN NULL ELSE secret_sealed END
                 WHERE id = $1 AND lease_token = $2",
                [
                    row.id.into(),
                    row.lease_token.into(),
                    error.to_string().into(),
                    (backoff_secs as f64).into(),
                    MAX_ATTEMPTS.into(),
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
    step_out_of_tenant_role(tx).await?;
    let id = enqueue(&**tx, email).await?;
    step_back_into_tenant_role(tx).await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::billing::{Limit, LimitReached, Plan};

    /// Each refusal: the code `code()` names for a held-back step, the reason, and the text.
    #[test]
    fn a_refused_customer_email_carries_its_code_and_reason() {
        let (message, extensions) = CustomerEmail::OwnerUnverified.admit().unwrap_err().public();
        assert_eq!(extensions["code"], "EMAIL_NOT_VERIFIED");
        assert_eq!(extensions["reason"], "EMAIL_OWNER_NOT_VERIFIED");
        assert_eq!(
            message,
            "No email goes to customers until the company's owner has verified their email \
             address: use the link in the verification email (or send it again from the banner)."
        );
        let reached = LimitReached {
            limit: Limit::EmailsPerDay,
            plan: Plan::Free,
            allowed: 100,
            lifted_by: Some(Plan::Growth),
        };
        for refused in [
            CustomerEmail::OwnerUnverified,
            CustomerEmail::LimitReached(reached),
        ] {
            let code = refused.code();
            let error = refused.admit().unwrap_err();
            assert_eq!(Some(error.code()), code);
            assert!(error.reason().is_some());
        }
        assert_eq!(CustomerEmail::Allowed.code(), None);
        assert!(CustomerEmail::Allowed.admit().is_ok());
    }
}
