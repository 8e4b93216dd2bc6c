//! The receivables core over GraphQL: customers and credit policy, invoices, payments and their
//! allocation, reversals, idempotency and concurrency.

use crate::helpers::{
    TestApp, TestSession, count, error_codes, fresh_database, spawn_app, spawn_app_with,
    test_config,
};
use crate::kit::{
    Api, CustomerCreated, PAYMENT_FIELDS, Page, TestTenant, create_customer, create_invoice_raw,
    customer, invoice, issue_invoice, ok, record_payment_raw,
};
use serde_json::{Value, json};

fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_customer_is_created_with_contacts_and_bad_input_is_refused_precisely() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let created = create_customer(
        &app,
        &owner,
        "C-001",
        json!({
            "taxId": "91310000MA1FL0000X",
            "paymentTermsDays": 45,
            "creditLimit": "50000",
            "contacts": [{ "name": "Zhang San", "email": "zhang@buyer.example", "preferredChannel": "WECHAT" }],
            "tags": ["steel", "east"],
        }),
    )
    .await;
    assert_eq!(
        created["currency"], "CNY",
        "the company's base currency by default"
    );
    assert_eq!(created["paymentTermsDays"], 45);
    assert_eq!(created["creditLimit"]["amount"], "50000.00");
    assert_eq!(created["availableCredit"]["amount"], "50000.00");
    assert_eq!(created["balance"]["amount"], "0.00");
    assert_eq!(created["contacts"][0]["preferredChannel"], "WECHAT");

    let mutation = "mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }";
    let cases = [
        (
            json!({ "name": "Dup", "code": "c-001" }),
            "CONFLICT",
            "input.code",
        ),
        (
            json!({ "name": "", "code": "C-2" }),
            "VALIDATION",
            "input.name",
        ),
        (
            json!({ "name": "X", "code": "C 2" }),
            "VALIDATION",
            "input.code",
        ),
        (
            json!({ "name": "X", "code": "C-2", "currency": "RMB" }),
            "VALIDATION",
            "input.currency",
        ),
        (
            json!({ "name": "X", "code": "C-2", "paymentTermsDays": 400 }),
            "VALIDATION",
            "input.paymentTermsDays",
        ),
        (
            json!({ "name": "X", "code": "C-2", "creditLimit": "12.345" }),
            "VALIDATION",
            "input.creditLimit",
        ),
        (
            json!({ "name": "X", "code": "C-2", "contacts": [{ "name": "A", "email": "not-an-email" }] }),
            "VALIDATION",
            "input.contacts[0].email",
        ),
        (
            json!({ "name": "X", "code": "C-2", "collectorId": "00000000-0000-0000-0000-000000000001" }),
            "VALIDATION",
            "input.collectorId",
        ),
    ];
    for (input, code, field) in cases {
        let body = app
            .graphql_as(&owner.access_token, mutation, json!({ "input": input }))
            .await;
        assert_eq!(error_codes(&body), [code], "{input}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
    assert_eq!(
        count(
            &app.db,
            &format!(
                "SELECT count(*) FROM \"{}\".customers",
                owner.tenant_id.schema_name()
            )
        )
        .await,
        1,
        "refused input changes nothing"
    );
}

#[tokio::test]
async fn credit_limit_and_hold_keep_their_history_and_gate_new_invoices() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let buyer = create_customer(&app, &owner, "B-1", json!({ "creditLimit": "1000" })).await;
    let buyer_id = id(&buyer);
    issue_invoice(&app, &owner, &buyer_id, "600", json!({})).await;

    // 600 open + 500 new > 1000: blocked, and nothing is written.
    let blocked = create_invoice_raw(&app, &owner, &buyer_id, "500", true, json!({})).await;
    assert_eq!(
        error_codes(&blocked),
        ["CREDIT_LIMIT_EXCEEDED"],
        "{blocked}"
    );
    let schema = owner.tenant_id.schema_name();
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT count(*) FROM \"{schema}\".invoices")
        )
        .await,
        1
    );

    // The owner (who may override) issues it anyway; it is flagged and audited.
    let overridden = issue_invoice(
        &app,
        &owner,
        &buyer_id,
        "500",
        json!({ "overrideCreditBlock": true }),
    )
    .await;
    assert!(
        overridden["creditFlag"]
            .as_str()
            .unwrap()
            .starts_with("强制开具：开具后未结发票将达到"),
        "in the owner's language (Chinese, as a new account's is): {overridden}"
    );
    assert_eq!(
        count(&app.db, &format!("SELECT count(*) FROM \"{schema}\".audit_log WHERE action = 'invoice.credit_block_overridden'")).await,
        1
    );
    let after = customer(&app, &owner, &buyer_id).await;
    assert_eq!(after["balance"]["amount"], "1100.00");
    assert_eq!(after["availableCredit"]["amount"], "-100.00");

    // A hold blocks even a small invoice, with its own code; release lifts it.
    ok(
        &app,
        &owner,
        "mutation($input: PlaceCreditHoldInput!) { placeCreditHold(input: $input) { customer { creditHold } } }",
        json!({ "input": { "customerId": buyer_id, "reason": "Cheque bounced" } }),
        "placeCreditHold",
    )
    .await;
    let held = create_invoice_raw(&app, &owner, &buyer_id, "1", true, json!({})).await;
    assert_eq!(error_codes(&held), ["CREDIT_HOLD"], "{held}");
    let again = app
        .graphql_as(
            &owner.access_token,
            "mutation($input: PlaceCreditHoldInput!) { placeCreditHold(input: $input) { customer { creditHold } } }",
            json!({ "input": { "customerId": buyer_id, "reason": "twice" } }),
        )
        .await;
    assert_eq!(error_codes(&again), ["CONFLICT"]);
    ok(
        &app,
        &owner,
        "mutation($input: ReleaseCreditHoldInput!) { releaseCreditHold(input: $input) { customer { creditHold } } }",
        json!({ "input": { "customerId": buyer_id, "reason": "Paid by transfer" } }),
        "releaseCreditHold",
    )
    .await;
    let raised = ok(
        &app,
        &owner,
        "mutation($input: SetCreditLimitInput!) { setCreditLimit(input: $input) { customer { creditLimit { amount } creditHistory { kind creditLimit { amount } previousLimit { amount } reason actor } } } }",
        json!({ "input": { "customerId": buyer_id, "creditLimit": "5000", "reason": "Annual review" } }),
        "setCreditLimit",
    )
    .await;
    let history = &raised["customer"]["creditHistory"];
    let kinds: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["LIMIT_SET", "HOLD_RELEASED", "HOLD_PLACED", "LIMIT_SET"]
    );
    assert_eq!(history[0]["previousLimit"]["amount"], "1000.00");
    assert_eq!(history[0]["reason"], "Annual review");
    issue_invoice(&app, &owner, &buyer_id, "1", json!({})).await;

    // Under the WARN policy the invoice goes out, flagged.
    Api::new(&app, &owner)
        .update_settings(json!({ "credit": { "overLimitPolicy": "WARN" } }))
        .await;
    let warned = issue_invoice(&app, &owner, &buyer_id, "9000", json!({})).await;
    assert!(
        warned["creditFlag"]
            .as_str()
            .unwrap()
            .starts_with("警告：开具后未结发票将达到"),
        "{warned}"
    );
}

use sea_orm::ConnectionTrait;

