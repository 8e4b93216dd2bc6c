//! Staff performance: `staffPerformance(from to)` per collector, monthly targets
//! (`setCollectorTarget`) and the company's incentive rules (`incentiveRules`,
//! `saveIncentiveRule`).
//!
//! A payment counts for a collector when it follows that collector's activity or promise for
//! the same customer within the company's attribution window (`analyticsSettings`, 14 days by
//! default); the latest such contact before the payment wins, so a payment counts once.

use crate::api::values::{Date, Money, parse_amount, parse_currency, parse_id, required_text};
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::db::{self, TenantTx};
use crate::error::AppError;
use async_graphql::{ID, InputObject, SimpleObject};
use chrono::Datelike;
use domain::access::{Access, Permission};
use domain::incentive::{self, IncentiveKind, PeriodResult};
use domain::kpi;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

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

#[derive(Debug, FromQueryResult)]
struct Row {
    user_id: Uuid,
    collected: Decimal,
    attributed_payments: i64,
    days_to_collect: Option<Decimal>,
    activities: i64,
    promises_obtained: i64,
    promises_judged: i64,
    promises_kept: i64,
    target: Option<Decimal>,
}

/// A collector's portfolio as of a day: receivables in all, not yet due, and overdue.
#[derive(Debug, FromQueryResult)]
struct PortfolioRow {
    user_id: Uuid,
    total: Decimal,
    current: Decimal,
    overdue: Decimal,
}

#[derive(Debug, FromQueryResult)]
struct SalesRow {
    user_id: Uuid,
    sales: Decimal,
}

/// Credit sales in `$1`..`$2` (currency `$3`) per collector's portfolio, net of credit notes.
const PORTFOLIO_SALES: &str = r#"
SELECT c.collector_id AS user_id,
       coalesce(sum(s.amount), 0) AS sales
FROM (
    SELECT i.customer_id, i.total AS amount FROM invoices i
    WHERE i.status NOT IN ('DRAFT', 'VOID') AND i.currency = $3::bpchar AND i.issue_date BETWEEN $1 AND $2
    UNION ALL
    SELECT n.customer_id, -n.amount FROM credit_notes n
    WHERE n.currency = $3::bpchar AND n.issued_on BETWEEN $1 AND $2
) s JOIN customers c ON c.id = s.customer_id
WHERE c.collector_id IS NOT NULL
GROUP BY c.collector_id
"#;

