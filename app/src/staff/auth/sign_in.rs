//! Signing in, in two steps: the login and password, then the code from the
//! authenticator app (or a recovery code). Between them the browser holds a
//! pending sign-in, a record of five minutes on the server that opens
//! nothing under `/staff`; only the accepted code opens a session. Both
//! steps pass the gate (the client's limit over all logins, in memory,
//! before any query or hash), count in the same throttle, and are audited
//! (a login that does not exist only by its keyed hash; a client's
//! refusals after the first of a window only as a count).

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use sqlx::AnyPool;

use super::password::verify_if_free;
use super::sessions::open_session;
use super::store;
use super::throttle::{self, Step, Taken};
use super::totp::{self, Factor};
use super::{is_token, new_token, token_hash};
use crate::audit::AuditAction;
use crate::audit::chain::{Entry, record};
use crate::http::limits::client_key;
use crate::http::sign_in_gate::{Refusal, SignInGate};
use crate::keys::LoginKey;

/// What signing in stands on: the database, the key file's keys, the gate.
#[derive(Debug, Clone, Copy)]
pub struct Door<'a> {
    pub pool: &'a AnyPool,
    pub key: &'a LoginKey,
    pub gate: &'a SignInGate,
}

impl<'a> Door<'a> {
    pub fn of(site: &'a crate::http::Site) -> Self {
        Self {
            pool: &site.pool,
            key: &site.login_key,
            gate: &site.sign_in_gate,
        }
    }
}

/// How long the code may come after the password.
pub const PENDING_LIMIT: Duration = Duration::minutes(5);

/// The first step's outcome.
#[derive(Debug, PartialEq, Eq)]
pub enum PasswordOutcome {
    /// The password is right: the pending sign-in's token, for its cookie.
    CodeNeeded {
        token: String,
    },
    /// The password is right but the account has no second factor yet.
    NotEnrolled,
    /// Unknown login, wrong password or disabled account: one answer.
    Refused,
    Throttled {
        minutes: i64,
    },
    /// Every hashing permit is taken: try again in a moment.
    Busy,
}

/// The second step's outcome.
#[derive(Debug, PartialEq, Eq)]
pub enum CodeOutcome {
    /// Signed in: the session's token and where to go.
    SignedIn {
        token: String,
        next: String,
    },
    /// Not the code, or one used already: try again.
    Refused,
    /// No pending sign-in (over five minutes, another address, or none).
    Expired,
    Throttled {
        minutes: i64,
    },
    /// Too many wrong codes for the account from anywhere: closed until
    /// the hour has passed or an admin has seen the alert.
    CodesClosed,
}

/// How long an attempt refused by the gate waits before its answer: a
/// client looping over the sign-in (a script on many connections) gets
/// one answer per connection per second instead of as many as the CPU
/// can render, so the members' pages keep their speed. A waiting answer
/// holds a timer, no thread and no hash.
const HELD_ANSWER_DELAY: std::time::Duration = std::time::Duration::from_secs(1);

/// Refused by the gate before anything else: counted, and written to the
/// audit trail only when it is the first refusal of the client's window.
async fn held_at_gate(
    door: Door<'_>,
    address: IpAddr,
    login: Option<&str>,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    if door.gate.count(address, Refusal::Throttled, login, now) {
        let shown = address.to_string();
        let entry = Entry {
            actor: login,
            address: Some(&shown),
            after: Some("client limit"),
            ..Entry::of(AuditAction::SignInThrottled)
        };
        record(door.pool, now, entry).await?;
    }
    tokio::time::sleep(HELD_ANSWER_DELAY).await;
    door.gate.minutes_to_wait(door.pool, address, now).await
}

/// The first step: `login` and `password` from `address`; on success a
/// pending sign-in that remembers `next`.
pub async fn check_password(
    door: Door<'_>,
    login: &str,
    password: &str,
    address: IpAddr,
    next: &str,
    now: DateTime<Utc>,
) -> Result<PasswordOutcome, sqlx::Error> {
    let Door { pool, key, gate } = door;
    if !gate.admit(pool, address, now).await? {
        let minutes = held_at_gate(door, address, None, now).await?;
        return Ok(PasswordOutcome::Throttled { minutes });
    }
    let login = login.trim();
    let login_key = key.of(login);
    let (client, shown) = (client_key(address), address.to_string());
    // Logins are matched whatever their case, as the throttle counts them.
    let account = store::account_by_login(pool, login).await?;
    // The login as the audit trail may show it: an account's, never text
    // that matches none (it could be a password typed in the wrong box).
    let known_login = account.as_ref().map(|account| account.login.clone());
    let known = known_login.as_deref();
    let unknown_key = known.is_none().then_some(login_key.as_str());
    let line = |action| Entry {
        actor: known,
        address: Some(&shown),
        before: unknown_key,
        ..Entry::of(action)
    };
    let step = (known, Step::Password);
    let attempt = match throttle::take(pool, &login_key, step, &client, now).await? {
        Taken::Attempt(attempt) => attempt,
        Taken::Throttled { minutes } => {
            if gate.count(address, Refusal::Throttled, known, now) {
                record(pool, now, line(AuditAction::SignInThrottled)).await?;
            }
            metrics::counter!("second_opinion_sign_in_throttled_total").increment(1);
            return Ok(PasswordOutcome::Throttled { minutes });
        }
    };
    let waited = attempt.waited();
    let line = |action| Entry {
        after: waited.as_deref(),
        ..line(action)
    };
    let hash = account
        .as_ref()
        .map(|account| account.password_hash.clone());
    // The gate's attempt stays taken when busy: a flood answered "busy"
    // still reaches the client's limit.
    let Ok(matches) = verify_if_free(password, hash).await else {
        attempt.not_made().await?;
        return Ok(PasswordOutcome::Busy);
    };
    let account = account.filter(|account| matches && account.active);
    let Some(account) = account else {
        let action = if known.is_some() {
            AuditAction::SignInFailed
        } else {
            AuditAction::SignInUnknownLogin
        };
        if gate.count(address, Refusal::Failed, known, now) {
            record(pool, now, line(action)).await?;
        }
        attempt.failed().await?;
        metrics::counter!("second_opinion_sign_in_failures_total", "step" => "password")
            .increment(1);
        return Ok(PasswordOutcome::Refused);
    };
    gate.give_back(pool, address).await?;
    attempt.passed().await?;
    // A secret sealed under another key file opens no more: as good as
    // none, the admin enrols the member again.
    let factor = account
        .totp_secret
        .as_deref()
        .and_then(|stored| key.open_factor(account.id, stored));
    if factor.is_none() {
        record(pool, now, line(AuditAction::SignInNotEnrolled)).await?;
        return Ok(PasswordOutcome::NotEnrolled);
    }
    let token = new_token();
    let expired = now - PENDING_LIMIT;
    store::insert_pending(
        pool,
        &token_hash(&token),
        account.id,
        &client,
        next,
        expired,
        now,
    )
    .await?;
    record(pool, now, line(AuditAction::PasswordAccepted)).await?;
    Ok(PasswordOutcome::CodeNeeded { token })
}

