//! Cash application's SQL and rows: bank accounts, statement imports, bank lines and learned
//! payers; what matching reads is in `book`.

use crate::api::pagination::{PageRequest, keyset_page};
use crate::db::TenantTx;
use crate::db::conditions::Conditions;
use crate::error::AppError;
use chrono::{DateTime, NaiveDate, Utc};
use domain::Currency;
use domain::cash::{BankDirection, BankTransactionStatus, MatchStatus, StatementFormat};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use serde_json::Value;
use uuid::Uuid;

mod book;
pub use book::*;

/// Rows per INSERT or UPDATE statement of lines.
const CHUNK: usize = 2_000;

#[derive(Debug, Clone, FromQueryResult)]
pub struct AccountRow {
    pub id: Uuid,
    pub name: String,
    pub bank_name: String,
    pub account_number: String,
    pub currency: Currency,
    pub csv_mapping: Option<Value>,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Every import's balance gaps, oldest first.
    pub gaps: Value,
}

const ACCOUNT_COLUMNS: &str = "a.id, a.name, a.bank_name, a.account_number,
    a.currency::text AS currency, a.csv_mapping, a.archived_at, a.created_at,
    (SELECT coalesce(jsonb_agg(g ORDER BY i.created_at), '[]'::jsonb)
       FROM bank_statement_imports i, jsonb_array_elements(i.gaps) g
      WHERE i.bank_account_id = a.id) AS gaps";

pub async fn accounts(
    conn: &impl ConnectionTrait,
    include_archived: bool,
) -> Result<Vec<AccountRow>, DbErr> {
    AccountRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {ACCOUNT_COLUMNS} FROM bank_accounts a
             WHERE $1 OR a.archived_at IS NULL ORDER BY a.name, a.id"
        ),
        [include_archived.into()],
    ))
    .all(conn)
    .await
}

/// One account; locked when `lock` (imports into one account run one at a time).
pub async fn account(
    conn: &impl ConnectionTrait,
    id: Uuid,
    lock: bool,
) -> Result<Option<AccountRow>, DbErr> {
    let lock = if lock { "FOR UPDATE OF a" } else { "" };
    AccountRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {ACCOUNT_COLUMNS} FROM bank_accounts a WHERE a.id = $1 {lock}"),
        [id.into()],
    ))
    .one(conn)
    .await
}

pub struct NewAccount {
    pub id: Uuid,
    pub name: String,
    pub bank_name: String,
    pub account_number: String,
    pub currency: Currency,
}

pub async fn insert_account(conn: &impl ConnectionTrait, account: NewAccount) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO bank_accounts (id, name, bank_name, account_number, currency)
         VALUES ($1, $2, $3, $4, $5)",
        [
            account.id.into(),
            account.name.into(),
            account.bank_name.into(),
            account.account_number.into(),
            account.currency.code().to_owned().into(),
        ],
    ))
    .await?;
    Ok(())
}

pub async fn update_account(
    conn: &impl ConnectionTrait,
    id: Uuid,
    name: Option<String>,
    mapping: Option<Value>,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE bank_accounts SET name = coalesce($2, name), csv_mapping = coalesce($3, csv_mapping)
         WHERE id = $1",
        [id.into(), name.into(), mapping.into()],
    ))
    .await?;
    Ok(())
}

pub async fn archive_account(conn: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE bank_accounts SET archived_at = coalesce(archived_at, now()) WHERE id = $1",
        [id.into()],
    ))
    .await?;
    Ok(())
}

