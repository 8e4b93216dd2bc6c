//! CSV import of customers and invoices: every row is checked first and every problem reported
//! with its row and column; then everything is written in one transaction, or nothing is.
//!
//! Rows go to the database as one JSON parameter per statement (`json_to_recordset`), so
//! 100,000 invoices are a handful of statements, not 100,000 round trips.
//!
//! Customers: `code,name,tax_id,currency,payment_terms_days,payment_terms_kind,credit_limit,
//! segment,contact_name,contact_email,contact_phone,billing_address` (only `code` and `name`
//! are required). Invoices, one row per line, rows of one invoice sharing its number:
//! `number,customer_code,issue_date,due_date,currency,description,quantity,unit_price,
//! tax_rate,external_ref` (`due_date` from the customer's terms when empty, `currency` the
//! customer's, `tax_rate` a fraction or a percentage such as `13%`). Imported invoices are
//! issued as they are in the source system: their numbers are kept and the credit policy,
//! which applies to new sales, is not re-run on them.

use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::db::{self, TenantTx};
use crate::error::{ApiResult, AppError, IntoApi};
use crate::identity::graphql::{request, services};
use async_graphql::{Context, InputObject, Object, SimpleObject};
use chrono::NaiveDate;
use domain::Currency;
use domain::access::Permission;
use domain::invoices::{LineInput, price_lines, valid_number};
use domain::terms::{PaymentTerms, TermsKind};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

/// Rows in one file, at most.
pub const MAX_ROWS: usize = 200_000;
/// Problems reported, at most (the import fails at the first anyway).
const MAX_ERRORS: usize = 500;
/// Rows per INSERT statement.
const CHUNK: usize = 20_000;

#[derive(SimpleObject, Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportProblem {
    /// The line of the file (the header is line 1).
    pub row: i32,
    /// The column's header name, or empty for a problem with the whole row.
    pub column: String,
    pub message: String,
}

#[derive(SimpleObject, Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// Rows in the file (without the header).
    pub rows: i32,
    /// Customers or invoices written; 0 when there were problems or it was a dry run.
    pub imported: i32,
    pub dry_run: bool,
    pub problems: Vec<ImportProblem>,
}

struct Problems(Vec<ImportProblem>);

impl Problems {
    fn add(&mut self, row: usize, column: &str, message: impl Into<String>) {
        if self.0.len() < MAX_ERRORS {
            self.0.push(ImportProblem {
                row: i32::try_from(row).unwrap_or(i32::MAX),
                column: column.to_owned(),
                message: message.into(),
            });
        }
    }
}

/// The file's rows as maps from header name to value, with their line numbers.
struct Table {
    rows: Vec<(usize, HashMap<String, String>)>,
}

fn table(csv: &str, required: &[&str], known: &[&str]) -> Result<Table, Vec<ImportProblem>> {
    let mut problems = Problems(Vec::new());
    let parsed = match crate::csv::parse_limited(csv, MAX_ROWS + 1, 64) {
        Ok(rows) => rows,
        Err(error) => {
            problems.add(error.line, "", error.message);
            return Err(problems.0);
        }
    };
    let mut rows = parsed.into_iter();
    let Some((_, header)) = rows.next() else {
        problems.add(
            1,
            "",
            format!(
                "the file is empty; the first row names the columns: {}",
                known.join(",")
            ),
        );
        return Err(problems.0);
    };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    for name in &header {
        if !known.contains(&name.as_str()) {
            problems.add(
                1,
                name,
                format!("unknown column; the columns are {}", known.join(",")),
            );
        }
    }
    for name in required {
        if !header.iter().any(|h| h == name) {
            problems.add(1, name, "this column is required");
        }
    }
    if !problems.0.is_empty() {
        return Err(problems.0);
    }
    let body: Vec<_> = rows.collect();
    if body.len() > MAX_ROWS {
        problems.add(1, "", format!("at most {MAX_ROWS} rows per file"));
        return Err(problems.0);
    }
    let mut out = Vec::with_capacity(body.len());
    for (line, cells) in body {
        if cells.len() != header.len() {
            problems.add(
                line,
                "",
                format!("{} cells, but the header has {}", cells.len(), header.len()),
            );
            continue;
        }
        out.push((
            line,
            header
                .iter()
                .cloned()
                .zip(cells.into_iter().map(|cell| cell.trim().to_owned()))
                .collect(),
        ));
    }
    if !problems.0.is_empty() {
        return Err(problems.0);
    }
    Ok(Table { rows: out })
}

