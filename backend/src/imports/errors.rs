//! Why imports refuse a request. Services raise these; the `From` below is the one place they
//! become an error code, a reason with its parameters, and the input field at fault.
//!
//! A file's problems are not errors: each is an `ImportProblem` (row, column, reason and the
//! reason's English text) in the report. The helpers below give the problems that other parts
//! describe in words (the CSV reader, the upload, email addresses) their reasons.

use crate::error::AppError;
use domain::reason::Reason;

#[derive(Debug, Clone, PartialEq)]
pub enum ImportError {
    /// A customer code of the file was taken by another request while the import wrote.
    CustomerCodeTakenMeanwhile,
    /// An invoice number or external reference of the file was taken while the import wrote.
    InvoiceNumberTakenMeanwhile,
    /// A payment's external id of the file was recorded by another request while the import
    /// wrote.
    PaymentRecordedMeanwhile,
    /// `running` large imports run on this replica already; one may end in `retry_after`
    /// seconds.
    Busy { running: usize, retry_after: u64 },
}

impl From<ImportError> for AppError {
    fn from(error: ImportError) -> Self {
        match error {
            ImportError::CustomerCodeTakenMeanwhile => {
                AppError::input("code", Reason::ImportCustomerCodeTakenMeanwhile {})
            }
            ImportError::InvoiceNumberTakenMeanwhile => {
                AppError::input("number", Reason::ImportInvoiceNumberTakenMeanwhile {})
            }
            ImportError::PaymentRecordedMeanwhile => {
                AppError::input("external_id", Reason::ImportPaymentRecordedMeanwhile {})
            }
            ImportError::Busy {
                running,
                retry_after,
            } => AppError::refused(Reason::ImportServerBusy {
                running: u32::try_from(running).unwrap_or(u32::MAX),
                seconds: retry_after,
            })
            .retrying_after(retry_after),
        }
    }
}

