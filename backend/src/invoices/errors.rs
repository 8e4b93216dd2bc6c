//! Why invoice use cases refuse a request. Services raise these; the `From` below is the one
//! place they become an error code, a reason with its parameters, and the input field at fault.

use crate::error::AppError;
use domain::Currency;
use domain::credit::CreditBreach;
use domain::invoices::{DisputeStatus, InstallmentError, InvoiceAction, InvoiceStatus, LineError};
use domain::reason::{Entity, Reason};
use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq)]
pub enum InvoiceError {
    InvoiceNotFound,
    CustomerNotFound,
    DisputeNotFound,
    FapiaoNotFound,
    FapiaoVoided,
    FapiaoNumberTaken {
        number: String,
    },
    FapiaoInvoiceNotIssued {
        status: domain::invoices::InvoiceStatus,
    },
    FapiaoIssuedInFuture {
        today: chrono::NaiveDate,
    },
    FapiaoCreditNoteOfAnotherInvoice,
    /// Only issued invoices go to customers.
    NotSendable {
        status: InvoiceStatus,
    },
    /// No address given and none on the customer's contacts.
    NoContactEmail,
    /// An address (`field`: `input.email` or `input.cc.2`) is not one.
    Email {
        field: String,
        error: domain::credentials::EmailError,
    },
    /// More addresses in copy than one message takes.
    TooManyCopies {
        max: usize,
    },
    CreditNoteNotFound,
    /// The invoice's status does not allow `action`.
    WrongStatus {
        status: InvoiceStatus,
        action: InvoiceAction,
    },
    /// The customer is archived; `field` names the id the caller sent (`customerId` or
    /// `invoiceId`).
    CustomerArchived {
        field: &'static str,
    },
    /// A draft's currency changed without its lines, which are priced in the old one.
    CurrencyNeedsLines,
    /// Payments or credit notes have touched the invoice, so it cannot be voided.
    HasPayments,
    /// The number is not 1 to 40 letters, digits, `-`, `/`, `_` or `.`.
    BadNumber,
    NumberTaken,
    ExternalRefTaken,
    /// The due date is before the issue date.
    DueBeforeIssue {
        issue_date: chrono::NaiveDate,
    },
    /// A dispute or credit note for more than the balance due.
    OverBalance {
        balance_due: Decimal,
        currency: Currency,
    },
    /// The dispute was already settled.
    DisputeClosed {
        status: DisputeStatus,
    },
    /// The member named to own a dispute is not one of this company's.
    DisputeAssigneeNotFound,
    /// The member's `role` does not work collections, so cannot own a dispute.
    DisputeAssigneeMayNotCollect {
        role: String,
    },
    /// A dispute's due date is not from `today` to a year on.
    DisputeDueOutOfRange {
        today: chrono::NaiveDate,
    },
    /// The credit policy blocks issuing: a hold, or the limit.
    CreditBlocked {
        breach: CreditBreach,
        currency: Currency,
    },
    Lines(LineError),
    /// An installment; `index` is `None` for the plan as a whole.
    Installments {
        index: Option<usize>,
        error: InstallmentError,
    },
}

/// A fapiao rule broken, as the error a client reads (amounts in `currency`).
pub fn fapiao_refused(
    rule: domain::fapiao::FapiaoRule,
    kind: domain::fapiao::FapiaoKind,
    currency: &str,
) -> AppError {
    use domain::fapiao::FapiaoRule;
    let shown = |amount: rust_decimal::Decimal| domain::display::amount_string(amount, currency);
    let currency = currency.to_owned();
    match rule {
        FapiaoRule::Number { digits } => AppError::input(
            "input.number",
            Reason::FapiaoNumberFormat {
                kind: kind.as_str().to_owned(),
                digits,
            },
        ),
        FapiaoRule::Code { .. } => AppError::input(
            "input.code",
            Reason::FapiaoCodeFormat {
                kind: kind.as_str().to_owned(),
            },
        ),
        FapiaoRule::Tax => AppError::input("input.taxAmount", Reason::FapiaoTaxOverAmount {}),
        FapiaoRule::OverInvoice { total, issued } => AppError::input(
            "input.amount",
            Reason::FapiaoOverInvoice {
                total: shown(total),
                issued: shown(issued),
                currency,
            },
        ),
        FapiaoRule::OverCreditNote { amount, issued } => AppError::input(
            "input.amount",
            Reason::FapiaoOverCreditNote {
                amount: shown(amount),
                issued: shown(issued),
                currency,
            },
        ),
        FapiaoRule::RedOverBlue { blue, red } => AppError::refused(Reason::FapiaoRedOverBlue {
            blue: shown(blue),
            red: shown(red),
            currency,
        }),
    }
}

