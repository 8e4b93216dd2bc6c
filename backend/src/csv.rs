//! CSV as spreadsheets read it: UTF-8 with a byte-order mark (so Excel shows Chinese text),
//! comma-separated, fields quoted when they need it, and cells that a spreadsheet would run as a
//! formula (`=`, `+`, `-`, `@` first) prefixed with `'`, so an exported name can never execute.

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

/// Parses at most `max_rows` rows of at most `max_cells` cells; a larger file is an error
/// before it costs memory. NUL characters are refused (Postgres cannot store them in text).
pub fn parse_limited(
    text: &str,
    max_rows: usize,
    max_cells: usize,
) -> Result<Vec<(usize, Vec<String>)>, ParseError> {
    if let Some(at) = text.find('\0') {
        let line = text[..at].matches('\n').count() + 1;
        return Err(ParseError {
            line,
            message: "the file holds a NUL character; save it as UTF-8 text".to_owned(),
        });
    }
    let rows = parse(text).map_err(|line| ParseError {
        line,
        message: "a quoted field is not closed or a quote is misplaced".to_owned(),
    })?;
    if rows.len() > max_rows {
        return Err(ParseError {
            line: rows.get(max_rows).map_or(1, |(line, _)| *line),
            message: format!("at most {} rows per file", max_rows - 1),
        });
    }
    if let Some((line, _)) = rows.iter().find(|(_, cells)| cells.len() > max_cells) {
        return Err(ParseError {
            line: *line,
            message: format!("at most {max_cells} columns"),
        });
    }
    Ok(rows)
}

/// Parses a CSV document (RFC 4180: quoted fields may hold commas, quotes and newlines; a BOM is
/// skipped). Returns the rows, each with the line it started on, or the line of the first
/// malformed quote.
pub fn parse(text: &str) -> Result<Vec<(usize, Vec<String>)>, usize> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut line = 1;
    let mut row_line = 1;
    let mut chars = text.chars().peekable();
    let mut field_started = false;
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !field_started => {
                in_quotes = true;
                field_started = true;
            }
            '"' => return Err(line),
            ',' => {
                row.push(std::mem::take(&mut field));
                field_started = false;
            }
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                field_started = false;
                if !(row.len() == 1 && row[0].is_empty()) {
                    rows.push((row_line, std::mem::take(&mut row)));
                } else {
                    row.clear();
                }
                line += 1;
                row_line = line;
            }
            _ => {
                field.push(c);
                field_started = true;
            }
        }
    }
    if in_quotes {
        return Err(row_line);
    }
    if field_started || !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push((row_line, row));
    }
    Ok(rows)
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

    #[test]
    fn parsing_round_trips_and_reports_the_bad_line() {
        let rows = parse("\u{feff}a,b\r\n\"x, \"\"y\"\"\",\"multi\nline\"\n\nlast,1").unwrap();
        assert_eq!(rows[0], (1, vec!["a".to_owned(), "b".to_owned()]));
        assert_eq!(
            rows[1],
            (2, vec!["x, \"y\"".to_owned(), "multi\nline".to_owned()])
        );
        assert_eq!(rows[2], (5, vec!["last".to_owned(), "1".to_owned()]));
        assert_eq!(parse("a,b\nc,\"open"), Err(2));
        assert_eq!(parse("a,b\"c\n"), Err(1));
    }
}
