//! Analytics: credit ratings with their factors and history (the latest also on the customer,
//! for filters), daily KPI snapshots (so monthly trends survive later edits), collectors'
//! monthly targets and the company's incentive rules; and the indexes the aging and KPI
//! statements read.

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
                CREATE TABLE credit_ratings (
                    id                 uuid PRIMARY KEY,
                    customer_id        uuid NOT NULL REFERENCES customers (id),
                    score              numeric(5, 1) NOT NULL CHECK (score BETWEEN 0 AND 100),
                    grade              text NOT NULL CHECK (grade IN ('A', 'B', 'C', 'D', 'E')),
                    computed_grade     text NOT NULL CHECK (computed_grade IN ('A', 'B', 'C', 'D', 'E')),
                    factors            jsonb NOT NULL,
                    recommended_limit  numeric(20, 4) NOT NULL,
                    recommended_terms  integer NOT NULL,
                    currency           char(3) NOT NULL,
                    -- An override keeps the computed score and factors beside the grade chosen.
                    override_reason    text,
                    overridden_by      text,
                    computed_on        date NOT NULL,
                    created_at         timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX credit_ratings_customer_idx ON credit_ratings (customer_id, created_at DESC, id DESC);

                ALTER TABLE customers
                    ADD COLUMN risk_grade text CHECK (risk_grade IN ('A', 'B', 'C', 'D', 'E')),
                    ADD COLUMN risk_score numeric(5, 1);
                CREATE INDEX customers_risk_grade_idx ON customers (risk_grade) WHERE archived_at IS NULL;

                CREATE TABLE kpi_snapshots (
                    snapshot_date date NOT NULL,
                    currency      char(3) NOT NULL,
                    period_from   date NOT NULL,
                    kpis          jsonb NOT NULL,
                    created_at    timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (currency, snapshot_date)
                );

                CREATE TABLE collector_targets (
                    user_id  uuid NOT NULL,
                    month    date NOT NULL CHECK (extract(day FROM month) = 1),
                    currency char(3) NOT NULL,
                    amount   numeric(20, 4) NOT NULL CHECK (amount >= 0),
                    set_by   text NOT NULL,
                    set_at   timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (user_id, month, currency)
                );

                CREATE TABLE incentive_rules (
                    id         uuid PRIMARY KEY,
                    name       text NOT NULL UNIQUE,
                    kind       text NOT NULL CHECK (kind IN ('PERCENT_ABOVE_TARGET', 'PER_KEPT_PROMISE', 'PERCENT_OF_COLLECTED')),
                    rate       numeric(9, 4),
                    amount     numeric(20, 4),
                    currency   char(3) NOT NULL,
                    active     boolean NOT NULL DEFAULT true,
                    updated_at timestamptz NOT NULL DEFAULT now()
                );

                -- Aging and KPIs read issued invoices by issue date and payments by the day
                -- received; these keep those reads to the rows that matter.
                CREATE INDEX invoices_issued_on_idx ON invoices (currency, issue_date)
                    INCLUDE (customer_id, due_date, total) WHERE status NOT IN ('DRAFT', 'VOID');
                CREATE INDEX payments_currency_received_idx ON payments (currency, received_on) INCLUDE (amount, customer_id);
                CREATE INDEX promises_date_idx ON promises (promised_date) INCLUDE (status, customer_id);
                -- Aging as of a past day works back from today: what was allocated, reversed or
                -- written off since.
                CREATE INDEX allocations_created_idx ON allocations (created_at);
                CREATE INDEX invoices_written_off_idx ON invoices (written_off_at) WHERE status = 'WRITTEN_OFF';

                -- A condition (over the limit, paying later) is one alert while it lasts: the
                -- scan marks it cleared when the condition ends, and only then may the same
                -- cause raise a new one. One-off causes (a broken promise) are never cleared.
                ALTER TABLE risk_alerts ADD COLUMN cleared_at timestamptz;
                ALTER TABLE risk_alerts DROP CONSTRAINT risk_alerts_cause_key;
                CREATE UNIQUE INDEX risk_alerts_live_cause_idx ON risk_alerts (cause) WHERE cleared_at IS NULL;
                "#,
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "DROP INDEX risk_alerts_live_cause_idx;
                 ALTER TABLE risk_alerts DROP COLUMN cleared_at, ADD CONSTRAINT risk_alerts_cause_key UNIQUE (cause);
                 DROP INDEX invoices_written_off_idx, allocations_created_idx;
                 DROP INDEX promises_date_idx, payments_currency_received_idx, invoices_issued_on_idx;
                 DROP TABLE incentive_rules, collector_targets, kpi_snapshots, credit_ratings;
                 ALTER TABLE customers DROP COLUMN risk_grade, DROP COLUMN risk_score;",
            )
            .await?;
        Ok(())
    }
}
