//! Values every area's API shares: `Money`, the `Date` scalar, ids, page sizes and cursors, and
//! parsing of what callers send, each failure naming its field and what is allowed.

use crate::error::AppError;
use async_graphql::{
    Enum, ID, InputValueError, InputValueResult, Scalar, ScalarType, SimpleObject, Value,
};
use chrono::NaiveDate;
use domain::Currency;
use domain::reason::Reason;
use rust_decimal::Decimal;
use uuid::Uuid;

/// The most a page may hold; `first` defaults to 50.
pub const MAX_PAGE: usize = 200;
pub const DEFAULT_PAGE: usize = 50;

/// An amount in one currency. `amount` is a decimal string with the currency's decimals
/// (`"1250.00"` CNY, `"1250"` JPY), so no client turns it into a float.
#[derive(Debug, Clone, PartialEq, Eq, SimpleObject)]
pub struct Money {
    pub amount: String,
    pub currency: String,
}

impl Money {
    pub fn new(amount: Decimal, currency: &str) -> Self {
        Money {
            amount: domain::display::amount_string(amount, currency),
            currency: currency.to_owned(),
        }
    }
}

/// A calendar date, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub NaiveDate);

#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| {
                    InputValueError::custom(format!(
                        "`{text}` is not a date; use YYYY-MM-DD, such as 2026-11-23"
                    ))
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

pub fn parse_id(field: &str, id: &ID) -> Result<Uuid, AppError> {
    id.parse::<Uuid>().map_err(|_| {
        AppError::input(
            field,
            Reason::NotAnId {
                value: id.as_str().to_owned(),
            },
        )
    })
}

pub fn parse_currency(field: &str, code: &str) -> Result<Currency, AppError> {
    code.trim().parse::<Currency>().map_err(|_| {
        AppError::input(
            field,
            Reason::UnknownCurrency {
                value: code.trim().to_owned(),
            },
        )
    })
}

/// A decimal string with at most the currency's decimals; `allow_zero` for limits.
pub fn parse_amount(
    field: &str,
    amount: &str,
    currency: Currency,
    allow_zero: bool,
) -> Result<Decimal, AppError> {
    let money = domain::Money::parse_exact(amount, currency)
        .map_err(|error| AppError::input(field, Reason::from(&error)))?;
    if money.amount.abs() >= domain::money::max_amount() {
        return Err(AppError::input(field, Reason::AmountTooLarge {}));
    }
    if money.is_negative() || (!allow_zero && money.is_zero()) {
        let reason = if allow_zero {
            Reason::Negative {}
        } else {
            Reason::NotPositive {}
        };
        return Err(AppError::input(field, reason));
    }
    Ok(money.amount)
}

/// A decimal string that is not money (quantities, prices, rates).
pub fn parse_decimal(field: &str, value: &str) -> Result<Decimal, AppError> {
    Decimal::from_str_exact(value.trim()).map_err(|_| {
        AppError::input(
            field,
            Reason::NotANumber {
                value: value.to_owned(),
            },
        )
    })
}

/// Trimmed text of 1 to `max` characters.
/// Text may hold line breaks and tabs, never other control characters (Postgres cannot store
/// NUL, and the rest only ever come from mistakes or mischief).
fn control_free(field: &str, value: &str) -> Result<(), AppError> {
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(AppError::input(field, Reason::ControlCharacters {}));
    }
    Ok(())
}

pub fn required_text(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    control_free(field, value)?;
    let trimmed = value.trim();
    if trimmed.is_empty() || trimmed.chars().count() > max {
        return Err(AppError::input(
            field,
            Reason::TextLength {
                min: Some(1),
                max: Some(u32::try_from(max).unwrap_or(u32::MAX)),
            },
        ));
    }
    Ok(trimmed.to_owned())
}

/// Trimmed optional text: blank becomes `None`.
pub fn optional_text(
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, AppError> {
    if let Some(value) = value {
        control_free(field, value)?;
    }
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) if text.chars().count() > max => Err(AppError::input(
            field,
            Reason::TextLength {
                min: None,
                max: Some(u32::try_from(max).unwrap_or(u32::MAX)),
            },
        )),
        Some(text) => Ok(Some(text.to_owned())),
    }
}

/// The complexity of a field returning up to `first` items (`default` when not asked): its
/// selection's complexity once per item, so the schema's complexity limit bounds what a page
/// of nested pages costs. Used as `#[graphql(complexity = "...")]` on every field taking
/// `first`. A `first` outside 1 to `max` counts as the nearest end: its resolver refuses it
/// with an error that says what is allowed, which "too complex" would not.
pub fn list_complexity(
    first: Option<i32>,
    default: usize,
    max: usize,
    child_complexity: usize,
) -> usize {
    let items = first.map_or(default, |first| usize::try_from(first).unwrap_or(1));
    items.clamp(1, max).saturating_mul(child_complexity)
}

/// [`list_complexity`] of a list paged by [`page_size`].
pub fn page_complexity(first: Option<i32>, child_complexity: usize) -> usize {
    list_complexity(first, DEFAULT_PAGE, MAX_PAGE, child_complexity)
}

pub fn page_size(first: Option<i32>) -> Result<usize, AppError> {
    match first {
        None => Ok(DEFAULT_PAGE),
        Some(n) if n >= 1 && n as usize <= MAX_PAGE => Ok(n as usize),
        Some(_) => Err(AppError::input(
            "first",
            Reason::OutOfRange {
                min: 1,
                max: MAX_PAGE as i64,
            },
        )),
    }
}

/// The record an id names, for lookups that answer an unknown id with `NOT_FOUND` (or no
/// record) after checking the caller's permission: an id that is not a UUID names no record, so
/// it becomes the nil UUID, which none has, and is answered like any other unknown id.
pub fn id_or_nil(id: &ID) -> uuid::Uuid {
    id.parse::<uuid::Uuid>().unwrap_or(uuid::Uuid::nil())
}

/// `totalCount` on every list.
#[derive(SimpleObject)]
pub struct CountedList {
    /// Items matching the filter, across all pages.
    pub total_count: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_shows_the_currency_decimals() {
        assert_eq!(Money::new(Decimal::new(125, 1), "CNY").amount, "12.50");
        assert_eq!(Money::new(Decimal::new(1250, 0), "JPY").amount, "1250");
        assert_eq!(Money::new(Decimal::new(12_3456, 4), "USD").amount, "12.35");
    }
}

#[derive(Enum, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrderDirection {
    #[default]
    Asc,
    Desc,
}

// The customer an invoice, payment, activity or task belongs to, as lists show it.
#[derive(SimpleObject, Clone)]
pub struct CustomerRef {
    pub id: ID,
    pub code: String,
    pub name: String,
}

/// The language of the request's texts (`RequestContext::locale`).
pub fn locale(ctx: &async_graphql::Context<'_>) -> domain::Locale {
    ctx.data::<crate::auth::RequestContext>()
        .map(|request| request.locale)
        .unwrap_or_default()
}

/// A server-made text's parameters, as `messageParams` sends them.
pub fn text_params(text: &domain::messages::Text) -> async_graphql::Json<serde_json::Value> {
    async_graphql::Json(serde_json::Value::Object(text.params()))
}
