//! Importing a bank statement: read and checked off the async threads, then written all or
//! nothing in one transaction with the account locked. Each line is keyed by its fingerprint,
//! so a re-import or an overlapping period adds only lines not present, and says how many were.
//! Matching is queued in the same transaction (`matching::JOB_KIND`).

use super::matching;
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::banking::errors::{BankingError, problem_reason};
use crate::banking::store::{self, ImportRow, NewLine};
use crate::db::TenantTx;
use crate::error::AppError;
use crate::jobs;
use bank_formats::{CsvMapping, Format, Limits, Statement};
use chrono::Utc;
use domain::access::Permission;
use domain::cash::{MatchStatus, StatementFormat, fingerprint_sources};
use domain::messages::Localized;
use domain::reason::Reason;
use rust_decimal::Decimal;
use sea_orm::DatabaseConnection;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::Read;
use uuid::Uuid;

/// The largest statement file.
pub const MAX_STATEMENT_BYTES: usize = 20 * 1024 * 1024;
/// The most lines in one file.
pub const MAX_STATEMENT_LINES: usize = 100_000;

/// What the route asks.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    pub bank_account_id: Uuid,
    /// Sniffed from the bytes when not given.
    pub format: Option<StatementFormat>,
    pub dry_run: bool,
}

/// One problem of a file, where it is and why.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatementProblem {
    pub row: Option<usize>,
    pub column: Option<String>,
    pub code: String,
    pub params: serde_json::Map<String, serde_json::Value>,
    pub message: String,
}

/// An import as written (or, for a dry run or a refused file, as it would be).
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    pub import: ImportRow,
    pub dry_run: bool,
    pub problems: Vec<StatementProblem>,
}

fn format_of(format: StatementFormat) -> Format {
    match format {
        StatementFormat::Csv => Format::Csv,
        StatementFormat::Xls => Format::Xls,
        StatementFormat::Xlsx => Format::Xlsx,
        StatementFormat::Camt053 => Format::Camt053,
        StatementFormat::Mt940 => Format::Mt940,
    }
}

fn statement_format(format: Format) -> StatementFormat {
    match format {
        Format::Csv => StatementFormat::Csv,
        Format::Xls => StatementFormat::Xls,
        Format::Xlsx => StatementFormat::Xlsx,
        Format::Camt053 => StatementFormat::Camt053,
        Format::Mt940 => StatementFormat::Mt940,
    }
}

fn problem(row: Option<usize>, column: Option<String>, reason: &Reason) -> StatementProblem {
    StatementProblem {
        row,
        column,
        code: reason.name(),
        params: reason.params(),
        message: reason.text(domain::Locale::En),
    }
}

/// Reads the body (at most [`MAX_STATEMENT_BYTES`]) and the statement in it, on a blocking
/// thread.
async fn read(
    source: Box<dyn Read + Send>,
    format: Option<StatementFormat>,
    mapping: Option<CsvMapping>,
) -> Result<(Format, Result<Statement, Vec<bank_formats::Problem>>), AppError> {
    tokio::task::spawn_blocking(move || {
        let mut bytes = Vec::new();
        let limit = MAX_STATEMENT_BYTES as u64 + 1;
        if let Err(error) = source.take(limit).read_to_end(&mut bytes) {
            return Err(AppError::input(
                "body",
                Reason::ImportUnreadable {
                    detail: error.to_string(),
                },
            ));
        }
        if bytes.len() > MAX_STATEMENT_BYTES {
            return Err(AppError::input(
                "body",
                Reason::ImportFileTooLarge {
                    max_mib: (MAX_STATEMENT_BYTES / (1024 * 1024)) as u32,
                },
            ));
        }
        let format = format
            .map(format_of)
            .unwrap_or_else(|| bank_formats::sniff(&bytes));
        let limits = Limits {
            max_lines: MAX_STATEMENT_LINES,
            ..Limits::default()
        };
        Ok((
            format,
            bank_formats::parse(format, &bytes, mapping.as_ref(), limits),
        ))
    })
    .await
    .map_err(|error| AppError::Internal(error.into()))?
}

fn fingerprint(source: &str) -> String {
    hex::encode(Sha256::digest(source.as_bytes()))
}

