//! Writing to a tenant's audit log: who, when, what, to which entity, before and after, and the
//! request id. Written in the same transaction as the change it records. The table refuses
//! updates and deletes (see the tenant migration), so entries are permanent.

use domain::TenantId;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};
use uuid::Uuid;

/// Who acted.
#[derive(Debug, Clone)]
pub enum Actor {
    User { id: Uuid, label: String },
    ApiKey { id: Uuid, label: String },
    System,
}

#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub actor: Actor,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub request_id: Option<&'a str>,
}

/// Appends `entry` to `tenant`'s log. Works from a tenant transaction or from a control-plane
/// transaction (the table is schema-qualified; the application role is a member of every
/// tenant role).
pub async fn record(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    entry: AuditEntry<'_>,
) -> Result<(), DbErr> {
    let (user_id, key_id, label) = match entry.actor {
        Actor::User { id, label } => (Some(id), None, label),
        Actor::ApiKey { id, label } => (None, Some(id), label),
        Actor::System => (None, None, "Duely".to_owned()),
    };
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            r#"INSERT INTO "{}".audit_log
               (actor_user_id, actor_api_key_id, actor_label, action, entity_type, entity_id, before, after, request_id)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"#,
            tenant.schema_name()
        ),
        [
            user_id.into(),
            key_id.into(),
            label.into(),
            entry.action.into(),
            entry.entity_type.into(),
            entry.entity_id.into(),
            entry.before.into(),
            entry.after.into(),
            entry.request_id.map(str::to_owned).into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Appends `entries` to `tenant`'s log in one statement (a bulk change records one entry per
/// record it changed).
pub async fn record_all(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    entries: Vec<AuditEntry<'_>>,
) -> Result<(), DbErr> {
    // 9 parameters a row; callers bound their lists well below PostgreSQL's 65,535.
    for chunk in entries.chunks(1000) {
        let mut values: Vec<sea_orm::Value> = Vec::with_capacity(chunk.len() * 9);
        let mut rows = Vec::with_capacity(chunk.len());
        for entry in chunk {
            let (user_id, key_id, label) = match &entry.actor {
                Actor::User { id, label } => (Some(*id), None, label.clone()),
                Actor::ApiKey { id, label } => (None, Some(*id), label.clone()),
                Actor::System => (None, None, "Duely".to_owned()),
            };
            let n = values.len();
            rows.push(format!(
                "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                n + 1,
                n + 2,
                n + 3,
                n + 4,
                n + 5,
                n + 6,
                n + 7,
                n + 8,
                n + 9
            ));
            values.extend([
                user_id.into(),
                key_id.into(),
                label.into(),
                entry.action.into(),
                entry.entity_type.into(),
                entry.entity_id.clone().into(),
                entry.before.clone().into(),
                entry.after.clone().into(),
                entry.request_id.map(str::to_owned).into(),
            ]);
        }
        if rows.is_empty() {
            continue;
        }
        conn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                r#"INSERT INTO "{}".audit_log
                   (actor_user_id, actor_api_key_id, actor_label, action, entity_type, entity_id, before, after, request_id)
                   VALUES {}"#,
                tenant.schema_name(),
                rows.join(", ")
            ),
            values,
        ))
        .await?;
    }
    Ok(())
}

/// The caller as the audit log and money records name them: a member's email or an API key's
/// name. Read from the control plane, outside any tenant transaction (a tenant's role cannot
/// read `public`).
pub async fn actor_of(
    db: &sea_orm::DatabaseConnection,
    caller: &crate::auth::Caller,
) -> Result<Actor, crate::error::AppError> {
    use crate::auth::Caller;
    let (sql, id) = match caller {
        Caller::Member(member) => (
            "SELECT email AS label FROM public.users WHERE id = $1",
            member.user_id,
        ),
        Caller::ApiKey(key) => (
            "SELECT 'API key ' || name AS label FROM public.api_keys WHERE id = $1",
            key.key_id,
        ),
        Caller::Anonymous | Caller::Rejected(_) => return Ok(Actor::System),
    };
    let label = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            [id.into()],
        ))
        .await?
        .map(|row| row.try_get::<String>("", "label"))
        .transpose()?
        .unwrap_or_else(|| id.to_string());
    Ok(match caller {
        Caller::ApiKey(_) => Actor::ApiKey { id, label },
        _ => Actor::User { id, label },
    })
}

impl Actor {
    pub fn label(&self) -> &str {
        match self {
            Actor::User { label, .. } | Actor::ApiKey { label, .. } => label,
            Actor::System => "Duely",
        }
    }
}
