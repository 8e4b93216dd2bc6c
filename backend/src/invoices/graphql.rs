//! The invoices API: `invoices`, `invoice`, `createInvoice`, `updateInvoice`, `issueInvoice`,
//! `voidInvoice`, `writeOffInvoice`, `openDispute`, `resolveDispute`, `createCreditNote`,
//! `setInstallmentPlan`.

use super::store::{
    self, AllocationRow, DisputeRow, INVOICE_COLUMNS, INVOICES_FROM, InvoiceRow, LineRow,
};
use crate::api::command;
use crate::api::context::{request, services};
use crate::api::values::{CountedList, CustomerRef, OrderDirection};
use crate::api::values::{
    Date, Money, offset_connection, optional_text, page_size, parse_amount, parse_currency,
    parse_decimal, parse_id, parse_offset_cursor, required_text,
};
use crate::audit::{self, Actor, AuditEntry};
use crate::auth::Caller;
use crate::auth::{assigned_only, visible_to};
use crate::customers::{self, CustomerRow};
use crate::db::conditions::{Conditions, count};
use crate::db::{self, TenantTx};
use crate::error::{ApiResult, AppError, IntoApi};
use crate::payments::idempotency;
use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use domain::ErrorCode;
use domain::access::{Access, Permission};
use domain::aging::{AgingBucket, AgingEdges, days_overdue, days_past_due};
use domain::credit::{CreditBreach, CreditCheck, CreditDecision, CreditEnforcement};
use domain::invoices::{InvoiceStatus, LineInput, format_number, price_lines, valid_number};
use domain::terms::PaymentTerms;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

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

/// Money moved onto an invoice by a payment, or off it by a reversal (negative).
#[derive(SimpleObject, Clone)]
pub struct Allocation {
    pub id: ID,
    pub payment_id: ID,
    pub invoice_id: ID,
    pub invoice_number: Option<String>,
    pub amount: Money,
    pub received_on: Date,
    pub method: String,
    pub reference: Option<String>,
    /// Set on a reversal: the allocation it undoes.
    pub reverses_id: Option<ID>,
    pub recorded_by: String,
    pub created_at: DateTime<Utc>,
}

pub fn allocation(row: AllocationRow) -> Allocation {
    Allocation {
        id: ID(row.id.to_string()),
        payment_id: ID(row.payment_id.to_string()),
        invoice_id: ID(row.invoice_id.to_string()),
        invoice_number: row.invoice_number,
        amount: Money::new(row.amount, &row.currency),
        received_on: Date(row.received_on),
        method: row.method,
        reference: row.reference,
        reverses_id: row.reverses_id.map(|id| ID(id.to_string())),
        recorded_by: row.actor_label,
        created_at: row.created_at,
    }
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum DisputeStatus {
    Open,
    Resolved,
    Rejected,
}

#[derive(SimpleObject, Clone)]
pub struct Dispute {
    pub id: ID,
    pub invoice_id: ID,
    pub reason: String,
    pub amount: Money,
    pub status: DisputeStatus,
    pub resolution_note: Option<String>,
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

fn dispute(row: DisputeRow, currency: &str) -> Dispute {
    Dispute {
        id: ID(row.id.to_string()),
        invoice_id: ID(row.invoice_id.to_string()),
        reason: row.reason,
        amount: Money::new(row.amount, currency),
        status: match row.status.as_str() {
            "RESOLVED" => DisputeStatus::Resolved,
            "REJECTED" => DisputeStatus::Rejected,
            _ => DisputeStatus::Open,
        },
        resolution_note: row.resolution_note,
        opened_by: row.opened_by,
        opened_at: row.opened_at,
        resolved_at: row.resolved_at,
    }
}

#[derive(SimpleObject, Clone)]
pub struct Installment {
    pub due_date: Date,
    pub amount: Money,
}

#[derive(SimpleObject, Clone)]
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
    /// Why the invoice was issued despite the credit policy (a warning or an override).
    pub credit_flag: Option<String>,
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
    /// For a fee invoice: the invoice it charges a fee on.
    pub fee_for_invoice_id: Option<ID>,
    pub created_at: DateTime<Utc>,
}

/// Which nested lists to load, from the query's selection.
#[derive(Clone, Copy, Default)]
pub struct Details {
    pub lines: bool,
    pub allocations: bool,
    pub disputes: bool,
    pub installments: bool,
    pub late_fees: bool,
}

impl Details {
    pub fn all() -> Self {
        Details {
            lines: true,
            allocations: true,
            disputes: true,
            installments: true,
            late_fees: true,
        }
    }

    fn of(field: async_graphql::Lookahead<'_>) -> Self {
        Details {
            lines: field.field("lines").exists(),
            allocations: field.field("allocations").exists(),
            disputes: field.field("disputes").exists(),
            installments: field.field("installments").exists(),
            late_fees: field.field("lateFees").exists(),
        }
    }
}

#[derive(Debug, FromQueryResult)]
struct InstallmentRow {
    invoice_id: Uuid,
    due_date: NaiveDate,
    amount: Decimal,
}

/// API invoices from rows; each nested list asked for costs one statement for the whole page.
pub async fn assemble(
    conn: &impl ConnectionTrait,
    today: NaiveDate,
    rows: Vec<InvoiceRow>,
    details: Details,
) -> Result<Vec<Invoice>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let lines = if details.lines {
        store::lines_of(conn, &ids).await?
    } else {
        Vec::new()
    };
    let allocations = if details.allocations {
        store::allocations_by(conn, "invoice_id", &ids).await?
    } else {
        Vec::new()
    };
    let disputes = if details.disputes {
        store::disputes_of(conn, &ids).await?
    } else {
        Vec::new()
    };
    let installments = if details.installments && !ids.is_empty() {
        InstallmentRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT invoice_id, due_date, amount FROM installments
             WHERE invoice_id = ANY($1::uuid[]) ORDER BY invoice_id, seq",
            [ids.to_vec().into()],
        ))
        .all(conn)
        .await?
    } else {
        Vec::new()
    };
    let fees = if details.late_fees && !ids.is_empty() {
        crate::api::objects::late_fees_of(conn, &ids).await?
    } else {
        Vec::new()
    };
    Ok(rows
        .into_iter()
        .map(|row| {
            let currency = row.currency.clone();
            let late_fees = fees
                .iter()
                .filter(|(invoice, _)| *invoice == row.id)
                .map(|(_, fee)| fee.clone())
                .collect();
            let line = |line: &LineRow| InvoiceLine {
                description: line.description.clone(),
                quantity: line.quantity.normalize().to_string(),
                unit_price: line.unit_price.normalize().to_string(),
                tax_rate: line.tax_rate.normalize().to_string(),
                net: Money::new(line.net, &currency),
                tax: Money::new(line.tax, &currency),
                total: Money::new(line.total, &currency),
            };
            invoice(
                &row,
                today,
                lines
                    .iter()
                    .filter(|l| l.invoice_id == row.id)
                    .map(line)
                    .collect(),
                allocations
                    .iter()
                    .filter(|a| a.invoice_id == row.id)
                    .cloned()
                    .map(allocation)
                    .collect(),
                disputes
                    .iter()
                    .filter(|d| d.invoice_id == row.id)
                    .cloned()
                    .map(|d| dispute(d, &currency))
                    .collect(),
                installments
                    .iter()
                    .filter(|i| i.invoice_id == row.id)
                    .map(|i| Installment {
                        due_date: Date(i.due_date),
                        amount: Money::new(i.amount, &currency),
                    })
                    .collect(),
                late_fees,
            )
        })
        .collect())
}

