//! Dunning ladders over the API: `dunningPolicies`, `saveDunningPolicy`,
//! `assignDunningPolicy`, `pauseDunning`, and `previewDunningRun(date)`, which shows what a run
//! would do on that date on the company's real data, through the domain's `dunning::decide`.

use crate::api::command;
use crate::api::values::{Date, Money, optional_text, parse_id, required_text};
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::customers;
use crate::customers::graphql::visible_to;
use crate::db::{self, TenantTx};
use crate::error::{ApiResult, AppError, IntoApi};
use crate::identity::graphql::{request, services};
use crate::invoices::graphql::CustomerRef;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::NaiveDate;
use domain::access::{Access, Permission};
use domain::aging::days_overdue;
use domain::dunning::{
    self as rules, CustomerState, Decision, OpenInvoice, PauseReason, Step, StepAction,
};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement};
use std::collections::HashMap;
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
}

#[derive(Debug, FromQueryResult)]
struct PolicyRow {
    id: Uuid,
    name: String,
    is_default: bool,
    steps: serde_json::Value,
    segments: Vec<String>,
    customer_count: i64,
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
    }
}

const POLICIES: &str = "SELECT p.id, p.name, p.is_default, p.steps,
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
        .or_else(|_| caller.authorize(Permission::WorkCollections))
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
}

#[derive(SimpleObject)]
pub struct DunningPolicyPayload {
    pub policy: DunningPolicy,
}

