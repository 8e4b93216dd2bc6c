//! A statement as a PDF, drawn with the primitives of `crate::pdf`.

use super::store::StatementData;
use crate::pdf::{
    MARGIN, PAGE_HEIGHT, PAGE_WIDTH, ROW, amount, assemble, number_pages, right, rule, text,
};
use domain::Locale;
use domain::display::amount_string as amount_text;
use domain::statement::EntryKind;
use rust_decimal::Decimal;

struct Labels {
    title: &'static str,
    period: &'static str,
    currency: &'static str,
    opening: &'static str,
    closing: &'static str,
    columns: [&'static str; 6],
    aging: &'static str,
    buckets: [&'static str; 5],
    open_invoices: &'static str,
    page: &'static str,
}

fn labels(locale: Locale) -> Labels {
    match locale {
        Locale::ZhCn => Labels {
            title: "对账单",
            period: "期间",
            currency: "币种",
            opening: "期初余额",
            closing: "期末余额",
            columns: ["日期", "类型", "单号 / 参考号", "借方", "贷方", "余额"],
            aging: "期末账龄",
            buckets: ["未到期", "1-30 天", "31-60 天", "61-90 天", "90 天以上"],
            open_invoices: "期末未结发票",
            page: "页",
        },
        Locale::En => Labels {
            title: "Statement of account",
            period: "Period",
            currency: "Currency",
            opening: "Opening balance",
            closing: "Closing balance",
            columns: [
                "Date",
                "Type",
                "Number / reference",
                "Debit",
                "Credit",
                "Balance",
            ],
            aging: "Aging at the end of the period",
            buckets: [
                "Current",
                "1-30 days",
                "31-60 days",
                "61-90 days",
                "Over 90 days",
            ],
            open_invoices: "Open at the end of the period",
            page: "Page",
        },
    }
}

fn kind_label(locale: Locale, kind: EntryKind) -> &'static str {
    match (locale, kind) {
        (Locale::ZhCn, EntryKind::Invoice) => "发票",
        (Locale::ZhCn, EntryKind::Payment) => "收款",
        (Locale::ZhCn, EntryKind::CreditNote) => "贷项通知单",
        (Locale::ZhCn, EntryKind::WriteOff) => "坏账核销",
        (Locale::ZhCn, EntryKind::PaymentReversal) => "收款冲销",
        (Locale::En, EntryKind::Invoice) => "Invoice",
        (Locale::En, EntryKind::Payment) => "Payment",
        (Locale::En, EntryKind::CreditNote) => "Credit note",
        (Locale::En, EntryKind::WriteOff) => "Write-off",
        (Locale::En, EntryKind::PaymentReversal) => "Payment reversed",
    }
}

/// Column right edges (amounts) and left edges (text).
const DATE_X: f32 = MARGIN;
const KIND_X: f32 = MARGIN + 70.0;
const REF_X: f32 = MARGIN + 160.0;
const DEBIT_RIGHT: f32 = 400.0;
const CREDIT_RIGHT: f32 = 475.0;
const BALANCE_RIGHT: f32 = PAGE_WIDTH - MARGIN;

/// The statement as PDF bytes.
/// `reference`: the sent statement's, printed with what to do with it.
pub fn render(
    statement: &StatementData,
    company: &str,
    locale: Locale,
    reference: Option<&str>,
) -> Vec<u8> {
    let labels = labels(locale);
    let shown = |money: Decimal| amount(&amount_text(money, &statement.currency));
    let customer = &statement.customer;
    let from = statement.statement.from;
    let to = statement.statement.to;
    let mut pages: Vec<String> = Vec::new();
    let mut page = String::new();
    let mut y = PAGE_HEIGHT - MARGIN;

    // Heading.
    text(&mut page, MARGIN, y - 10.0, 16.0, true, labels.title);
    text(&mut page, MARGIN, y - 30.0, 11.0, false, company);
    y -= 58.0;
    let customer = format!("{} ({})", customer.name, customer.code);
    text(&mut page, MARGIN, y, 11.0, true, &customer);
    y -= ROW;
    let period = format!(
        "{}: {} - {}    {}: {}",
        labels.period, from, to, labels.currency, statement.currency
    );
    text(&mut page, MARGIN, y, 9.0, false, &period);
    if let Some(reference) = reference {
        y -= ROW;
        let quote = match locale {
            Locale::ZhCn => format!("对账单号：{reference}（付款时请在汇款附言中注明）"),
            Locale::En => format!("Statement {reference} (please quote it with your payment)"),
        };
        text(&mut page, MARGIN, y, 9.0, true, &quote);
    }
    y -= ROW * 1.6;

    let header = |page: &mut String, y: f32| {
        let [date, kind, reference, debit, credit, balance] = labels.columns;
        text(page, DATE_X, y, 8.5, true, date);
        text(page, KIND_X, y, 8.5, true, kind);
        text(page, REF_X, y, 8.5, true, reference);
        right(page, DEBIT_RIGHT, y, 8.5, true, debit);
        right(page, CREDIT_RIGHT, y, 8.5, true, credit);
        right(page, BALANCE_RIGHT, y, 8.5, true, balance);
        rule(page, y - 4.0);
    };
    header(&mut page, y);
    y -= ROW * 1.2;
    text(&mut page, DATE_X, y, 9.0, false, &from.to_string());
    text(&mut page, KIND_X, y, 9.0, true, labels.opening);
    right(
        &mut page,
        BALANCE_RIGHT,
        y,
        9.0,
        true,
        &shown(statement.statement.opening),
    );
    y -= ROW;

    for line in &statement.statement.lines {
        if y < MARGIN + 40.0 {
            pages.push(std::mem::take(&mut page));
            y = PAGE_HEIGHT - MARGIN;
            header(&mut page, y);
            y -= ROW * 1.2;
        }
        text(
            &mut page,
            DATE_X,
            y,
            9.0,
            false,
            &line.entry.date.to_string(),
        );
        text(
            &mut page,
            KIND_X,
            y,
            9.0,
            false,
            kind_label(locale, line.entry.kind),
        );
        let reference: String = line.entry.reference.chars().take(34).collect();
        text(&mut page, REF_X, y, 9.0, false, &reference);
        if line.debit > Decimal::ZERO {
            right(&mut page, DEBIT_RIGHT, y, 9.0, false, &shown(line.debit));
        }
        if line.credit > Decimal::ZERO {
            right(&mut page, CREDIT_RIGHT, y, 9.0, false, &shown(line.credit));
        }
        right(
            &mut page,
            BALANCE_RIGHT,
            y,
            9.0,
            false,
            &shown(line.balance),
        );
        y -= ROW;
    }
    rule(&mut page, y + ROW - 4.0);
    text(&mut page, DATE_X, y - 2.0, 9.0, false, &to.to_string());
    text(&mut page, KIND_X, y - 2.0, 9.0, true, labels.closing);
    right(
        &mut page,
        BALANCE_RIGHT,
        y - 2.0,
        10.0,
        true,
        &shown(statement.statement.closing),
    );
    y -= ROW * 2.4;

    // Aging at the end, then the invoices still open.
    if y < MARGIN + 120.0 {
        pages.push(std::mem::take(&mut page));
        y = PAGE_HEIGHT - MARGIN;
    }
    text(&mut page, MARGIN, y, 10.0, true, labels.aging);
    y -= ROW * 1.2;
    // Current, 1-30, 31-60, 61-90, over 90 days.
    let buckets = statement.aging;
    let column = (PAGE_WIDTH - 2.0 * MARGIN) / 5.0;
    for (index, (label, money)) in labels.buckets.iter().zip(buckets).enumerate() {
        let right_edge = MARGIN + column * (index as f32 + 1.0) - 8.0;
        right(&mut page, right_edge, y, 8.5, false, label);
        right(&mut page, right_edge, y - ROW, 9.0, true, &shown(money));
    }
    y -= ROW * 3.0;
    if !statement.open_at_end.is_empty() {
        text(&mut page, MARGIN, y, 10.0, true, labels.open_invoices);
        y -= ROW * 1.2;
        for invoice in &statement.open_at_end {
            if y < MARGIN + 20.0 {
                pages.push(std::mem::take(&mut page));
                y = PAGE_HEIGHT - MARGIN;
            }
            text(
                &mut page,
                DATE_X,
                y,
                9.0,
                false,
                &invoice.due_date.to_string(),
            );
            text(
                &mut page,
                KIND_X,
                y,
                9.0,
                false,
                invoice.number.as_deref().unwrap_or(""),
            );
            right(
                &mut page,
                CREDIT_RIGHT,
                y,
                9.0,
                false,
                &shown(invoice.total),
            );
            right(
                &mut page,
                BALANCE_RIGHT,
                y,
                9.0,
                false,
                &shown(invoice.balance),
            );
            y -= ROW;
        }
    }
    pages.push(page);

    number_pages(&mut pages, labels.page);
    assemble(&pages)
}
