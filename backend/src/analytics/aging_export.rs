//! The aging report as files: CSV for spreadsheets and a PDF to print or send, both from the
//! same `AgingReport` the API returns, so the file and the screen never disagree.

use super::AnalyticsError;
use super::service::aging::{AgingReport, Buckets};
use crate::error::AppError;
use crate::pdf::{
    MARGIN, PAGE_HEIGHT, PAGE_WIDTH, ROW, amount, assemble, number_pages, right, rule, text,
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
pub fn pdf(report: &AgingReport, company: &str, locale: Locale) -> Vec<u8> {
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
    let mut pages: Vec<String> = Vec::new();
    let mut page = String::new();
    let mut y = PAGE_HEIGHT - MARGIN;
    text(&mut page, MARGIN, y - 10.0, 16.0, true, title);
    text(&mut page, MARGIN, y - 30.0, 11.0, false, company);
    y -= 52.0;
    let subtitle = format!(
        "{as_of}: {}    {basis}: {basis_text}    {currency}: {}",
        report.as_of, report.currency
    );
    text(&mut page, MARGIN, y, 9.0, false, &subtitle);
    y -= ROW * 1.6;

    let header = |page: &mut String, y: f32| {
        text(page, MARGIN, y, 8.0, true, group);
        for (heading, edge) in headings
            .iter()
            .map(String::as_str)
            .chain([total])
            .zip(COLUMNS)
        {
            right(page, edge, y, 8.0, true, heading);
        }
        rule(page, y - 4.0);
    };
    let line = |page: &mut String, y: f32, label: &str, buckets: &Buckets, bold: bool| {
        // The name column holds about 30 characters at this size.
        let shown: String = label.chars().take(30).collect();
        text(page, MARGIN, y, 8.0, bold, &shown);
        for (value, edge) in amounts(buckets, &report.currency).into_iter().zip(COLUMNS) {
            right(page, edge, y, 8.0, bold, &amount(&value));
        }
    };
    header(&mut page, y);
    y -= ROW * 1.2;
    for group in &report.rows {
        if y < MARGIN + 40.0 {
            pages.push(std::mem::take(&mut page));
            y = PAGE_HEIGHT - MARGIN;
            header(&mut page, y);
            y -= ROW * 1.2;
        }
        line(&mut page, y, &group.label, &group.buckets, false);
        y -= ROW;
    }
    rule(&mut page, y + ROW - 4.0);
    line(&mut page, y - 2.0, total, &report.totals, true);
    pages.push(page);
    number_pages(&mut pages, page_label);
    assemble(&pages)
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
