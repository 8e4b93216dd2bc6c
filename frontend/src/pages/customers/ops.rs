//! This screen's own operations, in `receivables.graphql` and checked against the schema like
//! those in `api`.

use graphql_client::{GraphQLQuery, QueryBody};
use serde::Serialize;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../backend/schema.graphql",
    query_path = "src/graphql/receivables.graphql",
    response_derives = "Debug, Clone, PartialEq",
    variables_derives = "Debug, Clone"
)]
pub struct CustomerAssignees;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../backend/schema.graphql",
    query_path = "src/graphql/receivables.graphql",
    response_derives = "Debug, Clone, PartialEq",
    variables_derives = "Debug, Clone, Default"
)]
pub struct UpdateCustomer;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../backend/schema.graphql",
    query_path = "src/graphql/receivables.graphql",
    response_derives = "Debug, Clone, PartialEq",
    variables_derives = "Debug, Clone"
)]
pub struct ArchiveCustomer;

/// Only its generated module is used (the document and the answer's type): its input would
/// write a `None` as `null`, which clears an assignment. [`AssignCustomersSparse`] sends it.
#[allow(dead_code)]
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../backend/schema.graphql",
    query_path = "src/graphql/receivables.graphql",
    response_derives = "Debug, Clone, PartialEq",
    variables_derives = "Debug, Clone"
)]
pub struct AssignCustomers;

/// `assignCustomers` with an input that can leave a field out. The API reads an omitted
/// `collectorId` or `salespersonId` as "unchanged" and an explicit `null` as "nobody", a
/// difference the generated `Option<ID>` cannot express (and `skip_serializing_none` would
/// leave out every `None`, so nobody could be cleared).
pub struct AssignCustomersSparse;

#[derive(Debug, Clone, Serialize)]
pub struct SparseVariables {
    pub input: SparseAssignInput,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SparseAssignInput {
    pub customer_ids: Vec<String>,
    /// `None`: left out, unchanged; `Some(None)`: `null`, nobody; `Some(Some(id))`: them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collector_id: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salesperson_id: Option<Option<String>>,
}

impl GraphQLQuery for AssignCustomersSparse {
    type Variables = SparseVariables;
    type ResponseData = assign_customers::ResponseData;

    fn build_query(variables: Self::Variables) -> QueryBody<Self::Variables> {
        QueryBody {
            variables,
            query: assign_customers::QUERY,
            operation_name: assign_customers::OPERATION_NAME,
        }
    }
}
