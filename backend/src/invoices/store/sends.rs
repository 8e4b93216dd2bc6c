//! Each time an invoice was emailed to its customer.

use domain::Locale;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};
use uuid::Uuid;

pub struct NewSend<'a> {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub sent_to: &'a [String],
    pub cc: &'a [String],
    pub locale: Locale,
    pub sent_by: &'a str,
}

pub async fn insert_send(conn: &impl ConnectionTrait, send: NewSend<'_>) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO invoice_sends (id, invoice_id, sent_to, cc, locale, sent_by)
         VALUES ($1, $2, $3, $4, $5, $6)",
        [
            send.id.into(),
            send.invoice_id.into(),
            send.sent_to.to_vec().into(),
            send.cc.to_vec().into(),
            send.locale.tag().into(),
            send.sent_by.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Where a sending went (for a retry with its idempotency key).
pub async fn sent_to_of(conn: &impl ConnectionTrait, id: Uuid) -> Result<Vec<String>, DbErr> {
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT sent_to FROM invoice_sends WHERE id = $1",
            [id.into()],
        ))
        .await?;
    Ok(row
        .map(|row| row.try_get::<Vec<String>>("", "sent_to"))
        .transpose()?
        .unwrap_or_default())
}
