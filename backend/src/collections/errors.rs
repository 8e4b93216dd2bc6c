//! Why collections use cases refuse a request. Services raise these; the `From` below is the one
//! place they become an error code, a reason with its parameters, and the input field at fault.
//!
//! The domain's own checks (a ladder's steps, a fee rule, an email template) say why through
//! [`ladder_reason`], [`fee_rule_reason`] and [`template_reason`]; the caller names the field,
//! which depends on where the value came from (`input` or a preview's `draft`).

use crate::error::AppError;
use chrono::{Days, NaiveDate};
use domain::collections::{EDIT_WINDOW_HOURS, MAX_DAYS_AHEAD, PromiseStatus};
use domain::dunning::{EARLIEST_OFFSET, LATEST_OFFSET, LadderError, MAX_STEPS};
use domain::fees::FeeRuleError;
use domain::legal::LegalStatus;
use domain::reason::{Entity, Reason};
use domain::templates::{MAX_BODY, MAX_SUBJECT, TemplateError};

#[derive(Debug, Clone, PartialEq)]
pub enum CollectionError {
    /// No such customer, or not one the caller works.
    CustomerNotFound,
    LadderNotFound,
    TemplateNotFound,
    RunNotFound,
    FeeNotFound,
    ActivityNotFound,
    PromiseNotFound,
    TaskNotFound,
    LegalCaseNotFound,
    LetterNotFound,
    /// The letter was recorded mailed already.
    LetterAlreadyMailed {
        mailed_on: NaiveDate,
    },
    /// Nothing overdue for a letter to claim.
    LetterNothingOverdue,
    /// Not a carrier's tracking number (4 to 40 letters and digits).
    TrackingNumber,
    /// A letter recorded mailed after `today`.
    MailedInFuture {
        today: NaiveDate,
    },

    /// An activity logged with a time in the future.
    ActivityInFuture,
    /// A `PROMISE_TO_PAY` outcome logged without its promise.
    PromiseRequired,
    /// The next action is before the company's `today`.
    NextActionInPast {
        today: NaiveDate,
    },
    /// The `index`th invoice named is not the customer's (or not an id).
    InvoiceNotOfCustomer {
        index: usize,
    },
    /// A promised date before `today` or more than a year after it.
    PromiseDateOutOfRange {
        today: NaiveDate,
    },
    /// Only the author corrects an activity.
    NotActivityAuthor,
    /// The activity is older than the edit window.
    ActivityNotEditable,
    /// Only an open promise can be cancelled; this one is `status`.
    PromiseNotOpen {
        status: PromiseStatus,
    },

    /// Another ladder has the name.
    LadderNameTaken,
    /// A ladder is assigned to a customer or to a segment: neither or both were given.
    CustomerOrSegment,
    /// A pause ending before `today` or more than a year after it.
    PauseOutOfRange {
        today: NaiveDate,
    },

    /// A template's language is not one Duely speaks.
    TemplateLocaleUnknown,
    /// The ladder has no email step on the day a template was saved for.
    NoEmailStep,

    /// The fee is waived already.
    FeeAlreadyWaived,

    /// An escalation naming an empty list of invoices.
    LegalInvoicesEmpty,
    /// The `index`th invoice named is not an open invoice of the customer in its currency.
    LegalInvoiceNotOpen {
        index: usize,
    },
    /// An escalation of every overdue invoice, for a customer with none.
    NothingOverdue,
    /// The customer has an open legal case.
    LegalCaseAlreadyOpen,
    /// The case is settled or written off.
    LegalCaseClosed,
    /// A stage's date outside the case's life: from `opened_on` to `today`.
    StageDateOutOfRange {
        opened_on: NaiveDate,
        today: NaiveDate,
    },
    /// A case at `from` moves only to a later stage.
    LegalCaseCannotMove {
        from: LegalStatus,
    },

