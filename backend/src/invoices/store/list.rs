//! The invoices list: the filter and order as SQL, one page and the count.

use super::{INVOICE_COLUMNS, INVOICES_FROM, InvoiceRow};
use crate::api::pagination::PageRequest;
use crate::auth::{Caller, assigned_only};
use crate::db::TenantTx;
use crate::db::conditions::Conditions;
use crate::error::AppError;
use chrono::NaiveDate;
use domain::Currency;
use domain::access::Access;
use domain::invoices::InvoiceStatus;
use domain::invoices::OPEN_STATUSES_SQL;
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

/// Which invoices to list; every part is optional.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub customer_id: Option<Uuid>,
    /// Any of these statuses.
    pub statuses: Option<Vec<InvoiceStatus>>,
    /// Only open invoices past their due date (or, with false, not past it).
    pub overdue: Option<bool>,
    /// Only invoices with an open dispute (or, with false, without one).
    pub disputed: Option<bool>,
    /// Only invoices with a fapiao standing (recorded, not voided; or, with false, without).
    pub fapiao_issued: Option<bool>,
    /// Matches the number, the external reference or the customer's name or code.
    pub search: Option<String>,
    pub currency: Option<Currency>,
    pub issued_from: Option<NaiveDate>,
    pub issued_to: Option<NaiveDate>,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
}

impl ListFilter {
    /// Whether the filter reads only the customer and the status, which the per-customer
    /// counters (`invoice_counts`) answer without counting the invoices themselves.
    fn counted_by_customer_and_status(&self) -> bool {
        self.overdue.is_none()
            && self.disputed.is_none()
            && self.fapiao_issued.is_none()
            && self
                .search
                .as_deref()
                .is_none_or(|search| search.trim().is_empty())
            && self.currency.is_none()
            && [self.issued_from, self.issued_to, self.due_from, self.due_to]
                .iter()
                .all(Option::is_none)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortField {
    #[default]
    IssueDate,
    DueDate,
    Number,
    Total,
    BalanceDue,
    DaysOverdue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Asc,
    Desc,
}

/// The order of the list; without a direction, numbers and due dates ascend and the rest
/// descend.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListOrder {
    pub field: SortField,
    pub direction: Option<Direction>,
}

impl ListOrder {
    /// Numbers and due dates ascend and the rest descend unless a direction is given.
    fn direction(&self) -> Direction {
        self.direction.unwrap_or(match self.field {
            SortField::Number | SortField::DueDate => Direction::Asc,
            _ => Direction::Desc,
        })
    }

    /// The order's name in cursors, with its direction.
    pub fn name(&self) -> String {
        format!("{:?}_{:?}", self.field, self.direction()).to_uppercase()
    }

    /// Whether pages follow by key (a date and the id, through an index) or by position.
    pub fn keyset(&self) -> bool {
        matches!(self.field, SortField::IssueDate | SortField::DueDate)
    }