fn invoice(
    row: &InvoiceRow,
    today: NaiveDate,
    lines: Vec<InvoiceLine>,
    allocations: Vec<Allocation>,
    disputes: Vec<Dispute>,
    installments: Vec<Installment>,
    late_fees: Vec<crate::api::objects::LateFee>,
) -> Invoice {
    let status = InvoiceStatus::parse(&row.status).unwrap_or(InvoiceStatus::Draft);
    let money = |amount: Decimal| Money::new(amount, &row.currency);
    let edges = row
        .aging_edges
        .as_ref()
        .and_then(|value| serde_json::from_value::<[i64; 3]>(value.clone()).ok())
        .and_then(|edges| AgingEdges::new(edges).ok())
        .unwrap_or_default();
    Invoice {
        id: ID(row.id.to_string()),
        number: row.number.clone(),
        status,
        issue_date: Date(row.issue_date),
        due_date: Date(row.due_date),
        currency: row.currency.clone(),
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
            code: row.customer_code.clone(),
            name: row.customer_name.clone(),
        },
        external_ref: row.external_ref.clone(),
        notes: row.notes.clone(),
        credit_flag: row.credit_flag.clone(),
        issued_at: row.issued_at,
        voided_at: row.voided_at,
        void_reason: row.void_reason.clone(),
        written_off_at: row.written_off_at,
        write_off_reason: row.write_off_reason.clone(),
        has_open_dispute: row.open_disputes,
        lines,
        allocations,
        disputes,
        installments,
        late_fees,
        fee_for_invoice_id: row.fee_for_invoice_id.map(|id| ID(id.to_string())),
        created_at: row.created_at,
    }
}

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

#[derive(InputObject, Default)]
pub struct InvoiceFilter {
    pub customer_id: Option<ID>,
    /// Any of these statuses.
    pub status: Option<Vec<InvoiceStatus>>,
    /// Only open invoices past their due date (or, with false, not past it).
    pub overdue: Option<bool>,
    /// Matches the number, the external reference or the customer's name or code.
    pub search: Option<String>,
    pub currency: Option<String>,
    pub issued_from: Option<Date>,
    pub issued_to: Option<Date>,
    pub due_from: Option<Date>,
    pub due_to: Option<Date>,
}

pub type InvoiceConnection = Connection<String, Invoice, CountedList>;

