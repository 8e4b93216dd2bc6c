//! Legal cases over GraphQL: `LegalCase`, its filter, and the inputs of `escalateToLegal` and
//! `updateLegalCase` (the roots are in `work`).

use super::activities::customer_id;
use crate::api::values::{CountedList, CustomerRef, Date, Money, parse_id};
use crate::collections::CollectionError;
use crate::collections::service::legal::{Case, CaseFilter, CaseUpdate, Escalation};
use crate::error::AppError;
use async_graphql::connection::Connection;
use async_graphql::{ID, InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use domain::legal::LegalStatus;
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

impl From<Case> for LegalCase {
    fn from(Case { row, invoices }: Case) -> Self {
        LegalCase {
            id: ID(row.id.to_string()),
            customer: CustomerRef {
                id: ID(row.customer_id.to_string()),
                code: row.code,
                name: row.name,
            },
            status: row.status,
            amount: Money::new(row.amount, row.currency.code()),
            agency: row.agency,
            lawyer: row.lawyer,
            costs: Money::new(row.costs, row.currency.code()),
            notes: row.notes,
            opened_on: Date(row.opened_on),
            letter_sent_on: row.letter_sent_on.map(Date),
            agency_on: row.agency_on.map(Date),
            litigation_on: row.litigation_on.map(Date),
            closed_on: row.closed_on.map(Date),
            opened_by: row.opened_by,
            invoices: invoices
                .into_iter()
                .map(|invoice| LegalInvoice {
                    id: ID(invoice.id.to_string()),
                    number: invoice.number,
                    balance_due: Money::new(invoice.balance_due, invoice.currency.code()),
                })
                .collect(),
            evidence_url: format!("/api/legal-cases/{}/evidence.zip", row.id),
            updated_at: row.updated_at,
        }
    }
}

#[derive(InputObject, Default)]
pub struct LegalCaseFilter {
    pub customer_id: Option<ID>,
    pub status: Option<Vec<LegalStatus>>,
    /// Only cases not yet settled or written off.
    pub open: Option<bool>,
}

impl LegalCaseFilter {
    pub(crate) fn parse(self) -> Result<CaseFilter, AppError> {
        Ok(CaseFilter {
            customer_id: self
                .customer_id
                .map(|id| parse_id("filter.customerId", &id))
                .transpose()?,
            status: self.status,
            open: self.open,
        })
    }
}

pub type LegalCaseConnection = Connection<String, LegalCase, CountedList>;

#[derive(InputObject)]
pub struct EscalateToLegalInput {
    pub customer_id: ID,
    /// The invoices to pursue; by default every overdue invoice of the customer.
    pub invoice_ids: Option<Vec<ID>>,
    pub agency: Option<String>,
    pub lawyer: Option<String>,
    pub notes: Option<String>,
}

impl EscalateToLegalInput {
    pub(crate) fn parse(self) -> Result<Escalation, AppError> {
        let customer_id = customer_id(&self.customer_id)?;
        let invoice_ids = self
            .invoice_ids
            .map(|ids| {
                ids.iter()
                    .enumerate()
                    .map(|(index, id)| {
                        id.parse::<Uuid>().map_err(|_| {
                            AppError::from(CollectionError::LegalInvoiceNotOpen { index })
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        Ok(Escalation {
            customer_id,
            invoice_ids,
            agency: self.agency,
            lawyer: self.lawyer,
            notes: self.notes,
        })
    }
}

#[derive(SimpleObject)]
pub struct LegalCasePayload {
    pub legal_case: LegalCase,
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

impl UpdateLegalCaseInput {
    pub(crate) fn parse(self) -> Result<CaseUpdate, AppError> {
        Ok(CaseUpdate {
            case_id: self
                .case_id
                .parse::<Uuid>()
                .map_err(|_| CollectionError::LegalCaseNotFound)?,
            status: self.status,
            on: self.on.map(|d| d.0),
            agency: self.agency,
            lawyer: self.lawyer,
            costs: self.costs,
            notes: self.notes,
        })
    }
}