    /// A row's key in a keyset order.
    pub fn key(&self, row: &InvoiceRow) -> Vec<String> {
        let date = match self.field {
            SortField::DueDate => row.due_date,
            _ => row.issue_date,
        };
        vec![date.to_string(), row.id.to_string()]
    }
}

fn like_pattern(search: &str) -> String {
    format!(
        "%{}%",
        search
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

/// The page `request` asks for of the invoices the caller may see, and how many match in all.
#[allow(clippy::too_many_arguments)]
pub async fn page(
    tx: &TenantTx,
    caller: &Caller,
    access: Access,
    today: NaiveDate,
    filter: &ListFilter,
    order: ListOrder,
    request: &PageRequest,
    wants_total: bool,
) -> Result<(Vec<InvoiceRow>, i64), AppError> {
    let mut conditions = Conditions::new(Vec::new());
    assigned_only(caller, access, &mut conditions, "c.");
    if let Some(customer) = filter.customer_id {
        conditions.push("i.customer_id = ?", customer);
    }
    if let Some(statuses) = &filter.statuses
        && !statuses.is_empty()
    {
        let list: Vec<String> = statuses.iter().map(|s| s.as_str().to_owned()).collect();
        conditions.push("i.status = ANY(?::text[])", list);
    }
    if let Some(overdue) = filter.overdue {
        let n = conditions.bind(today);
        conditions.fixed(&format!(
            "{}(i.status IN {OPEN_STATUSES_SQL} AND (
                (NOT i.installment_plan AND i.due_date < ${n})
                OR (i.installment_plan AND EXISTS (
                    SELECT 1 FROM receivable_items r WHERE r.invoice_id = i.id AND r.amount > 0 AND r.due_date < ${n}))))",
            if overdue { "" } else { "NOT " }
        ));
    }
    if let Some(disputed) = filter.disputed {
        // Served by disputes_open_idx.
        conditions.fixed(&format!(
            "{}EXISTS (SELECT 1 FROM disputes d WHERE d.invoice_id = i.id AND d.status = 'OPEN')",
            if disputed { "" } else { "NOT " }
        ));
    }
    if let Some(issued) = filter.fapiao_issued {
        conditions.fixed(&fapiao_issued_sql(issued));
    }
    if let Some(search) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let n = conditions.bind(like_pattern(search));
        conditions.fixed(&format!(
            // Each branch on its own index (trigram on numbers and references, the customer's
            // invoices by customer); an OR across them would scan every invoice.
            "i.id IN (
                SELECT s.id FROM invoices s WHERE s.number ILIKE ${n}
                UNION SELECT s.id FROM invoices s WHERE s.external_ref ILIKE ${n}
                UNION SELECT s.id FROM invoices s JOIN customers k ON k.id = s.customer_id
                      WHERE k.name ILIKE ${n} OR k.code ILIKE ${n})"
        ));
    }
    if let Some(currency) = filter.currency {
        conditions.push("i.currency = ?", currency.code().to_owned());
    }
    for (value, clause) in [
        (filter.issued_from, "i.issue_date >= ?"),
        (filter.issued_to, "i.issue_date <= ?"),
        (filter.due_from, "i.due_date >= ?"),
        (filter.due_to, "i.due_date <= ?"),
    ] {
        if let Some(date) = value {
            conditions.push(clause, date);
        }
    }
    let only_open = filter.overdue == Some(true)
        || filter.statuses.as_ref().is_some_and(|statuses| {
            !statuses.is_empty() && statuses.iter().all(|status| status.is_open())
        });
    let direction = match order.direction() {
        Direction::Asc => "ASC",
        Direction::Desc => "DESC",
    };
    // The order over the invoices' columns as `{t}.column`: `i` in the page, and again over
    // the page's own rows when the count comes with it.
    let order_by = |t: &str| match order.field {
        SortField::IssueDate => format!("{t}.issue_date {direction}, {t}.id {direction}"),
        SortField::DueDate => format!("{t}.due_date {direction}, {t}.id {direction}"),
        SortField::Number => format!("{t}.number {direction} NULLS LAST, {t}.id"),
        SortField::Total => format!("{t}.total {direction}, {t}.id"),
        SortField::BalanceDue => format!("{t}.balance_due {direction}, {t}.id"),
        // Most overdue first when descending: open invoices by due date, the rest after.
        // When only open invoices can match, the due date alone orders them, which the
        // open-invoices index serves without sorting them all.
        SortField::DaysOverdue if only_open => format!(
            "{t}.due_date {}, {t}.id",
            if direction == "DESC" { "ASC" } else { "DESC" }
        ),
        SortField::DaysOverdue => format!(
            "({t}.status IN {OPEN_STATUSES_SQL}) DESC, {t}.due_date {}, {t}.id",
            if direction == "DESC" { "ASC" } else { "DESC" }
        ),
    };
    let order_sql = order_by("i");
    // The filter applies to the count; the cursor only to the page.
    let filtered = conditions.sql();
    let date = match order.field {
        SortField::DueDate => "i.due_date",
        _ => "i.issue_date",
    };
    request.restrict(
        &mut conditions,
        &[(date, "?::date"), ("i.id", "?::uuid")],
        direction == "DESC",
    )?;
    let paged = conditions.sql();
    let values = conditions.values;
    let limit = request.limit_sql();
    if !wants_total {
        let page_sql = format!(
            "SELECT {INVOICE_COLUMNS} FROM {INVOICES_FROM} WHERE {paged} ORDER BY {order_sql} {limit}"
        );
        let rows = InvoiceRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            page_sql,
            values,
        ))
        .all(&**tx)
        .await?;
        return Ok((rows, 0));
    }
    // Unfiltered or by status (and customer, and the caller's customers), the per-customer
    // counters give the total exactly without reading the invoices; named `i` so the filter's
    // `i.customer_id` and `i.status` read them. Other filters count the invoices. The count
    // needs the customers only when the filter reads them.
    let counted = if filter.counted_by_customer_and_status() {
        ("sum(i.invoices)", "invoice_counts i")
    } else {
        ("count(*)", "invoices i")
    };
    let count_from = if filtered.contains("c.") {
        format!("{} JOIN customers c ON c.id = i.customer_id", counted.1)
    } else {
        counted.1.to_owned()
    };
    let count = counted.0;
    // The page and the count in one statement (one round trip): the count's parameters are
    // the first of the page's, so one list binds both. An empty page still returns the count,
    // on a row without an invoice. The page's rows are put in order again outside it (a
    // window numbering them inside would be computed over every matching invoice before the
    // limit).
    let sql = format!(
        "WITH total AS (SELECT coalesce({count}, 0)::bigint AS n FROM {count_from} WHERE {filtered})
         SELECT page.*, total.n AS total_count FROM total
         LEFT JOIN LATERAL (
             SELECT {INVOICE_COLUMNS}
             FROM {INVOICES_FROM} WHERE {paged} ORDER BY {order_sql} {limit}
         ) page ON true
         ORDER BY {}",
        order_by("page")
    );
    let found = (**tx)
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .await?;
    let total = match found.first() {
        Some(row) => row.try_get::<i64>("", "total_count")?,
        None => 0,
    };
    let mut rows = Vec::with_capacity(found.len());
    for row in &found {
        if row.try_get::<Option<Uuid>>("", "id")?.is_some() {
            rows.push(InvoiceRow::from_query_result(row, "")?);
        }
    }
    Ok((rows, total))
}

/// Whether invoice `i` has a standing (not voided, not red-letter) fapiao, or has none: the
/// list's and the CSV export's filter, served by `fapiaos_invoice_idx`.
pub fn fapiao_issued_sql(issued: bool) -> String {
    format!(
        "{}EXISTS (SELECT 1 FROM fapiaos f WHERE f.invoice_id = i.id
                    AND f.voided_at IS NULL AND f.credit_note_id IS NULL)",
        if issued { "" } else { "NOT " }
    )
}
