//! Legal cases as stored: cases with their invoices, opening and updating one, and what the
//! evidence pack reads about the customer (invoices, activity log, promises).

use crate::api::pagination::PageRequest;
use crate::auth::{Caller, assigned_only};
use crate::db::TenantTx;
use crate::db::conditions::{Conditions, count};
use crate::error::AppError;
use chrono::{DateTime, NaiveDate, Utc};
use domain::Currency;
use domain::access::Access;
use domain::collections::{CollectionChannel, CollectionOutcome, PromiseStatus};
use domain::invoices::InvoiceStatus;
use domain::legal::LegalStatus;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

#[derive(Debug, Clone, FromQueryResult)]
pub struct CaseRow {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub code: String,
    pub name: String,
    pub status: LegalStatus,
    pub amount: Decimal,
    pub currency: Currency,
    pub agency: Option<String>,
    pub lawyer: Option<String>,
    pub costs: Decimal,
    pub notes: Option<String>,
    pub opened_on: NaiveDate,
    pub letter_sent_on: Option<NaiveDate>,
    pub agency_on: Option<NaiveDate>,
    pub litigation_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub opened_by: String,
    pub updated_at: DateTime<Utc>,
}

const CASE_COLUMNS: &str = "l.id, l.customer_id, c.code, c.name, l.status, l.amount, l.currency::text AS currency,
    l.agency, l.lawyer, l.costs, l.notes, l.opened_on, l.letter_sent_on, l.agency_on, l.litigation_on,
    l.closed_on, l.opened_by, l.updated_at";
const CASES_FROM: &str = "legal_cases l JOIN customers c ON c.id = l.customer_id";

#[derive(Debug, Clone, FromQueryResult)]
pub struct CaseInvoiceRow {
    pub case_id: Uuid,
    pub id: Uuid,
    pub number: Option<String>,
    pub balance_due: Decimal,
    pub currency: Currency,
}

/// The invoices of the cases `ids`, by due date.
pub async fn case_invoices(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<Vec<CaseInvoiceRow>, DbErr> {
    CaseInvoiceRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT li.case_id, i.id, i.number, i.balance_due, i.currency::text AS currency
         FROM legal_case_invoices li JOIN invoices i ON i.id = li.invoice_id
         WHERE li.case_id = ANY($1::uuid[]) ORDER BY i.due_date, i.id",
        [ids.to_vec().into()],
    ))
    .all(conn)
    .await
}

/// A case, locked when `for_update`.
pub async fn case(
    conn: &impl ConnectionTrait,
    id: Uuid,
    for_update: bool,
) -> Result<Option<CaseRow>, DbErr> {
    let lock = if for_update { " FOR UPDATE OF l" } else { "" };
    CaseRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {CASE_COLUMNS} FROM {CASES_FROM} WHERE l.id = $1{lock}"),
        [id.into()],
    ))
    .one(conn)
    .await
}

#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub customer_id: Option<Uuid>,
    pub status: Option<Vec<LegalStatus>>,
    /// Only cases not yet settled or written off.
    pub open: Option<bool>,
}

/// A page of cases the caller sees (`first + 1` rows), newest first, and how many match.
pub async fn list_cases(
    tx: &TenantTx,
    caller: &Caller,
    access: Access,
    filter: &CaseFilter,
    request: &PageRequest,
) -> Result<(Vec<CaseRow>, i64), AppError> {
    let mut conditions = Conditions::new(Vec::new());
    assigned_only(caller, access, &mut conditions, "c.");
    if let Some(customer) = filter.customer_id {
        conditions.push("l.customer_id = ?", customer);
    }
    if let Some(statuses) = &filter.status
        && !statuses.is_empty()
    {
        let list: Vec<String> = statuses.iter().map(|s| s.as_str().to_owned()).collect();
        conditions.push("l.status = ANY(?::text[])", list);
    }
    if let Some(open) = filter.open {
        conditions.push("(l.status NOT IN ('SETTLED', 'WRITTEN_OFF')) = ?", open);
    }
    let filtered = conditions.sql();
    let values = conditions.values;
    let count_values = values.clone();
    let limit = request.limit_sql();
    let rows = CaseRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {CASE_COLUMNS} FROM {CASES_FROM} WHERE {filtered}
             ORDER BY l.created_at DESC, l.id DESC {limit}"
        ),
        values,
    ))
    .all(&**tx)
    .await?;
    let total = count(
        tx,
        format!("SELECT count(*) AS n FROM {CASES_FROM} WHERE {filtered}"),
        count_values,
    )
    .await?;
    Ok((rows, total))
}

