//! Invoices: line totals, the invoice total, and the lifecycle.
//!
//! Each line is rounded to the currency's minor unit (net, then tax on the rounded net), and the
//! invoice total is the sum of rounded lines, so the printed lines always add up to the printed
//! total, as 发票 and most tax authorities require.

use crate::money::{Currency, Money, MoneyError, max_amount};
use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// Lines on one invoice, at most.
pub const MAX_LINES: usize = 500;
/// Decimal places a quantity may have (weights and hours).
pub const QUANTITY_DECIMALS: u32 = 4;
/// Decimal places a unit price may have (unit prices below a cent are common in trade).
pub const UNIT_PRICE_DECIMALS: u32 = 6;
pub const MAX_DESCRIPTION_CHARS: usize = 500;

/// The statuses an open invoice has, as a SQL list: `('ISSUED', 'PARTIALLY_PAID')`, for
/// `concat!` in SQL constants. Every query that means "open" uses this or
/// [`OPEN_STATUSES_SQL`] (partial indexes in migrations spell the list out, as migrations are
/// history); a test keeps the list in step with [`InvoiceStatus::is_open`].
#[macro_export]
macro_rules! open_statuses {
    () => {
        "('ISSUED', 'PARTIALLY_PAID')"
    };
}

/// [`open_statuses!`] as a constant, for `format!` strings.
pub const OPEN_STATUSES_SQL: &str = open_statuses!();

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InvoiceStatus {
    Draft,
    Issued,
    PartiallyPaid,
    Paid,
    Void,
    WrittenOff,
}

impl InvoiceStatus {
    /// Fapiao are recorded for an invoice once issued, whatever its payments, never for a
    /// draft or a voided one.
    pub const fn takes_fapiao(self) -> bool {
        !matches!(self, InvoiceStatus::Draft | InvoiceStatus::Void)
    }

    /// An invoice goes to its customer once issued, paid or not (a copy for their books),
    /// never as a draft or once voided.
    pub const fn is_sendable(self) -> bool {
        !matches!(self, InvoiceStatus::Draft | InvoiceStatus::Void)
    }

    pub const ALL: [InvoiceStatus; 6] = [
        InvoiceStatus::Draft,
        InvoiceStatus::Issued,
        InvoiceStatus::PartiallyPaid,
        InvoiceStatus::Paid,
        InvoiceStatus::Void,
        InvoiceStatus::WrittenOff,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Draft => "DRAFT",
            InvoiceStatus::Issued => "ISSUED",
            InvoiceStatus::PartiallyPaid => "PARTIALLY_PAID",
            InvoiceStatus::Paid => "PAID",
            InvoiceStatus::Void => "VOID",
            InvoiceStatus::WrittenOff => "WRITTEN_OFF",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == value)
    }

    /// The statuses [`Self::is_open`] holds for, as a SQL list for `status IN …`.
    pub const OPEN_SQL: &'static str = OPEN_STATUSES_SQL;

    /// Issued and not yet settled: counts towards balances, aging and credit exposure.
    pub const fn is_open(self) -> bool {
        matches!(self, InvoiceStatus::Issued | InvoiceStatus::PartiallyPaid)
    }

    /// The status of an issued invoice that has `settled` of its `total` paid or credited.
    pub fn from_settlement(total: Decimal, settled: Decimal) -> Self {
        if settled <= Decimal::ZERO {
            InvoiceStatus::Issued
        } else if settled >= total {
            InvoiceStatus::Paid
        } else {
            InvoiceStatus::PartiallyPaid
        }
    }
}

/// What can be done to an invoice; each is allowed from some statuses only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvoiceAction {
    /// Changing a draft's number, dates, currency, lines or notes.
    Edit,
    /// Giving a draft its number and sending it out.
    Issue,
    /// Cancelling an invoice nothing has been paid or credited on.
    Void,
    /// Writing the open balance off as bad debt.
    WriteOff,
    /// Recording that the customer disputes part of the balance.
    Dispute,
    /// Reducing the balance with a credit note.
    Credit,
    /// Replacing the installment plan.
    PlanInstallments,
}

