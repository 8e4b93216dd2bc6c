//! Running an import: the kinds, who may, the limits, and the report with every problem's row
//! and column. `table` reads a file into typed rows; `customers`, `invoices` and `payments`
//! check the rows and write them.

mod customers;
mod invoices;
mod payments;
mod table;

pub use customers::import_customers;
pub use invoices::import_invoices;
pub use payments::import_payments;

use crate::auth::Caller;
use crate::error::AppError;
use crate::imports::ImportError;
use chrono::NaiveDate;
use domain::Locale;
use domain::access::Permission;
use domain::messages::Localized;
use domain::reason::Reason;
use rust_decimal::Decimal;
use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

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

/// A problem with the file, at its line and column (the GraphQL `ImportProblem`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportProblem {
    /// The line of the file (the header is line 1).
    pub row: i32,
    /// The column's header name, or empty for a problem with the whole row.
    pub column: String,
    /// The reason's English text (for a problem of an invoice's lines, after the invoice's
    /// number).
    pub message: String,
    /// Why. Not sent yet: the report's shape (GraphQL and REST) stays `row, column, message`.
    #[serde(skip)]
    pub reason: Reason,
}

/// What an import did (the GraphQL `ImportReport`, and the REST route's answer).
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// Rows in the file (without the header).
    pub rows: i32,
    /// Customers, invoices or payments written; 0 when there were problems or it was a dry run.
    pub imported: i32,
    /// Records of the file the company has already, left as they are: payments whose
    /// `external_id` is recorded. Counted in a dry run too; 0 for customers and invoices.
    pub skipped: i32,
    pub dry_run: bool,
    pub problems: Vec<ImportProblem>,
}

struct Problems(Vec<ImportProblem>);

impl Problems {
    fn is_full(&self) -> bool {
        self.0.len() >= MAX_ERRORS
    }

    fn add(&mut self, row: usize, column: &str, reason: Reason) {
        let message = reason.text(Locale::En);
        self.push(row, column, reason, message);
    }

    /// A problem of invoice `number`'s lines: the message names the invoice, since the rows
    /// of many invoices are checked together.
    fn add_for_invoice(&mut self, row: usize, column: &str, number: &str, reason: Reason) {
        let message = format!("invoice {number}: {}", reason.text(Locale::En));
        self.push(row, column, reason, message);
    }

    fn push(&mut self, row: usize, column: &str, reason: Reason, message: String) {
        if self.0.len() < MAX_ERRORS {
            self.0.push(ImportProblem {
                row: i32::try_from(row).unwrap_or(i32::MAX),
                column: column.to_owned(),
                message,
                reason,
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
    Payments,
}

impl ImportKind {
    /// From the REST path: `customers`, `invoices` or `payments`.
    pub fn from_path(path: &str) -> Option<Self> {
        match path {
            "customers" => Some(ImportKind::Customers),
            "invoices" => Some(ImportKind::Invoices),
            "payments" => Some(ImportKind::Payments),
            _ => None,
        }
    }

    /// What the caller needs, checked again by the import itself; asked first so an upload
    /// that would be refused is never read.
    pub fn permission(self) -> Permission {
        match self {
            ImportKind::Customers => Permission::ManageCustomers,
            ImportKind::Invoices => Permission::ManageInvoices,
            ImportKind::Payments => Permission::ManagePayments,
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
        ImportKind::Payments => import_payments(db, caller, source, dry_run, request_id).await,
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
            AppError::from(ImportError::Busy {
                running: self.at_once,
                retry_after: BUSY_RETRY_SECS,
            })
        })
    }
}

fn decimal(problems: &mut Problems, line: usize, column: &str, value: &str) -> Option<Decimal> {
    let parsed = Decimal::from_str_exact(&value.replace(',', ""));
    if parsed.is_err() {
        problems.add(
            line,
            column,
            Reason::NotANumber {
                value: value.to_owned(),
            },
        );
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
            Reason::ImportNotADate {
                value: value.to_owned(),
            },
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
        skipped: 0,
        dry_run,
        problems,
    }
}

/// A cell as read: `None` when empty (after trimming). A boxed `str` is two words, not three:
/// a file at `MAX_ROWS` of empty cells keeps its rows in a few tens of megabytes.
type Cell = Option<Box<str>>;
