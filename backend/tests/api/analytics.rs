//! Analytics over the API: aging as of a date (exact), KPIs against an independent SQL
//! computation, credit ratings whose factors add up, risk alerts raised once, and staff
//! performance with targets and incentives.

use crate::helpers::{TestApp, TestSession, count, error_codes, spawn_app};
use crate::kit::{create_customer, issue_invoice, ok, record_payment_raw};
use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::Decimal;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn invoice(
    app: &TestApp,
    s: &TestSession,
    customer: &Value,
    amount: &str,
    issued: NaiveDate,
    due: NaiveDate,
) -> Value {
    issue_invoice(app, s, &id(customer), amount,
        json!({ "issueDate": issued.to_string(), "dueDate": due.to_string(), "overrideCreditBlock": true })).await
}

async fn pay(app: &TestApp, s: &TestSession, customer: &Value, amount: &str, on: NaiveDate) {
    let body = record_payment_raw(
        app,
        s,
        json!({ "customerId": id(customer), "amount": amount, "currency": "CNY",
        "receivedOn": on.to_string(), "method": "BANK_TRANSFER" }),
    )
    .await;
    assert!(body.get("errors").is_none(), "{body}");
}

const AGING: &str = "query($asOf: Date, $groupBy: AgingGroupBy, $basis: AgingBasis) {
    agingReport(asOf: $asOf, groupBy: $groupBy, basis: $basis) {
      currency bucketEdges
      totals { current { amount } d1To30 { amount } d31To60 { amount } d61To90 { amount } over90 { amount } total { amount } }
      rows { key label buckets { current { amount } d1To30 { amount } total { amount } } } } }";

#[tokio::test]
async fn aging_as_of_a_date_counts_only_what_was_true_then() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let a = create_customer(&app, &owner, "A", json!({})).await;
    let b = create_customer(&app, &owner, "B", json!({})).await;
    invoice(&app, &owner, &a, "1000", day(2026, 1, 1), day(2026, 1, 31)).await;
    pay(&app, &owner, &a, "400", day(2026, 2, 15)).await;
    invoice(&app, &owner, &b, "500", day(2026, 3, 1), day(2026, 3, 31)).await;

    // 10 February: A's invoice, unpaid then, 10 days late; B's not yet issued.
    let feb = ok(
        &app,
        &owner,
        AGING,
        json!({ "asOf": "2026-02-10" }),
        "agingReport",
    )
    .await;
    assert_eq!(feb["totals"]["d1To30"]["amount"], "1000.00", "{feb}");
    assert_eq!(feb["totals"]["total"]["amount"], "1000.00");
    // 1 March: 600 left on A, 29 days late; B's 500 current.
    let march = ok(
        &app,
        &owner,
        AGING,
        json!({ "asOf": "2026-03-01", "groupBy": "CUSTOMER" }),
        "agingReport",
    )
    .await;
    assert_eq!(march["totals"]["d1To30"]["amount"], "600.00", "{march}");
    assert_eq!(march["totals"]["current"]["amount"], "500.00");
    assert_eq!(march["rows"].as_array().unwrap().len(), 2);
    assert_eq!(march["rows"][0]["label"], "A Customer A", "largest first");
    // By invoice date, A's invoice is 59 days old on 1 March.
    let by_issue = ok(
        &app,
        &owner,
        AGING,
        json!({ "asOf": "2026-03-01", "basis": "INVOICE_DATE" }),
        "agingReport",
    )
    .await;
    assert_eq!(
        by_issue["totals"]["d31To60"]["amount"], "600.00",
        "{by_issue}"
    );

    // The drill-down lists the invoices of a cell.
    let cell = ok(&app, &owner,
        "query($key: String) { agingDrillDown(asOf: \"2026-03-01\", groupBy: CUSTOMER, key: $key, bucket: D1_TO_30) { number days amount { amount } } }",
        json!({ "key": id(&a) }), "agingDrillDown").await;
    assert_eq!(cell.as_array().unwrap().len(), 1, "{cell}");
    assert_eq!(cell[0]["days"], 29);
    assert_eq!(cell[0]["amount"]["amount"], "600.00");

    // The same report downloads as CSV and PDF; a wrong choice names the parameter.
    let get = |path: &str| {
        app.client
            .get(app.url(path))
            .bearer_auth(&owner.access_token)
            .send()
    };
    let response = get("/api/reports/aging.csv?asOf=2026-03-01&groupBy=CUSTOMER")
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"aging-2026-03-01.csv\""
    );
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines,
        [
            "\u{feff}group,Current,1-30 days,31-60 days,61-90 days,90+ days,total,currency",
            "A Customer A,0.00,600.00,0.00,0.00,0.00,600.00,CNY",
            "B Customer B,500.00,0.00,0.00,0.00,0.00,500.00,CNY",
            "TOTAL,500.00,600.00,0.00,0.00,0.00,1100.00,CNY",
        ]
    );
    let pdf = get("/api/reports/aging.pdf?asOf=2026-03-01&groupBy=CUSTOMER")
        .await
        .unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let pdf = crate::kit::pdf_text(&pdf.bytes().await.unwrap());
    assert!(
        pdf.contains("A Customer A") && pdf.contains("1,100.00"),
        "{pdf}"
    );
    let wrong = get("/api/reports/aging.csv?groupBy=REGION").await.unwrap();
    assert_eq!(wrong.status(), 422);
    let wrong: Value = wrong.json().await.unwrap();
    assert_eq!(
        wrong["errors"][0]["extensions"]["field"], "groupBy",
        "{wrong}"
    );
}

