//! SWIFT MT940, read by hand: fields (`:20:`, `:25:`, `:28C:`, `:60F:`, `:61:`, `:86:`,
//! `:62F:` …) one or more messages to a file, each optionally in a `{1:…}{2:…}{4:` … `-}`
//! envelope. Each `:20:` starts a statement. The text is UTF-8 unless the mapping, when one is
//! given, names another encoding.

use rust_decimal::Decimal;

use crate::amounts::parse_swift_amount;
use crate::csv_table::decode;
use crate::dates::{parse_mmdd_near, parse_yymmdd};
use crate::problems::{Problems, only};
use crate::statements::{Part, assemble};
use crate::{CsvMapping, Limits, Line, Problem, ProblemKind, Statement};

/// One field: its tag (`61`, `60F`), the line it starts on, and its lines (the first one
/// without the tag).
#[derive(Debug)]
struct Field {
    tag: String,
    line: usize,
    lines: Vec<String>,
}

impl Field {
    fn column(&self) -> String {
        format!(":{}:", self.tag)
    }

    fn first_line(&self) -> &str {
        self.lines.first().map_or("", |l| l.trim())
    }
}

pub(crate) fn parse(
    bytes: &[u8],
    mapping: Option<&CsvMapping>,
    limits: Limits,
) -> Result<Statement, Vec<Problem>> {
    let text = decode(bytes, mapping.and_then(|m| m.encoding.as_deref()))?;
    let fields = split_fields(&text, limits.max_lines)?;
    let mut reader = Reader {
        problems: Problems::default(),
        parts: Vec::new(),
    };
    let mut statement: Vec<&Field> = Vec::new();
    for field in &fields {
        if field.tag == "20" && !statement.is_empty() {
            reader.statement(&statement);
            statement.clear();
        }
        statement.push(field);
        if reader.problems.full() {
            return Err(reader.problems.into_vec());
        }
    }
    if !statement.is_empty() {
        reader.statement(&statement);
    }
    if !reader.problems.is_empty() {
        return Err(reader.problems.into_vec());
    }
    if reader.parts.is_empty() {
        return Err(only(ProblemKind::UnknownFormat));
    }
    Ok(assemble(reader.parts))
}

