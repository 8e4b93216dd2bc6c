//! Credit policy: whether a new invoice may be issued to a customer.
//!
//! Exposure is every open invoice's balance in the invoice's currency plus the new invoice. The
//! credit limit is in the customer's currency, so only invoices in that currency count against
//! it; nothing is converted. A tenant chooses what happens when the limit would be exceeded or
//! the customer is on hold: refuse (`Block`) or allow and flag (`Warn`).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
/// What happens to an invoice that takes a customer over its credit limit.
pub enum OverLimitPolicy {
    /// Refuse it (someone with the override permission can still issue it, flagged).
    Block,
    /// Issue it with a warning flag.
    Warn,
}

impl OverLimitPolicy {
    pub const fn as_str(self) -> &'static str {
        match self {
            OverLimitPolicy::Block => "BLOCK",
            OverLimitPolicy::Warn => "WARN",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "BLOCK" => Some(OverLimitPolicy::Block),
            "WARN" => Some(OverLimitPolicy::Warn),
            _ => None,
        }
    }
}

/// Why an invoice breaks the credit policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CreditBreach {
    OnHold {
        reason: String,
    },
    OverLimit {
        limit: Decimal,
        exposure_after: Decimal,
    },
}

impl CreditBreach {
    /// The breach as a text (amounts in `currency`, the customer's, with its decimals).
    pub fn text(&self, currency: crate::Currency) -> crate::messages::Text {
        use crate::messages::Text;
        match self {
            CreditBreach::OnHold { reason } => Text::CreditBreachOnHold {
                reason: reason.clone(),
            },
            CreditBreach::OverLimit {
                limit,
                exposure_after,
            } => Text::CreditBreachOverLimit {
                exposure_after: crate::Money::new(*exposure_after, currency).amount_text(),
                limit: crate::Money::new(*limit, currency).amount_text(),
                currency: currency.code().to_owned(),
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreditDecision {
    Allowed,
    /// Allowed under a `Warn` policy, or by someone with the override permission; flagged.
    Flagged(CreditBreach),
    Blocked(CreditBreach),
}

/// What the customer's credit standing says about a new invoice of `new_amount`.
pub struct CreditCheck<'a> {
    pub hold_reason: Option<&'a str>,
    /// `None` means no limit is set.
    pub limit: Option<Decimal>,
    /// Open balances in the limit's currency, before the new invoice.
    pub exposure: Decimal,
    pub new_amount: Decimal,
    /// Whether the new invoice is in the limit's currency.
    pub same_currency: bool,
}

impl CreditCheck<'_> {
    pub fn breach(&self) -> Option<CreditBreach> {
        if let Some(reason) = self.hold_reason {
            return Some(CreditBreach::OnHold {
                reason: reason.to_owned(),
            });
        }
        let limit = self.limit?;
        if !self.same_currency {
            return None;
        }
        let exposure_after = self.exposure + self.new_amount;
        (exposure_after > limit).then_some(CreditBreach::OverLimit {
            limit,
            exposure_after,
        })
    }

    pub fn decide(&self, enforcement: OverLimitPolicy, may_override: bool) -> CreditDecision {
        match self.breach() {
            None => CreditDecision::Allowed,
            Some(breach) if enforcement == OverLimitPolicy::Warn || may_override => {
                CreditDecision::Flagged(breach)
            }
            Some(breach) => CreditDecision::Blocked(breach),
        }
    }
}

/// Credit left under the limit; negative when over it.
pub fn available_credit(limit: Decimal, exposure: Decimal) -> Decimal {
    limit - exposure
}

/// Exposure as a share of the limit, in percent with one decimal; `None` without a limit.
pub fn utilization_percent(limit: Decimal, exposure: Decimal) -> Option<Decimal> {
    (limit > Decimal::ZERO).then(|| (exposure * Decimal::ONE_HUNDRED / limit).round_dp(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(limit: Option<i64>, exposure: i64, new_amount: i64) -> CreditCheck<'static> {
        CreditCheck {
            hold_reason: None,
            limit: limit.map(Decimal::from),
            exposure: Decimal::from(exposure),
            new_amount: Decimal::from(new_amount),
            same_currency: true,
        }
    }

    #[test]
    fn within_the_limit_is_allowed_and_over_it_follows_the_policy() {
        assert_eq!(
            check(Some(1000), 600, 400).decide(OverLimitPolicy::Block, false),
            CreditDecision::Allowed
        );
        let over = check(Some(1000), 600, 401);
        assert!(matches!(
            over.decide(OverLimitPolicy::Block, false),
            CreditDecision::Blocked(CreditBreach::OverLimit { .. })
        ));
        assert!(matches!(
            over.decide(OverLimitPolicy::Warn, false),
            CreditDecision::Flagged(_)
        ));
        assert!(matches!(
            over.decide(OverLimitPolicy::Block, true),
            CreditDecision::Flagged(_)
        ));
        assert_eq!(
            check(None, 10_000, 10_000).decide(OverLimitPolicy::Block, false),
            CreditDecision::Allowed
        );
    }

    #[test]
    fn a_hold_blocks_even_a_small_invoice_and_another_currency_is_not_converted() {
        let held = CreditCheck {
            hold_reason: Some("90 days overdue"),
            ..check(Some(1000), 0, 1)
        };
        assert!(matches!(
            held.decide(OverLimitPolicy::Block, false),
            CreditDecision::Blocked(CreditBreach::OnHold { .. })
        ));
        let usd = CreditCheck {
            same_currency: false,
            ..check(Some(1000), 900, 5000)
        };
        assert_eq!(
            usd.decide(OverLimitPolicy::Block, false),
            CreditDecision::Allowed
        );
    }

    #[test]
    fn utilization() {
        assert_eq!(
            utilization_percent(Decimal::from(3), Decimal::from(2)),
            Some("66.7".parse().unwrap())
        );
        assert_eq!(utilization_percent(Decimal::ZERO, Decimal::from(2)), None);
        assert_eq!(
            available_credit(Decimal::from(100), Decimal::from(130)),
            Decimal::from(-30)
        );
    }
}
