//! The daily email digest of risk alerts, for companies that turn it on
//! (`updateAnalyticsSettings(input: {dailyDigest: true})`).
//!
//! Each member who works collections gets the alerts raised since the last digest and still
//! open: everyone's for those who reach all customers (owner, admin, finance manager), their own
//! customers' for a collector. The messages go through the outbox in the same transaction that
//! moves the digest's mark forward, under a row lock, so a retried job or a second replica
//! never sends the same alert twice.

use crate::db::{self, TenantTx};
use crate::email::{self, OutgoingEmail};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use domain::access::{Access, Permission, Role};
use domain::templates::escape_html;
use domain::{Locale, TenantId};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement};
use std::fmt::Write as _;
use uuid::Uuid;

const MARK: &str = "alerts.digest_through";

#[derive(Debug, FromQueryResult)]
struct Recipient {
    user_id: Uuid,
    email: String,
    locale: String,
    role: String,
}

#[derive(Debug, FromQueryResult)]
struct NewAlert {
    severity: String,
    message: String,
    created_at: DateTime<Utc>,
    customer_id: Uuid,
    customer_code: String,
    customer_name: String,
    collector_id: Option<Uuid>,
}

/// Sends the company's digest if it is turned on and anything is new. Returns how many emails
/// were queued.
pub async fn send(
    db: &DatabaseConnection,
    tenant: TenantId,
    public_url: &str,
) -> Result<usize, AppError> {
    let company = db::tenant_calendar(db, tenant).await?.name;
    let members = Recipient::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT u.id AS user_id, u.email, u.locale, m.role FROM public.memberships m
         JOIN public.users u ON u.id = m.user_id WHERE m.tenant_id = $1 ORDER BY u.email",
        [tenant.0.into()],
    ))
    .all(db)
    .await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let enabled = crate::invoices::store::setting(&*tx, super::settings::DAILY_DIGEST)
        .await?
        .and_then(|value| value.as_bool())
        .unwrap_or(false);
    if !enabled {
        tx.commit().await?;
        return Ok(0);
    }
    // The mark: alerts created after it are new. The first digest covers the last day.
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO settings (key, value) VALUES ($1, to_jsonb((now() - interval '1 day')::text))
         ON CONFLICT (key) DO NOTHING",
        [MARK.into()],
    ))
    .await?;
    let since: DateTime<Utc> = tx
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT (value #>> '{}')::timestamptz AS since FROM settings WHERE key = $1 FOR UPDATE",
            [MARK.into()],
        ))
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the digest mark is missing")))?
        .try_get("", "since")?;
    let alerts = NewAlert::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT a.severity, a.message, a.created_at, c.id AS customer_id, c.code AS customer_code,
                c.name AS customer_name, c.collector_id
         FROM risk_alerts a JOIN customers c ON c.id = a.customer_id
         WHERE a.created_at > $1 AND a.status <> 'RESOLVED'
         ORDER BY CASE a.severity WHEN 'HIGH' THEN 0 WHEN 'MEDIUM' THEN 1 ELSE 2 END, a.created_at",
        [since.into()],
    ))
    .all(&*tx)
    .await?;
    let Some(through) = alerts.iter().map(|alert| alert.created_at).max() else {
        tx.commit().await?;
        return Ok(0);
    };
    let mut sent = 0;
    for member in &members {
        let Ok(role) = member.role.parse::<Role>() else {
            continue;
        };
        let theirs: Vec<&NewAlert> = match role.access(Permission::WorkCollections) {
            Access::All => alerts.iter().collect(),
            Access::Assigned => alerts
                .iter()
                .filter(|alert| alert.collector_id == Some(member.user_id))
                .collect(),
            Access::None => continue,
        };
        if theirs.is_empty() {
            continue;
        }
        let locale = member.locale.parse::<Locale>().unwrap_or_default();
        email::enqueue_in_tenant(
            &tx,
            compose(&member.email, &company, locale, &theirs, public_url, tenant),
        )
        .await?;
        sent += 1;
    }
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE settings SET value = to_jsonb($2::timestamptz::text), updated_at = now() WHERE key = $1",
        [MARK.into(), through.into()],
    ))
    .await?;
    tx.commit().await?;
    Ok(sent)
}

fn compose(
    to: &str,
    company: &str,
    locale: Locale,
    alerts: &[&NewAlert],
    public_url: &str,
    tenant: TenantId,
) -> OutgoingEmail {
    let (subject, intro, open) = match locale {
        Locale::ZhCn => (
            format!("{company}：{} 条新的风险预警", alerts.len()),
            "以下客户出现了新的风险预警：",
            "在 Duely 中查看",
        ),
        Locale::En => (
            format!("{company}: {} new risk alerts", alerts.len()),
            "These customers have new risk alerts:",
            "Open them in Duely",
        ),
    };
    let link = format!("{}/worklist", public_url.trim_end_matches('/'));
    let mut text = format!("{intro}\n\n");
    let mut html = format!("<p>{}</p><ul>", escape_html(intro));
    for alert in alerts {
        let _ = writeln!(
            text,
            "[{}] {} ({}): {}",
            alert.severity, alert.customer_name, alert.customer_code, alert.message
        );
        let _ = write!(
            html,
            "<li><strong>[{}]</strong> <a href=\"{}/customers/{}\">{} ({})</a>: {}</li>",
            escape_html(&alert.severity),
            escape_html(public_url.trim_end_matches('/')),
            alert.customer_id,
            escape_html(&alert.customer_name),
            escape_html(&alert.customer_code),
            escape_html(&alert.message),
        );
    }
    let _ = write!(text, "\n{open}: {link}\n");
    let _ = write!(
        html,
        "</ul><p><a href=\"{}\">{}</a></p>",
        escape_html(&link),
        escape_html(open)
    );
    OutgoingEmail {
        tenant: Some(tenant),
        audience: crate::email::Audience::Team,
        to: to.to_owned(),
        subject,
        text,
        html: Some(html),
        secret: None,
    }
}
