//! Approval emails, in each person's language: a request awaiting a level goes to the people
//! that level admits (not its maker, nor who decided an earlier level) who chose IMMEDIATE; its
//! outcome goes to its maker; once a day, those who chose DAILY get what still awaits them.
//! Each batch is queued in the outbox in one tenant transaction, from a job the decision asked
//! for in its own transaction, so a decision never goes unannounced.

use super::store::{self, Person, Reader, RequestFilter};
use crate::api::pagination::PageRequest;
use crate::approval_gate::{self, RequestRow};
use crate::db::{self, TenantTx};
use crate::email::{self, Audience, OutgoingEmail};
use crate::error::AppError;
use crate::jobs::{ClaimedJob, JobHandler};
use domain::approvals::{ApprovalEmails, ApprovalStatus, TeamMember, may_decide};
use domain::templates::escape_html;
use domain::{Locale, TenantId};
use sea_orm::DatabaseConnection;
use std::fmt::Write as _;
use uuid::Uuid;

/// The daily digest of requests awaiting those who chose DAILY.
pub const DIGEST_JOB: &str = "approvals.digest";

/// Queues the emails about `request` at `level` (0: its outcome, to its maker). Returns how
/// many.
pub async fn notify(
    db: &DatabaseConnection,
    tenant: TenantId,
    request: Uuid,
    level: usize,
    public_url: &str,
) -> Result<usize, AppError> {
    let company = db::tenant_calendar(db, tenant).await?.name;
    let people = store::people(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let Some(row) = approval_gate::request(&*tx, request, false).await? else {
        tx.commit().await?;
        return Ok(0);
    };
    let recipients: Vec<&Person> = if level == 0 {
        people
            .iter()
            .filter(|person| {
                row.requested_by == Some(person.id)
                    && person.approval_emails != ApprovalEmails::None
            })
            .collect()
    } else {
        let decided = store::decisions(&*tx, &[request]).await?;
        let levels = row.levels()?;
        // Only while the request still waits at this level.
        let current = row.status == ApprovalStatus::Pending && decided.len() + 1 == level;
        match levels.get(level - 1).filter(|_| current) {
            Some(approver) => people
                .iter()
                .filter(|person| {
                    person.approval_emails == ApprovalEmails::Immediate
                        && Some(person.id) != row.requested_by
                        && !decided.iter().any(|d| d.decided_by == person.id)
                        && approver.admits(TeamMember {
                            id: person.id,
                            role: person.role,
                        })
                })
                .collect(),
            None => Vec::new(),
        }
    };
    for person in &recipients {
        let email = if level == 0 {
            outcome(person, &company, &row, public_url, tenant)
        } else {
            awaiting(person, &company, &[&row], public_url, tenant)
        };
        email::enqueue_in_tenant(&tx, email).await?;
    }
    tx.commit().await?;
    Ok(recipients.len())
}

/// Queues one digest per person who chose DAILY and has requests awaiting them.
pub async fn digest(
    db: &DatabaseConnection,
    tenant: TenantId,
    public_url: &str,
) -> Result<usize, AppError> {
    let company = db::tenant_calendar(db, tenant).await?.name;
    let people = store::people(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let mut sent = 0;
    for person in people
        .iter()
        .filter(|p| p.approval_emails == ApprovalEmails::Daily && may_decide(p.role))
    {
        let reader = Reader {
            member: Some((person.id, person.role)),
            key: None,
            sees_all: true,
        };
        let filter = RequestFilter {
            awaiting_me: true,
            ..RequestFilter::default()
        };
        let page = PageRequest::parse("approvalRequests", "NEWEST", true, Some(50), None)?;
        let (rows, _) = store::page(&tx, reader, &filter, &page, false).await?;
        let rows: Vec<&RequestRow> = rows.iter().take(50).collect();
        if rows.is_empty() {
            continue;
        }
        email::enqueue_in_tenant(&tx, awaiting(person, &company, &rows, public_url, tenant))
            .await?;
        sent += 1;
    }
    tx.commit().await?;
    Ok(sent)
}

fn amount(row: &RequestRow, locale: Locale) -> String {
    match row.amount {
        Some(amount) => domain::display::money(
            locale,
            &domain::display::amount_string(amount, row.currency.code()),
            row.currency.code(),
        ),
        None => match locale {
            Locale::ZhCn => "超过所有金额档".to_owned(),
            Locale::En => "above every threshold".to_owned(),
        },
    }
}

/// One line per request: its action, subject, amount, maker and reason.
fn line(row: &RequestRow, locale: Locale) -> String {
    let action = row.action.name(locale);
    match locale {
        Locale::ZhCn => format!(
            "{action}：{}，{}（{} 提交，理由：{}）",
            row.subject_label,
            amount(row, locale),
            row.requested_label,
            row.reason
        ),
        Locale::En => format!(
            "{action}: {}, {} (asked by {}; why: {})",
            row.subject_label,
            amount(row, locale),
            row.requested_label,
            row.reason
        ),
    }
}

fn awaiting(
    person: &Person,
    company: &str,
    rows: &[&RequestRow],
    public_url: &str,
    tenant: TenantId,
) -> OutgoingEmail {
    let locale = person.locale;
    let link = format!("{}/approvals", public_url.trim_end_matches('/'));
    let (subject, intro, open) = match (locale, rows) {
        (Locale::ZhCn, [only]) => (
            format!("{company}：待您审批 · {}", only.action.name(locale)),
            "以下变更等待您审批：",
            "在 Duely 中审批",
        ),
        (Locale::ZhCn, _) => (
            format!("{company}：{} 项申请待您审批", rows.len()),
            "以下变更等待您审批：",
            "在 Duely 中审批",
        ),
        (Locale::En, [only]) => (
            format!(
                "{company}: awaiting your approval · {}",
                only.action.name(locale)
            ),
            "These changes await your approval:",
            "Decide in Duely",
        ),
        (Locale::En, _) => (
            format!("{company}: {} requests await your approval", rows.len()),
            "These changes await your approval:",
            "Decide in Duely",
        ),
    };
    let mut text = format!("{intro}\n\n");
    let mut html = format!("<p>{}</p><ul>", escape_html(intro));
    for row in rows {
        let line = line(row, locale);
        let _ = writeln!(text, "- {line}");
        let _ = write!(html, "<li>{}</li>", escape_html(&line));
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
        audience: Audience::Team,
        to: person.email.clone(),
        subject,
        text,
        html: Some(html),
        secret: None,
    }
}

fn outcome(
    person: &Person,
    company: &str,
    row: &RequestRow,
    public_url: &str,
    tenant: TenantId,
) -> OutgoingEmail {
    let locale = person.locale;
    let link = format!("{}/approvals?view=mine", public_url.trim_end_matches('/'));
    let status = row.status.name(locale);
    let action = row.action.name(locale);
    let (subject, intro, open) = match locale {
        Locale::ZhCn => (
            format!("{company}：您的{action}申请{status}"),
            format!("您的{action}申请{status}："),
            "在 Duely 中查看",
        ),
        Locale::En => (
            format!("{company}: your {action} request is {status}"),
            format!("Your {action} request is {status}:"),
            "Open it in Duely",
        ),
    };
    let mut text = format!("{intro}\n{}\n", line(row, locale));
    if let Some(failure) = &row.failure_reason {
        let _ = writeln!(text, "{failure}");
    }
    let _ = write!(text, "\n{open}: {link}\n");
    OutgoingEmail {
        tenant: Some(tenant),
        audience: Audience::Team,
        to: person.email.clone(),
        subject,
        html: Some(format!(
            "<p>{}</p><p>{}</p><p><a href=\"{}\">{}</a></p>",
            escape_html(&intro),
            escape_html(&line(row, locale)),
            escape_html(&link),
            escape_html(open)
        )),
        text,
        secret: None,
    }
}

/// The job a request or a decision asks for (`approval_gate::notify`).
pub struct Notify {
    pub links: crate::startup::AppLinks,
}

#[async_trait::async_trait]
impl JobHandler for Notify {
    async fn run(&self, db: &DatabaseConnection, job: &ClaimedJob) -> anyhow::Result<()> {
        let tenant = job.tenant()?;
        let request: Uuid = serde_json::from_value(job.payload["request"].clone())?;
        let level: usize = serde_json::from_value(job.payload["level"].clone())?;
        notify(db, tenant, request, level, &self.links.public_url)
            .await
            .map_err(|error| anyhow::anyhow!("approval emails: {error:?}"))?;
        Ok(())
    }
}

/// The daily digest job, per company.
pub struct Digest {
    pub links: crate::startup::AppLinks,
}

#[async_trait::async_trait]
impl JobHandler for Digest {
    async fn run(&self, db: &DatabaseConnection, job: &ClaimedJob) -> anyhow::Result<()> {
        digest(db, job.tenant()?, &self.links.public_url)
            .await
            .map_err(|error| anyhow::anyhow!("approval digest: {error:?}"))?;
        Ok(())
    }
}
