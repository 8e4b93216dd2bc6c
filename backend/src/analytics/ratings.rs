//! Credit ratings: `creditRating(customerId)`, `creditRatingHistory(customerId)`,
//! `overrideCreditRating(input)`; recomputed daily for every customer and after payment events.
//!
//! One statement gathers every customer's payment behaviour over the last year; the domain's
//! `rating::rate` scores it. A new rating is stored only when the score or grade changed, so the
//! history is the history of changes. The latest grade is also kept on the customer, for the
//! customer list's risk filter. An override keeps the computed score and factors and records
//! the grade chosen, with a reason; it stands until the computed grade changes.

use crate::api::values::{Date, Money, parse_id, required_text};
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::auth::visible_to;
use crate::customers;
use crate::db::{self, TenantTx};
use crate::error::AppError;
use async_graphql::{ID, InputObject, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use domain::TenantId;
use domain::access::{Access, Permission};
use domain::rating::{self, Behaviour, Contribution, Factor, Grade};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

#[derive(Debug, FromQueryResult)]
struct BehaviourRow {
    customer_id: Uuid,
    currency: String,
    settled: i64,
    avg_dbt: Option<Decimal>,
    recent_dbt: Option<Decimal>,
    earlier_dbt: Option<Decimal>,
    paid_late: i64,
    paid_in_parts: i64,
    promises_judged: i64,
    promises_broken: i64,
    issued: i64,
    disputes: i64,
    balance: Decimal,
    credit_limit: Option<Decimal>,
    months: i32,
    share_of_ar: Decimal,
    monthly_sales: Decimal,
    last_score: Option<Decimal>,
    last_computed_grade: Option<String>,
    last_grade: Option<String>,
    last_override_reason: Option<String>,
    last_overridden_by: Option<String>,
}

/// Every customer's (or one's, `$2`) behaviour over the year to `$1`, with its last rating.
const BEHAVIOUR: &str = r#"
WITH settled AS (
    SELECT i.customer_id, i.id, i.due_date,
           max(p.received_on) AS paid_on, count(DISTINCT a.payment_id) AS payments
    FROM invoices i
    JOIN allocations a ON a.invoice_id = i.id AND a.reverses_id IS NULL
    JOIN payments p ON p.id = a.payment_id
    WHERE i.status = 'PAID' AND i.due_date > $1::date - 365
      AND NOT EXISTS (SELECT 1 FROM payment_reversals r WHERE r.payment_id = p.id)
      AND ($2::uuid IS NULL OR i.customer_id = $2)
    GROUP BY i.customer_id, i.id, i.due_date
), by_customer AS (
    SELECT customer_id, count(*) AS settled,
           avg(greatest(paid_on - due_date, 0))::numeric AS avg_dbt,
           avg(greatest(paid_on - due_date, 0)) FILTER (WHERE paid_on > $1::date - 90)::numeric AS recent_dbt,
           avg(greatest(paid_on - due_date, 0)) FILTER (WHERE paid_on <= $1::date - 90)::numeric AS earlier_dbt,
           count(*) FILTER (WHERE paid_on > due_date) AS paid_late,
           count(*) FILTER (WHERE payments > 1) AS paid_in_parts
    FROM settled GROUP BY customer_id
), company AS (
    SELECT currency, sum(balance_due) AS ar FROM invoices
    WHERE status IN ('ISSUED', 'PARTIALLY_PAID') GROUP BY currency
)
SELECT c.id AS customer_id, c.currency::text AS currency,
       coalesce(b.settled, 0) AS settled, b.avg_dbt, b.recent_dbt, b.earlier_dbt,
       coalesce(b.paid_late, 0) AS paid_late, coalesce(b.paid_in_parts, 0) AS paid_in_parts,
       (SELECT count(*) FROM promises x WHERE x.customer_id = c.id AND x.promised_date > $1::date - 365
          AND x.status IN ('KEPT', 'PARTIALLY_KEPT', 'BROKEN')) AS promises_judged,
       (SELECT count(*) FROM promises x WHERE x.customer_id = c.id AND x.promised_date > $1::date - 365
          AND x.status = 'BROKEN') AS promises_broken,
       (SELECT count(*) FROM invoices i WHERE i.customer_id = c.id AND i.status NOT IN ('DRAFT', 'VOID')
          AND i.issue_date > $1::date - 365) AS issued,
       (SELECT count(*) FROM disputes d JOIN invoices i ON i.id = d.invoice_id
          WHERE i.customer_id = c.id AND d.opened_at > $1::date - 365) AS disputes,
       coalesce((SELECT sum(i.balance_due) FROM invoices i WHERE i.customer_id = c.id
          AND i.status IN ('ISSUED', 'PARTIALLY_PAID') AND i.currency = c.currency), 0) AS balance,
       c.credit_limit,
       ((extract(year FROM age($1::date, (c.created_at AT TIME ZONE 'UTC')::date)) * 12
         + extract(month FROM age($1::date, (c.created_at AT TIME ZONE 'UTC')::date))))::int AS months,
       CASE WHEN company.ar > 0
            THEN coalesce((SELECT sum(i.balance_due) FROM invoices i WHERE i.customer_id = c.id
                           AND i.status IN ('ISSUED', 'PARTIALLY_PAID') AND i.currency = c.currency), 0) / company.ar
            ELSE 0 END AS share_of_ar,
       coalesce((SELECT sum(i.total) FROM invoices i WHERE i.customer_id = c.id AND i.currency = c.currency
          AND i.status NOT IN ('DRAFT', 'VOID') AND i.issue_date > $1::date - 365), 0) / 12 AS monthly_sales,
       r.score AS last_score, r.computed_grade AS last_computed_grade, r.grade AS last_grade,
       r.override_reason AS last_override_reason, r.overridden_by AS last_overridden_by
FROM customers c
-- Exposure is a share of the company's receivables in the customer's own currency.
LEFT JOIN company ON company.currency = c.currency
LEFT JOIN by_customer b ON b.customer_id = c.id
LEFT JOIN LATERAL (
    SELECT score, computed_grade, grade, override_reason, overridden_by FROM credit_ratings x
    WHERE x.customer_id = c.id ORDER BY x.created_at DESC, x.id DESC LIMIT 1
) r ON true
WHERE c.archived_at IS NULL AND ($2::uuid IS NULL OR c.id = $2)
"#;

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
    let rows = BehaviourRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        BEHAVIOUR,
        [today.into(), customer.into()],
    ))
    .all(conn)
    .await?;
    // What changed is written in two statements, whatever the number of customers.
    let mut changed: Vec<serde_json::Value> = Vec::new();
    let mut downgrades: Vec<(Uuid, Grade, Grade, Uuid)> = Vec::new();
    for row in rows {
        let rated = rating::rate(&behaviour(&row));
        let computed = rated.grade;
        let unchanged = row.last_score == Some(rated.score)
            && row.last_computed_grade.as_deref() == Some(computed.as_str());
        if unchanged {
            continue;
        }
        // An override stands, with its reason and author, while the computed grade stays what
        // it was; a new computed grade ends it.
        let keep_override = row.last_override_reason.is_some()
            && row.last_computed_grade.as_deref() == Some(computed.as_str());
        let (grade, override_reason, overridden_by) = if keep_override {
            (
                row.last_grade
                    .as_deref()
                    .and_then(Grade::parse)
                    .unwrap_or(computed),
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
        if let Some(before) = row.last_computed_grade.as_deref().and_then(Grade::parse)
            && computed > before
        {
            downgrades.push((row.customer_id, before, computed, id));
        }
    }
    if changed.is_empty() {
        return Ok(0);
    }
    let stored = changed.len();
    let changed = serde_json::Value::Array(changed);
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO credit_ratings (id, customer_id, score, grade, computed_grade, factors, recommended_limit,
                                     recommended_terms, currency, computed_on, override_reason, overridden_by)
         SELECT x.id, x.customer_id, x.score, x.grade, x.computed_grade, x.factors, x.recommended_limit,
                x.recommended_terms, x.currency, $2, x.override_reason, x.overridden_by
         FROM jsonb_to_recordset($1) AS x(id uuid, customer_id uuid, score numeric, grade text,
              computed_grade text, factors jsonb, recommended_limit numeric, recommended_terms int,
              currency text, override_reason text, overridden_by text)",
        [changed.clone().into(), today.into()],
    ))
    .await?;
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE customers c SET risk_grade = x.grade, risk_score = x.score
         FROM jsonb_to_recordset($1) AS x(customer_id uuid, grade text, score numeric)
         WHERE c.id = x.customer_id",
        [changed.into()],
    ))
    .await?;
    for (customer, before, after, rating) in downgrades {
        super::alerts::raise(
            conn,
            customer,
            super::alerts::AlertKind::RatingDowngrade,
            &format!("RATING_DOWNGRADE:{rating}"),
            if after >= Grade::D {
                super::alerts::AlertSeverity::High
            } else {
                super::alerts::AlertSeverity::Medium
            },
            &format!(
                "Credit rating went down from {} to {}",
                before.as_str(),
                after.as_str()
            ),
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

#[derive(SimpleObject, Clone)]
pub struct RatingFactor {
    pub factor: Factor,
    /// Points this factor adds to the score, of `weight`.
    pub points: String,
    pub weight: String,
    /// The measure behind it ("12.5 days", "30%").
    pub value: String,
    /// Why, in a line.
    pub reason: String,
}

#[derive(SimpleObject, Clone)]
pub struct CreditRating {
    pub id: ID,
    pub customer_id: ID,
    /// 0 to 100: the sum of the factors' points.
    pub score: String,
    /// The grade in force (an override's, when there is one).
    pub grade: Grade,
    /// The grade the score gives.
    pub computed_grade: Grade,
    pub factors: Vec<RatingFactor>,
    pub recommended_credit_limit: Money,
    pub recommended_terms_days: i32,
    pub override_reason: Option<String>,
    pub overridden_by: Option<String>,
    pub computed_on: Date,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, FromQueryResult)]
struct RatingRow {
    id: Uuid,
    customer_id: Uuid,
    score: Decimal,
    grade: String,
    computed_grade: String,
    factors: serde_json::Value,
    recommended_limit: Decimal,
    recommended_terms: i32,
    currency: String,
    override_reason: Option<String>,
    overridden_by: Option<String>,
    computed_on: NaiveDate,
    created_at: DateTime<Utc>,
}

const RATING_COLUMNS: &str = "id, customer_id, score, grade, computed_grade, factors, recommended_limit,
    recommended_terms, currency::text AS currency, override_reason, overridden_by, computed_on, created_at";

impl From<RatingRow> for CreditRating {
    fn from(row: RatingRow) -> Self {
        let factors: Vec<Contribution> = serde_json::from_value(row.factors).unwrap_or_default();
        CreditRating {
            id: ID(row.id.to_string()),
            customer_id: ID(row.customer_id.to_string()),
            score: row.score.normalize().to_string(),
            grade: Grade::parse(&row.grade).unwrap_or(Grade::C),
            computed_grade: Grade::parse(&row.computed_grade).unwrap_or(Grade::C),
            factors: factors
                .into_iter()
                .map(|c| RatingFactor {
                    factor: c.factor,
                    points: c.points.normalize().to_string(),
                    weight: c.weight.normalize().to_string(),
                    value: c.value,
                    reason: c.reason,
                })
                .collect(),
            recommended_credit_limit: Money::new(row.recommended_limit, &row.currency),
            recommended_terms_days: row.recommended_terms,
            override_reason: row.override_reason,
            overridden_by: row.overridden_by,
            computed_on: Date(row.computed_on),
            created_at: row.created_at,
        }
    }
}

/// The customer, if the caller may see it, in an open tenant transaction.
async fn visible_customer(
    db: &DatabaseConnection,
    caller: &Caller,
    customer_id: &ID,
) -> Result<(TenantTx, Uuid, NaiveDate), AppError> {
    let access: Access = caller.authorize(Permission::ViewCustomers)?;
    let tenant = caller.require_tenant()?;
    let today = db::tenant_calendar(db, tenant).await?.today;
    let tx = TenantTx::begin(db, tenant).await?;
    let not_found = || AppError::not_found("No such customer.");
    let id = parse_id("customerId", customer_id).map_err(|_| not_found())?;
    let row = customers::load_customer(&*tx, today, id)
        .await?
        .filter(|row| visible_to(caller, access, row))
        .ok_or_else(not_found)?;
    Ok((tx, row.id, today))
}

async fn latest_rating(
    conn: &impl ConnectionTrait,
    customer: Uuid,
) -> Result<Option<RatingRow>, AppError> {
    Ok(RatingRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {RATING_COLUMNS} FROM credit_ratings WHERE customer_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1"),
        [customer.into()],
    ))
    .one(conn)
    .await?)
}

