//! The disputes queue: disputes opened with a reason code, an owner and a due date; the queue
//! oldest first, filtered by status, customer and owner, a collector seeing their customers'
//! only; working a dispute (assigning, a due date, clearing them) and what is refused; and the
//! customer's own words from a statement answer on the queue.

use crate::helpers::{TestApp, TestSession, count, error_codes, remove_member, spawn_app};
use crate::kit::{create_customer, issue_invoice, join, ok};
use chrono::{Days, NaiveDate};
use serde_json::{Value, json};

fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

async fn today(app: &TestApp, session: &TestSession) -> NaiveDate {
    duely_backend::db::tenant_calendar(&app.db, session.tenant_id)
        .await
        .unwrap()
        .today
}

const DISPUTE: &str = "id invoiceId reason reasonCode status dueOn resolutionNote openedBy
    amount { amount } assignee { id name email }";

fn open_dispute_query() -> String {
    format!(
        "mutation($input: OpenDisputeInput!) {{ openDispute(input: $input) {{
            dispute {{ {DISPUTE} }} invoice {{ id hasOpenDispute }} }} }}"
    )
}

fn update_dispute_query() -> String {
    format!(
        "mutation($input: UpdateDisputeInput!) {{ updateDispute(input: $input) {{
            dispute {{ {DISPUTE} }} invoice {{ id disputes {{ id reasonCode assignee {{ id }} dueOn }} }} }} }}"
    )
}

fn queue_query() -> String {
    format!(
        "query($first: Int, $after: String, $filter: DisputeFilter) {{
            disputes(first: $first, after: $after, filter: $filter) {{
                totalCount pageInfo {{ hasNextPage endCursor }}
                nodes {{ ageDays customerStatement invoice {{ id number dueDate balanceDue {{ amount }} }}
                    customer {{ id code name }} dispute {{ {DISPUTE} }} }} }} }}"
    )
}

/// Opens a dispute on `invoice` as `session` with more of `OpenDisputeInput`; returns the
/// dispute.
async fn open(
    app: &TestApp,
    session: &TestSession,
    invoice: &Value,
    reason: &str,
    extra: Value,
) -> Value {
    let mut input = json!({ "invoiceId": id(invoice), "reason": reason });
    if let (Some(input), Some(extra)) = (input.as_object_mut(), extra.as_object()) {
        input.extend(extra.clone());
    }
    ok(
        app,
        session,
        &open_dispute_query(),
        json!({ "input": input }),
        "openDispute",
    )
    .await["dispute"]
        .clone()
}

async fn queue(app: &TestApp, session: &TestSession, variables: Value) -> Value {
    ok(app, session, &queue_query(), variables, "disputes").await
}

