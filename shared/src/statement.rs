//! A customer statement (对账单): what was owed at the start of a period, every movement in it
//! with a running balance, and what is owed at the end.
//!
//! Invoices are debits; payments, credit notes and write-offs are credits; a reversed payment
//! is a debit again. The balance is what the customer owes net of money they have paid but not
//! yet had applied, so it can go below zero (the customer is in credit).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EntryKind {
    Invoice,
    Payment,
    CreditNote,
    WriteOff,
    PaymentReversal,
}

impl EntryKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            EntryKind::Invoice => "INVOICE",
            EntryKind::Payment => "PAYMENT",
            EntryKind::CreditNote => "CREDIT_NOTE",
            EntryKind::WriteOff => "WRITE_OFF",
            EntryKind::PaymentReversal => "PAYMENT_REVERSAL",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            EntryKind::Invoice,
            EntryKind::Payment,
            EntryKind::CreditNote,
            EntryKind::WriteOff,
            EntryKind::PaymentReversal,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == value)
    }

    /// Whether the entry adds to what the customer owes.
    pub const fn is_debit(self) -> bool {
        matches!(self, EntryKind::Invoice | EntryKind::PaymentReversal)
    }
}

// The customer's answer to a statement sent. No doc comments on the enum or its values: the
// GraphQL schema shows them as descriptions, and its text must not change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StatementAnswer {
    Confirmed,
    Disputed,
}

impl StatementAnswer {
    pub const fn as_str(self) -> &'static str {
        match self {
            StatementAnswer::Confirmed => "CONFIRMED",
            StatementAnswer::Disputed => "DISPUTED",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [StatementAnswer::Confirmed, StatementAnswer::Disputed]
            .into_iter()
            .find(|answer| answer.as_str() == value)
    }
}

/// One movement, as the ledger has it: a positive amount and its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub date: NaiveDate,
    pub kind: EntryKind,
    pub reference: String,
    pub amount: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub entry: Entry,
    pub debit: Decimal,
    pub credit: Decimal,
    pub balance: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub opening: Decimal,
    pub lines: Vec<Line>,
    pub closing: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("the period ends before it starts")]
    Backwards,
    #[error("a statement covers at most 3 years")]
    TooLong,
}

pub fn check_period(from: NaiveDate, to: NaiveDate) -> Result<(), PeriodError> {
    if to < from {
        return Err(PeriodError::Backwards);
    }
    if (to - from).num_days() > 3 * 366 {
        return Err(PeriodError::TooLong);
    }
    Ok(())
}

fn signed(entry: &Entry) -> Decimal {
    if entry.kind.is_debit() {
        entry.amount
    } else {
        -entry.amount
    }
}

/// Builds the statement for `from..=to` from every entry of the customer in one currency
/// (entries before `from` make the opening balance; entries after `to` are ignored).
pub fn build(from: NaiveDate, to: NaiveDate, mut entries: Vec<Entry>) -> Statement {
    // Within a day: what was owed first, then what paid it.
    entries.sort_by(|a, b| {
        (a.date, !a.kind.is_debit(), &a.reference).cmp(&(b.date, !b.kind.is_debit(), &b.reference))
    });
    let opening: Decimal = entries
        .iter()
        .filter(|entry| entry.date < from)
        .map(signed)
        .sum();
    let mut balance = opening;
    let lines = entries
        .into_iter()
        .filter(|entry| entry.date >= from && entry.date <= to)
        .map(|entry| {
            balance += signed(&entry);
            let (debit, credit) = if entry.kind.is_debit() {
                (entry.amount, Decimal::ZERO)
            } else {
                (Decimal::ZERO, entry.amount)
            };
            Line {
                entry,
                debit,
                credit,
                balance,
            }
        })
        .collect();
    Statement {
        from,
        to,
        opening,
        lines,
        closing: balance,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    fn entry(d: u32, kind: EntryKind, amount: i64) -> Entry {
        Entry {
            date: day(d),
            kind,
            reference: format!("{kind:?}-{d}"),
            amount: Decimal::from(amount),
        }
    }

    #[test]
    fn opening_lines_and_closing() {
        let statement = build(
            day(10),
            day(20),
            vec![
                entry(1, EntryKind::Invoice, 1000),
                entry(5, EntryKind::Payment, 400),
                entry(12, EntryKind::Invoice, 500),
                entry(12, EntryKind::Payment, 300),
                entry(15, EntryKind::CreditNote, 50),
                entry(18, EntryKind::PaymentReversal, 300),
                entry(25, EntryKind::Invoice, 999),
            ],
        );
        assert_eq!(statement.opening, Decimal::from(600));
        let balances: Vec<Decimal> = statement.lines.iter().map(|line| line.balance).collect();
        assert_eq!(
            balances,
            [1100, 800, 750, 1050].map(Decimal::from).to_vec(),
            "the invoice comes before the payment on the same day"
        );
        assert_eq!(statement.closing, Decimal::from(1050));
        assert_eq!(statement.lines[1].credit, Decimal::from(300));
    }

    #[test]
    fn answers_read_back_from_their_text() {
        for answer in [StatementAnswer::Confirmed, StatementAnswer::Disputed] {
            assert_eq!(StatementAnswer::parse(answer.as_str()), Some(answer));
        }
        assert_eq!(StatementAnswer::parse("confirmed"), None);
    }

    #[test]
    fn periods() {
        assert_eq!(check_period(day(2), day(1)), Err(PeriodError::Backwards));
        assert!(check_period(day(1), day(1)).is_ok());
    }

    proptest! {
        /// The closing balance is the opening balance plus debits less credits, and the last
        /// line's running balance is the closing balance.
        #[test]
        fn the_statement_adds_up(amounts in proptest::collection::vec((1u32..28, 0usize..5, 1i64..100_000), 0..40)) {
            let kinds = [EntryKind::Invoice, EntryKind::Payment, EntryKind::CreditNote, EntryKind::WriteOff, EntryKind::PaymentReversal];
            let entries: Vec<Entry> = amounts.iter().map(|(d, k, a)| entry(*d, kinds[*k], *a)).collect();
            let statement = build(day(8), day(20), entries.clone());
            let debits: Decimal = statement.lines.iter().map(|l| l.debit).sum();
            let credits: Decimal = statement.lines.iter().map(|l| l.credit).sum();
            prop_assert_eq!(statement.closing, statement.opening + debits - credits);
            if let Some(last) = statement.lines.last() {
                prop_assert_eq!(last.balance, statement.closing);
            }
            let through_end: Decimal = entries.iter().filter(|e| e.date <= day(20)).map(signed).sum();
            prop_assert_eq!(statement.closing, through_end);
        }
    }
}
