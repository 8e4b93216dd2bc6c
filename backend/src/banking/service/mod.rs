//! Cash application's use cases: bank accounts and reading lines and imports. Importing,
//! applying and matching are in the modules below.

pub mod apply;
pub mod import;
pub mod matching;

use super::errors::BankingError;
use super::store::{
    self, AccountRow, CustomerLabel, ImportRow, InvoiceLabel, LineFilter, LineRow, NewAccount,
    StatusTotal,
};
use crate::api::pagination::{Page, PageRequest};
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::db::{TenantTx, violated_constraint};
use crate::error::AppError;
use crate::payments::service::PaymentDetail;
use bank_formats::CsvMapping;
use domain::Currency;
use domain::access::{Access, Permission};
use domain::cash::Suggestion;
use sea_orm::DatabaseConnection;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use uuid::Uuid;

/// Whether the caller sees the company's bank accounts and lines: whoever sees every payment.
/// A collector sees their customers' payments only, and a bank line is no one's customer's
/// until applied, so their lists are empty.
fn reads_bank(caller: &Caller) -> Result<bool, AppError> {
    Ok(caller.authorize(Permission::ViewPayments)? == Access::All)
}

pub async fn accounts(
    db: &DatabaseConnection,
    caller: &Caller,
    include_archived: bool,
) -> Result<Vec<AccountRow>, AppError> {
    if !reads_bank(caller)? {
        return Ok(Vec::new());
    }
    let tx = TenantTx::begin(db, caller.require_tenant()?).await?;
    let rows = store::accounts(&*tx, include_archived).await?;
    tx.commit().await?;
    Ok(rows)
}

pub async fn account(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
) -> Result<Option<AccountRow>, AppError> {
    if !reads_bank(caller)? {
        return Ok(None);
    }
    let tx = TenantTx::begin(db, caller.require_tenant()?).await?;
    let row = store::account(&*tx, id, false).await?;
    tx.commit().await?;
    Ok(row)
}

/// A new account, checked by the caller: name 1 to 100 characters, number 1 to 64.
pub struct AccountInput {
    pub name: String,
    pub bank_name: String,
    pub account_number: String,
    pub currency: Currency,
}

fn audit_account<'a>(
    actor: audit::Actor,
    action: &'a str,
    row: &AccountRow,
    request_id: &'a str,
) -> AuditEntry<'a> {
    AuditEntry {
        actor,
        action,
        entity_type: "bank_account",
        entity_id: Some(row.id.to_string()),
        before: None,
        after: Some(serde_json::json!({
            "name": row.name, "bankName": row.bank_name,
            "accountNumber": row.account_number, "currency": row.currency.code(),
            "csvMapping": row.csv_mapping, "archived": row.archived_at.is_some(),
        })),
        request_id: Some(request_id),
    }
}

/// The account as the change left it, audited, and the transaction committed.
async fn committed(
    tx: TenantTx,
    id: Uuid,
    actor: audit::Actor,
    action: &str,
    request_id: &str,
) -> Result<AccountRow, AppError> {
    let row = store::account(&*tx, id, false)
        .await?
        .ok_or_else(|| AppError::from(BankingError::AccountNotFound))?;
    audit::record(
        &*tx,
        tx.tenant(),
        audit_account(actor, action, &row, request_id),
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn create_account(
    db: &DatabaseConnection,
    caller: &Caller,
    input: AccountInput,
    request_id: &str,
) -> Result<AccountRow, AppError> {
    caller.authorize(Permission::ManagePayments)?;
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, caller.require_tenant()?).await?;
    let id = Uuid::now_v7();
    let inserted = store::insert_account(
        &*tx,
        NewAccount {
            id,
            name: input.name,
            bank_name: input.bank_name,
            account_number: input.account_number,
            currency: input.currency,
        },
    )
    .await;
    if let Err(error) = inserted {
        return Err(match violated_constraint(&error).as_deref() {
            Some("bank_accounts_number_idx") => BankingError::AccountNumberTaken.into(),
            _ => error.into(),
        });
    }
    committed(tx, id, actor, "bank_account.created", request_id).await
}

pub async fn update_account(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    name: Option<String>,
    mapping: Option<CsvMapping>,
    request_id: &str,
) -> Result<AccountRow, AppError> {
    caller.authorize(Permission::ManagePayments)?;
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, caller.require_tenant()?).await?;
    let row = store::account(&*tx, id, true)
        .await?
        .ok_or_else(|| AppError::from(BankingError::AccountNotFound))?;
    if row.archived_at.is_some() {
        return Err(BankingError::AccountArchived.into());
    }
    let mapping = mapping
        .map(|m| serde_json::to_value(m).map_err(|e| AppError::Internal(e.into())))
        .transpose()?;
    store::update_account(&*tx, id, name, mapping).await?;
    committed(tx, id, actor, "bank_account.updated", request_id).await
}

