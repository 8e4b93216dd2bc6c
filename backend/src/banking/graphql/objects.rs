//! The cash application API's objects, and how rows become them.

use crate::api::objects::payment::{Payment, payment};
use crate::api::values::{CustomerRef, Date, Money, optional_text};
use crate::banking::service::LineDetail;
use crate::banking::service::import::StatementProblem;
use crate::banking::store::{AccountRow, ImportRow, StatusTotal};
use crate::error::AppError;
use async_graphql::{ID, InputObject, Json, SimpleObject};
use bank_formats::CsvMapping;
use chrono::{DateTime, Utc};
use domain::Locale;
use domain::cash::{
    BankDirection, BankTransactionStatus, MatchReasonCode, MatchStatus, StatementFormat,
};

/// How a CSV, XLS or XLSX export of this account is read. Columns are named by their header
/// text or letter (A, B, …).
#[derive(SimpleObject, InputObject, Clone, Default)]
#[graphql(input_name = "CsvMappingInput")]
pub struct CsvMappingFields {
    /// The 1-based row of the headers; by default the first row naming the date and amount
    /// columns (title rows above are skipped).
    pub header_row: Option<i32>,
    /// UTF-8 (default, with or without BOM), GBK or GB18030.
    pub encoding: Option<String>,
    /// Such as %Y-%m-%d; by default the common forms are tried.
    pub date_format: Option<String>,
    pub date: Option<String>,
    /// A signed amount (negative is money out); or debit and credit.
    pub amount: Option<String>,
    pub debit: Option<String>,
    pub credit: Option<String>,
    pub payer_name: Option<String>,
    pub payer_account: Option<String>,
    /// The remark (附言).
    pub remark: Option<String>,
    pub reference: Option<String>,
    pub balance: Option<String>,
}

fn mapping_out(value: Option<serde_json::Value>) -> Option<CsvMappingFields> {
    let m: CsvMapping = serde_json::from_value(value?).ok()?;
    Some(CsvMappingFields {
        header_row: m.header_row.map(|r| r as i32),
        encoding: m.encoding,
        date_format: m.date_format,
        date: m.date,
        amount: m.amount,
        debit: m.debit,
        credit: m.credit,
        payer_name: m.payer_name,
        payer_account: m.payer_account,
        remark: m.remark,
        reference: m.reference,
        balance: m.balance,
    })
}

pub fn mapping_in(input: CsvMappingFields) -> Result<CsvMapping, AppError> {
    let column = |name: &str, value: Option<String>| {
        optional_text(&format!("input.csvMapping.{name}"), value.as_deref(), 100)
    };
    let header_row = match input.header_row {
        None => None,
        Some(row) if (1..=1000).contains(&row) => Some(row as u32),
        Some(_) => {
            return Err(AppError::input(
                "input.csvMapping.headerRow",
                domain::reason::Reason::OutOfRange { min: 1, max: 1000 },
            ));
        }
    };
    let mapping = CsvMapping {
        header_row,
        encoding: column("encoding", input.encoding)?,
        date_format: column("dateFormat", input.date_format)?,
        date: column("date", input.date)?,
        amount: column("amount", input.amount)?,
        debit: column("debit", input.debit)?,
        credit: column("credit", input.credit)?,
        payer_name: column("payerName", input.payer_name)?,
        payer_account: column("payerAccount", input.payer_account)?,
        remark: column("remark", input.remark)?,
        reference: column("reference", input.reference)?,
        balance: column("balance", input.balance)?,
    };
    let missing = if mapping.date.is_none() {
        Some(("date", "date"))
    } else if mapping.amount.is_none() && mapping.debit.is_none() && mapping.credit.is_none() {
        Some(("amount", "amount"))
    } else {
        None
    };
    if let Some((field, what)) = missing {
        return Err(AppError::input(
            format!("input.csvMapping.{field}"),
            domain::reason::Reason::BankStatementMappingIncomplete {
                missing: what.to_owned(),
            },
        ));
    }
    Ok(mapping)
}

/// Opening plus the lines is not the closing, or an opening is not the previous closing.
#[derive(SimpleObject, Clone)]
pub struct BalanceGap {
    pub statement: String,
    pub expected: String,
    pub found: String,
    /// CLOSING or OPENING.
    pub kind: String,
}

