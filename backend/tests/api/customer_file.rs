//! The customer file: a customer's own language, and contacts with their language, mobile,
//! WeChat id and whether they receive billing; checked field by field; and the billing contacts
//! receiving dunning emails and statements, each in their own language.

use crate::helpers::{TestApp, TestSession, count, error_codes, spawn_app};
use crate::kit::{create_customer, issue_invoice, ok};
use chrono::{Days, NaiveDate};
use duely_backend::collections::run::{self, Trigger};
use duely_backend::startup::AppLinks;
use serde_json::{Value, json};

const FIELDS: &str = "id code name locale contacts { name role email phone preferredChannel locale mobile wechatId billing }";

fn create_query() -> String {
    format!(
        "mutation($input: CreateCustomerInput!) {{ createCustomer(input: $input) {{ customer {{ {FIELDS} }} }} }}"
    )
}

fn update_query() -> String {
    format!(
        "mutation($input: UpdateCustomerInput!) {{ updateCustomer(input: $input) {{ customer {{ {FIELDS} }} }} }}"
    )
}

fn read_query() -> String {
    format!("query($id: ID!) {{ customer(id: $id) {{ {FIELDS} }} }}")
}

fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

async fn today(app: &TestApp, session: &TestSession) -> NaiveDate {
    duely_backend::db::tenant_calendar(&app.db, session.tenant_id)
        .await
        .unwrap()
        .today
}

async fn run_on(app: &TestApp, session: &TestSession, date: NaiveDate) -> run::Counts {
    let links = AppLinks {
        public_url: app.address.clone(),
        sealer: duely_backend::secrets::Sealer::from_hex(&"5a".repeat(32).into()).unwrap(),
        environment: duely_backend::config::Environment::Development,
        messaging: crate::helpers::messaging_endpoints(),
    };
    run::run_tenant(&app.db, &links, session.tenant_id, date, Trigger::Schedule)
        .await
        .unwrap()
        .1
}

fn first_error(body: &Value) -> (String, String, Value) {
    let extensions = &body["errors"][0]["extensions"];
    (
        extensions["reason"].as_str().unwrap_or("").to_owned(),
        extensions["field"].as_str().unwrap_or("").to_owned(),
        extensions["params"].clone(),
    )
}

async fn create(app: &TestApp, session: &TestSession, input: Value) -> Value {
    ok(
        app,
        session,
        &create_query(),
        json!({ "input": input }),
        "createCustomer",
    )
    .await["customer"]
        .clone()
}

async fn update(app: &TestApp, session: &TestSession, input: Value) -> Value {
    ok(
        app,
        session,
        &update_query(),
        json!({ "input": input }),
        "updateCustomer",
    )
    .await["customer"]
        .clone()
}