#[tokio::test]
async fn invoices_total_their_lines_and_numbers_are_gap_free_under_concurrency() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let buyer = create_customer(&app, &owner, "B-1", json!({ "paymentTermsDays": 30 })).await;
    let draft = create_invoice_raw(
        &app,
        &owner,
        &id(&buyer),
        "0",
        false,
        json!({
            "issueDate": "2026-01-15",
            "lines": [
                { "description": "Steel coil", "quantity": "3", "unitPrice": "33.335", "taxRate": "0.13" },
                { "description": "Freight", "quantity": "1", "unitPrice": "50" },
            ],
        }),
    )
    .await;
    let draft = &draft["data"]["createInvoice"]["invoice"];
    assert_eq!(draft["status"], "DRAFT", "{draft}");
    assert_eq!(draft["number"], Value::Null);
    assert_eq!(
        draft["dueDate"], "2026-02-14",
        "due from the customer's terms"
    );
    assert_eq!(draft["lines"][0]["net"]["amount"], "100.01");
    assert_eq!(draft["lines"][0]["tax"]["amount"], "13.00");
    assert_eq!(draft["total"]["amount"], "163.01");

    let bad = create_invoice_raw(
        &app,
        &owner,
        &id(&buyer),
        "0",
        false,
        json!({ "lines": [{ "description": "X", "quantity": "-1", "unitPrice": "5" }] }),
    )
    .await;
    assert_eq!(error_codes(&bad), ["VALIDATION"]);
    assert_eq!(
        bad["errors"][0]["extensions"]["field"],
        "input.lines[0].quantity"
    );

    // Ten drafts issued at once take numbers 1..=10 with no gap and no duplicate.
    let mut drafts = Vec::new();
    for _ in 0..10 {
        let body = create_invoice_raw(&app, &owner, &id(&buyer), "10", false, json!({})).await;
        drafts.push(
            body["data"]["createInvoice"]["invoice"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let issues = drafts.iter().map(|draft| {
        app.graphql_as(
            &owner.access_token,
            "mutation($input: IssueInvoiceInput!) { issueInvoice(input: $input) { invoice { number status } } }",
            json!({ "input": { "invoiceId": draft } }),
        )
    });
    let mut numbers: Vec<String> = futures::future::join_all(issues)
        .await
        .into_iter()
        .map(|body| {
            body["data"]["issueInvoice"]["invoice"]["number"]
                .as_str()
                .unwrap_or_else(|| panic!("{body}"))
                .to_owned()
        })
        .collect();
    numbers.sort();
    let expected: Vec<String> = (1..=10).map(|n| format!("INV-{n:06}")).collect();
    assert_eq!(numbers, expected);

    // Issuing twice is a conflict; a draft can be voided; an issued invoice can be written off.
    let twice = app
        .graphql_as(
            &owner.access_token,
            "mutation($input: IssueInvoiceInput!) { issueInvoice(input: $input) { invoice { id } } }",
            json!({ "input": { "invoiceId": drafts[0] } }),
        )
        .await;
    assert_eq!(error_codes(&twice), ["CONFLICT"]);
    let written_off = ok(
        &app,
        &owner,
        "mutation($input: WriteOffInvoiceInput!) { writeOffInvoice(input: $input) { invoice { status balanceDue { amount } } } }",
        json!({ "input": { "invoiceId": drafts[1], "reason": "Customer insolvent" } }),
        "writeOffInvoice",
    )
    .await;
    assert_eq!(written_off["invoice"]["status"], "WRITTEN_OFF");
    assert_eq!(written_off["invoice"]["balanceDue"]["amount"], "0.00");
}

#[tokio::test]
async fn a_payment_is_allocated_oldest_first_the_rest_is_credit_and_a_reversal_undoes_it() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let buyer = create_customer(&app, &owner, "B-1", json!({})).await;
    let buyer_id = id(&buyer);
    let older = issue_invoice(
        &app,
        &owner,
        &buyer_id,
        "300",
        json!({ "issueDate": "2026-01-01", "dueDate": "2026-01-31" }),
    )
    .await;
    let newer = issue_invoice(
        &app,
        &owner,
        &buyer_id,
        "500",
        json!({ "issueDate": "2026-02-01", "dueDate": "2026-03-03" }),
    )
    .await;

    // A partial payment goes to the oldest due invoice.
    let partial = record_payment_raw(
        &app,
        &owner,
        json!({ "customerId": buyer_id, "amount": "100", "currency": "CNY", "receivedOn": "2026-02-10", "method": "BANK_TRANSFER" }),
    )
    .await;
    assert!(partial.get("errors").is_none(), "{partial}");
    let older_now = invoice(&app, &owner, &id(&older)).await;
    assert_eq!(older_now["status"], "PARTIALLY_PAID");
    assert_eq!(older_now["balanceDue"]["amount"], "200.00");

    // 900 pays 200 + 500 and leaves 200 as credit.
    let big = record_payment_raw(
        &app,
        &owner,
        json!({ "customerId": buyer_id, "amount": "900", "currency": "CNY", "method": "ALIPAY", "reference": "2026021100001" }),
    )
    .await;
    let big = &big["data"]["recordPayment"]["payment"];
    assert_eq!(big["allocated"]["amount"], "700.00", "{big}");
    assert_eq!(big["unapplied"]["amount"], "200.00");
    assert_eq!(invoice(&app, &owner, &id(&newer)).await["status"], "PAID");
    assert_eq!(
        customer(&app, &owner, &buyer_id).await["unappliedCredit"]["amount"],
        "200.00"
    );

    // The credit pays a new invoice.
    let third = issue_invoice(&app, &owner, &buyer_id, "150", json!({})).await;
    let applied = ok(
        &app,
        &owner,
        "mutation($input: ApplyCreditInput!) { applyCredit(input: $input) { customer { unappliedCredit { amount } balance { amount } } allocations { invoiceId amount { amount } } } }",
        json!({ "input": { "customerId": buyer_id } }),
        "applyCredit",
    )
    .await;
    assert_eq!(
        applied["customer"]["unappliedCredit"]["amount"], "50.00",
        "{applied}"
    );
    assert_eq!(applied["allocations"][0]["invoiceId"], id(&third));
    assert_eq!(invoice(&app, &owner, &id(&third)).await["status"], "PAID");

    // Reversing the big payment puts the balances back, by appending negative allocations.
    let reversed = ok(
        &app,
        &owner,
        &format!("mutation($input: ReversePaymentInput!) {{ reversePayment(input: $input) {{ payment {{ {PAYMENT_FIELDS} }} }} }}"),
        json!({ "input": { "paymentId": big["id"], "reason": "Bank returned the transfer" } }),
        "reversePayment",
    )
    .await;
    assert_eq!(reversed["payment"]["reversed"], true);
    assert_eq!(reversed["payment"]["allocated"]["amount"], "0.00");
    let older_now = invoice(&app, &owner, &id(&older)).await;
    assert_eq!(older_now["balanceDue"]["amount"], "200.00");
    assert_eq!(older_now["status"], "PARTIALLY_PAID");
    assert_eq!(
        invoice(&app, &owner, &id(&newer)).await["balanceDue"]["amount"],
        "500.00"
    );
    assert_eq!(
        invoice(&app, &owner, &id(&third)).await["balanceDue"]["amount"],
        "150.00"
    );
    let after = customer(&app, &owner, &buyer_id).await;
    assert_eq!(after["balance"]["amount"], "850.00");
    assert_eq!(after["unappliedCredit"]["amount"], "0.00");

    // Money rows are append-only in the database itself.
    let schema = owner.tenant_id.schema_name();
    for sql in [
        format!("UPDATE \"{schema}\".payments SET amount = 1"),
        format!("DELETE FROM \"{schema}\".allocations"),
    ] {
        let refused = app.db.execute_unprepared(&sql).await;
        assert!(refused.is_err(), "{sql} should be refused");
    }
    let twice = app
        .graphql_as(
            &owner.access_token,
            "mutation($input: ReversePaymentInput!) { reversePayment(input: $input) { payment { id } } }",
            json!({ "input": { "paymentId": big["id"], "reason": "again" } }),
        )
        .await;
    assert_eq!(error_codes(&twice), ["CONFLICT"]);
}

#[tokio::test]
async fn payment_errors_name_the_field_and_change_nothing() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let buyer = create_customer(&app, &owner, "B-1", json!({})).await;
    let buyer_id = id(&buyer);
    let cny = issue_invoice(&app, &owner, &buyer_id, "100", json!({})).await;
    let usd = issue_invoice(&app, &owner, &buyer_id, "100", json!({ "currency": "USD" })).await;
    let base =
        json!({ "customerId": buyer_id, "amount": "50", "currency": "CNY", "method": "CASH" });
    let with = |extra: Value| {
        let mut input = base.clone();
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        input
    };
    let cases = [
        (with(json!({ "amount": "0" })), "VALIDATION", "input.amount"),
        (
            with(json!({ "amount": "1.001" })),
            "VALIDATION",
            "input.amount",
        ),
        (
            with(json!({ "currency": "XYZ" })),
            "VALIDATION",
            "input.currency",
        ),
        (
            with(json!({ "receivedOn": "2999-01-01" })),
            "VALIDATION",
            "input.receivedOn",
        ),
        (
            with(json!({ "allocations": [{ "invoiceId": id(&cny), "amount": "60" }] })),
            "VALIDATION",
            "input.allocations",
        ),
        (
            with(
                json!({ "allocations": [{ "invoiceId": id(&cny), "amount": "40" }, { "invoiceId": id(&cny), "amount": "5" }] }),
            ),
            "VALIDATION",
            "input.allocations[1].invoiceId",
        ),
        // A USD invoice cannot take CNY money.
        (
            with(json!({ "allocations": [{ "invoiceId": id(&usd), "amount": "10" }] })),
            "VALIDATION",
            "input.allocations[0].invoiceId",
        ),
        (
            with(
                json!({ "amount": "500", "allocations": [{ "invoiceId": id(&cny), "amount": "150" }] }),
            ),
            "VALIDATION",
            "input.allocations[0].amount",
        ),
        (
            with(json!({ "customerId": "00000000-0000-0000-0000-000000000000" })),
            "NOT_FOUND",
            "",
        ),
    ];
    for (input, code, field) in cases {
        let body = record_payment_raw(&app, &owner, input.clone()).await;
        assert_eq!(error_codes(&body), [code], "{input}: {body}");
        if !field.is_empty() {
            assert_eq!(
                body["errors"][0]["extensions"]["field"], field,
                "{input}: {body}"
            );
        }
    }
    let schema = owner.tenant_id.schema_name();
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT count(*) FROM \"{schema}\".payments")
        )
        .await,
        0
    );
}

