//! Cash application (收款核销): what a bank line is, the key that keeps it from being counted
//! twice, and the suggestions matching makes for it, with reasons a person can read.
//!
//! Matching itself is in [`matching`]: pure, over the company's open invoices, its customers,
//! the payers it has learned and the payments keyed by hand. The server stores its
//! suggestions; the web app shows them and applies one.

pub mod matching;

use crate::Locale;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

string_enum!(BankTransactionStatus {
    Unmatched => "UNMATCHED",
    Suggested => "SUGGESTED",
    Applied => "APPLIED",
    Ignored => "IGNORED",
});

string_enum!(BankDirection {
    In => "IN",
    Out => "OUT",
});

string_enum!(StatementFormat {
    Csv => "CSV",
    Xls => "XLS",
    Xlsx => "XLSX",
    Camt053 => "CAMT053",
    Mt940 => "MT940",
});

string_enum!(MatchStatus {
    Queued => "QUEUED",
    Running => "RUNNING",
    Done => "DONE",
});

string_enum!(MatchReasonCode {
    InvoiceNumber => "INVOICE_NUMBER",
    InvoiceNumberNear => "INVOICE_NUMBER_NEAR",
    PayerAccountKnown => "PAYER_ACCOUNT_KNOWN",
    PayerNameKnown => "PAYER_NAME_KNOWN",
    PayerIsCustomer => "PAYER_IS_CUSTOMER",
    AmountEqualsInvoice => "AMOUNT_EQUALS_INVOICE",
    AmountEqualsBalance => "AMOUNT_EQUALS_BALANCE",
    AmountEqualsCombination => "AMOUNT_EQUALS_COMBINATION",
    PartialPayment => "PARTIAL_PAYMENT",
    AmountUniqueInvoice => "AMOUNT_UNIQUE_INVOICE",
    KeyedPayment => "KEYED_PAYMENT",
    OnAccount => "ON_ACCOUNT",
    SeveralCandidates => "SEVERAL_CANDIDATES",
    StatementReference => "STATEMENT_REFERENCE",
    StatementReferenceNear => "STATEMENT_REFERENCE_NEAR",
    AmountEqualsStatement => "AMOUNT_EQUALS_STATEMENT",
});

/// Why a suggestion was made: a code and its parameters, turned into words in the reader's
/// language by [`MatchReason::message`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchReason {
    pub code: MatchReasonCode,
    pub params: BTreeMap<String, String>,
}

impl MatchReason {
    pub fn new(code: MatchReasonCode, params: &[(&str, &str)]) -> Self {
        MatchReason {
            code,
            params: params
                .iter()
                .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
                .collect(),
        }
    }

    fn param(&self, key: &str) -> &str {
        self.params.get(key).map(String::as_str).unwrap_or("")
    }

    /// The reason in words, in `locale`.
    pub fn message(&self, locale: Locale) -> String {
        use MatchReasonCode as C;
        let p = |key| self.param(key);
        match (self.code, locale) {
            (C::InvoiceNumber, Locale::En) => format!("The remark names invoice {}.", p("number")),
            (C::InvoiceNumber, Locale::ZhCn) => format!("附言中写有发票号 {}。", p("number")),
            (C::InvoiceNumberNear, Locale::En) => format!(
                "The remark has {}, one character off invoice {}.",
                p("found"),
                p("number")
            ),
            (C::InvoiceNumberNear, Locale::ZhCn) => format!(
                "附言中的 {} 与发票号 {} 仅差一个字符。",
                p("found"),
                p("number")
            ),
            (C::PayerAccountKnown, Locale::En) => {
                format!("Account {} paid for this customer before.", p("account"))
            }
            (C::PayerAccountKnown, Locale::ZhCn) => {
                format!("付款账号 {} 曾为该客户付款。", p("account"))
            }
            (C::PayerNameKnown, Locale::En) => {
                format!("{} paid for this customer before.", p("name"))
            }
            (C::PayerNameKnown, Locale::ZhCn) => format!("付款人 {} 曾为该客户付款。", p("name")),
            (C::PayerIsCustomer, Locale::En) => {
                format!("The payer's name is the customer's: {}.", p("name"))
            }
            (C::PayerIsCustomer, Locale::ZhCn) => {
                format!("付款人名称与客户名称一致：{}。", p("name"))
            }
            (C::AmountEqualsInvoice, Locale::En) => {
                format!("The amount equals the balance of invoice {}.", p("number"))
            }
            (C::AmountEqualsInvoice, Locale::ZhCn) => {
                format!("金额等于发票 {} 的未收余额。", p("number"))
            }
            (C::AmountEqualsBalance, Locale::En) => format!(
                "The amount equals the customer's whole open balance ({} invoices).",
                p("count")
            ),
            (C::AmountEqualsBalance, Locale::ZhCn) => {
                format!("金额等于该客户全部未收余额（{} 张发票）。", p("count"))
            }
            (C::AmountEqualsCombination, Locale::En) => {
                format!("The amount equals invoices {} together.", p("numbers"))
            }
            (C::AmountEqualsCombination, Locale::ZhCn) => {
                format!("金额等于发票 {} 的合计。", p("numbers"))
            }
            (C::PartialPayment, Locale::En) => format!(
                "A part payment: {} of the {} open on invoice {}.",
                p("amount"),
                p("balance"),
                p("number")
            ),
            (C::PartialPayment, Locale::ZhCn) => format!(
                "部分付款：发票 {} 未收 {}，本笔 {}。",
                p("number"),
                p("balance"),
                p("amount")
            ),
            (C::AmountUniqueInvoice, Locale::En) => format!(
                "Only invoice {} has this balance, but nothing names the payer.",
                p("number")
            ),
            (C::AmountUniqueInvoice, Locale::ZhCn) => {
                format!(
                    "仅发票 {} 的余额与金额一致，但无法确认付款人。",
                    p("number")
                )
            }
            (C::KeyedPayment, Locale::En) => format!(
                "A payment of this amount was keyed by hand on {}: link it rather than record it twice.",
                p("date")
            ),
            (C::KeyedPayment, Locale::ZhCn) => {
                format!(
                    "{} 已手工录入一笔相同金额的收款：请关联，勿重复入账。",
                    p("date")
                )
            }
            (C::OnAccount, Locale::En) => {
                "No invoice fits the amount: oldest invoices first, the rest kept as credit."
                    .to_owned()
            }
            (C::OnAccount, Locale::ZhCn) => {
                "没有与金额相符的发票：按账龄从早到晚冲抵，余额留作预收。".to_owned()
            }
            (C::StatementReference, Locale::En) => format!(
                "The remark names statement {}, sent to this customer.",
                p("reference")
            ),
            (C::StatementReference, Locale::ZhCn) => {
                format!("附言中写有发给该客户的对账单号 {}。", p("reference"))
            }
            (C::StatementReferenceNear, Locale::En) => format!(
                "The remark has {}, one character off statement {}.",
                p("found"),
                p("reference")
            ),
            (C::StatementReferenceNear, Locale::ZhCn) => format!(
                "附言中的 {} 与对账单号 {} 仅差一个字符。",
                p("found"),
                p("reference")
            ),
            (C::AmountEqualsStatement, Locale::En) => format!(
                "The amount equals the statement's closing balance, {}.",
                p("amount")
            ),
            (C::AmountEqualsStatement, Locale::ZhCn) => {
                format!("金额等于该对账单的期末余额 {}。", p("amount"))
            }
            (C::SeveralCandidates, Locale::En) => format!(
                "{} other matches are as likely: check before applying.",
                p("count")
            ),
            (C::SeveralCandidates, Locale::ZhCn) => {
                format!("另有 {} 个同样可能的匹配：请核对后再核销。", p("count"))
            }
        }
    }
}

