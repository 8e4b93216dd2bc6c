//! The customers API: `customers`, `customer`, `createCustomer`, `updateCustomer`,
//! `archiveCustomer`, `setCreditLimit`, `placeCreditHold`, `releaseCreditHold`.

use super::loaders::{CreditHistoryOf, TimelineOf};
use super::store::{
    self, CUSTOMERS_RANKED, CUSTOMERS_WITH_BALANCES, ContactRow, CreditEventRow, CustomerRow,
};
use crate::api::command;
use crate::api::context::{request, services};
use crate::api::values::{CountedList, OrderDirection};
use crate::api::values::{
    Date, Money, offset_connection, optional_text, page_size, parse_amount, parse_currency,
    parse_id, parse_offset_cursor, required_text,
};
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::auth::{assigned_only, visible_to};
use crate::db::conditions::{Conditions, count};
use crate::db::{self, TenantTx};
use crate::error::{ApiResult, AppError, IntoApi};
use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::Permission;
use domain::aging::days_overdue;
use domain::credit::{available_credit, utilization_percent};
use domain::terms::{PaymentTerms, TermsKind};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

const MAX_CONTACTS: usize = 20;
const MAX_TAGS: usize = 20;

#[derive(SimpleObject, Clone)]
pub struct PersonRef {
    pub id: ID,
    pub name: String,
    pub email: String,
}

#[derive(SimpleObject, Clone)]
pub struct Contact {
    pub name: String,
    pub role: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// How they like to be reached: PHONE, EMAIL, SMS, WECHAT, VISIT, LETTER.
    pub preferred_channel: Option<String>,
}

#[derive(SimpleObject, Clone)]
pub struct Aging {
    pub current: Money,
    pub d1_to_30: Money,
    pub d31_to_60: Money,
    pub d61_to_90: Money,
    pub over_90: Money,
}

#[derive(SimpleObject, Clone)]
pub struct PaymentTermsOut {
    pub kind: TermsKind,
    pub days: i32,
}

#[derive(SimpleObject, Clone)]
pub struct CreditEvent {
    /// LIMIT_SET, HOLD_PLACED or HOLD_RELEASED.
    pub kind: String,
    pub credit_limit: Option<Money>,
    pub previous_limit: Option<Money>,
    pub reason: String,
    pub actor: String,
    pub occurred_at: DateTime<Utc>,
}

/// A customer with its balances as of the tenant's today, in the customer's currency.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Customer {
    pub id: ID,
    pub code: String,
    pub name: String,
    pub tax_id: Option<String>,
    pub billing_address: Option<String>,
    pub segment: Option<String>,
    pub tags: Vec<String>,
    pub currency: String,
    pub payment_terms: PaymentTermsOut,
    /// The days of the payment terms (net days, or days after the end of the month).
    pub payment_terms_days: i32,
    pub collector: Option<PersonRef>,
    pub salesperson: Option<PersonRef>,
    pub contacts: Vec<Contact>,
    /// `null` when no limit is set.
    pub credit_limit: Option<Money>,
    pub credit_hold: bool,
    pub credit_hold_reason: Option<String>,
    pub credit_hold_since: Option<DateTime<Utc>>,
    /// The credit rating's grade in force (see `creditRating` for the factors).
    pub risk_grade: Option<domain::rating::Grade>,
    /// The rating's score, 0 to 100.
    pub risk_score: Option<String>,
    /// The dunning ladder assigned to this customer itself (none: its segment's or the
    /// company's default).
    pub dunning_policy_id: Option<ID>,
    /// Dunning is paused through this day (`pauseDunning`), and why.
    pub dunning_paused_until: Option<Date>,
    pub dunning_pause_reason: Option<String>,
    pub notes: Option<String>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    /// Open invoices' balance in the customer's currency.
    pub balance: Money,
    /// Open balances in every currency the customer has invoices in.
    pub balances: Vec<Money>,
    pub overdue_amount: Money,
    /// The credit limit less the balance (negative when over); `null` without a limit.
    pub available_credit: Option<Money>,
    /// The balance as a percentage of the limit, one decimal; `null` without a limit.
    pub utilization_percent: Option<String>,
    pub aging: Aging,
    /// Days past due of the oldest overdue invoice; 0 when nothing is overdue.
    pub days_past_due: i64,
    pub open_invoice_count: i64,
    /// Payments not yet allocated to invoices, available to `applyCredit`.
    pub unapplied_credit: Money,
    #[graphql(skip)]
    pub uuid: Uuid,
}

/// Something that happened to the customer's account.
#[derive(SimpleObject, Clone)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    /// INVOICE_ISSUED, PAYMENT_RECEIVED, PAYMENT_REVERSED, CREDIT_NOTE, WRITE_OFF,
    /// DISPUTE_OPENED, DISPUTE_RESOLVED, DISPUTE_REJECTED, LIMIT_SET, HOLD_PLACED,
    /// HOLD_RELEASED, STATEMENT_SENT, STATEMENT_CONFIRMED, STATEMENT_DISPUTED (collections
    /// activities join with their area).
    pub kind: String,
    /// The invoice or credit note number, the payment's reference, the statement's period.
    pub reference: Option<String>,
    pub amount: Option<Money>,
    /// Who did it: a team member, an API key, or the customer.
    pub actor: Option<String>,
    /// The reason, note or address that goes with it.
    pub detail: Option<String>,
}

