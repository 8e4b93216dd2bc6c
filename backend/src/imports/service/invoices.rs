//! Importing issued invoices, one row per line: gathering each invoice's rows, checking them
//! (customers, dates, numbers and references unique in the file and the company, prices),
//! then writing the invoices and their lines.

use super::table::{Columns, table};
use super::{Cell, CsvSource, ImportReport, Problems, date, decimal, report};
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::db::{self, TenantTx};
use crate::error::AppError;
use crate::imports::ImportError;
use crate::imports::store::{self, CustomerTerms};
use chrono::NaiveDate;
use domain::Currency;
use domain::access::Permission;
use domain::invoices::{LineInput, price_lines, valid_number};
use domain::reason::Reason;
use domain::terms::PaymentTerms;
use rust_decimal::Decimal;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

pub(super) const INVOICE_COLUMNS: Columns = Columns {
    known: &[
        "number",
        "customer_code",
        "issue_date",
        "due_date",
        "currency",
        "description",
        "quantity",
        "unit_price",
        "tax_rate",
        "external_ref",
    ],
    required: &[
        "number",
        "customer_code",
        "issue_date",
        "description",
        "quantity",
        "unit_price",
    ],
};

/// A row of an invoice file (one invoice line), by header name.
#[derive(Debug, serde::Deserialize)]
pub(super) struct InvoiceRow {
    number: Cell,
    customer_code: Cell,
    issue_date: Cell,
    due_date: Cell,
    currency: Cell,
    description: Cell,
    quantity: Cell,
    unit_price: Cell,
    tax_rate: Cell,
    external_ref: Cell,
}

/// One invoice gathered from its rows.
struct Draft {
    first_line: usize,
    number: String,
    customer: Uuid,
    issue_date: NaiveDate,
    due_date: NaiveDate,
    currency: Currency,
    external_ref: Option<String>,
    lines: Vec<LineInput>,
    /// The file line of each invoice line, for reporting.
    line_rows: Vec<usize>,
}

fn tax_rate(problems: &mut Problems, line: usize, value: Option<&str>) -> Decimal {
    let Some(value) = value else {
        return Decimal::ZERO;
    };
    let (text, percent) = match value.strip_suffix('%') {
        Some(text) => (text.trim(), true),
        None => (value, false),
    };
    match decimal(problems, line, "tax_rate", text) {
        Some(rate) if percent => rate / Decimal::ONE_HUNDRED,
        Some(rate) if rate > Decimal::ONE => {
            problems.add(
                line,
                "tax_rate",
                Reason::ImportTaxRateAmbiguous {
                    value: value.to_owned(),
                },
            );
            Decimal::ZERO
        }
        Some(rate) => rate,
        None => Decimal::ZERO,
    }
}