/// Per collector who had a portfolio or did something in `$1`..`$2`, currency `$3`, window `$4`
/// days; days are the company's (time zone `$5`).
const PERFORMANCE: &str = r#"
WITH collectors AS (
    SELECT DISTINCT collector_id AS user_id FROM customers WHERE collector_id IS NOT NULL
    UNION
    SELECT DISTINCT logged_by FROM collection_activities WHERE logged_by IS NOT NULL AND (occurred_at AT TIME ZONE $5)::date BETWEEN $1 AND $2
), attributed AS (
    SELECT p.id, p.amount, p.received_on, who.user_id,
           (SELECT avg(p.received_on - i.issue_date) FROM allocations a JOIN invoices i ON i.id = a.invoice_id
             WHERE a.payment_id = p.id AND a.reverses_id IS NULL) AS days_to_collect
    FROM payments p
    CROSS JOIN LATERAL (
        SELECT t.user_id FROM (
            SELECT a.logged_by AS user_id, a.occurred_at AS at FROM collection_activities a
            WHERE a.customer_id = p.customer_id AND a.logged_by IS NOT NULL
              AND (a.occurred_at AT TIME ZONE $5)::date BETWEEN p.received_on - $4::int AND p.received_on
            UNION ALL
            SELECT x.logged_by, x.created_at FROM promises x
            WHERE x.customer_id = p.customer_id AND x.logged_by IS NOT NULL
              AND (x.created_at AT TIME ZONE $5)::date BETWEEN p.received_on - $4::int AND p.received_on
        ) t ORDER BY t.at DESC LIMIT 1
    ) who
    WHERE p.currency = $3::bpchar AND p.received_on BETWEEN $1 AND $2
      AND NOT EXISTS (SELECT 1 FROM payment_reversals r WHERE r.payment_id = p.id)
)
SELECT c.user_id,
       coalesce((SELECT sum(t.amount) FROM attributed t WHERE t.user_id = c.user_id), 0) AS collected,
       (SELECT count(*) FROM attributed t WHERE t.user_id = c.user_id) AS attributed_payments,
       (SELECT avg(t.days_to_collect) FROM attributed t WHERE t.user_id = c.user_id)::numeric AS days_to_collect,
       (SELECT count(*) FROM collection_activities a WHERE a.logged_by = c.user_id AND (a.occurred_at AT TIME ZONE $5)::date BETWEEN $1 AND $2) AS activities,
       (SELECT count(*) FROM promises x WHERE x.logged_by = c.user_id AND (x.created_at AT TIME ZONE $5)::date BETWEEN $1 AND $2) AS promises_obtained,
       (SELECT count(*) FROM promises x WHERE x.logged_by = c.user_id AND x.promised_date BETWEEN $1 AND $2
          AND x.status IN ('KEPT', 'PARTIALLY_KEPT', 'BROKEN')) AS promises_judged,
       (SELECT count(*) FROM promises x WHERE x.logged_by = c.user_id AND x.promised_date BETWEEN $1 AND $2
          AND x.status = 'KEPT') AS promises_kept,
       (SELECT sum(g.amount) FROM collector_targets g WHERE g.user_id = c.user_id AND g.currency = $3::bpchar
          AND g.month BETWEEN date_trunc('month', $1::date) AND $2) AS target
FROM collectors c
"#;

#[derive(Debug, FromQueryResult)]
struct ChannelRow {
    user_id: Uuid,
    channel: String,
    count: i64,
}

#[derive(Debug, Clone, FromQueryResult)]
struct RuleRow {
    id: Uuid,
    name: String,
    kind: String,
    rate: Option<Decimal>,
    amount: Option<Decimal>,
    currency: String,
    active: bool,
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
            kind: IncentiveKind::parse(&row.kind).unwrap_or(IncentiveKind::PercentAboveTarget),
            rate: row.rate.map(|r| r.normalize().to_string()),
            amount: row.amount.map(|a| Money::new(a, &row.currency)),
            currency: row.currency,
            active: row.active,
        }
    }
}

fn domain_rule(rule: &RuleRow) -> Option<incentive::IncentiveRule> {
    Some(incentive::IncentiveRule {
        kind: IncentiveKind::parse(&rule.kind)?,
        rate: rule.rate.unwrap_or_default(),
        amount: rule.amount.unwrap_or_default(),
    })
}

fn ratio(numerator: i64, denominator: i64) -> Option<String> {
    (denominator > 0).then(|| {
        (Decimal::from(numerator) / Decimal::from(denominator))
            .round_dp(4)
            .normalize()
            .to_string()
    })
}

