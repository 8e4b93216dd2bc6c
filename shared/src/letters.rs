//! Letters on the company's letterhead: the demand letter (催款函) a ladder's letter step
//! makes, and the lawyer's letter (律师函) a legal case drafts for the company's lawyer (the
//! seed articles: `001` on 催款函 among the collection measures, `000` on consulting a lawyer
//! before legal action). A letter is printed and mailed by a person, who records the
//! carrier's tracking number.

use serde::{Deserialize, Serialize};

string_enum!(LetterKind {
    /// 催款函: a demand for payment from a ladder's letter step.
    Demand => "DEMAND",
    /// 律师函 draft: for the company's lawyer to review, sign and send.
    LawyerDraft => "LAWYER_DRAFT",
});

string_enum!(LetterStatus {
    /// Made, not yet recorded as mailed.
    ToPrint => "TO_PRINT",
    /// Recorded as mailed, with the carrier's tracking number.
    Mailed => "MAILED",
});

/// The longest tracking number a carrier gives (SF Express's are 12 to 15 characters; EMS's 13).
pub const MAX_TRACKING_NUMBER: usize = 40;

/// A tracking number as typed, with spaces and dashes taken out: 4 to 40 letters and digits.
pub fn tracking_number(typed: &str) -> Option<String> {
    let kept: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    let valid = (4..=MAX_TRACKING_NUMBER).contains(&kept.chars().count())
        && kept.chars().all(|c| c.is_ascii_alphanumeric());
    valid.then(|| kept.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_numbers_are_letters_and_digits_as_carriers_print_them() {
        assert_eq!(
            tracking_number(" SF 1234-5678-9012 "),
            Some("SF123456789012".to_owned())
        );
        assert_eq!(
            tracking_number("ee123456789cn"),
            Some("EE123456789CN".to_owned())
        );
        assert_eq!(tracking_number("abc"), None);
        assert_eq!(tracking_number("顺丰1234567"), None);
        assert_eq!(tracking_number(&"1".repeat(41)), None);
    }
}
