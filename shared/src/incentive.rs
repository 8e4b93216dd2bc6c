//! Collector incentives: what a rule pays for a collector's period, and attainment against a
//! target. The company sets the rules; these are the formulas.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum IncentiveKind {
    /// `rate` percent of what is collected above the period's target.
    PercentAboveTarget,
    /// `amount` for each promise kept in full.
    PerKeptPromise,
    /// `rate` percent of everything collected.
    PercentOfCollected,
}

impl IncentiveKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            IncentiveKind::PercentAboveTarget => "PERCENT_ABOVE_TARGET",
            IncentiveKind::PerKeptPromise => "PER_KEPT_PROMISE",
            IncentiveKind::PercentOfCollected => "PERCENT_OF_COLLECTED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "PERCENT_ABOVE_TARGET" => Some(IncentiveKind::PercentAboveTarget),
            "PER_KEPT_PROMISE" => Some(IncentiveKind::PerKeptPromise),
            "PERCENT_OF_COLLECTED" => Some(IncentiveKind::PercentOfCollected),
            _ => None,
        }
    }
}

/// A rule as the company set it: a percentage (`rate`) or an amount per kept promise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncentiveRule {
    pub kind: IncentiveKind,
    pub rate: Decimal,
    pub amount: Decimal,
}

/// What a collector's period achieved, for the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodResult {
    pub collected: Decimal,
    /// The period's target; with none, nothing is "above target".
    pub target: Option<Decimal>,
    pub promises_kept: i64,
}

/// What the rule pays, to the cent.
pub fn earned(rule: &IncentiveRule, period: &PeriodResult) -> Decimal {
    let percent = |base: Decimal| base * rule.rate / Decimal::ONE_HUNDRED;
    match rule.kind {
        IncentiveKind::PercentAboveTarget => match period.target {
            Some(target) => percent((period.collected - target).max(Decimal::ZERO)),
            None => Decimal::ZERO,
        },
        IncentiveKind::PerKeptPromise => rule.amount * Decimal::from(period.promises_kept.max(0)),
        IncentiveKind::PercentOfCollected => percent(period.collected),
    }
    .round_dp(2)
}

/// Collected / target as a fraction (1 is the target met), to four places; none without a
/// target above zero.
pub fn attainment(collected: Decimal, target: Option<Decimal>) -> Option<Decimal> {
    target
        .filter(|target| *target > Decimal::ZERO)
        .map(|target| (collected / target).round_dp(4))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn each_kind_of_rule_pays_by_its_formula() {
        let period = PeriodResult {
            collected: d("120000"),
            target: Some(d("100000")),
            promises_kept: 3,
        };
        let rule = |kind, rate: &str, amount: &str| IncentiveRule {
            kind,
            rate: d(rate),
            amount: d(amount),
        };
        // 2% of the 20,000 above target.
        assert_eq!(
            earned(&rule(IncentiveKind::PercentAboveTarget, "2", "0"), &period),
            d("400")
        );
        assert_eq!(
            earned(&rule(IncentiveKind::PerKeptPromise, "0", "50"), &period),
            d("150")
        );
        assert_eq!(
            earned(
                &rule(IncentiveKind::PercentOfCollected, "0.5", "0"),
                &period
            ),
            d("600")
        );
        // Below target, or with no target, nothing is above it.
        let short = PeriodResult {
            collected: d("80000"),
            ..period
        };
        assert_eq!(
            earned(&rule(IncentiveKind::PercentAboveTarget, "2", "0"), &short),
            d("0")
        );
        let untargeted = PeriodResult {
            target: None,
            ..period
        };
        assert_eq!(
            earned(
                &rule(IncentiveKind::PercentAboveTarget, "2", "0"),
                &untargeted
            ),
            d("0")
        );
    }

    #[test]
    fn attainment_is_collected_over_target() {
        assert_eq!(attainment(d("120000"), Some(d("100000"))), Some(d("1.2")));
        assert_eq!(attainment(d("1"), Some(d("3"))), Some(d("0.3333")));
        assert_eq!(attainment(d("5"), Some(d("0"))), None);
        assert_eq!(attainment(d("5"), None), None);
    }

    #[test]
    fn kinds_cross_the_wire_by_name() {
        for kind in [
            IncentiveKind::PercentAboveTarget,
            IncentiveKind::PerKeptPromise,
            IncentiveKind::PercentOfCollected,
        ] {
            assert_eq!(IncentiveKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(IncentiveKind::parse("BONUS"), None);
    }
}
