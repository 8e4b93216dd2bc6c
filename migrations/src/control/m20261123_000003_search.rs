//! Trigram search (`pg_trgm`, a trusted extension: the database owner may create it) for the
//! substring searches of invoice numbers and customer names. It lives in `public`; tenant
//! indexes name its operator class as `public.gin_trgm_ops`.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP EXTENSION IF EXISTS pg_trgm")
            .await?;
        Ok(())
    }
}
