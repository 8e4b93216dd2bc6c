//! Cash application (收款核销): the company's bank accounts, the statements imported into them,
//! their lines, and the payers learned from lines a person applied.
//!
//! A line is kept once per account: its fingerprint (the bank's own id, else date, amount,
//! reference, remark and position among identical lines) is unique per account, so a
//! re-import or an overlapping period adds only what is new. An incoming line has a status;
//! an outgoing one has none. The payments a line made point back at it
//! (`payments.bank_transaction_id`, written with the payment); a payment keyed by hand that a
//! line was linked to is named on the line (`linked_payment_id`), since payments are
//! append-only.

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
                CREATE TABLE bank_accounts (
                    id              uuid PRIMARY KEY,
                    name            text NOT NULL,
                    bank_name       text NOT NULL,
                    account_number  text NOT NULL,
                    currency        char(3) NOT NULL,
                    csv_mapping     jsonb,
                    archived_at     timestamptz,
                    created_at      timestamptz NOT NULL DEFAULT now(),
                    -- Matching is wanted again after this (an apply or undo changed balances).
                    match_wanted_at timestamptz,
                    matched_at      timestamptz
                );
                CREATE UNIQUE INDEX bank_accounts_number_idx ON bank_accounts (account_number)
                    WHERE archived_at IS NULL;

                CREATE TABLE bank_statement_imports (
                    id               uuid PRIMARY KEY,
                    bank_account_id  uuid NOT NULL REFERENCES bank_accounts (id),
                    format           text NOT NULL,
                    period_from      date,
                    period_to        date,
                    lines            integer NOT NULL,
                    added            integer NOT NULL,
                    already_present  integer NOT NULL,
                    opening_balance  numeric(20, 4),
                    closing_balance  numeric(20, 4),
                    -- Balance gaps: [{statement, expected, found, kind}].
                    gaps             jsonb NOT NULL DEFAULT '[]',
                    match_status     text NOT NULL DEFAULT 'QUEUED'
                                     CHECK (match_status IN ('QUEUED', 'RUNNING', 'DONE')),
                    matched          integer NOT NULL DEFAULT 0,
                    auto_applied     integer NOT NULL DEFAULT 0,
                    imported_by      text NOT NULL,
                    created_at       timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX bank_statement_imports_account_idx
                    ON bank_statement_imports (bank_account_id, created_at DESC, id DESC);
                CREATE INDEX bank_statement_imports_recent_idx
                    ON bank_statement_imports (created_at DESC, id DESC);

                CREATE TABLE bank_transactions (
                    id               uuid PRIMARY KEY,
                    bank_account_id  uuid NOT NULL REFERENCES bank_accounts (id),
                    import_id        uuid NOT NULL REFERENCES bank_statement_imports (id),
                    fingerprint      text NOT NULL,
                    row_number       integer NOT NULL,
                    booked_on        date NOT NULL,
                    direction        text NOT NULL CHECK (direction IN ('IN', 'OUT')),
                    amount           numeric(20, 4) NOT NULL CHECK (amount > 0),
                    currency         char(3) NOT NULL,
                    payer_name       text,
                    payer_account    text,
                    remark           text,
                    reference        text,
                    bank_ref         text,
                    status           text CHECK (status IN ('UNMATCHED', 'SUGGESTED',
                                     'APPLIED', 'IGNORED')),
                    -- [{customerId, invoices: [{invoiceId, amount}], paymentId, confidence,
                    --   reasons: [{code, params}]}], best first.
                    suggestions      jsonb NOT NULL DEFAULT '[]',
                    confidence       numeric(3, 2),
                    -- How it was applied: APPLIED (payments made), LINKED (a keyed payment).
                    applied_how      text CHECK (applied_how IN ('APPLIED', 'LINKED')),
                    applied_key      text,
                    applied_by       text,
                    applied_at       timestamptz,
                    auto_applied     boolean NOT NULL DEFAULT false,
                    ignore_reason    text,
                    linked_payment_id uuid REFERENCES payments (id),
                    created_at       timestamptz NOT NULL DEFAULT now(),
                    CHECK ((direction = 'IN') = (status IS NOT NULL)),
                    UNIQUE (bank_account_id, fingerprint)
                );
                CREATE INDEX bank_transactions_booked_idx
                    ON bank_transactions (booked_on DESC, id DESC);
                CREATE INDEX bank_transactions_account_idx
                    ON bank_transactions (bank_account_id, booked_on DESC, id DESC);
                CREATE INDEX bank_transactions_status_idx
                    ON bank_transactions (status, booked_on DESC, id DESC)
                    WHERE status IS NOT NULL;
                CREATE INDEX bank_transactions_import_idx ON bank_transactions (import_id);
                -- A keyed payment is linked to one line at most.
                CREATE UNIQUE INDEX bank_transactions_linked_payment_idx
                    ON bank_transactions (linked_payment_id) WHERE linked_payment_id IS NOT NULL;

                -- Who pays for whom, learned when a person applies a line to one customer.
                CREATE TABLE bank_payers (
                    customer_id  uuid NOT NULL REFERENCES customers (id),
                    kind         text NOT NULL CHECK (kind IN ('ACCOUNT', 'NAME')),
                    value        text NOT NULL,
                    learned_at   timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (kind, value, customer_id)
                );

                ALTER TABLE payments
                    ADD COLUMN bank_transaction_id uuid REFERENCES bank_transactions (id);
                CREATE INDEX payments_bank_transaction_idx ON payments (bank_transaction_id)
                    WHERE bank_transaction_id IS NOT NULL;

                ALTER TABLE company_settings
                    ADD COLUMN auto_apply_confidence numeric(3, 2)
                        CHECK (auto_apply_confidence BETWEEN 0.5 AND 1);
                "#,
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "ALTER TABLE company_settings DROP COLUMN auto_apply_confidence;
                 ALTER TABLE payments DROP COLUMN bank_transaction_id;
                 DROP TABLE bank_payers;
                 DROP TABLE bank_transactions;
                 DROP TABLE bank_statement_imports;
                 DROP TABLE bank_accounts;",
            )
            .await?;
        Ok(())
    }
}
