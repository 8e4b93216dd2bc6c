//! The customer list: filters, order and one page, with balances.

use super::{CUSTOMERS_RANKED, CUSTOMERS_WITH_BALANCES, CustomerRow, load_customers};
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

/// One page of a customer list: `first` rows from `offset`.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub filter: ListFilter,
    pub order: ListOrder,
    pub first: usize,
    pub offset: usize,
    /// Counting sums every customer's balance again: only when the total is asked for.
    pub wants_total: bool,
}

/// The rows of one page, whether more follow, and the total (0 unless asked for).
#[derive(Debug, Clone)]
pub struct ListPage {
    pub rows: Vec<CustomerRow>,
    pub has_next: bool,
    pub total: i64,
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
) -> Result<ListPage, AppError> {
    let (filter, order, first, offset) = (&query.filter, query.order, query.first, query.offset);
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
                  AND (k.name ILIKE ${n} OR k.email ILIKE ${n} OR k.phone ILIKE ${n})))"
        ));
    }
    if let Some(collector) = filter.collector_id {
        conditions.push("c.collector_id = ?", collector);
    }
    if let Some(segment) = filter.segment.clone() {
        conditions.push("c.segment = ?", segment);
    }
    if !filter.risk_grades.is_empty() {
        let list: Vec<&str> = filter
            .risk_grades
            .iter()
            .map(|grade| grade.as_str())
            .collect();
        conditions.push(
            "c.risk_grade = ANY(string_to_array(?, ','))",
            list.join(","),
        );
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
    let direction = match order.direction.unwrap_or(match order.field {
        OrderBy::Name | OrderBy::Code => Direction::Asc,
        _ => Direction::Desc,
    }) {
        Direction::Asc => "ASC",
        Direction::Desc => "DESC",
    };
    let order_sql = match order.field {
        OrderBy::Name => format!("lower(c.name) {direction}, c.id"),
        OrderBy::Code => format!("lower(c.code) {direction}, c.id"),
        OrderBy::Balance => format!("c.balance {direction}, lower(c.name), c.id"),
        OrderBy::OverdueAmount => format!("c.overdue {direction}, lower(c.name), c.id"),
        // More days past due is an older oldest overdue date.
        OrderBy::DaysPastDue => format!(
            "c.oldest_overdue_due {} NULLS LAST, lower(c.name), c.id",
            if direction == "DESC" { "ASC" } else { "DESC" }
        ),
        OrderBy::CreatedAt => format!("c.created_at {direction}, c.id"),
    };
    let filtered = conditions.sql();
    let mut values = conditions.values;
    let count_values = values.clone();
    values.push(((first + 1) as i64).into());
    values.push((offset as i64).into());
    let (limit, skip) = (values.len() - 1, values.len());
    // Balances are summed for every customer only when the order or the filter needs them.
    let needs_figures = filtered.contains("c.balance")
        || filtered.contains("c.overdue")
        || !matches!(
            order.field,
            OrderBy::Name | OrderBy::Code | OrderBy::CreatedAt
        );
    let count_sql = if needs_figures {
        format!("SELECT count(*) AS n FROM ({CUSTOMERS_RANKED}) c WHERE {filtered}")
    } else {
        format!("SELECT count(*) AS n FROM customers c WHERE $1::date IS NOT NULL AND {filtered}")
    };

    if needs_figures {
        crate::db::report_memory(&**tx).await?;
    }
    let mut rows = if needs_figures {
        // The page's ids from the grouped figures, then those customers in full.
        let ids: Vec<Uuid> = PageId::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "SELECT c.id FROM ({CUSTOMERS_RANKED}) c WHERE {filtered} ORDER BY {order_sql}
                 LIMIT ${limit} OFFSET ${skip}"
            ),
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
                "SELECT * FROM ({CUSTOMERS_WITH_BALANCES}) c WHERE {filtered} ORDER BY {order_sql}
                 LIMIT ${limit} OFFSET ${skip}"
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
    let has_next = rows.len() > first;
    rows.truncate(first);
    Ok(ListPage {
        rows,
        has_next,
        total,
    })
}
