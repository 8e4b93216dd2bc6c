//! ISO 20022 camt.053 (`BkToCstmrStmt`, any version), read as a stream of XML events. Element
//! names are matched without their namespace prefix. A DTD is refused, never read, and only the
//! five predefined entities and character references are resolved: an XML bomb or an external
//! entity has nothing to expand.

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use crate::amounts::parse_xml_amount;
use crate::dates::parse_iso_date;
use crate::problems::{Problems, only};
use crate::statements::{Part, assemble};
use crate::{Limits, Line, Problem, ProblemKind, Statement};

/// One `Bal` as read.
#[derive(Debug, Default)]
struct Balance {
    code: Option<String>,
    amount: Option<String>,
    indicator: Option<String>,
}

/// One `Ntry` as read; its line is made when it closes.
#[derive(Debug, Default)]
struct Entry {
    position: usize,
    amount: Option<String>,
    currency: Option<String>,
    indicator: Option<String>,
    status: Option<String>,
    booked: Option<String>,
    bank_ref: Option<String>,
    end_to_end: Option<String>,
    creditor_ref: Option<String>,
    debtor_name: Option<String>,
    debtor_account: Option<String>,
    creditor_name: Option<String>,
    creditor_account: Option<String>,
    unstructured: Vec<String>,
    additional_info: Option<String>,
}

#[derive(Default)]
struct Parser {
    max_lines: usize,
    /// Local names of the open elements, outermost first.
    stack: Vec<String>,
    /// The text of the innermost open element so far.
    text: String,
    saw_root: bool,
    parts: Vec<Part>,
    /// The open `Stmt` and where it is in `stack`.
    statement: Option<(usize, Part)>,
    /// The open `Bal`, where it is, and whether the opening came from `OPBD`.
    balance: Option<(usize, Balance)>,
    opening_is_opbd: bool,
    entry: Option<(usize, Entry)>,
    entries: usize,
    problems: Problems,
}

pub(crate) fn parse(bytes: &[u8], limits: Limits) -> Result<Statement, Vec<Problem>> {
    let mut reader = Reader::from_reader(bytes);
    let config = reader.config_mut();
    config.expand_empty_elements = true;
    config.check_end_names = true;
    let mut parser = Parser {
        max_lines: limits.max_lines,
        ..Parser::default()
    };
    loop {
        let event = reader.read_event().map_err(|error| {
            only(ProblemKind::Malformed {
                detail: format!("{error} (at byte {})", reader.error_position()),
            })
        })?;
        match event {
            Event::Start(start) => parser.start(&start)?,
            Event::End(_) => parser.end()?,
            Event::Text(text) => parser.text.push_str(&text.xml10_content()),
            Event::CData(data) => parser.text.push_str(&data.xml10_content()),
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    Ok(None) => predefined_entity(&reference),
                    Err(_) => None,
                };
                let Some(c) = resolved else {
                    return Err(only(ProblemKind::Malformed {
                        detail: format!("the entity &{}; is not allowed", &*reference),
                    }));
                };
                parser.text.push(c);
            }
            Event::DocType(_) => {
                return Err(only(ProblemKind::Malformed {
                    detail: "a DOCTYPE is not allowed".into(),
                }));
            }
            Event::Eof => break,
            Event::Empty(_) | Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
        if parser.problems.full() {
            break;
        }
    }
    parser.finish()
}

fn predefined_entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}

/// `stack[from..]` is `path`.
fn at(stack: &[String], from: usize, path: &[&str]) -> bool {
    stack
        .get(from..)
        .is_some_and(|rest| rest.len() == path.len() && rest.iter().zip(path).all(|(a, b)| a == b))
}

fn first(slot: &mut Option<String>, value: &str) {
    if slot.is_none() && !value.is_empty() {
        *slot = Some(value.to_owned());
    }
}

impl Parser {
    fn start(&mut self, start: &BytesStart<'_>) -> Result<(), Vec<Problem>> {
        let name = start.local_name().as_ref().to_owned();
        let parent_is = |parent: &str| self.stack.last().is_some_and(|p| p == parent);
        let depth = self.stack.len();
        match name.as_str() {
            "BkToCstmrStmt" => self.saw_root = true,
            "Stmt" if parent_is("BkToCstmrStmt") => {
                let id = (self.parts.len() + 1).to_string();
                self.statement = Some((
                    depth,
                    Part {
                        id,
                        ..Part::default()
                    },
                ));
                self.opening_is_opbd = false;
            }
            "Bal" if self.statement.as_ref().is_some_and(|(d, _)| d + 1 == depth) => {
                self.balance = Some((depth, Balance::default()));
            }
            "Ntry" if self.statement.as_ref().is_some_and(|(d, _)| d + 1 == depth) => {
                self.entries += 1;
                if self.entries > self.max_lines {
                    let problems = std::mem::take(&mut self.problems);
                    return Err(problems.too_many_lines(self.max_lines, Some(self.entries)));
                }
                self.entry = Some((
                    depth,
                    Entry {
                        position: self.entries,
                        ..Entry::default()
                    },
                ));
            }
            "Amt" => {
                if let Some((d, entry)) = &mut self.entry
                    && *d + 1 == depth
                {
                    entry.currency = attribute(start, "Ccy")?;
                }
            }
            _ => {}
        }
        self.stack.push(name);
        self.text.clear();
        Ok(())
    }

