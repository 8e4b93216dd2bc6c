//! CSV import of customers and invoices: every row is checked first and every problem reported
//! with its row and column; then everything is written in one transaction, or nothing is.
//!
//! Rows go to the database as one JSON parameter per statement (`json_to_recordset`), so
//! 100,000 invoices are a handful of statements, not 100,000 round trips.
//!
//! Customers: `code,name,tax_id,currency,payment_terms_days,payment_terms_kind,credit_limit,
//! segment,contact_name,contact_email,contact_phone,billing_address` (only `code` and `name`
//! are required). Invoices, one row per line, rows of one invoice sharing its number:
//! `number,customer_code,issue_date,due_date,currency,description,quantity,unit_price,
//! tax_rate,external_ref` (`due_date` from the customer's terms when empty, `currency` the
//! customer's, `tax_rate` a fraction or a percentage such as `13%`). Imported invoices are
//! issued as they are in the source system: their numbers are kept and the credit policy,
//! which applies to new sales, is not re-run on them.
//!
//! Files are read as a stream on a blocking thread ([`read_table`]), one parser for the GraphQL
//! mutations (at most 1 MiB) and the REST route (at most 32 MiB, see `http::files`). Reading
//! stops at the first limit crossed: [`MAX_COLUMNS`] or [`MAX_CELL_BYTES`] while a row's bytes
//! arrive, [`MAX_ROWS`] as rows are counted. At most [`LARGE_IMPORTS_AT_ONCE`] REST imports run
//! on a replica at once ([`LargeImports`]).

use crate::api::context::{request, services};
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::db::{self, TenantTx};
use crate::error::{ApiResult, AppError, IntoApi};
use async_graphql::{Context, InputObject, Object, SimpleObject};
use chrono::NaiveDate;
use domain::Currency;
use domain::access::Permission;
use domain::invoices::{LineInput, price_lines, valid_number};
use domain::terms::{PaymentTerms, TermsKind};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use serde::de::DeserializeOwned;
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use uuid::Uuid;

/// Rows in one file (without the header), at most.
pub const MAX_ROWS: usize = 200_000;
/// Columns in one row, at most: the imports know a dozen; more is not a file for them.
pub const MAX_COLUMNS: usize = 64;
/// Bytes in one cell, at most. The longest text an import takes (a billing address, a line's
/// description) is far shorter; the bound keeps one row under `MAX_COLUMNS` x 4 KiB while it
/// is read.
pub const MAX_CELL_BYTES: usize = 4 * 1024;
/// REST imports (the large ones) running at once on one replica. Each may hold up to
/// `MAX_ROWS` rows while it checks and writes them.
pub const LARGE_IMPORTS_AT_ONCE: usize = 2;
/// What a refused import is told to wait: a large import takes seconds, not minutes.
const BUSY_RETRY_SECS: u64 = 10;
/// Problems reported, at most (the import fails at the first anyway).
const MAX_ERRORS: usize = 500;
/// Rows per INSERT statement.
const CHUNK: usize = 20_000;

#[derive(SimpleObject, Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportProblem {
    /// The line of the file (the header is line 1).
    pub row: i32,
    /// The column's header name, or empty for a problem with the whole row.
    pub column: String,
    pub message: String,
}

#[derive(SimpleObject, Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// Rows in the file (without the header).
    pub rows: i32,
    /// Customers or invoices written; 0 when there were problems or it was a dry run.
    pub imported: i32,
    pub dry_run: bool,
    pub problems: Vec<ImportProblem>,
}

struct Problems(Vec<ImportProblem>);

impl Problems {
    fn is_full(&self) -> bool {
        self.0.len() >= MAX_ERRORS
    }

    fn add(&mut self, row: usize, column: &str, message: impl Into<String>) {
        if self.0.len() < MAX_ERRORS {
            self.0.push(ImportProblem {
                row: i32::try_from(row).unwrap_or(i32::MAX),
                column: column.to_owned(),
                message: message.into(),
            });
        }
    }
}

/// Where an import's CSV comes from: a GraphQL input's text, or a REST body as it arrives.
/// Read on a blocking thread.
pub type CsvSource = Box<dyn std::io::Read + Send>;

/// What an import is of; each has its columns and its row type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Customers,
    Invoices,
}

impl ImportKind {
    /// From the REST path: `customers` or `invoices`.
    pub fn from_path(path: &str) -> Option<Self> {
        match path {
            "customers" => Some(ImportKind::Customers),
            "invoices" => Some(ImportKind::Invoices),
            _ => None,
        }
    }

    /// What the caller needs, checked again by the import itself; asked first so an upload
    /// that would be refused is never read.
    pub fn permission(self) -> Permission {
        match self {
            ImportKind::Customers => Permission::ManageCustomers,
            ImportKind::Invoices => Permission::ManageInvoices,
        }
    }
}

