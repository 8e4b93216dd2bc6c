//! Customer rows with their balances, and the statements that read and change them.

mod changes;
mod list;
mod timeline;

pub use changes::{
    Assignment, CustomerFields, NewContact, assign, follow_collector, insert_customer,
    lock_assignments, replace_contacts, set_archived, set_credit_hold, set_credit_limit,
    unassign_member, update_customer,
};
pub use list::{
    Direction, ListFilter, ListOrder, ListQuery, MAX_SEGMENTS, OrderBy, list_page, segments,
};
pub use timeline::{TimelineRow, timelines};

use chrono::{DateTime, NaiveDate, Utc};
use domain::aging::bucket_sums_sql;
use domain::rating::Grade;
use domain::terms::TermsKind;
use domain::{Currency, Locale};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use std::sync::LazyLock;
use uuid::Uuid;

#[derive(Debug, Clone, FromQueryResult)]
pub struct CustomerRow {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub tax_id: Option<String>,
    pub billing_address: Option<String>,
    pub segment: Option<String>,
    pub tags: Vec<String>,
    pub currency: Currency,
    pub terms_kind: TermsKind,
    pub terms_days: i32,
    pub collector_id: Option<Uuid>,
    pub salesperson_id: Option<Uuid>,
    pub credit_limit: Option<Decimal>,
    pub credit_hold: bool,
    pub credit_hold_reason: Option<String>,
    pub credit_hold_since: Option<DateTime<Utc>>,
    pub notes: Option<String>,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub balance: Decimal,
    pub overdue: Decimal,
    pub aging_current: Decimal,
    pub aging_d1: Decimal,
    pub aging_d2: Decimal,
    pub aging_d3: Decimal,
    pub aging_d4: Decimal,
    pub oldest_overdue_due: Option<NaiveDate>,
    /// Open invoices in every currency.
    pub open_invoices: i64,
    /// Open balances in every currency.
    pub balances: Balances,
    pub unapplied: Decimal,
    /// The credit rating's grade in force and its score (none before the first rating).
    pub risk_grade: Option<Grade>,
    pub risk_score: Option<Decimal>,
    /// The customer's own dunning ladder (none: its segment's, or the company's default) and a
    /// pause set by hand.
    pub dunning_policy_id: Option<Uuid>,
    pub dunning_paused_until: Option<NaiveDate>,
    pub dunning_pause_reason: Option<String>,
    /// The customer's language for its emails and statements (none: the company's).
    pub locale: Option<Locale>,
    /// Its own time zone (none: the company's).
    pub time_zone: Option<String>,
    pub messaging_opt_out: bool,
}

/// An open balance in one currency.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct Balance {
    pub currency: Currency,
    pub amount: Decimal,
}

/// A customer's open balances, one per currency, read from the `[{currency, amount}]` the
/// statement builds (none when nothing is open). A list that does not read is an error naming
/// the row, never an empty or shortened list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Balances(pub Vec<Balance>);

impl sea_orm::TryGetable for Balances {
    fn try_get_by<I: sea_orm::ColIdx>(
        row: &sea_orm::QueryResult,
        index: I,
    ) -> Result<Self, sea_orm::TryGetError> {
        let Some(json) = Option::<serde_json::Value>::try_get_by(row, index)? else {
            return Ok(Balances::default());
        };
        serde_json::from_value(json).map(Balances).map_err(|error| {
            let id = row
                .try_get::<Uuid>("", "id")
                .map(|id| id.to_string())
                .unwrap_or_else(|_| "(no id column)".to_owned());
            tracing::error!(row_id = %id, %error, "a customer's balances do not read");
            sea_orm::TryGetError::DbErr(DbErr::Type(format!(
                "row {id}: the balances do not read: {error}"
            )))
        })
    }
}

impl crate::auth::Assigned for CustomerRow {
    fn collector_id(&self) -> Option<Uuid> {
        self.collector_id
    }
    fn salesperson_id(&self) -> Option<Uuid> {
        self.salesperson_id
    }
}

