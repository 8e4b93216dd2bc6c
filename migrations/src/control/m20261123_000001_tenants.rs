//! The tenant registry. `schema_version` records the newest tenant migration applied to the
//! tenant's schema, so `duely migrate` visits only tenants that are behind.

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
                CREATE TABLE public.tenants (
                    id             uuid PRIMARY KEY,
                    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
                    schema_name    text NOT NULL UNIQUE CHECK (schema_name ~ '^t_[0-9a-f]{32}$'),
                    schema_version text,
                    created_at     timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX tenants_schema_version_idx ON public.tenants (schema_version);
                "#,
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE public.tenants")
            .await?;
        Ok(())
    }
}