/// Asks for matching again (after an apply or undo changed balances).
pub async fn want_matching(conn: &impl ConnectionTrait, account: Uuid) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE bank_accounts SET match_wanted_at = clock_timestamp() WHERE id = $1",
        [account.into()],
    ))
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct ImportRow {
    pub id: Uuid,
    pub bank_account_id: Uuid,
    pub currency: Currency,
    pub format: StatementFormat,
    pub period_from: Option<NaiveDate>,
    pub period_to: Option<NaiveDate>,
    pub lines: i32,
    pub added: i32,
    pub already_present: i32,
    pub opening_balance: Option<Decimal>,
    pub closing_balance: Option<Decimal>,
    pub gaps: Value,
    pub match_status: MatchStatus,
    pub matched: i32,
    pub auto_applied: i32,
    pub imported_by: String,
    pub created_at: DateTime<Utc>,
}

const IMPORT_COLUMNS: &str = "i.id, i.bank_account_id, a.currency::text AS currency, i.format,
    i.period_from, i.period_to, i.lines, i.added, i.already_present, i.opening_balance,
    i.closing_balance, i.gaps, i.match_status, i.matched, i.auto_applied, i.imported_by,
    i.created_at";
const IMPORTS_FROM: &str =
    "bank_statement_imports i JOIN bank_accounts a ON a.id = i.bank_account_id";

pub async fn insert_import(conn: &impl ConnectionTrait, row: &ImportRow) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO bank_statement_imports (id, bank_account_id, format, period_from, period_to,
             lines, added, already_present, opening_balance, closing_balance, gaps, match_status,
             imported_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        [
            row.id.into(),
            row.bank_account_id.into(),
            row.format.as_str().into(),
            row.period_from.into(),
            row.period_to.into(),
            row.lines.into(),
            row.added.into(),
            row.already_present.into(),
            row.opening_balance.into(),
            row.closing_balance.into(),
            row.gaps.clone().into(),
            row.match_status.as_str().into(),
            row.imported_by.clone().into(),
        ],
    ))
    .await?;
    Ok(())
}

pub async fn set_import_counts(
    conn: &impl ConnectionTrait,
    id: Uuid,
    added: i32,
    already_present: i32,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE bank_statement_imports SET added = $2, already_present = $3 WHERE id = $1",
        [id.into(), added.into(), already_present.into()],
    ))
    .await?;
    Ok(())
}

/// Matching's progress on an import.
pub async fn set_import_progress(
    conn: &impl ConnectionTrait,
    id: Uuid,
    status: MatchStatus,
    matched: i32,
    auto_applied: i32,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE bank_statement_imports SET match_status = $2, matched = $3, auto_applied = $4
         WHERE id = $1",
        [
            id.into(),
            status.as_str().into(),
            matched.into(),
            auto_applied.into(),
        ],
    ))
    .await?;
    Ok(())
}

pub async fn load_import(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<ImportRow>, DbErr> {
    ImportRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {IMPORT_COLUMNS} FROM {IMPORTS_FROM} WHERE i.id = $1"),
        [id.into()],
    ))
    .one(conn)
    .await
}

pub fn import_key(row: &ImportRow) -> Vec<String> {
    vec![
        row.created_at
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        row.id.to_string(),
    ]
}

/// Imports, newest first.
pub async fn list_imports(
    tx: &TenantTx,
    account: Option<Uuid>,
    request: &PageRequest,
    wants_total: bool,
) -> Result<(Vec<ImportRow>, i64), AppError> {
    let mut conditions = Conditions::new(Vec::new());
    if let Some(account) = account {
        conditions.push("i.bank_account_id = ?", account);
    }
    keyset_page(
        tx,
        request,
        wants_total,
        conditions,
        IMPORT_COLUMNS,
        IMPORTS_FROM,
        &[("i.created_at", "?::timestamptz"), ("i.id", "?::uuid")],
        true,
    )
    .await
}

/// A line to insert, as JSON for `json_to_recordset`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NewLine {
    pub id: Uuid,
    pub fingerprint: String,
    pub row_number: i32,
    pub booked_on: NaiveDate,
    pub direction: &'static str,
    pub amount: Decimal,
    pub currency: String,
    pub payer_name: Option<String>,
    pub payer_account: Option<String>,
    pub remark: Option<String>,
    pub reference: Option<String>,
    pub bank_ref: Option<String>,
    pub status: Option<&'static str>,
}

