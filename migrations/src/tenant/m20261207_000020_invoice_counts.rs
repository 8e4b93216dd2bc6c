//! How many invoices each customer has in each status, kept in the same transaction as every
//! change to an invoice: a list's `totalCount`, unfiltered or by status (and by customer, and
//! within a collector's or salesperson's customers), adds up a few counters instead of
//! counting a company's whole ledger.
//!
//! Statement triggers with transition tables keep them, whichever code path (or bulk load)
//! writes invoices, a whole statement's rows in one grouped write; an update that moves no
//! invoice to another status or customer (a payment changing a balance) writes nothing.
//! Each function locks the counters it will change in key order before changing them, so two
//! transactions moving one customer's invoices in opposite directions do not deadlock.

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
                -- No invoice may be written between the filling below and the triggers
                -- taking over (a replica of the previous version may still be serving).
                LOCK TABLE invoices IN SHARE ROW EXCLUSIVE MODE;
                CREATE TABLE invoice_counts (
                    customer_id uuid NOT NULL REFERENCES customers (id),
                    status      text NOT NULL,
                    invoices    bigint NOT NULL CHECK (invoices >= 0),
                    PRIMARY KEY (customer_id, status)
                );
                INSERT INTO invoice_counts (customer_id, status, invoices)
                SELECT customer_id, status, count(*) FROM invoices GROUP BY customer_id, status;

                CREATE FUNCTION invoice_counts_add() RETURNS trigger LANGUAGE plpgsql
                SET search_path FROM CURRENT AS $$
                BEGIN
                    PERFORM 1 FROM invoice_counts k
                    WHERE (k.customer_id, k.status) IN (SELECT customer_id, status FROM added)
                    ORDER BY k.customer_id, k.status FOR UPDATE;
                    INSERT INTO invoice_counts AS kept (customer_id, status, invoices)
                    SELECT customer_id, status, count(*) FROM added
                    GROUP BY customer_id, status ORDER BY customer_id, status
                    ON CONFLICT (customer_id, status)
                    DO UPDATE SET invoices = kept.invoices + EXCLUDED.invoices;
                    RETURN NULL;
                END $$;

                CREATE FUNCTION invoice_counts_move() RETURNS trigger LANGUAGE plpgsql
                SET search_path FROM CURRENT AS $$
                BEGIN
                    PERFORM 1 FROM invoice_counts k
                    WHERE (k.customer_id, k.status) IN (
                        SELECT o.customer_id, o.status FROM removed o JOIN added n ON n.id = o.id
                        WHERE (o.customer_id, o.status) IS DISTINCT FROM (n.customer_id, n.status)
                        UNION
                        SELECT n.customer_id, n.status FROM removed o JOIN added n ON n.id = o.id
                        WHERE (o.customer_id, o.status) IS DISTINCT FROM (n.customer_id, n.status))
                    ORDER BY k.customer_id, k.status FOR UPDATE;
                    -- Lowered counters exist already; raised ones may be new. (A CHECK is
                    -- tested on the row an INSERT proposes, before ON CONFLICT, so a negative
                    -- step may not be proposed.)
                    WITH moved AS (
                        SELECT o.customer_id AS from_customer, o.status AS from_status,
                               n.customer_id AS to_customer, n.status AS to_status
                        FROM removed o JOIN added n ON n.id = o.id
                        WHERE (o.customer_id, o.status) IS DISTINCT FROM (n.customer_id, n.status)
                    ), change AS (
                        SELECT from_customer AS customer_id, from_status AS status, -1 AS step FROM moved
                        UNION ALL
                        SELECT to_customer, to_status, 1 FROM moved
                    ), net AS (
                        SELECT customer_id, status, sum(step) AS step FROM change
                        GROUP BY customer_id, status HAVING sum(step) <> 0
                    ), lowered AS (
                        UPDATE invoice_counts kept SET invoices = kept.invoices + net.step
                        FROM net
                        WHERE net.step < 0 AND kept.customer_id = net.customer_id
                          AND kept.status = net.status
                    )
                    INSERT INTO invoice_counts AS kept (customer_id, status, invoices)
                    SELECT customer_id, status, step FROM net WHERE step > 0
                    ORDER BY customer_id, status
                    ON CONFLICT (customer_id, status)
                    DO UPDATE SET invoices = kept.invoices + EXCLUDED.invoices;
                    RETURN NULL;
                END $$;

                CREATE FUNCTION invoice_counts_remove() RETURNS trigger LANGUAGE plpgsql
                SET search_path FROM CURRENT AS $$
                BEGIN
                    PERFORM 1 FROM invoice_counts k
                    WHERE (k.customer_id, k.status) IN (SELECT customer_id, status FROM removed)
                    ORDER BY k.customer_id, k.status FOR UPDATE;
                    UPDATE invoice_counts kept SET invoices = kept.invoices - gone.invoices
                    FROM (SELECT customer_id, status, count(*) AS invoices FROM removed
                          GROUP BY customer_id, status ORDER BY customer_id, status) gone
                    WHERE kept.customer_id = gone.customer_id AND kept.status = gone.status;
                    RETURN NULL;
                END $$;

                CREATE TRIGGER invoice_counts_insert AFTER INSERT ON invoices
                    REFERENCING NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION invoice_counts_add();
                CREATE TRIGGER invoice_counts_update AFTER UPDATE ON invoices
                    REFERENCING OLD TABLE AS removed NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION invoice_counts_move();
                CREATE TRIGGER invoice_counts_delete AFTER DELETE ON invoices
                    REFERENCING OLD TABLE AS removed
                    FOR EACH STATEMENT EXECUTE FUNCTION invoice_counts_remove();
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
                DROP TRIGGER invoice_counts_delete ON invoices;
                DROP TRIGGER invoice_counts_update ON invoices;
                DROP TRIGGER invoice_counts_insert ON invoices;
                DROP FUNCTION invoice_counts_remove();
                DROP FUNCTION invoice_counts_move();
                DROP FUNCTION invoice_counts_add();
                DROP TABLE invoice_counts;
                "#,
            )
            .await?;
        Ok(())
    }
}