impl InvoiceStatus {
    /// Whether `action` may be done to an invoice in this status. Voiding also needs that no
    /// payment or credit note has touched the invoice, which the status alone does not say.
    pub const fn allows(self, action: InvoiceAction) -> bool {
        match action {
            InvoiceAction::Edit | InvoiceAction::Issue => matches!(self, InvoiceStatus::Draft),
            InvoiceAction::Void => matches!(self, InvoiceStatus::Draft | InvoiceStatus::Issued),
            InvoiceAction::WriteOff | InvoiceAction::Dispute | InvoiceAction::Credit => {
                self.is_open()
            }
            InvoiceAction::PlanInstallments => {
                self.is_open() || matches!(self, InvoiceStatus::Draft)
            }
        }
    }
}

// No doc comments on the two dispute enums: under the `graphql` feature they are the API's
// `DisputeStatus` and `DisputeOutcome`, and a doc comment would become a schema description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DisputeStatus {
    Open,
    Resolved,
    Rejected,
}

impl DisputeStatus {
    pub const ALL: [DisputeStatus; 3] = [
        DisputeStatus::Open,
        DisputeStatus::Resolved,
        DisputeStatus::Rejected,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            DisputeStatus::Open => "OPEN",
            DisputeStatus::Resolved => "RESOLVED",
            DisputeStatus::Rejected => "REJECTED",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DisputeOutcome {
    Resolved,
    Rejected,
}

impl DisputeOutcome {
    /// The status a dispute closed with this outcome has.
    pub const fn status(self) -> DisputeStatus {
        match self {
            DisputeOutcome::Resolved => DisputeStatus::Resolved,
            DisputeOutcome::Rejected => DisputeStatus::Rejected,
        }
    }
}

/// What the customer disputes, for the queue and its reports; the dispute's `reason` stays the
/// team's own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DisputeReason {
    Price,
    Quantity,
    Quality,
    NotReceived,
    Duplicate,
    AlreadyPaid,
    Terms,
    #[default]
    Other,
}

impl DisputeReason {
    pub const ALL: [DisputeReason; 8] = [
        DisputeReason::Price,
        DisputeReason::Quantity,
        DisputeReason::Quality,
        DisputeReason::NotReceived,
        DisputeReason::Duplicate,
        DisputeReason::AlreadyPaid,
        DisputeReason::Terms,
        DisputeReason::Other,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            DisputeReason::Price => "PRICE",
            DisputeReason::Quantity => "QUANTITY",
            DisputeReason::Quality => "QUALITY",
            DisputeReason::NotReceived => "NOT_RECEIVED",
            DisputeReason::Duplicate => "DUPLICATE",
            DisputeReason::AlreadyPaid => "ALREADY_PAID",
            DisputeReason::Terms => "TERMS",
            DisputeReason::Other => "OTHER",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|reason| reason.as_str() == value)
    }
}

/// Installments in one plan, at most.
pub const MAX_INSTALLMENTS: usize = 60;

/// What is wrong with an installment plan.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstallmentError {
    /// The installment at this zero-based index is due before the issue date, or not after the
    /// one before it.
    #[error(
        "due dates must be on or after the issue date and increase from one installment to the next"
    )]
    DueDate(usize),
    #[error("give 2 to {MAX_INSTALLMENTS} installments, or none to remove the plan")]
    Count,
    #[error(
        "the installments add up to {} but the invoice total is {} {currency}",
        .sum.normalize(),
        .total.normalize()
    )]
    Sum {
        sum: Decimal,
        total: Decimal,
        currency: Currency,
    },
}

/// `total` split into `count` equal parts with `places` decimals, the remainder on the last
/// (100.00 in three is 33.33, 33.33 and 33.34): the web app's proposal for a plan.
pub fn split_evenly(total: Decimal, count: usize, places: u32) -> Vec<Decimal> {
    if count == 0 {
        return Vec::new();
    }
    let part = (total / Decimal::from(count as u64))
        .round_dp_with_strategy(places, RoundingStrategy::ToZero);
    let mut parts = vec![part; count];
    parts[count - 1] = total - part * Decimal::from((count - 1) as u64);
    parts
}

/// An installment plan built one installment at a time, in the order they fall due, so each
/// is checked as it is read: due dates on or after the issue date and increasing; then 2 to
/// [`MAX_INSTALLMENTS`] installments adding up to the invoice total, or none (no plan).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallmentPlan {
    issue_date: NaiveDate,
    parts: Vec<(NaiveDate, Decimal)>,
}

