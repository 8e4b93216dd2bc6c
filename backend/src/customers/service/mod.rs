//! The customers' use cases: reading them, creating and changing them, their contacts and the
//! people assigned to them, archiving, and their credit limit and hold.

mod assignment;
mod credit;

use super::CustomerError;
use super::store::{self, CustomerFields, CustomerRow};
use crate::api::pagination::Page;
use crate::api::values::parse_amount;
use crate::api::values::parse_currency;
use crate::audit::{self, AuditEntry};
use crate::auth::{Caller, visible_to};
use crate::commands::Command;
use crate::db::{self, MemberName, TenantTx};
use crate::error::AppError;
use assignment::check_member;
pub use assignment::{
    AssignCustomers, Duty, Release, assign_customers, assignable_members, release_member,
};
use chrono::NaiveDate;
pub use credit::{
    SetCreditHold, SetCreditLimit, run_set_credit_hold, run_set_credit_limit, set_credit_hold,
    set_credit_limit,
};
use domain::access::Permission;
use domain::terms::{PaymentTerms, TermsKind};
use domain::{Currency, Locale};
use rust_decimal::Decimal;
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use super::store::{
    ContactRow, CreditEventRow, Direction, ListFilter, ListOrder, ListQuery, NewContact, OrderBy,
    TimelineRow,
};

/// A customer as its page shows it: the row with its balances as of `as_of` (the tenant's
/// today), its contacts, and the collector and salesperson when they are members.
#[derive(Debug, Clone)]
pub struct CustomerDetails {
    pub row: CustomerRow,
    pub contacts: Vec<ContactRow>,
    pub collector: Option<MemberName>,
    pub salesperson: Option<MemberName>,
    pub as_of: NaiveDate,
}

/// Builds customers from rows: contacts in one statement, people in one control-plane
/// statement, whatever the page size.
async fn assemble(
    db: &DatabaseConnection,
    tx: &TenantTx,
    today: NaiveDate,
    rows: Vec<CustomerRow>,
) -> Result<Vec<CustomerDetails>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let contacts = store::contacts_of(&**tx, &ids).await?;
    let mut people: Vec<Uuid> = rows
        .iter()
        .flat_map(|row| [row.collector_id, row.salesperson_id])
        .flatten()
        .collect();
    people.sort_unstable();
    people.dedup();
    let people = db::member_names(db, tx.tenant(), &people).await?;
    let person = |id: Option<Uuid>| {
        id.and_then(|id| people.iter().find(|person| person.id == id))
            .cloned()
    };
    Ok(rows
        .into_iter()
        .map(|row| CustomerDetails {
            contacts: contacts
                .iter()
                .filter(|contact| contact.customer_id == row.id)
                .cloned()
                .collect(),
            collector: person(row.collector_id),
            salesperson: person(row.salesperson_id),
            row,
            as_of: today,
        })
        .collect())
}

/// One customer, read inside the caller's transaction (no access check: for payloads of
/// mutations the caller was allowed to make).
pub async fn customer_in_tx(
    db: &DatabaseConnection,
    tx: &TenantTx,
    today: NaiveDate,
    id: Uuid,
) -> Result<CustomerDetails, AppError> {
    let row = store::load_customer(&**tx, today, id)
        .await?
        .ok_or(CustomerError::NotFound)?;
    assemble(db, tx, today, vec![row])
        .await?
        .pop()
        .ok_or_else(|| AppError::from(CustomerError::NotFound))
}

/// A page of customers; collectors and salespeople see the customers assigned to them.
pub async fn list_customers(
    db: &DatabaseConnection,
    caller: &Caller,
    query: ListQuery,
) -> Result<Page<CustomerDetails>, AppError> {
    let access = caller.authorize(Permission::ViewCustomers)?;
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let mut page = store::list_page(&tx, calendar.today, caller, access, &query).await?;
    let rows = std::mem::take(&mut page.items);
    let customers = assemble(db, &tx, calendar.today, rows).await?;
    tx.commit().await?;
    Ok(page.with_items(customers))
}

/// The segments of the customers the caller sees, by name (at most
/// [`MAX_SEGMENTS`](store::MAX_SEGMENTS)): what a segment filter offers.
pub async fn segments(db: &DatabaseConnection, caller: &Caller) -> Result<Vec<String>, AppError> {
    let access = caller.authorize(Permission::ViewCustomers)?;
    let tenant = caller.require_tenant()?;
    let tx = TenantTx::begin(db, tenant).await?;
    let segments = store::segments(&*tx, caller, access).await?;
    tx.commit().await?;
    Ok(segments)
}

