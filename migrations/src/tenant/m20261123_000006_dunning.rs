//! Dunning ladders: named policies of steps, assigned per customer or per segment, with one
//! default; a customer's pause; and the record of steps taken, so a run never repeats one.

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
                CREATE TABLE dunning_policies (
                    id         uuid PRIMARY KEY,
                    name       text NOT NULL UNIQUE,
                    steps      jsonb NOT NULL,
                    is_default boolean NOT NULL DEFAULT false,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    updated_at timestamptz NOT NULL DEFAULT now()
                );
                CREATE UNIQUE INDEX dunning_policies_one_default ON dunning_policies (is_default) WHERE is_default;

                CREATE TABLE dunning_segment_policies (
                    segment   text PRIMARY KEY,
                    policy_id uuid NOT NULL REFERENCES dunning_policies (id)
                );

                ALTER TABLE customers
                    ADD COLUMN dunning_policy_id uuid REFERENCES dunning_policies (id),
                    ADD COLUMN dunning_paused_until date,
                    ADD COLUMN dunning_pause_reason text;

                -- Steps taken, one row per invoice and step: what makes a second run do nothing.
                CREATE TABLE dunning_actions (
                    id          uuid PRIMARY KEY,
                    customer_id uuid NOT NULL REFERENCES customers (id),
                    invoice_id  uuid NOT NULL REFERENCES invoices (id),
                    step_offset integer NOT NULL,
                    action      text NOT NULL,
                    run_date    date NOT NULL,
                    created_at  timestamptz NOT NULL DEFAULT now(),
                    UNIQUE (invoice_id, step_offset)
                );

                INSERT INTO dunning_policies (id, name, steps, is_default)
                VALUES (gen_random_uuid(), 'Standard', '[{"offsetDays": -3, "action": "SEND_EMAIL", "name": "Polite reminder"}, {"offsetDays": 0, "action": "SEND_EMAIL", "name": "Due today"}, {"offsetDays": 7, "action": "SEND_EMAIL", "name": "Overdue reminder"}, {"offsetDays": 15, "action": "CALL_TASK", "name": "Call"}, {"offsetDays": 30, "action": "SEND_EMAIL", "name": "Firm letter"}, {"offsetDays": 31, "action": "LATE_FEE", "name": "Late fee"}, {"offsetDays": 45, "action": "PLACE_CREDIT_HOLD", "name": "Credit hold"}, {"offsetDays": 60, "action": "VISIT_TASK", "name": "Visit"}, {"offsetDays": 90, "action": "ESCALATE_TO_LEGAL", "name": "Legal"}]'::jsonb, true);
                "#,
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "DROP TABLE dunning_actions;
                 ALTER TABLE customers DROP COLUMN dunning_policy_id, DROP COLUMN dunning_paused_until,
                     DROP COLUMN dunning_pause_reason;
                 DROP TABLE dunning_segment_policies, dunning_policies;",
            )
            .await?;
        Ok(())
    }
}