#[tokio::test]
async fn a_customer_keeps_its_language_and_contacts_and_null_gives_it_back_the_companys() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let created = create(
        &app,
        &owner,
        json!({
            "name": "Yuanhang Trading", "code": "YH-1", "locale": "EN",
            "contacts": [
                { "name": "Wang Fang", "role": "Accounts payable", "email": "wang@yuanhang.example",
                  "phone": "021-5555 0101", "mobile": "+86 138 0013 8000", "wechatId": "wang_fang-88",
                  "preferredChannel": "WECHAT", "locale": "ZH_CN", "billing": true },
                { "name": "Tom Li", "email": "tom@yuanhang.example", "mobile": " 139 0000 0000 " },
            ],
        }),
    )
    .await;
    assert_eq!(created["locale"], "EN", "{created}");
    let wang = json!({
        "name": "Wang Fang", "role": "Accounts payable", "email": "wang@yuanhang.example",
        "phone": "021-5555 0101", "preferredChannel": "WECHAT", "locale": "ZH_CN",
        "mobile": "+86 138 0013 8000", "wechatId": "wang_fang-88", "billing": true,
    });
    let tom = json!({
        "name": "Tom Li", "role": null, "email": "tom@yuanhang.example", "phone": null,
        "preferredChannel": null, "locale": null, "mobile": "139 0000 0000", "wechatId": null,
        "billing": false,
    });
    assert_eq!(created["contacts"], json!([wang, tom]), "{created}");
    let customer = id(&created);

    // Read back as it was written.
    let read = ok(
        &app,
        &owner,
        &read_query(),
        json!({ "id": customer }),
        "customer",
    )
    .await;
    assert_eq!(read, created);

    // A change that names neither the language nor the contacts keeps both.
    let renamed = update(
        &app,
        &owner,
        json!({ "customerId": customer, "name": "Yuanhang Trading Co" }),
    )
    .await;
    assert_eq!(renamed["name"], "Yuanhang Trading Co");
    assert_eq!(renamed["locale"], "EN", "left out: unchanged");
    assert_eq!(renamed["contacts"], created["contacts"]);

    // Contacts given replace them, with their new fields.
    let replaced = update(
        &app,
        &owner,
        json!({ "customerId": customer, "contacts": [
            { "name": "Tom Li", "email": "tom@yuanhang.example", "locale": "EN", "billing": true,
              "wechatId": "a" },
        ] }),
    )
    .await;
    assert_eq!(
        replaced["contacts"],
        json!([{
            "name": "Tom Li", "role": null, "email": "tom@yuanhang.example", "phone": null,
            "preferredChannel": null, "locale": "EN", "mobile": null, "wechatId": "a",
            "billing": true,
        }]),
        "{replaced}"
    );
    assert_eq!(replaced["locale"], "EN");

    // An explicit null gives the customer back the company's language; the rest stays.
    let cleared = update(
        &app,
        &owner,
        json!({ "customerId": customer, "locale": null }),
    )
    .await;
    assert_eq!(cleared["locale"], Value::Null, "{cleared}");
    assert_eq!(cleared["contacts"], replaced["contacts"]);
    let read = ok(
        &app,
        &owner,
        &read_query(),
        json!({ "id": customer }),
        "customer",
    )
    .await;
    assert_eq!(read["locale"], Value::Null, "{read}");

    let chinese = update(
        &app,
        &owner,
        json!({ "customerId": customer, "locale": "ZH_CN" }),
    )
    .await;
    assert_eq!(chinese["locale"], "ZH_CN");

    // Without a language of its own a customer speaks the company's; contacts receive no
    // billing unless they are marked.
    let plain = create(
        &app,
        &owner,
        json!({ "name": "Plain", "code": "P-1", "contacts": [{ "name": "Zhao Min" }] }),
    )
    .await;
    assert_eq!(plain["locale"], Value::Null);
    assert_eq!(plain["contacts"][0]["billing"], false);
    assert_eq!(plain["contacts"][0]["locale"], Value::Null);
}

#[tokio::test]
async fn contacts_mobiles_and_wechat_ids_are_checked_and_errors_name_the_contact() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let schema = owner.tenant_id.schema_name();
    let cases = [
        (
            json!([{ "name": "A" }, { "name": "B", "mobile": "1".repeat(41) }]),
            "TEXT_LENGTH",
            "input.contacts[1].mobile",
            40,
        ),
        (
            json!([{ "name": "A", "wechatId": "w".repeat(65) }]),
            "TEXT_LENGTH",
            "input.contacts[0].wechatId",
            64,
        ),
        (
            json!([{ "name": "A", "wechatId": "wang fang" }]),
            "INVALID_CHARACTERS",
            "input.contacts[0].wechatId",
            64,
        ),
        (
            json!([{ "name": "A" }, { "name": "B" }, { "name": "C", "wechatId": "微信号" }]),
            "INVALID_CHARACTERS",
            "input.contacts[2].wechatId",
            64,
        ),
        (
            json!([{ "name": "A", "wechatId": "wang.fang" }]),
            "INVALID_CHARACTERS",
            "input.contacts[0].wechatId",
            64,
        ),
    ];
    for (contacts, reason, field, max) in &cases {
        let body = app
            .graphql_as(
                &owner.access_token,
                &create_query(),
                json!({ "input": { "name": "X", "code": "X-1", "contacts": contacts } }),
            )
            .await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{body}");
        let (got_reason, got_field, params) = first_error(&body);
        assert_eq!(
            (got_reason.as_str(), got_field.as_str()),
            (*reason, *field),
            "{body}"
        );
        assert_eq!(params["max"], *max, "{body}");
    }
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT count(*) FROM \"{schema}\".customers")
        )
        .await,
        0,
        "nothing refused was written"
    );

    // The longest allowed pass.
    let longest = create(
        &app,
        &owner,
        json!({ "name": "X", "code": "X-1", "contacts": [
            { "name": "A", "mobile": "1".repeat(40), "wechatId": format!("w{}", "_-9".repeat(21)) },
        ] }),
    )
    .await;
    assert_eq!(longest["contacts"][0]["mobile"], "1".repeat(40));
    assert_eq!(
        longest["contacts"][0]["wechatId"],
        format!("w{}", "_-9".repeat(21))
    );

    // The same checks on a change, and a refused change keeps the contacts as they were.
    let refused = app
        .graphql_as(
            &owner.access_token,
            &update_query(),
            json!({ "input": { "customerId": id(&longest), "locale": "EN", "contacts": [
                { "name": "A" }, { "name": "B", "wechatId": "id with spaces" },
            ] } }),
        )
        .await;
    assert_eq!(error_codes(&refused), ["VALIDATION"], "{refused}");
    let (reason, field, _) = first_error(&refused);
    assert_eq!(
        (reason.as_str(), field.as_str()),
        ("INVALID_CHARACTERS", "input.contacts[1].wechatId")
    );
    let read = ok(
        &app,
        &owner,
        &read_query(),
        json!({ "id": id(&longest) }),
        "customer",
    )
    .await;
    assert_eq!(read["contacts"], longest["contacts"]);
    assert_eq!(
        read["locale"],
        Value::Null,
        "the refused change wrote nothing"
    );
}