#[tokio::test]
async fn the_same_idempotency_key_records_one_payment() {
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let owner = &acme.owner;
    let buyer = acme.customer("B-1").await;
    acme.invoice(&buyer, "1000").await;
    let input = json!({ "customerId": buyer.id, "amount": "250", "currency": "CNY", "method": "BANK_TRANSFER", "idempotencyKey": "erp-receipt-77" });
    let tries = (0..5).map(|_| record_payment_raw(&app, owner, input.clone()));
    let results = futures::future::join_all(tries).await;
    let mut ids: Vec<String> = results
        .iter()
        .filter(|body| body.get("errors").is_none())
        .map(|body| {
            body["data"]["recordPayment"]["payment"]["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), 1, "{results:?}");
    let schema = acme.id().schema_name();
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT count(*) FROM \"{schema}\".payments")
        )
        .await,
        1
    );
    assert_eq!(
        customer(&app, owner, &buyer.id).await["balance"]["amount"],
        "750.00"
    );

    let mut changed = input.clone();
    changed["amount"] = json!("300");
    let reused = record_payment_raw(&app, owner, changed).await;
    assert_eq!(error_codes(&reused), ["CONFLICT"]);
    assert_eq!(
        reused["errors"][0]["extensions"]["field"],
        "input.idempotencyKey"
    );
}

#[tokio::test]
async fn fifty_concurrent_payments_against_one_invoice_never_over_allocate() {
    // Fifty requests queue for four connections; on a loaded machine they may wait longer than
    // the usual acquire timeout, which this test is not about.
    let database_url = fresh_database().await;
    let app = spawn_app_with(test_config(
        &[("DUELY_DB_ACQUIRE_TIMEOUT_MS", "120000")],
        &database_url,
    ))
    .await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let buyer = acme.customer("B-1").await;
    let target = acme.invoice(&buyer, "1000").await;
    let payments = (0..50).map(|_| {
        record_payment_raw(
            &app,
            &acme.owner,
            json!({
                "customerId": buyer.id, "amount": "30", "currency": "CNY", "method": "BANK_TRANSFER",
                "allocations": [{ "invoiceId": target.id, "amount": "30" }],
            }),
        )
    });
    let results = futures::future::join_all(payments).await;
    let accepted = results
        .iter()
        .filter(|body| body.get("errors").is_none())
        .count();
    for body in results.iter().filter(|body| body.get("errors").is_some()) {
        assert_eq!(error_codes(body), ["VALIDATION"], "{body}");
    }
    // 33 payments of 30 fit in 1000; the 34th would need 30 of the 10 left.
    assert_eq!(accepted, 33);
    let after = acme.api().invoice(&target.id).await.unwrap();
    assert_eq!(after.amount_paid.amount, "990.00");
    assert_eq!(after.balance_due.amount, "10.00");
    let schema = acme.id().schema_name();
    assert_eq!(
        count(&app.db, &format!("SELECT count(*) FROM \"{schema}\".invoices WHERE amount_paid > total OR balance_due < 0")).await,
        0
    );
}

#[tokio::test]
async fn collectors_see_only_their_customers_and_cannot_move_money() {
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let collector = acme.member("collector").await;
    let mine = acme
        .customer_with("MINE", json!({ "collectorId": collector.user_id }))
        .await;
    let other = acme.customer("OTHER").await;
    acme.invoice(&mine, "100").await;
    acme.invoice(&other, "200").await;

    let as_collector = acme.api_as(&collector);
    let listed: Page<CustomerCreated> = as_collector
        .field(
            "{ customers { totalCount pageInfo { hasNextPage endCursor } nodes { id code name collector { name } } } }",
            json!({}),
            "customers",
        )
        .await;
    assert_eq!(listed.total_count, 1);
    assert_eq!(listed.nodes[0].code, "MINE");
    let invoices = as_collector.invoices(json!({})).await;
    assert_eq!(invoices.total_count, 1);
    let hidden: Option<CustomerCreated> = as_collector
        .field(
            "query($id: ID!) { customer(id: $id) { id code name } }",
            json!({ "id": other.id }),
            "customer",
        )
        .await;
    assert_eq!(hidden, None);
    let pay = record_payment_raw(
        &app,
        &collector,
        json!({ "customerId": mine.id, "amount": "1", "currency": "CNY", "method": "CASH" }),
    )
    .await;
    assert_eq!(error_codes(&pay), ["FORBIDDEN"]);
}

