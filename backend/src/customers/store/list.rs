//! The customer list: filters, order and one page, with balances.

use super::{
    CUSTOMERS_RANKED, CUSTOMERS_RANKED_BY_OVERDUE, CUSTOMERS_WITH_BALANCES, CustomerRow,
    load_customers,
};
use crate::api::pagination::{Page, PageRequest};
use crate::auth::{Caller, assigned_only};
use crate::db::TenantTx;
use crate::db::conditions::{Conditions, count};
use crate::error::AppError;
use chrono::NaiveDate;
use domain::access::Access;
use domain::rating::Grade;
use sea_orm::{DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

/// Which customers a list shows; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Matches name, code, tax id, or a contact's name, email or phone.
    pub search: Option<String>,
    pub collector_id: Option<Uuid>,
    pub segment: Option<String>,
    pub on_hold: Option<bool>,
    pub over_limit: Option<bool>,
    pub has_overdue: Option<bool>,
    /// Any of these credit rating grades (customers not yet rated match none); empty: any.
    pub risk_grades: Vec<Grade>,
    /// Archived customers are left out unless this is true.
    pub include_archived: bool,
}

/// What a customer list is ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrderBy {
    #[default]
    Name,
    Code,
    Balance,
    OverdueAmount,
    DaysPastDue,
    CreatedAt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Asc,
    Desc,
}

/// The order of a customer list; without a direction, names and codes go up and figures and
/// dates go down.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListOrder {
    pub field: OrderBy,
    pub direction: Option<Direction>,
}

impl ListOrder {
    /// Names and codes go up and figures and dates go down unless a direction is given.
    fn direction(&self) -> Direction {
        self.direction.unwrap_or(match self.field {
            OrderBy::Name | OrderBy::Code => Direction::Asc,
            _ => Direction::Desc,
        })
    }

    /// The order's name in cursors, with its direction.
    pub fn name(&self) -> String {
        format!("{:?}_{:?}", self.field, self.direction()).to_uppercase()
    }

    /// Whether pages follow by key (a stored column and the id, through an index) or, for
    /// orders by balances summed at read time, by position.
    pub fn keyset(&self) -> bool {
        matches!(
            self.field,
            OrderBy::Name | OrderBy::Code | OrderBy::CreatedAt
        )
    }

    /// The key columns of a keyset order, as [`PageRequest::restrict`] takes them.
    fn key_columns(&self) -> [(&'static str, &'static str); 2] {
        let first = match self.field {
            OrderBy::Code => ("lower(c.code)", "lower(?::text)"),
            OrderBy::CreatedAt => ("c.created_at", "?::timestamptz"),
            _ => ("lower(c.name)", "lower(?::text)"),
        };
        [first, ("c.id", "?::uuid")]
    }

    /// A row's key in a keyset order.
    pub fn key(&self, row: &CustomerRow) -> Vec<String> {
        let first = match self.field {
            OrderBy::Code => row.code.clone(),
            OrderBy::CreatedAt => row
                .created_at
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            _ => row.name.clone(),
        };
        vec![first, row.id.to_string()]
    }
}

/// One page of a customer list.
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub filter: ListFilter,
    pub order: ListOrder,
    pub page: PageRequest,
    /// Counting sums every customer's balance again: only when the total is asked for.
    pub wants_total: bool,
}

#[derive(Debug, FromQueryResult)]
struct PageId {
    id: Uuid,
}

