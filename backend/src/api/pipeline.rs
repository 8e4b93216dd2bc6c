//! What runs around each GraphQL request, outside async-graphql: the cached parse
//! (`api::documents`), the document limits (`api::limits`) and the DataLoader driver
//! (`api::loaders`), in that order.
//!
//! Not an async-graphql extension: with any extension registered, async-graphql wraps every
//! field's and every list item's resolution in the extensions' `resolve` hook (a lookup of the
//! field in the registry by name and a boxed future), even where no hook is overridden. With
//! none, a field is resolved directly.

use super::{DuelySchema, documents, loaders::Loaders};
use async_graphql::{BatchRequest, BatchResponse, Request, Response};
use futures::stream::{FuturesOrdered, StreamExt};

/// Executes one request or a batch (its requests side by side, answered in order).
pub async fn execute_batch(
    schema: &DuelySchema,
    batch: BatchRequest,
    loaders: &Loaders,
) -> BatchResponse {
    match batch {
        BatchRequest::Single(request) => {
            BatchResponse::Single(execute(schema, request, loaders).await)
        }
        BatchRequest::Batch(requests) => BatchResponse::Batch(
            requests
                .into_iter()
                .map(|request| execute(schema, request, loaders))
                .collect::<FuturesOrdered<_>>()
                .collect()
                .await,
        ),
    }
}

/// Executes one request: its document parsed (or kept), limited, then run beside the
/// request's DataLoader batches.
pub async fn execute(schema: &DuelySchema, mut request: Request, loaders: &Loaders) -> Response {
    if let Err(error) = documents::prepare(&mut request) {
        return Response::from_errors(vec![error]);
    }
    super::loaders::drive(loaders, schema.execute(request)).await
}
