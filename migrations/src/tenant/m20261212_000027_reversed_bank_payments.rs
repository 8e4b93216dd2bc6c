//! A bank line follows its payments when they are reversed by hand (reversePayment, not the
//! line's own undo): once none of the payments it made is live, or the keyed payment it was
//! linked to is reversed, the line waits in the queue again and its account is marked for
//! matching. Otherwise the money would show as applied while no payment holds it.

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
                CREATE FUNCTION bank_line_follows_reversal() RETURNS trigger LANGUAGE plpgsql
                SET search_path FROM CURRENT AS $$
                DECLARE
                    line uuid;
                BEGIN
                    SELECT coalesce(p.bank_transaction_id,
                                    (SELECT t.id FROM bank_transactions t WHERE t.linked_payment_id = p.id))
                    INTO line FROM payments p WHERE p.id = NEW.payment_id;
                    IF line IS NULL THEN
                        RETURN NEW;
                    END IF;
                    UPDATE bank_transactions t
                    SET status = CASE WHEN jsonb_array_length(t.suggestions) > 0
                                      THEN 'SUGGESTED' ELSE 'UNMATCHED' END,
                        applied_how = NULL, applied_key = NULL, applied_by = NULL,
                        applied_at = NULL, auto_applied = false, linked_payment_id = NULL
                    WHERE t.id = line AND t.status = 'APPLIED'
                      AND NOT EXISTS (
                          SELECT 1 FROM payments p
                          WHERE p.bank_transaction_id = t.id
                            AND NOT EXISTS (SELECT 1 FROM payment_reversals r WHERE r.payment_id = p.id));
                    IF FOUND THEN
                        UPDATE bank_accounts a SET match_wanted_at = now()
                        FROM bank_transactions t WHERE t.id = line AND a.id = t.bank_account_id;
                    END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER payment_reversals_free_bank_line AFTER INSERT ON payment_reversals
                    FOR EACH ROW EXECUTE FUNCTION bank_line_follows_reversal();
                "#,
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "DROP TRIGGER payment_reversals_free_bank_line ON payment_reversals;
                 DROP FUNCTION bank_line_follows_reversal();",
            )
            .await?;
        Ok(())
    }
}
