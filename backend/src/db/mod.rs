//! The database: the pool, tenant-bound transactions, and migrations.
//!
//! Resolvers never touch the pool. Tenant data is reached only through [`TenantTx`]; the control
//! plane (`public`) is reached with schema-qualified statements.

mod migrate;
mod tenant;

pub use migrate::{MigrationReport, migrate_all, migrate_tenant_schema, provision_tenant_schema};
pub use tenant::TenantTx;

use crate::config::Config;
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use secrecy::ExposeSecret;
use std::time::Duration;

/// Opens the pool lazily: the server starts (and `/healthz` answers) while the database is
/// down, and `/readyz` reports it.
pub async fn connect(config: &Config) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(config.database_url.expose_secret().to_owned());
    options
        .max_connections(config.db_max_connections)
        .min_connections(0)
        .connect_timeout(config.db_acquire_timeout)
        .acquire_timeout(config.db_acquire_timeout)
        .max_lifetime(config.db_max_lifetime)
        .idle_timeout(Duration::from_secs(600))
        .connect_lazy(true)
        .sqlx_logging(false);
    Database::connect(options).await
}
