//! The development clock: the business day a company's "today" is while it is set, for one
//! company (`duely clock --tenant`, a test) or for all (`DUELY_TODAY`, `duely clock`); a
//! company's own row wins. A production process never reads it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE TABLE public.clock (
                     tenant_id uuid REFERENCES public.tenants (id) ON DELETE CASCADE,
                     today date NOT NULL,
                     set_at timestamptz NOT NULL DEFAULT now(),
                     CONSTRAINT clock_scope UNIQUE NULLS NOT DISTINCT (tenant_id)
                 );",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE public.clock;")
            .await?;
        Ok(())
    }
}
