//! Rate limits: log-in failures, sign-ups, password-reset and verification emails, and the
//! requests of members and API keys.
//!
//! Two kinds of count. A *window* counts events in fixed windows (requests a minute, sign-ups
//! an hour). A *backoff* counts failures: the first [`FREE_FAILURES`] cost nothing, each one
//! after locks the key for twice as long as the last, from 1 s to [`MAX_LOCK`], and a success
//! clears it. Log-in failures are counted per account *and address* together, so someone
//! guessing from elsewhere cannot lock the owner out; an address failing across many accounts
//! has a (larger) budget of its own. Nothing sleeps on the server: a refusal says when to
//! retry.
//!
//! With `REDIS_URL` every count lives in Redis, shared by all replicas, each key expiring with
//! its window or lock. Without it one process counts in memory, in a map that forgets expired
//! keys and holds at most [`MEMORY_KEYS`] of them. Redis failing does not lock anyone out: the
//! request is let through and the error logged.

use crate::config::Config;
use redis::aio::ConnectionManager;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Failures that cost nothing, per account and address.
pub const FREE_FAILURES: u32 = 5;
/// Failures from one address across all accounts before it, too, backs off.
const FREE_FAILURES_PER_ADDRESS: u32 = 50;
/// The longest lock after repeated failures.
pub const MAX_LOCK: Duration = Duration::from_secs(15 * 60);
/// Failures are forgotten after this long without another.
const FAILURES_KEPT: Duration = Duration::from_secs(15 * 60);
/// Password-reset emails one address may ask for an hour, and one client address.
const RESETS_PER_HOUR: u32 = 5;
const RESETS_PER_ADDRESS_HOUR: u32 = 20;
/// Verification emails one person may ask for an hour.
const VERIFICATIONS_PER_HOUR: u32 = 5;
/// Keys the in-memory store holds at most.
const MEMORY_KEYS: usize = 100_000;
/// An email address is at most this long (RFC 5321's path limit); longer ones are refused
/// before any work.
pub const MAX_EMAIL_LEN: usize = 254;

/// Where a caller stands in its window, for the `RateLimit-*` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateState {
    pub limit: u32,
    pub remaining: u32,
    pub reset_secs: u64,
}

#[derive(Clone)]
enum Store {
    Memory(Arc<Mutex<Memory>>),
    Redis(ConnectionManager),
}

#[derive(Clone)]
pub struct Limits {
    store: Store,
    /// Prefixes every key in Redis (`DUELY_LIMITS_NAMESPACE`, default `duely`), so several
    /// deployments (or test servers) can share one Redis.
    namespace: String,
    keys_per_minute: u32,
    members_per_minute: u32,
    signups_per_hour: u32,
}

/// The account part of log-in keys: trimmed and lower-cased, as accounts are stored.
pub fn account_key(email: &str) -> String {
    email.trim().to_lowercase()
}

fn pair(account: &str, address: Option<IpAddr>) -> String {
    match address {
        Some(address) => format!("login:{account}|{address}"),
        None => format!("login:{account}|-"),
    }
}

impl Limits {
    /// Counts in Redis when `REDIS_URL` is set (connecting now, so a wrong URL fails the
    /// start), else in this process's memory.
    pub async fn from_config(config: &Config) -> anyhow::Result<Self> {
        use secrecy::ExposeSecret;
        let store = match &config.redis_url {
            Some(url) => {
                let client = redis::Client::open(url.expose_secret())
                    .map_err(|error| anyhow::anyhow!("REDIS_URL is not valid: {error}"))?;
                let manager = ConnectionManager::new(client)
                    .await
                    .map_err(|error| anyhow::anyhow!("cannot reach Redis at REDIS_URL: {error}"))?;
                tracing::info!("rate limits are counted in Redis, shared by every replica");
                Store::Redis(manager)
            }
            None => {
                tracing::info!(
                    "REDIS_URL is not set: rate limits are counted in this process's memory, so each replica counts its own"
                );
                Store::Memory(Arc::default())
            }
        };
        Ok(Limits {
            store,
            namespace: config.limits_namespace.clone(),
            keys_per_minute: config.api_key_requests_per_minute.max(1),
            members_per_minute: config.member_requests_per_minute.max(1),
            signups_per_hour: config.signups_per_hour.max(1),
        })
    }

    /// In memory, with the given per-minute limits (for unit tests).
    pub fn in_memory(keys_per_minute: u32, members_per_minute: u32, signups_per_hour: u32) -> Self {
        Limits {
            store: Store::Memory(Arc::default()),
            namespace: "duely".to_owned(),
            keys_per_minute,
            members_per_minute,
            signups_per_hour,
        }
    }

