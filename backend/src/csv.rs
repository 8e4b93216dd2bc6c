//! CSV as spreadsheets read it: UTF-8 with a byte-order mark (so Excel shows Chinese text),
//! comma-separated, fields quoted when they need it, and cells that a spreadsheet would run as a
//! formula (`=`, `+`, `-`, `@` first) prefixed with `'`, so an exported name can never execute.
//!
//! Reading is a stream: [`Records`] hands out one row at a time and refuses a row that grows
//! past its limits while the row's bytes are still arriving, so no file is ever held whole.

use std::io::{self, Read};

/// Rows (the first is the header) as a CSV document.
pub fn write(rows: &[Vec<String>]) -> String {
    let mut out = String::from("\u{feff}");
    for row in rows {
        let cells: Vec<String> = row.iter().map(|cell| cell_text(cell)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

fn cell_text(cell: &str) -> String {
    // Numbers keep their sign; text that starts like a formula is defused.
    let defused = match cell.chars().next() {
        Some('=' | '+' | '@' | '\t' | '\r') => format!("'{cell}"),
        Some('-') if cell.parse::<f64>().is_err() => format!("'{cell}"),
        _ => cell.to_owned(),
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

/// Why a file could not be read as CSV, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

/// How large one row may grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowLimits {
    pub max_columns: usize,
    pub max_cell_bytes: usize,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";
const QUOTE_PROBLEM: &str = "a quoted field is not closed or a quote is misplaced";

/// Where the byte stream stands inside the current cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CellState {
    Start,
    Unquoted,
    Quoted,
    /// A quote inside a quoted cell: the cell's end, or the first half of `""`.
    QuoteInQuoted,
}

/// A reader that checks the shape of the CSV passing through it, byte by byte, before the csv
/// crate sees it.
///
/// Why not check the records the csv crate returns: it assembles a whole record before handing
/// it over, so 16 MB of commas would be one record of 16 million fields (and 128 MB of field
/// bounds) before a column count could refuse it. Checked here, a row can never grow past
/// `max_columns` cells of `max_cell_bytes`, so nothing downstream holds more than that.
///
/// It also strips a leading UTF-8 byte-order mark, refuses NUL bytes (Postgres cannot store
/// them in text) and quotes that RFC 4180 does not allow (the csv crate would read them
/// leniently, and a misplaced quote usually means a broken export), and notes the line each row
/// starts on, which the csv crate's own positions get wrong after blank lines and `\r\n`.
pub struct RowLimited<R> {
    inner: R,
    limits: RowLimits,
    /// Bytes read ahead to look for the byte-order mark, not yet passed on.
    head: Vec<u8>,
    head_checked: bool,
    cell: CellState,
    cell_bytes: usize,
    /// Cells of the current row begun so far, less one.
    commas: usize,
    /// Whether the current row has anything but line ends (blank lines are not rows).
    row_started: bool,
    line: usize,
    row_line: usize,
    /// The lines rows start on, for rows the csv crate has not returned yet.
    row_lines: std::collections::VecDeque<usize>,
    failure: Option<ParseError>,
}

impl<R: Read> RowLimited<R> {
    pub fn new(inner: R, limits: RowLimits) -> Self {
        RowLimited {
            inner,
            limits,
            head: Vec::new(),
            head_checked: false,
            cell: CellState::Start,
            cell_bytes: 0,
            commas: 0,
            row_started: false,
            line: 1,
            row_line: 1,
            row_lines: std::collections::VecDeque::new(),
            failure: None,
        }
    }

    fn read_head(&mut self) -> io::Result<()> {
        let mut head = [0u8; 3];
        let mut len = 0;
        while len < head.len() {
            match self.inner.read(&mut head[len..]) {
                Ok(0) => break,
                Ok(n) => len += n,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        }
        if &head[..len] != BOM {
            self.head = head[..len].to_vec();
        }
        self.head_checked = true;
        Ok(())
    }

    fn fail(&mut self, line: usize, message: String) -> ParseError {
        let error = ParseError { line, message };
        self.failure = Some(error.clone());
        error
    }

    fn grow_cell(&mut self) -> Result<(), ParseError> {
        self.cell_bytes += 1;
        if self.cell_bytes > self.limits.max_cell_bytes {
            let message = format!("at most {} bytes in one cell", self.limits.max_cell_bytes);
            return Err(self.fail(self.row_line, message));
        }
        Ok(())
    }

    fn step(&mut self, byte: u8) -> Result<(), ParseError> {
        if byte == 0 {
            let line = self.line;
            return Err(self.fail(
                line,
                "the file holds a NUL character; save it as UTF-8 text".to_owned(),
            ));
        }
        if byte == b'\n' {
            self.line += 1;
        }
        let terminator = matches!(byte, b'\r' | b'\n') && self.cell != CellState::Quoted;
        if !terminator && !self.row_started {
            self.row_started = true;
            self.row_lines.push_back(self.row_line);
        }
        match (self.cell, byte) {
            (CellState::Quoted, b'"') => self.cell = CellState::QuoteInQuoted,
            (CellState::Quoted, _) => self.grow_cell()?,
            (CellState::QuoteInQuoted, b'"') => {
                self.cell = CellState::Quoted;
                self.grow_cell()?;
            }
            (_, b',') => {
                self.commas += 1;
                if self.commas + 1 > self.limits.max_columns {
                    let message = format!("at most {} columns", self.limits.max_columns);
                    return Err(self.fail(self.row_line, message));
                }
                self.cell = CellState::Start;
                self.cell_bytes = 0;
            }
            (_, b'\r' | b'\n') => {
                self.cell = CellState::Start;
                self.cell_bytes = 0;
                self.commas = 0;
                self.row_started = false;
                self.row_line = self.line;
            }
            (CellState::Start, b'"') => self.cell = CellState::Quoted,
            // A quote inside an unquoted cell, or after a quoted cell was closed (`"ab"c"`).
            (CellState::Unquoted, b'"') => {
                let line = self.line;
                return Err(self.fail(line, QUOTE_PROBLEM.to_owned()));
            }
            (CellState::Start | CellState::Unquoted | CellState::QuoteInQuoted, _) => {
                self.cell = CellState::Unquoted;
                self.grow_cell()?;
            }
        }
        Ok(())
    }

    /// The line the next row the csv crate returns starts on.
    fn next_row_line(&mut self) -> Option<usize> {
        self.row_lines.pop_front()
    }
}

impl<R: Read> Read for RowLimited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(error) = &self.failure {
            return Err(io::Error::new(io::ErrorKind::InvalidData, error.clone()));
        }
        if buf.is_empty() {
            return Ok(0);
        }
        if !self.head_checked {
            self.read_head()?;
        }
        let n = if self.head.is_empty() {
            self.inner.read(buf)?
        } else {
            let n = self.head.len().min(buf.len());
            buf[..n].copy_from_slice(&self.head[..n]);
            self.head.drain(..n);
            n
        };
        if n == 0 && self.cell == CellState::Quoted {
            let line = self.row_line;
            let error = self.fail(line, QUOTE_PROBLEM.to_owned());
            return Err(io::Error::new(io::ErrorKind::InvalidData, error));
        }
        for &byte in &buf[..n] {
            self.step(byte)
                .map_err(|error| io::Error::new(io::ErrorKind::InvalidData, error))?;
        }
        Ok(n)
    }
}

/// CSV records read one at a time from a stream, within `limits`, each with the line it starts
/// on. Cells are trimmed of whitespace (Unicode's, so a full-width space goes too).
pub struct Records<R> {
    reader: csv::Reader<RowLimited<R>>,
}

impl<R: Read> Records<R> {
    pub fn new(source: R, limits: RowLimits) -> Self {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            // Rows with the wrong number of cells are reported by the caller, row by row.
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(RowLimited::new(source, limits));
        Records { reader }
    }

    /// Reads the next row into `record`; the line it starts on, or `None` after the last row.
    pub fn next_into(
        &mut self,
        record: &mut csv::StringRecord,
    ) -> Result<Option<usize>, ParseError> {
        match self.reader.read_record(record) {
            Ok(true) => {
                let fallback = record.position().map_or(1, |position| position.line());
                Ok(Some(self.reader.get_mut().next_row_line().unwrap_or(
                    usize::try_from(fallback).unwrap_or(usize::MAX),
                )))
            }
            Ok(false) => Ok(None),
            Err(error) => Err(self.parse_error(error)),
        }
    }

    fn parse_error(&mut self, error: csv::Error) -> ParseError {
        let line = error
            .position()
            .map_or_else(|| self.reader.position().line(), |position| position.line());
        let line = usize::try_from(line).unwrap_or(usize::MAX);
        match error.into_kind() {
            csv::ErrorKind::Io(error) => {
                match error
                    .get_ref()
                    .and_then(|inner| inner.downcast_ref::<ParseError>())
                {
                    Some(parse) => parse.clone(),
                    // The stream itself failed (an upload cut short, or too large); its text
                    // is written for the client (see `http::upload`).
                    None => ParseError {
                        line,
                        message: error.to_string(),
                    },
                }
            }
            csv::ErrorKind::Utf8 { .. } => ParseError {
                // The row was read whole, so its line is the next one noted.
                line: self.reader.get_mut().next_row_line().unwrap_or(line),
                message: "the file must be UTF-8 text".to_owned(),
            },
            _ => ParseError {
                line,
                message: "the file could not be read as CSV".to_owned(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_formula_defusing() {
        let out = write(&[
            vec!["name".into(), "amount".into()],
            vec!["Acme, Ltd \"East\"".into(), "-12.50".into()],
            vec!["=HYPERLINK(\"x\")".into(), "上海".into()],
        ]);
        assert!(out.starts_with('\u{feff}'));
        assert!(out.contains("\"Acme, Ltd \"\"East\"\"\",-12.50\r\n"));
        assert!(out.contains("\"'=HYPERLINK(\"\"x\"\")\",上海"));
    }

    const LIMITS: RowLimits = RowLimits {
        max_columns: 4,
        max_cell_bytes: 10,
    };

    fn read_all(text: &str) -> Result<Vec<(usize, Vec<String>)>, ParseError> {
        let mut records = Records::new(text.as_bytes(), LIMITS);
        let mut record = csv::StringRecord::new();
        let mut rows = Vec::new();
        while let Some(line) = records.next_into(&mut record)? {
            rows.push((line, record.iter().map(str::to_owned).collect()));
        }
        Ok(rows)
    }

    fn failure(text: &str) -> (usize, String) {
        let error = read_all(text).unwrap_err();
        (error.line, error.message)
    }

    #[test]
    fn reading_unquotes_skips_the_bom_and_blank_lines_and_keeps_each_row_line() {
        let rows =
            read_all("\u{feff}a,b\r\n\"x, \"\"y\"\"\",\"multi\nline\"\r\n\r\nlast,1").unwrap();
        assert_eq!(rows[0], (1, vec!["a".to_owned(), "b".to_owned()]));
        assert_eq!(
            rows[1],
            (2, vec!["x, \"y\"".to_owned(), "multi\nline".to_owned()])
        );
        assert_eq!(rows[2], (5, vec!["last".to_owned(), "1".to_owned()]));
        assert_eq!(rows.len(), 3);
        assert_eq!(
            read_all(" a ,\u{3000}b\n").unwrap(),
            [(1, vec!["a".to_owned(), "b".to_owned()])],
            "cells are trimmed, full-width spaces too"
        );
    }

    #[test]
    fn misplaced_quotes_and_nul_bytes_are_refused_with_their_line() {
        assert_eq!(failure("a,b\nc,\"open").0, 2);
        assert_eq!(failure("a,b\"c\n").0, 1);
        assert_eq!(failure("a,b\"c\n").1, QUOTE_PROBLEM);
        let (line, message) = failure("a,b\nc\0,d\n");
        assert_eq!(line, 2);
        assert!(message.contains("NUL"), "{message}");
    }

    #[test]
    fn a_row_is_refused_at_the_first_column_or_cell_over_the_limit() {
        assert_eq!(
            failure("a,b\nc,d,e,f,g\n"),
            (2, "at most 4 columns".to_owned())
        );
        assert_eq!(read_all("a,b,c,d\n").unwrap().len(), 1, "four columns fit");
        assert_eq!(
            failure("a\n\"12345\n67890\"\n"),
            (2, "at most 10 bytes in one cell".to_owned())
        );
        assert_eq!(read_all("1234567890,\"\"\"\"\n").unwrap()[0].1[1], "\"");
    }

    #[test]
    fn a_file_that_is_not_utf8_names_the_line() {
        let mut records = Records::new(&b"a,b\nc,\xff\n"[..], LIMITS);
        let mut record = csv::StringRecord::new();
        assert_eq!(records.next_into(&mut record), Ok(Some(1)));
        let error = records.next_into(&mut record).unwrap_err();
        assert_eq!(
            (error.line, error.message.as_str()),
            (2, "the file must be UTF-8 text")
        );
    }
}
