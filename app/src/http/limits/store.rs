//! The limits' rows (`client_attempts`): one per attempt a limit counts,
//! by the limit's kind and the client.

use chrono::{DateTime, Utc};
use sqlx::{Any, AnyPool};

use crate::store::timestamp;

/// The moment of the `n`-th latest attempt (from 0) of `client` for
/// `kind` after `since`, if it made that many.
pub async fn nth_latest<'c, E>(
    executor: E,
    (kind, client): (&str, &str),
    since: DateTime<Utc>,
    n: usize,
) -> Result<Option<String>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = Any>,
{
    sqlx::query_scalar(
        "SELECT at FROM client_attempts WHERE kind = $1 AND client = $2 AND at > $3 \
         ORDER BY at DESC LIMIT 1 OFFSET $4",
    )
    .bind(kind)
    .bind(client)
    .bind(timestamp(since))
    .bind(i64::try_from(n).unwrap_or(i64::MAX))
    .fetch_optional(executor)
    .await
}

/// Records an attempt of `client` for `kind` at `now`.
pub async fn insert<'c, E>(
    executor: E,
    (kind, client): (&str, &str),
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = Any>,
{
    sqlx::query("INSERT INTO client_attempts (kind, client, at) VALUES ($1, $2, $3)")
        .bind(kind)
        .bind(client)
        .bind(timestamp(now))
        .execute(executor)
        .await?;
    Ok(())
}

/// Deletes the attempts for `kind` up to `until` (out of its window).
pub async fn forget_until<'c, E>(
    executor: E,
    kind: &str,
    until: DateTime<Utc>,
) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = Any>,
{
    sqlx::query("DELETE FROM client_attempts WHERE kind = $1 AND at <= $2")
        .bind(kind)
        .bind(timestamp(until))
        .execute(executor)
        .await?;
    Ok(())
}

/// Deletes the latest attempt of `client` for `kind`.
pub async fn forget_latest(
    pool: &AnyPool,
    (kind, client): (&str, &str),
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM client_attempts WHERE id = (SELECT id FROM client_attempts \
         WHERE kind = $1 AND client = $2 ORDER BY at DESC, id DESC LIMIT 1)",
    )
    .bind(kind)
    .bind(client)
    .execute(pool)
    .await?;
    Ok(())
}

/// How many attempts are kept (the tests).
#[cfg(test)]
pub async fn count(pool: &AnyPool, kind: Option<(&str, &str)>) -> Result<i64, sqlx::Error> {
    match kind {
        None => {
            sqlx::query_scalar("SELECT COUNT(*) FROM client_attempts")
                .fetch_one(pool)
                .await
        }
        Some((kind, client)) => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM client_attempts WHERE kind = $1 AND client = $2",
            )
            .bind(kind)
            .bind(client)
            .fetch_one(pool)
            .await
        }
    }
}
