//! Legal escalation: `legalCases`, `escalateToLegal`, `updateLegalCase`, and the evidence pack
//! (`GET /api/legal-cases/{id}/evidence.zip`): the statement as PDF and CSV, and the invoices,
//! activity log and promises as CSV, in one zip.
//!
//! A case belongs to a customer and names the invoices it pursues; it moves forward only
//! (`domain::legal::LegalStatus::can_move_to`), recording the date of each stage, and one case
//! is open per customer at a time.

use crate::api::values::CustomerRef;
use crate::api::values::{
    CountedList, Date, Money, offset_connection, optional_text, page_size, parse_amount,
    parse_currency, parse_id, parse_offset_cursor,
};
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::auth::{assigned_only, visible_to};
use crate::customers::{self as customer_store, self};
use crate::db::conditions::Conditions;
use crate::db::{self, TenantTx};
use crate::error::AppError;
use async_graphql::connection::Connection;
use async_graphql::{ID, InputObject, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::{Access, Permission};
use domain::legal::LegalStatus;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement};
use std::io::Write;
use uuid::Uuid;

#[derive(SimpleObject, Clone)]
pub struct LegalInvoice {
    pub id: ID,
    pub number: Option<String>,
    pub balance_due: Money,
}

#[derive(SimpleObject, Clone)]
pub struct LegalCase {
    pub id: ID,
    pub customer: CustomerRef,
    pub status: LegalStatus,
    /// What the case pursues.
    pub amount: Money,
    pub agency: Option<String>,
    pub lawyer: Option<String>,
    pub costs: Money,
    pub notes: Option<String>,
    pub opened_on: Date,
    pub letter_sent_on: Option<Date>,
    pub agency_on: Option<Date>,
    pub litigation_on: Option<Date>,
    pub closed_on: Option<Date>,
    pub opened_by: String,
    pub invoices: Vec<LegalInvoice>,
    /// Where to download the evidence pack (same sign-in as the API).
    pub evidence_url: String,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, FromQueryResult)]
struct CaseRow {
    id: Uuid,
    customer_id: Uuid,
    code: String,
    name: String,
    status: String,
    amount: Decimal,
    currency: String,
    agency: Option<String>,
    lawyer: Option<String>,
    costs: Decimal,
    notes: Option<String>,
    opened_on: NaiveDate,
    letter_sent_on: Option<NaiveDate>,
    agency_on: Option<NaiveDate>,
    litigation_on: Option<NaiveDate>,
    closed_on: Option<NaiveDate>,
    opened_by: String,
    updated_at: DateTime<Utc>,
}

const CASE_COLUMNS: &str = "l.id, l.customer_id, c.code, c.name, l.status, l.amount, l.currency::text AS currency,
    l.agency, l.lawyer, l.costs, l.notes, l.opened_on, l.letter_sent_on, l.agency_on, l.litigation_on,
    l.closed_on, l.opened_by, l.updated_at";
const CASES_FROM: &str = "legal_cases l JOIN customers c ON c.id = l.customer_id";

#[derive(Debug, FromQueryResult)]
struct CaseInvoiceRow {
    case_id: Uuid,
    id: Uuid,
    number: Option<String>,
    balance_due: Decimal,
    currency: String,
}

async fn cases_out(
    conn: &impl ConnectionTrait,
    rows: Vec<CaseRow>,
) -> Result<Vec<LegalCase>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let invoices = CaseInvoiceRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT li.case_id, i.id, i.number, i.balance_due, i.currency::text AS currency
         FROM legal_case_invoices li JOIN invoices i ON i.id = li.invoice_id
         WHERE li.case_id = ANY(string_to_array($1, ',')::uuid[]) ORDER BY i.due_date, i.id",
        [customer_store::ids_param(&ids)],
    ))
    .all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| LegalCase {
            id: ID(row.id.to_string()),
            customer: CustomerRef {
                id: ID(row.customer_id.to_string()),
                code: row.code,
                name: row.name,
            },
            status: LegalStatus::parse(&row.status).unwrap_or(LegalStatus::None),
            amount: Money::new(row.amount, &row.currency),
            agency: row.agency,
            lawyer: row.lawyer,
            costs: Money::new(row.costs, &row.currency),
            notes: row.notes,
            opened_on: Date(row.opened_on),
            letter_sent_on: row.letter_sent_on.map(Date),
            agency_on: row.agency_on.map(Date),
            litigation_on: row.litigation_on.map(Date),
            closed_on: row.closed_on.map(Date),
            opened_by: row.opened_by,
            invoices: invoices
                .iter()
                .filter(|invoice| invoice.case_id == row.id)
                .map(|invoice| LegalInvoice {
                    id: ID(invoice.id.to_string()),
                    number: invoice.number.clone(),
                    balance_due: Money::new(invoice.balance_due, &invoice.currency),
                })
                .collect(),
            evidence_url: format!("/api/legal-cases/{}/evidence.zip", row.id),
            updated_at: row.updated_at,
        })
        .collect())
}

