//! How provisioning and `duely migrate` behave as tenants pile up.
//!
//! Run with `cargo bench -p duely-backend --bench tenancy` (PostgreSQL from `DATABASE_URL`, or
//! the local server). `DUELY_BENCH_TENANTS` sets how many tenants (default 2000). It works in a
//! database of its own and removes it, and the tenants' roles, when done. It prints:
//! - the time to provision a tenant (what sign-up does: tenant row, role, schema, every tenant
//!   migration, in one transaction), per block of tenants, so growth shows as a trend;
//! - `migrate` with every tenant up to date (a deploy without tenant migrations);
//! - `migrate` with every tenant marked behind, which visits and locks each schema and checks its
//!   ledger: the fixed cost a rollout of one new tenant migration pays on top of its DDL;
//! - the re-owning migration: every tenant put back as it was before the owner role (its objects
//!   owned by its own role, `runtime_role` not applied), then `migrate`, which hands each schema
//!   to `duely_owner` and grants the tenant's role its rights.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;
use domain::TenantId;
use duely_backend::db;
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use std::time::{Duration, Instant};
use support::{ScratchDatabase, env_or};
use uuid::Uuid;

const BLOCK: usize = 250;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let tenants: usize = env_or("DUELY_BENCH_TENANTS", 2000);
    let (scratch, db) = ScratchDatabase::create().await;
    let admin = &scratch.admin;

    println!("provisioning {tenants} tenants (ms per tenant, per block of {BLOCK})");
    let mut ids = Vec::with_capacity(tenants);
    let mut block_started = Instant::now();
    for index in 0..tenants {
        let tenant = TenantId::from_uuid(Uuid::now_v7());
        let txn = db.begin().await.unwrap();
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO public.tenants (id, name, schema_name, slug) VALUES ($1, $2, $3, $3)",
            [
                tenant.0.into(),
                format!("Bench {index}").into(),
                tenant.schema_name().into(),
            ],
        ))
        .await
        .unwrap();
        db::provision_tenant_schema(&txn, tenant).await.unwrap();
        txn.commit().await.unwrap();
        ids.push(tenant);
        let done = index + 1;
        if done % BLOCK == 0 || done == tenants {
            let in_block = (done - 1) % BLOCK + 1;
            println!(
                "  tenants {:>5}-{:<5} {:>7.1} ms/tenant",
                done - in_block + 1,
                done,
                per(block_started.elapsed(), in_block)
            );
            block_started = Instant::now();
        }
    }

    let started = Instant::now();
    let report = db::migrate_all(&db).await.unwrap();
    assert_eq!(report.tenants_migrated, 0);
    println!(
        "migrate, all {tenants} up to date: {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );

    db.execute_unprepared("UPDATE public.tenants SET schema_version = NULL")
        .await
        .unwrap();
    let started = Instant::now();
    let report = db::migrate_all(&db).await.unwrap();
    assert_eq!(report.tenants_migrated, tenants);
    let elapsed = started.elapsed();
    println!(
        "migrate, all {tenants} behind (visit, lock, ledger check): {:.1} s, {:.1} ms/tenant",
        elapsed.as_secs_f64(),
        per(elapsed, tenants)
    );

    // Back to before the owner role: each tenant's objects owned by its own role.
    for tenant in &ids {
        db.execute_unprepared(&as_before_the_owner_role(&tenant.schema_name()))
            .await
            .unwrap();
    }
    db.execute_unprepared("UPDATE public.tenants SET schema_version = NULL")
        .await
        .unwrap();
    let started = Instant::now();
    let report = db::migrate_all(&db).await.unwrap();
    assert_eq!(report.tenants_migrated, tenants);
    let elapsed = started.elapsed();
    println!(
        "migrate, re-owning all {tenants} (REASSIGN OWNED, then the runtime role's grants): {:.1} s, {:.1} ms/tenant",
        elapsed.as_secs_f64(),
        per(elapsed, tenants)
    );
    let not_handed = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname LIKE 't\\_%' AND c.relowner::regrole::text <> 'duely_owner'",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(
        not_handed, 0,
        "every tenant object belongs to the owner role"
    );

    db.close().await.unwrap();
    scratch.drop_database().await;
    for chunk in ids.chunks(500) {
        let roles: Vec<String> = chunk
            .iter()
            .map(|tenant| format!("\"{}\"", tenant.schema_name()))
            .collect();
        admin
            .execute_unprepared(&format!("DROP ROLE {}", roles.join(", ")))
            .await
            .unwrap();
    }
}

/// Gives a tenant's schema and objects back to its own role, drops its default privileges and
/// forgets the runtime-role migration, as a tenant made before the owner role was.
fn as_before_the_owner_role(schema: &str) -> String {
    format!(
        r#"DO $$
        DECLARE item record;
        BEGIN
            FOR item IN
                SELECT format('ALTER %s %I.%I OWNER TO %I',
                              CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                             WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
                              n.nspname, c.relname, n.nspname) AS sql
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = '{schema}' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                  WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))
                UNION ALL
                SELECT format('ALTER FUNCTION %s OWNER TO %I', p.oid::regprocedure, n.nspname)
                FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = '{schema}'
                UNION ALL
                SELECT format('ALTER TYPE %I.%I OWNER TO %I', n.nspname, t.typname, n.nspname)
                FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE n.nspname = '{schema}' AND t.typtype IN ('e', 'd')
            LOOP
                EXECUTE item.sql;
            END LOOP;
            EXECUTE format('ALTER SCHEMA %I OWNER TO %I', '{schema}', '{schema}');
        END $$;
        ALTER DEFAULT PRIVILEGES FOR ROLE duely_owner IN SCHEMA "{schema}"
            REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM "{schema}";
        ALTER DEFAULT PRIVILEGES FOR ROLE duely_owner IN SCHEMA "{schema}"
            REVOKE USAGE, SELECT, UPDATE ON SEQUENCES FROM "{schema}";
        DELETE FROM "{schema}".tenant_migrations WHERE version LIKE '%runtime_role';"#
    )
}

fn per(elapsed: Duration, count: usize) -> f64 {
    elapsed.as_secs_f64() * 1000.0 / count.max(1) as f64
}
