//! KPIs cut by segment and by collector (the customers assigned to them now), and the notes
//! that say why a ratio has no figure.

use crate::helpers::{TestApp, TestSession, error_codes, spawn_app};
use crate::kit::{create_customer, issue_invoice, join, ok, record_payment_raw};
use rust_decimal::Decimal;
use serde_json::{Value, json};

const KPIS: &str = "query($segment: String, $collectorId: ID) {
    kpis(from: \"2026-01-01\", to: \"2026-03-31\", segment: $segment, collectorId: $collectorId) {
      dso cei badDebtRatio creditSales { amount } collected { amount } beginningAr { amount }
      endingAr { amount } notes { metric reason } } }";

async fn customer(
    app: &TestApp,
    owner: &TestSession,
    code: &str,
    segment: &str,
    collector: &str,
) -> String {
    let created = create_customer(
        app,
        owner,
        code,
        json!({ "segment": segment, "collectorId": collector }),
    )
    .await;
    created["id"].as_str().unwrap().to_owned()
}

async fn invoice(
    app: &TestApp,
    owner: &TestSession,
    customer: &str,
    amount: &str,
    issued: &str,
    due: &str,
) {
    issue_invoice(
        app,
        owner,
        customer,
        amount,
        json!({ "issueDate": issued, "dueDate": due, "overrideCreditBlock": true }),
    )
    .await;
}

async fn pay(app: &TestApp, owner: &TestSession, customer: &str, amount: &str, on: &str) {
    let body = record_payment_raw(
        app,
        owner,
        json!({ "customerId": customer, "amount": amount,
        "currency": "CNY", "receivedOn": on, "method": "BANK_TRANSFER" }),
    )
    .await;
    assert!(body.get("errors").is_none(), "{body}");
}

async fn kpis(app: &TestApp, owner: &TestSession, variables: Value) -> Value {
    ok(app, owner, KPIS, variables, "kpis").await
}

fn amount(k: &Value, field: &str) -> Decimal {
    k[field]["amount"].as_str().unwrap().parse().unwrap()
}

const ADDITIVE: [&str; 4] = ["creditSales", "collected", "beginningAr", "endingAr"];

