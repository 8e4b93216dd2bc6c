//! `duely migrate`: the control plane, then every tenant schema that is behind.
//!
//! Each tenant migrates in its own transaction, which also records the new version in
//! `public.tenants.schema_version`: a crash loses at most the tenant in flight, and a rerun
//! resumes with the tenants still behind. Tenants migrate a few at a time, so thousands of them
//! take minutes, not hours; up-to-date tenants are never visited.

use domain::TenantId;
use duely_migrations::{ControlMigrator, MigratorTrait, TENANT_OWNER, TenantMigrator};
use futures::TryStreamExt;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, Statement,
    TransactionTrait,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use uuid::Uuid;

/// Tenants migrated at once: enough to hide round trips, few enough to leave the pool usable.
const TENANTS_IN_PARALLEL: usize = 4;

/// Serialises concurrent control-plane migrations (a constant unique to this purpose).
const CONTROL_MIGRATION_LOCK: i64 = 0x6475_656c_795f_6d67;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationReport {
    pub tenants_migrated: usize,
    pub tenants_up_to_date: usize,
}

pub async fn migrate_all(db: &DatabaseConnection) -> Result<MigrationReport, DbErr> {
    let txn = db.begin().await?;
    take_control_migration_lock(&txn).await?;
    ControlMigrator::up(&txn, None).await?;
    txn.commit().await?;

    let latest = TenantMigrator::latest_version();
    let behind: Vec<Uuid> = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id FROM public.tenants WHERE schema_version IS DISTINCT FROM $1 ORDER BY id",
            [latest.clone().into()],
        ))
        .await?
        .iter()
        .map(|row| row.try_get::<Uuid>("", "id"))
        .collect::<Result<_, _>>()?;
    let total: u64 = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT count(*) AS n FROM public.tenants",
        ))
        .await?
        .map(|row| row.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0)
        .try_into()
        .unwrap_or(0);

    let to_migrate = behind.len();
    tracing::info!(tenants = total, behind = to_migrate, version = %latest, "migrating tenant schemas");
    let done = AtomicUsize::new(0);
    futures::stream::iter(behind.into_iter().map(Ok::<_, DbErr>))
        .try_for_each_concurrent(TENANTS_IN_PARALLEL, |id| {
            let (done, latest) = (&done, &latest);
            async move {
                let txn = db.begin().await?;
                // The row lock makes a concurrent `duely migrate` wait for this tenant, then
                // find it up to date.
                let current = txn
                    .query_one_raw(Statement::from_sql_and_values(
                        DbBackend::Postgres,
                        "SELECT schema_version FROM public.tenants WHERE id = $1 FOR UPDATE",
                        [id.into()],
                    ))
                    .await?
                    .map(|row| row.try_get::<Option<String>>("", "schema_version"))
                    .transpose()?
                    .flatten();
                if current.as_ref() != Some(latest) {
                    migrate_tenant_schema(&txn, TenantId::from_uuid(id)).await?;
                }
                txn.commit().await?;
                let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                if finished % 100 == 0 || finished == to_migrate {
                    tracing::info!(finished, of = to_migrate, "tenant schemas migrated");
                }
                Ok(())
            }
        })
        .await?;

    Ok(MigrationReport {
        tenants_migrated: to_migrate,
        tenants_up_to_date: usize::try_from(total)
            .unwrap_or(0)
            .saturating_sub(to_migrate),
    })
}

