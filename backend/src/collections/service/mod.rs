//! Collections' use cases: logging activities and promises, the worklist, dunning ladders,
//! runs and settings, fees, legal cases, and the run itself. Domain inputs in, rows or plain
//! results out, errors as `AppError`; the GraphQL layer parses and maps.

pub mod activities;
pub mod dunning;
pub mod evidence;
pub mod fees;
pub mod holds;
pub mod legal;
pub mod plan;
pub mod promises;
pub mod run;
pub mod runs;
pub mod worklist;

/// One page of a list: its items, whether more follow, and how many match in all.
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next: bool,
    pub total: i64,
}

impl<T> Page<T> {
    /// A page from `first + 1` rows read: the extra row only says that more follow.
    pub fn of(mut rows: Vec<T>, first: usize, total: i64) -> Self {
        let has_next = rows.len() > first;
        rows.truncate(first);
        Page {
            items: rows,
            has_next,
            total,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            has_next: self.has_next,
            total: self.total,
        }
    }
}
