//! HTML tables saved as ".xls": many Chinese banks' "Excel" exports are an HTML page whose
//! table Excel opens as a sheet. Read with html5ever's tokenizer (entities, unclosed cells and
//! stray markup as a browser reads them), streamed: each `<tr>` is a row, each `<td>`/`<th>`
//! a cell (`colspan` repeated as empty cells), rows numbered as Excel shows them; then through
//! the table reader like a CSV. The encoding is the mapping's, else the page's `charset`, else
//! UTF-8.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use crate::csv_table::decode;
use crate::table::{Cell, Flow, TableReader};
use crate::{CsvMapping, Limits, Problem, Statement};

/// The most empty cells one `colspan` adds (a title row spans a few columns, not thousands).
const MAX_COLSPAN: usize = 64;

/// Whether `bytes` are an HTML page with a table (not an OLE2 workbook).
pub(crate) fn looks_like_html(bytes: &[u8]) -> bool {
    let head = bytes.get(..64 * 1024).unwrap_or(bytes);
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = text.iter().position(|b| !b.is_ascii_whitespace());
    text.get(start.unwrap_or(0)..)
        .is_some_and(|t| t.starts_with(b"<"))
        && head.windows(6).any(|w| w.eq_ignore_ascii_case(b"<table"))
}

/// The `charset` a page declares in its first bytes (`<meta charset=gbk>` or the
/// `http-equiv` form).
fn declared_charset(bytes: &[u8]) -> Option<String> {
    let head = bytes.get(..4096).unwrap_or(bytes);
    let at = head
        .windows(8)
        .position(|w| w.eq_ignore_ascii_case(b"charset="))?;
    let rest = head.get(at + 8..)?;
    let rest = rest
        .strip_prefix(b"\"")
        .or(rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_'))
        .unwrap_or(rest.len());
    let label = std::str::from_utf8(rest.get(..end)?).ok()?;
    (!label.is_empty()).then(|| label.to_owned())
}

pub(crate) fn parse(
    bytes: &[u8],
    mapping: Option<&CsvMapping>,
    limits: Limits,
) -> Result<Statement, Vec<Problem>> {
    let table = TableReader::new(mapping, limits)?;
    let label = mapping
        .and_then(|m| m.encoding.clone())
        .or_else(|| declared_charset(bytes));
    let text = decode(bytes, label.as_deref())?;
    let rows = RefCell::new(Rows {
        table,
        read: 0,
        stopped: false,
        row: None,
        cell: None,
        span: 1,
        skipping: false,
    });
    let tokenizer = Tokenizer::new(Collect(&rows), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from(text.as_str()));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    rows.into_inner().table.finish()
}

/// The table reader fed row by row, and the row and cell being read.
struct Rows<'m> {
    table: TableReader<'m>,
    /// Rows read, as Excel numbers them.
    read: usize,
    /// The table reader has had enough (a limit, or the table's end).
    stopped: bool,
    row: Option<Vec<Cell>>,
    cell: Option<String>,
    /// The columns the cell being read spans.
    span: usize,
    /// Inside `<script>` or `<style>`: no cell text.
    skipping: bool,
}

impl Rows<'_> {
    fn end_cell(&mut self) {
        if let Some(text) = self.cell.take() {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let row = self.row.get_or_insert_with(Vec::new);
            row.push(if text.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(text)
            });
            // The spanned columns are empty; the text is in the first.
            row.extend((1..self.span).map(|_| Cell::Empty));
            self.span = 1;
        }
    }

    fn end_row(&mut self) {
        self.end_cell();
        if let Some(row) = self.row.take() {
            self.read += 1;
            if let Flow::Stop = self.table.row(self.read, &row) {
                self.stopped = true;
            }
        }
    }
}

struct Collect<'a, 'm>(&'a RefCell<Rows<'m>>);

