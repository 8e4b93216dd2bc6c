//! The statements use cases: statement (CSV, PDF), emailed link, public page, answer, dunning link.

use super::errors::StatementError;
use super::store::{self, LinkRow, NewLink, NewResponse, ResponseRow, StatementData};
use crate::api::values::optional_text;
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::auth::visible_to;
use crate::commands::Command;
use crate::customers::{self, CustomerRow};
use crate::db::{self, TenantTx};
use crate::email::{self, OutgoingEmail};
use crate::error::AppError;
use crate::identity::tokens;
use crate::startup::AppLinks;
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::{Access, Permission};
use domain::display::amount_string as amount_text;
use domain::statement::{StatementAnswer, check_period};
use domain::{Currency, EmailAddress, Locale, TenantId};
use rust_decimal::Decimal;
use sea_orm::{DatabaseConnection, DbErr};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

const TOKEN_PREFIX: &str = "duely_stm_";
/// Invoices one answer may dispute.
const MAX_DISPUTED: usize = 100;
/// How long an emailed statement link works.
const LINK_DAYS: i32 = 30;

/// A customer's statement for a period, with the customer's answers to statements sent,
/// newest first.
pub struct CustomerStatement {
    pub data: StatementData,
    pub responses: Vec<ResponseRow>,
}

/// The customer, if the caller may see it; `None` otherwise (and for ids of other tenants).
async fn visible_customer(
    tx: &TenantTx,
    caller: &Caller,
    access: Access,
    today: NaiveDate,
    id: Uuid,
) -> Result<Option<CustomerRow>, AppError> {
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

/// A statement's period, checked.
pub fn period(from: NaiveDate, to: NaiveDate) -> Result<(NaiveDate, NaiveDate), AppError> {
    check_period(from, to).map_err(StatementError::Period)?;
    Ok((from, to))
}

/// What a request for a statement is checked for before its customer is looked up, in this
/// order: that the caller may read statements, and the period. A caller holding a customer id
/// that is not an id checks these and then has no statement.
pub fn check_read(caller: &Caller, from: NaiveDate, to: NaiveDate) -> Result<(), AppError> {
    statement_access(caller)?;
    caller.require_tenant()?;
    period(from, to)?;
    Ok(())
}

pub async fn customer_statement(
    db: &DatabaseConnection,
    caller: &Caller,
    customer_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    currency: Option<Currency>,
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
        Some(currency) => currency.code().to_owned(),
        None => customer.currency.code().to_owned(),
    };
    let id = customer.id;
    let data =
        store::load_statement(&*tx, customer, &currency, from, to, &calendar.time_zone).await?;
    let responses = store::responses_of(&*tx, id, None).await?;
    tx.commit().await?;
    Ok(Some(CustomerStatement { data, responses }))
}

