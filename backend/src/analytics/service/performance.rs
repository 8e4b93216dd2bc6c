//! Staff performance per collector, monthly targets and the company's incentive rules.
//!
//! A payment counts for a collector when it follows that collector's activity or promise for
//! the same customer within the company's attribution window (`analyticsSettings`, 14 days by
//! default); the latest such contact before the payment wins, so a payment counts once.

use crate::analytics::AnalyticsError;
use crate::analytics::store::aging;
use crate::analytics::store::performance::{self as store, PortfolioRow, RuleRow, RuleValues};
use crate::api::values::{parse_amount, parse_currency, required_text};
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::db::{self, TenantTx};
use crate::error::AppError;
use chrono::{Datelike, NaiveDate};
use domain::access::{Access, Permission};
use domain::display::amount_string;
use domain::incentive::{self, IncentiveKind, PeriodResult};
use domain::kpi;
use rust_decimal::Decimal;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

/// How many activities a collector logged in one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelCount {
    pub channel: String,
    pub count: i64,
}

/// A collector's line of the leaderboard.
#[derive(Debug, Clone)]
pub struct CollectorPerformance {
    /// 1 is the most collected.
    pub rank: i32,
    pub user_id: Uuid,
    pub name: String,
    pub collected: Decimal,
    pub activities: i64,
    pub activities_by_channel: Vec<ChannelCount>,
    pub promises_obtained: i64,
    pub promises_judged: i64,
    /// Kept in full / judged, to four places.
    pub promise_kept_rate: Option<Decimal>,
    /// Days from invoice to payment, on average, to one place, for payments attributed to the
    /// collector.
    pub average_days_to_collect: Option<Decimal>,
    /// Overdue in the collector's portfolio (the customers assigned to them now) as it stood
    /// the day before the period and on its last day.
    pub portfolio_overdue_start: Decimal,
    pub portfolio_overdue_end: Decimal,
    /// The collection effectiveness index of that portfolio over the period, as the KPIs
    /// define it; none when nothing was there to collect.
    pub portfolio_cei: Option<Decimal>,
    /// The sum of the monthly targets that fall in the period, and attainment (collected /
    /// target, as a fraction).
    pub target: Option<Decimal>,
    pub attainment: Option<Decimal>,
    pub incentive: Decimal,
}

/// The period's leaderboard, in one currency (its code).
#[derive(Debug, Clone)]
pub struct StaffPerformance {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub currency: String,
    pub attribution_days: i32,
    /// Collectors by amount collected.
    pub collectors: Vec<CollectorPerformance>,
}

fn domain_rule(rule: &RuleRow) -> incentive::IncentiveRule {
    incentive::IncentiveRule {
        kind: rule.kind,
        rate: rule.rate.unwrap_or_default(),
        amount: rule.amount.unwrap_or_default(),
    }
}

fn ratio(numerator: i64, denominator: i64) -> Option<Decimal> {
    (denominator > 0).then(|| (Decimal::from(numerator) / Decimal::from(denominator)).round_dp(4))
}

