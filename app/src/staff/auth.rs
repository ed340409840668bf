//! Staff accounts and sessions (server only): Argon2id passwords, session
//! tokens of 256 random bits of which only the SHA-256 is stored, the idle
//! and absolute limits, and the throttle on failed sign-ins.

use std::net::IpAddr;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use chrono::{DateTime, Duration, Utc};
use cookie::{Cookie, SameSite};
use sha2::{Digest, Sha256};
use sqlx::SqlitePool;

use super::store::{Entry, audit};
use super::{Role, Staff};
use crate::store::timestamp;

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// A session ends after this long without a request…
pub const IDLE_LIMIT: Duration = Duration::minutes(30);
/// …and this long after sign-in in any case.
pub const ABSOLUTE_LIMIT: Duration = Duration::hours(12);
/// Failed sign-ins allowed per login and per address within
/// [`THROTTLE_WINDOW`] before sign-in waits.
pub const MAX_FAILURES: i64 = 5;
pub const THROTTLE_WINDOW: Duration = Duration::minutes(15);
/// The staff session cookie.
pub const SESSION_COOKIE: &str = "second_opinion_staff";

/// Why a new account cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    PasswordTooShort,
    #[error("a login is 1 to 64 letters, digits, dots, dashes or underscores")]
    BadLogin,
    #[error("the login {0} exists already")]
    Exists(String),
    #[error("there is no login {0}")]
    Unknown(String),
    #[error("cannot hash the password: {0}")]
    Hash(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

pub fn is_login(text: &str) -> bool {
    (1..=64).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

pub fn hash_password(password: &str) -> Result<String, AccountError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccountError::PasswordTooShort);
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| AccountError::Hash(error.to_string()))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash to verify against when the login is unknown, so that an unknown
/// login takes as long as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password that matches nothing").unwrap_or_default())
}

pub async fn add_user(
    pool: &SqlitePool,
    login: &str,
    display_name: &str,
    role: Role,
    password: &str,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    if !is_login(login) {
        return Err(AccountError::BadLogin);
    }
    let hash = hash_password(password)?;
    let inserted = sqlx::query(
        "INSERT INTO staff_users (login, display_name, password_hash, role, created_at) \
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (login) DO NOTHING",
    )
    .bind(login)
    .bind(if display_name.trim().is_empty() {
        login
    } else {
        display_name.trim()
    })
    .bind(hash)
    .bind(role.code())
    .bind(timestamp(now))
    .execute(pool)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(AccountError::Exists(login.to_owned()));
    }
    audit(
        pool,
        now,
        Entry {
            actor: Some(login),
            action: "user_added",
            after: Some(role.code()),
            ..Entry::default()
        },
    )
    .await?;
    Ok(())
}

/// Disables an account and ends its sessions.
pub async fn disable_user(
    pool: &SqlitePool,
    login: &str,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    let mut transaction = pool.begin().await?;
    let changed = sqlx::query("UPDATE staff_users SET active = 0 WHERE login = ?")
        .bind(login)
        .execute(&mut *transaction)
        .await?;
    if changed.rows_affected() == 0 {
        return Err(AccountError::Unknown(login.to_owned()));
    }
    sqlx::query(
        "DELETE FROM staff_sessions WHERE user_id = (SELECT id FROM staff_users WHERE login = ?)",
    )
    .bind(login)
    .execute(&mut *transaction)
    .await?;
    transaction.commit().await?;
    audit(
        pool,
        now,
        Entry {
            actor: Some(login),
            action: "user_disabled",
            ..Entry::default()
        },
    )
    .await?;
    Ok(())
}

/// Every account: login, name, role, active.
pub async fn list_users(
    pool: &SqlitePool,
) -> Result<Vec<(String, String, String, bool)>, sqlx::Error> {
    sqlx::query_as("SELECT login, display_name, role, active FROM staff_users ORDER BY login")
        .fetch_all(pool)
        .await
}

/// The outcome of a sign-in attempt.
#[derive(Debug)]
pub enum SignIn {
    /// Signed in: the new session's token for the cookie.
    Accepted { token: String },
    /// Unknown login, wrong password or disabled account: one answer for all.
    Refused,
    /// Too many failures for this login or this address: wait.
    Throttled,
}

