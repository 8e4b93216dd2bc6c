//! The payments commands: each money-moving use case's input as one serialisable value.

use crate::commands::Command;
use chrono::NaiveDate;
use domain::Currency;
use domain::payments::PaymentMethod;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One line of an explicit allocation, as the caller sent it: the idempotency digest is taken
/// over this text, and the amount is read in the currency of the money allocated, which for
/// `allocatePayment` and `applyCredit` only the service knows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AllocationLine {
    pub invoice_id: String,
    /// A decimal string in the payment's currency.
    pub amount: String,
}

/// Money received, to record and allocate: to the invoices given, or oldest due first.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecordPayment {
    pub customer_id: Uuid,
    pub amount: Decimal,
    pub currency: Currency,
    /// Today by default; never in the future.
    pub received_on: Option<NaiveDate>,
    pub method: PaymentMethod,
    /// The bank's or the payer's reference, checked.
    pub reference: Option<String>,
    /// By default the oldest due invoices first.
    pub allocations: Option<Vec<AllocationLine>>,
    /// Checked with `idempotency::key_input`.
    pub idempotency_key: Option<String>,
}

impl Command for RecordPayment {
    const KIND: &'static str = "payments.record";
    const VERSION: u32 = 1;
}

/// What is left of one payment, to allocate.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AllocatePayment {
    pub payment_id: Uuid,
    /// By default the oldest due invoices first.
    pub allocations: Option<Vec<AllocationLine>>,
    pub idempotency_key: Option<String>,
}

impl Command for AllocatePayment {
    const KIND: &'static str = "payments.allocate";
    const VERSION: u32 = 1;
}

/// The customer's unapplied credit, to apply to open invoices (oldest payments first).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApplyCredit {
    pub customer_id: Uuid,
    /// The customer's currency by default.
    pub currency: Option<Currency>,
    /// By default the oldest due invoices first.
    pub allocations: Option<Vec<AllocationLine>>,
    pub idempotency_key: Option<String>,
}

impl Command for ApplyCredit {
    const KIND: &'static str = "payments.apply_credit";
    const VERSION: u32 = 1;
}

/// A payment to reverse, with every allocation it made.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReversePayment {
    pub payment_id: Uuid,
    /// Checked: 1 to 500 characters.
    pub reason: String,
    pub idempotency_key: Option<String>,
}

impl Command for ReversePayment {
    const KIND: &'static str = "payments.reverse";
    const VERSION: u32 = 1;
}

/// A payment a provider reports (Stripe), received today.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProviderPayment {
    pub customer_id: Uuid,
    pub amount: Decimal,
    pub currency: Currency,
    pub method: PaymentMethod,
    /// The provider's reference (Stripe's payment intent).
    pub reference: String,
    /// Allocated to first (up to its balance), when given.
    pub invoice: Option<Uuid>,
}

impl Command for ProviderPayment {
    const KIND: &'static str = "payments.record_provider";
    const VERSION: u32 = 1;
}