/// The customer's rating in force; computed now if it has none yet.
pub async fn current(
    db: &DatabaseConnection,
    caller: &Caller,
    customer_id: &ID,
) -> Result<Option<CreditRating>, AppError> {
    let (tx, id, today) = match visible_customer(db, caller, customer_id).await {
        Ok(found) => found,
        Err(error) if error.code() == domain::ErrorCode::NotFound => return Ok(None),
        Err(error) => return Err(error),
    };
    let mut row = latest_rating(&*tx, id).await?;
    if row.is_none() {
        rate_customers(&*tx, today, Some(id)).await?;
        row = latest_rating(&*tx, id).await?;
    }
    tx.commit().await?;
    Ok(row.map(CreditRating::from))
}

pub async fn history(
    db: &DatabaseConnection,
    caller: &Caller,
    customer_id: &ID,
) -> Result<Vec<CreditRating>, AppError> {
    let (tx, id, _) = match visible_customer(db, caller, customer_id).await {
        Ok(found) => found,
        Err(error) if error.code() == domain::ErrorCode::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(error),
    };
    let rows = RatingRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {RATING_COLUMNS} FROM credit_ratings WHERE customer_id = $1 ORDER BY created_at DESC, id DESC LIMIT 100"),
        [id.into()],
    ))
    .all(&*tx)
    .await?;
    tx.commit().await?;
    Ok(rows.into_iter().map(CreditRating::from).collect())
}

