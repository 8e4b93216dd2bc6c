//! Invoices as documents: the PDF (`GET /api/invoices/{id}.pdf`) and `sendInvoice`, which
//! emails it to the customer through the outbox, rendered at send time in the customer's
//! language, and logs the sending on the invoice's timeline.

use super::{InvoiceRecord, customer_visible, record_as_it_stands};
use crate::api::values::optional_text;
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::company_profile::service::{Letterhead, letterhead};
use crate::customers;
use crate::db::{self, TenantTx};
use crate::email::{self, Attachment, Enclosures, OutgoingEmail};
use crate::error::AppError;
use crate::invoices::errors::InvoiceError;
use crate::invoices::pdf::{self, BillTo};
use crate::payments::idempotency;
use crate::statements::store as contacts;
use domain::Locale;
use domain::access::{Access, Permission};
use domain::collections::{CollectionChannel, CollectionOutcome};
use domain::credentials::EmailAddress;
use domain::display::amount_string;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

/// Addresses in copy on one invoice email, at most.
pub const MAX_CC: usize = 5;
/// The sender's note to the customer, at most this many characters.
pub const MAX_MESSAGE: usize = 2_000;

/// What an invoice's document needs besides the invoice: the company's letterhead and who is
/// billed.
struct Document {
    invoice: InvoiceRecord,
    head: Letterhead,
    bill_to: BillTo,
    customer_locale: Option<Locale>,
}

async fn document(
    tx: &TenantTx,
    today: chrono::NaiveDate,
    company: &str,
    id: Uuid,
) -> Result<Document, AppError> {
    let invoice = record_as_it_stands(tx, today, id).await?;
    let customer = customers::load_customer(&**tx, today, invoice.row.customer_id)
        .await?
        .ok_or(InvoiceError::CustomerNotFound)?;
    Ok(Document {
        head: letterhead(&**tx, company).await?,
        bill_to: BillTo {
            name: customer.name,
            code: customer.code,
            tax_id: customer.tax_id,
            address: customer.billing_address,
        },
        customer_locale: customer.locale,
        invoice,
    })
}

fn file_name(invoice: &InvoiceRecord) -> String {
    let number = invoice.row.number.as_deref().unwrap_or("draft");
    // Numbers are letters, digits and `-/_.`; a slash would end the name early.
    format!("invoice-{}.pdf", number.replace(['/', '\\', '"'], "-"))
}

/// The PDF and its file name; the invoice comes back with them, for the caller's answer.
async fn render(
    document: Document,
    locale: Locale,
) -> Result<(String, Vec<u8>, InvoiceRecord), AppError> {
    let name = file_name(&document.invoice);
    let (bytes, invoice) = crate::pdf::render_off_thread(move || {
        pdf::render(&document.invoice, &document.head, &document.bill_to, locale)
            .map(|bytes| (bytes, document.invoice))
    })
    .await?;
    Ok((name, bytes, invoice))
}

