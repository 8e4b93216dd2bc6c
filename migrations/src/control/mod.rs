//! Migrations of the control plane (`public` schema). Every table is schema-qualified.

use sea_orm_migration::prelude::*;

mod m20261123_000001_tenants;
mod m20261123_000002_identity;
mod m20261123_000003_search;
mod m20261123_000004_dunning_schedule;
mod m20261128_000005_billing;
mod m20261203_000006_leases;
mod m20261203_000007_accounts;
mod m20261203_000008_tenant_owner;
mod m20261203_000009_clock;
mod m20261204_000010_access_notify;
mod m20261210_000011_approval_emails;
mod m20261214_000012_email_attachments;
mod m20261216_000013_webhook_wake;

pub fn migrations() -> Vec<Box<dyn MigrationTrait>> {
    vec![
        Box::new(m20261123_000001_tenants::Migration),
        Box::new(m20261123_000002_identity::Migration),
        Box::new(m20261123_000003_search::Migration),
        Box::new(m20261123_000004_dunning_schedule::Migration),
        Box::new(m20261128_000005_billing::Migration),
        Box::new(m20261203_000006_leases::Migration),
        Box::new(m20261203_000007_accounts::Migration),
        Box::new(m20261203_000008_tenant_owner::Migration),
        Box::new(m20261203_000009_clock::Migration),
        Box::new(m20261204_000010_access_notify::Migration),
        Box::new(m20261210_000011_approval_emails::Migration),
        Box::new(m20261214_000012_email_attachments::Migration),
        Box::new(m20261216_000013_webhook_wake::Migration),
    ]
}
