//! The statements that change a customer: its fields, contacts, archiving, limit and hold.

use crate::customers::CustomerError;
use crate::error::AppError;
use domain::terms::PaymentTerms;
use domain::{Currency, Locale};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};
use uuid::Uuid;

/// A contact as `createCustomer` and `updateCustomer` write it, validated.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NewContact {
    pub name: String,
    pub role: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub preferred_channel: Option<String>,
    /// The contact's own language for what the company sends them; none: the customer's.
    #[serde(default)]
    pub locale: Option<Locale>,
    #[serde(default)]
    pub mobile: Option<String>,
    #[serde(default)]
    pub wechat_id: Option<String>,
    /// The contact's WeChat Work external contact id (`wm…`), for messages from the collector.
    #[serde(default)]
    pub wecom_external_user_id: Option<String>,
    /// Receives invoices, statements and dunning.
    #[serde(default)]
    pub billing: bool,
}

/// A customer's own fields as `createCustomer` and `updateCustomer` write them, validated.
#[derive(Debug, Clone)]
pub struct CustomerFields {
    pub code: String,
    pub name: String,
    pub tax_id: Option<String>,
    pub billing_address: Option<String>,
    pub segment: Option<String>,
    pub tags: Vec<String>,
    pub terms: PaymentTerms,
    pub collector_id: Option<Uuid>,
    pub salesperson_id: Option<Uuid>,
    pub notes: Option<String>,
    /// The customer's language for its emails and statements; none: the company's.
    pub locale: Option<Locale>,
    /// Its time zone, which messages' quiet hours are kept in; none: the company's.
    pub time_zone: Option<String>,
    /// Refuses SMS and WeChat Work messages.
    pub messaging_opt_out: bool,
}

/// A language as the `locale` columns store it (`zh-CN`, `en`).
fn locale_value(locale: Option<Locale>) -> sea_orm::Value {
    locale.map(|locale| locale.tag().to_owned()).into()
}

/// Codes are unique in the company (`customers_code_key`, without regard to case).
fn code_taken(error: DbErr) -> AppError {
    if crate::db::violated_constraint(&error).as_deref() == Some("customers_code_key") {
        CustomerError::CodeTaken.into()
    } else {
        AppError::from(error)
    }
}

pub async fn insert_customer(
    conn: &impl ConnectionTrait,
    id: Uuid,
    fields: &CustomerFields,
    currency: Currency,
    credit_limit: Option<Decimal>,
) -> Result<(), AppError> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO customers (id, code, name, tax_id, billing_address, segment, tags, currency,
                                terms_kind, terms_days, collector_id, salesperson_id, credit_limit, notes, locale,
                                time_zone, messaging_opt_out)
         VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        [
            id.into(),
            fields.code.clone().into(),
            fields.name.clone().into(),
            fields.tax_id.clone().into(),
            fields.billing_address.clone().into(),
            fields.segment.clone().into(),
            fields.tags.clone().into(),
            currency.code().to_owned().into(),
            fields.terms.kind.as_str().into(),
            (fields.terms.days as i32).into(),
            fields.collector_id.into(),
            fields.salesperson_id.into(),
            credit_limit.into(),
            fields.notes.clone().into(),
            locale_value(fields.locale),
            fields.time_zone.clone().into(),
            fields.messaging_opt_out.into(),
        ],
    ))
    .await
    .map_err(code_taken)?;
    Ok(())
}

pub async fn update_customer(
    conn: &impl ConnectionTrait,
    id: Uuid,
    fields: &CustomerFields,
) -> Result<(), AppError> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE customers SET code = $2, name = $3, tax_id = $4, billing_address = $5, segment = $6,
                tags = $7::text[], terms_kind = $8, terms_days = $9,
                collector_id = $10, salesperson_id = $11, notes = $12, locale = $13, time_zone = $14,
                messaging_opt_out = $15, updated_at = now()
         WHERE id = $1",
        [
            id.into(),
            fields.code.clone().into(),
            fields.name.clone().into(),
            fields.tax_id.clone().into(),
            fields.billing_address.clone().into(),
            fields.segment.clone().into(),
            fields.tags.clone().into(),
            fields.terms.kind.as_str().into(),
            (fields.terms.days as i32).into(),
            fields.collector_id.into(),
            fields.salesperson_id.into(),
            fields.notes.clone().into(),
            locale_value(fields.locale),
            fields.time_zone.clone().into(),
            fields.messaging_opt_out.into(),
        ],
    ))
    .await
    .map_err(code_taken)?;
    Ok(())
}

pub async fn replace_contacts(
    conn: &impl ConnectionTrait,
    customer_id: Uuid,
    contacts: &[NewContact],
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "DELETE FROM customer_contacts WHERE customer_id = $1",
        [customer_id.into()],
    ))
    .await?;
    for (position, contact) in contacts.iter().enumerate() {
        conn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO customer_contacts (id, customer_id, position, name, role, email, phone, preferred_channel,
                                            locale, mobile, wechat_id, billing, wecom_external_user_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            [
                Uuid::now_v7().into(),
                customer_id.into(),
                (position as i32).into(),
                contact.name.clone().into(),
                contact.role.clone().into(),
                contact.email.clone().into(),
                contact.phone.clone().into(),
                contact.preferred_channel.clone().into(),
                locale_value(contact.locale),
                contact.mobile.clone().into(),
                contact.wechat_id.clone().into(),
                contact.billing.into(),
                contact.wecom_external_user_id.clone().into(),
            ],
        ))
        .await?;
    }
    Ok(())
}

