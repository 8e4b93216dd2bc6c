//! What every change to the ledger did to what is owed, by currency, due date and day, kept in
//! the same transaction as the change, for the company-wide AR as of any day (the KPIs' opening
//! and closing AR, the dashboard's aging totals): a few thousand rows added up instead of every
//! open invoice and every allocation since the day.
//!
//! Each invoice adds its total on its issue date; each allocation, credit note and write-off
//! takes its amount off on the day it counts from, at the invoice's due date, exactly as
//! `analytics::store::aging::OWED_AS_OF` works the same sums out from the ledger. Some of those
//! days are local days of an instant (an allocation made after its payment, a write-off): the
//! company's time zone can change, so the instant is kept, cut to its quarter hour (every time
//! zone's offset is a whole number of quarter hours, so the cut never crosses a local midnight),
//! and read in the company's time zone by the query. A movement never counts before its
//! invoice's issue date (`on_day` is the later of the two), as the ledger's sums never count a
//! payment against an invoice not yet issued. A voided invoice counts nothing, nor does what was
//! allocated to it (a payment since reversed).
//!
//! As with `credit_sales_by_day`, statement triggers with transition tables write each
//! statement's change as new netted rows (no writer waits on another's row); an invoice update
//! that changes no counted total, date or write-off (a payment) writes nothing; the daily KPI
//! snapshot folds past days (`analytics::store::aging::compact_owed_by_day`).

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
                -- Nothing may be written between the filling below and the triggers taking over
                -- (a replica of the previous version may still be serving).
                LOCK TABLE invoices, allocations, credit_notes IN SHARE ROW EXCLUSIVE MODE;
                CREATE TABLE owed_by_day (
                    currency char(3) NOT NULL,
                    -- The later of the movement's day and its invoice's issue date.
                    on_day   date NOT NULL,
                    -- For a movement dated by an instant: the instant cut to its quarter hour;
                    -- the movement counts from the later of on_day and its local day.
                    at       timestamptz,
                    due_on   date NOT NULL,
                    amount   numeric(20, 4) NOT NULL
                );
                CREATE INDEX owed_by_day_idx ON owed_by_day (currency, on_day) INCLUDE (at, due_on, amount);
                -- The few voided invoices, whose allocations the as-of sums leave out.
                CREATE INDEX invoices_void_idx ON invoices (id) WHERE status = 'VOID';

                CREATE FUNCTION owed_quarter_hour(instant timestamptz) RETURNS timestamptz
                LANGUAGE sql STABLE PARALLEL SAFE
                RETURN date_bin('15 minutes', instant, TIMESTAMPTZ '2000-01-01 00:00:00+00');

                INSERT INTO owed_by_day (currency, on_day, at, due_on, amount)
                SELECT currency, on_day, at, due_on, sum(amount) FROM (
                    SELECT currency, issue_date AS on_day, NULL::timestamptz AS at, due_date AS due_on,
                           total AS amount
                    FROM invoices WHERE status NOT IN ('DRAFT', 'VOID')
                    UNION ALL
                    SELECT currency, issue_date, owed_quarter_hour(written_off_at), due_date, -amount_written_off
                    FROM invoices WHERE status = 'WRITTEN_OFF'
                    UNION ALL
                    SELECT currency,
                           CASE WHEN with_payment THEN greatest(received_on, invoice_issued_on) ELSE invoice_issued_on END,
                           CASE WHEN with_payment THEN NULL ELSE owed_quarter_hour(created_at) END,
                           invoice_due_on, -amount
                    FROM allocations
                    WHERE invoice_id NOT IN (SELECT id FROM invoices WHERE status = 'VOID')
                    UNION ALL
                    SELECT n.currency, greatest(n.issued_on, i.issue_date), NULL, i.due_date, -n.amount
                    FROM credit_notes n JOIN invoices i ON i.id = n.invoice_id
                ) x GROUP BY currency, on_day, at, due_on HAVING sum(amount) <> 0;

                -- An invoice adds its total once issued (not a draft, not voided), and a
                -- write-off takes what was written off away when it was written off.
                CREATE FUNCTION owed_invoices_changed() RETURNS trigger LANGUAGE plpgsql
                SET search_path FROM CURRENT AS $$
                BEGIN
                    INSERT INTO owed_by_day (currency, on_day, at, due_on, amount)
                    SELECT currency, on_day, at, due_on, sum(amount) FROM (
                        SELECT currency, issue_date AS on_day, NULL::timestamptz AS at, due_date AS due_on,
                               total AS amount
                        FROM added WHERE status NOT IN ('DRAFT', 'VOID')
                        UNION ALL
                        SELECT currency, issue_date, owed_quarter_hour(written_off_at), due_date, -amount_written_off
                        FROM added WHERE status = 'WRITTEN_OFF'
                        UNION ALL
                        SELECT currency, issue_date, NULL, due_date, -total
                        FROM removed WHERE status NOT IN ('DRAFT', 'VOID')
                        UNION ALL
                        SELECT currency, issue_date, owed_quarter_hour(written_off_at), due_date, amount_written_off
                        FROM removed WHERE status = 'WRITTEN_OFF'
                        UNION ALL
                        -- A voided invoice never counted, nor did what was allocated to it (a
                        -- payment since reversed: voiding needs none left standing).
                        SELECT a.currency,
                               CASE WHEN a.with_payment THEN greatest(a.received_on, a.invoice_issued_on)
                                    ELSE a.invoice_issued_on END,
                               CASE WHEN a.with_payment THEN NULL ELSE owed_quarter_hour(a.created_at) END,
                               a.invoice_due_on,
                               CASE WHEN v.voided THEN a.amount ELSE -a.amount END
                        FROM (
                            SELECT n.id, true AS voided FROM added n JOIN removed o ON o.id = n.id
                            WHERE n.status = 'VOID' AND o.status <> 'VOID'
                            UNION ALL
                            SELECT n.id, false FROM added n JOIN removed o ON o.id = n.id
                            WHERE n.status <> 'VOID' AND o.status = 'VOID'
                        ) v JOIN allocations a ON a.invoice_id = v.id
                    ) x
                    GROUP BY currency, on_day, at, due_on HAVING sum(amount) <> 0;
                    RETURN NULL;
                END $$;

                CREATE FUNCTION owed_invoices_added() RETURNS trigger LANGUAGE plpgsql
                SET search_path FROM CURRENT AS $$
                BEGIN
                    INSERT INTO owed_by_day (currency, on_day, at, due_on, amount)
                    SELECT currency, on_day, at, due_on, sum(amount) FROM (
                        SELECT currency, issue_date AS on_day, NULL::timestamptz AS at, due_date AS due_on,
                               total AS amount
                        FROM added WHERE status NOT IN ('DRAFT', 'VOID')
                        UNION ALL
                        SELECT currency, issue_date, owed_quarter_hour(written_off_at), due_date, -amount_written_off
                        FROM added WHERE status = 'WRITTEN_OFF'
                    ) x
                    GROUP BY currency, on_day, at, due_on HAVING sum(amount) <> 0;
                    RETURN NULL;
                END $$;

                CREATE FUNCTION owed_invoices_removed() RETURNS trigger LANGUAGE plpgsql
                SET search_path FROM CURRENT AS $$
                BEGIN
                    INSERT INTO owed_by_day (currency, on_day, at, due_on, amount)
                    SELECT currency, on_day, at, due_on, sum(amount) FROM (
                        SELECT currency, issue_date AS on_day, NULL::timestamptz AS at, due_date AS due_on,
                               -total AS amount
                        FROM removed WHERE status NOT IN ('DRAFT', 'VOID')
                        UNION ALL
                        SELECT currency, issue_date, owed_quarter_hour(written_off_at), due_date, amount_written_off
                        FROM removed WHERE status = 'WRITTEN_OFF'
                    ) x
                    GROUP BY currency, on_day, at, due_on HAVING sum(amount) <> 0;
                    RETURN NULL;
                END $$;

                -- Allocations are append-only (a reversal is a new, negative one): an allocation
                -- with its payment counts from the day the payment was received, one made later
                -- (or a reversal) from when it was made.
                CREATE FUNCTION owed_allocations_added() RETURNS trigger LANGUAGE plpgsql
                SET search_path FROM CURRENT AS $$
                BEGIN
                    INSERT INTO owed_by_day (currency, on_day, at, due_on, amount)
                    SELECT currency, on_day, at, invoice_due_on, -sum(amount) FROM (
                        SELECT currency, invoice_due_on, amount,
                               CASE WHEN with_payment THEN greatest(received_on, invoice_issued_on)
                                    ELSE invoice_issued_on END AS on_day,
                               CASE WHEN with_payment THEN NULL ELSE owed_quarter_hour(created_at) END AS at
                        FROM added
                    ) x
                    GROUP BY currency, on_day, at, invoice_due_on HAVING sum(amount) <> 0;
                    RETURN NULL;
                END $$;

                -- A credit note takes its amount off from the day it was issued.
                CREATE FUNCTION owed_notes_changed() RETURNS trigger LANGUAGE plpgsql
                SET search_path FROM CURRENT AS $$
                BEGIN
                    INSERT INTO owed_by_day (currency, on_day, at, due_on, amount)
                    SELECT n.currency, greatest(n.issued_on, i.issue_date), NULL, i.due_date, sum(n.amount)
                    FROM (
                        SELECT invoice_id, currency, issued_on, -amount AS amount FROM added
                        UNION ALL
                        SELECT invoice_id, currency, issued_on, amount FROM removed
                    ) n JOIN invoices i ON i.id = n.invoice_id
                    GROUP BY n.currency, greatest(n.issued_on, i.issue_date), i.due_date
                    HAVING sum(n.amount) <> 0;
                    RETURN NULL;
                END $$;

                CREATE FUNCTION owed_notes_added() RETURNS trigger LANGUAGE plpgsql
                SET search_path FROM CURRENT AS $$
                BEGIN
                    INSERT INTO owed_by_day (currency, on_day, at, due_on, amount)
                    SELECT n.currency, greatest(n.issued_on, i.issue_date), NULL, i.due_date, -sum(n.amount)
                    FROM added n JOIN invoices i ON i.id = n.invoice_id
                    GROUP BY n.currency, greatest(n.issued_on, i.issue_date), i.due_date;
                    RETURN NULL;
                END $$;

                CREATE FUNCTION owed_notes_removed() RETURNS trigger LANGUAGE plpgsql
                SET search_path FROM CURRENT AS $$
                BEGIN
                    INSERT INTO owed_by_day (currency, on_day, at, due_on, amount)
                    SELECT n.currency, greatest(n.issued_on, i.issue_date), NULL, i.due_date, sum(n.amount)
                    FROM removed n JOIN invoices i ON i.id = n.invoice_id
                    GROUP BY n.currency, greatest(n.issued_on, i.issue_date), i.due_date;
                    RETURN NULL;
                END $$;

                CREATE TRIGGER owed_insert AFTER INSERT ON invoices
                    REFERENCING NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION owed_invoices_added();
                CREATE TRIGGER owed_update AFTER UPDATE ON invoices
                    REFERENCING OLD TABLE AS removed NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION owed_invoices_changed();
                CREATE TRIGGER owed_delete AFTER DELETE ON invoices
                    REFERENCING OLD TABLE AS removed
                    FOR EACH STATEMENT EXECUTE FUNCTION owed_invoices_removed();
                CREATE TRIGGER owed_insert AFTER INSERT ON allocations
                    REFERENCING NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION owed_allocations_added();
                CREATE TRIGGER owed_insert AFTER INSERT ON credit_notes
                    REFERENCING NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION owed_notes_added();
                CREATE TRIGGER owed_update AFTER UPDATE ON credit_notes
                    REFERENCING OLD TABLE AS removed NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION owed_notes_changed();
                CREATE TRIGGER owed_delete AFTER DELETE ON credit_notes
                    REFERENCING OLD TABLE AS removed
                    FOR EACH STATEMENT EXECUTE FUNCTION owed_notes_removed();
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
                DROP TRIGGER owed_delete ON credit_notes;
                DROP TRIGGER owed_update ON credit_notes;
                DROP TRIGGER owed_insert ON credit_notes;
                DROP TRIGGER owed_insert ON allocations;
                DROP TRIGGER owed_delete ON invoices;
                DROP TRIGGER owed_update ON invoices;
                DROP TRIGGER owed_insert ON invoices;
                DROP FUNCTION owed_notes_removed();
                DROP FUNCTION owed_notes_added();
                DROP FUNCTION owed_notes_changed();
                DROP FUNCTION owed_allocations_added();
                DROP FUNCTION owed_invoices_removed();
                DROP FUNCTION owed_invoices_added();
                DROP FUNCTION owed_invoices_changed();
                DROP TABLE owed_by_day;
                DROP INDEX invoices_void_idx;
                DROP FUNCTION owed_quarter_hour(timestamptz);
                "#,
            )
            .await?;
        Ok(())
    }
}