    /// Counts an API key's request.
    pub async fn api_key_request(&self, key: Uuid) -> Result<RateState, RateState> {
        self.window(
            &format!("key:{key}"),
            self.keys_per_minute,
            Duration::from_secs(60),
        )
        .await
    }

    /// Counts a member's request in one company.
    pub async fn member_request(
        &self,
        user: Uuid,
        tenant: domain::TenantId,
    ) -> Result<RateState, RateState> {
        self.window(
            &format!("member:{user}:{tenant}"),
            self.members_per_minute,
            Duration::from_secs(60),
        )
        .await
    }

    /// Counts a sign-up from `address`; `Err` carries the seconds to wait.
    pub async fn sign_up(&self, address: Option<IpAddr>) -> Result<(), u64> {
        let Some(address) = address else {
            return Ok(());
        };
        self.window(
            &format!("signup:{address}"),
            self.signups_per_hour,
            Duration::from_secs(3600),
        )
        .await
        .map(|_| ())
        .map_err(|state| state.reset_secs)
    }

    /// Counts a request for a password-reset email, per address asked for and per client.
    pub async fn password_reset(&self, email: &str, address: Option<IpAddr>) -> Result<(), u64> {
        let hour = Duration::from_secs(3600);
        self.window(
            &format!("reset:{}", account_key(email)),
            RESETS_PER_HOUR,
            hour,
        )
        .await
        .map_err(|state| state.reset_secs)?;
        if let Some(address) = address {
            self.window(
                &format!("reset-from:{address}"),
                RESETS_PER_ADDRESS_HOUR,
                hour,
            )
            .await
            .map_err(|state| state.reset_secs)?;
        }
        Ok(())
    }

    /// Counts a request for another verification email.
    pub async fn verification_email_allowed(&self, user: Uuid) -> Result<(), u64> {
        self.window(
            &format!("verify:{user}"),
            VERIFICATIONS_PER_HOUR,
            Duration::from_secs(3600),
        )
        .await
        .map(|_| ())
        .map_err(|state| state.reset_secs)
    }

    /// May `account` try a password from `address` now? `Err` carries the seconds to wait.
    pub async fn login_allowed(&self, account: &str, address: Option<IpAddr>) -> Result<(), u64> {
        self.locked(&pair(account, address)).await?;
        if let Some(address) = address {
            self.locked(&format!("login-from:{address}")).await?;
        }
        Ok(())
    }

    pub async fn login_failed(&self, account: &str, address: Option<IpAddr>) {
        self.fail(&pair(account, address), FREE_FAILURES).await;
        if let Some(address) = address {
            self.fail(&format!("login-from:{address}"), FREE_FAILURES_PER_ADDRESS)
                .await;
        }
    }

    pub async fn login_succeeded(&self, account: &str, address: Option<IpAddr>) {
        self.clear(&pair(account, address)).await;
    }

    async fn window(
        &self,
        key: &str,
        limit: u32,
        period: Duration,
    ) -> Result<RateState, RateState> {
        let key = &format!("{}:{key}", self.namespace);
        let (count, reset) = match &self.store {
            Store::Memory(memory) => memory_window(memory, key, period),
            Store::Redis(redis) => match redis_window(redis.clone(), key, period).await {
                Ok(counted) => counted,
                Err(error) => {
                    tracing::warn!(error = %error, "Redis rate limit failed; letting the request through");
                    (1, period)
                }
            },
        };
        let state = RateState {
            limit,
            remaining: limit.saturating_sub(count),
            reset_secs: reset.as_secs().max(1),
        };
        if count > limit { Err(state) } else { Ok(state) }
    }

    async fn locked(&self, key: &str) -> Result<(), u64> {
        let key = &format!("{}:{key}", self.namespace);
        let left = match &self.store {
            Store::Memory(memory) => memory_locked(memory, key),
            Store::Redis(redis) => {
                let mut redis = redis.clone();
                match redis::cmd("PTTL")
                    .arg(format!("lock:{key}"))
                    .query_async::<i64>(&mut redis)
                    .await
                {
                    Ok(ms) if ms > 0 => Some(Duration::from_millis(ms.unsigned_abs())),
                    Ok(_) => None,
                    Err(error) => {
                        tracing::warn!(error = %error, "Redis rate limit failed; letting the request through");
                        None
                    }
                }
            }
        };
        match left {
            Some(left) => Err(left.as_secs_f64().ceil().max(1.0) as u64),
            None => Ok(()),
        }
    }

