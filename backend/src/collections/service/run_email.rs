//! A ladder's email step in the dunning run: to the customer's billing contacts (else its
//! first with an address), each in their language, with a statement link, through the outbox;
//! held back (the owner unverified, the day's limit reached) it becomes a task.

use super::plan::{Candidate, CustomerPlan};
use super::run::{Company, Done, RUN_LABEL, Templates, template_for};
use crate::collections::errors::template_reason;
use crate::collections::store::run as store;
use crate::db::TenantTx;
use crate::email::{self, OutgoingEmail};
use crate::error::AppError;
use chrono::NaiveDate;
use domain::dunning::{DueStep, StepAction};
use domain::messages::Text;
use domain::templates::{self, InvoiceLine};
use uuid::Uuid;

#[allow(clippy::too_many_arguments)]
pub(super) async fn send_email(
    tx: &TenantTx,
    company: &Company,
    templates: &Templates,
    run_id: Uuid,
    customer: &CustomerPlan<'_>,
    step: &DueStep,
    rows: &[&Candidate],
    date: NaiveDate,
    done: &mut Done,
) -> Result<Text, AppError> {
    let first = customer.first();
    // The billing contacts when the customer has any, else its first contact with an address.
    let contacts = store::contact_emails(&**tx, first.customer_id).await?;
    if contacts.is_empty() {
        // Nobody to write to: the collector finds an address (or another way) instead.
        done.task(run_id, first, step, rows, "EMAIL", date);
        return Ok(Text::RunEmailNoContact {});
    }
    let context = templates::Context {
        customer_name: first.name.clone(),
        customer_code: first.code.clone(),
        company_name: company.name.clone(),
        invoices: rows
            .iter()
            .map(|row| InvoiceLine {
                number: row.number.clone().unwrap_or_default(),
                due_date: row.due_date.to_string(),
                days_overdue: (date - row.due_date).num_days(),
                balance: row.balance.to_string(),
                currency: row.currency.code().to_owned(),
            })
            .collect(),
        pay_link: format!("{}/s/{}", company.links.public_url, email::SECRET_MARK),
        today: date.to_string(),
    };
    let mut sent: Vec<String> = Vec::with_capacity(contacts.len());
    for contact in &contacts {
        // The contact's own language, else the customer's, else the company's.
        let held = match company.emails_held.get() {
            Some(code) => Some(*code),
            None => {
                let locale = contact.locale.unwrap_or_else(|| company.locale_of(first));
                let link = crate::statements::service::dunning_link(
                    tx,
                    first.customer_id,
                    date,
                    &contact.email,
                    RUN_LABEL,
                    &company.time_zone,
                )
                .await?;
                let (subject, body) = template_for(
                    templates,
                    customer.ladder.id,
                    (step.step.offset_days, StepAction::SendEmail),
                    locale,
                );
                let rendered = templates::render(&subject, &body, locale, &context)
                    .map_err(|error| AppError::input("template", template_reason(&error)))?;
                // Whether it may go (the owner's address verified, the day's limit not
                // reached) is decided where it is written, in one step out of the tenant's role.
                let answer = email::enqueue_customer_email(
                    tx,
                    company.plan,
                    OutgoingEmail {
                        tenant: Some(company.tenant),
                        audience: email::Audience::Customer,
                        to: contact.email.clone(),
                        subject: rendered.subject,
                        text: rendered.text,
                        html: Some(rendered.html),
                        secret: Some(company.links.secret(link.clone())),
                    },
                )
                .await?;
                let code = answer.code();
                if let Some(code) = code {
                    // Nobody got the link made for it.
                    crate::statements::service::withdraw_link(tx, &link).await?;
                    let _ = company.emails_held.set(code);
                }
                code
            }
        };
        if let Some(code) = held {
            // Held back: the collector sends it another way, and the run names the customer
            // in its errors.
            done.task(run_id, first, step, rows, "EMAIL", date);
            done.counts.email_held = Some(code);
            if !sent.is_empty() {
                // Some billing contacts have it; the task covers the others.
                break;
            }
            return Ok(match code {
                domain::ErrorCode::EmailNotVerified => Text::RunEmailHeldUnverified {},
                _ => Text::RunEmailHeldLimit {},
            });
        }
        done.counts.emails += 1;
        sent.push(contact.email.clone());
    }
    Ok(Text::RunEmailSent {
        contact: sent.join(", "),
    })
}
