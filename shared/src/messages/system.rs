//! The few labels and notes the server writes into records as plain English text, because the
//! column also holds what people type (who logged an activity, why a limit changed). The server
//! writes only these constants there; readers show them in their own language with
//! [`system_text`], and leave anything a person typed as it is.

use crate::Locale;

/// Who did what the daily dunning run did.
pub const DUNNING_RUN: &str = "Dunning";
/// Why a new customer's first credit limit was set.
pub const INITIAL_LIMIT: &str = "Initial credit limit";
/// Why an imported customer's credit limit was set.
pub const IMPORTED_LIMIT: &str = "Imported";
/// The note of a legal case the dunning ladder opened.
pub const OPENED_BY_LADDER: &str = "Opened by the dunning ladder";

/// `written` in `locale` when the server wrote it (one of the constants above), else `None`.
pub fn system_text(locale: Locale, written: &str) -> Option<&'static str> {
    let (en, zh) = match written {
        DUNNING_RUN => ("Dunning run", "自动催收"),
        INITIAL_LIMIT => (INITIAL_LIMIT, "初始信用额度"),
        IMPORTED_LIMIT => ("Imported with the customer", "随客户导入"),
        OPENED_BY_LADDER => (OPENED_BY_LADDER, "由催收阶梯转入"),
        _ => return None,
    };
    Some(match locale {
        Locale::En => en,
        Locale::ZhCn => zh,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_server_writes_reads_in_both_languages_and_typed_text_stays() {
        for written in [DUNNING_RUN, INITIAL_LIMIT, IMPORTED_LIMIT, OPENED_BY_LADDER] {
            let zh = system_text(Locale::ZhCn, written).unwrap();
            assert!(!zh.chars().any(|c| c.is_ascii_alphabetic()), "{zh}");
            assert!(system_text(Locale::En, written).is_some());
        }
        assert_eq!(
            system_text(Locale::ZhCn, "Customer asked for a new copy"),
            None
        );
    }
}
