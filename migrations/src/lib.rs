//! Duely's schema, as two migrators.
//!
//! - [`ControlMigrator`] owns the `public` schema: the control plane (tenants, users, keys, jobs).
//!   Its ledger is `public.duely_control_migrations`.
//! - [`TenantMigrator`] is applied to every tenant schema, with the transaction's `search_path`
//!   set to that schema alone. Its ledger, `tenant_migrations`, lives inside each tenant schema,
//!   so every tenant records its own version.
//!
//! sea-orm-migration keeps its ledger in an unqualified table, created with `IF NOT EXISTS` in the
//! first existing schema of the search path. Were `public` on a tenant's path, a missing tenant
//! schema would send the ledger and every tenant table into the control plane without an error.
//! So the two ledgers have different names, and tenant migrations run with the tenant schema
//! alone on the path: a missing schema fails loudly.
//!
//! Tenant migrations are expand-then-contract: while a rollout runs, code at version N and N-1
//! serve tenants on either version, so a migration never changes a column's type or drops a
//! column that running code still reads.

use sea_orm_migration::prelude::*;

mod control;
mod tenant;

pub use sea_orm_migration::MigratorTrait;

/// The role that owns every tenant's schema and objects, and only migrations act as; requests
/// run as the tenant's own role, which owns nothing (see `control::…_tenant_owner`).
pub const TENANT_OWNER: &str = "duely_owner";

pub struct ControlMigrator;

#[async_trait::async_trait]
impl MigratorTrait for ControlMigrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        control::migrations()
    }

    fn migration_table_name() -> DynIden {
        "duely_control_migrations".into_iden()
    }
}

pub struct TenantMigrator;

#[async_trait::async_trait]
impl MigratorTrait for TenantMigrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        tenant::migrations()
    }

    fn migration_table_name() -> DynIden {
        "tenant_migrations".into_iden()
    }
}

impl TenantMigrator {
    /// The name of the newest tenant migration: a tenant schema at this version is up to date.
    pub fn latest_version() -> String {
        Self::migrations()
            .last()
            .map(|migration| migration.name().to_owned())
            .unwrap_or_default()
    }
}