/// Checks a login and password, records the attempt in the audit trail and
/// opens a new session (a new token every time: never one the browser
/// brought).
pub async fn sign_in(
    pool: &SqlitePool,
    login: &str,
    password: &str,
    address: IpAddr,
    now: DateTime<Utc>,
) -> Result<SignIn, sqlx::Error> {
    // One sign-in at a time: the failures are counted and the attempt
    // recorded before the next one is counted, so parallel guesses cannot
    // slip past the limit. Sign-ins are rare; Argon2 takes tens of ms.
    static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _turn = ONE_AT_A_TIME.lock().await;
    let login = login.trim();
    let since = timestamp(now - THROTTLE_WINDOW);
    let address_text = address.to_string();
    let (by_login, by_address): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(actor = ?), 0), COALESCE(SUM(address = ?), 0) FROM audit \
         WHERE action = 'sign_in_failed' AND at >= ?",
    )
    .bind(login)
    .bind(&address_text)
    .bind(&since)
    .fetch_one(pool)
    .await?;
    // The login tried is recorded only if it could be one (never a
    // password typed into the wrong box).
    let recorded_login = is_login(login).then_some(login);
    let record = |action| {
        let entry = Entry {
            actor: recorded_login,
            address: Some(&address_text),
            action,
            ..Entry::default()
        };
        audit(pool, now, entry)
    };
    if by_login >= MAX_FAILURES || by_address >= MAX_FAILURES {
        record("sign_in_throttled").await?;
        return Ok(SignIn::Throttled);
    }
    let account: Option<(i64, String, bool)> =
        sqlx::query_as("SELECT id, password_hash, active FROM staff_users WHERE login = ?")
            .bind(login)
            .fetch_optional(pool)
            .await?;
    let password = password.to_owned();
    let hash = account
        .as_ref()
        .map_or_else(|| decoy_hash().to_owned(), |(_, hash, _)| hash.clone());
    // Argon2 takes tens of milliseconds of CPU on purpose: off the async workers.
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    let Some((user_id, _, true)) = account.filter(|_| matches) else {
        record("sign_in_failed").await?;
        return Ok(SignIn::Refused);
    };
    let token = new_token();
    sqlx::query(
        "INSERT INTO staff_sessions (token_hash, user_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(timestamp(now))
    .bind(timestamp(now))
    .execute(pool)
    .await?;
    audit(
        pool,
        now,
        Entry {
            actor: Some(login),
            address: Some(&address_text),
            action: "sign_in",
            ..Entry::default()
        },
    )
    .await?;
    Ok(SignIn::Accepted { token })
}

/// 256 bits from the operating system's CSPRNG, in hex.
fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The staff member whose live session `token` is, touching it; `None` for
/// an unknown, ended, idle or too old session (which is then removed).
pub async fn session(
    pool: &SqlitePool,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<Staff>, sqlx::Error> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let hash = token_hash(token);
    let row: Option<(String, String, String, String, String, bool)> = sqlx::query_as(
        "SELECT u.login, u.display_name, u.role, s.created_at, s.last_seen_at, u.active \
         FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id WHERE s.token_hash = ?",
    )
    .bind(&hash)
    .fetch_optional(pool)
    .await?;
    let Some((login, name, role, created_at, last_seen_at, active)) = row else {
        return Ok(None);
    };
    let parse = |text: &str| {
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .ok()
    };
    let live = matches!((parse(&created_at), parse(&last_seen_at)), (Some(created), Some(seen))
        if now - seen <= IDLE_LIMIT && now - created <= ABSOLUTE_LIMIT);
    let role = Role::from_code(&role);
    match role {
        Some(role) if live && active => {
            sqlx::query("UPDATE staff_sessions SET last_seen_at = ? WHERE token_hash = ?")
                .bind(timestamp(now))
                .bind(&hash)
                .execute(pool)
                .await?;
            Ok(Some(Staff { login, name, role }))
        }
        _ => {
            end_session(pool, token).await?;
            Ok(None)
        }
    }
}

pub async fn end_session(pool: &SqlitePool, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM staff_sessions WHERE token_hash = ?")
        .bind(token_hash(token))
        .execute(pool)
        .await?;
    Ok(())
}

/// The `Set-Cookie` value for a new session: never to scripts, never on
/// requests from other sites, `Secure` when the service is reached over
/// HTTPS. It lasts as long as the browser; the server ends it.
pub fn session_cookie(token: &str, secure: bool) -> String {
    session_cookie_builder(token, secure).build().to_string()
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn cleared_session_cookie(secure: bool) -> String {
    session_cookie_builder("", secure)
        .max_age(cookie::time::Duration::ZERO)
        .build()
        .to_string()
}

fn session_cookie_builder(token: &str, secure: bool) -> cookie::CookieBuilder<'_> {
    Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
}

/// The session token the browser sent, if any.
pub fn session_token(headers: &axum::http::HeaderMap) -> Option<String> {
    crate::ssr::cookie(headers, SESSION_COOKIE)
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
    fn passwords_are_argon2id_and_at_least_twelve_characters() {
        assert!(matches!(
            hash_password("short pass"),
            Err(AccountError::PasswordTooShort)
        ));
        let hash = hash_password("correct horse battery").expect("hash");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterz", &hash));
    }

    #[test]
    fn tokens_are_256_random_bits_and_stored_only_as_their_hash() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_ne!(token_hash(&a), a);
        assert_eq!(token_hash(&a), token_hash(&a));
    }

    #[test]
    fn the_cookie_is_http_only_strict_and_secure_over_https() {
        let cookie = session_cookie("ab", true);
        let attributes: Vec<&str> = cookie.split("; ").collect();
        assert!(
            cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Strict")
                && attributes.contains(&"Secure"),
            "{cookie}"
        );
        assert!(!session_cookie("ab", false).contains("Secure"));
    }
}
