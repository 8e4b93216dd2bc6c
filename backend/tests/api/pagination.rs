//! One pagination for every list: keyset cursors for the default and name orders (a page
//! continues after the last row it showed, whatever was added before it), position cursors for
//! orders by computed figures, and every other cursor refused with `VALIDATION` on `after`.

use crate::helpers::{TestApp, TestSession, error_codes, spawn_app};
use crate::kit::{create_customer, issue_invoice, ok};
use serde_json::{Value, json};

/// Walks a list `page` rows at a time and returns every node's `field`, in order.
async fn walk(
    app: &TestApp,
    session: &TestSession,
    list: &str,
    arguments: &str,
    field: &str,
    page: i64,
) -> Vec<String> {
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let query = format!(
            "query($after: String) {{ {list}(first: {page}, after: $after{arguments}) {{
                totalCount edges {{ node {{ {field} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"
        );
        let connection = ok(app, session, &query, json!({ "after": after }), list).await;
        for edge in connection["edges"].as_array().unwrap() {
            seen.push(edge["node"][field].as_str().unwrap().to_owned());
        }
        if connection["pageInfo"]["hasNextPage"] != true {
            return seen;
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
}

fn refused_on_after(body: &Value) -> bool {
    error_codes(body) == ["VALIDATION"] && body["errors"][0]["extensions"]["field"] == "after"
}

#[tokio::test]
async fn keyset_pages_continue_after_their_last_row_even_when_rows_arrive_before_it() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let customer = create_customer(&app, &owner, "K-1", json!({ "name": "Keyset Ltd" })).await;
    let customer_id = customer["id"].as_str().unwrap();
    // Two invoices on each of three days, so the id breaks the ties within a day.
    for day in [
        "2026-10-01",
        "2026-10-01",
        "2026-10-15",
        "2026-10-15",
        "2026-11-02",
    ] {
        issue_invoice(
            &app,
            &owner,
            customer_id,
            "100",
            json!({ "issueDate": day }),
        )
        .await;
    }

    let at_once = walk(&app, &owner, "invoices", "", "number", 50).await;
    let by_twos = walk(&app, &owner, "invoices", "", "number", 2).await;
    assert_eq!(at_once.len(), 5);
    assert_eq!(
        by_twos, at_once,
        "pages of two show every invoice once, in order"
    );

    // The first page, then a newer invoice, then the next page: the newcomer sorts before the
    // cursor, so the next page starts where the first ended (an offset would repeat a row).
    let first = ok(
        &app,
        &owner,
        "{ invoices(first: 2) { edges { node { number } } pageInfo { endCursor } } }",
        json!({}),
        "invoices",
    )
    .await;
    issue_invoice(
        &app,
        &owner,
        customer_id,
        "100",
        json!({ "issueDate": "2026-11-30" }),
    )
    .await;
    let next = ok(
        &app,
        &owner,
        "query($after: String) { invoices(first: 2, after: $after) { totalCount edges { node { number } } } }",
        json!({ "after": first["pageInfo"]["endCursor"] }),
        "invoices",
    )
    .await;
    let numbers: Vec<&str> = next["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"]["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, [at_once[2].as_str(), at_once[3].as_str()]);
    assert_eq!(next["totalCount"], 6, "the count covers the whole filter");

    // Due dates ascending page by key as well, and agree with one page.
    let due = ", orderBy: { field: DUE_DATE }";
    assert_eq!(
        walk(&app, &owner, "invoices", due, "number", 4).await,
        walk(&app, &owner, "invoices", due, "number", 50).await
    );
    // Orders by computed figures page by position and still show every row once.
    let balance = ", orderBy: { field: BALANCE_DUE }";
    let mut by_balance = walk(&app, &owner, "invoices", balance, "number", 4).await;
    by_balance.sort();
    by_balance.dedup();
    assert_eq!(by_balance.len(), 6);

    // Payments (newest received first), activities (newest first) and the audit log page by
    // key too; three payments on one day tie on the date and the time of recording.
    for _ in 0..3 {
        let payment = crate::kit::record_payment_raw(
            &app,
            &owner,
            json!({ "customerId": customer_id, "amount": "10", "currency": "CNY",
                    "receivedOn": "2026-11-03", "method": "BANK_TRANSFER" }),
        )
        .await;
        assert!(payment.get("errors").is_none(), "{payment}");
        ok(
            &app,
            &owner,
            "mutation($input: LogCollectionActivityInput!) { logCollectionActivity(input: $input) { activity { id } } }",
            json!({ "input": { "customerId": customer_id, "channel": "PHONE", "outcome": "NO_ANSWER" } }),
            "logCollectionActivity",
        )
        .await;
    }
    for list in ["payments", "collectionActivities", "auditLog"] {
        let whole = walk(&app, &owner, list, "", "id", 50).await;
        assert!(whole.len() >= 3, "{list}");
        assert_eq!(walk(&app, &owner, list, "", "id", 2).await, whole, "{list}");
    }
}

#[tokio::test]
async fn customers_page_by_name_both_ways_and_by_code() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    // Names that differ only in case sort together (the order is by lower(name)), and the id
    // breaks the tie.
    for (code, name) in [
        ("C-5", "anhui paper"),
        ("C-1", "Anhui Paper"),
        ("C-3", "Beijing Steel"),
        ("C-2", "北京钢铁"),
        ("C-4", "Shanghai Freight"),
    ] {
        create_customer(&app, &owner, code, json!({ "name": name })).await;
    }
    for order in [
        "",
        ", orderBy: { field: NAME, direction: DESC }",
        ", orderBy: { field: CODE }",
        ", orderBy: { field: CREATED_AT }",
    ] {
        let whole = walk(&app, &owner, "customers", order, "code", 50).await;
        assert_eq!(whole.len(), 5, "{order}");
        assert_eq!(
            walk(&app, &owner, "customers", order, "code", 2).await,
            whole,
            "{order}"
        );
    }
    let by_code = walk(
        &app,
        &owner,
        "customers",
        ", orderBy: { field: CODE }",
        "code",
        2,
    )
    .await;
    assert_eq!(by_code, ["C-1", "C-2", "C-3", "C-4", "C-5"]);

    // A cursor of one order is not a cursor of another.
    let by_name = ok(
        &app,
        &owner,
        "{ customers(first: 1) { pageInfo { endCursor } } }",
        json!({}),
        "customers",
    )
    .await;
    let body = app
        .graphql_as(
            &owner.access_token,
            "query($after: String) { customers(first: 1, after: $after, orderBy: { field: CODE }) { totalCount } }",
            json!({ "after": by_name["pageInfo"]["endCursor"] }),
        )
        .await;
    assert!(refused_on_after(&body), "{body}");
}

#[tokio::test]
async fn old_offset_cursors_and_forged_ones_are_refused_on_after() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    for (list, old) in [
        ("invoices", "invoices:49"),
        ("customers", "customers:0"),
        ("payments", "payments:3"),
        ("collectionActivities", "activities:1"),
        ("auditLog", "audit:12"),
        ("promisesToPay", "promises:1"),
        ("worklist", "worklist:1"),
    ] {
        for cursor in [old, "eyJsIjoieCJ9", "not a cursor"] {
            let body = app
                .graphql_as(
                    &owner.access_token,
                    &format!("query($after: String) {{ {list}(after: $after) {{ totalCount }} }}"),
                    json!({ "after": cursor }),
                )
                .await;
            assert!(refused_on_after(&body), "{list} {cursor}: {body}");
        }
    }
}

/// The per-customer counters behind an unfiltered or status-filtered `totalCount` agree with
/// counting the invoices, through drafts, issuing, payments, voiding, and a collector's view.
#[tokio::test]
async fn invoice_counts_kept_per_customer_agree_with_counting_the_invoices() {
    use crate::kit::TestTenant;
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let collector = acme.member("collector").await;
    let mine = acme
        .customer_with("MINE", json!({ "collectorId": collector.user_id }))
        .await;
    let other = acme.customer("OTHER").await;
    let paid = acme.invoice(&mine, "100").await;
    let partly = acme.invoice(&mine, "300").await;
    acme.invoice(&other, "50").await;
    let voided = acme.invoice(&other, "70").await;
    let draft = acme.api().draft_invoice(&other.id, "20", json!({})).await;
    // Oldest due first: the first invoice paid in full, the second in part.
    acme.payment(&mine, "150").await;
    ok(
        &app,
        &acme.owner,
        "mutation($input: VoidInvoiceInput!) { voidInvoice(input: $input) { invoice { status } } }",
        json!({ "input": { "invoiceId": voided.id, "reason": "Sent twice" } }),
        "voidInvoice",
    )
    .await;

    let schema = acme.id().schema_name();
    let differing = crate::helpers::count(
        &app.db,
        &format!(
            r#"SELECT count(*) FROM (
                 (SELECT customer_id, status, count(*) AS n FROM "{schema}".invoices GROUP BY 1, 2
                  EXCEPT SELECT customer_id, status, invoices FROM "{schema}".invoice_counts WHERE invoices > 0)
                 UNION ALL
                 (SELECT customer_id, status, invoices FROM "{schema}".invoice_counts WHERE invoices > 0
                  EXCEPT SELECT customer_id, status, count(*) FROM "{schema}".invoices GROUP BY 1, 2)
               ) d"#
        ),
    )
    .await;
    assert_eq!(differing, 0, "the counters differ from the invoices");

    let total = |session: &TestSession, filter: Value| {
        let app = &app;
        let session = session.clone();
        async move {
            let body = app
                .graphql_as(
                    &session.access_token,
                    "query($filter: InvoiceFilter) { invoices(first: 1, filter: $filter) { totalCount } }",
                    json!({ "filter": filter }),
                )
                .await;
            assert!(body.get("errors").is_none(), "{body}");
            body["data"]["invoices"]["totalCount"].as_i64().unwrap()
        }
    };
    assert_eq!(total(&acme.owner, json!({})).await, 5);
    assert_eq!(total(&acme.owner, json!({ "status": ["PAID"] })).await, 1);
    assert_eq!(
        total(
            &acme.owner,
            json!({ "status": ["ISSUED", "PARTIALLY_PAID"] })
        )
        .await,
        2
    );
    assert_eq!(
        total(&acme.owner, json!({ "status": ["DRAFT", "VOID"] })).await,
        2
    );
    assert_eq!(
        total(&acme.owner, json!({ "customerId": other.id })).await,
        3
    );
    // A collector counts their own customers' invoices only.
    assert_eq!(total(&collector, json!({})).await, 2);
    assert_eq!(total(&collector, json!({ "status": ["PAID"] })).await, 1);
    // Other filters still count the invoices: the same figures either way.
    assert_eq!(total(&acme.owner, json!({ "currency": "CNY" })).await, 5);
    let _ = (paid, partly, draft);
}
