//! Signing in, in two steps: the login and password, then the code from the
//! authenticator app (or a recovery code). Between them the browser holds a
//! pending sign-in, a record of five minutes on the server that opens
//! nothing under `/staff`; only the accepted code opens a session. Both
//! steps count in the same throttle, and both are audited, a login that
//! does not exist only by its keyed hash.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use sqlx::SqlitePool;

use super::password::verify_off_thread;
use super::sessions::open_session;
use super::store;
use super::throttle::{self, Taken};
use super::totp::{self, Factor};
use super::{is_token, new_token, token_hash};
use crate::audit::AuditAction;
use crate::audit::chain::{Entry, record};
use crate::http::limits::client_key;
use crate::keys::LoginKey;

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
}

/// The first step: `login` and `password` from `address`; on success a
/// pending sign-in that remembers `next`.
pub async fn check_password(
    pool: &SqlitePool,
    key: &LoginKey,
    login: &str,
    password: &str,
    address: IpAddr,
    next: &str,
    now: DateTime<Utc>,
) -> Result<PasswordOutcome, sqlx::Error> {
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
    let attempt = match throttle::take(pool, &login_key, known, &client, now).await? {
        Taken::Attempt(attempt) => attempt,
        Taken::Throttled { minutes } => {
            record(pool, now, line(AuditAction::SignInThrottled)).await?;
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
    let matches = verify_off_thread(password, hash).await;
    let account = account.filter(|account| matches && account.active);
    let Some(account) = account else {
        let action = if known.is_some() {
            AuditAction::SignInFailed
        } else {
            AuditAction::SignInUnknownLogin
        };
        record(pool, now, line(action)).await?;
        attempt.failed().await?;
        return Ok(PasswordOutcome::Refused);
    };
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
    pool: &SqlitePool,
    key: &LoginKey,
    pending: &str,
    typed: &str,
    address: IpAddr,
    user_agent: &str,
    now: DateTime<Utc>,
) -> Result<CodeOutcome, sqlx::Error> {
    if !is_token(pending) {
        return Ok(CodeOutcome::Expired);
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
    let attempt = match throttle::take(pool, &login_key, login, &client, now).await? {
        Taken::Attempt(attempt) => attempt,
        Taken::Throttled { minutes } => {
            let entry = Entry {
                after: Some("code"),
                ..line(AuditAction::SignInThrottled)
            };
            record(pool, now, entry).await?;
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
        return Ok(CodeOutcome::Refused);
    };
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
pub async fn end_pending(pool: &SqlitePool, pending: &str) -> Result<(), sqlx::Error> {
    store::delete_pending(pool, &token_hash(pending)).await
}
