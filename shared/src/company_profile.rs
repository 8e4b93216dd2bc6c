//! What a company's documents (invoices, statements, letters) print about it: its legal name,
//! tax id (统一社会信用代码 in China), address, phone, the bank accounts its customers pay
//! into, and its logo. The limits here bound what one update may store.

use serde::{Deserialize, Serialize};

pub const MAX_LEGAL_NAME: usize = 200;
pub const MAX_TAX_ID: usize = 40;
pub const MAX_ADDRESS: usize = 300;
pub const MAX_PHONE: usize = 40;
/// Bank accounts printed on documents, at most.
pub const MAX_BANK_ACCOUNTS: usize = 5;
pub const MAX_BANK_NAME: usize = 100;
pub const MAX_ACCOUNT_NAME: usize = 200;
pub const MAX_ACCOUNT_NUMBER: usize = 40;
/// The largest logo, in bytes: a letterhead logo needs no more, and a document carrying it
/// stays small enough to email.
pub const MAX_LOGO_BYTES: usize = 256 * 1024;

/// An account customers pay into, as documents print it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BankAccount {
    /// The bank and branch (开户行), such as 招商银行上海分行.
    pub bank_name: String,
    /// The account holder's name (户名), usually the company's legal name.
    pub account_name: String,
    pub account_number: String,
}

/// The image formats a logo may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoFormat {
    Png,
    Jpeg,
}

impl LogoFormat {
    /// The media type, as stored and as a data URL names it.
    pub const fn media_type(self) -> &'static str {
        match self {
            LogoFormat::Png => "image/png",
            LogoFormat::Jpeg => "image/jpeg",
        }
    }

    /// The format of an image from its first bytes: PNG's signature or JPEG's start-of-image
    /// marker. Anything else is not a logo Duely prints.
    pub fn sniff(bytes: &[u8]) -> Option<LogoFormat> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(LogoFormat::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(LogoFormat::Jpeg)
        } else {
            None
        }
    }
}

/// Why a logo is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoRefused {
    /// Neither PNG nor JPEG.
    Format,
    /// Larger than [`MAX_LOGO_BYTES`].
    TooLarge,
}

/// The logo's format, when it is one Duely prints and small enough.
pub fn check_logo(bytes: &[u8]) -> Result<LogoFormat, LogoRefused> {
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(LogoRefused::TooLarge);
    }
    LogoFormat::sniff(bytes).ok_or(LogoRefused::Format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logos_are_png_or_jpeg_by_their_first_bytes_and_bounded() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(check_logo(png), Ok(LogoFormat::Png));
        assert_eq!(
            check_logo(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Ok(LogoFormat::Jpeg)
        );
        assert_eq!(check_logo(b"GIF89a"), Err(LogoRefused::Format));
        assert_eq!(check_logo(b"<svg/>"), Err(LogoRefused::Format));
        assert_eq!(check_logo(b""), Err(LogoRefused::Format));
        let mut large = png.to_vec();
        large.resize(MAX_LOGO_BYTES + 1, 0);
        assert_eq!(check_logo(&large), Err(LogoRefused::TooLarge));
        large.truncate(MAX_LOGO_BYTES);
        assert_eq!(check_logo(&large), Ok(LogoFormat::Png));
    }
}
