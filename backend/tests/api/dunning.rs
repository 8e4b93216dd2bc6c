//! The dunning run and what it leaves: emails through the SMTP sink, tasks, late fees and
//! interest, credit holds and their release, legal cases; the worklist; alerts of broken
//! promises. The run's clock is its `date` argument, as the daily job's is.

use crate::helpers::{TestApp, TestSession, count, error_codes, spawn_app};
use crate::kit::{create_customer, invoice, issue_invoice, ok, record_payment_raw};
use chrono::{Days, NaiveDate};
use duely_backend::collections::promises;
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

async fn invoice_due(
    app: &TestApp,
    session: &TestSession,
    customer: &Value,
    amount: &str,
    due: NaiveDate,
) -> Value {
    issue_invoice(
        app,
        session,
        &id(customer),
        amount,
        json!({ "issueDate": (due - Days::new(30)).to_string(), "dueDate": due.to_string() }),
    )
    .await
}

async fn pay(app: &TestApp, session: &TestSession, customer: &Value, amount: &str, on: NaiveDate) {
    let body = record_payment_raw(
        app,
        session,
        json!({ "customerId": id(customer), "amount": amount, "currency": "CNY",
                "receivedOn": on.to_string(), "method": "BANK_TRANSFER" }),
    )
    .await;
    assert!(body.get("errors").is_none(), "{body}");
}

/// Puts the company on the FREE plan (a daily limit on customer emails) with `sent` customer
/// emails already gone out today.
async fn on_free_plan_with_customer_emails_sent_today(
    app: &TestApp,
    owner: &TestSession,
    sent: i32,
) {
    duely_backend::billing::plans::grant(&app.db, owner.tenant_id, domain::billing::Plan::Free)
        .await
        .unwrap();
    sea_orm::ConnectionTrait::execute_raw(
        &app.db,
        sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "INSERT INTO public.email_outbox (id, tenant_id, to_address, subject, body_text, audience, sent_at)
             SELECT gen_random_uuid(), $1, 'x@example.com', 'earlier', 'earlier', 'CUSTOMER', now()
             FROM generate_series(1, $2)",
            [owner.tenant_id.0.into(), sent.into()],
        ),
    )
    .await
    .unwrap();
}

fn count_in(schema: &str, sql: &str) -> String {
    sql.replace("{s}", &format!("\"{schema}\""))
}

#[tokio::test]
async fn a_run_sends_one_email_per_customer_and_step_and_never_twice() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme Trading", &app.email("owner")).await;
    let schema = owner.tenant_id.schema_name();
    let payer = app.email("ap");
    let written = create_customer(
        &app,
        &owner,
        "A",
        json!({ "name": "Alpha <Ltd> & Co", "contacts": [{ "name": "Li Na", "email": payer }] }),
    )
    .await;
    let silent = create_customer(&app, &owner, "B", json!({})).await;
    let due = today(&app, &owner).await + Days::new(3);
    let first = invoice_due(&app, &owner, &written, "1200", due).await;
    let second = invoice_due(&app, &owner, &written, "300.50", due).await;
    invoice_due(&app, &owner, &silent, "80", due).await;

    // Three days before the due date: the polite reminder, one email listing both invoices.
    let counts = run_on(&app, &owner, due - Days::new(3)).await;
    assert_eq!(
        (counts.customers, counts.emails, counts.tasks),
        (2, 1, 1),
        "{counts:?}"
    );
    let mail = app.email_to(&payer).await;
    assert!(mail.contains(first["number"].as_str().unwrap()), "{mail}");
    assert!(mail.contains(second["number"].as_str().unwrap()), "{mail}");
    assert!(mail.contains("1,500.50"), "the total: {mail}");
    assert!(
        mail.contains("/s/duely_stm_"),
        "a link to the statement: {mail}"
    );
    // The customer's name is escaped in the HTML part and plain in the text part.
    assert!(mail.contains("Alpha &lt;Ltd&gt; &amp; Co"), "{mail}");
    assert!(mail.contains("Alpha <Ltd> & Co"), "{mail}");

    // The customer without an email address gets a task for the collector instead.
    assert_eq!(
        count(
            &app.db,
            &count_in(
                &schema,
                "SELECT count(*) FROM {s}.collection_tasks WHERE kind = 'EMAIL'"
            )
        )
        .await,
        1
    );

    // Running again (a retried job, a second replica) does nothing twice.
    let again = run_on(&app, &owner, due - Days::new(3)).await;
    assert_eq!(
        (again.customers, again.emails, again.tasks),
        (0, 0, 0),
        "{again:?}"
    );
    assert_eq!(
        count(
            &app.db,
            "SELECT count(*) FROM public.email_outbox WHERE subject LIKE '%Acme Trading%'"
        )
        .await,
        1
    );

    // Run history, and the step in the customer's timeline.
    let runs = ok(
        &app,
        &owner,
        "{ dunningRuns(first: 10) { totalCount edges { node { runDate emails tasks customers failures } } } }",
        json!({}),
        "dunningRuns",
    )
    .await;
    assert_eq!(
        runs["totalCount"], 1,
        "the day's scheduled run, run twice, is one run: {runs}"
    );
    assert_eq!(runs["edges"][0]["node"]["emails"], 1, "{runs}");
    let timeline = ok(
        &app,
        &owner,
        "query($id: ID!) { customer(id: $id) { timeline { kind reference actor detail } } }",
        json!({ "id": id(&written) }),
        "customer",
    )
    .await;
    let entry = timeline["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["kind"] == "COLLECTION_ACTIVITY")
        .cloned()
        .unwrap_or_else(|| panic!("{timeline}"));
    assert_eq!(entry["reference"], "EMAIL");
    assert_eq!(entry["actor"], "Dunning");
    assert!(
        entry["detail"].as_str().unwrap().contains(&payer),
        "{entry}"
    );
}