#[tokio::test]
async fn lists_filter_search_order_and_page() {
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let owner = &acme.owner;
    for (code, name) in [
        ("A-1", "Beijing Steel"),
        ("A-2", "Shanghai Freight"),
        ("A-3", "Anhui Paper"),
    ] {
        acme.customer_with(code, json!({ "name": name })).await;
    }
    let all = ok(&app, owner, "{ customers(first: 2) { totalCount edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }", json!({}), "customers").await;
    assert_eq!(all["totalCount"], 3);
    assert_eq!(all["edges"][0]["node"]["name"], "Anhui Paper");
    assert_eq!(all["pageInfo"]["hasNextPage"], true);
    let next = ok(
        &app,
        owner,
        "query($after: String) { customers(first: 2, after: $after) { edges { node { name } } pageInfo { hasNextPage } } }",
        json!({ "after": all["pageInfo"]["endCursor"] }),
        "customers",
    )
    .await;
    assert_eq!(next["edges"][0]["node"]["name"], "Shanghai Freight");
    assert_eq!(next["pageInfo"]["hasNextPage"], false);
    let found = ok(
        &app,
        owner,
        "{ customers(filter: { search: \"freight\" }) { totalCount } }",
        json!({}),
        "customers",
    )
    .await;
    assert_eq!(found["totalCount"], 1);

    let steel = ok(
        &app,
        owner,
        "{ customers(filter: { search: \"A-1\" }) { edges { node { id } } } }",
        json!({}),
        "customers",
    )
    .await;
    let steel_id = steel["edges"][0]["node"]["id"].as_str().unwrap().to_owned();
    acme.api()
        .issue_invoice(
            &steel_id,
            "500",
            json!({ "issueDate": "2020-01-01", "dueDate": "2020-01-31" }),
        )
        .await;
    let by_overdue = ok(
        &app,
        owner,
        "{ customers(orderBy: { field: OVERDUE_AMOUNT }, filter: { hasOverdue: true }) { totalCount edges { node { name overdueAmount { amount } aging { over90 { amount } } } } } }",
        json!({}),
        "customers",
    )
    .await;
    assert_eq!(by_overdue["totalCount"], 1);
    assert_eq!(
        by_overdue["edges"][0]["node"]["aging"]["over90"]["amount"],
        "500.00"
    );
    let overdue_invoices = acme
        .api()
        .invoices(json!({ "filter": { "overdue": true } }))
        .await;
    assert_eq!(overdue_invoices.total_count, 1);
    assert_eq!(
        overdue_invoices.nodes[0].aging_bucket.as_deref(),
        Some("OVER_90")
    );
    assert_eq!(overdue_invoices.nodes[0].customer.name, "Beijing Steel");
    let too_many = app
        .graphql_as(
            &owner.access_token,
            "{ invoices(first: 201) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(error_codes(&too_many), ["VALIDATION"]);
}

async fn run(
    app: &TestApp,
    session: &TestSession,
    mutation: &str,
    input_type: &str,
    input: Value,
) -> Value {
    app.graphql_as(
        &session.access_token,
        &format!(
            "mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ __typename }} }}"
        ),
        json!({ "input": input }),
    )
    .await
}

#[tokio::test]
async fn numbering_skips_hand_typed_numbers_and_unnumbered_drafts_can_be_voided() {
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let buyer = acme.customer("B-1").await;
    let typed = acme
        .invoice_with(&buyer, "10", json!({ "number": "INV-000002" }))
        .await;
    assert_eq!(typed.number.as_deref(), Some("INV-000002"));
    let first = acme.invoice(&buyer, "10").await;
    let second = acme.invoice(&buyer, "10").await;
    assert_eq!(first.number.as_deref(), Some("INV-000001"));
    assert_eq!(
        second.number.as_deref(),
        Some("INV-000003"),
        "the typed number is skipped"
    );

    let draft = acme.api().draft_invoice(&buyer.id, "10", json!({})).await;
    let voided = run(
        &app,
        &acme.owner,
        "voidInvoice",
        "VoidInvoiceInput",
        json!({ "invoiceId": draft.id, "reason": "Entered twice" }),
    )
    .await;
    assert!(voided.get("errors").is_none(), "{voided}");
    assert_eq!(acme.api().invoice(&draft.id).await.unwrap().status, "VOID");
}

#[tokio::test]
async fn a_reversed_payment_frees_the_invoice_and_a_bounced_payment_on_a_written_off_invoice_adds_to_the_loss()
 {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let buyer = create_customer(&app, &owner, "B-1", json!({})).await;
    let target = issue_invoice(&app, &owner, &id(&buyer), "100", json!({})).await;
    let paid = record_payment_raw(
        &app,
        &owner,
        json!({ "customerId": id(&buyer), "amount": "40", "currency": "CNY", "method": "CHECK" }),
    )
    .await;
    let payment_id = paid["data"]["recordPayment"]["payment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let voided = run(
        &app,
        &owner,
        "voidInvoice",
        "VoidInvoiceInput",
        json!({ "invoiceId": id(&target), "reason": "x" }),
    )
    .await;
    assert_eq!(
        error_codes(&voided),
        ["CONFLICT"],
        "paid invoices are not voided"
    );

    // Written off with 60 open; then the 40 cheque bounces.
    let written_off = run(
        &app,
        &owner,
        "writeOffInvoice",
        "WriteOffInvoiceInput",
        json!({ "invoiceId": id(&target), "reason": "Insolvent" }),
    )
    .await;
    assert!(written_off.get("errors").is_none(), "{written_off}");
    let reversed = run(
        &app,
        &owner,
        "reversePayment",
        "ReversePaymentInput",
        json!({ "paymentId": payment_id, "reason": "Cheque bounced" }),
    )
    .await;
    assert!(reversed.get("errors").is_none(), "{reversed}");
    let after = ok(&app, &owner, "query($id: ID!) { invoice(id: $id) { status amountPaid { amount } amountWrittenOff { amount } balanceDue { amount } } }", json!({ "id": id(&target) }), "invoice").await;
    assert_eq!(after["status"], "WRITTEN_OFF");
    assert_eq!(after["amountPaid"]["amount"], "0.00");
    assert_eq!(after["amountWrittenOff"]["amount"], "100.00");
    assert_eq!(after["balanceDue"]["amount"], "0.00");

    // A payment reversed on an open invoice leaves it voidable.
    let other = issue_invoice(&app, &owner, &id(&buyer), "50", json!({})).await;
    let paid = record_payment_raw(
        &app,
        &owner,
        json!({ "customerId": id(&buyer), "amount": "50", "currency": "CNY", "method": "CASH" }),
    )
    .await;
    let payment_id = paid["data"]["recordPayment"]["payment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    run(
        &app,
        &owner,
        "reversePayment",
        "ReversePaymentInput",
        json!({ "paymentId": payment_id, "reason": "Wrong customer" }),
    )
    .await;
    let voided = run(
        &app,
        &owner,
        "voidInvoice",
        "VoidInvoiceInput",
        json!({ "invoiceId": id(&other), "reason": "Cancelled order" }),
    )
    .await;
    assert!(voided.get("errors").is_none(), "{voided}");
}

#[tokio::test]
async fn installments_age_by_their_own_due_dates() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let buyer = create_customer(&app, &owner, "B-1", json!({})).await;
    let plan = issue_invoice(
        &app,
        &owner,
        &id(&buyer),
        "1000",
        json!({ "issueDate": "2020-01-01", "dueDate": "2099-12-31" }),
    )
    .await;
    let body = ok(
        &app,
        &owner,
        "mutation($input: SetInstallmentPlanInput!) { setInstallmentPlan(input: $input) { invoice { dueDate installments { dueDate amount { amount } } } } }",
        json!({ "input": { "invoiceId": id(&plan), "installments": [
            { "dueDate": "2020-02-01", "amount": "400" },
            { "dueDate": "2099-06-01", "amount": "600" },
        ] } }),
        "setInstallmentPlan",
    )
    .await;
    assert_eq!(
        body["invoice"]["dueDate"], "2099-12-31",
        "the invoice keeps its own due date"
    );
    let customer_now = customer(&app, &owner, &id(&buyer)).await;
    assert_eq!(customer_now["overdueAmount"]["amount"], "400.00");
    assert_eq!(customer_now["aging"]["over90"]["amount"], "400.00");
    assert_eq!(customer_now["aging"]["current"]["amount"], "600.00");
    assert!(
        invoice(&app, &owner, &id(&plan)).await["daysOverdue"]
            .as_i64()
            .unwrap()
            > 90
    );

    // Paying 400 settles the first installment: nothing is overdue any more.
    record_payment_raw(&app, &owner, json!({ "customerId": id(&buyer), "amount": "400", "currency": "CNY", "method": "BANK_TRANSFER" })).await;
    let customer_now = customer(&app, &owner, &id(&buyer)).await;
    assert_eq!(customer_now["overdueAmount"]["amount"], "0.00");
    assert_eq!(customer_now["balance"]["amount"], "600.00");
    assert_eq!(invoice(&app, &owner, &id(&plan)).await["daysOverdue"], 0);

    let bad = run(
        &app,
        &owner,
        "setInstallmentPlan",
        "SetInstallmentPlanInput",
        json!({ "invoiceId": id(&plan), "installments": [
        { "dueDate": "2030-01-01", "amount": "100" }, { "dueDate": "2031-01-01", "amount": "100" },
    ] }),
    )
    .await;
    assert_eq!(
        error_codes(&bad),
        ["VALIDATION"],
        "installments must add up to the total"
    );
}