/// The invoice's PDF and file name, when the caller may see the invoice (drafts too: a
/// proof before issuing), in the customer's language, else the company's.
pub async fn invoice_pdf(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Option<Uuid>,
) -> Result<(String, Vec<u8>), AppError> {
    let access = caller.authorize(Permission::ViewInvoices)?;
    let tenant = caller.require_tenant()?;
    let id = id.ok_or(InvoiceError::InvoiceNotFound)?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let company_locale = crate::statements::service::company_locale(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let row = super::store::load_invoice(&*tx, id, false)
        .await?
        .ok_or(InvoiceError::InvoiceNotFound)?;
    if !customer_visible(&tx, caller, access, calendar.today, row.customer_id).await? {
        return Err(InvoiceError::InvoiceNotFound.into());
    }
    let document = document(&tx, calendar.today, &calendar.name, id).await?;
    tx.commit().await?;
    let locale = document.customer_locale.unwrap_or(company_locale);
    let (name, bytes, _) = render(document, locale).await?;
    Ok((name, bytes))
}

/// An invoice to email.
#[derive(Debug, Clone)]
pub struct SendInvoice {
    pub invoice_id: Uuid,
    /// By default the customer's billing contacts (else its first contact with an email).
    pub email: Option<String>,
    pub cc: Vec<String>,
    /// A note from the sender, put above the invoice's summary.
    pub message: Option<String>,
    pub idempotency_key: Option<String>,
}

/// Where an invoice went.
pub struct InvoiceSent {
    pub sent_to: Vec<String>,
    pub invoice: InvoiceRecord,
}

/// Who may send invoices: finance, and collectors for the customers they work; either way
/// the sender must see the invoice.
fn send_access(caller: &Caller) -> Result<Access, AppError> {
    caller
        .authorize(Permission::ManageInvoices)
        .or_else(|_| caller.authorize(Permission::WorkCollections))?;
    caller.authorize(Permission::ViewInvoices)
}

fn address(field: String, raw: &str) -> Result<EmailAddress, AppError> {
    EmailAddress::parse(raw).map_err(|error| InvoiceError::Email { field, error }.into())
}

/// Emails the invoice's PDF to the customer through the outbox: rendered now, in the
/// recipient's language (their contact's, else the customer's, else the company's), with the
/// sender's note; logged as an EMAIL activity on the invoice's timeline and audited, in one
/// transaction. A retry with the same idempotency key returns the first sending.
pub async fn send_invoice(
    db: &DatabaseConnection,
    caller: &Caller,
    request: SendInvoice,
    request_id: &str,
) -> Result<InvoiceSent, AppError> {
    let access = send_access(caller)?;
    let tenant = caller.require_tenant()?;
    let key = idempotency::key_input(request.idempotency_key.as_deref())?;
    let given = optional_text("input.email", request.email.as_deref(), 254)?
        .map(|raw| address("input.email".to_owned(), &raw))
        .transpose()?;
    if request.cc.len() > MAX_CC {
        return Err(InvoiceError::TooManyCopies { max: MAX_CC }.into());
    }
    let cc = request
        .cc
        .iter()
        .enumerate()
        .map(|(index, raw)| address(format!("input.cc.{index}"), raw))
        .collect::<Result<Vec<_>, _>>()?;
    let message = optional_text("input.message", request.message.as_deref(), MAX_MESSAGE)?;
    let actor = audit::actor_of(db, caller).await?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let company_locale = crate::statements::service::company_locale(db, tenant).await?;
    let plan = crate::billing::plans::plan_in_force(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let row = super::store::load_invoice(&*tx, request.invoice_id, false)
        .await?
        .ok_or(InvoiceError::InvoiceNotFound)?;
    if !customer_visible(&tx, caller, access, calendar.today, row.customer_id).await? {
        return Err(InvoiceError::InvoiceNotFound.into());
    }
    // The customer's lock, as statements and the dunning run take it, serialises sendings
    // (and the key's replay) for one customer.
    contacts::lock_customer(&*tx, row.customer_id).await?;
    let digest = idempotency::digest(&[
        &request.invoice_id.to_string(),
        given.as_ref().map_or("", |address| address.as_str()),
        &cc.iter()
            .map(|address| address.as_str())
            .collect::<Vec<_>>()
            .join(","),
        message.as_deref().unwrap_or(""),
    ]);
    if let Some(key) = key.as_deref()
        && let Some(first) = idempotency::replay(&*tx, key, "sendInvoice", &digest).await?
    {
        let sent_to = super::store::sent_to_of(&*tx, first).await?;
        let invoice = record_as_it_stands(&tx, calendar.today, row.id).await?;
        tx.commit().await?;
        return Ok(InvoiceSent { sent_to, invoice });
    }
    if !row.status.is_sendable() {
        return Err(InvoiceError::NotSendable { status: row.status }.into());
    }
    // The addresses, each with its contact's language.
    let recipients: Vec<(EmailAddress, Option<Locale>)> = match given {
        Some(address) => {
            let locale = contacts::contact_locale(&*tx, row.customer_id, address.as_str()).await?;
            vec![(address, locale)]
        }
        None => contacts::statement_recipients(&*tx, row.customer_id)
            .await?
            .into_iter()
            .map(|recipient| {
                address("input.email".to_owned(), &recipient.email)
                    .map(|address| (address, recipient.locale))
            })
            .collect::<Result<_, _>>()?,
    };
    let Some((_, first_locale)) = recipients.first() else {
        return Err(InvoiceError::NoContactEmail.into());
    };
    let document = document(&tx, calendar.today, &calendar.name, row.id).await?;
    let locale = first_locale
        .or(document.customer_locale)
        .unwrap_or(company_locale);
    let company = document.head.name.clone();
    let customer = document.bill_to.name.clone();
    let (subject, text) = invoice_email(locale, &company, &customer, &row, message.as_deref());
    // The record the PDF was drawn from is the answer too: sending changes nothing on it.
    let (file_name, bytes, invoice) = render(document, locale).await?;
    let sent_to: Vec<String> = recipients
        .iter()
        .map(|(address, _)| address.as_str().to_owned())
        .collect();
    let copies: Vec<String> = cc
        .iter()
        .map(|address| address.as_str().to_owned())
        .collect();
    email::enqueue_customer_email_enclosing(
        &tx,
        plan,
        OutgoingEmail {
            tenant: Some(tenant),
            audience: email::Audience::Customer,
            to: sent_to.join(", "),
            subject,
            text,
            html: None,
            secret: None,
        },
        Enclosures {
            cc: copies.clone(),
            attachment: Some(Attachment {
                file_name,
                content_type: "application/pdf",
                bytes,
            }),
        },
    )
    .await?
    .admit()?;
    let send_id = Uuid::now_v7();
    super::store::insert_send(
        &*tx,
        super::store::NewSend {
            id: send_id,
            invoice_id: row.id,
            sent_to: &sent_to,
            cc: &copies,
            locale,
            sent_by: actor.label(),
        },
    )
    .await?;
    let number = row.number.clone().unwrap_or_default();
    let note = sending_note(
        company_locale,
        &number,
        &sent_to,
        &copies,
        message.as_deref(),
    );
    crate::collections::store::activities::insert_activity(
        &*tx,
        crate::collections::store::activities::NewActivityRow {
            id: send_id,
            customer_id: row.customer_id,
            channel: CollectionChannel::Email,
            outcome: CollectionOutcome::Other,
            note: Some(note),
            contact_name: None,
            location: None,
            occurred_at: chrono::Utc::now(),
            next_action_on: None,
            logged_by: match &actor {
                audit::Actor::User { id, .. } => Some(*id),
                _ => None,
            },
            logged_by_label: actor.label().to_owned(),
        },
    )
    .await?;
    crate::collections::store::activities::link_activity_invoice(&*tx, send_id, row.id).await?;
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "invoice.sent",
            entity_type: "invoice",
            entity_id: Some(row.id.to_string()),
            before: None,
            after: Some(serde_json::json!({
                "number": number, "sentTo": sent_to, "cc": copies, "locale": locale.tag(),
            })),
            request_id: Some(request_id),
        },
    )
    .await?;
    if let Some(key) = key.as_deref() {
        idempotency::remember(&*tx, key, "sendInvoice", &digest, send_id).await?;
    }
    tx.commit().await?;
    Ok(InvoiceSent { sent_to, invoice })
}