fn get<'a>(row: &'a HashMap<String, String>, column: &str) -> Option<&'a str> {
    row.get(column)
        .map(String::as_str)
        .filter(|value| !value.is_empty())
}

fn decimal(problems: &mut Problems, line: usize, column: &str, value: &str) -> Option<Decimal> {
    let parsed = Decimal::from_str_exact(&value.replace(',', ""));
    if parsed.is_err() {
        problems.add(line, column, format!("`{value}` is not a number"));
    }
    parsed.ok()
}

fn date(problems: &mut Problems, line: usize, column: &str, value: &str) -> Option<NaiveDate> {
    let parsed = NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(value, "%Y/%m/%d"));
    if parsed.is_err() {
        problems.add(
            line,
            column,
            format!("`{value}` is not a date; use YYYY-MM-DD"),
        );
    }
    parsed.ok()
}

fn report(
    rows: usize,
    imported: usize,
    dry_run: bool,
    problems: Vec<ImportProblem>,
) -> ImportReport {
    ImportReport {
        rows: i32::try_from(rows).unwrap_or(i32::MAX),
        imported: i32::try_from(imported).unwrap_or(i32::MAX),
        dry_run,
        problems,
    }
}

const CUSTOMER_COLUMNS: [&str; 12] = [
    "code",
    "name",
    "tax_id",
    "currency",
    "payment_terms_days",
    "payment_terms_kind",
    "credit_limit",
    "segment",
    "contact_name",
    "contact_email",
    "contact_phone",
    "billing_address",
];

