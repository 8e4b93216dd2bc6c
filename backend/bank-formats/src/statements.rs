//! Statements of camt.053 and MT940 files put together into one [`Statement`], with their
//! balances checked against their lines and against each other.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::{BalanceGap, GapKind, Line, Statement};

/// One statement (camt.053 `Stmt`, one MT940 message) as read.
#[derive(Debug, Default)]
pub(crate) struct Part {
    /// Its number or id as the file gives it, else its position (1-based).
    pub(crate) id: String,
    pub(crate) account: Option<String>,
    pub(crate) currency: Option<String>,
    pub(crate) period_from: Option<NaiveDate>,
    pub(crate) period_to: Option<NaiveDate>,
    pub(crate) opening: Option<Decimal>,
    pub(crate) closing: Option<Decimal>,
    pub(crate) lines: Vec<Line>,
}

/// The file's statement: the first part's account and currency (else the first one stated),
/// the period the parts state (else their lines'), the first part's opening and the last's
/// closing, every line in file order, and every balance gap.
pub(crate) fn assemble(parts: Vec<Part>) -> Statement {
    let mut statement = Statement {
        account: parts.iter().find_map(|p| p.account.clone()),
        currency: parts.iter().find_map(|p| p.currency.clone()),
        opening_balance: parts.first().and_then(|p| p.opening),
        closing_balance: parts.last().and_then(|p| p.closing),
        ..Statement::default()
    };
    let stated_from = parts.iter().filter_map(|p| p.period_from).min();
    let stated_to = parts.iter().filter_map(|p| p.period_to).max();
    let mut previous_closing: Option<Decimal> = None;
    for part in parts {
        if let (Some(previous), Some(opening)) = (previous_closing, part.opening)
            && previous != opening
        {
            statement.gaps.push(BalanceGap {
                statement: part.id.clone(),
                expected: previous,
                found: opening,
                kind: GapKind::Opening,
            });
        }
        if let (Some(opening), Some(closing)) = (part.opening, part.closing) {
            let expected = part
                .lines
                .iter()
                .try_fold(opening, |sum, line| sum.checked_add(line.amount));
            if expected != Some(closing) {
                statement.gaps.push(BalanceGap {
                    statement: part.id.clone(),
                    // A sum past Decimal's range cannot be the stated closing either.
                    expected: expected.unwrap_or(Decimal::MAX),
                    found: closing,
                    kind: GapKind::Closing,
                });
            }
        }
        previous_closing = part.closing;
        statement.lines.extend(part.lines);
    }
    statement.period_from =
        stated_from.or_else(|| statement.lines.iter().map(|l| l.booked_on).min());
    statement.period_to = stated_to.or_else(|| statement.lines.iter().map(|l| l.booked_on).max());
    statement
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn line(amount: &str, day: u32) -> Line {
        Line {
            row: 1,
            booked_on: NaiveDate::from_ymd_opt(2024, 1, day).unwrap(),
            amount: dec(amount),
            currency: None,
            payer_name: None,
            payer_account: None,
            remark: None,
            reference: None,
            bank_ref: None,
            balance_after: None,
        }
    }

    #[test]
    fn finds_closing_and_opening_gaps() {
        let parts = vec![
            Part {
                id: "1".into(),
                opening: Some(dec("100")),
                closing: Some(dec("150")),
                lines: vec![line("50", 2)],
                ..Part::default()
            },
            Part {
                id: "2".into(),
                opening: Some(dec("160")),
                closing: Some(dec("150")),
                lines: vec![line("-20", 3)],
                ..Part::default()
            },
        ];
        let statement = assemble(parts);
        assert_eq!(statement.opening_balance, Some(dec("100")));
        assert_eq!(statement.closing_balance, Some(dec("150")));
        assert_eq!(statement.period_from, NaiveDate::from_ymd_opt(2024, 1, 2));
        assert_eq!(statement.period_to, NaiveDate::from_ymd_opt(2024, 1, 3));
        assert_eq!(
            statement.gaps,
            vec![
                BalanceGap {
                    statement: "2".into(),
                    expected: dec("150"),
                    found: dec("160"),
                    kind: GapKind::Opening,
                },
                BalanceGap {
                    statement: "2".into(),
                    expected: dec("140"),
                    found: dec("150"),
                    kind: GapKind::Closing,
                },
            ]
        );
    }
}
