//! The cash application API: bank accounts, statement imports (the file itself goes to
//! `POST /api/bank-statements`), bank lines with their suggestions, and what a person does
//! with a line.

mod objects;

pub use objects::*;

use super::errors::BankingError;
use super::service::apply::{ApplyLine, Part};
use super::service::{self, AccountInput, LineDetail};
use super::store::LineFilter;
use crate::api::context::{request, services};
use crate::api::pagination::PageRequest;
use crate::api::values::{
    CountedList, Date, locale, optional_text, parse_amount, parse_currency, parse_id, required_text,
};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError, IntoApi};
use crate::payments::idempotency::key_input;
use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use domain::access::Permission;
use domain::cash::{BankDirection, BankTransactionStatus};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

#[derive(InputObject, Default)]
pub struct BankTransactionFilter {
    pub bank_account_id: Option<ID>,
    pub status: Option<Vec<BankTransactionStatus>>,
    pub direction: Option<BankDirection>,
    pub booked_from: Option<Date>,
    pub booked_to: Option<Date>,
    /// In the payer's name or account, the remark or the reference.
    pub search: Option<String>,
}

fn filter_in(filter: BankTransactionFilter) -> Result<LineFilter, AppError> {
    Ok(LineFilter {
        bank_account_id: filter
            .bank_account_id
            .as_ref()
            .map(|id| parse_id("filter.bankAccountId", id))
            .transpose()?,
        statuses: filter.status.unwrap_or_default(),
        direction: filter.direction,
        booked_from: filter.booked_from.map(|Date(d)| d),
        booked_to: filter.booked_to.map(|Date(d)| d),
        search: optional_text("filter.search", filter.search.as_deref(), 100)?,
    })
}

#[derive(InputObject)]
pub struct CreateBankAccountInput {
    pub name: String,
    pub bank_name: String,
    pub account_number: String,
    pub currency: String,
}

#[derive(InputObject)]
pub struct UpdateBankAccountInput {
    pub bank_account_id: ID,
    pub name: Option<String>,
    pub csv_mapping: Option<CsvMappingFields>,
}

#[derive(InputObject)]
pub struct ArchiveBankAccountInput {
    pub bank_account_id: ID,
}

#[derive(InputObject)]
pub struct ApplyPartAllocationInput {
    pub invoice_id: ID,
    pub amount: String,
}

/// One customer's share of a line.
#[derive(InputObject)]
pub struct ApplyPartInput {
    pub customer_id: ID,
    pub amount: String,
    /// By default the customer's oldest due invoices first; the rest is unapplied credit.
    pub allocations: Option<Vec<ApplyPartAllocationInput>>,
}

#[derive(InputObject)]
pub struct ApplyBankTransactionInput {
    pub transaction_id: ID,
    /// Adding up to the line exactly; by default the line's best suggestion.
    pub parts: Option<Vec<ApplyPartInput>>,
    pub idempotency_key: Option<String>,
}

#[derive(InputObject)]
pub struct LinkBankTransactionInput {
    pub transaction_id: ID,
    pub payment_id: ID,
}

#[derive(InputObject)]
pub struct BankTransactionReasonInput {
    pub transaction_id: ID,
    pub reason: String,
}

#[derive(SimpleObject)]
pub struct BankAccountPayload {
    pub bank_account: BankAccount,
}

#[derive(SimpleObject)]
pub struct BankTransactionPayload {
    pub bank_transaction: BankTransaction,
}

fn line_id(id: &ID) -> Result<Uuid, AppError> {
    id.parse::<Uuid>()
        .map_err(|_| AppError::from(BankingError::LineNotFound))
}

fn account_id(id: &ID) -> Result<Uuid, AppError> {
    id.parse::<Uuid>()
        .map_err(|_| AppError::from(BankingError::AccountNotFound))
}

