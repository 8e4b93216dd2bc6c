//! Sign-up, log-in and sessions, through the API as a client uses them.

use crate::helpers::{
    SESSION_FIELDS, SIGN_UP, TEST_PASSWORD, TestApp, add_member, count, error_codes, remove_member,
    spawn_app, within_a_second,
};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

fn log_in_query() -> String {
    format!("mutation($input: LogInInput!) {{ logIn(input: $input) {{ {SESSION_FIELDS} }} }}")
}

fn refresh_query() -> String {
    format!(
        "mutation($input: RefreshSessionInput!) {{ refreshSession(input: $input) {{ {SESSION_FIELDS} }} }}"
    )
}

const ME: &str = "{ me { user { email name } tenant { id name } role permissions { permission access } memberships { tenant { name } role } } }";

async fn log_in(app: &TestApp, email: &str, password: &str) -> Value {
    app.graphql(
        &log_in_query(),
        json!({ "input": { "email": email, "password": password } }),
    )
    .await
}

fn sign_up_input(overrides: Value) -> Value {
    let mut input = json!({
        "companyName": "上海远航贸易有限公司",
        "name": "李伟",
        "email": "li.wei@yuanhang.example",
        "password": TEST_PASSWORD,
    });
    if let (Some(input), Some(overrides)) = (input.as_object_mut(), overrides.as_object()) {
        for (key, value) in overrides {
            input.insert(key.clone(), value.clone());
        }
    }
    json!({ "input": input })
}

#[tokio::test]
async fn signing_up_creates_the_company_and_signs_the_owner_in() {
    let app = spawn_app().await;
    let body = app.graphql(SIGN_UP, sign_up_input(json!({}))).await;
    let payload = &body["data"]["signUp"];
    assert_eq!(payload["role"], "OWNER", "{body}");
    assert_eq!(payload["tenant"]["name"], "上海远航贸易有限公司");
    assert_eq!(payload["tenant"]["baseCurrency"], "CNY");
    assert_eq!(payload["tenant"]["timeZone"], "Asia/Shanghai");
    assert_eq!(payload["tenant"]["locale"], "ZH_CN");
    assert_eq!(payload["user"]["email"], "li.wei@yuanhang.example");
    assert!(
        payload["tenant"]["slug"]
            .as_str()
            .unwrap()
            .starts_with("company-")
    );

    let token = payload["accessToken"].as_str().unwrap();
    let me = app.graphql_as(token, ME, json!({})).await;
    assert_eq!(me["data"]["me"]["role"], "OWNER", "{me}");
    assert_eq!(me["data"]["me"]["user"]["name"], "李伟");
    let permissions = me["data"]["me"]["permissions"].as_array().unwrap();
    assert!(permissions.contains(&json!({ "permission": "MANAGE_TEAM", "access": "ALL" })));

    let tenant: domain::TenantId = payload["tenant"]["id"].as_str().unwrap().parse().unwrap();
    let schema = tenant.schema_name();
    assert_eq!(
        count(
            &app.db,
            &format!(r#"SELECT count(*) FROM "{schema}".company_settings"#)
        )
        .await,
        1,
        "the new tenant starts with its one row of default settings"
    );
    assert_eq!(
        count(
            &app.db,
            &format!(
                r#"SELECT count(*) FROM "{schema}".audit_log WHERE action = 'tenant.created'"#
            )
        )
        .await,
        1
    );
}

#[tokio::test]
async fn sign_up_names_the_field_at_fault_and_changes_nothing() {
    let app = spawn_app().await;
    let cases = [
        (json!({ "email": "li.wei@" }), "input.email"),
        (json!({ "password": "short" }), "input.password"),
        (
            json!({ "password": "li.wei@yuanhang.example" }),
            "input.password",
        ),
        (json!({ "password": "qwertyuiop" }), "input.password"),
        (json!({ "companyName": "   " }), "input.companyName"),
        (
            json!({ "companyName": "名".repeat(101) }),
            "input.companyName",
        ),
        (json!({ "baseCurrency": "RMB" }), "input.baseCurrency"),
        (json!({ "timeZone": "Mars/Olympus_Mons" }), "input.timeZone"),
    ];
    for (overrides, field) in cases {
        let body = app.graphql(SIGN_UP, sign_up_input(overrides.clone())).await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{overrides}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["field"], field,
            "{overrides}: {body}"
        );
    }
    assert_eq!(count(&app.db, "SELECT count(*) FROM public.users").await, 0);
    assert_eq!(
        count(&app.db, "SELECT count(*) FROM public.tenants").await,
        0
    );
}

