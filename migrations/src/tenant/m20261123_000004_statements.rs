//! Customer statements sent by email: the link (its token stored hashed, with the period and an
//! expiry) and the customer's answer (confirmed, or disputed with the lines in question).

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
                CREATE TABLE statement_links (
                    id          uuid PRIMARY KEY,
                    token_hash  bytea NOT NULL UNIQUE,
                    customer_id uuid NOT NULL REFERENCES customers (id),
                    period_from date NOT NULL,
                    period_to   date NOT NULL CHECK (period_to >= period_from),
                    currency    char(3) NOT NULL,
                    sent_to     text NOT NULL,
                    -- What the statement said when it was sent, so an answer refers to figures.
                    closing_balance numeric(20, 4) NOT NULL,
                    expires_at  timestamptz NOT NULL,
                    created_by  text NOT NULL,
                    created_at  timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX statement_links_customer_idx ON statement_links (customer_id, created_at DESC);

                CREATE TABLE statement_responses (
                    id              uuid PRIMARY KEY,
                    link_id         uuid NOT NULL REFERENCES statement_links (id),
                    customer_id     uuid NOT NULL REFERENCES customers (id),
                    response        text NOT NULL CHECK (response IN ('CONFIRMED', 'DISPUTED')),
                    note            text,
                    disputed_numbers text[] NOT NULL DEFAULT '{}',
                    responder_name  text NOT NULL,
                    -- The closing balance the customer saw when answering.
                    closing_balance numeric(20, 4) NOT NULL,
                    responded_at    timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX statement_responses_customer_idx ON statement_responses (customer_id, responded_at DESC);
                -- One answer per statement sent.
                CREATE UNIQUE INDEX statement_responses_link_key ON statement_responses (link_id);
                CREATE TRIGGER statement_responses_append_only BEFORE UPDATE OR DELETE ON statement_responses
                    FOR EACH ROW EXECUTE FUNCTION refuse_change();
                "#,
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE statement_responses, statement_links")
            .await?;
        Ok(())
    }
}
