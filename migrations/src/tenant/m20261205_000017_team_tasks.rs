//! Tasks as a team's to-do list: a task scheduled by hand keeps the note and who made it, a
//! cancelled one who cancelled it and why; indexes for the task list (by due day, everyone's
//! and one person's) and for finding a salesperson's customers.

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
                ALTER TABLE collection_tasks
                    ADD COLUMN note          text CHECK (char_length(note) <= 4000),
                    ADD COLUMN created_by    text,
                    ADD COLUMN cancelled_at  timestamptz,
                    ADD COLUMN cancelled_by  text,
                    ADD COLUMN cancel_reason text CHECK (char_length(cancel_reason) <= 1000);
                -- The task list pages by (due_on, id): everyone's, and one assignee's open ones.
                CREATE INDEX collection_tasks_due_idx ON collection_tasks (due_on, id);
                DROP INDEX collection_tasks_open_idx;
                CREATE INDEX collection_tasks_open_idx ON collection_tasks (assignee_id, due_on, id)
                    WHERE status = 'OPEN';
                CREATE INDEX customers_salesperson_idx ON customers (salesperson_id)
                    WHERE archived_at IS NULL;
                "#,
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                r#"
                DROP INDEX customers_salesperson_idx;
                DROP INDEX collection_tasks_open_idx;
                CREATE INDEX collection_tasks_open_idx ON collection_tasks (assignee_id, due_on)
                    WHERE status = 'OPEN';
                DROP INDEX collection_tasks_due_idx;
                ALTER TABLE collection_tasks
                    DROP COLUMN note, DROP COLUMN created_by, DROP COLUMN cancelled_at,
                    DROP COLUMN cancelled_by, DROP COLUMN cancel_reason;
                "#,
            )
            .await?;
        Ok(())
    }
}