/// Imports a statement into an account; answers the import with its counts, or the file's
/// problems (nothing written).
pub async fn import_statement(
    db: &DatabaseConnection,
    caller: &Caller,
    request: ImportRequest,
    source: Box<dyn Read + Send>,
    request_id: &str,
) -> Result<ImportOutcome, AppError> {
    caller.authorize(Permission::ManagePayments)?;
    let tenant = caller.require_tenant()?;
    let actor = audit::actor_of(db, caller).await?;
    let account = {
        let tx = TenantTx::begin(db, tenant).await?;
        let account = store::account(&*tx, request.bank_account_id, false).await?;
        tx.commit().await?;
        account.ok_or_else(|| AppError::from(BankingError::AccountNotFound))?
    };
    if account.archived_at.is_some() {
        return Err(BankingError::AccountArchived.into());
    }
    let mapping: Option<CsvMapping> = account
        .csv_mapping
        .clone()
        .and_then(|value| serde_json::from_value(value).ok());
    let (format, parsed) = read(source, request.format, mapping.clone()).await?;
    let format_name = statement_format(format);
    let mut import = ImportRow {
        id: Uuid::now_v7(),
        bank_account_id: account.id,
        currency: account.currency,
        format: format_name,
        period_from: None,
        period_to: None,
        lines: 0,
        added: 0,
        already_present: 0,
        opening_balance: None,
        closing_balance: None,
        gaps: serde_json::json!([]),
        match_status: MatchStatus::Queued,
        matched: 0,
        auto_applied: 0,
        imported_by: actor.label().to_owned(),
        created_at: Utc::now(),
    };
    if matches!(format, Format::Csv | Format::Xls | Format::Xlsx) && mapping.is_none() {
        return Err(BankingError::MappingNeeded.into());
    }
    let statement = match parsed {
        Ok(statement) => statement,
        Err(problems) => {
            let problems = problems
                .iter()
                .map(|p| problem(p.row, p.column.clone(), &problem_reason(p)))
                .collect();
            return Ok(ImportOutcome {
                import,
                dry_run: request.dry_run,
                problems,
            });
        }
    };
    let account_currency = account.currency.code();
    if let Some(file) = statement
        .currency
        .iter()
        .chain(statement.lines.iter().filter_map(|l| l.currency.as_ref()))
        .find(|code| !code.eq_ignore_ascii_case(account_currency))
    {
        return Err(BankingError::CurrencyMismatch {
            account: account_currency.to_owned(),
            file: file.to_uppercase(),
        }
        .into());
    }
    import.period_from = statement
        .period_from
        .or_else(|| statement.lines.iter().map(|l| l.booked_on).min());
    import.period_to = statement
        .period_to
        .or_else(|| statement.lines.iter().map(|l| l.booked_on).max());
    import.opening_balance = statement.opening_balance;
    import.closing_balance = statement.closing_balance;
    import.lines = statement.lines.len() as i32;
    import.gaps = serde_json::Value::Array(
        statement
            .gaps
            .iter()
            .map(|gap| {
                serde_json::json!({
                    "statement": gap.statement,
                    "expected": gap.expected.to_string(),
                    "found": gap.found.to_string(),
                    "kind": match gap.kind {
                        bank_formats::GapKind::Closing => "CLOSING",
                        bank_formats::GapKind::Opening => "OPENING",
                    },
                })
            })
            .collect(),
    );
    let key = account.id.to_string();
    let sources = fingerprint_sources(
        &key,
        statement.lines.iter().map(|l| {
            (
                l.bank_ref.as_deref(),
                l.booked_on,
                l.amount,
                l.reference.as_deref(),
                l.remark.as_deref(),
            )
        }),
    );
    let lines: Vec<NewLine> = statement
        .lines
        .iter()
        .zip(&sources)
        .map(|(line, source)| {
            let incoming = line.amount > Decimal::ZERO;
            NewLine {
                id: Uuid::now_v7(),
                fingerprint: fingerprint(source),
                row_number: line.row as i32,
                booked_on: line.booked_on,
                direction: if incoming { "IN" } else { "OUT" },
                amount: line.amount.abs(),
                currency: account_currency.to_owned(),
                payer_name: line.payer_name.clone(),
                payer_account: line.payer_account.clone(),
                remark: line.remark.clone(),
                reference: line.reference.clone(),
                bank_ref: line.bank_ref.clone(),
                status: incoming.then_some("UNMATCHED"),
            }
        })
        .collect();

    let tx = TenantTx::begin(db, tenant).await?;
    let locked = store::account(&*tx, account.id, true)
        .await?
        .ok_or_else(|| AppError::from(BankingError::AccountNotFound))?;
    if locked.archived_at.is_some() {
        return Err(BankingError::AccountArchived.into());
    }
    store::insert_import(&*tx, &import).await?;
    let added = store::insert_lines(&*tx, account.id, import.id, &lines).await? as i32;
    import.added = added;
    import.already_present = import.lines - added;
    if added == 0 {
        import.match_status = MatchStatus::Done;
        store::set_import_progress(&*tx, import.id, MatchStatus::Done, 0, 0).await?;
    }
    store::set_import_counts(&*tx, import.id, added, import.already_present).await?;
    if request.dry_run {
        tx.rollback().await?;
        return Ok(ImportOutcome {
            import,
            dry_run: true,
            problems: Vec::new(),
        });
    }
    if added > 0 {
        jobs::enqueue_in_tenant(&tx, matching::job(tenant, import.id)).await?;
    }
    audit::record(
        &*tx,
        tx.tenant(),
        AuditEntry {
            actor,
            action: "bank_statement.imported",
            entity_type: "bank_statement_import",
            entity_id: Some(import.id.to_string()),
            before: None,
            after: Some(serde_json::json!({
                "bankAccountId": account.id.to_string(), "format": format_name.as_str(),
                "lines": import.lines, "added": added, "alreadyPresent": import.already_present,
            })),
            request_id: Some(request_id),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(ImportOutcome {
        import,
        dry_run: false,
        problems: Vec::new(),
    })
}

/// The import as the REST route answers it (the same fields as `BankStatementImport`).
pub fn import_json(outcome: ImportOutcome) -> serde_json::Value {
    let i = outcome.import;
    let currency = i.currency.code().to_owned();
    let money = |b: Option<rust_decimal::Decimal>| {
        b.map(|b| serde_json::json!({"amount": domain::display::amount_string(b, &currency), "currency": currency}))
    };
    serde_json::json!({
        "id": i.id.to_string(), "bankAccountId": i.bank_account_id.to_string(),
        "format": i.format.as_str(), "periodFrom": i.period_from, "periodTo": i.period_to,
        "lines": i.lines, "added": i.added, "alreadyPresent": i.already_present,
        "openingBalance": money(i.opening_balance), "closingBalance": money(i.closing_balance),
        "gaps": i.gaps, "problems": outcome.problems, "dryRun": outcome.dry_run,
        "matchStatus": i.match_status.as_str(),
    })
}