impl InstallmentPlan {
    pub fn new(issue_date: NaiveDate) -> Self {
        InstallmentPlan {
            issue_date,
            parts: Vec::new(),
        }
    }

    /// Adds the next installment.
    pub fn push(&mut self, due_date: NaiveDate, amount: Decimal) -> Result<(), InstallmentError> {
        let previous = self.parts.last().map(|(due, _)| *due);
        if due_date < self.issue_date || previous.is_some_and(|p| due_date <= p) {
            return Err(InstallmentError::DueDate(self.parts.len()));
        }
        self.parts.push((due_date, amount));
        Ok(())
    }

    /// The installments, once their count and sum are right for an invoice of `total`.
    pub fn finish(
        self,
        total: Decimal,
        currency: Currency,
    ) -> Result<Vec<(NaiveDate, Decimal)>, InstallmentError> {
        if self.parts.len() == 1 || self.parts.len() > MAX_INSTALLMENTS {
            return Err(InstallmentError::Count);
        }
        let sum: Decimal = self.parts.iter().map(|(_, amount)| *amount).sum();
        if !self.parts.is_empty() && sum != total {
            return Err(InstallmentError::Sum {
                sum,
                total,
                currency,
            });
        }
        Ok(self.parts)
    }
}

/// A line as entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineInput {
    pub description: String,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    /// A fraction: 0.13 is 13 % VAT.
    pub tax_rate: Decimal,
}

/// A line with its computed amounts, in the invoice currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricedLine {
    pub description: String,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub tax_rate: Decimal,
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub subtotal: Money,
    pub tax: Money,
    pub total: Money,
}

/// What is wrong with a line, with its zero-based index.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("an invoice needs at least one line")]
    NoLines,
    #[error("an invoice has at most {MAX_LINES} lines")]
    TooManyLines,
    #[error("line {}: the description is empty or longer than {MAX_DESCRIPTION_CHARS} characters", .0 + 1)]
    Description(usize),
    #[error("line {}: the quantity must be above zero with at most {QUANTITY_DECIMALS} decimals", .0 + 1)]
    Quantity(usize),
    #[error("line {}: the unit price must not be negative and has at most {UNIT_PRICE_DECIMALS} decimals", .0 + 1)]
    UnitPrice(usize),
    #[error("line {}: the tax rate must be a fraction from 0 to 1 with at most 4 decimals (0.13 is 13 %)", .0 + 1)]
    TaxRate(usize),
    #[error("line {}: the amount is too large (at most 100 trillion)", .0 + 1)]
    TooLarge(usize),
    #[error("the invoice total must be above zero")]
    ZeroTotal,
    #[error(transparent)]
    Money(#[from] MoneyError),
}

impl LineError {
    /// The input field the error belongs to, for `extensions.field`.
    pub fn field(&self) -> String {
        match self {
            LineError::Description(index) => format!("lines[{index}].description"),
            LineError::Quantity(index) => format!("lines[{index}].quantity"),
            LineError::UnitPrice(index) => format!("lines[{index}].unitPrice"),
            LineError::TaxRate(index) => format!("lines[{index}].taxRate"),
            LineError::TooLarge(index) => format!("lines[{index}].unitPrice"),
            _ => "lines".to_owned(),
        }
    }
}

fn round(amount: Decimal, currency: Currency) -> Decimal {
    amount.round_dp_with_strategy(
        currency.minor_units(),
        RoundingStrategy::MidpointAwayFromZero,
    )
}