/// Runs an import of `kind`.
pub async fn import(
    kind: ImportKind,
    db: &sea_orm::DatabaseConnection,
    caller: &Caller,
    source: CsvSource,
    dry_run: bool,
    request_id: &str,
) -> Result<ImportReport, AppError> {
    match kind {
        ImportKind::Customers => import_customers(db, caller, source, dry_run, request_id).await,
        ImportKind::Invoices => import_invoices(db, caller, source, dry_run, request_id).await,
    }
}

/// The large imports a replica runs at once. A few 32 MiB files at once would otherwise hold
/// hundreds of megabytes of rows together and take the replica down for every company; one
/// over the bound is refused at once (429), never queued holding its connection.
#[derive(Clone)]
pub struct LargeImports {
    slots: Arc<Semaphore>,
    at_once: usize,
}

impl LargeImports {
    pub fn new(at_once: usize) -> Self {
        LargeImports {
            slots: Arc::new(Semaphore::new(at_once)),
            at_once,
        }
    }

    /// A slot, held until the import answers; or `RATE_LIMITED` with a retry time.
    pub fn try_start(&self) -> Result<OwnedSemaphorePermit, AppError> {
        Arc::clone(&self.slots).try_acquire_owned().map_err(|_| {
            AppError::busy(
                format!(
                    "{} large imports are running on this server already; try again in {BUSY_RETRY_SECS} seconds.",
                    self.at_once
                ),
                BUSY_RETRY_SECS,
            )
        })
    }
}

/// An import's columns: those it knows and those a file must have.
struct Columns {
    known: &'static [&'static str],
    required: &'static [&'static str],
}

/// The file's rows, typed, with the line each starts on.
type Table<T> = Vec<(usize, T)>;

/// Reads the whole table on a blocking thread: parsing is CPU work, and a REST body's reader
/// blocks while the next chunk arrives.
async fn table<T: DeserializeOwned + Send + 'static>(
    source: CsvSource,
    columns: &'static Columns,
) -> Result<Result<Table<T>, Vec<ImportProblem>>, AppError> {
    tokio::task::spawn_blocking(move || read_table(source, columns))
        .await
        .map_err(|error| AppError::from(anyhow::Error::new(error).context("reading an import")))
}

/// Reads rows one at a time, stopping at the first limit crossed or at a bad header; rows with
/// the wrong number of cells are reported (up to `MAX_ERRORS`), and once a row has a problem
/// no more rows are kept, since none will be written.
fn read_table<T: DeserializeOwned>(
    source: impl std::io::Read,
    columns: &Columns,
) -> Result<Table<T>, Vec<ImportProblem>> {
    let mut problems = Problems(Vec::new());
    let limits = crate::csv::RowLimits {
        max_columns: MAX_COLUMNS,
        max_cell_bytes: MAX_CELL_BYTES,
    };
    let mut records = crate::csv::Records::new(source, limits);
    let mut record = csv::StringRecord::new();
    match records.next_into(&mut record) {
        Ok(Some(_)) => {}
        Ok(None) => {
            problems.add(
                1,
                "",
                format!(
                    "the file is empty; the first row names the columns: {}",
                    columns.known.join(",")
                ),
            );
            return Err(problems.0);
        }
        Err(error) => {
            problems.add(error.line, "", error.message);
            return Err(problems.0);
        }
    }
    let header: csv::StringRecord = record.iter().map(str::to_lowercase).collect();
    let mut named = HashSet::new();
    for name in &header {
        if !columns.known.contains(&name) {
            problems.add(
                1,
                name,
                format!(
                    "unknown column; the columns are {}",
                    columns.known.join(",")
                ),
            );
        } else if !named.insert(name) {
            problems.add(1, name, "this column appears twice");
        }
    }
    for name in columns.required {
        if !header.iter().any(|h| h == *name) {
            problems.add(1, name, "this column is required");
        }
    }
    if !problems.0.is_empty() {
        return Err(problems.0);
    }
    let mut rows = Vec::new();
    let mut count = 0;
    loop {
        let line = match records.next_into(&mut record) {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(error) => {
                problems.add(error.line, "", error.message);
                return Err(problems.0);
            }
        };
        count += 1;
        if count > MAX_ROWS {
            problems.add(line, "", format!("at most {MAX_ROWS} rows per file"));
            return Err(problems.0);
        }
        if record.len() != header.len() {
            problems.add(
                line,
                "",
                format!(
                    "{} cells, but the header has {}",
                    record.len(),
                    header.len()
                ),
            );
            if problems.is_full() {
                break;
            }
            continue;
        }
        if !problems.0.is_empty() {
            continue;
        }
        match record.deserialize::<T>(Some(&header)) {
            Ok(row) => rows.push((line, row)),
            Err(error) => problems.add(line, "", error.to_string()),
        }
    }
    if !problems.0.is_empty() {
        return Err(problems.0);
    }
    Ok(rows)
}

