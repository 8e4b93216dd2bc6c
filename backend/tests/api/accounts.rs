//! A person's own account: verifying the address, resetting and changing the password; and
//! what a company may email its customers (only once its owner is verified, up to its plan's
//! daily limit), with no usable link secret ever in plain text in the outbox.

use crate::helpers::{
    SESSION_FIELDS, SIGN_UP, TEST_PASSWORD, TestApp, count, error_codes, spawn_app,
};
use crate::kit::create_customer;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{Value, json};

const NEW_PASSWORD: &str = "a brand new passphrase";

/// Signs up through the API as a new user does (unverified), returning the payload.
async fn sign_up_unverified(app: &TestApp, email: &str) -> Value {
    let body = app
        .graphql(
            SIGN_UP,
            json!({ "input": { "companyName": "Acme", "name": "Li Wei", "email": email, "password": TEST_PASSWORD } }),
        )
        .await;
    body["data"]["signUp"].clone()
}

/// The token of the newest link to `path` (`/verify-email/`, `/reset-password/`) mailed to `to`.
async fn link_token(app: &TestApp, to: &str, path: &str) -> String {
    let mail = app.email_with(to, path).await;
    let start = mail.find(path).unwrap() + path.len();
    mail[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

async fn send_statement(app: &TestApp, token: &str, customer_id: &str) -> Value {
    let today = chrono::Utc::now().date_naive();
    app.graphql_as(
        token,
        "mutation($input: SendStatementInput!) { sendStatement(input: $input) { sentTo } }",
        json!({ "input": { "customerId": customer_id, "from": (today - chrono::Days::new(30)).to_string(), "to": today.to_string() } }),
    )
    .await
}

#[tokio::test]
async fn a_new_owner_verifies_their_address_before_customers_get_email() {
    let app = spawn_app().await;
    let email = app.email("owner");
    let signed_up = sign_up_unverified(&app, &email).await;
    assert!(signed_up["user"]["id"].is_string(), "{signed_up}");
    let access = signed_up["accessToken"].as_str().unwrap().to_owned();
    let me = app
        .graphql_as(&access, "{ me { user { emailVerified } } }", json!({}))
        .await;
    assert_eq!(me["data"]["me"]["user"]["emailVerified"], false, "{me}");

    // The link's secret never sits in the outbox in plain text: the text holds a mark, the
    // secret is sealed beside it, and erased once the message is sent.
    let token = link_token(&app, &email.to_lowercase(), "/verify-email/").await;
    assert!(token.starts_with("duely_ver_"), "{token}");
    let plain = count(
        &app.db,
        &format!("SELECT count(*) FROM public.email_outbox WHERE body_text LIKE '%{token}%'"),
    )
    .await;
    assert_eq!(plain, 0);
    for _ in 0..50 {
        if count(
            &app.db,
            "SELECT count(*) FROM public.email_outbox WHERE secret_sealed IS NOT NULL",
        )
        .await
            == 0
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        count(
            &app.db,
            "SELECT count(*) FROM public.email_outbox WHERE secret_sealed IS NOT NULL"
        )
        .await,
        0,
        "sent messages keep no secret"
    );

    // Customers get no email until the owner is verified.
    let session = crate::helpers::TestSession::from_payload(&signed_up).unwrap();
    let buyer = create_customer(
        &app,
        &session,
        "BUY",
        json!({ "contacts": [{ "name": "Wang", "email": app.email("buyer") }] }),
    )
    .await;
    let refused = send_statement(&app, &access, buyer["id"].as_str().unwrap()).await;
    assert_eq!(error_codes(&refused), ["EMAIL_NOT_VERIFIED"], "{refused}");

    let verified = app
        .graphql(
            "mutation($input: VerifyEmailInput!) { verifyEmail(input: $input) { user { emailVerified } } }",
            json!({ "input": { "token": token } }),
        )
        .await;
    assert_eq!(
        verified["data"]["verifyEmail"]["user"]["emailVerified"], true,
        "{verified}"
    );
    let again = app
        .graphql(
            "mutation($input: VerifyEmailInput!) { verifyEmail(input: $input) { user { emailVerified } } }",
            json!({ "input": { "token": token } }),
        )
        .await;
    assert_eq!(error_codes(&again), ["NOT_FOUND"], "a link works once");
    let sent = send_statement(&app, &access, buyer["id"].as_str().unwrap()).await;
    assert!(sent.get("errors").is_none(), "{sent}");
    let resend = app
        .graphql_as(
            &access,
            "mutation { resendVerificationEmail { sent } }",
            json!({}),
        )
        .await;
    assert_eq!(
        resend["data"]["resendVerificationEmail"]["sent"], false,
        "{resend}"
    );
}

#[tokio::test]
async fn a_forgotten_password_is_reset_by_the_emailed_link_once() {
    let app = spawn_app().await;
    let email = app.email("owner").to_lowercase();
    let owner = app.sign_up("Acme", &email).await;
    let ask = |address: String| {
        let app = &app;
        async move {
            app.graphql(
                "mutation($input: RequestPasswordResetInput!) { requestPasswordReset(input: $input) { accepted } }",
                json!({ "input": { "email": address } }),
            )
            .await
        }
    };
    // The same answer whether or not the address has an account.
    let known = ask(email.clone()).await;
    let unknown = ask(app.email("nobody")).await;
    assert_eq!(known, unknown);
    assert_eq!(
        known["data"]["requestPasswordReset"]["accepted"], true,
        "{known}"
    );

    let token = link_token(&app, &email, "/reset-password/").await;
    let weak = app
        .graphql(
            &format!("mutation($input: ResetPasswordInput!) {{ resetPassword(input: $input) {{ {SESSION_FIELDS} }} }}"),
            json!({ "input": { "token": token, "newPassword": "short" } }),
        )
        .await;
    assert_eq!(error_codes(&weak), ["VALIDATION"], "{weak}");
    assert_eq!(
        weak["errors"][0]["extensions"]["field"],
        "input.newPassword"
    );
    let reset = app
        .graphql(
            &format!("mutation($input: ResetPasswordInput!) {{ resetPassword(input: $input) {{ {SESSION_FIELDS} }} }}"),
            json!({ "input": { "token": token, "newPassword": NEW_PASSWORD } }),
        )
        .await;
    assert!(
        reset["data"]["resetPassword"]["accessToken"].is_string(),
        "{reset}"
    );
    let reused = app
        .graphql(
            "mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { accessToken } }",
            json!({ "input": { "token": token, "newPassword": "yet another passphrase" } }),
        )
        .await;
    assert_eq!(error_codes(&reused), ["NOT_FOUND"], "{reused}");

    // Every earlier session ended; the old password is refused, the new one works.
    let refresh = app
        .graphql(
            &format!("mutation($input: RefreshSessionInput!) {{ refreshSession(input: $input) {{ {SESSION_FIELDS} }} }}"),
            json!({ "input": { "refreshToken": owner.refresh_token } }),
        )
        .await;
    assert_eq!(error_codes(&refresh), ["UNAUTHENTICATED"], "{refresh}");
    let log_in = |password: &'static str| {
        let app = &app;
        let email = email.clone();
        async move {
            app.graphql(
                "mutation($input: LogInInput!) { logIn(input: $input) { role } }",
                json!({ "input": { "email": email, "password": password } }),
            )
            .await
        }
    };
    assert_eq!(
        error_codes(&log_in(TEST_PASSWORD).await),
        ["UNAUTHENTICATED"]
    );
    assert_eq!(log_in(NEW_PASSWORD).await["data"]["logIn"]["role"], "OWNER");
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_other_sessions() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", "owner@acme.example").await;
    let change = |current: &'static str| {
        let app = &app;
        let token = owner.access_token.clone();
        async move {
            app.graphql_as(
                &token,
                &format!("mutation($input: ChangePasswordInput!) {{ changePassword(input: $input) {{ {SESSION_FIELDS} }} }}"),
                json!({ "input": { "currentPassword": current, "newPassword": NEW_PASSWORD } }),
            )
            .await
        }
    };
    let wrong = change("not my password").await;
    assert_eq!(error_codes(&wrong), ["UNAUTHENTICATED"], "{wrong}");
    assert_eq!(
        wrong["errors"][0]["extensions"]["field"],
        "input.currentPassword"
    );
    let changed = change(TEST_PASSWORD).await;
    let fresh = changed["data"]["changePassword"]["refreshToken"]
        .as_str()
        .unwrap_or_else(|| panic!("{changed}"))
        .to_owned();
    let refresh = |token: String| {
        let app = &app;
        async move {
            app.graphql(
                &format!("mutation($input: RefreshSessionInput!) {{ refreshSession(input: $input) {{ {SESSION_FIELDS} }} }}"),
                json!({ "input": { "refreshToken": token } }),
            )
            .await
        }
    };
    assert_eq!(
        error_codes(&refresh(owner.refresh_token.clone()).await),
        ["UNAUTHENTICATED"],
        "the other session ended"
    );
    let old_access = app
        .graphql_as(&owner.access_token, "{ me { role } }", json!({}))
        .await;
    assert_eq!(
        error_codes(&old_access),
        ["UNAUTHENTICATED"],
        "its access token too, not only when it expires: {old_access}"
    );
    assert!(
        refresh(fresh).await["data"]["refreshSession"]["accessToken"].is_string(),
        "this one goes on"
    );
    let audit = app
        .graphql_as(
            changed["data"]["changePassword"]["accessToken"]
                .as_str()
                .unwrap(),
            "{ auditLog(first: 5, filter: { action: \"user.password_changed\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(audit["data"]["auditLog"]["totalCount"], 1, "{audit}");
}

#[tokio::test]
async fn customer_email_stops_at_the_plans_daily_limit() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let buyer = create_customer(
        &app,
        &owner,
        "BUY",
        json!({ "contacts": [{ "name": "Wang", "email": app.email("buyer") }] }),
    )
    .await;
    // On FREE, 100 a day; 100 went out today already.
    duely_backend::billing::plans::grant(&app.db, owner.tenant_id, domain::billing::Plan::Free)
        .await
        .unwrap();
    app.db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO public.email_outbox (id, tenant_id, to_address, subject, body_text, audience, sent_at)
             SELECT gen_random_uuid(), $1, 'x@example.com', 'earlier', 'earlier', 'CUSTOMER', now()
             FROM generate_series(1, 100)",
            [owner.tenant_id.0.into()],
        ))
        .await
        .unwrap();
    let refused = send_statement(&app, &owner.access_token, buyer["id"].as_str().unwrap()).await;
    assert_eq!(error_codes(&refused), ["PLAN_LIMIT"], "{refused}");
    assert_eq!(
        refused["errors"][0]["extensions"]["limit"],
        "EMAILS_PER_DAY"
    );
    assert_eq!(refused["errors"][0]["extensions"]["upgradeTo"], "GROWTH");
    let usage = app
        .graphql_as(
            &owner.access_token,
            "{ subscription { usage { limit used allowed } } }",
            json!({}),
        )
        .await;
    let emails = usage["data"]["subscription"]["usage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["limit"] == "EMAILS_PER_DAY")
        .cloned()
        .unwrap_or_else(|| panic!("{usage}"));
    assert_eq!(emails["used"], 100);
    assert_eq!(emails["allowed"], 100);
}
