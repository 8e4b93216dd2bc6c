//! CSV imports (all or nothing, every problem with its row and column) and exports (the lists'
//! filters, the same permissions), over GraphQL and REST.

use crate::helpers::{TestApp, count, error_codes, spawn_app};
use crate::kit::{create_customer, issue_invoice, join, ok};
use serde_json::{Value, json};

const IMPORT_CUSTOMERS: &str = "mutation($input: ImportInput!) { importCustomers(input: $input) { rows imported dryRun problems { row column message } } }";
const IMPORT_INVOICES: &str = "mutation($input: ImportInput!) { importInvoices(input: $input) { rows imported dryRun problems { row column message } } }";

#[tokio::test]
async fn a_customer_file_with_problems_imports_nothing_and_names_every_problem() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    create_customer(&app, &owner, "C-1", json!({})).await;
    let csv = "code,name,currency,payment_terms_days,credit_limit,contact_name,contact_email\n\
               C-2,\"Beijing Steel, Ltd\",CNY,45,50000,Li Wei,li@steel.example\n\
               C-1,Taken,CNY,30,,,\n\
               C-3,,XXX,400,12.345,A,not-an-email\n\
               C-2,Again,CNY,30,,,\n";
    let report = ok(
        &app,
        &owner,
        IMPORT_CUSTOMERS,
        json!({ "input": { "csv": csv } }),
        "importCustomers",
    )
    .await;
    assert_eq!(report["imported"], 0, "{report}");
    let problems: Vec<(i64, String)> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["row"].as_i64().unwrap(),
                p["column"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(problems.contains(&(3, "code".to_owned())), "{report}");
    assert!(problems.contains(&(4, "name".to_owned())), "{report}");
    assert!(problems.contains(&(4, "currency".to_owned())), "{report}");
    assert!(problems.contains(&(5, "code".to_owned())), "{report}");
    let schema = owner.tenant_id.schema_name();
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT count(*) FROM \"{schema}\".customers")
        )
        .await,
        1,
        "nothing written"
    );

    let good = "code,name,currency,payment_terms_days,credit_limit,contact_name,contact_email\n\
                C-2,\"Beijing Steel, Ltd\",CNY,45,50000,Li Wei,li@steel.example\n\
                C-3,上海物流,USD,30,,王芳,\n";
    let dry = ok(
        &app,
        &owner,
        IMPORT_CUSTOMERS,
        json!({ "input": { "csv": good, "dryRun": true } }),
        "importCustomers",
    )
    .await;
    assert_eq!(
        (dry["rows"].as_i64(), dry["imported"].as_i64()),
        (Some(2), Some(0)),
        "{dry}"
    );
    let done = ok(
        &app,
        &owner,
        IMPORT_CUSTOMERS,
        json!({ "input": { "csv": good } }),
        "importCustomers",
    )
    .await;
    assert_eq!(done["imported"], 2, "{done}");
    let steel = ok(&app, &owner, "{ customers(filter: { search: \"Beijing\" }) { edges { node { name paymentTermsDays creditLimit { amount } contacts { email } } } } }", json!({}), "customers").await;
    let node = &steel["edges"][0]["node"];
    assert_eq!(node["name"], "Beijing Steel, Ltd");
    assert_eq!(node["paymentTermsDays"], 45);
    assert_eq!(node["creditLimit"]["amount"], "50000.00");
    assert_eq!(node["contacts"][0]["email"], "li@steel.example");
}

