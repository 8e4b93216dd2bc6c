//! Credit ratings' SQL: every customer's payment behaviour over the year, and the ratings
//! stored (one row per change), with the latest grade kept on the customer.

use chrono::{DateTime, NaiveDate, Utc};
use domain::rating::{Contribution, Grade};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

/// A customer's payment behaviour over the year, with its last rating.
#[derive(Debug, FromQueryResult)]
pub struct BehaviourRow {
    pub customer_id: Uuid,
    pub currency: String,
    pub settled: i64,
    pub avg_dbt: Option<Decimal>,
    pub recent_dbt: Option<Decimal>,
    pub earlier_dbt: Option<Decimal>,
    pub paid_late: i64,
    pub paid_in_parts: i64,
    pub promises_judged: i64,
    pub promises_broken: i64,
    pub issued: i64,
    pub disputes: i64,
    pub balance: Decimal,
    pub credit_limit: Option<Decimal>,
    pub months: i32,
    pub share_of_ar: Decimal,
    pub monthly_sales: Decimal,
    pub last_score: Option<Decimal>,
    pub last_computed_grade: Option<Grade>,
    pub last_grade: Option<Grade>,
    pub last_override_reason: Option<String>,
    pub last_overridden_by: Option<String>,
}

/// Every customer's (or one's, `$2`) behaviour over the year to `$1`, with its last rating.
const BEHAVIOUR: &str = concat!(
    r#"
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
    WHERE status IN "#,
    domain::open_statuses!(),
    r#" GROUP BY currency
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
          AND i.status IN "#,
    domain::open_statuses!(),
    r#" AND i.currency = c.currency), 0) AS balance,
       c.credit_limit,
       ((extract(year FROM age($1::date, (c.created_at AT TIME ZONE 'UTC')::date)) * 12
         + extract(month FROM age($1::date, (c.created_at AT TIME ZONE 'UTC')::date))))::int AS months,
       CASE WHEN company.ar > 0
            THEN coalesce((SELECT sum(i.balance_due) FROM invoices i WHERE i.customer_id = c.id
                           AND i.status IN "#,
    domain::open_statuses!(),
    r#" AND i.currency = c.currency), 0) / company.ar
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
"#
);

/// Every customer's behaviour over the year to `today`, or one customer's.
pub async fn behaviour(
    conn: &impl ConnectionTrait,
    today: NaiveDate,
    customer: Option<Uuid>,
) -> Result<Vec<BehaviourRow>, DbErr> {
    BehaviourRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        BEHAVIOUR,
        [today.into(), customer.into()],
    ))
    .all(conn)
    .await
}

/// Stores the ratings that changed (`changed`: a JSON array of rows, in two statements whatever
/// their number) and keeps the latest grade and score on each customer.
pub async fn store_changed(
    conn: &impl ConnectionTrait,
    changed: serde_json::Value,
    today: NaiveDate,
) -> Result<(), DbErr> {
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
    Ok(())
}

/// A stored rating, its factors read.
#[derive(Debug)]
pub struct RatingRow {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub score: Decimal,
    pub grade: Grade,
    pub computed_grade: Grade,
    pub factors: Vec<Contribution>,
    pub recommended_limit: Decimal,
    pub recommended_terms: i32,
    pub currency: String,
    pub override_reason: Option<String>,
    pub overridden_by: Option<String>,
    pub computed_on: NaiveDate,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, FromQueryResult)]
struct StoredRating {
    id: Uuid,
    customer_id: Uuid,
    score: Decimal,
    grade: Grade,
    computed_grade: Grade,
    factors: serde_json::Value,
    recommended_limit: Decimal,
    recommended_terms: i32,
    currency: String,
    override_reason: Option<String>,
    overridden_by: Option<String>,
    computed_on: NaiveDate,
    created_at: DateTime<Utc>,
}

impl TryFrom<StoredRating> for RatingRow {
    type Error = DbErr;

