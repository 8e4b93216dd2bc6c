//! Importing received payments (receipts) from another system, one row per allocation: the
//! rows of one payment share its `external_id` and agree on its customer, date, amount,
//! currency, method and reference. A payment whose `external_id` the company has recorded
//! already is skipped (counted in the report's `skipped`), so importing a file again records
//! nothing twice.
//!
//! `invoice_number` and `allocated_amount`, both or neither, allocate part of the payment to an
//! invoice of its customer, by `recordPayment`'s rules (`domain::allocation::allocate`: an open
//! invoice in the payment's currency, never above its balance, and all of a payment's parts
//! together never above the payment). A payment without such rows is allocated as
//! `recordPayment` allocates one sent without allocations: to the oldest due invoices first.
//! Those go after every allocation the file asks for, payments received earlier first, so they
//! never take what a row names; what is left stays with the customer as unapplied credit.
//!
//! Everything is checked under the locks the write keeps (the customers, then their open
//! invoices, in id order), and written in the same transaction; allocations go through the
//! payments store's writer, so the invoices' balances move as for any payment.

use super::table::{Columns, Table, table};
use super::{Cell, CsvSource, ImportReport, Problems, date, report};
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::db::{self, TenantTx};
use crate::error::AppError;
use crate::imports::ImportError;
use crate::imports::store::{self, CustomerTerms, NamedInvoice, OpenInvoice};
use chrono::NaiveDate;
use domain::Currency;
use domain::access::Permission;
use domain::allocation::{AllocationError, Instruction, OpenItem, allocate};
use domain::display::amount_string;
use domain::payments::PaymentMethod;
use domain::reason::Reason;
use rust_decimal::Decimal;
use serde_json::json;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

pub(super) const PAYMENT_COLUMNS: Columns = Columns {
    known: &[
        "external_id",
        "customer_code",
        "received_on",
        "amount",
        "currency",
        "method",
        "reference",
        "invoice_number",
        "allocated_amount",
    ],
    required: &[
        "external_id",
        "customer_code",
        "received_on",
        "amount",
        "method",
    ],
};

/// The longest external id (the column's check).
const MAX_EXTERNAL_ID_CHARS: usize = 100;
/// The longest reference (`recordPayment`'s).
const MAX_REFERENCE_CHARS: usize = 200;
/// Up to this many customers paid, each is rated again on its own, as after `recordPayment`;
/// more are rated again in one pass over the company (the daily rating's statements).
const RATE_ONE_BY_ONE: usize = 20;

/// A row of a payment file (one allocation, or a payment without any), by header name.
#[derive(Debug, serde::Deserialize)]
pub(super) struct PaymentRow {
    external_id: Cell,
    customer_code: Cell,
    received_on: Cell,
    amount: Cell,
    currency: Cell,
    method: Cell,
    reference: Cell,
    invoice_number: Cell,
    allocated_amount: Cell,
}

/// An allocation a row asks for.
struct Requested {
    line: usize,
    number: String,
    amount: Decimal,
}

/// A row's cells, checked.
struct Parsed {
    external_id: String,
    customer: Uuid,
    /// As the file writes it, for the problems that name it.
    customer_code: String,
    received_on: NaiveDate,
    amount: Decimal,
    currency: Currency,
    /// Whether the row names its currency; an empty cell takes the payment's (its first
    /// row's), else the customer's.
    currency_given: bool,
    method: PaymentMethod,
    reference: Option<String>,
    requested: Option<Requested>,
}

/// One payment gathered from its rows.
struct Draft {
    id: Uuid,
    first_line: usize,
    external_id: String,
    customer: Uuid,
    customer_code: String,
    received_on: NaiveDate,
    amount: Decimal,
    currency: Currency,
    method: PaymentMethod,
    reference: Option<String>,
    /// In file order: the index of a refused allocation is the index here.
    requested: Vec<Requested>,
    /// A row of it has a problem: its allocations are not checked further (nothing will be
    /// written anyway).
    broken: bool,
}

