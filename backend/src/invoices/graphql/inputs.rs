//! The invoices API's inputs, and how they become the service's filter, order and commands.

use crate::api::values::{Date, OrderDirection, parse_currency, parse_id};
use crate::approval_gate::Asking;
use crate::error::AppError;
use crate::invoices::service::{
    CreateCreditNote, CreateInvoice, Direction, InstallmentEntry, IssueInvoice, LineEntry,
    ListFilter, ListOrder, SetInstallmentPlan, SortField, UpdateInvoice, VoidInvoice,
    WriteOffInvoice,
};
use async_graphql::{Enum, ID, InputObject};
use domain::invoices::InvoiceStatus;

/// The id as a UUID. One that is not a UUID names no invoice, customer or dispute, as the nil
/// UUID does (ids are UUIDv7): the service answers as for any id it does not find, after its
/// permission check, as it did when it read the id itself.
pub(super) use crate::api::values::id_or_nil as uuid_of;

#[derive(Enum, Clone, Copy, PartialEq, Eq, Default)]
pub enum InvoiceOrderField {
    #[default]
    IssueDate,
    DueDate,
    Number,
    Total,
    BalanceDue,
    DaysOverdue,
}

#[derive(InputObject, Clone, Copy, Default)]
pub struct InvoiceOrder {
    pub field: InvoiceOrderField,
    pub direction: Option<OrderDirection>,
}

impl From<InvoiceOrder> for ListOrder {
    fn from(order: InvoiceOrder) -> Self {
        ListOrder {
            field: match order.field {
                InvoiceOrderField::IssueDate => SortField::IssueDate,
                InvoiceOrderField::DueDate => SortField::DueDate,
                InvoiceOrderField::Number => SortField::Number,
                InvoiceOrderField::Total => SortField::Total,
                InvoiceOrderField::BalanceDue => SortField::BalanceDue,
                InvoiceOrderField::DaysOverdue => SortField::DaysOverdue,
            },
            direction: order.direction.map(|direction| match direction {
                OrderDirection::Asc => Direction::Asc,
                OrderDirection::Desc => Direction::Desc,
            }),
        }
    }
}

#[derive(InputObject, Default)]
pub struct InvoiceFilter {
    pub customer_id: Option<ID>,
    /// Any of these statuses.
    pub status: Option<Vec<InvoiceStatus>>,
    /// Only open invoices past their due date (or, with false, not past it).
    pub overdue: Option<bool>,
    /// Only invoices with an open dispute (or, with false, without one).
    pub disputed: Option<bool>,
    /// Only invoices with a fapiao recorded and not voided (or, with false, without one).
    pub fapiao_issued: Option<bool>,
    /// Matches the number, the external reference or the customer's name or code.
    pub search: Option<String>,
    pub currency: Option<String>,
    pub issued_from: Option<Date>,
    pub issued_to: Option<Date>,
    pub due_from: Option<Date>,
    pub due_to: Option<Date>,
}

impl InvoiceFilter {
    pub(super) fn parse(self) -> Result<ListFilter, AppError> {
        Ok(ListFilter {
            customer_id: self
                .customer_id
                .map(|customer| parse_id("filter.customerId", &customer))
                .transpose()?,
            statuses: self.status,
            overdue: self.overdue,
            disputed: self.disputed,
            fapiao_issued: self.fapiao_issued,
            search: self.search,
            currency: self
                .currency
                .map(|currency| parse_currency("filter.currency", &currency))
                .transpose()?,
            issued_from: self.issued_from.map(|d| d.0),
            issued_to: self.issued_to.map(|d| d.0),
            due_from: self.due_from.map(|d| d.0),
            due_to: self.due_to.map(|d| d.0),
        })
    }
}

#[derive(InputObject, Clone)]
pub struct InvoiceLineInput {
    pub description: String,
    /// A decimal string, such as "12" or "2.5".
    pub quantity: String,
    /// A decimal string in the invoice currency, up to 6 decimals.
    pub unit_price: String,
    /// A fraction as a decimal string: "0.13" is 13 %. Zero by default.
    pub tax_rate: Option<String>,
}

impl From<InvoiceLineInput> for LineEntry {
    fn from(line: InvoiceLineInput) -> Self {
        LineEntry {
            description: line.description,
            quantity: line.quantity,
            unit_price: line.unit_price,
            tax_rate: line.tax_rate,
        }
    }
}

#[derive(InputObject)]
pub struct CreateInvoiceInput {
    pub customer_id: ID,
    /// Your own number; by default the company's sequence gives one when the invoice is issued.
    pub number: Option<String>,
    /// Today by default.
    pub issue_date: Option<Date>,
    /// By default, from the customer's payment terms.
    pub due_date: Option<Date>,
    /// The customer's currency by default.
    pub currency: Option<String>,
    pub lines: Vec<InvoiceLineInput>,
    /// Issue at once instead of keeping a draft.
    pub issue: Option<bool>,
    /// The id of this invoice in an ERP; unique.
    pub external_ref: Option<String>,
    pub notes: Option<String>,
    /// Issue even though the credit policy blocks it (needs the override permission; audited).
    pub override_credit_block: Option<bool>,
    /// When the company's approval policy says overriding the block waits
    /// (CREDIT_BLOCK_OVERRIDE, by the invoice total): true saves the draft and asks for
    /// approval to issue it, false or left out refuses it with `APPROVAL_REQUIRED`.
    pub request_approval: Option<bool>,
}