#[tokio::test]
async fn admins_write_step_emails_and_the_run_uses_them() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let policies = ok(
        &app,
        &owner,
        "{ dunningPolicies { id } }",
        json!({}),
        "dunningPolicies",
    )
    .await;
    let policy = id(&policies[0]);
    let templates = ok(
        &app,
        &owner,
        "query($id: ID!) { emailTemplates(policyId: $id) { stepOffset locale isDefault subject } }",
        json!({ "id": policy }),
        "emailTemplates",
    )
    .await;
    // Four email steps in the default ladder, in two languages each.
    assert_eq!(templates.as_array().unwrap().len(), 8, "{templates}");
    const SAVE: &str = "mutation($input: SaveEmailTemplateInput!) { saveEmailTemplate(input: $input) { template { isDefault subject body } } }";
    let bad = app
        .graphql_as(
            &owner.access_token,
            SAVE,
            json!({ "input": { "policyId": policy, "stepOffset": 7, "locale": "zh-CN",
                               "subject": "提醒", "body": "您好 {{customer.nmae}}" } }),
        )
        .await;
    assert_eq!(error_codes(&bad), ["VALIDATION"]);
    assert_eq!(bad["errors"][0]["extensions"]["field"], "input.body");
    assert!(
        bad["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("{{customer.name}}"),
        "{bad}"
    );
    let no_step = app
        .graphql_as(
            &owner.access_token,
            SAVE,
            json!({ "input": { "policyId": policy, "stepOffset": 15, "locale": "zh-CN", "subject": "x", "body": "y" } }),
        )
        .await;
    assert_eq!(
        no_step["errors"][0]["extensions"]["field"], "input.stepOffset",
        "the +15 step is a call"
    );
    let saved = ok(
        &app,
        &owner,
        SAVE,
        json!({ "input": { "policyId": policy, "stepOffset": 7, "locale": "zh-CN",
                           "subject": "{{company.name}} 第二次提醒", "body": "尊敬的 {{customer.name}}：请支付 {{total}}。\n{{invoices}}" } }),
        "saveEmailTemplate",
    )
    .await;
    assert_eq!(saved["template"]["isDefault"], false);

    let to = app.email("payables");
    let customer = create_customer(
        &app,
        &owner,
        "C",
        json!({ "contacts": [{ "name": "AP", "email": to }] }),
    )
    .await;
    let due = today(&app, &owner).await - Days::new(7);
    invoice_due(&app, &owner, &customer, "99", due).await;
    run_on(&app, &owner, due + Days::new(7)).await;
    let mail = app.email_to(&to).await;
    assert!(mail.contains("请支付 ¥99.00"), "{mail}");
}

#[tokio::test]
async fn late_fees_follow_partial_payments_are_never_charged_twice_and_can_be_waived() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let customer = create_customer(&app, &owner, "F", json!({})).await;
    let due = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let original = invoice_due(&app, &owner, &customer, "1000", due).await;
    pay(&app, &owner, &customer, "400", due + Days::new(10)).await;

    // Day 31: the default ladder's late fee, 1.5% of the 600 still owed.
    let counts = run_on(&app, &owner, due + Days::new(31)).await;
    assert_eq!(counts.fees, 1, "{counts:?}");
    let fees = ok(
        &app,
        &owner,
        "query($id: ID!) { invoice(id: $id) { lateFees { id kind amount { amount } feeInvoiceNumber periodFrom periodTo waivedAt } } }",
        json!({ "id": id(&original) }),
        "invoice",
    )
    .await;
    let fee = &fees["lateFees"][0];
    assert_eq!(fee["kind"], "PERCENT");
    assert_eq!(fee["amount"]["amount"], "9.00");
    assert_eq!(
        run_on(&app, &owner, due + Days::new(31)).await.fees,
        0,
        "never twice"
    );

    // The fee invoice is an invoice of its own, linked to the original.
    let fee_invoice = ok(
        &app,
        &owner,
        "query($f: InvoiceFilter) { invoices(filter: $f) { edges { node { id number total { amount } feeForInvoiceId status } } } }",
        json!({ "f": { "search": fee["feeInvoiceNumber"] } }),
        "invoices",
    )
    .await["edges"][0]["node"]
        .clone();
    assert_eq!(fee_invoice["feeForInvoiceId"], original["id"]);
    assert_eq!(fee_invoice["total"]["amount"], "9.00");

    // Waived with a reason: the unpaid fee invoice is voided; a second waiver is refused.
    const WAIVE: &str = "mutation($input: WaiveFeeInput!) { waiveFee(input: $input) { fee { waivedAt waiveReason } } }";
    let waived = ok(
        &app,
        &owner,
        WAIVE,
        json!({ "input": { "feeId": fee["id"], "reason": "Goodwill: first delay" } }),
        "waiveFee",
    )
    .await;
    assert_eq!(waived["fee"]["waiveReason"], "Goodwill: first delay");
    assert_eq!(
        invoice(&app, &owner, &id(&fee_invoice)).await["status"],
        "VOID"
    );
    let twice = app
        .graphql_as(
            &owner.access_token,
            WAIVE,
            json!({ "input": { "feeId": fee["id"], "reason": "again" } }),
        )
        .await;
    assert_eq!(error_codes(&twice), ["CONFLICT"]);
    let blank = app
        .graphql_as(
            &owner.access_token,
            WAIVE,
            json!({ "input": { "feeId": fee["id"], "reason": " " } }),
        )
        .await;
    assert_eq!(blank["errors"][0]["extensions"]["field"], "input.reason");
}

