//! Dunning ladders: reading, saving and assigning them, pausing a customer's dunning, and the
//! preview of what a run would do on a date on the company's real data, through the domain's
//! `dunning::decide` (optionally with an unsaved ladder in place).

use super::plan::{self, Candidate};
use crate::api::values::{optional_text, required_text};
use crate::audit::{self, AuditEntry};
use crate::auth::{Caller, visible_to};
use crate::collections::CollectionError;
use crate::collections::store::dunning::{self as store, PolicyRow};
use crate::customers;
use crate::db::{self, TenantTx};
use crate::error::AppError;
use chrono::NaiveDate;
use domain::Currency;
use domain::access::{Access, Permission};
use domain::aging::days_overdue;
use domain::dunning::{Decision, PauseReason, Step};
use domain::fees::FeeRule;
use rust_decimal::Decimal;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

/// Reading ladders and previews: those who work collections or manage dunning.
pub fn may_read(caller: &Caller) -> Result<Access, AppError> {
    caller
        .authorize(Permission::ManageDunning)
        .or_else(|_| caller.authorize(Permission::ViewCollections))
}

/// Changing and assigning ladders: those who manage dunning.
pub fn may_manage(caller: &Caller) -> Result<Access, AppError> {
    caller.authorize(Permission::ManageDunning)
}

/// Pausing a customer's dunning: those who manage dunning or work collections.
pub fn may_pause(caller: &Caller) -> Result<Access, AppError> {
    caller
        .authorize(Permission::ManageDunning)
        .or_else(|_| caller.authorize(Permission::WorkCollections))
}

/// A ladder as an editor sends it, checked: its name, its steps in order, and the fee rule
/// given (if any).
#[derive(Debug, Clone)]
pub struct LadderDraft {
    pub name: String,
    pub steps: Vec<Step>,
    pub fee: Option<FeeRule>,
}

/// A ladder to save (or to preview as if saved).
#[derive(Debug, Clone)]
pub struct SavePolicy {
    /// A ladder to change; none creates one.
    pub policy_id: Option<Uuid>,
    pub draft: LadderDraft,
    /// Make it the ladder for customers with no other.
    pub make_default: bool,
    /// Stop charging fees on this ladder.
    pub remove_fee_rule: bool,
}

/// A ladder for one customer or for a segment.
#[derive(Debug, Clone)]
pub struct Assignment {
    pub policy_id: Uuid,
    pub customer_id: Option<Uuid>,
    pub segment: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Pause {
    pub customer_id: Uuid,
    /// The last day of the pause; none resumes dunning now.
    pub until: Option<NaiveDate>,
    pub reason: String,
}

/// The company's dunning ladders, the default first.
pub async fn policies(
    db: &DatabaseConnection,
    caller: &Caller,
) -> Result<Vec<PolicyRow>, AppError> {
    may_read(caller)?;
    let tenant = caller.require_tenant()?;
    let tx = TenantTx::begin(db, tenant).await?;
    let list = store::policies(&*tx, None).await?;
    tx.commit().await?;
    Ok(list)
}

pub async fn save_policy(
    db: &DatabaseConnection,
    caller: &Caller,
    input: SavePolicy,
    request_id: &str,
) -> Result<PolicyRow, AppError> {
    may_manage(caller)?;
    let tenant = caller.require_tenant()?;
    let LadderDraft { name, steps, fee } = input.draft;
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let json = serde_json::to_value(&steps).map_err(anyhow::Error::from)?;
    let id = match input.policy_id {
        Some(id) => {
            let updated = store::update_policy(&*tx, id, &name, &json)
                .await
                .map_err(name_taken)?;
            if updated == 0 {
                return Err(CollectionError::LadderNotFound.into());
            }
            id
        }
        None => {
            let id = Uuid::now_v7();
            store::insert_policy(&*tx, id, &name, &json)
                .await
                .map_err(name_taken)?;
            id
        }
    };
    if fee.is_some() || input.remove_fee_rule {
        let fee_json = fee
            .as_ref()
            .map(serde_json::to_value)
            .transpose()
            .map_err(anyhow::Error::from)?;
        store::set_fee_rule(&*tx, id, fee_json).await?;
    }
    if input.make_default {
        store::make_default(&*tx, id).await?;
    }
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "dunning.policy_saved",
            entity_type: "dunning_policy",
            entity_id: Some(id.to_string()),
            before: None,
            after: Some(serde_json::json!({ "name": name, "steps": json, "feeRule": fee })),
            request_id: Some(request_id),
        },
    )
    .await?;
    let saved = store::policies(&*tx, Some(id))
        .await?
        .pop()
        .ok_or_else(|| AppError::from(CollectionError::LadderNotFound))?;
    tx.commit().await?;
    Ok(saved)
}

