//! Server-only helpers of both areas: the pool from context, the HTTP
//! status of each error, cookies, the one rule for where a redirect may go,
//! the client's address, and the limit on attempts per client address.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::Instant;

use leptos::prelude::*;
use leptos::server_fn::http_export::StatusCode;
use sqlx::SqlitePool;

use crate::error::AppError;
use crate::store;

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
        AppError::TooManyAttempts | AppError::LookUpLocked | AppError::TooManyNewRequests => {
            StatusCode::TOO_MANY_REQUESTS
        }
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
    if store::is_busy(error) {
        tracing::warn!(%error, "database busy: {context}");
        fail(AppError::Busy)
    } else {
        fail(AppError::internal(context, error))
    }
}

/// The value of the cookie `name` in the request's `Cookie` headers.
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_owned())
}

/// The `Set-Cookie` value that remembers the chosen language for a year,
/// for the pages the server renders next (see `LANGUAGE_COOKIE`).
pub fn language_cookie(locale: crate::i18n::Locale) -> String {
    use crate::i18n::I18nLocaleTrait;
    cookie::Cookie::build((crate::LANGUAGE_COOKIE, locale.as_str()))
        .path("/")
        .max_age(cookie::time::Duration::days(365))
        .same_site(cookie::SameSite::Lax)
        .build()
        .to_string()
}

/// `next` if it is a path on this site, for a redirect: never an open
/// redirect, however the address is disguised. Browsers read `//` or a
/// backslash in the path as the start of another host and drop tabs and
/// line breaks anywhere; what the query holds is only data.
pub fn local_path(next: &str) -> Option<&str> {
    let path = next.split(['?', '#']).next().unwrap_or_default();
    (path.starts_with('/')
        && !path.contains("//")
        && !path.contains('\\')
        && !next.chars().any(char::is_control))
    .then_some(next)
}

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
/// sharing a connection a few; a script flooding the queue, no more.
#[derive(Debug, Clone)]
pub struct NewCaseLimiter(pub AttemptLimiter);

impl Default for NewCaseLimiter {
    fn default() -> Self {
        Self(AttemptLimiter::new(
            20,
            std::time::Duration::from_secs(60 * 60),
        ))
    }
}

