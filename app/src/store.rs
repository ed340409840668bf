//! What the patient's and reception's database code both read (server
//! only): the pool, the one way a transaction that writes begins on either
//! engine, yes/no as both engines give it back, how moments are stored and
//! shown, the hospital's closure days as a `Calendar`, and until when a
//! reference's status look-up is locked.
//!
//! The SQL everywhere is written once for SQLite and PostgreSQL (`$N`
//! placeholders, `RETURNING`, `TRUE`/`FALSE`) and runs through sqlx's
//! `Any` driver: every value stored is text, a whole number, a yes/no or
//! bytes (moments are RFC 3339 text, money whole yen), which `Any` carries
//! as they are, and no query is checked at compile time (that would need a
//! database at build time), so `Any` costs no type and no check here. What
//! differs between the engines is in this module (`begin_write`, [`Flag`])
//! and in the server's `database` (connecting, migrations, backups).

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use domain::{Calendar, japan_time};
use leptos::prelude::use_context;
use sqlx::{Any, AnyPool, Transaction};

use crate::error::AppError;

/// Begins a transaction that writes, holding the database's one write turn
/// from its first statement: SQLite's `BEGIN IMMEDIATE` (a writer waits
/// for the lock at the start, never half-way through, where it could only
/// fail), and on PostgreSQL a transaction-scoped advisory lock every writer
/// takes, so that whatever reads and then writes (the audit chain's last
/// line, the sign-in throttle's count, receipt numbers, references,
/// versions) sees no other writer between its read and its write, whatever
/// the number of service processes. One turn for every writer is what
/// SQLite gives anyway; a hospital's clinic writes a few times a minute.
pub async fn begin_write(pool: &AnyPool) -> Result<Transaction<'static, Any>, sqlx::Error> {
    if is_postgres(pool) {
        let mut transaction = pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(WRITE_TURN)
            .execute(&mut *transaction)
            .await?;
        Ok(transaction)
    } else {
        pool.begin_with("BEGIN IMMEDIATE").await
    }
}

/// The advisory lock's key: any number the service alone uses ("SO2ND").
pub const WRITE_TURN: i64 = 0x0053_4F32_4E44;

/// Whether the pool is PostgreSQL's (else SQLite's).
pub fn is_postgres(pool: &AnyPool) -> bool {
    pool.connect_options()
        .database_url
        .scheme()
        .starts_with("postgres")
}

/// A yes/no read back from either engine: PostgreSQL gives a `boolean`,
/// SQLite a whole number (it has no other), which `Any` does not read as
/// `bool`. Written, a plain `bool` goes to both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flag(pub bool);

impl From<Flag> for bool {
    fn from(flag: Flag) -> Self {
        flag.0
    }
}

impl sqlx::Type<Any> for Flag {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <bool as sqlx::Type<Any>>::type_info()
    }

    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        ty.kind() == sqlx::any::AnyTypeInfoKind::Bool || ty.kind().is_integer()
    }
}

impl<'r> sqlx::Decode<'r, Any> for Flag {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        use sqlx::ValueRef as _;
        if value.type_info().kind() == sqlx::any::AnyTypeInfoKind::Bool {
            <bool as sqlx::Decode<Any>>::decode(value).map(Flag)
        } else {
            <i64 as sqlx::Decode<Any>>::decode(value).map(|number| Flag(number != 0))
        }
    }
}

/// A statement built piece by piece, each value bound as `$1`, `$2`, … in
/// turn (sqlx's `QueryBuilder` writes `?` for the `Any` driver, which
/// PostgreSQL does not read).
#[derive(Default)]
pub struct Statement {
    sql: String,
    arguments: sqlx::any::AnyArguments<'static>,
    refused: Option<String>,
}

impl std::fmt::Debug for Statement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Statement")
            .field("sql", &self.sql)
            .finish_non_exhaustive()
    }
}

impl Statement {
    pub fn new(sql: impl Into<String>) -> Self {
        Self {
            sql: sql.into(),
            ..Self::default()
        }
    }

