//! Backups (`second-opinion backup`): one consistent snapshot of either
//! engine while the service writes, sealed with age when asked, its audit
//! chain checked and anchored, the newest kept.

use std::io::Write as _;
use std::path::Path;
use std::str::FromStr as _;

use anyhow::{Context, Result, bail};
use app::audit::chain::{self, ChainCheck};
use sqlx::AnyConnection;
use sqlx::ConnectOptions as _;
use sqlx::sqlite::SqliteConnectOptions;

use super::{
    DatabaseUrl, Engine, create_parent_directory, read_only_sqlite, require_audit_chain,
    use_existing_secret,
};
use crate::cli::BackupArgs;

/// The name of a dated backup, and how backups in a directory are told
/// from other files: a SQLite copy ends in `.db`, a PostgreSQL dump in
/// `.dump`, and either sealed for a recipient in `.age` after that.
const BACKUP_PREFIX: &str = "second-opinion-";
const SQLITE_SUFFIX: &str = ".db";
const POSTGRES_SUFFIX: &str = ".dump";
const SEALED: &str = ".age";
/// Where `--into` keeps the last audit line a backup saw.
const ANCHOR: &str = "audit-anchor";

/// Copies the database at `args.database_url` as one consistent snapshot
/// while writers go on (SQLite's `VACUUM INTO`; PostgreSQL's `pg_dump` in
/// its custom format, restored with `pg_restore`): into the file
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
    let url = &args.database.database_url;
    let engine_suffix = match url.engine() {
        Engine::Sqlite { .. } => SQLITE_SUFFIX,
        Engine::Postgres { .. } => POSTGRES_SUFFIX,
    };
    let sealing = if recipients.is_empty() { "" } else { SEALED };
    let suffix = format!("{engine_suffix}{sealing}");
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
    if let Some(file) = url.sqlite_file()
        && !file.exists()
    {
        bail!("there is no database at {}", file.display());
    }
    create_parent_directory(&target)?;
    leaves_enough_space(url, &target, args.keep_free_mib).await?;
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
            let file = directory.path().join(format!("snapshot{engine_suffix}"));
            create_private(&file)?;
            file
        }
        None => target.clone(),
    };
    let mut out = std::io::stdout();
    let anchor = args
        .anchor
        .clone()
        .or_else(|| args.into.as_ref().map(|directory| directory.join(ANCHOR)));
    let (check, head) = match take_snapshot(url, &snapshot, anchor.as_deref()).await {
        Ok(taken) => taken,
        Err(error) => {
            let _ = std::fs::remove_file(&target);
            return Err(error);
        }
    };
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
    // For the metrics' "last backup" (a monitor's alert when backups stop):
    // the copy is made and kept whatever this says.
    let bytes = std::fs::metadata(&target).map_or(0, |file| file.len());
    let recorded = async {
        let pool = super::open_existing(&args.database).await?;
        super::record_backup(&pool, app::clock::now(), bytes).await?;
        pool.close().await;
        Ok::<_, anyhow::Error>(())
    };
    if let Err(error) = recorded.await {
        writeln!(
            out,
            "warning: the backup is not recorded in the database ({error:#}); the metrics will show the previous one"
        )?;
    }
    Ok(())
}

/// Refuses to start a backup that would leave less than `keep_free_mib`
/// MiB free beside `target`, counting the copy as large as the database:
/// a disk filled by backups stops the service's writes.
async fn leaves_enough_space(url: &DatabaseUrl, target: &Path, keep_free_mib: u64) -> Result<()> {
    let directory = target.parent().unwrap_or(Path::new("."));
    let Some(free) = super::free_bytes(directory) else {
        return Ok(());
    };
    let size = database_bytes(url).await.unwrap_or(0);
    let margin = keep_free_mib.saturating_mul(1024 * 1024);
    if free < size.saturating_add(margin) {
        bail!(
            "not started: the backup (about {} MiB) would leave less than {keep_free_mib} MiB free in {} \
             ({} MiB free); make room, or set --keep-free-mib",
            size.div_ceil(1024 * 1024),
            directory.display(),
            free / (1024 * 1024)
        );
    }
    Ok(())
}