#[derive(Debug, FromQueryResult)]
pub struct InvoiceBalance {
    pub id: Uuid,
    pub balance_due: Decimal,
}

/// What `invoice` owes, when it is an open invoice of `customer` in `currency`.
pub async fn open_invoice_balance(
    conn: &impl ConnectionTrait,
    invoice: Uuid,
    customer: Uuid,
    currency: &str,
) -> Result<Option<Decimal>, DbErr> {
    #[derive(FromQueryResult)]
    struct Balance {
        balance_due: Decimal,
    }
    Ok(Balance::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        concat!(
            "SELECT balance_due FROM invoices WHERE id = $1 AND customer_id = $2
           AND status IN ",
            domain::open_statuses!(),
            " AND currency = $3"
        ),
        [invoice.into(), customer.into(), currency.to_owned().into()],
    ))
    .one(conn)
    .await?
    .map(|row| row.balance_due))
}

/// The customer's invoices in `currency` with something overdue on `today`, and what each owes.
pub async fn overdue_invoices(
    conn: &impl ConnectionTrait,
    customer: Uuid,
    currency: &str,
    today: NaiveDate,
) -> Result<Vec<InvoiceBalance>, DbErr> {
    InvoiceBalance::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT DISTINCT i.id, i.balance_due FROM invoices i JOIN receivable_items r ON r.invoice_id = i.id
         WHERE i.customer_id = $1 AND i.currency = $2 AND r.amount > 0 AND r.due_date < $3",
        [customer.into(), currency.to_owned().into(), today.into()],
    ))
    .all(conn)
    .await
}

/// A case as `escalateToLegal` opens it.
pub struct NewCase<'a> {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub amount: Decimal,
    pub currency: &'a str,
    pub agency: Option<String>,
    pub lawyer: Option<String>,
    pub notes: Option<String>,
    pub opened_on: NaiveDate,
    pub opened_by: &'a str,
}

/// Opens a case; the unique index `legal_cases_one_open` refuses a second open one.
pub async fn insert_case(conn: &impl ConnectionTrait, case: NewCase<'_>) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO legal_cases (id, customer_id, amount, currency, agency, lawyer, notes, opened_on, opened_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        [
            case.id.into(),
            case.customer_id.into(),
            case.amount.into(),
            case.currency.to_owned().into(),
            case.agency.into(),
            case.lawyer.into(),
            case.notes.into(),
            case.opened_on.into(),
            case.opened_by.to_owned().into(),
        ],
    ))
    .await?;
    Ok(())
}

pub async fn link_invoices(
    conn: &impl ConnectionTrait,
    case: Uuid,
    invoices: &[Uuid],
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO legal_case_invoices (case_id, invoice_id) SELECT $1, unnest($2::uuid[])",
        [case.into(), invoices.to_vec().into()],
    ))
    .await?;
    Ok(())
}

/// A case's new stage (with the day it was reached, in `date_column` when the stage has one)
/// and whatever of its agency, lawyer, costs and notes is given.
pub struct CaseChange {
    pub status: LegalStatus,
    pub agency: Option<String>,
    pub lawyer: Option<String>,
    pub costs: Option<Decimal>,
    pub notes: Option<String>,
    pub on: NaiveDate,
    pub date_column: Option<&'static str>,
}