fn like_pattern(search: &str) -> String {
    format!(
        "%{}%",
        search
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

pub async fn list_invoices(
    db: &DatabaseConnection,
    caller: &Caller,
    first: Option<i32>,
    after: Option<String>,
    filter: InvoiceFilter,
    order: InvoiceOrder,
    details: Details,
) -> Result<InvoiceConnection, AppError> {
    let access = caller.authorize(Permission::ViewInvoices)?;
    let tenant = caller.require_tenant()?;
    let first = page_size(first)?;
    let offset = parse_offset_cursor("invoices", after.as_deref())?;
    let calendar = db::tenant_calendar(db, tenant).await?;

    let mut conditions = Conditions::new(Vec::new());
    assigned_only(caller, access, &mut conditions, "c.");
    if let Some(customer) = &filter.customer_id {
        conditions.push(
            "i.customer_id = ?",
            parse_id("filter.customerId", customer)?,
        );
    }
    if let Some(statuses) = &filter.status
        && !statuses.is_empty()
    {
        let list: Vec<&str> = statuses.iter().map(|status| status.as_str()).collect();
        conditions.push("i.status = ANY(string_to_array(?, ','))", list.join(","));
    }
    if let Some(overdue) = filter.overdue {
        let n = conditions.bind(calendar.today);
        conditions.fixed(&format!(
            "{}(i.status IN ('ISSUED', 'PARTIALLY_PAID') AND (
                (NOT i.installment_plan AND i.due_date < ${n})
                OR (i.installment_plan AND EXISTS (
                    SELECT 1 FROM receivable_items r WHERE r.invoice_id = i.id AND r.amount > 0 AND r.due_date < ${n}))))",
            if overdue { "" } else { "NOT " }
        ));
    }
    if let Some(search) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let n = conditions.bind(like_pattern(search));
        conditions.fixed(&format!(
            // Each branch on its own index (trigram on numbers and references, the customer's
            // invoices by customer); an OR across them would scan every invoice.
            "i.id IN (
                SELECT s.id FROM invoices s WHERE s.number ILIKE ${n}
                UNION SELECT s.id FROM invoices s WHERE s.external_ref ILIKE ${n}
                UNION SELECT s.id FROM invoices s JOIN customers k ON k.id = s.customer_id
                      WHERE k.name ILIKE ${n} OR k.code ILIKE ${n})"
        ));
    }
    if let Some(currency) = &filter.currency {
        conditions.push(
            "i.currency = ?",
            parse_currency("filter.currency", currency)?
                .code()
                .to_owned(),
        );
    }
    for (value, clause) in [
        (filter.issued_from, "i.issue_date >= ?"),
        (filter.issued_to, "i.issue_date <= ?"),
        (filter.due_from, "i.due_date >= ?"),
        (filter.due_to, "i.due_date <= ?"),
    ] {
        if let Some(Date(date)) = value {
            conditions.push(clause, date);
        }
    }
    let only_open = filter.overdue == Some(true)
        || filter.status.as_ref().is_some_and(|statuses| {
            !statuses.is_empty() && statuses.iter().all(|status| status.is_open())
        });
    let default_direction = match order.field {
        InvoiceOrderField::Number | InvoiceOrderField::DueDate => OrderDirection::Asc,
        _ => OrderDirection::Desc,
    };
    let direction = match order.direction.unwrap_or(default_direction) {
        OrderDirection::Asc => "ASC",
        OrderDirection::Desc => "DESC",
    };
    let order_sql = match order.field {
        InvoiceOrderField::IssueDate => format!("i.issue_date {direction}, i.id {direction}"),
        InvoiceOrderField::DueDate => format!("i.due_date {direction}, i.id {direction}"),
        InvoiceOrderField::Number => format!("i.number {direction} NULLS LAST, i.id"),
        InvoiceOrderField::Total => format!("i.total {direction}, i.id"),
        InvoiceOrderField::BalanceDue => format!("i.balance_due {direction}, i.id"),
        // Most overdue first when descending: open invoices by due date, the rest after.
        // When only open invoices can match, the due date alone orders them, which the
        // open-invoices index serves without sorting them all.
        InvoiceOrderField::DaysOverdue if only_open => format!(
            "i.due_date {}, i.id",
            if direction == "DESC" { "ASC" } else { "DESC" }
        ),
        InvoiceOrderField::DaysOverdue => format!(
            "(i.status IN ('ISSUED', 'PARTIALLY_PAID')) DESC, i.due_date {}, i.id",
            if direction == "DESC" { "ASC" } else { "DESC" }
        ),
    };
    let filtered = conditions.sql();
    let mut values = conditions.values;
    let count_values = values.clone();
    values.push(((first + 1) as i64).into());
    values.push((offset as i64).into());
    let page_sql = format!(
        "SELECT {INVOICE_COLUMNS} FROM {INVOICES_FROM} WHERE {filtered} ORDER BY {order_sql}
         LIMIT ${} OFFSET ${}",
        values.len() - 1,
        values.len()
    );
    // The count needs the customers only when the filter reads them.
    let count_from = if filtered.contains("c.") {
        INVOICES_FROM
    } else {
        "invoices i"
    };
    let count_sql = format!("SELECT count(*) AS n FROM {count_from} WHERE {filtered}");

    let tx = TenantTx::begin(db, tenant).await?;
    let mut rows = InvoiceRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        page_sql,
        values,
    ))
    .all(&*tx)
    .await?;
    let total = count(&tx, count_sql, count_values).await?;
    let has_next = rows.len() > first;
    rows.truncate(first);
    let invoices = assemble(&*tx, calendar.today, rows, details).await?;
    tx.commit().await?;
    Ok(offset_connection(
        "invoices", invoices, has_next, offset, total,
    ))
}

/// Whether the caller may see an invoice of this customer.
async fn customer_visible(
    tx: &TenantTx,
    caller: &Caller,
    access: Access,
    today: NaiveDate,
    customer_id: Uuid,
) -> Result<bool, AppError> {
    if access == Access::All {
        return Ok(true);
    }
    Ok(customers::load_customer(&**tx, today, customer_id)
        .await?
        .is_some_and(|row| visible_to(caller, access, &row)))
}

pub async fn find_invoice(
    db: &DatabaseConnection,
    caller: &Caller,
    id: &ID,
    details: Details,
) -> Result<Option<Invoice>, AppError> {
    let access = caller.authorize(Permission::ViewInvoices)?;
    let tenant = caller.require_tenant()?;
    let Ok(id) = id.parse::<Uuid>() else {
        return Ok(None);
    };
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let row = store::load_invoice(&*tx, id, false).await?;
    let found = match row {
        Some(row)
            if customer_visible(&tx, caller, access, calendar.today, row.customer_id).await? =>
        {
            assemble(&*tx, calendar.today, vec![row], details)
                .await?
                .pop()
        }
        _ => None,
    };
    tx.commit().await?;
    Ok(found)
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

#[derive(InputObject)]
pub struct IssueInvoiceInput {
    pub invoice_id: ID,
    pub override_credit_block: Option<bool>,
}

#[derive(InputObject)]
pub struct VoidInvoiceInput {
    pub invoice_id: ID,
    pub reason: String,
}

#[derive(InputObject)]
pub struct WriteOffInvoiceInput {
    pub invoice_id: ID,
    pub reason: String,
}

#[derive(InputObject)]
pub struct OpenDisputeInput {
    pub invoice_id: ID,
    pub reason: String,
    /// The disputed part of the balance; the whole balance by default.
    pub amount: Option<String>,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum DisputeOutcome {
    Resolved,
    Rejected,
}

#[derive(InputObject)]
pub struct ResolveDisputeInput {
    pub dispute_id: ID,
    pub outcome: DisputeOutcome,
    pub note: String,
}

#[derive(InputObject)]
pub struct CreateCreditNoteInput {
    pub invoice_id: ID,
    pub amount: String,
    pub reason: String,
    /// Today by default.
    pub issued_on: Option<Date>,
    /// A retry with the same key returns the first credit note instead of a second one.
    pub idempotency_key: Option<String>,
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

#[derive(SimpleObject)]
pub struct InvoicePayload {
    pub invoice: Invoice,
}

#[derive(SimpleObject)]
pub struct DisputePayload {
    pub dispute: Dispute,
    pub invoice: Invoice,
}

#[derive(SimpleObject)]
pub struct CreditNote {
    pub id: ID,
    pub number: String,
    pub amount: Money,
    pub reason: String,
    pub issued_on: Date,
}

#[derive(Debug, FromQueryResult)]
struct CreditNoteRow {
    id: Uuid,
    number: String,
    amount: Decimal,
    currency: String,
    reason: String,
    issued_on: NaiveDate,
}

#[derive(SimpleObject)]
pub struct CreditNotePayload {
    pub credit_note: CreditNote,
    pub invoice: Invoice,
}

fn lines_input(
    lines: &[InvoiceLineInput],
    currency: domain::Currency,
) -> Result<(Vec<domain::invoices::PricedLine>, domain::invoices::Totals), AppError> {
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
    price_lines(&parsed, currency)
        .map_err(|error| AppError::validation(format!("input.{}", error.field()), error))
}

fn number_input(number: Option<&str>) -> Result<Option<String>, AppError> {
    match number.map(str::trim).filter(|n| !n.is_empty()) {
        None => Ok(None),
        Some(number) if valid_number(number) => Ok(Some(number.to_owned())),
        Some(_) => Err(AppError::validation(
            "input.number",
            "use 1 to 40 letters, digits, `-`, `/`, `_` or `.`",
        )),
    }
}

fn unique_violation(error: sea_orm::DbErr) -> AppError {
    let text = error.to_string();
    if text.contains("invoices_number_key") {
        AppError::conflict("input.number", "Another invoice already has this number.")
    } else if text.contains("invoices_external_ref_key") {
        AppError::conflict(
            "input.externalRef",
            "Another invoice already has this external reference.",
        )
    } else {
        AppError::from(error)
    }
}

async fn write_lines(
    tx: &TenantTx,
    invoice: Uuid,
    lines: &[domain::invoices::PricedLine],
) -> Result<(), AppError> {
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "DELETE FROM invoice_lines WHERE invoice_id = $1",
        [invoice.into()],
    ))
    .await?;
    for (position, line) in lines.iter().enumerate() {
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO invoice_lines (id, invoice_id, position, description, quantity, unit_price, tax_rate, net, tax, total)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            [
                Uuid::now_v7().into(),
                invoice.into(),
                (position as i32).into(),
                line.description.clone().into(),
                line.quantity.into(),
                line.unit_price.into(),
                line.tax_rate.into(),
                line.net.into(),
                line.tax.into(),
                line.total.into(),
            ],
        ))
        .await?;
    }
    Ok(())
}

