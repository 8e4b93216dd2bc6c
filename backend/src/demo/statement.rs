//! A bank statement (camt.053) for a generated company, from a fixed seed, in the mix the cash
//! application benchmark measures: 45% an invoice number in the remark, 10% the number with one
//! character wrong (a letter O for a zero), 15% no reference but one invoice's amount from a
//! payer account learned before, 10% two to four invoices of one customer together, 5% part
//! payments, 5% an unknown payer, 5% bank fees and money that is not a receivable, 5% lines the
//! file repeats (an overlapping export). `duely seed --statement-lines` writes one; the
//! `cash_application` benchmark imports one and checks what was applied against its truth.

use crate::db::TenantTx;
use crate::error::AppError;
use chrono::NaiveDate;
use domain::TenantId;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// What a line truly pays: its kind, and (invoice, amount) pairs (none for strangers and fees).
pub type Truth = (&'static str, Vec<(Uuid, Decimal)>);

/// A generated statement, what each line (by its bank reference) truly pays, and the payer
/// accounts it assumes were learned (customer, account), to store before importing it.
#[derive(Debug, Clone)]
pub struct GeneratedStatement {
    pub camt053: String,
    pub lines: usize,
    pub truth: HashMap<String, Truth>,
    pub learned: Vec<(Uuid, String)>,
}

#[derive(Debug, Clone, FromQueryResult)]
struct Open {
    id: Uuid,
    number: String,
    customer_id: Uuid,
    customer: String,
    balance_due: Decimal,
}

/// splitmix64: small, fast and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn entry(
    reference: &str,
    amount: Decimal,
    credit: bool,
    payer: &str,
    account: &str,
    remark: &str,
    day: NaiveDate,
) -> String {
    format!(
        "<Ntry><Amt Ccy=\"CNY\">{:.2}</Amt><CdtDbtInd>{}</CdtDbtInd><Sts>BOOK</Sts>\
         <BookgDt><Dt>{day}</Dt></BookgDt><AcctSvcrRef>{reference}</AcctSvcrRef><NtryDtls><TxDtls>\
         <RltdPties><Dbtr><Nm>{payer}</Nm></Dbtr><DbtrAcct><Id><Othr><Id>{account}</Id></Othr></Id>\
         </DbtrAcct></RltdPties><RmtInf><Ustrd>{remark}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>",
        amount.round_dp(2),
        if credit { "CRDT" } else { "DBIT" }
    )
}

