//! The identity area's SQL, by topic: accounts, companies, memberships and sessions; the team
//! and its invitations; account tokens; API keys. All in the control plane (`public`).

pub mod accounts;
pub mod api_keys;
pub mod sessions;
pub mod team;
