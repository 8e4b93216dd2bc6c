//! Approvals (审批): a change under a policy waits as a request, is refused without
//! `requestApproval`, and runs once, re-checked, on its last approval; rejection, cancelling
//! and expiry change nothing.

use crate::helpers::{TestApp, TestSession, count, error_codes, spawn_app};
use crate::kit::{CustomerCreated, IssuedInvoice, TestTenant};
use serde_json::{Value, json};

const SAVE_POLICY: &str = "mutation($input: SaveApprovalPolicyInput!) {
    saveApprovalPolicy(input: $input) { policy { action enabled
        thresholds { currency above levels { role userId } } updatedBy } } }";

const REQUEST: &str = "id action status amount { amount currency } subjectType subjectId
    subjectLabel reason requestedBy askedAgainst command expiresOn failureCode failureMessage
    levels { level role userId decision decidedBy comment }";

fn write_off() -> String {
    format!(
        "mutation($input: WriteOffInvoiceInput!) {{ writeOffInvoice(input: $input) {{
            invoice {{ id status balanceDue {{ amount }} }} approvalRequest {{ {REQUEST} }} }} }}"
    )
}

fn void() -> String {
    format!(
        "mutation($input: VoidInvoiceInput!) {{ voidInvoice(input: $input) {{
            invoice {{ id status }} approvalRequest {{ {REQUEST} }} }} }}"
    )
}

fn set_limit() -> String {
    format!(
        "mutation($input: SetCreditLimitInput!) {{ setCreditLimit(input: $input) {{
            customer {{ id creditLimit {{ amount }} }} approvalRequest {{ {REQUEST} }} }} }}"
    )
}

fn release_hold() -> String {
    format!(
        "mutation($input: ReleaseCreditHoldInput!) {{ releaseCreditHold(input: $input) {{
            customer {{ id creditHold }} approvalRequest {{ {REQUEST} }} }} }}"
    )
}

fn decide(mutation: &str) -> String {
    format!(
        "mutation($input: DecideApprovalRequestInput!) {{ {mutation}(input: $input) {{
            approvalRequest {{ {REQUEST} }} }} }}"
    )
}

fn cancel() -> String {
    format!(
        "mutation($input: CancelApprovalRequestInput!) {{ cancelApprovalRequest(input: $input) {{
            approvalRequest {{ {REQUEST} }} }} }}"
    )
}

/// Sends `query` as `token` and returns `data.<field>`, failing on any error.
async fn ok(app: &TestApp, token: &str, query: &str, variables: Value, field: &str) -> Value {
    let body = app.graphql_as(token, query, variables).await;
    assert!(body.get("errors").is_none(), "{field}: {body}");
    body["data"][field].clone()
}

/// Sends `query` as `token` and returns the body, which must be one error with `code` and
/// `reason`.
async fn refused(
    app: &TestApp,
    token: &str,
    query: &str,
    variables: Value,
    code: &str,
    reason: &str,
) -> Value {
    let body = app.graphql_as(token, query, variables).await;
    assert_eq!(error_codes(&body), [code], "{body}");
    assert_eq!(body["errors"][0]["extensions"]["reason"], reason, "{body}");
    body
}

/// Saves `action`'s policy: in CNY, above `above`, with `levels` (`{"role": …}` or
/// `{"userId": …}`), as the owner.
async fn policy(acme: &TestTenant<'_>, action: &str, above: &str, levels: Value) -> Value {
    ok(
        acme.app,
        &acme.owner.access_token,
        SAVE_POLICY,
        json!({ "input": { "action": action, "enabled": true,
            "thresholds": [{ "currency": "CNY", "above": above, "levels": levels }] } }),
        "saveApprovalPolicy",
    )
    .await
}

async fn invoice_status(acme: &TestTenant<'_>, invoice: &IssuedInvoice) -> (String, String) {
    let found = acme.api().invoice(&invoice.id).await.unwrap();
    (found.status, found.balance_due.amount)
}

async fn setup(app: &TestApp) -> (TestTenant<'_>, TestSession, CustomerCreated, IssuedInvoice) {
    let acme = TestTenant::sign_up(app, "Acme").await;
    let finance = acme.member("finance_manager").await;
    let buyer = acme.customer("B-1").await;
    let invoice = acme.invoice(&buyer, "5000").await;
    (acme, finance, buyer, invoice)
}

