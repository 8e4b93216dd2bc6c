//! The team's day: customers assigned to people in bulk, worklists by scope, and tasks
//! scheduled, listed, moved and cancelled; a member who leaves hands their work back.

use crate::helpers::{TestApp, TestSession, count, error_codes, spawn_app, within_a_second};
use crate::kit::{create_customer, issue_invoice, join, ok};
use chrono::{Days, NaiveDate};
use duely_backend::collections::run::{self, Trigger};
use duely_backend::startup::AppLinks;
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

async fn run_on(app: &TestApp, session: &TestSession, date: NaiveDate) {
    let links = AppLinks {
        public_url: app.address.clone(),
        sealer: duely_backend::secrets::Sealer::from_hex(&"5a".repeat(32).into()).unwrap(),
        environment: duely_backend::config::Environment::Development,
        messaging: crate::helpers::messaging_endpoints(),
    };
    run::run_tenant(&app.db, &links, session.tenant_id, date, Trigger::Schedule)
        .await
        .unwrap();
}

/// An invoice for `amount` due `days` ago.
async fn overdue(
    app: &TestApp,
    session: &TestSession,
    customer: &Value,
    amount: &str,
    days: u64,
) -> Value {
    let due = today(app, session).await - Days::new(days);
    issue_invoice(
        app,
        session,
        &id(customer),
        amount,
        json!({ "issueDate": (due - Days::new(30)).to_string(), "dueDate": due.to_string() }),
    )
    .await
}

fn first_error(body: &Value) -> (String, String, Value) {
    let extensions = &body["errors"][0]["extensions"];
    (
        extensions["reason"].as_str().unwrap_or("").to_owned(),
        extensions["field"].as_str().unwrap_or("").to_owned(),
        extensions["params"].clone(),
    )
}

const ASSIGN: &str = "mutation($input: AssignCustomersInput!) { assignCustomers(input: $input) {
    customers { id code collector { id } salesperson { id } } } }";
const TASKS: &str = "query($filter: TaskFilter) { tasks(first: 50, filter: $filter) { totalCount
    edges { node { id kind title status source dueOn note assigneeId assignee { id name } createdBy
    customer { code } invoices { id number } cancelledBy cancelReason messageCode } } } }";
const CREATE_TASK: &str = "mutation($input: CreateTaskInput!) { createTask(input: $input) { task {
    id kind title status source dueOn note assigneeId assignee { id } createdBy invoices { id number } } } }";
const REASSIGN: &str = "mutation($input: ReassignTaskInput!) { reassignTask(input: $input) { task { id assigneeId status } } }";
const CANCEL: &str = "mutation($input: CancelTaskInput!) { cancelTask(input: $input) { task { id status cancelledBy cancelReason } } }";
const WORKLIST: &str =
    "query($c: ID, $scope: WorklistScope) { worklist(first: 50, collectorId: $c, scope: $scope) {
    totalCount edges { node { customer { code } tasks { id kind assigneeId } } } } }";
/// The dashboard's question: how many, without the ranked list.
const WORKLIST_COUNT: &str = "query($c: ID, $scope: WorklistScope) {
    worklist(first: 1, collectorId: $c, scope: $scope) { totalCount } }";
/// The list by its nodes alone (no edges, no count).
const WORKLIST_NODES: &str = "query($c: ID, $scope: WorklistScope) {
    worklist(first: 50, collectorId: $c, scope: $scope) { nodes { customer { code } } } }";

fn task_of<'a>(tasks: &'a Value, customer: &str, source: &str) -> &'a Value {
    tasks["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| &edge["node"])
        .find(|task| task["customer"]["code"] == customer && task["source"] == source)
        .unwrap_or_else(|| panic!("no {source} task for {customer}: {tasks}"))
}

