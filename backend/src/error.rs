//! The one error type at the API boundary.
//!
//! Use cases return their own error enums; they convert into [`AppError`], which carries a stable
//! [`ErrorCode`] for `extensions.code`. Internal errors are logged once, here, with the request's
//! span, and reach the client only as an opaque message: never SQL, paths or internals.

use async_graphql::ErrorExtensions;
use domain::ErrorCode;

/// Deliberately not `Display`: async-graphql converts anything `Display` into an error with no
/// code, so a resolver that forgot `.extend()` would leak internals. Without `Display`, `?` on
/// an `AppError` in a resolver does not compile; `.extend()` (from [`ErrorExtensions`] and
/// `async_graphql::ResultExt`) is the one way across.
#[derive(Debug)]
pub enum AppError {
    /// A client error: the message is written for the client and safe to show.
    Client {
        code: ErrorCode,
        message: String,
        /// The input field at fault, when there is one (`input.email`).
        field: Option<String>,
        /// For `RATE_LIMITED`: seconds until a retry may succeed.
        retry_after: Option<u64>,
        /// More `extensions` for the client (`PLAN_LIMIT`'s `limit` and `upgradeTo`).
        details: Vec<(&'static str, String)>,
    },
    /// Anything else. Logged with its chain; the client sees only that something failed.
    Internal(anyhow::Error),
}

impl From<anyhow::Error> for AppError {
    fn from(error: anyhow::Error) -> Self {
        AppError::Internal(error)
    }
}

impl AppError {
    pub fn client(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError::Client {
            code,
            message: message.into(),
            field: None,
            retry_after: None,
            details: Vec::new(),
        }
    }

    /// Bad input: names the field (as the client sent it, `input.email`) and what is allowed.
    pub fn validation(field: impl Into<String>, message: impl std::fmt::Display) -> Self {
        AppError::Client {
            code: ErrorCode::Validation,
            message: message.to_string(),
            field: Some(field.into()),
            retry_after: None,
            details: Vec::new(),
        }
    }

    /// What a client may see: the message and the field, or a generic message for internal
    /// errors (which are logged here, once).
    pub fn public_parts(&self) -> (String, Option<String>) {
        match self {
            AppError::Client { message, field, .. } => (message.clone(), field.clone()),
            AppError::Internal(error) => {
                tracing::error!(error = ?error, "internal error");
                (
                    "Something went wrong on our side; it has been logged.".to_owned(),
                    None,
                )
            }
        }
    }

    pub fn unauthenticated(message: impl Into<String>) -> Self {
        AppError::client(ErrorCode::Unauthenticated, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        AppError::client(ErrorCode::Forbidden, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        AppError::client(ErrorCode::NotFound, message)
    }

    pub fn conflict(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Client {
            code: ErrorCode::Conflict,
            message: message.into(),
            field: Some(field.into()),
            retry_after: None,
            details: Vec::new(),
        }
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        AppError::Client {
            code: ErrorCode::RateLimited,
            message: format!("Too many attempts; try again in {retry_after_secs} seconds."),
            field: None,
            retry_after: Some(retry_after_secs),
            details: Vec::new(),
        }
    }

    /// A request of a costly kind refused because the server runs as many as it allows at
    /// once: `RATE_LIMITED`, with the seconds after which one is likely to have finished.
    pub fn busy(message: impl Into<String>, retry_after_secs: u64) -> Self {
        AppError::Client {
            code: ErrorCode::RateLimited,
            message: message.into(),
            field: None,
            retry_after: Some(retry_after_secs),
            details: Vec::new(),
        }
    }

    /// For `RATE_LIMITED`: the seconds to wait, for a `Retry-After` header.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::Client { retry_after, .. } => *retry_after,
            AppError::Internal(_) => None,
        }
    }

    /// A write refused because the company's subscription ended past its grace period.
    pub fn read_only() -> Self {
        AppError::client(
            ErrorCode::ReadOnly,
            "This company is read-only: its subscription has ended. An owner or admin can \
             subscribe again on the billing page; nothing has been deleted.",
        )
    }

    /// A plan limit reached: names the limit, the plan, and the plan that lifts it.
    pub fn plan_limit(reached: &domain::billing::LimitReached) -> Self {
        let mut details = vec![("limit", reached.limit.as_str().to_owned())];
        if let Some(plan) = reached.lifted_by {
            details.push(("upgradeTo", plan.as_str().to_owned()));
        }
        AppError::Client {
            code: ErrorCode::PlanLimit,
            message: reached.to_string(),
            field: None,
            retry_after: None,
            details,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Client { code, .. } => *code,
            AppError::Internal(_) => ErrorCode::Internal,
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(error: sea_orm::DbErr) -> Self {
        // A write in a read-only company's transaction (see `db::tenant`): SQLSTATE 25006.
        if crate::db::tenant::is_read_only_violation(&error) {
            return AppError::read_only();
        }
        // Every pooled connection stayed busy for the acquire timeout: the caller may retry,
        // nothing was written.
        if matches!(error, sea_orm::DbErr::ConnectionAcquire(_)) {
            tracing::warn!(error = %error, "no database connection became free in time");
            return AppError::busy("The server is busy; try again in a moment.", 1);
        }
        AppError::Internal(anyhow::Error::new(error))
    }
}

impl ErrorExtensions for AppError {
    fn extend(&self) -> async_graphql::Error {
        match self {
            AppError::Client {
                code,
                message,
                field,
                retry_after,
                details,
            } => async_graphql::Error::new(message.clone()).extend_with(|_, ext| {
                ext.set("code", code.as_str());
                if let Some(field) = field {
                    ext.set("field", field.as_str());
                }
                if let Some(seconds) = retry_after {
                    ext.set("retryAfter", *seconds);
                }
                for (name, value) in details {
                    ext.set(*name, value.as_str());
                }
            }),
            AppError::Internal(error) => {
                tracing::error!(error = ?error, "internal error");
                async_graphql::Error::new("Something went wrong on our side; it has been logged.")
                    .extend_with(|_, ext| ext.set("code", ErrorCode::Internal.as_str()))
            }
        }
    }
}

/// The resolvers' result: errors already carry their code.
pub type ApiResult<T> = Result<T, async_graphql::Error>;

/// `.api()` turns a use-case result into a resolver result, the one way across the boundary.
pub trait IntoApi<T> {
    fn api(self) -> ApiResult<T>;
}

impl<T> IntoApi<T> for Result<T, AppError> {
    fn api(self) -> ApiResult<T> {
        self.map_err(|error| error.extend())
    }
}
