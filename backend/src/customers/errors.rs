//! Why customer use cases refuse a request. Services raise these; the `From` below is the one
//! place they become an error code, a reason with its parameters, and the input field at fault.

use super::graphql::CHANNELS;
use crate::error::AppError;
use domain::credentials::EmailError;
use domain::reason::{Entity, Reason};
use domain::terms::{MAX_TERMS_DAYS, TermsError};

#[derive(Debug, Clone, PartialEq)]
pub enum CustomerError {
    /// No customer with this id in the company.
    NotFound,
    /// More contacts than a customer may have (`max`).
    TooManyContacts { max: usize },
    /// The email of the contact at `index` is not an email address.
    ContactEmail { index: usize, error: EmailError },
    /// The preferred channel of the contact at `index` is not one of `CHANNELS`.
    UnknownChannel { index: usize },
    /// The WeChat id of the contact at `index` holds characters other than ASCII letters,
    /// digits, `_` and `-` (it may have 1 to `max`).
    ContactWechatId { index: usize, max: usize },
    /// More tags than a customer may have (`max`).
    TooManyTags { max: usize },
    /// The code holds characters other than letters, digits, `-`, `_`, `.` and `/`.
    BadCode,
    /// Another customer has this code (codes are unique without regard to case).
    CodeTaken,
    /// Payment terms outside 0 to `MAX_TERMS_DAYS` days.
    BadTerms(TermsError),
    /// The collector named is not a member of this company.
    CollectorNotAMember,
    /// The salesperson named is not a member of this company.
    SalespersonNotAMember,
    /// A customer with `count` open invoices cannot be archived.
    HasOpenInvoices { count: i64 },
    /// A hold placed on a customer already on hold.
    AlreadyOnHold,
    /// A hold released on a customer not on hold.
    NotOnHold,
    /// The collector or salesperson (`field`) is no member of this company, when assigning
    /// customers in bulk: another company's user is not found here.
    AssigneeNotFound { field: &'static str },
    /// The collector's `role` does not work collections.
    MayNotCollect { role: String },
    /// The salesperson's `role` does not sell.
    MayNotSell { role: String },
    /// Customers to assign: 1 to `max`.
    AssignCount { max: usize },
    /// The customer id at `index` is listed before.
    AssignDuplicate { index: usize },
    /// The customer id at `index` is no customer of this company.
    AssignUnknown { index: usize },
    /// Neither a collector nor a salesperson was given: the assignment would change nothing.
    AssignNothing,
}

impl From<CustomerError> for AppError {
    fn from(error: CustomerError) -> Self {
        match error {
            CustomerError::NotFound => AppError::refused(Reason::RecordNotFound {
                entity: Entity::Customer,
            }),
            CustomerError::TooManyContacts { max } => {
                AppError::input("input.contacts", count_out_of_range(max))
            }
            CustomerError::ContactEmail { index, error } => AppError::input(
                format!("input.contacts[{index}].email"),
                Reason::from(&error),
            ),
            CustomerError::UnknownChannel { index } => AppError::input(
                format!("input.contacts[{index}].preferredChannel"),
                Reason::NotOneOf {
                    allowed: CHANNELS
                        .iter()
                        .map(|channel| (*channel).to_owned())
                        .collect(),
                },
            ),
            CustomerError::ContactWechatId { index, max } => AppError::input(
                format!("input.contacts[{index}].wechatId"),
                Reason::InvalidCharacters {
                    symbols: "_ or -".to_owned(),
                    max: Some(u32::try_from(max).unwrap_or(u32::MAX)),
                },
            ),
            CustomerError::TooManyTags { max } => {
                AppError::input("input.tags", count_out_of_range(max))
            }
            CustomerError::BadCode => AppError::input(
                "input.code",
                Reason::InvalidCharacters {
                    symbols: "-, _, . or /".to_owned(),
                    max: None,
                },
            ),
            CustomerError::CodeTaken => AppError::input("input.code", Reason::CustomerCodeTaken {}),
            CustomerError::BadTerms(error) => {
                AppError::input("input.paymentTermsDays", terms_reason(&error))
            }
            CustomerError::CollectorNotAMember => {
                AppError::input("input.collectorId", Reason::CustomerAssigneeNotMember {})
            }
            CustomerError::SalespersonNotAMember => {
                AppError::input("input.salespersonId", Reason::CustomerAssigneeNotMember {})
            }
            CustomerError::HasOpenInvoices { count } => AppError::input(
                "input.customerId",
                Reason::CustomerHasOpenInvoices { count },
            ),
            CustomerError::AlreadyOnHold => {
                AppError::input("input.customerId", Reason::CustomerAlreadyOnHold {})
            }
            CustomerError::NotOnHold => {
                AppError::input("input.customerId", Reason::CustomerNotOnHold {})
            }
            CustomerError::AssigneeNotFound { field } => AppError::input(
                field,
                Reason::RecordNotFound {
                    entity: Entity::Member,
                },
            ),
            CustomerError::MayNotCollect { role } => {
                AppError::input("input.collectorId", Reason::AssigneeMayNotCollect { role })
            }
            CustomerError::MayNotSell { role } => {
                AppError::input("input.salespersonId", Reason::AssigneeMayNotSell { role })
            }
            CustomerError::AssignCount { max } => AppError::input(
                "input.customerIds",
                Reason::CountOutOfRange {
                    min: 1,
                    max: u32::try_from(max).unwrap_or(u32::MAX),
                },
            ),
            CustomerError::AssignDuplicate { index } => {
                AppError::input(format!("input.customerIds[{index}]"), Reason::Duplicate {})
            }
            CustomerError::AssignUnknown { index } => AppError::input(
                format!("input.customerIds[{index}]"),
                Reason::RecordNotFound {
                    entity: Entity::Customer,
                },
            ),
            CustomerError::AssignNothing => {
                AppError::input("input.collectorId", Reason::Required {})
            }
        }
    }
}

/// A list of at most `max` items (none is fine).
fn count_out_of_range(max: usize) -> Reason {
    Reason::CountOutOfRange {
        min: 0,
        max: u32::try_from(max).unwrap_or(u32::MAX),
    }
}

/// Why payment terms were refused: their days are outside 0 to `MAX_TERMS_DAYS`.
fn terms_reason(_: &TermsError) -> Reason {
    Reason::OutOfRange {
        min: 0,
        max: i64::from(MAX_TERMS_DAYS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variant: its code, reason and field, as the API sends them.
    #[test]
    fn each_error_maps_to_its_code_reason_and_field() {
        let cases: Vec<(CustomerError, &str, &str, Option<&str>)> = vec![
            (
                CustomerError::NotFound,
                "NOT_FOUND",
                "RECORD_NOT_FOUND",
                None,
            ),
            (
                CustomerError::TooManyContacts { max: 20 },
                "VALIDATION",
                "COUNT_OUT_OF_RANGE",
                Some("input.contacts"),
            ),
            (
                CustomerError::ContactEmail {
                    index: 2,
                    error: EmailError::Malformed("x".into()),
                },
                "VALIDATION",
                "EMAIL_MALFORMED",
                Some("input.contacts[2].email"),
            ),
            (
                CustomerError::ContactEmail {
                    index: 0,
                    error: EmailError::Empty,
                },
                "VALIDATION",
                "REQUIRED",
                Some("input.contacts[0].email"),
            ),
            (
                CustomerError::ContactEmail {
                    index: 0,
                    error: EmailError::TooLong,
                },
                "VALIDATION",
                "TEXT_LENGTH",
                Some("input.contacts[0].email"),
            ),
            (
                CustomerError::UnknownChannel { index: 1 },
                "VALIDATION",
                "NOT_ONE_OF",
                Some("input.contacts[1].preferredChannel"),
            ),
            (
                CustomerError::ContactWechatId { index: 2, max: 64 },
                "VALIDATION",
                "INVALID_CHARACTERS",
                Some("input.contacts[2].wechatId"),
            ),
            (
                CustomerError::TooManyTags { max: 20 },
                "VALIDATION",
                "COUNT_OUT_OF_RANGE",
                Some("input.tags"),
            ),
            (
                CustomerError::BadCode,
                "VALIDATION",
                "INVALID_CHARACTERS",
                Some("input.code"),
            ),
            (
                CustomerError::CodeTaken,
                "CONFLICT",
                "CUSTOMER_CODE_TAKEN",
                Some("input.code"),
            ),
            (
                CustomerError::BadTerms(TermsError(400)),
                "VALIDATION",
                "OUT_OF_RANGE",
                Some("input.paymentTermsDays"),
            ),
            (
                CustomerError::CollectorNotAMember,
                "VALIDATION",
                "CUSTOMER_ASSIGNEE_NOT_MEMBER",
                Some("input.collectorId"),
            ),
            (
                CustomerError::SalespersonNotAMember,
                "VALIDATION",
                "CUSTOMER_ASSIGNEE_NOT_MEMBER",
                Some("input.salespersonId"),
            ),
            (
                CustomerError::AssigneeNotFound {
                    field: "input.collectorId",
                },
                "NOT_FOUND",
                "RECORD_NOT_FOUND",
                Some("input.collectorId"),
            ),
            (
                CustomerError::MayNotCollect {
                    role: "SALES".into(),
                },
                "VALIDATION",
                "ASSIGNEE_MAY_NOT_COLLECT",
                Some("input.collectorId"),
            ),
            (
                CustomerError::MayNotSell {
                    role: "COLLECTOR".into(),
                },
                "VALIDATION",
                "ASSIGNEE_MAY_NOT_SELL",
                Some("input.salespersonId"),
            ),
            (
                CustomerError::AssignCount { max: 500 },
                "VALIDATION",
                "COUNT_OUT_OF_RANGE",
                Some("input.customerIds"),
            ),
            (
                CustomerError::AssignDuplicate { index: 3 },
                "VALIDATION",
                "DUPLICATE",
                Some("input.customerIds[3]"),
            ),
            (
                CustomerError::AssignUnknown { index: 1 },
                "NOT_FOUND",
                "RECORD_NOT_FOUND",
                Some("input.customerIds[1]"),
            ),
            (
                CustomerError::AssignNothing,
                "VALIDATION",
                "REQUIRED",
                Some("input.collectorId"),
            ),
            (
                CustomerError::HasOpenInvoices { count: 3 },
                "CONFLICT",
                "CUSTOMER_HAS_OPEN_INVOICES",
                Some("input.customerId"),
            ),
            (
                CustomerError::AlreadyOnHold,
                "CONFLICT",
                "CUSTOMER_ALREADY_ON_HOLD",
                Some("input.customerId"),
            ),
            (
                CustomerError::NotOnHold,
                "CONFLICT",
                "CUSTOMER_NOT_ON_HOLD",
                Some("input.customerId"),
            ),
        ];
        for (error, code, reason, field) in cases {
            crate::error::assert_sent_as(error, code, reason, field);
        }
    }

    /// The parameters clients translate from.
    #[test]
    fn parameters_carry_the_limits_and_choices() {
        let (_, terms) = AppError::from(CustomerError::BadTerms(TermsError(400))).public();
        assert_eq!(terms["params"]["min"], 0);
        assert_eq!(terms["params"]["max"], 365);
        let (_, contacts) = AppError::from(CustomerError::TooManyContacts { max: 20 }).public();
        assert_eq!(contacts["params"]["max"], 20);
        let (_, channel) = AppError::from(CustomerError::UnknownChannel { index: 0 }).public();
        assert_eq!(
            channel["params"]["allowed"],
            serde_json::json!(["PHONE", "EMAIL", "SMS", "WECHAT", "VISIT", "LETTER"])
        );
        let (_, open) = AppError::from(CustomerError::HasOpenInvoices { count: 3 }).public();
        assert_eq!(open["params"]["count"], 3);
    }

    /// The English texts these errors had before they had reasons.
    #[test]
    fn english_texts_stay_as_they_were() {
        let cases = [
            (CustomerError::NotFound, "No such customer."),
            (
                CustomerError::CodeTaken,
                "Another customer already has this code.",
            ),
            (
                CustomerError::HasOpenInvoices { count: 3 },
                "The customer has 3 open invoices; settle, void or write them off first.",
            ),
            (
                CustomerError::AlreadyOnHold,
                "The customer is already on credit hold.",
            ),
            (
                CustomerError::NotOnHold,
                "The customer is not on credit hold.",
            ),
            (
                CustomerError::CollectorNotAMember,
                "not a member of this company",
            ),
            (
                CustomerError::UnknownChannel { index: 0 },
                "use one of PHONE, EMAIL, SMS, WECHAT, VISIT, LETTER",
            ),
        ];
        for (error, text) in cases {
            assert_eq!(AppError::from(error).public().0, text);
        }
    }
}
