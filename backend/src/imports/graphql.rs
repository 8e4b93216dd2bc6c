//! The imports' API: `importCustomers`, `importInvoices` and `importPayments`, with the CSV in
//! the input.

use super::service;
use crate::api::context::{request, services};
use crate::error::{ApiResult, IntoApi};
use async_graphql::{Context, InputObject, Object, SimpleObject};

#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    /// The line of the file (the header is line 1).
    pub row: i32,
    /// The column's header name, or empty for a problem with the whole row.
    pub column: String,
    pub message: String,
}

#[derive(SimpleObject, Debug, Clone)]
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

impl From<service::ImportReport> for ImportReport {
    fn from(report: service::ImportReport) -> Self {
        ImportReport {
            rows: report.rows,
            imported: report.imported,
            skipped: report.skipped,
            dry_run: report.dry_run,
            problems: report
                .problems
                .into_iter()
                .map(|problem| ImportProblem {
                    row: problem.row,
                    column: problem.column,
                    message: problem.message,
                })
                .collect(),
        }
    }
}

#[derive(InputObject)]
pub struct ImportInput {
    /// The CSV file's text (UTF-8, header row first). Files over 1 MiB go to
    /// `POST /api/imports/{customers|invoices|payments}` as `text/csv` instead.
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
        service::import_customers(
            db,
            &request.caller,
            Box::new(std::io::Cursor::new(input.csv.into_bytes())),
            input.dry_run.unwrap_or(false),
            &request.request_id,
        )
        .await
        .map(ImportReport::from)
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
        service::import_invoices(
            db,
            &request.caller,
            Box::new(std::io::Cursor::new(input.csv.into_bytes())),
            input.dry_run.unwrap_or(false),
            &request.request_id,
        )
        .await
        .map(ImportReport::from)
        .api()
    }

    /// Imports received payments from CSV, one row per allocation, the rows of one payment
    /// sharing its `external_id`: all or none, with every problem's row and column. A payment
    /// whose `external_id` is recorded already is skipped (`skipped`); one without
    /// `invoice_number` rows goes to the oldest due invoices first, as `recordPayment` does.
    async fn import_payments(
        &self,
        ctx: &Context<'_>,
        input: ImportInput,
    ) -> ApiResult<ImportReport> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        service::import_payments(
            db,
            &request.caller,
            Box::new(std::io::Cursor::new(input.csv.into_bytes())),
            input.dry_run.unwrap_or(false),
            &request.request_id,
        )
        .await
        .map(ImportReport::from)
        .api()
    }
}
