//! The invoices API: `invoices`, `invoice`, `disputes`, `createInvoice`, `updateInvoice`,
//! `issueInvoice`, `voidInvoice`, `writeOffInvoice`, `openDispute`, `updateDispute`,
//! `resolveDispute`, `createCreditNote`, `setInstallmentPlan`, `recordFapiao`, `voidFapiao`,
//! `sendInvoice`.

mod disputes;
mod documents;
mod fapiaos;
mod inputs;
mod objects;

pub use disputes::*;
pub use documents::*;
pub use fapiaos::*;
use inputs::uuid_of;
pub use inputs::*;
pub use objects::*;

use super::service::{self, Details};
use crate::api::command;
use crate::api::context::{request, services};
use crate::api::values::CountedList;
use crate::error::{ApiResult, IntoApi};
use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};

pub type InvoiceConnection = Connection<String, Invoice, CountedList>;

/// Which nested lists to load, from the query's selection.
fn details_of(field: async_graphql::Lookahead<'_>) -> Details {
    Details {
        lines: field.field("lines").exists(),
        allocations: field.field("allocations").exists(),
        disputes: field.field("disputes").exists(),
        installments: field.field("installments").exists(),
        late_fees: field.field("lateFees").exists(),
        fapiaos: field.field("fapiaos").exists(),
        credit_notes: field.field("creditNotes").exists(),
    }
}

#[derive(Default)]
pub struct InvoicesQuery;

#[Object]
impl InvoicesQuery {
    /// Invoices, newest first unless ordered otherwise. Collectors and salespeople see their
    /// customers' invoices. `first` is 1 to 200 (default 50).
    #[graphql(complexity = "crate::api::values::page_complexity(first, child_complexity)")]
    async fn invoices(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<InvoiceFilter>,
        order_by: Option<InvoiceOrder>,
    ) -> ApiResult<InvoiceConnection> {
        let (_, db) = services(ctx)?;
        let details = details_of(ctx.look_ahead().field("edges").field("node"));
        let filter = filter.unwrap_or_default().parse().api()?;
        let page = service::list_invoices(
            db,
            &request(ctx)?.caller,
            first,
            after,
            filter,
            order_by.unwrap_or_default().into(),
            details,
            ctx.look_ahead().field("totalCount").exists(),
        )
        .await
        .api()?;
        Ok(page.connection(invoice))
    }

    /// One invoice; `null` when there is none with this id in the company.
    async fn invoice(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Invoice>> {
        let (_, db) = services(ctx)?;
        let details = details_of(ctx.look_ahead());
        let found = service::find_invoice(db, &request(ctx)?.caller, uuid_of(&id), details)
            .await
            .api()?;
        Ok(found.map(invoice))
    }

    /// The disputes queue, oldest first: open disputes unless `filter.status` names others.
    /// Collectors and salespeople see their customers' disputes. `first` is 1 to 200 (default
    /// 50).
    #[graphql(complexity = "crate::api::values::page_complexity(first, child_complexity)")]
    async fn disputes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<DisputeFilter>,
    ) -> ApiResult<DisputeConnection> {
        let (_, db) = services(ctx)?;
        let page = service::list_disputes(
            db,
            &request(ctx)?.caller,
            first,
            after,
            filter.unwrap_or_default().into(),
            ctx.look_ahead().field("totalCount").exists(),
        )
        .await
        .api()?;
        Ok(queue_connection(page))
    }
}

#[derive(Default)]
pub struct InvoicesMutation;

macro_rules! invoice_mutation {
    ($ctx:expr, $command:ident, $input:expr) => {{
        let record = command!($ctx, service::$command, $input.into());
        Ok(InvoicePayload {
            invoice: invoice(record),
            approval_request: None,
        })
    }};
}

/// A gated invoice mutation: the invoice, and the request when the change waits.
macro_rules! gated_invoice_mutation {
    ($ctx:expr, $command:ident, $input:expr) => {{
        let gated = command!($ctx, service::$command, $input.into());
        Ok(InvoicePayload {
            invoice: invoice(gated.record),
            approval_request: gated.approval_request.map(|request| {
                crate::api::objects::approval::approval_request(request, Vec::new())
            }),
        })
    }};
}

