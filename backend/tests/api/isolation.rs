//! Tenant isolation: every query and mutation that takes an id is tried with another tenant's
//! ids and must answer NOT_FOUND (or nothing) and change nothing. A test reads the schema and
//! fails when an id-taking field has no case here.

use crate::helpers::{TEST_PASSWORD, count, error_codes, spawn_app};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Every id-taking argument, as `Type.field.argument[.inputField]`, with a case below.
const CASES: &[&str] = &[
    "Mutation.acceptInvitation.input.token",
    "Mutation.changeMemberRole.input.userId",
    "Mutation.logIn.input.tenantId",
    "Mutation.removeMember.input.userId",
    "Mutation.revokeApiKey.input.apiKeyId",
    "Mutation.switchTenant.input.tenantId",
    "Query.auditLog.filter.actorUserId",
    "Query.invitation.token",
];

/// The named type under NON_NULL and LIST wrappers.
fn named(ty: &Value) -> (&str, &str) {
    let mut ty = ty;
    while ty["name"].is_null() && !ty["ofType"].is_null() {
        ty = &ty["ofType"];
    }
    (
        ty["kind"].as_str().unwrap_or(""),
        ty["name"].as_str().unwrap_or(""),
    )
}

/// Arguments that identify something: `ID`s, and tokens that stand for an object.
fn identifies(name: &str, type_name: &str) -> bool {
    type_name == "ID" || name == "token"
}

