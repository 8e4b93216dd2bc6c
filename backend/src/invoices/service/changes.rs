//! Creating, editing, issuing, voiding and writing off invoices.

use super::issuing::{customer_terms, dates_input, issue_locked, lines_input, number_input};
use super::{
    CreateInvoice, InvoiceRecord, IssueInvoice, UpdateInvoice, VoidInvoice, WriteOffInvoice,
    approval_subject, before_of, finish, lock_invoice, lock_invoice_in, record_as_it_stands,
    record_change, wrong_status,
};
use crate::api::values::{optional_text, parse_currency, required_text};
use crate::approval_gate::{self, Asked, Asking, Gated, InTx, Passage};
use crate::audit;
use crate::auth::Caller;
use crate::customers;
use crate::db::{self, TenantTx};
use crate::error::AppError;
use crate::invoices::errors::InvoiceError;
use crate::invoices::store::{self, DraftFields, InvoiceRow};
use chrono::NaiveDate;
use domain::access::Permission;
use domain::approvals::{ApprovalAction, Compared};
use domain::invoices::{InvoiceAction, InvoiceStatus};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

pub async fn create_invoice(
    db: &DatabaseConnection,
    caller: &Caller,
    asking: Asking<CreateInvoice>,
    request_id: &str,
) -> Result<Gated<InvoiceRecord>, AppError> {
    let Asking {
        command,
        request_approval,
    } = asking;
    caller.authorize(Permission::ManageInvoices)?;
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let number = number_input(command.number.as_deref())?;
    let external_ref = optional_text("input.externalRef", command.external_ref.as_deref(), 100)?;
    let notes = optional_text("input.notes", command.notes.as_deref(), 4000)?;
    let actor = audit::actor_of(db, caller).await?;
    let not_found = || AppError::from(InvoiceError::CustomerNotFound);
    // An id that was not a UUID arrives as the nil UUID, which names no customer.
    let customer_id = Some(command.customer_id)
        .filter(|id| !id.is_nil())
        .ok_or_else(not_found)?;
    let plan = crate::billing::plans::plan_in_force(db, tenant).await?;

    let tx = TenantTx::begin(db, tenant).await?;
    crate::billing::plans::admit_tenant(
        &tx,
        plan,
        &calendar.time_zone,
        domain::billing::Limit::InvoicesPerMonth,
        1,
    )
    .await?;
    // The customer's lock before the insert: the insert's foreign-key check takes a share lock
    // on the customer, and issuing then needs the exclusive one.
    let customer = customers::customer_for_update(&*tx, calendar.today, customer_id)
        .await?
        .ok_or_else(not_found)?;
    if customer.archived_at.is_some() {
        return Err(InvoiceError::CustomerArchived {
            field: "customerId",
        }
        .into());
    }
    let currency = parse_currency(
        "input.currency",
        command
            .currency
            .as_deref()
            .unwrap_or(customer.currency.code()),
    )?;
    let (lines, totals) = lines_input(&command.lines, currency)?;
    let issue_date = command.issue_date.unwrap_or(calendar.today);
    let due_date = dates_input(issue_date, command.due_date, customer_terms(&customer)?)?;
    let id = Uuid::now_v7();
    store::insert_draft(
        &tx,
        id,
        customer_id,
        DraftFields {
            number,
            issue_date,
            due_date,
            currency,
            subtotal: totals.subtotal.amount,
            tax_total: totals.tax.amount,
            total: totals.total.amount,
            external_ref,
            notes,
        },
    )
    .await?;
    store::write_lines(&tx, id, &lines).await?;
    let mut waiting = None;
    let action = if command.issue {
        let draft = store::load_invoice(&*tx, id, true)
            .await?
            .ok_or_else(|| AppError::from(InvoiceError::InvoiceNotFound))?;
        waiting = issue_locked(
            &tx,
            caller,
            calendar.today,
            &draft,
            command.override_credit_block,
            Asked::Directly { request_approval },
            &actor,
            request_id,
        )
        .await?;
        if waiting.is_some() {
            "invoice.drafted"
        } else {
            "invoice.issued"
        }
    } else {
        "invoice.drafted"
    };
    let record = finish(tx, calendar.today, id, actor, action, None, request_id).await?;
    Ok(Gated {
        record,
        approval_request: waiting,
    })
}

