//! Cash application (收款核销) over a big company's bank statement: how fast matching is, how
//! much it applies by itself, and how often it applies a line wrongly.
//!
//! Run with `cargo bench -p duely-domain --bench cash_matching` (release). From a fixed seed
//! (`DUELY_BENCH_SEED` sets another; `DUELY_BENCH_ROUNDS`, default 3, how often the book is
//! built and the statement matched) it generates a company: 10,000 customers with Chinese
//! company names, 100,000 open CNY invoices (`INV-000001` on, about ten a customer, balances
//! from 100.00 to 99,999.99, due over a year) and the payers it has learned (a bank account for
//! 60% of the customers, for some with the boss's personal name). Then a statement of 10,000
//! lines, each keeping what it really pays, in the mix:
//! - 45% the invoice's number in the remark (附言), with or without its hyphen, full-width or in
//!   lower case, paying its whole balance;
//! - 10% the number one character off (a look-alike letter for a digit, or a dropped
//!   character), paying the whole balance;
//! - 15% no reference, a learned payer's account and the amount of one of its invoices;
//! - 10% two to four invoices of one customer together, from a learned account or in the
//!   customer's own name;
//! - 5% part payments naming the invoice; 5% unknown payers with no reference; 5% interest,
//!   refunds and fee rebates (nothing to apply);
//! - 5% lines exported again by an overlapping statement file: the import's fingerprint
//!   ([`domain::cash::fingerprint_sources`]) drops them, so they are counted, not matched.
//!
//! The lines are matched in booking order as the `bank.match` job does: a line whose best
//! suggestion reaches the threshold (0.90) and is not a keyed payment is applied, and what it
//! pays is taken off the book before the next line. It prints the times, the share of
//! invoice-paying lines applied automatically, the wrong applications (customer, invoices or
//! amounts other than the line's truth), per category, and the commonest outcomes of the lines
//! missed or applied wrongly, with the best suggestion's reasons and confidence. Figures, not
//! pass/fail: the goals are printed next to them.

use chrono::{Duration, NaiveDate};
use domain::Currency;
use domain::cash::matching::{Book, Customer, Incoming, LearnedPayer, OpenInvoice, normalize_name};
use domain::cash::{Suggestion, fingerprint_sources};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;
use uuid::Uuid;

const CUSTOMERS: usize = 10_000;
const INVOICES: usize = 100_000;
const LINES: usize = 10_000;
/// Customers whose bank account matching has learned.
const LEARNED_SHARE: f64 = 0.60;
/// Of those, the ones whose account is in the boss's own name.
const PERSONAL_NAME_SHARE: f64 = 0.30;
/// The company's own account, the statement's.
const OWN_ACCOUNT: &str = "31050161393600001234";
/// The goals.
const GOAL_SECONDS_PER_10K: f64 = 10.0;
const GOAL_AUTO_SHARE: f64 = 90.0;
const GOAL_WRONG_PER_1000: f64 = 1.0;

#[rustfmt::skip]
const CITIES: &[&str] = &[
    "北京", "上海", "广州", "深圳", "杭州", "苏州", "南京", "宁波", "无锡", "常州", "温州", "嘉兴",
    "绍兴", "金华", "台州", "合肥", "福州", "厦门", "泉州", "济南", "青岛", "烟台", "潍坊", "郑州",
    "武汉", "长沙", "成都", "重庆", "西安", "天津", "沈阳", "大连", "哈尔滨", "长春", "石家庄", "太原",
    "南昌", "昆明", "贵阳", "南宁", "东莞", "佛山", "中山", "珠海", "惠州", "汕头", "义乌", "昆山",
    "江阴", "徐州",
];
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "华信", "恒通", "鑫源", "宏达", "永盛", "瑞丰", "金鼎", "中联", "天合", "博远", "嘉禾", "富达",
    "隆泰", "新华", "东方", "海纳", "润发", "德胜", "盛世", "万通", "鼎新", "昌盛", "正泰", "安泰",
    "宏图", "锦程", "泰和", "联创", "智远", "远航", "启明", "凯瑞", "晨光", "星辰", "科达", "迅捷",
    "精工", "诚信", "百川", "众合", "聚源", "盈丰", "广源", "同创", "立信", "长城", "华夏", "中天",
    "金桥", "银河", "明珠", "蓝天", "绿源", "宝丰", "福瑞", "祥云", "永安", "德丰", "汇通", "协和",
    "丰华", "美达", "新锐", "卓越", "嘉信", "泰丰", "亿丰", "金海", "海鑫", "天成", "宏远", "佳美",
    "润泽", "晟达", "通达", "汇金", "顺发", "合力", "康达", "仁和", "华晨", "世纪", "鸿运", "骏马",
    "腾飞", "和顺", "昊天", "宇航", "铭泰", "弘毅", "睿智", "翔宇", "兴旺", "腾达", "瀚海", "中信达",
];
#[rustfmt::skip]
const TRADES: &[&str] = &[
    "贸易", "科技", "实业", "电子", "机械", "化工", "物流", "建材", "食品",
    "服饰", "纺织", "医疗器械", "新材料", "信息技术", "供应链管理", "进出口", "五金", "塑胶",
    "包装", "环保", "汽车配件", "家居", "照明", "能源", "精密制造",
];
/// Commonest first: a surname is drawn the smaller of two draws, so 王 and 李 come often.
#[rustfmt::skip]
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
    "任", "沈",
];
#[rustfmt::skip]
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "兰", "萍", "红", "建", "文", "辉", "力",
    "斌", "鹏", "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁", "龙", "林", "欢", "阳", "晨",
    "瑞", "峰", "志", "国", "海", "东", "雪", "梅", "琳", "颖", "婷", "鑫",
];
const BANKS: &[&str] = &[
    "中国工商银行股份有限公司上海分行",
    "中国建设银行股份有限公司深圳分行",
    "招商银行股份有限公司",
    "中国银行股份有限公司",
    "交通银行股份有限公司",
];
const CARD_BINS: &[&str] = &[
    "6222", "6228", "6217", "6214", "6225", "6212", "6216", "6230",
];
const CHANNELS: &[&str] = &["网银转账", "跨行汇款", "大额支付", "同城转账", "电子汇划"];
/// Remarks that name nothing.
const PLAIN_REMARKS: &[&str] = &["货款", "付货款", "往来款", "转账", "支付货款", "采购款"];

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

    /// `0..n`.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }

    /// `low..=high`.
    fn between(&mut self, low: i64, high: i64) -> i64 {
        low + self.below((high - low + 1) as usize) as i64
    }

    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn uuid(&mut self) -> Uuid {
        Uuid::from_u128((u128::from(self.next()) << 64) | u128::from(self.next()))
    }
}

