//! What the company's documents print about it: legal name, tax id, address, phone, the bank
//! accounts customers pay into, and a logo (PNG or JPEG). One row, like `company_settings`;
//! empty until someone fills it in, when documents print the company's display name alone.
//! And `invoice_sends`: each time an invoice was emailed, to whom, in which language.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE TABLE company_profile (
                     singleton     boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                     legal_name    text,
                     tax_id        text,
                     address       text,
                     phone         text,
                     bank_accounts jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(bank_accounts) = 'array'),
                     logo          bytea,
                     logo_type     text CHECK (logo_type IN ('image/png', 'image/jpeg')),
                     updated_at    timestamptz NOT NULL DEFAULT now(),
                     CHECK ((logo IS NULL) = (logo_type IS NULL))
                 );
                 INSERT INTO company_profile DEFAULT VALUES;
                 CREATE TABLE invoice_sends (
                     id         uuid PRIMARY KEY,
                     invoice_id uuid NOT NULL REFERENCES invoices (id),
                     sent_to    text[] NOT NULL,
                     cc         text[] NOT NULL DEFAULT '{}',
                     locale     text NOT NULL,
                     sent_by    text NOT NULL,
                     sent_at    timestamptz NOT NULL DEFAULT now()
                 );
                 CREATE INDEX invoice_sends_invoice_idx ON invoice_sends (invoice_id, sent_at);",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE invoice_sends, company_profile;")
            .await?;
        Ok(())
    }
}
