//! The audit log's SQL: a page of entries, newest first, and how many match the filter.

use crate::api::pagination::{self, PageRequest};
use crate::db::TenantTx;
use crate::db::conditions::Conditions;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sea_orm::FromQueryResult;
use uuid::Uuid;

#[derive(Debug, FromQueryResult)]
pub struct AuditRow {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor_user_id: Option<Uuid>,
    pub actor_api_key_id: Option<Uuid>,
    pub actor_label: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub request_id: Option<String>,
}

/// What the entries are filtered on; `None` filters nothing.
#[derive(Debug, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor_user_id: Option<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// Up to `limit` entries matching `filter` older than the entry `after`, newest first; and how
/// many match the filter across all pages (only when `wants_total`, else 0).
pub async fn page(
    tx: &TenantTx,
    filter: AuditFilter,
    request: &PageRequest,
    wants_total: bool,
) -> Result<(Vec<AuditRow>, i64), AppError> {
    // The filter applies to the count; the cursor only to the page.
    let mut conditions = Conditions::new(Vec::new());
    if let Some(action) = filter.action {
        conditions.push("action = ?", action);
    }
    if let Some(entity_type) = filter.entity_type {
        conditions.push("entity_type = ?", entity_type);
    }
    if let Some(entity_id) = filter.entity_id {
        conditions.push("entity_id = ?", entity_id);
    }
    if let Some(user) = filter.actor_user_id {
        conditions.push("actor_user_id = ?", user);
    }
    if let Some(from) = filter.from {
        conditions.push("occurred_at >= ?", from);
    }
    if let Some(to) = filter.to {
        conditions.push("occurred_at < ?", to);
    }
    pagination::keyset_page(
        tx,
        request,
        wants_total,
        conditions,
        "id, occurred_at, actor_user_id, actor_api_key_id, actor_label, action, entity_type,
         entity_id, before, after, request_id",
        "audit_log",
        &[("id", "?::bigint")],
        true,
    )
    .await
}
