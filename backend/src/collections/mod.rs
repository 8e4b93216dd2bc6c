//! Collections: the log of every contact with a customer and promises to pay.
//!
//! `logCollectionActivity` records a call, email, message, visit, letter or legal step with its
//! outcome and, optionally, the customer's promise to pay. Promises are judged by
//! [`promises::evaluate`] (a daily job, and callable with any date: its clock is the caller's):
//! kept as soon as payments cover them, partially kept or broken once their date and the
//! tenant's grace days have passed (`domain::collections::evaluate_promise`).

pub mod api;
pub mod dunning;
pub mod fees;
pub mod graphql;
pub mod legal;
pub mod plan;
pub mod promises;
pub mod run;
pub mod runs;
pub mod worklist;
