//! Statements' SQL: entries and aging at the period's end, emailed links, answers, their disputes.

use crate::customers::CustomerRow;
use chrono::{DateTime, NaiveDate, Utc};
use domain::aging::{AgingBucket, days_past_due};
use domain::statement::{Entry, EntryKind, Statement, StatementAnswer, build};
use domain::{Currency, Locale, TenantId};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement as Sql};
use uuid::Uuid;

#[derive(Debug, FromQueryResult)]
struct EntryRow {
    date: NaiveDate,
    kind: EntryKind,
    reference: String,
    amount: Decimal,
}

/// Every movement of the customer's money in `currency` up to `to`. Dates are the tenant's
/// calendar dates (`$4` is the tenant's time zone name).
const ENTRIES: &str = r#"
SELECT issue_date AS date, 'INVOICE' AS kind, coalesce(number, '') AS reference, total AS amount
FROM invoices WHERE customer_id = $1 AND currency = $2 AND status NOT IN ('DRAFT', 'VOID') AND issue_date <= $3
UNION ALL
SELECT received_on, 'PAYMENT', coalesce(reference, method), amount
FROM payments WHERE customer_id = $1 AND currency = $2 AND received_on <= $3
UNION ALL
SELECT (r.reversed_at AT TIME ZONE $4)::date, 'PAYMENT_REVERSAL', coalesce(p.reference, p.method), p.amount
FROM payment_reversals r JOIN payments p ON p.id = r.payment_id
WHERE p.customer_id = $1 AND p.currency = $2 AND (r.reversed_at AT TIME ZONE $4)::date <= $3
UNION ALL
SELECT issued_on, 'CREDIT_NOTE', number, amount
FROM credit_notes WHERE customer_id = $1 AND currency = $2 AND issued_on <= $3
UNION ALL
SELECT (written_off_at AT TIME ZONE $4)::date, 'WRITE_OFF', coalesce(number, ''), amount_written_off
FROM invoices
WHERE customer_id = $1 AND currency = $2 AND status = 'WRITTEN_OFF' AND (written_off_at AT TIME ZONE $4)::date <= $3
"#;

/// Each invoice's balance as it stood at the end of `$3`: its total less what had been
/// allocated, credited and written off by then.
const OPEN_AT: &str = r#"
SELECT i.id, i.number, i.issue_date, i.due_date, i.total,
       i.total
       -- Money applied counts from the day it was received (as the ledger dates the payment);
       -- a reversal from the day it was made.
       - coalesce((SELECT sum(a.amount) FROM allocations a JOIN payments p ON p.id = a.payment_id
                   WHERE a.invoice_id = i.id
                     AND CASE WHEN a.reverses_id IS NULL THEN p.received_on
                              ELSE (a.created_at AT TIME ZONE $4)::date END <= $3), 0)
       - coalesce((SELECT sum(n.amount) FROM credit_notes n WHERE n.invoice_id = i.id AND n.issued_on <= $3), 0)
       - CASE WHEN i.status = 'WRITTEN_OFF' AND (i.written_off_at AT TIME ZONE $4)::date <= $3 THEN i.amount_written_off ELSE 0 END
       AS balance,
       -- The fapiao standing for it, issued by the end (served by fapiaos_invoice_idx).
       coalesce((SELECT array_agg(f.number ORDER BY f.issued_on, f.number) FROM fapiaos f
                 WHERE f.invoice_id = i.id AND f.credit_note_id IS NULL AND f.voided_at IS NULL
                   AND f.issued_on <= $3), '{}') AS fapiao_numbers
FROM invoices i
WHERE i.customer_id = $1 AND i.currency = $2 AND i.status NOT IN ('DRAFT', 'VOID') AND i.issue_date <= $3
ORDER BY i.due_date, i.number
"#;

#[derive(Debug, Clone, FromQueryResult)]
pub struct OpenAtEnd {
    pub id: Uuid,
    pub number: Option<String>,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub total: Decimal,
    pub balance: Decimal,
    /// The numbers of the fapiao standing for it at the end of the period.
    pub fapiao_numbers: Vec<String>,
}

pub struct StatementData {
    pub customer: CustomerRow,
    pub currency: String,
    pub statement: Statement,
    /// Invoices with something owed at the end of the period.
    pub open_at_end: Vec<OpenAtEnd>,
    /// Aging of what was owed at the end, in bucket order.
    pub aging: [Decimal; 5],
}

