//! API object types that several areas' GraphQL modules embed in their payloads.

pub mod customer;
