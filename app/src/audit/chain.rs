//! The audit trail in SQLite as a hash chain (server only). Each line's
//! hash covers its own content and the hash of the line before it, and
//! each line takes the next id under the write lock, so the chain cannot
//! fork. A line changed with plain SQL (the triggers dropped first) no
//! longer matches its hash; a line removed breaks the hash of the one after
//! it; `verify` walks the chain and names the first line that does not fit.
//!
//! The chain shows tampering to whoever checks it; it cannot stop someone
//! who can write the file from rebuilding the whole chain, so
//! `second-opinion audit verify` (which only reads the file) also prints
//! the last hash, for the IT admin to keep elsewhere.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::{SqliteConnection, SqlitePool};

use super::AuditAction;
use super::store::{self, Line};
use crate::store::timestamp;

/// A line to append.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    /// The staff login, or the operating-system user of a command.
    pub actor: Option<&'a str>,
    /// The client's address (sign-ins).
    pub address: Option<&'a str>,
    pub action: AuditAction,
    pub case_id: Option<i64>,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
}

impl Entry<'_> {
    /// A line recording `action`, with nothing else yet.
    pub const fn of(action: AuditAction) -> Self {
        Self {
            actor: None,
            address: None,
            action,
            case_id: None,
            before: None,
            after: None,
        }
    }
}

/// The hash of a line (the data of a line is the store's: `store::Line`).
impl Line<'_> {
    /// SHA-256 over the previous line's hash and every field of this one,
    /// each field tagged and length-prefixed so that no two different lines
    /// give the same bytes.
    fn hash(&self, previous: &str) -> String {
        fn field(hasher: &mut Sha256, value: Option<&str>) {
            match value {
                None => hasher.update([0]),
                Some(text) => {
                    hasher.update([1]);
                    hasher.update((text.len() as u64).to_be_bytes());
                    hasher.update(text.as_bytes());
                }
            }
        }
        let mut hasher = Sha256::new();
        hasher.update(b"second-opinion audit line v1");
        let (id, case_id) = (self.id.to_string(), self.case_id.map(|id| id.to_string()));
        for value in [
            Some(previous),
            Some(&id),
            Some(self.at),
            self.actor,
            self.address,
            Some(self.action),
            case_id.as_deref(),
            self.before,
            self.after,
        ] {
            field(&mut hasher, value);
        }
        hex::encode(hasher.finalize())
    }
}

/// Appends a line. `connection` must be in a write transaction (`BEGIN
/// IMMEDIATE`, or one that has written already), so that the line before
/// cannot change between reading its hash and writing this one; should it
/// anyway, the explicit id makes the insert fail rather than fork.
pub async fn append(
    connection: &mut SqliteConnection,
    now: DateTime<Utc>,
    entry: Entry<'_>,
) -> Result<(), sqlx::Error> {
    let last = store::last_line(&mut *connection).await?;
    let (id, previous) = last.map_or((1, String::new()), |(id, hash)| {
        (id + 1, hash.unwrap_or_default())
    });
    let at = timestamp(now);
    let line = Line {
        id,
        at: &at,
        actor: entry.actor,
        address: entry.address,
        action: entry.action.code(),
        case_id: entry.case_id,
        before: entry.before,
        after: entry.after,
    };
    store::insert_line(connection, &line, &line.hash(&previous)).await
}

/// Appends a line in a transaction of its own.
pub async fn record(
    pool: &SqlitePool,
    now: DateTime<Utc>,
    entry: Entry<'_>,
) -> Result<(), sqlx::Error> {
    let mut transaction = pool.begin_with("BEGIN IMMEDIATE").await?;
    append(&mut transaction, now, entry).await?;
    transaction.commit().await
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainCheck {
    /// Every line fits: how many, and the last hash (none when empty).
    Intact { lines: u64, head: Option<String> },
    /// The first line that does not fit, and how.
    Broken { id: i64, problem: Break },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Break {
    /// The line has no hash: it was written around the service.
    Unsealed,
    /// Its hash does not match: this line was changed, or the one before
    /// it was changed or removed.
    Altered,
    /// The ids jump to this line: the lines between were removed.
    Gap { missing_from: i64 },
}

impl std::fmt::Display for ChainCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Intact { lines, head } => {
                write!(f, "ok {lines} rows")?;
                if let Some(head) = head {
                    write!(f, ", last hash {head}")?;
                }
                Ok(())
            }
            Self::Broken { id, problem } => match problem {
                Break::Unsealed => write!(f, "row {id} does not fit: it has no hash"),
                Break::Altered => write!(
                    f,
                    "row {id} does not fit: it was changed, or the row before it was changed or removed"
                ),
                Break::Gap { missing_from } => write!(
                    f,
                    "row {id} does not fit: rows {missing_from} to {} were removed",
                    id - 1
                ),
            },
        }
    }
}

