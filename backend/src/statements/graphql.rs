//! `customerStatement`, `sendStatement`, `publicStatement`, `respondToStatement`.

use super::store::{self, StatementData};
use crate::api::context::{request, services};
use crate::api::objects::customer::Aging;
use crate::api::values::CustomerRef;
use crate::api::values::{Date, Money, optional_text, parse_currency, required_text};
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::auth::visible_to;
use crate::customers::{self, CustomerRow};
use crate::db::{self, TenantTx};
use crate::email::{self, OutgoingEmail};
use crate::error::{ApiResult, AppError, IntoApi};
use crate::identity::tokens;
use crate::startup::AppLinks;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::{Access, Permission};
use domain::aging::days_overdue;
use domain::statement::{EntryKind, check_period};
use domain::{EmailAddress, Locale, TenantId};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

const TOKEN_PREFIX: &str = "duely_stm_";
/// Invoices one answer may dispute.
const MAX_DISPUTED: usize = 100;
/// How long an emailed statement link works.
const LINK_DAYS: i32 = 30;

#[derive(SimpleObject, Clone)]
pub struct StatementLine {
    pub date: Date,
    pub kind: EntryKind,
    /// The invoice or credit note number, or the payment's reference.
    pub reference: String,
    pub debit: Option<Money>,
    pub credit: Option<Money>,
    /// What the customer owes after this line (negative: in credit).
    pub balance: Money,
}

#[derive(SimpleObject, Clone)]
pub struct StatementInvoice {
    pub number: Option<String>,
    pub issue_date: Date,
    pub due_date: Date,
    pub total: Money,
    /// Owed at the end of the period.
    pub balance: Money,
    pub days_overdue: i64,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum StatementAnswer {
    Confirmed,
    Disputed,
}

#[derive(SimpleObject, Clone)]
pub struct StatementResponse {
    pub answer: StatementAnswer,
    pub note: Option<String>,
    pub disputed_invoice_numbers: Vec<String>,
    pub responder_name: String,
    pub period_from: Date,
    pub period_to: Date,
    /// The closing balance the customer was shown when answering.
    pub closing_balance: Money,
    pub responded_at: DateTime<Utc>,
}

#[derive(SimpleObject, Clone)]
pub struct CustomerStatement {
    pub customer: CustomerRef,
    pub currency: String,
    pub from: Date,
    pub to: Date,
    pub opening_balance: Money,
    pub lines: Vec<StatementLine>,
    pub closing_balance: Money,
    /// What was owed at the end of the period, by age.
    pub aging: Aging,
    pub open_invoices: Vec<StatementInvoice>,
    /// The customer's answers to statements sent, newest first.
    pub responses: Vec<StatementResponse>,
}

fn shape(data: StatementData, responses: Vec<StatementResponse>) -> CustomerStatement {
    let currency = data.currency.clone();
    let money = |amount: Decimal| Money::new(amount, &currency);
    let to = data.statement.to;
    CustomerStatement {
        customer: CustomerRef {
            id: ID(data.customer.id.to_string()),
            code: data.customer.code.clone(),
            name: data.customer.name.clone(),
        },
        from: Date(data.statement.from),
        to: Date(to),
        opening_balance: money(data.statement.opening),
        lines: data
            .statement
            .lines
            .iter()
            .map(|line| StatementLine {
                date: Date(line.entry.date),
                kind: line.entry.kind,
                reference: line.entry.reference.clone(),
                debit: (line.debit > Decimal::ZERO).then(|| money(line.debit)),
                credit: (line.credit > Decimal::ZERO).then(|| money(line.credit)),
                balance: money(line.balance),
            })
            .collect(),
        closing_balance: money(data.statement.closing),
        aging: Aging {
            current: money(data.aging[0]),
            d1_to_30: money(data.aging[1]),
            d31_to_60: money(data.aging[2]),
            d61_to_90: money(data.aging[3]),
            over_90: money(data.aging[4]),
        },
        open_invoices: data
            .open_at_end
            .iter()
            .map(|invoice| StatementInvoice {
                number: invoice.number.clone(),
                issue_date: Date(invoice.issue_date),
                due_date: Date(invoice.due_date),
                total: money(invoice.total),
                balance: money(invoice.balance),
                days_overdue: days_overdue(invoice.due_date, to),
            })
            .collect(),
        responses,
        currency,
    }
}

#[derive(Debug, FromQueryResult)]
struct ResponseRow {
    response: String,
    note: Option<String>,
    disputed_numbers: Vec<String>,
    responder_name: String,
    period_from: NaiveDate,
    period_to: NaiveDate,
    closing_balance: Decimal,
    currency: String,
    responded_at: DateTime<Utc>,
}

async fn responses_of(
    conn: &impl ConnectionTrait,
    customer: Uuid,
    link: Option<Uuid>,
) -> Result<Vec<StatementResponse>, AppError> {
    let rows = ResponseRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT r.response, r.note, r.disputed_numbers, r.responder_name, l.period_from, l.period_to,
                r.closing_balance, l.currency::text AS currency, r.responded_at
         FROM statement_responses r JOIN statement_links l ON l.id = r.link_id
         WHERE r.customer_id = $1 AND ($2::uuid IS NULL OR r.link_id = $2)
         ORDER BY r.responded_at DESC LIMIT 50",
        [customer.into(), link.into()],
    ))
    .all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| StatementResponse {
            answer: if row.response == "DISPUTED" {
                StatementAnswer::Disputed
            } else {
                StatementAnswer::Confirmed
            },
            note: row.note,
            disputed_invoice_numbers: row.disputed_numbers,
            responder_name: row.responder_name,
            period_from: Date(row.period_from),
            period_to: Date(row.period_to),
            closing_balance: Money::new(row.closing_balance, &row.currency),
            responded_at: row.responded_at,
        })
        .collect())
}

