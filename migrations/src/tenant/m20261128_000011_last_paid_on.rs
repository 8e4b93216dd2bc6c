//! An invoice keeps the date of the latest payment allocated to it, so "average days to pay"
//! (days from issue to the last payment, over the invoices settled in a period) reads one
//! index instead of every allocation of every invoice paid in the period.
//!
//! It is set in the same update that moves the invoice's paid amount
//! (`invoices::store::add_paid`), so it costs no second row version: allocations are
//! append-only, and a reversal is a new allocation of the same payment, so the date only ever
//! moves forward.

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
                ALTER TABLE invoices ADD COLUMN last_paid_on date;

                UPDATE invoices i SET last_paid_on = x.received_on
                FROM (SELECT a.invoice_id, max(p.received_on) AS received_on
                      FROM allocations a JOIN payments p ON p.id = a.payment_id
                      GROUP BY a.invoice_id) x
                WHERE i.id = x.invoice_id;

                -- Average days to pay: the invoices settled in a period, by their last payment.
                CREATE INDEX invoices_paid_on_idx ON invoices (currency, last_paid_on)
                    INCLUDE (issue_date) WHERE status = 'PAID';
                "#,
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "DROP INDEX invoices_paid_on_idx;
                 ALTER TABLE invoices DROP COLUMN last_paid_on;",
            )
            .await?;
        Ok(())
    }
}
