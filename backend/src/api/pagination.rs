//! One pagination for every list. A cursor is opaque to callers: base64url of the list, its
//! order and either the last row's key (keyset: the next page starts after that key, through
//! the order's index, however deep) or, for orders by computed values such as balances, the
//! last row's position. A cursor from another list or order, or an old `list:offset` cursor,
//! is refused with `VALIDATION` on `after`.

use crate::api::values::{CountedList, page_size};
use crate::db::TenantTx;
use crate::db::conditions::Conditions;
use crate::error::AppError;
use async_graphql::connection::{Connection, Edge};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use domain::reason::Reason;
use sea_orm::{DbBackend, FromQueryResult, Statement};
use serde::{Deserialize, Serialize};

/// Where a page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum After {
    Start,
    /// After the row with this key: the order's columns, as text, then the id.
    Key(Vec<String>),
    /// After this many rows, for orders by computed values.
    Offset(usize),
}

#[derive(Serialize, Deserialize)]
struct Body {
    l: String,
    o: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    k: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    n: Option<usize>,
}

/// What a caller asked for: how many rows, and after what, in which list and order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub list: &'static str,
    /// The order's name (with its direction): a cursor of another order is refused.
    pub order: String,
    /// Whether the order pages by key ([`Self::restrict`]) or by position.
    pub keyset: bool,
    pub first: usize,
    pub after: After,
}

fn refused() -> AppError {
    AppError::input("after", Reason::BadCursor {})
}

impl PageRequest {
    /// `first` (1 to 200, default 50) and `after` of the list `list` in the order `order`,
    /// paged by key when `keyset`, else by position.
    pub fn parse(
        list: &'static str,
        order: impl Into<String>,
        keyset: bool,
        first: Option<i32>,
        after: Option<&str>,
    ) -> Result<Self, AppError> {
        let first = page_size(first)?;
        let order = order.into();
        let after = match after {
            None => After::Start,
            Some(cursor) => {
                let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| refused())?;
                let body: Body = serde_json::from_slice(&bytes).map_err(|_| refused())?;
                if body.l != list || body.o != order {
                    return Err(refused());
                }
                match (body.k, body.n) {
                    (Some(key), None) if keyset && !key.is_empty() => After::Key(key),
                    (None, Some(offset)) if !keyset => After::Offset(offset + 1),
                    _ => return Err(refused()),
                }
            }
        };
        Ok(PageRequest {
            list,
            order,
            keyset,
            first,
            after,
        })
    }

    /// Rows to fetch: one more than the page, to know whether another follows.
    pub fn limit(&self) -> i64 {
        self.first as i64 + 1
    }

    /// Rows to skip: only orders by position skip.
    pub fn offset(&self) -> i64 {
        match self.after {
            After::Offset(offset) => offset as i64,
            _ => 0,
        }
    }

    /// `LIMIT n OFFSET m`, written in rather than bound: with them as parameters PostgreSQL
    /// plans a prepared page again on every execution (the generic plan, not knowing the
    /// limit, looks dearer than a custom one), about a millisecond of its CPU a request. Both
    /// are integers this type parsed and bounded.
    pub fn limit_sql(&self) -> String {
        format!("LIMIT {} OFFSET {}", self.limit(), self.offset())
    }

    /// Adds "after the cursor's key" to `conditions` for an order by `columns`, all ascending
    /// or all descending, the last one unique. Each column is its SQL expression and the
    /// expression its key's text becomes, `?` standing for the text: `("i.issue_date",
    /// "?::date")`, `("lower(c.name)", "lower(?::text)")`. A key of another length than the
    /// order's is refused.
    pub fn restrict(
        &self,
        conditions: &mut Conditions,
        columns: &[(&str, &str)],
        descending: bool,
    ) -> Result<(), AppError> {
        let After::Key(key) = &self.after else {
            return Ok(());
        };
        if key.len() != columns.len() {
            return Err(refused());
        }
        let left = columns
            .iter()
            .map(|(column, _)| *column)
            .collect::<Vec<_>>()
            .join(", ");
        let right = columns
            .iter()
            .zip(key)
            .map(|((_, value_sql), value)| {
                value_sql.replace('?', &format!("${}", conditions.bind(value.clone())))
            })
            .collect::<Vec<_>>()
            .join(", ");
        let comparison = if descending { "<" } else { ">" };
        conditions.fixed(&format!("({left}) {comparison} ({right})"));
        Ok(())
    }

    /// The page of `rows` as fetched (up to [`Self::limit`]) with `total` matching in all;
    /// each row's cursor is its key from `key_of` in a keyset order, else its position.
    pub fn page<T>(
        &self,
        mut rows: Vec<T>,
        total: i64,
        key_of: impl Fn(&T) -> Vec<String>,
    ) -> Page<T> {
        let has_next = rows.len() > self.first;
        rows.truncate(self.first);
        let start = self.offset() as usize;
        let cursors = rows
            .iter()
            .enumerate()
            .map(|(index, row)| {
                if self.keyset {
                    self.cursor(Some(key_of(row)), None)
                } else {
                    self.cursor(None, Some(start + index))
                }
            })
            .collect();
        Page {
            cursors,
            items: rows,
            has_previous: self.after != After::Start,
            has_next,
            total,
        }
    }

    fn cursor(&self, key: Option<Vec<String>>, offset: Option<usize>) -> String {
        let body = Body {
            l: self.list.to_owned(),
            o: self.order.clone(),
            k: key,
            n: offset,
        };
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&body).unwrap_or_default())
    }
}

