//! The SQLite database: one pool for the whole process, opened durably and
//! migrated at start.

use std::io::Write as _;
use std::path::Path;
use std::str::FromStr;

use anyhow::{Context, Result, bail};
use sqlx::ConnectOptions;
use sqlx::SqlitePool;

use crate::cli::BackupArgs;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// Opens (creating if missing) the database at `url`, with its directory, and
/// applies the migrations.
///
/// WAL lets readers work while a request is written; `synchronous=FULL`
/// makes a committed request survive a power cut, which matters more here
/// than the last bit of write speed.
pub async fn open(url: &str) -> Result<SqlitePool> {
    let options = SqliteConnectOptions::from_str(url)
        .with_context(|| format!("DATABASE_URL is not a SQLite URL: {url}"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true);
    create_parent_directory(options.get_filename())?;
    let pool = SqlitePoolOptions::new()
        .connect_with(options)
        .await
        .with_context(|| format!("cannot open the database {url}"))?;
    let chained = has_audit_chain(&pool).await?;
    sqlx::migrate!("./migrations")
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

/// Whether the audit table has its hash column (migration 0004) already.
async fn has_audit_chain(pool: &SqlitePool) -> Result<bool> {
    let columns: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM pragma_table_info('audit') WHERE name = 'hash'")
            .fetch_one(pool)
            .await
            .context("cannot read the database's tables")?;
    Ok(columns > 0)
}

/// Opens an existing database to read it only: no file made, no migration,
/// nothing written (`audit verify`).
pub async fn open_read_only(url: &str) -> Result<SqlitePool> {
    let options = SqliteConnectOptions::from_str(url)
        .with_context(|| format!("DATABASE_URL is not a SQLite URL: {url}"))?;
    read_only_pool(options).await
}

/// The database file `options` name, opened read-only (see
/// [`open_read_only`]).
async fn read_only_pool(options: SqliteConnectOptions) -> Result<SqlitePool> {
    let options = options.read_only(true);
    let path = options.get_filename().to_owned();
    if !path.exists() {
        bail!("there is no database at {}", path.display());
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .with_context(|| format!("cannot open the database {}", path.display()))?;
    if !has_audit_chain(&pool).await? {
        bail!(
            "the audit trail has no hash chain yet: start this version of the server once to upgrade the database"
        );
    }
    Ok(pool)
}

/// The service's secret, from the file beside the database
/// (`…/second-opinion.key`, mode 0600), made at first start: the key of the
/// keyed hashes of typed logins and of the sealed authenticator secrets
/// (`LoginKey`), and what the e-mails' answer links are derived from
/// (`LinkKey`). It is kept out of the database so that a copy of the
/// database (a backup) alone can neither be searched for what was typed,
/// nor make sign-in codes, nor open a link. Lost, a new one is made: every
/// member must be enrolled again (`user totp-reset`), old audit lines can
/// no longer be matched with new ones, and messages not yet sent offer
/// links that lead nowhere.
pub fn service_secret(url: &str) -> Result<[u8; 32]> {
    use std::io::Read as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let options = SqliteConnectOptions::from_str(url)
        .with_context(|| format!("DATABASE_URL is not a SQLite URL: {url}"))?;
    let path = options.get_filename().with_extension("key");
    create_parent_directory(&path)?;
    let mut secret = [0_u8; 32];
    match std::fs::File::open(&path) {
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
                .and_then(|()| std::fs::rename(&partial, &path))
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
/// from other files.
const BACKUP_PREFIX: &str = "second-opinion-";
const BACKUP_SUFFIX: &str = ".db";

/// Copies the database at `args.database_url` into a new file with SQLite's
/// `VACUUM INTO`, which reads one consistent snapshot while writers go on:
/// the file named by `--to`, or a dated file `--into` a directory, keeping
/// the newest `--keep` there. The copy is readable by its owner only (it
/// holds medical personal data). The audit trail's chain is checked and
/// its last hash printed, for the log to keep it apart from the file.
pub async fn backup(args: &BackupArgs) -> Result<()> {
    let target = match (&args.to, &args.into) {
        (Some(file), _) => file.clone(),
        (None, Some(directory)) => {
            std::fs::create_dir_all(directory)
                .with_context(|| format!("cannot create {}", directory.display()))?;
            let stamp = domain::japan_time(&app::clock::now()).format("%Y-%m-%dT%H%M%S%.3f");
            directory.join(format!("{BACKUP_PREFIX}{stamp}{BACKUP_SUFFIX}"))
        }
        (None, None) => bail!("say where to write the backup: --to FILE or --into DIRECTORY"),
    };
    let options = SqliteConnectOptions::from_str(&args.database_url)
        .with_context(|| format!("DATABASE_URL is not a SQLite URL: {}", args.database_url))?
        .read_only(true);
    if !options.get_filename().exists() {
        bail!(
            "there is no database at {}",
            options.get_filename().display()
        );
    }
    create_parent_directory(&target)?;
    // An empty file of the owner's alone first: SQLite writes into it and
    // it never exists readable by others, whatever the umask.
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&target)
            .map_err(|error| match error.kind() {
                std::io::ErrorKind::AlreadyExists => {
                    anyhow::anyhow!("{} exists already; choose a new file", target.display())
                }
                _ => {
                    anyhow::Error::new(error).context(format!("cannot create {}", target.display()))
                }
            })?;
    }
    let path = target
        .to_str()
        .context("the backup path must be valid UTF-8")?;
    let mut connection = options
        .connect()
        .await
        .context("cannot open the database")?;
    let copied = sqlx::query("VACUUM INTO ?")
        .bind(path)
        .execute(&mut connection)
        .await;
    if let Err(error) = copied {
        let _ = std::fs::remove_file(&target);
        return Err(error)
            .with_context(|| format!("cannot write the backup to {}", target.display()));
    }
    let mut out = std::io::stdout();
    writeln!(out, "backup written to {}", target.display())?;
    // The copy's chain, its state and last hash, go to the backup unit's
    // journal each night, out of the database's reach. A broken chain fails
    // the unit, and no older copy is removed: those from before the
    // tampering are the evidence.
    let copy = read_only_pool(SqliteConnectOptions::new().filename(&target)).await?;
    let check = app::audit::chain::verify(&copy).await?;
    copy.close().await;
    writeln!(out, "audit trail: {check}")?;
    if matches!(check, app::audit::chain::ChainCheck::Broken { .. }) {
        bail!("the audit trail does not verify: {check}; every backup is kept");
    }
    if let (Some(directory), Some(keep)) = (&args.into, args.keep) {
        for old in prune_backups(directory, keep as usize)? {
            writeln!(out, "removed the older backup {}", old.display())?;
        }
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
                    name.starts_with(BACKUP_PREFIX) && name.ends_with(BACKUP_SUFFIX)
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
