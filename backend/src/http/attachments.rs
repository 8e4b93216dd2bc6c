//! Attachments' bytes: `POST /api/attachments?ownerType=…&ownerId=…&fileName=…` with the raw
//! file as the body, and `GET /api/attachments/{id}`. The same credentials, permissions and
//! rate limits as GraphQL. An upload is checked before its body is read, spooled to disk as it
//! arrives (never held whole), judged on its bytes and only then stored.

use super::AppState;
use super::files::{bad_query, context, error_response};
use crate::attachments::service::{self, Upload};
use crate::attachments::storage::SpoolFile;
use crate::attachments::store::AttachmentRow;
use crate::error::AppError;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::attachments::{AttachmentOwner, MAX_ATTACHMENT_BYTES};
use domain::reason::Reason;
use serde::Deserialize;
use std::io::Read;
use std::net::SocketAddr;

/// The reader's words for a body over the limit, told apart from a cut-short upload.
const TOO_LARGE: &str = "the file is larger than 20 MiB";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadParams {
    owner_type: AttachmentOwner,
    owner_id: String,
    file_name: String,
}

/// `POST /api/attachments`: 201 with the attachment as JSON.
pub async fn upload(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    params: Result<Query<UploadParams>, QueryRejection>,
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
    let upload = match checked(&params) {
        Ok(upload) => upload,
        Err(error) => return error_response(error),
    };
    if super::upload::declares_more_than(&headers, MAX_ATTACHMENT_BYTES) {
        return error_response(service::too_large());
    }
    let caller = &context.caller;
    if let Err(error) = service::check_upload(&state.db, caller, &upload).await {
        return error_response(error);
    }
    let spooled = match SpoolFile::in_spool(&state.config.data_dir.join("spool")) {
        Ok(spooled) => spooled,
        Err(error) => return error_response(AppError::Internal(error.into())),
    };
    let spooled = match spool(body, spooled).await {
        Ok(spooled) => spooled,
        Err(error) => return error_response(error),
    };
    match service::attach(
        &state.db,
        &state.files,
        caller,
        upload,
        spooled,
        &context.request_id,
    )
    .await
    {
        Ok(row) => (
            StatusCode::CREATED,
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::json!({ "attachment": summary(&row) }).to_string(),
        )
            .into_response(),
        Err(error) => error_response(error),
    }
}

fn checked(params: &UploadParams) -> Result<Upload, AppError> {
    let owner_id = params.owner_id.parse().map_err(|_| {
        AppError::input(
            "ownerId",
            Reason::NotAnId {
                value: params.owner_id.clone(),
            },
        )
    })?;
    Ok(Upload {
        owner: params.owner_type,
        owner_id,
        file_name: service::checked_file_name(&params.file_name)?,
    })
}

/// Writes the body to the spool file as it arrives, on a blocking thread, refusing more than
/// 20 MiB. The blocking work owns the file while it writes: dropped with the request, it is
/// still removed.
async fn spool(body: Body, spooled: SpoolFile) -> Result<SpoolFile, AppError> {
    let max = usize::try_from(MAX_ATTACHMENT_BYTES).unwrap_or(usize::MAX);
    let (reader, feeding) = super::upload::stream(body, max, TOO_LARGE);
    let writing = tokio::task::spawn_blocking(move || {
        let written = std::fs::File::create(spooled.path()).and_then(|mut file| {
            std::io::copy(&mut reader.take(MAX_ATTACHMENT_BYTES + 1), &mut file)?;
            file.sync_data()
        });
        written.map(|()| spooled)
    });
    let (written, ()) = tokio::join!(writing, feeding);
    match written.map_err(|error| AppError::Internal(error.into()))? {
        Ok(spooled) => Ok(spooled),
        Err(error) if error.to_string() == TOO_LARGE => Err(service::too_large()),
        Err(error)
            if error.kind() == std::io::ErrorKind::Other
                || error.kind() == std::io::ErrorKind::UnexpectedEof =>
        {
            Err(AppError::input("body", Reason::AttachmentUploadCutShort {}))
        }
        Err(error) => Err(AppError::Internal(error.into())),
    }
}

/// The attachment as the upload answers it (the GraphQL `Attachment`'s names).
fn summary(row: &AttachmentRow) -> serde_json::Value {
    serde_json::json!({
        "id": row.id.to_string(),
        "ownerType": row.owner_type.as_str(),
        "ownerId": row.owner_id.to_string(),
        "fileName": row.file_name,
        "kind": row.kind.as_str(),
        "mediaType": row.kind.media_type(),
        "sizeBytes": row.size_bytes,
        "sha256": row.sha256,
        "metadataRemoved": row.metadata_removed,
        "previewable": row.kind.previews(),
        "downloadPath": format!("/api/attachments/{}", row.id),
        "uploadedBy": row.uploaded_by,
        "uploadedAt": row.uploaded_at.to_rfc3339(),
    })
}

/// `GET /api/attachments/{id}`: the file as stored, streamed, never shown as a page: always
/// `attachment`, `nosniff` and a sandbox policy, with the type Duely found in its bytes.
pub async fn download(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let (context, limited) = context(&state, &headers, peer).await;
    if let Some(response) = limited {
        return response;
    }
    let row = match service::for_download(&state.db, &context.caller, id.parse().ok()).await {
        Ok(row) => row,
        Err(error) => return error_response(error),
    };
    let stored = match state.files.open(&row.storage_key).await {
        Ok(stored) => stored,
        Err(error) => return error_response(AppError::Internal(error)),
    };
    let mut response = Body::from_stream(stored.into_stream()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(row.kind.media_type()),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(row.size_bytes));
    if let Ok(disposition) = HeaderValue::from_str(&content_disposition(&row.file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

/// `attachment` with an ASCII fallback name and the real one in RFC 5987 form (Chinese names
/// survive).
pub fn content_disposition(file_name: &str) -> String {
    let fallback: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::with_capacity(file_name.len() * 3);
    for byte in file_name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::content_disposition;

    #[test]
    fn chinese_names_keep_their_characters_in_the_encoded_form() {
        assert_eq!(
            content_disposition("签收单 2026.jpg"),
            "attachment; filename=\"___ 2026.jpg\"; filename*=UTF-8''%E7%AD%BE%E6%94%B6%E5%8D%95%202026.jpg"
        );
    }
}
