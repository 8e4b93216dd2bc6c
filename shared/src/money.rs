//! Money: an exact decimal amount and its ISO 4217 currency.
//!
//! Amounts are never floats. Arithmetic refuses to mix currencies: nothing converts silently.
//! Rounding follows the currency's minor units, half away from zero, as invoices are rounded.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Active ISO 4217 codes with their minor units (decimal places).
const ISO_4217: &[(&str, u32)] = &[
    ("AED", 2),
    ("AFN", 2),
    ("ALL", 2),
    ("AMD", 2),
    ("ANG", 2),
    ("AOA", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("AWG", 2),
    ("AZN", 2),
    ("BAM", 2),
    ("BBD", 2),
    ("BDT", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BIF", 0),
    ("BMD", 2),
    ("BND", 2),
    ("BOB", 2),
    ("BRL", 2),
    ("BSD", 2),
    ("BTN", 2),
    ("BWP", 2),
    ("BYN", 2),
    ("BZD", 2),
    ("CAD", 2),
    ("CDF", 2),
    ("CHF", 2),
    ("CLF", 4),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("CRC", 2),
    ("CUP", 2),
    ("CVE", 2),
    ("CZK", 2),
    ("DJF", 0),
    ("DKK", 2),
    ("DOP", 2),
    ("DZD", 2),
    ("EGP", 2),
    ("ERN", 2),
    ("ETB", 2),
    ("EUR", 2),
    ("FJD", 2),
    ("FKP", 2),
    ("GBP", 2),
    ("GEL", 2),
    ("GHS", 2),
    ("GIP", 2),
    ("GMD", 2),
    ("GNF", 0),
    ("GTQ", 2),
    ("GYD", 2),
    ("HKD", 2),
    ("HNL", 2),
    ("HTG", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("IQD", 3),
    ("IRR", 2),
    ("ISK", 0),
    ("JMD", 2),
    ("JOD", 3),
    ("JPY", 0),
    ("KES", 2),
    ("KGS", 2),
    ("KHR", 2),
    ("KMF", 0),
    ("KPW", 2),
    ("KRW", 0),
    ("KWD", 3),
    ("KYD", 2),
    ("KZT", 2),
    ("LAK", 2),
    ("LBP", 2),
    ("LKR", 2),
    ("LRD", 2),
    ("LSL", 2),
    ("LYD", 3),
    ("MAD", 2),
    ("MDL", 2),
    ("MGA", 2),
    ("MKD", 2),
    ("MMK", 2),
    ("MNT", 2),
    ("MOP", 2),
    ("MRU", 2),
    ("MUR", 2),
    ("MVR", 2),
    ("MWK", 2),
    ("MXN", 2),
    ("MYR", 2),
    ("MZN", 2),
    ("NAD", 2),
    ("NGN", 2),
    ("NIO", 2),
    ("NOK", 2),
    ("NPR", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PAB", 2),
    ("PEN", 2),
    ("PGK", 2),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("PYG", 0),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("RUB", 2),
    ("RWF", 0),
    ("SAR", 2),
    ("SBD", 2),
    ("SCR", 2),
    ("SDG", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("SHP", 2),
    ("SLE", 2),
    ("SOS", 2),
    ("SRD", 2),
    ("SSP", 2),
    ("STN", 2),
    ("SVC", 2),
    ("SYP", 2),
    ("SZL", 2),
    ("THB", 2),
    ("TJS", 2),
    ("TMT", 2),
    ("TND", 3),
    ("TOP", 2),
    ("TRY", 2),
    ("TTD", 2),
    ("TWD", 2),
    ("TZS", 2),
    ("UAH", 2),
    ("UGX", 0),
    ("USD", 2),
    ("UYI", 0),
    ("UYU", 2),
    ("UYW", 4),
    ("UZS", 2),
    ("VES", 2),
    ("VND", 0),
    ("VUV", 0),
    ("WST", 2),
    ("XAF", 0),
    ("XCD", 2),
    ("XOF", 0),
    ("XPF", 0),
    ("YER", 2),
    ("ZAR", 2),
    ("ZMW", 2),
    ("ZWG", 2),
];

/// An ISO 4217 currency. Only active codes parse, so a typo never becomes a currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: [u8; 3],
    minor_units: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CurrencyError {
    #[error(
        "`{0}` is not an ISO 4217 currency code (three capital letters, such as CNY, USD or EUR)"
    )]
    Unknown(String),
}

impl Currency {
    pub const CNY: Currency = Currency {
        code: *b"CNY",
        minor_units: 2,
    };
    pub const USD: Currency = Currency {
        code: *b"USD",
        minor_units: 2,
    };
    pub const EUR: Currency = Currency {
        code: *b"EUR",
        minor_units: 2,
    };
    pub const JPY: Currency = Currency {
        code: *b"JPY",
        minor_units: 0,
    };

    /// The three-letter code, such as `CNY`.
    pub fn code(&self) -> &str {
        // The code bytes come only from the ISO table, which is ASCII.
        std::str::from_utf8(&self.code).unwrap_or("XXX")
    }

    /// Decimal places of the currency's minor unit (2 for CNY, 0 for JPY, 3 for KWD).
    pub const fn minor_units(&self) -> u32 {
        self.minor_units
    }

    /// Every currency Duely accepts, in code order.
    pub fn all() -> impl Iterator<Item = Currency> {
        ISO_4217.iter().filter_map(|(code, _)| code.parse().ok())
    }
}

/// Duely's one rounding rule for money: to `places` decimals, half away from zero (2.345 is
/// 2.35, -2.345 is -2.35), as invoices, statements, PDFs, CSV, emails and the web app all show it.
pub fn round_half_away(amount: Decimal, places: u32) -> Decimal {
    amount.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
}

/// `amount` rounded by [`round_half_away`] and written with exactly `places` decimals.
pub fn amount_text(amount: Decimal, places: u32) -> String {
    let mut shown = round_half_away(amount, places);
    shown.rescale(places);
    shown.to_string()
}

impl FromStr for Currency {
    type Err = CurrencyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ISO_4217
            .iter()
            .find(|(code, _)| *code == s)
            .and_then(|(code, minor_units)| {
                let bytes: [u8; 3] = code.as_bytes().try_into().ok()?;
                Some(Currency {
                    code: bytes,
                    minor_units: *minor_units,
                })
            })
            .ok_or_else(|| CurrencyError::Unknown(s.to_owned()))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        code.parse().map_err(serde::de::Error::custom)
    }
}

/// The largest amount Duely stores (exclusive): 100 trillion in any currency, below what
/// `NUMERIC(20, 4)` holds, so a typo of too many digits is an error, not an overflow.
pub fn max_amount() -> Decimal {
    Decimal::from(100_000_000_000_000i64)
}

/// An exact amount in one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// Serialized as a decimal string, so no JSON client turns it into a float.
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    pub currency: Currency,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("cannot combine {left} with {right}: amounts in different currencies are never mixed")]
    CurrencyMismatch { left: Currency, right: Currency },
    #[error("{amount} has more decimal places than {currency} allows ({allowed})")]
    TooPrecise {
        amount: Decimal,
        currency: Currency,
        allowed: u32,
    },
    #[error("the amount is too large")]
    Overflow,
}

