//! XLSX and XLS exports, through calamine, read row by row into the table reader. The first
//! visible worksheet is read. An XLSX's unzipped size is summed from its zip directory before
//! calamine opens it; its worksheet is then streamed cell by cell, so the line limit stops it
//! early. An XLS is looked over first (`xls_guard`): calamine reads all of it at open. Date
//! cells (serial numbers with a date format) become dates.

use std::io::Cursor;

use calamine::{Data, DataRef, ExcelDateTime, Reader, Sheet, SheetType, SheetVisible, Xls, Xlsx};

use crate::problems::only;
use crate::table::{Cell, Flow, TableReader};
use crate::xls_guard::{self, Refusal};
use crate::{CsvMapping, Limits, Problem, ProblemKind, Statement};

/// Columns an XLSX worksheet can have; cells claimed past it are ignored.
const MAX_COLUMNS: usize = 16_384;

pub(crate) fn parse_xlsx(
    bytes: &[u8],
    mapping: Option<&CsvMapping>,
    limits: Limits,
) -> Result<Statement, Vec<Problem>> {
    guarded(|| read_xlsx(bytes, mapping, limits))
}

pub(crate) fn parse_xls(
    bytes: &[u8],
    mapping: Option<&CsvMapping>,
    limits: Limits,
) -> Result<Statement, Vec<Problem>> {
    guarded(|| read_xls(bytes, mapping, limits))
}

/// calamine decodes binary formats that a hostile file can bend every way; should it panic
/// on one, the file is refused as malformed instead of the panic reaching the caller.
fn guarded(
    read: impl FnOnce() -> Result<Statement, Vec<Problem>>,
) -> Result<Statement, Vec<Problem>> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|_| {
        Err(only(ProblemKind::Malformed {
            detail: "the workbook could not be read".into(),
        }))
    })
}

fn read_xlsx(
    bytes: &[u8],
    mapping: Option<&CsvMapping>,
    limits: Limits,
) -> Result<Statement, Vec<Problem>> {
    let mut table = TableReader::new(mapping, limits)?;
    check_unzipped_size(bytes, limits.max_unzipped_bytes)?;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(malformed)?;
    let name = first_sheet(workbook.sheets_metadata())?;
    let mut cells = workbook.worksheet_cells_reader(&name).map_err(malformed)?;
    let mut row_number: Option<u32> = None;
    let mut row: Vec<Cell> = Vec::new();
    while let Some(cell) = cells.next_cell().map_err(malformed)? {
        let (r, c) = cell.get_position();
        if row_number != Some(r) {
            if let Some(done) = row_number
                && let Flow::Stop = table.row(one_based(done), &row)
            {
                return table.finish();
            }
            row.clear();
            row_number = Some(r);
        }
        let value = from_data_ref(cell.get_value());
        let Ok(c) = usize::try_from(c) else { continue };
        if c >= MAX_COLUMNS || value == Cell::Empty {
            continue;
        }
        if row.len() <= c {
            row.resize(c + 1, Cell::Empty);
        }
        if let Some(slot) = row.get_mut(c) {
            *slot = value;
        }
    }
    if let Some(done) = row_number {
        table.row(one_based(done), &row);
    }
    table.finish()
}

fn read_xls(
    bytes: &[u8],
    mapping: Option<&CsvMapping>,
    limits: Limits,
) -> Result<Statement, Vec<Problem>> {
    let mut table = TableReader::new(mapping, limits)?;
    let limit = limits.max_unzipped_bytes;
    xls_guard::check(bytes, limit).map_err(|refusal| match refusal {
        Refusal::Malformed(detail) => only(ProblemKind::Malformed {
            detail: detail.into(),
        }),
        Refusal::TooLarge => only(ProblemKind::TooLargeUnzipped { limit }),
    })?;
    let mut workbook: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(malformed)?;
    let name = first_sheet(workbook.sheets_metadata())?;
    let range = workbook.worksheet_range(&name).map_err(malformed)?;
    let Some((first_row, first_column)) = range.start() else {
        return table.finish();
    };
    let padding = usize::try_from(first_column).unwrap_or(0).min(MAX_COLUMNS);
    for (offset, cells) in range.rows().enumerate() {
        let row: Vec<Cell> = std::iter::repeat_n(Cell::Empty, padding)
            .chain(cells.iter().map(from_data))
            .collect();
        let number = one_based(first_row).saturating_add(offset);
        if let Flow::Stop = table.row(number, &row) {
            break;
        }
    }
    table.finish()
}

