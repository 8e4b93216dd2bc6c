//! The signed-in session: who, in which company, with which role.
//!
//! The refresh token is remembered in local storage so a reload keeps the user signed in; the
//! access token lives only in memory and is renewed a minute before it expires. Refresh tokens
//! rotate on every use and a reused one ends the session, so before refreshing we re-read
//! storage: another tab may have rotated the token already (and when two tabs refresh at once,
//! the server gives both the same new pair). Only the server saying `UNAUTHENTICATED` signs
//! the user out: a network error or a server that is down keeps the session and tries again.

use crate::api::{self, RefreshSession};
use domain::access::{Access, Permission, Role};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::Duration;

const STORAGE_KEY: &str = "duely.session";
/// Renew the access token this long before it expires.
const REFRESH_MARGIN_MS: f64 = 60_000.0;
/// After a refresh that failed for any reason but an ended session, try again this much later.
const RETRY_REFRESH_AFTER: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub refresh_token: String,
    #[serde(skip)]
    pub access_token: String,
    #[serde(skip)]
    pub access_expires_at: String,
    pub user_name: String,
    pub user_email: String,
    /// Sessions remembered before this field existed read as verified: the renewal at start-up
    /// replaces them with the server's answer, and until then no banner should flash.
    #[serde(default = "verified_until_told_otherwise")]
    pub email_verified: bool,
    pub tenant_id: String,
    pub tenant_name: String,
    /// The company's IANA time zone, for its "today" (`calendar`, which holds the current one);
    /// empty in a session remembered before it was kept, until the renewal at start-up.
    #[serde(default)]
    pub time_zone: String,
    pub role: Role,
}

fn verified_until_told_otherwise() -> bool {
    true
}

impl Session {
    pub fn access(&self, permission: Permission) -> Access {
        self.role.access(permission)
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.role.can(permission)
    }
}

/// Turns each operation's generated session fields into a [`Session`].
macro_rules! from_fields {
    ($module:ident) => {
        from_fields!(api::$module::SessionFields);
    };
    ($fields:ty) => {
        impl From<$fields> for Session {
            fn from(fields: $fields) -> Self {
                Session {
                    refresh_token: fields.refresh_token,
                    access_token: fields.access_token,
                    access_expires_at: fields.access_token_expires_at,
                    user_name: fields.user.name,
                    user_email: fields.user.email,
                    email_verified: fields.user.email_verified,
                    tenant_id: fields.tenant.id,
                    tenant_name: fields.tenant.name,
                    time_zone: fields.tenant.time_zone,
                    role: api::to_domain(&fields.role).unwrap_or(Role::Viewer),
                }
            }
        }
    };
}

from_fields!(sign_up);

from_fields!(log_in);
from_fields!(refresh_session);
from_fields!(switch_tenant);
from_fields!(change_password);
from_fields!(reset_password);
from_fields!(api::accept_invitation::AcceptInvitationAcceptInvitation);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStatus {
    /// A remembered session is being renewed at start-up.
    Restoring,
    SignedOut,
    SignedIn,
}

#[derive(Clone, Copy)]
pub struct SessionStore {
    pub current: RwSignal<Option<Session>>,
    pub status: RwSignal<SessionStatus>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|window| window.local_storage().ok().flatten())
}

fn remember(session: &Session) {
    if let (Some(storage), Ok(json)) = (storage(), serde_json::to_string(session)) {
        let _ = storage.set_item(STORAGE_KEY, &json);
    }
}

fn remembered() -> Option<Session> {
    storage()
        .and_then(|storage| storage.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|json| serde_json::from_str(&json).ok())
}

impl SessionStore {
    /// Signs in with a session the API just returned, remembers it, and schedules its renewal.
    pub fn start(&self, session: Session) {
        api::set_access_token(Some(session.access_token.clone()));
        remember(&session);
        let expires_ms = js_sys::Date::parse(&session.access_expires_at);
        let wait_ms = (expires_ms - js_sys::Date::now() - REFRESH_MARGIN_MS).max(5_000.0);
        let store = *self;
        let refresh_token = session.refresh_token.clone();
        set_timeout(
            move || {
                // Only if this session is still the current one.
                if store
                    .current
                    .get_untracked()
                    .is_some_and(|current| current.refresh_token == refresh_token)
                {
                    store.renew();
                }
            },
            Duration::from_millis(wait_ms as u64),
        );
        crate::calendar::set_time_zone(&session.time_zone);
        self.current.set(Some(session));
        self.status.set(SessionStatus::SignedIn);
    }

    /// Records the company's new time zone (its settings just changed), so its "today" follows
    /// at once.
    pub fn set_time_zone(&self, zone: String) {
        crate::calendar::set_time_zone(&zone);
        self.current.update(|current| {
            if let Some(current) = current {
                current.time_zone = zone;
                remember(current);
            }
        });
    }

    /// Records that the signed-in user's address was just verified; the tokens stay as they are.
    pub fn mark_email_verified(&self) {
        self.current.update(|current| {
            if let Some(current) = current {
                current.email_verified = true;
                remember(current);
            }
        });
    }

    /// Forgets the session locally (the server side is ended by `logOut`).
    pub fn clear(&self) {
        api::set_access_token(None);
        crate::calendar::set_time_zone("");
        if let Some(storage) = storage() {
            let _ = storage.remove_item(STORAGE_KEY);
        }
        self.current.set(None);
        self.status.set(SessionStatus::SignedOut);
    }

    /// Trades the refresh token for a fresh pair; signs out when the session has ended.
    pub fn renew(&self) {
        let store = *self;
        let Some(token) = remembered()
            .or_else(|| store.current.get_untracked())
            .map(|session| session.refresh_token)
        else {
            store.clear();
            return;
        };
        leptos::task::spawn_local(async move {
            let result = api::run::<RefreshSession>(api::refresh_session::Variables {
                input: api::refresh_session::RefreshSessionInput {
                    refresh_token: token,
                },
            })
            .await;
            match result {
                Ok(data) => store.start(data.refresh_session.into()),
                Err(api::ApiError::Api {
                    code: domain::ErrorCode::Unauthenticated,
                    ..
                }) => store.clear(),
                // The network or the server failed, not the session: keep it and try again.
                Err(_) => set_timeout(move || store.renew(), RETRY_REFRESH_AFTER),
            }
        });
    }

    pub async fn log_out(&self) {
        let refresh_token = self
            .current
            .get_untracked()
            .map(|session| session.refresh_token);
        let _ = api::run::<api::LogOut>(api::log_out::Variables {
            input: Some(api::log_out::LogOutInput { refresh_token }),
        })
        .await;
        self.clear();
    }
}

pub fn provide_session() -> SessionStore {
    let remembered = remembered();
    let store = SessionStore {
        current: RwSignal::new(None),
        status: RwSignal::new(if remembered.is_some() {
            SessionStatus::Restoring
        } else {
            SessionStatus::SignedOut
        }),
    };
    provide_context(store);
    if remembered.is_some() {
        store.renew();
    }
    store
}

pub fn use_session() -> SessionStore {
    use_context::<SessionStore>().unwrap_or_else(|| SessionStore {
        current: RwSignal::new(None),
        status: RwSignal::new(SessionStatus::SignedOut),
    })
}