fn start_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default()
}

fn company_name(rng: &mut Rng) -> String {
    let (city, word, trade) = (rng.pick(CITIES), rng.pick(WORDS), rng.pick(TRADES));
    match rng.below(100) {
        0..70 => format!("{city}{word}{trade}有限公司"),
        70..82 => format!("{word}{trade}（{city}）有限公司"),
        82..92 => format!("{city}{word}{trade}股份有限公司"),
        _ => format!("{city}市{word}{trade}有限公司"),
    }
}

fn person_name(rng: &mut Rng) -> String {
    let surname = SURNAMES[rng.below(SURNAMES.len()).min(rng.below(SURNAMES.len()))];
    if rng.chance(0.3) {
        format!("{surname}{}", rng.pick(GIVEN))
    } else {
        format!("{surname}{}{}", rng.pick(GIVEN), rng.pick(GIVEN))
    }
}

/// 16 digits, as a debit card's.
fn bank_account(rng: &mut Rng) -> String {
    format!(
        "{}{:012}",
        rng.pick(CARD_BINS),
        rng.below(1_000_000_000_000)
    )
}

/// An account as a statement shows it: sometimes in groups of four.
fn shown_account(rng: &mut Rng, account: &str) -> String {
    if rng.chance(0.3) {
        account
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        account.to_owned()
    }
}

fn full_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

struct Learned {
    account: String,
    name: Option<String>,
}

struct Company {
    customers: Vec<Customer>,
    /// Normalized, to keep unknown payers' names off them.
    names: HashSet<String>,
    invoices: Vec<OpenInvoice>,
    cents: Vec<i64>,
    customer_of: Vec<usize>,
    owned: Vec<Vec<usize>>,
    learned: Vec<Option<Learned>>,
    payers: Vec<LearnedPayer>,
}

fn company(rng: &mut Rng) -> Company {
    let mut names = HashSet::new();
    let mut customers = Vec::with_capacity(CUSTOMERS);
    while customers.len() < CUSTOMERS {
        let name = company_name(rng);
        if names.insert(normalize_name(&name)) {
            customers.push(Customer {
                id: rng.uuid(),
                name,
            });
        }
    }
    let mut invoices = Vec::with_capacity(INVOICES);
    let mut cents = Vec::with_capacity(INVOICES);
    let mut customer_of = Vec::with_capacity(INVOICES);
    let mut owned = vec![Vec::new(); CUSTOMERS];
    for index in 0..INVOICES {
        let customer = rng.below(CUSTOMERS);
        let issued = start_day() + Duration::days((index * 365 / INVOICES) as i64);
        let due_on = issued + Duration::days(*rng.pick(&[30, 30, 45, 60, 60, 90]));
        let balance = rng.between(10_000, 9_999_999);
        invoices.push(OpenInvoice {
            id: rng.uuid(),
            customer_id: customers[customer].id,
            number: format!("INV-{:06}", index + 1),
            currency: Currency::CNY,
            balance: Decimal::new(balance, 2),
            due_on,
        });
        cents.push(balance);
        customer_of.push(customer);
        owned[customer].push(index);
    }
    let mut accounts = HashSet::new();
    let mut learned = Vec::with_capacity(CUSTOMERS);
    let mut payers = Vec::new();
    for customer in &customers {
        if !rng.chance(LEARNED_SHARE) {
            learned.push(None);
            continue;
        }
        let account = loop {
            let account = bank_account(rng);
            if accounts.insert(account.clone()) {
                break account;
            }
        };
        let name = rng.chance(PERSONAL_NAME_SHARE).then(|| person_name(rng));
        payers.push(LearnedPayer {
            customer_id: customer.id,
            account: Some(account.clone()),
            name: name.clone(),
        });
        learned.push(Some(Learned { account, name }));
    }
    Company {
        customers,
        names,
        invoices,
        cents,
        customer_of,
        owned,
        learned,
        payers,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Category {
    Exact,
    Near,
    AccountAmount,
    Combined,
    Partial,
    UnknownPayer,
    Fee,
    Duplicate,
}

impl Category {
    const ALL: [Category; 8] = [
        Category::Exact,
        Category::Near,
        Category::AccountAmount,
        Category::Combined,
        Category::Partial,
        Category::UnknownPayer,
        Category::Fee,
        Category::Duplicate,
    ];

    fn label(self) -> &'static str {
        match self {
            Category::Exact => "number in remark",
            Category::Near => "number one char off",
            Category::AccountAmount => "learned account + amount",
            Category::Combined => "2-4 invoices together",
            Category::Partial => "part payment",
            Category::UnknownPayer => "unknown payer",
            Category::Fee => "interest/refund/fee",
            Category::Duplicate => "exported again",
        }
    }

    fn percent(self) -> usize {
        match self {
            Category::Exact => 45,
            Category::AccountAmount => 15,
            Category::Near | Category::Combined => 10,
            _ => 5,
        }
    }

    fn pays_invoices(self) -> bool {
        matches!(
            self,
            Category::Exact
                | Category::Near
                | Category::AccountAmount
                | Category::Combined
                | Category::Partial
        )
    }
}

/// What a line really pays: a customer's invoices, each by how much.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Truth {
    customer: Uuid,
    invoices: Vec<(Uuid, Decimal)>,
}