/// Inserts the lines not present yet (by fingerprint); returns how many were added.
pub async fn insert_lines(
    conn: &impl ConnectionTrait,
    account: Uuid,
    import: Uuid,
    lines: &[NewLine],
) -> Result<u64, DbErr> {
    let mut added = 0;
    for chunk in lines.chunks(CHUNK) {
        let json = serde_json::to_value(chunk).map_err(|e| DbErr::Custom(e.to_string()))?;
        let result = conn
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "INSERT INTO bank_transactions (id, bank_account_id, import_id, fingerprint,
                     row_number, booked_on, direction, amount, currency, payer_name,
                     payer_account, remark, reference, bank_ref, status)
                 SELECT r.id, $2, $3, r.fingerprint, r.row_number, r.booked_on, r.direction,
                        r.amount::numeric, r.currency, r.payer_name, r.payer_account, r.remark,
                        r.reference, r.bank_ref, r.status
                 FROM json_to_recordset($1::json) AS r(id uuid, fingerprint text,
                      row_number int, booked_on date, direction text, amount text,
                      currency text, payer_name text, payer_account text, remark text,
                      reference text, bank_ref text, status text)
                 ON CONFLICT (bank_account_id, fingerprint) DO NOTHING",
                [json.into(), account.into(), import.into()],
            ))
            .await?;
        added += result.rows_affected();
    }
    Ok(added)
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct LineRow {
    pub id: Uuid,
    pub bank_account_id: Uuid,
    pub bank_account_name: String,
    pub import_id: Uuid,
    pub row_number: i32,
    pub booked_on: NaiveDate,
    pub direction: BankDirection,
    pub amount: Decimal,
    pub currency: Currency,
    pub payer_name: Option<String>,
    pub payer_account: Option<String>,
    pub remark: Option<String>,
    pub reference: Option<String>,
    pub bank_ref: Option<String>,
    pub status: Option<BankTransactionStatus>,
    pub suggestions: Value,
    pub confidence: Option<Decimal>,
    pub applied_how: Option<String>,
    pub applied_key: Option<String>,
    pub applied_by: Option<String>,
    pub applied_at: Option<DateTime<Utc>>,
    pub auto_applied: bool,
    pub ignore_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

const LINE_COLUMNS: &str = "t.id, t.bank_account_id, a.name AS bank_account_name, t.import_id,
    t.row_number, t.booked_on, t.direction, t.amount, t.currency::text AS currency, t.payer_name,
    t.payer_account, t.remark, t.reference, t.bank_ref, t.status, t.suggestions, t.confidence,
    t.applied_how, t.applied_key, t.applied_by, t.applied_at, t.auto_applied, t.ignore_reason,
    t.created_at";
const LINES_FROM: &str = "bank_transactions t JOIN bank_accounts a ON a.id = t.bank_account_id";

/// One line; locked when `lock`.
pub async fn line(
    conn: &impl ConnectionTrait,
    id: Uuid,
    lock: bool,
) -> Result<Option<LineRow>, DbErr> {
    let lock = if lock { "FOR UPDATE OF t" } else { "" };
    LineRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {LINE_COLUMNS} FROM {LINES_FROM} WHERE t.id = $1 {lock}"),
        [id.into()],
    ))
    .one(conn)
    .await
}

/// Locks `ids` (in id order, so two runs cannot deadlock) and returns those that exist.
pub async fn lock_lines(conn: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<LineRow>, DbErr> {
    LineRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {LINE_COLUMNS} FROM {LINES_FROM} WHERE t.id = ANY($1) ORDER BY t.id FOR UPDATE OF t"),
        [ids.to_vec().into()],
    ))
    .all(conn)
    .await
}

