//! SMS and WeChat Work messages to customers (issue 29). A ladder's message step makes a
//! delivery in the dunning run ([`run_step`]); a job sends it ([`send`]) through the provider's
//! API ([`providers`]); receipts and WeChat Work's confirmations end it ([`receipts`],
//! [`send::Check`]). The rules every channel keeps (quiet hours, numbers, template values) are
//! the domain's (`domain::messaging`).

pub mod graphql;
pub mod providers;
pub mod receipts;
pub mod run_step;
pub mod send;
pub mod service;
pub mod store;
