//! Reading an import's file into typed rows, by header name, on a blocking thread; stopping at
//! the first limit crossed.

use super::{CsvSource, ImportProblem, MAX_CELL_BYTES, MAX_COLUMNS, MAX_ROWS, Problems};
use crate::error::AppError;
use crate::imports::errors::unreadable;
use domain::reason::Reason;
use serde::de::DeserializeOwned;
use std::collections::HashSet;

/// An import's columns: those it knows and those a file must have.
pub(super) struct Columns {
    pub(super) known: &'static [&'static str],
    pub(super) required: &'static [&'static str],
}

/// The file's rows, typed, with the line each starts on.
pub(super) type Table<T> = Vec<(usize, T)>;

/// Reads the whole table on a blocking thread: parsing is CPU work, and a REST body's reader
/// blocks while the next chunk arrives.
pub(super) async fn table<T: DeserializeOwned + Send + 'static>(
    source: CsvSource,
    columns: &'static Columns,
) -> Result<Result<Table<T>, Vec<ImportProblem>>, AppError> {
    tokio::task::spawn_blocking(move || read_table(source, columns))
        .await
        .map_err(|error| AppError::from(anyhow::Error::new(error).context("reading an import")))
}

/// Reads rows one at a time, stopping at the first limit crossed or at a bad header; rows with
/// the wrong number of cells are reported (up to `MAX_ERRORS`), and once a row has a problem
/// no more rows are kept, since none will be written.
fn read_table<T: DeserializeOwned>(
    source: impl std::io::Read,
    columns: &Columns,
) -> Result<Table<T>, Vec<ImportProblem>> {
    let mut problems = Problems(Vec::new());
    let limits = crate::csv::RowLimits {
        max_columns: MAX_COLUMNS,
        max_cell_bytes: MAX_CELL_BYTES,
    };
    let mut records = crate::csv::Records::new(source, limits);
    let mut record = csv::StringRecord::new();
    match records.next_into(&mut record) {
        Ok(Some(_)) => {}
        Ok(None) => {
            problems.add(
                1,
                "",
                Reason::ImportFileEmpty {
                    columns: column_names(columns.known),
                },
            );
            return Err(problems.0);
        }
        Err(error) => {
            problems.add(error.line, "", unreadable(&error.message));
            return Err(problems.0);
        }
    }
    let header: csv::StringRecord = record.iter().map(str::to_lowercase).collect();
    let mut named = HashSet::new();
    for name in &header {
        if !columns.known.contains(&name) {
            problems.add(
                1,
                name,
                Reason::ImportUnknownColumn {
                    columns: column_names(columns.known),
                },
            );
        } else if !named.insert(name) {
            problems.add(1, name, Reason::ImportColumnTwice {});
        }
    }
    for name in columns.required {
        if !header.iter().any(|h| h == *name) {
            problems.add(1, name, Reason::ImportColumnRequired {});
        }
    }
    if !problems.0.is_empty() {
        return Err(problems.0);
    }
    let mut rows = Vec::new();
    let mut count = 0;
    loop {
        let line = match records.next_into(&mut record) {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(error) => {
                problems.add(error.line, "", unreadable(&error.message));
                return Err(problems.0);
            }
        };
        count += 1;
        if count > MAX_ROWS {
            problems.add(
                line,
                "",
                Reason::ImportTooManyRows {
                    max: count_u32(MAX_ROWS),
                },
            );
            return Err(problems.0);
        }
        if record.len() != header.len() {
            problems.add(
                line,
                "",
                Reason::ImportCellCount {
                    cells: count_u32(record.len()),
                    header: count_u32(header.len()),
                },
            );
            if problems.is_full() {
                break;
            }
            continue;
        }
        if !problems.0.is_empty() {
            continue;
        }
        match record.deserialize::<T>(Some(&header)) {
            Ok(row) => rows.push((line, row)),
            Err(error) => problems.add(
                line,
                "",
                Reason::ImportUnreadable {
                    detail: error.to_string(),
                },
            ),
        }
    }
    if !problems.0.is_empty() {
        return Err(problems.0);
    }
    Ok(rows)
}

