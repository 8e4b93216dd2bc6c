//! Issuing: reading a draft's lines, number and dates, the credit gate, and gap-free numbers.

use super::LineEntry;
use crate::api::values::parse_decimal;
use crate::approval_gate::{self, Asked, Passage, RequestRow};
use crate::audit::{self, Actor, AuditEntry};
use crate::auth::Caller;
use crate::customers::{self, CustomerRow};
use crate::db::TenantTx;
use crate::error::AppError;
use crate::invoices::errors::InvoiceError;
use crate::invoices::store::{self, InvoiceRow};
use chrono::NaiveDate;
use domain::access::Permission;
use domain::approvals::{ApprovalAction, Compared};
use domain::credit::{CreditCheck, CreditDecision, OverLimitPolicy};
use domain::invoices::{LineInput, PricedLine, Totals, format_number, price_lines, valid_number};
use domain::messages::{Localized, Text};
use domain::terms::PaymentTerms;
use rust_decimal::Decimal;
use sea_orm::DbErr;

pub(super) fn lines_input(
    lines: &[LineEntry],
    currency: domain::Currency,
) -> Result<(Vec<PricedLine>, Totals), AppError> {
    let mut parsed = Vec::with_capacity(lines.len());
    for (index, line) in lines.iter().enumerate() {
        let field = |name: &str| format!("input.lines[{index}].{name}");
        parsed.push(LineInput {
            description: line.description.clone(),
            quantity: parse_decimal(&field("quantity"), &line.quantity)?,
            unit_price: parse_decimal(&field("unitPrice"), &line.unit_price)?,
            tax_rate: match &line.tax_rate {
                Some(rate) => parse_decimal(&field("taxRate"), rate)?,
                None => Decimal::ZERO,
            },
        });
    }
    price_lines(&parsed, currency).map_err(|error| InvoiceError::Lines(error).into())
}

pub(super) fn number_input(number: Option<&str>) -> Result<Option<String>, AppError> {
    match number.map(str::trim).filter(|n| !n.is_empty()) {
        None => Ok(None),
        Some(number) if valid_number(number) => Ok(Some(number.to_owned())),
        Some(_) => Err(InvoiceError::BadNumber.into()),
    }
}

pub(super) fn dates_input(
    issue_date: NaiveDate,
    due_date: Option<NaiveDate>,
    terms: PaymentTerms,
) -> Result<NaiveDate, AppError> {
    let due = due_date.unwrap_or_else(|| terms.due_date(issue_date));
    if due < issue_date {
        return Err(InvoiceError::DueBeforeIssue { issue_date }.into());
    }
    Ok(due)
}

/// The customer's payment terms; stored terms that do not read are an error naming the
/// customer, never a default.
pub(super) fn customer_terms(row: &CustomerRow) -> Result<PaymentTerms, AppError> {
    let unreadable = |what: String| {
        tracing::error!(customer = %row.id, %what, "stored payment terms do not read");
        AppError::from(DbErr::Type(format!("row {}: {what}", row.id)))
    };
    PaymentTerms::new(row.terms_kind, i64::from(row.terms_days))
        .map_err(|error| unreadable(error.to_string()))
}

/// Applies the credit policy to issuing `invoice`, inside the transaction that holds the
/// customer's row lock. Returns the flag to store when the invoice goes out despite a breach.
async fn credit_gate(
    tx: &TenantTx,
    caller: &Caller,
    customer: &CustomerRow,
    invoice: &InvoiceRow,
    override_block: bool,
) -> Result<Option<(Text, bool)>, AppError> {
    if override_block {
        caller.authorize(Permission::OverrideCreditBlock)?;
    }
    let enforcement = crate::settings::read(&**tx).await?.credit.over_limit_policy;
    let check = CreditCheck {
        hold_reason: customer
            .credit_hold_reason
            .as_deref()
            .filter(|_| customer.credit_hold),
        limit: customer.credit_limit,
        exposure: customer.balance,
        new_amount: invoice.total,
        same_currency: invoice.currency == customer.currency,
    };
    match check.decide(enforcement, override_block) {
        CreditDecision::Allowed => Ok(None),
        CreditDecision::Flagged(breach) => {
            let overridden = enforcement == OverLimitPolicy::Block;
            let breach = Box::new(breach.text(customer.currency));
            let flag = if overridden {
                Text::CreditFlagOverride { breach }
            } else {
                Text::CreditFlagWarning { breach }
            };
            Ok(Some((flag, overridden)))
        }
        CreditDecision::Blocked(breach) => Err(InvoiceError::CreditBlocked {
            breach,
            currency: customer.currency,
        }
        .into()),
    }
}