/// The customer, if the caller may see it; `None` otherwise (and for ids of other tenants).
async fn visible_customer(
    tx: &TenantTx,
    caller: &Caller,
    access: Access,
    today: NaiveDate,
    id: &ID,
) -> Result<Option<CustomerRow>, AppError> {
    let Ok(id) = id.parse::<Uuid>() else {
        return Ok(None);
    };
    Ok(customers::load_customer(&**tx, today, id)
        .await?
        .filter(|row| visible_to(caller, access, row)))
}

/// A statement shows invoices and payments: reading one needs both, besides the customer. The
/// narrowest access wins (a collector sees their assigned customers' statements).
pub fn statement_access(caller: &Caller) -> Result<Access, AppError> {
    let accesses = [
        caller.authorize(Permission::ViewCustomers)?,
        caller.authorize(Permission::ViewInvoices)?,
        caller.authorize(Permission::ViewPayments)?,
    ];
    Ok(if accesses.contains(&Access::Assigned) {
        Access::Assigned
    } else {
        Access::All
    })
}

fn period(from: Date, to: Date) -> Result<(NaiveDate, NaiveDate), AppError> {
    check_period(from.0, to.0).map_err(|error| AppError::validation("to", error))?;
    Ok((from.0, to.0))
}

pub async fn customer_statement(
    db: &DatabaseConnection,
    caller: &Caller,
    customer_id: &ID,
    from: Date,
    to: Date,
    currency: Option<String>,
) -> Result<Option<CustomerStatement>, AppError> {
    let access = statement_access(caller)?;
    let tenant = caller.require_tenant()?;
    let (from, to) = period(from, to)?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let Some(customer) = visible_customer(&tx, caller, access, calendar.today, customer_id).await?
    else {
        return Ok(None);
    };
    let currency = match currency {
        Some(code) => parse_currency("currency", &code)?.code().to_owned(),
        None => customer.currency.code().to_owned(),
    };
    let id = customer.id;
    let data =
        store::load_statement(&*tx, customer, &currency, from, to, &calendar.time_zone).await?;
    let responses = responses_of(&*tx, id, None).await?;
    tx.commit().await?;
    Ok(Some(shape(data, responses)))
}

/// A statement in CSV for the REST download, with the same access rule as the query.
pub async fn statement_csv(
    db: &DatabaseConnection,
    caller: &Caller,
    customer_id: &ID,
    from: Date,
    to: Date,
) -> Result<Option<String>, AppError> {
    let statement = customer_statement(db, caller, customer_id, from, to, None).await?;
    Ok(statement.map(|statement| to_csv(&statement)))
}

