//! Reading the domain's enums straight out of database rows (the `db` feature, server only).
//!
//! Columns stay `text` with a CHECK; a row struct names the enum as its field's type and the
//! value is parsed as the row is read. A value that does not parse is an error that names the
//! column, the value and the row's `id`, and is logged: it is never turned into a default,
//! because a default would hide bad data behind a plausible answer.

use sea_orm::{ColIdx, DbErr, QueryResult, TryGetError, TryGetable};

/// A domain value stored as text.
pub trait StoredText: Sized {
    /// What the value is, for the error ("invoice status").
    const WHAT: &'static str;
    fn from_stored(text: &str) -> Option<Self>;
}

/// Parses the text at `index`, or says which row holds a value that does not parse.
pub fn parse_stored<T: StoredText, I: ColIdx>(
    row: &QueryResult,
    index: I,
) -> Result<T, TryGetError> {
    let text = String::try_get_by(row, index)?;
    T::from_stored(&text).ok_or_else(|| {
        let id = row
            .try_get::<uuid::Uuid>("", "id")
            .map(|id| id.to_string())
            .unwrap_or_else(|_| "(no id column)".to_owned());
        tracing::error!(row_id = %id, value = %text, what = T::WHAT, "a stored value does not parse");
        TryGetError::DbErr(DbErr::Type(format!(
            "row {id}: `{text}` is not a valid {}",
            T::WHAT
        )))
    })
}

/// Implements [`StoredText`] and sea-orm's `TryGetable` for enums with `parse(&str) -> Option`.
macro_rules! stored_text {
    ($($ty:ty => $what:literal),+ $(,)?) => {$(
        impl $crate::stored::StoredText for $ty {
            const WHAT: &'static str = $what;
            fn from_stored(text: &str) -> Option<Self> {
                <$ty>::parse(text)
            }
        }
        impl sea_orm::TryGetable for $ty {
            fn try_get_by<I: sea_orm::ColIdx>(
                row: &sea_orm::QueryResult,
                index: I,
            ) -> Result<Self, sea_orm::TryGetError> {
                $crate::stored::parse_stored(row, index)
            }
        }
    )+};
}

/// `Currency` and `Locale` parse through `FromStr`.
macro_rules! stored_from_str {
    ($($ty:ty => $what:literal),+ $(,)?) => {$(
        impl StoredText for $ty {
            const WHAT: &'static str = $what;
            fn from_stored(text: &str) -> Option<Self> {
                text.parse().ok()
            }
        }
        impl TryGetable for $ty {
            fn try_get_by<I: ColIdx>(row: &QueryResult, index: I) -> Result<Self, TryGetError> {
                parse_stored(row, index)
            }
        }
    )+};
}

stored_from_str!(
    crate::Currency => "currency",
    crate::Locale => "locale",
    crate::Role => "role",
);

stored_text!(
    crate::invoices::InvoiceStatus => "invoice status",
    crate::invoices::DisputeStatus => "dispute status",
    crate::invoices::DisputeReason => "dispute reason",
    crate::fapiao::FapiaoKind => "fapiao kind",
    crate::terms::TermsKind => "payment terms kind",
    crate::rating::Grade => "credit grade",
    crate::legal::LegalStatus => "legal status",
    crate::collections::CollectionChannel => "collection channel",
    crate::collections::CollectionOutcome => "collection outcome",
    crate::collections::PromiseStatus => "promise status",
    crate::incentive::IncentiveKind => "incentive kind",
    crate::statement::EntryKind => "statement entry kind",
    crate::statement::StatementAnswer => "statement answer",
    crate::payments::PaymentMethod => "payment method",
    crate::credit::OverLimitPolicy => "credit enforcement",
    crate::billing::Plan => "plan",
    crate::billing::SubscriptionStatus => "subscription status",
    crate::alerts::AlertKind => "alert kind",
    crate::alerts::AlertSeverity => "alert severity",
    crate::alerts::AlertStatus => "alert status",
    crate::collections::TaskKind => "task kind",
    crate::collections::TaskStatus => "task status",
    crate::approvals::ApprovalAction => "approval action",
    crate::approvals::ApprovalStatus => "approval status",
    crate::approvals::ApprovalEmails => "approval emails",
    crate::cash::BankTransactionStatus => "bank line status",
    crate::cash::BankDirection => "bank line direction",
    crate::cash::MatchStatus => "match status",
    crate::cash::StatementFormat => "statement format",
    crate::letters::LetterKind => "letter kind",
    crate::attachments::AttachmentOwner => "attachment owner",
    crate::attachments::FileKind => "file kind",
    crate::messaging::MessageChannelKind => "message channel kind",
    crate::messaging::MessageProvider => "message provider",
    crate::messaging::MessageDeliveryStatus => "message delivery status",
);

/// A stored text (`domain::messages::Text`), selected as one JSON object `{code, params}`
/// (`jsonb_build_object('code', message_code, 'params', message_params) AS message`). A code
/// this build does not know, or parameters that do not fit it, are an error naming the row.
impl sea_orm::TryGetable for crate::messages::Text {
    fn try_get_by<I: ColIdx>(row: &QueryResult, index: I) -> Result<Self, TryGetError> {
        let value = serde_json::Value::try_get_by(row, index)?;
        serde_json::from_value(value.clone()).map_err(|error| {
            let id = row
                .try_get::<uuid::Uuid>("", "id")
                .map(|id| id.to_string())
                .unwrap_or_else(|_| "(no id column)".to_owned());
            tracing::error!(row_id = %id, %value, %error, "a stored text does not parse");
            TryGetError::DbErr(DbErr::Type(format!(
                "row {id}: `{value}` is not a valid text: {error}"
            )))
        })
    }
}