#[derive(Debug, Clone)]
struct Line {
    category: Category,
    /// How the reference was written (hyphen, full-width, the kind of typo …).
    variant: &'static str,
    /// Who the payer is to matching: learned account, the customer's name, a third party.
    payer: &'static str,
    booked_on: NaiveDate,
    amount: Decimal,
    payer_name: Option<String>,
    payer_account: Option<String>,
    remark: Option<String>,
    reference: Option<String>,
    truth: Option<Truth>,
}

impl Line {
    fn incoming(&self) -> Incoming<'_> {
        Incoming {
            amount: self.amount,
            currency: Currency::CNY,
            booked_on: self.booked_on,
            payer_name: self.payer_name.as_deref(),
            payer_account: self.payer_account.as_deref(),
            remark: self.remark.as_deref(),
            reference: self.reference.as_deref(),
        }
    }
}

struct Payer {
    name: Option<String>,
    account: Option<String>,
    kind: &'static str,
}

/// Writes the statement's lines, each invoice paid by one line at most.
struct Writer<'c> {
    rng: Rng,
    company: &'c Company,
    used: Vec<bool>,
}

impl Writer<'_> {
    fn fresh_invoice(&mut self) -> usize {
        loop {
            let index = self.rng.below(INVOICES);
            if !self.used[index] {
                self.used[index] = true;
                return index;
            }
        }
    }

    /// `count` unpaid invoices of one customer (one with a learned payer if `learned`).
    fn fresh_of_one(&mut self, count: usize, learned: bool) -> (usize, Vec<usize>) {
        loop {
            let customer = self.rng.below(CUSTOMERS);
            if learned && self.company.learned[customer].is_none() {
                continue;
            }
            let mut free: Vec<usize> = self.company.owned[customer]
                .iter()
                .copied()
                .filter(|i| !self.used[*i])
                .collect();
            if free.len() < count {
                continue;
            }
            let mut chosen = Vec::with_capacity(count);
            for _ in 0..count {
                let at = self.rng.below(free.len());
                chosen.push(free.swap_remove(at));
            }
            for index in &chosen {
                self.used[*index] = true;
            }
            return (customer, chosen);
        }
    }

    /// The customer's name as its bank writes it (brackets half-width, sometimes).
    fn customer_name(&mut self, customer: usize) -> String {
        let name = &self.company.customers[customer].name;
        if self.rng.chance(0.5) {
            name.replace('（', "(").replace('）', ")")
        } else {
            name.clone()
        }
    }

    fn learned_payer(&mut self, customer: usize) -> Payer {
        let Some(learned) = &self.company.learned[customer] else {
            return self.own_account(customer);
        };
        let account = Some(shown_account(&mut self.rng, &learned.account));
        match &learned.name {
            Some(name) => Payer {
                name: Some(name.clone()),
                account,
                kind: "learned account, boss's name",
            },
            None => Payer {
                name: Some(self.customer_name(customer)),
                account,
                kind: "learned account",
            },
        }
    }

    /// The customer paying from an account matching has not learned.
    fn own_account(&mut self, customer: usize) -> Payer {
        Payer {
            name: Some(self.customer_name(customer)),
            account: Some(bank_account(&mut self.rng)),
            kind: "customer's name",
        }
    }

    /// Someone matching knows nothing of: a person, or a company not a customer.
    fn stranger(&mut self) -> Payer {
        let name = if self.rng.chance(0.6) {
            person_name(&mut self.rng)
        } else {
            loop {
                let name = company_name(&mut self.rng);
                if !self.company.names.contains(&normalize_name(&name)) {
                    break name;
                }
            }
        };
        Payer {
            name: Some(name),
            account: Some(bank_account(&mut self.rng)),
            kind: "third party",
        }
    }

    /// Who pays a customer's invoice when the line says which.
    fn usual_payer(&mut self, customer: usize) -> Payer {
        let learned = self.company.learned[customer].is_some();
        if learned && self.rng.chance(0.55) {
            self.learned_payer(customer)
        } else if self.rng.chance(0.85) {
            self.own_account(customer)
        } else {
            self.stranger()
        }
    }

    fn number_text(&mut self, index: usize) -> (String, &'static str) {
        let plain = format!("INV-{:06}", index + 1);
        match self.rng.below(20) {
            0..11 => (plain, "hyphen"),
            11..15 => (plain.replace('-', ""), "no hyphen"),
            15..18 => (full_width(&plain), "full-width"),
            _ => (plain.to_lowercase(), "lower case"),
        }
    }

    fn near_text(&mut self, index: usize) -> (String, &'static str) {
        let look_alike = |c: char| match c {
            '0' => Some('O'),
            '1' => Some('I'),
            '2' => Some('Z'),
            '5' => Some('S'),
            '6' => Some('G'),
            '8' => Some('B'),
            _ => None,
        };
        let mut chars: Vec<char> = format!("INV{:06}", index + 1).chars().collect();
        let spots: Vec<usize> = (3..chars.len())
            .filter(|k| look_alike(chars[*k]).is_some())
            .collect();
        let (letters, variant) = if !spots.is_empty() && self.rng.chance(0.6) {
            let at = *self.rng.pick(&spots);
            chars[at] = look_alike(chars[at]).unwrap_or('O');
            (
                3,
                if at == 3 {
                    "look-alike, 1st digit"
                } else {
                    "look-alike, later digit"
                },
            )
        } else {
            let at = self.rng.below(chars.len());
            chars.remove(at);
            if at < 3 {
                (2, "dropped letter")
            } else {
                (3, "dropped digit")
            }
        };
        let head: String = chars[..letters].iter().collect();
        let tail: String = chars[letters..].iter().collect();
        let text = match self.rng.below(10) {
            0..6 => format!("{head}-{tail}"),
            6..9 => format!("{head}{tail}"),
            _ => full_width(&format!("{head}-{tail}")),
        };
        (text, variant)
    }

    fn number_remark(&mut self, number: &str) -> String {
        match self.rng.below(8) {
            0 | 1 => format!("付{number}货款"),
            2 => number.to_owned(),
            3 => format!("货款{number}"),
            4 => format!("支付发票{number}"),
            5 => format!("{number} 货款"),
            6 => format!(
                "付款{number}，合同HT{}-{:04}",
                2025 + self.rng.below(2),
                self.rng.below(10_000)
            ),
            _ => format!("{number}款"),
        }
    }

    fn plain_remark(&mut self) -> Option<String> {
        if self.rng.chance(0.3) {
            None
        } else {
            Some((*self.rng.pick(PLAIN_REMARKS)).to_owned())
        }
    }

    fn channel(&mut self) -> Option<String> {
        self.rng
            .chance(0.4)
            .then(|| (*self.rng.pick(CHANNELS)).to_owned())
    }

    /// Paid some days around the latest due date.
    fn paid_on(&mut self, invoices: &[usize]) -> NaiveDate {
        let due = invoices
            .iter()
            .map(|i| self.company.invoices[*i].due_on)
            .max()
            .unwrap_or_else(start_day);
        due + Duration::days(self.rng.between(-15, 45))
    }

    fn any_day(&mut self) -> NaiveDate {
        start_day() + Duration::days(self.rng.between(30, 420))
    }

    fn whole(&self, customer: usize, invoices: &[usize]) -> Truth {
        let mut paid: Vec<(Uuid, Decimal)> = invoices
            .iter()
            .map(|i| {
                (
                    self.company.invoices[*i].id,
                    self.company.invoices[*i].balance,
                )
            })
            .collect();
        paid.sort();
        Truth {
            customer: self.company.customers[customer].id,
            invoices: paid,
        }
    }

    fn sum(&self, invoices: &[usize]) -> Decimal {
        Decimal::new(invoices.iter().map(|i| self.company.cents[*i]).sum(), 2)
    }

    fn line(&mut self, category: Category) -> Line {
        match category {
            Category::Exact | Category::Near | Category::Partial => {
                let index = self.fresh_invoice();
                let customer = self.company.customer_of[index];
                let payer = self.usual_payer(customer);
                let (number, variant) = if category == Category::Near {
                    self.near_text(index)
                } else {
                    self.number_text(index)
                };
                let (amount, remark, truth) = if category == Category::Partial {
                    let balance = self.company.cents[index];
                    let mut part = balance * self.rng.between(10, 90) / 100;
                    // People pay round sums when they pay part.
                    if self.rng.chance(0.4) && part - part % 10_000 >= balance / 10 {
                        part -= part % 10_000;
                    }
                    let amount = Decimal::new(part, 2);
                    let remark = match self.rng.below(4) {
                        0 => format!("付{number}部分货款"),
                        1 => format!("{number} 首付款"),
                        2 => format!("预付{number}"),
                        _ => format!("{number}分期"),
                    };
                    let truth = Truth {
                        customer: self.company.customers[customer].id,
                        invoices: vec![(self.company.invoices[index].id, amount)],
                    };
                    (amount, remark, truth)
                } else {
                    let remark = self.number_remark(&number);
                    (self.sum(&[index]), remark, self.whole(customer, &[index]))
                };
                Line {
                    category,
                    variant,
                    payer: payer.kind,
                    booked_on: self.paid_on(&[index]),
                    amount,
                    payer_name: payer.name,
                    payer_account: payer.account,
                    remark: Some(remark),
                    reference: self.channel(),
                    truth: Some(truth),
                }
            }
            Category::AccountAmount | Category::Combined => {
                let combined = category == Category::Combined;
                let count = if combined {
                    self.rng.between(2, 4) as usize
                } else {
                    1
                };
                let (customer, invoices) = self.fresh_of_one(count, !combined);
                let payer = if !combined
                    || (self.company.learned[customer].is_some() && self.rng.chance(0.5))
                {
                    self.learned_payer(customer)
                } else {
                    self.own_account(customer)
                };
                let variant = if combined {
                    ["", "", "2 invoices", "3 invoices", "4 invoices"][count]
                } else {
                    "no reference"
                };
                Line {
                    category,
                    variant,
                    payer: payer.kind,
                    booked_on: self.paid_on(&invoices),
                    amount: self.sum(&invoices),
                    payer_name: payer.name,
                    payer_account: payer.account,
                    remark: self.plain_remark(),
                    reference: self.channel(),
                    truth: Some(self.whole(customer, &invoices)),
                }
            }
            Category::UnknownPayer => {
                let payer = self.stranger();
                let (amount, variant) = if self.rng.chance(0.35) {
                    (
                        Decimal::from(500 * self.rng.between(1, 100)),
                        "round amount",
                    )
                } else {
                    (
                        Decimal::new(self.rng.between(10_000, 6_000_000), 2),
                        "any amount",
                    )
                };
                Line {
                    category,
                    variant,
                    payer: payer.kind,
                    booked_on: self.any_day(),
                    amount,
                    payer_name: payer.name,
                    payer_account: payer.account,
                    remark: self.plain_remark(),
                    reference: self.channel(),
                    truth: None,
                }
            }
            // Copies are made of written lines by `statement`, never written themselves.
            Category::Fee | Category::Duplicate => {
                let (remark, amount, payer) = match self.rng.below(3) {
                    0 => (
                        *self.rng.pick(&["利息", "结息", "存款利息", "活期结息"]),
                        self.rng.between(50, 30_000),
                        Payer {
                            name: Some((*self.rng.pick(BANKS)).to_owned()),
                            account: None,
                            kind: "bank",
                        },
                    ),
                    1 => (
                        *self
                            .rng
                            .pick(&["退款", "退货款", "多付款退回", "保证金退款"]),
                        self.rng.between(2_000, 80_000),
                        self.stranger(),
                    ),
                    _ => (
                        *self
                            .rng
                            .pick(&["手续费返还", "手续费退回", "账户管理费退回"]),
                        self.rng.between(100, 5_000),
                        Payer {
                            name: Some((*self.rng.pick(BANKS)).to_owned()),
                            account: None,
                            kind: "bank",
                        },
                    ),
                };
                Line {
                    category: Category::Fee,
                    variant: remark,
                    payer: payer.kind,
                    booked_on: self.any_day(),
                    amount: Decimal::new(amount, 2),
                    payer_name: payer.name,
                    payer_account: payer.account,
                    remark: Some(remark.to_owned()),
                    reference: None,
                    truth: None,
                }
            }
        }
    }
}

