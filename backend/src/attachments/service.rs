//! Attaching files to records, listing them, deleting them (kept, marked) and opening them for
//! download, each authorised like the record the file belongs to: a member who sees only their
//! assigned customers sees and adds only those customers' files.

use super::inspect::{self, Inspected, Refused};
use super::storage::{FileStore, SpoolFile};
use super::store::{self, AttachmentRow, NewAttachment};
use crate::api::values::required_text;
use crate::audit::{self, Actor, AuditEntry};
use crate::auth::{Caller, visible_to};
use crate::customers;
use crate::db::{self, TenantTx};
use crate::error::AppError;
use domain::access::Access;
use domain::attachments::{
    ATTACHING_PERMISSIONS, AttachmentOwner, FileNameRefused, MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS_PER_RECORD, MAX_DELETE_REASON, MAX_FILE_NAME, file_name, named_for,
};
use domain::reason::{Entity, Reason};
use sea_orm::DatabaseConnection;
use std::path::PathBuf;
use tokio::sync::Semaphore;
use uuid::Uuid;

/// Uploads inspected and stored at once on this server: a photo is read whole (at most 20 MiB)
/// to rewrite it, and an S3 upload buffers a part (8 MiB), so a few bound the memory uploads
/// take; the rest wait their turn.
static STORING_AT_ONCE: Semaphore = Semaphore::const_new(4);

/// The record's kind as errors name it.
pub fn entity(owner: AttachmentOwner) -> Entity {
    match owner {
        AttachmentOwner::Customer => Entity::Customer,
        AttachmentOwner::Invoice => Entity::Invoice,
        AttachmentOwner::Payment => Entity::Payment,
        AttachmentOwner::Activity => Entity::Activity,
        AttachmentOwner::LegalCase => Entity::LegalCase,
        AttachmentOwner::Dispute => Entity::Dispute,
    }
}

fn not_found(entity: Entity) -> AppError {
    AppError::refused(Reason::RecordNotFound { entity })
}

/// A file whose record the caller may not reach is, to them, a file that does not exist; any
/// other failure (the database) stays what it is.
fn hidden(error: AppError) -> AppError {
    match error.reason() {
        Some(Reason::RecordNotFound { .. }) => not_found(Entity::Attachment),
        _ => error,
    }
}

/// The first of `permissions` the caller has, and how far it reaches.
fn authorize(
    caller: &Caller,
    permissions: &[domain::access::Permission],
) -> Result<Access, AppError> {
    let mut refusal = None;
    for permission in permissions {
        match caller.authorize(*permission) {
            Ok(access) => return Ok(access),
            Err(error) => refusal = refusal.or(Some(error)),
        }
    }
    Err(refusal.unwrap_or_else(|| caller.unauthenticated()))
}

/// The customer of a record the caller may reach with `access`; not found otherwise.
async fn visible_owner(
    tx: &TenantTx,
    caller: &Caller,
    access: Access,
    today: chrono::NaiveDate,
    owner: AttachmentOwner,
    owner_id: Uuid,
) -> Result<Uuid, AppError> {
    let customer_id = store::owner_customer(&**tx, owner, owner_id)
        .await?
        .ok_or_else(|| not_found(entity(owner)))?;
    if access != Access::All {
        let visible = customers::load_customer(&**tx, today, customer_id)
            .await?
            .is_some_and(|row| visible_to(caller, access, &row));
        if !visible {
            return Err(not_found(entity(owner)));
        }
    }
    Ok(customer_id)
}

/// A file to attach, as the upload names it.
#[derive(Debug, Clone)]
pub struct Upload {
    pub owner: AttachmentOwner,
    pub owner_id: Uuid,
    /// Already made safe by [`checked_file_name`].
    pub file_name: String,
}

/// The name a file is kept under, or the refusal naming the `fileName` parameter.
pub fn checked_file_name(typed: &str) -> Result<String, AppError> {
    file_name(typed).map_err(|refused| {
        let max = u32::try_from(MAX_FILE_NAME).unwrap_or(u32::MAX);
        AppError::input(
            "fileName",
            match refused {
                FileNameRefused::Empty => Reason::Required {},
                FileNameRefused::TooLong => Reason::TextLength {
                    min: Some(1),
                    max: Some(max),
                },
            },
        )
    })
}

pub fn too_large() -> AppError {
    AppError::input(
        "body",
        Reason::AttachmentTooLarge {
            max_mib: u32::try_from(MAX_ATTACHMENT_BYTES / (1024 * 1024)).unwrap_or(u32::MAX),
        },
    )
}