fn dates_input(
    issue_date: NaiveDate,
    due_date: Option<NaiveDate>,
    terms: PaymentTerms,
) -> Result<NaiveDate, AppError> {
    let due = due_date.unwrap_or_else(|| terms.due_date(issue_date));
    if due < issue_date {
        return Err(AppError::validation(
            "input.dueDate",
            "the due date cannot be before the issue date",
        ));
    }
    Ok(due)
}

fn customer_terms(row: &CustomerRow) -> PaymentTerms {
    PaymentTerms::new(row.terms_kind, i64::from(row.terms_days)).unwrap_or(PaymentTerms::net(30))
}

/// Applies the credit policy to issuing `invoice`, inside the transaction that holds the
/// customer's row lock. Returns the flag to store when the invoice goes out despite a breach.
async fn credit_gate(
    tx: &TenantTx,
    caller: &Caller,
    customer: &CustomerRow,
    invoice: &InvoiceRow,
    override_block: bool,
) -> Result<Option<(String, bool)>, AppError> {
    if override_block {
        caller.authorize(Permission::OverrideCreditBlock)?;
    }
    let enforcement = store::setting(&**tx, "credit.over_limit_policy")
        .await?
        .and_then(|value| value.as_str().and_then(CreditEnforcement::parse))
        .unwrap_or(CreditEnforcement::Block);
    let check = CreditCheck {
        hold_reason: customer
            .credit_hold_reason
            .as_deref()
            .filter(|_| customer.credit_hold),
        limit: customer.credit_limit,
        exposure: customer.balance,
        new_amount: invoice.total,
        same_currency: invoice.currency == customer.currency.code(),
    };
    match check.decide(enforcement, override_block) {
        CreditDecision::Allowed => Ok(None),
        CreditDecision::Flagged(breach) => {
            let overridden = enforcement == CreditEnforcement::Block;
            let prefix = if overridden {
                "Override: "
            } else {
                "Warning: "
            };
            Ok(Some((
                format!("{prefix}{}", breach.describe(customer.currency.code())),
                overridden,
            )))
        }
        CreditDecision::Blocked(breach) => {
            let code = match breach {
                CreditBreach::OnHold { .. } => ErrorCode::CreditHold,
                CreditBreach::OverLimit { .. } => ErrorCode::CreditLimitExceeded,
            };
            Err(AppError::client(
                code,
                format!(
                    "{} Someone with the override permission can issue it with overrideCreditBlock.",
                    breach.describe(customer.currency.code())
                ),
            ))
        }
    }
}

/// Issues a locked draft: credit policy, number, status. The caller commits.
async fn issue_locked(
    tx: &TenantTx,
    caller: &Caller,
    today: NaiveDate,
    invoice: &InvoiceRow,
    override_block: bool,
    actor: &Actor,
    request_id: &str,
) -> Result<(), AppError> {
    let customer = customers::customer_for_update(&**tx, today, invoice.customer_id)
        .await?
        .ok_or_else(|| AppError::not_found("No such customer."))?;
    if customer.archived_at.is_some() {
        return Err(AppError::validation(
            "input.invoiceId",
            "the customer is archived; restore it first",
        ));
    }
    let flag = credit_gate(tx, caller, &customer, invoice, override_block).await?;
    let number = match &invoice.number {
        Some(number) => number.clone(),
        None => next_free_number(tx, "invoice", "invoices.number_prefix", "INV-").await?,
    };
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE invoices SET status = 'ISSUED', number = $2, issued_at = now(), credit_flag = $3, updated_at = now()
         WHERE id = $1",
        [
            invoice.id.into(),
            number.clone().into(),
            flag.as_ref().map(|(text, _)| text.clone()).into(),
        ],
    ))
    .await
    .map_err(unique_violation)?;
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
                after: Some(serde_json::json!({ "number": number, "reason": text })),
                request_id: Some(request_id),
            },
        )
        .await?;
    }
    Ok(())
}

