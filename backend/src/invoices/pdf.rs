//! An invoice as a PDF, laid out with `crate::pdf`: the company's letterhead, who is billed,
//! the lines with tax, the totals and what is still due, the fapiao recorded against it, and
//! how to pay (the accounts, and the number to quote in the transfer's remark).

use super::service::InvoiceRecord;
use crate::company_profile::service::Letterhead;
use crate::pdf::{
    Column, Layout, MARGIN, PAGE_WIDTH, PdfError, ROW, Section, amount, assemble, letterhead,
    right, rule, table, text,
};
use domain::Locale;
use domain::display::amount_string;
use domain::fapiao::FapiaoKind;
use rust_decimal::Decimal;

/// Who the invoice is for, as printed.
pub struct BillTo {
    pub name: String,
    pub code: String,
    pub tax_id: Option<String>,
    pub address: Option<String>,
}

struct Labels {
    title: &'static str,
    number: &'static str,
    issued: &'static str,
    due: &'static str,
    currency: &'static str,
    bill_to: &'static str,
    tax_id: &'static str,
    columns: [&'static str; 6],
    subtotal: &'static str,
    tax: &'static str,
    total: &'static str,
    paid: &'static str,
    credited: &'static str,
    due_now: &'static str,
    fapiao: &'static str,
    notes: &'static str,
    void: &'static str,
    page: &'static str,
}

fn labels(locale: Locale) -> Labels {
    match locale {
        Locale::ZhCn => Labels {
            title: "账单",
            number: "账单号",
            issued: "开具日期",
            due: "到期日",
            currency: "币种",
            bill_to: "客户",
            tax_id: "纳税人识别号",
            columns: ["品名 / 服务", "数量", "单价", "税率", "税额", "含税金额"],
            subtotal: "不含税合计",
            tax: "税额合计",
            total: "价税合计",
            paid: "已收款",
            credited: "已冲减（贷项）",
            due_now: "应付余额",
            fapiao: "已开发票",
            notes: "备注",
            void: "此账单已作废",
            page: "页",
        },
        Locale::En => Labels {
            title: "Invoice",
            number: "Invoice number",
            issued: "Issue date",
            due: "Due date",
            currency: "Currency",
            bill_to: "Bill to",
            tax_id: "Tax ID",
            columns: [
                "Description",
                "Quantity",
                "Unit price",
                "Tax rate",
                "Tax",
                "Amount",
            ],
            subtotal: "Subtotal",
            tax: "Tax",
            total: "Total",
            paid: "Paid",
            credited: "Credited",
            due_now: "Balance due",
            fapiao: "Fapiao",
            notes: "Notes",
            void: "This invoice is void",
            page: "Page",
        },
    }
}

fn fapiao_kind(locale: Locale, kind: FapiaoKind) -> &'static str {
    match (locale, kind) {
        (Locale::ZhCn, FapiaoKind::VatSpecial) => "增值税专用发票",
        (Locale::ZhCn, FapiaoKind::VatGeneral) => "增值税普通发票",
        (Locale::ZhCn, FapiaoKind::DigitalVatSpecial) => "数电票（增值税专用发票）",
        (Locale::ZhCn, FapiaoKind::DigitalVatGeneral) => "数电票（普通发票）",
        (Locale::ZhCn, FapiaoKind::Other) => "其他发票",
        (Locale::En, FapiaoKind::VatSpecial) => "VAT special",
        (Locale::En, FapiaoKind::VatGeneral) => "VAT general",
        (Locale::En, FapiaoKind::DigitalVatSpecial) => "Digital VAT special",
        (Locale::En, FapiaoKind::DigitalVatGeneral) => "Digital VAT general",
        (Locale::En, FapiaoKind::Other) => "Other",
    }
}

/// A rate as a percentage: `0.13` is `13%`.
fn percent(rate: Decimal) -> String {
    format!("{}%", (rate * Decimal::ONE_HUNDRED).normalize())
}