#[ComplexObject]
impl Customer {
    /// What happened on the account, newest first: invoices, payments, reversals, credit notes,
    /// write-offs, disputes, credit decisions, statements, collection activities (the dunning
    /// run's among them) and legal cases. `first` is 1 to 200 (default 50).
    #[graphql(complexity = "crate::api::values::page_complexity(first, child_complexity)")]
    async fn timeline(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
    ) -> ApiResult<Vec<TimelineEntry>> {
        let first = page_size(first).api()?;
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        let caller = &request.caller;
        // The timeline shows invoices and payments, so it needs what their lists need.
        caller.authorize(Permission::ViewInvoices).api()?;
        caller.authorize(Permission::ViewPayments).api()?;
        // Batched with the other customers of the page: one statement for all their timelines.
        let rows = request
            .loaders
            .customer_lists(db, caller)
            .api()?
            .load_one(TimelineOf {
                customer: self.uuid,
                first: first as i64,
            })
            .await?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|row| TimelineEntry {
                at: row.at,
                kind: row.kind,
                reference: row.reference,
                amount: row.amount.map(|amount| {
                    Money::new(amount, row.currency.as_deref().unwrap_or(&self.currency))
                }),
                actor: row.actor,
                detail: row.detail,
            })
            .collect())
    }

    /// Credit limit changes and holds, newest first, with reasons.
    async fn credit_history(&self, ctx: &Context<'_>) -> ApiResult<Vec<CreditEvent>> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        // A customer also arrives inside other areas' payloads (a payment's, say): its credit
        // history is for those who may read customers.
        request.caller.authorize(Permission::ViewCustomers).api()?;
        // Batched with the other customers of the page: one statement for all their histories.
        let rows = request
            .loaders
            .customer_lists(db, &request.caller)
            .api()?
            .load_one(CreditHistoryOf(self.uuid))
            .await?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|row| credit_event(row, &self.currency))
            .collect())
    }
}

fn credit_event(row: CreditEventRow, currency: &str) -> CreditEvent {
    CreditEvent {
        kind: row.kind,
        credit_limit: row.credit_limit.map(|limit| Money::new(limit, currency)),
        previous_limit: row.previous_limit.map(|limit| Money::new(limit, currency)),
        reason: row.reason,
        actor: row.actor_label,
        occurred_at: row.occurred_at,
    }
}

fn customer(
    row: CustomerRow,
    today: NaiveDate,
    contacts: Vec<Contact>,
    people: &[db::MemberName],
) -> Customer {
    let currency = row.currency.clone();
    let money = |amount: Decimal| Money::new(amount, &currency);
    let person = |id: Option<Uuid>| {
        id.and_then(|id| people.iter().find(|person| person.id == id))
            .map(|person| PersonRef {
                id: ID(person.id.to_string()),
                name: person.name.clone(),
                email: person.email.clone(),
            })
    };
    let terms_kind = TermsKind::parse(&row.terms_kind).unwrap_or(TermsKind::Net);
    Customer {
        id: ID(row.id.to_string()),
        uuid: row.id,
        code: row.code,
        name: row.name,
        tax_id: row.tax_id,
        billing_address: row.billing_address,
        segment: row.segment,
        tags: row.tags,
        payment_terms: PaymentTermsOut {
            kind: terms_kind,
            days: row.terms_days,
        },
        payment_terms_days: row.terms_days,
        collector: person(row.collector_id),
        salesperson: person(row.salesperson_id),
        contacts,
        credit_limit: row.credit_limit.map(money),
        credit_hold: row.credit_hold,
        credit_hold_reason: row.credit_hold_reason,
        credit_hold_since: row.credit_hold_since,
        risk_grade: row
            .risk_grade
            .as_deref()
            .and_then(domain::rating::Grade::parse),
        risk_score: row.risk_score.map(|score| score.normalize().to_string()),
        dunning_policy_id: row.dunning_policy_id.map(|id| ID(id.to_string())),
        dunning_paused_until: row.dunning_paused_until.map(Date),
        dunning_pause_reason: row.dunning_pause_reason,
        notes: row.notes,
        archived: row.archived_at.is_some(),
        created_at: row.created_at,
        balance: money(row.balance),
        balances: row
            .balances
            .as_ref()
            .and_then(|value| value.as_array())
            .map(|items| {
                items
                    .iter()
                    .filter_map(|item| {
                        let amount: Decimal = item["amount"].as_str()?.parse().ok()?;
                        Some(Money::new(amount, item["currency"].as_str()?))
                    })
                    .collect()
            })
            .unwrap_or_default(),
        overdue_amount: money(row.overdue),
        available_credit: row
            .credit_limit
            .map(|limit| money(available_credit(limit, row.balance))),
        utilization_percent: row
            .credit_limit
            .and_then(|limit| utilization_percent(limit, row.balance))
            .map(|percent| percent.to_string()),
        aging: Aging {
            current: money(row.aging_current),
            d1_to_30: money(row.aging_d1),
            d31_to_60: money(row.aging_d2),
            d61_to_90: money(row.aging_d3),
            over_90: money(row.aging_d4),
        },
        days_past_due: row
            .oldest_overdue_due
            .map(|due| days_overdue(due, today))
            .unwrap_or(0),
        open_invoice_count: row.open_invoices,
        unapplied_credit: money(row.unapplied),
        currency,
    }
}

