//! Duely's gateway to Stripe.
//!
//! The handful of calls Duely makes, as non-generic functions over plain types, so that
//! async-stripe's large generated code is compiled and monomorphized here only and a change
//! anywhere else in Duely never rebuilds it (ARCHITECTURE.md, "Keeping Stripe off the rebuild
//! path"). Webhook signatures are checked by [`webhook`], Stripe's documented scheme.

pub mod webhook;

use std::collections::HashMap;
use std::time::Duration;
use stripe_checkout::CheckoutSessionMode;
use stripe_checkout::checkout_session::{
    CreateCheckoutSession, CreateCheckoutSessionLineItems, CreateCheckoutSessionLineItemsPriceData,
    CreateCheckoutSessionPaymentIntentData, CreateCheckoutSessionSubscriptionData, ProductData,
};

/// Stripe's own API, used unless configuration names a stand-in.
pub const DEFAULT_API_BASE: &str = "https://api.stripe.com";

/// Why a call failed, in the terms Duely answers with.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// Stripe refused the key (401) or its permissions (403).
    #[error("Stripe refused the secret key: {0}")]
    Unauthorized(String),
    /// Stripe answered with an error about the request.
    #[error("Stripe refused the request ({status}): {message}")]
    Refused { status: u16, message: String },
    /// Stripe could not be reached or answered with something unreadable.
    #[error("Stripe could not be reached: {0}")]
    Unreachable(String),
}

impl From<stripe::StripeError> for GatewayError {
    fn from(error: stripe::StripeError) -> Self {
        match error {
            stripe::StripeError::Stripe(api, status) => {
                let message = api
                    .message
                    .clone()
                    .unwrap_or_else(|| "no message".to_owned());
                if status == 401 || status == 403 {
                    GatewayError::Unauthorized(message)
                } else {
                    GatewayError::Refused { status, message }
                }
            }
            other => GatewayError::Unreachable(other.to_string()),
        }
    }
}

/// One Stripe account (Duely's own, or a company's) reached with its secret key.
pub struct Gateway {
    client: stripe::Client,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Gateway { .. }")
    }
}

/// A hosted page the customer is sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostedPage {
    pub id: String,
    pub url: String,
}

/// A Checkout Session that subscribes a company to a Duely plan.
#[derive(Debug, Clone)]
pub struct SubscriptionCheckout<'a> {
    pub customer: &'a str,
    pub price: &'a str,
    /// Duely's tenant id: `client_reference_id`, and metadata on the subscription.
    pub reference: &'a str,
    pub plan: &'a str,
    pub success_url: &'a str,
    pub cancel_url: &'a str,
}

/// A Checkout Session in payment mode for an amount a customer owes.
#[derive(Debug, Clone)]
pub struct PaymentCheckout<'a> {
    /// ISO 4217, any case.
    pub currency: &'a str,
    /// In the currency's smallest unit.
    pub amount_minor: i64,
    /// What the customer sees on the page.
    pub description: &'a str,
    pub customer_email: Option<&'a str>,
    /// Copied to the session and to its PaymentIntent, so either event finds its way back.
    pub metadata: &'a [(&'a str, String)],
    pub success_url: &'a str,
    pub cancel_url: &'a str,
}

/// What a key check learned of the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountCheck {
    pub livemode: bool,
}

