//! `sendInvoice`: an invoice's PDF emailed to the customer. (The PDF itself is REST:
//! `GET /api/invoices/{id}.pdf`.)

use super::objects::{Invoice, invoice};
use crate::api::command;
use crate::api::values::id_or_nil as uuid_of;
use crate::error::ApiResult;
use crate::invoices::service::{self, InvoiceSent, SendInvoice};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

#[derive(InputObject)]
pub struct SendInvoiceInput {
    /// An issued invoice (not a draft, not void).
    pub invoice_id: ID,
    /// The address to send to; by default the customer's billing contacts (else its first
    /// contact with an email).
    pub email: Option<String>,
    /// Up to 5 addresses in copy.
    #[graphql(default)]
    pub cc: Vec<String>,
    /// A note to the customer above the invoice's summary, up to 2,000 characters.
    pub message: Option<String>,
    /// A retry with the same key returns the first sending instead of sending again.
    pub idempotency_key: Option<String>,
}

impl From<SendInvoiceInput> for SendInvoice {
    fn from(input: SendInvoiceInput) -> Self {
        SendInvoice {
            invoice_id: uuid_of(&input.invoice_id),
            email: input.email,
            cc: input.cc,
            message: input.message,
            idempotency_key: input.idempotency_key,
        }
    }
}

#[derive(SimpleObject)]
pub struct SendInvoicePayload {
    /// The addresses it went to (copies not included).
    pub sent_to: Vec<String>,
    pub invoice: Invoice,
}

#[derive(Default)]
pub struct InvoiceDocumentsMutation;

#[Object]
impl InvoiceDocumentsMutation {
    /// Emails the invoice's PDF to the customer (permission MANAGE_INVOICES, or
    /// WORK_COLLECTIONS for the customers one works), rendered now in the recipient's language,
    /// through the outbox; logged on the invoice's timeline.
    async fn send_invoice(
        &self,
        ctx: &Context<'_>,
        input: SendInvoiceInput,
    ) -> ApiResult<SendInvoicePayload> {
        let InvoiceSent {
            sent_to,
            invoice: record,
        } = command!(ctx, service::send_invoice, input.into());
        Ok(SendInvoicePayload {
            sent_to,
            invoice: invoice(record),
        })
    }
}