/// One customer as the API shows it, read inside the caller's transaction (no access check:
/// for payloads of mutations the caller was allowed to make).
pub async fn customer_in_tx(
    db: &DatabaseConnection,
    tx: &TenantTx,
    today: NaiveDate,
    id: Uuid,
) -> Result<Customer, AppError> {
    let row = store::load_customer(&**tx, today, id)
        .await?
        .ok_or_else(|| AppError::not_found("No such customer."))?;
    assemble(db, tx, today, vec![row])
        .await?
        .pop()
        .ok_or_else(|| AppError::not_found("No such customer."))
}

/// Builds API customers from rows: contacts in one statement, people in one control-plane
/// statement, whatever the page size.
async fn assemble(
    db: &DatabaseConnection,
    tx: &TenantTx,
    today: NaiveDate,
    rows: Vec<CustomerRow>,
) -> Result<Vec<Customer>, AppError> {
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
    Ok(rows
        .into_iter()
        .map(|row| {
            let mine: Vec<Contact> = contacts
                .iter()
                .filter(|contact| contact.customer_id == row.id)
                .cloned()
                .map(contact)
                .collect();
            customer(row, today, mine, &people)
        })
        .collect())
}

fn contact(row: ContactRow) -> Contact {
    Contact {
        name: row.name,
        role: row.role,
        email: row.email,
        phone: row.phone,
        preferred_channel: row.preferred_channel,
    }
}

#[derive(Enum, Clone, Copy, PartialEq, Eq, Default)]
pub enum CustomerOrderField {
    #[default]
    Name,
    Code,
    Balance,
    OverdueAmount,
    DaysPastDue,
    CreatedAt,
}

#[derive(InputObject, Clone, Copy, Default)]
pub struct CustomerOrder {
    pub field: CustomerOrderField,
    pub direction: Option<OrderDirection>,
}

#[derive(InputObject, Default)]
pub struct CustomerFilter {
    /// Matches name, code, tax id, or a contact's name, email or phone.
    pub search: Option<String>,
    pub collector_id: Option<ID>,
    pub segment: Option<String>,
    pub on_hold: Option<bool>,
    pub over_limit: Option<bool>,
    pub has_overdue: Option<bool>,
    /// Any of these credit rating grades (customers not yet rated match none).
    pub risk_grade: Option<Vec<domain::rating::Grade>>,
    /// Archived customers are left out unless this is true.
    pub include_archived: Option<bool>,
}

#[derive(Debug, FromQueryResult)]
struct PageId {
    id: Uuid,
}

pub type CustomerConnection = Connection<String, Customer, CountedList>;