#[tokio::test]
async fn aging_as_of_follows_credit_notes_installments_write_offs_and_late_allocations() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let c = create_customer(&app, &owner, "C", json!({})).await;
    let d = create_customer(&app, &owner, "D", json!({})).await;
    let totals = |as_of: &'static str| {
        let (app, owner) = (&app, &owner);
        async move {
            ok(app, owner, AGING, json!({ "asOf": as_of }), "agingReport").await["totals"].clone()
        }
    };
    // A credit note takes 300 off from the day it is issued.
    let credited = invoice(&app, &owner, &c, "1000", day(2026, 1, 1), day(2026, 1, 31)).await;
    ok(&app, &owner, "mutation($input: CreateCreditNoteInput!) { createCreditNote(input: $input) { creditNote { id } } }",
        json!({ "input": { "invoiceId": id(&credited), "amount": "300", "reason": "Damaged", "issuedOn": "2026-02-10" } }),
        "createCreditNote").await;
    assert_eq!(totals("2026-02-09").await["d1To30"]["amount"], "1000.00");
    assert_eq!(totals("2026-02-10").await["d1To30"]["amount"], "700.00");
    // Installments age at their own dates: on 1 March the first (due 4 February) is 25 days
    // late, the other two are not due yet.
    let split = invoice(&app, &owner, &c, "600", day(2026, 1, 5), day(2026, 2, 4)).await;
    ok(&app, &owner, "mutation($input: SetInstallmentPlanInput!) { setInstallmentPlan(input: $input) { invoice { id } } }",
        json!({ "input": { "invoiceId": id(&split), "installments": [
            { "dueDate": "2026-02-04", "amount": "200" },
            { "dueDate": "2026-03-06", "amount": "200" },
            { "dueDate": "2026-04-05", "amount": "200" } ] } }),
        "setInstallmentPlan").await;
    // A payment received in January but applied to an invoice only today counts from today.
    pay(&app, &owner, &d, "500", day(2026, 1, 15)).await;
    invoice(&app, &owner, &d, "500", day(2026, 1, 10), day(2026, 2, 9)).await;
    ok(
        &app,
        &owner,
        "mutation($input: ApplyCreditInput!) { applyCredit(input: $input) { customer { id } } }",
        json!({ "input": { "customerId": id(&d) } }),
        "applyCredit",
    )
    .await;
    let march = totals("2026-03-01").await;
    assert_eq!(
        march["d1To30"]["amount"], "1400.00",
        "700 + 200 + D's 500: {march}"
    );
    assert_eq!(march["current"]["amount"], "400.00", "{march}");
    // A write-off made today leaves 1 March as it was, and empties the invoice from today.
    ok(&app, &owner, "mutation($input: WriteOffInvoiceInput!) { writeOffInvoice(input: $input) { invoice { id } } }",
        json!({ "input": { "invoiceId": id(&credited), "reason": "Insolvent" } }), "writeOffInvoice").await;
    assert_eq!(totals("2026-03-01").await, march);
    let now = ok(&app, &owner, AGING, json!({}), "agingReport").await;
    assert_eq!(
        now["totals"]["total"]["amount"], "600.00",
        "only the split invoice: {now}"
    );

    // A payment received in February and reversed today: paid in February, owed again from
    // today. The invoice keeps the date of its last payment either way.
    let e = create_customer(&app, &owner, "E", json!({})).await;
    let bounced = invoice(&app, &owner, &e, "800", day(2026, 1, 20), day(2026, 2, 19)).await;
    pay(&app, &owner, &e, "800", day(2026, 2, 15)).await;
    let payment = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            format!(
                "SELECT id::text AS id FROM \"{}\".payments WHERE amount = 800",
                owner.tenant_id.schema_name()
            ),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<String>("", "id")
        .unwrap();
    let last_paid_on = || async {
        let sql = format!(
            "SELECT count(*) AS n FROM \"{}\".invoices WHERE id = '{}' AND last_paid_on = '2026-02-15'",
            owner.tenant_id.schema_name(),
            id(&bounced)
        );
        count(&app.db, &sql).await
    };
    assert_eq!(last_paid_on().await, 1);
    let february = totals("2026-02-20").await;
    ok(&app, &owner, "mutation($input: ReversePaymentInput!) { reversePayment(input: $input) { payment { id } } }",
        json!({ "input": { "paymentId": payment, "reason": "Bounced" } }), "reversePayment").await;
    assert_eq!(
        totals("2026-02-20").await,
        february,
        "the past is unchanged"
    );
    let now = ok(&app, &owner, AGING, json!({}), "agingReport").await;
    assert_eq!(
        now["totals"]["total"]["amount"], "1400.00",
        "owed again: {now}"
    );
    assert_eq!(last_paid_on().await, 1);

    // The KPIs add AR as of a day up from indexes; on every day the ledger above moved
    // (installments among it) it is the aging report's, invoice by invoice.
    let calendar = duely_backend::db::tenant_calendar(&app.db, owner.tenant_id)
        .await
        .unwrap();
    for opening in [
        "2026-01-01",
        "2026-01-06",
        "2026-01-11",
        "2026-01-16",
        "2026-02-05",
        "2026-02-10",
        "2026-02-11",
        "2026-02-16",
        "2026-02-21",
        "2026-03-02",
        "2026-03-07",
        "2026-04-06",
        "2026-05-06",
    ] {
        let day_before = opening.parse::<NaiveDate>().unwrap() - Days::new(1);
        let aging = ok(
            &app,
            &owner,
            AGING,
            json!({ "asOf": day_before.to_string() }),
            "agingReport",
        )
        .await;
        let k = ok(
            &app,
            &owner,
            KPIS,
            json!({ "from": opening, "to": opening }),
            "kpis",
        )
        .await;
        assert_eq!(
            k["beginningAr"]["amount"], aging["totals"]["total"]["amount"],
            "opening {opening}"
        );
        let tx = duely_backend::db::TenantTx::begin(&app.db, owner.tenant_id)
            .await
            .unwrap();
        let row = duely_backend::analytics::store::aging::buckets_as_of(
            &*tx,
            day_before,
            "CNY",
            &calendar.time_zone,
            &Default::default(),
            &Default::default(),
        )
        .await
        .unwrap();
        let (total, current, over) = (row.total, row.current, row.d4);
        tx.commit().await.unwrap();
        let amount = |bucket: &str| {
            aging["totals"][bucket]["amount"]
                .as_str()
                .unwrap()
                .parse::<Decimal>()
                .unwrap()
        };
        assert_eq!(
            (total, current, over),
            (amount("total"), amount("current"), amount("over90")),
            "as of {day_before}"
        );
    }
    let today = duely_backend::db::tenant_calendar(&app.db, owner.tenant_id)
        .await
        .unwrap()
        .today
        .to_string();
    let k = ok(
        &app,
        &owner,
        KPIS,
        json!({ "from": today, "to": today }),
        "kpis",
    )
    .await;
    let yesterday = (today.parse::<NaiveDate>().unwrap() - Days::new(1)).to_string();
    let aging = ok(
        &app,
        &owner,
        AGING,
        json!({ "asOf": yesterday }),
        "agingReport",
    )
    .await;
    assert_eq!(
        k["beginningAr"]["amount"],
        aging["totals"]["total"]["amount"]
    );
}

