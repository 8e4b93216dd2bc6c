//! Each person's choice of approval emails: each request awaiting them at once (`IMMEDIATE`,
//! the default), one digest a day (`DAILY`), or none (`NONE`; the inbox and its badge only).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "ALTER TABLE public.users ADD COLUMN approval_emails text NOT NULL
                     DEFAULT 'IMMEDIATE' CHECK (approval_emails IN ('IMMEDIATE', 'DAILY', 'NONE'))",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("ALTER TABLE public.users DROP COLUMN approval_emails")
            .await?;
        Ok(())
    }
}