    async fn fail(&self, key: &str, free: u32) {
        let key = &format!("{}:{key}", self.namespace);
        match &self.store {
            Store::Memory(memory) => memory_fail(memory, key, free),
            Store::Redis(redis) => {
                if let Err(error) = redis_fail(redis.clone(), key, free).await {
                    tracing::warn!(error = %error, "Redis rate limit failed; a failure went uncounted");
                }
            }
        }
    }

    async fn clear(&self, key: &str) {
        let key = &format!("{}:{key}", self.namespace);
        match &self.store {
            Store::Memory(memory) => {
                if let Ok(mut memory) = memory.lock() {
                    memory.entries.remove(key);
                }
            }
            Store::Redis(redis) => {
                let mut redis = redis.clone();
                let cleared: redis::RedisResult<()> = redis::cmd("DEL")
                    .arg(format!("fail:{key}"))
                    .arg(format!("lock:{key}"))
                    .query_async(&mut redis)
                    .await;
                if let Err(error) = cleared {
                    tracing::warn!(error = %error, "Redis rate limit failed; failures not cleared");
                }
            }
        }
    }
}

/// How long the `failures`-th failure locks a key: nothing for the free ones, then 1 s, 2 s,
/// 4 s, … up to [`MAX_LOCK`].
pub fn lock_after(failures: u32, free: u32) -> Option<Duration> {
    let over = failures.checked_sub(free)?.checked_sub(1)?;
    Some(Duration::from_secs(1u64 << over.min(20)).min(MAX_LOCK))
}

#[derive(Default)]
struct Memory {
    entries: HashMap<String, Slot>,
    swept: Option<Instant>,
}

/// A window's count and end, or a backoff's failures, lock and when it is forgotten.
struct Slot {
    count: u32,
    /// When the window ends, or the failures are forgotten.
    expires: Instant,
    locked_until: Option<Instant>,
}

impl Memory {
    /// The slot for `key`, after dropping expired ones now and then; `None` when the map is
    /// full of live keys (a flood of distinct keys): the caller counts it as over the limit.
    fn slot(&mut self, key: &str, now: Instant, fresh_for: Duration) -> Option<&mut Slot> {
        let sweep_due = self
            .swept
            .is_none_or(|at| now.duration_since(at) >= Duration::from_secs(10));
        if sweep_due || self.entries.len() >= MEMORY_KEYS {
            self.entries.retain(|_, slot| slot.expires > now);
            self.swept = Some(now);
        }
        if !self.entries.contains_key(key) && self.entries.len() >= MEMORY_KEYS {
            return None;
        }
        let slot = self.entries.entry(key.to_owned()).or_insert(Slot {
            count: 0,
            expires: now + fresh_for,
            locked_until: None,
        });
        if slot.expires <= now {
            *slot = Slot {
                count: 0,
                expires: now + fresh_for,
                locked_until: None,
            };
        }
        Some(slot)
    }
}

fn memory_window(memory: &Mutex<Memory>, key: &str, period: Duration) -> (u32, Duration) {
    let now = Instant::now();
    let Ok(mut memory) = memory.lock() else {
        return (1, period);
    };
    match memory.slot(key, now, period) {
        Some(slot) => {
            slot.count = slot.count.saturating_add(1);
            (slot.count, slot.expires.saturating_duration_since(now))
        }
        None => (u32::MAX, period),
    }
}

fn memory_locked(memory: &Mutex<Memory>, key: &str) -> Option<Duration> {
    let now = Instant::now();
    let memory = memory.lock().ok()?;
    let until = memory.entries.get(key)?.locked_until?;
    (until > now).then(|| until - now)
}

fn memory_fail(memory: &Mutex<Memory>, key: &str, free: u32) {
    let now = Instant::now();
    let Ok(mut memory) = memory.lock() else {
        return;
    };
    if let Some(slot) = memory.slot(key, now, FAILURES_KEPT) {
        slot.count = slot.count.saturating_add(1);
        let lock = lock_after(slot.count, free);
        slot.locked_until = lock.map(|lock| now + lock);
        slot.expires = now + FAILURES_KEPT.max(lock.unwrap_or_default());
    }
}