pub async fn list_customers(
    db: &DatabaseConnection,
    caller: &Caller,
    first: Option<i32>,
    after: Option<String>,
    filter: CustomerFilter,
    order: CustomerOrder,
    wants_total: bool,
) -> Result<CustomerConnection, AppError> {
    let access = caller.authorize(Permission::ViewCustomers)?;
    let tenant = caller.require_tenant()?;
    let first = page_size(first)?;
    let offset = parse_offset_cursor("customers", after.as_deref())?;
    let calendar = db::tenant_calendar(db, tenant).await?;

    let mut conditions = Conditions::new(vec![calendar.today.into()]);
    assigned_only(caller, access, &mut conditions, "c.");
    if !filter.include_archived.unwrap_or(false) {
        conditions.fixed("c.archived_at IS NULL");
    }
    if let Some(search) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let pattern = format!(
            "%{}%",
            search
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let n = conditions.bind(pattern);
        conditions.fixed(&format!(
            "(c.name ILIKE ${n} OR c.code ILIKE ${n} OR c.tax_id ILIKE ${n} OR EXISTS (
                SELECT 1 FROM customer_contacts k WHERE k.customer_id = c.id
                  AND (k.name ILIKE ${n} OR k.email ILIKE ${n} OR k.phone ILIKE ${n})))"
        ));
    }
    if let Some(collector) = &filter.collector_id {
        conditions.push(
            "c.collector_id = ?",
            parse_id("filter.collectorId", collector)?,
        );
    }
    if let Some(segment) = filter.segment {
        conditions.push("c.segment = ?", segment);
    }
    if let Some(grades) = &filter.risk_grade
        && !grades.is_empty()
    {
        let list: Vec<&str> = grades.iter().map(|grade| grade.as_str()).collect();
        conditions.push(
            "c.risk_grade = ANY(string_to_array(?, ','))",
            list.join(","),
        );
    }
    if let Some(on_hold) = filter.on_hold {
        conditions.push("c.credit_hold = ?", on_hold);
    }
    match filter.over_limit {
        Some(true) => {
            conditions.fixed("(c.credit_limit IS NOT NULL AND c.balance > c.credit_limit)")
        }
        Some(false) => conditions.fixed("(c.credit_limit IS NULL OR c.balance <= c.credit_limit)"),
        None => {}
    }
    match filter.has_overdue {
        Some(true) => conditions.fixed("c.overdue > 0"),
        Some(false) => conditions.fixed("c.overdue = 0"),
        None => {}
    }
    let direction = match order.direction.unwrap_or(match order.field {
        CustomerOrderField::Name | CustomerOrderField::Code => OrderDirection::Asc,
        _ => OrderDirection::Desc,
    }) {
        OrderDirection::Asc => "ASC",
        OrderDirection::Desc => "DESC",
    };
    let order_sql = match order.field {
        CustomerOrderField::Name => format!("lower(c.name) {direction}, c.id"),
        CustomerOrderField::Code => format!("lower(c.code) {direction}, c.id"),
        CustomerOrderField::Balance => format!("c.balance {direction}, lower(c.name), c.id"),
        CustomerOrderField::OverdueAmount => format!("c.overdue {direction}, lower(c.name), c.id"),
        // More days past due is an older oldest overdue date.
        CustomerOrderField::DaysPastDue => format!(
            "c.oldest_overdue_due {} NULLS LAST, lower(c.name), c.id",
            if direction == "DESC" { "ASC" } else { "DESC" }
        ),
        CustomerOrderField::CreatedAt => format!("c.created_at {direction}, c.id"),
    };
    let filtered = conditions.sql();
    let mut values = conditions.values;
    let count_values = values.clone();
    values.push(((first + 1) as i64).into());
    values.push((offset as i64).into());
    let (limit, skip) = (values.len() - 1, values.len());
    // Balances are summed for every customer only when the order or the filter needs them.
    let needs_figures = filtered.contains("c.balance")
        || filtered.contains("c.overdue")
        || !matches!(
            order.field,
            CustomerOrderField::Name | CustomerOrderField::Code | CustomerOrderField::CreatedAt
        );
    let count_sql = if needs_figures {
        format!("SELECT count(*) AS n FROM ({CUSTOMERS_RANKED}) c WHERE {filtered}")
    } else {
        format!("SELECT count(*) AS n FROM customers c WHERE $1::date IS NOT NULL AND {filtered}")
    };

    let tx = TenantTx::begin(db, tenant).await?;
    if needs_figures {
        db::report_memory(&*tx).await?;
    }
    let mut rows = if needs_figures {
        // The page's ids from the grouped figures, then those customers in full.
        let ids: Vec<Uuid> = PageId::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "SELECT c.id FROM ({CUSTOMERS_RANKED}) c WHERE {filtered} ORDER BY {order_sql}
                 LIMIT ${limit} OFFSET ${skip}"
            ),
            values,
        ))
        .all(&*tx)
        .await?
        .into_iter()
        .map(|row| row.id)
        .collect();
        let mut rows = store::load_customers(&*tx, calendar.today, &ids).await?;
        rows.sort_by_key(|row| ids.iter().position(|id| *id == row.id));
        rows
    } else {
        CustomerRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "SELECT * FROM ({CUSTOMERS_WITH_BALANCES}) c WHERE {filtered} ORDER BY {order_sql}
                 LIMIT ${limit} OFFSET ${skip}"
            ),
            values,
        ))
        .all(&*tx)
        .await?
    };
    // Counting sums every customer's balance again: only when `totalCount` is asked for (the
    // dashboard's top five do not).
    let total = if wants_total {
        count(&tx, count_sql, count_values).await?
    } else {
        0
    };
    let has_next = rows.len() > first;
    rows.truncate(first);
    let customers = assemble(db, &tx, calendar.today, rows).await?;
    tx.commit().await?;

    Ok(offset_connection(
        "customers",
        customers,
        has_next,
        offset,
        total,
    ))
}

