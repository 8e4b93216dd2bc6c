//! `customerStatement`, `sendStatement`, `publicStatement`, `respondToStatement`.

use super::errors::StatementError;
use super::service::{self, RespondToStatement, SendStatement};
use super::store::ResponseRow;
use crate::api::context::{links, request, services};
use crate::api::objects::customer::Aging;
use crate::api::values::CustomerRef;
use crate::api::values::{Date, Money, optional_text, parse_currency, required_text};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError, IntoApi};
use crate::startup::AppLinks;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use domain::aging::days_overdue;
use domain::statement::{EntryKind, StatementAnswer};
use rust_decimal::Decimal;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

#[derive(SimpleObject, Clone)]
pub struct StatementLine {
    pub date: Date,
    pub kind: EntryKind,
    /// The invoice or credit note number, or the payment's reference.
    pub reference: String,
    pub debit: Option<Money>,
    pub credit: Option<Money>,
    /// What the customer owes after this line (negative: in credit).
    pub balance: Money,
}

#[derive(SimpleObject, Clone)]
pub struct StatementInvoice {
    pub number: Option<String>,
    pub issue_date: Date,
    pub due_date: Date,
    pub total: Money,
    /// Owed at the end of the period.
    pub balance: Money,
    pub days_overdue: i64,
    /// The numbers of the fapiao (发票) standing for it at the end of the period.
    pub fapiao_numbers: Vec<String>,
}

#[derive(SimpleObject, Clone)]
pub struct StatementResponse {
    pub answer: StatementAnswer,
    pub note: Option<String>,
    pub disputed_invoice_numbers: Vec<String>,
    pub responder_name: String,
    pub period_from: Date,
    pub period_to: Date,
    /// The closing balance the customer was shown when answering.
    pub closing_balance: Money,
    pub responded_at: DateTime<Utc>,
}

#[derive(SimpleObject, Clone)]
pub struct CustomerStatement {
    pub customer: CustomerRef,
    pub currency: String,
    pub from: Date,
    pub to: Date,
    pub opening_balance: Money,
    pub lines: Vec<StatementLine>,
    pub closing_balance: Money,
    /// What was owed at the end of the period, by age.
    pub aging: Aging,
    pub open_invoices: Vec<StatementInvoice>,
    /// The customer's answers to statements sent, newest first.
    pub responses: Vec<StatementResponse>,
}

fn shape(statement: service::CustomerStatement) -> CustomerStatement {
    let service::CustomerStatement { data, responses } = statement;
    let currency = data.currency.clone();
    let money = |amount: Decimal| Money::new(amount, &currency);
    let to = data.statement.to;
    CustomerStatement {
        customer: CustomerRef {
            id: ID(data.customer.id.to_string()),
            code: data.customer.code.clone(),
            name: data.customer.name.clone(),
        },
        from: Date(data.statement.from),
        to: Date(to),
        opening_balance: money(data.statement.opening),
        lines: data
            .statement
            .lines
            .iter()
            .map(|line| StatementLine {
                date: Date(line.entry.date),
                kind: line.entry.kind,
                reference: line.entry.reference.clone(),
                debit: (line.debit > Decimal::ZERO).then(|| money(line.debit)),
                credit: (line.credit > Decimal::ZERO).then(|| money(line.credit)),
                balance: money(line.balance),
            })
            .collect(),
        closing_balance: money(data.statement.closing),
        aging: Aging {
            current: money(data.aging[0]),
            d1_to_30: money(data.aging[1]),
            d31_to_60: money(data.aging[2]),
            d61_to_90: money(data.aging[3]),
            over_90: money(data.aging[4]),
        },
        open_invoices: data
            .open_at_end
            .iter()
            .map(|invoice| StatementInvoice {
                number: invoice.number.clone(),
                issue_date: Date(invoice.issue_date),
                due_date: Date(invoice.due_date),
                total: money(invoice.total),
                balance: money(invoice.balance),
                days_overdue: days_overdue(invoice.due_date, to),
                fapiao_numbers: invoice.fapiao_numbers.clone(),
            })
            .collect(),
        responses: responses.into_iter().map(response).collect(),
        currency,
    }
}

fn response(row: ResponseRow) -> StatementResponse {
    StatementResponse {
        answer: row.response,
        note: row.note,
        disputed_invoice_numbers: row.disputed_numbers,
        responder_name: row.responder_name,
        period_from: Date(row.period_from),
        period_to: Date(row.period_to),
        closing_balance: Money::new(row.closing_balance, row.currency.code()),
        responded_at: row.responded_at,
    }
}

pub async fn customer_statement(
    db: &DatabaseConnection,
    caller: &Caller,
    customer_id: &ID,
    from: Date,
    to: Date,
    currency: Option<String>,
) -> Result<Option<CustomerStatement>, AppError> {
    let Ok(customer_id) = customer_id.parse::<Uuid>() else {
        // Not an id: no statement, once the caller and the period pass.
        service::check_read(caller, from.0, to.0)?;
        return Ok(None);
    };
    if currency.is_some() {
        // The access and period come first, as ever.
        service::check_read(caller, from.0, to.0)?;
    }
    let currency = currency
        .map(|code| parse_currency("currency", &code))
        .transpose()?;
    let statement =
        service::customer_statement(db, caller, customer_id, from.0, to.0, currency).await?;
    Ok(statement.map(shape))
}