/// Ladder names are unique (`dunning_policies_name_key`).
fn name_taken(error: sea_orm::DbErr) -> AppError {
    if db::violated_constraint(&error).as_deref() == Some("dunning_policies_name_key") {
        CollectionError::LadderNameTaken.into()
    } else {
        AppError::from(error)
    }
}

pub async fn assign_policy(
    db: &DatabaseConnection,
    caller: &Caller,
    input: Assignment,
    request_id: &str,
) -> Result<PolicyRow, AppError> {
    may_manage(caller)?;
    let tenant = caller.require_tenant()?;
    let segment = optional_text("input.segment", input.segment.as_deref(), 60)?;
    if input.customer_id.is_some() == segment.is_some() {
        return Err(CollectionError::CustomerOrSegment.into());
    }
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let not_found = || AppError::from(CollectionError::LadderNotFound);
    let policy_id = input.policy_id;
    if store::policies(&*tx, Some(policy_id)).await?.is_empty() {
        return Err(not_found());
    }
    if let Some(customer) = input.customer_id {
        let updated = store::assign_to_customer(&*tx, customer, policy_id).await?;
        if updated == 0 {
            return Err(CollectionError::CustomerNotFound.into());
        }
    }
    if let Some(segment) = &segment {
        store::assign_to_segment(&*tx, segment, policy_id).await?;
    }
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "dunning.policy_assigned",
            entity_type: "dunning_policy",
            entity_id: Some(policy_id.to_string()),
            before: None,
            after: Some(serde_json::json!({
                "customerId": input.customer_id.map(|id| id.to_string()), "segment": segment,
            })),
            request_id: Some(request_id),
        },
    )
    .await?;
    let saved = store::policies(&*tx, Some(policy_id))
        .await?
        .pop()
        .ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(saved)
}

/// Pauses a customer's dunning until a day (inclusive), with a reason. Returns the customer
/// and the last day of the pause.
pub async fn pause(
    db: &DatabaseConnection,
    caller: &Caller,
    input: Pause,
    request_id: &str,
) -> Result<(Uuid, Option<NaiveDate>), AppError> {
    let access = may_pause(caller)?;
    let tenant = caller.require_tenant()?;
    let reason = required_text("input.reason", &input.reason, 500)?;
    let actor = audit::actor_of(db, caller).await?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    if let Some(until) = input.until
        && domain::collections::within_a_year(calendar.today, until).is_err()
    {
        return Err(CollectionError::PauseOutOfRange {
            today: calendar.today,
        }
        .into());
    }
    let tx = TenantTx::begin(db, tenant).await?;
    let not_found = || AppError::from(CollectionError::CustomerNotFound);
    let row = customers::load_customer(&*tx, calendar.today, input.customer_id)
        .await?
        .filter(|row| visible_to(caller, access, row))
        .ok_or_else(not_found)?;
    store::pause_customer(&*tx, row.id, input.until, &reason).await?;
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "dunning.paused",
            entity_type: "customer",
            entity_id: Some(row.id.to_string()),
            before: None,
            after: Some(serde_json::json!({ "until": input.until.map(|d| d.to_string()), "reason": reason })),
            request_id: Some(request_id),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((row.id, input.until))
}

/// An invoice a previewed step covers.
pub struct PreviewInvoice {
    pub id: Uuid,
    pub number: Option<String>,
    pub due_date: NaiveDate,
    pub days_overdue: i64,
    pub balance: Decimal,
    pub currency: Currency,
}

/// A step due for a customer, with its invoices and their total in the first one's currency.
pub struct PreviewStep {
    pub step: Step,
    pub invoices: Vec<PreviewInvoice>,
    pub total: Decimal,
    /// None only when no invoice is left to show.
    pub currency: Option<Currency>,
}

