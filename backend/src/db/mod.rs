//! The database: the pool, tenant-bound transactions, and migrations.
//!
//! Resolvers never touch the pool. Tenant data is reached only through [`TenantTx`]; the control
//! plane (`public`) is reached with schema-qualified statements.

pub mod calendar;
pub mod conditions;
pub mod expiring;
pub mod members;
mod migrate;
pub mod notices;
pub mod statements;
pub mod tenant;
pub mod tenant_conn;
pub mod unreachable;
pub mod url;

pub use calendar::{TenantCalendar, tenant_calendar};
pub use migrate::{MigrationReport, migrate_all, migrate_tenant_schema, provision_tenant_schema};
pub use tenant::TenantTx;
pub use tenant_conn::TenantConn;

use crate::config::Config;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr,
    FromQueryResult, Statement,
};
use secrecy::ExposeSecret;
use std::time::Duration;

/// Opens the pool lazily: the server starts (and `/healthz` answers) while the database is
/// down, and `/readyz` reports it.
pub async fn connect(config: &Config) -> Result<DatabaseConnection, DbErr> {
    crate::clock::follow(config.environment);
    let mut options = ConnectOptions::new(config.database_url.expose_secret().to_owned());
    options
        .max_connections(config.db_max_connections)
        .min_connections(0)
        .connect_timeout(config.db_acquire_timeout)
        .acquire_timeout(config.db_acquire_timeout)
        .max_lifetime(config.db_max_lifetime)
        .idle_timeout(Duration::from_secs(600))
        // A connection in steady use goes out without a ping (a round trip per checkout, three
        // per request); one idle for 30 s is pinged first, which is when a restart or a
        // firewall could have closed it unseen.
        .test_before_acquire_if_idle_for(Duration::from_secs(30))
        .connect_lazy(true)
        .sqlx_logging(false);
    let mut db = Database::connect(options).await?;
    db.set_metric_callback(statements::record);
    Ok(db)
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

/// Gives the transaction's sorts and hashes room for a report over the whole ledger (a few MB
/// a worker at a million invoices), instead of spilling to disk under the server's 4 MB
/// default. `LOCAL`: it ends with the transaction.
pub async fn report_memory(conn: &impl sea_orm::ConnectionTrait) -> Result<(), DbErr> {
    conn.execute_unprepared("SET LOCAL work_mem = '64MB'")
        .await?;
    Ok(())
}

/// Team members of `tenant` among `ids`, for showing who a collector or salesperson is.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct MemberName {
    pub id: uuid::Uuid,
    pub name: String,
    pub email: String,
}

pub async fn member_names(
    db: &DatabaseConnection,
    tenant: domain::TenantId,
    ids: &[uuid::Uuid],
) -> Result<Vec<MemberName>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    MemberName::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT u.id, u.name, u.email::text AS email FROM public.users u
         JOIN public.memberships m ON m.user_id = u.id AND m.tenant_id = $1
         WHERE u.id = ANY($2::uuid[])",
        [tenant.0.into(), ids.to_vec().into()],
    ))
    .all(db)
    .await
}

/// A member of a company found by email address, with the role that says what they may be
/// assigned (`Role::may_collect`, `Role::may_sell`).
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct MemberByEmail {
    /// In lower case, as stored.
    pub email: String,
    pub id: uuid::Uuid,
    pub role: domain::access::Role,
}

/// The members of `tenant` whose email address is one of `emails` (compared in lower case; the
/// addresses are stored so), in one statement for a whole file.
pub async fn members_by_email(
    db: &DatabaseConnection,
    tenant: domain::TenantId,
    emails: &[String],
) -> Result<Vec<MemberByEmail>, DbErr> {
    if emails.is_empty() {
        return Ok(Vec::new());
    }
    let emails: Vec<String> = emails.iter().map(|email| email.to_lowercase()).collect();
    MemberByEmail::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT u.email::text AS email, u.id, m.role FROM public.users u
         JOIN public.memberships m ON m.user_id = u.id AND m.tenant_id = $1
         WHERE u.email = ANY($2::text[])",
        [tenant.0.into(), emails.into()],
    ))
    .all(db)
    .await
}

/// The constraint a statement violated (`invoices_number_key`), for mapping unique and check
/// violations to the field they concern by name rather than by searching the message.
pub fn violated_constraint(error: &sea_orm::DbErr) -> Option<String> {
    use sea_orm::{DbErr, RuntimeErr};
    let runtime = match error {
        DbErr::Exec(runtime) | DbErr::Query(runtime) => runtime,
        _ => return None,
    };
    match runtime {
        RuntimeErr::SqlxError(sqlx) => match &**sqlx {
            sea_orm::sqlx::Error::Database(database) => database.constraint().map(str::to_owned),
            _ => None,
        },
        _ => None,
    }
}
