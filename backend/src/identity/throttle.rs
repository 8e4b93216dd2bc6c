//! Log-in throttling: failed attempts per account and all attempts per client address, counted
//! in a sliding window. Kept in memory, so each replica counts its own: behind N replicas an
//! attacker gets at most N times the budget, still far too little to guess a password.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(15 * 60);
const FAILURES_PER_ACCOUNT: usize = 10;
const ATTEMPTS_PER_ADDRESS: usize = 50;

#[derive(Clone, Default)]
pub struct LoginThrottle {
    accounts: Arc<Mutex<HashMap<String, VecDeque<Instant>>>>,
    addresses: Arc<Mutex<HashMap<IpAddr, VecDeque<Instant>>>>,
}

/// Seconds until the oldest event in a full window leaves it.
fn retry_after(events: &VecDeque<Instant>, limit: usize, now: Instant) -> Option<u64> {
    if events.len() < limit {
        return None;
    }
    let oldest = events.front()?;
    Some(
        WINDOW
            .saturating_sub(now.duration_since(*oldest))
            .as_secs()
            .max(1),
    )
}

fn prune(events: &mut VecDeque<Instant>, now: Instant) {
    while events
        .front()
        .is_some_and(|at| now.duration_since(*at) >= WINDOW)
    {
        events.pop_front();
    }
}

impl LoginThrottle {
    /// Refuses with the seconds to wait when the account or the address is over its budget;
    /// otherwise counts this attempt against the address.
    pub fn check(&self, account: &str, address: Option<IpAddr>) -> Result<(), u64> {
        let now = Instant::now();
        if let Ok(mut accounts) = self.accounts.lock()
            && let Some(events) = accounts.get_mut(account)
        {
            prune(events, now);
            if let Some(wait) = retry_after(events, FAILURES_PER_ACCOUNT, now) {
                return Err(wait);
            }
        }
        if let (Some(address), Ok(mut addresses)) = (address, self.addresses.lock()) {
            let events = addresses.entry(address).or_default();
            prune(events, now);
            if let Some(wait) = retry_after(events, ATTEMPTS_PER_ADDRESS, now) {
                return Err(wait);
            }
            events.push_back(now);
        }
        Ok(())
    }

    pub fn record_failure(&self, account: &str) {
        if let Ok(mut accounts) = self.accounts.lock() {
            let now = Instant::now();
            let events = accounts.entry(account.to_owned()).or_default();
            prune(events, now);
            events.push_back(now);
        }
    }

    pub fn record_success(&self, account: &str) {
        if let Ok(mut accounts) = self.accounts.lock() {
            accounts.remove(account);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_failures_lock_the_account_for_a_while() {
        let throttle = LoginThrottle::default();
        for _ in 0..FAILURES_PER_ACCOUNT {
            assert!(throttle.check("li@example.com", None).is_ok());
            throttle.record_failure("li@example.com");
        }
        let wait = throttle.check("li@example.com", None).unwrap_err();
        assert!(wait > 0 && wait <= 15 * 60);
        assert!(throttle.check("other@example.com", None).is_ok());
    }

    #[test]
    fn a_success_clears_the_accounts_failures() {
        let throttle = LoginThrottle::default();
        for _ in 0..FAILURES_PER_ACCOUNT - 1 {
            throttle.record_failure("li@example.com");
        }
        throttle.record_success("li@example.com");
        throttle.record_failure("li@example.com");
        assert!(throttle.check("li@example.com", None).is_ok());
    }

    #[test]
    fn one_address_trying_many_accounts_is_slowed_down() {
        let throttle = LoginThrottle::default();
        let address: IpAddr = "203.0.113.7".parse().unwrap();
        for n in 0..ATTEMPTS_PER_ADDRESS {
            assert!(
                throttle
                    .check(&format!("user{n}@example.com"), Some(address))
                    .is_ok()
            );
        }
        assert!(
            throttle
                .check("one-more@example.com", Some(address))
                .is_err()
        );
    }
}
