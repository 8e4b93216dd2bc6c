//! API types that several areas' GraphQL modules embed or serve: an area's object shown inside
//! another area's payloads lives here, so no area imports another's GraphQL module.

pub mod alerts;
pub mod allocation;
pub mod approval;
pub mod customer;
pub mod late_fee;
pub mod payment;
pub mod script;

pub use allocation::{Allocation, allocation};
pub use late_fee::{LateFee, late_fees_of};
