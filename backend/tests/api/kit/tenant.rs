//! `TestTenant`: a company signed up through the API, its owner's session, and conveniences
//! that arrange its data through the API and return typed values.

use super::fixtures::join;
use super::requests::{Api, CustomerCreated, IssuedInvoice, RecordedPayment};
use crate::helpers::{TestApp, TestSession};
use domain::TenantId;
use serde_json::{Value, json};

pub struct TestTenant<'a> {
    pub app: &'a TestApp,
    /// The company's name as signed up.
    pub name: String,
    /// The owner's session: every convenience below acts as the owner.
    pub owner: TestSession,
}

impl<'a> TestTenant<'a> {
    /// Signs up `company` with an owner whose address is unique to this app (and verified, as
    /// [`TestApp::sign_up`] leaves it).
    pub async fn sign_up(app: &'a TestApp, company: &str) -> TestTenant<'a> {
        let owner = app
            .sign_up(company, &app.email(&format!("{}-owner", slug(company))))
            .await;
        TestTenant {
            app,
            name: company.to_owned(),
            owner,
        }
    }

    pub fn id(&self) -> TenantId {
        self.owner.tenant_id
    }

    /// Typed calls as the owner.
    pub fn api(&self) -> Api<'_> {
        Api::new(self.app, &self.owner)
    }

    /// Typed calls as another session (a member from [`Self::member`]).
    pub fn api_as<'s>(&'s self, session: &'s TestSession) -> Api<'s> {
        Api::new(self.app, session)
    }

    /// A new member with `role` (`"collector"` or `"COLLECTOR"`): invited by the owner by email
    /// and joined with a new account, as a person would. Returns their session.
    pub async fn member(&self, role: &str) -> TestSession {
        let role = role.to_uppercase();
        let unique = uuid::Uuid::new_v4().simple().to_string();
        let email = self.app.email(&format!(
            "{}-{}-{}",
            slug(&self.name),
            slug(&role),
            &unique[..8]
        ));
        join(self.app, &self.owner, &email, &role).await
    }

    /// The customer `code`, named "Customer <code>", with the company's default terms.
    pub async fn customer(&self, code: &str) -> CustomerCreated {
        self.api().create_customer(code, json!({})).await
    }

    /// The customer `code` with more of `CreateCustomerInput` (`{ "paymentTermsDays": 30 }`).
    pub async fn customer_with(&self, code: &str, extra: Value) -> CustomerCreated {
        self.api().create_customer(code, extra).await
    }

    /// An issued invoice of one line for `amount` to `customer`, dated today.
    pub async fn invoice(&self, customer: &CustomerCreated, amount: &str) -> IssuedInvoice {
        self.api()
            .issue_invoice(&customer.id, amount, json!({}))
            .await
    }

    /// An issued invoice with more of `CreateInvoiceInput` (`{ "dueDate": "2026-01-31" }`).
    pub async fn invoice_with(
        &self,
        customer: &CustomerCreated,
        amount: &str,
        extra: Value,
    ) -> IssuedInvoice {
        self.api().issue_invoice(&customer.id, amount, extra).await
    }

    /// A bank transfer of `amount` CNY from `customer`, allocated oldest due first.
    pub async fn payment(&self, customer: &CustomerCreated, amount: &str) -> RecordedPayment {
        self.api()
            .record_payment(json!({
                "customerId": customer.id, "amount": amount, "currency": "CNY",
                "method": "BANK_TRANSFER",
            }))
            .await
    }
}

/// `Acme Trading` → `acme-trading`: a name as the local part of an email address.
fn slug(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}
