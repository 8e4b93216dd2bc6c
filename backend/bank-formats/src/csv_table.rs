//! CSV exports: decoded (UTF-8 with or without a BOM, GBK, GB18030, any WHATWG label), the
//! delimiter told from the first rows, then read record by record through the table reader.

use encoding_rs::{Encoding, UTF_8};

use crate::problems::only;
use crate::table::{Cell, Flow, TableReader};
use crate::{CsvMapping, Limits, Problem, ProblemKind, Statement};

pub(crate) fn parse(
    bytes: &[u8],
    mapping: Option<&CsvMapping>,
    limits: Limits,
) -> Result<Statement, Vec<Problem>> {
    let mut table = TableReader::new(mapping, limits)?;
    let label = mapping.and_then(|m| m.encoding.as_deref());
    let text = decode(bytes, label)?;
    let delimiter = sniff_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter {
        bytes: text.as_bytes(),
        offset: 0,
        line: 1,
    };
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                let row = error.position().map(|p| lines.line_at(p.byte()));
                return Err(vec![Problem {
                    row,
                    column: None,
                    kind: ProblemKind::Malformed {
                        detail: error.to_string(),
                    },
                }]);
            }
        }
        let row = record
            .position()
            .map_or(lines.line, |p| lines.line_at(p.byte()));
        let cells: Vec<Cell> = record.iter().map(cell).collect();
        if let Flow::Stop = table.row(row, &cells) {
            break;
        }
    }
    table.finish()
}

/// The 1-based line a record starts on. The csv reader gives where the previous record ended
/// (before its line end and any blank lines), not a line number that counts those; line ends
/// are skipped from there and counted.
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: usize,
}

impl LineCounter<'_> {
    fn line_at(&mut self, byte: u64) -> usize {
        let byte = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        let rest = self.bytes.get(byte..).unwrap_or_default();
        let start = byte
            + rest
                .iter()
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count();
        if start > self.offset {
            let skipped = self.bytes.get(self.offset..start).unwrap_or_default();
            self.line += skipped.iter().filter(|&&b| b == b'\n').count();
            self.offset = start;
        }
        self.line
    }
}

/// A field as a cell: spreadsheet text guards (`="0012"`, a tab before digits) dropped.
fn cell(field: &str) -> Cell {
    let field = field.trim();
    let field = field
        .strip_prefix("=\"")
        .and_then(|f| f.strip_suffix('"'))
        .unwrap_or(field);
    if field.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(field.to_owned())
    }
}

/// The text of `bytes` in the encoding labelled `label` (UTF-8 when none). A byte order mark
/// decides over the label, and is dropped.
pub(crate) fn decode(bytes: &[u8], label: Option<&str>) -> Result<String, Vec<Problem>> {
    let label = label.map(str::trim).filter(|l| !l.is_empty());
    let encoding = match label {
        None => UTF_8,
        Some(label) => Encoding::for_label(label.as_bytes()).ok_or_else(|| {
            only(ProblemKind::UnknownEncoding {
                encoding: label.to_owned(),
            })
        })?,
    };
    let (encoding, bom) = Encoding::for_bom(bytes).unwrap_or((encoding, 0));
    let body = bytes.get(bom..).unwrap_or_default();
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(body.len())
        .ok_or_else(|| {
            only(ProblemKind::Malformed {
                detail: "file too large".into(),
            })
        })?;
    let mut text = String::with_capacity(capacity);
    let (result, read) = decoder.decode_to_string_without_replacement(body, &mut text, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => Ok(text),
        encoding_rs::DecoderResult::Malformed(bad, _) => {
            // The bad bytes end at `read`; lines end with `\n`, which no multi-byte character
            // holds in these encodings.
            let at = read.saturating_sub(usize::from(bad));
            let row = body
                .get(..at)
                .unwrap_or_default()
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            Err(vec![Problem {
                row: Some(row),
                column: None,
                kind: ProblemKind::BadEncoding {
                    encoding: encoding.name().to_owned(),
                },
            }])
        }
        encoding_rs::DecoderResult::OutputFull => Err(only(ProblemKind::Malformed {
            detail: "could not decode the file".into(),
        })),
    }
}