/// The statement as imported: weekly files, each but the first starting with the last lines of
/// the file before (an overlapping export; those copies are [`Category::Duplicate`]), and how
/// many copies there are.
struct Import {
    files: Vec<Vec<Line>>,
    planted: usize,
}

fn statement(rng: Rng, company: &Company) -> Import {
    let mut writer = Writer {
        rng,
        company,
        used: vec![false; INVOICES],
    };
    let duplicates = LINES * Category::Duplicate.percent() / 100;
    let mut categories: Vec<Category> = Category::ALL
        .iter()
        .filter(|c| **c != Category::Duplicate)
        .flat_map(|c| std::iter::repeat_n(*c, LINES * c.percent() / 100))
        .collect();
    for k in (1..categories.len()).rev() {
        let j = writer.rng.below(k + 1);
        categories.swap(k, j);
    }
    let mut lines: Vec<Line> = categories.iter().map(|c| writer.line(*c)).collect();
    lines.sort_by_key(|l| l.booked_on);
    let mut weeks: BTreeMap<i64, Vec<Line>> = BTreeMap::new();
    for line in lines {
        let week = (line.booked_on - start_day()).num_days().div_euclid(7);
        weeks.entry(week).or_default().push(line);
    }
    let weeks: Vec<Vec<Line>> = weeks.into_values().collect();
    // How many lines of the week before each file repeats: spread evenly, a week of few lines
    // lending its share to the others.
    let mut quotas = vec![0; weeks.len()];
    let room: usize = weeks.iter().rev().skip(1).map(Vec::len).sum();
    let mut planted = 0;
    while planted < duplicates.min(room) {
        for k in 1..weeks.len() {
            if planted < duplicates && quotas[k] < weeks[k - 1].len() {
                quotas[k] += 1;
                planted += 1;
            }
        }
    }
    let mut files: Vec<Vec<Line>> = Vec::with_capacity(weeks.len());
    for (k, week) in weeks.iter().enumerate() {
        let mut file = Vec::new();
        if k > 0 {
            let before = &weeks[k - 1];
            for line in &before[before.len() - quotas[k]..] {
                file.push(Line {
                    category: Category::Duplicate,
                    truth: None,
                    ..line.clone()
                });
            }
        }
        file.extend(week.iter().cloned());
        files.push(file);
    }
    Import { files, planted }
}

