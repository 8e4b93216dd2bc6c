//! Late fees and interest: the ladder's rule and the pure arithmetic of a charge.
//!
//! A one-time fee (a fixed amount, or a percentage of what is still owed) is charged once per
//! invoice. Interest accrues day by day on the balance actually outstanding that day, so a
//! partial payment lowers it from the day it was received; it starts after the grace days,
//! covers each day once (a charge names its period, and the next one starts the day after), and
//! stops at a cap expressed as a percentage of the invoice total.

use crate::money::Currency;
use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// Days in the year that an annual rate is divided by (the actual/365 convention).
pub const DAYS_IN_YEAR: i64 = 365;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "SCREAMING_SNAKE_CASE",
    rename_all_fields = "camelCase"
)]
pub enum FeeRule {
    /// A fixed amount, once, on invoices in its currency.
    Fixed { amount: Decimal, currency: Currency },
    /// A percentage of the balance due on the day of the charge, once.
    Percent { percent: Decimal },
    /// An annual rate per day overdue after `grace_days`, billed in periods, at most
    /// `cap_percent` of the invoice total over the invoice's life.
    Interest {
        annual_rate_percent: Decimal,
        grace_days: u32,
        cap_percent: Option<Decimal>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeeRuleError {
    #[error("a fixed fee must be more than zero")]
    Amount,
    #[error("a percentage must be more than 0 and at most 100")]
    Percent,
    #[error("an annual rate must be more than 0 and at most 100 percent")]
    Rate,
    #[error("grace days must be at most 365")]
    Grace,
    #[error("a cap must be more than 0 and at most 100 percent of the invoice")]
    Cap,
}

impl FeeRule {
    pub fn validate(&self) -> Result<(), FeeRuleError> {
        let percent = |value: Decimal| value > Decimal::ZERO && value <= Decimal::ONE_HUNDRED;
        match self {
            FeeRule::Fixed { amount, currency } => {
                if *amount <= Decimal::ZERO || amount.normalize().scale() > currency.minor_units() {
                    return Err(FeeRuleError::Amount);
                }
            }
            FeeRule::Percent { percent: value } if !percent(*value) => {
                return Err(FeeRuleError::Percent);
            }
            FeeRule::Percent { .. } => {}
            FeeRule::Interest {
                annual_rate_percent,
                grace_days,
                cap_percent,
            } => {
                if !percent(*annual_rate_percent) {
                    return Err(FeeRuleError::Rate);
                }
                if *grace_days > 365 {
                    return Err(FeeRuleError::Grace);
                }
                if cap_percent.is_some_and(|cap| !percent(cap)) {
                    return Err(FeeRuleError::Cap);
                }
            }
        }
        Ok(())
    }

    pub fn kind(&self) -> &'static str {
        match self {
            FeeRule::Fixed { .. } => "FIXED",
            FeeRule::Percent { .. } => "PERCENT",
            FeeRule::Interest { .. } => "INTEREST",
        }
    }
}

fn round(amount: Decimal, currency: Currency) -> Decimal {
    amount.round_dp_with_strategy(
        currency.minor_units(),
        RoundingStrategy::MidpointAwayFromZero,
    )
}

/// A charge to make: an amount for a period of days (both ends included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    pub amount: Decimal,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Day-count basis of an interest charge, for the fee invoice's line: (days, average balance).
    pub days: i64,
}

/// The one-time fee for an invoice charged on `today`, or `None` when the rule is interest,
/// the currency does not match a fixed fee, or nothing is owed.
pub fn one_time_fee(
    rule: &FeeRule,
    balance: Decimal,
    currency: Currency,
    today: NaiveDate,
) -> Option<Charge> {
    if balance <= Decimal::ZERO {
        return None;
    }
    let amount = match rule {
        FeeRule::Fixed {
            amount,
            currency: fee_currency,
        } if *fee_currency == currency => *amount,
        FeeRule::Percent { percent } => round(balance * percent / Decimal::ONE_HUNDRED, currency),
        _ => return None,
    };
    (amount > Decimal::ZERO).then_some(Charge {
        amount,
        from: today,
        to: today,
        days: 0,
    })
}

/// What the invoice owed from a day on: `balance` from `from` until the next change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BalanceFrom {
    pub from: NaiveDate,
    pub balance: Decimal,
}

