//! Matching a received bank line to what it pays, explainably.
//!
//! The signals, strongest first: an invoice number in the remark (附言) or reference, exact or
//! one character off; a statement reference (`matching_statements.rs`); the payer's account or name, learned from lines a person applied, or the
//! payer's name being the customer's; and the amount: equal to one open invoice, to the
//! customer's whole balance, or to a combination of its open invoices (the
//! [`COMBINATION_POOL`] oldest, at most [`COMBINATION_SIZE`] together). Only invoices in the
//! line's currency count. A line that matches a payment keyed by hand is offered as that
//! payment, and only as that.
//!
//! A [`Book`] indexes the open invoices once (numbers, one-character-off variants, amounts,
//! customers), so a line costs a handful of hash lookups, not a scan.

use super::{MatchReason, MatchReasonCode as Code, SuggestedInvoice, Suggestion};
use crate::money::Currency;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

#[path = "matching_statements.rs"]
mod statements;
pub use statements::SentStatement;

/// How many of a customer's oldest open invoices a combination is sought among.
pub const COMBINATION_POOL: usize = 30;
/// The most invoices one combination may have.
pub const COMBINATION_SIZE: usize = 4;
/// Days between a keyed payment's date and the line's booking day for them to be one.
pub const KEYED_PAYMENT_DAYS: i64 = 5;
/// Suggestions kept per line.
pub const MAX_SUGGESTIONS: usize = 5;
/// Tokens shorter than this are not tried one character off (too many near misses).
const MIN_NEAR_LEN: usize = 6;
/// Tokens shorter than this are not invoice numbers.
const MIN_TOKEN_LEN: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenInvoice {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub number: String,
    pub currency: Currency,
    pub balance: Decimal,
    pub due_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub id: Uuid,
    pub name: String,
}

/// A payer seen paying for a customer, stored when a person applied a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearnedPayer {
    pub customer_id: Uuid,
    pub account: Option<String>,
    pub name: Option<String>,
}

/// A payment keyed by hand that no bank line is linked to yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyedPayment {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub amount: Decimal,
    pub currency: Currency,
    pub received_on: NaiveDate,
}

/// A received line, as matching reads it.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    pub amount: Decimal,
    pub currency: Currency,
    pub booked_on: NaiveDate,
    pub payer_name: Option<&'a str>,
    pub payer_account: Option<&'a str>,
    pub remark: Option<&'a str>,
    pub reference: Option<&'a str>,
}

/// Upper case, full-width forms folded to ASCII, only letters and digits kept: `inv-０42`
/// and `INV042` are one number.
pub fn normalize_number(text: &str) -> String {
    text.chars()
        .map(fold_width)
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// A name as banks and people write it: full-width folded, spaces and punctuation dropped,
/// upper case (`（北京）` and `(北京)` are one).
pub fn normalize_name(text: &str) -> String {
    text.chars()
        .map(fold_width)
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// An account number: digits and letters only.
pub fn normalize_account(text: &str) -> String {
    normalize_number(text)
}

fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// The runs of a text that could be document numbers: letters, digits and the separators
/// numbers use, normalized; Chinese text around them splits them off.
fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| {
        let c = fold_width(c);
        !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.' | '#'))
    })
    .map(normalize_number)
    .filter(|token| token.len() >= MIN_TOKEN_LEN && token.bytes().any(|b| b.is_ascii_digit()))
}

fn deletions(text: &str) -> impl Iterator<Item = String> + '_ {
    (0..text.len()).map(move |skip| {
        let mut out = String::with_capacity(text.len());
        out.push_str(&text[..skip]);
        out.push_str(&text[skip + 1..]);
        out
    })
}

/// Whether `a` and `b` (ASCII) are one insertion, deletion or substitution apart.
fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 || a == b {
        return false;
    }
    let prefix = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        short[prefix + 1..] == long[prefix + 1..]
    } else {
        short[prefix..] == long[prefix + 1..]
    }
}

fn money_key(amount: Decimal) -> Decimal {
    amount.normalize()
}