impl Draft {
    fn new(parsed: Parsed, line: usize, broken: bool) -> Self {
        Draft {
            id: Uuid::now_v7(),
            first_line: line,
            external_id: parsed.external_id,
            customer: parsed.customer,
            customer_code: parsed.customer_code,
            received_on: parsed.received_on,
            amount: parsed.amount,
            currency: parsed.currency,
            method: parsed.method,
            reference: parsed.reference,
            requested: parsed.requested.into_iter().collect(),
            broken,
        }
    }

    /// The columns in which a later row of the payment disagrees with its first. An empty
    /// reference cell takes the first row's, as an empty currency cell does.
    fn differences(&self, row: &Parsed) -> Vec<&'static str> {
        let mut columns = Vec::new();
        if row.customer != self.customer {
            columns.push("customer_code");
        }
        if row.received_on != self.received_on {
            columns.push("received_on");
        }
        if row.amount != self.amount {
            columns.push("amount");
        }
        if row.currency_given && row.currency != self.currency {
            columns.push("currency");
        }
        if row.method != self.method {
            columns.push("method");
        }
        if row.reference.is_some() && row.reference != self.reference {
            columns.push("reference");
        }
        columns
    }
}

/// A positive amount in `currency`'s decimals (thousands separators allowed), as
/// `recordPayment` takes one (`api::values::parse_amount`).
fn money(
    problems: &mut Problems,
    line: usize,
    column: &str,
    value: &str,
    currency: Currency,
) -> Option<Decimal> {
    let refused = match domain::Money::parse_exact(&value.replace(',', ""), currency) {
        Ok(money) if money.amount.abs() >= domain::money::max_amount() => Reason::AmountTooLarge {},
        Ok(money) if money.is_negative() || money.is_zero() => Reason::NotPositive {},
        Ok(money) => return Some(money.amount),
        Err(error) => Reason::from(&error),
    };
    problems.add(line, column, refused);
    None
}

/// A text cell of at most `max` characters, with no control characters but line breaks and
/// tabs (as the API's text inputs); `Err` once its problem is reported.
fn text(
    problems: &mut Problems,
    line: usize,
    column: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, ()> {
    let Some(value) = value else {
        return Ok(None);
    };
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        problems.add(line, column, Reason::ControlCharacters {});
        return Err(());
    }
    if value.chars().count() > max {
        let max = u32::try_from(max).unwrap_or(u32::MAX);
        problems.add(
            line,
            column,
            Reason::TextLength {
                min: None,
                max: Some(max),
            },
        );
        return Err(());
    }
    Ok(Some(value.to_owned()))
}

/// A method `recordPayment` accepts, in any case, with spaces or hyphens for underscores
/// (`bank transfer`, `WeChat-Pay`).
fn payment_method(problems: &mut Problems, line: usize, value: &str) -> Option<PaymentMethod> {
    let name = value.to_uppercase().replace([' ', '-'], "_");
    let method = PaymentMethod::parse(&name);
    if method.is_none() {
        let allowed = PaymentMethod::ALL
            .iter()
            .map(|method| method.as_str().to_owned())
            .collect();
        problems.add(line, "method", Reason::NotOneOf { allowed });
    }
    method
}

fn required(problems: &mut Problems, line: usize, column: &str) {
    problems.add(line, column, Reason::Required {});
}

