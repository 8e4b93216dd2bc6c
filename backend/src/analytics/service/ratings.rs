//! Credit ratings: the customer's rating in force and its history, an override by hand; every
//! customer re-rated daily and after payment events.
//!
//! One statement gathers every customer's payment behaviour over the last year; the domain's
//! `rating::rate` scores it. A new rating is stored only when the score or grade changed, so the
//! history is the history of changes. The latest grade is also kept on the customer, for the
//! customer list's risk filter. An override keeps the computed score and factors and records
//! the grade chosen, with a reason; it stands until the computed grade changes.

use crate::analytics::AnalyticsError;
use crate::analytics::store::alerts::raise;
use crate::analytics::store::ratings::{self as store, BehaviourRow, RatingRow};
use crate::api::values::required_text;
use crate::audit::{self, AuditEntry};
use crate::auth::{Caller, visible_to};
use crate::customers;
use crate::db::{self, TenantTx};
use crate::error::AppError;
use chrono::NaiveDate;
use domain::TenantId;
use domain::access::{Access, Permission};
use domain::alerts::{AlertKind, AlertSeverity};
use domain::messages::Text;
use domain::rating::{self, Behaviour, Grade};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use uuid::Uuid;

fn behaviour(row: &BehaviourRow) -> Behaviour {
    Behaviour {
        settled_invoices: row.settled,
        average_days_beyond_terms: row.avg_dbt.unwrap_or_default(),
        recent_days_beyond_terms: row.recent_dbt,
        earlier_days_beyond_terms: row.earlier_dbt,
        paid_late: row.paid_late,
        paid_in_parts: row.paid_in_parts,
        promises_judged: row.promises_judged,
        promises_broken: row.promises_broken,
        invoices_issued: row.issued,
        disputes: row.disputes,
        balance: row.balance,
        credit_limit: row.credit_limit,
        months_as_customer: i64::from(row.months.max(0)),
        share_of_ar: row.share_of_ar,
    }
}

/// Rates every customer of `tenant` (or one) as of `today`; stores what changed, and raises
/// an alert for each computed grade that went down (daily or after a payment alike). Returns
/// how many ratings were stored.
pub async fn rate_customers(
    conn: &impl ConnectionTrait,
    today: NaiveDate,
    customer: Option<Uuid>,
) -> Result<usize, AppError> {
    let rows = store::behaviour(conn, today, customer).await?;
    // What changed is written in two statements, whatever the number of customers.
    let mut changed: Vec<serde_json::Value> = Vec::new();
    let mut downgrades: Vec<(Uuid, Grade, Grade, Uuid)> = Vec::new();
    for row in rows {
        let rated = rating::rate(&behaviour(&row));
        let computed = rated.grade;
        let unchanged =
            row.last_score == Some(rated.score) && row.last_computed_grade == Some(computed);
        if unchanged {
            continue;
        }
        // An override stands, with its reason and author, while the computed grade stays what
        // it was; a new computed grade ends it.
        let keep_override =
            row.last_override_reason.is_some() && row.last_computed_grade == Some(computed);
        let (grade, override_reason, overridden_by) = if keep_override {
            (
                row.last_grade.unwrap_or(computed),
                row.last_override_reason.clone(),
                row.last_overridden_by.clone(),
            )
        } else {
            (computed, None, None)
        };
        let (limit, terms) = rating::recommendation(computed, row.monthly_sales);
        let id = Uuid::now_v7();
        changed.push(serde_json::json!({
            "id": id,
            "customer_id": row.customer_id,
            "score": rated.score,
            "grade": grade.as_str(),
            "computed_grade": computed.as_str(),
            "factors": rated.contributions,
            "recommended_limit": limit,
            "recommended_terms": terms,
            "currency": row.currency,
            "override_reason": override_reason,
            "overridden_by": overridden_by,
        }));
        if let Some(before) = row.last_computed_grade
            && computed > before
        {
            downgrades.push((row.customer_id, before, computed, id));
        }
    }
    if changed.is_empty() {
        return Ok(0);
    }
    let stored = changed.len();
    store::store_changed(conn, serde_json::Value::Array(changed), today).await?;
    for (customer, before, after, rating) in downgrades {
        raise(
            conn,
            customer,
            AlertKind::RatingDowngrade,
            &format!("RATING_DOWNGRADE:{rating}"),
            if after >= Grade::D {
                AlertSeverity::High
            } else {
                AlertSeverity::Medium
            },
            &Text::AlertRatingDowngrade {
                from: before.as_str().to_owned(),
                to: after.as_str().to_owned(),
            },
        )
        .await?;
    }
    Ok(stored)
}

