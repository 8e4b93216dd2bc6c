//! Collections: every contact with a customer (call, email, message, visit, letter, legal step)
//! with its outcome, and promises to pay with the invoices they cover.

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
                CREATE TABLE collection_activities (
                    id              uuid PRIMARY KEY,
                    customer_id     uuid NOT NULL REFERENCES customers (id),
                    channel         text NOT NULL,
                    outcome         text NOT NULL,
                    note            text,
                    contact_name    text,
                    location        text,
                    occurred_at     timestamptz NOT NULL,
                    next_action_on  date,
                    logged_by       uuid,
                    logged_by_label text NOT NULL,
                    created_at      timestamptz NOT NULL DEFAULT now(),
                    -- Set when corrected, which only the author may do within the edit window.
                    edited_at       timestamptz
                );
                CREATE INDEX collection_activities_customer_idx ON collection_activities (customer_id, occurred_at DESC);
                CREATE INDEX collection_activities_recent_idx ON collection_activities (occurred_at DESC, id DESC);
                CREATE INDEX collection_activities_next_idx ON collection_activities (next_action_on) WHERE next_action_on IS NOT NULL;

                CREATE TABLE collection_activity_invoices (
                    activity_id uuid NOT NULL REFERENCES collection_activities (id),
                    invoice_id  uuid NOT NULL REFERENCES invoices (id),
                    PRIMARY KEY (activity_id, invoice_id)
                );
                CREATE INDEX collection_activity_invoices_invoice_idx ON collection_activity_invoices (invoice_id);

                CREATE TABLE promises (
                    id              uuid PRIMARY KEY,
                    customer_id     uuid NOT NULL REFERENCES customers (id),
                    activity_id     uuid REFERENCES collection_activities (id),
                    amount          numeric(20, 4) NOT NULL CHECK (amount > 0),
                    currency        char(3) NOT NULL,
                    promised_date   date NOT NULL,
                    promised_by     text,
                    status          text NOT NULL DEFAULT 'OPEN'
                                    CHECK (status IN ('OPEN', 'KEPT', 'PARTIALLY_KEPT', 'BROKEN', 'CANCELLED')),
                    paid_amount     numeric(20, 4) NOT NULL DEFAULT 0,
                    logged_by       uuid,
                    logged_by_label text NOT NULL,
                    cancel_reason   text,
                    created_at      timestamptz NOT NULL DEFAULT now(),
                    settled_at      timestamptz
                );
                CREATE INDEX promises_customer_idx ON promises (customer_id, promised_date DESC);
                CREATE INDEX promises_open_idx ON promises (promised_date) WHERE status = 'OPEN';

                CREATE TABLE promise_invoices (
                    promise_id uuid NOT NULL REFERENCES promises (id),
                    invoice_id uuid NOT NULL REFERENCES invoices (id),
                    PRIMARY KEY (promise_id, invoice_id)
                );
                "#,
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "DROP TABLE promise_invoices, promises, collection_activity_invoices, collection_activities",
            )
            .await?;
        Ok(())
    }
}