/// A step over several invoices charges them together: their fee invoices take the next free
/// numbers in the invoices' order, passing a number typed by hand, and nothing twice.
#[tokio::test]
async fn fees_on_several_invoices_take_the_next_free_numbers_in_order_and_never_twice() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let customer = create_customer(&app, &owner, "F", json!({})).await;
    let due = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let mut originals = Vec::new();
    for (amount, days) in [("1000", 2), ("2000", 1), ("3000", 0)] {
        originals.push(invoice_due(&app, &owner, &customer, amount, due - Days::new(days)).await);
    }
    let numbers: Vec<&str> = originals
        .iter()
        .map(|invoice| invoice["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["INV-000001", "INV-000002", "INV-000003"]);
    // A number the sequence comes to next but one, typed by hand on a fourth invoice.
    let typed = issue_invoice(
        &app,
        &owner,
        &id(&customer),
        "10",
        json!({ "issueDate": due.to_string(), "dueDate": (due + Days::new(90)).to_string(),
                "number": "INV-000005" }),
    )
    .await;
    assert_eq!(typed["number"], "INV-000005");

    let counts = run_on(&app, &owner, due + Days::new(31)).await;
    assert_eq!(counts.fees, 3, "{counts:?}");
    let mut charged = Vec::new();
    for original in &originals {
        let fees = ok(
            &app,
            &owner,
            "query($id: ID!) { invoice(id: $id) { lateFees { feeInvoiceNumber amount { amount } } } }",
            json!({ "id": id(original) }),
            "invoice",
        )
        .await;
        let fees = fees["lateFees"].as_array().unwrap().clone();
        assert_eq!(fees.len(), 1, "{fees:?}");
        charged.push((
            fees[0]["feeInvoiceNumber"].as_str().unwrap().to_owned(),
            fees[0]["amount"]["amount"].as_str().unwrap().to_owned(),
        ));
    }
    // Oldest first; 1.5% of each.
    assert_eq!(
        charged,
        [
            ("INV-000004".to_owned(), "15.00".to_owned()),
            ("INV-000006".to_owned(), "30.00".to_owned()),
            ("INV-000007".to_owned(), "45.00".to_owned()),
        ]
    );
    assert_eq!(
        run_on(&app, &owner, due + Days::new(32)).await.fees,
        0,
        "never twice"
    );
}

/// An installment plan is dunned by its installments: one past due reaches the ladder even when
/// the invoice's own due date is months away. A percentage fee is charged on what is past due:
/// on the plan, the installments due, not the later ones; on another invoice, its balance.
#[tokio::test]
async fn an_installment_past_due_is_dunned_and_charged_its_fee_whatever_the_invoice_s_due_date() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let customer = create_customer(&app, &owner, "F", json!({})).await;
    let due = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let plain = invoice_due(&app, &owner, &customer, "2000", due).await;
    let split = issue_invoice(
        &app,
        &owner,
        &id(&customer),
        "1000",
        json!({ "issueDate": (due - Days::new(30)).to_string(),
                "dueDate": (due + Days::new(200)).to_string() }),
    )
    .await;
    ok(
        &app,
        &owner,
        "mutation($input: SetInstallmentPlanInput!) { setInstallmentPlan(input: $input) { invoice { id } } }",
        json!({ "input": { "invoiceId": id(&split), "installments": [
            { "dueDate": due.to_string(), "amount": "400" },
            { "dueDate": (due + Days::new(200)).to_string(), "amount": "600" },
        ] } }),
        "setInstallmentPlan",
    )
    .await;

    let counts = run_on(&app, &owner, due + Days::new(31)).await;
    assert_eq!(counts.fees, 2, "{counts:?}");
    for (invoice, fee) in [(&plain, "30.00"), (&split, "6.00")] {
        let fees = ok(
            &app,
            &owner,
            "query($id: ID!) { invoice(id: $id) { lateFees { amount { amount } } } }",
            json!({ "id": id(invoice) }),
            "invoice",
        )
        .await;
        assert_eq!(fees["lateFees"][0]["amount"]["amount"], fee, "{fees}");
    }
}

#[tokio::test]
async fn interest_accrues_on_the_balance_day_by_day_and_is_billed_by_period() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let saved = ok(&app, &owner,
        "mutation($input: SaveDunningPolicyInput!) { saveDunningPolicy(input: $input) { policy { id feeRule { kind annualRatePercent graceDays capPercent } } } }",
        json!({ "input": { "name": "Interest", "makeDefault": true,
            "steps": [{ "offsetDays": 11, "action": "LATE_FEE", "name": "Interest" }],
            "feeRule": { "kind": "INTEREST", "annualRatePercent": "36.5", "graceDays": 0, "capPercent": "5" } } }),
        "saveDunningPolicy").await;
    assert_eq!(saved["policy"]["feeRule"]["annualRatePercent"], "36.5");
    let bad = app.graphql_as(&owner.access_token,
        "mutation($input: SaveDunningPolicyInput!) { saveDunningPolicy(input: $input) { policy { id } } }",
        json!({ "input": { "name": "Bad fee", "steps": [{ "offsetDays": 1, "action": "LATE_FEE", "name": "Fee" }],
            "feeRule": { "kind": "INTEREST", "annualRatePercent": "150" } } })).await;
    assert_eq!(
        bad["errors"][0]["extensions"]["field"], "input.feeRule.annualRatePercent",
        "{bad}"
    );

    let customer = create_customer(&app, &owner, "I", json!({})).await;
    let due = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let original = invoice_due(&app, &owner, &customer, "1000", due).await;
    // 0.1% a day: 1,000 owed from 2 to 5 January, then 600 after a payment on the 6th.
    pay(&app, &owner, &customer, "400", due + Days::new(5)).await;
    let first_bill = run_on(&app, &owner, due + Days::new(11)).await;
    assert_eq!(first_bill.fees, 1, "{first_bill:?}");
    // Billed again only once 30 days have passed since the last bill.
    assert_eq!(run_on(&app, &owner, due + Days::new(20)).await.fees, 0);
    assert_eq!(run_on(&app, &owner, due + Days::new(41)).await.fees, 1);
    let fees = ok(
        &app,
        &owner,
        "query($id: ID!) { invoice(id: $id) { lateFees { kind amount { amount } periodFrom periodTo } } }",
        json!({ "id": id(&original) }),
        "invoice",
    )
    .await["lateFees"]
        .clone();
    // 2..5 Jan: 4 x 1.00; 6..12 Jan: 7 x 0.60 = 4.20.
    assert_eq!(fees[0]["amount"]["amount"], "8.20", "{fees}");
    assert_eq!(
        (fees[0]["periodFrom"].as_str(), fees[0]["periodTo"].as_str()),
        (Some("2026-01-02"), Some("2026-01-12"))
    );
    // 13 Jan..11 Feb: 30 x 0.60 = 18.00, but the cap (5% of 1,000 = 50) is not reached.
    assert_eq!(fees[1]["amount"]["amount"], "18.00", "{fees}");
    assert_eq!(fees[1]["periodFrom"], "2026-01-13");
}

