//! The SQLite database: one pool for the whole process, opened durably and
//! migrated at start.

use std::path::Path;
use std::str::FromStr;

use anyhow::{Context, Result};
use sqlx::SqlitePool;
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
    sqlx::migrate!("./migrations").run(&pool).await.context("cannot apply the database migrations")?;
    Ok(pool)
}

fn create_parent_directory(file: &Path) -> Result<()> {
    match file.parent() {
        Some(directory) if !directory.as_os_str().is_empty() => std::fs::create_dir_all(directory)
            .with_context(|| format!("cannot create the database directory {}", directory.display())),
        _ => Ok(()),
    }
}
