//! Hearing that a member's standing or a company's calendar changed, on every replica: the
//! triggers of the `access_notify` migration `NOTIFY duely_access` when such a row changes,
//! and each replica listens on one connection of its own. A lost connection may have missed
//! notices, so the listener then reports [`AccessNotice::Missed`] (forget everything) and
//! listens again; the entries' own time limit bounds what a replica can miss before that.

use sea_orm::sqlx::postgres::PgListener;
use std::time::Duration;
use uuid::Uuid;

pub const CHANNEL: &str = "duely_access";

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessNotice {
    /// A company's row, its subscription or one of its memberships.
    Tenant(Uuid),
    /// A person's account (their session epoch or language).
    User(Uuid),
    /// The development clock, of one company or of all.
    Clock,
    /// Notices may have been lost: forget everything.
    Missed,
}

impl AccessNotice {
    /// Reads a notice's payload, `tenant:<id>`, `user:<id>` or `clock:<id or nothing>`.
    pub fn parse(payload: &str) -> Option<AccessNotice> {
        let (kind, id) = payload.split_once(':')?;
        match kind {
            "tenant" => id.parse().ok().map(AccessNotice::Tenant),
            "user" => id.parse().ok().map(AccessNotice::User),
            "clock" => Some(AccessNotice::Clock),
            _ => None,
        }
    }
}

/// Listens on a connection of its own to `database_url` (not one of the pool's, which requests
/// need) until the task is stopped, handing every notice to `heard`. Starts while the database
/// is down and keeps trying, once a second.
pub async fn listen(database_url: String, heard: impl Fn(AccessNotice) + Send + 'static) {
    loop {
        let mut listener = match PgListener::connect(&database_url).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(error = %error, "cannot listen for access changes yet");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if let Err(error) = listener.listen(CHANNEL).await {
            tracing::warn!(error = %error, "cannot listen for access changes yet");
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        // Whatever changed while nobody listened is forgotten now.
        heard(AccessNotice::Missed);
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => match AccessNotice::parse(notification.payload()) {
                    Some(notice) => heard(notice),
                    None => tracing::warn!(
                        payload = notification.payload(),
                        "an access notice this version does not read"
                    ),
                },
                // The connection was lost; `try_recv` connects again on the next call.
                Ok(None) => heard(AccessNotice::Missed),
                Err(error) => {
                    tracing::warn!(error = %error, "listening for access changes failed");
                    heard(AccessNotice::Missed);
                    break;
                }
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_read_as_the_triggers_write_them() {
        let id = Uuid::now_v7();
        assert_eq!(
            AccessNotice::parse(&format!("tenant:{id}")),
            Some(AccessNotice::Tenant(id))
        );
        assert_eq!(
            AccessNotice::parse(&format!("user:{id}")),
            Some(AccessNotice::User(id))
        );
        assert_eq!(AccessNotice::parse("clock:"), Some(AccessNotice::Clock));
        assert_eq!(
            AccessNotice::parse(&format!("clock:{id}")),
            Some(AccessNotice::Clock)
        );
        assert_eq!(AccessNotice::parse("tenant:not-an-id"), None);
        assert_eq!(AccessNotice::parse("role"), None);
    }
}
