//! Rows of a table (a CSV file or a worksheet) read through a [`CsvMapping`] into lines.
//!
//! Rows arrive one at a time, as the file is read, with their 1-based row number in the file.
//! Rows above the header are skipped; so are blank rows and summary rows ("合计", "Total") and,
//! after the table, rows without a date. A row without a date that is followed by dated rows
//! is a problem: it is inside the table.

use std::borrow::Cow;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::amounts::{from_float, is_blank_amount, parse_table_amount};
use crate::dates::{from_number, parse_table_date};
use crate::problems::{Problems, only};
use crate::{CsvMapping, Limits, Line, Problem, ProblemKind, Statement};

/// One cell as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Float(f64),
    Date(NaiveDate),
}

impl Cell {
    /// The cell as text, trimmed, as a header or a text column reads it.
    fn text(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(s) => Cow::Borrowed(s.trim()),
            Cell::Int(i) => Cow::Owned(i.to_string()),
            // Whole numbers (account numbers typed as numbers) without a `.0`.
            Cell::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Cow::Owned(format!("{f:.0}")),
            Cell::Float(f) => Cow::Owned(f.to_string()),
            Cell::Date(d) => Cow::Owned(d.format("%Y-%m-%d").to_string()),
        }
    }

    fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// Words that mark a summary or balance row, not a line: totals, page totals, brought forward.
const SUMMARY_WORDS: &[&str] = &[
    "合计",
    "总计",
    "小计",
    "累计",
    "汇总",
    "笔数",
    "本页",
    "承前页",
    "过次页",
    "期初余额",
    "期末余额",
    "上日余额",
    "total",
    "opening balance",
    "closing balance",
    "brought forward",
    "carried forward",
];

fn has_summary_word(cells: &[Cell]) -> bool {
    cells.iter().any(|cell| match cell {
        Cell::Text(s) => {
            let lower = s.to_lowercase();
            SUMMARY_WORDS.iter().any(|w| lower.contains(w))
        }
        _ => false,
    })
}

/// `A` → 0, `Z` → 25, `AA` → 26: a column letter of one to three capital ASCII letters.
fn letter_index(spec: &str) -> Option<usize> {
    if spec.is_empty() || spec.len() > 3 || !spec.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let number = spec
        .bytes()
        .fold(0usize, |n, b| n * 26 + usize::from(b - b'A') + 1);
    Some(number - 1)
}

/// `0` → `A`, `26` → `AA`.
pub(crate) fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// A mapped column found in the table: where, and what problems call it.
#[derive(Debug, Clone)]
struct Column {
    index: usize,
    name: String,
}

#[derive(Debug)]
struct Columns {
    date: Column,
    amount: Option<Column>,
    debit: Option<Column>,
    credit: Option<Column>,
    payer_name: Option<Column>,
    payer_account: Option<Column>,
    remark: Option<Column>,
    reference: Option<Column>,
    balance: Option<Column>,
}

#[derive(Debug)]
enum Stage {
    /// Looking for the header row; the last non-blank row seen (its number and texts) names
    /// the columns when the mapping uses letters only and the table starts at its first dated
    /// row.
    Seeking {
        last_row: Option<(usize, Vec<String>)>,
    },
    Reading(Box<Columns>),
}

pub(crate) enum Flow {
    Go,
    Stop,
}

enum DateCell {
    Blank,
    Date(NaiveDate),
    Bad(String),
}

enum AmountCell {
    Blank,
    Amount(Decimal),
    Bad(String),
}

pub(crate) struct TableReader<'m> {
    mapping: &'m CsvMapping,
    limits: Limits,
    stage: Stage,
    problems: Problems,
    lines: Vec<Line>,
    /// Rows read as lines (or as lines with problems), against `limits.max_lines`.
    count: usize,
    /// Past a summary row or a row without a date: rows without a date are the table's end.
    trailer: bool,
    /// Rows without a (good) date after the table, so far: problems if a dated row follows.
    pending: Vec<(usize, DateCell)>,
    /// The answer, when reading stopped early.
    stopped: Option<Vec<Problem>>,
}

