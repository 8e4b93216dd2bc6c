//! The team through the API: invitations by email, accepting them, roles and removal. Who may
//! call what is walked field by field in `permission_matrix.rs`.

use crate::helpers::{
    SESSION_FIELDS, TEST_PASSWORD, TestApp, TestSession, count, error_codes, spawn_app,
};
use crate::kit::{accept_query, invitation_token, invite, join};
use serde_json::json;

const MEMBERS: &str = "{ members { user { id email name } role joinedAt } }";

#[tokio::test]
async fn an_invited_collector_gets_the_email_and_joins_with_a_new_account() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", "owner@acme.example").await;
    let invitee = app.email("Fang.Wang");
    let body = invite(&app, &owner.access_token, &invitee, "COLLECTOR").await;
    let invitee = invitee.to_lowercase();
    assert_eq!(
        body["data"]["inviteMember"]["invitation"]["email"],
        invitee.as_str()
    );

    let email = app.email_to(&invitee).await;
    assert!(email.contains("Acme"), "{email}");
    let token = invitation_token(&email);
    assert!(email.contains(&format!("/invite/{token}")));

    let preview = app
        .graphql(
            "query($token: String!) { invitation(token: $token) { companyName email role accountExists } }",
            json!({ "token": token }),
        )
        .await;
    assert_eq!(
        preview["data"]["invitation"],
        json!({ "companyName": "Acme", "email": invitee, "role": "COLLECTOR", "accountExists": false })
    );

    let accepted = app
        .graphql(
            &accept_query(),
            json!({ "input": { "token": token, "name": "王芳", "password": TEST_PASSWORD } }),
        )
        .await;
    assert_eq!(
        accepted["data"]["acceptInvitation"]["role"], "COLLECTOR",
        "{accepted}"
    );
    assert_eq!(
        accepted["data"]["acceptInvitation"]["tenant"]["name"],
        "Acme"
    );

    let members = app
        .graphql_as(&owner.access_token, MEMBERS, json!({}))
        .await;
    assert_eq!(
        members["data"]["members"].as_array().unwrap().len(),
        2,
        "{members}"
    );
    let schema = owner.tenant_id.schema_name();
    assert_eq!(
        count(&app.db, &format!(r#"SELECT count(*) FROM "{schema}".audit_log WHERE action IN ('member.invited', 'member.joined')"#)).await,
        2
    );

    // The link works once.
    let again = app
        .graphql(
            &accept_query(),
            json!({ "input": { "token": token, "name": "王芳", "password": TEST_PASSWORD } }),
        )
        .await;
    assert_eq!(error_codes(&again), ["NOT_FOUND"]);
}

#[tokio::test]
async fn someone_with_an_account_accepts_with_their_own_password() {
    let app = spawn_app().await;
    let acme = app.sign_up("Acme", "owner@acme.example").await;
    app.sign_up("Globex", "li@globex.example").await;
    invite(
        &app,
        &acme.access_token,
        "li@globex.example",
        "FINANCE_MANAGER",
    )
    .await;
    let token = invitation_token(&app.email_to("li@globex.example").await);

    let wrong = app
        .graphql(
            &accept_query(),
            json!({ "input": { "token": token, "password": "not my password" } }),
        )
        .await;
    assert_eq!(error_codes(&wrong), ["UNAUTHENTICATED"]);
    let accepted = app
        .graphql(
            &accept_query(),
            json!({ "input": { "token": token, "password": TEST_PASSWORD } }),
        )
        .await;
    assert_eq!(
        accepted["data"]["acceptInvitation"]["role"], "FINANCE_MANAGER",
        "{accepted}"
    );
    assert_eq!(
        count(&app.db, "SELECT count(*) FROM public.users").await,
        2,
        "no second account"
    );
}

#[tokio::test]
async fn only_owners_make_owners_and_a_company_keeps_one() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", "owner@acme.example").await;
    let admin = join(&app, &owner, &app.email("admin"), "ADMIN").await;

    let refused = invite(&app, &admin.access_token, &app.email("new-owner"), "OWNER").await;
    assert_eq!(error_codes(&refused), ["FORBIDDEN"], "{refused}");

    let change = "mutation($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { member { role } } }";
    let demote_self = app
        .graphql_as(
            &owner.access_token,
            change,
            json!({ "input": { "userId": owner.user_id, "role": "ADMIN" } }),
        )
        .await;
    assert_eq!(error_codes(&demote_self), ["CONFLICT"], "{demote_self}");
    let remove =
        "mutation($input: RemoveMemberInput!) { removeMember(input: $input) { removedUserId } }";
    let remove_self = app
        .graphql_as(
            &owner.access_token,
            remove,
            json!({ "input": { "userId": owner.user_id } }),
        )
        .await;
    assert_eq!(error_codes(&remove_self), ["CONFLICT"]);

    // With a second owner, the first may step down.
    let promoted = app
        .graphql_as(
            &owner.access_token,
            change,
            json!({ "input": { "userId": admin.user_id, "role": "OWNER" } }),
        )
        .await;
    assert_eq!(
        promoted["data"]["changeMemberRole"]["member"]["role"], "OWNER",
        "{promoted}"
    );
    let stepped_down = app
        .graphql_as(
            &owner.access_token,
            change,
            json!({ "input": { "userId": owner.user_id, "role": "ADMIN" } }),
        )
        .await;
    assert_eq!(
        stepped_down["data"]["changeMemberRole"]["member"]["role"], "ADMIN",
        "{stepped_down}"
    );
}

