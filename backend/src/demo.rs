//! `duely seed-demo`: a demo company to look around in, made once. Later areas add their
//! demo data (customers, invoices, payments) here, so a new user sees a living ledger.

use crate::error::AppError;
use crate::identity::Identity;
use crate::identity::sessions::{self, SignUp};
use domain::{ErrorCode, Locale};
use sea_orm::DatabaseConnection;

pub const DEMO_EMAIL: &str = "demo@duely.example";
pub const DEMO_PASSWORD: &str = "duely-demo-2026";

/// Creates the demo company and its owner unless they exist. True when it created them.
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
        },
        "seed-demo",
    )
    .await;
    match created {
        Ok(_) => Ok(true),
        Err(error) if error.code() == ErrorCode::Conflict => Ok(false),
        Err(error) => Err(error),
    }
}
