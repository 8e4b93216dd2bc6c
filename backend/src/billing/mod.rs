//! Billing: Duely's plans and each company's subscription (sold through Duely's own Stripe
//! account), and online payment of invoices through a company's own Stripe account.
//!
//! - [`store`]: the SQL and its typed rows.
//! - [`service::plans`]: the subscription, its standing (plan in force, banners, read-only) by
//!   the domain rule, usage against the plan's limits, and the `PLAN_LIMIT` checks the other
//!   areas call before they add users, customers, invoices or API keys.
//! - [`service::checkout`]: `startCheckout` and `billingPortal` against Duely's account.
//! - [`service::online`]: connecting a company's Stripe account (secrets sealed by
//!   [`secrets`]), payment links, and what the company's Stripe events do to its receivables.
//! - [`errors`]: why billing refuses a request ([`BillingError`]), and the reason each sends.
//! - [`graphql`]: the API's types and the `BillingQuery`/`BillingMutation` roots.
//! - [`webhooks`]: `POST /webhooks/stripe` and `POST /webhooks/stripe/{tenantId}`: signature,
//!   event id stored in the transaction of its effect, 2xx only after the commit.
//!
//! Stripe is reached only through the `duely-stripe` gateway crate.

pub mod errors;
pub mod graphql;
pub mod service;
pub mod store;
pub mod webhooks;

pub use errors::BillingError;

/// The path the other areas call for the plan's limits (`billing::plans::admit_tenant`, ...);
/// it names the plans service.
pub use service::plans;

use crate::config::Config;
use crate::error::AppError;
use crate::secrets::Sealer;
use domain::billing::Plan;
use duely_stripe::{Gateway, GatewayError};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;

/// Billing's configuration and clients, shared by resolvers and webhook handlers.
#[derive(Clone, Debug)]
pub struct Billing {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    platform: Option<Gateway>,
    webhook_secret: Option<SecretString>,
    api_base: String,
    growth_price: Option<String>,
    scale_price: Option<String>,
    sealer: Option<Sealer>,
    public_url: String,
}

impl Billing {
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let platform = config
            .stripe_secret_key
            .as_ref()
            .map(|key| Gateway::new(key.expose_secret(), &config.stripe_api_base))
            .transpose()?;
        let sealer = Sealer::from_config(config)?;
        Ok(Billing {
            inner: Arc::new(Inner {
                platform,
                webhook_secret: config.stripe_webhook_secret.clone(),
                api_base: config.stripe_api_base.clone(),
                growth_price: config.stripe_price_growth.clone(),
                scale_price: config.stripe_price_scale.clone(),
                sealer,
                public_url: config.public_url.clone(),
            }),
        })
    }

    /// Whether Duely's own Stripe account is configured (plans can be bought).
    pub fn is_configured(&self) -> bool {
        self.inner.platform.is_some()
    }

    pub fn price(&self, plan: Plan) -> Option<&str> {
        match plan {
            Plan::Free => None,
            Plan::Growth => self.inner.growth_price.as_deref(),
            Plan::Scale => self.inner.scale_price.as_deref(),
        }
    }

    fn platform(&self) -> Result<&Gateway, AppError> {
        self.inner
            .platform
            .as_ref()
            .ok_or_else(|| AppError::from(BillingError::NotConfigured))
    }

    fn platform_webhook_secret(&self) -> Option<&SecretString> {
        self.inner.webhook_secret.as_ref()
    }

    fn sealer(&self) -> Result<&Sealer, AppError> {
        self.inner
            .sealer
            .as_ref()
            .ok_or_else(|| AppError::from(BillingError::NoEncryptionKey))
    }

    /// A client for a company's own account.
    fn company_gateway(&self, secret_key: &str) -> Result<Gateway, AppError> {
        Gateway::new(secret_key, &self.inner.api_base).map_err(provider_error)
    }

    pub fn public_url(&self) -> &str {
        &self.inner.public_url
    }
}

/// A Stripe failure as the client sees it: `PROVIDER_ERROR` with what Stripe said.
fn provider_error(error: GatewayError) -> AppError {
    let error = match error {
        GatewayError::Unauthorized(_) => BillingError::StripeKeyRefused,
        GatewayError::Refused { message, .. } => BillingError::StripeRefused { message },
        GatewayError::Unreachable(detail) => {
            tracing::warn!(detail = %detail, "Stripe unreachable");
            BillingError::StripeUnreachable
        }
    };
    error.into()
}