#[tokio::test]
async fn a_taken_email_is_a_clear_conflict() {
    let app = spawn_app().await;
    app.sign_up("Acme", "owner@acme.example").await;
    let body = app
        .graphql(
            SIGN_UP,
            sign_up_input(json!({ "email": "Owner@ACME.example", "companyName": "Acme Two" })),
        )
        .await;
    assert_eq!(error_codes(&body), ["CONFLICT"], "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "input.email");
    assert_eq!(
        count(&app.db, "SELECT count(*) FROM public.tenants").await,
        1
    );
}

#[tokio::test]
async fn concurrent_sign_ups_with_one_email_make_exactly_one_account() {
    let app = spawn_app().await;
    let attempts = (0..4).map(|n| {
        app.graphql(
            SIGN_UP,
            sign_up_input(
                json!({ "email": "race@acme.example", "companyName": format!("Acme {n}") }),
            ),
        )
    });
    let results = futures::future::join_all(attempts).await;
    let succeeded = results
        .iter()
        .filter(|body| body["data"]["signUp"]["accessToken"].is_string())
        .count();
    assert_eq!(succeeded, 1, "{results:?}");
    for body in results.iter().filter(|body| body.get("errors").is_some()) {
        assert_eq!(error_codes(body), ["CONFLICT"], "{body}");
    }
    assert_eq!(count(&app.db, "SELECT count(*) FROM public.users").await, 1);
    assert_eq!(
        count(&app.db, "SELECT count(*) FROM public.tenants").await,
        1
    );
    assert_eq!(
        count(
            &app.db,
            "SELECT count(*) FROM pg_namespace n JOIN public.tenants t ON t.schema_name = n.nspname"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn the_right_password_signs_in_and_anything_else_gets_one_answer() {
    let app = spawn_app().await;
    app.sign_up("Acme", "owner@acme.example").await;

    let ok = log_in(&app, " OWNER@acme.example ", TEST_PASSWORD).await;
    assert_eq!(ok["data"]["logIn"]["role"], "OWNER", "{ok}");

    let wrong_password = log_in(&app, "owner@acme.example", "not the password").await;
    let unknown_email = log_in(&app, "nobody@acme.example", TEST_PASSWORD).await;
    assert_eq!(error_codes(&wrong_password), ["UNAUTHENTICATED"]);
    assert_eq!(
        wrong_password["errors"][0]["message"], unknown_email["errors"][0]["message"],
        "log-in never tells whether an email has an account"
    );
}

#[tokio::test]
async fn repeated_failures_are_throttled_with_a_retry_time() {
    let app = spawn_app().await;
    app.sign_up("Acme", "owner@acme.example").await;
    // Five failures are free; the sixth locks the account, from this address, for a second.
    for _ in 0..6 {
        let body = log_in(&app, "owner@acme.example", "guess guess guess").await;
        assert_eq!(error_codes(&body), ["UNAUTHENTICATED"], "{body}");
    }
    let body = log_in(&app, "owner@acme.example", TEST_PASSWORD).await;
    assert_eq!(error_codes(&body), ["RATE_LIMITED"], "{body}");
    assert_eq!(body["errors"][0]["extensions"]["retryAfter"], 1, "{body}");
    // No sleep on the server: the refusal is immediate, and after the wait the right password
    // works (and clears the failures).
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let body = log_in(&app, "owner@acme.example", TEST_PASSWORD).await;
    assert_eq!(body["data"]["logIn"]["role"], "OWNER", "{body}");
}

#[tokio::test]
async fn an_attacker_elsewhere_does_not_lock_the_owner_out() {
    let config = crate::helpers::test_config(
        &[("DUELY_TRUSTED_PROXIES", "1")],
        &crate::helpers::fresh_database().await,
    );
    let app = crate::helpers::spawn_app_with(config).await;
    app.sign_up("Acme", "owner@acme.example").await;
    let log_in_from = |address: &'static str, password: &'static str| {
        let app = &app;
        async move {
            app.client
                .post(app.url("/graphql"))
                // What the client wrote, then what the trusted proxy appended.
                .header("x-forwarded-for", format!("198.51.100.99, {address}"))
                .json(&json!({ "query": log_in_query(), "variables": { "input": {
                    "email": "owner@acme.example", "password": password } } }))
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    for _ in 0..8 {
        log_in_from("203.0.113.7", "guess guess guess").await;
    }
    let attacker = log_in_from("203.0.113.7", TEST_PASSWORD).await;
    assert_eq!(error_codes(&attacker), ["RATE_LIMITED"], "{attacker}");
    let owner = log_in_from("192.0.2.10", TEST_PASSWORD).await;
    assert_eq!(owner["data"]["logIn"]["role"], "OWNER", "{owner}");
}

#[tokio::test]
async fn sign_ups_are_limited_per_address() {
    let config = crate::helpers::test_config(
        &[("DUELY_SIGNUP_RATE_PER_HOUR", "2")],
        &crate::helpers::fresh_database().await,
    );
    let app = crate::helpers::spawn_app_with(config).await;
    app.sign_up("Acme", "a@acme.example").await;
    app.sign_up("Beta", "b@beta.example").await;
    let third = app
        .graphql(
            SIGN_UP,
            sign_up_input(json!({ "email": "c@gamma.example" })),
        )
        .await;
    assert_eq!(error_codes(&third), ["RATE_LIMITED"], "{third}");
    assert_eq!(count(&app.db, "SELECT count(*) FROM public.users").await, 2);
}

#[tokio::test]
async fn an_email_too_long_is_refused_before_any_work() {
    let app = spawn_app().await;
    let long = format!("{}@acme.example", "a".repeat(300));
    let body = log_in(&app, &long, TEST_PASSWORD).await;
    assert_eq!(error_codes(&body), ["UNAUTHENTICATED"], "{body}");
    let reset = app
        .graphql(
            "mutation($input: RequestPasswordResetInput!) { requestPasswordReset(input: $input) { accepted } }",
            json!({ "input": { "email": long } }),
        )
        .await;
    assert_eq!(error_codes(&reset), ["VALIDATION"], "{reset}");
    assert_eq!(
        count(
            &app.db,
            "SELECT count(*) FROM public.jobs WHERE kind = 'identity.password_reset'"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn a_refresh_rotates_the_token_and_reusing_an_old_one_ends_the_session() {
    let app = spawn_app().await;
    let session = app.sign_up("Acme", "owner@acme.example").await;

    let first = app
        .graphql(
            &refresh_query(),
            json!({ "input": { "refreshToken": session.refresh_token } }),
        )
        .await;
    let next = first["data"]["refreshSession"]["refreshToken"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(next, session.refresh_token);
    let access = first["data"]["refreshSession"]["accessToken"]
        .as_str()
        .unwrap();
    assert_eq!(
        app.graphql_as(access, ME, json!({})).await["data"]["me"]["role"],
        "OWNER"
    );

    // The old token comes back past the grace period: someone copied it. The family ends.
    app.db
        .execute_unprepared(
            "UPDATE public.refresh_tokens SET used_at = used_at - interval '11 seconds'
             WHERE used_at IS NOT NULL",
        )
        .await
        .unwrap();
    let replay = app
        .graphql(
            &refresh_query(),
            json!({ "input": { "refreshToken": session.refresh_token } }),
        )
        .await;
    assert_eq!(error_codes(&replay), ["UNAUTHENTICATED"]);
    let after = app
        .graphql(
            &refresh_query(),
            json!({ "input": { "refreshToken": next } }),
        )
        .await;
    assert_eq!(
        error_codes(&after),
        ["UNAUTHENTICATED"],
        "the successor was revoked too"
    );
}

#[tokio::test]
async fn two_tabs_refreshing_at_once_both_get_the_same_new_pair() {
    let app = spawn_app().await;
    let session = app.sign_up("Acme", "owner@acme.example").await;
    let query = refresh_query();
    let refresh = || {
        app.graphql(
            &query,
            json!({ "input": { "refreshToken": session.refresh_token } }),
        )
    };
    let (first, second) = tokio::join!(refresh(), refresh());
    let pair = |body: &Value| {
        (
            body["data"]["refreshSession"]["refreshToken"].clone(),
            body["data"]["refreshSession"]["accessToken"].clone(),
        )
    };
    assert!(
        first["data"]["refreshSession"]["refreshToken"].is_string(),
        "{first}"
    );
    assert_eq!(pair(&first), pair(&second), "{first} {second}");
    assert_eq!(
        pair(&first),
        pair(&refresh().await),
        "a third try within 10 s too"
    );
    assert_eq!(
        count(
            &app.db,
            "SELECT count(*) FROM public.refresh_tokens WHERE revoked_at IS NOT NULL"
        )
        .await,
        0,
        "nothing was revoked"
    );
    assert_eq!(
        count(&app.db, "SELECT count(*) FROM public.refresh_tokens").await,
        2,
        "one successor, not one per tab"
    );
    // The shared successor works, and rotates on.
    let next = app
        .graphql(
            &refresh_query(),
            json!({ "input": { "refreshToken": first["data"]["refreshSession"]["refreshToken"] } }),
        )
        .await;
    assert!(
        next["data"]["refreshSession"]["accessToken"].is_string(),
        "{next}"
    );
}

#[tokio::test]
async fn logging_out_ends_the_session() {
    let app = spawn_app().await;
    let session = app.sign_up("Acme", "owner@acme.example").await;
    let body = app
        .graphql_as(
            &session.access_token,
            "mutation($input: LogOutInput) { logOut(input: $input) { loggedOut } }",
            json!({ "input": { "refreshToken": session.refresh_token } }),
        )
        .await;
    assert_eq!(body["data"]["logOut"]["loggedOut"], true, "{body}");
    let refresh = app
        .graphql(
            &refresh_query(),
            json!({ "input": { "refreshToken": session.refresh_token } }),
        )
        .await;
    assert_eq!(error_codes(&refresh), ["UNAUTHENTICATED"]);
}

#[tokio::test]
async fn me_needs_valid_credentials_and_says_what_is_wrong() {
    let app = spawn_app().await;
    let anonymous = app.graphql(ME, json!({})).await;
    assert_eq!(error_codes(&anonymous), ["UNAUTHENTICATED"]);
    let garbage = app.graphql_as("not-a-token", ME, json!({})).await;
    assert_eq!(error_codes(&garbage), ["UNAUTHENTICATED"]);
    assert!(
        garbage["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("expired or is not valid")
    );
}

#[tokio::test]
async fn a_member_of_two_companies_switches_between_them() {
    let app = spawn_app().await;
    let li = app.sign_up("Acme", "li@acme.example").await;
    let globex = app.sign_up("Globex", "owner@globex.example").await;
    add_member(&app.db, globex.tenant_id, &li.user_id, "COLLECTOR").await;

    let body = app
        .graphql_as(
            &li.access_token,
            &format!("mutation($input: SwitchTenantInput!) {{ switchTenant(input: $input) {{ {SESSION_FIELDS} }} }}"),
            json!({ "input": { "tenantId": globex.tenant_id.to_string() } }),
        )
        .await;
    let switched = &body["data"]["switchTenant"];
    assert_eq!(switched["tenant"]["name"], "Globex", "{body}");
    assert_eq!(switched["role"], "COLLECTOR");
    let me = app
        .graphql_as(switched["accessToken"].as_str().unwrap(), ME, json!({}))
        .await;
    assert_eq!(me["data"]["me"]["tenant"]["name"], "Globex");
    assert_eq!(me["data"]["me"]["memberships"].as_array().unwrap().len(), 2);

    // A company the user does not belong to is not found, whoever owns it.
    let stranger = app.sign_up("Initech", "owner@initech.example").await;
    let refused = app
        .graphql_as(
            &li.access_token,
            &format!("mutation($input: SwitchTenantInput!) {{ switchTenant(input: $input) {{ {SESSION_FIELDS} }} }}"),
            json!({ "input": { "tenantId": stranger.tenant_id.to_string() } }),
        )
        .await;
    assert_eq!(error_codes(&refused), ["NOT_FOUND"]);
}

#[tokio::test]
async fn a_removed_members_token_stops_working_within_a_second() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", "owner@acme.example").await;
    let other = app.sign_up("Globex", "collector@globex.example").await;
    add_member(&app.db, owner.tenant_id, &other.user_id, "COLLECTOR").await;
    let signed_in = app
        .graphql(
            &log_in_query(),
            json!({ "input": { "email": "collector@globex.example", "password": TEST_PASSWORD, "tenantId": owner.tenant_id.to_string() } }),
        )
        .await;
    let token = signed_in["data"]["logIn"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.graphql_as(&token, ME, json!({})).await["data"]["me"]["role"],
        "COLLECTOR"
    );

    // Removed by SQL, past the app: the replica hears of it from the database.
    remove_member(&app.db, owner.tenant_id, &other.user_id).await;
    let after = within_a_second(&app, &token, ME, json!({}), |body| {
        error_codes(body) == ["UNAUTHENTICATED"]
    })
    .await;
    assert_eq!(error_codes(&after), ["UNAUTHENTICATED"], "{after}");
}

#[tokio::test]
async fn the_demo_company_is_made_once_and_its_login_works() {
    let app = spawn_app().await;
    let identity = duely_backend::identity::Identity::from_config(&crate::helpers::test_config(
        &[],
        &app.database_url,
    ))
    .await
    .unwrap();
    assert!(
        duely_backend::demo::seed_demo(&identity, &app.db)
            .await
            .unwrap()
    );
    assert!(
        !duely_backend::demo::seed_demo(&identity, &app.db)
            .await
            .unwrap()
    );
    let body = log_in(
        &app,
        duely_backend::demo::DEMO_EMAIL,
        duely_backend::demo::DEMO_PASSWORD,
    )
    .await;
    assert_eq!(body["data"]["logIn"]["role"], "OWNER", "{body}");
    // Approvals are on: the finance manager's write-off awaits the owner in the inbox.
    let owner = body["data"]["logIn"]["accessToken"].as_str().unwrap();
    let inbox = app
        .graphql_as(
            owner,
            "{ approvalRequests(filter: { awaitingMe: true }) { totalCount nodes { action status requestedBy } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        inbox["data"]["approvalRequests"]["totalCount"], 1,
        "{inbox}"
    );
    let request = &inbox["data"]["approvalRequests"]["nodes"][0];
    assert_eq!(request["action"], "WRITE_OFF", "{inbox}");
    assert_eq!(request["requestedBy"], "finance@duely.example", "{inbox}");

    // Its SMS, set up once: an Alibaba Cloud channel, an SMS step on its ladder with templates
    // in both languages, and a mobile for every contact.
    let links = duely_backend::startup::AppLinks {
        public_url: app.address.clone(),
        sealer: duely_backend::secrets::Sealer::from_hex(&"5a".repeat(32).into()).unwrap(),
        environment: duely_backend::config::Environment::Development,
        messaging: crate::helpers::messaging_endpoints(),
    };
    for _ in 0..2 {
        duely_backend::demo::seed_demo_messaging(&app.db, &links)
            .await
            .unwrap();
    }
    let sms = app
        .graphql_as(
            owner,
            "{ messageChannels { kind provider } dunningPolicies { id isDefault steps { offsetDays action } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        sms["data"]["messageChannels"],
        json!([{ "kind": "SMS", "provider": "ALIYUN_SMS" }]),
        "{sms}"
    );
    let ladder = &sms["data"]["dunningPolicies"][0];
    let sms_steps: Vec<&Value> = ladder["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|step| step["action"] == "SEND_SMS")
        .collect();
    assert_eq!(
        sms_steps,
        [&json!({ "offsetDays": 5, "action": "SEND_SMS" })],
        "{sms}"
    );
    let templates = app
        .graphql_as(
            owner,
            "query($id: ID!) { smsTemplates(ladderId: $id) { stepOffset locale templateCode } }",
            json!({ "id": ladder["id"] }),
        )
        .await;
    assert_eq!(
        templates["data"]["smsTemplates"].as_array().map(Vec::len),
        Some(2),
        "{templates}"
    );

    // The team signs in with the same password; the collectors share the customers, each with
    // a worklist of their own, and the salesperson sells to them all.
    let team: Vec<(&str, &str)> = duely_backend::demo::DEMO_TEAM
        .iter()
        .map(|member| (member.email, member.role.as_str()))
        .collect();
    assert_eq!(
        team,
        [
            ("finance@duely.example", "FINANCE_MANAGER"),
            ("collector1@duely.example", "COLLECTOR"),
            ("collector2@duely.example", "COLLECTOR"),
            ("sales@duely.example", "SALES"),
        ]
    );
    const WORK: &str = "{ customers { totalCount } worklist(first: 1) { totalCount } }";
    for (email, role) in team {
        let body = log_in(&app, email, duely_backend::demo::DEMO_PASSWORD).await;
        assert_eq!(body["data"]["logIn"]["role"], role, "{body}");
        let token = body["data"]["logIn"]["accessToken"].as_str().unwrap();
        if role == "COLLECTOR" {
            let work = app.graphql_as(token, WORK, json!({})).await;
            let customers = work["data"]["customers"]["totalCount"].as_i64().unwrap();
            let worklist = work["data"]["worklist"]["totalCount"].as_i64().unwrap();
            assert_eq!(customers, 100, "{email}: half the customers: {work}");
            assert!(worklist >= 20, "{email}: a full worklist: {work}");
        }
        if role == "SALES" {
            let work = app
                .graphql_as(token, "{ customers { totalCount } }", json!({}))
                .await;
            assert_eq!(work["data"]["customers"]["totalCount"], 200, "{work}");
        }
    }
    let schema = body["data"]["logIn"]["tenant"]["id"]
        .as_str()
        .unwrap()
        .parse::<domain::TenantId>()
        .unwrap()
        .schema_name();
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT count(*) FROM \"{schema}\".customers WHERE collector_id IS NULL OR salesperson_id IS NULL")
        )
        .await,
        0,
        "every customer is assigned, and the second seeding left them so"
    );
    // Cash application: yesterday's statement, matched; most of it applied itself, a stranger's
    // transfer and one that fits no invoice wait, and the seeding ran once.
    let lines = |status: &str| {
        format!("SELECT count(*) FROM \"{schema}\".bank_transactions WHERE status = '{status}'")
    };
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT count(*) FROM \"{schema}\".bank_accounts")
        )
        .await,
        1
    );
    assert_eq!(
        count(&app.db, &lines("APPLIED")).await,
        5,
        "auto-applied demo lines"
    );
    assert_eq!(
        count(&app.db, &lines("SUGGESTED")).await + count(&app.db, &lines("UNMATCHED")).await,
        2
    );
}

#[tokio::test]
async fn replicas_sharing_redis_count_one_members_requests_together() {
    let database = crate::helpers::fresh_database().await;
    let replica = || {
        crate::helpers::spawn_app_with(crate::helpers::test_config(
            &[
                ("DUELY_MEMBER_RATE_PER_MINUTE", "4"),
                (
                    "DUELY_JWT_SECRET",
                    "one secret shared by both replicas, 32+ bytes",
                ),
            ],
            &database,
        ))
    };
    let (first, second) = (replica().await, replica().await);
    let owner = first.sign_up("Acme", "owner@acme.example").await;
    let mut answers = Vec::new();
    for replica in [&first, &second, &first, &second, &first] {
        let response = replica
            .client
            .post(replica.url("/graphql"))
            .bearer_auth(&owner.access_token)
            .json(&json!({ "query": "{ me { role } }" }))
            .send()
            .await
            .unwrap();
        answers.push(response.status().as_u16());
    }
    // Four a minute in all, not four on each replica.
    assert_eq!(answers, [200, 200, 200, 200, 429]);
}
