//! The rules for what people type when they sign up or are invited: email addresses, passwords,
//! names. Each error says what is wrong and what is allowed.

use std::fmt;

/// The most characters of an email address (RFC 5321).
pub const EMAIL_MAX_CHARS: u32 = 254;
pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 128;
pub const COMPANY_NAME_MAX_CHARS: usize = 100;
pub const PERSON_NAME_MAX_CHARS: usize = 100;

/// An email address, trimmed and lower-cased, so one person has one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailAddress(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("enter an email address")]
    Empty,
    #[error("an email address has at most 254 characters")]
    TooLong,
    #[error("`{0}` is not an email address; it should look like name@company.com")]
    Malformed(String),
}

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err(EmailError::Empty);
        }
        if email.chars().count() > 254 {
            return Err(EmailError::TooLong);
        }
        let malformed = || EmailError::Malformed(raw.trim().to_owned());
        let (local, domain) = email.rsplit_once('@').ok_or_else(malformed)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if local_ok && domain_ok {
            Ok(EmailAddress(email))
        } else {
            Err(malformed())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("a password needs at least {PASSWORD_MIN_CHARS} characters")]
    TooShort,
    #[error("a password has at most {PASSWORD_MAX_CHARS} characters")]
    TooLong,
    #[error("the password must not be your email address")]
    SameAsEmail,
    #[error("this password is among the most common ones and is guessed first; choose another")]
    TooCommon,
}

/// Common passwords of ten or more characters (shorter ones already fail the length rule),
/// including those most used in China. Compared ignoring case.
const COMMON_PASSWORDS: &[&str] = &[
    "1234567890",
    "0123456789",
    "0987654321",
    "12345678910",
    "123456789a",
    "a123456789",
    "qwertyuiop",
    "1q2w3e4r5t",
    "q1w2e3r4t5",
    "qwerty1234",
    "1234qwer!@",
    "qwerty123456",
    "password12",
    "password123",
    "password1!",
    "password!1",
    "passw0rd12",
    "p@ssw0rd123",
    "iloveyou12",
    "iloveyou123",
    "abcdefghij",
    "abcd123456",
    "abc1234567",
    "aa12345678",
    "1111111111",
    "0000000000",
    "1212121212",
    "1122334455",
    "1234512345",
    "5201314520",
    "52013145201314",
    "woaini1314",
    "woaini520",
    "5211314521",
    "1314520520",
    "qq123456789",
    "asdfghjkl;",
    "asdfghjkl1",
    "zxcvbnm123",
    "zxcvbnmasd",
    "1qaz2wsx3edc",
    "1qaz2wsx",
    "qazwsxedc123",
    "qazwsxedcrfv",
    "letmein123",
    "welcome123",
    "admin12345",
    "administrator",
    "changeme123",
    "football12",
    "baseball12",
    "superman12",
    "dragon1234",
    "monkey1234",
    "sunshine12",
    "princess12",
    "trustno1234",
    "michael123",
    "charlie123",
    "computer12",
    "internet12",
    "starwars12",
    "whatever12",
    "1234567890a",
    "123456789q",
    "987654321a",
];

/// Checks a new password against the rules; `email` is the account's address.
pub fn check_password(password: &str, email: &EmailAddress) -> Result<(), PasswordError> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        return Err(PasswordError::TooShort);
    }
    if chars > PASSWORD_MAX_CHARS {
        return Err(PasswordError::TooLong);
    }
    let lowered = password.trim().to_lowercase();
    let local_part = email.as_str().split('@').next().unwrap_or_default();
    if lowered == email.as_str() || lowered == local_part {
        return Err(PasswordError::SameAsEmail);
    }
    let one_repeated_char = lowered.chars().all(|c| lowered.starts_with(c));
    if one_repeated_char || COMMON_PASSWORDS.iter().any(|common| *common == lowered) {
        return Err(PasswordError::TooCommon);
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("enter a name")]
    Empty,
    #[error("a name has at most {max} characters")]
    TooLong { max: usize },
}

/// A company's name: trimmed, 1 to 100 characters (Chinese names are often short).
pub fn company_name(raw: &str) -> Result<String, NameError> {
    bounded_name(raw, COMPANY_NAME_MAX_CHARS)
}

