//! The GraphQL schema: one root per area, merged. The schema does not know about HTTP; the
//! handler in `http::graphql` attaches per-request data (caller, tenant, DataLoaders).

pub mod context;
pub mod documents;
pub mod limits;
pub mod loaders;
pub mod objects;
pub mod operations;
pub mod pagination;
pub mod pipeline;
mod server_info;
pub mod values;

use crate::identity::graphql::{IdentityMutation, IdentityQuery};
use async_graphql::{EmptySubscription, MergedObject, Schema, SchemaBuilder};

/// Runs an area's command for a mutation resolver: the database, the caller and the request id
/// from the context, the error turned into a GraphQL error with its code. Resolvers stay thin:
/// `Ok(CustomerPayload { customer: command!(ctx, create_customer, input) })`.
macro_rules! command {
    ($ctx:expr, $command:path, $input:expr) => {{
        let (_, db) = $crate::api::context::services($ctx)?;
        let request = $crate::api::context::request($ctx)?;
        $crate::error::IntoApi::api(
            $command(db, &request.caller, $input, &request.request_id).await,
        )?
    }};
}
pub(crate) use command;

/// Maximum nesting of a query: deep enough for any screen, shallow enough to stop abuse.
pub const MAX_DEPTH: usize = 16;
/// Maximum complexity (fields, with list multipliers) of one operation.
pub const MAX_COMPLEXITY: usize = 5_000;
/// Maximum operations in one batched request.
pub const MAX_BATCH: usize = 10;

#[derive(MergedObject, Default)]
pub struct Query(
    server_info::ServerInfoQuery,
    IdentityQuery,
    crate::audit_log::graphql::AuditLogQuery,
    crate::approvals::graphql::ApprovalsQuery,
    crate::customers::graphql::CustomersQuery,
    crate::invoices::graphql::InvoicesQuery,
    crate::payments::graphql::PaymentsQuery,
    crate::banking::graphql::BankingQuery,
    crate::statements::graphql::StatementsQuery,
    crate::collections::graphql::CollectionsQuery,
    crate::collections::graphql::DunningQuery,
    crate::collections::graphql::WorkQuery,
    crate::collections::graphql::ScriptsQuery,
    crate::collections::graphql::LettersQuery,
    crate::analytics::graphql::AnalyticsQuery,
    crate::billing::graphql::BillingQuery,
    crate::settings::graphql::SettingsQuery,
    crate::company_profile::graphql::CompanyProfileQuery,
    crate::attachments::graphql::AttachmentsQuery,
    crate::webhooks::graphql::WebhooksQuery,
    crate::messaging::graphql::MessagingQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    IdentityMutation,
    crate::customers::graphql::CustomersMutation,
    crate::invoices::graphql::InvoicesMutation,
    crate::invoices::graphql::InvoiceDocumentsMutation,
    crate::payments::graphql::PaymentsMutation,
    crate::banking::graphql::BankingMutation,
    crate::statements::graphql::StatementsMutation,
    crate::imports::graphql::ImportsMutation,
    crate::collections::graphql::CollectionsMutation,
    crate::collections::graphql::DunningMutation,
    crate::collections::graphql::WorkMutation,
    crate::collections::graphql::ScriptsMutation,
    crate::collections::graphql::LettersMutation,
    crate::analytics::graphql::AnalyticsMutation,
    crate::billing::graphql::BillingMutation,
    crate::settings::graphql::SettingsMutation,
    crate::company_profile::graphql::CompanyProfileMutation,
    crate::attachments::graphql::AttachmentsMutation,
    crate::approvals::graphql::ApprovalsMutation,
    crate::webhooks::graphql::WebhooksMutation,
    crate::messaging::graphql::MessagingMutation,
);

pub type DuelySchema = Schema<Query, Mutation, EmptySubscription>;

/// The schema with its limits and no data: what `duely schema` prints, and the base the server
/// adds its shared data to.
pub fn schema_builder() -> SchemaBuilder<Query, Mutation, EmptySubscription> {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
}

/// The SDL of the public API, as checked in at `backend/schema.graphql`.
pub fn sdl() -> String {
    schema_builder().finish().sdl()
}
