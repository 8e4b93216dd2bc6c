//! Online payment through the company's own Stripe account: the connection (secrets sealed
//! with the server's encryption key, never readable back through the API), the checkout links
//! made for customers, the Stripe payments recorded (one payment per PaymentIntent, whichever
//! event reports it first) and the ids of the events applied.

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
                -- One row at most: the company's connected account.
                CREATE TABLE stripe_account (
                    singleton             boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                    key_last4             text NOT NULL,
                    livemode              boolean NOT NULL,
                    secret_key_sealed     bytea NOT NULL,
                    webhook_secret_sealed bytea NOT NULL,
                    connected_at          timestamptz NOT NULL DEFAULT now(),
                    connected_by          text NOT NULL
                );

                CREATE TABLE payment_links (
                    id                  uuid PRIMARY KEY,
                    customer_id         uuid NOT NULL REFERENCES customers (id),
                    -- Set when the link pays one invoice; null for a customer's open balance.
                    invoice_id          uuid REFERENCES invoices (id),
                    amount              numeric(20, 4) NOT NULL CHECK (amount > 0),
                    currency            char(3) NOT NULL,
                    -- Written before Stripe is asked, so a session always has its row;
                    -- filled in from Stripe's answer.
                    checkout_session_id text CONSTRAINT payment_links_session_key UNIQUE,
                    url                 text,
                    created_by          text NOT NULL,
                    created_at          timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX payment_links_customer_idx ON payment_links (customer_id, created_at DESC);

                CREATE TABLE stripe_payments (
                    payment_intent_id text PRIMARY KEY,
                    payment_id        uuid NOT NULL REFERENCES payments (id),
                    link_id           uuid REFERENCES payment_links (id)
                );
                CREATE INDEX stripe_payments_payment_idx ON stripe_payments (payment_id);

                -- The plan's invoices-a-month limit counts this month's creations.
                CREATE INDEX invoices_created_idx ON invoices (created_at);

                CREATE TABLE stripe_events (
                    id          text PRIMARY KEY,
                    type        text NOT NULL,
                    created     timestamptz NOT NULL,
                    received_at timestamptz NOT NULL DEFAULT now()
                );
                "#,
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "DROP TABLE stripe_events, stripe_payments, payment_links, stripe_account;
                 DROP INDEX invoices_created_idx;",
            )
            .await?;
        Ok(())
    }
}
