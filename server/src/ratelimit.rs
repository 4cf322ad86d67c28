//! A sliding one-minute window of requests per key (the Initdesk token).

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);

/// Counts requests per key over the last minute.
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: usize,
    seen: HashMap<String, VecDeque<Instant>>,
}

impl RateLimiter {
    /// A limiter allowing `per_minute` requests per key per minute (0 means unlimited).
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute: per_minute as usize,
            seen: HashMap::new(),
        }
    }

    /// Records a request at `now`; `Err(seconds)` says how long until one is allowed.
    pub fn check(&mut self, key: &str, now: Instant) -> Result<(), u64> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let times = self.seen.entry(key.to_owned()).or_default();
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
}