#[tokio::test]
async fn retried_credit_notes_and_credit_applications_take_effect_once() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let buyer = create_customer(&app, &owner, "B-1", json!({})).await;
    let target = issue_invoice(&app, &owner, &id(&buyer), "1000", json!({})).await;
    let note = json!({ "invoiceId": id(&target), "amount": "100", "reason": "Damaged goods", "idempotencyKey": "rma-17" });
    let query = "mutation($input: CreateCreditNoteInput!) { createCreditNote(input: $input) { creditNote { number } invoice { balanceDue { amount } } } }";
    let first = ok(
        &app,
        &owner,
        query,
        json!({ "input": note }),
        "createCreditNote",
    )
    .await;
    let again = ok(
        &app,
        &owner,
        query,
        json!({ "input": note }),
        "createCreditNote",
    )
    .await;
    assert_eq!(first["creditNote"]["number"], "CN-000001");
    assert_eq!(again["creditNote"]["number"], "CN-000001");
    assert_eq!(again["invoice"]["balanceDue"]["amount"], "900.00");

    record_payment_raw(&app, &owner, json!({ "customerId": id(&buyer), "amount": "1200", "currency": "CNY", "method": "BANK_TRANSFER" })).await;
    let second = issue_invoice(&app, &owner, &id(&buyer), "500", json!({})).await;
    let apply = json!({ "customerId": id(&buyer), "idempotencyKey": "apply-1" });
    let query = "mutation($input: ApplyCreditInput!) { applyCredit(input: $input) { allocations { invoiceId amount { amount } } customer { unappliedCredit { amount } } } }";
    let first = ok(
        &app,
        &owner,
        query,
        json!({ "input": apply }),
        "applyCredit",
    )
    .await;
    let again = ok(
        &app,
        &owner,
        query,
        json!({ "input": apply }),
        "applyCredit",
    )
    .await;
    assert_eq!(first["allocations"], again["allocations"]);
    assert_eq!(first["allocations"][0]["invoiceId"], id(&second));
    assert_eq!(again["customer"]["unappliedCredit"]["amount"], "0.00");
    assert_eq!(
        invoice(&app, &owner, &id(&second)).await["balanceDue"]["amount"],
        "200.00"
    );
}

#[tokio::test]
async fn concurrent_issues_credit_notes_and_payments_for_one_customer_never_deadlock() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let buyer = create_customer(&app, &owner, "B-1", json!({})).await;
    let mut invoices = Vec::new();
    for _ in 0..5 {
        invoices.push(id(&issue_invoice(
            &app,
            &owner,
            &id(&buyer),
            "100",
            json!({}),
        )
        .await));
    }
    let mut work = Vec::new();
    for (n, invoice_id) in invoices.iter().enumerate() {
        let note =
            json!({ "invoiceId": invoice_id, "amount": "10", "reason": format!("Return {n}") });
        work.push(run(
            &app,
            &owner,
            "createCreditNote",
            "CreateCreditNoteInput",
            note,
        ));
        // Payments go to the oldest invoice: 5 x 15 can never settle one of 100, so every
        // credit note finds its invoice open whatever order the requests run in.
        work.push(run(&app, &owner, "recordPayment", "RecordPaymentInput", json!({ "customerId": id(&buyer), "amount": "15", "currency": "CNY", "method": "CASH" })));
        work.push(run(&app, &owner, "createInvoice", "CreateInvoiceInput", json!({ "customerId": id(&buyer), "issue": true, "lines": [{ "description": "More", "quantity": "1", "unitPrice": "5" }] })));
    }
    for body in futures::future::join_all(work).await {
        assert!(body.get("errors").is_none(), "{body}");
    }
    let after = customer(&app, &owner, &id(&buyer)).await;
    // 5 x 100 + 5 x 5 issued, 5 x 10 credited, 5 x 15 paid.
    assert_eq!(after["balance"]["amount"], "400.00");
}

#[tokio::test]
async fn a_generated_ledger_keeps_every_money_invariant_and_reads_through_the_api() {
    use duely_backend::demo::ledger::LedgerSize;
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let size = LedgerSize {
        customers: 25,
        invoices: 600,
        months: 18,
    };
    app.generate_ledger(owner.tenant_id, size).await;
    let calendar = duely_backend::db::tenant_calendar(&app.db, owner.tenant_id)
        .await
        .unwrap();

    let schema = owner.tenant_id.schema_name();
    let q = |sql: &str| sql.replace("{s}", &schema);
    assert_eq!(
        count(&app.db, &q("SELECT count(*) FROM \"{s}\".customers")).await,
        25
    );
    assert_eq!(
        count(&app.db, &q("SELECT count(*) FROM \"{s}\".invoices")).await,
        600
    );
    // The ledger's fapiao keep the fapiao rules: never net more than their invoice, red-letter
    // ones never more than their credit note; those issued in the last week have none yet.
    let fapiao_over = "SELECT count(*) FROM \"{s}\".invoices i
        WHERE (SELECT coalesce(sum(CASE WHEN f.credit_note_id IS NULL THEN f.amount ELSE -f.amount END), 0)
               FROM \"{s}\".fapiaos f WHERE f.invoice_id = i.id AND f.voided_at IS NULL) NOT BETWEEN 0 AND i.total";
    assert_eq!(count(&app.db, &q(fapiao_over)).await, 0);
    let red_over = "SELECT count(*) FROM \"{s}\".credit_notes n
        WHERE (SELECT coalesce(sum(f.amount), 0) FROM \"{s}\".fapiaos f WHERE f.credit_note_id = n.id) > n.amount";
    assert_eq!(count(&app.db, &q(red_over)).await, 0);
    let week_ago = calendar.today - chrono::Days::new(7);
    let misplaced = format!(
        "SELECT count(*) FROM \"{{s}}\".invoices i WHERE (i.issue_date < '{week_ago}') <>
           EXISTS (SELECT 1 FROM \"{{s}}\".fapiaos f WHERE f.invoice_id = i.id AND f.credit_note_id IS NULL)"
    );
    assert_eq!(count(&app.db, &q(&misplaced)).await, 0);
    assert!(count(&app.db, &q("SELECT count(*) FROM \"{s}\".fapiaos")).await > 0);
    // AR as of a day for the KPIs, added up from indexes, is the aging report's, invoice by
    // invoice, at every month-end and in both currencies.
    use chrono::Datelike;
    let aging =
        "query($asOf: Date, $currency: String) { agingReport(asOf: $asOf, currency: $currency) {
        totals { current { amount } over90 { amount } total { amount } } } }";
    let tx = duely_backend::db::TenantTx::begin(&app.db, owner.tenant_id)
        .await
        .unwrap();
    let edges = duely_backend::analytics::store::aging::edges(&*tx)
        .await
        .unwrap();
    for currency in ["CNY", "USD"] {
        let mut month_end = calendar.today;
        for _ in 0..20 {
            let row = duely_backend::analytics::store::aging::buckets_as_of(
                &*tx,
                month_end,
                currency,
                &calendar.time_zone,
                &edges,
                &Default::default(),
            )
            .await
            .unwrap();
            let (total, current, over) = (row.total, row.current, row.d4);
            let report = ok(
                &app,
                &owner,
                aging,
                json!({ "asOf": month_end.to_string(), "currency": currency }),
                "agingReport",
            )
            .await;
            let amount = |bucket: &str| {
                report["totals"][bucket]["amount"]
                    .as_str()
                    .unwrap()
                    .parse::<rust_decimal::Decimal>()
                    .unwrap()
            };
            assert_eq!(
                (total, current, over),
                (amount("total"), amount("current"), amount("over90")),
                "{currency} as of {month_end}"
            );
            month_end = month_end.with_day(1).unwrap() - chrono::Days::new(1);
        }
    }
    tx.commit().await.unwrap();
    // The report's groups add up the same, customer by customer and bucket by bucket, as the
    // invoice-by-invoice items the drill-down lists, by either basis.
    let by_customer = "query($asOf: Date, $basis: AgingBasis) { agingReport(asOf: $asOf, groupBy: CUSTOMER, basis: $basis) {
        rows { key buckets { current { amount } d1To30 { amount } d31To60 { amount } d61To90 { amount } over90 { amount } total { amount } } } } }";
    for back in [0u64, 95, 370] {
        let as_of = calendar.today - chrono::Days::new(back);
        for (basis, by_due_date) in [("DUE_DATE", true), ("INVOICE_DATE", false)] {
            let report = ok(
                &app,
                &owner,
                by_customer,
                json!({ "asOf": as_of.to_string(), "basis": basis }),
                "agingReport",
            )
            .await;
            let mut from_report: Vec<String> = report["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|row| {
                    let b = &row["buckets"];
                    format!(
                        "{} {} {} {} {} {} {}",
                        row["key"].as_str().unwrap(),
                        b["current"]["amount"].as_str().unwrap(),
                        b["d1To30"]["amount"].as_str().unwrap(),
                        b["d31To60"]["amount"].as_str().unwrap(),
                        b["d61To90"]["amount"].as_str().unwrap(),
                        b["over90"]["amount"].as_str().unwrap(),
                        b["total"]["amount"].as_str().unwrap(),
                    )
                })
                .collect();
            from_report.sort();
            let sql = format!(
                "{} SELECT t.customer_id::text || ' ' || concat_ws(' ',
                     round(coalesce(sum(t.amount) FILTER (WHERE $1::date - t.ref_date <= 0), 0), 2),
                     round(coalesce(sum(t.amount) FILTER (WHERE $1::date - t.ref_date BETWEEN 1 AND 30), 0), 2),
                     round(coalesce(sum(t.amount) FILTER (WHERE $1::date - t.ref_date BETWEEN 31 AND 60), 0), 2),
                     round(coalesce(sum(t.amount) FILTER (WHERE $1::date - t.ref_date BETWEEN 61 AND 90), 0), 2),
                     round(coalesce(sum(t.amount) FILTER (WHERE $1::date - t.ref_date > 90), 0), 2),
                     round(sum(t.amount), 2)) AS line
                 FROM items t GROUP BY t.customer_id",
                duely_backend::analytics::store::aging::ITEMS_AS_OF
            );
            let tx = duely_backend::db::TenantTx::begin(&app.db, owner.tenant_id)
                .await
                .unwrap();
            let mut from_items: Vec<String> = tx
                .query_all_raw(sea_orm::Statement::from_sql_and_values(
                    sea_orm::DbBackend::Postgres,
                    sql,
                    [
                        as_of.into(),
                        "CNY".into(),
                        by_due_date.into(),
                        calendar.time_zone.clone().into(),
                    ],
                ))
                .await
                .unwrap()
                .into_iter()
                .map(|row| row.try_get::<String>("", "line").unwrap())
                .collect();
            tx.commit().await.unwrap();
            from_items.sort();
            assert!(!from_items.is_empty());
            assert_eq!(from_report, from_items, "{basis} as of {as_of}");
        }
    }
    // Each invoice keeps the date of the latest payment allocated to it.
    assert_eq!(
        count(&app.db, &q("SELECT count(*) FROM \"{s}\".invoices i WHERE i.last_paid_on IS DISTINCT FROM (SELECT max(p.received_on) FROM \"{s}\".allocations a JOIN \"{s}\".payments p ON p.id = a.payment_id WHERE a.invoice_id = i.id)")).await,
        0
    );
    // Paid amounts are exactly the allocations; credited amounts exactly the credit notes.
    assert_eq!(
        count(&app.db, &q("SELECT count(*) FROM \"{s}\".invoices i WHERE i.amount_paid <> coalesce((SELECT sum(a.amount) FROM \"{s}\".allocations a WHERE a.invoice_id = i.id), 0)")).await,
        0
    );
    assert_eq!(
        count(&app.db, &q("SELECT count(*) FROM \"{s}\".invoices i WHERE i.amount_credited <> coalesce((SELECT sum(n.amount) FROM \"{s}\".credit_notes n WHERE n.invoice_id = i.id), 0)")).await,
        0
    );
    // Every kind of history is there: late payments, partial payments, credit notes, disputes, write-offs.
    for (what, sql) in [
        (
            "paid",
            "SELECT count(*) FROM \"{s}\".invoices WHERE status = 'PAID'",
        ),
        (
            "partly paid",
            "SELECT count(*) FROM \"{s}\".invoices WHERE status = 'PARTIALLY_PAID'",
        ),
        (
            "open and overdue",
            "SELECT count(*) FROM \"{s}\".invoices WHERE status = 'ISSUED' AND due_date < current_date",
        ),
        (
            "written off",
            "SELECT count(*) FROM \"{s}\".invoices WHERE status = 'WRITTEN_OFF'",
        ),
        (
            "paid late",
            "SELECT count(*) FROM \"{s}\".payments p JOIN \"{s}\".allocations a ON a.payment_id = p.id JOIN \"{s}\".invoices i ON i.id = a.invoice_id WHERE p.received_on > i.due_date + 30",
        ),
        ("credit notes", "SELECT count(*) FROM \"{s}\".credit_notes"),
        (
            "open disputes",
            "SELECT count(*) FROM \"{s}\".disputes WHERE status = 'OPEN'",
        ),
    ] {
        assert!(
            count(&app.db, &q(sql)).await > 0,
            "no {what} in the generated ledger"
        );
    }
    // The API agrees with the tables, and numbering continues after the generated invoices.
    let listed = ok(&app, &owner, "{ invoices(first: 1) { totalCount } customers(orderBy: { field: OVERDUE_AMOUNT }, first: 1) { edges { node { overdueAmount { amount } } } } }", json!({}), "invoices").await;
    assert_eq!(listed["totalCount"], 600);
    let buyer = ok(
        &app,
        &owner,
        "{ customers(first: 1, filter: { search: \"C-00001\" }) { edges { node { id } } } }",
        json!({}),
        "customers",
    )
    .await;
    let next = issue_invoice(
        &app,
        &owner,
        buyer["edges"][0]["node"]["id"].as_str().unwrap(),
        "1",
        json!({ "overrideCreditBlock": true }),
    )
    .await;
    assert_eq!(next["number"], "INV-000601");
}

