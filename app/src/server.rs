//! Server-only helpers of the server functions: the pool from context, the
//! HTTP status of each error, what counts as a submission id, and the limit
//! on attempts per client address.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::Instant;

use leptos::prelude::*;
use leptos::server_fn::http_export::StatusCode;
use sqlx::SqlitePool;

use crate::db;
use crate::error::AppError;

/// The process's one pool, provided by the `server` crate.
pub fn pool() -> Result<SqlitePool, AppError> {
    use_context::<SqlitePool>()
        .ok_or_else(|| AppError::internal("find the pool", &"no SqlitePool in context"))
}

/// The HTTP status that fits `error`.
pub const fn status_of(error: &AppError) -> StatusCode {
    match error {
        AppError::InvalidFields { .. } | AppError::NotSendable { .. } => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        AppError::BadRequest => StatusCode::BAD_REQUEST,
        AppError::Resubmitted => StatusCode::CONFLICT,
        AppError::Busy | AppError::Unreachable => StatusCode::SERVICE_UNAVAILABLE,
        AppError::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Sets the HTTP status that fits `error` and returns it.
pub fn fail(error: AppError) -> AppError {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status_of(&error));
    }
    error
}

/// A database error as the browser sees it: "busy, try again" when SQLite
/// is locked, otherwise a logged internal error.
pub fn database_error(context: &str, error: &sqlx::Error) -> AppError {
    if db::is_busy(error) {
        tracing::warn!(%error, "database busy: {context}");
        fail(AppError::Busy)
    } else {
        fail(AppError::internal(context, error))
    }
}

/// The cookie that lets the browser which sent a request show its
/// confirmation again (reload, print). The reference alone does not: a
/// reference can be seen over a shoulder or in a browser's history.
pub const SENT_COOKIE: &str = "second_opinion_sent";

/// The `Set-Cookie` value for a request just sent: for one day, never to
/// scripts, never on requests from other sites.
pub fn sent_cookie(reference: &domain::reference::Reference) -> String {
    format!(
        "{SENT_COOKIE}={}; Path=/; Max-Age=86400; HttpOnly; SameSite=Strict",
        reference.compact()
    )
}

/// The value of the cookie `name` in the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Whether the request's `Cookie` headers hold the sent cookie for this
/// reference.
pub fn has_sent_cookie(
    headers: &axum::http::HeaderMap,
    reference: &domain::reference::Reference,
) -> bool {
    cookie(headers, SENT_COOKIE) == Some(reference.compact())
}

/// 8 to 64 letters, digits and dashes: what the form generates.
pub fn is_submission_id(text: &str) -> bool {
    (8..=64).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
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

/// The attempts of each client, and when clients whose attempts had all
/// expired were last forgotten.
#[derive(Debug, Default)]
struct Attempts {
    by_client: HashMap<IpAddr, VecDeque<Instant>>,
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
        let times = by_client.entry(client).or_default();
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
}

/// The status lookup's limiter: 10 attempts per 15 minutes per address.
pub fn status_lookup_limiter() -> AttemptLimiter {
    AttemptLimiter::new(10, std::time::Duration::from_secs(15 * 60))
}

/// Where the client's address comes from, as the hospital's deployment says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAddressSource {
    /// The TCP connection: the service faces the clients directly.
    Connection,
    /// The last address of `X-Forwarded-For`, which the hospital's reverse
    /// proxy appends: the service is reachable only through that proxy,
    /// whose own address every connection would otherwise share.
    ForwardedFor,
}

/// The address of the client making the current request.
pub async fn client_address() -> Result<IpAddr, AppError> {
    use axum::extract::ConnectInfo;
    use axum::http::HeaderMap;
    let source = use_context::<ClientAddressSource>().unwrap_or(ClientAddressSource::Connection);
    let headers = leptos_axum::extract::<HeaderMap>()
        .await
        .map_err(|e| AppError::internal("read the request headers", &e))?;
    let ConnectInfo(connection) = leptos_axum::extract::<ConnectInfo<std::net::SocketAddr>>()
        .await
        .map_err(|e| AppError::internal("read the client address", &e))?;
    Ok(address_of(source, &headers, connection))
}

/// The client's address from the connection or, behind the hospital's
/// proxy, from the header it writes.
pub fn address_of(
    source: ClientAddressSource,
    headers: &axum::http::HeaderMap,
    connection: std::net::SocketAddr,
) -> IpAddr {
    match source {
        ClientAddressSource::ForwardedFor => {
            last_forwarded_for(headers).unwrap_or_else(|| connection.ip())
        }
        ClientAddressSource::Connection => connection.ip(),
    }
}

/// The last entry of `X-Forwarded-For`: the one our proxy wrote. Entries
/// before it come from the client and could be forged.
fn last_forwarded_for(headers: &axum::http::HeaderMap) -> Option<IpAddr> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()?
        .to_str()
        .ok()?
        .rsplit(',')
        .next()?
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_proxy_written_forwarded_address_is_the_last_one() {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.7".parse().expect("header"),
        );
        assert_eq!(last_forwarded_for(&headers), Some([198, 51, 100, 7].into()));
        headers.insert("x-forwarded-for", "not an address".parse().expect("header"));
        assert_eq!(last_forwarded_for(&headers), None);
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
