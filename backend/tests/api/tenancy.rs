//! Tenant schemas: each has its own migration ledger and role, and a tenant transaction sees its
//! own schema only and leaves nothing behind on the pooled connection.

use crate::helpers::{create_tenant, spawn_app};
use duely_backend::db::{self, TenantTx};
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};

async fn scalar_text(conn: &impl ConnectionTrait, sql: &str) -> String {
    conn.query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<String>(0)
        .unwrap()
}

/// A pool of one connection, so each query reuses the very connection the last one used.
async fn single_connection(database_url: &str) -> sea_orm::DatabaseConnection {
    Database::connect(
        sea_orm::ConnectOptions::new(database_url.to_owned())
            .max_connections(1)
            .to_owned(),
    )
    .await
    .unwrap()
}

async fn scalar_count(conn: &impl ConnectionTrait, sql: &str) -> i64 {
    conn.query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap()
}

#[tokio::test]
async fn every_tenant_schema_keeps_its_own_migration_ledger() {
    let app = spawn_app().await;
    let acme = create_tenant(&app.db, "Acme").await;
    let globex = create_tenant(&app.db, "Globex").await;

    for tenant in [acme, globex] {
        let applied = scalar_count(
            &app.db,
            &format!(
                r#"SELECT count(*) FROM "{}".tenant_migrations"#,
                tenant.schema_name()
            ),
        )
        .await;
        let expected =
            <duely_migrations::TenantMigrator as duely_migrations::MigratorTrait>::migrations()
                .len();
        assert_eq!(
            usize::try_from(applied).unwrap(),
            expected,
            "every tenant migration recorded in the tenant's own ledger"
        );
        let owner = scalar_text(
            &app.db,
            &format!(
                "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = '{}'",
                tenant.schema_name()
            ),
        )
        .await;
        assert_eq!(
            owner,
            duely_migrations::TENANT_OWNER,
            "the schema belongs to the owner role, not to the role requests run as"
        );
    }
    let control_ledgers = scalar_count(
        &app.db,
        "SELECT count(*) FROM information_schema.tables
         WHERE table_schema = 'public' AND table_name IN ('duely_control_migrations', 'tenant_migrations')",
    )
    .await;
    assert_eq!(control_ledgers, 1, "public holds the control ledger only");
    let versions = scalar_count(
        &app.db,
        &format!(
            "SELECT count(*) FROM public.tenants WHERE schema_version = '{}'",
            duely_migrations::TenantMigrator::latest_version()
        ),
    )
    .await;
    assert_eq!(versions, 2);
}

#[tokio::test]
async fn the_role_requests_run_as_cannot_switch_off_the_money_triggers() {
    let app = spawn_app().await;
    let acme = create_tenant(&app.db, "Acme").await;
    let attempts = [
        "ALTER TABLE payments DISABLE TRIGGER ALL",
        "ALTER TABLE allocations DISABLE TRIGGER USER",
        "DROP TRIGGER IF EXISTS payments_append_only ON payments",
        "TRUNCATE payments",
        "ALTER TABLE invoices DROP CONSTRAINT IF EXISTS invoices_pkey CASCADE",
        "CREATE TABLE sneaky (id int)",
    ];
    for sql in attempts {
        let tx = TenantTx::begin(&app.db, acme).await.unwrap();
        let refused = tx.execute_unprepared(sql).await;
        let message = refused.expect_err(sql).to_string();
        assert!(
            message.contains("must be owner") || message.contains("permission denied"),
            "{sql}: {message}"
        );
        tx.rollback().await.unwrap();
    }
    // Its ordinary work still works: reading and writing rows, sequences.
    let tx = TenantTx::begin(&app.db, acme).await.unwrap();
    tx.execute_unprepared(
        r#"INSERT INTO settings (key, value) VALUES ('probe', '1') ON CONFLICT (key) DO UPDATE SET value = '2'"#,
    )
    .await
    .unwrap();
    tx.execute_unprepared("DELETE FROM settings WHERE key = 'probe'")
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_tenant_transaction_sees_its_own_rows_only() {
    let app = spawn_app().await;
    let acme = create_tenant(&app.db, "Acme").await;
    let globex = create_tenant(&app.db, "Globex").await;

    let tx = TenantTx::begin(&app.db, acme).await.unwrap();
    tx.execute_unprepared(
        r#"INSERT INTO settings (key, value) VALUES ('owner.secret', '"acme only"')"#,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let tx = TenantTx::begin(&app.db, globex).await.unwrap();
    assert_eq!(scalar_count(&*tx, "SELECT count(*) FROM settings").await, 0);
    tx.rollback().await.unwrap();
}

#[tokio::test]
async fn postgres_refuses_a_tenant_transaction_that_names_another_tenants_schema() {
    let app = spawn_app().await;
    let acme = create_tenant(&app.db, "Acme").await;
    let globex = create_tenant(&app.db, "Globex").await;

    let tx = TenantTx::begin(&app.db, globex).await.unwrap();
    let error = tx
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!(r#"SELECT count(*) FROM "{}".settings"#, acme.schema_name()),
        ))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("permission denied"), "{error}");
    tx.rollback().await.unwrap();

    let tx = TenantTx::begin(&app.db, globex).await.unwrap();
    let error = tx
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT count(*) FROM public.tenants",
        ))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("permission denied"), "{error}");
    tx.rollback().await.unwrap();
}

