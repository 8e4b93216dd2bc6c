//! A member's standing, as each request needs it: their role, from when the company is
//! read-only, and their language; `None` when they are no longer a member, the company is
//! closed, or the access token's session epoch has passed (a password changed).
//!
//! Every signed-in request asks, so each replica keeps the answer for up to 30 s and forgets
//! it at once when the membership, the person, the company or its subscription changes
//! ([`crate::db::notices`]; a removed member is refused on every replica within a second).
//! Read-only is kept as the moment it starts, so it begins exactly then, not up to 30 s late.

use super::store;
use crate::db::expiring::Expiring;
use crate::db::notices::AccessNotice;
use chrono::{DateTime, Utc};
use domain::access::Role;
use domain::{Locale, TenantId};
use sea_orm::{DatabaseConnection, DbErr};
use std::sync::LazyLock;
use std::time::Duration;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Standing {
    pub role: Role,
    pub read_only_from: Option<DateTime<Utc>>,
    pub locale: Locale,
}

impl Standing {
    pub fn read_only(&self) -> bool {
        self.read_only_from.is_some_and(|from| from <= Utc::now())
    }
}

/// A member of a company, under one session epoch.
type Key = (TenantId, Uuid, i32);

const KEPT_FOR: Duration = Duration::from_secs(30);

// Only members are kept: a refusal is read afresh each time, so joining counts at once.
static KEPT: LazyLock<Expiring<Key, Standing>> = LazyLock::new(|| Expiring::new(50_000, KEPT_FOR));

/// The standing of `user_id` in `tenant` for an access token of session `epoch`.
pub async fn standing(
    db: &DatabaseConnection,
    tenant: TenantId,
    user_id: Uuid,
    epoch: i32,
) -> Result<Option<Standing>, DbErr> {
    let key = (tenant, user_id, epoch);
    if let Some(standing) = KEPT.get(&key) {
        return Ok(Some(standing));
    }
    let generation = KEPT.generation();
    let standing = store::sessions::standing(db, tenant, user_id, Some(epoch)).await?;
    if let Some(standing) = &standing {
        KEPT.insert(key, standing.clone(), generation);
    }
    Ok(standing)
}

/// Forgets what a change made stale.
pub fn heard(notice: AccessNotice) {
    match notice {
        AccessNotice::Tenant(id) => KEPT.forget_where(|(tenant, _, _)| tenant.0 == id),
        AccessNotice::User(id) => KEPT.forget_where(|(_, user, _)| *user == id),
        AccessNotice::Missed => KEPT.forget_all(),
        AccessNotice::Clock => {}
    }
}