/// The company's open invoices and what it knows about payers, indexed for matching.
#[derive(Debug, Default)]
pub struct Book {
    invoices: Vec<OpenInvoice>,
    by_id: HashMap<Uuid, usize>,
    by_number: HashMap<String, Vec<usize>>,
    by_deletion: HashMap<String, Vec<usize>>,
    by_customer: HashMap<Uuid, Vec<usize>>,
    by_amount: HashMap<(Currency, Decimal), Vec<usize>>,
    payer_accounts: HashMap<String, Vec<Uuid>>,
    payer_names: HashMap<String, Vec<Uuid>>,
    customer_names: HashMap<String, Vec<Uuid>>,
    keyed: HashMap<Uuid, Vec<KeyedPayment>>,
    statements: statements::Statements,
}

fn push_unique<K: std::hash::Hash + Eq, V: PartialEq>(
    map: &mut HashMap<K, Vec<V>>,
    key: K,
    value: V,
) {
    let values = map.entry(key).or_default();
    if !values.contains(&value) {
        values.push(value);
    }
}

impl Book {
    pub fn new(
        mut invoices: Vec<OpenInvoice>,
        customers: &[Customer],
        payers: &[LearnedPayer],
        keyed: Vec<KeyedPayment>,
    ) -> Book {
        invoices.sort_by(|a, b| (a.due_on, &a.number).cmp(&(b.due_on, &b.number)));
        let mut book = Book::default();
        for (index, invoice) in invoices.iter().enumerate() {
            let number = normalize_number(&invoice.number);
            if number.len() >= MIN_NEAR_LEN {
                for variant in deletions(&number) {
                    push_unique(&mut book.by_deletion, variant, index);
                }
            }
            push_unique(&mut book.by_number, number, index);
            book.by_id.insert(invoice.id, index);
            book.by_customer
                .entry(invoice.customer_id)
                .or_default()
                .push(index);
            book.by_amount
                .entry((invoice.currency, money_key(invoice.balance)))
                .or_default()
                .push(index);
        }
        book.invoices = invoices;
        for customer in customers {
            let name = normalize_name(&customer.name);
            if !name.is_empty() {
                push_unique(&mut book.customer_names, name, customer.id);
            }
        }
        for payer in payers {
            book.learn(payer);
        }
        for payment in keyed {
            book.keyed
                .entry(payment.customer_id)
                .or_default()
                .push(payment);
        }
        book
    }

    /// Remembers that `payer` pays for its customer.
    pub fn learn(&mut self, payer: &LearnedPayer) {
        if let Some(account) = payer.account.as_deref().map(normalize_account)
            && !account.is_empty()
        {
            push_unique(&mut self.payer_accounts, account, payer.customer_id);
        }
        if let Some(name) = payer.name.as_deref().map(normalize_name)
            && !name.is_empty()
        {
            push_unique(&mut self.payer_names, name, payer.customer_id);
        }
    }

    /// Takes `amount` off an invoice's balance (a line just applied), so later lines never
    /// count on money already paid.
    pub fn consume(&mut self, invoice_id: Uuid, amount: Decimal) {
        if let Some(invoice) = self
            .by_id
            .get(&invoice_id)
            .and_then(|index| self.invoices.get_mut(*index))
        {
            invoice.balance = (invoice.balance - amount).max(Decimal::ZERO);
        }
    }

    /// Forgets a keyed payment once a line is linked to it.
    pub fn forget_keyed(&mut self, payment_id: Uuid) {
        for payments in self.keyed.values_mut() {
            payments.retain(|p| p.id != payment_id);
        }
    }

    fn open(&self, index: usize, currency: Currency) -> Option<&OpenInvoice> {
        self.invoices
            .get(index)
            .filter(|i| i.currency == currency && i.balance > Decimal::ZERO)
    }