/// The next number of `sequence` that no invoice or credit note has: a number typed by hand
/// on an earlier invoice is skipped, never reused.
pub(crate) async fn next_free_number(
    tx: &TenantTx,
    sequence: &str,
    prefix_setting: &str,
    default_prefix: &str,
) -> Result<String, AppError> {
    let prefix = store::setting(&**tx, prefix_setting)
        .await?
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_else(|| default_prefix.to_owned());
    loop {
        let number = format_number(&prefix, store::next_number(&**tx, sequence).await?);
        let taken = tx
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT 1 AS taken FROM invoices WHERE number = $1
                 UNION ALL SELECT 1 FROM credit_notes WHERE number = $1",
                [number.clone().into()],
            ))
            .await?;
        if taken.is_none() {
            return Ok(number);
        }
    }
}

/// Reloads the invoice, records the audit entry, commits.
#[allow(clippy::too_many_arguments)]
async fn finish(
    tx: TenantTx,
    today: NaiveDate,
    id: Uuid,
    actor: Actor,
    action: &str,
    before: Option<serde_json::Value>,
    request_id: &str,
) -> Result<Invoice, AppError> {
    let row = store::load_invoice(&*tx, id, false)
        .await?
        .ok_or_else(|| AppError::not_found("No such invoice."))?;
    let after = serde_json::json!({
        "number": row.number, "status": row.status, "total": row.total.to_string(),
        "balanceDue": row.balance_due.to_string(), "currency": row.currency,
        "dueDate": row.due_date.to_string(), "customerId": row.customer_id.to_string(),
    });
    let invoice = assemble(&*tx, today, vec![row], Details::all())
        .await?
        .pop()
        .ok_or_else(|| AppError::not_found("No such invoice."))?;
    audit::record(
        &*tx,
        tx.tenant(),
        AuditEntry {
            actor,
            action,
            entity_type: "invoice",
            entity_id: Some(id.to_string()),
            before,
            after: Some(after),
            request_id: Some(request_id),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(invoice)
}

fn before_of(row: &InvoiceRow) -> serde_json::Value {
    serde_json::json!({
        "number": row.number, "status": row.status, "total": row.total.to_string(),
        "balanceDue": row.balance_due.to_string(), "dueDate": row.due_date.to_string(),
    })
}

pub async fn create_invoice(
    db: &DatabaseConnection,
    caller: &Caller,
    input: CreateInvoiceInput,
    request_id: &str,
) -> Result<Invoice, AppError> {
    caller.authorize(Permission::ManageInvoices)?;
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let number = number_input(input.number.as_deref())?;
    let external_ref = optional_text("input.externalRef", input.external_ref.as_deref(), 100)?;
    let notes = optional_text("input.notes", input.notes.as_deref(), 4000)?;
    let actor = audit::actor_of(db, caller).await?;
    let not_found = || AppError::not_found("No such customer.");
    let customer_id = input.customer_id.parse::<Uuid>().map_err(|_| not_found())?;
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
        return Err(AppError::validation(
            "input.customerId",
            "the customer is archived; restore it first",
        ));
    }
    let currency = parse_currency(
        "input.currency",
        input
            .currency
            .as_deref()
            .unwrap_or(customer.currency.code()),
    )?;
    let (lines, totals) = lines_input(&input.lines, currency)?;
    let issue_date = input.issue_date.map(|d| d.0).unwrap_or(calendar.today);
    let due_date = dates_input(
        issue_date,
        input.due_date.map(|d| d.0),
        customer_terms(&customer),
    )?;
    let id = Uuid::now_v7();
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO invoices (id, customer_id, number, status, issue_date, due_date, currency,
                               subtotal, tax_total, total, balance_due, external_ref, notes)
         VALUES ($1, $2, $3, 'DRAFT', $4, $5, $6, $7, $8, $9, $9, $10, $11)",
        [
            id.into(),
            customer_id.into(),
            number.into(),
            issue_date.into(),
            due_date.into(),
            currency.code().to_owned().into(),
            totals.subtotal.amount.into(),
            totals.tax.amount.into(),
            totals.total.amount.into(),
            external_ref.into(),
            notes.into(),
        ],
    ))
    .await
    .map_err(unique_violation)?;
    write_lines(&tx, id, &lines).await?;
    let action = if input.issue.unwrap_or(false) {
        let draft = store::load_invoice(&*tx, id, true)
            .await?
            .ok_or_else(|| AppError::not_found("No such invoice."))?;
        issue_locked(
            &tx,
            caller,
            calendar.today,
            &draft,
            input.override_credit_block.unwrap_or(false),
            &actor,
            request_id,
        )
        .await?;
        "invoice.issued"
    } else {
        "invoice.drafted"
    };
    finish(tx, calendar.today, id, actor, action, None, request_id).await
}

/// Opens the transaction for a change to one invoice and returns it locked; `NOT_FOUND` for an
/// id outside the tenant.
async fn lock_invoice(
    db: &DatabaseConnection,
    caller: &Caller,
    id: &ID,
) -> Result<(TenantTx, NaiveDate, InvoiceRow), AppError> {
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let not_found = || AppError::not_found("No such invoice.");
    let id = id.parse::<Uuid>().map_err(|_| not_found())?;
    let tx = TenantTx::begin(db, tenant).await?;
    // Every change that moves an invoice's money locks its customer first, then the invoice:
    // one order everywhere, so payments, credit notes and write-offs never deadlock.
    let customer = store::load_invoice(&*tx, id, false)
        .await?
        .ok_or_else(not_found)?
        .customer_id;
    customers::customer_for_update(&*tx, calendar.today, customer).await?;
    let row = store::load_invoice(&*tx, id, true)
        .await?
        .ok_or_else(not_found)?;
    Ok((tx, calendar.today, row))
}

fn status_of(row: &InvoiceRow) -> InvoiceStatus {
    InvoiceStatus::parse(&row.status).unwrap_or(InvoiceStatus::Draft)
}

fn wrong_status(row: &InvoiceRow, wanted: &str) -> AppError {
    AppError::conflict(
        "input.invoiceId",
        format!("The invoice is {}; {wanted}.", row.status),
    )
}

