//! The current moment, read from the browser's clock in the browser and the
//! server's clock on the server. The only place the app reads a clock.

use chrono::{DateTime, NaiveDateTime, Utc};

/// Now, in UTC.
#[cfg(target_arch = "wasm32")]
pub fn now() -> DateTime<Utc> {
    // `Date.now()` is milliseconds since the Unix epoch, a whole number in an f64.
    #[allow(clippy::cast_possible_truncation)]
    let millis = js_sys::Date::now() as i64;
    DateTime::from_timestamp_millis(millis).unwrap_or_default()
}

/// Now, in UTC.
#[cfg(not(target_arch = "wasm32"))]
pub fn now() -> DateTime<Utc> {
    Utc::now()
}

/// The wall-clock time in Japan now.
pub fn now_in_japan() -> NaiveDateTime {
    domain::japan_time(&now())
}