#[tokio::test]
async fn a_new_company_has_every_policy_off_and_a_policy_no_one_can_satisfy_is_refused() {
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let token = &acme.owner.access_token;
    let policies = ok(
        &app,
        token,
        "{ approvalPolicies { action enabled thresholds { currency } } }",
        json!({}),
        "approvalPolicies",
    )
    .await;
    let actions: Vec<&str> = policies
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "CREDIT_LIMIT_CHANGE",
            "WRITE_OFF",
            "VOID_INVOICE",
            "CREDIT_NOTE",
            "FEE_WAIVER",
            "PAYMENT_REVERSAL",
            "CREDIT_BLOCK_OVERRIDE",
            "CREDIT_HOLD_RELEASE"
        ]
    );
    assert!(
        policies
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["enabled"] == false)
    );

    let save = |levels: Value| {
        json!({ "input": { "action": "WRITE_OFF", "enabled": true,
        "thresholds": [{ "currency": "CNY", "above": "1000", "levels": levels }] } })
    };
    // One owner cannot decide two levels of one request.
    let body = refused(
        &app,
        token,
        SAVE_POLICY,
        save(json!([{ "role": "OWNER" }, { "role": "OWNER" }])),
        "VALIDATION",
        "NO_ELIGIBLE_APPROVER",
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["field"],
        "input.thresholds[0].levels[1]"
    );
    // No finance manager on the team yet.
    refused(
        &app,
        token,
        SAVE_POLICY,
        save(json!([{ "role": "FINANCE_MANAGER" }])),
        "VALIDATION",
        "NO_ELIGIBLE_APPROVER",
    )
    .await;
    // A collector decides nothing; a level names one of role or member.
    let body = refused(
        &app,
        token,
        SAVE_POLICY,
        save(json!([{ "role": "COLLECTOR" }])),
        "VALIDATION",
        "APPROVAL_ROLE_CANNOT_DECIDE",
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["params"]["role"],
        "COLLECTOR"
    );
    refused(
        &app,
        token,
        SAVE_POLICY,
        save(json!([{ "role": "OWNER", "userId": acme.owner.user_id }])),
        "VALIDATION",
        "EITHER_NOT_BOTH",
    )
    .await;
    refused(
        &app,
        token,
        SAVE_POLICY,
        save(json!([{}])),
        "VALIDATION",
        "REQUIRED",
    )
    .await;
    let body = refused(
        &app,
        token,
        SAVE_POLICY,
        json!({ "input": { "action": "WRITE_OFF", "enabled": true,
        "thresholds": [{ "currency": "CNY", "above": "-1", "levels": [{ "role": "OWNER" }] }] } }),
        "VALIDATION",
        "NEGATIVE",
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["field"],
        "input.thresholds[0].above"
    );
    assert_eq!(
        count(
            &app.db,
            &format!(
                "SELECT count(*) FROM \"{}\".approval_policies",
                acme.id().schema_name()
            )
        )
        .await,
        0
    );

    // A finance manager who joins makes it possible; a collector still cannot save policies.
    let finance = acme.member("finance_manager").await;
    let saved = policy(
        &acme,
        "WRITE_OFF",
        "1000",
        json!([{ "role": "FINANCE_MANAGER" }, { "userId": acme.owner.user_id }]),
    )
    .await;
    assert_eq!(
        saved["policy"]["thresholds"][0]["levels"][1]["userId"],
        acme.owner.user_id
    );
    assert_eq!(saved["policy"]["thresholds"][0]["above"], "1000.00");
    refused(
        &app,
        &finance.access_token,
        SAVE_POLICY,
        save(json!([{ "role": "OWNER" }])),
        "FORBIDDEN",
        "ROLE_NOT_ALLOWED",
    )
    .await;

    // The suggested set turns every action on in one step.
    let suggested = ok(&app, token, "mutation { applySuggestedApprovalPolicies { policies { action enabled thresholds { above levels { role } } } } }", json!({}), "applySuggestedApprovalPolicies").await;
    let policies = suggested["policies"].as_array().unwrap();
    assert_eq!(policies.len(), 8);
    assert!(policies.iter().all(|p| p["enabled"] == true), "{suggested}");
}

#[tokio::test]
async fn a_write_off_under_a_policy_waits_for_approval_and_runs_once_when_approved() {
    let app = spawn_app().await;
    let (acme, finance, buyer, invoice) = setup(&app).await;
    policy(&acme, "WRITE_OFF", "1000", json!([{ "role": "OWNER" }])).await;
    let input = json!({ "input": { "invoiceId": invoice.id, "reason": "Customer went bankrupt" } });

    // Without requestApproval: refused, nothing changed.
    let body = refused(
        &app,
        &finance.access_token,
        &write_off(),
        input.clone(),
        "FORBIDDEN",
        "APPROVAL_REQUIRED",
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["params"]["action"],
        "WRITE_OFF"
    );
    assert_eq!(
        invoice_status(&acme, &invoice).await,
        ("ISSUED".to_owned(), "5000.00".to_owned())
    );

    // With it: the invoice as it stands and the request.
    let mut asked = input.clone();
    asked["input"]["requestApproval"] = json!(true);
    let payload = ok(
        &app,
        &finance.access_token,
        &write_off(),
        asked,
        "writeOffInvoice",
    )
    .await;
    assert_eq!(payload["invoice"]["status"], "ISSUED");
    let request = &payload["approvalRequest"];
    assert_eq!(request["status"], "PENDING");
    assert_eq!(request["action"], "WRITE_OFF");
    assert_eq!(
        request["amount"],
        json!({ "amount": "5000.00", "currency": "CNY" })
    );
    assert_eq!(request["askedAgainst"]["balanceDue"], "5000.00");
    assert_eq!(request["command"]["kind"], "invoices.write_off");
    assert_eq!(
        request["levels"],
        json!([{ "level": 1, "role": "OWNER", "userId": null, "decision": null, "decidedBy": null, "comment": null }])
    );
    let request_id = request["id"].as_str().unwrap().to_owned();
    assert_eq!(invoice_status(&acme, &invoice).await.0, "ISSUED");
    // A second request for the same write-off is refused while this one waits.
    let mut again = input.clone();
    again["input"]["requestApproval"] = json!(true);
    refused(
        &app,
        &finance.access_token,
        &write_off(),
        again,
        "CONFLICT",
        "APPROVAL_ALREADY_PENDING",
    )
    .await;

    // The maker cannot decide it; the owner sees it awaiting them, the maker sees it as theirs.
    let decision = json!({ "input": { "requestId": request_id, "comment": "ok" } });
    refused(
        &app,
        &finance.access_token,
        &decide("approveApprovalRequest"),
        decision.clone(),
        "FORBIDDEN",
        "APPROVAL_MAKER_CANNOT_DECIDE",
    )
    .await;
    let awaiting = "{ approvalRequests(filter: { awaitingMe: true }) { totalCount nodes { id } } }";
    let mine = ok(
        &app,
        &acme.owner.access_token,
        awaiting,
        json!({}),
        "approvalRequests",
    )
    .await;
    assert_eq!(mine["nodes"][0]["id"], request_id.as_str());
    let theirs = ok(
        &app,
        &finance.access_token,
        awaiting,
        json!({}),
        "approvalRequests",
    )
    .await;
    assert_eq!(theirs["totalCount"], 0, "{theirs}");

    // The owner approves: the write-off runs, once.
    let approved = ok(
        &app,
        &acme.owner.access_token,
        &decide("approveApprovalRequest"),
        decision.clone(),
        "approveApprovalRequest",
    )
    .await;
    assert_eq!(
        approved["approvalRequest"]["status"], "APPROVED",
        "{approved}"
    );
    assert_eq!(
        approved["approvalRequest"]["levels"][0]["decision"],
        "APPROVED"
    );
    assert_eq!(approved["approvalRequest"]["levels"][0]["comment"], "ok");
    assert_eq!(
        invoice_status(&acme, &invoice).await,
        ("WRITTEN_OFF".to_owned(), "0.00".to_owned())
    );
    refused(
        &app,
        &acme.owner.access_token,
        &decide("approveApprovalRequest"),
        decision,
        "CONFLICT",
        "APPROVAL_NOT_PENDING",
    )
    .await;
    let schema = acme.id().schema_name();
    let audited = |action: &str| {
        format!("SELECT count(*) FROM \"{schema}\".audit_log WHERE action = '{action}'")
    };
    for action in [
        "approval.requested",
        "approval.approved",
        "approval.ran",
        "invoice.written_off",
    ] {
        assert_eq!(count(&app.db, &audited(action)).await, 1, "{action}");
    }

    // Below the threshold, a write-off runs at once, as before.
    let small = acme.invoice(&buyer, "800").await;
    let payload = ok(
        &app,
        &finance.access_token,
        &write_off(),
        json!({ "input": { "invoiceId": small.id, "reason": "Small" } }),
        "writeOffInvoice",
    )
    .await;
    assert_eq!(payload["invoice"]["status"], "WRITTEN_OFF");
    assert_eq!(payload["approvalRequest"], Value::Null);
}

