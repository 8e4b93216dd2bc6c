//! Collections: the log of every contact with a customer and promises to pay, the collector's
//! worklist, dunning ladders and the daily run, late fees and legal cases.
//!
//! `logCollectionActivity` records a call, email, message, visit, letter or legal step with its
//! outcome and, optionally, the customer's promise to pay. Promises are judged by
//! [`promises::evaluate`] (a daily job, and callable with any date: its clock is the caller's):
//! kept as soon as payments cover them, partially kept or broken once their date and the
//! tenant's grace days have passed (`domain::collections::evaluate_promise`).
//!
//! Three layers: [`store`] (SQL and typed rows), [`service`] (the use cases), [`graphql`] (API
//! types, parsing inputs, the roots).

pub mod errors;
pub mod graphql;
pub mod letter_pdf;
pub mod loaders;
pub mod service;
pub mod store;

pub use errors::CollectionError;

/// The run and the promise judge, where the jobs, the CLI and the tests reach them.
pub use service::{promises, run};
