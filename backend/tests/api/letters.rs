//! Letters: a new company's standard ladder mails a demand letter (催款函) at +30 days; the run
//! makes it once from the step's template; it is listed for printing, printed on the company's
//! letterhead (read back through `pdftotext`), and recorded mailed with the carrier's tracking
//! number, which the customer's timeline keeps; a legal case drafts a lawyer's letter (律师函).
//! Collectors see only their customers' letters; refusals change nothing.

use crate::helpers::{TestApp, TestSession, count, spawn_app};
use crate::kit::{
    company_today as today, create_customer, issue_invoice, join, ok, pdf_text, run_dunning,
};
use chrono::Days;
use serde_json::{Value, json};

const LETTERS: &str = "query($status: LetterStatus) { letters(filter: { status: $status }) {
    totalCount edges { node { id kind status title body invoiceNumbers letterDate deadline
    trackingNumber mailedOn mailedBy pdfPath customer { name } } } } }";
const MARK: &str = "mutation($input: MarkLetterMailedInput!) { markLetterMailed(input: $input) {
    letter { id status trackingNumber mailedOn mailedBy } } }";

fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

async fn letters(app: &TestApp, session: &TestSession, status: &str) -> Value {
    ok(
        app,
        session,
        LETTERS,
        json!({ "status": status }),
        "letters",
    )
    .await
}

