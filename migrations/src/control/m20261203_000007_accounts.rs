//! Accounts and access (issue 16): keys that had `collections:write` keep what it used to
//! grant, now split off as `dunning:write`.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE public.api_keys SET scopes = array_append(scopes, 'dunning:write')
                 WHERE 'collections:write' = ANY(scopes) AND NOT 'dunning:write' = ANY(scopes);
                 CREATE INDEX api_keys_creator_idx ON public.api_keys (tenant_id, created_by)
                     WHERE revoked_at IS NULL;
                 CREATE INDEX invitations_sender_idx ON public.invitations (tenant_id, invited_by)
                     WHERE accepted_at IS NULL AND revoked_at IS NULL;",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "DROP INDEX public.api_keys_creator_idx, public.invitations_sender_idx;
                 UPDATE public.api_keys SET scopes = array_remove(scopes, 'dunning:write');",
            )
            .await?;
        Ok(())
    }
}
