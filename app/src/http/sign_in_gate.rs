//! What stands in front of the sign-in's work, so that nobody can use it to
//! exhaust the service:
//!
//! - a limit per client over every login together ([`CLIENT_ATTEMPTS`]
//!   attempts in [`CLIENT_WINDOW`], a right password given back), counted
//!   in the database for every service process and checked before any
//!   other query or hash: a flood of random logins from one address costs
//!   a map look-up per request once it is reached (`limits`);
//! - the tally: the failed and refused attempts of a client are written to
//!   the audit trail as the first one in full, then one line per client and
//!   window with the count, not one line per attempt. Each service
//!   process keeps its own tally: two processes write a line each.
//!
//! Password hashing itself is bounded in `password` (one hash per core at
//! a time; beyond that, "busy" at once).

use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};
use sqlx::AnyPool;

use crate::audit::AuditAction;
use crate::audit::chain::{Entry, record};
use crate::http::limits::{AttemptLimiter, client_key};

/// Sign-in attempts (a password or a code) one client may make over all
/// logins…
pub const CLIENT_ATTEMPTS: usize = 30;
/// …within this window. A member who mistypes a few times is far below it;
/// reception's PCs behind one address sign in a few times a day each.
pub const CLIENT_WINDOW: Duration = Duration::minutes(15);
/// The known logins a tally line names at most.
const NAMED_LOGINS: usize = 10;

/// The gate: the per-client limit and the tally of refusals.
#[derive(Debug, Clone)]
pub struct SignInGate {
    clients: AttemptLimiter,
    tally: Arc<Mutex<HashMap<String, Window>>>,
    /// Each account's turn at the code step (one entry per account that
    /// passed the password step since the start).
    accounts: Arc<Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>>,
}

impl Default for SignInGate {
    fn default() -> Self {
        Self {
            clients: AttemptLimiter::new("sign-in", CLIENT_ATTEMPTS, CLIENT_WINDOW),
            tally: Arc::default(),
            accounts: Arc::default(),
        }
    }
}

/// What a refused attempt was, for the tally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A wrong password, or a login that does not exist.
    Failed,
    /// Held back by a limit (the client's, or the login's from the
    /// client's address).
    Throttled,
}

/// One client's refusals within a window, not yet written.
#[derive(Debug, Clone)]
struct Window {
    started: DateTime<Utc>,
    last: DateTime<Utc>,
    /// The address as the audit trail shows it.
    address: String,
    /// Refusals after the first (which was written in full).
    failed: u64,
    throttled: u64,
    unknown_logins: u64,
    logins: BTreeSet<String>,
}

/// A window's refusals, as one audit line says them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallyLine {
    pub address: String,
    pub text: String,
}

impl Window {
    fn line(&self) -> Option<TallyLine> {
        if self.failed + self.throttled == 0 {
            return None;
        }
        let mut text = format!(
            "{} failed, {} held back, {} unknown logins, from {} to {}",
            self.failed,
            self.throttled,
            self.unknown_logins,
            crate::store::timestamp(self.started),
            crate::store::timestamp(self.last),
        );
        if !self.logins.is_empty() {
            let logins: Vec<&str> = self.logins.iter().map(String::as_str).collect();
            text.push_str("; logins: ");
            text.push_str(&logins.join(", "));
        }
        Some(TallyLine {
            address: self.address.clone(),
            text,
        })
    }
}

impl SignInGate {
    /// Takes an attempt for `client` if it is under its limit; false (and
    /// nothing else done) otherwise.
    pub async fn admit(
        &self,
        pool: &AnyPool,
        client: IpAddr,
        now: DateTime<Utc>,
    ) -> Result<bool, sqlx::Error> {
        self.clients.try_attempt(pool, client, now).await
    }

    /// Gives back the attempt `client` just made: the password was right.
    pub async fn give_back(&self, pool: &AnyPool, client: IpAddr) -> Result<(), sqlx::Error> {
        self.clients.give_back(pool, client).await
    }

    /// Whole minutes until `client` may try again (at least one).
    pub async fn minutes_to_wait(
        &self,
        pool: &AnyPool,
        client: IpAddr,
        now: DateTime<Utc>,
    ) -> Result<i64, sqlx::Error> {
        let seconds = self.clients.wait(pool, client, now).await?.num_seconds();
        Ok((seconds.max(0) + 59).div_euclid(60).max(1))
    }

    /// Waits for the turn of account `user_id`: its codes are checked one
    /// after another, so that the delays of guesses sent side by side from
    /// many addresses add up instead of running together.
    pub async fn turn_of(&self, user_id: i64) -> tokio::sync::OwnedMutexGuard<()> {
        let lock = {
            let mut accounts = self.accounts.lock().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(accounts.entry(user_id).or_default())
        };
        lock.lock_owned().await
    }

    /// Counts a refusal of `client` (shown as `address`) for `login` (an
    /// account's, or `None` for a login that does not exist). True when it
    /// is the first of the client's window, which the caller writes to the
    /// audit trail in full; the window's others go into one line at its end
    /// ([`SignInGate::closed`]).
    pub fn count(
        &self,
        client: IpAddr,
        refusal: Refusal,
        login: Option<&str>,
        now: DateTime<Utc>,
    ) -> bool {
        let mut tally = self.tally.lock().unwrap_or_else(PoisonError::into_inner);
        let key = client_key(client);
        let open = tally
            .get(&key)
            .is_some_and(|window| now - window.started < CLIENT_WINDOW);
        if !open {
            // A window over and not yet written waits for `closed` under a
            // key of its own; the new one starts with this refusal, written
            // in full.
            if let Some(over) = tally.remove(&key) {
                tally.insert(format!("{key} {}", over.started.timestamp()), over);
            }
            tally.insert(key, Window::new(client, now));
            return true;
        }
        let Some(window) = tally.get_mut(&key) else {
            return true;
        };
        window.last = now;
        match refusal {
            Refusal::Failed => window.failed += 1,
            Refusal::Throttled => window.throttled += 1,
        }
        match login {
            Some(login) if window.logins.len() < NAMED_LOGINS => {
                window.logins.insert(login.to_owned());
            }
            Some(_) => {}
            None => window.unknown_logins += 1,
        }
        false
    }