impl Money {
    pub const fn new(amount: Decimal, currency: Currency) -> Self {
        Money { amount, currency }
    }

    pub const fn zero(currency: Currency) -> Self {
        Money {
            amount: Decimal::ZERO,
            currency,
        }
    }

    /// Parses user input exactly: more decimal places than the currency has is an error, never a
    /// silent rounding of what someone typed.
    pub fn parse_exact(amount: &str, currency: Currency) -> Result<Self, MoneyParseError> {
        let parsed = Decimal::from_str_exact(amount.trim())
            .map_err(|_| MoneyParseError::NotADecimal(amount.to_owned()))?;
        let normalized = parsed.normalize();
        if normalized.scale() > currency.minor_units() {
            return Err(MoneyParseError::Money(MoneyError::TooPrecise {
                amount: parsed,
                currency,
                allowed: currency.minor_units(),
            }));
        }
        Ok(Money::new(normalized, currency))
    }

    /// Rounds to the currency's minor units, half away from zero.
    pub fn round(self) -> Self {
        Money {
            amount: round_half_away(self.amount, self.currency.minor_units()),
            currency: self.currency,
        }
    }

    /// The amount with exactly its currency's decimals (`4000` CNY is `"4000.00"`).
    pub fn amount_text(&self) -> String {
        amount_text(self.amount, self.currency.minor_units())
    }

    pub fn is_zero(&self) -> bool {
        self.amount.is_zero()
    }

    pub fn is_negative(&self) -> bool {
        self.amount.is_sign_negative() && !self.amount.is_zero()
    }

