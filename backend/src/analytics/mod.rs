//! Analytics: risk alerts so far.

pub mod alerts;
