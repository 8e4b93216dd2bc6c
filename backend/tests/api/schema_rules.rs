//! What a tenant schema must keep so that it can move, whole, to another node
//! (`citus_schema_distribute`) or another database: every table has a primary key; no foreign
//! key leaves the schema; every sequence a column draws from, every trigger's function and every
//! function a default calls lives in the schema. Checked over a freshly migrated tenant, so a
//! later migration that breaks one of them fails here.

use crate::helpers::{create_tenant, spawn_app};
use sea_orm::{ConnectionTrait, DbBackend, Statement};

async fn offenders(db: &sea_orm::DatabaseConnection, sql: &str, schema: &str) -> Vec<String> {
    db.query_all_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        [schema.to_owned().into()],
    ))
    .await
    .unwrap()
    .iter()
    .map(|row| row.try_get_by_index::<String>(0).unwrap())
    .collect()
}

#[tokio::test]
async fn a_tenant_schema_keeps_everything_it_needs_inside_itself() {
    let app = spawn_app().await;
    let tenant = create_tenant(&app.db, "Portable").await;
    let schema = tenant.schema_name();

    let tables = offenders(
        &app.db,
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')",
        &schema,
    )
    .await;
    assert!(
        tables.len() > 30,
        "a migrated tenant has its tables: {tables:?}"
    );

    let without_key = offenders(
        &app.db,
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
           AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p')",
        &schema,
    )
    .await;
    assert_eq!(
        without_key,
        Vec::<String>::new(),
        "tables without a primary key"
    );

    let leaving = offenders(
        &app.db,
        "SELECT k.conname || ' -> ' || fn.nspname || '.' || f.relname
         FROM pg_constraint k
         JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_class f ON f.oid = k.confrelid JOIN pg_namespace fn ON fn.oid = f.relnamespace
         WHERE k.contype = 'f' AND n.nspname = $1 AND fn.nspname <> n.nspname",
        &schema,
    )
    .await;
    assert_eq!(
        leaving,
        Vec::<String>::new(),
        "foreign keys leaving the schema"
    );

    // Sequences a column's default draws from, wherever they are.
    let sequences = offenders(
        &app.db,
        "SELECT c.relname || '.' || a.attname || ' -> ' || sn.nspname || '.' || s.relname
         FROM pg_attrdef d
         JOIN pg_class c ON c.oid = d.adrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
         JOIN pg_depend p ON p.classid = 'pg_attrdef'::regclass AND p.objid = d.oid
                          AND p.refclassid = 'pg_class'::regclass
         JOIN pg_class s ON s.oid = p.refobjid AND s.relkind = 'S'
         JOIN pg_namespace sn ON sn.oid = s.relnamespace
         WHERE n.nspname = $1 AND sn.nspname <> n.nspname",
        &schema,
    )
    .await;
    assert_eq!(
        sequences,
        Vec::<String>::new(),
        "sequences outside the schema"
    );

    // Every trigger's function, and every function a default calls, besides PostgreSQL's own.
    let functions = offenders(
        &app.db,
        "SELECT c.relname || ': ' || t.tgname || ' -> ' || fn.nspname || '.' || f.proname
         FROM pg_trigger t
         JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_proc f ON f.oid = t.tgfoid JOIN pg_namespace fn ON fn.oid = f.pronamespace
         WHERE n.nspname = $1 AND NOT t.tgisinternal AND fn.nspname <> n.nspname
         UNION ALL
         SELECT c.relname || ' default -> ' || fn.nspname || '.' || f.proname
         FROM pg_attrdef d
         JOIN pg_class c ON c.oid = d.adrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_depend p ON p.classid = 'pg_attrdef'::regclass AND p.objid = d.oid
                          AND p.refclassid = 'pg_proc'::regclass
         JOIN pg_proc f ON f.oid = p.refobjid JOIN pg_namespace fn ON fn.oid = f.pronamespace
         WHERE n.nspname = $1 AND fn.nspname NOT IN (n.nspname, 'pg_catalog')",
        &schema,
    )
    .await;
    assert_eq!(
        functions,
        Vec::<String>::new(),
        "functions outside the schema"
    );
}