#[tokio::test]
async fn the_search_path_and_role_do_not_outlive_the_tenant_transaction() {
    let app = spawn_app().await;
    let acme = create_tenant(&app.db, "Acme").await;
    let single = single_connection(&app.database_url).await;
    let before = scalar_text(&single, "SHOW search_path").await;

    let tx = TenantTx::begin(&single, acme).await.unwrap();
    assert_eq!(
        scalar_text(&*tx, "SHOW search_path").await,
        acme.schema_name()
    );
    assert_eq!(
        scalar_text(&*tx, "SELECT current_user::text").await,
        acme.schema_name()
    );
    tx.commit().await.unwrap();

    assert_eq!(scalar_text(&single, "SHOW search_path").await, before);
    assert_ne!(
        scalar_text(&single, "SELECT current_user::text").await,
        acme.schema_name()
    );
}

/// A tenant transaction dropped unfinished (an error returned early), or a request cancelled
/// while its `BEGIN` and binding were on their way, never hands the pool a connection still
/// inside a transaction bound to the tenant.
#[tokio::test]
async fn a_tenant_transaction_dropped_or_cancelled_leaves_a_clean_connection() {
    let app = spawn_app().await;
    let acme = create_tenant(&app.db, "Acme").await;
    let single = single_connection(&app.database_url).await;
    let user = scalar_text(&single, "SELECT current_user::text").await;
    // Clean: the connection's own role, and no transaction block open (a savepoint is refused
    // outside one).
    let clean = |single: &sea_orm::DatabaseConnection| {
        let single = single.clone();
        let user = user.clone();
        async move {
            let role = scalar_text(&single, "SELECT current_user::text").await;
            let in_block = single.execute_unprepared("SAVEPOINT probe").await.is_ok();
            if in_block {
                let _ = single.execute_unprepared("ROLLBACK").await;
            }
            role == user && !in_block
        }
    };

    let tx = TenantTx::begin(&single, acme).await.unwrap();
    scalar_text(&*tx, "SELECT current_user::text").await;
    drop(tx);
    assert!(
        clean(&single).await,
        "after a transaction dropped unfinished"
    );

    for attempt in 0..20 {
        // Polled once (the query written, its answer not read), then dropped.
        {
            let begin = std::pin::pin!(TenantTx::begin(&single, acme));
            let _ = futures::poll!(begin);
        }
        assert!(clean(&single).await, "after a begin cancelled ({attempt})");
    }
}

#[tokio::test]
async fn migrate_visits_only_tenants_that_are_behind_and_can_run_again() {
    let app = spawn_app().await;
    let acme = create_tenant(&app.db, "Acme").await;
    create_tenant(&app.db, "Globex").await;
    // Acme looks as if a crash hit before its version was recorded.
    app.db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE public.tenants SET schema_version = NULL WHERE id = $1",
            [acme.0.into()],
        ))
        .await
        .unwrap();

    let report = db::migrate_all(&app.db).await.unwrap();
    assert_eq!(report.tenants_migrated, 1);
    assert_eq!(report.tenants_up_to_date, 1);

    let again = db::migrate_all(&app.db).await.unwrap();
    assert_eq!(again.tenants_migrated, 0);
    assert_eq!(again.tenants_up_to_date, 2);
}

#[tokio::test]
async fn a_failed_provisioning_leaves_nothing_behind() {
    let app = spawn_app().await;
    let acme = create_tenant(&app.db, "Acme").await;
    // Provisioning the same tenant again fails (the role exists) inside its transaction…
    let txn = sea_orm::TransactionTrait::begin(&app.db).await.unwrap();
    assert!(db::provision_tenant_schema(&txn, acme).await.is_err());
    txn.rollback().await.unwrap();
    // …and the first tenant is untouched.
    let tx = TenantTx::begin(&app.db, acme).await.unwrap();
    assert_eq!(scalar_count(&*tx, "SELECT count(*) FROM settings").await, 0);
    tx.rollback().await.unwrap();
}