/// A statement of `lines` lines, booked on `day`, into account `account_number`, paying the
/// company's open CNY invoices (each at most once).
pub async fn generate_statement(
    db: &DatabaseConnection,
    tenant: TenantId,
    lines: usize,
    seed: u64,
    day: NaiveDate,
    account_number: &str,
) -> Result<GeneratedStatement, AppError> {
    let tx = TenantTx::begin(db, tenant).await?;
    let mut open = Open::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        format!(
            "SELECT i.id, i.number, i.customer_id, c.name AS customer, i.balance_due
             FROM invoices i JOIN customers c ON c.id = i.customer_id
             WHERE i.status IN {} AND i.balance_due > 0 AND i.currency = 'CNY'
             ORDER BY i.customer_id, i.due_date, i.number",
            domain::invoices::OPEN_STATUSES_SQL
        ),
    ))
    .all(&*tx)
    .await?;
    tx.commit().await?;
    let mut rng = Rng(seed);
    // Fisher-Yates, so the invoices paid are spread over the company.
    for i in (1..open.len()).rev() {
        let j = rng.below(i + 1);
        open.swap(i, j);
    }
    let mut by_customer: BTreeMap<Uuid, Vec<usize>> = BTreeMap::new();
    for (index, invoice) in open.iter().enumerate() {
        by_customer
            .entry(invoice.customer_id)
            .or_default()
            .push(index);
    }
    let mut used = vec![false; open.len()];
    let mut cursor = 0usize;
    let mut next_unused = |used: &mut Vec<bool>| -> Option<usize> {
        while cursor < used.len() {
            let index = cursor;
            cursor += 1;
            if !used[index] {
                used[index] = true;
                return Some(index);
            }
        }
        None
    };
    let account_of = |customer: Uuid| format!("62{:014}", customer.as_u128() % 100_000_000_000_000);
    let mut entries: Vec<String> = Vec::with_capacity(lines);
    let mut truth: HashMap<String, Truth> = HashMap::new();
    let mut learned: Vec<(Uuid, String)> = Vec::new();
    for n in 0..lines {
        let reference = format!("GEN-{seed:x}-{n:06}");
        let roll = rng.below(100);
        let mut single = |used: &mut Vec<bool>| next_unused(used).map(|i| &open[i]);
        let (text, paid): (String, Truth) = match roll {
            0..=44 => match single(&mut used) {
                Some(i) => (
                    entry(
                        &reference,
                        i.balance_due,
                        true,
                        &i.customer,
                        &account_of(i.customer_id),
                        &format!("付{}货款", i.number),
                        day,
                    ),
                    ("number in remark", vec![(i.id, i.balance_due)]),
                ),
                None => break,
            },
            45..=54 => match single(&mut used) {
                Some(i) => (
                    entry(
                        &reference,
                        i.balance_due,
                        true,
                        "王芳",
                        "6217000000000001",
                        &i.number.replacen("-0", "-O", 1),
                        day,
                    ),
                    ("number one char off", vec![(i.id, i.balance_due)]),
                ),
                None => break,
            },
            55..=69 => match single(&mut used) {
                Some(i) => {
                    let account = account_of(i.customer_id);
                    learned.push((i.customer_id, account.clone()));
                    (
                        entry(
                            &reference,
                            i.balance_due,
                            true,
                            "财务部",
                            &account,
                            "货款",
                            day,
                        ),
                        ("learned account + amount", vec![(i.id, i.balance_due)]),
                    )
                }
                None => break,
            },
            70..=79 => {
                // Two to four unused invoices of one customer, paid together under its name.
                let want = 2 + rng.below(3);
                let start = rng.below(by_customer.len());
                let found = by_customer
                    .values()
                    .cycle()
                    .skip(start)
                    .take(by_customer.len())
                    .find_map(|indexes| {
                        let free: Vec<usize> = indexes
                            .iter()
                            .copied()
                            .filter(|i| !used[*i])
                            .take(want)
                            .collect();
                        (free.len() == want).then_some(free)
                    });
                let Some(free) = found else { break };
                for index in &free {
                    used[*index] = true;
                }
                let first = &open[free[0]];
                let total: Decimal = free.iter().map(|i| open[*i].balance_due).sum();
                (
                    entry(
                        &reference,
                        total,
                        true,
                        &first.customer,
                        &account_of(first.customer_id),
                        "合并付款",
                        day,
                    ),
                    (
                        "invoices together",
                        free.iter()
                            .map(|i| (open[*i].id, open[*i].balance_due))
                            .collect(),
                    ),
                )
            }
            80..=84 => match single(&mut used) {
                Some(i) => {
                    let part = (i.balance_due * Decimal::new(10 + rng.below(80) as i64, 2))
                        .round_dp(2)
                        .max(Decimal::new(1, 2));
                    (
                        entry(
                            &reference,
                            part,
                            true,
                            &i.customer,
                            &account_of(i.customer_id),
                            &format!("{} 部分付款", i.number),
                            day,
                        ),
                        ("part payment", vec![(i.id, part)]),
                    )
                }
                None => break,
            },
            85..=89 => (
                entry(
                    &reference,
                    Decimal::new(10_000 + rng.below(9_000_000) as i64, 2),
                    true,
                    &format!("个人{}", rng.below(100_000)),
                    "6230000000000000",
                    "往来款",
                    day,
                ),
                ("unknown payer", Vec::new()),
            ),
            90..=94 => (
                entry(
                    &reference,
                    Decimal::new(500 + rng.below(5_000) as i64, 2),
                    rng.below(2) == 0,
                    "招商银行",
                    "",
                    ["手续费", "利息", "退款"][rng.below(3)],
                    day,
                ),
                ("fee or not a receivable", Vec::new()),
            ),
            _ if !entries.is_empty() => {
                // An overlapping export repeats an earlier line, its bank reference too.
                entries.push(entries[rng.below(entries.len())].clone());
                continue;
            }
            _ => continue,
        };
        truth.insert(reference, paid);
        entries.push(text);
    }
    learned.sort();
    learned.dedup();
    let camt053 = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">\
         <BkToCstmrStmt><GrpHdr><MsgId>GEN-{seed:x}</MsgId><CreDtTm>{day}T18:00:00</CreDtTm></GrpHdr>\
         <Stmt><Id>GEN-{seed:x}-{day}</Id><Acct><Id><Othr><Id>{account_number}</Id></Othr></Id><Ccy>CNY</Ccy></Acct>{}\
         </Stmt></BkToCstmrStmt></Document>",
        entries.join("")
    );
    Ok(GeneratedStatement {
        camt053,
        lines: entries.len(),
        truth,
        learned,
    })
}

/// Stores the payer accounts a generated statement assumes were learned.
pub async fn store_learned(
    db: &DatabaseConnection,
    tenant: TenantId,
    learned: &[(Uuid, String)],
) -> Result<(), AppError> {
    let tx = TenantTx::begin(db, tenant).await?;
    for chunk in learned.chunks(2_000) {
        let rows: Vec<serde_json::Value> = chunk
            .iter()
            .map(|(customer, account)| serde_json::json!({ "c": customer, "v": account }))
            .collect();
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO bank_payers (customer_id, kind, value)
             SELECT r.c, 'ACCOUNT', r.v FROM json_to_recordset($1::json) AS r(c uuid, v text)
             ON CONFLICT DO NOTHING",
            [serde_json::Value::Array(rows).into()],
        ))
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The account number generated statements are of.
pub const STATEMENT_ACCOUNT: &str = "6225880100009999";

/// For `duely seed`: a bank account of that number in the company of `owner_email` (its owner
/// acting), the payers the statement assumes learned, and the statement, booked yesterday.
pub async fn seed_statement(
    db: &DatabaseConnection,
    tenant: TenantId,
    owner_email: &str,
    lines: usize,
    seed: u64,
) -> Result<GeneratedStatement, AppError> {
    let Some(owner) = crate::identity::store::sessions::find_user_by_email(db, owner_email).await?
    else {
        return Err(AppError::Internal(anyhow::anyhow!("no user {owner_email}")));
    };
    let caller = super::demo_caller(tenant, owner.id, domain::Role::Owner);
    let today = crate::db::tenant_calendar(db, tenant).await?.today;
    crate::banking::service::create_account(
        db,
        &caller,
        crate::banking::service::AccountInput {
            name: "招商银行 基本户".to_owned(),
            bank_name: "招商银行".to_owned(),
            account_number: STATEMENT_ACCOUNT.to_owned(),
            currency: domain::Currency::CNY,
        },
        "seed",
    )
    .await?;
    let generated = generate_statement(
        db,
        tenant,
        lines,
        seed,
        today - chrono::Duration::days(1),
        STATEMENT_ACCOUNT,
    )
    .await?;
    store_learned(db, tenant, &generated.learned).await?;
    Ok(generated)
}
