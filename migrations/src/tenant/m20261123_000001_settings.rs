//! The tenant's settings: one JSON value per key, each change timestamped. Later areas seed
//! their defaults here (credit policy mode, dunning hour, aging bucket edges).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                r#"
                CREATE TABLE settings (
                    key        text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_.]*$'),
                    value      jsonb NOT NULL,
                    updated_at timestamptz NOT NULL DEFAULT now()
                );
                "#,
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE settings")
            .await?;
        Ok(())
    }
}