/// One customer the caller may see; `None` when there is none with this id in the company.
pub async fn find_customer(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
) -> Result<Option<CustomerDetails>, AppError> {
    let access = caller.authorize(Permission::ViewCustomers)?;
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let row = store::load_customer(&*tx, calendar.today, id)
        .await?
        .filter(|row| visible_to(caller, access, row));
    let found = match row {
        Some(row) => assemble(db, &tx, calendar.today, vec![row]).await?.pop(),
        None => None,
    };
    tx.commit().await?;
    Ok(found)
}

/// Payment terms of `kind` and `days` (0 to 365).
fn payment_terms(kind: TermsKind, days: i32) -> Result<PaymentTerms, AppError> {
    PaymentTerms::new(kind, i64::from(days))
        .map_err(|error| AppError::from(CustomerError::BadTerms(error)))
}

/// An amount as the API shows it: with the currency's decimals, rounded half away from zero.
fn shown(amount: Decimal, currency: Currency) -> String {
    let places = currency.minor_units();
    let mut shown =
        amount.round_dp_with_strategy(places, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    shown.rescale(places);
    shown.to_string()
}

/// What the audit log keeps of a customer before and after a change.
fn snapshot(
    row: &CustomerRow,
    collector: Option<&MemberName>,
    salesperson: Option<&MemberName>,
) -> serde_json::Value {
    serde_json::json!({
        "code": row.code,
        "name": row.name,
        "taxId": row.tax_id,
        "segment": row.segment,
        "currency": row.currency.code(),
        "paymentTerms": format!("{} {}", row.terms_kind.as_str(), row.terms_days),
        "collectorId": collector.map(|p| p.id.to_string()),
        "salespersonId": salesperson.map(|p| p.id.to_string()),
        "creditLimit": row.credit_limit.map(|limit| shown(limit, row.currency)),
        "creditHold": row.credit_hold,
        "archived": row.archived_at.is_some(),
        "locale": row.locale.map(Locale::tag),
        "timeZone": row.time_zone,
        "messagingOptOut": row.messaging_opt_out,
    })
}

/// The snapshot of the locked row before a change. People are looked up only for the customer
/// after the change, so this one names no collector or salesperson, as it always has.
fn snapshot_before(row: &CustomerRow) -> serde_json::Value {
    snapshot(row, None, None)
}

/// Reloads a customer inside `tx` after a change, records the audit entry and commits.
#[allow(clippy::too_many_arguments)]
async fn finish(
    db: &DatabaseConnection,
    tx: TenantTx,
    today: NaiveDate,
    id: Uuid,
    actor: audit::Actor,
    action: &str,
    before: Option<serde_json::Value>,
    request_id: &str,
) -> Result<CustomerDetails, AppError> {
    let customer = record_change(db, &tx, today, id, actor, action, before, request_id).await?;
    tx.commit().await?;
    Ok(customer)
}

/// Reloads a customer inside `tx` after a change and records the audit entry.
#[allow(clippy::too_many_arguments)]
async fn record_change(
    db: &DatabaseConnection,
    tx: &TenantTx,
    today: NaiveDate,
    id: Uuid,
    actor: audit::Actor,
    action: &str,
    before: Option<serde_json::Value>,
    request_id: &str,
) -> Result<CustomerDetails, AppError> {
    let customer = customer_in_tx(db, tx, today, id).await?;
    audit::record(
        &**tx,
        tx.tenant(),
        AuditEntry {
            actor,
            action,
            entity_type: "customer",
            entity_id: Some(id.to_string()),
            before,
            after: Some(snapshot(
                &customer.row,
                customer.collector.as_ref(),
                customer.salesperson.as_ref(),
            )),
            request_id: Some(request_id),
        },
    )
    .await?;
    Ok(customer)
}

/// A new customer, its fields validated; what needs the company (the default currency, the
/// credit limit in that currency, the people assigned) is checked when it runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateCustomer {
    pub name: String,
    /// Unique in the company, compared without regard to case.
    pub code: String,
    pub tax_id: Option<String>,
    pub billing_address: Option<String>,
    pub segment: Option<String>,
    pub tags: Vec<String>,
    /// The company's base currency when none is given.
    pub currency: Option<Currency>,
    pub terms_kind: TermsKind,
    pub terms_days: i32,
    /// A decimal string in the customer's currency, checked against that currency's decimals
    /// when the command runs; none means no limit.
    pub credit_limit: Option<String>,
    pub collector_id: Option<Uuid>,
    pub salesperson_id: Option<Uuid>,
    pub contacts: Vec<NewContact>,
    pub notes: Option<String>,
    /// The customer's language for its emails and statements; none: the company's.
    #[serde(default)]
    pub locale: Option<Locale>,
    /// Its time zone (an IANA name); none: the company's.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// Refuses SMS and WeChat Work messages.
    #[serde(default)]
    pub messaging_opt_out: bool,
}