fn codes(list: &Value) -> Vec<String> {
    let mut codes: Vec<String> = list["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| {
            edge["node"]["customer"]["code"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    codes.sort();
    codes
}

#[tokio::test]
async fn customers_are_assigned_in_bulk_their_ladder_tasks_follow_and_each_is_audited() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let first = join(&app, &owner, &app.email("c1"), "COLLECTOR").await;
    let second = join(&app, &owner, &app.email("c2"), "COLLECTOR").await;
    let sales = join(&app, &owner, &app.email("sales"), "SALES").await;
    let viewer = join(&app, &owner, &app.email("viewer"), "VIEWER").await;
    let a = create_customer(&app, &owner, "A", json!({ "collectorId": first.user_id })).await;
    let b = create_customer(&app, &owner, "B", json!({ "collectorId": first.user_id })).await;
    let c = create_customer(&app, &owner, "C", json!({})).await;
    overdue(&app, &owner, &a, "900", 16).await;
    let now = today(&app, &owner).await;
    run_on(&app, &owner, now).await; // the +15 call for A, the first collector's
    // A visit the owner scheduled for themselves stays theirs whoever collects.
    let visit = ok(
        &app,
        &owner,
        CREATE_TASK,
        json!({ "input": { "customerId": id(&a),
        "assigneeId": owner.user_id, "kind": "VISIT", "dueOn": now.to_string() } }),
        "createTask",
    )
    .await;
    assert_eq!(visit["task"]["assigneeId"], owner.user_id.as_str());
    // A call back the first collector scheduled for themselves: they will not work A any more.
    let call_back = ok(
        &app,
        &first,
        CREATE_TASK,
        json!({ "input": { "customerId": id(&a), "kind": "CALL", "dueOn": now.to_string() } }),
        "createTask",
    )
    .await;
    assert_eq!(call_back["task"]["assigneeId"], first.user_id.as_str());
    let all = json!({ "filter": { "scope": "ALL" } });
    let tasks = ok(&app, &owner, TASKS, all.clone(), "tasks").await;
    assert_eq!(
        task_of(&tasks, "A", "DUNNING")["assigneeId"],
        first.user_id.as_str(),
        "{tasks}"
    );

    let ids = json!([id(&a), id(&b), id(&c)]);
    let assigned = ok(
        &app,
        &owner,
        ASSIGN,
        json!({ "input": { "customerIds": ids, "collectorId": second.user_id } }),
        "assignCustomers",
    )
    .await;
    let customers = assigned["customers"].as_array().unwrap();
    assert_eq!(
        customers
            .iter()
            .map(|c| c["code"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["A", "B", "C"],
        "in the order given"
    );
    for customer in customers {
        assert_eq!(
            customer["collector"]["id"],
            second.user_id.as_str(),
            "{customer}"
        );
        assert_eq!(customer["salesperson"], Value::Null, "left out: unchanged");
    }
    let tasks = ok(&app, &owner, TASKS, all.clone(), "tasks").await;
    assert_eq!(
        task_of(&tasks, "A", "DUNNING")["assigneeId"],
        second.user_id.as_str(),
        "the ladder's task follows: {tasks}"
    );
    assert_eq!(
        task_of(&tasks, "A", "MANUAL")["assigneeId"],
        owner.user_id.as_str(),
        "a task given by hand to someone else stays"
    );
    let call_back = tasks["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|edge| edge["node"]["id"] == call_back["task"]["id"])
        .unwrap();
    assert_eq!(
        call_back["node"]["assigneeId"],
        second.user_id.as_str(),
        "the previous collector's own task follows the customer"
    );
    let schema = owner.tenant_id.schema_name();
    let audited = |action: &str| {
        format!("SELECT count(*) FROM \"{schema}\".audit_log WHERE action = '{action}'")
    };
    assert_eq!(
        count(&app.db, &audited("customer.assigned")).await,
        3,
        "one entry per customer"
    );

    // The salesperson alone: the collector stays. Then the collector taken off: the ladder's
    // task goes to the unassigned queue.
    let one = json!([id(&a)]);
    let assigned = ok(
        &app,
        &owner,
        ASSIGN,
        json!({ "input": { "customerIds": one, "salespersonId": sales.user_id } }),
        "assignCustomers",
    )
    .await;
    assert_eq!(
        assigned["customers"][0]["collector"]["id"],
        second.user_id.as_str()
    );
    assert_eq!(
        assigned["customers"][0]["salesperson"]["id"],
        sales.user_id.as_str()
    );
    let assigned = ok(
        &app,
        &owner,
        ASSIGN,
        json!({ "input": { "customerIds": one, "collectorId": null } }),
        "assignCustomers",
    )
    .await;
    assert_eq!(
        assigned["customers"][0]["collector"],
        Value::Null,
        "null clears"
    );
    assert_eq!(
        assigned["customers"][0]["salesperson"]["id"],
        sales.user_id.as_str()
    );
    let unassigned = ok(
        &app,
        &owner,
        TASKS,
        json!({ "filter": { "scope": "UNASSIGNED" } }),
        "tasks",
    )
    .await;
    assert_eq!(
        unassigned["totalCount"], 2,
        "the ladder's call and the call back: {unassigned}"
    );
    assert_eq!(
        task_of(&unassigned, "A", "DUNNING")["assignee"],
        Value::Null
    );

    // Refusals name the reason and field, and change nothing.
    let refused = |input: Value| {
        let app = &app;
        let token = owner.access_token.clone();
        async move {
            app.graphql_as(&token, ASSIGN, json!({ "input": input }))
                .await
        }
    };
    let body = refused(json!({ "customerIds": [id(&b)], "collectorId": viewer.user_id })).await;
    assert_eq!(
        first_error(&body),
        (
            "ASSIGNEE_MAY_NOT_COLLECT".into(),
            "input.collectorId".into(),
            json!({ "role": "VIEWER" })
        ),
        "{body}"
    );
    let body = refused(json!({ "customerIds": [id(&b)], "salespersonId": first.user_id })).await;
    assert_eq!(first_error(&body).0, "ASSIGNEE_MAY_NOT_SELL", "{body}");
    let body = refused(json!({ "customerIds": [], "collectorId": first.user_id })).await;
    assert_eq!(
        first_error(&body),
        (
            "COUNT_OUT_OF_RANGE".into(),
            "input.customerIds".into(),
            json!({ "min": 1, "max": 500 })
        )
    );
    let many: Vec<String> = (0..501).map(|_| uuid::Uuid::now_v7().to_string()).collect();
    let body = refused(json!({ "customerIds": many, "collectorId": first.user_id })).await;
    assert_eq!(first_error(&body).0, "COUNT_OUT_OF_RANGE");
    let body =
        refused(json!({ "customerIds": [id(&b), id(&b)], "collectorId": first.user_id })).await;
    assert_eq!(
        first_error(&body),
        ("DUPLICATE".into(), "input.customerIds[1]".into(), json!({}))
    );
    let body = refused(json!({ "customerIds": [id(&b)] })).await;
    assert_eq!(
        first_error(&body),
        ("REQUIRED".into(), "input.collectorId".into(), json!({}))
    );
    let missing = uuid::Uuid::now_v7().to_string();
    let body =
        refused(json!({ "customerIds": [id(&b), missing, id(&c)], "collectorId": first.user_id }))
            .await;
    assert_eq!(error_codes(&body), ["NOT_FOUND"], "{body}");
    assert_eq!(first_error(&body).1, "input.customerIds[1]");
    let b_now = ok(
        &app,
        &owner,
        "query($id: ID!) { customer(id: $id) { collector { id } } }",
        json!({ "id": id(&b) }),
        "customer",
    )
    .await;
    assert_eq!(
        b_now["collector"]["id"],
        second.user_id.as_str(),
        "all or nothing"
    );
    assert_eq!(count(&app.db, &audited("customer.assigned")).await, 5);

    // Only those who manage customers assign them.
    let body = app
        .graphql_as(
            &first.access_token,
            ASSIGN,
            json!({ "input": { "customerIds": [id(&b)], "collectorId": first.user_id } }),
        )
        .await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    // The pickers' list: who may collect and who may sell.
    let members = ok(
        &app,
        &owner,
        "{ assignableMembers { id role mayCollect maySell } }",
        json!({}),
        "assignableMembers",
    )
    .await;
    let member = |user: &str| {
        members
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == user)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (
            member(&first.user_id)["mayCollect"].clone(),
            member(&first.user_id)["maySell"].clone()
        ),
        (json!(true), json!(false))
    );
    assert_eq!(
        (
            member(&sales.user_id)["mayCollect"].clone(),
            member(&sales.user_id)["maySell"].clone()
        ),
        (json!(false), json!(true))
    );
    assert_eq!(member(&viewer.user_id)["mayCollect"], false);
    let body = app
        .graphql_as(
            &first.access_token,
            "{ assignableMembers { id } }",
            json!({}),
        )
        .await;
    assert_eq!(
        error_codes(&body),
        ["FORBIDDEN"],
        "a collector has no one to give work to"
    );
}

#[tokio::test]
async fn each_worklist_scope_lists_its_customers_and_a_collector_always_gets_their_own() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let collector = join(&app, &owner, &app.email("c1"), "COLLECTOR").await;
    let mine = create_customer(
        &app,
        &owner,
        "MINE",
        json!({ "collectorId": collector.user_id }),
    )
    .await;
    let nobody = create_customer(&app, &owner, "NOBODY", json!({})).await;
    overdue(&app, &owner, &mine, "500", 10).await;
    overdue(&app, &owner, &nobody, "700", 10).await;
    let list = |session: &TestSession, variables: Value| {
        let app = &app;
        let token = session.access_token.clone();
        async move {
            let body = app.graphql_as(&token, WORKLIST, variables.clone()).await;
            assert!(body.get("errors").is_none(), "{body}");
            let listed = codes(&body["data"]["worklist"]);
            assert_eq!(body["data"]["worklist"]["totalCount"], listed.len());
            // Counted alone (no ranking), the same customers.
            let counted = app
                .graphql_as(&token, WORKLIST_COUNT, variables.clone())
                .await;
            assert_eq!(
                counted["data"]["worklist"]["totalCount"],
                listed.len(),
                "{counted}"
            );
            let nodes = app.graphql_as(&token, WORKLIST_NODES, variables).await;
            let mut node_codes: Vec<String> = nodes["data"]["worklist"]["nodes"]
                .as_array()
                .unwrap_or_else(|| panic!("{nodes}"))
                .iter()
                .filter_map(|node| node["customer"]["code"].as_str().map(str::to_owned))
                .collect();
            node_codes.sort();
            assert_eq!(node_codes, listed, "{nodes}");
            listed
        }
    };
    // The owner collects for no one: everyone's by default.
    assert_eq!(list(&owner, json!({})).await, ["MINE", "NOBODY"]);
    assert_eq!(
        list(&owner, json!({ "scope": "ALL" })).await,
        ["MINE", "NOBODY"]
    );
    assert_eq!(
        list(&owner, json!({ "scope": "MINE" })).await,
        Vec::<String>::new()
    );
    assert_eq!(
        list(&owner, json!({ "scope": "UNASSIGNED" })).await,
        ["NOBODY"]
    );
    assert_eq!(
        list(&owner, json!({ "c": collector.user_id })).await,
        ["MINE"]
    );
    let both = app
        .graphql_as(
            &owner.access_token,
            WORKLIST,
            json!({ "c": collector.user_id, "scope": "ALL" }),
        )
        .await;
    assert_eq!(
        first_error(&both),
        ("EITHER_NOT_BOTH".into(), "scope".into(), json!({})),
        "{both}"
    );
    // A collector gets their own whatever the scope.
    for scope in [
        Value::Null,
        json!("MINE"),
        json!("ALL"),
        json!("UNASSIGNED"),
    ] {
        assert_eq!(
            list(&collector, json!({ "scope": scope })).await,
            ["MINE"],
            "{scope}"
        );
    }
    // Once the owner collects for a customer, their own list is where they start.
    ok(
        &app,
        &owner,
        ASSIGN,
        json!({ "input": { "customerIds": [id(&nobody)], "collectorId": owner.user_id } }),
        "assignCustomers",
    )
    .await;
    assert_eq!(list(&owner, json!({})).await, ["NOBODY"]);
    assert_eq!(
        list(&owner, json!({ "scope": "UNASSIGNED" })).await,
        Vec::<String>::new()
    );

    // An API key has no list of its own: everyone's, and MINE means nothing.
    let key = app
        .graphql_as(
            &owner.access_token,
            "mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }",
            json!({ "input": { "name": "Robot", "scopes": ["collections:read"] } }),
        )
        .await;
    let secret = key["data"]["createApiKey"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = app.graphql_as(&secret, WORKLIST, json!({})).await;
    assert_eq!(
        codes(&body["data"]["worklist"]),
        ["MINE", "NOBODY"],
        "{body}"
    );
    let body = app
        .graphql_as(&secret, WORKLIST, json!({ "scope": "MINE" }))
        .await;
    assert_eq!(
        first_error(&body),
        (
            "NOT_ONE_OF".into(),
            "scope".into(),
            json!({ "allowed": ["ALL", "UNASSIGNED"] })
        ),
        "{body}"
    );
}

#[tokio::test]
async fn tasks_are_scheduled_listed_reassigned_and_cancelled_by_who_may() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let first = join(&app, &owner, &app.email("c1"), "COLLECTOR").await;
    let second = join(&app, &owner, &app.email("c2"), "COLLECTOR").await;
    let viewer = join(&app, &owner, &app.email("viewer"), "VIEWER").await;
    let a = create_customer(&app, &owner, "A", json!({ "collectorId": first.user_id })).await;
    let b = create_customer(&app, &owner, "B", json!({ "collectorId": second.user_id })).await;
    let invoice = overdue(&app, &owner, &a, "1200", 5).await;
    let now = today(&app, &owner).await;
    let soon = (now + Days::new(2)).to_string();

    // A collector schedules a visit on their customer: theirs, titled from its kind.
    let visit = ok(
        &app,
        &first,
        CREATE_TASK,
        json!({ "input": { "customerId": id(&a), "kind": "VISIT",
        "dueOn": soon, "note": "Bring the statement", "invoiceIds": [id(&invoice)] } }),
        "createTask",
    )
    .await["task"]
        .clone();
    assert_eq!(visit["assigneeId"], first.user_id.as_str(), "{visit}");
    assert_eq!(
        (
            visit["kind"].as_str(),
            visit["status"].as_str(),
            visit["source"].as_str()
        ),
        (Some("VISIT"), Some("OPEN"), Some("MANUAL"))
    );
    assert_eq!(
        visit["title"], "上门拜访客户",
        "in the collector's language"
    );
    let en = app
        .graphql_in(&first.access_token, Some("en"), TASKS, json!({}))
        .await;
    assert_eq!(
        en["data"]["tasks"]["edges"][0]["node"]["title"], "Visit the customer",
        "{en}"
    );
    assert_eq!(visit["note"], "Bring the statement");
    assert_eq!(visit["invoices"][0]["number"], invoice["number"]);
    assert!(
        visit["createdBy"].as_str().unwrap().contains("c1"),
        "{visit}"
    );
    let zh = app
        .graphql_in(&first.access_token, Some("zh-CN"), TASKS, json!({}))
        .await;
    assert_eq!(
        zh["data"]["tasks"]["edges"][0]["node"]["title"], "上门拜访客户",
        "{zh}"
    );

    // What a collector may not do: give a task to someone else, touch another's customer,
    // schedule in the past.
    let refused = |session: &TestSession, input: Value| {
        let app = &app;
        let token = session.access_token.clone();
        async move {
            app.graphql_as(&token, CREATE_TASK, json!({ "input": input }))
                .await
        }
    };
    let body = refused(&first, json!({ "customerId": id(&a), "assigneeId": second.user_id, "kind": "CALL", "dueOn": soon })).await;
    assert_eq!(
        (error_codes(&body), first_error(&body).0),
        (
            vec!["FORBIDDEN".to_owned()],
            "TASK_OTHERS_FOR_MANAGERS".to_owned()
        ),
        "{body}"
    );
    let body = refused(
        &first,
        json!({ "customerId": id(&b), "kind": "CALL", "dueOn": soon }),
    )
    .await;
    assert_eq!(error_codes(&body), ["NOT_FOUND"], "{body}");
    let body = refused(
        &first,
        json!({ "customerId": id(&a), "kind": "CALL", "dueOn": (now - Days::new(1)).to_string() }),
    )
    .await;
    assert_eq!(first_error(&body).0, "DATE_OUT_OF_RANGE");
    assert_eq!(first_error(&body).1, "input.dueOn");
    // Nor may a manager give a task to a viewer, or to a collector of another customer.
    let body = refused(&owner, json!({ "customerId": id(&a), "assigneeId": viewer.user_id, "kind": "CALL", "dueOn": soon })).await;
    assert_eq!(
        first_error(&body),
        (
            "ASSIGNEE_MAY_NOT_COLLECT".into(),
            "input.assigneeId".into(),
            json!({ "role": "VIEWER" })
        )
    );
    let body = refused(&owner, json!({ "customerId": id(&a), "assigneeId": second.user_id, "kind": "CALL", "dueOn": soon })).await;
    assert_eq!(
        first_error(&body).0,
        "TASK_ASSIGNEE_NOT_CUSTOMERS_COLLECTOR",
        "{body}"
    );

    // A manager's call back goes to the customer's collector by default.
    let call = ok(
        &app,
        &owner,
        CREATE_TASK,
        json!({ "input": { "customerId": id(&a), "kind": "CALL", "dueOn": now.to_string() } }),
        "createTask",
    )
    .await["task"]
        .clone();
    assert_eq!(call["assigneeId"], first.user_id.as_str());

    let listed = ok(&app, &first, TASKS, json!({}), "tasks").await;
    assert_eq!(listed["totalCount"], 2);
    assert_eq!(
        listed["edges"][0]["node"]["id"], call["id"],
        "soonest due first"
    );
    let owner_tasks = |filter: Value| {
        let app = &app;
        let token = owner.access_token.clone();
        async move {
            let body = app
                .graphql_as(&token, TASKS, json!({ "filter": filter }))
                .await;
            assert!(body.get("errors").is_none(), "{body}");
            body["data"]["tasks"]["totalCount"].as_i64().unwrap()
        }
    };
    assert_eq!(owner_tasks(json!({ "scope": "MINE" })).await, 0);
    assert_eq!(
        owner_tasks(json!({})).await,
        2,
        "the owner collects for no one: all"
    );
    assert_eq!(
        owner_tasks(json!({ "scope": "ALL", "dueBefore": now.to_string() })).await,
        1,
        "dueBefore is inclusive"
    );
    assert_eq!(owner_tasks(json!({ "customerId": id(&b) })).await, 0);
    assert_eq!(owner_tasks(json!({ "assigneeId": first.user_id })).await, 2);
    assert_eq!(
        owner_tasks(json!({ "scope": "ALL", "status": ["DONE", "CANCELLED"] })).await,
        0
    );
    let both = app
        .graphql_as(
            &owner.access_token,
            TASKS,
            json!({ "filter": { "scope": "ALL", "assigneeId": first.user_id } }),
        )
        .await;
    assert_eq!(
        first_error(&both),
        ("EITHER_NOT_BOTH".into(), "filter.scope".into(), json!({}))
    );
    assert_eq!(
        error_codes(
            &app.graphql_as(
                &second.access_token,
                TASKS,
                json!({ "filter": { "scope": "ALL" } })
            )
            .await
        ),
        Vec::<String>::new()
    );
    let seconds = app
        .graphql_as(
            &second.access_token,
            TASKS,
            json!({ "filter": { "scope": "ALL" } }),
        )
        .await;
    assert_eq!(
        seconds["data"]["tasks"]["totalCount"], 0,
        "another collector sees none of A's: {seconds}"
    );

    // Moving work is a manager's; to nobody puts it in the unassigned queue.
    let body = app
        .graphql_as(
            &first.access_token,
            REASSIGN,
            json!({ "input": { "taskId": visit["id"], "assigneeId": null } }),
        )
        .await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"]);
    let moved = ok(
        &app,
        &owner,
        REASSIGN,
        json!({ "input": { "taskId": visit["id"], "assigneeId": null } }),
        "reassignTask",
    )
    .await;
    assert_eq!(moved["task"]["assigneeId"], Value::Null);
    assert_eq!(owner_tasks(json!({ "scope": "UNASSIGNED" })).await, 1);
    let moved = ok(
        &app,
        &owner,
        REASSIGN,
        json!({ "input": { "taskId": visit["id"], "assigneeId": owner.user_id } }),
        "reassignTask",
    )
    .await;
    assert_eq!(moved["task"]["assigneeId"], owner.user_id.as_str());

    // Cancelling: a collector cancels their own only; a cancelled task is final.
    let body = app
        .graphql_as(
            &first.access_token,
            CANCEL,
            json!({ "input": { "taskId": visit["id"] } }),
        )
        .await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    let cancelled = ok(
        &app,
        &owner,
        CANCEL,
        json!({ "input": { "taskId": visit["id"], "reason": "Customer moved office" } }),
        "cancelTask",
    )
    .await;
    assert_eq!(cancelled["task"]["status"], "CANCELLED");
    assert_eq!(cancelled["task"]["cancelReason"], "Customer moved office");
    assert!(
        cancelled["task"]["cancelledBy"]
            .as_str()
            .unwrap()
            .contains("owner")
    );
    let again = app
        .graphql_as(
            &owner.access_token,
            CANCEL,
            json!({ "input": { "taskId": visit["id"] } }),
        )
        .await;
    assert_eq!(
        (error_codes(&again), first_error(&again).0),
        (vec!["CONFLICT".to_owned()], "TASK_NOT_OPEN".to_owned())
    );
    let mine = ok(
        &app,
        &first,
        CANCEL,
        json!({ "input": { "taskId": call["id"] } }),
        "cancelTask",
    )
    .await;
    assert_eq!(mine["task"]["status"], "CANCELLED");
    assert_eq!(
        owner_tasks(json!({ "scope": "ALL", "status": ["CANCELLED"] })).await,
        2
    );
    let schema = owner.tenant_id.schema_name();
    for (action, expected) in [
        ("task.created", 2),
        ("task.reassigned", 2),
        ("task.cancelled", 2),
    ] {
        let sql = format!("SELECT count(*) FROM \"{schema}\".audit_log WHERE action = '{action}'");
        assert_eq!(count(&app.db, &sql).await, expected, "{action}");
    }
}

#[tokio::test]
async fn a_member_who_leaves_hands_their_customers_and_open_tasks_to_the_team() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let collector = join(&app, &owner, &app.email("c1"), "COLLECTOR").await;
    let sales = join(&app, &owner, &app.email("sales"), "SALES").await;
    let a = create_customer(
        &app,
        &owner,
        "A",
        json!({ "collectorId": collector.user_id, "salespersonId": sales.user_id }),
    )
    .await;
    overdue(&app, &owner, &a, "800", 16).await;
    let now = today(&app, &owner).await;
    run_on(&app, &owner, now).await;
    let unassigned = json!({ "filter": { "scope": "UNASSIGNED" } });
    assert_eq!(
        ok(&app, &owner, TASKS, unassigned.clone(), "tasks").await["totalCount"],
        0
    );

    ok(
        &app,
        &owner,
        "mutation($input: RemoveMemberInput!) { removeMember(input: $input) { removedUserId } }",
        json!({ "input": { "userId": collector.user_id } }),
        "removeMember",
    )
    .await;
    let customer = ok(
        &app,
        &owner,
        "query($id: ID!) { customer(id: $id) { collector { id } salesperson { id } } }",
        json!({ "id": id(&a) }),
        "customer",
    )
    .await;
    assert_eq!(customer["collector"], Value::Null, "{customer}");
    assert_eq!(
        customer["salesperson"]["id"],
        sales.user_id.as_str(),
        "the salesperson stays"
    );
    let tasks = ok(&app, &owner, TASKS, unassigned, "tasks").await;
    assert_eq!(
        tasks["totalCount"], 1,
        "the ladder's call waits for someone: {tasks}"
    );
    let worklist = ok(
        &app,
        &owner,
        WORKLIST,
        json!({ "scope": "UNASSIGNED" }),
        "worklist",
    )
    .await;
    assert_eq!(codes(&worklist), ["A"]);
    let schema = owner.tenant_id.schema_name();
    let sql = format!(
        "SELECT count(*) FROM \"{schema}\".audit_log WHERE action = 'customer.assigned' AND entity_id = '{}'",
        id(&a)
    );
    assert_eq!(count(&app.db, &sql).await, 1);
}

#[tokio::test]
async fn a_member_whose_new_role_may_not_collect_or_sell_is_taken_off_those_customers() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let collector = join(&app, &owner, &app.email("c1"), "COLLECTOR").await;
    let sales = join(&app, &owner, &app.email("sales"), "SALES").await;
    let a = create_customer(
        &app,
        &owner,
        "A",
        json!({ "collectorId": collector.user_id, "salespersonId": sales.user_id }),
    )
    .await;
    overdue(&app, &owner, &a, "800", 16).await;
    let now = today(&app, &owner).await;
    run_on(&app, &owner, now).await;
    const CHANGE: &str = "mutation($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { member { role } } }";
    const PEOPLE: &str =
        "query($id: ID!) { customer(id: $id) { collector { id } salesperson { id } } }";

    // The salesperson becomes a collector: no longer selling, not yet collecting for A.
    ok(
        &app,
        &owner,
        CHANGE,
        json!({ "input": { "userId": sales.user_id, "role": "COLLECTOR" } }),
        "changeMemberRole",
    )
    .await;
    let people = ok(&app, &owner, PEOPLE, json!({ "id": id(&a) }), "customer").await;
    assert_eq!(
        people["collector"]["id"],
        collector.user_id.as_str(),
        "{people}"
    );
    assert_eq!(people["salesperson"], Value::Null, "{people}");
    // The collector becomes a viewer: off A, and the ladder's call waits for someone.
    ok(
        &app,
        &owner,
        CHANGE,
        json!({ "input": { "userId": collector.user_id, "role": "VIEWER" } }),
        "changeMemberRole",
    )
    .await;
    let people = ok(&app, &owner, PEOPLE, json!({ "id": id(&a) }), "customer").await;
    assert_eq!(people["collector"], Value::Null, "{people}");
    let tasks = ok(
        &app,
        &owner,
        TASKS,
        json!({ "filter": { "scope": "UNASSIGNED" } }),
        "tasks",
    )
    .await;
    assert_eq!(tasks["totalCount"], 1, "{tasks}");
    // A role that still collects keeps everything.
    let b = create_customer(&app, &owner, "B", json!({ "collectorId": sales.user_id })).await;
    ok(
        &app,
        &owner,
        CHANGE,
        json!({ "input": { "userId": sales.user_id, "role": "FINANCE_MANAGER" } }),
        "changeMemberRole",
    )
    .await;
    let people = ok(&app, &owner, PEOPLE, json!({ "id": id(&b) }), "customer").await;
    assert_eq!(
        people["collector"]["id"],
        sales.user_id.as_str(),
        "{people}"
    );
}

