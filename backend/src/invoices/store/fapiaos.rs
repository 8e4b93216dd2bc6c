//! Fapiao's SQL: the fapiao of invoices, what stands for one invoice or credit note, and
//! recording and voiding one.

use crate::db::TenantTx;
use chrono::{DateTime, NaiveDate, Utc};
use domain::fapiao::{FapiaoKind, Standing};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

#[derive(Debug, Clone, FromQueryResult)]
pub struct FapiaoRow {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub credit_note_id: Option<Uuid>,
    pub kind: FapiaoKind,
    pub number: String,
    pub code: Option<String>,
    pub issued_on: NaiveDate,
    pub amount: Decimal,
    pub tax_amount: Decimal,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    pub voided_at: Option<DateTime<Utc>>,
    pub voided_by: Option<String>,
    pub void_reason: Option<String>,
}

const COLUMNS: &str = "f.id, f.invoice_id, f.credit_note_id, f.kind, f.number, f.code,
    f.issued_on, f.amount, f.tax_amount, f.recorded_by, f.recorded_at, f.voided_at, f.voided_by,
    f.void_reason";

/// The fapiao of the given invoices, in the order they were issued (voided ones too).
pub async fn fapiaos_of(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<Vec<FapiaoRow>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    FapiaoRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {COLUMNS} FROM fapiaos f WHERE f.invoice_id = ANY($1::uuid[])
             ORDER BY f.issued_on, f.recorded_at, f.id"
        ),
        [ids.to_vec().into()],
    ))
    .all(conn)
    .await
}

/// One fapiao, its row locked; `None` when there is none with this id.
pub async fn lock_fapiao(tx: &TenantTx, id: Uuid) -> Result<Option<FapiaoRow>, DbErr> {
    FapiaoRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {COLUMNS} FROM fapiaos f WHERE f.id = $1 FOR UPDATE"),
        [id.into()],
    ))
    .one(&**tx)
    .await
}

#[derive(Debug, FromQueryResult)]
struct StandingRow {
    blue: Decimal,
    red: Decimal,
    for_credit_note: Decimal,
}

/// What stands (not voided) for the invoice, and the red-letter fapiao for `credit_note`.
pub async fn standing(
    tx: &TenantTx,
    invoice: Uuid,
    credit_note: Option<Uuid>,
) -> Result<(Standing, Decimal), DbErr> {
    let row = StandingRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT coalesce(sum(amount) FILTER (WHERE credit_note_id IS NULL), 0) AS blue,
                coalesce(sum(amount) FILTER (WHERE credit_note_id IS NOT NULL), 0) AS red,
                coalesce(sum(amount) FILTER (WHERE credit_note_id = $2), 0) AS for_credit_note
         FROM fapiaos WHERE invoice_id = $1 AND voided_at IS NULL",
        [invoice.into(), credit_note.into()],
    ))
    .one(&**tx)
    .await?;
    Ok(row.map_or((Standing::default(), Decimal::ZERO), |row| {
        (
            Standing {
                blue: row.blue,
                red: row.red,
            },
            row.for_credit_note,
        )
    }))
}

#[derive(Debug, FromQueryResult)]
pub struct CreditNoteOf {
    pub invoice_id: Uuid,
    pub amount: Decimal,
}

/// The credit note's invoice and amount; `None` when there is none with this id.
pub async fn credit_note(tx: &TenantTx, id: Uuid) -> Result<Option<CreditNoteOf>, DbErr> {
    CreditNoteOf::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT invoice_id, amount FROM credit_notes WHERE id = $1",
        [id.into()],
    ))
    .one(&**tx)
    .await
}

pub struct NewFapiao {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub credit_note_id: Option<Uuid>,
    pub kind: FapiaoKind,
    pub number: String,
    pub code: Option<String>,
    pub issued_on: NaiveDate,
    pub amount: Decimal,
    pub tax_amount: Decimal,
    pub recorded_by: String,
}

/// Records the fapiao; `false` when one standing already has its number and code.
pub async fn insert_fapiao(tx: &TenantTx, fapiao: NewFapiao) -> Result<bool, DbErr> {
    let result = tx
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO fapiaos (id, invoice_id, credit_note_id, kind, number, code, issued_on,
                                  amount, tax_amount, recorded_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (coalesce(code, ''), number) WHERE voided_at IS NULL DO NOTHING",
            [
                fapiao.id.into(),
                fapiao.invoice_id.into(),
                fapiao.credit_note_id.into(),
                fapiao.kind.as_str().into(),
                fapiao.number.into(),
                fapiao.code.into(),
                fapiao.issued_on.into(),
                fapiao.amount.into(),
                fapiao.tax_amount.into(),
                fapiao.recorded_by.into(),
            ],
        ))
        .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn void_fapiao(tx: &TenantTx, id: Uuid, reason: &str, by: &str) -> Result<(), DbErr> {
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE fapiaos SET voided_at = now(), voided_by = $2, void_reason = $3 WHERE id = $1",
        [id.into(), by.into(), reason.into()],
    ))
    .await?;
    Ok(())
}