/// Refuses a file for a record holding [`MAX_ATTACHMENTS_PER_RECORD`] already, counted under
/// the record's lock (checked before the body is read, and again where the file is recorded).
async fn has_room(tx: &TenantTx, upload: &Upload) -> Result<(), AppError> {
    let held = store::count_locked(&**tx, upload.owner, upload.owner_id).await?;
    if held >= i64::try_from(MAX_ATTACHMENTS_PER_RECORD).unwrap_or(i64::MAX) {
        return Err(AppError::refused(Reason::AttachmentTooMany {
            max: u32::try_from(MAX_ATTACHMENTS_PER_RECORD).unwrap_or(u32::MAX),
        }));
    }
    Ok(())
}

/// Everything that can be checked before the body is read: the caller may attach to this
/// record, the company can change, and the record has room. Nothing is read or stored when it
/// refuses.
pub async fn check_upload(
    db: &DatabaseConnection,
    caller: &Caller,
    upload: &Upload,
) -> Result<(), AppError> {
    let access = authorize(caller, upload.owner.attach_permissions())?;
    let tenant = caller.require_tenant()?;
    if caller.read_only_tenant().is_some() {
        return Err(AppError::read_only());
    }
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    visible_owner(
        &tx,
        caller,
        access,
        calendar.today,
        upload.owner,
        upload.owner_id,
    )
    .await?;
    has_room(&tx, upload).await?;
    tx.commit().await?;
    Ok(())
}

/// Inspects the spooled file (off the async threads), stores it under the company's prefix and
/// records it, audited, in one transaction. This runs to its end even when the request is
/// dropped (a timeout, a closed connection), so a stored file is always either recorded or
/// removed again; the spooled file goes when it is done.
pub async fn attach(
    db: &DatabaseConnection,
    files: &FileStore,
    caller: &Caller,
    upload: Upload,
    spooled: SpoolFile,
    request_id: &str,
) -> Result<AttachmentRow, AppError> {
    let access = authorize(caller, upload.owner.attach_permissions())?;
    let tenant = caller.require_tenant()?;
    let (db, files, caller, request_id) = (
        db.clone(),
        files.clone(),
        caller.clone(),
        request_id.to_owned(),
    );
    let storing = tokio::spawn(async move {
        let _turn = STORING_AT_ONCE
            .acquire()
            .await
            .map_err(|error| AppError::Internal(error.into()))?;
        let inspected = inspect_spooled(spooled.path().to_owned()).await?;
        let id = Uuid::now_v7();
        let key = FileStore::key(tenant, id);
        files
            .put_file(&key, spooled.path())
            .await
            .map_err(AppError::Internal)?;
        drop(spooled);
        let recorded = record(
            &db,
            &caller,
            access,
            &upload,
            &inspected,
            id,
            &key,
            &request_id,
        )
        .await;
        if recorded.is_err() && !recorded_meanwhile(&db, tenant, id).await {
            files.remove_orphan(&key).await;
        }
        recorded
    });
    storing
        .await
        .map_err(|error| AppError::Internal(error.into()))?
}

/// Whether the record of `id` exists after all (a commit whose answer was lost): its file must
/// then stay. When that cannot be told, the file stays too; an orphan costs only space.
async fn recorded_meanwhile(db: &DatabaseConnection, tenant: domain::TenantId, id: Uuid) -> bool {
    let Ok(tx) = TenantTx::begin(db, tenant).await else {
        return true;
    };
    let found = store::by_id(&*tx, id, false).await;
    let _ = tx.commit().await;
    !matches!(found, Ok(None))
}

async fn inspect_spooled(spooled: PathBuf) -> Result<Inspected, AppError> {
    let inspected = tokio::task::spawn_blocking(move || inspect::inspect(&spooled))
        .await
        .map_err(|error| AppError::Internal(error.into()))?;
    inspected.map_err(|refused| match refused {
        Refused::Empty => AppError::input("body", Reason::AttachmentEmpty {}),
        Refused::NotAccepted => AppError::input("body", Reason::AttachmentKindNotAccepted {}),
        Refused::PhotoUnreadable => AppError::input("body", Reason::AttachmentPhotoUnreadable {}),
        Refused::Io(error) => AppError::Internal(error.into()),
    })
}

#[allow(clippy::too_many_arguments)]
async fn record(
    db: &DatabaseConnection,
    caller: &Caller,
    access: Access,
    upload: &Upload,
    inspected: &Inspected,
    id: Uuid,
    key: &str,
    request_id: &str,
) -> Result<AttachmentRow, AppError> {
    let tenant = caller.require_tenant()?;
    let actor = audit::actor_of(db, caller).await?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let customer_id = visible_owner(
        &tx,
        caller,
        access,
        calendar.today,
        upload.owner,
        upload.owner_id,
    )
    .await?;
    has_room(&tx, upload).await?;
    let row = store::insert(
        &*tx,
        NewAttachment {
            id,
            owner: upload.owner,
            owner_id: upload.owner_id,
            customer_id,
            file_name: &named_for(inspected.kind, &upload.file_name),
            kind: inspected.kind,
            size_bytes: i64::try_from(inspected.size).unwrap_or(i64::MAX),
            sha256: &inspected.sha256,
            storage_key: key,
            metadata_removed: inspected.metadata_removed,
            uploaded_by: actor.label(),
        },
    )
    .await?;
    audit_attachment(&tx, tenant, actor, "attachment.added", &row, request_id).await?;
    tx.commit().await?;
    Ok(row)
}