impl TokenSink for Collect<'_, '_> {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut rows = self.0.borrow_mut();
        if rows.stopped {
            return TokenSinkResult::Continue;
        }
        match token {
            Token::TagToken(tag) => {
                let name: &str = &tag.name;
                match (tag.kind, name) {
                    (TagKind::StartTag, "script" | "style") => rows.skipping = true,
                    (TagKind::EndTag, "script" | "style") => rows.skipping = false,
                    (TagKind::StartTag, "tr") => {
                        rows.end_row();
                        rows.row = Some(Vec::new());
                    }
                    (TagKind::EndTag, "tr" | "table") => rows.end_row(),
                    (TagKind::StartTag, "td" | "th") => {
                        rows.end_cell();
                        // A cell outside any `<tr>` starts a row.
                        rows.row.get_or_insert_with(Vec::new);
                        rows.span = tag
                            .attrs
                            .iter()
                            .find(|a| &*a.name.local == "colspan")
                            .and_then(|a| a.value.trim().parse::<usize>().ok())
                            .unwrap_or(1)
                            .clamp(1, MAX_COLSPAN);
                        rows.cell = Some(String::new());
                    }
                    (TagKind::EndTag, "td" | "th") => rows.end_cell(),
                    (TagKind::StartTag, "br" | "p" | "div") => {
                        if let Some(cell) = rows.cell.as_mut() {
                            cell.push(' ');
                        }
                    }
                    _ => {}
                }
            }
            Token::CharacterTokens(text) if !rows.skipping => {
                if let Some(cell) = rows.cell.as_mut() {
                    cell.push_str(&text);
                }
            }
            Token::EOFToken => rows.end_row(),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use rust_decimal::Decimal;

    use super::*;
    use crate::{Format, ProblemKind};

    /// A bank's "Excel" export as it is: an HTML page in GBK (declared as gb2312), a title
    /// spanning the table, header cells, entities, an unclosed cell and a total row.
    const PAGE: &str = r#"<html xmlns:x="urn:schemas-microsoft-com:office:excel">
<head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<style>td { mso-number-format: "\@"; }</style></head>
<body><table border="1">
<tr><td colspan="5">中国建设银行 账户明细</td></tr>
<tr><th>交易时间</th><th>贷方金额</th><th>对方户名</th><th>对方账号</th><th>摘要</th></tr>
<tr><td>2024-03-01</td><td>12,500.00</td><td>上海明远贸易有限公司</td><td>31001234567890</td><td>INV-2024-0031&nbsp;货款 &amp; 运费</td></tr>
<tr><td>2024-03-02</td><td>800.00<td>杭州<br>青松</td><td></td><td><font color="red">ST00000042</font></td></tr>
<tr><td>合计</td><td>13,300.00</td><td></td><td></td><td></td></tr>
</table></body></html>"#;

    fn mapping() -> CsvMapping {
        CsvMapping {
            date: Some("交易时间".into()),
            credit: Some("贷方金额".into()),
            payer_name: Some("对方户名".into()),
            payer_account: Some("对方账号".into()),
            remark: Some("摘要".into()),
            ..CsvMapping::default()
        }
    }

    fn gbk(text: &str) -> Vec<u8> {
        let (bytes, _, errors) = encoding_rs::GBK.encode(text);
        assert!(!errors);
        bytes.into_owned()
    }

    #[test]
    fn reads_an_html_table_saved_as_xls_in_its_declared_encoding() {
        let bytes = gbk(PAGE);
        assert_eq!(crate::sniff(&bytes), Format::Xls);
        let statement = crate::parse(Format::Xls, &bytes, Some(&mapping()), Limits::default())
            .unwrap_or_else(|problems| panic!("{problems:?}"));
        let lines: Vec<(usize, String, Option<String>, Option<String>)> = statement
            .lines
            .iter()
            .map(|l| {
                (
                    l.row,
                    l.amount.to_string(),
                    l.payer_name.clone(),
                    l.remark.clone(),
                )
            })
            .collect();
        assert_eq!(
            lines,
            vec![
                (
                    3,
                    Decimal::from_str("12500.00")
                        .unwrap_or_default()
                        .to_string(),
                    Some("上海明远贸易有限公司".into()),
                    Some("INV-2024-0031 货款 & 运费".into())
                ),
                (
                    4,
                    "800.00".into(),
                    Some("杭州 青松".into()),
                    Some("ST00000042".into())
                ),
            ]
        );
        assert_eq!(
            statement.lines[0].payer_account.as_deref(),
            Some("31001234567890")
        );
    }

    #[test]
    fn a_bad_cell_in_an_html_table_is_named_by_its_row_and_column() {
        let page = PAGE.replace("<td>800.00", "<td>八百");
        let problems = crate::parse(
            Format::Xls,
            &gbk(&page),
            Some(&mapping()),
            Limits::default(),
        )
        .err()
        .unwrap_or_default();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].row, Some(4));
        assert_eq!(problems[0].column.as_deref(), Some("贷方金额"));
        assert!(
            matches!(problems[0].kind, ProblemKind::BadAmount { .. }),
            "{problems:?}"
        );
    }

    #[test]
    fn a_table_longer_than_the_limit_is_refused_while_reading() {
        let rows: String = (0..50)
            .map(|i| {
                format!("<tr><td>2024-03-01</td><td>{i}.00</td><td></td><td></td><td></td></tr>")
            })
            .collect();
        let page = format!(
            "<table><tr><th>交易时间</th><th>贷方金额</th><th>对方户名</th><th>对方账号</th><th>摘要</th></tr>{rows}</table>"
        );
        let limits = Limits {
            max_lines: 10,
            ..Limits::default()
        };
        let problems = crate::parse(Format::Xls, page.as_bytes(), Some(&mapping()), limits)
            .err()
            .unwrap_or_default();
        assert!(
            problems
                .iter()
                .any(|p| matches!(p.kind, ProblemKind::TooManyLines { .. })),
            "{problems:?}"
        );
    }
}