pub async fn find_customer(
    db: &DatabaseConnection,
    caller: &Caller,
    id: &ID,
) -> Result<Option<Customer>, AppError> {
    let access = caller.authorize(Permission::ViewCustomers)?;
    let tenant = caller.require_tenant()?;
    let Ok(id) = id.parse::<Uuid>() else {
        return Ok(None);
    };
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

#[derive(InputObject, Clone)]
pub struct ContactInput {
    pub name: String,
    pub role: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub preferred_channel: Option<String>,
}

#[derive(InputObject)]
pub struct CreateCustomerInput {
    pub name: String,
    /// Unique in the company, such as `C-0042`; compared without regard to case.
    pub code: String,
    pub tax_id: Option<String>,
    pub billing_address: Option<String>,
    pub segment: Option<String>,
    pub tags: Option<Vec<String>>,
    /// ISO 4217; the company's base currency by default.
    pub currency: Option<String>,
    /// NET (default) or END_OF_MONTH.
    pub payment_terms_kind: Option<TermsKind>,
    /// 0 to 365; 30 by default.
    pub payment_terms_days: Option<i32>,
    /// A decimal string in the customer's currency; none means no limit.
    pub credit_limit: Option<String>,
    pub collector_id: Option<ID>,
    pub salesperson_id: Option<ID>,
    pub contacts: Option<Vec<ContactInput>>,
    pub notes: Option<String>,
}

#[derive(InputObject)]
pub struct UpdateCustomerInput {
    pub customer_id: ID,
    pub name: Option<String>,
    pub code: Option<String>,
    pub tax_id: Option<String>,
    pub billing_address: Option<String>,
    pub segment: Option<String>,
    pub tags: Option<Vec<String>>,
    pub payment_terms_kind: Option<TermsKind>,
    pub payment_terms_days: Option<i32>,
    /// An empty string clears the assignment.
    pub collector_id: Option<ID>,
    /// An empty string clears the assignment.
    pub salesperson_id: Option<ID>,
    /// When given, replaces the contacts.
    pub contacts: Option<Vec<ContactInput>>,
    pub notes: Option<String>,
}

#[derive(InputObject)]
pub struct ArchiveCustomerInput {
    pub customer_id: ID,
    /// False restores an archived customer.
    pub archived: Option<bool>,
}

#[derive(InputObject)]
pub struct SetCreditLimitInput {
    pub customer_id: ID,
    /// A decimal string in the customer's currency; null removes the limit.
    pub credit_limit: Option<String>,
    pub reason: String,
}

#[derive(InputObject)]
pub struct PlaceCreditHoldInput {
    pub customer_id: ID,
    pub reason: String,
}

#[derive(InputObject)]
pub struct ReleaseCreditHoldInput {
    pub customer_id: ID,
    pub reason: String,
}

#[derive(SimpleObject)]
pub struct CustomerPayload {
    pub customer: Customer,
}

const CHANNELS: [&str; 6] = ["PHONE", "EMAIL", "SMS", "WECHAT", "VISIT", "LETTER"];

fn contacts_input(contacts: Vec<ContactInput>) -> Result<Vec<ContactRow>, AppError> {
    if contacts.len() > MAX_CONTACTS {
        return Err(AppError::validation(
            "input.contacts",
            format!("at most {MAX_CONTACTS} contacts"),
        ));
    }
    contacts
        .into_iter()
        .enumerate()
        .map(|(index, contact)| {
            let field = |name: &str| format!("input.contacts[{index}].{name}");
            let email = optional_text(&field("email"), contact.email.as_deref(), 254)?;
            if let Some(email) = &email {
                domain::EmailAddress::parse(email)
                    .map_err(|error| AppError::validation(field("email"), error))?;
            }
            let preferred_channel = optional_text(
                &field("preferredChannel"),
                contact.preferred_channel.as_deref(),
                20,
            )?;
            if let Some(channel) = &preferred_channel
                && !CHANNELS.contains(&channel.as_str())
            {
                return Err(AppError::validation(
                    field("preferredChannel"),
                    format!("use one of {}", CHANNELS.join(", ")),
                ));
            }
            Ok(ContactRow {
                customer_id: Uuid::nil(),
                name: required_text(&field("name"), &contact.name, 200)?,
                role: optional_text(&field("role"), contact.role.as_deref(), 100)?,
                email,
                phone: optional_text(&field("phone"), contact.phone.as_deref(), 40)?,
                preferred_channel,
            })
        })
        .collect()
}

fn tags_input(tags: Vec<String>) -> Result<Vec<String>, AppError> {
    if tags.len() > MAX_TAGS {
        return Err(AppError::validation(
            "input.tags",
            format!("at most {MAX_TAGS} tags"),
        ));
    }
    let mut clean = Vec::with_capacity(tags.len());
    for (index, tag) in tags.iter().enumerate() {
        let tag = required_text(&format!("input.tags[{index}]"), tag, 40)?;
        if !clean.contains(&tag) {
            clean.push(tag);
        }
    }
    Ok(clean)
}

fn terms_input(kind: TermsKind, days: i32) -> Result<PaymentTerms, AppError> {
    PaymentTerms::new(kind, i64::from(days))
        .map_err(|error| AppError::validation("input.paymentTermsDays", error))
}

fn code_input(code: &str) -> Result<String, AppError> {
    let code = required_text("input.code", code, 40)?;
    if !code
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
    {
        return Err(AppError::validation(
            "input.code",
            "use letters, digits, `-`, `_`, `.` or `/`",
        ));
    }
    Ok(code)
}

/// A collector or salesperson must be a member of this company.
async fn member_input(
    db: &DatabaseConnection,
    caller: &Caller,
    field: &str,
    id: &ID,
) -> Result<Option<Uuid>, AppError> {
    if id.is_empty() {
        return Ok(None);
    }
    let user = parse_id(field, id)?;
    let tenant = caller.require_tenant()?;
    if db::member_names(db, tenant, &[user]).await?.is_empty() {
        return Err(AppError::validation(field, "not a member of this company"));
    }
    Ok(Some(user))
}

async fn replace_contacts(
    tx: &TenantTx,
    customer_id: Uuid,
    contacts: &[ContactRow],
) -> Result<(), AppError> {
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "DELETE FROM customer_contacts WHERE customer_id = $1",
        [customer_id.into()],
    ))
    .await?;
    for (position, contact) in contacts.iter().enumerate() {
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO customer_contacts (id, customer_id, position, name, role, email, phone, preferred_channel)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            [
                Uuid::now_v7().into(),
                customer_id.into(),
                (position as i32).into(),
                contact.name.clone().into(),
                contact.role.clone().into(),
                contact.email.clone().into(),
                contact.phone.clone().into(),
                contact.preferred_channel.clone().into(),
            ],
        ))
        .await?;
    }
    Ok(())
}