/// Which lines a list shows.
#[derive(Debug, Clone, Default)]
pub struct LineFilter {
    pub bank_account_id: Option<Uuid>,
    pub statuses: Vec<BankTransactionStatus>,
    pub direction: Option<BankDirection>,
    pub booked_from: Option<NaiveDate>,
    pub booked_to: Option<NaiveDate>,
    /// In the payer's name or account, the remark or the reference.
    pub search: Option<String>,
}

fn line_conditions(filter: &LineFilter) -> Conditions {
    let mut conditions = Conditions::new(Vec::new());
    if let Some(account) = filter.bank_account_id {
        conditions.push("t.bank_account_id = ?", account);
    }
    if !filter.statuses.is_empty() {
        let statuses: Vec<String> = filter
            .statuses
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect();
        conditions.push("t.status = ANY(?)", statuses);
    }
    if let Some(direction) = filter.direction {
        conditions.push("t.direction = ?", direction.as_str());
    }
    if let Some(from) = filter.booked_from {
        conditions.push("t.booked_on >= ?", from);
    }
    if let Some(to) = filter.booked_to {
        conditions.push("t.booked_on <= ?", to);
    }
    if let Some(search) = &filter.search {
        let like = format!(
            "%{}%",
            search
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        conditions.push(
            "concat_ws(' ', t.payer_name, t.payer_account, t.remark, t.reference) ILIKE ?",
            like,
        );
    }
    conditions
}

pub fn line_key(row: &LineRow) -> Vec<String> {
    vec![row.booked_on.to_string(), row.id.to_string()]
}

/// Lines, most recently booked first.
pub async fn list_lines(
    tx: &TenantTx,
    filter: &LineFilter,
    request: &PageRequest,
    wants_total: bool,
) -> Result<(Vec<LineRow>, i64), AppError> {
    keyset_page(
        tx,
        request,
        wants_total,
        line_conditions(filter),
        LINE_COLUMNS,
        LINES_FROM,
        &[("t.booked_on", "?::date"), ("t.id", "?::uuid")],
        true,
    )
    .await
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct StatusTotal {
    pub status: Option<BankTransactionStatus>,
    pub direction: BankDirection,
    pub currency: Currency,
    pub lines: i64,
    pub amount: Decimal,
}

/// Counts and amounts by status (and direction, currency) of the lines the filter keeps,
/// whatever their status.
pub async fn totals(
    conn: &impl ConnectionTrait,
    filter: &LineFilter,
) -> Result<Vec<StatusTotal>, DbErr> {
    let filter = LineFilter {
        statuses: Vec::new(),
        ..filter.clone()
    };
    let mut conditions = line_conditions(&filter);
    let sql = conditions.sql();
    StatusTotal::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT t.status, t.direction, t.currency::text AS currency, count(*) AS lines,
                    sum(t.amount) AS amount
             FROM {LINES_FROM} WHERE {sql}
             GROUP BY t.status, t.direction, t.currency ORDER BY t.direction, t.status"
        ),
        std::mem::take(&mut conditions.values),
    ))
    .all(conn)
    .await
}

/// The incoming lines still waiting (unmatched or suggested), of one import or of one account,
/// in booking order.
pub async fn waiting_lines(
    conn: &impl ConnectionTrait,
    import: Option<Uuid>,
    account: Option<Uuid>,
) -> Result<Vec<LineRow>, DbErr> {
    LineRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {LINE_COLUMNS} FROM {LINES_FROM}
             WHERE t.status IN ('UNMATCHED', 'SUGGESTED')
               AND ($1::uuid IS NULL OR t.import_id = $1)
               AND ($2::uuid IS NULL OR t.bank_account_id = $2)
             ORDER BY t.booked_on, t.row_number, t.id"
        ),
        [import.into(), account.into()],
    ))
    .all(conn)
    .await
}