impl Command for CreateCustomer {
    const KIND: &'static str = "customers.create";
    const VERSION: u32 = 1;
}

pub async fn create_customer(
    db: &DatabaseConnection,
    caller: &Caller,
    command: CreateCustomer,
    request_id: &str,
) -> Result<CustomerDetails, AppError> {
    caller.authorize(Permission::ManageCustomers)?;
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let currency = match command.currency {
        Some(currency) => currency,
        None => parse_currency("input.currency", &calendar.base_currency)?,
    };
    let terms = payment_terms(command.terms_kind, command.terms_days)?;
    let credit_limit = command
        .credit_limit
        .as_deref()
        .map(|limit| parse_amount("input.creditLimit", limit, currency, true))
        .transpose()?;
    if credit_limit.is_some() {
        caller.authorize(Permission::ManageCreditPolicy)?;
    }
    let collector = check_member(
        db,
        tenant,
        Duty::Collect,
        CustomerError::CollectorNotAMember,
        command.collector_id,
    )
    .await?;
    let salesperson = check_member(
        db,
        tenant,
        Duty::Sell,
        CustomerError::SalespersonNotAMember,
        command.salesperson_id,
    )
    .await?;
    let actor = audit::actor_of(db, caller).await?;
    let plan = crate::billing::plans::plan_in_force(db, tenant).await?;

    let id = Uuid::now_v7();
    let tx = TenantTx::begin(db, tenant).await?;
    crate::billing::plans::admit_tenant(
        &tx,
        plan,
        &calendar.time_zone,
        domain::billing::Limit::Customers,
        1,
    )
    .await?;
    let fields = CustomerFields {
        code: command.code,
        name: command.name,
        tax_id: command.tax_id,
        billing_address: command.billing_address,
        segment: command.segment,
        tags: command.tags,
        terms,
        collector_id: collector,
        salesperson_id: salesperson,
        notes: command.notes,
        locale: command.locale,
        time_zone: command.time_zone,
        messaging_opt_out: command.messaging_opt_out,
    };
    store::insert_customer(&*tx, id, &fields, currency, credit_limit).await?;
    store::replace_contacts(&*tx, id, &command.contacts).await?;
    if let Some(limit) = credit_limit {
        store::append_credit_event(
            &*tx,
            id,
            "LIMIT_SET",
            Some(limit),
            None,
            domain::messages::system::INITIAL_LIMIT,
            actor.label(),
        )
        .await?;
    }
    finish(
        db,
        tx,
        calendar.today,
        id,
        actor,
        "customer.created",
        None,
        request_id,
    )
    .await
}

/// A field of an update: left as it is, or set (for a field that may be empty, to nothing).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub enum Change<T> {
    #[default]
    Keep,
    Set(T),
}

impl<T: Clone> Change<T> {
    /// The new value, or `current` when the field is kept.
    fn applied_to(self, current: &T) -> T {
        match self {
            Change::Keep => current.clone(),
            Change::Set(value) => value,
        }
    }
}

/// Changes to a customer, validated; payment terms are checked against the customer's own
/// when the command runs, the people assigned against the company's members.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UpdateCustomer {
    pub customer_id: Uuid,
    pub name: Change<String>,
    pub code: Change<String>,
    pub tax_id: Change<Option<String>>,
    pub billing_address: Change<Option<String>>,
    pub segment: Change<Option<String>>,
    pub tags: Change<Vec<String>>,
    pub terms_kind: Option<TermsKind>,
    pub terms_days: Option<i32>,
    /// `Set(None)` clears the assignment.
    pub collector_id: Change<Option<Uuid>>,
    /// `Set(None)` clears the assignment.
    pub salesperson_id: Change<Option<Uuid>>,
    /// Replaces the contacts.
    pub contacts: Change<Vec<NewContact>>,
    pub notes: Change<Option<String>>,
    /// `Set(None)`: back to the company's language.
    #[serde(default)]
    pub locale: Change<Option<Locale>>,
    /// `Set(None)`: back to the company's time zone.
    #[serde(default)]
    pub time_zone: Change<Option<String>>,
    #[serde(default)]
    pub messaging_opt_out: Option<bool>,
}

