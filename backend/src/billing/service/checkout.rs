//! Subscribing to a plan through Duely's own Stripe account: `startCheckout` and
//! `billingPortal`, and the subscription state Stripe's events report.

use super::plans;
use crate::audit::{self, Actor, AuditEntry};
use crate::auth::Caller;
use crate::billing::{Billing, BillingError, provider_error, store};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use domain::billing::{self, Plan, SubscriptionChange, SubscriptionStatus};
use domain::{Permission, TenantId};
use duely_stripe::SubscriptionCheckout;
use sea_orm::{ConnectionTrait, DatabaseConnection};

/// The company's Stripe customer, created on first use. Stripe is not called while a row lock
/// is held: the creation is idempotent per company (so racing requests get one customer), and
/// the id is stored only if none was stored meanwhile.
async fn stripe_customer(
    db: &DatabaseConnection,
    billing: &Billing,
    caller: &Caller,
    tenant: TenantId,
) -> Result<String, AppError> {
    let row = plans::load(db, tenant).await?;
    if let Some(customer) = row.stripe_customer_id {
        return Ok(customer);
    }
    let (name, email) = store::contact(db, tenant, caller_user(caller)).await?;
    let customer = billing
        .platform()?
        .create_customer(email.as_deref().unwrap_or(""), &name, &tenant.to_string())
        .await
        .map_err(provider_error)?;
    store::save_stripe_customer(db, tenant, &customer).await?;
    // Whichever request stored it first, the stored one is the company's.
    plans::load(db, tenant)
        .await?
        .stripe_customer_id
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the Stripe customer was not stored")))
}

fn caller_user(caller: &Caller) -> Option<uuid::Uuid> {
    match caller {
        Caller::Member(member) => Some(member.user_id),
        _ => None,
    }
}

/// A Checkout Session in subscription mode for `plan`; its URL.
pub async fn start_checkout(
    db: &DatabaseConnection,
    billing: &Billing,
    caller: &Caller,
    plan: Plan,
) -> Result<String, AppError> {
    caller.authorize(Permission::ManageBilling)?;
    let tenant = caller.require_tenant()?;
    let price = billing.price(plan).ok_or_else(|| {
        AppError::from(if plan.is_paid() {
            BillingError::PlanNotForSale { plan }
        } else {
            BillingError::FreeNeedsNoCheckout
        })
    })?;
    billing.platform()?;
    let row = plans::load(db, tenant).await?;
    let live = matches!(
        row.status,
        SubscriptionStatus::Active | SubscriptionStatus::PastDue
    );
    if live && row.stripe_subscription_id.is_some() {
        return Err(BillingError::AlreadySubscribed.into());
    }
    let customer = stripe_customer(db, billing, caller, tenant).await?;
    let success = format!("{}/billing?checkout=success", billing.public_url());
    let cancel = format!("{}/billing?checkout=canceled", billing.public_url());
    let page = billing
        .platform()?
        .subscription_checkout(&SubscriptionCheckout {
            customer: &customer,
            price,
            reference: &tenant.to_string(),
            plan: plan.as_str(),
            success_url: &success,
            cancel_url: &cancel,
        })
        .await
        .map_err(provider_error)?;
    Ok(page.url)
}

/// A Billing Portal session for the company's Stripe customer; its URL.
pub async fn billing_portal(
    db: &DatabaseConnection,
    billing: &Billing,
    caller: &Caller,
) -> Result<String, AppError> {
    caller.authorize(Permission::ManageBilling)?;
    let tenant = caller.require_tenant()?;
    billing.platform()?;
    let customer = stripe_customer(db, billing, caller, tenant).await?;
    billing
        .platform()?
        .billing_portal(&customer, &format!("{}/billing", billing.public_url()))
        .await
        .map_err(provider_error)
}

/// Applies `change` to `tenant`'s subscription in the caller's transaction, as the domain rule
/// `billing::apply_change` decides (a stale event, or one about a stray subscription, changes
/// nothing), and derives when the company becomes read-only.
pub async fn apply_change(
    txn: &impl ConnectionTrait,
    tenant: TenantId,
    change: &SubscriptionChange,
    event_created: DateTime<Utc>,
    event_id: &str,
) -> Result<(), AppError> {
    let row = plans::load_for_update(txn, tenant).await?;
    let before = row.subscription()?;
    let (subscription, subscription_id) = match billing::apply_change(
        &before,
        row.stripe_subscription_id.as_deref(),
        row.stripe_state_at,
        change,
        event_created,
    ) {
        Ok(applied) => applied,
        Err(ignored) => {
            tracing::info!(event_id, ?ignored, "a Stripe event changed nothing");
            return Ok(());
        }
    };
    let standing = billing::standing(&subscription, row.now);
    store::save_subscription(
        txn,
        tenant,
        &subscription,
        standing.read_only_from,
        subscription_id,
        change,
        event_created,
    )
    .await?;
    if before.plan != subscription.plan || before.status != subscription.status {
        audit::record(
            txn,
            tenant,
            AuditEntry {
                actor: Actor::System,
                action: "subscription.changed",
                entity_type: "subscription",
                entity_id: Some(tenant.to_string()),
                before: Some(serde_json::json!({
                    "plan": before.plan.as_str(), "status": before.status.as_str(),
                })),
                after: Some(serde_json::json!({
                    "plan": subscription.plan.as_str(), "status": subscription.status.as_str(),
                    "stripeEvent": event_id,
                })),
                request_id: None,
            },
        )
        .await?;
    }
    Ok(())
}
