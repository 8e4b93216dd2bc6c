//! Judging open promises, and the daily job that does it for every company.

use crate::audit::{self, Actor, AuditEntry};
use crate::collections::store::promises::{self as store, OpenPromise};
use crate::db::{self, TenantTx};
use crate::jobs::{ClaimedJob, JobHandler};
use chrono::NaiveDate;
use domain::TenantId;
use domain::collections::{PromiseStatus, evaluate_promise, promise_deadline};
use domain::messages::Text;
use rust_decimal::Decimal;
use sea_orm::{DatabaseConnection, DbErr};
use uuid::Uuid;

pub const JOB_KIND: &str = "promises.evaluate";

/// Judges every open promise of `tenant` as of `today`. Returns how many changed status.
pub async fn evaluate(
    db: &DatabaseConnection,
    tenant: TenantId,
    today: NaiveDate,
) -> Result<usize, DbErr> {
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let grace = crate::settings::read(&*tx).await?.promise_grace_days;
    let open = store::open_promises(&*tx, grace, &calendar.time_zone).await?;
    // One payment keeps one promise: a customer's open promises take the money in the order
    // they fall due, each from what earlier ones did not use.
    let mut open = open;
    open.sort_by(|a, b| {
        (a.customer_id, a.promised_date, a.id).cmp(&(b.customer_id, b.promised_date, b.id))
    });
    let mut used = Decimal::ZERO;
    let mut current: Option<Uuid> = None;
    for promise in &mut open {
        if current != Some(promise.customer_id) {
            current = Some(promise.customer_id);
            used = Decimal::ZERO;
        }
        let available = (promise.paid - used).max(Decimal::ZERO);
        let counted = available.min(promise.amount);
        used += counted;
        promise.paid = counted;
    }
    let mut changed = 0;
    for promise in open {
        let deadline = promise_deadline(promise.promised_date, grace);
        let status = evaluate_promise(promise.amount, promise.paid, deadline, today);
        if status == PromiseStatus::Open {
            continue;
        }
        let updated = store::judge(&*tx, promise.id, status, promise.paid).await?;
        // Judged already by an overlapping evaluation (the job and `duely run-daily`): its
        // alert, task and audit entry are written once, by whoever changed the row.
        if updated != 1 {
            continue;
        }
        changed += 1;
        if status == PromiseStatus::Broken {
            raise_broken(&tx, &promise, today).await?;
        }
        audit::record(
            &*tx,
            tenant,
            AuditEntry {
                actor: Actor::System,
                action: match status {
                    PromiseStatus::Kept => "promise.kept",
                    PromiseStatus::PartiallyKept => "promise.partially_kept",
                    _ => "promise.broken",
                },
                entity_type: "customer",
                entity_id: Some(promise.customer_id.to_string()),
                before: None,
                after: Some(serde_json::json!({
                    "promiseId": promise.id.to_string(),
                    "amount": promise.amount.to_string(),
                    "paid": promise.paid.to_string(),
                    "promisedDate": promise.promised_date.to_string(),
                })),
                request_id: None,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(changed)
}

/// A broken promise raises an alert for the collector and the managers, and gives the
/// collector a call task for today. (The dunning ladder moves the customer up a rung on its
/// next run: see `domain::dunning::CustomerState::escalate`.)
async fn raise_broken(tx: &TenantTx, promise: &OpenPromise, today: NaiveDate) -> Result<(), DbErr> {
    let message = Text::AlertBrokenPromise {
        amount: promise.amount.normalize().to_string(),
        currency: promise.currency.to_string(),
        promised_date: promise.promised_date,
        paid: promise.paid.normalize().to_string(),
    };
    crate::analytics::alerts::raise(
        &**tx,
        promise.customer_id,
        crate::analytics::alerts::AlertKind::BrokenPromise,
        &format!("BROKEN_PROMISE:{}", promise.id),
        crate::analytics::alerts::AlertSeverity::High,
        &message,
    )
    .await?;
    store::insert_call_task(
        &**tx,
        promise.customer_id,
        &Text::TaskBrokenPromise {
            amount: promise.amount.normalize().to_string(),
            currency: promise.currency.to_string(),
            promised_date: promise.promised_date,
        },
        today,
        promise.collector_id,
    )
    .await
}

/// The daily job: every active company's promises, each as of its own today.
pub struct EvaluatePromises;

#[async_trait::async_trait]
impl JobHandler for EvaluatePromises {
    async fn run(&self, db: &DatabaseConnection, job: &ClaimedJob) -> anyhow::Result<()> {
        let (tenant, date) = (job.tenant()?, job.date()?);
        let changed = evaluate(db, tenant, date).await?;
        if changed > 0 {
            tracing::info!(%tenant, changed, "promises judged");
        }
        Ok(())
    }
}
