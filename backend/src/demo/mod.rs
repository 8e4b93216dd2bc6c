//! `duely seed-demo`: a demo company to look around in, made once, with a living ledger; and
//! `duely seed`: a company of any size, for benchmarks.

pub mod ledger;

use crate::error::AppError;
use crate::identity::Identity;
use crate::identity::service::sessions::{self, SignUp};
use domain::{ErrorCode, Locale, TenantId};
use sea_orm::DatabaseConnection;

pub const DEMO_EMAIL: &str = "demo@duely.example";
pub const DEMO_PASSWORD: &str = "duely-demo-2026";

/// Creates the demo company, its owner and its ledger unless they exist. True when it created
/// them.
pub async fn seed_demo(identity: &Identity, db: &DatabaseConnection) -> Result<bool, AppError> {
    let created = sessions::sign_up(
        identity,
        db,
        SignUp {
            company_name: "远航贸易（演示）Yuanhang Trading Demo".to_owned(),
            name: "演示用户 Demo User".to_owned(),
            email: DEMO_EMAIL.to_owned(),
            password: DEMO_PASSWORD.to_owned(),
            base_currency: Some("CNY".to_owned()),
            locale: Some(Locale::ZhCn),
            time_zone: Some("Asia/Shanghai".to_owned()),
            verified: true,
            links: None,
        },
        "seed-demo",
    )
    .await;
    match created {
        Ok(session) => {
            fill(
                db,
                TenantId::from_uuid(session.tenant.id),
                ledger::LedgerSize::DEMO,
            )
            .await?;
            Ok(true)
        }
        Err(error) if error.code() == ErrorCode::Conflict => Ok(false),
        Err(error) => Err(error),
    }
}

/// A new company of `size` for benchmarks, owned by `email` with the demo password.
pub async fn seed_company(
    identity: &Identity,
    db: &DatabaseConnection,
    email: &str,
    size: ledger::LedgerSize,
) -> Result<TenantId, AppError> {
    let session = sessions::sign_up(
        identity,
        db,
        SignUp {
            company_name: format!(
                "Benchmark {} customers {} invoices",
                size.customers, size.invoices
            ),
            name: "Benchmark".to_owned(),
            email: email.to_owned(),
            password: DEMO_PASSWORD.to_owned(),
            base_currency: Some("CNY".to_owned()),
            locale: Some(Locale::En),
            time_zone: Some("Asia/Shanghai".to_owned()),
            verified: true,
            links: None,
        },
        "seed",
    )
    .await?;
    let tenant = TenantId::from_uuid(session.tenant.id);
    fill(db, tenant, size).await?;
    Ok(tenant)
}

async fn fill(
    db: &DatabaseConnection,
    tenant: TenantId,
    size: ledger::LedgerSize,
) -> Result<(), AppError> {
    // The generated ledger is larger than a trial allows.
    crate::billing::plans::grant(db, tenant, domain::billing::Plan::Scale).await?;
    let calendar = crate::db::tenant_calendar(db, tenant).await?;
    let tx = crate::db::TenantTx::begin(db, tenant).await?;
    ledger::generate(&tx, size, calendar.today).await?;
    tx.commit().await?;
    Ok(())
}
