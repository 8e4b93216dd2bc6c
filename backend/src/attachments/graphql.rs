//! `attachments(ownerType ownerId)` and `deleteAttachment`; files go up and come down over REST
//! (`POST /api/attachments`, `GET /api/attachments/{id}`), where bytes are the point.

use super::service::{self, DeleteAttachment};
use super::store::AttachmentRow;
use crate::api::command;
use crate::api::context::{request, services};
use crate::api::values::parse_id;
use crate::error::{ApiResult, IntoApi};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use domain::attachments::{AttachmentOwner, FileKind};

/// A file kept with a record: a contract, an order, a signed delivery note, a bank voucher, a
/// photo from a visit.
#[derive(SimpleObject)]
pub struct Attachment {
    pub id: ID,
    pub owner_type: AttachmentOwner,
    pub owner_id: ID,
    pub customer_id: ID,
    /// The name it was uploaded under (its last path part, without quotes or control
    /// characters).
    pub file_name: String,
    /// What the bytes are, whatever the name says.
    pub kind: FileKind,
    pub media_type: String,
    pub size_bytes: i32,
    /// SHA-256 of the stored bytes, in hex: what a court can check a copy against.
    pub sha256: String,
    /// A photo's metadata (where its location hides) was taken out before it was stored.
    pub metadata_removed: bool,
    /// Whether a browser can show it (images and PDFs).
    pub previewable: bool,
    /// Where to download it, with the same credentials: `/api/attachments/{id}`.
    pub download_path: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub deleted_by: Option<String>,
    pub delete_reason: Option<String>,
}

impl From<AttachmentRow> for Attachment {
    fn from(row: AttachmentRow) -> Self {
        Attachment {
            id: ID(row.id.to_string()),
            owner_type: row.owner_type,
            owner_id: ID(row.owner_id.to_string()),
            customer_id: ID(row.customer_id.to_string()),
            file_name: row.file_name,
            kind: row.kind,
            media_type: row.kind.media_type().to_owned(),
            size_bytes: i32::try_from(row.size_bytes).unwrap_or(i32::MAX),
            sha256: row.sha256,
            metadata_removed: row.metadata_removed,
            previewable: row.kind.previews(),
            download_path: format!("/api/attachments/{}", row.id),
            uploaded_by: row.uploaded_by,
            uploaded_at: row.uploaded_at,
            deleted_at: row.deleted_at,
            deleted_by: row.deleted_by,
            delete_reason: row.delete_reason,
        }
    }
}

#[derive(Default)]
pub struct AttachmentsQuery;

#[Object]
impl AttachmentsQuery {
    /// A record's files, oldest first (at most 100 a record), for whoever may see the record.
    /// Deleted files are kept and listed only with `includeDeleted`.
    async fn attachments(
        &self,
        ctx: &Context<'_>,
        owner_type: AttachmentOwner,
        owner_id: ID,
        #[graphql(default = false)] include_deleted: bool,
    ) -> ApiResult<Vec<Attachment>> {
        let (_, db) = services(ctx)?;
        let owner_id = parse_id("ownerId", &owner_id).api()?;
        service::attachments(
            db,
            &request(ctx)?.caller,
            owner_type,
            owner_id,
            include_deleted,
        )
        .await
        .map(|rows| rows.into_iter().map(Attachment::from).collect())
        .api()
    }
}

#[derive(InputObject)]
pub struct DeleteAttachmentInput {
    pub attachment_id: ID,
    /// Why, for the audit log: up to 500 characters.
    pub reason: String,
}

#[derive(SimpleObject)]
pub struct DeleteAttachmentPayload {
    pub attachment: Attachment,
}

#[derive(Default)]
pub struct AttachmentsMutation;

#[Object]
impl AttachmentsMutation {
    /// Deletes a file from its record: it is kept, marked deleted with the reason, no longer
    /// listed or served, and the deletion is audited. Whoever may attach to the record may
    /// delete from it.
    async fn delete_attachment(
        &self,
        ctx: &Context<'_>,
        input: DeleteAttachmentInput,
    ) -> ApiResult<DeleteAttachmentPayload> {
        let attachment_id = parse_id("input.attachmentId", &input.attachment_id).api()?;
        let row = command!(
            ctx,
            service::delete_attachment,
            DeleteAttachment {
                attachment_id,
                reason: input.reason,
            }
        );
        Ok(DeleteAttachmentPayload {
            attachment: row.into(),
        })
    }
}