/// Comma, semicolon or tab: the one that splits the first rows most consistently into more
/// than one field. Comma on a tie: title rows and quoted amounts make others look good too.
fn sniff_delimiter(text: &str) -> u8 {
    let sample: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(30)
        .collect();
    let mut best = (b',', 0usize);
    for delimiter in [b',', b';', b'\t'] {
        let counts: Vec<usize> = sample
            .iter()
            .map(|line| count_outside_quotes(line, delimiter) + 1)
            .collect();
        // Rows that have the most common field count (above one).
        let score = counts
            .iter()
            .filter(|&&n| n > 1)
            .map(|&n| counts.iter().filter(|&&m| m == n).count())
            .max()
            .unwrap_or(0);
        if score > best.1 {
            best = (delimiter, score);
        }
    }
    best.0
}

fn count_outside_quotes(line: &str, delimiter: u8) -> usize {
    let mut quoted = false;
    line.bytes()
        .filter(|&b| {
            if b == b'"' {
                quoted = !quoted;
            }
            b == delimiter && !quoted
        })
        .count()
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    use super::*;
    use crate::{Format, Line, problems::MAX_PROBLEMS};

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn chinese_mapping() -> CsvMapping {
        CsvMapping {
            encoding: Some("GBK".into()),
            date: Some("交易日期".into()),
            debit: Some("借方发生额".into()),
            credit: Some("贷方发生额".into()),
            balance: Some("余额".into()),
            payer_name: Some("对方户名".into()),
            payer_account: Some("对方账号".into()),
            remark: Some("附言".into()),
            ..CsvMapping::default()
        }
    }

    const CHINESE_EXPORT: &str = "\
中国工商银行 账户明细查询\r
账号：6222020200112233445,币种：人民币,起止日期：2024-03-01至2024-03-31\r
交易日期,摘要,借方发生额,贷方发生额,余额,对方户名,对方账号,附言\r
2024-03-01,转账,,\"12,500.00\",\"112,500.00\",上海明远贸易有限公司,=\"31001234567890\",INV-2024-0031 货款\r
2024/03/02,手续费,￥15.00,,\"112,485.00\",,,\r
20240305,汇款,\"2,000.00\",-,\"110,485.00\",杭州青松科技有限公司,6217000011112222,\r
\r
合计,,\"2,015.00\",\"12,500.00\",,,,\r
";

    fn gbk(text: &str) -> Vec<u8> {
        let (bytes, _, errors) = encoding_rs::GBK.encode(text);
        assert!(!errors);
        bytes.into_owned()
    }

    #[test]
    fn reads_a_gbk_export_with_title_rows_and_a_total() {
        let bytes = gbk(CHINESE_EXPORT);
        assert!(
            std::str::from_utf8(&bytes).is_err(),
            "the sample is really GBK"
        );
        let mapping = chinese_mapping();
        let statement =
            crate::parse(Format::Csv, &bytes, Some(&mapping), Limits::default()).unwrap();
        assert_eq!(statement.period_from, Some(ymd(2024, 3, 1)));
        assert_eq!(statement.period_to, Some(ymd(2024, 3, 5)));
        assert_eq!(statement.account, None);
        assert_eq!(
            statement.lines,
            vec![
                Line {
                    row: 4,
                    booked_on: ymd(2024, 3, 1),
                    amount: dec("12500.00"),
                    currency: None,
                    payer_name: Some("上海明远贸易有限公司".into()),
                    payer_account: Some("31001234567890".into()),
                    remark: Some("INV-2024-0031 货款".into()),
                    reference: None,
                    bank_ref: None,
                    balance_after: Some(dec("112500.00")),
                },
                Line {
                    row: 5,
                    booked_on: ymd(2024, 3, 2),
                    amount: dec("-15.00"),
                    currency: None,
                    payer_name: None,
                    payer_account: None,
                    remark: None,
                    reference: None,
                    bank_ref: None,
                    balance_after: Some(dec("112485.00")),
                },
                Line {
                    row: 6,
                    booked_on: ymd(2024, 3, 5),
                    amount: dec("-2000.00"),
                    currency: None,
                    payer_name: Some("杭州青松科技有限公司".into()),
                    payer_account: Some("6217000011112222".into()),
                    remark: None,
                    reference: None,
                    bank_ref: None,
                    balance_after: Some(dec("110485.00")),
                },
            ]
        );
    }

    #[test]
    fn reads_gb18030_and_a_given_header_row() {
        let bytes = gbk(CHINESE_EXPORT);
        let mapping = CsvMapping {
            encoding: Some("gb18030".into()),
            header_row: Some(3),
            ..chinese_mapping()
        };
        let statement = parse(&bytes, Some(&mapping), Limits::default()).unwrap();
        assert_eq!(statement.lines.len(), 3);
    }

    #[test]
    fn reads_utf8_with_a_bom_and_a_signed_amount() {
        let text = "\u{feff}Booking date;Amount;Counterparty;Purpose;Reference\n\
                    05.01.2024;1.234,50;ACME GmbH;Invoice 42;E2E-1\n";
        // Semicolons, but amounts with a comma decimal are refused: the mapping reads `.`.
        let mapping = CsvMapping {
            date: Some("booking date".into()),
            date_format: Some("%d.%m.%Y".into()),
            amount: Some("AMOUNT".into()),
            ..CsvMapping::default()
        };
        let problems = parse(text.as_bytes(), Some(&mapping), Limits::default()).unwrap_err();
        assert_eq!(
            problems,
            vec![Problem {
                row: Some(2),
                column: Some("Amount".into()),
                kind: ProblemKind::BadAmount {
                    value: "1.234,50".into()
                },
            }]
        );

        let text = "\u{feff}Date,Amount,Payer,Memo,Ref\n\
                    2024-01-05,\"1,234.50\",ACME Ltd,Invoice 42,E2E-1\n\
                    2024-01-06 09:30:00,(99.90),,Card fee,\n\
                    2024-01-07,-5,,,\n";
        let mapping = CsvMapping {
            date: Some("Date".into()),
            amount: Some("Amount".into()),
            payer_name: Some("Payer".into()),
            remark: Some("Memo".into()),
            reference: Some("Ref".into()),
            ..CsvMapping::default()
        };
        let statement = parse(text.as_bytes(), Some(&mapping), Limits::default()).unwrap();
        let amounts: Vec<Decimal> = statement.lines.iter().map(|l| l.amount).collect();
        assert_eq!(amounts, vec![dec("1234.50"), dec("-99.90"), dec("-5")]);
        let first = &statement.lines[0];
        assert_eq!(first.row, 2);
        assert_eq!(first.payer_name.as_deref(), Some("ACME Ltd"));
        assert_eq!(first.remark.as_deref(), Some("Invoice 42"));
        assert_eq!(first.reference.as_deref(), Some("E2E-1"));
        assert_eq!(statement.lines[1].booked_on, ymd(2024, 1, 6));
    }

    #[test]
    fn reads_tabs_and_column_letters_without_a_header() {
        let text = "Statement of account\n2024-01-05\t100.00\tA Ltd\n2024-01-06\t-3.00\t\n";
        let mapping = CsvMapping {
            date: Some("A".into()),
            amount: Some("B".into()),
            payer_name: Some("C".into()),
            ..CsvMapping::default()
        };
        let statement = parse(text.as_bytes(), Some(&mapping), Limits::default()).unwrap();
        assert_eq!(statement.lines.len(), 2);
        assert_eq!(statement.lines[0].row, 2);
        // A title above the table does not name the columns; a header row does.
        let bad = "Statement of account\n2024-01-05\tx\n";
        let problems = parse(bad.as_bytes(), Some(&mapping), Limits::default()).unwrap_err();
        assert_eq!(problems[0].column.as_deref(), Some("B"));
        let bad = "Day\tSum\n2024-01-05\tx\n";
        let problems = parse(bad.as_bytes(), Some(&mapping), Limits::default()).unwrap_err();
        assert_eq!(problems[0].column.as_deref(), Some("Sum"));
        assert_eq!(statement.lines[0].payer_name.as_deref(), Some("A Ltd"));
        assert_eq!(statement.lines[1].amount, dec("-3.00"));
    }

    #[test]
    fn names_every_bad_cell_by_row_and_header() {
        let text = "交易日期,摘要,借方发生额,贷方发生额,余额,对方户名,对方账号,附言\n\
                    2024-02-30,转账,,100.00,,,,\n\
                    2024-03-01,转账,,12.34.5,,,,\n\
                    2024-03-02,转账,,,,,,\n\
                    2024-03-03,转账,1.00,2.00,,,,\n\
                    ,无日期,,5.00,,,,\n\
                    2024-03-04,转账,,5.00,abc,,,\n";
        let mapping = CsvMapping {
            encoding: None,
            ..chinese_mapping()
        };
        let problems = parse(text.as_bytes(), Some(&mapping), Limits::default()).unwrap_err();
        let at = |row: usize, column: &str, kind: ProblemKind| Problem {
            row: Some(row),
            column: Some(column.into()),
            kind,
        };
        assert_eq!(
            problems,
            vec![
                at(
                    2,
                    "交易日期",
                    ProblemKind::BadDate {
                        value: "2024-02-30".into()
                    }
                ),
                at(
                    3,
                    "贷方发生额",
                    ProblemKind::BadAmount {
                        value: "12.34.5".into()
                    }
                ),
                at(4, "贷方发生额", ProblemKind::NoAmount),
                at(
                    5,
                    "借方发生额",
                    ProblemKind::BadAmount {
                        value: "1.00 / 2.00".into()
                    }
                ),
                at(
                    6,
                    "交易日期",
                    ProblemKind::Missing {
                        what: "交易日期".into()
                    }
                ),
                at(
                    7,
                    "余额",
                    ProblemKind::BadAmount {
                        value: "abc".into()
                    }
                ),
            ]
        );
    }

    #[test]
    fn refuses_bad_encoding_unknown_labels_and_missing_columns() {
        let mapping = chinese_mapping();
        let bytes = [gbk("交易日期,借方发生额\n").as_slice(), b"\x81\n"].concat();
        let problems = parse(&bytes, Some(&mapping), Limits::default()).unwrap_err();
        assert_eq!(problems[0].row, Some(2));
        assert_eq!(
            problems[0].kind,
            ProblemKind::BadEncoding {
                encoding: "GBK".into()
            }
        );

        let utf8 = CsvMapping {
            encoding: None,
            ..chinese_mapping()
        };
        let problems = parse(b"a,b\n\xff\n", Some(&utf8), Limits::default()).unwrap_err();
        assert_eq!(problems[0].row, Some(2));

        let unknown = CsvMapping {
            encoding: Some("klingon".into()),
            ..chinese_mapping()
        };
        let problems = parse(b"", Some(&unknown), Limits::default()).unwrap_err();
        assert_eq!(
            problems[0].kind,
            ProblemKind::UnknownEncoding {
                encoding: "klingon".into()
            }
        );

        let problems = parse(
            "交易日期,贷方发生额\n".as_bytes(),
            Some(&utf8),
            Limits::default(),
        )
        .unwrap_err();
        let missing: Vec<_> = problems.iter().map(|p| (p.row, p.kind.clone())).collect();
        assert!(missing.contains(&(
            Some(1),
            ProblemKind::ColumnNotFound {
                column: "借方发生额".into()
            }
        )));
        assert!(missing.contains(&(
            Some(1),
            ProblemKind::ColumnNotFound {
                column: "附言".into()
            }
        )));

        let problems = parse(b"x,y\n1,2\n", Some(&utf8), Limits::default()).unwrap_err();
        assert_eq!(problems, only(ProblemKind::HeaderNotFound));

        let incomplete = CsvMapping::default();
        let problems = parse(b"x\n", Some(&incomplete), Limits::default()).unwrap_err();
        assert_eq!(problems.len(), 2);
    }

    #[test]
    fn stops_at_the_line_limit_while_reading() {
        let mut text = String::from("Date,Amount\n");
        for day in 1..=9 {
            text.push_str(&format!("2024-01-0{day},1.00\n"));
        }
        text.push_str("this row is never read,\n");
        let mapping = CsvMapping {
            date: Some("Date".into()),
            amount: Some("Amount".into()),
            ..CsvMapping::default()
        };
        let limits = Limits {
            max_lines: 5,
            ..Limits::default()
        };
        let problems = parse(text.as_bytes(), Some(&mapping), limits).unwrap_err();
        assert_eq!(
            problems,
            vec![Problem {
                row: Some(7),
                column: None,
                kind: ProblemKind::TooManyLines { limit: 5 },
            }]
        );
    }

    #[test]
    fn caps_the_problems_kept() {
        let mut text = String::from("Date,Amount\n");
        for _ in 0..1000 {
            text.push_str("2024-01-01,x\n");
        }
        let mapping = CsvMapping {
            date: Some("Date".into()),
            amount: Some("Amount".into()),
            ..CsvMapping::default()
        };
        let problems = parse(text.as_bytes(), Some(&mapping), Limits::default()).unwrap_err();
        assert_eq!(problems.len(), MAX_PROBLEMS);
    }

    #[test]
    fn a_debit_is_money_out_whatever_its_sign() {
        let text =
            "Buchungstag;Soll;Haben\n2024-01-02;-50.00;\n2024-01-03;50.00;\n2024-01-04;;-7.00\n";
        let mapping = CsvMapping {
            date: Some("Buchungstag".into()),
            debit: Some("Soll".into()),
            credit: Some("Haben".into()),
            ..CsvMapping::default()
        };
        let statement = parse(text.as_bytes(), Some(&mapping), Limits::default()).unwrap();
        let amounts: Vec<Decimal> = statement.lines.iter().map(|l| l.amount).collect();
        assert_eq!(amounts, vec![dec("-50.00"), dec("-50.00"), dec("-7.00")]);
    }

    #[test]
    fn counts_rows_as_lines_of_the_file() {
        let text =
            "Date,Amount,Memo\r\n\r\n2024-01-01,1,\"two\r\nlines\"\r\n\r\n\r\n2024-01-02,2,x\r\n";
        let mapping = CsvMapping {
            date: Some("Date".into()),
            amount: Some("Amount".into()),
            remark: Some("Memo".into()),
            ..CsvMapping::default()
        };
        let statement = parse(text.as_bytes(), Some(&mapping), Limits::default()).unwrap();
        let rows: Vec<usize> = statement.lines.iter().map(|l| l.row).collect();
        assert_eq!(rows, vec![3, 7]);
        assert_eq!(statement.lines[0].remark.as_deref(), Some("two\r\nlines"));
    }

    #[test]
    fn tells_the_delimiter() {
        assert_eq!(sniff_delimiter("a;b;c\n1;2;3\n"), b';');
        assert_eq!(sniff_delimiter("a\tb\tc\n1\t\"2,5\"\t3\n"), b'\t');
        assert_eq!(sniff_delimiter("a,b\n\"1;2\",3\n"), b',');
        assert_eq!(sniff_delimiter("title\n"), b',');
    }
}
