//! The company's settings as one typed row (`domain::settings::CompanySettings`, less the
//! company group and the dunning hour, which live on `public.tenants` where the scheduler reads
//! every company's), with each setting's default and bounds as column defaults and checks. The
//! values companies set in the key-value `settings` table move here and leave it; that table
//! keeps only job marks (the digest's), which are not settings.

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
                CREATE TABLE company_settings (
                    singleton            boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                    over_limit_policy    text NOT NULL DEFAULT 'BLOCK'
                                         CHECK (over_limit_policy IN ('BLOCK', 'WARN')),
                    hold_over_limit      boolean NOT NULL DEFAULT false,
                    auto_release_holds   boolean NOT NULL DEFAULT true,
                    promise_grace_days   integer NOT NULL DEFAULT 3
                                         CHECK (promise_grace_days BETWEEN 0 AND 30),
                    aging_edges          integer[] NOT NULL DEFAULT '{30,60,90}'
                                         CHECK (cardinality(aging_edges) = 3
                                                AND aging_edges[1] >= 1
                                                AND aging_edges[1] < aging_edges[2]
                                                AND aging_edges[2] < aging_edges[3]),
                    attribution_days     integer NOT NULL DEFAULT 14
                                         CHECK (attribution_days BETWEEN 1 AND 90),
                    large_invoice_amount numeric(20, 4) NOT NULL DEFAULT 100000
                                         CHECK (large_invoice_amount > 0),
                    daily_digest         boolean NOT NULL DEFAULT false,
                    invoice_prefix       text NOT NULL DEFAULT 'INV-'
                                         CHECK (invoice_prefix ~ '^[A-Za-z0-9/_.-]{0,12}$'),
                    credit_note_prefix   text NOT NULL DEFAULT 'CN-'
                                         CHECK (credit_note_prefix ~ '^[A-Za-z0-9/_.-]{0,12}$'),
                    updated_at           timestamptz NOT NULL DEFAULT now()
                );

                -- What the company had set, where it had set it; a stored value of the wrong
                -- shape fails the migration rather than turning silently into a default.
                INSERT INTO company_settings (
                    over_limit_policy, hold_over_limit, auto_release_holds, promise_grace_days,
                    aging_edges, attribution_days, large_invoice_amount, daily_digest,
                    invoice_prefix, credit_note_prefix)
                SELECT
                    coalesce((SELECT value #>> '{}' FROM settings WHERE key = 'credit.over_limit_policy'), 'BLOCK'),
                    coalesce((SELECT (value #>> '{}')::boolean FROM settings WHERE key = 'credit.hold_over_limit'), false),
                    coalesce((SELECT (value #>> '{}')::boolean FROM settings WHERE key = 'credit.auto_release_holds'), true),
                    coalesce((SELECT (value #>> '{}')::integer FROM settings WHERE key = 'promises.grace_days'), 3),
                    coalesce((SELECT ARRAY(SELECT jsonb_array_elements_text(value)::integer)
                              FROM settings WHERE key = 'aging.bucket_edges'), '{30,60,90}'),
                    coalesce((SELECT (value #>> '{}')::integer FROM settings WHERE key = 'performance.attribution_days'), 14),
                    coalesce((SELECT (value #>> '{}')::numeric FROM settings WHERE key = 'alerts.large_invoice_amount'), 100000),
                    coalesce((SELECT (value #>> '{}')::boolean FROM settings WHERE key = 'alerts.daily_digest'), false),
                    coalesce((SELECT value #>> '{}' FROM settings WHERE key = 'invoices.number_prefix'), 'INV-'),
                    coalesce((SELECT value #>> '{}' FROM settings WHERE key = 'credit_notes.number_prefix'), 'CN-');

                DELETE FROM settings WHERE key IN (
                    'credit.over_limit_policy', 'credit.hold_over_limit', 'credit.auto_release_holds',
                    'promises.grace_days', 'aging.bucket_edges', 'performance.attribution_days',
                    'alerts.large_invoice_amount', 'alerts.daily_digest', 'invoices.number_prefix',
                    'credit_notes.number_prefix');
                "#,
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE company_settings")
            .await?;
        Ok(())
    }
}
