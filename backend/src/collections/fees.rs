//! Late fees and interest as fee invoices linked to the original (`invoices.fee_for_invoice_id`),
//! one `late_fees` row per charge with its period; and `waiveFee`, which cancels what is still
//! owed on a fee with a reason.
//!
//! The arithmetic is the domain's (`domain::fees`); this module reads the balance history the
//! interest needs and writes the charge. The table refuses two charges for overlapping periods
//! of one invoice, so a fee is never charged twice, even by two runs at once.

use super::plan::Candidate;
use crate::api::values::{Date, Money, required_text};
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::db::TenantTx;
use crate::error::AppError;
use crate::invoices::service::next_free_number;
use crate::invoices::store as invoice_store;
use async_graphql::{ID, InputObject, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use domain::Locale;
use domain::access::Permission;
use domain::fees::{self as rules, Charge, FeeRule};
use domain::money::Currency;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

/// What came off an invoice's balance, and when: payments by the day received (a reversal on
/// the day it was made, in the company's time zone `$2`), credit notes by their date, a
/// write-off by its day.
const BALANCE_CHANGES: &str = r#"
SELECT CASE WHEN a.reverses_id IS NULL THEN p.received_on ELSE (a.created_at AT TIME ZONE $2)::date END AS day,
       a.amount
FROM allocations a JOIN payments p ON p.id = a.payment_id WHERE a.invoice_id = $1
UNION ALL
SELECT issued_on, amount FROM credit_notes WHERE invoice_id = $1
UNION ALL
SELECT (written_off_at AT TIME ZONE $2)::date, amount_written_off FROM invoices WHERE id = $1 AND written_off_at IS NOT NULL
"#;

/// A fee invoice is payable this many days after it is charged. (Due the same day, the run
/// that charged it would find it due and remind the customer at once.)
pub const FEE_PAYABLE_DAYS: i32 = 7;

#[derive(Debug, FromQueryResult)]
struct Change {
    day: NaiveDate,
    amount: Decimal,
}

/// Charges the ladder's fee on each invoice; returns "INV-1: ¥9.00" for each charge made.
pub async fn charge(
    tx: &TenantTx,
    run_id: Uuid,
    rule: &FeeRule,
    rows: &[&Candidate],
    locale: Locale,
    time_zone: &str,
    date: NaiveDate,
) -> Result<Vec<String>, AppError> {
    let mut charged = Vec::new();
    for row in rows
        .iter()
        .filter(|row| !row.is_fee && !row.disputed && row.balance > Decimal::ZERO)
    {
        let Ok(currency) = row.currency.parse::<Currency>() else {
            continue;
        };
        let (charge, basis) = match rule {
            FeeRule::Interest { .. } => {
                let changes = Change::find_by_statement(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    BALANCE_CHANGES,
                    [row.invoice_id.into(), time_zone.to_owned().into()],
                ))
                .all(&**tx)
                .await?;
                let changes: Vec<(NaiveDate, Decimal)> =
                    changes.into_iter().map(|c| (c.day, c.amount)).collect();
                let history = rules::balance_history(row.total, row.due_date, &changes);
                let charge = rules::interest(
                    rule,
                    row.total,
                    currency,
                    row.due_date,
                    &history,
                    row.fees_through,
                    row.fees_charged,
                    date,
                );
                (
                    charge,
                    serde_json::json!({ "rule": rule, "history": history.iter().map(|h| serde_json::json!({"from": h.from.to_string(), "balance": h.balance.to_string()})).collect::<Vec<_>>() }),
                )
            }
            _ => {
                let already = tx
                    .query_one_raw(Statement::from_sql_and_values(
                        DbBackend::Postgres,
                        "SELECT 1 AS found FROM late_fees WHERE invoice_id = $1 AND kind IN ('FIXED', 'PERCENT')",
                        [row.invoice_id.into()],
                    ))
                    .await?
                    .is_some();
                let charge = if already {
                    None
                } else {
                    // On what is past due: an installment not yet due owes no fee.
                    rules::one_time_fee(rule, row.overdue_part, currency, date).map(|charge| {
                        Charge {
                            // The fee answers for the lateness so far.
                            from: (row.due_date + chrono::Days::new(1)).min(date),
                            ..charge
                        }
                    })
                };
                (
                    charge,
                    serde_json::json!({ "rule": rule, "overdue": row.overdue_part.to_string() }),
                )
            }
        };
        let Some(charge) = charge else { continue };
        let number = row.number.clone().unwrap_or_default();
        let description = describe(rule, &number, &charge, locale);
        let fee_number =
            issue_fee_invoice(tx, run_id, row, rule, &charge, &description, basis, date).await?;
        charged.push(format!(
            "{number}: {} {} ({fee_number})",
            charge.amount.normalize(),
            row.currency
        ));
    }
    Ok(charged)
}