const KPIS: &str = "query($from: Date!, $to: Date!) { kpis(from: $from, to: $to) {
    dso countbackDso bestPossibleDso averageDaysDelinquent cei arTurnover averageCollectionPeriod
    badDebtRatio over90Ratio promiseKeptRate averageDaysToPay collected { amount } beginningAr { amount }
    endingAr { amount } creditSales { amount } } }";

async fn scalar(app: &TestApp, sql: String) -> Decimal {
    app.db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            sql,
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<Decimal>("", "v")
        .unwrap()
}

#[tokio::test]
async fn kpis_agree_with_an_independent_computation_on_the_same_ledger() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let s = format!("\"{}\"", owner.tenant_id.schema_name());
    let a = create_customer(&app, &owner, "A", json!({})).await;
    let b = create_customer(&app, &owner, "B", json!({})).await;
    // Before the period: 2,000 open on 31 December.
    invoice(
        &app,
        &owner,
        &a,
        "2000",
        day(2025, 12, 1),
        day(2025, 12, 31),
    )
    .await;
    // In the first quarter: sales of 3,000, 1,500 and 2,500; collections of 2,000 and 1,000.
    invoice(&app, &owner, &a, "3000", day(2026, 1, 10), day(2026, 2, 9)).await;
    invoice(&app, &owner, &b, "1500", day(2026, 2, 5), day(2026, 3, 7)).await;
    invoice(&app, &owner, &b, "2500", day(2026, 3, 20), day(2026, 4, 19)).await;
    pay(&app, &owner, &a, "2000", day(2026, 1, 20)).await;
    pay(&app, &owner, &b, "1000", day(2026, 3, 25)).await;
    let k = ok(
        &app,
        &owner,
        KPIS,
        json!({ "from": "2026-01-01", "to": "2026-03-31" }),
        "kpis",
    )
    .await;

    // The same figures, straight from the tables.
    let sales = scalar(&app, format!("SELECT sum(total) AS v FROM {s}.invoices WHERE issue_date BETWEEN '2026-01-01' AND '2026-03-31'")).await;
    let ending = scalar(&app, format!("SELECT sum(total) - coalesce((SELECT sum(amount) FROM {s}.payments WHERE received_on <= '2026-03-31'), 0) AS v FROM {s}.invoices WHERE issue_date <= '2026-03-31'")).await;
    let beginning = scalar(&app, format!("SELECT sum(total) - coalesce((SELECT sum(amount) FROM {s}.payments WHERE received_on <= '2025-12-31'), 0) AS v FROM {s}.invoices WHERE issue_date <= '2025-12-31'")).await;
    let current = scalar(&app, format!("SELECT coalesce(sum(total), 0) AS v FROM {s}.invoices WHERE issue_date <= '2026-03-31' AND due_date >= '2026-03-31'")).await;
    assert_eq!(k["creditSales"]["amount"], format!("{:.2}", sales), "{k}");
    assert_eq!(k["endingAr"]["amount"], format!("{:.2}", ending));
    assert_eq!(k["beginningAr"]["amount"], format!("{:.2}", beginning));
    assert_eq!(k["collected"]["amount"], "3000.00");
    let days = Decimal::from(90);
    let dso = (ending / sales * days).round_dp(1);
    assert_eq!(
        k["dso"],
        dso.normalize().to_string(),
        "ending AR / credit sales x 90 days"
    );
    let best = (current / sales * days).round_dp(1);
    assert_eq!(k["bestPossibleDso"], best.normalize().to_string());
    let per_month = sales / Decimal::from(3);
    let cei = ((beginning + per_month - ending) / (beginning + per_month - current)
        * Decimal::ONE_HUNDRED)
        .round_dp(1);
    assert_eq!(k["cei"], cei.normalize().to_string());
    // Days to pay, over the invoices settled in the period, from the allocations themselves:
    // only December's 2,000, paid on 20 January, 50 days after its issue.
    let days_to_pay = scalar(&app, format!(
        "SELECT avg(paid_on - issue_date)::numeric AS v FROM (
             SELECT i.issue_date, (SELECT max(p.received_on) FROM {s}.allocations a
                                   JOIN {s}.payments p ON p.id = a.payment_id WHERE a.invoice_id = i.id) AS paid_on
             FROM {s}.invoices i WHERE i.status = 'PAID') x
         WHERE paid_on BETWEEN '2026-01-01' AND '2026-03-31'")).await;
    assert_eq!(days_to_pay, Decimal::from(50));
    assert_eq!(k["averageDaysToPay"], "50", "{k}");
    // Nothing was written off; no promise fell due: the ratio is 0, the rate undefined.
    assert_eq!(k["badDebtRatio"], "0");
    assert_eq!(k["promiseKeptRate"], Value::Null);

    // A bad period is refused with the field.
    let bad = app
        .graphql_as(
            &owner.access_token,
            KPIS,
            json!({ "from": "2026-03-01", "to": "2026-01-01" }),
        )
        .await;
    assert_eq!(error_codes(&bad), ["VALIDATION"]);
    assert_eq!(bad["errors"][0]["extensions"]["field"], "to");

    // The trend, month by month, computed live before any snapshot exists, then from the
    // snapshot once the daily job has taken one.
    let trend = ok(&app, &owner, "{ kpiTrend(metric: COLLECTED, from: \"2026-01-01\", to: \"2026-03-31\") { date value fromSnapshot } }", json!({}), "kpiTrend").await;
    assert_eq!(trend.as_array().unwrap().len(), 3, "{trend}");
    assert_eq!(trend[0]["value"], "2000");
    assert_eq!(trend[0]["fromSnapshot"], false);
    duely_backend::analytics::service::kpis::snapshot(&app.db, owner.tenant_id, day(2026, 1, 31))
        .await
        .unwrap();
    let trend = ok(&app, &owner, "{ kpiTrend(metric: COLLECTED, from: \"2026-01-01\", to: \"2026-01-31\") { date value fromSnapshot } }", json!({}), "kpiTrend").await;
    assert_eq!(trend[0]["fromSnapshot"], true, "{trend}");
    assert_eq!(trend[0]["value"], "2000");
}