/// 256 bits from the operating system's CSPRNG, in hex: a session's,
/// a pending sign-in's or a confirmation page's token.
pub fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// What is stored of a token: its SHA-256, so that a copy of the database
/// opens nothing.
pub fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether `token` has the shape of one of ours (64 hex digits).
pub fn is_token(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A cookie's name: over HTTPS with the `__Host-` prefix, which browsers
/// accept only with `Secure`, `Path=/` and no `Domain`, so no other host
/// or path can set or shadow it.
pub fn cookie_name(base: &str, https: bool) -> String {
    if https {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

/// A cookie only the server reads: never to scripts, never on requests
/// from other sites, `Secure` and `__Host-` over HTTPS.
pub fn private_cookie(name: &str, https: bool, value: String) -> cookie::CookieBuilder<'static> {
    cookie::Cookie::build((cookie_name(name, https), value))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Strict)
        .secure(https)
}

/// A private cookie's value, under its `__Host-` name or its plain one.
pub fn private_cookie_value(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    cookie(headers, &cookie_name(name, true)).or_else(|| cookie(headers, name))
}

/// The status lookup's limiter: 10 attempts per 15 minutes per address.
pub fn status_lookup_limiter() -> AttemptLimiter {
    AttemptLimiter::new(10, std::time::Duration::from_secs(15 * 60))
}

/// The reverse proxies whose word the service takes, by address or
/// network (`--trusted-proxy`). A request whose connection comes from one
/// of them is counted by the address it names in `X-Forwarded-For` and is
/// served over HTTPS if it says so in `X-Forwarded-Proto`; any other
/// request by its own connection, whatever headers it carries, so that
/// nobody who reaches the port directly can pose as another client.
#[derive(Debug, Clone, Default)]
pub struct Proxies(std::sync::Arc<[ipnet::IpNet]>);

impl Proxies {
    pub fn new(trusted: Vec<ipnet::IpNet>) -> Self {
        Self(trusted.into())
    }

    /// Whether `address` is a trusted proxy.
    pub fn trusts(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        self.0.iter().any(|net| net.contains(&address))
    }

    /// The client of a request that came over a connection from `peer`:
    /// from a trusted proxy, the rightmost address of `X-Forwarded-For`
    /// that is not itself a trusted proxy (each hop appends the address it
    /// saw; entries further left come from the client and prove nothing);
    /// otherwise `peer`.
    pub fn client(&self, headers: &axum::http::HeaderMap, peer: IpAddr) -> IpAddr {
        if !self.trusts(peer) {
            return peer.to_canonical();
        }
        let mut client = peer.to_canonical();
        for entry in forwarded_for(headers).into_iter().rev() {
            let Some(address) = forwarded_address(entry) else {
                break;
            };
            client = address;
            if !self.trusts(address) {
                break;
            }
        }
        client
    }

    /// Whether the client reached the service over HTTPS, as a trusted
    /// proxy in front says.
    pub fn is_https(&self, headers: &axum::http::HeaderMap, peer: IpAddr) -> bool {
        self.trusts(peer)
            && headers
                .get_all("x-forwarded-proto")
                .iter()
                .next_back()
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.rsplit(',').next())
                .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
    }

    /// One line for the log at start: where client addresses come from and
    /// when the service counts itself as served over HTTPS.
    pub fn describe(&self) -> String {
        if self.0.is_empty() {
            return "client addresses come from the connections; no proxy is trusted, \
                    so the service counts itself as served over plain HTTP (cookies without Secure)"
                .to_owned();
        }
        let nets: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        format!(
            "client addresses come from X-Forwarded-For on connections from {} (trusted proxies), \
             from the connection otherwise; served over HTTPS when such a proxy says so \
             in X-Forwarded-Proto",
            nets.join(", ")
        )
    }
}

/// Reads `--trusted-proxy`: an address (`192.0.2.1`, `::1`) or a network
/// (`10.0.0.0/8`, `fd00::/8`).
pub fn parse_trusted(text: &str) -> Result<ipnet::IpNet, String> {
    let text = text.trim();
    text.parse::<ipnet::IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(ipnet::IpNet::from))
        .map(|net| net.trunc())
        .map_err(|_| {
            format!(
                "expected an address or a network such as 127.0.0.1 or 10.0.0.0/8, not {text:?}"
            )
        })
}

/// Every entry of every `X-Forwarded-For` header, in order.
fn forwarded_for(headers: &axum::http::HeaderMap) -> Vec<&str> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .collect()
}

/// An entry of `X-Forwarded-For`: an address, `a.b.c.d:port` or
/// `[v6]:port`.
fn forwarded_address(entry: &str) -> Option<IpAddr> {
    if let Ok(address) = entry.parse::<IpAddr>() {
        return Some(address.to_canonical());
    }
    entry
        .parse::<std::net::SocketAddr>()
        .ok()
        .map(|socket| socket.ip().to_canonical())
}

/// The peer of the connection a request came over.
pub fn peer_of(extensions: &axum::http::Extensions) -> Option<IpAddr> {
    extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip())
}

/// The address of the client making the current request (in a server
/// function).
pub async fn client_address() -> Result<IpAddr, AppError> {
    Ok(connection().await?.0)
}

