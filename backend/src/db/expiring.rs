//! [`Expiring`]: what a replica remembers of the control plane for a few seconds (members'
//! standing, companies' calendars), so a request does not read it again.
//!
//! Bounded (least recently used entries go first), each entry trusted for at most `ttl`, and
//! forgotten at once when a change is announced ([`super::notices`]). A read that began before
//! a change was announced must not store what it read: every forgetting moves a generation on,
//! and [`Expiring::insert`] stores only under the generation its reader saw before reading.

use lru::LruCache;
use std::hash::Hash;
use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Expiring<K: Hash + Eq + Clone, V: Clone> {
    state: Mutex<State<K, V>>,
    ttl: Duration,
}

struct State<K: Hash + Eq, V> {
    entries: LruCache<K, (V, Instant)>,
    generation: u64,
}

impl<K: Hash + Eq + Clone, V: Clone> Expiring<K, V> {
    /// Holds at most `capacity` entries (at least one), each for at most `ttl`.
    pub fn new(capacity: usize, ttl: Duration) -> Self {
        Expiring {
            state: Mutex::new(State {
                entries: LruCache::new(NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN)),
                generation: 0,
            }),
            ttl,
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State<K, V>> {
        // A panic while holding the lock leaves nothing half-written worth refusing.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The value for `key`, if it was stored less than `ttl` ago and not forgotten since.
    pub fn get(&self, key: &K) -> Option<V> {
        let mut state = self.state();
        match state.entries.get(key) {
            Some((value, stored)) if stored.elapsed() < self.ttl => Some(value.clone()),
            Some(_) => {
                state.entries.pop(key);
                None
            }
            None => None,
        }
    }

    /// Where forgetting stands: read before reading the value to [`Expiring::insert`].
    pub fn generation(&self) -> u64 {
        self.state().generation
    }

    /// Stores `value`, read after [`Expiring::generation`] returned `generation`, unless
    /// something was forgotten since (the value may predate that change).
    pub fn insert(&self, key: K, value: V, generation: u64) {
        let mut state = self.state();
        if state.generation == generation {
            state.entries.put(key, (value, Instant::now()));
        }
    }

    /// Forgets every entry whose key matches.
    pub fn forget_where(&self, matches: impl Fn(&K) -> bool) {
        let mut state = self.state();
        state.generation += 1;
        let doomed: Vec<K> = state
            .entries
            .iter()
            .filter(|(key, _)| matches(key))
            .map(|(key, _)| key.clone())
            .collect();
        for key in doomed {
            state.entries.pop(&key);
        }
    }

    pub fn forget_all(&self) {
        let mut state = self.state();
        state.generation += 1;
        state.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(ttl: Duration) -> Expiring<(u8, u8), &'static str> {
        Expiring::new(2, ttl)
    }

    #[test]
    fn a_value_is_kept_until_forgotten_and_never_past_its_time() {
        let kept = cache(Duration::from_secs(30));
        kept.insert((1, 1), "owner", kept.generation());
        kept.insert((2, 1), "viewer", kept.generation());
        assert_eq!(kept.get(&(1, 1)), Some("owner"));
        kept.forget_where(|(tenant, _)| *tenant == 1);
        assert_eq!(kept.get(&(1, 1)), None);
        assert_eq!(kept.get(&(2, 1)), Some("viewer"));
        kept.forget_all();
        assert_eq!(kept.get(&(2, 1)), None);

        let brief = cache(Duration::ZERO);
        brief.insert((1, 1), "owner", brief.generation());
        assert_eq!(brief.get(&(1, 1)), None);
    }

    #[test]
    fn a_read_that_began_before_a_change_is_not_stored() {
        let kept = cache(Duration::from_secs(30));
        let before = kept.generation();
        kept.forget_where(|_| true);
        kept.insert((1, 1), "the role before the change", before);
        assert_eq!(kept.get(&(1, 1)), None);
    }

    #[test]
    fn the_least_recently_used_goes_first() {
        let kept = cache(Duration::from_secs(30));
        kept.insert((1, 1), "a", kept.generation());
        kept.insert((1, 2), "b", kept.generation());
        assert_eq!(kept.get(&(1, 1)), Some("a"));
        kept.insert((1, 3), "c", kept.generation());
        assert_eq!(kept.get(&(1, 2)), None);
        assert_eq!(kept.get(&(1, 1)), Some("a"));
    }
}
