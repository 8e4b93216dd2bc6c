//! The invoices API's objects and payloads, and how records become them.

use super::disputes::{Dispute, dispute};
use crate::api::objects::{Allocation, allocation};
use crate::api::values::{CustomerRef, Date, Money, locale, text_params};
use crate::approval_gate::Gated;
use crate::invoices::service::{CreditNoteRecord, InvoiceRecord};
use crate::invoices::store::LineRow;
use async_graphql::{ComplexObject, Context, ID, Json, SimpleObject};
use chrono::{DateTime, Utc};
use domain::aging::{AgingBucket, AgingEdges, days_overdue, days_past_due};
use domain::invoices::{CreditNoteStatus, InvoiceStatus};
use domain::messages::{Localized, Text};
use rust_decimal::Decimal;

#[derive(SimpleObject, Clone)]
pub struct InvoiceLine {
    pub description: String,
    pub quantity: String,
    pub unit_price: String,
    /// A fraction: "0.13" is 13 %.
    pub tax_rate: String,
    pub net: Money,
    pub tax: Money,
    pub total: Money,
}

#[derive(SimpleObject, Clone)]
pub struct Installment {
    pub due_date: Date,
    pub amount: Money,
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Invoice {
    pub id: ID,
    /// `null` for a draft: numbers are given when an invoice is issued.
    pub number: Option<String>,
    pub status: InvoiceStatus,
    pub issue_date: Date,
    pub due_date: Date,
    pub currency: String,
    pub subtotal: Money,
    pub tax_total: Money,
    pub total: Money,
    pub amount_paid: Money,
    pub amount_credited: Money,
    pub amount_written_off: Money,
    pub balance_due: Money,
    /// Days past the due date while open; 0 otherwise.
    pub days_overdue: i64,
    /// The aging bucket of an open invoice today; `null` when it is not open.
    pub aging_bucket: Option<AgingBucket>,
    pub customer: CustomerRef,
    pub external_ref: Option<String>,
    pub notes: Option<String>,
    #[graphql(skip)]
    pub credit_flag_text: Option<Text>,
    pub issued_at: Option<DateTime<Utc>>,
    pub voided_at: Option<DateTime<Utc>>,
    pub void_reason: Option<String>,
    pub written_off_at: Option<DateTime<Utc>>,
    pub write_off_reason: Option<String>,
    pub has_open_dispute: bool,
    pub lines: Vec<InvoiceLine>,
    pub allocations: Vec<Allocation>,
    pub disputes: Vec<Dispute>,
    pub installments: Vec<Installment>,
    /// Late fees and interest charged on this invoice, or, for a fee invoice, its own charge.
    pub late_fees: Vec<crate::api::objects::LateFee>,
    /// The fapiao (发票) recorded for it, voided ones too, in the order they were issued.
    pub fapiaos: Vec<super::fapiaos::Fapiao>,
    /// Its issued credit notes, oldest first (those waiting for approval are approval requests).
    pub credit_notes: Vec<CreditNote>,
    /// For a fee invoice: the invoice it charges a fee on.
    pub fee_for_invoice_id: Option<ID>,
    pub created_at: DateTime<Utc>,
}

#[ComplexObject]
impl Invoice {
    /// Why the invoice was issued despite the credit policy (a warning or an override), in
    /// the caller's language.
    async fn credit_flag(&self, ctx: &Context<'_>) -> Option<String> {
        self.credit_flag_text
            .as_ref()
            .map(|text| text.text(locale(ctx)))
    }

    /// The credit flag as a code (`CREDIT_FLAG_WARNING`), for clients with texts of their own.
    async fn credit_flag_code(&self) -> Option<String> {
        self.credit_flag_text.as_ref().map(Text::code)
    }

