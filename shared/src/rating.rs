//! Credit ratings from payment behaviour: a score from 0 to 100 and a grade from A to E, with
//! every factor's contribution and a one-line reason, so the contributions add up to the score
//! and anyone can see why a customer got its grade.
//!
//! Each factor has a weight (its most points); the customer earns a share of it from its
//! history. A customer without history gets a neutral share, so a new customer is a C, not an A
//! or an E.

use crate::messages::{Localized, Text};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(
    feature = "graphql",
    derive(async_graphql::Enum),
    graphql(name = "RiskGrade")
)]
pub enum Grade {
    A,
    B,
    C,
    D,
    E,
}

impl Grade {
    pub const ALL: [Grade; 5] = [Grade::A, Grade::B, Grade::C, Grade::D, Grade::E];

    pub fn of(score: Decimal) -> Grade {
        match score {
            s if s >= Decimal::from(80) => Grade::A,
            s if s >= Decimal::from(65) => Grade::B,
            s if s >= Decimal::from(50) => Grade::C,
            s if s >= Decimal::from(35) => Grade::D,
            _ => Grade::E,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
            Grade::E => "E",
        }
    }

    pub fn parse(text: &str) -> Option<Grade> {
        Grade::ALL.into_iter().find(|grade| grade.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Factor {
    DaysBeyondTerms,
    DaysBeyondTermsTrend,
    LatePaymentShare,
    PartialPayments,
    BrokenPromises,
    Disputes,
    CreditUse,
    RelationshipAge,
    Exposure,
}

/// A customer's payment behaviour over the last year, from the database.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Behaviour {
    /// Invoices settled in the last year, and the average days past due at settlement (0 when
    /// paid on time).
    pub settled_invoices: i64,
    pub average_days_beyond_terms: Decimal,
    /// The same average over the last 90 days and over the 9 months before, for the trend.
    pub recent_days_beyond_terms: Option<Decimal>,
    pub earlier_days_beyond_terms: Option<Decimal>,
    pub paid_late: i64,
    /// Invoices paid in more than one payment.
    pub paid_in_parts: i64,
    pub promises_judged: i64,
    pub promises_broken: i64,
    pub invoices_issued: i64,
    pub disputes: i64,
    /// Open balance and credit limit (none: no limit set).
    pub balance: Decimal,
    pub credit_limit: Option<Decimal>,
    pub months_as_customer: i64,
    /// The customer's share of the company's open AR, 0 to 1.
    pub share_of_ar: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StoredContribution", into = "StoredContribution")]
pub struct Contribution {
    pub factor: Factor,
    /// Points earned, of `weight`.
    pub points: Decimal,
    pub weight: Decimal,
    /// The measure behind it, as shown ("12.5 days", "30%").
    pub value: String,
    /// Why it scored so, as a code and parameters (`domain::messages::Text`), read in the
    /// reader's language.
    pub reason: Text,
}

/// A contribution as stored in a rating's `factors`: its reason as `reasonText` (code and
/// parameters) and, beside it, in English as `reason`, which a server of the previous version
/// reads while a rollout runs (expand, then contract); this version never reads `reason`.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredContribution {
    factor: Factor,
    points: Decimal,
    weight: Decimal,
    value: String,
    reason_text: Text,
    #[serde(default, skip_deserializing)]
    reason: String,
}

impl From<StoredContribution> for Contribution {
    fn from(stored: StoredContribution) -> Self {
        Contribution {
            factor: stored.factor,
            points: stored.points,
            weight: stored.weight,
            value: stored.value,
            reason: stored.reason_text,
        }
    }
}

impl From<Contribution> for StoredContribution {
    fn from(contribution: Contribution) -> Self {
        StoredContribution {
            factor: contribution.factor,
            points: contribution.points,
            weight: contribution.weight,
            value: contribution.value,
            reason: contribution.reason.text(crate::Locale::En),
            reason_text: contribution.reason,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    /// The sum of the contributions' points, 0 to 100.
    pub score: Decimal,
    pub grade: Grade,
    pub contributions: Vec<Contribution>,
}

fn clamp01(value: Decimal) -> Decimal {
    value.clamp(Decimal::ZERO, Decimal::ONE)
}

fn points(weight: i64, share: Decimal) -> Decimal {
    (Decimal::from(weight) * clamp01(share))
        .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
}

/// A share as a whole percentage, without the sign: `0.3` is `30`.
fn percent_number(share: Decimal) -> String {
    (share * Decimal::ONE_HUNDRED).round().to_string()
}

fn percent(share: Decimal) -> String {
    format!("{}%", percent_number(share))
}

/// Rates a customer.
pub fn rate(b: &Behaviour) -> Rating {
    let neutral = Decimal::new(5, 1);
    let mut out = Vec::new();
    let mut push = |factor, weight: i64, share: Decimal, value: String, reason: Text| {
        out.push(Contribution {
            factor,
            points: points(weight, share),
            weight: Decimal::from(weight),
            value,
            reason,
        });
    };
    let has_history = b.settled_invoices > 0;

    // Days beyond terms: full marks when paid on time, none at 60 days late on average.
    let dbt = b.average_days_beyond_terms.max(Decimal::ZERO);
    if has_history {
        push(
            Factor::DaysBeyondTerms,
            25,
            Decimal::ONE - dbt / Decimal::from(60),
            format!("{} days", dbt.round_dp(1).normalize()),
            Text::RatingPaysLate {
                days: dbt.round_dp(1).normalize().to_string(),
            },
        );
    } else {
        push(
            Factor::DaysBeyondTerms,
            25,
            neutral,
            "—".into(),
            Text::RatingNoPaidInvoices {},
        );
    }

    // The trend: recent payment speed against the months before.
    match (b.recent_days_beyond_terms, b.earlier_days_beyond_terms) {
        (Some(recent), Some(earlier)) => {
            let change = recent - earlier;
            let share = Decimal::ONE - (change + Decimal::from(10)) / Decimal::from(20);
            let reason = if change > Decimal::from(2) {
                Text::RatingSlower {
                    days: change.round_dp(1).normalize().to_string(),
                }
            } else if change < Decimal::from(-2) {
                Text::RatingFaster {
                    days: (-change).round_dp(1).normalize().to_string(),
                }
            } else {
                Text::RatingSameSpeed {}
            };
            push(
                Factor::DaysBeyondTermsTrend,
                10,
                share,
                format!("{:+} days", change.round_dp(1).normalize()),
                reason,
            );
        }
        _ => push(
            Factor::DaysBeyondTermsTrend,
            10,
            neutral,
            "—".into(),
            Text::RatingNoTrend {},
        ),
    }

    // Share paid late.
    if has_history {
        let late = Decimal::from(b.paid_late) / Decimal::from(b.settled_invoices);
        push(
            Factor::LatePaymentShare,
            15,
            Decimal::ONE - late,
            percent(late),
            Text::RatingLateShare {
                percent: percent_number(late),
            },
        );
        let parts = Decimal::from(b.paid_in_parts) / Decimal::from(b.settled_invoices);
        push(
            Factor::PartialPayments,
            5,
            Decimal::ONE - parts,
            percent(parts),
            Text::RatingPartsShare {
                percent: percent_number(parts),
            },
        );
    } else {
        push(
            Factor::LatePaymentShare,
            15,
            neutral,
            "—".into(),
            Text::RatingNoPaidInvoices {},
        );
        push(
            Factor::PartialPayments,
            5,
            neutral,
            "—".into(),
            Text::RatingNoPaidInvoices {},
        );
    }

    // Broken promises.
    if b.promises_judged > 0 {
        let broken = Decimal::from(b.promises_broken) / Decimal::from(b.promises_judged);
        push(
            Factor::BrokenPromises,
            10,
            Decimal::ONE - broken,
            format!("{}/{}", b.promises_broken, b.promises_judged),
            Text::RatingBrokePromises {
                broken: b.promises_broken,
                judged: b.promises_judged,
            },
        );
    } else {
        push(
            Factor::BrokenPromises,
            10,
            Decimal::new(7, 1),
            "0/0".into(),
            Text::RatingNoPromises {},
        );
    }

    // Disputes: one invoice in five disputed costs all the points.
    let dispute_share = if b.invoices_issued > 0 {
        Decimal::from(b.disputes) / Decimal::from(b.invoices_issued)
    } else {
        Decimal::ZERO
    };
    push(
        Factor::Disputes,
        5,
        Decimal::ONE - dispute_share * Decimal::from(5),
        percent(dispute_share),
        Text::RatingDisputedShare {
            percent: percent_number(dispute_share),
        },
    );

    // Use of the credit limit: up to half is fine; at or over the limit, nothing.
    match b.credit_limit.filter(|limit| *limit > Decimal::ZERO) {
        Some(limit) => {
            let used = b.balance / limit;
            push(
                Factor::CreditUse,
                10,
                Decimal::ONE - (used - neutral) * Decimal::TWO,
                percent(used),
                Text::RatingCreditUse {
                    percent: percent_number(used),
                },
            );
        }
        None => push(
            Factor::CreditUse,
            10,
            neutral,
            "—".into(),
            Text::RatingNoLimit {},
        ),
    }

    // Age of the relationship: two years earn full marks.
    push(
        Factor::RelationshipAge,
        10,
        Decimal::from(b.months_as_customer) / Decimal::from(24),
        format!("{} months", b.months_as_customer),
        Text::RatingCustomerFor {
            months: b.months_as_customer,
        },
    );

    // Exposure: a customer holding a quarter or more of all receivables is a concentration risk.
    push(
        Factor::Exposure,
        10,
        Decimal::ONE - b.share_of_ar * Decimal::from(4),
        percent(b.share_of_ar),
        Text::RatingExposure {
            percent: percent_number(b.share_of_ar),
        },
    );

    let score: Decimal = out.iter().map(|c| c.points).sum();
    Rating {
        score,
        grade: Grade::of(score),
        contributions: out,
    }
}

/// What the grade suggests: a credit limit (from the customer's average monthly sales) and
/// payment terms in days. E means cash in advance: no credit.
pub fn recommendation(grade: Grade, average_monthly_sales: Decimal) -> (Decimal, i32) {
    let (months, terms) = match grade {
        Grade::A => (Decimal::from(3), 60),
        Grade::B => (Decimal::TWO, 45),
        Grade::C => (Decimal::new(15, 1), 30),
        Grade::D => (Decimal::ONE, 15),
        Grade::E => (Decimal::ZERO, 0),
    };
    ((average_monthly_sales * months).round_dp(0), terms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> Behaviour {
        Behaviour {
            settled_invoices: 40,
            average_days_beyond_terms: Decimal::ZERO,
            recent_days_beyond_terms: Some(Decimal::ZERO),
            earlier_days_beyond_terms: Some(Decimal::from(3)),
            paid_late: 1,
            paid_in_parts: 0,
            promises_judged: 2,
            promises_broken: 0,
            invoices_issued: 40,
            disputes: 0,
            balance: Decimal::from(20_000),
            credit_limit: Some(Decimal::from(100_000)),
            months_as_customer: 36,
            share_of_ar: Decimal::new(2, 2),
        }
    }

    #[test]
    fn contributions_add_up_to_the_score_for_any_behaviour() {
        let cases = [
            good(),
            Behaviour::default(),
            Behaviour {
                settled_invoices: 10,
                average_days_beyond_terms: Decimal::from(75),
                recent_days_beyond_terms: Some(Decimal::from(90)),
                earlier_days_beyond_terms: Some(Decimal::from(30)),
                paid_late: 10,
                paid_in_parts: 7,
                promises_judged: 4,
                promises_broken: 4,
                invoices_issued: 12,
                disputes: 5,
                balance: Decimal::from(150_000),
                credit_limit: Some(Decimal::from(100_000)),
                months_as_customer: 3,
                share_of_ar: Decimal::new(40, 2),
            },
        ];
        for behaviour in cases {
            let rating = rate(&behaviour);
            let sum: Decimal = rating.contributions.iter().map(|c| c.points).sum();
            assert_eq!(sum, rating.score);
            assert!(rating.score >= Decimal::ZERO && rating.score <= Decimal::ONE_HUNDRED);
            let weights: Decimal = rating.contributions.iter().map(|c| c.weight).sum();
            assert_eq!(
                weights,
                Decimal::ONE_HUNDRED,
                "the weights are the whole score"
            );
            assert!(rating.contributions.iter().all(|c| c.points <= c.weight));
        }
    }

    #[test]
    fn a_prompt_payer_is_an_a_a_chronic_late_payer_an_e_and_a_newcomer_a_c() {
        assert_eq!(rate(&good()).grade, Grade::A);
        let bad = Behaviour {
            settled_invoices: 10,
            average_days_beyond_terms: Decimal::from(70),
            recent_days_beyond_terms: Some(Decimal::from(80)),
            earlier_days_beyond_terms: Some(Decimal::from(40)),
            paid_late: 10,
            paid_in_parts: 8,
            promises_judged: 5,
            promises_broken: 5,
            invoices_issued: 10,
            disputes: 3,
            balance: Decimal::from(120),
            credit_limit: Some(Decimal::from(100)),
            months_as_customer: 2,
            share_of_ar: Decimal::new(30, 2),
        };
        assert_eq!(rate(&bad).grade, Grade::E, "{:?}", rate(&bad));
        let new = Behaviour {
            months_as_customer: 1,
            ..Behaviour::default()
        };
        assert_eq!(rate(&new).grade, Grade::C, "{:?}", rate(&new).score);
    }

    #[test]
    fn every_factor_says_why() {
        let rating = rate(&good());
        assert_eq!(rating.contributions.len(), 9);
        assert!(
            rating
                .contributions
                .iter()
                .all(|c| !c.reason.text(crate::Locale::En).is_empty())
        );
        let late = rating
            .contributions
            .iter()
            .find(|c| c.factor == Factor::DaysBeyondTermsTrend)
            .unwrap();
        assert_eq!(late.reason, Text::RatingFaster { days: "3".into() });
        assert_eq!(
            late.reason.text(crate::Locale::En),
            "Paying 3 days faster than before"
        );
        assert_eq!(late.reason.text(crate::Locale::ZhCn), "付款比以前快 3 天");
    }

    #[test]
    fn the_grade_recommends_a_limit_and_terms() {
        assert_eq!(
            recommendation(Grade::A, Decimal::from(10_000)),
            (Decimal::from(30_000), 60)
        );
        assert_eq!(
            recommendation(Grade::E, Decimal::from(10_000)),
            (Decimal::ZERO, 0)
        );
    }
}
