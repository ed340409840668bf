//! The database (which one: `crate::database_url`): one pool for the
//! whole process, opened durably and migrated at start, the service's key
//! file, and backups.

mod backup;

pub use backup::backup;

pub use crate::database_url::{DatabaseUrl, Engine};

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Executor as _};

use crate::cli::DatabaseArgs;

/// What every SQLite connection is opened with. WAL lets readers work
/// while a request is written; `synchronous=FULL` makes a committed
/// request survive a power cut, which matters more here than the last bit
/// of write speed; `secure_delete` overwrites what is deleted or replaced
/// (a note, a token, a reduced case's personal data) in the file, not only
/// unlinks it.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
     PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;";

/// Opens the database at `url` and applies its engine's migrations. A
/// SQLite file is made when missing, with its directory.
///
/// On PostgreSQL, `synchronous_commit` is the server's (on, by default:
/// an acknowledged request is on disk, and on the synchronous standby
/// when there is one).
pub async fn open(url: &DatabaseUrl) -> Result<AnyPool> {
    let pool = match url.engine() {
        Engine::Sqlite { file } => {
            create_parent_directory(file)?;
            connect(&with_sqlite_mode(url.url(), "rwc"), Access::Service).await
        }
        Engine::Postgres { .. } => connect(url.url(), Access::Service).await,
    }
    .with_context(|| format!("cannot open the {url}"))?;
    let chained = has_audit_chain(&pool).await?;
    migrator(url.engine())
        .run(&pool)
        .await
        .context("cannot apply the database migrations")?;
    // The rows written before the chain existed are chained once, right
    // after the migration that adds it; never again, so that a row whose
    // hash was removed later shows as a break instead of being sealed anew.
    if !chained {
        let sealed = app::audit::chain::seal_unchained(&pool)
            .await
            .context("cannot seal the audit trail")?;
        if sealed > 0 {
            tracing::info!("the audit trail's {sealed} earlier rows are now chained by hashes");
        }
    }
    Ok(pool)
}

/// The migrations of the engine: `server/migrations/sqlite/` and
/// `server/migrations/postgres/`, kept in step (a test compares the
/// schemas they make).
pub fn migrator(engine: &Engine) -> sqlx::migrate::Migrator {
    match engine {
        Engine::Sqlite { .. } => sqlx::migrate!("./migrations/sqlite"),
        Engine::Postgres { .. } => sqlx::migrate!("./migrations/postgres"),
    }
}

/// How a pool is used: the service's (sqlx's default size), or a
/// command's that only reads (one connection, nothing written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Service,
    ReadOnly,
}

/// A pool on `url`, each connection set up as it opens: SQLite's with
/// [`SQLITE_PRAGMAS`] (a read-only one cannot set the journal mode, nor
/// needs to), PostgreSQL's with the wait for the write turn and, to read
/// only, transactions that cannot write.
async fn connect(url: &str, access: Access) -> Result<AnyPool, sqlx::Error> {
    sqlx::any::install_default_drivers();
    // On PostgreSQL, a writer waits for its turn as long as SQLite's busy
    // timeout, then the answer is "busy, try again".
    let setup = match access {
        Access::Service => (SQLITE_PRAGMAS, "SET lock_timeout = '5s'"),
        Access::ReadOnly => (
            "PRAGMA foreign_keys = ON;",
            "SET default_transaction_read_only = on",
        ),
    };
    let mut options = AnyPoolOptions::new()
        .after_connect(move |connection, _| {
            Box::pin(async move {
                let (sqlite, postgres) = setup;
                let statement = if connection.backend_name() == "SQLite" {
                    sqlite
                } else {
                    postgres
                };
                connection.execute(statement).await?;
                Ok(())
            })
        })
        // A connection still inside a transaction is closed, never lent
        // again. When a disk fills, SQLite rolls the transaction back by
        // itself; sqlx's own ROLLBACK then fails, and sqlx keeps counting
        // the connection as in a transaction: every later `BEGIN` on it
        // was refused, and the service stayed refusing after the space
        // came back, until a restart. Closing it also lets go of any lock
        // it might still hold.
        .after_release(|connection, _| Box::pin(async move { Ok(!in_transaction(connection)) }))
        .before_acquire(|connection, _| Box::pin(async move { Ok(!in_transaction(connection)) }));
    if access == Access::ReadOnly {
        options = options.max_connections(1);
    }
    options.connect(url).await
}

