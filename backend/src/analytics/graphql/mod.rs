//! GraphQL for analytics: aging, KPIs and their trends, credit ratings, staff performance,
//! targets and incentive rules. Thin: each field calls its service and maps what it returns.

pub mod aging;
pub mod kpis;
pub mod performance;
pub mod ratings;
pub mod settings;

use crate::analytics::service;
use crate::api::command;
use crate::api::context::{request, services};
use crate::api::values::{Date, id_or_nil};
use crate::error::{ApiResult, IntoApi};
use aging::{AgingItem, AgingReport};
use async_graphql::{Context, ID, Object, SimpleObject};
use domain::aging::{AgingBasis, AgingBucket, AgingGroupBy};
use domain::kpi::KpiMetric;
use kpis::{KpiPoint, KpiReport};
use performance::{
    CollectorTarget, IncentiveRule, SaveIncentiveRuleInput, SetCollectorTargetInput,
    StaffPerformance,
};
use ratings::{CreditRating, OverrideCreditRatingInput};
use settings::{AnalyticsSettings, AnalyticsSettingsInput};

#[derive(Default)]
pub struct AnalyticsQuery;

// `kpiTrend` takes its binding arguments one by one (metric, period, currency, segment,
// collector): the generated resolver has eight parameters.
#[allow(clippy::too_many_arguments)]
#[Object]
impl AnalyticsQuery {
    /// Aging as of a day (today by default), exact: what was issued by then, less what was paid,
    /// credited or written off by then. By due date (default) or invoice date; one currency
    /// (the company's by default); grouped by customer, collector or segment.
    async fn aging_report(
        &self,
        ctx: &Context<'_>,
        as_of: Option<Date>,
        group_by: Option<AgingGroupBy>,
        currency: Option<String>,
        basis: Option<AgingBasis>,
    ) -> ApiResult<AgingReport> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        service::aging::report(
            db,
            &request.caller,
            as_of.map(|d| d.0),
            group_by.unwrap_or_default(),
            currency,
            basis.unwrap_or_default(),
            Some(&request.reports),
        )
        .await
        .map(AgingReport::from)
        .api()
    }

    /// The invoices behind a cell of the aging report: a group's `key` (as the report gave it;
    /// none for "no collector" or "no segment") and a bucket, largest first.
    #[allow(clippy::too_many_arguments)]
    #[graphql(
        complexity = "crate::api::values::list_complexity(first, 100, 500, child_complexity)"
    )]
    async fn aging_drill_down(
        &self,
        ctx: &Context<'_>,
        as_of: Option<Date>,
        currency: Option<String>,
        basis: Option<AgingBasis>,
        group_by: Option<AgingGroupBy>,
        key: Option<String>,
        bucket: Option<AgingBucket>,
        first: Option<i32>,
    ) -> ApiResult<Vec<AgingItem>> {
        let (_, db) = services(ctx)?;
        service::aging::drill_down(
            db,
            &request(ctx)?.caller,
            as_of.map(|d| d.0),
            currency,
            basis.unwrap_or_default(),
            group_by.unwrap_or_default(),
            key,
            bucket,
            first,
        )
        .await
        .map(|items| items.into_iter().map(AgingItem::from).collect())
        .api()
    }

    /// The receivables KPIs of a period (formulas in the README), in one currency.
    async fn kpis(
        &self,
        ctx: &Context<'_>,
        from: Date,
        to: Date,
        currency: Option<String>,
        #[graphql(desc = "Only the customers of this segment.")] segment: Option<String>,
        #[graphql(
            desc = "Only the customers assigned to this member now (assignments have no history)."
        )]
        collector_id: Option<ID>,
    ) -> ApiResult<KpiReport> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        let cut = service::kpis::Cut {
            currency,
            segment,
            collector_id: collector_id.map(|id| id.0),
        };
        service::kpis::kpis(db, &request.caller, from.0, to.0, cut, &request.reports)
            .await
            .map(Into::into)
            .api()
    }

    /// A KPI month by month: from the daily snapshots where they exist (what the figure was),
    /// else computed now.
    async fn kpi_trend(
        &self,
        ctx: &Context<'_>,
        metric: KpiMetric,
        from: Date,
        to: Date,
        currency: Option<String>,
        #[graphql(desc = "Only the customers of this segment (computed live).")] segment: Option<
            String,
        >,
        #[graphql(desc = "Only the customers assigned to this member now (computed live).")]
        collector_id: Option<ID>,
    ) -> ApiResult<Vec<KpiPoint>> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        let cut = service::kpis::Cut {
            currency,
            segment,
            collector_id: collector_id.map(|id| id.0),
        };
        service::kpis::trend(
            db,
            &request.caller,
            metric,
            from.0,
            to.0,
            cut,
            &request.reports,
        )
        .await
        .map(|points| points.into_iter().map(KpiPoint::from).collect())
        .api()
    }

    /// The customer's credit rating in force, with its factors.
    async fn credit_rating(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
    ) -> ApiResult<Option<CreditRating>> {
        let (_, db) = services(ctx)?;
        service::ratings::current(db, &request(ctx)?.caller, id_or_nil(&customer_id))
            .await
            .map(|rating| rating.map(CreditRating::from))
            .api()
    }

    /// Every change of the customer's rating, newest first.
    async fn credit_rating_history(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
    ) -> ApiResult<Vec<CreditRating>> {
        let (_, db) = services(ctx)?;
        service::ratings::history(db, &request(ctx)?.caller, id_or_nil(&customer_id))
            .await
            .map(|ratings| ratings.into_iter().map(CreditRating::from).collect())
            .api()
    }

    /// Collectors' performance in a period, as a leaderboard (collectors see their own line).
    async fn staff_performance(
        &self,
        ctx: &Context<'_>,
        from: Date,
        to: Date,
        currency: Option<String>,
    ) -> ApiResult<StaffPerformance> {
        let (_, db) = services(ctx)?;
        service::performance::staff_performance(db, &request(ctx)?.caller, from.0, to.0, currency)
            .await
            .map(Into::into)
            .api()
    }

    /// The company's incentive rules.
    async fn incentive_rules(&self, ctx: &Context<'_>) -> ApiResult<Vec<IncentiveRule>> {
        let (_, db) = services(ctx)?;
        service::performance::rules(db, &request(ctx)?.caller)
            .await
            .map(|rules| rules.into_iter().map(IncentiveRule::from).collect())
            .api()
    }

    /// Aging bucket edges, the collector attribution window and the large-invoice threshold.
    async fn analytics_settings(&self, ctx: &Context<'_>) -> ApiResult<AnalyticsSettings> {
        let (_, db) = services(ctx)?;
        service::settings::settings(db, &request(ctx)?.caller)
            .await
            .map(AnalyticsSettings::from)
            .api()
    }
}