pub async fn staff_performance(
    db: &DatabaseConnection,
    caller: &Caller,
    from: Date,
    to: Date,
    currency: Option<String>,
) -> Result<StaffPerformance, AppError> {
    // Managers read the whole board; a collector reads their own line.
    let access = caller
        .authorize(Permission::ViewReports)
        .or_else(|_| caller.authorize(Permission::WorkCollections))?;
    let tenant = caller.require_tenant()?;
    if to.0 < from.0 || (to.0 - from.0).num_days() > 731 {
        return Err(AppError::validation(
            "to",
            "a period of at most two years, ending on or after it starts",
        ));
    }
    let calendar = db::tenant_calendar(db, tenant).await?;
    let currency = parse_currency(
        "currency",
        currency.as_deref().unwrap_or(&calendar.base_currency),
    )?;
    let code = currency.code().to_owned();
    let tx = TenantTx::begin(db, tenant).await?;
    let window = super::settings::attribution_days(&*tx).await?;
    let rows = Row::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        PERFORMANCE,
        [
            from.0.into(),
            to.0.into(),
            code.clone().into(),
            window.into(),
            calendar.time_zone.clone().into(),
        ],
    ))
    .all(&*tx)
    .await?;
    super::aging::plan_for_the_day(&*tx).await?;
    let portfolio = |as_of: chrono::NaiveDate| {
        PortfolioRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "{} SELECT c.collector_id AS user_id, coalesce(sum(t.amount), 0) AS total,
                        coalesce(sum(t.amount) FILTER (WHERE t.ref_date >= $1::date), 0) AS current,
                        coalesce(sum(t.amount) FILTER (WHERE t.ref_date < $1::date), 0) AS overdue
                 FROM items t JOIN customers c ON c.id = t.customer_id
                 WHERE c.collector_id IS NOT NULL GROUP BY c.collector_id",
                super::aging::OWED_AS_OF
            ),
            [
                as_of.into(),
                code.clone().into(),
                true.into(),
                calendar.time_zone.clone().into(),
            ],
        ))
        .all(&*tx)
    };
    let start = portfolio(from.0 - chrono::Days::new(1)).await?;
    let end = portfolio(to.0).await?;
    let sales = SalesRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        PORTFOLIO_SALES,
        [from.0.into(), to.0.into(), code.clone().into()],
    ))
    .all(&*tx)
    .await?;
    let months = kpi::months_in_period(from.0, to.0);
    let channels = ChannelRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT logged_by AS user_id, channel, count(*) AS count FROM collection_activities
         WHERE logged_by IS NOT NULL AND (occurred_at AT TIME ZONE $3)::date BETWEEN $1 AND $2 GROUP BY logged_by, channel ORDER BY channel",
        [from.0.into(), to.0.into(), calendar.time_zone.clone().into()],
    ))
    .all(&*tx)
    .await?;
    let rules = RuleRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id, name, kind, rate, amount, currency::text AS currency, active FROM incentive_rules
         WHERE active AND currency = $1::bpchar",
        [code.clone().into()],
    ))
    .all(&*tx)
    .await?;
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
                .filter_map(domain_rule)
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
                user_id: ID(row.user_id.to_string()),
                name,
                collected: Money::new(row.collected, &code),
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
                    .then(|| {
                        row.days_to_collect
                            .map(|d| d.round_dp(1).normalize().to_string())
                    })
                    .flatten(),
                portfolio_overdue_start: Money::new(start_overdue, &code),
                portfolio_overdue_end: Money::new(end_overdue, &code),
                portfolio_cei: kpi::cei(start_total, credit_sales, months, end_total, end_current)
                    .map(|cei| cei.normalize().to_string()),
                target: row.target.map(|t| Money::new(t, &code)),
                attainment: incentive::attainment(row.collected, row.target)
                    .map(|a| a.normalize().to_string()),
                incentive: Money::new(earned, &code),
            })
        })
        .collect();
    collectors.sort_by(|a, b| {
        let amount =
            |c: &CollectorPerformance| c.collected.amount.parse::<Decimal>().unwrap_or_default();
        amount(b).cmp(&amount(a)).then_with(|| a.name.cmp(&b.name))
    });
    for (index, collector) in collectors.iter_mut().enumerate() {
        collector.rank = index as i32 + 1;
    }
    if let Some(own) = own {
        collectors.retain(|c| c.user_id.as_str() == own.to_string());
    }
    Ok(StaffPerformance {
        from,
        to,
        currency: code,
        attribution_days: window as i32,
        collectors,
    })
}

#[derive(InputObject)]
pub struct SetCollectorTargetInput {
    pub user_id: ID,
    /// Any day of the month; the target is for the whole month.
    pub month: Date,
    pub amount: String,
    pub currency: String,
}

#[derive(SimpleObject)]
pub struct CollectorTarget {
    pub user_id: ID,
    pub month: Date,
    pub amount: Money,
}

