//! Dunning ladders over the API: `dunningPolicies`, `saveDunningPolicy`,
//! `assignDunningPolicy`, `pauseDunning`, and `previewDunningRun(date)`, which shows what a run
//! would do on that date on the company's real data, through the domain's `dunning::decide`.

use super::plan;
use crate::api::command;
use crate::api::context::{request, services};
use crate::api::values::CustomerRef;
use crate::api::values::{Date, Money, optional_text, parse_id, required_text};
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::auth::visible_to;
use crate::customers;
use crate::db::{self, TenantTx};
use crate::error::{ApiResult, AppError, IntoApi};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use domain::access::{Access, Permission};
use domain::aging::days_overdue;
use domain::dunning::{self as rules, Decision, PauseReason, Step, StepAction};
use domain::fees::{FeeRule, FeeRuleError};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

#[derive(SimpleObject, Clone)]
pub struct DunningStep {
    /// Days from the due date; negative is before it.
    pub offset_days: i32,
    pub action: StepAction,
    pub name: String,
}

#[derive(SimpleObject, Clone)]
pub struct DunningPolicy {
    pub id: ID,
    pub name: String,
    pub is_default: bool,
    pub steps: Vec<DunningStep>,
    /// Segments this ladder is assigned to.
    pub segments: Vec<String>,
    /// Customers assigned to it directly.
    pub customer_count: i64,
    /// What its LATE_FEE steps charge; none charges nothing.
    pub fee_rule: Option<LateFeeRule>,
}

#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum FeeKind {
    /// A fixed amount once, on invoices in its currency.
    Fixed,
    /// A percentage of the balance due, once.
    Percent,
    /// An annual rate per day overdue after grace days, up to a cap; billed again every 30 days.
    Interest,
}

#[derive(SimpleObject, InputObject, Clone, Debug)]
#[graphql(input_name = "LateFeeRuleInput")]
pub struct LateFeeRule {
    pub kind: FeeKind,
    /// FIXED: the amount and its currency.
    pub amount: Option<String>,
    pub currency: Option<String>,
    /// PERCENT: percent of the balance due, such as "1.5".
    pub percent: Option<String>,
    /// INTEREST: percent a year, grace days after the due date, and the most it may reach over
    /// an invoice's life, in percent of the invoice total.
    pub annual_rate_percent: Option<String>,
    pub grace_days: Option<i32>,
    pub cap_percent: Option<String>,
}

impl From<&FeeRule> for LateFeeRule {
    fn from(rule: &FeeRule) -> Self {
        let text = |value: &Decimal| Some(value.normalize().to_string());
        let empty = LateFeeRule {
            kind: FeeKind::Fixed,
            amount: None,
            currency: None,
            percent: None,
            annual_rate_percent: None,
            grace_days: None,
            cap_percent: None,
        };
        match rule {
            FeeRule::Fixed { amount, currency } => LateFeeRule {
                amount: text(amount),
                currency: Some(currency.code().to_owned()),
                ..empty
            },
            FeeRule::Percent { percent } => LateFeeRule {
                kind: FeeKind::Percent,
                percent: text(percent),
                ..empty
            },
            FeeRule::Interest {
                annual_rate_percent,
                grace_days,
                cap_percent,
            } => LateFeeRule {
                kind: FeeKind::Interest,
                annual_rate_percent: text(annual_rate_percent),
                grace_days: Some(*grace_days as i32),
                cap_percent: cap_percent.as_ref().and_then(text),
                ..empty
            },
        }
    }
}

fn decimal_field(field: &str, value: Option<&String>) -> Result<Decimal, AppError> {
    value
        .ok_or_else(|| AppError::validation(field, "required for this kind of fee"))?
        .trim()
        .parse::<Decimal>()
        .map_err(|_| AppError::validation(field, "a decimal number, such as 1.5"))
}