/// The rows of an import's report as (row, column, message).
fn problems_of(report: &Value) -> Vec<(i64, String, String)> {
    report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["row"].as_i64().unwrap(),
                p["column"].as_str().unwrap().to_owned(),
                p["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_customer_file_names_no_one_who_is_not_a_member_that_may_collect() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let collector_email = app.email("collector");
    join(&app, &owner, &collector_email, "COLLECTOR").await;
    let sales_email = app.email("sales");
    join(&app, &owner, &sales_email, "SALES").await;
    let stranger = app.email("globex-owner");
    app.sign_up("Globex", &stranger).await;
    let csv = format!(
        "code,name,collector_email,salesperson_email\n\
         C-1,Beijing Steel,{collector_email},{sales_email}\n\
         C-2,Shanghai Logistics,nobody@acme.example,\n\
         C-3,Tianjin Port,{sales_email},\n\
         C-4,Globex Trading,{stranger},\n"
    );
    let report = ok(
        &app,
        &owner,
        IMPORT_CUSTOMERS,
        json!({ "input": { "csv": csv } }),
        "importCustomers",
    )
    .await;
    assert_eq!(report["imported"], 0, "{report}");
    let column = "collector_email".to_owned();
    assert_eq!(
        problems_of(&report),
        [
            (
                3,
                column.clone(),
                "no member of this company has the email address nobody@acme.example".to_owned()
            ),
            (
                4,
                column.clone(),
                format!(
                    "{sales_email} is a member with the role sales, which does not work \
                     collections, so cannot be a collector"
                )
            ),
            (
                5,
                column,
                format!("no member of this company has the email address {stranger}"),
            ),
        ],
        "a member of another company is no member of this one: {report}"
    );
    let schema = owner.tenant_id.schema_name();
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT count(*) FROM \"{schema}\".customers")
        )
        .await,
        0,
        "nothing written"
    );
}

#[tokio::test]
async fn a_customer_file_assigns_the_collector_and_salesperson_it_names() {
    let app = spawn_app().await;
    let owner_email = app.email("owner");
    let owner = app.sign_up("Acme", &owner_email).await;
    let collector_email = app.email("collector");
    let collector = join(&app, &owner, &collector_email, "COLLECTOR").await;
    let sales_email = app.email("sales");
    let sales = join(&app, &owner, &sales_email, "SALES").await;
    let csv = format!(
        "code,name,collector_email,salesperson_email\n\
         C-1,北京钢铁,{},{sales_email}\n\
         C-2,上海物流,,{owner_email}\n",
        collector_email.to_uppercase()
    );
    let done = ok(
        &app,
        &owner,
        IMPORT_CUSTOMERS,
        json!({ "input": { "csv": csv } }),
        "importCustomers",
    )
    .await;
    assert_eq!(done["imported"], 2, "{done}");
    const ASSIGNEES: &str = "{ customers(first: 10, orderBy: { field: CODE, direction: ASC }) { edges { node { code collector { id email } salesperson { id email } } } } }";
    let listed = ok(&app, &owner, ASSIGNEES, json!({}), "customers").await;
    let nodes: Vec<&Value> = listed["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| &edge["node"])
        .collect();
    assert_eq!(nodes.len(), 2, "{listed}");
    assert_eq!(nodes[0]["code"], "C-1");
    assert_eq!(nodes[0]["collector"]["id"], collector.user_id.as_str());
    assert_eq!(nodes[0]["collector"]["email"], collector_email.as_str());
    assert_eq!(nodes[0]["salesperson"]["id"], sales.user_id.as_str());
    assert_eq!(nodes[1]["code"], "C-2");
    assert!(nodes[1]["collector"].is_null(), "an empty cell: {listed}");
    assert_eq!(nodes[1]["salesperson"]["id"], owner.user_id.as_str());

    let mine = ok(&app, &collector, ASSIGNEES, json!({}), "customers").await;
    let codes: Vec<&str> = mine["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["C-1"],
        "the collector sees the customer assigned: {mine}"
    );
}

#[tokio::test]
async fn invoices_import_line_by_line_all_or_nothing() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    create_customer(&app, &owner, "C-1", json!({ "paymentTermsDays": 30 })).await;
    let bad = "number,customer_code,issue_date,due_date,description,quantity,unit_price,tax_rate\n\
               ERP-1,C-1,2026-01-05,,Steel,2,100,13%\n\
               ERP-1,C-1,2026-01-05,,Freight,1,50,0\n\
               ERP-2,C-9,2026-01-06,,Bolts,1,10,0\n\
               ERP-3,C-1,05/01/2026,,Nuts,x,10,0\n";
    let report = ok(
        &app,
        &owner,
        IMPORT_INVOICES,
        json!({ "input": { "csv": bad } }),
        "importInvoices",
    )
    .await;
    assert_eq!(report["imported"], 0);
    let problems: Vec<(i64, String)> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["row"].as_i64().unwrap(),
                p["column"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        problems.contains(&(4, "customer_code".to_owned())),
        "{report}"
    );
    assert!(problems.contains(&(5, "issue_date".to_owned())), "{report}");
    let schema = owner.tenant_id.schema_name();
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT count(*) FROM \"{schema}\".invoices")
        )
        .await,
        0
    );

    let good = "number,customer_code,issue_date,due_date,description,quantity,unit_price,tax_rate,external_ref\n\
                ERP-1,C-1,2026-01-05,,Steel,2,100,13%,SAP-778\n\
                ERP-1,C-1,2026-01-05,,Freight,1,50,0,SAP-778\n\
                ERP-2,c-1,2026-01-06,2026-03-01,Bolts,10,1.25,0.13,\n";
    let done = ok(
        &app,
        &owner,
        IMPORT_INVOICES,
        json!({ "input": { "csv": good } }),
        "importInvoices",
    )
    .await;
    assert_eq!(
        (done["rows"].as_i64(), done["imported"].as_i64()),
        (Some(3), Some(2)),
        "{done}"
    );
    let listed = ok(&app, &owner, "{ invoices(orderBy: { field: NUMBER }) { edges { node { number status dueDate total { amount } lines { description } } } } }", json!({}), "invoices").await;
    let first = &listed["edges"][0]["node"];
    assert_eq!(first["number"], "ERP-1");
    assert_eq!(first["status"], "ISSUED");
    assert_eq!(
        first["dueDate"], "2026-02-04",
        "due from the customer's terms"
    );
    assert_eq!(
        first["total"]["amount"], "276.00",
        "2 x 100 + 13 %, plus 50"
    );
    assert_eq!(first["lines"].as_array().unwrap().len(), 2);
    let again = ok(
        &app,
        &owner,
        IMPORT_INVOICES,
        json!({ "input": { "csv": good } }),
        "importInvoices",
    )
    .await;
    assert_eq!(
        again["problems"][0]["column"], "number",
        "numbers already taken: {again}"
    );
}