#[derive(SimpleObject)]
pub struct CreditRatingPayload {
    pub rating: CreditRating,
}

#[derive(SimpleObject)]
pub struct CollectorTargetPayload {
    pub target: CollectorTarget,
}

#[derive(SimpleObject)]
pub struct IncentiveRulePayload {
    pub rule: IncentiveRule,
}

#[derive(Default)]
pub struct AnalyticsMutation;

#[Object]
impl AnalyticsMutation {
    /// Sets a customer's grade by hand, with a reason (the computed score stays beside it).
    async fn override_credit_rating(
        &self,
        ctx: &Context<'_>,
        input: OverrideCreditRatingInput,
    ) -> ApiResult<CreditRatingPayload> {
        let rating = command!(ctx, service::ratings::override_rating, input.into());
        Ok(CreditRatingPayload {
            rating: rating.into(),
        })
    }

    /// Sets a collector's target for a month.
    async fn set_collector_target(
        &self,
        ctx: &Context<'_>,
        input: SetCollectorTargetInput,
    ) -> ApiResult<CollectorTargetPayload> {
        let target = command!(ctx, service::performance::set_target, input.into());
        Ok(CollectorTargetPayload {
            target: target.into(),
        })
    }

    /// Creates or changes an incentive rule.
    async fn save_incentive_rule(
        &self,
        ctx: &Context<'_>,
        input: SaveIncentiveRuleInput,
    ) -> ApiResult<IncentiveRulePayload> {
        let rule = command!(ctx, service::performance::save_rule, input.into());
        Ok(IncentiveRulePayload { rule: rule.into() })
    }

    /// Changes the analytics settings given (the others stay); audited.
    async fn update_analytics_settings(
        &self,
        ctx: &Context<'_>,
        input: AnalyticsSettingsInput,
    ) -> ApiResult<AnalyticsSettingsPayload> {
        let settings = command!(ctx, service::settings::update_settings, input.into());
        Ok(AnalyticsSettingsPayload {
            settings: settings.into(),
        })
    }
}

#[derive(SimpleObject)]
pub struct AnalyticsSettingsPayload {
    pub settings: AnalyticsSettings,
}
