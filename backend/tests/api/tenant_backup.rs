//! One company's schema, dumped with `pg_dump --schema` and restored into another database
//! beside the control plane, reads the same figures, and its money is still append-only: the way
//! a single company is moved, or taken back to a point in time (`docs/scale-out.md`).

use crate::helpers::{fresh_database, spawn_app};
use crate::kit::TestTenant;
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use serde_json::json;
use std::process::Command;

/// What the company's books say, in one line of text.
async fn figures(db: &sea_orm::DatabaseConnection, schema: &str) -> String {
    let sql = format!(
        r#"SELECT concat_ws(' | ',
               (SELECT count(*) FROM "{schema}".invoices),
               (SELECT sum(total) FROM "{schema}".invoices),
               (SELECT sum(balance_due) FROM "{schema}".invoices),
               (SELECT sum(amount) FROM "{schema}".payments),
               (SELECT sum(amount) FROM "{schema}".allocations),
               (SELECT sum(amount) FROM "{schema}".owed_by_day),
               (SELECT count(*) FROM "{schema}".audit_log)) AS figures"#
    );
    db.query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .unwrap()
        .unwrap()
        .try_get::<String>("", "figures")
        .unwrap()
}

#[tokio::test]
async fn a_tenant_schema_dumped_and_restored_elsewhere_reads_the_same_figures() {
    let app = spawn_app().await;
    let t = TestTenant::sign_up(&app, "搬家公司").await;
    let api = t.api();
    let customer = api
        .create_customer("MOVE", json!({ "name": "迁移客户" }))
        .await;
    for amount in ["1000", "2500.50"] {
        api.issue_invoice(&customer.id, amount, json!({})).await;
    }
    api.record_payment(json!({ "customerId": customer.id, "amount": "1200",
        "currency": "CNY", "method": "BANK_TRANSFER" }))
        .await;
    let schema = t.id().schema_name();
    let before = figures(&app.db, &schema).await;
    assert!(before.starts_with("2 | 3500.50"), "{before}");

    // Another database with the control plane (migrated, no company yet).
    let target = fresh_database().await;
    let dump = std::env::temp_dir().join(format!("{schema}.dump"));
    let dumped = Command::new("pg_dump")
        .args(["--format=custom", "--schema", &schema, "--file"])
        .arg(&dump)
        .arg(&app.database_url)
        .status()
        .unwrap();
    assert!(dumped.success(), "pg_dump failed");
    let restored = Command::new("pg_restore")
        .args(["--exit-on-error", "--dbname", &target])
        .arg(&dump)
        .status()
        .unwrap();
    assert!(restored.success(), "pg_restore failed");
    let _ = std::fs::remove_file(&dump);

    let elsewhere = Database::connect(target.as_str()).await.unwrap();
    assert_eq!(figures(&elsewhere, &schema).await, before);
    // Money stays append-only where it was restored.
    let changed = elsewhere
        .execute_unprepared(&format!(
            r#"UPDATE "{schema}".payments SET amount = amount + 1"#
        ))
        .await;
    assert!(changed.is_err(), "payments refuse updates after a restore");
}