impl<'m> TableReader<'m> {
    /// A reader for `mapping`, or the problems that make it unusable.
    pub(crate) fn new(
        mapping: Option<&'m CsvMapping>,
        limits: Limits,
    ) -> Result<Self, Vec<Problem>> {
        let Some(mapping) = mapping else {
            return Err(only(ProblemKind::MappingIncomplete {
                missing: "mapping".into(),
            }));
        };
        let mut problems = Vec::new();
        if spec(&mapping.date).is_none() {
            problems.push(ProblemKind::MappingIncomplete {
                missing: "date".into(),
            });
        }
        if [&mapping.amount, &mapping.debit, &mapping.credit]
            .iter()
            .all(|s| spec(s).is_none())
        {
            problems.push(ProblemKind::MappingIncomplete {
                missing: "amount".into(),
            });
        }
        if !problems.is_empty() {
            return Err(problems
                .into_iter()
                .map(|kind| Problem {
                    row: None,
                    column: None,
                    kind,
                })
                .collect());
        }
        let mut reader = Self {
            mapping,
            limits,
            stage: Stage::Seeking { last_row: None },
            problems: Problems::default(),
            lines: Vec::new(),
            count: 0,
            trailer: false,
            pending: Vec::new(),
            stopped: None,
        };
        // Row 0: the table has no header row; columns are letters.
        if mapping.header_row == Some(0) {
            reader.stage = Stage::Reading(Box::new(reader.resolve(None, None)?));
        }
        Ok(reader)
    }

    /// The mapped date column and the amount column (else credit, else debit): what a header
    /// row must name.
    fn required(&self) -> [Option<&'m str>; 2] {
        let m = self.mapping;
        let amount = spec(&m.amount)
            .or_else(|| spec(&m.credit))
            .or_else(|| spec(&m.debit));
        [spec(&m.date), amount]
    }

