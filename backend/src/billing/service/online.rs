//! Online payment through a company's own Stripe account.
//!
//! The company connects its account with a secret key (checked with a call to Stripe, then
//! sealed at rest and never shown again) and the signing secret of the webhook endpoint it adds
//! in Stripe (`/webhooks/stripe/{tenantId}`). Direct keys rather than Stripe Connect: Connect
//! needs Duely to be a Connect platform approved by Stripe and an OAuth round trip per company,
//! while a restricted or secret key works for any company's existing account today; the key
//! stays sealed, and the endpoint URL carries no secret.
//!
//! A payment link is a Checkout Session in payment mode for an invoice's balance, or for a
//! customer's open balance from the statement page. Its id travels in the session's and the
//! PaymentIntent's metadata, so either event leads back to it; one PaymentIntent records one
//! payment, whichever event reports it first.

use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::billing::store::{
    self, AccountRow, LinkRow, NewAccount, NewActivity, NewLink, PayableRow, Sealed,
};
use crate::billing::{Billing, BillingError, provider_error};
use crate::db::TenantTx;
use crate::error::AppError;
use crate::payments::commands::ProviderPayment;
use crate::payments::service::record_provider_payment;
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::Access;
use domain::billing::{from_stripe_amount, to_stripe_amount};
use domain::{Currency, Permission, TenantId};
use duely_stripe::PaymentCheckout;
use rust_decimal::Decimal;
use sea_orm::DatabaseConnection;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use uuid::Uuid;

pub const SECRET_KEY: &str = "stripe_secret_key";
/// Who the activities Stripe's events log are by. Dunning's payment-in-flight rule reads it: a
/// later activity of Stripe's that is not PAYMENT_CONFIRMED (a failure) ends the pause.
pub const PROVIDER_LABEL: &str = "Stripe";
pub const WEBHOOK_SECRET: &str = "stripe_webhook_secret";

pub async fn payment_settings(
    db: &DatabaseConnection,
    caller: &Caller,
) -> Result<Option<AccountRow>, AppError> {
    caller.authorize(Permission::ManageSettings)?;
    let tenant = caller.require_tenant()?;
    let tx = TenantTx::begin(db, tenant).await?;
    let account = store::account(&tx).await?;
    tx.commit().await?;
    Ok(account)
}

fn key_input(secret_key: &str) -> Result<&str, AppError> {
    let key = secret_key.trim();
    let shaped = (key.starts_with("sk_") || key.starts_with("rk_"))
        && (20..=255).contains(&key.len())
        && key
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_');
    if shaped {
        Ok(key)
    } else {
        Err(BillingError::SecretKeyMalformed.into())
    }
}

fn webhook_secret_input(secret: &str) -> Result<&str, AppError> {
    let secret = secret.trim();
    if secret.starts_with("whsec_") && (10..=255).contains(&secret.len()) {
        Ok(secret)
    } else {
        Err(BillingError::WebhookSecretMalformed.into())
    }
}

/// Checks the key with Stripe, then stores both secrets sealed.
pub async fn connect(
    db: &DatabaseConnection,
    billing: &Billing,
    caller: &Caller,
    secret_key: &str,
    webhook_secret: &str,
    request_id: &str,
) -> Result<AccountRow, AppError> {
    caller.authorize(Permission::ManageSettings)?;
    let tenant = caller.require_tenant()?;
    let key = key_input(secret_key)?;
    let webhook_secret = webhook_secret_input(webhook_secret)?;
    let sealer = billing.sealer()?;
    let check = billing
        .company_gateway(key)?
        .check_key()
        .await
        .map_err(provider_error)?;
    let actor = audit::actor_of(db, caller).await?;
    let last4 = domain::display::secret_tail(key);
    let tx = TenantTx::begin(db, tenant).await?;
    store::save_account(
        &tx,
        NewAccount {
            key_last4: &last4,
            livemode: check.livemode,
            secret_key_sealed: sealer.seal(tenant, SECRET_KEY, key)?,
            webhook_secret_sealed: sealer.seal(tenant, WEBHOOK_SECRET, webhook_secret)?,
            connected_by: actor.label(),
        },
    )
    .await?;
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "stripe.connected",
            entity_type: "stripe_account",
            entity_id: None,
            before: None,
            after: Some(serde_json::json!({ "keyLast4": last4, "livemode": check.livemode })),
            request_id: Some(request_id),
        },
    )
    .await?;
    let account = store::account(&tx)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the Stripe account just stored is missing"))?;
    tx.commit().await?;
    Ok(account)
}

