//! Customer statements (对账单): for a period, the opening balance, every invoice, payment,
//! credit note, write-off and reversal with a running balance, the closing balance and the
//! aging at the end; as the API's `customerStatement`, as CSV, and as a public page the customer
//! reaches from an emailed link (`sendStatement`), where they confirm the balance or dispute
//! lines (`publicStatement`, `respondToStatement`).
//!
//! The emailed link carries a capability token `duely_stm_<tenant>_<secret>`: the tenant part
//! routes the lookup to one schema, the secret is stored only as a hash, and the link expires.
//! It reaches this one customer's statement for this one period, nothing else of the tenant.

pub mod errors;
pub mod graphql;
pub mod pdf;
pub mod service;
pub mod store;

pub use store::{StatementData, load_statement};
