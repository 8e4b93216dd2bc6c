//! The benchmark's company and statement: generated from a seed, each line with what it truly
//! pays (see the bench's own doc for the mix).

use chrono::{Duration, NaiveDate};
use domain::Currency;
use domain::cash::matching::{Customer, Incoming, LearnedPayer, OpenInvoice, normalize_name};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashSet};
use uuid::Uuid;
pub(super) const CUSTOMERS: usize = 10_000;
pub(super) const INVOICES: usize = 100_000;
pub(super) const LINES: usize = 10_000;
/// Customers whose bank account matching has learned.
pub(super) const LEARNED_SHARE: f64 = 0.60;
/// Of those, the ones whose account is in the boss's own name.
pub(super) const PERSONAL_NAME_SHARE: f64 = 0.30;
/// The company's own account, the statement's.
pub(super) const OWN_ACCOUNT: &str = "31050161393600001234";

#[rustfmt::skip]
pub(super) const CITIES: &[&str] = &[
    "北京", "上海", "广州", "深圳", "杭州", "苏州", "南京", "宁波", "无锡", "常州", "温州", "嘉兴",
    "绍兴", "金华", "台州", "合肥", "福州", "厦门", "泉州", "济南", "青岛", "烟台", "潍坊", "郑州",
    "武汉", "长沙", "成都", "重庆", "西安", "天津", "沈阳", "大连", "哈尔滨", "长春", "石家庄", "太原",
    "南昌", "昆明", "贵阳", "南宁", "东莞", "佛山", "中山", "珠海", "惠州", "汕头", "义乌", "昆山",
    "江阴", "徐州",
];
#[rustfmt::skip]
pub(super) const WORDS: &[&str] = &[
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
pub(super) const TRADES: &[&str] = &[
    "贸易", "科技", "实业", "电子", "机械", "化工", "物流", "建材", "食品",
    "服饰", "纺织", "医疗器械", "新材料", "信息技术", "供应链管理", "进出口", "五金", "塑胶",
    "包装", "环保", "汽车配件", "家居", "照明", "能源", "精密制造",
];
/// Commonest first: a surname is drawn the smaller of two draws, so 王 and 李 come often.
#[rustfmt::skip]
pub(super) const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
    "任", "沈",
];
#[rustfmt::skip]
pub(super) const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "兰", "萍", "红", "建", "文", "辉", "力",
    "斌", "鹏", "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁", "龙", "林", "欢", "阳", "晨",
    "瑞", "峰", "志", "国", "海", "东", "雪", "梅", "琳", "颖", "婷", "鑫",
];
pub(super) const BANKS: &[&str] = &[
    "中国工商银行股份有限公司上海分行",
    "中国建设银行股份有限公司深圳分行",
    "招商银行股份有限公司",
    "中国银行股份有限公司",
    "交通银行股份有限公司",
];
pub(super) const CARD_BINS: &[&str] = &[
    "6222", "6228", "6217", "6214", "6225", "6212", "6216", "6230",
];
pub(super) const CHANNELS: &[&str] = &["网银转账", "跨行汇款", "大额支付", "同城转账", "电子汇划"];
/// Remarks that name nothing.
pub(super) const PLAIN_REMARKS: &[&str] =
    &["货款", "付货款", "往来款", "转账", "支付货款", "采购款"];

/// splitmix64: small, fast and the same on every machine.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// `0..n`.
    pub(super) fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }

    /// `low..=high`.
    pub(super) fn between(&mut self, low: i64, high: i64) -> i64 {
        low + self.below((high - low + 1) as usize) as i64
    }

    pub(super) fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub(super) fn uuid(&mut self) -> Uuid {
        Uuid::from_u128((u128::from(self.next()) << 64) | u128::from(self.next()))
    }
}

pub(super) fn start_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default()
}

pub(super) fn company_name(rng: &mut Rng) -> String {
    let (city, word, trade) = (rng.pick(CITIES), rng.pick(WORDS), rng.pick(TRADES));
    match rng.below(100) {
        0..70 => format!("{city}{word}{trade}有限公司"),
        70..82 => format!("{word}{trade}（{city}）有限公司"),
        82..92 => format!("{city}{word}{trade}股份有限公司"),
        _ => format!("{city}市{word}{trade}有限公司"),
    }
}

pub(super) fn person_name(rng: &mut Rng) -> String {
    let surname = SURNAMES[rng.below(SURNAMES.len()).min(rng.below(SURNAMES.len()))];
    if rng.chance(0.3) {
        format!("{surname}{}", rng.pick(GIVEN))
    } else {
        format!("{surname}{}{}", rng.pick(GIVEN), rng.pick(GIVEN))
    }
}

/// 16 digits, as a debit card's.
pub(super) fn bank_account(rng: &mut Rng) -> String {
    format!(
        "{}{:012}",
        rng.pick(CARD_BINS),
        rng.below(1_000_000_000_000)
    )
}