/// A page of customers as `caller` may see them (collectors and salespeople see those assigned
/// to them), with balances as of `today`.
pub async fn list_page(
    tx: &TenantTx,
    today: NaiveDate,
    caller: &Caller,
    access: Access,
    query: &ListQuery,
) -> Result<Page<CustomerRow>, AppError> {
    let (filter, order, request) = (&query.filter, query.order, &query.page);
    let mut conditions = Conditions::new(vec![today.into()]);
    assigned_only(caller, access, &mut conditions, "c.");
    if !filter.include_archived {
        conditions.fixed("c.archived_at IS NULL");
    }
    if let Some(search) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let pattern = format!(
            "%{}%",
            search
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let n = conditions.bind(pattern);
        conditions.fixed(&format!(
            "(c.name ILIKE ${n} OR c.code ILIKE ${n} OR c.tax_id ILIKE ${n} OR EXISTS (
                SELECT 1 FROM customer_contacts k WHERE k.customer_id = c.id
                  AND (k.name ILIKE ${n} OR k.email ILIKE ${n} OR k.phone ILIKE ${n}
                       OR k.mobile ILIKE ${n} OR k.wechat_id ILIKE ${n})))"
        ));
    }
    if let Some(collector) = filter.collector_id {
        conditions.push("c.collector_id = ?", collector);
    }
    if let Some(segment) = filter.segment.clone() {
        conditions.push("c.segment = ?", segment);
    }
    if !filter.risk_grades.is_empty() {
        let list: Vec<String> = filter
            .risk_grades
            .iter()
            .map(|grade| grade.as_str().to_owned())
            .collect();
        conditions.push("c.risk_grade = ANY(?::text[])", list);
    }
    if let Some(on_hold) = filter.on_hold {
        conditions.push("c.credit_hold = ?", on_hold);
    }
    match filter.over_limit {
        Some(true) => {
            conditions.fixed("(c.credit_limit IS NOT NULL AND c.balance > c.credit_limit)")
        }
        Some(false) => conditions.fixed("(c.credit_limit IS NULL OR c.balance <= c.credit_limit)"),
        None => {}
    }
    match filter.has_overdue {
        Some(true) => conditions.fixed("c.overdue > 0"),
        Some(false) => conditions.fixed("c.overdue = 0"),
        None => {}
    }
    let direction = match order.direction() {
        Direction::Asc => "ASC",
        Direction::Desc => "DESC",
    };
    let order_sql = match order.field {
        OrderBy::Name => format!("lower(c.name) {direction}, c.id {direction}"),
        OrderBy::Code => format!("lower(c.code) {direction}, c.id {direction}"),
        OrderBy::Balance => format!("c.balance {direction}, lower(c.name), c.id"),
        OrderBy::OverdueAmount => format!("c.overdue {direction}, lower(c.name), c.id"),
        // More days past due is an older oldest overdue date.
        OrderBy::DaysPastDue => format!(
            "c.oldest_overdue_due {} NULLS LAST, lower(c.name), c.id",
            if direction == "DESC" { "ASC" } else { "DESC" }
        ),
        OrderBy::CreatedAt => format!("c.created_at {direction}, c.id {direction}"),
    };
    // The filter applies to the count; the cursor only to the page.
    let filtered = conditions.sql();
    let count_values = conditions.values.clone();
    request.restrict(&mut conditions, &order.key_columns(), direction == "DESC")?;
    let paged = conditions.sql();
    let values = conditions.values;
    let limit = request.limit_sql();
    // Balances are summed for every customer only when the order or the filter needs them.
    let needs_figures = filtered.contains("c.balance")
        || filtered.contains("c.overdue")
        || !matches!(
            order.field,
            OrderBy::Name | OrderBy::Code | OrderBy::CreatedAt
        );
    // Without a balance to filter or order by, only the overdue items are summed.
    let ranked = if filtered.contains("c.balance") || order.field == OrderBy::Balance {
        CUSTOMERS_RANKED
    } else {
        CUSTOMERS_RANKED_BY_OVERDUE
    };
    let count_sql = if needs_figures {
        format!("SELECT count(*) AS n FROM ({ranked}) c WHERE {filtered}")
    } else {
        format!("SELECT count(*) AS n FROM customers c WHERE $1::date IS NOT NULL AND {filtered}")
    };

    if needs_figures {
        crate::db::report_memory(&**tx).await?;
    }
    let rows = if needs_figures {
        // The page's ids from the grouped figures, then those customers in full.
        let ids: Vec<Uuid> = PageId::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!("SELECT c.id FROM ({ranked}) c WHERE {paged} ORDER BY {order_sql} {limit}"),
            values,
        ))
        .all(&**tx)
        .await?
        .into_iter()
        .map(|row| row.id)
        .collect();
        let mut rows = load_customers(&**tx, today, &ids).await?;
        rows.sort_by_key(|row| ids.iter().position(|id| *id == row.id));
        rows
    } else {
        CustomerRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "SELECT * FROM ({}) c WHERE {paged} ORDER BY {order_sql} {limit}",
                *CUSTOMERS_WITH_BALANCES
            ),
            values,
        ))
        .all(&**tx)
        .await?
    };
    // Counting sums every customer's balance again: only when `totalCount` is asked for (the
    // dashboard's top five do not).
    let total = if query.wants_total {
        count(tx, count_sql, count_values).await?
    } else {
        0
    };
    Ok(request.page(rows, total, |row| order.key(row)))
}

/// The most segments [`segments`] lists.
pub const MAX_SEGMENTS: u32 = 500;

/// The segments of the customers the caller sees (not archived), by name.
pub async fn segments(
    conn: &impl sea_orm::ConnectionTrait,
    caller: &Caller,
    access: Access,
) -> Result<Vec<String>, sea_orm::DbErr> {
    let mut conditions = Conditions::new(Vec::new());
    conditions.fixed("c.segment IS NOT NULL AND c.archived_at IS NULL");
    assigned_only(caller, access, &mut conditions, "c.");
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "SELECT DISTINCT c.segment FROM customers c WHERE {} ORDER BY 1 LIMIT {MAX_SEGMENTS}",
                conditions.sql()
            ),
            conditions.values,
        ))
        .await?;
    rows.iter()
        .map(|row| row.try_get::<String>("", "segment"))
        .collect()
}
