//! The database: which one (`url`), one pool for the whole process,
//! opened durably and migrated at start, the service's key file, and
//! backups.

mod url;

pub use url::{DatabaseUrl, Engine};

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Executor as _};

use crate::cli::{BackupArgs, DatabaseArgs};
use sqlx::ConnectOptions as _;
use sqlx::sqlite::SqliteConnectOptions;
use std::str::FromStr as _;

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
            connect(&with_sqlite_mode(url.url(), "rwc"), None).await
        }
        Engine::Postgres { .. } => connect(url.url(), None).await,
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

/// A pool on `url` (at most `connections`, or sqlx's default), each SQLite
/// connection opened with [`SQLITE_PRAGMAS`] when it writes.
async fn connect(url: &str, connections: Option<u32>) -> Result<AnyPool, sqlx::Error> {
    sqlx::any::install_default_drivers();
    // A read-only connection cannot set the journal mode (nor needs to).
    let pragmas = if url.contains("mode=ro") {
        "PRAGMA foreign_keys = ON;"
    } else {
        SQLITE_PRAGMAS
    };
    let mut options = AnyPoolOptions::new().after_connect(move |connection, _| {
        Box::pin(async move {
            if connection.backend_name() == "SQLite" {
                connection.execute(pragmas).await?;
            } else {
                // A writer waits for its turn as long as SQLite's busy
                // timeout, then the answer is "busy, try again".
                connection.execute("SET lock_timeout = '5s'").await?;
            }
            Ok(())
        })
    });
    if let Some(connections) = connections {
        options = options.max_connections(connections);
    }
    options.connect(url).await
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
    let pool = match url.engine() {
        Engine::Sqlite { file } => return read_only_sqlite(url.url(), file).await,
        Engine::Postgres { .. } => connect(url.url(), Some(1))
            .await
            .with_context(|| format!("cannot open the {url}"))?,
    };
    sqlx::query("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        .execute(&pool)
        .await?;
    Ok(pool)
}

/// The SQLite file `file` (at `url`), opened read-only (see
/// [`open_read_only`]).
async fn read_only_sqlite(url: &str, file: &Path) -> Result<AnyPool> {
    if !file.exists() {
        bail!("there is no database at {}", file.display());
    }
    connect(&with_sqlite_mode(url, "ro"), Some(1))
        .await
        .with_context(|| format!("cannot open the database {}", file.display()))
}

/// The key file's secret if there is one (never made here), and the audit
/// chain's key from it, for the commands that only read: `audit verify`
/// and `backup`. Without it, keyed lines cannot be checked, and they say
/// so.
pub fn use_existing_secret(database: &DatabaseArgs) -> Result<bool> {
    use std::io::Read as _;
    let path = database.key_file()?;
    let mut secret = [0_u8; 32];
    match std::fs::File::open(&path) {
        Ok(mut file) => {
            file.read_exact(&mut secret).with_context(|| {
                format!("cannot read the key file {} (32 bytes)", path.display())
            })?;
            app::audit::chain::use_key(app::audit::chain::AuditKey::derive(&secret));
            Ok(true)
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(false),
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
    use std::io::Read as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    create_parent_directory(path)?;
    let mut secret = [0_u8; 32];
    match std::fs::File::open(path) {
        Ok(mut file) => {
            file.read_exact(&mut secret).with_context(|| {
                format!("cannot read the key file {} (32 bytes)", path.display())
            })?;
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            // Written whole under another name, then renamed: a crash
            // leaves either no key file or a complete one.
            secret = rand::random();
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
        }
        Err(error) => {
            return Err(error)
                .with_context(|| format!("cannot read the key file {}", path.display()));
        }
    }
    Ok(secret)
}

/// The name of a dated backup, and how backups in a directory are told
/// from other files (sealed for a recipient, they end in `.db.age`).
const BACKUP_PREFIX: &str = "second-opinion-";
const BACKUP_SUFFIX: &str = ".db";
const SEALED_SUFFIX: &str = ".db.age";
/// Where `--into` keeps the last audit line a backup saw.
const ANCHOR: &str = "audit-anchor";

/// Copies the database at `args.database_url` with SQLite's `VACUUM INTO`,
/// which reads one consistent snapshot while writers go on: into the file
/// named by `--to`, or a dated file `--into` a directory, keeping the
/// newest `--keep` there. The copy is readable by its owner only (it holds
/// medical personal data). With `--encrypt-to` (or
/// `SECOND_OPINION_BACKUP_RECIPIENT`), the copy is sealed with age for
/// that recipient: only the public key is on the server, and no plaintext
/// copy is left anywhere (the snapshot is written to a private temporary
/// file, checked, sealed, and removed).
///
/// The audit trail's chain is checked on the copy and its last line
/// printed, for the system log to keep it apart from the file; and checked
/// against the anchor the last backup left (`--anchor`, or `audit-anchor`
/// in the `--into` directory): when that line is gone or changed, the trail
/// was cut or rewritten, and the backup fails, keeping every older copy.
pub async fn backup(args: &BackupArgs) -> Result<()> {
    use_existing_secret(&args.database)?;
    let recipients = recipients(&args.encrypt_to)?;
    let suffix = if recipients.is_empty() {
        BACKUP_SUFFIX
    } else {
        SEALED_SUFFIX
    };
    let target = match (&args.to, &args.into) {
        (Some(file), _) => file.clone(),
        (None, Some(directory)) => {
            std::fs::create_dir_all(directory)
                .with_context(|| format!("cannot create {}", directory.display()))?;
            let stamp = domain::japan_time(&app::clock::now()).format("%Y-%m-%dT%H%M%S%.3f");
            directory.join(format!("{BACKUP_PREFIX}{stamp}{suffix}"))
        }
        (None, None) => bail!("say where to write the backup: --to FILE or --into DIRECTORY"),
    };
    let url = &args.database.database_url;
    let Some(file) = url.sqlite_file() else {
        bail!("this build of the service backs up SQLite only: use pg_dump for PostgreSQL");
    };
    let options = SqliteConnectOptions::from_str(url.url())
        .with_context(|| format!("cannot read the URL of the {url}"))?
        .read_only(true);
    if !file.exists() {
        bail!("there is no database at {}", file.display());
    }
    create_parent_directory(&target)?;
    create_private(&target)?;
    // Sealed: the snapshot goes to a private temporary directory first.
    let scratch = if recipients.is_empty() {
        None
    } else {
        Some(
            tempfile::Builder::new()
                .prefix("second-opinion-backup-")
                .tempdir()?,
        )
    };
    let snapshot = match &scratch {
        Some(directory) => {
            let file = directory.path().join("snapshot.db");
            create_private(&file)?;
            file
        }
        None => target.clone(),
    };
    let written = write_snapshot(&options, &snapshot).await;
    if let Err(error) = written {
        let _ = std::fs::remove_file(&target);
        return Err(error);
    }
    let mut out = std::io::stdout();
    let anchor = args
        .anchor
        .clone()
        .or_else(|| args.into.as_ref().map(|directory| directory.join(ANCHOR)));
    // The copy's chain, its state and last line, go to the backup unit's
    // journal each night, out of the database's reach. A broken chain or a
    // lost anchor fails the unit, and no older copy is removed: those from
    // before the tampering are the evidence.
    // A copy whose chain fails is kept all the same (sealed, when it is
    // to be): it is evidence too.
    if !recipients.is_empty() {
        seal(&snapshot, &target, recipients)?;
    }
    writeln!(out, "backup written to {}", target.display())?;
    let (check, head) = check_copy(&snapshot, anchor.as_deref()).await?;
    if scratch.is_some() {
        std::fs::remove_file(&snapshot).context("cannot remove the temporary snapshot")?;
    }
    writeln!(out, "audit trail: {check}")?;
    let head = head.map_err(|problem| anyhow::anyhow!("{problem}; every backup is kept"))?;
    if let (Some(path), Some((id, hash))) = (&anchor, &head) {
        write_anchor(path, *id, hash)?;
        writeln!(out, "audit anchor: row {id}, hash {hash}")?;
    }
    if let (Some(directory), Some(keep)) = (&args.into, args.keep) {
        for old in prune_backups(directory, keep as usize)? {
            writeln!(out, "removed the older backup {}", old.display())?;
        }
    }
    Ok(())
}

/// The age recipients to seal for (none: a plain copy).
fn recipients(typed: &[String]) -> Result<Vec<age::x25519::Recipient>> {
    typed
        .iter()
        .map(|text| {
            text.trim()
                .parse::<age::x25519::Recipient>()
                .map_err(|error| {
                    anyhow::anyhow!("--encrypt-to {text}: not an age recipient (age1…): {error}")
                })
        })
        .collect()
}

/// An empty file of the owner's alone: SQLite (or age) writes into it and
/// it never exists readable by others, whatever the umask.
fn create_private(file: &Path) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt as _;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(file)
        .map(drop)
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::AlreadyExists => {
                anyhow::anyhow!("{} exists already; choose a new file", file.display())
            }
            _ => anyhow::Error::new(error).context(format!("cannot create {}", file.display())),
        })
}