fn decimal(problems: &mut Problems, line: usize, column: &str, value: &str) -> Option<Decimal> {
    let parsed = Decimal::from_str_exact(&value.replace(',', ""));
    if parsed.is_err() {
        problems.add(line, column, format!("`{value}` is not a number"));
    }
    parsed.ok()
}

fn date(problems: &mut Problems, line: usize, column: &str, value: &str) -> Option<NaiveDate> {
    let parsed = NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(value, "%Y/%m/%d"));
    if parsed.is_err() {
        problems.add(
            line,
            column,
            format!("`{value}` is not a date; use YYYY-MM-DD"),
        );
    }
    parsed.ok()
}

fn report(
    rows: usize,
    imported: usize,
    dry_run: bool,
    problems: Vec<ImportProblem>,
) -> ImportReport {
    ImportReport {
        rows: i32::try_from(rows).unwrap_or(i32::MAX),
        imported: i32::try_from(imported).unwrap_or(i32::MAX),
        dry_run,
        problems,
    }
}

/// A cell as read: `None` when empty (after trimming). A boxed `str` is two words, not three:
/// a file at `MAX_ROWS` of empty cells keeps its rows in a few tens of megabytes.
type Cell = Option<Box<str>>;

const CUSTOMER_COLUMNS: Columns = Columns {
    known: &[
        "code",
        "name",
        "tax_id",
        "currency",
        "payment_terms_days",
        "payment_terms_kind",
        "credit_limit",
        "segment",
        "contact_name",
        "contact_email",
        "contact_phone",
        "billing_address",
    ],
    required: &["code", "name"],
};

/// A row of a customer file, by header name; a column the file leaves out is `None`.
#[derive(Debug, serde::Deserialize)]
struct CustomerRow {
    code: Cell,
    name: Cell,
    tax_id: Cell,
    currency: Cell,
    payment_terms_days: Cell,
    payment_terms_kind: Cell,
    credit_limit: Cell,
    segment: Cell,
    contact_name: Cell,
    contact_email: Cell,
    contact_phone: Cell,
    billing_address: Cell,
}

