//! Attachments: the files that prove a debt (contracts, orders, signed delivery notes, bank
//! vouchers, visit photos), kept with the record they belong to. The bytes live in the file
//! store (a folder or S3) under the company's own prefix; this table keeps what they are, their
//! SHA-256, and who added them. A file is never removed: deleting marks it, with a reason.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE TABLE attachments (
                     id             uuid PRIMARY KEY,
                     owner_type     text NOT NULL CHECK (owner_type IN
                                        ('CUSTOMER', 'INVOICE', 'PAYMENT', 'ACTIVITY', 'LEGAL_CASE', 'DISPUTE')),
                     owner_id       uuid NOT NULL,
                     -- The owner's customer: who may see the file, and the evidence pack it goes in.
                     customer_id    uuid NOT NULL REFERENCES customers (id),
                     file_name      text NOT NULL,
                     kind           text NOT NULL,
                     size_bytes     bigint NOT NULL CHECK (size_bytes > 0),
                     sha256         text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
                     storage_key    text NOT NULL UNIQUE,
                     -- Whether a photo's metadata (where its location hides) was taken out before storing.
                     metadata_removed boolean NOT NULL DEFAULT false,
                     uploaded_by    text NOT NULL,
                     uploaded_at    timestamptz NOT NULL DEFAULT now(),
                     deleted_at     timestamptz,
                     deleted_by     text,
                     delete_reason  text,
                     CHECK ((deleted_at IS NULL) = (deleted_by IS NULL)
                            AND (deleted_at IS NULL) = (delete_reason IS NULL))
                 );
                 CREATE INDEX attachments_owner_idx ON attachments (owner_type, owner_id, id);
                 CREATE INDEX attachments_customer_idx ON attachments (customer_id, id)
                     WHERE deleted_at IS NULL;",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE attachments;")
            .await?;
        Ok(())
    }
}