/// A line's suggestions, as matching stored them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Suggested {
    pub id: Uuid,
    pub suggestions: Value,
    pub confidence: Option<Decimal>,
}

/// Stores suggestions of lines still waiting: SUGGESTED with some, UNMATCHED without.
pub async fn store_suggestions(
    conn: &impl ConnectionTrait,
    rows: &[Suggested],
) -> Result<(), DbErr> {
    for chunk in rows.chunks(CHUNK) {
        let json = serde_json::to_value(chunk).map_err(|e| DbErr::Custom(e.to_string()))?;
        conn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE bank_transactions t
             SET suggestions = r.suggestions, confidence = r.confidence::numeric,
                 status = CASE WHEN jsonb_array_length(r.suggestions) > 0
                               THEN 'SUGGESTED' ELSE 'UNMATCHED' END
             FROM json_to_recordset($1::json) AS r(id uuid, suggestions jsonb, confidence text)
             WHERE t.id = r.id AND t.status IN ('UNMATCHED', 'SUGGESTED')",
            [json.into()],
        ))
        .await?;
    }
    Ok(())
}

/// A line's new status after a person or the auto-apply acted on it.
pub struct Settled<'a> {
    pub id: Uuid,
    pub status: BankTransactionStatus,
    pub how: Option<&'static str>,
    pub key: Option<&'a str>,
    pub by: Option<&'a str>,
    pub auto: bool,
    pub ignore_reason: Option<&'a str>,
}

pub async fn settle(conn: &impl ConnectionTrait, line: Settled<'_>) -> Result<(), DbErr> {
    let acted = line.by.is_some();
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE bank_transactions
         SET status = $2, applied_how = $3, applied_key = $4, applied_by = $5,
             applied_at = CASE WHEN $6 THEN now() END, auto_applied = $7, ignore_reason = $8
         WHERE id = $1",
        [
            line.id.into(),
            line.status.as_str().into(),
            line.how.into(),
            line.key.map(str::to_owned).into(),
            line.by.map(str::to_owned).into(),
            acted.into(),
            line.auto.into(),
            line.ignore_reason.map(str::to_owned).into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Marks `lines` APPLIED in one statement, by `by` (auto or not) with the idempotency `key`.
pub async fn settle_applied(
    conn: &impl ConnectionTrait,
    lines: &[Uuid],
    key: Option<&str>,
    by: &str,
    auto: bool,
) -> Result<(), DbErr> {
    if lines.is_empty() {
        return Ok(());
    }
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE bank_transactions
         SET status = 'APPLIED', applied_how = 'APPLIED', applied_key = $2, applied_by = $3,
             applied_at = now(), auto_applied = $4, ignore_reason = NULL
         WHERE id = ANY($1)",
        [
            lines.to_vec().into(),
            key.map(str::to_owned).into(),
            by.to_owned().into(),
            auto.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Names (or, with `None`, forgets) the keyed payment a line is linked to.
pub async fn link_payment(
    conn: &impl ConnectionTrait,
    line: Uuid,
    payment: Option<Uuid>,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE bank_transactions SET linked_payment_id = $2 WHERE id = $1",
        [line.into(), payment.into()],
    ))
    .await?;
    Ok(())
}

/// Remembers who paid for whom (a person applied a line to one customer).
pub async fn learn_payer(
    conn: &impl ConnectionTrait,
    customer: Uuid,
    account: Option<&str>,
    name: Option<&str>,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO bank_payers (customer_id, kind, value)
         SELECT $1, k, v FROM (VALUES ('ACCOUNT', $2::text), ('NAME', $3::text)) AS x(k, v)
         WHERE v IS NOT NULL AND v <> ''
         ON CONFLICT (kind, value, customer_id) DO UPDATE SET learned_at = now()",
        [
            customer.into(),
            account.map(str::to_owned).into(),
            name.map(str::to_owned).into(),
        ],
    ))
    .await?;
    Ok(())
}