pub async fn create_bank_account(
    db: &DatabaseConnection,
    caller: &Caller,
    input: CreateBankAccountInput,
    request_id: &str,
) -> Result<BankAccountPayload, AppError> {
    caller.authorize(Permission::ManagePayments)?;
    let input = AccountInput {
        name: required_text("input.name", &input.name, 100)?,
        bank_name: optional_text("input.bankName", Some(&input.bank_name), 100)?
            .unwrap_or_default(),
        account_number: required_text("input.accountNumber", &input.account_number, 64)?,
        currency: parse_currency("input.currency", &input.currency)?,
    };
    let row = service::create_account(db, caller, input, request_id).await?;
    Ok(BankAccountPayload {
        bank_account: account(row),
    })
}

pub async fn update_bank_account(
    db: &DatabaseConnection,
    caller: &Caller,
    input: UpdateBankAccountInput,
    request_id: &str,
) -> Result<BankAccountPayload, AppError> {
    caller.authorize(Permission::ManagePayments)?;
    let id = account_id(&input.bank_account_id)?;
    let name = match input.name {
        Some(name) => Some(required_text("input.name", &name, 100)?),
        None => None,
    };
    let mapping = input.csv_mapping.map(mapping_in).transpose()?;
    let row = service::update_account(db, caller, id, name, mapping, request_id).await?;
    Ok(BankAccountPayload {
        bank_account: account(row),
    })
}

pub async fn archive_bank_account(
    db: &DatabaseConnection,
    caller: &Caller,
    input: ArchiveBankAccountInput,
    request_id: &str,
) -> Result<BankAccountPayload, AppError> {
    caller.authorize(Permission::ManagePayments)?;
    let id = account_id(&input.bank_account_id)?;
    let row = service::archive_account(db, caller, id, request_id).await?;
    Ok(BankAccountPayload {
        bank_account: account(row),
    })
}

fn parts_in(parts: Vec<ApplyPartInput>, currency: domain::Currency) -> Result<Vec<Part>, AppError> {
    if parts.is_empty() || parts.len() > super::service::apply::MAX_PARTS {
        return Err(BankingError::TooManyParts {
            max: super::service::apply::MAX_PARTS as u32,
        }
        .into());
    }
    parts
        .into_iter()
        .enumerate()
        .map(|(index, part)| {
            let field = |name: &str| format!("input.parts[{index}].{name}");
            let customer_id = part
                .customer_id
                .parse::<Uuid>()
                .map_err(|_| AppError::from(BankingError::CustomerNotFound { part: index }))?;
            let amount = parse_amount(&field("amount"), &part.amount, currency, false)?;
            let allocations = part
                .allocations
                .map(|lines| {
                    lines
                        .into_iter()
                        .enumerate()
                        .map(|(k, line)| {
                            let f = |name: &str| {
                                format!("input.parts[{index}].allocations[{k}].{name}")
                            };
                            let invoice = parse_id(&f("invoiceId"), &line.invoice_id)?;
                            let amount = parse_amount(&f("amount"), &line.amount, currency, false)?;
                            Ok((invoice, amount))
                        })
                        .collect::<Result<Vec<_>, AppError>>()
                })
                .transpose()?;
            Ok(Part {
                customer_id,
                amount,
                allocations,
            })
        })
        .collect()
}

async fn apply_bank_transaction(
    ctx: &Context<'_>,
    input: ApplyBankTransactionInput,
) -> Result<BankTransactionPayload, AppError> {
    let (_, db) = services(ctx).map_err(|_| AppError::Internal(anyhow::anyhow!("no services")))?;
    let request = request(ctx).map_err(|_| AppError::Internal(anyhow::anyhow!("no request")))?;
    let caller = &request.caller;
    caller.authorize(Permission::ManagePayments)?;
    let transaction_id = line_id(&input.transaction_id)?;
    let idempotency_key = key_input(input.idempotency_key.as_deref())?;
    let parts = match input.parts {
        Some(parts) => {
            let line = service::find_line(db, caller, transaction_id)
                .await?
                .ok_or_else(|| AppError::from(BankingError::LineNotFound))?;
            Some(parts_in(parts, line.row.currency)?)
        }
        None => None,
    };
    let command = ApplyLine {
        transaction_id,
        parts,
        idempotency_key,
    };
    let detail = service::apply::apply(db, caller, command, &request.request_id).await?;
    Ok(BankTransactionPayload {
        bank_transaction: transaction(detail, locale(ctx)),
    })
}

