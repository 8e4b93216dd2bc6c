//! Collections' SQL: every statement of the area and its typed rows. Functions take the tenant
//! transaction (or any connection inside it) and return rows; nothing here knows the API.

pub mod activities;
pub mod dunning;
pub mod fees;
pub mod holds;
pub mod legal;
pub mod letters;
pub mod plan;
pub mod promises;
pub mod run;
pub mod runs;
pub mod scripts;
pub mod tasks;
pub mod worklist;

use domain::dunning::Step;
use domain::fees::FeeRule;
use sea_orm::FromJsonQueryResult;
use serde::{Deserialize, Serialize};

/// A ladder's steps as stored (`dunning_policies.steps`, JSON), read as the domain's steps: a
/// value that does not read is an error, never an empty ladder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
#[serde(transparent)]
pub struct Steps(pub Vec<Step>);

/// A ladder's fee rule as stored (`dunning_policies.fee_rule`, JSON, null for none): a value
/// that does not read is an error, never "no fee".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
#[serde(transparent)]
pub struct StoredFeeRule(pub FeeRule);
