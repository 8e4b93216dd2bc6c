//! Amounts as banks write them: in table exports (`¥1,234.50`, `(12.00)`, `CNY 5`), in
//! camt.053 (`1234.50`), in MT940 (`1234,50`), and as spreadsheet numbers.

use std::str::FromStr;

use rust_decimal::Decimal;

/// Currency marks dropped before or after a table amount.
const CURRENCY_MARKS: &[&str] = &[
    "CNY", "RMB", "USD", "EUR", "HKD", "GBP", "JPY", "¥", "￥", "$", "€", "£", "元",
];

/// Cells that stand for "nothing" in a debit or credit column.
const BLANK_MARKS: &[&str] = &["-", "--", "—", "－", "/"];

/// True when an amount cell holds nothing: empty, or a dash some banks put in the unused one of
/// a debit/credit pair.
pub(crate) fn is_blank_amount(text: &str) -> bool {
    let text = text.trim();
    text.is_empty() || BLANK_MARKS.contains(&text)
}

/// A table amount: digits with an optional `.` decimal part and `,` thousands separators in
/// groups of three, with at most one negative mark (a leading or trailing `-`, or parentheses),
/// an optional leading `+`, currency marks (`¥`, `￥`, `CNY`, …) and spaces anywhere around.
pub(crate) fn parse_table_amount(text: &str) -> Option<Decimal> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut rest = compact.as_str();
    let mut negative_marks = 0u32;
    let mut plus_marks = 0u32;
    loop {
        let before = rest;
        if let Some(r) = strip_currency_prefix(rest) {
            rest = r;
        }
        if let Some(r) = strip_currency_suffix(rest) {
            rest = r;
        }
        if let Some(r) = strip_parentheses(rest) {
            rest = r;
            negative_marks += 1;
        }
        if let Some(r) = strip_any_prefix(rest, &["-", "−", "－"]) {
            rest = r;
            negative_marks += 1;
        } else if let Some(r) = rest.strip_suffix('-') {
            rest = r;
            negative_marks += 1;
        } else if let Some(r) = strip_any_prefix(rest, &["+", "＋"]) {
            rest = r;
            plus_marks += 1;
        }
        if rest == before {
            break;
        }
    }
    if negative_marks + plus_marks > 1 {
        return None;
    }
    let (int_part, frac_part) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    if !valid_integer_part(int_part) {
        return None;
    }
    if let Some(frac) = frac_part
        && (frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let mut plain: String = int_part.chars().filter(|&c| c != ',').collect();
    if let Some(frac) = frac_part {
        plain.push('.');
        plain.push_str(frac);
    }
    let value = Decimal::from_str(&plain).ok()?;
    Some(if negative_marks == 1 { -value } else { value })
}

/// Digits, optionally in comma-separated groups of three (the first group one to three).
fn valid_integer_part(int_part: &str) -> bool {
    if int_part.is_empty() {
        return false;
    }
    if !int_part.contains(',') {
        return int_part.bytes().all(|b| b.is_ascii_digit());
    }
    int_part.split(',').enumerate().all(|(i, group)| {
        let digits = group.bytes().all(|b| b.is_ascii_digit());
        let len_ok = if i == 0 {
            (1..=3).contains(&group.len())
        } else {
            group.len() == 3
        };
        digits && len_ok
    })
}

fn strip_any_prefix<'a>(text: &'a str, prefixes: &[&str]) -> Option<&'a str> {
    prefixes.iter().find_map(|p| text.strip_prefix(p))
}

fn strip_currency_prefix(text: &str) -> Option<&str> {
    CURRENCY_MARKS.iter().find_map(|mark| {
        let head = text.get(..mark.len())?;
        head.eq_ignore_ascii_case(mark)
            .then(|| text.get(mark.len()..))
            .flatten()
    })
}

fn strip_currency_suffix(text: &str) -> Option<&str> {
    CURRENCY_MARKS.iter().find_map(|mark| {
        let at = text.len().checked_sub(mark.len())?;
        let tail = text.get(at..)?;
        tail.eq_ignore_ascii_case(mark)
            .then(|| text.get(..at))
            .flatten()
    })
}