pub async fn set_target(
    db: &DatabaseConnection,
    caller: &Caller,
    input: SetCollectorTargetInput,
    request_id: &str,
) -> Result<CollectorTarget, AppError> {
    caller.authorize(Permission::ManageDunning)?;
    let tenant = caller.require_tenant()?;
    let currency = parse_currency("input.currency", &input.currency)?;
    let amount = parse_amount("input.amount", &input.amount, currency, true)?;
    let not_member = || AppError::not_found("No such team member.");
    let user = parse_id("input.userId", &input.user_id).map_err(|_| not_member())?;
    if db::member_names(db, tenant, &[user]).await?.is_empty() {
        return Err(not_member());
    }
    let month = input.month.0.with_day(1).unwrap_or(input.month.0);
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO collector_targets (user_id, month, currency, amount, set_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_id, month, currency) DO UPDATE SET amount = excluded.amount, set_by = excluded.set_by, set_at = now()",
        [
            user.into(),
            month.into(),
            currency.code().to_owned().into(),
            amount.into(),
            actor.label().to_owned().into(),
        ],
    ))
    .await?;
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
        user_id: ID(user.to_string()),
        month: Date(month),
        amount: Money::new(amount, currency.code()),
    })
}

pub async fn rules(
    db: &DatabaseConnection,
    caller: &Caller,
) -> Result<Vec<IncentiveRule>, AppError> {
    // Collectors read the rules that pay them, beside their own performance.
    caller
        .authorize(Permission::ViewReports)
        .or_else(|_| caller.authorize(Permission::WorkCollections))?;
    let tenant = caller.require_tenant()?;
    let tx = TenantTx::begin(db, tenant).await?;
    let rows = RuleRow::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        "SELECT id, name, kind, rate, amount, currency::text AS currency, active FROM incentive_rules ORDER BY name",
    ))
    .all(&*tx)
    .await?;
    tx.commit().await?;
    Ok(rows.into_iter().map(IncentiveRule::from).collect())
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

pub async fn save_rule(
    db: &DatabaseConnection,
    caller: &Caller,
    input: SaveIncentiveRuleInput,
    request_id: &str,
) -> Result<IncentiveRule, AppError> {
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
                .ok_or_else(|| {
                    AppError::validation("input.rate", "a percentage above 0 and at most 100")
                })?;
            (Some(rate), None)
        }
    };
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let id = match &input.rule_id {
        Some(id) => id
            .parse::<Uuid>()
            .map_err(|_| AppError::not_found("No such incentive rule."))?,
        None => Uuid::now_v7(),
    };
    let written = tx
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            if input.rule_id.is_some() {
                "UPDATE incentive_rules SET name = $2, kind = $3, rate = $4, amount = $5, currency = $6,
                        active = coalesce($7, active), updated_at = now() WHERE id = $1"
            } else {
                "INSERT INTO incentive_rules (id, name, kind, rate, amount, currency, active)
                 VALUES ($1, $2, $3, $4, $5, $6, coalesce($7, true))"
            },
            [
                id.into(),
                name.clone().into(),
                input.kind.as_str().into(),
                rate.into(),
                amount.into(),
                currency.code().to_owned().into(),
                input.active.into(),
            ],
        ))
        .await
        .map_err(|error| {
            if error.to_string().contains("incentive_rules_name_key") {
                AppError::conflict("input.name", "Another incentive rule has this name.")
            } else {
                AppError::from(error)
            }
        })?;
    if written.rows_affected() == 0 {
        return Err(AppError::not_found("No such incentive rule."));
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
    let row = RuleRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id, name, kind, rate, amount, currency::text AS currency, active FROM incentive_rules WHERE id = $1",
        [id.into()],
    ))
    .one(&*tx)
    .await?
    .ok_or_else(|| AppError::not_found("No such incentive rule."))?;
    tx.commit().await?;
    Ok(row.into())
}
