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
//! Each kind of movement's rule is one SQL function (`owed_by_invoice`, `owed_by_allocation`,
//! `owed_by_credit_note`), used by the backfill and by every trigger alike.
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

                -- An invoice adds its total once issued (not a draft, not voided), and a
                -- write-off takes what was written off away when it was written off.
                CREATE FUNCTION owed_by_invoice(
                    invoice_status text, invoice_currency bpchar, issued date, due date,
                    invoice_total numeric, written_off timestamptz, written_off_amount numeric
                ) RETURNS TABLE (currency bpchar, on_day date, at timestamptz, due_on date, amount numeric)
                LANGUAGE sql STABLE PARALLEL SAFE
                BEGIN ATOMIC
                    SELECT $2, $3, NULL::timestamptz, $4, $5 WHERE $1 NOT IN ('DRAFT', 'VOID')
                    UNION ALL
                    SELECT $2, $3, owed_quarter_hour($6), $4, -$7 WHERE $1 = 'WRITTEN_OFF';
                END;

                -- An allocation with its payment counts from the day the payment was received,
                -- one made later (or a reversal, negative) from when it was made.
                CREATE FUNCTION owed_by_allocation(
                    allocation_currency bpchar, with_payment boolean, received_on date,
                    invoice_issued_on date, made_at timestamptz, invoice_due_on date, allocated numeric
                ) RETURNS TABLE (currency bpchar, on_day date, at timestamptz, due_on date, amount numeric)
                LANGUAGE sql STABLE PARALLEL SAFE
                BEGIN ATOMIC
                    SELECT $1, CASE WHEN $2 THEN greatest($3, $4) ELSE $4 END,
                           CASE WHEN $2 THEN NULL ELSE owed_quarter_hour($5) END, $6, -$7;
                END;

                -- A credit note takes its amount off from the day it was issued.
                CREATE FUNCTION owed_by_credit_note(
                    note_currency bpchar, issued_on date, invoice_issue_date date, invoice_due_date date,
                    credited numeric
                ) RETURNS TABLE (currency bpchar, on_day date, at timestamptz, due_on date, amount numeric)
                LANGUAGE sql IMMUTABLE PARALLEL SAFE
                BEGIN ATOMIC
                    SELECT $1, greatest($2, $3), NULL::timestamptz, $4, -$5;
                END;

                INSERT INTO owed_by_day (currency, on_day, at, due_on, amount)
                SELECT f.currency, f.on_day, f.at, f.due_on, sum(f.amount) FROM (
                    SELECT m.* FROM invoices i, owed_by_invoice(i.status, i.currency, i.issue_date,
                        i.due_date, i.total, i.written_off_at, i.amount_written_off) m
                    UNION ALL
                    -- A voided invoice counts nothing, nor does what was allocated to it.
                    SELECT m.* FROM allocations a, owed_by_allocation(a.currency, a.with_payment,
                        a.received_on, a.invoice_issued_on, a.created_at, a.invoice_due_on, a.amount) m
                    WHERE a.invoice_id NOT IN (SELECT id FROM invoices WHERE status = 'VOID')
                    UNION ALL
                    SELECT m.* FROM credit_notes n JOIN invoices i ON i.id = n.invoice_id,
                        owed_by_credit_note(n.currency, n.issued_on, i.issue_date, i.due_date, n.amount) m
                ) f GROUP BY f.currency, f.on_day, f.at, f.due_on HAVING sum(f.amount) <> 0;

                -- An invoice's change is what it adds now less what it added before; voiding it
                -- also gives back what its allocations took off (voiding needs none standing).
                CREATE FUNCTION owed_invoices_changed() RETURNS trigger LANGUAGE plpgsql
                SET search_path FROM CURRENT AS $$
                BEGIN
                    INSERT INTO owed_by_day (currency, on_day, at, due_on, amount)
                    SELECT f.currency, f.on_day, f.at, f.due_on, sum(f.amount) FROM (
                        SELECT m.* FROM added i, owed_by_invoice(i.status, i.currency, i.issue_date,
                            i.due_date, i.total, i.written_off_at, i.amount_written_off) m
                        UNION ALL
                        SELECT m.currency, m.on_day, m.at, m.due_on, -m.amount
                        FROM removed i, owed_by_invoice(i.status, i.currency, i.issue_date,
                            i.due_date, i.total, i.written_off_at, i.amount_written_off) m
                        UNION ALL
                        SELECT m.currency, m.on_day, m.at, m.due_on,
                               CASE WHEN v.voided THEN -m.amount ELSE m.amount END
                        FROM (
                            SELECT n.id, n.status = 'VOID' AS voided FROM added n
                            JOIN removed o ON o.id = n.id
                            WHERE (n.status = 'VOID') <> (o.status = 'VOID')
                        ) v JOIN allocations a ON a.invoice_id = v.id,
                        owed_by_allocation(a.currency, a.with_payment, a.received_on,
                            a.invoice_issued_on, a.created_at, a.invoice_due_on, a.amount) m
                    ) f
                    GROUP BY f.currency, f.on_day, f.at, f.due_on HAVING sum(f.amount) <> 0;
                    RETURN NULL;
                END $$;

                CREATE FUNCTION owed_invoices_added() RETURNS trigger LANGUAGE plpgsql
                SET search_path FROM CURRENT AS $$
                BEGIN
                    INSERT INTO owed_by_day (currency, on_day, at, due_on, amount)
                    SELECT m.currency, m.on_day, m.at, m.due_on, sum(m.amount)
                    FROM added i, owed_by_invoice(i.status, i.currency, i.issue_date, i.due_date,
                        i.total, i.written_off_at, i.amount_written_off) m
                    GROUP BY m.currency, m.on_day, m.at, m.due_on HAVING sum(m.amount) <> 0;
                    RETURN NULL;
                END $$;

                CREATE FUNCTION owed_invoices_removed() RETURNS trigger LANGUAGE plpgsql
                SET search_path FROM CURRENT AS $$
                BEGIN
                    INSERT INTO owed_by_day (currency, on_day, at, due_on, amount)
                    SELECT m.currency, m.on_day, m.at, m.due_on, -sum(m.amount)
                    FROM removed i, owed_by_invoice(i.status, i.currency, i.issue_date, i.due_date,
                        i.total, i.written_off_at, i.amount_written_off) m
                    GROUP BY m.currency, m.on_day, m.at, m.due_on HAVING sum(m.amount) <> 0;
                    RETURN NULL;
                END $$;

                -- Allocations are append-only (a reversal is a new, negative one).
                CREATE FUNCTION owed_allocations_added() RETURNS trigger LANGUAGE plpgsql
                SET search_path FROM CURRENT AS $$
                BEGIN
                    INSERT INTO owed_by_day (currency, on_day, at, due_on, amount)
                    SELECT m.currency, m.on_day, m.at, m.due_on, sum(m.amount)
                    FROM added a, owed_by_allocation(a.currency, a.with_payment, a.received_on,
                        a.invoice_issued_on, a.created_at, a.invoice_due_on, a.amount) m
                    GROUP BY m.currency, m.on_day, m.at, m.due_on HAVING sum(m.amount) <> 0;
                    RETURN NULL;
                END $$;

                CREATE FUNCTION owed_notes_changed() RETURNS trigger LANGUAGE plpgsql
                SET search_path FROM CURRENT AS $$
                BEGIN
                    INSERT INTO owed_by_day (currency, on_day, at, due_on, amount)
                    SELECT f.currency, f.on_day, f.at, f.due_on, sum(f.amount) FROM (
                        SELECT m.* FROM added n JOIN invoices i ON i.id = n.invoice_id,
                            owed_by_credit_note(n.currency, n.issued_on, i.issue_date, i.due_date, n.amount) m
                        UNION ALL
                        SELECT m.currency, m.on_day, m.at, m.due_on, -m.amount
                        FROM removed n JOIN invoices i ON i.id = n.invoice_id,
                            owed_by_credit_note(n.currency, n.issued_on, i.issue_date, i.due_date, n.amount) m
                    ) f
                    GROUP BY f.currency, f.on_day, f.at, f.due_on HAVING sum(f.amount) <> 0;
                    RETURN NULL;
                END $$;

                CREATE FUNCTION owed_notes_added() RETURNS trigger LANGUAGE plpgsql
                SET search_path FROM CURRENT AS $$
                BEGIN
                    INSERT INTO owed_by_day (currency, on_day, at, due_on, amount)
                    SELECT m.currency, m.on_day, m.at, m.due_on, sum(m.amount)
                    FROM added n JOIN invoices i ON i.id = n.invoice_id,
                        owed_by_credit_note(n.currency, n.issued_on, i.issue_date, i.due_date, n.amount) m
                    GROUP BY m.currency, m.on_day, m.at, m.due_on;
                    RETURN NULL;
                END $$;

                CREATE FUNCTION owed_notes_removed() RETURNS trigger LANGUAGE plpgsql
                SET search_path FROM CURRENT AS $$
                BEGIN
                    INSERT INTO owed_by_day (currency, on_day, at, due_on, amount)
                    SELECT m.currency, m.on_day, m.at, m.due_on, -sum(m.amount)
                    FROM removed n JOIN invoices i ON i.id = n.invoice_id,
                        owed_by_credit_note(n.currency, n.issued_on, i.issue_date, i.due_date, n.amount) m
                    GROUP BY m.currency, m.on_day, m.at, m.due_on;
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
                DROP FUNCTION owed_by_credit_note(bpchar, date, date, date, numeric);
                DROP FUNCTION owed_by_allocation(bpchar, boolean, date, date, timestamptz, date, numeric);
                DROP FUNCTION owed_by_invoice(text, bpchar, date, date, numeric, timestamptz, numeric);
                DROP FUNCTION owed_quarter_hour(timestamptz);
                "#,
            )
            .await?;
        Ok(())
    }
}
