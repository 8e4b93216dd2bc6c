//! The development clock: a test moves every company's business day with `app.set_today` (or
//! `DUELY_TODAY` at start-up), and what counts from today (due dates, days overdue, aging,
//! the overdue filter) follows, with no SQL in the test. The command line's side is in `cli.rs`.

use crate::helpers::{fresh_database, spawn_app, spawn_app_with, test_config};
use crate::kit::{Api, IssuedInvoice, Money, Page, RecordedPayment, TestTenant, data};
use chrono::{Days, NaiveDate};
use serde::Deserialize;
use serde_json::json;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[derive(Deserialize)]
struct CustomerData {
    customer: Option<Overdue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Overdue {
    overdue_amount: Money,
    days_past_due: i64,
}

const OVERDUE: &str =
    "query($id: ID!) { customer(id: $id) { overdueAmount { amount currency } daysPastDue } }";

#[tokio::test]
async fn an_invoice_on_net_30_falls_overdue_when_the_clock_passes_its_due_date() {
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let issued_on = day(2026, 3, 2);
    app.set_today(issued_on).await;
    let buyer = acme
        .customer_with("B-1", json!({ "paymentTermsDays": 30 }))
        .await;
    let invoice = acme.invoice(&buyer, "1000").await;
    assert_eq!(invoice.status, "ISSUED");
    assert_eq!(invoice.issue_date, issued_on, "issued on the clock's day");
    assert_eq!(invoice.due_date, issued_on + Days::new(30));
    assert_eq!(invoice.days_overdue, 0);
    assert_eq!(invoice.aging_bucket.as_deref(), Some("CURRENT"));
    let overdue = json!({ "filter": { "overdue": true } });
    assert_eq!(acme.api().invoices(overdue.clone()).await.total_count, 0);
    let account: CustomerData = data(&app, &acme.owner, OVERDUE, json!({ "id": buyer.id })).await;
    let account = account.customer.unwrap();
    assert_eq!(account.overdue_amount.amount, "0.00");
    assert_eq!(account.days_past_due, 0);

    app.set_today(issued_on + Days::new(45)).await;
    let later = acme.api().invoice(&invoice.id).await.unwrap();
    assert_eq!(later.days_overdue, 15);
    assert_eq!(later.aging_bucket.as_deref(), Some("D1_TO_30"));
    assert_eq!(later.balance_due, invoice.balance_due, "only time moved");
    let page: Page<IssuedInvoice> = acme.api().invoices(overdue).await;
    assert_eq!(page.total_count, 1);
    assert_eq!(page.nodes[0].id, invoice.id);
    let account: CustomerData = acme.api().data(OVERDUE, json!({ "id": buyer.id })).await;
    let account = account.customer.unwrap();
    assert_eq!(
        account.overdue_amount,
        Money {
            amount: "1000.00".to_owned(),
            currency: "CNY".to_owned()
        }
    );
    assert_eq!(account.days_past_due, 15);

    // Back to the real date: the clock is cleared, and a payment dated today settles the rest.
    app.reset_clock().await;
    assert_eq!(
        duely_backend::clock::read(&app.db, None).await.unwrap(),
        None
    );
    let payment: RecordedPayment = acme.payment(&buyer, "1000").await;
    assert_eq!(payment.allocations.len(), 1);
    assert_eq!(payment.allocations[0].invoice_id, invoice.id);
    let paid = acme.api().invoice(&invoice.id).await.unwrap();
    assert_eq!(paid.status, "PAID");
    assert_eq!(paid.aging_bucket, None);
}

#[tokio::test]
async fn duely_today_sets_the_clock_when_the_server_starts() {
    let database_url = fresh_database().await;
    let app = spawn_app_with(test_config(&[("DUELY_TODAY", "2026-02-27")], &database_url)).await;
    assert_eq!(
        duely_backend::clock::read(&app.db, None).await.unwrap(),
        Some(day(2026, 2, 27))
    );
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let api = Api::new(&app, &acme.owner);
    let buyer = api.create_customer("B-1", json!({})).await;
    let invoice = api
        .issue_invoice(&buyer.id, "10", json!({ "dueDate": "2026-03-31" }))
        .await;
    assert_eq!(invoice.issue_date, day(2026, 2, 27));
    assert_eq!(invoice.days_overdue, 0);
}
