//! Letters on the company's letterhead: demand letters (催款函) from ladders' letter steps and
//! lawyer's letter drafts (律师函) from legal cases, kept as rendered (title and text), with
//! the invoices they claim, until someone records them mailed with the carrier's tracking
//! number. An activity may carry that tracking number (proof of delivery).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE TABLE letters (
                     id              uuid PRIMARY KEY,
                     customer_id     uuid NOT NULL REFERENCES customers (id),
                     kind            text NOT NULL CHECK (kind IN ('DEMAND', 'LAWYER_DRAFT')),
                     run_id          uuid,
                     step_offset     integer,
                     legal_case_id   uuid REFERENCES legal_cases (id),
                     locale          text NOT NULL,
                     title           text NOT NULL,
                     body            text NOT NULL,
                     invoice_ids     uuid[] NOT NULL,
                     letter_date     date NOT NULL,
                     deadline        date NOT NULL,
                     created_by      text NOT NULL,
                     created_at      timestamptz NOT NULL DEFAULT now(),
                     mailed_on       date,
                     tracking_number text,
                     mailed_by       text,
                     activity_id     uuid REFERENCES collection_activities (id),
                     CHECK ((mailed_on IS NULL) = (tracking_number IS NULL)
                            AND (mailed_on IS NULL) = (mailed_by IS NULL))
                 );
                 -- The print list: letters not yet mailed, newest first.
                 CREATE INDEX letters_to_print_idx ON letters (id DESC) WHERE mailed_on IS NULL;
                 CREATE INDEX letters_customer_idx ON letters (customer_id, id DESC);
                 -- One demand letter per customer per run and step, however often a run retries.
                 CREATE UNIQUE INDEX letters_run_step_key ON letters (run_id, customer_id, step_offset)
                     WHERE run_id IS NOT NULL;
                 ALTER TABLE collection_activities ADD COLUMN tracking_number text;",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "ALTER TABLE collection_activities DROP COLUMN tracking_number;
                 DROP TABLE letters;",
            )
            .await?;
        Ok(())
    }
}
