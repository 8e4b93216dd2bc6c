//! Reading the audit log: who may, the page asked for, and the cursors between pages.

use super::store::{self, AuditFilter, AuditRow};
use crate::api::pagination::{Page, PageRequest};
use crate::auth::Caller;
use crate::db::TenantTx;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use domain::access::Permission;
use domain::reason::Reason;
use sea_orm::DatabaseConnection;

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

/// A page of the company's audit log, newest first; counted in all only when `wants_total`
/// (the page's `total` is 0 otherwise).
pub async fn audit_log(
    db: &DatabaseConnection,
    caller: &Caller,
    first: Option<i32>,
    after: Option<String>,
    filter: AuditLogFilter,
    wants_total: bool,
) -> Result<Page<AuditRow>, AppError> {
    caller.authorize(Permission::ViewAuditLog)?;
    let tenant = caller.require_tenant()?;
    let request = PageRequest::parse("auditLog", "NEWEST", true, first, after.as_deref())?;
    let actor_user_id = parse_actor(filter.actor_user_id.as_deref())?;
    let filter = AuditFilter {
        action: filter.action,
        entity_type: filter.entity_type,
        entity_id: filter.entity_id,
        actor_user_id,
        from: filter.from,
        to: filter.to,
    };

    let tx = TenantTx::begin(db, tenant).await?;
    let (rows, total) = store::page(&tx, filter, &request, wants_total).await?;
    tx.commit().await?;
    Ok(request.page(rows, total, |row| vec![row.id.to_string()]))
}

/// The actor filter's user id, as sent; text that is not an id is refused with the field.
fn parse_actor(id: Option<&str>) -> Result<Option<uuid::Uuid>, AppError> {
    id.map(|id| {
        id.parse::<uuid::Uuid>().map_err(|_| {
            AppError::input(
                "filter.actorUserId",
                Reason::NotAnId {
                    value: id.to_owned(),
                },
            )
        })
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_actor_that_is_not_an_id_is_refused_with_its_field() {
        let (_, extensions) = parse_actor(Some("bob")).unwrap_err().public();
        assert_eq!(extensions["code"], "VALIDATION");
        assert_eq!(extensions["reason"], "NOT_AN_ID");
        assert_eq!(extensions["params"]["value"], "bob");
        assert_eq!(extensions["field"], "filter.actorUserId");
        assert_eq!(parse_actor(None).unwrap(), None);
        let id = uuid::Uuid::now_v7();
        assert_eq!(parse_actor(Some(&id.to_string())).unwrap(), Some(id));
    }
}