impl Gateway {
    /// A client for `secret_key` at `api_base` (Stripe's, or a stand-in's `http://` URL).
    pub fn new(secret_key: &str, api_base: &str) -> Result<Self, GatewayError> {
        let mut base = api_base.trim().to_owned();
        // async-stripe appends `v1/...` to the base as written.
        if !base.ends_with('/') {
            base.push('/');
        }
        let client = stripe::ClientBuilder::new(secret_key)
            .url(base)
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|error| GatewayError::Unreachable(error.to_string()))?;
        Ok(Gateway { client })
    }

    /// The cheapest authenticated call (`GET /v1/balance`): proves the key works.
    pub async fn check_key(&self) -> Result<AccountCheck, GatewayError> {
        let balance = stripe_core::balance::RetrieveForMyAccountBalance::new()
            .send(&self.client)
            .await?;
        Ok(AccountCheck {
            livemode: balance.livemode,
        })
    }

    /// Creates the Stripe customer that pays for a company's plan; returns its id. The
    /// idempotency key is derived from `reference`, so two requests racing to create the
    /// company's customer (two clicks, two tabs) get the same one from Stripe.
    pub async fn create_customer(
        &self,
        email: &str,
        name: &str,
        reference: &str,
    ) -> Result<String, GatewayError> {
        use stripe::StripeRequest;
        let key = stripe::IdempotencyKey::new(format!("duely-customer-{reference}"))
            .map_err(|error| GatewayError::Unreachable(error.to_string()))?;
        let customer = stripe_core::customer::CreateCustomer::new()
            .email(email)
            .name(name)
            .metadata(HashMap::from([(
                "duely_tenant".to_owned(),
                reference.to_owned(),
            )]))
            .customize()
            .request_strategy(stripe::RequestStrategy::Idempotent(key))
            .send(&self.client)
            .await?;
        Ok(customer.id.as_str().to_owned())
    }

    pub async fn subscription_checkout(
        &self,
        request: &SubscriptionCheckout<'_>,
    ) -> Result<HostedPage, GatewayError> {
        let mut item = CreateCheckoutSessionLineItems::new();
        item.price = Some(request.price.to_owned());
        item.quantity = Some(1);
        let metadata = HashMap::from([
            ("duely_tenant".to_owned(), request.reference.to_owned()),
            ("duely_plan".to_owned(), request.plan.to_owned()),
        ]);
        let mut subscription = CreateCheckoutSessionSubscriptionData::new();
        subscription.metadata = Some(metadata.clone());
        let session = CreateCheckoutSession::new()
            .mode(CheckoutSessionMode::Subscription)
            .customer(request.customer)
            .line_items(vec![item])
            .client_reference_id(request.reference)
            .metadata(metadata)
            .subscription_data(subscription)
            .success_url(request.success_url)
            .cancel_url(request.cancel_url)
            .send(&self.client)
            .await?;
        hosted(session.id.as_str(), session.url)
    }

    pub async fn payment_checkout(
        &self,
        request: &PaymentCheckout<'_>,
    ) -> Result<HostedPage, GatewayError> {
        let currency: stripe_types::Currency = request
            .currency
            .to_ascii_lowercase()
            .parse()
            .unwrap_or_else(|never| match never {});
        let mut price = CreateCheckoutSessionLineItemsPriceData::new(currency);
        price.unit_amount = Some(request.amount_minor);
        price.product_data = Some(ProductData::new(request.description));
        let mut item = CreateCheckoutSessionLineItems::new();
        item.price_data = Some(price);
        item.quantity = Some(1);
        let metadata: HashMap<String, String> = request
            .metadata
            .iter()
            .map(|(key, value)| ((*key).to_owned(), value.clone()))
            .collect();
        let mut intent = CreateCheckoutSessionPaymentIntentData::new();
        intent.metadata = Some(metadata.clone());
        let mut session = CreateCheckoutSession::new()
            .mode(CheckoutSessionMode::Payment)
            .line_items(vec![item])
            .metadata(metadata)
            .payment_intent_data(intent)
            .success_url(request.success_url)
            .cancel_url(request.cancel_url);
        if let Some(email) = request.customer_email {
            session = session.customer_email(email);
        }
        let session = session.send(&self.client).await?;
        hosted(session.id.as_str(), session.url)
    }

    /// A Billing Portal session where the customer manages its subscription.
    pub async fn billing_portal(
        &self,
        customer: &str,
        return_url: &str,
    ) -> Result<String, GatewayError> {
        let session = stripe_billing::billing_portal_session::CreateBillingPortalSession::new()
            .customer(customer)
            .return_url(return_url)
            .send(&self.client)
            .await?;
        Ok(session.url)
    }
}

fn hosted(id: &str, url: Option<String>) -> Result<HostedPage, GatewayError> {
    match url {
        Some(url) => Ok(HostedPage {
            id: id.to_owned(),
            url,
        }),
        None => Err(GatewayError::Unreachable(
            "Stripe returned a Checkout Session without a URL".to_owned(),
        )),
    }
}