/// An account as a statement shows it: sometimes in groups of four.
pub(super) fn shown_account(rng: &mut Rng, account: &str) -> String {
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

pub(super) fn full_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

pub(super) struct Learned {
    pub(super) account: String,
    pub(super) name: Option<String>,
}

pub(super) struct Company {
    pub(super) customers: Vec<Customer>,
    /// Normalized, to keep unknown payers' names off them.
    pub(super) names: HashSet<String>,
    pub(super) invoices: Vec<OpenInvoice>,
    pub(super) cents: Vec<i64>,
    pub(super) customer_of: Vec<usize>,
    pub(super) owned: Vec<Vec<usize>>,
    pub(super) learned: Vec<Option<Learned>>,
    pub(super) payers: Vec<LearnedPayer>,
}

pub(super) fn company(rng: &mut Rng) -> Company {
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
pub(super) enum Category {
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
    pub(super) const ALL: [Category; 8] = [
        Category::Exact,
        Category::Near,
        Category::AccountAmount,
        Category::Combined,
        Category::Partial,
        Category::UnknownPayer,
        Category::Fee,
        Category::Duplicate,
    ];

    pub(super) fn label(self) -> &'static str {
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

    pub(super) fn percent(self) -> usize {
        match self {
            Category::Exact => 45,
            Category::AccountAmount => 15,
            Category::Near | Category::Combined => 10,
            _ => 5,
        }
    }

    pub(super) fn pays_invoices(self) -> bool {
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
pub(super) struct Truth {
    pub(super) customer: Uuid,
    pub(super) invoices: Vec<(Uuid, Decimal)>,
}

#[derive(Debug, Clone)]
pub(super) struct Line {
    pub(super) category: Category,
    /// How the reference was written (hyphen, full-width, the kind of typo …).
    pub(super) variant: &'static str,
    /// Who the payer is to matching: learned account, the customer's name, a third party.
    pub(super) payer: &'static str,
    pub(super) booked_on: NaiveDate,
    pub(super) amount: Decimal,
    pub(super) payer_name: Option<String>,
    pub(super) payer_account: Option<String>,
    pub(super) remark: Option<String>,
    pub(super) reference: Option<String>,
    pub(super) truth: Option<Truth>,
}

impl Line {
    pub(super) fn incoming(&self) -> Incoming<'_> {
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

pub(super) struct Payer {
    pub(super) name: Option<String>,
    pub(super) account: Option<String>,
    pub(super) kind: &'static str,
}

/// Writes the statement's lines, each invoice paid by one line at most.
pub(super) struct Writer<'c> {
    pub(super) rng: Rng,
    pub(super) company: &'c Company,
    pub(super) used: Vec<bool>,
}

impl Writer<'_> {
    pub(super) fn fresh_invoice(&mut self) -> usize {
        loop {
            let index = self.rng.below(INVOICES);
            if !self.used[index] {
                self.used[index] = true;
                return index;
            }
        }
    }

    /// `count` unpaid invoices of one customer (one with a learned payer if `learned`).
    pub(super) fn fresh_of_one(&mut self, count: usize, learned: bool) -> (usize, Vec<usize>) {
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
    pub(super) fn customer_name(&mut self, customer: usize) -> String {
        let name = &self.company.customers[customer].name;
        if self.rng.chance(0.5) {
            name.replace('（', "(").replace('）', ")")
        } else {
            name.clone()
        }
    }

    pub(super) fn learned_payer(&mut self, customer: usize) -> Payer {
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
    pub(super) fn own_account(&mut self, customer: usize) -> Payer {
        Payer {
            name: Some(self.customer_name(customer)),
            account: Some(bank_account(&mut self.rng)),
            kind: "customer's name",
        }
    }

    /// Someone matching knows nothing of: a person, or a company not a customer.
    pub(super) fn stranger(&mut self) -> Payer {
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
    pub(super) fn usual_payer(&mut self, customer: usize) -> Payer {
        let learned = self.company.learned[customer].is_some();
        if learned && self.rng.chance(0.55) {
            self.learned_payer(customer)
        } else if self.rng.chance(0.85) {
            self.own_account(customer)
        } else {
            self.stranger()
        }
    }

    pub(super) fn number_text(&mut self, index: usize) -> (String, &'static str) {
        let plain = format!("INV-{:06}", index + 1);
        match self.rng.below(20) {
            0..11 => (plain, "hyphen"),
            11..15 => (plain.replace('-', ""), "no hyphen"),
            15..18 => (full_width(&plain), "full-width"),
            _ => (plain.to_lowercase(), "lower case"),
        }
    }

    pub(super) fn near_text(&mut self, index: usize) -> (String, &'static str) {
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

    pub(super) fn number_remark(&mut self, number: &str) -> String {
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

    pub(super) fn plain_remark(&mut self) -> Option<String> {
        if self.rng.chance(0.3) {
            None
        } else {
            Some((*self.rng.pick(PLAIN_REMARKS)).to_owned())
        }
    }

    pub(super) fn channel(&mut self) -> Option<String> {
        self.rng
            .chance(0.4)
            .then(|| (*self.rng.pick(CHANNELS)).to_owned())
    }

    /// Paid some days around the latest due date.
    pub(super) fn paid_on(&mut self, invoices: &[usize]) -> NaiveDate {
        let due = invoices
            .iter()
            .map(|i| self.company.invoices[*i].due_on)
            .max()
            .unwrap_or_else(start_day);
        due + Duration::days(self.rng.between(-15, 45))
    }

    pub(super) fn any_day(&mut self) -> NaiveDate {
        start_day() + Duration::days(self.rng.between(30, 420))
    }

    pub(super) fn whole(&self, customer: usize, invoices: &[usize]) -> Truth {
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

    pub(super) fn sum(&self, invoices: &[usize]) -> Decimal {
        Decimal::new(invoices.iter().map(|i| self.company.cents[*i]).sum(), 2)
    }

    pub(super) fn line(&mut self, category: Category) -> Line {
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
pub(super) struct Import {
    pub(super) files: Vec<Vec<Line>>,
    pub(super) planted: usize,
}

pub(super) fn statement(rng: Rng, company: &Company) -> Import {
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
