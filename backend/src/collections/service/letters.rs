//! Letters: a ladder's letter step makes a demand letter (催款函) from the step's template; a
//! legal case drafts a lawyer's letter (律师函); both are listed for printing, downloaded as
//! PDFs on the company's letterhead, and recorded mailed with the carrier's tracking number,
//! which a LETTER activity on the customer's timeline keeps as proof of delivery.

use super::{Page, PageRequest};
use crate::audit::{self, Actor, AuditEntry};
use crate::auth::{Caller, visible_to};
use crate::collections::CollectionError;
use crate::collections::store::activities::{self as activity_store, NewActivityRow};
use crate::collections::store::letters::{self as store, LetterFilter, LetterRow, NewLetter};
use crate::collections::store::plan::Candidate;
use crate::customers;
use crate::db::{self, TenantTx};
use crate::error::AppError;
use chrono::NaiveDate;
use domain::Locale;
use domain::access::{Access, Permission};
use domain::collections::{CollectionChannel, CollectionOutcome};
use domain::letters::LetterKind;
use domain::templates::{self, Context, InvoiceLine};
use rust_decimal::Decimal;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

/// Reading and printing letters: those who work collections (their own customers) or
/// manage dunning.
pub fn may_read(caller: &Caller) -> Result<Access, AppError> {
    caller
        .authorize(Permission::ManageDunning)
        .or_else(|_| caller.authorize(Permission::WorkCollections))
}

/// What a letter claims, one line per invoice.
fn invoice_lines(
    rows: &[(Option<String>, NaiveDate, Decimal, String)],
    date: NaiveDate,
) -> Vec<InvoiceLine> {
    rows.iter()
        .map(|(number, due_date, balance, currency)| InvoiceLine {
            number: number.clone().unwrap_or_default(),
            due_date: due_date.to_string(),
            days_overdue: (date - *due_date).num_days(),
            balance: balance.to_string(),
            currency: currency.clone(),
        })
        .collect()
}

/// A letter step's letter for one customer, from the step's template (`subject` is its title).
pub struct RunLetter<'a> {
    pub run_id: Uuid,
    pub step_offset: i32,
    pub company_name: &'a str,
    pub public_url: &'a str,
    pub locale: Locale,
    pub template: (String, String),
    pub rows: &'a [&'a Candidate],
    pub date: NaiveDate,
    pub created_by: &'a str,
}

/// Makes a letter step's letter in the run's transaction; `false` when this run made it
/// already.
pub async fn make_for_run(tx: &TenantTx, letter: RunLetter<'_>) -> Result<bool, AppError> {
    let Some(first) = letter.rows.first() else {
        return Ok(false);
    };
    let lines: Vec<_> = letter
        .rows
        .iter()
        .map(|row| {
            (
                row.number.clone(),
                row.due_date,
                row.balance,
                row.currency.code().to_owned(),
            )
        })
        .collect();
    let context = Context {
        customer_name: first.name.clone(),
        customer_code: first.code.clone(),
        company_name: letter.company_name.to_owned(),
        invoices: invoice_lines(&lines, letter.date),
        // A printed letter carries no link's secret: the company's address at most.
        pay_link: letter.public_url.to_owned(),
        today: letter.date.to_string(),
    };
    let (title, body) = &letter.template;
    let rendered = templates::render(title, body, letter.locale, &context).map_err(|error| {
        AppError::input(
            "template",
            crate::collections::errors::template_reason(&error),
        )
    })?;
    let ids: Vec<Uuid> = letter.rows.iter().map(|row| row.invoice_id).collect();
    Ok(store::insert_letter(
        &**tx,
        NewLetter {
            id: Uuid::now_v7(),
            customer_id: first.customer_id,
            kind: LetterKind::Demand,
            run_id: Some(letter.run_id),
            step_offset: Some(letter.step_offset),
            legal_case_id: None,
            locale: letter.locale,
            title: &rendered.subject,
            body: &rendered.text,
            invoice_ids: &ids,
            letter_date: letter.date,
            deadline: templates::deadline(&context.today).unwrap_or(letter.date),
            created_by: letter.created_by,
        },
    )
    .await?)
}

