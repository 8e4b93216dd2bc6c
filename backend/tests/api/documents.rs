//! Documents: the company profile they print, an invoice's PDF read back through `pdftotext`
//! (Chinese names with an Extension B character, amounts, a long description wrapped rather
//! than cut, the bank account and the number to quote), and `sendInvoice`: the PDF attached,
//! copies, the timeline, a retry with the same key sending nothing more, and each refusal
//! changing nothing.

use crate::helpers::{TestApp, TestSession, count, spawn_app};
use crate::kit::{create_customer, create_invoice_raw, issue_invoice, newest_pdf_to, ok, pdf_text};
use serde_json::{Value, json};

/// A 1×1 PNG.
const PNG: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const LEGAL_NAME: &str = "上海𠮷祥贸易有限公司";
const PROFILE: &str =
    "legalName taxId address phone logo bankAccounts { bankName accountName accountNumber }";
const SEND: &str = "mutation($input: SendInvoiceInput!) { sendInvoice(input: $input) { sentTo invoice { id number } } }";

fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

fn refusal(body: &Value) -> (String, String) {
    let extensions = &body["errors"][0]["extensions"];
    (
        extensions["reason"]
            .as_str()
            .unwrap_or_else(|| panic!("{body}"))
            .to_owned(),
        extensions["field"].as_str().unwrap_or_default().to_owned(),
    )
}

async fn update_profile(app: &TestApp, session: &TestSession, input: Value) -> Value {
    app.graphql_as(
        &session.access_token,
        &format!("mutation($input: UpdateCompanyProfileInput!) {{ updateCompanyProfile(input: $input) {{ profile {{ {PROFILE} }} }} }}"),
        json!({ "input": input }),
    )
    .await
}

async fn profile(app: &TestApp, session: &TestSession) -> Value {
    ok(
        app,
        session,
        &format!("{{ companyProfile {{ {PROFILE} }} }}"),
        json!({}),
        "companyProfile",
    )
    .await
}