/// One invoice a suggestion pays, and how much of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestedInvoice {
    pub invoice_id: Uuid,
    pub amount: Decimal,
}

/// What a line could be: a payment of `customer_id` paying `invoices` (the rest the customer's
/// credit), or, when `payment_id` is set, that payment keyed by hand already.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub customer_id: Uuid,
    pub invoices: Vec<SuggestedInvoice>,
    pub payment_id: Option<Uuid>,
    /// 0.00 to 1.00, two places.
    pub confidence: Decimal,
    pub reasons: Vec<MatchReason>,
}

/// The lowest and highest auto-apply threshold a company may set.
pub fn auto_apply_bounds() -> (Decimal, Decimal) {
    (Decimal::new(50, 2), Decimal::ONE)
}

/// The text a line is known by when the bank gives no id of its own: account, booking date,
/// amount, reference and remark, and its position among identical lines of its file (so two
/// identical transfers on one day are two lines, and a re-import of the same file adds none).
/// With the bank's id, that id alone (per account) is the key.
pub fn fingerprint_source(
    account: &str,
    bank_ref: Option<&str>,
    booked_on: chrono::NaiveDate,
    amount: Decimal,
    reference: Option<&str>,
    remark: Option<&str>,
    ordinal: usize,
) -> String {
    match bank_ref.map(str::trim).filter(|r| !r.is_empty()) {
        Some(bank_ref) => format!("bank|{account}|{bank_ref}"),
        None => format!(
            "line|{account}|{booked_on}|{}|{}|{}|{ordinal}",
            amount.normalize(),
            reference.unwrap_or("").trim(),
            remark.unwrap_or("").trim(),
        ),
    }
}

/// The fingerprint sources of a file's lines, in order, each line's ordinal counted among the
/// lines before it with the same key.
pub fn fingerprint_sources<'a>(
    account: &str,
    lines: impl IntoIterator<
        Item = (
            Option<&'a str>,
            chrono::NaiveDate,
            Decimal,
            Option<&'a str>,
            Option<&'a str>,
        ),
    >,
) -> Vec<String> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    lines
        .into_iter()
        .map(|(bank_ref, booked_on, amount, reference, remark)| {
            let base =
                fingerprint_source(account, bank_ref, booked_on, amount, reference, remark, 0);
            let ordinal = seen.entry(base).or_insert(0);
            let source = fingerprint_source(
                account, bank_ref, booked_on, amount, reference, remark, *ordinal,
            );
            *ordinal += 1;
            source
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn identical_lines_differ_by_position_and_a_bank_id_is_the_key() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        let same = (None, day, Decimal::from(100), Some("R1"), Some("货款"));
        let sources = fingerprint_sources(
            "6222",
            [same, same, (Some("B-9"), day, Decimal::from(5), None, None)],
        );
        assert_eq!(sources.len(), 3);
        assert_ne!(sources[0], sources[1]);
        assert_eq!(sources[2], "bank|6222|B-9");
        // The same file again gives the same keys.
        assert_eq!(
            sources,
            fingerprint_sources(
                "6222",
                [same, same, (Some("B-9"), day, Decimal::from(5), None, None)]
            )
        );
    }

    #[test]
    fn every_reason_reads_in_both_languages() {
        for code in MatchReasonCode::ALL {
            let reason = MatchReason::new(*code, &[("number", "INV-1"), ("count", "2")]);
            assert!(!reason.message(Locale::En).is_empty());
            assert!(!reason.message(Locale::ZhCn).is_empty());
        }
    }
}
