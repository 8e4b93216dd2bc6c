//! The database: the pool, tenant-bound transactions, and migrations.
//!
//! Resolvers never touch the pool. Tenant data is reached only through [`TenantTx`]; the control
//! plane (`public`) is reached with schema-qualified statements.

mod migrate;
mod tenant;
pub mod url;

pub use migrate::{MigrationReport, migrate_all, migrate_tenant_schema, provision_tenant_schema};
pub use tenant::TenantTx;

use crate::config::Config;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, Statement,
};
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

/// Creates the configured database when the server does not have it yet, so a first run needs
/// nothing but a running PostgreSQL. Connects to the server's `postgres` database to do it.
pub async fn create_database_if_missing(config: &Config) -> Result<bool, DbErr> {
    let url = config.database_url.expose_secret();
    let Some(name) = url::database_name(url) else {
        return Ok(false);
    };
    let maintenance = Database::connect(url::with_database(url, "postgres")).await?;
    let exists = maintenance
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS found FROM pg_database WHERE datname = $1",
            [name.into()],
        ))
        .await?
        .is_some();
    if !exists {
        let quoted = name.replace('"', "\"\"");
        maintenance
            .execute_unprepared(&format!(r#"CREATE DATABASE "{quoted}""#))
            .await?;
    }
    maintenance.close().await?;
    Ok(!exists)
}
