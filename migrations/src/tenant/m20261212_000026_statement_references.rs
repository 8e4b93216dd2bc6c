//! A human reference for each statement sent (`ST00000042`), printed on it and in its email so
//! that the customer quotes it in the payment's remark (附言), and cash application can tell
//! whose statement a receipt pays. Numbered by a sequence of the company's own; statements
//! sent before are numbered in the order they were sent.

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
                CREATE SEQUENCE statement_reference_seq;
                ALTER TABLE statement_links ADD COLUMN reference text;
                UPDATE statement_links l
                SET reference = 'ST' || lpad(n.value::text, 8, '0')
                FROM (SELECT id, nextval('statement_reference_seq') AS value
                      FROM (SELECT id FROM statement_links ORDER BY created_at, id) ordered) n
                WHERE n.id = l.id;
                ALTER TABLE statement_links
                    ALTER COLUMN reference SET DEFAULT
                        'ST' || lpad(nextval('statement_reference_seq')::text, 8, '0'),
                    ALTER COLUMN reference SET NOT NULL;
                CREATE UNIQUE INDEX statement_links_reference_key ON statement_links (reference);
                -- Matching reads the statements of the last months.
                CREATE INDEX statement_links_period_to_idx ON statement_links (period_to);
                "#,
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "ALTER TABLE statement_links DROP COLUMN reference;
                 DROP SEQUENCE statement_reference_seq;",
            )
            .await?;
        Ok(())
    }
}
