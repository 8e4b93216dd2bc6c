//! Typed requests: each sends one GraphQL operation as a session and reads `data` into serde
//! structs named as the schema names them (`backend/schema.graphql`, camelCase on the wire). Any
//! error fails the test with the whole response body, so a test that expects a refusal sends
//! its request with `TestApp::graphql_as` and reads the codes instead.

// The shapes carry every field the kit selects, whether or not a test reads it yet.
#![allow(dead_code)]

use crate::helpers::{TestApp, TestSession};
use chrono::NaiveDate;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Runs `query` as `session` and reads the whole `data` as `T`, failing the test with the body
/// on any error.
pub async fn data<T: DeserializeOwned>(
    app: &TestApp,
    session: &TestSession,
    query: &str,
    variables: Value,
) -> T {
    let body = app
        .graphql_as(&session.access_token, query, variables)
        .await;
    read(&body, &body["data"])
}

/// `value` (a part of `body`) as `T`; fails the test with the whole body on errors.
fn read<T: DeserializeOwned>(body: &Value, value: &Value) -> T {
    if body.get("errors").is_some() {
        panic!("the request failed: {body}");
    }
    serde_json::from_value(value.clone()).unwrap_or_else(|error| {
        panic!(
            "the answer is not a {}: {error}\n{body}",
            std::any::type_name::<T>()
        )
    })
}

/// `{ amount currency }`; amounts as the API writes them ("1000.00").
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Money {
    pub amount: String,
    pub currency: String,
}

/// What `createCustomer` answers, as the kit selects it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerCreated {
    pub id: String,
    pub code: String,
    pub name: String,
}

pub const CUSTOMER_CREATED: &str = "id code name";

/// `CustomerRef`: the customer an invoice or a payment belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerRef {
    pub id: String,
    pub code: String,
    pub name: String,
}

/// An invoice as the kit reads it: what `createInvoice` / `issueInvoice` answer, and a node of
/// `invoices` or `invoice(id)`. `status` and `agingBucket` are the enum values as sent
/// (`"ISSUED"`, `"D1_TO_30"`); `number` is `None` for a draft.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuedInvoice {
    pub id: String,
    pub number: Option<String>,
    pub status: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub total: Money,
    pub amount_paid: Money,
    pub balance_due: Money,
    pub days_overdue: i64,
    pub aging_bucket: Option<String>,
    pub customer: CustomerRef,
}

pub const ISSUED_INVOICE: &str = "id number status issueDate dueDate total { amount currency }
    amountPaid { amount currency } balanceDue { amount currency } daysOverdue agingBucket
    customer { id code name }";

/// One allocation of a payment to an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentAllocation {
    pub invoice_id: String,
    pub amount: Money,
}

/// What `recordPayment` answers, as the kit selects it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedPayment {
    pub id: String,
    pub amount: Money,
    pub received_on: NaiveDate,
    pub allocated: Money,
    pub unapplied: Money,
    pub allocations: Vec<PaymentAllocation>,
}

pub const RECORDED_PAYMENT: &str = "id amount { amount currency } receivedOn
    allocated { amount currency } unapplied { amount currency }
    allocations { invoiceId amount { amount currency } }";

/// A page of a connection: `totalCount`, `pageInfo { hasNextPage endCursor }` and `nodes`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub total_count: i64,
    pub page_info: PageInfo,
    pub nodes: Vec<T>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

#[derive(Deserialize)]
struct CustomerPayload {
    customer: CustomerCreated,
}

#[derive(Deserialize)]
struct InvoicePayload {
    invoice: IssuedInvoice,
}

#[derive(Deserialize)]
struct PaymentPayload {
    payment: RecordedPayment,
}

/// Every field of `CompanySettings`.
pub const COMPANY_SETTINGS: &str = "credit { overLimitPolicy holdOverLimit autoReleaseHolds } \
    collections { dunningRunHour promiseGraceDays } \
    reports { agingBucketEdges attributionDays largeInvoiceAmount dailyDigest } \
    numbering { invoicePrefix creditNotePrefix } \
    company { timeZone locale baseCurrency }";

/// Typed calls as one session: `Api::new(&app, &session)`, or `TestTenant::api()`.
#[derive(Clone, Copy)]
pub struct Api<'a> {
    pub app: &'a TestApp,
    pub session: &'a TestSession,
}

impl<'a> Api<'a> {
    pub fn new(app: &'a TestApp, session: &'a TestSession) -> Self {
        Api { app, session }
    }

    /// The whole `data` of `query` as `T` (see [`data`]).
    pub async fn data<T: DeserializeOwned>(&self, query: &str, variables: Value) -> T {
        data(self.app, self.session, query, variables).await
    }