async fn pdf(app: &TestApp, session: &TestSession, path: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .bearer_auth(&session.access_token)
        .send()
        .await
        .unwrap()
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

#[tokio::test]
async fn the_ladders_letter_is_made_once_printed_and_recorded_mailed_with_its_tracking_number() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    ok(
        &app,
        &owner,
        "mutation($input: UpdateCompanyProfileInput!) { updateCompanyProfile(input: $input) { profile { legalName } } }",
        json!({ "input": { "legalName": "上海𠮷祥贸易有限公司",
            "bankAccounts": [{ "bankName": "招商银行上海分行", "accountName": "上海𠮷祥贸易有限公司", "accountNumber": "6225 8801 2345 6789" }] } }),
        "updateCompanyProfile",
    )
    .await;

    // A new company's standard ladder mails a letter at +30 days.
    let ladders = ok(
        &app,
        &owner,
        "{ dunningPolicies { isDefault steps { offsetDays action } } }",
        json!({}),
        "dunningPolicies",
    )
    .await;
    let standard = ladders
        .as_array()
        .unwrap()
        .iter()
        .find(|ladder| ladder["isDefault"] == true)
        .unwrap();
    assert!(
        standard["steps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|step| step["offsetDays"] == 30 && step["action"] == "SEND_LETTER"),
        "{standard}"
    );

    let now = today(&app, &owner).await;
    let customer = create_customer(
        &app,
        &owner,
        "JXJ-1",
        json!({ "name": "吉野家𠮷餐饮", "billingAddress": "深圳市南山区科技园南区 8 栋" }),
    )
    .await;
    let due = now - Days::new(30);
    let invoice = issue_invoice(
        &app,
        &owner,
        &id(&customer),
        "8000",
        json!({ "issueDate": (due - Days::new(30)).to_string(), "dueDate": due.to_string() }),
    )
    .await;
    let number = invoice["number"].as_str().unwrap().to_owned();

    run_dunning(&app, &owner, now).await;
    run_dunning(&app, &owner, now).await;
    let to_print = letters(&app, &owner, "TO_PRINT").await;
    assert_eq!(
        to_print["totalCount"], 1,
        "one letter, however often the run goes: {to_print}"
    );
    let letter = to_print["edges"][0]["node"].clone();
    assert_eq!(letter["kind"], "DEMAND");
    assert_eq!(letter["status"], "TO_PRINT");
    assert_eq!(letter["title"], "催款函");
    assert_eq!(letter["invoiceNumbers"], json!([number]));
    assert_eq!(letter["deadline"], (now + Days::new(7)).to_string());
    assert!(
        letter["body"].as_str().unwrap().contains(&number),
        "{letter}"
    );

    // Printed on the letterhead, with the claimed invoice and where to pay.
    let response = pdf(&app, &owner, letter["pdfPath"].as_str().unwrap()).await;
    assert_eq!(response.status(), 200);
    let printed = pdf_text(&response.bytes().await.unwrap());
    for expected in [
        "上海𠮷祥贸易有限公司",
        "吉野家𠮷餐饮",
        "深圳市南山区科技园南区 8 栋",
        "催款函",
        &number,
        "招商银行上海分行",
        "6225 8801 2345 6789",
    ] {
        assert!(
            printed.contains(expected),
            "{expected} missing from:\n{printed}"
        );
    }

    // Recorded mailed: refused with a malformed number or a date to come, then once.
    let schema = owner.tenant_id.schema_name();
    let activities = format!("SELECT count(*) FROM \"{schema}\".collection_activities");
    let before = count(&app.db, &activities).await;
    let mark = |input: Value| app.graphql_as(&owner.access_token, MARK, json!({ "input": input }));
    let bad = mark(json!({ "letterId": letter["id"], "trackingNumber": "顺丰" })).await;
    assert_eq!(
        refusal(&bad),
        (
            "INVALID_CHARACTERS".to_owned(),
            "input.trackingNumber".to_owned()
        )
    );
    let later = mark(
        json!({ "letterId": letter["id"], "trackingNumber": "SF1234567890",
                             "mailedOn": (now + Days::new(1)).to_string() }),
    )
    .await;
    assert_eq!(
        refusal(&later),
        ("DATE_OUT_OF_RANGE".to_owned(), "input.mailedOn".to_owned())
    );
    assert_eq!(count(&app.db, &activities).await, before, "nothing logged");
    let mailed =
        mark(json!({ "letterId": letter["id"], "trackingNumber": "SF 1234-5678-9012" })).await;
    let mailed = &mailed["data"]["markLetterMailed"]["letter"];
    assert_eq!(mailed["status"], "MAILED", "{mailed}");
    assert_eq!(mailed["trackingNumber"], "SF123456789012");
    assert_eq!(mailed["mailedOn"], now.to_string());
    let again = mark(json!({ "letterId": letter["id"], "trackingNumber": "SF999999999" })).await;
    assert_eq!(refusal(&again).0, "LETTER_ALREADY_MAILED");
    assert_eq!(letters(&app, &owner, "TO_PRINT").await["totalCount"], 0);
    assert_eq!(letters(&app, &owner, "MAILED").await["totalCount"], 1);

    // The invoice's timeline: the letter made by the run, then mailed with its number.
    let timeline = ok(
        &app,
        &owner,
        "query($id: ID!) { collectionActivities(first: 10, filter: { invoiceId: $id }) { edges { node { channel note trackingNumber } } } }",
        json!({ "id": id(&invoice) }),
        "collectionActivities",
    )
    .await;
    let nodes: Vec<&Value> = timeline["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| &edge["node"])
        .collect();
    assert!(
        nodes
            .iter()
            .any(|node| node["channel"] == "LETTER" && node["trackingNumber"] == "SF123456789012"),
        "{timeline}"
    );
    assert!(
        nodes.iter().any(|node| node["channel"] == "LETTER"
            && node["note"].as_str().unwrap_or("").contains("已生成催款函")),
        "{timeline}"
    );

    // A collector sees only the letters of the customers they work.
    let collector = join(&app, &owner, &app.email("col"), "COLLECTOR").await;
    assert_eq!(letters(&app, &collector, "MAILED").await["totalCount"], 0);
    let theirs = pdf(&app, &collector, letter["pdfPath"].as_str().unwrap()).await;
    assert_eq!(theirs.status(), 404);
}

#[tokio::test]
async fn a_legal_case_drafts_a_lawyers_letter_for_what_is_still_owed() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let customer = create_customer(
        &app,
        &owner,
        "L-1",
        json!({ "name": "𠮷田商事", "locale": "EN" }),
    )
    .await;
    let now = today(&app, &owner).await;
    let due = now - Days::new(100);
    let invoice = issue_invoice(
        &app,
        &owner,
        &id(&customer),
        "5000",
        json!({ "issueDate": (due - Days::new(30)).to_string(), "dueDate": due.to_string() }),
    )
    .await;
    let case = ok(
        &app,
        &owner,
        "mutation($input: EscalateToLegalInput!) { escalateToLegal(input: $input) { legalCase { id } } }",
        json!({ "input": { "customerId": id(&customer) } }),
        "escalateToLegal",
    )
    .await;
    const DRAFT: &str =
        "mutation($input: DraftLawyerLetterInput!) { draftLawyerLetter(input: $input) {
        letter { id kind title invoiceNumbers pdfPath } } }";
    let drafted = ok(
        &app,
        &owner,
        DRAFT,
        json!({ "input": { "legalCaseId": case["legalCase"]["id"] } }),
        "draftLawyerLetter",
    )
    .await;
    let letter = &drafted["letter"];
    assert_eq!(letter["kind"], "LAWYER_DRAFT");
    assert_eq!(
        letter["title"], "Letter before action (draft)",
        "in the customer's language"
    );
    assert_eq!(letter["invoiceNumbers"], json!([invoice["number"]]));
    let printed = pdf_text(
        &pdf(&app, &owner, letter["pdfPath"].as_str().unwrap())
            .await
            .bytes()
            .await
            .unwrap(),
    );
    assert!(printed.contains("𠮷田商事"), "{printed}");
    assert!(
        printed.contains("5,000.00") || printed.contains("5000.00"),
        "{printed}"
    );

    // Paid in full: nothing is left for a letter to claim.
    let paid = app
        .graphql_as(
            &owner.access_token,
            "mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { payment { id } } }",
            json!({ "input": { "customerId": id(&customer), "amount": "5000", "currency": "CNY",
                               "receivedOn": now.to_string(), "method": "BANK_TRANSFER" } }),
        )
        .await;
    assert!(paid.get("errors").is_none(), "{paid}");
    let body = app
        .graphql_as(
            &owner.access_token,
            DRAFT,
            json!({ "input": { "legalCaseId": case["legalCase"]["id"] } }),
        )
        .await;
    assert_eq!(refusal(&body).0, "LETTER_NOTHING_OVERDUE", "{body}");
}