/// The invoice as PDF bytes, in `locale`.
pub fn render(
    invoice: &InvoiceRecord,
    head: &Letterhead,
    bill_to: &BillTo,
    locale: Locale,
) -> Result<Vec<u8>, PdfError> {
    let labels = labels(locale);
    let row = &invoice.row;
    let currency = row.currency.code();
    let shown = |money: Decimal| amount(&amount_string(money, currency));
    let full_width = PAGE_WIDTH - 2.0 * MARGIN;
    let right_edge = PAGE_WIDTH - MARGIN;
    let mut doc = Layout::default();

    letterhead::heading(&mut doc, head, locale);
    rule(&mut doc.page, doc.y + 6.0);
    doc.y -= 14.0;
    text(&mut doc.page, MARGIN, doc.y, 18.0, true, labels.title);
    let number = row.number.as_deref().unwrap_or("");
    right(
        &mut doc.page,
        right_edge,
        doc.y,
        11.0,
        true,
        &format!("{}: {number}", labels.number),
    );
    doc.y -= ROW * 1.2;
    for (label, value) in [
        (labels.issued, row.issue_date.to_string()),
        (labels.due, row.due_date.to_string()),
        (labels.currency, currency.to_owned()),
    ] {
        right(
            &mut doc.page,
            right_edge,
            doc.y,
            9.0,
            false,
            &format!("{label}: {value}"),
        );
        doc.y -= ROW * 0.9;
    }
    if row.voided_at.is_some() {
        doc.paragraph(MARGIN, full_width, 12.0, true, labels.void);
    }

    // Who is billed.
    doc.y -= 4.0;
    doc.paragraph(MARGIN, full_width, 9.0, true, labels.bill_to);
    doc.paragraph(
        MARGIN,
        full_width,
        11.0,
        true,
        &format!("{} ({})", bill_to.name, bill_to.code),
    );
    if let Some(tax_id) = &bill_to.tax_id {
        doc.paragraph(
            MARGIN,
            full_width,
            9.0,
            false,
            &format!("{}: {tax_id}", labels.tax_id),
        );
    }
    if let Some(address) = &bill_to.address {
        doc.paragraph(MARGIN, full_width, 9.0, false, address);
    }
    doc.y -= ROW * 0.6;

    // The lines: descriptions wrap within their column.
    let [description, quantity, unit_price, rate, tax, line_total] = labels.columns;
    let column = |heading, width, amount| Column {
        heading,
        width,
        amount,
    };
    let lines = Section {
        heading: "",
        columns: vec![
            column(description, full_width - 300.0, false),
            column(quantity, 55.0, true),
            column(unit_price, 70.0, true),
            column(rate, 45.0, true),
            column(tax, 60.0, true),
            column(line_total, 70.0, true),
        ],
        rows: invoice
            .lines
            .iter()
            .map(|line| {
                vec![
                    line.description.clone(),
                    line.quantity.normalize().to_string(),
                    line.unit_price.normalize().to_string(),
                    percent(line.tax_rate),
                    amount_string(line.tax, currency),
                    amount_string(line.total, currency),
                ]
            })
            .collect(),
    };
    table(&mut doc, &lines, 9.0);
    doc.y -= 6.0;

    // Totals, and what is still due.
    let mut totals = vec![
        (labels.subtotal, row.subtotal, false),
        (labels.tax, row.tax_total, false),
        (labels.total, row.total, true),
    ];
    if row.amount_paid > Decimal::ZERO {
        totals.push((labels.paid, row.amount_paid, false));
    }
    if row.amount_credited > Decimal::ZERO {
        totals.push((labels.credited, row.amount_credited, false));
    }
    totals.push((labels.due_now, row.balance_due, true));
    doc.make_room(ROW * totals.len() as f32 + 10.0);
    rule(&mut doc.page, doc.y + ROW - 4.0);
    for (label, money, bold) in totals {
        right(&mut doc.page, right_edge - 110.0, doc.y, 9.5, bold, label);
        right(
            &mut doc.page,
            right_edge,
            doc.y,
            9.5,
            bold,
            &format!("{} {currency}", shown(money)),
        );
        doc.y -= ROW;
    }
    doc.y -= ROW * 0.5;

    // The fapiao recorded against it, standing ones only.
    let standing: Vec<_> = invoice
        .fapiaos
        .iter()
        .filter(|fapiao| fapiao.voided_at.is_none() && fapiao.credit_note_id.is_none())
        .collect();
    if !standing.is_empty() {
        doc.make_room(ROW * 3.0);
        doc.paragraph(MARGIN, full_width, 10.0, true, labels.fapiao);
        for fapiao in standing {
            let code = fapiao
                .code
                .as_deref()
                .map(|code| format!("{code} "))
                .unwrap_or_default();
            doc.paragraph(
                MARGIN,
                full_width,
                9.0,
                false,
                &format!(
                    "{} {code}{}  {}  {} {currency}",
                    fapiao_kind(locale, fapiao.kind),
                    fapiao.number,
                    fapiao.issued_on,
                    shown(fapiao.amount),
                ),
            );
        }
        doc.y -= ROW * 0.5;
    }
    if let Some(notes) = row
        .notes
        .as_deref()
        .filter(|notes| !notes.trim().is_empty())
    {
        doc.make_room(ROW * 3.0);
        doc.paragraph(MARGIN, full_width, 10.0, true, labels.notes);
        doc.paragraph(MARGIN, full_width, 9.0, false, notes);
        doc.y -= ROW * 0.5;
    }
    if row.voided_at.is_none() && row.balance_due > Decimal::ZERO {
        letterhead::how_to_pay(&mut doc, head, locale, number);
    }
    let title = format!("{} {number}", labels.title);
    assemble(&doc.finish(labels.page), &title)
}