pub async fn import_customers(
    db: &sea_orm::DatabaseConnection,
    caller: &Caller,
    source: CsvSource,
    dry_run: bool,
    request_id: &str,
) -> Result<ImportReport, AppError> {
    caller.authorize(Permission::ManageCustomers)?;
    let may_set_limits = caller.authorize(Permission::ManageCreditPolicy).is_ok();
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let plan = crate::billing::plans::plan_in_force(db, tenant).await?;
    let table = match table::<CustomerRow>(source, &CUSTOMER_COLUMNS).await? {
        Ok(table) => table,
        Err(problems) => return Ok(report(0, 0, dry_run, problems)),
    };
    let tx = TenantTx::begin(db, tenant).await?;
    let existing: HashSet<String> = CodeRow::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        "SELECT lower(code) AS code FROM customers",
    ))
    .all(&*tx)
    .await?
    .into_iter()
    .map(|row| row.code)
    .collect();
    let mut problems = Problems(Vec::new());
    let mut seen = HashSet::new();
    let mut records = Vec::with_capacity(table.len());
    let mut contacts = Vec::new();
    for (line, row) in &table {
        let line = *line;
        let code = row.code.as_deref().unwrap_or("");
        let name = row.name.as_deref().unwrap_or("");
        if code.is_empty()
            || code.chars().count() > 40
            || !code
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        {
            problems.add(
                line,
                "code",
                "give 1 to 40 letters, digits, `-`, `_`, `.` or `/`",
            );
        } else if existing.contains(&code.to_lowercase()) {
            problems.add(
                line,
                "code",
                format!("a customer with code {code} exists already"),
            );
        } else if !seen.insert(code.to_lowercase()) {
            problems.add(line, "code", format!("{code} appears twice in the file"));
        }
        if name.is_empty() || name.chars().count() > 200 {
            problems.add(line, "name", "give 1 to 200 characters");
        }
        let currency = match row.currency.as_deref() {
            Some(code) => match code.to_uppercase().parse::<Currency>() {
                Ok(currency) => currency,
                Err(error) => {
                    problems.add(line, "currency", error.to_string());
                    continue;
                }
            },
            None => calendar.base_currency.parse().unwrap_or(Currency::CNY),
        };
        let kind = match row
            .payment_terms_kind
            .as_deref()
            .map(str::to_uppercase)
            .as_deref()
        {
            None | Some("NET") => TermsKind::Net,
            Some("END_OF_MONTH" | "EOM") => TermsKind::EndOfMonth,
            Some(other) => {
                problems.add(
                    line,
                    "payment_terms_kind",
                    format!("`{other}` is not NET or END_OF_MONTH"),
                );
                TermsKind::Net
            }
        };
        let days = match row.payment_terms_days.as_deref() {
            None => 30,
            Some(days) => match days
                .parse::<i64>()
                .ok()
                .and_then(|d| PaymentTerms::new(kind, d).ok())
            {
                Some(terms) => terms.days,
                None => {
                    problems.add(line, "payment_terms_days", "give whole days from 0 to 365");
                    30
                }
            },
        };
        let credit_limit = row.credit_limit.as_deref().and_then(|value| {
            let limit = domain::Money::parse_exact(&value.replace(',', ""), currency);
            match limit {
                Ok(limit) if !limit.is_negative() && limit.amount < domain::money::max_amount() => {
                    Some(limit.amount)
                }
                Ok(_) => {
                    problems.add(
                        line,
                        "credit_limit",
                        "give zero or more, below 100 trillion",
                    );
                    None
                }
                Err(error) => {
                    problems.add(line, "credit_limit", error.to_string());
                    None
                }
            }
        });
        if let Some(email) = row.contact_email.as_deref()
            && let Err(error) = domain::EmailAddress::parse(email)
        {
            problems.add(line, "contact_email", error.to_string());
        }
        if row.contact_name.as_deref().is_none()
            && (row.contact_email.as_deref().is_some() || row.contact_phone.as_deref().is_some())
        {
            problems.add(
                line,
                "contact_name",
                "a contact's email or phone needs the contact's name",
            );
        }
        if row
            .contact_phone
            .as_deref()
            .is_some_and(|phone| phone.chars().count() > 40)
        {
            problems.add(line, "contact_phone", "at most 40 characters");
        }
        if credit_limit.is_some() && !may_set_limits {
            problems.add(
                line,
                "credit_limit",
                "setting credit limits needs the credit-policy permission",
            );
        }
        let id = Uuid::now_v7();
        if let Some(contact) = row.contact_name.as_deref() {
            contacts.push(json!({
                "id": Uuid::now_v7(), "customer_id": id, "name": contact,
                "email": row.contact_email.as_deref(), "phone": row.contact_phone.as_deref(),
            }));
        }
        records.push(json!({
            "id": id, "code": code, "name": name, "tax_id": row.tax_id.as_deref(),
            "billing_address": row.billing_address.as_deref(), "segment": row.segment.as_deref(),
            "currency": currency.code(), "terms_kind": kind.as_str(), "terms_days": days,
            "credit_limit": credit_limit.map(|limit| limit.to_string()),
        }));
    }
    let rows = table.len();
    if !problems.0.is_empty() || dry_run {
        tx.rollback().await?;
        return Ok(report(rows, 0, dry_run, problems.0));
    }
    crate::billing::plans::admit_tenant(
        &tx,
        plan,
        &calendar.time_zone,
        domain::billing::Limit::Customers,
        u64::try_from(records.len()).unwrap_or(u64::MAX),
    )
    .await?;
    for chunk in records.chunks(CHUNK) {
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO customers (id, code, name, tax_id, billing_address, segment, currency, terms_kind, terms_days, credit_limit)
             SELECT id, code, name, tax_id, billing_address, segment, currency, terms_kind, terms_days, credit_limit::numeric
             FROM json_to_recordset($1::json) AS r(id uuid, code text, name text, tax_id text, billing_address text,
                  segment text, currency text, terms_kind text, terms_days int, credit_limit text)",
            [serde_json::Value::Array(chunk.to_vec()).into()],
        ))
        .await
        .map_err(|error| {
            if error.to_string().contains("customers_code_key") {
                AppError::conflict("code", "a customer code in the file was taken while importing; check again")
            } else {
                AppError::from(error)
            }
        })?;
    }
    for chunk in contacts.chunks(CHUNK) {
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO customer_contacts (id, customer_id, position, name, email, phone)
             SELECT id, customer_id, 0, name, email, phone
             FROM json_to_recordset($1::json) AS r(id uuid, customer_id uuid, name text, email text, phone text)",
            [serde_json::Value::Array(chunk.to_vec()).into()],
        ))
        .await?;
    }
    let actor = audit::actor_of(db, caller).await?;
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO credit_events (id, customer_id, kind, credit_limit, reason, actor_label)
         SELECT gen_random_uuid(), id, 'LIMIT_SET', credit_limit::numeric, 'Imported', $2
         FROM json_to_recordset($1::json) AS r(id uuid, credit_limit text) WHERE credit_limit IS NOT NULL",
        [serde_json::Value::Array(records.clone()).into(), actor.label().to_owned().into()],
    ))
    .await?;
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "customers.imported",
            entity_type: "customer",
            entity_id: None,
            before: None,
            after: Some(json!({ "count": records.len() })),
            request_id: Some(request_id),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(report(rows, records.len(), false, Vec::new()))
}

#[derive(Debug, FromQueryResult)]
struct CodeRow {
    code: String,
}