/// The statements a request ran, from its `Server-Timing` header; the request must succeed.
async fn statements_for(app: &TestApp, session: &TestSession, query: &str) -> u32 {
    let (statements, body) = crate::helpers::measured(app, session, query).await;
    assert!(body.get("errors").is_none(), "{body}");
    statements
}

#[tokio::test]
async fn a_page_of_invoices_with_customer_names_and_its_count_costs_one_statement_whatever_its_size()
 {
    use duely_backend::demo::ledger::LedgerSize;
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    app.generate_ledger(
        owner.tenant_id,
        LedgerSize {
            customers: 30,
            invoices: 300,
            months: 12,
        },
    )
    .await;
    let page = |first: u32| {
        format!(
            "{{ invoices(first: {first}) {{ totalCount edges {{ node {{ number status total {{ amount currency }} balanceDue {{ amount }} daysOverdue agingBucket customer {{ name code }} }} }} }} }}"
        )
    };
    let small = statements_for(&app, &owner, &page(5)).await;
    let large = statements_for(&app, &owner, &page(200)).await;
    // The page (with customer names joined) with its count.
    assert_eq!(small, 1);
    assert_eq!(large, 1);
    // A page with nothing on it still carries the count: none matching, or all of them
    // before the cursor.
    let none = crate::kit::ok(
        &app,
        &owner,
        "{ invoices(filter: { status: [VOID] }) { totalCount edges { node { number } } } }",
        json!({}),
        "invoices",
    )
    .await;
    assert_eq!(none["totalCount"], 0);
    assert_eq!(none["edges"], json!([]));
    let walk = "query($after: String) { invoices(first: 200, after: $after) { totalCount edges { node { number } } pageInfo { endCursor hasNextPage } } }";
    let mut after = Value::Null;
    let mut seen = 0;
    let total = loop {
        let page = crate::kit::ok(&app, &owner, walk, json!({ "after": after }), "invoices").await;
        seen += page["edges"].as_array().unwrap().len();
        after = page["pageInfo"]["endCursor"].clone();
        if page["pageInfo"]["hasNextPage"] == false {
            break page["totalCount"].as_u64().unwrap() as usize;
        }
    };
    assert_eq!(seen, total);
    let beyond = crate::kit::ok(&app, &owner, walk, json!({ "after": after }), "invoices").await;
    assert_eq!(beyond["edges"], json!([]), "{beyond}");
    assert_eq!(beyond["totalCount"], total);
    // Without `totalCount`, nothing is counted: the page alone.
    let uncounted = statements_for(
        &app,
        &owner,
        "{ invoices(first: 50) { edges { node { number customer { name } } } } }",
    )
    .await;
    assert_eq!(uncounted, 1);
    // Asking for lines and payments adds one statement each, for the whole page.
    let detailed = statements_for(&app, &owner, "{ invoices(first: 100) { edges { node { number lines { total { amount } } allocations { amount { amount } } } } } }").await;
    assert_eq!(detailed, 3);
}

fn statement_token(email: &str) -> String {
    let start = email.find("duely_stm_").expect("a statement link");
    email[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

const STATEMENT: &str = "query($id: ID!, $from: Date!, $to: Date!) { customerStatement(customerId: $id, from: $from, to: $to) {
    currency openingBalance { amount } closingBalance { amount }
    lines { date kind reference debit { amount } credit { amount } balance { amount } }
    aging { current { amount } d1To30 { amount } over90 { amount } }
    openInvoices { number balance { amount } daysOverdue }
    responses { answer responderName disputedInvoiceNumbers note } } }";

