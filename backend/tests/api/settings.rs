//! The company's settings as one model: `companySettings` reads every group, and
//! `updateCompanySettings` changes any field, checked whole, in one transaction, audited with
//! before and after. The older `collectionSettings` and `analyticsSettings` are views of it.
//! No test changes a setting with SQL: the WARN policy below is set through the API.

use crate::helpers::{count, error_codes, spawn_app};
use crate::kit::{COMPANY_SETTINGS, TestTenant};
use serde_json::{Value, json};

fn query() -> String {
    format!("{{ companySettings {{ {COMPANY_SETTINGS} }} }}")
}

const UPDATE: &str = "mutation($input: CompanySettingsInput!) { updateCompanySettings(input: $input) { settings { credit { overLimitPolicy } } } }";

#[tokio::test]
async fn a_new_company_starts_with_the_defaults_and_changes_round_trip() {
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let defaults: Value = acme
        .api()
        .field(&query(), json!({}), "companySettings")
        .await;
    assert_eq!(
        defaults,
        json!({
            "credit": { "overLimitPolicy": "BLOCK", "holdOverLimit": false, "autoReleaseHolds": true },
            "collections": { "dunningRunHour": 8, "promiseGraceDays": 3 },
            "reports": { "agingBucketEdges": [30, 60, 90], "attributionDays": 14, "largeInvoiceAmount": "100000", "dailyDigest": false },
            "numbering": { "invoicePrefix": "INV-", "creditNotePrefix": "CN-" },
            "company": { "timeZone": "Asia/Shanghai", "locale": "ZH_CN", "baseCurrency": "CNY" },
        })
    );

    let changed = acme
        .api()
        .update_settings(json!({
            "credit": { "overLimitPolicy": "WARN", "holdOverLimit": true },
            "collections": { "dunningRunHour": 6, "promiseGraceDays": 5 },
            "reports": { "agingBucketEdges": [15, 45, 120], "largeInvoiceAmount": "50000.50" },
            "numbering": { "invoicePrefix": "FP-" },
            "company": { "timeZone": "Europe/Berlin", "locale": "EN" },
        }))
        .await;
    let read: Value = acme
        .api()
        .field(&query(), json!({}), "companySettings")
        .await;
    assert_eq!(changed, read, "the payload is what a later read shows");
    assert_eq!(read["credit"]["overLimitPolicy"], "WARN");
    assert_eq!(
        read["credit"]["autoReleaseHolds"], true,
        "left out, so kept"
    );
    assert_eq!(read["collections"]["dunningRunHour"], 6);
    assert_eq!(read["reports"]["agingBucketEdges"], json!([15, 45, 120]));
    assert_eq!(read["reports"]["attributionDays"], 14, "left out, so kept");
    assert_eq!(read["reports"]["largeInvoiceAmount"], "50000.5");
    assert_eq!(read["numbering"]["invoicePrefix"], "FP-");
    assert_eq!(read["numbering"]["creditNotePrefix"], "CN-");
    assert_eq!(read["company"]["timeZone"], "Europe/Berlin");
    assert_eq!(read["company"]["locale"], "EN");

    // The older views read the same model.
    let views: Value = acme
        .api()
        .data(
            "{ collectionSettings { dunningRunHour promiseGraceDays holdOverLimit autoReleaseHolds } \
               analyticsSettings { agingBucketEdges largeInvoiceAmount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        views["collectionSettings"],
        json!({ "dunningRunHour": 6, "promiseGraceDays": 5, "holdOverLimit": true, "autoReleaseHolds": true })
    );
    assert_eq!(
        views["analyticsSettings"]["agingBucketEdges"],
        json!([15, 45, 120])
    );

    // The next invoice takes the new prefix, and its aging follows the new edges.
    let buyer = acme.customer("B-1").await;
    let invoice = acme.invoice(&buyer, "100").await;
    assert!(
        invoice.number.as_deref().unwrap_or("").starts_with("FP-"),
        "{:?}",
        invoice.number
    );

    // One audit entry, with the whole settings before and after.
    let audit: Value = acme
        .api()
        .data(
            "{ auditLog(filter: { action: \"settings.updated\" }) { nodes { before after } } }",
            json!({}),
        )
        .await;
    let entries = audit["auditLog"]["nodes"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{audit}");
    assert_eq!(entries[0]["before"]["credit"]["overLimitPolicy"], "BLOCK");
    assert_eq!(entries[0]["after"]["credit"]["overLimitPolicy"], "WARN");
    assert_eq!(entries[0]["after"]["company"]["timeZone"], "Europe/Berlin");
}

#[tokio::test]
async fn under_warn_an_invoice_over_the_limit_issues_with_its_flag() {
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let buyer = acme
        .customer_with("B-1", json!({ "creditLimit": "1000" }))
        .await;
    let refused = app
        .graphql_as(
            &acme.owner.access_token,
            "mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { id } } }",
            json!({ "input": {
                "customerId": buyer.id, "issue": true,
                "lines": [{ "description": "Steel", "quantity": "1", "unitPrice": "5000" }],
            } }),
        )
        .await;
    assert_eq!(
        error_codes(&refused),
        ["CREDIT_LIMIT_EXCEEDED"],
        "{refused}"
    );
    let extensions = &refused["errors"][0]["extensions"];
    assert_eq!(extensions["reason"], "CREDIT_LIMIT_BLOCKS_ISSUE");
    assert_eq!(extensions["params"]["limit"], "1000.00");
    assert_eq!(extensions["params"]["exposureAfter"], "5000.00");

    acme.api()
        .update_settings(json!({ "credit": { "overLimitPolicy": "WARN" } }))
        .await;
    let warned = acme.invoice(&buyer, "5000").await;
    assert_eq!(warned.status, "ISSUED");
    let flag: Value = acme
        .api()
        .data(
            "query($id: ID!) { invoice(id: $id) { creditFlag creditFlagCode creditFlagParams } }",
            json!({ "id": warned.id }),
        )
        .await;
    let invoice = &flag["invoice"];
    assert_eq!(invoice["creditFlagCode"], "CREDIT_FLAG_WARNING", "{flag}");
    assert_eq!(
        invoice["creditFlagParams"]["breach"]["code"],
        "CREDIT_BREACH_OVER_LIMIT"
    );
    assert_eq!(
        invoice["creditFlag"], "警告：开具后未结发票将达到 5000.00 CNY，超过信用额度 1000.00 CNY。",
        "in the owner's language"
    );
}

#[tokio::test]
async fn a_bad_field_refuses_the_whole_change_and_names_itself() {
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let before: Value = acme
        .api()
        .field(&query(), json!({}), "companySettings")
        .await;
    let cases = [
        (
            json!({ "credit": { "overLimitPolicy": "WARN" }, "collections": { "dunningRunHour": 24 } }),
            "input.collections.dunningRunHour",
            "OUT_OF_RANGE",
            json!({ "min": 0, "max": 23 }),
        ),
        (
            json!({ "reports": { "agingBucketEdges": [30, 20, 90] } }),
            "input.reports.agingBucketEdges",
            "AGING_EDGES_NOT_INCREASING",
            json!({}),
        ),
        (
            json!({ "reports": { "largeInvoiceAmount": "lots" } }),
            "input.reports.largeInvoiceAmount",
            "NOT_A_NUMBER",
            json!({ "value": "lots" }),
        ),
        (
            json!({ "numbering": { "invoicePrefix": "发票 号" } }),
            "input.numbering.invoicePrefix",
            "INVALID_CHARACTERS",
            json!({ "symbols": "-, /, _ or .", "max": 12 }),
        ),
        (
            json!({ "company": { "timeZone": "Mars/Olympus" } }),
            "input.company.timeZone",
            "UNKNOWN_TIME_ZONE",
            json!({ "value": "Mars/Olympus" }),
        ),
        (
            json!({ "company": { "baseCurrency": "XX" } }),
            "input.company.baseCurrency",
            "UNKNOWN_CURRENCY",
            json!({ "value": "XX" }),
        ),
    ];
    for (input, field, reason, params) in cases {
        let body = app
            .graphql_as(&acme.owner.access_token, UPDATE, json!({ "input": input }))
            .await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{body}");
        let extensions = &body["errors"][0]["extensions"];
        assert_eq!(extensions["field"], field, "{body}");
        assert_eq!(extensions["reason"], reason, "{body}");
        assert_eq!(extensions["params"], params, "{body}");
    }
    let after: Value = acme
        .api()
        .field(&query(), json!({}), "companySettings")
        .await;
    assert_eq!(before, after, "nothing changed, not even the valid fields");
    assert_eq!(
        count(
            &app.db,
            &format!(
                "SELECT count(*) FROM \"{}\".audit_log WHERE action = 'settings.updated'",
                acme.id().schema_name()
            )
        )
        .await,
        0
    );
}

#[tokio::test]
async fn only_those_who_manage_settings_change_them_and_each_company_its_own() {
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let other = TestTenant::sign_up(&app, "Other").await;
    let viewer = acme.member("viewer").await;
    let read: Value = acme
        .api_as(&viewer)
        .field(&query(), json!({}), "companySettings")
        .await;
    assert_eq!(
        read["credit"]["overLimitPolicy"], "BLOCK",
        "every member reads them"
    );
    let refused = app
        .graphql_as(
            &viewer.access_token,
            UPDATE,
            json!({ "input": { "credit": { "overLimitPolicy": "WARN" } } }),
        )
        .await;
    assert_eq!(error_codes(&refused), ["FORBIDDEN"], "{refused}");
    assert_eq!(
        refused["errors"][0]["extensions"]["reason"],
        "ROLE_NOT_ALLOWED"
    );

    acme.api()
        .update_settings(json!({ "credit": { "overLimitPolicy": "WARN" }, "numbering": { "invoicePrefix": "A-" } }))
        .await;
    let theirs: Value = other
        .api()
        .field(&query(), json!({}), "companySettings")
        .await;
    assert_eq!(theirs["credit"]["overLimitPolicy"], "BLOCK");
    assert_eq!(theirs["numbering"]["invoicePrefix"], "INV-");
}
