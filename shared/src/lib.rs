//! Duely's domain: the types and the pure rules of receivables and collections.
//!
//! This crate is compiled into the server and into the web app (wasm32), so it does no I/O and
//! knows nothing of HTTP, GraphQL or SQL. Server-only derives sit behind the `graphql` feature,
//! reading enums out of database rows behind the `db` feature.

/// A string-valued enum: its variants, their texts (`as_str`, `parse`, `ALL`), serde in those
/// texts and, on the server, a GraphQL enum. Defined before the modules so each can use it.
macro_rules! string_enum {
    ($name:ident { $($(#[$doc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum $name { $($(#[$doc])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(value: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|item| item.as_str() == value)
            }
        }
    };
}

pub mod access;
pub mod aging;
pub mod alerts;
pub mod allocation;
pub mod approvals;
pub mod attachments;
pub mod billing;
pub mod cash;
pub mod collections;
pub mod company_profile;
pub mod credentials;
pub mod credit;
pub mod display;
pub mod dunning;
pub mod error_code;
pub mod fapiao;
pub mod fees;
pub mod ids;
pub mod incentive;
pub mod invoices;
pub mod kpi;
pub mod legal;
pub mod letters;
pub mod locale;
pub mod messages;
pub mod messaging;
pub mod money;
pub mod payments;
pub mod rating;
pub mod reason;
pub mod scripts;
pub mod settings;
pub mod statement;
#[cfg(feature = "db")]
pub mod stored;
pub mod templates;
pub mod terms;
pub mod webhooks;
pub mod worklist;

pub use access::{Access, ApiScope, Permission, Role};
pub use credentials::EmailAddress;
pub use error_code::ErrorCode;
pub use ids::TenantId;
pub use locale::Locale;
pub use money::{Currency, CurrencyError, Money, MoneyError};