/// Checks one row's cells, reporting each problem; `None` when a value the payment needs is
/// missing. `currency_so_far` is the currency of the payment when an earlier row began it.
fn parse_row(
    problems: &mut Problems,
    line: usize,
    row: &PaymentRow,
    customers: &HashMap<String, CustomerTerms>,
    today: NaiveDate,
    currency_so_far: Option<Currency>,
) -> Option<Parsed> {
    let external_id = match text(
        problems,
        line,
        "external_id",
        row.external_id.as_deref(),
        MAX_EXTERNAL_ID_CHARS,
    ) {
        Ok(Some(id)) => Some(id),
        Ok(None) => {
            required(problems, line, "external_id");
            None
        }
        Err(()) => None,
    };
    let customer = match row.customer_code.as_deref() {
        None => {
            required(problems, line, "customer_code");
            None
        }
        Some(code) => {
            let found = customers.get(&code.to_lowercase());
            if found.is_none() {
                let code = code.to_owned();
                problems.add(
                    line,
                    "customer_code",
                    Reason::ImportUnknownCustomer { code },
                );
            }
            found.map(|customer| (customer, code.to_owned()))
        }
    };
    let received_on = match row.received_on.as_deref() {
        None => {
            required(problems, line, "received_on");
            None
        }
        Some(value) => date(problems, line, "received_on", value),
    };
    if let Some(day) = received_on
        && day > today
    {
        let latest = Some(today);
        let refused = Reason::DateOutOfRange {
            earliest: None,
            latest,
        };
        problems.add(line, "received_on", refused);
    }
    let currency = match row.currency.as_deref() {
        None => {
            currency_so_far.or_else(|| customer.as_ref().map(|(customer, _)| customer.currency))
        }
        Some(code) => {
            let code = code.to_uppercase();
            match code.parse::<Currency>() {
                Ok(currency) => Some(currency),
                Err(_) => {
                    problems.add(line, "currency", Reason::UnknownCurrency { value: code });
                    None
                }
            }
        }
    };
    let amount = match row.amount.as_deref() {
        None => {
            required(problems, line, "amount");
            None
        }
        Some(value) => {
            currency.and_then(|currency| money(problems, line, "amount", value, currency))
        }
    };
    let method = match row.method.as_deref() {
        None => {
            required(problems, line, "method");
            None
        }
        Some(value) => payment_method(problems, line, value),
    };
    let reference = text(
        problems,
        line,
        "reference",
        row.reference.as_deref(),
        MAX_REFERENCE_CHARS,
    );
    let requested = match (
        row.invoice_number.as_deref(),
        row.allocated_amount.as_deref(),
    ) {
        (None, None) => Ok(None),
        (Some(_), None) => {
            problems.add(
                line,
                "allocated_amount",
                Reason::ImportAllocationIncomplete {},
            );
            Err(())
        }
        (None, Some(_)) => {
            problems.add(
                line,
                "invoice_number",
                Reason::ImportAllocationIncomplete {},
            );
            Err(())
        }
        (Some(number), Some(value)) => {
            let amount = currency
                .and_then(|currency| money(problems, line, "allocated_amount", value, currency));
            match amount {
                Some(amount) => Ok(Some(Requested {
                    line,
                    number: number.to_owned(),
                    amount,
                })),
                None => Err(()),
            }
        }
    };
    let (
        Some(external_id),
        Some((customer, customer_code)),
        Some(received_on),
        Some(currency),
        Some(amount),
        Some(method),
        Ok(reference),
        Ok(requested),
    ) = (
        external_id,
        customer,
        received_on,
        currency,
        amount,
        method,
        reference,
        requested,
    )
    else {
        return None;
    };
    Some(Parsed {
        external_id,
        customer: customer.id,
        customer_code,
        received_on,
        amount,
        currency,
        currency_given: row.currency.is_some(),
        method,
        reference,
        requested,
    })
}

/// The file's payments, in file order, each gathered from its rows.
fn gather(
    problems: &mut Problems,
    table: &Table<PaymentRow>,
    customers: &HashMap<String, CustomerTerms>,
    today: NaiveDate,
) -> Vec<Draft> {
    let mut drafts: Vec<Draft> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for (line, row) in table {
        let line = *line;
        let known = row
            .external_id
            .as_deref()
            .and_then(|id| by_id.get(id).copied());
        let before = problems.0.len();
        let currency_so_far = known.map(|at| drafts[at].currency);
        let parsed = parse_row(problems, line, row, customers, today, currency_so_far);
        let troubled = problems.0.len() > before;
        let Some(parsed) = parsed else {
            if let Some(at) = known {
                drafts[at].broken = true;
            }
            continue;
        };
        let Some(at) = known else {
            by_id.insert(parsed.external_id.clone(), drafts.len());
            drafts.push(Draft::new(parsed, line, troubled));
            continue;
        };
        let draft = &mut drafts[at];
        let differences = draft.differences(&parsed);
        for column in &differences {
            problems.add(
                line,
                column,
                Reason::ImportPaymentRowsDiffer {
                    external_id: draft.external_id.clone(),
                    first_line: u32::try_from(draft.first_line).unwrap_or(u32::MAX),
                },
            );
        }
        draft.broken |= troubled || !differences.is_empty();
        draft.requested.extend(parsed.requested);
    }
    drafts
}

