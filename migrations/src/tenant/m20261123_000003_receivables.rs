//! The receivables core: customers and their contacts, credit policy history, invoices with lines,
//! gap-free invoice numbering, payments, allocations and their reversals.
//!
//! Money movements are append-only (DESIGN.md §4): `payments`, `allocations`,
//! `payment_reversals`, `credit_notes` and `credit_events` refuse UPDATE, DELETE and TRUNCATE. An invoice's
//! `amount_paid` and `balance_due` are kept for speed; they change only in the transaction that
//! writes the allocation, under the invoice's row lock, and checks stop them going out of range.

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
                CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION '% is append-only: correct it with a reversal', TG_TABLE_NAME
                        USING ERRCODE = 'insufficient_privilege';
                END
                $$;

                CREATE TABLE customers (
                    id                  uuid PRIMARY KEY,
                    code                text NOT NULL,
                    name                text NOT NULL,
                    tax_id              text,
                    billing_address     text,
                    segment             text,
                    tags                text[] NOT NULL DEFAULT '{}',
                    currency            char(3) NOT NULL,
                    terms_kind          text NOT NULL DEFAULT 'NET' CHECK (terms_kind IN ('NET', 'END_OF_MONTH')),
                    terms_days          integer NOT NULL DEFAULT 30 CHECK (terms_days BETWEEN 0 AND 365),
                    collector_id        uuid,
                    salesperson_id      uuid,
                    credit_limit        numeric(20, 4) CHECK (credit_limit >= 0),
                    credit_hold         boolean NOT NULL DEFAULT false,
                    credit_hold_reason  text,
                    credit_hold_since   timestamptz,
                    notes               text,
                    archived_at         timestamptz,
                    created_at          timestamptz NOT NULL DEFAULT now(),
                    updated_at          timestamptz NOT NULL DEFAULT now(),
                    CHECK (credit_hold = (credit_hold_reason IS NOT NULL))
                );
                CREATE UNIQUE INDEX customers_code_key ON customers (lower(code));
                CREATE INDEX customers_name_idx ON customers (lower(name), id);
                CREATE INDEX customers_collector_idx ON customers (collector_id) WHERE archived_at IS NULL;
                CREATE INDEX customers_segment_idx ON customers (segment) WHERE archived_at IS NULL;
                CREATE INDEX customers_search_trgm ON customers USING gin (name public.gin_trgm_ops, code public.gin_trgm_ops);

                CREATE TABLE customer_contacts (
                    id                uuid PRIMARY KEY,
                    customer_id       uuid NOT NULL REFERENCES customers (id),
                    position          integer NOT NULL,
                    name              text NOT NULL,
                    role              text,
                    email             text,
                    phone             text,
                    preferred_channel text,
                    UNIQUE (customer_id, position)
                );

                CREATE TABLE credit_events (
                    id           uuid PRIMARY KEY,
                    customer_id  uuid NOT NULL REFERENCES customers (id),
                    kind         text NOT NULL CHECK (kind IN ('LIMIT_SET', 'HOLD_PLACED', 'HOLD_RELEASED')),
                    credit_limit numeric(20, 4),
                    previous_limit numeric(20, 4),
                    reason       text NOT NULL,
                    actor_label  text NOT NULL,
                    occurred_at  timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX credit_events_customer_idx ON credit_events (customer_id, occurred_at DESC);

                CREATE TABLE invoice_sequences (
                    name       text PRIMARY KEY,
                    next_value bigint NOT NULL CHECK (next_value > 0)
                );
                INSERT INTO invoice_sequences (name, next_value) VALUES ('invoice', 1), ('credit_note', 1);

                CREATE TABLE invoices (
                    id                 uuid PRIMARY KEY,
                    customer_id        uuid NOT NULL REFERENCES customers (id),
                    number             text,
                    status             text NOT NULL CHECK (status IN ('DRAFT', 'ISSUED', 'PARTIALLY_PAID', 'PAID', 'VOID', 'WRITTEN_OFF')),
                    issue_date         date NOT NULL,
                    due_date           date NOT NULL CHECK (due_date >= issue_date),
                    currency           char(3) NOT NULL,
                    subtotal           numeric(20, 4) NOT NULL,
                    tax_total          numeric(20, 4) NOT NULL,
                    total              numeric(20, 4) NOT NULL CHECK (total > 0),
                    amount_paid        numeric(20, 4) NOT NULL DEFAULT 0 CHECK (amount_paid >= 0),
                    amount_credited    numeric(20, 4) NOT NULL DEFAULT 0 CHECK (amount_credited >= 0),
                    amount_written_off numeric(20, 4) NOT NULL DEFAULT 0 CHECK (amount_written_off >= 0),
                    balance_due        numeric(20, 4) NOT NULL CHECK (balance_due >= 0),
                    external_ref       text,
                    notes              text,
                    credit_flag        text,
                    -- Set while installments exist: aging then follows them, not due_date.
                    installment_plan   boolean NOT NULL DEFAULT false,
                    issued_at          timestamptz,
                    voided_at          timestamptz,
                    void_reason        text,
                    written_off_at     timestamptz,
                    write_off_reason   text,
                    created_at         timestamptz NOT NULL DEFAULT now(),
                    updated_at         timestamptz NOT NULL DEFAULT now(),
                    -- A void invoice owes nothing; every other invoice's balance follows from its amounts.
                    CHECK (status = 'VOID' OR balance_due = total - amount_paid - amount_credited - amount_written_off),
                    -- Drafts get their number when issued; a draft voided before that never has one.
                    CHECK (status IN ('DRAFT', 'VOID') OR number IS NOT NULL)
                );
                CREATE UNIQUE INDEX invoices_number_key ON invoices (number);
                CREATE UNIQUE INDEX invoices_external_ref_key ON invoices (external_ref);
                CREATE INDEX invoices_customer_idx ON invoices (customer_id, due_date);
                CREATE INDEX invoices_open_due_idx ON invoices (due_date, id) WHERE status IN ('ISSUED', 'PARTIALLY_PAID');
                CREATE INDEX invoices_issue_date_idx ON invoices (issue_date DESC, id DESC);
                CREATE INDEX invoices_status_idx ON invoices (status, due_date);
                -- Substring search ("INV-0004", part of a name) through trigram indexes.
                CREATE INDEX invoices_number_trgm ON invoices USING gin (number public.gin_trgm_ops);
                CREATE INDEX invoices_external_ref_trgm ON invoices USING gin (external_ref public.gin_trgm_ops);

                CREATE TABLE invoice_lines (
                    id          uuid PRIMARY KEY,
                    invoice_id  uuid NOT NULL REFERENCES invoices (id),
                    position    integer NOT NULL,
                    description text NOT NULL,
                    quantity    numeric(20, 4) NOT NULL CHECK (quantity > 0),
                    unit_price  numeric(24, 6) NOT NULL CHECK (unit_price >= 0),
                    tax_rate    numeric(7, 4) NOT NULL CHECK (tax_rate BETWEEN 0 AND 1),
                    net         numeric(20, 4) NOT NULL,
                    tax         numeric(20, 4) NOT NULL,
                    total       numeric(20, 4) NOT NULL,
                    UNIQUE (invoice_id, position)
                );

                CREATE TABLE payments (
                    id              uuid PRIMARY KEY,
                    customer_id     uuid NOT NULL REFERENCES customers (id),
                    amount          numeric(20, 4) NOT NULL CHECK (amount > 0),
                    currency        char(3) NOT NULL,
                    received_on     date NOT NULL,
                    method          text NOT NULL,
                    reference       text,
                    actor_label     text NOT NULL,
                    created_at      timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX payments_customer_idx ON payments (customer_id, received_on DESC);
                CREATE INDEX payments_received_idx ON payments (received_on DESC, id DESC);

                -- A money-moving request's idempotency key, with a digest of what was asked and
                -- what it produced: a retry with the same key and request gets the first result.
                CREATE TABLE idempotency_keys (
                    key            text PRIMARY KEY,
                    operation      text NOT NULL,
                    request_digest text NOT NULL,
                    result_id      uuid NOT NULL,
                    created_at     timestamptz NOT NULL DEFAULT now()
                );

                CREATE TABLE payment_reversals (
                    payment_id  uuid PRIMARY KEY REFERENCES payments (id),
                    reason      text NOT NULL,
                    actor_label text NOT NULL,
                    reversed_at timestamptz NOT NULL DEFAULT now()
                );

                -- One row per movement of money onto (positive) or off (negative, a reversal) an
                -- invoice. `reverses_id` links a reversal to what it undoes.
                CREATE TABLE allocations (
                    id          uuid PRIMARY KEY,
                    payment_id  uuid NOT NULL REFERENCES payments (id),
                    invoice_id  uuid NOT NULL REFERENCES invoices (id),
                    amount      numeric(20, 4) NOT NULL CHECK (amount <> 0),
                    reverses_id uuid UNIQUE REFERENCES allocations (id),
                    -- The request that made it (one payment, allocation, credit or reversal).
                    batch_id    uuid NOT NULL,
                    actor_label text NOT NULL,
                    created_at  timestamptz NOT NULL DEFAULT now(),
                    CHECK ((amount < 0) = (reverses_id IS NOT NULL))
                );
                CREATE INDEX allocations_invoice_idx ON allocations (invoice_id, created_at);
                CREATE INDEX allocations_payment_idx ON allocations (payment_id, created_at);
                CREATE INDEX allocations_batch_idx ON allocations (batch_id);

                CREATE TABLE disputes (
                    id              uuid PRIMARY KEY,
                    invoice_id      uuid NOT NULL REFERENCES invoices (id),
                    reason          text NOT NULL,
                    amount          numeric(20, 4) NOT NULL CHECK (amount > 0),
                    status          text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'RESOLVED', 'REJECTED')),
                    resolution_note text,
                    opened_by       text NOT NULL,
                    opened_at       timestamptz NOT NULL DEFAULT now(),
                    resolved_by     text,
                    resolved_at     timestamptz,
                    CHECK ((status = 'OPEN') = (resolved_at IS NULL))
                );
                CREATE INDEX disputes_invoice_idx ON disputes (invoice_id, opened_at DESC);
                CREATE INDEX disputes_open_idx ON disputes (invoice_id) WHERE status = 'OPEN';

                -- A credit note reduces one invoice's balance (a return, a price correction, a
                -- settled dispute).
                CREATE TABLE credit_notes (
                    id          uuid PRIMARY KEY,
                    number      text NOT NULL UNIQUE,
                    customer_id uuid NOT NULL REFERENCES customers (id),
                    invoice_id  uuid NOT NULL REFERENCES invoices (id),
                    amount      numeric(20, 4) NOT NULL CHECK (amount > 0),
                    currency    char(3) NOT NULL,
                    reason      text NOT NULL,
                    issued_on   date NOT NULL,
                    actor_label text NOT NULL,
                    created_at  timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX credit_notes_customer_idx ON credit_notes (customer_id, issued_on DESC);
                CREATE INDEX credit_notes_invoice_idx ON credit_notes (invoice_id);

                -- An installment plan splits an invoice's amount into dated parts; aging and
                -- dunning use their due dates.
                CREATE TABLE installments (
                    id         uuid PRIMARY KEY,
                    invoice_id uuid NOT NULL REFERENCES invoices (id),
                    seq        integer NOT NULL,
                    due_date   date NOT NULL,
                    amount     numeric(20, 4) NOT NULL CHECK (amount > 0),
                    UNIQUE (invoice_id, seq)
                );

                CREATE TRIGGER credit_notes_append_only BEFORE UPDATE OR DELETE ON credit_notes
                    FOR EACH ROW EXECUTE FUNCTION refuse_change();
                CREATE TRIGGER payments_append_only BEFORE UPDATE OR DELETE ON payments
                    FOR EACH ROW EXECUTE FUNCTION refuse_change();
                CREATE TRIGGER payment_reversals_append_only BEFORE UPDATE OR DELETE ON payment_reversals
                    FOR EACH ROW EXECUTE FUNCTION refuse_change();
                CREATE TRIGGER allocations_append_only BEFORE UPDATE OR DELETE ON allocations
                    FOR EACH ROW EXECUTE FUNCTION refuse_change();
                CREATE TRIGGER credit_events_append_only BEFORE UPDATE OR DELETE ON credit_events
                    FOR EACH ROW EXECUTE FUNCTION refuse_change();
                CREATE TRIGGER money_no_truncate BEFORE TRUNCATE ON payments
                    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
                CREATE TRIGGER allocations_no_truncate BEFORE TRUNCATE ON allocations
                    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
                CREATE TRIGGER payment_reversals_no_truncate BEFORE TRUNCATE ON payment_reversals
                    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
                CREATE TRIGGER credit_events_no_truncate BEFORE TRUNCATE ON credit_events
                    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
                CREATE TRIGGER credit_notes_no_truncate BEFORE TRUNCATE ON credit_notes
                    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

                -- What is owed and when: an open invoice's balance at its due date, or, for an
                -- invoice with an installment plan, each installment's unpaid part at its own
                -- due date (money received pays installments in order). Aging, overdue amounts
                -- and dunning read this, never `invoices.due_date` directly.
                CREATE VIEW receivable_items AS
                    SELECT i.id AS invoice_id, i.customer_id, i.currency, i.due_date, i.balance_due AS amount
                    FROM invoices i
                    WHERE i.status IN ('ISSUED', 'PARTIALLY_PAID') AND NOT i.installment_plan
                    UNION ALL
                    SELECT i.id, i.customer_id, i.currency, s.due_date,
                           least(s.amount, greatest(0,
                               sum(s.amount) OVER (PARTITION BY s.invoice_id ORDER BY s.seq)
                               - (i.total - i.balance_due)))
                    FROM invoices i JOIN installments s ON s.invoice_id = i.id
                    WHERE i.status IN ('ISSUED', 'PARTIALLY_PAID') AND i.installment_plan;

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
                DROP VIEW receivable_items;
                DROP TABLE idempotency_keys, installments, credit_notes, disputes, allocations, payment_reversals,
                           payments, invoice_lines, invoices,
                           invoice_sequences, credit_events, customer_contacts, customers;
                DROP FUNCTION refuse_change();
                "#,
            )
            .await?;
        Ok(())
    }
}