/// Validates and prices lines; the totals are the sums of the rounded lines.
pub fn price_lines(
    lines: &[LineInput],
    currency: Currency,
) -> Result<(Vec<PricedLine>, Totals), LineError> {
    if lines.is_empty() {
        return Err(LineError::NoLines);
    }
    if lines.len() > MAX_LINES {
        return Err(LineError::TooManyLines);
    }
    let mut priced = Vec::with_capacity(lines.len());
    let (mut subtotal, mut tax_total) = (Decimal::ZERO, Decimal::ZERO);
    for (index, line) in lines.iter().enumerate() {
        let description = line.description.trim();
        if description.is_empty() || description.chars().count() > MAX_DESCRIPTION_CHARS {
            return Err(LineError::Description(index));
        }
        if line.quantity <= Decimal::ZERO || line.quantity.normalize().scale() > QUANTITY_DECIMALS {
            return Err(LineError::Quantity(index));
        }
        if line.unit_price.is_sign_negative()
            || line.unit_price.normalize().scale() > UNIT_PRICE_DECIMALS
        {
            return Err(LineError::UnitPrice(index));
        }
        if line.tax_rate.is_sign_negative()
            || line.tax_rate > Decimal::ONE
            || line.tax_rate.normalize().scale() > 4
        {
            return Err(LineError::TaxRate(index));
        }
        if line.quantity >= max_amount() || line.unit_price >= max_amount() {
            return Err(LineError::TooLarge(index));
        }
        let net = line
            .quantity
            .checked_mul(line.unit_price)
            .map(|net| round(net, currency))
            .ok_or(MoneyError::Overflow)?;
        let tax = round(
            net.checked_mul(line.tax_rate).ok_or(MoneyError::Overflow)?,
            currency,
        );
        let total = net.checked_add(tax).ok_or(MoneyError::Overflow)?;
        if total >= max_amount() {
            return Err(LineError::TooLarge(index));
        }
        subtotal = subtotal.checked_add(net).ok_or(MoneyError::Overflow)?;
        tax_total = tax_total.checked_add(tax).ok_or(MoneyError::Overflow)?;
        priced.push(PricedLine {
            description: description.to_owned(),
            quantity: line.quantity.normalize(),
            unit_price: line.unit_price.normalize(),
            tax_rate: line.tax_rate.normalize(),
            net,
            tax,
            total,
        });
    }
    let total = subtotal
        .checked_add(tax_total)
        .ok_or(MoneyError::Overflow)?;
    if total <= Decimal::ZERO {
        return Err(LineError::ZeroTotal);
    }
    if total >= max_amount() {
        return Err(LineError::TooLarge(lines.len() - 1));
    }
    Ok((
        priced,
        Totals {
            subtotal: Money::new(subtotal, currency),
            tax: Money::new(tax_total, currency),
            total: Money::new(total, currency),
        },
    ))
}

/// Formats an invoice number from the tenant's prefix and sequence value: `INV-000042`.
pub fn format_number(prefix: &str, value: i64) -> String {
    format!("{prefix}{value:06}")
}

