//! The company's dunning data as of a day, and what each customer's ladder asks of it. One
//! read for the company, shared by `previewDunningRun` and the run itself, so a preview shows
//! what a run does.

use crate::collections::store::plan as store;
use crate::error::AppError;
use chrono::NaiveDate;
use domain::dunning::{self as rules, CustomerState, Decision, OpenInvoice, Step};
use domain::fees::FeeRule;
use sea_orm::ConnectionTrait;
use std::collections::HashMap;
use uuid::Uuid;

pub use crate::collections::store::plan::Candidate;

#[derive(Debug, Clone)]
pub struct Ladder {
    pub id: Uuid,
    pub name: String,
    pub is_default: bool,
    pub steps: Vec<Step>,
    pub fee_rule: Option<FeeRule>,
}

impl From<store::LadderRow> for Ladder {
    fn from(row: store::LadderRow) -> Self {
        Ladder {
            id: row.id,
            name: row.name,
            is_default: row.is_default,
            steps: row.steps.0,
            fee_rule: row.fee_rule.map(|rule| rule.0),
        }
    }
}

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
    let ladders = store::ladders(conn)
        .await?
        .into_iter()
        .map(Ladder::from)
        .collect();
    let segments = store::segments(conn)
        .await?
        .into_iter()
        .map(|row| (row.segment, row.policy_id))
        .collect();
    let rows = candidates(conn, date, time_zone, None).await?;
    Ok(Plan {
        ladders,
        segments,
        rows,
    })
}

/// Open invoices within reach of a ladder on `date`: every customer's, or those of some, in
/// the customers' order (each customer's together).
pub async fn candidates(
    conn: &impl ConnectionTrait,
    date: NaiveDate,
    time_zone: &str,
    customers: Option<&[Uuid]>,
) -> Result<Vec<Candidate>, AppError> {
    Ok(store::candidates(conn, date, time_zone, customers).await?)
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

    /// The decision for one customer's rows: the plan's own, or read again in the run's
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
