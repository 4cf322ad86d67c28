//! A sliding one-minute window of requests per key (a token, an API key, a customer link),
//! in bounded memory: keys are kept as SHA-256 digests (32 bytes, whatever a client sends),
//! at most [`CAPACITY`] of them; a full table first drops keys idle for a whole window, then
//! the one idle longest. Callers refuse malformed credentials ([`well_formed`]) before
//! counting them, so junk costs neither a place in the table nor a database lookup; a
//! well-formed unknown one is counted (it may be a guess), and the table's bound keeps its
//! memory fixed.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

const WINDOW: Duration = Duration::from_secs(60);
/// Keys remembered at once (each costs its digest and up to a minute of timestamps).
pub const CAPACITY: usize = 4_096;
/// The longest credential any surface accepts.
pub const MAX_CREDENTIAL: usize = 512;

/// Whether `credential` can be one: 1 to [`MAX_CREDENTIAL`] visible ASCII characters.
pub fn well_formed(credential: &str) -> bool {
    (1..=MAX_CREDENTIAL).contains(&credential.len())
        && credential.bytes().all(|b| b.is_ascii_graphic())
}

/// Counts requests per key over the last minute.
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: usize,
    seen: HashMap<[u8; 32], VecDeque<Instant>>,
}

impl RateLimiter {
    /// A limiter allowing `per_minute` requests per key per minute (0 means unlimited).
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute: per_minute as usize,
            seen: HashMap::new(),
        }
    }

    /// How many keys are remembered.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.seen.len()
    }

    /// Records a request at `now`; `Err(seconds)` says how long until one is allowed.
    pub fn check(&mut self, key: &str, now: Instant) -> Result<(), u64> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let digest: [u8; 32] = Sha256::digest(key.as_bytes()).into();
        if !self.seen.contains_key(&digest) && self.seen.len() >= CAPACITY {
            self.make_room(now);
        }
        let times = self.seen.entry(digest).or_default();
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            times.pop_front();
        }
        if times.len() >= self.per_minute {
            let oldest = times.front().copied().unwrap_or(now);
            let wait = WINDOW.saturating_sub(now.duration_since(oldest));
            // Round up, and never tell a client to retry in 0 seconds.
            return Err((wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1));
        }
        times.push_back(now);
        Ok(())
    }

    /// Drops every key idle for a whole window; if none was, the one idle longest.
    fn make_room(&mut self, now: Instant) {
        let last = |times: &VecDeque<Instant>| times.back().copied();
        self.seen
            .retain(|_, times| last(times).is_some_and(|t| now.duration_since(t) < WINDOW));
        if self.seen.len() >= CAPACITY {
            let idlest = self
                .seen
                .iter()
                .min_by_key(|(_, times)| last(times))
                .map(|(k, _)| *k);
            if let Some(key) = idlest {
                self.seen.remove(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixty_first_request_in_a_minute_waits_for_the_oldest_to_expire() {
        let mut rl = RateLimiter::new(60);
        let t0 = Instant::now();
        for i in 0..60 {
            assert_eq!(rl.check("k", t0 + Duration::from_millis(i * 100)), Ok(()));
        }
        let wait = rl.check("k", t0 + Duration::from_secs(10)).unwrap_err();
        assert!((50..=51).contains(&wait), "{wait}");
        assert_eq!(rl.check("other", t0 + Duration::from_secs(10)), Ok(()));
        assert_eq!(rl.check("k", t0 + Duration::from_secs(61)), Ok(()));
    }

    #[test]
    fn the_table_never_grows_past_its_capacity_and_busy_keys_stay_counted() {
        let mut rl = RateLimiter::new(2);
        let t0 = Instant::now();
        assert_eq!(rl.check("busy", t0), Ok(()));
        assert_eq!(rl.check("busy", t0), Ok(()));
        for i in 0..CAPACITY * 2 {
            let _ = rl.check(&format!("junk-{i}"), t0 + Duration::from_millis(1));
        }
        assert!(rl.len() <= CAPACITY, "{}", rl.len());
        // Once a window has passed, the idle keys make room for new ones.
        let later = t0 + WINDOW + Duration::from_secs(1);
        assert_eq!(rl.check("new", later), Ok(()));
        assert!(rl.len() < CAPACITY);
    }

    #[test]
    fn only_visible_ascii_of_a_sane_length_is_a_credential() {
        assert!(well_formed("demo-token-acme"));
        assert!(!well_formed(""));
        assert!(!well_formed("has space"));
        assert!(!well_formed("tab\there"));
        assert!(!well_formed("é"));
        assert!(!well_formed(&"x".repeat(MAX_CREDENTIAL + 1)));
    }
}
