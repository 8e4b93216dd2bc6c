//! What a dunning run (or its preview) reads: the ladders, the segments' ladders, and every open
//! invoice within reach of a ladder with what the decision needs about it and its customer.

use super::{Steps, StoredFeeRule};
use chrono::NaiveDate;
use domain::{Currency, Locale};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

#[derive(Debug, Clone, FromQueryResult)]
pub struct LadderRow {
    pub id: Uuid,
    pub name: String,
    pub is_default: bool,
    pub steps: Steps,
    pub fee_rule: Option<StoredFeeRule>,
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct SegmentRow {
    pub segment: String,
    pub policy_id: Uuid,
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct Candidate {
    pub customer_id: Uuid,
    pub code: String,
    pub name: String,
    pub segment: Option<String>,
    /// The customer's own language, when it has one (else the company's).
    pub locale: Option<Locale>,
    pub collector_id: Option<Uuid>,
    pub salesperson_id: Option<Uuid>,
    pub policy_id: Option<Uuid>,
    pub paused_until: Option<NaiveDate>,
    pub open_promise: bool,
    pub said_paid_on: Option<NaiveDate>,
    pub paid_since: bool,
    pub escalate: bool,
    pub credit_hold: bool,
    pub invoice_id: Uuid,
    pub number: Option<String>,
    pub due_date: NaiveDate,
    pub currency: Currency,
    pub total: Decimal,
    pub balance: Decimal,
    pub disputed: bool,
    pub is_fee: bool,
    pub taken: Vec<i32>,
    /// What of the balance is past due on the day (less than the balance for an installment
    /// plan whose later installments are not yet due): what a percentage fee is charged on.
    pub overdue_part: Decimal,
    /// The customer's own currency (a legal case is kept in it).
    pub customer_currency: Currency,
    /// The last day any fee has been charged for, when one has: interest starts after it.
    pub fees_through: Option<NaiveDate>,
    /// Fees charged on this invoice so far (waived ones included: a waiver is not a refund of
    /// the cap), for the interest cap.
    pub fees_charged: Decimal,
}

/// Open invoices within reach of a ladder on `$1` (from 60 days before their due date; every
/// installment plan, which the decision dates by its earliest unpaid installment), with
/// what the decision needs about their customer; `$3` is the company's time zone. `$filter`
/// picks the customers: one statement for all and one for some (`$2`), each planned for its own
/// case; a `$2 IS NULL OR` in one plan would read every customer's invoices to run a few.
macro_rules! candidates {
    ($filter:literal) => {
        concat!(
            r#"
SELECT c.id AS customer_id, c.code, c.name, c.segment, c.locale, c.collector_id, c.salesperson_id,
       c.dunning_policy_id AS policy_id, c.dunning_paused_until AS paused_until, c.credit_hold,
       EXISTS (SELECT 1 FROM promises p WHERE p.customer_id = c.id AND p.status = 'OPEN') AS open_promise,
       (said.at AT TIME ZONE $3)::date AS said_paid_on,
       -- Settled since: a payment recorded, or the payment provider reporting the payment failed
       -- (an activity Stripe logs, `billing::online::PROVIDER_LABEL`, with any other outcome).
       (EXISTS (SELECT 1 FROM payments p WHERE p.customer_id = c.id AND p.created_at > said.at)
        OR EXISTS (SELECT 1 FROM collection_activities f
                   WHERE f.customer_id = c.id AND f.logged_by_label = 'Stripe'
                     AND f.outcome <> 'PAYMENT_CONFIRMED' AND f.occurred_at > said.at)) AS paid_since,
       EXISTS (SELECT 1 FROM promises p WHERE p.customer_id = c.id AND p.status = 'BROKEN'
               AND p.settled_at > coalesce((SELECT max(a.created_at) FROM dunning_actions a WHERE a.customer_id = c.id), '-infinity')
       ) AS escalate,
       i.id AS invoice_id, i.number, i.currency::text AS currency, i.total, i.balance_due AS balance,
       CASE WHEN i.installment_plan
            THEN coalesce((SELECT min(r.due_date) FROM receivable_items r WHERE r.invoice_id = i.id AND r.amount > 0), i.due_date)
            ELSE i.due_date END AS due_date,
       EXISTS (SELECT 1 FROM disputes d WHERE d.invoice_id = i.id AND d.status = 'OPEN') AS disputed,
       i.fee_for_invoice_id IS NOT NULL AS is_fee,
       coalesce((SELECT array_agg(a.step_offset) FROM dunning_actions a WHERE a.invoice_id = i.id), '{}') AS taken,
       -- An open invoice without installments is one receivable item: its balance, at its due date.
       CASE WHEN i.installment_plan
            THEN coalesce((SELECT sum(r.amount) FROM receivable_items r WHERE r.invoice_id = i.id AND r.due_date < $1::date), 0)
            WHEN i.due_date < $1::date THEN i.balance_due
            ELSE 0 END AS overdue_part,
       c.currency::text AS customer_currency,
       (SELECT max(f.period_to) FROM late_fees f WHERE f.invoice_id = i.id) AS fees_through,
       coalesce((SELECT sum(f.amount) FROM late_fees f WHERE f.invoice_id = i.id), 0) AS fees_charged
FROM invoices i JOIN customers c ON c.id = i.customer_id
-- The last time the customer said it had paid, for the payment-in-flight pause.
LEFT JOIN LATERAL (
    SELECT max(a.occurred_at) AS at FROM collection_activities a
    WHERE a.customer_id = c.id AND a.outcome = 'PAYMENT_CONFIRMED' AND (a.occurred_at AT TIME ZONE $3)::date <= $1::date
) said ON true
WHERE i.status IN "#,
            domain::open_statuses!(),
            // An installment plan is within reach by its installments, whatever its own due
            // date: the decision dates it by its earliest unpaid one.
            r#" AND (i.due_date <= $1::date + 60 OR i.installment_plan) AND c.archived_at IS NULL AND "#,
            $filter,
            r#"
ORDER BY c.name, c.id, i.due_date, i.id
"#
        )
    };
}

pub async fn ladders(conn: &impl ConnectionTrait) -> Result<Vec<LadderRow>, DbErr> {
    LadderRow::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        "SELECT id, name, is_default, steps, fee_rule FROM dunning_policies",
    ))
    .all(conn)
    .await
}

pub async fn segments(conn: &impl ConnectionTrait) -> Result<Vec<SegmentRow>, DbErr> {
    SegmentRow::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        "SELECT segment, policy_id FROM dunning_segment_policies",
    ))
    .all(conn)
    .await
}

/// Open invoices within reach of a ladder on `date`: every customer's, or those of some.
pub async fn candidates(
    conn: &impl ConnectionTrait,
    date: NaiveDate,
    time_zone: &str,
    customers: Option<&[Uuid]>,
) -> Result<Vec<Candidate>, DbErr> {
    let statement = match customers {
        Some(customers) => Statement::from_sql_and_values(
            DbBackend::Postgres,
            candidates!("i.customer_id = ANY($2::uuid[])"),
            [date.into(), customers.to_vec().into(), time_zone.into()],
        ),
        None => Statement::from_sql_and_values(
            DbBackend::Postgres,
            candidates!("$2::uuid IS NULL"),
            [date.into(), None::<Uuid>.into(), time_zone.into()],
        ),
    };
    Candidate::find_by_statement(statement).all(conn).await
}
