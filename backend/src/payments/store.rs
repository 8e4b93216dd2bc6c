//! Payments' SQL and rows: payments, the open invoices an allocation sees, allocations, reversals.

use crate::api::pagination::{PageRequest, keyset_page};
use crate::audit::Actor;
use crate::auth::{Caller, assigned_only};
use crate::db::TenantTx;
use crate::db::conditions::Conditions;
use crate::error::AppError;
use crate::invoices::store as invoice_store;
use chrono::{DateTime, NaiveDate, Utc};
use domain::Currency;
use domain::access::Access;
use domain::allocation::OpenItem;
use domain::payments::PaymentMethod;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

#[derive(Debug, Clone, FromQueryResult)]
pub struct PaymentRow {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub customer_code: String,
    pub customer_name: String,
    pub amount: Decimal,
    pub currency: Currency,
    pub received_on: NaiveDate,
    pub method: PaymentMethod,
    pub reference: Option<String>,
    pub actor_label: String,
    pub created_at: DateTime<Utc>,
    pub allocated: Decimal,
    pub reversal_reason: Option<String>,
    pub reversed_at: Option<DateTime<Utc>>,
    pub reversed_by: Option<String>,
    /// The bank line the payment came from, or was linked to (cash application).
    pub bank_transaction_id: Option<Uuid>,
    pub bank_booked_on: Option<NaiveDate>,
    pub bank_account_id: Option<Uuid>,
    pub bank_account_name: Option<String>,
    pub bank_payer_name: Option<String>,
    pub bank_remark: Option<String>,
}

impl PaymentRow {
    pub fn reversed(&self) -> bool {
        self.reversed_at.is_some()
    }

    /// What is left for `allocatePayment` or `applyCredit` (after a reversal, zero).
    pub fn unapplied(&self) -> Decimal {
        if self.reversed() {
            Decimal::ZERO
        } else {
            self.amount - self.allocated
        }
    }
}

const PAYMENT_COLUMNS: &str = r#"
    p.id, p.customer_id, c.code AS customer_code, c.name AS customer_name, p.amount,
    p.currency::text AS currency, p.received_on, p.method, p.reference, p.actor_label, p.created_at,
    coalesce((SELECT sum(a.amount) FROM allocations a WHERE a.payment_id = p.id), 0) AS allocated,
    r.reason AS reversal_reason, r.reversed_at, r.actor_label AS reversed_by,
    bt.id AS bank_transaction_id, bt.booked_on AS bank_booked_on, bt.bank_account_id,
    ba.name AS bank_account_name, bt.payer_name AS bank_payer_name, bt.remark AS bank_remark
"#;
const PAYMENTS_FROM: &str = "payments p JOIN customers c ON c.id = p.customer_id
    LEFT JOIN payment_reversals r ON r.payment_id = p.id
    LEFT JOIN bank_transactions bt ON bt.id = coalesce(p.bank_transaction_id,
        (SELECT l.id FROM bank_transactions l WHERE l.linked_payment_id = p.id))
    LEFT JOIN bank_accounts ba ON ba.id = bt.bank_account_id";

pub async fn load_payment(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<PaymentRow>, DbErr> {
    PaymentRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {PAYMENT_COLUMNS} FROM {PAYMENTS_FROM} WHERE p.id = $1"),
        [id.into()],
    ))
    .one(conn)
    .await
}

/// Every payment made from, or linked to, one of `lines`, in the order made.
pub async fn payments_of_lines(
    conn: &impl ConnectionTrait,
    lines: &[Uuid],
) -> Result<Vec<PaymentRow>, DbErr> {
    PaymentRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {PAYMENT_COLUMNS} FROM {PAYMENTS_FROM}
             WHERE p.bank_transaction_id = ANY($1)
                OR p.id IN (SELECT l.linked_payment_id FROM bank_transactions l
                            WHERE l.id = ANY($1) AND l.linked_payment_id IS NOT NULL)
             ORDER BY p.id"
        ),
        [lines.to_vec().into()],
    ))
    .all(conn)
    .await
}