#[tokio::test]
async fn a_rejection_needs_a_comment_and_changes_nothing_and_the_maker_sees_the_outcome() {
    let app = spawn_app().await;
    let (acme, finance, _buyer, invoice) = setup(&app).await;
    policy(&acme, "VOID_INVOICE", "0", json!([{ "role": "OWNER" }])).await;
    let payload = ok(&app, &finance.access_token, &void(), json!({ "input": { "invoiceId": invoice.id, "reason": "Wrong customer", "requestApproval": true } }), "voidInvoice").await;
    let request_id = payload["approvalRequest"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = refused(
        &app,
        &acme.owner.access_token,
        &decide("rejectApprovalRequest"),
        json!({ "input": { "requestId": request_id } }),
        "VALIDATION",
        "REQUIRED",
    )
    .await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "input.comment");
    let rejected = ok(
        &app,
        &acme.owner.access_token,
        &decide("rejectApprovalRequest"),
        json!({ "input": { "requestId": request_id, "comment": "The customer is right" } }),
        "rejectApprovalRequest",
    )
    .await;
    assert_eq!(rejected["approvalRequest"]["status"], "REJECTED");
    assert_eq!(invoice_status(&acme, &invoice).await.0, "ISSUED");
    let seen = ok(
        &app,
        &finance.access_token,
        &format!("query($id: ID!) {{ approvalRequest(id: $id) {{ {REQUEST} }} }}"),
        json!({ "id": request_id }),
        "approvalRequest",
    )
    .await;
    assert_eq!(seen["status"], "REJECTED");
    assert_eq!(seen["levels"][0]["comment"], "The customer is right");
    // Decided is final: neither cancel nor approve moves it.
    refused(
        &app,
        &finance.access_token,
        &cancel(),
        json!({ "input": { "requestId": request_id } }),
        "CONFLICT",
        "APPROVAL_NOT_PENDING",
    )
    .await;
}

#[tokio::test]
async fn a_change_of_state_before_the_approval_ends_the_request_failed_and_changes_nothing() {
    let app = spawn_app().await;
    let (acme, finance, buyer, invoice) = setup(&app).await;
    policy(&acme, "WRITE_OFF", "1000", json!([{ "role": "OWNER" }])).await;
    policy(&acme, "VOID_INVOICE", "1000", json!([{ "role": "OWNER" }])).await;
    let asked = ok(&app, &finance.access_token, &write_off(), json!({ "input": { "invoiceId": invoice.id, "reason": "Bankrupt", "requestApproval": true } }), "writeOffInvoice").await;
    let write_off_request = asked["approvalRequest"]["id"].as_str().unwrap().to_owned();
    let other = acme.invoice(&buyer, "3000").await;
    let asked = ok(&app, &finance.access_token, &void(), json!({ "input": { "invoiceId": other.id, "reason": "Duplicate", "requestApproval": true } }), "voidInvoice").await;
    let void_request = asked["approvalRequest"]["id"].as_str().unwrap().to_owned();

    // Payments arrive before the approvals: part of the first invoice, and one for the second.
    acme.payment(&buyer, "1000").await;
    acme.api()
        .record_payment(json!({ "customerId": buyer.id, "amount": "500", "currency": "CNY",
            "method": "BANK_TRANSFER", "allocations": [{ "invoiceId": other.id, "amount": "500" }] }))
        .await;
    let approve = |id: &str| json!({ "input": { "requestId": id } });
    let failed = ok(
        &app,
        &acme.owner.access_token,
        &decide("approveApprovalRequest"),
        approve(&write_off_request),
        "approveApprovalRequest",
    )
    .await;
    assert_eq!(failed["approvalRequest"]["status"], "FAILED", "{failed}");
    assert_eq!(
        failed["approvalRequest"]["failureCode"],
        "APPROVAL_STATE_CHANGED"
    );
    assert_eq!(
        failed["approvalRequest"]["levels"][0]["decision"],
        "APPROVED"
    );
    assert_eq!(
        invoice_status(&acme, &invoice).await,
        ("PARTIALLY_PAID".to_owned(), "4000.00".to_owned())
    );
    let failed = ok(
        &app,
        &acme.owner.access_token,
        &decide("approveApprovalRequest"),
        approve(&void_request),
        "approveApprovalRequest",
    )
    .await;
    assert_eq!(failed["approvalRequest"]["status"], "FAILED", "{failed}");
    assert_eq!(
        failed["approvalRequest"]["failureCode"],
        "INVOICE_NOT_VOIDABLE"
    );
    assert_eq!(
        invoice_status(&acme, &other).await,
        ("PARTIALLY_PAID".to_owned(), "2500.00".to_owned())
    );
    // A write-off asked again, against the balance as it is now, is approved and runs.
    let asked = ok(&app, &finance.access_token, &write_off(), json!({ "input": { "invoiceId": invoice.id, "reason": "Bankrupt", "requestApproval": true } }), "writeOffInvoice").await;
    assert_eq!(asked["approvalRequest"]["amount"]["amount"], "4000.00");
    let id = asked["approvalRequest"]["id"].as_str().unwrap().to_owned();
    let approved = ok(
        &app,
        &acme.owner.access_token,
        &decide("approveApprovalRequest"),
        approve(&id),
        "approveApprovalRequest",
    )
    .await;
    assert_eq!(approved["approvalRequest"]["status"], "APPROVED");
    assert_eq!(
        invoice_status(&acme, &invoice).await,
        ("WRITTEN_OFF".to_owned(), "0.00".to_owned())
    );
    let schema = acme.id().schema_name();
    assert_eq!(
        count(
            &app.db,
            &format!(
                "SELECT count(*) FROM \"{schema}\".audit_log WHERE action = 'approval.failed'"
            )
        )
        .await,
        2
    );
    assert_eq!(count(&app.db, &format!("SELECT count(*) FROM \"{schema}\".audit_log WHERE action IN ('invoice.written_off', 'invoice.voided')")).await, 1);
}

