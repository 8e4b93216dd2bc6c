//! Why payments use cases refuse a request. Services raise these; the `From` below is the one
//! place they become an error code, a reason with its parameters, and the input field at fault.

use super::idempotency::MAX_KEY_CHARS;
use crate::error::AppError;
use chrono::NaiveDate;
use domain::Currency;
use domain::allocation::AllocationError;
use domain::reason::{Entity, Reason};

#[derive(Debug, Clone, PartialEq)]
pub enum PaymentError {
    /// No payment with this id in the company.
    NotFound,
    /// No customer with this id in the company (or none the caller may see).
    CustomerNotFound,
    /// The idempotency key has more than [`MAX_KEY_CHARS`] characters.
    KeyTooLong,
    /// The idempotency key was used for another operation or another request.
    KeyReused,
    /// A request with this idempotency key is being written by another transaction.
    KeyInUse,
    /// The payment is dated after the company's `today`.
    ReceivedInFuture { today: NaiveDate },
    /// The payment was reversed: it cannot be allocated or reversed again.
    Reversed,
    /// Nothing of the payment is left to allocate.
    FullyAllocated,
    /// `allocatePayment` found no open invoice of the customer in the payment's currency.
    NoOpenInvoicesToAllocate,
    /// `applyCredit` found no open invoice of the customer in the currency.
    NoOpenInvoicesForCredit,
    /// The customer has no unapplied money in `currency`.
    NoUnappliedCredit { currency: Currency },
    /// The split of the money over invoices was refused.
    Allocation(AllocationError),
}

impl From<PaymentError> for AppError {
    fn from(error: PaymentError) -> Self {
        let key = "input.idempotencyKey";
        match error {
            PaymentError::NotFound => AppError::refused(Reason::RecordNotFound {
                entity: Entity::Payment,
            }),
            PaymentError::CustomerNotFound => AppError::refused(Reason::RecordNotFound {
                entity: Entity::Customer,
            }),
            PaymentError::KeyTooLong => AppError::input(
                key,
                Reason::TextLength {
                    min: None,
                    max: Some(u32::try_from(MAX_KEY_CHARS).unwrap_or(u32::MAX)),
                },
            ),
            PaymentError::KeyReused => AppError::input(key, Reason::IdempotencyKeyReused {}),
            PaymentError::KeyInUse => AppError::input(key, Reason::IdempotencyKeyInUse {}),
            PaymentError::ReceivedInFuture { today } => AppError::input(
                "input.receivedOn",
                Reason::DateOutOfRange {
                    earliest: None,
                    latest: Some(today),
                },
            ),
            PaymentError::Reversed => {
                AppError::input("input.paymentId", Reason::PaymentAlreadyReversed {})
            }
            PaymentError::FullyAllocated => {
                AppError::input("input.paymentId", Reason::PaymentFullyAllocated {})
            }
            PaymentError::NoOpenInvoicesToAllocate => {
                AppError::input("input.paymentId", Reason::PaymentNoOpenInvoices {})
            }
            PaymentError::NoOpenInvoicesForCredit => {
                AppError::input("input.customerId", Reason::PaymentNoOpenInvoices {})
            }
            PaymentError::NoUnappliedCredit { currency } => AppError::input(
                "input.customerId",
                Reason::PaymentNoUnappliedCredit {
                    currency: currency.code().to_owned(),
                },
            ),
            PaymentError::Allocation(error) => {
                AppError::input(allocation_field(&error), allocation_reason(&error))
            }
        }
    }
}

/// The input field an allocation error is about.
pub fn allocation_field(error: &AllocationError) -> String {
    match error {
        AllocationError::NotOpen { index } | AllocationError::Duplicate { index } => {
            format!("input.allocations[{index}].invoiceId")
        }
        AllocationError::LineNotPositive { index }
        | AllocationError::AboveBalance { index, .. } => {
            format!("input.allocations[{index}].amount")
        }
        AllocationError::AboveAmount { .. } => "input.allocations".to_owned(),
        AllocationError::NotPositive => "input.amount".to_owned(),
    }
}