const RATING: &str = "query($id: ID!) { creditRating(customerId: $id) { score grade computedGrade
    factors { factor points weight value reason } recommendedCreditLimit { amount } recommendedTermsDays overrideReason } }";

#[tokio::test]
async fn a_rating_explains_itself_keeps_history_and_can_be_overridden_with_a_reason() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let late = create_customer(&app, &owner, "LATE", json!({ "creditLimit": "5000" })).await;
    let now = duely_backend::db::tenant_calendar(&app.db, owner.tenant_id)
        .await
        .unwrap()
        .today;
    for n in 0..4u64 {
        let due = now - Days::new(200 - n * 30);
        invoice(&app, &owner, &late, "1000", due - Days::new(30), due).await;
        pay(&app, &owner, &late, "1000", due + Days::new(45)).await;
    }
    let rating = ok(
        &app,
        &owner,
        RATING,
        json!({ "id": id(&late) }),
        "creditRating",
    )
    .await;
    let sum: Decimal = rating["factors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["points"].as_str().unwrap().parse::<Decimal>().unwrap())
        .sum();
    assert_eq!(
        sum.to_string(),
        rating["score"]
            .as_str()
            .unwrap()
            .parse::<Decimal>()
            .unwrap()
            .to_string(),
        "{rating}"
    );
    let dbt = rating["factors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["factor"] == "DAYS_BEYOND_TERMS")
        .unwrap()
        .clone();
    // In the owner's language (Chinese, as a new account's is).
    assert_eq!(dbt["reason"], "平均在到期日后 45 天付款", "{dbt}");
    assert!(
        matches!(rating["grade"].as_str(), Some("C" | "D" | "E")),
        "{rating}"
    );

    // The customer list filters by grade (the risk filter of the customer list).
    let grade = rating["grade"].as_str().unwrap().to_owned();
    let listed = ok(&app, &owner, "query($g: [RiskGrade!]) { customers(filter: { riskGrade: $g }) { totalCount edges { node { code riskGrade } } } }",
        json!({ "g": [grade] }), "customers").await;
    assert_eq!(listed["totalCount"], 1, "{listed}");
    assert_eq!(listed["edges"][0]["node"]["code"], "LATE");

    const OVERRIDE: &str = "mutation($input: OverrideCreditRatingInput!) { overrideCreditRating(input: $input) { rating { grade computedGrade overrideReason score } } }";
    let no_reason = app
        .graphql_as(
            &owner.access_token,
            OVERRIDE,
            json!({ "input": { "customerId": id(&late), "grade": "B", "reason": " " } }),
        )
        .await;
    assert_eq!(
        no_reason["errors"][0]["extensions"]["field"], "input.reason",
        "{no_reason}"
    );
    let overridden = ok(&app, &owner, OVERRIDE, json!({ "input": { "customerId": id(&late), "grade": "B", "reason": "Parent company guarantee" } }), "overrideCreditRating").await;
    assert_eq!(overridden["rating"]["grade"], "B");
    assert_eq!(
        overridden["rating"]["computedGrade"],
        rating["computedGrade"]
    );
    assert_eq!(
        overridden["rating"]["score"], rating["score"],
        "the computed score stays"
    );
    // The daily re-rating keeps the override while the computed grade stays what it was.
    duely_backend::analytics::service::ratings::rate_all(&app.db, owner.tenant_id, now)
        .await
        .unwrap();
    assert_eq!(
        ok(
            &app,
            &owner,
            RATING,
            json!({ "id": id(&late) }),
            "creditRating"
        )
        .await["grade"],
        "B"
    );
    let history = ok(
        &app,
        &owner,
        "query($id: ID!) { creditRatingHistory(customerId: $id) { grade overrideReason } }",
        json!({ "id": id(&late) }),
        "creditRatingHistory",
    )
    .await;
    assert_eq!(history.as_array().unwrap().len(), 2, "{history}");
    assert_eq!(history[0]["overrideReason"], "Parent company guarantee");

    // A month later the score moves (an older relationship, no recent payments) but the computed
    // grade does not: the override stands, with its reason.
    let before = ok(
        &app,
        &owner,
        RATING,
        json!({ "id": id(&late) }),
        "creditRating",
    )
    .await;
    duely_backend::analytics::service::ratings::rate_all(
        &app.db,
        owner.tenant_id,
        now + Days::new(31),
    )
    .await
    .unwrap();
    let after = ok(
        &app,
        &owner,
        RATING,
        json!({ "id": id(&late) }),
        "creditRating",
    )
    .await;
    assert_ne!(after["score"], before["score"], "{after}");
    assert_eq!(after["computedGrade"], before["computedGrade"], "{after}");
    assert_eq!(after["grade"], "B", "{after}");
    assert_eq!(
        after["overrideReason"], "Parent company guarantee",
        "{after}"
    );
}

#[tokio::test]
async fn the_risk_scan_raises_each_alert_once_for_its_cause() {
    let app = spawn_app().await;
    let owner_email = app.email("owner");
    let owner = app.sign_up("Acme", &owner_email).await;
    let customer = create_customer(&app, &owner, "R", json!({ "creditLimit": "1000" })).await;
    let now = duely_backend::db::tenant_calendar(&app.db, owner.tenant_id)
        .await
        .unwrap()
        .today;
    invoice(
        &app,
        &owner,
        &customer,
        "1200",
        now - Days::new(40),
        now - Days::new(10),
    )
    .await;
    invoice(
        &app,
        &owner,
        &customer,
        "150000",
        now - Days::new(40),
        now - Days::new(5),
    )
    .await;
    let raised = duely_backend::analytics::service::risk::detect(&app.db, owner.tenant_id, now)
        .await
        .unwrap();
    assert_eq!(raised, 2, "over the limit, and a large invoice overdue");
    assert_eq!(
        duely_backend::analytics::service::risk::detect(&app.db, owner.tenant_id, now)
            .await
            .unwrap(),
        0,
        "never twice"
    );
    let alerts = ok(
        &app,
        &owner,
        "{ riskAlerts { totalCount edges { node { kind message } } } }",
        json!({}),
        "riskAlerts",
    )
    .await;
    let kinds: Vec<&str> = alerts["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"OVER_CREDIT_LIMIT") && kinds.contains(&"LARGE_INVOICE_OVERDUE"),
        "{kinds:?}"
    );
    let schema = owner.tenant_id.schema_name();
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT count(*) FROM \"{schema}\".risk_alerts")
        )
        .await,
        2
    );

    // Still over the limit a month later: the same episode, no new alert.
    let later = now + Days::new(35);
    assert_eq!(
        duely_backend::analytics::service::risk::detect(&app.db, owner.tenant_id, later)
            .await
            .unwrap(),
        0,
        "one alert while the condition lasts"
    );
    // The limit is raised: the condition ends and its alert is cleared and resolved.
    const LIMIT: &str = "mutation($input: SetCreditLimitInput!) { setCreditLimit(input: $input) { customer { creditLimit { amount } } } }";
    ok(&app, &owner, LIMIT, json!({ "input": { "customerId": id(&customer), "creditLimit": "500000", "reason": "Guarantee" } }), "setCreditLimit").await;
    duely_backend::analytics::service::risk::detect(&app.db, owner.tenant_id, later)
        .await
        .unwrap();
    let over = format!(
        "SELECT count(*) FROM \"{schema}\".risk_alerts WHERE kind = 'OVER_CREDIT_LIMIT' AND status = 'RESOLVED' AND cleared_at IS NOT NULL"
    );
    assert_eq!(count(&app.db, &over).await, 1, "cleared with the condition");
    // Over again later: a new episode, a new alert.
    ok(&app, &owner, LIMIT, json!({ "input": { "customerId": id(&customer), "creditLimit": "1000", "reason": "Guarantee ended" } }), "setCreditLimit").await;
    assert_eq!(
        duely_backend::analytics::service::risk::detect(&app.db, owner.tenant_id, later)
            .await
            .unwrap(),
        1,
        "a new episode raises again"
    );

    // The daily digest, once turned on, mails each new alert once: the owner gets them all, a
    // collector with no customers of the alerts gets nothing.
    let digest = || {
        duely_backend::analytics::service::digest::send(
            &app.db,
            owner.tenant_id,
            "https://duely.example",
        )
    };
    assert_eq!(digest().await.unwrap(), 0, "off by default");
    crate::kit::join(&app, &owner, &app.email("collector"), "COLLECTOR").await;
    ok(&app, &owner, "mutation { updateAnalyticsSettings(input: { dailyDigest: true }) { settings { dailyDigest } } }", json!({}), "updateAnalyticsSettings").await;
    assert_eq!(digest().await.unwrap(), 1, "one email: the owner's");
    let mail = app.email_to(&owner_email).await;
    assert!(
        mail.contains("以下客户出现了新的风险预警") && mail.contains("Customer R"),
        "{mail}"
    );
    assert!(
        mail.contains("已超过信用额度"),
        "the alert in the recipient's language: {mail}"
    );
    assert_eq!(digest().await.unwrap(), 0, "never the same alert twice");
}

