//! The one `company_profile` row of a tenant.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};

#[derive(Debug, Clone, FromQueryResult)]
pub struct ProfileRow {
    pub legal_name: Option<String>,
    pub tax_id: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    /// A JSON array of `domain::company_profile::BankAccount`.
    pub bank_accounts: serde_json::Value,
    pub logo: Option<Vec<u8>>,
    pub logo_type: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// The profile; `lock` holds the row until the transaction ends, so two changes take turns.
pub async fn read(conn: &impl ConnectionTrait, lock: bool) -> Result<ProfileRow, DbErr> {
    ProfileRow::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        format!(
            "SELECT legal_name, tax_id, address, phone, bank_accounts, logo, logo_type, updated_at
             FROM company_profile {}",
            if lock { "FOR UPDATE" } else { "" }
        ),
    ))
    .one(conn)
    .await?
    .ok_or_else(|| DbErr::RecordNotFound("company_profile".to_owned()))
}

pub async fn write(conn: &impl ConnectionTrait, row: &ProfileRow) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE company_profile SET legal_name = $1, tax_id = $2, address = $3, phone = $4,
                bank_accounts = $5, logo = $6, logo_type = $7, updated_at = now()",
        [
            row.legal_name.clone().into(),
            row.tax_id.clone().into(),
            row.address.clone().into(),
            row.phone.clone().into(),
            row.bank_accounts.clone().into(),
            row.logo.clone().into(),
            row.logo_type.clone().into(),
        ],
    ))
    .await?;
    Ok(())
}
