//! The audit log's API: `auditLog(first, after, filter)` as a Relay connection.

use super::service::{self, AuditLogFilter as Filter};
use crate::api::context::{request, services};
use crate::api::values::CountedList;
use crate::error::{ApiResult, IntoApi};
use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};

/// One change: who, when, what, to which entity, before and after.
#[derive(SimpleObject)]
pub struct AuditEntry {
    pub id: ID,
    pub occurred_at: DateTime<Utc>,
    /// The member's email, the API key's name, or "Duely" for the system.
    pub actor: String,
    pub actor_user_id: Option<ID>,
    pub actor_api_key_id: Option<ID>,
    /// Such as `member.invited` or `api_key.revoked`.
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub before: Option<Json<serde_json::Value>>,
    pub after: Option<Json<serde_json::Value>>,
    pub request_id: Option<String>,
}

#[derive(InputObject, Default)]
pub struct AuditLogFilter {
    /// Exact action, such as `member.removed`.
    pub action: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor_user_id: Option<ID>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

pub type AuditLogConnection = Connection<String, AuditEntry, CountedList>;

#[derive(Default)]
pub struct AuditLogQuery;

#[Object]
impl AuditLogQuery {
    /// The company's audit log, newest first. `first` is 1 to 200 (default 50).
    #[graphql(complexity = "crate::api::values::page_complexity(first, child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<AuditLogFilter>,
    ) -> ApiResult<AuditLogConnection> {
        let (_, db) = services(ctx)?;
        let filter = filter.unwrap_or_default();
        let page = service::audit_log(
            db,
            &request(ctx)?.caller,
            first,
            after,
            Filter {
                action: filter.action,
                entity_type: filter.entity_type,
                entity_id: filter.entity_id,
                actor_user_id: filter.actor_user_id.map(|id| id.0),
                from: filter.from,
                to: filter.to,
            },
            ctx.look_ahead().field("totalCount").exists(),
        )
        .await
        .api()?;
        Ok(page.connection(|row| AuditEntry {
            id: ID(row.id.to_string()),
            occurred_at: row.occurred_at,
            actor: row.actor_label,
            actor_user_id: row.actor_user_id.map(|id| ID(id.to_string())),
            actor_api_key_id: row.actor_api_key_id.map(|id| ID(id.to_string())),
            action: row.action,
            entity_type: row.entity_type,
            entity_id: row.entity_id,
            before: row.before.map(Json),
            after: row.after.map(Json),
            request_id: row.request_id,
        }))
    }
}
