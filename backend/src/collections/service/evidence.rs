//! The evidence pack of a legal case (`GET /api/legal-cases/{id}/evidence.zip`): the case, the
//! statement as PDF and CSV, the collection log as PDF, and the invoices, activity log and
//! promises as CSV, in one zip.

use super::legal::{case_by_id, may_read};
use crate::auth::{Caller, visible_to};
use crate::collections::CollectionError;
use crate::collections::store::legal as store;
use crate::customers;
use crate::db::{self, TenantTx};
use crate::error::AppError;
use domain::Currency;
use rust_decimal::Decimal;
use sea_orm::DatabaseConnection;
use std::io::Write;
use uuid::Uuid;

/// An amount as the API shows it, by the domain's one money rule.
fn amount_text(amount: Decimal, currency: Currency) -> String {
    domain::Money::new(amount, currency).amount_text()
}

/// The evidence pack of a case: `(file name, zip bytes)`.
pub async fn evidence_pack(
    db: &DatabaseConnection,
    caller: &Caller,
    case_id: &str,
) -> Result<(String, Vec<u8>), AppError> {
    let access = may_read(caller)?;
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let not_found = || AppError::from(CollectionError::LegalCaseNotFound);
    let id = case_id.parse::<Uuid>().map_err(|_| not_found())?;
    let tx = TenantTx::begin(db, tenant).await?;
    let case = case_by_id(&*tx, id).await.map_err(|_| not_found())?.row;
    let customer = customers::load_customer(&*tx, calendar.today, case.customer_id)
        .await?
        .filter(|row| visible_to(caller, access, row))
        .ok_or_else(not_found)?;
    let mut invoices = vec![vec![
        "number".to_owned(),
        "issue_date".to_owned(),
        "due_date".to_owned(),
        "currency".to_owned(),
        "total".to_owned(),
        "paid".to_owned(),
        "credited".to_owned(),
        "balance_due".to_owned(),
        "status".to_owned(),
        "in_case".to_owned(),
    ]];
    let mut earliest = case.opened_on;
    for row in store::evidence_invoices(&*tx, customer.id, id).await? {
        if row.in_case {
            earliest = earliest.min(row.issue_date);
        }
        invoices.push(vec![
            row.number.unwrap_or_default(),
            row.issue_date.to_string(),
            row.due_date.to_string(),
            row.currency.code().to_owned(),
            row.total.normalize().to_string(),
            row.amount_paid.normalize().to_string(),
            row.amount_credited.normalize().to_string(),
            row.balance_due.normalize().to_string(),
            row.status.as_str().to_owned(),
            if row.in_case { "yes" } else { "no" }.to_owned(),
        ]);
    }
    let mut activities = vec![
        [
            "occurred_at",
            "channel",
            "outcome",
            "contact",
            "location",
            "note",
            "logged_by",
            "invoices",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for row in store::evidence_activities(&*tx, customer.id).await? {
        activities.push(vec![
            row.occurred_at.to_rfc3339(),
            row.channel.as_str().to_owned(),
            row.outcome.as_str().to_owned(),
            row.contact_name.unwrap_or_default(),
            row.location.unwrap_or_default(),
            row.note.unwrap_or_default(),
            row.logged_by_label,
            row.invoices,
        ]);
    }
    let mut promises = vec![
        [
            "made_at",
            "promised_date",
            "amount",
            "currency",
            "status",
            "paid",
            "promised_by",
            "logged_by",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for row in store::evidence_promises(&*tx, customer.id).await? {
        promises.push(vec![
            row.created_at.to_rfc3339(),
            row.promised_date.to_string(),
            row.amount.normalize().to_string(),
            row.currency.code().to_owned(),
            row.status.as_str().to_owned(),
            row.paid_amount.normalize().to_string(),
            row.promised_by.unwrap_or_default(),
            row.logged_by_label,
        ]);
    }
    tx.commit().await?;
    let statement = crate::statements::service::customer_statement(
        db,
        caller,
        case.customer_id,
        earliest,
        calendar.today,
        None,
    )
    .await?
    .ok_or_else(not_found)?;
    let locale = crate::statements::service::company_locale(db, tenant).await?;
    let statement_csv = crate::statements::service::to_csv(&statement.data);
    let case_summary = crate::csv::write(&[
        [
            "case",
            "customer_code",
            "customer",
            "status",
            "amount",
            "currency",
            "costs",
            "agency",
            "lawyer",
            "opened_on",
            "letter_sent_on",
            "agency_on",
            "litigation_on",
            "closed_on",
        ]
        .map(str::to_owned)
        .to_vec(),
        vec![
            case.id.to_string(),
            case.code.clone(),
            case.name.clone(),
            case.status.as_str().to_owned(),
            amount_text(case.amount, case.currency),
            case.currency.code().to_owned(),
            amount_text(case.costs, case.currency),
            case.agency.clone().unwrap_or_default(),
            case.lawyer.clone().unwrap_or_default(),
            case.opened_on.to_string(),
            case.letter_sent_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            case.agency_on.map(|d| d.to_string()).unwrap_or_default(),
            case.litigation_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            case.closed_on.map(|d| d.to_string()).unwrap_or_default(),
        ],
    ]);
    // Both PDFs on the blocking pool, with what they draw moved there.
    let (name, code, company) = (case.name.clone(), case.code.clone(), calendar.name.clone());
    let (log_activities, log_promises) = (activities[1..].to_vec(), promises[1..].to_vec());
    let data = statement.data;
    let (pdf, log_pdf) = tokio::task::spawn_blocking(move || {
        let pdf = crate::statements::pdf::render(&data, &company, locale, None)?;
        let log = collection_log_pdf(
            &name,
            &code,
            &company,
            locale,
            &log_activities,
            &log_promises,
        )?;
        Ok::<_, crate::pdf::PdfError>((pdf, log))
    })
    .await
    .map_err(|error| AppError::Internal(anyhow::Error::new(error)))??;
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("case.csv", case_summary.into_bytes()),
        ("statement.pdf", pdf),
        ("collection-log.pdf", log_pdf),
        ("statement.csv", statement_csv.into_bytes()),
        ("invoices.csv", crate::csv::write(&invoices).into_bytes()),
        (
            "activities.csv",
            crate::csv::write(&activities).into_bytes(),
        ),
        ("promises.csv", crate::csv::write(&promises).into_bytes()),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in files {
        zip.start_file(name, options)
            .map_err(|error| AppError::Internal(anyhow::anyhow!(error)))?;
        zip.write_all(&bytes)
            .map_err(|error| AppError::Internal(anyhow::anyhow!(error)))?;
    }
    let bytes = zip
        .finish()
        .map_err(|error| AppError::Internal(anyhow::anyhow!(error)))?
        .into_inner();
    Ok((
        format!("evidence-{}-{}.zip", customer.code, calendar.today),
        bytes,
    ))
}

/// The activity log and the promises to pay as a printable PDF, for the evidence pack: the
/// same rows as its CSV files (without their header rows), newest last.
fn collection_log_pdf(
    customer: &str,
    code: &str,
    company: &str,
    locale: domain::Locale,
    activities: &[Vec<String>],
    promises: &[Vec<String>],
) -> Result<Vec<u8>, crate::pdf::PdfError> {
    use crate::pdf::{Column, Section, tables};
    let zh = locale == domain::Locale::ZhCn;
    let pick = |zh_text: &'static str, en_text: &'static str| if zh { zh_text } else { en_text };
    let column = |heading, width, amount| Column {
        heading,
        width,
        amount,
    };
    // Activities: when, channel, outcome, contact, location, note, logged by, invoices.
    let activity_rows: Vec<Vec<String>> = activities
        .iter()
        .map(|row| {
            let mut row = row.clone();
            if let Some(when) = row.first_mut() {
                // 2026-03-01T09:30:00+00:00 → 2026-03-01 09:30
                *when = when.replace('T', " ").chars().take(16).collect();
            }
            row
        })
        .collect();
    // Promises: made, date, amount, currency, status, paid, promised by, logged by.
    let promise_rows: Vec<Vec<String>> = promises
        .iter()
        .map(|row| {
            let mut row = row.clone();
            if let Some(made) = row.first_mut() {
                *made = made.chars().take(10).collect();
            }
            row
        })
        .collect();
    tables(
        pick("催收记录", "Collection log"),
        &format!("{company} · {customer} ({code})"),
        &[
            Section {
                heading: pick("催收活动", "Activities"),
                columns: vec![
                    column(pick("时间", "When"), 66.0, false),
                    column(pick("方式", "Channel"), 42.0, false),
                    column(pick("结果", "Outcome"), 66.0, false),
                    column(pick("联系人", "Contact"), 52.0, false),
                    column(pick("地点", "Location"), 52.0, false),
                    column(pick("备注", "Note"), 106.0, false),
                    column(pick("记录人", "Logged by"), 60.0, false),
                    column(pick("发票", "Invoices"), 55.0, false),
                ],
                rows: activity_rows,
            },
            Section {
                heading: pick("付款承诺", "Promises to pay"),
                columns: vec![
                    column(pick("承诺日", "Made"), 58.0, false),
                    column(pick("约定付款日", "Due"), 58.0, false),
                    column(pick("金额", "Amount"), 70.0, true),
                    column(pick("币种", "Currency"), 40.0, false),
                    column(pick("状态", "Status"), 70.0, false),
                    column(pick("已付", "Paid"), 70.0, true),
                    column(pick("承诺人", "Promised by"), 66.0, false),
                    column(pick("记录人", "Logged by"), 67.0, false),
                ],
                rows: promise_rows,
            },
        ],
        pick("页", "Page"),
    )
}
