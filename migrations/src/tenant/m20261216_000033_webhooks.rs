//! Outgoing webhooks: a company's endpoints, the events that happened, and one delivery per
//! event and endpoint, with every attempt logged.
//!
//! Events are written by triggers on the rows they are about (invoices, payments, promises,
//! customers, disputes, approval requests), in the statement that changes the row: a change
//! rolled back sends nothing, and no path (the API, an import, a dunning run, an approval, a
//! bank match) can change a row without its event. Each trigger is per statement, set-based,
//! and does nothing while no endpoint listens.
//!
//! An event's `sequence` increases across the company. Two events about one resource come
//! from two changes of its row, which the row lock puts one after the other, so the later
//! change has the higher number. A delivery waits while an earlier one for the same endpoint
//! and resource is pending.
//!
//! A new delivery asks for its job on the control plane's queue through `webhook_wake`, which
//! runs as the owner (the tenant's role cannot write the queue) and names this company only.

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
                CREATE TABLE webhook_endpoints (
                    id                    uuid PRIMARY KEY,
                    url                   text NOT NULL,
                    description           text,
                    events                text[] NOT NULL CHECK (cardinality(events) > 0),
                    enabled               boolean NOT NULL DEFAULT true,
                    disabled_because      text CHECK (disabled_because IN ('MEMBER', 'FAILING')),
                    disabled_at           timestamptz,
                    -- Sealed under the server's key (`secrets::Sealer`), with this row's id.
                    secret                bytea NOT NULL,
                    secret_hint           text NOT NULL,
                    previous_secret       bytea,
                    previous_secret_until timestamptz,
                    -- The first failed attempt of the current streak, and the latest.
                    failing_since         timestamptz,
                    last_failed_at        timestamptz,
                    created_by            text NOT NULL,
                    created_at            timestamptz NOT NULL DEFAULT now(),
                    updated_at            timestamptz NOT NULL DEFAULT now(),
                    deleted_at            timestamptz,
                    CHECK (enabled = (disabled_because IS NULL)),
                    CHECK ((previous_secret IS NULL) = (previous_secret_until IS NULL))
                );
                CREATE INDEX webhook_endpoints_list_idx ON webhook_endpoints (created_at, id)
                    WHERE deleted_at IS NULL;

                CREATE TABLE webhook_events (
                    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                    sequence      bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
                    type          text NOT NULL,
                    resource_type text NOT NULL,
                    resource_id   uuid NOT NULL,
                    data          jsonb NOT NULL,
                    created_at    timestamptz NOT NULL DEFAULT now()
                );

                CREATE TABLE webhook_deliveries (
                    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                    endpoint_id     uuid NOT NULL REFERENCES webhook_endpoints (id),
                    event_id        uuid NOT NULL REFERENCES webhook_events (id),
                    -- The event's, kept here for the order of one resource's deliveries.
                    resource_id     uuid NOT NULL,
                    sequence        bigint NOT NULL,
                    -- A delivery sent again by hand; it neither waits for nor holds up others.
                    redelivery_of   uuid REFERENCES webhook_deliveries (id),
                    status          text NOT NULL DEFAULT 'PENDING'
                                    CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
                    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                    next_attempt_at timestamptz,
                    -- Held by the attempt under way, so two workers never send it at once.
                    leased_until    timestamptz,
                    last_status     integer,
                    last_error      text,
                    created_at      timestamptz NOT NULL DEFAULT now(),
                    finished_at     timestamptz,
                    CHECK ((status = 'PENDING') = (finished_at IS NULL))
                );
                CREATE INDEX webhook_deliveries_list_idx ON webhook_deliveries (created_at DESC, id DESC);
                CREATE INDEX webhook_deliveries_endpoint_idx
                    ON webhook_deliveries (endpoint_id, created_at DESC, id DESC);
                -- Forgetting the old log: by its end, by its event, by what resent it.
                CREATE INDEX webhook_deliveries_finished_idx ON webhook_deliveries (finished_at)
                    WHERE finished_at IS NOT NULL;
                CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id);
                CREATE INDEX webhook_deliveries_resent_idx ON webhook_deliveries (redelivery_of)
                    WHERE redelivery_of IS NOT NULL;
                CREATE INDEX webhook_events_created_idx ON webhook_events (created_at);
                CREATE INDEX webhook_deliveries_waiting_idx
                    ON webhook_deliveries (endpoint_id, resource_id, sequence)
                    WHERE status = 'PENDING' AND redelivery_of IS NULL;

                CREATE TABLE webhook_attempts (
                    id               uuid PRIMARY KEY,
                    delivery_id      uuid NOT NULL REFERENCES webhook_deliveries (id),
                    attempted_at     timestamptz NOT NULL,
                    status_code      integer,
                    latency_ms       integer NOT NULL,
                    response_excerpt text,
                    error            text,
                    -- An answer's status, or why there was none (refused address, timeout, no connection).
                    CHECK (status_code IS NOT NULL OR error IS NOT NULL)
                );
                CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, attempted_at);

                -- Money as the API shows it: rounded half away from zero to the currency's
                -- minor unit (ISO 4217; a test compares it with `domain::money`).
                CREATE FUNCTION webhook_amount(amount numeric, currency text) RETURNS text
                LANGUAGE sql IMMUTABLE AS $$
                    SELECT round(amount, CASE
                        WHEN currency IN ('BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW',
                                          'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF',
                                          'XPF') THEN 0
                        WHEN currency IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND') THEN 3
                        WHEN currency IN ('CLF', 'UYW') THEN 4
                        ELSE 2 END)::text
                $$;

                -- Asks the queue for each new delivery's first attempt.
                CREATE FUNCTION webhook_wake(deliveries uuid[]) RETURNS void
                LANGUAGE sql SECURITY DEFINER SET search_path FROM CURRENT AS $$
                    INSERT INTO public.jobs (id, kind, tenant_id, payload)
                    SELECT gen_random_uuid(), 'webhooks.deliver', t.id,
                           jsonb_build_object('deliveryId', d.id, 'attempt', 1)
                    FROM public.tenants t, unnest(deliveries) AS d(id)
                    WHERE t.schema_name = current_schema()
                $$;
                REVOKE ALL ON FUNCTION webhook_wake(uuid[]) FROM PUBLIC;
                DO $$ BEGIN
                    EXECUTE format('GRANT EXECUTE ON FUNCTION webhook_wake(uuid[]) TO %I', current_schema());
                END $$;

                -- Records events (type, resource, data) and a delivery for each endpoint that
                -- listens, then wakes the deliveries. Called by each trigger with its events.
                CREATE FUNCTION webhook_record(happened jsonb) RETURNS void
                LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
                DECLARE
                    woken uuid[];
                BEGIN
                    WITH recorded AS (
                        INSERT INTO webhook_events (type, resource_type, resource_id, data)
                        SELECT h.e ->> 'type', h.e ->> 'resource_type',
                               (h.e ->> 'resource_id')::uuid, h.e -> 'data'
                        FROM jsonb_array_elements(happened) WITH ORDINALITY AS h(e, n)
                        WHERE EXISTS (SELECT 1 FROM webhook_endpoints w
                                      WHERE w.enabled AND w.deleted_at IS NULL
                                        AND h.e ->> 'type' = ANY (w.events))
                        ORDER BY h.e ->> 'resource_id', h.n
                        RETURNING id, sequence, type, resource_id
                    ), queued AS (
                        INSERT INTO webhook_deliveries (endpoint_id, event_id, resource_id, sequence)
                        SELECT e.id, r.id, r.resource_id, r.sequence
                        FROM recorded r
                        JOIN webhook_endpoints e
                          ON e.enabled AND e.deleted_at IS NULL AND r.type = ANY (e.events)
                        RETURNING id
                    )
                    SELECT array_agg(id) INTO woken FROM queued;
                    IF woken IS NOT NULL THEN
                        PERFORM webhook_wake(woken);
                    END IF;
                END $$;

                -- Whether any endpoint listens: the triggers' one query when none does.
                CREATE FUNCTION webhook_listened() RETURNS boolean
                LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
                    SELECT EXISTS (SELECT 1 FROM webhook_endpoints WHERE enabled AND deleted_at IS NULL)
                $$;

                CREATE FUNCTION webhook_invoice_data(i invoices) RETURNS jsonb
                LANGUAGE sql STABLE AS $$
                    SELECT jsonb_build_object(
                        'id', i.id, 'number', i.number, 'customerId', i.customer_id,
                        'status', i.status, 'currency', i.currency,
                        'issueDate', i.issue_date, 'dueDate', i.due_date,
                        'total', webhook_amount(i.total, i.currency),
                        'amountPaid', webhook_amount(i.amount_paid, i.currency),
                        'amountCredited', webhook_amount(i.amount_credited, i.currency),
                        'amountWrittenOff', webhook_amount(i.amount_written_off, i.currency),
                        'balanceDue', webhook_amount(i.balance_due, i.currency),
                        'externalRef', i.external_ref, 'voidReason', i.void_reason,
                        'writeOffReason', i.write_off_reason)
                $$;

                CREATE FUNCTION webhook_invoices_changed() RETURNS trigger
                LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
                BEGIN
                    IF NOT webhook_listened() THEN RETURN NULL; END IF;
                    PERFORM webhook_record(coalesce(jsonb_agg(jsonb_build_object(
                        'type', c.type, 'resource_type', 'invoice', 'resource_id', c.id,
                        'data', c.data)), '[]'))
                    FROM (
                        SELECT n.id, webhook_invoice_data(n) AS data, CASE
                            WHEN n.status = 'PAID' THEN 'invoice.paid'
                            -- A draft voided was never issued: nobody heard of it.
                            WHEN n.status = 'VOID' AND o.status <> 'DRAFT' THEN 'invoice.voided'
                            WHEN n.status = 'WRITTEN_OFF' THEN 'invoice.written_off'
                            WHEN n.status IN ('ISSUED', 'PARTIALLY_PAID')
                                 AND (o.status IS NULL OR o.status = 'DRAFT') THEN 'invoice.issued'
                            END AS type
                        FROM added n LEFT JOIN removed o ON o.id = n.id
                        WHERE o.status IS DISTINCT FROM n.status
                    ) c
                    WHERE c.type IS NOT NULL;
                    RETURN NULL;
                END $$;

                CREATE FUNCTION webhook_invoices_added() RETURNS trigger
                LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
                BEGIN
                    IF NOT webhook_listened() THEN RETURN NULL; END IF;
                    -- An invoice recorded paid (an import) was issued first.
                    PERFORM webhook_record(coalesce(jsonb_agg(e.event ORDER BY e.id, e.step), '[]'))
                    FROM (
                        SELECT n.id, 1 AS step, jsonb_build_object(
                            'type', 'invoice.issued', 'resource_type', 'invoice', 'resource_id', n.id,
                            'data', webhook_invoice_data(n)) AS event
                        FROM added n WHERE n.status IN ('ISSUED', 'PARTIALLY_PAID', 'PAID')
                        UNION ALL
                        SELECT n.id, 2, jsonb_build_object(
                            'type', 'invoice.paid', 'resource_type', 'invoice', 'resource_id', n.id,
                            'data', webhook_invoice_data(n))
                        FROM added n WHERE n.status = 'PAID'
                    ) e;
                    RETURN NULL;
                END $$;

                CREATE TRIGGER webhook_invoices_insert AFTER INSERT ON invoices
                    REFERENCING NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION webhook_invoices_added();
                CREATE TRIGGER webhook_invoices_update AFTER UPDATE ON invoices
                    REFERENCING OLD TABLE AS removed NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION webhook_invoices_changed();

                CREATE FUNCTION webhook_payment_data(p payments) RETURNS jsonb
                LANGUAGE sql STABLE AS $$
                    SELECT jsonb_build_object(
                        'id', p.id, 'customerId', p.customer_id,
                        'amount', webhook_amount(p.amount, p.currency), 'currency', p.currency,
                        'receivedOn', p.received_on, 'method', p.method, 'reference', p.reference)
                $$;

                CREATE FUNCTION webhook_payments_added() RETURNS trigger
                LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
                BEGIN
                    IF NOT webhook_listened() THEN RETURN NULL; END IF;
                    PERFORM webhook_record(coalesce(jsonb_agg(jsonb_build_object(
                        'type', 'payment.recorded', 'resource_type', 'payment', 'resource_id', n.id,
                        'data', webhook_payment_data(n))), '[]'))
                    FROM added n;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER webhook_payments_insert AFTER INSERT ON payments
                    REFERENCING NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION webhook_payments_added();

                CREATE FUNCTION webhook_payments_reversed() RETURNS trigger
                LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
                BEGIN
                    IF NOT webhook_listened() THEN RETURN NULL; END IF;
                    PERFORM webhook_record(coalesce(jsonb_agg(jsonb_build_object(
                        'type', 'payment.reversed', 'resource_type', 'payment', 'resource_id', p.id,
                        'data', webhook_payment_data(p)
                                || jsonb_build_object('reversalReason', r.reason,
                                                      'reversedAt', r.reversed_at))), '[]'))
                    FROM added r JOIN payments p ON p.id = r.payment_id;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER webhook_payment_reversals_insert AFTER INSERT ON payment_reversals
                    REFERENCING NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION webhook_payments_reversed();

                CREATE FUNCTION webhook_promise_data(p promises) RETURNS jsonb
                LANGUAGE sql STABLE AS $$
                    SELECT jsonb_build_object(
                        'id', p.id, 'customerId', p.customer_id, 'status', p.status,
                        'amount', webhook_amount(p.amount, p.currency), 'currency', p.currency,
                        'promisedDate', p.promised_date, 'promisedBy', p.promised_by,
                        'paidAmount', webhook_amount(p.paid_amount, p.currency))
                $$;

                CREATE FUNCTION webhook_promises_changed() RETURNS trigger
                LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
                BEGIN
                    IF NOT webhook_listened() THEN RETURN NULL; END IF;
                    IF TG_OP = 'INSERT' THEN
                        PERFORM webhook_record(coalesce(jsonb_agg(jsonb_build_object(
                            'type', 'promise.created', 'resource_type', 'promise', 'resource_id', n.id,
                            'data', webhook_promise_data(n))), '[]'))
                        FROM added n;
                    ELSE
                        -- Partly kept is a promise not kept in full: broken, with its status.
                        PERFORM webhook_record(coalesce(jsonb_agg(jsonb_build_object(
                            'type', CASE WHEN n.status = 'KEPT' THEN 'promise.kept' ELSE 'promise.broken' END,
                            'resource_type', 'promise', 'resource_id', n.id,
                            'data', webhook_promise_data(n))), '[]'))
                        FROM added n JOIN removed o ON o.id = n.id
                        WHERE o.status = 'OPEN' AND n.status IN ('KEPT', 'PARTIALLY_KEPT', 'BROKEN');
                    END IF;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER webhook_promises_insert AFTER INSERT ON promises
                    REFERENCING NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION webhook_promises_changed();
                CREATE TRIGGER webhook_promises_update AFTER UPDATE ON promises
                    REFERENCING OLD TABLE AS removed NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION webhook_promises_changed();

                CREATE FUNCTION webhook_customers_changed() RETURNS trigger
                LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
                BEGIN
                    IF NOT webhook_listened() THEN RETURN NULL; END IF;
                    PERFORM webhook_record(coalesce(jsonb_agg(c.event), '[]'))
                    FROM (
                        SELECT jsonb_build_object(
                            'type', 'customer.credit_hold_changed', 'resource_type', 'customer',
                            'resource_id', n.id,
                            'data', jsonb_build_object(
                                'id', n.id, 'code', n.code, 'name', n.name,
                                'creditHold', n.credit_hold, 'creditHoldReason', n.credit_hold_reason,
                                'creditHoldSince', n.credit_hold_since)) AS event
                        FROM added n JOIN removed o ON o.id = n.id
                        WHERE o.credit_hold IS DISTINCT FROM n.credit_hold
                        UNION ALL
                        SELECT jsonb_build_object(
                            'type', 'customer.credit_limit_changed', 'resource_type', 'customer',
                            'resource_id', n.id,
                            'data', jsonb_build_object(
                                'id', n.id, 'code', n.code, 'name', n.name, 'currency', n.currency,
                                'creditLimit', webhook_amount(n.credit_limit, n.currency),
                                'previousCreditLimit', webhook_amount(o.credit_limit, o.currency)))
                        FROM added n JOIN removed o ON o.id = n.id
                        WHERE o.credit_limit IS DISTINCT FROM n.credit_limit
                    ) c;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER webhook_customers_update AFTER UPDATE ON customers
                    REFERENCING OLD TABLE AS removed NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION webhook_customers_changed();

                CREATE FUNCTION webhook_dispute_data(n disputes) RETURNS jsonb
                LANGUAGE sql STABLE AS $$
                    SELECT jsonb_build_object(
                        'id', n.id, 'invoiceId', n.invoice_id, 'customerId', i.customer_id,
                        'status', n.status, 'reason', n.reason, 'currency', i.currency,
                        'amount', webhook_amount(n.amount, i.currency),
                        'resolutionNote', n.resolution_note,
                        'openedAt', n.opened_at, 'resolvedAt', n.resolved_at)
                    FROM invoices i WHERE i.id = n.invoice_id
                $$;

                CREATE FUNCTION webhook_disputes_changed() RETURNS trigger
                LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
                BEGIN
                    IF NOT webhook_listened() THEN RETURN NULL; END IF;
                    IF TG_OP = 'INSERT' THEN
                        PERFORM webhook_record(coalesce(jsonb_agg(jsonb_build_object(
                            'type', 'dispute.opened', 'resource_type', 'dispute', 'resource_id', n.id,
                            'data', webhook_dispute_data(n))), '[]'))
                        FROM added n WHERE n.status = 'OPEN';
                    ELSE
                        PERFORM webhook_record(coalesce(jsonb_agg(jsonb_build_object(
                            'type', 'dispute.resolved', 'resource_type', 'dispute', 'resource_id', n.id,
                            'data', webhook_dispute_data(n))), '[]'))
                        FROM added n JOIN removed o ON o.id = n.id
                        WHERE o.status = 'OPEN' AND n.status <> 'OPEN';
                    END IF;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER webhook_disputes_insert AFTER INSERT ON disputes
                    REFERENCING NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION webhook_disputes_changed();
                CREATE TRIGGER webhook_disputes_update AFTER UPDATE ON disputes
                    REFERENCING OLD TABLE AS removed NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION webhook_disputes_changed();

                CREATE FUNCTION webhook_approvals_decided() RETURNS trigger
                LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
                BEGIN
                    IF NOT webhook_listened() THEN RETURN NULL; END IF;
                    PERFORM webhook_record(coalesce(jsonb_agg(jsonb_build_object(
                        'type', 'approval.decided', 'resource_type', 'approval', 'resource_id', n.id,
                        'data', jsonb_build_object(
                            'id', n.id, 'action', n.action, 'status', n.status,
                            'subjectType', n.subject_type, 'subjectId', n.subject_id,
                            'customerId', n.customer_id, 'currency', n.currency,
                            'amount', webhook_amount(n.amount, n.currency),
                            'decidedAt', n.decided_at, 'failureCode', n.failure_code))), '[]'))
                    FROM added n JOIN removed o ON o.id = n.id
                    WHERE o.status = 'PENDING' AND n.status IN ('APPROVED', 'REJECTED', 'FAILED');
                    RETURN NULL;
                END $$;
                CREATE TRIGGER webhook_approvals_update AFTER UPDATE ON approval_requests
                    REFERENCING OLD TABLE AS removed NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION webhook_approvals_decided();
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
                DROP TRIGGER webhook_approvals_update ON approval_requests;
                DROP TRIGGER webhook_disputes_update ON disputes;
                DROP TRIGGER webhook_disputes_insert ON disputes;
                DROP TRIGGER webhook_customers_update ON customers;
                DROP TRIGGER webhook_promises_update ON promises;
                DROP TRIGGER webhook_promises_insert ON promises;
                DROP TRIGGER webhook_payment_reversals_insert ON payment_reversals;
                DROP TRIGGER webhook_payments_insert ON payments;
                DROP TRIGGER webhook_invoices_update ON invoices;
                DROP TRIGGER webhook_invoices_insert ON invoices;
                DROP FUNCTION webhook_approvals_decided(), webhook_dispute_data(disputes),
                    webhook_disputes_changed(), webhook_customers_changed(),
                    webhook_promises_changed(), webhook_payments_reversed(),
                    webhook_payments_added(), webhook_payment_data(payments),
                    webhook_promise_data(promises), webhook_invoices_added(),
                    webhook_invoices_changed(), webhook_invoice_data(invoices),
                    webhook_listened(), webhook_record(jsonb), webhook_wake(uuid[]),
                    webhook_amount(numeric, text);
                DROP TABLE webhook_attempts, webhook_deliveries, webhook_events, webhook_endpoints;
                "#,
            )
            .await?;
        Ok(())
    }
}
