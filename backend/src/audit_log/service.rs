//! Reading the audit log: who may, the page asked for, and the cursors between pages.

use super::store::{self, AuditFilter, AuditRow};
use crate::auth::Caller;
use crate::db::TenantTx;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use domain::access::Permission;
use sea_orm::DatabaseConnection;

/// The most a page may hold; `first` defaults to 50.
pub const MAX_PAGE: usize = 200;

/// The filter as the caller sends it (the user id not yet checked).
#[derive(Debug, Default)]
pub struct AuditLogFilter {
    pub action: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor_user_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// A page of entries, newest first.
pub struct AuditPage {
    pub entries: Vec<AuditRow>,
    /// Whether the page starts after a cursor.
    pub has_previous: bool,
    pub has_next: bool,
    /// Entries matching the filter, across all pages.
    pub total: i64,
}

pub fn cursor(id: i64) -> String {
    format!("audit:{id}")
}

fn parse_cursor(after: &str) -> Result<i64, AppError> {
    after
        .strip_prefix("audit:")
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| {
            AppError::validation(
                "after",
                "not a cursor from this list; pass an endCursor you were given",
            )
        })
}

pub async fn audit_log(
    db: &DatabaseConnection,
    caller: &Caller,
    first: Option<i32>,
    after: Option<String>,
    filter: AuditLogFilter,
) -> Result<AuditPage, AppError> {
    caller.authorize(Permission::ViewAuditLog)?;
    let tenant = caller.require_tenant()?;
    let first = match first {
        None => 50,
        Some(n) if (1..=MAX_PAGE as i32).contains(&n) => n as usize,
        Some(_) => {
            return Err(AppError::validation(
                "first",
                format!("ask for 1 to {MAX_PAGE} entries"),
            ));
        }
    };
    let after = after.as_deref().map(parse_cursor).transpose()?;
    let actor_user_id = filter
        .actor_user_id
        .as_ref()
        .map(|id| id.parse::<uuid::Uuid>())
        .transpose()
        .map_err(|_| AppError::validation("filter.actorUserId", "not a user id (a UUID)"))?;
    let filter = AuditFilter {
        action: filter.action,
        entity_type: filter.entity_type,
        entity_id: filter.entity_id,
        actor_user_id,
        from: filter.from,
        to: filter.to,
    };

    let tx = TenantTx::begin(db, tenant).await?;
    let (mut rows, total) = store::page(&tx, filter, after, first + 1).await?;
    tx.commit().await?;

    let has_next = rows.len() > first;
    rows.truncate(first);
    Ok(AuditPage {
        entries: rows,
        has_previous: after.is_some(),
        has_next,
        total,
    })
}
