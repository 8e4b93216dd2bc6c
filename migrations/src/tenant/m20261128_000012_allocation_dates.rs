//! An allocation keeps the two facts that say from which day it counts in an as-of report
//! (`analytics::aging::ITEMS_AS_OF`): its payment's received date, and whether it was made
//! with the payment (then it counts from the received date) or later, or is a reversal (then
//! it counts from the day it was made). Aging and KPIs as of a past day read the allocations
//! after that day from an index instead of joining every payment since.
//!
//! A row trigger fills both from the payment, whichever code path allocates.

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
                ALTER TABLE allocations ADD COLUMN received_on date, ADD COLUMN with_payment boolean;

                -- Allocations are append-only; filling in facts derived from their own payment
                -- changes no amount, so the guard steps aside for this one statement.
                ALTER TABLE allocations DISABLE TRIGGER allocations_append_only;
                UPDATE allocations a
                SET received_on = p.received_on,
                    with_payment = a.reverses_id IS NULL AND a.created_at <= p.created_at
                FROM payments p WHERE p.id = a.payment_id;
                ALTER TABLE allocations ENABLE TRIGGER allocations_append_only;

                ALTER TABLE allocations ALTER COLUMN received_on SET NOT NULL,
                                        ALTER COLUMN with_payment SET NOT NULL;

                CREATE FUNCTION allocations_note_payment() RETURNS trigger LANGUAGE plpgsql
                SET search_path FROM CURRENT AS $$
                BEGIN
                    SELECT p.received_on, NEW.reverses_id IS NULL AND NEW.created_at <= p.created_at
                    INTO NEW.received_on, NEW.with_payment
                    FROM payments p WHERE p.id = NEW.payment_id;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER allocations_note_payment BEFORE INSERT ON allocations
                    FOR EACH ROW EXECUTE FUNCTION allocations_note_payment();

                -- As of a day: what was allocated with payments received after it, and what
                -- was allocated or reversed later, by when.
                CREATE INDEX allocations_with_payment_idx ON allocations (received_on)
                    INCLUDE (invoice_id, amount) WHERE with_payment;
                CREATE INDEX allocations_later_idx ON allocations (created_at)
                    INCLUDE (invoice_id, amount) WHERE NOT with_payment;
                "#,
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "DROP INDEX allocations_with_payment_idx, allocations_later_idx;
                 DROP TRIGGER allocations_note_payment ON allocations;
                 DROP FUNCTION allocations_note_payment();
                 ALTER TABLE allocations DROP COLUMN received_on, DROP COLUMN with_payment;",
            )
            .await?;
        Ok(())
    }
}