    /// Where each mapped column is, by the header's text (trimmed, any case) or else by letter.
    fn resolve(
        &self,
        header: Option<&[String]>,
        header_row: Option<usize>,
    ) -> Result<Columns, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut find = |field: &Option<String>| -> Option<Column> {
            let wanted = spec(field)?;
            let by_text = header.and_then(|h| {
                h.iter()
                    .position(|t| t.trim().to_lowercase() == wanted.to_lowercase())
            });
            let found = by_text
                .or_else(|| letter_index(wanted))
                .map(|index| Column {
                    index,
                    name: header
                        .and_then(|h| h.get(index))
                        .map(|t| t.trim())
                        .filter(|t| !t.is_empty())
                        .map_or_else(|| column_letter(index), str::to_owned),
                });
            if found.is_none() {
                problems.push(Problem {
                    row: header_row,
                    column: None,
                    kind: ProblemKind::ColumnNotFound {
                        column: wanted.to_owned(),
                    },
                });
            }
            found
        };
        let m = self.mapping;
        let date = find(&m.date);
        let columns = Columns {
            amount: find(&m.amount),
            debit: find(&m.debit),
            credit: find(&m.credit),
            payer_name: find(&m.payer_name),
            payer_account: find(&m.payer_account),
            remark: find(&m.remark),
            reference: find(&m.reference),
            balance: find(&m.balance),
            date: match date {
                Some(date) => date,
                None => return Err(problems),
            },
        };
        if problems.is_empty() {
            Ok(columns)
        } else {
            Err(problems)
        }
    }

    /// Reads one row, 1-based `row` in the file; `Stop` once reading can end.
    pub(crate) fn row(&mut self, row: usize, cells: &[Cell]) -> Flow {
        if self.stopped.is_some() {
            return Flow::Stop;
        }
        match self.stage {
            Stage::Reading(_) => self.data_row(row, cells),
            Stage::Seeking { .. } => self.seek_header(row, cells),
        }
        if self.problems.full() {
            return Flow::Stop;
        }
        if self.stopped.is_some() {
            Flow::Stop
        } else {
            Flow::Go
        }
    }

    fn stop(&mut self, problems: Vec<Problem>) {
        self.stopped = Some(problems);
    }

    fn seek_header(&mut self, row: usize, cells: &[Cell]) {
        if cells.iter().all(Cell::is_blank) {
            return;
        }
        let texts: Vec<String> = cells.iter().map(|c| c.text().into_owned()).collect();
        if let Some(header_row) = self.mapping.header_row {
            let header_row = usize::try_from(header_row).unwrap_or(usize::MAX);
            if row < header_row {
                return;
            }
            if row > header_row {
                // The header row given is blank.
                self.stop(only(ProblemKind::HeaderNotFound));
            } else {
                self.start_table(Some(&texts), Some(row));
            }
            return;
        }
        let required = self.required();
        let letters_only = required.iter().flatten().all(|s| letter_index(s).is_some());
        let names = |wanted: &str| {
            texts
                .iter()
                .any(|t| t.to_lowercase() == wanted.to_lowercase())
        };
        let named = required
            .iter()
            .flatten()
            .all(|s| names(s) || (!letters_only && letter_index(s).is_some()));
        if named {
            self.start_table(Some(&texts), Some(row));
            return;
        }
        if letters_only {
            let date_cell = required[0]
                .and_then(letter_index)
                .and_then(|i| cells.get(i))
                .unwrap_or(&Cell::Empty);
            if let DateCell::Date(_) = self.date_cell(date_cell) {
                let last_row = match &mut self.stage {
                    Stage::Seeking { last_row } => last_row.take(),
                    Stage::Reading(_) => None,
                };
                // The row above names the columns if it looks like a header, not a title.
                let header = last_row
                    .filter(|(_, texts)| texts.iter().filter(|t| !t.is_empty()).count() > 1);
                match header {
                    Some((header_row, texts)) => self.start_table(Some(&texts), Some(header_row)),
                    None => self.start_table(None, None),
                }
                self.data_row(row, cells);
                return;
            }
        }
        self.stage = Stage::Seeking {
            last_row: Some((row, texts)),
        };
    }

    fn start_table(&mut self, header: Option<&[String]>, header_row: Option<usize>) {
        match self.resolve(header, header_row) {
            Ok(columns) => self.stage = Stage::Reading(Box::new(columns)),
            Err(problems) => self.stop(problems),
        }
    }

    fn date_cell(&self, cell: &Cell) -> DateCell {
        let format = self
            .mapping
            .date_format
            .as_deref()
            .filter(|f| !f.trim().is_empty());
        let parsed = match cell {
            Cell::Empty => return DateCell::Blank,
            Cell::Text(s) if s.trim().is_empty() => return DateCell::Blank,
            Cell::Text(s) => parse_table_date(s, format),
            Cell::Date(d) => Some(*d),
            Cell::Int(i) => match format {
                Some(format) => parse_table_date(&i.to_string(), Some(format)),
                None => i32::try_from(*i)
                    .ok()
                    .and_then(|i| from_number(f64::from(i))),
            },
            Cell::Float(f) => from_number(*f),
        };
        match parsed {
            Some(date) => DateCell::Date(date),
            None => DateCell::Bad(cell.text().into_owned()),
        }
    }

    fn data_row(&mut self, row: usize, cells: &[Cell]) {
        if cells.iter().all(Cell::is_blank) {
            return;
        }
        let Stage::Reading(columns) = &self.stage else {
            return;
        };
        let date_name = columns.date.name.clone();
        let amount_blank = [&columns.amount, &columns.debit, &columns.credit]
            .into_iter()
            .flatten()
            .filter_map(|c| cells.get(c.index))
            .all(|c| matches!(amount_cell(c), AmountCell::Blank));
        let date = self.date_cell(cells.get(columns.date.index).unwrap_or(&Cell::Empty));
        let dated = matches!(date, DateCell::Date(_));
        if has_summary_word(cells) && (amount_blank || !dated) {
            self.trailer = true;
            return;
        }
        let date = match date {
            DateCell::Date(date) => {
                self.flush_pending(&date_name);
                self.trailer = false;
                Some(date)
            }
            other @ DateCell::Blank => {
                self.trailer = true;
                self.pending.push((row, other));
                return;
            }
            other @ DateCell::Bad(_) if self.trailer => {
                self.pending.push((row, other));
                return;
            }
            DateCell::Bad(value) => {
                self.problems
                    .push(Some(row), Some(&date_name), ProblemKind::BadDate { value });
                None
            }
        };
        self.count += 1;
        if self.count > self.limits.max_lines {
            let problems = std::mem::take(&mut self.problems);
            self.stop(problems.too_many_lines(self.limits.max_lines, Some(row)));
            return;
        }
        self.read_line(row, cells, date);
    }

    /// Rows without a date that turned out to be inside the table.
    fn flush_pending(&mut self, date_name: &str) {
        for (row, date) in std::mem::take(&mut self.pending) {
            let kind = match date {
                DateCell::Bad(value) => ProblemKind::BadDate { value },
                _ => ProblemKind::Missing {
                    what: date_name.to_owned(),
                },
            };
            self.problems.push(Some(row), Some(date_name), kind);
            self.count += 1;
        }
    }

    fn read_line(&mut self, row: usize, cells: &[Cell], date: Option<NaiveDate>) {
        let Stage::Reading(columns) = &self.stage else {
            return;
        };
        let before = self.problems.len();
        let problems = &mut self.problems;
        let cell = |column: &Column| cells.get(column.index).unwrap_or(&Cell::Empty);
        let is_bad = |column: &Option<Column>| {
            column
                .as_ref()
                .is_some_and(|c| matches!(amount_cell(cell(c)), AmountCell::Bad(_)))
        };
        let mut read_amount = |column: &Option<Column>| -> Option<Decimal> {
            let column = column.as_ref()?;
            match amount_cell(cell(column)) {
                AmountCell::Blank => None,
                AmountCell::Amount(amount) => Some(amount),
                AmountCell::Bad(value) => {
                    problems.push(
                        Some(row),
                        Some(&column.name),
                        ProblemKind::BadAmount { value },
                    );
                    None
                }
            }
        };
        let signed = read_amount(&columns.amount).filter(|a| !a.is_zero());
        let debit = read_amount(&columns.debit).filter(|a| !a.is_zero());
        let credit = read_amount(&columns.credit).filter(|a| !a.is_zero());
        let balance_after = read_amount(&columns.balance);
        let amount = if let Some(column) = &columns.amount {
            if signed.is_none() && !is_bad(&columns.amount) {
                problems.push(Some(row), Some(&column.name), ProblemKind::NoAmount);
            }
            signed
        } else {
            match (debit, credit) {
                (Some(debit), Some(credit)) => {
                    let name = columns.debit.as_ref().map(|c| c.name.as_str());
                    let value = format!("{debit} / {credit}");
                    problems.push(Some(row), name, ProblemKind::BadAmount { value });
                    None
                }
                // A debit is money out whatever its sign (some banks write debits negative);
                // a negative credit is a reversal, money out.
                (Some(debit), None) => Some(-debit.abs()),
                (None, Some(credit)) => Some(credit),
                (None, None) => {
                    if !is_bad(&columns.debit) && !is_bad(&columns.credit) {
                        let column = columns.credit.as_ref().or(columns.debit.as_ref());
                        let name = column.map(|c| c.name.as_str());
                        problems.push(Some(row), name, ProblemKind::NoAmount);
                    }
                    None
                }
            }
        };
        let text = |column: &Option<Column>| {
            let text = cell(column.as_ref()?).text();
            (!text.is_empty()).then(|| text.into_owned())
        };
        let (Some(booked_on), Some(amount)) = (date, amount) else {
            return;
        };
        if problems.len() > before {
            return;
        }
        let line = Line {
            row,
            booked_on,
            amount,
            currency: None,
            payer_name: text(&columns.payer_name),
            payer_account: text(&columns.payer_account),
            remark: text(&columns.remark),
            reference: text(&columns.reference),
            bank_ref: None,
            balance_after,
        };
        self.lines.push(line);
    }

    /// The statement, or every problem found.
    pub(crate) fn finish(self) -> Result<Statement, Vec<Problem>> {
        if let Some(problems) = self.stopped {
            return Err(problems);
        }
        if let Stage::Seeking { .. } = self.stage {
            let mut problems = self.problems;
            problems.push(None, None, ProblemKind::HeaderNotFound);
            return Err(problems.into_vec());
        }
        if !self.problems.is_empty() {
            return Err(self.problems.into_vec());
        }
        let lines = self.lines;
        Ok(Statement {
            period_from: lines.iter().map(|l| l.booked_on).min(),
            period_to: lines.iter().map(|l| l.booked_on).max(),
            lines,
            ..Statement::default()
        })
    }
}

/// A mapping field's column, when it names one.
fn spec(field: &Option<String>) -> Option<&str> {
    field.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn amount_cell(cell: &Cell) -> AmountCell {
    let parsed = match cell {
        Cell::Empty => return AmountCell::Blank,
        Cell::Text(s) if is_blank_amount(s) => return AmountCell::Blank,
        Cell::Text(s) => parse_table_amount(s),
        Cell::Int(i) => Some(Decimal::from(*i)),
        Cell::Float(f) => from_float(*f),
        Cell::Date(_) => None,
    };
    match parsed {
        Some(amount) => AmountCell::Amount(amount),
        None => AmountCell::Bad(cell.text().into_owned()),
    }
}
