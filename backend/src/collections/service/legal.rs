//! Legal escalation: the list of cases, opening one for a customer's invoices (by hand, or by a
//! ladder's step), and moving one forward or recording its agency, lawyer, costs and notes.
//!
//! A case belongs to a customer and names the invoices it pursues; it moves forward only
//! (`domain::legal::LegalStatus::can_move_to`), recording the date of each stage, and one case
//! is open per customer at a time.

use super::plan::Candidate;
use super::run::RUN_LABEL;
use super::{Page, PageRequest};
use crate::api::values::{optional_text, parse_amount};
use crate::audit::{self, Actor, AuditEntry};
use crate::auth::Caller;
use crate::collections::CollectionError;
use crate::collections::store::legal::{
    self as store, CaseChange, CaseInvoiceRow, CaseRow, NewCase,
};
use crate::customers;
use crate::db::{self, TenantTx};
use crate::error::AppError;
use chrono::NaiveDate;
use domain::access::{Access, Permission};
use domain::legal::LegalStatus;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use uuid::Uuid;

pub use crate::collections::store::legal::CaseFilter;

/// A case with the invoices it pursues.
#[derive(Debug, Clone)]
pub struct Case {
    pub row: CaseRow,
    pub invoices: Vec<CaseInvoiceRow>,
}

/// A customer's invoices to pursue: these, or every overdue one.
#[derive(Debug, Clone)]
pub struct Escalation {
    pub customer_id: Uuid,
    /// The invoices to pursue; by default every overdue invoice of the customer.
    pub invoice_ids: Option<Vec<Uuid>>,
    pub agency: Option<String>,
    pub lawyer: Option<String>,
    pub notes: Option<String>,
}

/// A case's next stage, and what to record on it.
#[derive(Debug, Clone)]
pub struct CaseUpdate {
    pub case_id: Uuid,
    /// A later stage (cases never move back); closed cases cannot change.
    pub status: Option<LegalStatus>,
    /// The day the stage was reached; today by default.
    pub on: Option<NaiveDate>,
    pub agency: Option<String>,
    pub lawyer: Option<String>,
    /// Costs so far, in the case's currency.
    pub costs: Option<String>,
    pub notes: Option<String>,
}

/// Reading cases: those who work collections (their own customers) or manage dunning.
pub fn may_read(caller: &Caller) -> Result<Access, AppError> {
    caller
        .authorize(Permission::ManageDunning)
        .or_else(|_| caller.authorize(Permission::ViewCollections))
}

/// Opening and updating cases: those who manage dunning.
pub fn may_manage(caller: &Caller) -> Result<Access, AppError> {
    caller.authorize(Permission::ManageDunning)
}

async fn cases_of(conn: &impl ConnectionTrait, rows: Vec<CaseRow>) -> Result<Vec<Case>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let invoices = store::case_invoices(conn, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| Case {
            invoices: invoices
                .iter()
                .filter(|invoice| invoice.case_id == row.id)
                .cloned()
                .collect(),
            row,
        })
        .collect())
}

pub async fn case_by_id(conn: &impl ConnectionTrait, id: Uuid) -> Result<Case, AppError> {
    let not_found = || AppError::from(CollectionError::LegalCaseNotFound);
    let row = store::case(conn, id, false).await?.ok_or_else(not_found)?;
    cases_of(conn, vec![row]).await?.pop().ok_or_else(not_found)
}

/// Legal cases, newest first: the page `request` asks for. Collectors see their customers'.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    request: &PageRequest,
    filter: CaseFilter,
) -> Result<Page<Case>, AppError> {
    let access = may_read(caller)?;
    let tenant = caller.require_tenant()?;
    let tx = TenantTx::begin(db, tenant).await?;
    let (rows, total) = store::list_cases(&tx, caller, access, &filter, request).await?;
    let mut page = request.page(rows, total, |_| Vec::new());
    let rows = std::mem::take(&mut page.items);
    let cases = cases_of(&*tx, rows).await?;
    tx.commit().await?;
    Ok(page.with_items(cases))
}

/// Opens a legal case for a customer's invoices (every overdue one by default).
pub async fn escalate(
    db: &DatabaseConnection,
    caller: &Caller,
    input: Escalation,
    request_id: &str,
) -> Result<Case, AppError> {
    may_manage(caller)?;
    let tenant = caller.require_tenant()?;
    let agency = optional_text("input.agency", input.agency.as_deref(), 200)?;
    let lawyer = optional_text("input.lawyer", input.lawyer.as_deref(), 200)?;
    let notes = optional_text("input.notes", input.notes.as_deref(), 4000)?;
    let actor = audit::actor_of(db, caller).await?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let not_found = || AppError::from(CollectionError::CustomerNotFound);
    let customer = customers::customer_for_update(&*tx, calendar.today, input.customer_id)
        .await?
        .ok_or_else(not_found)?;
    let mut invoices: Vec<(Uuid, Decimal)> = Vec::new();
    match &input.invoice_ids {
        Some(ids) => {
            if ids.is_empty() {
                return Err(CollectionError::LegalInvoicesEmpty.into());
            }
            for (index, invoice) in ids.iter().enumerate() {
                let balance = store::open_invoice_balance(
                    &*tx,
                    *invoice,
                    customer.id,
                    customer.currency.code(),
                )
                .await?
                .ok_or_else(|| AppError::from(CollectionError::LegalInvoiceNotOpen { index }))?;
                if !invoices.iter().any(|(id, _)| id == invoice) {
                    invoices.push((*invoice, balance));
                }
            }
        }
        None => {
            for row in
                store::overdue_invoices(&*tx, customer.id, customer.currency.code(), calendar.today)
                    .await?
            {
                invoices.push((row.id, row.balance_due));
            }
            if invoices.is_empty() {
                return Err(CollectionError::NothingOverdue.into());
            }
        }
    }
    let amount: Decimal = invoices.iter().map(|(_, balance)| *balance).sum();
    let id = Uuid::now_v7();
    store::insert_case(
        &*tx,
        NewCase {
            id,
            customer_id: customer.id,
            amount,
            currency: customer.currency.code(),
            agency,
            lawyer,
            notes,
            opened_on: calendar.today,
            opened_by: actor.label(),
        },
    )
    .await
    .map_err(|error| {
        if db::violated_constraint(&error).as_deref() == Some("legal_cases_one_open") {
            AppError::from(CollectionError::LegalCaseAlreadyOpen)
        } else {
            AppError::from(error)
        }
    })?;
    let ids: Vec<Uuid> = invoices.iter().map(|(id, _)| *id).collect();
    store::link_invoices(&*tx, id, &ids).await?;
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "legal.escalated",
            entity_type: "customer",
            entity_id: Some(customer.id.to_string()),
            before: None,
            after: Some(serde_json::json!({ "caseId": id.to_string(), "amount": amount.to_string(), "invoices": ids.len() })),
            request_id: Some(request_id),
        },
    )
    .await?;
    let case = case_by_id(&*tx, id).await?;
    tx.commit().await?;
    Ok(case)
}

