//! The backend's integration tests: one binary, a module per area. Each test starts the real
//! app on a free port against its own database, cloned from a migrated template.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod accounts;
mod analytics;
mod api_keys;
mod approvals;
mod architecture;
mod audit;
mod billing;
mod cash_application;
mod cli;
mod clock;
mod collections;
mod customer_file;
mod disputes;
mod dunning;
mod error_bodies;
mod errors_doc;
mod graphql_http;
mod health;
mod helpers;
mod identity;
mod isolation;
mod jobs;
mod kit;
mod kpi_scope;
mod outbox;
mod pagination;
mod permission_matrix;
mod receivables;
mod replicas;
mod replicas_share;
mod request_costs;
mod round_trips;
mod schema_contract;
mod schema_rules;
mod scripts;
mod server;
mod settings;
mod team;
mod team_work;
mod tenancy;
mod tenant_backup;
mod texts;
mod transfer;
mod web_app;
