//! Importing customers: checking each row (codes unique in the file and the company, terms,
//! limits, contacts, the collector and salesperson named by a member's email address), then
//! writing them with their first contacts, credit limits and assignees.

use super::table::{Columns, table};
use super::{Cell, CsvSource, ImportReport, Problems, report};
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::db::{self, MemberByEmail, TenantTx};
use crate::error::AppError;
use crate::imports::{ImportError, store};
use domain::Currency;
use domain::access::Permission;
use domain::reason::Reason;
use domain::terms::{MAX_TERMS_DAYS, PaymentTerms, TermsKind};
use serde_json::json;
use std::collections::{HashMap, HashSet};
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
        "collector_email",
        "salesperson_email",
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
    /// The customer's collector: a member of the company who works collections, by email
    /// address (any case); empty for nobody.
    pub(super) collector_email: Cell,
    /// The customer's salesperson: a member who sells, by email address; empty for nobody.
    pub(super) salesperson_email: Cell,
}

/// What a member is named for in a customer's row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Collector,
    Salesperson,
}

/// The member a `collector_email` or `salesperson_email` cell names, when they are a member of
/// the company whose role may take `part`; otherwise the row's problem, and `None`. An empty
/// cell names nobody.
fn assignee(
    problems: &mut Problems,
    line: usize,
    column: &str,
    cell: Option<&str>,
    members: &HashMap<String, MemberByEmail>,
    part: Part,
) -> Option<Uuid> {
    let email = cell?;
    let Some(member) = members.get(&email.to_lowercase()) else {
        problems.add(
            line,
            column,
            Reason::ImportNoSuchMember {
                email: email.to_owned(),
            },
        );
        return None;
    };
    let may = match part {
        Part::Collector => member.role.may_collect(),
        Part::Salesperson => member.role.may_sell(),
    };
    if may {
        return Some(member.id);
    }
    let (email, role) = (email.to_owned(), member.role.as_str().to_owned());
    let refused = match part {
        Part::Collector => Reason::ImportMemberMayNotCollect { email, role },
        Part::Salesperson => Reason::ImportMemberMayNotSell { email, role },
    };
    problems.add(line, column, refused);
    None
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
    // Every member the file names, in one control-plane statement, before the tenant's
    // transaction opens.
    let emails: Vec<String> = table
        .iter()
        .flat_map(|(_, row)| {
            [
                row.collector_email.as_deref(),
                row.salesperson_email.as_deref(),
            ]
        })
        .flatten()
        .map(str::to_lowercase)
        .collect::<HashSet<String>>()
        .into_iter()
        .collect();
    let members: HashMap<String, MemberByEmail> = db::members_by_email(db, tenant, &emails)
        .await?
        .into_iter()
        .map(|member| (member.email.clone(), member))
        .collect();
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
        let collector_id = assignee(
            &mut problems,
            line,
            "collector_email",
            row.collector_email.as_deref(),
            &members,
            Part::Collector,
        );
        let salesperson_id = assignee(
            &mut problems,
            line,
            "salesperson_email",
            row.salesperson_email.as_deref(),
            &members,
            Part::Salesperson,
        );
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
            "collector_id": collector_id, "salesperson_id": salesperson_id,
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

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Locale;
    use domain::access::Role;
    use domain::messages::Localized;

    fn members() -> HashMap<String, MemberByEmail> {
        [
            ("wang@acme.example", Role::Collector),
            ("li@acme.example", Role::Sales),
            ("zhao@acme.example", Role::Viewer),
            ("boss@acme.example", Role::Owner),
        ]
        .into_iter()
        .map(|(email, role)| {
            let member = MemberByEmail {
                email: email.to_owned(),
                id: Uuid::now_v7(),
                role,
            };
            (email.to_owned(), member)
        })
        .collect()
    }

    /// The id `cell` names as `part` on line 7, and the problems (column, reason) it made.
    fn named(
        members: &HashMap<String, MemberByEmail>,
        cell: Option<&str>,
        part: Part,
    ) -> (Option<Uuid>, Vec<(String, String)>) {
        let mut problems = Problems(Vec::new());
        let column = match part {
            Part::Collector => "collector_email",
            Part::Salesperson => "salesperson_email",
        };
        let id = assignee(&mut problems, 7, column, cell, members, part);
        let problems = problems
            .0
            .into_iter()
            .inspect(|problem| assert_eq!(problem.row, 7))
            .map(|problem| (problem.column, problem.reason.name()))
            .collect();
        (id, problems)
    }

    #[test]
    fn an_empty_cell_names_nobody() {
        let members = members();
        assert_eq!(named(&members, None, Part::Collector), (None, Vec::new()));
        assert_eq!(named(&members, None, Part::Salesperson), (None, Vec::new()));
    }

    #[test]
    fn a_member_is_found_by_email_in_any_case_when_their_role_may_take_the_part() {
        let members = members();
        let id = |email: &str| Some(members[email].id);
        assert_eq!(
            named(&members, Some("Wang@ACME.example"), Part::Collector),
            (id("wang@acme.example"), Vec::new())
        );
        assert_eq!(
            named(&members, Some("li@acme.example"), Part::Salesperson),
            (id("li@acme.example"), Vec::new())
        );
        assert_eq!(
            named(&members, Some("boss@acme.example"), Part::Collector),
            (id("boss@acme.example"), Vec::new()),
            "an owner may collect"
        );
        assert_eq!(
            named(&members, Some("boss@acme.example"), Part::Salesperson),
            (id("boss@acme.example"), Vec::new()),
            "an owner may sell"
        );
    }

    #[test]
    fn an_unknown_email_or_a_role_that_may_not_take_the_part_is_the_rows_problem() {
        let members = members();
        let problem = |column: &str, reason: &str| vec![(column.to_owned(), reason.to_owned())];
        assert_eq!(
            named(&members, Some("nobody@acme.example"), Part::Collector),
            (None, problem("collector_email", "IMPORT_NO_SUCH_MEMBER"))
        );
        assert_eq!(
            named(&members, Some("li@acme.example"), Part::Collector),
            (
                None,
                problem("collector_email", "IMPORT_MEMBER_MAY_NOT_COLLECT")
            )
        );
        assert_eq!(
            named(&members, Some("zhao@acme.example"), Part::Collector),
            (
                None,
                problem("collector_email", "IMPORT_MEMBER_MAY_NOT_COLLECT")
            )
        );
        assert_eq!(
            named(&members, Some("wang@acme.example"), Part::Salesperson),
            (
                None,
                problem("salesperson_email", "IMPORT_MEMBER_MAY_NOT_SELL")
            )
        );
        assert_eq!(
            named(&members, Some("zhao@acme.example"), Part::Salesperson),
            (
                None,
                problem("salesperson_email", "IMPORT_MEMBER_MAY_NOT_SELL")
            )
        );
    }

    #[test]
    fn the_problems_name_the_email_and_the_role() {
        let members = members();
        let mut problems = Problems(Vec::new());
        let (sales, stranger) = (Some("Li@acme.example"), Some("x@y.example"));
        assignee(
            &mut problems,
            3,
            "collector_email",
            sales,
            &members,
            Part::Collector,
        );
        assignee(
            &mut problems,
            4,
            "collector_email",
            stranger,
            &members,
            Part::Collector,
        );
        let [may_not, unknown] = &problems.0[..] else {
            panic!("{:?}", problems.0);
        };
        assert_eq!(may_not.reason.params()["email"], "Li@acme.example");
        assert_eq!(may_not.reason.params()["role"], "SALES");
        assert_eq!(
            may_not.message,
            "Li@acme.example is a member with the role sales, which does not work collections, \
             so cannot be a collector"
        );
        assert_eq!(
            may_not.reason.text(Locale::ZhCn),
            "Li@acme.example 的角色是销售，不负责催收，不能担任催收专员"
        );
        assert_eq!(
            unknown.message,
            "no member of this company has the email address x@y.example"
        );
        assert_eq!(
            unknown.reason.text(Locale::ZhCn),
            "本公司没有邮箱为 x@y.example 的成员"
        );
    }
}
