//! Allocating a payment (or a customer's unapplied credit) to open invoices.
//!
//! Either the payer says which invoices and how much (`Explicit`), or the money goes to the
//! oldest due invoices first (`OldestDueFirst`). Nothing is ever allocated above an invoice's
//! balance, and what is not allocated stays with the customer as unapplied credit: the
//! allocated amounts plus the unapplied rest always equal the amount, to the cent.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An invoice that can receive money, as the allocation sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenItem {
    pub invoice_id: Uuid,
    pub due_date: chrono::NaiveDate,
    /// Breaks ties between invoices due the same day: the lower number goes first.
    pub number: String,
    pub balance: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Instruction {
    OldestDueFirst,
    Explicit(Vec<(Uuid, Decimal)>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub lines: Vec<(Uuid, Decimal)>,
    pub unapplied: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllocationError {
    #[error("the amount must be above zero")]
    NotPositive,
    #[error("allocation {index}: the amount must be above zero")]
    LineNotPositive { index: usize },
    #[error(
        "allocation {index}: the invoice is not an open invoice of this customer in this currency"
    )]
    NotOpen { index: usize },
    #[error("allocation {index}: the invoice appears twice")]
    Duplicate { index: usize },
    #[error("allocation {index}: {amount} is more than the invoice's balance of {balance}")]
    AboveBalance {
        index: usize,
        amount: Decimal,
        balance: Decimal,
    },
    #[error("the allocations add up to {allocated}, more than the {amount} available")]
    AboveAmount { allocated: Decimal, amount: Decimal },
}

impl AllocationError {
    /// The zero-based index of the allocation at fault, if one is.
    pub fn index(&self) -> Option<usize> {
        match self {
            AllocationError::LineNotPositive { index }
            | AllocationError::NotOpen { index }
            | AllocationError::Duplicate { index }
            | AllocationError::AboveBalance { index, .. } => Some(*index),
            _ => None,
        }
    }
}

