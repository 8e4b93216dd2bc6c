//! Payments and their allocation to invoices: `recordPayment`, `allocatePayment`, `applyCredit`,
//! `reversePayment`, `payments`, `payment`.
//!
//! Every change takes the customer's row lock first, then the invoices' row locks, always in
//! that order, so concurrent payments for one customer take turns and never over-allocate; the
//! database's `balance_due >= 0` check is the last line of defence. Payments, allocations and
//! reversals are append-only: a reversal adds negative allocations and a `payment_reversals`
//! row. Each money-moving mutation takes an optional `idempotencyKey`; a retry with the same key
//! and request returns the first result, a different request with a used key is a `CONFLICT`.

pub mod commands;
pub mod errors;
pub mod graphql;
pub mod idempotency;
pub mod service;
pub mod store;
