//! How a payment was made: the methods a payment records, stored as text.

use serde::{Deserialize, Serialize};

// No doc comments on the enum or its values: the GraphQL schema shows them as descriptions,
// and its text must not change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PaymentMethod {
    BankTransfer,
    Cash,
    Check,
    Card,
    Alipay,
    WechatPay,
    Stripe,
    Other,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 8] = [
        PaymentMethod::BankTransfer,
        PaymentMethod::Cash,
        PaymentMethod::Check,
        PaymentMethod::Card,
        PaymentMethod::Alipay,
        PaymentMethod::WechatPay,
        PaymentMethod::Stripe,
        PaymentMethod::Other,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::BankTransfer => "BANK_TRANSFER",
            PaymentMethod::Cash => "CASH",
            PaymentMethod::Check => "CHECK",
            PaymentMethod::Card => "CARD",
            PaymentMethod::Alipay => "ALIPAY",
            PaymentMethod::WechatPay => "WECHAT_PAY",
            PaymentMethod::Stripe => "STRIPE",
            PaymentMethod::Other => "OTHER",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|method| method.as_str() == value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_method_reads_back_from_its_text() {
        for method in PaymentMethod::ALL {
            assert_eq!(PaymentMethod::parse(method.as_str()), Some(method));
        }
        assert_eq!(PaymentMethod::parse("bank_transfer"), None);
        assert_eq!(PaymentMethod::parse("WIRE"), None);
    }

    #[test]
    fn serde_uses_the_stored_text() {
        assert_eq!(
            serde_json::to_string(&PaymentMethod::WechatPay).unwrap(),
            "\"WECHAT_PAY\""
        );
    }
}