/// A person's action on one line (link, ignore, undo): authorized before its input is read,
/// and the line as it stands after.
async fn line_action(
    ctx: &Context<'_>,
    act: impl AsyncFnOnce(&DatabaseConnection, &Caller, &str) -> Result<LineDetail, AppError>,
) -> ApiResult<BankTransactionPayload> {
    let (_, db) = services(ctx)?;
    let request = request(ctx)?;
    let result = async {
        request.caller.authorize(Permission::ManagePayments)?;
        act(db, &request.caller, &request.request_id).await
    }
    .await;
    Ok(BankTransactionPayload {
        bank_transaction: transaction(result.api()?, locale(ctx)),
    })
}

#[derive(Default)]
pub struct BankingQuery;

#[Object]
impl BankingQuery {
    /// The company's bank accounts; archived ones only when asked.
    async fn bank_accounts(
        &self,
        ctx: &Context<'_>,
        include_archived: Option<bool>,
    ) -> ApiResult<Vec<BankAccount>> {
        let (_, db) = services(ctx)?;
        let rows = service::accounts(db, &request(ctx)?.caller, include_archived.unwrap_or(false))
            .await
            .api()?;
        Ok(rows.into_iter().map(account).collect())
    }

    /// One bank account; `null` when there is none with this id in the company.
    async fn bank_account(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<BankAccount>> {
        let (_, db) = services(ctx)?;
        let caller = &request(ctx)?.caller;
        let Ok(id) = id.parse::<Uuid>() else {
            return service::accounts(db, caller, false)
                .await
                .map(|_| None)
                .api();
        };
        Ok(service::account(db, caller, id).await.api()?.map(account))
    }

    /// Statement imports, newest first, with matching's progress. `first` is 1 to 200.
    #[graphql(complexity = "crate::api::values::page_complexity(first, child_complexity)")]
    async fn bank_statement_imports(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        bank_account_id: Option<ID>,
    ) -> ApiResult<Connection<String, BankStatementImport, CountedList>> {
        let (_, db) = services(ctx)?;
        let caller = &request(ctx)?.caller;
        let wants_total = ctx.look_ahead().field("totalCount").exists();
        let result = async {
            crate::banking::service::accounts(db, caller, false).await?;
            let account = bank_account_id
                .as_ref()
                .map(|id| parse_id("bankAccountId", id))
                .transpose()?;
            let page_request = PageRequest::parse(
                "bankStatementImports",
                "CREATED_DESC",
                true,
                first,
                after.as_deref(),
            )?;
            let page =
                service::list_imports(db, caller, account, &page_request, wants_total).await?;
            Ok::<_, AppError>(page.connection(|row| statement_import(row, false, Vec::new())))
        }
        .await;
        result.api()
    }

    /// Bank lines, most recently booked first. `first` is 1 to 200 (default 50).
    #[graphql(complexity = "crate::api::values::page_complexity(first, child_complexity)")]
    async fn bank_transactions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<BankTransactionFilter>,
    ) -> ApiResult<Connection<String, BankTransaction, CountedList>> {
        let (_, db) = services(ctx)?;
        let caller = &request(ctx)?.caller;
        let wants_total = ctx.look_ahead().field("totalCount").exists();
        let locale = locale(ctx);
        let result = async {
            caller.authorize(Permission::ViewPayments)?;
            let filter = filter_in(filter.unwrap_or_default())?;
            let page_request = PageRequest::parse(
                "bankTransactions",
                "BOOKED_DESC",
                true,
                first,
                after.as_deref(),
            )?;
            let page = service::list_lines(db, caller, filter, &page_request, wants_total).await?;
            Ok::<_, AppError>(page.connection(|detail| transaction(detail, locale)))
        }
        .await;
        result.api()
    }

