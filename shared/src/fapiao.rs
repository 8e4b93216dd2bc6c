//! 发票 (fapiao): the tax invoice a Chinese company issues in the tax system for one of its
//! invoices, recorded against it (the seed articles, `003` §2: invoices issued, sent and
//! checked with the customer). A credit note's red-letter fapiao (红字发票) names the credit
//! note and takes its amount back. Duely records fapiao; it does not issue them.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

string_enum!(FapiaoKind {
    /// 增值税专用发票 (paper VAT special): an 8-digit number with a 10- or 12-digit code.
    VatSpecial => "VAT_SPECIAL",
    /// 增值税普通发票 (paper VAT general): an 8-digit number with a 10- or 12-digit code.
    VatGeneral => "VAT_GENERAL",
    /// 数电票 (fully digital) VAT special: a 20-digit number, no code.
    DigitalVatSpecial => "DIGITAL_VAT_SPECIAL",
    /// 数电票 (fully digital) VAT general: a 20-digit number, no code.
    DigitalVatGeneral => "DIGITAL_VAT_GENERAL",
    /// Any other receipt the tax system issues: 1 to 40 letters and digits.
    Other => "OTHER",
});

impl FapiaoKind {
    pub const fn is_digital(self) -> bool {
        matches!(
            self,
            FapiaoKind::DigitalVatSpecial | FapiaoKind::DigitalVatGeneral
        )
    }
}

/// What breaks a fapiao's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FapiaoRule {
    /// The number does not have the kind's form (`digits` digits; any 1 to 40 letters and
    /// digits for OTHER, where `digits` is 0).
    Number { digits: u32 },
    /// The code does not have the kind's form: 10 or 12 digits for paper VAT fapiao, none for
    /// fully digital ones, up to 20 letters and digits for OTHER.
    Code { required: bool, allowed: bool },
    /// The tax is negative or not less than the amount.
    Tax,
    /// Fapiao standing for the invoice would come to more than its total.
    OverInvoice { total: Decimal, issued: Decimal },
    /// Red-letter fapiao for the credit note would come to more than it.
    OverCreditNote { amount: Decimal, issued: Decimal },
    /// Red-letter fapiao would come to more than the fapiao they reverse.
    RedOverBlue { blue: Decimal, red: Decimal },
}

fn all_digits(text: &str, count: usize) -> bool {
    text.len() == count && text.bytes().all(|b| b.is_ascii_digit())
}

fn letters_and_digits(text: &str, max: usize) -> bool {
    !text.is_empty() && text.len() <= max && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The number and code have the kind's form.
pub fn check_number(kind: FapiaoKind, number: &str, code: Option<&str>) -> Result<(), FapiaoRule> {
    match kind {
        FapiaoKind::DigitalVatSpecial | FapiaoKind::DigitalVatGeneral => {
            if !all_digits(number, 20) {
                return Err(FapiaoRule::Number { digits: 20 });
            }
            if code.is_some() {
                return Err(FapiaoRule::Code {
                    required: false,
                    allowed: false,
                });
            }
        }
        FapiaoKind::VatSpecial | FapiaoKind::VatGeneral => {
            if !all_digits(number, 8) {
                return Err(FapiaoRule::Number { digits: 8 });
            }
            if !code.is_some_and(|code| all_digits(code, 10) || all_digits(code, 12)) {
                return Err(FapiaoRule::Code {
                    required: true,
                    allowed: true,
                });
            }
        }
        FapiaoKind::Other => {
            if !letters_and_digits(number, 40) {
                return Err(FapiaoRule::Number { digits: 0 });
            }
            if code.is_some_and(|code| !letters_and_digits(code, 20)) {
                return Err(FapiaoRule::Code {
                    required: false,
                    allowed: true,
                });
            }
        }
    }
    Ok(())
}

/// What already stands for an invoice: its fapiao, and the red-letter ones reversing them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Standing {
    pub blue: Decimal,
    pub red: Decimal,
}

impl Standing {
    /// What the fapiao net to: never more than the invoice's total, never below zero.
    pub fn net(self) -> Decimal {
        self.blue - self.red
    }
}