/// Checks a fee rule from the API, naming the field at fault.
fn fee_rule(input: &LateFeeRule) -> Result<FeeRule, AppError> {
    let rule = match input.kind {
        FeeKind::Fixed => FeeRule::Fixed {
            amount: decimal_field("input.feeRule.amount", input.amount.as_ref())?,
            currency: crate::api::values::parse_currency(
                "input.feeRule.currency",
                input.currency.as_deref().unwrap_or(""),
            )?,
        },
        FeeKind::Percent => FeeRule::Percent {
            percent: decimal_field("input.feeRule.percent", input.percent.as_ref())?,
        },
        FeeKind::Interest => FeeRule::Interest {
            annual_rate_percent: decimal_field(
                "input.feeRule.annualRatePercent",
                input.annual_rate_percent.as_ref(),
            )?,
            grace_days: u32::try_from(input.grace_days.unwrap_or(0))
                .map_err(|_| AppError::validation("input.feeRule.graceDays", "0 to 365 days"))?,
            cap_percent: match &input.cap_percent {
                Some(cap) => Some(decimal_field("input.feeRule.capPercent", Some(cap))?),
                None => None,
            },
        },
    };
    rule.validate().map_err(|error| {
        let field = match error {
            FeeRuleError::Amount => "input.feeRule.amount",
            FeeRuleError::Percent => "input.feeRule.percent",
            FeeRuleError::Rate => "input.feeRule.annualRatePercent",
            FeeRuleError::Grace => "input.feeRule.graceDays",
            FeeRuleError::Cap => "input.feeRule.capPercent",
        };
        AppError::validation(field, error)
    })?;
    Ok(rule)
}

#[derive(Debug, FromQueryResult)]
struct PolicyRow {
    id: Uuid,
    name: String,
    is_default: bool,
    steps: serde_json::Value,
    segments: Vec<String>,
    customer_count: i64,
    fee_rule: Option<serde_json::Value>,
}

fn steps_of(value: &serde_json::Value) -> Vec<Step> {
    serde_json::from_value(value.clone()).unwrap_or_default()
}

fn policy(row: PolicyRow) -> DunningPolicy {
    DunningPolicy {
        id: ID(row.id.to_string()),
        name: row.name,
        is_default: row.is_default,
        steps: steps_of(&row.steps)
            .into_iter()
            .map(|step| DunningStep {
                offset_days: step.offset_days,
                action: step.action,
                name: step.name,
            })
            .collect(),
        segments: row.segments,
        customer_count: row.customer_count,
        fee_rule: row
            .fee_rule
            .and_then(|rule| serde_json::from_value::<FeeRule>(rule).ok())
            .as_ref()
            .map(LateFeeRule::from),
    }
}

const POLICIES: &str = "SELECT p.id, p.name, p.is_default, p.steps, p.fee_rule,
        coalesce((SELECT array_agg(s.segment ORDER BY s.segment) FROM dunning_segment_policies s WHERE s.policy_id = p.id), '{}') AS segments,
        (SELECT count(*) FROM customers c WHERE c.dunning_policy_id = p.id) AS customer_count
    FROM dunning_policies p";

async fn policies(
    conn: &impl ConnectionTrait,
    id: Option<Uuid>,
) -> Result<Vec<DunningPolicy>, AppError> {
    Ok(PolicyRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "{POLICIES} WHERE ($1::uuid IS NULL OR p.id = $1) ORDER BY p.is_default DESC, p.name"
        ),
        [id.into()],
    ))
    .all(conn)
    .await?
    .into_iter()
    .map(policy)
    .collect())
}

/// Reading ladders and previews: those who work collections or manage dunning.
fn may_read(caller: &Caller) -> Result<Access, AppError> {
    caller
        .authorize(Permission::ManageDunning)
        .or_else(|_| caller.authorize(Permission::ViewCollections))
}

#[derive(InputObject)]
pub struct DunningStepInput {
    pub offset_days: i32,
    pub action: StepAction,
    pub name: String,
}

