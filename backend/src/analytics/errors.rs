//! Why analytics use cases refuse a request. Services raise these; the `From` below is the one
//! place they become an error code, a reason with its parameters, and the input field at fault.

use super::service::aging::MAX_DRILL_DOWN;
use crate::error::AppError;
use domain::alerts::AlertStatus;
use domain::reason::{Entity, Reason};

/// The longest period, in years, the KPIs and the staff performance cover in one request.
const MAX_PERIOD_YEARS: u32 = 2;

#[derive(Debug, Clone, PartialEq)]
pub enum AnalyticsError {
    /// KPIs are the company's: the caller sees only some customers.
    CompanyWideOnly,
    /// The period ends before it starts (or, for staff performance, is also too long).
    BadPeriod,
    /// The period is longer than two years.
    PeriodTooLong,
    /// A drill-down asked for fewer than 1 or more than `MAX_DRILL_DOWN` invoices.
    DrillDownSize,
    /// A drill-down by customer without the customer.
    DrillDownKeyMissing,
    /// A download's `groupBy` is not one of the API's values.
    UnknownGroupBy,
    /// A download's `basis` is not one of the API's values.
    UnknownBasis,
    /// No customer with this id the caller may see.
    CustomerNotFound,
    /// The rating just written could not be read back.
    RatingNotFound,
    /// No member of this company with this id.
    MemberNotFound,
    /// No incentive rule with this id.
    RuleNotFound,
    /// A percentage incentive without a rate above 0 and at most 100.
    BadRate,
    /// Another incentive rule has this name.
    RuleNameTaken,
    /// No alert with this id the caller may see.
    AlertNotFound,
    /// The alert is already `status` (resolved, or the status asked for).
    AlertAlready { status: AlertStatus },
    /// The large-invoice amount (`value`) is not a decimal number.
    LargeInvoiceNotANumber { value: String },
}

impl From<AnalyticsError> for AppError {
    fn from(error: AnalyticsError) -> Self {
        let not_found = |entity| AppError::refused(Reason::RecordNotFound { entity });
        let period = Reason::BadPeriod {
            years: Some(MAX_PERIOD_YEARS),
        };
        match error {
            AnalyticsError::CompanyWideOnly => {
                AppError::refused(Reason::AnalyticsCompanyWideOnly {})
            }
            AnalyticsError::BadPeriod => AppError::input("to", period),
            AnalyticsError::PeriodTooLong => AppError::input("from", period),
            AnalyticsError::DrillDownSize => AppError::input(
                "first",
                Reason::OutOfRange {
                    min: 1,
                    max: i64::from(MAX_DRILL_DOWN),
                },
            ),
            AnalyticsError::DrillDownKeyMissing => AppError::input("key", Reason::Required {}),
            AnalyticsError::UnknownGroupBy => AppError::input(
                "groupBy",
                one_of(&["NONE", "CUSTOMER", "COLLECTOR", "SEGMENT"]),
            ),
            AnalyticsError::UnknownBasis => {
                AppError::input("basis", one_of(&["DUE_DATE", "INVOICE_DATE"]))
            }
            AnalyticsError::CustomerNotFound => not_found(Entity::Customer),
            AnalyticsError::RatingNotFound => not_found(Entity::Rating),
            AnalyticsError::MemberNotFound => not_found(Entity::Member),
            AnalyticsError::RuleNotFound => not_found(Entity::IncentiveRule),
            AnalyticsError::BadRate => {
                AppError::input("input.rate", Reason::AnalyticsRateOutOfRange {})
            }
            AnalyticsError::RuleNameTaken => {
                AppError::input("input.name", Reason::AnalyticsRuleNameTaken {})
            }
            AnalyticsError::AlertNotFound => not_found(Entity::Alert),
            AnalyticsError::AlertAlready { status } => AppError::input(
                "input.alertId",
                Reason::AnalyticsAlertAlready {
                    status: status.as_str().to_owned(),
                },
            ),
            AnalyticsError::LargeInvoiceNotANumber { value } => {
                AppError::input("input.largeInvoiceAmount", Reason::NotANumber { value })
            }
        }
    }
}

