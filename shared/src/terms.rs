//! Payment terms and the due date they give an invoice.
//!
//! Two kinds are in use in practice: net days (`NET 30`: due 30 days after the invoice date) and
//! end of month plus days (`EOM 30`, 月结30天: due 30 days after the end of the invoice's month,
//! common in China).

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest terms accepted; anything longer is a typo or a loan.
pub const MAX_TERMS_DAYS: u32 = 365;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TermsKind {
    /// Due a number of days after the invoice date.
    Net,
    /// Due a number of days after the end of the invoice date's month.
    EndOfMonth,
}

impl TermsKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            TermsKind::Net => "NET",
            TermsKind::EndOfMonth => "END_OF_MONTH",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "NET" => Some(TermsKind::Net),
            "END_OF_MONTH" => Some(TermsKind::EndOfMonth),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PaymentTerms {
    pub kind: TermsKind,
    pub days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("payment terms must be between 0 and {MAX_TERMS_DAYS} days, not {0}")]
pub struct TermsError(pub i64);

impl PaymentTerms {
    pub fn new(kind: TermsKind, days: i64) -> Result<Self, TermsError> {
        u32::try_from(days)
            .ok()
            .filter(|days| *days <= MAX_TERMS_DAYS)
            .map(|days| PaymentTerms { kind, days })
            .ok_or(TermsError(days))
    }

    pub const fn net(days: u32) -> Self {
        PaymentTerms {
            kind: TermsKind::Net,
            days,
        }
    }

    /// The due date of an invoice dated `issue_date` under these terms.
    pub fn due_date(&self, issue_date: NaiveDate) -> NaiveDate {
        let start = match self.kind {
            TermsKind::Net => issue_date,
            TermsKind::EndOfMonth => last_day_of_month(issue_date),
        };
        start
            .checked_add_days(Days::new(u64::from(self.days)))
            .unwrap_or(NaiveDate::MAX)
    }
}

impl fmt::Display for PaymentTerms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            TermsKind::Net => write!(f, "Net {}", self.days),
            TermsKind::EndOfMonth => write!(f, "EOM + {}", self.days),
        }
    }
}

pub fn last_day_of_month(date: NaiveDate) -> NaiveDate {
    let (year, month) = if date.month() == 12 {
        (date.year() + 1, 1)
    } else {
        (date.year(), date.month() + 1)
    };
    NaiveDate::from_ymd_opt(year, month, 1)
        .and_then(|first| first.pred_opt())
        .unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn net_terms_count_from_the_invoice_date() {
        assert_eq!(
            PaymentTerms::net(30).due_date(date(2026, 1, 15)),
            date(2026, 2, 14)
        );
        assert_eq!(
            PaymentTerms::net(0).due_date(date(2026, 1, 15)),
            date(2026, 1, 15)
        );
    }

    #[test]
    fn end_of_month_terms_count_from_the_last_day_of_the_month() {
        let eom30 = PaymentTerms::new(TermsKind::EndOfMonth, 30).unwrap();
        assert_eq!(eom30.due_date(date(2026, 1, 3)), date(2026, 3, 2));
        assert_eq!(eom30.due_date(date(2026, 2, 28)), date(2026, 3, 30));
        assert_eq!(eom30.due_date(date(2024, 2, 10)), date(2024, 3, 30));
        assert_eq!(eom30.due_date(date(2026, 12, 31)), date(2027, 1, 30));
    }

    #[test]
    fn terms_outside_zero_to_a_year_are_refused() {
        assert!(PaymentTerms::new(TermsKind::Net, -1).is_err());
        assert!(PaymentTerms::new(TermsKind::Net, 366).is_err());
        assert!(PaymentTerms::new(TermsKind::Net, 365).is_ok());
    }
}