    /// `data.<field>` of `query` as `T`.
    pub async fn field<T: DeserializeOwned>(
        &self,
        query: &str,
        variables: Value,
        field: &str,
    ) -> T {
        let body = self
            .app
            .graphql_as(&self.session.access_token, query, variables)
            .await;
        read(&body, &body["data"][field])
    }

    /// Changes the company's settings through `updateCompanySettings` (`input` as
    /// `CompanySettingsInput`, such as `{ "credit": { "overLimitPolicy": "WARN" } }`) and
    /// returns them whole, as the payload shows them.
    pub async fn update_settings(&self, input: Value) -> Value {
        self.field::<Value>(
            &format!(
                "mutation($input: CompanySettingsInput!) {{ updateCompanySettings(input: $input) {{ settings {{ {COMPANY_SETTINGS} }} }} }}"
            ),
            json!({ "input": input }),
            "updateCompanySettings",
        )
        .await["settings"]
            .clone()
    }

    /// Creates the customer `code` named "Customer <code>"; `extra` adds or replaces fields of
    /// `CreateCustomerInput` (`{ "paymentTermsDays": 30 }`).
    pub async fn create_customer(&self, code: &str, extra: Value) -> CustomerCreated {
        let mut input = json!({ "name": format!("Customer {code}"), "code": code });
        merge(&mut input, extra);
        self.field::<CustomerPayload>(
            &format!(
                "mutation($input: CreateCustomerInput!) {{ createCustomer(input: $input) {{ customer {{ {CUSTOMER_CREATED} }} }} }}"
            ),
            json!({ "input": input }),
            "createCustomer",
        )
        .await
        .customer
    }

    /// Issues an invoice of one line for `amount` (no tax) to `customer_id`; `extra` adds or
    /// replaces fields of `CreateInvoiceInput` (`{ "issueDate": "2026-01-05" }`).
    pub async fn issue_invoice(
        &self,
        customer_id: &str,
        amount: &str,
        extra: Value,
    ) -> IssuedInvoice {
        self.create_invoice(customer_id, amount, true, extra).await
    }

    /// A draft of one line for `amount` to `customer_id`.
    pub async fn draft_invoice(
        &self,
        customer_id: &str,
        amount: &str,
        extra: Value,
    ) -> IssuedInvoice {
        self.create_invoice(customer_id, amount, false, extra).await
    }

    async fn create_invoice(
        &self,
        customer_id: &str,
        amount: &str,
        issue: bool,
        extra: Value,
    ) -> IssuedInvoice {
        let mut input = json!({
            "customerId": customer_id,
            "lines": [{ "description": "Goods", "quantity": "1", "unitPrice": amount }],
            "issue": issue,
        });
        merge(&mut input, extra);
        self.field::<InvoicePayload>(
            &format!(
                "mutation($input: CreateInvoiceInput!) {{ createInvoice(input: $input) {{ invoice {{ {ISSUED_INVOICE} }} }} }}"
            ),
            json!({ "input": input }),
            "createInvoice",
        )
        .await
        .invoice
    }

    /// Records a payment: `input` is the whole `RecordPaymentInput`.
    pub async fn record_payment(&self, input: Value) -> RecordedPayment {
        self.field::<PaymentPayload>(
            &format!(
                "mutation($input: RecordPaymentInput!) {{ recordPayment(input: $input) {{ payment {{ {RECORDED_PAYMENT} }} }} }}"
            ),
            json!({ "input": input }),
            "recordPayment",
        )
        .await
        .payment
    }

    /// The invoice `id`; `None` when the caller cannot see one of that id.
    pub async fn invoice(&self, id: &str) -> Option<IssuedInvoice> {
        self.field(
            &format!("query($id: ID!) {{ invoice(id: $id) {{ {ISSUED_INVOICE} }} }}"),
            json!({ "id": id }),
            "invoice",
        )
        .await
    }

    /// A page of `invoices`; `variables` may hold `first`, `after`, `filter` and `orderBy`.
    pub async fn invoices(&self, variables: Value) -> Page<IssuedInvoice> {
        self.field(
            &format!(
                "query($first: Int, $after: String, $filter: InvoiceFilter, $orderBy: InvoiceOrder) {{
                    invoices(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {{
                        totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ {ISSUED_INVOICE} }} }} }}"
            ),
            variables,
            "invoices",
        )
        .await
    }
}

/// Adds `extra`'s fields to the object `input`, replacing those of the same name.
fn merge(input: &mut Value, extra: Value) {
    if let (Some(input), Value::Object(extra)) = (input.as_object_mut(), extra) {
        input.extend(extra);
    }
}
