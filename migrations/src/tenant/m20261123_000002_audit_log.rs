//! The tenant's audit log: who did what, when, to which entity, with the state before and after.
//! Append-only: the database itself refuses updates, deletes and truncation.

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
                CREATE TABLE audit_log (
                    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    occurred_at      timestamptz NOT NULL DEFAULT now(),
                    actor_user_id    uuid,
                    actor_api_key_id uuid,
                    actor_label      text NOT NULL,
                    action           text NOT NULL,
                    entity_type      text NOT NULL,
                    entity_id        text,
                    before           jsonb,
                    after            jsonb,
                    request_id       text
                );
                CREATE INDEX audit_log_recent_idx ON audit_log (occurred_at DESC, id DESC);
                CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, occurred_at DESC);

                CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
                END
                $$;
                CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
                    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
                CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
                    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
                "#,
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE audit_log; DROP FUNCTION audit_log_refuse_change();")
            .await?;
        Ok(())
    }
}