    pub fn push(&mut self, sql: impl AsRef<str>) -> &mut Self {
        self.sql.push_str(sql.as_ref());
        self
    }

    pub fn push_bind<T>(&mut self, value: T) -> &mut Self
    where
        T: 'static + sqlx::Encode<'static, Any> + sqlx::Type<Any>,
    {
        use sqlx::Arguments as _;
        if let Err(error) = self.arguments.add(value) {
            self.refused.get_or_insert(error.to_string());
        }
        self.sql.push('$');
        self.sql.push_str(&self.arguments.len().to_string());
        self
    }

    /// The SQL and its values, to run with `sqlx::query_as_with` (or a
    /// value that could not be bound).
    pub fn parts(self) -> Result<(String, sqlx::any::AnyArguments<'static>), sqlx::Error> {
        match self.refused {
            Some(error) => Err(sqlx::Error::Encode(error.into())),
            None => Ok((self.sql, self.arguments)),
        }
    }
}

/// The process's one pool, as a server function finds it in its context
/// (the `server` crate builds it).
pub fn pool() -> Result<AnyPool, AppError> {
    use_context::<AnyPool>()
        .ok_or_else(|| AppError::internal("find the pool", &"no AnyPool in context"))
}

/// A moment as it is stored: RFC 3339 in UTC, to the millisecond, so that
/// stored moments sort as text.
pub fn timestamp(moment: DateTime<Utc>) -> String {
    moment.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A stored UTC moment in Japan time, to the second.
pub fn in_japan(stored: &str) -> String {
    DateTime::parse_from_rfc3339(stored).map_or_else(
        |_| stored.to_owned(),
        |moment| japan_time(&moment).format("%Y-%m-%d %H:%M:%S").to_string(),
    )
}

/// A stored value that cannot be read back.
pub fn undecodable(what: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("stored {what}").into())
}

/// The present doctor a stored report (its JSON) is addressed to; none
/// when its text was erased (a reduced case).
pub fn doctor_of_report(text: &str) -> Option<String> {
    serde_json::from_str::<domain::report::ReportText>(text)
        .ok()
        .map(|report| report.doctor)
}

/// The national calendar with the hospital's own closure days.
pub async fn calendar(pool: &AnyPool) -> Result<Calendar, sqlx::Error> {
    Ok(Calendar::with_extra_closures(
        closures(pool)
            .await?
            .into_iter()
            .map(|(day, name, _)| (day, name)),
    ))
}

/// The hospital's closure days: day, name, who added it.
pub async fn closures(pool: &AnyPool) -> Result<Vec<(NaiveDate, String, String)>, sqlx::Error> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT day, name, added_by FROM closure_days ORDER BY day")
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(day, name, by)| Some((day.parse().ok()?, name, by)))
        .collect())
}

/// Wrong dates of birth allowed per reference in 24 hours, from all
/// clients together; then its status look-up answers "try later".
pub const MISSES_PER_REFERENCE: i64 = 10;

/// The moment 24 hours before `now`, as stored.
pub fn a_day_before(now: DateTime<Utc>) -> String {
    timestamp(now - chrono::Duration::hours(24))
}

/// Until when the status look-up of `reference` is locked, if it is: a
/// day after the oldest of the last ten misses.
pub async fn status_lookup_locked_until(
    pool: &AnyPool,
    reference: &domain::reference::Reference,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let tenth: Option<String> = sqlx::query_scalar(
        "SELECT at FROM status_misses WHERE reference = $1 AND at > $2 \
         ORDER BY at DESC LIMIT 1 OFFSET $3",
    )
    .bind(reference.compact())
    .bind(a_day_before(now))
    .bind(MISSES_PER_REFERENCE - 1)
    .fetch_optional(pool)
    .await?;
    Ok(tenth
        .and_then(|at| DateTime::parse_from_rfc3339(&at).ok())
        .map(|at| at.with_timezone(&Utc) + chrono::Duration::hours(24)))
}
