//! Server-only helpers of the server functions: the pool from context, the
//! HTTP status of each error, and what counts as a submission id.

use leptos::prelude::*;
use leptos::server_fn::http_export::StatusCode;
use sqlx::SqlitePool;

use crate::db;
use crate::error::AppError;

/// The process's one pool, provided by the `server` crate.
pub fn pool() -> Result<SqlitePool, AppError> {
    use_context::<SqlitePool>()
        .ok_or_else(|| AppError::internal("find the pool", &"no SqlitePool in context"))
}

/// Sets the HTTP status that fits `error` and returns it.
pub fn fail(error: AppError) -> AppError {
    let status = match &error {
        AppError::InvalidFields { .. } | AppError::NotSendable { .. } => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        AppError::BadRequest => StatusCode::BAD_REQUEST,
        AppError::Busy | AppError::Unreachable => StatusCode::SERVICE_UNAVAILABLE,
        AppError::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    };
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
    error
}

/// A database error as the browser sees it: "busy, try again" when SQLite
/// is locked, otherwise a logged internal error.
pub fn database_error(context: &str, error: &sqlx::Error) -> AppError {
    if db::is_busy(error) {
        tracing::warn!(%error, "database busy: {context}");
        fail(AppError::Busy)
    } else {
        fail(AppError::internal(context, error))
    }
}

/// 8 to 64 letters, digits and dashes: what the form generates.
pub fn is_submission_id(text: &str) -> bool {
    (8..=64).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}
