//! Why statements use cases refuse a request. Services raise these; the `From` below is the one
//! place they become an error code, a reason with its parameters, and the input field at fault.

use crate::error::AppError;
use chrono::NaiveDate;
use domain::credentials::EmailError;
use domain::reason::{Entity, Reason};
use domain::statement::PeriodError;

/// The most years a statement covers (`domain::statement::check_period`).
const MAX_PERIOD_YEARS: u32 = 3;

#[derive(Debug, Clone, PartialEq)]
pub enum StatementError {
    /// No customer with this id in the company (or none the caller may see).
    CustomerNotFound,
    /// The period ends before it starts, or is too long.
    Period(PeriodError),
    /// No address was given and no contact of the customer has one.
    NoContactEmail,
    /// The address given is not an email address.
    Email(EmailError),
    /// The statement ends after the company's `today`.
    EndsAfterToday { today: NaiveDate },
    /// The address is not a contact's, and the caller may not manage customers.
    NotAContact,
    /// A confirmed answer names invoices to dispute.
    ConfirmedWithDisputes,
    /// More invoices disputed than one answer may name.
    TooManyDisputed { max: usize },
    /// A dispute with neither a note nor an invoice.
    DisputeUnexplained,
    /// The link's token is not one of ours, or it expired, or its company is gone.
    LinkInvalid,
    /// The statement sent was answered before.
    AlreadyAnswered,
    /// The invoice `number`, the `index`th disputed, is not open and undisputed on this
    /// statement.
    NotDisputable { index: usize, number: String },
}

impl From<StatementError> for AppError {
    fn from(error: StatementError) -> Self {
        let disputed = "input.disputedInvoiceNumbers";
        match error {
            StatementError::CustomerNotFound => AppError::refused(Reason::RecordNotFound {
                entity: Entity::Customer,
            }),
            // The period's field is `to` whichever operation checks it, as it always was.
            StatementError::Period(_) => AppError::input(
                "to",
                Reason::BadPeriod {
                    years: Some(MAX_PERIOD_YEARS),
                },
            ),
            StatementError::NoContactEmail => {
                AppError::input("input.email", Reason::StatementNoContactEmail {})
            }
            StatementError::Email(error) => AppError::input("input.email", Reason::from(&error)),
            StatementError::EndsAfterToday { today } => AppError::input(
                "input.to",
                Reason::DateOutOfRange {
                    earliest: None,
                    latest: Some(today),
                },
            ),
            StatementError::NotAContact => {
                AppError::input("input.email", Reason::StatementAddressNotAContact {})
            }
            StatementError::ConfirmedWithDisputes => {
                AppError::input(disputed, Reason::StatementConfirmedWithDisputes {})
            }
            StatementError::TooManyDisputed { max } => AppError::input(
                disputed,
                Reason::CountOutOfRange {
                    min: 0,
                    max: u32::try_from(max).unwrap_or(u32::MAX),
                },
            ),
            StatementError::DisputeUnexplained => {
                AppError::input("input.note", Reason::StatementDisputeUnexplained {})
            }
            StatementError::LinkInvalid => AppError::refused(Reason::StatementLinkInvalid {}),
            StatementError::AlreadyAnswered => {
                AppError::input("input.token", Reason::StatementAlreadyAnswered {})
            }
            StatementError::NotDisputable { index, number } => AppError::input(
                format!("{disputed}[{index}]"),
                Reason::StatementInvoiceNotDisputable { number },
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variant: its code, reason and field, as the API sends them.
    #[test]
    fn each_error_maps_to_its_code_reason_and_field() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let cases: Vec<(StatementError, &str, &str, Option<&str>)> = vec![
            (
                StatementError::CustomerNotFound,
                "NOT_FOUND",
                "RECORD_NOT_FOUND",
                None,
            ),
            (
                StatementError::Period(PeriodError::Backwards),
                "VALIDATION",
                "BAD_PERIOD",
                Some("to"),
            ),
            (
                StatementError::Period(PeriodError::TooLong),
                "VALIDATION",
                "BAD_PERIOD",
                Some("to"),
            ),
            (
                StatementError::NoContactEmail,
                "VALIDATION",
                "STATEMENT_NO_CONTACT_EMAIL",
                Some("input.email"),
            ),
            (
                StatementError::Email(EmailError::Empty),
                "VALIDATION",
                "REQUIRED",
                Some("input.email"),
            ),
            (
                StatementError::Email(EmailError::TooLong),
                "VALIDATION",
                "TEXT_LENGTH",
                Some("input.email"),
            ),
            (
                StatementError::Email(EmailError::Malformed("a@".to_owned())),
                "VALIDATION",
                "EMAIL_MALFORMED",
                Some("input.email"),
            ),
            (
                StatementError::EndsAfterToday { today: day },
                "VALIDATION",
                "DATE_OUT_OF_RANGE",
                Some("input.to"),
            ),
            (
                StatementError::NotAContact,
                "VALIDATION",
                "STATEMENT_ADDRESS_NOT_A_CONTACT",
                Some("input.email"),
            ),
            (
                StatementError::ConfirmedWithDisputes,
                "VALIDATION",
                "STATEMENT_CONFIRMED_WITH_DISPUTES",
                Some("input.disputedInvoiceNumbers"),
            ),
            (
                StatementError::TooManyDisputed { max: 100 },
                "VALIDATION",
                "COUNT_OUT_OF_RANGE",
                Some("input.disputedInvoiceNumbers"),
            ),
            (
                StatementError::DisputeUnexplained,
                "VALIDATION",
                "STATEMENT_DISPUTE_UNEXPLAINED",
                Some("input.note"),
            ),
            (
                StatementError::LinkInvalid,
                "NOT_FOUND",
                "STATEMENT_LINK_INVALID",
                None,
            ),
            (
                StatementError::AlreadyAnswered,
                "CONFLICT",
                "STATEMENT_ALREADY_ANSWERED",
                Some("input.token"),
            ),
            (
                StatementError::NotDisputable {
                    index: 2,
                    number: "INV-7".to_owned(),
                },
                "VALIDATION",
                "STATEMENT_INVOICE_NOT_DISPUTABLE",
                Some("input.disputedInvoiceNumbers[2]"),
            ),
        ];
        for (error, code, reason, field) in cases {
            crate::error::assert_sent_as(error, code, reason, field);
        }
    }

    #[test]
    fn the_english_texts_stay_as_they_were() {
        let text = |error: StatementError| AppError::from(error).public().0;
        assert_eq!(text(StatementError::CustomerNotFound), "No such customer.");
        assert_eq!(
            text(StatementError::LinkInvalid),
            "This statement link is not valid or has expired; ask for a new one."
        );
        assert_eq!(
            text(StatementError::NotDisputable {
                index: 0,
                number: "INV-7".to_owned(),
            }),
            "INV-7 is not an open, undisputed invoice on this statement"
        );
    }

    #[test]
    fn a_period_names_the_longest_allowed() {
        let (_, extensions) = AppError::from(StatementError::Period(PeriodError::TooLong)).public();
        assert_eq!(extensions["params"]["years"], 3);
    }
}