fn describe(rule: &FeeRule, number: &str, charge: &Charge, locale: Locale) -> String {
    match (rule, locale) {
        (
            FeeRule::Interest {
                annual_rate_percent,
                ..
            },
            Locale::ZhCn,
        ) => format!(
            "发票 {number} 逾期利息：{} 至 {}，共 {} 天，年利率 {}%",
            charge.from,
            charge.to,
            charge.days,
            annual_rate_percent.normalize()
        ),
        (
            FeeRule::Interest {
                annual_rate_percent,
                ..
            },
            Locale::En,
        ) => format!(
            "Interest on invoice {number}: {} to {}, {} days at {}% a year",
            charge.from,
            charge.to,
            charge.days,
            annual_rate_percent.normalize()
        ),
        (FeeRule::Percent { percent }, Locale::ZhCn) => {
            format!(
                "发票 {number} 滞纳金（未付金额的 {}%）",
                percent.normalize()
            )
        }
        (FeeRule::Percent { percent }, Locale::En) => {
            format!(
                "Late fee on invoice {number} ({}% of the balance due)",
                percent.normalize()
            )
        }
        (FeeRule::Fixed { .. }, Locale::ZhCn) => format!("发票 {number} 滞纳金"),
        (FeeRule::Fixed { .. }, Locale::En) => format!("Late fee on invoice {number}"),
    }
}

#[allow(clippy::too_many_arguments)]
async fn issue_fee_invoice(
    tx: &TenantTx,
    run_id: Uuid,
    original: &Candidate,
    rule: &FeeRule,
    charge: &Charge,
    description: &str,
    basis: serde_json::Value,
    date: NaiveDate,
) -> Result<String, AppError> {
    let id = Uuid::now_v7();
    let number = next_free_number(tx, "invoice", "invoices.number_prefix", "INV-").await?;
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO invoices (id, customer_id, number, status, issue_date, due_date, currency, subtotal, tax_total,
                               total, balance_due, notes, issued_at, fee_for_invoice_id)
         VALUES ($1, $2, $3, 'ISSUED', $4, $4 + $9::int, $5, $6, 0, $6, $6, $7, now(), $8)",
        [
            id.into(),
            original.customer_id.into(),
            number.clone().into(),
            date.into(),
            original.currency.clone().into(),
            charge.amount.into(),
            description.to_owned().into(),
            original.invoice_id.into(),
            FEE_PAYABLE_DAYS.into(),
        ],
    ))
    .await?;
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO invoice_lines (id, invoice_id, position, description, quantity, unit_price, tax_rate, net, tax, total)
         VALUES ($1, $2, 0, $3, 1, $4, 0, $4, 0, $4)",
        [
            Uuid::now_v7().into(),
            id.into(),
            description.to_owned().into(),
            charge.amount.into(),
        ],
    ))
    .await?;
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO late_fees (id, invoice_id, fee_invoice_id, customer_id, kind, period_from, period_to, amount, currency, basis, run_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        [
            Uuid::now_v7().into(),
            original.invoice_id.into(),
            id.into(),
            original.customer_id.into(),
            rule.kind().into(),
            charge.from.into(),
            charge.to.into(),
            charge.amount.into(),
            original.currency.clone().into(),
            basis.into(),
            run_id.into(),
        ],
    ))
    .await?;
    Ok(number)
}

/// A fee charged on an invoice.
#[derive(SimpleObject, Clone)]
pub struct LateFee {
    pub id: ID,
    /// FIXED, PERCENT or INTEREST.
    pub kind: String,
    pub invoice_id: ID,
    pub fee_invoice_id: ID,
    pub fee_invoice_number: Option<String>,
    pub period_from: Date,
    pub period_to: Date,
    pub amount: Money,
    pub charged_at: DateTime<Utc>,
    pub waived_at: Option<DateTime<Utc>>,
    pub waived_by: Option<String>,
    pub waive_reason: Option<String>,
}

#[derive(Debug, FromQueryResult)]
pub struct FeeRow {
    id: Uuid,
    kind: String,
    invoice_id: Uuid,
    fee_invoice_id: Uuid,
    fee_invoice_number: Option<String>,
    period_from: NaiveDate,
    period_to: NaiveDate,
    amount: Decimal,
    currency: String,
    created_at: DateTime<Utc>,
    waived_at: Option<DateTime<Utc>>,
    waived_by: Option<String>,
    waive_reason: Option<String>,
}

pub const FEE_COLUMNS: &str = "f.id, f.kind, f.invoice_id, f.fee_invoice_id, i.number AS fee_invoice_number, f.period_from,
    f.period_to, f.amount, f.currency::text AS currency, f.created_at, f.waived_at, f.waived_by, f.waive_reason";

impl From<FeeRow> for LateFee {
    fn from(row: FeeRow) -> Self {
        LateFee {
            id: ID(row.id.to_string()),
            kind: row.kind,
            invoice_id: ID(row.invoice_id.to_string()),
            fee_invoice_id: ID(row.fee_invoice_id.to_string()),
            fee_invoice_number: row.fee_invoice_number,
            period_from: Date(row.period_from),
            period_to: Date(row.period_to),
            amount: Money::new(row.amount, &row.currency),
            charged_at: row.created_at,
            waived_at: row.waived_at,
            waived_by: row.waived_by,
            waive_reason: row.waive_reason,
        }
    }
}

