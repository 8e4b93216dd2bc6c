//! An allocation keeps the facts an as-of report needs about it, so a day long past reads the
//! allocations after it from an index instead of joining every payment and invoice since:
//! its payment's received date, whether it was made with the payment (then it counts from the
//! received date) or later, or is a reversal (then it counts from the day it was made)
//! (`analytics::aging::ITEMS_AS_OF`); and its invoice's customer, currency, issue and due
//! dates, which never change once an invoice is issued (`analytics::aging::OWED_AS_OF`).
//!
//! A row trigger fills them in from the payment and the invoice, whichever code path
//! allocates.

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
                ALTER TABLE allocations ADD COLUMN received_on date, ADD COLUMN with_payment boolean,
                    ADD COLUMN currency char(3), ADD COLUMN invoice_issued_on date,
                    ADD COLUMN invoice_due_on date, ADD COLUMN customer_id uuid;

                -- Allocations are append-only; filling in facts copied from their own payment
                -- and invoice changes no amount, so the guard steps aside for this statement.
                ALTER TABLE allocations DISABLE TRIGGER allocations_append_only;
                UPDATE allocations a
                SET received_on = p.received_on,
                    with_payment = a.reverses_id IS NULL AND a.created_at <= p.created_at,
                    currency = i.currency,
                    invoice_issued_on = i.issue_date,
                    invoice_due_on = i.due_date,
                    customer_id = i.customer_id
                FROM payments p, invoices i
                WHERE p.id = a.payment_id AND i.id = a.invoice_id;
                ALTER TABLE allocations ENABLE TRIGGER allocations_append_only;

                ALTER TABLE allocations ALTER COLUMN received_on SET NOT NULL,
                                        ALTER COLUMN with_payment SET NOT NULL,
                                        ALTER COLUMN currency SET NOT NULL,
                                        ALTER COLUMN invoice_issued_on SET NOT NULL,
                                        ALTER COLUMN invoice_due_on SET NOT NULL,
                                        ALTER COLUMN customer_id SET NOT NULL;

                CREATE FUNCTION allocations_note_payment() RETURNS trigger LANGUAGE plpgsql
                SET search_path FROM CURRENT AS $$
                BEGIN
                    SELECT p.received_on, NEW.reverses_id IS NULL AND NEW.created_at <= p.created_at
                    INTO NEW.received_on, NEW.with_payment
                    FROM payments p WHERE p.id = NEW.payment_id;
                    SELECT i.customer_id, i.currency, i.issue_date, i.due_date
                    INTO NEW.customer_id, NEW.currency, NEW.invoice_issued_on, NEW.invoice_due_on
                    FROM invoices i WHERE i.id = NEW.invoice_id;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER allocations_note_payment BEFORE INSERT ON allocations
                    FOR EACH ROW EXECUTE FUNCTION allocations_note_payment();

                -- As of a day: what was allocated with payments received after it, and what
                -- was allocated or reversed later, by when; with what AR as of a day needs, so
                -- it reads the index alone.
                CREATE INDEX allocations_with_payment_idx ON allocations (received_on)
                    INCLUDE (invoice_id, amount, currency, invoice_issued_on, invoice_due_on, customer_id)
                    WHERE with_payment;
                CREATE INDEX allocations_later_idx ON allocations (created_at)
                    INCLUDE (invoice_id, amount, currency, invoice_issued_on, invoice_due_on, customer_id)
                    WHERE NOT with_payment;

                -- AR as of a day starts from the balances open now, issued by the day; invoices
                -- on an installment plan are found by their own index and taken one by one.
                CREATE INDEX invoices_open_balance_idx ON invoices (currency, issue_date)
                    INCLUDE (customer_id, balance_due, due_date)
                    WHERE status IN ('ISSUED', 'PARTIALLY_PAID') AND NOT installment_plan;
                CREATE INDEX invoices_installment_plan_idx ON invoices (id) WHERE installment_plan;
                "#,
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "DROP INDEX allocations_with_payment_idx, allocations_later_idx, invoices_open_balance_idx,
                     invoices_installment_plan_idx;
                 DROP TRIGGER allocations_note_payment ON allocations;
                 DROP FUNCTION allocations_note_payment();
                 ALTER TABLE allocations DROP COLUMN received_on, DROP COLUMN with_payment,
                     DROP COLUMN currency, DROP COLUMN invoice_issued_on, DROP COLUMN invoice_due_on,
                     DROP COLUMN customer_id;",
            )
            .await?;
        Ok(())
    }
}
