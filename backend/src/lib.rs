//! Duely's server. Areas of the domain own their entities, queries, commands and GraphQL types;
//! the modules beside them are the cross-cutting pieces. See ARCHITECTURE.md for the map.
// The merged GraphQL roots nest one level per area; their layout needs more than the default.
#![recursion_limit = "256"]

pub mod analytics;
pub mod api;
pub mod approval_gate;
pub mod approvals;
pub mod attachments;
pub mod audit;
pub mod audit_log;
pub mod auth;
pub mod banking;
pub mod billing;
pub mod clock;
pub mod collections;
pub mod commands;
pub mod company_profile;
pub mod config;
pub mod csv;
pub mod customers;
pub mod db;
pub mod demo;
pub mod email;
pub mod error;
pub mod http;
pub mod identity;
pub mod imports;
pub mod invoices;
pub mod jobs;
pub mod messaging;
pub mod payments;
pub mod pdf;
pub mod secrets;
pub mod settings;
pub mod startup;
pub mod statements;
pub mod telemetry;
pub mod webhooks;