pub async fn archive_account(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    request_id: &str,
) -> Result<AccountRow, AppError> {
    caller.authorize(Permission::ManagePayments)?;
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, caller.require_tenant()?).await?;
    store::account(&*tx, id, true)
        .await?
        .ok_or_else(|| AppError::from(BankingError::AccountNotFound))?;
    store::archive_account(&*tx, id).await?;
    committed(tx, id, actor, "bank_account.archived", request_id).await
}

/// A line with the payments it made or was linked to, and what its suggestions name.
#[derive(Debug, Clone)]
pub struct LineDetail {
    pub row: LineRow,
    pub payments: Vec<PaymentDetail>,
    pub suggestions: Vec<Suggestion>,
    pub customers: Arc<HashMap<Uuid, CustomerLabel>>,
    pub invoices: Arc<HashMap<Uuid, InvoiceLabel>>,
}

async fn with_payments(
    conn: &impl sea_orm::ConnectionTrait,
    rows: Vec<LineRow>,
) -> Result<Vec<LineDetail>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let payments = crate::payments::service::bank::payments_of_lines(conn, &ids).await?;
    let suggestions: Vec<Vec<Suggestion>> = rows.iter().map(apply::suggestions_of).collect();
    let customer_ids: Vec<Uuid> = suggestions
        .iter()
        .flatten()
        .map(|s| s.customer_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let invoice_ids: Vec<Uuid> = suggestions
        .iter()
        .flatten()
        .flat_map(|s| s.invoices.iter().map(|i| i.invoice_id))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let customers: Arc<HashMap<Uuid, CustomerLabel>> = Arc::new(
        store::customer_labels(conn, &customer_ids)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect(),
    );
    let invoices: Arc<HashMap<Uuid, InvoiceLabel>> = Arc::new(
        store::invoice_labels(conn, &invoice_ids)
            .await?
            .into_iter()
            .map(|i| (i.id, i))
            .collect(),
    );
    Ok(rows
        .into_iter()
        .zip(suggestions)
        .map(|(row, suggestions)| {
            let mine = payments
                .iter()
                .filter(|p| p.row.bank_transaction_id == Some(row.id))
                .cloned()
                .collect();
            LineDetail {
                row,
                payments: mine,
                suggestions,
                customers: customers.clone(),
                invoices: invoices.clone(),
            }
        })
        .collect())
}

pub async fn line_detail(tx: &TenantTx, id: Uuid) -> Result<LineDetail, AppError> {
    let row = store::line(&**tx, id, false)
        .await?
        .ok_or_else(|| AppError::from(BankingError::LineNotFound))?;
    with_payments(&**tx, vec![row])
        .await?
        .pop()
        .ok_or_else(|| AppError::from(BankingError::LineNotFound))
}

pub async fn list_lines(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: LineFilter,
    request: &PageRequest,
    wants_total: bool,
) -> Result<Page<LineDetail>, AppError> {
    if !reads_bank(caller)? {
        return Ok(request.page(Vec::new(), 0, |_: &LineDetail| Vec::new()));
    }
    let tx = TenantTx::begin(db, caller.require_tenant()?).await?;
    let (rows, total) = store::list_lines(&tx, &filter, request, wants_total).await?;
    let mut page = request.page(rows, total, store::line_key);
    let rows = std::mem::take(&mut page.items);
    let lines = with_payments(&*tx, rows).await?;
    tx.commit().await?;
    Ok(page.with_items(lines))
}

pub async fn find_line(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
) -> Result<Option<LineDetail>, AppError> {
    if !reads_bank(caller)? {
        return Ok(None);
    }
    let tx = TenantTx::begin(db, caller.require_tenant()?).await?;
    let found = match store::line(&*tx, id, false).await? {
        Some(row) => with_payments(&*tx, vec![row]).await?.pop(),
        None => None,
    };
    tx.commit().await?;
    Ok(found)
}

pub async fn totals(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: LineFilter,
) -> Result<Vec<StatusTotal>, AppError> {
    if !reads_bank(caller)? {
        return Ok(Vec::new());
    }
    let tx = TenantTx::begin(db, caller.require_tenant()?).await?;
    let rows = store::totals(&*tx, &filter).await?;
    tx.commit().await?;
    Ok(rows)
}

pub async fn list_imports(
    db: &DatabaseConnection,
    caller: &Caller,
    account: Option<Uuid>,
    request: &PageRequest,
    wants_total: bool,
) -> Result<Page<ImportRow>, AppError> {
    if !reads_bank(caller)? {
        return Ok(request.page(Vec::new(), 0, store::import_key));
    }
    let tx = TenantTx::begin(db, caller.require_tenant()?).await?;
    let (rows, total) = store::list_imports(&tx, account, request, wants_total).await?;
    tx.commit().await?;
    Ok(request.page(rows, total, store::import_key))
}