/// A statement as PDF for the REST download, with the same access rule as the query; in the
/// company's language.
pub async fn statement_pdf(
    db: &DatabaseConnection,
    caller: &Caller,
    customer_id: &ID,
    from: Date,
    to: Date,
) -> Result<Option<Vec<u8>>, AppError> {
    let Some(statement) = customer_statement(db, caller, customer_id, from, to, None).await? else {
        return Ok(None);
    };
    let tenant = caller.require_tenant()?;
    let company = db::tenant_calendar(db, tenant).await?.name;
    let locale = company_locale(db, tenant).await?;
    Ok(Some(super::pdf::render(&statement, &company, locale)))
}

/// The PDF behind an emailed statement link.
pub async fn public_statement_pdf(
    db: &DatabaseConnection,
    token: &str,
) -> Result<Vec<u8>, AppError> {
    let (tx, link) = open_link(db, token).await?;
    tx.commit().await?;
    let public = public_statement(db, token).await?;
    let locale = company_locale(db, link.tenant).await?;
    Ok(super::pdf::render(
        &public.statement,
        &public.company_name,
        locale,
    ))
}

pub fn to_csv(statement: &CustomerStatement) -> String {
    let mut rows = vec![vec![
        "date".to_owned(),
        "kind".to_owned(),
        "reference".to_owned(),
        "debit".to_owned(),
        "credit".to_owned(),
        "balance".to_owned(),
        "currency".to_owned(),
    ]];
    rows.push(vec![
        statement.from.0.to_string(),
        "OPENING_BALANCE".to_owned(),
        String::new(),
        String::new(),
        String::new(),
        statement.opening_balance.amount.clone(),
        statement.currency.clone(),
    ]);
    for line in &statement.lines {
        rows.push(vec![
            line.date.0.to_string(),
            line.kind.as_str().to_owned(),
            line.reference.clone(),
            line.debit
                .as_ref()
                .map(|m| m.amount.clone())
                .unwrap_or_default(),
            line.credit
                .as_ref()
                .map(|m| m.amount.clone())
                .unwrap_or_default(),
            line.balance.amount.clone(),
            statement.currency.clone(),
        ]);
    }
    rows.push(vec![
        statement.to.0.to_string(),
        "CLOSING_BALANCE".to_owned(),
        String::new(),
        String::new(),
        String::new(),
        statement.closing_balance.amount.clone(),
        statement.currency.clone(),
    ]);
    crate::csv::write(&rows)
}

#[derive(InputObject)]
pub struct SendStatementInput {
    pub customer_id: ID,
    pub from: Date,
    pub to: Date,
    /// The customer's first contact with an email by default.
    pub email: Option<String>,
}

#[derive(SimpleObject)]
pub struct SendStatementPayload {
    pub sent_to: String,
    pub expires_at: DateTime<Utc>,
}

/// Records a link to the customer's statement for `from`..`to`, sent to `sent_to`, with the
/// closing balance it showed. Returns the token (shown once, stored only as a digest).
pub async fn issue_link(
    tx: &TenantTx,
    customer: CustomerRow,
    from: NaiveDate,
    to: NaiveDate,
    sent_to: &str,
    created_by: &str,
    time_zone: &str,
) -> Result<(String, DateTime<Utc>), AppError> {
    let customer_id = customer.id;
    let currency = customer.currency.code().to_owned();
    let closing = store::load_statement(&**tx, customer, &currency, from, to, time_zone)
        .await?
        .statement
        .closing;
    let token = format!(
        "{TOKEN_PREFIX}{}_{}",
        tx.tenant().0.simple(),
        tokens::new_secret("")?
    );
    let expires_at = Utc::now() + chrono::Duration::days(i64::from(LINK_DAYS));
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO statement_links (id, token_hash, customer_id, period_from, period_to, currency, sent_to, expires_at, created_by, closing_balance)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        [
            Uuid::now_v7().into(),
            tokens::digest(&token).into(),
            customer_id.into(),
            from.into(),
            to.into(),
            currency.into(),
            sent_to.to_owned().into(),
            expires_at.into(),
            created_by.to_owned().into(),
            closing.into(),
        ],
    ))
    .await?;
    Ok((token, expires_at))
}