    fn end(&mut self) -> Result<(), Vec<Problem>> {
        let text = std::mem::take(&mut self.text);
        let text = text.trim();
        let depth = self.stack.len().saturating_sub(1);
        let stack = &self.stack;
        if let Some((d, entry)) = &mut self.entry {
            let from = *d + 1;
            let tx = from + 2;
            let in_tx = at(
                stack.get(..tx).unwrap_or_default(),
                from,
                &["NtryDtls", "TxDtls"],
            );
            if at(stack, from, &["Amt"]) {
                first(&mut entry.amount, text);
            } else if at(stack, from, &["CdtDbtInd"]) {
                first(&mut entry.indicator, text);
            } else if at(stack, from, &["Sts"]) || at(stack, from, &["Sts", "Cd"]) {
                first(&mut entry.status, text);
            } else if at(stack, from, &["BookgDt", "Dt"]) || at(stack, from, &["BookgDt", "DtTm"]) {
                first(&mut entry.booked, text);
            } else if at(stack, from, &["AcctSvcrRef"]) {
                first(&mut entry.bank_ref, text);
            } else if at(stack, from, &["AddtlNtryInf"]) {
                first(&mut entry.additional_info, text);
            } else if in_tx {
                read_transaction(entry, stack, tx, text);
            }
            if depth == *d {
                let (_, entry) = self.entry.take().unwrap_or_default();
                self.close_entry(entry);
            }
        } else if let Some((d, balance)) = &mut self.balance {
            let from = *d + 1;
            if at(stack, from, &["Tp", "CdOrPrtry", "Cd"]) {
                first(&mut balance.code, text);
            } else if at(stack, from, &["Amt"]) {
                first(&mut balance.amount, text);
            } else if at(stack, from, &["CdtDbtInd"]) {
                first(&mut balance.indicator, text);
            }
            if depth == *d {
                let (_, balance) = self.balance.take().unwrap_or_default();
                self.close_balance(balance);
            }
        } else if let Some((d, part)) = &mut self.statement {
            let from = *d + 1;
            if at(stack, from, &["Id"]) && !text.is_empty() {
                part.id = text.to_owned();
            } else if at(stack, from, &["Acct", "Id", "IBAN"])
                || at(stack, from, &["Acct", "Id", "Othr", "Id"])
            {
                first(&mut part.account, text);
            } else if at(stack, from, &["Acct", "Ccy"]) {
                first(&mut part.currency, text);
            } else if at(stack, from, &["FrToDt", "FrDtTm"]) {
                part.period_from = parse_iso_date(text);
                if part.period_from.is_none() {
                    let kind = ProblemKind::BadDate { value: text.into() };
                    self.problems.push(None, Some("FrDtTm"), kind);
                }
            } else if at(stack, from, &["FrToDt", "ToDtTm"]) {
                part.period_to = parse_iso_date(text);
                if part.period_to.is_none() {
                    let kind = ProblemKind::BadDate { value: text.into() };
                    self.problems.push(None, Some("ToDtTm"), kind);
                }
            }
            if depth == *d
                && let Some((_, part)) = self.statement.take()
            {
                self.parts.push(part);
            }
        }
        self.stack.pop();
        Ok(())
    }

    fn close_balance(&mut self, balance: Balance) {
        let Some((_, part)) = &mut self.statement else {
            return;
        };
        let code = balance.code.as_deref().unwrap_or_default();
        if !matches!(code, "OPBD" | "PRCD" | "CLBD") {
            return;
        }
        let column = "Bal";
        let Some(amount) = balance.amount else {
            self.problems.push(
                None,
                Some(column),
                ProblemKind::Missing {
                    what: "Bal/Amt".into(),
                },
            );
            return;
        };
        let Some(mut value) = parse_xml_amount(&amount) else {
            self.problems
                .push(None, Some(column), ProblemKind::BadAmount { value: amount });
            return;
        };
        match balance.indicator.as_deref() {
            Some("CRDT") => {}
            Some("DBIT") => value = -value,
            _ => {
                let kind = ProblemKind::Missing {
                    what: "Bal/CdtDbtInd".into(),
                };
                self.problems.push(None, Some(column), kind);
                return;
            }
        }
        match code {
            "OPBD" => {
                part.opening = Some(value);
                self.opening_is_opbd = true;
            }
            "PRCD" if !self.opening_is_opbd => part.opening = Some(value),
            "CLBD" => part.closing = Some(value),
            _ => {}
        }
    }

