//! The one error type at the API boundary.
//!
//! Use cases return their own error enums; they convert into [`AppError`], which carries a stable
//! [`ErrorCode`] for `extensions.code`. Internal errors are logged once, here, with the request's
//! span, and reach the client only as an opaque message: never SQL, paths or internals.

use async_graphql::ErrorExtensions;
use domain::ErrorCode;
use domain::Locale;
use domain::messages::Localized;
use domain::reason::Reason;
use serde_json::{Map, Value, json};

/// Deliberately not `Display`: async-graphql converts anything `Display` into an error with no
/// code, so a resolver that forgot `.extend()` would leak internals. Without `Display`, `?` on
/// an `AppError` in a resolver does not compile; `.extend()` (from [`ErrorExtensions`] and
/// `async_graphql::ResultExt`) is the one way across.
#[derive(Debug)]
pub enum AppError {
    /// A client error: the message is written for the client and safe to show.
    Client {
        code: ErrorCode,
        /// Why, with its parameters: `extensions.reason` and `extensions.params`. Every client
        /// error has one: the only ways to make one take a `Reason`.
        reason: Box<Reason>,
        /// English, for logs and for clients that show it; the web app translates `reason`.
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
    /// A request refused for `reason`: its code is the reason's, its message the catalogue's
    /// English text.
    pub fn refused(reason: Reason) -> Self {
        AppError::Client {
            code: reason.code(),
            message: reason.text(Locale::En),
            reason: Box::new(reason),
            field: None,
            retry_after: None,
            details: Vec::new(),
        }
    }

    /// Bad input in `field` (as the client sent it, `input.lines[2].quantity`), for `reason`.
    pub fn input(field: impl Into<String>, reason: Reason) -> Self {
        AppError::refused(reason).at(field)
    }

    /// The same error, naming the input field at fault.
    pub fn at(mut self, at: impl Into<String>) -> Self {
        if let AppError::Client { field, .. } = &mut self {
            *field = Some(at.into());
        }
        self
    }

    /// The same error with the field's path under `prefix` (`lines[2]` under `input` is
    /// `input.lines[2]`), for errors of a nested input checked on its own.
    pub fn under(mut self, prefix: &str) -> Self {
        if let AppError::Client { field, .. } = &mut self {
            *field = Some(match field.take() {
                Some(inner) => format!("{prefix}.{inner}"),
                None => prefix.to_owned(),
            });
        }
        self
    }

    /// Why the request was refused (`None` for an internal error).
    pub fn reason(&self) -> Option<&Reason> {
        match self {
            AppError::Client { reason, .. } => Some(reason),
            AppError::Internal(_) => None,
        }
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        AppError::refused(Reason::TooManyAttempts {
            seconds: retry_after_secs,
        })
        .retrying_after(retry_after_secs)
    }

    /// The same error, telling the client when a retry may succeed (`RATE_LIMITED`).
    pub fn retrying_after(mut self, seconds: u64) -> Self {
        if let AppError::Client { retry_after, .. } = &mut self {
            *retry_after = Some(seconds);
        }
        self
    }

    /// A request of a costly kind refused because the server runs as many as it allows at
    /// once: `RATE_LIMITED`, with the seconds after which one is likely to have finished.
    pub fn busy(message: impl Into<String>, retry_after_secs: u64) -> Self {
        let mut error = AppError::refused(Reason::ServerBusy {
            seconds: retry_after_secs,
        })
        .retrying_after(retry_after_secs);
        if let AppError::Client { message: text, .. } = &mut error {
            *text = message.into();
        }
        error
    }

    /// `UNAVAILABLE`: the database cannot be reached; try again after `retry_after_secs`.
    pub fn unavailable(retry_after_secs: u64) -> Self {
        AppError::refused(Reason::DatabaseUnavailable {
            seconds: retry_after_secs,
        })
        .retrying_after(retry_after_secs)
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
        AppError::refused(Reason::CompanyReadOnly {})
    }

    /// A plan limit reached: names the limit, the plan, and the plan that lifts it.
    pub fn plan_limit(reached: &domain::billing::LimitReached) -> Self {
        let mut details = vec![("limit", reached.limit.as_str().to_owned())];
        if let Some(plan) = reached.lifted_by {
            details.push(("upgradeTo", plan.as_str().to_owned()));
        }
        let mut error = AppError::refused(Reason::PlanLimitReached {
            limit: reached.limit,
            plan: reached.plan,
            allowed: reached.allowed,
            upgrade_to: reached.lifted_by,
        });
        if let AppError::Client { details: more, .. } = &mut error {
            *more = details;
        }
        error
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
        // The database is down or out of reach (a restart, a failover): the caller may retry
        // once it is back; a write with an idempotency key is safe to send again.
        if crate::db::unreachable::is_unreachable(&error) {
            tracing::warn!(error = %error, "the database is unreachable");
            return AppError::unavailable(5);
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

impl AppError {
    /// What a client may see: the message and `extensions` (code, reason, params, field,
    /// retryAfter, more details). Internal errors are logged here, once, and show only that
    /// something failed. GraphQL and the REST file endpoints both answer with this.
    pub fn public(&self) -> (String, Map<String, Value>) {
        let mut extensions = Map::new();
        match self {
            AppError::Client {
                code,
                reason,
                message,
                field,
                retry_after,
                details,
            } => {
                extensions.insert("code".into(), json!(code.as_str()));
                extensions.insert("reason".into(), json!(reason.name()));
                extensions.insert("params".into(), Value::Object(reason.params()));
                if let Some(field) = field {
                    extensions.insert("field".into(), json!(field));
                }
                if let Some(seconds) = retry_after {
                    extensions.insert("retryAfter".into(), json!(seconds));
                }
                for (name, value) in details {
                    extensions.insert((*name).into(), json!(value));
                }
                (message.clone(), extensions)
            }
            AppError::Internal(error) => {
                tracing::error!(error = ?error, "internal error");
                let reason = Reason::Internal {};
                extensions.insert("code".into(), json!(ErrorCode::Internal.as_str()));
                extensions.insert("reason".into(), json!(reason.name()));
                extensions.insert("params".into(), json!({}));
                (reason.text(Locale::En), extensions)
            }
        }
    }
}

impl ErrorExtensions for AppError {
    fn extend(&self) -> async_graphql::Error {
        let (message, extensions) = self.public();
        async_graphql::Error::new(message).extend_with(|_, ext| {
            for (name, value) in extensions {
                if let Ok(value) = async_graphql::Value::from_json(value) {
                    ext.set(name, value);
                }
            }
        })
    }
}

/// For the areas' mapping tests: `error` leaves with `code`, `reason` and `field`, its
/// parameters an object and its message not empty.
#[cfg(test)]
pub fn assert_sent_as<E>(error: E, code: &str, reason: &str, field: Option<&str>)
where
    E: Into<AppError> + std::fmt::Debug,
{
    let shown = format!("{error:?}");
    let (message, extensions) = error.into().public();
    assert_eq!(extensions["code"], code, "{shown}");
    assert_eq!(extensions["reason"], reason, "{shown}");
    assert_eq!(
        extensions.get("field").and_then(|field| field.as_str()),
        field,
        "{shown}"
    );
    assert!(extensions["params"].is_object(), "{shown}");
    assert!(!message.is_empty(), "{shown}");
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
