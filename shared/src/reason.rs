//! Why a request was refused: the closed list behind `extensions.reason` and
//! `extensions.params`, one line per reason in [`reasons!`] below.
//!
//! A reason has exactly one error code (`extensions.code` stays what clients branch on), a doc
//! line for `docs/errors.md` and typed parameters. The web app translates a reason from its
//! parameters, never from the server's English message. A reason is never renamed or removed;
//! a parameter is never retyped.
//!
//! The list holds the system and generic input reasons; each area's reasons join it as that
//! area's errors move from prose to reasons.

use crate::ErrorCode;
use crate::billing::{Limit, Plan};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The kinds of record a `RECORD_NOT_FOUND` or `ALREADY_TAKEN` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Entity {
    Customer,
    Invoice,
    CreditNote,
    Dispute,
    Payment,
    Ladder,
    Template,
    Run,
    Fee,
    Activity,
    Promise,
    Task,
    LegalCase,
    Alert,
    Rating,
    IncentiveRule,
    Company,
    User,
    Member,
    ApiKey,
    Report,
}

/// How a parameter's type reads in `docs/errors.md`.
pub trait WireType {
    fn wire() -> String;
}

/// A value of the parameter's type for [`Reason::examples`].
pub trait Example {
    fn example() -> Self;
}

macro_rules! wire {
    ($($ty:ty => $text:literal, $example:expr;)*) => {
        $(
            impl WireType for $ty {
                fn wire() -> String {
                    $text.to_owned()
                }
            }
            impl Example for $ty {
                fn example() -> Self {
                    $example
                }
            }
        )*
    };
}

wire! {
    u32 => "whole number", 1;
    u64 => "whole number", 1;
    i64 => "whole number", 1;
    String => "text", "x".to_owned();
    NaiveDate => "date (YYYY-MM-DD)", NaiveDate::MIN;
    Entity => "record kind (CUSTOMER, INVOICE, …)", Entity::Customer;
    Plan => "plan (FREE, GROWTH, SCALE)", Plan::Growth;
    Limit => "limit name", Limit::Customers;
}

impl<T: WireType> WireType for Option<T> {
    fn wire() -> String {
        format!("{} or null", T::wire())
    }
}

impl<T: Example> Example for Option<T> {
    fn example() -> Self {
        Some(T::example())
    }
}

impl<T: WireType> WireType for Vec<T> {
    fn wire() -> String {
        format!("list of {}", T::wire())
    }
}

impl<T: Example> Example for Vec<T> {
    fn example() -> Self {
        vec![T::example()]
    }
}

/// One reason as `docs/errors.md` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReasonDoc {
    pub name: String,
    pub code: ErrorCode,
    pub doc: String,
    /// Each parameter's wire name and how its type reads.
    pub params: Vec<(String, String)>,
}