/// Why a file could not be read, from the words of the reader that stopped (`crate::csv`'s
/// `ParseError`, or the upload's `io::Error` it passes on). Those words are all listed here;
/// anything else keeps its words in `IMPORT_UNREADABLE`.
pub(crate) fn unreadable(message: &str) -> Reason {
    let number = |prefix: &str, suffix: &str| -> Option<u32> {
        message
            .strip_prefix(prefix)?
            .strip_suffix(suffix)?
            .parse::<u32>()
            .ok()
    };
    if let Some(max) = number("at most ", " columns") {
        return Reason::ImportTooManyColumns { max };
    }
    if let Some(max_bytes) = number("at most ", " bytes in one cell") {
        return Reason::ImportCellTooLong { max_bytes };
    }
    if let Some(max_mib) = number(
        "the file is larger than ",
        " MiB; split it into smaller files",
    ) {
        return Reason::ImportFileTooLarge { max_mib };
    }
    match message {
        "the file holds a NUL character; save it as UTF-8 text" => Reason::ImportNulCharacter {},
        "a quoted field is not closed or a quote is misplaced" => Reason::ImportMisplacedQuote {},
        "the file must be UTF-8 text" => Reason::ImportNotUtf8 {},
        "the file could not be read as CSV" => Reason::ImportNotCsv {},
        "the upload was cut short; send the file again"
        | "the upload ended before the file did" => Reason::ImportUploadCutShort {},
        other => Reason::ImportUnreadable {
            detail: other.to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Locale;
    use domain::credentials::EmailError;
    use domain::messages::Localized;

    /// Every variant: its code, reason and field, as the API sends them.
    #[test]
    fn each_error_maps_to_its_code_reason_and_field() {
        let cases: Vec<(ImportError, &str, &str, Option<&str>)> = vec![
            (
                ImportError::CustomerCodeTakenMeanwhile,
                "CONFLICT",
                "IMPORT_CUSTOMER_CODE_TAKEN_MEANWHILE",
                Some("code"),
            ),
            (
                ImportError::InvoiceNumberTakenMeanwhile,
                "CONFLICT",
                "IMPORT_INVOICE_NUMBER_TAKEN_MEANWHILE",
                Some("number"),
            ),
            (
                ImportError::PaymentRecordedMeanwhile,
                "CONFLICT",
                "IMPORT_PAYMENT_RECORDED_MEANWHILE",
                Some("external_id"),
            ),
            (
                ImportError::Busy {
                    running: 2,
                    retry_after: 10,
                },
                "RATE_LIMITED",
                "IMPORT_SERVER_BUSY",
                None,
            ),
        ];
        for (error, code, reason, field) in cases {
            crate::error::assert_sent_as(error, code, reason, field);
        }
    }

    #[test]
    fn a_busy_server_says_when_to_retry_in_the_old_words() {
        let error = AppError::from(ImportError::Busy {
            running: 2,
            retry_after: 10,
        });
        assert_eq!(error.retry_after(), Some(10));
        let (message, extensions) = error.public();
        assert_eq!(
            message,
            "2 large imports are running on this server already; try again in 10 seconds."
        );
        assert_eq!(extensions["retryAfter"], 10);
        assert_eq!(extensions["params"]["running"], 2);
        assert_eq!(extensions["params"]["seconds"], 10);
    }

    /// Each of the reader's and the upload's words, with its reason; the English text is the
    /// words themselves.
    #[test]
    fn the_readers_words_have_their_reasons() {
        let cases = [
            ("at most 64 columns", "IMPORT_TOO_MANY_COLUMNS"),
            ("at most 4096 bytes in one cell", "IMPORT_CELL_TOO_LONG"),
            (
                "the file is larger than 32 MiB; split it into smaller files",
                "IMPORT_FILE_TOO_LARGE",
            ),
            (
                "the file holds a NUL character; save it as UTF-8 text",
                "IMPORT_NUL_CHARACTER",
            ),
            (
                "a quoted field is not closed or a quote is misplaced",
                "IMPORT_MISPLACED_QUOTE",
            ),
            ("the file must be UTF-8 text", "IMPORT_NOT_UTF8"),
            ("the file could not be read as CSV", "IMPORT_NOT_CSV"),
            (
                "the upload was cut short; send the file again",
                "IMPORT_UPLOAD_CUT_SHORT",
            ),
            ("something else entirely", "IMPORT_UNREADABLE"),
        ];
        for (words, name) in cases {
            let reason = unreadable(words);
            assert_eq!(reason.name(), name, "{words}");
            assert_eq!(reason.code(), domain::ErrorCode::Validation, "{words}");
            assert_eq!(reason.text(Locale::En), words);
        }
        assert_eq!(
            unreadable("the upload ended before the file did").name(),
            "IMPORT_UPLOAD_CUT_SHORT"
        );
        assert_eq!(
            unreadable("at most 64 columns").params()["max"],
            64,
            "the limit goes out as a number"
        );
    }

    /// The problems a file's rows and header can have read as they did before they had
    /// reasons (the web app's import page shows the text), all as `VALIDATION`.
    #[test]
    fn row_problems_read_as_before() {
        let text = |value: &str| value.to_owned();
        let columns = vec![text("code"), text("name")];
        let cases = [
            (
                Reason::ImportFileEmpty {
                    columns: columns.clone(),
                },
                "the file is empty; the first row names the columns: code,name",
            ),
            (
                Reason::ImportUnknownColumn { columns },
                "unknown column; the columns are code,name",
            ),
            (Reason::ImportColumnTwice {}, "this column appears twice"),
            (Reason::ImportColumnRequired {}, "this column is required"),
            (
                Reason::ImportTooManyRows { max: 200_000 },
                "at most 200000 rows per file",
            ),
            (
                Reason::ImportCellCount {
                    cells: 2,
                    header: 3,
                },
                "2 cells, but the header has 3",
            ),
            (
                Reason::ImportCustomerExists { code: text("C-1") },
                "a customer with code C-1 exists already",
            ),
            (
                Reason::ImportCodeRepeated { code: text("C-1") },
                "C-1 appears twice in the file",
            ),
            (
                Reason::ImportContactNameMissing {},
                "a contact's email or phone needs the contact's name",
            ),
            (
                Reason::ImportCreditLimitNotAllowed {},
                "setting credit limits needs the credit-policy permission",
            ),
            (
                Reason::ImportNotADate { value: text("5/1") },
                "`5/1` is not a date; use YYYY-MM-DD",
            ),
            (
                Reason::ImportTaxRateAmbiguous { value: text("13") },
                "write `13%` for a percentage, or a fraction such as 0.13",
            ),
            (
                Reason::ImportUnknownCustomer { code: text("c-9") },
                "no customer has the code `c-9`; import the customers first",
            ),
            (
                Reason::ImportInvoiceRowsDiffer {
                    number: text("A-1"),
                    first_line: 2,
                },
                "A-1 has rows with different customers, dates, currencies or references \
                 (its first row is line 2)",
            ),
            (
                Reason::ImportInvoiceExists {
                    number: text("A-1"),
                },
                "invoice A-1 exists already",
            ),
            (
                Reason::ImportReferenceRepeated {
                    reference: text("R-1"),
                    number: text("A-1"),
                },
                "R-1 is also the reference of A-1",
            ),
            (
                Reason::ImportReferenceTaken {
                    reference: text("R-1"),
                },
                "another invoice has the reference R-1 already",
            ),
            (
                Reason::ImportUnreadable {
                    detail: text("CSV deserialize error"),
                },
                "CSV deserialize error",
            ),
        ];
        for (reason, words) in cases {
            assert_eq!(reason.text(Locale::En), words, "{}", reason.name());
            assert_eq!(
                reason.code(),
                domain::ErrorCode::Validation,
                "{}",
                reason.name()
            );
        }
        let taken = [
            (
                ImportError::CustomerCodeTakenMeanwhile,
                "a customer code in the file was taken while importing; check again",
            ),
            (
                ImportError::InvoiceNumberTakenMeanwhile,
                "an invoice number or reference in the file was taken while importing; check again",
            ),
        ];
        for (error, words) in taken {
            assert_eq!(AppError::from(error).public().0, words);
        }
    }

    #[test]
    fn email_addresses_that_do_not_parse_have_the_generic_reasons() {
        let cases = [
            (EmailError::Empty, "REQUIRED"),
            (EmailError::TooLong, "TEXT_LENGTH"),
            (EmailError::Malformed("x".to_owned()), "EMAIL_MALFORMED"),
        ];
        for (error, name) in cases {
            assert_eq!(Reason::from(&error).name(), name, "{error:?}");
        }
    }
}