/// The invoice ids of a queue page, in its order.
fn invoices_of(page: &Value) -> Vec<String> {
    page["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| node["invoice"]["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn update(app: &TestApp, session: &TestSession, input: Value) -> Value {
    app.graphql_as(
        &session.access_token,
        &update_dispute_query(),
        json!({ "input": input }),
    )
    .await
}

/// The first error's reason and field.
fn refusal(body: &Value) -> (String, String) {
    let extensions = &body["errors"][0]["extensions"];
    (
        extensions["reason"].as_str().unwrap_or("").to_owned(),
        extensions["field"].as_str().unwrap_or("").to_owned(),
    )
}

#[tokio::test]
async fn disputes_open_with_reason_codes_and_the_queue_lists_them_oldest_first_by_filter() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let collector = join(&app, &owner, &app.email("collector"), "COLLECTOR").await;
    let a = create_customer(
        &app,
        &owner,
        "A",
        json!({ "collectorId": collector.user_id }),
    )
    .await;
    let b = create_customer(&app, &owner, "B", json!({})).await;
    let a1 = issue_invoice(&app, &owner, &id(&a), "1000", json!({})).await;
    let b1 = issue_invoice(&app, &owner, &id(&b), "500", json!({})).await;
    let b2 = issue_invoice(&app, &owner, &id(&b), "800", json!({})).await;
    let now = today(&app, &owner).await;

    // A reason code, an owner and a due date on opening; or none, and the reason is OTHER.
    let due = now + Days::new(14);
    let price = open(
        &app,
        &owner,
        &a1,
        "Price differs from the order",
        json!({ "reasonCode": "PRICE", "assigneeId": collector.user_id, "dueOn": due.to_string() }),
    )
    .await;
    assert_eq!(price["reasonCode"], "PRICE");
    assert_eq!(
        price["assignee"]["id"],
        collector.user_id.as_str(),
        "{price}"
    );
    assert_eq!(price["dueOn"], due.to_string());
    let quantity = open(
        &app,
        &owner,
        &b1,
        "Two pallets short",
        json!({ "reasonCode": "QUANTITY", "assigneeId": owner.user_id }),
    )
    .await;
    assert_eq!(quantity["assignee"]["id"], owner.user_id.as_str());
    let other = open(
        &app,
        &owner,
        &b2,
        "Will call back",
        json!({ "amount": "100" }),
    )
    .await;
    assert_eq!(other["reasonCode"], "OTHER", "the default: {other}");
    assert_eq!(other["assignee"], Value::Null);
    assert_eq!(other["dueOn"], Value::Null);
    assert_eq!(other["amount"]["amount"], "100.00");

    // Open disputes, oldest first, with their invoice, customer and age.
    let all = queue(&app, &owner, json!({})).await;
    assert_eq!(all["totalCount"], 3, "{all}");
    assert_eq!(invoices_of(&all), [id(&a1), id(&b1), id(&b2)]);
    let first = &all["nodes"][0];
    assert_eq!(first["dispute"]["id"], price["id"]);
    assert_eq!(first["customer"]["code"], "A");
    assert_eq!(first["invoice"]["number"], a1["number"]);
    assert_eq!(first["invoice"]["balanceDue"]["amount"], "1000.00");
    assert_eq!(first["ageDays"], 0);
    assert_eq!(first["customerStatement"], Value::Null);
    assert_eq!(
        first["dispute"]["assignee"]["id"],
        collector.user_id.as_str()
    );

    // Pages follow the same order.
    let page = queue(&app, &owner, json!({ "first": 2 })).await;
    assert_eq!(invoices_of(&page), [id(&a1), id(&b1)]);
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let next = queue(
        &app,
        &owner,
        json!({ "first": 2, "after": page["pageInfo"]["endCursor"] }),
    )
    .await;
    assert_eq!(invoices_of(&next), [id(&b2)]);
    assert_eq!(next["pageInfo"]["hasNextPage"], false);
    assert_eq!(next["totalCount"], 3);

    // By customer and by owner.
    let of_b = queue(&app, &owner, json!({ "filter": { "customerId": id(&b) } })).await;
    assert_eq!(of_b["totalCount"], 2);
    assert_eq!(invoices_of(&of_b), [id(&b1), id(&b2)]);
    let mine = queue(
        &app,
        &owner,
        json!({ "filter": { "assigneeId": collector.user_id } }),
    )
    .await;
    assert_eq!(invoices_of(&mine), [id(&a1)]);

    // By status: a resolved dispute leaves the default queue.
    ok(
        &app,
        &owner,
        "mutation($input: ResolveDisputeInput!) { resolveDispute(input: $input) { dispute { status resolutionNote } } }",
        json!({ "input": { "disputeId": id(&other), "outcome": "RESOLVED", "note": "Credit note for 100 sent" } }),
        "resolveDispute",
    )
    .await;
    let open_only = queue(&app, &owner, json!({})).await;
    assert_eq!(invoices_of(&open_only), [id(&a1), id(&b1)]);
    let resolved = queue(
        &app,
        &owner,
        json!({ "filter": { "status": ["RESOLVED"] } }),
    )
    .await;
    assert_eq!(invoices_of(&resolved), [id(&b2)]);
    assert_eq!(
        resolved["nodes"][0]["dispute"]["resolutionNote"],
        "Credit note for 100 sent"
    );
    let both = queue(
        &app,
        &owner,
        json!({ "filter": { "status": ["OPEN", "RESOLVED"] } }),
    )
    .await;
    assert_eq!(both["totalCount"], 3);

    // A collector sees the disputes of their own customers only.
    let theirs = queue(&app, &collector, json!({})).await;
    assert_eq!(theirs["totalCount"], 1, "{theirs}");
    assert_eq!(invoices_of(&theirs), [id(&a1)]);
    let not_theirs = queue(
        &app,
        &collector,
        json!({ "filter": { "customerId": id(&b) } }),
    )
    .await;
    assert_eq!(not_theirs["totalCount"], 0);

    // The age counts the company's days.
    app.set_today(now + Days::new(10)).await;
    let aged = queue(&app, &owner, json!({})).await;
    assert_eq!(aged["nodes"][0]["ageDays"], 10, "{aged}");
    app.reset_clock().await;
}

#[tokio::test]
async fn a_dispute_is_assigned_given_a_due_date_cleared_and_audited_within_its_limits() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let collector = join(&app, &owner, &app.email("collector"), "COLLECTOR").await;
    let other_collector = join(&app, &owner, &app.email("other"), "COLLECTOR").await;
    let viewer = join(&app, &owner, &app.email("viewer"), "VIEWER").await;
    let sales = join(&app, &owner, &app.email("sales"), "SALES").await;
    let buyer = create_customer(
        &app,
        &owner,
        "B-1",
        json!({ "collectorId": collector.user_id }),
    )
    .await;
    let invoice = issue_invoice(&app, &owner, &id(&buyer), "1000", json!({})).await;
    let now = today(&app, &owner).await;
    let dispute = open(&app, &owner, &invoice, "Goods damaged", json!({})).await;
    let dispute_id = id(&dispute);

    // Assign, give a due date and a reason code at once.
    let due = now + Days::new(7);
    let body = update(
        &app,
        &owner,
        json!({ "disputeId": dispute_id, "assigneeId": collector.user_id,
            "dueOn": due.to_string(), "reasonCode": "QUALITY" }),
    )
    .await;
    assert!(body.get("errors").is_none(), "{body}");
    let updated = &body["data"]["updateDispute"];
    assert_eq!(
        updated["dispute"]["assignee"]["id"],
        collector.user_id.as_str()
    );
    assert_eq!(updated["dispute"]["dueOn"], due.to_string());
    assert_eq!(updated["dispute"]["reasonCode"], "QUALITY");
    assert_eq!(
        updated["dispute"]["reason"], "Goods damaged",
        "the note stays"
    );
    assert_eq!(
        updated["invoice"]["disputes"][0]["assignee"]["id"],
        collector.user_id.as_str()
    );
    // The invoice shows it too, and so does an invoice payload of another mutation.
    let read = ok(
        &app,
        &owner,
        "query($id: ID!) { invoice(id: $id) { disputes { id reasonCode dueOn assignee { id name } } } }",
        json!({ "id": id(&invoice) }),
        "invoice",
    )
    .await;
    assert_eq!(
        read["disputes"][0]["assignee"]["id"],
        collector.user_id.as_str()
    );
    assert_eq!(read["disputes"][0]["reasonCode"], "QUALITY");
    let credited = ok(
        &app,
        &owner,
        "mutation($input: CreateCreditNoteInput!) { createCreditNote(input: $input) { invoice { disputes { assignee { id } dueOn } } } }",
        json!({ "input": { "invoiceId": id(&invoice), "amount": "10", "reason": "Goodwill" } }),
        "createCreditNote",
    )
    .await;
    assert_eq!(
        credited["invoice"]["disputes"][0]["assignee"]["id"],
        collector.user_id.as_str(),
        "{credited}"
    );

    // A field left out stays as it is.
    let body = update(
        &app,
        &owner,
        json!({ "disputeId": dispute_id, "reasonCode": "TERMS" }),
    )
    .await;
    let kept = &body["data"]["updateDispute"]["dispute"];
    assert_eq!(kept["reasonCode"], "TERMS", "{body}");
    assert_eq!(kept["assignee"]["id"], collector.user_id.as_str());
    assert_eq!(kept["dueOn"], due.to_string());

    // The collector works their own customer's dispute.
    let body = update(
        &app,
        &collector,
        json!({ "disputeId": dispute_id, "dueOn": (now + Days::new(3)).to_string() }),
    )
    .await;
    assert!(body.get("errors").is_none(), "{body}");
    // Another collector does not see it; a salesperson may not work disputes.
    let stranger = update(
        &app,
        &other_collector,
        json!({ "disputeId": dispute_id, "assigneeId": other_collector.user_id }),
    )
    .await;
    assert_eq!(error_codes(&stranger), ["NOT_FOUND"], "{stranger}");
    let refused = update(&app, &sales, json!({ "disputeId": dispute_id })).await;
    assert_eq!(error_codes(&refused), ["FORBIDDEN"], "{refused}");

    // Null clears the owner, then the due date.
    let body = update(
        &app,
        &owner,
        json!({ "disputeId": dispute_id, "assigneeId": null }),
    )
    .await;
    let cleared = &body["data"]["updateDispute"]["dispute"];
    assert_eq!(cleared["assignee"], Value::Null, "{body}");
    assert_eq!(cleared["dueOn"], (now + Days::new(3)).to_string());
    let body = update(
        &app,
        &owner,
        json!({ "disputeId": dispute_id, "dueOn": null }),
    )
    .await;
    assert_eq!(
        body["data"]["updateDispute"]["dispute"]["dueOn"],
        Value::Null,
        "{body}"
    );

    // A due date from today to a year on.
    for day in [now - Days::new(1), now + Days::new(400)] {
        let body = update(
            &app,
            &owner,
            json!({ "disputeId": dispute_id, "dueOn": day.to_string() }),
        )
        .await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{body}");
        assert_eq!(
            refusal(&body),
            ("DATE_OUT_OF_RANGE".to_owned(), "input.dueOn".to_owned())
        );
        let params = &body["errors"][0]["extensions"]["params"];
        assert_eq!(params["earliest"], now.to_string(), "{body}");
    }
    // The owner is a member of this company whose role works collections.
    let globex = app.sign_up("Globex", &app.email("globex")).await;
    let foreign = update(
        &app,
        &owner,
        json!({ "disputeId": dispute_id, "assigneeId": globex.user_id }),
    )
    .await;
    assert_eq!(error_codes(&foreign), ["NOT_FOUND"], "{foreign}");
    assert_eq!(
        refusal(&foreign),
        ("RECORD_NOT_FOUND".to_owned(), "input.assigneeId".to_owned())
    );
    assert_eq!(
        foreign["errors"][0]["extensions"]["params"]["entity"],
        "MEMBER"
    );
    let watcher = update(
        &app,
        &owner,
        json!({ "disputeId": dispute_id, "assigneeId": viewer.user_id }),
    )
    .await;
    assert_eq!(
        refusal(&watcher),
        (
            "ASSIGNEE_MAY_NOT_COLLECT".to_owned(),
            "input.assigneeId".to_owned()
        ),
        "{watcher}"
    );
    // Opening one checks the same.
    let second = issue_invoice(&app, &owner, &id(&buyer), "200", json!({})).await;
    let body = app
        .graphql_as(
            &owner.access_token,
            &open_dispute_query(),
            json!({ "input": { "invoiceId": id(&second), "reason": "x", "assigneeId": globex.user_id } }),
        )
        .await;
    assert_eq!(error_codes(&body), ["NOT_FOUND"], "{body}");
    let body = app
        .graphql_as(
            &owner.access_token,
            &open_dispute_query(),
            json!({ "input": { "invoiceId": id(&second), "reason": "x", "dueOn": (now + Days::new(400)).to_string() } }),
        )
        .await;
    assert_eq!(
        refusal(&body),
        ("DATE_OUT_OF_RANGE".to_owned(), "input.dueOn".to_owned()),
        "{body}"
    );

    // A member who leaves owns nothing any more.
    let body = update(
        &app,
        &owner,
        json!({ "disputeId": dispute_id, "assigneeId": other_collector.user_id }),
    )
    .await;
    assert!(body.get("errors").is_none(), "{body}");
    remove_member(&app.db, owner.tenant_id, &other_collector.user_id).await;
    let left = queue(&app, &owner, json!({})).await;
    assert_eq!(
        left["nodes"][0]["dispute"]["assignee"],
        Value::Null,
        "{left}"
    );

    // Each change is in the audit log.
    let schema = owner.tenant_id.schema_name();
    assert_eq!(
        count(
            &app.db,
            &format!(
                "SELECT count(*) FROM \"{schema}\".audit_log WHERE action = 'dispute.updated' AND entity_id = '{dispute_id}'"
            ),
        )
        .await,
        6
    );

    // A settled dispute is not worked any more.
    ok(
        &app,
        &owner,
        "mutation($input: ResolveDisputeInput!) { resolveDispute(input: $input) { dispute { status } } }",
        json!({ "input": { "disputeId": dispute_id, "outcome": "REJECTED", "note": "The goods left us intact" } }),
        "resolveDispute",
    )
    .await;
    let closed = update(
        &app,
        &owner,
        json!({ "disputeId": dispute_id, "reasonCode": "PRICE" }),
    )
    .await;
    assert_eq!(error_codes(&closed), ["CONFLICT"], "{closed}");
    assert_eq!(
        refusal(&closed),
        ("DISPUTE_CLOSED".to_owned(), "input.disputeId".to_owned())
    );
}

