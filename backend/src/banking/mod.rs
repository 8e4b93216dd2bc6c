//! Cash application (收款核销): bank accounts, statements imported into them, and their
//! received lines matched to invoices and applied as payments.
//!
//! A statement is read by `duely-bank-formats` off the async threads, fingerprinted line by
//! line (`domain::cash::fingerprint_sources`) and written all or nothing; a re-import adds only
//! lines not present. Matching (`domain::cash::matching`) runs as the `bank.match` job: it
//! stores each waiting line's suggestions and applies those at or above the company's
//! `cashApplication.autoApplyConfidence`. A person applies, splits, links, ignores or undoes
//! a line (`service::apply`); each part of an applied line is a BANK_TRANSFER payment made by
//! the payments service in the line's transaction, and points back at the line.
//!
//! Layers: `store` (the SQL), `service` (accounts and reads; `import`, `apply`, `matching`),
//! `graphql` (the API), `errors`.

pub mod errors;
pub mod graphql;
pub mod service;
pub mod store;

pub use errors::BankingError;