#[tokio::test]
async fn holds_placed_by_the_ladder_are_released_when_nothing_is_overdue() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let schema = owner.tenant_id.schema_name();
    let customer = create_customer(&app, &owner, "H", json!({})).await;
    let due = today(&app, &owner).await - Days::new(45);
    invoice_due(&app, &owner, &customer, "500", due).await;
    let counts = run_on(&app, &owner, due + Days::new(45)).await;
    assert_eq!(counts.holds, 1, "{counts:?}");
    let held = crate::kit::customer(&app, &owner, &id(&customer)).await;
    assert_eq!(held["creditHold"], true);
    // In the company's language (Chinese by default).
    assert_eq!(held["creditHoldReason"], "催收步骤：信用冻结");

    // Paid in full: the next run releases the hold, with the reason in the credit history.
    pay(&app, &owner, &customer, "500", today(&app, &owner).await).await;
    let counts = run_on(&app, &owner, today(&app, &owner).await).await;
    assert_eq!(counts.releases, 1, "{counts:?}");
    assert_eq!(
        crate::kit::customer(&app, &owner, &id(&customer)).await["creditHold"],
        false
    );
    assert_eq!(
        count(&app.db, &count_in(&schema, "SELECT count(*) FROM {s}.credit_events WHERE kind = 'HOLD_RELEASED' AND actor_label = 'Dunning'")).await,
        1
    );
    // A hold placed by hand stays until released by hand.
    ok(&app, &owner, "mutation($input: PlaceCreditHoldInput!) { placeCreditHold(input: $input) { customer { creditHold } } }",
        json!({ "input": { "customerId": id(&customer), "reason": "Audit pending" } }), "placeCreditHold").await;
    assert_eq!(
        run_on(&app, &owner, today(&app, &owner).await)
            .await
            .releases,
        0
    );
    assert_eq!(
        crate::kit::customer(&app, &owner, &id(&customer)).await["creditHold"],
        true
    );
}

const WORKLIST: &str = "query($c: ID) { worklist(collectorId: $c) { totalCount edges { node {
    rank customer { code } overdue { amount } expectedRecovery { amount } likelihoodToPay
    reasons { code value days } tasks { id kind title } openPromise } } } }";

#[tokio::test]
async fn the_worklist_ranks_by_expected_recovery_and_completing_a_task_logs_it() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let collector = crate::kit::join(&app, &owner, &app.email("collector"), "COLLECTOR").await;
    let other = crate::kit::join(&app, &owner, &app.email("other"), "COLLECTOR").await;
    let assigned = json!({ "collectorId": collector.user_id });
    let big = create_customer(&app, &owner, "BIG", assigned.clone()).await;
    let small = create_customer(&app, &owner, "SMALL", assigned.clone()).await;
    create_customer(
        &app,
        &owner,
        "ELSE",
        json!({ "collectorId": other.user_id }),
    )
    .await;
    let now = today(&app, &owner).await;
    invoice_due(&app, &owner, &big, "9000", now - Days::new(15)).await;
    invoice_due(&app, &owner, &small, "300", now - Days::new(40)).await;
    // The run's +15 step gives the collector a call task for BIG today.
    run_on(&app, &owner, now).await;

    let list = ok(&app, &collector, WORKLIST, json!({}), "worklist").await;
    assert_eq!(
        list["totalCount"], 2,
        "only the collector's customers: {list}"
    );
    let top = &list["edges"][0]["node"];
    assert_eq!(top["customer"]["code"], "BIG", "{list}");
    assert_eq!(top["rank"], 1);
    let codes: Vec<&str> = top["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"OVERDUE") && codes.contains(&"TASK_DUE") && codes.contains(&"NO_HISTORY"),
        "{codes:?}"
    );
    let task = top["tasks"][0].clone();
    assert_eq!(task["kind"], "CALL");

    // A collector cannot read another's list; a manager can pick any collector.
    let forbidden = app
        .graphql_as(
            &collector.access_token,
            WORKLIST,
            json!({ "c": other.user_id }),
        )
        .await;
    assert_eq!(error_codes(&forbidden), ["FORBIDDEN"]);
    let managed = ok(
        &app,
        &owner,
        WORKLIST,
        json!({ "c": collector.user_id }),
        "worklist",
    )
    .await;
    assert_eq!(managed["totalCount"], 2);

    const COMPLETE: &str = "mutation($input: CompleteTaskInput!) { completeTask(input: $input) {
        task { status completedBy } activity { channel outcome note promise { status } } } }";
    let promised = (now + Days::new(5)).to_string();
    let done = ok(&app, &collector, COMPLETE, json!({ "input": { "taskId": task["id"], "outcome": "PROMISE_TO_PAY",
        "note": "CFO will pay on Friday", "promise": { "amount": "9000", "promisedDate": promised } } }), "completeTask").await;
    assert_eq!(done["task"]["status"], "DONE");
    assert_eq!(
        done["activity"]["channel"], "PHONE",
        "a call task is a phone call"
    );
    assert!(
        done["activity"]["note"]
            .as_str()
            .unwrap()
            .ends_with("CFO will pay on Friday")
    );
    assert_eq!(done["activity"]["promise"]["status"], "OPEN");
    let again = app
        .graphql_as(
            &collector.access_token,
            COMPLETE,
            json!({ "input": { "taskId": task["id"], "outcome": "NO_ANSWER" } }),
        )
        .await;
    assert_eq!(error_codes(&again), ["CONFLICT"]);
    // With an open promise and no task left, BIG waits for the customer.
    let list = ok(&app, &collector, WORKLIST, json!({}), "worklist").await;
    assert_eq!(list["totalCount"], 1);
    assert_eq!(list["edges"][0]["node"]["customer"]["code"], "SMALL");
}

