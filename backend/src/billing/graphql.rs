//! The billing API: `plans`, `subscription`, `paymentSettings`; `startCheckout`,
//! `billingPortal`, `connectStripeAccount`, `disconnectStripeAccount`, `createPaymentLink`
//! and, for the public statement page, `payStatement`.

use super::Billing;
use super::service::{checkout, online, plans};
use super::store::AccountRow;
use crate::api::context::{request, services};
use crate::error::{ApiResult, AppError, IntoApi};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use domain::billing::{BannerKind, Limit, Plan, SubscriptionStatus};

fn billing<'a>(ctx: &Context<'a>) -> ApiResult<&'a Billing> {
    ctx.data::<Billing>()
        .map_err(|_| AppError::Internal(anyhow::anyhow!("billing services missing")))
        .api()
}

/// One limit of a plan; `allowed` is null when the plan has no limit.
#[derive(SimpleObject, Clone)]
pub struct PlanLimit {
    pub limit: Limit,
    pub allowed: Option<u64>,
}

/// A plan Duely sells.
#[derive(SimpleObject, Clone)]
pub struct PlanOffer {
    pub plan: Plan,
    /// The list price a month in US dollars; Stripe's price is what is charged.
    pub monthly_price_usd: String,
    pub limits: Vec<PlanLimit>,
    /// Whether it can be bought on this server (Stripe configured with its price).
    pub purchasable: bool,
}

/// A limit's use against the plan in force.
#[derive(SimpleObject, Clone)]
pub struct PlanUsage {
    pub limit: Limit,
    pub used: u64,
    /// Null when the plan in force has no limit.
    pub allowed: Option<u64>,
}

/// The company's subscription and where it leaves the company now.
#[derive(SimpleObject)]
pub struct BillingSubscription {
    /// The plan whose limits apply now.
    pub plan: Plan,
    /// The plan subscribed to (during the sign-up trial, GROWTH).
    pub subscribed_plan: Plan,
    pub status: SubscriptionStatus,
    pub trial_ends_at: Option<DateTime<Utc>>,
    pub current_period_end: Option<DateTime<Utc>>,
    pub cancel_at_period_end: bool,
    /// The notice the web app shows, if any, and when its period ends.
    pub banner: Option<BannerKind>,
    pub banner_until: Option<DateTime<Utc>>,
    /// Past the grace period: data can be read, not changed.
    pub read_only: bool,
    /// Whether the company has a Stripe customer (so the billing portal has something to show).
    pub has_billing_account: bool,
    /// Whether Stripe holds a live paid subscription: plan changes then go through the portal.
    pub subscribed: bool,
    /// Whether this server sells plans (Duely's Stripe account is configured).
    pub billing_configured: bool,
    pub usage: Vec<PlanUsage>,
}

/// The company's Stripe connection for online payment; the secrets are never returned.
#[derive(SimpleObject)]
pub struct PaymentSettings {
    pub stripe_connected: bool,
    /// The last four characters of the key, to tell which one is stored.
    pub key_last4: Option<String>,
    pub livemode: Option<bool>,
    pub connected_at: Option<DateTime<Utc>>,
    pub connected_by: Option<String>,
    /// The endpoint URL to add in Stripe (Developers → Webhooks), whose signing secret is asked.
    pub webhook_url: String,
    /// Whether this server can store payment secrets (an encryption key is configured).
    pub can_connect: bool,
}

#[derive(InputObject)]
pub struct StartCheckoutInput {
    pub plan: Plan,
}

#[derive(InputObject)]
pub struct ConnectStripeAccountInput {
    /// A secret key (sk_…) or restricted key (rk_…) with write access to Checkout Sessions.
    pub secret_key: String,
    /// The signing secret (whsec_…) of the webhook endpoint at `paymentSettings.webhookUrl`.
    pub webhook_secret: String,
}

#[derive(InputObject)]
pub struct CreatePaymentLinkInput {
    pub invoice_id: ID,
}

#[derive(InputObject)]
pub struct PayStatementInput {
    /// The token from the statement link.
    pub token: String,
}

/// Where to send the person: a Stripe-hosted page.
#[derive(SimpleObject)]
pub struct RedirectPayload {
    pub url: String,
}

#[derive(SimpleObject)]
pub struct PaymentSettingsPayload {
    pub payment_settings: PaymentSettings,
}

fn offers(billing: &Billing) -> Vec<PlanOffer> {
    Plan::ALL
        .into_iter()
        .map(|plan| PlanOffer {
            plan,
            monthly_price_usd: plan.monthly_price_usd().to_string(),
            limits: Limit::ALL
                .into_iter()
                .map(|limit| PlanLimit {
                    limit,
                    allowed: plan.limit(limit),
                })
                .collect(),
            purchasable: billing.is_configured() && billing.price(plan).is_some(),
        })
        .collect()
}

fn settings(
    billing: &Billing,
    tenant: domain::TenantId,
    row: Option<AccountRow>,
) -> PaymentSettings {
    PaymentSettings {
        stripe_connected: row.is_some(),
        key_last4: row.as_ref().map(|row| row.key_last4.clone()),
        livemode: row.as_ref().map(|row| row.livemode),
        connected_at: row.as_ref().map(|row| row.connected_at),
        connected_by: row.map(|row| row.connected_by),
        webhook_url: format!("{}/webhooks/stripe/{tenant}", billing.public_url()),
        can_connect: billing.sealer().is_ok(),
    }
}

