//! The JSON fixtures the area tests share: each sends one operation and returns the answer as
//! untyped JSON (`Value`), as the older tests read it. New tests prefer the typed calls in
//! [`super::requests`] and [`super::TestTenant`].

use super::mail::invitation_token;
use crate::helpers::{SESSION_FIELDS, TEST_PASSWORD, TestApp, TestSession};
use serde_json::{Value, json};

pub const CUSTOMER_FIELDS: &str = "id code name currency paymentTermsDays creditLimit { amount currency }
    creditHold creditHoldReason balance { amount currency } overdueAmount { amount }
    availableCredit { amount } unappliedCredit { amount } openInvoiceCount
    aging { current { amount } d1To30 { amount } d31To60 { amount } d61To90 { amount } over90 { amount } }
    collector { id name } contacts { name email preferredChannel }";

pub const INVOICE_FIELDS: &str = "id number status issueDate dueDate currency total { amount currency }
    amountPaid { amount } balanceDue { amount } daysOverdue agingBucket creditFlag
    customer { id code name } lines { description quantity unitPrice taxRate net { amount } tax { amount } total { amount } }
    allocations { paymentId amount { amount } reversesId } disputes { id status amount { amount } }";

pub const PAYMENT_FIELDS: &str = "id amount { amount currency } receivedOn method reference
    allocated { amount } unapplied { amount } reversed
    allocations { invoiceId invoiceNumber amount { amount } reversesId }";

/// Runs `query` as `session` and returns `data[field]`, failing the test on errors.
pub async fn ok(
    app: &TestApp,
    session: &TestSession,
    query: &str,
    variables: Value,
    field: &str,
) -> Value {
    let body = app
        .graphql_as(&session.access_token, query, variables)
        .await;
    assert!(body.get("errors").is_none(), "{field}: {body}");
    body["data"][field].clone()
}

pub async fn create_customer(
    app: &TestApp,
    session: &TestSession,
    code: &str,
    extra: Value,
) -> Value {
    let mut input = json!({ "name": format!("Customer {code}"), "code": code });
    if let (Some(input), Some(extra)) = (input.as_object_mut(), extra.as_object()) {
        input.extend(extra.clone());
    }
    ok(
        app,
        session,
        &format!("mutation($input: CreateCustomerInput!) {{ createCustomer(input: $input) {{ customer {{ {CUSTOMER_FIELDS} }} }} }}"),
        json!({ "input": input }),
        "createCustomer",
    )
    .await["customer"]
        .clone()
}

/// Issues an invoice of one line for `amount` (no tax) to `customer_id`.
pub async fn issue_invoice(
    app: &TestApp,
    session: &TestSession,
    customer_id: &str,
    amount: &str,
    extra: Value,
) -> Value {
    let body = create_invoice_raw(app, session, customer_id, amount, true, extra).await;
    assert!(body.get("errors").is_none(), "createInvoice: {body}");
    body["data"]["createInvoice"]["invoice"].clone()
}

pub async fn create_invoice_raw(
    app: &TestApp,
    session: &TestSession,
    customer_id: &str,
    amount: &str,
    issue: bool,
    extra: Value,
) -> Value {
    let mut input = json!({
        "customerId": customer_id,
        "lines": [{ "description": "Goods", "quantity": "1", "unitPrice": amount }],
        "issue": issue,
    });
    if let (Some(input), Some(extra)) = (input.as_object_mut(), extra.as_object()) {
        input.extend(extra.clone());
    }
    app.graphql_as(
        &session.access_token,
        &format!("mutation($input: CreateInvoiceInput!) {{ createInvoice(input: $input) {{ invoice {{ {INVOICE_FIELDS} }} }} }}"),
        json!({ "input": input }),
    )
    .await
}

pub async fn record_payment_raw(app: &TestApp, session: &TestSession, input: Value) -> Value {
    app.graphql_as(
        &session.access_token,
        &format!("mutation($input: RecordPaymentInput!) {{ recordPayment(input: $input) {{ payment {{ {PAYMENT_FIELDS} }} }} }}"),
        json!({ "input": input }),
    )
    .await
}

pub async fn invoice(app: &TestApp, session: &TestSession, id: &str) -> Value {
    ok(
        app,
        session,
        &format!("query($id: ID!) {{ invoice(id: $id) {{ {INVOICE_FIELDS} }} }}"),
        json!({ "id": id }),
        "invoice",
    )
    .await
}

pub async fn customer(app: &TestApp, session: &TestSession, id: &str) -> Value {
    ok(
        app,
        session,
        &format!("query($id: ID!) {{ customer(id: $id) {{ {CUSTOMER_FIELDS} }} }}"),
        json!({ "id": id }),
        "customer",
    )
    .await
}

const INVITE: &str = "mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { id email role expiresAt } } }";

pub fn accept_query() -> String {
    format!(
        "mutation($input: AcceptInvitationInput!) {{ acceptInvitation(input: $input) {{ {SESSION_FIELDS} }} }}"
    )
}

/// Invites `email` as `role` with `as_token`'s rights; returns the answer.
pub async fn invite(app: &TestApp, as_token: &str, email: &str, role: &str) -> Value {
    app.graphql_as(
        as_token,
        INVITE,
        json!({ "input": { "email": email, "role": role } }),
    )
    .await
}

/// Invites `email` as `role` and accepts with a new account; returns the new member's session.
pub async fn join(app: &TestApp, owner: &TestSession, email: &str, role: &str) -> TestSession {
    let body = invite(app, &owner.access_token, email, role).await;
    assert!(
        body["data"]["inviteMember"]["invitation"]["id"].is_string(),
        "{body}"
    );
    let token = invitation_token(&app.email_to(email).await);
    let accepted = app
        .graphql(
            &accept_query(),
            json!({ "input": { "token": token, "name": "王芳", "password": TEST_PASSWORD } }),
        )
        .await;
    TestSession::from_payload(&accepted["data"]["acceptInvitation"])
        .unwrap_or_else(|| panic!("accepting failed: {accepted}"))
}

/// The company's business day.
pub async fn company_today(app: &TestApp, session: &TestSession) -> chrono::NaiveDate {
    duely_backend::db::tenant_calendar(&app.db, session.tenant_id)
        .await
        .unwrap()
        .today
}

/// The company's dunning run as of `date`, as the daily job runs it.
pub async fn run_dunning(
    app: &TestApp,
    session: &TestSession,
    date: chrono::NaiveDate,
) -> duely_backend::collections::run::Counts {
    let links = duely_backend::startup::AppLinks {
        public_url: app.address.clone(),
        sealer: duely_backend::secrets::Sealer::from_hex(&"5a".repeat(32).into()).unwrap(),
        environment: duely_backend::config::Environment::Development,
        messaging: crate::helpers::messaging_endpoints(),
    };
    duely_backend::collections::run::run_tenant(
        &app.db,
        &links,
        session.tenant_id,
        date,
        duely_backend::collections::run::Trigger::Schedule,
    )
    .await
    .unwrap()
    .1
}