#[tokio::test]
async fn a_broken_promise_raises_one_alert_a_task_and_moves_the_ladder_up() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let customer = create_customer(&app, &owner, "P", json!({})).await;
    let now = today(&app, &owner).await;
    invoice_due(&app, &owner, &customer, "700", now - Days::new(16)).await;
    run_on(&app, &owner, now).await; // the +15 call
    ok(&app, &owner, "mutation($input: LogCollectionActivityInput!) { logCollectionActivity(input: $input) { activity { id } } }",
        json!({ "input": { "customerId": id(&customer), "channel": "PHONE", "outcome": "PROMISE_TO_PAY",
                           "promise": { "amount": "700", "promisedDate": now.to_string() } } }), "logCollectionActivity").await;
    let later = now + Days::new(4);
    assert_eq!(
        promises::evaluate(&app.db, owner.tenant_id, later)
            .await
            .unwrap(),
        1
    );
    const ALERTS: &str = "{ riskAlerts(filter: { status: [OPEN] }) { totalCount edges { node { id kind severity message customer { code } } } } }";
    let alerts = ok(&app, &owner, ALERTS, json!({}), "riskAlerts").await;
    assert_eq!(alerts["totalCount"], 1, "{alerts}");
    let alert = &alerts["edges"][0]["node"];
    assert_eq!(alert["kind"], "BROKEN_PROMISE");
    assert!(
        alert["message"].as_str().unwrap().contains("700"),
        "{alert}"
    );
    // Judged again: no second alert for the same promise.
    promises::evaluate(&app.db, owner.tenant_id, later)
        .await
        .unwrap();
    assert_eq!(
        ok(&app, &owner, ALERTS, json!({}), "riskAlerts").await["totalCount"],
        1
    );

    // Up one rung at once: the +30 letter goes out on day 20, not day 30.
    let counts = run_on(&app, &owner, later).await;
    assert_eq!(counts.customers, 1, "{counts:?}");
    let schema = owner.tenant_id.schema_name();
    assert_eq!(
        count(
            &app.db,
            &count_in(
                &schema,
                "SELECT count(*) FROM {s}.dunning_actions WHERE step_offset = 30"
            )
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app.db,
            &count_in(
                &schema,
                "SELECT count(*) FROM {s}.collection_tasks WHERE source = 'PROMISE'"
            )
        )
        .await,
        1
    );

    const ACK: &str = "mutation($input: AlertActionInput!) { acknowledgeAlert(input: $input) { alert { status acknowledgedBy } } }";
    const RESOLVE: &str = "mutation($input: AlertActionInput!) { resolveAlert(input: $input) { alert { status resolutionNote } } }";
    let acked = ok(
        &app,
        &owner,
        ACK,
        json!({ "input": { "alertId": alert["id"] } }),
        "acknowledgeAlert",
    )
    .await;
    assert_eq!(acked["alert"]["status"], "ACKNOWLEDGED");
    let resolved = ok(
        &app,
        &owner,
        RESOLVE,
        json!({ "input": { "alertId": alert["id"], "note": "New plan agreed" } }),
        "resolveAlert",
    )
    .await;
    assert_eq!(resolved["alert"]["status"], "RESOLVED");
    let twice = app
        .graphql_as(
            &owner.access_token,
            RESOLVE,
            json!({ "input": { "alertId": alert["id"] } }),
        )
        .await;
    assert_eq!(error_codes(&twice), ["CONFLICT"]);
}

