//! Customers and their credit policy: who owes, on what terms, how much they may owe, and
//! whether they are on hold.
//!
//! Balances, overdue amounts and aging are not stored: they are summed from open invoices in
//! the customer's currency, in the same statement that reads the customers (a lateral
//! aggregate over `invoices_customer_idx`), so they are never stale. Credit limit changes and
//! holds append to `credit_events`, which keeps their history with reasons.
//!
//! Three layers: `store` (SQL and typed rows), `service` (the use cases, commands among them),
//! `graphql` (API types, parsing, mapping). The `Customer` object other areas' payloads carry
//! lives in `crate::api::objects::customer`.

mod errors;
pub mod graphql;
pub mod loaders;
pub mod service;
pub mod store;

pub use errors::CustomerError;
pub use store::{
    CUSTOMERS_RANKED, CustomerRow, append_credit_event, customer_for_update, load_customer,
    lock_assignments,
};
