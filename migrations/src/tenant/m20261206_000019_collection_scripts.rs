//! Collection scripts: what a collector says or writes at a ladder step, per channel and
//! language, when the company writes its own (Duely's defaults are not stored).

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
                CREATE TABLE collection_scripts (
                    policy_id   uuid NOT NULL REFERENCES dunning_policies (id),
                    step_offset integer NOT NULL,
                    channel     text NOT NULL CHECK (channel IN ('PHONE', 'VISIT', 'WECHAT')),
                    locale      text NOT NULL CHECK (locale IN ('zh-CN', 'en')),
                    body        text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 4000),
                    updated_at  timestamptz NOT NULL DEFAULT now(),
                    updated_by  text NOT NULL,
                    PRIMARY KEY (policy_id, step_offset, channel, locale)
                );
                "#,
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE collection_scripts;")
            .await?;
        Ok(())
    }
}