/// The line's best suggestion, when the job would apply it.
fn auto_choice(found: &[Suggestion], threshold: Decimal) -> Option<&Suggestion> {
    found
        .first()
        .filter(|best| best.confidence >= threshold && best.payment_id.is_none())
}

fn is_truth(suggestion: &Suggestion, truth: Option<&Truth>) -> bool {
    let Some(truth) = truth else {
        return false;
    };
    let mut paid: Vec<(Uuid, Decimal)> = suggestion
        .invoices
        .iter()
        .map(|i| (i.invoice_id, i.amount))
        .collect();
    paid.sort();
    suggestion.customer_id == truth.customer
        && suggestion.payment_id.is_none()
        && paid == truth.invoices
}

fn signature(found: &[Suggestion]) -> String {
    match found.first() {
        None => "no suggestion".to_owned(),
        Some(best) => format!(
            "{} {}",
            best.reasons
                .iter()
                .map(|r| r.code.as_str())
                .collect::<Vec<_>>()
                .join("+"),
            best.confidence
        ),
    }
}

fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

/// A kind of line missed or applied wrongly: its category, what happened, how it was written,
/// who paid, and its best suggestion's reasons and confidence.
type Shape = (Category, &'static str, &'static str, &'static str, String);

#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    lines: usize,
    auto: usize,
    wrong: usize,
}

