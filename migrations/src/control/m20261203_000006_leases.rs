//! Leases that hold. A job and an outgoing email each carry the token of the attempt that
//! holds them: renewing, completing or failing names the token, so a worker whose lease
//! lapsed (and was taken over) changes nothing when it finishes late. The outbox claims each
//! message with its own lease instead of holding a batch in one transaction.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "ALTER TABLE public.jobs ADD COLUMN lease_token uuid;
                 ALTER TABLE public.email_outbox
                     ADD COLUMN locked_until timestamptz,
                     ADD COLUMN lease_token uuid;",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "ALTER TABLE public.jobs DROP COLUMN lease_token;
                 ALTER TABLE public.email_outbox DROP COLUMN locked_until, DROP COLUMN lease_token;",
            )
            .await?;
        Ok(())
    }
}
