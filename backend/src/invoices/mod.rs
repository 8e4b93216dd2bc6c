//! Invoices: drafts, issuing under the credit policy, gap-free numbering, voiding, writing off,
//! disputes and credit notes.
//!
//! Numbers are taken when an invoice is issued, from `invoice_sequences` in the issuing
//! transaction: the row lock makes concurrent issues take turns, and a rolled-back issue gives
//! its number back, so issued numbers have no gaps and no duplicates. Drafts have no number.
//!
//! `amount_paid`, `amount_credited`, `amount_written_off` and `balance_due` change only under
//! the invoice's row lock, in the transaction that writes the allocation, credit note or
//! write-off, and a database check keeps `balance_due = total - paid - credited - written off`
//! and never below zero.

pub mod errors;
pub mod graphql;
pub mod pdf;
pub mod service;
pub mod store;
