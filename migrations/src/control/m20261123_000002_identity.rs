//! Identity and the control plane's queues: the tenant profile, users, memberships, invitations,
//! refresh tokens, API keys, the email outbox and the job queue.
//!
//! Secrets are never stored: invitation tokens, refresh tokens and API keys are kept as SHA-256
//! digests of high-entropy random values, passwords as argon2id PHC strings. Constraint names are
//! stable: the backend maps them to precise errors.

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
                ALTER TABLE public.tenants
                    ADD COLUMN slug text,
                    ADD COLUMN base_currency text NOT NULL DEFAULT 'CNY' CHECK (base_currency ~ '^[A-Z]{3}$'),
                    ADD COLUMN locale text NOT NULL DEFAULT 'zh-CN' CHECK (locale IN ('zh-CN', 'en')),
                    ADD COLUMN time_zone text NOT NULL DEFAULT 'Asia/Shanghai',
                    ADD COLUMN plan text NOT NULL DEFAULT 'GROWTH' CHECK (plan IN ('FREE', 'GROWTH', 'SCALE')),
                    ADD COLUMN status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'READ_ONLY', 'CLOSED'));
                UPDATE public.tenants SET slug = schema_name WHERE slug IS NULL;
                ALTER TABLE public.tenants ALTER COLUMN slug SET NOT NULL;
                ALTER TABLE public.tenants ADD CONSTRAINT tenants_slug_key UNIQUE (slug);

                CREATE TABLE public.users (
                    id            uuid PRIMARY KEY,
                    email         text NOT NULL CHECK (email = lower(email) AND position('@' in email) > 1),
                    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
                    password_hash text NOT NULL,
                    locale        text NOT NULL DEFAULT 'zh-CN' CHECK (locale IN ('zh-CN', 'en')),
                    created_at    timestamptz NOT NULL DEFAULT now(),
                    last_login_at timestamptz,
                    CONSTRAINT users_email_key UNIQUE (email)
                );

                CREATE TABLE public.memberships (
                    tenant_id    uuid NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
                    user_id      uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
                    role         text NOT NULL CHECK (role IN ('OWNER', 'ADMIN', 'FINANCE_MANAGER', 'COLLECTOR', 'SALES', 'VIEWER')),
                    created_at   timestamptz NOT NULL DEFAULT now(),
                    last_used_at timestamptz,
                    PRIMARY KEY (tenant_id, user_id)
                );
                CREATE INDEX memberships_user_idx ON public.memberships (user_id);

                CREATE TABLE public.invitations (
                    id          uuid PRIMARY KEY,
                    tenant_id   uuid NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
                    email       text NOT NULL,
                    role        text NOT NULL CHECK (role IN ('OWNER', 'ADMIN', 'FINANCE_MANAGER', 'COLLECTOR', 'SALES', 'VIEWER')),
                    token_hash  bytea NOT NULL CONSTRAINT invitations_token_key UNIQUE,
                    invited_by  uuid REFERENCES public.users (id) ON DELETE SET NULL,
                    created_at  timestamptz NOT NULL DEFAULT now(),
                    expires_at  timestamptz NOT NULL,
                    accepted_at timestamptz,
                    revoked_at  timestamptz
                );
                CREATE INDEX invitations_tenant_idx ON public.invitations (tenant_id, created_at DESC);

                CREATE TABLE public.refresh_tokens (
                    id           uuid PRIMARY KEY,
                    family_id    uuid NOT NULL,
                    user_id      uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
                    tenant_id    uuid NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
                    token_hash   bytea NOT NULL CONSTRAINT refresh_tokens_token_key UNIQUE,
                    rotated_from uuid REFERENCES public.refresh_tokens (id) ON DELETE SET NULL,
                    created_at   timestamptz NOT NULL DEFAULT now(),
                    expires_at   timestamptz NOT NULL,
                    used_at      timestamptz,
                    revoked_at   timestamptz
                );
                CREATE INDEX refresh_tokens_family_idx ON public.refresh_tokens (family_id);
                CREATE INDEX refresh_tokens_user_idx ON public.refresh_tokens (user_id, tenant_id);

                CREATE TABLE public.api_keys (
                    id           uuid PRIMARY KEY,
                    tenant_id    uuid NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
                    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
                    prefix       text NOT NULL CONSTRAINT api_keys_prefix_key UNIQUE,
                    secret_hash  bytea NOT NULL,
                    scopes       text[] NOT NULL,
                    created_by   uuid REFERENCES public.users (id) ON DELETE SET NULL,
                    created_at   timestamptz NOT NULL DEFAULT now(),
                    last_used_at timestamptz,
                    revoked_at   timestamptz
                );
                CREATE INDEX api_keys_tenant_idx ON public.api_keys (tenant_id, created_at DESC);

                CREATE TABLE public.email_outbox (
                    id          uuid PRIMARY KEY,
                    tenant_id   uuid REFERENCES public.tenants (id) ON DELETE CASCADE,
                    to_address  text NOT NULL,
                    subject     text NOT NULL,
                    body_text   text NOT NULL,
                    body_html   text,
                    created_at  timestamptz NOT NULL DEFAULT now(),
                    send_after  timestamptz NOT NULL DEFAULT now(),
                    attempts    integer NOT NULL DEFAULT 0,
                    last_error  text,
                    sent_at     timestamptz
                );
                CREATE INDEX email_outbox_pending_idx ON public.email_outbox (send_after) WHERE sent_at IS NULL;

                CREATE TABLE public.jobs (
                    id           uuid PRIMARY KEY,
                    kind         text NOT NULL,
                    tenant_id    uuid REFERENCES public.tenants (id) ON DELETE CASCADE,
                    payload      jsonb NOT NULL DEFAULT '{}',
                    dedupe_key   text CONSTRAINT jobs_dedupe_key UNIQUE,
                    run_at       timestamptz NOT NULL DEFAULT now(),
                    attempts     integer NOT NULL DEFAULT 0,
                    max_attempts integer NOT NULL DEFAULT 10,
                    locked_until timestamptz,
                    last_error   text,
                    created_at   timestamptz NOT NULL DEFAULT now(),
                    finished_at  timestamptz
                );
                CREATE INDEX jobs_due_idx ON public.jobs (run_at) WHERE finished_at IS NULL;
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
                DROP TABLE public.jobs, public.email_outbox, public.api_keys, public.refresh_tokens,
                           public.invitations, public.memberships, public.users;
                ALTER TABLE public.tenants DROP COLUMN slug, DROP COLUMN base_currency,
                    DROP COLUMN locale, DROP COLUMN time_zone, DROP COLUMN plan, DROP COLUMN status;
                "#,
            )
            .await?;
        Ok(())
    }
}
