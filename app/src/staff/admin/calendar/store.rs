//! The closure days page's changes (server only). The closure days are
//! read through `crate::store`, which the patient's pages read too.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AnyPool;

use crate::store::timestamp;

/// The appointments still booked on `day`.
pub async fn appointments_on(pool: &AnyPool, day: NaiveDate) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM appointments a JOIN cases c ON c.id = a.case_id \
         WHERE a.day = $1 AND a.ended_at IS NULL AND c.status = 'scheduled'",
    )
    .bind(day.to_string())
    .fetch_one(pool)
    .await
}

/// A closure day; none when the day is closed already.
pub async fn add_closure(
    pool: &AnyPool,
    day: NaiveDate,
    name: &str,
    by: &str,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "INSERT INTO closure_days (day, name, added_by, added_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (day) DO NOTHING",
    )
    .bind(day.to_string())
    .bind(name)
    .bind(by)
    .bind(timestamp(now))
    .execute(pool)
    .await?
    .rows_affected())
}

pub async fn remove_closure(pool: &AnyPool, day: NaiveDate) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM closure_days WHERE day = $1")
        .bind(day.to_string())
        .execute(pool)
        .await?
        .rows_affected())
}