impl From<InvoiceError> for AppError {
    fn from(error: InvoiceError) -> Self {
        let not_found = |entity| AppError::refused(Reason::RecordNotFound { entity });
        match error {
            InvoiceError::InvoiceNotFound => not_found(Entity::Invoice),
            InvoiceError::CustomerNotFound => not_found(Entity::Customer),
            InvoiceError::DisputeNotFound => not_found(Entity::Dispute),
            InvoiceError::FapiaoNotFound => not_found(Entity::Fapiao),
            InvoiceError::FapiaoVoided => AppError::refused(Reason::FapiaoVoided {}),
            InvoiceError::FapiaoNumberTaken { number } => {
                AppError::input("input.number", Reason::FapiaoNumberTaken { number })
            }
            InvoiceError::FapiaoInvoiceNotIssued { status } => {
                AppError::refused(Reason::FapiaoInvoiceNotIssued {
                    status: status.as_str().to_owned(),
                })
            }
            InvoiceError::FapiaoIssuedInFuture { today } => {
                AppError::input("input.issuedOn", Reason::FapiaoIssuedInFuture { today })
            }
            InvoiceError::FapiaoCreditNoteOfAnotherInvoice => AppError::input(
                "input.creditNoteId",
                Reason::FapiaoCreditNoteOfAnotherInvoice {},
            ),
            InvoiceError::NotSendable { status } => AppError::refused(Reason::InvoiceNotSendable {
                status: status.as_str().to_owned(),
            }),
            InvoiceError::NoContactEmail => {
                AppError::input("input.email", Reason::InvoiceNoContactEmail {})
            }
            InvoiceError::Email { field, error } => AppError::input(field, Reason::from(&error)),
            InvoiceError::TooManyCopies { max } => {
                AppError::input("input.cc", Reason::InvoiceTooManyCopies { max: max as u32 })
            }
            InvoiceError::CreditNoteNotFound => not_found(Entity::CreditNote),
            InvoiceError::WrongStatus { status, action } => {
                let status = status.as_str().to_owned();
                let reason = match action {
                    InvoiceAction::Edit => Reason::InvoiceNotDraft { status },
                    InvoiceAction::Issue => Reason::InvoiceAlreadyIssued { status },
                    InvoiceAction::Void => Reason::InvoiceNotVoidable { status },
                    InvoiceAction::WriteOff => Reason::InvoiceNotOpen {
                        status,
                        action: "WRITE_OFF".to_owned(),
                    },
                    InvoiceAction::Dispute => Reason::InvoiceNotOpen {
                        status,
                        action: "DISPUTE".to_owned(),
                    },
                    InvoiceAction::Credit => Reason::InvoiceNotOpen {
                        status,
                        action: "CREDIT".to_owned(),
                    },
                    InvoiceAction::PlanInstallments => Reason::InvoiceClosed { status },
                };
                AppError::input("input.invoiceId", reason)
            }
            InvoiceError::CustomerArchived { field } => {
                AppError::input(format!("input.{field}"), Reason::CustomerArchived {})
            }
            InvoiceError::CurrencyNeedsLines => {
                AppError::input("input.currency", Reason::InvoiceCurrencyNeedsLines {})
            }
            InvoiceError::HasPayments => {
                AppError::input("input.invoiceId", Reason::InvoiceHasPayments {})
            }
            InvoiceError::BadNumber => AppError::input(
                "input.number",
                Reason::InvalidCharacters {
                    symbols: "-, /, _ or .".to_owned(),
                    max: Some(40),
                },
            ),
            InvoiceError::NumberTaken => {
                AppError::input("input.number", Reason::InvoiceNumberTaken {})
            }
            InvoiceError::ExternalRefTaken => {
                AppError::input("input.externalRef", Reason::InvoiceExternalRefTaken {})
            }
            InvoiceError::DueBeforeIssue { issue_date } => {
                AppError::input("input.dueDate", Reason::DueBeforeIssue { issue_date })
            }
            InvoiceError::OverBalance {
                balance_due,
                currency,
            } => AppError::input(
                "input.amount",
                Reason::OverBalanceDue {
                    balance_due: currency_amount(balance_due, currency),
                    currency: currency.code().to_owned(),
                },
            ),
            InvoiceError::DisputeClosed { status } => AppError::input(
                "input.disputeId",
                Reason::DisputeClosed {
                    status: status.as_str().to_owned(),
                },
            ),
            InvoiceError::DisputeAssigneeNotFound => AppError::input(
                "input.assigneeId",
                Reason::RecordNotFound {
                    entity: Entity::Member,
                },
            ),
            InvoiceError::DisputeAssigneeMayNotCollect { role } => {
                AppError::input("input.assigneeId", Reason::AssigneeMayNotCollect { role })
            }
            InvoiceError::DisputeDueOutOfRange { today } => AppError::input(
                "input.dueOn",
                Reason::DateOutOfRange {
                    earliest: Some(today),
                    latest: today.checked_add_days(chrono::Days::new(
                        domain::collections::MAX_DAYS_AHEAD.unsigned_abs(),
                    )),
                },
            ),
            InvoiceError::CreditBlocked { breach, currency } => {
                let currency_code = currency.code().to_owned();
                AppError::refused(match breach {
                    CreditBreach::OnHold { reason } => Reason::CreditHoldBlocksIssue { reason },
                    CreditBreach::OverLimit {
                        limit,
                        exposure_after,
                    } => Reason::CreditLimitBlocksIssue {
                        limit: currency_amount(limit, currency),
                        exposure_after: currency_amount(exposure_after, currency),
                        currency: currency_code,
                    },
                })
            }
            InvoiceError::Lines(error) => {
                AppError::input(format!("input.{}", error.field()), line_reason(&error))
            }
            InvoiceError::Installments { index, error } => {
                let field = match (&error, index) {
                    (InstallmentError::DueDate(at), _) => {
                        format!("input.installments[{at}].dueDate")
                    }
                    (_, Some(at)) => format!("input.installments[{at}]"),
                    (_, None) => "input.installments".to_owned(),
                };
                AppError::input(field, installment_reason(&error))
            }
        }
    }
}

