//! The public pages' limits per client: the sliding-log attempt limiter
//! (the status look-up: 10 in 15 minutes) and the new-request limit (20 an
//! hour, and the whole service's ceiling). A client is an IPv4 address or
//! the /64 of an IPv6 one.
//!
//! The attempts are counted in the database (`client_attempts`), so that
//! every service process sees every attempt: two processes on one
//! PostgreSQL hold one limit, not one each. Each process remembers the
//! clients the database refused until they may try again, so that a flood
//! from one address past its limit costs a map look-up, not a query.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};
use sqlx::{Any, AnyPool, Transaction};

use crate::store::begin_write;

mod store;

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

/// Counts attempts per client over a sliding window, so that a look-up
/// keyed by guessable data (a reference and a birth date) cannot be used
/// to enumerate. A sliding log is exact ("at most 10 in any 15 minutes"),
/// which a token bucket is not; it holds one row per attempt, deleted once
/// out of the window.
#[derive(Debug, Clone)]
pub struct AttemptLimiter {
    /// The limit's name in `client_attempts`.
    kind: &'static str,
    limit: usize,
    window: Duration,
    refused: Arc<Mutex<Refused>>,
}

/// The clients this process was told are at their limit, each with the
/// moment it may try again, and when the map was last cleared of those
/// past it.
#[derive(Debug, Default)]
struct Refused {
    until: HashMap<String, DateTime<Utc>>,
    pruned: Option<DateTime<Utc>>,
    /// When this process last deleted the limit's rows out of the window.
    rows_pruned: Option<DateTime<Utc>>,
}

/// A limit reached: its place among the limits taken together, and when
/// the client may try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reached {
    pub limit: usize,
    pub free_at: DateTime<Utc>,
}

impl AttemptLimiter {
    pub fn new(kind: &'static str, limit: usize, window: Duration) -> Self {
        Self {
            kind,
            limit,
            window,
            refused: Arc::default(),
        }
    }

    /// When `key` may try again, if this process was told it may not now.
    /// Clients past their moment are forgotten at most once a window, so
    /// that an attempt costs the same however many addresses have tried.
    fn held(&self, key: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let mut refused = self.refused.lock().unwrap_or_else(PoisonError::into_inner);
        let Refused { until, pruned, .. } = &mut *refused;
        if pruned.is_none_or(|at| now - at >= self.window) {
            until.retain(|_, free_at| *free_at > now);
            *pruned = Some(now);
        }
        until.get(key).copied().filter(|free_at| *free_at > now)
    }

    /// Whether to delete the rows out of the window now: at most once a
    /// minute for each process (a row out of the window counts for
    /// nothing meanwhile; the table holds an hour's attempts at most).
    fn time_to_prune(&self, now: DateTime<Utc>) -> bool {
        let mut refused = self.refused.lock().unwrap_or_else(PoisonError::into_inner);
        let due = refused
            .rows_pruned
            .is_none_or(|at| now - at >= Duration::minutes(1) || now < at);
        if due {
            refused.rows_pruned = Some(now);
        }
        due
    }

    fn remember(&self, key: &str, free_at: DateTime<Utc>) {
        let mut refused = self.refused.lock().unwrap_or_else(PoisonError::into_inner);
        refused.until.insert(key.to_owned(), free_at);
    }

    /// Records an attempt from `client` at `now`; false when the client has
    /// already made `limit` attempts within the window.
    pub async fn try_attempt(
        &self,
        pool: &AnyPool,
        client: IpAddr,
        now: DateTime<Utc>,
    ) -> Result<bool, sqlx::Error> {
        let key = client_key(client);
        Ok(take_together(pool, &[(self, &key)], now).await?.is_ok())
    }

