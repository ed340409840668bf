//! The sign-in throttle, which nobody can turn against staff:
//!
//! - failures are counted per (login, client address): five within 15
//!   minutes make that pair wait, while the same login from another address
//!   still signs in;
//! - failures of one login from all addresses together, 20 and more within
//!   an hour, add a growing delay to that login's attempts (never a refusal)
//!   and raise an alert on the admins' pages; failures of logins that do
//!   not exist raise one alert together, whatever was typed;
//! - wrong codes of one account from all addresses together, [`CODE_CEILING`]
//!   within an hour, close its code step until the hour has passed or an
//!   admin acknowledges the alert they raise: whoever holds the password
//!   can guess codes from many addresses, but not for long.
//!
//! Each attempt is one row, inserted only if the pair is under its limit by
//! a single conditional `INSERT` (SQLite runs one writer at a time), so
//! guesses sent in parallel cannot slip past the limit, and no lock in the
//! process holds one sign-in up behind another. The login is only ever
//! stored as its keyed hash.

use std::time::Duration as Wait;

use chrono::{DateTime, Duration, Utc};
use sqlx::AnyPool;

use super::store;
use crate::audit::AuditAction;
use crate::audit::chain::{Entry, append};
use crate::staff::Staff;
use crate::store::{in_japan, timestamp};

/// Many failed sign-ins for one login, shown to admins until one of them
/// acknowledges it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInAlert {
    pub id: i64,
    /// The account's login; `None` for a login that does not exist, shown
    /// by `key`, the start of its keyed hash.
    pub login: Option<String>,
    pub key: String,
    /// The alert of every login that does not exist, together.
    pub unknown_logins: bool,
    pub failures: i64,
    pub addresses: i64,
    /// Japan time, `YYYY-MM-DD HH:MM:SS`.
    pub first_at: String,
    pub last_at: String,
}

/// Failures per login and address…
pub const MAX_FAILURES: i64 = 5;
/// …within this window make that pair wait.
pub const PAIR_WINDOW: Duration = Duration::minutes(15);
/// Failures of one login from every address within [`LOGIN_WINDOW`] that
/// start the delay and raise the admins' alert.
pub const ALERT_FAILURES: i64 = 20;
pub const LOGIN_WINDOW: Duration = Duration::hours(1);
/// The longest delay.
const MAX_DELAY_SECONDS: u64 = 16;
/// Wrong codes for one account from every address within [`LOGIN_WINDOW`]
/// that close its code step and alert the admins. Six digits give a guess
/// one chance in 500,000 (a code is accepted for 90 seconds around now).
pub const CODE_CEILING: i64 = 10;
/// The key the alert of logins that do not exist is kept under (a keyed
/// hash is 32 hex digits: it cannot be this).
pub const UNKNOWN_LOGINS: &str = "unknown logins";

/// The step an attempt is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Password,
    Code,
}

impl Step {
    const fn code(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::Code => "code",
        }
    }
}

/// The delay before an attempt for a login that failed `failures` times
/// within the last hour: none below the alert's threshold, then one second,
/// doubling every five more failures, up to 16 seconds. The right password
/// and code still sign in, only later.
pub fn delay_after(failures: i64) -> Wait {
    let over = failures.saturating_sub(ALERT_FAILURES);
    if over < 0 {
        return Wait::ZERO;
    }
    let over = u32::try_from(over).unwrap_or(u32::MAX);
    let seconds = 1_u64.checked_shl(over / 5).unwrap_or(u64::MAX);
    Wait::from_secs(seconds.min(MAX_DELAY_SECONDS))
}

/// A login (by its keyed hash) tried from a client address.
#[derive(Debug, Clone, Copy)]
struct Pair<'a> {
    login_key: &'a str,
    address: &'a str,
}

/// A row taken, or why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Begun {
    /// Counted as a failure until it is finished otherwise.
    Attempt(i64),
    /// The pair has failed too often: minutes until the next attempt.
    Throttled { minutes: i64 },
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Failed,
    /// The password was right; the code is still to come.
    Passed,
    /// Signed in: the pair's failures before it no longer count.
    SignedIn,
}

impl Outcome {
    const fn code(self) -> &'static str {
        match self {
            Self::Failed => "failed",
            Self::Passed => "passed",
            Self::SignedIn => "ok",
        }
    }
}

