//! Money and dates as people in each locale read them. Amounts arrive as decimal strings and
//! are formatted as strings: money never passes through a float, not even for display.

use crate::Locale;

/// A decimal string with its thousands grouped, sign kept: `-1234567.50` is `-1,234,567.50`.
pub fn grouped(amount: &str) -> String {
    let (sign, digits) = match amount.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", amount),
    };
    format!("{sign}{}", group_digits(digits))
}

fn group_digits(digits: &str) -> String {
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3 + fraction.len() + 1);
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if !fraction.is_empty() {
        grouped.push('.');
        grouped.push_str(fraction);
    }
    grouped
}

/// `¥1,234.50`, `$1,234.50`, `€1,234.50`; other currencies as `CHF 1,234.50`.
pub fn money(locale: Locale, amount: &str, currency: &str) -> String {
    let (negative, digits) = match amount.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, amount),
    };
    let number = group_digits(digits);
    let symbol = match (currency, locale) {
        ("CNY", Locale::ZhCn) => Some("¥"),
        ("CNY", Locale::En) => Some("CN¥"),
        ("JPY", Locale::ZhCn) => Some("JP¥"),
        ("JPY", Locale::En) => Some("¥"),
        ("USD", Locale::ZhCn) => Some("US$"),
        ("USD", Locale::En) => Some("$"),
        ("EUR", _) => Some("€"),
        ("GBP", _) => Some("£"),
        ("HKD", _) => Some("HK$"),
        _ => None,
    };
    let sign = if negative { "-" } else { "" };
    match symbol {
        Some(symbol) => format!("{sign}{symbol}{number}"),
        None => format!("{sign}{currency} {number}"),
    }
}

/// `2026-11-23` in Chinese (as finance teams there write dates), `23 Nov 2026` in English.
pub fn date(locale: Locale, iso: &str) -> String {
    let iso = iso.get(..10).unwrap_or(iso);
    match locale {
        Locale::ZhCn => iso.to_owned(),
        Locale::En => {
            let mut parts = iso.split('-');
            match (parts.next(), parts.next(), parts.next()) {
                (Some(year), Some(month), Some(day)) => {
                    const MONTHS: [&str; 12] = [
                        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                        "Nov", "Dec",
                    ];
                    let month = month
                        .parse::<usize>()
                        .ok()
                        .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
                        .copied()
                        .unwrap_or(month);
                    format!("{} {month} {year}", day.trim_start_matches('0'))
                }
                _ => iso.to_owned(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_thousands_and_keeps_every_digit() {
        assert_eq!(money(Locale::ZhCn, "1234567.50", "CNY"), "¥1,234,567.50");
        assert_eq!(money(Locale::En, "-100.00", "USD"), "-$100.00");
        assert_eq!(money(Locale::En, "999", "JPY"), "¥999");
        assert_eq!(
            money(Locale::En, "12345678901234567.89", "CHF"),
            "CHF 12,345,678,901,234,567.89"
        );
    }

    #[test]
    fn dates_follow_the_locale() {
        assert_eq!(date(Locale::ZhCn, "2026-11-03"), "2026-11-03");
        assert_eq!(date(Locale::En, "2026-11-03"), "3 Nov 2026");
        assert_eq!(date(Locale::En, "2026-11-23T10:00:00Z"), "23 Nov 2026");
    }
}

/// An amount as a string with exactly its currency's decimals (`4000` CNY is `"4000.00"`), for
/// amounts computed on the client, such as an allocation preview.
pub fn amount_string(amount: rust_decimal::Decimal, currency: &str) -> String {
    crate::money::amount_text(amount, minor_units(currency))
}

/// A currency's decimals; two for a code Duely does not know, as ISO 4217 has for most.
pub fn minor_units(currency: &str) -> u32 {
    currency
        .parse::<crate::Currency>()
        .map(|currency| currency.minor_units())
        .unwrap_or(2)
}

#[cfg(test)]
mod amount_tests {
    use super::*;

    #[test]
    fn amounts_carry_their_currency_decimals() {
        assert_eq!(
            amount_string(rust_decimal::Decimal::from(4000), "CNY"),
            "4000.00"
        );
        assert_eq!(
            amount_string(rust_decimal::Decimal::new(12345, 1), "JPY"),
            "1235"
        );
        // Half away from zero, never half to even.
        assert_eq!(
            amount_string(rust_decimal::Decimal::new(2345, 3), "CNY"),
            "2.35"
        );
        assert_eq!(
            amount_string(rust_decimal::Decimal::new(-2345, 3), "CNY"),
            "-2.35"
        );
        assert_eq!(
            amount_string(rust_decimal::Decimal::new(2125, 3), "USD"),
            "2.13"
        );
    }
}

/// The last four characters of a secret (fewer if it is shorter): enough for people to tell
/// keys apart, never enough to use one. Webhook secrets, channel keys and Stripe keys show it.
pub fn secret_tail(secret: &str) -> String {
    let skip = secret.chars().count().saturating_sub(4);
    secret.chars().skip(skip).collect()
}

#[cfg(test)]
mod secret_tail_tests {
    use super::secret_tail;

    #[test]
    fn keeps_the_last_four_characters_of_any_length() {
        assert_eq!(secret_tail("whsec_abcdef"), "cdef");
        assert_eq!(secret_tail("ab"), "ab");
        assert_eq!(secret_tail(""), "");
        assert_eq!(secret_tail("密钥一二三四五"), "二三四五");
    }
}
