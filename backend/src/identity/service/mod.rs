//! The identity area's use cases, by topic: signing up and in and the sessions; the team;
//! a person's own account; API keys.

pub mod accounts;
pub mod api_keys;
pub mod sessions;
pub mod team;
