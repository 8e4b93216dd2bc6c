//! One pagination for every list. A cursor is opaque to callers: base64url of the list, its
//! order and either the last row's key (keyset: the next page starts after that key, through
//! the order's index, however deep) or, for orders by computed values such as balances, the
//! last row's position. A cursor from another list or order, or an old `list:offset` cursor,
//! is refused with `VALIDATION` on `after`.

use crate::api::values::{CountedList, page_size};
use crate::db::conditions::Conditions;
use crate::error::AppError;
use async_graphql::connection::{Connection, Edge};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
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

/// What a caller asked for: how many rows, and after what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub list: &'static str,
    pub order: &'static str,
    pub first: usize,
    pub after: After,
}

fn refused() -> AppError {
    AppError::validation(
        "after",
        "not a cursor from this list and order; pass an endCursor you were given",
    )
}

impl PageRequest {
    /// `first` (1 to 200, default 50) and `after` of a list named `list` in order `order`.
    pub fn parse(
        list: &'static str,
        order: &'static str,
        first: Option<i32>,
        after: Option<&str>,
    ) -> Result<Self, AppError> {
        let first = page_size(first)?;
        let after = match after {
            None => After::Start,
            Some(cursor) => {
                let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| refused())?;
                let body: Body = serde_json::from_slice(&bytes).map_err(|_| refused())?;
                if body.l != list || body.o != order {
                    return Err(refused());
                }
                match (body.k, body.n) {
                    (Some(key), None) if !key.is_empty() => After::Key(key),
                    (None, Some(offset)) => After::Offset(offset + 1),
                    _ => return Err(refused()),
                }
            }
        };
        Ok(PageRequest {
            list,
            order,
            first,
            after,
        })
    }

    /// Rows to fetch: one more than the page, to know whether another follows.
    pub fn limit(&self) -> i64 {
        self.first as i64 + 1
    }

    /// Rows to skip: only orders by computed values skip.
    pub fn offset(&self) -> usize {
        match self.after {
            After::Offset(offset) => offset,
            _ => 0,
        }
    }

    /// Adds "after the cursor's key" to `conditions` for an order by `columns` (each with the
    /// SQL type its text casts to; the last is the unique id), all ascending or all descending.
    /// A key of another length than the order's is refused.
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
            .map(|((_, sql_type), value)| {
                format!("${}::{sql_type}", conditions.bind(value.clone()))
            })
            .collect::<Vec<_>>()
            .join(", ");
        let comparison = if descending { "<" } else { ">" };
        conditions.fixed(&format!("({left}) {comparison} ({right})"));
        Ok(())
    }

    /// The page as a Relay connection: `rows` as fetched (up to [`Self::limit`]), each row's
    /// cursor key from `key_of` for keyset orders (or its position for offset orders).
    pub fn connection<T: async_graphql::OutputType>(
        &self,
        mut items: Vec<T>,
        total: i64,
        key_of: impl Fn(&T) -> Option<Vec<String>>,
    ) -> Connection<String, T, CountedList> {
        let has_next = items.len() > self.first;
        items.truncate(self.first);
        let mut connection = Connection::with_additional_fields(
            self.after != After::Start,
            has_next,
            CountedList { total_count: total },
        );
        let start = self.offset();
        connection
            .edges
            .extend(items.into_iter().enumerate().map(|(index, item)| {
                let cursor = match key_of(&item) {
                    Some(key) => self.cursor(Some(key), None),
                    None => self.cursor(None, Some(start + index)),
                };
                Edge::new(cursor, item)
            }));
        connection
    }

    fn cursor(&self, key: Option<Vec<String>>, offset: Option<usize>) -> String {
        let body = Body {
            l: self.list.to_owned(),
            o: self.order.to_owned(),
            k: key,
            n: offset,
        };
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&body).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(after: Option<&str>) -> Result<PageRequest, AppError> {
        PageRequest::parse("invoices", "ISSUE_DATE_DESC", Some(2), after)
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
            &[("i.issue_date", "date"), ("i.id", "uuid")],
            true,
        )
        .unwrap();
        assert_eq!(
            conditions.sql(),
            "TRUE AND (i.issue_date, i.id) < ($2::date, $3::uuid)"
        );
    }

    #[test]
    fn offset_cursors_continue_after_their_row() {
        let cursor = page(None).unwrap().cursor(None, Some(49));
        assert_eq!(page(Some(&cursor)).unwrap().offset(), 50);
    }

    #[test]
    fn old_foreign_and_forged_cursors_are_refused_on_after() {
        let other = PageRequest::parse("payments", "ISSUE_DATE_DESC", None, None)
            .unwrap()
            .cursor(Some(vec!["x".into()]), None);
        for cursor in ["invoices:49", "", "%%%", other.as_str()] {
            let error = page(Some(cursor)).unwrap_err();
            assert_eq!(error.public_parts().1.as_deref(), Some("after"), "{cursor}");
        }
        let wrong_length = page(None).unwrap().cursor(Some(vec!["x".into()]), None);
        let request = page(Some(&wrong_length)).unwrap();
        let mut conditions = Conditions::new(vec![]);
        assert!(
            request
                .restrict(&mut conditions, &[("a", "text"), ("id", "uuid")], false)
                .is_err()
        );
    }

    #[test]
    fn first_is_bounded() {
        assert!(PageRequest::parse("x", "y", Some(0), None).is_err());
        assert!(PageRequest::parse("x", "y", Some(201), None).is_err());
        assert_eq!(PageRequest::parse("x", "y", None, None).unwrap().first, 50);
    }
}