#[tokio::test]
async fn level_two_follows_level_one_and_each_is_decided_by_another_person() {
    let app = spawn_app().await;
    let (acme, finance, buyer, _invoice) = setup(&app).await;
    let admin = acme.member("admin").await;
    let second_finance = acme.member("finance_manager").await;
    ok(
        &app,
        &admin.access_token,
        &set_limit(),
        json!({ "input": { "customerId": buyer.id, "creditLimit": "10000", "reason": "First" } }),
        "setCreditLimit",
    )
    .await;
    policy(
        &acme,
        "CREDIT_LIMIT_CHANGE",
        "10000",
        json!([{ "role": "FINANCE_MANAGER" }, { "role": "FINANCE_MANAGER" }, { "role": "OWNER" }]),
    )
    .await;
    let asked = ok(&app, &admin.access_token, &set_limit(), json!({ "input": { "customerId": buyer.id, "creditLimit": "50000", "reason": "Bigger orders", "requestApproval": true } }), "setCreditLimit").await;
    let request = &asked["approvalRequest"];
    assert_eq!(
        request["amount"]["amount"], "40000.00",
        "compared by the increase: {asked}"
    );
    assert_eq!(request["askedAgainst"]["creditLimit"], "10000.00");
    let id = request["id"].as_str().unwrap().to_owned();
    let approve = json!({ "input": { "requestId": id } });
    let approve_query = decide("approveApprovalRequest");

    // The owner's level is the third: not theirs yet.
    let body = refused(
        &app,
        &acme.owner.access_token,
        &approve_query,
        approve.clone(),
        "FORBIDDEN",
        "APPROVAL_NOT_AN_APPROVER",
    )
    .await;
    assert_eq!(body["errors"][0]["extensions"]["params"]["level"], 1);
    let first = ok(
        &app,
        &finance.access_token,
        &approve_query,
        approve.clone(),
        "approveApprovalRequest",
    )
    .await;
    assert_eq!(first["approvalRequest"]["status"], "PENDING");
    // The same finance manager cannot decide the second level too.
    refused(
        &app,
        &finance.access_token,
        &approve_query,
        approve.clone(),
        "FORBIDDEN",
        "APPROVAL_DECIDED_EARLIER_LEVEL",
    )
    .await;
    let second = ok(
        &app,
        &second_finance.access_token,
        &approve_query,
        approve.clone(),
        "approveApprovalRequest",
    )
    .await;
    assert_eq!(second["approvalRequest"]["status"], "PENDING");
    assert_eq!(
        acme.api()
            .data::<Value>(
                "query($id: ID!) { customer(id: $id) { creditLimit { amount } } }",
                json!({ "id": buyer.id })
            )
            .await["customer"]["creditLimit"]["amount"],
        "10000.00"
    );
    let last = ok(
        &app,
        &acme.owner.access_token,
        &approve_query,
        approve,
        "approveApprovalRequest",
    )
    .await;
    assert_eq!(last["approvalRequest"]["status"], "APPROVED", "{last}");
    let deciders: Vec<Value> = last["approvalRequest"]["levels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["decision"].clone())
        .collect();
    assert_eq!(
        deciders,
        [json!("APPROVED"), json!("APPROVED"), json!("APPROVED")]
    );
    let limit = acme
        .api()
        .data::<Value>(
            "query($id: ID!) { customer(id: $id) { creditLimit { amount } } }",
            json!({ "id": buyer.id }),
        )
        .await;
    assert_eq!(limit["customer"]["creditLimit"]["amount"], "50000.00");

    // The figures: one request of this action, approved; three decisions by three people.
    let stats = ok(
        &app,
        &acme.owner.access_token,
        "query($from: DateTime!, $to: DateTime!) { approvalStats(from: $from, to: $to) {
            byAction { action requested approved pending averageHoursToDecide }
            byApprover { approver approved rejected } } }",
        json!({ "from": "2026-01-01T00:00:00Z", "to": "2028-01-01T00:00:00Z" }),
        "approvalStats",
    )
    .await;
    let by_action = stats["byAction"].as_array().unwrap();
    assert_eq!(by_action.len(), 1, "{stats}");
    assert_eq!(by_action[0]["action"], "CREDIT_LIMIT_CHANGE");
    assert_eq!(by_action[0]["requested"], 1);
    assert_eq!(by_action[0]["approved"], 1);
    assert_eq!(by_action[0]["pending"], 0);
    assert!(by_action[0]["averageHoursToDecide"].as_f64().unwrap() >= 0.0);
    let approvers = stats["byApprover"].as_array().unwrap();
    assert_eq!(approvers.len(), 3, "{stats}");
    assert!(
        approvers
            .iter()
            .all(|a| a["approved"] == 1 && a["rejected"] == 0),
        "{stats}"
    );
    let period = "query { approvalStats(from: \"2026-02-01T00:00:00Z\", to: \"2026-01-01T00:00:00Z\") { byAction { action } } }";
    refused(
        &app,
        &acme.owner.access_token,
        period,
        json!({}),
        "VALIDATION",
        "BAD_PERIOD",
    )
    .await;
}