/// Creates a new tenant's role and schema and applies every tenant migration, inside the
/// caller's transaction: sign-up commits the tenant row and its schema together or not at all.
pub async fn provision_tenant_schema(
    txn: &DatabaseTransaction,
    tenant: TenantId,
) -> Result<(), DbErr> {
    let schema = tenant.schema_name();
    // The tenant's role is what its requests run as; the schema and everything in it belong to
    // the owner role, which only migrations act as.
    // Its rights come with each table as migrations make it (default privileges), which costs
    // nothing; granting on ALL TABLES afterwards would scan every tenant's catalog rows.
    txn.execute_unprepared(&format!(
        r#"CREATE ROLE "{schema}" NOLOGIN;
           GRANT "{schema}" TO CURRENT_USER;
           CREATE SCHEMA "{schema}" AUTHORIZATION "{TENANT_OWNER}";
           GRANT USAGE ON SCHEMA "{schema}" TO "{schema}";
           ALTER DEFAULT PRIVILEGES FOR ROLE "{TENANT_OWNER}" IN SCHEMA "{schema}"
               GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "{schema}";
           ALTER DEFAULT PRIVILEGES FOR ROLE "{TENANT_OWNER}" IN SCHEMA "{schema}"
               GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO "{schema}";"#
    ))
    .await?;
    // Every company starts on a trial of GROWTH (`domain::billing::TRIAL_DAYS`).
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO public.subscriptions (tenant_id, plan, status, trial_ends_at)
         VALUES ($1, 'GROWTH', 'TRIALING', now() + make_interval(days => $2::int))",
        [tenant.0.into(), domain::billing::TRIAL_DAYS.into()],
    ))
    .await?;
    migrate_tenant_schema(txn, tenant).await?;
    // A new company's standard ladder mails a demand letter at +30 days where companies made
    // before letters existed email one: theirs stay as they are.
    txn.execute_unprepared(&format!(
        r#"UPDATE "{schema}".dunning_policies
           SET steps = (SELECT jsonb_agg(CASE WHEN (s ->> 'offsetDays')::int = 30
                                               AND s ->> 'action' = 'SEND_EMAIL'
                                          THEN jsonb_set(s, '{{action}}', '"SEND_LETTER"')
                                          ELSE s END ORDER BY n)
                        FROM jsonb_array_elements(steps) WITH ORDINALITY AS t(s, n))
           WHERE is_default"#
    ))
    .await?;
    Ok(())
}

/// Applies pending tenant migrations to one schema, as the owner role with the search path on
/// that schema alone, and records the version. Leaves the transaction as the caller's role.
pub async fn migrate_tenant_schema(
    txn: &DatabaseTransaction,
    tenant: TenantId,
) -> Result<(), DbErr> {
    hand_to_owner(txn, tenant).await?;
    let schema = tenant.schema_name();
    txn.execute_unprepared(&format!(
        r#"SET LOCAL search_path TO "{schema}"; SET LOCAL ROLE "{TENANT_OWNER}""#
    ))
    .await?;
    TenantMigrator::up(txn, None).await?;
    txn.execute_unprepared("SET LOCAL ROLE NONE; SET LOCAL search_path TO DEFAULT")
        .await?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.tenants SET schema_version = $1 WHERE id = $2",
        [TenantMigrator::latest_version().into(), tenant.0.into()],
    ))
    .await?;
    Ok(())
}

/// A schema made before the owner role existed belongs to the tenant's own role: every object
/// of it is handed to the owner (one `REASSIGN OWNED`, as ourselves, a member of both). The
/// tenant migration `runtime_role` then grants the tenant's role what it needs.
async fn hand_to_owner(txn: &DatabaseTransaction, tenant: TenantId) -> Result<(), DbErr> {
    let schema = tenant.schema_name();
    let owned_by_tenant = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT nspowner::regrole::text = $1 AS own FROM pg_namespace WHERE nspname = $1",
            [schema.clone().into()],
        ))
        .await?
        .map(|row| row.try_get::<bool>("", "own"))
        .transpose()?
        .unwrap_or(false);
    if owned_by_tenant {
        txn.execute_unprepared(&format!(
            r#"REASSIGN OWNED BY "{schema}" TO "{TENANT_OWNER}""#
        ))
        .await?;
    }
    Ok(())
}

async fn take_control_migration_lock(txn: &DatabaseTransaction) -> Result<(), DbErr> {
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_advisory_xact_lock($1)",
        [CONTROL_MIGRATION_LOCK.into()],
    ))
    .await?;
    Ok(())
}
