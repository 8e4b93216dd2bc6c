//! WHERE clauses built up with numbered parameters, and counting what they match.

use crate::db::TenantTx;
use crate::error::AppError;
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

/// Collects WHERE conditions with numbered parameters after the ones already bound.
pub struct Conditions {
    pub clauses: Vec<String>,
    pub values: Vec<Value>,
}

impl Conditions {
    pub fn new(values: Vec<Value>) -> Self {
        Conditions {
            clauses: vec!["TRUE".to_owned()],
            values,
        }
    }

    /// Adds `clause`, where each `?` is the next parameter, bound to `value`.
    pub fn push(&mut self, clause: &str, value: impl Into<Value>) {
        self.values.push(value.into());
        let n = self.values.len();
        self.clauses.push(clause.replace('?', &format!("${n}")));
    }

    /// Binds `value` and returns its parameter number, for clauses that use it more than once.
    pub fn bind(&mut self, value: impl Into<Value>) -> usize {
        self.values.push(value.into());
        self.values.len()
    }

    pub fn fixed(&mut self, clause: &str) {
        self.clauses.push(clause.to_owned());
    }

    pub fn sql(&self) -> String {
        self.clauses.join(" AND ")
    }
}

pub async fn count(tx: &TenantTx, sql: String, values: Vec<Value>) -> Result<i64, AppError> {
    Ok(tx
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .await?
        .map(|row| row.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0))
}