#[tokio::test]
async fn legal_cases_move_forward_and_come_with_an_evidence_pack() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let customer = create_customer(&app, &owner, "L", json!({})).await;
    let now = today(&app, &owner).await;
    invoice_due(&app, &owner, &customer, "5000", now - Days::new(100)).await;
    invoice_due(&app, &owner, &customer, "2000", now + Days::new(10)).await;
    const ESCALATE: &str =
        "mutation($input: EscalateToLegalInput!) { escalateToLegal(input: $input) {
        legalCase { id status amount { amount currency } invoices { number } evidenceUrl } } }";
    let case = ok(
        &app,
        &owner,
        ESCALATE,
        json!({ "input": { "customerId": id(&customer), "agency": "Shanghai Recovery Co." } }),
        "escalateToLegal",
    )
    .await["legalCase"]
        .clone();
    assert_eq!(case["status"], "NONE");
    assert_eq!(
        case["amount"]["amount"], "5000.00",
        "only what is overdue: {case}"
    );
    let twice = app
        .graphql_as(
            &owner.access_token,
            ESCALATE,
            json!({ "input": { "customerId": id(&customer) } }),
        )
        .await;
    assert_eq!(error_codes(&twice), ["CONFLICT"]);

    const UPDATE: &str =
        "mutation($input: UpdateLegalCaseInput!) { updateLegalCase(input: $input) {
        legalCase { status letterSentOn agencyOn costs { amount } } } }";
    let sent = ok(
        &app,
        &owner,
        UPDATE,
        json!({ "input": { "caseId": case["id"], "status": "LETTER_SENT" } }),
        "updateLegalCase",
    )
    .await;
    assert_eq!(sent["legalCase"]["letterSentOn"], now.to_string());
    let agency = ok(
        &app,
        &owner,
        UPDATE,
        json!({ "input": { "caseId": case["id"], "status": "AGENCY", "costs": "350" } }),
        "updateLegalCase",
    )
    .await;
    assert_eq!(agency["legalCase"]["costs"]["amount"], "350.00");
    let back = app
        .graphql_as(
            &owner.access_token,
            UPDATE,
            json!({ "input": { "caseId": case["id"], "status": "LETTER_SENT" } }),
        )
        .await;
    assert_eq!(error_codes(&back), ["VALIDATION"]);
    assert!(
        back["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("LITIGATION"),
        "{back}"
    );

    let listed = ok(
        &app,
        &owner,
        "{ legalCases(filter: { open: true }) { totalCount edges { node { status } } } }",
        json!({}),
        "legalCases",
    )
    .await;
    assert_eq!(listed["totalCount"], 1);

    let response = app
        .client
        .get(app.url(case["evidenceUrl"].as_str().unwrap()))
        .bearer_auth(&owner.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut names: Vec<String> = zip
        .file_names()
        .map(|name| name.map(|n| n.into_owned()))
        .collect::<Result<_, _>>()
        .unwrap();
    names.sort();
    assert_eq!(
        names,
        [
            "activities.csv",
            "attachments.csv",
            "case.csv",
            "collection-log.pdf",
            "invoices.csv",
            "promises.csv",
            "statement.csv",
            "statement.pdf"
        ]
    );
    let mut pdf = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name("statement.pdf").unwrap(), &mut pdf).unwrap();
    assert!(!crate::kit::pdf_text(&pdf).trim().is_empty());
    let mut log = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name("collection-log.pdf").unwrap(), &mut log).unwrap();
    let log = crate::kit::pdf_text(&log);
    assert!(
        log.contains("Collection log") || log.contains("催收记录"),
        "{log}"
    );
    let mut invoices = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("invoices.csv").unwrap(), &mut invoices)
        .unwrap();
    assert_eq!(
        invoices.lines().count(),
        3,
        "a header and both invoices: {invoices}"
    );

    // Another company's case is not found.
    let stranger = app.sign_up("Other", &app.email("stranger")).await;
    let response = app
        .client
        .get(app.url(case["evidenceUrl"].as_str().unwrap()))
        .bearer_auth(&stranger.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn interest_waits_out_the_grace_days_even_past_the_fee_step_and_fees_never_come_early() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    const SAVE: &str = "mutation($input: SaveDunningPolicyInput!) { saveDunningPolicy(input: $input) { policy { id } } }";
    // A late fee before the due date is refused, with the step named.
    let early = app
        .graphql_as(
            &owner.access_token,
            SAVE,
            json!({ "input": { "name": "Early",
            "steps": [{ "offsetDays": 0, "action": "LATE_FEE", "name": "Fee" }] } }),
        )
        .await;
    assert_eq!(
        early["errors"][0]["extensions"]["field"], "input.steps[0].offsetDays",
        "{early}"
    );
    ok(
        &app,
        &owner,
        SAVE,
        json!({ "input": { "name": "Graceful", "makeDefault": true,
        "steps": [{ "offsetDays": 5, "action": "LATE_FEE", "name": "Interest" }],
        "feeRule": { "kind": "INTEREST", "annualRatePercent": "36.5", "graceDays": 20 } } }),
        "saveDunningPolicy",
    )
    .await;
    let customer = create_customer(&app, &owner, "G", json!({})).await;
    let due = NaiveDate::from_ymd_opt(2026, 2, 1).unwrap();
    let original = invoice_due(&app, &owner, &customer, "1000", due).await;
    // The step is taken on day 5, inside the grace days: nothing yet, but interest is not lost.
    assert_eq!(run_on(&app, &owner, due + Days::new(5)).await.fees, 0);
    assert_eq!(run_on(&app, &owner, due + Days::new(24)).await.fees, 1);
    let fees = ok(&app, &owner, "query($id: ID!) { invoice(id: $id) { lateFees { amount { amount } periodFrom periodTo } } }",
        json!({ "id": id(&original) }), "invoice").await["lateFees"].clone();
    // From day 21 to day 24: 4 days at 1.00.
    assert_eq!(
        fees[0]["periodFrom"],
        (due + Days::new(21)).to_string(),
        "{fees}"
    );
    assert_eq!(fees[0]["amount"]["amount"], "4.00", "{fees}");
}

#[tokio::test]
async fn the_ladders_legal_step_joins_an_open_case_without_counting_an_invoice_twice() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let customer = create_customer(&app, &owner, "LG", json!({})).await;
    let now = today(&app, &owner).await;
    invoice_due(&app, &owner, &customer, "4000", now - Days::new(95)).await;
    const CASES: &str = "{ legalCases { totalCount edges { node { amount { amount currency } invoices { number } } } } }";
    ok(&app, &owner, "mutation($input: EscalateToLegalInput!) { escalateToLegal(input: $input) { legalCase { id } } }",
        json!({ "input": { "customerId": id(&customer) } }), "escalateToLegal").await;
    let counts = run_on(&app, &owner, now).await;
    assert_eq!(
        counts.legal_cases, 0,
        "the case was open already: {counts:?}"
    );
    let cases = ok(&app, &owner, CASES, json!({}), "legalCases").await;
    assert_eq!(cases["totalCount"], 1);
    assert_eq!(
        cases["edges"][0]["node"]["amount"]["amount"], "4000.00",
        "{cases}"
    );
    assert_eq!(cases["edges"][0]["node"]["amount"]["currency"], "CNY");

    // Without a case, the ladder's step opens one, in the customer's currency.
    let other = create_customer(&app, &owner, "LH", json!({})).await;
    invoice_due(&app, &owner, &other, "700", now - Days::new(91)).await;
    assert_eq!(run_on(&app, &owner, now).await.legal_cases, 1);
    let cases = ok(&app, &owner, CASES, json!({}), "legalCases").await;
    assert_eq!(cases["totalCount"], 2);
    assert_eq!(
        cases["edges"][0]["node"]["amount"]["amount"], "700.00",
        "{cases}"
    );
}