#[tokio::test]
async fn a_removed_member_loses_access_at_once() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", "owner@acme.example").await;
    let collector = join(&app, &owner, &app.email("collector"), "COLLECTOR").await;
    let removed = app
        .graphql_as(
            &owner.access_token,
            "mutation($input: RemoveMemberInput!) { removeMember(input: $input) { removedUserId } }",
            json!({ "input": { "userId": collector.user_id } }),
        )
        .await;
    assert_eq!(
        removed["data"]["removeMember"]["removedUserId"],
        collector.user_id.as_str(),
        "{removed}"
    );
    let me = app
        .graphql_as(&collector.access_token, "{ me { role } }", json!({}))
        .await;
    assert_eq!(error_codes(&me), ["UNAUTHENTICATED"]);
    let refresh = app
        .graphql(
            &format!("mutation($input: RefreshSessionInput!) {{ refreshSession(input: $input) {{ {SESSION_FIELDS} }} }}"),
            json!({ "input": { "refreshToken": collector.refresh_token } }),
        )
        .await;
    assert_eq!(error_codes(&refresh), ["UNAUTHENTICATED"]);
}

const REMOVE: &str = "mutation($input: RemoveMemberInput!) { removeMember(input: $input) { removedUserId revokedApiKeys { id name revokedAt } withdrawnInvitations { id email invitedBy { email } } } }";
const CHANGE_ROLE: &str = "mutation($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { member { role } revokedApiKeys { id revokedAt } withdrawnInvitations { id email } } }";

