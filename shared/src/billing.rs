//! Duely's own plans and a company's subscription to one: what each plan allows, which plan
//! lifts a limit, and where a subscription leaves the company (its plan, banners, read-only).
//!
//! Stripe is the source of a subscription's state; these rules decide what that state means
//! for the company, so the server, the web app's banners and the tests agree.

use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Days of GROWTH every new company gets before it must choose a plan.
pub const TRIAL_DAYS: i64 = 14;
/// Days a company keeps full use after a payment fails, or after its subscription ends, before
/// it becomes read-only.
pub const GRACE_DAYS: i64 = 14;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Plan {
    Free,
    Growth,
    Scale,
}

impl Plan {
    pub const ALL: [Plan; 3] = [Plan::Free, Plan::Growth, Plan::Scale];

    pub const fn as_str(self) -> &'static str {
        match self {
            Plan::Free => "FREE",
            Plan::Growth => "GROWTH",
            Plan::Scale => "SCALE",
        }
    }

    pub fn parse(text: &str) -> Option<Plan> {
        Plan::ALL.into_iter().find(|plan| plan.as_str() == text)
    }

    /// What the plan allows; `None` is no limit.
    pub const fn limit(self, limit: Limit) -> Option<u64> {
        match (self, limit) {
            (Plan::Free, Limit::Users) => Some(2),
            (Plan::Free, Limit::Customers) => Some(50),
            (Plan::Free, Limit::InvoicesPerMonth) => Some(100),
            (Plan::Free, Limit::ApiKeys) => Some(1),
            (Plan::Free, Limit::EmailsPerDay) => Some(100),
            (Plan::Growth, Limit::Users) => Some(10),
            (Plan::Growth, Limit::Customers) => Some(2_000),
            (Plan::Growth, Limit::InvoicesPerMonth) => Some(5_000),
            (Plan::Growth, Limit::ApiKeys) => Some(5),
            (Plan::Growth, Limit::EmailsPerDay) => Some(2_000),
            (Plan::Scale, Limit::Users) => Some(100),
            (Plan::Scale, Limit::EmailsPerDay) => Some(20_000),
            (Plan::Scale, _) => None,
        }
    }

    /// Whether Stripe sells it (FREE needs no subscription).
    pub const fn is_paid(self) -> bool {
        !matches!(self, Plan::Free)
    }

    /// The price a month in whole US dollars, as shown on the billing page; Stripe's price
    /// (from configuration) is what is charged.
    pub fn monthly_price_usd(self) -> Decimal {
        match self {
            Plan::Free => Decimal::ZERO,
            Plan::Growth => Decimal::from(49),
            Plan::Scale => Decimal::from(199),
        }
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The things a plan counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Limit {
    /// Team members, counting invitations not yet accepted.
    Users,
    Customers,
    /// Invoices created (drafts included) in the current calendar month of the company's time
    /// zone; fee invoices a dunning ladder charges are not held back by it.
    InvoicesPerMonth,
    /// API keys not revoked.
    ApiKeys,
    /// Emails to customers (statements, dunning letters) since the start of the company's day.
    EmailsPerDay,
}

impl Limit {
    pub const ALL: [Limit; 5] = [
        Limit::Users,
        Limit::Customers,
        Limit::InvoicesPerMonth,
        Limit::ApiKeys,
        Limit::EmailsPerDay,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Limit::Users => "USERS",
            Limit::Customers => "CUSTOMERS",
            Limit::InvoicesPerMonth => "INVOICES_PER_MONTH",
            Limit::ApiKeys => "API_KEYS",
            Limit::EmailsPerDay => "EMAILS_PER_DAY",
        }
    }

    const fn noun(self) -> &'static str {
        match self {
            Limit::Users => "team members",
            Limit::Customers => "customers",
            Limit::InvoicesPerMonth => "invoices a month",
            Limit::ApiKeys => "API keys",
            Limit::EmailsPerDay => "emails to customers a day",
        }
    }
}

/// Adding more would go past the plan's limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitReached {
    pub limit: Limit,
    pub plan: Plan,
    pub allowed: u64,
    /// The smallest plan that allows one more, if any does.
    pub lifted_by: Option<Plan>,
}

impl fmt::Display for LimitReached {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "The {} plan allows {} {}",
            self.plan,
            self.allowed,
            self.limit.noun()
        )?;
        match self.lifted_by {
            Some(plan) => write!(
                f,
                "; the {plan} plan allows more. Upgrade on the billing page."
            ),
            None => write!(f, "; this is the largest plan. Contact us to raise it."),
        }
    }
}

