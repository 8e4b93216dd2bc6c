//! The `bank.match` job: suggestions for the waiting lines of an import (or, after an apply or
//! undo, of an account), stored on each line, and the lines whose best suggestion is at or
//! above the company's `cashApplication.autoApplyConfidence` applied.
//!
//! The book of open invoices is read once; suggesting is CPU work and runs on a blocking
//! thread, in booking order, taking what an auto-applied line pays off the book before the
//! next line is matched, so no two lines count on the same money. Writes go in chunks, each a
//! transaction that locks its lines again: a line a person settled meanwhile is left alone, and
//! a job that crashed half-way runs again without applying anything twice.

use super::apply::{self, suggestions_of};
use crate::audit::Actor;
use crate::banking::store::{self, LineRow, Suggested};
use crate::db::{self, TenantTx};
use crate::error::AppError;
use crate::jobs::{ClaimedJob, JobHandler, NewJob};
use chrono::Duration;
use domain::TenantId;
use domain::cash::matching::{Book, Incoming, KEYED_PAYMENT_DAYS};
use domain::cash::{MatchStatus, Suggestion};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

pub const JOB_KIND: &str = "bank.match";
/// Lines applied per transaction.
const APPLY_CHUNK: usize = 200;
/// Above this many customers paid, one rating pass over the company is cheaper than one per
/// customer (each reads the company's receivables for the customer's share).
const RATE_ONE_BY_ONE: usize = 50;
/// Statements whose period ended this many days before a line are still quoted when paid.
const STATEMENTS_QUOTED_DAYS: i64 = 180;

/// The job matching an import's new lines.
pub fn job(tenant: TenantId, import: Uuid) -> NewJob {
    NewJob {
        tenant_id: Some(tenant.0),
        payload: serde_json::json!({ "import": import }),
        ..NewJob::new(JOB_KIND)
    }
}

/// The job matching an account's waiting lines again (an apply or undo moved money).
pub fn account_job(tenant: TenantId, account: Uuid) -> NewJob {
    NewJob {
        tenant_id: Some(tenant.0),
        payload: serde_json::json!({ "account": account }),
        ..NewJob::new(JOB_KIND)
    }
}

pub struct MatchBankLines;

#[async_trait::async_trait]
impl JobHandler for MatchBankLines {
    async fn run(&self, db: &DatabaseConnection, job: &ClaimedJob) -> anyhow::Result<()> {
        let tenant = job.tenant()?;
        let import = job.payload["import"].as_str().and_then(|s| s.parse().ok());
        let account = job.payload["account"].as_str().and_then(|s| s.parse().ok());
        match_lines(db, tenant, import, account)
            .await
            .map_err(|error| anyhow::anyhow!("bank matching: {error:?}"))?;
        Ok(())
    }
}

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Matched {
    pub lines: usize,
    pub auto_applied: usize,
}

/// The suggestion a line applies itself with, if any.
fn auto_choice(suggestions: &[Suggestion], threshold: Option<Decimal>) -> Option<&Suggestion> {
    let threshold = threshold?;
    // Linking to a keyed payment is a person's call.
    suggestions
        .first()
        .filter(|best| best.confidence >= threshold && best.payment_id.is_none())
}