/// The page `request` asks for of `SELECT columns FROM from WHERE conditions`, ordered by
/// `keys` (each its column and how its key text becomes a value, as
/// [`PageRequest::restrict`] takes them; the last unique), all descending or all ascending;
/// and how many rows the conditions match across all pages (the cursor only limits the page),
/// counted only when `wants_total` (0 otherwise: the count is a second statement).
/// The one page skeleton of the lists ordered by their keys alone.
#[allow(clippy::too_many_arguments)]
pub async fn keyset_page<R: FromQueryResult>(
    tx: &TenantTx,
    request: &PageRequest,
    wants_total: bool,
    mut conditions: Conditions,
    columns: &str,
    from: &str,
    keys: &[(&str, &str)],
    descending: bool,
) -> Result<(Vec<R>, i64), AppError> {
    let filtered = conditions.sql();
    let count_values = conditions.values.clone();
    request.restrict(&mut conditions, keys, descending)?;
    let paged = conditions.sql();
    let values = conditions.values;
    let limit = request.limit_sql();
    let direction = if descending { "DESC" } else { "ASC" };
    let order = keys
        .iter()
        .map(|(column, _)| format!("{column} {direction}"))
        .collect::<Vec<_>>()
        .join(", ");
    let rows = R::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {columns} FROM {from} WHERE {paged} ORDER BY {order} {limit}"),
        values,
    ))
    .all(&**tx)
    .await?;
    if !wants_total {
        return Ok((rows, 0));
    }
    let total = crate::db::conditions::count(
        tx,
        format!("SELECT count(*) AS n FROM {from} WHERE {filtered}"),
        count_values,
    )
    .await?;
    Ok((rows, total))
}

/// One page of a list as services return it: the items with their cursors, whether pages come
/// before and after it, and how many items match in all.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    cursors: Vec<String>,
    pub has_previous: bool,
    pub has_next: bool,
    pub total: i64,
}

impl<T> Page<T> {
    pub fn map<U>(mut self, f: impl FnMut(T) -> U) -> Page<U> {
        let items = std::mem::take(&mut self.items).into_iter().map(f).collect();
        self.with_items(items)
    }

    /// The same page holding `items`, built one for one from its own rows (completed in one
    /// batch), in the same order.
    pub fn with_items<U>(self, items: Vec<U>) -> Page<U> {
        debug_assert_eq!(
            items.len(),
            self.cursors.len(),
            "one item per row of the page"
        );
        Page {
            items,
            cursors: self.cursors,
            has_previous: self.has_previous,
            has_next: self.has_next,
            total: self.total,
        }
    }