#[tokio::test]
async fn a_read_only_company_can_still_remove_a_member_and_their_customers_are_released() {
    use sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let collector = join(&app, &owner, &app.email("c1"), "COLLECTOR").await;
    let a = create_customer(
        &app,
        &owner,
        "A",
        json!({ "collectorId": collector.user_id }),
    )
    .await;
    // The subscription ended past its grace period.
    let lapsed = app
        .db
        .execute_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "UPDATE public.subscriptions SET read_only_from = now() - interval '1 day' WHERE tenant_id = $1",
            [owner.tenant_id.0.into()],
        ))
        .await
        .unwrap();
    assert_eq!(lapsed.rows_affected(), 1);
    // Changed by SQL, past the app: the replica hears of it from the database.
    let refused = within_a_second(
        &app,
        &owner.access_token,
        ASSIGN,
        json!({ "input": { "customerIds": [id(&a)], "collectorId": null } }),
        |body| error_codes(body) == ["READ_ONLY"],
    )
    .await;
    assert_eq!(error_codes(&refused), ["READ_ONLY"], "{refused}");

    ok(
        &app,
        &owner,
        "mutation($input: RemoveMemberInput!) { removeMember(input: $input) { removedUserId } }",
        json!({ "input": { "userId": collector.user_id } }),
        "removeMember",
    )
    .await;
    let customer = ok(
        &app,
        &owner,
        "query($id: ID!) { customer(id: $id) { collector { id } } }",
        json!({ "id": id(&a) }),
        "customer",
    )
    .await;
    assert_eq!(customer["collector"], Value::Null, "{customer}");
}