fn one_based(row: u32) -> usize {
    usize::try_from(row).unwrap_or(usize::MAX).saturating_add(1)
}

/// Refuses an XLSX whose entries would unzip to more than `limit` bytes, from the sizes its
/// zip directory states (the zip reader then stops any entry at its stated size).
fn check_unzipped_size(bytes: &[u8], limit: u64) -> Result<(), Vec<Problem>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(malformed)?;
    let mut total = 0u64;
    for index in 0..archive.len() {
        let entry = archive.by_index_raw(index).map_err(malformed)?;
        total = total.saturating_add(entry.size());
        if total > limit {
            return Err(only(ProblemKind::TooLargeUnzipped { limit }));
        }
    }
    Ok(())
}

/// The first visible worksheet, else the first worksheet.
fn first_sheet(sheets: &[Sheet]) -> Result<String, Vec<Problem>> {
    let worksheets = || sheets.iter().filter(|s| s.typ == SheetType::WorkSheet);
    worksheets()
        .find(|s| s.visible == SheetVisible::Visible)
        .or_else(|| worksheets().next())
        .map(|s| s.name.clone())
        .ok_or_else(|| {
            only(ProblemKind::Malformed {
                detail: "the workbook has no worksheet".into(),
            })
        })
}

fn malformed(error: impl std::fmt::Display) -> Vec<Problem> {
    only(ProblemKind::Malformed {
        detail: error.to_string(),
    })
}

/// Excel's last day, 9999-12-31, as a serial number.
const MAX_SERIAL: f64 = 2_958_466.0;

fn from_date_time(value: &ExcelDateTime) -> Cell {
    let serial = value.as_f64();
    // calamine's conversion panics far outside Excel's range (a hostile file can hold any
    // number), so only Excel's days are converted.
    let in_range = (0.0..MAX_SERIAL).contains(&serial);
    if in_range
        && value.is_datetime()
        && let Some(dt) = value.as_datetime()
    {
        return Cell::Date(dt.date());
    }
    Cell::Float(serial)
}

fn from_data_ref(value: &DataRef<'_>) -> Cell {
    match value {
        DataRef::Empty => Cell::Empty,
        DataRef::Int(i) => Cell::Int(*i),
        DataRef::Float(f) => Cell::Float(*f),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            Cell::Text(s.clone())
        }
        DataRef::SharedString(s) => Cell::Text((*s).to_owned()),
        DataRef::Bool(b) => Cell::Text(b.to_string()),
        DataRef::DateTime(dt) => from_date_time(dt),
        DataRef::Error(e) => Cell::Text(e.to_string()),
    }
}