/// Customers with their open balances as of `$1` (the tenant's today), in the customer's
/// currency, bucketed by the tenant's aging edges. Wrapped by callers as a subquery `c`.
pub static CUSTOMERS_WITH_BALANCES: LazyLock<String> = LazyLock::new(|| {
    let open = domain::open_statuses!();
    let buckets = bucket_sums_sql(
        "r.amount",
        "($1 - r.due_date)",
        ["e.e1", "e.e2", "e.e3"],
        [
            "aging_current",
            "aging_d1",
            "aging_d2",
            "aging_d3",
            "aging_d4",
        ],
        false,
    );
    format!(
        r#"
    SELECT c.id, c.code, c.name, c.tax_id, c.billing_address, c.segment, c.tags, c.currency::text AS currency,
           c.terms_kind, c.terms_days, c.collector_id, c.salesperson_id, c.credit_limit,
           c.credit_hold, c.credit_hold_reason, c.credit_hold_since, c.notes, c.archived_at, c.created_at,
           coalesce(a.balance, 0) AS balance, coalesce(a.overdue, 0) AS overdue,
           coalesce(a.aging_current, 0) AS aging_current, coalesce(a.aging_d1, 0) AS aging_d1,
           coalesce(a.aging_d2, 0) AS aging_d2, coalesce(a.aging_d3, 0) AS aging_d3,
           coalesce(a.aging_d4, 0) AS aging_d4, a.oldest_overdue_due,
           (SELECT count(*) FROM invoices i WHERE i.customer_id = c.id AND i.status IN {open}) AS open_invoices,
           o.balances, coalesce(u.unapplied, 0) AS unapplied, c.risk_grade, c.risk_score,
           c.dunning_policy_id, c.dunning_paused_until, c.dunning_pause_reason, c.locale,
           c.time_zone, c.messaging_opt_out
    FROM customers c
    CROSS JOIN (
        SELECT s.aging_edges[1] AS e1, s.aging_edges[2] AS e2, s.aging_edges[3] AS e3
        FROM company_settings s
    ) e
    LEFT JOIN LATERAL (
        SELECT sum(r.amount) AS balance,
               sum(r.amount) FILTER (WHERE r.due_date < $1) AS overdue,
               {buckets},
               min(r.due_date) FILTER (WHERE r.due_date < $1) AS oldest_overdue_due
        FROM receivable_items r
        WHERE r.customer_id = c.id AND r.currency = c.currency AND r.amount > 0
    ) a ON TRUE
    LEFT JOIN LATERAL (
        -- Every currency: what the customer owes.
        SELECT json_agg(json_build_object('currency', x.currency, 'amount', x.amount::text) ORDER BY x.currency) AS balances
        FROM (
            SELECT i.currency::text AS currency, sum(i.balance_due) AS amount
            FROM invoices i
            WHERE i.customer_id = c.id AND i.status IN {open}
            GROUP BY i.currency
        ) x
    ) o ON TRUE
    LEFT JOIN LATERAL (
        SELECT sum(p.amount - coalesce((SELECT sum(al.amount) FROM allocations al WHERE al.payment_id = p.id), 0)) AS unapplied
        FROM payments p
        WHERE p.customer_id = c.id AND p.currency = c.currency
          AND NOT EXISTS (SELECT 1 FROM payment_reversals r WHERE r.payment_id = p.id)
    ) u ON TRUE
"#
    )
});

/// The customer's own columns a ranked list pages by and filters on.
macro_rules! ranked_customer_columns {
    () => {
        "c.id, c.code, c.name, c.tax_id, c.segment, c.collector_id, c.salesperson_id,
           c.credit_limit, c.credit_hold, c.archived_at, c.created_at, c.risk_grade"
    };
}

/// Customers with the figures lists sort and filter by (balance, overdue, oldest overdue due
/// date), summed for all customers in one grouped pass instead of one lateral per customer:
/// ordering 10,000 customers by overdue amount reads the open items once. Grouped by customer
/// and currency before meeting the customers (each keeps its own currency's), so the planner
/// sees ten thousand groups to hash, not a few hundred to sort a quarter of a million items for. `$1` is today. Used to
/// choose a page's ids; the page's rows then come from [`CUSTOMERS_WITH_BALANCES`].
pub const CUSTOMERS_RANKED: &str = concat!(
    "\n    SELECT ",
    ranked_customer_columns!(),
    r#",
           coalesce(a.balance, 0) AS balance, coalesce(a.overdue, 0) AS overdue, a.oldest_overdue_due
    FROM customers c
    LEFT JOIN (
        SELECT r.customer_id, r.currency, sum(r.amount) AS balance,
               sum(r.amount) FILTER (WHERE r.due_date < $1) AS overdue,
               min(r.due_date) FILTER (WHERE r.due_date < $1) AS oldest_overdue_due
        FROM receivable_items r
        WHERE r.amount > 0
        GROUP BY r.customer_id, r.currency
    ) a ON a.customer_id = c.id AND a.currency = c.currency
"#
);