async fn redis_window(
    mut redis: ConnectionManager,
    key: &str,
    period: Duration,
) -> redis::RedisResult<(u32, Duration)> {
    let key = format!("rl:{key}");
    // One round trip: count, start the window's clock on the first event, read what is left.
    let (count, left_ms): (u32, i64) = redis::pipe()
        .atomic()
        .cmd("INCR")
        .arg(&key)
        .cmd("PEXPIRE")
        .arg(&key)
        .arg(period.as_millis() as u64)
        .arg("NX")
        .ignore()
        .cmd("PTTL")
        .arg(&key)
        .query_async(&mut redis)
        .await?;
    let left = if left_ms > 0 {
        Duration::from_millis(left_ms.unsigned_abs())
    } else {
        period
    };
    Ok((count, left))
}

async fn redis_fail(mut redis: ConnectionManager, key: &str, free: u32) -> redis::RedisResult<()> {
    let failures_key = format!("fail:{key}");
    let (failures,): (u32,) = redis::pipe()
        .atomic()
        .cmd("INCR")
        .arg(&failures_key)
        .cmd("PEXPIRE")
        .arg(&failures_key)
        .arg((FAILURES_KEPT + MAX_LOCK).as_millis() as u64)
        .ignore()
        .query_async(&mut redis)
        .await?;
    if let Some(lock) = lock_after(failures, free) {
        redis::cmd("SET")
            .arg(format!("lock:{key}"))
            .arg(1)
            .arg("PX")
            .arg(lock.as_millis() as u64)
            .query_async::<()>(&mut redis)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_double_from_one_second_after_the_free_failures_up_to_fifteen_minutes() {
        assert_eq!(lock_after(FREE_FAILURES, FREE_FAILURES), None);
        assert_eq!(
            lock_after(FREE_FAILURES + 1, FREE_FAILURES),
            Some(Duration::from_secs(1))
        );
        assert_eq!(
            lock_after(FREE_FAILURES + 2, FREE_FAILURES),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            lock_after(FREE_FAILURES + 4, FREE_FAILURES),
            Some(Duration::from_secs(8))
        );
        assert_eq!(
            lock_after(FREE_FAILURES + 40, FREE_FAILURES),
            Some(MAX_LOCK)
        );
    }

    #[tokio::test]
    async fn failures_elsewhere_do_not_lock_the_owner_out() {
        let limits = Limits::in_memory(10, 10, 5);
        let attacker: IpAddr = "203.0.113.7".parse().unwrap();
        let owner: IpAddr = "198.51.100.2".parse().unwrap();
        for _ in 0..FREE_FAILURES {
            assert!(
                limits
                    .login_allowed("li@acme.example", Some(attacker))
                    .await
                    .is_ok()
            );
            limits.login_failed("li@acme.example", Some(attacker)).await;
        }
        assert!(
            limits
                .login_allowed("li@acme.example", Some(attacker))
                .await
                .is_ok()
        );
        limits.login_failed("li@acme.example", Some(attacker)).await;
        let wait = limits
            .login_allowed("li@acme.example", Some(attacker))
            .await
            .unwrap_err();
        assert!((1..=2).contains(&wait), "{wait}");
        assert!(
            limits
                .login_allowed("li@acme.example", Some(owner))
                .await
                .is_ok(),
            "the owner, from their own address, is not locked out"
        );
    }

    #[tokio::test]
    async fn a_success_clears_the_failures() {
        let limits = Limits::in_memory(10, 10, 5);
        for _ in 0..FREE_FAILURES + 1 {
            limits.login_failed("li@acme.example", None).await;
        }
        limits.login_succeeded("li@acme.example", None).await;
        assert!(limits.login_allowed("li@acme.example", None).await.is_ok());
    }

    #[tokio::test]
    async fn windows_count_and_say_when_they_reset() {
        let limits = Limits::in_memory(2, 10, 5);
        let key = Uuid::now_v7();
        assert_eq!(limits.api_key_request(key).await.unwrap().remaining, 1);
        assert_eq!(limits.api_key_request(key).await.unwrap().remaining, 0);
        let refused = limits.api_key_request(key).await.unwrap_err();
        assert!((1..=60).contains(&refused.reset_secs));
        assert!(limits.api_key_request(Uuid::now_v7()).await.is_ok());
    }

    #[test]
    fn memory_holds_a_bounded_number_of_keys() {
        let memory = Mutex::new(Memory::default());
        for n in 0..MEMORY_KEYS + 10 {
            memory_window(&memory, &format!("k{n}"), Duration::from_secs(60));
        }
        let memory = memory.lock().unwrap();
        assert_eq!(memory.entries.len(), MEMORY_KEYS);
    }
}