#[tokio::test]
async fn large_files_go_over_rest_and_exports_follow_the_filters_and_permissions() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let mut customers = String::from("code,name\n");
    for n in 0..300 {
        customers.push_str(&format!("K-{n:04},Customer {n}\n"));
    }
    let mut invoices =
        String::from("number,customer_code,issue_date,description,quantity,unit_price\n");
    for n in 0..3000 {
        invoices.push_str(&format!(
            "B-{n:05},K-{:04},2026-02-01,Item,1,{}.50\n",
            n % 300,
            100 + n % 7
        ));
    }
    for (kind, body, expected) in [("customers", customers, 300), ("invoices", invoices, 3000)] {
        let response = app
            .client
            .post(app.url(&format!("/api/imports/{kind}")))
            .bearer_auth(&owner.access_token)
            .header("content-type", "text/csv")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{kind}");
        let report: Value = response.json().await.unwrap();
        assert_eq!(report["imported"], expected, "{report}");
    }

    let export = |path: &'static str, token: Option<String>| {
        let app = &app;
        async move {
            let mut request = app.client.get(app.url(path));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let (status, csv) = export(
        "/api/exports/invoices.csv?search=B-0000",
        Some(owner.access_token.clone()),
    )
    .await;
    assert_eq!(status, 200);
    assert!(csv.starts_with("\u{feff}number,customer_code"), "{csv}");
    assert_eq!(csv.lines().count(), 1 + 10, "B-00000 to B-00009: {csv}");
    let (status, csv) = export(
        "/api/exports/customers.csv",
        Some(owner.access_token.clone()),
    )
    .await;
    assert_eq!((status, csv.lines().count()), (200, 301));
    let (status, body) = export("/api/exports/payments.csv", None).await;
    assert_eq!(status, 401, "{body}");
    let denied: Value = serde_json::from_str(
        &export("/api/exports/nothing.csv", Some(owner.access_token.clone()))
            .await
            .1,
    )
    .unwrap();
    assert_eq!(error_codes(&denied), ["NOT_FOUND"]);

    // A collector exports only the customers assigned to them.
    let collector = crate::kit::join(&app, &owner, &app.email("collector"), "COLLECTOR").await;
    let assigned = create_customer(
        &app,
        &owner,
        "MINE",
        json!({ "collectorId": collector.user_id }),
    )
    .await;
    issue_invoice(
        &app,
        &owner,
        assigned["id"].as_str().unwrap(),
        "10",
        json!({}),
    )
    .await;
    let (status, csv) = export(
        "/api/exports/invoices.csv",
        Some(collector.access_token.clone()),
    )
    .await;
    assert_eq!((status, csv.lines().count()), (200, 2), "{csv}");

    // A statement downloads as CSV.
    let path = format!(
        "/api/customers/{}/statement.csv?from=2026-01-01&to=2027-12-31",
        assigned["id"].as_str().unwrap()
    );
    let response = app
        .client
        .get(app.url(&path))
        .bearer_auth(&owner.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let csv = response.text().await.unwrap();
    assert!(
        csv.contains("OPENING_BALANCE")
            && csv.contains("INVOICE")
            && csv.contains("CLOSING_BALANCE"),
        "{csv}"
    );
}

#[tokio::test]
async fn import_problems_point_at_the_row_and_column_that_caused_them() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    create_customer(&app, &owner, "C-1", json!({})).await;
    let csv = "number,customer_code,issue_date,description,quantity,unit_price,tax_rate,external_ref\n\
               A-1,C-1,2026-01-05,Steel,2,100,13,R-1\n\
               A-1,C-1,2026-01-05,Freight,,50,0,R-1\n\
               A-2,C-1,2026-01-05,Bolts,0,5,0,R-1\n\
               A-3,C-1,2026-01-05,Nuts,1,5\u{1},0,\n";
    let report = ok(
        &app,
        &owner,
        IMPORT_INVOICES,
        json!({ "input": { "csv": csv } }),
        "importInvoices",
    )
    .await;
    let problems: Vec<(i64, String)> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["row"].as_i64().unwrap(),
                p["column"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        problems.contains(&(2, "tax_rate".to_owned())),
        "a bare 13 is ambiguous: {report}"
    );
    assert!(
        problems.contains(&(3, "quantity".to_owned())),
        "an empty quantity is reported: {report}"
    );
    assert!(
        problems.contains(&(4, "external_ref".to_owned())),
        "R-1 is A-1's reference: {report}"
    );
    assert!(problems.iter().any(|(row, _)| *row == 5), "{report}");
    assert_eq!(report["imported"], 0);
}

