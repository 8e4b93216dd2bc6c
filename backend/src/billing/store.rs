//! Billing's SQL and typed rows: the company's subscription and its usage against the plan's
//! limits (control plane, and counts in the company's schema), the company's Stripe account
//! and payment links, the payments Stripe reported, and the Stripe events received.

use crate::billing::BillingError;
use crate::db::TenantTx;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use domain::billing::{
    self, Limit, Plan, Standing, Subscription, SubscriptionChange, SubscriptionStatus,
};
use domain::{Currency, TenantId};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

// The subscription (control plane).

#[derive(Debug, Clone, FromQueryResult)]
pub struct SubscriptionRow {
    pub plan: Plan,
    pub status: SubscriptionStatus,
    pub trial_ends_at: Option<DateTime<Utc>>,
    pub status_since: DateTime<Utc>,
    pub stripe_customer_id: Option<String>,
    pub stripe_subscription_id: Option<String>,
    pub current_period_end: Option<DateTime<Utc>>,
    pub cancel_at_period_end: bool,
    /// `created` of the latest Stripe event applied.
    pub stripe_state_at: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
}

impl SubscriptionRow {
    /// The subscription as stored (its plan and status are read typed, so it always reads).
    pub fn subscription(&self) -> Result<Subscription, AppError> {
        Ok(Subscription {
            plan: self.plan,
            status: self.status,
            trial_ends_at: self.trial_ends_at,
            status_since: self.status_since,
            paid: self.stripe_subscription_id.is_some(),
        })
    }

    /// Where the subscription leaves the company now (the database's clock).
    pub fn standing(&self) -> Result<Standing, AppError> {
        Ok(billing::standing(&self.subscription()?, self.now))
    }
}

const SELECT_SUBSCRIPTION: &str = "SELECT plan, status, trial_ends_at, status_since, stripe_customer_id,
        stripe_subscription_id, current_period_end, cancel_at_period_end, stripe_state_at, now() AS now
 FROM public.subscriptions WHERE tenant_id = $1";

pub async fn load(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<SubscriptionRow, AppError> {
    SubscriptionRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        SELECT_SUBSCRIPTION,
        [tenant.0.into()],
    ))
    .one(conn)
    .await?
    .ok_or_else(|| AppError::from(BillingError::CompanyNotFound))
}

/// The row locked for an update in the caller's control-plane transaction.
pub async fn load_for_update(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<SubscriptionRow, AppError> {
    SubscriptionRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("{SELECT_SUBSCRIPTION} FOR UPDATE"),
        [tenant.0.into()],
    ))
    .one(conn)
    .await?
    .ok_or_else(|| AppError::from(BillingError::CompanyNotFound))
}

/// Puts a company on `plan`, active, with no Stripe subscription.
pub async fn grant(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    plan: Plan,
) -> Result<(), AppError> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.subscriptions
         SET plan = $2, status = 'ACTIVE', trial_ends_at = NULL, read_only_from = NULL,
             status_since = now(), updated_at = now()
         WHERE tenant_id = $1",
        [tenant.0.into(), plan.as_str().into()],
    ))
    .await?;
    Ok(())
}

/// The company's name and the email of `user` (the caller, if a person), for its Stripe
/// customer.
pub async fn contact(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user: Option<Uuid>,
) -> Result<(String, Option<String>), AppError> {
    let contact = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT t.name, u.email FROM public.tenants t
             LEFT JOIN public.users u ON u.id = $2
             WHERE t.id = $1",
            [tenant.0.into(), user.into()],
        ))
        .await?
        .ok_or_else(|| AppError::from(BillingError::CompanyNotFound))?;
    let name: String = contact.try_get("", "name").map_err(anyhow::Error::from)?;
    let email: Option<String> = contact.try_get("", "email").map_err(anyhow::Error::from)?;
    Ok((name, email))
}

/// Stores the company's Stripe customer unless one was stored meanwhile.
pub async fn save_stripe_customer(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    customer: &str,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.subscriptions SET stripe_customer_id = $2, updated_at = now()
         WHERE tenant_id = $1 AND stripe_customer_id IS NULL",
        [tenant.0.into(), customer.to_owned().into()],
    ))
    .await?;
    Ok(())
}