pub async fn update_invoice(
    db: &DatabaseConnection,
    caller: &Caller,
    command: UpdateInvoice,
    request_id: &str,
) -> Result<InvoiceRecord, AppError> {
    caller.authorize(Permission::ManageInvoices)?;
    let actor = audit::actor_of(db, caller).await?;
    let (tx, today, row) = lock_invoice(db, caller, command.invoice_id).await?;
    if !row.status.allows(InvoiceAction::Edit) {
        return Err(wrong_status(&row, InvoiceAction::Edit));
    }
    let customer = customers::load_customer(&*tx, today, row.customer_id)
        .await?
        .ok_or_else(|| AppError::from(InvoiceError::CustomerNotFound))?;
    let before = before_of(&row);
    let currency = match command.currency.as_deref() {
        Some(currency) => parse_currency("input.currency", currency)?,
        None => row.currency,
    };
    let number = match &command.number {
        Some(number) => number_input(Some(number))?,
        None => row.number.clone(),
    };
    let issue_date = command.issue_date.unwrap_or(row.issue_date);
    let terms = customer_terms(&customer)?;
    let due_date = match (command.due_date, command.issue_date) {
        (Some(due), _) => dates_input(issue_date, Some(due), terms)?,
        (None, Some(_)) => dates_input(issue_date, None, terms)?,
        (None, None) => dates_input(issue_date, Some(row.due_date), terms)?,
    };
    let (subtotal, tax, total) = match &command.lines {
        Some(lines) => {
            let (priced, totals) = lines_input(lines, currency)?;
            store::write_lines(&tx, row.id, &priced).await?;
            (
                totals.subtotal.amount,
                totals.tax.amount,
                totals.total.amount,
            )
        }
        None if currency != row.currency => {
            return Err(InvoiceError::CurrencyNeedsLines.into());
        }
        None => (row.subtotal, row.tax_total, row.total),
    };
    let external_ref = match &command.external_ref {
        Some(value) => optional_text("input.externalRef", Some(value), 100)?,
        None => row.external_ref.clone(),
    };
    let notes = match &command.notes {
        Some(value) => optional_text("input.notes", Some(value), 4000)?,
        None => row.notes.clone(),
    };
    store::update_draft(
        &tx,
        row.id,
        DraftFields {
            number,
            issue_date,
            due_date,
            currency,
            subtotal,
            tax_total: tax,
            total,
            external_ref,
            notes,
        },
    )
    .await?;
    finish(
        tx,
        today,
        row.id,
        actor,
        "invoice.updated",
        Some(before),
        request_id,
    )
    .await
}

pub async fn issue_invoice(
    db: &DatabaseConnection,
    caller: &Caller,
    asking: Asking<IssueInvoice>,
    request_id: &str,
) -> Result<Gated<InvoiceRecord>, AppError> {
    approval_gate::run_gated(
        db,
        caller,
        Permission::ManageInvoices,
        asking,
        request_id,
        run_issue_invoice,
    )
    .await
}

/// Issues the draft in `tx`, unless overriding its credit block waits for approval.
pub async fn run_issue_invoice(
    at: &InTx<'_>,
    command: &IssueInvoice,
    asked: Asked,
) -> Result<Gated<InvoiceRecord>, AppError> {
    let InTx {
        db: _,
        tx,
        today,
        caller,
        actor,
        request_id,
    } = *at;
    caller.authorize(Permission::ManageInvoices)?;
    let actor = actor.clone();
    let row = lock_invoice_in(tx, today, command.invoice_id).await?;
    if !row.status.allows(InvoiceAction::Issue) {
        return Err(wrong_status(&row, InvoiceAction::Issue));
    }
    let before = before_of(&row);
    let waiting = issue_locked(
        tx,
        caller,
        today,
        &row,
        command.override_credit_block,
        asked,
        &actor,
        request_id,
    )
    .await?;
    if let Some(request) = waiting {
        return self::waiting(tx, today, row.id, request).await;
    }
    let record = record_change(
        tx,
        today,
        row.id,
        actor,
        "invoice.issued",
        Some(before),
        request_id,
    )
    .await?;
    Ok(Gated {
        record,
        approval_request: None,
    })
}

pub async fn void_invoice(
    db: &DatabaseConnection,
    caller: &Caller,
    asking: Asking<VoidInvoice>,
    request_id: &str,
) -> Result<Gated<InvoiceRecord>, AppError> {
    approval_gate::run_gated(
        db,
        caller,
        Permission::ManageInvoices,
        asking,
        request_id,
        run_void_invoice,
    )
    .await
}