    /// A collector asked for another collector's worklist.
    OthersWorklist,
    /// The collector asked for is not an id (`value`).
    CollectorNotAnId {
        value: String,
    },
    /// Only an open task can be completed; this one is `status` (`DONE`, `CANCELLED`).
    TaskNotOpen {
        status: String,
    },
    /// A list asked for both a person (`collectorId`, `filter.assigneeId`) and a scope;
    /// `field` is the scope's.
    ScopeAndPerson {
        field: &'static str,
    },
    /// An API key has no list of its own: `MINE` means nothing for it.
    ScopeMineForKey {
        field: &'static str,
    },
    /// The assignee (`field`) is no member of this company.
    AssigneeNotFound {
        field: &'static str,
    },
    /// The assignee's `role` does not work collections.
    AssigneeMayNotCollect {
        field: &'static str,
        role: String,
    },
    /// A collector giving a task to someone else, or moving one.
    TaskOthersForManagers,
    /// A task given to a collector who does not collect for its customer (they could not see
    /// or complete it).
    AssigneeNotCustomersCollector,
    /// A task due before `today` or more than a year after it.
    TaskDueOutOfRange {
        today: NaiveDate,
    },
}

/// From `today` to a year on: the days a promise or a pause may reach.
fn within_a_year(today: NaiveDate) -> Reason {
    Reason::DateOutOfRange {
        earliest: Some(today),
        latest: today.checked_add_days(Days::new(MAX_DAYS_AHEAD.unsigned_abs())),
    }
}

