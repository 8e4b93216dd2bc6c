//! The languages Duely speaks. Chinese first: most of our first users are in China.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum Locale {
    /// Simplified Chinese, `zh-CN`.
    #[default]
    #[serde(rename = "zh-CN")]
    #[cfg_attr(feature = "graphql", graphql(name = "ZH_CN"))]
    ZhCn,
    /// English, `en`.
    #[serde(rename = "en")]
    #[cfg_attr(feature = "graphql", graphql(name = "EN"))]
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::ZhCn, Locale::En];

    /// The BCP 47 tag.
    pub const fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    /// Picks the locale for a browser's language list (`navigator.languages`): the first tag we
    /// speak wins; any Chinese variant gets Simplified Chinese; nothing we speak gives English.
    pub fn negotiate<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Locale {
        preferred
            .into_iter()
            .find_map(|tag| {
                let primary = tag
                    .split(['-', '_'])
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                match primary.as_str() {
                    "zh" => Some(Locale::ZhCn),
                    "en" => Some(Locale::En),
                    _ => None,
                }
            })
            .unwrap_or(Locale::En)
    }
}

impl Locale {
    /// The locale an HTTP `Accept-Language` header asks for (`zh-CN,zh;q=0.9,en;q=0.8`): the
    /// language of highest weight that Duely speaks, or `None` when it names none (then the
    /// person's or the company's language applies).
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let mut ranked: Vec<(u16, usize, Locale)> = header
            .split(',')
            .take(32)
            .enumerate()
            .filter_map(|(position, part)| {
                let mut pieces = part.split(';');
                let tag = pieces.next()?.trim();
                let weight = pieces
                    .find_map(|piece| piece.trim().strip_prefix("q="))
                    .map_or(Some(1000), |q| thousandths(q.trim()))?;
                let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
                let locale = match primary.as_str() {
                    "zh" => Locale::ZhCn,
                    "en" => Locale::En,
                    _ => return None,
                };
                (weight > 0).then_some((weight, position, locale))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.first().map(|(_, _, locale)| *locale)
    }
}

/// An HTTP quality value (`1`, `0.9`, `0.125`) in thousandths; `None` when it is not one.
fn thousandths(q: &str) -> Option<u16> {
    let (whole, fraction) = q.split_once('.').unwrap_or((q, ""));
    if fraction.len() > 3 || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let digits = format!("{fraction:0<3}");
    match whole {
        "0" => digits.parse().ok(),
        "1" if digits == "000" => Some(1000),
        _ => None,
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported locale `{0}`; use zh-CN or en")]
pub struct UnsupportedLocale(pub String);

impl FromStr for Locale {
    type Err = UnsupportedLocale;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Locale::ALL
            .into_iter()
            .find(|locale| locale.tag().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnsupportedLocale(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_heaviest_language_we_speak() {
        assert_eq!(
            Locale::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"),
            Some(Locale::ZhCn)
        );
        assert_eq!(
            Locale::from_accept_language("en-US,en;q=0.9"),
            Some(Locale::En)
        );
        assert_eq!(
            Locale::from_accept_language("fr;q=1, en;q=0.5, zh;q=0.7"),
            Some(Locale::ZhCn)
        );
        assert_eq!(Locale::from_accept_language("de, fr"), None);
        assert_eq!(
            Locale::from_accept_language("zh;q=0, en;q=0.1"),
            Some(Locale::En)
        );
        assert_eq!(Locale::from_accept_language(""), None);
    }

    #[test]
    fn a_chinese_browser_gets_simplified_chinese() {
        assert_eq!(Locale::negotiate(["zh-CN", "en-US"]), Locale::ZhCn);
        assert_eq!(Locale::negotiate(["zh-TW"]), Locale::ZhCn);
        assert_eq!(Locale::negotiate(["zh"]), Locale::ZhCn);
    }

    #[test]
    fn the_first_language_we_speak_wins() {
        assert_eq!(Locale::negotiate(["fr-FR", "en-GB", "zh-CN"]), Locale::En);
        assert_eq!(Locale::negotiate(["de", "zh-Hans-CN"]), Locale::ZhCn);
    }

    #[test]
    fn a_browser_in_no_language_we_speak_gets_english() {
        assert_eq!(Locale::negotiate(["fr", "de"]), Locale::En);
        assert_eq!(Locale::negotiate([]), Locale::En);
    }

    #[test]
    fn locales_parse_from_their_tags() {
        assert_eq!("zh-CN".parse(), Ok(Locale::ZhCn));
        assert_eq!("zh-cn".parse(), Ok(Locale::ZhCn));
        assert_eq!("en".parse(), Ok(Locale::En));
        assert!("fr".parse::<Locale>().is_err());
    }
}