pub async fn staff_performance(
    db: &DatabaseConnection,
    caller: &Caller,
    from: NaiveDate,
    to: NaiveDate,
    currency: Option<String>,
) -> Result<StaffPerformance, AppError> {
    // Managers read the whole board; a collector reads their own line.
    let access = caller
        .authorize(Permission::ViewReports)
        .or_else(|_| caller.authorize(Permission::WorkCollections))?;
    let tenant = caller.require_tenant()?;
    if to < from || (to - from).num_days() > 731 {
        return Err(AnalyticsError::BadPeriod.into());
    }
    let calendar = db::tenant_calendar(db, tenant).await?;
    let currency = parse_currency(
        "currency",
        currency.as_deref().unwrap_or(&calendar.base_currency),
    )?;
    let code = currency.code().to_owned();
    let tx = TenantTx::begin(db, tenant).await?;
    let window = i64::from(crate::settings::read(&*tx).await?.reports.attribution_days);
    let rows = store::performance(&*tx, from, to, &code, window, &calendar.time_zone).await?;
    aging::plan_for_the_day(&*tx).await?;
    let start = store::portfolios(
        &*tx,
        from - chrono::Days::new(1),
        &code,
        &calendar.time_zone,
    )
    .await?;
    let end = store::portfolios(&*tx, to, &code, &calendar.time_zone).await?;
    let sales = store::portfolio_sales(&*tx, from, to, &code).await?;
    let months = kpi::months_in_period(from, to);
    let channels = store::channels(&*tx, from, to, &calendar.time_zone).await?;
    let rules = store::active_rules(&*tx, &code).await?;
    tx.commit().await?;
    let ids: Vec<Uuid> = rows.iter().map(|row| row.user_id).collect();
    let names = db::member_names(db, tenant, &ids).await?;
    // Collectors see their own line only; managers the whole board.
    let own = match (access, caller) {
        (Access::Assigned, Caller::Member(member)) => Some(member.user_id),
        _ => None,
    };
    let mut collectors: Vec<CollectorPerformance> = rows
        .into_iter()
        .filter_map(|row| {
            // Former members keep their history but leave the board.
            let name = names.iter().find(|n| n.id == row.user_id)?.name.clone();
            let period = PeriodResult {
                collected: row.collected,
                target: row.target,
                promises_kept: row.promises_kept,
            };
            let earned: Decimal = rules
                .iter()
                .map(domain_rule)
                .map(|rule| incentive::earned(&rule, &period))
                .sum();
            let at = |rows: &[PortfolioRow]| {
                rows.iter()
                    .find(|p| p.user_id == row.user_id)
                    .map_or((Decimal::ZERO, Decimal::ZERO, Decimal::ZERO), |p| {
                        (p.total, p.current, p.overdue)
                    })
            };
            let (start_total, _, start_overdue) = at(&start);
            let (end_total, end_current, end_overdue) = at(&end);
            let credit_sales = sales
                .iter()
                .find(|s| s.user_id == row.user_id)
                .map_or(Decimal::ZERO, |s| s.sales);
            Some(CollectorPerformance {
                rank: 0,
                user_id: row.user_id,
                name,
                collected: row.collected,
                activities: row.activities,
                activities_by_channel: channels
                    .iter()
                    .filter(|c| c.user_id == row.user_id)
                    .map(|c| ChannelCount {
                        channel: c.channel.clone(),
                        count: c.count,
                    })
                    .collect(),
                promises_obtained: row.promises_obtained,
                promises_judged: row.promises_judged,
                promise_kept_rate: ratio(row.promises_kept, row.promises_judged),
                average_days_to_collect: (row.attributed_payments > 0)
                    .then(|| row.days_to_collect.map(|d| d.round_dp(1)))
                    .flatten(),
                portfolio_overdue_start: start_overdue,
                portfolio_overdue_end: end_overdue,
                portfolio_cei: kpi::cei(start_total, credit_sales, months, end_total, end_current),
                target: row.target,
                attainment: incentive::attainment(row.collected, row.target),
                incentive: earned,
            })
        })
        .collect();
    // Ranked by the amount as shown (in the currency's decimals), then by name.
    collectors.sort_by(|a, b| {
        let amount = |c: &CollectorPerformance| {
            amount_string(c.collected, &code)
                .parse::<Decimal>()
                .unwrap_or_default()
        };
        amount(b).cmp(&amount(a)).then_with(|| a.name.cmp(&b.name))
    });
    for (index, collector) in collectors.iter_mut().enumerate() {
        collector.rank = index as i32 + 1;
    }
    if let Some(own) = own {
        collectors.retain(|c| c.user_id == own);
    }
    Ok(StaffPerformance {
        from,
        to,
        currency: code,
        attribution_days: window as i32,
        collectors,
    })
}

/// A collector's target for a month, as sent: the member's id, any day of the month, the amount
/// and its currency.
#[derive(Debug, Clone)]
pub struct NewTarget {
    pub user_id: String,
    pub month: NaiveDate,
    pub amount: String,
    pub currency: String,
}

/// A target as set: for the month starting `month`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectorTarget {
    pub user_id: Uuid,
    pub month: NaiveDate,
    pub amount: Decimal,
    /// The currency's code.
    pub currency: String,
}

