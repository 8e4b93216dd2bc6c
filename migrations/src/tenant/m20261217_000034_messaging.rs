//! SMS and WeChat Work messages to customers: a company's channels (one per kind, its provider,
//! settings and sealed credentials), the SMS templates mapped to ladder steps per language and
//! provider, and one delivery per message with its status as the provider reports it.
//!
//! A customer gains its own time zone (quiet hours are kept in it; null: the company's) and
//! whether it refuses messages; a contact gains its WeChat Work external contact id.
//!
//! A delivery is made in the dunning run's transaction, once per run, customer, step and
//! channel (the unique key): a run retried makes none twice. `attempted_at` is set, and
//! committed, before the provider is called, so a send whose outcome was lost is never sent
//! again.

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
                ALTER TABLE customers
                    ADD COLUMN time_zone         text CHECK (char_length(time_zone) BETWEEN 1 AND 64),
                    ADD COLUMN messaging_opt_out boolean NOT NULL DEFAULT false;
                ALTER TABLE customer_contacts
                    ADD COLUMN wecom_external_user_id text
                        CHECK (char_length(wecom_external_user_id) BETWEEN 1 AND 64);

                CREATE TABLE message_channels (
                    kind             text PRIMARY KEY CHECK (kind IN ('SMS', 'WECOM')),
                    provider         text NOT NULL CHECK (provider IN ('ALIYUN_SMS', 'TENCENT_SMS', 'WECOM')),
                    settings         jsonb NOT NULL,
                    -- Sealed under the server's key (`secrets::Sealer`), with the channel's kind.
                    credentials      bytea NOT NULL,
                    credentials_hint text NOT NULL,
                    -- The secret part of the address delivery receipts are posted to.
                    callback_token   text NOT NULL,
                    updated_by       text NOT NULL,
                    updated_at       timestamptz NOT NULL DEFAULT now(),
                    CHECK ((kind = 'SMS') = (provider IN ('ALIYUN_SMS', 'TENCENT_SMS')))
                );

                CREATE TABLE sms_templates (
                    policy_id     uuid NOT NULL REFERENCES dunning_policies (id) ON DELETE CASCADE,
                    step_offset   integer NOT NULL,
                    locale        text NOT NULL CHECK (locale IN ('zh-CN', 'en')),
                    provider      text NOT NULL CHECK (provider IN ('ALIYUN_SMS', 'TENCENT_SMS')),
                    template_code text NOT NULL CHECK (char_length(template_code) BETWEEN 1 AND 40),
                    params        jsonb NOT NULL,
                    updated_by    text NOT NULL,
                    updated_at    timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (policy_id, step_offset, locale, provider)
                );

                CREATE TABLE message_deliveries (
                    id                  uuid PRIMARY KEY,
                    customer_id         uuid NOT NULL REFERENCES customers (id),
                    contact_name        text,
                    channel             text NOT NULL CHECK (channel IN ('SMS', 'WECOM')),
                    provider            text NOT NULL CHECK (provider IN ('ALIYUN_SMS', 'TENCENT_SMS', 'WECOM')),
                    run_id              uuid NOT NULL REFERENCES dunning_runs (id),
                    -- The customer's time zone when it was made: its quiet hours are kept in it.
                    time_zone           text NOT NULL,
                    step_offset         integer NOT NULL,
                    step_name           jsonb NOT NULL,
                    invoice_ids         uuid[] NOT NULL DEFAULT '{}',
                    collector_id        uuid,
                    -- E.164 for SMS; the external contact id in WeChat Work.
                    recipient           text NOT NULL,
                    -- The WeChat Work member it goes out from.
                    sender              text,
                    template_code       text,
                    params              jsonb NOT NULL DEFAULT '[]',
                    content             text NOT NULL,
                    status              text NOT NULL DEFAULT 'SCHEDULED'
                                        CHECK (status IN ('SCHEDULED', 'SENT', 'DELIVERED', 'FAILED', 'CANCELLED')),
                    send_after          timestamptz NOT NULL,
                    attempts            integer NOT NULL DEFAULT 0,
                    attempted_at        timestamptz,
                    provider_message_id text,
                    error_code          text,
                    error_message       text,
                    created_at          timestamptz NOT NULL DEFAULT now(),
                    sent_at             timestamptz,
                    finished_at         timestamptz,
                    UNIQUE (run_id, customer_id, step_offset, channel)
                );
                CREATE INDEX message_deliveries_recent_idx ON message_deliveries (created_at DESC, id DESC);
                CREATE INDEX message_deliveries_customer_idx
                    ON message_deliveries (customer_id, created_at DESC, id DESC);
                CREATE UNIQUE INDEX message_deliveries_provider_id
                    ON message_deliveries (provider, provider_message_id) WHERE provider_message_id IS NOT NULL;
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
                DROP TABLE message_deliveries, sms_templates, message_channels;
                ALTER TABLE customer_contacts DROP COLUMN wecom_external_user_id;
                ALTER TABLE customers DROP COLUMN messaging_opt_out, DROP COLUMN time_zone;
                "#,
            )
            .await?;
        Ok(())
    }
}
