//! Dates as banks write them in tables, spreadsheets, XML and SWIFT fields.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime};

/// Formats tried, in order, when the mapping names none.
const DEFAULT_FORMATS: &[&str] = &["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日"];

/// A table date: with `format` (a chrono format, of a date or a date-time) when given, else
/// any of [`DEFAULT_FORMATS`]; a date-time's date part (`2024-01-05 10:22:01`,
/// `2024-01-05T10:22:01`) is read as its date.
pub(crate) fn parse_table_date(text: &str, format: Option<&str>) -> Option<NaiveDate> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Some(format) = format {
        return NaiveDate::parse_from_str(text, format)
            .ok()
            .or_else(|| {
                NaiveDateTime::parse_from_str(text, format)
                    .ok()
                    .map(|dt| dt.date())
            })
            .or_else(|| {
                let (date, _) = split_date_time(text)?;
                NaiveDate::parse_from_str(date, format).ok()
            });
    }
    parse_default(text).or_else(|| {
        let (date, time) = split_date_time(text)?;
        looks_like_time(time).then(|| parse_default(date)).flatten()
    })
}

fn parse_default(text: &str) -> Option<NaiveDate> {
    DEFAULT_FORMATS.iter().find_map(|format| {
        // `%Y%m%d` reads fewer digits too (`202415`); a compact date is exactly eight.
        if *format == "%Y%m%d" && !(text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit())) {
            return None;
        }
        NaiveDate::parse_from_str(text, format).ok()
    })
}

fn split_date_time(text: &str) -> Option<(&str, &str)> {
    let at = text.find([' ', 'T'])?;
    let (date, time) = text.split_at(at);
    Some((date, time.get(1..)?.trim_start()))
}

fn looks_like_time(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || ":.+-Z".contains(c))
}

/// A date given as a plain spreadsheet number: `20240105`, or an Excel serial day (1900 date
/// system) between 1954 and 2119, the range a bank line can have.
pub(crate) fn from_number(value: f64) -> Option<NaiveDate> {
    if !value.is_finite() || value.fract() != 0.0 {
        return from_serial(value);
    }
    if (19_000_101.0..=29_991_231.0).contains(&value) {
        let text = format!("{value:.0}");
        return NaiveDate::parse_from_str(&text, "%Y%m%d").ok();
    }
    from_serial(value)
}

fn from_serial(value: f64) -> Option<NaiveDate> {
    if !(20_000.0..80_000.0).contains(&value) {
        return None;
    }
    let days = value.floor();
    // In range, so the conversion is exact.
    let days = days as u64;
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(Days::new(days))
}

/// An XML date or date-time's date (`2024-01-05`, `2024-01-05+08:00`,
/// `2024-01-05T10:00:00+01:00`): the date as written, whatever the offset.
pub(crate) fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    let date = text.get(..10)?;
    let rest = text.get(10..)?;
    if !(rest.is_empty() || rest.starts_with(['T', 'Z', '+', '-'])) {
        return None;
    }
    NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()
}

/// A SWIFT `YYMMDD` date; years 80–99 are 19xx, the rest 20xx.
pub(crate) fn parse_yymmdd(text: &str) -> Option<NaiveDate> {
    if text.len() != 6 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let yy: i32 = text.get(..2)?.parse().ok()?;
    let month: u32 = text.get(2..4)?.parse().ok()?;
    let day: u32 = text.get(4..6)?.parse().ok()?;
    let year = if yy >= 80 { 1900 + yy } else { 2000 + yy };
    NaiveDate::from_ymd_opt(year, month, day)
}

/// A SWIFT `MMDD` date near `anchor`: the year of `anchor`, or the one before or after when
/// that is nearer (an entry booked on 2 January for a value date of 31 December).
pub(crate) fn parse_mmdd_near(text: &str, anchor: NaiveDate) -> Option<NaiveDate> {
    if text.len() != 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let month: u32 = text.get(..2)?.parse().ok()?;
    let day: u32 = text.get(2..4)?.parse().ok()?;
    let year = anchor.year();
    [year - 1, year, year + 1]
        .iter()
        .filter_map(|&y| NaiveDate::from_ymd_opt(y, month, day))
        .min_by_key(|d| (*d - anchor).num_days().abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn reads_the_default_table_formats() {
        for text in [
            "2024-01-05",
            "2024/01/05",
            "2024/1/5",
            "20240105",
            "2024.01.05",
            "2024年01月05日",
            "2024年1月5日",
            "2024-01-05 10:22:01",
            "2024-01-05T10:22:01",
            " 2024-01-05 ",
        ] {
            assert_eq!(
                parse_table_date(text, None),
                Some(ymd(2024, 1, 5)),
                "{text}"
            );
        }
        for text in [
            "",
            "2024-13-01",
            "2024-02-30",
            "202415",
            "合计",
            "05/01/2024",
            "2024-01-05 x",
        ] {
            assert_eq!(parse_table_date(text, None), None, "{text}");
        }
    }

    #[test]
    fn reads_a_mapped_format() {
        assert_eq!(
            parse_table_date("05/01/2024", Some("%d/%m/%Y")),
            Some(ymd(2024, 1, 5))
        );
        assert_eq!(
            parse_table_date("05.01.2024 13:00", Some("%d.%m.%Y %H:%M")),
            Some(ymd(2024, 1, 5))
        );
        assert_eq!(
            parse_table_date("05.01.2024 13:00", Some("%d.%m.%Y")),
            Some(ymd(2024, 1, 5))
        );
        assert_eq!(parse_table_date("2024-01-05", Some("%d/%m/%Y")), None);
    }

    #[test]
    fn reads_spreadsheet_numbers() {
        assert_eq!(from_number(45296.0), Some(ymd(2024, 1, 5)));
        assert_eq!(from_number(45296.5), Some(ymd(2024, 1, 5)));
        assert_eq!(from_number(20_240_105.0), Some(ymd(2024, 1, 5)));
        assert_eq!(from_number(12.0), None);
        assert_eq!(from_number(f64::INFINITY), None);
    }

    #[test]
    fn reads_xml_and_swift_dates() {
        assert_eq!(parse_iso_date("2024-01-05"), Some(ymd(2024, 1, 5)));
        assert_eq!(
            parse_iso_date("2024-01-05T23:00:00+01:00"),
            Some(ymd(2024, 1, 5))
        );
        assert_eq!(parse_iso_date("2024-01-05Z"), Some(ymd(2024, 1, 5)));
        assert_eq!(parse_iso_date("2024-01-05 "), None);
        assert_eq!(parse_yymmdd("240105"), Some(ymd(2024, 1, 5)));
        assert_eq!(parse_yymmdd("991231"), Some(ymd(1999, 12, 31)));
        assert_eq!(parse_yymmdd("241305"), None);
        assert_eq!(
            parse_mmdd_near("0102", ymd(2023, 12, 31)),
            Some(ymd(2024, 1, 2))
        );
        assert_eq!(
            parse_mmdd_near("1231", ymd(2024, 1, 2)),
            Some(ymd(2023, 12, 31))
        );
        assert_eq!(
            parse_mmdd_near("0105", ymd(2024, 1, 4)),
            Some(ymd(2024, 1, 5))
        );
        assert_eq!(parse_mmdd_near("1332", ymd(2024, 1, 4)), None);
    }
}