pub async fn import_invoices(
    db: &sea_orm::DatabaseConnection,
    caller: &Caller,
    source: CsvSource,
    dry_run: bool,
    request_id: &str,
) -> Result<ImportReport, AppError> {
    caller.authorize(Permission::ManageInvoices)?;
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let plan = crate::billing::plans::plan_in_force(db, tenant).await?;
    let table = match table::<InvoiceRow>(source, &INVOICE_COLUMNS).await? {
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
    // Invoices by number, in file order.
    let mut drafts: BTreeMap<String, Draft> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for (line, row) in &table {
        let line = *line;
        let number = row.number.as_deref().unwrap_or("");
        if !valid_number(number) {
            problems.add(
                line,
                "number",
                Reason::InvalidCharacters {
                    symbols: "-, /, _ or .".to_owned(),
                    max: Some(40),
                },
            );
            continue;
        }
        let code = row.customer_code.as_deref().unwrap_or("").to_lowercase();
        let Some(customer) = customers.get(&code) else {
            problems.add(
                line,
                "customer_code",
                Reason::ImportUnknownCustomer { code: code.clone() },
            );
            continue;
        };
        if customer.archived {
            problems.add(line, "customer_code", Reason::CustomerArchived {});
        }
        let Some(issue_date) = row
            .issue_date
            .as_deref()
            .and_then(|v| date(&mut problems, line, "issue_date", v))
        else {
            if row.issue_date.as_deref().is_none() {
                problems.add(line, "issue_date", Reason::Required {});
            }
            continue;
        };
        let terms = PaymentTerms::new(customer.terms_kind, i64::from(customer.terms_days))
            .map_err(|error| {
                anyhow::Error::from(error)
                    .context(format!("the stored terms of customer {}", customer.id))
            })?;
        let due_date = match row.due_date.as_deref() {
            Some(value) => date(&mut problems, line, "due_date", value).unwrap_or(issue_date),
            None => terms.due_date(issue_date),
        };
        if due_date < issue_date {
            problems.add(line, "due_date", Reason::DueBeforeIssue { issue_date });
        }
        let currency = match row.currency.as_deref() {
            None => customer.currency,
            Some(code) => match code.to_uppercase().parse::<Currency>() {
                Ok(currency) => currency,
                Err(_) => {
                    problems.add(
                        line,
                        "currency",
                        Reason::UnknownCurrency {
                            value: code.to_uppercase(),
                        },
                    );
                    continue;
                }
            },
        };
        let quantity = row
            .quantity
            .as_deref()
            .and_then(|v| decimal(&mut problems, line, "quantity", v));
        let unit_price = row
            .unit_price
            .as_deref()
            .and_then(|v| decimal(&mut problems, line, "unit_price", v));
        let rate = tax_rate(&mut problems, line, row.tax_rate.as_deref());
        let (Some(quantity), Some(unit_price)) = (quantity, unit_price) else {
            for (column, cell) in [("quantity", &row.quantity), ("unit_price", &row.unit_price)] {
                if cell.is_none() {
                    problems.add(line, column, Reason::Required {});
                }
            }
            continue;
        };
        let line_input = LineInput {
            description: row.description.as_deref().unwrap_or("").to_owned(),
            quantity,
            unit_price,
            tax_rate: rate,
        };
        match drafts.get_mut(number) {
            Some(draft) => {
                let external_ref = row.external_ref.as_deref().map(str::to_owned);
                if draft.customer != customer.id
                    || draft.issue_date != issue_date
                    || draft.currency != currency
                    || draft.due_date != due_date
                    || (external_ref.is_some() && external_ref != draft.external_ref)
                {
                    problems.add(
                        line,
                        "number",
                        Reason::ImportInvoiceRowsDiffer {
                            number: number.to_owned(),
                            first_line: u32::try_from(draft.first_line).unwrap_or(u32::MAX),
                        },
                    );
                }
                draft.lines.push(line_input);
                draft.line_rows.push(line);
            }
            None => {
                order.push(number.to_owned());
                drafts.insert(
                    number.to_owned(),
                    Draft {
                        first_line: line,
                        number: number.to_owned(),
                        customer: customer.id,
                        issue_date,
                        due_date,
                        currency,
                        external_ref: row.external_ref.as_deref().map(str::to_owned),
                        lines: vec![line_input],
                        line_rows: vec![line],
                    },
                );
            }
        }
    }
    // Numbers and external references already taken.
    let taken = store::taken_numbers(&*tx, &order).await?;
    for row in taken {
        if let Some(draft) = drafts.get(&row.code) {
            problems.add(
                draft.first_line,
                "number",
                Reason::ImportInvoiceExists {
                    number: row.code.clone(),
                },
            );
        }
    }
    // External references: unique in the file and in the company.
    let mut references: HashMap<&str, &str> = HashMap::new();
    for number in &order {
        let Some(draft) = drafts.get(number) else {
            continue;
        };
        if let Some(reference) = draft.external_ref.as_deref()
            && let Some(other) = references.insert(reference, number)
        {
            problems.add(
                draft.first_line,
                "external_ref",
                Reason::ImportReferenceRepeated {
                    reference: reference.to_owned(),
                    number: other.to_owned(),
                },
            );
        }
    }
    let used =
        store::used_references(&*tx, &references.keys().copied().collect::<Vec<_>>()).await?;
    for row in used {
        if let Some(number) = references.get(row.code.as_str())
            && let Some(draft) = drafts.get(*number)
        {
            problems.add(
                draft.first_line,
                "external_ref",
                Reason::ImportReferenceTaken {
                    reference: row.code.clone(),
                },
            );
        }
    }
    let mut invoices = Vec::with_capacity(drafts.len());
    let mut lines = Vec::new();
    for number in &order {
        let Some(draft) = drafts.get(number) else {
            continue;
        };
        match price_lines(&draft.lines, draft.currency) {
            Ok((priced, totals)) => {
                let id = Uuid::now_v7();
                invoices.push(json!({
                    "id": id, "customer_id": draft.customer, "number": draft.number,
                    "issue_date": draft.issue_date, "due_date": draft.due_date, "currency": draft.currency.code(),
                    "subtotal": totals.subtotal.amount.to_string(), "tax_total": totals.tax.amount.to_string(),
                    "total": totals.total.amount.to_string(), "external_ref": draft.external_ref,
                }));
                for (position, line) in priced.iter().enumerate() {
                    lines.push(json!({
                        "id": Uuid::now_v7(), "invoice_id": id, "position": position,
                        "description": line.description, "quantity": line.quantity.to_string(),
                        "unit_price": line.unit_price.to_string(), "tax_rate": line.tax_rate.to_string(),
                        "net": line.net.to_string(), "tax": line.tax.to_string(), "total": line.total.to_string(),
                    }));
                }
            }
            Err(error) => {
                let column = match error.field().rsplit('.').next() {
                    Some("quantity") => "quantity",
                    Some("unitPrice") => "unit_price",
                    Some("taxRate") => "tax_rate",
                    Some("description") => "description",
                    _ => "",
                };
                let index = error
                    .field()
                    .trim_start_matches("lines[")
                    .split(']')
                    .next()
                    .and_then(|i| i.parse::<usize>().ok());
                let row = index
                    .and_then(|i| draft.line_rows.get(i))
                    .copied()
                    .unwrap_or(draft.first_line);
                problems.add_for_invoice(
                    row,
                    column,
                    number,
                    crate::invoices::errors::line_reason(&error),
                );
            }
        }
    }
    let rows = table.len();
    if !problems.0.is_empty() || dry_run {
        tx.rollback().await?;
        return Ok(report(rows, 0, dry_run, problems.0));
    }
    crate::billing::plans::admit_tenant(
        &tx,
        plan,
        &calendar.time_zone,
        domain::billing::Limit::InvoicesPerMonth,
        u64::try_from(order.len()).unwrap_or(u64::MAX),
    )
    .await?;
    store::insert_invoices(&*tx, &invoices).await.map_err(
        |error| match db::violated_constraint(&error).as_deref() {
            Some("invoices_external_ref_key" | "invoices_number_key") => {
                AppError::from(ImportError::InvoiceNumberTakenMeanwhile)
            }
            _ => AppError::from(error),
        },
    )?;
    store::insert_invoice_lines(&*tx, &lines).await?;
    let actor = audit::actor_of(db, caller).await?;
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "invoices.imported",
            entity_type: "invoice",
            entity_id: None,
            before: None,
            after: Some(json!({ "count": invoices.len(), "lines": lines.len() })),
            request_id: Some(request_id),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(report(rows, invoices.len(), false, Vec::new()))
}
