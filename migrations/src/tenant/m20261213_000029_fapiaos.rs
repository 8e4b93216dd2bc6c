//! Fapiao (发票) recorded against invoices: the tax system's number (and code, for paper VAT
//! fapiao), kind, date, amount and tax. A red-letter fapiao names the credit note it answers.
//! Voiding keeps the row with who voided it and why; a number is unique among those standing.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE TABLE fapiaos (
                     id             uuid PRIMARY KEY,
                     invoice_id     uuid NOT NULL REFERENCES invoices (id),
                     credit_note_id uuid REFERENCES credit_notes (id),
                     kind           text NOT NULL CHECK (kind IN ('VAT_SPECIAL', 'VAT_GENERAL',
                                        'DIGITAL_VAT_SPECIAL', 'DIGITAL_VAT_GENERAL', 'OTHER')),
                     number         text NOT NULL,
                     code           text,
                     issued_on      date NOT NULL,
                     amount         numeric(20, 4) NOT NULL CHECK (amount > 0),
                     tax_amount     numeric(20, 4) NOT NULL CHECK (tax_amount >= 0 AND tax_amount < amount),
                     recorded_by    text NOT NULL,
                     recorded_at    timestamptz NOT NULL DEFAULT now(),
                     voided_at      timestamptz,
                     voided_by      text,
                     void_reason    text,
                     CHECK ((voided_at IS NULL) = (void_reason IS NULL))
                 );
                 CREATE INDEX fapiaos_invoice_idx ON fapiaos (invoice_id, issued_on);
                 CREATE INDEX fapiaos_credit_note_idx ON fapiaos (credit_note_id)
                     WHERE credit_note_id IS NOT NULL;
                 CREATE UNIQUE INDEX fapiaos_number_key ON fapiaos (coalesce(code, ''), number)
                     WHERE voided_at IS NULL;",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE fapiaos;")
            .await?;
        Ok(())
    }
}
