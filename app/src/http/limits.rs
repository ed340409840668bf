//! The public pages' limits per client: the sliding-log attempt limiter
//! (the status look-up: 10 in 15 minutes) and the new-request limit (20 an
//! hour). A client is an IPv4 address or the /64 of an IPv6 one.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::Instant;

/// The client as every limit counts it: an IPv4 address, or the /64 an
/// IPv6 address is in (one subscriber's network gets a /64 and can use any
/// address in it).
pub fn client_key(address: IpAddr) -> String {
    match address.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

/// Counts attempts per client address over a sliding window, so that a
/// lookup keyed by guessable data (a reference and a birth date) cannot be
/// used to enumerate. A sliding log is exact ("at most 10 in any 15
/// minutes"), which a token bucket is not; it holds one timestamp per attempt.
#[derive(Debug, Clone)]
pub struct AttemptLimiter {
    limit: usize,
    window: std::time::Duration,
    attempts: std::sync::Arc<std::sync::Mutex<Attempts>>,
}

/// The attempts of each client (by [`client_key`]: an IPv6 client by its
/// /64), and when clients whose attempts had all expired were last
/// forgotten.
#[derive(Debug, Default)]
struct Attempts {
    by_client: HashMap<String, VecDeque<Instant>>,
    pruned: Option<Instant>,
}

impl AttemptLimiter {
    pub fn new(limit: usize, window: std::time::Duration) -> Self {
        Self {
            limit,
            window,
            attempts: std::sync::Arc::default(),
        }
    }

    /// Records an attempt from `client` at `now`; false when the client has
    /// already made `limit` attempts within the window.
    pub fn try_attempt(&self, client: IpAddr, now: Instant) -> bool {
        let mut attempts = self
            .attempts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Forget clients whose attempts have all expired, so the map stays
        // small; at most once a window, so that an attempt costs the same
        // however many addresses have tried (no work an attacker can grow).
        let Attempts { by_client, pruned } = &mut *attempts;
        if pruned.is_none_or(|at| now.duration_since(at) >= self.window) {
            by_client.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|last| now.duration_since(*last) < self.window)
            });
            *pruned = Some(now);
        }
        let times = by_client.entry(client_key(client)).or_default();
        while times
            .front()
            .is_some_and(|first| now.duration_since(*first) >= self.window)
        {
            times.pop_front();
        }
        if times.len() >= self.limit {
            return false;
        }
        times.push_back(now);
        true
    }

    /// How long until `client` may make an attempt again: zero when it may
    /// now.
    pub fn wait(&self, client: IpAddr, now: Instant) -> std::time::Duration {
        let attempts = self
            .attempts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(times) = attempts.by_client.get(&client_key(client)) else {
            return std::time::Duration::ZERO;
        };
        let live: Vec<&Instant> = times
            .iter()
            .filter(|at| now.duration_since(**at) < self.window)
            .collect();
        if live.len() < self.limit {
            return std::time::Duration::ZERO;
        }
        // The attempt whose leaving makes room.
        let freeing = live[live.len() - self.limit];
        self.window.saturating_sub(now.duration_since(*freeing))
    }

    /// Forgets the latest attempt of `client` (one that turned out not to
    /// count).
    pub fn give_back(&self, client: IpAddr) {
        let mut attempts = self
            .attempts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(times) = attempts.by_client.get_mut(&client_key(client)) {
            times.pop_back();
        }
    }

    /// Whether `client` may still make an attempt at `now`, recording
    /// nothing (for a look-up that counts only its misses).
    pub fn allows(&self, client: IpAddr, now: Instant) -> bool {
        let attempts = self
            .attempts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        attempts
            .by_client
            .get(&client_key(client))
            .is_none_or(|times| {
                times
                    .iter()
                    .filter(|at| now.duration_since(**at) < self.window)
                    .count()
                    < self.limit
            })
    }
}

/// The limit on new requests: 20 new cases per client address an hour
/// (a resent submission does not count). A patient sends one; a family
/// sharing a connection a few; a script flooding the queue, no more. And
/// a ceiling for the whole service ([`SERVICE_CEILING`] an hour, from
/// every address together): a flood from many addresses meets "busy"
/// instead of filling reception's queue, and reception is told.
#[derive(Debug, Clone)]
pub struct NewCaseLimiter {
    per_client: AttemptLimiter,
    service: AttemptLimiter,
    /// The service-wide ceiling, an hour.
    pub ceiling: usize,
}

/// New requests the whole service takes in an hour, unless set
/// (`--new-request-ceiling`). The clinic sees a few a day; a hundred in an
/// hour is no day a hospital has.
pub const SERVICE_CEILING: usize = 100;

/// The one "client" the service-wide ceiling counts.
const EVERYONE: IpAddr = IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED);

impl Default for NewCaseLimiter {
    fn default() -> Self {
        Self::with_ceiling(SERVICE_CEILING)
    }
}

impl NewCaseLimiter {
    pub fn with_ceiling(ceiling: usize) -> Self {
        let hour = std::time::Duration::from_secs(60 * 60);
        Self {
            per_client: AttemptLimiter::new(20, hour),
            service: AttemptLimiter::new(ceiling, hour),
            ceiling,
        }
    }

    /// Takes a new request from `client` at `now`: `Err(true)` when the
    /// client is over its limit, `Err(false)` when the service is over its
    /// ceiling.
    pub fn take(&self, client: IpAddr, now: Instant) -> Result<(), bool> {
        if !self.per_client.try_attempt(client, now) {
            return Err(true);
        }
        if !self.service.try_attempt(EVERYONE, now) {
            self.per_client.give_back(client);
            return Err(false);
        }
        Ok(())
    }

    /// Whether the service-wide ceiling is reached now (reception's queue
    /// says so).
    pub fn at_ceiling(&self, now: Instant) -> bool {
        !self.service.allows(EVERYONE, now)
    }
}

/// The status lookup's limiter: 10 attempts per 15 minutes per address.
pub fn status_lookup_limiter() -> AttemptLimiter {
    AttemptLimiter::new(10, std::time::Duration::from_secs(15 * 60))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn an_ipv6_client_is_counted_by_its_64() {
        let one: IpAddr = "2001:db8:1:2::10".parse().expect("address");
        let same: IpAddr = "2001:db8:1:2:ffff::1".parse().expect("address");
        let other: IpAddr = "2001:db8:1:3::10".parse().expect("address");
        assert_eq!(client_key(one), "2001:db8:1:2::/64");
        assert_eq!(client_key(one), client_key(same));
        assert_ne!(client_key(one), client_key(other));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().expect("address");
        assert_eq!(client_key(mapped), "192.0.2.7");
    }

    #[test]
    fn at_most_the_limit_of_attempts_pass_within_the_window() {
        let limiter = AttemptLimiter::new(3, Duration::from_secs(60));
        let client: IpAddr = [192, 0, 2, 1].into();
        let other: IpAddr = [192, 0, 2, 2].into();
        let start = Instant::now();
        for second in 0..3 {
            assert!(limiter.try_attempt(client, start + Duration::from_secs(second)));
        }
        assert!(!limiter.try_attempt(client, start + Duration::from_secs(59)));
        assert!(
            limiter.try_attempt(other, start + Duration::from_secs(59)),
            "per address"
        );
        // The first attempt leaves the window at 60 s, making room for one more.
        assert!(limiter.try_attempt(client, start + Duration::from_secs(60)));
        assert!(!limiter.try_attempt(client, start + Duration::from_secs(60)));
    }
}