fn code_taken(error: sea_orm::DbErr) -> AppError {
    if error.to_string().contains("customers_code_key") {
        AppError::conflict("input.code", "Another customer already has this code.")
    } else {
        AppError::from(error)
    }
}

fn snapshot(customer: &Customer) -> serde_json::Value {
    serde_json::json!({
        "code": customer.code,
        "name": customer.name,
        "taxId": customer.tax_id,
        "segment": customer.segment,
        "currency": customer.currency,
        "paymentTerms": format!("{} {}", customer.payment_terms.kind.as_str(), customer.payment_terms.days),
        "collectorId": customer.collector.as_ref().map(|p| p.id.to_string()),
        "salespersonId": customer.salesperson.as_ref().map(|p| p.id.to_string()),
        "creditLimit": customer.credit_limit.as_ref().map(|m| m.amount.clone()),
        "creditHold": customer.credit_hold,
        "archived": customer.archived,
    })
}

/// Reloads a customer inside `tx` after a change and records the audit entry.
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
) -> Result<Customer, AppError> {
    let row = store::load_customer(&*tx, today, id)
        .await?
        .ok_or_else(|| AppError::not_found("No such customer."))?;
    let customer = assemble(db, &tx, today, vec![row])
        .await?
        .pop()
        .ok_or_else(|| AppError::not_found("No such customer."))?;
    audit::record(
        &*tx,
        tx.tenant(),
        AuditEntry {
            actor,
            action,
            entity_type: "customer",
            entity_id: Some(id.to_string()),
            before,
            after: Some(snapshot(&customer)),
            request_id: Some(request_id),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(customer)
}

pub async fn create_customer(
    db: &DatabaseConnection,
    caller: &Caller,
    input: CreateCustomerInput,
    request_id: &str,
) -> Result<Customer, AppError> {
    caller.authorize(Permission::ManageCustomers)?;
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let name = required_text("input.name", &input.name, 200)?;
    let code = code_input(&input.code)?;
    let currency = match &input.currency {
        Some(code) => parse_currency("input.currency", code)?,
        None => parse_currency("input.currency", &calendar.base_currency)?,
    };
    let terms = terms_input(
        input.payment_terms_kind.unwrap_or(TermsKind::Net),
        input.payment_terms_days.unwrap_or(30),
    )?;
    let credit_limit = input
        .credit_limit
        .as_deref()
        .map(|limit| parse_amount("input.creditLimit", limit, currency, true))
        .transpose()?;
    if credit_limit.is_some() {
        caller.authorize(Permission::ManageCreditPolicy)?;
    }
    let collector = match &input.collector_id {
        Some(id) => member_input(db, caller, "input.collectorId", id).await?,
        None => None,
    };
    let salesperson = match &input.salesperson_id {
        Some(id) => member_input(db, caller, "input.salespersonId", id).await?,
        None => None,
    };
    let contacts = contacts_input(input.contacts.unwrap_or_default())?;
    let tags = tags_input(input.tags.unwrap_or_default())?;
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
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO customers (id, code, name, tax_id, billing_address, segment, tags, currency,
                                terms_kind, terms_days, collector_id, salesperson_id, credit_limit, notes)
         VALUES ($1, $2, $3, $4, $5, $6, string_to_array($7, chr(31)), $8, $9, $10, $11, $12, $13, $14)",
        [
            id.into(),
            code.into(),
            name.into(),
            optional_text("input.taxId", input.tax_id.as_deref(), 60)?.into(),
            optional_text("input.billingAddress", input.billing_address.as_deref(), 500)?.into(),
            optional_text("input.segment", input.segment.as_deref(), 60)?.into(),
            tags.join("\u{1f}").into(),
            currency.code().to_owned().into(),
            terms.kind.as_str().into(),
            (terms.days as i32).into(),
            collector.into(),
            salesperson.into(),
            credit_limit.into(),
            optional_text("input.notes", input.notes.as_deref(), 4000)?.into(),
        ],
    ))
    .await
    .map_err(code_taken)?;
    replace_contacts(&tx, id, &contacts).await?;
    if let Some(limit) = credit_limit {
        store::append_credit_event(
            &*tx,
            id,
            "LIMIT_SET",
            Some(limit),
            None,
            "Initial credit limit",
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

/// Opens the tenant transaction for a change to one customer and returns it with the row,
/// locked; `NOT_FOUND` for an id outside this tenant.
async fn lock_customer(
    db: &DatabaseConnection,
    caller: &Caller,
    id: &ID,
) -> Result<(TenantTx, NaiveDate, CustomerRow), AppError> {
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let not_found = || AppError::not_found("No such customer.");
    let id = id.parse::<Uuid>().map_err(|_| not_found())?;
    let tx = TenantTx::begin(db, tenant).await?;
    let row = store::customer_for_update(&*tx, calendar.today, id)
        .await?
        .ok_or_else(not_found)?;
    Ok((tx, calendar.today, row))
}

pub async fn update_customer(
    db: &DatabaseConnection,
    caller: &Caller,
    input: UpdateCustomerInput,
    request_id: &str,
) -> Result<Customer, AppError> {
    caller.authorize(Permission::ManageCustomers)?;
    let collector = match &input.collector_id {
        Some(id) => Some(member_input(db, caller, "input.collectorId", id).await?),
        None => None,
    };
    let salesperson = match &input.salesperson_id {
        Some(id) => Some(member_input(db, caller, "input.salespersonId", id).await?),
        None => None,
    };
    let actor = audit::actor_of(db, caller).await?;
    let (tx, today, row) = lock_customer(db, caller, &input.customer_id).await?;
    let before = snapshot(&customer(row.clone(), today, Vec::new(), &[]));
    let terms = terms_input(
        input
            .payment_terms_kind
            .unwrap_or_else(|| TermsKind::parse(&row.terms_kind).unwrap_or(TermsKind::Net)),
        input.payment_terms_days.unwrap_or(row.terms_days),
    )?;
    let name = match &input.name {
        Some(name) => required_text("input.name", name, 200)?,
        None => row.name.clone(),
    };
    let code = match &input.code {
        Some(code) => code_input(code)?,
        None => row.code.clone(),
    };
    let keep =
        |given: Option<&String>, field: &str, max: usize, current: &Option<String>| match given {
            Some(value) => optional_text(field, Some(value), max),
            None => Ok(current.clone()),
        };
    let tax_id = keep(input.tax_id.as_ref(), "input.taxId", 60, &row.tax_id)?;
    let address = keep(
        input.billing_address.as_ref(),
        "input.billingAddress",
        500,
        &row.billing_address,
    )?;
    let segment = keep(input.segment.as_ref(), "input.segment", 60, &row.segment)?;
    let notes = keep(input.notes.as_ref(), "input.notes", 4000, &row.notes)?;
    let tags = match input.tags {
        Some(tags) => tags_input(tags)?,
        None => row.tags.clone(),
    };
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE customers SET code = $2, name = $3, tax_id = $4, billing_address = $5, segment = $6,
                tags = string_to_array($7, chr(31)), terms_kind = $8, terms_days = $9,
                collector_id = $10, salesperson_id = $11, notes = $12, updated_at = now()
         WHERE id = $1",
        [
            row.id.into(),
            code.into(),
            name.into(),
            tax_id.into(),
            address.into(),
            segment.into(),
            tags.join("\u{1f}").into(),
            terms.kind.as_str().into(),
            (terms.days as i32).into(),
            collector.unwrap_or(row.collector_id).into(),
            salesperson.unwrap_or(row.salesperson_id).into(),
            notes.into(),
        ],
    ))
    .await
    .map_err(code_taken)?;
    if let Some(contacts) = input.contacts {
        replace_contacts(&tx, row.id, &contacts_input(contacts)?).await?;
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

pub async fn archive_customer(
    db: &DatabaseConnection,
    caller: &Caller,
    input: ArchiveCustomerInput,
    request_id: &str,
) -> Result<Customer, AppError> {
    caller.authorize(Permission::ManageCustomers)?;
    let actor = audit::actor_of(db, caller).await?;
    let (tx, today, row) = lock_customer(db, caller, &input.customer_id).await?;
    let archive = input.archived.unwrap_or(true);
    if archive && row.open_invoices > 0 {
        return Err(AppError::conflict(
            "input.customerId",
            format!(
                "The customer has {} open invoices; settle, void or write them off first.",
                row.open_invoices
            ),
        ));
    }
    let before = snapshot(&customer(row.clone(), today, Vec::new(), &[]));
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE customers SET archived_at = CASE WHEN $2 THEN coalesce(archived_at, now()) END, updated_at = now()
         WHERE id = $1",
        [row.id.into(), archive.into()],
    ))
    .await?;
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

pub async fn set_credit_limit(
    db: &DatabaseConnection,
    caller: &Caller,
    input: SetCreditLimitInput,
    request_id: &str,
) -> Result<Customer, AppError> {
    caller.authorize(Permission::ManageCreditPolicy)?;
    let reason = required_text("input.reason", &input.reason, 500)?;
    let actor = audit::actor_of(db, caller).await?;
    let (tx, today, row) = lock_customer(db, caller, &input.customer_id).await?;
    let currency = parse_currency("input.creditLimit", &row.currency)?;
    let limit = input
        .credit_limit
        .as_deref()
        .filter(|limit| !limit.trim().is_empty())
        .map(|limit| parse_amount("input.creditLimit", limit, currency, true))
        .transpose()?;
    let before = snapshot(&customer(row.clone(), today, Vec::new(), &[]));
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE customers SET credit_limit = $2, updated_at = now() WHERE id = $1",
        [row.id.into(), limit.into()],
    ))
    .await?;
    store::append_credit_event(
        &*tx,
        row.id,
        "LIMIT_SET",
        limit,
        row.credit_limit,
        &reason,
        actor.label(),
    )
    .await?;
    finish(
        db,
        tx,
        today,
        row.id,
        actor,
        "customer.credit_limit_set",
        Some(before),
        request_id,
    )
    .await
}