/// The second step: the code typed for the pending sign-in `pending`, from
/// `address` with the browser `user_agent`.
pub async fn check_code(
    door: Door<'_>,
    pending: &str,
    typed: &str,
    address: IpAddr,
    user_agent: &str,
    now: DateTime<Utc>,
) -> Result<CodeOutcome, sqlx::Error> {
    let Door { pool, key, gate } = door;
    if !is_token(pending) {
        return Ok(CodeOutcome::Expired);
    }
    if !gate.admit(pool, address, now).await? {
        let minutes = held_at_gate(door, address, None, now).await?;
        metrics::counter!("second_opinion_sign_in_throttled_total").increment(1);
        return Ok(CodeOutcome::Throttled { minutes });
    }
    let (client, shown) = (client_key(address), address.to_string());
    let found = store::pending(pool, &token_hash(pending)).await?;
    let is_live = |p: &store::Pending| {
        p.active
            && p.address == client
            && DateTime::parse_from_rfc3339(&p.created_at)
                .is_ok_and(|created| now - created.with_timezone(&Utc) <= PENDING_LIMIT)
    };
    let Some((found, secret)) = found.filter(is_live).and_then(|found| {
        let stored = found.totp_secret.as_deref()?;
        let secret = key.open_factor(found.user_id, stored)?;
        Some((found, secret))
    }) else {
        end_pending(pool, pending).await?;
        return Ok(CodeOutcome::Expired);
    };
    let login_key = key.of(&found.login);
    let line = |action| Entry {
        actor: Some(&found.login),
        address: Some(&shown),
        ..Entry::of(action)
    };
    let login = Some(found.login.as_str());
    // One code at a time for an account, whichever address sends it.
    let _turn = gate.turn_of(found.user_id).await;
    if throttle::codes_closed(pool, &login_key, now).await? {
        if gate.count(address, Refusal::Throttled, login, now) {
            let entry = Entry {
                after: Some("codes closed"),
                ..line(AuditAction::SignInThrottled)
            };
            record(pool, now, entry).await?;
        }
        return Ok(CodeOutcome::CodesClosed);
    }
    let step = (login, Step::Code);
    let attempt = match throttle::take(pool, &login_key, step, &client, now).await? {
        Taken::Attempt(attempt) => attempt,
        Taken::Throttled { minutes } => {
            if gate.count(address, Refusal::Throttled, login, now) {
                let entry = Entry {
                    after: Some("code"),
                    ..line(AuditAction::SignInThrottled)
                };
                record(pool, now, entry).await?;
            }
            metrics::counter!("second_opinion_sign_in_throttled_total").increment(1);
            return Ok(CodeOutcome::Throttled { minutes });
        }
    };
    let waited = attempt.waited();
    let line = |action| Entry {
        before: waited.as_deref(),
        ..line(action)
    };
    let Some(factor) = totp::accept(pool, found.user_id, &secret, typed, now).await? else {
        record(pool, now, line(AuditAction::CodeFailed)).await?;
        attempt.failed().await?;
        metrics::counter!("second_opinion_sign_in_failures_total", "step" => "code").increment(1);
        return Ok(CodeOutcome::Refused);
    };
    gate.give_back(pool, address).await?;
    attempt.succeeded().await?;
    end_pending(pool, pending).await?;
    let token = open_session(pool, found.user_id, &shown, user_agent, now).await?;
    let how = match factor {
        Factor::Code => "code".to_owned(),
        Factor::Recovery { left } => format!("recovery code, {left} left"),
    };
    let entry = Entry {
        after: Some(&how),
        ..line(AuditAction::SignIn)
    };
    record(pool, now, entry).await?;
    Ok(CodeOutcome::SignedIn {
        token,
        next: found.next,
    })
}

/// Forgets a pending sign-in (used, expired or abandoned).
pub async fn end_pending(pool: &AnyPool, pending: &str) -> Result<(), sqlx::Error> {
    store::delete_pending(pool, &token_hash(pending)).await
}
