//! Attachments: the contracts, orders, signed delivery notes and payment vouchers kept with the
//! records they prove (the seed articles, `000` §1.2 and §5.2: every supporting document kept
//! with the debt, for the day a court asks for it). These are the rules on the file itself:
//! which records may hold one, how large it may be, and which kinds are accepted, decided on
//! the bytes, never on the name or the type a browser claims.

use crate::access::Permission;
use serde::{Deserialize, Serialize};

string_enum!(AttachmentOwner {
    /// A customer's file: the contract, the credit application.
    Customer => "CUSTOMER",
    /// An invoice's: the order, the signed delivery note.
    Invoice => "INVOICE",
    /// A payment's: the bank's voucher (回单).
    Payment => "PAYMENT",
    /// A logged contact's: a photo from a visit, a letter's receipt.
    Activity => "ACTIVITY",
    LegalCase => "LEGAL_CASE",
    Dispute => "DISPUTE",
});

impl AttachmentOwner {
    /// Who may see a record's files: anyone who may see the record (any of these; a member
    /// who sees only their assigned customers sees only those customers' files).
    pub const fn read_permissions(self) -> &'static [Permission] {
        use Permission as P;
        match self {
            AttachmentOwner::Customer => &[P::ViewCustomers],
            AttachmentOwner::Invoice | AttachmentOwner::Dispute => &[P::ViewInvoices],
            AttachmentOwner::Payment => &[P::ViewPayments],
            AttachmentOwner::Activity => &[P::ViewCollections],
            AttachmentOwner::LegalCase => &[P::ManageDunning, P::ViewCollections],
        }
    }

    /// Who may attach a file to a record or delete one: those who keep the record, and
    /// collectors, who gather the proof (a signed delivery note, a bank voucher) on their
    /// customers' visits. A legal case's files are its managers'.
    pub const fn attach_permissions(self) -> &'static [Permission] {
        use Permission as P;
        match self {
            AttachmentOwner::Customer => &[P::ManageCustomers, P::WorkCollections],
            AttachmentOwner::Invoice | AttachmentOwner::Dispute => {
                &[P::ManageInvoices, P::WorkCollections]
            }
            AttachmentOwner::Payment => &[P::ManagePayments, P::WorkCollections],
            AttachmentOwner::Activity => &[P::WorkCollections],
            AttachmentOwner::LegalCase => &[P::ManageDunning],
        }
    }
}

/// Whoever holds one of these may attach to some kind of record; deleting a file asks this
/// before the file (and so its record's kind) is looked up.
pub const ATTACHING_PERMISSIONS: &[Permission] = &[
    Permission::ManageCustomers,
    Permission::ManageInvoices,
    Permission::ManagePayments,
    Permission::WorkCollections,
    Permission::ManageDunning,
];

/// Files one record holds at most (deleted ones count: they are kept).
pub const MAX_ATTACHMENTS_PER_RECORD: u64 = 100;
/// The longest reason for deleting a file (characters).
pub const MAX_DELETE_REASON: usize = 500;

/// The largest file, in bytes: a phone photo or a scanned contract fits; a video does not.
pub const MAX_ATTACHMENT_BYTES: u64 = 20 * 1024 * 1024;
/// The longest file name kept (characters).
pub const MAX_FILE_NAME: usize = 200;
/// How many leading bytes [`sniff`] reads.
pub const SNIFF_BYTES: usize = 16;

string_enum!(FileKind {
    Pdf => "PDF",
    /// OFD (GB/T 33190), the format China's electronic fapiao and bank vouchers come in: a ZIP
    /// package with `OFD.xml` at its root.
    Ofd => "OFD",
    Jpeg => "JPEG",
    Png => "PNG",
    Webp => "WEBP",
    /// HEIC, what iPhones take photos in.
    Heic => "HEIC",
    Xlsx => "XLSX",
    Docx => "DOCX",
});

impl FileKind {
    pub const fn media_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Ofd => "application/ofd",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Webp => "image/webp",
            FileKind::Heic => "image/heic",
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        }
    }

    /// The name endings a file of this kind goes by; the first is given to a file named
    /// otherwise.
    pub const fn extensions(self) -> &'static [&'static str] {
        match self {
            FileKind::Pdf => &["pdf"],
            FileKind::Ofd => &["ofd"],
            FileKind::Jpeg => &["jpg", "jpeg"],
            FileKind::Png => &["png"],
            FileKind::Webp => &["webp"],
            FileKind::Heic => &["heic", "heif"],
            FileKind::Xlsx => &["xlsx"],
            FileKind::Docx => &["docx"],
        }
    }

    /// Photos, which may carry where they were taken: that is stripped before storing.
    pub const fn is_photo(self) -> bool {
        matches!(
            self,
            FileKind::Jpeg | FileKind::Png | FileKind::Webp | FileKind::Heic
        )
    }

    /// Kinds a browser shows inline in a preview (a sandboxed frame or an image).
    pub const fn previews(self) -> bool {
        matches!(
            self,
            FileKind::Pdf | FileKind::Jpeg | FileKind::Png | FileKind::Webp
        )
    }
}