    /// The windows over at `now` (all of them with `everything`, when the
    /// service stops), taken out of the tally, as the lines to write.
    pub fn closed(&self, now: DateTime<Utc>, everything: bool) -> Vec<TallyLine> {
        let mut tally = self.tally.lock().unwrap_or_else(PoisonError::into_inner);
        let over: Vec<String> = tally
            .iter()
            .filter(|(_, window)| everything || now - window.started >= CLIENT_WINDOW)
            .map(|(key, _)| key.clone())
            .collect();
        over.iter()
            .filter_map(|key| tally.remove(key))
            .filter_map(|window| window.line())
            .collect()
    }

    /// Writes the lines of the windows over at `now` to the audit trail.
    pub async fn write_closed(
        &self,
        pool: &AnyPool,
        now: DateTime<Utc>,
        everything: bool,
    ) -> Result<(), sqlx::Error> {
        for line in self.closed(now, everything) {
            let entry = Entry {
                address: Some(&line.address),
                after: Some(&line.text),
                ..Entry::of(AuditAction::SignInTally)
            };
            record(pool, now, entry).await?;
        }
        Ok(())
    }
}

impl Window {
    fn new(client: IpAddr, now: DateTime<Utc>) -> Self {
        Self {
            started: now,
            last: now,
            address: client.to_string(),
            failed: 0,
            throttled: 0,
            unknown_logins: 0,
            logins: BTreeSet::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clients_refusals_make_one_line_in_full_and_one_with_the_count() {
        let gate = SignInGate::default();
        let client: IpAddr = [192, 0, 2, 1].into();
        let other: IpAddr = [192, 0, 2, 2].into();
        let start = chrono::TimeZone::with_ymd_and_hms(&Utc, 2027, 1, 12, 1, 0, 0).unwrap();
        assert!(
            gate.count(client, Refusal::Failed, None, start),
            "the first in full"
        );
        for second in 1..=500 {
            let at = start + Duration::seconds(second);
            assert!(!gate.count(client, Refusal::Throttled, None, at));
        }
        assert!(!gate.count(
            client,
            Refusal::Failed,
            Some("sato"),
            start + Duration::seconds(600)
        ));
        assert!(
            gate.count(other, Refusal::Failed, Some("ito"), start),
            "per client"
        );
        assert!(
            gate.closed(start + Duration::minutes(14), false).is_empty(),
            "not over yet"
        );
        let lines = gate.closed(start + CLIENT_WINDOW, false);
        assert_eq!(
            lines.len(),
            1,
            "the other client's window had nothing more: {lines:?}"
        );
        assert_eq!(lines[0].address, "192.0.2.1");
        assert!(
            lines[0]
                .text
                .starts_with("1 failed, 500 held back, 500 unknown logins"),
            "{}",
            lines[0].text
        );
        assert!(lines[0].text.ends_with("logins: sato"), "{}", lines[0].text);
        assert!(
            gate.count(client, Refusal::Failed, None, start + CLIENT_WINDOW),
            "a new window"
        );
    }

    #[test]
    fn a_window_over_is_kept_for_its_line_when_the_next_begins() {
        let gate = SignInGate::default();
        let client: IpAddr = [192, 0, 2, 1].into();
        let start = chrono::TimeZone::with_ymd_and_hms(&Utc, 2027, 1, 12, 1, 0, 0).unwrap();
        gate.count(client, Refusal::Failed, None, start);
        gate.count(client, Refusal::Failed, None, start + Duration::seconds(1));
        let later = start + CLIENT_WINDOW + Duration::seconds(1);
        assert!(gate.count(client, Refusal::Failed, None, later));
        let lines = gate.closed(later, false);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].text.starts_with("1 failed"), "{}", lines[0].text);
        assert!(
            gate.closed(later, true).is_empty(),
            "the new window has only its first"
        );
    }

    #[tokio::test]
    async fn the_client_limit_counts_every_login_and_a_right_password_is_given_back() {
        let pool = crate::http::limits::tests::database().await;
        let gate = SignInGate::default();
        let now = chrono::TimeZone::with_ymd_and_hms(&Utc, 2027, 1, 12, 1, 0, 0).unwrap();
        let client: IpAddr = [192, 0, 2, 1].into();
        for _ in 0..CLIENT_ATTEMPTS {
            assert!(gate.admit(&pool, client, now).await.expect("the database"));
        }
        assert!(!gate.admit(&pool, client, now).await.expect("the database"));
        assert_eq!(
            gate.minutes_to_wait(&pool, client, now)
                .await
                .expect("the database"),
            15
        );
        gate.give_back(&pool, client).await.expect("the database");
        // Held in this process's memory until the window lets an attempt go.
        assert!(!gate.admit(&pool, client, now).await.expect("the database"));
        let other = SignInGate::default();
        assert!(
            other.admit(&pool, client, now).await.expect("the database"),
            "the attempt given back is free in the database"
        );
        assert!(
            gate.admit(&pool, [192, 0, 2, 9].into(), now)
                .await
                .expect("the database"),
            "per client"
        );
    }
}