pub async fn import_customers(
    db: &sea_orm::DatabaseConnection,
    caller: &Caller,
    csv: &str,
    dry_run: bool,
    request_id: &str,
) -> Result<ImportReport, AppError> {
    caller.authorize(Permission::ManageCustomers)?;
    let may_set_limits = caller.authorize(Permission::ManageCreditPolicy).is_ok();
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let plan = crate::billing::plans::plan_in_force(db, tenant).await?;
    let table = match table(csv, &["code", "name"], &CUSTOMER_COLUMNS) {
        Ok(table) => table,
        Err(problems) => return Ok(report(0, 0, dry_run, problems)),
    };
    let tx = TenantTx::begin(db, tenant).await?;
    let existing: HashSet<String> = CodeRow::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        "SELECT lower(code) AS code FROM customers",
    ))
    .all(&*tx)
    .await?
    .into_iter()
    .map(|row| row.code)
    .collect();
    let mut problems = Problems(Vec::new());
    let mut seen = HashSet::new();
    let mut records = Vec::with_capacity(table.rows.len());
    let mut contacts = Vec::new();
    for (line, row) in &table.rows {
        let line = *line;
        let code = get(row, "code").unwrap_or("");
        let name = get(row, "name").unwrap_or("");
        if code.is_empty()
            || code.chars().count() > 40
            || !code
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        {
            problems.add(
                line,
                "code",
                "give 1 to 40 letters, digits, `-`, `_`, `.` or `/`",
            );
        } else if existing.contains(&code.to_lowercase()) {
            problems.add(
                line,
                "code",
                format!("a customer with code {code} exists already"),
            );
        } else if !seen.insert(code.to_lowercase()) {
            problems.add(line, "code", format!("{code} appears twice in the file"));
        }
        if name.is_empty() || name.chars().count() > 200 {
            problems.add(line, "name", "give 1 to 200 characters");
        }
        let currency = match get(row, "currency") {
            Some(code) => match code.to_uppercase().parse::<Currency>() {
                Ok(currency) => currency,
                Err(error) => {
                    problems.add(line, "currency", error.to_string());
                    continue;
                }
            },
            None => calendar.base_currency.parse().unwrap_or(Currency::CNY),
        };
        let kind = match get(row, "payment_terms_kind")
            .map(str::to_uppercase)
            .as_deref()
        {
            None | Some("NET") => TermsKind::Net,
            Some("END_OF_MONTH" | "EOM") => TermsKind::EndOfMonth,
            Some(other) => {
                problems.add(
                    line,
                    "payment_terms_kind",
                    format!("`{other}` is not NET or END_OF_MONTH"),
                );
                TermsKind::Net
            }
        };
        let days = match get(row, "payment_terms_days") {
            None => 30,
            Some(days) => match days
                .parse::<i64>()
                .ok()
                .and_then(|d| PaymentTerms::new(kind, d).ok())
            {
                Some(terms) => terms.days,
                None => {
                    problems.add(line, "payment_terms_days", "give whole days from 0 to 365");
                    30
                }
            },
        };
        let credit_limit = get(row, "credit_limit").and_then(|value| {
            let limit = domain::Money::parse_exact(&value.replace(',', ""), currency);
            match limit {
                Ok(limit) if !limit.is_negative() && limit.amount < domain::money::max_amount() => {
                    Some(limit.amount)
                }
                Ok(_) => {
                    problems.add(
                        line,
                        "credit_limit",
                        "give zero or more, below 100 trillion",
                    );
                    None
                }
                Err(error) => {
                    problems.add(line, "credit_limit", error.to_string());
                    None
                }
            }
        });
        if let Some(email) = get(row, "contact_email")
            && let Err(error) = domain::EmailAddress::parse(email)
        {
            problems.add(line, "contact_email", error.to_string());
        }
        if get(row, "contact_name").is_none()
            && (get(row, "contact_email").is_some() || get(row, "contact_phone").is_some())
        {
            problems.add(
                line,
                "contact_name",
                "a contact's email or phone needs the contact's name",
            );
        }
        if get(row, "contact_phone").is_some_and(|phone| phone.chars().count() > 40) {
            problems.add(line, "contact_phone", "at most 40 characters");
        }
        if credit_limit.is_some() && !may_set_limits {
            problems.add(
                line,
                "credit_limit",
                "setting credit limits needs the credit-policy permission",
            );
        }
        let id = Uuid::now_v7();
        if let Some(contact) = get(row, "contact_name") {
            contacts.push(json!({
                "id": Uuid::now_v7(), "customer_id": id, "name": contact,
                "email": get(row, "contact_email"), "phone": get(row, "contact_phone"),
            }));
        }
        records.push(json!({
            "id": id, "code": code, "name": name, "tax_id": get(row, "tax_id"),
            "billing_address": get(row, "billing_address"), "segment": get(row, "segment"),
            "currency": currency.code(), "terms_kind": kind.as_str(), "terms_days": days,
            "credit_limit": credit_limit.map(|limit| limit.to_string()),
        }));
    }
    let rows = table.rows.len();
    if !problems.0.is_empty() || dry_run {
        tx.rollback().await?;
        return Ok(report(rows, 0, dry_run, problems.0));
    }
    crate::billing::plans::admit_tenant(
        &tx,
        plan,
        &calendar.time_zone,
        domain::billing::Limit::Customers,
        u64::try_from(records.len()).unwrap_or(u64::MAX),
    )
    .await?;
    for chunk in records.chunks(CHUNK) {
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO customers (id, code, name, tax_id, billing_address, segment, currency, terms_kind, terms_days, credit_limit)
             SELECT id, code, name, tax_id, billing_address, segment, currency, terms_kind, terms_days, credit_limit::numeric
             FROM json_to_recordset($1::json) AS r(id uuid, code text, name text, tax_id text, billing_address text,
                  segment text, currency text, terms_kind text, terms_days int, credit_limit text)",
            [serde_json::Value::Array(chunk.to_vec()).into()],
        ))
        .await
        .map_err(|error| {
            if error.to_string().contains("customers_code_key") {
                AppError::conflict("code", "a customer code in the file was taken while importing; check again")
            } else {
                AppError::from(error)
            }
        })?;
    }
    for chunk in contacts.chunks(CHUNK) {
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO customer_contacts (id, customer_id, position, name, email, phone)
             SELECT id, customer_id, 0, name, email, phone
             FROM json_to_recordset($1::json) AS r(id uuid, customer_id uuid, name text, email text, phone text)",
            [serde_json::Value::Array(chunk.to_vec()).into()],
        ))
        .await?;
    }
    let actor = audit::actor_of(db, caller).await?;
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO credit_events (id, customer_id, kind, credit_limit, reason, actor_label)
         SELECT gen_random_uuid(), id, 'LIMIT_SET', credit_limit::numeric, 'Imported', $2
         FROM json_to_recordset($1::json) AS r(id uuid, credit_limit text) WHERE credit_limit IS NOT NULL",
        [serde_json::Value::Array(records.clone()).into(), actor.label().to_owned().into()],
    ))
    .await?;
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "customers.imported",
            entity_type: "customer",
            entity_id: None,
            before: None,
            after: Some(json!({ "count": records.len() })),
            request_id: Some(request_id),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(report(rows, records.len(), false, Vec::new()))
}