#[tokio::test]
async fn a_credit_limit_is_compared_by_its_increase_and_a_hold_release_by_what_is_overdue() {
    let app = spawn_app().await;
    let (acme, finance, buyer, invoice) = setup(&app).await;
    let set = |limit: Value, ask: bool| json!({ "input": { "customerId": buyer.id, "creditLimit": limit, "reason": "Review", "requestApproval": ask } });
    // Setting a first limit never waits, nor does lowering one.
    ok(
        &app,
        &finance.access_token,
        &set_limit(),
        set(json!("100000"), false),
        "setCreditLimit",
    )
    .await;
    policy(
        &acme,
        "CREDIT_LIMIT_CHANGE",
        "10000",
        json!([{ "role": "OWNER" }]),
    )
    .await;
    let lowered = ok(
        &app,
        &finance.access_token,
        &set_limit(),
        set(json!("20000"), false),
        "setCreditLimit",
    )
    .await;
    assert_eq!(lowered["customer"]["creditLimit"]["amount"], "20000.00");
    // An increase of 10,000 is not above 10,000; 10,001 is.
    ok(
        &app,
        &finance.access_token,
        &set_limit(),
        set(json!("30000"), false),
        "setCreditLimit",
    )
    .await;
    refused(
        &app,
        &finance.access_token,
        &set_limit(),
        set(json!("40001"), false),
        "FORBIDDEN",
        "APPROVAL_REQUIRED",
    )
    .await;
    // Removing a limit is above every threshold: it waits, compared by no amount.
    let removal = ok(
        &app,
        &finance.access_token,
        &set_limit(),
        set(Value::Null, true),
        "setCreditLimit",
    )
    .await;
    assert_eq!(removal["approvalRequest"]["amount"], Value::Null);
    assert_eq!(removal["customer"]["creditLimit"]["amount"], "30000.00");

    // A hold release waits when something is overdue above the threshold; placing a hold never.
    policy(
        &acme,
        "CREDIT_HOLD_RELEASE",
        "1000",
        json!([{ "role": "OWNER" }]),
    )
    .await;
    let hold = "mutation($input: PlaceCreditHoldInput!) { placeCreditHold(input: $input) { customer { creditHold } } }";
    ok(
        &app,
        &finance.access_token,
        hold,
        json!({ "input": { "customerId": buyer.id, "reason": "Late" } }),
        "placeCreditHold",
    )
    .await;
    let release = json!({ "input": { "customerId": buyer.id, "reason": "Paid up" } });
    // Nothing is overdue yet: the release runs.
    let released = ok(
        &app,
        &finance.access_token,
        &release_hold(),
        release.clone(),
        "releaseCreditHold",
    )
    .await;
    assert_eq!(released["customer"]["creditHold"], false);
    ok(
        &app,
        &finance.access_token,
        hold,
        json!({ "input": { "customerId": buyer.id, "reason": "Late" } }),
        "placeCreditHold",
    )
    .await;
    app.set_today(invoice.due_date + chrono::Days::new(10))
        .await;
    refused(
        &app,
        &finance.access_token,
        &release_hold(),
        release.clone(),
        "FORBIDDEN",
        "APPROVAL_REQUIRED",
    )
    .await;
    let mut asked = release;
    asked["input"]["requestApproval"] = json!(true);
    let waiting = ok(
        &app,
        &finance.access_token,
        &release_hold(),
        asked,
        "releaseCreditHold",
    )
    .await;
    assert_eq!(waiting["approvalRequest"]["amount"]["amount"], "5000.00");
    assert_eq!(waiting["customer"]["creditHold"], true);
    let id = waiting["approvalRequest"]["id"].as_str().unwrap();
    ok(
        &app,
        &acme.owner.access_token,
        &decide("approveApprovalRequest"),
        json!({ "input": { "requestId": id } }),
        "approveApprovalRequest",
    )
    .await;
    let after = acme
        .api()
        .data::<Value>(
            "query($id: ID!) { customer(id: $id) { creditHold } }",
            json!({ "id": buyer.id }),
        )
        .await;
    assert_eq!(after["customer"]["creditHold"], false);
}