#[tokio::test]
async fn a_statement_downloads_as_a_pdf_that_carries_its_chinese_text() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let buyer = create_customer(&app, &owner, "SH-1", json!({ "name": "上海物流" })).await;
    issue_invoice(
        &app,
        &owner,
        buyer["id"].as_str().unwrap(),
        "1234.5",
        json!({ "issueDate": "2026-01-10" }),
    )
    .await;
    let path = format!(
        "/api/customers/{}/statement.pdf?from=2026-01-01&to=2026-06-30",
        buyer["id"].as_str().unwrap()
    );
    let response = app
        .client
        .get(app.url(&path))
        .bearer_auth(&owner.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let pdf = crate::kit::pdf_text(&response.bytes().await.unwrap());
    assert!(
        pdf.contains("上海物流"),
        "the customer's name is in the PDF: {pdf}"
    );
    assert!(pdf.contains("1,234.50"), "the amount, grouped: {pdf}");
    let other = app.sign_up("Globex", &app.email("globex")).await;
    let response = app
        .client
        .get(app.url(&path))
        .bearer_auth(&other.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        404,
        "another company's customer is not found"
    );
    let forged = app
        .client
        .get(app.url("/api/statements/duely_stm_x/statement.pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 404);
}

/// Posts `body` to the customer import's dry run; the status and the JSON answer.
async fn post_customer_import(app: &TestApp, token: &str, body: Vec<u8>) -> (u16, Value) {
    let response = app
        .client
        .post(app.url("/api/imports/customers?dryRun=true"))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// `head`, then `pattern` repeated, to exactly 32 MiB (the largest body the route takes).
fn thirty_two_mib(head: &str, pattern: &str) -> Vec<u8> {
    let size = 32 * 1024 * 1024;
    let mut body = Vec::with_capacity(size);
    body.extend_from_slice(head.as_bytes());
    while body.len() < size {
        body.extend_from_slice(pattern.as_bytes());
    }
    body.truncate(size);
    body
}

#[tokio::test]
async fn pathological_32_mib_imports_are_answered_with_the_limit_they_cross() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    for (body, row, message) in [
        (thirty_two_mib("", ","), 1, "at most 64 columns"),
        (
            thirty_two_mib("code,name\nC-1,", "x"),
            2,
            "at most 4096 bytes in one cell",
        ),
        (
            thirty_two_mib("code,name\n", "C,N\n"),
            200_002,
            "at most 200000 rows per file",
        ),
    ] {
        let (status, report) = post_customer_import(&app, &owner.access_token, body).await;
        assert_eq!(status, 422, "{report}");
        assert_eq!(report["imported"], 0, "{report}");
        assert_eq!(
            report["problems"],
            json!([{ "row": row, "column": "", "message": message }]),
        );
    }
    // One byte more than the route takes is refused before it is read.
    let mut body = thirty_two_mib("code,name\n", "C,N\n");
    body.push(b'\n');
    let response = app
        .client
        .post(app.url("/api/imports/customers?dryRun=true"))
        .bearer_auth(&owner.access_token)
        .body(body)
        .send()
        .await;
    if let Ok(response) = response {
        assert_eq!(response.status(), 413);
    }
    // The same limits hold over GraphQL: one parser.
    let wide = format!("code,name\nC-1,{}\n", "x".repeat(5000));
    let report = ok(
        &app,
        &owner,
        IMPORT_CUSTOMERS,
        json!({ "input": { "csv": wide, "dryRun": true } }),
        "importCustomers",
    )
    .await;
    assert_eq!(
        report["problems"][0]["message"], "at most 4096 bytes in one cell",
        "{report}"
    );
}

/// Starts an import whose body never finishes arriving, holding its slot; dropping the stream
/// ends it.
async fn hanging_import(app: &TestApp, token: &str) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /api/imports/customers?dryRun=true HTTP/1.1\r\nHost: {address}\r\n\
         Authorization: Bearer {token}\r\nContent-Type: text/csv\r\nContent-Length: 1000000\r\n\r\n\
         code,name\nC-1,Acme\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.flush().await.unwrap();
    stream
}

/// Whether the server has answered a hanging import (refused it) rather than holding it.
async fn was_answered(stream: &tokio::net::TcpStream) -> bool {
    let mut byte = [0u8; 1];
    matches!(
        tokio::time::timeout(std::time::Duration::from_millis(20), stream.peek(&mut byte)).await,
        Ok(Ok(read)) if read > 0
    )
}

#[tokio::test]
async fn a_third_large_import_at_once_is_refused_with_a_retry_time() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let small = || b"code,name\nC-1,Acme\n".to_vec();
    let mut hanging = [
        hanging_import(&app, &owner.access_token).await,
        hanging_import(&app, &owner.access_token).await,
    ];
    // The two hanging imports take their slots as soon as the server reads their headers.
    let mut refused = None;
    for _ in 0..100 {
        let response = app
            .client
            .post(app.url("/api/imports/customers?dryRun=true"))
            .bearer_auth(&owner.access_token)
            .body(small())
            .send()
            .await
            .unwrap();
        if response.status() == 429 {
            refused = Some(response);
            break;
        }
        // The server reads connections concurrently: a small import that got there first took
        // a slot, and a hanging one was answered 429 instead of holding. Start it again.
        for stream in &mut hanging {
            if was_answered(stream).await {
                *stream = hanging_import(&app, &owner.access_token).await;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let refused = refused.expect("a third import at once is refused");
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 0);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(error_codes(&body), ["RATE_LIMITED"], "{body}");
    assert_eq!(body["errors"][0]["extensions"]["retryAfter"], retry_after);

    // GraphQL imports (at most 1 MiB) are not the large ones and still run.
    let report = ok(
        &app,
        &owner,
        IMPORT_CUSTOMERS,
        json!({ "input": { "csv": "code,name\nC-1,Acme\n", "dryRun": true } }),
        "importCustomers",
    )
    .await;
    assert_eq!(report["rows"], 1, "{report}");

    // Uploads cut short give their slots back.
    drop(hanging);
    let mut status = 0;
    for _ in 0..100 {
        let (answer, _) = post_customer_import(&app, &owner.access_token, small()).await;
        status = answer;
        if status == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(status, 200, "the slots are free again");
}

const IMPORT_PAYMENTS: &str = "mutation($input: ImportInput!) { importPayments(input: $input) { rows imported skipped dryRun problems { row column message } } }";
const PAYMENT_HEADER: &str = "external_id,customer_code,received_on,amount,currency,method,reference,invoice_number,allocated_amount\n";
const PAYMENTS: &str = "{ payments(first: 50) { totalCount edges { node { customer { code } amount { amount }
    method reference allocated { amount } unapplied { amount } allocations { invoiceNumber amount { amount } } } } } }";

