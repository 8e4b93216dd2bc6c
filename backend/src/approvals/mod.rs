//! Approvals (审批): each action's policy, the requests waiting on them, and the decisions that
//! run or refuse them. The gate every gated use case passes is `crate::approval_gate`; this
//! area keeps the policies, lists the requests, takes the decisions and, on the last approval,
//! runs the stored command through its own area's service in the approver's transaction.

pub mod errors;
pub mod graphql;
pub mod notify;
pub mod service;
pub mod store;

pub use errors::ApprovalError;
