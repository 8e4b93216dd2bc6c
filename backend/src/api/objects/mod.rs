//! API types that several areas' GraphQL modules embed or serve, each with the calls that fill
//! them from its area's service.

pub mod alerts;
