//! Collection scripts (催收话术): what a collector says or writes at each step of a dunning ladder,
//! per channel and language, so that every call at the same stage makes the same points in the
//! same firm, polite way (seed article 000 §3.2 and §8 ask for scripts and training).
//!
//! A script is plain text with a few `{{variable}}` places filled from the customer when it is
//! shown (on a task, in the quick log): who they are, who we are, what is overdue and how late.
//! Companies write their own per ladder step; until they do, the defaults below speak for the
//! stage the step belongs to.

use crate::collections::CollectionChannel;
use crate::locale::Locale;

mod defaults;

/// The channels a collector speaks or writes through in person, which have scripts.
pub const SCRIPT_CHANNELS: [CollectionChannel; 3] = [
    CollectionChannel::Phone,
    CollectionChannel::Visit,
    CollectionChannel::Wechat,
];

/// The longest script, in characters.
pub const MAX_SCRIPT_CHARS: usize = 4000;

/// The places a script may use.
pub const SCRIPT_VARIABLES: [&str; 4] = ["customer.name", "company.name", "total", "days_overdue"];

/// Where in the collection cycle a ladder step is, by its days from the due date: what the
/// default scripts are written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Due soon or today: a courtesy reminder (offset ≤ 0).
    Reminder,
    /// Just overdue (1 to 14 days): has it been missed, when will it be paid?
    Early,
    /// Clearly overdue (15 to 44): a firm request for a date and an amount.
    Firm,
    /// Seriously overdue (45 to 89): credit hold and fees on the table.
    Serious,
    /// Beyond 90 days: the last step before legal action.
    Final,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::Reminder,
        Stage::Early,
        Stage::Firm,
        Stage::Serious,
        Stage::Final,
    ];

    pub fn of(offset_days: i32) -> Stage {
        match offset_days {
            i32::MIN..=0 => Stage::Reminder,
            1..=14 => Stage::Early,
            15..=44 => Stage::Firm,
            45..=89 => Stage::Serious,
            _ => Stage::Final,
        }
    }
}

/// Duely's script for a step at `offset_days`, on `channel` (a [`SCRIPT_CHANNELS`] one), in
/// `locale`; `None` for a channel without scripts.
pub fn default_script(
    offset_days: i32,
    channel: CollectionChannel,
    locale: Locale,
) -> Option<&'static str> {
    SCRIPT_CHANNELS
        .contains(&channel)
        .then(|| defaults::text(Stage::of(offset_days), channel, locale))
}

/// Why a script cannot be saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptError {
    Empty,
    TooLong,
    /// A `{{place}}` that is not one of [`SCRIPT_VARIABLES`], or a place left open.
    UnknownVariable(String),
}

/// Checks a script an admin wrote.
pub fn validate(body: &str) -> Result<(), ScriptError> {
    if body.trim().is_empty() {
        return Err(ScriptError::Empty);
    }
    if body.chars().count() > MAX_SCRIPT_CHARS {
        return Err(ScriptError::TooLong);
    }
    let mut rest = body;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return Err(ScriptError::UnknownVariable(
                after.chars().take(30).collect(),
            ));
        };
        let name = after[..end].trim();
        if !SCRIPT_VARIABLES.contains(&name) {
            return Err(ScriptError::UnknownVariable(name.to_owned()));
        }
        rest = &after[end + 2..];
    }
    Ok(())
}

/// What fills a script's places, already formatted for the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptContext {
    pub customer_name: String,
    pub company_name: String,
    /// The overdue total, formatted with its currency.
    pub total: String,
    pub days_overdue: i64,
}

/// The script with its places filled; a place it does not know stays as written.
pub fn render(body: &str, context: &ScriptContext) -> String {
    let mut out = String::with_capacity(body.len() + 64);
    let mut rest = body;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        match after[..end].trim() {
            "customer.name" => out.push_str(&context.customer_name),
            "company.name" => out.push_str(&context.company_name),
            "total" => out.push_str(&context.total),
            "days_overdue" => out.push_str(&context.days_overdue.to_string()),
            _ => out.push_str(&rest[start..start + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stage_has_a_valid_script_per_channel_in_both_languages() {
        for stage in Stage::ALL {
            for channel in SCRIPT_CHANNELS {
                for locale in Locale::ALL {
                    let text = defaults::text(stage, channel, locale);
                    assert_eq!(validate(text), Ok(()), "{stage:?} {channel:?} {locale:?}");
                    if locale == Locale::ZhCn {
                        let without_places = render(
                            text,
                            &ScriptContext {
                                customer_name: String::new(),
                                company_name: String::new(),
                                total: String::new(),
                                days_overdue: 0,
                            },
                        );
                        assert!(
                            !without_places.chars().any(|c| c.is_ascii_alphabetic()),
                            "English in {stage:?} {channel:?}: {without_places}"
                        );
                    }
                }
            }
        }
        assert_eq!(
            default_script(30, CollectionChannel::Email, Locale::En),
            None
        );
    }

    #[test]
    fn a_step_belongs_to_the_stage_of_its_days() {
        assert_eq!(Stage::of(-3), Stage::Reminder);
        assert_eq!(Stage::of(0), Stage::Reminder);
        assert_eq!(Stage::of(7), Stage::Early);
        assert_eq!(Stage::of(15), Stage::Firm);
        assert_eq!(Stage::of(60), Stage::Serious);
        assert_eq!(Stage::of(90), Stage::Final);
    }

    #[test]
    fn places_are_checked_and_filled() {
        assert_eq!(validate("  "), Err(ScriptError::Empty));
        assert_eq!(
            validate(&"x".repeat(MAX_SCRIPT_CHARS + 1)),
            Err(ScriptError::TooLong)
        );
        assert_eq!(
            validate("Hello {{customer.nmae}}"),
            Err(ScriptError::UnknownVariable("customer.nmae".into()))
        );
        assert!(matches!(
            validate("Hello {{total"),
            Err(ScriptError::UnknownVariable(_))
        ));
        let context = ScriptContext {
            customer_name: "Acme".into(),
            company_name: "Duely".into(),
            total: "¥1,000.00".into(),
            days_overdue: 12,
        };
        assert_eq!(
            render(
                "{{customer.name}} owes {{ total }} ({{days_overdue}} days) to {{company.name}}",
                &context
            ),
            "Acme owes ¥1,000.00 (12 days) to Duely"
        );
        assert_eq!(render("{{other}} {{open", &context), "{{other}} {{open");
    }
}