#[tokio::test]
async fn dunning_and_statements_go_to_the_billing_contacts_each_in_their_own_language() {
    let app = spawn_app().await;
    // The company speaks Chinese (the default).
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let (sales, ap, cfo, buyer) = (
        app.email("sales"),
        app.email("ap"),
        app.email("cfo"),
        app.email("buyer"),
    );
    // The sales contact prefers email and comes first: without billing contacts, they would
    // get the letters.
    let billed = create_customer(
        &app,
        &owner,
        "YH-1",
        json!({ "locale": "EN", "contacts": [
            { "name": "Sales", "email": sales, "preferredChannel": "EMAIL" },
            { "name": "AP", "email": ap, "billing": true },
            { "name": "CFO", "email": cfo, "billing": true, "locale": "ZH_CN" },
        ] }),
    )
    .await;
    // No billing contact: the first contact, in the customer's language.
    let plain = create_customer(
        &app,
        &owner,
        "YH-2",
        json!({ "locale": "EN", "contacts": [{ "name": "Buyer", "email": buyer }] }),
    )
    .await;
    let due = today(&app, &owner).await + Days::new(3);
    for customer in [&billed, &plain] {
        issue_invoice(
            &app,
            &owner,
            &id(customer),
            "1200",
            json!({ "issueDate": (due - Days::new(30)).to_string(), "dueDate": due.to_string() }),
        )
        .await;
    }

    // Three days before the due date: the polite reminder.
    let counts = run_on(&app, &owner, due - Days::new(3)).await;
    assert_eq!(
        counts.emails, 3,
        "two billing contacts and one buyer: {counts:?}"
    );
    let outbox = |to: &str, like: &str| {
        format!(
            "SELECT count(*) FROM public.email_outbox WHERE to_address = '{to}' AND body_text LIKE '%{like}%'"
        )
    };
    // The billing contact without a language of their own reads the customer's (English).
    assert_eq!(count(&app.db, &outbox(&ap, "fall due soon")).await, 1);
    // The one with their own reads Chinese.
    assert_eq!(count(&app.db, &outbox(&cfo, "即将到期")).await, 1);
    assert_eq!(count(&app.db, &outbox(&cfo, "fall due soon")).await, 0);
    // The contact who does not receive billing gets nothing.
    assert_eq!(count(&app.db, &outbox(&sales, "")).await, 0);
    // Without billing contacts: the first contact, in the customer's language.
    assert_eq!(count(&app.db, &outbox(&buyer, "fall due soon")).await, 1);
    // And through the mail server.
    let english = app.email_to(&ap).await;
    assert!(english.contains("fall due soon"), "{english}");
    assert!(english.contains("/s/duely_stm_"), "{english}");
    let chinese = app.email_to(&cfo).await;
    assert!(chinese.contains("以下发票即将到期"), "{chinese}");

    // A statement without an address goes to the billing contacts, each in their language.
    let today = today(&app, &owner).await;
    let sent = ok(
        &app,
        &owner,
        "mutation($input: SendStatementInput!) { sendStatement(input: $input) { sentTo } }",
        json!({ "input": { "customerId": id(&billed), "from": (today - Days::new(90)).to_string(),
                           "to": today.to_string() } }),
        "sendStatement",
    )
    .await;
    assert_eq!(sent["sentTo"], format!("{ap}, {cfo}"), "{sent}");
    assert_eq!(count(&app.db, &outbox(&ap, "account statement")).await, 1);
    assert_eq!(count(&app.db, &outbox(&cfo, "请核对")).await, 1);
    assert_eq!(count(&app.db, &outbox(&sales, "")).await, 0);

    // Asked for by address, a contact still reads their own language.
    let to_sales = ok(
        &app,
        &owner,
        "mutation($input: SendStatementInput!) { sendStatement(input: $input) { sentTo } }",
        json!({ "input": { "customerId": id(&billed), "from": (today - Days::new(90)).to_string(),
                           "to": today.to_string(), "email": sales } }),
        "sendStatement",
    )
    .await;
    assert_eq!(to_sales["sentTo"], sales);
    assert_eq!(
        count(&app.db, &outbox(&sales, "account statement")).await,
        1
    );
}
