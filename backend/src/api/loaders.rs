//! The DataLoaders of one request.
//!
//! A loader batches what the resolvers of one page ask for into one statement. Loaders are made
//! per request, on first use, from the request's own caller: a loader shared by the schema
//! would serve one tenant's rows to another. They cache nothing (`DataLoader::new` has no
//! cache), so a mutation followed by a read in the same request reads the database again.
//!
//! A DataLoader hands each batch to a spawner. Ours does not spawn a task: it queues the batch,
//! and [`drive`] polls the queue in the request's own task, beside the execution. So:
//! - a batch starts only once the execution is waiting, that is, once every resolver of the page
//!   has asked for its key (a spawned task's 1 ms timer fired half-way through pages on a busy
//!   machine and split 40 customers' timelines into a dozen statements);
//! - the batch runs inside the request's task-locals: its statements count in `Server-Timing`,
//!   and a read-only company's batch opens read-only transactions;
//! - nothing outlives the request: a batch is dropped with it.

use crate::auth::Caller;
use crate::collections::loaders::Scripts;
use crate::customers::loaders::CustomerLists;
use crate::error::AppError;
use async_graphql::dataloader::DataLoader;
use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};
use futures::task::AtomicWaker;
use sea_orm::DatabaseConnection;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

/// Lives in the request's [`RequestContext`](crate::auth::RequestContext); cloning shares it.
#[derive(Clone, Default)]
pub struct Loaders {
    batches: Arc<Batches>,
    customer_lists: Arc<OnceLock<DataLoader<CustomerLists>>>,
    scripts: Arc<OnceLock<DataLoader<Scripts>>>,
}

impl std::fmt::Debug for Loaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loaders").finish_non_exhaustive()
    }
}

impl Loaders {
    /// Customers' timelines and credit histories, in the caller's company.
    pub fn customer_lists(
        &self,
        db: &DatabaseConnection,
        caller: &Caller,
    ) -> Result<&DataLoader<CustomerLists>, AppError> {
        let tenant = caller.require_tenant()?;
        Ok(self
            .customer_lists
            .get_or_init(|| self.per_request(CustomerLists::new(db.clone(), tenant))))
    }

    /// Collection scripts for tasks and customers, in the caller's company.
    pub fn scripts(
        &self,
        db: &DatabaseConnection,
        caller: &Caller,
    ) -> Result<&DataLoader<Scripts>, AppError> {
        let tenant = caller.require_tenant()?;
        Ok(self
            .scripts
            .get_or_init(|| self.per_request(Scripts::new(db.clone(), tenant))))
    }

    fn per_request<T: Send + Sync + 'static>(&self, loader: T) -> DataLoader<T> {
        let batches = self.batches.clone();
        DataLoader::new(loader, move |batch| batches.push(batch))
    }
}

/// Batches waiting to be run by the request's [`drive`].
#[derive(Default)]
struct Batches {
    queued: Mutex<Vec<BoxFuture<'static, ()>>>,
    waker: AtomicWaker,
}

impl Batches {
    fn push(&self, batch: BoxFuture<'static, ()>) {
        // A poisoned lock only means a resolver panicked; the queue itself is sound.
        self.queued
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(batch);
        self.waker.wake();
    }

    fn take(&self) -> Vec<BoxFuture<'static, ()>> {
        std::mem::take(&mut *self.queued.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Runs queued batches as they come; never finishes (the execution beside it does).
    async fn drive(&self) {
        let mut running = FuturesUnordered::new();
        std::future::poll_fn(|cx| {
            self.waker.register(cx.waker());
            loop {
                running.extend(self.take());
                match running.poll_next_unpin(cx) {
                    Poll::Ready(Some(())) => continue,
                    Poll::Ready(None) | Poll::Pending => {
                        let more = !self
                            .queued
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .is_empty();
                        if !more {
                            return Poll::<()>::Pending;
                        }
                    }
                }
            }
        })
        .await
    }
}

/// Wakes the request's task, noting that it was woken.
struct YieldWatch {
    woken: AtomicBool,
    task: Waker,
}

impl Wake for YieldWatch {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.task.wake_by_ref();
    }
}

/// Runs the request's DataLoader batches beside its `execution`, in the same task. One driver
/// for all the operations of a batched request: they share the queue, and a driver dropped
/// when its own operation ended would drop the batches it had taken for the others.
pub async fn drive<T>(loaders: &Loaders, execution: impl Future<Output = T>) -> T {
    let batches = loaders.batches.clone();
    let mut execution = std::pin::pin!(execution);
    let mut driver = std::pin::pin!(batches.drive());
    std::future::poll_fn(|cx| {
        // The execution is polled with a waker that notes a wake-up during the poll: that
        // is the execution yielding with work still to do (a long list yields every few
        // dozen rows), not waiting. Batches start only once it waits, when every resolver
        // that could join them has asked for its key.
        let yielded = Arc::new(YieldWatch {
            woken: AtomicBool::new(false),
            task: cx.waker().clone(),
        });
        let waker = Waker::from(yielded.clone());
        if let Poll::Ready(response) = execution.as_mut().poll(&mut Context::from_waker(&waker)) {
            return Poll::Ready(response);
        }
        if !yielded.woken.load(Ordering::Acquire) {
            // The driver never finishes, so its result is always `Pending`.
            let _ = driver.as_mut().poll(cx);
        }
        Poll::Pending
    })
    .await
}