/// Why an allocation was refused. (Not `From<&AllocationError> for Reason`: both types are
/// the domain crate's, so the orphan rule keeps that impl out of the backend.)
pub fn allocation_reason(error: &AllocationError) -> Reason {
    match error {
        AllocationError::NotPositive | AllocationError::LineNotPositive { .. } => {
            Reason::NotPositive {}
        }
        AllocationError::NotOpen { .. } => Reason::PaymentAllocationNotOpen {},
        AllocationError::Duplicate { .. } => Reason::Duplicate {},
        AllocationError::AboveBalance {
            amount, balance, ..
        } => Reason::PaymentAllocationOverBalance {
            amount: amount.to_string(),
            balance: balance.to_string(),
        },
        AllocationError::AboveAmount { allocated, amount } => {
            Reason::PaymentAllocationsOverAmount {
                allocated: allocated.to_string(),
                available: amount.to_string(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    /// Every variant: its code, reason and field, as the API sends them.
    #[test]
    fn each_error_maps_to_its_code_reason_and_field() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let cases: Vec<(PaymentError, &str, &str, Option<&str>)> = vec![
            (
                PaymentError::NotFound,
                "NOT_FOUND",
                "RECORD_NOT_FOUND",
                None,
            ),
            (
                PaymentError::CustomerNotFound,
                "NOT_FOUND",
                "RECORD_NOT_FOUND",
                None,
            ),
            (
                PaymentError::KeyTooLong,
                "VALIDATION",
                "TEXT_LENGTH",
                Some("input.idempotencyKey"),
            ),
            (
                PaymentError::KeyReused,
                "CONFLICT",
                "IDEMPOTENCY_KEY_REUSED",
                Some("input.idempotencyKey"),
            ),
            (
                PaymentError::KeyInUse,
                "CONFLICT",
                "IDEMPOTENCY_KEY_IN_USE",
                Some("input.idempotencyKey"),
            ),
            (
                PaymentError::ReceivedInFuture { today: day },
                "VALIDATION",
                "DATE_OUT_OF_RANGE",
                Some("input.receivedOn"),
            ),
            (
                PaymentError::Reversed,
                "CONFLICT",
                "PAYMENT_ALREADY_REVERSED",
                Some("input.paymentId"),
            ),
            (
                PaymentError::FullyAllocated,
                "CONFLICT",
                "PAYMENT_FULLY_ALLOCATED",
                Some("input.paymentId"),
            ),
            (
                PaymentError::NoOpenInvoicesToAllocate,
                "CONFLICT",
                "PAYMENT_NO_OPEN_INVOICES",
                Some("input.paymentId"),
            ),
            (
                PaymentError::NoOpenInvoicesForCredit,
                "CONFLICT",
                "PAYMENT_NO_OPEN_INVOICES",
                Some("input.customerId"),
            ),
            (
                PaymentError::NoUnappliedCredit {
                    currency: Currency::CNY,
                },
                "CONFLICT",
                "PAYMENT_NO_UNAPPLIED_CREDIT",
                Some("input.customerId"),
            ),
            (
                PaymentError::Allocation(AllocationError::NotPositive),
                "VALIDATION",
                "NOT_POSITIVE",
                Some("input.amount"),
            ),
            (
                PaymentError::Allocation(AllocationError::LineNotPositive { index: 1 }),
                "VALIDATION",
                "NOT_POSITIVE",
                Some("input.allocations[1].amount"),
            ),
            (
                PaymentError::Allocation(AllocationError::NotOpen { index: 2 }),
                "VALIDATION",
                "PAYMENT_ALLOCATION_NOT_OPEN",
                Some("input.allocations[2].invoiceId"),
            ),
            (
                PaymentError::Allocation(AllocationError::Duplicate { index: 1 }),
                "VALIDATION",
                "DUPLICATE",
                Some("input.allocations[1].invoiceId"),
            ),
            (
                PaymentError::Allocation(AllocationError::AboveBalance {
                    index: 0,
                    amount: dec("30.01"),
                    balance: dec("30.00"),
                }),
                "VALIDATION",
                "PAYMENT_ALLOCATION_OVER_BALANCE",
                Some("input.allocations[0].amount"),
            ),
            (
                PaymentError::Allocation(AllocationError::AboveAmount {
                    allocated: dec("80.00"),
                    amount: dec("60.00"),
                }),
                "VALIDATION",
                "PAYMENT_ALLOCATIONS_OVER_AMOUNT",
                Some("input.allocations"),
            ),
        ];
        for (error, code, reason, field) in cases {
            crate::error::assert_sent_as(error, code, reason, field);
        }
    }

    #[test]
    fn the_english_texts_stay_as_they_were() {
        let text = |error: PaymentError| AppError::from(error).public().0;
        assert_eq!(text(PaymentError::NotFound), "No such payment.");
        assert_eq!(text(PaymentError::CustomerNotFound), "No such customer.");
        assert_eq!(
            text(PaymentError::KeyReused),
            "This idempotency key was already used for a different request; use a new key."
        );
        assert_eq!(
            text(PaymentError::NoUnappliedCredit {
                currency: Currency::CNY
            }),
            "The customer has no unapplied credit in CNY."
        );
        assert_eq!(
            text(PaymentError::Allocation(AllocationError::AboveBalance {
                index: 0,
                amount: dec("30.01"),
                balance: dec("30.00"),
            })),
            "30.01 is more than the invoice's balance of 30.00"
        );
    }

    #[test]
    fn amounts_go_out_as_they_were_sent() {
        let error = PaymentError::Allocation(AllocationError::AboveAmount {
            allocated: dec("80.50"),
            amount: dec("60.00"),
        });
        let (_, extensions) = AppError::from(error).public();
        assert_eq!(extensions["params"]["allocated"], "80.50");
        assert_eq!(extensions["params"]["available"], "60.00");
    }
}
