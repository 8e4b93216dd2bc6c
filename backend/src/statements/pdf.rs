//! A statement as a PDF, written directly (PDF 1.4, uncompressed, A4), with no font files:
//! Latin text uses the standard Helvetica, Chinese text the standard Adobe CJK font
//! `STSong-Light` (encoding `UniGB-UCS2-H`), which PDF readers supply themselves. The file is
//! pure ASCII (Chinese goes in hex strings), so it survives any text transport.

use super::graphql::CustomerStatement;
use domain::Locale;
use domain::statement::EntryKind;
use std::fmt::Write as _;

const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 48.0;
const ROW: f32 = 15.0;

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

/// Groups thousands: `1234567.50` is `1,234,567.50`.
fn amount(text: &str) -> String {
    let (sign, digits) = text
        .strip_prefix('-')
        .map_or(("", text), |rest| ("-", rest));
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let mut grouped = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{fraction}")
    }
}

/// Helvetica's advance widths (per 1000 units of the font size) for printable ASCII, from
/// its standard metrics; Chinese characters are a full em.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space-/
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0-?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @-O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P-_
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // `-o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p-~
];

fn char_width(c: char, size: f32) -> f32 {
    let units = match c as u32 {
        code @ 32..=126 => f32::from(HELVETICA[(code - 32) as usize]),
        _ if c.is_ascii() => 278.0,
        _ => 1000.0,
    };
    units * size / 1000.0
}

fn helvetica_width(text: &str, size: f32) -> f32 {
    text.chars().map(|c| char_width(c, size)).sum()
}

/// Draws `value` at (`x`, `y`): runs of ASCII in Helvetica, the rest in STSong, each run
/// starting where the previous one ended.
fn text(out: &mut String, x: f32, y: f32, size: f32, bold: bool, value: &str) {
    let mut x = x;
    let mut run = String::new();
    let mut run_ascii = true;
    let flush = |out: &mut String, run: &str, ascii: bool, x: f32| {
        if run.is_empty() {
            return;
        }
        if ascii {
            let escaped = run
                .replace('\\', "\\\\")
                .replace('(', "\\(")
                .replace(')', "\\)");
            let font = if bold { "F2" } else { "F1" };
            let _ = writeln!(
                out,
                "BT /{font} {size} Tf {x:.1} {y:.1} Td ({escaped}) Tj ET"
            );
        } else {
            let mut hex = String::new();
            for unit in run.encode_utf16() {
                let _ = write!(hex, "{unit:04X}");
            }
            let _ = writeln!(out, "BT /F3 {size} Tf {x:.1} {y:.1} Td <{hex}> Tj ET");
        }
    };
    for c in value.chars() {
        let ascii = c.is_ascii();
        if ascii != run_ascii && !run.is_empty() {
            flush(out, &run, run_ascii, x);
            // Helvetica-Bold is about a tenth wider than the regular metrics.
            x += helvetica_width(&run, size) * if bold && run_ascii { 1.1 } else { 1.0 };
            run.clear();
        }
        run_ascii = ascii;
        run.push(c);
    }
    flush(out, &run, run_ascii, x);
}

fn right(out: &mut String, right_edge: f32, y: f32, size: f32, bold: bool, value: &str) {
    let width = helvetica_width(value, size);
    text(out, right_edge - width, y, size, bold, value);
}

fn rule(out: &mut String, y: f32) {
    let _ = writeln!(
        out,
        "0.8 G 0.5 w {MARGIN:.1} {y:.1} m {:.1} {y:.1} l S 0 G",
        PAGE_WIDTH - MARGIN
    );
}

/// Column right edges (amounts) and left edges (text).
const DATE_X: f32 = MARGIN;
const KIND_X: f32 = MARGIN + 70.0;
const REF_X: f32 = MARGIN + 160.0;
const DEBIT_RIGHT: f32 = 400.0;
const CREDIT_RIGHT: f32 = 475.0;
const BALANCE_RIGHT: f32 = PAGE_WIDTH - MARGIN;