async fn invoice_pdf(app: &TestApp, session: &TestSession, invoice: &str) -> reqwest::Response {
    app.client
        .get(app.url(&format!("/api/invoices/{invoice}.pdf")))
        .bearer_auth(&session.access_token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_company_profile_is_checked_whole_and_printed_on_invoices() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let account = json!({ "bankName": "招商银行上海分行", "accountName": LEGAL_NAME,
                          "accountNumber": "6225 8801 2345 6789" });
    let body = update_profile(
        &app,
        &owner,
        json!({ "legalName": LEGAL_NAME, "taxId": "91310000MA1K4XYZ9Q", "address": "上海市浦东新区世纪大道 100 号",
                "phone": "021-5555 0100", "bankAccounts": [account], "logo": PNG }),
    )
    .await;
    let saved = &body["data"]["updateCompanyProfile"]["profile"];
    assert_eq!(saved["legalName"], LEGAL_NAME, "{body}");
    assert_eq!(saved["logo"], PNG);
    assert_eq!(
        saved["bankAccounts"][0]["accountNumber"],
        "6225 8801 2345 6789"
    );
    assert_eq!(profile(&app, &owner).await, *saved);

    // Each refusal names its field and changes nothing.
    let six = vec![account.clone(); 6];
    let refused = [
        (
            json!({ "logo": "data:image/gif;base64,R0lGODlhAQABAAAAACw=" }),
            ("LOGO_INVALID", "input.logo"),
        ),
        (
            json!({ "logo": "data:image/png;base64,iVBORw0KGgoAAAAA" }),
            ("LOGO_INVALID", "input.logo"),
        ),
        (
            json!({ "logo": "not a data url" }),
            ("LOGO_INVALID", "input.logo"),
        ),
        (
            json!({ "bankAccounts": six }),
            ("TOO_MANY_BANK_ACCOUNTS", "input.bankAccounts"),
        ),
        (
            json!({ "bankAccounts": [{ "bankName": "", "accountName": "x", "accountNumber": "1" }] }),
            ("TEXT_LENGTH", "input.bankAccounts.0.bankName"),
        ),
        (
            json!({ "legalName": "x".repeat(201) }),
            ("TEXT_LENGTH", "input.legalName"),
        ),
        (
            json!({ "legalName": "Acme\u{0007}" }),
            ("CONTROL_CHARACTERS", "input.legalName"),
        ),
    ];
    for (input, (reason, field)) in refused {
        let body = update_profile(&app, &owner, input.clone()).await;
        assert_eq!(
            refusal(&body),
            (reason.to_owned(), field.to_owned()),
            "{input}"
        );
    }
    assert_eq!(profile(&app, &owner).await, *saved, "nothing changed");
    // A collector reads the profile but may not change it.
    let collector = crate::kit::join(&app, &owner, &app.email("col"), "COLLECTOR").await;
    assert_eq!(profile(&app, &collector).await, *saved);
    let body = update_profile(&app, &collector, json!({ "phone": "1" })).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );

    // The invoice prints the profile, the customer, every word of a long description, the
    // amounts and how to pay.
    let customer = create_customer(
        &app,
        &owner,
        "JXJ-1",
        json!({ "name": "吉野家𠮷餐饮管理有限公司", "taxId": "91440300MA5F00000X",
                "billingAddress": "深圳市南山区科技园南区 8 栋", "locale": "EN" }),
    )
    .await;
    let description = "年度技术支持服务（含现场巡检、远程运维、备件更换与培训）covering on-site inspections, \
                       remote operations, spare parts and training for every site listed in the master agreement, \
                       ending with the word ZEPHYRUS";
    let invoice = issue_invoice(
        &app,
        &owner,
        &id(&customer),
        "1000",
        json!({ "lines": [
            { "description": description, "quantity": "1", "unitPrice": "10000", "taxRate": "0.13" },
            { "description": "运费", "quantity": "2", "unitPrice": "50" },
        ] }),
    )
    .await;
    let number = invoice["number"].as_str().unwrap().to_owned();
    let response = invoice_pdf(&app, &owner, &id(&invoice)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("invoice-{number}.pdf"))
    );
    let printed = pdf_text(&response.bytes().await.unwrap());
    for expected in [
        LEGAL_NAME,
        "91310000MA1K4XYZ9Q",
        "吉野家𠮷餐饮管理有限公司",
        "91440300MA5F00000X",
        &number,
        "ZEPHYRUS",
        "年度技术支持服务",
        "11,400.00",
        "招商银行上海分行",
        "6225 8801 2345 6789",
    ] {
        assert!(
            printed.contains(expected),
            "{expected} missing from:\n{printed}"
        );
    }
    assert!(!printed.contains('…'), "nothing is cut:\n{printed}");
    // In the customer's language, English: the remark line asks for the number.
    assert!(
        printed.contains(&format!("Please quote {number}")),
        "{printed}"
    );

    // A draft prints as a proof; an id of nothing, or another company's invoice, is 404.
    let draft = create_invoice_raw(&app, &owner, &id(&customer), "5", false, json!({})).await;
    let draft_id = id(&draft["data"]["createInvoice"]["invoice"]);
    assert_eq!(invoice_pdf(&app, &owner, &draft_id).await.status(), 200);
    let missing = invoice_pdf(&app, &owner, &uuid::Uuid::now_v7().to_string()).await;
    assert_eq!(missing.status(), 404);
    let globex = app.sign_up("Globex", &app.email("globex")).await;
    let theirs = invoice_pdf(&app, &globex, &id(&invoice)).await;
    assert_eq!(theirs.status(), 404);
    let not_pdf = app
        .client
        .get(app.url(&format!("/api/invoices/{}.txt", id(&invoice))))
        .bearer_auth(&owner.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(not_pdf.status(), 404);
}

