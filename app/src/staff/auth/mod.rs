//! Staff accounts and sign-in (server only), to the MHLW guideline's and
//! OWASP ASVS level 2's rules:
//!
//! - `password`: Argon2id hashes and the rules for a new password (length,
//!   the zxcvbn strength estimate and its list of common passwords, not the
//!   login, not the hospital's name);
//! - `totp`: the second factor (RFC 6238 codes, each accepted once) and the
//!   single-use recovery codes;
//! - `http::sign_in_gate` (shared, as the site holds it): the client's
//!   limit over all logins, before any query or hash, and the tally that
//!   writes a client's refusals as one audit line;
//! - `throttle`: attempts counted per login and client address (five
//!   failures wait), a growing delay for a login failing from everywhere,
//!   and the admins' alert;
//! - `sign_in`: the two steps, password then code, with the short-lived
//!   half-signed-in record between them;
//! - `sessions`: sessions whose cookie holds 256 random bits (only their
//!   SHA-256 is stored), the idle and absolute limits, listing and ending;
//! - `accounts`: what the IT admin does on the command line and a member
//!   does on their own account page.

mod accounts;
mod password;
mod sessions;
mod sign_in;
mod store;
mod throttle;
mod totp;

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use chrono::Duration;

use crate::http::cookies::cookie_name;
pub(crate) use crate::http::tokens::{is_token, new_token, token_hash};
use crate::keys::LoginKey;

pub use accounts::{
    AccountError, AccountProblem, Enrolment, FreshCode, MemberRow, NewUser, PasswordChange,
    UserRow, add_user, change_own_password, disable_user, enrol, fresh_code, link_specialist,
    list_users, members, password_changed_at, recovery_codes_left, set_password,
};
pub use password::{
    MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, PasswordProblem, WeakBecause, check_new_password,
    hash_password,
};
pub use sessions::{
    SessionRow, end_other_sessions, end_own_session, end_session, end_sessions_of, record_sign_out,
    session, sessions_of,
};
pub use sign_in::{
    CodeOutcome, Door, PENDING_LIMIT, PasswordOutcome, check_code, check_password, end_pending,
};
pub use throttle::{
    ALERT_FAILURES, CODE_CEILING, MAX_FAILURES, PAIR_WINDOW, SignInAlert, acknowledge_alert,
    delay_after, open_alerts,
};

use super::Staff;

/// A session ends after this long without a request…
pub const IDLE_LIMIT: Duration = Duration::minutes(30);
/// …and this long after sign-in in any case.
pub const ABSOLUTE_LIMIT: Duration = Duration::hours(12);
/// The staff session cookie (with `__Host-` in front over HTTPS).
pub const SESSION_COOKIE: &str = "second_opinion_staff";
/// The cookie of a sign-in whose password was accepted and whose code is
/// still to come.
pub const PENDING_COOKIE: &str = "second_opinion_sign_in";

/// What `seal_stored_factors` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sealing {
    /// This start sealed this many secrets an earlier version stored
    /// readable (the audit trail says so, once).
    Sealed(usize),
    /// Sealed at an earlier start; this many readable secrets were written
    /// around the service since, and sign nobody in.
    Done { unsealed: usize },
}