/// Drafts the lawyer's letter (律师函) of a legal case, in the customer's language (else the
/// company's), claiming what its invoices still owe (permission MANAGE_DUNNING).
pub async fn draft_lawyer_letter(
    db: &DatabaseConnection,
    caller: &Caller,
    case_id: Uuid,
    request_id: &str,
) -> Result<LetterRow, AppError> {
    super::legal::may_manage(caller)?;
    let tenant = caller.require_tenant()?;
    let actor = audit::actor_of(db, caller).await?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let company_locale = crate::statements::service::company_locale(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let case = super::legal::case_by_id(&*tx, case_id).await?;
    let customer = customers::load_customer(&*tx, calendar.today, case.row.customer_id)
        .await?
        .ok_or(CollectionError::CustomerNotFound)?;
    let ids: Vec<Uuid> = case.invoices.iter().map(|invoice| invoice.id).collect();
    let owed = crate::collections::store::legal::owed_invoices(&*tx, &ids).await?;
    if owed.is_empty() {
        return Err(CollectionError::LetterNothingOverdue.into());
    }
    let locale = customer.locale.unwrap_or(company_locale);
    let head = crate::company_profile::service::letterhead(&*tx, &calendar.name).await?;
    let lines: Vec<_> = owed
        .iter()
        .map(|row| {
            (
                row.number.clone(),
                row.due_date,
                row.balance_due,
                row.currency.code().to_owned(),
            )
        })
        .collect();
    let context = Context {
        customer_name: customer.name.clone(),
        customer_code: customer.code.clone(),
        company_name: head.name.clone(),
        invoices: invoice_lines(&lines, calendar.today),
        pay_link: String::new(),
        today: calendar.today.to_string(),
    };
    let (title, body) = templates::lawyer_letter(locale);
    let rendered = templates::render(title, body, locale, &context).map_err(|error| {
        AppError::input(
            "template",
            crate::collections::errors::template_reason(&error),
        )
    })?;
    let id = Uuid::now_v7();
    let claimed: Vec<Uuid> = owed.iter().map(|row| row.id).collect();
    store::insert_letter(
        &*tx,
        NewLetter {
            id,
            customer_id: customer.id,
            kind: LetterKind::LawyerDraft,
            run_id: None,
            step_offset: None,
            legal_case_id: Some(case_id),
            locale,
            title: &rendered.subject,
            body: &rendered.text,
            invoice_ids: &claimed,
            letter_date: calendar.today,
            deadline: templates::deadline(&context.today).unwrap_or(calendar.today),
            created_by: actor.label(),
        },
    )
    .await?;
    audit_letter(&tx, tenant, actor, "letter.drafted", id, request_id).await?;
    let letter = store::letter(&*tx, id, false)
        .await?
        .ok_or(CollectionError::LetterNotFound)?;
    tx.commit().await?;
    Ok(letter)
}

async fn audit_letter(
    tx: &TenantTx,
    tenant: domain::TenantId,
    actor: Actor,
    action: &'static str,
    id: Uuid,
    request_id: &str,
) -> Result<(), AppError> {
    let after = store::letter(&**tx, id, false).await?.map(|letter| {
        serde_json::json!({
            "kind": letter.kind.as_str(), "customerId": letter.customer_id.to_string(),
            "title": letter.title, "invoices": letter.invoice_numbers,
            "mailedOn": letter.mailed_on.map(|day| day.to_string()),
            "trackingNumber": letter.tracking_number,
        })
    });
    audit::record(
        &**tx,
        tenant,
        AuditEntry {
            actor,
            action,
            entity_type: "letter",
            entity_id: Some(id.to_string()),
            before: None,
            after,
            request_id: Some(request_id),
        },
    )
    .await?;
    Ok(())
}

/// Letters the caller may see, newest first: the print list with `status: TO_PRINT`.
pub async fn list_letters(
    db: &DatabaseConnection,
    caller: &Caller,
    request: &PageRequest,
    filter: LetterFilter,
    wants_total: bool,
) -> Result<Page<LetterRow>, AppError> {
    let access = may_read(caller)?;
    let tenant = caller.require_tenant()?;
    let tx = TenantTx::begin(db, tenant).await?;
    let (rows, total) = store::page(&tx, caller, access, &filter, request, wants_total).await?;
    tx.commit().await?;
    Ok(request.page(rows, total, |row| vec![row.id.to_string()]))
}

/// One letter the caller may see, in `tx`.
async fn visible_letter(
    tx: &TenantTx,
    caller: &Caller,
    access: Access,
    today: NaiveDate,
    id: Uuid,
    lock: bool,
) -> Result<LetterRow, AppError> {
    let letter = store::letter(&**tx, id, lock)
        .await?
        .ok_or(CollectionError::LetterNotFound)?;
    if access != Access::All {
        let visible = customers::load_customer(&**tx, today, letter.customer_id)
            .await?
            .is_some_and(|row| visible_to(caller, access, &row));
        if !visible {
            return Err(CollectionError::LetterNotFound.into());
        }
    }
    Ok(letter)
}

/// A letter recorded mailed.
#[derive(Debug, Clone)]
pub struct MarkMailed {
    pub letter_id: Uuid,
    pub tracking_number: String,
    /// Today by default; never after it.
    pub mailed_on: Option<NaiveDate>,
}

/// Records a letter mailed with the carrier's tracking number: a LETTER activity on the
/// customer's timeline (linked to the letter's invoices) keeps the number as proof of
/// delivery; audited; once per letter.
pub async fn mark_mailed(
    db: &DatabaseConnection,
    caller: &Caller,
    input: MarkMailed,
    request_id: &str,
) -> Result<LetterRow, AppError> {
    let access = may_read(caller)?;
    let tenant = caller.require_tenant()?;
    let tracking = domain::letters::tracking_number(&input.tracking_number)
        .ok_or(CollectionError::TrackingNumber)?;
    let actor = audit::actor_of(db, caller).await?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let company_locale = crate::statements::service::company_locale(db, tenant).await?;
    let mailed_on = input.mailed_on.unwrap_or(calendar.today);
    if mailed_on > calendar.today {
        return Err(CollectionError::MailedInFuture {
            today: calendar.today,
        }
        .into());
    }
    let tx = TenantTx::begin(db, tenant).await?;
    let letter = visible_letter(&tx, caller, access, calendar.today, input.letter_id, true).await?;
    if let Some(mailed_on) = letter.mailed_on {
        return Err(CollectionError::LetterAlreadyMailed { mailed_on }.into());
    }
    let activity_id = Uuid::now_v7();
    let note = match company_locale {
        Locale::ZhCn => format!("「{}」已寄出，快递单号 {tracking}", letter.title),
        Locale::En => format!("“{}” mailed, tracking number {tracking}", letter.title),
    };
    let occurred_at = mailed_on
        .and_hms_opt(12, 0, 0)
        .map(|noon| noon.and_utc())
        .filter(|at| *at < chrono::Utc::now())
        .unwrap_or_else(chrono::Utc::now);
    activity_store::insert_activity(
        &*tx,
        NewActivityRow {
            id: activity_id,
            customer_id: letter.customer_id,
            channel: CollectionChannel::Letter,
            outcome: CollectionOutcome::Other,
            note: Some(note),
            contact_name: None,
            location: None,
            occurred_at,
            next_action_on: None,
            logged_by: match &actor {
                Actor::User { id, .. } => Some(*id),
                _ => None,
            },
            logged_by_label: actor.label().to_owned(),
        },
    )
    .await?;
    for invoice in &letter.invoice_ids {
        activity_store::link_activity_invoice(&*tx, activity_id, *invoice).await?;
    }
    store::set_activity_tracking(&*tx, activity_id, &tracking).await?;
    store::mark_mailed(
        &*tx,
        letter.id,
        mailed_on,
        &tracking,
        actor.label(),
        activity_id,
    )
    .await?;
    audit_letter(&tx, tenant, actor, "letter.mailed", letter.id, request_id).await?;
    let letter = store::letter(&*tx, letter.id, false)
        .await?
        .ok_or(CollectionError::LetterNotFound)?;
    tx.commit().await?;
    Ok(letter)
}

/// A letter's PDF and file name, when the caller may see it.
pub async fn letter_pdf(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Option<Uuid>,
) -> Result<(String, Vec<u8>), AppError> {
    let access = may_read(caller)?;
    let tenant = caller.require_tenant()?;
    let id = id.ok_or(CollectionError::LetterNotFound)?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let letter = visible_letter(&tx, caller, access, calendar.today, id, false).await?;
    let head = crate::company_profile::service::letterhead(&*tx, &calendar.name).await?;
    tx.commit().await?;
    let file_name = format!(
        "letter-{}-{}.pdf",
        letter.customer_code.replace(['/', '\\', '"'], "-"),
        letter.letter_date
    );
    let bytes = crate::pdf::render_off_thread(move || {
        crate::collections::letter_pdf::render(&letter, &head)
    })
    .await?;
    Ok((file_name, bytes))
}
