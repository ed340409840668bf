//! Which database the service uses, read from `DATABASE_URL` once, at
//! start: SQLite (`sqlite://PATH`, the embedded default) or PostgreSQL
//! (`postgres://USER@HOST:PORT/NAME`). Anything else is refused there, with
//! the reason, before anything is opened or created: a mistyped scheme
//! once made a SQLite file named after the URL and served from it.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;

/// A database URL the service can use, and its engine.
#[derive(Debug, Clone)]
pub struct DatabaseUrl {
    url: String,
    engine: Engine,
}

/// The engine a [`DatabaseUrl`] names, with what the log may say of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Engine {
    /// The SQLite file (or `:memory:`).
    Sqlite { file: PathBuf },
    /// A PostgreSQL server: host (or socket directory), port, database and
    /// role, never the password.
    Postgres {
        host: String,
        port: u16,
        database: String,
        user: String,
    },
}

impl DatabaseUrl {
    /// Reads `text` as a database URL, or says why it cannot be used.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let scheme = text.split_once(':').map_or("", |(scheme, _)| scheme);
        let engine = match scheme {
            "sqlite" => {
                let options = SqliteConnectOptions::from_str(text)
                    .map_err(|error| format!("DATABASE_URL is not a SQLite URL ({error})"))?;
                let file = options.get_filename().to_owned();
                if file.as_os_str().is_empty() {
                    return Err(
                        "DATABASE_URL for SQLite names its file: sqlite://data/second-opinion.db"
                            .to_owned(),
                    );
                }
                Engine::Sqlite { file }
            }
            "postgres" | "postgresql" => {
                let options = PgConnectOptions::from_str(text)
                    .map_err(|error| format!("DATABASE_URL is not a PostgreSQL URL ({error})"))?;
                let database = options.get_database().unwrap_or_default().to_owned();
                if database.is_empty() {
                    return Err(
                        "DATABASE_URL for PostgreSQL names its database: postgres://USER@HOST:PORT/DATABASE"
                            .to_owned(),
                    );
                }
                Engine::Postgres {
                    host: options.get_host().to_owned(),
                    port: options.get_port(),
                    database,
                    user: options.get_username().to_owned(),
                }
            }
            _ => {
                return Err(format!(
                    "DATABASE_URL names SQLite (sqlite://PATH) or PostgreSQL \
                     (postgres://USER@HOST:PORT/DATABASE), not {}",
                    if scheme.is_empty() {
                        "a URL without a scheme".to_owned()
                    } else {
                        format!("\"{scheme}:\"")
                    }
                ));
            }
        };
        Ok(Self {
            url: text.to_owned(),
            engine,
        })
    }

    /// The URL as given (it may hold a password: never log it; log the
    /// [`Display`](fmt::Display) form).
    pub fn url(&self) -> &str {
        &self.url
    }

    pub const fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The SQLite file, when the database is one.
    pub fn sqlite_file(&self) -> Option<&Path> {
        match &self.engine {
            Engine::Sqlite { file } => Some(file),
            Engine::Postgres { .. } => None,
        }
    }

    /// The key file's place when none is set: beside a SQLite database,
    /// with the extension `.key` (none for PostgreSQL: there the key must
    /// not sit with the data, and its place is said with `--key-file`).
    pub fn default_key_file(&self) -> Option<PathBuf> {
        self.sqlite_file().map(|file| file.with_extension("key"))
    }
}

impl FromStr for DatabaseUrl {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

/// What the log says of the database: the engine and where, no password.
impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.engine {
            Engine::Sqlite { file } => write!(f, "SQLite database {}", file.display()),
            Engine::Postgres {
                host,
                port,
                database,
                user,
            } => write!(
                f,
                "PostgreSQL database {database} on {host}:{port} as {user}"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_and_postgres_urls_name_their_engine_and_never_the_password() {
        let sqlite = DatabaseUrl::parse("sqlite://data/second-opinion.db").expect("sqlite");
        assert_eq!(
            sqlite.sqlite_file(),
            Some(Path::new("data/second-opinion.db"))
        );
        assert_eq!(
            sqlite.default_key_file(),
            Some(PathBuf::from("data/second-opinion.key"))
        );
        assert_eq!(sqlite.to_string(), "SQLite database data/second-opinion.db");
        let postgres =
            DatabaseUrl::parse("postgres://so:secret@127.0.0.1:55433/so").expect("postgres");
        assert_eq!(
            postgres.to_string(),
            "PostgreSQL database so on 127.0.0.1:55433 as so"
        );
        assert_eq!(postgres.default_key_file(), None);
        assert!(DatabaseUrl::parse("postgresql://so@db.hospital.example/so").is_ok());
    }

    #[test]
    fn a_url_the_service_cannot_use_is_refused_with_the_reason() {
        for (url, reason) in [
            ("sqllite:data/x.db", "not \"sqllite:\""),
            ("mysql://so@host/so", "not \"mysql:\""),
            ("data/second-opinion.db", "without a scheme"),
            ("", "without a scheme"),
            ("postgres://so@127.0.0.1:55433", "names its database"),
            ("sqlite://", "names its file"),
        ] {
            let error = DatabaseUrl::parse(url).expect_err(url);
            assert!(error.contains(reason), "{url}: {error}");
        }
    }
}