/// Where a refused allocation of `draft` is reported, and why, in `recordPayment`'s words: on
/// the row of the allocation at fault, or on its last when they add up to too much.
fn allocation_problem(draft: &Draft, error: &AllocationError) -> (usize, &'static str, Reason) {
    let currency = draft.currency.code();
    let row = |index: usize| {
        draft
            .requested
            .get(index)
            .map_or(draft.first_line, |requested| requested.line)
    };
    match error {
        AllocationError::NotPositive => (draft.first_line, "amount", Reason::NotPositive {}),
        AllocationError::LineNotPositive { index } => {
            (row(*index), "allocated_amount", Reason::NotPositive {})
        }
        AllocationError::NotOpen { index } => (
            row(*index),
            "invoice_number",
            Reason::PaymentAllocationNotOpen {},
        ),
        AllocationError::Duplicate { index } => {
            (row(*index), "invoice_number", Reason::Duplicate {})
        }
        AllocationError::AboveBalance {
            index,
            amount,
            balance,
        } => (
            row(*index),
            "allocated_amount",
            Reason::PaymentAllocationOverBalance {
                amount: amount_string(*amount, currency),
                balance: amount_string(*balance, currency),
            },
        ),
        AllocationError::AboveAmount { allocated, amount } => (
            row(draft.requested.len().saturating_sub(1)),
            "allocated_amount",
            Reason::PaymentAllocationsOverAmount {
                allocated: amount_string(*allocated, currency),
                available: amount_string(*amount, currency),
            },
        ),
    }
}

/// The open invoices of the customers paid, by customer and currency, with what is left of
/// each as the file's payments take their parts.
type Ledger = HashMap<(Uuid, Currency), Vec<OpenItem>>;

/// What one payment allocates: its id, and each invoice's part.
type Planned = (Uuid, Vec<(Uuid, Decimal)>);

fn take(ledger: &mut Ledger, key: (Uuid, Currency), lines: &[(Uuid, Decimal)]) {
    let Some(items) = ledger.get_mut(&key) else {
        return;
    };
    for (invoice, part) in lines {
        if let Some(item) = items.iter_mut().find(|item| item.invoice_id == *invoice) {
            item.balance -= *part;
        }
    }
}