/// The statement of `customer` for `from..=to` in `currency`, read in the caller's
/// transaction.
pub async fn load_statement(
    conn: &impl ConnectionTrait,
    customer: CustomerRow,
    currency: &str,
    from: NaiveDate,
    to: NaiveDate,
    time_zone: &str,
) -> Result<StatementData, DbErr> {
    let values = || {
        vec![
            customer.id.into(),
            currency.to_owned().into(),
            to.into(),
            time_zone.to_owned().into(),
        ]
    };
    let entries = EntryRow::find_by_statement(Sql::from_sql_and_values(
        DbBackend::Postgres,
        ENTRIES,
        values(),
    ))
    .all(conn)
    .await?
    .into_iter()
    .map(|row| Entry {
        date: row.date,
        kind: row.kind,
        reference: row.reference,
        amount: row.amount,
    })
    .collect();
    let open_at_end: Vec<OpenAtEnd> = OpenAtEnd::find_by_statement(Sql::from_sql_and_values(
        DbBackend::Postgres,
        OPEN_AT,
        values(),
    ))
    .all(conn)
    .await?
    .into_iter()
    .filter(|invoice| invoice.balance > Decimal::ZERO)
    .collect();
    let edges = crate::settings::read(conn).await?.aging_edges();
    let mut aging = [Decimal::ZERO; 5];
    for invoice in &open_at_end {
        let bucket: AgingBucket = edges.bucket(days_past_due(invoice.due_date, to));
        aging[bucket.index()] += invoice.balance;
    }
    Ok(StatementData {
        currency: currency.to_owned(),
        statement: build(from, to, entries),
        open_at_end,
        aging,
        customer,
    })
}

/// A customer's answer to a statement sent, with the period and balance it answered. (The
/// queries select the row's `id` too, so a stored value that does not parse names its row.)
#[derive(Debug, Clone, FromQueryResult)]
pub struct ResponseRow {
    pub response: StatementAnswer,
    pub note: Option<String>,
    pub disputed_numbers: Vec<String>,
    pub responder_name: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub closing_balance: Decimal,
    pub currency: Currency,
    pub responded_at: DateTime<Utc>,
}

/// The customer's answers, newest first (up to 50); only the one to `link` when given.
pub async fn responses_of(
    conn: &impl ConnectionTrait,
    customer: Uuid,
    link: Option<Uuid>,
) -> Result<Vec<ResponseRow>, DbErr> {
    ResponseRow::find_by_statement(Sql::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT r.id, r.response, r.note, r.disputed_numbers, r.responder_name, l.period_from, l.period_to,
                r.closing_balance, l.currency::text AS currency, r.responded_at
         FROM statement_responses r JOIN statement_links l ON l.id = r.link_id
         WHERE r.customer_id = $1 AND ($2::uuid IS NULL OR r.link_id = $2)
         ORDER BY r.responded_at DESC LIMIT 50",
        [customer.into(), link.into()],
    ))
    .all(conn)
    .await
}

/// A contact a statement goes to: the address and the contact's own language (none: the
/// customer's).
#[derive(Debug, Clone, FromQueryResult)]
pub struct Recipient {
    pub email: String,
    pub locale: Option<Locale>,
    pub billing: bool,
}

/// Whom a statement goes to when no address is given: the contacts who receive billing
/// (invoices, statements and dunning) when the customer has any, each address once, in their
/// order; otherwise its first contact with an email. Empty when none of them has an address.
pub async fn statement_recipients(
    conn: &impl ConnectionTrait,
    customer: Uuid,
) -> Result<Vec<Recipient>, DbErr> {
    let rows = Recipient::find_by_statement(Sql::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT c.email, c.locale, c.billing FROM customer_contacts c
         WHERE c.customer_id = $1 AND c.email IS NOT NULL
           AND (c.billing OR NOT EXISTS (
                SELECT 1 FROM customer_contacts b WHERE b.customer_id = $1 AND b.billing))
         ORDER BY c.position",
        [customer.into()],
    ))
    .all(conn)
    .await?;
    if !rows.first().is_some_and(|row| row.billing) {
        return Ok(rows.into_iter().take(1).collect());
    }
    let mut picked: Vec<Recipient> = Vec::with_capacity(rows.len());
    for row in rows {
        if !picked
            .iter()
            .any(|seen| seen.email.eq_ignore_ascii_case(&row.email))
        {
            picked.push(row);
        }
    }
    Ok(picked)
}