pub async fn update_case(
    conn: &impl ConnectionTrait,
    id: Uuid,
    change: CaseChange,
) -> Result<(), DbErr> {
    let set_date = change
        .date_column
        .map(|column| format!(", {column} = $7"))
        .unwrap_or_default();
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "UPDATE legal_cases SET status = $2, agency = coalesce($3, agency), lawyer = coalesce($4, lawyer),
                    costs = coalesce($5, costs), notes = coalesce($6, notes), updated_at = now(){set_date}
             WHERE id = $1"
        ),
        [
            id.into(),
            change.status.as_str().into(),
            change.agency.into(),
            change.lawyer.into(),
            change.costs.into(),
            change.notes.into(),
            change.on.into(),
        ],
    ))
    .await?;
    Ok(())
}

#[derive(Debug, FromQueryResult)]
struct InvoiceIdRow {
    invoice_id: Uuid,
}

#[derive(Debug, FromQueryResult)]
struct JoinedCase {
    id: Uuid,
    opened: bool,
}

/// The customer's open legal case, locked, or else a new one for the ladder, in the customer's
/// currency, at nothing yet; in one statement. Returns the case and whether it was opened now.
pub async fn open_or_join_case(
    conn: &impl ConnectionTrait,
    new_id: Uuid,
    customer: Uuid,
    currency: Currency,
    date: NaiveDate,
    opened_by: &str,
    run_id: Uuid,
) -> Result<(Uuid, bool), DbErr> {
    let row = JoinedCase::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "WITH open AS (
             SELECT id FROM legal_cases WHERE customer_id = $2 AND status NOT IN ('SETTLED', 'WRITTEN_OFF')
             FOR UPDATE
         ), opened AS (
             INSERT INTO legal_cases (id, customer_id, amount, currency, opened_on, opened_by, run_id, notes)
             SELECT $1, $2, 0, $3, $4, $5, $6, $7 WHERE NOT EXISTS (SELECT 1 FROM open)
             RETURNING id
         )
         SELECT id, false AS opened FROM open UNION ALL SELECT id, true FROM opened LIMIT 1",
        [
            new_id.into(),
            customer.into(),
            currency.code().to_owned().into(),
            date.into(),
            opened_by.into(),
            run_id.into(),
            domain::messages::system::OPENED_BY_LADDER.into(),
        ],
    ))
    .one(conn)
    .await?
    .ok_or_else(|| DbErr::RecordNotFound("legal case".to_owned()))?;
    Ok((row.id, row.opened))
}

/// Links invoices to a case, each once, and adds to the case's amount what each newly linked
/// one brings (`amounts`, in the order of `invoices`); in one statement. Returns the invoices
/// linked now.
pub async fn link_case_invoices(
    conn: &impl ConnectionTrait,
    case: Uuid,
    invoices: &[Uuid],
    amounts: &[Decimal],
) -> Result<Vec<Uuid>, DbErr> {
    let amounts: Vec<String> = amounts.iter().map(Decimal::to_string).collect();
    Ok(
        InvoiceIdRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "WITH linked AS (
                 INSERT INTO legal_case_invoices (case_id, invoice_id)
                 SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING
                 RETURNING invoice_id
             ), added AS (
                 UPDATE legal_cases
                 SET amount = amount + coalesce((
                         SELECT sum(x.amount::numeric)
                         FROM unnest($2::uuid[], $3::text[]) AS x(invoice_id, amount)
                         JOIN linked USING (invoice_id)), 0),
                     updated_at = now()
                 WHERE id = $1
             )
             SELECT invoice_id FROM linked",
            [case.into(), invoices.to_vec().into(), amounts.into()],
        ))
        .all(conn)
        .await?
        .into_iter()
        .map(|row| row.invoice_id)
        .collect(),
    )
}

