//! One owner for every tenant's objects: `duely_owner`, a role that cannot log in and that
//! only migrations act as. Each tenant's own role (`t_<id>`), which requests run as, keeps only
//! the rights its work needs (see the tenant migration `runtime_role`), so no request can alter
//! a table, drop it, or switch off the triggers that keep money append-only.
//!
//! Roles belong to the whole PostgreSQL cluster, so several databases (tests, staging) share
//! it: it is made once, whoever comes first.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(&format!(
                r#"DO $$ BEGIN
                       CREATE ROLE "{owner}" NOLOGIN;
                   EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                   END $$;
                   GRANT "{owner}" TO CURRENT_USER;"#,
                owner = crate::TENANT_OWNER
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // The role may own other databases' tenants: it stays.
        Ok(())
    }
}