#[derive(InputObject)]
pub struct SaveDunningPolicyInput {
    /// A ladder to change; none creates one.
    pub policy_id: Option<ID>,
    pub name: String,
    pub steps: Vec<DunningStepInput>,
    /// Make it the ladder for customers with no other.
    pub make_default: Option<bool>,
    /// What LATE_FEE steps charge. Left out, a ladder keeps its rule (a new one has none).
    pub fee_rule: Option<LateFeeRule>,
    /// Stop charging fees on this ladder.
    pub remove_fee_rule: Option<bool>,
}

#[derive(SimpleObject)]
pub struct DunningPolicyPayload {
    pub policy: DunningPolicy,
}

/// A ladder as an editor sends it, checked: its name, its steps in order, and the fee rule
/// given (if any). `prefix` names the argument in errors (`input`, or `draft` for a preview).
struct LadderDraft {
    name: String,
    steps: Vec<Step>,
    fee: Option<FeeRule>,
}

fn ladder_draft(prefix: &str, input: &SaveDunningPolicyInput) -> Result<LadderDraft, AppError> {
    let name = required_text(&format!("{prefix}.name"), &input.name, 100)?;
    let steps = rules::validate(
        input
            .steps
            .iter()
            .map(|step| Step {
                offset_days: step.offset_days,
                action: step.action,
                name: step.name.clone(),
            })
            .collect(),
    )
    .map_err(|error| {
        let field = match &error {
            rules::LadderError::Offset(index)
            | rules::LadderError::SameDay(index)
            | rules::LadderError::TooEarly(index) => format!("{prefix}.steps[{index}].offsetDays"),
            rules::LadderError::Name(index) => format!("{prefix}.steps[{index}].name"),
            rules::LadderError::StepCount => format!("{prefix}.steps"),
        };
        AppError::validation(field, error)
    })?;
    let fee = input.fee_rule.as_ref().map(fee_rule).transpose()?;
    if fee.is_some() && input.remove_fee_rule.unwrap_or(false) {
        return Err(AppError::validation(
            format!("{prefix}.removeFeeRule"),
            "give a fee rule or remove it, not both",
        ));
    }
    Ok(LadderDraft { name, steps, fee })
}

pub async fn save_policy(
    db: &DatabaseConnection,
    caller: &Caller,
    input: SaveDunningPolicyInput,
    request_id: &str,
) -> Result<DunningPolicy, AppError> {
    caller.authorize(Permission::ManageDunning)?;
    let tenant = caller.require_tenant()?;
    let LadderDraft { name, steps, fee } = ladder_draft("input", &input)?;
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let json = serde_json::to_value(&steps).map_err(anyhow::Error::from)?;
    let id = match &input.policy_id {
        Some(id) => {
            let id = id
                .parse::<Uuid>()
                .map_err(|_| AppError::not_found("No such ladder."))?;
            let updated = tx
                .execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "UPDATE dunning_policies SET name = $2, steps = $3, updated_at = now() WHERE id = $1",
                    [id.into(), name.clone().into(), json.clone().into()],
                ))
                .await
                .map_err(name_taken)?;
            if updated.rows_affected() == 0 {
                return Err(AppError::not_found("No such ladder."));
            }
            id
        }
        None => {
            let id = Uuid::now_v7();
            tx.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "INSERT INTO dunning_policies (id, name, steps) VALUES ($1, $2, $3)",
                [id.into(), name.clone().into(), json.clone().into()],
            ))
            .await
            .map_err(name_taken)?;
            id
        }
    };
    if fee.is_some() || input.remove_fee_rule.unwrap_or(false) {
        let fee_json = fee
            .as_ref()
            .map(serde_json::to_value)
            .transpose()
            .map_err(anyhow::Error::from)?;
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE dunning_policies SET fee_rule = $2 WHERE id = $1",
            [id.into(), fee_json.into()],
        ))
        .await?;
    }
    if input.make_default.unwrap_or(false) {
        tx.execute_unprepared("UPDATE dunning_policies SET is_default = false WHERE is_default")
            .await?;
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE dunning_policies SET is_default = true WHERE id = $1",
            [id.into()],
        ))
        .await?;
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
    let saved = policies(&*tx, Some(id))
        .await?
        .pop()
        .ok_or_else(|| AppError::not_found("No such ladder."))?;
    tx.commit().await?;
    Ok(saved)
}

