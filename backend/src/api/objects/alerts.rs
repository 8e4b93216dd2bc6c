//! Risk alerts as the API shows them (`riskAlerts`, `acknowledgeAlert`, `resolveAlert`, served
//! with the collector's work), filled from analytics' alert service.

use crate::analytics::service::alerts::{self as service, AlertAction, AlertQuery};
use crate::analytics::store::alerts::AlertRow;
use crate::api::values::{CountedList, CustomerRef};
use crate::api::values::{locale, text_params};
use crate::auth::Caller;
use crate::error::AppError;
use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, ID, InputObject, Json, SimpleObject};
use chrono::{DateTime, Utc};
use domain::alerts::{AlertKind, AlertSeverity, AlertStatus};
use domain::messages::{Localized, Text};
use sea_orm::DatabaseConnection;

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct RiskAlert {
    pub id: ID,
    pub kind: AlertKind,
    pub severity: AlertSeverity,
    pub status: AlertStatus,
    pub customer: CustomerRef,
    #[graphql(skip)]
    pub text: Text,
    pub created_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_by: Option<String>,
    pub resolution_note: Option<String>,
}

#[ComplexObject]
impl RiskAlert {
    /// Why it was raised, in a sentence, in the caller's language.
    async fn message(&self, ctx: &Context<'_>) -> String {
        self.text.text(locale(ctx))
    }

    /// The message as a code (`ALERT_NEAR_CREDIT_LIMIT`), for clients with texts of their own.
    async fn message_code(&self) -> String {
        self.text.code()
    }

    /// The message's parameters (`{"percent": "85"}`).
    async fn message_params(&self) -> Json<serde_json::Value> {
        text_params(&self.text)
    }
}

impl From<AlertRow> for RiskAlert {
    fn from(row: AlertRow) -> Self {
        RiskAlert {
            id: ID(row.id.to_string()),
            kind: row.kind,
            severity: row.severity,
            status: row.status,
            customer: CustomerRef {
                id: ID(row.customer_id.to_string()),
                code: row.code,
                name: row.name,
            },
            text: row.message,
            created_at: row.created_at,
            acknowledged_at: row.acknowledged_at,
            acknowledged_by: row.acknowledged_by,
            resolved_at: row.resolved_at,
            resolved_by: row.resolved_by,
            resolution_note: row.resolution_note,
        }
    }
}

#[derive(InputObject, Default)]
pub struct AlertFilter {
    pub status: Option<Vec<AlertStatus>>,
    pub kind: Option<Vec<AlertKind>>,
    pub customer_id: Option<ID>,
}

impl From<AlertFilter> for AlertQuery {
    fn from(filter: AlertFilter) -> Self {
        AlertQuery {
            statuses: filter.status.unwrap_or_default(),
            kinds: filter.kind.unwrap_or_default(),
            customer_id: filter.customer_id.map(|id| id.0),
        }
    }
}

pub type AlertConnection = Connection<String, RiskAlert, CountedList>;

/// Alerts newest first; collectors and salespeople see their customers' (an alert goes to the
/// assigned collector and to the managers, who see every customer).
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    first: Option<i32>,
    after: Option<String>,
    filter: AlertFilter,
) -> Result<AlertConnection, AppError> {
    let page = service::list(db, caller, first, after, filter.into()).await?;
    Ok(page.connection(RiskAlert::from))
}

#[derive(InputObject)]
pub struct AlertActionInput {
    pub alert_id: ID,
    pub note: Option<String>,
}

impl From<AlertActionInput> for AlertAction {
    fn from(input: AlertActionInput) -> Self {
        AlertAction {
            alert_id: crate::api::values::id_or_nil(&input.alert_id),
            note: input.note,
        }
    }
}

#[derive(SimpleObject)]
pub struct AlertPayload {
    pub alert: RiskAlert,
}

pub async fn acknowledge(
    db: &DatabaseConnection,
    caller: &Caller,
    input: AlertActionInput,
    request_id: &str,
) -> Result<RiskAlert, AppError> {
    service::acknowledge(db, caller, input.into(), request_id)
        .await
        .map(RiskAlert::from)
}

pub async fn resolve(
    db: &DatabaseConnection,
    caller: &Caller,
    input: AlertActionInput,
    request_id: &str,
) -> Result<RiskAlert, AppError> {
    service::resolve(db, caller, input.into(), request_id)
        .await
        .map(RiskAlert::from)
}