/// The statement as PDF bytes.
pub fn render(statement: &CustomerStatement, company: &str, locale: Locale) -> Vec<u8> {
    let labels = labels(locale);
    let mut pages: Vec<String> = Vec::new();
    let mut page = String::new();
    let mut y = PAGE_HEIGHT - MARGIN;

    // Heading.
    text(&mut page, MARGIN, y - 10.0, 16.0, true, labels.title);
    text(&mut page, MARGIN, y - 30.0, 11.0, false, company);
    y -= 58.0;
    let customer = format!("{} ({})", statement.customer.name, statement.customer.code);
    text(&mut page, MARGIN, y, 11.0, true, &customer);
    y -= ROW;
    let period = format!(
        "{}: {} - {}    {}: {}",
        labels.period, statement.from.0, statement.to.0, labels.currency, statement.currency
    );
    text(&mut page, MARGIN, y, 9.0, false, &period);
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
    text(
        &mut page,
        DATE_X,
        y,
        9.0,
        false,
        &statement.from.0.to_string(),
    );
    text(&mut page, KIND_X, y, 9.0, true, labels.opening);
    right(
        &mut page,
        BALANCE_RIGHT,
        y,
        9.0,
        true,
        &amount(&statement.opening_balance.amount),
    );
    y -= ROW;

    for line in &statement.lines {
        if y < MARGIN + 40.0 {
            pages.push(std::mem::take(&mut page));
            y = PAGE_HEIGHT - MARGIN;
            header(&mut page, y);
            y -= ROW * 1.2;
        }
        text(&mut page, DATE_X, y, 9.0, false, &line.date.0.to_string());
        text(
            &mut page,
            KIND_X,
            y,
            9.0,
            false,
            kind_label(locale, line.kind),
        );
        let reference: String = line.reference.chars().take(34).collect();
        text(&mut page, REF_X, y, 9.0, false, &reference);
        if let Some(debit) = &line.debit {
            right(
                &mut page,
                DEBIT_RIGHT,
                y,
                9.0,
                false,
                &amount(&debit.amount),
            );
        }
        if let Some(credit) = &line.credit {
            right(
                &mut page,
                CREDIT_RIGHT,
                y,
                9.0,
                false,
                &amount(&credit.amount),
            );
        }
        right(
            &mut page,
            BALANCE_RIGHT,
            y,
            9.0,
            false,
            &amount(&line.balance.amount),
        );
        y -= ROW;
    }
    rule(&mut page, y + ROW - 4.0);
    text(
        &mut page,
        DATE_X,
        y - 2.0,
        9.0,
        false,
        &statement.to.0.to_string(),
    );
    text(&mut page, KIND_X, y - 2.0, 9.0, true, labels.closing);
    right(
        &mut page,
        BALANCE_RIGHT,
        y - 2.0,
        10.0,
        true,
        &amount(&statement.closing_balance.amount),
    );
    y -= ROW * 2.4;

    // Aging at the end, then the invoices still open.
    if y < MARGIN + 120.0 {
        pages.push(std::mem::take(&mut page));
        y = PAGE_HEIGHT - MARGIN;
    }
    text(&mut page, MARGIN, y, 10.0, true, labels.aging);
    y -= ROW * 1.2;
    let aging = &statement.aging;
    let buckets = [
        &aging.current,
        &aging.d1_to_30,
        &aging.d31_to_60,
        &aging.d61_to_90,
        &aging.over_90,
    ];
    let column = (PAGE_WIDTH - 2.0 * MARGIN) / 5.0;
    for (index, (label, money)) in labels.buckets.iter().zip(buckets).enumerate() {
        let right_edge = MARGIN + column * (index as f32 + 1.0) - 8.0;
        right(&mut page, right_edge, y, 8.5, false, label);
        right(
            &mut page,
            right_edge,
            y - ROW,
            9.0,
            true,
            &amount(&money.amount),
        );
    }
    y -= ROW * 3.0;
    if !statement.open_invoices.is_empty() {
        text(&mut page, MARGIN, y, 10.0, true, labels.open_invoices);
        y -= ROW * 1.2;
        for invoice in &statement.open_invoices {
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
                &invoice.due_date.0.to_string(),
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
                &amount(&invoice.total.amount),
            );
            right(
                &mut page,
                BALANCE_RIGHT,
                y,
                9.0,
                false,
                &amount(&invoice.balance.amount),
            );
            y -= ROW;
        }
    }
    pages.push(page);

    // Page numbers.
    let count = pages.len();
    for (index, content) in pages.iter_mut().enumerate() {
        let footer = format!("{} {} / {count}", labels.page, index + 1);
        right(content, BALANCE_RIGHT, MARGIN - 20.0, 8.0, false, &footer);
    }
    assemble(&pages)
}

