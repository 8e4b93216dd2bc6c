//! Outgoing webhooks (issue 28): other systems hear what happens in Duely, signed, in order,
//! retried for a day and replayable. Events are written by triggers in the change's own
//! transaction (migration 33); [`delivery`] sends them as jobs; [`service`] manages endpoints
//! and the delivery log. (Stripe's webhooks *to* Duely are `billing::webhooks`.)

pub mod delivery;
pub mod graphql;
pub mod retention;
pub mod service;
pub mod store;
