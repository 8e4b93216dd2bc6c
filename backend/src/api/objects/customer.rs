//! The `Customer` object and the types it embeds (`Aging` among them, which statements show
//! too): what customers' own queries return and what other areas' payloads carry.

use crate::api::context::{request, services};
use crate::api::values::{Date, Money, page_size};
use crate::customers::loaders::{CreditHistoryOf, TimelineOf};
use crate::customers::service::{ContactRow, CreditEventRow, CustomerDetails};
use crate::db::MemberName;
use crate::error::{ApiResult, IntoApi};
use async_graphql::{ComplexObject, Context, ID, SimpleObject};
use chrono::{DateTime, Utc};
use domain::access::Permission;
use domain::aging::days_overdue;
use domain::credit::{available_credit, utilization_percent};
use domain::terms::TermsKind;
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(SimpleObject, Clone)]
pub struct PersonRef {
    pub id: ID,
    pub name: String,
    pub email: String,
}

#[derive(SimpleObject, Clone)]
pub struct Contact {
    pub name: String,
    pub role: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// How they like to be reached: PHONE, EMAIL, SMS, WECHAT, VISIT, LETTER.
    pub preferred_channel: Option<String>,
    /// The contact's own language for what the company sends them; null: the customer's.
    pub locale: Option<domain::Locale>,
    pub mobile: Option<String>,
    pub wechat_id: Option<String>,
    /// Receives invoices, statements and dunning. When any contact does, the company writes
    /// only to those; otherwise to the first contact with an email address.
    pub billing: bool,
    /// The contact's WeChat Work external contact id (`wm…`): WeChat steps go to it from the
    /// customer's collector.
    pub wecom_external_user_id: Option<String>,
}

#[derive(SimpleObject, Clone)]
pub struct Aging {
    pub current: Money,
    pub d1_to_30: Money,
    pub d31_to_60: Money,
    pub d61_to_90: Money,
    pub over_90: Money,
}

#[derive(SimpleObject, Clone)]
pub struct PaymentTermsOut {
    pub kind: TermsKind,
    pub days: i32,
}

#[derive(SimpleObject, Clone)]
pub struct CreditEvent {
    /// LIMIT_SET, HOLD_PLACED or HOLD_RELEASED.
    pub kind: String,
    pub credit_limit: Option<Money>,
    pub previous_limit: Option<Money>,
    pub reason: String,
    pub actor: String,
    pub occurred_at: DateTime<Utc>,
}

/// A customer with its balances as of the tenant's today, in the customer's currency.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Customer {
    pub id: ID,
    pub code: String,
    pub name: String,
    pub tax_id: Option<String>,
    pub billing_address: Option<String>,
    pub segment: Option<String>,
    pub tags: Vec<String>,
    pub currency: String,
    pub payment_terms: PaymentTermsOut,
    /// The days of the payment terms (net days, or days after the end of the month).
    pub payment_terms_days: i32,
    pub collector: Option<PersonRef>,
    pub salesperson: Option<PersonRef>,
    pub contacts: Vec<Contact>,
    /// `null` when no limit is set.
    pub credit_limit: Option<Money>,
    pub credit_hold: bool,
    pub credit_hold_reason: Option<String>,
    pub credit_hold_since: Option<DateTime<Utc>>,
    /// The credit rating's grade in force (see `creditRating` for the factors).
    pub risk_grade: Option<domain::rating::Grade>,
    /// The rating's score, 0 to 100.
    pub risk_score: Option<String>,
    /// The dunning ladder assigned to this customer itself (none: its segment's or the
    /// company's default).
    pub dunning_policy_id: Option<ID>,
    /// Dunning is paused through this day (`pauseDunning`), and why.
    pub dunning_paused_until: Option<Date>,
    pub dunning_pause_reason: Option<String>,
    pub notes: Option<String>,
    /// The customer's language for its emails and statements; null: the company's.
    pub locale: Option<domain::Locale>,
    /// The customer's time zone (IANA, such as Asia/Shanghai), which SMS and WeChat messages'
    /// quiet hours are kept in; null: the company's.
    pub time_zone: Option<String>,
    /// The customer refuses SMS and WeChat Work messages: ladder steps send none.
    pub messaging_opt_out: bool,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    /// Open invoices' balance in the customer's currency.
    pub balance: Money,
    /// Open balances in every currency the customer has invoices in.
    pub balances: Vec<Money>,
    pub overdue_amount: Money,
    /// The credit limit less the balance (negative when over); `null` without a limit.
    pub available_credit: Option<Money>,
    /// The balance as a percentage of the limit, one decimal; `null` without a limit.
    pub utilization_percent: Option<String>,
    pub aging: Aging,
    /// Days past due of the oldest overdue invoice; 0 when nothing is overdue.
    pub days_past_due: i64,
    pub open_invoice_count: i64,
    /// Payments not yet allocated to invoices, available to `applyCredit`.
    pub unapplied_credit: Money,
    #[graphql(skip)]
    pub uuid: Uuid,
}

