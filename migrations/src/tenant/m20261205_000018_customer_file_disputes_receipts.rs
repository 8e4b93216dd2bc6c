//! The customer file, the disputes queue and imported receipts: a contact's own language,
//! mobile, WeChat id and whether they receive billing (invoices, statements, dunning); a
//! dispute's reason code, owner and due date, with the queue's indexes; and a payment's id in
//! the system it was imported from, unique per company, so a re-import records nothing twice.

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
                ALTER TABLE customer_contacts
                    ADD COLUMN locale    text CHECK (locale IN ('zh-CN', 'en')),
                    ADD COLUMN mobile    text CHECK (char_length(mobile) <= 40),
                    ADD COLUMN wechat_id text CHECK (char_length(wechat_id) <= 64),
                    ADD COLUMN billing   boolean NOT NULL DEFAULT false;

                ALTER TABLE disputes
                    ADD COLUMN reason_code text NOT NULL DEFAULT 'OTHER' CHECK (reason_code IN
                        ('PRICE', 'QUANTITY', 'QUALITY', 'NOT_RECEIVED', 'DUPLICATE', 'ALREADY_PAID', 'TERMS', 'OTHER')),
                    ADD COLUMN assignee_id uuid,
                    ADD COLUMN due_on      date;
                -- The queue: open disputes oldest first, by owner.
                CREATE INDEX disputes_queue_idx ON disputes (status, opened_at, id);
                CREATE INDEX disputes_assignee_idx ON disputes (assignee_id, opened_at) WHERE status = 'OPEN';

                ALTER TABLE payments ADD COLUMN external_id text CHECK (char_length(external_id) <= 100);
                CREATE UNIQUE INDEX payments_external_id_key ON payments (external_id)
                    WHERE external_id IS NOT NULL;
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
                DROP INDEX payments_external_id_key;
                ALTER TABLE payments DROP COLUMN external_id;
                DROP INDEX disputes_assignee_idx;
                DROP INDEX disputes_queue_idx;
                ALTER TABLE disputes DROP COLUMN reason_code, DROP COLUMN assignee_id, DROP COLUMN due_on;
                ALTER TABLE customer_contacts
                    DROP COLUMN locale, DROP COLUMN mobile, DROP COLUMN wechat_id, DROP COLUMN billing;
                "#,
            )
            .await?;
        Ok(())
    }
}