#[tokio::test]
async fn staff_performance_attributes_collections_and_computes_targets_and_incentives() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let collector = crate::kit::join(&app, &owner, &app.email("collector"), "COLLECTOR").await;
    let customer = create_customer(
        &app,
        &owner,
        "S",
        json!({ "collectorId": collector.user_id }),
    )
    .await;
    let now = duely_backend::db::tenant_calendar(&app.db, owner.tenant_id)
        .await
        .unwrap()
        .today;
    invoice(
        &app,
        &owner,
        &customer,
        "5000",
        now - Days::new(40),
        now - Days::new(10),
    )
    .await;
    ok(&app, &collector, "mutation($input: LogCollectionActivityInput!) { logCollectionActivity(input: $input) { activity { id } } }",
        json!({ "input": { "customerId": id(&customer), "channel": "PHONE", "outcome": "CALLBACK_REQUESTED" } }), "logCollectionActivity").await;
    pay(&app, &owner, &customer, "3000", now).await;
    ok(&app, &owner, "mutation($input: SetCollectorTargetInput!) { setCollectorTarget(input: $input) { target { amount { amount } } } }",
        json!({ "input": { "userId": collector.user_id, "month": now.to_string(), "amount": "2000", "currency": "CNY" } }), "setCollectorTarget").await;
    ok(&app, &owner, "mutation($input: SaveIncentiveRuleInput!) { saveIncentiveRule(input: $input) { rule { id } } }",
        json!({ "input": { "name": "Over target", "kind": "PERCENT_ABOVE_TARGET", "rate": "10", "currency": "CNY" } }), "saveIncentiveRule").await;
    let bad = app.graphql_as(&owner.access_token, "mutation($input: SaveIncentiveRuleInput!) { saveIncentiveRule(input: $input) { rule { id } } }",
        json!({ "input": { "name": "Silly", "kind": "PERCENT_OF_COLLECTED", "rate": "150", "currency": "CNY" } })).await;
    assert_eq!(bad["errors"][0]["extensions"]["field"], "input.rate");
    let from = now.with_day0(0).unwrap_or(now);
    let board = ok(&app, &owner, "query($from: Date!, $to: Date!) { staffPerformance(from: $from, to: $to) { collectors {
        rank name collected { amount } activities activitiesByChannel { channel count } target { amount } attainment incentive { amount }
        portfolioOverdueEnd { amount } portfolioCei } } }",
        json!({ "from": from.to_string(), "to": now.to_string() }), "staffPerformance").await;
    let line = board["collectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["collected"]["amount"] == "3000.00")
        .cloned()
        .unwrap_or_else(|| panic!("{board}"));
    assert_eq!(line["rank"], 1);
    assert_eq!(line["activities"], 1);
    assert_eq!(line["activitiesByChannel"][0]["channel"], "PHONE");
    assert_eq!(line["target"]["amount"], "2000.00");
    assert_eq!(line["attainment"], "1.5");
    assert_eq!(
        line["incentive"]["amount"], "100.00",
        "10% of the 1,000 above target"
    );
    // The portfolio: 5,000 owed before the period, 2,000 of it still owed and overdue at the
    // end, nothing new sold: CEI = (5,000 - 2,000) / (5,000 - 0) = 60%.
    assert_eq!(line["portfolioOverdueEnd"]["amount"], "2000.00", "{line}");
    assert_eq!(line["portfolioCei"], "60", "{line}");
    // A collector sees only their own line.
    let own = ok(&app, &collector, "query($from: Date!, $to: Date!) { staffPerformance(from: $from, to: $to) { collectors { name } } }",
        json!({ "from": from.to_string(), "to": now.to_string() }), "staffPerformance").await;
    assert_eq!(own["collectors"].as_array().unwrap().len(), 1);

    // The company's analytics settings: checked, for those who manage settings, and in force.
    const SETTINGS: &str =
        "mutation($input: AnalyticsSettingsInput!) { updateAnalyticsSettings(input: $input) {
        settings { agingBucketEdges attributionDays largeInvoiceAmount } } }";
    let wrong = app
        .graphql_as(
            &owner.access_token,
            SETTINGS,
            json!({ "input": { "agingBucketEdges": [30, 20, 90] } }),
        )
        .await;
    assert_eq!(
        wrong["errors"][0]["extensions"]["field"], "input.agingBucketEdges",
        "{wrong}"
    );
    let wrong = app
        .graphql_as(
            &owner.access_token,
            SETTINGS,
            json!({ "input": { "attributionDays": 7, "largeInvoiceAmount": "-5" } }),
        )
        .await;
    assert_eq!(
        wrong["errors"][0]["extensions"]["field"], "input.largeInvoiceAmount",
        "{wrong}"
    );
    let denied = app
        .graphql_as(
            &collector.access_token,
            SETTINGS,
            json!({ "input": { "attributionDays": 3 } }),
        )
        .await;
    assert_eq!(error_codes(&denied), ["FORBIDDEN"]);
    let unchanged = ok(
        &app,
        &owner,
        "{ analyticsSettings { agingBucketEdges attributionDays largeInvoiceAmount } }",
        json!({}),
        "analyticsSettings",
    )
    .await;
    assert_eq!(
        unchanged,
        json!({ "agingBucketEdges": [30, 60, 90], "attributionDays": 14, "largeInvoiceAmount": "100000" })
    );
    let saved = ok(&app, &owner, SETTINGS,
        json!({ "input": { "agingBucketEdges": [15, 45, 75], "attributionDays": 7, "largeInvoiceAmount": "2500.50" } }),
        "updateAnalyticsSettings").await;
    assert_eq!(
        saved["settings"],
        json!({ "agingBucketEdges": [15, 45, 75], "attributionDays": 7, "largeInvoiceAmount": "2500.5" })
    );
    let aging = ok(
        &app,
        &owner,
        "{ agingReport { bucketEdges totals { d1To30 { amount } } } }",
        json!({}),
        "agingReport",
    )
    .await;
    assert_eq!(aging["bucketEdges"], json!([15, 45, 75]));
    assert_eq!(
        aging["totals"]["d1To30"]["amount"], "2000.00",
        "10 days overdue is in 1-15"
    );
    let board = ok(&app, &owner, "query($from: Date!, $to: Date!) { staffPerformance(from: $from, to: $to) { attributionDays } }",
        json!({ "from": from.to_string(), "to": now.to_string() }), "staffPerformance").await;
    assert_eq!(board["attributionDays"], 7);
}