/// Writes the subscription a Stripe event left, and when the company becomes read-only.
pub async fn save_subscription(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    subscription: &Subscription,
    read_only_from: Option<DateTime<Utc>>,
    subscription_id: Option<String>,
    change: &SubscriptionChange,
    event_created: DateTime<Utc>,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE public.subscriptions
         SET plan = $2, status = $3, status_since = $4, read_only_from = $5,
             stripe_subscription_id = $6,
             current_period_end = COALESCE($7, current_period_end),
             cancel_at_period_end = COALESCE($8, cancel_at_period_end),
             stripe_state_at = $9, updated_at = now()
         WHERE tenant_id = $1",
        [
            tenant.0.into(),
            subscription.plan.as_str().into(),
            subscription.status.as_str().into(),
            subscription.status_since.into(),
            read_only_from.into(),
            subscription_id.into(),
            change.current_period_end.into(),
            change.cancel_at_period_end.into(),
            event_created.into(),
        ],
    ))
    .await?;
    Ok(())
}

// Usage against the plan's limits.

fn count(row: &Option<sea_orm::QueryResult>, column: &str) -> Result<u64, AppError> {
    let value: i64 = match row {
        Some(row) => row
            .try_get("", column)
            .map_err(|error| AppError::Internal(error.into()))?,
        None => 0,
    };
    Ok(u64::try_from(value).unwrap_or(0))
}

/// Members and pending invitations, and live API keys (control plane).
pub async fn control_plane_usage(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<(u64, u64), AppError> {
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT (SELECT count(*) FROM public.memberships WHERE tenant_id = $1)
                  + (SELECT count(*) FROM public.invitations
                     WHERE tenant_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL
                       AND expires_at > now()) AS users,
                    (SELECT count(*) FROM public.api_keys
                     WHERE tenant_id = $1 AND revoked_at IS NULL) AS api_keys",
            [tenant.0.into()],
        ))
        .await?;
    let users = count(&row, "users")?;
    let keys = count(&row, "api_keys")?;
    Ok((users, keys))
}

/// Customers not archived.
const CUSTOMERS: &str = "SELECT count(*) AS n FROM customers WHERE archived_at IS NULL";
/// Invoices created this calendar month of the company's time zone (`$1`).
const INVOICES_THIS_MONTH: &str = "SELECT count(*) AS n FROM invoices
     WHERE created_at >= (date_trunc('month', now() AT TIME ZONE $1) AT TIME ZONE $1)";

/// The company's customers, or its invoices this month (`limit`), in its transaction.
pub async fn tenant_count(tx: &TenantTx, limit: Limit, time_zone: &str) -> Result<u64, AppError> {
    let statement = match limit {
        Limit::InvoicesPerMonth => Statement::from_sql_and_values(
            DbBackend::Postgres,
            INVOICES_THIS_MONTH,
            [time_zone.into()],
        ),
        _ => Statement::from_string(DbBackend::Postgres, CUSTOMERS),
    };
    let row = tx.query_one_raw(statement).await?;
    count(&row, "n")
}

/// Concurrent additions in one company count one after the other: a lock on (this schema,
/// this limit), held until the transaction that adds commits.
pub async fn lock_limit(tx: &TenantTx, limit: Limit) -> Result<(), DbErr> {
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_advisory_xact_lock(hashtext('duely.plan_limit'), hashtext(current_schema() || ':' || $1))",
        [limit.as_str().into()],
    ))
    .await?;
    Ok(())
}

// The company's Stripe account (its schema).

/// The connection as the payment settings page shows it: never the secrets.
#[derive(Debug, Clone, FromQueryResult)]
pub struct AccountRow {
    pub key_last4: String,
    pub livemode: bool,
    pub connected_at: DateTime<Utc>,
    pub connected_by: String,
}

pub async fn account(tx: &TenantTx) -> Result<Option<AccountRow>, AppError> {
    Ok(AccountRow::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        "SELECT key_last4, livemode, connected_at, connected_by FROM stripe_account",
    ))
    .one(&**tx)
    .await?)
}

/// The account as connected: the key's last four characters, its mode, both secrets sealed.
pub struct NewAccount<'a> {
    pub key_last4: &'a str,
    pub livemode: bool,
    pub secret_key_sealed: Vec<u8>,
    pub webhook_secret_sealed: Vec<u8>,
    pub connected_by: &'a str,
}

