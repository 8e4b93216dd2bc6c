//! A payment as the API shows it: in the payments list, in payment payloads, and on the bank
//! lines it was applied from.

use crate::api::objects::{Allocation, allocation};
use crate::api::values::{CustomerRef, Date, Money};
use crate::payments::service::PaymentDetail;
use async_graphql::{ID, SimpleObject};
use chrono::{DateTime, Utc};
use domain::payments::PaymentMethod;

#[derive(SimpleObject, Clone)]
pub struct PaymentReversal {
    pub reason: String,
    pub reversed_at: DateTime<Utc>,
    pub reversed_by: String,
}

#[derive(SimpleObject, Clone)]
pub struct Payment {
    pub id: ID,
    pub customer: CustomerRef,
    pub amount: Money,
    pub currency: String,
    pub received_on: Date,
    pub method: PaymentMethod,
    pub reference: Option<String>,
    /// What is allocated to invoices now (after any reversal, zero).
    pub allocated: Money,
    /// What is left for `allocatePayment` or `applyCredit`.
    pub unapplied: Money,
    pub reversed: bool,
    pub reversal: Option<PaymentReversal>,
    /// Every allocation and reversal of one, in order.
    pub allocations: Vec<Allocation>,
    pub recorded_by: String,
    pub created_at: DateTime<Utc>,
    /// The bank line the payment was applied from, or linked to (cash application).
    pub bank_transaction: Option<BankTransactionOrigin>,
}

/// Where a payment came from: the bank line it was applied from or linked to.
#[derive(SimpleObject, Clone)]
pub struct BankTransactionOrigin {
    pub id: ID,
    pub bank_account_id: ID,
    pub bank_account_name: String,
    pub booked_on: Date,
    pub payer_name: Option<String>,
    pub remark: Option<String>,
}

pub fn payment(detail: PaymentDetail) -> Payment {
    let row = detail.row;
    let reversed = row.reversed();
    let unapplied = row.unapplied();
    let currency = row.currency.code().to_owned();
    Payment {
        id: ID(row.id.to_string()),
        customer: CustomerRef {
            id: ID(row.customer_id.to_string()),
            code: row.customer_code,
            name: row.customer_name,
        },
        amount: Money::new(row.amount, &currency),
        allocated: Money::new(row.allocated, &currency),
        unapplied: Money::new(unapplied, &currency),
        received_on: Date(row.received_on),
        method: row.method,
        reference: row.reference,
        reversed,
        reversal: match (row.reversal_reason, row.reversed_at, row.reversed_by) {
            (Some(reason), Some(reversed_at), Some(reversed_by)) => Some(PaymentReversal {
                reason,
                reversed_at,
                reversed_by,
            }),
            _ => None,
        },
        allocations: detail.allocations.into_iter().map(allocation).collect(),
        bank_transaction: match (
            row.bank_transaction_id,
            row.bank_account_id,
            row.bank_booked_on,
        ) {
            (Some(id), Some(account), Some(booked_on)) => Some(BankTransactionOrigin {
                id: ID(id.to_string()),
                bank_account_id: ID(account.to_string()),
                bank_account_name: row.bank_account_name.unwrap_or_default(),
                booked_on: Date(booked_on),
                payer_name: row.bank_payer_name,
                remark: row.bank_remark,
            }),
            _ => None,
        },
        recorded_by: row.actor_label,
        created_at: row.created_at,
        currency,
    }
}