fn gaps(value: &serde_json::Value) -> Vec<BalanceGap> {
    let text = |gap: &serde_json::Value, key: &str| gap[key].as_str().unwrap_or("").to_owned();
    value
        .as_array()
        .into_iter()
        .flatten()
        .map(|gap| BalanceGap {
            statement: text(gap, "statement"),
            expected: text(gap, "expected"),
            found: text(gap, "found"),
            kind: text(gap, "kind"),
        })
        .collect()
}

#[derive(SimpleObject, Clone)]
pub struct BankAccount {
    pub id: ID,
    pub name: String,
    pub bank_name: String,
    pub account_number: String,
    pub currency: String,
    pub csv_mapping: Option<CsvMappingFields>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    /// Where the imported statements' balances do not add up.
    pub balance_gaps: Vec<BalanceGap>,
}

pub fn account(row: AccountRow) -> BankAccount {
    BankAccount {
        id: ID(row.id.to_string()),
        name: row.name,
        bank_name: row.bank_name,
        account_number: row.account_number,
        currency: row.currency.code().to_owned(),
        csv_mapping: mapping_out(row.csv_mapping),
        archived: row.archived_at.is_some(),
        created_at: row.created_at,
        balance_gaps: gaps(&row.gaps),
    }
}

/// A problem of a statement file: where, and why (a reason code with its parameters).
#[derive(SimpleObject, Clone)]
pub struct BankStatementProblem {
    pub row: Option<i32>,
    pub column: Option<String>,
    pub code: String,
    pub params: Json<serde_json::Map<String, serde_json::Value>>,
    pub message: String,
}

fn problem(p: StatementProblem) -> BankStatementProblem {
    BankStatementProblem {
        row: p.row.map(|r| r as i32),
        column: p.column,
        code: p.code,
        params: Json(p.params),
        message: p.message,
    }
}

/// One imported statement file, and how far matching its lines has got.
#[derive(SimpleObject, Clone)]
pub struct BankStatementImport {
    pub id: ID,
    pub bank_account_id: ID,
    pub format: StatementFormat,
    pub period_from: Option<Date>,
    pub period_to: Option<Date>,
    /// Lines in the file.
    pub lines: i32,
    /// Lines new to the account.
    pub added: i32,
    /// Lines the account had already (a re-import, an overlapping period).
    pub already_present: i32,
    pub opening_balance: Option<Money>,
    pub closing_balance: Option<Money>,
    pub gaps: Vec<BalanceGap>,
    pub problems: Vec<BankStatementProblem>,
    pub dry_run: bool,
    pub match_status: MatchStatus,
    /// Lines matched so far.
    pub matched: i32,
    pub auto_applied: i32,
    pub imported_by: String,
    pub created_at: DateTime<Utc>,
}

pub fn statement_import(
    row: ImportRow,
    dry_run: bool,
    problems: Vec<StatementProblem>,
) -> BankStatementImport {
    let currency = row.currency.code();
    BankStatementImport {
        id: ID(row.id.to_string()),
        bank_account_id: ID(row.bank_account_id.to_string()),
        format: row.format,
        period_from: row.period_from.map(Date),
        period_to: row.period_to.map(Date),
        lines: row.lines,
        added: row.added,
        already_present: row.already_present,
        opening_balance: row.opening_balance.map(|b| Money::new(b, currency)),
        closing_balance: row.closing_balance.map(|b| Money::new(b, currency)),
        gaps: gaps(&row.gaps),
        problems: problems.into_iter().map(problem).collect(),
        dry_run,
        match_status: row.match_status,
        matched: row.matched,
        auto_applied: row.auto_applied,
        imported_by: row.imported_by,
        created_at: row.created_at,
    }
}

/// Why a suggestion was made, in the reader's language.
#[derive(SimpleObject, Clone)]
pub struct MatchReason {
    pub code: MatchReasonCode,
    pub params: Json<std::collections::BTreeMap<String, String>>,
    pub message: String,
}

/// An invoice a suggestion pays.
#[derive(SimpleObject, Clone)]
pub struct MatchedInvoice {
    pub id: ID,
    pub number: String,
    pub due_date: Option<Date>,
    /// Its balance now.
    pub balance: Option<Money>,
}

#[derive(SimpleObject, Clone)]
pub struct SuggestedAllocation {
    pub invoice: MatchedInvoice,
    pub amount: Money,
}