/// An amount with its currency's decimals (`4000` CNY is `4000.00`).
fn currency_amount(amount: Decimal, currency: Currency) -> String {
    domain::Money::new(amount, currency).amount_text()
}

pub(crate) fn line_reason(error: &LineError) -> Reason {
    use domain::invoices::{
        MAX_DESCRIPTION_CHARS, MAX_LINES, QUANTITY_DECIMALS, UNIT_PRICE_DECIMALS,
    };
    let line = |index: &usize| u32::try_from(*index + 1).unwrap_or(u32::MAX);
    match error {
        LineError::NoLines => Reason::InvoiceNoLines {},
        LineError::TooManyLines => Reason::InvoiceTooManyLines {
            max: MAX_LINES as u32,
        },
        LineError::Description(index) => Reason::LineDescription {
            line: line(index),
            max: MAX_DESCRIPTION_CHARS as u32,
        },
        LineError::Quantity(index) => Reason::LineQuantity {
            line: line(index),
            decimals: QUANTITY_DECIMALS,
        },
        LineError::UnitPrice(index) => Reason::LineUnitPrice {
            line: line(index),
            decimals: UNIT_PRICE_DECIMALS,
        },
        LineError::TaxRate(index) => Reason::LineTaxRate { line: line(index) },
        LineError::TooLarge(index) => Reason::LineTooLarge { line: line(index) },
        LineError::ZeroTotal => Reason::InvoiceZeroTotal {},
        LineError::Money(error) => Reason::from(error),
    }
}

