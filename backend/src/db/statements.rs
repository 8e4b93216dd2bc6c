//! Counting the SQL statements a request runs, and their time.
//!
//! The pool's metric callback runs in the task that executed the statement; a task-local
//! counter, set up around each GraphQL request, adds them up. The total goes out in the
//! `Server-Timing` header (`sql;desc="3 statements";dur=4.2`), which browsers' developer
//! tools show and benchmarks read: "a page of invoices costs at most three statements" is
//! checked against this figure, not assumed. Statements outside a request (workers) are only
//! counted in the Prometheus totals.

use std::cell::Cell;
use std::future::Future;
use std::time::Duration;

tokio::task_local! {
    static COUNTER: (Cell<u32>, Cell<Duration>);
}

/// What one request spent in SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SqlSpend {
    pub statements: u32,
    pub time: Duration,
}

impl SqlSpend {
    pub fn server_timing(&self) -> String {
        format!(
            "sql;desc=\"{} statements\";dur={:.1}",
            self.statements,
            self.time.as_secs_f64() * 1000.0
        )
    }
}

/// Runs `work`, counting the statements it executes.
pub async fn counted<F: Future>(work: F) -> (F::Output, SqlSpend) {
    COUNTER
        .scope((Cell::new(0), Cell::new(Duration::ZERO)), async {
            let output = work.await;
            let spend = COUNTER
                .try_with(|(count, time)| SqlSpend {
                    statements: count.get(),
                    time: time.get(),
                })
                .unwrap_or_default();
            (output, spend)
        })
        .await
}

/// The pool's metric callback. At `debug` for this module (`RUST_LOG=duely_backend::db::statements=debug`)
/// it also logs each statement with its values written in, which is how the request-path
/// benchmark hands pgbench exactly the SQL a request sends.
pub fn record(info: &sea_orm::metric::Info<'_>) {
    tracing::debug!(sql = %info.statement, "statement");
    let _ = COUNTER.try_with(|(count, time)| {
        count.set(count.get() + 1);
        time.set(time.get() + info.elapsed);
    });
    metrics::counter!("duely_sql_statements_total", "failed" => if info.failed { "true" } else { "false" })
        .increment(1);
    metrics::histogram!("duely_sql_statement_duration_seconds").record(info.elapsed.as_secs_f64());
}