/// Issues a locked draft: credit policy, number, status. The caller commits. Overriding a
/// credit block passes the approval gate (CREDIT_BLOCK_OVERRIDE, by the invoice total): when
/// it waits, the draft stays a draft and the request is returned.
#[allow(clippy::too_many_arguments)]
pub(super) async fn issue_locked(
    tx: &TenantTx,
    caller: &Caller,
    today: NaiveDate,
    invoice: &InvoiceRow,
    override_block: bool,
    asked: Asked,
    actor: &Actor,
    request_id: &str,
) -> Result<Option<RequestRow>, AppError> {
    let customer = customers::customer_for_update(&**tx, today, invoice.customer_id)
        .await?
        .ok_or_else(|| AppError::from(InvoiceError::CustomerNotFound))?;
    if customer.archived_at.is_some() {
        return Err(InvoiceError::CustomerArchived { field: "invoiceId" }.into());
    }
    let flag = credit_gate(tx, caller, &customer, invoice, override_block).await?;
    if let Some((_, true)) = &flag {
        let shown = |amount| domain::display::amount_string(amount, invoice.currency.code());
        let change = approval_gate::Change {
            action: ApprovalAction::CreditBlockOverride,
            currency: invoice.currency,
            compared: Compared::amount(invoice.total),
            subject: super::approval_subject(invoice),
            asked_against: serde_json::json!({
                "customer": customer.name, "currency": invoice.currency.code(),
                "total": shown(invoice.total), "balance": shown(customer.balance),
                "creditLimit": customer.credit_limit.map(shown),
                "creditHold": customer.credit_hold, "overdue": shown(customer.overdue),
                "riskGrade": customer.risk_grade.map(|grade| grade.as_str()),
            }),
            reason: flag
                .as_ref()
                .map(|(text, _)| text.text(domain::Locale::En))
                .unwrap_or_default(),
            idempotency_key: None,
        };
        let command = super::IssueInvoice {
            invoice_id: invoice.id,
            override_credit_block: true,
        };
        if let Passage::Waiting(request) =
            approval_gate::pass(tx, today, actor, asked, &command, change, request_id).await?
        {
            return Ok(Some(*request));
        }
    }
    let number = match &invoice.number {
        Some(number) => number.clone(),
        None => next_free_number(tx, Numbered::Invoice).await?,
    };
    store::mark_issued(tx, invoice.id, &number, flag.as_ref().map(|(text, _)| text)).await?;
    if let Some((text, true)) = &flag {
        audit::record(
            &**tx,
            tx.tenant(),
            AuditEntry {
                actor: actor.clone(),
                action: "invoice.credit_block_overridden",
                entity_type: "invoice",
                entity_id: Some(invoice.id.to_string()),
                before: None,
                after: Some(serde_json::json!({
                    "number": number,
                    "reason": text.text(domain::Locale::En),
                    "reasonCode": text.code(),
                })),
                request_id: Some(request_id),
            },
        )
        .await?;
    }
    Ok(None)
}

/// The documents numbered from a sequence, each with its prefix setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbered {
    Invoice,
    CreditNote,
}

/// The next number of `numbered`'s sequence that no invoice or credit note has: a number
/// typed by hand on an earlier invoice is skipped, never reused.
pub(crate) async fn next_free_number(
    tx: &TenantTx,
    numbered: Numbered,
) -> Result<String, AppError> {
    next_free_numbers(tx, numbered, 1)
        .await?
        .pop()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no number taken")))
}

/// The next `count` numbers of `numbered`'s sequence that no invoice or credit note has, in
/// order: taken as a block and checked in one statement each, whatever `count` is, so a run
/// that issues many documents pays two round trips for their numbers, not two a document.
pub(crate) async fn next_free_numbers(
    tx: &TenantTx,
    numbered: Numbered,
    count: usize,
) -> Result<Vec<String>, AppError> {
    let numbering = crate::settings::read(&**tx).await?.numbering;
    let (sequence, prefix) = match numbered {
        Numbered::Invoice => ("invoice", numbering.invoice_prefix),
        Numbered::CreditNote => ("credit_note", numbering.credit_note_prefix),
    };
    let mut numbers = Vec::with_capacity(count);
    // Each pass takes as many as are still wanted and keeps the free ones; every pass moves
    // the sequence on, so a run of numbers typed by hand is passed in a few.
    while numbers.len() < count {
        let wanted = count - numbers.len();
        let first = store::take_numbers(&**tx, sequence, wanted as i64).await?;
        let block: Vec<String> = (first..first + wanted as i64)
            .map(|value| format_number(&prefix, value))
            .collect();
        let taken = store::numbers_taken(&**tx, &block).await?;
        numbers.extend(block.into_iter().filter(|number| !taken.contains(number)));
    }
    Ok(numbers)
}