/// Which payments a list shows.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub customer_id: Option<Uuid>,
    pub method: Option<PaymentMethod>,
    pub currency: Option<Currency>,
    pub received_from: Option<NaiveDate>,
    pub received_to: Option<NaiveDate>,
    /// Reversed payments are listed unless this is false.
    pub include_reversed: Option<bool>,
    /// Only payments with money not yet allocated.
    pub has_unapplied: Option<bool>,
}

/// The list's one order, most recently received first, and the index that serves it.
pub const LIST_ORDER: &str = "RECEIVED_DESC";

/// A payment's key in the list's order.
pub fn list_key(row: &PaymentRow) -> Vec<String> {
    vec![
        row.received_on.to_string(),
        row.created_at
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        row.id.to_string(),
    ]
}

/// The page `request` asks for of payments, most recently received first, and how many match
/// in all (only when `wants_total`, else 0); a collector's list holds their assigned
/// customers' payments only.
pub async fn list_payments(
    tx: &TenantTx,
    caller: &Caller,
    access: Access,
    filter: &ListFilter,
    request: &PageRequest,
    wants_total: bool,
) -> Result<(Vec<PaymentRow>, i64), AppError> {
    let mut conditions = Conditions::new(Vec::new());
    assigned_only(caller, access, &mut conditions, "c.");
    if let Some(customer) = filter.customer_id {
        conditions.push("p.customer_id = ?", customer);
    }
    if let Some(method) = filter.method {
        conditions.push("p.method = ?", method.as_str());
    }
    if let Some(currency) = filter.currency {
        conditions.push("p.currency = ?", currency.code().to_owned());
    }
    if let Some(from) = filter.received_from {
        conditions.push("p.received_on >= ?", from);
    }
    if let Some(to) = filter.received_to {
        conditions.push("p.received_on <= ?", to);
    }
    if filter.include_reversed == Some(false) {
        conditions.fixed("r.payment_id IS NULL");
    }
    if filter.has_unapplied == Some(true) {
        conditions.fixed(
            "r.payment_id IS NULL AND p.amount > coalesce((SELECT sum(a.amount) FROM allocations a WHERE a.payment_id = p.id), 0)",
        );
    }
    keyset_page(
        tx,
        request,
        wants_total,
        conditions,
        PAYMENT_COLUMNS,
        PAYMENTS_FROM,
        &[
            ("p.received_on", "?::date"),
            ("p.created_at", "?::timestamptz"),
            ("p.id", "?::uuid"),
        ],
        true,
    )
    .await
}

#[derive(Debug, FromQueryResult)]
struct OpenRow {
    id: Uuid,
    due_date: NaiveDate,
    // Issued invoices always have a number (the invoices table's check).
    number: String,
    balance_due: Decimal,
}

/// Locks the customer's open invoices in `currency` (in id order, after the customer's lock)
/// and returns them as the allocation sees them.
pub async fn lock_open_items(
    conn: &impl ConnectionTrait,
    customer: Uuid,
    currency: Currency,
) -> Result<Vec<OpenItem>, DbErr> {
    let rows = OpenRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        concat!(
            "SELECT id, due_date, number, balance_due FROM invoices
         WHERE customer_id = $1 AND currency = $2 AND status IN ",
            domain::open_statuses!(),
            "
         ORDER BY id FOR UPDATE"
        ),
        [customer.into(), currency.code().to_owned().into()],
    ))
    .all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| OpenItem {
            invoice_id: row.id,
            due_date: row.due_date,
            number: row.number,
            balance: row.balance_due,
        })
        .collect())
}

/// A payment to insert.
pub struct NewPayment<'a> {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub amount: Decimal,
    pub currency: Currency,
    pub received_on: NaiveDate,
    pub method: PaymentMethod,
    pub reference: Option<String>,
    pub actor: &'a Actor,
    /// The bank line the payment is made from.
    pub bank_transaction_id: Option<Uuid>,
}

