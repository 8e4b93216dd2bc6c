//! A statement reference in the remark (对账单号, `ST00000042`): the customer quotes the
//! statement it pays, so the receipt is that customer's; the amount being the statement's
//! closing balance makes it sure. Exact, or one character off when that points at one
//! statement (among several, the one whose closing balance is the amount).

use super::{
    Book, Incoming, MIN_NEAR_LEN, deletions, normalize_number, one_edit_apart, tokens, weigh_payer,
};
use crate::cash::{MatchReason, MatchReasonCode as Code, Suggestion};
use crate::display::amount_string;
use crate::money::Currency;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// A statement sent to a customer, by the reference it is quoted with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentStatement {
    pub reference: String,
    pub customer_id: Uuid,
    pub currency: Currency,
    pub closing_balance: Decimal,
}

/// The statements sent, indexed by reference and by each one-character deletion of it.
#[derive(Debug, Default)]
pub(super) struct Statements {
    sent: Vec<SentStatement>,
    by_reference: HashMap<String, usize>,
    by_deletion: HashMap<String, Vec<usize>>,
}

impl Statements {
    fn new(sent: Vec<SentStatement>) -> Statements {
        let mut index = Statements::default();
        for (at, statement) in sent.iter().enumerate() {
            let reference = normalize_number(&statement.reference);
            if reference.len() >= MIN_NEAR_LEN {
                for variant in deletions(&reference) {
                    index.by_deletion.entry(variant).or_default().push(at);
                }
            }
            index.by_reference.insert(reference, at);
        }
        index.sent = sent;
        index
    }

    /// The statement in `currency` that `text` names, with what was written when it is one
    /// character off.
    fn named(
        &self,
        text: &str,
        currency: Currency,
        amount: Decimal,
    ) -> Option<(&SentStatement, Option<String>)> {
        let fits = |at: &usize| self.sent.get(*at).filter(|s| s.currency == currency);
        for token in tokens(text) {
            if let Some(found) = self.by_reference.get(&token).and_then(fits) {
                return Some((found, None));
            }
        }
        for token in tokens(text).filter(|t| t.len() >= MIN_NEAR_LEN) {
            let mut candidates: HashSet<usize> = HashSet::new();
            for variant in std::iter::once(token.clone()).chain(deletions(&token)) {
                candidates.extend(self.by_deletion.get(&variant).into_iter().flatten());
                candidates.extend(self.by_reference.get(&variant));
            }
            let mut hits: Vec<&SentStatement> = candidates
                .iter()
                .filter_map(fits)
                .filter(|s| one_edit_apart(&normalize_number(&s.reference), &token))
                .collect();
            // References run in sequence: a slip is near several, and only the amount tells.
            if hits.len() > 1 {
                hits.retain(|s| s.closing_balance == amount);
            }
            if let [only] = hits.as_slice() {
                return Some((only, Some(token)));
            }
        }
        None
    }
}

impl Book {
    /// The book, knowing the statements sent (by their references).
    pub fn with_statements(mut self, sent: Vec<SentStatement>) -> Book {
        self.statements = Statements::new(sent);
        self
    }

    /// The suggestion a statement reference in the line's text makes: its customer's open
    /// invoices, oldest first.
    pub(super) fn by_statement(
        &self,
        line: &Incoming<'_>,
        payers: &[(Uuid, MatchReason)],
        text: &str,
    ) -> Option<Suggestion> {
        let (statement, near) = self.statements.named(text, line.currency, line.amount)?;
        let reference = statement.reference.as_str();
        let mut reasons = vec![match &near {
            None => MatchReason::new(Code::StatementReference, &[("reference", reference)]),
            Some(found) => MatchReason::new(
                Code::StatementReferenceNear,
                &[("reference", reference), ("found", found)],
            ),
        }];
        let open = self.customer_open(statement.customer_id, line.currency);
        let open_total: Decimal = open.iter().map(|i| self.balance(*i)).sum();
        let cents = |c: i64| Decimal::new(c, 2);
        let confidence = if line.amount == statement.closing_balance && line.amount <= open_total {
            let amount = amount_string(line.amount, line.currency.code());
            reasons.push(MatchReason::new(
                Code::AmountEqualsStatement,
                &[("amount", &amount)],
            ));
            if near.is_some() { cents(94) } else { cents(97) }
        } else if !open.is_empty() && line.amount == open_total {
            reasons.push(MatchReason::new(
                Code::AmountEqualsBalance,
                &[("count", &open.len().to_string())],
            ));
            if near.is_some() { cents(92) } else { cents(95) }
        } else {
            // Paid in part, or more than is open now: oldest first, the rest as credit.
            reasons.push(MatchReason::new(Code::OnAccount, &[]));
            cents(75)
        };
        let confidence = weigh_payer(statement.customer_id, payers, &mut reasons, confidence);
        Some(Suggestion {
            customer_id: statement.customer_id,
            invoices: self.pay(&open, line.amount),
            payment_id: None,
            confidence,
            reasons,
        })
    }
}
