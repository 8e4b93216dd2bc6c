//! The hour of the company's own day at which its dunning run starts, read by the scheduler
//! across all companies in one statement; and `btree_gist` (a trusted extension), which lets a
//! tenant table refuse overlapping fee periods for the same invoice.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;
                 ALTER TABLE public.tenants
                     ADD COLUMN dunning_hour smallint NOT NULL DEFAULT 8 CHECK (dunning_hour BETWEEN 0 AND 23);",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("ALTER TABLE public.tenants DROP COLUMN dunning_hour")
            .await?;
        Ok(())
    }
}
