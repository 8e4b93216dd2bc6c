//! A tenant's new webhook deliveries ask for their jobs through the tenant's `webhook_wake`,
//! which runs as the owner of tenant objects: the owner may read which company a schema is and
//! add jobs to the queue, nothing else of the control plane.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(&format!(
                r#"GRANT SELECT (id, schema_name) ON public.tenants TO "{owner}";
                   GRANT INSERT ON public.jobs TO "{owner}";"#,
                owner = crate::TENANT_OWNER
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(&format!(
                r#"REVOKE INSERT ON public.jobs FROM "{owner}";
                   REVOKE SELECT (id, schema_name) ON public.tenants FROM "{owner}";"#,
                owner = crate::TENANT_OWNER
            ))
            .await?;
        Ok(())
    }
}
