//! Cash application in the demo company, once (when it has no bank account): its bank account,
//! auto-apply at 0.90, and yesterday's statement imported and matched. Lines naming an invoice
//! (one with a letter O for a zero), a part payment and one customer's two invoices paid
//! together apply themselves; a transfer from a stranger, one that fits no invoice and a bank
//! fee wait in the queue.

use super::{DEMO_EMAIL, demo_caller};
use crate::banking::service::{self as banking, AccountInput, import, matching};
use crate::error::AppError;
use crate::identity::store::sessions as accounts;
use chrono::Duration;
use domain::settings::SettingsChange;
use domain::{Role, TenantId};
use rust_decimal::Decimal;
use sea_orm::{DatabaseConnection, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

#[derive(Debug, FromQueryResult)]
struct Open {
    number: String,
    customer_id: Uuid,
    customer: String,
    balance_due: Decimal,
}

fn entry(
    reference: &str,
    amount: Decimal,
    credit: bool,
    payer: &str,
    remark: &str,
    day: &str,
) -> String {
    let indicator = if credit { "CRDT" } else { "DBIT" };
    let amount = amount.round_dp(2);
    format!(
        "<Ntry><Amt Ccy=\"CNY\">{amount:.2}</Amt><CdtDbtInd>{indicator}</CdtDbtInd><Sts>BOOK</Sts>\
         <BookgDt><Dt>{day}</Dt></BookgDt><AcctSvcrRef>{reference}</AcctSvcrRef><NtryDtls><TxDtls>\
         <RltdPties><Dbtr><Nm>{payer}</Nm></Dbtr></RltdPties><RmtInf><Ustrd>{remark}</Ustrd></RmtInf>\
         </TxDtls></NtryDtls></Ntry>"
    )
}

pub(super) async fn seed_cash(db: &DatabaseConnection, tenant: TenantId) -> Result<(), AppError> {
    let Some(owner) = accounts::find_user_by_email(db, DEMO_EMAIL).await? else {
        return Ok(());
    };
    let caller = demo_caller(tenant, owner.id, Role::Owner);
    if !banking::accounts(db, &caller, true).await?.is_empty() {
        return Ok(());
    }
    let today = crate::db::tenant_calendar(db, tenant).await?.today;
    let tx = crate::db::TenantTx::begin(db, tenant).await?;
    // Open invoices of customers with at least two, oldest due first.
    let open = Open::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        format!(
            "SELECT i.number, i.customer_id, c.name AS customer, i.balance_due
             FROM invoices i JOIN customers c ON c.id = i.customer_id
             WHERE i.status IN {} AND i.currency = 'CNY' AND i.balance_due > 0
               AND (SELECT count(*) FROM invoices o WHERE o.customer_id = i.customer_id
                      AND o.status IN {} AND o.currency = 'CNY') >= 2
             ORDER BY i.customer_id, i.due_date, i.id LIMIT 400",
            domain::invoices::OPEN_STATUSES_SQL,
            domain::invoices::OPEN_STATUSES_SQL
        ),
    ))
    .all(&*tx)
    .await?;
    tx.rollback().await?;
    let mut customers: Vec<Uuid> = open.iter().map(|o| o.customer_id).collect();
    customers.dedup();
    let of = |customer: Uuid| -> Vec<&Open> {
        open.iter().filter(|o| o.customer_id == customer).collect()
    };
    let picked: Vec<Vec<&Open>> = customers.iter().take(6).map(|c| of(*c)).collect();
    if picked.len() < 6 {
        return Ok(());
    }
    let day = (today - Duration::days(1)).to_string();
    let lines = [
        entry(
            "DEMO-1",
            picked[0][0].balance_due,
            true,
            &picked[0][0].customer,
            &format!("付{}货款", picked[0][0].number),
            &day,
        ),
        entry(
            "DEMO-2",
            picked[1][0].balance_due,
            true,
            &picked[1][0].customer,
            &picked[1][0].number.replace("-", ""),
            &day,
        ),
        entry(
            "DEMO-3",
            picked[2][0].balance_due,
            true,
            "张伟",
            &picked[2][0].number.replacen("-0", "-O", 1),
            &day,
        ),
        entry(
            "DEMO-4",
            (picked[3][0].balance_due / Decimal::from(2)).round_dp(2),
            true,
            &picked[3][0].customer,
            &format!("{} 首付款", picked[3][0].number),
            &day,
        ),
        entry(
            "DEMO-5",
            picked[4][0].balance_due + picked[4][1].balance_due,
            true,
            &picked[4][0].customer,
            "两张发票货款",
            &day,
        ),
        entry("DEMO-6", Decimal::from(3000), true, "李娜", "往来款", &day),
        entry(
            "DEMO-7",
            Decimal::new(1234567, 2),
            true,
            &picked[5][0].customer,
            "预付款",
            &day,
        ),
        entry(
            "DEMO-8",
            Decimal::new(2500, 2),
            false,
            "招商银行",
            "跨行转账手续费",
            &day,
        ),
    ];
    let file = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">\
         <BkToCstmrStmt><GrpHdr><MsgId>DEMO</MsgId><CreDtTm>{day}T18:00:00</CreDtTm></GrpHdr><Stmt><Id>DEMO-{day}</Id>\
         <Acct><Id><Othr><Id>6225880288880001</Id></Othr></Id><Ccy>CNY</Ccy></Acct>{}</Stmt></BkToCstmrStmt></Document>",
        lines.join("")
    );
    let account = banking::create_account(
        db,
        &caller,
        AccountInput {
            name: "招商银行 基本户".to_owned(),
            bank_name: "招商银行上海分行".to_owned(),
            account_number: "6225880288880001".to_owned(),
            currency: domain::Currency::CNY,
        },
        "seed-demo",
    )
    .await?;
    let change = SettingsChange {
        auto_apply_confidence: Some(Some(Decimal::new(90, 2))),
        ..SettingsChange::default()
    };
    crate::settings::service::update_company_settings(db, &caller, change, "seed-demo").await?;
    let outcome = import::import_statement(
        db,
        &caller,
        import::ImportRequest {
            bank_account_id: account.id,
            format: None,
            dry_run: false,
        },
        Box::new(std::io::Cursor::new(file.into_bytes())),
        "seed-demo",
    )
    .await?;
    // Matched now, so the demo shows it at once (the queued job then finds nothing to do).
    matching::match_lines(db, tenant, Some(outcome.import.id), None).await?;
    Ok(())
}