#[derive(InputObject)]
pub struct OverrideCreditRatingInput {
    pub customer_id: ID,
    pub grade: Grade,
    pub reason: String,
}

/// Sets the grade in force by hand, with a reason; the computed score and factors stay as they
/// are, beside it. Needs the credit-policy permission; audited.
pub async fn override_rating(
    db: &DatabaseConnection,
    caller: &Caller,
    input: OverrideCreditRatingInput,
    request_id: &str,
) -> Result<CreditRating, AppError> {
    caller.authorize(Permission::ManageCreditPolicy)?;
    let reason = required_text("input.reason", &input.reason, 500)?;
    let actor = audit::actor_of(db, caller).await?;
    let (tx, id, today) = visible_customer(db, caller, &input.customer_id).await?;
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id FROM customers WHERE id = $1 FOR UPDATE",
        [id.into()],
    ))
    .await?;
    let latest = match latest_rating(&*tx, id).await? {
        Some(row) => row,
        None => {
            rate_customers(&*tx, today, Some(id)).await?;
            latest_rating(&*tx, id)
                .await?
                .ok_or_else(|| AppError::not_found("No such customer."))?
        }
    };
    let new_id = Uuid::now_v7();
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO credit_ratings (id, customer_id, score, grade, computed_grade, factors, recommended_limit,
                                     recommended_terms, currency, computed_on, override_reason, overridden_by)
         SELECT $2, customer_id, score, $3, computed_grade, factors, recommended_limit, recommended_terms, currency,
                $4, $5, $6
         FROM credit_ratings WHERE id = $1",
        [
            latest.id.into(),
            new_id.into(),
            input.grade.as_str().into(),
            today.into(),
            reason.clone().into(),
            actor.label().to_owned().into(),
        ],
    ))
    .await?;
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE customers SET risk_grade = $2 WHERE id = $1",
        [id.into(), input.grade.as_str().into()],
    ))
    .await?;
    audit::record(
        &*tx,
        tx.tenant(),
        AuditEntry {
            actor,
            action: "credit_rating.overridden",
            entity_type: "customer",
            entity_id: Some(id.to_string()),
            before: Some(serde_json::json!({ "grade": latest.grade, "computedGrade": latest.computed_grade })),
            after: Some(serde_json::json!({ "grade": input.grade.as_str(), "reason": reason })),
            request_id: Some(request_id),
        },
    )
    .await?;
    let row = RatingRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {RATING_COLUMNS} FROM credit_ratings WHERE id = $1"),
        [new_id.into()],
    ))
    .one(&*tx)
    .await?
    .ok_or_else(|| AppError::not_found("No such rating."))?;
    tx.commit().await?;
    Ok(row.into())
}