/// The timeline's line for a sending, in the company's language (the team reads it).
fn sending_note(
    locale: Locale,
    number: &str,
    sent_to: &[String],
    cc: &[String],
    message: Option<&str>,
) -> String {
    let to = sent_to.join(", ");
    let mut note = match (locale, cc.is_empty()) {
        (Locale::ZhCn, true) => format!("账单 {number} 已发送至 {to}"),
        (Locale::ZhCn, false) => format!("账单 {number} 已发送至 {to}，抄送 {}", cc.join(", ")),
        (Locale::En, true) => format!("Invoice {number} sent to {to}"),
        (Locale::En, false) => format!("Invoice {number} sent to {to}, cc {}", cc.join(", ")),
    };
    if let Some(message) = message {
        note.push_str("\n\n");
        note.push_str(message);
    }
    note
}

/// The email's subject and text in `locale`: the sender's note, what is due and by when, and
/// the request to quote the number with the payment.
fn invoice_email(
    locale: Locale,
    company: &str,
    customer: &str,
    row: &super::store::InvoiceRow,
    message: Option<&str>,
) -> (String, String) {
    let number = row.number.as_deref().unwrap_or("");
    let currency = row.currency.code();
    let total = domain::display::grouped(&amount_string(row.total, currency));
    let due = domain::display::grouped(&amount_string(row.balance_due, currency));
    let due_date = row.due_date;
    let note = message
        .map(|text| format!("{text}\n\n"))
        .unwrap_or_default();
    match locale {
        Locale::ZhCn => (
            format!("{company} 账单 {number}"),
            format!(
                "{customer}，您好：\n\n{note}附件为 {company} 的账单 {number}（PDF），\
                 价税合计 {total} {currency}，应付余额 {due} {currency}，到期日 {due_date}。\n\n\
                 转账时请在汇款附言中注明发票号 {number}，以便我们及时核销。\n\n{company}"
            ),
        ),
        Locale::En => (
            format!("Invoice {number} from {company}"),
            format!(
                "Dear {customer},\n\n{note}Attached is invoice {number} from {company} (PDF): \
                 total {total} {currency}, balance due {due} {currency}, due on {due_date}.\n\n\
                 Please quote {number} in your transfer's remark so we can match your payment.\n\n{company}"
            ),
        ),
    }
}
