//! Why cash application refuses a request; the `From` below is the one place these become a
//! code, a reason and the input field at fault.

use crate::error::AppError;
use crate::payments::errors::{allocation_field, allocation_reason};
use bank_formats::{Problem, ProblemKind};
use domain::allocation::AllocationError;
use domain::reason::{Entity, Reason};

#[derive(Debug, Clone, PartialEq)]
pub enum BankingError {
    AccountNotFound,
    LineNotFound,
    PaymentNotFound,
    /// A part names a customer not in this company.
    CustomerNotFound {
        part: usize,
    },
    AccountArchived,
    /// Another open account has this number.
    AccountNumberTaken,
    CurrencyMismatch {
        account: String,
        file: String,
    },
    MappingNeeded,
    /// The format could not be told, or the query named one Duely does not read.
    UnknownFormat,
    LineNotOpen {
        status: String,
    },
    LineNotApplied {
        status: String,
    },
    LineOutgoing,
    PartsDoNotAddUp {
        total: String,
        amount: String,
    },
    /// More parts than a line may have.
    TooManyParts {
        max: u32,
    },
    LinkAmountDiffers {
        payment: String,
        line: String,
    },
    PaymentNotLinkable,
    /// An allocation of part `part` was refused.
    Allocation {
        part: usize,
        error: AllocationError,
    },
}

impl From<BankingError> for AppError {
    fn from(error: BankingError) -> Self {
        let not_found = |entity| AppError::refused(Reason::RecordNotFound { entity });
        match error {
            BankingError::AccountNotFound => not_found(Entity::BankAccount),
            BankingError::LineNotFound => not_found(Entity::BankTransaction),
            BankingError::PaymentNotFound => not_found(Entity::Payment).at("input.paymentId"),
            BankingError::CustomerNotFound { part } => {
                not_found(Entity::Customer).at(format!("input.parts[{part}].customerId"))
            }
            BankingError::AccountArchived => AppError::refused(Reason::BankAccountArchived {}),
            BankingError::AccountNumberTaken => {
                AppError::input("input.accountNumber", Reason::Duplicate {})
            }
            BankingError::CurrencyMismatch { account, file } => {
                AppError::input("body", Reason::BankCurrencyMismatch { account, file })
            }
            BankingError::MappingNeeded => {
                AppError::input("bankAccountId", Reason::BankMappingNeeded {})
            }
            BankingError::UnknownFormat => {
                AppError::input("format", Reason::BankStatementUnknownFormat {})
            }
            BankingError::LineNotOpen { status } => {
                AppError::refused(Reason::BankLineNotOpen { status })
            }
            BankingError::LineNotApplied { status } => {
                AppError::refused(Reason::BankLineNotApplied { status })
            }
            BankingError::LineOutgoing => AppError::refused(Reason::BankLineOutgoing {}),
            BankingError::PartsDoNotAddUp { total, amount } => {
                AppError::input("input.parts", Reason::BankPartsDoNotAddUp { total, amount })
            }
            BankingError::TooManyParts { max } => {
                AppError::input("input.parts", Reason::CountOutOfRange { min: 1, max })
            }
            BankingError::LinkAmountDiffers { payment, line } => AppError::input(
                "input.paymentId",
                Reason::BankLinkAmountDiffers { payment, line },
            ),
            BankingError::PaymentNotLinkable => {
                AppError::input("input.paymentId", Reason::BankPaymentNotLinkable {})
            }
            BankingError::Allocation { part, error } => {
                let field = allocation_field(&error).replacen(
                    "input.",
                    &format!("input.parts[{part}]."),
                    1,
                );
                AppError::input(field, allocation_reason(&error))
            }
        }
    }
}

/// A statement file's problem as an error reason.
pub fn problem_reason(problem: &Problem) -> Reason {
    match &problem.kind {
        ProblemKind::UnknownFormat => Reason::BankStatementUnknownFormat {},
        ProblemKind::BadEncoding { encoding } => Reason::BankStatementBadEncoding {
            encoding: encoding.clone(),
        },
        ProblemKind::UnknownEncoding { encoding } => Reason::BankStatementUnknownEncoding {
            encoding: encoding.clone(),
        },
        ProblemKind::MappingIncomplete { missing } => Reason::BankStatementMappingIncomplete {
            missing: missing.clone(),
        },
        ProblemKind::ColumnNotFound { column } => Reason::BankStatementColumnNotFound {
            column: column.clone(),
        },
        ProblemKind::HeaderNotFound => Reason::BankStatementHeaderNotFound {},
        ProblemKind::BadDate { value } => Reason::BankStatementBadDate {
            value: value.clone(),
        },
        ProblemKind::BadAmount { value } => Reason::BankStatementBadAmount {
            value: value.clone(),
        },
        ProblemKind::NoAmount => Reason::BankStatementNoAmount {},
        ProblemKind::Malformed { detail } => Reason::BankStatementMalformed {
            detail: detail.clone(),
        },
        ProblemKind::TooManyLines { limit } => Reason::BankStatementTooManyLines {
            max: u32::try_from(*limit).unwrap_or(u32::MAX),
        },
        ProblemKind::TooLargeUnzipped { limit } => Reason::BankStatementTooLargeUnzipped {
            max_mib: u32::try_from(*limit / (1024 * 1024)).unwrap_or(u32::MAX),
        },
        ProblemKind::Missing { what } => Reason::BankStatementMissing { what: what.clone() },
    }
}
