//! Attachments' records as stored: what a file is, whose it is, and whether it was deleted.

use chrono::{DateTime, Utc};
use domain::attachments::{AttachmentOwner, FileKind};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement, Value};
use uuid::Uuid;

#[derive(Debug, Clone, FromQueryResult)]
pub struct AttachmentRow {
    pub id: Uuid,
    pub owner_type: AttachmentOwner,
    pub owner_id: Uuid,
    pub customer_id: Uuid,
    pub file_name: String,
    pub kind: FileKind,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub metadata_removed: bool,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub deleted_by: Option<String>,
    pub delete_reason: Option<String>,
}

const COLUMNS: &str = "id, owner_type, owner_id, customer_id, file_name, kind, size_bytes, sha256,
    storage_key, metadata_removed, uploaded_by, uploaded_at, deleted_at, deleted_by, delete_reason";

fn statement(sql: &str, values: impl IntoIterator<Item = Value>) -> Statement {
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

/// The customer a record belongs to, when the record exists.
pub async fn owner_customer(
    conn: &impl ConnectionTrait,
    owner: AttachmentOwner,
    owner_id: Uuid,
) -> Result<Option<Uuid>, DbErr> {
    let sql = match owner {
        AttachmentOwner::Customer => "SELECT id AS customer_id FROM customers WHERE id = $1",
        AttachmentOwner::Invoice => "SELECT customer_id FROM invoices WHERE id = $1",
        AttachmentOwner::Payment => "SELECT customer_id FROM payments WHERE id = $1",
        AttachmentOwner::Activity => "SELECT customer_id FROM collection_activities WHERE id = $1",
        AttachmentOwner::LegalCase => "SELECT customer_id FROM legal_cases WHERE id = $1",
        AttachmentOwner::Dispute => {
            "SELECT i.customer_id FROM disputes d JOIN invoices i ON i.id = d.invoice_id
             WHERE d.id = $1"
        }
    };
    conn.query_one_raw(statement(sql, [owner_id.into()]))
        .await?
        .map(|row| row.try_get::<Uuid>("", "customer_id"))
        .transpose()
}

/// How many files a record holds, deleted ones included, counted while no other upload to the
/// same record can count (a transaction-scoped lock on the record's id).
pub async fn count_locked(
    conn: &impl ConnectionTrait,
    owner: AttachmentOwner,
    owner_id: Uuid,
) -> Result<i64, DbErr> {
    conn.execute_raw(statement(
        "SELECT pg_advisory_xact_lock(hashtextextended('attachments:' || $1::text, 0))",
        [owner_id.into()],
    ))
    .await?;
    let row = conn
        .query_one_raw(statement(
            "SELECT count(*) AS n FROM attachments WHERE owner_type = $1 AND owner_id = $2",
            [owner.as_str().into(), owner_id.into()],
        ))
        .await?;
    Ok(row
        .map(|row| row.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0))
}

/// An attachment as it is written.
pub struct NewAttachment<'a> {
    pub id: Uuid,
    pub owner: AttachmentOwner,
    pub owner_id: Uuid,
    pub customer_id: Uuid,
    pub file_name: &'a str,
    pub kind: FileKind,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub storage_key: &'a str,
    pub metadata_removed: bool,
    pub uploaded_by: &'a str,
}

