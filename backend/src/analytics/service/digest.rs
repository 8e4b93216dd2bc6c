//! The daily email digest of risk alerts, for companies that turn it on
//! (`updateAnalyticsSettings(input: {dailyDigest: true})`).
//!
//! Each member who works collections gets the alerts raised since the last digest and still
//! open: everyone's for those who reach all customers (owner, admin, finance manager), their own
//! customers' for a collector. The messages go through the outbox in the same transaction that
//! moves the digest's mark forward, under a row lock, so a retried job or a second replica
//! never sends the same alert twice.

use crate::analytics::store::digest::{self as store, NewAlert};
use crate::db::{self, TenantTx};
use crate::email::{self, OutgoingEmail};
use crate::error::AppError;
use domain::access::{Access, Permission};
use domain::messages::Localized;
use domain::templates::escape_html;
use domain::{Locale, TenantId};
use sea_orm::DatabaseConnection;
use std::fmt::Write as _;

/// Sends the company's digest if it is turned on and anything is new. Returns how many emails
/// were queued.
pub async fn send(
    db: &DatabaseConnection,
    tenant: TenantId,
    public_url: &str,
) -> Result<usize, AppError> {
    let company = db::tenant_calendar(db, tenant).await?.name;
    let members = store::recipients(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let enabled = crate::settings::read(&*tx).await?.reports.daily_digest;
    if !enabled {
        tx.commit().await?;
        return Ok(0);
    }
    let since = store::lock_mark(&*tx).await?;
    let alerts = store::new_alerts(&*tx, since).await?;
    let Some(through) = alerts.iter().map(|alert| alert.created_at).max() else {
        tx.commit().await?;
        return Ok(0);
    };
    let mut sent = 0;
    for member in &members {
        let theirs: Vec<&NewAlert> = match member.role.access(Permission::WorkCollections) {
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
        email::enqueue_in_tenant(
            &tx,
            compose(
                &member.email,
                &company,
                member.locale,
                &theirs,
                public_url,
                tenant,
            ),
        )
        .await?;
        sent += 1;
    }
    store::move_mark(&*tx, through).await?;
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
            alert.severity.as_str(),
            alert.customer_name,
            alert.customer_code,
            alert.message.text(locale)
        );
        let _ = write!(
            html,
            "<li><strong>[{}]</strong> <a href=\"{}/customers/{}\">{} ({})</a>: {}</li>",
            escape_html(alert.severity.as_str()),
            escape_html(public_url.trim_end_matches('/')),
            alert.customer_id,
            escape_html(&alert.customer_name),
            escape_html(&alert.customer_code),
            escape_html(&alert.message.text(locale)),
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