    /// Invoices the text names: exact, or one character off (with what was written).
    fn named(
        &self,
        text: &str,
        currency: Currency,
        amount: Decimal,
    ) -> (Vec<usize>, Vec<(usize, String)>) {
        let mut exact = Vec::new();
        let mut near = Vec::new();
        for token in tokens(text) {
            if let Some(found) = self.by_number.get(&token) {
                exact.extend(
                    found
                        .iter()
                        .copied()
                        .filter(|i| self.open(*i, currency).is_some()),
                );
                continue;
            }
            if token.len() < MIN_NEAR_LEN {
                continue;
            }
            let mut candidates: HashSet<usize> = HashSet::new();
            if let Some(found) = self.by_deletion.get(&token) {
                candidates.extend(found);
            }
            for variant in deletions(&token) {
                if let Some(found) = self.by_deletion.get(&variant) {
                    candidates.extend(found);
                }
                if let Some(found) = self.by_number.get(&variant) {
                    candidates.extend(found);
                }
            }
            let mut hits: Vec<usize> = candidates
                .into_iter()
                .filter(|i| {
                    self.open(*i, currency).is_some_and(|invoice| {
                        one_edit_apart(&normalize_number(&invoice.number), &token)
                    })
                })
                .collect();
            // One character off is trusted only when it points at one invoice; among several
            // (numbers run in sequence, so a slip is near many), the one whose balance is
            // the amount paid.
            if hits.len() > 1 {
                hits.retain(|i| self.balance(*i) == amount);
            }
            if hits.len() == 1 {
                near.extend(hits.drain(..).map(|i| (i, token.clone())));
            }
        }
        exact.sort_unstable();
        exact.dedup();
        near.retain(|(i, _)| !exact.contains(i));
        near.sort_unstable();
        near.dedup_by_key(|(i, _)| *i);
        (exact, near)
    }

    /// The customers the payer is, with the reason for each.
    fn payers(&self, line: &Incoming<'_>) -> Vec<(Uuid, MatchReason)> {
        fn add(out: &mut Vec<(Uuid, MatchReason)>, id: Uuid, reason: MatchReason) {
            if !out.iter().any(|(known, _)| *known == id) {
                out.push((id, reason));
            }
        }
        let mut out: Vec<(Uuid, MatchReason)> = Vec::new();
        if let Some(account) = line.payer_account.filter(|a| !a.trim().is_empty()) {
            for id in self
                .payer_accounts
                .get(&normalize_account(account))
                .into_iter()
                .flatten()
            {
                let reason =
                    MatchReason::new(Code::PayerAccountKnown, &[("account", account.trim())]);
                add(&mut out, *id, reason);
            }
        }
        // A known account says who pays; a name (often a person's, shared) adds only doubt.
        if !out.is_empty() {
            return out;
        }
        if let Some(name) = line.payer_name.filter(|n| !n.trim().is_empty()) {
            let key = normalize_name(name);
            for id in self.payer_names.get(&key).into_iter().flatten() {
                let reason = MatchReason::new(Code::PayerNameKnown, &[("name", name.trim())]);
                add(&mut out, *id, reason);
            }
            for id in self.customer_names.get(&key).into_iter().flatten() {
                let reason = MatchReason::new(Code::PayerIsCustomer, &[("name", name.trim())]);
                add(&mut out, *id, reason);
            }
        }
        out
    }

    /// The customer's open invoices in `currency`, oldest due first.
    fn customer_open(&self, customer: Uuid, currency: Currency) -> Vec<usize> {
        self.by_customer
            .get(&customer)
            .into_iter()
            .flatten()
            .copied()
            .filter(|i| self.open(*i, currency).is_some())
            .collect()
    }

    fn number(&self, index: usize) -> &str {
        self.invoices
            .get(index)
            .map(|i| i.number.as_str())
            .unwrap_or("")
    }

    fn balance(&self, index: usize) -> Decimal {
        self.invoices
            .get(index)
            .map(|i| i.balance)
            .unwrap_or_default()
    }

    fn customer_of(&self, index: usize) -> Uuid {
        self.invoices
            .get(index)
            .map(|i| i.customer_id)
            .unwrap_or_default()
    }

    fn id(&self, index: usize) -> Uuid {
        self.invoices.get(index).map(|i| i.id).unwrap_or_default()
    }

