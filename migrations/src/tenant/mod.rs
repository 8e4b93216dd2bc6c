//! Migrations applied to every tenant schema. Tables are unqualified: the migrator runs with
//! the search path set to the one tenant schema, as the tenant's own database role.

use sea_orm_migration::prelude::*;

mod m20261123_000001_settings;
mod m20261123_000002_audit_log;
mod m20261123_000003_receivables;
mod m20261123_000004_statements;
mod m20261123_000005_collections;
mod m20261123_000006_dunning;
mod m20261123_000007_dunning_runs;
mod m20261123_000008_one_scheduled_run;
mod m20261123_000009_analytics;
mod m20261128_000010_online_payments;
mod m20261128_000011_last_paid_on;
mod m20261128_000012_allocation_dates;
mod m20261128_000013_open_items_index;
mod m20261203_000014_runtime_role;
mod m20261204_000015_company_settings;
mod m20261204_000016_texts_as_codes;
mod m20261205_000017_team_tasks;
mod m20261205_000018_customer_file_disputes_receipts;
mod m20261206_000019_collection_scripts;
mod m20261207_000020_invoice_counts;
mod m20261208_000021_paid_history_index;
mod m20261208_000022_credit_sales_by_day;
mod m20261209_000023_owed_by_day;
mod m20261210_000024_approvals;
mod m20261211_000025_cash_application;
mod m20261212_000026_statement_references;
mod m20261212_000027_reversed_bank_payments;
mod m20261212_000028_day_table_keys;
mod m20261213_000029_fapiaos;
mod m20261214_000030_company_profile;
mod m20261214_000031_letters;
mod m20261215_000032_attachments;
mod m20261216_000033_webhooks;
mod m20261217_000034_messaging;

pub fn migrations() -> Vec<Box<dyn MigrationTrait>> {
    vec![
        Box::new(m20261123_000001_settings::Migration),
        Box::new(m20261123_000002_audit_log::Migration),
        Box::new(m20261123_000003_receivables::Migration),
        Box::new(m20261123_000004_statements::Migration),
        Box::new(m20261123_000005_collections::Migration),
        Box::new(m20261123_000006_dunning::Migration),
        Box::new(m20261123_000007_dunning_runs::Migration),
        Box::new(m20261123_000008_one_scheduled_run::Migration),
        Box::new(m20261123_000009_analytics::Migration),
        Box::new(m20261128_000010_online_payments::Migration),
        Box::new(m20261128_000011_last_paid_on::Migration),
        Box::new(m20261128_000012_allocation_dates::Migration),
        Box::new(m20261128_000013_open_items_index::Migration),
        Box::new(m20261203_000014_runtime_role::Migration),
        Box::new(m20261204_000015_company_settings::Migration),
        Box::new(m20261204_000016_texts_as_codes::Migration),
        Box::new(m20261205_000017_team_tasks::Migration),
        Box::new(m20261205_000018_customer_file_disputes_receipts::Migration),
        Box::new(m20261206_000019_collection_scripts::Migration),
        Box::new(m20261207_000020_invoice_counts::Migration),
        Box::new(m20261208_000021_paid_history_index::Migration),
        Box::new(m20261208_000022_credit_sales_by_day::Migration),
        Box::new(m20261209_000023_owed_by_day::Migration),
        Box::new(m20261210_000024_approvals::Migration),
        Box::new(m20261211_000025_cash_application::Migration),
        Box::new(m20261212_000026_statement_references::Migration),
        Box::new(m20261212_000027_reversed_bank_payments::Migration),
        Box::new(m20261212_000028_day_table_keys::Migration),
        Box::new(m20261213_000029_fapiaos::Migration),
        Box::new(m20261214_000030_company_profile::Migration),
        Box::new(m20261214_000031_letters::Migration),
        Box::new(m20261215_000032_attachments::Migration),
        Box::new(m20261216_000033_webhooks::Migration),
        Box::new(m20261217_000034_messaging::Migration),
    ]
}