fn installment_reason(error: &InstallmentError) -> Reason {
    match error {
        InstallmentError::DueDate(_) => Reason::InstallmentDueDates {},
        InstallmentError::Count => Reason::InstallmentCount {
            min: 2,
            max: domain::invoices::MAX_INSTALLMENTS as u32,
        },
        InstallmentError::Sum {
            sum,
            total,
            currency,
        } => Reason::InstallmentsDoNotAddUp {
            sum: sum.normalize().to_string(),
            total: total.normalize().to_string(),
            currency: currency.code().to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    /// Every variant: its code, reason and field, as the API sends them.
    #[test]
    fn each_error_maps_to_its_code_reason_and_field() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let cases: Vec<(InvoiceError, &str, &str, Option<&str>)> = vec![
            (
                InvoiceError::InvoiceNotFound,
                "NOT_FOUND",
                "RECORD_NOT_FOUND",
                None,
            ),
            (
                InvoiceError::CustomerNotFound,
                "NOT_FOUND",
                "RECORD_NOT_FOUND",
                None,
            ),
            (
                InvoiceError::DisputeNotFound,
                "NOT_FOUND",
                "RECORD_NOT_FOUND",
                None,
            ),
            (
                InvoiceError::CreditNoteNotFound,
                "NOT_FOUND",
                "RECORD_NOT_FOUND",
                None,
            ),
            (
                InvoiceError::NotSendable {
                    status: InvoiceStatus::Draft,
                },
                "CONFLICT",
                "INVOICE_NOT_SENDABLE",
                None,
            ),
            (
                InvoiceError::NoContactEmail,
                "VALIDATION",
                "INVOICE_NO_CONTACT_EMAIL",
                Some("input.email"),
            ),
            (
                InvoiceError::Email {
                    field: "input.cc.1".to_owned(),
                    error: domain::credentials::EmailError::Empty,
                },
                "VALIDATION",
                "REQUIRED",
                Some("input.cc.1"),
            ),
            (
                InvoiceError::TooManyCopies { max: 5 },
                "VALIDATION",
                "INVOICE_TOO_MANY_COPIES",
                Some("input.cc"),
            ),
            (
                InvoiceError::WrongStatus {
                    status: InvoiceStatus::Issued,
                    action: InvoiceAction::Edit,
                },
                "CONFLICT",
                "INVOICE_NOT_DRAFT",
                Some("input.invoiceId"),
            ),
            (
                InvoiceError::WrongStatus {
                    status: InvoiceStatus::Issued,
                    action: InvoiceAction::Issue,
                },
                "CONFLICT",
                "INVOICE_ALREADY_ISSUED",
                Some("input.invoiceId"),
            ),
            (
                InvoiceError::WrongStatus {
                    status: InvoiceStatus::Paid,
                    action: InvoiceAction::Void,
                },
                "CONFLICT",
                "INVOICE_NOT_VOIDABLE",
                Some("input.invoiceId"),
            ),
            (
                InvoiceError::WrongStatus {
                    status: InvoiceStatus::Paid,
                    action: InvoiceAction::WriteOff,
                },
                "CONFLICT",
                "INVOICE_NOT_OPEN",
                Some("input.invoiceId"),
            ),
            (
                InvoiceError::WrongStatus {
                    status: InvoiceStatus::Void,
                    action: InvoiceAction::PlanInstallments,
                },
                "CONFLICT",
                "INVOICE_CLOSED",
                Some("input.invoiceId"),
            ),
            (
                InvoiceError::CustomerArchived {
                    field: "customerId",
                },
                "VALIDATION",
                "CUSTOMER_ARCHIVED",
                Some("input.customerId"),
            ),
            (
                InvoiceError::CurrencyNeedsLines,
                "VALIDATION",
                "INVOICE_CURRENCY_NEEDS_LINES",
                Some("input.currency"),
            ),
            (
                InvoiceError::HasPayments,
                "CONFLICT",
                "INVOICE_HAS_PAYMENTS",
                Some("input.invoiceId"),
            ),
            (
                InvoiceError::BadNumber,
                "VALIDATION",
                "INVALID_CHARACTERS",
                Some("input.number"),
            ),
            (
                InvoiceError::NumberTaken,
                "CONFLICT",
                "INVOICE_NUMBER_TAKEN",
                Some("input.number"),
            ),
            (
                InvoiceError::ExternalRefTaken,
                "CONFLICT",
                "INVOICE_EXTERNAL_REF_TAKEN",
                Some("input.externalRef"),
            ),
            (
                InvoiceError::DueBeforeIssue { issue_date: day },
                "VALIDATION",
                "DUE_BEFORE_ISSUE",
                Some("input.dueDate"),
            ),
            (
                InvoiceError::OverBalance {
                    balance_due: dec("10"),
                    currency: Currency::CNY,
                },
                "VALIDATION",
                "OVER_BALANCE_DUE",
                Some("input.amount"),
            ),
            (
                InvoiceError::DisputeClosed {
                    status: DisputeStatus::Resolved,
                },
                "CONFLICT",
                "DISPUTE_CLOSED",
                Some("input.disputeId"),
            ),
            (
                InvoiceError::DisputeAssigneeNotFound,
                "NOT_FOUND",
                "RECORD_NOT_FOUND",
                Some("input.assigneeId"),
            ),
            (
                InvoiceError::DisputeAssigneeMayNotCollect {
                    role: "VIEWER".to_owned(),
                },
                "VALIDATION",
                "ASSIGNEE_MAY_NOT_COLLECT",
                Some("input.assigneeId"),
            ),
            (
                InvoiceError::DisputeDueOutOfRange { today: day },
                "VALIDATION",
                "DATE_OUT_OF_RANGE",
                Some("input.dueOn"),
            ),
            (
                InvoiceError::CreditBlocked {
                    breach: CreditBreach::OnHold {
                        reason: "late".into(),
                    },
                    currency: Currency::CNY,
                },
                "CREDIT_HOLD",
                "CREDIT_HOLD_BLOCKS_ISSUE",
                None,
            ),
            (
                InvoiceError::CreditBlocked {
                    breach: CreditBreach::OverLimit {
                        limit: dec("100"),
                        exposure_after: dec("150"),
                    },
                    currency: Currency::CNY,
                },
                "CREDIT_LIMIT_EXCEEDED",
                "CREDIT_LIMIT_BLOCKS_ISSUE",
                None,
            ),
            (
                InvoiceError::Lines(LineError::NoLines),
                "VALIDATION",
                "INVOICE_NO_LINES",
                Some("input.lines"),
            ),
            (
                InvoiceError::Lines(LineError::Quantity(2)),
                "VALIDATION",
                "LINE_QUANTITY",
                Some("input.lines[2].quantity"),
            ),
            (
                InvoiceError::Installments {
                    index: Some(1),
                    error: InstallmentError::DueDate(1),
                },
                "VALIDATION",
                "INSTALLMENT_DUE_DATES",
                Some("input.installments[1].dueDate"),
            ),
            (
                InvoiceError::Installments {
                    index: None,
                    error: InstallmentError::Sum {
                        sum: dec("90"),
                        total: dec("100"),
                        currency: Currency::CNY,
                    },
                },
                "VALIDATION",
                "INSTALLMENTS_DO_NOT_ADD_UP",
                Some("input.installments"),
            ),
        ];
        for (error, code, reason, field) in cases {
            crate::error::assert_sent_as(error, code, reason, field);
        }
    }

    #[test]
    fn installments_that_do_not_add_up_carry_both_sums() {
        let error = InvoiceError::Installments {
            index: None,
            error: InstallmentError::Sum {
                sum: dec("90.5"),
                total: dec("100"),
                currency: Currency::CNY,
            },
        };
        let (message, extensions) = AppError::from(error).public();
        assert_eq!(extensions["params"]["sum"], "90.5");
        assert_eq!(extensions["params"]["total"], "100");
        assert_eq!(extensions["params"]["currency"], "CNY");
        assert!(message.contains("90.5"), "{message}");
    }
}
