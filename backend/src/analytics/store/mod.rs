//! Analytics' SQL and typed rows, each function in the caller's transaction (or connection).
//! No GraphQL here; the service module holds the use cases.

pub mod aging;
pub mod alerts;
pub mod digest;
pub mod kpis;
pub mod performance;
pub mod ratings;
pub mod risk;
