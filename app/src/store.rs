//! What the patient's and reception's database code both read (server
//! only): the pool, how moments are stored and shown,
//! the hospital's closure days as a `Calendar`, and until when a
//! reference's status look-up is locked.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use domain::{Calendar, japan_time};
use leptos::prelude::use_context;
use sqlx::SqlitePool;

use crate::error::AppError;

/// The process's one pool, as a server function finds it in its context
/// (the `server` crate builds it).
pub fn pool() -> Result<SqlitePool, AppError> {
    use_context::<SqlitePool>()
        .ok_or_else(|| AppError::internal("find the pool", &"no SqlitePool in context"))
}

/// A moment as it is stored: RFC 3339 in UTC, to the millisecond, so that
/// stored moments sort as text.
pub fn timestamp(moment: DateTime<Utc>) -> String {
    moment.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A stored UTC moment in Japan time, to the second.
pub fn in_japan(stored: &str) -> String {
    DateTime::parse_from_rfc3339(stored).map_or_else(
        |_| stored.to_owned(),
        |moment| japan_time(&moment).format("%Y-%m-%d %H:%M:%S").to_string(),
    )
}

/// A stored value that cannot be read back.
pub fn undecodable(what: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("stored {what}").into())
}

/// The national calendar with the hospital's own closure days.
pub async fn calendar(pool: &SqlitePool) -> Result<Calendar, sqlx::Error> {
    Ok(Calendar::with_extra_closures(
        closures(pool)
            .await?
            .into_iter()
            .map(|(day, name, _)| (day, name)),
    ))
}

/// The hospital's closure days: day, name, who added it.
pub async fn closures(pool: &SqlitePool) -> Result<Vec<(NaiveDate, String, String)>, sqlx::Error> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT day, name, added_by FROM closure_days ORDER BY day")
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(day, name, by)| Some((day.parse().ok()?, name, by)))
        .collect())
}

/// Wrong dates of birth allowed per reference in 24 hours, from all
/// clients together; then its status look-up answers "try later".
pub const MISSES_PER_REFERENCE: i64 = 10;

/// The moment 24 hours before `now`, as stored.
pub fn a_day_before(now: DateTime<Utc>) -> String {
    timestamp(now - chrono::Duration::hours(24))
}

/// Until when the status look-up of `reference` is locked, if it is: a
/// day after the oldest of the last ten misses.
pub async fn status_lookup_locked_until(
    pool: &SqlitePool,
    reference: &domain::reference::Reference,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let tenth: Option<String> = sqlx::query_scalar(
        "SELECT at FROM status_misses WHERE reference = ? AND at > ? \
         ORDER BY at DESC LIMIT 1 OFFSET ?",
    )
    .bind(reference.compact())
    .bind(a_day_before(now))
    .bind(MISSES_PER_REFERENCE - 1)
    .fetch_optional(pool)
    .await?;
    Ok(tenth
        .and_then(|at| DateTime::parse_from_rfc3339(&at).ok())
        .map(|at| at.with_timezone(&Utc) + chrono::Duration::hours(24)))
}
