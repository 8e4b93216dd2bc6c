//! `duely rotate-encryption-key`: secrets sealed with the old key (a company's Stripe keys, an
//! invitation's link waiting in the outbox) are re-sealed with the new one, so a server that
//! has only the new key opens them; running it again changes nothing, and a value no given key
//! opens is reported and left as it is.

use crate::helpers::{TestApp, fresh_database, spawn_app_with, test_config};
use crate::kit::invite;
use domain::TenantId;
use duely_backend::secrets::{Sealer, company_context};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use std::process::{Command, Output};

/// The test apps' key (`helpers::test_config`), the one rotated away from.
fn old_key() -> String {
    "5a".repeat(32)
}

fn rotate(app: &TestApp, key: &str, previous: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_duely"))
        .arg("rotate-encryption-key")
        .env_clear()
        .env("DUELY_ENV", "development")
        .env("DATABASE_URL", &app.database_url)
        .env("DUELY_ENCRYPTION_KEY", key)
        .env("DUELY_ENCRYPTION_KEYS_PREVIOUS", previous)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

/// Every sealed value with the context it opens in.
async fn sealed_values(app: &TestApp, tenant: TenantId) -> Vec<(String, Vec<u8>)> {
    let mut values = Vec::new();
    for row in app
        .db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT id, secret_sealed FROM public.email_outbox WHERE secret_sealed IS NOT NULL ORDER BY id",
        ))
        .await
        .unwrap()
    {
        let id: uuid::Uuid = row.try_get("", "id").unwrap();
        values.push((
            format!("email_outbox:{id}"),
            row.try_get("", "secret_sealed").unwrap(),
        ));
    }
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!(
                r#"SELECT secret_key_sealed, webhook_secret_sealed FROM "{}".stripe_account"#,
                tenant.schema_name()
            ),
        ))
        .await
        .unwrap()
        .unwrap();
    for (column, purpose) in [
        ("secret_key_sealed", "stripe_secret_key"),
        ("webhook_secret_sealed", "stripe_webhook_secret"),
    ] {
        values.push((
            company_context(tenant, purpose),
            row.try_get("", column).unwrap(),
        ));
    }
    for row in app
        .db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            format!(
                r#"SELECT id, secret, previous_secret FROM "{}".webhook_endpoints ORDER BY id"#,
                tenant.schema_name()
            ),
        ))
        .await
        .unwrap()
    {
        let id: uuid::Uuid = row.try_get("", "id").unwrap();
        let context = company_context(tenant, &format!("webhook_endpoint:{id}"));
        values.push((context.clone(), row.try_get("", "secret").unwrap()));
        if let Some(previous) = row
            .try_get::<Option<Vec<u8>>>("", "previous_secret")
            .unwrap()
        {
            values.push((context, previous));
        }
    }
    values
}

#[tokio::test]
async fn rotating_the_key_reseals_every_secret_once_and_reports_what_no_key_opens() {
    // Mail goes to a port nobody listens on, so the outbox keeps its link secrets sealed
    // however long the steps below take (a sent email's secret is forgotten).
    let database_url = fresh_database().await;
    let mut app = spawn_app_with(test_config(
        &[("DUELY_SMTP_URL", "smtp://127.0.0.1:9")],
        &database_url,
    ))
    .await;
    let owner = app.sign_up("Rotate", &app.email("owner")).await;
    let tenant = owner.tenant_id;
    let stripe_key = format!("sk_test_rotate_{}", &tenant.0.simple().to_string()[..16]);
    let connected = app
        .graphql_as(
            &owner.access_token,
            "mutation($input: ConnectStripeAccountInput!) { connectStripeAccount(input: $input) { paymentSettings { stripeConnected } } }",
            json!({ "input": { "secretKey": stripe_key, "webhookSecret": "whsec_rotate" } }),
        )
        .await;
    assert_eq!(
        connected["data"]["connectStripeAccount"]["paymentSettings"]["stripeConnected"], true,
        "{connected}"
    );
    invite(
        &app,
        &owner.access_token,
        &app.email("newcomer"),
        "COLLECTOR",
    )
    .await;
    // A webhook endpoint whose secret was rotated: its new and its previous secret.
    let endpoint = crate::kit::ok(
        &app,
        &owner,
        "mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } } }",
        json!({ "input": { "url": "https://erp.example.com/hook", "events": ["invoice.paid"] } }),
        "createWebhookEndpoint",
    )
    .await;
    crate::kit::ok(
        &app,
        &owner,
        "mutation($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) { secret } }",
        json!({ "input": { "endpointId": endpoint["endpoint"]["id"] } }),
        "rotateWebhookSecret",
    )
    .await;
    // Nothing else seals meanwhile.
    app.stop().await.unwrap();

    let before = sealed_values(&app, tenant).await;
    assert!(
        before.len() >= 6,
        "two Stripe secrets, the sign-up's and the invitation's links and an endpoint's two signing secrets: {}",
        before.len()
    );
    let old = Sealer::from_hex(&SecretString::from(old_key())).unwrap();
    let plain: Vec<String> = before
        .iter()
        .map(|(context, sealed)| {
            old.open_for(context, sealed)
                .unwrap()
                .expose_secret()
                .to_owned()
        })
        .collect();

    let new_key = "c3".repeat(32);
    let output = rotate(&app, &new_key, &old_key());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let new = Sealer::from_hex(&SecretString::from(new_key.clone())).unwrap();
    assert!(
        stdout.contains(&format!(
            "re-sealed {} secrets with key {}; 0 already were",
            before.len(),
            hex::encode(new.key_id())
        )),
        "{stdout}"
    );

    // A server with only the new key opens every secret, each as it was; the old key opens none.
    let after = sealed_values(&app, tenant).await;
    assert_eq!(after.len(), before.len());
    for ((context, sealed), secret) in after.iter().zip(&plain) {
        assert!(new.is_current(sealed), "{context}");
        assert_eq!(
            new.open_for(context, sealed).unwrap().expose_secret(),
            secret
        );
        assert!(old.open_for(context, sealed).is_err(), "{context}");
    }

    // Again: nothing to do.
    let output = rotate(&app, &new_key, &old_key());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "re-sealed 0 secrets with key {}; {} already were",
            hex::encode(new.key_id()),
            before.len()
        )),
        "{stdout}"
    );
    assert_eq!(sealed_values(&app, tenant).await, after);

    // A third key, without the one that sealed them: refused by name, nothing changes.
    let output = rotate(&app, &"d4".repeat(32), "");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains(&format!(
            "{} secrets opened with none of the keys",
            before.len()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&hex::encode(new.key_id())),
        "names the key: {stderr}"
    );
    assert_eq!(sealed_values(&app, tenant).await, after);
}