#[tokio::test]
async fn a_statement_shows_opening_movements_closing_and_aging_at_the_end() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let buyer = create_customer(&app, &owner, "B-1", json!({})).await;
    let before = issue_invoice(
        &app,
        &owner,
        &id(&buyer),
        "1000",
        json!({ "issueDate": "2026-01-10", "dueDate": "2026-02-09" }),
    )
    .await;
    record_payment_raw(&app, &owner, json!({ "customerId": id(&buyer), "amount": "400", "currency": "CNY", "method": "BANK_TRANSFER", "receivedOn": "2026-01-20", "reference": "TT-1" })).await;
    let march = issue_invoice(
        &app,
        &owner,
        &id(&buyer),
        "500",
        json!({ "issueDate": "2026-03-05", "dueDate": "2026-03-20" }),
    )
    .await;
    let cheque = record_payment_raw(&app, &owner, json!({ "customerId": id(&buyer), "amount": "300", "currency": "CNY", "method": "CHECK", "receivedOn": "2026-03-10", "reference": "CHQ-9", "allocations": [{ "invoiceId": id(&before), "amount": "300" }] })).await;
    let cheque_id = cheque["data"]["recordPayment"]["payment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    run(&app, &owner, "createCreditNote", "CreateCreditNoteInput", json!({ "invoiceId": id(&march), "amount": "50", "reason": "Short delivery", "issuedOn": "2026-03-12" })).await;
    run(
        &app,
        &owner,
        "reversePayment",
        "ReversePaymentInput",
        json!({ "paymentId": cheque_id, "reason": "Bounced" }),
    )
    .await;

    let statement = ok(
        &app,
        &owner,
        STATEMENT,
        json!({ "id": id(&buyer), "from": "2026-03-01", "to": "2026-03-31" }),
        "customerStatement",
    )
    .await;
    // Before March: 1000 invoiced, 400 paid.
    assert_eq!(
        statement["openingBalance"]["amount"], "600.00",
        "{statement}"
    );
    let kinds: Vec<&str> = statement["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds[..3],
        ["INVOICE", "PAYMENT", "CREDIT_NOTE"],
        "{statement}"
    );
    assert_eq!(statement["lines"][0]["balance"]["amount"], "1100.00");
    assert_eq!(statement["lines"][1]["credit"]["amount"], "300.00");
    // The reversal happened today, after March: outside this period, so March closes at 750.
    assert_eq!(statement["closingBalance"]["amount"], "750.00");
    // At the end of March, the January invoice (300 left after the cheque) is 31-60 days late;
    // the March invoice (450 after the credit note) 1-30 days.
    assert_eq!(statement["aging"]["d1To30"]["amount"], "450.00");
    assert_eq!(statement["openInvoices"].as_array().unwrap().len(), 2);

    let bad = app
        .graphql_as(
            &owner.access_token,
            STATEMENT,
            json!({ "id": id(&buyer), "from": "2026-03-31", "to": "2026-03-01" }),
        )
        .await;
    assert_eq!(error_codes(&bad), ["VALIDATION"]);
}

#[tokio::test]
async fn a_statement_sent_by_email_is_answered_on_its_public_page_and_the_team_sees_the_answer() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let contact = app.email("ap");
    let buyer = create_customer(
        &app,
        &owner,
        "B-1",
        json!({ "contacts": [{ "name": "Wang Fang", "email": contact }] }),
    )
    .await;
    let today = duely_backend::db::tenant_calendar(&app.db, owner.tenant_id)
        .await
        .unwrap()
        .today;
    let (from, to) = (
        (today - chrono::Days::new(90)).to_string(),
        today.to_string(),
    );
    let open = issue_invoice(
        &app,
        &owner,
        &id(&buyer),
        "800",
        json!({ "issueDate": (today - chrono::Days::new(30)).to_string() }),
    )
    .await;
    let sent = ok(
        &app,
        &owner,
        "mutation($input: SendStatementInput!) { sendStatement(input: $input) { sentTo expiresAt references } }",
        json!({ "input": { "customerId": id(&buyer), "from": from, "to": to } }),
        "sendStatement",
    )
    .await;
    assert_eq!(sent["sentTo"], contact);
    // The statement is numbered; the email asks the customer to quote the number when paying.
    let reference = sent["references"][0]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        reference.starts_with("ST") && reference.len() == 10,
        "{sent}"
    );
    let email = app.email_to(&contact).await;
    assert!(email.contains("Acme"), "{email}");
    assert!(
        email.contains(&format!("注明对账单号 {reference}")),
        "{email}"
    );
    let token = statement_token(&email);

    // Anyone with the link sees this statement, and nothing else.
    let public = app
        .graphql(
            "query($token: String!) { publicStatement(token: $token) { companyName reference statement { customer { name } closingBalance { amount } openInvoices { number } } } }",
            json!({ "token": token }),
        )
        .await;
    assert_eq!(
        public["data"]["publicStatement"]["companyName"], "Acme",
        "{public}"
    );
    assert_eq!(public["data"]["publicStatement"]["reference"], reference);
    assert_eq!(
        public["data"]["publicStatement"]["statement"]["closingBalance"]["amount"],
        "800.00"
    );
    let number = open["number"].as_str().unwrap();

    let respond = "mutation($input: RespondToStatementInput!) { respondToStatement(input: $input) { response { answer disputedInvoiceNumbers responderName } } }";
    let wrong = app
        .graphql(respond, json!({ "input": { "token": token, "answer": "DISPUTED", "name": "Wang Fang", "disputedInvoiceNumbers": ["INV-999999"] } }))
        .await;
    assert_eq!(error_codes(&wrong), ["VALIDATION"], "{wrong}");
    let answered = app
        .graphql(respond, json!({ "input": { "token": token, "answer": "DISPUTED", "name": "Wang Fang", "note": "Only 700 delivered", "disputedInvoiceNumbers": [number] } }))
        .await;
    assert_eq!(
        answered["data"]["respondToStatement"]["response"]["answer"], "DISPUTED",
        "{answered}"
    );

    // The team sees the answer on the statement, and the invoice now has an open dispute.
    let statement = ok(
        &app,
        &owner,
        STATEMENT,
        json!({ "id": id(&buyer), "from": from, "to": to }),
        "customerStatement",
    )
    .await;
    assert_eq!(statement["responses"][0]["responderName"], "Wang Fang");
    assert_eq!(
        statement["responses"][0]["disputedInvoiceNumbers"][0],
        number
    );
    assert_eq!(
        invoice(&app, &owner, &id(&open)).await["disputes"][0]["status"],
        "OPEN"
    );

    // One answer per statement; a confirmation names no invoices.
    let again = app
        .graphql(
            respond,
            json!({ "input": { "token": token, "answer": "CONFIRMED", "name": "Wang Fang" } }),
        )
        .await;
    assert_eq!(error_codes(&again), ["CONFLICT"], "{again}");
    let confused = app
        .graphql(respond, json!({ "input": { "token": token, "answer": "CONFIRMED", "name": "W", "disputedInvoiceNumbers": [number] } }))
        .await;
    assert_eq!(error_codes(&confused), ["VALIDATION"], "{confused}");

    // A statement goes to the customer's contacts, unless the sender may change them; it ends
    // today at the latest; and only those who may read invoices and payments see one.
    let collector = crate::kit::join(&app, &owner, &app.email("collector"), "COLLECTOR").await;
    run(
        &app,
        &owner,
        "updateCustomer",
        "UpdateCustomerInput",
        json!({ "customerId": id(&buyer), "collectorId": collector.user_id }),
    )
    .await;
    let stranger = app
        .graphql_as(&collector.access_token, "mutation($input: SendStatementInput!) { sendStatement(input: $input) { sentTo } }",
            json!({ "input": { "customerId": id(&buyer), "from": from, "to": to, "email": "someone@elsewhere.example" } }))
        .await;
    assert_eq!(error_codes(&stranger), ["VALIDATION"], "{stranger}");
    let future = app
        .graphql_as(&owner.access_token, "mutation($input: SendStatementInput!) { sendStatement(input: $input) { sentTo } }",
            json!({ "input": { "customerId": id(&buyer), "from": from, "to": (today + chrono::Days::new(5)).to_string() } }))
        .await;
    assert_eq!(error_codes(&future), ["VALIDATION"], "{future}");
    let sales = crate::kit::join(&app, &owner, &app.email("sales"), "SALES").await;
    let denied = app
        .graphql_as(
            &sales.access_token,
            STATEMENT,
            json!({ "id": id(&buyer), "from": from, "to": to }),
        )
        .await;
    assert_eq!(error_codes(&denied), ["FORBIDDEN"], "{denied}");

    // A forged or expired token finds nothing. (The forgery changes the last character, to
    // something it is not already.)
    let forged_last = if token.ends_with('0') { '1' } else { '0' };
    for token in [
        format!("{}{forged_last}", &token[..token.len() - 1]),
        "duely_stm_nonsense".to_owned(),
    ] {
        let body = app
            .graphql(
                "query($token: String!) { publicStatement(token: $token) { companyName } }",
                json!({ "token": token }),
            )
            .await;
        assert_eq!(error_codes(&body), ["NOT_FOUND"], "{body}");
    }
    let schema = owner.tenant_id.schema_name();
    app.db
        .execute_unprepared(&format!(
            "UPDATE \"{schema}\".statement_links SET expires_at = now() - interval '1 second'"
        ))
        .await
        .unwrap();
    let expired = app
        .graphql(
            "query($token: String!) { publicStatement(token: $token) { companyName } }",
            json!({ "token": token }),
        )
        .await;
    assert_eq!(error_codes(&expired), ["NOT_FOUND"]);
}

