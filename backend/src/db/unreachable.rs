//! Telling "the database cannot be reached" (a restart, a failover, a network cut) from "the
//! server is busy". Both can surface as a pool that gives no connection in time; the first
//! answers `UNAVAILABLE`, the second `RATE_LIMITED` (see `AppError::from`), so a client knows
//! whether to slow down or to wait for the service.

use sea_orm::sqlx::{self, PgPool};
use sea_orm::{DbErr, RuntimeErr};
use std::sync::Arc;

tokio::task_local! {
    /// The pool of the app serving the current request (see [`serving`]).
    static REQUEST_POOL: PgPool;
}

/// Runs a request's handling with its app's pool at hand, so that an acquire timeout from a
/// statement sea-orm ran on that pool can be told apart (see [`is_unreachable`]).
pub async fn serving<F: std::future::Future>(pool: PgPool, handling: F) -> F::Output {
    REQUEST_POOL.scope(pool, handling).await
}

fn has_room(pool: &PgPool) -> bool {
    pool.size() < pool.options().get_max_connections()
}

/// Whether `error` says the database was unreachable rather than that a statement failed.
pub fn is_unreachable(error: &DbErr) -> bool {
    match error {
        DbErr::ConnectionAcquire(sea_orm::error::ConnAcquireErr::ConnectionClosed) => true,
        // sea-orm's own acquire: judged by the request's pool, when there is one.
        DbErr::ConnectionAcquire(sea_orm::error::ConnAcquireErr::Timeout) => {
            REQUEST_POOL.try_with(has_room).unwrap_or(false)
        }
        DbErr::Conn(RuntimeErr::SqlxError(error))
        | DbErr::Exec(RuntimeErr::SqlxError(error))
        | DbErr::Query(RuntimeErr::SqlxError(error)) => sqlx_unreachable(error),
        _ => false,
    }
}

fn sqlx_unreachable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => true,
        // Class 08: connection exceptions; 57P01-57P03: the server shutting down, crashed or
        // still starting.
        sqlx::Error::Database(database) => database.code().is_some_and(|code| {
            code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03")
        }),
        _ => false,
    }
}

/// The error for a failed `pool.acquire()`. sqlx retries a refused connection until the acquire
/// timeout and then reports a timeout, as it does when every connection is busy; a pool that
/// still had room for another connection could not open one, so the database is unreachable.
pub fn acquire_error(pool: &PgPool, error: sqlx::Error) -> DbErr {
    use sea_orm::error::ConnAcquireErr;
    match error {
        sqlx::Error::PoolTimedOut if has_room(pool) => {
            DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed)
        }
        sqlx::Error::PoolTimedOut => DbErr::ConnectionAcquire(ConnAcquireErr::Timeout),
        sqlx::Error::PoolClosed => DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed),
        error => DbErr::Conn(RuntimeErr::SqlxError(Arc::new(error))),
    }
}
