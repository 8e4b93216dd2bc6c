//! The collector's work queue: who to work on first, and why.
//!
//! Each customer needing action is ranked by expected recovery: what is overdue, times the
//! likelihood that the customer pays (from its own history), times the urgency of acting now.
//! Every factor comes back as a reason, so the collector sees why a customer is where it is.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WorkReasonCode {
    /// `value`: the overdue amount; `days`: the most days overdue.
    Overdue,
    /// `value`: the likelihood to pay, in percent, from the customer's history.
    LikelyToPay,
    UnlikelyToPay,
    /// No history yet: an even chance is assumed.
    NoHistory,
    /// `days`: days since the promise broke.
    BrokenPromise,
    /// `days`: days the task is late (0: due today).
    TaskDue,
    /// The follow-up date set on the last activity has come.
    FollowUpDue,
    /// `days`: days since anyone contacted the customer (none: never).
    NotContacted,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkReason {
    pub code: WorkReasonCode,
    pub value: Option<Decimal>,
    pub days: Option<i64>,
}

/// What the ranking knows about a customer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    pub overdue: Decimal,
    pub max_days_overdue: i64,
    /// Invoices settled in the last year, and how many of those were paid by their due date.
    pub settled_invoices: i64,
    pub settled_on_time: i64,
    /// Promises judged in the last year, and how many were kept in full.
    pub promises_judged: i64,
    pub promises_kept: i64,
    pub days_since_broken_promise: Option<i64>,
    /// Days an open task is late (0: due today), when one is due.
    pub task_days_late: Option<i64>,
    pub follow_up_due: bool,
    pub days_since_contact: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranked {
    /// Overdue x likelihood x urgency, in the customer's currency: the sort key.
    pub expected_recovery: Decimal,
    /// 0 to 1.
    pub likelihood: Decimal,
    /// 1 and up.
    pub urgency: Decimal,
    pub reasons: Vec<WorkReason>,
}

fn reason(code: WorkReasonCode, value: Option<Decimal>, days: Option<i64>) -> WorkReason {
    WorkReason { code, value, days }
}

/// Likelihood to pay, 0.05 to 0.95: mostly the share of invoices paid on time, then kept
/// promises; an even chance when there is no history.
pub fn likelihood(history: &History) -> Option<Decimal> {
    let on_time = (history.settled_invoices > 0)
        .then(|| Decimal::from(history.settled_on_time) / Decimal::from(history.settled_invoices));
    let kept = (history.promises_judged > 0)
        .then(|| Decimal::from(history.promises_kept) / Decimal::from(history.promises_judged));
    let value = match (on_time, kept) {
        (None, None) => return None,
        (Some(on_time), None) => Decimal::new(2, 1) + on_time * Decimal::new(7, 1),
        (None, Some(kept)) => Decimal::new(2, 1) + kept * Decimal::new(6, 1),
        (Some(on_time), Some(kept)) => {
            Decimal::new(15, 2) + on_time * Decimal::new(55, 2) + kept * Decimal::new(25, 2)
        }
    };
    Some(value.clamp(Decimal::new(5, 2), Decimal::new(95, 2)))
}