impl Tally {
    fn add(self, other: &Tally) -> Tally {
        Tally {
            lines: self.lines + other.lines,
            auto: self.auto + other.auto,
            wrong: self.wrong + other.wrong,
        }
    }
}

/// One pass as the job makes it: the book built, every line suggested for in booking order,
/// what an applied line pays taken off the book.
struct Run {
    build: f64,
    matching: f64,
    /// Of `matching`, the time in `Book::consume`.
    consuming: f64,
    suggested: Vec<Vec<Suggestion>>,
}

fn run(company: &Company, lines: &[&Line], threshold: Decimal) -> Run {
    let invoices = company.invoices.clone();
    let building = Instant::now();
    let mut book = Book::new(invoices, &company.customers, &company.payers, Vec::new());
    let build = building.elapsed().as_secs_f64();
    let mut consuming = 0.0;
    let matching = Instant::now();
    let mut suggested: Vec<Vec<Suggestion>> = Vec::with_capacity(lines.len());
    for line in lines {
        let found = book.suggest(&line.incoming());
        if let Some(best) = auto_choice(&found, threshold) {
            let taking = Instant::now();
            for invoice in &best.invoices {
                book.consume(invoice.invoice_id, invoice.amount);
            }
            consuming += taking.elapsed().as_secs_f64();
        }
        suggested.push(found);
    }
    Run {
        build,
        matching: matching.elapsed().as_secs_f64(),
        consuming,
        suggested,
    }
}

/// What a run did, against the lines' truth.
#[derive(Default)]
struct Judged {
    tallies: BTreeMap<Category, Tally>,
    /// Lines missed or applied wrongly, by shape.
    shapes: HashMap<Shape, usize>,
    /// Lines applied rightly, by category and the reasons of what applied them.
    applied_by: BTreeMap<(Category, String), usize>,
}

impl Judged {
    fn paying(&self) -> Tally {
        self.tallies
            .iter()
            .filter(|(c, _)| c.pays_invoices())
            .fold(Tally::default(), |sum, (_, t)| sum.add(t))
    }

    fn all(&self) -> Tally {
        self.tallies
            .values()
            .fold(Tally::default(), |sum, t| sum.add(t))
    }

    fn nothing_to_pay(&self) -> Tally {
        [Category::UnknownPayer, Category::Fee]
            .iter()
            .filter_map(|c| self.tallies.get(c))
            .fold(Tally::default(), |sum, t| sum.add(t))
    }

    /// Invoice-paying lines applied, and rightly, in percent.
    fn auto_share(&self) -> f64 {
        let paying = self.paying();
        percent(paying.auto - paying.wrong, paying.lines)
    }

    fn wrong_per_1000(&self) -> f64 {
        let all = self.all();
        if all.auto == 0 {
            0.0
        } else {
            1000.0 * all.wrong as f64 / all.auto as f64
        }
    }
}

