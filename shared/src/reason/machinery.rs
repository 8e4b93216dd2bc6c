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
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

            /// One value of every reason, for tests and documentation.
            pub fn examples() -> Vec<Reason> {
                vec![ $( Reason::$name { $($param: <$ty as Example>::example()),* }, )* ]
            }
        }
    };
}