/// Whether `adding` more may join the `current` ones under `plan`.
pub fn check_limit(
    plan: Plan,
    limit: Limit,
    current: u64,
    adding: u64,
) -> Result<(), LimitReached> {
    let wanted = current.saturating_add(adding);
    match plan.limit(limit) {
        Some(allowed) if wanted > allowed => Err(LimitReached {
            limit,
            plan,
            allowed,
            lifted_by: Plan::ALL
                .into_iter()
                .filter(|bigger| *bigger > plan)
                .find(|bigger| bigger.limit(limit).is_none_or(|more| wanted <= more)),
        }),
        _ => Ok(()),
    }
}

/// A subscription's state as Duely keeps it (Stripe's states folded to the ones that matter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SubscriptionStatus {
    /// The sign-up trial, or a Stripe trial.
    Trialing,
    Active,
    /// A payment failed; Stripe is retrying.
    PastDue,
    Canceled,
}

impl SubscriptionStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            SubscriptionStatus::Trialing => "TRIALING",
            SubscriptionStatus::Active => "ACTIVE",
            SubscriptionStatus::PastDue => "PAST_DUE",
            SubscriptionStatus::Canceled => "CANCELED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            SubscriptionStatus::Trialing,
            SubscriptionStatus::Active,
            SubscriptionStatus::PastDue,
            SubscriptionStatus::Canceled,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
    }

    /// Stripe's `subscription.status`. `incomplete` (first payment pending) changes nothing
    /// yet, so it maps to `None`.
    pub fn from_stripe(status: &str) -> Option<Self> {
        match status {
            "trialing" => Some(SubscriptionStatus::Trialing),
            "active" => Some(SubscriptionStatus::Active),
            "past_due" | "unpaid" => Some(SubscriptionStatus::PastDue),
            "canceled" | "incomplete_expired" => Some(SubscriptionStatus::Canceled),
            _ => None,
        }
    }
}

/// What Duely knows of a company's subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// The plan subscribed to (GROWTH during the sign-up trial).
    pub plan: Plan,
    pub status: SubscriptionStatus,
    pub trial_ends_at: Option<DateTime<Utc>>,
    /// When it went past due, or was canceled: the grace period runs from here.
    pub status_since: DateTime<Utc>,
    /// Whether Stripe holds a subscription (not only the sign-up trial).
    pub paid: bool,
}

impl Subscription {
    /// A subscription as stored (plan and status by their wire names); `None` when either name
    /// is unknown.
    pub fn from_stored(
        plan: &str,
        status: &str,
        trial_ends_at: Option<DateTime<Utc>>,
        status_since: DateTime<Utc>,
        paid: bool,
    ) -> Option<Subscription> {
        Some(Subscription {
            plan: Plan::parse(plan)?,
            status: SubscriptionStatus::parse(status)?,
            trial_ends_at,
            status_since,
            paid,
        })
    }
}

/// What a Stripe event says of a company's subscription.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubscriptionChange {
    pub status: Option<SubscriptionStatus>,
    pub plan: Option<Plan>,
    /// The Stripe subscription the event is about.
    pub subscription_id: Option<String>,
    pub current_period_end: Option<DateTime<Utc>>,
    pub cancel_at_period_end: Option<bool>,
    /// Only move between these statuses (`invoice.payment_failed` moves an active
    /// subscription to past due, never a canceled one back).
    pub only_from: Option<&'static [SubscriptionStatus]>,
}

/// Why an event changed nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ignored {
    /// Older than the last event applied: Stripe delivers out of order.
    Stale,
    /// About another subscription than the company's live one (a second checkout paid in
    /// another tab): it must not end or change the live one.
    OtherSubscription,
}

/// The subscription after `change`, reported by an event created at `event_created`, with the
/// Stripe subscription it is now held by. `stored_id` is the subscription Stripe held so far and
/// `last_applied` when the latest event applied was created.
pub fn apply_change(
    current: &Subscription,
    stored_id: Option<&str>,
    last_applied: Option<DateTime<Utc>>,
    change: &SubscriptionChange,
    event_created: DateTime<Utc>,
) -> Result<(Subscription, Option<String>), Ignored> {
    if last_applied.is_some_and(|at| event_created < at) {
        return Err(Ignored::Stale);
    }
    if let (Some(stored), Some(reported)) = (stored_id, change.subscription_id.as_deref())
        && stored != reported
        && current.status != SubscriptionStatus::Canceled
    {
        return Err(Ignored::OtherSubscription);
    }
    let mut next = current.clone();
    if let Some(status) = change.status {
        let allowed = change
            .only_from
            .is_none_or(|from| from.contains(&current.status));
        if allowed && status != current.status {
            next.status = status;
            next.status_since = event_created;
        }
    }
    if let Some(plan) = change.plan {
        next.plan = plan;
    }
    let subscription_id = change
        .subscription_id
        .clone()
        .or_else(|| stored_id.map(str::to_owned));
    next.paid = subscription_id.is_some();
    Ok((next, subscription_id))
}