pub async fn insert_payment(
    conn: &impl ConnectionTrait,
    payment: NewPayment<'_>,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO payments (id, customer_id, amount, currency, received_on, method, reference,
                               actor_label, bank_transaction_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        [
            payment.id.into(),
            payment.customer_id.into(),
            payment.amount.into(),
            payment.currency.code().to_owned().into(),
            payment.received_on.into(),
            payment.method.as_str().into(),
            payment.reference.into(),
            payment.actor.label().to_owned().into(),
            payment.bank_transaction_id.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Writes allocation rows and moves the invoices' paid amounts; invoices are locked already.
pub async fn write_allocations(
    tx: &TenantTx,
    lines: &[(Uuid, Uuid, Decimal)],
    actor: &Actor,
    batch: Uuid,
) -> Result<Vec<Uuid>, AppError> {
    let mut ids = Vec::with_capacity(lines.len());
    for (payment, invoice, amount) in lines {
        ids.push(append_allocation(&**tx, *payment, *invoice, *amount, None, actor, batch).await?);
    }
    Ok(ids)
}

/// Appends one allocation (with `reverses`, the negative one undoing it) and moves the
/// invoice's paid amount; the invoice is locked already. The row trigger fills in the
/// payment's received date (migration `allocation_dates`), which the invoice keeps as its
/// last payment date.
pub async fn append_allocation(
    conn: &impl ConnectionTrait,
    payment: Uuid,
    invoice: Uuid,
    amount: Decimal,
    reverses: Option<Uuid>,
    actor: &Actor,
    batch: Uuid,
) -> Result<Uuid, AppError> {
    let id = Uuid::now_v7();
    let received_on: NaiveDate = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO allocations (id, payment_id, invoice_id, amount, reverses_id, actor_label, batch_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING received_on",
            [
                id.into(),
                payment.into(),
                invoice.into(),
                amount.into(),
                reverses.into(),
                actor.label().to_owned().into(),
                batch.into(),
            ],
        ))
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("an allocation returned nothing")))?
        .try_get("", "received_on")?;
    invoice_store::add_paid(conn, invoice, amount, received_on).await?;
    Ok(id)
}

/// A payment's money not yet allocated.
#[derive(Debug, FromQueryResult)]
pub struct Unapplied {
    pub id: Uuid,
    pub unapplied: Decimal,
}

/// The customer's payments in `currency` that are not reversed, oldest first, with what is
/// not yet allocated of each (zero or less included).
pub async fn unapplied_payments(
    conn: &impl ConnectionTrait,
    customer: Uuid,
    currency: Currency,
) -> Result<Vec<Unapplied>, DbErr> {
    Unapplied::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT p.id, p.amount - coalesce((SELECT sum(a.amount) FROM allocations a WHERE a.payment_id = p.id), 0) AS unapplied
         FROM payments p
         WHERE p.customer_id = $1 AND p.currency = $2
           AND NOT EXISTS (SELECT 1 FROM payment_reversals r WHERE r.payment_id = p.id)
         ORDER BY p.received_on, p.created_at, p.id",
        [customer.into(), currency.code().to_owned().into()],
    ))
    .all(conn)
    .await
}

/// An allocation of a payment not yet undone.
#[derive(Debug, FromQueryResult)]
pub struct Live {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub amount: Decimal,
}

/// The payment's allocations not yet undone, with their invoices locked (in id order).
pub async fn lock_live_allocations(
    conn: &impl ConnectionTrait,
    payment: Uuid,
) -> Result<Vec<Live>, DbErr> {
    Live::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT a.id, a.invoice_id, a.amount FROM allocations a
         JOIN invoices i ON i.id = a.invoice_id
         WHERE a.payment_id = $1 AND a.amount > 0
           AND NOT EXISTS (SELECT 1 FROM allocations r WHERE r.reverses_id = a.id)
         ORDER BY i.id FOR UPDATE OF i",
        [payment.into()],
    ))
    .all(conn)
    .await
}

pub async fn insert_reversal(
    conn: &impl ConnectionTrait,
    payment: Uuid,
    reason: &str,
    actor: &Actor,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO payment_reversals (payment_id, reason, actor_label) VALUES ($1, $2, $3)",
        [
            payment.into(),
            reason.to_owned().into(),
            actor.label().to_owned().into(),
        ],
    ))
    .await?;
    Ok(())
}

/// An open invoice of a bulk allocation, locked: what the allocation sees, and what its new
/// status is computed from.
#[derive(Debug, Clone, FromQueryResult)]
pub struct LockedOpen {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub currency: Currency,
    pub due_date: NaiveDate,
    pub number: String,
    pub balance_due: Decimal,
    pub total: Decimal,
    pub settled: Decimal,
}

