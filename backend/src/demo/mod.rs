//! `duely seed-demo`: a demo company to look around in, made once, with a living ledger and a
//! team who share its customers; and `duely seed`: a company of any size, for benchmarks.

pub mod ledger;

use crate::error::AppError;
use crate::identity::Identity;
use crate::identity::service::sessions::{self, SignUp};
use crate::identity::store::{sessions as accounts, team};
use domain::access::Role;
use domain::{ErrorCode, Locale, TenantId};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

pub const DEMO_EMAIL: &str = "demo@duely.example";
/// The password of the demo company's owner and of its whole team.
pub const DEMO_PASSWORD: &str = "duely-demo-2026";

/// Someone on the demo company's team besides its owner; each signs in with [`DEMO_PASSWORD`].
#[derive(Debug, Clone, Copy)]
pub struct DemoMember {
    pub email: &'static str,
    pub name: &'static str,
    pub role: Role,
}

/// The demo company's team: a finance manager, two collectors who share the customers (each
/// signs in to a worklist of their own) and a salesperson who sells to them all.
pub const DEMO_TEAM: [DemoMember; 4] = [
    DemoMember {
        email: "finance@duely.example",
        name: "周晓梅",
        role: Role::FinanceManager,
    },
    DemoMember {
        email: "collector1@duely.example",
        name: "孙浩",
        role: Role::Collector,
    },
    DemoMember {
        email: "collector2@duely.example",
        name: "何丽娜",
        role: Role::Collector,
    },
    DemoMember {
        email: "sales@duely.example",
        name: "郑凯",
        role: Role::Sales,
    },
];

/// Creates the demo company, its owner and its ledger unless they exist, then its team
/// ([`DEMO_TEAM`]) unless they are members, and gives the collectors and the salesperson the
/// customers while the collectors have none (so a demo made before it had a team gets one).
/// True when it created the company.
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
    let (tenant, created) = match created {
        Ok(session) => {
            let tenant = TenantId::from_uuid(session.tenant.id);
            fill(db, tenant, ledger::LedgerSize::DEMO).await?;
            (tenant, true)
        }
        Err(error) if error.code() == ErrorCode::Conflict => match demo_company(db).await? {
            Some(tenant) => (tenant, false),
            // The demo owner belongs to no company any more: there is nothing to add a team to.
            None => return Ok(false),
        },
        Err(error) => return Err(error),
    };
    seed_team(identity, db, tenant).await?;
    Ok(created)
}

/// The company the demo owner owns, found again on a later run.
async fn demo_company(db: &DatabaseConnection) -> Result<Option<TenantId>, AppError> {
    let Some(owner) = accounts::find_user_by_email(db, DEMO_EMAIL).await? else {
        return Ok(None);
    };
    let memberships = accounts::memberships_of(db, owner.id).await?;
    Ok(memberships
        .iter()
        .find(|membership| membership.role == Role::Owner)
        .map(|membership| TenantId::from_uuid(membership.tenant_id)))
}

/// Makes each of [`DEMO_TEAM`] an account (verified, in Chinese, with the demo password) unless
/// one exists, and a member of the demo company unless they are one; then assigns the
/// customers (see [`ledger::assign_team`]).
async fn seed_team(
    identity: &Identity,
    db: &DatabaseConnection,
    tenant: TenantId,
) -> Result<(), AppError> {
    let mut ids = Vec::with_capacity(DEMO_TEAM.len());
    for member in DEMO_TEAM {
        let id = match accounts::credentials_by_email(db, member.email).await? {
            Some(account) => account.id,
            None => {
                let hash = identity.passwords.hash(DEMO_PASSWORD.to_owned()).await?;
                let id = Uuid::now_v7();
                let inserted = accounts::insert_user(
                    db,
                    id,
                    member.email,
                    member.name.to_owned(),
                    hash,
                    Locale::ZhCn,
                    true,
                )
                .await?;
                if inserted {
                    id
                } else {
                    // Another seeding made the account meanwhile.
                    accounts::credentials_by_email(db, member.email)
                        .await?
                        .map(|account| account.id)
                        .ok_or_else(|| {
                            anyhow::anyhow!("the demo account {} vanished", member.email)
                        })?
                }
            }
        };
        // A member already keeps their role.
        team::insert_membership(db, tenant, id, member.role).await?;
        ids.push((member.role, id));
    }
    let with_role = |wanted: Role| -> Vec<Uuid> {
        ids.iter()
            .filter(|(role, _)| *role == wanted)
            .map(|(_, id)| *id)
            .collect()
    };
    let (collectors, salespeople) = (with_role(Role::Collector), with_role(Role::Sales));
    let (&[first, second], &[salesperson]) = (&collectors[..], &salespeople[..]) else {
        return Err(anyhow::anyhow!("the demo team needs two collectors and a salesperson").into());
    };
    let tx = crate::db::TenantTx::begin(db, tenant).await?;
    ledger::assign_team(&tx, [first, second], salesperson).await?;
    tx.commit().await?;
    Ok(())
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