/// About how many bytes a copy of the database takes: SQLite's file and
/// its write-ahead log, or PostgreSQL's database size.
async fn database_bytes(url: &DatabaseUrl) -> Option<u64> {
    if let Some(file) = url.sqlite_file() {
        let wal = std::fs::metadata(format!("{}-wal", file.display())).map_or(0, |wal| wal.len());
        return Some(std::fs::metadata(file).ok()?.len() + wal);
    }
    let pool = super::open_read_only(url).await.ok()?;
    let size: i64 = sqlx::query_scalar("SELECT pg_database_size(current_database())")
        .fetch_one(&pool)
        .await
        .ok()?;
    pool.close().await;
    u64::try_from(size).ok()
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

/// Writes the snapshot of the database at `url` into the empty file
/// `file`, and checks the audit chain it holds (see [`check_chain`]).
async fn take_snapshot(
    url: &DatabaseUrl,
    file: &Path,
    anchor: Option<&Path>,
) -> Result<(ChainCheck, Head)> {
    match url.engine() {
        Engine::Sqlite { .. } => {
            let options = SqliteConnectOptions::from_str(url.url())
                .with_context(|| format!("cannot read the URL of the {url}"))?
                .read_only(true);
            write_snapshot(&options, file).await?;
            let copy = read_only_sqlite(&format!("sqlite://{}", file.display()), file).await?;
            require_audit_chain(&copy).await?;
            let checked = check_chain(&mut *copy.acquire().await?, anchor).await;
            copy.close().await;
            checked
        }
        Engine::Postgres { .. } => dump(url, file, anchor).await,
    }
}

/// `pg_dump` of the PostgreSQL database at `url` into `file`, in the
/// snapshot of a transaction that checks the audit chain at the same
/// moment (`pg_export_snapshot`): the dump holds exactly the lines checked.
async fn dump(url: &DatabaseUrl, file: &Path, anchor: Option<&Path>) -> Result<(ChainCheck, Head)> {
    let pool = super::connect(url.url(), super::Access::ReadOnly)
        .await
        .with_context(|| format!("cannot open the {url}"))?;
    let mut connection = pool.acquire().await?;
    let mut snapshot = sqlx::Connection::begin_with(
        &mut *connection,
        "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    )
    .await?;
    let id: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
        .fetch_one(&mut *snapshot)
        .await?;
    let mut command = pg_dump(url.url())?;
    command
        .args(["--format=custom", "--no-owner", "--snapshot", &id, "--file"])
        .arg(file);
    let dumped = tokio::task::spawn_blocking(move || command.status())
        .await?
        .context("cannot run pg_dump (Debian: apt install postgresql-client)")?;
    if !dumped.success() {
        bail!("pg_dump failed ({dumped}): see its message above");
    }
    let checked = check_chain(&mut snapshot, anchor).await;
    snapshot.commit().await?;
    checked
}

/// `pg_dump` of the database at `url`: a password the URL holds goes in
/// its environment, never on its command line, which every user of the
/// machine can read.
fn pg_dump(url: &str) -> Result<std::process::Command> {
    let mut database = url::Url::parse(url).context("cannot read the database URL")?;
    let mut command = std::process::Command::new("pg_dump");
    if let Some(password) = database.password() {
        let password = percent_encoding::percent_decode_str(password)
            .decode_utf8()
            .context("the database URL's password is not UTF-8")?
            .into_owned();
        command.env("PGPASSWORD", password);
        let _ = database.set_password(None);
    }
    command.args(["--dbname", database.as_str()]);
    Ok(command)
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

/// The chain a backup holds (read on `connection`, in its snapshot)
/// checked, and against the anchor at `anchor` when there is one: what it
/// found, and its last line or why the backup fails.
async fn check_chain(
    connection: &mut AnyConnection,
    anchor: Option<&Path>,
) -> Result<(ChainCheck, Head)> {
    let check = chain::verify_on(&mut *connection).await?;
    let head = match &check {
        ChainCheck::Intact { lines, head } => head
            .clone()
            .map(|hash| (i64::try_from(*lines).unwrap_or(i64::MAX), hash)),
        ChainCheck::Broken { .. } => {
            let problem = format!("the audit trail does not verify: {check}");
            return Ok((check, Err(problem)));
        }
    };
    if let Some((id, hash)) = anchor.map(read_anchor).transpose()?.flatten() {
        let found = chain::line_hash(&mut *connection, id).await?;
        if found.as_deref() != Some(hash.as_str()) {
            let problem = format!(
                "the audit trail no longer holds row {id} as the last backup saw it (hash {hash}): \
                 it was cut or rewritten"
            );
            return Ok((check, Err(problem)));
        }
    }
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
                    let name = name.strip_suffix(SEALED).unwrap_or(name);
                    name.starts_with(BACKUP_PREFIX)
                        && (name.ends_with(SQLITE_SUFFIX) || name.ends_with(POSTGRES_SUFFIX))
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

#[cfg(test)]
mod tests {
    #[test]
    fn pg_dump_is_given_the_password_in_its_environment_not_its_arguments() {
        let command =
            super::pg_dump("postgres://so:s%40cret@db.hospital.example:5432/so").expect("command");
        let arguments: Vec<_> = command.get_args().map(|a| a.to_string_lossy()).collect();
        assert_eq!(
            arguments,
            ["--dbname", "postgres://so@db.hospital.example:5432/so"]
        );
        let environment: Vec<_> = command.get_envs().collect();
        assert_eq!(
            environment,
            [(
                std::ffi::OsStr::new("PGPASSWORD"),
                Some(std::ffi::OsStr::new("s@cret"))
            )]
        );
        let plain = super::pg_dump("postgres://so@db/so").expect("command");
        assert_eq!(plain.get_envs().count(), 0);
    }
}