/// What a file's first bytes say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    Kind(FileKind),
    /// A ZIP package: OFD, XLSX or DOCX by the entries it holds ([`package_kind`]).
    Package,
    Unknown,
}

/// The kind a file's first bytes (at least [`SNIFF_BYTES`] of them, or the whole file) name.
pub fn sniff(head: &[u8]) -> Sniffed {
    let at = |offset: usize, magic: &[u8]| head.get(offset..offset + magic.len()) == Some(magic);
    if at(0, b"%PDF-") {
        Sniffed::Kind(FileKind::Pdf)
    } else if at(0, &[0xFF, 0xD8, 0xFF]) {
        Sniffed::Kind(FileKind::Jpeg)
    } else if at(0, b"\x89PNG\r\n\x1a\n") {
        Sniffed::Kind(FileKind::Png)
    } else if at(0, b"RIFF") && at(8, b"WEBP") {
        Sniffed::Kind(FileKind::Webp)
    } else if at(4, b"ftyp")
        && [
            b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1",
        ]
        .iter()
        .any(|brand| at(8, *brand))
    {
        Sniffed::Kind(FileKind::Heic)
    } else if at(0, b"PK\x03\x04") {
        Sniffed::Package
    } else {
        Sniffed::Unknown
    }
}

/// The kind of a ZIP package by the names of its entries: OFD has `OFD.xml` at its root,
/// XLSX `xl/workbook.xml`, DOCX `word/document.xml`; any other package is refused.
pub fn package_kind<'a>(entries: impl IntoIterator<Item = &'a str>) -> Option<FileKind> {
    let mut found = None;
    for entry in entries {
        // Macros (DOCM, XLSM under another name) are programs, not proof.
        if entry.to_ascii_lowercase().ends_with("vbaproject.bin") {
            return None;
        }
        let kind = match entry {
            "OFD.xml" => FileKind::Ofd,
            "xl/workbook.xml" => FileKind::Xlsx,
            "word/document.xml" => FileKind::Docx,
            _ => continue,
        };
        // A package claiming two kinds at once is neither.
        if found.is_some_and(|seen| seen != kind) {
            return None;
        }
        found = Some(kind);
    }
    found
}

/// Characters that change how a name reads without showing (right-to-left overrides that turn
/// `exe.pdf` around, zero-width spaces): never kept in a name.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// The name a file is served under: its own when its ending names its kind, else with the
/// kind's ending added (`receipt.html` holding a PDF is saved as `receipt.html.pdf`, so opening
/// the download opens a PDF).
pub fn named_for(kind: FileKind, name: &str) -> String {
    let ending = name
        .rsplit_once('.')
        .map(|(_, ending)| ending.to_ascii_lowercase());
    if ending.is_some_and(|ending| kind.extensions().contains(&ending.as_str())) {
        return name.to_owned();
    }
    let added = kind.extensions()[0];
    let room = MAX_FILE_NAME.saturating_sub(added.len() + 1);
    let stem: String = name.chars().take(room).collect();
    format!("{stem}.{added}")
}

/// Why a file name is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileNameRefused {
    Empty,
    TooLong,
}

