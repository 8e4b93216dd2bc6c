//! Risk alerts: the list, acknowledging and resolving. Alerts are raised where a risk is noticed
//! (`store::alerts::raise`: broken promises, rating downgrades, dunning's review step, the daily
//! scan).

use super::parse_uuid;
use crate::analytics::AnalyticsError;
use crate::analytics::store::alerts::{self as store, AlertRow, AlertScope};
use crate::api::pagination::{Page, PageRequest};
use crate::api::values::optional_text;
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::db::TenantTx;
use crate::error::AppError;
use domain::access::Permission;
use domain::alerts::{AlertKind, AlertStatus};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

/// Which alerts to list, as sent (the customer's id as text).
#[derive(Debug, Clone, Default)]
pub struct AlertQuery {
    pub statuses: Vec<AlertStatus>,
    pub kinds: Vec<AlertKind>,
    pub customer_id: Option<String>,
}

/// Alerts newest first; collectors and salespeople see their customers' (an alert goes to the
/// assigned collector and to the managers, who see every customer).
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    first: Option<i32>,
    after: Option<String>,
    query: AlertQuery,
) -> Result<Page<AlertRow>, AppError> {
    let access = caller.authorize(Permission::ViewCustomers)?;
    let tenant = caller.require_tenant()?;
    let request = PageRequest::parse("riskAlerts", "RAISED_DESC", false, first, after.as_deref())?;
    let customer = match &query.customer_id {
        Some(id) => Some(parse_uuid("filter.customerId", id)?),
        None => None,
    };
    let scope = AlertScope {
        statuses: query.statuses,
        kinds: query.kinds,
        customer,
    };
    let tx = TenantTx::begin(db, tenant).await?;
    let (rows, total) = store::list(
        &*tx,
        caller,
        access,
        &scope,
        request.limit(),
        request.offset(),
    )
    .await?;
    tx.commit().await?;
    Ok(request.page(rows, total, |_| Vec::new()))
}

/// An alert to acknowledge or resolve, with a note.
#[derive(Debug, Clone)]
pub struct AlertAction {
    pub alert_id: Uuid,
    pub note: Option<String>,
}

async fn change(
    db: &DatabaseConnection,
    caller: &Caller,
    input: AlertAction,
    request_id: &str,
    to: AlertStatus,
) -> Result<AlertRow, AppError> {
    let access = caller.authorize(Permission::WorkCollections)?;
    let tenant = caller.require_tenant()?;
    let note = optional_text("input.note", input.note.as_deref(), 1000)?;
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let id = input.alert_id;
    let row = store::alert_for_update(&*tx, caller, access, id)
        .await?
        .ok_or(AnalyticsError::AlertNotFound)?;
    if row.status == AlertStatus::Resolved || row.status == to {
        return Err(AnalyticsError::AlertAlready { status: row.status }.into());
    }
    store::set_status(&*tx, id, to, actor.label(), note.clone()).await?;
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: if to == AlertStatus::Acknowledged {
                "alert.acknowledged"
            } else {
                "alert.resolved"
            },
            entity_type: "customer",
            entity_id: Some(row.customer_id.to_string()),
            before: None,
            after: Some(serde_json::json!({ "alertId": id.to_string(), "note": note })),
            request_id: Some(request_id),
        },
    )
    .await?;
    let row = store::alert(&*tx, id)
        .await?
        .ok_or(AnalyticsError::AlertNotFound)?;
    tx.commit().await?;
    Ok(row)
}

pub async fn acknowledge(
    db: &DatabaseConnection,
    caller: &Caller,
    input: AlertAction,
    request_id: &str,
) -> Result<AlertRow, AppError> {
    change(db, caller, input, request_id, AlertStatus::Acknowledged).await
}

pub async fn resolve(
    db: &DatabaseConnection,
    caller: &Caller,
    input: AlertAction,
    request_id: &str,
) -> Result<AlertRow, AppError> {
    change(db, caller, input, request_id, AlertStatus::Resolved).await
}
