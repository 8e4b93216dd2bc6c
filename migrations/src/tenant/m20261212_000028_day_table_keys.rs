//! A primary key on the two per-day tables of figures (`credit_sales_by_day`, `owed_by_day`):
//! they are logs of movements, several rows a day until compacted, so the key is a surrogate
//! identity. Every table of a tenant schema has one, as moving the schema to another node
//! (`citus_schema_distribute`) and logical replication need (`tests/api/schema_rules.rs`).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "ALTER TABLE credit_sales_by_day ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
                 ALTER TABLE owed_by_day ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "ALTER TABLE credit_sales_by_day DROP COLUMN id;
                 ALTER TABLE owed_by_day DROP COLUMN id;",
            )
            .await?;
        Ok(())
    }
}
