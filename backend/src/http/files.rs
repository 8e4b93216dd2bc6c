//! REST where files are the point (DESIGN.md §6): CSV exports of customers, invoices and
//! payments with the same filters as the lists, a customer's statement as CSV, and CSV imports
//! too large for a GraphQL body. The same `Authorization: Bearer` credentials, the same
//! permissions and the same rate limits (per key, per member) as GraphQL.

use super::AppState;
use super::graphql::{key_rate_check, request_context};
use crate::auth::{Caller, RequestContext};
use crate::db::{self, TenantTx};
use crate::error::AppError;
use crate::imports::service::ImportKind;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use domain::access::Permission;
use domain::reason::{Entity, Reason};
use rust_decimal::Decimal;
use sea_orm::{DbBackend, FromQueryResult, Statement};
use serde::Deserialize;
use serde_json::json;
use std::net::SocketAddr;

/// The largest CSV upload: 100,000 invoice lines are about 10 MiB. Read as a stream, never
/// held whole.
pub const MAX_IMPORT_BODY: usize = 32 * 1024 * 1024;
/// The answer to an upload over `MAX_IMPORT_BODY`, whether it said so or not: the English text
/// of [`too_large_reason`] (a test keeps them together), which the upload's reader needs as a
/// `&'static str`.
const IMPORT_TOO_LARGE: &str = "the file is larger than 32 MiB; split it into smaller files";
/// Rows in one export, at most.
const MAX_EXPORT_ROWS: i64 = 1_000_000;

pub(super) fn error_response(error: AppError) -> Response {
    let code = error.code();
    let status = match code {
        domain::ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
        domain::ErrorCode::Forbidden => StatusCode::FORBIDDEN,
        domain::ErrorCode::NotFound => StatusCode::NOT_FOUND,
        domain::ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        domain::ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        domain::ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let (message, extensions) = error.public();
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        json!({ "errors": [{ "message": message, "extensions": extensions }] }).to_string(),
    )
        .into_response();
    if let Some(seconds) = error.retry_after() {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
    }
    response
}

/// The caller, and the 429 answer when an API key is over its rate limit.
pub(super) async fn context(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
) -> (RequestContext, Option<Response>) {
    let context = request_context(state, headers, peer).await;
    let limited = key_rate_check(state, &context.caller).await;
    (context, limited)
}

/// A query string that does not parse: the JSON error shape, naming what was wrong.
pub(super) fn bad_query(rejection: QueryRejection) -> Response {
    error_response(AppError::input(
        "query",
        Reason::FileBadQuery {
            detail: rejection.body_text(),
        },
    ))
}

fn no_such_customer() -> Response {
    error_response(AppError::refused(Reason::RecordNotFound {
        entity: Entity::Customer,
    }))
}