fn from_data(value: &Data) -> Cell {
    match value {
        Data::Empty => Cell::Empty,
        Data::Int(i) => Cell::Int(*i),
        Data::Float(f) => Cell::Float(*f),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Bool(b) => Cell::Text(b.to_string()),
        Data::DateTime(dt) => from_date_time(dt),
        Data::Error(e) => Cell::Text(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use chrono::NaiveDate;
    use rust_decimal::Decimal;
    use rust_xlsxwriter::{ExcelDateTime, Format as XlsxFormat, Workbook};

    use super::*;
    use crate::{Format, sniff};

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// A China Merchants Bank-like export: a title, a blank row, the header on row 3, date
    /// cells, numbers, an account typed as a number, and a total.
    fn cmb_export() -> Vec<u8> {
        let mut workbook = Workbook::new();
        let hidden = workbook.add_worksheet();
        hidden.set_name("说明").unwrap();
        hidden.write_string(0, 0, "not this one").unwrap();
        hidden.set_hidden(true);
        let sheet = workbook.add_worksheet();
        sheet.set_name("交易明细").unwrap();
        // The sheet Excel opens on; the first one cannot be hidden while it is that.
        sheet.set_active(true);
        let date = XlsxFormat::new().set_num_format("yyyy-mm-dd");
        sheet
            .write_string(0, 0, "招商银行 账务明细 2024年01月")
            .unwrap();
        let headers = [
            "交易日",
            "收入",
            "支出",
            "余额",
            "对方户名",
            "对方账号",
            "摘要",
        ];
        for (column, header) in (0u16..).zip(headers) {
            sheet.write_string(2, column, header).unwrap();
        }
        let day = |d: u8| ExcelDateTime::from_ymd(2024, 1, d).unwrap();
        sheet
            .write_datetime_with_format(3, 0, day(8), &date)
            .unwrap();
        sheet.write_number(3, 1, 3200.0).unwrap();
        sheet.write_number(3, 3, 103_200.0).unwrap();
        sheet
            .write_string(3, 4, "北京云杉信息技术有限公司")
            .unwrap();
        sheet.write_number(3, 5, 110_923_456_710_101.0).unwrap();
        sheet.write_string(3, 6, "RCP-0108").unwrap();
        sheet
            .write_datetime_with_format(4, 0, day(9), &date)
            .unwrap();
        sheet.write_string(4, 2, "1,000.25").unwrap();
        sheet.write_number(4, 3, 102_199.75).unwrap();
        sheet.write_string(6, 0, "合计").unwrap();
        sheet.write_number(6, 1, 3200.0).unwrap();
        sheet.write_number(6, 2, 1000.25).unwrap();
        workbook.save_to_buffer().unwrap()
    }

    fn cmb_mapping() -> CsvMapping {
        CsvMapping {
            date: Some("交易日".into()),
            credit: Some("收入".into()),
            debit: Some("支出".into()),
            balance: Some("余额".into()),
            payer_name: Some("对方户名".into()),
            payer_account: Some("对方账号".into()),
            remark: Some("G".into()),
            ..CsvMapping::default()
        }
    }

    #[test]
    fn reads_an_xlsx_written_in_memory() {
        let bytes = cmb_export();
        assert_eq!(sniff(&bytes), Format::Xlsx);
        let statement = crate::parse(
            Format::Xlsx,
            &bytes,
            Some(&cmb_mapping()),
            Limits::default(),
        )
        .unwrap();
        assert_eq!(statement.lines.len(), 2);
        let first = &statement.lines[0];
        assert_eq!(first.row, 4);
        assert_eq!(first.booked_on, ymd(2024, 1, 8));
        assert_eq!(first.amount, dec("3200"));
        assert_eq!(first.balance_after, Some(dec("103200")));
        assert_eq!(
            first.payer_name.as_deref(),
            Some("北京云杉信息技术有限公司")
        );
        assert_eq!(first.payer_account.as_deref(), Some("110923456710101"));
        assert_eq!(first.remark.as_deref(), Some("RCP-0108"));
        let second = &statement.lines[1];
        assert_eq!(second.row, 5);
        assert_eq!(second.booked_on, ymd(2024, 1, 9));
        assert_eq!(second.amount, dec("-1000.25"));
        assert_eq!(statement.period_to, Some(ymd(2024, 1, 9)));
    }

    #[test]
    fn refuses_an_xlsx_that_unzips_past_the_limit() {
        let bytes = cmb_export();
        let limits = Limits {
            max_unzipped_bytes: 2_000,
            ..Limits::default()
        };
        let problems = parse_xlsx(&bytes, Some(&cmb_mapping()), limits).unwrap_err();
        assert_eq!(
            problems,
            only(ProblemKind::TooLargeUnzipped { limit: 2_000 })
        );
    }

    #[test]
    fn stops_an_xlsx_at_the_line_limit() {
        let limits = Limits {
            max_lines: 1,
            ..Limits::default()
        };
        let problems = parse_xlsx(&cmb_export(), Some(&cmb_mapping()), limits).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].kind, ProblemKind::TooManyLines { limit: 1 });
        assert_eq!(problems[0].row, Some(5));
    }

    #[test]
    fn names_bad_spreadsheet_cells() {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.write_string(0, 0, "Date").unwrap();
        sheet.write_string(0, 1, "Amount").unwrap();
        sheet.write_string(1, 0, "yesterday").unwrap();
        sheet.write_number(1, 1, 5.0).unwrap();
        sheet.write_number(2, 0, 45_300.0).unwrap();
        sheet.write_string(2, 1, "five").unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        let mapping = CsvMapping {
            date: Some("date".into()),
            amount: Some("amount".into()),
            ..CsvMapping::default()
        };
        let problems = parse_xlsx(&bytes, Some(&mapping), Limits::default()).unwrap_err();
        let at = |row, column: &str, kind| Problem {
            row: Some(row),
            column: Some(column.into()),
            kind,
        };
        assert_eq!(
            problems,
            vec![
                at(
                    2,
                    "Date",
                    ProblemKind::BadDate {
                        value: "yesterday".into()
                    }
                ),
                at(
                    3,
                    "Amount",
                    ProblemKind::BadAmount {
                        value: "five".into()
                    }
                ),
            ]
        );
    }

    #[test]
    fn refuses_dates_outside_excel_days_and_survives_a_reader_panic() {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        let date = XlsxFormat::new().set_num_format("yyyy-mm-dd");
        sheet.write_string(0, 0, "Date").unwrap();
        sheet.write_string(0, 1, "Amount").unwrap();
        sheet.write_number_with_format(1, 0, -1e300, &date).unwrap();
        sheet.write_number(1, 1, 1.0).unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        let mapping = CsvMapping {
            date: Some("Date".into()),
            amount: Some("Amount".into()),
            ..CsvMapping::default()
        };
        let problems = parse_xlsx(&bytes, Some(&mapping), Limits::default()).unwrap_err();
        assert!(
            matches!(problems[0].kind, ProblemKind::BadDate { .. }),
            "{problems:?}"
        );

        let problems = guarded(|| panic!("a reader bug")).unwrap_err();
        assert!(matches!(problems[0].kind, ProblemKind::Malformed { .. }));
    }

    #[test]
    fn reads_an_xls_fixture() {
        let bytes = include_bytes!("../tests/fixtures/boc-export.xls");
        assert_eq!(sniff(bytes), Format::Xls);
        let mapping = CsvMapping {
            date: Some("交易日期".into()),
            amount: Some("交易金额".into()),
            payer_name: Some("对方户名".into()),
            payer_account: Some("对方账号".into()),
            remark: Some("附言".into()),
            ..CsvMapping::default()
        };
        let statement =
            crate::parse(Format::Xls, bytes, Some(&mapping), Limits::default()).unwrap();
        assert_eq!(statement.lines.len(), 2);
        assert_eq!(statement.lines[0].row, 4);
        assert_eq!(statement.lines[0].booked_on, ymd(2024, 4, 1));
        assert_eq!(statement.lines[0].amount, dec("8800.5"));
        assert_eq!(
            statement.lines[0].payer_account.as_deref(),
            Some("755912345610801")
        );
        assert_eq!(statement.lines[1].booked_on, ymd(2024, 4, 2));
        assert_eq!(statement.lines[1].amount, dec("-120"));
        assert_eq!(statement.lines[1].remark.as_deref(), Some("手续费"));
    }

    #[test]
    fn refuses_bytes_that_are_no_workbook() {
        let mapping = cmb_mapping();
        for format in [Format::Xlsx, Format::Xls] {
            let problems = crate::parse(
                format,
                b"PK\x03\x04 not a zip",
                Some(&mapping),
                Limits::default(),
            )
            .unwrap_err();
            assert!(
                matches!(problems[0].kind, ProblemKind::Malformed { .. }),
                "{format:?}: {problems:?}"
            );
        }
    }
}
