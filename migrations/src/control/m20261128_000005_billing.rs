//! Billing: each company's subscription to a Duely plan, as Stripe reports it, and the ids of
//! the Stripe events (from Duely's own account) already applied.
//!
//! `public.tenants.plan` is no longer read or written: the plan lives here, beside the state
//! that decides whether it applies (expand now; the column goes in a later migration).

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
                CREATE TABLE public.subscriptions (
                    tenant_id              uuid PRIMARY KEY REFERENCES public.tenants (id) ON DELETE CASCADE,
                    plan                   text NOT NULL CHECK (plan IN ('FREE', 'GROWTH', 'SCALE')),
                    status                 text NOT NULL CHECK (status IN ('TRIALING', 'ACTIVE', 'PAST_DUE', 'CANCELED')),
                    trial_ends_at          timestamptz,
                    -- When the status last changed: a grace period runs from here.
                    status_since           timestamptz NOT NULL DEFAULT now(),
                    -- Derived from the state by the domain rule when it changes, so a request
                    -- and the job scheduler can tell a read-only company with one comparison.
                    read_only_from         timestamptz,
                    stripe_customer_id     text CONSTRAINT subscriptions_stripe_customer_key UNIQUE,
                    stripe_subscription_id text CONSTRAINT subscriptions_stripe_subscription_key UNIQUE,
                    current_period_end     timestamptz,
                    cancel_at_period_end   boolean NOT NULL DEFAULT false,
                    -- `created` of the latest Stripe event applied: an older one arriving late
                    -- does not undo a newer state.
                    stripe_state_at        timestamptz,
                    updated_at             timestamptz NOT NULL DEFAULT now()
                );
                -- Companies from before billing keep the plan they had, active.
                INSERT INTO public.subscriptions (tenant_id, plan, status, status_since)
                SELECT id, plan, 'ACTIVE', created_at FROM public.tenants;

                CREATE TABLE public.stripe_events (
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
            .execute_unprepared("DROP TABLE public.stripe_events, public.subscriptions;")
            .await?;
        Ok(())
    }
}
