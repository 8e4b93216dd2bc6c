//! `LateFee`: a fee charged on an invoice, shown on the invoice (`Invoice.lateFees`) and in
//! `waiveFee`'s payload.

use crate::api::values::{Date, Money};
use crate::collections::service::fees;
use crate::collections::store::fees::FeeRow;
use crate::error::AppError;
use async_graphql::{ID, SimpleObject};
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

/// A fee charged on an invoice.
#[derive(SimpleObject, Clone)]
pub struct LateFee {
    pub id: ID,
    /// FIXED, PERCENT or INTEREST.
    pub kind: String,
    pub invoice_id: ID,
    pub fee_invoice_id: ID,
    pub fee_invoice_number: Option<String>,
    pub period_from: Date,
    pub period_to: Date,
    pub amount: Money,
    pub charged_at: DateTime<Utc>,
    pub waived_at: Option<DateTime<Utc>>,
    pub waived_by: Option<String>,
    pub waive_reason: Option<String>,
}

impl From<FeeRow> for LateFee {
    fn from(row: FeeRow) -> Self {
        LateFee {
            id: ID(row.id.to_string()),
            kind: row.kind,
            invoice_id: ID(row.invoice_id.to_string()),
            fee_invoice_id: ID(row.fee_invoice_id.to_string()),
            fee_invoice_number: row.fee_invoice_number,
            period_from: Date(row.period_from),
            period_to: Date(row.period_to),
            amount: Money::new(row.amount, row.currency.code()),
            charged_at: row.created_at,
            waived_at: row.waived_at,
            waived_by: row.waived_by,
            waive_reason: row.waive_reason,
        }
    }
}

/// Fees on any of `invoices` (as the original or as the fee invoice), oldest first: each fee
/// once under its original invoice and once under its fee invoice.
pub async fn late_fees_of(
    conn: &impl ConnectionTrait,
    invoices: &[Uuid],
) -> Result<Vec<(Uuid, LateFee)>, AppError> {
    Ok(fees::fees_of(conn, invoices)
        .await?
        .into_iter()
        .map(|(invoice, row)| (invoice, LateFee::from(row)))
        .collect())
}