    /// How long until `client` may make an attempt again: zero when it may
    /// now.
    pub async fn wait(
        &self,
        pool: &AnyPool,
        client: IpAddr,
        now: DateTime<Utc>,
    ) -> Result<Duration, sqlx::Error> {
        let key = client_key(client);
        let free_at = match self.held(&key, now) {
            Some(free_at) => Some(free_at),
            None => self.free_at(pool, &key, now).await?,
        };
        Ok(free_at.map_or(Duration::zero(), |at| (at - now).max(Duration::zero())))
    }

    /// Whether `client` may still make an attempt at `now`, recording
    /// nothing (for a look-up that counts only its misses).
    pub async fn allows(
        &self,
        pool: &AnyPool,
        client: IpAddr,
        now: DateTime<Utc>,
    ) -> Result<bool, sqlx::Error> {
        Ok(self.wait(pool, client, now).await? == Duration::zero())
    }

    /// Forgets the latest attempt of `client` (one that turned out not to
    /// count).
    pub async fn give_back(&self, pool: &AnyPool, client: IpAddr) -> Result<(), sqlx::Error> {
        store::forget_latest(pool, (self.kind, &client_key(client))).await
    }

    /// When the client's `limit`-th latest attempt within the window leaves
    /// it, if it has made that many: the moment it may try again.
    async fn free_at<'c, E>(
        &self,
        executor: E,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, sqlx::Error>
    where
        E: sqlx::Executor<'c, Database = Any>,
    {
        let Some(offset) = self.limit.checked_sub(1) else {
            return Ok(Some(now + self.window));
        };
        let at = store::nth_latest(executor, (self.kind, key), now - self.window, offset).await?;
        Ok(at.map(|at| {
            DateTime::parse_from_rfc3339(&at).map_or(now, |at| at.with_timezone(&Utc)) + self.window
        }))
    }
}

/// Takes an attempt from each of `takes` (a limiter and the client it
/// counts) at `now`, all or none: `Err` names the first limit reached
/// (its place in `takes`) and when the client may try again.
pub async fn take_together(
    pool: &AnyPool,
    takes: &[(&AttemptLimiter, &str)],
    now: DateTime<Utc>,
) -> Result<Result<(), Reached>, sqlx::Error> {
    if let Err(reached) = check(takes, now) {
        return Ok(Err(reached));
    }
    let mut transaction = begin_write(pool).await?;
    let outcome = take_in(&mut transaction, takes, now).await?;
    transaction.commit().await?;
    Ok(outcome)
}

/// Whether each of `takes` may be under its limit at `now`, as this
/// process remembers: a client the database refused is refused again
/// without a query until it may try. Nothing is taken; the count of record
/// is read in the write turn ([`take_in`]).
pub fn check(takes: &[(&AttemptLimiter, &str)], now: DateTime<Utc>) -> Result<(), Reached> {
    for (limit, (limiter, key)) in takes.iter().enumerate() {
        if let Some(free_at) = limiter.held(key, now) {
            return Err(Reached { limit, free_at });
        }
    }
    Ok(())
}

/// Takes the attempts of `takes` in `transaction`, which holds the write
/// turn (`begin_write`): the counts are read and the attempts written with
/// no other process's attempt between. All or none; the caller commits
/// (with whatever else it writes: a new request and its attempts are one
/// commit).
pub async fn take_in(
    transaction: &mut Transaction<'static, Any>,
    takes: &[(&AttemptLimiter, &str)],
    now: DateTime<Utc>,
) -> Result<Result<(), Reached>, sqlx::Error> {
    for (limit, (limiter, key)) in takes.iter().enumerate() {
        if limiter.time_to_prune(now) {
            store::forget_until(&mut **transaction, limiter.kind, now - limiter.window).await?;
        }
        if let Some(free_at) = limiter.free_at(&mut **transaction, key, now).await? {
            limiter.remember(key, free_at);
            return Ok(Err(Reached { limit, free_at }));
        }
    }
    for (limiter, key) in takes {
        store::insert(&mut **transaction, (limiter.kind, key), now).await?;
    }
    Ok(Ok(()))
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
const EVERYONE: &str = "*";

/// Why a new request was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotTaken {
    /// The client is over its limit.
    Client,
    /// The whole service is over its ceiling.
    Service,
}

