//! Documents as files: `GET /api/invoices/{id}.pdf` and `GET /api/letters/{id}.pdf`, with
//! the same credentials, permissions and rate limits as GraphQL.

use super::AppState;
use super::files::{context, error_response, pdf_response};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use domain::reason::{Entity, Reason};
use std::net::SocketAddr;

/// Which document a route serves.
#[derive(Clone, Copy)]
enum Document {
    Invoice,
    Letter,
}

/// The router cannot match a parameter with a suffix, so a route takes the whole segment and
/// wants `{id}.pdf`; anything else is not found.
async fn serve(
    state: AppState,
    peer: SocketAddr,
    headers: HeaderMap,
    file: String,
    document: Document,
) -> Response {
    let entity = match document {
        Document::Invoice => Entity::Invoice,
        Document::Letter => Entity::Letter,
    };
    let Some(id) = file.strip_suffix(".pdf") else {
        return error_response(crate::error::AppError::refused(Reason::RecordNotFound {
            entity,
        }));
    };
    let (context, limited) = context(&state, &headers, peer).await;
    if let Some(response) = limited {
        return response;
    }
    let (db, caller, id) = (&state.db, &context.caller, id.parse().ok());
    let rendered = match document {
        Document::Invoice => crate::invoices::service::invoice_pdf(db, caller, id).await,
        Document::Letter => crate::collections::service::letters::letter_pdf(db, caller, id).await,
    };
    match rendered {
        Ok((file_name, pdf)) => pdf_response(&file_name, pdf),
        Err(error) => error_response(error),
    }
}

/// `GET /api/invoices/{id}.pdf`: the invoice as its customer receives it.
pub async fn invoice_pdf(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Response {
    serve(state, peer, headers, file, Document::Invoice).await
}

/// `GET /api/letters/{id}.pdf`: a letter on the company's letterhead, for printing.
pub async fn letter_pdf(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Response {
    serve(state, peer, headers, file, Document::Letter).await
}