#[derive(Debug, FromQueryResult)]
struct CustomerTerms {
    id: Uuid,
    code: String,
    currency: String,
    terms_kind: String,
    terms_days: i32,
    archived: bool,
}

const INVOICE_COLUMNS: Columns = Columns {
    known: &[
        "number",
        "customer_code",
        "issue_date",
        "due_date",
        "currency",
        "description",
        "quantity",
        "unit_price",
        "tax_rate",
        "external_ref",
    ],
    required: &[
        "number",
        "customer_code",
        "issue_date",
        "description",
        "quantity",
        "unit_price",
    ],
};

/// A row of an invoice file (one invoice line), by header name.
#[derive(Debug, serde::Deserialize)]
struct InvoiceRow {
    number: Cell,
    customer_code: Cell,
    issue_date: Cell,
    due_date: Cell,
    currency: Cell,
    description: Cell,
    quantity: Cell,
    unit_price: Cell,
    tax_rate: Cell,
    external_ref: Cell,
}

/// One invoice gathered from its rows.
struct Draft {
    first_line: usize,
    number: String,
    customer: Uuid,
    issue_date: NaiveDate,
    due_date: NaiveDate,
    currency: Currency,
    external_ref: Option<String>,
    lines: Vec<LineInput>,
    /// The file line of each invoice line, for reporting.
    line_rows: Vec<usize>,
}

fn tax_rate(problems: &mut Problems, line: usize, value: Option<&str>) -> Decimal {
    let Some(value) = value else {
        return Decimal::ZERO;
    };
    let (text, percent) = match value.strip_suffix('%') {
        Some(text) => (text.trim(), true),
        None => (value, false),
    };
    match decimal(problems, line, "tax_rate", text) {
        Some(rate) if percent => rate / Decimal::ONE_HUNDRED,
        Some(rate) if rate > Decimal::ONE => {
            problems.add(
                line,
                "tax_rate",
                format!("write `{value}%` for a percentage, or a fraction such as 0.13"),
            );
            Decimal::ZERO
        }
        Some(rate) => rate,
        None => Decimal::ZERO,
    }
}