/// The statement of the customer a download's path names (`None` when the path holds no id)
/// in the customer's currency, with the same access rule as the query.
async fn downloaded_statement(
    db: &DatabaseConnection,
    caller: &Caller,
    customer_id: Option<Uuid>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Option<CustomerStatement>, AppError> {
    match customer_id {
        Some(customer_id) => customer_statement(db, caller, customer_id, from, to, None).await,
        None => check_read(caller, from, to).map(|()| None),
    }
}

/// A statement in CSV for the REST download, with the same access rule as the query.
pub async fn statement_csv(
    db: &DatabaseConnection,
    caller: &Caller,
    customer_id: Option<Uuid>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Option<String>, AppError> {
    let statement = downloaded_statement(db, caller, customer_id, from, to).await?;
    Ok(statement.map(|statement| to_csv(&statement.data)))
}

/// A statement as PDF for the REST download, with the same access rule as the query; in the
/// customer's language, else the company's.
pub async fn statement_pdf(
    db: &DatabaseConnection,
    caller: &Caller,
    customer_id: Option<Uuid>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Option<Vec<u8>>, AppError> {
    let Some(statement) = downloaded_statement(db, caller, customer_id, from, to).await? else {
        return Ok(None);
    };
    let tenant = caller.require_tenant()?;
    let company = db::tenant_calendar(db, tenant).await?.name;
    let locale = match statement.data.customer.locale {
        Some(locale) => locale,
        None => company_locale(db, tenant).await?,
    };
    let data = statement.data;
    let pdf =
        crate::pdf::render_off_thread(move || super::pdf::render(&data, &company, locale, None))
            .await?;
    Ok(Some(pdf))
}

/// The PDF behind an emailed statement link, in the language of the contact it was sent to,
/// else the customer's, else the company's.
pub async fn public_statement_pdf(
    db: &DatabaseConnection,
    token: &str,
) -> Result<Vec<u8>, AppError> {
    let (tx, link) = open_link(db, token).await?;
    let contact_locale = store::contact_locale(&*tx, link.customer_id, &link.sent_to).await?;
    tx.commit().await?;
    let public = public_statement(db, token).await?;
    let locale = match contact_locale.or(public.statement.data.customer.locale) {
        Some(locale) => locale,
        None => company_locale(db, link.tenant).await?,
    };
    let (data, company, reference) = (public.statement.data, public.company_name, public.reference);
    crate::pdf::render_off_thread(move || {
        super::pdf::render(&data, &company, locale, Some(&reference))
    })
    .await
}

pub fn to_csv(statement: &StatementData) -> String {
    let currency = &statement.currency;
    let shown = |amount: Decimal| amount_text(amount, currency);
    let shown_if_any = |amount: Decimal| {
        if amount > Decimal::ZERO {
            shown(amount)
        } else {
            String::new()
        }
    };
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
        statement.statement.from.to_string(),
        "OPENING_BALANCE".to_owned(),
        String::new(),
        String::new(),
        String::new(),
        shown(statement.statement.opening),
        currency.clone(),
    ]);
    for line in &statement.statement.lines {
        rows.push(vec![
            line.entry.date.to_string(),
            line.entry.kind.as_str().to_owned(),
            line.entry.reference.clone(),
            shown_if_any(line.debit),
            shown_if_any(line.credit),
            shown(line.balance),
            currency.clone(),
        ]);
    }
    rows.push(vec![
        statement.statement.to.to_string(),
        "CLOSING_BALANCE".to_owned(),
        String::new(),
        String::new(),
        String::new(),
        shown(statement.statement.closing),
        currency.clone(),
    ]);
    crate::csv::write(&rows)
}

/// Records a link to the customer's statement for `from`..`to`, sent to `sent_to`, with the
/// closing balance it showed. Returns the token (shown once, stored only as a digest), when the
/// link expires, and the statement's reference.
pub async fn issue_link(
    tx: &TenantTx,
    customer: CustomerRow,
    from: NaiveDate,
    to: NaiveDate,
    sent_to: &str,
    created_by: &str,
    time_zone: &str,
) -> Result<(String, DateTime<Utc>, String), AppError> {
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
    let reference = store::insert_link(
        &**tx,
        NewLink {
            token_hash: tokens::digest(&token),
            customer_id,
            from,
            to,
            currency,
            sent_to,
            expires_at,
            created_by,
            closing_balance: closing,
        },
    )
    .await?;
    Ok((token, expires_at, reference))
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
        .ok_or_else(|| AppError::from(StatementError::CustomerNotFound))?;
    let from = date - chrono::Days::new(364);
    let (token, _, _) =
        issue_link(tx, customer, from, date, sent_to, created_by, time_zone).await?;
    Ok(token)
}

/// Takes back a link just issued in `tx` whose email was held back: nobody received it, so it
/// is not kept as sent. (A link someone answered is never withdrawn: its responses refer to it.)
pub async fn withdraw_link(tx: &TenantTx, token: &str) -> Result<(), AppError> {
    store::delete_unanswered_link(&**tx, &tokens::digest(token)).await?;
    Ok(())
}

/// A statement to email the customer.
#[derive(Debug, Clone)]
pub struct SendStatement {
    pub customer_id: Uuid,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// By default the contacts who receive billing, when the customer has any; else its first
    /// contact with an email.
    pub email: Option<String>,
}

/// Where a statement went, and until when its link works.
#[derive(Debug, Clone)]
pub struct StatementSent {
    /// The address, or the addresses separated by `, ` when several billing contacts got it.
    pub sent_to: String,
    pub expires_at: DateTime<Utc>,
    /// Each recipient's statement reference (one link each), in the order of `sent_to`.
    pub references: Vec<String>,
}

/// Who may send statements: finance sends them; collectors send them to the customers they
/// work. Either way the sender must be able to read what the statement shows.
pub fn send_access(caller: &Caller) -> Result<Access, AppError> {
    caller
        .authorize(Permission::ManageInvoices)
        .or_else(|_| caller.authorize(Permission::WorkCollections))?;
    statement_access(caller)
}

pub async fn send_statement(
    db: &DatabaseConnection,
    caller: &Caller,
    links: &AppLinks,
    request: SendStatement,
    request_id: &str,
) -> Result<StatementSent, AppError> {
    let access = send_access(caller)?;
    let tenant = caller.require_tenant()?;
    let (from, to) = period(request.from, request.to)?;
    let actor = audit::actor_of(db, caller).await?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let plan = crate::billing::plans::plan_in_force(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let customer = visible_customer(&tx, caller, access, calendar.today, request.customer_id)
        .await?
        .ok_or_else(|| AppError::from(StatementError::CustomerNotFound))?;
    // The customer before the company's email lock, as the dunning run takes them: the two
    // never wait on each other.
    store::lock_customer(&*tx, customer.id).await?;
    email::customer_email_allowed(&tx, plan).await?.admit()?;
    // Each address with its contact's own language (none: the customer's).
    let recipients: Vec<(EmailAddress, Option<Locale>)> =
        match optional_text("input.email", request.email.as_deref(), 254)? {
            Some(address) => {
                let address = EmailAddress::parse(&address).map_err(StatementError::Email)?;
                let locale = store::contact_locale(&*tx, customer.id, address.as_str()).await?;
                vec![(address, locale)]
            }
            None => {
                let found = store::statement_recipients(&*tx, customer.id).await?;
                if found.is_empty() {
                    return Err(StatementError::NoContactEmail.into());
                }
                found
                    .into_iter()
                    .map(|recipient| {
                        EmailAddress::parse(&recipient.email)
                            .map(|address| (address, recipient.locale))
                            .map_err(StatementError::Email)
                    })
                    .collect::<Result<_, _>>()?
            }
        };
    if to > calendar.today {
        return Err(StatementError::EndsAfterToday {
            today: calendar.today,
        }
        .into());
    }
    // Statements go to the customer's own contacts; another address needs someone who may
    // change the customer's contacts anyway.
    if request.email.is_some() {
        for (address, _) in &recipients {
            let known = store::is_contact_email(&*tx, customer.id, address.as_str()).await?;
            if !known && caller.authorize(Permission::ManageCustomers).is_err() {
                return Err(StatementError::NotAContact.into());
            }
        }
    }
    let link = format!("{}/s/{}", links.public_url, email::SECRET_MARK);
    let company_language: Locale = company_locale(db, tenant).await?;
    let mut sent_to: Vec<String> = Vec::with_capacity(recipients.len());
    let mut references: Vec<String> = Vec::with_capacity(recipients.len());
    let mut expires = None;
    for (index, (address, contact_locale)) in recipients.iter().enumerate() {
        if index > 0 {
            // One more email to a customer: within the day's limit too, or none goes.
            email::customer_email_allowed(&tx, plan).await?.admit()?;
        }
        let (token, expires_at, reference) = issue_link(
            &tx,
            customer.clone(),
            from,
            to,
            address.as_str(),
            actor.label(),
            &calendar.time_zone,
        )
        .await?;
        // The contact's own language, else the customer's, else the company's.
        let locale = contact_locale
            .or(customer.locale)
            .unwrap_or(company_language);
        let (subject, text) = statement_email(
            locale,
            &calendar.name,
            &customer.name,
            (from, to),
            &reference,
            &link,
        );
        audit::record(
            &*tx,
            tenant,
            AuditEntry {
                actor: actor.clone(),
                action: "statement.sent",
                entity_type: "customer",
                entity_id: Some(customer.id.to_string()),
                before: None,
                after: Some(serde_json::json!({
                    "from": from.to_string(), "to": to.to_string(), "sentTo": address.as_str(),
                    "reference": reference,
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
                to: address.as_str().to_owned(),
                subject,
                text,
                html: None,
                secret: Some(links.secret(token)),
            },
        )
        .await?;
        sent_to.push(address.as_str().to_owned());
        references.push(reference);
        expires = Some(expires_at);
    }
    tx.commit().await?;
    Ok(StatementSent {
        sent_to: sent_to.join(", "),
        expires_at: expires.unwrap_or_else(Utc::now),
        references,
    })
}

/// The company's language, for what it sends its customers and the documents it prints.
pub async fn company_locale(db: &DatabaseConnection, tenant: TenantId) -> Result<Locale, AppError> {
    Ok(store::company_locale(db, tenant)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("tenant".to_owned()))?)
}

fn statement_email(
    locale: Locale,
    company: &str,
    customer: &str,
    (from, to): (NaiveDate, NaiveDate),
    reference: &str,
    link: &str,
) -> (String, String) {
    match locale {
        Locale::ZhCn => (
            format!("{company} 对账单 {reference}（{from} 至 {to}）"),
            format!(
                "{customer}，您好：\n\n{company} 发来 {from} 至 {to} 的对账单（对账单号 {reference}），请核对。\n\n\
                 查看并确认余额，或对有异议的发票提出争议：{link}\n\n该链接 {LINK_DAYS} 天内有效。\n\n\
                 按对账单付款时，请在汇款附言中注明对账单号 {reference}。\n\n{company}"
            ),
        ),
        Locale::En => (
            format!("Statement {reference} from {company}, {from} to {to}"),
            format!(
                "Dear {customer},\n\n{company} sends you your account statement {reference} for {from} to {to}.\n\n\
                 Review it and confirm the balance, or dispute any invoice: {link}\n\n\
                 The link works for {LINK_DAYS} days.\n\n\
                 When you pay this statement, please quote {reference} in the payment's remittance information.\n\n{company}"
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
    currency: Currency,
    expires_at: DateTime<Utc>,
    /// The address it was sent to.
    sent_to: String,
    reference: String,
}

fn link_not_found() -> AppError {
    StatementError::LinkInvalid.into()
}

async fn open_link(db: &DatabaseConnection, token: &str) -> Result<(TenantTx, Link), AppError> {
    let tenant = token
        .strip_prefix(TOKEN_PREFIX)
        .and_then(|rest| rest.split_once('_'))
        .and_then(|(tenant, _)| Uuid::parse_str(tenant).ok())
        .map(TenantId::from_uuid)
        .ok_or_else(link_not_found)?;
    if !store::tenant_active(db, tenant).await? {
        return Err(link_not_found());
    }
    let tx = TenantTx::begin(db, tenant).await?;
    let row: LinkRow = store::live_link(&*tx, tokens::digest(token))
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
            sent_to: row.sent_to,
            reference: row.reference,
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
    Ok((tx, link.customer_id, link.currency.code().to_owned()))
}

/// What the customer sees from the emailed link.
pub struct PublicStatement {
    pub company_name: String,
    pub statement: CustomerStatement,
    pub expires_at: DateTime<Utc>,
    /// Whether the company takes payment online (its Stripe account is connected).
    pub can_pay_online: bool,
    /// What the customer quotes when paying it.
    pub reference: String,
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
        link.currency.code(),
        link.from,
        link.to,
        &calendar.time_zone,
    )
    .await?;
    let responses = store::responses_of(&*tx, link.customer_id, Some(link.id)).await?;
    let can_pay_online = store::takes_payment_online(&*tx).await?;
    tx.commit().await?;
    Ok(PublicStatement {
        company_name: calendar.name,
        statement: CustomerStatement { data, responses },
        expires_at: link.expires_at,
        can_pay_online,
        reference: link.reference,
    })
}

/// The customer's answer to a statement sent: the balance is confirmed, or disputed (each
/// invoice named gets an open dispute for the team). The link's token, which says which
/// statement, travels beside it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RespondToStatement {
    pub answer: StatementAnswer,
    /// The responder's name, checked.
    pub name: String,
    /// Checked.
    pub note: Option<String>,
    /// As sent: blanks and repeats are dropped here.
    pub disputed_invoice_numbers: Vec<String>,
}

impl Command for RespondToStatement {
    const KIND: &'static str = "statements.respond";
    const VERSION: u32 = 1;
}

pub async fn respond_to_statement(
    db: &DatabaseConnection,
    token: &str,
    command: RespondToStatement,
) -> Result<ResponseRow, AppError> {
    let RespondToStatement {
        answer,
        name,
        note,
        disputed_invoice_numbers,
    } = command;
    let mut numbers: Vec<String> = Vec::new();
    for number in disputed_invoice_numbers {
        let number = number.trim().to_owned();
        if !number.is_empty() && !numbers.contains(&number) {
            numbers.push(number);
        }
    }
    if answer == StatementAnswer::Confirmed && !numbers.is_empty() {
        return Err(StatementError::ConfirmedWithDisputes.into());
    }
    if numbers.len() > MAX_DISPUTED {
        return Err(StatementError::TooManyDisputed { max: MAX_DISPUTED }.into());
    }
    if answer == StatementAnswer::Disputed && numbers.is_empty() && note.is_none() {
        return Err(StatementError::DisputeUnexplained.into());
    }
    let (tx, link) = open_link(db, token).await?;
    // One answer per statement sent: a second is refused rather than opening more disputes.
    if store::link_answered(&*tx, link.id).await? {
        return Err(StatementError::AlreadyAnswered.into());
    }
    // Disputed invoices must be this customer's open invoices on this statement (issued by its
    // end, in its currency) without an open dispute already. They are locked in the order every
    // writer locks (the customer, then its invoices by id), so an answer and a dunning run or a
    // payment never wait on each other.
    store::lock_customer(&*tx, link.customer_id).await?;
    let found =
        store::lock_disputable(&*tx, &numbers, link.customer_id, link.currency, link.to).await?;
    let mut by_number = std::collections::HashMap::with_capacity(found.len());
    for row in found {
        by_number.insert(row.number, (row.id, row.balance_due));
    }
    let mut disputed = Vec::with_capacity(numbers.len());
    for (index, number) in numbers.iter().enumerate() {
        let invoice = by_number.get(number).copied().ok_or_else(|| {
            AppError::from(StatementError::NotDisputable {
                index,
                number: number.clone(),
            })
        })?;
        disputed.push(invoice);
    }
    store::insert_response(
        &*tx,
        NewResponse {
            link_id: link.id,
            customer_id: link.customer_id,
            answer,
            note: note.clone(),
            disputed_numbers: &numbers,
            responder_name: &name,
        },
    )
    .await?;
    let opened_by = format!("{name} (customer, via statement)");
    for (invoice, balance) in &disputed {
        store::insert_dispute(
            &*tx,
            *invoice,
            note.clone()
                .unwrap_or_else(|| "Disputed on the statement".to_owned()),
            *balance,
            &opened_by,
        )
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
                "answer": answer.as_str(), "by": name, "note": note, "disputedInvoices": numbers,
            })),
            request_id: None,
        },
    )
    .await?;
    let response = store::responses_of(&*tx, link.customer_id, Some(link.id))
        .await?
        .into_iter()
        .next()
        .ok_or_else(link_not_found)?;
    tx.commit().await?;
    Ok(response)
}
