//! What the list of reasons is built with: the kinds of record reasons name, how parameter
//! types read in `docs/errors.md`, and the `reasons!` macro that makes the enum, its codes,
//! its catalogue and its examples from one line per reason.

use super::*;

/// The kinds of record a `RECORD_NOT_FOUND` or `ALREADY_TAKEN` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Entity {
    Customer,
    Invoice,
    CreditNote,
    Dispute,
    Payment,
    Ladder,
    Template,
    Run,
    Fee,
    Activity,
    Promise,
    Task,
    LegalCase,
    Alert,
    Rating,
    IncentiveRule,
    Company,
    User,
    Member,
    ApiKey,
    Report,
    ApprovalRequest,
    BankAccount,
    BankTransaction,
    Fapiao,
    Letter,
    Attachment,
    WebhookEndpoint,
    WebhookDelivery,
    MessageChannel,
    MessageDelivery,
}

/// How a parameter's type reads in `docs/errors.md`.
pub trait WireType {
    fn wire() -> String;
}

/// A value of the parameter's type for [`Reason::examples`].
pub trait Example {
    fn example() -> Self;
}

macro_rules! wire {
    ($($ty:ty => $text:literal, $example:expr;)*) => {
        $(
            impl WireType for $ty {
                fn wire() -> String {
                    $text.to_owned()
                }
            }
            impl Example for $ty {
                fn example() -> Self {
                    $example
                }
            }
        )*
    };
}

wire! {
    u32 => "whole number", 1;
    u64 => "whole number", 1;
    i64 => "whole number", 1;
    String => "text", "x".to_owned();
    NaiveDate => "date (YYYY-MM-DD)", NaiveDate::MIN;
    Entity => "record kind (CUSTOMER, INVOICE, …)", Entity::Customer;
    Plan => "plan (FREE, GROWTH, SCALE)", Plan::Growth;
    Limit => "limit name", Limit::Customers;
}

impl<T: WireType> WireType for Option<T> {
    fn wire() -> String {
        format!("{} or null", T::wire())
    }
}

impl<T: Example> Example for Option<T> {
    fn example() -> Self {
        Some(T::example())
    }
}

impl<T: WireType> WireType for Vec<T> {
    fn wire() -> String {
        format!("list of {}", T::wire())
    }
}

impl<T: Example> Example for Vec<T> {
    fn example() -> Self {
        vec![T::example()]
    }
}

/// One reason as `docs/errors.md` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReasonDoc {
    pub name: String,
    pub code: ErrorCode,
    pub doc: String,
    /// Each parameter's wire name and how its type reads.
    pub params: Vec<(String, String)>,
}

/// `InvoiceNotOpen` as `INVOICE_NOT_OPEN`.
pub(super) fn screaming(name: &str) -> String {
    let mut out = String::new();
    for (index, c) in name.chars().enumerate() {
        if c.is_uppercase() && index > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// `INVOICE_NOT_OPEN` as `InvoiceNotOpen` (the inverse of [`screaming`]).
pub(super) fn pascal(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for part in name.split('_') {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    out
}

/// `reason` and `params`, as the API sends a reason (params may be absent).
#[derive(Deserialize)]
struct Wire {
    reason: String,
    #[serde(default)]
    params: Map<String, Value>,
}

impl<'de> Deserialize<'de> for Reason {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = Wire::deserialize(deserializer)?;
        Reason::from_wire(&wire.reason, &wire.params).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown reason {} or parameters that do not fit it",
                wire.reason
            ))
        })
    }
}

/// `upgrade_to` as `upgradeTo`.
pub(super) fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

macro_rules! reasons {
    ($( $(#[doc = $doc:literal])* $name:ident { $($param:ident : $ty:ty),* $(,)? } => $code:ident, )*) => {
        // Deserialize is written below, not derived: serde's derive for an adjacently tagged
        // enum of this many variants is over 600 KB of wasm, all of it in the web app's first
        // screen (every API error is read through it).
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(
            tag = "reason",
            content = "params",
            rename_all = "SCREAMING_SNAKE_CASE",
            rename_all_fields = "camelCase"
        )]
        pub enum Reason {
            $( $(#[doc = $doc])* $name { $($param: $ty),* }, )*
        }

        impl Reason {
            /// The error code this reason is always sent with.
            pub fn code(&self) -> ErrorCode {
                match self {
                    $( Reason::$name { .. } => ErrorCode::$code, )*
                }
            }

            /// Every reason, its code, what it means and its parameters.
            pub fn catalogue() -> Vec<ReasonDoc> {
                vec![
                    $(
                        ReasonDoc {
                            name: screaming(stringify!($name)),
                            code: ErrorCode::$code,
                            doc: [$($doc),*].iter().map(|line| line.trim()).collect::<Vec<_>>().join(" "),
                            params: vec![ $( (camel(stringify!($param)), <$ty as WireType>::wire()) ),* ],
                        },
                    )*
                ]
            }

            /// The reason named `name` (`INVOICE_NOT_OPEN`) with these parameters, as
            /// `extensions.reason` and `extensions.params` carry them: none for a name this
            /// build does not know, or a parameter missing or of another type. Parameters it
            /// does not know are ignored, as serde ignores unknown fields.
            pub fn from_wire(name: &str, params: &Map<String, Value>) -> Option<Reason> {
                fn param<T: serde::de::DeserializeOwned>(
                    params: &Map<String, Value>,
                    name: &str,
                ) -> Option<T> {
                    T::deserialize(params.get(&camel(name)).unwrap_or(&Value::Null)).ok()
                }
                let variant = pascal(name);
                if screaming(&variant) != name {
                    return None;
                }
                match variant.as_str() {
                    $( stringify!($name) => Some(Reason::$name { $($param: param(params, stringify!($param))?),* }), )*
                    _ => None,
                }
            }

            /// One value of every reason, for tests and documentation.
            pub fn examples() -> Vec<Reason> {
                vec![ $( Reason::$name { $($param: <$ty as Example>::example()),* }, )* ]
            }
        }
    };
}
