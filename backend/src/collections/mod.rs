//! Collections: the log of every contact with a customer and promises to pay.
//!
//! `logCollectionActivity` records a call, email, message, visit, letter or legal step with its
//! outcome and, optionally, the customer's promise to pay. Promises are judged by
//! [`promises::evaluate`] (a daily job, and callable with any date: its clock is the caller's):
//! kept as soon as payments cover them, partially kept or broken once their date and the
//! tenant's grace days have passed (`domain::collections::evaluate_promise`).

pub mod dunning;
pub mod graphql;
pub mod promises;
