//! Letters as stored: made (by a ladder's run or for a legal case), listed for printing, and
//! recorded mailed with the carrier's tracking number.

use crate::api::pagination::{PageRequest, keyset_page};
use crate::auth::{Caller, assigned_only};
use crate::db::TenantTx;
use crate::db::conditions::Conditions;
use crate::error::AppError;
use chrono::{DateTime, NaiveDate, Utc};
use domain::Locale;
use domain::access::Access;
use domain::letters::{LetterKind, LetterStatus};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

#[derive(Debug, Clone, FromQueryResult)]
pub struct LetterRow {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub customer_code: String,
    pub customer_name: String,
    pub billing_address: Option<String>,
    pub kind: LetterKind,
    pub legal_case_id: Option<Uuid>,
    pub locale: Locale,
    pub title: String,
    pub body: String,
    pub invoice_ids: Vec<Uuid>,
    /// The claimed invoices' numbers, in the order of `invoice_ids`.
    pub invoice_numbers: Vec<String>,
    pub letter_date: NaiveDate,
    pub deadline: NaiveDate,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub mailed_on: Option<NaiveDate>,
    pub tracking_number: Option<String>,
    pub mailed_by: Option<String>,
}

const LETTER_COLUMNS: &str = "l.id, l.customer_id, c.code AS customer_code, c.name AS customer_name,
    c.billing_address, l.kind, l.legal_case_id, l.locale, l.title, l.body, l.invoice_ids,
    ARRAY(SELECT coalesce(i.number, '') FROM unnest(l.invoice_ids) WITH ORDINALITY AS u(id, n)
          JOIN invoices i ON i.id = u.id ORDER BY u.n) AS invoice_numbers,
    l.letter_date, l.deadline, l.created_by, l.created_at, l.mailed_on, l.tracking_number, l.mailed_by";

const LETTERS_FROM: &str = "letters l JOIN customers c ON c.id = l.customer_id";

/// A letter as it is written.
pub struct NewLetter<'a> {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub kind: LetterKind,
    pub run_id: Option<Uuid>,
    pub step_offset: Option<i32>,
    pub legal_case_id: Option<Uuid>,
    pub locale: Locale,
    pub title: &'a str,
    pub body: &'a str,
    pub invoice_ids: &'a [Uuid],
    pub letter_date: NaiveDate,
    pub deadline: NaiveDate,
    pub created_by: &'a str,
}

/// Writes a letter; `false` when the run already made this customer's letter for the step.
pub async fn insert_letter(
    conn: &impl ConnectionTrait,
    letter: NewLetter<'_>,
) -> Result<bool, DbErr> {
    let inserted = conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO letters (id, customer_id, kind, run_id, step_offset, legal_case_id, locale,
                                  title, body, invoice_ids, letter_date, deadline, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
             ON CONFLICT (run_id, customer_id, step_offset) WHERE run_id IS NOT NULL DO NOTHING",
            [
                letter.id.into(),
                letter.customer_id.into(),
                letter.kind.as_str().into(),
                letter.run_id.into(),
                letter.step_offset.into(),
                letter.legal_case_id.into(),
                letter.locale.tag().into(),
                letter.title.into(),
                letter.body.into(),
                letter.invoice_ids.to_vec().into(),
                letter.letter_date.into(),
                letter.deadline.into(),
                letter.created_by.into(),
            ],
        ))
        .await?
        .rows_affected();
    Ok(inserted == 1)
}

pub async fn letter(
    conn: &impl ConnectionTrait,
    id: Uuid,
    lock: bool,
) -> Result<Option<LetterRow>, DbErr> {
    LetterRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {LETTER_COLUMNS} FROM {LETTERS_FROM} WHERE l.id = $1 {}",
            if lock { "FOR UPDATE OF l" } else { "" }
        ),
        [id.into()],
    ))
    .one(conn)
    .await
}

#[derive(Debug, Clone, Default)]
pub struct LetterFilter {
    pub status: Option<LetterStatus>,
    pub kind: Option<LetterKind>,
    pub customer_id: Option<Uuid>,
}

/// A page of letters the caller may see, newest first (ids are time-ordered).
pub async fn page(
    tx: &TenantTx,
    caller: &Caller,
    access: Access,
    filter: &LetterFilter,
    request: &PageRequest,
    wants_total: bool,
) -> Result<(Vec<LetterRow>, i64), AppError> {
    let mut conditions = Conditions::new(Vec::new());
    assigned_only(caller, access, &mut conditions, "c.");
    match filter.status {
        Some(LetterStatus::ToPrint) => conditions.fixed("l.mailed_on IS NULL"),
        Some(LetterStatus::Mailed) => conditions.fixed("l.mailed_on IS NOT NULL"),
        None => {}
    }
    if let Some(kind) = filter.kind {
        conditions.push("l.kind = ?", kind.as_str());
    }
    if let Some(customer) = filter.customer_id {
        conditions.push("l.customer_id = ?", customer);
    }
    keyset_page(
        tx,
        request,
        wants_total,
        conditions,
        LETTER_COLUMNS,
        LETTERS_FROM,
        &[("l.id", "?::uuid")],
        true,
    )
    .await
}

pub async fn mark_mailed(
    conn: &impl ConnectionTrait,
    id: Uuid,
    mailed_on: NaiveDate,
    tracking_number: &str,
    mailed_by: &str,
    activity_id: Uuid,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE letters SET mailed_on = $2, tracking_number = $3, mailed_by = $4, activity_id = $5
         WHERE id = $1",
        [
            id.into(),
            mailed_on.into(),
            tracking_number.into(),
            mailed_by.into(),
            activity_id.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Sets the tracking number of an activity (the mailing of a letter).
pub async fn set_activity_tracking(
    conn: &impl ConnectionTrait,
    activity: Uuid,
    tracking_number: &str,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE collection_activities SET tracking_number = $2 WHERE id = $1",
        [activity.into(), tracking_number.into()],
    ))
    .await?;
    Ok(())
}