/// Archives the customer (keeping the first archiving time) or restores it.
pub async fn set_archived(
    conn: &impl ConnectionTrait,
    id: Uuid,
    archive: bool,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE customers SET archived_at = CASE WHEN $2 THEN coalesce(archived_at, now()) END, updated_at = now()
         WHERE id = $1",
        [id.into(), archive.into()],
    ))
    .await?;
    Ok(())
}

pub async fn set_credit_limit(
    conn: &impl ConnectionTrait,
    id: Uuid,
    limit: Option<Decimal>,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE customers SET credit_limit = $2, updated_at = now() WHERE id = $1",
        [id.into(), limit.into()],
    ))
    .await?;
    Ok(())
}

/// Places (with its reason, from now) or releases a hold set by hand.
pub async fn set_credit_hold(
    conn: &impl ConnectionTrait,
    id: Uuid,
    hold: bool,
    reason: &str,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE customers SET credit_hold = $2,
                credit_hold_reason = CASE WHEN $2 THEN $3 END,
                credit_hold_since = CASE WHEN $2 THEN now() END,
                -- A hold placed by hand is released only by hand.
                credit_hold_cause = NULL, updated_at = now()
         WHERE id = $1",
        [id.into(), hold.into(), reason.into()],
    ))
    .await?;
    Ok(())
}

/// Sets the collector (when `collector` is `Some`) and the salesperson (when `salesperson` is
/// `Some`) of `ids`, `Some(None)` clearing it, in one statement.
pub async fn assign(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
    collector: Option<Option<Uuid>>,
    salesperson: Option<Option<Uuid>>,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE customers SET
             collector_id = CASE WHEN $2 THEN $3 ELSE collector_id END,
             salesperson_id = CASE WHEN $4 THEN $5 ELSE salesperson_id END,
             updated_at = now()
         WHERE id = ANY($1::uuid[])",
        [
            ids.to_vec().into(),
            collector.is_some().into(),
            collector.flatten().into(),
            salesperson.is_some().into(),
            salesperson.flatten().into(),
        ],
    ))
    .await?;
    Ok(())
}

/// The open tasks of customers whose collector changed follow each customer's new collector
/// (to nobody when it has none): those the ladder and broken promises left, and those given to
/// the previous collector, who no longer works the customer and could not see them. Tasks
/// given by hand to anyone else keep their assignee: a person chose them. `moves` pairs each
/// customer with its previous collector.
pub async fn follow_collector(
    conn: &impl ConnectionTrait,
    moves: &[(Uuid, Option<Uuid>)],
) -> Result<u64, DbErr> {
    let customers: Vec<Uuid> = moves.iter().map(|(customer, _)| *customer).collect();
    // Nil for none: no task is assigned to the nil id.
    let previous: Vec<Uuid> = moves
        .iter()
        .map(|(_, collector)| collector.unwrap_or(Uuid::nil()))
        .collect();
    Ok(conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE collection_tasks t SET assignee_id = c.collector_id
             FROM unnest($1::uuid[], $2::uuid[]) AS m(customer_id, previous)
             JOIN customers c ON c.id = m.customer_id
             WHERE t.customer_id = c.id AND t.status = 'OPEN'
               AND (t.source IN ('DUNNING', 'PROMISE') OR t.assignee_id = m.previous)
               AND t.assignee_id IS DISTINCT FROM c.collector_id",
            [customers.into(), previous.into()],
        ))
        .await?
        .rows_affected())
}

/// Who a customer is assigned to.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct Assignment {
    pub id: Uuid,
    pub collector_id: Option<Uuid>,
    pub salesperson_id: Option<Uuid>,
}

/// Locks `ids` for the rest of the transaction (in id order, so two bulk assignments cannot
/// deadlock) and returns whom those that exist are assigned to.
pub async fn lock_assignments(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<Vec<Assignment>, DbErr> {
    use sea_orm::FromQueryResult;
    Assignment::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id, collector_id, salesperson_id FROM customers
         WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE",
        [ids.to_vec().into()],
    ))
    .all(conn)
    .await
}

/// Takes a member off every customer they collect for (when `as_collector`) or sell to (when
/// `as_salesperson`). Returns whom each customer changed was assigned to before (the CTE's
/// rows are read before its update, as PostgreSQL runs them on one snapshot).
pub async fn unassign_member(
    conn: &impl ConnectionTrait,
    user: Uuid,
    as_collector: bool,
    as_salesperson: bool,
) -> Result<Vec<Assignment>, DbErr> {
    use sea_orm::FromQueryResult;
    Assignment::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "WITH changed AS (
             SELECT id, collector_id, salesperson_id FROM customers
             WHERE ($2 AND collector_id = $1) OR ($3 AND salesperson_id = $1)
             ORDER BY id FOR UPDATE
         ), updated AS (
             UPDATE customers c SET
                 collector_id = CASE WHEN $2 AND c.collector_id = $1 THEN NULL ELSE c.collector_id END,
                 salesperson_id = CASE WHEN $3 AND c.salesperson_id = $1 THEN NULL ELSE c.salesperson_id END,
                 updated_at = now()
             FROM changed WHERE c.id = changed.id
         )
         SELECT id, collector_id, salesperson_id FROM changed ORDER BY id",
        [user.into(), as_collector.into(), as_salesperson.into()],
    ))
    .all(conn)
    .await
}