/// An API key made by `session`; returns its id and secret.
async fn make_key(app: &TestApp, session: &TestSession) -> (String, String) {
    let body = app
        .graphql_as(
            &session.access_token,
            "mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }",
            json!({ "input": { "name": "ERP sync", "scopes": ["customers:read"] } }),
        )
        .await;
    let payload = &body["data"]["createApiKey"];
    (
        payload["apiKey"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{body}"))
            .to_owned(),
        payload["secret"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn removing_a_member_revokes_their_keys_and_withdraws_their_invitations() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", "owner@acme.example").await;
    let admin = join(&app, &owner, &app.email("admin"), "ADMIN").await;
    let (key_id, secret) = make_key(&app, &admin).await;
    let (owners_key, owners_secret) = make_key(&app, &owner).await;
    let invitee = app.email("invitee");
    let invited = invite(&app, &admin.access_token, &invitee, "VIEWER").await;
    assert_eq!(
        invited["data"]["inviteMember"]["invitation"]["email"],
        invitee.as_str(),
        "{invited}"
    );
    let token = invitation_token(&app.email_to(&invitee).await);
    let pending = app
        .graphql_as(
            &owner.access_token,
            "{ invitations { email invitedBy { email } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        pending["data"]["invitations"][0]["invitedBy"]["email"],
        app.email("admin").to_lowercase().as_str(),
        "{pending}"
    );

    let removed = app
        .graphql_as(
            &owner.access_token,
            REMOVE,
            json!({ "input": { "userId": admin.user_id } }),
        )
        .await;
    let payload = &removed["data"]["removeMember"];
    assert_eq!(
        payload["revokedApiKeys"][0]["id"],
        key_id.as_str(),
        "{removed}"
    );
    assert!(payload["revokedApiKeys"][0]["revokedAt"].is_string());
    assert_eq!(payload["revokedApiKeys"].as_array().unwrap().len(), 1);
    assert_eq!(
        payload["withdrawnInvitations"][0]["email"],
        invitee.as_str(),
        "{removed}"
    );

    // The key reads nothing any more; the owner's own key still works.
    let with_key = app
        .graphql_as(&secret, "{ customers { totalCount } }", json!({}))
        .await;
    assert_eq!(error_codes(&with_key), ["UNAUTHENTICATED"], "{with_key}");
    let with_owners_key = app
        .graphql_as(&owners_secret, "{ customers { totalCount } }", json!({}))
        .await;
    assert!(with_owners_key.get("errors").is_none(), "{with_owners_key}");
    let _ = owners_key;

    // The invitation opens no door.
    let accepted = app
        .graphql(
            &accept_query(),
            json!({ "input": { "token": token, "name": "王芳", "password": TEST_PASSWORD } }),
        )
        .await;
    assert_eq!(error_codes(&accepted), ["NOT_FOUND"], "{accepted}");

    // Each revocation is in the audit log, with its cause.
    let audit = app
        .graphql_as(
            &owner.access_token,
            "{ auditLog(first: 20) { nodes { action entityId after } } }",
            json!({}),
        )
        .await;
    let entries = audit["data"]["auditLog"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    let revoked_entry = entries
        .iter()
        .find(|entry| entry["action"] == "api_key.revoked" && entry["entityId"] == key_id.as_str())
        .unwrap_or_else(|| panic!("{audit}"));
    assert_eq!(revoked_entry["after"]["cause"], "member.removed");
    assert!(
        entries
            .iter()
            .any(|entry| entry["action"] == "invitation.withdrawn"),
        "{audit}"
    );
}

#[tokio::test]
async fn a_role_without_the_permission_loses_what_needed_it() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", "owner@acme.example").await;
    let admin = join(&app, &owner, &app.email("admin"), "ADMIN").await;
    let (key_id, secret) = make_key(&app, &admin).await;
    invite(
        &app,
        &admin.access_token,
        &app.email("invitee"),
        "COLLECTOR",
    )
    .await;

    // A finance manager may neither manage keys nor invite.
    let changed = app
        .graphql_as(
            &owner.access_token,
            CHANGE_ROLE,
            json!({ "input": { "userId": admin.user_id, "role": "FINANCE_MANAGER" } }),
        )
        .await;
    let payload = &changed["data"]["changeMemberRole"];
    assert_eq!(payload["member"]["role"], "FINANCE_MANAGER", "{changed}");
    assert_eq!(
        payload["revokedApiKeys"][0]["id"],
        key_id.as_str(),
        "{changed}"
    );
    assert_eq!(payload["withdrawnInvitations"].as_array().unwrap().len(), 1);
    let with_key = app
        .graphql_as(&secret, "{ customers { totalCount } }", json!({}))
        .await;
    assert_eq!(error_codes(&with_key), ["UNAUTHENTICATED"], "{with_key}");

    // Back to admin and again to admin: nothing more to revoke.
    let again = app
        .graphql_as(
            &owner.access_token,
            CHANGE_ROLE,
            json!({ "input": { "userId": admin.user_id, "role": "ADMIN" } }),
        )
        .await;
    assert_eq!(
        again["data"]["changeMemberRole"]["revokedApiKeys"],
        json!([]),
        "{again}"
    );
}

#[tokio::test]
async fn an_invitation_from_someone_who_left_is_refused_when_accepted() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", "owner@acme.example").await;
    let admin = join(&app, &owner, &app.email("admin"), "ADMIN").await;
    let invitee = app.email("invitee");
    invite(&app, &admin.access_token, &invitee, "VIEWER").await;
    let token = invitation_token(&app.email_to(&invitee).await);
    // The sender leaves by a path that withdraws nothing (as a membership ended elsewhere):
    // accepting still checks the sender.
    crate::helpers::remove_member(&app.db, owner.tenant_id, &admin.user_id).await;
    let preview = app
        .graphql(
            "query($token: String!) { invitation(token: $token) { email } }",
            json!({ "token": token }),
        )
        .await;
    assert_eq!(error_codes(&preview), ["NOT_FOUND"], "{preview}");
    let accepted = app
        .graphql(
            &accept_query(),
            json!({ "input": { "token": token, "name": "王芳", "password": TEST_PASSWORD } }),
        )
        .await;
    assert_eq!(error_codes(&accepted), ["NOT_FOUND"], "{accepted}");
    assert_eq!(
        count(&app.db, "SELECT count(*) FROM public.memberships").await,
        1,
        "only the owner is a member"
    );
}
