//! A statement as a PDF, laid out with `crate::pdf`.

use super::store::StatementData;
use crate::pdf::{
    Layout, MARGIN, PAGE_WIDTH, PdfError, ROW, amount, assemble, right, rule, text, wrap,
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
    fapiao: &'static str,
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
            fapiao: "已开发票",
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
            fapiao: "Fapiao",
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
/// The reference column ends where the debit amounts may begin.
const REF_WIDTH: f32 = DEBIT_RIGHT - 70.0 - REF_X;
/// An open invoice's number and fapiao run up to where its total may begin.
const OPEN_NUMBER_WIDTH: f32 = CREDIT_RIGHT - 80.0 - KIND_X;

/// The statement as PDF bytes.
/// `reference`: the sent statement's, printed with what to do with it.
pub fn render(
    statement: &StatementData,
    company: &str,
    locale: Locale,
    reference: Option<&str>,
) -> Result<Vec<u8>, PdfError> {
    let labels = labels(locale);
    let shown = |money: Decimal| amount(&amount_text(money, &statement.currency));
    let customer = &statement.customer;
    let from = statement.statement.from;
    let to = statement.statement.to;
    let full_width = PAGE_WIDTH - 2.0 * MARGIN;
    let mut doc = Layout::default();

    // Heading.
    doc.y -= 10.0;
    doc.paragraph(MARGIN, full_width, 16.0, true, labels.title);
    doc.paragraph(MARGIN, full_width, 11.0, false, company);
    doc.y -= 12.0;
    let customer = format!("{} ({})", customer.name, customer.code);
    doc.paragraph(MARGIN, full_width, 11.0, true, &customer);
    let period = format!(
        "{}: {} - {}    {}: {}",
        labels.period, from, to, labels.currency, statement.currency
    );
    doc.paragraph(MARGIN, full_width, 9.0, false, &period);
    if let Some(reference) = reference {
        let quote = match locale {
            Locale::ZhCn => format!("对账单号：{reference}（付款时请在汇款附言中注明）"),
            Locale::En => format!("Statement {reference} (please quote it with your payment)"),
        };
        doc.paragraph(MARGIN, full_width, 9.0, true, &quote);
    }
    doc.y -= ROW * 0.6;

    let header = |doc: &mut Layout| {
        let [date, kind, reference, debit, credit, balance] = labels.columns;
        let y = doc.y;
        text(&mut doc.page, DATE_X, y, 8.5, true, date);
        text(&mut doc.page, KIND_X, y, 8.5, true, kind);
        text(&mut doc.page, REF_X, y, 8.5, true, reference);
        right(&mut doc.page, DEBIT_RIGHT, y, 8.5, true, debit);
        right(&mut doc.page, CREDIT_RIGHT, y, 8.5, true, credit);
        right(&mut doc.page, BALANCE_RIGHT, y, 8.5, true, balance);
        rule(&mut doc.page, y - 4.0);
        doc.y -= ROW * 1.2;
    };
    header(&mut doc);
    let y = doc.y;
    text(&mut doc.page, DATE_X, y, 9.0, false, &from.to_string());
    text(&mut doc.page, KIND_X, y, 9.0, true, labels.opening);
    right(
        &mut doc.page,
        BALANCE_RIGHT,
        y,
        9.0,
        true,
        &shown(statement.statement.opening),
    );
    doc.y -= ROW;

    for line in &statement.statement.lines {
        // A long reference wraps within its column; the row grows to hold it.
        let references = wrap(&line.entry.reference, REF_WIDTH, 9.0, false);
        let height = ROW + (references.len() - 1) as f32 * 11.0;
        if doc.make_room(height) {
            header(&mut doc);
        }
        let y = doc.y;
        let page = &mut doc.page;
        text(page, DATE_X, y, 9.0, false, &line.entry.date.to_string());
        text(
            page,
            KIND_X,
            y,
            9.0,
            false,
            kind_label(locale, line.entry.kind),
        );
        for (index, part) in references.iter().enumerate() {
            text(page, REF_X, y - index as f32 * 11.0, 9.0, false, part);
        }
        if line.debit > Decimal::ZERO {
            right(page, DEBIT_RIGHT, y, 9.0, false, &shown(line.debit));
        }
        if line.credit > Decimal::ZERO {
            right(page, CREDIT_RIGHT, y, 9.0, false, &shown(line.credit));
        }
        right(page, BALANCE_RIGHT, y, 9.0, false, &shown(line.balance));
        doc.y -= height;
    }
    doc.make_room(ROW * 2.0);
    let y = doc.y;
    rule(&mut doc.page, y + ROW - 4.0);
    text(&mut doc.page, DATE_X, y - 2.0, 9.0, false, &to.to_string());
    text(&mut doc.page, KIND_X, y - 2.0, 9.0, true, labels.closing);
    right(
        &mut doc.page,
        BALANCE_RIGHT,
        y - 2.0,
        10.0,
        true,
        &shown(statement.statement.closing),
    );
    doc.y -= ROW * 2.4;

    // Aging at the end, then the invoices still open.
    doc.make_room(120.0);
    text(&mut doc.page, MARGIN, doc.y, 10.0, true, labels.aging);
    doc.y -= ROW * 1.2;
    // Current, 1-30, 31-60, 61-90, over 90 days.
    let column = full_width / 5.0;
    for (index, (label, money)) in labels.buckets.iter().zip(statement.aging).enumerate() {
        let right_edge = MARGIN + column * (index as f32 + 1.0) - 8.0;
        right(&mut doc.page, right_edge, doc.y, 8.5, false, label);
        right(
            &mut doc.page,
            right_edge,
            doc.y - ROW,
            9.0,
            true,
            &shown(money),
        );
    }
    doc.y -= ROW * 3.0;
    if !statement.open_at_end.is_empty() {
        doc.make_room(ROW * 3.0);
        text(
            &mut doc.page,
            MARGIN,
            doc.y,
            10.0,
            true,
            labels.open_invoices,
        );
        doc.y -= ROW * 1.2;
        for invoice in &statement.open_at_end {
            // The fapiao issued for it, under its number, wrapped within the column.
            let fapiao_lines = if invoice.fapiao_numbers.is_empty() {
                Vec::new()
            } else {
                let fapiao = format!("{} {}", labels.fapiao, invoice.fapiao_numbers.join(", "));
                wrap(&fapiao, OPEN_NUMBER_WIDTH, 8.0, false)
            };
            let height = ROW + fapiao_lines.len() as f32 * 10.0;
            doc.make_room(height);
            let y = doc.y;
            let page = &mut doc.page;
            text(page, DATE_X, y, 9.0, false, &invoice.due_date.to_string());
            let number = invoice.number.as_deref().unwrap_or("");
            text(page, KIND_X, y, 9.0, false, number);
            for (index, line) in fapiao_lines.iter().enumerate() {
                text(
                    page,
                    KIND_X,
                    y - (index + 1) as f32 * 10.0,
                    8.0,
                    false,
                    line,
                );
            }
            right(page, CREDIT_RIGHT, y, 9.0, false, &shown(invoice.total));
            right(page, BALANCE_RIGHT, y, 9.0, false, &shown(invoice.balance));
            doc.y -= height;
        }
    }
    assemble(&doc.finish(labels.page), labels.title)
}
