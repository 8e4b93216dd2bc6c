//! Bank statement files read into one shape, [`Statement`]: CSV, XLS and XLSX as banks export
//! them (read through a saved [`CsvMapping`]), ISO 20022 camt.053 and SWIFT MT940.
//!
//! Everything here is pure and blocking: bytes in, a statement or every problem found out.
//! Callers run it off the async threads. Limits ([`Limits`]) are checked while reading, so a
//! hostile file stops early instead of filling memory.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

mod amounts;
mod camt053;
mod csv_table;
mod dates;
mod html_table;
mod mt940;
mod problems;
mod spreadsheet;
mod statements;
mod table;
mod xls_guard;

/// The file formats Duely reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Format {
    Csv,
    Xls,
    Xlsx,
    Camt053,
    Mt940,
}

/// How a CSV, XLS or XLSX export is read. Column fields name a column by its header text
/// (trimmed, case-insensitive) or by its letter (`A`, `B`, … `AA`). Either `amount` (signed:
/// negative is money out) or `debit` and/or `credit` (unsigned; credit is money in) must be set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsvMapping {
    /// 1-based row holding the headers; by default the first row naming both a date column
    /// and an amount (or credit) column as mapped, so title rows above the table are skipped.
    pub header_row: Option<u32>,
    /// `UTF-8` (default; a BOM is dropped), `GBK`, `GB18030`, or any WHATWG label.
    pub encoding: Option<String>,
    /// A chrono format such as `%Y-%m-%d` (default: tries `%Y-%m-%d`, `%Y/%m/%d`, `%Y%m%d`,
    /// `%Y.%m.%d`, `%Y年%m月%d日`, and a date-time's date part).
    pub date_format: Option<String>,
    pub date: Option<String>,
    pub amount: Option<String>,
    pub debit: Option<String>,
    pub credit: Option<String>,
    pub payer_name: Option<String>,
    pub payer_account: Option<String>,
    pub remark: Option<String>,
    pub reference: Option<String>,
    pub balance: Option<String>,
}

/// Bounds checked while reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Lines (transactions) in one file.
    pub max_lines: usize,
    /// Bytes of an XLSX once unzipped (the sum of its entries' sizes).
    pub max_unzipped_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_lines: 100_000,
            max_unzipped_bytes: 100 * 1024 * 1024,
        }
    }
}

/// What a file says: one or more statements' lines, in file order, and the balances it states.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Statement {
    /// The account the file is of (IBAN, account number), when it says.
    pub account: Option<String>,
    /// ISO 4217 code, when the file says.
    pub currency: Option<String>,
    /// The first and last booking day the file covers (its stated period, else its lines').
    pub period_from: Option<NaiveDate>,
    pub period_to: Option<NaiveDate>,
    /// The first statement's opening balance and the last one's closing balance, when stated.
    pub opening_balance: Option<Decimal>,
    pub closing_balance: Option<Decimal>,
    pub lines: Vec<Line>,
    /// Balance gaps found (camt.053 and MT940): a statement whose opening plus lines is not
    /// its closing, or whose opening is not the previous closing. Not a reason to refuse the
    /// file: the account shows them.
    pub gaps: Vec<BalanceGap>,
}

/// One booked line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Where it is in the file: the 1-based row (CSV, XLS, XLSX), the entry's position
    /// (camt.053, 1-based among entries) or the `:61:` field's position (MT940).
    pub row: usize,
    pub booked_on: NaiveDate,
    /// Signed: positive is money in (credit), negative money out (debit). Never zero.
    pub amount: Decimal,
    /// ISO 4217 code of the line, when the file says.
    pub currency: Option<String>,
    pub payer_name: Option<String>,
    pub payer_account: Option<String>,
    /// The remark (附言) / remittance information, unstructured text joined with a space.
    pub remark: Option<String>,
    /// The customer's or end-to-end reference (camt `EndToEndId`/`Ref`, MT940 `:61:` customer
    /// reference, a mapped reference column).
    pub reference: Option<String>,
    /// The bank's own id of the line (camt `AcctSvcrRef`, MT940 `:61:` bank reference after
    /// `//`), the best key against counting a line twice.
    pub bank_ref: Option<String>,
    /// The balance after this line, when the file says (a mapped balance column).
    pub balance_after: Option<Decimal>,
}

/// Opening plus lines is not closing, or an opening is not the previous closing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceGap {
    /// The statement's number or id as the file gives it, else its position (1-based).
    pub statement: String,
    pub expected: Decimal,
    pub found: Decimal,
    pub kind: GapKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapKind {
    /// Opening plus the lines differs from the stated closing.
    Closing,
    /// The opening differs from the previous statement's closing.
    Opening,
}

