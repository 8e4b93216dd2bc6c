//! [`TenantTx`]: the only way to reach a tenant's data.
//!
//! It opens a transaction and, in the same round trip as its `BEGIN`, runs
//! `SET LOCAL search_path TO "<schema>"` and `SET LOCAL ROLE "<schema>"`. `LOCAL` ends with the
//! transaction, so nothing leaks to the next user of the pooled connection; the tenant's role
//! owns only its own schema, so Postgres itself refuses a statement that names another tenant's
//! schema or the control plane.
//!
//! A company whose subscription ended past its grace period is read-only: requests on its
//! behalf run inside [`read_only`], and every `TenantTx` they open is `READ ONLY`, so
//! PostgreSQL itself refuses any write, whichever code path tries it.

use super::tenant_conn::TenantConn;
use domain::TenantId;
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr};
use std::ops::Deref;

tokio::task_local! {
    /// The tenant whose transactions must not write, for the request being served.
    static READ_ONLY: TenantId;
}

/// Runs `work` so that every `TenantTx` it opens for `tenant` is read-only; with `None` it
/// runs `work` as it is.
pub async fn read_only<F: std::future::Future>(tenant: Option<TenantId>, work: F) -> F::Output {
    match tenant {
        Some(tenant) => READ_ONLY.scope(tenant, work).await,
        None => work.await,
    }
}

/// Whether `error` is PostgreSQL refusing a write in a read-only transaction (SQLSTATE 25006).
pub fn is_read_only_violation(error: &DbErr) -> bool {
    let sqlx = match error {
        DbErr::Exec(sea_orm::RuntimeErr::SqlxError(sqlx))
        | DbErr::Query(sea_orm::RuntimeErr::SqlxError(sqlx)) => sqlx,
        _ => return false,
    };
    match &**sqlx {
        sea_orm::sqlx::Error::Database(database) => database.code().as_deref() == Some("25006"),
        _ => false,
    }
}

pub struct TenantTx {
    conn: TenantConn,
    tenant: TenantId,
}

impl TenantTx {
    /// Begins a transaction bound to `tenant`: `BEGIN` and the binding go to PostgreSQL as one
    /// simple query, one round trip. Read-only when the request is for a read-only company.
    pub async fn begin(db: &DatabaseConnection, tenant: TenantId) -> Result<Self, DbErr> {
        let begin = if is_read_only(tenant) {
            "BEGIN READ ONLY"
        } else {
            "BEGIN"
        };
        let conn = TenantConn::begin(db, format!("{begin}; {}", bind_statements(tenant))).await?;
        Ok(TenantTx { conn, tenant })
    }

    /// Binds `txn`, which has so far done only control-plane work (such as updating the
    /// company's row in `public.tenants`), to `tenant`: from here on it is a tenant
    /// transaction, and both parts commit or roll back together. A read-only company's
    /// transaction refuses writes from here on.
    pub async fn bind(txn: DatabaseTransaction, tenant: TenantId) -> Result<Self, DbErr> {
        let mut bind = bind_statements(tenant);
        if is_read_only(tenant) {
            bind.push_str("; SET TRANSACTION READ ONLY");
        }
        txn.execute_unprepared(&bind).await?;
        Ok(TenantTx {
            conn: TenantConn::continued(txn),
            tenant,
        })
    }

    /// [`TenantTx::bind`] that may write even in a read-only company: for what must never be
    /// refused, such as taking a departed member off the customers and tasks they held.
    pub async fn bind_writable(txn: DatabaseTransaction, tenant: TenantId) -> Result<Self, DbErr> {
        txn.execute_unprepared(&bind_statements(tenant)).await?;
        Ok(TenantTx {
            conn: TenantConn::continued(txn),
            tenant,
        })
    }

    /// A transaction that may write even in a read-only company: for what must never be
    /// refused, such as recording money a customer paid through Stripe.
    pub async fn begin_writable(db: &DatabaseConnection, tenant: TenantId) -> Result<Self, DbErr> {
        let conn = TenantConn::begin(db, format!("BEGIN; {}", bind_statements(tenant))).await?;
        Ok(TenantTx { conn, tenant })
    }

    pub fn tenant(&self) -> TenantId {
        self.tenant
    }

    pub async fn commit(self) -> Result<(), DbErr> {
        self.conn.commit().await
    }

    pub async fn rollback(self) -> Result<(), DbErr> {
        self.conn.rollback().await
    }
}

/// Whether the request being served is for `tenant` while it is read-only.
fn is_read_only(tenant: TenantId) -> bool {
    READ_ONLY
        .try_with(|read_only| *read_only == tenant)
        .unwrap_or(false)
}

/// The statements that bind a transaction to one tenant. The schema (and role) name comes from
/// the tenant's id, never from input, so quoting it is enough.
pub(crate) fn bind_statements(tenant: TenantId) -> String {
    let schema = tenant.schema_name();
    // JIT compiles for seconds-long analytics; for a request's short queries it costs more than
    // it saves (17 ms measured on a page of invoices).
    format!(
        r#"SET LOCAL search_path TO "{schema}"; SET LOCAL ROLE "{schema}"; SET LOCAL jit = off"#
    )
}

impl Deref for TenantTx {
    type Target = TenantConn;

    fn deref(&self) -> &Self::Target {
        &self.conn
    }
}
