//! The closed set of error codes the API returns in `extensions.code`.
//!
//! Third parties branch on these strings and the web app translates them, so a code is never
//! renamed or removed; new ones are added at the end.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// No valid credentials, or they expired.
    Unauthenticated,
    /// Authenticated, but the role or API-key scope does not allow the action.
    Forbidden,
    /// The object does not exist in the caller's tenant.
    NotFound,
    /// The input is malformed or breaks a rule; the message names the field and what is allowed.
    Validation,
    /// The action conflicts with the current state (a taken email, a stale version).
    Conflict,
    /// A new invoice would take the customer over its credit limit.
    CreditLimitExceeded,
    /// The customer is on credit hold.
    CreditHold,
    /// Too many requests; `retryAfter` says when to try again.
    RateLimited,
    /// The tenant's plan does not allow more of something; `limit` and `upgradeTo` say which.
    PlanLimit,
    /// The company's subscription ended past its grace period: its data can be read, not
    /// changed, until it subscribes again.
    ReadOnly,
    /// The feature needs configuration the server or the company does not have (Stripe).
    NotConfigured,
    /// A payment provider (Stripe) refused the request or could not be reached.
    ProviderError,
    /// The request itself is not a valid GraphQL request.
    BadRequest,
    /// Something failed on our side; the message never carries internals.
    Internal,
    /// The server cannot reach its database for a moment (a restart, a failover); `retryAfter`
    /// says when to try again. A write with an idempotency key is safe to send again.
    Unavailable,
    /// Email to customers waits until the company's owner has verified their email address.
    EmailNotVerified,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 16] = [
        ErrorCode::Unauthenticated,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::Validation,
        ErrorCode::Conflict,
        ErrorCode::CreditLimitExceeded,
        ErrorCode::CreditHold,
        ErrorCode::RateLimited,
        ErrorCode::PlanLimit,
        ErrorCode::ReadOnly,
        ErrorCode::NotConfigured,
        ErrorCode::ProviderError,
        ErrorCode::BadRequest,
        ErrorCode::Internal,
        ErrorCode::EmailNotVerified,
        ErrorCode::Unavailable,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::Validation => "VALIDATION",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::CreditLimitExceeded => "CREDIT_LIMIT_EXCEEDED",
            ErrorCode::CreditHold => "CREDIT_HOLD",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::PlanLimit => "PLAN_LIMIT",
            ErrorCode::ReadOnly => "READ_ONLY",
            ErrorCode::NotConfigured => "NOT_CONFIGURED",
            ErrorCode::ProviderError => "PROVIDER_ERROR",
            ErrorCode::BadRequest => "BAD_REQUEST",
            ErrorCode::Internal => "INTERNAL",
            ErrorCode::Unavailable => "UNAVAILABLE",
            ErrorCode::EmailNotVerified => "EMAIL_NOT_VERIFIED",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown error code `{0}`")]
pub struct UnknownErrorCode(pub String);

impl FromStr for ErrorCode {
    type Err = UnknownErrorCode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ErrorCode::ALL
            .into_iter()
            .find(|code| code.as_str() == s)
            .ok_or_else(|| UnknownErrorCode(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_through_its_wire_name() {
        for code in ErrorCode::ALL {
            assert_eq!(code.as_str().parse::<ErrorCode>(), Ok(code));
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn an_unknown_code_is_refused_not_guessed() {
        assert!("NOPE".parse::<ErrorCode>().is_err());
    }
}
