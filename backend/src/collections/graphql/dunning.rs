//! Dunning ladders over the API: `dunningPolicies`, `saveDunningPolicy`,
//! `assignDunningPolicy`, `pauseDunning`, and `previewDunningRun(date)`, which shows what a run
//! would do on that date on the company's real data.

use super::activities::customer_id;
use super::gated;
use super::runs::ladder_id;
use crate::api::context::{request, services};
use crate::api::values::{CustomerRef, Date, Money, locale, required_text, text_params};
use crate::collections::errors::{fee_rule_reason, ladder_reason};
use crate::collections::service::dunning::{
    self as service, Assignment, LadderDraft, Pause, Preview, SavePolicy,
};
use crate::collections::store::dunning::PolicyRow;
use crate::error::{ApiResult, AppError, IntoApi};
use async_graphql::{ComplexObject, Context, ID, InputObject, Json, Object, SimpleObject};
use domain::dunning::{self as rules, PauseReason, Step, StepAction};
use domain::fees::{FeeRule, FeeRuleError};
use domain::messages::{Localized, Text};
use domain::reason::Reason;
use rust_decimal::Decimal;

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct DunningStep {
    /// Days from the due date; negative is before it.
    pub offset_days: i32,
    pub action: StepAction,
    #[graphql(skip)]
    pub text: Text,
}

#[ComplexObject]
impl DunningStep {
    /// The step's name, in the caller's language for a default step (send it back unchanged
    /// and the step keeps its translations), as written for one a person named.
    async fn name(&self, ctx: &Context<'_>) -> String {
        self.text.text(locale(ctx))
    }

    /// The name as a code (`STEP_CALL`, or `AS_TYPED` with the text), for clients with texts
    /// of their own.
    async fn message_code(&self) -> String {
        self.text.code()
    }

    /// The name's parameters (`{}`, or `{"text": …}`).
    async fn message_params(&self) -> Json<serde_json::Value> {
        text_params(&self.text)
    }
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
    let text = value
        .ok_or_else(|| AppError::input(field, Reason::Required {}))?
        .trim();
    text.parse::<Decimal>().map_err(|_| {
        AppError::input(
            field,
            Reason::NotANumber {
                value: text.to_owned(),
            },
        )
    })
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
            grace_days: u32::try_from(input.grace_days.unwrap_or(0)).map_err(|_| {
                AppError::input(
                    "input.feeRule.graceDays",
                    fee_rule_reason(&FeeRuleError::Grace),
                )
            })?,
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
        AppError::input(field, fee_rule_reason(&error))
    })?;
    Ok(rule)
}

fn policy(row: PolicyRow) -> DunningPolicy {
    DunningPolicy {
        id: ID(row.id.to_string()),
        name: row.name,
        is_default: row.is_default,
        steps: row.steps.0.into_iter().map(DunningStep::from).collect(),
        segments: row.segments,
        customer_count: row.customer_count,
        fee_rule: row.fee_rule.as_ref().map(|rule| LateFeeRule::from(&rule.0)),
    }
}