impl From<CollectionError> for AppError {
    fn from(error: CollectionError) -> Self {
        let missing = |entity: Entity| AppError::refused(Reason::RecordNotFound { entity });
        match error {
            CollectionError::CustomerNotFound => missing(Entity::Customer),
            CollectionError::LadderNotFound => missing(Entity::Ladder),
            CollectionError::TemplateNotFound => missing(Entity::Template),
            CollectionError::RunNotFound => missing(Entity::Run),
            CollectionError::FeeNotFound => missing(Entity::Fee),
            CollectionError::ActivityNotFound => missing(Entity::Activity),
            CollectionError::PromiseNotFound => missing(Entity::Promise),
            CollectionError::TaskNotFound => missing(Entity::Task),
            CollectionError::LegalCaseNotFound => missing(Entity::LegalCase),
            CollectionError::LetterNotFound => missing(Entity::Letter),
            CollectionError::LetterAlreadyMailed { mailed_on } => {
                AppError::refused(Reason::LetterAlreadyMailed { mailed_on })
            }
            CollectionError::LetterNothingOverdue => {
                AppError::refused(Reason::LetterNothingOverdue {})
            }
            CollectionError::TrackingNumber => AppError::input(
                "input.trackingNumber",
                Reason::InvalidCharacters {
                    symbols: " -".to_owned(),
                    max: Some(domain::letters::MAX_TRACKING_NUMBER as u32),
                },
            ),
            CollectionError::MailedInFuture { today } => AppError::input(
                "input.mailedOn",
                Reason::DateOutOfRange {
                    earliest: None,
                    latest: Some(today),
                },
            ),

            CollectionError::ActivityInFuture => {
                AppError::input("input.occurredAt", Reason::ActivityInFuture {})
            }
            CollectionError::PromiseRequired => {
                AppError::input("input.promise", Reason::ActivityPromiseRequired {})
            }
            CollectionError::NextActionInPast { today } => AppError::input(
                "input.nextActionOn",
                Reason::DateOutOfRange {
                    earliest: Some(today),
                    latest: None,
                },
            ),
            CollectionError::InvoiceNotOfCustomer { index } => AppError::input(
                format!("input.invoiceIds[{index}]"),
                Reason::ActivityInvoiceNotOfCustomer {},
            ),
            CollectionError::PromiseDateOutOfRange { today } => {
                AppError::input("input.promise.promisedDate", within_a_year(today))
            }
            CollectionError::NotActivityAuthor => AppError::refused(Reason::ActivityNotAuthor {}),
            CollectionError::ActivityNotEditable => AppError::input(
                "input.activityId",
                Reason::ActivityEditWindowPassed {
                    hours: EDIT_WINDOW_HOURS,
                },
            ),
            CollectionError::PromiseNotOpen { status } => AppError::input(
                "input.promiseId",
                Reason::PromiseNotOpen {
                    status: status.as_str().to_owned(),
                },
            ),

            CollectionError::LadderNameTaken => {
                AppError::input("input.name", Reason::LadderNameTaken {})
            }
            CollectionError::CustomerOrSegment => {
                AppError::input("input.customerId", Reason::LadderAssignCustomerOrSegment {})
            }
            CollectionError::PauseOutOfRange { today } => {
                AppError::input("input.until", within_a_year(today))
            }

            CollectionError::TemplateLocaleUnknown => AppError::input(
                "input.locale",
                Reason::NotOneOf {
                    allowed: domain::Locale::ALL
                        .iter()
                        .map(|locale| locale.tag().to_owned())
                        .collect(),
                },
            ),
            CollectionError::NoEmailStep => {
                AppError::input("input.stepOffset", Reason::LadderNoEmailStep {})
            }

            CollectionError::FeeAlreadyWaived => {
                AppError::input("input.feeId", Reason::FeeAlreadyWaived {})
            }

            CollectionError::LegalInvoicesEmpty => {
                AppError::input("input.invoiceIds", Reason::LegalCaseNoInvoices {})
            }
            CollectionError::LegalInvoiceNotOpen { index } => AppError::input(
                format!("input.invoiceIds[{index}]"),
                Reason::LegalCaseInvoiceNotOpen {},
            ),
            CollectionError::NothingOverdue => {
                AppError::input("input.customerId", Reason::LegalCaseNothingOverdue {})
            }
            CollectionError::LegalCaseAlreadyOpen => {
                AppError::input("input.customerId", Reason::LegalCaseAlreadyOpen {})
            }
            CollectionError::LegalCaseClosed => {
                AppError::input("input.caseId", Reason::LegalCaseClosed {})
            }
            CollectionError::StageDateOutOfRange { opened_on, today } => AppError::input(
                "input.on",
                Reason::DateOutOfRange {
                    earliest: Some(opened_on),
                    latest: Some(today),
                },
            ),
            CollectionError::LegalCaseCannotMove { from } => AppError::input(
                "input.status",
                Reason::LegalCaseCannotMove {
                    status: from.as_str().to_owned(),
                    allowed: LegalStatus::ALL
                        .iter()
                        .filter(|next| from.can_move_to(**next))
                        .map(|next| next.as_str().to_owned())
                        .collect(),
                },
            ),

            CollectionError::OthersWorklist => AppError::refused(Reason::WorklistNotYours {}),
            CollectionError::CollectorNotAnId { value } => {
                AppError::input("collectorId", Reason::NotAnId { value })
            }
            CollectionError::TaskNotOpen { status } => {
                AppError::input("input.taskId", Reason::TaskNotOpen { status })
            }
            CollectionError::ScopeAndPerson { field } => {
                AppError::input(field, Reason::EitherNotBoth {})
            }
            CollectionError::ScopeMineForKey { field } => AppError::input(
                field,
                Reason::NotOneOf {
                    allowed: vec!["ALL".to_owned(), "UNASSIGNED".to_owned()],
                },
            ),
            CollectionError::AssigneeNotFound { field } => AppError::input(
                field,
                Reason::RecordNotFound {
                    entity: Entity::Member,
                },
            ),
            CollectionError::AssigneeMayNotCollect { field, role } => {
                AppError::input(field, Reason::AssigneeMayNotCollect { role })
            }
            CollectionError::TaskOthersForManagers => {
                AppError::refused(Reason::TaskOthersForManagers {})
            }
            CollectionError::AssigneeNotCustomersCollector => AppError::input(
                "input.assigneeId",
                Reason::TaskAssigneeNotCustomersCollector {},
            ),
            CollectionError::TaskDueOutOfRange { today } => {
                AppError::input("input.dueOn", within_a_year(today))
            }
        }
    }
}

/// A 0-based index as the 1-based step number people read.
fn step(index: usize) -> u32 {
    u32::try_from(index.saturating_add(1)).unwrap_or(u32::MAX)
}

/// Why a ladder's steps do not check (`domain::dunning::validate`); the caller names the field
/// (`input.steps[2].offsetDays`).
pub fn ladder_reason(error: &LadderError) -> Reason {
    match error {
        LadderError::StepCount => Reason::CountOutOfRange {
            min: 1,
            max: u32::try_from(MAX_STEPS).unwrap_or(u32::MAX),
        },
        LadderError::Offset(_) => Reason::OutOfRange {
            min: i64::from(EARLIEST_OFFSET),
            max: i64::from(LATEST_OFFSET),
        },
        LadderError::SameDay(index) => Reason::LadderStepsSameDay { step: step(*index) },
        LadderError::Name(_) => Reason::TextLength {
            min: Some(1),
            max: Some(100),
        },
        LadderError::TooEarly(index) => Reason::LadderStepBeforeDue { step: step(*index) },
    }
}