impl From<Reached> for NotTaken {
    /// The first limit is the client's, the second the service's.
    fn from(reached: Reached) -> Self {
        match reached.limit {
            0 => Self::Client,
            _ => Self::Service,
        }
    }
}

impl Default for NewCaseLimiter {
    fn default() -> Self {
        Self::with_ceiling(SERVICE_CEILING)
    }
}

impl NewCaseLimiter {
    pub fn with_ceiling(ceiling: usize) -> Self {
        let hour = Duration::hours(1);
        Self {
            per_client: AttemptLimiter::new("new-request", 20, hour),
            service: AttemptLimiter::new("ceiling", ceiling, hour),
            ceiling,
        }
    }

    /// Takes a new request from `client` at `now`, counted against the
    /// client's limit and the service's ceiling together.
    pub async fn take(
        &self,
        pool: &AnyPool,
        client: IpAddr,
        now: DateTime<Utc>,
    ) -> Result<Result<(), NotTaken>, sqlx::Error> {
        if let Err(not) = self.check(client, now) {
            return Ok(Err(not));
        }
        let mut transaction = begin_write(pool).await?;
        let taken = self.take_in(&mut transaction, client, now).await?;
        transaction.commit().await?;
        Ok(taken)
    }

    /// Whether a new request from `client` may be taken at `now`, as this
    /// process remembers ([`check`]).
    pub fn check(&self, client: IpAddr, now: DateTime<Utc>) -> Result<(), NotTaken> {
        let key = client_key(client);
        let takes = [(&self.per_client, key.as_str()), (&self.service, EVERYONE)];
        check(&takes, now).map_err(NotTaken::from)
    }

    /// Takes a new request from `client` in `transaction` ([`take_in`]).
    pub async fn take_in(
        &self,
        transaction: &mut Transaction<'static, Any>,
        client: IpAddr,
        now: DateTime<Utc>,
    ) -> Result<Result<(), NotTaken>, sqlx::Error> {
        let key = client_key(client);
        let takes = [(&self.per_client, key.as_str()), (&self.service, EVERYONE)];
        Ok(take_in(transaction, &takes, now)
            .await?
            .map_err(NotTaken::from))
    }

    /// Whether the service-wide ceiling is reached now (reception's queue
    /// says so).
    pub async fn at_ceiling(
        &self,
        pool: &AnyPool,
        now: DateTime<Utc>,
    ) -> Result<bool, sqlx::Error> {
        Ok(self.service.free_at(pool, EVERYONE, now).await?.is_some())
    }
}

/// The status look-up's limiter: 10 attempts per 15 minutes per address.
pub fn status_lookup_limiter() -> AttemptLimiter {
    AttemptLimiter::new("status", 10, Duration::minutes(15))
}