/// A person's name: trimmed, 1 to 100 characters.
pub fn person_name(raw: &str) -> Result<String, NameError> {
    bounded_name(raw, PERSON_NAME_MAX_CHARS)
}

fn bounded_name(raw: &str, max: usize) -> Result<String, NameError> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        Err(NameError::Empty)
    } else if name.chars().count() > max {
        Err(NameError::TooLong { max })
    } else {
        Ok(name)
    }
}

/// The readable start of a tenant's slug: lower-case ASCII letters and digits of the name,
/// words joined by `-`, at most 40 characters; `company` when the name has none (a Chinese
/// name). The backend appends a random suffix, so slugs are unique and never guessable.
pub fn slug_base(company_name: &str) -> String {
    let words: Vec<String> = company_name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let mut slug = String::new();
    for word in words {
        if slug.len() + word.len() + 1 > 40 {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&word);
    }
    if slug.is_empty() {
        "company".to_owned()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn email(raw: &str) -> EmailAddress {
        EmailAddress::parse(raw).unwrap()
    }

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(
            email("  Li.Wei@Example.COM ").as_str(),
            "li.wei@example.com"
        );
    }

    #[test]
    fn malformed_emails_are_refused_with_the_reason() {
        for bad in [
            "li",
            "li@",
            "@example.com",
            "li@example",
            "li@@example.com",
            "li@.com",
            "a..b@x.com",
            "li wei@x.com",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(EmailAddress::parse("   "), Err(EmailError::Empty));
    }

    #[test]
    fn passwords_need_ten_characters_and_may_be_chinese() {
        let owner = email("li@example.com");
        assert_eq!(
            check_password("short", &owner),
            Err(PasswordError::TooShort)
        );
        assert_eq!(check_password("回款及时很重要的密码吧", &owner), Ok(()));
        assert_eq!(check_password("correct horse battery", &owner), Ok(()));
    }

    #[test]
    fn the_email_is_not_a_password() {
        let owner = email("finance.lead@example.com");
        assert_eq!(
            check_password("Finance.Lead@example.com", &owner),
            Err(PasswordError::SameAsEmail)
        );
        assert_eq!(
            check_password("finance.lead", &owner),
            Err(PasswordError::SameAsEmail)
        );
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        let owner = email("li@example.com");
        assert_eq!(
            check_password("QwertyUIOP", &owner),
            Err(PasswordError::TooCommon)
        );
        assert_eq!(
            check_password("woaini1314", &owner),
            Err(PasswordError::TooCommon)
        );
        assert_eq!(
            check_password("zzzzzzzzzzzz", &owner),
            Err(PasswordError::TooCommon)
        );
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            company_name("  上海  远航 贸易 ").unwrap(),
            "上海 远航 贸易"
        );
        assert_eq!(company_name(""), Err(NameError::Empty));
        assert!(company_name(&"名".repeat(101)).is_err());
        assert!(company_name(&"名".repeat(100)).is_ok());
    }

    #[test]
    fn slugs_keep_the_ascii_words_of_the_name() {
        assert_eq!(slug_base("Acme Trading Co., Ltd."), "acme-trading-co-ltd");
        assert_eq!(slug_base("上海远航贸易有限公司"), "company");
        assert_eq!(slug_base("远航 Yuanhang 2024"), "yuanhang-2024");
    }

    proptest! {
        #[test]
        fn a_slug_is_always_a_safe_short_identifier(name in "\\PC{0,80}") {
            let slug = slug_base(&name);
            prop_assert!(!slug.is_empty() && slug.len() <= 40);
            prop_assert!(slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
            prop_assert!(!slug.starts_with('-') && !slug.ends_with('-'));
        }

        #[test]
        fn a_parsed_email_parses_again_to_itself(local in "[a-z0-9._-]{1,20}", domain in "[a-z0-9]{1,10}\\.[a-z]{2,6}") {
            if let Ok(parsed) = EmailAddress::parse(&format!("{local}@{domain}")) {
                prop_assert_eq!(EmailAddress::parse(parsed.as_str()), Ok(parsed.clone()));
            }
        }
    }
}