/// Stores the account, replacing one connected before.
pub async fn save_account(tx: &TenantTx, account: NewAccount<'_>) -> Result<(), DbErr> {
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO stripe_account (singleton, key_last4, livemode, secret_key_sealed, webhook_secret_sealed, connected_by)
         VALUES (true, $1, $2, $3, $4, $5)
         ON CONFLICT (singleton) DO UPDATE SET key_last4 = EXCLUDED.key_last4, livemode = EXCLUDED.livemode,
             secret_key_sealed = EXCLUDED.secret_key_sealed,
             webhook_secret_sealed = EXCLUDED.webhook_secret_sealed,
             connected_at = now(), connected_by = EXCLUDED.connected_by",
        [
            account.key_last4.to_owned().into(),
            account.livemode.into(),
            account.secret_key_sealed.into(),
            account.webhook_secret_sealed.into(),
            account.connected_by.to_owned().into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Forgets the account; how many rows went (none when none was connected).
pub async fn delete_account(tx: &TenantTx) -> Result<u64, DbErr> {
    Ok(tx
        .execute_raw(Statement::from_string(
            DbBackend::Postgres,
            "DELETE FROM stripe_account",
        ))
        .await?
        .rows_affected())
}

/// Which sealed secret to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sealed {
    SecretKey,
    WebhookSecret,
}

/// The sealed secret, if an account is connected.
pub async fn sealed_secret(tx: &TenantTx, which: Sealed) -> Result<Option<Vec<u8>>, AppError> {
    let column = match which {
        Sealed::SecretKey => "secret_key_sealed",
        Sealed::WebhookSecret => "webhook_secret_sealed",
    };
    let row = tx
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT {column} AS sealed FROM stripe_account"),
        ))
        .await?;
    let Some(row) = row else { return Ok(None) };
    let sealed: Vec<u8> = row.try_get("", "sealed").map_err(anyhow::Error::from)?;
    Ok(Some(sealed))
}

/// The connected key's mode (live or test), if an account is connected.
pub async fn connected_livemode(tx: &TenantTx) -> Result<Option<bool>, AppError> {
    Ok(tx
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT livemode FROM stripe_account",
        ))
        .await?
        .map(|row| row.try_get::<bool>("", "livemode"))
        .transpose()?)
}

// Payment links.

/// What a link would be for: a customer, its first contact's email, the invoice's number (none
/// for an open balance), and the balance due.
#[derive(Debug, FromQueryResult)]
pub struct PayableRow {
    pub customer_id: Uuid,
    pub customer_name: String,
    pub email: Option<String>,
    pub number: Option<String>,
    pub currency: Currency,
    pub balance: Decimal,
}

/// Whether the invoice exists and, for `assigned_to`, belongs to a customer assigned to them.
pub async fn invoice_visible(
    tx: &TenantTx,
    invoice: Uuid,
    assigned_to: Option<Uuid>,
) -> Result<bool, DbErr> {
    Ok(tx
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS found FROM invoices i JOIN customers c ON c.id = i.customer_id
             WHERE i.id = $1 AND ($2::uuid IS NULL OR c.collector_id = $2 OR c.salesperson_id = $2)",
            [invoice.into(), assigned_to.into()],
        ))
        .await?
        .is_some())
}

/// The invoice's balance due, if it is issued and not paid.
pub async fn invoice_payable(tx: &TenantTx, invoice: Uuid) -> Result<Option<PayableRow>, DbErr> {
    PayableRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        concat!("SELECT i.customer_id, c.name AS customer_name,
                (SELECT email FROM customer_contacts cc WHERE cc.customer_id = c.id AND cc.email IS NOT NULL
                 ORDER BY position LIMIT 1) AS email,
                i.number, i.currency::text AS currency, i.balance_due AS balance
         FROM invoices i JOIN customers c ON c.id = i.customer_id
         WHERE i.id = $1 AND i.status IN ", domain::open_statuses!()),
        [invoice.into()],
    ))
    .one(&**tx)
    .await
}

/// The customer's open balance in `currency`.
pub async fn balance_payable(
    conn: &impl ConnectionTrait,
    customer: Uuid,
    currency: String,
) -> Result<Option<PayableRow>, DbErr> {
    PayableRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        concat!("SELECT c.id AS customer_id, c.name AS customer_name,
                (SELECT email FROM customer_contacts cc WHERE cc.customer_id = c.id AND cc.email IS NOT NULL
                 ORDER BY position LIMIT 1) AS email,
                NULL::text AS number, $2::text AS currency,
                coalesce((SELECT sum(balance_due) FROM invoices i
                          WHERE i.customer_id = c.id AND i.currency = $2
                            AND i.status IN ", domain::open_statuses!(), "), 0) AS balance
         FROM customers c WHERE c.id = $1"),
        [customer.into(), currency.into()],
    ))
    .one(conn)
    .await
}

/// A link as recorded before its Checkout Session exists.
pub struct NewLink<'a> {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub invoice_id: Option<Uuid>,
    pub amount: Decimal,
    pub currency: Currency,
    pub created_by: &'a str,
}