pub async fn update_invoice(
    db: &DatabaseConnection,
    caller: &Caller,
    input: UpdateInvoiceInput,
    request_id: &str,
) -> Result<Invoice, AppError> {
    caller.authorize(Permission::ManageInvoices)?;
    let actor = audit::actor_of(db, caller).await?;
    let (tx, today, row) = lock_invoice(db, caller, &input.invoice_id).await?;
    if status_of(&row) != InvoiceStatus::Draft {
        return Err(wrong_status(
            &row,
            "only drafts can be edited; void or credit it instead",
        ));
    }
    let customer = customers::load_customer(&*tx, today, row.customer_id)
        .await?
        .ok_or_else(|| AppError::not_found("No such customer."))?;
    let before = before_of(&row);
    let currency = parse_currency(
        "input.currency",
        input.currency.as_deref().unwrap_or(&row.currency),
    )?;
    let number = match &input.number {
        Some(number) => number_input(Some(number))?,
        None => row.number.clone(),
    };
    let issue_date = input.issue_date.map(|d| d.0).unwrap_or(row.issue_date);
    let due_date = match (input.due_date, input.issue_date) {
        (Some(due), _) => dates_input(issue_date, Some(due.0), customer_terms(&customer))?,
        (None, Some(_)) => dates_input(issue_date, None, customer_terms(&customer))?,
        (None, None) => dates_input(issue_date, Some(row.due_date), customer_terms(&customer))?,
    };
    let (subtotal, tax, total) = match &input.lines {
        Some(lines) => {
            let (priced, totals) = lines_input(lines, currency)?;
            write_lines(&tx, row.id, &priced).await?;
            (
                totals.subtotal.amount,
                totals.tax.amount,
                totals.total.amount,
            )
        }
        None if currency.code() != row.currency => {
            return Err(AppError::validation(
                "input.currency",
                "send the lines again when changing the currency, so they are priced in it",
            ));
        }
        None => (row.subtotal, row.tax_total, row.total),
    };
    let external_ref = match &input.external_ref {
        Some(value) => optional_text("input.externalRef", Some(value), 100)?,
        None => row.external_ref.clone(),
    };
    let notes = match &input.notes {
        Some(value) => optional_text("input.notes", Some(value), 4000)?,
        None => row.notes.clone(),
    };
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE invoices SET number = $2, issue_date = $3, due_date = $4, currency = $5, subtotal = $6,
                tax_total = $7, total = $8, balance_due = $8, external_ref = $9, notes = $10, updated_at = now()
         WHERE id = $1",
        [
            row.id.into(),
            number.into(),
            issue_date.into(),
            due_date.into(),
            currency.code().to_owned().into(),
            subtotal.into(),
            tax.into(),
            total.into(),
            external_ref.into(),
            notes.into(),
        ],
    ))
    .await
    .map_err(unique_violation)?;
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
    input: IssueInvoiceInput,
    request_id: &str,
) -> Result<Invoice, AppError> {
    caller.authorize(Permission::ManageInvoices)?;
    let actor = audit::actor_of(db, caller).await?;
    let (tx, today, row) = lock_invoice(db, caller, &input.invoice_id).await?;
    if status_of(&row) != InvoiceStatus::Draft {
        return Err(wrong_status(&row, "only a draft can be issued"));
    }
    let before = before_of(&row);
    issue_locked(
        &tx,
        caller,
        today,
        &row,
        input.override_credit_block.unwrap_or(false),
        &actor,
        request_id,
    )
    .await?;
    finish(
        tx,
        today,
        row.id,
        actor,
        "invoice.issued",
        Some(before),
        request_id,
    )
    .await
}

pub async fn void_invoice(
    db: &DatabaseConnection,
    caller: &Caller,
    input: VoidInvoiceInput,
    request_id: &str,
) -> Result<Invoice, AppError> {
    caller.authorize(Permission::ManageInvoices)?;
    let reason = required_text("input.reason", &input.reason, 500)?;
    let actor = audit::actor_of(db, caller).await?;
    let (tx, today, row) = lock_invoice(db, caller, &input.invoice_id).await?;
    let status = status_of(&row);
    if !matches!(status, InvoiceStatus::Draft | InvoiceStatus::Issued) {
        return Err(wrong_status(
            &row,
            "only a draft or an unpaid issued invoice can be voided",
        ));
    }
    let touched = tx
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT (SELECT count(*) FROM allocations a WHERE a.invoice_id = $1 AND a.amount > 0
                       AND NOT EXISTS (SELECT 1 FROM allocations r WHERE r.reverses_id = a.id))
                  + (SELECT count(*) FROM credit_notes WHERE invoice_id = $1) AS n",
            [row.id.into()],
        ))
        .await?
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    if touched > 0 {
        return Err(AppError::conflict(
            "input.invoiceId",
            "Payments or credit notes have touched this invoice; reverse them, or write it off instead.",
        ));
    }
    let before = before_of(&row);
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE invoices SET status = 'VOID', balance_due = 0, voided_at = now(), void_reason = $2, updated_at = now()
         WHERE id = $1",
        [row.id.into(), reason.into()],
    ))
    .await?;
    finish(
        tx,
        today,
        row.id,
        actor,
        "invoice.voided",
        Some(before),
        request_id,
    )
    .await
}

pub async fn write_off_invoice(
    db: &DatabaseConnection,
    caller: &Caller,
    input: WriteOffInvoiceInput,
    request_id: &str,
) -> Result<Invoice, AppError> {
    caller.authorize(Permission::ManageInvoices)?;
    let reason = required_text("input.reason", &input.reason, 500)?;
    let actor = audit::actor_of(db, caller).await?;
    let (tx, today, row) = lock_invoice(db, caller, &input.invoice_id).await?;
    if !status_of(&row).is_open() {
        return Err(wrong_status(
            &row,
            "only an open invoice can be written off",
        ));
    }
    let before = before_of(&row);
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE invoices SET status = 'WRITTEN_OFF', amount_written_off = amount_written_off + balance_due,
                balance_due = 0, written_off_at = now(), write_off_reason = $2, updated_at = now()
         WHERE id = $1",
        [row.id.into(), reason.into()],
    ))
    .await?;
    finish(
        tx,
        today,
        row.id,
        actor,
        "invoice.written_off",
        Some(before),
        request_id,
    )
    .await
}