/// Takes a row for `pair` at `now`, if the pair is under its limit.
async fn begin(
    pool: &AnyPool,
    pair: Pair<'_>,
    (known, step): (bool, Step),
    now: DateTime<Utc>,
) -> Result<Begun, sqlx::Error> {
    let since = now - PAIR_WINDOW;
    let pair = (pair.login_key, pair.address);
    // Attempts older than any window are of no more use.
    let windows = (now - LOGIN_WINDOW, since);
    let kind = (known, step.code());
    if let Some(id) = store::begin_attempt(pool, pair, kind, MAX_FAILURES, windows, now).await? {
        return Ok(Begun::Attempt(id));
    }
    // The pair waits until the oldest of its last five failures leaves the
    // window.
    let oldest = store::nth_latest_failure(pool, pair, MAX_FAILURES - 1, since).await?;
    let free_at = oldest
        .and_then(|at| DateTime::parse_from_rfc3339(&at).ok())
        .map_or(now + PAIR_WINDOW, |at| at.with_timezone(&Utc) + PAIR_WINDOW);
    let seconds = (free_at - now).num_seconds().max(1);
    Ok(Begun::Throttled {
        minutes: (seconds + 59) / 60,
    })
}

async fn finish(pool: &AnyPool, attempt: i64, outcome: Outcome) -> Result<(), sqlx::Error> {
    store::finish_attempt(pool, attempt, outcome.code()).await
}

/// The failures of a login from every address within the last hour.
async fn failures_of(
    pool: &AnyPool,
    login_key: &str,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    store::failures_of(pool, login_key, now - LOGIN_WINDOW).await
}

/// An attempt at a login's secret (a password or a code) from an address,
/// taken by the throttle and counted as a failure until it is finished.
#[derive(Debug)]
pub(super) struct Attempt<'a> {
    pool: &'a AnyPool,
    id: i64,
    login_key: String,
    /// The account's login; `None` when no account has it.
    login: Option<String>,
    step: Step,
    now: DateTime<Utc>,
    /// How long it waited for the login's failures.
    waited: Wait,
}

/// An attempt taken, or why not.
#[derive(Debug)]
pub(super) enum Taken<'a> {
    Attempt(Attempt<'a>),
    /// The pair has failed too often: minutes until the next attempt.
    Throttled {
        minutes: i64,
    },
}

/// Takes an attempt for the login whose keyed hash is `login_key` (the
/// account `login`, if there is one) from `address`, then waits as long as
/// the login's failures from everywhere call for. An attempt held back
/// answers at once.
pub(super) async fn take<'a>(
    pool: &'a AnyPool,
    login_key: &str,
    (login, step): (Option<&str>, Step),
    address: &str,
    now: DateTime<Utc>,
) -> Result<Taken<'a>, sqlx::Error> {
    let delay = delay_after(failures_of(pool, login_key, now).await?);
    let pair = Pair { login_key, address };
    let id = match begin(pool, pair, (login.is_some(), step), now).await? {
        Begun::Attempt(id) => id,
        Begun::Throttled { minutes } => return Ok(Taken::Throttled { minutes }),
    };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    Ok(Taken::Attempt(Attempt {
        pool,
        id,
        login_key: login_key.to_owned(),
        login: login.map(str::to_owned),
        step,
        now,
        waited: delay,
    }))
}

impl Attempt<'_> {
    /// "delayed 2s", for the audit line, when the attempt had to wait.
    pub fn waited(&self) -> Option<String> {
        (!self.waited.is_zero()).then(|| format!("delayed {}s", self.waited.as_secs()))
    }

    /// A wrong password or code: counted, and the admins alerted when the
    /// login fails from everywhere.
    pub async fn failed(self) -> Result<(), sqlx::Error> {
        finish(self.pool, self.id, Outcome::Failed).await?;
        raise_alert(
            self.pool,
            &self.login_key,
            (self.login.as_deref(), self.step),
            self.now,
        )
        .await
    }

    /// The service was too busy to check it: as if it had not been made.
    pub async fn not_made(self) -> Result<(), sqlx::Error> {
        store::forget_attempt(self.pool, self.id).await
    }

    /// The password was right; the code is still to come.
    pub async fn passed(self) -> Result<(), sqlx::Error> {
        finish(self.pool, self.id, Outcome::Passed).await
    }

    /// Signed in (or proved to be the member): the pair's failures before
    /// no longer count.
    pub async fn succeeded(self) -> Result<(), sqlx::Error> {
        finish(self.pool, self.id, Outcome::SignedIn).await
    }
}

