//! Analytics' use cases: dates, domain enums and plain structs in, domain results (rows or
//! plain structs) out, `AppError` for failures. No GraphQL type here; the store holds the SQL.
//!
//! Text the caller sent (a currency, an amount, an id) is parsed here, after the permission
//! check, with the same `api::values` helpers and words as before the layers were split: a
//! caller without the permission is refused as such whatever it sent (the permission matrix
//! test sends placeholder text and expects FORBIDDEN).

pub mod aging;
pub mod alerts;
pub mod digest;
pub mod kpis;
pub mod performance;
pub mod ratings;
pub mod risk;
pub mod settings;

use crate::error::AppError;
use domain::reason::Reason;
use uuid::Uuid;

/// An id the caller sent as text, refused in the words `api::values::parse_id` uses.
fn parse_uuid(field: &str, text: &str) -> Result<Uuid, AppError> {
    text.parse::<Uuid>().map_err(|_| {
        AppError::input(
            field,
            Reason::NotAnId {
                value: text.to_owned(),
            },
        )
    })
}
