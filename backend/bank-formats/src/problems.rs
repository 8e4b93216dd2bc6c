//! Problems collected while reading, up to a cap, so one bad column does not produce a
//! hundred thousand of them.

use crate::{Problem, ProblemKind};

/// Problems kept from one file; reading stops once this many are found.
pub(crate) const MAX_PROBLEMS: usize = 200;

#[derive(Debug, Default)]
pub(crate) struct Problems {
    list: Vec<Problem>,
}

impl Problems {
    pub(crate) fn push(&mut self, row: Option<usize>, column: Option<&str>, kind: ProblemKind) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(Problem {
                row,
                column: column.map(str::to_owned),
                kind,
            });
        }
    }

    /// At the cap: the caller stops reading.
    pub(crate) fn full(&self) -> bool {
        self.list.len() >= MAX_PROBLEMS
    }

    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub(crate) fn into_vec(self) -> Vec<Problem> {
        self.list
    }

    /// The limit on lines was passed at `row`: that problem, after the ones already found.
    pub(crate) fn too_many_lines(mut self, limit: usize, row: Option<usize>) -> Vec<Problem> {
        if self.list.len() >= MAX_PROBLEMS {
            self.list.pop();
        }
        self.list.push(Problem {
            row,
            column: None,
            kind: ProblemKind::TooManyLines { limit },
        });
        self.list
    }
}

/// One problem with no place, as the whole answer.
pub(crate) fn only(kind: ProblemKind) -> Vec<Problem> {
    vec![Problem {
        row: None,
        column: None,
        kind,
    }]
}