/// Something that happened to the customer's account.
#[derive(SimpleObject, Clone)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    /// INVOICE_ISSUED, PAYMENT_RECEIVED, PAYMENT_REVERSED, CREDIT_NOTE, WRITE_OFF,
    /// DISPUTE_OPENED, DISPUTE_RESOLVED, DISPUTE_REJECTED, LIMIT_SET, HOLD_PLACED,
    /// HOLD_RELEASED, STATEMENT_SENT, STATEMENT_CONFIRMED, STATEMENT_DISPUTED (collections
    /// activities join with their area).
    pub kind: String,
    /// The invoice or credit note number, the payment's reference, the statement's period.
    pub reference: Option<String>,
    pub amount: Option<Money>,
    /// Who did it: a team member, an API key, or the customer.
    pub actor: Option<String>,
    /// The reason, note or address that goes with it.
    pub detail: Option<String>,
}

#[ComplexObject]
impl Customer {
    /// What happened on the account, newest first: invoices, payments, reversals, credit notes,
    /// write-offs, disputes, credit decisions, statements, collection activities (the dunning
    /// run's among them) and legal cases. `first` is 1 to 200 (default 50).
    #[graphql(complexity = "crate::api::values::page_complexity(first, child_complexity)")]
    async fn timeline(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
    ) -> ApiResult<Vec<TimelineEntry>> {
        let first = page_size(first).api()?;
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        let caller = &request.caller;
        // The timeline shows invoices and payments, so it needs what their lists need.
        caller.authorize(Permission::ViewInvoices).api()?;
        caller.authorize(Permission::ViewPayments).api()?;
        // Batched with the other customers of the page: one statement for all their timelines.
        let rows = request
            .loaders
            .customer_lists(db, caller)
            .api()?
            .load_one(TimelineOf {
                customer: self.uuid,
                first: first as i64,
            })
            .await?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|row| TimelineEntry {
                at: row.at,
                kind: row.kind,
                reference: row.reference,
                // Entries without a currency of their own (credit decisions) are in the customer's.
                amount: row.amount.map(|amount| match row.currency {
                    Some(currency) => Money::new(amount, currency.code()),
                    None => Money::new(amount, &self.currency),
                }),
                actor: row.actor,
                detail: row.detail,
            })
            .collect())
    }

    /// What to say to this customer on `channel` (PHONE, VISIT, WECHAT) at the ladder step it
    /// is at (话术), in its language, with its figures filled in; null for other channels.
    async fn collection_script(
        &self,
        ctx: &Context<'_>,
        channel: domain::collections::CollectionChannel,
    ) -> ApiResult<Option<super::script::CollectionScript>> {
        request(ctx)?
            .caller
            .authorize(Permission::ViewCollections)
            .api()?;
        super::script::script_for(ctx, self.uuid, None, channel).await
    }

    /// Credit limit changes and holds, newest first, with reasons.
    async fn credit_history(&self, ctx: &Context<'_>) -> ApiResult<Vec<CreditEvent>> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        // A customer also arrives inside other areas' payloads (a payment's, say): its credit
        // history is for those who may read customers.
        request.caller.authorize(Permission::ViewCustomers).api()?;
        // Batched with the other customers of the page: one statement for all their histories.
        let rows = request
            .loaders
            .customer_lists(db, &request.caller)
            .api()?
            .load_one(CreditHistoryOf(self.uuid))
            .await?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|row| credit_event(row, &self.currency))
            .collect())
    }
}