fn judge(lines: &[&Line], suggested: &[Vec<Suggestion>], threshold: Decimal) -> Judged {
    let mut judged = Judged::default();
    for (line, found) in lines.iter().zip(suggested) {
        let tally = judged.tallies.entry(line.category).or_default();
        tally.lines += 1;
        let outcome = match auto_choice(found, threshold) {
            Some(best) if is_truth(best, line.truth.as_ref()) => {
                tally.auto += 1;
                let reasons: Vec<&str> = best
                    .reasons
                    .iter()
                    .map(|r| r.code.as_str())
                    .filter(|code| !code.starts_with("PAYER_"))
                    .collect();
                *judged
                    .applied_by
                    .entry((line.category, reasons.join("+")))
                    .or_default() += 1;
                continue;
            }
            Some(_) => {
                tally.auto += 1;
                tally.wrong += 1;
                "APPLIED WRONGLY"
            }
            None if line.truth.is_none() => continue,
            None => match found.first() {
                Some(best) if is_truth(best, line.truth.as_ref()) => "missed, best right",
                Some(_) => "missed, best wrong",
                None => "missed",
            },
        };
        *judged
            .shapes
            .entry((
                line.category,
                outcome,
                line.variant,
                line.payer,
                signature(found),
            ))
            .or_default() += 1;
    }
    judged
}

