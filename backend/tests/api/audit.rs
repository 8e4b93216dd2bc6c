//! The audit log: newest first, paged, filtered, and append-only in the database itself.

use crate::helpers::{error_codes, spawn_app};
use duely_backend::db::TenantTx;
use sea_orm::ConnectionTrait;
use serde_json::json;

const PAGE: &str = "query($first: Int, $after: String, $filter: AuditLogFilter) {
  auditLog(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { action actor entityType after requestId } }
  }
}";

#[tokio::test]
async fn the_owner_reads_what_happened_newest_first_page_by_page() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", "owner@acme.example").await;
    for name in ["a", "b", "c"] {
        let body = app
            .graphql_as(
                &owner.access_token,
                "mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { id } } }",
                json!({ "input": { "email": app.email(name), "role": "VIEWER" } }),
            )
            .await;
        assert!(body.get("errors").is_none(), "{body}");
    }

    let first = app
        .graphql_as(&owner.access_token, PAGE, json!({ "first": 2 }))
        .await;
    let log = &first["data"]["auditLog"];
    assert_eq!(log["totalCount"], 4, "{first}");
    assert_eq!(log["pageInfo"]["hasNextPage"], true);
    assert_eq!(log["edges"][0]["node"]["action"], "member.invited");
    assert_eq!(log["edges"][0]["node"]["actor"], "owner@acme.example");
    assert!(log["edges"][0]["node"]["requestId"].is_string());

    let cursor = log["pageInfo"]["endCursor"].as_str().unwrap();
    let second = app
        .graphql_as(
            &owner.access_token,
            PAGE,
            json!({ "first": 2, "after": cursor }),
        )
        .await;
    let rest = &second["data"]["auditLog"];
    assert_eq!(rest["edges"].as_array().unwrap().len(), 2, "{second}");
    assert_eq!(rest["pageInfo"]["hasNextPage"], false);
    assert_eq!(rest["edges"][1]["node"]["action"], "tenant.created");

    let invited = app
        .graphql_as(
            &owner.access_token,
            PAGE,
            json!({ "filter": { "action": "member.invited" } }),
        )
        .await;
    assert_eq!(invited["data"]["auditLog"]["totalCount"], 3);
}

#[tokio::test]
async fn a_page_larger_than_two_hundred_is_refused() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", "owner@acme.example").await;
    let body = app
        .graphql_as(&owner.access_token, PAGE, json!({ "first": 500 }))
        .await;
    assert_eq!(error_codes(&body), ["VALIDATION"]);
    assert_eq!(body["errors"][0]["extensions"]["field"], "first");
}

#[tokio::test]
async fn the_database_refuses_to_change_or_delete_audit_entries() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", "owner@acme.example").await;
    for statement in [
        "UPDATE audit_log SET actor_label = 'someone else'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let tx = TenantTx::begin(&app.db, owner.tenant_id).await.unwrap();
        let error = tx.execute_unprepared(statement).await.unwrap_err();
        // Rows are refused by the append-only trigger; TRUNCATE, which fires no row trigger,
        // is not even granted to the role requests run as.
        assert!(
            error.to_string().contains("append-only")
                || error.to_string().contains("permission denied"),
            "{statement}: {error}"
        );
        tx.rollback().await.unwrap();
    }
}
