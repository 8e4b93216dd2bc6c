//! Letters over GraphQL: `letters` (the print list), `markLetterMailed` and
//! `draftLawyerLetter`. The PDF is REST: `GET /api/letters/{id}.pdf`.

use super::gated;
use crate::api::pagination::PageRequest;
use crate::api::values::{CountedList, CustomerRef, Date, id_or_nil};
use crate::collections::service::letters::{self as service, MarkMailed};
use crate::collections::store::letters::{LetterFilter as Filter, LetterRow};
use crate::error::{ApiResult, IntoApi};
use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use domain::letters::{LetterKind, LetterStatus};

/// A letter on the company's letterhead: a demand letter (催款函) from a ladder's letter step,
/// or a lawyer's letter draft (律师函) from a legal case.
#[derive(SimpleObject)]
pub struct Letter {
    pub id: ID,
    pub kind: LetterKind,
    pub status: LetterStatus,
    pub customer: CustomerRef,
    pub legal_case_id: Option<ID>,
    pub title: String,
    /// The text as rendered when the letter was made.
    pub body: String,
    /// The invoices it claims, by number.
    pub invoice_numbers: Vec<String>,
    pub letter_date: Date,
    /// The date it asks to be paid by.
    pub deadline: Date,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub mailed_on: Option<Date>,
    /// The carrier's tracking number, once mailed (proof of delivery).
    pub tracking_number: Option<String>,
    pub mailed_by: Option<String>,
    /// Where its PDF is: `GET` with the same credentials.
    pub pdf_path: String,
}

impl From<LetterRow> for Letter {
    fn from(row: LetterRow) -> Self {
        Letter {
            pdf_path: format!("/api/letters/{}.pdf", row.id),
            id: ID(row.id.to_string()),
            kind: row.kind,
            status: if row.mailed_on.is_some() {
                LetterStatus::Mailed
            } else {
                LetterStatus::ToPrint
            },
            customer: CustomerRef {
                id: ID(row.customer_id.to_string()),
                code: row.customer_code,
                name: row.customer_name,
            },
            legal_case_id: row.legal_case_id.map(|id| ID(id.to_string())),
            title: row.title,
            body: row.body,
            invoice_numbers: row.invoice_numbers,
            letter_date: Date(row.letter_date),
            deadline: Date(row.deadline),
            created_by: row.created_by,
            created_at: row.created_at,
            mailed_on: row.mailed_on.map(Date),
            tracking_number: row.tracking_number,
            mailed_by: row.mailed_by,
        }
    }
}

#[derive(InputObject, Default)]
pub struct LetterFilter {
    /// TO_PRINT: the print list.
    pub status: Option<LetterStatus>,
    pub kind: Option<LetterKind>,
    pub customer_id: Option<ID>,
}

#[derive(InputObject)]
pub struct MarkLetterMailedInput {
    pub letter_id: ID,
    /// The carrier's tracking number: 4 to 40 letters and digits (spaces and dashes dropped).
    pub tracking_number: String,
    /// Today by default; not after today.
    pub mailed_on: Option<Date>,
}

#[derive(InputObject)]
pub struct DraftLawyerLetterInput {
    pub legal_case_id: ID,
}

#[derive(SimpleObject)]
pub struct LetterPayload {
    pub letter: Letter,
}

pub type LetterConnection = Connection<String, Letter, CountedList>;

#[derive(Default)]
pub struct LettersQuery;

#[Object]
impl LettersQuery {
    /// Letters, newest first; `status: TO_PRINT` is the print list. Collectors see their
    /// customers' letters.
    #[graphql(complexity = "crate::api::values::page_complexity(first, child_complexity)")]
    async fn letters(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<LetterFilter>,
    ) -> ApiResult<LetterConnection> {
        let (db, request) = gated(ctx, service::may_read)?;
        let page = PageRequest::parse("letters", "NEWEST", true, first, after.as_deref()).api()?;
        let filter = filter.unwrap_or_default();
        let filter = Filter {
            status: filter.status,
            kind: filter.kind,
            customer_id: filter.customer_id.as_ref().map(id_or_nil),
        };
        let wants_total = ctx.look_ahead().field("totalCount").exists();
        let page = service::list_letters(db, &request.caller, &page, filter, wants_total)
            .await
            .api()?;
        Ok(page.connection(Letter::from))
    }
}

#[derive(Default)]
pub struct LettersMutation;

#[Object]
impl LettersMutation {
    /// Records a letter mailed with the carrier's tracking number; a LETTER activity on the
    /// customer's timeline keeps the number (permission WORK_COLLECTIONS or MANAGE_DUNNING).
    async fn mark_letter_mailed(
        &self,
        ctx: &Context<'_>,
        input: MarkLetterMailedInput,
    ) -> ApiResult<LetterPayload> {
        let (db, request) = gated(ctx, service::may_read)?;
        let input = MarkMailed {
            letter_id: id_or_nil(&input.letter_id),
            tracking_number: input.tracking_number,
            mailed_on: input.mailed_on.map(|day| day.0),
        };
        let letter = service::mark_mailed(db, &request.caller, input, &request.request_id)
            .await
            .api()?;
        Ok(LetterPayload {
            letter: letter.into(),
        })
    }

    /// Drafts the lawyer's letter (律师函) of a legal case for the company's lawyer, claiming
    /// what its invoices still owe (permission MANAGE_DUNNING).
    async fn draft_lawyer_letter(
        &self,
        ctx: &Context<'_>,
        input: DraftLawyerLetterInput,
    ) -> ApiResult<LetterPayload> {
        let (db, request) = gated(ctx, crate::collections::service::legal::may_manage)?;
        let letter = service::draft_lawyer_letter(
            db,
            &request.caller,
            id_or_nil(&input.legal_case_id),
            &request.request_id,
        )
        .await
        .api()?;
        Ok(LetterPayload {
            letter: letter.into(),
        })
    }
}