/// The fields of every message, envelopes and message ends dropped; stops once there are more
/// than `max_lines` `:61:` lines.
fn split_fields(text: &str, max_lines: usize) -> Result<Vec<Field>, Vec<Problem>> {
    let mut fields: Vec<Field> = Vec::new();
    let mut in_field = false;
    let mut lines_seen = 0usize;
    for (index, raw) in text.split('\n').enumerate() {
        let number = index + 1;
        let mut line = raw.trim_end_matches('\r');
        if index == 0 {
            line = line.trim_start_matches('\u{feff}');
        }
        if line.starts_with('{') {
            match strip_envelope(line) {
                Some(rest) => {
                    in_field = false;
                    line = rest;
                }
                None => {
                    return Err(malformed(number, "an envelope block is not closed"));
                }
            }
        }
        if line.starts_with("-}") || line.trim() == "-" {
            in_field = false;
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        if let Some((tag, rest)) = split_tag(line) {
            if tag == "61" {
                lines_seen += 1;
                if lines_seen > max_lines {
                    return Err(Problems::default().too_many_lines(max_lines, Some(number)));
                }
            }
            fields.push(Field {
                tag: tag.to_owned(),
                line: number,
                lines: vec![rest.to_owned()],
            });
            in_field = true;
        } else if let Some(field) = fields.last_mut().filter(|_| in_field) {
            field.lines.push(line.to_owned());
        } else {
            return Err(malformed(number, "text outside a field"));
        }
    }
    Ok(fields)
}

/// What follows the `{4:` of a line of envelope blocks (`{1:…}{2:…}{3:{108:…}}{4:`), or an
/// empty rest for a line of blocks alone (a `{5:…}` trailer); `None` if a block is not closed.
fn strip_envelope(mut line: &str) -> Option<&str> {
    while let Some(rest) = line.strip_prefix('{') {
        if let Some(body) = rest.strip_prefix("4:") {
            return Some(body);
        }
        let mut depth = 1usize;
        let end = rest.char_indices().find_map(|(i, c)| {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            (depth == 0).then_some(i)
        })?;
        line = rest.get(end + 1..)?;
    }
    Some(line)
}

/// `:61:rest` → (`61`, `rest`): two digits and an optional capital letter between colons.
fn split_tag(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix(':')?;
    let end = rest.find(':')?;
    let tag = rest.get(..end)?;
    let bytes = tag.as_bytes();
    let valid = match bytes {
        [a, b] => a.is_ascii_digit() && b.is_ascii_digit(),
        [a, b, c] => a.is_ascii_digit() && b.is_ascii_digit() && c.is_ascii_uppercase(),
        _ => false,
    };
    valid.then(|| Some((tag, rest.get(end + 1..)?))).flatten()
}

fn malformed(line: usize, detail: &str) -> Vec<Problem> {
    vec![Problem {
        row: Some(line),
        column: None,
        kind: ProblemKind::Malformed {
            detail: detail.to_owned(),
        },
    }]
}

struct Reader {
    problems: Problems,
    parts: Vec<Part>,
}

/// A `:60F:`/`:62F:` balance: its signed amount and currency.
struct Balance {
    amount: Decimal,
    currency: String,
}

impl Reader {
    fn problem(&mut self, field: &Field, kind: ProblemKind) {
        self.problems
            .push(Some(field.line), Some(&field.column()), kind);
    }

    /// One statement: the fields from a `:20:` to the next.
    fn statement(&mut self, fields: &[&Field]) {
        let mut part = Part {
            id: (self.parts.len() + 1).to_string(),
            ..Part::default()
        };
        let start = fields.first().map_or(1, |f| f.line);
        let mut reference = None;
        let mut number = None;
        let mut opened = false;
        let mut closed = false;
        let mut after_line = false;
        for field in fields {
            let value = field.first_line();
            match field.tag.as_str() {
                "20" => reference = Some(value.to_owned()).filter(|v| !v.is_empty()),
                "25" => part.account = Some(value.to_owned()).filter(|v| !v.is_empty()),
                "28C" => number = Some(value.to_owned()).filter(|v| !v.is_empty()),
                "60F" | "60M" => {
                    opened = true;
                    if let Some(balance) = self.balance(field) {
                        part.opening = Some(balance.amount);
                        part.currency.get_or_insert(balance.currency);
                    }
                }
                "62F" | "62M" => {
                    closed = true;
                    if let Some(balance) = self.balance(field) {
                        part.closing = Some(balance.amount);
                        part.currency.get_or_insert(balance.currency);
                    }
                }
                "61" => match parse_61(field) {
                    Ok(mut line) => {
                        line.currency.clone_from(&part.currency);
                        part.lines.push(line);
                    }
                    Err(kinds) => kinds.into_iter().for_each(|kind| self.problem(field, kind)),
                },
                "86" if after_line => {
                    if let Some(line) = part.lines.last_mut() {
                        apply_86(line, &field.lines);
                    }
                }
                _ => {}
            }
            after_line = field.tag == "61";
        }
        if reference.is_none() {
            self.problems.push(
                Some(start),
                Some(":20:"),
                ProblemKind::Missing {
                    what: ":20:".into(),
                },
            );
        }
        if !opened {
            self.problems.push(
                Some(start),
                Some(":60F:"),
                ProblemKind::Missing {
                    what: ":60F:".into(),
                },
            );
        }
        if !closed {
            self.problems.push(
                Some(start),
                Some(":62F:"),
                ProblemKind::Missing {
                    what: ":62F:".into(),
                },
            );
        }
        if let Some(id) = number.or(reference) {
            part.id = id;
        }
        self.parts.push(part);
    }

    /// `C240131EUR1234,56`.
    fn balance(&mut self, field: &Field) -> Option<Balance> {
        let value = field.first_line();
        let sign = match value.get(..1) {
            Some("C") => Decimal::ONE,
            Some("D") => Decimal::NEGATIVE_ONE,
            _ => {
                let detail = format!("debit/credit mark of {value}");
                self.problem(field, ProblemKind::Malformed { detail });
                return None;
            }
        };
        let date = value.get(1..7).unwrap_or_default();
        if parse_yymmdd(date).is_none() {
            self.problem(field, ProblemKind::BadDate { value: date.into() });
            return None;
        }
        let currency = value
            .get(7..10)
            .filter(|c| c.bytes().all(|b| b.is_ascii_uppercase()));
        let Some(currency) = currency else {
            let detail = format!("currency of {value}");
            self.problem(field, ProblemKind::Malformed { detail });
            return None;
        };
        let amount = value.get(10..).unwrap_or_default();
        let Some(amount) = parse_swift_amount(amount) else {
            self.problem(
                field,
                ProblemKind::BadAmount {
                    value: amount.into(),
                },
            );
            return None;
        };
        Some(Balance {
            amount: sign * amount,
            currency: currency.to_owned(),
        })
    }
}

/// `:61:` — `YYMMDD[MMDD](C|D|RC|RD)[funds code]amount(type, 4)customer ref[//bank ref]`, and
/// an optional line of supplementary details.
fn parse_61(field: &Field) -> Result<Line, Vec<ProblemKind>> {
    let value = field.first_line();
    let bad = |detail: &str| {
        vec![ProblemKind::Malformed {
            detail: format!("{detail} in {value}"),
        }]
    };
    let value_date_text = value.get(..6).unwrap_or(value);
    let Some(value_date) = parse_yymmdd(value_date_text) else {
        return Err(vec![ProblemKind::BadDate {
            value: value_date_text.into(),
        }]);
    };
    let mut rest = value.get(6..).unwrap_or_default();
    let mut booked_on = value_date;
    let entry_date = rest
        .get(..4)
        .filter(|d| d.bytes().all(|b| b.is_ascii_digit()));
    if let Some(entry_date) = entry_date {
        let Some(date) = parse_mmdd_near(entry_date, value_date) else {
            return Err(vec![ProblemKind::BadDate {
                value: entry_date.into(),
            }]);
        };
        booked_on = date;
        rest = rest.get(4..).unwrap_or_default();
    }
    let (credit, after_mark) = if let Some(r) = rest.strip_prefix("RC") {
        (false, r)
    } else if let Some(r) = rest.strip_prefix("RD") {
        (true, r)
    } else if let Some(r) = rest.strip_prefix('C') {
        (true, r)
    } else if let Some(r) = rest.strip_prefix('D') {
        (false, r)
    } else {
        return Err(bad("no debit/credit mark"));
    };
    rest = after_mark;
    if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
        rest = rest.get(1..).unwrap_or_default();
    }
    let amount_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ','))
        .unwrap_or(rest.len());
    let amount_text = rest.get(..amount_end).unwrap_or_default();
    let amount = match parse_swift_amount(amount_text) {
        Some(amount) if amount.is_zero() => return Err(vec![ProblemKind::NoAmount]),
        Some(amount) => amount,
        None => {
            return Err(vec![ProblemKind::BadAmount {
                value: amount_text.into(),
            }]);
        }
    };
    rest = rest.get(amount_end..).unwrap_or_default();
    let kind = rest
        .get(..4)
        .filter(|k| k.starts_with(['N', 'F', 'S']) && k.bytes().all(|b| b.is_ascii_alphanumeric()));
    if kind.is_none() {
        return Err(bad("no transaction type"));
    }
    rest = rest.get(4..).unwrap_or_default();
    let (customer, bank) = match rest.split_once("//") {
        Some((customer, bank)) => (customer, Some(bank)),
        None => (rest, None),
    };
    let customer = customer.trim();
    let supplementary = field
        .lines
        .get(1..)
        .map(|more| {
            more.iter()
                .map(|l| l.trim())
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|s| !s.is_empty());
    Ok(Line {
        row: field.line,
        booked_on,
        amount: if credit { amount } else { -amount },
        currency: None,
        payer_name: None,
        payer_account: None,
        remark: supplementary,
        reference: Some(customer.to_owned()).filter(|c| !c.is_empty() && c != "NONREF"),
        bank_ref: bank
            .map(str::trim)
            .filter(|b| !b.is_empty() && *b != "NONREF")
            .map(str::to_owned),
        balance_after: None,
    })
}