/// The balance history of an invoice: its total from the due date, less each payment or
/// credit from the day it counts. `changes` are (day, amount off the balance); a reversal is a
/// negative amount.
pub fn balance_history(
    total: Decimal,
    due_date: NaiveDate,
    changes: &[(NaiveDate, Decimal)],
) -> Vec<BalanceFrom> {
    let mut changes = changes.to_vec();
    changes.sort_by_key(|(day, _)| *day);
    let mut balance = total;
    let mut history = vec![BalanceFrom {
        from: due_date,
        balance,
    }];
    for (day, amount) in changes {
        balance -= amount;
        let from = day.max(due_date);
        match history.last_mut() {
            Some(last) if last.from == from => last.balance = balance,
            _ => history.push(BalanceFrom { from, balance }),
        }
    }
    history
}

/// The interest to charge on `today` for the days not yet charged: from the day after the
/// grace days (or after `charged_through`) to `today`, on each day's balance, less nothing
/// already charged beyond the cap. `None` when there is nothing to charge.
#[allow(clippy::too_many_arguments)]
pub fn interest(
    rule: &FeeRule,
    total: Decimal,
    currency: Currency,
    due_date: NaiveDate,
    history: &[BalanceFrom],
    charged_through: Option<NaiveDate>,
    charged_so_far: Decimal,
    today: NaiveDate,
) -> Option<Charge> {
    let FeeRule::Interest {
        annual_rate_percent,
        grace_days,
        cap_percent,
    } = rule
    else {
        return None;
    };
    let first_day = due_date + chrono::Days::new(u64::from(*grace_days) + 1);
    let from = match charged_through {
        Some(through) => first_day.max(through + chrono::Days::new(1)),
        None => first_day,
    };
    if from > today {
        return None;
    }
    // Sum of balance x days over the period, segment by segment.
    let mut balance_days = Decimal::ZERO;
    for (index, segment) in history.iter().enumerate() {
        let segment_end = history
            .get(index + 1)
            .map(|next| next.from - chrono::Days::new(1))
            .unwrap_or(today);
        let start = segment.from.max(from);
        let end = segment_end.min(today);
        if start > end || segment.balance <= Decimal::ZERO {
            continue;
        }
        balance_days += segment.balance * Decimal::from((end - start).num_days() + 1);
    }
    let mut amount = round(
        balance_days * annual_rate_percent / Decimal::ONE_HUNDRED / Decimal::from(DAYS_IN_YEAR),
        currency,
    );
    if let Some(cap) = cap_percent {
        let cap = round(total * cap / Decimal::ONE_HUNDRED, currency);
        amount = amount.min((cap - charged_so_far).max(Decimal::ZERO));
    }
    (amount > Decimal::ZERO).then_some(Charge {
        amount,
        from,
        to: today,
        days: (today - from).num_days() + 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn yearly(rate: &str, grace: u32, cap: Option<&str>) -> FeeRule {
        FeeRule::Interest {
            annual_rate_percent: rate.parse().unwrap(),
            grace_days: grace,
            cap_percent: cap.map(|cap| cap.parse().unwrap()),
        }
    }

    #[test]
    fn a_percentage_fee_is_on_what_is_still_owed() {
        let rule = FeeRule::Percent { percent: d("1.5") };
        let charge = one_time_fee(&rule, d("600.00"), Currency::CNY, day(7, 1)).unwrap();
        assert_eq!(charge.amount, d("9.00"));
        assert_eq!(
            one_time_fee(&rule, Decimal::ZERO, Currency::CNY, day(7, 1)),
            None
        );
        // Rounded to the currency: yen have no minor unit.
        let yen = one_time_fee(&rule, d("1001"), Currency::JPY, day(7, 1)).unwrap();
        assert_eq!(yen.amount, d("15"));
    }

    #[test]
    fn a_fixed_fee_applies_only_in_its_currency() {
        let rule = FeeRule::Fixed {
            amount: d("50"),
            currency: Currency::CNY,
        };
        assert_eq!(
            one_time_fee(&rule, d("10"), Currency::CNY, day(7, 1)).map(|c| c.amount),
            Some(d("50"))
        );
        assert_eq!(one_time_fee(&rule, d("10"), Currency::USD, day(7, 1)), None);
    }

    #[test]
    fn interest_follows_the_balance_after_a_partial_payment() {
        // 1,000 due 1 June, 36.5% a year (0.1% a day), no grace; 400 paid on 11 June.
        let rule = yearly("36.5", 0, None);
        let history = balance_history(d("1000"), day(6, 1), &[(day(6, 11), d("400"))]);
        let charge = interest(
            &rule,
            d("1000"),
            Currency::CNY,
            day(6, 1),
            &history,
            None,
            Decimal::ZERO,
            day(6, 20),
        )
        .unwrap();
        // 2..10 June: 9 days x 1,000 x 0.1% = 9.00; 11..20 June: 10 days x 600 x 0.1% = 6.00.
        assert_eq!(charge.amount, d("15.00"));
        assert_eq!(
            (charge.from, charge.to, charge.days),
            (day(6, 2), day(6, 20), 19)
        );
    }

    #[test]
    fn interest_never_covers_a_day_twice_and_waits_for_the_grace_days() {
        let rule = yearly("36.5", 10, None);
        let history = balance_history(d("1000"), day(6, 1), &[]);
        let at = |today, through| {
            interest(
                &rule,
                d("1000"),
                Currency::CNY,
                day(6, 1),
                &history,
                through,
                Decimal::ZERO,
                today,
            )
        };
        assert_eq!(at(day(6, 11), None), None, "still within grace");
        let first = at(day(6, 20), None).unwrap();
        assert_eq!((first.from, first.amount), (day(6, 12), d("9.00")));
        assert_eq!(at(day(6, 20), Some(day(6, 20))), None, "charged already");
        let next = at(day(6, 25), Some(day(6, 20))).unwrap();
        assert_eq!((next.from, next.amount), (day(6, 21), d("5.00")));
    }

    #[test]
    fn interest_stops_at_the_cap() {
        let rule = yearly("36.5", 0, Some("2"));
        let history = balance_history(d("1000"), day(6, 1), &[]);
        let charge = interest(
            &rule,
            d("1000"),
            Currency::CNY,
            day(6, 1),
            &history,
            Some(day(6, 15)),
            d("14.00"),
            day(6, 30),
        )
        .unwrap();
        // 15 days would be 15.00, but only 20.00 - 14.00 is left under the cap.
        assert_eq!(charge.amount, d("6.00"));
        assert_eq!(
            interest(
                &rule,
                d("1000"),
                Currency::CNY,
                day(6, 1),
                &history,
                Some(day(6, 30)),
                d("20.00"),
                day(7, 30)
            ),
            None
        );
    }

    #[test]
    fn a_paid_invoice_accrues_nothing_and_a_reversal_restores_the_balance() {
        let rule = yearly("36.5", 0, None);
        let paid = balance_history(d("1000"), day(6, 1), &[(day(5, 20), d("1000"))]);
        assert_eq!(
            interest(
                &rule,
                d("1000"),
                Currency::CNY,
                day(6, 1),
                &paid,
                None,
                Decimal::ZERO,
                day(6, 30)
            ),
            None
        );
        let reversed = balance_history(
            d("1000"),
            day(6, 1),
            &[(day(5, 20), d("1000")), (day(6, 21), d("-1000"))],
        );
        let charge = interest(
            &rule,
            d("1000"),
            Currency::CNY,
            day(6, 1),
            &reversed,
            None,
            Decimal::ZERO,
            day(6, 30),
        )
        .unwrap();
        assert_eq!(charge.amount, d("10.00"), "21..30 June at 1,000");
    }

    #[test]
    fn rules_are_checked() {
        assert!(yearly("12", 5, Some("10")).validate().is_ok());
        assert_eq!(yearly("0", 5, None).validate(), Err(FeeRuleError::Rate));
        assert_eq!(yearly("12", 400, None).validate(), Err(FeeRuleError::Grace));
        assert_eq!(
            FeeRule::Percent { percent: d("101") }.validate(),
            Err(FeeRuleError::Percent)
        );
        assert_eq!(
            FeeRule::Fixed {
                amount: d("1.001"),
                currency: Currency::CNY
            }
            .validate(),
            Err(FeeRuleError::Amount)
        );
        let json: FeeRule = serde_json::from_str(r#"{"kind":"PERCENT","percent":"1.5"}"#).unwrap();
        assert_eq!(json, FeeRule::Percent { percent: d("1.5") });
    }
}