/// The PDF file around the page contents: catalog, fonts, pages, cross-reference table.
fn assemble(pages: &[String]) -> Vec<u8> {
    let mut objects: Vec<String> = Vec::new();
    // 1 catalog, 2 pages, 3-7 fonts; then a page and its content per page.
    let first_page = 8;
    let kids: Vec<String> = (0..pages.len())
        .map(|index| format!("{} 0 R", first_page + index * 2))
        .collect();
    objects.push("<< /Type /Catalog /Pages 2 0 R >>".to_owned());
    objects.push(format!(
        "<< /Type /Pages /Kids [{}] /Count {} >>",
        kids.join(" "),
        pages.len()
    ));
    objects.push(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_owned(),
    );
    objects.push(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
            .to_owned(),
    );
    objects.push(
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>"
            .to_owned(),
    );
    objects.push(
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light \
         /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> \
         /FontDescriptor 7 0 R /DW 1000 /W [814 907 500 7712 7716 500] >>"
            .to_owned(),
    );
    objects.push(
        "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] \
         /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 626 /StemV 93 >>"
            .to_owned(),
    );
    for (index, content) in pages.iter().enumerate() {
        let content_ref = first_page + index * 2 + 1;
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] \
             /Resources << /Font << /F1 3 0 R /F2 4 0 R /F3 5 0 R >> >> /Contents {content_ref} 0 R >>"
        ));
        objects.push(format!(
            "<< /Length {} >>\nstream\n{content}endstream",
            content.len()
        ));
    }
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::with_capacity(objects.len());
    for (index, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        let _ = write!(out, "{} 0 obj\n{object}\nendobj\n", index + 1);
    }
    let xref = out.len();
    let _ = write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        let _ = writeln!(out, "{offset:010} 00000 n ");
    }
    let _ = write!(
        out,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    );
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_group_thousands() {
        assert_eq!(amount("1234567.50"), "1,234,567.50");
        assert_eq!(amount("-100.00"), "-100.00");
        assert_eq!(amount("999"), "999");
    }

    #[test]
    fn chinese_goes_in_hex_and_latin_in_literals() {
        let mut out = String::new();
        text(&mut out, 10.0, 20.0, 9.0, false, "对账单");
        assert!(
            out.contains("/F3 9 Tf") && out.contains("<5BF98D265355>"),
            "{out}"
        );
        let mut out = String::new();
        text(&mut out, 10.0, 20.0, 9.0, true, "INV-(1)");
        assert!(
            out.contains("/F2 9 Tf") && out.contains("(INV-\\(1\\))"),
            "{out}"
        );
    }

    #[test]
    fn the_cross_reference_table_points_at_each_object() {
        let pdf = String::from_utf8(assemble(&["BT ET\n".to_owned()])).unwrap();
        let xref: usize = pdf
            .rsplit("startxref\n")
            .next()
            .and_then(|tail| tail.lines().next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert!(pdf[xref..].starts_with("xref\n"));
        for line in pdf[xref..].lines().skip(3).take(9) {
            let offset: usize = line[..10].parse().unwrap();
            assert!(
                pdf[offset..].split_whitespace().nth(1) == Some("0"),
                "{line}"
            );
        }
    }
}