/// Whether sqlx counts `connection` as inside a transaction.
fn in_transaction(connection: &sqlx::AnyConnection) -> bool {
    use sqlx::TransactionManager as _;
    sqlx::any::AnyTransactionManager::get_transaction_depth(connection) > 0
}

/// `url` with SQLite's `mode` (`rwc`: made when missing; `ro`: read only),
/// unless it says its own.
fn with_sqlite_mode(url: &str, mode: &str) -> String {
    match url.split_once('?') {
        Some((_, query)) if query.split('&').any(|pair| pair.starts_with("mode=")) => {
            url.to_owned()
        }
        Some(_) => format!("{url}&mode={mode}"),
        None => format!("{url}?mode={mode}"),
    }
}

/// Opens the service's existing database for a command that writes to it
/// and to its audit trail (`case export`, `reduce`): never one made by
/// mistake at a mistyped path; migrated as at start; the audit chain keyed
/// from the key file.
pub async fn open_existing(database: &DatabaseArgs) -> Result<AnyPool> {
    let url = &database.database_url;
    if let Some(file) = url.sqlite_file()
        && !file.exists()
    {
        bail!("there is no database at {}", file.display());
    }
    let pool = open(url).await?;
    let secret = service_secret(&database.key_file()?)?;
    app::audit::chain::use_key(app::audit::chain::AuditKey::derive(&secret));
    Ok(pool)
}

/// Whether the audit table has its hash column (SQLite's migration 0004)
/// already; PostgreSQL's schema has had it from its first migration.
async fn has_audit_chain(pool: &AnyPool) -> Result<bool> {
    if app::store::is_postgres(pool) {
        return Ok(true);
    }
    let columns: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM pragma_table_info('audit') WHERE name = 'hash'")
            .fetch_one(pool)
            .await
            .context("cannot read the database's tables")?;
    Ok(columns > 0)
}

/// Whether the database has the table `name` (an older one may not yet).
pub async fn has_table(pool: &AnyPool, name: &str) -> Result<bool> {
    let sql = if app::store::is_postgres(pool) {
        "SELECT COUNT(*) FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_name = $1"
    } else {
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1"
    };
    let found: i64 = sqlx::query_scalar(sql)
        .bind(name)
        .fetch_one(pool)
        .await
        .context("cannot read the database's tables")?;
    Ok(found > 0)
}

/// Fails unless the audit trail is chained (a SQLite database of a
/// version before the chain, not yet started by this one).
pub async fn require_audit_chain(pool: &AnyPool) -> Result<()> {
    if !has_audit_chain(pool).await? {
        bail!(
            "the audit trail has no hash chain yet: start this version of the server once to upgrade the database"
        );
    }
    Ok(())
}

/// Opens an existing database to read it only: no file made, no migration,
/// nothing written (`audit verify`, `calendar`).
pub async fn open_read_only(url: &DatabaseUrl) -> Result<AnyPool> {
    match url.engine() {
        Engine::Sqlite { file } => read_only_sqlite(url.url(), file).await,
        Engine::Postgres { .. } => connect(url.url(), Access::ReadOnly)
            .await
            .with_context(|| format!("cannot open the {url}")),
    }
}

/// The SQLite file `file` (at `url`), opened read-only (see
/// [`open_read_only`]).
async fn read_only_sqlite(url: &str, file: &Path) -> Result<AnyPool> {
    if !file.exists() {
        bail!("there is no database at {}", file.display());
    }
    connect(&with_sqlite_mode(url, "ro"), Access::ReadOnly)
        .await
        .with_context(|| format!("cannot open the database {}", file.display()))
}

/// The key file's secret if there is one (never made here), and the audit
/// chain's key from it, for the commands that only read: `audit verify`
/// and `backup`. Without it, keyed lines cannot be checked, and they say
/// so.
pub fn use_existing_secret(database: &DatabaseArgs) -> Result<bool> {
    let Some(secret) = read_secret(&database.key_file()?)? else {
        return Ok(false);
    };
    app::audit::chain::use_key(app::audit::chain::AuditKey::derive(&secret));
    Ok(true)
}

