//! The imports' API: `importCustomers` and `importInvoices`, with the CSV in the input.

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
    /// Customers or invoices written; 0 when there were problems or it was a dry run.
    pub imported: i32,
    pub dry_run: bool,
    pub problems: Vec<ImportProblem>,
}

impl From<service::ImportReport> for ImportReport {
    fn from(report: service::ImportReport) -> Self {
        ImportReport {
            rows: report.rows,
            imported: report.imported,
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
}
