//! Reading the audit log: `auditLog(first, after, filter)`, newest first, as a Relay
//! connection. Read through `TenantTx`: the tenant's own schema, as its own role. Writing it is
//! `crate::audit`, in the transaction of each change.

pub mod graphql;
pub mod service;
pub mod store;