/// The notice the web app shows above every page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BannerKind {
    /// In the sign-up trial: how long is left.
    Trial,
    /// The trial ended without a plan: the company is on FREE.
    TrialEnded,
    /// A payment failed: pay before the grace period ends.
    PastDue,
    /// The subscription ended: full use until the grace period ends.
    Canceled,
    /// Past the grace period: the company's data can be read, not changed.
    ReadOnly,
}

/// Where a subscription leaves the company at an instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    /// The plan whose limits apply now.
    pub plan: Plan,
    pub banner: Option<BannerKind>,
    /// When the banner's period ends (the trial, the grace period).
    pub banner_until: Option<DateTime<Utc>>,
    /// From this instant the company is read-only, if the state does not change.
    pub read_only_from: Option<DateTime<Utc>>,
}

impl Standing {
    pub fn is_read_only(&self, now: DateTime<Utc>) -> bool {
        self.read_only_from.is_some_and(|from| from <= now)
    }
}

/// The standing of `subscription` at `now`.
pub fn standing(subscription: &Subscription, now: DateTime<Utc>) -> Standing {
    let grace_end = subscription.status_since + Duration::days(GRACE_DAYS);
    match subscription.status {
        SubscriptionStatus::Trialing => match subscription.trial_ends_at {
            // A Stripe trial ends in a charge (active) or past due, which webhooks report; the
            // sign-up trial ends on FREE, with nothing to pay and nothing lost.
            Some(end) if end <= now && !subscription.paid => Standing {
                plan: Plan::Free,
                banner: Some(BannerKind::TrialEnded),
                banner_until: None,
                read_only_from: None,
            },
            end => Standing {
                plan: subscription.plan,
                banner: (!subscription.paid).then_some(BannerKind::Trial),
                banner_until: end,
                read_only_from: None,
            },
        },
        SubscriptionStatus::Active => Standing {
            plan: subscription.plan,
            banner: None,
            banner_until: None,
            read_only_from: None,
        },
        SubscriptionStatus::PastDue | SubscriptionStatus::Canceled => {
            let read_only = grace_end <= now;
            Standing {
                plan: subscription.plan,
                banner: Some(if read_only {
                    BannerKind::ReadOnly
                } else if subscription.status == SubscriptionStatus::PastDue {
                    BannerKind::PastDue
                } else {
                    BannerKind::Canceled
                }),
                banner_until: (!read_only).then_some(grace_end),
                read_only_from: Some(grace_end),
            }
        }
    }
}

/// Why an amount cannot be charged through Stripe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StripeAmountError {
    /// Zero or negative.
    NotPositive,
    /// Finer than Stripe can charge in this currency (a third decimal Stripe rounds away).
    TooPrecise,
    TooLarge,
}

impl fmt::Display for StripeAmountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StripeAmountError::NotPositive => "there is nothing to pay",
            StripeAmountError::TooPrecise => {
                "Stripe cannot charge this amount to its last decimal in this currency"
            }
            StripeAmountError::TooLarge => "the amount is larger than Stripe accepts",
        })
    }
}

/// The decimals of Stripe's integer amounts for a currency of `iso_units` ISO 4217 decimals.
/// Stripe's documented special cases: ISK and UGX are zero-decimal in ISO 4217 but Stripe
/// counts them in hundredths (the last two digits zero), and three-decimal currencies are
/// counted in thousandths with the last digit zero.
fn stripe_units(code: &str, iso_units: u32) -> u32 {
    match code {
        "ISK" | "UGX" => 2,
        _ => iso_units,
    }
}