fn name_taken(error: sea_orm::DbErr) -> AppError {
    if error.to_string().contains("dunning_policies_name_key") {
        AppError::conflict("input.name", "Another ladder has this name.")
    } else {
        AppError::from(error)
    }
}

#[derive(InputObject)]
pub struct AssignDunningPolicyInput {
    pub policy_id: ID,
    /// Assign to one customer…
    pub customer_id: Option<ID>,
    /// …or to every customer of a segment without a ladder of its own.
    pub segment: Option<String>,
}

pub async fn assign_policy(
    db: &DatabaseConnection,
    caller: &Caller,
    input: AssignDunningPolicyInput,
    request_id: &str,
) -> Result<DunningPolicy, AppError> {
    caller.authorize(Permission::ManageDunning)?;
    let tenant = caller.require_tenant()?;
    let segment = optional_text("input.segment", input.segment.as_deref(), 60)?;
    if input.customer_id.is_some() == segment.is_some() {
        return Err(AppError::validation(
            "input.customerId",
            "give either a customer or a segment",
        ));
    }
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let not_found = || AppError::not_found("No such ladder.");
    let policy_id = input.policy_id.parse::<Uuid>().map_err(|_| not_found())?;
    if policies(&*tx, Some(policy_id)).await?.is_empty() {
        return Err(not_found());
    }
    if let Some(customer) = &input.customer_id {
        let customer = customer
            .parse::<Uuid>()
            .map_err(|_| AppError::not_found("No such customer."))?;
        let updated = tx
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE customers SET dunning_policy_id = $2, updated_at = now() WHERE id = $1",
                [customer.into(), policy_id.into()],
            ))
            .await?;
        if updated.rows_affected() == 0 {
            return Err(AppError::not_found("No such customer."));
        }
    }
    if let Some(segment) = &segment {
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO dunning_segment_policies (segment, policy_id) VALUES ($1, $2)
             ON CONFLICT (segment) DO UPDATE SET policy_id = excluded.policy_id",
            [segment.clone().into(), policy_id.into()],
        ))
        .await?;
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
                "customerId": input.customer_id.as_ref().map(|id| id.to_string()), "segment": segment,
            })),
            request_id: Some(request_id),
        },
    )
    .await?;
    let saved = policies(&*tx, Some(policy_id))
        .await?
        .pop()
        .ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(saved)
}

#[derive(InputObject)]
pub struct PauseDunningInput {
    pub customer_id: ID,
    /// The last day of the pause; none resumes dunning now.
    pub until: Option<Date>,
    pub reason: String,
}

#[derive(SimpleObject)]
pub struct PauseDunningPayload {
    pub customer_id: ID,
    pub paused_until: Option<Date>,
}

