//! The probes: `/healthz` (the process answers) and `/readyz` (it can do
//! its work: the database answers within two seconds with every migration
//! of this build applied, a SQLite file is still the one opened (not moved,
//! removed or replaced: the service would write where nobody reads), the
//! key file still holds the key in use, and the database's disk is not
//! full). Not ready is a 503 with one word, the
//! reason; ready names the build, for the admin. Neither touches patient
//! data. The shipped nginx file answers them on loopback only.

use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use sqlx::AnyPool;

/// Below this much free space beside a SQLite database, it is counted full:
/// a request with its write-ahead log frames takes some tens of KiB.
const FULL_BELOW_BYTES: u64 = 128 * 1024;

/// Every reason `/readyz` may give.
pub const REASONS: [&str; 4] = ["database", "migrations", "key", "disk-full"];

#[derive(Debug, Clone)]
pub struct Probes {
    pub pool: AnyPool,
    /// This build's newest migration.
    pub migration: i64,
    pub key_file: PathBuf,
    pub key: [u8; 32],
    /// The SQLite database's file as opened (PostgreSQL's disk is its
    /// server's).
    pub sqlite: Option<SqliteFile>,
}

/// A SQLite file, and which file it was when the service opened it.
#[derive(Debug, Clone)]
pub struct SqliteFile {
    path: PathBuf,
    identity: Option<(u64, u64)>,
}

impl SqliteFile {
    pub fn opened(path: &std::path::Path) -> Self {
        Self {
            path: path.to_path_buf(),
            identity: identity(path),
        }
    }

    fn is_the_one_opened(&self) -> bool {
        self.identity.is_some() && identity(&self.path) == self.identity
    }
}

/// The file's device and inode.
fn identity(path: &std::path::Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt as _;
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.dev(), metadata.ino()))
}

pub fn routes(probes: Probes) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .with_state(probes)
}

async fn readyz(State(probes): State<Probes>) -> (StatusCode, String) {
    match probes.problem().await {
        None => (StatusCode::OK, format!("ready\n{}\n", crate::VERSION)),
        Some(reason) => (StatusCode::SERVICE_UNAVAILABLE, format!("{reason}\n")),
    }
}

impl Probes {
    /// Why the service is not ready, in one word; `None` when it is.
    pub async fn problem(&self) -> Option<&'static str> {
        let applied = tokio::time::timeout(
            Duration::from_secs(2),
            crate::database::applied_migration(&self.pool),
        )
        .await;
        match applied {
            Ok(Ok(version)) if version >= self.migration => {}
            Ok(Ok(_)) => return Some("migrations"),
            Ok(Err(error)) if app::error::is_disk_full(&error) => return Some("disk-full"),
            Ok(Err(_)) | Err(_) => return Some("database"),
        }
        if self
            .sqlite
            .as_ref()
            .is_some_and(|file| !file.is_the_one_opened())
        {
            return Some("database");
        }
        if crate::database::key_on_disk(&self.key_file) != Some(self.key) {
            return Some("key");
        }
        let low = self
            .sqlite
            .as_ref()
            .and_then(|file| file.path.parent())
            .and_then(crate::database::free_bytes)
            .is_some_and(|free| free < FULL_BELOW_BYTES);
        if low || app::error::disk_full_lately() {
            return Some("disk-full");
        }
        None
    }
}