#[tokio::test]
async fn the_timeline_shows_everything_that_happened_newest_first() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let buyer = create_customer(&app, &owner, "B-1", json!({ "creditLimit": "1000" })).await;
    let target = issue_invoice(&app, &owner, &id(&buyer), "300", json!({})).await;
    let paid = record_payment_raw(&app, &owner, json!({ "customerId": id(&buyer), "amount": "100", "currency": "CNY", "method": "CASH", "reference": "R-1" })).await;
    let payment_id = paid["data"]["recordPayment"]["payment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    run(
        &app,
        &owner,
        "openDispute",
        "OpenDisputeInput",
        json!({ "invoiceId": id(&target), "reason": "Wrong size", "amount": "50" }),
    )
    .await;
    run(
        &app,
        &owner,
        "reversePayment",
        "ReversePaymentInput",
        json!({ "paymentId": payment_id, "reason": "Counterfeit note" }),
    )
    .await;
    run(
        &app,
        &owner,
        "placeCreditHold",
        "PlaceCreditHoldInput",
        json!({ "customerId": id(&buyer), "reason": "Bad cash" }),
    )
    .await;
    let timeline = ok(
        &app,
        &owner,
        "query($id: ID!) { customer(id: $id) { timeline { kind reference amount { amount } actor detail } } }",
        json!({ "id": id(&buyer) }),
        "customer",
    )
    .await;
    let kinds: Vec<&str> = timeline["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "HOLD_PLACED",
            "PAYMENT_REVERSED",
            "DISPUTE_OPENED",
            "PAYMENT_RECEIVED",
            "INVOICE_ISSUED",
            "LIMIT_SET"
        ],
        "{timeline}"
    );
    assert_eq!(timeline["timeline"][1]["detail"], "Counterfeit note");
    assert_eq!(timeline["timeline"][4]["reference"], "INV-000001");
}

#[tokio::test]
async fn each_remaining_mutation_refuses_what_its_state_does_not_allow() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let buyer = create_customer(&app, &owner, "B-1", json!({})).await;
    let issued = issue_invoice(&app, &owner, &id(&buyer), "100", json!({})).await;
    let expect = |body: Value, code: &str, field: Option<&str>| {
        assert_eq!(error_codes(&body), [code], "{body}");
        if let Some(field) = field {
            assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
        }
    };
    expect(
        run(
            &app,
            &owner,
            "updateInvoice",
            "UpdateInvoiceInput",
            json!({ "invoiceId": id(&issued), "notes": "x" }),
        )
        .await,
        "CONFLICT",
        Some("input.invoiceId"),
    );
    expect(
        run(
            &app,
            &owner,
            "archiveCustomer",
            "ArchiveCustomerInput",
            json!({ "customerId": id(&buyer) }),
        )
        .await,
        "CONFLICT",
        Some("input.customerId"),
    );
    expect(
        run(
            &app,
            &owner,
            "createCreditNote",
            "CreateCreditNoteInput",
            json!({ "invoiceId": id(&issued), "amount": "100.01", "reason": "x" }),
        )
        .await,
        "VALIDATION",
        Some("input.amount"),
    );
    expect(
        run(
            &app,
            &owner,
            "openDispute",
            "OpenDisputeInput",
            json!({ "invoiceId": id(&issued), "amount": "500", "reason": "x" }),
        )
        .await,
        "VALIDATION",
        Some("input.amount"),
    );
    expect(
        run(
            &app,
            &owner,
            "openDispute",
            "OpenDisputeInput",
            json!({ "invoiceId": id(&issued), "reason": " " }),
        )
        .await,
        "VALIDATION",
        Some("input.reason"),
    );
    let dispute = ok(
        &app,
        &owner,
        "mutation($input: OpenDisputeInput!) { openDispute(input: $input) { dispute { id } } }",
        json!({ "input": { "invoiceId": id(&issued), "reason": "Late delivery" } }),
        "openDispute",
    )
    .await;
    let dispute_id = dispute["dispute"]["id"].as_str().unwrap().to_owned();
    let resolve =
        json!({ "disputeId": dispute_id, "outcome": "REJECTED", "note": "Delivered on time" });
    assert!(
        run(
            &app,
            &owner,
            "resolveDispute",
            "ResolveDisputeInput",
            resolve.clone()
        )
        .await
        .get("errors")
        .is_none()
    );
    expect(
        run(
            &app,
            &owner,
            "resolveDispute",
            "ResolveDisputeInput",
            resolve,
        )
        .await,
        "CONFLICT",
        Some("input.disputeId"),
    );
    expect(
        run(
            &app,
            &owner,
            "applyCredit",
            "ApplyCreditInput",
            json!({ "customerId": id(&buyer) }),
        )
        .await,
        "CONFLICT",
        Some("input.customerId"),
    );
    let paid = record_payment_raw(
        &app,
        &owner,
        json!({ "customerId": id(&buyer), "amount": "100", "currency": "CNY", "method": "CASH" }),
    )
    .await;
    let payment_id = paid["data"]["recordPayment"]["payment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    expect(
        run(
            &app,
            &owner,
            "allocatePayment",
            "AllocatePaymentInput",
            json!({ "paymentId": payment_id }),
        )
        .await,
        "CONFLICT",
        Some("input.paymentId"),
    );
    expect(
        run(
            &app,
            &owner,
            "writeOffInvoice",
            "WriteOffInvoiceInput",
            json!({ "invoiceId": id(&issued), "reason": "x" }),
        )
        .await,
        "CONFLICT",
        Some("input.invoiceId"),
    );
    expect(
        run(
            &app,
            &owner,
            "voidInvoice",
            "VoidInvoiceInput",
            json!({ "invoiceId": id(&issued), "reason": "x" }),
        )
        .await,
        "CONFLICT",
        Some("input.invoiceId"),
    );
    let today = duely_backend::db::tenant_calendar(&app.db, owner.tenant_id)
        .await
        .unwrap()
        .today
        .to_string();
    expect(
        run(
            &app,
            &owner,
            "sendStatement",
            "SendStatementInput",
            json!({ "customerId": id(&buyer), "from": today, "to": today }),
        )
        .await,
        "VALIDATION",
        Some("input.email"),
    );
    expect(
        run(
            &app,
            &owner,
            "setCreditLimit",
            "SetCreditLimitInput",
            json!({ "customerId": id(&buyer), "creditLimit": "-5", "reason": "x" }),
        )
        .await,
        "VALIDATION",
        Some("input.creditLimit"),
    );
    expect(
        run(
            &app,
            &owner,
            "updateCustomer",
            "UpdateCustomerInput",
            json!({ "customerId": id(&buyer), "paymentTermsDays": -1 }),
        )
        .await,
        "VALIDATION",
        Some("input.paymentTermsDays"),
    );
}