/// `VACUUM INTO` the empty file `file` (through SQLite's own driver: this
/// is SQLite's alone).
async fn write_snapshot(options: &SqliteConnectOptions, file: &Path) -> Result<()> {
    let path = file
        .to_str()
        .context("the backup path must be valid UTF-8")?;
    let mut connection = options
        .connect()
        .await
        .context("cannot open the database")?;
    sqlx::query("VACUUM INTO ?")
        .bind(path)
        .execute(&mut connection)
        .await
        .with_context(|| format!("cannot write the backup to {}", file.display()))?;
    Ok(())
}

/// The last line of a chain that checks (none when it is empty), or why
/// the backup fails.
type Head = std::result::Result<Option<(i64, String)>, String>;

/// The chain of the copy at `file` checked, and against the anchor at
/// `anchor` when there is one: what it found, and its last line or why the
/// backup fails.
async fn check_copy(
    file: &Path,
    anchor: Option<&Path>,
) -> Result<(app::audit::chain::ChainCheck, Head)> {
    use app::audit::chain::{self, ChainCheck};
    let copy = read_only_sqlite(&format!("sqlite://{}", file.display()), file).await?;
    require_audit_chain(&copy).await?;
    let check = chain::verify(&copy).await?;
    let head = match &check {
        ChainCheck::Intact { lines, head } => head
            .clone()
            .map(|hash| (i64::try_from(*lines).unwrap_or(i64::MAX), hash)),
        ChainCheck::Broken { .. } => {
            copy.close().await;
            let problem = format!("the audit trail does not verify: {check}");
            return Ok((check, Err(problem)));
        }
    };
    if let Some((id, hash)) = anchor.map(read_anchor).transpose()?.flatten() {
        let found = chain::line_hash(&copy, id).await?;
        if found.as_deref() != Some(hash.as_str()) {
            copy.close().await;
            let problem = format!(
                "the audit trail no longer holds row {id} as the last backup saw it (hash {hash}): \
                 it was cut or rewritten"
            );
            return Ok((check, Err(problem)));
        }
    }
    copy.close().await;
    Ok((check, Ok(head)))
}

