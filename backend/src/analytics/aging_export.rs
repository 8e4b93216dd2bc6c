//! The aging report as files: CSV for spreadsheets and a PDF to print or send, both from the
//! same `AgingReport` the API returns, so the file and the screen never disagree.

use super::AnalyticsError;
use super::service::aging::{AgingReport, Buckets};
use crate::error::AppError;
use crate::pdf::{
    Layout, MARGIN, PAGE_WIDTH, PdfError, ROW, amount, assemble, right, rule, text, wrap,
};
use domain::Locale;
use domain::aging::{AgingBasis, AgingGroupBy};
use domain::display::amount_string;

/// The bucket headings from the company's edges: "Current", "1-30", "31-60", "61-90", "90+".
fn bucket_headings(report: &AgingReport, locale: Locale) -> [String; 5] {
    let edge = |index: usize| report.edges.0.get(index).copied().unwrap_or(0);
    let (current, days) = match locale {
        Locale::ZhCn => ("未到期", " 天"),
        Locale::En => ("Current", " days"),
    };
    [
        current.to_owned(),
        format!("1-{}{days}", edge(0)),
        format!("{}-{}{days}", edge(0) + 1, edge(1)),
        format!("{}-{}{days}", edge(1) + 1, edge(2)),
        format!("{}+{days}", edge(2)),
    ]
}

/// The amounts as the API shows them: with the currency's decimals.
fn amounts(buckets: &Buckets, currency: &str) -> [String; 6] {
    [
        buckets.current,
        buckets.d1_to_30,
        buckets.d31_to_60,
        buckets.d61_to_90,
        buckets.over_90,
        buckets.total,
    ]
    .map(|amount| amount_string(amount, currency))
}

/// One row per group and a total row; amounts are plain decimals in the report's currency.
pub fn csv(report: &AgingReport) -> String {
    let [current, first, second, third, last] = bucket_headings(report, Locale::En);
    let mut rows = vec![vec![
        "group".to_owned(),
        current,
        first,
        second,
        third,
        last,
        "total".to_owned(),
        "currency".to_owned(),
    ]];
    let line = |label: &str, buckets: &Buckets| {
        let mut row = vec![label.to_owned()];
        row.extend(amounts(buckets, &report.currency));
        row.push(report.currency.clone());
        row
    };
    for group in &report.rows {
        rows.push(line(&group.label, &group.buckets));
    }
    rows.push(line("TOTAL", &report.totals));
    crate::csv::write(&rows)
}

/// Right edges of the six amount columns; the group's name fills the space before them.
const COLUMNS: [f32; 6] = [255.0, 315.0, 375.0, 435.0, 495.0, PAGE_WIDTH - MARGIN];

/// The report on A4 pages: heading, the columns repeated on every page, a total row.
pub fn pdf(report: &AgingReport, company: &str, locale: Locale) -> Result<Vec<u8>, PdfError> {
    let (title, as_of, basis, currency, group, total, page_label) = match locale {
        Locale::ZhCn => (
            "应收账款账龄表",
            "截至",
            "账龄依据",
            "币种",
            "分组",
            "合计",
            "页",
        ),
        Locale::En => (
            "Accounts receivable aging",
            "As of",
            "Basis",
            "Currency",
            "Group",
            "Total",
            "Page",
        ),
    };
    let basis_text = match (report.basis, locale) {
        (AgingBasis::DueDate, Locale::ZhCn) => "到期日",
        (AgingBasis::InvoiceDate, Locale::ZhCn) => "开票日",
        (AgingBasis::DueDate, Locale::En) => "due date",
        (AgingBasis::InvoiceDate, Locale::En) => "invoice date",
    };
    let headings = bucket_headings(report, locale);
    let full_width = PAGE_WIDTH - 2.0 * MARGIN;
    let mut doc = Layout::default();
    doc.y -= 10.0;
    doc.paragraph(MARGIN, full_width, 16.0, true, title);
    doc.paragraph(MARGIN, full_width, 11.0, false, company);
    doc.y -= 6.0;
    let subtitle = format!(
        "{as_of}: {}    {basis}: {basis_text}    {currency}: {}",
        report.as_of, report.currency
    );
    doc.paragraph(MARGIN, full_width, 9.0, false, &subtitle);
    doc.y -= ROW * 0.6;

    let header = |doc: &mut Layout| {
        let y = doc.y;
        text(&mut doc.page, MARGIN, y, 8.0, true, group);
        for (heading, edge) in headings
            .iter()
            .map(String::as_str)
            .chain([total])
            .zip(COLUMNS)
        {
            right(&mut doc.page, edge, y, 8.0, true, heading);
        }
        rule(&mut doc.page, y - 4.0);
        doc.y -= ROW * 1.2;
    };
    // The group's name wraps within the space before the first amount column.
    let name_width = COLUMNS[0] - 60.0 - MARGIN;
    let line = |doc: &mut Layout, label: &str, buckets: &Buckets, bold: bool| {
        let names = wrap(label, name_width, 8.0, bold);
        let height = ROW + (names.len() - 1) as f32 * 10.0;
        if doc.make_room(height) {
            header(doc);
        }
        let y = doc.y;
        for (index, name) in names.iter().enumerate() {
            text(
                &mut doc.page,
                MARGIN,
                y - index as f32 * 10.0,
                8.0,
                bold,
                name,
            );
        }
        for (value, edge) in amounts(buckets, &report.currency).into_iter().zip(COLUMNS) {
            right(&mut doc.page, edge, y, 8.0, bold, &amount(&value));
        }
        doc.y -= height;
    };
    header(&mut doc);
    for group in &report.rows {
        line(&mut doc, &group.label, &group.buckets, false);
    }
    doc.make_room(ROW * 2.0);
    rule(&mut doc.page, doc.y + ROW - 4.0);
    doc.y -= 2.0;
    line(&mut doc, total, &report.totals, true);
    assemble(&doc.finish(page_label), title)
}

/// What a download asks for, as the API's enum values (`groupBy=CUSTOMER&basis=DUE_DATE`).
pub fn parse_choices(
    group_by: Option<&str>,
    basis: Option<&str>,
) -> Result<(AgingGroupBy, AgingBasis), AppError> {
    let group_by = match group_by.unwrap_or("NONE") {
        "NONE" => AgingGroupBy::None,
        "CUSTOMER" => AgingGroupBy::Customer,
        "COLLECTOR" => AgingGroupBy::Collector,
        "SEGMENT" => AgingGroupBy::Segment,
        _ => {
            return Err(AnalyticsError::UnknownGroupBy.into());
        }
    };
    let basis = match basis.unwrap_or("DUE_DATE") {
        "DUE_DATE" => AgingBasis::DueDate,
        "INVOICE_DATE" => AgingBasis::InvoiceDate,
        _ => {
            return Err(AnalyticsError::UnknownBasis.into());
        }
    };
    Ok((group_by, basis))
}
