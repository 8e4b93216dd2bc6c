//! Fapiao (发票) recorded against invoices: each kind's number form, never more than the
//! invoice's total, red-letter fapiao within their credit note and what they reverse, voiding,
//! the invoice list's filter; a refusal changes nothing.

use crate::helpers::{TestApp, TestSession, spawn_app};
use crate::kit::{create_customer, create_invoice_raw, issue_invoice, ok};
use serde_json::{Value, json};

const RECORD: &str = "mutation($input: RecordFapiaoInput!) { recordFapiao(input: $input) {
    fapiao { id kind number code issuedOn amount { amount currency } taxAmount { amount }
             creditNoteId voided voidReason voidedBy recordedBy }
    invoice { id fapiaos { id number voided } } } }";
const VOID: &str = "mutation($input: VoidFapiaoInput!) { voidFapiao(input: $input) {
    fapiao { id voided voidReason voidedBy } invoice { fapiaos { id voided } } } }";

fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

async fn record(app: &TestApp, session: &TestSession, input: Value) -> Value {
    app.graphql_as(&session.access_token, RECORD, json!({ "input": input }))
        .await
}

/// The first error's reason and field.
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

async fn standing(app: &TestApp, session: &TestSession, invoice: &str) -> usize {
    let found = ok(
        app,
        session,
        "query($id: ID!) { invoice(id: $id) { fapiaos { voided } } }",
        json!({ "id": invoice }),
        "invoice",
    )
    .await;
    found["fapiaos"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["voided"] == false)
        .count()
}