fn read_anchor(path: &Path) -> Result<Option<(i64, String)>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(error).with_context(|| format!("cannot read {}", path.display()));
        }
    };
    let mut words = text.split_whitespace();
    match (words.next().map(str::parse::<i64>), words.next()) {
        (Some(Ok(id)), Some(hash)) => Ok(Some((id, hash.to_owned()))),
        _ => bail!("{} is not an audit anchor (row and hash)", path.display()),
    }
}

/// Writes the anchor whole under another name, then renames it.
fn write_anchor(path: &Path, id: i64, hash: &str) -> Result<()> {
    let partial = path.with_extension("new");
    std::fs::write(&partial, format!("{id} {hash}\n"))
        .and_then(|()| std::fs::rename(&partial, path))
        .with_context(|| format!("cannot write the audit anchor {}", path.display()))
}

/// Seals the file `plain` into `sealed` (made empty and private already)
/// for `recipients`, with age.
fn seal(plain: &Path, sealed: &Path, recipients: Vec<age::x25519::Recipient>) -> Result<()> {
    let boxed: Vec<Box<dyn age::Recipient + Send>> = recipients
        .into_iter()
        .map(|recipient| Box::new(recipient) as Box<dyn age::Recipient + Send>)
        .collect();
    let encryptor =
        age::Encryptor::with_recipients(boxed.iter().map(|r| r.as_ref() as &dyn age::Recipient))
            .context("cannot seal the backup: no recipient")?;
    let output = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(sealed)
        .with_context(|| format!("cannot write {}", sealed.display()))?;
    let mut writer = encryptor
        .wrap_output(std::io::BufWriter::new(output))
        .context("cannot seal the backup")?;
    let mut input = std::fs::File::open(plain).context("cannot read the snapshot")?;
    let sealing = std::io::copy(&mut input, &mut writer)
        .and_then(|_| writer.finish())
        .and_then(|mut buffered| std::io::Write::flush(&mut buffered).map(|()| buffered))
        .and_then(|buffered| {
            buffered
                .into_inner()
                .map_err(std::io::IntoInnerError::into_error)
        })
        .and_then(|file| file.sync_all());
    if let Err(error) = sealing {
        let _ = std::fs::remove_file(sealed);
        return Err(error)
            .with_context(|| format!("cannot seal the backup into {}", sealed.display()));
    }
    Ok(())
}

/// Removes all but the newest `keep` dated backups in `directory` (by
/// name, which sorts by date); the files removed.
fn prune_backups(directory: &Path, keep: usize) -> Result<Vec<std::path::PathBuf>> {
    let mut backups: Vec<std::path::PathBuf> = std::fs::read_dir(directory)
        .with_context(|| format!("cannot read {}", directory.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| {
                    name.starts_with(BACKUP_PREFIX)
                        && (name.ends_with(BACKUP_SUFFIX) || name.ends_with(SEALED_SUFFIX))
                })
        })
        .collect();
    backups.sort();
    let old = backups.len().saturating_sub(keep);
    let removed: Vec<_> = backups.into_iter().take(old).collect();
    for path in &removed {
        std::fs::remove_file(path).with_context(|| format!("cannot remove {}", path.display()))?;
    }
    Ok(removed)
}

fn create_parent_directory(file: &Path) -> Result<()> {
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