#[derive(Default)]
pub struct BillingQuery;

#[Object]
impl BillingQuery {
    /// The plans, their limits and prices.
    async fn plans(&self, ctx: &Context<'_>) -> ApiResult<Vec<PlanOffer>> {
        Ok(offers(billing(ctx)?))
    }

    /// The company's subscription, its standing and its usage against the plan's limits.
    async fn subscription(&self, ctx: &Context<'_>) -> ApiResult<BillingSubscription> {
        let (_, db) = services(ctx)?;
        let caller = &request(ctx)?.caller;
        let tenant = caller.require_tenant().api()?;
        let plans::Overview {
            row,
            standing,
            subscription,
            usage,
        } = plans::overview(db, tenant).await.api()?;
        Ok(BillingSubscription {
            plan: standing.plan,
            subscribed_plan: subscription.plan,
            status: subscription.status,
            trial_ends_at: row.trial_ends_at,
            current_period_end: row.current_period_end,
            cancel_at_period_end: row.cancel_at_period_end,
            banner: standing.banner,
            banner_until: standing.banner_until,
            read_only: standing.is_read_only(row.now),
            has_billing_account: row.stripe_customer_id.is_some(),
            subscribed: subscription.paid
                && matches!(
                    subscription.status,
                    SubscriptionStatus::Active | SubscriptionStatus::PastDue
                ),
            billing_configured: billing(ctx)?.is_configured(),
            usage: Limit::ALL
                .into_iter()
                .map(|limit| PlanUsage {
                    limit,
                    used: usage.of(limit),
                    allowed: standing.plan.limit(limit),
                })
                .collect(),
        })
    }

    /// The company's Stripe connection for online payment (admins).
    async fn payment_settings(&self, ctx: &Context<'_>) -> ApiResult<PaymentSettings> {
        let (_, db) = services(ctx)?;
        let caller = &request(ctx)?.caller;
        let row = online::payment_settings(db, caller).await.api()?;
        let tenant = caller.require_tenant().api()?;
        Ok(settings(billing(ctx)?, tenant, row))
    }
}

#[derive(Default)]
pub struct BillingMutation;

#[Object]
impl BillingMutation {
    /// A Stripe Checkout page that subscribes the company to `plan`: send the person to `url`.
    async fn start_checkout(
        &self,
        ctx: &Context<'_>,
        input: StartCheckoutInput,
    ) -> ApiResult<RedirectPayload> {
        let (_, db) = services(ctx)?;
        let url = checkout::start_checkout(db, billing(ctx)?, &request(ctx)?.caller, input.plan)
            .await
            .api()?;
        Ok(RedirectPayload { url })
    }

    /// A Stripe Billing Portal page where the company manages its subscription and invoices.
    async fn billing_portal(&self, ctx: &Context<'_>) -> ApiResult<RedirectPayload> {
        let (_, db) = services(ctx)?;
        let url = checkout::billing_portal(db, billing(ctx)?, &request(ctx)?.caller)
            .await
            .api()?;
        Ok(RedirectPayload { url })
    }

    /// Connects the company's own Stripe account for online payment of invoices. The key is
    /// checked with Stripe, stored encrypted, and never shown again.
    async fn connect_stripe_account(
        &self,
        ctx: &Context<'_>,
        input: ConnectStripeAccountInput,
    ) -> ApiResult<PaymentSettingsPayload> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        let billing = billing(ctx)?;
        let row = online::connect(
            db,
            billing,
            &request.caller,
            &input.secret_key,
            &input.webhook_secret,
            &request.request_id,
        )
        .await
        .api()?;
        let tenant = request.caller.require_tenant().api()?;
        Ok(PaymentSettingsPayload {
            payment_settings: settings(billing, tenant, Some(row)),
        })
    }

    /// Forgets the company's Stripe keys; payment links stop being offered.
    async fn disconnect_stripe_account(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<PaymentSettingsPayload> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        online::disconnect(db, &request.caller, &request.request_id)
            .await
            .api()?;
        let tenant = request.caller.require_tenant().api()?;
        Ok(PaymentSettingsPayload {
            payment_settings: settings(billing(ctx)?, tenant, None),
        })
    }

    /// A Stripe Checkout page where the customer pays the invoice's balance due.
    async fn create_payment_link(
        &self,
        ctx: &Context<'_>,
        input: CreatePaymentLinkInput,
    ) -> ApiResult<RedirectPayload> {
        let (_, db) = services(ctx)?;
        let url = online::create_payment_link(
            db,
            billing(ctx)?,
            &request(ctx)?.caller,
            input.invoice_id.as_str(),
        )
        .await
        .api()?;
        Ok(RedirectPayload { url })
    }

    /// The public statement page's pay button: a Stripe Checkout page for the customer's open
    /// balance in the statement's currency. Needs only the statement link's token.
    async fn pay_statement(
        &self,
        ctx: &Context<'_>,
        input: PayStatementInput,
    ) -> ApiResult<RedirectPayload> {
        let (_, db) = services(ctx)?;
        let url = online::pay_statement(db, billing(ctx)?, &input.token)
            .await
            .api()?;
        Ok(RedirectPayload { url })
    }
}
