//! `POST /api/bank-statements?bankAccountId=…&format=CSV|XLS|XLSX|CAMT053|MT940&dryRun=…` with
//! the statement file as the body (the format sniffed when not given): the import's JSON,
//! `BankStatementImport`'s fields; 422 with its `problems` when the file is refused (nothing is
//! written). The body streams to a blocking reader that stops at 20 MiB.

use super::AppState;
use super::files::{bad_query, context, error_response};
use crate::banking::service::import::{self, ImportRequest, MAX_STATEMENT_BYTES, import_json};
use crate::error::AppError;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::access::Permission;
use domain::cash::StatementFormat;
use domain::reason::{Entity, Reason};
use serde::Deserialize;
use std::net::SocketAddr;

/// The upload reader's words for a body over the limit (the reason's English text).
const TOO_LARGE: &str = "the file is larger than 20 MiB; split it into smaller files";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatementParams {
    bank_account_id: String,
    format: Option<String>,
    dry_run: Option<bool>,
}

pub async fn import_statement(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    params: Result<Query<StatementParams>, QueryRejection>,
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
    if let Err(error) = context.caller.authorize(Permission::ManagePayments) {
        return error_response(error);
    }
    let Ok(bank_account_id) = params.bank_account_id.parse() else {
        return error_response(AppError::refused(Reason::RecordNotFound {
            entity: Entity::BankAccount,
        }));
    };
    let format = match params.format.as_deref().map(str::to_uppercase) {
        None => None,
        Some(name) => match StatementFormat::parse(&name) {
            Some(format) => Some(format),
            None => {
                return error_response(AppError::input(
                    "format",
                    Reason::NotOneOf {
                        allowed: StatementFormat::ALL
                            .iter()
                            .map(|f| f.as_str().to_owned())
                            .collect(),
                    },
                ));
            }
        },
    };
    if super::upload::declares_more_than(&headers, MAX_STATEMENT_BYTES as u64) {
        let error = AppError::input(
            "body",
            Reason::ImportFileTooLarge {
                max_mib: (MAX_STATEMENT_BYTES / (1024 * 1024)) as u32,
            },
        );
        let mut response = error_response(error);
        *response.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
        return response;
    }
    let _slot = match state.large_imports.try_start() {
        Ok(slot) => slot,
        Err(error) => return error_response(error),
    };
    let (reader, feeding) = super::upload::stream(body, MAX_STATEMENT_BYTES, TOO_LARGE);
    let request = ImportRequest {
        bank_account_id,
        format,
        dry_run: params.dry_run.unwrap_or(false),
    };
    let importing = crate::db::tenant::read_only(
        context.caller.read_only_tenant(),
        import::import_statement(
            &state.db,
            &context.caller,
            request,
            Box::new(reader),
            &context.request_id,
        ),
    );
    let (result, ()) = tokio::join!(importing, feeding);
    match result {
        Ok(outcome) => {
            let status = if outcome.problems.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            (
                status,
                [(header::CONTENT_TYPE, "application/json")],
                import_json(outcome).to_string(),
            )
                .into_response()
        }
        Err(error) => error_response(error),
    }
}