#[Object]
impl InvoicesMutation {
    /// Creates a draft, or issues at once with `issue: true` (the credit policy applies).
    async fn create_invoice(
        &self,
        ctx: &Context<'_>,
        input: CreateInvoiceInput,
    ) -> ApiResult<InvoicePayload> {
        gated_invoice_mutation!(ctx, create_invoice, input)
    }

    /// Edits a draft.
    async fn update_invoice(
        &self,
        ctx: &Context<'_>,
        input: UpdateInvoiceInput,
    ) -> ApiResult<InvoicePayload> {
        invoice_mutation!(ctx, update_invoice, input)
    }

    /// Issues a draft: the credit policy applies and the number is taken from the sequence.
    async fn issue_invoice(
        &self,
        ctx: &Context<'_>,
        input: IssueInvoiceInput,
    ) -> ApiResult<InvoicePayload> {
        gated_invoice_mutation!(ctx, issue_invoice, input)
    }

    /// Voids a draft or an issued invoice that no payment or credit note has touched; under an
    /// approval policy (VOID_INVOICE, by the balance removed) it may wait for approval.
    async fn void_invoice(
        &self,
        ctx: &Context<'_>,
        input: VoidInvoiceInput,
    ) -> ApiResult<InvoicePayload> {
        gated_invoice_mutation!(ctx, void_invoice, input)
    }

    /// Writes off an open invoice's balance as bad debt; under an approval policy (WRITE_OFF, by
    /// the balance removed) it may wait for approval.
    async fn write_off_invoice(
        &self,
        ctx: &Context<'_>,
        input: WriteOffInvoiceInput,
    ) -> ApiResult<InvoicePayload> {
        gated_invoice_mutation!(ctx, write_off_invoice, input)
    }

    /// Replaces the invoice's installment plan; aging and dunning then follow each installment's
    /// own due date (money received pays installments in order).
    async fn set_installment_plan(
        &self,
        ctx: &Context<'_>,
        input: SetInstallmentPlanInput,
    ) -> ApiResult<InvoicePayload> {
        invoice_mutation!(ctx, set_installment_plan, input)
    }

    /// Records a fapiao issued in the tax system for an issued invoice (finance). A red-letter
    /// one names the credit note it answers.
    async fn record_fapiao(
        &self,
        ctx: &Context<'_>,
        input: RecordFapiaoInput,
    ) -> ApiResult<FapiaoPayload> {
        let recorded = command!(ctx, service::record_fapiao, input.into());
        Ok(FapiaoPayload::of(recorded))
    }

    /// Voids a recorded fapiao with the reason; it stays listed, marked voided.
    async fn void_fapiao(
        &self,
        ctx: &Context<'_>,
        input: VoidFapiaoInput,
    ) -> ApiResult<FapiaoPayload> {
        let voided = command!(ctx, service::void_fapiao, input.into());
        Ok(FapiaoPayload::of(voided))
    }

    async fn open_dispute(
        &self,
        ctx: &Context<'_>,
        input: OpenDisputeInput,
    ) -> ApiResult<DisputePayload> {
        let opened = command!(ctx, service::open_dispute, input.into());
        Ok(DisputePayload::of(opened))
    }

    async fn resolve_dispute(
        &self,
        ctx: &Context<'_>,
        input: ResolveDisputeInput,
    ) -> ApiResult<DisputePayload> {
        let resolved = command!(ctx, service::resolve_dispute, input.into());
        Ok(DisputePayload::of(resolved))
    }

    /// Works an open dispute: its reason code, owner and due date. A field left out stays as it
    /// is; null takes the owner or the due date off.
    async fn update_dispute(
        &self,
        ctx: &Context<'_>,
        input: UpdateDisputeInput,
    ) -> ApiResult<DisputePayload> {
        let updated = command!(ctx, service::update_dispute, input.into());
        Ok(DisputePayload::of(updated))
    }

    /// Reduces an open invoice's balance with a numbered credit note.
    async fn create_credit_note(
        &self,
        ctx: &Context<'_>,
        input: CreateCreditNoteInput,
    ) -> ApiResult<CreditNotePayload> {
        let created = command!(ctx, service::create_credit_note, input.into());
        Ok(CreditNotePayload::of(created))
    }
}
