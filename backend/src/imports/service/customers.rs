//! Importing customers: checking each row (codes unique in the file and the company, terms,
//! limits, contacts), then writing them with their first contacts and credit limits.

use super::table::{Columns, table};
use super::{Cell, CsvSource, ImportReport, Problems, report};
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::db::{self, TenantTx};
use crate::error::AppError;
use crate::imports::{ImportError, store};
use domain::Currency;
use domain::access::Permission;
use domain::reason::Reason;
use domain::terms::{MAX_TERMS_DAYS, PaymentTerms, TermsKind};
use serde_json::json;
use std::collections::HashSet;
use uuid::Uuid;

pub(super) const CUSTOMER_COLUMNS: Columns = Columns {
    known: &[
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
    ],
    required: &["code", "name"],
};

/// A row of a customer file, by header name; a column the file leaves out is `None`.
#[derive(Debug, serde::Deserialize)]
pub(super) struct CustomerRow {
    pub(super) code: Cell,
    pub(super) name: Cell,
    pub(super) tax_id: Cell,
    pub(super) currency: Cell,
    pub(super) payment_terms_days: Cell,
    pub(super) payment_terms_kind: Cell,
    pub(super) credit_limit: Cell,
    pub(super) segment: Cell,
    pub(super) contact_name: Cell,
    pub(super) contact_email: Cell,
    pub(super) contact_phone: Cell,
    pub(super) billing_address: Cell,
}

pub async fn import_customers(
    db: &sea_orm::DatabaseConnection,
    caller: &Caller,
    source: CsvSource,
    dry_run: bool,
    request_id: &str,
) -> Result<ImportReport, AppError> {
    caller.authorize(Permission::ManageCustomers)?;
    let may_set_limits = caller.authorize(Permission::ManageCreditPolicy).is_ok();
    let tenant = caller.require_tenant()?;
    let calendar = db::tenant_calendar(db, tenant).await?;
    let base_currency: Currency = calendar.base_currency.parse().map_err(|error| {
        anyhow::Error::from(error).context(format!("the stored base currency of {tenant}"))
    })?;
    let plan = crate::billing::plans::plan_in_force(db, tenant).await?;
    let table = match table::<CustomerRow>(source, &CUSTOMER_COLUMNS).await? {
        Ok(table) => table,
        Err(problems) => return Ok(report(0, 0, dry_run, problems)),
    };
    let tx = TenantTx::begin(db, tenant).await?;
    let existing: HashSet<String> = store::customer_codes(&*tx)
        .await?
        .into_iter()
        .map(|row| row.code)
        .collect();
    let mut problems = Problems(Vec::new());
    let mut seen = HashSet::new();
    let mut records = Vec::with_capacity(table.len());
    let mut contacts = Vec::new();
    for (line, row) in &table {
        let line = *line;
        let code = row.code.as_deref().unwrap_or("");
        let name = row.name.as_deref().unwrap_or("");
        if code.is_empty()
            || code.chars().count() > 40
            || !code
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        {
            problems.add(
                line,
                "code",
                Reason::InvalidCharacters {
                    symbols: "-, _, . or /".to_owned(),
                    max: Some(40),
                },
            );
        } else if existing.contains(&code.to_lowercase()) {
            problems.add(
                line,
                "code",
                Reason::ImportCustomerExists {
                    code: code.to_owned(),
                },
            );
        } else if !seen.insert(code.to_lowercase()) {
            problems.add(
                line,
                "code",
                Reason::ImportCodeRepeated {
                    code: code.to_owned(),
                },
            );
        }
        if name.is_empty() || name.chars().count() > 200 {
            problems.add(
                line,
                "name",
                Reason::TextLength {
                    min: Some(1),
                    max: Some(200),
                },
            );
        }
        let currency = match row.currency.as_deref() {
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
            None => base_currency,
        };
        let kind = match row
            .payment_terms_kind
            .as_deref()
            .map(str::to_uppercase)
            .as_deref()
        {
            None | Some("NET") => TermsKind::Net,
            Some("END_OF_MONTH" | "EOM") => TermsKind::EndOfMonth,
            Some(_) => {
                problems.add(
                    line,
                    "payment_terms_kind",
                    Reason::NotOneOf {
                        allowed: vec!["NET".to_owned(), "END_OF_MONTH".to_owned()],
                    },
                );
                TermsKind::Net
            }
        };
        let days = match row.payment_terms_days.as_deref() {
            None => 30,
            Some(days) => match days
                .parse::<i64>()
                .ok()
                .and_then(|d| PaymentTerms::new(kind, d).ok())
            {
                Some(terms) => terms.days,
                None => {
                    problems.add(
                        line,
                        "payment_terms_days",
                        Reason::OutOfRange {
                            min: 0,
                            max: i64::from(MAX_TERMS_DAYS),
                        },
                    );
                    30
                }
            },
        };
        let credit_limit = row.credit_limit.as_deref().and_then(|value| {
            let limit = domain::Money::parse_exact(&value.replace(',', ""), currency);
            match limit {
                Ok(limit) if !limit.is_negative() && limit.amount < domain::money::max_amount() => {
                    Some(limit.amount)
                }
                Ok(limit) if limit.is_negative() => {
                    problems.add(line, "credit_limit", Reason::Negative {});
                    None
                }
                Ok(_) => {
                    problems.add(line, "credit_limit", Reason::AmountTooLarge {});
                    None
                }
                Err(error) => {
                    problems.add(line, "credit_limit", Reason::from(&error));
                    None
                }
            }
        });
        if let Some(email) = row.contact_email.as_deref()
            && let Err(error) = domain::EmailAddress::parse(email)
        {
            problems.add(line, "contact_email", Reason::from(&error));
        }
        if row.contact_name.as_deref().is_none()
            && (row.contact_email.as_deref().is_some() || row.contact_phone.as_deref().is_some())
        {
            problems.add(line, "contact_name", Reason::ImportContactNameMissing {});
        }
        if row
            .contact_phone
            .as_deref()
            .is_some_and(|phone| phone.chars().count() > 40)
        {
            problems.add(
                line,
                "contact_phone",
                Reason::TextLength {
                    min: None,
                    max: Some(40),
                },
            );
        }
        if credit_limit.is_some() && !may_set_limits {
            problems.add(line, "credit_limit", Reason::ImportCreditLimitNotAllowed {});
        }
        let id = Uuid::now_v7();
        if let Some(contact) = row.contact_name.as_deref() {
            contacts.push(json!({
                "id": Uuid::now_v7(), "customer_id": id, "name": contact,
                "email": row.contact_email.as_deref(), "phone": row.contact_phone.as_deref(),
            }));
        }
        records.push(json!({
            "id": id, "code": code, "name": name, "tax_id": row.tax_id.as_deref(),
            "billing_address": row.billing_address.as_deref(), "segment": row.segment.as_deref(),
            "currency": currency.code(), "terms_kind": kind.as_str(), "terms_days": days,
            "credit_limit": credit_limit.map(|limit| limit.to_string()),
        }));
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
        domain::billing::Limit::Customers,
        u64::try_from(records.len()).unwrap_or(u64::MAX),
    )
    .await?;
    store::insert_customers(&*tx, &records)
        .await
        .map_err(|error| {
            if db::violated_constraint(&error).as_deref() == Some("customers_code_key") {
                AppError::from(ImportError::CustomerCodeTakenMeanwhile)
            } else {
                AppError::from(error)
            }
        })?;
    store::insert_contacts(&*tx, &contacts).await?;
    let actor = audit::actor_of(db, caller).await?;
    store::record_imported_limits(&*tx, &records, actor.label()).await?;
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