/// The daily re-rating of every customer.
pub async fn rate_all(
    db: &DatabaseConnection,
    tenant: TenantId,
    today: NaiveDate,
) -> Result<usize, AppError> {
    let tx = TenantTx::begin(db, tenant).await?;
    let stored = rate_customers(&*tx, today, None).await?;
    tx.commit().await?;
    Ok(stored)
}

/// The customer, if the caller may see it, in an open tenant transaction.
async fn visible_customer(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
) -> Result<(TenantTx, Uuid, NaiveDate), AppError> {
    let access: Access = caller.authorize(Permission::ViewCustomers)?;
    let tenant = caller.require_tenant()?;
    let today = db::tenant_calendar(db, tenant).await?.today;
    let tx = TenantTx::begin(db, tenant).await?;
    let row = customers::load_customer(&*tx, today, id)
        .await?
        .filter(|row| visible_to(caller, access, row))
        .ok_or(AnalyticsError::CustomerNotFound)?;
    Ok((tx, row.id, today))
}

/// The customer's rating in force; computed now if it has none yet.
pub async fn current(
    db: &DatabaseConnection,
    caller: &Caller,
    customer_id: Uuid,
) -> Result<Option<RatingRow>, AppError> {
    let (tx, id, today) = match visible_customer(db, caller, customer_id).await {
        Ok(found) => found,
        Err(error) if error.code() == domain::ErrorCode::NotFound => return Ok(None),
        Err(error) => return Err(error),
    };
    let mut row = store::latest(&*tx, id).await?;
    if row.is_none() {
        rate_customers(&*tx, today, Some(id)).await?;
        row = store::latest(&*tx, id).await?;
    }
    tx.commit().await?;
    Ok(row)
}

/// Every change of the customer's rating, newest first.
pub async fn history(
    db: &DatabaseConnection,
    caller: &Caller,
    customer_id: Uuid,
) -> Result<Vec<RatingRow>, AppError> {
    let (tx, id, _) = match visible_customer(db, caller, customer_id).await {
        Ok(found) => found,
        Err(error) if error.code() == domain::ErrorCode::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(error),
    };
    let rows = store::history(&*tx, id).await?;
    tx.commit().await?;
    Ok(rows)
}

/// A grade set by hand: the customer, the grade and why.
#[derive(Debug, Clone)]
pub struct RatingOverride {
    pub customer_id: Uuid,
    pub grade: Grade,
    pub reason: String,
}

/// Sets the grade in force by hand, with a reason; the computed score and factors stay as they
/// are, beside it. Needs the credit-policy permission; audited.
pub async fn override_rating(
    db: &DatabaseConnection,
    caller: &Caller,
    input: RatingOverride,
    request_id: &str,
) -> Result<RatingRow, AppError> {
    caller.authorize(Permission::ManageCreditPolicy)?;
    let reason = required_text("input.reason", &input.reason, 500)?;
    let actor = audit::actor_of(db, caller).await?;
    let (tx, id, today) = visible_customer(db, caller, input.customer_id).await?;
    store::lock_customer(&*tx, id).await?;
    let latest = match store::latest(&*tx, id).await? {
        Some(row) => row,
        None => {
            rate_customers(&*tx, today, Some(id)).await?;
            store::latest(&*tx, id)
                .await?
                .ok_or(AnalyticsError::CustomerNotFound)?
        }
    };
    let new_id = Uuid::now_v7();
    store::store_override(
        &*tx,
        &latest,
        new_id,
        input.grade,
        today,
        &reason,
        actor.label(),
    )
    .await?;
    audit::record(
        &*tx,
        tx.tenant(),
        AuditEntry {
            actor,
            action: "credit_rating.overridden",
            entity_type: "customer",
            entity_id: Some(id.to_string()),
            before: Some(serde_json::json!({ "grade": latest.grade.as_str(), "computedGrade": latest.computed_grade.as_str() })),
            after: Some(serde_json::json!({ "grade": input.grade.as_str(), "reason": reason })),
            request_id: Some(request_id),
        },
    )
    .await?;
    let row = store::rating(&*tx, new_id)
        .await?
        .ok_or(AnalyticsError::RatingNotFound)?;
    tx.commit().await?;
    Ok(row)
}