#[tokio::test]
async fn going_over_the_limit_holds_credit_when_the_company_chooses_and_the_scheduler_enqueues_once()
 {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    const SETTINGS: &str =
        "mutation($input: CollectionSettingsInput!) { updateCollectionSettings(input: $input) {
        settings { dunningRunHour promiseGraceDays autoReleaseHolds holdOverLimit } } }";
    let bad = app
        .graphql_as(
            &owner.access_token,
            SETTINGS,
            json!({ "input": { "dunningRunHour": 24 } }),
        )
        .await;
    assert_eq!(
        bad["errors"][0]["extensions"]["field"], "input.dunningRunHour",
        "{bad}"
    );
    let settings = ok(
        &app,
        &owner,
        SETTINGS,
        json!({ "input": { "holdOverLimit": true, "dunningRunHour": 0 } }),
        "updateCollectionSettings",
    )
    .await;
    assert_eq!(settings["settings"]["holdOverLimit"], true);
    assert_eq!(settings["settings"]["dunningRunHour"], 0);

    let customer = create_customer(&app, &owner, "OL", json!({ "creditLimit": "1000" })).await;
    let now = today(&app, &owner).await;
    invoice_due(&app, &owner, &customer, "800", now + Days::new(20)).await;
    // Issued over the limit by someone allowed to override the block.
    issue_invoice(
        &app,
        &owner,
        &id(&customer),
        "300",
        json!({ "issueDate": now.to_string(), "dueDate": (now + Days::new(25)).to_string(), "overrideCreditBlock": true }),
    )
    .await;
    let counts = run_on(&app, &owner, now).await;
    assert_eq!(counts.holds, 1, "{counts:?}");
    let held = crate::kit::customer(&app, &owner, &id(&customer)).await;
    assert_eq!(held["creditHoldReason"], "Over the credit limit");
    // Back under the limit: released on the next run.
    pay(&app, &owner, &customer, "200", now).await;
    assert_eq!(run_on(&app, &owner, now).await.releases, 1);

    // Every company whose hour has come gets today's run once, however often the scheduler ticks.
    // (The app's own worker may have enqueued it already.)
    run::schedule(&app.db, chrono::Utc::now()).await.unwrap();
    assert_eq!(run::schedule(&app.db, chrono::Utc::now()).await.unwrap(), 0);
    let schema_job = format!("dunning.run:{}:%", owner.tenant_id.0);
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT count(*) FROM public.jobs WHERE dedupe_key LIKE '{schema_job}'")
        )
        .await,
        1
    );
}

#[tokio::test]
async fn the_run_is_scheduled_at_each_companys_own_hour_on_its_own_day() {
    let app = spawn_app().await;
    let sign_up = |company: &'static str, zone: &'static str| {
        let app = &app;
        async move {
            let body = app
                .graphql(
                    crate::helpers::SIGN_UP,
                    json!({ "input": { "companyName": company, "name": "Li Wei", "email": app.email(company),
                        "password": crate::helpers::TEST_PASSWORD, "timeZone": zone } }),
                )
                .await;
            crate::helpers::TestSession::from_payload(&body["data"]["signUp"])
                .unwrap_or_else(|| panic!("{body}"))
        }
    };
    let shanghai = sign_up("Shanghai", "Asia/Shanghai").await;
    let new_york = sign_up("NewYork", "America/New_York").await;
    // Both run at 8 in the morning of their own day (the default hour).
    let jobs = |tenant: domain::TenantId| {
        let app = &app;
        async move {
            let rows = app
                .db
                .query_all_raw(sea_orm::Statement::from_sql_and_values(
                    sea_orm::DbBackend::Postgres,
                    "SELECT payload->>'date' AS date FROM public.jobs
                     WHERE kind = 'dunning.run' AND tenant_id = $1 AND payload->>'date' LIKE '2026-03-%'
                     ORDER BY 1",
                    [tenant.0.into()],
                ))
                .await
                .unwrap();
            rows.iter()
                .map(|row| row.try_get::<String>("", "date").unwrap())
                .collect::<Vec<_>>()
        }
    };
    use sea_orm::ConnectionTrait;
    let at = |text: &str| text.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
    // 23:30 UTC on 9 March: 07:30 on the 10th in Shanghai (not yet), 19:30 on the 9th in New York.
    run::schedule(&app.db, at("2026-03-09T23:30:00Z"))
        .await
        .unwrap();
    assert_eq!(jobs(shanghai.tenant_id).await, Vec::<String>::new());
    assert_eq!(jobs(new_york.tenant_id).await, ["2026-03-09"]);
    // 00:30 UTC on the 10th: 08:30 in Shanghai, its run for the 10th; New York's 9th is done.
    run::schedule(&app.db, at("2026-03-10T00:30:00Z"))
        .await
        .unwrap();
    assert_eq!(jobs(shanghai.tenant_id).await, ["2026-03-10"]);
    assert_eq!(jobs(new_york.tenant_id).await, ["2026-03-09"]);
    // 12:59 UTC on the 10th is 08:59 in New York (daylight time since the 8th): its run for the
    // 10th; Shanghai's day keeps its one run.
    run::schedule(&app.db, at("2026-03-10T12:59:00Z"))
        .await
        .unwrap();
    assert_eq!(jobs(shanghai.tenant_id).await, ["2026-03-10"]);
    assert_eq!(jobs(new_york.tenant_id).await, ["2026-03-09", "2026-03-10"]);
}

#[tokio::test]
async fn a_notify_the_team_step_gives_the_collector_a_task_and_the_team_an_alert_once() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    ok(&app, &owner,
        "mutation($input: SaveDunningPolicyInput!) { saveDunningPolicy(input: $input) { policy { id } } }",
        json!({ "input": { "name": "Escalate early", "makeDefault": true,
            "steps": [{ "offsetDays": 5, "action": "NOTIFY_TEAM", "name": "Team review" }] } }),
        "saveDunningPolicy").await;
    let customer = create_customer(&app, &owner, "N", json!({})).await;
    let due = NaiveDate::from_ymd_opt(2026, 2, 1).unwrap();
    invoice_due(&app, &owner, &customer, "1000", due).await;
    let counts = run_on(&app, &owner, due + Days::new(6)).await;
    assert_eq!(counts.tasks, 1, "{counts:?}");
    assert_eq!(
        run_on(&app, &owner, due + Days::new(7)).await.tasks,
        0,
        "once per step"
    );
    let alerts = ok(
        &app,
        &owner,
        "{ riskAlerts { totalCount edges { node { kind message customer { code } } } } }",
        json!({}),
        "riskAlerts",
    )
    .await;
    assert_eq!(alerts["totalCount"], 1, "{alerts}");
    let alert = &alerts["edges"][0]["node"];
    assert_eq!(alert["kind"], "DUNNING_REVIEW");
    assert_eq!(alert["customer"]["code"], "N");
    assert!(
        alert["message"].as_str().unwrap().contains("Team review"),
        "{alert}"
    );
}