/// What a line could be: a payment of `customer` paying `invoices` (the rest the customer's
/// credit), or the payment `paymentId` keyed by hand already (link it).
#[derive(SimpleObject, Clone)]
pub struct MatchSuggestion {
    pub customer: CustomerRef,
    pub invoices: Vec<SuggestedAllocation>,
    pub payment_id: Option<ID>,
    /// 0.00 to 1.00.
    pub confidence: String,
    pub reasons: Vec<MatchReason>,
}

/// A line of a bank statement.
#[derive(SimpleObject, Clone)]
pub struct BankTransaction {
    pub id: ID,
    pub bank_account_id: ID,
    pub bank_account_name: String,
    pub import_id: ID,
    /// Its row (or entry) in the file.
    pub row_number: i32,
    pub booked_on: Date,
    pub direction: BankDirection,
    pub amount: Money,
    /// For incoming lines; none for money paid out.
    pub status: Option<BankTransactionStatus>,
    pub payer_name: Option<String>,
    pub payer_account: Option<String>,
    pub remark: Option<String>,
    pub reference: Option<String>,
    pub bank_ref: Option<String>,
    /// Best first; computed at import and after each apply or undo.
    pub suggestions: Vec<MatchSuggestion>,
    /// The payments it made, or the one it was linked to (reversed ones too).
    pub payments: Vec<Payment>,
    /// APPLIED (payments made) or LINKED (a keyed payment), for an applied line.
    pub applied_how: Option<String>,
    pub applied_by: Option<String>,
    pub applied_at: Option<DateTime<Utc>>,
    pub auto_applied: bool,
    pub ignore_reason: Option<String>,
}

pub fn transaction(detail: LineDetail, locale: Locale) -> BankTransaction {
    let row = detail.row;
    let currency = row.currency.code().to_owned();
    let suggestions = detail
        .suggestions
        .into_iter()
        .map(|s| MatchSuggestion {
            customer: match detail.customers.get(&s.customer_id) {
                Some(c) => CustomerRef {
                    id: ID(c.id.to_string()),
                    code: c.code.clone(),
                    name: c.name.clone(),
                },
                None => CustomerRef {
                    id: ID(s.customer_id.to_string()),
                    code: String::new(),
                    name: String::new(),
                },
            },
            invoices: s
                .invoices
                .iter()
                .map(|i| {
                    let label = detail.invoices.get(&i.invoice_id);
                    SuggestedAllocation {
                        invoice: MatchedInvoice {
                            id: ID(i.invoice_id.to_string()),
                            number: label.map(|l| l.number.clone()).unwrap_or_default(),
                            due_date: label.map(|l| Date(l.due_date)),
                            balance: label.map(|l| Money::new(l.balance_due, l.currency.code())),
                        },
                        amount: Money::new(i.amount, &currency),
                    }
                })
                .collect(),
            payment_id: s.payment_id.map(|p| ID(p.to_string())),
            confidence: format!("{:.2}", s.confidence),
            reasons: s
                .reasons
                .iter()
                .map(|r| MatchReason {
                    code: r.code,
                    params: Json(r.params.clone()),
                    message: r.message(locale),
                })
                .collect(),
        })
        .collect();
    BankTransaction {
        id: ID(row.id.to_string()),
        bank_account_id: ID(row.bank_account_id.to_string()),
        bank_account_name: row.bank_account_name,
        import_id: ID(row.import_id.to_string()),
        row_number: row.row_number,
        booked_on: Date(row.booked_on),
        direction: row.direction,
        amount: Money::new(row.amount, &currency),
        status: row.status,
        payer_name: row.payer_name,
        payer_account: row.payer_account,
        remark: row.remark,
        reference: row.reference,
        bank_ref: row.bank_ref,
        suggestions,
        payments: detail.payments.into_iter().map(payment).collect(),
        applied_how: row.applied_how,
        applied_by: row.applied_by,
        applied_at: row.applied_at,
        auto_applied: row.auto_applied,
        ignore_reason: row.ignore_reason,
    }
}

/// Lines and their amount of one status, direction and currency.
#[derive(SimpleObject, Clone)]
pub struct BankTransactionTotal {
    pub status: Option<BankTransactionStatus>,
    pub direction: BankDirection,
    pub count: i64,
    pub amount: Money,
}

pub fn total(row: StatusTotal) -> BankTransactionTotal {
    BankTransactionTotal {
        status: row.status,
        direction: row.direction,
        count: row.lines,
        amount: Money::new(row.amount, row.currency.code()),
    }
}