/// How many lines `verify` reads at a time.
const BATCH: i64 = 10_000;

/// Walks the whole chain in id order, from id 1.
pub async fn verify(pool: &SqlitePool) -> Result<ChainCheck, sqlx::Error> {
    let mut previous = String::new();
    let mut next_id: i64 = 1;
    loop {
        let batch = store::lines_from(pool, next_id, BATCH).await?;
        if batch.is_empty() {
            let lines = u64::try_from(next_id - 1).unwrap_or_default();
            let head = (lines > 0).then_some(previous);
            return Ok(ChainCheck::Intact { lines, head });
        }
        for stored in &batch {
            if stored.id != next_id {
                let missing_from = next_id;
                return Ok(broken(stored.id, Break::Gap { missing_from }));
            }
            let Some(hash) = &stored.hash else {
                return Ok(broken(stored.id, Break::Unsealed));
            };
            if *hash != stored.line().hash(&previous) {
                return Ok(broken(stored.id, Break::Altered));
            }
            previous.clone_from(hash);
            next_id += 1;
        }
    }
}

const fn broken(id: i64, problem: Break) -> ChainCheck {
    ChainCheck::Broken { id, problem }
}

/// Seals the lines written before the chain existed. The caller does this
/// once, right after the migration that adds the chain (and this refuses
/// to when any line has a hash already): afterwards a line without one is
/// a break, never sealed.
pub async fn seal_unchained(pool: &SqlitePool) -> Result<u64, sqlx::Error> {
    let mut transaction = pool.begin_with("BEGIN IMMEDIATE").await?;
    if store::any_chained(&mut transaction).await? {
        return Ok(0);
    }
    let stored = store::all_lines(&mut transaction).await?;
    let mut previous = String::new();
    for line in &stored {
        let hash = line.line().hash(&previous);
        store::set_hash(&mut transaction, line.id, &hash).await?;
        previous = hash;
    }
    transaction.commit().await?;
    Ok(stored.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(after: Option<&str>) -> Line<'_> {
        Line {
            id: 7,
            at: "2026-12-02T01:02:03.000Z",
            actor: Some("sato"),
            address: Some("127.0.0.1"),
            action: "case_viewed",
            case_id: Some(3),
            before: None,
            after,
        }
    }

    #[test]
    fn a_line_hash_depends_on_every_field_and_on_the_line_before() {
        let original = line(Some("x")).hash("");
        assert_eq!(original, line(Some("x")).hash(""), "deterministic");
        assert_eq!(original.len(), 64);
        assert_ne!(original, line(Some("y")).hash(""));
        assert_ne!(original, line(None).hash(""));
        assert_ne!(original, line(Some("x")).hash("00"));
        let moved = Line {
            id: 8,
            ..line(Some("x"))
        };
        assert_ne!(original, moved.hash(""));
    }

    #[test]
    fn fields_cannot_trade_characters_and_keep_the_hash() {
        let a = Line {
            before: Some("ab"),
            after: Some("c"),
            ..line(None)
        };
        let b = Line {
            before: Some("a"),
            after: Some("bc"),
            ..line(None)
        };
        let empty = Line {
            before: Some(""),
            after: None,
            ..line(None)
        };
        assert_ne!(a.hash(""), b.hash(""));
        assert_ne!(empty.hash(""), line(None).hash(""), "empty is not absent");
    }

    #[test]
    fn a_broken_chain_names_the_row_and_how() {
        let gap = ChainCheck::Broken {
            id: 9,
            problem: Break::Gap { missing_from: 5 },
        };
        assert_eq!(
            gap.to_string(),
            "row 9 does not fit: rows 5 to 8 were removed"
        );
        let intact = ChainCheck::Intact {
            lines: 3,
            head: Some("ab".into()),
        };
        assert!(intact.to_string().starts_with("ok 3 rows"));
    }
}
