//! [`TenantConn`]: the connection a [`super::TenantTx`] runs its statements on.
//!
//! sea-orm's own transactions send `BEGIN` alone and wait for it, so binding the transaction to
//! its tenant (`SET LOCAL search_path`, `ROLE`) costs a second round trip. A tenant transaction
//! instead takes a connection from the pool and sends `BEGIN` and the binding as one simple
//! query (sqlx's `Pool::begin_with`), and sqlx's own transaction type keeps the bookkeeping:
//! commit, and rollback when dropped unfinished. Statements then go out exactly as sea-orm sends
//! them (the same binding of values, the same prepared-statement cache, the same errors and
//! metric callback), so the stores cannot tell the difference.

use sea_orm::sqlx::{self, Postgres};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult,
    QueryResult, RuntimeErr, Statement,
};
use sea_query_sqlx::SqlxValues;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::Mutex;

/// Where a tenant transaction's statements go.
pub struct TenantConn(Inner);

enum Inner {
    /// A transaction begun here, `BEGIN` and its binding in one round trip.
    // `ConnectionTrait` takes `&self`; the lock is never contended (one request, one task).
    // Dropped unfinished (an error returned early), sqlx's transaction queues a `ROLLBACK` that
    // goes out before the pool hands the connection to anyone else.
    Own(Mutex<sqlx::Transaction<'static, Postgres>>),
    /// A control-plane transaction carried on as a tenant one ([`super::TenantTx::bind`]).
    Continued(DatabaseTransaction),
}

impl TenantConn {
    /// Takes a connection from `db`'s pool and runs `begin` (a `BEGIN` followed by the
    /// binding statements) on it in one round trip.
    pub(super) async fn begin(db: &DatabaseConnection, begin: String) -> Result<Self, DbErr> {
        let txn = db
            .get_postgres_connection_pool()
            .begin_with(sqlx::AssertSqlSafe(begin))
            .await
            .map_err(|error| match error {
                sqlx::Error::PoolTimedOut => {
                    DbErr::ConnectionAcquire(sea_orm::error::ConnAcquireErr::Timeout)
                }
                error => exec_error(error),
            })?;
        Ok(TenantConn(Inner::Own(Mutex::new(txn))))
    }

    pub(super) fn continued(txn: DatabaseTransaction) -> Self {
        TenantConn(Inner::Continued(txn))
    }

    pub(super) async fn commit(self) -> Result<(), DbErr> {
        match self.0 {
            Inner::Own(txn) => txn.into_inner().commit().await.map_err(exec_error),
            Inner::Continued(txn) => txn.commit().await,
        }
    }

    pub(super) async fn rollback(self) -> Result<(), DbErr> {
        match self.0 {
            Inner::Own(txn) => txn.into_inner().rollback().await.map_err(exec_error),
            Inner::Continued(txn) => txn.rollback().await,
        }
    }
}

fn exec_error(error: sqlx::Error) -> DbErr {
    DbErr::Exec(RuntimeErr::SqlxError(Arc::new(error)))
}

fn query_error(error: sqlx::Error) -> DbErr {
    DbErr::Query(RuntimeErr::SqlxError(Arc::new(error)))
}

/// The statement as sea-orm binds it.
fn bound(statement: &Statement) -> sqlx::query::Query<'_, Postgres, SqlxValues> {
    let values = statement
        .values
        .clone()
        .unwrap_or_else(|| sea_orm::Values(Vec::new()));
    sqlx::query_with(
        sqlx::AssertSqlSafe(statement.sql.as_str()),
        SqlxValues(values),
    )
}

/// Runs `work`, reporting the statement to the metric callback the pool reports to (the
/// per-request statement count and the Prometheus totals).
async fn measured<T, E>(
    statement: &Statement,
    work: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, E> {
    let started = Instant::now();
    let result = work.await;
    super::statements::record(&sea_orm::metric::Info {
        elapsed: started.elapsed(),
        statement,
        failed: result.is_err(),
    });
    result
}

#[async_trait::async_trait]
impl ConnectionTrait for TenantConn {
    fn get_database_backend(&self) -> DbBackend {
        DbBackend::Postgres
    }

    async fn execute_raw(&self, statement: Statement) -> Result<ExecResult, DbErr> {
        match &self.0 {
            Inner::Continued(txn) => txn.execute_raw(statement).await,
            Inner::Own(txn) => {
                let mut conn = txn.lock().await;
                measured(&statement, bound(&statement).execute(&mut **conn))
                    .await
                    .map(Into::into)
                    .map_err(exec_error)
            }
        }
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        match &self.0 {
            Inner::Continued(txn) => txn.execute_unprepared(sql).await,
            Inner::Own(txn) => {
                use sqlx::Executor;
                let mut conn = txn.lock().await;
                conn.execute(sqlx::AssertSqlSafe(sql.to_owned()))
                    .await
                    .map(Into::into)
                    .map_err(exec_error)
            }
        }
    }

    async fn query_one_raw(&self, statement: Statement) -> Result<Option<QueryResult>, DbErr> {
        match &self.0 {
            Inner::Continued(txn) => txn.query_one_raw(statement).await,
            Inner::Own(txn) => {
                let mut conn = txn.lock().await;
                match measured(&statement, bound(&statement).fetch_one(&mut **conn)).await {
                    Ok(row) => Ok(Some(row.into())),
                    Err(sqlx::Error::RowNotFound) => Ok(None),
                    Err(error) => Err(query_error(error)),
                }
            }
        }
    }

    async fn query_all_raw(&self, statement: Statement) -> Result<Vec<QueryResult>, DbErr> {
        match &self.0 {
            Inner::Continued(txn) => txn.query_all_raw(statement).await,
            Inner::Own(txn) => {
                let mut conn = txn.lock().await;
                measured(&statement, bound(&statement).fetch_all(&mut **conn))
                    .await
                    .map(|rows| rows.into_iter().map(Into::into).collect())
                    .map_err(query_error)
            }
        }
    }
}