/// `credit_sales_by_day` netted by currency and day, and the same straight from the ledger.
async fn credit_sales_kept_and_derived(app: &TestApp, s: &str) -> (Vec<String>, Vec<String>) {
    let rows = |sql: String| async move {
        app.db
            .query_all_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Postgres,
                sql,
            ))
            .await
            .unwrap()
            .iter()
            .map(|row| row.try_get::<String>("", "line").unwrap())
            .collect::<Vec<String>>()
    };
    let kept = rows(format!(
        "SELECT currency || ' ' || day || ' ' || sum(amount) AS line FROM {s}.credit_sales_by_day
         GROUP BY currency, day HAVING sum(amount) <> 0 ORDER BY currency, day"
    ))
    .await;
    let derived = rows(format!(
        "SELECT currency || ' ' || day || ' ' || sum(amount) AS line FROM (
             SELECT currency, issue_date AS day, total AS amount FROM {s}.invoices WHERE status NOT IN ('DRAFT', 'VOID')
             UNION ALL
             SELECT currency, issued_on, -amount FROM {s}.credit_notes
         ) x GROUP BY currency, day HAVING sum(amount) <> 0 ORDER BY currency, day"
    ))
    .await;
    (kept, derived)
}

#[tokio::test]
async fn credit_sales_kept_by_day_follow_every_change_to_invoices_and_credit_notes() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let s = format!("\"{}\"", owner.tenant_id.schema_name());
    let a = create_customer(&app, &owner, "A", json!({})).await;
    let customer = id(&a);
    // A generated ledger: issued, paid, written-off invoices and credit notes, in bulk.
    app.generate_ledger(
        owner.tenant_id,
        duely_backend::demo::ledger::LedgerSize {
            customers: 20,
            invoices: 300,
            months: 4,
        },
    )
    .await;
    // A draft counts only once issued, and at the date it is issued with.
    let draft = crate::kit::create_invoice_raw(
        &app,
        &owner,
        &customer,
        "700",
        false,
        json!({ "issueDate": "2026-02-03", "dueDate": "2026-03-05" }),
    )
    .await;
    let draft_id = draft["data"]["createInvoice"]["invoice"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (kept, derived) = credit_sales_kept_and_derived(&app, &s).await;
    assert_eq!(kept, derived, "after the ledger and a draft");
    ok(
        &app,
        &owner,
        "mutation($input: UpdateInvoiceInput!) { updateInvoice(input: $input) { invoice { id } } }",
        json!({ "input": { "invoiceId": draft_id, "issueDate": "2026-02-04", "dueDate": "2026-03-06" } }),
        "updateInvoice",
    )
    .await;
    ok(
        &app,
        &owner,
        "mutation($input: IssueInvoiceInput!) { issueInvoice(input: $input) { invoice { id } } }",
        json!({ "input": { "invoiceId": draft_id } }),
        "issueInvoice",
    )
    .await;
    // Another issued, then voided: it never counted.
    let voided = invoice(&app, &owner, &a, "900", day(2026, 2, 4), day(2026, 3, 6)).await;
    ok(
        &app,
        &owner,
        "mutation($input: VoidInvoiceInput!) { voidInvoice(input: $input) { invoice { id } } }",
        json!({ "input": { "invoiceId": id(&voided), "reason": "Entered twice" } }),
        "voidInvoice",
    )
    .await;
    // A credit note takes its amount off the day it is issued.
    ok(
        &app,
        &owner,
        "mutation($input: CreateCreditNoteInput!) { createCreditNote(input: $input) { creditNote { id } } }",
        json!({ "input": { "invoiceId": draft_id, "amount": "200", "reason": "Damaged" } }),
        "createCreditNote",
    )
    .await;
    let (kept, derived) = credit_sales_kept_and_derived(&app, &s).await;
    assert_eq!(kept, derived, "after issuing, voiding and crediting");
    // The daily snapshot folds the past days' rows, and the sums stay.
    let rows_before = scalar(
        &app,
        format!("SELECT count(*)::numeric AS v FROM {s}.credit_sales_by_day"),
    )
    .await;
    let today = duely_backend::db::tenant_calendar(&app.db, owner.tenant_id)
        .await
        .unwrap()
        .today;
    duely_backend::analytics::service::kpis::snapshot(&app.db, owner.tenant_id, today)
        .await
        .unwrap();
    let rows_after = scalar(
        &app,
        format!("SELECT count(*)::numeric AS v FROM {s}.credit_sales_by_day"),
    )
    .await;
    let (kept, derived) = credit_sales_kept_and_derived(&app, &s).await;
    assert_eq!(kept, derived, "after folding");
    assert!(
        rows_after < rows_before,
        "{rows_before} rows, then {rows_after}"
    );
}

