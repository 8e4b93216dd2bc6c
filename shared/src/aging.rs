//! Aging: how late an amount is, and which bucket that puts it in.
//!
//! The buckets partition every day count: an amount not yet due is `Current`, and each overdue
//! day count falls in exactly one bucket. The edges (30, 60, 90 by default) are a tenant setting.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AgingBucket {
    Current,
    #[cfg_attr(feature = "graphql", graphql(name = "D1_TO_30"))]
    D1To30,
    #[cfg_attr(feature = "graphql", graphql(name = "D31_TO_60"))]
    D31To60,
    #[cfg_attr(feature = "graphql", graphql(name = "D61_TO_90"))]
    D61To90,
    #[cfg_attr(feature = "graphql", graphql(name = "OVER_90"))]
    Over90,
}

impl AgingBucket {
    pub const ALL: [AgingBucket; 5] = [
        AgingBucket::Current,
        AgingBucket::D1To30,
        AgingBucket::D31To60,
        AgingBucket::D61To90,
        AgingBucket::Over90,
    ];

    pub const fn index(self) -> usize {
        self as usize
    }

    /// The SQL condition that puts `days` (an integer SQL expression: days past due) in this
    /// bucket, the edges given as SQL expressions (parameters or columns): the rule of
    /// [`AgingEdges::bucket`], for statements that sum buckets in the database.
    pub fn sql_condition(self, days: &str, edges: [&str; 3]) -> String {
        let [first, second, third] = edges;
        match self {
            AgingBucket::Current => format!("{days} <= 0"),
            AgingBucket::D1To30 => format!("{days} BETWEEN 1 AND {first}"),
            AgingBucket::D31To60 => format!("{days} BETWEEN {first} + 1 AND {second}"),
            AgingBucket::D61To90 => format!("{days} BETWEEN {second} + 1 AND {third}"),
            AgingBucket::Over90 => format!("{days} > {third}"),
        }
    }
}

/// `sum(amount) FILTER (WHERE …) AS alias` for each bucket in order, comma-separated: the one
/// way a statement sums aging buckets. With `zero_when_empty` a bucket with nothing is 0
/// rather than NULL.
pub fn bucket_sums_sql(
    amount: &str,
    days: &str,
    edges: [&str; 3],
    aliases: [&str; 5],
    zero_when_empty: bool,
) -> String {
    AgingBucket::ALL
        .iter()
        .zip(aliases)
        .map(|(bucket, alias)| {
            let sum = format!(
                "sum({amount}) FILTER (WHERE {})",
                bucket.sql_condition(days, edges)
            );
            if zero_when_empty {
                format!("coalesce({sum}, 0) AS {alias}")
            } else {
                format!("{sum} AS {alias}")
            }
        })
        .collect::<Vec<_>>()
        .join(",\n     ")
}

// How the aging report groups its rows (the API's `groupBy`). Plain comments, not doc
// comments: with the `graphql` feature a doc comment would become the enum's description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum AgingGroupBy {
    #[default]
    None,
    Customer,
    Collector,
    Segment,
}

// What an amount's days are counted from (the API's `basis`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum AgingBasis {
    #[default]
    DueDate,
    InvoiceDate,
}

/// The last overdue day of the first three overdue buckets: `[30, 60, 90]` by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgingEdges(pub [i64; 3]);

impl Default for AgingEdges {
    fn default() -> Self {
        AgingEdges([30, 60, 90])
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("aging edges must be increasing whole days above zero, such as 30, 60, 90")]
pub struct AgingEdgesError;

impl AgingEdges {
    pub fn new(edges: [i64; 3]) -> Result<Self, AgingEdgesError> {
        if edges[0] >= 1 && edges[0] < edges[1] && edges[1] < edges[2] {
            Ok(AgingEdges(edges))
        } else {
            Err(AgingEdgesError)
        }
    }

    pub fn bucket(&self, days_overdue: i64) -> AgingBucket {
        let [first, second, third] = self.0;
        match days_overdue {
            days if days <= 0 => AgingBucket::Current,
            days if days <= first => AgingBucket::D1To30,
            days if days <= second => AgingBucket::D31To60,
            days if days <= third => AgingBucket::D61To90,
            _ => AgingBucket::Over90,
        }
    }
}

/// Days past the due date on `as_of`; zero or negative when not yet overdue.
pub fn days_past_due(due_date: NaiveDate, as_of: NaiveDate) -> i64 {
    (as_of - due_date).num_days()
}

/// Days overdue as shown on an invoice: never negative.
pub fn days_overdue(due_date: NaiveDate, as_of: NaiveDate) -> i64 {
    days_past_due(due_date, as_of).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bucket_sums_name_each_bucket_once_with_the_edges() {
        let sql = bucket_sums_sql(
            "t.amount",
            "d",
            ["$5", "$6", "$7"],
            ["a", "b", "c", "e", "f"],
            true,
        );
        assert_eq!(sql.matches("coalesce(sum(t.amount) FILTER").count(), 5);
        assert!(sql.contains("(WHERE d BETWEEN $5 + 1 AND $6), 0) AS c"));
        assert!(sql.ends_with("(WHERE d > $7), 0) AS f"));
        let bare = AgingBucket::D1To30.sql_condition("x", ["30", "60", "90"]);
        assert_eq!(bare, "x BETWEEN 1 AND 30");
    }

    #[test]
    fn default_edges() {
        let edges = AgingEdges::default();
        let cases = [
            (-5, AgingBucket::Current),
            (0, AgingBucket::Current),
            (1, AgingBucket::D1To30),
            (30, AgingBucket::D1To30),
            (31, AgingBucket::D31To60),
            (60, AgingBucket::D31To60),
            (61, AgingBucket::D61To90),
            (90, AgingBucket::D61To90),
            (91, AgingBucket::Over90),
            (4000, AgingBucket::Over90),
        ];
        for (days, bucket) in cases {
            assert_eq!(edges.bucket(days), bucket, "{days} days");
        }
    }

    #[test]
    fn edges_must_increase() {
        assert!(AgingEdges::new([15, 45, 90]).is_ok());
        assert!(AgingEdges::new([0, 45, 90]).is_err());
        assert!(AgingEdges::new([30, 30, 90]).is_err());
    }

    #[test]
    fn overdue_days_count_calendar_days() {
        let due = NaiveDate::from_ymd_opt(2026, 2, 27).unwrap();
        let as_of = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        assert_eq!(days_overdue(due, as_of), 3);
        assert_eq!(days_overdue(as_of, due), 0);
    }

    proptest! {
        /// Buckets partition the days: each day is in exactly one, and later never means a
        /// younger bucket.
        #[test]
        fn buckets_partition_every_day_count(
            first in 1i64..100, gap1 in 1i64..100, gap2 in 1i64..100, days in -400i64..1000
        ) {
            let edges = AgingEdges::new([first, first + gap1, first + gap1 + gap2]).unwrap();
            let bucket = edges.bucket(days);
            prop_assert!(edges.bucket(days + 1) >= bucket);
            let [a, b, c] = edges.0;
            let expected = [days <= 0, days > 0 && days <= a, days > a && days <= b, days > b && days <= c, days > c];
            prop_assert_eq!(expected.iter().filter(|hit| **hit).count(), 1);
            prop_assert!(expected[bucket.index()]);
        }
    }
}