fn column_names(known: &[&str]) -> Vec<String> {
    known.iter().map(|name| (*name).to_owned()).collect()
}

fn count_u32(count: usize) -> u32 {
    u32::try_from(count).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imports::service::customers::{CUSTOMER_COLUMNS, CustomerRow};
    use crate::imports::service::invoices::{INVOICE_COLUMNS, InvoiceRow};
    use std::io::Read;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const PATHOLOGICAL_BYTES: usize = 32 * 1024 * 1024;

    /// A 32 MiB file made as it is read, never held: `head`, then `pattern` over and over.
    /// Counts what the parser asked for.
    struct Pathological {
        head: &'static [u8],
        pattern: &'static [u8],
        offset: usize,
        handed_out: Arc<AtomicUsize>,
    }

    fn pathological(
        head: &'static [u8],
        pattern: &'static [u8],
    ) -> (Pathological, Arc<AtomicUsize>) {
        let handed_out = Arc::new(AtomicUsize::new(0));
        let reader = Pathological {
            head,
            pattern,
            offset: 0,
            handed_out: Arc::clone(&handed_out),
        };
        (reader, handed_out)
    }

    impl Read for Pathological {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(PATHOLOGICAL_BYTES - self.offset);
            for (i, byte) in buf[..n].iter_mut().enumerate() {
                let at = self.offset + i;
                *byte = match self.head.get(at) {
                    Some(byte) => *byte,
                    None => self.pattern[(at - self.head.len()) % self.pattern.len()],
                };
            }
            self.offset += n;
            self.handed_out.fetch_add(n, Ordering::Relaxed);
            Ok(n)
        }
    }

    fn only_problem(result: Result<Table<CustomerRow>, Vec<ImportProblem>>) -> ImportProblem {
        let problems = result.unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        problems.into_iter().next().unwrap()
    }

    #[test]
    fn thirty_two_mib_of_commas_stop_at_the_column_limit_in_the_first_kilobytes() {
        let (file, handed_out) = pathological(b"", b",");
        let problem = only_problem(read_table::<CustomerRow>(file, &CUSTOMER_COLUMNS));
        assert_eq!(
            (problem.row, problem.message.as_str()),
            (1, "at most 64 columns")
        );
        assert_eq!(problem.reason.name(), "IMPORT_TOO_MANY_COLUMNS");
        let read = handed_out.load(Ordering::Relaxed);
        assert!(read <= 64 * 1024, "read {read} bytes of 32 MiB");
    }

    #[test]
    fn a_thirty_two_mib_cell_stops_at_the_cell_limit_in_the_first_kilobytes() {
        let (file, handed_out) = pathological(b"code,name\nC-1,\"", b"a");
        let problem = only_problem(read_table::<CustomerRow>(file, &CUSTOMER_COLUMNS));
        assert_eq!(
            (problem.row, problem.message.as_str()),
            (2, "at most 4096 bytes in one cell")
        );
        assert_eq!(problem.reason.name(), "IMPORT_CELL_TOO_LONG");
        let read = handed_out.load(Ordering::Relaxed);
        assert!(read <= 64 * 1024, "read {read} bytes of 32 MiB");
    }

    #[test]
    fn thirty_two_mib_of_rows_stop_at_the_row_limit_holding_little() {
        let (file, handed_out) = pathological(b"code,name\n", b",\n");
        let problem = only_problem(read_table::<CustomerRow>(file, &CUSTOMER_COLUMNS));
        assert_eq!(
            (problem.row, problem.message.as_str()),
            (2 + 200_000, "at most 200000 rows per file")
        );
        assert_eq!(problem.reason.name(), "IMPORT_TOO_MANY_ROWS");
        assert_eq!(problem.reason.params()["max"], 200_000);
        let read = handed_out.load(Ordering::Relaxed);
        assert!(
            read < 2 * 200_000 + 64 * 1024,
            "read {read} bytes of 32 MiB"
        );
        // What such a file makes the import hold before the limit: its rows of empty cells,
        // in a vector grown by doubling.
        let held = MAX_ROWS.next_power_of_two() * std::mem::size_of::<(usize, CustomerRow)>();
        assert!(held < 64 * 1024 * 1024, "{held} bytes");
    }

    #[test]
    fn rows_are_typed_by_header_name_and_problems_keep_their_row() {
        let text = "\u{feff}Name , CODE,currency\n Acme ,C-1,\n\nGlobex,C-2\nInitech,C-3,usd,x\n";
        let problems = read_table::<CustomerRow>(text.as_bytes(), &CUSTOMER_COLUMNS).unwrap_err();
        let rows: Vec<(i32, &str)> = problems
            .iter()
            .map(|p| (p.row, p.message.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                (4, "2 cells, but the header has 3"),
                (5, "4 cells, but the header has 3")
            ]
        );
        assert!(
            problems
                .iter()
                .all(|p| p.reason.name() == "IMPORT_CELL_COUNT"),
            "{problems:?}"
        );
        assert_eq!(problems[0].reason.params()["cells"], 2);
        assert_eq!(problems[0].reason.params()["header"], 3);

        let text = "name,code,currency\n Acme ,C-1,\n\"Globex, Ltd\",C-2,USD\n";
        let rows = read_table::<CustomerRow>(text.as_bytes(), &CUSTOMER_COLUMNS).unwrap();
        assert_eq!(rows.len(), 2);
        let (line, acme) = &rows[0];
        assert_eq!(
            (*line, acme.name.as_deref(), acme.code.as_deref()),
            (2, Some("Acme"), Some("C-1"))
        );
        assert_eq!(acme.currency, None, "an empty cell");
        assert_eq!(acme.segment, None, "a column the file leaves out");
        assert_eq!(rows[1].1.name.as_deref(), Some("Globex, Ltd"));
    }

    #[test]
    fn a_bad_header_stops_reading_at_once() {
        let (file, handed_out) = pathological(b"code,name,code,colour\n", b"C-1,Acme,C-1,red\n");
        let problems = read_table::<CustomerRow>(file, &CUSTOMER_COLUMNS).unwrap_err();
        let columns: Vec<&str> = problems.iter().map(|p| p.column.as_str()).collect();
        assert_eq!(columns, ["code", "colour"], "{problems:?}");
        let reasons: Vec<String> = problems.iter().map(|p| p.reason.name()).collect();
        assert_eq!(reasons, ["IMPORT_COLUMN_TWICE", "IMPORT_UNKNOWN_COLUMN"]);
        assert_eq!(
            problems[1].message,
            "unknown column; the columns are code,name,tax_id,currency,payment_terms_days,\
             payment_terms_kind,credit_limit,segment,contact_name,contact_email,contact_phone,\
             billing_address,collector_email,salesperson_email"
        );
        assert!(handed_out.load(Ordering::Relaxed) <= 64 * 1024);
        let problems = read_table::<InvoiceRow>("number,issue_date\n".as_bytes(), &INVOICE_COLUMNS)
            .unwrap_err();
        let missing: Vec<&str> = problems.iter().map(|p| p.column.as_str()).collect();
        assert_eq!(
            missing,
            ["customer_code", "description", "quantity", "unit_price"]
        );
        assert!(
            problems
                .iter()
                .all(|p| p.reason.name() == "IMPORT_COLUMN_REQUIRED"
                    && p.message == "this column is required"),
            "{problems:?}"
        );
    }

    #[test]
    fn an_empty_file_names_the_columns_it_needs() {
        let problems = read_table::<CustomerRow>("".as_bytes(), &CUSTOMER_COLUMNS).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].reason.name(), "IMPORT_FILE_EMPTY");
        assert!(
            problems[0]
                .message
                .starts_with("the file is empty; the first row names the columns: code,name,"),
            "{problems:?}"
        );
    }
}
