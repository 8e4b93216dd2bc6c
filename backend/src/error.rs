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
        }
    }

    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Client {
            code: ErrorCode::Validation,
            message: message.into(),
            field: Some(field.into()),
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
            } => async_graphql::Error::new(message.clone()).extend_with(|_, ext| {
                ext.set("code", code.as_str());
                if let Some(field) = field {
                    ext.set("field", field.as_str());
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