fn one_of(allowed: &[&str]) -> Reason {
    Reason::NotOneOf {
        allowed: allowed.iter().map(|value| (*value).to_owned()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variant: its code, reason and field, as the API sends them.
    #[test]
    fn each_error_maps_to_its_code_reason_and_field() {
        let cases: Vec<(AnalyticsError, &str, &str, Option<&str>)> = vec![
            (
                AnalyticsError::CompanyWideOnly,
                "FORBIDDEN",
                "ANALYTICS_COMPANY_WIDE_ONLY",
                None,
            ),
            (
                AnalyticsError::BadPeriod,
                "VALIDATION",
                "BAD_PERIOD",
                Some("to"),
            ),
            (
                AnalyticsError::PeriodTooLong,
                "VALIDATION",
                "BAD_PERIOD",
                Some("from"),
            ),
            (
                AnalyticsError::DrillDownSize,
                "VALIDATION",
                "OUT_OF_RANGE",
                Some("first"),
            ),
            (
                AnalyticsError::DrillDownKeyMissing,
                "VALIDATION",
                "REQUIRED",
                Some("key"),
            ),
            (
                AnalyticsError::UnknownGroupBy,
                "VALIDATION",
                "NOT_ONE_OF",
                Some("groupBy"),
            ),
            (
                AnalyticsError::UnknownBasis,
                "VALIDATION",
                "NOT_ONE_OF",
                Some("basis"),
            ),
            (
                AnalyticsError::CustomerNotFound,
                "NOT_FOUND",
                "RECORD_NOT_FOUND",
                None,
            ),
            (
                AnalyticsError::RatingNotFound,
                "NOT_FOUND",
                "RECORD_NOT_FOUND",
                None,
            ),
            (
                AnalyticsError::MemberNotFound,
                "NOT_FOUND",
                "RECORD_NOT_FOUND",
                None,
            ),
            (
                AnalyticsError::RuleNotFound,
                "NOT_FOUND",
                "RECORD_NOT_FOUND",
                None,
            ),
            (
                AnalyticsError::BadRate,
                "VALIDATION",
                "ANALYTICS_RATE_OUT_OF_RANGE",
                Some("input.rate"),
            ),
            (
                AnalyticsError::RuleNameTaken,
                "CONFLICT",
                "ANALYTICS_RULE_NAME_TAKEN",
                Some("input.name"),
            ),
            (
                AnalyticsError::AlertNotFound,
                "NOT_FOUND",
                "RECORD_NOT_FOUND",
                None,
            ),
            (
                AnalyticsError::AlertAlready {
                    status: AlertStatus::Resolved,
                },
                "CONFLICT",
                "ANALYTICS_ALERT_ALREADY",
                Some("input.alertId"),
            ),
            (
                AnalyticsError::LargeInvoiceNotANumber {
                    value: "lots".into(),
                },
                "VALIDATION",
                "NOT_A_NUMBER",
                Some("input.largeInvoiceAmount"),
            ),
        ];
        for (error, code, reason, field) in cases {
            crate::error::assert_sent_as(error, code, reason, field);
        }
    }

    /// The parameters clients translate from.
    #[test]
    fn parameters_carry_the_limits_choices_and_status() {
        let params = |error: AnalyticsError| AppError::from(error).public().1["params"].clone();
        assert_eq!(params(AnalyticsError::BadPeriod)["years"], 2);
        assert_eq!(params(AnalyticsError::DrillDownSize)["max"], 500);
        assert_eq!(
            params(AnalyticsError::UnknownBasis)["allowed"],
            serde_json::json!(["DUE_DATE", "INVOICE_DATE"])
        );
        assert_eq!(
            params(AnalyticsError::AlertAlready {
                status: AlertStatus::Acknowledged
            })["status"],
            "ACKNOWLEDGED"
        );
        assert_eq!(
            params(AnalyticsError::LargeInvoiceNotANumber {
                value: "lots".into()
            })["value"],
            "lots"
        );
    }

    /// The English texts these errors had before they had reasons (the web app's journey
    /// looks for the bucket edges' words).
    #[test]
    fn english_texts_stay_as_they_were() {
        let cases = [
            (
                AnalyticsError::CompanyWideOnly,
                "company-wide figures are for those who see every customer",
            ),
            (AnalyticsError::MemberNotFound, "No such team member."),
            (AnalyticsError::RuleNotFound, "No such incentive rule."),
            (AnalyticsError::CustomerNotFound, "No such customer."),
            (AnalyticsError::RatingNotFound, "No such rating."),
            (AnalyticsError::AlertNotFound, "No such alert."),
            (
                AnalyticsError::BadRate,
                "a percentage above 0 and at most 100",
            ),
            (
                AnalyticsError::RuleNameTaken,
                "Another incentive rule has this name.",
            ),
            (
                AnalyticsError::AlertAlready {
                    status: AlertStatus::Acknowledged,
                },
                "The alert is acknowledged already.",
            ),
        ];
        for (error, text) in cases {
            assert_eq!(AppError::from(error).public().0, text);
        }
    }
}
