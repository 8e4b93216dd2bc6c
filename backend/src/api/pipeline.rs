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

/// Executes one request or a batch (its operations side by side, answered in order), beside
/// the request's DataLoader batches.
pub async fn execute_batch(
    schema: &DuelySchema,
    batch: BatchRequest,
    loaders: &Loaders,
) -> BatchResponse {
    match batch {
        BatchRequest::Single(request) => {
            BatchResponse::Single(execute(schema, request, loaders).await)
        }
        BatchRequest::Batch(requests) => {
            let all = requests
                .into_iter()
                .map(|request| run(schema, request))
                .collect::<FuturesOrdered<_>>()
                .collect::<Vec<_>>();
            BatchResponse::Batch(super::loaders::drive(loaders, all).await)
        }
    }
}

/// Executes one request beside its DataLoader batches.
pub async fn execute(schema: &DuelySchema, request: Request, loaders: &Loaders) -> Response {
    super::loaders::drive(loaders, run(schema, request)).await
}

/// One operation: its document parsed (or kept) and limited, then executed.
async fn run(schema: &DuelySchema, mut request: Request) -> Response {
    if let Err(error) = documents::prepare(&mut request) {
        return Response::from_errors(vec![error]);
    }
    schema.execute(request).await
}
