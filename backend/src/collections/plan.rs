//! What a dunning run (or its preview) reads: the ladders, who is on which, and every open
//! invoice within reach of a ladder with what the decision needs. One read for the company,
//! shared by `previewDunningRun` and the run itself, so a preview shows what a run does.

use crate::error::AppError;
use chrono::NaiveDate;
use domain::dunning::{self as rules, CustomerState, Decision, OpenInvoice, Step};
use domain::fees::FeeRule;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone, FromQueryResult)]
pub struct LadderRow {
    pub id: Uuid,
    pub name: String,
    pub is_default: bool,
    pub steps: serde_json::Value,
    pub fee_rule: Option<serde_json::Value>,
}

#[derive(Debug, Clone)]
pub struct Ladder {
    pub id: Uuid,
    pub name: String,
    pub is_default: bool,
    pub steps: Vec<Step>,
    pub fee_rule: Option<FeeRule>,
}

impl From<LadderRow> for Ladder {
    fn from(row: LadderRow) -> Self {
        Ladder {
            id: row.id,
            name: row.name,
            is_default: row.is_default,
            steps: serde_json::from_value(row.steps).unwrap_or_default(),
            fee_rule: row
                .fee_rule
                .and_then(|rule| serde_json::from_value(rule).ok()),
        }
    }
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct Candidate {
    pub customer_id: Uuid,
    pub code: String,
    pub name: String,
    pub segment: Option<String>,
    pub locale: Option<String>,
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
    pub currency: String,
    pub total: Decimal,
    pub balance: Decimal,
    pub disputed: bool,
    pub is_fee: bool,
    pub taken: Vec<i32>,
    /// What of the balance is past due on the day (less than the balance for an installment
    /// plan whose later installments are not yet due): what a percentage fee is charged on.
    pub overdue_part: Decimal,
    /// The customer's own currency (a legal case is kept in it).
    pub customer_currency: String,
    /// The last day any fee has been charged for, when one has: interest starts after it.
    pub fees_through: Option<NaiveDate>,
    /// Fees charged on this invoice so far (waived ones included: a waiver is not a refund of
    /// the cap), for the interest cap.
    pub fees_charged: Decimal,
}

/// Open invoices within reach of a ladder on `$1` (from 60 days before their due date), with
/// what the decision needs about their customer; `$3` is the company's time zone. An installment plan dates each invoice by its
/// earliest unpaid installment.
const CANDIDATES: &str = r#"
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
       coalesce((SELECT sum(r.amount) FROM receivable_items r WHERE r.invoice_id = i.id AND r.due_date < $1::date), 0) AS overdue_part,
       c.currency::text AS customer_currency,
       (SELECT max(f.period_to) FROM late_fees f WHERE f.invoice_id = i.id) AS fees_through,
       coalesce((SELECT sum(f.amount) FROM late_fees f WHERE f.invoice_id = i.id), 0) AS fees_charged
FROM invoices i JOIN customers c ON c.id = i.customer_id
-- The last time the customer said it had paid, for the payment-in-flight pause.
LEFT JOIN LATERAL (
    SELECT max(a.occurred_at) AS at FROM collection_activities a
    WHERE a.customer_id = c.id AND a.outcome = 'PAYMENT_CONFIRMED' AND (a.occurred_at AT TIME ZONE $3)::date <= $1::date
) said ON true
WHERE i.status IN ('ISSUED', 'PARTIALLY_PAID') AND i.due_date <= $1::date + 60 AND c.archived_at IS NULL
  AND ($2::uuid IS NULL OR c.id = $2)
ORDER BY c.name, c.id, i.due_date, i.id
"#;

/// The company's dunning data as of a day.
pub struct Plan {
    pub ladders: Vec<Ladder>,
    pub segments: HashMap<String, Uuid>,
    pub rows: Vec<Candidate>,
}

pub async fn load(
    conn: &impl ConnectionTrait,
    date: NaiveDate,
    time_zone: &str,
) -> Result<Plan, AppError> {
    let ladders = LadderRow::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        "SELECT id, name, is_default, steps, fee_rule FROM dunning_policies",
    ))
    .all(conn)
    .await?
    .into_iter()
    .map(Ladder::from)
    .collect();
    let segments = conn
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT segment, policy_id FROM dunning_segment_policies",
        ))
        .await?
        .into_iter()
        .filter_map(|row| {
            Some((
                row.try_get::<String>("", "segment").ok()?,
                row.try_get::<Uuid>("", "policy_id").ok()?,
            ))
        })
        .collect();
    let rows = candidates(conn, date, time_zone, None).await?;
    Ok(Plan {
        ladders,
        segments,
        rows,
    })
}