#[derive(Debug, FromQueryResult)]
struct ContactLocale {
    locale: Option<Locale>,
}

/// The own language of the customer's contact with `email` (compared without regard to case);
/// none when no contact has this address or that contact has no language of its own.
pub async fn contact_locale(
    conn: &impl ConnectionTrait,
    customer: Uuid,
    email: &str,
) -> Result<Option<Locale>, DbErr> {
    Ok(ContactLocale::find_by_statement(Sql::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT locale FROM customer_contacts
         WHERE customer_id = $1 AND lower(email) = lower($2) AND locale IS NOT NULL
         ORDER BY position LIMIT 1",
        [customer.into(), email.to_owned().into()],
    ))
    .one(conn)
    .await?
    .and_then(|row| row.locale))
}

/// Whether `email` (lower case) is one of the customer's contacts' addresses.
pub async fn is_contact_email(
    conn: &impl ConnectionTrait,
    customer: Uuid,
    email: &str,
) -> Result<bool, DbErr> {
    Ok(conn
        .query_one_raw(Sql::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS found FROM customer_contacts WHERE customer_id = $1 AND lower(email) = $2",
            [customer.into(), email.to_owned().into()],
        ))
        .await?
        .is_some())
}

/// A statement link to record: its token only as a digest.
pub struct NewLink<'a> {
    pub token_hash: Vec<u8>,
    pub customer_id: Uuid,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub currency: String,
    pub sent_to: &'a str,
    pub expires_at: DateTime<Utc>,
    pub created_by: &'a str,
    pub closing_balance: Decimal,
}

/// Inserts the link; returns the reference the statement is numbered with.
pub async fn insert_link(conn: &impl ConnectionTrait, link: NewLink<'_>) -> Result<String, DbErr> {
    conn.query_one_raw(Sql::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO statement_links (id, token_hash, customer_id, period_from, period_to, currency, sent_to, expires_at, created_by, closing_balance)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING reference",
        [
            Uuid::now_v7().into(),
            link.token_hash.into(),
            link.customer_id.into(),
            link.from.into(),
            link.to.into(),
            link.currency.into(),
            link.sent_to.to_owned().into(),
            link.expires_at.into(),
            link.created_by.to_owned().into(),
            link.closing_balance.into(),
        ],
    ))
    .await?
    .ok_or_else(|| DbErr::RecordNotFound("statement link".to_owned()))?
    .try_get("", "reference")
}

/// Deletes the link with `token_hash` when no one has answered it.
pub async fn delete_unanswered_link(
    conn: &impl ConnectionTrait,
    token_hash: &[u8],
) -> Result<(), DbErr> {
    conn.execute_raw(Sql::from_sql_and_values(
        DbBackend::Postgres,
        "DELETE FROM statement_links l WHERE l.token_hash = $1
           AND NOT EXISTS (SELECT 1 FROM statement_responses r WHERE r.link_id = l.id)",
        [token_hash.to_vec().into()],
    ))
    .await?;
    Ok(())
}

#[derive(Debug, FromQueryResult)]
struct TenantLocale {
    locale: Locale,
}

/// The company's language, for what it sends and prints; `None` for no such company.
pub async fn company_locale(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<Option<Locale>, DbErr> {
    Ok(TenantLocale::find_by_statement(Sql::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id, locale FROM public.tenants WHERE id = $1",
        [tenant.0.into()],
    ))
    .one(conn)
    .await?
    .map(|row| row.locale))
}

/// Whether the company is active (a suspended or closed one's links do not work).
pub async fn tenant_active(conn: &impl ConnectionTrait, tenant: TenantId) -> Result<bool, DbErr> {
    Ok(conn
        .query_one_raw(Sql::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS found FROM public.tenants WHERE id = $1 AND status = 'ACTIVE'",
            [tenant.0.into()],
        ))
        .await?
        .is_some())
}

#[derive(Debug, FromQueryResult)]
pub struct LinkRow {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub currency: Currency,
    pub expires_at: DateTime<Utc>,
    /// The address it was sent to.
    pub sent_to: String,
    /// What the customer quotes when paying it (`ST00000042`).
    pub reference: String,
}