    /// The credit flag's parameters (the breach, as `{"breach": {"code": …, "params": …}}`).
    async fn credit_flag_params(&self) -> Option<Json<serde_json::Value>> {
        self.credit_flag_text.as_ref().map(text_params)
    }
}

/// The API invoice of a record, with the nested lists the record holds.
pub fn invoice(record: InvoiceRecord) -> Invoice {
    let InvoiceRecord {
        today,
        row,
        lines,
        allocations,
        disputes,
        installments,
        late_fees,
        fapiaos,
        credit_notes,
        assignees,
    } = record;
    let currency = row.currency.code();
    let status = row.status;
    let money = |amount: Decimal| Money::new(amount, currency);
    let line = |line: LineRow| InvoiceLine {
        description: line.description,
        quantity: line.quantity.normalize().to_string(),
        unit_price: line.unit_price.normalize().to_string(),
        tax_rate: line.tax_rate.normalize().to_string(),
        net: money(line.net),
        tax: money(line.tax),
        total: money(line.total),
    };
    let edges = row
        .aging_edges
        .as_ref()
        .and_then(|value| serde_json::from_value::<[i64; 3]>(value.clone()).ok())
        .and_then(|edges| AgingEdges::new(edges).ok())
        .unwrap_or_default();
    Invoice {
        id: ID(row.id.to_string()),
        number: row.number,
        status,
        issue_date: Date(row.issue_date),
        due_date: Date(row.due_date),
        currency: currency.to_owned(),
        subtotal: money(row.subtotal),
        tax_total: money(row.tax_total),
        total: money(row.total),
        amount_paid: money(row.amount_paid),
        amount_credited: money(row.amount_credited),
        amount_written_off: money(row.amount_written_off),
        balance_due: money(row.balance_due),
        days_overdue: match (status.is_open(), row.next_due_date) {
            (true, Some(next)) => days_overdue(next, today),
            _ => 0,
        },
        aging_bucket: match (status.is_open(), row.next_due_date) {
            (true, Some(next)) => Some(edges.bucket(days_past_due(next, today))),
            _ => None,
        },
        customer: CustomerRef {
            id: ID(row.customer_id.to_string()),
            code: row.customer_code,
            name: row.customer_name,
        },
        external_ref: row.external_ref,
        notes: row.notes,
        credit_flag_text: row.credit_flag,
        issued_at: row.issued_at,
        voided_at: row.voided_at,
        void_reason: row.void_reason,
        written_off_at: row.written_off_at,
        write_off_reason: row.write_off_reason,
        has_open_dispute: row.open_disputes,
        lines: lines.into_iter().map(line).collect(),
        allocations: allocations.into_iter().map(allocation).collect(),
        disputes: disputes
            .into_iter()
            .map(|row| dispute(row, currency, assignees.as_deref()))
            .collect(),
        fapiaos: fapiaos
            .into_iter()
            .map(|row| super::fapiaos::fapiao(row, currency))
            .collect(),
        credit_notes: credit_notes
            .into_iter()
            .map(|note| CreditNote {
                id: ID(note.id.to_string()),
                number: note.number,
                amount: money(note.amount),
                reason: note.reason,
                issued_on: Date(note.issued_on),
                status: CreditNoteStatus::Issued,
            })
            .collect(),
        installments: installments
            .into_iter()
            .map(|part| Installment {
                due_date: Date(part.due_date),
                amount: money(part.amount),
            })
            .collect(),
        late_fees: late_fees
            .into_iter()
            .map(crate::api::objects::LateFee::from)
            .collect(),
        fee_for_invoice_id: row.fee_for_invoice_id.map(|id| ID(id.to_string())),
        created_at: row.created_at,
    }
}

#[derive(SimpleObject)]
pub struct InvoicePayload {
    pub invoice: Invoice,
    /// The request the change waits as, when it was sent with `requestApproval` and the
    /// company's policy says it waits (the invoice is then as it stands, unchanged).
    pub approval_request: Option<crate::api::objects::approval::ApprovalRequest>,
}

#[derive(SimpleObject, Clone)]
pub struct CreditNote {
    /// A credit note waiting for approval keeps this id when it is issued.
    pub id: ID,
    /// Empty until the credit note is issued (a pending one takes its number when approved).
    pub number: String,
    pub amount: Money,
    pub reason: String,
    pub issued_on: Date,
    /// PENDING_APPROVAL counts in no balance, statement or report.
    pub status: CreditNoteStatus,
}

#[derive(SimpleObject)]
pub struct CreditNotePayload {
    pub credit_note: CreditNote,
    pub invoice: Invoice,
    /// The request the credit note waits as, when it was sent with `requestApproval` and the
    /// company's policy says it waits.
    pub approval_request: Option<crate::api::objects::approval::ApprovalRequest>,
}

impl CreditNotePayload {
    pub(super) fn of(gated: Gated<(CreditNoteRecord, InvoiceRecord)>) -> Self {
        let (record, invoice_record) = gated.record;
        let note = record.note;
        CreditNotePayload {
            credit_note: CreditNote {
                id: ID(note.id.to_string()),
                number: note.number,
                amount: Money::new(note.amount, note.currency.code()),
                reason: note.reason,
                issued_on: Date(note.issued_on),
                status: record.status,
            },
            invoice: invoice(invoice_record),
            approval_request: gated.approval_request.map(|request| {
                crate::api::objects::approval::approval_request(request, Vec::new())
            }),
        }
    }
}