#[tokio::test]
async fn an_invoice_is_sent_with_its_pdf_to_the_billing_contacts_once_per_key() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    update_profile(&app, &owner, json!({ "legalName": LEGAL_NAME })).await;
    let billing = app.email("ap");
    let boss = app.email("boss");
    let customer = create_customer(
        &app,
        &owner,
        "B-1",
        json!({ "name": "吉野家𠮷", "locale": "EN", "contacts": [
            { "name": "Li Lei", "email": app.email("sales") },
            { "name": "王芳", "email": billing, "billing": true, "locale": "ZH_CN" },
        ] }),
    )
    .await;
    let invoice = issue_invoice(&app, &owner, &id(&customer), "1130", json!({})).await;
    let number = invoice["number"].as_str().unwrap().to_owned();
    let input = json!({ "invoiceId": id(&invoice), "cc": [boss], "message": "请查收本月账单。",
                        "idempotencyKey": "send-1" });
    let sent = ok(&app, &owner, SEND, json!({ "input": input }), "sendInvoice").await;
    assert_eq!(sent["sentTo"], json!([billing]), "{sent}");
    assert_eq!(sent["invoice"]["number"], number);

    // The billing contact reads it in their own language (Chinese; the customer's is English),
    // with the PDF attached.
    let email = app.email_with(&billing, &number).await;
    assert!(email.contains("请查收本月账单。"), "{email}");
    assert!(
        email.contains(&format!("汇款附言中注明发票号 {number}")),
        "{email}"
    );
    let (headers, file_name, pdf) = newest_pdf_to(&app.mail_dir, &billing).expect("a PDF");
    assert!(
        headers
            .lines()
            .any(|line| line.starts_with("Cc:") && line.contains(&boss)),
        "{headers}"
    );
    assert_eq!(file_name, format!("invoice-{number}.pdf"));
    let printed = pdf_text(&pdf);
    assert!(printed.contains(LEGAL_NAME), "{printed}");
    assert!(printed.contains(&number), "{printed}");
    assert!(printed.contains("应付余额"), "{printed}");

    // The timeline shows the sending.
    let timeline = ok(
        &app,
        &owner,
        "query($id: ID!) { collectionActivities(first: 10, filter: { invoiceId: $id }) { edges { node { channel note loggedBy } } } }",
        json!({ "id": id(&invoice) }),
        "collectionActivities",
    )
    .await;
    let node = &timeline["edges"][0]["node"];
    assert_eq!(node["channel"], "EMAIL", "{timeline}");
    assert!(
        node["note"].as_str().unwrap().contains(&billing),
        "{timeline}"
    );

    // The same key again sends nothing more; the same key for another request is refused.
    let again = ok(&app, &owner, SEND, json!({ "input": input }), "sendInvoice").await;
    assert_eq!(again["sentTo"], json!([billing]));
    let schema = owner.tenant_id.schema_name();
    let sends = format!("SELECT count(*) FROM \"{schema}\".invoice_sends");
    assert_eq!(count(&app.db, &sends).await, 1);
    let outbox = format!(
        "SELECT count(*) FROM public.email_outbox WHERE attachment IS NOT NULL AND to_address = '{billing}'"
    );
    assert_eq!(count(&app.db, &outbox).await, 1);
    let mut other = input.clone();
    other["message"] = json!("another");
    let body = app
        .graphql_as(&owner.access_token, SEND, json!({ "input": other }))
        .await;
    assert_eq!(refusal(&body).0, "IDEMPOTENCY_KEY_REUSED", "{body}");

    // To an address given, not a contact's: in the customer's language.
    let given = app.email("someone");
    let sent = ok(
        &app,
        &owner,
        SEND,
        json!({ "input": { "invoiceId": id(&invoice), "email": given } }),
        "sendInvoice",
    )
    .await;
    assert_eq!(sent["sentTo"], json!([given]));
    let email = app.email_with(&given, &number).await;
    assert!(email.contains(&format!("Please quote {number}")), "{email}");

    // Refusals, each naming what is wrong, sending nothing.
    let draft = create_invoice_raw(&app, &owner, &id(&customer), "5", false, json!({})).await;
    let draft_id = id(&draft["data"]["createInvoice"]["invoice"]);
    let lonely = create_customer(&app, &owner, "L-1", json!({})).await;
    let lonely_invoice = issue_invoice(&app, &owner, &id(&lonely), "10", json!({})).await;
    let refused = [
        (
            json!({ "invoiceId": draft_id }),
            ("INVOICE_NOT_SENDABLE", ""),
        ),
        (
            json!({ "invoiceId": id(&invoice), "cc": ["a@x.example", "b@x.example", "c@x.example", "d@x.example", "e@x.example", "f@x.example"] }),
            ("INVOICE_TOO_MANY_COPIES", "input.cc"),
        ),
        (
            json!({ "invoiceId": id(&invoice), "cc": ["a@x.example", "not an address"] }),
            ("EMAIL_MALFORMED", "input.cc.1"),
        ),
        (
            json!({ "invoiceId": id(&invoice), "email": "nobody" }),
            ("EMAIL_MALFORMED", "input.email"),
        ),
        (
            json!({ "invoiceId": id(&invoice), "message": "x".repeat(2001) }),
            ("TEXT_LENGTH", "input.message"),
        ),
        (
            json!({ "invoiceId": id(&lonely_invoice) }),
            ("INVOICE_NO_CONTACT_EMAIL", "input.email"),
        ),
    ];
    for (input, (reason, field)) in refused {
        let body = app
            .graphql_as(&owner.access_token, SEND, json!({ "input": input.clone() }))
            .await;
        assert_eq!(
            refusal(&body),
            (reason.to_owned(), field.to_owned()),
            "{input}"
        );
    }
    assert_eq!(count(&app.db, &sends).await, 2, "only the two sendings");
}