#[tokio::test]
async fn fapiao_are_recorded_within_the_invoice_and_its_credit_notes_and_voided_with_a_reason() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let customer = create_customer(&app, &owner, "C-1", json!({})).await;
    let invoice = issue_invoice(&app, &owner, &id(&customer), "1130", json!({})).await;
    let invoice_id = id(&invoice);
    let digital = |number: &str, amount: &str, tax: &str| {
        json!({ "invoiceId": invoice_id, "number": number, "kind": "DIGITAL_VAT_SPECIAL",
                "issuedOn": "2026-11-30", "amount": amount, "taxAmount": tax })
    };

    // A fully digital fapiao for the whole invoice.
    let body = record(&app, &owner, digital("24312000000012345678", "1130", "130")).await;
    let blue = &body["data"]["recordFapiao"]["fapiao"];
    assert_eq!(blue["kind"], "DIGITAL_VAT_SPECIAL", "{body}");
    assert_eq!(blue["code"], Value::Null);
    assert_eq!(blue["amount"]["amount"], "1130.00");
    assert_eq!(blue["taxAmount"]["amount"], "130.00");
    assert_eq!(blue["voided"], false);
    let blue_id = id(blue);
    assert_eq!(
        body["data"]["recordFapiao"]["invoice"]["fapiaos"][0]["id"], blue_id,
        "{body}"
    );

    // The statement shows it against the invoice, on screen and in its PDF.
    let today = duely_backend::db::tenant_calendar(&app.db, owner.tenant_id)
        .await
        .unwrap()
        .today;
    let statement = ok(
        &app,
        &owner,
        "query($c: ID!, $from: Date!, $to: Date!) { customerStatement(customerId: $c, from: $from, to: $to) { openInvoices { fapiaoNumbers } } }",
        json!({ "c": id(&customer), "from": "2026-01-01", "to": today.to_string() }),
        "customerStatement",
    )
    .await;
    assert_eq!(
        statement["openInvoices"][0]["fapiaoNumbers"],
        json!(["24312000000012345678"]),
        "{statement}"
    );
    let pdf = app
        .client
        .get(app.url(&format!(
            "/api/customers/{}/statement.pdf?from=2026-01-01&to={today}",
            id(&customer)
        )))
        .bearer_auth(&owner.access_token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let printed = crate::kit::pdf_text(&pdf);
    assert!(printed.contains("24312000000012345678"), "{printed}");
    // The invoice CSV export filters by it and lists the fapiao's number.
    let export = |issued: bool| {
        app.client
            .get(app.url(&format!("/api/exports/invoices.csv?fapiaoIssued={issued}")))
            .bearer_auth(&owner.access_token)
            .send()
    };
    let with = export(true).await.unwrap().text().await.unwrap();
    let number = invoice["number"].as_str().unwrap();
    assert!(
        with.lines().next().unwrap().ends_with(",fapiao_numbers"),
        "{with}"
    );
    assert!(
        with.lines()
            .any(|line| line.starts_with(number) && line.ends_with(",24312000000012345678")),
        "{with}"
    );
    let without = export(false).await.unwrap().text().await.unwrap();
    assert!(!without.contains(number), "{without}");

    // Refused, each with its reason and field, and nothing recorded.
    let refused = [
        (
            digital("2431200000001234567", "1", "0"),
            ("FAPIAO_NUMBER_FORMAT", "input.number"),
        ),
        (
            json!({ "invoiceId": invoice_id, "number": "01234567", "kind": "VAT_SPECIAL",
                    "issuedOn": "2026-11-30", "amount": "1", "taxAmount": "0" }),
            ("FAPIAO_CODE_FORMAT", "input.code"),
        ),
        (
            digital("24312000000012340000", "100", "100"),
            ("FAPIAO_TAX_OVER_AMOUNT", "input.taxAmount"),
        ),
        (
            digital("24312000000012340001", "0.01", "0"),
            ("FAPIAO_OVER_INVOICE", "input.amount"),
        ),
        (
            json!({ "invoiceId": invoice_id, "number": "24312000000012340002", "kind": "DIGITAL_VAT_GENERAL",
                    "issuedOn": "2099-01-01", "amount": "1", "taxAmount": "0" }),
            ("FAPIAO_ISSUED_IN_FUTURE", "input.issuedOn"),
        ),
    ];
    for (input, (reason, field)) in refused {
        let body = record(&app, &owner, input).await;
        assert_eq!(
            refusal(&body),
            (reason.to_owned(), field.to_owned()),
            "{body}"
        );
    }
    assert_eq!(standing(&app, &owner, &invoice_id).await, 1);
    let message = record(&app, &owner, digital("24312000000012340001", "0.01", "0")).await;
    assert!(
        message["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("1130.00"),
        "the message names the total: {message}"
    );

    // A draft has no fapiao.
    let draft = create_invoice_raw(&app, &owner, &id(&customer), "10", false, json!({})).await;
    let draft_id = id(&draft["data"]["createInvoice"]["invoice"]);
    let body = record(
        &app,
        &owner,
        json!({ "invoiceId": draft_id, "number": "X1", "kind": "OTHER", "issuedOn": "2026-11-30",
                "amount": "1", "taxAmount": "0" }),
    )
    .await;
    assert_eq!(refusal(&body).0, "FAPIAO_INVOICE_NOT_ISSUED", "{body}");

    // A credit note of 113, and its red-letter fapiao: within the note, and the room it frees.
    let note = ok(
        &app,
        &owner,
        "mutation($input: CreateCreditNoteInput!) { createCreditNote(input: $input) { creditNote { id } } }",
        json!({ "input": { "invoiceId": invoice_id, "amount": "113", "reason": "Returned goods" } }),
        "createCreditNote",
    )
    .await;
    let note_id = id(&note["creditNote"]);
    // The invoice lists it, for the red-letter fapiao's choice of note.
    let notes = ok(
        &app,
        &owner,
        "query($id: ID!) { invoice(id: $id) { creditNotes { id number status amount { amount } } } }",
        json!({ "id": invoice_id }),
        "invoice",
    )
    .await;
    assert_eq!(notes["creditNotes"][0]["id"], note_id.as_str(), "{notes}");
    assert_eq!(notes["creditNotes"][0]["amount"]["amount"], "113.00");
    assert_eq!(notes["creditNotes"][0]["status"], "ISSUED");
    let red_input = |number: &str, amount: &str| {
        json!({ "invoiceId": invoice_id, "number": number, "kind": "DIGITAL_VAT_SPECIAL",
                "issuedOn": "2026-12-01", "amount": amount, "taxAmount": "13", "creditNoteId": note_id })
    };
    let body = record(&app, &owner, red_input("24312000000099990001", "113")).await;
    let red = &body["data"]["recordFapiao"]["fapiao"];
    assert_eq!(red["creditNoteId"], note_id.as_str(), "{body}");
    let red_id = id(red);
    let body = record(&app, &owner, red_input("24312000000099990002", "20")).await;
    assert_eq!(
        refusal(&body),
        (
            "FAPIAO_OVER_CREDIT_NOTE".to_owned(),
            "input.amount".to_owned()
        ),
        "{body}"
    );

    // Voiding the fapiao the red one reverses would leave it alone: refused until it goes.
    let void = |fapiao: &str| {
        app.graphql_as(
            &owner.access_token,
            VOID,
            json!({ "input": { "fapiaoId": fapiao, "reason": "Wrong buyer tax id" } }),
        )
    };
    let body = void(&blue_id).await;
    assert_eq!(refusal(&body).0, "FAPIAO_RED_OVER_BLUE", "{body}");
    let body = void(&red_id).await;
    let voided = &body["data"]["voidFapiao"]["fapiao"];
    assert_eq!(voided["voided"], true, "{body}");
    assert_eq!(voided["voidReason"], "Wrong buyer tax id");
    assert_eq!(refusal(&void(&red_id).await).0, "FAPIAO_VOIDED");
    assert!(void(&blue_id).await.get("errors").is_none());
    assert_eq!(standing(&app, &owner, &invoice_id).await, 0);
    // A voided number may be recorded again, corrected.
    let body = record(
        &app,
        &owner,
        digital("24312000000012345678", "1000", "115.04"),
    )
    .await;
    assert!(body.get("errors").is_none(), "{body}");
    // While it stands, the number is taken.
    let body = record(&app, &owner, digital("24312000000012345678", "1", "0")).await;
    assert_eq!(
        refusal(&body),
        ("FAPIAO_NUMBER_TAKEN".to_owned(), "input.number".to_owned()),
        "{body}"
    );

    // The invoice list by whether a fapiao stands.
    let other = issue_invoice(&app, &owner, &id(&customer), "50", json!({})).await;
    let list = |issued: bool| {
        ok(
            &app,
            &owner,
            "query($filter: InvoiceFilter) { invoices(first: 10, filter: $filter) { totalCount edges { node { id } } } }",
            json!({ "filter": { "fapiaoIssued": issued } }),
            "invoices",
        )
    };
    let with = list(true).await;
    assert_eq!(with["totalCount"], 1, "{with}");
    assert_eq!(with["edges"][0]["node"]["id"], invoice_id.as_str());
    let without = list(false).await;
    let ids: Vec<&str> = without["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"]["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&id(&other).as_str()) && !ids.contains(&invoice_id.as_str()));
}
