//! An allocation, shown on invoices and on payments.

use crate::api::values::{Date, Money};
use crate::invoices::store::AllocationRow;
use async_graphql::{ID, SimpleObject};
use chrono::{DateTime, Utc};

/// Money moved onto an invoice by a payment, or off it by a reversal (negative).
#[derive(SimpleObject, Clone)]
pub struct Allocation {
    pub id: ID,
    pub payment_id: ID,
    pub invoice_id: ID,
    pub invoice_number: Option<String>,
    pub amount: Money,
    pub received_on: Date,
    pub method: String,
    pub reference: Option<String>,
    /// Set on a reversal: the allocation it undoes.
    pub reverses_id: Option<ID>,
    pub recorded_by: String,
    pub created_at: DateTime<Utc>,
}

pub fn allocation(row: AllocationRow) -> Allocation {
    Allocation {
        id: ID(row.id.to_string()),
        payment_id: ID(row.payment_id.to_string()),
        invoice_id: ID(row.invoice_id.to_string()),
        invoice_number: row.invoice_number,
        amount: Money::new(row.amount, row.currency.code()),
        received_on: Date(row.received_on),
        method: row.method,
        reference: row.reference,
        reverses_id: row.reverses_id.map(|id| ID(id.to_string())),
        recorded_by: row.actor_label,
        created_at: row.created_at,
    }
}