/// The aging totals of every day from `first` to `last`: the whole company's, read from what
/// `owed_by_day` keeps, beside the same report grouped by collector, worked out from the ledger
/// (`OWED_AS_OF`) and added up. Returns the days on which the two differ.
async fn owed_kept_against_ledger(
    app: &TestApp,
    s: &TestSession,
    first: NaiveDate,
    last: NaiveDate,
) -> Vec<String> {
    let mut differ = Vec::new();
    let mut day = first;
    while day <= last {
        let as_of = json!({ "asOf": day.to_string() });
        let kept = ok(app, s, AGING, as_of.clone(), "agingReport").await;
        let grouped = json!({ "asOf": day.to_string(), "groupBy": "COLLECTOR" });
        let worked_out = ok(app, s, AGING, grouped, "agingReport").await;
        if kept["totals"] != worked_out["totals"] {
            differ.push(format!(
                "{day}: kept {} worked out {}",
                kept["totals"], worked_out["totals"]
            ));
        }
        day = day + Days::new(1);
    }
    differ
}

#[tokio::test]
async fn what_was_owed_kept_by_day_is_the_ledgers_on_every_day_in_any_time_zone() {
    let app = spawn_app().await;
    // A quarter-hour offset (UTC+5:45): the kept instants must not cross a local midnight.
    let body = app
        .graphql(
            crate::helpers::SIGN_UP,
            json!({ "input": { "companyName": "Acme", "name": "Li Wei", "email": app.email("owner"),
                "password": crate::helpers::TEST_PASSWORD, "timeZone": "Asia/Kathmandu" } }),
        )
        .await;
    let owner =
        TestSession::from_payload(&body["data"]["signUp"]).unwrap_or_else(|| panic!("{body}"));
    let today = duely_backend::db::tenant_calendar(&app.db, owner.tenant_id)
        .await
        .unwrap()
        .today;
    let ago = |days: u64| today - Days::new(days);
    app.generate_ledger(
        owner.tenant_id,
        duely_backend::demo::ledger::LedgerSize {
            customers: 12,
            invoices: 200,
            months: 3,
        },
    )
    .await;
    let c = create_customer(&app, &owner, "C", json!({})).await;
    let d = create_customer(&app, &owner, "D", json!({})).await;
    let e = create_customer(&app, &owner, "E", json!({})).await;
    // Credited in part, then written off; a payment on it bounces after the write-off.
    let credited = invoice(&app, &owner, &c, "1000", ago(80), ago(50)).await;
    pay(&app, &owner, &c, "100", ago(70)).await;
    ok(&app, &owner, "mutation($input: CreateCreditNoteInput!) { createCreditNote(input: $input) { creditNote { id } } }",
        json!({ "input": { "invoiceId": id(&credited), "amount": "300", "reason": "Damaged", "issuedOn": ago(60).to_string() } }),
        "createCreditNote").await;
    ok(&app, &owner, "mutation($input: WriteOffInvoiceInput!) { writeOffInvoice(input: $input) { invoice { id } } }",
        json!({ "input": { "invoiceId": id(&credited), "reason": "Insolvent" } }), "writeOffInvoice").await;
    let payment_of = |customer: &Value| {
        let sql = format!(
            "SELECT id::text AS id FROM \"{}\".payments WHERE customer_id = '{}'",
            owner.tenant_id.schema_name(),
            id(customer)
        );
        let app = &app;
        async move {
            app.db
                .query_one_raw(sea_orm::Statement::from_string(
                    sea_orm::DbBackend::Postgres,
                    sql,
                ))
                .await
                .unwrap()
                .unwrap()
                .try_get::<String>("", "id")
                .unwrap()
        }
    };
    let reverse = "mutation($input: ReversePaymentInput!) { reversePayment(input: $input) { payment { id } } }";
    ok(
        &app,
        &owner,
        reverse,
        json!({ "input": { "paymentId": payment_of(&c).await, "reason": "Bounced" } }),
        "reversePayment",
    )
    .await;
    // On an installment plan, paid in part.
    let split = invoice(&app, &owner, &d, "600", ago(75), ago(45)).await;
    ok(&app, &owner, "mutation($input: SetInstallmentPlanInput!) { setInstallmentPlan(input: $input) { invoice { id } } }",
        json!({ "input": { "invoiceId": id(&split), "installments": [
            { "dueDate": ago(45).to_string(), "amount": "200" },
            { "dueDate": ago(15).to_string(), "amount": "200" },
            { "dueDate": (today + Days::new(15)).to_string(), "amount": "200" } ] } }),
        "setInstallmentPlan").await;
    pay(&app, &owner, &d, "250", ago(40)).await;
    // Received before the invoice it pays was issued: it counts from the issue date.
    invoice(&app, &owner, &e, "700", ago(20), ago(5)).await;
    pay(&app, &owner, &e, "400", ago(30)).await;
    // Paid on account, applied later: it counts from when it was applied.
    let f = create_customer(&app, &owner, "F", json!({})).await;
    pay(&app, &owner, &f, "500", ago(35)).await;
    invoice(&app, &owner, &f, "800", ago(30), ago(10)).await;
    ok(
        &app,
        &owner,
        "mutation($input: ApplyCreditInput!) { applyCredit(input: $input) { customer { id } } }",
        json!({ "input": { "customerId": id(&f) } }),
        "applyCredit",
    )
    .await;
    // Paid, then the payment bounces: owed again from the day it bounced.
    let g = create_customer(&app, &owner, "G", json!({})).await;
    invoice(&app, &owner, &g, "300", ago(90), ago(60)).await;
    pay(&app, &owner, &g, "300", ago(10)).await;
    ok(
        &app,
        &owner,
        reverse,
        json!({ "input": { "paymentId": payment_of(&g).await, "reason": "Bounced" } }),
        "reversePayment",
    )
    .await;
    // Issued, then voided: it never counted.
    let void =
        "mutation($input: VoidInvoiceInput!) { voidInvoice(input: $input) { invoice { id } } }";
    let voided = invoice(&app, &owner, &e, "900", ago(12), ago(2)).await;
    ok(
        &app,
        &owner,
        void,
        json!({ "input": { "invoiceId": id(&voided), "reason": "Entered twice" } }),
        "voidInvoice",
    )
    .await;
    // Paid, the payment bounced, then voided: neither it nor its payment ever counted, on a
    // plan or not.
    let h = create_customer(&app, &owner, "H", json!({})).await;
    let plain = invoice(&app, &owner, &h, "500", ago(50), ago(20)).await;
    pay(&app, &owner, &h, "500", ago(40)).await;
    let k = create_customer(&app, &owner, "K", json!({})).await;
    let planned = invoice(&app, &owner, &k, "600", ago(50), ago(20)).await;
    ok(&app, &owner, "mutation($input: SetInstallmentPlanInput!) { setInstallmentPlan(input: $input) { invoice { id } } }",
        json!({ "input": { "invoiceId": id(&planned), "installments": [
            { "dueDate": ago(20).to_string(), "amount": "300" },
            { "dueDate": ago(5).to_string(), "amount": "300" } ] } }),
        "setInstallmentPlan").await;
    pay(&app, &owner, &k, "300", ago(40)).await;
    for (customer, bounced) in [(&h, &plain), (&k, &planned)] {
        ok(
            &app,
            &owner,
            reverse,
            json!({ "input": { "paymentId": payment_of(customer).await, "reason": "Bounced" } }),
            "reversePayment",
        )
        .await;
        ok(
            &app,
            &owner,
            void,
            json!({ "input": { "invoiceId": id(bounced), "reason": "Issued in error" } }),
            "voidInvoice",
        )
        .await;
    }
    let by_customer = ok(
        &app,
        &owner,
        AGING,
        json!({ "asOf": ago(30).to_string(), "groupBy": "CUSTOMER" }),
        "agingReport",
    )
    .await;
    let owing_less_than_nothing: Vec<&Value> = by_customer["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| {
            row["buckets"]["total"]["amount"]
                .as_str()
                .unwrap()
                .starts_with('-')
        })
        .collect();
    assert!(
        owing_less_than_nothing.is_empty(),
        "{owing_less_than_nothing:#?}"
    );

    let first = ago(100);
    let differ = owed_kept_against_ledger(&app, &owner, first, today).await;
    assert!(differ.is_empty(), "{differ:#?}");

    // Another time zone reads the kept instants on its own days (UTC-11, a day behind).
    ok(&app, &owner,
        "mutation($input: CompanySettingsInput!) { updateCompanySettings(input: $input) { settings { credit { overLimitPolicy } } } }",
        json!({ "input": { "company": { "timeZone": "Pacific/Pago_Pago" } } }), "updateCompanySettings").await;
    let differ = owed_kept_against_ledger(&app, &owner, ago(3), today).await;
    assert!(differ.is_empty(), "{differ:#?}");

    // The daily snapshot folds past days' rows; every day still adds up the same.
    let s = format!("\"{}\"", owner.tenant_id.schema_name());
    let rows_before = scalar(
        &app,
        format!("SELECT count(*)::numeric AS v FROM {s}.owed_by_day"),
    )
    .await;
    duely_backend::analytics::service::kpis::snapshot(&app.db, owner.tenant_id, today)
        .await
        .unwrap();
    let rows_after = scalar(
        &app,
        format!("SELECT count(*)::numeric AS v FROM {s}.owed_by_day"),
    )
    .await;
    assert!(
        rows_after < rows_before,
        "{rows_before} rows, then {rows_after}"
    );
    let differ = owed_kept_against_ledger(&app, &owner, first, today).await;
    assert!(differ.is_empty(), "{differ:#?}");
}