    /// One bank line; `null` when there is none with this id in the company.
    async fn bank_transaction(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> ApiResult<Option<BankTransaction>> {
        let (_, db) = services(ctx)?;
        let caller = &request(ctx)?.caller;
        let locale = locale(ctx);
        let found = match id.parse::<Uuid>() {
            Ok(id) => service::find_line(db, caller, id).await.api()?,
            Err(_) => service::accounts(db, caller, false)
                .await
                .map(|_| None)
                .api()?,
        };
        Ok(found.map(|detail| transaction(detail, locale)))
    }

    /// Counts and amounts of the lines the filter keeps, by status, direction and currency
    /// (the filter's statuses are not applied).
    async fn bank_transaction_totals(
        &self,
        ctx: &Context<'_>,
        filter: Option<BankTransactionFilter>,
    ) -> ApiResult<Vec<BankTransactionTotal>> {
        let (_, db) = services(ctx)?;
        let caller = &request(ctx)?.caller;
        let result = async {
            caller.authorize(Permission::ViewPayments)?;
            let filter = filter_in(filter.unwrap_or_default())?;
            service::totals(db, caller, filter).await
        }
        .await;
        Ok(result.api()?.into_iter().map(total).collect())
    }
}

#[derive(Default)]
pub struct BankingMutation;

#[Object]
impl BankingMutation {
    async fn create_bank_account(
        &self,
        ctx: &Context<'_>,
        input: CreateBankAccountInput,
    ) -> ApiResult<BankAccountPayload> {
        Ok(crate::api::command!(ctx, create_bank_account, input))
    }

    /// Renames an account or sets how its CSV and Excel statements are read.
    async fn update_bank_account(
        &self,
        ctx: &Context<'_>,
        input: UpdateBankAccountInput,
    ) -> ApiResult<BankAccountPayload> {
        Ok(crate::api::command!(ctx, update_bank_account, input))
    }

    /// Archives an account: its lines stay; nothing more is imported or applied.
    async fn archive_bank_account(
        &self,
        ctx: &Context<'_>,
        input: ArchiveBankAccountInput,
    ) -> ApiResult<BankAccountPayload> {
        Ok(crate::api::command!(ctx, archive_bank_account, input))
    }

    /// Applies a received line: one BANK_TRANSFER payment per part, allocated as given or
    /// oldest first. A line applied already is `CONFLICT`, unless with the same key.
    async fn apply_bank_transaction(
        &self,
        ctx: &Context<'_>,
        input: ApplyBankTransactionInput,
    ) -> ApiResult<BankTransactionPayload> {
        apply_bank_transaction(ctx, input).await.api()
    }

    /// Ties a received line to a payment keyed by hand, of the same amount and currency.
    async fn link_bank_transaction(
        &self,
        ctx: &Context<'_>,
        input: LinkBankTransactionInput,
    ) -> ApiResult<BankTransactionPayload> {
        line_action(ctx, async |db, caller, request_id| {
            let line = line_id(&input.transaction_id)?;
            let payment = input
                .payment_id
                .parse::<Uuid>()
                .map_err(|_| AppError::from(BankingError::PaymentNotFound))?;
            service::apply::link(db, caller, line, payment, request_id).await
        })
        .await
    }

    /// Sets a received line aside (bank fees, money that is not a receivable), with why.
    async fn ignore_bank_transaction(
        &self,
        ctx: &Context<'_>,
        input: BankTransactionReasonInput,
    ) -> ApiResult<BankTransactionPayload> {
        line_action(ctx, async |db, caller, request_id| {
            let line = line_id(&input.transaction_id)?;
            let reason = required_text("input.reason", &input.reason, 500)?;
            service::apply::ignore(db, caller, line, reason, request_id).await
        })
        .await
    }

    /// Returns a line to UNMATCHED: reverses the payments it made (under the payment reversal
    /// approval policy), unties a linked one, or takes back an ignore.
    async fn undo_bank_transaction(
        &self,
        ctx: &Context<'_>,
        input: BankTransactionReasonInput,
    ) -> ApiResult<BankTransactionPayload> {
        line_action(ctx, async |db, caller, request_id| {
            let line = line_id(&input.transaction_id)?;
            let reason = required_text("input.reason", &input.reason, 500)?;
            service::apply::undo(db, caller, line, reason, request_id).await
        })
        .await
    }
}