/// Why a late-fee rule does not check (`FeeRule::validate`); the caller names the field
/// (`input.feeRule.percent`).
pub fn fee_rule_reason(error: &FeeRuleError) -> Reason {
    match error {
        FeeRuleError::Amount => Reason::FeeFixedAmountInvalid {},
        FeeRuleError::Percent => Reason::FeePercentOutOfRange {},
        FeeRuleError::Rate => Reason::FeeRateOutOfRange {},
        FeeRuleError::Grace => Reason::OutOfRange { min: 0, max: 365 },
        FeeRuleError::Cap => Reason::FeeCapOutOfRange {},
    }
}

/// Why an email template does not check or render (`domain::templates`); the caller names the
/// field (`input.subject`, `input.body`).
pub fn template_reason(error: &TemplateError) -> Reason {
    match error {
        TemplateError::UnknownVariable(name) => {
            Reason::TemplateUnknownVariable { name: name.clone() }
        }
        TemplateError::Unclosed => Reason::TemplateUnclosed {},
        TemplateError::Subject => Reason::TemplateSubjectInvalid {
            max: u32::try_from(MAX_SUBJECT).unwrap_or(u32::MAX),
        },
        TemplateError::Body => Reason::TextLength {
            min: Some(1),
            max: Some(u32::try_from(MAX_BODY).unwrap_or(u32::MAX)),
        },
        TemplateError::Amount(value) => Reason::NotANumber {
            value: value.clone(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    /// (code, reason, params, field) as a client reads them.
    fn public(error: AppError) -> (String, String, Value, Option<String>) {
        let (_, extensions) = error.public();
        let text = |key: &str| {
            extensions
                .get(key)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        (
            text("code").unwrap_or_default(),
            text("reason").unwrap_or_default(),
            extensions.get("params").cloned().unwrap_or(Value::Null),
            text("field"),
        )
    }

    #[test]
    fn every_collection_error_has_its_code_reason_and_field() {
        let today = day("2026-03-10");
        let not_found = |entity: &str| {
            (
                "NOT_FOUND",
                "RECORD_NOT_FOUND",
                json!({ "entity": entity }),
                None::<&str>,
            )
        };
        /// Code, reason, params and field.
        type Sent<'a> = (&'a str, &'a str, Value, Option<&'a str>);
        let cases: Vec<(CollectionError, Sent)> = vec![
            (CollectionError::CustomerNotFound, not_found("CUSTOMER")),
            (CollectionError::LadderNotFound, not_found("LADDER")),
            (CollectionError::TemplateNotFound, not_found("TEMPLATE")),
            (CollectionError::RunNotFound, not_found("RUN")),
            (CollectionError::FeeNotFound, not_found("FEE")),
            (CollectionError::ActivityNotFound, not_found("ACTIVITY")),
            (CollectionError::PromiseNotFound, not_found("PROMISE")),
            (CollectionError::TaskNotFound, not_found("TASK")),
            (CollectionError::LegalCaseNotFound, not_found("LEGAL_CASE")),
            (CollectionError::LetterNotFound, not_found("LETTER")),
            (
                CollectionError::LetterAlreadyMailed {
                    mailed_on: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
                },
                (
                    "CONFLICT",
                    "LETTER_ALREADY_MAILED",
                    json!({ "mailedOn": "2026-12-01" }),
                    None,
                ),
            ),
            (
                CollectionError::LetterNothingOverdue,
                ("CONFLICT", "LETTER_NOTHING_OVERDUE", json!({}), None),
            ),
            (
                CollectionError::TrackingNumber,
                (
                    "VALIDATION",
                    "INVALID_CHARACTERS",
                    json!({ "symbols": " -", "max": 40 }),
                    Some("input.trackingNumber"),
                ),
            ),
            (
                CollectionError::ActivityInFuture,
                (
                    "VALIDATION",
                    "ACTIVITY_IN_FUTURE",
                    json!({}),
                    Some("input.occurredAt"),
                ),
            ),
            (
                CollectionError::PromiseRequired,
                (
                    "VALIDATION",
                    "ACTIVITY_PROMISE_REQUIRED",
                    json!({}),
                    Some("input.promise"),
                ),
            ),
            (
                CollectionError::NextActionInPast { today },
                (
                    "VALIDATION",
                    "DATE_OUT_OF_RANGE",
                    json!({ "earliest": "2026-03-10", "latest": null }),
                    Some("input.nextActionOn"),
                ),
            ),
            (
                CollectionError::InvoiceNotOfCustomer { index: 2 },
                (
                    "VALIDATION",
                    "ACTIVITY_INVOICE_NOT_OF_CUSTOMER",
                    json!({}),
                    Some("input.invoiceIds[2]"),
                ),
            ),
            (
                CollectionError::PromiseDateOutOfRange { today },
                (
                    "VALIDATION",
                    "DATE_OUT_OF_RANGE",
                    json!({ "earliest": "2026-03-10", "latest": "2027-03-11" }),
                    Some("input.promise.promisedDate"),
                ),
            ),
            (
                CollectionError::NotActivityAuthor,
                ("FORBIDDEN", "ACTIVITY_NOT_AUTHOR", json!({}), None),
            ),
            (
                CollectionError::ActivityNotEditable,
                (
                    "CONFLICT",
                    "ACTIVITY_EDIT_WINDOW_PASSED",
                    json!({ "hours": 24 }),
                    Some("input.activityId"),
                ),
            ),
            (
                CollectionError::PromiseNotOpen {
                    status: PromiseStatus::PartiallyKept,
                },
                (
                    "CONFLICT",
                    "PROMISE_NOT_OPEN",
                    json!({ "status": "PARTIALLY_KEPT" }),
                    Some("input.promiseId"),
                ),
            ),
            (
                CollectionError::LadderNameTaken,
                (
                    "CONFLICT",
                    "LADDER_NAME_TAKEN",
                    json!({}),
                    Some("input.name"),
                ),
            ),
            (
                CollectionError::CustomerOrSegment,
                (
                    "VALIDATION",
                    "LADDER_ASSIGN_CUSTOMER_OR_SEGMENT",
                    json!({}),
                    Some("input.customerId"),
                ),
            ),
            (
                CollectionError::PauseOutOfRange { today },
                (
                    "VALIDATION",
                    "DATE_OUT_OF_RANGE",
                    json!({ "earliest": "2026-03-10", "latest": "2027-03-11" }),
                    Some("input.until"),
                ),
            ),
            (
                CollectionError::TemplateLocaleUnknown,
                (
                    "VALIDATION",
                    "NOT_ONE_OF",
                    json!({ "allowed": ["zh-CN", "en"] }),
                    Some("input.locale"),
                ),
            ),
            (
                CollectionError::NoEmailStep,
                (
                    "VALIDATION",
                    "LADDER_NO_EMAIL_STEP",
                    json!({}),
                    Some("input.stepOffset"),
                ),
            ),
            (
                CollectionError::FeeAlreadyWaived,
                (
                    "CONFLICT",
                    "FEE_ALREADY_WAIVED",
                    json!({}),
                    Some("input.feeId"),
                ),
            ),
            (
                CollectionError::LegalInvoicesEmpty,
                (
                    "VALIDATION",
                    "LEGAL_CASE_NO_INVOICES",
                    json!({}),
                    Some("input.invoiceIds"),
                ),
            ),
            (
                CollectionError::LegalInvoiceNotOpen { index: 1 },
                (
                    "VALIDATION",
                    "LEGAL_CASE_INVOICE_NOT_OPEN",
                    json!({}),
                    Some("input.invoiceIds[1]"),
                ),
            ),
            (
                CollectionError::NothingOverdue,
                (
                    "VALIDATION",
                    "LEGAL_CASE_NOTHING_OVERDUE",
                    json!({}),
                    Some("input.customerId"),
                ),
            ),
            (
                CollectionError::LegalCaseAlreadyOpen,
                (
                    "CONFLICT",
                    "LEGAL_CASE_ALREADY_OPEN",
                    json!({}),
                    Some("input.customerId"),
                ),
            ),
            (
                CollectionError::LegalCaseClosed,
                (
                    "CONFLICT",
                    "LEGAL_CASE_CLOSED",
                    json!({}),
                    Some("input.caseId"),
                ),
            ),
            (
                CollectionError::StageDateOutOfRange {
                    opened_on: day("2026-01-05"),
                    today,
                },
                (
                    "VALIDATION",
                    "DATE_OUT_OF_RANGE",
                    json!({ "earliest": "2026-01-05", "latest": "2026-03-10" }),
                    Some("input.on"),
                ),
            ),
            (
                CollectionError::LegalCaseCannotMove {
                    from: LegalStatus::Agency,
                },
                (
                    "VALIDATION",
                    "LEGAL_CASE_CANNOT_MOVE",
                    json!({
                        "status": "AGENCY",
                        "allowed": ["LITIGATION", "SETTLED", "WRITTEN_OFF"],
                    }),
                    Some("input.status"),
                ),
            ),
            (
                CollectionError::OthersWorklist,
                ("FORBIDDEN", "WORKLIST_NOT_YOURS", json!({}), None),
            ),
            (
                CollectionError::CollectorNotAnId {
                    value: "bob".to_owned(),
                },
                (
                    "VALIDATION",
                    "NOT_AN_ID",
                    json!({ "value": "bob" }),
                    Some("collectorId"),
                ),
            ),
            (
                CollectionError::TaskNotOpen {
                    status: "DONE".to_owned(),
                },
                (
                    "CONFLICT",
                    "TASK_NOT_OPEN",
                    json!({ "status": "DONE" }),
                    Some("input.taskId"),
                ),
            ),
            (
                CollectionError::ScopeAndPerson { field: "scope" },
                ("VALIDATION", "EITHER_NOT_BOTH", json!({}), Some("scope")),
            ),
            (
                CollectionError::ScopeMineForKey {
                    field: "filter.scope",
                },
                (
                    "VALIDATION",
                    "NOT_ONE_OF",
                    json!({ "allowed": ["ALL", "UNASSIGNED"] }),
                    Some("filter.scope"),
                ),
            ),
            (
                CollectionError::AssigneeNotFound {
                    field: "input.assigneeId",
                },
                (
                    "NOT_FOUND",
                    "RECORD_NOT_FOUND",
                    json!({ "entity": "MEMBER" }),
                    Some("input.assigneeId"),
                ),
            ),
            (
                CollectionError::AssigneeMayNotCollect {
                    field: "input.assigneeId",
                    role: "VIEWER".to_owned(),
                },
                (
                    "VALIDATION",
                    "ASSIGNEE_MAY_NOT_COLLECT",
                    json!({ "role": "VIEWER" }),
                    Some("input.assigneeId"),
                ),
            ),
            (
                CollectionError::TaskOthersForManagers,
                ("FORBIDDEN", "TASK_OTHERS_FOR_MANAGERS", json!({}), None),
            ),
            (
                CollectionError::AssigneeNotCustomersCollector,
                (
                    "VALIDATION",
                    "TASK_ASSIGNEE_NOT_CUSTOMERS_COLLECTOR",
                    json!({}),
                    Some("input.assigneeId"),
                ),
            ),
            (
                CollectionError::TaskDueOutOfRange {
                    today: NaiveDate::from_ymd_opt(2026, 12, 4).unwrap_or_default(),
                },
                (
                    "VALIDATION",
                    "DATE_OUT_OF_RANGE",
                    json!({ "earliest": "2026-12-04", "latest": "2027-12-05" }),
                    Some("input.dueOn"),
                ),
            ),
        ];
        for (error, (code, reason, params, field)) in cases {
            let shown = format!("{error:?}");
            assert_eq!(
                public(AppError::from(error)),
                (
                    code.to_owned(),
                    reason.to_owned(),
                    params,
                    field.map(str::to_owned)
                ),
                "{shown}"
            );
        }
    }

    #[test]
    fn the_english_texts_stay_what_the_api_said() {
        let text = |error: CollectionError| AppError::from(error).public().0;
        assert_eq!(
            text(CollectionError::FeeAlreadyWaived),
            "The fee is waived already."
        );
        assert_eq!(
            text(CollectionError::TaskNotOpen {
                status: "DONE".to_owned()
            }),
            "The task is done already."
        );
        assert_eq!(
            text(CollectionError::ActivityNotEditable),
            "An activity can be corrected for 24 hours; after that, log a new one."
        );
        assert_eq!(
            text(CollectionError::LegalCaseCannotMove {
                from: LegalStatus::LetterSent
            }),
            "a case at LETTER_SENT can move only to a later stage: AGENCY, LITIGATION, SETTLED, WRITTEN_OFF"
        );
    }

    #[test]
    fn ladder_errors_say_why_by_step() {
        let cases = [
            (
                LadderError::StepCount,
                "COUNT_OUT_OF_RANGE",
                json!({ "min": 1, "max": 20 }),
            ),
            (
                LadderError::Offset(0),
                "OUT_OF_RANGE",
                json!({ "min": -60, "max": 365 }),
            ),
            (
                LadderError::SameDay(2),
                "LADDER_STEPS_SAME_DAY",
                json!({ "step": 3 }),
            ),
            (
                LadderError::Name(1),
                "TEXT_LENGTH",
                json!({ "min": 1, "max": 100 }),
            ),
            (
                LadderError::TooEarly(0),
                "LADDER_STEP_BEFORE_DUE",
                json!({ "step": 1 }),
            ),
        ];
        for (error, name, params) in cases {
            let reason = ladder_reason(&error);
            assert_eq!(reason.code(), domain::ErrorCode::Validation, "{error:?}");
            assert_eq!(
                (reason.name(), Value::Object(reason.params())),
                (name.to_owned(), params),
                "{error:?}"
            );
        }
    }

    #[test]
    fn fee_rule_errors_say_why() {
        let cases = [
            (FeeRuleError::Amount, "FEE_FIXED_AMOUNT_INVALID", json!({})),
            (FeeRuleError::Percent, "FEE_PERCENT_OUT_OF_RANGE", json!({})),
            (FeeRuleError::Rate, "FEE_RATE_OUT_OF_RANGE", json!({})),
            (
                FeeRuleError::Grace,
                "OUT_OF_RANGE",
                json!({ "min": 0, "max": 365 }),
            ),
            (FeeRuleError::Cap, "FEE_CAP_OUT_OF_RANGE", json!({})),
        ];
        for (error, name, params) in cases {
            let reason = fee_rule_reason(&error);
            assert_eq!(reason.code(), domain::ErrorCode::Validation, "{error:?}");
            assert_eq!(
                (reason.name(), Value::Object(reason.params())),
                (name.to_owned(), params),
                "{error:?}"
            );
        }
    }

    #[test]
    fn template_errors_say_why() {
        let cases = [
            (
                TemplateError::UnknownVariable("customer.nmae".to_owned()),
                "TEMPLATE_UNKNOWN_VARIABLE",
                json!({ "name": "customer.nmae" }),
            ),
            (TemplateError::Unclosed, "TEMPLATE_UNCLOSED", json!({})),
            (
                TemplateError::Subject,
                "TEMPLATE_SUBJECT_INVALID",
                json!({ "max": 200 }),
            ),
            (
                TemplateError::Body,
                "TEXT_LENGTH",
                json!({ "min": 1, "max": 10000 }),
            ),
            (
                TemplateError::Amount("twelve".to_owned()),
                "NOT_A_NUMBER",
                json!({ "value": "twelve" }),
            ),
        ];
        for (error, name, params) in cases {
            let reason = template_reason(&error);
            assert_eq!(reason.code(), domain::ErrorCode::Validation, "{error:?}");
            assert_eq!(
                (reason.name(), Value::Object(reason.params())),
                (name.to_owned(), params),
                "{error:?}"
            );
        }
        // The message lists the variables there are (the editor's tests read it).
        let text = AppError::input(
            "input.body",
            template_reason(&TemplateError::UnknownVariable("customer.nmae".to_owned())),
        )
        .public()
        .0;
        assert!(text.contains("{{customer.name}}"), "{text}");
        assert!(
            text.starts_with("`{{customer.nmae}}` is not a variable"),
            "{text}"
        );
    }
}