/// Matches the waiting lines of `import`, or of `account` when matching was asked for again
/// since it last ran.
pub async fn match_lines(
    db: &DatabaseConnection,
    tenant: TenantId,
    import: Option<Uuid>,
    account: Option<Uuid>,
) -> Result<Matched, AppError> {
    let calendar = db::tenant_calendar(db, tenant).await?;
    let today = calendar.today;
    let tx = TenantTx::begin(db, tenant).await?;
    if let Some(account) = account {
        // Only when asked for since the last run; the run starts now.
        let wanted = tx
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE bank_accounts SET matched_at = clock_timestamp()
                 WHERE id = $1 AND match_wanted_at IS NOT NULL
                   AND (matched_at IS NULL OR matched_at < match_wanted_at)",
                [account.into()],
            ))
            .await?;
        if wanted.rows_affected() == 0 {
            tx.commit().await?;
            return Ok(Matched::default());
        }
    }
    if import.is_none() && account.is_none() {
        tx.commit().await?;
        return Ok(Matched::default());
    }
    let threshold = crate::settings::store::read(&*tx)
        .await?
        .cash_application
        .auto_apply_confidence;
    let lines = store::waiting_lines(&*tx, import, account).await?;
    if let Some(import) = import {
        store::set_import_progress(&*tx, import, MatchStatus::Running, 0, 0).await?;
    }
    let from = lines.iter().map(|l| l.booked_on).min().unwrap_or(today);
    let to = lines.iter().map(|l| l.booked_on).max().unwrap_or(today);
    let invoices = store::open_invoices(&*tx).await?;
    let customers = store::customers(&*tx).await?;
    let payers = store::learned_payers(&*tx).await?;
    let keyed = store::keyed_payments(
        &*tx,
        from - Duration::days(KEYED_PAYMENT_DAYS),
        to + Duration::days(KEYED_PAYMENT_DAYS),
    )
    .await?;
    let statements =
        store::sent_statements(&*tx, from - Duration::days(STATEMENTS_QUOTED_DAYS)).await?;
    tx.commit().await?;

    // The CPU part: the book and every line's suggestions, off the async threads.
    let (lines, suggested) = tokio::task::spawn_blocking(move || {
        let mut book = Book::new(invoices, &customers, &payers, keyed).with_statements(statements);
        let mut suggested: Vec<Vec<Suggestion>> = Vec::with_capacity(lines.len());
        for line in &lines {
            let found = book.suggest(&Incoming {
                amount: line.amount,
                currency: line.currency,
                booked_on: line.booked_on,
                payer_name: line.payer_name.as_deref(),
                payer_account: line.payer_account.as_deref(),
                remark: line.remark.as_deref(),
                reference: line.reference.as_deref(),
            });
            if line.booked_on <= today
                && let Some(best) = auto_choice(&found, threshold)
            {
                match best.payment_id {
                    Some(payment) => book.forget_keyed(payment),
                    None => {
                        for invoice in &best.invoices {
                            book.consume(invoice.invoice_id, invoice.amount);
                        }
                    }
                }
            }
            suggested.push(found);
        }
        (lines, suggested)
    })
    .await
    .map_err(|error| AppError::Internal(error.into()))?;

    let rows: Vec<Suggested> = lines
        .iter()
        .zip(&suggested)
        .map(|(line, found)| Suggested {
            id: line.id,
            suggestions: serde_json::to_value(found).unwrap_or_default(),
            confidence: found.first().map(|s| s.confidence),
        })
        .collect();
    let tx = TenantTx::begin(db, tenant).await?;
    store::store_suggestions(&*tx, &rows).await?;
    // Every line matched: what is left is applying those above the threshold.
    if let Some(import) = import {
        store::set_import_progress(&*tx, import, MatchStatus::Running, lines.len() as i32, 0)
            .await?;
    }
    tx.commit().await?;
    tracing::info!(lines = lines.len(), "bank.match: suggestions stored");

    let to_apply: Vec<(&LineRow, &Suggestion)> = lines
        .iter()
        .zip(&suggested)
        .filter(|(line, _)| line.booked_on <= today)
        .filter_map(|(line, found)| auto_choice(found, threshold).map(|best| (line, best)))
        .collect();
    let mut applied = 0;
    let mut touched: HashSet<Uuid> = HashSet::new();
    for chunk in to_apply.chunks(APPLY_CHUNK) {
        let (count, customers) = apply_chunk(db, tenant, today, chunk).await?;
        applied += count;
        touched.extend(customers);
        if let Some(import) = import {
            let tx = TenantTx::begin(db, tenant).await?;
            store::set_import_progress(
                &*tx,
                import,
                MatchStatus::Running,
                lines.len() as i32,
                applied as i32,
            )
            .await?;
            tx.commit().await?;
        }
    }
    // The paid customers' ratings follow their payments, as a payment keyed by hand does.
    if !touched.is_empty() {
        let tx = TenantTx::begin(db, tenant).await?;
        if touched.len() > RATE_ONE_BY_ONE {
            crate::analytics::ratings::rate_customers(&*tx, today, None).await?;
        } else {
            for customer in &touched {
                crate::analytics::ratings::rate_customers(&*tx, today, Some(*customer)).await?;
            }
        }
        tx.commit().await?;
    }
    if let Some(import) = import {
        let tx = TenantTx::begin(db, tenant).await?;
        store::set_import_progress(
            &*tx,
            import,
            MatchStatus::Done,
            lines.len() as i32,
            applied as i32,
        )
        .await?;
        tx.commit().await?;
    }
    Ok(Matched {
        lines: lines.len(),
        auto_applied: applied,
    })
}

/// Applies a chunk of lines in one transaction, set-based: the lines locked in one statement,
/// then their payments written together. A line no longer waiting, whose stored suggestion
/// changed, or whose allocation no longer fits, is left as it is. Returns how many were
/// applied and the customers paid.
async fn apply_chunk(
    db: &DatabaseConnection,
    tenant: TenantId,
    today: chrono::NaiveDate,
    chunk: &[(&LineRow, &Suggestion)],
) -> Result<(usize, HashSet<Uuid>), AppError> {
    let actor = Actor::System;
    let tx = TenantTx::begin(db, tenant).await?;
    let ids: Vec<Uuid> = chunk.iter().map(|(line, _)| line.id).collect();
    let rows = store::lock_lines(&*tx, &ids).await?;
    let decided: HashMap<Uuid, &Suggestion> =
        chunk.iter().map(|(line, best)| (line.id, *best)).collect();
    // In booking order, as matching took each line's money off the book.
    let mut rows: Vec<&LineRow> = rows
        .iter()
        // Still waiting, and the suggestion stored is the one decided on (a newer one waits
        // for a person).
        .filter(|row| {
            apply::waiting(row).is_ok()
                && suggestions_of(row).first() == decided.get(&row.id).copied()
        })
        .collect();
    let position: HashMap<Uuid, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    rows.sort_by_key(|row| position[&row.id]);
    let lines = rows
        .iter()
        .map(|row| (*row, apply::parts_of(decided[&row.id], row.amount)))
        .collect();
    let at = apply::Acting {
        tx: &tx,
        today,
        actor: &actor,
        request_id: "",
    };
    let mut applied = 0;
    let mut touched: HashSet<Uuid> = HashSet::new();
    for outcome in apply::apply_lines_in_tx(at, lines, None, true).await? {
        match outcome {
            Ok(customers) => {
                applied += 1;
                touched.extend(customers);
            }
            // A refusal wrote nothing: the line waits for a person.
            Err(error) if error.reason().is_some() => continue,
            Err(error) => return Err(error),
        }
    }
    tx.commit().await?;
    Ok((applied, touched))
}
