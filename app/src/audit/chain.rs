//! The audit trail in SQLite as a hash chain (server only). Each line's
//! hash covers its own content and the hash of the line before it, and
//! each line takes the next id under the write lock, so the chain cannot
//! fork. A line changed with plain SQL (the triggers dropped first) no
//! longer matches its hash; a line removed breaks the hash of the one after
//! it; `verify` walks the chain and names the first line that does not fit.
//!
//! Each line is sealed with HMAC-SHA-256 under a key derived from the key
//! file (which is neither in the database nor in its backups), stored as
//! `k1:` and the MAC: someone who can write the database file but not read
//! the key file cannot rewrite a line and seal it again. Lines written by
//! an earlier version carry a plain SHA-256 (no prefix) and still verify;
//! once a keyed line is in the chain, every line after it must be keyed.
//! What a key cannot show, a chain cut at its end, the backups' anchor
//! shows (`backup` remembers the last line it saw and fails when a later
//! copy no longer has it), and the last hash each night goes to the
//! system log, out of the database's reach.
//!
//! The key is the one value set for the whole process ([`use_key`]), once,
//! at the start of `serve` and of every command that writes or checks the
//! chain: every change of every area appends a line, and no path may
//! forget to pass it. Appending without it fails.

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, AnyPool};

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

/// The key the chain's lines are sealed with.
#[derive(Clone)]
pub struct AuditKey([u8; 32]);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(…)")
    }
}

impl AuditKey {
    /// The chain's own key, derived from the service's secret.
    pub fn derive(secret: &[u8; 32]) -> Self {
        Self(crate::keys::derive(secret, crate::keys::info::AUDIT_CHAIN))
    }
}

static KEY: OnceLock<AuditKey> = OnceLock::new();

/// Sets the chain's key for this process (the first call wins: the key
/// file does not change while a process runs).
pub fn use_key(key: AuditKey) {
    let _ = KEY.set(key);
}

fn key() -> Result<&'static AuditKey, sqlx::Error> {
    KEY.get().ok_or_else(|| {
        sqlx::Error::Configuration("the audit trail's key was not read from the key file".into())
    })
}

/// How a keyed line's stored hash begins.
const KEYED: &str = "k1:";

/// The hash of a line (the data of a line is the store's: `store::Line`).
impl Line<'_> {
    /// HMAC-SHA-256 under the chain's key, over the same bytes as
    /// [`Line::hash`] under a tag of its own, as it is stored: `k1:` and
    /// the MAC in hex.
    fn keyed(&self, key: &AuditKey, previous: &str) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&key.0) else {
            unreachable!("HMAC takes a key of any length")
        };
        mac.update(b"second-opinion audit line v2");
        self.each_field(previous, |bytes| mac.update(bytes));
        format!("{KEYED}{}", hex::encode(mac.finalize().into_bytes()))
    }

    /// SHA-256 over the previous line's hash and every field of this one,
    /// each field tagged and length-prefixed so that no two different lines
    /// give the same bytes.
    fn hash(&self, previous: &str) -> String {
        let mut hasher = Sha256::new();
        hasher.update(b"second-opinion audit line v1");
        self.each_field(previous, |bytes| hasher.update(bytes));
        hex::encode(hasher.finalize())
    }

    /// Feeds the previous hash and every field, each tagged and
    /// length-prefixed, to `feed`.
    fn each_field(&self, previous: &str, mut feed: impl FnMut(&[u8])) {
        let mut field = |value: Option<&str>| match value {
            None => feed(&[0]),
            Some(text) => {
                feed(&[1]);
                feed(&(text.len() as u64).to_be_bytes());
                feed(text.as_bytes());
            }
        };
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
            field(value);
        }
    }
}

/// Appends a line. `connection` must be in a write transaction (`BEGIN
/// IMMEDIATE`, or one that has written already), so that the line before
/// cannot change between reading its hash and writing this one; should it
/// anyway, the explicit id makes the insert fail rather than fork.
pub async fn append(
    connection: &mut AnyConnection,
    now: DateTime<Utc>,
    entry: Entry<'_>,
) -> Result<(), sqlx::Error> {
    let key = key()?;
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
    store::insert_line(connection, &line, &line.keyed(key, &previous)).await
}

/// Appends a line in a transaction of its own.
pub async fn record(
    pool: &AnyPool,
    now: DateTime<Utc>,
    entry: Entry<'_>,
) -> Result<(), sqlx::Error> {
    let mut transaction = crate::store::begin_write(pool).await?;
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
    /// A line with a plain hash after keyed ones: written, or rewritten,
    /// without the key file.
    Unkeyed,
    /// A keyed line, and no key to check it with.
    NoKey,
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
                Break::Unkeyed => write!(
                    f,
                    "row {id} does not fit: it is not sealed with the key file's key, as the rows before it are"
                ),
                Break::NoKey => write!(
                    f,
                    "row {id} is sealed with the key file's key, and the key file was not read"
                ),
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

/// The stored hash of line `id`, if there is such a line.
pub async fn line_hash(
    connection: &mut AnyConnection,
    id: i64,
) -> Result<Option<String>, sqlx::Error> {
    Ok(store::hash_of(connection, id).await?.flatten())
}

/// How many lines `verify` reads at a time.
const BATCH: i64 = 10_000;

/// Walks the whole chain in id order, from id 1.
pub async fn verify(pool: &AnyPool) -> Result<ChainCheck, sqlx::Error> {
    verify_on(&mut *pool.acquire().await?).await
}

/// [`verify`] on one connection (a backup's, in the snapshot it copies).
pub async fn verify_on(connection: &mut AnyConnection) -> Result<ChainCheck, sqlx::Error> {
    let mut previous = String::new();
    let mut next_id: i64 = 1;
    let mut keyed = false;
    loop {
        let batch = store::lines_from(&mut *connection, next_id, BATCH).await?;
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
            let fits = if hash.starts_with(KEYED) {
                let Some(key) = KEY.get() else {
                    return Ok(broken(stored.id, Break::NoKey));
                };
                keyed = true;
                *hash == stored.line().keyed(key, &previous)
            } else if keyed {
                return Ok(broken(stored.id, Break::Unkeyed));
            } else {
                *hash == stored.line().hash(&previous)
            };
            if !fits {
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
pub async fn seal_unchained(pool: &AnyPool) -> Result<u64, sqlx::Error> {
    let mut transaction = crate::store::begin_write(pool).await?;
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
    fn a_keyed_line_needs_the_key_and_differs_from_the_plain_hash() {
        let (key, other) = (AuditKey::derive(&[1; 32]), AuditKey::derive(&[2; 32]));
        let keyed = line(Some("x")).keyed(&key, "");
        assert!(keyed.starts_with("k1:") && keyed.len() == 3 + 64, "{keyed}");
        assert_eq!(keyed, line(Some("x")).keyed(&key, ""));
        assert_ne!(keyed, line(Some("x")).keyed(&other, ""), "another key file");
        assert_ne!(keyed, line(Some("y")).keyed(&key, ""));
        assert!(!keyed.ends_with(&line(Some("x")).hash("")));
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