/// What each new payment allocates: first the allocations the rows ask for, checked as
/// `recordPayment` checks them, then, for the payments without any, the oldest due invoices
/// first (payments received earlier first); each payment sees the balances the ones before it
/// left. Problems are reported on their rows.
fn allocations(
    problems: &mut Problems,
    drafts: &[&Draft],
    open: Vec<OpenInvoice>,
    named: &HashMap<String, NamedInvoice>,
) -> Vec<Planned> {
    let mut ledger = Ledger::new();
    for invoice in open {
        ledger
            .entry((invoice.customer_id, invoice.currency))
            .or_default()
            .push(OpenItem {
                invoice_id: invoice.id,
                due_date: invoice.due_date,
                number: invoice.number,
                balance: invoice.balance_due,
            });
    }
    let mut planned = Vec::new();
    for draft in drafts
        .iter()
        .filter(|draft| !draft.broken && !draft.requested.is_empty())
    {
        let mut lines = Vec::with_capacity(draft.requested.len());
        for requested in &draft.requested {
            let number = requested.number.clone();
            match named.get(&requested.number) {
                None => problems.add(
                    requested.line,
                    "invoice_number",
                    Reason::ImportUnknownInvoice { number },
                ),
                Some(invoice) if invoice.customer_id != draft.customer => problems.add(
                    requested.line,
                    "invoice_number",
                    Reason::ImportInvoiceOfAnotherCustomer {
                        number,
                        code: draft.customer_code.clone(),
                    },
                ),
                Some(invoice) => lines.push((invoice.id, requested.amount)),
            }
        }
        if lines.len() < draft.requested.len() {
            continue;
        }
        let key = (draft.customer, draft.currency);
        let open = ledger.get(&key).map(Vec::as_slice).unwrap_or(&[]);
        match allocate(draft.amount, open, &Instruction::Explicit(lines)) {
            Ok(split) => {
                take(&mut ledger, key, &split.lines);
                planned.push((draft.id, split.lines));
            }
            Err(error) => {
                let (line, column, reason) = allocation_problem(draft, &error);
                problems.add(line, column, reason);
            }
        }
    }
    let mut oldest_first: Vec<&Draft> = drafts
        .iter()
        .copied()
        .filter(|draft| !draft.broken && draft.requested.is_empty())
        .collect();
    oldest_first.sort_by_key(|draft| (draft.received_on, draft.first_line));
    for draft in oldest_first {
        let key = (draft.customer, draft.currency);
        let open = ledger.get(&key).map(Vec::as_slice).unwrap_or(&[]);
        match allocate(draft.amount, open, &Instruction::OldestDueFirst) {
            Ok(split) if split.lines.is_empty() => {}
            Ok(split) => {
                take(&mut ledger, key, &split.lines);
                planned.push((draft.id, split.lines));
            }
            Err(error) => {
                let (line, column, reason) = allocation_problem(draft, &error);
                problems.add(line, column, reason);
            }
        }
    }
    planned
}

fn count(value: usize) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