/// A statement link for a dunning email: the last twelve months to `date`.
pub async fn dunning_link(
    tx: &TenantTx,
    customer_id: Uuid,
    date: NaiveDate,
    sent_to: &str,
    created_by: &str,
    time_zone: &str,
) -> Result<String, AppError> {
    let customer = customers::load_customer(&**tx, date, customer_id)
        .await?
        .ok_or_else(|| AppError::not_found("No such customer."))?;
    let from = date - chrono::Days::new(364);
    let (token, _) = issue_link(tx, customer, from, date, sent_to, created_by, time_zone).await?;
    Ok(token)
}

#[derive(Debug, FromQueryResult)]
struct ContactEmail {
    email: String,
}

pub async fn send_statement(
    db: &DatabaseConnection,
    caller: &Caller,
    links: &AppLinks,
    input: SendStatementInput,
    request_id: &str,
) -> Result<SendStatementPayload, AppError> {
    // Finance sends statements; collectors send them to the customers they work. Either way
    // the sender must be able to read what the statement shows.
    caller
        .authorize(Permission::ManageInvoices)
        .or_else(|_| caller.authorize(Permission::WorkCollections))?;
    let access = statement_access(caller)?;
    let tenant = caller.require_tenant()?;
    let (from, to) = period(input.from, input.to)?;
    let actor = audit::actor_of(db, caller).await?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let plan = crate::billing::plans::plan_in_force(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let customer = visible_customer(&tx, caller, access, calendar.today, &input.customer_id)
        .await?
        .ok_or_else(|| AppError::not_found("No such customer."))?;
    email::customer_email_allowed(&tx, plan).await?.admit()?;
    let to_address = match optional_text("input.email", input.email.as_deref(), 254)? {
        Some(address) => address,
        None => ContactEmail::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT email FROM customer_contacts WHERE customer_id = $1 AND email IS NOT NULL ORDER BY position LIMIT 1",
            [customer.id.into()],
        ))
        .one(&*tx)
        .await?
        .map(|row| row.email)
        .ok_or_else(|| {
            AppError::validation(
                "input.email",
                "the customer has no contact with an email; give one",
            )
        })?,
    };
    let to_address = EmailAddress::parse(&to_address)
        .map_err(|error| AppError::validation("input.email", error))?;
    if to > calendar.today {
        return Err(AppError::validation(
            "input.to",
            "a statement ends today at the latest",
        ));
    }
    // Statements go to the customer's own contacts; another address needs someone who may
    // change the customer's contacts anyway.
    let known = tx
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS found FROM customer_contacts WHERE customer_id = $1 AND lower(email) = $2",
            [customer.id.into(), to_address.as_str().to_owned().into()],
        ))
        .await?
        .is_some();
    if !known && caller.authorize(Permission::ManageCustomers).is_err() {
        return Err(AppError::validation(
            "input.email",
            "send to one of the customer's contacts; adding an address to the customer needs the customer-management permission",
        ));
    }
    let (token, expires_at) = issue_link(
        &tx,
        customer.clone(),
        from,
        to,
        to_address.as_str(),
        actor.label(),
        &calendar.time_zone,
    )
    .await?;
    let link = format!("{}/s/{}", links.public_url, email::SECRET_MARK);
    let locale: Locale = company_locale(db, tenant).await?;
    let (subject, text) = statement_email(locale, &calendar.name, &customer.name, from, to, &link);
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "statement.sent",
            entity_type: "customer",
            entity_id: Some(customer.id.to_string()),
            before: None,
            after: Some(serde_json::json!({
                "from": from.to_string(), "to": to.to_string(), "sentTo": to_address.as_str(),
            })),
            request_id: Some(request_id),
        },
    )
    .await?;
    email::enqueue_in_tenant(
        &tx,
        OutgoingEmail {
            tenant: Some(tenant),
            audience: email::Audience::Customer,
            to: to_address.as_str().to_owned(),
            subject,
            text,
            html: None,
            secret: Some(links.secret(token)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(SendStatementPayload {
        sent_to: to_address.as_str().to_owned(),
        expires_at,
    })
}

pub async fn company_locale(db: &DatabaseConnection, tenant: TenantId) -> Result<Locale, AppError> {
    Ok(db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT locale FROM public.tenants WHERE id = $1",
            [tenant.0.into()],
        ))
        .await?
        .and_then(|row| row.try_get::<String>("", "locale").ok())
        .and_then(|tag| tag.parse().ok())
        .unwrap_or_default())
}

