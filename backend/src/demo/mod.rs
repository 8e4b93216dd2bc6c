//! `duely seed-demo`: a demo company to look around in, made once, with a living ledger and a
//! team who share its customers; and `duely seed`: a company of any size, for benchmarks.

mod attachments;
mod cash;
pub mod ledger;
mod messaging;
pub mod statement;

pub use attachments::seed_attachments;

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
    seed_profile(db, tenant).await?;
    seed_approvals(db, tenant).await?;
    cash::seed_cash(db, tenant).await?;
    Ok(created)
}

/// The demo company's SMS channel, ladder step and templates, once (see [`messaging`]): apart
/// from [`seed_demo`] because it seals the channel's keys with the server's key.
pub async fn seed_demo_messaging(
    db: &DatabaseConnection,
    links: &crate::startup::AppLinks,
) -> Result<(), AppError> {
    let (Some(tenant), Some(owner)) = (
        demo_company(db).await?,
        accounts::find_user_by_email(db, DEMO_EMAIL).await?,
    ) else {
        return Ok(());
    };
    messaging::seed_messaging(db, links, &demo_caller(tenant, owner.id, Role::Owner)).await
}

/// The demo company's profile, once (while its legal name is empty): what its invoices and
/// letters print, with an account to pay into.
async fn seed_profile(db: &DatabaseConnection, tenant: TenantId) -> Result<(), AppError> {
    use crate::company_profile::store;
    let tx = crate::db::TenantTx::begin(db, tenant).await?;
    let mut profile = store::read(&*tx, true).await?;
    if profile.legal_name.is_none() {
        profile.legal_name = Some("上海远航贸易有限公司".to_owned());
        profile.tax_id = Some("91310115MA1H7DEMO8".to_owned());
        profile.address = Some("上海市浦东新区张江路 88 号 12 楼".to_owned());
        profile.phone = Some("021-5080 1234".to_owned());
        profile.bank_accounts = serde_json::json!([{
            "bankName": "招商银行上海张江支行",
            "accountName": "上海远航贸易有限公司",
            "accountNumber": "1219 0868 8810 001",
        }]);
        store::write(&*tx, &profile).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Turns approvals on in the demo company, once (when it has no policy yet): write-offs above
/// ¥10,000 and credit limits raised by more than ¥100,000 wait for the owner. The finance
/// manager has asked to write off the oldest overdue invoice above that, so the owner's inbox
/// has a request to decide.
async fn seed_approvals(db: &DatabaseConnection, tenant: TenantId) -> Result<(), AppError> {
    use crate::approval_gate::Asking;
    use domain::approvals::{ApprovalAction, ApprovalPolicy, Approver, Threshold};
    use sea_orm::ConnectionTrait;
    let today = crate::db::tenant_calendar(db, tenant).await?.today;
    let tx = crate::db::TenantTx::begin(db, tenant).await?;
    let existing = tx
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT count(*) AS n FROM approval_policies",
        ))
        .await?
        .map(|row| row.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    // The oldest overdue invoice above ¥10,000.
    let invoice = tx
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            format!(
                "SELECT id FROM invoices WHERE status IN {} AND balance_due > 10000
                   AND currency = 'CNY' AND due_date < $1
                 ORDER BY due_date, id LIMIT 1",
                domain::invoices::OPEN_STATUSES_SQL
            ),
            [today.into()],
        ))
        .await?
        .map(|row| row.try_get::<Uuid>("", "id"))
        .transpose()?;
    tx.commit().await?;
    if existing > 0 {
        return Ok(());
    }
    let Some(owner) = accounts::find_user_by_email(db, DEMO_EMAIL).await? else {
        return Ok(());
    };
    let owner_caller = demo_caller(tenant, owner.id, Role::Owner);
    let above = |amount: i64| Threshold {
        currency: domain::Currency::CNY,
        above: rust_decimal::Decimal::from(amount),
        levels: vec![Approver::Role(Role::Owner)],
    };
    for (action, amount) in [
        (ApprovalAction::WriteOff, 10_000),
        (ApprovalAction::CreditLimitChange, 100_000),
    ] {
        let policy = ApprovalPolicy {
            action,
            enabled: true,
            thresholds: vec![above(amount)],
        };
        crate::approvals::service::save_approval_policy(db, &owner_caller, policy, "seed-demo")
            .await?;
    }
    let finance = accounts::find_user_by_email(db, DEMO_TEAM[0].email).await?;
    if let (Some(finance), Some(invoice_id)) = (finance, invoice) {
        let command = crate::invoices::service::WriteOffInvoice {
            invoice_id,
            reason: "客户已进入破产清算程序，款项无法收回".to_owned(),
        };
        crate::invoices::service::write_off_invoice(
            db,
            &demo_caller(tenant, finance.id, Role::FinanceManager),
            Asking {
                command,
                request_approval: true,
            },
            "seed-demo",
        )
        .await?;
    }
    Ok(())
}

/// A member of the demo company, as the seeding acts for them.
fn demo_caller(tenant: TenantId, user_id: Uuid, role: Role) -> crate::auth::Caller {
    crate::auth::Caller::Member(crate::auth::Member {
        user_id,
        tenant_id: tenant,
        role,
        read_only: false,
        locale: Locale::ZhCn,
    })
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