pub async fn pause(
    db: &DatabaseConnection,
    caller: &Caller,
    input: PauseDunningInput,
    request_id: &str,
) -> Result<PauseDunningPayload, AppError> {
    let access = caller
        .authorize(Permission::ManageDunning)
        .or_else(|_| caller.authorize(Permission::WorkCollections))?;
    let tenant = caller.require_tenant()?;
    let reason = required_text("input.reason", &input.reason, 500)?;
    let actor = audit::actor_of(db, caller).await?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    if let Some(Date(until)) = input.until
        && domain::collections::within_a_year(calendar.today, until).is_err()
    {
        return Err(AppError::validation(
            "input.until",
            "a pause ends today or within a year",
        ));
    }
    let tx = TenantTx::begin(db, tenant).await?;
    let not_found = || AppError::not_found("No such customer.");
    let id = parse_id("input.customerId", &input.customer_id).map_err(|_| not_found())?;
    let row = customers::load_customer(&*tx, calendar.today, id)
        .await?
        .filter(|row| visible_to(caller, access, row))
        .ok_or_else(not_found)?;
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE customers SET dunning_paused_until = $2, dunning_pause_reason = $3, updated_at = now() WHERE id = $1",
        [row.id.into(), input.until.map(|d| d.0).into(), reason.clone().into()],
    ))
    .await?;
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "dunning.paused",
            entity_type: "customer",
            entity_id: Some(row.id.to_string()),
            before: None,
            after: Some(serde_json::json!({ "until": input.until.map(|d| d.0.to_string()), "reason": reason })),
            request_id: Some(request_id),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(PauseDunningPayload {
        customer_id: ID(row.id.to_string()),
        paused_until: input.until,
    })
}

#[derive(SimpleObject, Clone)]
pub struct PreviewInvoice {
    pub id: ID,
    pub number: Option<String>,
    pub due_date: Date,
    pub days_overdue: i64,
    pub balance: Money,
}

#[derive(SimpleObject, Clone)]
pub struct PreviewStep {
    pub step: DunningStep,
    pub invoices: Vec<PreviewInvoice>,
    pub total: Money,
}

#[derive(SimpleObject, Clone)]
pub struct PreviewCustomer {
    pub customer: CustomerRef,
    pub policy_name: String,
    /// Why nothing goes out for this customer, when it is paused.
    pub paused: Option<PauseReason>,
    pub steps: Vec<PreviewStep>,
}

#[derive(SimpleObject)]
pub struct DunningPreview {
    pub date: Date,
    pub customers: Vec<PreviewCustomer>,
}