    /// `amount` spread over `indexes` in order, each up to its balance.
    fn pay(&self, indexes: &[usize], amount: Decimal) -> Vec<SuggestedInvoice> {
        let mut left = amount;
        let mut out = Vec::new();
        for &index in indexes {
            if left <= Decimal::ZERO {
                break;
            }
            let part = self.balance(index).min(left);
            out.push(SuggestedInvoice {
                invoice_id: self.id(index),
                amount: part,
            });
            left -= part;
        }
        out
    }

    /// Suggestions for `line`, most likely first.
    pub fn suggest(&self, line: &Incoming<'_>) -> Vec<Suggestion> {
        if line.amount <= Decimal::ZERO {
            return Vec::new();
        }
        let payers = self.payers(line);
        let text = [line.remark, line.reference]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let (exact, near) = self.named(&text, line.currency, line.amount);
        let mut suggestions = if exact.is_empty() && near.is_empty() {
            match self.by_statement(line, &payers, &text) {
                // The statement's customer; other payers' invoices stay in view.
                Some(quoted) => {
                    let mut found = vec![quoted];
                    let others: Vec<(Uuid, MatchReason)> = payers
                        .iter()
                        .filter(|(id, _)| *id != found[0].customer_id)
                        .cloned()
                        .collect();
                    found.extend(self.by_payer_and_amount(line, &others));
                    found
                }
                None => self.by_payer_and_amount(line, &payers),
            }
        } else {
            self.by_number(line, &payers, &exact, &near)
        };
        if suggestions.is_empty() && payers.is_empty() {
            suggestions.extend(self.by_amount_alone(line));
        }
        // Money keyed by hand already is offered as that payment, never as a second one.
        if let Some(keyed) = self.keyed_match(line, &suggestions, &payers) {
            return vec![keyed];
        }
        suggestions.sort_by_key(|s| std::cmp::Reverse(s.confidence));
        if let Some(second) = suggestions.get(1).map(|s| s.confidence)
            && suggestions
                .first()
                .is_some_and(|first| first.confidence == second)
        {
            let ties = suggestions
                .iter()
                .filter(|s| s.confidence == second)
                .count()
                - 1;
            let note = MatchReason::new(Code::SeveralCandidates, &[("count", &ties.to_string())]);
            for suggestion in suggestions.iter_mut().filter(|s| s.confidence == second) {
                // Below the lowest threshold too: a tie is never applied automatically.
                suggestion.confidence = (suggestion.confidence - Decimal::new(25, 2))
                    .clamp(Decimal::ZERO, Decimal::new(49, 2));
                suggestion.reasons.push(note.clone());
            }
        }
        suggestions.truncate(MAX_SUGGESTIONS);
        suggestions
    }

    fn by_number(
        &self,
        line: &Incoming<'_>,
        payers: &[(Uuid, MatchReason)],
        exact: &[usize],
        near: &[(usize, String)],
    ) -> Vec<Suggestion> {
        let mut customers: Vec<Uuid> = exact
            .iter()
            .copied()
            .chain(near.iter().map(|(i, _)| *i))
            .map(|i| self.customer_of(i))
            .collect();
        customers.sort_unstable();
        customers.dedup();
        let mut out = Vec::new();
        for customer in customers {
            let mut named: Vec<usize> = exact
                .iter()
                .copied()
                .chain(near.iter().map(|(i, _)| *i))
                .filter(|i| self.customer_of(*i) == customer)
                .collect();
            named.sort_unstable();
            let any_near = named.iter().any(|i| !exact.contains(i));
            let mut reasons: Vec<MatchReason> = named
                .iter()
                .map(|i| match near.iter().find(|(n, _)| n == i) {
                    Some((_, found)) => MatchReason::new(
                        Code::InvoiceNumberNear,
                        &[("number", self.number(*i)), ("found", found)],
                    ),
                    None => MatchReason::new(Code::InvoiceNumber, &[("number", self.number(*i))]),
                })
                .collect();
            let total: Decimal = named.iter().map(|i| self.balance(*i)).sum();
            let cents = |c: i64| Decimal::new(c, 2);
            let confidence = if line.amount == total {
                if named.len() > 1 {
                    reasons.push(MatchReason::new(
                        Code::AmountEqualsCombination,
                        &[("numbers", &self.numbers(&named))],
                    ));
                } else {
                    reasons.push(MatchReason::new(
                        Code::AmountEqualsInvoice,
                        &[("number", self.number(named[0]))],
                    ));
                }
                if any_near { cents(96) } else { cents(99) }
            } else if line.amount < total {
                let first = named[0];
                reasons.push(MatchReason::new(
                    Code::PartialPayment,
                    &[
                        ("number", self.number(first)),
                        ("amount", &line.amount.to_string()),
                        ("balance", &self.balance(first).to_string()),
                    ],
                ));
                match (named.len(), any_near) {
                    (1, false) => cents(93),
                    (1, true) => cents(85),
                    _ => cents(80),
                }
            } else {
                reasons.push(MatchReason::new(Code::OnAccount, &[]));
                cents(75)
            };
            let confidence = weigh_payer(customer, payers, &mut reasons, confidence);
            out.push(Suggestion {
                customer_id: customer,
                invoices: self.pay(&named, line.amount),
                payment_id: None,
                confidence,
                reasons,
            });
        }
        out
    }