pub async fn disconnect(
    db: &DatabaseConnection,
    caller: &Caller,
    request_id: &str,
) -> Result<(), AppError> {
    caller.authorize(Permission::ManageSettings)?;
    let tenant = caller.require_tenant()?;
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let removed = store::delete_account(&tx).await?;
    if removed > 0 {
        audit::record(
            &*tx,
            tenant,
            AuditEntry {
                actor,
                action: "stripe.disconnected",
                entity_type: "stripe_account",
                entity_id: None,
                before: None,
                after: None,
                request_id: Some(request_id),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The company's secret for `purpose`, opened; `None` when no account is connected.
async fn opened_secret(
    tx: &TenantTx,
    billing: &Billing,
    purpose: &str,
) -> Result<Option<SecretString>, AppError> {
    let which = if purpose == SECRET_KEY {
        Sealed::SecretKey
    } else {
        Sealed::WebhookSecret
    };
    let Some(sealed) = store::sealed_secret(tx, which).await? else {
        return Ok(None);
    };
    Ok(Some(billing.sealer()?.open(
        tx.tenant(),
        purpose,
        &sealed,
    )?))
}

fn not_connected() -> AppError {
    BillingError::NotConnected.into()
}

/// What a link is for, read in the company's transaction.
struct Payable {
    customer_id: Uuid,
    invoice_id: Option<Uuid>,
    currency: Currency,
    amount: Decimal,
    description: String,
    email: Option<String>,
}

async fn invoice_payable(tx: &TenantTx, invoice: Uuid) -> Result<Payable, AppError> {
    let row = store::invoice_payable(tx, invoice)
        .await?
        .ok_or_else(|| AppError::from(BillingError::InvoiceNotPayable))?;
    payable(row, Some(invoice))
}

fn payable(row: PayableRow, invoice: Option<Uuid>) -> Result<Payable, AppError> {
    if row.balance <= Decimal::ZERO {
        return Err(BillingError::NothingOwed.into());
    }
    let description = match &row.number {
        Some(number) => format!("Invoice {number} · {}", row.customer_name),
        None => format!("Open balance · {}", row.customer_name),
    };
    Ok(Payable {
        customer_id: row.customer_id,
        invoice_id: invoice,
        currency: row.currency,
        amount: row.balance,
        description,
        email: row.email,
    })
}

/// Records the link, then creates its Checkout Session and stores the session on it; returns
/// the URL. The row comes first so that a session a customer pays always leads back to it.
async fn make_link(
    db: &DatabaseConnection,
    billing: &Billing,
    tenant: TenantId,
    payable: Payable,
    created_by: &str,
) -> Result<String, AppError> {
    let amount_minor = to_stripe_amount(
        payable.amount,
        payable.currency.code(),
        payable.currency.minor_units(),
    )
    .map_err(|error| AppError::from(BillingError::NotChargeable(error)))?;
    let link = Uuid::now_v7();
    let tx = TenantTx::begin(db, tenant).await?;
    let key = opened_secret(&tx, billing, SECRET_KEY)
        .await?
        .ok_or_else(not_connected)?;
    store::insert_link(
        &tx,
        NewLink {
            id: link,
            customer_id: payable.customer_id,
            invoice_id: payable.invoice_id,
            amount: payable.amount,
            currency: payable.currency,
            created_by,
        },
    )
    .await?;
    tx.commit().await?;
    let metadata = [
        ("duely_link", link.to_string()),
        ("duely_tenant", tenant.to_string()),
        ("duely_customer", payable.customer_id.to_string()),
    ];
    let done = format!("{}/payment-complete", billing.public_url());
    let page = billing
        .company_gateway(key.expose_secret())?
        .payment_checkout(&PaymentCheckout {
            currency: payable.currency.code(),
            amount_minor,
            description: &payable.description,
            customer_email: payable.email.as_deref(),
            metadata: &metadata,
            success_url: &format!("{done}?status=paid"),
            cancel_url: &format!("{done}?status=canceled"),
        })
        .await
        .map_err(provider_error)?;
    let tx = TenantTx::begin_writable(db, tenant).await?;
    store::set_link_session(&tx, link, page.id, page.url.clone()).await?;
    tx.commit().await?;
    Ok(page.url)
}

/// `createPaymentLink`: a Checkout Session for the invoice's balance due.
pub async fn create_payment_link(
    db: &DatabaseConnection,
    billing: &Billing,
    caller: &Caller,
    invoice_id: &str,
) -> Result<String, AppError> {
    let access = caller.authorize(Permission::WorkCollections)?;
    let tenant = caller.require_tenant()?;
    let not_found = || AppError::from(BillingError::InvoiceNotFound);
    let invoice = invoice_id.parse::<Uuid>().map_err(|_| not_found())?;
    let actor = audit::actor_of(db, caller).await?;
    // A collector makes links only for the customers assigned to them: anyone else's invoice
    // reads as not found, as it does in their lists.
    let assigned_to = match (access, caller) {
        (Access::Assigned, Caller::Member(member)) => Some(member.user_id),
        _ => None,
    };
    let tx = TenantTx::begin(db, tenant).await?;
    let found = store::invoice_visible(&tx, invoice, assigned_to).await?;
    if !found {
        return Err(not_found());
    }
    let payable = invoice_payable(&tx, invoice).await?;
    tx.commit().await?;
    make_link(db, billing, tenant, payable, actor.label()).await
}

/// The pay button of the public statement page: the customer's open balance in the
/// statement's currency.
pub async fn pay_statement(
    db: &DatabaseConnection,
    billing: &Billing,
    token: &str,
) -> Result<String, AppError> {
    let (tx, customer, currency) = crate::statements::service::link_customer(db, token).await?;
    let row = store::balance_payable(&*tx, customer, currency)
        .await?
        .ok_or_else(|| AppError::from(BillingError::StatementLinkInvalid))?;
    let tenant = tx.tenant();
    tx.commit().await?;
    make_link(
        db,
        billing,
        tenant,
        payable(row, None)?,
        "the customer (statement page)",
    )
    .await
}

/// A Stripe event from a company's account, as the webhook hands it over.
#[derive(Debug, Clone)]
pub struct CompanyEvent<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub created: DateTime<Utc>,
    pub livemode: bool,
    pub object: &'a Value,
}

async fn link_of(tx: &TenantTx, object: &Value) -> Result<Option<LinkRow>, AppError> {
    let Some(link) = object
        .pointer("/metadata/duely_link")
        .and_then(Value::as_str)
        .and_then(|text| text.parse::<Uuid>().ok())
    else {
        return Ok(None);
    };
    Ok(store::link(tx, link).await?)
}

/// Records the payment a PaymentIntent made, once: the events that report it (the session's
/// and the intent's) may arrive together, so they queue on a lock keyed by the intent.
async fn record_paid(
    tx: &TenantTx,
    today: NaiveDate,
    link: &LinkRow,
    intent: &str,
    amount_minor: i64,
    currency: &str,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    store::lock_intent(tx, intent).await?;
    if store::already_recorded(tx, intent).await? {
        return Ok(());
    }
    let code = currency.to_ascii_uppercase();
    let parsed = code
        .parse::<Currency>()
        .ok()
        .filter(|parsed| parsed.code() == link.currency.trim());
    let Some(currency) = parsed else {
        // Paid in another currency than asked (a conversion at checkout): the team records it
        // by hand; retrying would not change it, so the event is acknowledged.
        let note = format!(
            "Stripe: a payment {intent} arrived in {code}, not {}; record it by hand.",
            link.currency.trim()
        );
        tracing::warn!(intent, currency = %code, "a Stripe payment in an unexpected currency");
        return log_activity(tx, link, "OTHER", note, at).await;
    };
    let amount = from_stripe_amount(amount_minor, currency.code(), currency.minor_units());
    if amount <= Decimal::ZERO {
        return Ok(());
    }
    let Some(payment) = record_provider_payment(
        tx,
        today,
        ProviderPayment {
            customer_id: link.customer_id,
            amount,
            currency,
            method: domain::payments::PaymentMethod::Stripe,
            reference: intent.to_owned(),
            invoice: link.invoice_id,
        },
    )
    .await?
    else {
        return Ok(());
    };
    store::save_stripe_payment(tx, intent, payment, link.id).await?;
    Ok(())
}

/// A line in the customer's timeline (an activity logged by Stripe): a payment processing
/// (outcome PAYMENT_CONFIRMED, which pauses dunning while the money is in flight) or failed
/// (which ends that pause).
async fn log_activity(
    tx: &TenantTx,
    link: &LinkRow,
    outcome: &str,
    note: String,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    store::log_activity(
        tx,
        NewActivity {
            customer_id: link.customer_id,
            invoice_id: link.invoice_id,
            outcome,
            note,
            at,
            label: PROVIDER_LABEL,
        },
    )
    .await?;
    Ok(())
}

fn text<'a>(object: &'a Value, pointer: &str) -> Option<&'a str> {
    object.pointer(pointer).and_then(Value::as_str)
}

fn amount_text(object: &Value, field: &str) -> String {
    let minor = object.get(field).and_then(Value::as_i64).unwrap_or(0);
    let currency = text(object, "/currency").unwrap_or("").to_ascii_uppercase();
    match currency.parse::<Currency>() {
        Ok(parsed) => format!(
            "{} {}",
            currency,
            from_stripe_amount(minor, parsed.code(), parsed.minor_units())
        ),
        Err(_) => format!("{minor} (minor units) {currency}"),
    }
}

/// What a company's Stripe event does, in the company's transaction (where its id is stored).
/// Events Duely does not act on, or about payments it did not ask for, change nothing.
pub async fn apply_company_event(
    tx: &TenantTx,
    today: NaiveDate,
    event: &CompanyEvent<'_>,
) -> Result<(), AppError> {
    let object = event.object;
    let Some(link) = link_of(tx, object).await? else {
        if object.pointer("/metadata/duely_link").is_some() {
            tracing::warn!(
                event = event.id,
                kind = event.kind,
                "a Stripe event names a payment link this company does not have"
            );
        }
        return Ok(());
    };
    // A test-mode event must not settle a live company's invoices, nor the reverse.
    let live = store::connected_livemode(tx).await?;
    if live.is_some_and(|live| live != event.livemode) {
        tracing::warn!(
            event = event.id,
            "a Stripe event from the other mode than the connected key; ignored"
        );
        return Ok(());
    }
    match event.kind {
        "checkout.session.completed" | "checkout.session.async_payment_succeeded" => {
            let paid = text(object, "/payment_status") == Some("paid");
            let intent = text(object, "/payment_intent");
            if let (true, Some(intent)) = (paid, intent) {
                let amount = object
                    .get("amount_total")
                    .and_then(Value::as_i64)
                    .unwrap_or(0);
                let currency = text(object, "/currency").unwrap_or("");
                record_paid(tx, today, &link, intent, amount, currency, event.created).await?;
            }
        }
        "payment_intent.succeeded" => {
            if let Some(intent) = text(object, "/id") {
                let amount = object
                    .get("amount_received")
                    .and_then(Value::as_i64)
                    .unwrap_or(0);
                let currency = text(object, "/currency").unwrap_or("");
                record_paid(tx, today, &link, intent, amount, currency, event.created).await?;
            }
        }
        "payment_intent.processing" => {
            let intent = text(object, "/id").unwrap_or("");
            // Already recorded (events out of order): the money is not in flight any more.
            if !store::already_recorded(tx, intent).await? {
                let note = format!(
                    "Stripe: a payment of {} is processing ({intent}).",
                    amount_text(object, "amount")
                );
                log_activity(tx, &link, "PAYMENT_CONFIRMED", note, event.created).await?;
            }
        }
        "payment_intent.payment_failed" | "checkout.session.async_payment_failed" => {
            let reason = text(object, "/last_payment_error/message").unwrap_or("no reason given");
            let amount_field = if event.kind.starts_with("payment_intent") {
                "amount"
            } else {
                "amount_total"
            };
            let note = format!(
                "Stripe: a payment of {} failed: {reason}",
                amount_text(object, amount_field)
            );
            log_activity(tx, &link, "OTHER", note, event.created).await?;
        }
        _ => {}
    }
    Ok(())
}

/// The company's webhook signing secret, opened, for the webhook handler.
pub async fn webhook_secret(
    tx: &TenantTx,
    billing: &Billing,
) -> Result<Option<SecretString>, AppError> {
    opened_secret(tx, billing, WEBHOOK_SECRET).await
}