/// One thing wrong with a file, where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based row (CSV/XLS/XLSX), entry position (camt.053), or line number (MT940).
    pub row: Option<usize>,
    /// The column's header or letter (tables), the XML element or MT940 tag.
    pub column: Option<String>,
    pub kind: ProblemKind,
}

/// Why; each is one error reason with these parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// The format could not be told from the bytes, or the bytes are not that format.
    UnknownFormat,
    /// Not valid in the declared encoding.
    BadEncoding {
        encoding: String,
    },
    /// The encoding name is not one WHATWG knows.
    UnknownEncoding {
        encoding: String,
    },
    /// The mapping does not say where dates or amounts are, or names a column the header
    /// row does not have.
    MappingIncomplete {
        missing: String,
    },
    ColumnNotFound {
        column: String,
    },
    /// No row names the mapped date and amount columns.
    HeaderNotFound,
    BadDate {
        value: String,
    },
    BadAmount {
        value: String,
    },
    /// A line with no amount in either column, or zero.
    NoAmount,
    /// The file is not well formed (XML, MT940 structure, a spreadsheet that does not open).
    Malformed {
        detail: String,
    },
    TooManyLines {
        limit: usize,
    },
    TooLargeUnzipped {
        limit: u64,
    },
    /// A required element or field is missing (camt `Amt`, `BookgDt`; MT940 `:60F:`…).
    Missing {
        what: String,
    },
}

/// The format of `bytes`, told from its first bytes: a ZIP (XLSX), an OLE2 compound file
/// (XLS), XML with a camt.053 namespace or `BkToCstmrStmt`, an MT940 `:20:` block (optionally
/// after a `{1:` header), or else CSV.
pub fn sniff(bytes: &[u8]) -> Format {
    const ZIP: &[u8] = b"PK\x03\x04";
    const EMPTY_ZIP: &[u8] = b"PK\x05\x06";
    const OLE2: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.starts_with(ZIP) || bytes.starts_with(EMPTY_ZIP) {
        return Format::Xlsx;
    }
    if bytes.starts_with(OLE2) {
        return Format::Xls;
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    let text = text.get(start..).unwrap_or_default();
    if text.starts_with(b"<") {
        // The namespace or the root element sits in the first bytes of any camt.053; a long
        // comment or stylesheet instruction before it is allowed for.
        let head = text.get(..64 * 1024).unwrap_or(text);
        if contains(head, b"camt.053") || contains(head, b"BkToCstmrStmt") {
            return Format::Camt053;
        }
        if html_table::looks_like_html(bytes) {
            return Format::Xls;
        }
    } else if text.starts_with(b"{1:") || text.starts_with(b":20:") {
        return Format::Mt940;
    }
    Format::Csv
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Reads `bytes` as `format`. CSV, XLS and XLSX need `mapping`. All or nothing: every problem
/// found, by row and column, or the statement.
pub fn parse(
    format: Format,
    bytes: &[u8],
    mapping: Option<&CsvMapping>,
    limits: Limits,
) -> Result<Statement, Vec<Problem>> {
    match format {
        Format::Csv => csv_table::parse(bytes, mapping, limits),
        // Many banks' ".xls" is an HTML page with a table.
        Format::Xls if html_table::looks_like_html(bytes) => {
            html_table::parse(bytes, mapping, limits)
        }
        Format::Xls => spreadsheet::parse_xls(bytes, mapping, limits),
        Format::Xlsx => spreadsheet::parse_xlsx(bytes, mapping, limits),
        Format::Camt053 => camt053::parse(bytes, limits),
        Format::Mt940 => mt940::parse(bytes, mapping, limits),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_format_from_its_first_bytes() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Format::Xlsx);
        assert_eq!(
            sniff(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]),
            Format::Xls
        );
        let camt = b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">";
        assert_eq!(sniff(camt), Format::Camt053);
        assert_eq!(sniff(b"<Document><BkToCstmrStmt>"), Format::Camt053);
        assert_eq!(sniff(b"<html><body>"), Format::Csv);
        assert_eq!(
            sniff(b"\xEF\xBB\xBF<html><body><TABLE><tr><td>1</td>"),
            Format::Xls
        );
        assert_eq!(
            sniff(b"{1:F01BANKDEFFXXXX0000000000}{2:I940}{4:\r\n:20:X"),
            Format::Mt940
        );
        assert_eq!(sniff(b"\r\n:20:STMT1\r\n:25:123"), Format::Mt940);
        assert_eq!(sniff("交易日期,金额\n".as_bytes()), Format::Csv);
        assert_eq!(sniff(b""), Format::Csv);
    }

    #[test]
    fn a_table_without_a_mapping_is_refused() {
        let problems = parse(Format::Csv, b"a,b\n", None, Limits::default());
        assert_eq!(
            problems,
            Err(vec![Problem {
                row: None,
                column: None,
                kind: ProblemKind::MappingIncomplete {
                    missing: "mapping".into()
                },
            }])
        );
    }
}