/// A new fapiao of `amount` (with `tax`) for an invoice of `total` with `standing` fapiao;
/// for a red-letter one, `credit_note` is the note's amount and the red fapiao already
/// recorded for it.
pub fn check_new(
    total: Decimal,
    standing: Standing,
    amount: Decimal,
    tax: Decimal,
    credit_note: Option<(Decimal, Decimal)>,
) -> Result<(), FapiaoRule> {
    if tax < Decimal::ZERO || tax >= amount {
        return Err(FapiaoRule::Tax);
    }
    match credit_note {
        None => {
            if standing.net() + amount > total {
                return Err(FapiaoRule::OverInvoice {
                    total,
                    issued: standing.net(),
                });
            }
        }
        Some((note, issued)) => {
            if issued + amount > note {
                return Err(FapiaoRule::OverCreditNote {
                    amount: note,
                    issued,
                });
            }
            if standing.red + amount > standing.blue {
                return Err(FapiaoRule::RedOverBlue {
                    blue: standing.blue,
                    red: standing.red + amount,
                });
            }
        }
    }
    Ok(())
}

/// Voiding a fapiao of `amount` (a red-letter one when `red`) keeps the red ones within the
/// rest.
pub fn check_void(standing: Standing, amount: Decimal, red: bool) -> Result<(), FapiaoRule> {
    if !red && standing.red > standing.blue - amount {
        return Err(FapiaoRule::RedOverBlue {
            blue: standing.blue - amount,
            red: standing.red,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A decimal from its text (the tests' amounts are literals).
    macro_rules! dec {
        ($value:literal) => {
            stringify!($value).parse::<Decimal>().unwrap()
        };
    }

    #[test]
    fn each_kind_has_its_number_and_code() {
        use FapiaoKind::*;
        assert!(check_number(DigitalVatSpecial, "24312000000012345678", None).is_ok());
        assert_eq!(
            check_number(DigitalVatGeneral, "2431200000001234567", None),
            Err(FapiaoRule::Number { digits: 20 })
        );
        assert!(
            check_number(
                DigitalVatGeneral,
                "24312000000012345678",
                Some("044031900111")
            )
            .is_err()
        );
        assert!(check_number(VatSpecial, "01234567", Some("4403194130")).is_ok());
        assert!(check_number(VatGeneral, "01234567", Some("044031900111")).is_ok());
        assert_eq!(
            check_number(VatSpecial, "01234567", None),
            Err(FapiaoRule::Code {
                required: true,
                allowed: true
            })
        );
        assert!(check_number(VatSpecial, "1234567", Some("4403194130")).is_err());
        assert!(check_number(Other, "R2026A01", None).is_ok());
        assert!(check_number(Other, "R 2026", None).is_err());
        assert!(check_number(Other, "", None).is_err());
    }

    #[test]
    fn fapiao_never_net_more_than_the_invoice_nor_red_more_than_blue() {
        let none = Standing::default();
        assert!(check_new(dec!(1000), none, dec!(1000), dec!(115.04), None).is_ok());
        assert_eq!(
            check_new(
                dec!(1000),
                Standing {
                    blue: dec!(600),
                    red: dec!(0)
                },
                dec!(500),
                dec!(10),
                None
            ),
            Err(FapiaoRule::OverInvoice {
                total: dec!(1000),
                issued: dec!(600)
            })
        );
        // A red-letter fapiao frees room for a new blue one.
        let reversed = Standing {
            blue: dec!(1000),
            red: dec!(200),
        };
        assert!(check_new(dec!(1000), reversed, dec!(200), dec!(0), None).is_ok());
        assert_eq!(
            check_new(dec!(1000), none, dec!(100), dec!(100), None),
            Err(FapiaoRule::Tax)
        );
        // Red-letter: within the credit note and within what was issued.
        let issued = Standing {
            blue: dec!(1000),
            red: dec!(0),
        };
        assert!(
            check_new(
                dec!(1000),
                issued,
                dec!(300),
                dec!(0),
                Some((dec!(300), dec!(0)))
            )
            .is_ok()
        );
        assert_eq!(
            check_new(
                dec!(1000),
                issued,
                dec!(300),
                dec!(0),
                Some((dec!(400), dec!(200)))
            ),
            Err(FapiaoRule::OverCreditNote {
                amount: dec!(400),
                issued: dec!(200)
            })
        );
        assert!(matches!(
            check_new(
                dec!(1000),
                none,
                dec!(100),
                dec!(0),
                Some((dec!(300), dec!(0)))
            ),
            Err(FapiaoRule::RedOverBlue { .. })
        ));
        // Voiding the blue one under a red one would leave the red standing alone.
        let both = Standing {
            blue: dec!(1000),
            red: dec!(300),
        };
        assert!(check_void(both, dec!(1000), false).is_err());
        assert!(check_void(both, dec!(300), true).is_ok());
    }
}