fn statement_email(
    locale: Locale,
    company: &str,
    customer: &str,
    from: NaiveDate,
    to: NaiveDate,
    link: &str,
) -> (String, String) {
    match locale {
        Locale::ZhCn => (
            format!("{company} 对账单（{from} 至 {to}）"),
            format!(
                "{customer}，您好：\n\n{company} 发来 {from} 至 {to} 的对账单，请核对。\n\n\
                 查看并确认余额，或对有异议的发票提出争议：{link}\n\n该链接 {LINK_DAYS} 天内有效。\n\n{company}"
            ),
        ),
        Locale::En => (
            format!("Statement from {company}, {from} to {to}"),
            format!(
                "Dear {customer},\n\n{company} sends you your account statement for {from} to {to}.\n\n\
                 Review it and confirm the balance, or dispute any invoice: {link}\n\n\
                 The link works for {LINK_DAYS} days.\n\n{company}"
            ),
        ),
    }
}

/// A statement link's tenant and row, if the token is one of ours and has not expired.
struct Link {
    tenant: TenantId,
    id: Uuid,
    customer_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    currency: String,
    expires_at: DateTime<Utc>,
}

#[derive(Debug, FromQueryResult)]
struct LinkRow {
    id: Uuid,
    customer_id: Uuid,
    period_from: NaiveDate,
    period_to: NaiveDate,
    currency: String,
    expires_at: DateTime<Utc>,
}

fn link_not_found() -> AppError {
    AppError::not_found("This statement link is not valid or has expired; ask for a new one.")
}

async fn open_link(db: &DatabaseConnection, token: &str) -> Result<(TenantTx, Link), AppError> {
    let tenant = token
        .strip_prefix(TOKEN_PREFIX)
        .and_then(|rest| rest.split_once('_'))
        .and_then(|(tenant, _)| Uuid::parse_str(tenant).ok())
        .map(TenantId::from_uuid)
        .ok_or_else(link_not_found)?;
    let active = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS found FROM public.tenants WHERE id = $1 AND status = 'ACTIVE'",
            [tenant.0.into()],
        ))
        .await?
        .is_some();
    if !active {
        return Err(link_not_found());
    }
    let tx = TenantTx::begin(db, tenant).await?;
    let row = LinkRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id, customer_id, period_from, period_to, currency::text AS currency, expires_at
         FROM statement_links WHERE token_hash = $1 AND expires_at > now()",
        [tokens::digest(token).into()],
    ))
    .one(&*tx)
    .await?
    .ok_or_else(link_not_found)?;
    Ok((
        tx,
        Link {
            tenant,
            id: row.id,
            customer_id: row.customer_id,
            from: row.period_from,
            to: row.period_to,
            currency: row.currency,
            expires_at: row.expires_at,
        },
    ))
}

/// Whose statement a link shows: the company, the customer and the currency (for the pay
/// button). The transaction is the company's, left open for the caller.
pub async fn link_customer(
    db: &DatabaseConnection,
    token: &str,
) -> Result<(TenantTx, Uuid, String), AppError> {
    let (tx, link) = open_link(db, token).await?;
    Ok((tx, link.customer_id, link.currency))
}

/// What the customer sees from the emailed link.
#[derive(SimpleObject)]
pub struct PublicStatement {
    pub company_name: String,
    pub statement: CustomerStatement,
    pub expires_at: DateTime<Utc>,
    /// Whether the company takes payment online (its Stripe account is connected): the page
    /// then offers `payStatement`.
    pub can_pay_online: bool,
}