impl From<Step> for DunningStep {
    fn from(step: Step) -> Self {
        DunningStep {
            offset_days: step.offset_days,
            action: step.action,
            text: step.name,
        }
    }
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
fn ladder_draft(prefix: &str, input: &SaveDunningPolicyInput) -> Result<LadderDraft, AppError> {
    let name = required_text(&format!("{prefix}.name"), &input.name, 100)?;
    let steps = rules::validate(
        input
            .steps
            .iter()
            .map(|step| Step {
                offset_days: step.offset_days,
                action: step.action,
                name: rules::step_name(&step.name),
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
        AppError::input(field, ladder_reason(&error))
    })?;
    let fee = input.fee_rule.as_ref().map(fee_rule).transpose()?;
    if fee.is_some() && input.remove_fee_rule.unwrap_or(false) {
        return Err(AppError::input(
            format!("{prefix}.removeFeeRule"),
            Reason::EitherNotBoth {},
        ));
    }
    Ok(LadderDraft { name, steps, fee })
}

impl SaveDunningPolicyInput {
    /// The ladder to save (`prefix` `input`) or to preview (`draft`); a ladder id that does not
    /// parse is no such ladder.
    fn parse(&self, prefix: &str) -> Result<SavePolicy, AppError> {
        let draft = ladder_draft(prefix, self)?;
        Ok(SavePolicy {
            policy_id: self.policy_id.as_ref().map(ladder_id).transpose()?,
            draft,
            make_default: self.make_default.unwrap_or(false),
            remove_fee_rule: self.remove_fee_rule.unwrap_or(false),
        })
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

impl From<Preview> for DunningPreview {
    fn from(preview: Preview) -> Self {
        DunningPreview {
            date: Date(preview.date),
            customers: preview
                .customers
                .into_iter()
                .map(|customer| PreviewCustomer {
                    customer: CustomerRef {
                        id: ID(customer.customer_id.to_string()),
                        code: customer.code,
                        name: customer.name,
                    },
                    policy_name: customer.policy_name,
                    paused: customer.paused,
                    steps: customer
                        .steps
                        .into_iter()
                        .map(|step| PreviewStep {
                            step: step.step.into(),
                            invoices: step
                                .invoices
                                .into_iter()
                                .map(|invoice| PreviewInvoice {
                                    id: ID(invoice.id.to_string()),
                                    number: invoice.number,
                                    due_date: Date(invoice.due_date),
                                    days_overdue: invoice.days_overdue,
                                    balance: Money::new(invoice.balance, invoice.currency.code()),
                                })
                                .collect(),
                            total: Money::new(
                                step.total,
                                step.currency.as_ref().map(|c| c.code()).unwrap_or_default(),
                            ),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

#[derive(Default)]
pub struct DunningQuery;

#[Object]
impl DunningQuery {
    /// The company's dunning ladders, the default first.
    async fn dunning_policies(&self, ctx: &Context<'_>) -> ApiResult<Vec<DunningPolicy>> {
        let (_, db) = services(ctx)?;
        let list = service::policies(db, &request(ctx)?.caller).await.api()?;
        Ok(list.into_iter().map(policy).collect())
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
        let (db, request) = gated(ctx, service::may_read)?;
        let draft = draft.map(|draft| draft.parse("draft")).transpose().api()?;
        let preview = service::preview(db, &request.caller, date.0, draft)
            .await
            .api()?;
        Ok(preview.into())
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
        let (db, request) = gated(ctx, service::may_manage)?;
        let input = input.parse("input").api()?;
        let saved = service::save_policy(db, &request.caller, input, &request.request_id)
            .await
            .api()?;
        Ok(DunningPolicyPayload {
            policy: policy(saved),
        })
    }

    /// Assigns a ladder to a customer or to a segment.
    async fn assign_dunning_policy(
        &self,
        ctx: &Context<'_>,
        input: AssignDunningPolicyInput,
    ) -> ApiResult<DunningPolicyPayload> {
        let (db, request) = gated(ctx, service::may_manage)?;
        let assignment = Assignment {
            policy_id: ladder_id(&input.policy_id).api()?,
            customer_id: input
                .customer_id
                .as_ref()
                .map(customer_id)
                .transpose()
                .api()?,
            segment: input.segment,
        };
        let saved = service::assign_policy(db, &request.caller, assignment, &request.request_id)
            .await
            .api()?;
        Ok(DunningPolicyPayload {
            policy: policy(saved),
        })
    }

    /// Pauses a customer's dunning until a date (inclusive), with a reason.
    async fn pause_dunning(
        &self,
        ctx: &Context<'_>,
        input: PauseDunningInput,
    ) -> ApiResult<PauseDunningPayload> {
        let (db, request) = gated(ctx, service::may_pause)?;
        let pause = Pause {
            customer_id: customer_id(&input.customer_id).api()?,
            until: input.until.map(|d| d.0),
            reason: input.reason,
        };
        let (customer, until) = service::pause(db, &request.caller, pause, &request.request_id)
            .await
            .api()?;
        Ok(PauseDunningPayload {
            customer_id: ID(customer.to_string()),
            paused_until: until.map(Date),
        })
    }
}
