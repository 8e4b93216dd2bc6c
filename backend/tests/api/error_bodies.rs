//! The whole body of each kind of client error, as a client receives it over HTTP, kept as a
//! snapshot in `snapshots/` (insta, JSON with sorted keys): a change to a message, a code, a
//! field, a location or a path shows up in review as a diff of that file. `cargo insta review`
//! (or `INSTA_UPDATE=always`) accepts an intended change.

use crate::helpers::{TestApp, error_codes, spawn_app};
use crate::kit::TestTenant;
use serde_json::{Value, json};

/// Posts `query` as a standard client, with `Authorization: Bearer <bearer>` when given;
/// returns the status and the body.
async fn post(app: &TestApp, bearer: Option<&str>, query: &str, variables: Value) -> (u16, Value) {
    let mut request = app
        .client
        .post(app.url("/graphql"))
        .header("accept", "application/graphql-response+json");
    if let Some(bearer) = bearer {
        request = request.bearer_auth(bearer);
    }
    let response = request
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// Compares `body` with the snapshot `name`. Anything that differs between runs is redacted:
/// the bodies carry no request id today (it travels in `x-request-id`), but one that did would
/// not break the snapshots.
fn assert_body(name: &str, body: &Value) {
    let mut settings = insta::Settings::clone_current();
    settings.set_sort_maps(true);
    settings.bind(|| {
        insta::assert_json_snapshot!(name, body, {
            ".errors[].extensions.requestId" => "[request-id]"
        });
    });
}

const CREATE_CUSTOMER: &str =
    "mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }";
const VOID_INVOICE: &str =
    "mutation($input: VoidInvoiceInput!) { voidInvoice(input: $input) { invoice { id } } }";
const ISSUE_INVOICE: &str =
    "mutation($input: IssueInvoiceInput!) { issueInvoice(input: $input) { invoice { id } } }";

/// One request, the status and code it must get, and the snapshot of its body.
struct Case<'a> {
    snapshot: &'static str,
    bearer: Option<&'a str>,
    query: &'static str,
    variables: Value,
    status: u16,
    code: &'static str,
}

#[tokio::test]
async fn each_kind_of_client_error_answers_with_the_body_of_its_snapshot() {
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let viewer = acme.member("viewer").await;
    let buyer = acme.customer("B-1").await;
    let issued = acme.invoice(&buyer, "100").await;
    let owner = Some(acme.owner.access_token.as_str());

    let cases = [
        Case {
            snapshot: "unauthenticated_without_a_token",
            bearer: None,
            query: "{ invoices { totalCount } }",
            variables: json!({}),
            status: 200,
            code: "UNAUTHENTICATED",
        },
        Case {
            snapshot: "forbidden_a_viewer_creates_a_customer",
            bearer: Some(viewer.access_token.as_str()),
            query: CREATE_CUSTOMER,
            variables: json!({ "input": { "name": "Globex", "code": "G-1" } }),
            status: 200,
            code: "FORBIDDEN",
        },
        Case {
            snapshot: "validation_first_out_of_range",
            bearer: owner,
            query: "{ invoices(first: 0) { totalCount } }",
            variables: json!({}),
            status: 200,
            code: "VALIDATION",
        },
        Case {
            snapshot: "validation_a_cursor_from_nowhere",
            bearer: owner,
            query: "{ invoices(after: \"not-a-cursor\") { totalCount } }",
            variables: json!({}),
            status: 200,
            code: "VALIDATION",
        },
        Case {
            snapshot: "not_found_voiding_an_unknown_invoice",
            bearer: owner,
            query: VOID_INVOICE,
            variables: json!({ "input": {
                "invoiceId": "00000000-0000-0000-0000-000000000000", "reason": "Entered twice" } }),
            status: 200,
            code: "NOT_FOUND",
        },
        Case {
            snapshot: "conflict_issuing_an_issued_invoice",
            bearer: owner,
            query: ISSUE_INVOICE,
            variables: json!({ "input": { "invoiceId": issued.id } }),
            status: 200,
            code: "CONFLICT",
        },
        Case {
            snapshot: "bad_request_a_syntax_error",
            bearer: owner,
            query: "{ __typename",
            variables: json!({}),
            status: 400,
            code: "BAD_REQUEST",
        },
        Case {
            snapshot: "bad_request_an_unknown_field",
            bearer: owner,
            query: "{ invoices { totalCount colour } }",
            variables: json!({}),
            status: 400,
            code: "BAD_REQUEST",
        },
        Case {
            snapshot: "bad_request_a_document_without_an_operation",
            bearer: owner,
            query: "fragment Names on Query { __typename }",
            variables: json!({}),
            status: 400,
            code: "BAD_REQUEST",
        },
    ];
    for case in cases {
        let (status, body) = post(&app, case.bearer, case.query, case.variables).await;
        assert_eq!(status, case.status, "{}: {body}", case.snapshot);
        assert_eq!(error_codes(&body), [case.code], "{}: {body}", case.snapshot);
        assert_body(case.snapshot, &body);
    }
}