    fn same_currency(&self, other: &Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            })
        }
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(&other)?;
        let amount = self
            .amount
            .checked_add(other.amount)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(&other)?;
        let amount = self
            .amount
            .checked_sub(other.amount)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    /// Sums amounts of one currency; an empty list sums to zero in `currency`.
    pub fn sum<I: IntoIterator<Item = Money>>(
        currency: Currency,
        items: I,
    ) -> Result<Money, MoneyError> {
        items
            .into_iter()
            .try_fold(Money::zero(currency), Money::checked_add)
    }

    pub fn min(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(&other)?;
        Ok(if self.amount <= other.amount {
            self
        } else {
            other
        })
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = self.round();
        write!(
            f,
            "{:.*} {}",
            self.currency.minor_units() as usize,
            shown.amount,
            self.currency
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyParseError {
    #[error("`{0}` is not a decimal amount (use digits with an optional point, such as 1250.50)")]
    NotADecimal(String),
    #[error(transparent)]
    Money(#[from] MoneyError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros_free::dec;

    /// `dec!` without the macro crate: tests only.
    mod rust_decimal_macros_free {
        macro_rules! dec {
            ($s:literal) => {
                rust_decimal::Decimal::from_str_exact(stringify!($s)).unwrap()
            };
        }
        pub(crate) use dec;
    }

    #[test]
    fn currencies_parse_only_from_active_iso_codes() {
        assert_eq!("CNY".parse::<Currency>(), Ok(Currency::CNY));
        assert_eq!("JPY".parse::<Currency>().unwrap().minor_units(), 0);
        assert_eq!("KWD".parse::<Currency>().unwrap().minor_units(), 3);
        assert!("cny".parse::<Currency>().is_err());
        assert!("RMB".parse::<Currency>().is_err());
        assert!("".parse::<Currency>().is_err());
        assert!(Currency::all().count() > 150);
    }

    #[test]
    fn adding_two_currencies_is_refused() {
        let yuan = Money::new(dec!(10), Currency::CNY);
        let dollars = Money::new(dec!(10), Currency::USD);
        assert_eq!(
            yuan.checked_add(dollars),
            Err(MoneyError::CurrencyMismatch {
                left: Currency::CNY,
                right: Currency::USD
            })
        );
    }

    #[test]
    fn rounding_is_half_away_from_zero_at_the_currencys_minor_unit() {
        assert_eq!(
            Money::new(dec!(1.005), Currency::CNY).round().amount,
            dec!(1.01)
        );
        assert_eq!(
            Money::new(dec!(-1.005), Currency::CNY).round().amount,
            dec!(-1.01)
        );
        assert_eq!(Money::new(dec!(1.5), Currency::JPY).round().amount, dec!(2));
    }

    #[test]
    fn typed_amounts_with_too_many_decimals_are_an_error_not_a_rounding() {
        assert!(Money::parse_exact("10.005", Currency::CNY).is_err());
        assert!(Money::parse_exact("100.5", Currency::JPY).is_err());
        assert_eq!(
            Money::parse_exact("10.50", Currency::CNY).unwrap().amount,
            dec!(10.5)
        );
        assert!(matches!(
            Money::parse_exact("ten", Currency::CNY),
            Err(MoneyParseError::NotADecimal(_))
        ));
    }

    #[test]
    fn money_crosses_the_wire_with_a_string_amount() {
        let money = Money::new(dec!(1234.50), Currency::CNY);
        let json = serde_json::to_value(money).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"amount": "1234.50", "currency": "CNY"})
        );
        let back: Money = serde_json::from_value(json).unwrap();
        assert_eq!(back, money);
    }

    #[test]
    fn display_shows_the_currencys_decimal_places() {
        assert_eq!(Money::new(dec!(5), Currency::CNY).to_string(), "5.00 CNY");
        assert_eq!(Money::new(dec!(5), Currency::JPY).to_string(), "5 JPY");
    }

    fn cents() -> impl Strategy<Value = Money> {
        (-10_000_000_000i64..10_000_000_000i64)
            .prop_map(|cents| Money::new(Decimal::new(cents, 2), Currency::CNY))
    }

    proptest! {
        #[test]
        fn addition_is_exact_and_commutative(a in cents(), b in cents()) {
            let ab = a.checked_add(b).unwrap();
            prop_assert_eq!(ab, b.checked_add(a).unwrap());
            prop_assert_eq!(ab.checked_sub(b).unwrap(), a);
        }

        #[test]
        fn rounding_is_idempotent(units in any::<i64>(), scale in 0u32..8) {
            let money = Money::new(Decimal::new(units, scale), Currency::CNY).round();
            prop_assert_eq!(money.round(), money);
            prop_assert!(money.amount.scale() <= 2);
        }

        #[test]
        fn a_sum_equals_adding_one_by_one(items in proptest::collection::vec(cents(), 0..20)) {
            let mut running = Money::zero(Currency::CNY);
            for item in &items {
                running = running.checked_add(*item).unwrap();
            }
            prop_assert_eq!(Money::sum(Currency::CNY, items).unwrap(), running);
        }
    }
}