pub async fn set_target(
    db: &DatabaseConnection,
    caller: &Caller,
    input: NewTarget,
    request_id: &str,
) -> Result<CollectorTarget, AppError> {
    caller.authorize(Permission::ManageDunning)?;
    let tenant = caller.require_tenant()?;
    let currency = parse_currency("input.currency", &input.currency)?;
    let amount = parse_amount("input.amount", &input.amount, currency, true)?;
    let user = input
        .user_id
        .parse::<Uuid>()
        .map_err(|_| AnalyticsError::MemberNotFound)?;
    if db::member_names(db, tenant, &[user]).await?.is_empty() {
        return Err(AnalyticsError::MemberNotFound.into());
    }
    let month = input.month.with_day(1).unwrap_or(input.month);
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    store::set_target(&*tx, user, month, currency.code(), amount, actor.label()).await?;
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "performance.target_set",
            entity_type: "user",
            entity_id: Some(user.to_string()),
            before: None,
            after: Some(serde_json::json!({ "month": month.to_string(), "amount": amount.to_string(), "currency": currency.code() })),
            request_id: Some(request_id),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(CollectorTarget {
        user_id: user,
        month,
        amount,
        currency: currency.code().to_owned(),
    })
}

pub async fn rules(db: &DatabaseConnection, caller: &Caller) -> Result<Vec<RuleRow>, AppError> {
    // Collectors read the rules that pay them, beside their own performance.
    caller
        .authorize(Permission::ViewReports)
        .or_else(|_| caller.authorize(Permission::WorkCollections))?;
    let tenant = caller.require_tenant()?;
    let tx = TenantTx::begin(db, tenant).await?;
    let rows = store::rules(&*tx).await?;
    tx.commit().await?;
    Ok(rows)
}

/// An incentive rule as sent: the rule to change (its id as sent; none creates one), and its
/// name, kind, percentage or amount per kept promise, currency and whether it is active.
#[derive(Debug, Clone)]
pub struct RuleDraft {
    pub rule_id: Option<String>,
    pub name: String,
    pub kind: IncentiveKind,
    pub rate: Option<String>,
    pub amount: Option<String>,
    pub currency: String,
    pub active: Option<bool>,
}

pub async fn save_rule(
    db: &DatabaseConnection,
    caller: &Caller,
    input: RuleDraft,
    request_id: &str,
) -> Result<RuleRow, AppError> {
    caller.authorize(Permission::ManageDunning)?;
    let tenant = caller.require_tenant()?;
    let name = required_text("input.name", &input.name, 100)?;
    let currency = parse_currency("input.currency", &input.currency)?;
    let (rate, amount) = match input.kind {
        IncentiveKind::PerKeptPromise => {
            let amount = parse_amount(
                "input.amount",
                input.amount.as_deref().unwrap_or(""),
                currency,
                false,
            )?;
            (None, Some(amount))
        }
        _ => {
            let rate = input
                .rate
                .as_deref()
                .and_then(|r| r.trim().parse::<Decimal>().ok())
                .filter(|r| *r > Decimal::ZERO && *r <= Decimal::ONE_HUNDRED)
                .ok_or(AnalyticsError::BadRate)?;
            (Some(rate), None)
        }
    };
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let id = match &input.rule_id {
        Some(id) => id
            .parse::<Uuid>()
            .map_err(|_| AnalyticsError::RuleNotFound)?,
        None => Uuid::now_v7(),
    };
    let written = store::save_rule(
        &*tx,
        input.rule_id.is_some(),
        &RuleValues {
            id,
            name: &name,
            kind: input.kind,
            rate,
            amount,
            currency: currency.code(),
            active: input.active,
        },
    )
    .await
    .map_err(|error| {
        if db::violated_constraint(&error).as_deref() == Some("incentive_rules_name_key") {
            AppError::from(AnalyticsError::RuleNameTaken)
        } else {
            AppError::from(error)
        }
    })?;
    if written == 0 {
        return Err(AnalyticsError::RuleNotFound.into());
    }
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "performance.incentive_rule_saved",
            entity_type: "incentive_rule",
            entity_id: Some(id.to_string()),
            before: None,
            after: Some(serde_json::json!({ "name": name, "kind": input.kind.as_str(), "rate": rate.map(|r| r.to_string()), "amount": amount.map(|a| a.to_string()) })),
            request_id: Some(request_id),
        },
    )
    .await?;
    let row = store::rule(&*tx, id)
        .await?
        .ok_or(AnalyticsError::RuleNotFound)?;
    tx.commit().await?;
    Ok(row)
}