#[tokio::test]
async fn two_approvers_at_once_give_one_effect() {
    let app = spawn_app().await;
    let (acme, finance, buyer, _invoice) = setup(&app).await;
    let admin = acme.member("admin").await;
    let second_finance = acme.member("finance_manager").await;
    ok(
        &app,
        &admin.access_token,
        &set_limit(),
        json!({ "input": { "customerId": buyer.id, "creditLimit": "10000", "reason": "First" } }),
        "setCreditLimit",
    )
    .await;
    policy(
        &acme,
        "CREDIT_LIMIT_CHANGE",
        "0",
        json!([{ "role": "FINANCE_MANAGER" }]),
    )
    .await;
    let asked = ok(&app, &admin.access_token, &set_limit(), json!({ "input": { "customerId": buyer.id, "creditLimit": "70000", "reason": "Growth", "requestApproval": true } }), "setCreditLimit").await;
    let id = asked["approvalRequest"]["id"].as_str().unwrap().to_owned();
    let approve = decide("approveApprovalRequest");
    let variables = json!({ "input": { "requestId": id } });
    let (a, b) = tokio::join!(
        app.graphql_as(&finance.access_token, &approve, variables.clone()),
        app.graphql_as(&second_finance.access_token, &approve, variables.clone()),
    );
    let outcomes = [&a, &b].map(|body| {
        if body.get("errors").is_none() {
            "APPROVED".to_owned()
        } else {
            body["errors"][0]["extensions"]["reason"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    });
    let mut sorted = outcomes.to_vec();
    sorted.sort();
    assert_eq!(sorted, ["APPROVAL_NOT_PENDING", "APPROVED"], "{a} {b}");
    let schema = acme.id().schema_name();
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT count(*) FROM \"{schema}\".credit_events WHERE kind = 'LIMIT_SET'")
        )
        .await,
        2
    );
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT count(*) FROM \"{schema}\".approval_decisions")
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_request_expires_by_the_daily_job_never_by_a_read_and_can_be_cancelled_by_its_maker() {
    let app = spawn_app().await;
    let (acme, finance, buyer, invoice) = setup(&app).await;
    acme.api()
        .update_settings(json!({ "approvals": { "expiryDays": 2 } }))
        .await;
    policy(&acme, "WRITE_OFF", "0", json!([{ "role": "OWNER" }])).await;
    let asked = ok(
        &app,
        &finance.access_token,
        &write_off(),
        json!({ "input": { "invoiceId": invoice.id, "reason": "Gone", "requestApproval": true } }),
        "writeOffInvoice",
    )
    .await;
    let id = asked["approvalRequest"]["id"].as_str().unwrap().to_owned();
    let expires_on: chrono::NaiveDate = asked["approvalRequest"]["expiresOn"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let today = duely_backend::db::tenant_calendar(&app.db, acme.id())
        .await
        .unwrap()
        .today;
    assert_eq!(expires_on, today + chrono::Days::new(2));
    app.set_today(expires_on).await;
    let read = format!("query($id: ID!) {{ approvalRequest(id: $id) {{ {REQUEST} }} }}");
    let seen = ok(
        &app,
        &finance.access_token,
        &read,
        json!({ "id": id }),
        "approvalRequest",
    )
    .await;
    assert_eq!(seen["status"], "PENDING", "a read never expires a request");
    let expired = duely_backend::approvals::service::expire(
        &app.db,
        acme.id(),
        expires_on - chrono::Days::new(1),
    )
    .await
    .unwrap();
    assert_eq!(expired, 0);
    let expired = duely_backend::approvals::service::expire(&app.db, acme.id(), expires_on)
        .await
        .unwrap();
    assert_eq!(expired, 1);
    let seen = ok(
        &app,
        &finance.access_token,
        &read,
        json!({ "id": id }),
        "approvalRequest",
    )
    .await;
    assert_eq!(seen["status"], "EXPIRED");
    refused(
        &app,
        &acme.owner.access_token,
        &decide("approveApprovalRequest"),
        json!({ "input": { "requestId": id } }),
        "CONFLICT",
        "APPROVAL_NOT_PENDING",
    )
    .await;
    assert_eq!(invoice_status(&acme, &invoice).await.0, "ISSUED");

    // Asked again, then cancelled by its maker; a collector who did not ask may not cancel.
    let asked = ok(
        &app,
        &finance.access_token,
        &write_off(),
        json!({ "input": { "invoiceId": invoice.id, "reason": "Gone", "requestApproval": true } }),
        "writeOffInvoice",
    )
    .await;
    let id = asked["approvalRequest"]["id"].as_str().unwrap().to_owned();
    let second_finance = acme.member("finance_manager").await;
    refused(
        &app,
        &second_finance.access_token,
        &cancel(),
        json!({ "input": { "requestId": id } }),
        "FORBIDDEN",
        "APPROVAL_CANCEL_MAKER_OR_ADMIN",
    )
    .await;
    let collector = acme.member("collector").await;
    refused(
        &app,
        &collector.access_token,
        &cancel(),
        json!({ "input": { "requestId": id } }),
        "NOT_FOUND",
        "RECORD_NOT_FOUND",
    )
    .await;
    let cancelled = ok(
        &app,
        &finance.access_token,
        &cancel(),
        json!({ "input": { "requestId": id } }),
        "cancelApprovalRequest",
    )
    .await;
    assert_eq!(cancelled["approvalRequest"]["status"], "CANCELLED");
    assert_eq!(invoice_status(&acme, &invoice).await.0, "ISSUED");
    let _ = buyer;
}

#[tokio::test]
async fn an_api_key_may_ask_for_approval_but_never_decide() {
    let app = spawn_app().await;
    let (acme, _finance, _buyer, invoice) = setup(&app).await;
    policy(&acme, "WRITE_OFF", "0", json!([{ "role": "OWNER" }])).await;
    let created = ok(
        &app,
        &acme.owner.access_token,
        "mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }",
        json!({ "input": { "name": "ERP", "scopes": ["invoices:write", "invoices:read"] } }),
        "createApiKey",
    )
    .await;
    let key = created["secret"].as_str().unwrap().to_owned();
    let asked = ok(&app, &key, &write_off(), json!({ "input": { "invoiceId": invoice.id, "reason": "ERP says so", "requestApproval": true } }), "writeOffInvoice").await;
    let request = &asked["approvalRequest"];
    assert_eq!(request["requestedBy"], "API key ERP");
    let id = request["id"].as_str().unwrap().to_owned();
    refused(
        &app,
        &key,
        &decide("approveApprovalRequest"),
        json!({ "input": { "requestId": id } }),
        "FORBIDDEN",
        "MEMBER_ONLY",
    )
    .await;
    let listed = ok(
        &app,
        &key,
        "{ approvalRequests { totalCount nodes { id requestedByApiKeyId } } }",
        json!({}),
        "approvalRequests",
    )
    .await;
    assert_eq!(listed["totalCount"], 1);
    let cancelled = ok(
        &app,
        &key,
        &cancel(),
        json!({ "input": { "requestId": id } }),
        "cancelApprovalRequest",
    )
    .await;
    assert_eq!(cancelled["approvalRequest"]["status"], "CANCELLED");
}

/// A late fee of 15.00 on a 1,000 invoice 31 days overdue, charged by the dunning run; returns
/// the fee's id and its invoice's id.
async fn late_fee(
    app: &TestApp,
    acme: &TestTenant<'_>,
    buyer: &CustomerCreated,
) -> (String, String) {
    use duely_backend::collections::service::run::{Trigger, run_tenant};
    let due = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let original = acme
        .invoice_with(
            buyer,
            "1000",
            json!({ "issueDate": "2026-01-31", "dueDate": due.to_string() }),
        )
        .await;
    let links = duely_backend::startup::AppLinks {
        public_url: app.address.clone(),
        sealer: duely_backend::secrets::Sealer::from_hex(&"5a".repeat(32).into()).unwrap(),
        environment: duely_backend::config::Environment::Development,
        messaging: crate::helpers::messaging_endpoints(),
    };
    run_tenant(
        &app.db,
        &links,
        acme.id(),
        due + chrono::Days::new(31),
        Trigger::Schedule,
    )
    .await
    .unwrap();
    let fees = ok(
        app,
        &acme.owner.access_token,
        "query($id: ID!) { invoice(id: $id) { lateFees { id feeInvoiceId amount { amount } } } }",
        json!({ "id": original.id }),
        "invoice",
    )
    .await;
    let fee = &fees["lateFees"][0];
    assert_eq!(fee["amount"]["amount"], "15.00", "{fees}");
    (
        fee["id"].as_str().unwrap().to_owned(),
        fee["feeInvoiceId"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn a_fee_waiver_and_a_payment_reversal_wait_and_a_retry_with_the_same_key_returns_the_same_request()
 {
    let app = spawn_app().await;
    let (acme, finance, buyer, _invoice) = setup(&app).await;
    let (fee, fee_invoice) = late_fee(&app, &acme, &buyer).await;
    policy(&acme, "FEE_WAIVER", "10", json!([{ "role": "OWNER" }])).await;
    let waive = format!(
        "mutation($input: WaiveFeeInput!) {{ waiveFee(input: $input) {{ fee {{ waivedAt }} approvalRequest {{ {REQUEST} }} }} }}"
    );
    let input = json!({ "input": { "feeId": fee, "reason": "Goodwill" } });
    refused(
        &app,
        &finance.access_token,
        &waive,
        input.clone(),
        "FORBIDDEN",
        "APPROVAL_REQUIRED",
    )
    .await;
    let mut asked = input;
    asked["input"]["requestApproval"] = json!(true);
    let waiting = ok(&app, &finance.access_token, &waive, asked, "waiveFee").await;
    assert_eq!(waiting["fee"]["waivedAt"], Value::Null);
    assert_eq!(waiting["approvalRequest"]["amount"]["amount"], "15.00");
    let id = waiting["approvalRequest"]["id"].as_str().unwrap();
    ok(
        &app,
        &acme.owner.access_token,
        &decide("approveApprovalRequest"),
        json!({ "input": { "requestId": id } }),
        "approveApprovalRequest",
    )
    .await;
    let fee_status = acme.api().invoice(&fee_invoice).await.unwrap().status;
    assert_eq!(fee_status, "VOID");

    // A payment reversal, asked twice with one key: one request; approved, it runs once.
    policy(
        &acme,
        "PAYMENT_REVERSAL",
        "100",
        json!([{ "role": "OWNER" }]),
    )
    .await;
    let payment = acme.payment(&buyer, "600").await;
    let reverse = format!(
        "mutation($input: ReversePaymentInput!) {{ reversePayment(input: $input) {{ payment {{ id reversed }} approvalRequest {{ {REQUEST} }} }} }}"
    );
    let input = json!({ "input": { "paymentId": payment.id, "reason": "Bounced", "idempotencyKey": "rev-1", "requestApproval": true } });
    let first = ok(
        &app,
        &finance.access_token,
        &reverse,
        input.clone(),
        "reversePayment",
    )
    .await;
    let again = ok(
        &app,
        &finance.access_token,
        &reverse,
        input.clone(),
        "reversePayment",
    )
    .await;
    assert_eq!(
        first["approvalRequest"]["id"],
        again["approvalRequest"]["id"]
    );
    assert_eq!(again["payment"]["reversed"], false);
    let id = first["approvalRequest"]["id"].as_str().unwrap();
    ok(
        &app,
        &acme.owner.access_token,
        &decide("approveApprovalRequest"),
        json!({ "input": { "requestId": id } }),
        "approveApprovalRequest",
    )
    .await;
    let after = ok(
        &app,
        &finance.access_token,
        &reverse,
        input,
        "reversePayment",
    )
    .await;
    assert_eq!(after["payment"]["reversed"], true, "{after}");
    let schema = acme.id().schema_name();
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT count(*) FROM \"{schema}\".payment_reversals")
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_credit_note_under_a_policy_counts_nowhere_until_approved_and_keeps_its_id() {
    let app = spawn_app().await;
    let (acme, finance, buyer, invoice) = setup(&app).await;
    policy(&acme, "CREDIT_NOTE", "100", json!([{ "role": "OWNER" }])).await;
    let create = format!("mutation($input: CreateCreditNoteInput!) {{ createCreditNote(input: $input) {{
        creditNote {{ id number status amount {{ amount }} }} invoice {{ balanceDue {{ amount }} }} approvalRequest {{ {REQUEST} }} }} }}");
    let input = json!({ "input": { "invoiceId": invoice.id, "amount": "300", "reason": "Damaged goods", "idempotencyKey": "cn-1", "requestApproval": true } });
    let pending = ok(
        &app,
        &finance.access_token,
        &create,
        input.clone(),
        "createCreditNote",
    )
    .await;
    assert_eq!(pending["creditNote"]["status"], "PENDING_APPROVAL");
    assert_eq!(pending["creditNote"]["number"], "");
    assert_eq!(pending["invoice"]["balanceDue"]["amount"], "5000.00");
    let note_id = pending["creditNote"]["id"].as_str().unwrap().to_owned();
    assert_eq!(pending["approvalRequest"]["id"], note_id.as_str());
    let schema = acme.id().schema_name();
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT count(*) FROM \"{schema}\".credit_notes")
        )
        .await,
        0
    );
    let balance = ok(
        &app,
        &finance.access_token,
        "query($id: ID!) { customer(id: $id) { balance { amount } } }",
        json!({ "id": buyer.id }),
        "customer",
    )
    .await;
    assert_eq!(balance["balance"]["amount"], "5000.00");
    let retried = ok(
        &app,
        &finance.access_token,
        &create,
        input.clone(),
        "createCreditNote",
    )
    .await;
    assert_eq!(retried["creditNote"]["id"], note_id.as_str());

    ok(
        &app,
        &acme.owner.access_token,
        &decide("approveApprovalRequest"),
        json!({ "input": { "requestId": note_id } }),
        "approveApprovalRequest",
    )
    .await;
    let issued = ok(
        &app,
        &finance.access_token,
        &create,
        input,
        "createCreditNote",
    )
    .await;
    assert_eq!(issued["creditNote"]["id"], note_id.as_str());
    assert_eq!(issued["creditNote"]["status"], "ISSUED");
    assert!(
        issued["creditNote"]["number"]
            .as_str()
            .unwrap()
            .starts_with("CN-"),
        "{issued}"
    );
    assert_eq!(issued["invoice"]["balanceDue"]["amount"], "4700.00");
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT count(*) FROM \"{schema}\".credit_notes")
        )
        .await,
        1
    );
}