pub async fn public_statement(
    db: &DatabaseConnection,
    token: &str,
) -> Result<PublicStatement, AppError> {
    let (tx, link) = open_link(db, token).await?;
    let calendar = db::tenant_calendar(db, link.tenant).await?;
    let customer = customers::load_customer(&*tx, calendar.today, link.customer_id)
        .await?
        .ok_or_else(link_not_found)?;
    let data = store::load_statement(
        &*tx,
        customer,
        &link.currency,
        link.from,
        link.to,
        &calendar.time_zone,
    )
    .await?;
    let responses = responses_of(&*tx, link.customer_id, Some(link.id)).await?;
    let can_pay_online = tx
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT 1 AS found FROM stripe_account",
        ))
        .await?
        .is_some();
    tx.commit().await?;
    Ok(PublicStatement {
        company_name: calendar.name,
        statement: shape(data, responses),
        expires_at: link.expires_at,
        can_pay_online,
    })
}

#[derive(InputObject)]
pub struct RespondToStatementInput {
    /// The token from the statement link.
    pub token: String,
    pub answer: StatementAnswer,
    /// The responder's name, for the team.
    pub name: String,
    pub note: Option<String>,
    /// With `DISPUTED`: the invoices in question; each gets an open dispute for the team.
    pub disputed_invoice_numbers: Option<Vec<String>>,
}

#[derive(SimpleObject)]
pub struct RespondToStatementPayload {
    pub response: StatementResponse,
}

pub async fn respond_to_statement(
    db: &DatabaseConnection,
    input: RespondToStatementInput,
) -> Result<StatementResponse, AppError> {
    let name = required_text("input.name", &input.name, 200)?;
    let note = optional_text("input.note", input.note.as_deref(), 2000)?;
    let mut numbers: Vec<String> = Vec::new();
    for number in input.disputed_invoice_numbers.unwrap_or_default() {
        let number = number.trim().to_owned();
        if !number.is_empty() && !numbers.contains(&number) {
            numbers.push(number);
        }
    }
    if input.answer == StatementAnswer::Confirmed && !numbers.is_empty() {
        return Err(AppError::validation(
            "input.disputedInvoiceNumbers",
            "a confirmed statement disputes no invoices",
        ));
    }
    if numbers.len() > MAX_DISPUTED {
        return Err(AppError::validation(
            "input.disputedInvoiceNumbers",
            format!("at most {MAX_DISPUTED} invoices"),
        ));
    }
    if input.answer == StatementAnswer::Disputed && numbers.is_empty() && note.is_none() {
        return Err(AppError::validation(
            "input.note",
            "say what is wrong, or choose the invoices in question",
        ));
    }
    let (tx, link) = open_link(db, &input.token).await?;
    // One answer per statement sent: a second is refused rather than opening more disputes.
    let answered = tx
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS found FROM statement_responses WHERE link_id = $1",
            [link.id.into()],
        ))
        .await?
        .is_some();
    if answered {
        return Err(AppError::conflict(
            "input.token",
            "This statement has been answered already.",
        ));
    }
    // Disputed invoices must be this customer's open invoices on this statement (issued by its
    // end, in its currency) without an open dispute already. They are locked in the order every
    // writer locks (the customer, then its invoices by id), so an answer and a dunning run or a
    // payment never wait on each other.
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id FROM customers WHERE id = $1 FOR UPDATE",
        [link.customer_id.into()],
    ))
    .await?;
    let found = tx
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id, number, balance_due FROM invoices i
             WHERE number = ANY($1) AND customer_id = $2 AND currency = $3 AND status IN ('ISSUED', 'PARTIALLY_PAID')
               AND issue_date <= $4
               AND NOT EXISTS (SELECT 1 FROM disputes d WHERE d.invoice_id = i.id AND d.status = 'OPEN')
             ORDER BY id FOR UPDATE",
            [
                numbers.clone().into(),
                link.customer_id.into(),
                link.currency.clone().into(),
                link.to.into(),
            ],
        ))
        .await?;
    let mut by_number = std::collections::HashMap::with_capacity(found.len());
    for row in &found {
        by_number.insert(
            row.try_get::<String>("", "number")?,
            (
                row.try_get::<Uuid>("", "id")?,
                row.try_get::<Decimal>("", "balance_due")?,
            ),
        );
    }
    let mut disputed = Vec::with_capacity(numbers.len());
    for (index, number) in numbers.iter().enumerate() {
        let invoice = by_number.get(number).copied().ok_or_else(|| {
            AppError::validation(
                format!("input.disputedInvoiceNumbers[{index}]"),
                format!("{number} is not an open, undisputed invoice on this statement"),
            )
        })?;
        disputed.push(invoice);
    }
    let answer = match input.answer {
        StatementAnswer::Confirmed => "CONFIRMED",
        StatementAnswer::Disputed => "DISPUTED",
    };
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO statement_responses (id, link_id, customer_id, response, note, disputed_numbers, responder_name, closing_balance)
         VALUES ($1, $2, $3, $4, $5, string_to_array($6, chr(31)), $7,
                 (SELECT closing_balance FROM statement_links WHERE id = $2))",
        [
            Uuid::now_v7().into(),
            link.id.into(),
            link.customer_id.into(),
            answer.into(),
            note.clone().into(),
            numbers.join("\u{1f}").into(),
            name.clone().into(),
        ],
    ))
    .await?;
    let opened_by = format!("{name} (customer, via statement)");
    for (invoice, balance) in &disputed {
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO disputes (id, invoice_id, reason, amount, opened_by) VALUES ($1, $2, $3, $4, $5)",
            [
                Uuid::now_v7().into(),
                (*invoice).into(),
                note.clone()
                    .unwrap_or_else(|| "Disputed on the statement".to_owned())
                    .into(),
                (*balance).into(),
                opened_by.clone().into(),
            ],
        ))
        .await?;
    }
    audit::record(
        &*tx,
        link.tenant,
        AuditEntry {
            actor: audit::Actor::System,
            action: "statement.answered",
            entity_type: "customer",
            entity_id: Some(link.customer_id.to_string()),
            before: None,
            after: Some(serde_json::json!({
                "answer": answer, "by": name, "note": note, "disputedInvoices": numbers,
            })),
            request_id: None,
        },
    )
    .await?;
    let response = responses_of(&*tx, link.customer_id, Some(link.id))
        .await?
        .into_iter()
        .next()
        .ok_or_else(link_not_found)?;
    tx.commit().await?;
    Ok(response)
}

