//! The one async-graphql extension the schema carries: the cached parse (`api::documents`),
//! the document limits (`api::limits`) and the DataLoader driver (`api::loaders`), in that
//! order.
//!
//! One rather than three: async-graphql wraps every field's resolution in every registered
//! extension's `resolve` hook, a boxed future per field and extension even where the hook is
//! not overridden; on a page of fifty invoices that was about 6 % of the server's CPU.

use super::{documents, limits, loaders};
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Response, ServerResult, Variables};
use std::sync::Arc;

pub struct Pipeline;

impl ExtensionFactory for Pipeline {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Pipeline)
    }
}

#[async_trait::async_trait]
impl Extension for Pipeline {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        // A document kept parsed is still limited on every request.
        let document = documents::parse(ctx, query, variables, next).await?;
        limits::limit(ctx, document)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        loaders::drive(ctx, operation_name, next).await
    }
}
