//! Reading and changing the company's settings.

use super::store;
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::db::TenantTx;
use crate::error::AppError;
use domain::access::Permission;
use domain::reason::Reason;
use domain::settings::{CompanySettings, SettingRefused, SettingsChange};
use sea_orm::{DatabaseConnection, TransactionTrait};

/// The company's settings; every member and key of the company may read them.
pub async fn company_settings(
    db: &DatabaseConnection,
    caller: &Caller,
) -> Result<CompanySettings, AppError> {
    let tenant = caller.require_tenant()?;
    let profile = store::profile(db, tenant, false).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let settings = store::read(&*tx).await?.with_profile(profile);
    tx.commit().await?;
    Ok(settings)
}

/// A refused setting, on its input field (`input.reports.attributionDays`).
fn refused(refused: SettingRefused) -> AppError {
    AppError::input(format!("input.{}", refused.field), refused.reason)
}

/// Applies `change` (permission MANAGE_SETTINGS): every field is checked before anything is
/// written; then the company's row in the control plane and its settings row change in one
/// transaction, audited with before and after.
pub async fn update_company_settings(
    db: &DatabaseConnection,
    caller: &Caller,
    change: SettingsChange,
    request_id: &str,
) -> Result<CompanySettings, AppError> {
    change_settings(db, caller, change, request_id, Permission::ManageSettings).await
}

/// An error on a grouped field (`input.reports.attributionDays`) as the views of one group
/// name it (`input.attributionDays`).
pub fn ungrouped(error: AppError) -> AppError {
    match &error {
        AppError::Client {
            field: Some(field), ..
        } => {
            let parts: Vec<&str> = field.splitn(3, '.').collect();
            match parts.as_slice() {
                ["input", _group, name] => {
                    let name = (*name).to_owned();
                    error.at(format!("input.{name}"))
                }
                _ => error,
            }
        }
        _ => error,
    }
}

/// [`update_company_settings`] for a view of one group, which its own `permission` guards
/// (collection settings are the dunning managers').
pub async fn change_settings(
    db: &DatabaseConnection,
    caller: &Caller,
    change: SettingsChange,
    request_id: &str,
    permission: Permission,
) -> Result<CompanySettings, AppError> {
    caller.authorize(permission)?;
    let tenant = caller.require_tenant()?;
    if caller.read_only_tenant() == Some(tenant) {
        return Err(AppError::read_only());
    }
    // Each field's check stands alone, so checking against the defaults checks the change.
    CompanySettings::default()
        .apply(change.clone())
        .map_err(refused)?;
    if let Some(zone) = &change.time_zone
        && !store::known_time_zone(db, zone.trim()).await?
    {
        return Err(AppError::input(
            "input.company.timeZone",
            Reason::UnknownTimeZone {
                value: zone.trim().to_owned(),
            },
        ));
    }
    let actor = audit::actor_of(db, caller).await?;
    let txn = db.begin().await?;
    // The company's row, locked: two changes to one company's settings take turns. It is
    // written first, while the transaction may still reach the control plane; then the
    // transaction binds to the tenant for the rest, and both commit together.
    let profile = store::profile(&txn, tenant, true).await?;
    let defaults = CompanySettings::default();
    let company_part = CompanySettings {
        company: profile.company.clone(),
        collections: domain::settings::CollectionsSettings {
            dunning_run_hour: profile.dunning_run_hour,
            ..defaults.collections
        },
        ..defaults
    };
    let company_after = company_part.apply(change.clone()).map_err(refused)?;
    if company_after.company != company_part.company
        || company_after.collections.dunning_run_hour != company_part.collections.dunning_run_hour
    {
        store::write_profile(&txn, tenant, &company_after).await?;
    }
    let tx = TenantTx::bind(txn, tenant).await?;
    let before = store::read(&*tx).await?.with_profile(profile);
    let after = before.apply(change).map_err(refused)?;
    if after != before {
        store::write(&*tx, &after).await?;
        audit::record(
            &*tx,
            tenant,
            AuditEntry {
                actor,
                action: "settings.updated",
                entity_type: "tenant",
                entity_id: Some(tenant.0.to_string()),
                before: serde_json::to_value(&before).ok(),
                after: serde_json::to_value(&after).ok(),
                request_id: Some(request_id),
            },
        )
        .await?;
    }
    tx.commit().await?;
    // The time zone and currency are part of the calendar each use case reads.
    crate::db::calendar::heard(crate::db::notices::AccessNotice::Tenant(tenant.0));
    Ok(after)
}