    fn numbers(&self, indexes: &[usize]) -> String {
        indexes
            .iter()
            .map(|i| self.number(*i))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn by_payer_and_amount(
        &self,
        line: &Incoming<'_>,
        payers: &[(Uuid, MatchReason)],
    ) -> Vec<Suggestion> {
        let cents = |c: i64| Decimal::new(c, 2);
        // A payer name shared by several customers says less.
        let doubt = if payers.len() > 1 {
            cents(20)
        } else {
            Decimal::ZERO
        };
        let mut out = Vec::new();
        for (customer, payer_reason) in payers.iter().take(3) {
            let open = self.customer_open(*customer, line.currency);
            let suggestion =
                |invoices: &[usize], confidence: Decimal, reason: MatchReason| Suggestion {
                    customer_id: *customer,
                    invoices: self.pay(invoices, line.amount),
                    payment_id: None,
                    confidence: confidence - doubt,
                    reasons: vec![payer_reason.clone(), reason],
                };
            let equal: Vec<usize> = open
                .iter()
                .copied()
                .filter(|i| self.balance(*i) == line.amount)
                .collect();
            if let Some(&first) = equal.first() {
                let reason =
                    MatchReason::new(Code::AmountEqualsInvoice, &[("number", self.number(first))]);
                let confidence = if equal.len() == 1 {
                    cents(95)
                } else {
                    cents(70)
                };
                out.push(suggestion(&[first], confidence, reason));
                continue;
            }
            let total: Decimal = open.iter().map(|i| self.balance(*i)).sum();
            if !open.is_empty() && total == line.amount {
                let reason = MatchReason::new(
                    Code::AmountEqualsBalance,
                    &[("count", &open.len().to_string())],
                );
                out.push(suggestion(&open, cents(95), reason));
                continue;
            }
            let pool: Vec<usize> = open.iter().copied().take(COMBINATION_POOL).collect();
            let combinations = self.combinations(&pool, line.amount, 2);
            if let Some(found) = combinations.first() {
                let reason = MatchReason::new(
                    Code::AmountEqualsCombination,
                    &[("numbers", &self.numbers(found))],
                );
                let confidence = if combinations.len() == 1 {
                    cents(92)
                } else {
                    cents(65)
                };
                out.push(suggestion(found, confidence, reason));
                continue;
            }
            if !open.is_empty() {
                out.push(suggestion(
                    &open,
                    cents(50),
                    MatchReason::new(Code::OnAccount, &[]),
                ));
            }
        }
        out
    }

    /// Up to `limit` sets of 2 to [`COMBINATION_SIZE`] of `pool` whose balances add up to
    /// `amount` exactly, each in `pool`'s order.
    fn combinations(&self, pool: &[usize], amount: Decimal, limit: usize) -> Vec<Vec<usize>> {
        let mut found = Vec::new();
        let balances: Vec<Decimal> = pool.iter().map(|i| self.balance(*i)).collect();
        let mut chosen = Vec::with_capacity(COMBINATION_SIZE);
        search(&balances, 0, amount, &mut chosen, &mut found, limit);
        found
            .into_iter()
            .map(|set: Vec<usize>| set.into_iter().map(|k| pool[k]).collect())
            .collect()
    }

    fn by_amount_alone(&self, line: &Incoming<'_>) -> Option<Suggestion> {
        let found = self
            .by_amount
            .get(&(line.currency, money_key(line.amount)))?;
        let open: Vec<usize> = found
            .iter()
            .copied()
            .filter(|i| self.balance(*i) == line.amount)
            .collect();
        let [only] = open.as_slice() else {
            return None;
        };
        Some(Suggestion {
            customer_id: self.customer_of(*only),
            invoices: self.pay(&[*only], line.amount),
            payment_id: None,
            // Below the lowest threshold a company can set (0.50): an amount alone, from a
            // payer nobody knows, is a person's call.
            confidence: Decimal::new(45, 2),
            reasons: vec![MatchReason::new(
                Code::AmountUniqueInvoice,
                &[("number", self.number(*only))],
            )],
        })
    }

    fn keyed_match(
        &self,
        line: &Incoming<'_>,
        suggestions: &[Suggestion],
        payers: &[(Uuid, MatchReason)],
    ) -> Option<Suggestion> {
        let customers = suggestions
            .iter()
            .map(|s| s.customer_id)
            .chain(payers.iter().map(|(id, _)| *id));
        for customer in customers {
            let found = self.keyed.get(&customer).into_iter().flatten().find(|p| {
                p.amount == line.amount
                    && p.currency == line.currency
                    && (p.received_on - line.booked_on).num_days().abs() <= KEYED_PAYMENT_DAYS
            });
            if let Some(payment) = found {
                return Some(Suggestion {
                    customer_id: customer,
                    invoices: Vec::new(),
                    payment_id: Some(payment.id),
                    confidence: Decimal::new(90, 2),
                    reasons: vec![MatchReason::new(
                        Code::KeyedPayment,
                        &[("date", &payment.received_on.to_string())],
                    )],
                });
            }
        }
        None
    }
}

/// A suggestion's confidence once the payer is weighed: one point more when the payer is known
/// to pay for `customer` (its reason added), thirty less when the payer's account, or the
/// customer's own name, says someone else pays (a person should look); a learned personal
/// name alone is too weak to doubt it.
fn weigh_payer(
    customer: Uuid,
    payers: &[(Uuid, MatchReason)],
    reasons: &mut Vec<MatchReason>,
    confidence: Decimal,
) -> Decimal {
    let cents = |c: i64| Decimal::new(c, 2);
    match payers.iter().find(|(id, _)| *id == customer) {
        Some((_, reason)) => {
            reasons.push(reason.clone());
            (confidence + cents(1)).min(cents(99))
        }
        None if payers.iter().any(|(_, r)| r.code != Code::PayerNameKnown) => {
            confidence - cents(30)
        }
        None => confidence,
    }
}

/// Depth-first search over subsets of `balances` (from `start`), pruned when the sum passes
/// `left` (balances are positive).
fn search(
    balances: &[Decimal],
    start: usize,
    left: Decimal,
    chosen: &mut Vec<usize>,
    found: &mut Vec<Vec<usize>>,
    limit: usize,
) {
    if found.len() >= limit {
        return;
    }
    if left == Decimal::ZERO && chosen.len() >= 2 {
        found.push(chosen.clone());
        return;
    }
    if chosen.len() == COMBINATION_SIZE || left <= Decimal::ZERO {
        return;
    }
    for k in start..balances.len() {
        if balances[k] <= left {
            chosen.push(k);
            search(balances, k + 1, left - balances[k], chosen, found, limit);
            chosen.pop();
        }
    }
}

#[cfg(test)]
#[path = "matching_tests.rs"]
mod tests;