pub async fn import_payments(
    db: &sea_orm::DatabaseConnection,
    caller: &Caller,
    source: CsvSource,
    dry_run: bool,
    request_id: &str,
) -> Result<ImportReport, AppError> {
    caller.authorize(Permission::ManagePayments)?;
    let tenant = caller.require_tenant()?;
    let today = db::tenant_calendar(db, tenant).await?.today;
    let table = match table::<PaymentRow>(source, &PAYMENT_COLUMNS).await? {
        Ok(table) => table,
        Err(problems) => return Ok(report(0, 0, dry_run, problems)),
    };
    let tx = TenantTx::begin(db, tenant).await?;
    let customers: HashMap<String, CustomerTerms> = store::customer_terms(&*tx)
        .await?
        .into_iter()
        .map(|row| (row.code.clone(), row))
        .collect();
    let mut problems = Problems(Vec::new());
    let drafts = gather(&mut problems, &table, &customers, today);
    let external_ids: Vec<String> = drafts
        .iter()
        .map(|draft| draft.external_id.clone())
        .collect();
    let recorded: HashSet<String> = store::recorded_payments(&*tx, &external_ids)
        .await?
        .into_iter()
        .map(|row| row.code)
        .collect();
    let (skipped, new): (Vec<&Draft>, Vec<&Draft>) = drafts
        .iter()
        .partition(|draft| recorded.contains(&draft.external_id));
    // The customers paid, then their open invoices, locked in id order before anything is
    // checked against them.
    let mut paid: Vec<Uuid> = new
        .iter()
        .map(|draft| draft.customer)
        .collect::<HashSet<Uuid>>()
        .into_iter()
        .collect();
    paid.sort_unstable();
    let open = store::lock_customers_and_open_invoices(&*tx, &paid).await?;
    let numbers: Vec<String> = new
        .iter()
        .flat_map(|draft| draft.requested.iter())
        .map(|requested| requested.number.clone())
        .collect::<HashSet<String>>()
        .into_iter()
        .collect();
    let named: HashMap<String, NamedInvoice> = store::invoices_by_number(&*tx, &numbers)
        .await?
        .into_iter()
        .map(|invoice| (invoice.number.clone(), invoice))
        .collect();
    let planned = allocations(&mut problems, &new, open, &named);
    let rows = table.len();
    if !problems.0.is_empty() || dry_run {
        tx.rollback().await?;
        return Ok(ImportReport {
            skipped: count(skipped.len()),
            ..report(rows, 0, dry_run, problems.0)
        });
    }
    let actor = audit::actor_of(db, caller).await?;
    let records: Vec<serde_json::Value> = new
        .iter()
        .map(|draft| {
            json!({
                "id": draft.id, "customer_id": draft.customer, "amount": draft.amount.to_string(),
                "currency": draft.currency.code(), "received_on": draft.received_on,
                "method": draft.method.as_str(), "reference": draft.reference,
                "external_id": draft.external_id,
            })
        })
        .collect();
    store::insert_payments(&*tx, &records, actor.label())
        .await
        .map_err(|error| {
            if db::violated_constraint(&error).as_deref() == Some("payments_external_id_key") {
                AppError::from(ImportError::PaymentRecordedMeanwhile)
            } else {
                AppError::from(error)
            }
        })?;
    let mut allocated = 0;
    for (payment, lines) in &planned {
        let lines: Vec<(Uuid, Uuid, Decimal)> = lines
            .iter()
            .map(|(invoice, part)| (*payment, *invoice, *part))
            .collect();
        allocated += lines.len();
        crate::payments::store::write_allocations(&tx, &lines, &actor, Uuid::now_v7()).await?;
    }
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "payments.imported",
            entity_type: "payment",
            entity_id: None,
            before: None,
            after: Some(json!({
                "count": new.len(), "skipped": skipped.len(), "allocations": allocated,
            })),
            request_id: Some(request_id),
        },
    )
    .await?;
    // Payments change how customers pay: their ratings follow at once.
    if paid.len() <= RATE_ONE_BY_ONE {
        for customer in &paid {
            crate::analytics::ratings::rate_customers(&*tx, today, Some(*customer)).await?;
        }
    } else {
        crate::analytics::ratings::rate_customers(&*tx, today, None).await?;
    }
    tx.commit().await?;
    Ok(ImportReport {
        skipped: count(skipped.len()),
        ..report(rows, new.len(), false, Vec::new())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::terms::TermsKind;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn customers() -> HashMap<String, CustomerTerms> {
        ["c-1", "c-2"]
            .into_iter()
            .map(|code| {
                let terms = CustomerTerms {
                    id: Uuid::now_v7(),
                    code: code.to_owned(),
                    currency: Currency::CNY,
                    terms_kind: TermsKind::Net,
                    terms_days: 30,
                    archived: false,
                };
                (code.to_owned(), terms)
            })
            .collect()
    }

    /// A row from its nine cells, in the columns' order; an empty text is an empty cell.
    fn row(cells: [&str; 9]) -> PaymentRow {
        let cell = |at: usize| -> Cell { Some(cells[at]).filter(|c| !c.is_empty()).map(Box::from) };
        PaymentRow {
            external_id: cell(0),
            customer_code: cell(1),
            received_on: cell(2),
            amount: cell(3),
            currency: cell(4),
            method: cell(5),
            reference: cell(6),
            invoice_number: cell(7),
            allocated_amount: cell(8),
        }
    }

    fn open_invoice(customer: Uuid, number: &str, due: &str, balance: i64) -> OpenInvoice {
        OpenInvoice {
            id: Uuid::now_v7(),
            customer_id: customer,
            currency: Currency::CNY,
            due_date: day(due),
            number: number.to_owned(),
            balance_due: Decimal::from(balance),
        }
    }

    fn named(customer: Uuid, open: &[OpenInvoice]) -> HashMap<String, NamedInvoice> {
        open.iter()
            .map(|invoice| {
                let named = NamedInvoice {
                    id: invoice.id,
                    number: invoice.number.clone(),
                    customer_id: customer,
                };
                (invoice.number.clone(), named)
            })
            .collect()
    }

    /// The problems as (row, column, reason).
    fn found(problems: &Problems) -> Vec<(i32, String, String)> {
        problems
            .0
            .iter()
            .map(|p| (p.row, p.column.clone(), p.reason.name()))
            .collect()
    }

    #[test]
    fn a_later_row_that_disagrees_with_its_payment_names_each_column() {
        let customers = customers();
        let table = vec![
            (
                2,
                row([
                    "P-1",
                    "C-1",
                    "2026-02-01",
                    "100",
                    "",
                    "BANK_TRANSFER",
                    "TT-1",
                    "A-1",
                    "60",
                ]),
            ),
            (
                3,
                row([
                    "P-1",
                    "c-1",
                    "2026-02-01",
                    "100.00",
                    "CNY",
                    "bank transfer",
                    "",
                    "A-2",
                    "40",
                ]),
            ),
            (
                4,
                row(["P-2", "C-1", "2026-02-01", "50", "", "CASH", "", "", ""]),
            ),
            (
                5,
                row(["P-2", "C-2", "2026-02-02", "50", "", "Cash", "R-2", "", ""]),
            ),
        ];
        let mut problems = Problems(Vec::new());
        let drafts = gather(&mut problems, &table, &customers, day("2026-03-01"));
        let differ = "IMPORT_PAYMENT_ROWS_DIFFER".to_owned();
        assert_eq!(
            found(&problems),
            [
                (5, "customer_code".to_owned(), differ.clone()),
                (5, "received_on".to_owned(), differ.clone()),
                (5, "reference".to_owned(), differ),
            ]
        );
        assert_eq!(problems.0[0].reason.params()["firstLine"], 4);
        assert_eq!(drafts.len(), 2);
        assert!(!drafts[0].broken, "the same payment in other words");
        assert_eq!(drafts[0].requested.len(), 2);
        assert_eq!(drafts[0].reference.as_deref(), Some("TT-1"));
        assert_eq!(drafts[0].method, PaymentMethod::BankTransfer);
        assert!(drafts[1].broken);
    }

    #[test]
    fn a_row_is_checked_cell_by_cell() {
        let customers = customers();
        let table = vec![
            (
                2,
                row(["P-1", "C-1", "2026-03-02", "10", "", "WIRE", "", "", ""]),
            ),
            (
                3,
                row([
                    "P-2",
                    "C-1",
                    "2026-02-01",
                    "10.001",
                    "",
                    "CASH",
                    "",
                    "A-1",
                    "",
                ]),
            ),
            (
                4,
                row(["P-3", "C-1", "2026-02-01", "-5", "XYZ", "CASH", "", "", "5"]),
            ),
            (
                5,
                row(["", "C-9", "2026-02-01", "10", "", "CASH", "", "", ""]),
            ),
        ];
        let mut problems = Problems(Vec::new());
        let drafts = gather(&mut problems, &table, &customers, day("2026-03-01"));
        let at = |row: i32, column: &str| -> String {
            found(&problems)
                .into_iter()
                .find(|(r, c, _)| *r == row && c == column)
                .map(|(_, _, reason)| reason)
                .unwrap_or_else(|| panic!("no problem at {row} {column}: {:?}", problems.0))
        };
        assert_eq!(at(2, "received_on"), "DATE_OUT_OF_RANGE");
        assert_eq!(at(2, "method"), "NOT_ONE_OF");
        assert_eq!(at(3, "amount"), "TOO_MANY_DECIMALS");
        assert_eq!(at(3, "allocated_amount"), "IMPORT_ALLOCATION_INCOMPLETE");
        assert_eq!(at(4, "currency"), "UNKNOWN_CURRENCY");
        assert_eq!(at(4, "invoice_number"), "IMPORT_ALLOCATION_INCOMPLETE");
        assert_eq!(at(5, "external_id"), "REQUIRED");
        assert_eq!(at(5, "customer_code"), "IMPORT_UNKNOWN_CUSTOMER");
        assert!(drafts.is_empty(), "no row makes a payment");
    }

    #[test]
    fn payments_without_invoice_rows_take_the_oldest_due_after_the_named_allocations() {
        let customers = customers();
        let customer = customers["c-1"].id;
        let open = vec![
            open_invoice(customer, "A-1", "2026-01-10", 100),
            open_invoice(customer, "A-2", "2026-02-10", 100),
        ];
        let (older, newer) = (open[0].id, open[1].id);
        let named = named(customer, &open);
        // The payment without invoice rows comes first in the file; the one naming A-1
        // still gets what it names.
        let table = vec![
            (
                2,
                row(["P-1", "C-1", "2026-02-01", "150", "", "CASH", "", "", ""]),
            ),
            (
                3,
                row([
                    "P-2",
                    "C-1",
                    "2026-02-20",
                    "80",
                    "",
                    "CASH",
                    "",
                    "A-1",
                    "80",
                ]),
            ),
        ];
        let mut problems = Problems(Vec::new());
        let drafts = gather(&mut problems, &table, &customers, day("2026-03-01"));
        let drafts: Vec<&Draft> = drafts.iter().collect();
        let planned = allocations(&mut problems, &drafts, open, &named);
        assert!(problems.0.is_empty(), "{:?}", problems.0);
        assert_eq!(
            planned,
            [
                (drafts[1].id, vec![(older, Decimal::from(80))]),
                (
                    drafts[0].id,
                    vec![(older, Decimal::from(20)), (newer, Decimal::from(100))]
                ),
            ]
        );
    }

    #[test]
    fn a_refused_allocation_is_reported_on_the_row_at_fault() {
        let customers = customers();
        let customer = customers["c-1"].id;
        let open = vec![open_invoice(customer, "A-1", "2026-01-10", 100)];
        let named = named(customer, &open);
        let table = vec![
            (
                2,
                row([
                    "P-1",
                    "C-1",
                    "2026-02-01",
                    "100",
                    "",
                    "CASH",
                    "",
                    "A-1",
                    "60",
                ]),
            ),
            (
                3,
                row([
                    "P-1",
                    "C-1",
                    "2026-02-01",
                    "100",
                    "",
                    "CASH",
                    "",
                    "A-1",
                    "30",
                ]),
            ),
            (
                4,
                row([
                    "P-2",
                    "C-1",
                    "2026-02-01",
                    "50",
                    "",
                    "CASH",
                    "",
                    "A-1",
                    "70",
                ]),
            ),
            (
                5,
                row([
                    "P-3",
                    "C-1",
                    "2026-02-01",
                    "500",
                    "",
                    "CASH",
                    "",
                    "A-1",
                    "120",
                ]),
            ),
            (
                6,
                row([
                    "P-4",
                    "C-1",
                    "2026-02-01",
                    "10",
                    "",
                    "CASH",
                    "",
                    "A-9",
                    "10",
                ]),
            ),
        ];
        let mut problems = Problems(Vec::new());
        let drafts = gather(&mut problems, &table, &customers, day("2026-03-01"));
        let drafts: Vec<&Draft> = drafts.iter().collect();
        let planned = allocations(&mut problems, &drafts, open, &named);
        assert!(planned.is_empty());
        let reasons: Vec<(i32, String, String)> = found(&problems);
        let expected = [
            (3, "invoice_number", "DUPLICATE"),
            (4, "allocated_amount", "PAYMENT_ALLOCATIONS_OVER_AMOUNT"),
            (5, "allocated_amount", "PAYMENT_ALLOCATION_OVER_BALANCE"),
            (6, "invoice_number", "IMPORT_UNKNOWN_INVOICE"),
        ]
        .map(|(row, column, reason)| (row, column.to_owned(), reason.to_owned()));
        assert_eq!(reasons, expected);
        assert_eq!(
            problems.0[2].message,
            "120.00 is more than the invoice's balance of 100.00"
        );
        assert_eq!(
            problems.0[1].message,
            "the allocations add up to 70.00, more than the 50.00 available"
        );
    }
}