/// [`CUSTOMERS_RANKED`] without the balance, for lists that order and filter by what is
/// overdue only (the dashboard's most overdue customers): only the items already due are
/// summed, about half the open ones. `$1` is today.
pub const CUSTOMERS_RANKED_BY_OVERDUE: &str = concat!(
    "\n    SELECT ",
    ranked_customer_columns!(),
    r#",
           coalesce(a.overdue, 0) AS overdue, a.oldest_overdue_due
    FROM customers c
    LEFT JOIN (
        SELECT r.customer_id, r.currency, sum(r.amount) AS overdue, min(r.due_date) AS oldest_overdue_due
        FROM receivable_items r
        WHERE r.amount > 0 AND r.due_date < $1
        GROUP BY r.customer_id, r.currency
    ) a ON a.customer_id = c.id AND a.currency = c.currency
"#
);

/// Customers with balances by id, in no particular order.
pub async fn load_customers(
    conn: &impl ConnectionTrait,
    today: NaiveDate,
    ids: &[Uuid],
) -> Result<Vec<CustomerRow>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    CustomerRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT * FROM ({}) c WHERE c.id = ANY($2::uuid[])",
            *CUSTOMERS_WITH_BALANCES
        ),
        [today.into(), ids.to_vec().into()],
    ))
    .all(conn)
    .await
}

/// One customer with balances, or `None` when it is not in this tenant.
pub async fn load_customer(
    conn: &impl ConnectionTrait,
    today: NaiveDate,
    id: Uuid,
) -> Result<Option<CustomerRow>, DbErr> {
    CustomerRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT * FROM ({}) c WHERE c.id = $2",
            *CUSTOMERS_WITH_BALANCES
        ),
        [today.into(), id.into()],
    ))
    .one(conn)
    .await
}

/// Locks the customer's row for the rest of the transaction (credit checks and payments for
/// one customer take turns) and returns it with balances.
pub async fn customer_for_update(
    conn: &impl ConnectionTrait,
    today: NaiveDate,
    id: Uuid,
) -> Result<Option<CustomerRow>, DbErr> {
    let locked = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id FROM customers WHERE id = $1 FOR UPDATE",
            [id.into()],
        ))
        .await?;
    if locked.is_none() {
        return Ok(None);
    }
    load_customer(conn, today, id).await
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct ContactRow {
    pub customer_id: Uuid,
    pub name: String,
    pub role: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub preferred_channel: Option<String>,
    /// The contact's own language (none: the customer's).
    pub locale: Option<Locale>,
    pub mobile: Option<String>,
    pub wechat_id: Option<String>,
    /// Receives invoices, statements and dunning.
    pub billing: bool,
    pub wecom_external_user_id: Option<String>,
}

pub async fn contacts_of(
    conn: &impl ConnectionTrait,
    customer_ids: &[Uuid],
) -> Result<Vec<ContactRow>, DbErr> {
    if customer_ids.is_empty() {
        return Ok(Vec::new());
    }
    ContactRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT customer_id, name, role, email, phone, preferred_channel, locale, mobile, wechat_id, billing,
                wecom_external_user_id
         FROM customer_contacts
         WHERE customer_id = ANY($1::uuid[]) ORDER BY customer_id, position",
        [customer_ids.to_vec().into()],
    ))
    .all(conn)
    .await
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct CreditEventRow {
    pub customer_id: Uuid,
    pub kind: String,
    pub credit_limit: Option<Decimal>,
    pub previous_limit: Option<Decimal>,
    pub reason: String,
    pub actor_label: String,
    pub occurred_at: DateTime<Utc>,
}

/// The credit events of each of `customer_ids`, newest first within a customer: one statement
/// for a whole page of customers.
pub async fn credit_events_of(
    conn: &impl ConnectionTrait,
    customer_ids: &[Uuid],
) -> Result<Vec<CreditEventRow>, DbErr> {
    if customer_ids.is_empty() {
        return Ok(Vec::new());
    }
    CreditEventRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT customer_id, kind, credit_limit, previous_limit, reason, actor_label, occurred_at
         FROM credit_events WHERE customer_id = ANY($1::uuid[])
         ORDER BY customer_id, occurred_at DESC, id DESC",
        [customer_ids.to_vec().into()],
    ))
    .all(conn)
    .await
}

pub async fn append_credit_event(
    conn: &impl ConnectionTrait,
    customer_id: Uuid,
    kind: &str,
    credit_limit: Option<Decimal>,
    previous_limit: Option<Decimal>,
    reason: &str,
    actor_label: &str,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO credit_events (id, customer_id, kind, credit_limit, previous_limit, reason, actor_label)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [
            Uuid::now_v7().into(),
            customer_id.into(),
            kind.into(),
            credit_limit.into(),
            previous_limit.into(),
            reason.into(),
            actor_label.into(),
        ],
    ))
    .await?;
    Ok(())
}