/// `:86:` information on `line`: `?20`–`?29` (and `?60`–`?63`) are the remittance text,
/// `?32`/`?33` the other party's name, `?31` its account; without `?` subfields the whole text
/// is the remark.
fn apply_86(line: &mut Line, lines: &[String]) {
    let joined: String = lines.concat();
    let Some(subfields) = subfields(&joined) else {
        let text = lines
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if !text.is_empty() {
            line.remark = Some(text);
        }
        return;
    };
    // Subfields split one text at fixed widths, so they join without a space, except before
    // a SEPA keyword (`EREF+`, `SVWZ+` …) starting a subfield.
    let collect = |wanted: &dyn Fn(u8) -> bool| {
        let mut text = String::new();
        for (_, body) in subfields.iter().filter(|(code, _)| wanted(*code)) {
            if starts_with_keyword(body) && !text.is_empty() && !text.ends_with(' ') {
                text.push(' ');
            }
            text.push_str(body);
        }
        let text = text.trim().to_owned();
        (!text.is_empty()).then_some(text)
    };
    if let Some(remark) = collect(&|c| (20..=29).contains(&c) || (60..=63).contains(&c)) {
        line.remark = Some(remark);
    }
    line.payer_name = collect(&|c| c == 32 || c == 33);
    line.payer_account = collect(&|c| c == 31);
}

/// `EREF+`, `SVWZ+`, `BIC+`: three or four capitals and a plus.
fn starts_with_keyword(text: &str) -> bool {
    let letters = text.bytes().take_while(u8::is_ascii_uppercase).count();
    (3..=4).contains(&letters) && text.as_bytes().get(letters) == Some(&b'+')
}

/// `166?00GUTSCHRIFT?20…` → [(0, "GUTSCHRIFT"), (20, "…")]: `?` and two digits start each
/// subfield, after an optional three-digit transaction code. `None` when the text is free.
fn subfields(text: &str) -> Option<Vec<(u8, &str)>> {
    let code_len = text.bytes().take_while(u8::is_ascii_digit).count();
    if code_len > 3 {
        return None;
    }
    let mut rest = text.get(code_len..)?;
    let mut found = Vec::new();
    while !rest.is_empty() {
        let code: u8 = rest.strip_prefix('?')?.get(..2)?.parse().ok()?;
        let body = rest.get(3..)?;
        let end = next_subfield(body).unwrap_or(body.len());
        found.push((code, body.get(..end)?));
        rest = body.get(end..)?;
    }
    (!found.is_empty()).then_some(found)
}

fn next_subfield(text: &str) -> Option<usize> {
    text.match_indices('?').map(|(i, _)| i).find(|&i| {
        text.get(i + 1..i + 3)
            .is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit()))
    })
}

#[cfg(test)]
#[path = "mt940_tests.rs"]
mod tests;
