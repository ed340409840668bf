//! The audit table's queries (server only), for the chain (`chain`): the
//! last line, a line inserted with its hash, the lines in id order.

use sqlx::AnyConnection;

/// A line as the hash sees it (its hash is `chain`'s).
#[derive(Debug, Clone, Copy)]
pub(super) struct Line<'a> {
    pub id: i64,
    pub at: &'a str,
    pub actor: Option<&'a str>,
    pub address: Option<&'a str>,
    pub action: &'a str,
    pub case_id: Option<i64>,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
}

#[derive(Debug, sqlx::FromRow)]
pub(super) struct StoredLine {
    pub id: i64,
    at: String,
    actor: Option<String>,
    address: Option<String>,
    action: String,
    case_id: Option<i64>,
    before: Option<String>,
    after: Option<String>,
    pub hash: Option<String>,
}

impl StoredLine {
    pub fn line(&self) -> Line<'_> {
        Line {
            id: self.id,
            at: &self.at,
            actor: self.actor.as_deref(),
            address: self.address.as_deref(),
            action: &self.action,
            case_id: self.case_id,
            before: self.before.as_deref(),
            after: self.after.as_deref(),
        }
    }
}

/// The last line's id and hash.
pub async fn last_line(
    connection: &mut AnyConnection,
) -> Result<Option<(i64, Option<String>)>, sqlx::Error> {
    sqlx::query_as("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")
        .fetch_optional(connection)
        .await
}

/// The hash of line `id` (`None` when there is no such line).
pub async fn hash_of(
    connection: &mut AnyConnection,
    id: i64,
) -> Result<Option<Option<String>>, sqlx::Error> {
    sqlx::query_scalar("SELECT hash FROM audit WHERE id = $1")
        .bind(id)
        .fetch_optional(connection)
        .await
}

/// Inserts `line` with its `hash`.
pub async fn insert_line(
    connection: &mut AnyConnection,
    line: &Line<'_>,
    hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit (id, at, actor, address, action, case_id, before, after, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(line.id)
    .bind(line.at)
    .bind(line.actor)
    .bind(line.address)
    .bind(line.action)
    .bind(line.case_id)
    .bind(line.before)
    .bind(line.after)
    .bind(hash)
    .execute(connection)
    .await?;
    Ok(())
}

/// At most `limit` lines from id `from` on, in id order.
pub async fn lines_from(
    connection: &mut AnyConnection,
    from: i64,
    limit: i64,
) -> Result<Vec<StoredLine>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, at, actor, address, action, case_id, before, after, hash \
         FROM audit WHERE id >= $1 ORDER BY id LIMIT $2",
    )
    .bind(from)
    .bind(limit)
    .fetch_all(connection)
    .await
}

/// Whether any line has a hash (the chain exists).
pub async fn any_chained(connection: &mut AnyConnection) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar::<_, crate::store::Flag>(
        "SELECT EXISTS (SELECT 1 FROM audit WHERE hash IS NOT NULL)",
    )
    .fetch_one(connection)
    .await
    .map(bool::from)
}

/// Every line, in id order.
pub async fn all_lines(connection: &mut AnyConnection) -> Result<Vec<StoredLine>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, at, actor, address, action, case_id, before, after, hash FROM audit ORDER BY id",
    )
    .fetch_all(connection)
    .await
}

pub async fn set_hash(
    connection: &mut AnyConnection,
    id: i64,
    hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE audit SET hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(id)
        .execute(connection)
        .await?;
    Ok(())
}
