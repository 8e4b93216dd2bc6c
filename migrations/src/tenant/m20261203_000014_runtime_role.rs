//! The tenant's own role (named as its schema) stops owning anything: `duely migrate` hands
//! the schema's objects to `duely_owner` before this runs (as `duely_owner`), and this grants
//! the runtime role what requests need: using the schema, reading and writing rows, using
//! sequences; and the same on every table a later migration makes. It may not alter, drop or
//! truncate a table, nor disable a trigger.
//!
//! A schema provisioned since has those default privileges from the start (each table got its
//! grants as it was made): nothing to do, and nothing scanned. `GRANT … ON ALL TABLES IN SCHEMA`
//! reads every relation of the database, so it is paid once per older tenant, in the rollout.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                r#"DO $$
                DECLARE runtime text := current_schema();
                BEGIN
                    IF EXISTS (SELECT 1 FROM pg_default_acl d
                               JOIN pg_namespace n ON n.oid = d.defaclnamespace
                               WHERE n.nspname = runtime) THEN
                        RETURN;
                    END IF;
                    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', runtime, runtime);
                    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I', runtime, runtime);
                    EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %I TO %I', runtime, runtime);
                    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', runtime, runtime);
                    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO %I', runtime, runtime);
                END $$;"#,
            )
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}