/// `unit_amount` for charging `amount` of currency `code` (ISO decimals `iso_units`) through
/// Stripe.
pub fn to_stripe_amount(
    amount: Decimal,
    code: &str,
    iso_units: u32,
) -> Result<i64, StripeAmountError> {
    if amount <= Decimal::ZERO {
        return Err(StripeAmountError::NotPositive);
    }
    let units = stripe_units(code, iso_units);
    let scaled = amount * Decimal::from(10_i64.pow(units));
    if scaled.fract() != Decimal::ZERO {
        return Err(StripeAmountError::TooPrecise);
    }
    let minor = i64::try_from(scaled).map_err(|_| StripeAmountError::TooLarge)?;
    // Stripe refuses these unless the units it ignores are zero.
    let must_divide = match (code, iso_units) {
        ("ISK" | "UGX", _) => 100,
        (_, 3) => 10,
        _ => 1,
    };
    if minor % must_divide != 0 {
        return Err(StripeAmountError::TooPrecise);
    }
    Ok(minor)
}

/// An amount Stripe reports (`amount_received`, `amount_total`) back as a decimal.
pub fn from_stripe_amount(amount: i64, code: &str, iso_units: u32) -> Decimal {
    Decimal::new(amount, stripe_units(code, iso_units))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, 12, 0, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn a_limit_names_the_smallest_plan_that_lifts_it() {
        let reached = check_limit(Plan::Free, Limit::Customers, 50, 1).unwrap_err();
        assert_eq!(reached.lifted_by, Some(Plan::Growth));
        assert_eq!(
            reached.to_string(),
            "The FREE plan allows 50 customers; the GROWTH plan allows more. Upgrade on the billing page."
        );
        assert!(check_limit(Plan::Free, Limit::Customers, 49, 1).is_ok());
        // An import of 3,000 at once needs SCALE, not GROWTH.
        let big = check_limit(Plan::Free, Limit::Customers, 10, 3_000).unwrap_err();
        assert_eq!(big.lifted_by, Some(Plan::Scale));
        let top = check_limit(Plan::Scale, Limit::Users, 100, 1).unwrap_err();
        assert_eq!(top.lifted_by, None);
        assert!(check_limit(Plan::Scale, Limit::InvoicesPerMonth, u64::MAX, 1).is_ok());
    }

    #[test]
    fn bigger_plans_never_allow_less() {
        for limit in Limit::ALL {
            for pair in Plan::ALL.windows(2) {
                let (small, big) = (pair[0].limit(limit), pair[1].limit(limit));
                assert!(
                    match (small, big) {
                        (_, None) => true,
                        (None, Some(_)) => false,
                        (Some(small), Some(big)) => big >= small,
                    },
                    "{limit:?}"
                );
            }
        }
    }

    fn trial() -> Subscription {
        Subscription {
            plan: Plan::Growth,
            status: SubscriptionStatus::Trialing,
            trial_ends_at: Some(at(15)),
            status_since: at(1),
            paid: false,
        }
    }

    #[test]
    fn the_sign_up_trial_gives_growth_then_falls_to_free_without_losing_anything() {
        let during = standing(&trial(), at(10));
        assert_eq!(during.plan, Plan::Growth);
        assert_eq!(during.banner, Some(BannerKind::Trial));
        assert_eq!(during.banner_until, Some(at(15)));
        let after = standing(&trial(), at(16));
        assert_eq!(after.plan, Plan::Free);
        assert_eq!(after.banner, Some(BannerKind::TrialEnded));
        assert!(!after.is_read_only(at(28)));
    }

    #[test]
    fn past_due_has_a_grace_period_then_read_only() {
        let past_due = Subscription {
            plan: Plan::Scale,
            status: SubscriptionStatus::PastDue,
            trial_ends_at: None,
            status_since: at(1),
            paid: true,
        };
        let within = standing(&past_due, at(14));
        assert_eq!(within.plan, Plan::Scale);
        assert_eq!(within.banner, Some(BannerKind::PastDue));
        assert_eq!(within.banner_until, Some(at(15)));
        assert!(!within.is_read_only(at(14)));
        let after = standing(&past_due, at(15));
        assert_eq!(after.banner, Some(BannerKind::ReadOnly));
        assert!(after.is_read_only(at(15)));
    }

    #[test]
    fn canceled_keeps_full_use_through_grace() {
        let canceled = Subscription {
            plan: Plan::Growth,
            status: SubscriptionStatus::Canceled,
            trial_ends_at: None,
            status_since: at(2),
            paid: true,
        };
        assert_eq!(
            standing(&canceled, at(3)).banner,
            Some(BannerKind::Canceled)
        );
        assert!(!standing(&canceled, at(15)).is_read_only(at(15)));
        assert!(standing(&canceled, at(16)).is_read_only(at(16)));
    }

    fn active() -> Subscription {
        Subscription {
            plan: Plan::Scale,
            status: SubscriptionStatus::Active,
            trial_ends_at: None,
            status_since: at(1),
            paid: true,
        }
    }

    #[test]
    fn stale_events_and_other_subscriptions_change_nothing() {
        let past_due = SubscriptionChange {
            status: Some(SubscriptionStatus::PastDue),
            subscription_id: Some("sub_1".to_owned()),
            ..SubscriptionChange::default()
        };
        assert_eq!(
            apply_change(&active(), Some("sub_1"), Some(at(5)), &past_due, at(4)),
            Err(Ignored::Stale)
        );
        let stray = SubscriptionChange {
            status: Some(SubscriptionStatus::Canceled),
            subscription_id: Some("sub_2".to_owned()),
            ..SubscriptionChange::default()
        };
        assert_eq!(
            apply_change(&active(), Some("sub_1"), None, &stray, at(6)),
            Err(Ignored::OtherSubscription)
        );
        let (next, id) =
            apply_change(&active(), Some("sub_1"), Some(at(5)), &past_due, at(5)).unwrap();
        assert_eq!(
            (next.status, next.status_since),
            (SubscriptionStatus::PastDue, at(5))
        );
        assert_eq!(id.as_deref(), Some("sub_1"));
    }

    #[test]
    fn a_change_moves_only_from_the_statuses_it_names() {
        let failed = SubscriptionChange {
            status: Some(SubscriptionStatus::PastDue),
            only_from: Some(&[SubscriptionStatus::Active, SubscriptionStatus::Trialing]),
            ..SubscriptionChange::default()
        };
        let canceled = Subscription {
            status: SubscriptionStatus::Canceled,
            ..active()
        };
        let (kept, _) = apply_change(&canceled, Some("sub_1"), None, &failed, at(9)).unwrap();
        assert_eq!(
            kept, canceled,
            "a failed invoice never revives a canceled subscription"
        );
        // A new subscription after a canceled one is taken, and makes the company paid.
        let renewed = SubscriptionChange {
            status: Some(SubscriptionStatus::Active),
            plan: Some(Plan::Growth),
            subscription_id: Some("sub_2".to_owned()),
            ..SubscriptionChange::default()
        };
        let (next, id) = apply_change(&canceled, Some("sub_1"), None, &renewed, at(10)).unwrap();
        assert_eq!(
            (next.plan, next.status, next.paid),
            (Plan::Growth, SubscriptionStatus::Active, true)
        );
        assert_eq!(id.as_deref(), Some("sub_2"));
    }

    #[test]
    fn stripe_statuses_fold_to_ours() {
        assert_eq!(
            SubscriptionStatus::from_stripe("unpaid"),
            Some(SubscriptionStatus::PastDue)
        );
        assert_eq!(SubscriptionStatus::from_stripe("incomplete"), None);
        assert_eq!(
            SubscriptionStatus::from_stripe("incomplete_expired"),
            Some(SubscriptionStatus::Canceled)
        );
    }

    #[test]
    fn amounts_cross_to_stripe_with_stripe_s_own_decimals() {
        assert_eq!(
            to_stripe_amount(Decimal::new(123_456, 2), "CNY", 2),
            Ok(123_456)
        );
        assert_eq!(to_stripe_amount(Decimal::from(5000), "JPY", 0), Ok(5000));
        // ISK and UGX: zero-decimal in ISO 4217, hundredths at Stripe.
        assert_eq!(to_stripe_amount(Decimal::from(5000), "ISK", 0), Ok(500_000));
        assert_eq!(from_stripe_amount(500_000, "ISK", 0), Decimal::from(5000));
        // Three decimals: the last must be zero.
        assert_eq!(
            to_stripe_amount(Decimal::new(12_340, 3), "KWD", 3),
            Ok(12_340)
        );
        assert_eq!(
            to_stripe_amount(Decimal::new(12_345, 3), "KWD", 3),
            Err(StripeAmountError::TooPrecise)
        );
        assert_eq!(
            to_stripe_amount(Decimal::new(1, 3), "CNY", 2),
            Err(StripeAmountError::TooPrecise)
        );
        assert_eq!(
            to_stripe_amount(Decimal::ZERO, "CNY", 2),
            Err(StripeAmountError::NotPositive)
        );
        assert_eq!(
            from_stripe_amount(123_456, "CNY", 2),
            Decimal::new(123_456, 2)
        );
    }
}