pub async fn insert(
    conn: &impl ConnectionTrait,
    new: NewAttachment<'_>,
) -> Result<AttachmentRow, DbErr> {
    let sql = format!(
        "INSERT INTO attachments (id, owner_type, owner_id, customer_id, file_name, kind,
             size_bytes, sha256, storage_key, metadata_removed, uploaded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         RETURNING {COLUMNS}"
    );
    let row = conn
        .query_one_raw(statement(
            &sql,
            [
                new.id.into(),
                new.owner.as_str().into(),
                new.owner_id.into(),
                new.customer_id.into(),
                new.file_name.into(),
                new.kind.as_str().into(),
                new.size_bytes.into(),
                new.sha256.into(),
                new.storage_key.into(),
                new.metadata_removed.into(),
                new.uploaded_by.into(),
            ],
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotInserted)?;
    AttachmentRow::from_query_result(&row, "")
}

/// A record's files, oldest first; deleted ones only when asked.
pub async fn for_owner(
    conn: &impl ConnectionTrait,
    owner: AttachmentOwner,
    owner_id: Uuid,
    include_deleted: bool,
) -> Result<Vec<AttachmentRow>, DbErr> {
    let sql = format!(
        "SELECT {COLUMNS} FROM attachments
         WHERE owner_type = $1 AND owner_id = $2 AND ($3 OR deleted_at IS NULL)
         ORDER BY id"
    );
    AttachmentRow::find_by_statement(statement(
        &sql,
        [
            owner.as_str().into(),
            owner_id.into(),
            include_deleted.into(),
        ],
    ))
    .all(conn)
    .await
}

/// One attachment, locked for a change when `lock`.
pub async fn by_id(
    conn: &impl ConnectionTrait,
    id: Uuid,
    lock: bool,
) -> Result<Option<AttachmentRow>, DbErr> {
    let sql = format!(
        "SELECT {COLUMNS} FROM attachments WHERE id = $1{}",
        if lock { " FOR UPDATE" } else { "" }
    );
    AttachmentRow::find_by_statement(statement(&sql, [id.into()]))
        .one(conn)
        .await
}

/// Marks an attachment deleted; its bytes and record stay.
pub async fn mark_deleted(
    conn: &impl ConnectionTrait,
    id: Uuid,
    deleted_by: &str,
    reason: &str,
) -> Result<AttachmentRow, DbErr> {
    let sql = format!(
        "UPDATE attachments SET deleted_at = now(), deleted_by = $2, delete_reason = $3
         WHERE id = $1 RETURNING {COLUMNS}"
    );
    AttachmentRow::find_by_statement(statement(
        &sql,
        [id.into(), deleted_by.into(), reason.into()],
    ))
    .one(conn)
    .await?
    .ok_or_else(|| DbErr::RecordNotFound(format!("attachment {id}")))
}

/// A customer's live files for a legal case's evidence pack, with what each belongs to said
/// in words a court reads (an invoice's number, a payment's date and reference, an activity's
/// time and channel), grouped by record.
#[derive(Debug, Clone, FromQueryResult)]
pub struct EvidenceAttachment {
    pub id: Uuid,
    pub owner_type: AttachmentOwner,
    pub owner_label: String,
    pub file_name: String,
    pub kind: FileKind,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

pub async fn evidence(
    conn: &impl ConnectionTrait,
    customer_id: Uuid,
) -> Result<Vec<EvidenceAttachment>, DbErr> {
    let sql = "SELECT a.id, a.owner_type,
            CASE a.owner_type
              WHEN 'CUSTOMER' THEN c.code
              WHEN 'INVOICE' THEN coalesce(i.number, i.id::text)
              WHEN 'PAYMENT' THEN p.received_on::text || coalesce(' ' || p.reference, '')
              WHEN 'ACTIVITY' THEN to_char(ca.occurred_at, 'YYYY-MM-DD HH24:MI') || ' ' || ca.channel
              WHEN 'LEGAL_CASE' THEN lc.opened_on::text
              WHEN 'DISPUTE' THEN coalesce(di.number, di.id::text)
            END AS owner_label,
            a.file_name, a.kind, a.size_bytes, a.sha256, a.storage_key, a.uploaded_by, a.uploaded_at
         FROM attachments a
         JOIN customers c ON c.id = a.customer_id
         LEFT JOIN invoices i ON a.owner_type = 'INVOICE' AND i.id = a.owner_id
         LEFT JOIN payments p ON a.owner_type = 'PAYMENT' AND p.id = a.owner_id
         LEFT JOIN collection_activities ca ON a.owner_type = 'ACTIVITY' AND ca.id = a.owner_id
         LEFT JOIN legal_cases lc ON a.owner_type = 'LEGAL_CASE' AND lc.id = a.owner_id
         LEFT JOIN disputes d ON a.owner_type = 'DISPUTE' AND d.id = a.owner_id
         LEFT JOIN invoices di ON di.id = d.invoice_id
         WHERE a.customer_id = $1 AND a.deleted_at IS NULL
         ORDER BY array_position(ARRAY['CUSTOMER', 'INVOICE', 'DISPUTE', 'PAYMENT', 'ACTIVITY',
                                       'LEGAL_CASE'], a.owner_type), owner_label, a.id";
    EvidenceAttachment::find_by_statement(statement(sql, [customer_id.into()]))
        .all(conn)
        .await
}