pub async fn insert_link(tx: &TenantTx, link: NewLink<'_>) -> Result<(), DbErr> {
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO payment_links (id, customer_id, invoice_id, amount, currency, created_by)
         VALUES ($1, $2, $3, $4, $5, $6)",
        [
            link.id.into(),
            link.customer_id.into(),
            link.invoice_id.into(),
            link.amount.into(),
            link.currency.code().to_owned().into(),
            link.created_by.to_owned().into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Stores the link's Checkout Session and its URL.
pub async fn set_link_session(
    tx: &TenantTx,
    link: Uuid,
    session: String,
    url: String,
) -> Result<(), DbErr> {
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE payment_links SET checkout_session_id = $2, url = $3 WHERE id = $1",
        [link.into(), session.into(), url.into()],
    ))
    .await?;
    Ok(())
}

/// A link as a Stripe event finds it.
#[derive(Debug, FromQueryResult)]
pub struct LinkRow {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub invoice_id: Option<Uuid>,
    pub currency: String,
}

pub async fn link(tx: &TenantTx, id: Uuid) -> Result<Option<LinkRow>, DbErr> {
    LinkRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id, customer_id, invoice_id, currency::text AS currency FROM payment_links WHERE id = $1",
        [id.into()],
    ))
    .one(&**tx)
    .await
}

// Payments Stripe reported.

/// Whether the PaymentIntent's payment is recorded already.
pub async fn already_recorded(tx: &TenantTx, intent: &str) -> Result<bool, AppError> {
    Ok(tx
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS found FROM stripe_payments WHERE payment_intent_id = $1",
            [intent.into()],
        ))
        .await?
        .is_some())
}

/// Queues the events about one PaymentIntent on a lock keyed by it, until the transaction ends.
pub async fn lock_intent(tx: &TenantTx, intent: &str) -> Result<(), DbErr> {
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
        [format!("stripe-intent:{intent}").into()],
    ))
    .await?;
    Ok(())
}

/// Records which payment the PaymentIntent made, through which link.
pub async fn save_stripe_payment(
    tx: &TenantTx,
    intent: &str,
    payment: Uuid,
    link: Uuid,
) -> Result<(), DbErr> {
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO stripe_payments (payment_intent_id, payment_id, link_id) VALUES ($1, $2, $3)",
        [intent.into(), payment.into(), link.into()],
    ))
    .await?;
    Ok(())
}

/// An activity logged by `label` on the customer's timeline, linked to the invoice if any.
pub struct NewActivity<'a> {
    pub customer_id: Uuid,
    pub invoice_id: Option<Uuid>,
    pub outcome: &'a str,
    pub note: String,
    pub at: DateTime<Utc>,
    pub label: &'a str,
}

pub async fn log_activity(tx: &TenantTx, activity: NewActivity<'_>) -> Result<(), DbErr> {
    let id = Uuid::now_v7();
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO collection_activities (id, customer_id, channel, outcome, note, occurred_at, logged_by_label)
         VALUES ($1, $2, 'OTHER', $3, $4, $5, $6)",
        [
            id.into(),
            activity.customer_id.into(),
            activity.outcome.into(),
            activity.note.into(),
            activity.at.into(),
            activity.label.into(),
        ],
    ))
    .await?;
    if let Some(invoice) = activity.invoice_id {
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO collection_activity_invoices (activity_id, invoice_id) VALUES ($1, $2)",
            [id.into(), invoice.into()],
        ))
        .await?;
    }
    Ok(())
}

// Stripe events received.

/// The company whose Stripe customer `customer` is (control plane).
pub async fn tenant_of_customer(
    conn: &impl ConnectionTrait,
    customer: &str,
) -> Result<Option<TenantId>, AppError> {
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT tenant_id FROM public.subscriptions WHERE stripe_customer_id = $1",
            [customer.into()],
        ))
        .await?;
    Ok(row
        .map(|row| row.try_get::<Uuid>("", "tenant_id"))
        .transpose()?
        .map(TenantId::from_uuid))
}

/// Stores the event's id in `table` (the control plane's, or the company's) in the caller's
/// transaction; `false` when it was there already. A concurrent delivery of the same event
/// waits on the unique index until the first commits, then finds it.
pub async fn claim_event(
    conn: &impl ConnectionTrait,
    table: &str,
    id: &str,
    kind: &str,
    created: DateTime<Utc>,
) -> Result<bool, AppError> {
    Ok(conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "INSERT INTO {table} (id, type, created) VALUES ($1, $2, $3)
                 ON CONFLICT (id) DO NOTHING RETURNING id"
            ),
            [id.to_owned().into(), kind.to_owned().into(), created.into()],
        ))
        .await?
        .is_some())
}

/// Whether the company exists and is not closed (control plane).
pub async fn tenant_open(conn: &impl ConnectionTrait, tenant: TenantId) -> Result<bool, DbErr> {
    Ok(conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS found FROM public.tenants WHERE id = $1 AND status <> 'CLOSED'",
            [tenant.0.into()],
        ))
        .await?
        .is_some())
}