fn csv_response(file_name: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
pub struct StatementParams {
    from: NaiveDate,
    to: NaiveDate,
}

/// `GET /api/customers/{id}/statement.csv?from=YYYY-MM-DD&to=YYYY-MM-DD`
pub async fn statement_csv(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(customer): Path<String>,
    params: Result<Query<StatementParams>, QueryRejection>,
) -> Response {
    let Query(params) = match params {
        Ok(params) => params,
        Err(rejection) => return bad_query(rejection),
    };
    let (context, limited) = context(&state, &headers, peer).await;
    if let Some(response) = limited {
        return response;
    }
    match crate::statements::service::statement_csv(
        &state.db,
        &context.caller,
        customer.parse().ok(),
        params.from,
        params.to,
    )
    .await
    {
        Ok(Some(csv)) => csv_response(&format!("statement-{}-{}.csv", params.from, params.to), csv),
        Ok(None) => no_such_customer(),
        Err(error) => error_response(error),
    }
}

pub(super) fn pdf_response(file_name: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

/// `GET /api/customers/{id}/statement.pdf?from=YYYY-MM-DD&to=YYYY-MM-DD`
pub async fn statement_pdf(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(customer): Path<String>,
    params: Result<Query<StatementParams>, QueryRejection>,
) -> Response {
    let Query(params) = match params {
        Ok(params) => params,
        Err(rejection) => return bad_query(rejection),
    };
    let (context, limited) = context(&state, &headers, peer).await;
    if let Some(response) = limited {
        return response;
    }
    match crate::statements::service::statement_pdf(
        &state.db,
        &context.caller,
        customer.parse().ok(),
        params.from,
        params.to,
    )
    .await
    {
        Ok(Some(pdf)) => pdf_response(&format!("statement-{}-{}.pdf", params.from, params.to), pdf),
        Ok(None) => no_such_customer(),
        Err(error) => error_response(error),
    }
}

/// `GET /api/statements/{token}/statement.pdf`: the PDF of an emailed statement link, for the
/// customer who holds the link (no sign-in).
pub async fn public_statement_pdf(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Response {
    match crate::statements::service::public_statement_pdf(&state.db, &token).await {
        Ok(pdf) => pdf_response("statement.pdf", pdf),
        Err(error) => error_response(error),
    }
}

/// `GET /api/legal-cases/{id}/evidence.zip`: the statement (PDF and CSV), invoices, activity
/// log and promises of a legal case's customer.
pub async fn evidence_pack(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(case): Path<String>,
) -> Response {
    let (context, limited) = context(&state, &headers, peer).await;
    if let Some(response) = limited {
        return response;
    }
    let spool = state.config.data_dir.join("spool");
    let pack = match crate::collections::service::evidence::evidence_pack(
        &state.db,
        &state.files,
        &spool,
        &context.caller,
        &case,
    )
    .await
    {
        Ok(pack) => pack,
        Err(error) => return error_response(error),
    };
    // Opened before its folder is removed: the open file stays readable until it is sent.
    let file = match tokio::fs::File::open(&pack.zip).await {
        Ok(file) => file,
        Err(error) => return error_response(AppError::Internal(error.into())),
    };
    let length = file.metadata().await.map(|meta| meta.len()).ok();
    drop(pack.work);
    let mut response = (
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", pack.file_name),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Body::from_stream(super::upload::file_chunks(file)),
    )
        .into_response();
    if let Some(length) = length {
        response
            .headers_mut()
            .insert(header::CONTENT_LENGTH, header::HeaderValue::from(length));
    }
    response
}

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ExportParams {
    search: Option<String>,
    customer_id: Option<String>,
    status: Option<String>,
    overdue: Option<bool>,
    disputed: Option<bool>,
    on_hold: Option<bool>,
    has_overdue: Option<bool>,
    fapiao_issued: Option<bool>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

#[derive(Debug, FromQueryResult)]
struct CustomerExport {
    code: String,
    name: String,
    tax_id: Option<String>,
    currency: String,
    terms_kind: String,
    terms_days: i32,
    credit_limit: Option<Decimal>,
    credit_hold: bool,
    balance: Decimal,
    overdue: Decimal,
    segment: Option<String>,
}

#[derive(Debug, FromQueryResult)]
struct InvoiceExport {
    number: Option<String>,
    customer_code: String,
    customer_name: String,
    status: String,
    issue_date: NaiveDate,
    due_date: NaiveDate,
    currency: String,
    total: Decimal,
    amount_paid: Decimal,
    amount_credited: Decimal,
    amount_written_off: Decimal,
    balance_due: Decimal,
    external_ref: Option<String>,
    /// The standing fapiao's numbers, separated by spaces.
    fapiao_numbers: Option<String>,
}

#[derive(Debug, FromQueryResult)]
struct PaymentExport {
    received_on: NaiveDate,
    customer_code: String,
    customer_name: String,
    amount: Decimal,
    currency: String,
    method: String,
    reference: Option<String>,
    allocated: Decimal,
    reversed: bool,
}

fn like(search: &str) -> String {
    format!(
        "%{}%",
        search
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

fn money(amount: Decimal) -> String {
    amount.normalize().to_string()
}

/// `GET /api/exports/{customers|invoices|payments}.csv` with the lists' filters as query
/// parameters (`search`, `customerId`, `status`, `overdue`, `onHold`, `hasOverdue`, `from`, `to`).
pub async fn export_csv(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(what): Path<String>,
    params: Result<Query<ExportParams>, QueryRejection>,
) -> Response {
    let Query(params) = match params {
        Ok(params) => params,
        Err(rejection) => return bad_query(rejection),
    };
    let (context, limited) = context(&state, &headers, peer).await;
    if let Some(response) = limited {
        return response;
    }
    let result = match what.as_str() {
        "customers.csv" => export_customers(&state, &context.caller, params).await,
        "invoices.csv" => export_invoices(&state, &context.caller, params).await,
        "payments.csv" => export_payments(&state, &context.caller, params).await,
        _ => Err(AppError::refused(Reason::FileUnknownExport {})),
    };
    match result {
        Ok(csv) => csv_response(&what, csv),
        Err(error) => error_response(error),
    }
}

use crate::auth::assigned_only;
use crate::db::conditions::Conditions;
use domain::invoices::OPEN_STATUSES_SQL;

async fn export_customers(
    state: &AppState,
    caller: &Caller,
    params: ExportParams,
) -> Result<String, AppError> {
    let access = caller.authorize(Permission::ViewCustomers)?;
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(&state.db, tenant).await?;
    let mut conditions = Conditions::new(vec![calendar.today.into()]);
    assigned_only(caller, access, &mut conditions, "c.");
    conditions.fixed("c.archived_at IS NULL");
    if let Some(search) = params.search.as_deref().filter(|s| !s.trim().is_empty()) {
        let n = conditions.bind(like(search.trim()));
        conditions.fixed(&format!(
            "(c.name ILIKE ${n} OR c.code ILIKE ${n} OR c.tax_id ILIKE ${n})"
        ));
    }
    if let Some(on_hold) = params.on_hold {
        conditions.push("c.credit_hold = ?", on_hold);
    }
    match params.has_overdue {
        Some(true) => conditions.fixed("c.overdue > 0"),
        Some(false) => conditions.fixed("c.overdue = 0"),
        None => {}
    }
    let sql = format!(
        "SELECT c.code, c.name, c.tax_id, k.currency::text AS currency, k.terms_kind, k.terms_days, c.credit_limit,
                c.credit_hold, c.balance, c.overdue, c.segment
         FROM ({}) c JOIN customers k ON k.id = c.id
         WHERE {} ORDER BY lower(c.name), c.id LIMIT {MAX_EXPORT_ROWS}",
        crate::customers::CUSTOMERS_RANKED,
        conditions.sql()
    );
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let rows = CustomerExport::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        conditions.values,
    ))
    .all(&*tx)
    .await?;
    tx.commit().await?;
    let mut out = vec![
        [
            "code",
            "name",
            "tax_id",
            "currency",
            "payment_terms_kind",
            "payment_terms_days",
            "credit_limit",
            "credit_hold",
            "balance",
            "overdue",
            "segment",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    out.extend(rows.into_iter().map(|row| {
        vec![
            row.code,
            row.name,
            row.tax_id.unwrap_or_default(),
            row.currency,
            row.terms_kind,
            row.terms_days.to_string(),
            row.credit_limit.map(money).unwrap_or_default(),
            row.credit_hold.to_string(),
            money(row.balance),
            money(row.overdue),
            row.segment.unwrap_or_default(),
        ]
    }));
    Ok(crate::csv::write(&out))
}

async fn export_invoices(
    state: &AppState,
    caller: &Caller,
    params: ExportParams,
) -> Result<String, AppError> {
    let access = caller.authorize(Permission::ViewInvoices)?;
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(&state.db, tenant).await?;
    let mut conditions = Conditions::new(Vec::new());
    assigned_only(caller, access, &mut conditions, "c.");
    if let Some(customer) = &params.customer_id {
        let id = crate::api::values::parse_id("customerId", &async_graphql::ID(customer.clone()))?;
        conditions.push("i.customer_id = ?", id);
    }
    if let Some(status) = params.status.as_deref().filter(|s| !s.is_empty()) {
        let statuses: Vec<String> = status
            .split(',')
            .map(|status| status.trim().to_uppercase())
            .collect();
        conditions.push("i.status = ANY(?::text[])", statuses);
    }
    if params.overdue == Some(true) {
        let n = conditions.bind(calendar.today);
        conditions.fixed(&format!(
            "(i.status IN {OPEN_STATUSES_SQL} AND i.due_date < ${n})"
        ));
    }
    if params.disputed == Some(true) {
        conditions.fixed(
            "EXISTS (SELECT 1 FROM disputes d WHERE d.invoice_id = i.id AND d.status = 'OPEN')",
        );
    }
    if let Some(issued) = params.fapiao_issued {
        conditions.fixed(&crate::invoices::store::fapiao_issued_sql(issued));
    }
    if let Some(search) = params.search.as_deref().filter(|s| !s.trim().is_empty()) {
        let n = conditions.bind(like(search.trim()));
        conditions.fixed(&format!(
            "(i.number ILIKE ${n} OR c.name ILIKE ${n} OR c.code ILIKE ${n})"
        ));
    }
    if let Some(from) = params.from {
        conditions.push("i.issue_date >= ?", from);
    }
    if let Some(to) = params.to {
        conditions.push("i.issue_date <= ?", to);
    }
    let sql = format!(
        "SELECT i.number, c.code AS customer_code, c.name AS customer_name, i.status, i.issue_date, i.due_date,
                i.currency::text AS currency, i.total, i.amount_paid, i.amount_credited, i.amount_written_off,
                i.balance_due, i.external_ref,
                (SELECT string_agg(f.number, ' ' ORDER BY f.issued_on, f.number) FROM fapiaos f
                  WHERE f.invoice_id = i.id AND f.voided_at IS NULL AND f.credit_note_id IS NULL) AS fapiao_numbers
         FROM invoices i JOIN customers c ON c.id = i.customer_id
         WHERE {} ORDER BY i.issue_date, i.number LIMIT {MAX_EXPORT_ROWS}",
        conditions.sql()
    );
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let rows = InvoiceExport::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        conditions.values,
    ))
    .all(&*tx)
    .await?;
    tx.commit().await?;
    let mut out = vec![
        [
            "number",
            "customer_code",
            "customer_name",
            "status",
            "issue_date",
            "due_date",
            "currency",
            "total",
            "amount_paid",
            "amount_credited",
            "amount_written_off",
            "balance_due",
            "external_ref",
            "fapiao_numbers",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    out.extend(rows.into_iter().map(|row| {
        vec![
            row.number.unwrap_or_default(),
            row.customer_code,
            row.customer_name,
            row.status,
            row.issue_date.to_string(),
            row.due_date.to_string(),
            row.currency,
            money(row.total),
            money(row.amount_paid),
            money(row.amount_credited),
            money(row.amount_written_off),
            money(row.balance_due),
            row.external_ref.unwrap_or_default(),
            row.fapiao_numbers.unwrap_or_default(),
        ]
    }));
    Ok(crate::csv::write(&out))
}

async fn export_payments(
    state: &AppState,
    caller: &Caller,
    params: ExportParams,
) -> Result<String, AppError> {
    let access = caller.authorize(Permission::ViewPayments)?;
    let tenant = caller.require_tenant()?;
    let mut conditions = Conditions::new(Vec::new());
    assigned_only(caller, access, &mut conditions, "c.");
    if let Some(customer) = &params.customer_id {
        let id = crate::api::values::parse_id("customerId", &async_graphql::ID(customer.clone()))?;
        conditions.push("p.customer_id = ?", id);
    }
    if let Some(from) = params.from {
        conditions.push("p.received_on >= ?", from);
    }
    if let Some(to) = params.to {
        conditions.push("p.received_on <= ?", to);
    }
    let sql = format!(
        "SELECT p.received_on, c.code AS customer_code, c.name AS customer_name, p.amount, p.currency::text AS currency,
                p.method, p.reference,
                coalesce((SELECT sum(a.amount) FROM allocations a WHERE a.payment_id = p.id), 0) AS allocated,
                EXISTS (SELECT 1 FROM payment_reversals r WHERE r.payment_id = p.id) AS reversed
         FROM payments p JOIN customers c ON c.id = p.customer_id
         WHERE {} ORDER BY p.received_on, p.created_at LIMIT {MAX_EXPORT_ROWS}",
        conditions.sql()
    );
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let rows = PaymentExport::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        conditions.values,
    ))
    .all(&*tx)
    .await?;
    tx.commit().await?;
    let mut out = vec![
        [
            "received_on",
            "customer_code",
            "customer_name",
            "amount",
            "currency",
            "method",
            "reference",
            "allocated",
            "unapplied",
            "reversed",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    out.extend(rows.into_iter().map(|row| {
        let unapplied = if row.reversed {
            Decimal::ZERO
        } else {
            row.amount - row.allocated
        };
        vec![
            row.received_on.to_string(),
            row.customer_code,
            row.customer_name,
            money(row.amount),
            row.currency,
            row.method,
            row.reference.unwrap_or_default(),
            money(row.allocated),
            money(unapplied),
            row.reversed.to_string(),
        ]
    }));
    Ok(crate::csv::write(&out))
}

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ImportParams {
    dry_run: Option<bool>,
}

/// `POST /api/imports/{customers|invoices|payments}` with a `text/csv` body: the same import
/// as the GraphQL mutations, for files too large for a GraphQL request. Answers with the
/// report.
///
/// The body is never held whole: it streams into the parser on a blocking thread, which stops
/// at the first limit crossed (see `imports`). Only `LARGE_IMPORTS_AT_ONCE` run at once on a
/// replica; one more is answered 429 before its body is read.
pub async fn import_csv(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(what): Path<String>,
    params: Result<Query<ImportParams>, QueryRejection>,
    body: Body,
) -> Response {
    let Query(params) = match params {
        Ok(params) => params,
        Err(rejection) => return bad_query(rejection),
    };
    let (context, limited) = context(&state, &headers, peer).await;
    if let Some(response) = limited {
        return response;
    }
    let Some(kind) = ImportKind::from_path(&what) else {
        return error_response(AppError::refused(Reason::FileUnknownImport {}));
    };
    if let Err(error) = context.caller.authorize(kind.permission()) {
        return error_response(error);
    }
    if super::upload::declares_more_than(&headers, MAX_IMPORT_BODY as u64) {
        return too_large();
    }
    let _slot = match state.large_imports.try_start() {
        Ok(slot) => slot,
        Err(error) => return error_response(error),
    };
    let (reader, feeding) = super::upload::stream(body, MAX_IMPORT_BODY, IMPORT_TOO_LARGE);
    let dry_run = params.dry_run.unwrap_or(false);
    let read_only = context.caller.read_only_tenant();
    let importing = crate::db::tenant::read_only(
        read_only,
        crate::imports::service::import(
            kind,
            &state.db,
            &context.caller,
            Box::new(reader),
            dry_run,
            &context.request_id,
        ),
    );
    let (result, ()) = tokio::join!(importing, feeding);
    match result {
        Ok(report) => (
            if report.problems.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            },
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::to_string(&report).unwrap_or_else(|_| "{}".to_owned()),
        )
            .into_response(),
        Err(error) => error_response(error),
    }
}

/// Why an upload over `MAX_IMPORT_BODY` is refused.
fn too_large_reason() -> Reason {
    Reason::ImportFileTooLarge {
        max_mib: u32::try_from(MAX_IMPORT_BODY / (1024 * 1024)).unwrap_or(u32::MAX),
    }
}

/// A body that says, before it is read, that it is over `MAX_IMPORT_BODY`: 413, with the
/// error shape of the other answers (`VALIDATION` on `body`).
fn too_large() -> Response {
    let (message, extensions) = AppError::input("body", too_large_reason()).public();
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        [(header::CONTENT_TYPE, "application/json")],
        json!({ "errors": [{ "message": message, "extensions": extensions }] }).to_string(),
    )
        .into_response()
}

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AgingParams {
    as_of: Option<NaiveDate>,
    group_by: Option<String>,
    basis: Option<String>,
    currency: Option<String>,
}

/// `GET /api/reports/aging.csv` and `/api/reports/aging.pdf`, with the `agingReport` arguments
/// as query parameters (`asOf=YYYY-MM-DD&groupBy=CUSTOMER&basis=DUE_DATE&currency=CNY`).
pub async fn aging_report(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(file): Path<String>,
    params: Result<Query<AgingParams>, QueryRejection>,
) -> Response {
    if !matches!(file.as_str(), "aging.csv" | "aging.pdf") {
        return error_response(AppError::refused(Reason::FileUnknownReport {}));
    }
    let Query(params) = match params {
        Ok(params) => params,
        Err(rejection) => return bad_query(rejection),
    };
    let (context, limited) = context(&state, &headers, peer).await;
    if let Some(response) = limited {
        return response;
    }
    let result = async {
        let (group_by, basis) = crate::analytics::aging_export::parse_choices(
            params.group_by.as_deref(),
            params.basis.as_deref(),
        )?;
        let report = crate::analytics::service::aging::report(
            &state.db,
            &context.caller,
            params.as_of,
            group_by,
            params.currency,
            basis,
            None,
        )
        .await?;
        let name = format!("aging-{}", report.as_of);
        match file.as_str() {
            "aging.csv" => Ok(csv_response(
                &format!("{name}.csv"),
                crate::analytics::aging_export::csv(&report),
            )),
            "aging.pdf" => {
                let tenant = context.caller.require_tenant()?;
                let company = db::tenant_calendar(&state.db, tenant).await?.name;
                let locale = crate::statements::service::company_locale(&state.db, tenant).await?;
                let pdf = crate::pdf::render_off_thread(move || {
                    crate::analytics::aging_export::pdf(&report, &company, locale)
                })
                .await?;
                Ok(pdf_response(&format!("{name}.pdf"), pdf))
            }
            _ => Err(AppError::refused(Reason::RecordNotFound {
                entity: Entity::Report,
            })),
        }
    }
    .await;
    result.unwrap_or_else(error_response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Locale;
    use domain::messages::Localized;

    async fn body_of(response: Response) -> serde_json::Value {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[test]
    fn the_uploads_words_for_a_file_too_large_are_its_reasons_text() {
        assert_eq!(too_large_reason().text(Locale::En), IMPORT_TOO_LARGE);
        assert_eq!(
            crate::imports::errors::unreadable(IMPORT_TOO_LARGE),
            too_large_reason()
        );
    }

    #[tokio::test]
    async fn a_file_too_large_is_answered_413_with_its_reason_on_the_body() {
        let response = too_large();
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let body = body_of(response).await;
        let error = &body["errors"][0];
        assert_eq!(error["message"], IMPORT_TOO_LARGE);
        assert_eq!(error["extensions"]["code"], "VALIDATION");
        assert_eq!(error["extensions"]["field"], "body");
        assert_eq!(error["extensions"]["reason"], "IMPORT_FILE_TOO_LARGE");
        assert_eq!(error["extensions"]["params"]["maxMib"], 32);
    }

    /// The file routes' own refusals: status, code, reason, and the text clients read before.
    #[tokio::test]
    async fn the_file_routes_refusals_keep_their_status_code_and_text() {
        let cases = [
            (
                AppError::refused(Reason::FileUnknownExport {}),
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                "FILE_UNKNOWN_EXPORT",
                "Exports are customers.csv, invoices.csv and payments.csv.",
            ),
            (
                AppError::refused(Reason::FileUnknownImport {}),
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                "FILE_UNKNOWN_IMPORT",
                "Imports are customers, invoices and payments.",
            ),
            (
                AppError::refused(Reason::FileUnknownReport {}),
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                "FILE_UNKNOWN_REPORT",
                "No such report: aging.csv or aging.pdf.",
            ),
            (
                AppError::input(
                    "query",
                    Reason::FileBadQuery {
                        detail: "Failed to deserialize query string: from: premature end of input"
                            .to_owned(),
                    },
                ),
                StatusCode::UNPROCESSABLE_ENTITY,
                "VALIDATION",
                "FILE_BAD_QUERY",
                "Failed to deserialize query string: from: premature end of input; \
                 dates are YYYY-MM-DD, flags true or false",
            ),
        ];
        for (error, status, code, reason, message) in cases {
            let response = error_response(error);
            assert_eq!(response.status(), status, "{reason}");
            let body = body_of(response).await;
            let error = &body["errors"][0];
            assert_eq!(error["message"], message, "{reason}");
            assert_eq!(error["extensions"]["code"], code, "{reason}");
            assert_eq!(error["extensions"]["reason"], reason, "{reason}");
            assert!(error["extensions"]["params"].is_object(), "{reason}");
        }
        let response = no_such_customer();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let body = body_of(response).await;
        assert_eq!(body["errors"][0]["message"], "No such customer.");
        assert_eq!(
            body["errors"][0]["extensions"]["params"]["entity"],
            "CUSTOMER"
        );
    }
}