pub struct PreviewCustomer {
    pub customer_id: Uuid,
    pub code: String,
    pub name: String,
    pub policy_name: String,
    /// Why nothing goes out for this customer, when it is paused.
    pub paused: Option<PauseReason>,
    pub steps: Vec<PreviewStep>,
}

pub struct Preview {
    pub date: NaiveDate,
    pub customers: Vec<PreviewCustomer>,
}

/// Puts an unsaved ladder into `plan`, as saving it would: an edit replaces its ladder (and
/// may make it the default); a new ladder, assigned to nobody yet, is shown as if every
/// customer were on it.
fn with_draft(plan: &mut plan::Plan, input: SavePolicy) -> Result<(), AppError> {
    let LadderDraft { name, steps, fee } = input.draft;
    match input.policy_id {
        Some(id) => {
            let ladder = plan
                .ladders
                .iter_mut()
                .find(|ladder| ladder.id == id)
                .ok_or_else(|| AppError::from(CollectionError::LadderNotFound))?;
            ladder.name = name;
            ladder.steps = steps;
            if fee.is_some() || input.remove_fee_rule {
                ladder.fee_rule = fee;
            }
            if input.make_default {
                let chosen = ladder.id;
                for ladder in &mut plan.ladders {
                    ladder.is_default = ladder.id == chosen;
                }
            }
        }
        None => {
            plan.ladders = vec![plan::Ladder {
                id: Uuid::nil(),
                name,
                is_default: true,
                steps,
                fee_rule: fee,
            }];
            plan.segments.clear();
        }
    }
    Ok(())
}

/// What a dunning run would do on `date`, on the company's real data: per customer, the steps
/// due and the invoices each covers, or why the customer is paused. Changes nothing. With
/// `draft`, as if that ladder were saved.
pub async fn preview(
    db: &DatabaseConnection,
    caller: &Caller,
    date: NaiveDate,
    draft: Option<SavePolicy>,
) -> Result<Preview, AppError> {
    let access = may_read(caller)?;
    let tenant = caller.require_tenant()?;
    let time_zone = db::tenant_calendar(db, tenant).await?.time_zone;
    let tx = TenantTx::begin(db, tenant).await?;
    let mut plan = plan::load(&*tx, date, &time_zone).await?;
    tx.commit().await?;
    if let Some(draft) = draft {
        with_draft(&mut plan, draft)?;
    }
    let mut customers: Vec<PreviewCustomer> = Vec::new();
    for customer_plan in plan.customers(date) {
        let first = customer_plan.first();
        let member_sees = match (access, caller) {
            (Access::Assigned, Caller::Member(member)) => {
                first.collector_id == Some(member.user_id)
                    || first.salesperson_id == Some(member.user_id)
            }
            _ => true,
        };
        if !member_sees {
            continue;
        }
        let customer = |paused, steps| PreviewCustomer {
            customer_id: first.customer_id,
            code: first.code.clone(),
            name: first.name.clone(),
            policy_name: customer_plan.ladder.name.clone(),
            paused,
            steps,
        };
        match &customer_plan.decision {
            // Show a pause only where it holds something back.
            Decision::Paused(reason) if !customer_plan.held_back.is_empty() => {
                customers.push(customer(Some(*reason), Vec::new()));
            }
            Decision::Due(due) if !due.is_empty() => {
                let steps = due
                    .iter()
                    .map(|due| {
                        let lines: Vec<&Candidate> = due
                            .invoices
                            .iter()
                            .filter_map(|id| customer_plan.row(*id))
                            .collect();
                        let currency = lines.first().map(|row| row.currency);
                        let total: Decimal = lines
                            .iter()
                            .filter(|row| Some(row.currency) == currency)
                            .map(|row| row.balance)
                            .sum();
                        PreviewStep {
                            step: due.step.clone(),
                            invoices: lines
                                .iter()
                                .map(|row| PreviewInvoice {
                                    id: row.invoice_id,
                                    number: row.number.clone(),
                                    due_date: row.due_date,
                                    days_overdue: days_overdue(row.due_date, date),
                                    balance: row.balance,
                                    currency: row.currency,
                                })
                                .collect(),
                            total,
                            currency,
                        }
                    })
                    .collect();
                customers.push(customer(None, steps));
            }
            _ => {}
        }
    }
    Ok(Preview { date, customers })
}
