//! Collections: the channels and outcomes of a contact with a customer, promises to pay, and
//! the rule that decides whether a promise was kept.

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// How long after logging an activity may still be corrected (then it is history).
pub const EDIT_WINDOW_HOURS: i64 = 24;

string_enum!(CollectionChannel {
    Phone => "PHONE",
    Email => "EMAIL",
    Sms => "SMS",
    Wechat => "WECHAT",
    Visit => "VISIT",
    Letter => "LETTER",
    Legal => "LEGAL",
    Other => "OTHER",
});

string_enum!(CollectionOutcome {
    NoAnswer => "NO_ANSWER",
    LeftMessage => "LEFT_MESSAGE",
    PromiseToPay => "PROMISE_TO_PAY",
    DisputeRaised => "DISPUTE_RAISED",
    PaymentConfirmed => "PAYMENT_CONFIRMED",
    Refused => "REFUSED",
    WrongContact => "WRONG_CONTACT",
    CallbackRequested => "CALLBACK_REQUESTED",
    Other => "OTHER",
});

string_enum!(TaskKind {
    Call => "CALL",
    Visit => "VISIT",
    Sms => "SMS",
    Wechat => "WECHAT",
    Email => "EMAIL",
    Letter => "LETTER",
    Review => "REVIEW",
});

impl TaskKind {
    /// The channel an activity completing a task of this kind used, unless the collector says
    /// otherwise (a call task was a phone call).
    pub const fn channel(self) -> CollectionChannel {
        match self {
            TaskKind::Call => CollectionChannel::Phone,
            TaskKind::Visit => CollectionChannel::Visit,
            TaskKind::Sms => CollectionChannel::Sms,
            TaskKind::Wechat => CollectionChannel::Wechat,
            TaskKind::Email => CollectionChannel::Email,
            TaskKind::Letter => CollectionChannel::Letter,
            TaskKind::Review => CollectionChannel::Other,
        }
    }
}

string_enum!(TaskStatus {
    Open => "OPEN",
    Done => "DONE",
    Cancelled => "CANCELLED",
});

// Whose work a list shows: the reader's own, everyone's, or what nobody has yet (customers
// without a collector, tasks without an assignee).
string_enum!(WorklistScope {
    Mine => "MINE",
    All => "ALL",
    Unassigned => "UNASSIGNED",
});

/// The most customers one `assignCustomers` changes.
pub const MAX_ASSIGNED_AT_ONCE: usize = 500;

string_enum!(PromiseStatus {
    Open => "OPEN",
    Kept => "KEPT",
    PartiallyKept => "PARTIALLY_KEPT",
    Broken => "BROKEN",
    Cancelled => "CANCELLED",
});

/// How far ahead a promise to pay or a dunning pause may reach: a year, leap years included.
/// Both pause the ladder, so an unbounded date would pause it forever.
pub const MAX_DAYS_AHEAD: i64 = 366;

/// Why a day is not between today and a year from today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DayAheadError {
    #[error("is before today")]
    Past,
    #[error("is more than {MAX_DAYS_AHEAD} days ahead")]
    TooFar,
}

/// A promise's date or a pause's end: today at the earliest, [`MAX_DAYS_AHEAD`] days on at
/// the latest.
pub fn within_a_year(today: NaiveDate, day: NaiveDate) -> Result<(), DayAheadError> {
    if day < today {
        Err(DayAheadError::Past)
    } else if (day - today).num_days() > MAX_DAYS_AHEAD {
        Err(DayAheadError::TooFar)
    } else {
        Ok(())
    }
}

/// The last day money counts towards a promise: its date plus the tenant's grace days.
pub fn promise_deadline(promised_date: NaiveDate, grace_days: u32) -> NaiveDate {
    promised_date
        .checked_add_days(Days::new(u64::from(grace_days)))
        .unwrap_or(promised_date)
}

/// What an open promise has become on `today`, given what was paid towards it by its
/// deadline: kept as soon as it is covered; once the deadline has passed, partially kept or
/// broken; otherwise still open.
pub fn evaluate_promise(
    promised: Decimal,
    paid_by_deadline: Decimal,
    deadline: NaiveDate,
    today: NaiveDate,
) -> PromiseStatus {
    if paid_by_deadline >= promised {
        PromiseStatus::Kept
    } else if today <= deadline {
        PromiseStatus::Open
    } else if paid_by_deadline > Decimal::ZERO {
        PromiseStatus::PartiallyKept
    } else {
        PromiseStatus::Broken
    }
}

/// Kept promises over promises that fell due (kept, partially kept or broken), in percent with
/// one decimal; `None` when none fell due.
pub fn kept_rate(kept: u64, partially_kept: u64, broken: u64) -> Option<Decimal> {
    let due = kept + partially_kept + broken;
    (due > 0).then(|| (Decimal::from(kept) * Decimal::ONE_HUNDRED / Decimal::from(due)).round_dp(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promises_and_pauses_reach_from_today_to_a_year_ahead() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(within_a_year(today, today), Ok(()));
        assert_eq!(
            within_a_year(today, today + Days::new(366)),
            Ok(()),
            "a year, leap years included"
        );
        assert_eq!(
            within_a_year(today, today + Days::new(367)),
            Err(DayAheadError::TooFar)
        );
        assert_eq!(
            within_a_year(today, NaiveDate::from_ymd_opt(9999, 12, 31).unwrap()),
            Err(DayAheadError::TooFar)
        );
        assert_eq!(
            within_a_year(today, today - Days::new(1)),
            Err(DayAheadError::Past)
        );
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 5, d).unwrap()
    }

    #[test]
    fn a_promise_is_kept_when_covered_and_judged_only_after_its_grace() {
        let deadline = promise_deadline(day(10), 3);
        assert_eq!(deadline, day(13));
        let amount = Decimal::from(1000);
        assert_eq!(
            evaluate_promise(amount, Decimal::from(1000), deadline, day(5)),
            PromiseStatus::Kept
        );
        assert_eq!(
            evaluate_promise(amount, Decimal::from(400), deadline, day(13)),
            PromiseStatus::Open
        );
        assert_eq!(
            evaluate_promise(amount, Decimal::from(400), deadline, day(14)),
            PromiseStatus::PartiallyKept
        );
        assert_eq!(
            evaluate_promise(amount, Decimal::ZERO, deadline, day(14)),
            PromiseStatus::Broken
        );
    }

    #[test]
    fn kept_rate_counts_only_promises_that_fell_due() {
        assert_eq!(kept_rate(3, 1, 0), Some("75.0".parse().unwrap()));
        assert_eq!(kept_rate(0, 0, 0), None);
    }

    #[test]
    fn names_round_trip() {
        for channel in CollectionChannel::ALL {
            assert_eq!(CollectionChannel::parse(channel.as_str()), Some(*channel));
        }
        for outcome in CollectionOutcome::ALL {
            assert_eq!(CollectionOutcome::parse(outcome.as_str()), Some(*outcome));
        }
        for status in PromiseStatus::ALL {
            assert_eq!(PromiseStatus::parse(status.as_str()), Some(*status));
        }
    }
}
