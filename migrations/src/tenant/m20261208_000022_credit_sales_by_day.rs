//! Credit sales (invoices issued, net of credit notes) by currency and day, kept in the same
//! transaction as every change to an invoice or a credit note, for the company-wide KPIs: a
//! year of the count-back's months, or a period's credit sales, adds up a few hundred rows
//! instead of every invoice issued in it.
//!
//! Statement triggers with transition tables write the change of each statement, netted by
//! currency and day, as new rows: nothing is updated, so writers never wait on each other for
//! a day's row. An update that changes no counted invoice's currency, day or total (a payment)
//! writes nothing. The daily KPI snapshot folds each past day's rows into one
//! (`analytics::store::kpis::compact_credit_sales`).

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
                -- No invoice or credit note may be written between the filling below and the
                -- triggers taking over (a replica of the previous version may still be serving).
                LOCK TABLE invoices, credit_notes IN SHARE ROW EXCLUSIVE MODE;
                CREATE TABLE credit_sales_by_day (
                    currency char(3) NOT NULL,
                    day      date NOT NULL,
                    amount   numeric(20, 4) NOT NULL
                );
                CREATE INDEX credit_sales_by_day_idx ON credit_sales_by_day (currency, day) INCLUDE (amount);
                INSERT INTO credit_sales_by_day (currency, day, amount)
                SELECT currency, day, sum(amount) FROM (
                    SELECT currency, issue_date AS day, total AS amount FROM invoices
                    WHERE status NOT IN ('DRAFT', 'VOID')
                    UNION ALL
                    SELECT currency, issued_on, -amount FROM credit_notes
                ) x GROUP BY currency, day;

                -- An invoice counts once issued (not a draft, not voided), at its issue date.
                CREATE FUNCTION credit_sales_invoices_added() RETURNS trigger LANGUAGE plpgsql
                SET search_path FROM CURRENT AS $$
                BEGIN
                    INSERT INTO credit_sales_by_day (currency, day, amount)
                    SELECT currency, issue_date, sum(total) FROM added
                    WHERE status NOT IN ('DRAFT', 'VOID')
                    GROUP BY currency, issue_date;
                    RETURN NULL;
                END $$;

                CREATE FUNCTION credit_sales_invoices_changed() RETURNS trigger LANGUAGE plpgsql
                SET search_path FROM CURRENT AS $$
                BEGIN
                    INSERT INTO credit_sales_by_day (currency, day, amount)
                    SELECT currency, day, sum(amount) FROM (
                        SELECT currency, issue_date AS day, total AS amount FROM added
                        WHERE status NOT IN ('DRAFT', 'VOID')
                        UNION ALL
                        SELECT currency, issue_date, -total FROM removed
                        WHERE status NOT IN ('DRAFT', 'VOID')
                    ) x
                    GROUP BY currency, day HAVING sum(amount) <> 0;
                    RETURN NULL;
                END $$;

                CREATE FUNCTION credit_sales_invoices_removed() RETURNS trigger LANGUAGE plpgsql
                SET search_path FROM CURRENT AS $$
                BEGIN
                    INSERT INTO credit_sales_by_day (currency, day, amount)
                    SELECT currency, issue_date, -sum(total) FROM removed
                    WHERE status NOT IN ('DRAFT', 'VOID')
                    GROUP BY currency, issue_date;
                    RETURN NULL;
                END $$;

                -- A credit note takes its amount off the day it was issued.
                CREATE FUNCTION credit_sales_notes_added() RETURNS trigger LANGUAGE plpgsql
                SET search_path FROM CURRENT AS $$
                BEGIN
                    INSERT INTO credit_sales_by_day (currency, day, amount)
                    SELECT currency, issued_on, -sum(amount) FROM added GROUP BY currency, issued_on;
                    RETURN NULL;
                END $$;

                CREATE FUNCTION credit_sales_notes_changed() RETURNS trigger LANGUAGE plpgsql
                SET search_path FROM CURRENT AS $$
                BEGIN
                    INSERT INTO credit_sales_by_day (currency, day, amount)
                    SELECT currency, day, sum(amount) FROM (
                        SELECT currency, issued_on AS day, -amount AS amount FROM added
                        UNION ALL
                        SELECT currency, issued_on, amount FROM removed
                    ) x
                    GROUP BY currency, day HAVING sum(amount) <> 0;
                    RETURN NULL;
                END $$;

                CREATE FUNCTION credit_sales_notes_removed() RETURNS trigger LANGUAGE plpgsql
                SET search_path FROM CURRENT AS $$
                BEGIN
                    INSERT INTO credit_sales_by_day (currency, day, amount)
                    SELECT currency, issued_on, sum(amount) FROM removed GROUP BY currency, issued_on;
                    RETURN NULL;
                END $$;

                CREATE TRIGGER credit_sales_insert AFTER INSERT ON invoices
                    REFERENCING NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION credit_sales_invoices_added();
                CREATE TRIGGER credit_sales_update AFTER UPDATE ON invoices
                    REFERENCING OLD TABLE AS removed NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION credit_sales_invoices_changed();
                CREATE TRIGGER credit_sales_delete AFTER DELETE ON invoices
                    REFERENCING OLD TABLE AS removed
                    FOR EACH STATEMENT EXECUTE FUNCTION credit_sales_invoices_removed();
                CREATE TRIGGER credit_sales_insert AFTER INSERT ON credit_notes
                    REFERENCING NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION credit_sales_notes_added();
                CREATE TRIGGER credit_sales_update AFTER UPDATE ON credit_notes
                    REFERENCING OLD TABLE AS removed NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION credit_sales_notes_changed();
                CREATE TRIGGER credit_sales_delete AFTER DELETE ON credit_notes
                    REFERENCING OLD TABLE AS removed
                    FOR EACH STATEMENT EXECUTE FUNCTION credit_sales_notes_removed();
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
                DROP TRIGGER credit_sales_delete ON credit_notes;
                DROP TRIGGER credit_sales_update ON credit_notes;
                DROP TRIGGER credit_sales_insert ON credit_notes;
                DROP TRIGGER credit_sales_delete ON invoices;
                DROP TRIGGER credit_sales_update ON invoices;
                DROP TRIGGER credit_sales_insert ON invoices;
                DROP FUNCTION credit_sales_notes_removed();
                DROP FUNCTION credit_sales_notes_changed();
                DROP FUNCTION credit_sales_notes_added();
                DROP FUNCTION credit_sales_invoices_removed();
                DROP FUNCTION credit_sales_invoices_changed();
                DROP FUNCTION credit_sales_invoices_added();
                DROP TABLE credit_sales_by_day;
                "#,
            )
            .await?;
        Ok(())
    }
}