/// The company's business day: no payment may be received after it.
async fn business_day(app: &TestApp, session: &crate::helpers::TestSession) -> chrono::NaiveDate {
    duely_backend::db::tenant_calendar(&app.db, session.tenant_id)
        .await
        .unwrap()
        .today
}

/// An invoice's status, balance due and allocated amounts, read through the API.
async fn settled(
    app: &TestApp,
    session: &crate::helpers::TestSession,
    invoice: &Value,
) -> (String, String, Vec<String>) {
    let read = crate::kit::invoice(app, session, invoice["id"].as_str().unwrap()).await;
    let allocated = read["allocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|allocation| allocation["amount"]["amount"].as_str().unwrap().to_owned())
        .collect();
    (
        read["status"].as_str().unwrap().to_owned(),
        read["balanceDue"]["amount"].as_str().unwrap().to_owned(),
        allocated,
    )
}

fn text(values: &[&str]) -> Vec<String> {
    values.iter().map(|value| (*value).to_owned()).collect()
}

#[tokio::test]
async fn payments_import_with_the_invoices_they_pay_and_a_second_import_records_nothing_twice() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let steel = create_customer(&app, &owner, "C-1", json!({})).await;
    let logistics = create_customer(&app, &owner, "C-2", json!({})).await;
    let steel_id = steel["id"].as_str().unwrap();
    let first = issue_invoice(&app, &owner, steel_id, "100", json!({})).await;
    let second = issue_invoice(&app, &owner, steel_id, "200", json!({})).await;
    let freight = issue_invoice(
        &app,
        &owner,
        logistics["id"].as_str().unwrap(),
        "50",
        json!({}),
    )
    .await;
    let today = business_day(&app, &owner).await;
    let (a, b) = (
        first["number"].as_str().unwrap(),
        second["number"].as_str().unwrap(),
    );
    // One payment paying two invoices (its second row in other words: the customer code in
    // lower case, the method spelled out, the reference left to the first row), and one
    // without invoice rows.
    let csv = format!(
        "{PAYMENT_HEADER}\
         BANK-1,C-1,{today},250.00,,BANK_TRANSFER,TT-778,{a},100\n\
         BANK-1,c-1,{today},\"250.00\",,bank transfer,,{b},120.50\n\
         BANK-2,C-2,{today},30,CNY,CASH,R-9,,\n"
    );
    let report = ok(
        &app,
        &owner,
        IMPORT_PAYMENTS,
        json!({ "input": { "csv": csv } }),
        "importPayments",
    )
    .await;
    assert_eq!(report["problems"], json!([]), "{report}");
    assert_eq!(
        (
            report["rows"].as_i64(),
            report["imported"].as_i64(),
            report["skipped"].as_i64()
        ),
        (Some(3), Some(2), Some(0)),
        "{report}"
    );
    assert_eq!(
        settled(&app, &owner, &first).await,
        ("PAID".to_owned(), "0.00".to_owned(), text(&["100.00"]))
    );
    assert_eq!(
        settled(&app, &owner, &second).await,
        (
            "PARTIALLY_PAID".to_owned(),
            "79.50".to_owned(),
            text(&["120.50"])
        )
    );
    assert_eq!(
        settled(&app, &owner, &freight).await,
        (
            "PARTIALLY_PAID".to_owned(),
            "20.00".to_owned(),
            text(&["30.00"])
        ),
        "a payment without invoice rows goes to the oldest due first, as recordPayment does"
    );
    let payments = ok(&app, &owner, PAYMENTS, json!({}), "payments").await;
    assert_eq!(payments["totalCount"], 2, "{payments}");
    let bank = payments["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| &edge["node"])
        .find(|node| node["customer"]["code"] == "C-1")
        .unwrap_or_else(|| panic!("no payment of C-1: {payments}"));
    assert_eq!(bank["amount"]["amount"], "250.00", "{bank}");
    assert_eq!(bank["method"], "BANK_TRANSFER", "{bank}");
    assert_eq!(bank["reference"], "TT-778", "{bank}");
    assert_eq!(bank["allocated"]["amount"], "220.50", "{bank}");
    assert_eq!(bank["unapplied"]["amount"], "29.50", "{bank}");
    let mut paid: Vec<&str> = bank["allocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|allocation| allocation["invoiceNumber"].as_str().unwrap())
        .collect();
    paid.sort_unstable();
    let mut expected = [a, b];
    expected.sort_unstable();
    assert_eq!(paid, expected, "{bank}");

    // The same file again records nothing: both payments are skipped.
    let again = ok(
        &app,
        &owner,
        IMPORT_PAYMENTS,
        json!({ "input": { "csv": csv } }),
        "importPayments",
    )
    .await;
    assert_eq!(again["problems"], json!([]), "{again}");
    assert_eq!(
        (again["imported"].as_i64(), again["skipped"].as_i64()),
        (Some(0), Some(2)),
        "{again}"
    );
    let payments = ok(&app, &owner, PAYMENTS, json!({}), "payments").await;
    assert_eq!(payments["totalCount"], 2, "{payments}");
    assert_eq!(settled(&app, &owner, &second).await.1, "79.50");

    // A file with one more payment: its dry run (over REST) writes nothing, then it is
    // imported alone.
    let more = format!("{csv}BANK-3,C-1,{today},79.50,,WECHAT_PAY,,{b},79.50\n");
    let response = app
        .client
        .post(app.url("/api/imports/payments?dryRun=true"))
        .bearer_auth(&owner.access_token)
        .header("content-type", "text/csv")
        .body(more.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let dry: Value = response.json().await.unwrap();
    assert_eq!(
        (
            dry["dryRun"].as_bool(),
            dry["imported"].as_i64(),
            dry["skipped"].as_i64()
        ),
        (Some(true), Some(0), Some(2)),
        "{dry}"
    );
    let payments = ok(&app, &owner, PAYMENTS, json!({}), "payments").await;
    assert_eq!(
        payments["totalCount"], 2,
        "a dry run records nothing: {payments}"
    );
    assert_eq!(settled(&app, &owner, &second).await.1, "79.50");
    let done = ok(
        &app,
        &owner,
        IMPORT_PAYMENTS,
        json!({ "input": { "csv": more } }),
        "importPayments",
    )
    .await;
    assert_eq!(
        (done["imported"].as_i64(), done["skipped"].as_i64()),
        (Some(1), Some(2)),
        "{done}"
    );
    assert_eq!(
        settled(&app, &owner, &second).await,
        (
            "PAID".to_owned(),
            "0.00".to_owned(),
            text(&["120.50", "79.50"])
        )
    );
}

#[tokio::test]
async fn a_payment_file_with_a_bad_row_names_its_row_and_column_and_records_nothing() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let steel = create_customer(&app, &owner, "C-1", json!({})).await;
    let logistics = create_customer(&app, &owner, "C-2", json!({})).await;
    let steel_id = steel["id"].as_str().unwrap();
    let first = issue_invoice(&app, &owner, steel_id, "100", json!({})).await;
    let second = issue_invoice(&app, &owner, steel_id, "200", json!({})).await;
    let freight = issue_invoice(
        &app,
        &owner,
        logistics["id"].as_str().unwrap(),
        "50",
        json!({}),
    )
    .await;
    let today = business_day(&app, &owner).await;
    let tomorrow = today + chrono::Days::new(1);
    let (a, b, c) = (
        first["number"].as_str().unwrap(),
        second["number"].as_str().unwrap(),
        freight["number"].as_str().unwrap(),
    );
    let csv = format!(
        "{PAYMENT_HEADER}\
         P-1,C-1,{today},100,,BANK_TRANSFER,,{a},60\n\
         P-1,C-1,{today},90,,BANK_TRANSFER,,{b},30\n\
         P-2,C-9,{today},10,,CASH,,,\n\
         P-3,C-1,{today},10,,CASH,,NOPE-1,10\n\
         P-4,C-1,{today},500,,CASH,,{b},300\n\
         P-5,C-1,{today},50,,CASH,,{a},40\n\
         P-5,C-1,{today},50,,CASH,,{b},20\n\
         P-6,C-1,{today},10,,CASH,,{a},\n\
         P-7,C-1,{tomorrow},10,,WIRE,,,\n\
         P-8,C-1,{today},10,,CASH,,{c},10\n\
         P-9,C-2,{today},10,,CASH,,,\n"
    );
    let report = ok(
        &app,
        &owner,
        IMPORT_PAYMENTS,
        json!({ "input": { "csv": csv } }),
        "importPayments",
    )
    .await;
    assert_eq!(report["imported"], 0, "{report}");
    let problems = problems_of(&report);
    let at = |row: i64, column: &str| -> String {
        problems
            .iter()
            .find(|(r, c, _)| *r == row && c == column)
            .map(|(_, _, message)| message.clone())
            .unwrap_or_else(|| panic!("no problem at row {row}, {column}: {report}"))
    };
    assert!(
        at(3, "amount").contains("line 2"),
        "P-1's rows disagree on the amount: {report}"
    );
    assert!(
        at(4, "customer_code").contains("C-9"),
        "an unknown customer: {report}"
    );
    assert!(
        at(5, "invoice_number").contains("NOPE-1"),
        "an unknown invoice: {report}"
    );
    assert_eq!(
        at(6, "allocated_amount"),
        "300.00 is more than the invoice's balance of 200.00"
    );
    assert_eq!(
        at(8, "allocated_amount"),
        "the allocations add up to 60.00, more than the 50.00 available",
        "P-5's two rows over-allocate it"
    );
    at(9, "allocated_amount");
    at(10, "received_on");
    at(10, "method");
    assert!(
        at(11, "invoice_number").contains("C-1"),
        "C-2's invoice is not C-1's to pay: {report}"
    );
    assert!(
        problems.iter().all(|(row, _, _)| ![2, 7, 12].contains(row)),
        "the good rows have no problem: {report}"
    );
    let schema = owner.tenant_id.schema_name();
    for table in ["payments", "allocations"] {
        assert_eq!(
            count(
                &app.db,
                &format!("SELECT count(*) FROM \"{schema}\".{table}")
            )
            .await,
            0,
            "nothing written to {table}"
        );
    }
    assert_eq!(settled(&app, &owner, &first).await.1, "100.00");
    assert_eq!(settled(&app, &owner, &freight).await.1, "50.00");

    // A dry run of the good rows alone writes nothing either, and finds nothing wrong.
    let good = format!(
        "{PAYMENT_HEADER}\
         P-1,C-1,{today},100,,BANK_TRANSFER,,{a},60\n\
         P-1,C-1,{today},100,,BANK_TRANSFER,,{b},30\n\
         P-9,C-2,{today},10,,CASH,,,\n"
    );
    let dry = ok(
        &app,
        &owner,
        IMPORT_PAYMENTS,
        json!({ "input": { "csv": good, "dryRun": true } }),
        "importPayments",
    )
    .await;
    assert_eq!(dry["problems"], json!([]), "{dry}");
    assert_eq!(
        (
            dry["rows"].as_i64(),
            dry["imported"].as_i64(),
            dry["dryRun"].as_bool()
        ),
        (Some(3), Some(0), Some(true)),
        "{dry}"
    );
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT count(*) FROM \"{schema}\".payments")
        )
        .await,
        0,
        "a dry run records nothing"
    );
    assert_eq!(settled(&app, &owner, &second).await.1, "200.00");
}
