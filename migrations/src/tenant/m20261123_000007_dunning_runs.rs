//! What a dunning run does and leaves behind: the run itself, tasks for collectors, late fees
//! (as fee invoices linked to the original, one per period), email templates per step and
//! language, legal cases, and risk alerts.

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
                CREATE TABLE dunning_runs (
                    id           uuid PRIMARY KEY,
                    run_date     date NOT NULL,
                    trigger      text NOT NULL CHECK (trigger IN ('SCHEDULE', 'MANUAL')),
                    started_at   timestamptz NOT NULL DEFAULT now(),
                    finished_at  timestamptz,
                    customers    integer NOT NULL DEFAULT 0,
                    emails       integer NOT NULL DEFAULT 0,
                    tasks        integer NOT NULL DEFAULT 0,
                    fees         integer NOT NULL DEFAULT 0,
                    holds        integer NOT NULL DEFAULT 0,
                    releases     integer NOT NULL DEFAULT 0,
                    legal_cases  integer NOT NULL DEFAULT 0,
                    paused       integer NOT NULL DEFAULT 0,
                    failures     integer NOT NULL DEFAULT 0,
                    errors       jsonb NOT NULL DEFAULT '[]'
                );
                CREATE INDEX dunning_runs_recent_idx ON dunning_runs (started_at DESC, id DESC);

                ALTER TABLE dunning_actions ADD COLUMN run_id uuid REFERENCES dunning_runs (id);
                CREATE INDEX dunning_actions_customer_idx ON dunning_actions (customer_id, created_at DESC);

                -- Late fee rule of a ladder (null: the ladder charges none).
                ALTER TABLE dunning_policies ADD COLUMN fee_rule jsonb;
                UPDATE dunning_policies SET fee_rule = '{"kind": "PERCENT", "percent": "1.5"}' WHERE is_default;

                -- The language of the customer's messages (null: the company's).
                ALTER TABLE customers ADD COLUMN locale text CHECK (locale IN ('zh-CN', 'en'));
                -- Why a hold was placed automatically, so it can be released when the cause clears.
                ALTER TABLE customers ADD COLUMN credit_hold_cause text
                    CHECK (credit_hold_cause IN ('DUNNING', 'OVER_LIMIT'));

                CREATE TABLE collection_tasks (
                    id           uuid PRIMARY KEY,
                    customer_id  uuid NOT NULL REFERENCES customers (id),
                    kind         text NOT NULL CHECK (kind IN ('CALL', 'VISIT', 'SMS', 'WECHAT', 'EMAIL', 'LETTER', 'REVIEW')),
                    title        text NOT NULL,
                    due_on       date NOT NULL,
                    assignee_id  uuid,
                    status       text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'DONE', 'CANCELLED')),
                    source       text NOT NULL CHECK (source IN ('DUNNING', 'PROMISE', 'MANUAL')),
                    run_id       uuid REFERENCES dunning_runs (id),
                    step_offset  integer,
                    invoice_ids  uuid[] NOT NULL DEFAULT '{}',
                    created_at   timestamptz NOT NULL DEFAULT now(),
                    completed_at timestamptz,
                    completed_by text,
                    activity_id  uuid REFERENCES collection_activities (id)
                );
                CREATE INDEX collection_tasks_open_idx ON collection_tasks (assignee_id, due_on) WHERE status = 'OPEN';
                CREATE INDEX collection_tasks_customer_idx ON collection_tasks (customer_id, created_at DESC);

                ALTER TABLE invoices ADD COLUMN fee_for_invoice_id uuid REFERENCES invoices (id);
                CREATE INDEX invoices_fee_for_idx ON invoices (fee_for_invoice_id) WHERE fee_for_invoice_id IS NOT NULL;

                -- One row per charge. A period is charged once, waived or not: the exclusion
                -- constraint refuses an overlapping period for the same invoice.
                CREATE TABLE late_fees (
                    id             uuid PRIMARY KEY,
                    invoice_id     uuid NOT NULL REFERENCES invoices (id),
                    fee_invoice_id uuid NOT NULL REFERENCES invoices (id),
                    customer_id    uuid NOT NULL REFERENCES customers (id),
                    kind           text NOT NULL CHECK (kind IN ('FIXED', 'PERCENT', 'INTEREST')),
                    period_from    date NOT NULL,
                    period_to      date NOT NULL CHECK (period_to >= period_from),
                    amount         numeric(20, 4) NOT NULL CHECK (amount > 0),
                    currency       char(3) NOT NULL,
                    basis          jsonb NOT NULL,
                    run_id         uuid REFERENCES dunning_runs (id),
                    created_at     timestamptz NOT NULL DEFAULT now(),
                    waived_at      timestamptz,
                    waived_by      text,
                    waive_reason   text,
                    EXCLUDE USING gist (invoice_id public.gist_uuid_ops WITH =,
                                        daterange(period_from, period_to, '[]') WITH &&)
                );
                CREATE INDEX late_fees_customer_idx ON late_fees (customer_id, created_at DESC);

                CREATE TABLE email_templates (
                    policy_id   uuid NOT NULL REFERENCES dunning_policies (id),
                    step_offset integer NOT NULL,
                    locale      text NOT NULL CHECK (locale IN ('zh-CN', 'en')),
                    subject     text NOT NULL,
                    body        text NOT NULL,
                    updated_at  timestamptz NOT NULL DEFAULT now(),
                    updated_by  text NOT NULL,
                    PRIMARY KEY (policy_id, step_offset, locale)
                );

                CREATE TABLE legal_cases (
                    id             uuid PRIMARY KEY,
                    customer_id    uuid NOT NULL REFERENCES customers (id),
                    status         text NOT NULL DEFAULT 'NONE'
                                   CHECK (status IN ('NONE', 'LETTER_SENT', 'AGENCY', 'LITIGATION', 'SETTLED', 'WRITTEN_OFF')),
                    amount         numeric(20, 4) NOT NULL CHECK (amount >= 0),
                    currency       char(3) NOT NULL,
                    agency         text,
                    lawyer         text,
                    costs          numeric(20, 4) NOT NULL DEFAULT 0 CHECK (costs >= 0),
                    notes          text,
                    opened_on      date NOT NULL,
                    letter_sent_on date,
                    agency_on      date,
                    litigation_on  date,
                    closed_on      date,
                    opened_by      text NOT NULL,
                    run_id         uuid REFERENCES dunning_runs (id),
                    created_at     timestamptz NOT NULL DEFAULT now(),
                    updated_at     timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX legal_cases_customer_idx ON legal_cases (customer_id);
                CREATE INDEX legal_cases_recent_idx ON legal_cases (created_at DESC, id DESC);
                -- One case open per customer at a time.
                CREATE UNIQUE INDEX legal_cases_one_open ON legal_cases (customer_id)
                    WHERE status NOT IN ('SETTLED', 'WRITTEN_OFF');

                CREATE TABLE legal_case_invoices (
                    case_id    uuid NOT NULL REFERENCES legal_cases (id),
                    invoice_id uuid NOT NULL REFERENCES invoices (id),
                    PRIMARY KEY (case_id, invoice_id)
                );

                -- Risk alerts; `cause` names what raised one, so the same cause raises it once.
                CREATE TABLE risk_alerts (
                    id              uuid PRIMARY KEY,
                    customer_id     uuid NOT NULL REFERENCES customers (id),
                    kind            text NOT NULL,
                    cause           text NOT NULL UNIQUE,
                    severity        text NOT NULL CHECK (severity IN ('LOW', 'MEDIUM', 'HIGH')),
                    message         text NOT NULL,
                    status          text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'ACKNOWLEDGED', 'RESOLVED')),
                    created_at      timestamptz NOT NULL DEFAULT now(),
                    acknowledged_at timestamptz,
                    acknowledged_by text,
                    resolved_at     timestamptz,
                    resolved_by     text,
                    resolution_note text
                );
                CREATE INDEX risk_alerts_open_idx ON risk_alerts (created_at DESC, id DESC) WHERE status <> 'RESOLVED';
                CREATE INDEX risk_alerts_customer_idx ON risk_alerts (customer_id, created_at DESC);
                "#,
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "DROP TABLE risk_alerts, legal_case_invoices, legal_cases, email_templates, late_fees, collection_tasks;
                 ALTER TABLE invoices DROP COLUMN fee_for_invoice_id;
                 ALTER TABLE customers DROP COLUMN locale, DROP COLUMN credit_hold_cause;
                 ALTER TABLE dunning_policies DROP COLUMN fee_rule;
                 ALTER TABLE dunning_actions DROP COLUMN run_id;
                 DROP TABLE dunning_runs;",
            )
            .await?;
        Ok(())
    }
}
