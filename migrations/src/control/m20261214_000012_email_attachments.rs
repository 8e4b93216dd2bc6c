//! An outbox message may carry one attachment (an invoice's PDF), rendered when the message
//! was written, so what is sent is what was asked for even if the invoice changes later.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "ALTER TABLE public.email_outbox
                     ADD COLUMN cc_addresses    text[] NOT NULL DEFAULT '{}',
                     ADD COLUMN attachment_name text,
                     ADD COLUMN attachment_type text,
                     ADD COLUMN attachment      bytea,
                     ADD CHECK ((attachment IS NULL) = (attachment_name IS NULL)
                                AND (attachment IS NULL) = (attachment_type IS NULL))",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "ALTER TABLE public.email_outbox DROP COLUMN cc_addresses,
                     DROP COLUMN attachment_name, DROP COLUMN attachment_type, DROP COLUMN attachment",
            )
            .await?;
        Ok(())
    }
}
