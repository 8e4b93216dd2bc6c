//! The invoice commands: each use case's input as a value that can be stored and run later.

// Amounts, quantities, prices, rates and texts travel as the client sent them: the service
// reads them after its permission check, amounts in the invoice's currency, so a refused
// caller learns nothing from a validation error and a stored command is re-checked when run.

use crate::commands::Command;
use chrono::NaiveDate;
use domain::invoices::{DisputeOutcome, DisputeReason};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An invoice line as entered.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LineEntry {
    pub description: String,
    /// A decimal string, such as "12" or "2.5".
    pub quantity: String,
    /// A decimal string in the invoice currency, up to 6 decimals.
    pub unit_price: String,
    /// A fraction as a decimal string: "0.13" is 13 %. Zero by default.
    pub tax_rate: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateInvoice {
    pub customer_id: Uuid,
    /// Your own number; by default the company's sequence gives one when the invoice is issued.
    pub number: Option<String>,
    /// Today by default.
    pub issue_date: Option<NaiveDate>,
    /// By default, from the customer's payment terms.
    pub due_date: Option<NaiveDate>,
    /// The customer's currency by default.
    pub currency: Option<String>,
    pub lines: Vec<LineEntry>,
    /// Issue at once instead of keeping a draft.
    pub issue: bool,
    /// The id of this invoice in an ERP; unique.
    pub external_ref: Option<String>,
    pub notes: Option<String>,
    /// Issue even though the credit policy blocks it (needs the override permission; audited).
    pub override_credit_block: bool,
}

impl Command for CreateInvoice {
    const KIND: &'static str = "invoices.create";
    const VERSION: u32 = 1;
}

/// Edits a draft; each field given replaces the draft's.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UpdateInvoice {
    pub invoice_id: Uuid,
    pub number: Option<String>,
    pub issue_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub currency: Option<String>,
    /// When given, replaces the lines.
    pub lines: Option<Vec<LineEntry>>,
    pub external_ref: Option<String>,
    pub notes: Option<String>,
}

impl Command for UpdateInvoice {
    const KIND: &'static str = "invoices.update";
    const VERSION: u32 = 1;
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IssueInvoice {
    pub invoice_id: Uuid,
    pub override_credit_block: bool,
}

impl Command for IssueInvoice {
    const KIND: &'static str = "invoices.issue";
    const VERSION: u32 = 1;
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VoidInvoice {
    pub invoice_id: Uuid,
    pub reason: String,
}

impl Command for VoidInvoice {
    const KIND: &'static str = "invoices.void";
    const VERSION: u32 = 1;
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WriteOffInvoice {
    pub invoice_id: Uuid,
    pub reason: String,
}

impl Command for WriteOffInvoice {
    const KIND: &'static str = "invoices.write_off";
    const VERSION: u32 = 1;
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OpenDispute {
    pub invoice_id: Uuid,
    pub reason: String,
    /// The disputed part of the balance; the whole balance by default.
    pub amount: Option<String>,
    /// OTHER by default.
    #[serde(default)]
    pub reason_code: Option<DisputeReason>,
    /// The member who owns it: one whose role works collections.
    #[serde(default)]
    pub assignee_id: Option<Uuid>,
    /// From today to a year on.
    #[serde(default)]
    pub due_on: Option<NaiveDate>,
}

impl Command for OpenDispute {
    const KIND: &'static str = "invoices.open_dispute";
    const VERSION: u32 = 1;
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResolveDispute {
    pub dispute_id: Uuid,
    pub outcome: DisputeOutcome,
    pub note: String,
}

impl Command for ResolveDispute {
    const KIND: &'static str = "invoices.resolve_dispute";
    const VERSION: u32 = 1;
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateCreditNote {
    pub invoice_id: Uuid,
    pub amount: String,
    pub reason: String,
    /// Today by default.
    pub issued_on: Option<NaiveDate>,
    /// A retry with the same key returns the first credit note instead of a second one.
    pub idempotency_key: Option<String>,
}

impl Command for CreateCreditNote {
    const KIND: &'static str = "invoices.create_credit_note";
    const VERSION: u32 = 1;
}

/// One dated part of an installment plan.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InstallmentEntry {
    pub due_date: NaiveDate,
    pub amount: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetInstallmentPlan {
    pub invoice_id: Uuid,
    /// Dated parts adding up to the invoice total; an empty list removes the plan.
    pub installments: Vec<InstallmentEntry>,
}

impl Command for SetInstallmentPlan {
    const KIND: &'static str = "invoices.set_installment_plan";
    const VERSION: u32 = 1;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::StoredCommand;

    #[test]
    fn a_stored_issue_command_reads_back() {
        let command = IssueInvoice {
            invoice_id: Uuid::now_v7(),
            override_credit_block: true,
        };
        let stored = StoredCommand::of(&command).unwrap();
        assert_eq!(stored.kind, "invoices.issue");
        assert_eq!(stored.version, 1);
        let read = stored.read::<IssueInvoice>().unwrap();
        assert_eq!(read.invoice_id, command.invoice_id);
        assert!(read.override_credit_block);
        assert!(stored.read::<VoidInvoice>().is_none());
    }
}