#[tokio::test]
async fn segments_and_collectors_add_up_to_the_company() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let first = join(&app, &owner, &app.email("first"), "COLLECTOR").await;
    let second = join(&app, &owner, &app.email("second"), "COLLECTOR").await;
    let (one, two) = (first.user_id.to_string(), second.user_id.to_string());
    let me = owner.user_id.to_string();
    let a = customer(&app, &owner, "A", "Retail", &one).await;
    let b = customer(&app, &owner, "B", "Retail", &two).await;
    let c = customer(&app, &owner, "C", "Export", &me).await;
    let d = customer(&app, &owner, "D", "Export", &one).await;
    invoice(&app, &owner, &a, "2000", "2025-12-01", "2025-12-31").await;
    invoice(&app, &owner, &a, "3000", "2026-01-10", "2026-02-09").await;
    invoice(&app, &owner, &b, "1500", "2026-02-05", "2026-03-07").await;
    invoice(&app, &owner, &c, "4000", "2025-11-20", "2025-12-20").await;
    invoice(&app, &owner, &c, "2500", "2026-03-20", "2026-04-19").await;
    invoice(&app, &owner, &d, "800", "2026-02-01", "2026-03-03").await;
    pay(&app, &owner, &a, "2000", "2026-01-20").await;
    pay(&app, &owner, &c, "1000", "2026-03-25").await;
    pay(&app, &owner, &d, "800", "2026-03-01").await;

    // What the segment filter offers: the segments of the customers the caller sees.
    let segments = "{ customerSegments }";
    let all = ok(&app, &owner, segments, json!({}), "customerSegments").await;
    assert_eq!(all, json!(["Export", "Retail"]));
    let own = ok(&app, &second, segments, json!({}), "customerSegments").await;
    assert_eq!(
        own,
        json!(["Retail"]),
        "a collector's own customers' segments"
    );

    let company = kpis(&app, &owner, json!({})).await;
    let retail = kpis(&app, &owner, json!({ "segment": "Retail" })).await;
    let export = kpis(&app, &owner, json!({ "segment": "Export" })).await;
    let by_first = kpis(&app, &owner, json!({ "collectorId": one })).await;
    let by_second = kpis(&app, &owner, json!({ "collectorId": two })).await;
    let by_owner = kpis(&app, &owner, json!({ "collectorId": me })).await;
    for field in ADDITIVE {
        assert_eq!(
            amount(&retail, field) + amount(&export, field),
            amount(&company, field),
            "segments: {field}\n{retail}\n{export}\n{company}"
        );
        assert_eq!(
            amount(&by_first, field) + amount(&by_second, field) + amount(&by_owner, field),
            amount(&company, field),
            "collectors: {field}"
        );
    }
    // Each cut is its own customers' ledger: Retail sold 3,000 + 1,500 in the quarter and
    // was owed 2,000 at its start; the first collector (A and D) collected 2,800.
    assert_eq!(amount(&retail, "creditSales"), Decimal::from(4500));
    assert_eq!(amount(&retail, "beginningAr"), Decimal::from(2000));
    assert_eq!(amount(&by_first, "collected"), Decimal::from(2800));
    // Ratios are the cut's own, not shares of the company's: DSO = ending AR / sales x 90.
    let retail_dso = (amount(&retail, "endingAr") / amount(&retail, "creditSales")
        * Decimal::from(90))
    .round_dp(1);
    assert_eq!(retail["dso"], retail_dso.normalize().to_string());
    assert_ne!(retail["dso"], company["dso"]);

    // A cut's trend is computed live, even once the company's snapshot exists.
    duely_backend::analytics::service::kpis::snapshot(
        &app.db,
        owner.tenant_id,
        chrono::NaiveDate::from_ymd_opt(2026, 1, 31).unwrap(),
    )
    .await
    .unwrap();
    let trend = "query($segment: String) { kpiTrend(metric: COLLECTED, from: \"2026-01-01\", to: \"2026-01-31\", segment: $segment) { value fromSnapshot } }";
    let whole = ok(&app, &owner, trend, json!({}), "kpiTrend").await;
    assert_eq!(whole[0]["fromSnapshot"], true, "{whole}");
    let export_trend = ok(
        &app,
        &owner,
        trend,
        json!({ "segment": "Export" }),
        "kpiTrend",
    )
    .await;
    assert_eq!(export_trend[0]["fromSnapshot"], false, "{export_trend}");
    assert_eq!(
        export_trend[0]["value"], "0",
        "Export collected nothing in January"
    );

    // A segment nobody has is an empty ledger, not an error; a member of another company,
    // an unknown id and a long segment are refused with their field.
    let nobody = kpis(&app, &owner, json!({ "segment": "Nobody" })).await;
    assert_eq!(amount(&nobody, "creditSales"), Decimal::ZERO);
    let stranger = app.sign_up("Globex", &app.email("globex")).await;
    for id in [
        stranger.user_id.to_string(),
        uuid::Uuid::new_v4().to_string(),
        "x".into(),
    ] {
        let refused = app
            .graphql_as(&owner.access_token, KPIS, json!({ "collectorId": id }))
            .await;
        assert_eq!(error_codes(&refused), ["NOT_FOUND"], "{refused}");
    }
    let long = app
        .graphql_as(
            &owner.access_token,
            KPIS,
            json!({ "segment": "S".repeat(61) }),
        )
        .await;
    assert_eq!(error_codes(&long), ["VALIDATION"], "{long}");
    assert_eq!(long["errors"][0]["extensions"]["field"], "segment");
    // A collector sees their own work elsewhere: company-wide figures are not theirs to cut.
    let own = app
        .graphql_as(&first.access_token, KPIS, json!({ "collectorId": one }))
        .await;
    assert_eq!(error_codes(&own), ["FORBIDDEN"], "{own}");
}

#[tokio::test]
async fn a_ratio_without_a_meaningful_denominator_is_null_with_its_reason() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    // An empty quarter: every ratio is null for want of a denominator; the amounts are zero.
    let empty = kpis(&app, &owner, json!({})).await;
    assert_eq!(empty["dso"], Value::Null);
    let notes = empty["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 10, "{empty}");
    assert!(notes.iter().all(|n| n["reason"] == "NO_DENOMINATOR"));
    assert!(notes.iter().any(|n| n["metric"] == "CEI"));
    assert!(!notes.iter().any(|n| n["metric"] == "COLLECTED"));

    // A young ledger: nothing owed at the start, 9,000 sold late in the quarter and not yet
    // due. Both terms of the CEI are negative; their quotient would read 100% and mean
    // nothing, so it is null, and the note says why.
    let buyer = customer(&app, &owner, "Y", "Retail", &owner.user_id.to_string()).await;
    invoice(&app, &owner, &buyer, "9000", "2026-03-20", "2026-04-19").await;
    let young = kpis(&app, &owner, json!({})).await;
    assert_eq!(young["cei"], Value::Null, "{young}");
    assert!(young["dso"].is_string());
    assert!(
        young["notes"]
            .as_array()
            .unwrap()
            .contains(&json!({ "metric": "CEI", "reason": "NEGATIVE_DENOMINATOR" })),
        "{young}"
    );
}