/// The link with this token digest, if it has not expired.
pub async fn live_link(
    conn: &impl ConnectionTrait,
    token_hash: Vec<u8>,
) -> Result<Option<LinkRow>, DbErr> {
    LinkRow::find_by_statement(Sql::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id, customer_id, period_from, period_to, currency::text AS currency, expires_at, sent_to,
                reference
         FROM statement_links WHERE token_hash = $1 AND expires_at > now()",
        [token_hash.into()],
    ))
    .one(conn)
    .await
}

/// Whether the company's Stripe account is connected (it takes payment online).
pub async fn takes_payment_online(conn: &impl ConnectionTrait) -> Result<bool, DbErr> {
    Ok(conn
        .query_one_raw(Sql::from_string(
            DbBackend::Postgres,
            "SELECT 1 AS found FROM stripe_account",
        ))
        .await?
        .is_some())
}

pub async fn link_answered(conn: &impl ConnectionTrait, link: Uuid) -> Result<bool, DbErr> {
    Ok(conn
        .query_one_raw(Sql::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS found FROM statement_responses WHERE link_id = $1",
            [link.into()],
        ))
        .await?
        .is_some())
}

pub async fn lock_customer(conn: &impl ConnectionTrait, customer: Uuid) -> Result<(), DbErr> {
    conn.execute_raw(Sql::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id FROM customers WHERE id = $1 FOR UPDATE",
        [customer.into()],
    ))
    .await?;
    Ok(())
}

/// An invoice a statement's answer may dispute.
#[derive(Debug, FromQueryResult)]
pub struct Disputable {
    pub id: Uuid,
    pub number: String,
    pub balance_due: Decimal,
}

/// Of the invoices numbered `numbers`, those of the customer open on a statement ending `to`
/// in `currency` (issued by then) without an open dispute, locked in id order.
pub async fn lock_disputable(
    conn: &impl ConnectionTrait,
    numbers: &[String],
    customer: Uuid,
    currency: Currency,
    to: NaiveDate,
) -> Result<Vec<Disputable>, DbErr> {
    Disputable::find_by_statement(Sql::from_sql_and_values(
        DbBackend::Postgres,
        concat!(
            "SELECT id, number, balance_due FROM invoices i
         WHERE number = ANY($1) AND customer_id = $2 AND currency = $3 AND status IN ",
            domain::open_statuses!(),
            "
           AND issue_date <= $4
           AND NOT EXISTS (SELECT 1 FROM disputes d WHERE d.invoice_id = i.id AND d.status = 'OPEN')
         ORDER BY id FOR UPDATE"
        ),
        [
            numbers.to_vec().into(),
            customer.into(),
            currency.code().to_owned().into(),
            to.into(),
        ],
    ))
    .all(conn)
    .await
}

/// A customer's answer to record; its closing balance is the one the link showed.
pub struct NewResponse<'a> {
    pub link_id: Uuid,
    pub customer_id: Uuid,
    pub answer: StatementAnswer,
    pub note: Option<String>,
    pub disputed_numbers: &'a [String],
    pub responder_name: &'a str,
}

pub async fn insert_response(
    conn: &impl ConnectionTrait,
    response: NewResponse<'_>,
) -> Result<(), DbErr> {
    conn.execute_raw(Sql::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO statement_responses (id, link_id, customer_id, response, note, disputed_numbers, responder_name, closing_balance)
         VALUES ($1, $2, $3, $4, $5, $6::text[], $7,
                 (SELECT closing_balance FROM statement_links WHERE id = $2))",
        [
            Uuid::now_v7().into(),
            response.link_id.into(),
            response.customer_id.into(),
            response.answer.as_str().into(),
            response.note.into(),
            response.disputed_numbers.to_vec().into(),
            response.responder_name.to_owned().into(),
        ],
    ))
    .await?;
    Ok(())
}

pub async fn insert_dispute(
    conn: &impl ConnectionTrait,
    invoice: Uuid,
    reason: String,
    amount: Decimal,
    opened_by: &str,
) -> Result<(), DbErr> {
    conn.execute_raw(Sql::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO disputes (id, invoice_id, reason, amount, opened_by) VALUES ($1, $2, $3, $4, $5)",
        [
            Uuid::now_v7().into(),
            invoice.into(),
            reason.into(),
            amount.into(),
            opened_by.to_owned().into(),
        ],
    ))
    .await?;
    Ok(())
}