async fn case_by_id(conn: &impl ConnectionTrait, id: Uuid) -> Result<LegalCase, AppError> {
    let row = CaseRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {CASE_COLUMNS} FROM {CASES_FROM} WHERE l.id = $1"),
        [id.into()],
    ))
    .one(conn)
    .await?
    .ok_or_else(|| AppError::not_found("No such legal case."))?;
    cases_out(conn, vec![row])
        .await?
        .pop()
        .ok_or_else(|| AppError::not_found("No such legal case."))
}

#[derive(InputObject, Default)]
pub struct LegalCaseFilter {
    pub customer_id: Option<ID>,
    pub status: Option<Vec<LegalStatus>>,
    /// Only cases not yet settled or written off.
    pub open: Option<bool>,
}

pub type LegalCaseConnection = Connection<String, LegalCase, CountedList>;

/// Reading cases: those who work collections (their own customers) or manage dunning.
fn may_read(caller: &Caller) -> Result<Access, AppError> {
    caller
        .authorize(Permission::ManageDunning)
        .or_else(|_| caller.authorize(Permission::ViewCollections))
}

pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    first: Option<i32>,
    after: Option<String>,
    filter: LegalCaseFilter,
) -> Result<LegalCaseConnection, AppError> {
    let access = may_read(caller)?;
    let tenant = caller.require_tenant()?;
    let first = page_size(first)?;
    let offset = parse_offset_cursor("legalCases", after.as_deref())?;
    let mut conditions = Conditions::new(Vec::new());
    assigned_only(caller, access, &mut conditions, "c.");
    if let Some(customer) = &filter.customer_id {
        conditions.push(
            "l.customer_id = ?",
            parse_id("filter.customerId", customer)?,
        );
    }
    if let Some(statuses) = &filter.status
        && !statuses.is_empty()
    {
        let list: Vec<&str> = statuses.iter().map(|status| status.as_str()).collect();
        conditions.push("l.status = ANY(string_to_array(?, ','))", list.join(","));
    }
    if let Some(open) = filter.open {
        conditions.push("(l.status NOT IN ('SETTLED', 'WRITTEN_OFF')) = ?", open);
    }
    let filtered = conditions.sql();
    let mut values = conditions.values;
    let count_values = values.clone();
    values.push(((first + 1) as i64).into());
    values.push((offset as i64).into());
    let tx = TenantTx::begin(db, tenant).await?;
    let mut rows = CaseRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {CASE_COLUMNS} FROM {CASES_FROM} WHERE {filtered}
             ORDER BY l.created_at DESC, l.id DESC LIMIT ${} OFFSET ${}",
            values.len() - 1,
            values.len()
        ),
        values,
    ))
    .all(&*tx)
    .await?;
    let total: i64 = tx
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!("SELECT count(*) AS n FROM {CASES_FROM} WHERE {filtered}"),
            count_values,
        ))
        .await?
        .map(|row| row.try_get("", "n"))
        .transpose()?
        .unwrap_or(0);
    let has_next = rows.len() > first;
    rows.truncate(first);
    let cases = cases_out(&*tx, rows).await?;
    tx.commit().await?;
    Ok(offset_connection(
        "legalCases",
        cases,
        has_next,
        offset,
        total,
    ))
}

#[derive(InputObject)]
pub struct EscalateToLegalInput {
    pub customer_id: ID,
    /// The invoices to pursue; by default every overdue invoice of the customer.
    pub invoice_ids: Option<Vec<ID>>,
    pub agency: Option<String>,
    pub lawyer: Option<String>,
    pub notes: Option<String>,
}

#[derive(SimpleObject)]
pub struct LegalCasePayload {
    pub legal_case: LegalCase,
}

