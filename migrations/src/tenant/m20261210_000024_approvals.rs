//! Approvals (审批): each action's policy, the requests waiting on it and their decisions.
//!
//! A request keeps the command exactly as asked (kind, version, value), the amount it was
//! compared by and the state it was asked against, the levels of the policy in force then, who
//! asked and why. Each level is decided once (`approval_decisions`' key), by a person; the
//! request's row is locked while a decision is taken, so two approvers at once give one effect.

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
                CREATE TABLE approval_policies (
                    action     text PRIMARY KEY CHECK (action IN ('CREDIT_LIMIT_CHANGE',
                               'WRITE_OFF', 'VOID_INVOICE', 'CREDIT_NOTE', 'FEE_WAIVER',
                               'PAYMENT_REVERSAL', 'CREDIT_BLOCK_OVERRIDE',
                               'CREDIT_HOLD_RELEASE')),
                    enabled    boolean NOT NULL,
                    thresholds jsonb NOT NULL,
                    updated_by text NOT NULL,
                    updated_at timestamptz NOT NULL DEFAULT now()
                );

                CREATE TABLE approval_requests (
                    id               uuid PRIMARY KEY,
                    action           text NOT NULL,
                    status           text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING',
                                     'APPROVED', 'REJECTED', 'CANCELLED', 'EXPIRED', 'FAILED')),
                    -- The command as asked: {kind, version, body}.
                    command          jsonb NOT NULL,
                    currency         char(3) NOT NULL,
                    -- The amount compared with the thresholds; NULL when above every one
                    -- (removing a credit limit).
                    amount           numeric(20, 4),
                    -- The levels of the threshold in force when asked, in order.
                    levels           jsonb NOT NULL,
                    level_count      smallint NOT NULL CHECK (level_count BETWEEN 1 AND 5),
                    subject_type     text NOT NULL,
                    subject_id       uuid NOT NULL,
                    customer_id      uuid NOT NULL REFERENCES customers (id),
                    subject_label    text NOT NULL,
                    -- What the change was asked against (the balance, the current limit).
                    asked_against    jsonb NOT NULL,
                    reason           text NOT NULL,
                    requested_by     uuid,
                    requested_by_key uuid,
                    requested_label  text NOT NULL,
                    idempotency_key  text,
                    created_at       timestamptz NOT NULL DEFAULT now(),
                    expires_on       date NOT NULL,
                    decided_at       timestamptz,
                    failure_code     text,
                    failure_reason   text,
                    CHECK ((requested_by IS NULL) <> (requested_by_key IS NULL))
                );
                -- The inbox and the list, newest first, by status.
                CREATE INDEX approval_requests_status_idx
                    ON approval_requests (status, created_at DESC, id DESC);
                CREATE INDEX approval_requests_maker_idx
                    ON approval_requests (requested_by, created_at DESC, id DESC);
                -- One pending request per change of one record (a second is refused).
                CREATE UNIQUE INDEX approval_requests_one_pending_idx
                    ON approval_requests (action, subject_id) WHERE status = 'PENDING';
                CREATE UNIQUE INDEX approval_requests_key_idx
                    ON approval_requests (action, idempotency_key)
                    WHERE idempotency_key IS NOT NULL;
                CREATE INDEX approval_requests_customer_idx ON approval_requests (customer_id);

                CREATE TABLE approval_decisions (
                    request_id  uuid NOT NULL REFERENCES approval_requests (id),
                    level       smallint NOT NULL CHECK (level BETWEEN 1 AND 5),
                    decided_by  uuid NOT NULL,
                    decider     text NOT NULL,
                    decision    text NOT NULL CHECK (decision IN ('APPROVED', 'REJECTED')),
                    comment     text,
                    decided_at  timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (request_id, level)
                );
                CREATE INDEX approval_decisions_decider_idx
                    ON approval_decisions (decided_by, decided_at);

                ALTER TABLE company_settings
                    ADD COLUMN approval_expiry_days integer NOT NULL DEFAULT 7
                        CHECK (approval_expiry_days BETWEEN 1 AND 90);
                "#,
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "ALTER TABLE company_settings DROP COLUMN approval_expiry_days;
                 DROP TABLE approval_decisions;
                 DROP TABLE approval_requests;
                 DROP TABLE approval_policies;",
            )
            .await?;
        Ok(())
    }
}