pub async fn open_dispute(
    db: &DatabaseConnection,
    caller: &Caller,
    input: OpenDisputeInput,
    request_id: &str,
) -> Result<(Dispute, Invoice), AppError> {
    // Finance manages invoices; collectors record disputes raised on their customers' calls.
    let access = caller
        .authorize(Permission::ManageInvoices)
        .or_else(|_| caller.authorize(Permission::WorkCollections))?;
    let reason = required_text("input.reason", &input.reason, 1000)?;
    let actor = audit::actor_of(db, caller).await?;
    let (tx, today, row) = lock_invoice(db, caller, &input.invoice_id).await?;
    if !customer_visible(&tx, caller, access, today, row.customer_id).await? {
        return Err(AppError::not_found("No such invoice."));
    }
    if !status_of(&row).is_open() {
        return Err(wrong_status(&row, "only an open invoice can be disputed"));
    }
    let currency = parse_currency("input.amount", &row.currency)?;
    let amount = match &input.amount {
        Some(amount) => parse_amount("input.amount", amount, currency, false)?,
        None => row.balance_due,
    };
    if amount > row.balance_due {
        return Err(AppError::validation(
            "input.amount",
            format!(
                "at most the balance due of {} {}",
                row.balance_due.normalize(),
                row.currency
            ),
        ));
    }
    let id = Uuid::now_v7();
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO disputes (id, invoice_id, reason, amount, opened_by) VALUES ($1, $2, $3, $4, $5)",
        [
            id.into(),
            row.id.into(),
            reason.into(),
            amount.into(),
            actor.label().to_owned().into(),
        ],
    ))
    .await?;
    let invoice = finish(
        tx,
        today,
        row.id,
        actor,
        "invoice.dispute_opened",
        None,
        request_id,
    )
    .await?;
    let dispute = invoice
        .disputes
        .iter()
        .find(|d| d.id.as_str() == id.to_string())
        .cloned()
        .ok_or_else(|| AppError::not_found("No such dispute."))?;
    Ok((dispute, invoice))
}

pub async fn resolve_dispute(
    db: &DatabaseConnection,
    caller: &Caller,
    input: ResolveDisputeInput,
    request_id: &str,
) -> Result<(Dispute, Invoice), AppError> {
    caller.authorize(Permission::ManageInvoices)?;
    let note = required_text("input.note", &input.note, 1000)?;
    let actor = audit::actor_of(db, caller).await?;
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let not_found = || AppError::not_found("No such dispute.");
    let dispute_id = input.dispute_id.parse::<Uuid>().map_err(|_| not_found())?;
    let tx = TenantTx::begin(db, tenant).await?;
    let found = tx
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT invoice_id, status FROM disputes WHERE id = $1 FOR UPDATE",
            [dispute_id.into()],
        ))
        .await?
        .ok_or_else(not_found)?;
    let invoice_id: Uuid = found.try_get("", "invoice_id")?;
    let status: String = found.try_get("", "status")?;
    if status != "OPEN" {
        return Err(AppError::conflict(
            "input.disputeId",
            format!("The dispute is already {status}."),
        ));
    }
    let outcome = match input.outcome {
        DisputeOutcome::Resolved => "RESOLVED",
        DisputeOutcome::Rejected => "REJECTED",
    };
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE disputes SET status = $2, resolution_note = $3, resolved_by = $4, resolved_at = now() WHERE id = $1",
        [
            dispute_id.into(),
            outcome.into(),
            note.into(),
            actor.label().to_owned().into(),
        ],
    ))
    .await?;
    let invoice = finish(
        tx,
        calendar.today,
        invoice_id,
        actor,
        "invoice.dispute_resolved",
        None,
        request_id,
    )
    .await?;
    let dispute = invoice
        .disputes
        .iter()
        .find(|d| d.id.as_str() == dispute_id.to_string())
        .cloned()
        .ok_or_else(not_found)?;
    Ok((dispute, invoice))
}

pub async fn create_credit_note(
    db: &DatabaseConnection,
    caller: &Caller,
    input: CreateCreditNoteInput,
    request_id: &str,
) -> Result<(CreditNote, Invoice), AppError> {
    caller.authorize(Permission::ManageInvoices)?;
    let reason = required_text("input.reason", &input.reason, 500)?;
    let actor = audit::actor_of(db, caller).await?;
    let key = idempotency::key_input(input.idempotency_key.as_deref())?;
    let (tx, today, row) = lock_invoice(db, caller, &input.invoice_id).await?;
    let digest = idempotency::digest(&[
        &row.id.to_string(),
        input.amount.trim(),
        &reason,
        &input.issued_on.map(|d| d.0.to_string()).unwrap_or_default(),
    ]);
    if let Some(key) = &key
        && let Some(first) = idempotency::replay(&*tx, key, "createCreditNote", &digest).await?
    {
        let note = CreditNoteRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id, number, amount, currency::text AS currency, reason, issued_on FROM credit_notes WHERE id = $1",
            [first.into()],
        ))
        .one(&*tx)
        .await?
        .ok_or_else(|| AppError::not_found("No such credit note."))?;
        let invoice = assemble(&*tx, today, vec![row], Details::all())
            .await?
            .pop()
            .ok_or_else(|| AppError::not_found("No such invoice."))?;
        tx.commit().await?;
        return Ok((
            CreditNote {
                id: ID(note.id.to_string()),
                number: note.number,
                amount: Money::new(note.amount, &note.currency),
                reason: note.reason,
                issued_on: Date(note.issued_on),
            },
            invoice,
        ));
    }
    if !status_of(&row).is_open() {
        return Err(wrong_status(
            &row,
            "a credit note applies to an open invoice",
        ));
    }
    let currency = parse_currency("input.amount", &row.currency)?;
    let amount = parse_amount("input.amount", &input.amount, currency, false)?;
    if amount > row.balance_due {
        return Err(AppError::validation(
            "input.amount",
            format!(
                "at most the balance due of {} {}",
                row.balance_due.normalize(),
                row.currency
            ),
        ));
    }
    let issued_on = input.issued_on.map(|d| d.0).unwrap_or(today);
    let number = next_free_number(&tx, "credit_note", "credit_notes.number_prefix", "CN-").await?;
    let id = Uuid::now_v7();
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO credit_notes (id, number, customer_id, invoice_id, amount, currency, reason, issued_on, actor_label)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        [
            id.into(),
            number.clone().into(),
            row.customer_id.into(),
            row.id.into(),
            amount.into(),
            row.currency.clone().into(),
            reason.clone().into(),
            issued_on.into(),
            actor.label().to_owned().into(),
        ],
    ))
    .await?;
    if let Some(key) = &key {
        idempotency::remember(&*tx, key, "createCreditNote", &digest, id).await?;
    }
    store::add_credited(&*tx, row.id, amount).await?;
    let before = before_of(&row);
    let invoice = finish(
        tx,
        today,
        row.id,
        actor,
        "invoice.credited",
        Some(before),
        request_id,
    )
    .await?;
    Ok((
        CreditNote {
            id: ID(id.to_string()),
            number,
            amount: Money::new(amount, &row.currency),
            reason,
            issued_on: Date(issued_on),
        },
        invoice,
    ))
}