/// The key file's 32 bytes, if there is one at `path`.
fn read_secret(path: &Path) -> Result<Option<[u8; 32]>> {
    use std::io::Read as _;
    let mut secret = [0_u8; 32];
    match std::fs::File::open(path) {
        Ok(mut file) => {
            file.read_exact(&mut secret).with_context(|| {
                format!("cannot read the key file {} (32 bytes)", path.display())
            })?;
            Ok(Some(secret))
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => {
            Err(error).with_context(|| format!("cannot read the key file {}", path.display()))
        }
    }
}

/// The service's secret, from the key file `path` (by default beside a
/// SQLite database, `…/second-opinion.key`; mode 0600), made at first
/// start: the key of the
/// keyed hashes of typed logins and of the sealed authenticator secrets
/// (`LoginKey`), and what the e-mails' answer links are derived from
/// (`LinkKey`). It is kept out of the database so that a copy of the
/// database (a backup) alone can neither be searched for what was typed,
/// nor make sign-in codes, nor open a link. Lost, a new one is made: every
/// member must be enrolled again (`user totp-reset`), old audit lines can
/// no longer be matched with new ones, and messages not yet sent offer
/// links that lead nowhere.
pub fn service_secret(path: &Path) -> Result<[u8; 32]> {
    use std::os::unix::fs::OpenOptionsExt as _;
    if let Some(secret) = read_secret(path)? {
        return Ok(secret);
    }
    // Written whole under another name, then renamed: a crash leaves
    // either no key file or a complete one.
    create_parent_directory(path)?;
    let secret: [u8; 32] = rand::random();
    let partial = path.with_extension("key.new");
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&partial)
        .with_context(|| format!("cannot create the key file {}", partial.display()))?;
    file.write_all(&secret)
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::rename(&partial, path))
        .with_context(|| format!("cannot write the key file {}", path.display()))?;
    Ok(secret)
}

pub(crate) fn create_parent_directory(file: &Path) -> Result<()> {
    match file.parent() {
        Some(directory) if !directory.as_os_str().is_empty() => std::fs::create_dir_all(directory)
            .with_context(|| {
                format!(
                    "cannot create the database directory {}",
                    directory.display()
                )
            }),
        _ => Ok(()),
    }
}

/// The key file at `path` as it is now, when it holds a key.
pub fn key_on_disk(path: &Path) -> Option<[u8; 32]> {
    read_secret(path).ok().flatten()
}

/// The newest migration applied to the database (0: none), which the
/// readiness probe compares with this build's.
pub async fn applied_migration(pool: &AnyPool) -> Result<i64, sqlx::Error> {
    let version: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(pool)
            .await?;
    Ok(version.unwrap_or(0))
}

/// This build's newest migration for `engine`.
pub fn latest_migration(engine: &Engine) -> i64 {
    migrator(engine)
        .iter()
        .map(|migration| migration.version)
        .max()
        .unwrap_or(0)
}

/// When the last backup that succeeded ended (RFC 3339), if any did.
pub async fn last_backup(pool: &AnyPool) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT MAX(finished_at) FROM backups")
        .fetch_one(pool)
        .await
}

/// Records a backup that succeeded (its end and size), for the metrics.
pub async fn record_backup(
    pool: &AnyPool,
    finished_at: chrono::DateTime<chrono::Utc>,
    bytes: u64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO backups (finished_at, bytes) VALUES ($1, $2)")
        .bind(app::store::timestamp(finished_at))
        .bind(i64::try_from(bytes).unwrap_or(i64::MAX))
        .execute(pool)
        .await?;
    Ok(())
}

/// Bytes free to this user on the file system holding `path`.
pub fn free_bytes(path: &Path) -> Option<u64> {
    let stat = rustix::fs::statvfs(path).ok()?;
    Some(stat.f_bavail.saturating_mul(stat.f_frsize))
}

/// For the tests of what belongs to a case: the service's schema in memory,
/// and the tables with a `case_id` column.
#[cfg(test)]
pub mod schema {
    pub async fn migrated() -> sqlx::SqlitePool {
        let pool = sqlx::SqlitePool::connect("sqlite::memory:")
            .await
            .expect("memory");
        sqlx::migrate!("./migrations/sqlite")
            .run(&pool)
            .await
            .expect("migrate");
        pool
    }

    pub async fn tables_tied_to_a_case(pool: &sqlx::SqlitePool) -> Vec<String> {
        sqlx::query_scalar(
            "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND p.name = 'case_id' ORDER BY m.name",
        )
        .fetch_all(pool)
        .await
        .expect("tables")
    }
}