#[derive(Debug, FromQueryResult)]
struct CodeRow {
    code: String,
}

#[derive(Debug, FromQueryResult)]
struct CustomerTerms {
    id: Uuid,
    code: String,
    currency: String,
    terms_kind: String,
    terms_days: i32,
    archived: bool,
}

const INVOICE_COLUMNS: [&str; 10] = [
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
];

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
                format!("write `{value}%` for a percentage, or a fraction such as 0.13"),
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
    csv: &str,
    dry_run: bool,
    request_id: &str,
) -> Result<ImportReport, AppError> {
    caller.authorize(Permission::ManageInvoices)?;
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let plan = crate::billing::plans::plan_in_force(db, tenant).await?;
    let table = match table(
        csv,
        &[
            "number",
            "customer_code",
            "issue_date",
            "description",
            "quantity",
            "unit_price",
        ],
        &INVOICE_COLUMNS,
    ) {
        Ok(table) => table,
        Err(problems) => return Ok(report(0, 0, dry_run, problems)),
    };
    let tx = TenantTx::begin(db, tenant).await?;
    let customers: HashMap<String, CustomerTerms> = CustomerTerms::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        "SELECT id, lower(code) AS code, currency::text AS currency, terms_kind, terms_days, archived_at IS NOT NULL AS archived FROM customers",
    ))
    .all(&*tx)
    .await?
    .into_iter()
    .map(|row| (row.code.clone(), row))
    .collect();
    let mut problems = Problems(Vec::new());
    // Invoices by number, in file order.
    let mut drafts: BTreeMap<String, Draft> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for (line, row) in &table.rows {
        let line = *line;
        let number = get(row, "number").unwrap_or("");
        if !valid_number(number) {
            problems.add(
                line,
                "number",
                "use 1 to 40 letters, digits, `-`, `/`, `_` or `.`",
            );
            continue;
        }
        let code = get(row, "customer_code").unwrap_or("").to_lowercase();
        let Some(customer) = customers.get(&code) else {
            problems.add(
                line,
                "customer_code",
                format!("no customer has the code `{code}`; import the customers first"),
            );
            continue;
        };
        if customer.archived {
            problems.add(line, "customer_code", "the customer is archived");
        }
        let Some(issue_date) =
            get(row, "issue_date").and_then(|v| date(&mut problems, line, "issue_date", v))
        else {
            if get(row, "issue_date").is_none() {
                problems.add(line, "issue_date", "required");
            }
            continue;
        };
        let terms = PaymentTerms::new(
            TermsKind::parse(&customer.terms_kind).unwrap_or(TermsKind::Net),
            i64::from(customer.terms_days),
        )
        .unwrap_or(PaymentTerms::net(30));
        let due_date = match get(row, "due_date") {
            Some(value) => date(&mut problems, line, "due_date", value).unwrap_or(issue_date),
            None => terms.due_date(issue_date),
        };
        if due_date < issue_date {
            problems.add(line, "due_date", "before the issue date");
        }
        let currency = match get(row, "currency")
            .unwrap_or(&customer.currency)
            .to_uppercase()
            .parse::<Currency>()
        {
            Ok(currency) => currency,
            Err(error) => {
                problems.add(line, "currency", error.to_string());
                continue;
            }
        };
        let quantity =
            get(row, "quantity").and_then(|v| decimal(&mut problems, line, "quantity", v));
        let unit_price =
            get(row, "unit_price").and_then(|v| decimal(&mut problems, line, "unit_price", v));
        let rate = tax_rate(&mut problems, line, get(row, "tax_rate"));
        let (Some(quantity), Some(unit_price)) = (quantity, unit_price) else {
            for column in ["quantity", "unit_price"] {
                if get(row, column).is_none() {
                    problems.add(line, column, "required");
                }
            }
            continue;
        };
        let line_input = LineInput {
            description: get(row, "description").unwrap_or("").to_owned(),
            quantity,
            unit_price,
            tax_rate: rate,
        };
        match drafts.get_mut(number) {
            Some(draft) => {
                let external_ref = get(row, "external_ref").map(str::to_owned);
                if draft.customer != customer.id
                    || draft.issue_date != issue_date
                    || draft.currency != currency
                    || draft.due_date != due_date
                    || (external_ref.is_some() && external_ref != draft.external_ref)
                {
                    problems.add(
                        line,
                        "number",
                        format!(
                            "{number} has rows with different customers, dates, currencies or references (its first row is line {})",
                            draft.first_line
                        ),
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
                        external_ref: get(row, "external_ref").map(str::to_owned),
                        lines: vec![line_input],
                        line_rows: vec![line],
                    },
                );
            }
        }
    }
    // Numbers and external references already taken.
    let numbers: Vec<String> = order.clone();
    let taken = CodeRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT number AS code FROM invoices WHERE number = ANY(SELECT json_array_elements_text($1::json))",
        [json!(numbers).into()],
    ))
    .all(&*tx)
    .await?;
    for row in taken {
        if let Some(draft) = drafts.get(&row.code) {
            problems.add(
                draft.first_line,
                "number",
                format!("invoice {} exists already", row.code),
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
                format!("{reference} is also the reference of {other}"),
            );
        }
    }
    let used = CodeRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT external_ref AS code FROM invoices WHERE external_ref = ANY(SELECT json_array_elements_text($1::json))",
        [json!(references.keys().collect::<Vec<_>>()).into()],
    ))
    .all(&*tx)
    .await?;
    for row in used {
        if let Some(number) = references.get(row.code.as_str())
            && let Some(draft) = drafts.get(*number)
        {
            problems.add(
                draft.first_line,
                "external_ref",
                format!("another invoice has the reference {} already", row.code),
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
                problems.add(row, column, format!("invoice {number}: {error}"));
            }
        }
    }
    let rows = table.rows.len();
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
    for chunk in invoices.chunks(CHUNK) {
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO invoices (id, customer_id, number, status, issue_date, due_date, currency, subtotal, tax_total,
                                   total, balance_due, external_ref, issued_at)
             SELECT id, customer_id, number, 'ISSUED', issue_date, due_date, currency, subtotal::numeric, tax_total::numeric,
                    total::numeric, total::numeric, external_ref, now()
             FROM json_to_recordset($1::json) AS r(id uuid, customer_id uuid, number text, issue_date date, due_date date,
                  currency text, subtotal text, tax_total text, total text, external_ref text)",
            [serde_json::Value::Array(chunk.to_vec()).into()],
        ))
        .await
        .map_err(|error| {
            let text = error.to_string();
            if text.contains("invoices_external_ref_key") || text.contains("invoices_number_key") {
                AppError::conflict("number", "an invoice number or reference in the file was taken while importing; check again")
            } else {
                AppError::from(error)
            }
        })?;
    }
    for chunk in lines.chunks(CHUNK) {
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO invoice_lines (id, invoice_id, position, description, quantity, unit_price, tax_rate, net, tax, total)
             SELECT id, invoice_id, position, description, quantity::numeric, unit_price::numeric, tax_rate::numeric,
                    net::numeric, tax::numeric, total::numeric
             FROM json_to_recordset($1::json) AS r(id uuid, invoice_id uuid, position int, description text, quantity text,
                  unit_price text, tax_rate text, net text, tax text, total text)",
            [serde_json::Value::Array(chunk.to_vec()).into()],
        ))
        .await?;
    }
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

#[derive(InputObject)]
pub struct ImportInput {
    /// The CSV file's text (UTF-8, header row first). Files over 1 MiB go to
    /// `POST /api/imports/{customers|invoices}` as `text/csv` instead.
    pub csv: String,
    /// Check every row and report, writing nothing.
    pub dry_run: Option<bool>,
}

#[derive(Default)]
pub struct ImportsMutation;

#[Object]
impl ImportsMutation {
    /// Imports customers from CSV: all rows or none; every problem comes back with its row and
    /// column.
    async fn import_customers(
        &self,
        ctx: &Context<'_>,
        input: ImportInput,
    ) -> ApiResult<ImportReport> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        import_customers(
            db,
            &request.caller,
            &input.csv,
            input.dry_run.unwrap_or(false),
            &request.request_id,
        )
        .await
        .api()
    }

    /// Imports issued invoices from CSV (one row per line): all or none, with every problem's
    /// row and column.
    async fn import_invoices(
        &self,
        ctx: &Context<'_>,
        input: ImportInput,
    ) -> ApiResult<ImportReport> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        import_invoices(
            db,
            &request.caller,
            &input.csv,
            input.dry_run.unwrap_or(false),
            &request.request_id,
        )
        .await
        .api()
    }
}