pub async fn save_policy(
    db: &DatabaseConnection,
    caller: &Caller,
    input: SaveDunningPolicyInput,
    request_id: &str,
) -> Result<DunningPolicy, AppError> {
    caller.authorize(Permission::ManageDunning)?;
    let tenant = caller.require_tenant()?;
    let name = required_text("input.name", &input.name, 100)?;
    let steps = rules::validate(
        input
            .steps
            .into_iter()
            .map(|step| Step {
                offset_days: step.offset_days,
                action: step.action,
                name: step.name,
            })
            .collect(),
    )
    .map_err(|error| {
        let field = match &error {
            rules::LadderError::Offset(index) | rules::LadderError::SameDay(index) => {
                format!("input.steps[{index}].offsetDays")
            }
            rules::LadderError::Name(index) => format!("input.steps[{index}].name"),
            rules::LadderError::StepCount => "input.steps".to_owned(),
        };
        AppError::validation(field, error)
    })?;
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
            after: Some(serde_json::json!({ "name": name, "steps": json })),
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
        && (until < calendar.today || (until - calendar.today).num_days() > 366)
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

#[derive(Debug, FromQueryResult)]
struct Candidate {
    customer_id: Uuid,
    code: String,
    name: String,
    segment: Option<String>,
    collector_id: Option<Uuid>,
    salesperson_id: Option<Uuid>,
    policy_id: Option<Uuid>,
    paused_until: Option<NaiveDate>,
    open_promise: bool,
    invoice_id: Uuid,
    number: Option<String>,
    due_date: NaiveDate,
    currency: String,
    balance: Decimal,
    disputed: bool,
    taken: Vec<i32>,
}

/// Open invoices within reach of a ladder on `$1` (from 60 days before their due date), with
/// what the decision needs about their customer.
const CANDIDATES: &str = r#"
SELECT c.id AS customer_id, c.code, c.name, c.segment, c.collector_id, c.salesperson_id,
       c.dunning_policy_id AS policy_id, c.dunning_paused_until AS paused_until,
       EXISTS (SELECT 1 FROM promises p WHERE p.customer_id = c.id AND p.status = 'OPEN') AS open_promise,
       i.id AS invoice_id, i.number, i.due_date, i.currency::text AS currency, i.balance_due AS balance,
       EXISTS (SELECT 1 FROM disputes d WHERE d.invoice_id = i.id AND d.status = 'OPEN') AS disputed,
       coalesce((SELECT array_agg(a.step_offset) FROM dunning_actions a WHERE a.invoice_id = i.id), '{}') AS taken
FROM invoices i JOIN customers c ON c.id = i.customer_id
WHERE i.status IN ('ISSUED', 'PARTIALLY_PAID') AND i.due_date <= $1::date + 60 AND c.archived_at IS NULL
ORDER BY c.name, c.id, i.due_date
"#;

pub async fn preview(
    db: &DatabaseConnection,
    caller: &Caller,
    date: Date,
) -> Result<DunningPreview, AppError> {
    let access = may_read(caller)?;
    let tenant = caller.require_tenant()?;
    let tx = TenantTx::begin(db, tenant).await?;
    let ladders =
        PolicyRow::find_by_statement(Statement::from_string(DbBackend::Postgres, POLICIES))
            .all(&*tx)
            .await?;
    let segments: HashMap<String, Uuid> = tx
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT segment, policy_id FROM dunning_segment_policies",
        ))
        .await?
        .into_iter()
        .filter_map(|row| {
            Some((
                row.try_get::<String>("", "segment").ok()?,
                row.try_get::<Uuid>("", "policy_id").ok()?,
            ))
        })
        .collect();
    let rows = Candidate::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        CANDIDATES,
        [date.0.into()],
    ))
    .all(&*tx)
    .await?;
    tx.commit().await?;
    let default = ladders.iter().find(|ladder| ladder.is_default);
    let mut customers: Vec<PreviewCustomer> = Vec::new();
    let mut index = 0;
    while index < rows.len() {
        let first = &rows[index];
        let end = rows[index..]
            .iter()
            .position(|row| row.customer_id != first.customer_id)
            .map_or(rows.len(), |offset| index + offset);
        let group = &rows[index..end];
        index = end;
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
        let ladder = first
            .policy_id
            .or_else(|| {
                first
                    .segment
                    .as_ref()
                    .and_then(|segment| segments.get(segment).copied())
            })
            .and_then(|id| ladders.iter().find(|ladder| ladder.id == id))
            .or(default);
        let Some(ladder) = ladder else { continue };
        let steps = steps_of(&ladder.steps);
        let state = CustomerState {
            paused_until: first.paused_until,
            open_promise: first.open_promise,
            payment_in_flight: false,
        };
        let invoices: Vec<OpenInvoice> = group
            .iter()
            .map(|row| OpenInvoice {
                id: row.invoice_id,
                due_date: row.due_date,
                balance: row.balance,
                disputed: row.disputed,
                taken: row.taken.clone(),
            })
            .collect();
        let customer = CustomerRef {
            id: ID(first.customer_id.to_string()),
            code: first.code.clone(),
            name: first.name.clone(),
        };
        match rules::decide(&steps, &state, &invoices, date.0) {
            Decision::Paused(reason) => {
                // Show a pause only where it holds something back.
                let unpaused = CustomerState::default();
                if let Decision::Due(held) = rules::decide(&steps, &unpaused, &invoices, date.0)
                    && !held.is_empty()
                {
                    customers.push(PreviewCustomer {
                        customer,
                        policy_name: ladder.name.clone(),
                        paused: Some(reason),
                        steps: Vec::new(),
                    });
                }
            }
            Decision::Due(due) if !due.is_empty() => {
                let steps = due
                    .into_iter()
                    .map(|due| {
                        let lines: Vec<&Candidate> = group
                            .iter()
                            .filter(|row| due.invoices.contains(&row.invoice_id))
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
                    policy_name: ladder.name.clone(),
                    paused: None,
                    steps,
                });
            }
            Decision::Due(_) => {}
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
    async fn preview_dunning_run(
        &self,
        ctx: &Context<'_>,
        date: Date,
    ) -> ApiResult<DunningPreview> {
        let (_, db) = services(ctx)?;
        preview(db, &request(ctx)?.caller, date).await.api()
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