/// `InvoiceNotOpen` as `INVOICE_NOT_OPEN`.
fn screaming(name: &str) -> String {
    let mut out = String::new();
    for (index, c) in name.chars().enumerate() {
        if c.is_uppercase() && index > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// `upgrade_to` as `upgradeTo`.
fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

macro_rules! reasons {
    ($( $(#[doc = $doc:literal])* $name:ident { $($param:ident : $ty:ty),* $(,)? } => $code:ident, )*) => {
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(
            tag = "reason",
            content = "params",
            rename_all = "SCREAMING_SNAKE_CASE",
            rename_all_fields = "camelCase"
        )]
        pub enum Reason {
            $( $(#[doc = $doc])* $name { $($param: $ty),* }, )*
        }

        impl Reason {
            /// The error code this reason is always sent with.
            pub fn code(&self) -> ErrorCode {
                match self {
                    $( Reason::$name { .. } => ErrorCode::$code, )*
                }
            }

            /// Every reason, its code, what it means and its parameters.
            pub fn catalogue() -> Vec<ReasonDoc> {
                vec![
                    $(
                        ReasonDoc {
                            name: screaming(stringify!($name)),
                            code: ErrorCode::$code,
                            doc: [$($doc),*].iter().map(|line| line.trim()).collect::<Vec<_>>().join(" "),
                            params: vec![ $( (camel(stringify!($param)), <$ty as WireType>::wire()) ),* ],
                        },
                    )*
                ]
            }

            /// One value of every reason, for tests and documentation.
            pub fn examples() -> Vec<Reason> {
                vec![ $( Reason::$name { $($param: <$ty as Example>::example()),* }, )* ]
            }
        }
    };
}

reasons! {
    // Requests and the system.
    /// Something failed on our side; nothing changed, and the server logged it.
    Internal {} => Internal,
    /// The request is not a GraphQL request the server can read.
    MalformedRequest {} => BadRequest,
    /// An argument does not have the type the schema gives it.
    InvalidArgument {} => Validation,
    /// The company's subscription ended past its grace period: its data can be read, not changed.
    CompanyReadOnly {} => ReadOnly,
    /// The plan allows no more of `limit`; `upgradeTo` is the smallest plan that does.
    PlanLimitReached { limit: Limit, plan: Plan, allowed: u64, upgrade_to: Option<Plan> } => PlanLimit,
    /// Too many attempts; try again after `seconds`.
    TooManyAttempts { seconds: u64 } => RateLimited,
    /// The server is at capacity; try again after `seconds`.
    ServerBusy { seconds: u64 } => RateLimited,
    /// No record of this kind with this id in the company (or none the caller may see).
    RecordNotFound { entity: Entity } => NotFound,

    // Input, whatever the field.
    /// The field is required.
    Required {} => Validation,
    /// The text must have between `min` and `max` characters.
    TextLength { min: Option<u32>, max: Option<u32> } => Validation,
    /// The text may not hold control characters.
    ControlCharacters {} => Validation,
    /// Only letters, digits and `symbols` are allowed (and at most `max` characters).
    InvalidCharacters { symbols: String, max: Option<u32> } => Validation,
    /// `value` is not a number.
    NotANumber { value: String } => Validation,
    /// The amount must be above zero.
    NotPositive {} => Validation,
    /// The amount may not be below zero.
    Negative {} => Validation,
    /// The value must be from `min` to `max`.
    OutOfRange { min: i64, max: i64 } => Validation,
    /// The amount is larger than Duely can hold.
    AmountTooLarge {} => Validation,
    /// `value` is not a currency code (ISO 4217, such as CNY).
    UnknownCurrency { value: String } => Validation,
    /// `value` is not an id.
    NotAnId { value: String } => Validation,
    /// The value must be one of `allowed`.
    NotOneOf { allowed: Vec<String> } => Validation,
    /// The list must have from `min` to `max` items.
    CountOutOfRange { min: u32, max: u32 } => Validation,
    /// The same item is listed twice.
    Duplicate {} => Validation,
    /// The date must be from `earliest` to `latest` (either may be open).
    DateOutOfRange { earliest: Option<NaiveDate>, latest: Option<NaiveDate> } => Validation,
    /// The period ends before it starts, or is longer than `years`.
    BadPeriod { years: Option<u32> } => Validation,
    /// Not a cursor of this list and order: pass an `endCursor` the list gave.
    BadCursor {} => Validation,
    /// Not an email address.
    EmailMalformed {} => Validation,
    /// `value` is not a time zone (such as Asia/Shanghai).
    UnknownTimeZone { value: String } => Validation,
    /// Give one or the other, not both.
    EitherNotBoth {} => Validation,
}

impl Reason {
    /// The reason's wire name, such as `RECORD_NOT_FOUND`.
    pub fn name(&self) -> String {
        match serde_json::to_value(self) {
            Ok(Value::Object(mut object)) => match object.remove("reason") {
                Some(Value::String(name)) => name,
                _ => String::new(),
            },
            _ => String::new(),
        }
    }

    /// The parameters as the API sends them in `extensions.params` (always an object).
    pub fn params(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(mut object)) => match object.remove("params") {
                Some(Value::Object(params)) => params,
                _ => Map::new(),
            },
            _ => Map::new(),
        }
    }
}

/// `docs/errors.md`: every code, then every reason with its parameters.
pub fn errors_markdown() -> String {
    let mut out = String::from(
        "# Errors\n\nGenerated by `duely errors-doc` from `shared/src/reason.rs`; a test keeps it current.\n\n\
         Every error carries `extensions.code` (what clients branch on) and, for input errors, \
         `extensions.field` (the input path, such as `input.lines[2].quantity`); `PLAN_LIMIT` errors \
         also carry `limit` and `upgradeTo`, and `RATE_LIMITED` ones `retryAfter` (seconds). Errors \
         are gaining `extensions.reason` (why, from the list below) and `extensions.params` (an \
         object: the reason's parameters), part of the API after part; this is the closed list they \
         come from. The English `message` is for people reading logs: translate from `reason` and \
         `params`.\n",
    );
    let catalogue = Reason::catalogue();
    for code in ErrorCode::ALL {
        let reasons: Vec<&ReasonDoc> = catalogue.iter().filter(|r| r.code == code).collect();
        if reasons.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\n## `{}`\n\n| reason | params | meaning |\n| --- | --- | --- |\n",
            code.as_str()
        ));
        for reason in reasons {
            let params = if reason.params.is_empty() {
                "none".to_owned()
            } else {
                reason
                    .params
                    .iter()
                    .map(|(name, wire)| format!("`{name}`: {wire}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            out.push_str(&format!(
                "| `{}` | {} | {} |\n",
                reason.name, params, reason.doc
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_reason_round_trips_as_reason_and_params() {
        for reason in Reason::examples() {
            let json = serde_json::to_value(&reason).unwrap();
            assert!(json["params"].is_object(), "{json}");
            let back: Reason = serde_json::from_value(json.clone()).unwrap();
            assert_eq!(back, reason, "{json}");
        }
    }

    #[test]
    fn the_catalogue_names_each_reason_once_with_the_params_it_sends() {
        let catalogue = Reason::catalogue();
        let examples = Reason::examples();
        assert_eq!(catalogue.len(), examples.len());
        let names: HashSet<&str> = catalogue.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names.len(), catalogue.len());
        for (doc, reason) in catalogue.iter().zip(&examples) {
            assert_eq!(doc.name, reason.name());
            assert_eq!(doc.code, reason.code());
            assert!(!doc.doc.is_empty(), "{} needs a doc line", doc.name);
            let sent: Vec<String> = reason.params().keys().cloned().collect();
            let mut listed: Vec<String> = doc.params.iter().map(|(name, _)| name.clone()).collect();
            listed.sort();
            assert_eq!(sent, listed, "{}", doc.name);
        }
    }

    #[test]
    fn parameters_go_out_in_camel_case() {
        let reason = Reason::PlanLimitReached {
            limit: Limit::Customers,
            plan: Plan::Free,
            allowed: 50,
            upgrade_to: Some(Plan::Growth),
        };
        assert_eq!(reason.name(), "PLAN_LIMIT_REACHED");
        assert_eq!(reason.params()["upgradeTo"], "GROWTH");
        assert_eq!(reason.code(), ErrorCode::PlanLimit);
    }

    #[test]
    fn the_errors_document_lists_every_reason_under_its_code() {
        let doc = errors_markdown();
        for reason in Reason::catalogue() {
            assert!(
                doc.contains(&format!("| `{}` |", reason.name)),
                "{}",
                reason.name
            );
        }
    }
}