/// The name a file is kept and served under: its last path part, without control characters
/// or quotes (it goes into a `Content-Disposition` header), trimmed.
pub fn file_name(typed: &str) -> Result<String, FileNameRefused> {
    let last = typed.rsplit(['/', '\\']).next().unwrap_or(typed);
    let kept: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_invisible_format(*c) && !matches!(c, '"' | ';'))
        .collect();
    let kept = kept.trim().trim_start_matches('.').trim().to_owned();
    if kept.is_empty() {
        return Err(FileNameRefused::Empty);
    }
    if kept.chars().count() > MAX_FILE_NAME {
        return Err(FileNameRefused::TooLong);
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_ends_as_its_kind_and_hides_nothing() {
        assert_eq!(named_for(FileKind::Pdf, "签收单.PDF"), "签收单.PDF");
        assert_eq!(named_for(FileKind::Pdf, "receipt.html"), "receipt.html.pdf");
        assert_eq!(named_for(FileKind::Jpeg, "photo"), "photo.jpg");
        assert_eq!(
            named_for(FileKind::Jpeg, &"长".repeat(MAX_FILE_NAME))
                .chars()
                .count(),
            MAX_FILE_NAME
        );
        assert_eq!(
            file_name("invoice\u{202E}fdp.exe").as_deref(),
            Ok("invoicefdp.exe")
        );
        assert_eq!(
            package_kind(["word/document.xml", "word/vbaProject.bin"]),
            None
        );
    }

    #[test]
    fn whoever_may_attach_to_a_record_is_among_those_who_may_attach_at_all() {
        for owner in AttachmentOwner::ALL {
            for permission in owner.attach_permissions() {
                assert!(ATTACHING_PERMISSIONS.contains(permission), "{owner:?}");
            }
        }
    }

    #[test]
    fn kinds_are_told_by_their_first_bytes_not_their_names() {
        assert_eq!(sniff(b"%PDF-1.7\n%\xE2\xE3"), Sniffed::Kind(FileKind::Pdf));
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE1, 0, 0]),
            Sniffed::Kind(FileKind::Jpeg)
        );
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Sniffed::Kind(FileKind::Png)
        );
        assert_eq!(
            sniff(b"RIFF\x24\0\0\0WEBPVP8 "),
            Sniffed::Kind(FileKind::Webp)
        );
        assert_eq!(
            sniff(b"\0\0\0\x18ftypheic\0\0\0\0"),
            Sniffed::Kind(FileKind::Heic)
        );
        assert_eq!(
            sniff(b"\0\0\0\x18ftypmif1\0\0\0\0"),
            Sniffed::Kind(FileKind::Heic)
        );
        assert_eq!(
            sniff(b"\0\0\0\x18ftypisom\0\0\0\0"),
            Sniffed::Unknown,
            "an MP4 video"
        );
        assert_eq!(sniff(b"PK\x03\x04\x14\0\0\0"), Sniffed::Package);
        assert_eq!(
            sniff(b"RIFF\x24\0\0\0WAVEfmt "),
            Sniffed::Unknown,
            "a WAV file"
        );
        assert_eq!(sniff(b"<html><script>"), Sniffed::Unknown);
        assert_eq!(sniff(b"MZ\x90\0"), Sniffed::Unknown, "a Windows program");
        assert_eq!(sniff(b""), Sniffed::Unknown);
        assert_eq!(sniff(b"%PD"), Sniffed::Unknown, "too short to tell");
    }

    #[test]
    fn packages_are_ofd_xlsx_or_docx_by_their_entries() {
        assert_eq!(
            package_kind(["OFD.xml", "Doc_0/Document.xml"]),
            Some(FileKind::Ofd)
        );
        assert_eq!(
            package_kind([
                "[Content_Types].xml",
                "xl/workbook.xml",
                "xl/worksheets/sheet1.xml"
            ]),
            Some(FileKind::Xlsx)
        );
        assert_eq!(
            package_kind(["[Content_Types].xml", "word/document.xml"]),
            Some(FileKind::Docx)
        );
        assert_eq!(
            package_kind(["classes.dex", "AndroidManifest.xml"]),
            None,
            "an APK"
        );
        assert_eq!(
            package_kind(["sub/OFD.xml"]),
            None,
            "OFD.xml belongs at the root"
        );
        assert_eq!(package_kind(["word/document.xml", "xl/workbook.xml"]), None);
        assert_eq!(package_kind([]), None);
    }

    #[test]
    fn file_names_keep_their_last_part_without_what_breaks_a_header() {
        assert_eq!(
            file_name("回单 2026-12.pdf"),
            Ok("回单 2026-12.pdf".to_owned())
        );
        assert_eq!(file_name("C:\\scans\\合同.pdf"), Ok("合同.pdf".to_owned()));
        assert_eq!(file_name("../../etc/passwd"), Ok("passwd".to_owned()));
        assert_eq!(file_name("a\"b;c\r\nd.png"), Ok("abcd.png".to_owned()));
        assert_eq!(file_name(".hidden"), Ok("hidden".to_owned()));
        assert_eq!(file_name("  "), Err(FileNameRefused::Empty));
        assert_eq!(file_name("dir/"), Err(FileNameRefused::Empty));
        assert_eq!(file_name(&"x".repeat(201)), Err(FileNameRefused::TooLong));
    }

    #[test]
    fn photos_are_the_kinds_that_may_carry_a_location() {
        let photos: Vec<FileKind> = FileKind::ALL
            .iter()
            .copied()
            .filter(|kind| kind.is_photo())
            .collect();
        assert_eq!(
            photos,
            [
                FileKind::Jpeg,
                FileKind::Png,
                FileKind::Webp,
                FileKind::Heic
            ]
        );
        assert!(
            FileKind::ALL
                .iter()
                .all(|kind| kind.media_type().contains('/'))
        );
    }
}