async fn audit_attachment(
    tx: &TenantTx,
    tenant: domain::TenantId,
    actor: Actor,
    action: &'static str,
    row: &AttachmentRow,
    request_id: &str,
) -> Result<(), AppError> {
    let after = serde_json::json!({
        "ownerType": row.owner_type.as_str(), "ownerId": row.owner_id.to_string(),
        "fileName": row.file_name, "kind": row.kind.as_str(), "sizeBytes": row.size_bytes,
        "sha256": row.sha256, "metadataRemoved": row.metadata_removed,
        "deleteReason": row.delete_reason,
    });
    audit::record(
        &**tx,
        tenant,
        AuditEntry {
            actor,
            action,
            entity_type: "attachment",
            entity_id: Some(row.id.to_string()),
            before: None,
            after: Some(after),
            request_id: Some(request_id),
        },
    )
    .await?;
    Ok(())
}

/// A record's files, when the caller may see the record.
pub async fn attachments(
    db: &DatabaseConnection,
    caller: &Caller,
    owner: AttachmentOwner,
    owner_id: Uuid,
    include_deleted: bool,
) -> Result<Vec<AttachmentRow>, AppError> {
    let access = authorize(caller, owner.read_permissions())?;
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    visible_owner(&tx, caller, access, calendar.today, owner, owner_id).await?;
    let rows = store::for_owner(&*tx, owner, owner_id, include_deleted).await?;
    tx.commit().await?;
    Ok(rows)
}

/// A live attachment the caller may read, for download. A deleted file is not served: it was
/// deleted because it should not be seen (the wrong file, the wrong customer), and is kept for
/// the audit trail only.
pub async fn for_download(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Option<Uuid>,
) -> Result<AttachmentRow, AppError> {
    let tenant = caller.require_tenant()?;
    let id = id.ok_or_else(|| not_found(Entity::Attachment))?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let row = store::by_id(&*tx, id, false)
        .await?
        .filter(|row| row.deleted_at.is_none())
        .ok_or_else(|| not_found(Entity::Attachment))?;
    // Without the record's permission the file is not there for the caller (not "forbidden",
    // which would say that it exists).
    let access = authorize(caller, row.owner_type.read_permissions())
        .map_err(|_| not_found(Entity::Attachment))?;
    visible_owner(
        &tx,
        caller,
        access,
        calendar.today,
        row.owner_type,
        row.owner_id,
    )
    .await
    .map_err(hidden)?;
    tx.commit().await?;
    Ok(row)
}

/// A file to delete, and why.
#[derive(Debug, Clone)]
pub struct DeleteAttachment {
    pub attachment_id: Uuid,
    pub reason: String,
}

/// Marks a file deleted with a reason, audited; its bytes and record are kept. Whoever may
/// attach to the record may delete from it.
pub async fn delete_attachment(
    db: &DatabaseConnection,
    caller: &Caller,
    input: DeleteAttachment,
    request_id: &str,
) -> Result<AttachmentRow, AppError> {
    authorize(caller, ATTACHING_PERMISSIONS)?;
    let reason = required_text("input.reason", &input.reason, MAX_DELETE_REASON)?;
    let tenant = caller.require_tenant()?;
    let actor = audit::actor_of(db, caller).await?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let not_found = || not_found(Entity::Attachment).at("input.attachmentId");
    let row = store::by_id(&*tx, input.attachment_id, true)
        .await?
        .ok_or_else(not_found)?;
    let read = authorize(caller, row.owner_type.read_permissions()).map_err(|_| not_found())?;
    visible_owner(
        &tx,
        caller,
        read,
        calendar.today,
        row.owner_type,
        row.owner_id,
    )
    .await
    .map_err(|error| hidden(error).at("input.attachmentId"))?;
    let access = authorize(caller, row.owner_type.attach_permissions())?;
    visible_owner(
        &tx,
        caller,
        access,
        calendar.today,
        row.owner_type,
        row.owner_id,
    )
    .await
    .map_err(|error| hidden(error).at("input.attachmentId"))?;
    if row.deleted_at.is_some() {
        return Err(AppError::refused(Reason::AttachmentAlreadyDeleted {}));
    }
    let row = store::mark_deleted(&*tx, row.id, actor.label(), &reason).await?;
    audit_attachment(&tx, tenant, actor, "attachment.deleted", &row, request_id).await?;
    tx.commit().await?;
    Ok(row)
}