fn strip_parentheses(text: &str) -> Option<&str> {
    [("(", ")"), ("（", "）")]
        .iter()
        .find_map(|(open, close)| text.strip_prefix(open)?.strip_suffix(close))
}

/// A camt.053 amount: digits with an optional `.` and decimal digits, never signed.
pub(crate) fn parse_xml_amount(text: &str) -> Option<Decimal> {
    let (int_part, frac_part) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int_part) || frac_part.is_some_and(|f| !digits(f)) {
        return None;
    }
    Decimal::from_str(text).ok()
}

/// A SWIFT amount: digits, one comma as the decimal mark, and optional decimal digits
/// (`1234,56`, `100,`).
pub(crate) fn parse_swift_amount(text: &str) -> Option<Decimal> {
    let (int_part, frac_part) = text.split_once(',')?;
    if int_part.is_empty()
        || !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let plain = if frac_part.is_empty() {
        int_part.to_owned()
    } else {
        format!("{int_part}.{frac_part}")
    };
    Decimal::from_str(&plain).ok()
}

/// A spreadsheet number as the amount it shows: kept to 15 significant digits, as Excel does,
/// so `100.1 * 3` is `300.3` and not `300.29999999999995`.
pub(crate) fn from_float(value: f64) -> Option<Decimal> {
    if !value.is_finite() {
        return None;
    }
    let scientific = format!("{value:.14e}");
    Decimal::from_scientific(&scientific)
        .ok()
        .map(|d| d.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    #[test]
    fn reads_amounts_as_table_exports_write_them() {
        let cases = [
            ("1,234.50", "1234.50"),
            ("  1 234.50 ", "1234.50"),
            ("¥1,234.50", "1234.50"),
            ("￥ 88.00", "88.00"),
            ("CNY 1,000,000.01", "1000000.01"),
            ("1,000.00 元", "1000.00"),
            ("(12.00)", "-12.00"),
            ("（12.00）", "-12.00"),
            ("¥(3.10)", "-3.10"),
            ("-¥5", "-5"),
            ("¥-5", "-5"),
            ("5.00-", "-5.00"),
            ("+7", "7"),
            ("0.5", "0.5"),
            ("usd 12", "12"),
        ];
        for (text, want) in cases {
            assert_eq!(parse_table_amount(text), Some(dec(want)), "{text}");
        }
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        for text in [
            "", "abc", "12,34.5", "1234,50", "1.2.3", "--5", "-(5)", "5.", ".5", "1,2345", "12a",
            "¥", "1e5",
        ] {
            assert_eq!(parse_table_amount(text), None, "{text}");
        }
    }

    #[test]
    fn blank_marks_are_blank() {
        assert!(is_blank_amount("  "));
        assert!(is_blank_amount("-"));
        assert!(!is_blank_amount("0"));
    }

    #[test]
    fn reads_xml_and_swift_amounts() {
        assert_eq!(parse_xml_amount("1234.56"), Some(dec("1234.56")));
        assert_eq!(parse_xml_amount("7"), Some(dec("7")));
        assert_eq!(parse_xml_amount("-7"), None);
        assert_eq!(parse_xml_amount("1,5"), None);
        assert_eq!(parse_swift_amount("1234,56"), Some(dec("1234.56")));
        assert_eq!(parse_swift_amount("100,"), Some(dec("100")));
        assert_eq!(parse_swift_amount("100"), None);
        assert_eq!(parse_swift_amount(",5"), None);
        assert_eq!(parse_swift_amount("1.5,0"), None);
    }

    #[test]
    fn spreadsheet_numbers_keep_fifteen_digits() {
        assert_eq!(from_float(100.1 * 3.0), Some(dec("300.3")));
        assert_eq!(from_float(1234.5), Some(dec("1234.5")));
        assert_eq!(from_float(-0.01), Some(dec("-0.01")));
        assert_eq!(from_float(f64::NAN), None);
    }
}