#[tokio::test]
async fn overriding_a_credit_block_saves_the_draft_and_issuing_waits() {
    let app = spawn_app().await;
    let (acme, finance, buyer, _invoice) = setup(&app).await;
    ok(
        &app,
        &finance.access_token,
        &set_limit(),
        json!({ "input": { "customerId": buyer.id, "creditLimit": "6000", "reason": "Start" } }),
        "setCreditLimit",
    )
    .await;
    policy(
        &acme,
        "CREDIT_BLOCK_OVERRIDE",
        "1000",
        json!([{ "role": "OWNER" }]),
    )
    .await;
    let create = format!(
        "mutation($input: CreateInvoiceInput!) {{ createInvoice(input: $input) {{
        invoice {{ id status creditFlag }} approvalRequest {{ {REQUEST} }} }} }}"
    );
    let input = |ask: bool| {
        json!({ "input": { "customerId": buyer.id, "issue": true, "overrideCreditBlock": true,
        "requestApproval": ask, "lines": [{ "description": "Steel", "quantity": "1", "unitPrice": "3000" }] } })
    };
    let schema = acme.id().schema_name();
    let invoices = format!("SELECT count(*) FROM \"{schema}\".invoices");
    let before = count(&app.db, &invoices).await;
    refused(
        &app,
        &finance.access_token,
        &create,
        input(false),
        "FORBIDDEN",
        "APPROVAL_REQUIRED",
    )
    .await;
    assert_eq!(count(&app.db, &invoices).await, before, "nothing was saved");
    let waiting = ok(
        &app,
        &finance.access_token,
        &create,
        input(true),
        "createInvoice",
    )
    .await;
    assert_eq!(waiting["invoice"]["status"], "DRAFT");
    assert_eq!(waiting["approvalRequest"]["amount"]["amount"], "3000.00");
    assert_eq!(
        waiting["approvalRequest"]["command"]["kind"],
        "invoices.issue"
    );
    let id = waiting["approvalRequest"]["id"].as_str().unwrap();
    let approved = ok(
        &app,
        &acme.owner.access_token,
        &decide("approveApprovalRequest"),
        json!({ "input": { "requestId": id } }),
        "approveApprovalRequest",
    )
    .await;
    assert_eq!(
        approved["approvalRequest"]["status"], "APPROVED",
        "{approved}"
    );
    let issued = acme
        .api()
        .invoice(waiting["invoice"]["id"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(issued.status, "ISSUED");
}

#[tokio::test]
async fn approvers_hear_at_once_or_in_a_daily_digest_in_their_language_and_the_maker_hears_the_outcome()
 {
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let finance_email = app.email("acme-finance");
    let finance = crate::kit::join(&app, &acme.owner, &finance_email, "FINANCE_MANAGER").await;
    let owner_email = app.email("acme-owner");
    let buyer = acme.customer("B-1").await;
    let first = acme.invoice(&buyer, "5000").await;
    let second = acme.invoice(&buyer, "7000").await;
    policy(&acme, "WRITE_OFF", "0", json!([{ "role": "OWNER" }])).await;
    let profile = "mutation($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) { user { locale approvalEmails } } }";
    let english = ok(
        &app,
        &acme.owner.access_token,
        profile,
        json!({ "input": { "locale": "EN" } }),
        "updateMyProfile",
    )
    .await;
    assert_eq!(
        english["user"]["approvalEmails"], "IMMEDIATE",
        "the default"
    );

    // At once, in the owner's English.
    let ask = |invoice: &IssuedInvoice| json!({ "input": { "invoiceId": invoice.id, "reason": "Bankrupt", "requestApproval": true } });
    let asked = ok(
        &app,
        &finance.access_token,
        &write_off(),
        ask(&first),
        "writeOffInvoice",
    )
    .await;
    let number = first.number.clone().unwrap();
    let mail = app.email_with(&owner_email, &number).await;
    assert!(mail.contains("awaiting your approval"), "{mail}");
    assert!(mail.contains("¥5,000.00"), "{mail}");
    assert!(mail.contains("/approvals"), "{mail}");

    // Approved: the maker hears the outcome in her own language.
    let id = asked["approvalRequest"]["id"].as_str().unwrap();
    ok(
        &app,
        &acme.owner.access_token,
        &decide("approveApprovalRequest"),
        json!({ "input": { "requestId": id } }),
        "approveApprovalRequest",
    )
    .await;
    let outcome = app.email_with(&finance_email, "已批准").await;
    assert!(outcome.contains("核销坏账"), "{outcome}");

    // A daily digest instead: nothing at once, then one email with what awaits.
    let daily = ok(
        &app,
        &acme.owner.access_token,
        profile,
        json!({ "input": { "approvalEmails": "DAILY" } }),
        "updateMyProfile",
    )
    .await;
    assert_eq!(daily["user"]["approvalEmails"], "DAILY");
    let asked = ok(
        &app,
        &finance.access_token,
        &write_off(),
        ask(&second),
        "writeOffInvoice",
    )
    .await;
    let request: uuid::Uuid = asked["approvalRequest"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let url = app.address.clone();
    let immediate = duely_backend::approvals::notify::notify(&app.db, acme.id(), request, 1, &url)
        .await
        .unwrap();
    assert_eq!(immediate, 0, "the owner chose a daily digest");
    let digests = duely_backend::approvals::notify::digest(&app.db, acme.id(), &url)
        .await
        .unwrap();
    assert_eq!(digests, 1);
    let digest = app
        .email_with(&owner_email, &second.number.clone().unwrap())
        .await;
    assert!(digest.contains("¥7,000.00"), "{digest}");
}