/// Ranks one customer.
pub fn rank(history: &History) -> Ranked {
    let mut reasons = Vec::new();
    if history.overdue > Decimal::ZERO {
        reasons.push(reason(
            WorkReasonCode::Overdue,
            Some(history.overdue),
            Some(history.max_days_overdue),
        ));
    }
    let likely = likelihood(history);
    let likelihood = likely.unwrap_or(Decimal::new(5, 1));
    match likely {
        None => reasons.push(reason(WorkReasonCode::NoHistory, None, None)),
        Some(value) => reasons.push(reason(
            if value >= Decimal::new(5, 1) {
                WorkReasonCode::LikelyToPay
            } else {
                WorkReasonCode::UnlikelyToPay
            },
            Some((value * Decimal::ONE_HUNDRED).round()),
            None,
        )),
    }
    // Urgency: older debt is harder to collect, so it grows with age (up to 3x at 60 days);
    // a broken promise, a task due and a follow-up date each add to it.
    let mut urgency =
        Decimal::ONE + (Decimal::from(history.max_days_overdue.clamp(0, 60)) / Decimal::from(30));
    if let Some(days) = history.days_since_broken_promise {
        urgency += Decimal::ONE;
        reasons.push(reason(WorkReasonCode::BrokenPromise, None, Some(days)));
    }
    if let Some(days) = history.task_days_late {
        urgency += Decimal::new(5, 1) + Decimal::from(days.clamp(0, 10)) / Decimal::from(10);
        reasons.push(reason(WorkReasonCode::TaskDue, None, Some(days)));
    }
    if history.follow_up_due {
        urgency += Decimal::new(5, 1);
        reasons.push(reason(WorkReasonCode::FollowUpDue, None, None));
    }
    match history.days_since_contact {
        None if history.overdue > Decimal::ZERO => {
            urgency += Decimal::new(5, 1);
            reasons.push(reason(WorkReasonCode::NotContacted, None, None));
        }
        Some(days) if days >= 14 && history.overdue > Decimal::ZERO => {
            urgency += Decimal::new(3, 1);
            reasons.push(reason(WorkReasonCode::NotContacted, None, Some(days)));
        }
        _ => {}
    }
    Ranked {
        expected_recovery: (history.overdue * likelihood * urgency).round_dp(2),
        likelihood,
        urgency,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overdue(amount: i64, days: i64) -> History {
        History {
            overdue: Decimal::from(amount),
            max_days_overdue: days,
            days_since_contact: Some(1),
            ..History::default()
        }
    }

    #[test]
    fn a_good_payer_with_the_same_debt_ranks_above_a_bad_one() {
        let good = History {
            settled_invoices: 10,
            settled_on_time: 9,
            ..overdue(1000, 20)
        };
        let bad = History {
            settled_invoices: 10,
            settled_on_time: 1,
            ..overdue(1000, 20)
        };
        assert!(rank(&good).expected_recovery > rank(&bad).expected_recovery);
        assert_eq!(rank(&good).reasons[1].code, WorkReasonCode::LikelyToPay);
        assert_eq!(rank(&bad).reasons[1].code, WorkReasonCode::UnlikelyToPay);
    }

    #[test]
    fn urgency_grows_with_age_broken_promises_and_tasks_due() {
        let base = rank(&overdue(1000, 10));
        let older = rank(&overdue(1000, 50));
        assert!(older.urgency > base.urgency);
        let broken = rank(&History {
            days_since_broken_promise: Some(1),
            ..overdue(1000, 10)
        });
        assert!(broken.expected_recovery > base.expected_recovery);
        assert!(
            broken
                .reasons
                .iter()
                .any(|r| r.code == WorkReasonCode::BrokenPromise)
        );
        let task = rank(&History {
            task_days_late: Some(0),
            ..overdue(1000, 10)
        });
        assert!(task.urgency > base.urgency);
    }

    #[test]
    fn no_history_is_an_even_chance_and_likelihood_stays_in_bounds() {
        let fresh = rank(&overdue(1000, 10));
        assert_eq!(fresh.likelihood, Decimal::new(5, 1));
        assert!(
            fresh
                .reasons
                .iter()
                .any(|r| r.code == WorkReasonCode::NoHistory)
        );
        let perfect = History {
            settled_invoices: 5,
            settled_on_time: 5,
            promises_judged: 3,
            promises_kept: 3,
            ..History::default()
        };
        assert_eq!(likelihood(&perfect), Some(Decimal::new(95, 2)));
        let hopeless = History {
            settled_invoices: 5,
            promises_judged: 3,
            ..History::default()
        };
        assert_eq!(likelihood(&hopeless), Some(Decimal::new(15, 2)));
    }
}
