//! The evidence pack of a legal case (`GET /api/legal-cases/{id}/evidence.zip`): the case, the
//! statement as PDF and CSV, the collection log as PDF, the invoices, activity log and
//! promises as CSV, and the files attached to the customer and its records (contracts, orders,
//! signed delivery notes, vouchers, visit photos) under `attachments/`, listed with their
//! SHA-256 in `attachments.csv`. The zip is written to disk, never held whole.

use super::legal::{case_by_id, may_read};
use crate::attachments::storage::FileStore;
use crate::attachments::store::EvidenceAttachment;
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
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// An amount as the API shows it, by the domain's one money rule.
fn amount_text(amount: Decimal, currency: Currency) -> String {
    domain::Money::new(amount, currency).amount_text()
}

/// Attached files a pack carries at most, in bytes (the pack is made within the request's time
/// limit); the rest are listed in `attachments.csv` as left out, to download one by one.
pub const MAX_PACK_ATTACHMENT_BYTES: u64 = 256 * 1024 * 1024;

/// Packs made at once on this server; the others wait their turn.
static PACKS_AT_ONCE: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// A folder of work files, removed with everything in it when dropped.
#[derive(Debug)]
pub struct WorkDir(pub PathBuf);

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A pack written to disk: its download name, and the zip inside its work folder (removed when
/// the folder is dropped; open the zip first).
#[derive(Debug)]
pub struct Pack {
    pub file_name: String,
    pub zip: PathBuf,
    pub work: WorkDir,
}

/// The evidence pack of a case, written under `spool`.
pub async fn evidence_pack(
    db: &DatabaseConnection,
    files_store: &FileStore,
    spool: &Path,
    caller: &Caller,
    case_id: &str,
) -> Result<Pack, AppError> {
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
    let attached = crate::attachments::store::evidence(&*tx, customer.id).await?;
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
    let work = WorkDir(spool.join(format!("evidence-{}", Uuid::new_v4())));
    tokio::fs::create_dir_all(&work.0)
        .await
        .map_err(|error| AppError::Internal(error.into()))?;
    let files: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .map(|(name, bytes)| (name.to_owned(), bytes))
        .collect();
    let _turn = PACKS_AT_ONCE
        .acquire()
        .await
        .map_err(|error| AppError::Internal(error.into()))?;
    let zip_path = work.0.join("pack.zip");
    let (writing, store, handle) = (
        zip_path.clone(),
        files_store.clone(),
        tokio::runtime::Handle::current(),
    );
    tokio::task::spawn_blocking(move || write_zip(&writing, files, &attached, &store, &handle))
        .await
        .map_err(|error| AppError::Internal(anyhow::Error::new(error)))?
        .map_err(|error| AppError::Internal(anyhow::anyhow!(error)))?;
    Ok(Pack {
        file_name: format!("evidence-{}-{}.zip", customer.code, calendar.today),
        zip: zip_path,
        work,
    })
}

/// A name part safe inside a zip path on any system: no separators, no characters Windows
/// refuses in a name, no control characters.
fn path_safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect::<String>()
        .trim()
        .replace(' ', "_")
}

/// The zip (stored: PDFs and photos gain nothing from deflate), written to `path`: the case's
/// documents, then each attached file copied from the store as it is read and checked against
/// its SHA-256, then `attachments.csv`, which lists every file with what became of it (left out
/// past [`MAX_PACK_ATTACHMENT_BYTES`], missing from the store, or not matching its hash).
/// Blocking: run on the blocking pool, with `handle` to read the store.
fn write_zip(
    path: &Path,
    files: Vec<(String, Vec<u8>)>,
    attached: &[EvidenceAttachment],
    store: &FileStore,
    handle: &tokio::runtime::Handle,
) -> Result<(), zip::result::ZipError> {
    use futures::StreamExt;
    use sha2::{Digest, Sha256};
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path)?);
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in files {
        zip.start_file(name, options)?;
        zip.write_all(&bytes)?;
    }
    let mut index = vec![
        [
            "file",
            "record",
            "record_label",
            "file_name",
            "kind",
            "size_bytes",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "note",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    let mut total = 0u64;
    for (n, file) in attached.iter().enumerate() {
        let size = u64::try_from(file.size_bytes).unwrap_or(u64::MAX);
        let entry = format!(
            "attachments/{:03}-{}-{}-{}",
            n + 1,
            file.owner_type.as_str().to_ascii_lowercase(),
            path_safe(&file.owner_label),
            path_safe(&file.file_name)
        );
        let (entry, note) = if total.saturating_add(size) > MAX_PACK_ATTACHMENT_BYTES {
            (
                String::new(),
                "left out: past the pack's size limit; download it from its record",
            )
        } else {
            total += size;
            match handle.block_on(store.open(&file.storage_key)) {
                Err(_) => (String::new(), "missing from the file store"),
                Ok(stored) => {
                    zip.start_file(entry.clone(), options)?;
                    let mut stream = stored.into_stream();
                    let mut hasher = Sha256::new();
                    let mut complete = true;
                    while let Some(chunk) = handle.block_on(stream.next()) {
                        match chunk {
                            Ok(chunk) => {
                                hasher.update(&chunk);
                                zip.write_all(&chunk)?;
                            }
                            Err(_) => {
                                complete = false;
                                break;
                            }
                        }
                    }
                    if !complete {
                        (entry, "incomplete: the file store failed while it was read")
                    } else if hex::encode(hasher.finalize()) != file.sha256 {
                        (
                            entry,
                            "DOES NOT MATCH its SHA-256: changed since it was attached",
                        )
                    } else {
                        (entry, "")
                    }
                }
            }
        };
        index.push(vec![
            entry,
            file.owner_type.as_str().to_owned(),
            file.owner_label.clone(),
            file.file_name.clone(),
            file.kind.as_str().to_owned(),
            file.size_bytes.to_string(),
            file.sha256.clone(),
            file.uploaded_by.clone(),
            file.uploaded_at.to_rfc3339(),
            note.to_owned(),
        ]);
    }
    zip.start_file("attachments.csv", options)?;
    zip.write_all(crate::csv::write(&index).as_bytes())?;
    zip.finish()?.sync_data()?;
    Ok(())
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