pub async fn set_credit_hold(
    db: &DatabaseConnection,
    caller: &Caller,
    customer_id: &ID,
    reason: &str,
    hold: bool,
    request_id: &str,
) -> Result<Customer, AppError> {
    caller.authorize(Permission::ManageCreditPolicy)?;
    let reason = required_text("input.reason", reason, 500)?;
    let actor = audit::actor_of(db, caller).await?;
    let (tx, today, row) = lock_customer(db, caller, customer_id).await?;
    if row.credit_hold == hold {
        return Err(AppError::conflict(
            "input.customerId",
            if hold {
                "The customer is already on credit hold."
            } else {
                "The customer is not on credit hold."
            },
        ));
    }
    let before = snapshot(&customer(row.clone(), today, Vec::new(), &[]));
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE customers SET credit_hold = $2,
                credit_hold_reason = CASE WHEN $2 THEN $3 END,
                credit_hold_since = CASE WHEN $2 THEN now() END,
                -- A hold placed by hand is released only by hand.
                credit_hold_cause = NULL, updated_at = now()
         WHERE id = $1",
        [row.id.into(), hold.into(), reason.clone().into()],
    ))
    .await?;
    let (kind, action) = if hold {
        ("HOLD_PLACED", "customer.credit_hold_placed")
    } else {
        ("HOLD_RELEASED", "customer.credit_hold_released")
    };
    store::append_credit_event(&*tx, row.id, kind, None, None, &reason, actor.label()).await?;
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