/// Moves a legal case to a later stage, or records its agency, lawyer, costs and notes.
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    input: CaseUpdate,
    request_id: &str,
) -> Result<Case, AppError> {
    may_manage(caller)?;
    let tenant = caller.require_tenant()?;
    let agency = optional_text("input.agency", input.agency.as_deref(), 200)?;
    let lawyer = optional_text("input.lawyer", input.lawyer.as_deref(), 200)?;
    let notes = optional_text("input.notes", input.notes.as_deref(), 4000)?;
    let actor = audit::actor_of(db, caller).await?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let not_found = || AppError::from(CollectionError::LegalCaseNotFound);
    let id = input.case_id;
    let row = store::case(&*tx, id, true).await?.ok_or_else(not_found)?;
    let current = row.status;
    if current.is_closed() {
        return Err(CollectionError::LegalCaseClosed.into());
    }
    let on = input.on.unwrap_or(calendar.today);
    if on > calendar.today || on < row.opened_on {
        return Err(CollectionError::StageDateOutOfRange {
            opened_on: row.opened_on,
            today: calendar.today,
        }
        .into());
    }
    if let Some(next) = input.status
        && !current.can_move_to(next)
    {
        return Err(CollectionError::LegalCaseCannotMove { from: current }.into());
    }
    let costs = match &input.costs {
        Some(costs) => Some(parse_amount("input.costs", costs, row.currency, true)?),
        None => None,
    };
    let status = input.status.unwrap_or(current);
    let date_column = match input.status {
        Some(LegalStatus::LetterSent) => Some("letter_sent_on"),
        Some(LegalStatus::Agency) => Some("agency_on"),
        Some(LegalStatus::Litigation) => Some("litigation_on"),
        Some(LegalStatus::Settled | LegalStatus::WrittenOff) => Some("closed_on"),
        _ => None,
    };
    store::update_case(
        &*tx,
        id,
        CaseChange {
            status,
            agency,
            lawyer,
            costs,
            notes,
            on,
            date_column,
        },
    )
    .await?;
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "legal.updated",
            entity_type: "customer",
            entity_id: Some(row.customer_id.to_string()),
            before: Some(serde_json::json!({ "caseId": id.to_string(), "status": row.status.as_str(), "costs": row.costs.to_string() })),
            after: Some(serde_json::json!({ "status": status.as_str(), "on": on.to_string(), "costs": costs.map(|c| c.to_string()) })),
            request_id: Some(request_id),
        },
    )
    .await?;
    let case = case_by_id(&*tx, id).await?;
    tx.commit().await?;
    Ok(case)
}

/// Opens a legal case for the invoices, or adds them to the customer's open one. Returns true
/// when a case was opened. The case is kept in the customer's currency and pursues what its
/// invoices in that currency owe; an invoice already in the case is not counted twice.
pub async fn open_for_ladder(
    tx: &TenantTx,
    run_id: Uuid,
    customer: &Candidate,
    rows: &[&Candidate],
    date: NaiveDate,
) -> Result<bool, AppError> {
    let (case_id, opened) = store::open_or_join_case(
        &**tx,
        Uuid::now_v7(),
        customer.customer_id,
        customer.customer_currency,
        date,
        RUN_LABEL,
        run_id,
    )
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|row| row.invoice_id).collect();
    // A case is kept in the customer's currency: an invoice in another adds nothing to it.
    let amounts: Vec<Decimal> = rows
        .iter()
        .map(|row| {
            if row.currency == row.customer_currency {
                row.balance
            } else {
                Decimal::ZERO
            }
        })
        .collect();
    let linked = store::link_case_invoices(&**tx, case_id, &ids, &amounts).await?;
    audit::record(
        &**tx,
        tx.tenant(),
        AuditEntry {
            actor: Actor::System,
            action: "legal.escalated",
            entity_type: "customer",
            entity_id: Some(customer.customer_id.to_string()),
            before: None,
            after: Some(
                serde_json::json!({ "caseId": case_id.to_string(), "invoices": linked.len() }),
            ),
            request_id: None,
        },
    )
    .await?;
    Ok(opened)
}