    /// Factors that do not read are an error naming the rating, never an empty list.
    fn try_from(row: StoredRating) -> Result<Self, DbErr> {
        let id = row.id;
        let factors = serde_json::from_value(row.factors).map_err(|error| {
            tracing::error!(row_id = %id, %error, "a stored rating's factors do not parse");
            DbErr::Type(format!(
                "row {id}: the factors are not valid rating factors: {error}"
            ))
        })?;
        Ok(RatingRow {
            id,
            customer_id: row.customer_id,
            score: row.score,
            grade: row.grade,
            computed_grade: row.computed_grade,
            factors,
            recommended_limit: row.recommended_limit,
            recommended_terms: row.recommended_terms,
            currency: row.currency,
            override_reason: row.override_reason,
            overridden_by: row.overridden_by,
            computed_on: row.computed_on,
            created_at: row.created_at,
        })
    }
}

const RATING_COLUMNS: &str = "id, customer_id, score, grade, computed_grade, factors, recommended_limit,
    recommended_terms, currency::text AS currency, override_reason, overridden_by, computed_on, created_at";

async fn ratings(
    conn: &impl ConnectionTrait,
    sql: String,
    id: Uuid,
) -> Result<Vec<RatingRow>, DbErr> {
    StoredRating::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        [id.into()],
    ))
    .all(conn)
    .await?
    .into_iter()
    .map(RatingRow::try_from)
    .collect()
}

/// The customer's rating in force.
pub async fn latest(
    conn: &impl ConnectionTrait,
    customer: Uuid,
) -> Result<Option<RatingRow>, DbErr> {
    Ok(ratings(
        conn,
        format!("SELECT {RATING_COLUMNS} FROM credit_ratings WHERE customer_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1"),
        customer,
    )
    .await?
    .into_iter()
    .next())
}

/// The customer's last hundred ratings, newest first.
pub async fn history(conn: &impl ConnectionTrait, customer: Uuid) -> Result<Vec<RatingRow>, DbErr> {
    ratings(
        conn,
        format!("SELECT {RATING_COLUMNS} FROM credit_ratings WHERE customer_id = $1 ORDER BY created_at DESC, id DESC LIMIT 100"),
        customer,
    )
    .await
}

pub async fn rating(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<RatingRow>, DbErr> {
    Ok(ratings(
        conn,
        format!("SELECT {RATING_COLUMNS} FROM credit_ratings WHERE id = $1"),
        id,
    )
    .await?
    .into_iter()
    .next())
}

/// Locks the customer's row until the transaction ends.
pub async fn lock_customer(conn: &impl ConnectionTrait, customer: Uuid) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id FROM customers WHERE id = $1 FOR UPDATE",
        [customer.into()],
    ))
    .await?;
    Ok(())
}

/// A copy of rating `from` as `id` with the grade chosen by hand, computed on `today`; the
/// grade is kept on the customer too.
pub async fn store_override(
    conn: &impl ConnectionTrait,
    from: &RatingRow,
    id: Uuid,
    grade: Grade,
    today: NaiveDate,
    reason: &str,
    overridden_by: &str,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO credit_ratings (id, customer_id, score, grade, computed_grade, factors, recommended_limit,
                                     recommended_terms, currency, computed_on, override_reason, overridden_by)
         SELECT $2, customer_id, score, $3, computed_grade, factors, recommended_limit, recommended_terms, currency,
                $4, $5, $6
         FROM credit_ratings WHERE id = $1",
        [
            from.id.into(),
            id.into(),
            grade.as_str().into(),
            today.into(),
            reason.to_owned().into(),
            overridden_by.to_owned().into(),
        ],
    ))
    .await?;
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE customers SET risk_grade = $2 WHERE id = $1",
        [from.customer_id.into(), grade.as_str().into()],
    ))
    .await?;
    Ok(())
}