#[tokio::test]
async fn a_customer_s_failure_in_a_run_shows_a_code_and_the_customer_never_the_sql() {
    let app = spawn_app().await;
    let owner = app.sign_up("Faulty Steps", &app.email("owner")).await;
    let schema = owner.tenant_id.schema_name();
    let broken = create_customer(&app, &owner, "BRK", json!({ "name": "Broken Ltd" })).await;
    let fine = create_customer(&app, &owner, "OK", json!({ "name": "Fine Ltd" })).await;
    let due = today(&app, &owner).await + Days::new(3);
    invoice_due(&app, &owner, &broken, "100", due).await;
    invoice_due(&app, &owner, &fine, "100", due).await;
    // A fault of ours, for one customer only: the database refuses its dunning steps with an
    // error whose text must stay in the server log.
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.db,
        &format!(
            r#"CREATE FUNCTION "{schema}".refuse_step() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN RAISE EXCEPTION 'secret internal detail from relation dunning_actions'; END $$;
               CREATE TRIGGER refuse_step BEFORE INSERT ON "{schema}".dunning_actions
               FOR EACH ROW WHEN (NEW.customer_id = '{}') EXECUTE FUNCTION "{schema}".refuse_step();"#,
            id(&broken)
        ),
    )
    .await
    .unwrap();
    let counts = run_on(&app, &owner, due - Days::new(3)).await;
    assert_eq!((counts.customers, counts.failures), (1, 1), "{counts:?}");
    let runs = ok(
        &app,
        &owner,
        "{ dunningRuns(first: 1) { edges { node { failures errors } } } }",
        json!({}),
        "dunningRuns",
    )
    .await;
    let errors = &runs["edges"][0]["node"]["errors"];
    assert_eq!(
        errors,
        &json!([{ "customerId": id(&broken), "customer": "Broken Ltd", "code": "INTERNAL" }]),
        "{runs}"
    );
    assert!(!runs.to_string().contains("secret"), "{runs}");
}

#[tokio::test]
async fn emails_past_the_days_limit_or_before_verification_become_tasks_named_in_the_run() {
    let app = spawn_app().await;
    let owner = app.sign_up("Quota Trading", &app.email("owner")).await;
    let schema = owner.tenant_id.schema_name();
    let payer = create_customer(
        &app,
        &owner,
        "P",
        json!({ "name": "Payer Ltd", "contacts": [{ "name": "Li Na", "email": app.email("ap") }] }),
    )
    .await;
    let due = today(&app, &owner).await + Days::new(3);
    invoice_due(&app, &owner, &payer, "100", due).await;
    // FREE allows 100 customer emails a day, and 100 went out today.
    on_free_plan_with_customer_emails_sent_today(&app, &owner, 100).await;
    let counts = run_on(&app, &owner, due - Days::new(3)).await;
    assert_eq!((counts.emails, counts.tasks), (0, 1), "{counts:?}");
    assert_eq!(
        count(
            &app.db,
            &count_in(
                &schema,
                "SELECT count(*) FROM {s}.collection_tasks WHERE kind = 'EMAIL'"
            )
        )
        .await,
        1,
        "the collector sends it another way"
    );
    assert_eq!(
        count(
            &app.db,
            &count_in(&schema, "SELECT count(*) FROM {s}.statement_links")
        )
        .await,
        0,
        "no statement link is kept for an email that did not go"
    );
    let runs = ok(
        &app,
        &owner,
        "{ dunningRuns(first: 1) { edges { node { errors } } } }",
        json!({}),
        "dunningRuns",
    )
    .await;
    assert_eq!(
        runs["edges"][0]["node"]["errors"],
        json!([{ "customerId": id(&payer), "customer": "Payer Ltd", "code": "PLAN_LIMIT", "limit": "EMAILS_PER_DAY" }]),
        "{runs}"
    );
}

/// Once the day's limit holds emails back, it holds them for every later customer of the run:
/// each gets its task and its line in the run's errors, and no statement link is kept.
#[tokio::test]
async fn once_emails_are_held_every_later_customer_of_the_run_gets_a_task_and_no_link() {
    let app = spawn_app().await;
    let owner = app.sign_up("Quota Trading", &app.email("owner")).await;
    let schema = owner.tenant_id.schema_name();
    let due = today(&app, &owner).await + Days::new(3);
    for code in ["P1", "P2", "P3"] {
        let payer = create_customer(
            &app,
            &owner,
            code,
            json!({ "contacts": [{ "name": "AP", "email": app.email(&code.to_lowercase()) }] }),
        )
        .await;
        invoice_due(&app, &owner, &payer, "100", due).await;
    }
    // FREE allows 100 customer emails a day: 99 went out today, so one more may go.
    on_free_plan_with_customer_emails_sent_today(&app, &owner, 99).await;
    let counts = run_on(&app, &owner, due - Days::new(3)).await;
    assert_eq!((counts.emails, counts.tasks), (1, 2), "{counts:?}");
    assert_eq!(
        count(
            &app.db,
            &count_in(&schema, "SELECT count(*) FROM {s}.statement_links")
        )
        .await,
        1,
        "a link only for the email that went"
    );
    let runs = ok(
        &app,
        &owner,
        "{ dunningRuns(first: 1) { edges { node { errors } } } }",
        json!({}),
        "dunningRuns",
    )
    .await;
    let errors = runs["edges"][0]["node"]["errors"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors.iter().all(|error| error["code"] == "PLAN_LIMIT"),
        "{errors:?}"
    );
}