/// What a person may type as an invoice number: 1 to 40 letters, digits, `-`, `/`, `_` or `.`.
pub fn valid_number(number: &str) -> bool {
    !number.is_empty()
        && number.len() <= 40
        && number
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '_' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sql_list_of_open_statuses_is_the_rule() {
        let listed = InvoiceStatus::ALL
            .into_iter()
            .filter(|status| status.is_open())
            .map(|status| format!("'{}'", status.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        assert_eq!(InvoiceStatus::OPEN_SQL, format!("({listed})"));
    }
    use proptest::prelude::*;

    fn dec(value: &str) -> Decimal {
        value.parse().unwrap()
    }

    fn line(quantity: &str, unit_price: &str, tax_rate: &str) -> LineInput {
        LineInput {
            description: "Steel coil".to_owned(),
            quantity: dec(quantity),
            unit_price: dec(unit_price),
            tax_rate: dec(tax_rate),
        }
    }

    #[test]
    fn lines_round_each_then_add_up_to_the_total() {
        let (lines, totals) = price_lines(
            &[line("3", "33.335", "0.13"), line("1", "0.005", "0")],
            Currency::CNY,
        )
        .unwrap();
        // 3 x 33.335 = 100.005 -> 100.01; 13 % of it = 13.0013 -> 13.00.
        assert_eq!(lines[0].net, dec("100.01"));
        assert_eq!(lines[0].tax, dec("13.00"));
        assert_eq!(lines[0].total, dec("113.01"));
        assert_eq!(lines[1].net, dec("0.01"));
        assert_eq!(totals.subtotal.amount, dec("100.02"));
        assert_eq!(totals.tax.amount, dec("13.00"));
        assert_eq!(totals.total.amount, dec("113.02"));
    }

    #[test]
    fn yen_has_no_minor_unit() {
        let (_, totals) = price_lines(&[line("3", "333.5", "0.1")], Currency::JPY).unwrap();
        assert_eq!(totals.subtotal.amount, dec("1001"));
        assert_eq!(totals.tax.amount, dec("100"));
        assert_eq!(totals.total.amount, dec("1101"));
    }

    #[test]
    fn bad_lines_name_their_line_and_field() {
        let cases = [
            (line("0", "1", "0"), "lines[0].quantity"),
            (line("1.00001", "1", "0"), "lines[0].quantity"),
            (line("1", "-1", "0"), "lines[0].unitPrice"),
            (line("1", "1", "1.5"), "lines[0].taxRate"),
            (line("1", "1", "-0.1"), "lines[0].taxRate"),
            (line("1", "1", "0.12345"), "lines[0].taxRate"),
            (line("1", "100000000000000", "0"), "lines[0].unitPrice"),
        ];
        for (bad, field) in cases {
            let error = price_lines(&[bad], Currency::CNY).unwrap_err();
            assert_eq!(error.field(), field, "{error}");
        }
        let blank = LineInput {
            description: "  ".to_owned(),
            ..line("1", "1", "0")
        };
        let error = price_lines(&[line("1", "1", "0"), blank], Currency::CNY).unwrap_err();
        assert_eq!(error.field(), "lines[1].description");
        assert!(error.to_string().starts_with("line 2:"), "{error}");
        assert_eq!(price_lines(&[], Currency::CNY), Err(LineError::NoLines));
        assert_eq!(
            price_lines(&[line("1", "0", "0")], Currency::CNY),
            Err(LineError::ZeroTotal)
        );
    }

    #[test]
    fn status_follows_what_is_settled() {
        let total = dec("100");
        assert_eq!(
            InvoiceStatus::from_settlement(total, dec("0")),
            InvoiceStatus::Issued
        );
        assert_eq!(
            InvoiceStatus::from_settlement(total, dec("0.01")),
            InvoiceStatus::PartiallyPaid
        );
        assert_eq!(
            InvoiceStatus::from_settlement(total, dec("100")),
            InvoiceStatus::Paid
        );
        for status in InvoiceStatus::ALL {
            assert_eq!(InvoiceStatus::parse(status.as_str()), Some(status));
        }
    }

    #[test]
    fn each_action_is_allowed_from_its_statuses_only() {
        use InvoiceStatus::{Draft, Issued, PartiallyPaid};
        let allowed = |action: InvoiceAction| -> Vec<InvoiceStatus> {
            InvoiceStatus::ALL
                .into_iter()
                .filter(|status| status.allows(action))
                .collect()
        };
        assert_eq!(allowed(InvoiceAction::Edit), [Draft]);
        assert_eq!(allowed(InvoiceAction::Issue), [Draft]);
        assert_eq!(allowed(InvoiceAction::Void), [Draft, Issued]);
        assert_eq!(allowed(InvoiceAction::WriteOff), [Issued, PartiallyPaid]);
        assert_eq!(allowed(InvoiceAction::Dispute), [Issued, PartiallyPaid]);
        assert_eq!(allowed(InvoiceAction::Credit), [Issued, PartiallyPaid]);
        assert_eq!(
            allowed(InvoiceAction::PlanInstallments),
            [Draft, Issued, PartiallyPaid]
        );
    }

    #[test]
    fn dispute_statuses_read_back_and_outcomes_close_them() {
        for status in DisputeStatus::ALL {
            assert_eq!(DisputeStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(DisputeStatus::parse("open"), None);
        assert_eq!(DisputeOutcome::Resolved.status(), DisputeStatus::Resolved);
        assert_eq!(DisputeOutcome::Rejected.status(), DisputeStatus::Rejected);
    }

    #[test]
    fn dispute_reasons_read_back_as_stored_and_default_to_other() {
        for reason in DisputeReason::ALL {
            assert_eq!(DisputeReason::parse(reason.as_str()), Some(reason));
            // The API and stored commands spell it as the database does.
            assert_eq!(
                serde_json::to_value(reason).unwrap(),
                serde_json::Value::String(reason.as_str().to_owned())
            );
        }
        assert_eq!(DisputeReason::parse("price"), None);
        assert_eq!(DisputeReason::default(), DisputeReason::Other);
    }

    fn day(value: &str) -> NaiveDate {
        value.parse().unwrap()
    }

    #[test]
    fn installments_fall_due_in_order_from_the_issue_date() {
        let mut plan = InstallmentPlan::new(day("2026-03-01"));
        assert_eq!(
            plan.push(day("2026-02-28"), dec("10")),
            Err(InstallmentError::DueDate(0))
        );
        plan.push(day("2026-03-01"), dec("40")).unwrap();
        assert_eq!(
            plan.push(day("2026-03-01"), dec("60")),
            Err(InstallmentError::DueDate(1))
        );
        plan.push(day("2026-04-01"), dec("60")).unwrap();
        assert_eq!(
            plan.finish(dec("100"), Currency::CNY),
            Ok(vec![
                (day("2026-03-01"), dec("40")),
                (day("2026-04-01"), dec("60"))
            ])
        );
    }

    #[test]
    fn a_plan_has_two_to_sixty_installments_adding_up_to_the_total_or_none() {
        let issued = day("2026-01-01");
        assert_eq!(
            InstallmentPlan::new(issued).finish(dec("100"), Currency::CNY),
            Ok(Vec::new())
        );
        let mut one = InstallmentPlan::new(issued);
        one.push(issued, dec("100")).unwrap();
        let error = one.finish(dec("100"), Currency::CNY).unwrap_err();
        assert_eq!(error, InstallmentError::Count);
        assert_eq!(
            error.to_string(),
            "give 2 to 60 installments, or none to remove the plan"
        );
        let mut many = InstallmentPlan::new(issued);
        for offset in 0..61 {
            many.push(issued + chrono::Days::new(offset), dec("1"))
                .unwrap();
        }
        assert_eq!(
            many.finish(dec("61"), Currency::CNY),
            Err(InstallmentError::Count)
        );
        let mut short = InstallmentPlan::new(issued);
        short.push(issued, dec("40.50")).unwrap();
        short.push(day("2026-02-01"), dec("50")).unwrap();
        let error = short.finish(dec("100.00"), Currency::CNY).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the installments add up to 90.5 but the invoice total is 100 CNY"
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(format_number("INV-", 42), "INV-000042");
        assert_eq!(format_number("", 1234567), "1234567");
        assert!(valid_number("2026/INV-0001"));
        assert!(!valid_number("INV 1"));
        assert!(!valid_number(""));
    }

    proptest! {
        #[test]
        fn the_total_is_always_the_sum_of_the_rounded_lines(
            raw in proptest::collection::vec((100u32..10_000, 10_000u64..10_000_000, 0u32..=25), 1..20)
        ) {
            let lines: Vec<LineInput> = raw
                .iter()
                .map(|(quantity, price_micros, tax_percent)| LineInput {
                    description: "Item".to_owned(),
                    quantity: Decimal::new(i64::from(*quantity), 2),
                    unit_price: Decimal::new(*price_micros as i64, 6),
                    tax_rate: Decimal::new(i64::from(*tax_percent), 2),
                })
                .collect();
            let (priced, totals) = price_lines(&lines, Currency::CNY).unwrap();
            let sum: Decimal = priced.iter().map(|line| line.total).sum();
            prop_assert_eq!(sum, totals.total.amount);
            prop_assert_eq!(totals.subtotal.amount + totals.tax.amount, totals.total.amount);
            for line in &priced {
                prop_assert!(line.net.scale() <= 2 && line.tax.scale() <= 2);
            }
        }
    }

    #[test]
    fn an_even_split_puts_the_remainder_on_the_last_installment() {
        let parts = split_evenly(Decimal::new(10000, 2), 3, 2);
        assert_eq!(
            parts,
            [
                Decimal::new(3333, 2),
                Decimal::new(3333, 2),
                Decimal::new(3334, 2)
            ]
        );
        assert_eq!(parts.iter().sum::<Decimal>(), Decimal::new(10000, 2));
        assert!(split_evenly(Decimal::ONE, 0, 2).is_empty());
    }
}

string_enum!(CreditNoteStatus {
    PendingApproval => "PENDING_APPROVAL",
    Issued => "ISSUED",
    Cancelled => "CANCELLED",
});
