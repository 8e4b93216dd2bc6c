//! [`TenantConn`]: the connection a [`super::TenantTx`] runs its statements on.
//!
//! sea-orm's own transactions send `BEGIN` alone and wait for it, so binding the transaction to
//! its tenant (`SET LOCAL search_path`, `ROLE`) costs a second round trip. A tenant transaction
//! instead takes a connection from the pool and sends `BEGIN` and the binding as one simple
//! query on a connection from the pool; dropped unfinished (an error, or a cancelled request,
//! even while that query was on its way) the connection is rolled back before the pool can
//! hand it to anyone else, or closed. Statements then go out exactly as sea-orm sends
//! them (the same binding of values, the same prepared-statement cache, the same errors and
//! metric callback), so the stores cannot tell the difference.

use sea_orm::sqlx::pool::PoolConnection;
use sea_orm::sqlx::{self, Executor, PgConnection, Postgres};
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
    Own(Mutex<OwnTransaction>),
    /// A control-plane transaction carried on as a tenant one ([`super::TenantTx::bind`]).
    Continued(DatabaseTransaction),
}

/// A pooled connection inside a transaction this type began. Until it is committed or rolled
/// back (an error returned early, or a request cancelled even while `BEGIN` was on its way),
/// the connection may be inside a transaction bound to this tenant: dropped so, it is rolled
/// back before the pool may hand it to anyone, or closed if that fails.
struct OwnTransaction {
    conn: Option<PoolConnection<Postgres>>,
    finished: bool,
}

impl OwnTransaction {
    /// The connection, held until `Drop` takes it.
    fn conn(&mut self) -> Result<&mut PgConnection, DbErr> {
        self.conn
            .as_deref_mut()
            .ok_or_else(|| DbErr::Custom("the transaction's connection is gone".to_owned()))
    }

    async fn finish(&mut self, statement: &'static str) -> Result<(), DbErr> {
        self.conn()?.execute(statement).await.map_err(exec_error)?;
        self.finished = true;
        Ok(())
    }
}

impl Drop for OwnTransaction {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    if conn.execute("ROLLBACK").await.is_err() {
                        conn.close_on_drop();
                    }
                });
            }
            Err(_) => conn.close_on_drop(),
        }
    }
}

impl TenantConn {
    /// Takes a connection from `db`'s pool and runs `begin` (a `BEGIN` followed by the
    /// binding statements) on it in one round trip.
    pub(super) async fn begin(db: &DatabaseConnection, begin: String) -> Result<Self, DbErr> {
        let pool = db.get_postgres_connection_pool();
        let conn = pool
            .acquire()
            .await
            .map_err(|error| super::unreachable::acquire_error(pool, error))?;
        let mut own = OwnTransaction {
            conn: Some(conn),
            finished: false,
        };
        // A simple query: `BEGIN` and the binding in one round trip. Failed or cancelled, `own`
        // is dropped unfinished and the connection rolled back (or closed).
        own.conn()?
            .execute(sqlx::AssertSqlSafe(begin))
            .await
            .map_err(query_error)?;
        Ok(TenantConn(Inner::Own(Mutex::new(own))))
    }

    pub(super) fn continued(txn: DatabaseTransaction) -> Self {
        TenantConn(Inner::Continued(txn))
    }

    pub(super) async fn commit(self) -> Result<(), DbErr> {
        match self.0 {
            Inner::Own(own) => own.into_inner().finish("COMMIT").await,
            Inner::Continued(txn) => txn.commit().await,
        }
    }

    pub(super) async fn rollback(self) -> Result<(), DbErr> {
        match self.0 {
            Inner::Own(own) => own.into_inner().finish("ROLLBACK").await,
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
                let mut own = txn.lock().await;
                measured(&statement, bound(&statement).execute(own.conn()?))
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
                let mut own = txn.lock().await;
                own.conn()?
                    .execute(sqlx::AssertSqlSafe(sql.to_owned()))
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
                let mut own = txn.lock().await;
                match measured(&statement, bound(&statement).fetch_one(own.conn()?)).await {
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
                let mut own = txn.lock().await;
                measured(&statement, bound(&statement).fetch_all(own.conn()?))
                    .await
                    .map(|rows| rows.into_iter().map(Into::into).collect())
                    .map_err(query_error)
            }
        }
    }
}