/// Fees on any of `invoices` (as the original or as the fee invoice), oldest first.
pub async fn fees_of(
    conn: &impl ConnectionTrait,
    invoices: &[Uuid],
) -> Result<Vec<(Uuid, LateFee)>, AppError> {
    let rows = FeeRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {FEE_COLUMNS} FROM late_fees f JOIN invoices i ON i.id = f.fee_invoice_id
             WHERE f.invoice_id = ANY(string_to_array($1, ',')::uuid[])
                OR f.fee_invoice_id = ANY(string_to_array($1, ',')::uuid[])
             ORDER BY f.created_at, f.id"
        ),
        [crate::customers::ids_param(invoices)],
    ))
    .all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .flat_map(|row| {
            let (original, fee) = (row.invoice_id, row.fee_invoice_id);
            let out = LateFee::from(row);
            [(original, out.clone()), (fee, out)]
        })
        .collect())
}

#[derive(InputObject)]
pub struct WaiveFeeInput {
    pub fee_id: ID,
    pub reason: String,
}

#[derive(SimpleObject)]
pub struct WaiveFeePayload {
    pub fee: LateFee,
}

#[derive(Debug, FromQueryResult)]
struct FeeToWaive {
    fee_invoice_id: Uuid,
    customer_id: Uuid,
    waived_at: Option<DateTime<Utc>>,
    status: String,
    amount_paid: Decimal,
    amount_credited: Decimal,
    balance_due: Decimal,
    currency: String,
}

/// Waives a fee: an unpaid fee invoice is voided; one partly paid gets a credit note for what is
/// still owed. The charge stays on record, marked waived, so its period is never charged again.
pub async fn waive(
    db: &DatabaseConnection,
    caller: &Caller,
    input: WaiveFeeInput,
    request_id: &str,
) -> Result<LateFee, AppError> {
    caller.authorize(Permission::ManageInvoices)?;
    let tenant = caller.require_tenant()?;
    let reason = required_text("input.reason", &input.reason, 500)?;
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let not_found = || AppError::not_found("No such fee.");
    let id = input.fee_id.parse::<Uuid>().map_err(|_| not_found())?;
    let fee = FeeToWaive::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT f.fee_invoice_id, f.customer_id, f.waived_at, i.status, i.amount_paid, i.amount_credited,
                i.balance_due, i.currency::text AS currency
         FROM late_fees f JOIN invoices i ON i.id = f.fee_invoice_id WHERE f.id = $1 FOR UPDATE OF f, i",
        [id.into()],
    ))
    .one(&*tx)
    .await?
    .ok_or_else(not_found)?;
    if fee.waived_at.is_some() {
        return Err(AppError::conflict(
            "input.feeId",
            "The fee is waived already.",
        ));
    }
    let label = format!("Fee waived: {reason}");
    if fee.amount_paid.is_zero() && fee.amount_credited.is_zero() && fee.status == "ISSUED" {
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE invoices SET status = 'VOID', balance_due = 0, voided_at = now(), void_reason = $2, updated_at = now()
             WHERE id = $1",
            [fee.fee_invoice_id.into(), label.clone().into()],
        ))
        .await?;
    } else if fee.balance_due > Decimal::ZERO
        && matches!(fee.status.as_str(), "ISSUED" | "PARTIALLY_PAID")
    {
        let number =
            next_free_number(&tx, "credit_note", "credit_notes.number_prefix", "CN-").await?;
        let today = crate::db::tenant_calendar(db, tenant).await?.today;
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO credit_notes (id, number, customer_id, invoice_id, amount, currency, reason, issued_on, actor_label)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            [
                Uuid::now_v7().into(),
                number.into(),
                fee.customer_id.into(),
                fee.fee_invoice_id.into(),
                fee.balance_due.into(),
                fee.currency.clone().into(),
                label.clone().into(),
                today.into(),
                actor.label().to_owned().into(),
            ],
        ))
        .await?;
        invoice_store::add_credited(&*tx, fee.fee_invoice_id, fee.balance_due).await?;
    }
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE late_fees SET waived_at = now(), waived_by = $2, waive_reason = $3 WHERE id = $1",
        [
            id.into(),
            actor.label().to_owned().into(),
            reason.clone().into(),
        ],
    ))
    .await?;
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "fee.waived",
            entity_type: "invoice",
            entity_id: Some(fee.fee_invoice_id.to_string()),
            before: None,
            after: Some(serde_json::json!({ "feeId": id.to_string(), "reason": reason })),
            request_id: Some(request_id),
        },
    )
    .await?;
    let row = FeeRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {FEE_COLUMNS} FROM late_fees f JOIN invoices i ON i.id = f.fee_invoice_id WHERE f.id = $1"),
        [id.into()],
    ))
    .one(&*tx)
    .await?
    .ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(row.into())
}