#[derive(Default)]
pub struct StatementsQuery;

#[Object]
impl StatementsQuery {
    /// A customer's statement for a period: opening balance, every movement with a running
    /// balance, closing balance, and what was owed at the end by age. `null` for a customer
    /// the caller cannot see.
    async fn customer_statement(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
        from: Date,
        to: Date,
        currency: Option<String>,
    ) -> ApiResult<Option<CustomerStatement>> {
        let (_, db) = services(ctx)?;
        customer_statement(db, &request(ctx)?.caller, &customer_id, from, to, currency)
            .await
            .api()
    }

    /// The statement behind an emailed link; no sign-in needed, nothing else reachable.
    async fn public_statement(
        &self,
        ctx: &Context<'_>,
        token: String,
    ) -> ApiResult<PublicStatement> {
        let (_, db) = services(ctx)?;
        public_statement(db, &token).await.api()
    }
}

#[derive(Default)]
pub struct StatementsMutation;

#[Object]
impl StatementsMutation {
    /// Emails the customer a link to their statement for the period (valid for 30 days).
    async fn send_statement(
        &self,
        ctx: &Context<'_>,
        input: SendStatementInput,
    ) -> ApiResult<SendStatementPayload> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        let links = ctx
            .data::<AppLinks>()
            .map_err(|_| AppError::Internal(anyhow::anyhow!("links missing")))
            .api()?;
        send_statement(db, &request.caller, links, input, &request.request_id)
            .await
            .api()
    }

    /// The customer's answer from the statement link: the balance is confirmed, or disputed
    /// (each invoice named gets an open dispute). No sign-in needed.
    async fn respond_to_statement(
        &self,
        ctx: &Context<'_>,
        input: RespondToStatementInput,
    ) -> ApiResult<RespondToStatementPayload> {
        let (_, db) = services(ctx)?;
        let response = respond_to_statement(db, input).await.api()?;
        Ok(RespondToStatementPayload { response })
    }
}