pub async fn set_installment_plan(
    db: &DatabaseConnection,
    caller: &Caller,
    input: SetInstallmentPlanInput,
    request_id: &str,
) -> Result<Invoice, AppError> {
    caller.authorize(Permission::ManageInvoices)?;
    let actor = audit::actor_of(db, caller).await?;
    let (tx, today, row) = lock_invoice(db, caller, &input.invoice_id).await?;
    if !status_of(&row).is_open() && status_of(&row) != InvoiceStatus::Draft {
        return Err(wrong_status(
            &row,
            "only a draft or open invoice can have an installment plan",
        ));
    }
    let currency = parse_currency("input.installments", &row.currency)?;
    let mut parts = Vec::with_capacity(input.installments.len());
    let mut previous: Option<NaiveDate> = None;
    for (index, part) in input.installments.iter().enumerate() {
        let field = format!("input.installments[{index}]");
        let amount = parse_amount(&format!("{field}.amount"), &part.amount, currency, false)?;
        if part.due_date.0 < row.issue_date || previous.is_some_and(|p| part.due_date.0 <= p) {
            return Err(AppError::validation(
                format!("{field}.dueDate"),
                "due dates must be on or after the issue date and increase from one installment to the next",
            ));
        }
        previous = Some(part.due_date.0);
        parts.push((part.due_date.0, amount));
    }
    if parts.len() == 1 || parts.len() > 60 {
        return Err(AppError::validation(
            "input.installments",
            "give 2 to 60 installments, or none to remove the plan",
        ));
    }
    let sum: Decimal = parts.iter().map(|(_, amount)| *amount).sum();
    if !parts.is_empty() && sum != row.total {
        return Err(AppError::validation(
            "input.installments",
            format!(
                "the installments add up to {} but the invoice total is {} {}",
                sum.normalize(),
                row.total.normalize(),
                row.currency
            ),
        ));
    }
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "DELETE FROM installments WHERE invoice_id = $1",
        [row.id.into()],
    ))
    .await?;
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE invoices SET installment_plan = $2, updated_at = now() WHERE id = $1",
        [row.id.into(), (!parts.is_empty()).into()],
    ))
    .await?;
    for (seq, (due_date, amount)) in parts.iter().enumerate() {
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO installments (id, invoice_id, seq, due_date, amount) VALUES ($1, $2, $3, $4, $5)",
            [
                Uuid::now_v7().into(),
                row.id.into(),
                (seq as i32 + 1).into(),
                (*due_date).into(),
                (*amount).into(),
            ],
        ))
        .await?;
    }
    let before = before_of(&row);
    finish(
        tx,
        today,
        row.id,
        actor,
        "invoice.installment_plan_set",
        Some(before),
        request_id,
    )
    .await
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
        let details = Details::of(ctx.look_ahead().field("edges").field("node"));
        list_invoices(
            db,
            &request(ctx)?.caller,
            first,
            after,
            filter.unwrap_or_default(),
            order_by.unwrap_or_default(),
            details,
        )
        .await
        .api()
    }

    /// One invoice; `null` when there is none with this id in the company.
    async fn invoice(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Invoice>> {
        let (_, db) = services(ctx)?;
        let details = Details::of(ctx.look_ahead());
        find_invoice(db, &request(ctx)?.caller, &id, details)
            .await
            .api()
    }
}

#[derive(Default)]
pub struct InvoicesMutation;

macro_rules! invoice_mutation {
    ($ctx:expr, $command:ident, $input:expr) => {{
        let invoice = command!($ctx, $command, $input);
        Ok(InvoicePayload { invoice })
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
        invoice_mutation!(ctx, create_invoice, input)
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
        invoice_mutation!(ctx, issue_invoice, input)
    }

    /// Voids a draft or an issued invoice that no payment or credit note has touched.
    async fn void_invoice(
        &self,
        ctx: &Context<'_>,
        input: VoidInvoiceInput,
    ) -> ApiResult<InvoicePayload> {
        invoice_mutation!(ctx, void_invoice, input)
    }

    /// Writes off an open invoice's balance as bad debt.
    async fn write_off_invoice(
        &self,
        ctx: &Context<'_>,
        input: WriteOffInvoiceInput,
    ) -> ApiResult<InvoicePayload> {
        invoice_mutation!(ctx, write_off_invoice, input)
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

    async fn open_dispute(
        &self,
        ctx: &Context<'_>,
        input: OpenDisputeInput,
    ) -> ApiResult<DisputePayload> {
        let (dispute, invoice) = command!(ctx, open_dispute, input);
        Ok(DisputePayload { dispute, invoice })
    }

    async fn resolve_dispute(
        &self,
        ctx: &Context<'_>,
        input: ResolveDisputeInput,
    ) -> ApiResult<DisputePayload> {
        let (dispute, invoice) = command!(ctx, resolve_dispute, input);
        Ok(DisputePayload { dispute, invoice })
    }

    /// Reduces an open invoice's balance with a numbered credit note.
    async fn create_credit_note(
        &self,
        ctx: &Context<'_>,
        input: CreateCreditNoteInput,
    ) -> ApiResult<CreditNotePayload> {
        let (credit_note, invoice) = command!(ctx, create_credit_note, input);
        Ok(CreditNotePayload {
            credit_note,
            invoice,
        })
    }
}
