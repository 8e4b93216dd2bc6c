//! Reading the audit log: `auditLog(first, after, filter)`, newest first, as a Relay
//! connection. Read through `TenantTx`: the tenant's own schema, as its own role.

use crate::api::context::{request, services};
use crate::auth::Caller;
use crate::db::TenantTx;
use crate::error::{ApiResult, AppError, IntoApi};
use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, ID, InputObject, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};
use domain::access::Permission;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement, Value};

/// The most a page may hold; `first` defaults to 50.
pub const MAX_PAGE: usize = 200;

#[derive(Debug, FromQueryResult)]
struct AuditRow {
    id: i64,
    occurred_at: DateTime<Utc>,
    actor_user_id: Option<uuid::Uuid>,
    actor_api_key_id: Option<uuid::Uuid>,
    actor_label: String,
    action: String,
    entity_type: String,
    entity_id: Option<String>,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    request_id: Option<String>,
}

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

#[derive(SimpleObject)]
pub struct CountedConnection {
    /// Entries matching the filter, across all pages.
    pub total_count: i64,
}

pub type AuditLogConnection = Connection<String, AuditEntry, CountedConnection>;

fn cursor(id: i64) -> String {
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
) -> Result<AuditLogConnection, AppError> {
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

    // The filter applies to the count; the cursor only to the page.
    let mut conditions = vec!["TRUE".to_owned()];
    let mut values: Vec<Value> = Vec::new();
    let mut bind = |condition: &str, value: Value, conditions: &mut Vec<String>| {
        values.push(value);
        conditions.push(condition.replace('?', &format!("${}", values.len())));
    };
    if let Some(action) = filter.action {
        bind("action = ?", action.into(), &mut conditions);
    }
    if let Some(entity_type) = filter.entity_type {
        bind("entity_type = ?", entity_type.into(), &mut conditions);
    }
    if let Some(entity_id) = filter.entity_id {
        bind("entity_id = ?", entity_id.into(), &mut conditions);
    }
    if let Some(user) = actor_user_id {
        bind("actor_user_id = ?", user.into(), &mut conditions);
    }
    if let Some(from) = filter.from {
        bind("occurred_at >= ?", from.into(), &mut conditions);
    }
    if let Some(to) = filter.to {
        bind("occurred_at < ?", to.into(), &mut conditions);
    }
    let filtered = conditions.join(" AND ");
    let count_sql = format!("SELECT count(*) AS n FROM audit_log WHERE {filtered}");
    let count_values = values.clone();
    let page_condition = match after {
        Some(id) => {
            values.push(id.into());
            format!("id < ${}", values.len())
        }
        None => "TRUE".to_owned(),
    };
    values.push(((first + 1) as i64).into());
    let page_sql = format!(
        "SELECT id, occurred_at, actor_user_id, actor_api_key_id, actor_label, action, entity_type,
                entity_id, before, after, request_id
         FROM audit_log WHERE {filtered} AND {page_condition}
         ORDER BY id DESC LIMIT ${limit}",
        limit = values.len()
    );

    let tx = TenantTx::begin(db, tenant).await?;
    let mut rows = AuditRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        page_sql,
        values,
    ))
    .all(&*tx)
    .await?;
    let total = tx
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            count_sql,
            count_values,
        ))
        .await?
        .map(|row| row.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    tx.commit().await?;

    let has_next = rows.len() > first;
    rows.truncate(first);
    let mut connection = Connection::with_additional_fields(
        after.is_some(),
        has_next,
        CountedConnection { total_count: total },
    );
    connection.edges.extend(rows.into_iter().map(|row| {
        Edge::new(
            cursor(row.id),
            AuditEntry {
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
            },
        )
    }));
    Ok(connection)
}

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
        audit_log(
            db,
            &request(ctx)?.caller,
            first,
            after,
            filter.unwrap_or_default(),
        )
        .await
        .api()
    }
}
