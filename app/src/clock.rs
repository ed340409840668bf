//! The current moment, read from the browser's clock in the browser and the
//! server's clock on the server. The only place the app and the server read
//! the wall clock (clippy's `disallowed-methods` refuses `Utc::now` and
//! `SystemTime::now` anywhere else), so a test sets the time of every
//! process at once by running them under Debian's `faketime`, and a
//! release build has nothing that sets its clock.

use chrono::{DateTime, NaiveDateTime, Utc};

/// How far the server's clock is ahead of the browser's, in milliseconds
/// (see [`follow_server`]).
#[cfg(target_arch = "wasm32")]
static SERVER_AHEAD_MILLIS: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

/// The browser's clock now, in milliseconds since the Unix epoch.
#[cfg(target_arch = "wasm32")]
fn browser_millis() -> i64 {
    // `Date.now()` is milliseconds since the Unix epoch, a whole number in an f64.
    #[allow(clippy::cast_possible_truncation)]
    let millis = js_sys::Date::now() as i64;
    millis
}

/// From now on, the browser's clock set by the server's, which read
/// `server_millis` when it made the page: a phone whose clock is wrong
/// still shows the window Send will store. (Off by the page's travel time,
/// seconds at most.)
#[cfg(target_arch = "wasm32")]
pub fn follow_server(server_millis: i64) {
    SERVER_AHEAD_MILLIS.store(
        server_millis - browser_millis(),
        std::sync::atomic::Ordering::Relaxed,
    );
}

/// Now, in UTC: the browser's clock, set by the server's once the page
/// said what it was.
#[cfg(target_arch = "wasm32")]
pub fn now() -> DateTime<Utc> {
    let ahead = SERVER_AHEAD_MILLIS.load(std::sync::atomic::Ordering::Relaxed);
    DateTime::from_timestamp_millis(browser_millis() + ahead).unwrap_or_default()
}

/// Now, in UTC.
#[cfg(not(target_arch = "wasm32"))]
#[allow(clippy::disallowed_methods)] // The one place that reads the clock.
pub fn now() -> DateTime<Utc> {
    Utc::now()
}

/// The wall-clock time in Japan now.
pub fn now_in_japan() -> NaiveDateTime {
    domain::japan_time(&now())
}