/// Puts an unsaved ladder into `plan`, as saving it would: an edit replaces its ladder (and
/// may make it the default); a new ladder, assigned to nobody yet, is shown as if every
/// customer were on it.
fn with_draft(plan: &mut plan::Plan, input: &SaveDunningPolicyInput) -> Result<(), AppError> {
    let LadderDraft { name, steps, fee } = ladder_draft("draft", input)?;
    let make_default = input.make_default.unwrap_or(false);
    match &input.policy_id {
        Some(id) => {
            let id = id.parse::<Uuid>().ok();
            let ladder = plan
                .ladders
                .iter_mut()
                .find(|ladder| Some(ladder.id) == id)
                .ok_or_else(|| AppError::not_found("No such ladder."))?;
            ladder.name = name;
            ladder.steps = steps;
            if fee.is_some() || input.remove_fee_rule.unwrap_or(false) {
                ladder.fee_rule = fee;
            }
            if make_default {
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

pub async fn preview(
    db: &DatabaseConnection,
    caller: &Caller,
    date: Date,
    draft: Option<SaveDunningPolicyInput>,
) -> Result<DunningPreview, AppError> {
    let access = may_read(caller)?;
    let tenant = caller.require_tenant()?;
    let time_zone = db::tenant_calendar(db, tenant).await?.time_zone;
    let tx = TenantTx::begin(db, tenant).await?;
    let mut plan = plan::load(&*tx, date.0, &time_zone).await?;
    tx.commit().await?;
    if let Some(draft) = &draft {
        with_draft(&mut plan, draft)?;
    }
    let mut customers: Vec<PreviewCustomer> = Vec::new();
    for customer_plan in plan.customers(date.0) {
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
        let customer = CustomerRef {
            id: ID(first.customer_id.to_string()),
            code: first.code.clone(),
            name: first.name.clone(),
        };
        let policy_name = customer_plan.ladder.name.clone();
        match &customer_plan.decision {
            // Show a pause only where it holds something back.
            Decision::Paused(reason) if !customer_plan.held_back.is_empty() => {
                customers.push(PreviewCustomer {
                    customer,
                    policy_name,
                    paused: Some(*reason),
                    steps: Vec::new(),
                });
            }
            Decision::Due(due) if !due.is_empty() => {
                let steps = due
                    .iter()
                    .map(|due| {
                        let lines: Vec<&plan::Candidate> = due
                            .invoices
                            .iter()
                            .filter_map(|id| customer_plan.row(*id))
                            .collect();
                        let currency = lines
                            .first()
                            .map(|row| row.currency.clone())
                            .unwrap_or_default();
                        let total: Decimal = lines
                            .iter()
                            .filter(|row| row.currency == currency)
                            .map(|row| row.balance)
                            .sum();
                        PreviewStep {
                            step: DunningStep {
                                offset_days: due.step.offset_days,
                                action: due.step.action,
                                name: due.step.name.clone(),
                            },
                            invoices: lines
                                .iter()
                                .map(|row| PreviewInvoice {
                                    id: ID(row.invoice_id.to_string()),
                                    number: row.number.clone(),
                                    due_date: Date(row.due_date),
                                    days_overdue: days_overdue(row.due_date, date.0),
                                    balance: Money::new(row.balance, &row.currency),
                                })
                                .collect(),
                            total: Money::new(total, &currency),
                        }
                    })
                    .collect();
                customers.push(PreviewCustomer {
                    customer,
                    policy_name,
                    paused: None,
                    steps,
                });
            }
            _ => {}
        }
    }
    Ok(DunningPreview { date, customers })
}

#[derive(Default)]
pub struct DunningQuery;

#[Object]
impl DunningQuery {
    /// The company's dunning ladders, the default first.
    async fn dunning_policies(&self, ctx: &Context<'_>) -> ApiResult<Vec<DunningPolicy>> {
        let (_, db) = services(ctx)?;
        let caller = &request(ctx)?.caller;
        may_read(caller).api()?;
        let tenant = caller.require_tenant().api()?;
        let tx = TenantTx::begin(db, tenant)
            .await
            .map_err(AppError::from)
            .api()?;
        let list = policies(&*tx, None).await.api()?;
        tx.commit().await.map_err(AppError::from).api()?;
        Ok(list)
    }

    /// What a dunning run would do on `date`, on the company's real data: per customer, the
    /// steps due and the invoices each covers, or why the customer is paused. Changes nothing.
    /// With `draft` (what `saveDunningPolicy` would be sent), as if that ladder were saved: an
    /// edit replaces its ladder; a new ladder is shown as if every customer were on it.
    async fn preview_dunning_run(
        &self,
        ctx: &Context<'_>,
        date: Date,
        draft: Option<SaveDunningPolicyInput>,
    ) -> ApiResult<DunningPreview> {
        let (_, db) = services(ctx)?;
        preview(db, &request(ctx)?.caller, date, draft).await.api()
    }
}

#[derive(Default)]
pub struct DunningMutation;

#[Object]
impl DunningMutation {
    /// Creates or changes a ladder of steps keyed to days from the due date.
    async fn save_dunning_policy(
        &self,
        ctx: &Context<'_>,
        input: SaveDunningPolicyInput,
    ) -> ApiResult<DunningPolicyPayload> {
        let policy = command!(ctx, save_policy, input);
        Ok(DunningPolicyPayload { policy })
    }

    /// Assigns a ladder to a customer or to a segment.
    async fn assign_dunning_policy(
        &self,
        ctx: &Context<'_>,
        input: AssignDunningPolicyInput,
    ) -> ApiResult<DunningPolicyPayload> {
        let policy = command!(ctx, assign_policy, input);
        Ok(DunningPolicyPayload { policy })
    }

    /// Pauses a customer's dunning until a date (inclusive), with a reason.
    async fn pause_dunning(
        &self,
        ctx: &Context<'_>,
        input: PauseDunningInput,
    ) -> ApiResult<PauseDunningPayload> {
        Ok(command!(ctx, pause, input))
    }
}
