//! Documents as files: `GET /api/invoices/{id}.pdf`, with the same credentials, permissions
//! and rate limits as GraphQL.

use super::AppState;
use super::files::{context, error_response, pdf_response};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use domain::reason::{Entity, Reason};
use std::net::SocketAddr;

/// `GET /api/invoices/{id}.pdf`: the invoice as its customer receives it. The router cannot
/// match a parameter with a suffix, so the handler takes the whole segment and wants `.pdf`.
pub async fn invoice_pdf(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Response {
    let Some(id) = file.strip_suffix(".pdf") else {
        return error_response(crate::error::AppError::refused(Reason::RecordNotFound {
            entity: Entity::Invoice,
        }));
    };
    let (context, limited) = context(&state, &headers, peer).await;
    if let Some(response) = limited {
        return response;
    }
    match crate::invoices::service::invoice_pdf(&state.db, &context.caller, id.parse().ok()).await {
        Ok((file_name, pdf)) => pdf_response(&file_name, pdf),
        Err(error) => error_response(error),
    }
}