    /// The page as a Relay connection with `totalCount`, its items mapped to API types.
    pub fn connection<U: async_graphql::OutputType>(
        self,
        mut f: impl FnMut(T) -> U,
    ) -> Connection<String, U, CountedList> {
        let mut connection = Connection::with_additional_fields(
            self.has_previous,
            self.has_next,
            CountedList {
                total_count: self.total,
            },
        );
        connection.edges.extend(
            self.cursors
                .into_iter()
                .zip(self.items)
                .map(|(cursor, item)| Edge::new(cursor, f(item))),
        );
        connection
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(after: Option<&str>) -> Result<PageRequest, AppError> {
        PageRequest::parse("invoices", "ISSUE_DATE_DESC", true, Some(2), after)
    }

    fn by_position(after: Option<&str>) -> Result<PageRequest, AppError> {
        PageRequest::parse("worklist", "RANK", false, Some(2), after)
    }

    #[test]
    fn a_key_cursor_round_trips_and_restricts_after_its_key() {
        let first = page(None).unwrap();
        let cursor = first.cursor(Some(vec!["2026-11-03".into(), "6f1c".into()]), None);
        let next = page(Some(&cursor)).unwrap();
        assert_eq!(
            next.after,
            After::Key(vec!["2026-11-03".into(), "6f1c".into()])
        );
        let mut conditions = Conditions::new(vec![7.into()]);
        next.restrict(
            &mut conditions,
            &[("i.issue_date", "?::date"), ("i.id", "?::uuid")],
            true,
        )
        .unwrap();
        assert_eq!(
            conditions.sql(),
            "TRUE AND (i.issue_date, i.id) < ($2::date, $3::uuid)"
        );
        assert_eq!(next.limit_sql(), "LIMIT 3 OFFSET 0");
    }

    #[test]
    fn a_page_carries_each_rows_cursor() {
        let request = page(None).unwrap();
        let rows = vec![
            ("2026-11-03", "a"),
            ("2026-11-02", "b"),
            ("2026-11-01", "c"),
        ];
        let page = request.page(rows, 9, |(date, id)| vec![date.to_string(), id.to_string()]);
        assert!(page.has_next && !page.has_previous);
        assert_eq!(page.items.len(), 2);
        let last = page.cursors[1].clone();
        let next = PageRequest::parse("invoices", "ISSUE_DATE_DESC", true, Some(2), Some(&last));
        assert_eq!(
            next.unwrap().after,
            After::Key(vec!["2026-11-02".into(), "b".into()])
        );
    }

    #[test]
    fn position_cursors_continue_after_their_row() {
        let request = by_position(None).unwrap();
        let page = request.page(vec![1, 2, 3], 3, |_| Vec::new());
        let next = by_position(Some(&page.cursors[1])).unwrap();
        assert_eq!(next.offset(), 2);
        assert_eq!(
            next.page(vec![3], 3, |_| Vec::new()).cursors,
            vec![next.cursor(None, Some(2))]
        );
    }

    #[test]
    fn old_foreign_and_forged_cursors_are_refused_on_after() {
        let other = PageRequest::parse("payments", "ISSUE_DATE_DESC", true, None, None)
            .unwrap()
            .cursor(Some(vec!["x".into()]), None);
        let other_order = PageRequest::parse("invoices", "ISSUE_DATE_ASC", true, None, None)
            .unwrap()
            .cursor(Some(vec!["x".into(), "y".into()]), None);
        let positional = page(None).unwrap().cursor(None, Some(4));
        for cursor in [
            "invoices:49",
            "",
            "%%%",
            other.as_str(),
            other_order.as_str(),
            positional.as_str(),
        ] {
            let error = page(Some(cursor)).unwrap_err();
            assert_eq!(error.public().1["field"], "after", "{cursor}");
        }
        let keyed = page(None).unwrap().cursor(Some(vec!["x".into()]), None);
        assert!(by_position(Some(&keyed)).is_err());
        let request = page(Some(&keyed)).unwrap();
        let mut conditions = Conditions::new(vec![]);
        assert!(
            request
                .restrict(&mut conditions, &[("a", "?"), ("id", "?::uuid")], false)
                .is_err()
        );
    }

    #[test]
    fn first_is_bounded() {
        assert!(PageRequest::parse("x", "y", true, Some(0), None).is_err());
        assert!(PageRequest::parse("x", "y", true, Some(201), None).is_err());
        assert_eq!(
            PageRequest::parse("x", "y", true, None, None)
                .unwrap()
                .first,
            50
        );
    }
}
