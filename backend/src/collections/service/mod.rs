//! Collections' use cases: logging activities and promises, the worklist, dunning ladders,
//! runs and settings, fees, legal cases, and the run itself. Domain inputs in, rows or plain
//! results out, errors as `AppError`; the GraphQL layer parses and maps.

pub mod activities;
pub mod dunning;
pub mod evidence;
pub mod fees;
pub mod holds;
pub mod legal;
pub mod letters;
pub mod plan;
pub mod promises;
pub mod run;
mod run_email;
pub mod runs;
pub mod scripts;
pub mod tasks;
pub mod worklist;

pub use crate::api::pagination::{Page, PageRequest};
