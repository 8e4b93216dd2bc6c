//! Staff performance, collector targets and incentive rules as the API shows them, and their
//! inputs.

use crate::analytics::service::performance::{self as service, NewTarget, RuleDraft};
use crate::analytics::store::performance::RuleRow;
use crate::api::values::{Date, Money};
use async_graphql::{ID, InputObject, SimpleObject};
use domain::incentive::IncentiveKind;
use rust_decimal::Decimal;

#[derive(SimpleObject, Clone)]
pub struct ChannelCount {
    pub channel: String,
    pub count: i64,
}

#[derive(SimpleObject, Clone)]
pub struct CollectorPerformance {
    /// 1 is the most collected.
    pub rank: i32,
    pub user_id: ID,
    pub name: String,
    pub collected: Money,
    pub activities: i64,
    pub activities_by_channel: Vec<ChannelCount>,
    pub promises_obtained: i64,
    pub promises_judged: i64,
    /// Kept in full / judged, as a fraction.
    pub promise_kept_rate: Option<String>,
    /// Days from invoice to payment, on average, for payments attributed to the collector.
    pub average_days_to_collect: Option<String>,
    /// Overdue in the collector's portfolio (the customers assigned to them now) as it stood
    /// the day before the period and on its last day.
    pub portfolio_overdue_start: Money,
    pub portfolio_overdue_end: Money,
    /// The collection effectiveness index of that portfolio over the period, as the KPIs
    /// define it; none when nothing was there to collect.
    pub portfolio_cei: Option<String>,
    /// The sum of the monthly targets that fall in the period, and attainment (collected /
    /// target, as a fraction).
    pub target: Option<Money>,
    pub attainment: Option<String>,
    pub incentive: Money,
}

#[derive(SimpleObject)]
pub struct StaffPerformance {
    pub from: Date,
    pub to: Date,
    pub currency: String,
    pub attribution_days: i32,
    /// The leaderboard: collectors by amount collected.
    pub collectors: Vec<CollectorPerformance>,
}

fn text(value: Option<Decimal>) -> Option<String> {
    value.map(|v| v.normalize().to_string())
}

impl From<service::StaffPerformance> for StaffPerformance {
    fn from(board: service::StaffPerformance) -> Self {
        let code = board.currency;
        StaffPerformance {
            from: Date(board.from),
            to: Date(board.to),
            attribution_days: board.attribution_days,
            collectors: board
                .collectors
                .into_iter()
                .map(|c| CollectorPerformance {
                    rank: c.rank,
                    user_id: ID(c.user_id.to_string()),
                    name: c.name,
                    collected: Money::new(c.collected, &code),
                    activities: c.activities,
                    activities_by_channel: c
                        .activities_by_channel
                        .into_iter()
                        .map(|channel| ChannelCount {
                            channel: channel.channel,
                            count: channel.count,
                        })
                        .collect(),
                    promises_obtained: c.promises_obtained,
                    promises_judged: c.promises_judged,
                    promise_kept_rate: text(c.promise_kept_rate),
                    average_days_to_collect: text(c.average_days_to_collect),
                    portfolio_overdue_start: Money::new(c.portfolio_overdue_start, &code),
                    portfolio_overdue_end: Money::new(c.portfolio_overdue_end, &code),
                    portfolio_cei: text(c.portfolio_cei),
                    target: c.target.map(|t| Money::new(t, &code)),
                    attainment: text(c.attainment),
                    incentive: Money::new(c.incentive, &code),
                })
                .collect(),
            currency: code,
        }
    }
}

#[derive(SimpleObject, Clone)]
pub struct IncentiveRule {
    pub id: ID,
    pub name: String,
    pub kind: IncentiveKind,
    /// Percent, for the percentage kinds.
    pub rate: Option<String>,
    /// Per kept promise.
    pub amount: Option<Money>,
    pub currency: String,
    pub active: bool,
}

impl From<RuleRow> for IncentiveRule {
    fn from(row: RuleRow) -> Self {
        IncentiveRule {
            id: ID(row.id.to_string()),
            name: row.name,
            kind: row.kind,
            rate: row.rate.map(|r| r.normalize().to_string()),
            amount: row.amount.map(|a| Money::new(a, &row.currency)),
            currency: row.currency,
            active: row.active,
        }
    }
}

#[derive(InputObject)]
pub struct SetCollectorTargetInput {
    pub user_id: ID,
    /// Any day of the month; the target is for the whole month.
    pub month: Date,
    pub amount: String,
    pub currency: String,
}

impl From<SetCollectorTargetInput> for NewTarget {
    fn from(input: SetCollectorTargetInput) -> Self {
        NewTarget {
            user_id: input.user_id.0,
            month: input.month.0,
            amount: input.amount,
            currency: input.currency,
        }
    }
}

#[derive(SimpleObject)]
pub struct CollectorTarget {
    pub user_id: ID,
    pub month: Date,
    pub amount: Money,
}

impl From<service::CollectorTarget> for CollectorTarget {
    fn from(target: service::CollectorTarget) -> Self {
        CollectorTarget {
            user_id: ID(target.user_id.to_string()),
            month: Date(target.month),
            amount: Money::new(target.amount, &target.currency),
        }
    }
}

#[derive(InputObject)]
pub struct SaveIncentiveRuleInput {
    /// A rule to change; none creates one.
    pub rule_id: Option<ID>,
    pub name: String,
    pub kind: IncentiveKind,
    /// Percent (0 to 100), for the percentage kinds.
    pub rate: Option<String>,
    /// Per kept promise.
    pub amount: Option<String>,
    pub currency: String,
    pub active: Option<bool>,
}

impl From<SaveIncentiveRuleInput> for RuleDraft {
    fn from(input: SaveIncentiveRuleInput) -> Self {
        RuleDraft {
            rule_id: input.rule_id.map(|id| id.0),
            name: input.name,
            kind: input.kind,
            rate: input.rate,
            amount: input.amount,
            currency: input.currency,
            active: input.active,
        }
    }
}