fn statement_token(email: &str) -> String {
    let start = email.find("duely_stm_").expect("a statement link");
    email[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

#[tokio::test]
async fn the_customers_own_words_from_a_statement_answer_are_on_the_queue() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let buyer = create_customer(&app, &owner, "B-1", json!({})).await;
    let now = today(&app, &owner).await;
    let issued = json!({ "issueDate": (now - Days::new(30)).to_string() });
    let answered = issue_invoice(&app, &owner, &id(&buyer), "800", issued.clone()).await;
    let raised = issue_invoice(&app, &owner, &id(&buyer), "300", issued).await;

    let contact = app.email("ap");
    ok(
        &app,
        &owner,
        "mutation($input: SendStatementInput!) { sendStatement(input: $input) { sentTo } }",
        json!({ "input": { "customerId": id(&buyer), "from": (now - Days::new(90)).to_string(),
            "to": now.to_string(), "email": contact } }),
        "sendStatement",
    )
    .await;
    let token = statement_token(&app.email_to(&contact).await);
    let body = app
        .graphql(
            "mutation($input: RespondToStatementInput!) { respondToStatement(input: $input) { response { answer } } }",
            json!({ "input": { "token": token, "answer": "DISPUTED", "name": "Wang Fang",
                "note": "Only 700 delivered, the rest never arrived",
                "disputedInvoiceNumbers": [answered["number"]] } }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    // The team opens one of its own on the other invoice.
    open(
        &app,
        &owner,
        &raised,
        "Asked for a copy",
        json!({ "reasonCode": "DUPLICATE" }),
    )
    .await;

    let page = queue(&app, &owner, json!({})).await;
    assert_eq!(invoices_of(&page), [id(&answered), id(&raised)], "{page}");
    let from_statement = &page["nodes"][0];
    assert_eq!(
        from_statement["customerStatement"],
        "Only 700 delivered, the rest never arrived"
    );
    assert_eq!(from_statement["dispute"]["reasonCode"], "OTHER");
    assert!(
        from_statement["dispute"]["openedBy"]
            .as_str()
            .unwrap()
            .contains("Wang Fang"),
        "{from_statement}"
    );
    assert_eq!(page["nodes"][1]["customerStatement"], Value::Null);
    assert_eq!(page["nodes"][1]["dispute"]["reasonCode"], "DUPLICATE");

    // The team classifies the customer's dispute; their words stay on it.
    let body = update(
        &app,
        &owner,
        json!({ "disputeId": from_statement["dispute"]["id"], "reasonCode": "NOT_RECEIVED",
            "assigneeId": owner.user_id }),
    )
    .await;
    assert!(body.get("errors").is_none(), "{body}");
    let page = queue(
        &app,
        &owner,
        json!({ "filter": { "assigneeId": owner.user_id } }),
    )
    .await;
    assert_eq!(page["totalCount"], 1);
    assert_eq!(page["nodes"][0]["dispute"]["reasonCode"], "NOT_RECEIVED");
    assert_eq!(
        page["nodes"][0]["customerStatement"],
        "Only 700 delivered, the rest never arrived"
    );
}
