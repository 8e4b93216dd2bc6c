//! The fapiao API's types: a fapiao as `Invoice.fapiaos` lists it, the inputs of
//! `recordFapiao` and `voidFapiao`, and their payload. (The roots are in the module above.)

use super::objects::{Invoice, invoice};
use crate::api::values::{Date, Money, id_or_nil as uuid_of};
use crate::invoices::service::{InvoiceRecord, RecordFapiao, VoidFapiao};
use crate::invoices::store::FapiaoRow;
use async_graphql::{ID, InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use domain::fapiao::FapiaoKind;

/// A fapiao (发票) the company issued in the tax system for an invoice, as recorded in Duely.
#[derive(SimpleObject, Clone)]
pub struct Fapiao {
    pub id: ID,
    pub invoice_id: ID,
    /// For a red-letter fapiao (红字发票): the credit note it answers.
    pub credit_note_id: Option<ID>,
    pub kind: FapiaoKind,
    pub number: String,
    /// Paper VAT fapiao only (发票代码).
    pub code: Option<String>,
    pub issued_on: Date,
    /// Tax included (价税合计).
    pub amount: Money,
    pub tax_amount: Money,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    pub voided: bool,
    pub voided_at: Option<DateTime<Utc>>,
    pub voided_by: Option<String>,
    pub void_reason: Option<String>,
}

pub(super) fn fapiao(row: FapiaoRow, currency: &str) -> Fapiao {
    Fapiao {
        id: ID(row.id.to_string()),
        invoice_id: ID(row.invoice_id.to_string()),
        credit_note_id: row.credit_note_id.map(|id| ID(id.to_string())),
        kind: row.kind,
        number: row.number,
        code: row.code,
        issued_on: Date(row.issued_on),
        amount: Money::new(row.amount, currency),
        tax_amount: Money::new(row.tax_amount, currency),
        recorded_by: row.recorded_by,
        recorded_at: row.recorded_at,
        voided: row.voided_at.is_some(),
        voided_at: row.voided_at,
        voided_by: row.voided_by,
        void_reason: row.void_reason,
    }
}

#[derive(InputObject)]
pub struct RecordFapiaoInput {
    pub invoice_id: ID,
    /// 20 digits for fully digital fapiao, 8 for paper VAT ones, else 1 to 40 letters and digits.
    pub number: String,
    /// Paper VAT fapiao: the 10- or 12-digit code; fully digital ones have none.
    pub code: Option<String>,
    pub kind: FapiaoKind,
    /// Not after today.
    pub issued_on: Date,
    /// Tax included, in the invoice's currency; the invoice's fapiao never exceed its total.
    pub amount: String,
    pub tax_amount: String,
    /// For a red-letter fapiao: the credit note of this invoice it answers.
    pub credit_note_id: Option<ID>,
}

impl From<RecordFapiaoInput> for RecordFapiao {
    fn from(input: RecordFapiaoInput) -> Self {
        RecordFapiao {
            invoice_id: uuid_of(&input.invoice_id),
            number: input.number,
            code: input.code,
            kind: input.kind,
            issued_on: input.issued_on.0,
            amount: input.amount,
            tax_amount: input.tax_amount,
            credit_note_id: input.credit_note_id.as_ref().map(uuid_of),
        }
    }
}

#[derive(InputObject)]
pub struct VoidFapiaoInput {
    pub fapiao_id: ID,
    /// Why (a wrong number, a fapiao the tax system voided), 1 to 500 characters.
    pub reason: String,
}

impl From<VoidFapiaoInput> for VoidFapiao {
    fn from(input: VoidFapiaoInput) -> Self {
        VoidFapiao {
            fapiao_id: uuid_of(&input.fapiao_id),
            reason: input.reason,
        }
    }
}

#[derive(SimpleObject)]
pub struct FapiaoPayload {
    pub fapiao: Fapiao,
    pub invoice: Invoice,
}

impl FapiaoPayload {
    pub(super) fn of((row, record): (FapiaoRow, InvoiceRecord)) -> Self {
        FapiaoPayload {
            fapiao: fapiao(row, record.row.currency.code()),
            invoice: invoice(record),
        }
    }
}
