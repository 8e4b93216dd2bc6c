//! Reading and changing the company profile, and the letterhead documents print from it.

use super::store::{self, ProfileRow};
use crate::api::values::optional_text;
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::db::TenantTx;
use crate::error::AppError;
use base64::Engine;
use chrono::{DateTime, Utc};
use domain::access::Permission;
use domain::company_profile::{self as rules, BankAccount, LogoFormat, LogoRefused};
use domain::reason::Reason;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

/// A logo as stored: its bytes and format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    pub format: LogoFormat,
    pub bytes: Vec<u8>,
}

impl Logo {
    /// As a `data:` URL, the form the API reads and writes.
    pub fn data_url(&self) -> String {
        format!(
            "data:{};base64,{}",
            self.format.media_type(),
            base64::engine::general_purpose::STANDARD.encode(&self.bytes)
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyProfile {
    pub legal_name: Option<String>,
    pub tax_id: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub bank_accounts: Vec<BankAccount>,
    pub logo: Option<Logo>,
    pub updated_at: DateTime<Utc>,
}

impl CompanyProfile {
    /// The profile as stored; a value that does not parse is an error naming it, never a
    /// profile printed without its accounts or logo.
    fn from_row(row: ProfileRow) -> Result<Self, DbErr> {
        let logo = match (row.logo, row.logo_type.as_deref()) {
            (None, None) => None,
            (Some(bytes), Some("image/png")) => Some(Logo {
                format: LogoFormat::Png,
                bytes,
            }),
            (Some(bytes), Some("image/jpeg")) => Some(Logo {
                format: LogoFormat::Jpeg,
                bytes,
            }),
            (_, kind) => {
                return Err(DbErr::Type(format!(
                    "company_profile: the logo's type {kind:?} does not go with its bytes"
                )));
            }
        };
        let bank_accounts = serde_json::from_value(row.bank_accounts).map_err(|error| {
            DbErr::Type(format!(
                "company_profile.bank_accounts does not parse: {error}"
            ))
        })?;
        Ok(CompanyProfile {
            legal_name: row.legal_name,
            tax_id: row.tax_id,
            address: row.address,
            phone: row.phone,
            bank_accounts,
            logo,
            updated_at: row.updated_at,
        })
    }

    fn into_row(self) -> ProfileRow {
        ProfileRow {
            legal_name: self.legal_name,
            tax_id: self.tax_id,
            address: self.address,
            phone: self.phone,
            bank_accounts: serde_json::to_value(&self.bank_accounts)
                .unwrap_or_else(|_| serde_json::json!([])),
            logo_type: self
                .logo
                .as_ref()
                .map(|logo| logo.format.media_type().to_owned()),
            logo: self.logo.map(|logo| logo.bytes),
            updated_at: self.updated_at,
        }
    }

    /// What the audit log keeps: everything but the logo's bytes.
    fn audited(&self) -> serde_json::Value {
        serde_json::json!({
            "legalName": self.legal_name, "taxId": self.tax_id, "address": self.address,
            "phone": self.phone, "bankAccounts": self.bank_accounts,
            "logo": self.logo.as_ref().map(|logo| serde_json::json!({
                "type": logo.format.media_type(), "bytes": logo.bytes.len(),
            })),
        })
    }
}

/// A change: `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct ProfileChange {
    pub legal_name: Option<Option<String>>,
    pub tax_id: Option<Option<String>>,
    pub address: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub bank_accounts: Option<Vec<BankAccount>>,
    /// A `data:image/png;base64,…` or `data:image/jpeg;base64,…` URL.
    pub logo: Option<Option<String>>,
}

/// The company profile; every member and key of the company may read it (documents print it).
pub async fn company_profile(
    db: &DatabaseConnection,
    caller: &Caller,
) -> Result<CompanyProfile, AppError> {
    let tenant = caller.require_tenant()?;
    let tx = TenantTx::begin(db, tenant).await?;
    let profile = read_profile(&*tx).await?;
    tx.commit().await?;
    Ok(profile)
}

/// The profile inside a use case's transaction (documents read it with what they print).
pub async fn read_profile(conn: &impl ConnectionTrait) -> Result<CompanyProfile, AppError> {
    Ok(CompanyProfile::from_row(store::read(conn, false).await?)?)
}

fn text(
    field: &str,
    value: Option<Option<String>>,
    max: usize,
) -> Result<Option<Option<String>>, AppError> {
    value
        .map(|value| optional_text(field, value.as_deref(), max))
        .transpose()
}

fn bank_accounts(accounts: Vec<BankAccount>) -> Result<Vec<BankAccount>, AppError> {
    if accounts.len() > rules::MAX_BANK_ACCOUNTS {
        return Err(AppError::input(
            "input.bankAccounts",
            Reason::TooManyBankAccounts {
                max: rules::MAX_BANK_ACCOUNTS as u32,
            },
        ));
    }
    accounts
        .into_iter()
        .enumerate()
        .map(|(index, account)| {
            let field = |name: &str| format!("input.bankAccounts.{index}.{name}");
            let required = |name: &str, value: &str, max: usize| {
                crate::api::values::required_text(&field(name), value, max)
            };
            Ok(BankAccount {
                bank_name: required("bankName", &account.bank_name, rules::MAX_BANK_NAME)?,
                account_name: required(
                    "accountName",
                    &account.account_name,
                    rules::MAX_ACCOUNT_NAME,
                )?,
                account_number: required(
                    "accountNumber",
                    &account.account_number,
                    rules::MAX_ACCOUNT_NUMBER,
                )?,
            })
        })
        .collect()
}

fn logo_refused() -> AppError {
    AppError::input(
        "input.logo",
        Reason::LogoInvalid {
            max_kb: (rules::MAX_LOGO_BYTES / 1024) as u32,
        },
    )
}

/// The logo a `data:` URL holds, checked: its size before decoding, its format by its first
/// bytes, and that it decodes as that format (off the async threads).
async fn logo(url: &str) -> Result<Logo, AppError> {
    // Base64 is 4 characters per 3 bytes: a longer URL cannot hold a logo small enough.
    let most = rules::MAX_LOGO_BYTES.div_ceil(3) * 4 + 40;
    if url.len() > most {
        return Err(logo_refused());
    }
    let (media_type, data) = url
        .strip_prefix("data:")
        .and_then(|rest| rest.split_once(";base64,"))
        .ok_or_else(logo_refused)?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|_| logo_refused())?;
    let format = rules::check_logo(&bytes).map_err(|refused| match refused {
        LogoRefused::Format | LogoRefused::TooLarge => logo_refused(),
    })?;
    if format.media_type() != media_type {
        return Err(logo_refused());
    }
    let checked = bytes.clone();
    let prints = tokio::task::spawn_blocking(move || crate::pdf::picture_prints(checked, format))
        .await
        .map_err(|error| AppError::Internal(anyhow::Error::new(error)))?;
    if !prints {
        return Err(logo_refused());
    }
    Ok(Logo { format, bytes })
}

/// Applies `change` (permission MANAGE_SETTINGS): every field checked before anything is
/// written, in one transaction with the profile row locked, audited with before and after
/// (the logo by its type and size).
pub async fn update_company_profile(
    db: &DatabaseConnection,
    caller: &Caller,
    change: ProfileChange,
    request_id: &str,
) -> Result<CompanyProfile, AppError> {
    caller.authorize(Permission::ManageSettings)?;
    let tenant = caller.require_tenant()?;
    if caller.read_only_tenant() == Some(tenant) {
        return Err(AppError::read_only());
    }
    let legal_name = text("input.legalName", change.legal_name, rules::MAX_LEGAL_NAME)?;
    let tax_id = text("input.taxId", change.tax_id, rules::MAX_TAX_ID)?;
    let address = text("input.address", change.address, rules::MAX_ADDRESS)?;
    let phone = text("input.phone", change.phone, rules::MAX_PHONE)?;
    let accounts = change.bank_accounts.map(bank_accounts).transpose()?;
    let new_logo = match change.logo {
        None => None,
        Some(None) => Some(None),
        Some(Some(url)) => Some(Some(logo(&url).await?)),
    };
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let before = CompanyProfile::from_row(store::read(&*tx, true).await?)?;
    let mut after = before.clone();
    if let Some(value) = legal_name {
        after.legal_name = value;
    }
    if let Some(value) = tax_id {
        after.tax_id = value;
    }
    if let Some(value) = address {
        after.address = value;
    }
    if let Some(value) = phone {
        after.phone = value;
    }
    if let Some(value) = accounts {
        after.bank_accounts = value;
    }
    if let Some(value) = new_logo {
        after.logo = value;
    }
    if after != before {
        store::write(&*tx, &after.clone().into_row()).await?;
        audit::record(
            &*tx,
            tenant,
            AuditEntry {
                actor,
                action: "company_profile.updated",
                entity_type: "tenant",
                entity_id: Some(tenant.0.to_string()),
                before: Some(before.audited()),
                after: Some(after.audited()),
                request_id: Some(request_id),
            },
        )
        .await?;
        after = CompanyProfile::from_row(store::read(&*tx, false).await?)?;
    }
    tx.commit().await?;
    Ok(after)
}

/// What a document's heading prints about the company: the legal name (else the company's
/// name in Duely), its tax id, address and phone, the logo and the accounts to pay into.
#[derive(Debug, Clone)]
pub struct Letterhead {
    pub name: String,
    pub tax_id: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub bank_accounts: Vec<BankAccount>,
    pub logo: Option<Logo>,
}

impl Letterhead {
    pub fn new(profile: CompanyProfile, display_name: &str) -> Self {
        Letterhead {
            name: profile
                .legal_name
                .unwrap_or_else(|| display_name.to_owned()),
            tax_id: profile.tax_id,
            address: profile.address,
            phone: profile.phone,
            bank_accounts: profile.bank_accounts,
            logo: profile.logo,
        }
    }
}

/// The letterhead inside a use case's transaction.
pub async fn letterhead(
    conn: &impl ConnectionTrait,
    display_name: &str,
) -> Result<Letterhead, AppError> {
    Ok(Letterhead::new(read_profile(conn).await?, display_name))
}