/// After a failure: raises (or brings up to date) the admins' alert when
/// the login has failed [`ALERT_FAILURES`] times or more within the hour,
/// counting only failures since an admin last acknowledged one. Below the
/// threshold it only reads.
async fn raise_alert(
    pool: &AnyPool,
    login_key: &str,
    (login, step): (Option<&str>, Step),
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let since = now - LOGIN_WINDOW;
    // Logins that do not exist are one alert together: a flood of random
    // logins is one thing for the admins to see, not one per login typed.
    let (login_key, failing) = if login.is_some() {
        (login_key, store::Failing::Login)
    } else {
        (UNKNOWN_LOGINS, store::Failing::UnknownLogins)
    };
    let (failures, addresses, first_at) =
        store::unacknowledged_failures(pool, (login_key, failing), since).await?;
    let codes_closed =
        step == Step::Code && store::code_failures(pool, login_key, since).await? >= CODE_CEILING;
    if failures < ALERT_FAILURES && !codes_closed {
        return Ok(());
    }
    let counts = (failures, addresses);
    let mut transaction = crate::store::begin_write(pool).await?;
    if !store::update_open_alert(&mut transaction, login_key, counts, now).await? {
        let first_at = first_at.unwrap_or_else(|| timestamp(now));
        let who = (login_key, login);
        let alert = store::insert_alert(&mut transaction, who, &first_at, counts, now).await?;
        let detail = format!("alert {alert}: {failures} failures from {addresses} addresses");
        let entry = Entry {
            actor: login,
            before: login.is_none().then_some(login_key),
            after: Some(&detail),
            ..Entry::of(AuditAction::SignInAlert)
        };
        append(&mut transaction, now, entry).await?;
    }
    transaction.commit().await
}

/// Whether the code step of the login whose keyed hash is `login_key` is
/// closed: [`CODE_CEILING`] wrong codes within the hour, from anywhere,
/// since an admin last acknowledged its alert.
pub(super) async fn codes_closed(
    pool: &AnyPool,
    login_key: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    Ok(store::code_failures(pool, login_key, now - LOGIN_WINDOW).await? >= CODE_CEILING)
}

/// The alerts no admin has acknowledged yet, newest first.
pub async fn open_alerts(pool: &AnyPool) -> Result<Vec<SignInAlert>, sqlx::Error> {
    let rows = store::open_alerts(pool).await?;
    Ok(rows
        .into_iter()
        .map(|row| SignInAlert {
            id: row.id,
            unknown_logins: row.login_key == UNKNOWN_LOGINS,
            login: row.login,
            key: row.login_key.chars().take(8).collect(),
            failures: row.failures,
            addresses: row.addresses,
            first_at: in_japan(&row.first_at),
            last_at: in_japan(&row.last_at),
        })
        .collect())
}

/// An admin has seen the alert `id`; false if there is no such open alert.
pub async fn acknowledge_alert(
    pool: &AnyPool,
    admin: &Staff,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let mut transaction = crate::store::begin_write(pool).await?;
    if !store::acknowledge_alert(&mut transaction, id, &admin.login, now).await? {
        return Ok(false);
    }
    let detail = format!("alert {id}");
    let entry = Entry {
        actor: Some(&admin.login),
        after: Some(&detail),
        ..Entry::of(AuditAction::SignInAlertAcknowledged)
    };
    append(&mut transaction, now, entry).await?;
    transaction.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_starts_at_the_alert_threshold_and_doubles_every_five_failures() {
        assert_eq!(delay_after(0), Wait::ZERO);
        assert_eq!(delay_after(ALERT_FAILURES - 1), Wait::ZERO);
        assert_eq!(delay_after(ALERT_FAILURES), Wait::from_secs(1));
        assert_eq!(delay_after(ALERT_FAILURES + 4), Wait::from_secs(1));
        assert_eq!(delay_after(ALERT_FAILURES + 5), Wait::from_secs(2));
        assert_eq!(delay_after(ALERT_FAILURES + 10), Wait::from_secs(4));
        assert_eq!(delay_after(ALERT_FAILURES + 20), Wait::from_secs(16));
        assert_eq!(delay_after(i64::MAX), Wait::from_secs(16), "never more");
    }
}