/// Splits `amount` over `open` items as `instruction` says.
pub fn allocate(
    amount: Decimal,
    open: &[OpenItem],
    instruction: &Instruction,
) -> Result<Allocation, AllocationError> {
    if amount <= Decimal::ZERO {
        return Err(AllocationError::NotPositive);
    }
    let lines = match instruction {
        Instruction::OldestDueFirst => {
            let mut ordered: Vec<&OpenItem> = open
                .iter()
                .filter(|item| item.balance > Decimal::ZERO)
                .collect();
            ordered.sort_by(|a, b| {
                (a.due_date, &a.number, a.invoice_id).cmp(&(b.due_date, &b.number, b.invoice_id))
            });
            let mut left = amount;
            let mut lines = Vec::new();
            for item in ordered {
                if left.is_zero() {
                    break;
                }
                let applied = left.min(item.balance);
                lines.push((item.invoice_id, applied));
                left -= applied;
            }
            lines
        }
        Instruction::Explicit(requested) => {
            let mut seen = Vec::with_capacity(requested.len());
            let mut allocated = Decimal::ZERO;
            for (index, (invoice_id, applied)) in requested.iter().enumerate() {
                if *applied <= Decimal::ZERO {
                    return Err(AllocationError::LineNotPositive { index });
                }
                if seen.contains(invoice_id) {
                    return Err(AllocationError::Duplicate { index });
                }
                seen.push(*invoice_id);
                let item = open
                    .iter()
                    .find(|item| item.invoice_id == *invoice_id)
                    .ok_or(AllocationError::NotOpen { index })?;
                if *applied > item.balance {
                    return Err(AllocationError::AboveBalance {
                        index,
                        amount: *applied,
                        balance: item.balance,
                    });
                }
                allocated += *applied;
            }
            if allocated > amount {
                return Err(AllocationError::AboveAmount { allocated, amount });
            }
            requested.clone()
        }
    };
    let allocated: Decimal = lines.iter().map(|(_, applied)| *applied).sum();
    Ok(Allocation {
        lines,
        unapplied: amount - allocated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn item(n: u128, day: u32, balance: i64) -> OpenItem {
        OpenItem {
            invoice_id: Uuid::from_u128(n),
            due_date: NaiveDate::from_ymd_opt(2026, 1, day).unwrap(),
            number: format!("INV-{n:03}"),
            balance: Decimal::new(balance, 2),
        }
    }

    #[test]
    fn oldest_due_first_fills_the_oldest_and_keeps_the_rest_as_credit() {
        let open = [item(1, 20, 5000), item(2, 5, 3000), item(3, 10, 4000)];
        let result = allocate(Decimal::new(10000, 2), &open, &Instruction::OldestDueFirst).unwrap();
        assert_eq!(
            result.lines,
            vec![
                (Uuid::from_u128(2), Decimal::new(3000, 2)),
                (Uuid::from_u128(3), Decimal::new(4000, 2)),
                (Uuid::from_u128(1), Decimal::new(3000, 2)),
            ]
        );
        assert_eq!(result.unapplied, Decimal::ZERO);

        let over = allocate(Decimal::new(15000, 2), &open, &Instruction::OldestDueFirst).unwrap();
        assert_eq!(over.unapplied, Decimal::new(3000, 2));
    }

    #[test]
    fn explicit_allocations_are_checked_against_balances_and_the_amount() {
        let open = [item(1, 20, 5000), item(2, 5, 3000)];
        let pay = |lines: Vec<(u128, i64)>| {
            allocate(
                Decimal::new(6000, 2),
                &open,
                &Instruction::Explicit(
                    lines
                        .into_iter()
                        .map(|(n, cents)| (Uuid::from_u128(n), Decimal::new(cents, 2)))
                        .collect(),
                ),
            )
        };
        let ok = pay(vec![(1, 2000)]).unwrap();
        assert_eq!(ok.unapplied, Decimal::new(4000, 2));
        assert!(matches!(
            pay(vec![(2, 3001)]),
            Err(AllocationError::AboveBalance { index: 0, .. })
        ));
        assert!(matches!(
            pay(vec![(1, 5000), (2, 3000)]),
            Err(AllocationError::AboveAmount { .. })
        ));
        assert!(matches!(
            pay(vec![(1, 100), (9, 100)]),
            Err(AllocationError::NotOpen { index: 1 })
        ));
        assert!(matches!(
            pay(vec![(1, 100), (1, 100)]),
            Err(AllocationError::Duplicate { index: 1 })
        ));
        assert!(matches!(
            pay(vec![(1, 0)]),
            Err(AllocationError::LineNotPositive { index: 0 })
        ));
    }

    proptest! {
        /// Never above a balance, never a cent lost or made.
        #[test]
        fn allocation_never_overpays_and_never_loses_a_cent(
            amount in 1i64..10_000_000,
            balances in proptest::collection::vec((1u32..28, 0i64..5_000_000), 0..30)
        ) {
            let open: Vec<OpenItem> = balances
                .iter()
                .enumerate()
                .map(|(n, (day, cents))| item(n as u128, *day, *cents))
                .collect();
            let amount = Decimal::new(amount, 2);
            let result = allocate(amount, &open, &Instruction::OldestDueFirst).unwrap();
            let allocated: Decimal = result.lines.iter().map(|(_, applied)| *applied).sum();
            prop_assert_eq!(allocated + result.unapplied, amount);
            prop_assert!(result.unapplied >= Decimal::ZERO);
            for (invoice_id, applied) in &result.lines {
                let item = open.iter().find(|item| item.invoice_id == *invoice_id).unwrap();
                prop_assert!(*applied > Decimal::ZERO && *applied <= item.balance);
            }
            // Credit is left only when every invoice is paid in full.
            if result.unapplied > Decimal::ZERO {
                let total: Decimal = open.iter().map(|item| item.balance).sum();
                prop_assert_eq!(allocated, total);
            }
        }
    }
}
