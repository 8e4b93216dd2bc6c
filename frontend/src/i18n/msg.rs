//! A piece of UI text in both languages. Each message is a constant holding its Chinese and
//! its English text (`Msg::SignIn`, `CashMsg::Title`), written in `texts!` tables: a message
//! without either text does not compile.
//!
//! Why constants and not one enum matched per language: a page that shows a message refers to
//! its texts itself, so the texts go wherever the page's code goes. The web app is split by
//! page at build time, and a match over every message would hold every page's texts in the
//! first screen's module (issue 30's budget).

/// One message: its Chinese and its English text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Msg {
    zh: &'static str,
    en: &'static str,
}

impl Msg {
    /// What `texts!` writes; a message has both its texts.
    pub(super) const fn new(zh: &'static str, en: &'static str) -> Msg {
        Msg { zh, en }
    }

    pub fn text(self, locale: domain::Locale) -> &'static str {
        match locale {
            domain::Locale::ZhCn => self.zh,
            domain::Locale::En => self.en,
        }
    }
}

/// `texts! { Owner; Name => "中文", "English"; ... }`: each message an associated constant of
/// `Owner` (`Msg` itself, or an area's namespace such as `CashMsg`), its Chinese text first.
macro_rules! texts {
    ($owner:ty; $( $(#[$meta:meta])* $name:ident => $zh:literal, $en:literal; )*) => {
        #[allow(non_upper_case_globals)]
        impl $owner {
            $( $(#[$meta])* pub const $name: $crate::i18n::Msg = $crate::i18n::Msg::new($zh, $en); )*
        }
    };
}