#[derive(Default)]
pub struct CustomersQuery;

#[Object]
impl CustomersQuery {
    /// Customers, by name unless ordered otherwise. Collectors and salespeople see the
    /// customers assigned to them. `first` is 1 to 200 (default 50).
    #[graphql(complexity = "crate::api::values::page_complexity(first, child_complexity)")]
    async fn customers(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<CustomerFilter>,
        order_by: Option<CustomerOrder>,
    ) -> ApiResult<CustomerConnection> {
        let (_, db) = services(ctx)?;
        list_customers(
            db,
            &request(ctx)?.caller,
            first,
            after,
            filter.unwrap_or_default(),
            order_by.unwrap_or_default(),
            ctx.look_ahead().field("totalCount").exists(),
        )
        .await
        .api()
    }

    /// One customer; `null` when there is none with this id in the company.
    async fn customer(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Customer>> {
        let (_, db) = services(ctx)?;
        find_customer(db, &request(ctx)?.caller, &id).await.api()
    }
}

#[derive(Default)]
pub struct CustomersMutation;

#[Object]
impl CustomersMutation {
    async fn create_customer(
        &self,
        ctx: &Context<'_>,
        input: CreateCustomerInput,
    ) -> ApiResult<CustomerPayload> {
        let customer = command!(ctx, create_customer, input);
        Ok(CustomerPayload { customer })
    }

    async fn update_customer(
        &self,
        ctx: &Context<'_>,
        input: UpdateCustomerInput,
    ) -> ApiResult<CustomerPayload> {
        let customer = command!(ctx, update_customer, input);
        Ok(CustomerPayload { customer })
    }

    /// Archives a customer with no open invoices (or restores one with `archived: false`).
    async fn archive_customer(
        &self,
        ctx: &Context<'_>,
        input: ArchiveCustomerInput,
    ) -> ApiResult<CustomerPayload> {
        let customer = command!(ctx, archive_customer, input);
        Ok(CustomerPayload { customer })
    }

    /// Sets or removes the credit limit; the change and its reason are kept in `creditHistory`.
    async fn set_credit_limit(
        &self,
        ctx: &Context<'_>,
        input: SetCreditLimitInput,
    ) -> ApiResult<CustomerPayload> {
        let customer = command!(ctx, set_credit_limit, input);
        Ok(CustomerPayload { customer })
    }

    async fn place_credit_hold(
        &self,
        ctx: &Context<'_>,
        input: PlaceCreditHoldInput,
    ) -> ApiResult<CustomerPayload> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        let customer = set_credit_hold(
            db,
            &request.caller,
            &input.customer_id,
            &input.reason,
            true,
            &request.request_id,
        )
        .await
        .api()?;
        Ok(CustomerPayload { customer })
    }

    async fn release_credit_hold(
        &self,
        ctx: &Context<'_>,
        input: ReleaseCreditHoldInput,
    ) -> ApiResult<CustomerPayload> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        let customer = set_credit_hold(
            db,
            &request.caller,
            &input.customer_id,
            &input.reason,
            false,
            &request.request_id,
        )
        .await
        .api()?;
        Ok(CustomerPayload { customer })
    }
}