/// At the service's start: seals, once, the authenticator secrets an
/// earlier version stored readable. The audit line it writes marks the
/// sealing as done, so a readable secret written into the database later,
/// by someone without the key file, is never sealed (and never opens).
pub async fn seal_stored_factors(
    pool: &sqlx::AnyPool,
    key: &LoginKey,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Sealing, sqlx::Error> {
    use crate::audit::AuditAction;
    use crate::audit::chain::{Entry, append};
    let mut transaction = crate::store::begin_write(pool).await?;
    let done = store::sealing_done(&mut transaction).await?;
    let plain = store::readable_factors(&mut transaction).await?;
    if done {
        return Ok(Sealing::Done {
            unsealed: plain.len(),
        });
    }
    for (id, secret) in &plain {
        store::set_sealed_factor(&mut transaction, *id, &key.seal_factor(*id, secret)).await?;
    }
    let count = plain.len().to_string();
    let entry = Entry {
        after: Some(&count),
        ..Entry::of(AuditAction::FactorsSealed)
    };
    append(&mut transaction, now, entry).await?;
    transaction.commit().await?;
    Ok(Sealing::Sealed(plain.len()))
}

/// At the service's start, once: the keys derived with HKDF instead of
/// HMAC(secret, label). The authenticator secrets sealed under the earlier
/// key are sealed again; open alerts of accounts are keyed anew from their
/// login; the throttle's attempts (an hour's worth, keyed the earlier way)
/// are forgotten. Audited; how many secrets were sealed again, and how
/// many did not open (those accounts need `user totp-reset`).
pub async fn upgrade_keys(
    pool: &sqlx::AnyPool,
    key: &LoginKey,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<(usize, usize)>, sqlx::Error> {
    use crate::audit::AuditAction;
    use crate::audit::chain::{Entry, append};
    const UPGRADE: &str = "hkdf-keys";
    let mut transaction = crate::store::begin_write(pool).await?;
    if store::upgrade_done(&mut transaction, UPGRADE).await? {
        return Ok(None);
    }
    let (mut resealed, mut unopened) = (0, 0);
    for (id, stored) in store::legacy_factors(&mut transaction).await? {
        match key.reseal_legacy(id, &stored) {
            Some(sealed) => {
                store::set_sealed_factor(&mut transaction, id, &sealed).await?;
                resealed += 1;
            }
            None => unopened += 1,
        }
    }
    for (id, login) in store::account_alerts(&mut transaction).await? {
        store::rekey_alert(&mut transaction, id, &key.of(&login)).await?;
    }
    store::forget_all_attempts(&mut transaction).await?;
    store::upgrade_made(&mut transaction, UPGRADE, now).await?;
    let detail = format!("{resealed} authenticator secrets sealed again, {unopened} did not open");
    let entry = Entry {
        after: Some(&detail),
        ..Entry::of(AuditAction::KeysUpgraded)
    };
    append(&mut transaction, now, entry).await?;
    transaction.commit().await?;
    Ok(Some((resealed, unopened)))
}

/// Whether `text` can be a login: 1 to 64 letters, digits, dots, dashes or
/// underscores.
pub fn is_login(text: &str) -> bool {
    (1..=64).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

fn cookie_builder(name: &str, https: bool, value: String) -> cookie::CookieBuilder<'static> {
    crate::http::cookies::private_cookie(name, https, value)
}

/// The `Set-Cookie` value for a new session: never to scripts, never on
/// requests from other sites, `Secure` and `__Host-` over HTTPS. It lasts
/// as long as the browser; the server ends it.
pub fn session_cookie(token: &str, https: bool) -> String {
    cookie_builder(SESSION_COOKIE, https, token.to_owned())
        .build()
        .to_string()
}

/// The `Set-Cookie` value for a sign-in waiting for its code: five minutes.
pub fn pending_cookie(token: &str, https: bool) -> String {
    let seconds = PENDING_LIMIT.num_seconds();
    cookie_builder(PENDING_COOKIE, https, token.to_owned())
        .max_age(cookie::time::Duration::seconds(seconds))
        .build()
        .to_string()
}

/// The `Set-Cookie` value that removes the cookie `name`.
pub fn cleared_cookie(name: &str, https: bool) -> String {
    cookie_builder(name, https, String::new())
        .max_age(cookie::time::Duration::ZERO)
        .build()
        .to_string()
}

/// The session token the browser sent, if any.
pub fn session_token(headers: &axum::http::HeaderMap, https: bool) -> Option<String> {
    crate::http::cookies::cookie(headers, &cookie_name(SESSION_COOKIE, https))
}

/// The pending sign-in's token the browser sent, if any.
pub fn pending_token(headers: &axum::http::HeaderMap, https: bool) -> Option<String> {
    crate::http::cookies::cookie(headers, &cookie_name(PENDING_COOKIE, https))
}

/// The signed-in staff member, as the `server` crate's guard found them
/// and put them on the request. A handler that takes a `Staff` cannot run
/// without a live session: outside the guard it is refused, never guessed.
impl<S: Send + Sync> FromRequestParts<S> for Staff {
    type Rejection = (StatusCode, &'static str);

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Self>()
            .cloned()
            .ok_or((StatusCode::UNAUTHORIZED, "sign in first"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sealing_is_looked_up_by_its_audit_code() {
        let code = crate::audit::AuditAction::FactorsSealed.code();
        assert!(store::SEALING_DONE.contains(&format!("action = '{code}'")));
    }

    #[test]
    fn tokens_are_256_random_bits_and_stored_only_as_their_hash() {
        let (a, b) = (new_token(), new_token());
        assert!(is_token(&a));
        assert_ne!(a, b);
        assert_ne!(token_hash(&a), a);
        assert_eq!(token_hash(&a), token_hash(&a));
    }

    #[test]
    fn the_cookie_is_http_only_strict_and_over_https_secure_with_the_host_prefix() {
        let cookie = session_cookie("ab", true);
        let attributes: Vec<&str> = cookie.split("; ").collect();
        assert!(
            cookie.starts_with("__Host-second_opinion_staff=ab"),
            "{cookie}"
        );
        assert!(
            cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Strict")
                && attributes.contains(&"Secure")
                && attributes.contains(&"Path=/")
                && !cookie.contains("Domain"),
            "{cookie}"
        );
        let plain = session_cookie("ab", false);
        assert!(plain.starts_with("second_opinion_staff=ab") && !plain.contains("Secure"));
        assert!(pending_cookie("ab", false).contains("Max-Age=300"));
    }
}