#[tokio::test]
async fn every_id_taking_field_has_an_isolation_case() {
    let schema = duely_backend::api::schema_builder().finish();
    let response = schema
        .execute(
            "{ __schema { types { name kind
                 fields { name args { name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } }
                 inputFields { name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }",
        )
        .await;
    let data = response.data.into_json().unwrap();
    let types = data["__schema"]["types"].as_array().unwrap();
    let input_fields = |input: &str| -> Vec<(String, String)> {
        types
            .iter()
            .find(|ty| ty["name"] == input)
            .and_then(|ty| ty["inputFields"].as_array())
            .map(|fields| {
                fields
                    .iter()
                    .map(|field| {
                        (
                            field["name"].as_str().unwrap().to_owned(),
                            named(&field["type"]).1.to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut found = BTreeSet::new();
    for root in ["Query", "Mutation"] {
        let root_type = types.iter().find(|ty| ty["name"] == root).unwrap();
        for field in root_type["fields"].as_array().unwrap() {
            let field_name = field["name"].as_str().unwrap();
            for arg in field["args"].as_array().unwrap() {
                let arg_name = arg["name"].as_str().unwrap();
                let (kind, type_name) = named(&arg["type"]);
                if identifies(arg_name, type_name) {
                    found.insert(format!("{root}.{field_name}.{arg_name}"));
                }
                if kind == "INPUT_OBJECT" {
                    for (input_name, input_type) in input_fields(type_name) {
                        if identifies(&input_name, &input_type) {
                            found.insert(format!("{root}.{field_name}.{arg_name}.{input_name}"));
                        }
                    }
                }
            }
        }
    }
    let covered: BTreeSet<String> = CASES.iter().map(|case| (*case).to_owned()).collect();
    let missing: Vec<_> = found.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "id-taking fields without an isolation case: {missing:?}"
    );
    let stale: Vec<_> = covered.difference(&found).collect();
    assert!(
        stale.is_empty(),
        "isolation cases for fields that no longer exist: {stale:?}"
    );
}

#[tokio::test]
async fn another_tenants_ids_are_not_found_and_change_nothing() {
    let app = spawn_app().await;
    let acme = app.sign_up("Acme", "owner@acme.example").await;
    let globex = app.sign_up("Globex", &app.email("globex-owner")).await;

    // Globex's objects: a member, a pending invitation, an API key.
    let invited = app.email("globex-viewer");
    app.graphql_as(
        &globex.access_token,
        "mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { id } } }",
        json!({ "input": { "email": invited, "role": "VIEWER" } }),
    )
    .await;
    let globex_token = crate::mail::invitation_token(&app.email_to(&invited).await);
    let key = app
        .graphql_as(
            &globex.access_token,
            "mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } } }",
            json!({ "input": { "name": "Globex ERP", "scopes": ["team:read"] } }),
        )
        .await;
    let globex_key = key["data"]["createApiKey"]["apiKey"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = snapshot(&app).await;

    let as_acme = |query: &'static str, variables: Value| {
        let token = acme.access_token.clone();
        let app = &app;
        async move { app.graphql_as(&token, query, variables).await }
    };
    for (case, body) in [
        (
            "Mutation.changeMemberRole.input.userId",
            as_acme(
                "mutation($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { member { role } } }",
                json!({ "input": { "userId": globex.user_id, "role": "VIEWER" } }),
            )
            .await,
        ),
        (
            "Mutation.removeMember.input.userId",
            as_acme(
                "mutation($input: RemoveMemberInput!) { removeMember(input: $input) { removedUserId } }",
                json!({ "input": { "userId": globex.user_id } }),
            )
            .await,
        ),
        (
            "Mutation.revokeApiKey.input.apiKeyId",
            as_acme(
                "mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { id } } }",
                json!({ "input": { "apiKeyId": globex_key } }),
            )
            .await,
        ),
        (
            "Mutation.switchTenant.input.tenantId",
            as_acme(
                "mutation($input: SwitchTenantInput!) { switchTenant(input: $input) { accessToken } }",
                json!({ "input": { "tenantId": globex.tenant_id.to_string() } }),
            )
            .await,
        ),
        (
            "Mutation.logIn.input.tenantId",
            app.graphql(
                "mutation($input: LogInInput!) { logIn(input: $input) { accessToken } }",
                json!({ "input": { "email": "owner@acme.example", "password": TEST_PASSWORD, "tenantId": globex.tenant_id.to_string() } }),
            )
            .await,
        ),
    ] {
        assert_eq!(error_codes(&body), ["NOT_FOUND"], "{case}: {body}");
    }

    // Filtering Acme's log by a Globex user finds nothing of Globex's.
    let filtered = as_acme(
        "query($filter: AuditLogFilter) { auditLog(filter: $filter) { totalCount } }",
        json!({ "filter": { "actorUserId": globex.user_id } }),
    )
    .await;
    assert_eq!(
        filtered["data"]["auditLog"]["totalCount"], 0,
        "Query.auditLog.filter.actorUserId: {filtered}"
    );

    // An invitation token is the capability itself: whoever holds Globex's link sees Globex's
    // invitation, and nothing of Acme's; accepting it joins Globex, never Acme. A made-up token
    // finds nothing.
    let forged = "duely_inv_0000000000000000000000000000000000000000000000000000000000000000";
    let preview = app
        .graphql(
            "query($token: String!) { invitation(token: $token) { companyName } }",
            json!({ "token": forged }),
        )
        .await;
    assert_eq!(
        error_codes(&preview),
        ["NOT_FOUND"],
        "Query.invitation.token"
    );
    let accept = app
        .graphql(
            "mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { tenant { name } } }",
            json!({ "input": { "token": forged, "name": "X", "password": TEST_PASSWORD } }),
        )
        .await;
    assert_eq!(
        error_codes(&accept),
        ["NOT_FOUND"],
        "Mutation.acceptInvitation.input.token"
    );
    let real = app
        .graphql(
            "query($token: String!) { invitation(token: $token) { companyName } }",
            json!({ "token": globex_token }),
        )
        .await;
    assert_eq!(real["data"]["invitation"]["companyName"], "Globex");

    assert_eq!(snapshot(&app).await, before, "nothing changed");
}

/// Counts that any cross-tenant write would change.
async fn snapshot(app: &crate::helpers::TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for sql in [
        "SELECT count(*) FROM public.memberships",
        "SELECT count(*) FROM public.memberships WHERE role = 'OWNER'",
        "SELECT count(*) FROM public.api_keys WHERE revoked_at IS NULL",
        "SELECT count(*) FROM public.refresh_tokens WHERE revoked_at IS NULL",
        "SELECT count(*) FROM public.invitations WHERE accepted_at IS NULL",
        "SELECT count(*) FROM public.users",
    ] {
        counts.push(count(&app.db, sql).await);
    }
    counts
}

#[tokio::test]
async fn one_pooled_connection_alternating_between_tenants_never_mixes_them() {
    let app = spawn_app().await;
    let acme = crate::helpers::create_tenant(&app.db, "Acme").await;
    let globex = crate::helpers::create_tenant(&app.db, "Globex").await;
    let single = sea_orm::Database::connect(
        sea_orm::ConnectOptions::new(app.database_url.clone())
            .max_connections(1)
            .to_owned(),
    )
    .await
    .unwrap();
    use sea_orm::ConnectionTrait;
    for round in 0..10 {
        for (tenant, value) in [(acme, "acme"), (globex, "globex")] {
            let tx = duely_backend::db::TenantTx::begin(&single, tenant)
                .await
                .unwrap();
            tx.execute_unprepared(&format!(
                r#"INSERT INTO settings (key, value) VALUES ('round.{round}', '"{value}"')"#
            ))
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
    }
    for (tenant, value) in [(acme, "acme"), (globex, "globex")] {
        let tx = duely_backend::db::TenantTx::begin(&single, tenant)
            .await
            .unwrap();
        let rows = tx
            .query_all_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Postgres,
                "SELECT value::text AS v FROM settings WHERE key LIKE 'round.%'",
            ))
            .await
            .unwrap();
        assert_eq!(rows.len(), 10);
        for row in rows {
            assert_eq!(
                row.try_get::<String>("", "v").unwrap(),
                format!("\"{value}\"")
            );
        }
        tx.rollback().await.unwrap();
    }
}