pub async fn import_invoices(
    db: &sea_orm::DatabaseConnection,
    caller: &Caller,
    source: CsvSource,
    dry_run: bool,
    request_id: &str,
) -> Result<ImportReport, AppError> {
    caller.authorize(Permission::ManageInvoices)?;
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let plan = crate::billing::plans::plan_in_force(db, tenant).await?;
    let table = match table::<InvoiceRow>(source, &INVOICE_COLUMNS).await? {
        Ok(table) => table,
        Err(problems) => return Ok(report(0, 0, dry_run, problems)),
    };
    let tx = TenantTx::begin(db, tenant).await?;
    let customers: HashMap<String, CustomerTerms> = CustomerTerms::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        "SELECT id, lower(code) AS code, currency::text AS currency, terms_kind, terms_days, archived_at IS NOT NULL AS archived FROM customers",
    ))
    .all(&*tx)
    .await?
    .into_iter()
    .map(|row| (row.code.clone(), row))
    .collect();
    let mut problems = Problems(Vec::new());
    // Invoices by number, in file order.
    let mut drafts: BTreeMap<String, Draft> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for (line, row) in &table {
        let line = *line;
        let number = row.number.as_deref().unwrap_or("");
        if !valid_number(number) {
            problems.add(
                line,
                "number",
                "use 1 to 40 letters, digits, `-`, `/`, `_` or `.`",
            );
            continue;
        }
        let code = row.customer_code.as_deref().unwrap_or("").to_lowercase();
        let Some(customer) = customers.get(&code) else {
            problems.add(
                line,
                "customer_code",
                format!("no customer has the code `{code}`; import the customers first"),
            );
            continue;
        };
        if customer.archived {
            problems.add(line, "customer_code", "the customer is archived");
        }
        let Some(issue_date) = row
            .issue_date
            .as_deref()
            .and_then(|v| date(&mut problems, line, "issue_date", v))
        else {
            if row.issue_date.as_deref().is_none() {
                problems.add(line, "issue_date", "required");
            }
            continue;
        };
        let terms = PaymentTerms::new(
            TermsKind::parse(&customer.terms_kind).unwrap_or(TermsKind::Net),
            i64::from(customer.terms_days),
        )
        .unwrap_or(PaymentTerms::net(30));
        let due_date = match row.due_date.as_deref() {
            Some(value) => date(&mut problems, line, "due_date", value).unwrap_or(issue_date),
            None => terms.due_date(issue_date),
        };
        if due_date < issue_date {
            problems.add(line, "due_date", "before the issue date");
        }
        let currency = match row
            .currency
            .as_deref()
            .unwrap_or(&customer.currency)
            .to_uppercase()
            .parse::<Currency>()
        {
            Ok(currency) => currency,
            Err(error) => {
                problems.add(line, "currency", error.to_string());
                continue;
            }
        };
        let quantity = row
            .quantity
            .as_deref()
            .and_then(|v| decimal(&mut problems, line, "quantity", v));
        let unit_price = row
            .unit_price
            .as_deref()
            .and_then(|v| decimal(&mut problems, line, "unit_price", v));
        let rate = tax_rate(&mut problems, line, row.tax_rate.as_deref());
        let (Some(quantity), Some(unit_price)) = (quantity, unit_price) else {
            for (column, cell) in [("quantity", &row.quantity), ("unit_price", &row.unit_price)] {
                if cell.is_none() {
                    problems.add(line, column, "required");
                }
            }
            continue;
        };
        let line_input = LineInput {
            description: row.description.as_deref().unwrap_or("").to_owned(),
            quantity,
            unit_price,
            tax_rate: rate,
        };
        match drafts.get_mut(number) {
            Some(draft) => {
                let external_ref = row.external_ref.as_deref().map(str::to_owned);
                if draft.customer != customer.id
                    || draft.issue_date != issue_date
                    || draft.currency != currency
                    || draft.due_date != due_date
                    || (external_ref.is_some() && external_ref != draft.external_ref)
                {
                    problems.add(
                        line,
                        "number",
                        format!(
                            "{number} has rows with different customers, dates, currencies or references (its first row is line {})",
                            draft.first_line
                        ),
                    );
                }
                draft.lines.push(line_input);
                draft.line_rows.push(line);
            }
            None => {
                order.push(number.to_owned());
                drafts.insert(
                    number.to_owned(),
                    Draft {
                        first_line: line,
                        number: number.to_owned(),
                        customer: customer.id,
                        issue_date,
                        due_date,
                        currency,
                        external_ref: row.external_ref.as_deref().map(str::to_owned),
                        lines: vec![line_input],
                        line_rows: vec![line],
                    },
                );
            }
        }
    }
    // Numbers and external references already taken.
    let numbers: Vec<String> = order.clone();
    let taken = CodeRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT number AS code FROM invoices WHERE number = ANY(SELECT json_array_elements_text($1::json))",
        [json!(numbers).into()],
    ))
    .all(&*tx)
    .await?;
    for row in taken {
        if let Some(draft) = drafts.get(&row.code) {
            problems.add(
                draft.first_line,
                "number",
                format!("invoice {} exists already", row.code),
            );
        }
    }
    // External references: unique in the file and in the company.
    let mut references: HashMap<&str, &str> = HashMap::new();
    for number in &order {
        let Some(draft) = drafts.get(number) else {
            continue;
        };
        if let Some(reference) = draft.external_ref.as_deref()
            && let Some(other) = references.insert(reference, number)
        {
            problems.add(
                draft.first_line,
                "external_ref",
                format!("{reference} is also the reference of {other}"),
            );
        }
    }
    let used = CodeRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT external_ref AS code FROM invoices WHERE external_ref = ANY(SELECT json_array_elements_text($1::json))",
        [json!(references.keys().collect::<Vec<_>>()).into()],
    ))
    .all(&*tx)
    .await?;
    for row in used {
        if let Some(number) = references.get(row.code.as_str())
            && let Some(draft) = drafts.get(*number)
        {
            problems.add(
                draft.first_line,
                "external_ref",
                format!("another invoice has the reference {} already", row.code),
            );
        }
    }
    let mut invoices = Vec::with_capacity(drafts.len());
    let mut lines = Vec::new();
    for number in &order {
        let Some(draft) = drafts.get(number) else {
            continue;
        };
        match price_lines(&draft.lines, draft.currency) {
            Ok((priced, totals)) => {
                let id = Uuid::now_v7();
                invoices.push(json!({
                    "id": id, "customer_id": draft.customer, "number": draft.number,
                    "issue_date": draft.issue_date, "due_date": draft.due_date, "currency": draft.currency.code(),
                    "subtotal": totals.subtotal.amount.to_string(), "tax_total": totals.tax.amount.to_string(),
                    "total": totals.total.amount.to_string(), "external_ref": draft.external_ref,
                }));
                for (position, line) in priced.iter().enumerate() {
                    lines.push(json!({
                        "id": Uuid::now_v7(), "invoice_id": id, "position": position,
                        "description": line.description, "quantity": line.quantity.to_string(),
                        "unit_price": line.unit_price.to_string(), "tax_rate": line.tax_rate.to_string(),
                        "net": line.net.to_string(), "tax": line.tax.to_string(), "total": line.total.to_string(),
                    }));
                }
            }
            Err(error) => {
                let column = match error.field().rsplit('.').next() {
                    Some("quantity") => "quantity",
                    Some("unitPrice") => "unit_price",
                    Some("taxRate") => "tax_rate",
                    Some("description") => "description",
                    _ => "",
                };
                let index = error
                    .field()
                    .trim_start_matches("lines[")
                    .split(']')
                    .next()
                    .and_then(|i| i.parse::<usize>().ok());
                let row = index
                    .and_then(|i| draft.line_rows.get(i))
                    .copied()
                    .unwrap_or(draft.first_line);
                problems.add(row, column, format!("invoice {number}: {error}"));
            }
        }
    }
    let rows = table.len();
    if !problems.0.is_empty() || dry_run {
        tx.rollback().await?;
        return Ok(report(rows, 0, dry_run, problems.0));
    }
    crate::billing::plans::admit_tenant(
        &tx,
        plan,
        &calendar.time_zone,
        domain::billing::Limit::InvoicesPerMonth,
        u64::try_from(order.len()).unwrap_or(u64::MAX),
    )
    .await?;
    for chunk in invoices.chunks(CHUNK) {
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO invoices (id, customer_id, number, status, issue_date, due_date, currency, subtotal, tax_total,
                                   total, balance_due, external_ref, issued_at)
             SELECT id, customer_id, number, 'ISSUED', issue_date, due_date, currency, subtotal::numeric, tax_total::numeric,
                    total::numeric, total::numeric, external_ref, now()
             FROM json_to_recordset($1::json) AS r(id uuid, customer_id uuid, number text, issue_date date, due_date date,
                  currency text, subtotal text, tax_total text, total text, external_ref text)",
            [serde_json::Value::Array(chunk.to_vec()).into()],
        ))
        .await
        .map_err(|error| {
            let text = error.to_string();
            if text.contains("invoices_external_ref_key") || text.contains("invoices_number_key") {
                AppError::conflict("number", "an invoice number or reference in the file was taken while importing; check again")
            } else {
                AppError::from(error)
            }
        })?;
    }
    for chunk in lines.chunks(CHUNK) {
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO invoice_lines (id, invoice_id, position, description, quantity, unit_price, tax_rate, net, tax, total)
             SELECT id, invoice_id, position, description, quantity::numeric, unit_price::numeric, tax_rate::numeric,
                    net::numeric, tax::numeric, total::numeric
             FROM json_to_recordset($1::json) AS r(id uuid, invoice_id uuid, position int, description text, quantity text,
                  unit_price text, tax_rate text, net text, tax text, total text)",
            [serde_json::Value::Array(chunk.to_vec()).into()],
        ))
        .await?;
    }
    let actor = audit::actor_of(db, caller).await?;
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "invoices.imported",
            entity_type: "invoice",
            entity_id: None,
            before: None,
            after: Some(json!({ "count": invoices.len(), "lines": lines.len() })),
            request_id: Some(request_id),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(report(rows, invoices.len(), false, Vec::new()))
}