/// An invoice of the customer, as the evidence pack lists it.
#[derive(Debug, FromQueryResult)]
pub struct EvidenceInvoice {
    pub number: Option<String>,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub currency: Currency,
    pub total: Decimal,
    pub amount_paid: Decimal,
    pub amount_credited: Decimal,
    pub balance_due: Decimal,
    pub status: InvoiceStatus,
    pub in_case: bool,
}

/// Every issued invoice of the customer, and whether case `case` pursues it.
pub async fn evidence_invoices(
    conn: &impl ConnectionTrait,
    customer: Uuid,
    case: Uuid,
) -> Result<Vec<EvidenceInvoice>, DbErr> {
    EvidenceInvoice::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT i.number, i.issue_date, i.due_date, i.currency::text AS currency, i.total, i.amount_paid,
                i.amount_credited, i.balance_due, i.status,
                EXISTS (SELECT 1 FROM legal_case_invoices li WHERE li.case_id = $2 AND li.invoice_id = i.id) AS in_case
         FROM invoices i WHERE i.customer_id = $1 AND i.status <> 'DRAFT' ORDER BY i.issue_date, i.number",
        [customer.into(), case.into()],
    ))
    .all(conn)
    .await
}

/// An activity of the customer, as the evidence pack lists it: its invoices' numbers joined.
#[derive(Debug, FromQueryResult)]
pub struct EvidenceActivity {
    pub occurred_at: DateTime<Utc>,
    pub channel: CollectionChannel,
    pub outcome: CollectionOutcome,
    pub contact_name: Option<String>,
    pub location: Option<String>,
    pub note: Option<String>,
    pub logged_by_label: String,
    pub invoices: String,
}

pub async fn evidence_activities(
    conn: &impl ConnectionTrait,
    customer: Uuid,
) -> Result<Vec<EvidenceActivity>, DbErr> {
    EvidenceActivity::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT a.occurred_at, a.channel, a.outcome, a.contact_name, a.location, a.note, a.logged_by_label,
                coalesce((SELECT string_agg(i.number, ' ' ORDER BY i.number) FROM collection_activity_invoices ai
                          JOIN invoices i ON i.id = ai.invoice_id WHERE ai.activity_id = a.id), '') AS invoices
         FROM collection_activities a WHERE a.customer_id = $1 ORDER BY a.occurred_at, a.id",
        [customer.into()],
    ))
    .all(conn)
    .await
}

/// A promise of the customer, as the evidence pack lists it.
#[derive(Debug, FromQueryResult)]
pub struct EvidencePromise {
    pub created_at: DateTime<Utc>,
    pub promised_date: NaiveDate,
    pub amount: Decimal,
    pub currency: Currency,
    pub status: PromiseStatus,
    pub paid_amount: Decimal,
    pub promised_by: Option<String>,
    pub logged_by_label: String,
}

pub async fn evidence_promises(
    conn: &impl ConnectionTrait,
    customer: Uuid,
) -> Result<Vec<EvidencePromise>, DbErr> {
    EvidencePromise::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT created_at, promised_date, amount, currency::text AS currency, status, paid_amount, promised_by, logged_by_label
         FROM promises WHERE customer_id = $1 ORDER BY created_at, id",
        [customer.into()],
    ))
    .all(conn)
    .await
}

/// An invoice a letter claims: what it still owes.
#[derive(Debug, Clone, FromQueryResult)]
pub struct OwedInvoice {
    pub id: Uuid,
    pub number: Option<String>,
    pub due_date: NaiveDate,
    pub balance_due: Decimal,
    pub currency: Currency,
}

/// Of `ids`, the invoices still owing something, by due date.
pub async fn owed_invoices(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<Vec<OwedInvoice>, DbErr> {
    OwedInvoice::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id, number, due_date, balance_due, currency::text AS currency FROM invoices
         WHERE id = ANY($1::uuid[]) AND balance_due > 0 AND status NOT IN ('DRAFT', 'VOID')
         ORDER BY due_date, number",
        [ids.to_vec().into()],
    ))
    .all(conn)
    .await
}