/// Voids the invoice in `tx`, unless the change waits for approval (then the invoice as it
/// stands, and the request).
pub async fn run_void_invoice(
    at: &InTx<'_>,
    command: &VoidInvoice,
    asked: Asked,
) -> Result<Gated<InvoiceRecord>, AppError> {
    let InTx {
        db: _,
        tx,
        today,
        caller,
        actor,
        request_id,
    } = *at;
    caller.authorize(Permission::ManageInvoices)?;
    let reason = required_text("input.reason", &command.reason, 500)?;
    let actor = actor.clone();
    let row = lock_invoice_in(tx, today, command.invoice_id).await?;
    if !row.status.allows(InvoiceAction::Void) {
        return Err(wrong_status(&row, InvoiceAction::Void));
    }
    if store::payments_and_credits(tx, row.id).await? > 0 {
        return Err(InvoiceError::HasPayments.into());
    }
    let change = asked_change(
        &row,
        ApprovalAction::VoidInvoice,
        Compared::void(row.status == InvoiceStatus::Draft, row.balance_due),
        &reason,
    );
    if let Passage::Waiting(request) =
        approval_gate::pass(tx, today, &actor, asked, command, change, request_id).await?
    {
        return waiting(tx, today, row.id, *request).await;
    }
    let before = before_of(&row);
    store::mark_void(tx, row.id, reason).await?;
    let record = record_change(
        tx,
        today,
        row.id,
        actor,
        "invoice.voided",
        Some(before),
        request_id,
    )
    .await?;
    Ok(Gated {
        record,
        approval_request: None,
    })
}

pub async fn write_off_invoice(
    db: &DatabaseConnection,
    caller: &Caller,
    asking: Asking<WriteOffInvoice>,
    request_id: &str,
) -> Result<Gated<InvoiceRecord>, AppError> {
    approval_gate::run_gated(
        db,
        caller,
        Permission::ManageInvoices,
        asking,
        request_id,
        run_write_off_invoice,
    )
    .await
}

/// Writes the invoice's balance off in `tx`, unless the change waits for approval.
pub async fn run_write_off_invoice(
    at: &InTx<'_>,
    command: &WriteOffInvoice,
    asked: Asked,
) -> Result<Gated<InvoiceRecord>, AppError> {
    let InTx {
        db: _,
        tx,
        today,
        caller,
        actor,
        request_id,
    } = *at;
    caller.authorize(Permission::ManageInvoices)?;
    let reason = required_text("input.reason", &command.reason, 500)?;
    let actor = actor.clone();
    let row = lock_invoice_in(tx, today, command.invoice_id).await?;
    if !row.status.allows(InvoiceAction::WriteOff) {
        return Err(wrong_status(&row, InvoiceAction::WriteOff));
    }
    let change = asked_change(
        &row,
        ApprovalAction::WriteOff,
        Compared::amount(row.balance_due),
        &reason,
    );
    if let Passage::Waiting(request) =
        approval_gate::pass(tx, today, &actor, asked, command, change, request_id).await?
    {
        return waiting(tx, today, row.id, *request).await;
    }
    let before = before_of(&row);
    store::mark_written_off(tx, row.id, reason).await?;
    let record = record_change(
        tx,
        today,
        row.id,
        actor,
        "invoice.written_off",
        Some(before),
        request_id,
    )
    .await?;
    Ok(Gated {
        record,
        approval_request: None,
    })
}

/// The change an invoice action asks for, compared as `compared`, with what it was asked
/// against.
fn asked_change(
    row: &InvoiceRow,
    action: ApprovalAction,
    compared: Compared,
    reason: &str,
) -> approval_gate::Change {
    let shown = |amount| domain::display::amount_string(amount, row.currency.code());
    approval_gate::Change {
        action,
        currency: row.currency,
        compared,
        subject: approval_subject(row),
        asked_against: serde_json::json!({
            "number": row.number, "status": row.status.as_str(),
            "customer": row.customer_name, "currency": row.currency.code(),
            "total": shown(row.total), "balanceDue": shown(row.balance_due),
            "amountPaid": shown(row.amount_paid), "dueDate": row.due_date.to_string(),
        }),
        reason: reason.to_owned(),
        idempotency_key: None,
    }
}

/// The invoice as it stands, with the request its change waits as.
async fn waiting(
    tx: &TenantTx,
    today: NaiveDate,
    id: Uuid,
    request: approval_gate::RequestRow,
) -> Result<Gated<InvoiceRecord>, AppError> {
    Ok(Gated {
        record: record_as_it_stands(tx, today, id).await?,
        approval_request: Some(request),
    })
}
