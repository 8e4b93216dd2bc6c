//! Billing's use cases: subscribing (`checkout`), the plan in force and its limits (`plans`),
//! and online payment through the company's own Stripe account (`online`). The SQL is in the
//! store; the GraphQL types in `graphql`.

pub mod checkout;
pub mod online;
pub mod plans;