/// Locks the open invoices of `customers` (in id order, after the customers' locks).
pub async fn lock_open_items_of(
    conn: &impl ConnectionTrait,
    customers: &[Uuid],
) -> Result<Vec<LockedOpen>, DbErr> {
    LockedOpen::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        concat!(
            "SELECT id, customer_id, currency, due_date, number, balance_due, total,
                    amount_paid + amount_credited AS settled
             FROM invoices WHERE customer_id = ANY($1) AND status IN ",
            domain::open_statuses!(),
            " ORDER BY id FOR UPDATE"
        ),
        [customers.to_vec().into()],
    ))
    .all(conn)
    .await
}

/// Inserts `payments` in one statement.
pub async fn insert_payments(
    conn: &impl ConnectionTrait,
    payments: &[NewPayment<'_>],
) -> Result<(), DbErr> {
    if payments.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = payments.iter().map(|p| p.id).collect();
    let customers: Vec<Uuid> = payments.iter().map(|p| p.customer_id).collect();
    let amounts: Vec<String> = payments.iter().map(|p| p.amount.to_string()).collect();
    let currencies: Vec<String> = payments
        .iter()
        .map(|p| p.currency.code().to_owned())
        .collect();
    let dates: Vec<String> = payments.iter().map(|p| p.received_on.to_string()).collect();
    let methods: Vec<String> = payments
        .iter()
        .map(|p| p.method.as_str().to_owned())
        .collect();
    // Empty for none: unnest cannot carry a NULL in a text array bound from Rust.
    let references: Vec<String> = payments
        .iter()
        .map(|p| p.reference.clone().unwrap_or_default())
        .collect();
    let actors: Vec<String> = payments
        .iter()
        .map(|p| p.actor.label().to_owned())
        .collect();
    let lines: Vec<String> = payments
        .iter()
        .map(|p| {
            p.bank_transaction_id
                .map(|id| id.to_string())
                .unwrap_or_default()
        })
        .collect();
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO payments (id, customer_id, amount, currency, received_on, method, reference,
                               actor_label, bank_transaction_id)
         SELECT x.id, x.customer_id, x.amount::numeric, x.currency, x.received_on::date, x.method,
                nullif(x.reference, ''), x.actor_label, nullif(x.line, '')::uuid
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[],
                     $7::text[], $8::text[], $9::text[])
              AS x(id, customer_id, amount, currency, received_on, method, reference, actor_label, line)",
        [
            ids.into(),
            customers.into(),
            amounts.into(),
            currencies.into(),
            dates.into(),
            methods.into(),
            references.into(),
            actors.into(),
            lines.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// One allocation of a bulk write: the payment, the invoice, the amount and the batch.
pub struct NewAllocation {
    pub payment: Uuid,
    pub invoice: Uuid,
    pub amount: Decimal,
    pub batch: Uuid,
}

/// Inserts `allocations` in one statement (the row trigger notes each one's payment and
/// invoice facts); the caller moves the invoices' paid amounts.
pub async fn insert_allocations(
    conn: &impl ConnectionTrait,
    allocations: &[NewAllocation],
    actor: &Actor,
) -> Result<(), DbErr> {
    if allocations.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = allocations.iter().map(|_| Uuid::now_v7()).collect();
    let payments: Vec<Uuid> = allocations.iter().map(|a| a.payment).collect();
    let invoices: Vec<Uuid> = allocations.iter().map(|a| a.invoice).collect();
    let amounts: Vec<String> = allocations.iter().map(|a| a.amount.to_string()).collect();
    let batches: Vec<Uuid> = allocations.iter().map(|a| a.batch).collect();
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO allocations (id, payment_id, invoice_id, amount, actor_label, batch_id)
         SELECT x.id, x.payment_id, x.invoice_id, x.amount::numeric, $5, x.batch_id
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $6::uuid[])
              AS x(id, payment_id, invoice_id, amount, batch_id)",
        [
            ids.into(),
            payments.into(),
            invoices.into(),
            amounts.into(),
            actor.label().to_owned().into(),
            batches.into(),
        ],
    ))
    .await?;
    Ok(())
}
