//! Duely's domain: the types and the pure rules of receivables and collections.
//!
//! This crate is compiled into the server and into the web app (wasm32), so it does no I/O and
//! knows nothing of HTTP, GraphQL or SQL. Server-only derives sit behind the `graphql` feature,
//! reading enums out of database rows behind the `db` feature.

pub mod access;
pub mod aging;
pub mod alerts;
pub mod allocation;
pub mod billing;
pub mod collections;
pub mod credentials;
pub mod credit;
pub mod display;
pub mod dunning;
pub mod error_code;
pub mod fees;
pub mod ids;
pub mod incentive;
pub mod invoices;
pub mod kpi;
pub mod legal;
pub mod locale;
pub mod messages;
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
pub mod worklist;

pub use access::{Access, ApiScope, Permission, Role};
pub use credentials::EmailAddress;
pub use error_code::ErrorCode;
pub use ids::TenantId;
pub use locale::Locale;
pub use money::{Currency, CurrencyError, Money, MoneyError};
