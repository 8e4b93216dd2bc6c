//! The domain's own errors as reasons: a money, email, password or name error keeps its
//! parameters on the way to the API.

use super::Reason;

impl From<&crate::money::MoneyParseError> for Reason {
    fn from(error: &crate::money::MoneyParseError) -> Self {
        use crate::money::MoneyParseError;
        match error {
            MoneyParseError::NotADecimal(value) => Reason::NotANumber {
                value: value.clone(),
            },
            MoneyParseError::Money(error) => Reason::from(error),
        }
    }
}

impl From<&crate::credentials::EmailError> for Reason {
    fn from(error: &crate::credentials::EmailError) -> Self {
        use crate::credentials::EmailError;
        match error {
            EmailError::Empty => Reason::Required {},
            EmailError::TooLong => Reason::TextLength {
                min: None,
                max: Some(crate::credentials::EMAIL_MAX_CHARS),
            },
            EmailError::Malformed(_) => Reason::EmailMalformed {},
        }
    }
}

impl From<&crate::credentials::PasswordError> for Reason {
    fn from(error: &crate::credentials::PasswordError) -> Self {
        use crate::credentials::{PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, PasswordError};
        let chars = |count: usize| u32::try_from(count).unwrap_or(u32::MAX);
        match error {
            PasswordError::TooShort => Reason::PasswordTooShort {
                min: chars(PASSWORD_MIN_CHARS),
            },
            PasswordError::TooLong => Reason::PasswordTooLong {
                max: chars(PASSWORD_MAX_CHARS),
            },
            PasswordError::SameAsEmail => Reason::PasswordSameAsEmail {},
            PasswordError::TooCommon => Reason::PasswordTooCommon {},
        }
    }
}

impl From<&crate::credentials::NameError> for Reason {
    fn from(error: &crate::credentials::NameError) -> Self {
        use crate::credentials::NameError;
        match error {
            NameError::Empty => Reason::Required {},
            NameError::TooLong { max } => Reason::TextLength {
                min: None,
                max: Some(u32::try_from(*max).unwrap_or(u32::MAX)),
            },
        }
    }
}

impl From<&crate::money::MoneyError> for Reason {
    fn from(error: &crate::money::MoneyError) -> Self {
        use crate::money::MoneyError;
        match error {
            MoneyError::CurrencyMismatch { left, right } => Reason::CurrencyMismatch {
                expected: left.code().to_owned(),
                given: right.code().to_owned(),
            },
            MoneyError::TooPrecise {
                amount,
                currency,
                allowed,
            } => Reason::TooManyDecimals {
                amount: amount.to_string(),
                currency: currency.code().to_owned(),
                allowed: *allowed,
            },
            MoneyError::Overflow => Reason::AmountTooLarge {},
        }
    }
}