    fn close_entry(&mut self, entry: Entry) {
        if entry.status.as_deref().is_some_and(|s| s != "BOOK") {
            return;
        }
        let Some((_, part)) = &mut self.statement else {
            return;
        };
        let row = Some(entry.position);
        let problems = &mut self.problems;
        let amount = match &entry.amount {
            None => {
                problems.push(
                    row,
                    Some("Amt"),
                    ProblemKind::Missing { what: "Amt".into() },
                );
                None
            }
            Some(text) => match parse_xml_amount(text) {
                Some(amount) if amount.is_zero() => {
                    problems.push(row, Some("Amt"), ProblemKind::NoAmount);
                    None
                }
                Some(amount) => Some(amount),
                None => {
                    let kind = ProblemKind::BadAmount {
                        value: text.clone(),
                    };
                    problems.push(row, Some("Amt"), kind);
                    None
                }
            },
        };
        let credit = match entry.indicator.as_deref() {
            Some("CRDT") => Some(true),
            Some("DBIT") => Some(false),
            other => {
                let kind = match other {
                    None => ProblemKind::Missing {
                        what: "CdtDbtInd".into(),
                    },
                    Some(value) => ProblemKind::Malformed {
                        detail: format!("CdtDbtInd {value}"),
                    },
                };
                problems.push(row, Some("CdtDbtInd"), kind);
                None
            }
        };
        let booked_on = match &entry.booked {
            None => {
                let kind = ProblemKind::Missing {
                    what: "BookgDt".into(),
                };
                problems.push(row, Some("BookgDt"), kind);
                None
            }
            Some(text) => parse_iso_date(text).or_else(|| {
                problems.push(
                    row,
                    Some("BookgDt"),
                    ProblemKind::BadDate {
                        value: text.clone(),
                    },
                );
                None
            }),
        };
        let (Some(amount), Some(credit), Some(booked_on)) = (amount, credit, booked_on) else {
            return;
        };
        // The other party: who paid a credit, who was paid a debit.
        let (payer_name, payer_account) = if credit {
            (entry.debtor_name, entry.debtor_account)
        } else {
            (entry.creditor_name, entry.creditor_account)
        };
        let remark = if entry.unstructured.is_empty() {
            entry.additional_info
        } else {
            Some(entry.unstructured.join(" "))
        };
        part.lines.push(Line {
            row: entry.position,
            booked_on,
            amount: if credit { amount } else { -amount },
            currency: entry.currency.or_else(|| part.currency.clone()),
            payer_name,
            payer_account,
            remark,
            reference: entry.end_to_end.or(entry.creditor_ref),
            bank_ref: entry.bank_ref,
            balance_after: None,
        });
    }

    fn finish(self) -> Result<Statement, Vec<Problem>> {
        if !self.problems.is_empty() {
            return Err(self.problems.into_vec());
        }
        if !self.saw_root {
            return Err(only(ProblemKind::UnknownFormat));
        }
        if self.parts.is_empty() {
            return Err(only(ProblemKind::Missing {
                what: "Stmt".into(),
            }));
        }
        Ok(assemble(self.parts))
    }
}

/// Details of one `TxDtls`, `stack[tx..]` being the path below it. The first value of each
/// wins when an entry has several transactions; every unstructured remittance line is kept.
fn read_transaction(entry: &mut Entry, stack: &[String], tx: usize, text: &str) {
    let party = |role: &str| {
        at(stack, tx, &["RltdPties", role, "Nm"])
            || at(stack, tx, &["RltdPties", role, "Pty", "Nm"])
    };
    let account = |role: &str| {
        at(stack, tx, &["RltdPties", role, "Id", "IBAN"])
            || at(stack, tx, &["RltdPties", role, "Id", "Othr", "Id"])
    };
    if at(stack, tx, &["Refs", "EndToEndId"]) {
        if text != "NOTPROVIDED" {
            first(&mut entry.end_to_end, text);
        }
    } else if party("Dbtr") {
        first(&mut entry.debtor_name, text);
    } else if account("DbtrAcct") {
        first(&mut entry.debtor_account, text);
    } else if party("Cdtr") {
        first(&mut entry.creditor_name, text);
    } else if account("CdtrAcct") {
        first(&mut entry.creditor_account, text);
    } else if at(stack, tx, &["RmtInf", "Ustrd"]) {
        if !text.is_empty() {
            entry.unstructured.push(text.to_owned());
        }
    } else if at(stack, tx, &["RmtInf", "Strd", "CdtrRefInf", "Ref"]) {
        first(&mut entry.creditor_ref, text);
    }
}

/// The value of the attribute `name` (any prefix), entities resolved.
fn attribute(start: &BytesStart<'_>, name: &str) -> Result<Option<String>, Vec<Problem>> {
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| {
            only(ProblemKind::Malformed {
                detail: e.to_string(),
            })
        })?;
        if attribute.key.local_name().as_ref() == name {
            let value = attribute
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| {
                    only(ProblemKind::Malformed {
                        detail: e.to_string(),
                    })
                })?;
            return Ok(Some(value.trim().to_owned()).filter(|v| !v.is_empty()));
        }
    }
    Ok(None)
}

#[cfg(test)]
#[path = "camt053_tests.rs"]
mod tests;