/// Open invoices within reach of a ladder on `date`: every customer's, or one's.
pub async fn candidates(
    conn: &impl ConnectionTrait,
    date: NaiveDate,
    time_zone: &str,
    customer: Option<Uuid>,
) -> Result<Vec<Candidate>, AppError> {
    Ok(Candidate::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        CANDIDATES,
        [date.into(), customer.into(), time_zone.into()],
    ))
    .all(conn)
    .await?)
}

/// One customer's open invoices and what the ladder asks of them.
pub struct CustomerPlan<'a> {
    pub rows: &'a [Candidate],
    pub ladder: &'a Ladder,
    pub decision: Decision,
    /// What the ladder would ask without the pause, when paused.
    pub held_back: Vec<rules::DueStep>,
}

impl CustomerPlan<'_> {
    pub fn first(&self) -> &Candidate {
        &self.rows[0]
    }

    pub fn row(&self, invoice: Uuid) -> Option<&Candidate> {
        self.rows.iter().find(|row| row.invoice_id == invoice)
    }
}

impl Plan {
    fn ladder_of(&self, row: &Candidate) -> Option<&Ladder> {
        row.policy_id
            .or_else(|| {
                row.segment
                    .as_ref()
                    .and_then(|segment| self.segments.get(segment).copied())
            })
            .and_then(|id| self.ladders.iter().find(|ladder| ladder.id == id))
            .or_else(|| self.ladders.iter().find(|ladder| ladder.is_default))
    }

    /// Each customer with open invoices, in name order, with its decision for `date`.
    pub fn customers(&self, date: NaiveDate) -> Vec<CustomerPlan<'_>> {
        self.rows
            .chunk_by(|a, b| a.customer_id == b.customer_id)
            .filter_map(|group| self.decide(group, date))
            .collect()
    }

    /// The decision for one customer's rows: the plan's own, or read again in the customer's
    /// transaction.
    pub fn decide<'a>(
        &'a self,
        group: &'a [Candidate],
        date: NaiveDate,
    ) -> Option<CustomerPlan<'a>> {
        let first = group.first()?;
        let ladder = self.ladder_of(first)?;
        let state = CustomerState {
            paused_until: first.paused_until,
            open_promise: first.open_promise,
            payment_in_flight: rules::payment_in_flight(first.said_paid_on, first.paid_since, date),
            escalate: first.escalate,
        };
        let invoices: Vec<OpenInvoice> = group
            .iter()
            .map(|row| OpenInvoice {
                id: row.invoice_id,
                due_date: row.due_date,
                balance: row.balance,
                disputed: row.disputed,
                taken: row.taken.clone(),
            })
            .collect();
        let decision = rules::decide(&ladder.steps, &state, &invoices, date);
        let held_back = match &decision {
            Decision::Paused(_) => {
                match rules::decide(&ladder.steps, &CustomerState::default(), &invoices, date) {
                    Decision::Due(held) => held,
                    Decision::Paused(_) => Vec::new(),
                }
            }
            Decision::Due(_) => Vec::new(),
        };
        Some(CustomerPlan {
            rows: group,
            ladder,
            decision,
            held_back,
        })
    }
}
