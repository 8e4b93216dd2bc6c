//! The message catalogue: every text Duely makes for people, in each language it speaks, used
//! by the server (errors, texts it stores as codes) and by the web app alike.
//!
//! Each language is a file with one exhaustive `match` per kind of message and no `_` arm, so a
//! message without a translation, or a translation that names a parameter the message does not
//! have, does not build. Parameters are typed; counts go through [`plural`] (English has one and
//! other; Chinese has one form).

use crate::Locale;
use crate::reason::Reason;

mod en;
mod en_texts;
mod en_words;
pub mod system;
mod text;
mod zh;
mod zh_texts;

pub use text::Text;

/// A message in the catalogue.
pub trait Localized {
    /// The text in `locale`.
    fn text(&self, locale: Locale) -> String;
}

impl Localized for Reason {
    fn text(&self, locale: Locale) -> String {
        match locale {
            Locale::En => en::reason(self),
            Locale::ZhCn => zh::reason(self),
        }
    }
}

impl Localized for Text {
    fn text(&self, locale: Locale) -> String {
        match locale {
            Locale::En => en_texts::text(self),
            Locale::ZhCn => zh_texts::text(self),
        }
    }
}

/// A value serialized as `{<tag>: "NAME", "params": {…}}` (`Reason`, `Text`), split into its
/// name and its parameters (always an object).
pub(crate) fn tagged<T: serde::Serialize>(
    value: &T,
    tag: &str,
) -> (String, serde_json::Map<String, serde_json::Value>) {
    use serde_json::{Map, Value};
    let Ok(Value::Object(mut object)) = serde_json::to_value(value) else {
        return (String::new(), Map::new());
    };
    let name = match object.remove(tag) {
        Some(Value::String(name)) => name,
        _ => String::new(),
    };
    let params = match object.remove("params") {
        Some(Value::Object(params)) => params,
        _ => Map::new(),
    };
    (name, params)
}

/// An error as a person reads it: the reason's text, after the row it names when its field is
/// in a list (`input.lines[2].quantity` is line 3), unless the text already says so.
pub fn error_text(reason: &Reason, field: Option<&str>, locale: Locale) -> String {
    let text = reason.text(locale);
    match field.and_then(|field| position(field, locale)) {
        Some(at) if !text.to_lowercase().starts_with(&at.to_lowercase()) => match locale {
            Locale::En => format!("{at}: {text}"),
            Locale::ZhCn => format!("{at}：{text}"),
        },
        _ => text,
    }
}

/// "Line 3" for a field under `lines[2]`, "Installment 2" under `installments[1]`, "Row 5"
/// under `rows[4]`: the first list index in the path, counted from one.
fn position(field: &str, locale: Locale) -> Option<String> {
    let open = field.find('[')?;
    let close = open + field[open..].find(']')?;
    let index: u64 = field[open + 1..close].parse().ok()?;
    let list = field[..open].rsplit('.').next()?;
    let number = index + 1;
    Some(match (locale, list) {
        (Locale::En, "installments") => format!("Installment {number}"),
        (Locale::ZhCn, "installments") => format!("第 {number} 期"),
        (Locale::En, "rows") => format!("Row {number}"),
        (Locale::En, _) => format!("Line {number}"),
        (Locale::ZhCn, _) => format!("第 {number} 行"),
    })
}

/// English's two forms of a counted noun: `1 day`, `2 days`.
pub(crate) fn plural(count: impl Into<i64>, one: &str, other: &str) -> String {
    let count = count.into();
    if count == 1 {
        format!("{count} {one}")
    } else {
        format!("{count} {other}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_reads_in_both_languages() {
        for reason in Reason::examples() {
            for locale in Locale::ALL {
                let text = reason.text(locale);
                assert!(!text.trim().is_empty(), "{} in {locale}", reason.name());
            }
        }
    }

    #[test]
    fn chinese_texts_hold_no_english_words() {
        // Parameters may be Latin (codes, ids, symbols); the words around them may not.
        for reason in Reason::examples() {
            let text = reason.text(Locale::ZhCn);
            let words: Vec<&str> = text
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|word| word.len() > 3 && word.chars().all(|c| c.is_ascii_lowercase()))
                .collect();
            assert!(words.is_empty(), "{}: {text} has {words:?}", reason.name());
        }
    }

    #[test]
    fn an_error_in_a_list_names_its_row_once() {
        let nan = Reason::NotANumber { value: "x".into() };
        assert_eq!(
            error_text(&nan, Some("input.lines[2].unitPrice"), Locale::ZhCn),
            "第 3 行：“x”不是有效的数字"
        );
        assert!(
            error_text(&nan, Some("input.lines[2].unitPrice"), Locale::En).starts_with("Line 3: ")
        );
        let quantity = Reason::LineQuantity {
            line: 3,
            decimals: 4,
        };
        let text = error_text(&quantity, Some("input.lines[2].quantity"), Locale::ZhCn);
        assert!(text.starts_with("第 3 行：数量"), "{text}");
        assert_eq!(text.matches("第 3 行").count(), 1, "{text}");
        let english = error_text(&quantity, Some("input.lines[2].quantity"), Locale::En);
        assert_eq!(english.matches("ine 3").count(), 1, "{english}");
        assert_eq!(
            error_text(&nan, Some("input.amount"), Locale::En),
            nan.text(Locale::En)
        );
    }

    #[test]
    fn every_text_reads_in_both_languages_and_round_trips_as_code_and_params() {
        for text in Text::examples() {
            for locale in Locale::ALL {
                assert!(
                    !text.text(locale).trim().is_empty(),
                    "{} in {locale}",
                    text.code()
                );
            }
            let back = Text::from_stored(&text.code(), serde_json::Value::Object(text.params()));
            assert_eq!(back.ok().as_ref(), Some(&text), "{}", text.code());
            if !matches!(text, Text::AsTyped { .. }) {
                let chinese = text.text(Locale::ZhCn);
                let words: Vec<&str> = chinese
                    .split(|c: char| !c.is_ascii_alphabetic())
                    .filter(|word| word.len() > 3 && word.chars().all(|c| c.is_ascii_lowercase()))
                    .collect();
                assert!(words.is_empty(), "{}: {chinese}", text.code());
            }
        }
        assert_eq!(
            Text::AlertNearCreditLimit {
                percent: "85".into()
            }
            .code(),
            "ALERT_NEAR_CREDIT_LIMIT"
        );
        let task = Text::TaskForStep {
            step: Box::new(Text::StepCall {}),
            invoices: vec!["INV-1".into()],
        };
        assert_eq!(task.text(Locale::ZhCn), "电话催收 — INV-1");
        assert_eq!(task.params()["step"]["code"], "STEP_CALL");
    }

    #[test]
    fn english_counts_agree_with_their_number() {
        assert_eq!(plural(1, "day", "days"), "1 day");
        assert_eq!(plural(3, "day", "days"), "3 days");
        assert_eq!(plural(0, "day", "days"), "0 days");
    }
}
