//! The one error type of the server functions. It carries what the person
//! can act on (which fields to correct, why the request cannot be sent) and
//! never the text of an internal error, which is logged on the server only.

use domain::Verdict;
use domain::form::FieldErrors;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    /// Some answers break their field's rules; each is listed.
    #[error("some answers need correcting")]
    InvalidFields { errors: FieldErrors },
    /// The answers are valid but the hospital cannot take the request, or
    /// questions are still unanswered; the verdict lists every reason.
    #[error("the request cannot be sent")]
    NotSendable { verdict: Verdict },
    /// The request could not be read at all (a malformed or oversized body).
    #[error("the request could not be read")]
    BadRequest,
    /// The submission id was already used to send other answers (a send
    /// whose answer was lost, then changed answers). Sending again with a
    /// new id sends them as a new request.
    #[error("these answers differ from a request already sent")]
    Resubmitted,
    /// The database is busy; nothing was lost and the same request can be
    /// sent again.
    #[error("the service is busy, please try again")]
    Busy,
    /// The hospital's server cannot store anything for now (its disk is
    /// full); nothing was stored, the answers are kept in the page, and the
    /// same request can be sent again later.
    #[error("the service cannot take requests at the moment")]
    Unavailable,
    /// Too many attempts from this address; try again later.
    #[error("too many attempts, please try later")]
    TooManyAttempts,
    /// This reference's status look-up is locked for a day after ten wrong
    /// dates of birth, from anyone.
    #[error("this reference cannot be looked up for now")]
    LookUpLocked,
    /// Too many new requests from this address in the last hour; nothing
    /// was stored.
    #[error("too many new requests from this connection")]
    TooManyNewRequests,
    /// Nothing matched (a reference and date of birth that do not belong together).
    #[error("not found")]
    NotFound,
    /// The browser could not reach the server.
    #[error("the service could not be reached")]
    Unreachable,
    /// Anything else. The details are in the server's log, not here.
    #[error("something went wrong")]
    Internal,
}

impl AppError {
    /// Logs an unexpected error on the server and returns the plain
    /// `Internal` error for the browser. `context` names the operation; it
    /// must not contain personal data.
    #[cfg(feature = "ssr")]
    pub fn internal(context: &str, error: &dyn std::fmt::Display) -> Self {
        tracing::error!(%error, "{context}");
        Self::Internal
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The HTTP status that fits the error.
    pub const fn status(&self) -> leptos::server_fn::http_export::StatusCode {
        use leptos::server_fn::http_export::StatusCode;
        match self {
            Self::InvalidFields { .. } | Self::NotSendable { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Self::BadRequest => StatusCode::BAD_REQUEST,
            Self::Resubmitted => StatusCode::CONFLICT,
            Self::Busy | Self::Unavailable | Self::Unreachable => StatusCode::SERVICE_UNAVAILABLE,
            Self::TooManyAttempts | Self::LookUpLocked | Self::TooManyNewRequests => {
                StatusCode::TOO_MANY_REQUESTS
            }
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The error as a server function answers it: with its HTTP status.
    #[must_use]
    pub fn answered(self) -> Self {
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(self.status());
        }
        self
    }
}

/// A database error: "busy, try again" when SQLite is locked or the pool
/// is exhausted, otherwise an internal error, logged here (without
/// personal data: sqlx's errors name the statement's failure, not its
/// values).
#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        if is_disk_full(&error) {
            tracing::warn!(%error, "the database's disk is full");
            Self::Unavailable
        } else if is_busy(&error) {
            tracing::warn!(%error, "the database is busy");
            Self::Busy
        } else {
            tracing::error!(%error, "the patient's database work");
            Self::Internal
        }
    }
}

#[cfg(feature = "ssr")]
/// Whether a database error means "busy, try again" rather than a fault:
/// SQLite's busy and locked codes; PostgreSQL's lock wait timed out,
/// serialization failure, deadlock, too many connections, or a server
/// that is going away (a failover); the database out of reach.
pub fn is_busy(error: &sqlx::Error) -> bool {
    let busy = is_busy_code(error);
    if busy {
        metrics::counter!("second_opinion_database_busy_total").increment(1);
    }
    busy
}

#[cfg(feature = "ssr")]
fn is_busy_code(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) => true,
        sqlx::Error::Database(error) => {
            matches!(
                error.code().as_deref(),
                Some(
                    "5" | "6"
                        | "261"
                        | "262"
                        | "517"
                        | "55P03"
                        | "40001"
                        | "40P01"
                        | "53300"
                        | "57P01"
                        | "57P02"
                        | "57P03"
                )
            )
        }
        _ => false,
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // On the server, `Deserialization` is a request body that could
            // not be read (invalid UTF-8, cut short): the sender's fault.
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_) => Self::BadRequest,
            ServerFnErrorErr::Request(_) => Self::Unreachable,
            _ => Self::Internal,
        }
    }
}

/// Whether a database error means the disk is full: SQLite's `SQLITE_FULL`,
/// PostgreSQL's `disk_full`. Counted, and remembered for a while for the
/// readiness probe ([`disk_full_lately`]).
#[cfg(feature = "ssr")]
pub fn is_disk_full(error: &sqlx::Error) -> bool {
    let full = matches!(
        error,
        sqlx::Error::Database(error) if matches!(error.code().as_deref(), Some("13" | "53100"))
    );
    if full {
        metrics::counter!("second_opinion_database_disk_full_total").increment(1);
        LAST_DISK_FULL.store(since_start().max(1), std::sync::atomic::Ordering::Relaxed);
    }
    full
}

/// Whether the database said its disk was full within the last 10 seconds.
#[cfg(feature = "ssr")]
pub fn disk_full_lately() -> bool {
    let last = LAST_DISK_FULL.load(std::sync::atomic::Ordering::Relaxed);
    last > 0 && since_start().saturating_sub(last) < 10_000
}

/// When the disk was last found full: milliseconds since the process
/// began (0: never).
#[cfg(feature = "ssr")]
static LAST_DISK_FULL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

#[cfg(feature = "ssr")]
fn since_start() -> u64 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    let start = START.get_or_init(std::time::Instant::now);
    u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX)
}
