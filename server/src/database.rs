//! The SQLite database: one pool for the whole process, opened durably and
//! migrated at start.

use std::io::Write as _;
use std::path::Path;
use std::str::FromStr;

use anyhow::{Context, Result, bail};
use sqlx::ConnectOptions;
use sqlx::SqlitePool;

use app::staff::auth::LoginKey;

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
    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .context("cannot apply the database migrations")?;
    let sealed = app::audit::chain::seal_unchained(&pool)
        .await
        .context("cannot seal the audit trail")?;
    if sealed > 0 {
        tracing::info!("the audit trail's {sealed} earlier rows are now chained by hashes");
    }
    Ok(pool)
}

/// The key of the keyed hashes of typed logins (`LoginKey`), from the file
/// beside the database (`…/second-opinion.key`, mode 0600), made at first
/// start. It is kept out of the database so that a copy of the database
/// (a backup) alone cannot be searched for what was typed. Lost, a new one
/// is made: only old audit lines can no longer be matched with new ones.
pub fn login_key(url: &str) -> Result<LoginKey> {
    use std::io::Read as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let options = SqliteConnectOptions::from_str(url)
        .with_context(|| format!("DATABASE_URL is not a SQLite URL: {url}"))?;
    let path = options.get_filename().with_extension("key");
    create_parent_directory(&path)?;
    let mut secret = [0_u8; 32];
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
    {
        Ok(mut file) => {
            secret = rand::random();
            file.write_all(&secret)
                .and_then(|()| file.sync_all())
                .with_context(|| format!("cannot write the key file {}", path.display()))?;
        }
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            std::fs::File::open(&path)
                .and_then(|mut file| file.read_exact(&mut secret))
                .with_context(|| {
                    format!("cannot read the key file {} (32 bytes)", path.display())
                })?;
        }
        Err(error) => {
            return Err(error)
                .with_context(|| format!("cannot create the key file {}", path.display()));
        }
    }
    Ok(LoginKey::new(secret))
}

/// Copies the database at `args.database_url` into a new file with SQLite's
/// `VACUUM INTO`, which reads one consistent snapshot while writers go on.
pub async fn backup(args: &BackupArgs) -> Result<()> {
    if args.to.exists() {
        bail!("{} exists already; choose a new file", args.to.display());
    }
    let options = SqliteConnectOptions::from_str(&args.database_url)
        .with_context(|| format!("DATABASE_URL is not a SQLite URL: {}", args.database_url))?
        .read_only(true);
    if !options.get_filename().exists() {
        bail!(
            "there is no database at {}",
            options.get_filename().display()
        );
    }
    create_parent_directory(&args.to)?;
    let target = args
        .to
        .to_str()
        .context("the backup path must be valid UTF-8")?;
    let mut connection = options
        .connect()
        .await
        .context("cannot open the database")?;
    sqlx::query("VACUUM INTO ?")
        .bind(target)
        .execute(&mut connection)
        .await
        .with_context(|| format!("cannot write the backup to {}", args.to.display()))?;
    writeln!(std::io::stdout(), "backup written to {}", args.to.display())?;
    Ok(())
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