impl From<CreateInvoiceInput> for Asking<CreateInvoice> {
    fn from(input: CreateInvoiceInput) -> Self {
        let request_approval = input.request_approval.unwrap_or(false);
        let command = CreateInvoice {
            customer_id: uuid_of(&input.customer_id),
            number: input.number,
            issue_date: input.issue_date.map(|d| d.0),
            due_date: input.due_date.map(|d| d.0),
            currency: input.currency,
            lines: input.lines.into_iter().map(LineEntry::from).collect(),
            issue: input.issue.unwrap_or(false),
            external_ref: input.external_ref,
            notes: input.notes,
            override_credit_block: input.override_credit_block.unwrap_or(false),
        };
        Asking {
            command,
            request_approval,
        }
    }
}

#[derive(InputObject)]
pub struct UpdateInvoiceInput {
    pub invoice_id: ID,
    pub number: Option<String>,
    pub issue_date: Option<Date>,
    pub due_date: Option<Date>,
    pub currency: Option<String>,
    /// When given, replaces the lines.
    pub lines: Option<Vec<InvoiceLineInput>>,
    pub external_ref: Option<String>,
    pub notes: Option<String>,
}

impl From<UpdateInvoiceInput> for UpdateInvoice {
    fn from(input: UpdateInvoiceInput) -> Self {
        UpdateInvoice {
            invoice_id: uuid_of(&input.invoice_id),
            number: input.number,
            issue_date: input.issue_date.map(|d| d.0),
            due_date: input.due_date.map(|d| d.0),
            currency: input.currency,
            lines: input
                .lines
                .map(|lines| lines.into_iter().map(LineEntry::from).collect()),
            external_ref: input.external_ref,
            notes: input.notes,
        }
    }
}

#[derive(InputObject)]
pub struct IssueInvoiceInput {
    pub invoice_id: ID,
    pub override_credit_block: Option<bool>,
    /// When the company's approval policy says overriding the block waits
    /// (CREDIT_BLOCK_OVERRIDE, by the invoice total): true asks for approval to issue it,
    /// false or left out refuses it with `APPROVAL_REQUIRED`.
    pub request_approval: Option<bool>,
}

impl From<IssueInvoiceInput> for Asking<IssueInvoice> {
    fn from(input: IssueInvoiceInput) -> Self {
        Asking {
            command: IssueInvoice {
                invoice_id: uuid_of(&input.invoice_id),
                override_credit_block: input.override_credit_block.unwrap_or(false),
            },
            request_approval: input.request_approval.unwrap_or(false),
        }
    }
}

#[derive(InputObject)]
pub struct VoidInvoiceInput {
    pub invoice_id: ID,
    pub reason: String,
    /// When the company's approval policy says the change waits: true asks for approval (the
    /// payload's `approvalRequest`), false or left out refuses it with `APPROVAL_REQUIRED`.
    pub request_approval: Option<bool>,
}

impl From<VoidInvoiceInput> for Asking<VoidInvoice> {
    fn from(input: VoidInvoiceInput) -> Self {
        Asking {
            command: VoidInvoice {
                invoice_id: uuid_of(&input.invoice_id),
                reason: input.reason,
            },
            request_approval: input.request_approval.unwrap_or(false),
        }
    }
}

#[derive(InputObject)]
pub struct WriteOffInvoiceInput {
    pub invoice_id: ID,
    pub reason: String,
    /// When the company's approval policy says the change waits: true asks for approval (the
    /// payload's `approvalRequest`), false or left out refuses it with `APPROVAL_REQUIRED`.
    pub request_approval: Option<bool>,
}

impl From<WriteOffInvoiceInput> for Asking<WriteOffInvoice> {
    fn from(input: WriteOffInvoiceInput) -> Self {
        Asking {
            command: WriteOffInvoice {
                invoice_id: uuid_of(&input.invoice_id),
                reason: input.reason,
            },
            request_approval: input.request_approval.unwrap_or(false),
        }
    }
}

#[derive(InputObject)]
pub struct CreateCreditNoteInput {
    pub invoice_id: ID,
    pub amount: String,
    pub reason: String,
    /// Today by default.
    pub issued_on: Option<Date>,
    /// A retry with the same key returns the first credit note instead of a second one (or
    /// the request it waits as, as it stands).
    pub idempotency_key: Option<String>,
    /// When the company's approval policy says the credit note waits (CREDIT_NOTE, by its
    /// amount): true creates it PENDING_APPROVAL, false or left out refuses it with
    /// `APPROVAL_REQUIRED`.
    pub request_approval: Option<bool>,
}

impl From<CreateCreditNoteInput> for Asking<CreateCreditNote> {
    fn from(input: CreateCreditNoteInput) -> Self {
        Asking {
            command: CreateCreditNote {
                invoice_id: uuid_of(&input.invoice_id),
                amount: input.amount,
                reason: input.reason,
                issued_on: input.issued_on.map(|d| d.0),
                idempotency_key: input.idempotency_key,
            },
            request_approval: input.request_approval.unwrap_or(false),
        }
    }
}

#[derive(InputObject)]
pub struct InstallmentInput {
    pub due_date: Date,
    pub amount: String,
}

#[derive(InputObject)]
pub struct SetInstallmentPlanInput {
    pub invoice_id: ID,
    /// Dated parts adding up to the invoice total; an empty list removes the plan.
    pub installments: Vec<InstallmentInput>,
}

impl From<SetInstallmentPlanInput> for SetInstallmentPlan {
    fn from(input: SetInstallmentPlanInput) -> Self {
        SetInstallmentPlan {
            invoice_id: uuid_of(&input.invoice_id),
            installments: input
                .installments
                .into_iter()
                .map(|part| InstallmentEntry {
                    due_date: part.due_date.0,
                    amount: part.amount,
                })
                .collect(),
        }
    }
}