#[derive(InputObject)]
pub struct ImportInput {
    /// The CSV file's text (UTF-8, header row first). Files over 1 MiB go to
    /// `POST /api/imports/{customers|invoices}` as `text/csv` instead.
    pub csv: String,
    /// Check every row and report, writing nothing.
    pub dry_run: Option<bool>,
}

#[derive(Default)]
pub struct ImportsMutation;

#[Object]
impl ImportsMutation {
    /// Imports customers from CSV: all rows or none; every problem comes back with its row and
    /// column.
    async fn import_customers(
        &self,
        ctx: &Context<'_>,
        input: ImportInput,
    ) -> ApiResult<ImportReport> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        import_customers(
            db,
            &request.caller,
            Box::new(std::io::Cursor::new(input.csv.into_bytes())),
            input.dry_run.unwrap_or(false),
            &request.request_id,
        )
        .await
        .api()
    }

    /// Imports issued invoices from CSV (one row per line): all or none, with every problem's
    /// row and column.
    async fn import_invoices(
        &self,
        ctx: &Context<'_>,
        input: ImportInput,
    ) -> ApiResult<ImportReport> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        import_invoices(
            db,
            &request.caller,
            Box::new(std::io::Cursor::new(input.csv.into_bytes())),
            input.dry_run.unwrap_or(false),
            &request.request_id,
        )
        .await
        .api()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const PATHOLOGICAL_BYTES: usize = 32 * 1024 * 1024;

    /// A 32 MiB file made as it is read, never held: `head`, then `pattern` over and over.
    /// Counts what the parser asked for.
    struct Pathological {
        head: &'static [u8],
        pattern: &'static [u8],
        offset: usize,
        handed_out: Arc<AtomicUsize>,
    }

    fn pathological(
        head: &'static [u8],
        pattern: &'static [u8],
    ) -> (Pathological, Arc<AtomicUsize>) {
        let handed_out = Arc::new(AtomicUsize::new(0));
        let reader = Pathological {
            head,
            pattern,
            offset: 0,
            handed_out: Arc::clone(&handed_out),
        };
        (reader, handed_out)
    }

    impl Read for Pathological {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(PATHOLOGICAL_BYTES - self.offset);
            for (i, byte) in buf[..n].iter_mut().enumerate() {
                let at = self.offset + i;
                *byte = match self.head.get(at) {
                    Some(byte) => *byte,
                    None => self.pattern[(at - self.head.len()) % self.pattern.len()],
                };
            }
            self.offset += n;
            self.handed_out.fetch_add(n, Ordering::Relaxed);
            Ok(n)
        }
    }

    fn only_problem(result: Result<Table<CustomerRow>, Vec<ImportProblem>>) -> ImportProblem {
        let problems = result.unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        problems.into_iter().next().unwrap()
    }

    #[test]
    fn thirty_two_mib_of_commas_stop_at_the_column_limit_in_the_first_kilobytes() {
        let (file, handed_out) = pathological(b"", b",");
        let problem = only_problem(read_table::<CustomerRow>(file, &CUSTOMER_COLUMNS));
        assert_eq!(
            (problem.row, problem.message.as_str()),
            (1, "at most 64 columns")
        );
        let read = handed_out.load(Ordering::Relaxed);
        assert!(read <= 64 * 1024, "read {read} bytes of 32 MiB");
    }

    #[test]
    fn a_thirty_two_mib_cell_stops_at_the_cell_limit_in_the_first_kilobytes() {
        let (file, handed_out) = pathological(b"code,name\nC-1,\"", b"a");
        let problem = only_problem(read_table::<CustomerRow>(file, &CUSTOMER_COLUMNS));
        assert_eq!(
            (problem.row, problem.message.as_str()),
            (2, "at most 4096 bytes in one cell")
        );
        let read = handed_out.load(Ordering::Relaxed);
        assert!(read <= 64 * 1024, "read {read} bytes of 32 MiB");
    }

    #[test]
    fn thirty_two_mib_of_rows_stop_at_the_row_limit_holding_little() {
        let (file, handed_out) = pathological(b"code,name\n", b",\n");
        let problem = only_problem(read_table::<CustomerRow>(file, &CUSTOMER_COLUMNS));
        assert_eq!(
            (problem.row, problem.message.as_str()),
            (2 + 200_000, "at most 200000 rows per file")
        );
        let read = handed_out.load(Ordering::Relaxed);
        assert!(
            read < 2 * 200_000 + 64 * 1024,
            "read {read} bytes of 32 MiB"
        );
        // What such a file makes the import hold before the limit: its rows of empty cells,
        // in a vector grown by doubling.
        let held = MAX_ROWS.next_power_of_two() * std::mem::size_of::<(usize, CustomerRow)>();
        assert!(held < 64 * 1024 * 1024, "{held} bytes");
    }

    #[test]
    fn rows_are_typed_by_header_name_and_problems_keep_their_row() {
        let text = "\u{feff}Name , CODE,currency\n Acme ,C-1,\n\nGlobex,C-2\nInitech,C-3,usd,x\n";
        let problems = read_table::<CustomerRow>(text.as_bytes(), &CUSTOMER_COLUMNS).unwrap_err();
        let rows: Vec<(i32, &str)> = problems
            .iter()
            .map(|p| (p.row, p.message.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                (4, "2 cells, but the header has 3"),
                (5, "4 cells, but the header has 3")
            ]
        );

        let text = "name,code,currency\n Acme ,C-1,\n\"Globex, Ltd\",C-2,USD\n";
        let rows = read_table::<CustomerRow>(text.as_bytes(), &CUSTOMER_COLUMNS).unwrap();
        assert_eq!(rows.len(), 2);
        let (line, acme) = &rows[0];
        assert_eq!(
            (*line, acme.name.as_deref(), acme.code.as_deref()),
            (2, Some("Acme"), Some("C-1"))
        );
        assert_eq!(acme.currency, None, "an empty cell");
        assert_eq!(acme.segment, None, "a column the file leaves out");
        assert_eq!(rows[1].1.name.as_deref(), Some("Globex, Ltd"));
    }

    #[test]
    fn a_bad_header_stops_reading_at_once() {
        let (file, handed_out) = pathological(b"code,name,code,colour\n", b"C-1,Acme,C-1,red\n");
        let problems = read_table::<CustomerRow>(file, &CUSTOMER_COLUMNS).unwrap_err();
        let columns: Vec<&str> = problems.iter().map(|p| p.column.as_str()).collect();
        assert_eq!(columns, ["code", "colour"], "{problems:?}");
        assert!(handed_out.load(Ordering::Relaxed) <= 64 * 1024);
        let problems = read_table::<InvoiceRow>("number,issue_date\n".as_bytes(), &INVOICE_COLUMNS)
            .unwrap_err();
        let missing: Vec<&str> = problems.iter().map(|p| p.column.as_str()).collect();
        assert_eq!(
            missing,
            ["customer_code", "description", "quantity", "unit_price"]
        );
    }
}