impl Command for UpdateCustomer {
    const KIND: &'static str = "customers.update";
    const VERSION: u32 = 1;
}

/// The person to assign, checked, or the change left as it is.
async fn assignment(
    db: &DatabaseConnection,
    caller: &Caller,
    duty: Duty,
    not_member: CustomerError,
    change: Change<Option<Uuid>>,
) -> Result<Change<Option<Uuid>>, AppError> {
    match change {
        Change::Set(Some(user)) => {
            let tenant = caller.require_tenant()?;
            Ok(Change::Set(
                check_member(db, tenant, duty, not_member, Some(user)).await?,
            ))
        }
        change => Ok(change),
    }
}

pub async fn update_customer(
    db: &DatabaseConnection,
    caller: &Caller,
    command: UpdateCustomer,
    request_id: &str,
) -> Result<CustomerDetails, AppError> {
    caller.authorize(Permission::ManageCustomers)?;
    let collector = assignment(
        db,
        caller,
        Duty::Collect,
        CustomerError::CollectorNotAMember,
        command.collector_id,
    )
    .await?;
    let salesperson = assignment(
        db,
        caller,
        Duty::Sell,
        CustomerError::SalespersonNotAMember,
        command.salesperson_id,
    )
    .await?;
    let actor = audit::actor_of(db, caller).await?;
    let (tx, today, row) = lock_customer(db, caller, command.customer_id).await?;
    let before = snapshot_before(&row);
    let terms = payment_terms(
        command.terms_kind.unwrap_or(row.terms_kind),
        command.terms_days.unwrap_or(row.terms_days),
    )?;
    let fields = CustomerFields {
        code: command.code.applied_to(&row.code),
        name: command.name.applied_to(&row.name),
        tax_id: command.tax_id.applied_to(&row.tax_id),
        billing_address: command.billing_address.applied_to(&row.billing_address),
        segment: command.segment.applied_to(&row.segment),
        tags: command.tags.applied_to(&row.tags),
        terms,
        collector_id: collector.applied_to(&row.collector_id),
        salesperson_id: salesperson.applied_to(&row.salesperson_id),
        notes: command.notes.applied_to(&row.notes),
        locale: command.locale.applied_to(&row.locale),
        time_zone: command.time_zone.applied_to(&row.time_zone),
        messaging_opt_out: command.messaging_opt_out.unwrap_or(row.messaging_opt_out),
    };
    let collector_changed = fields.collector_id != row.collector_id;
    store::update_customer(&*tx, row.id, &fields).await?;
    if collector_changed {
        store::follow_collector(&*tx, &[(row.id, row.collector_id)]).await?;
    }
    if let Change::Set(contacts) = &command.contacts {
        store::replace_contacts(&*tx, row.id, contacts).await?;
    }
    finish(
        db,
        tx,
        today,
        row.id,
        actor,
        "customer.updated",
        Some(before),
        request_id,
    )
    .await
}

/// Opens the tenant transaction for a change to one customer and returns it with the row,
/// locked; `NOT_FOUND` for an id outside this tenant.
async fn lock_customer(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
) -> Result<(TenantTx, NaiveDate, CustomerRow), AppError> {
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let row = store::customer_for_update(&*tx, calendar.today, id)
        .await?
        .ok_or(CustomerError::NotFound)?;
    Ok((tx, calendar.today, row))
}

/// Archives a customer with no open invoices, or restores one (`archive: false`).
pub async fn archive_customer(
    db: &DatabaseConnection,
    caller: &Caller,
    customer_id: Uuid,
    archive: bool,
    request_id: &str,
) -> Result<CustomerDetails, AppError> {
    caller.authorize(Permission::ManageCustomers)?;
    let actor = audit::actor_of(db, caller).await?;
    let (tx, today, row) = lock_customer(db, caller, customer_id).await?;
    if archive && row.open_invoices > 0 {
        return Err(CustomerError::HasOpenInvoices {
            count: row.open_invoices,
        }
        .into());
    }
    let before = snapshot_before(&row);
    store::set_archived(&*tx, row.id, archive).await?;
    let action = if archive {
        "customer.archived"
    } else {
        "customer.restored"
    };
    finish(
        db,
        tx,
        today,
        row.id,
        actor,
        action,
        Some(before),
        request_id,
    )
    .await
}
