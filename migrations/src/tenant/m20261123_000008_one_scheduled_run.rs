//! One scheduled dunning run row per day: a retried run (after a crash or a lapsed lease)
//! continues the day's row instead of leaving an unfinished one behind.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX dunning_runs_one_scheduled ON dunning_runs (run_date) WHERE trigger = 'SCHEDULE'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX dunning_runs_one_scheduled")
            .await?;
        Ok(())
    }
}