fn credit_event(row: CreditEventRow, currency: &str) -> CreditEvent {
    CreditEvent {
        kind: row.kind,
        credit_limit: row.credit_limit.map(|limit| Money::new(limit, currency)),
        previous_limit: row.previous_limit.map(|limit| Money::new(limit, currency)),
        reason: row.reason,
        actor: row.actor_label,
        occurred_at: row.occurred_at,
    }
}

impl Customer {
    /// The customer as the API shows it, balances as of the day they were read for.
    pub fn from_details(details: CustomerDetails) -> Customer {
        let CustomerDetails {
            row,
            contacts,
            collector,
            salesperson,
            as_of: today,
        } = details;
        let currency = row.currency.code().to_owned();
        let money = |amount: Decimal| Money::new(amount, &currency);
        Customer {
            id: ID(row.id.to_string()),
            uuid: row.id,
            code: row.code,
            name: row.name,
            tax_id: row.tax_id,
            billing_address: row.billing_address,
            segment: row.segment,
            tags: row.tags,
            payment_terms: PaymentTermsOut {
                kind: row.terms_kind,
                days: row.terms_days,
            },
            payment_terms_days: row.terms_days,
            collector: collector.map(person),
            salesperson: salesperson.map(person),
            contacts: contacts.into_iter().map(contact).collect(),
            credit_limit: row.credit_limit.map(money),
            credit_hold: row.credit_hold,
            credit_hold_reason: row.credit_hold_reason,
            credit_hold_since: row.credit_hold_since,
            risk_grade: row.risk_grade,
            risk_score: row.risk_score.map(|score| score.normalize().to_string()),
            dunning_policy_id: row.dunning_policy_id.map(|id| ID(id.to_string())),
            dunning_paused_until: row.dunning_paused_until.map(Date),
            dunning_pause_reason: row.dunning_pause_reason,
            notes: row.notes,
            locale: row.locale,
            time_zone: row.time_zone,
            messaging_opt_out: row.messaging_opt_out,
            archived: row.archived_at.is_some(),
            created_at: row.created_at,
            balance: money(row.balance),
            balances: row
                .balances
                .0
                .iter()
                .map(|open| Money::new(open.amount, open.currency.code()))
                .collect(),
            overdue_amount: money(row.overdue),
            available_credit: row
                .credit_limit
                .map(|limit| money(available_credit(limit, row.balance))),
            utilization_percent: row
                .credit_limit
                .and_then(|limit| utilization_percent(limit, row.balance))
                .map(|percent| percent.to_string()),
            aging: Aging {
                current: money(row.aging_current),
                d1_to_30: money(row.aging_d1),
                d31_to_60: money(row.aging_d2),
                d61_to_90: money(row.aging_d3),
                over_90: money(row.aging_d4),
            },
            days_past_due: row
                .oldest_overdue_due
                .map(|due| days_overdue(due, today))
                .unwrap_or(0),
            open_invoice_count: row.open_invoices,
            unapplied_credit: money(row.unapplied),
            currency,
        }
    }
}

fn person(member: MemberName) -> PersonRef {
    PersonRef {
        id: ID(member.id.to_string()),
        name: member.name,
        email: member.email,
    }
}

fn contact(row: ContactRow) -> Contact {
    Contact {
        name: row.name,
        role: row.role,
        email: row.email,
        phone: row.phone,
        preferred_channel: row.preferred_channel,
        locale: row.locale,
        mobile: row.mobile,
        wechat_id: row.wechat_id,
        billing: row.billing,
        wecom_external_user_id: row.wecom_external_user_id,
    }
}