/// The report check's limiter (`/verify`): as the status look-up's.
pub fn verify_limiter() -> AttemptLimiter {
    AttemptLimiter::new("verify", 10, Duration::minutes(15))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An in-memory SQLite database with the table the limits count in.
    pub(crate) async fn database() -> AnyPool {
        sqlx::any::install_default_drivers();
        let pool = sqlx::pool::PoolOptions::<Any>::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .expect("in-memory database");
        let table = include_str!("../../../../server/migrations/sqlite/0015_client_attempts.sql");
        sqlx::raw_sql(table).execute(&pool).await.expect("table");
        pool
    }

    fn start() -> DateTime<Utc> {
        chrono::TimeZone::with_ymd_and_hms(&Utc, 2027, 1, 12, 1, 0, 0).unwrap()
    }

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

    #[tokio::test]
    async fn at_most_the_limit_of_attempts_pass_within_the_window() {
        let pool = database().await;
        let limiter = AttemptLimiter::new("test", 3, Duration::seconds(60));
        let client: IpAddr = [192, 0, 2, 1].into();
        let other: IpAddr = [192, 0, 2, 2].into();
        let at = |second| start() + Duration::seconds(second);
        for second in 0..3 {
            assert!(
                limiter
                    .try_attempt(&pool, client, at(second))
                    .await
                    .expect("the database")
            );
        }
        assert!(
            !limiter
                .try_attempt(&pool, client, at(59))
                .await
                .expect("the database")
        );
        assert_eq!(
            limiter
                .wait(&pool, client, at(59))
                .await
                .expect("the database"),
            Duration::seconds(1)
        );
        assert!(
            limiter
                .try_attempt(&pool, other, at(59))
                .await
                .expect("the database"),
            "per address"
        );
        // The first attempt leaves the window at 60 s, making room for one more.
        assert!(
            limiter
                .try_attempt(&pool, client, at(60))
                .await
                .expect("the database")
        );
        assert!(
            !limiter
                .try_attempt(&pool, client, at(60))
                .await
                .expect("the database")
        );
        let rows = store::count(&pool, None).await.expect("the database");
        assert_eq!(rows, 4, "the attempts out of the window are deleted");
    }

    #[tokio::test]
    async fn a_limit_counts_what_another_process_wrote_and_a_give_back_makes_room() {
        let pool = database().await;
        // Two limiters of one kind: two processes, one database.
        let here = AttemptLimiter::new("test", 2, Duration::minutes(15));
        let there = AttemptLimiter::new("test", 2, Duration::minutes(15));
        let client: IpAddr = [192, 0, 2, 1].into();
        assert!(
            here.try_attempt(&pool, client, start())
                .await
                .expect("the database")
        );
        assert!(
            there
                .try_attempt(&pool, client, start())
                .await
                .expect("the database")
        );
        assert!(
            !here
                .allows(&pool, client, start())
                .await
                .expect("the database")
        );
        here.give_back(&pool, client).await.expect("the database");
        assert!(
            here.allows(&pool, client, start())
                .await
                .expect("the database")
        );
        assert!(
            here.try_attempt(&pool, client, start())
                .await
                .expect("the database")
        );
        assert!(
            !there
                .try_attempt(&pool, client, start())
                .await
                .expect("the database")
        );
    }

    #[tokio::test]
    async fn a_request_over_the_ceiling_takes_nothing_from_its_clients_limit() {
        let pool = database().await;
        let limiter = NewCaseLimiter::with_ceiling(2);
        let one: IpAddr = [192, 0, 2, 1].into();
        let two: IpAddr = [192, 0, 2, 2].into();
        assert_eq!(
            limiter
                .take(&pool, one, start())
                .await
                .expect("the database"),
            Ok(())
        );
        assert_eq!(
            limiter
                .take(&pool, two, start())
                .await
                .expect("the database"),
            Ok(())
        );
        assert!(
            limiter
                .at_ceiling(&pool, start())
                .await
                .expect("the database")
        );
        assert_eq!(
            limiter
                .take(&pool, one, start())
                .await
                .expect("the database"),
            Err(NotTaken::Service)
        );
        let of_one = store::count(&pool, Some(("new-request", "192.0.2.1")))
            .await
            .expect("the database");
        assert_eq!(of_one, 1);
        let later = start() + Duration::hours(1);
        assert!(
            !limiter
                .at_ceiling(&pool, later)
                .await
                .expect("the database")
        );
        for _ in 0..20 {
            let fresh = NewCaseLimiter::with_ceiling(100);
            assert_eq!(
                fresh.take(&pool, one, later).await.expect("the database"),
                Ok(())
            );
        }
        assert_eq!(
            limiter.take(&pool, one, later).await.expect("the database"),
            Err(NotTaken::Client)
        );
    }
}