#[derive(InputObject)]
pub struct SendStatementInput {
    pub customer_id: ID,
    pub from: Date,
    pub to: Date,
    /// By default the contacts who receive billing, each in their own language, when the
    /// customer has any; else its first contact with an email.
    pub email: Option<String>,
}

#[derive(SimpleObject)]
pub struct SendStatementPayload {
    /// The address, or the addresses separated by `, ` when several billing contacts got it.
    pub sent_to: String,
    pub expires_at: DateTime<Utc>,
    /// Each recipient's statement reference (`ST00000042`), in the order of `sentTo`: the
    /// customer quotes it in the payment's remark, and cash application matches it.
    pub references: Vec<String>,
}

pub async fn send_statement(
    db: &DatabaseConnection,
    caller: &Caller,
    links: &AppLinks,
    input: SendStatementInput,
    request_id: &str,
) -> Result<SendStatementPayload, AppError> {
    let Ok(customer_id) = input.customer_id.parse::<Uuid>() else {
        // Not an id: no such customer, once the caller and the period pass.
        service::send_access(caller)?;
        caller.require_tenant()?;
        service::period(input.from.0, input.to.0)?;
        return Err(StatementError::CustomerNotFound.into());
    };
    let request = SendStatement {
        customer_id,
        from: input.from.0,
        to: input.to.0,
        email: input.email,
    };
    let sent = service::send_statement(db, caller, links, request, request_id).await?;
    Ok(SendStatementPayload {
        sent_to: sent.sent_to,
        expires_at: sent.expires_at,
        references: sent.references,
    })
}

/// What the customer sees from the emailed link.
#[derive(SimpleObject)]
pub struct PublicStatement {
    pub company_name: String,
    pub statement: CustomerStatement,
    pub expires_at: DateTime<Utc>,
    /// Whether the company takes payment online (its Stripe account is connected): the page
    /// then offers `payStatement`.
    pub can_pay_online: bool,
    /// The statement's reference, to quote in the payment's remark (附言).
    pub reference: String,
}

#[derive(InputObject)]
pub struct RespondToStatementInput {
    /// The token from the statement link.
    pub token: String,
    pub answer: StatementAnswer,
    /// The responder's name, for the team.
    pub name: String,
    pub note: Option<String>,
    /// With `DISPUTED`: the invoices in question; each gets an open dispute for the team.
    pub disputed_invoice_numbers: Option<Vec<String>>,
}

#[derive(SimpleObject)]
pub struct RespondToStatementPayload {
    pub response: StatementResponse,
}

#[derive(Default)]
pub struct StatementsQuery;

#[Object]
impl StatementsQuery {
    /// A customer's statement for a period: opening balance, every movement with a running
    /// balance, closing balance, and what was owed at the end by age. `null` for a customer
    /// the caller cannot see.
    async fn customer_statement(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
        from: Date,
        to: Date,
        currency: Option<String>,
    ) -> ApiResult<Option<CustomerStatement>> {
        let (_, db) = services(ctx)?;
        customer_statement(db, &request(ctx)?.caller, &customer_id, from, to, currency)
            .await
            .api()
    }

    /// The statement behind an emailed link; no sign-in needed, nothing else reachable.
    async fn public_statement(
        &self,
        ctx: &Context<'_>,
        token: String,
    ) -> ApiResult<PublicStatement> {
        let (_, db) = services(ctx)?;
        let public = service::public_statement(db, &token).await.api()?;
        Ok(PublicStatement {
            company_name: public.company_name,
            statement: shape(public.statement),
            expires_at: public.expires_at,
            can_pay_online: public.can_pay_online,
            reference: public.reference,
        })
    }
}

#[derive(Default)]
pub struct StatementsMutation;

#[Object]
impl StatementsMutation {
    /// Emails the customer a link to their statement for the period (valid for 30 days).
    async fn send_statement(
        &self,
        ctx: &Context<'_>,
        input: SendStatementInput,
    ) -> ApiResult<SendStatementPayload> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        let links = links(ctx)?;
        send_statement(db, &request.caller, links, input, &request.request_id)
            .await
            .api()
    }

    /// The customer's answer from the statement link: the balance is confirmed, or disputed
    /// (each invoice named gets an open dispute). No sign-in needed.
    async fn respond_to_statement(
        &self,
        ctx: &Context<'_>,
        input: RespondToStatementInput,
    ) -> ApiResult<RespondToStatementPayload> {
        let (_, db) = services(ctx)?;
        let name = required_text("input.name", &input.name, 200).api()?;
        let note = optional_text("input.note", input.note.as_deref(), 2000).api()?;
        let command = RespondToStatement {
            answer: input.answer,
            name,
            note,
            disputed_invoice_numbers: input.disputed_invoice_numbers.unwrap_or_default(),
        };
        let row = service::respond_to_statement(db, &input.token, command)
            .await
            .api()?;
        Ok(RespondToStatementPayload {
            response: response(row),
        })
    }
}