pub async fn escalate(
    db: &DatabaseConnection,
    caller: &Caller,
    input: EscalateToLegalInput,
    request_id: &str,
) -> Result<LegalCase, AppError> {
    caller.authorize(Permission::ManageDunning)?;
    let tenant = caller.require_tenant()?;
    let agency = optional_text("input.agency", input.agency.as_deref(), 200)?;
    let lawyer = optional_text("input.lawyer", input.lawyer.as_deref(), 200)?;
    let notes = optional_text("input.notes", input.notes.as_deref(), 4000)?;
    let actor = audit::actor_of(db, caller).await?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let not_found = || AppError::not_found("No such customer.");
    let customer_id = parse_id("input.customerId", &input.customer_id).map_err(|_| not_found())?;
    let customer = customers::customer_for_update(&*tx, calendar.today, customer_id)
        .await?
        .ok_or_else(not_found)?;
    let mut invoices: Vec<(Uuid, Decimal)> = Vec::new();
    match &input.invoice_ids {
        Some(ids) => {
            if ids.is_empty() {
                return Err(AppError::validation(
                    "input.invoiceIds",
                    "name at least one invoice, or leave the list out for every overdue one",
                ));
            }
            for (index, id) in ids.iter().enumerate() {
                let field = format!("input.invoiceIds[{index}]");
                let invoice = id.parse::<Uuid>().unwrap_or(Uuid::nil());
                let row = tx
                    .query_one_raw(Statement::from_sql_and_values(
                        DbBackend::Postgres,
                        "SELECT balance_due FROM invoices WHERE id = $1 AND customer_id = $2
                           AND status IN ('ISSUED', 'PARTIALLY_PAID') AND currency = $3",
                        [
                            invoice.into(),
                            customer.id.into(),
                            customer.currency.clone().into(),
                        ],
                    ))
                    .await?
                    .ok_or_else(|| {
                        AppError::validation(
                            field,
                            "not an open invoice of this customer in its currency",
                        )
                    })?;
                if !invoices.iter().any(|(id, _)| *id == invoice) {
                    invoices.push((invoice, row.try_get("", "balance_due")?));
                }
            }
        }
        None => {
            for row in tx
                .query_all_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT DISTINCT i.id, i.balance_due FROM invoices i JOIN receivable_items r ON r.invoice_id = i.id
                     WHERE i.customer_id = $1 AND i.currency = $2 AND r.amount > 0 AND r.due_date < $3",
                    [customer.id.into(), customer.currency.clone().into(), calendar.today.into()],
                ))
                .await?
            {
                invoices.push((row.try_get("", "id")?, row.try_get("", "balance_due")?));
            }
            if invoices.is_empty() {
                return Err(AppError::validation(
                    "input.customerId",
                    "the customer has nothing overdue; name the invoices to pursue",
                ));
            }
        }
    }
    let amount: Decimal = invoices.iter().map(|(_, balance)| *balance).sum();
    let id = Uuid::now_v7();
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO legal_cases (id, customer_id, amount, currency, agency, lawyer, notes, opened_on, opened_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        [
            id.into(),
            customer.id.into(),
            amount.into(),
            customer.currency.clone().into(),
            agency.into(),
            lawyer.into(),
            notes.into(),
            calendar.today.into(),
            actor.label().to_owned().into(),
        ],
    ))
    .await
    .map_err(|error| {
        if error.to_string().contains("legal_cases_one_open") {
            AppError::conflict(
                "input.customerId",
                "The customer has an open legal case already; update that one.",
            )
        } else {
            AppError::from(error)
        }
    })?;
    let ids: Vec<Uuid> = invoices.iter().map(|(id, _)| *id).collect();
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO legal_case_invoices (case_id, invoice_id) SELECT $1, unnest(string_to_array($2, ',')::uuid[])",
        [id.into(), customer_store::ids_param(&ids)],
    ))
    .await?;
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "legal.escalated",
            entity_type: "customer",
            entity_id: Some(customer.id.to_string()),
            before: None,
            after: Some(serde_json::json!({ "caseId": id.to_string(), "amount": amount.to_string(), "invoices": ids.len() })),
            request_id: Some(request_id),
        },
    )
    .await?;
    let case = case_by_id(&*tx, id).await?;
    tx.commit().await?;
    Ok(case)
}

#[derive(InputObject)]
pub struct UpdateLegalCaseInput {
    pub case_id: ID,
    /// A later stage (cases never move back); closed cases cannot change.
    pub status: Option<LegalStatus>,
    /// The day the stage was reached; today by default.
    pub on: Option<Date>,
    pub agency: Option<String>,
    pub lawyer: Option<String>,
    /// Costs so far (fees of agency and lawyers), in the case's currency.
    pub costs: Option<String>,
    pub notes: Option<String>,
}

pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    input: UpdateLegalCaseInput,
    request_id: &str,
) -> Result<LegalCase, AppError> {
    caller.authorize(Permission::ManageDunning)?;
    let tenant = caller.require_tenant()?;
    let agency = optional_text("input.agency", input.agency.as_deref(), 200)?;
    let lawyer = optional_text("input.lawyer", input.lawyer.as_deref(), 200)?;
    let notes = optional_text("input.notes", input.notes.as_deref(), 4000)?;
    let actor = audit::actor_of(db, caller).await?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let not_found = || AppError::not_found("No such legal case.");
    let id = input.case_id.parse::<Uuid>().map_err(|_| not_found())?;
    let row = CaseRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {CASE_COLUMNS} FROM {CASES_FROM} WHERE l.id = $1 FOR UPDATE OF l"),
        [id.into()],
    ))
    .one(&*tx)
    .await?
    .ok_or_else(not_found)?;
    let current = LegalStatus::parse(&row.status).unwrap_or(LegalStatus::None);
    if current.is_closed() {
        return Err(AppError::conflict(
            "input.caseId",
            "The case is closed; it cannot change.",
        ));
    }
    let on = input.on.map(|d| d.0).unwrap_or(calendar.today);
    if on > calendar.today || on < row.opened_on {
        return Err(AppError::validation(
            "input.on",
            "a stage is reached between the day the case opened and today",
        ));
    }
    if let Some(next) = input.status
        && !current.can_move_to(next)
    {
        return Err(AppError::validation(
            "input.status",
            format!(
                "a case at {} can move only to a later stage: {}",
                current.as_str(),
                LegalStatus::ALL
                    .iter()
                    .filter(|status| current.can_move_to(**status))
                    .map(|status| status.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let costs = match &input.costs {
        Some(costs) => {
            let currency = parse_currency("input.costs", &row.currency)?;
            Some(parse_amount("input.costs", costs, currency, true)?)
        }
        None => None,
    };
    let status = input.status.unwrap_or(current);
    let date_column = match input.status {
        Some(LegalStatus::LetterSent) => Some("letter_sent_on"),
        Some(LegalStatus::Agency) => Some("agency_on"),
        Some(LegalStatus::Litigation) => Some("litigation_on"),
        Some(LegalStatus::Settled | LegalStatus::WrittenOff) => Some("closed_on"),
        _ => None,
    };
    let set_date = date_column
        .map(|column| format!(", {column} = $7"))
        .unwrap_or_default();
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "UPDATE legal_cases SET status = $2, agency = coalesce($3, agency), lawyer = coalesce($4, lawyer),
                    costs = coalesce($5, costs), notes = coalesce($6, notes), updated_at = now(){set_date}
             WHERE id = $1"
        ),
        [
            id.into(),
            status.as_str().into(),
            agency.into(),
            lawyer.into(),
            costs.into(),
            notes.into(),
            on.into(),
        ],
    ))
    .await?;
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "legal.updated",
            entity_type: "customer",
            entity_id: Some(row.customer_id.to_string()),
            before: Some(serde_json::json!({ "caseId": id.to_string(), "status": row.status, "costs": row.costs.to_string() })),
            after: Some(serde_json::json!({ "status": status.as_str(), "on": on.to_string(), "costs": costs.map(|c| c.to_string()) })),
            request_id: Some(request_id),
        },
    )
    .await?;
    let case = case_by_id(&*tx, id).await?;
    tx.commit().await?;
    Ok(case)
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
    let not_found = || AppError::not_found("No such legal case.");
    let id = case_id.parse::<Uuid>().map_err(|_| not_found())?;
    let tx = TenantTx::begin(db, tenant).await?;
    let case = case_by_id(&*tx, id).await.map_err(|_| not_found())?;
    let customer_id: Uuid = case.customer.id.parse().map_err(|_| not_found())?;
    let customer = customers::load_customer(&*tx, calendar.today, customer_id)
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
    let mut earliest = case.opened_on.0;
    for row in tx
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT i.number, i.issue_date, i.due_date, i.currency::text AS currency, i.total, i.amount_paid,
                    i.amount_credited, i.balance_due, i.status,
                    EXISTS (SELECT 1 FROM legal_case_invoices li WHERE li.case_id = $2 AND li.invoice_id = i.id) AS in_case
             FROM invoices i WHERE i.customer_id = $1 AND i.status <> 'DRAFT' ORDER BY i.issue_date, i.number",
            [customer.id.into(), id.into()],
        ))
        .await?
    {
        let issue: NaiveDate = row.try_get("", "issue_date")?;
        let in_case: bool = row.try_get("", "in_case")?;
        if in_case {
            earliest = earliest.min(issue);
        }
        invoices.push(vec![
            row.try_get::<Option<String>>("", "number")?.unwrap_or_default(),
            issue.to_string(),
            row.try_get::<NaiveDate>("", "due_date")?.to_string(),
            row.try_get::<String>("", "currency")?,
            row.try_get::<Decimal>("", "total")?.normalize().to_string(),
            row.try_get::<Decimal>("", "amount_paid")?.normalize().to_string(),
            row.try_get::<Decimal>("", "amount_credited")?.normalize().to_string(),
            row.try_get::<Decimal>("", "balance_due")?.normalize().to_string(),
            row.try_get::<String>("", "status")?,
            if in_case { "yes" } else { "no" }.to_owned(),
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
    for row in tx
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT a.occurred_at, a.channel, a.outcome, a.contact_name, a.location, a.note, a.logged_by_label,
                    coalesce((SELECT string_agg(i.number, ' ' ORDER BY i.number) FROM collection_activity_invoices ai
                              JOIN invoices i ON i.id = ai.invoice_id WHERE ai.activity_id = a.id), '') AS invoices
             FROM collection_activities a WHERE a.customer_id = $1 ORDER BY a.occurred_at, a.id",
            [customer.id.into()],
        ))
        .await?
    {
        activities.push(vec![
            row.try_get::<DateTime<Utc>>("", "occurred_at")?.to_rfc3339(),
            row.try_get::<String>("", "channel")?,
            row.try_get::<String>("", "outcome")?,
            row.try_get::<Option<String>>("", "contact_name")?.unwrap_or_default(),
            row.try_get::<Option<String>>("", "location")?.unwrap_or_default(),
            row.try_get::<Option<String>>("", "note")?.unwrap_or_default(),
            row.try_get::<String>("", "logged_by_label")?,
            row.try_get::<String>("", "invoices")?,
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
    for row in tx
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT created_at, promised_date, amount, currency::text AS currency, status, paid_amount, promised_by, logged_by_label
             FROM promises WHERE customer_id = $1 ORDER BY created_at, id",
            [customer.id.into()],
        ))
        .await?
    {
        promises.push(vec![
            row.try_get::<DateTime<Utc>>("", "created_at")?.to_rfc3339(),
            row.try_get::<NaiveDate>("", "promised_date")?.to_string(),
            row.try_get::<Decimal>("", "amount")?.normalize().to_string(),
            row.try_get::<String>("", "currency")?,
            row.try_get::<String>("", "status")?,
            row.try_get::<Decimal>("", "paid_amount")?.normalize().to_string(),
            row.try_get::<Option<String>>("", "promised_by")?.unwrap_or_default(),
            row.try_get::<String>("", "logged_by_label")?,
        ]);
    }
    tx.commit().await?;
    let statement = crate::statements::service::customer_statement(
        db,
        caller,
        customer_id,
        earliest,
        calendar.today,
        None,
    )
    .await?
    .ok_or_else(not_found)?;
    let locale = crate::statements::service::company_locale(db, tenant).await?;
    let pdf = crate::statements::pdf::render(&statement.data, &calendar.name, locale);
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
            case.customer.code.clone(),
            case.customer.name.clone(),
            case.status.as_str().to_owned(),
            case.amount.amount.clone(),
            case.amount.currency.clone(),
            case.costs.amount.clone(),
            case.agency.clone().unwrap_or_default(),
            case.lawyer.clone().unwrap_or_default(),
            case.opened_on.0.to_string(),
            case.letter_sent_on
                .map(|d| d.0.to_string())
                .unwrap_or_default(),
            case.agency_on.map(|d| d.0.to_string()).unwrap_or_default(),
            case.litigation_on
                .map(|d| d.0.to_string())
                .unwrap_or_default(),
            case.closed_on.map(|d| d.0.to_string()).unwrap_or_default(),
        ],
    ]);
    let log_pdf = collection_log_pdf(
        &case.customer.name,
        &case.customer.code,
        &calendar.name,
        locale,
        &activities[1..],
        &promises[1..],
    );
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
) -> Vec<u8> {
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