fn main() {
    let seed: u64 = env_or("DUELY_BENCH_SEED", 0x00D0_E1F5_CA5E_2026);
    let rounds: usize = env_or("DUELY_BENCH_ROUNDS", 3).max(1);
    let threshold = Decimal::new(90, 2);
    let mut rng = Rng(seed);

    let generating = Instant::now();
    let company = company(&mut rng);
    let import = statement(Rng(rng.next()), &company);
    let personal = company.payers.iter().filter(|p| p.name.is_some()).count();
    println!(
        "cash matching: {} customers, {} open CNY invoices, {} learned payers ({} in a person's name); seed {seed:#x}, generated in {:.2} s",
        grouped(company.customers.len()),
        grouped(company.invoices.len()),
        grouped(company.payers.len()),
        grouped(personal),
        generating.elapsed().as_secs_f64(),
    );

    // `DUELY_BENCH_SAMPLES=n`: the first n lines of each category, as matching reads them.
    let samples: usize = env_or("DUELY_BENCH_SAMPLES", 0);
    for category in Category::ALL {
        let lines = import
            .files
            .iter()
            .flatten()
            .filter(|l| l.category == category);
        for line in lines.take(samples) {
            println!(
                "  sample {}: {} {} · {:?} · {:?} · remark {:?} · reference {:?} · pays {:?}",
                category.label(),
                line.booked_on,
                line.amount,
                line.payer_name,
                line.payer_account,
                line.remark,
                line.reference,
                line.truth.as_ref().map(|t| t.invoices.len()),
            );
        }
    }

    // The import: a line whose fingerprint an earlier file had is the same line again.
    let fingerprinting = Instant::now();
    let mut seen: HashSet<String> = HashSet::new();
    let mut kept: Vec<&Line> = Vec::new();
    let (mut dropped, mut dropped_planted, mut missed_planted) = (0, 0, 0);
    for file in &import.files {
        let sources = fingerprint_sources(
            OWN_ACCOUNT,
            file.iter().map(|l| {
                (
                    None,
                    l.booked_on,
                    l.amount,
                    l.reference.as_deref(),
                    l.remark.as_deref(),
                )
            }),
        );
        for (line, source) in file.iter().zip(sources) {
            let copy = line.category == Category::Duplicate;
            if seen.insert(source) {
                kept.push(line);
                missed_planted += usize::from(copy);
            } else {
                dropped += 1;
                dropped_planted += usize::from(copy);
            }
        }
    }
    let fingerprinting = fingerprinting.elapsed().as_secs_f64();
    let total_lines: usize = import.files.iter().map(Vec::len).sum();
    println!(
        "statement: {} lines in {} weekly files; {} of them exported again by an overlapping file; fingerprint_source dropped {} ({} of those, {} new lines lost; {} copies let through); {} lines to match (fingerprints in {:.0} ms)",
        grouped(total_lines),
        import.files.len(),
        grouped(import.planted),
        grouped(dropped),
        grouped(dropped_planted),
        grouped(dropped - dropped_planted),
        grouped(missed_planted),
        grouped(kept.len()),
        fingerprinting * 1000.0,
    );

    let runs: Vec<Run> = (0..rounds)
        .map(|_| run(&company, &kept, threshold))
        .collect();
    let best = |time: fn(&Run) -> f64| runs.iter().map(time).fold(f64::INFINITY, f64::min);
    let list = |time: fn(&Run) -> f64| {
        runs.iter()
            .map(|r| format!("{:.3}", time(r)))
            .collect::<Vec<_>>()
            .join(" / ")
    };
    let (build, matching, consuming) = (
        best(|r| r.build),
        best(|r| r.matching),
        best(|r| r.consuming),
    );
    let per_second = kept.len() as f64 / matching;
    let for_10k = 10_000.0 / per_second;
    println!(
        "build the book ({} invoices): {build:.3} s, best of {rounds} ({} s)",
        grouped(company.invoices.len()),
        list(|r| r.build)
    );
    println!(
        "match {} lines in booking order, threshold {threshold}: {matching:.3} s, best of {rounds} ({} s), of which Book::consume {consuming:.3} s",
        grouped(kept.len()),
        list(|r| r.matching),
    );
    println!(
        "  {} lines/s; 10,000 lines in {for_10k:.2} s, goal <= {GOAL_SECONDS_PER_10K} s: {}",
        grouped(per_second as usize),
        verdict(for_10k <= GOAL_SECONDS_PER_10K),
    );

    let Some(last) = runs.last() else {
        return;
    };
    let judged = judge(&kept, &last.suggested, threshold);
    let (paying, all, nothing) = (judged.paying(), judged.all(), judged.nothing_to_pay());
    println!(
        "invoice-paying lines applied automatically (and rightly): {} of {} = {:.1}%, goal >= {GOAL_AUTO_SHARE}%: {}",
        grouped(paying.auto - paying.wrong),
        grouped(paying.lines),
        judged.auto_share(),
        verdict(judged.auto_share() >= GOAL_AUTO_SHARE),
    );
    println!(
        "wrong automatic applications: {} of {} applied = {:.2} per 1,000, goal <= {GOAL_WRONG_PER_1000}: {}",
        grouped(all.wrong),
        grouped(all.auto),
        judged.wrong_per_1000(),
        verdict(judged.wrong_per_1000() <= GOAL_WRONG_PER_1000),
    );
    println!(
        "unknown payers and interest/refunds/fees applied automatically (all wrong): {} of {} = {:.2}%",
        grouped(nothing.auto),
        grouped(nothing.lines),
        percent(nothing.auto, nothing.lines),
    );

    println!();
    println!(
        "{:<26} {:>6} {:>6} {:>7} {:>6}",
        "category", "lines", "auto", "auto %", "wrong"
    );
    for category in Category::ALL {
        let tally = judged.tallies.get(&category).copied().unwrap_or_default();
        // Copies are counted at the import and matched only if the fingerprint let them by.
        let lines = if category == Category::Duplicate {
            import.planted
        } else {
            tally.lines
        };
        println!(
            "{:<26} {:>6} {:>6} {:>6.1}% {:>6}",
            category.label(),
            grouped(lines),
            grouped(tally.auto),
            percent(tally.auto, lines),
            grouped(tally.wrong),
        );
    }

    println!();
    println!("applied rightly, by what applied them (the payer's reason left out):");
    for category in Category::ALL {
        let rows: Vec<(&String, &usize)> = judged
            .applied_by
            .iter()
            .filter(|((c, _), _)| *c == category)
            .map(|((_, reasons), n)| (reasons, n))
            .collect();
        if rows.is_empty() {
            continue;
        }
        let shown = rows
            .iter()
            .map(|(reasons, n)| format!("{reasons} {}", grouped(**n)))
            .collect::<Vec<_>>()
            .join(", ");
        println!("  {:<26} {shown}", category.label());
    }

    println!();
    println!(
        "lines missed or applied wrongly, commonest first (how written · payer · best suggestion's reasons and confidence):"
    );
    for category in Category::ALL {
        let mut rows: Vec<(&Shape, &usize)> = judged
            .shapes
            .iter()
            .filter(|((c, ..), _)| *c == category)
            .collect();
        if rows.is_empty() {
            continue;
        }
        rows.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        let total: usize = rows.iter().map(|(_, n)| **n).sum();
        println!("  {} ({} lines)", category.label(), grouped(total));
        for ((_, outcome, variant, payer, signature), count) in rows.iter().take(8) {
            println!("    {count:>5}  {outcome:<18} {variant} · {payer} · {signature}");
        }
        if rows.len() > 8 {
            let rest: usize = rows.iter().skip(8).map(|(_, n)| **n).sum();
            println!("    {rest:>5}  … in {} other shapes", rows.len() - 8);
        }
    }

    // The threshold is the company's (0.50 to 1.00): what each would do to the same statement.
    println!();
    println!("other thresholds, the same statement:");
    println!(
        "{:>9} {:>16} {:>10} {:>14} {:>22}",
        "threshold", "paying applied", "wrong", "per 1,000", "unknown/fees applied"
    );
    let mut wrong_where = Vec::new();
    for cents in [50, 60, 70, 80, 90, 95, 99] {
        let threshold = Decimal::new(cents, 2);
        let swept = run(&company, &kept, threshold);
        let judged = judge(&kept, &swept.suggested, threshold);
        let (all, nothing) = (judged.all(), judged.nothing_to_pay());
        println!(
            "{threshold:>9} {:>15.1}% {:>10} {:>14.2} {:>21.1}%",
            judged.auto_share(),
            grouped(all.wrong),
            judged.wrong_per_1000(),
            percent(nothing.auto, nothing.lines),
        );
        let wrong: Vec<String> = judged
            .tallies
            .iter()
            .filter(|(_, t)| t.wrong > 0)
            .map(|(c, t)| format!("{} {}", c.label(), t.wrong))
            .collect();
        if !wrong.is_empty() {
            wrong_where.push(format!("  wrong at {threshold}: {}", wrong.join(", ")));
        }
    }
    for line in wrong_where {
        println!("{line}");
    }
}