/// The client's address and whether it reached the service over HTTPS,
/// as the connection or a trusted proxy says.
pub async fn connection() -> Result<(IpAddr, bool), AppError> {
    use axum::extract::ConnectInfo;
    use axum::http::HeaderMap;
    let proxies = use_context::<Proxies>().unwrap_or_default();
    let headers = leptos_axum::extract::<HeaderMap>()
        .await
        .map_err(|e| AppError::internal("read the request headers", &e))?;
    let ConnectInfo(connection) = leptos_axum::extract::<ConnectInfo<std::net::SocketAddr>>()
        .await
        .map_err(|e| AppError::internal("read the client address", &e))?;
    let peer = connection.ip();
    Ok((
        proxies.client(&headers, peer),
        proxies.is_https(&headers, peer),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn proxies(nets: &[&str]) -> Proxies {
        Proxies::new(
            nets.iter()
                .map(|n| parse_trusted(n).expect("net"))
                .collect(),
        )
    }

    fn forwarded(value: &str) -> axum::http::HeaderMap {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert("x-forwarded-for", value.parse().expect("header"));
        headers
    }

    #[test]
    fn the_client_is_the_rightmost_forwarded_address_that_is_no_trusted_proxy() {
        let trusted = proxies(&["127.0.0.1", "10.0.0.0/8"]);
        let nginx: IpAddr = [127, 0, 0, 1].into();
        // nginx appended the client it saw; the entries before are the client's own.
        let headers = forwarded("203.0.113.9, 198.51.100.7");
        assert_eq!(
            trusted.client(&headers, nginx),
            IpAddr::from([198, 51, 100, 7])
        );
        // A second trusted hop in between is skipped.
        let headers = forwarded("198.51.100.7, 10.1.2.3");
        assert_eq!(
            trusted.client(&headers, nginx),
            IpAddr::from([198, 51, 100, 7])
        );
        // Ports and bracketed IPv6 are understood.
        let headers = forwarded("198.51.100.7:5123");
        assert_eq!(
            trusted.client(&headers, nginx),
            IpAddr::from([198, 51, 100, 7])
        );
        let headers = forwarded("[2001:db8::7]:443");
        assert_eq!(
            trusted.client(&headers, nginx),
            "2001:db8::7".parse::<IpAddr>().expect("v6")
        );
        // Unreadable: the last trusted hop stands for the client.
        assert_eq!(trusted.client(&forwarded("not an address"), nginx), nginx);
    }

    #[test]
    fn a_request_that_did_not_come_through_a_trusted_proxy_is_its_own_client() {
        let trusted = proxies(&["127.0.0.1"]);
        let direct: IpAddr = [192, 0, 2, 44].into();
        let mut headers = forwarded("198.51.100.7");
        headers.insert("x-forwarded-proto", "https".parse().expect("header"));
        assert_eq!(trusted.client(&headers, direct), direct);
        assert!(!trusted.is_https(&headers, direct));
        assert!(trusted.is_https(&headers, [127, 0, 0, 1].into()));
        assert!(!Proxies::default().is_https(&headers, [127, 0, 0, 1].into()));
        assert!(parse_trusted("10.0.0.0/33").is_err());
        assert!(parse_trusted("proxy.example").is_err());
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

    #[test]
    fn only_paths_on_this_site_are_redirected_to() {
        assert_eq!(local_path("/status?x=1"), Some("/status?x=1"));
        // A search for an address stays a search.
        let search = "/staff?q=https://clinic.example/";
        assert_eq!(local_path(search), Some(search));
        for elsewhere in [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example/",
            "/staff//evil.example/",
            "/\t/evil.example/",
            "/?\t",
            "/\n/evil.example/",
            "",
        ] {
            assert_eq!(local_path(elsewhere), None, "{elsewhere:?}");
        }
    }

    #[test]
    fn cookies_are_read_by_name_from_every_cookie_header() {
        let mut headers = axum::http::HeaderMap::new();
        headers.append("cookie", "a=1; b=2".parse().expect("header"));
        headers.append("cookie", "c=3".parse().expect("header"));
        assert_eq!(cookie(&headers, "b").as_deref(), Some("2"));
        assert_eq!(cookie(&headers, "c").as_deref(), Some("3"));
        assert_eq!(cookie(&headers, "d"), None);
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
