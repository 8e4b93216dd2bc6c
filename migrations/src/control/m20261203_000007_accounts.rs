//! Accounts and access.
//!
//! - Users' email addresses are verified (`email_verified_at`); those who signed up before
//!   verification existed count as verified. `account_tokens` holds the digests of emailed
//!   single-use tokens: password resets and address verifications.
//! - The outbox knows who an email is for (customer-facing email is counted per company and
//!   day) and keeps a link's secret sealed, apart from the texts, until the message is sent;
//!   tokens already sitting in old messages' texts are erased.
//! - Keys that had `collections:write` keep what it used to grant, now split off as
//!   `dunning:write`.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                r#"ALTER TABLE public.users ADD COLUMN email_verified_at timestamptz,
                     -- Moves on when the password changes: access tokens of an older epoch
                     -- stop working at once.
                     ADD COLUMN session_epoch integer NOT NULL DEFAULT 0;
                 UPDATE public.users SET email_verified_at = created_at;

                 CREATE TABLE public.account_tokens (
                     id          uuid PRIMARY KEY,
                     user_id     uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
                     purpose     text NOT NULL CHECK (purpose IN ('PASSWORD_RESET', 'EMAIL_VERIFICATION')),
                     -- The address the token was sent to: a verification proves only that one.
                     email       text NOT NULL,
                     token_hash  bytea NOT NULL CONSTRAINT account_tokens_token_key UNIQUE,
                     created_at  timestamptz NOT NULL DEFAULT now(),
                     expires_at  timestamptz NOT NULL,
                     used_at     timestamptz
                 );
                 CREATE INDEX account_tokens_user_idx ON public.account_tokens (user_id, purpose)
                     WHERE used_at IS NULL;

                 ALTER TABLE public.email_outbox
                     ADD COLUMN audience text NOT NULL DEFAULT 'TEAM'
                         CHECK (audience IN ('TEAM', 'CUSTOMER', 'ACCOUNT')),
                     ADD COLUMN secret_sealed bytea;
                 CREATE INDEX email_outbox_customer_day_idx ON public.email_outbox (tenant_id, created_at)
                     WHERE audience = 'CUSTOMER';
                 -- Links written before secrets were sealed: invitations (/invite/) and
                 -- statements (/s/). Their texts keep everything but the token.
                 UPDATE public.email_outbox
                 SET body_text = regexp_replace(body_text, '/(invite|s)/duely_[A-Za-z0-9_]+', '//(erased)', 'g'),
                     body_html = regexp_replace(body_html, '/(invite|s)/duely_[A-Za-z0-9_]+', '//(erased)', 'g')
                 WHERE body_text ~ '/(invite|s)/duely_' OR body_html ~ '/(invite|s)/duely_';

                 UPDATE public.api_keys SET scopes = array_append(scopes, 'dunning:write')
                 WHERE 'collections:write' = ANY(scopes) AND NOT 'dunning:write' = ANY(scopes);
                 CREATE INDEX api_keys_creator_idx ON public.api_keys (tenant_id, created_by)
                     WHERE revoked_at IS NULL;
                 CREATE INDEX invitations_sender_idx ON public.invitations (tenant_id, invited_by)
                     WHERE accepted_at IS NULL AND revoked_at IS NULL;"#,
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "DROP INDEX public.api_keys_creator_idx, public.invitations_sender_idx;
                 UPDATE public.api_keys SET scopes = array_remove(scopes, 'dunning:write');
                 DROP INDEX public.email_outbox_customer_day_idx;
                 ALTER TABLE public.email_outbox DROP COLUMN audience, DROP COLUMN secret_sealed;
                 DROP TABLE public.account_tokens;
                 ALTER TABLE public.users DROP COLUMN email_verified_at, DROP COLUMN session_epoch;",
            )
            .await?;
        Ok(())
    }
}
