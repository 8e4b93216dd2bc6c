//! The customer list's balances and overdue amounts (`receivable_items`, grouped by customer)
//! read the open invoices from a covering index, in customer order: no heap read, no sort.

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
                CREATE INDEX invoices_open_items_idx ON invoices (customer_id)
                    INCLUDE (currency, due_date, balance_due)
                    WHERE status IN ('ISSUED', 'PARTIALLY_PAID') AND NOT installment_plan;
                "#,
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX invoices_open_items_idx;")
            .await?;
        Ok(())
    }
}
